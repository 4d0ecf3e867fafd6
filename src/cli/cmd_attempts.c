/* cmd_attempts.c: `mcassess attempts grant EDUCATOR CREDENTIAL --reason TEXT`:
 * one more attempt beyond the limit (config attempts) for one educator. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcassess/attempts.h"

static int run_attempts(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	const char *reason;
	int parsed = cli_reason_options(self, argc, argv, &reason);
	if (parsed >= 0)
		return parsed;
	if (optind >= argc || strcmp(argv[optind], "grant") != 0)
		return cli_usage_error(self, "say what to do: grant EDUCATOR CREDENTIAL --reason TEXT");
	if (argc - optind != 3)
		return cli_usage_error(self, "grant takes an educator id and a credential code");
	if (!reason)
		return cli_usage_error(self, "a grant needs --reason TEXT (it is kept in the audit history)");
	struct store *s = NULL;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	const char *edu = argv[optind + 1], *cred = argv[optind + 2];
	rc = attempts_grant(s, edu, cred, reason, &err);
	if (rc == MC_OK)
		cli_say(stdout, "%s may submit %s once more, beyond the attempt limit.\n", edu, cred);
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

const struct cli_cmd cli_cmd_attempts = {
	"attempts", run_attempts,
	"attempts grant EDUCATOR CREDENTIAL --reason TEXT",
	"Grants an educator one more attempt at a credential, beyond the limit.",
	"An import of an attempt beyond the limit (mcassess config attempts; default 3)\n"
	"is refused. An admin may grant one more attempt: the next import of that\n"
	"educator's submission for that credential is then accepted (once per grant).\n"
	"EDUCATOR is the id from the submission platform (educator_id in the import).\n"
	"The grant and its reason are audited.\n",
};
