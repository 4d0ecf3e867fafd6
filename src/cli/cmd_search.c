/* cmd_search.c: `mcassess search`: full-text (FTS5) or regex (PCRE2) search of
 * evidence and feedback. Shows submissions and parts, never educators. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "mcassess/precheck.h"
#include "mcassess/search.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

#define DEFAULT_LIMIT 20
#define PROGRESS_ROWS 2000   /* say so on a terminal when indexing at least this many rows */

/* The snippet for output: markers become `open`/`close`, and line breaks and tabs
 * spaces, so that one hit is one line; for people (`safe`) other controls are made
 * visible. */
static char *render(const char *snippet, const char *open, const char *close, int safe)
{
	struct mc_buf b = MC_BUF_INIT;
	const char *p = snippet;
	while (*p) {
		size_t n = strcspn(p, SEARCH_MARK_OPEN SEARCH_MARK_CLOSE "\n\r\t");
		if (safe)
			text_safe_append(&b, p, n, 0);
		else
			mc_buf_add(&b, p, n);
		p += n;
		if (!*p)
			break;
		if (*p == SEARCH_MARK_OPEN[0])
			mc_buf_adds(&b, open);
		else if (*p == SEARCH_MARK_CLOSE[0])
			mc_buf_adds(&b, close);
		else
			mc_buf_addc(&b, ' ');
		p++;
	}
	return mc_buf_steal(&b);
}

static const char *source_name(enum search_source s) { return s == SEARCH_FEEDBACK ? "feedback" : "evidence"; }

/* One hit as a json object, indented as an element of the array it is printed in. */
static void print_json_hit(const struct search_hit *h, int first)
{
	char *snip = render(h->snippet, "[", "]", 0);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(h->submission));
	json_object_set_new(o, "part", json_string(h->part));
	json_object_set_new(o, "source", json_string(source_name(h->source)));
	json_object_set_new(o, "snippet", json_string(snip));
	if (h->match_start >= 0) {
		json_object_set_new(o, "start", json_integer(h->match_start));
		json_object_set_new(o, "end", json_integer(h->match_end));
	} else {
		json_object_set_new(o, "rank", json_real(h->rank));
	}
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputs(first ? "[\n  " : ",\n  ", stdout);
	for (const char *p = text; p && *p; p++) {
		putchar(*p);
		if (*p == '\n')
			fputs("  ", stdout);
	}
	free(text);
	json_decref(o);
	free(snip);
}

static void print_hit(const struct search_hit *h, enum cli_format fmt, int bold, int first)
{
	if (fmt == CLI_JSON) {
		print_json_hit(h, first);
		return;
	}
	char *snip = render(h->snippet, bold ? "\033[1m" : "[", bold ? "\033[22m" : "]", fmt != CLI_TSV);
	if (fmt == CLI_TSV) {
		cli_tsv_field(stdout, h->submission);
		putchar('\t');
		cli_tsv_field(stdout, h->part);
		putchar('\t');
		cli_tsv_field(stdout, snip);
		putchar('\n');
	} else {
		cli_put(h->submission);
		fputs("  ", stdout);
		cli_put(h->part);
		printf("  %s\n", snip);
	}
	free(snip);
}

/* Hits are printed as core hands them over, masked, one at a time: `--limit 0` on a
 * common word stays small. */
struct printer {
	enum cli_format fmt;
	int bold, limit;
	long printed;
	int more; /* a hit beyond the limit exists */
};

static int print_one(void *ctx, struct search_hit *h)
{
	struct printer *p = ctx;
	if (p->limit > 0 && p->printed >= p->limit) {
		p->more = 1;
		return 1;
	}
	print_hit(h, p->fmt, p->bold, p->printed == 0);
	p->printed++;
	return 0;
}

/* Catch the index up first, saying so when that takes a while. */
static int catch_up(struct cli *cli, struct store *s, struct mc_error *err)
{
	long long ev = 0, fb = 0, rank = 0;
	int rc = search_pending(s, &ev, &fb, err);
	if (rc == MC_OK)
		rc = search_rank_pending(s, &rank, err);
	if (rc != MC_OK)
		return rc;
	if (ev + fb < PROGRESS_ROWS && rank < PROGRESS_ROWS)
		return search_catch_up(s, NULL, err);
	/* a first search after an upgrade, or after rows written behind mcassess's back:
	 * say so, with how far it is; it goes in steps, so Ctrl-C keeps what was done */
	if (cli->progress && ev + fb >= PROGRESS_ROWS)
		fprintf(stderr, "mcassess: search: %lld evidence items and %lld feedback texts are new to the index"
			" (Ctrl-C stops; the next search carries on)\n", ev, fb);
	else if (cli->progress)
		fprintf(stderr, "mcassess: search: the ranking of results is built once for this version,"
			" over %lld evidence items (Ctrl-C stops; the next search carries on)\n", rank);
	cli_catch_interrupt(s);
	cli_progress_begin(cli);
	rc = search_catch_up(s, NULL, err);
	cli_progress_end();
	return rc;
}

