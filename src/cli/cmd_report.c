/* cmd_report.c: `mcassess report progress|turnaround|assessors|agreement`: the
 * figures coordinators follow, as text, TSV, JSON or (progress) one
 * self-contained HTML file. All figures come from report.c; here only printing. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcassess/identity.h"
#include "mcassess/report.h"
#include "mcassess/text.h"
#include "report_html.h"

#define FORMAT_HTML 100

/* ---------------------------------------------------------------- cells */
/* A label cut (by whole clusters, ending in '~') to `width` cells and padded. */
static void label(const char *s, int width)
{
	size_t len = strlen(s), end = 0;
	if (text_width(s, len) <= width) {
		cli_pad(s, width);
		return;
	}
	while (end < len) {
		size_t next = text_cluster_end(s, len, end);
		if (text_width(s, next) > width - 1)
			break;
		end = next;
	}
	int w = text_width(s, end);
	fwrite(s, 1, end, stdout);
	putchar('~');
	for (w++; w < width; w++)
		putchar(' ');
}

/* ---------------------------------------------------------------- numbers */
static void num_tsv(double v)
{
	if (isnan(v))
		fputs("", stdout);
	else
		printf("%.4f", v);
}

static void num_json(double v)
{
	if (isnan(v))
		fputs("null", stdout);
	else
		printf("%.4f", v);
}

/* A share in `width` columns, at least one of them a space before it: past
 * 999% (a goal far below what was earned) it says so rather than running into
 * the column before it. */
static void pct_text(double v, int width)
{
	if (isnan(v))
		printf("%*s", width, "-");
	else if (100 * v >= 999.5)
		printf("%*s", width, ">999%");
	else
		printf("%*.0f%%", width - 1, 100 * v);
}

/* A count right-aligned in `width` columns, always after a space: a state-wide
 * figure wider than its column pushes the line right instead of joining the
 * figure before it. */
static void count_text(long v, int width)
{
	printf(" %*ld", width - 1, v);
}

/* ---------------------------------------------------------------- progress */
static const char *const COUNT_NAMES[] = { "earned", "in_process", "resubmit", "incomplete", "withdrawn" };

static void counts_values(const struct report_counts *c, long v[5])
{
	v[0] = c->earned;
	v[1] = c->in_process;
	v[2] = c->resubmit;
	v[3] = c->incomplete;
	v[4] = c->withdrawn;
}

static void counts_json(const struct report_counts *c)
{
	long v[5];
	counts_values(c, v);
	for (int i = 0; i < 5; i++)
		printf("\"%s\":%ld,", COUNT_NAMES[i], v[i]);
	fputs("\"first_pass_rate\":", stdout);
	num_json(report_first_pass_rate(c));
	fputs(",\"attempts_to_earn\":", stdout);
	num_json(report_attempts_to_earn(c));
}

static void counts_tsv(const struct report_counts *c)
{
	long v[5];
	counts_values(c, v);
	for (int i = 0; i < 5; i++)
		printf("\t%ld", v[i]);
	putchar('\t');
	num_tsv(report_first_pass_rate(c));
	putchar('\t');
	num_tsv(report_attempts_to_earn(c));
	putchar('\n');
}

static const char *level_name(enum report_level l)
{
	return l == REPORT_PATHWAY ? "pathway" : l == REPORT_CREDENTIAL ? "credential" : "district";
}

static void progress_tsv(const struct report_progress *p)
{
	for (int i = 0; i < p->n; i++) {
		const struct report_progress_row *r = &p->rows[i];
		printf("%s\t", level_name(r->level));
		cli_tsv_field(stdout, r->pathway);
		putchar('\t');
		cli_tsv_field(stdout, r->credential ? r->credential : "");
		putchar('\t');
		cli_tsv_field(stdout, r->district ? r->district : "");
		printf("\t%ld", r->goal);
		counts_tsv(&r->c);
	}
	printf("total\t\t\t\t%ld", p->goal_total);
	counts_tsv(&p->total);
}

static void progress_json_row(const struct report_progress_row *r)
{
	fputs("{\"pathway\":", stdout);
	cli_json_str(stdout, r->pathway);
	if (r->level == REPORT_PATHWAY) {
		fputs(",\"title\":", stdout);
		cli_json_str(stdout, r->title);
		printf(",\"goal\":%ld", r->goal);
	} else if (r->level == REPORT_CREDENTIAL) {
		fputs(",\"credential\":", stdout);
		cli_json_str(stdout, r->credential);
		fputs(",\"title\":", stdout);
		cli_json_str(stdout, r->title);
	} else {
		fputs(",\"district\":", stdout);
		cli_json_str(stdout, r->district);
	}
	putchar(',');
	counts_json(&r->c);
	putchar('}');
}

