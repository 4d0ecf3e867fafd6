/* cmd_calibration.c: `mcassess calibration add|remove|list|show|score|decide|results`:
 * calibration sets and the assessors' results on them (calibration.h). */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "mcassess/calibration.h"
#include "mcassess/scoring.h"
#include "mcassess/show.h"

struct calib_opts {
	const char *credential, *user, *outcome;
	const char **levels;
	int nlevels, fmt;
};

static int parse_opts(const struct cli_cmd *self, int argc, char **argv, struct calib_opts *o)
{
	static const struct option opts[] = {
		{ "credential", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "level", required_argument, NULL, 'l' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "from-final", no_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'c')
			o->credential = optarg;
		else if (ch == 'u')
			o->user = optarg;
		else if (ch == 'o')
			o->outcome = optarg;
		else if (ch == 'l') {
			o->levels = realloc(o->levels, (size_t)(o->nlevels + 1) * sizeof *o->levels);
			o->levels[o->nlevels++] = optarg;
		} else if (ch == 'f' && (o->fmt = cli_parse_format(optarg)) < 0)
			return cli_usage_error(self, "--format is text, tsv or json, not '%s'", optarg);
		else if (ch != 'F' && ch != 'f')
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	return -1;
}

static void dash_tsv(const char *v)
{
	cli_tsv_field(stdout, v ? v : "-");
}

static void print_list(const struct store_calib_row *r, int n, int fmt)
{
	if (fmt == CLI_JSON) {
		json_t *a = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "id", r[i].id,
							   "credential", r[i].credential, "outcome",
							   r[i].outcome ? json_string(r[i].outcome) : json_null(),
							   "added_by", r[i].added_by, "added_at", r[i].added_at, "agreed",
							   r[i].agreed ? json_string(r[i].agreed) : json_null(), "mine",
							   r[i].mine ? json_string(r[i].mine) : json_null()));
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(a);
		return;
	}
	if (!n && fmt == CLI_TEXT)
		printf("no calibration exemplars\n");
	for (int i = 0; i < n; i++) {
		if (fmt == CLI_TSV) {
			const char *f[] = { r[i].id, r[i].credential, r[i].outcome, r[i].added_by, r[i].added_at,
					    r[i].agreed, r[i].mine };
			for (int k = 0; k < 7; k++) {
				dash_tsv(f[k]);
				putchar(k < 6 ? '\t' : '\n');
			}
			continue;
		}
		cli_say(stdout, "%-12s %-14s %-9s %s  (added by %s, %s)%s%s\n", r[i].id, r[i].credential,
			r[i].outcome ? r[i].outcome : "(hidden)", r[i].agreed ? r[i].agreed : "agreed levels hidden until you finish",
			r[i].added_by, r[i].added_at, r[i].mine ? "  yours: " : "", r[i].mine ? r[i].mine : "");
	}
}

static int cmd_list(struct cli *cli, const struct calib_opts *o)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct store_calib_row *r = NULL;
	int n = 0;
	rc = calib_list(s, o->credential, &r, &n, &err);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	print_list(r, n, o->fmt);
	store_calib_rows_free(&r, n);
	return MC_OK;
}

/* One write: add, remove, score or decide; `done` said on success. */
static int cmd_write(struct cli *cli, const char *verb, char **args, const struct calib_opts *o)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (strcmp(verb, "add") == 0)
		rc = calib_add(s, args[0], o->levels, o->nlevels, o->outcome, &err);
	else if (strcmp(verb, "remove") == 0)
		rc = calib_remove(s, args[0], &err);
	else if (strcmp(verb, "score") == 0)
		rc = calib_score(s, args[0], args[1], args[2], &err);
	else
		rc = calib_decide(s, args[0], args[1], &err);
	if (rc == MC_OK && strcmp(verb, "add") == 0)
		cli_say(stdout, "%s: added to its credential's calibration set\n", args[0]);
	else if (rc == MC_OK && strcmp(verb, "remove") == 0)
		cli_say(stdout, "%s: removed from its calibration set\n", args[0]);
	else if (rc == MC_OK && strcmp(verb, "score") == 0)
		cli_say(stdout, "%s %s: %s (calibration)\n", args[0], args[1], args[2]);
	else if (rc == MC_OK)
		cli_say(stdout, "%s: calibration read finished (%s); 'mcassess calibration show %s' compares it "
			"with the agreed levels\n", args[0], args[1], args[0]);
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

