/* cmd_init.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_init(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_init = {
	"init", run_init,
	"init",
	"Creates the database and loads the credential catalog; you become its admin.",
	"",
};
