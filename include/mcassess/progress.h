/* progress.h: how far long work has got, told to whoever shows it. The front
 * end sets one sink (the command line: a line on stderr when it is a terminal);
 * core calls progress_report at steps of its work. Without a sink nothing
 * happens, so core never writes to a terminal itself. */
#ifndef MCASSESS_PROGRESS_H
#define MCASSESS_PROGRESS_H

/* `what` is a few words ("checking evidence"); total 0 when not known (a count
 * is shown), -1 for work that says nothing until done (only `what` is shown). */
typedef void (*progress_fn)(void *ctx, const char *what, long long done, long long total);

void progress_set(progress_fn fn, void *ctx);
void progress_report(const char *what, long long done, long long total);
#endif
