/* cmd_show.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_show(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_show = {
	"show", run_show,
	"show ID [--format text|json]",
	"Shows one submission: evidence, rubric, scores, feedback, history.",
	"",
};
