/* cmd_assign.c: `mcassess assign ID… USER [--read R] [--blind]`,
 * `assign --filter WORDS USER`, `assign --auto`, `assign list` and
 * `assign --remove ID USER [--read R]`: who scores what. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "mcassess/assign.h"
#include "mcassess/queue.h"
#include "mcassess/util.h"

struct assign_opts {
	const char *read, *filter, *district, *credential, *user, *as_of;
	int blind, remove, autom, dry_run, overdue, fmt;
};

/* ---------------------------------------------------------------- assign list */
struct list_out {
	int fmt;
	time_t now;
	long n;
};

/* Whole days from `at` to now ("" when unknown). */
static long age_days(const char *at, time_t now)
{
	time_t t;
	if (!at || mc_time_parse(at, &t) != 0 || now < t)
		return 0;
	return (long)((now - t) / (24 * 60 * 60));
}

static int is_overdue(const char *due_at, time_t now)
{
	time_t t;
	return due_at && mc_time_parse(due_at, &t) == 0 && t < now;
}

static int print_held(void *ctx, const struct store_assign_held *h)
{
	struct list_out *o = ctx;
	long age = age_days(h->at, o->now);
	int late = is_overdue(h->due_at, o->now);
	if (o->fmt == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s?, s:I, s:b, s:s}", "assessor", h->assessor,
				      "id", h->id, "read", h->read, "blind", h->blind, "status", h->status,
				      "assigned_at", h->at, "due_at", h->due_at, "age_days", (json_int_t)age,
				      "overdue", late, "district", h->district);
		fputs(o->n ? ",\n" : "[\n", stdout);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
	} else if (o->fmt == CLI_TSV) {
		const char *f[] = { h->assessor, h->id, h->read, h->status, h->at, h->due_at ? h->due_at : "" };
		for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
			cli_tsv_field(stdout, f[i]);
			putchar('\t');
		}
		printf("%ld\t%s\n", age, late ? "overdue" : "");
	} else {
		cli_pad(h->assessor, 12);
		putchar(' ');
		cli_pad(h->id, 14);
		printf(" %-12s %3ldd  due %.10s%s\n", h->read, age, h->due_at ? h->due_at : "-         ",
		       late ? "  OVERDUE" : "");
	}
	o->n++;
	return 0;
}

static int run_list(struct cli *cli, const struct cli_cmd *self, const struct assign_opts *a)
{
	struct list_out o = { .fmt = a->fmt, .now = time(NULL) };
	char at[MC_TIME_LEN] = "";
	if (a->as_of && mc_time_parse(a->as_of, &o.now) != 0)
		return cli_usage_error(self, "--as-of takes a date or time (2026-11-22 or 2026-11-22T10:48:00Z), "
				       "not '%s'", a->as_of);
	mc_time_format(o.now, at);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (o.fmt == CLI_TEXT)
		printf("%-12s %-14s %-12s %4s  %s\n", "assessor", "submission", "read", "age", "due");
	if (assign_held(s, a->user, a->overdue ? at : NULL, print_held, &o, &err) == MC_OK) {
		if (o.fmt == CLI_JSON)
			fputs(o.n ? "\n]\n" : "[]\n", stdout);
		else if (o.fmt == CLI_TEXT)
			printf("%ld open read%s%s.\n", o.n, o.n == 1 ? "" : "s", a->overdue ? " overdue" : "");
	}
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

/* ---------------------------------------------------------------- assign workload */
static void print_load(const struct assign_load *l, int fmt, time_t now, int i)
{
	long age = l->oldest_at ? age_days(l->oldest_at, now) : -1;
	if (fmt == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:s?, s:I, s:I, s:s?}", "assessor", l->user, "district", l->district,
				      "open", (json_int_t)l->open, "overdue", (json_int_t)l->overdue, "oldest_at",
				      l->oldest_at);
		json_object_set_new(j, "oldest_age_days", age < 0 ? json_null() : json_integer(age));
		fputs(i ? ",\n" : "[\n", stdout);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
	} else if (fmt == CLI_TSV) {
		cli_tsv_field(stdout, l->user);
		printf("\t%ld\t%ld\t", l->open, l->overdue);
		if (age >= 0)
			printf("%ld", age);
		putchar('\t');
		cli_tsv_field(stdout, l->district);
		putchar('\n');
	} else {
		char old[24] = "-";
		if (age >= 0)
			snprintf(old, sizeof old, "%ldd", age);
		cli_pad(l->user, 13);
		printf(" %5ld %7ld %6s  ", l->open, l->overdue, old);
		cli_put(l->district ? l->district : "-");
		putchar('\n');
	}
}