static const char *level_of(const struct scoring_criterion *c)
{
	return c->level >= 0 ? c->levels[c->level].label : "-";
}

static void print_item(const struct show_submission *m, const struct scoring_outcome *mine,
		       const struct scoring_outcome *agreed)
{
	cli_say(stdout, "%s  %s version %d  educator %s (calibration: always blind)\n", m->id, m->credential,
		m->rubric_version, m->educator_id);
	for (int i = 0; i < m->nevidence; i++) {
		const struct show_evidence *e = &m->evidence[i];
		cli_say(stdout, "\n[%s] %s\n", e->part_code ? e->part_code : "?",
			e->text ? e->text : e->file ? e->file : "");
	}
	printf("\n%-6s %-16s %s\n", "", "yours", agreed ? "agreed" : "");
	for (int i = 0; i < mine->ncriteria; i++) {
		cli_say(stdout, "%-6s %-16s %s", mine->criteria[i].code, level_of(&mine->criteria[i]),
			agreed ? level_of(&agreed->criteria[i]) : "");
		printf("%s\n", agreed && agreed->criteria[i].level != mine->criteria[i].level ? "  (differs)" : "");
	}
	printf("%-6s %-16s %s\n", "outcome", mine->decision ? mine->decision : "(not finished)",
	       agreed && agreed->decision ? agreed->decision : "");
}

static int cmd_show(struct cli *cli, const char *id)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	struct scoring_outcome *mine = NULL, *agreed = NULL;
	rc = calib_evidence(s, id, &m, &err);
	if (rc == MC_OK)
		rc = calib_item(s, id, &mine, &agreed, &err);
	cli_close(cli);
	if (rc == MC_OK)
		print_item(m, mine, agreed);
	show_free(&m);
	scoring_outcome_free(&mine);
	scoring_outcome_free(&agreed);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

static json_t *estimate_json(const struct stats_estimate *e)
{
	if (isnan(e->value))
		return json_null();
	return json_pack("{s:f, s:f, s:f}", "value", e->value, "lo", e->lo, "hi", e->hi);
}

static void tsv_num(double v, char end)
{
	if (isnan(v))
		printf("-%c", end);
	else
		printf("%.4f%c", v, end);
}

static void print_results(const struct calib_result *r, int n, int threshold, int fmt)
{
	if (fmt == CLI_JSON) {
		json_t *a = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(
				a, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:b, s:i}", "user",
					     r[i].user, "credential", r[i].credential, "exemplars", (int)r[i].exemplars,
					     "done", (int)r[i].done, "outcomes_agreed", (int)r[i].outcomes_agreed,
					     "criteria", (int)r[i].g.n, "exact", estimate_json(&r[i].g.exact), "adjacent",
					     estimate_json(&r[i].g.adjacent), "kappa", estimate_json(&r[i].g.kappa),
					     "ac1", estimate_json(&r[i].g.ac1), "qualified", r[i].qualified,
					     "threshold", threshold));
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(a);
		return;
	}
	if (fmt == CLI_TEXT && !n)
		printf("no calibration results yet\n");
	else if (fmt == CLI_TEXT)
		printf("threshold: %d%% exact agreement over every exemplar of the credential\n", threshold);
	for (int i = 0; i < n; i++) {
		const struct stats_agreement *g = &r[i].g;
		if (fmt == CLI_TSV) {
			printf("%s\t%s\t%ld\t%ld\t%ld\t%ld\t", r[i].user, r[i].credential, r[i].exemplars, r[i].done,
			       r[i].outcomes_agreed, g->n);
			const double v[] = { g->exact.value, g->exact.lo, g->exact.hi, g->adjacent.value,
					     g->kappa.value, g->kappa.lo, g->kappa.hi, g->ac1.value, g->ac1.lo, g->ac1.hi };
			for (int k = 0; k < 10; k++)
				tsv_num(v[k], '\t');
			printf("%s\n", r[i].qualified ? "yes" : "no");
			continue;
		}
		cli_say(stdout, "%s  %s: %ld of %ld exemplars, outcome agreed on %ld; %ld criteria\n", r[i].user,
			r[i].credential, r[i].done, r[i].exemplars, r[i].outcomes_agreed, g->n);
		if (g->n)
			printf("  exact %.0f%% (95%% CI %.0f-%.0f%%), adjacent %.0f%%, kappa %.2f, AC1 %.2f "
			       "(95%% CI %.2f to %.2f)\n",
			       100 * g->exact.value, 100 * g->exact.lo, 100 * g->exact.hi, 100 * g->adjacent.value,
			       g->kappa.value, g->ac1.value, g->ac1.lo, g->ac1.hi);
		printf("  qualified: %s\n", r[i].qualified ? "yes" : r[i].done < r[i].exemplars ? "no (set not finished)" : "no");
	}
}

