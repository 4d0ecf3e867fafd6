/* cmd_check.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_check(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_check = {
	"check", run_check,
	"check",
	"Verifies the database, evidence files and the audit chain.",
	"",
};
