/* cmd_people.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_people(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_people = {
	"people", run_people,
	"people add USER --role assessor|coordinator|admin [--district D] | people list",
	"Who may do what.",
	"",
};
