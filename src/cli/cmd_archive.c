/* cmd_archive.c: `mcassess archive init [PATH] | log ID | verify | push [REMOTE] | pull [REMOTE]`. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/priv.h"
#include "mcassess/archive.h"
#include "mcassess/check.h"
#include "mcassess/store_archive.h"
#include "mcassess/util.h"

static int not_here(void)
{
	fputs("mcassess: the evidence archive is not available in this build (configured --without-libgit2)\n",
	      stderr);
	return MC_FAIL;
}

/* What an interrupted init kept: the archive is configured once its settings
 * were committed, before the first commit to it was written. */
static int init_interrupted(struct store *s, const struct archive_init_result *r, struct mc_error *err)
{
	char *path = NULL, *kept = NULL;
	struct mc_error e2 = MC_ERROR_INIT;
	store_stop_when(s, NULL);
	if (store_archive_configured(s, &path, &e2) != MC_OK)
		kept = mc_xstrdup("what was kept could not be read; run 'mcassess check'");
	else if (path)
		kept = mc_xasprintf("the archive %s is set up for this database; what it does not hold yet "
				    "waits in the outbox: run 'mcassess archive init' again to commit it", path);
	else if (r->created && r->path)
		kept = mc_xasprintf("the database was not changed (the new, empty folder %s is left: "
				    "remove it or run 'mcassess archive init' again)", r->path);
	mc_error_clear(&e2);
	free(path);
	cli_catch_interrupt(s); /* again: closing the store would take up the archive's work */
	int rc = cli_interrupted_exit(NULL, err, kept);
	free(kept);
	return rc;
}

static int do_init(struct cli *cli, struct store *s, int argc, char **argv, const struct cli_cmd *self)
{
	if (argc > 1)
		return cli_usage_error(self, "init takes at most one PATH");
	struct mc_error err = MC_ERROR_INIT;
	struct archive_init_result r;
	if (argc == 1 && priv_check_path(argv[0], "archive", &err) != MC_OK)
		return cli_error(&err);
	cli_progress_begin(cli);
	cli_catch_interrupt(s);
	int rc = archive_init(s, argc == 1 ? argv[0] : NULL, &r, &err);
	if (rc != MC_OK && cli_interrupted()) {
		rc = init_interrupted(s, &r, &err);
		archive_init_result_free(&r);
		return rc;
	}
	cli_progress_end(); /* the session ends with the command */
	if (rc != MC_OK) {
		archive_init_result_free(&r);
		return cli_error(&err);
	}
	cli_say(stdout, "%s the archive %s for %s: commit %.10s holds %ld submission%s\n",
	       r.created ? "created" : "attached", r.path, cli->db_path, r.commit, r.submissions,
	       r.submissions == 1 ? "" : "s");
	archive_init_result_free(&r);
	return MC_OK;
}

struct log_out {
	int format;
	int first;
};

static int print_entry(void *ctx, const struct archive_log_entry *e)
{
	struct log_out *o = ctx;
	if (o->format == CLI_TSV) {
		printf("%s\t%s\t", e->commit, e->at);
		cli_tsv_field(stdout, e->author);
		putchar('\t');
		cli_tsv_field(stdout, e->email);
		putchar('\t');
		cli_tsv_field(stdout, e->summary);
		putchar('\n');
	} else if (o->format == CLI_JSON) {
		printf("%s\n {\"commit\": \"%s\", \"at\": \"%s\", \"author\": ", o->first ? "[" : ",", e->commit, e->at);
		cli_json_str(stdout, e->author);
		fputs(", \"email\": ", stdout);
		cli_json_str(stdout, e->email);
		fputs(", \"summary\": ", stdout);
		cli_json_str(stdout, e->summary);
		putchar('}');
	} else {
		cli_say(stdout, "%.10s  %s  %s <%s>  %s\n", e->commit, e->at, e->author, e->email, e->summary);
	}
	o->first = 0;
	return 0;
}

static int do_log(struct store *s, int argc, char **argv, int format, const struct cli_cmd *self)
{
	if (argc != 1)
		return cli_usage_error(self, "log needs one submission ID");
	struct mc_error err = MC_ERROR_INIT;
	struct log_out o = { format, 1 };
	int rc = archive_log(s, argv[0], print_entry, &o, &err);
	if (format == CLI_JSON && !o.first)
		fputs("\n]\n", stdout);
	else if (format == CLI_JSON && rc == MC_OK)
		fputs("[]\n", stdout);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}


static int do_verify(struct cli *cli, struct store *s, int argc, const struct cli_cmd *self)
{
	if (argc != 0)
		return cli_usage_error(self, "verify takes no arguments");
	struct mc_error err = MC_ERROR_INIT;
	char *path = NULL;
	int rc = store_archive_configured(s, &path, &err);
	if (rc == MC_OK && !path)
		rc = mc_error_set(&err, MC_FAIL, "%s has no archive: run 'mcassess archive init' first", cli->db_path);
	if (rc != MC_OK)
		return cli_error(&err);
	long n;
	if (archive_drain(s, &n, &err) != MC_OK)
		mc_error_clear(&err); /* what still waits is reported as the backlog */
	struct check_summary sum;
	rc = check_run(s, CHECK_ALL, cli_problem, NULL, &sum, &err);
	if (rc != MC_OK) {
		free(path);
		return cli_error(&err);
	}
	char *what = check_summary_text(&sum);
	if (sum.problems == 0)
		cli_say(stdout, "all good: the archive %s agrees with the database (%s checked)\n", path, what);
	else
		cli_say(stderr, "mcassess: archive verify found %ld difference%s between %s and the archive %s\n",
			sum.problems, sum.problems == 1 ? "" : "s", cli->db_path, path);
	free(what);
	free(path);
	return sum.problems ? MC_FAIL : MC_OK;
}

