/* main.c: global options, then the subcommand table. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(HAVE_MALLOC_H) && defined(HAVE_MALLOPT)
#include <malloc.h>
#endif

#include "cli/cli.h"
#include "mcassess/archive.h"
#include "mcassess/priv.h"
#include "mcassess/suggest.h"
#include "mcassess/util.h"

#if defined(__has_feature) /* clang says so here; gcc defines __SANITIZE_ADDRESS__ */
#if __has_feature(address_sanitizer)
#define MC_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MC_ASAN 1
#endif
#ifdef MC_ASAN
#include <sys/auxv.h>
/* A sanitizer build: LeakSanitizer stops the process's threads with ptrace, which
 * a set-ID process (a shared install) forbids, so such a run checks all but leaks. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return getauxval(AT_SECURE) ? "detect_leaks=0" : ""; }
#endif

const struct cli_cmd *const cli_commands[] = {
	&cli_cmd_tui, &cli_cmd_init, &cli_cmd_demo, &cli_cmd_catalog, &cli_cmd_people,
	&cli_cmd_import, &cli_cmd_queue, &cli_cmd_show, &cli_cmd_score, &cli_cmd_feedback,
	&cli_cmd_decide, &cli_cmd_export, &cli_cmd_check, &cli_cmd_search, &cli_cmd_claim,
	&cli_cmd_archive,
	&cli_cmd_assign, &cli_cmd_config, &cli_cmd_shared,
	&cli_cmd_report, &cli_cmd_reopen, &cli_cmd_withdraw,
	&cli_cmd_issuer,
	&cli_cmd_attempts, &cli_cmd_note, /* records */
	&cli_cmd_calibration, /* calibration (issue 13) */
	&cli_cmd_packet,
	NULL,
};

static void usage(FILE *f)
{
	fputs("usage: mcassess [--db PATH] [COMMAND [ARGS]]\n"
	      "       mcassess --help | --version | COMMAND --help\n\n"
	      "The workstation for scoring micro-credential evidence. Without a command,\n"
	      "opens the workstation on your queue.\n\ncommands:\n", f);
	for (const struct cli_cmd *const *c = cli_commands; *c; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fputs("\noptions:\n"
	      "  --db PATH   the database (default: $MCASSESS_DB, else\n"
	      "              $XDG_DATA_HOME/mcassess/mcassess.db)\n"
	      "  --help      this text; 'mcassess COMMAND --help' for one command\n"
	      "  --version   the version\n\n"
	      "Exit status: 0 done, 1 failed, 2 wrong command line, 3 invalid input (nothing changed).\n"
	      "See mcassess(1).\n", f);
}

/* Output that could not be written (a full disk, a closed pipe) is a failure. */
static int finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("mcassess: writing the output");
		return rc ? rc : MC_FAIL;
	}
	return rc;
}

/* glibc gives the top of its heap back to the system whenever 128 KiB of it is
 * free, and SQLite frees that much at the end of many statements (a temporary
 * table's page cache, a sorter): each next statement grew the heap again and
 * touched its pages anew. A 200-educator demo made 23,000 brk calls and spent
 * 8 of its 9 CPU seconds in them and in the page faults after them (on a
 * virtual machine a fault is dear). Kept up to 8 MiB, the heap is not handed
 * back while it is in use; the peak is what it was. A sanitizer's or
 * valgrind's allocator ignores this. */
static void heap_keep(void)
{
#if defined(HAVE_MALLOC_H) && defined(HAVE_MALLOPT) && defined(M_TRIM_THRESHOLD) && defined(M_TOP_PAD)
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
#endif
}

int main(int argc, char **argv)
{
	heap_keep();
	/* Only the character type (UTF-8, wide characters): messages and numbers stay
	 * as written here, and the other categories are not loaded at every start. */
	/* A shared-server install: settings, umask and environment before anything else. */
	struct mc_error perr = MC_ERROR_INIT;
	if (priv_init(&perr) != MC_OK) {
		fprintf(stderr, "mcassess: %s\n", mc_error_msg(&perr));
		mc_error_clear(&perr);
		return MC_FAIL;
	}
	setlocale(LC_CTYPE, "");
	struct cli cli = { 0 };
	cli.tty = isatty(STDOUT_FILENO);
	cli.progress = isatty(STDERR_FILENO);

	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			free(cli.db_path); /* given before it: --db PATH --help */
			return finish(0);
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("mcassess %s\n", PACKAGE_VERSION);
			free(cli.db_path);
			return finish(0);
		} else if (strcmp(a, "--db") == 0) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				fputs("mcassess: --db needs a path\n", stderr);
				return MC_USAGE;
			}
			free(cli.db_path);
			cli.db_path = mc_xstrdup(argv[++i]);
		} else if (strncmp(a, "--db=", 5) == 0 && a[5]) {
			free(cli.db_path);
			cli.db_path = mc_xstrdup(a + 5);
		} else {
			static const char *const global[] = { "db", "help", "version" };
			const char *meant = strncmp(a, "--", 2) == 0 ? suggest_nearest(a + 2, global, 3) : NULL;
			if (meant)
				cli_say(stderr, "mcassess: unknown option '%s' (did you mean '--%s'?)\n", a, meant);
			else
				cli_say(stderr, "mcassess: unknown option '%s'\n", a);
			usage(stderr);
			free(cli.db_path);
			return MC_USAGE;
		}
	}
	if (!cli.db_path) {
		const char *env = getenv("MCASSESS_DB");
		cli.db_default = (!env || !*env) && !priv_active(); /* shared: DIR/mcassess.db, made by init */
		cli.db_path = priv_active() && (!env || !*env) ? mc_xasprintf("%s/mcassess.db", priv_data_dir())
							       : mc_default_db_path();
	}

	const struct cli_cmd *cmd = i < argc ? cli_find(argv[i]) : &cli_cmd_tui;
	if (!cmd) {
		const char *meant = cli_command_meant(argv[i]);
		if (meant)
			cli_say(stderr, "mcassess: unknown command '%s' (did you mean '%s'? see 'mcassess --help')\n",
				argv[i], meant);
		else
			cli_say(stderr, "mcassess: unknown command '%s' (see 'mcassess --help')\n", argv[i]);
		free(cli.db_path);
		return MC_USAGE;
	}
	char *tui_argv[] = { "tui", NULL };
	char **sub_argv = i < argc ? argv + i : tui_argv;
	int sub_argc = i < argc ? argc - i : 1;
	for (int k = 1; k < sub_argc && strcmp(sub_argv[k], "--") != 0; k++) {
		if (strcmp(sub_argv[k], "--help") == 0 || strcmp(sub_argv[k], "-h") == 0) {
			free(cli.db_path);
			return finish(cli_help(cmd));
		}
	}
	archive_attach(); /* the layers below reach the archive only through its hooks */
	optind = 0; /* a fresh getopt scan for the subcommand */
	opterr = 0; /* commands report unknown options themselves, with their usage */
	int rc = cmd->run(&cli, cmd, sub_argc, sub_argv);
	cli_close(&cli); /* a command that returned early still ends its session */
	free(cli.db_path);
	return finish(rc);
}
