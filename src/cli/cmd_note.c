/* cmd_note.c: `mcassess note ID TEXT | --file F | - | --list`: private notes
 * on a submission, never sent to the teacher (notes.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "mcassess/notes.h"
#include "mcassess/scoring.h"

json_t *cli_notes_json(const struct store_note *l, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:s, s:s}", "author", l[i].author, "read",
						   l[i].read ? json_string(l[i].read) : json_null(), "at", l[i].at,
						   "body", l[i].body));
	return a;
}

static void print_notes(const struct store_note *l, int n, int fmt)
{
	if (fmt == CLI_JSON) {
		json_t *a = cli_notes_json(l, n);
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(a);
		return;
	}
	if (!n)
		printf("no notes\n");
	for (int i = 0; i < n; i++) {
		cli_say(stdout, "%s, %s%s%s:\n", l[i].author, l[i].at, l[i].read ? ", read " : "",
			l[i].read ? l[i].read : "");
		cli_say(stdout, "  %s\n", l[i].body);
	}
}

static int list_notes(struct cli *cli, const char *id, int fmt)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct store_note *l = NULL;
	int n = 0;
	rc = notes_list(s, id, &l, &n, &err);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	print_notes(l, n, fmt);
	notes_free(&l, n);
	return MC_OK;
}

static int add_note(struct cli *cli, const char *id, const char *file, const char *arg)
{
	struct mc_error err = MC_ERROR_INIT;
	char *data = NULL;
	size_t len = 0;
	const char *where = NULL;
	if (cli_text_input(file, arg, "the note", &data, &len, &where, &err) != MC_OK ||
	    scoring_text_check(data, len, where, &err) != MC_OK) {
		free(data);
		return cli_error(&err);
	}
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc == MC_OK && notes_add(s, id, data, &err) == MC_OK)
		cli_say(stdout, "%s: note kept (private: never sent to the teacher).\n", id);
	if (rc == MC_OK)
		cli_close(cli);
	free(data);
	return rc != MC_OK ? rc : err.msg ? cli_error(&err) : MC_OK;
}

static int run_note(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	int list = 0, fmt = CLI_TEXT, ch;
	while ((ch = cli_getopt(argc, argv, "f:h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'f')
			file = optarg;
		else if (ch == 'l')
			list = 1;
		else if (ch == 'F' && ((fmt = cli_parse_format(optarg)) == CLI_TEXT || fmt == CLI_JSON))
			continue;
		else if (ch == 'F')
			return cli_usage_error(self, "--format is text or json, not '%s'", optarg);
		else
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	int nargs = argc - optind;
	if (nargs < 1)
		return cli_usage_error(self, "which submission? give its id");
	if (list && (nargs > 1 || file))
		return cli_usage_error(self, "--list takes only the submission id");
	if (list)
		return list_notes(cli, argv[optind], fmt);
	if (nargs > 2 || (nargs == 2 && file))
		return cli_usage_error(self, "give the note either with --file or as one argument (quote it)");
	if (nargs == 1 && !file)
		return cli_usage_error(self, "where is the note? give TEXT, --file F, or - for stdin");
	return add_note(cli, argv[optind], file, nargs == 2 ? argv[optind + 1] : NULL);
}

const struct cli_cmd cli_cmd_note = {
	"note", run_note,
	"note ID TEXT | note ID --file F | note ID - | note ID --list [--format text|json]",
	"Keeps a private note on a submission, or lists the notes.",
	"A note is for the people who assess, approve and coordinate: it is never\n"
	"part of the teacher's feedback, of 'export results' or of a badge. Assessors\n"
	"keep notes on the submissions assigned to them, coordinators on their\n"
	"district's, admins on any. A note written while you hold a read belongs to\n"
	"that read: the other readers do not see it, as they do not see your\n"
	"comments. Notes are kept in the audit history and cannot be changed.\n\n"
	"options:\n"
	"  -f, --file F   read the note from the file F ('-' reads standard input)\n"
	"  --list         the notes you may see, oldest first\n"
	"  --format F     with --list: text or json\n",
};