static void progress_json(const struct report_progress *p)
{
	const char *keys[3] = { "pathways", "credentials", "districts" };
	putchar('{');
	for (int l = REPORT_PATHWAY; l <= REPORT_DISTRICT; l++) {
		printf("\"%s\":[", keys[l]);
		int first = 1;
		for (int i = 0; i < p->n; i++)
			if (p->rows[i].level == (enum report_level)l) {
				fputs(first ? "" : ",", stdout);
				progress_json_row(&p->rows[i]);
				first = 0;
			}
		fputs("],", stdout);
	}
	printf("\"total\":{\"goal\":%ld,", p->goal_total);
	counts_json(&p->total);
	fputs("}}\n", stdout);
}

/* Columns of the text table: label 20, then goal, earned, share of the goal,
 * open, resubmit, incomplete, withdrawn, first-attempt pass rate, tries (75 in all). */
static void progress_text_row(const char *name, long goal, const struct report_counts *c)
{
	label(name, 20);
	if (goal > 0)
		count_text(goal, 5);
	else
		printf("%5s", "-");
	count_text(c->earned, 7);
	if (goal > 0)
		pct_text((double)c->earned / goal, 6);
	else
		printf("%6s", "-");
	count_text(c->in_process, 6);
	count_text(c->resubmit, 6);
	count_text(c->incomplete, 8);
	count_text(c->withdrawn, 7);
	pct_text(report_first_pass_rate(c), 5);
	double a = report_attempts_to_earn(c);
	if (isnan(a))
		printf("%6s\n", "-");
	else
		printf("%6.2f\n", a);
}

static void progress_text_head(const char *first)
{
	cli_pad(first, 20);
	printf("%5s%7s%6s%6s%6s%8s%7s%5s%6s\n", "goal", "earned", "of", "open", "resub", "incompl", "withdr",
	       "1st", "tries");
}

/* Earned by district (rows) and pathway (columns), which fits 80 columns. */
static void progress_text_districts(const struct report_progress *p)
{
	cli_pad("earned by district", 30);
	for (int i = 0; i < p->n; i++)
		if (p->rows[i].level == REPORT_PATHWAY)
			printf("%7.6s", p->rows[i].pathway);
	putchar('\n');
	const char *last = NULL;
	for (int i = 0; i < p->n; i++) {
		const struct report_progress_row *r = &p->rows[i];
		if (r->level != REPORT_DISTRICT || (last && strcmp(last, r->district) == 0))
			continue;
		last = r->district;
		label(r->district, 30);
		for (int j = 0; j < p->n; j++) {
			if (p->rows[j].level != REPORT_PATHWAY)
				continue;
			long earned = 0;
			for (int k = i; k < p->n && strcmp(p->rows[k].district, r->district) == 0; k++)
				if (strcmp(p->rows[k].pathway, p->rows[j].pathway) == 0)
					earned = p->rows[k].c.earned;
			printf("%7ld", earned);
		}
		putchar('\n');
	}
}

static void progress_text(const struct report_progress *p)
{
	progress_text_head("pathway");
	for (int i = 0; i < p->n; i++)
		if (p->rows[i].level == REPORT_PATHWAY)
			progress_text_row(p->rows[i].pathway, p->rows[i].goal, &p->rows[i].c);
	progress_text_row("total", p->goal_total, &p->total);
	printf("\n");
	progress_text_head("credential");
	for (int i = 0; i < p->n; i++)
		if (p->rows[i].level == REPORT_CREDENTIAL)
			progress_text_row(p->rows[i].credential, 0, &p->rows[i].c);
	printf("\n");
	progress_text_districts(p);
	printf("\nof: earned as a share of the goal. open: queued, in progress or awaiting\n"
	       "approval. 1st: earned at the first attempt, of those decided. tries: attempts\n"
	       "per credential earned.\n");
}

/* ---------------------------------------------------------------- turnaround */
static void days_text(double v)
{
	if (isnan(v))
		printf(" %7s", "-");
	else
		printf(" %7.1f", v);
}

