/* cmd_export.c: `mcassess export results`: decided submissions as CSV or JSON;
 * `export badges`: earned credentials as signed Open Badges 3.0. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/badges.h"
#include "mcassess/export.h"
#include "mcassess/util.h"

static void progress(void *ctx, long done)
{
	(void)ctx;
	cli_progress_printf("export: %ld results", done);
}

static void badge_progress(void *ctx, long done)
{
	(void)ctx;
	fprintf(stderr, "\rexport: %ld badges", done);
	fflush(stderr);
}

static int export_badges(struct cli *cli, const char *out, int format_given)
{
	if (format_given) {
		fputs("mcassess: export badges: --format is for results; badges are always JSON and VC-JWT\n",
		      stderr);
		return MC_USAGE;
	}
	const char *dir = out ? out : "badges";
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct badges_options o = { .progress = cli->progress ? badge_progress : NULL };
	struct mc_error err = MC_ERROR_INIT;
	long n = 0;
	rc = badges_export(s, &o, dir, &n, &err);
	cli_close(cli);
	if (o.progress)
		fputs("\r\033[K", stderr);
	if (rc != MC_OK)
		return cli_error(&err);
	fprintf(stderr, "export: %ld badge%s written to %s\n", n, n == 1 ? "" : "s", dir);
	return MC_OK;
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
	int c, format_given = 0;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return cli_usage_error(self, "--out needs a path");
			out = optarg;
			break;
		case 'f':
			format_given = 1;
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
	if (strcmp(what, "badges") == 0)
		return export_badges(cli, out, format_given);
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
	"export results [--out PATH] [--format csv|json] | export badges [--out DIR]",
	"Exports results (one record per decided submission) or earned credentials as Open Badges.",
	"options:\n"
	"  --out PATH   write to PATH (atomically: the old file stays until the new one\n"
	"               is complete); default: standard output\n"
	"  --format F   csv (RFC 4180, with a header row; the default) or json\n"
	"\n"
	"Fields: id, educator_id, educator_name, district, school, credential, pathway,\n"
	"attempt, outcome, decided_at, decided_by, rubric_version. When you score\n"
	"blind, educators appear by their anonymous id.\n"
	"\n"
	"export badges (admins): one Open Badges 3.0 credential per earned submission,\n"
	"signed with the issuer's key (see mcassess issuer), into DIR (default\n"
	"./badges, made if missing): ID.json (the credential) and ID.jwt (the same,\n"
	"signed as a VC-JWT, RS256), with issuer.json (the issuer's profile) and\n"
	"jwks.json (its public key). Nothing is put in place until every file is\n"
	"written: on an error, DIR is as it was.\n",
};
