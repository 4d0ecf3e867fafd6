/* cli.h: what every subcommand shares: the command table, the database path,
 * output formats, option parsing and error printing. No SQL here. */
#ifndef MCASSESS_CLI_H
#define MCASSESS_CLI_H

#include <stdio.h>

#include "mcassess/error.h"
#include "mcassess/session.h"
#include "mcassess/store.h"

enum cli_format { CLI_TEXT, CLI_TSV, CLI_JSON };

struct cli {
	char *db_path;   /* --db, $MCASSESS_DB or the XDG default */
	int tty;         /* stdout is a terminal (progress, paging) */
	int progress;    /* stderr is a terminal: long work shows progress */
	int db_default;  /* neither --db nor $MCASSESS_DB: the XDG default path */
	struct mc_session *sess; /* the command's session (cli_open), closed by cli_close */
};

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, const struct cli_cmd *self, int argc, char **argv);
	const char *usage;    /* "import FILE [--evidence DIR] [--dry-run]" */
	const char *summary;  /* one line for `mcassess --help` */
	const char *help;     /* the rest of `mcassess CMD --help`: options, one a line */
};

/* Print "mcassess: MSG" to stderr and return err->status (MC_FAIL if unset). */
int cli_error(struct mc_error *err);
/* Print "mcassess: CMD: MSG" plus "usage: mcassess USAGE" and return MC_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the command's --help to stdout, return MC_OK. */
int cli_help(const struct cli_cmd *cmd);
const struct cli_cmd *cli_find(const char *name);
/* The command nearest to a mistyped one ("qeueu": "queue"), or NULL. */
const char *cli_command_meant(const char *typed);

/* Open the command's session (session.h) on the database, *s its store; prints
 * the error and returns its status on failure. Warnings from below go to stderr
 * as "mcassess: warning: ...". */
int cli_open(struct cli *cli, int flags, struct store **s);
/* The command's normal end: session_close (the archive's drain, then close). */

/* "--format text|tsv|json": parse a value; -1 if unknown. */
int cli_parse_format(const char *s);
/* The options of a `list` subcommand (--format, --help, no arguments): -1 to go
 * on with *fmt set (CLI_TEXT by default), else the status to exit with. */
int cli_list_args(const struct cli_cmd *self, int argc, char **argv, int *fmt);
/* Outside text (evidence, names, ids, file names, messages quoting input) is
 * printed for people with its control characters made visible (mcassess/text.h);
 * tsv and json output stay exact. */
/* Write s (NULL as "") to stdout as one line, then spaces up to `width` cells. */
void cli_pad(const char *s, int width);
/* Write s (NULL as "") to stdout as one line. */
void cli_put(const char *s);
/* The cells cli_put(s) takes. */
int cli_width(const char *s);
/* fprintf, then controls made visible (line breaks and tabs kept). */
void cli_say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A problem check (or archive check) found, on its own line of stdout:
 * "problem: ...", or a note ("archive: note: ...") as it is. */
void cli_problem(void *ctx, const char *problem);
/* Parse a positive integer option value; -1 on error. */
long cli_parse_count(const char *s);

/* Write s as a JSON string (with quotes) to f. NULL writes null. */
void cli_json_str(FILE *f, const char *s);
/* Write s for a TSV field: tabs, newlines and backslashes escaped as \t \n \\. */
void cli_tsv_field(FILE *f, const char *s);

/* Long work on a terminal (cli->progress): one line on stderr, rewritten in place
 * ("\r", the text, then clear to the end of the line, so a shorter line leaves no
 * debris). cli_progress_begin also routes core's progress_report there as
 * "WHAT: N%"; cli_progress_end clears the line and stops that. */
void cli_progress_begin(const struct cli *cli);
void cli_progress_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_progress_end(void);

/* Ctrl-C during work that writes: the first one makes every statement on `s`
 * fail (SQLite rolls the transaction back) and cli_interrupted() true; a second
 * one ends the program at once. After store_stop_when(s, NULL) (to read what was
 * kept), call cli_catch_interrupt again, so that closing the store does not take
 * up long work again (the archive's outbox). cli_interrupted_exit prints "mcassess:
 * interrupted; KEPT" (KEPT NULL: "nothing was changed") instead of err, ends the
 * session and returns 130. */
#define MC_INTERRUPTED 130
void cli_catch_interrupt(struct store *s);
int cli_interrupted(void);
int cli_interrupted_exit(struct cli *cli, struct mc_error *err, const char *kept);
/* The end of the command's session (cli_open): no more Ctrl-C reaches the store,
 * the progress line is ended, and the archive's outbox drained unless Ctrl-C
 * stopped the work (then it waits for the next command). */
void cli_close(struct cli *cli); /* NULL: only the progress line and Ctrl-C */

/* The subcommands, each defined in its own file in src/cli/ as
 * `const struct cli_cmd cli_cmd_NAME = { "name", run, usage, summary, help };`
 * argv[0] is the command name; parse options with cli_getopt(). */
extern const struct cli_cmd cli_cmd_init, cli_cmd_demo, cli_cmd_catalog, cli_cmd_people,
	cli_cmd_import, cli_cmd_queue, cli_cmd_show, cli_cmd_score, cli_cmd_feedback,
	cli_cmd_decide, cli_cmd_export, cli_cmd_check, cli_cmd_tui;
extern const struct cli_cmd cli_cmd_search;
extern const struct cli_cmd cli_cmd_claim;
extern const struct cli_cmd cli_cmd_shared;
extern const struct cli_cmd cli_cmd_archive;
extern const struct cli_cmd cli_cmd_assign, cli_cmd_config;
extern const struct cli_cmd cli_cmd_report;
/* the review process (issue 11, reads) */
extern const struct cli_cmd cli_cmd_reopen, cli_cmd_withdraw;
extern const struct cli_cmd cli_cmd_issuer;
extern const struct cli_cmd cli_cmd_attempts, cli_cmd_note; /* records */
extern const struct cli_cmd cli_cmd_calibration; /* calibration (issue 13) */

/* The text of a command (feedback, note) from --file F, stdin ('-' as F or as
 * the argument) or the argument itself, `what` naming it then; *where names
 * its source in messages. (cmd_score.c) */
int cli_text_input(const char *file, const char *arg, const char *what, char **data, size_t *len,
		   const char **where, struct mc_error *err);

/* Private notes as a JSON array of {"author","read","at","body"} (cmd_note.c). */
struct store_note;
typedef struct json_t json_t;
json_t *cli_notes_json(const struct store_note *l, int n);
extern const struct cli_cmd cli_cmd_packet; /* review packets (issue 12) */

/* NULL-terminated, in the order `mcassess --help` lists them. */
extern const struct cli_cmd *const cli_commands[];

/* getopt_long over a subcommand's argv (resets getopt's state first). Handles
 * --help itself: returns 'h' so the caller can `return cli_help(self)`. For an
 * unknown long option near a known one, the next cli_usage_error adds "did you
 * mean '--OPTION'?". */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);
/* The options of a command whose only option is --reason TEXT (and --help):
 * -1 to go on with *reason set (NULL without one), else the exit code of
 * --help or of a usage error, already printed. */
int cli_reason_options(const struct cli_cmd *self, int argc, char **argv, const char **reason);

#endif
