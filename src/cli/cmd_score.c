/* cmd_score.c: score, feedback and decide: parse, call scoring_*, print. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "mcassess/priv.h"
#include "mcassess/review.h"
#include "mcassess/scoring.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

/* ---------------------------------------------------------------- score */

/* "S-1 O2: Demonstrated (passes). 3 of 7 criteria scored." */
static int print_scored(struct store *s, const char *id, const char *criterion, struct mc_error *err)
{
	long long rowid;
	struct scoring_outcome *o = NULL;
	int rc = scoring_find(s, id, &rowid, err);
	if (rc == MC_OK)
		rc = scoring_outcome(s, rowid, &o, err);
	if (rc != MC_OK)
		return rc;
	for (int i = 0; i < o->ncriteria; i++) {
		const struct scoring_criterion *c = &o->criteria[i];
		if (strcasecmp(c->code, criterion) != 0 || c->level < 0)
			continue;
		cli_say(stdout, "%s %s: %s (%s). %d of %d criteria scored.", o->id, c->code, c->levels[c->level].label,
		       c->passes ? "passes" : "does not pass", o->nscored, o->ncriteria);
		if (o->eligible)
			cli_say(stdout, " Every criterion passes: 'mcassess decide %s earned' may be recorded.", o->id);
		putchar('\n');
	}
	scoring_outcome_free(&o);
	return MC_OK;
}

static int run_score(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "comment", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *comment = NULL;
	int ch;
	while ((ch = cli_getopt(argc, argv, "c:h", opts)) != -1) {
		switch (ch) {
		case 'c': comment = optarg; break;
		case 'h': return cli_help(self);
		default: return cli_usage_error(self, "unknown option");
		}
	}
	if (argc - optind != 3)
		return cli_usage_error(self, "needs a submission id, a criterion and a level");
	const char *id = argv[optind], *criterion = argv[optind + 1], *level = argv[optind + 2];
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (comment && !text_utf8_valid(comment, strlen(comment), NULL))
		mc_error_set(&err, MC_INVALID, "--comment: not valid UTF-8");
	else if (scoring_score(s, id, criterion, level, comment, &err) == MC_OK)
		print_scored(s, id, criterion, &err);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

const struct cli_cmd cli_cmd_score = {
	"score", run_score,
	"score ID CRITERION LEVEL [--comment TEXT]",
	"Scores one criterion of a submission.",
	"ID is the submission's id as imported; CRITERION a criterion code of the rubric it\n"
	"was submitted under (O1, A2, R1 ...). LEVEL is the level's code (demonstrated), its\n"
	"label in any case (\"Progressing\") or its number, 1 being the lowest. Scoring again\n"
	"replaces the earlier score; the audit log keeps both. A queued submission becomes\n"
	"in_progress.\n\n"
	"options:\n"
	"  -c, --comment TEXT  a comment on this criterion (kept when re-scoring without one;\n"
	"                      --comment '' clears it)\n\n"
	"Admins and coordinators may score any submission, assessors those assigned to them.\n"
	"A decided submission can no longer be scored.\n"
	"Exit status: 0 scored, 1 refused or no such submission, 2 usage, 3 no such criterion\n"
	"or level (the valid ones are listed).\n",
};

/* ---------------------------------------------------------------- feedback */

static int read_stream(FILE *f, char **data, size_t *len)
{
	struct mc_buf b = MC_BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		mc_buf_add(&b, chunk, n);
	if (ferror(f)) {
		mc_buf_free(&b);
		return -1;
	}
	*len = b.len;
	mc_buf_str(&b);
	*data = mc_buf_steal(&b);
	return 0;
}

int cli_text_input(const char *file, const char *arg, const char *what, char **data, size_t *len,
		   const char **where, struct mc_error *err)
{
	if ((file && strcmp(file, "-") == 0) || (!file && arg && strcmp(arg, "-") == 0)) {
		*where = "stdin";
		if (read_stream(stdin, data, len) != 0)
			return mc_error_set(err, MC_FAIL, "stdin: cannot read: %s", strerror(errno));
		return MC_OK;
	}
	if (file) {
		*where = file;
		priv_user_begin(); /* the person's file, read with their own rights */
		int r = mc_read_file(file, data, len);
		int e = errno;
		priv_user_end();
		if (r != 0)
			return mc_error_set(err, MC_FAIL, "%s: cannot read: %s", file, strerror(e));
		return MC_OK;
	}
	*where = what;
	*len = strlen(arg);
	*data = mc_xstrdup(arg);
	return MC_OK;
}

static int run_feedback(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	int ch;
	while ((ch = cli_getopt(argc, argv, "f:h", opts)) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 'h': return cli_help(self);
		default: return cli_usage_error(self, "unknown option");
		}
	}
	int nargs = argc - optind;
	if (nargs < 1 || nargs > 2)
		return cli_usage_error(self, "needs a submission id and the text (--file F, - for stdin, or TEXT)");
	if (nargs == 2 && file)
		return cli_usage_error(self, "give the text either with --file or as an argument, not both");
	if (nargs == 1 && !file)
		return cli_usage_error(self, "where is the text? give --file F, - for stdin, or TEXT");
	const char *id = argv[optind], *arg = nargs == 2 ? argv[optind + 1] : NULL;

	struct mc_error err = MC_ERROR_INIT;
	char *data = NULL;
	size_t len = 0;
	const char *where = NULL;
	if (cli_text_input(file, arg, "the feedback text", &data, &len, &where, &err) != MC_OK)
		return cli_error(&err);
	if (scoring_text_check(data, len, where, &err) != MC_OK) {
		free(data);
		return cli_error(&err);
	}
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK) {
		free(data);
		return rc;
	}
	if (scoring_feedback_set(s, id, data, &err) == MC_OK) {
		long words = text_word_count(data, len);
		cli_say(stdout, "%s: feedback saved (%ld word%s).\n", id, words, words == 1 ? "" : "s");
	}
	cli_close(cli);
	free(data);
	return err.msg ? cli_error(&err) : MC_OK;
}

