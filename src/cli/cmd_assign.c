/* cmd_assign.c: `mcassess assign ID USER [--read R] [--blind]` and
 * `mcassess assign --remove ID USER [--read R]`: who scores what. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "mcassess/assign.h"

static int run_assign(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "blind", no_argument, NULL, 'b' },
		{ "remove", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *read = NULL;
	int blind = 0, remove = 0, ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'r': read = optarg; break;
		case 'b': blind = 1; break;
		case 'x': remove = 1; break;
		case 'h': return cli_help(self);
		default: return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(self, "needs a submission id and a user");
	if (read && !assign_read_valid(read))
		return cli_usage_error(self, "--read is first, second or adjudication, not '%s'", read);
	if (remove && blind)
		return cli_usage_error(self, "--blind goes with assigning, not with --remove");
	const char *id = argv[optind], *user = argv[optind + 1];
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (remove) {
		int n = 0;
		if (assign_remove(s, id, user, read, &n, &err) == MC_OK)
			cli_say(stdout, "%s: %s is no longer assigned to it (%d read%s removed).\n", id, user, n,
			       n == 1 ? "" : "s");
	} else {
		enum assign_change what;
		char *previous = NULL;
		const char *r = read ? read : "first";
		const char *how = blind ? ", blind: they see an anonymous id, not the educator" : "";
		if (assign_set(s, id, user, r, blind, &what, &previous, &err) == MC_OK) {
			if (what == ASSIGN_UNCHANGED)
				cli_say(stdout, "%s: %s already has the %s read%s; nothing changed.\n", id, user, r,
				       blind ? " (blind)" : "");
			else if (what == ASSIGN_REPLACED)
				cli_say(stdout, "%s: the %s read moves from %s to %s%s.\n", id, r, previous, user, how);
			else
				cli_say(stdout, "%s: %s read assigned to %s%s.\n", id, r, user, how);
		}
		free(previous);
	}
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

const struct cli_cmd cli_cmd_assign = {
	"assign", run_assign,
	"assign ID USER [--read first|second|adjudication] [--blind] | assign --remove ID USER [--read R]",
	"Assigns a submission to a person to score, or takes it away.",
	"Coordinators and admins assign; a coordinator who has a district assigns only\n"
	"that district's submissions. USER must be one of the database's people\n"
	"(mcassess people add). An assessor may score only what is assigned to them.\n\n"
	"options:\n"
	"  --read R   which read: first (the default), second or adjudication; a read\n"
	"             held by someone else moves to USER; one person reads a\n"
	"             submission once\n"
	"  --blind    USER scores blind: every screen and command shows them the\n"
	"             educator's anonymous id, never the name, id or school\n"
	"  --remove   take USER's assignment away (of --read R only, if given)\n\n"
	"Decided and withdrawn submissions keep their assignments as they were.\n"
	"Every change is audited (and committed to the archive when there is one).\n"
	"Exit status: 0 done, 1 refused or no such submission or person, 2 usage,\n"
	"3 USER is not a login name.\n",
};
