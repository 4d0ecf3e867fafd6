/* cmd_review.c: `mcassess reopen ID --reason TEXT` (an appeal: a final decision
 * is undone and the readers read again) and `mcassess withdraw ID --reason TEXT`
 * (no further work on it). Admins only; both audited (review.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcassess/review.h"

static int run_one(struct cli *cli, const struct cli_cmd *self, int argc, char **argv,
		   int (*fn)(struct store *, const char *, const char *, struct mc_error *), const char *done)
{
	const char *reason;
	int parsed = cli_reason_options(self, argc, argv, &reason);
	if (parsed >= 0)
		return parsed;
	if (argc - optind != 1)
		return cli_usage_error(self, "needs one submission id");
	if (!reason)
		return cli_usage_error(self, "needs --reason TEXT: it is kept in the submission's history");
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (fn(s, argv[optind], reason, &err) == MC_OK)
		cli_say(stdout, "%s: %s by %s.\n", argv[optind], done, cli->sess->actor.user);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

static int run_reopen(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	return run_one(cli, self, argc, argv, review_reopen, "reopened (in progress again, every read open)");
}

static int run_withdraw(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	return run_one(cli, self, argc, argv, review_withdraw, "withdrawn");
}

const struct cli_cmd cli_cmd_reopen = {
	"reopen", run_reopen,
	"reopen ID --reason TEXT",
	"Reopens a final decision (an appeal): admins only.",
	"The decision (earned, resubmit or incomplete) is removed and the submission is in\n"
	"progress again; every read is open again for its reader. The reason, the\n"
	"decision it had and who made it stay in the audit log and in `show`'s history.\n"
	"Exit status: 0 reopened, 1 refused (not an admin, no final decision), 2 usage,\n"
	"3 a reason that is empty, too long or not UTF-8.\n",
};

const struct cli_cmd cli_cmd_withdraw = {
	"withdraw", run_withdraw,
	"withdraw ID --reason TEXT",
	"Withdraws a submission: admins only; nothing more can be written to it.",
	"A submission with a final decision must be reopened first. The reason stays in\n"
	"the audit log and in `show`'s history.\n"
	"Exit status: 0 withdrawn, 1 refused, 2 usage, 3 a bad reason.\n",
};
