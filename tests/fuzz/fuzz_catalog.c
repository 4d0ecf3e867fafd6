/* fuzz_catalog.c: the catalog validator (what `catalog validate` and `catalog
 * load` run first), on any bytes as one catalog file (tests/fuzz/run.sh). */
#include "fuzz.h"

#include "mcassess/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void problem(void *ctx, const char *msg)
{
	(void)ctx;
	if (!*msg) /* every problem is a sentence */
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fuzz_write("catalog.json", data, size);
	struct mc_error err = MC_ERROR_INIT;
	int ncred, npath;
	catalog_validate(path, problem, NULL, &ncred, &npath, &err);
	mc_error_clear(&err);
	free(path);
	return 0;
}
