/* cmd_queue.c: `mcassess queue`: the evidence queue as text, TSV or JSON. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "mcassess/queue.h"
#include "mcassess/show.h"
#include "mcassess/util.h"

#define QUEUE_TEXT_LIMIT 50   /* rows shown to people unless --limit says otherwise */
#define QUEUE_BATCH 1000      /* rows per page for tsv and json */

/* "3d", "5h", "12m", "now": how long a submission has waited. */
static void age(const char *submitted_at, time_t now, char out[32])
{
	time_t t;
	if (!submitted_at || mc_time_parse(submitted_at, &t) != 0) {
		snprintf(out, 32, "?");
		return;
	}
	long long d = (long long)(now - t);
	if (d < 60)
		snprintf(out, 32, d < 0 ? "0m" : "now");
	else if (d < 3600)
		snprintf(out, 32, "%lldm", d / 60);
	else if (d < 86400)
		snprintf(out, 32, "%lldh", d / 3600);
	else
		snprintf(out, 32, "%lldd", d / 86400);
}

static void print_tsv(const struct queue_row *r)
{
	cli_tsv_field(stdout, r->id);
	putchar('\t');
	cli_tsv_field(stdout, r->status);
	putchar('\t');
	cli_tsv_field(stdout, r->credential);
	putchar('\t');
	cli_tsv_field(stdout, r->educator);
	putchar('\t');
	cli_tsv_field(stdout, r->district);
	printf("\t%d\t", r->attempt);
	cli_tsv_field(stdout, r->submitted_at);
	putchar('\t');
	cli_tsv_field(stdout, r->assignees);
	printf("\t%s\n", r->overdue ? "overdue" : "");
}

static void print_json(const struct queue_row *r, long i)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "credential", json_string(r->credential));
	json_object_set_new(o, "educator", json_string(r->educator));
	json_object_set_new(o, "district", json_string(r->district));
	json_object_set_new(o, "attempt", json_integer(r->attempt));
	json_object_set_new(o, "submitted_at", json_string(r->submitted_at));
	json_object_set_new(o, "pathway", json_string(r->pathway));
	json_object_set_new(o, "blind", json_boolean(r->blind));
	json_object_set_new(o, "claimed_by", r->claimed_by ? json_string(r->claimed_by) : json_null());
	json_object_set_new(o, "assignees", r->assignees ? json_string(r->assignees) : json_null());
	json_object_set_new(o, "due_at", r->due_at ? json_string(r->due_at) : json_null());
	json_object_set_new(o, "overdue", json_boolean(r->overdue));
	json_object_set_new(o, "needs_adjudication", json_boolean(r->needs_adjudication));
	fputs(i ? ",\n" : "[\n", stdout);
	json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
}

/* tsv and json: every row (or --limit of them), a page at a time; the last row of
 * one page is the key of the next. */
static int stream(struct store *s, const struct queue_filter *f, long limit,
		  enum cli_format fmt, struct mc_error *err)
{
	struct queue_row *prev = NULL, *rows = NULL;
	int nprev = 0, n = 0, rc = MC_OK;
	long done = 0;
	while (limit < 0 || done < limit) {
		int want = limit < 0 || limit - done > QUEUE_BATCH ? QUEUE_BATCH : (int)(limit - done);
		rc = queue_page(s, f, nprev ? &prev[nprev - 1] : NULL, 1, want, &rows, &n, err);
		queue_rows_free(&prev, nprev);
		nprev = 0;
		if (rc != MC_OK)
			break;
		for (int i = 0; i < n; i++, done++) {
			if (fmt == CLI_TSV)
				print_tsv(&rows[i]);
			else
				print_json(&rows[i], done);
		}
		prev = rows;
		nprev = n;
		rows = NULL;
		if (n < want)
			break;
	}
	queue_rows_free(&prev, nprev);
	if (rc == MC_OK && fmt == CLI_JSON)
		fputs(done ? "\n]\n" : "[]\n", stdout);
	return rc;
}

/* Pad to `width` terminal cells (wide characters take two). */
static void cell(const char *s, int width, int last)
{
	if (last)
		cli_put(s);
	else
		cli_pad(s, width + 2);
}

