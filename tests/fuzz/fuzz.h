/* fuzz.h: what the libFuzzer harnesses share: a private temporary directory,
 * and writing one input there as a file (the parsers read files by path). */
#ifndef MCASSESS_FUZZ_H
#define MCASSESS_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mcassess/util.h"

static char *fuzz_dir;

/* The directory, made on first use and removed at exit. */
static inline void fuzz_rmdir(void)
{
	char *cmd = mc_xasprintf("rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fuzz_dir);
	free(cmd);
}

static inline const char *fuzz_tmpdir(void)
{
	if (fuzz_dir)
		return fuzz_dir;
	const char *base = getenv("TMPDIR");
	fuzz_dir = mc_xasprintf("%s/mcassess-fuzz-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(fuzz_dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(fuzz_rmdir);
	return fuzz_dir;
}

/* Write the input to NAME in the directory; the path is heap. */
static inline char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	char *path = mc_xasprintf("%s/%s", fuzz_tmpdir(), name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}
#endif
