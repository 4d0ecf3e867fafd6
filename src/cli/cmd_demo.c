/* cmd_demo.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_demo(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_demo = {
	"demo", run_demo,
	"demo [--educators N] [--seed S]",
	"Fills a database with a deterministic synthetic district dataset.",
	"",
};