static int run_workload(struct cli *cli, const struct assign_opts *a)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	char now[MC_TIME_LEN];
	mc_now(now);
	struct assign_load *loads = NULL;
	int n = 0;
	if (assign_workload(s, now, &loads, &n, &err) == MC_OK) {
		if (a->fmt == CLI_TEXT)
			printf("%-13s %5s %7s %6s  %s\n", "ASSESSOR", "OPEN", "OVERDUE", "OLDEST", "DISTRICT");
		for (int i = 0; i < n; i++)
			print_load(&loads[i], a->fmt, time(NULL), i);
		if (a->fmt == CLI_JSON)
			fputs(n ? "\n]\n" : "[]\n", stdout);
	}
	assign_workload_free(&loads, n);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

/* ---------------------------------------------------------------- assign --auto */
struct auto_out {
	int fmt;
	long n;
};

static void print_pick(void *ctx, const struct assign_auto_pick *p)
{
	struct auto_out *o = ctx;
	if (o->fmt == CLI_TSV) {
		cli_tsv_field(stdout, p->id);
		printf("\t%s\t", p->read);
		cli_tsv_field(stdout, p->assessor);
		putchar('\n');
	} else if (o->fmt == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "id", p->id, "read", p->read, "assessor", p->assessor);
		fputs(o->n ? ",\n" : "[\n", stdout);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
	}
	o->n++;
}

static int run_auto(struct cli *cli, const struct assign_opts *a)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct queue_filter f = { .district = a->district, .credential = a->credential };
	struct queue_filter_names names = { 0 };
	struct auto_out o = { a->fmt, 0 };
	long given = 0, unplaced = 0;
	if (queue_filter_resolve(s, &f, &names, &err) == MC_OK &&
	    assign_auto(s, f.district, f.credential, a->dry_run, print_pick, &o, &given, &unplaced, &err) == MC_OK) {
		if (a->fmt == CLI_JSON)
			fputs(o.n ? "\n]\n" : "[]\n", stdout);
		else if (a->fmt == CLI_TEXT)
			cli_say(stdout, "%s %ld read%s to assessors (the fewest open reads first)%s.\n",
				a->dry_run ? "Would assign" : "Assigned", given, given == 1 ? "" : "s",
				a->dry_run ? "; nothing was changed (--dry-run)" : "");
		if (unplaced)
			cli_say(stderr, "mcassess: assign: %ld read%s found no eligible assessor (add assessors: "
				"mcassess people add USER --role assessor).\n", unplaced, unplaced == 1 ? "" : "s");
	}
	queue_filter_names_free(&names);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

/* ---------------------------------------------------------------- assign IDs USER */
static void say_set(const char *id, const char *user, const char *r, int blind, enum assign_change what,
		    const char *previous)
{
	const char *how = blind ? ", blind: they see an anonymous id, not the educator" : "";
	if (what == ASSIGN_UNCHANGED)
		cli_say(stdout, "%s: %s already has the %s read%s; nothing changed.\n", id, user, r,
			blind ? " (blind)" : "");
	else if (what == ASSIGN_REPLACED && previous)
		cli_say(stdout, "%s: the %s read moves from %s to %s%s.\n", id, r, previous, user, how);
	else
		cli_say(stdout, "%s: %s read assigned to %s%s.\n", id, r, user, how);
}

/* A manual read of the reader's own school is allowed, but said (on stderr). */
static void note_same_school(struct store *s, const char *id, const char *user)
{
	struct mc_error err = MC_ERROR_INIT;
	char *school = NULL;
	if (assign_same_school(s, id, user, &school, &err) == MC_OK && school)
		cli_say(stderr, "note: %s works at %s, the school of %s's educator; 'assign --auto' never gives a "
			"reader their own school's work.\n", user, school, id);
	free(school);
	mc_error_clear(&err);
}