static void print_conflict(void *ctx, const char *msg)
{
	(void)ctx;
	cli_say(stdout, "%s\n", msg);
}

static int do_sync(struct store *s, int push, int argc, char **argv, const struct cli_cmd *self)
{
	if (argc > 1)
		return cli_usage_error(self, "%s takes at most one REMOTE", push ? "push" : "pull");
	if (priv_active()) {
		/* the network and its keys belong to the service account, not to each person */
		fprintf(stderr, "mcassess: archive %s: in a shared install the service account %s the archive "
			"with its own keys; an administrator runs it as that account (see 'A shared server' "
			"in mcassess(1))\n", push ? "push" : "pull", push ? "pushes" : "pulls");
		return MC_FAIL;
	}
	struct mc_error err = MC_ERROR_INIT;
	struct archive_sync_result r;
	const char *remote = argc == 1 ? argv[0] : NULL;
	int rc = push ? archive_push(s, remote, &r, &err) : archive_pull(s, remote, print_conflict, NULL, &r, &err);
	if (rc != MC_OK)
		return cli_error(&err);
	if (r.up_to_date)
		printf("up to date: nothing to %s\n", push ? "push" : "pull");
	else if (push)
		printf("pushed\n");
	else
		printf("%s; the database took the remote's work on %ld submission%s; %ld conflict%s%s\n",
		       r.fast_forward ? "pulled: the archive moved forward to the remote's history" : "pulled and merged",
		       r.submissions, r.submissions == 1 ? "" : "s", r.conflicts, r.conflicts == 1 ? "" : "s",
		       r.conflicts ? " held: see 'mcassess packet conflicts'" : "");
	return MC_OK;
}

static int run_archive(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, format = CLI_TEXT;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'f' && (format = cli_parse_format(optarg)) >= 0)
			continue;
		if (ch == 'f')
			return cli_usage_error(self, "--format is text, tsv or json, not '%s'", optarg);
		return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error(self, "which: init, log, verify, push or pull?");
	const char *sub = argv[optind];
	int n = argc - optind - 1;
	char **rest = argv + optind + 1;
	static const char *const subs[] = { "init", "log", "verify", "push", "pull" };
	int known = 0;
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		known |= strcmp(sub, subs[i]) == 0;
	if (!known)
		return cli_usage_error(self, "unknown '%s': init, log, verify, push or pull", sub);
	for (int i = 0; i < n; i++)
		if (rest[i][0] == '-' && rest[i][1])
			return cli_usage_error(self, "unknown option '%s'", rest[i]);
	if (!archive_available())
		return not_here();
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	if (strcmp(sub, "init") == 0)
		rc = do_init(cli, s, n, rest, self);
	else if (strcmp(sub, "log") == 0)
		rc = do_log(s, n, rest, format, self);
	else if (strcmp(sub, "verify") == 0)
		rc = do_verify(cli, s, n, self);
	else
		rc = do_sync(s, strcmp(sub, "push") == 0, n, rest, self);
	cli_close(cli);
	return rc;
}

const struct cli_cmd cli_cmd_archive = {
	"archive", run_archive,
	"archive init [PATH] | log ID [--format text|tsv|json] | verify | push [REMOTE] | pull [REMOTE]",
	"The git-backed audit archive: every audited change as a commit anyone can check with git.",
	"  init [PATH]     create (or attach) the bare git repository PATH (default DB.archive.git)\n"
	"                  as this database's archive and commit the current state into it; from\n"
	"                  then on every audited change is a commit (author: who made it; time:\n"
	"                  when; message: what, in words)\n"
	"  log ID          the submission's history from the archive, oldest first\n"
	"  verify          the database against the archive head, evidence files against their\n"
	"                  SHA-256 and the archive, the audit log against the commits; each\n"
	"                  difference on a line starting 'problem: ', saying which side holds what\n"
	"  push [REMOTE]   send the archive to a bare repository at a path or an ssh:// URL\n"
	"                  (default: the one used last); refused if the remote has other history\n"
	"  pull [REMOTE]   bring in a remote archive's history (git merges it) and its work into\n"
	"                  the database, through the same merge as 'packet import': a submission\n"
	"                  changed on both sides is a conflict ('packet conflicts', 'packet\n"
	"                  resolve'); archives of other databases (districts) merge too\n"
	"  --format F      for log: text (default), tsv (commit, at, author, email, summary) or json\n\n"
	"Layout: submissions/a/b/c/d/ID/record.json (abcd: SHA-256 of ID), educators/a/b/c/d/ID.json,\n"
	"people/USER.json, catalog/{credentials,pathways}/CODE.json, evidence/a/b/c/d/SHA256, and\n"
	"LAYOUT ('2'); archives made before it keep theirs (submissions/ab/cd/ID, educators/ab,\n"
	"evidence/ab/cd, no LAYOUT). Records are JSON with sorted keys, one value a line. When the\n"
	"archive cannot be written, changes wait in the database's outbox and are committed in\n"
	"order later; 'mcassess check' shows them.\n\n"
	"Exit status: 0 done, 1 failed or (verify) differences found, 2 wrong command line.\n",
};
