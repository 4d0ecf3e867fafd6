/* bench_log.c: what `archive log ID` (and the history pane) costs as the
 * archive's history grows.
 *
 *   bench/archive/bench_log DB SUBMISSIONS CHECKPOINT... 
 *
 * DB has an archive (mcassess archive init) and SUBMISSIONS submissions
 * B-000001 .. (bench/archive/run.sh makes them). Score events go round the
 * submissions, one audit row and one commit each, drained 2,000 at a time
 * (in-process: one pack a drain); at each CHECKPOINT (a count of commits in
 * the archive, ascending; one at or below the commits there already: time
 * the archive as it is) archive_log of B-000001 and of the last submission
 * is timed: the first call (which brings the log index up to the head when
 * the drains did not, e.g. an archive older than the index) and the median of
 * 5 after it. Prints milliseconds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcassess/archive.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void die(struct mc_error *err)
{
	fprintf(stderr, "bench_log: %s\n", mc_error_msg(err));
	exit(1);
}

static int count(void *ctx, const struct archive_log_entry *e)
{
	(void)e;
	(*(long *)ctx)++;
	return 0;
}

static double time_log(struct store *s, const char *id, long *entries, double *first)
{
	struct mc_error err = MC_ERROR_INIT;
	double v[5];
	for (int r = -1; r < 5; r++) {
		*entries = 0;
		double t0 = now_ms();
		if (archive_log(s, id, count, entries, &err) != MC_OK)
			die(&err);
		if (r < 0)
			*first = now_ms() - t0;
		else
			v[r] = now_ms() - t0;
	}
	qsort(v, 5, sizeof *v, dcmp);
	return v[2];
}

int main(int argc, char **argv)
{
	archive_attach(); /* as the program does: what waits in the outbox is drained at store_close */
	if (argc < 4) {
		fprintf(stderr, "usage: bench_log DB SUBMISSIONS CHECKPOINT...\n");
		return 2;
	}
	int n = atoi(argv[2]);
	struct store *s;
	struct mc_error err = MC_ERROR_INIT;
	struct mc_session *sess = NULL;
	if (session_open(argv[1], 0, NULL, &sess, &err) != MC_OK)
		die(&err);
	s = sess->store;
	static const char *const levels[] = { "progressing", "demonstrated", "not_met" };
	long made = 1; /* archive init's commit */
	long ev = 0, pending = 0;
	for (int k = 3; k < argc; k++) {
		long want = atol(argv[k]);
		while (made < want) {
			char id[64];
			snprintf(id, sizeof id, "B-%06ld", ev % n + 1);
			if (scoring_score(s, id, "O1", levels[(ev / n) % 3], NULL, &err) != MC_OK)
				die(&err);
			ev++;
			if (++pending < 2000 && made + pending < want)
				continue;
			long c = 0;
			if (archive_drain(s, &c, &err) != MC_OK)
				die(&err);
			made += c;
			pending = 0;
		}
		char last[64];
		snprintf(last, sizeof last, "B-%06d", n);
		long e1 = 0, e2 = 0;
		double f1, f2, t1 = time_log(s, "B-000001", &e1, &f1), t2 = time_log(s, last, &e2, &f2);
		printf("%7ld commits: archive log B-000001 (%ld entries) %.2f ms (first call %.1f ms); "
		       "%s (%ld entries) %.2f ms (first %.1f ms)\n",
		       made, e1, t1, f1, last, e2, t2, f2);
		fflush(stdout);
	}
	session_close(&sess);
	return 0;
}