static int run(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "regex", no_argument, NULL, 'r' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "reindex", no_argument, NULL, 'R' },
		{ "newest", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int regex = 0, reindex = 0, c;
	struct search_opts o = { DEFAULT_LIMIT, 0, 0, SEARCH_BY_RANK };
	enum cli_format fmt = CLI_TEXT;
	while ((c = cli_getopt(argc, argv, "rin:", opts)) != -1) {
		switch (c) {
		case 'r': regex = 1; break;
		case 'i': o.caseless = 1; break;
		case 'R': reindex = 1; break;
		case 'N': o.order = SEARCH_BY_NEWEST; break;
		case 'n': {
			long v = cli_parse_count(optarg);
			if (v < 0)
				return cli_usage_error(self, "--limit needs a number (0 for all), not '%s'", optarg);
			o.limit = (int)v;
			break;
		}
		case 'f': {
			int f = cli_parse_format(optarg);
			if (f < 0)
				return cli_usage_error(self, "--format is text, tsv or json, not '%s'", optarg);
			fmt = (enum cli_format)f;
			break;
		}
		case 'h': return cli_help(self);
		default: return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	int nargs = argc - optind;
	if (reindex && nargs == 0) {
		/* rebuild only */
	} else if (nargs < 1) {
		return cli_usage_error(self, "what to search for is missing");
	} else if (regex && nargs > 1) {
		return cli_usage_error(self, "--regex takes one PATTERN (quote it), got %d", nargs);
	}
	if (o.order == SEARCH_BY_NEWEST && regex)
		return cli_usage_error(self, "--newest is for text search (--regex lists matches in the order of the evidence)");
	if (o.caseless && !regex)
		return cli_usage_error(self, "--ignore-case is for --regex (text search always ignores case)");

	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (reindex) {
		rc = store_begin(s, &err);
		/* emptied at once, then filled as a catch-up is: with a percentage, resumable */
		if (rc == MC_OK && (rc = search_reset(s, &err)) == MC_OK)
			rc = store_commit(s, &err);
		else if (rc != MC_OK)
			store_rollback(s);
		if (rc == MC_OK)
			rc = catch_up(cli, s, &err);
		if (rc == MC_OK && nargs == 0) {
			fprintf(stderr, "mcassess: search: index rebuilt\n");
			cli_close(cli);
			return MC_OK;
		}
	}
	struct mc_buf words = MC_BUF_INIT;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			mc_buf_addc(&words, ' ');
		mc_buf_adds(&words, argv[i]);
	}
	const char *pattern = mc_buf_str(&words);
	/* one more than asked, to tell whether there are more */
	struct search_opts ask = o;
	if (ask.limit > 0)
		ask.limit++;
	struct printer p = { .fmt = fmt, .limit = o.limit,
			     .bold = fmt == CLI_TEXT && cli->tty && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0 };
	if (rc == MC_OK && !regex)
		rc = catch_up(cli, s, &err);
	if (rc != MC_OK && cli_interrupted()) {
		mc_buf_free(&words);
		return cli_interrupted_exit(cli, &err, "the search index keeps what it built; the next search carries on");
	}
	if (rc == MC_OK) /* what you may see, masked where you score blind */
		rc = precheck_search_each(s, pattern, regex, &ask, print_one, &p, &err);
	if (fmt == CLI_JSON && (rc == MC_OK || p.printed))
		puts(p.printed ? "\n]" : "[]");
	if (rc == MC_OK) {
		if (p.printed == 0)
			cli_say(stderr, "no matches for '%s'\n", pattern);
		else if (p.more && fmt == CLI_TEXT)
			fprintf(stderr, "(the first %d matches; --limit N shows more, 0 all)\n", o.limit);
	}
	mc_buf_free(&words);
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

const struct cli_cmd cli_cmd_search = {
	"search", run,
	"search PATTERN... [--newest | --regex [--ignore-case]] [--limit N] [--format text|tsv|json]",
	"full-text (FTS5) or regex (PCRE2) search of evidence and feedback",
	"Text search (the default): every word must occur, in any case and with or\n"
	"without accents; \"a phrase\" in double quotes; word* for words that begin so.\n"
	"Chinese and Japanese are found by any word of two characters or more (反馈),\n"
	"a single character anywhere. Best matches first (bm25).\n\n"
	"  --newest         the newest matches first instead (evidence, then feedback);\n"
	"                   quicker for a word found almost everywhere\n"
	"  --regex          PATTERN is a PCRE2 regular expression (UTF, Unicode \\w \\b);\n"
	"                   matches in the order of the evidence. A bad pattern exits 2\n"
	"                   with PCRE2's message and the character offset.\n"
	"  -i, --ignore-case  with --regex\n"
	"  --limit N        at most N matches (default 20; 0 = all)\n"
	"  --format F       text (default), tsv or json. tsv: id<TAB>part<TAB>snippet;\n"
	"                   json: [{\"id\",\"part\",\"source\",\"snippet\",\"rank\"|\"start\",\"end\"}].\n"
	"                   Matches are marked [like this] (bold on a terminal).\n"
	"  --reindex        rebuild the search index first (alone: rebuild only)\n\n"
	"Shows the submission id and the part, never the educator. In submissions you\n"
	"score blind, names, e-mail addresses and phone numbers in the snippets are\n"
	"masked ([name], [e-mail], [phone]), and a match that is all personal data is\n"
	"left out. No match: nothing on stdout ([] for json), \"no matches for ...\" on\n"
	"stderr, exit 0.\n",
};
