/* cmd_check.c: `mcassess check`: every problem on its own line, then a verdict. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "mcassess/check.h"


static int run_check(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "repair", no_argument, NULL, 'r' },
		{ "since-last", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, repair = 0;
	unsigned what = CHECK_ALL;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'r')
			repair = 1;
		else if (ch == 's')
			what |= CHECK_SINCE_LAST;
		else
			return cli_usage_error(self, "unknown option");
	}
	if (optind != argc)
		return cli_usage_error(self, "takes no arguments");
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (repair) {
		long removed = 0;
		if (check_repair(s, &removed, &err) != MC_OK) {
			cli_close(cli);
			return cli_error(&err);
		}
		cli_say(stdout, "repair: removed %ld evidence file%s that no evidence item used\n", removed,
		       removed == 1 ? "" : "s");
	}
	struct check_summary sum;
	cli_progress_begin(cli);
	cli_catch_interrupt(s);
	rc = check_run(s, what, cli_problem, NULL, &sum, &err);
	if (rc != MC_OK && cli_interrupted()) /* check only reads */
		return cli_interrupted_exit(cli, &err, "nothing was changed (the check did not finish)");
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	char *summary = check_summary_text(&sum);
	if ((what & CHECK_SINCE_LAST) && sum.since_audit_seq < 0)
		printf("no clean check recorded yet: everything was checked\n");
	else if (what & CHECK_SINCE_LAST)
		printf("since the last clean check: evidence items after #%lld, audit rows from %lld on\n",
		       sum.since_evidence_id, sum.since_audit_seq);
	if (sum.problems == 0) {
		printf("all good: %s checked\n", summary);
		if (sum.marks_kept == 0)
			cli_say(stderr, "mcassess: check: the database was busy (or cannot be written), so where this "
					"check ended was not recorded; the next 'check --since-last' starts from the "
					"last clean check recorded\n");
	} else {
		cli_say(stderr, "mcassess: check found %ld problem%s in %s (%s)\n", sum.problems,
			sum.problems == 1 ? "" : "s", cli->db_path, summary);
		rc = MC_FAIL;
	}
	free(summary);
	return rc;
}

const struct cli_cmd cli_cmd_check = {
	"check", run_check,
	"check [--repair] [--since-last]",
	"Verifies the database, evidence files and the audit chain.",
	"Checks, and names each problem on a line of its own starting 'problem: ':\n"
	"  - SQLite's integrity check and foreign keys, and the triggers that protect the\n"
	"    audit log and keep the status counters;\n"
	"  - the SHA-256 of every evidence text, and every stored evidence file (missing, or\n"
	"    its content no longer matching);\n"
	"  - the audit log's hash chain (an edited or deleted row shows);\n"
	"  - the status counters against the real counts;\n"
	"  - every score, feedback and decision against the last audited change to it (a\n"
	"    change made behind mcassess's back shows), and each decision against the\n"
	"    submission's status;\n"
	"  - files in the evidence directory that no evidence item uses (left by an\n"
	"    import that was killed before it finished).\n\n"
	"--repair (admins) first removes those unused evidence files, holding the\n"
	"database's write lock so that an import running meanwhile is not harmed, then\n"
	"checks.\n\n"
	"--since-last  only what came after the last clean check: evidence added since\n"
	"              (and its files), the audit chain from where that check ended (that\n"
	"              row must be unchanged), the triggers, the status counters, and the\n"
	"              report counters of the days, months and submissions changed since;\n"
	"              time in proportion to the change. Only the whole check reads SQLite's\n"
	"              integrity check, older evidence, every score, feedback and decision\n"
	"              against the log, unused files and the archive: run it too, less\n"
	"              often. Every clean check records where it ended.\n\n"
	"Exit status: 0 all good (one summary line), 1 problems were found.\n",
};
