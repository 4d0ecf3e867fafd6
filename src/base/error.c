/* error.c: filling struct mc_error. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mcassess/error.h"
#include "mcassess/util.h"

int mc_error_set(struct mc_error *err, enum mc_status status, const char *fmt, ...)
{
	if (!err)
		return status;
	va_list ap;
	va_start(ap, fmt);
	char *m = mc_xvasprintf(fmt, ap);
	va_end(ap);
	free(err->msg);
	err->msg = m;
	err->status = status;
	return status;
}

int mc_error_at(struct mc_error *err, enum mc_status status, const char *file, long line,
		long col, const char *fmt, ...)
{
	if (!err)
		return status;
	va_list ap;
	va_start(ap, fmt);
	char *m = mc_xvasprintf(fmt, ap);
	va_end(ap);
	char *full;
	if (line > 0 && col > 0)
		full = mc_xasprintf("%s:%ld:%ld: %s", file, line, col, m);
	else if (line > 0)
		full = mc_xasprintf("%s:%ld: %s", file, line, m);
	else
		full = mc_xasprintf("%s: %s", file, m);
	free(m);
	free(err->msg);
	err->msg = full;
	err->status = status;
	return status;
}

void mc_error_prefix(struct mc_error *err, const char *fmt, ...)
{
	if (!err || !err->msg)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *p = mc_xvasprintf(fmt, ap);
	va_end(ap);
	char *full = mc_xasprintf("%s: %s", p, err->msg);
	free(p);
	free(err->msg);
	err->msg = full;
}

void mc_error_clear(struct mc_error *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->status = MC_OK;
}

const char *mc_error_msg(const struct mc_error *err)
{
	return err && err->msg ? err->msg : "unknown error";
}
