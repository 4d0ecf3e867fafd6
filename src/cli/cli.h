/* cli.h: what every subcommand shares: the command table, the database path,
 * output formats, option parsing and error printing. No SQL here. */
#ifndef MCASSESS_CLI_H
#define MCASSESS_CLI_H

#include <stdio.h>

#include "mcassess/error.h"
#include "mcassess/store.h"

enum cli_format { CLI_TEXT, CLI_TSV, CLI_JSON };

struct cli {
	char *db_path;   /* --db, $MCASSESS_DB or the XDG default */
	int tty;         /* stdout is a terminal (progress, paging) */
	int progress;    /* stderr is a terminal: long work shows progress */
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

/* Open the database; prints the error and returns its status on failure. */
int cli_open(struct cli *cli, int flags, struct store **s);

/* "--format text|tsv|json": parse a value; -1 if unknown. */
int cli_parse_format(const char *s);
/* The options of a `list` subcommand (--format, --help, no arguments): -1 to go
 * on with *fmt set (CLI_TEXT by default), else the status to exit with. */
int cli_list_args(const struct cli_cmd *self, int argc, char **argv, int *fmt);
/* Write s (NULL as "") to stdout, then spaces up to `width` cells. */
void cli_pad(const char *s, int width);
/* Parse a positive integer option value; -1 on error. */
long cli_parse_count(const char *s);

/* Write s as a JSON string (with quotes) to f. NULL writes null. */
void cli_json_str(FILE *f, const char *s);
/* Write s for a TSV field: tabs, newlines and backslashes escaped as \t \n \\. */
void cli_tsv_field(FILE *f, const char *s);

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
extern const struct cli_cmd cli_cmd_issuer;

/* NULL-terminated, in the order `mcassess --help` lists them. */
extern const struct cli_cmd *const cli_commands[];

/* getopt_long over a subcommand's argv (resets getopt's state first). Handles
 * --help itself: returns 'h' so the caller can `return cli_help(self)`. */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

#endif