static int cmd_results(struct cli *cli, const struct calib_opts *o)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct calib_result *r = NULL;
	int n = 0, threshold = 0;
	rc = calib_results(s, o->user, o->credential, &r, &n, &threshold, &err);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	print_results(r, n, threshold, o->fmt);
	calib_results_free(&r, n);
	return MC_OK;
}

static int dispatch(struct cli *cli, const struct cli_cmd *self, const char *verb, char **args, int nargs,
		    const struct calib_opts *o)
{
	static const struct { const char *verb; int nargs; const char *what; } verbs[] = {
		{ "add", 1, "add ID" }, { "remove", 1, "remove ID" }, { "list", 0, "list" },
		{ "show", 1, "show ID" }, { "score", 3, "score ID CRITERION LEVEL" },
		{ "decide", 2, "decide ID earned|resubmit" }, { "results", 0, "results" },
	};
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(verb, verbs[i].verb) != 0)
			continue;
		if (nargs != verbs[i].nargs)
			return cli_usage_error(self, "%s takes %s", verb, verbs[i].what);
		if (strcmp(verb, "list") == 0)
			return cmd_list(cli, o);
		if (strcmp(verb, "results") == 0)
			return cmd_results(cli, o);
		if (strcmp(verb, "show") == 0)
			return cmd_show(cli, args[0]);
		return cmd_write(cli, verb, args, o);
	}
	return cli_usage_error(self, "unknown action '%s' (add, remove, list, show, score, decide, results)", verb);
}

static int run_calibration(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	struct calib_opts o = { .fmt = CLI_TEXT };
	int rc = parse_opts(self, argc, argv, &o);
	if (rc == -1 && argc - optind < 1)
		rc = cli_usage_error(self, "what? add, remove, list, show, score, decide or results");
	if (rc == -1 && o.fmt == CLI_TSV && strcmp(argv[optind], "list") != 0 && strcmp(argv[optind], "results") != 0)
		rc = cli_usage_error(self, "--format is for list and results");
	if (rc == -1)
		rc = dispatch(cli, self, argv[optind], argv + optind + 1, argc - optind - 1, &o);
	free(o.levels);
	return rc;
}

const struct cli_cmd cli_cmd_calibration = {
	"calibration", run_calibration,
	"calibration add ID [--from-final] [--level CRIT=LEVEL]... [--outcome earned|resubmit] | remove ID |"
	" list [--credential C] [--format text|tsv|json] | show ID | score ID CRITERION LEVEL |"
	" decide ID earned|resubmit | results [--user U] [--credential C] [--format text|tsv|json]",
	"Calibration sets: exemplars with agreed scores, assessors' calibration reads, who is qualified.",
	"Coordinators (their district's submissions) and admins mark decided\n"
	"submissions as exemplars of their credential; the agreed levels are the\n"
	"final read's (--from-final, the default), each changed with --level\n"
	"CRIT=LEVEL; the agreed outcome is the decision unless --outcome says.\n"
	"Any assessor scores an exemplar with 'score' and 'decide' as real work, in a\n"
	"calibration read of their own: the submission's real scores, feedback,\n"
	"decision, export and badge never change. The agreed levels stay hidden\n"
	"from an assessor until they have finished the exemplar; then 'show'\n"
	"compares them. 'show' gives the evidence with the educator always masked.\n"
	"'results' gives, per assessor and credential, exact and adjacent agreement,\n"
	"Cohen's kappa and Gwet's AC1 with 95% intervals, and whether they are\n"
	"qualified: every exemplar finished and exact agreement at least the\n"
	"threshold (mcassess config calibration-threshold, default 80%). A credential\n"
	"with exemplars is given by 'assign --auto' only to qualified assessors;\n"
	"without exemplars, to any. Assessors see their own results only.\n\n"
	"options:\n"
	"  --credential C  list or results: of credential C only\n"
	"  --user U        results: of U only (coordinators and admins)\n"
	"  --level CRIT=LEVEL  add: the agreed level of CRIT (repeatable)\n"
	"  --outcome O     add: the agreed outcome, earned or resubmit\n"
	"  --format F      list, results: text, tsv or json\n",
};
