/* cmd_export.c: `mcassess export results`: decided submissions as CSV or JSON. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/export.h"
#include "mcassess/util.h"

static void progress(void *ctx, long done)
{
	(void)ctx;
	cli_progress_printf("export: %ld results", done);
}

static int run_export(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	struct export_options o = { .format = EXPORT_CSV };
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return cli_usage_error(self, "--out needs a path");
			out = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				o.format = EXPORT_CSV;
			else if (strcmp(optarg, "json") == 0)
				o.format = EXPORT_JSON;
			else
				return cli_usage_error(self, "unknown format '%s' (csv or json)", optarg);
			break;
		case 'h': return cli_help(self);
		default:
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(self, "what to export? 'results' (or 'badges')");
	const char *what = argv[optind];
	if (optind + 1 < argc)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 1]);
	if (strcmp(what, "badges") == 0) {
		fputs("mcassess: export badges: not available yet\n", stderr);
		return MC_FAIL;
	}
	if (strcmp(what, "results") != 0)
		return cli_usage_error(self, "unknown export '%s' (results or badges)", what);

	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	if (cli->progress && out)
		o.progress = progress;
	struct mc_error err = MC_ERROR_INIT;
	long n = 0;
	if (out)
		cli_progress_begin(cli);
	cli_catch_interrupt(s);
	rc = export_results(s, &o, out, stdout, &n, &err);
	if (rc != MC_OK && cli_interrupted()) {
		/* --out is written to a temporary file and renamed only when whole */
		char *kept = out ? mc_xasprintf("nothing was written (%s is as it was)", out) : NULL;
		rc = cli_interrupted_exit(cli, &err, out ? kept : "the output is incomplete");
		free(kept);
		return rc;
	}
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	if (out)
		cli_say(stderr, "export: %ld result%s written to %s\n", n, n == 1 ? "" : "s", out);
	return MC_OK;
}

const struct cli_cmd cli_cmd_export = {
	"export", run_export,
	"export results [--out PATH] [--format csv|json]",
	"Exports results: one record per decided submission.",
	"options:\n"
	"  --out PATH   write to PATH (atomically: the old file stays until the new one\n"
	"               is complete); default: standard output\n"
	"  --format F   csv (RFC 4180, with a header row; the default) or json\n"
	"\n"
	"Fields: id, educator_id, educator_name, district, school, credential, pathway,\n"
	"attempt, outcome, decided_at, decided_by, rubric_version. When you score\n"
	"blind, educators appear by their anonymous id.\n"
	"'export badges' (Open Badges 3.0) is not available yet.\n",
};
