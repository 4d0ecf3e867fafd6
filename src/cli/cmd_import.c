/* cmd_import.c: mcassess import FILE [--evidence DIR] [--dry-run] */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "mcassess/import.h"

/* "importing: 40% (N of M submissions)" on one line of the terminal. */
static void show_progress(void *ctx, long done, long total)
{
	(void)ctx;
	if (done < total)
		cli_progress_printf("importing: %ld%% (%ld of %ld submissions)", done * 100 / total, done, total);
}

static const char *plural(long n, const char *one, const char *many) { return n == 1 ? one : many; }

static int run_import(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "evidence", required_argument, NULL, 'e' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *evidence = NULL;
	int dry_run = 0, c;
	while ((c = cli_getopt(argc, argv, ":e:nh", opts)) != -1) {
		switch (c) {
		case 'e': evidence = optarg; break;
		case 'n': dry_run = 1; break;
		case 'h': return cli_help(self);
		case ':': return cli_usage_error(self, "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(self, "which file? give a CSV or JSON file to import");
	if (optind + 1 < argc)
		return cli_usage_error(self, "one file at a time ('%s' is extra)", argv[optind + 1]);
	const char *file = argv[optind];

	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct import_stats st;
	struct mc_error err = MC_ERROR_INIT;
	cli_progress_begin(cli);
	cli_catch_interrupt(s);
	rc = import_file(s, file, evidence, dry_run, &st, cli->progress ? show_progress : NULL, NULL, &err);
	/* a failed import rolled back and took its evidence files out again */
	if (rc != MC_OK && cli_interrupted())
		return cli_interrupted_exit(cli, &err, NULL);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	printf("%s %ld %s (%ld evidence %s, %ld %s); %ld unchanged\n",
	       dry_run ? "would import" : "imported", st.submissions,
	       plural(st.submissions, "submission", "submissions"), st.evidence,
	       plural(st.evidence, "item", "items"), st.files, plural(st.files, "file", "files"),
	       st.unchanged);
	return MC_OK;
}

const struct cli_cmd cli_cmd_import = {
	"import", run_import,
	"import FILE [--evidence DIR] [--dry-run]",
	"Imports submissions from CSV or JSON.",
	"Reads submissions exported from the submission platform and queues them for\n"
	"scoring. FILE is CSV (one row per evidence item, a submission's rows one\n"
	"after another, with a header row naming the columns submission_id,\n"
	"educator_id, educator_name, district, school, credential, submitted_at,\n"
	"part, kind, text, file) or JSON (an array of\n"
	"{\"id\", \"educator\": {\"id\", \"name\", \"district\", \"school\"}, \"credential\",\n"
	"\"submitted_at\", \"evidence\": [{\"part\", \"kind\", \"text\" or \"file\"}]}),\n"
	"told apart by the file's extension, else by its first character.\n"
	"\n"
	"options:\n"
	"  --evidence DIR  where evidence of kind 'file' is read from: each 'file' is a\n"
	"                  path relative to DIR, never outside it (no '..', no absolute\n"
	"                  paths, no symbolic links out); files are stored by content\n"
	"  --dry-run       check the whole file and say what would be imported; change\n"
	"                  nothing\n"
	"  --help          this text\n"
	"\n"
	"The file is imported whole or not at all: a bad record stops the import with\n"
	"FILE:LINE and the field at fault, and nothing is changed (exit status 3).\n"
	"Importing the same file again changes nothing; a submission already imported\n"
	"with different content is refused. A new submission for a credential whose\n"
	"last attempt was decided 'resubmit' becomes the next attempt. Only\n"
	"coordinators and admins may import.\n"
	"\n"
	"Limits: ids 64 bytes; names, districts and schools 200; a file path 1024;\n"
	"the text of one evidence item 1 MiB; an evidence file 256 MiB; 1000 evidence\n"
	"items per submission; the import file 512 MiB.\n",
};
