/* progress.c: the one progress sink (see progress.h). */
#include "config.h"

#include <stddef.h>

#include "mcassess/progress.h"

static progress_fn sink;
static void *sink_ctx;

void progress_set(progress_fn fn, void *ctx)
{
	sink = fn;
	sink_ctx = ctx;
}

void progress_report(const char *what, long long done, long long total)
{
	if (sink)
		sink(sink_ctx, what, done, total);
}