static int text(struct store *s, const struct queue_filter *f, long limit,
		struct mc_error *err)
{
	long long counts[QUEUE_NSTATUS];
	int rc = queue_counts(s, counts, err);
	if (rc != MC_OK)
		return rc;
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		printf("%s%s %lld", i ? "  " : "", queue_statuses[i], counts[i]);
	putchar('\n');
	struct queue_row *rows = NULL;
	int n = 0;
	int want = limit < 0 ? QUEUE_TEXT_LIMIT : (int)limit;
	/* one more than shown, to say whether there are more */
	rc = queue_page(s, f, NULL, 1, want < INT_MAX ? want + 1 : want, &rows, &n, err);
	if (rc != MC_OK)
		return rc;
	int more = n > want;
	if (more)
		n = want;
	if (n == 0) {
		printf("\nnothing in the queue%s\n",
		       f->status || f->credential || f->pathway || f->district || f->mine
			       ? " that matches" : "");
		queue_rows_free(&rows, more ? n + 1 : n);
		return MC_OK;
	}
	enum { C_ID, C_STATUS, C_CRED, C_EDU, C_DIST, C_ATT, C_AGE, NC };
	static const char *const head[NC] = { "ID", "STATUS", "CREDENTIAL", "EDUCATOR", "DISTRICT",
					      "ATTEMPT", "AGE" };
	int w[NC];
	for (int c = 0; c < NC; c++)
		w[c] = show_text_width(head[c]);
	time_t now = time(NULL);
	char (*ages)[32] = mc_xcalloc((size_t)n, sizeof *ages);
	char (*atts)[16] = mc_xcalloc((size_t)n, sizeof *atts);
	for (int i = 0; i < n; i++) {
		struct queue_row *r = &rows[i];
		age(r->submitted_at, now, ages[i]);
		snprintf(atts[i], sizeof atts[i], "%d", r->attempt);
		const char *v[NC] = { r->id, r->status, r->credential, r->educator, r->district, atts[i], ages[i] };
		for (int c = 0; c < NC; c++) {
			int cw = cli_width(v[c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	putchar('\n');
	for (int c = 0; c < NC; c++)
		cell(head[c], w[c], c == NC - 1);
	putchar('\n');
	for (int i = 0; i < n; i++) {
		struct queue_row *r = &rows[i];
		const char *v[NC] = { r->id, r->status, r->credential, r->educator, r->district, atts[i], ages[i] };
		for (int c = 0; c < NC; c++)
			cell(v[c], w[c], c == NC - 1);
		putchar('\n');
	}
	if (more)
		printf("\n(first %d shown: --limit N for more, --format tsv for all)\n", n);
	free(ages);
	free(atts);
	queue_rows_free(&rows, more ? n + 1 : n);
	return MC_OK;
}

static int run_queue(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "credential", required_argument, NULL, 'c' },
		{ "pathway", required_argument, NULL, 'p' },
		{ "district", required_argument, NULL, 'd' },
		{ "mine", no_argument, NULL, 'm' },
		{ "needs", required_argument, NULL, 'N' },
		{ "limit", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct queue_filter f = { 0 };
	int fmt = CLI_TEXT, mine = 0, c;
	long limit = -1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's':
			if (strcasecmp(optarg, "all") != 0 && !queue_status_canonical(optarg))
				return cli_usage_error(self, "unknown status '%s' (one of: all, queued, "
						       "in_progress, awaiting_approval (or awaiting), earned, "
						       "resubmit, incomplete, withdrawn)", optarg);
			f.status = optarg;
			break;
		case 'c': f.credential = optarg; break;
		case 'p': f.pathway = optarg; break;
		case 'd': f.district = optarg; break;
		case 'm': mine = 1; break;
		case 'N': f.needs = optarg; break;
		case 'n':
			if ((limit = cli_parse_count(optarg)) < 0)
				return cli_usage_error(self, "--limit wants a number of rows, not '%s'", optarg);
			break;
		case 'o':
			if (strcmp(optarg, "age") == 0)
				f.sort = QUEUE_SORT_AGE;
			else if (strcmp(optarg, "credential") == 0)
				f.sort = QUEUE_SORT_CREDENTIAL;
			else if (strcmp(optarg, "status") == 0)
				f.sort = QUEUE_SORT_STATUS;
			else
				return cli_usage_error(self, "unknown sort '%s' (age, credential or status)", optarg);
			break;
		case 'f':
			if ((fmt = cli_parse_format(optarg)) < 0)
				return cli_usage_error(self, "unknown format '%s' (text, tsv or json)", optarg);
			break;
		case 'h': return cli_help(self);
		default:
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	const char *viewer = cli->sess->actor.user;
	if (mine)
		f.mine = viewer;
	if (!f.status)
		f.status = queue_default_status(s);
	struct mc_error err = MC_ERROR_INIT;
	struct queue_filter_names names;
	rc = queue_filter_resolve(s, &f, &names, &err);
	if (rc == MC_OK)
		rc = fmt == CLI_TEXT ? text(s, &f, limit, &err) : stream(s, &f, limit, fmt, &err);
	queue_filter_names_free(&names);
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

const struct cli_cmd cli_cmd_queue = {
	"queue", run_queue,
	"queue [--status S|all] [--credential C] [--pathway P] [--district D] [--mine]\n"
	"       [--needs adjudication] [--limit N]\n"
	"       [--sort age|credential|status] [--format text|tsv|json]",
	"Lists the evidence queue: open work (queued, in progress) unless --status says otherwise.",
	"options:\n"
	"  --status S        only submissions in status S: queued, in_progress,\n"
	"                    awaiting_approval (or awaiting), earned, resubmit,\n"
	"                    incomplete, withdrawn; 'all' for every status\n"
	"                    (default: queued and in_progress; for approvers\n"
	"                    awaiting_approval)\n"
	"  --credential C    only credential C (a code, e.g. TEAM-QUES)\n"
	"  --pathway P       only pathway P (a code, e.g. STEMS)\n"
	"  --district D      only educators of district D (its name, or the start of\n"
	"                    it when that names one district: Walnut for Walnut Creek)\n"
	"  --mine            only submissions assigned to you or claimed by you\n"
	"  --needs adjudication  only submissions whose two reads disagree and that\n"
	"                    wait for an adjudicator (their readers start \"needs\n"
	"                    adjudication; \")\n"
	"  --limit N         at most N rows (default: 50 as text, all as tsv or json)\n"
	"  --sort KEY        age (oldest first, the default), credential, or status\n"
	"  --format F        text (for people), tsv (id, status, credential, educator,\n"
	"                    district, attempt, submitted_at; no header) or json\n"
	"\n"
	"When you score blind, educators appear by their anonymous id.\n",
};
