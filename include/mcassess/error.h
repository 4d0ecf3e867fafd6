/* error.h: one error record that core fills and the CLI and TUI print the same way. */
#ifndef MCASSESS_ERROR_H
#define MCASSESS_ERROR_H

/* Exit statuses of DESIGN.md; core functions return one of these (MC_OK is 0). */
enum mc_status {
	MC_OK = 0,
	MC_FAIL = 1,     /* something went wrong: I/O, a locked database, a refused action */
	MC_USAGE = 2,    /* the command line was wrong */
	MC_INVALID = 3,  /* the input was invalid; nothing was changed */
};

/* Where and why. `msg` is the whole sentence ("FILE:LINE: field 'x': why"),
 * already including the location; the CLI prints "mcassess: " + msg. */
struct mc_error {
	enum mc_status status;
	char *msg;       /* heap, owned; NULL when no error */
};

#define MC_ERROR_INIT { MC_OK, NULL }

/* Record an error (replacing any earlier one) and return `status`, so a caller
 * can write `return mc_error_set(err, MC_INVALID, "...")`. `err` may be NULL. */
int mc_error_set(struct mc_error *err, enum mc_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same with a location prefix: "FILE:LINE: " or "FILE:LINE:COL: " (line/col 0 = omitted). */
int mc_error_at(struct mc_error *err, enum mc_status status, const char *file, long line,
		long col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Prefix the existing message with "PREFIX: " (for adding context on the way up). */
void mc_error_prefix(struct mc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mc_error_clear(struct mc_error *err);
const char *mc_error_msg(const struct mc_error *err);

#endif
