/* cli.c: helpers shared by the subcommands. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <getopt.h>

#include "cli.h"
#include "mcassess/priv.h"
#include "mcassess/progress.h"
#include "mcassess/show.h"
#include "mcassess/suggest.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

static __attribute__((format(printf, 3, 0))) void say(FILE *f, int flags, const char *fmt, va_list ap)
{
	char *s = mc_xvasprintf(fmt, ap);
	text_safe_fputs(s, flags, f);
	free(s);
}

void cli_say(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(f, TEXT_SAFE_LINES, fmt, ap);
	va_end(ap);
}

void cli_problem(void *ctx, const char *problem)
{
	(void)ctx;
	cli_say(stdout, "%s%s\n", strncmp(problem, "archive: note:", 14) == 0 ? "" : "problem: ", problem);
	fflush(stdout);
}

void cli_put(const char *s) { text_safe_fputs(s, 0, stdout); }

int cli_width(const char *s)
{
	char *v = text_safe_dup(s, 0);
	int w = show_text_width(v);
	free(v);
	return w;
}

/* The option cli_getopt last found unknown, and the one meant: cli_usage_error
 * says "did you mean" with the message the command prints. */
static const char *option_meant;

int cli_error(struct mc_error *err)
{
	/* messages quote input: a name, a field, a line of a file */
	cli_say(stderr, "mcassess: %s\n", mc_error_msg(err));
	int st = err && err->status != MC_OK ? (int)err->status : MC_FAIL;
	mc_error_clear(err);
	return st;
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mcassess: %s: ", cmd->name);
	va_start(ap, fmt);
	say(stderr, 0, fmt, ap);
	va_end(ap);
	if (option_meant)
		fprintf(stderr, " (did you mean '--%s'?)", option_meant);
	option_meant = NULL;
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

const char *cli_command_meant(const char *typed)
{
	size_t n = 0;
	while (cli_commands[n])
		n++;
	const char **names = mc_xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = cli_commands[i]->name;
	const char *near = suggest_nearest(typed, names, n);
	free(names);
	return near;
}

/* Someone who is not root, with no database at the default path, is most likely
 * an assessor on their first run: the database they work in is elsewhere, and
 * 'init' would only make them the admin of an empty one of their own. */
static int first_run(const struct cli *cli, int flags)
{
	struct stat sb;
	if (!cli->db_default || (flags & STORE_CREATE) || getuid() == 0 || stat(cli->db_path, &sb) == 0)
		return 0;
	fprintf(stderr, "mcassess: there is no database at %s.\n"
		"Ask your coordinator or administrator for the database's path, then use\n"
		"'mcassess --db PATH ...' or set MCASSESS_DB=PATH.\n"
		"('mcassess init' creates a new, empty database of your own, with you as its admin.)\n",
		cli->db_path);
	return 1;
}

static void say_stderr(void *ctx, enum mc_sink_level level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "mcassess: %s", level == MC_SINK_WARN ? "warning: " : "");
	text_safe_fputs(msg, TEXT_SAFE_LINES, stderr); /* it may quote outside text */
	fputc('\n', stderr);
}


static int session_open_shown(struct cli *cli, int flags, const struct mc_sink *sink, struct mc_error *err);

