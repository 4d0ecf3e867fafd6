/* cmd_catalog.c: `mcassess catalog list|show|validate|load`. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/catalog.h"
#include "mcassess/show.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

#define WRAP_WIDTH 78

/* Print text word-wrapped at WRAP_WIDTH, every line indented by `indent` spaces. */
static void wrap(const char *text, int indent)
{
	int col = 0;
	char *safe = text_safe_dup(text, TEXT_SAFE_LINES); /* a catalog is outside text too */
	const char *p = safe;
	while (*p) {
		if (*p == '\n') {
			putchar('\n');
			col = 0;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		size_t n = strcspn(p, " \n");
		int w = text_width(p, n);
		if (col > 0 && col + 1 + w > WRAP_WIDTH - indent) {
			putchar('\n');
			col = 0;
		}
		if (col == 0)
			printf("%*s", indent, "");
		else
			putchar(' '), col++;
		fwrite(p, 1, n, stdout);
		col += w;
		p += n;
	}
	if (col > 0)
		putchar('\n');
	free(safe);
}

/* ---------------------------------------------------------------- list */

static int run_list(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	int fmt, rc = cli_list_args(self, argc, argv, &fmt);
	if (rc >= 0)
		return rc;
	struct store *s;
	rc = cli_open(cli, STORE_READONLY, &s);
	if (rc)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_entry *e = NULL;
	int n = 0;
	if (catalog_list(s, &e, &n, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	if (fmt == CLI_TSV) {
		for (int i = 0; i < n; i++) {
			cli_tsv_field(stdout, e[i].code);
			putchar('\t');
			cli_tsv_field(stdout, e[i].pathway);
			putchar('\t');
			cli_tsv_field(stdout, e[i].title);
			printf("\t%d\n", e[i].version);
		}
	} else if (fmt == CLI_JSON) {
		fputs("[", stdout);
		for (int i = 0; i < n; i++) {
			fputs(i ? ",\n  {\"code\": " : "\n  {\"code\": ", stdout);
			cli_json_str(stdout, e[i].code);
			fputs(", \"pathway\": ", stdout);
			cli_json_str(stdout, e[i].pathway);
			fputs(", \"title\": ", stdout);
			cli_json_str(stdout, e[i].title);
			printf(", \"version\": %d}", e[i].version);
		}
		fputs(n ? "\n]\n" : "]\n", stdout);
	} else if (n == 0) {
		puts("The catalog is empty: load one with 'mcassess catalog load DIR'.");
	} else {
		int wc = 4, wp = 7;
		for (int i = 0; i < n; i++) {
			int a = show_text_width(e[i].code), b = show_text_width(e[i].pathway);
			wc = a > wc ? a : wc;
			wp = b > wp ? b : wp;
		}
		cli_pad("CODE", wc + 2);
		cli_pad("PATHWAY", wp + 2);
		puts("VERSION  TITLE");
		for (int i = 0; i < n; i++) {
			cli_pad(e[i].code, wc + 2);
			cli_pad(e[i].pathway, wp + 2);
			cli_say(stdout, "%7d  %s\n", e[i].version, e[i].title);
		}
	}
	catalog_list_free(&e, n);
	cli_close(cli);
	return MC_OK;
}

/* ---------------------------------------------------------------- show */

static void words_limit(const struct catalog_part *p)
{
	if (p->min_words >= 0 && p->max_words >= 0)
		printf(", %d to %d words", p->min_words, p->max_words);
	else if (p->min_words >= 0)
		printf(", at least %d words", p->min_words);
	else if (p->max_words >= 0)
		printf(", at most %d words", p->max_words);
	else
		printf(", no word limit");
}

static void show_text(const struct catalog_rubric *r)
{
	cli_say(stdout, "%s  %s\n", r->credential, r->title);
	cli_say(stdout, "pathway: %s (%s)\n", r->pathway_title, r->pathway);
	printf("version: %d", r->version);
	if (r->version != r->current_version)
		printf(" (not the current one: that is version %d)", r->current_version);
	cli_say(stdout, ", loaded %s by %s\n", r->loaded_at, r->loaded_by);
	puts("\nCompetency");
	wrap(r->competency, 2);
	puts("\nKey method");
	wrap(r->key_method, 2);
	puts("\nEarned when every criterion is at a passing level.");
	for (int i = 0; i < r->nparts; i++) {
		const struct catalog_part *p = &r->parts[i];
		cli_say(stdout, "\nPart %d: %s (%s", p->seq, p->title, p->code);
		words_limit(p);
		printf("%s)\n", p->required ? "" : ", optional");
		wrap(p->prompt, 2);
		for (int j = 0; j < p->ncriteria; j++) {
			const struct catalog_criterion *c = &p->criteria[j];
			cli_say(stdout, "\n  %s\n", c->code);
			wrap(c->text, 4);
			for (int k = 0; k < c->nlevels; k++) {
				const struct catalog_level *l = &c->levels[k];
				struct mc_buf b = MC_BUF_INIT;
				mc_buf_printf(&b, "%d %s%s: %s", l->seq, l->label, l->passes ? " (passes)" : "",
					      l->descriptor);
				wrap(mc_buf_str(&b), 6);
				mc_buf_free(&b);
			}
		}
	}
}

static int run_show(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "version", required_argument, NULL, 'v' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	int fmt = CLI_TEXT, c;
	long version = 0;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(self);
		case 'f':
			fmt = cli_parse_format(optarg);
			if (fmt != CLI_TEXT && fmt != CLI_JSON)
				return cli_usage_error(self, "show: unknown format '%s' (text or json)", optarg);
			break;
		case 'v':
			version = cli_parse_count(optarg);
			if (version < 1)
				return cli_usage_error(self, "--version needs a version number (1, 2, ...), not '%s'",
						       optarg);
			break;
		default:
			return cli_usage_error(self, "show: unknown option or missing value: '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(self, "show needs one credential code");
	struct store *s;
	int rc = cli_open(cli, STORE_READONLY, &s);
	if (rc)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_rubric *r = NULL;
	if (catalog_rubric_by_code(s, argv[optind], (int)version, &r, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	if (fmt == CLI_JSON) {
		char *j = catalog_rubric_json(r);
		puts(j);
		free(j);
	} else {
		show_text(r);
	}
	catalog_rubric_free(&r);
	cli_close(cli);
	return MC_OK;
}

/* ---------------------------------------------------------------- validate, load */

static void print_problem(void *ctx, const char *problem)
{
	(void)ctx;
	cli_say(stderr, "mcassess: %s\n", problem);
}

static int one_path(const struct cli_cmd *self, int argc, char **argv, const char *what)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return cli_help(self);
		return cli_usage_error(self, "%s: unknown option '%s'", what, argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return cli_usage_error(self, "%s needs one PATH: a catalog file or a directory of them", what);
	return -1;
}

static int run_validate(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli;
	int rc = one_path(self, argc, argv, "validate");
	if (rc >= 0)
		return rc;
	const char *path = argv[optind];
	struct mc_error err = MC_ERROR_INIT;
	int ncred = 0, npath = 0;
	if (catalog_validate(path, print_problem, NULL, &ncred, &npath, &err) != MC_OK)
		return cli_error(&err);
	cli_say(stdout, "%s: %d credential%s in %d pathway%s, valid\n", path, ncred, ncred == 1 ? "" : "s", npath,
	       npath == 1 ? "" : "s");
	return MC_OK;
}

static int run_load(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	int rc = one_path(self, argc, argv, "load");
	if (rc >= 0)
		return rc;
	const char *path = argv[optind];
	struct store *s;
	if ((rc = cli_open(cli, 0, &s)))
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_load_stats st;
	if (catalog_load(s, path, &st, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	printf("loaded: %d new, %d changed (new versions), %d unchanged\n", st.added, st.changed, st.unchanged);
	if (st.pathways)
		printf("pathways: %d new or changed\n", st.pathways);
	cli_close(cli);
	return MC_OK;
}

static int run_catalog(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(self, "which one: list, show, validate or load?");
	const char *sub = argv[1];
	if (strcmp(sub, "list") == 0)
		return run_list(cli, self, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return run_show(cli, self, argc - 1, argv + 1);
	if (strcmp(sub, "validate") == 0)
		return run_validate(cli, self, argc - 1, argv + 1);
	if (strcmp(sub, "load") == 0)
		return run_load(cli, self, argc - 1, argv + 1);
	return cli_usage_error(self, "unknown subcommand '%s' (list, show, validate or load)", sub);
}

const struct cli_cmd cli_cmd_catalog = {
	"catalog", run_catalog,
	"catalog list [--format tsv|json] | show CODE [--version N] [--format json] | "
	"validate PATH | load PATH",
	"The credential catalog: list, show, check and load credentials and their rubrics.",
	"  list                 every credential: code, pathway, current version, title\n"
	"                       (--format tsv: code<TAB>pathway<TAB>title<TAB>version)\n"
	"  show CODE            one credential: competency, key method, parts with word limits,\n"
	"                       criteria and their levels; --version N shows an older version,\n"
	"                       --format json for scripts\n"
	"  validate PATH        check a catalog file or a directory of them without loading;\n"
	"                       every problem is listed as FILE:LINE:COLUMN or FILE: the field\n"
	"  load PATH            load (admins only); a changed credential gets a new rubric\n"
	"                       version and submissions keep the version they were made under\n"
	"\n"
	"Exit status: 3 when the catalog is invalid (nothing is loaded).\n",
};
