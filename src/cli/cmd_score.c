/* cmd_score.c: NOT YET WRITTEN (stub). */
#include "config.h"

#include "cli.h"

static int run_score(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_score = {
	"score", run_score,
	"score ID CRITERION LEVEL [--comment TEXT]",
	"Scores one criterion.",
	"",
};

static int run_feedback(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_feedback = {
	"feedback", run_feedback,
	"feedback ID [--file F|-]",
	"Sets the feedback text.",
	"",
};

static int run_decide(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli; (void)argc; (void)argv;
	fprintf(stderr, "mcassess: %s: not written yet\n", self->name);
	return MC_FAIL;
}

const struct cli_cmd cli_cmd_decide = {
	"decide", run_decide,
	"decide ID earned|resubmit",
	"Records the decision.",
	"",
};
