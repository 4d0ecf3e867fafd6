/* unit.h: what every cmocka unit test includes. */
#ifndef MCASSESS_UNIT_H
#define MCASSESS_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* A fresh temporary directory for a test (removed by unit_rmtree). */
static inline char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = malloc(4096);
	snprintf(t, 4096, "%s/mcassess-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t)) {
		perror("mkdtemp");
		abort();
	}
	return t;
}

static inline void unit_rmtree(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}
#endif