static int run_set(struct cli *cli, const struct assign_opts *a, char **ids, int n, const char *user)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	const char *r = a->read ? a->read : "first";
	char **found = NULL;
	int nfound = 0;
	if (a->filter) {
		char *fv[QUEUE_FILTER_NKEYS] = { 0 };
		const char *bad = queue_filter_words(a->filter, fv);
		struct queue_filter f = { .status = fv[0], .pathway = fv[1], .credential = fv[2], .district = fv[3],
					  .needs = fv[4] };
		struct queue_filter_names names = { 0 };
		if (bad)
			mc_error_set(&err, MC_USAGE, "--filter: expected status:, pathway:, credential:, district: or needs: "
				     "at \"%s\"", bad);
		else if (queue_filter_resolve(s, &f, &names, &err) == MC_OK)
			assign_filter_ids(s, &f, &found, &nfound, &err);
		queue_filter_names_free(&names);
		for (int i = 0; i < QUEUE_FILTER_NKEYS; i++)
			free(fv[i]);
		ids = found;
		n = nfound;
		if (!err.msg && n == 0)
			mc_error_set(&err, MC_FAIL, "--filter '%s' gives no submissions you may assign; nothing "
				     "changed", a->filter);
	}
	enum assign_change *what = mc_xcalloc((size_t)(n ? n : 1), sizeof *what);
	char *previous = NULL;
	if (!err.msg && n == 1 && assign_set(s, ids[0], user, r, a->blind, what, &previous, &err) == MC_OK)
		say_set(ids[0], user, r, a->blind, what[0], previous);
	else if (!err.msg && n > 1 &&
		 assign_set_many(s, (const char *const *)ids, n, user, r, a->blind, what, &err) == MC_OK)
		for (int i = 0; i < n; i++)
			say_set(ids[i], user, r, a->blind, what[i], NULL);
	for (int i = 0; !err.msg && i < n; i++)
		if (what[i] != ASSIGN_UNCHANGED)
			note_same_school(s, ids[i], user);
	free(previous);
	free(what);
	assign_ids_free(&found, nfound);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

static int run_remove(struct cli *cli, const struct assign_opts *a, const char *id, const char *user)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int n = 0;
	if (assign_remove(s, id, user, a->read, &n, &err) == MC_OK)
		cli_say(stdout, "%s: %s is no longer assigned to it (%d read%s removed).\n", id, user, n,
			n == 1 ? "" : "s");
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