static void turnaround_print(const struct report_turnaround *t, int fmt, int due_days)
{
	if (fmt == CLI_JSON)
		printf("{\"due_days\":%d,\"groups\":[", due_days);
	else if (fmt == CLI_TEXT)
		printf("%-24s %7s %7s %7s %7s %7s %9s\n", "", "decided", "median", "90th", "read-md", "read-90",
		       "in time");
	for (int i = 0; i < t->n; i++) {
		const struct report_turnaround_row *r = &t->rows[i];
		const char *kind = r->pathway ? "pathway" : r->district ? "district" : "all";
		const char *key = r->pathway ? r->pathway : r->district ? r->district : "all";
		double v[4] = { r->decide_median, r->decide_p90, r->read_median, r->read_p90 };
		if (fmt == CLI_TEXT) {
			if (i > 0 && strcmp(kind, "all") != 0 && (i == 1 || (r->district && !t->rows[i - 1].district)))
				printf("by %s:\n", kind);
			label(key, 24);
			printf(" %7ld", r->decided);
			for (int j = 0; j < 4; j++)
				days_text(v[j]);
			printf("  ");
			pct_text(r->decided ? (double)r->within_due / r->decided : NAN, 7);
			putchar('\n');
		} else if (fmt == CLI_TSV) {
			printf("%s\t", kind);
			cli_tsv_field(stdout, key);
			printf("\t%ld", r->decided);
			for (int j = 0; j < 4; j++)
				putchar('\t'), num_tsv(v[j]);
			printf("\t%ld\n", r->within_due);
		} else {
			printf("%s{\"group\":\"%s\",\"key\":", i ? "," : "", kind);
			cli_json_str(stdout, key);
			printf(",\"decided\":%ld,\"decide_median_days\":", r->decided);
			num_json(v[0]);
			fputs(",\"decide_p90_days\":", stdout);
			num_json(v[1]);
			printf(",\"reads\":%ld,\"read_median_days\":", r->read_n);
			num_json(v[2]);
			fputs(",\"read_p90_days\":", stdout);
			num_json(v[3]);
			printf(",\"within_due\":%ld}", r->within_due);
		}
	}
	if (fmt == CLI_JSON)
		fputs("],\"backlog\":{", stdout);
	else if (fmt == CLI_TEXT)
		printf("\nmedian, 90th: days from submission to decision; read-md, read-90: from assignment\n"
		       "to decision; in time: decided within %d days (the due-days setting).\n\nopen work by age:\n",
		       due_days);
	for (int i = 0; i < REPORT_AGE_BUCKETS; i++) {
		if (fmt == CLI_JSON)
			printf("%s\"%s\":%ld", i ? "," : "", report_age_buckets[i], t->backlog[i]);
		else if (fmt == CLI_TSV)
			printf("backlog\t%s\t%ld\n", report_age_buckets[i], t->backlog[i]);
		else
			printf("  %-16s %7ld\n", report_age_buckets[i], t->backlog[i]);
	}
	if (fmt == CLI_JSON)
		fputs("}}\n", stdout);
}

/* ---------------------------------------------------------------- agreement */
static const char *const FIGURES[] = { "exact", "adjacent", "kappa", "quadratic_kappa", "ac1" };

static const struct stats_estimate *figure(const struct stats_agreement *a, int i)
{
	const struct stats_estimate *e[] = { &a->exact, &a->adjacent, &a->kappa, &a->wkappa, &a->ac1 };
	return e[i];
}

static void agreement_json(const struct stats_agreement *a)
{
	printf("{\"n\":%ld,\"levels\":%d", a->n, a->k);
	for (int i = 0; i < 5; i++) {
		const struct stats_estimate *e = figure(a, i);
		printf(",\"%s\":{\"value\":", FIGURES[i]);
		num_json(e->value);
		fputs(",\"se\":", stdout);
		num_json(e->se);
		fputs(",\"ci95\":[", stdout);
		num_json(e->lo);
		putchar(',');
		num_json(e->hi);
		fputs("]}", stdout);
	}
	putchar('}');
}

static void agreement_tsv(const struct stats_agreement *a)
{
	printf("\t%ld", a->n);
	for (int i = 0; i < 5; i++) {
		const struct stats_estimate *e = figure(a, i);
		double v[3] = { e->value, e->lo, e->hi };
		for (int j = 0; j < 3; j++)
			putchar('\t'), num_tsv(v[j]);
	}
	putchar('\n');
}