int cli_open(struct cli *cli, int flags, struct store **s)
{
	struct mc_error err = MC_ERROR_INIT;
	if (priv_check_path(cli->db_path, "database", &err) != MC_OK)
		return cli_error(&err);
	static const struct mc_sink sink = { say_stderr, NULL };
	*s = NULL;
	if (first_run(cli, flags))
		return MC_FAIL;
	session_close(&cli->sess); /* a command opens one session at a time */
	if (session_open_shown(cli, flags, &sink, &err) != MC_OK)
		return cli_error(&err);
	*s = cli->sess->store;
	return MC_OK;
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
	char *v = text_safe_dup(s, 0);
	fputs(v, stdout);
	for (int w = show_text_width(v); w < width; w++)
		putchar(' ');
	free(v);
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

/* The long option nearest to `typed` ("--limt" or "--limt=5"), or NULL. */
static const char *nearest_option(const char *typed, const struct option *longopts)
{
	if (strncmp(typed, "--", 2) != 0 || !longopts)
		return NULL;
	typed += 2;
	size_t len = strcspn(typed, "="), n = 0;
	while (longopts[n].name)
		n++;
	const char **names = mc_xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = longopts[i].name;
	char *name = mc_xstrndup(typed, len);
	const char *near = suggest_nearest(name, names, n);
	free(name);
	free(names);
	return near;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	option_meant = NULL;
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?' && optopt == 0 && optind > 0 && optind <= argc) /* an unknown long option */
		option_meant = nearest_option(argv[optind - 1], longopts);
	return c;
}

int cli_reason_options(const struct cli_cmd *self, int argc, char **argv, const char **reason)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	*reason = NULL;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch != 'r')
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		*reason = optarg;
	}
	return -1;
}

/* ---------------------------------------------------------------- progress */
static int progress_on;     /* stderr is a terminal and long work is under way */
static int progress_shown;  /* a progress line is on the screen */
static int progress_pct = -1;
static const char *progress_what;

void cli_progress_printf(const char *fmt, ...)
{
	if (!progress_on)
		return;
	va_list ap;
	fputc('\r', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr); /* clear what a longer line before left */
	fflush(stderr);
	progress_shown = 1;
}

/* The core's sink: "WHAT: 42%", rewritten only when the figure changes. */
static void progress_line(void *ctx, const char *what, long long done, long long total)
{
	(void)ctx;
	if (total < 0) {
		cli_progress_printf("%s...", what);
		return;
	}
	if (total == 0) {
		cli_progress_printf("%s: %lld", what, done);
		return;
	}
	int pct = done >= total ? 100 : (int)(done * 100 / total);
	if (pct == progress_pct && what == progress_what)
		return;
	progress_pct = pct;
	progress_what = what;
	cli_progress_printf("%s: %d%%", what, pct);
}

void cli_progress_begin(const struct cli *cli)
{
	progress_on = cli->progress;
	progress_pct = -1;
	progress_what = NULL;
	if (progress_on)
		progress_set(progress_line, NULL);
}

/* session_open with the progress line on, so a long upgrade of the database
 * shows its percentage (schema.sql: "-- walks"). */
static int session_open_shown(struct cli *cli, int flags, const struct mc_sink *sink, struct mc_error *err)
{
	int shown = progress_on;
	if (!shown)
		cli_progress_begin(cli);
	int rc = session_open(cli->db_path, flags, sink, &cli->sess, err);
	if (!shown)
		cli_progress_end();
	return rc;
}

void cli_progress_end(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	progress_shown = 0;
	progress_on = 0;
	progress_set(NULL, NULL);
}

/* ---------------------------------------------------------------- Ctrl-C */
static volatile sig_atomic_t interrupted;
static struct store *watched;

static void on_interrupt(int sig)
{
	if (interrupted) { /* a second Ctrl-C: stop now (SQLite keeps the database whole) */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	interrupted = 1;
	if (watched)
		store_interrupt(watched);
}

void cli_catch_interrupt(struct store *s)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	watched = s;
	store_stop_when(s, &interrupted);
	sigaction(SIGINT, &sa, NULL);
}

int cli_interrupted(void)
{
	return interrupted != 0;
}

/* The end of a command's session: the archive's drain runs only after a normal
 * end, never after Ctrl-C (it would take up long work again). */
void cli_close(struct cli *cli)
{
	watched = NULL;
	if (cli && interrupted)
		session_abandon(&cli->sess);
	else if (cli)
		session_close(&cli->sess);
	cli_progress_end();
}

int cli_interrupted_exit(struct cli *cli, struct mc_error *err, const char *kept)
{
	mc_error_clear(err); /* "interrupted", in SQLite's words */
	cli_close(cli);
	fprintf(stderr, "mcassess: interrupted; %s\n", kept ? kept : "nothing was changed");
	return MC_INTERRUPTED;
}