/* ---------------------------------------------------------------- arguments */
static int parse(const struct cli_cmd *self, int argc, char **argv, struct assign_opts *a)
{
	static const struct option opts[] = {
		{ "read", required_argument, NULL, 'r' },   { "blind", no_argument, NULL, 'b' },
		{ "remove", no_argument, NULL, 'x' },       { "filter", required_argument, NULL, 'f' },
		{ "auto", no_argument, NULL, 'a' },         { "district", required_argument, NULL, 'd' },
		{ "credential", required_argument, NULL, 'c' }, { "dry-run", no_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },   { "overdue", no_argument, NULL, 'o' },
		{ "as-of", required_argument, NULL, 't' },  { "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'r': a->read = optarg; break;
		case 'b': a->blind = 1; break;
		case 'x': a->remove = 1; break;
		case 'f': a->filter = optarg; break;
		case 'a': a->autom = 1; break;
		case 'd': a->district = optarg; break;
		case 'c': a->credential = optarg; break;
		case 'n': a->dry_run = 1; break;
		case 'u': a->user = optarg; break;
		case 'o': a->overdue = 1; break;
		case 't': a->as_of = optarg; break;
		case 'F':
			if ((a->fmt = cli_parse_format(optarg)) < 0)
				return cli_usage_error(self, "--format is text, tsv or json, not '%s'", optarg);
			break;
		case 'h': return cli_help(self);
		default: return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (a->read && !assign_read_valid(a->read))
		return cli_usage_error(self, "--read is first, second or adjudication, not '%s'", a->read);
	if (a->remove && a->blind)
		return cli_usage_error(self, "--blind goes with assigning, not with --remove");
	if (a->remove && (a->filter || a->autom))
		return cli_usage_error(self, "--remove takes one submission id and a user (and --read)");
	if (a->autom && (a->blind || a->filter || a->read))
		return cli_usage_error(self, "--auto takes --district, --credential and --dry-run only");
	return -1;
}

static int run_assign(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	struct assign_opts a = { .fmt = CLI_TEXT };
	int rc = parse(self, argc, argv, &a);
	if (rc >= 0)
		return rc;
	int nargs = argc - optind;
	char **args = argv + optind;
	int list = nargs >= 1 && strcmp(args[0], "list") == 0;
	if (nargs >= 1 && strcmp(args[0], "workload") == 0)
		return nargs == 1 && !a.user && !a.overdue && !a.as_of && !a.autom && !a.filter && !a.remove
			       ? run_workload(cli, &a)
			       : cli_usage_error(self, "'assign workload' takes --format only");
	if (!list && (a.user || a.overdue || a.as_of))
		return cli_usage_error(self, "--user, --overdue and --as-of go with 'assign list'");
	if (!a.autom && (a.district || a.credential || a.dry_run))
		return cli_usage_error(self, "--district, --credential and --dry-run go with --auto");
	if (list)
		return nargs == 1 ? run_list(cli, self, &a) : cli_usage_error(self, "'assign list' takes no arguments");
	if (a.autom)
		return nargs == 0 ? run_auto(cli, &a) : cli_usage_error(self, "--auto takes no ids or user");
	if (a.remove)
		return nargs == 2 ? run_remove(cli, &a, args[0], args[1])
				  : cli_usage_error(self, "--remove needs a submission id and a user");
	if (a.filter)
		return nargs == 1 ? run_set(cli, &a, NULL, 0, args[0])
				  : cli_usage_error(self, "--filter WORDS takes the user only, no ids");
	if (nargs < 2)
		return cli_usage_error(self, "needs a submission id and a user (or several ids, then the user)");
	return run_set(cli, &a, args, nargs - 1, args[nargs - 1]);
}

const struct cli_cmd cli_cmd_assign = {
	"assign", run_assign,
	"assign ID USER [--read first|second|adjudication] [--blind] | assign ID ID… USER [--read R] [--blind] |\n"
	"       assign --filter WORDS USER [--read R] [--blind] |\n"
	"       assign --auto [--district D] [--credential C] [--dry-run] |\n"
	"       assign list [--user U] [--overdue [--as-of DATE]] [--format text|tsv|json] |\n"
	"       assign workload [--format text|tsv|json] |\n"
	"       assign --remove ID USER [--read R]",
	"Assigns submissions to people to score, shares the open work out, lists who holds what.",
	"Coordinators and admins assign; a coordinator who has a district assigns only\n"
	"that district's submissions. USER must be one of the database's people\n"
	"(mcassess people add). An assessor may score only what is assigned to them.\n"
	"Several ids are assigned together: all of them, or (when one is refused)\n"
	"none. Each read is due a number of business days after it is assigned\n"
	"(mcassess config due-days N; 5 unless set; Saturdays and Sundays skipped).\n\n"
	"options:\n"
	"  --read R   which read: first (the default), second or adjudication; a read\n"
	"             held by someone else moves to USER; one person reads a\n"
	"             submission once\n"
	"  --blind    USER scores blind: every screen and command shows them the\n"
	"             educator's anonymous id, never the name, id or school\n"
	"  --filter WORDS  every submission the words give, as the queue's filter:\n"
	"             'district:Knox credential:TQ-1 status:queued' (open work\n"
	"             when no status: is given)\n"
	"  --auto     every open submission gets the reads it lacks (the first;\n"
	"             the second too when mcassess config reads is 2), each to the\n"
	"             assessor holding the fewest open reads (ties by user name),\n"
	"             never to one who holds its other read or works at the\n"
	"             educator's school (a manual assignment may, and says so);\n"
	"             a second read goes to another district\n"
	"             than the first reader's when an assessor there may take it.\n"
	"             --district, --credential narrow it; --dry-run shows the plan\n"
	"             (--format tsv|json: id, read, assessor) and changes nothing\n"
	"  --remove   take USER's assignment away (of --read R only, if given)\n\n"
	"assign list: the reads of open submissions and who holds them, with their\n"
	"age in days and due date (assessors see their own; a coordinator with a\n"
	"district that district's). --user U: one person's; --overdue: only reads\n"
	"past their due date (now, or at --as-of DATE).\n"
	"tsv: assessor, id, read, status, assigned_at, due_at, age_days, 'overdue' or empty.\n\n"
	"assign workload: each assessor's open reads, overdue reads and the age of the\n"
	"oldest, as the workstation's workload screen (W) shows them (coordinators and\n"
	"admins). tsv: assessor, open, overdue, oldest_age_days (empty: none), district.\n\n"
	"Decided and withdrawn submissions keep their assignments as they were.\n"
	"Every change is audited (and committed to the archive when there is one).\n"
	"Exit status: 0 done, 1 refused or no such submission or person, 2 usage,\n"
	"3 USER is not a login name.\n",
};
