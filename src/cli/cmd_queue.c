/* cmd_queue.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_queue(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_queue = {
	"queue", run_queue,
	"queue [--status S|all] [--credential C] [--district D] [--mine] [--limit N] [--format text|tsv|json]",
	"Lists the evidence queue.",
	"",
};
