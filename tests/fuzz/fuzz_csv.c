/* fuzz_csv.c: the CSV importer, on any bytes (tests/fuzz/run.sh). */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import("in.csv", data, size);
}