static void est_text(const struct stats_estimate *e)
{
	if (isnan(e->value))
		printf(" %17s", "-");
	else
		printf(" %5.2f [%5.2f,%5.2f]", e->value, e->lo, e->hi);
}

static void agreement_text(const char *name, const struct stats_agreement *a)
{
	label(name, 18);
	printf(" %5ld", a->n);
	for (int i = 0; i < 5; i++)
		est_text(figure(a, i));
	putchar('\n');
}

static void agreement_text_head(const char *title)
{
	printf("%s\n%-18s %5s %17s %17s %17s %17s %17s\n", title, "", "n", "exact", "adjacent", "kappa",
	       "quadratic kappa", "AC1");
}

static void agreement_print(const struct report_agreement *g, int fmt)
{
	if (fmt == CLI_JSON)
		fputs("[", stdout);
	const char *last = "";
	for (int i = 0; i < g->n; i++) {
		const struct report_agreement_row *r = &g->rows[i];
		if (fmt == CLI_JSON) {
			printf("%s{\"pairs\":\"%s\",\"key\":", i ? "," : "", r->what);
			cli_json_str(stdout, r->key);
			fputs(",\"agreement\":", stdout);
			agreement_json(&r->a);
			putchar('}');
		} else if (fmt == CLI_TSV) {
			printf("%s\t", r->what);
			cli_tsv_field(stdout, r->key);
			agreement_tsv(&r->a);
		} else {
			if (strcmp(last, r->what) != 0)
				agreement_text_head(strcmp(r->what, "first-second") == 0
							    ? (i ? "\nfirst read against second read, by criterion"
								 : "first read against second read, by criterion")
							    : "\neach assessor against the final outcome");
			last = r->what;
			agreement_text(r->key, &r->a);
		}
	}
	if (fmt == CLI_JSON)
		fputs("]\n", stdout);
	else if (fmt == CLI_TEXT)
		printf("\nEach figure with its 95%% confidence interval; n: criterion scores compared. Kappa\n"
		       "reads low when nearly every score passes; AC1 does not.\n");
}

/* ---------------------------------------------------------------- assessors */
static void assessors_print(const struct report_assessors *a, int fmt)
{
	if (fmt == CLI_JSON)
		printf("{\"weeks\":%.2f,\"assessors\":[", a->weeks);
	else if (fmt == CLI_TEXT)
		printf("%-20s %6s %8s %6s %8s %5s %17s\n", "assessor", "done", "per week", "open", "overdue", "n",
		       "AC1 vs final");
	for (int i = 0; i < a->n; i++) {
		const struct report_assessor_row *r = &a->rows[i];
		if (fmt == CLI_JSON) {
			printf("%s{\"assessor\":", i ? "," : "");
			cli_json_str(stdout, r->assessor);
			printf(",\"done\":%ld,\"per_week\":%.4f,\"open\":%ld,\"overdue\":%ld,\"agreement\":", r->done,
			       r->per_week, r->open, r->overdue);
			agreement_json(&r->final);
			putchar('}');
		} else if (fmt == CLI_TSV) {
			cli_tsv_field(stdout, r->assessor);
			printf("\t%ld\t%.4f\t%ld\t%ld", r->done, r->per_week, r->open, r->overdue);
			agreement_tsv(&r->final);
		} else {
			label(r->assessor, 20);
			printf(" %6ld %8.1f %6ld %8ld %5ld", r->done, r->per_week, r->open, r->overdue, r->final.n);
			est_text(&r->final.ac1);
			putchar('\n');
		}
	}
	if (fmt == CLI_JSON)
		fputs("]}\n", stdout);
}

/* ---------------------------------------------------------------- the command */


static int run_kind(struct store *s, const char *kind, int fmt, const struct report_scope *sc,
		    struct mc_error *err)
{
	int rc = MC_OK;
	if (strcmp(kind, "progress") == 0) {
		struct report_progress p;
		if ((rc = report_progress(s, sc, &p, err)) != MC_OK)
			return rc;
		if (fmt == FORMAT_HTML)
			report_html_progress(stdout, &p, sc);
		else
			(fmt == CLI_JSON ? progress_json : fmt == CLI_TSV ? progress_tsv : progress_text)(&p);
		report_progress_free(&p);
	} else if (strcmp(kind, "turnaround") == 0) {
		struct report_turnaround t;
		if ((rc = report_turnaround(s, sc, &t, err)) == MC_OK)
			turnaround_print(&t, fmt, sc->due_days);
		report_turnaround_free(&t);
	} else if (strcmp(kind, "agreement") == 0) {
		struct report_agreement g;
		if ((rc = report_agreement(s, sc, &g, err)) == MC_OK)
			agreement_print(&g, fmt);
		report_agreement_free(&g);
	} else {
		struct report_assessors a;
		if ((rc = report_assessors(s, sc, &a, err)) == MC_OK)
			assessors_print(&a, fmt);
		report_assessors_free(&a);
	}
	return rc;
}

