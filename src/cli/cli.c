/* cli.c: helpers shared by the subcommands. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "cli.h"
#include "mcassess/show.h"
#include "mcassess/text.h"

int cli_error(struct mc_error *err)
{
	fprintf(stderr, "mcassess: %s\n", mc_error_msg(err));
	int st = err && err->status != MC_OK ? (int)err->status : MC_FAIL;
	mc_error_clear(err);
	return st;
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mcassess: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: mcassess %s\n(see 'mcassess %s --help')\n", cmd->usage, cmd->name);
	return MC_USAGE;
}

int cli_help(const struct cli_cmd *cmd)
{
	printf("usage: mcassess [--db PATH] %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
	return MC_OK;
}

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *const *c = cli_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static void say_stderr(void *ctx, enum mc_sink_level level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "mcassess: %s%s\n", level == MC_SINK_WARN ? "warning: " : "", msg);
}

int cli_open(struct cli *cli, int flags, struct store **s)
{
	struct mc_error err = MC_ERROR_INIT;
	static const struct mc_sink sink = { say_stderr, NULL };
	*s = NULL;
	session_close(&cli->sess); /* a command opens one session at a time */
	if (session_open(cli->db_path, flags, &sink, &cli->sess, &err) != MC_OK)
		return cli_error(&err);
	*s = cli->sess->store;
	return MC_OK;
}

void cli_close(struct cli *cli)
{
	session_close(&cli->sess);
}

int cli_parse_format(const char *s)
{
	if (strcmp(s, "text") == 0)
		return CLI_TEXT;
	if (strcmp(s, "tsv") == 0)
		return CLI_TSV;
	if (strcmp(s, "json") == 0)
		return CLI_JSON;
	return -1;
}

int cli_list_args(const struct cli_cmd *self, int argc, char **argv, int *fmt)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;
	*fmt = CLI_TEXT;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return cli_help(self);
		if (c == 'f' && (*fmt = cli_parse_format(optarg)) >= 0)
			continue;
		if (c == 'f')
			return cli_usage_error(self, "unknown format '%s' (text, tsv or json)", optarg);
		return cli_usage_error(self, "list: unknown option or missing value: '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(self, "list takes no arguments ('%s')", argv[optind]);
	return -1;
}

void cli_pad(const char *s, int width)
{
	fputs(s ? s : "", stdout);
	for (int w = show_text_width(s); w < width; w++)
		putchar(' ');
}

long cli_parse_count(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -1;
	return v;
}

void cli_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

void cli_tsv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\\': fputs("\\\\", f); break;
		default: putc(*s, f);
		}
	}
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	return getopt_long(argc, argv, shortopts, longopts, NULL);
}