const struct cli_cmd cli_cmd_feedback = {
	"feedback", run_feedback,
	"feedback ID --file F | feedback ID - | feedback ID TEXT",
	"Sets the feedback for a submission.",
	"The feedback replaces any earlier feedback on the submission (the audit log keeps\n"
	"both) and clears your saved 'overall' draft of it. It must be UTF-8 text of at most\n"
	"64 KiB.\n\n"
	"options:\n"
	"  -f, --file F   read the text from the file F ('-' reads standard input)\n"
	"  -              read the text from standard input\n\n"
	"Exit status: 0 saved, 1 refused or no such submission, 2 usage, 3 invalid text\n"
	"(not UTF-8, empty or too long; the line and column are named).\n",
};

/* ---------------------------------------------------------------- decide */

static int run_decide(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	const char *reason;
	int parsed = cli_reason_options(self, argc, argv, &reason);
	if (parsed >= 0)
		return parsed;
	if (argc - optind != 2)
		return cli_usage_error(self, "needs a submission id and 'earned', 'resubmit', 'incomplete', "
				       "'approve' or 'return'");
	const char *id = argv[optind], *outcome = argv[optind + 1];
	int incomplete = strcmp(outcome, "incomplete") == 0, ret = strcmp(outcome, "return") == 0;
	int approve = strcmp(outcome, "approve") == 0;
	if (strcmp(outcome, "earned") != 0 && strcmp(outcome, "resubmit") != 0 && !incomplete && !ret && !approve)
		return cli_usage_error(self, "the decision is 'earned', 'resubmit', 'incomplete', 'approve' or "
				       "'return', not '%s'", outcome);
	if (incomplete && !reason)
		return cli_usage_error(self, "'incomplete' needs --reason TEXT: what is missing or cannot be read");
	if (ret && !reason)
		return cli_usage_error(self, "'return' needs --reason TEXT: what the readers should look at again");
	if (!incomplete && !ret && reason)
		return cli_usage_error(self, "--reason goes with 'incomplete' and 'return'; for %s write feedback",
				       outcome);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	const char *me = cli->sess->actor.user;
	int process = 0;
	const char *stage = NULL;
	if (incomplete) {
		if (scoring_return_incomplete(s, id, reason, &err) == MC_OK)
			cli_say(stdout, "%s: returned as incomplete (by %s); it does not count as an attempt.\n", id, me);
	} else if (approve) {
		/* what the reads say, by the same rule the sign-off applies (review.h) */
		char *said = NULL;
		if (review_approval_outcome(s, id, &said, &err) == MC_OK && review_approve(s, id, &err) == MC_OK)
			cli_say(stdout, "%s: approved by %s; the decision is final: %s.\n", id, me, said);
		free(said);
	} else if (ret) {
		if (review_return(s, id, reason, &err) == MC_OK)
			cli_say(stdout, "%s: returned to the readers by %s.\n", id, me);
	} else if (review_uses_process(s, &process, &err) == MC_OK &&
		   scoring_decide(s, id, outcome, &err) == MC_OK) {
		if (!process)
			cli_say(stdout, "%s: %s (decided by %s).\n", id, outcome, me);
		else if (review_stage_of(s, id, &stage, &err) == MC_OK)
			cli_say(stdout, "%s: your read ends with '%s'; the submission is now: %s.\n", id, outcome, stage);
	}
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

const struct cli_cmd cli_cmd_decide = {
	"decide", run_decide,
	"decide ID earned|resubmit | decide ID incomplete --reason TEXT | decide ID approve | "
	"decide ID return --reason TEXT",
	"Records the decision on a submission.",
	"earned      refused unless every criterion is scored at a passing level; the\n"
	"            refusal lists the criteria not scored and those that do not pass\n"
	"resubmit    refused until the submission has feedback (see 'mcassess feedback')\n"
	"incomplete  the completeness check (coordinators and admins): return it\n"
	"            unscored because parts are missing or files cannot be read;\n"
	"            --reason TEXT (required) says what, and `show` shows it. It is not\n"
	"            an attempt: the educator's next submission keeps its number.\n\n"
	"approve     (approvers and admins who hold no read of it) sign off a submission\n"
	"            awaiting approval: its reads' outcome becomes the decision\n"
	"return      (the same people) send it back to the readers; --reason TEXT\n"
	"            (required) is shown to them in its history\n\n"
	"Without approval (config reads 1, config approval off), earned and resubmit are\n"
	"final at once. Otherwise they end the reader's read: with two reads, readers who\n"
	"agree send it for approval, readers who disagree to an adjudication read.\n"
	"A final decision can no longer be changed, except by an admin's 'mcassess reopen'.\n"
	"Exit status: 0 recorded, 1 refused or no such submission, 2 usage, 3 a reason\n"
	"that is empty, too long or not UTF-8.\n",
};