static int parse_args(const struct cli_cmd *self, int argc, char **argv, struct report_request *rq, int *fmt,
		      const char **kind, int *recount)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "district", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },  { "until", required_argument, NULL, 'u' },
		{ "recount", no_argument, NULL, 'r' },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'f' && strcmp(optarg, "html") == 0)
			*fmt = FORMAT_HTML;
		else if (ch == 'f' && (*fmt = cli_parse_format(optarg)) < 0)
			return cli_usage_error(self, "--format is text, tsv, json or html, not '%s'", optarg);
		else if (ch == 'd')
			rq->district = optarg;
		else if (ch == 's')
			rq->since = optarg;
		else if (ch == 'u')
			rq->until = optarg;
		else if (ch == 'r')
			*recount = 1;
		else if (ch != 'f')
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	static const char *const kinds[] = { "progress", "turnaround", "assessors", "agreement" };
	if (optind >= argc)
		return cli_usage_error(self, "say which report: progress, turnaround, assessors or agreement");
	if (argc - optind > 1)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 1]);
	for (int i = 0; i < 4; i++)
		if (strcmp(argv[optind], kinds[i]) == 0)
			*kind = kinds[i];
	if (!*kind)
		return cli_usage_error(self, "there is no report '%s' (the reports: progress, turnaround, "
				       "assessors, agreement)", argv[optind]);
	if (*fmt == FORMAT_HTML && strcmp(*kind, "progress") != 0)
		return cli_usage_error(self, "--format html is for 'report progress'; use text, tsv or json "
				       "for %s", *kind);
	return -1;
}

static int run_report(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	struct report_request rq = { 0 };
	int fmt = CLI_TEXT;
	const char *kind = NULL;
	int recount = 0;
	int rc = parse_args(self, argc, argv, &rq, &fmt, &kind, &recount);
	if (rc >= 0)
		return rc;
	struct store *s;
	if ((rc = cli_open(cli, 0, &s)) != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct report_scope sc;
	rc = report_scope_for(s, cli->sess->actor.user, &rq, &sc, &err);
	sc.recount = recount;
	if (rc == MC_OK) {
		rc = run_kind(s, kind, fmt, &sc, &err);
		report_scope_free(&sc);
	}
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

const struct cli_cmd cli_cmd_report = {
	"report", run_report,
	"report progress|turnaround|assessors|agreement [--format text|tsv|json|html] [--district D] "
	"[--since DATE] [--until DATE] [--recount]",
	"Progress against goals, turnaround, assessors' work and scorer agreement.",
	"  progress        per pathway, credential and district: earned against the goal\n"
	"                  (mcassess config goal PATHWAY N), open, resubmit, incomplete,\n"
	"                  withdrawn, first-attempt pass rate, attempts to earn\n"
	"  turnaround      days from submission to decision and from assignment to\n"
	"                  decision (median, 90th percentile), by pathway and district;\n"
	"                  decided within the due-days setting; open work by age\n"
	"  assessors       per assessor: done, per week, open, overdue, agreement with\n"
	"                  the final outcome\n"
	"  agreement       first read against second read per criterion, and each\n"
	"                  assessor against the final outcome: exact and adjacent\n"
	"                  agreement, Cohen's kappa, quadratic-weighted kappa and Gwet's\n"
	"                  AC1, each with its 95% confidence interval and the number of\n"
	"                  scores behind it\n"
	"  --format F      text (default), tsv, json; html for progress: one file with\n"
	"                  its charts inside, no scripts, nothing fetched, fit to mail\n"
	"  --district D    one district (coordinators always see their own)\n"
	"  --since DATE    submissions from DATE (YYYY-MM-DD)\n"
	"  --until DATE    submissions up to DATE; ages are counted at the end of DATE\n"
	"  --recount       count every submission again instead of reading the counts\n"
	"                  kept as they change (slower; the figures must be the same)\n"
	"Assessors see their own figures only; coordinators their district (all when\n"
	"they have none); admins everything.\n",
};
