/* fuzz_patterns.c: the redaction files, on any bytes: as a *.patterns file and as
 * a *.names file, each then applied to a text with names, e-mail addresses and
 * phone numbers in it (tests/fuzz/run.sh). */
#include <string.h>

#include "fuzz.h"

#include "mcassess/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] = "Ask María José López (maria@example.org, +1 555 0100) or 王小明 "
			     "about student 20231234.\nLine two: José, jose, JOSÉ.";

static void load_and_mask(const char *name, const uint8_t *data, size_t size)
{
	char *path = fuzz_write(name, data, size);
	struct redact_set *set = redact_new();
	struct mc_error err = MC_ERROR_INIT;
	if (redact_load_file(set, path, &err) == MC_OK) {
		char *out = NULL;
		int n;
		redact_set_person(set, "María José López");
		if (redact_mask(set, sample, strlen(sample), &out, &n, &err) == MC_OK && !out)
			abort(); /* a masked text, even when nothing was masked */
		free(out);
	}
	mc_error_clear(&err);
	redact_free(&set);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load_and_mask("fuzz.patterns", data, size);
	load_and_mask("fuzz.names", data, size);
	return 0;
}
