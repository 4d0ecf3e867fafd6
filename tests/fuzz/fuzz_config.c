/* fuzz_config.c: the workstation's config file ("bind KEY ACTION", "color ELEMENT
 * FG BG [ATTR...]", "set cursor arrow|bar"), on any bytes, read the way the
 * workstation reads it at start (tests/fuzz/run.sh). Linked with the program's
 * own sources, its main() renamed (Makefile.am). */
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#include "tui/tui_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		char *dir = mc_xasprintf("%s/mcassess", fuzz_tmpdir());
		if (mkdir(dir, 0700) != 0 || setenv("XDG_CONFIG_HOME", fuzz_tmpdir(), 1) != 0)
			abort();
		free(dir);
		ready = 1;
	}
	free(fuzz_write("mcassess/config", data, size));
	struct tui t;
	memset(&t, 0, sizeof t);
	t.keymap = tui_keymap_new();
	tui_config_load(&t);
	free(t.config_note);
	tui_keymap_free(&t.keymap);
	return 0;
}
