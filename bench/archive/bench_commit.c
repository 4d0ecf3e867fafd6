/* bench_commit.c: the cost of one audit commit into the evidence archive.
 *
 *   bench/archive/bench_commit DB COUNT [ID-PREFIX [PHASES]]
 *
 * DB has an archive (mcassess archive init) and submissions whose ids are
 * ID-PREFIX and 1..COUNT in six digits (default "B-": B-000001 ...). Each submission is scored once
 * (untimed: that also starts its work, a second event), then scored again: one
 * score, one audit row, one commit. Timed: the drain that writes that commit
 * (blobs, the trees along its path, the commit, the ref, the outbox row), and
 * the whole change (score transaction + drain), and the drain's CPU time (user
 * and system: what a loaded machine changes least). Then COUNT more scores waiting
 * in the outbox and one drain committing them all, one commit each into one
 * pack (what git fast-import does). Prints milliseconds.
 * PHASES (default "wtb") picks which run: w the untimed first scores, t the
 * timed ones, b the one drain (perevent.sh does w once, then t on copies). */
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

/* CPU time of the process (user and system), in ms: unlike the wall clock,
 * hardly changed by what else the machine runs. */
static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, dcmp);
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += v[i];
	printf("%-28s n=%d  median %.2f ms  mean %.2f ms  p90 %.2f ms\n", what, n, v[n / 2], sum / n,
	       v[(int)(n * 0.9)]);
}

static void die(struct mc_error *err)
{
	fprintf(stderr, "bench_commit: %s\n", mc_error_msg(err));
	exit(1);
}

int main(int argc, char **argv)
{
	archive_attach(); /* as the program does: what waits in the outbox is drained at store_close */
	if (argc < 3) {
		fprintf(stderr, "usage: bench_commit DB COUNT [ID-PREFIX]\n");
		return 2;
	}
	int n = atoi(argv[2]);
	const char *prefix = argc > 3 ? argv[3] : "B-", *phases = argc > 4 ? argv[4] : "wtb";
	struct store *s;
	struct mc_error err = MC_ERROR_INIT;
	struct mc_session *sess = NULL;
	if (session_open(argv[1], 0, NULL, &sess, &err) != MC_OK)
		die(&err);
	s = sess->store;
	double *drain = mc_xcalloc((size_t)n, sizeof *drain), *whole = mc_xcalloc((size_t)n, sizeof *whole);
	double *cpu = mc_xcalloc((size_t)n, sizeof *cpu);
	long c;
	for (int i = 1; strchr(phases, 'w') && i <= n; i++) {
		char id[64];
		snprintf(id, sizeof id, "%s%06d", prefix, i);
		if (scoring_score(s, id, "O1", "progressing", NULL, &err) != MC_OK || archive_drain(s, &c, &err) != MC_OK)
			die(&err);
	}
	for (int i = 1; strchr(phases, 't') && i <= n; i++) {
		char id[64];
		snprintf(id, sizeof id, "%s%06d", prefix, i);
		double t0 = now_ms();
		if (scoring_score(s, id, "O1", "demonstrated", NULL, &err) != MC_OK)
			die(&err);
		double t1 = now_ms(), c1 = cpu_ms();
		if (archive_drain(s, &c, &err) != MC_OK)
			die(&err);
		double t2 = now_ms();
		cpu[i - 1] = cpu_ms() - c1;
		if (c != 1) {
			fprintf(stderr, "bench_commit: expected one commit, wrote %ld\n", c);
			return 1;
		}
		drain[i - 1] = t2 - t1;
		whole[i - 1] = t2 - t0;
	}
	/* each drain's time and CPU time, in order, one a line: where the mean
	 * leaves the median (the drains that merge packs) */
	const char *dump = getenv("BENCH_COMMIT_TIMES");
	FILE *df = dump && strchr(phases, 't') ? fopen(dump, "w") : NULL;
	for (int i = 0; df && i < n; i++)
		fprintf(df, "%.3f %.3f\n", drain[i], cpu[i]);
	if (df)
		fclose(df);
	if (strchr(phases, 't')) {
		report("commit (drain of one event)", drain, n);
		report("CPU time of the drain", cpu, n);
		report("score + commit", whole, n);
	}
	/* the same commits the way git fast-import writes them: n events waiting,
	 * one drain (one commit each, one pack, the ref moved once) */
	for (int i = 1; strchr(phases, 'b') && i <= n; i++) {
		char id[64];
		snprintf(id, sizeof id, "%s%06d", prefix, i);
		if (scoring_score(s, id, "O1", "not_met", NULL, &err) != MC_OK)
			die(&err);
	}
	double t0 = now_ms();
	if (strchr(phases, 'b') && archive_drain(s, &c, &err) != MC_OK)
		die(&err);
	double t1 = now_ms();
	if (strchr(phases, 'b'))
		printf("%-28s n=%ld  %.2f ms each (one pack)\n", "commits in one drain", c, (t1 - t0) / (double)(c ? c : 1));
	free(drain);
	free(whole);
	free(cpu);
	session_close(&sess);
	return 0;
}
