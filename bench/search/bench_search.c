/* bench_search.c: times search in-process (no process start-up in the figures).
 *
 *   bench_search DB index                 catch the index up (first search), time it
 *   bench_search DB text RUNS QUERY LIMIT  median and best of RUNS text searches (bm25)
 *   bench_search DB newest RUNS QUERY LIMIT  the same, newest first (the word query)
 *   bench_search DB rank RUNS QUERY LIMIT  the ranking alone (no snippets): ours (mcassess_top)
 *                                         and FTS5's `ORDER BY rank LIMIT n`, same FTS5 query
 *   bench_search DB regex RUNS PATTERN    median of RUNS full regex scans (limit 0)
 *   bench_search DB read RUNS             median of RUNS bare reads of every text row
 *                                         (the same statement the regex scan steps)
 *   bench_search DB export DIR            every evidence text as DIR/NNN/ID.txt (ripgrep)
 *   bench_search DB sql RUNS SQL TEXT     median of RUNS steps of one statement (?1 = TEXT),
 *                                         for probes (count(*) of an FTS5 query, say)
 *   bench_search DB paths LIMIT [check] < QUERIES  which path answers each query (a line of
 *                                         words) of the evidence's top LIMIT: its pair, the
 *                                         words' sets (set: chunks read/rows counted), the
 *                                         ranking index, or FTS5's ranking (the index cannot
 *                                         say); one line each. check: and whether that top is
 *                                         FTS5's `ORDER BY rank, rowid` (rows and scores)
 *
 * Prints one line: what, the median in ms, the best in ms, the first run's in ms,
 * and the hits or bytes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mcassess/search.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/util.h"
#include "store/search_int.h"
#include "store/store_int.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The first run is also printed: it is the one a new connection (a command) pays,
 * before the connection keeps the phrases' counts and the lengths (fts.c). */
static void report(const char *what, double *t, int runs, long long count, const char *unit)
{
	double first = t[0];
	qsort(t, (size_t)runs, sizeof *t, cmp_d);
	printf("%s\tmedian %.3f ms\tbest %.3f ms\tfirst %.3f ms\t%lld %s\n", what, t[runs / 2], t[0], first,
	       count, unit);
}

static int die(struct mc_error *err)
{
	fprintf(stderr, "bench_search: %s\n", mc_error_msg(err));
	return 1;
}

struct sum {
	long long bytes, rows;
};

static int add_row(void *ctx, long long rowid, const char *text, size_t len)
{
	(void)rowid;
	struct sum *s = ctx;
	s->bytes += (long long)len;
	s->rows += text[0] != 0;
	return 0;
}

struct exp {
	const char *dir;
	long long n;
};

static int export_row(void *ctx, long long rowid, const char *text, size_t len)
{
	struct exp *e = ctx;
	char *sub = mc_xasprintf("%s/%03lld", e->dir, rowid % 1000);
	mkdir(sub, 0755);
	char *path = mc_xasprintf("%s/%lld.txt", sub, rowid);
	FILE *f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "bench_search: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	e->n++;
	free(sub);
	free(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_search DB index|text|newest|rank|regex|read|export ...\n");
		return 2;
	}
	struct store *s;
	struct mc_error err = MC_ERROR_INIT;
	struct mc_session *sess = NULL;
	if (session_open(argv[1], 0, NULL, &sess, &err) != MC_OK)
		return die(&err);
	s = sess->store;
	const char *what = argv[2];
	int runs = argc > 3 ? atoi(argv[3]) : 1;
	if (runs < 1)
		runs = 1;
	double *t = calloc((size_t)runs, sizeof *t);
	int rc = 0;
	if (strcmp(what, "index") == 0) {
		long long n = 0;
		double t0 = now_ms();
		if (search_catch_up(s, &n, &err) != MC_OK)
			return die(&err);
		t[0] = now_ms() - t0;
		report("index", t, 1, n, "rows indexed");
	} else if ((strcmp(what, "text") == 0 || strcmp(what, "newest") == 0) && argc >= 6) {
		struct search_opts o = { atoi(argv[5]), 0, 0,
					 what[0] == 'n' ? SEARCH_BY_NEWEST : SEARCH_BY_RANK };
		int n = 0;
		for (int i = 0; i < runs; i++) {
			struct search_hit *h;
			double t0 = now_ms();
			if (search_text(s, argv[4], &o, &h, &n, &err) != MC_OK)
				return die(&err);
			t[i] = now_ms() - t0;
			search_hits_free(&h, n);
		}
		char *label = mc_xasprintf("%s '%s' limit %s", what, argv[4], argv[5]);
		report(label, t, runs, n, "hits");
		free(label);
	} else if (strcmp(what, "rank") == 0 && argc >= 6) {
		/* the FTS5 query as search_text builds it for one word: quoted */
		char *q = mc_xasprintf("\"%s\"", argv[4]);
		int limit = atoi(argv[5]), n = 0;
		for (int i = 0; i < runs; i++) {
			struct search_rank *r;
			double t0 = now_ms();
			if (store_search_top(s, SEARCH_EVIDENCE, q, limit, &r, &n, &err) != MC_OK)
				return die(&err);
			t[i] = now_ms() - t0;
			free(r);
		}
		char *label = mc_xasprintf("rank '%s' limit %d: mcassess_top", argv[4], limit);
		report(label, t, runs, n, "rows");
		free(label);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(store_db(s), "SELECT rowid, rank FROM search_evidence WHERE search_evidence "
				       "MATCH ?1 ORDER BY rank LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
			return 1;
		for (int i = 0; i < runs; i++) {
			double t0 = now_ms();
			sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, limit);
			for (n = 0; sqlite3_step(st) == SQLITE_ROW; n++)
				;
			sqlite3_reset(st);
			t[i] = now_ms() - t0;
		}
		sqlite3_finalize(st);
		label = mc_xasprintf("rank '%s' limit %d: FTS5 ORDER BY rank", argv[4], limit);
		report(label, t, runs, n, "rows");
		free(label);
		free(q);
	} else if (strcmp(what, "paths") == 0) {
		/* each query on its own: the ranking index's answer, or none (FTS5 ranks it) */
		char line[4096];
		int check = argc > 4 && strcmp(argv[4], "check") == 0;
		sqlite3_stmt *ref = NULL;
		if (check && sqlite3_prepare_v2(store_db(s), "SELECT rowid, rank FROM search_evidence WHERE search_evidence "
					       "MATCH ?1 ORDER BY rank, rowid LIMIT ?2", -1, &ref, NULL) != SQLITE_OK)
			return 1;
		while (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = 0;
			struct mc_buf q = MC_BUF_INIT;
			for (char *w = strtok(line, " "); w; w = strtok(NULL, " "))
			{
				mc_buf_adds(&q, q.len ? " \"" : "\"");
				mc_buf_adds(&q, w);
				mc_buf_addc(&q, '"');
			}
			if (!q.len)
				continue;
			struct search_top top = { .limit = runs, .rc = SQLITE_OK };
			struct impact_pair_stats p0 = impact_pair_stats;
			struct impact_count_stats c0 = impact_count_stats;
			struct impact_set_stats s0 = impact_set_stats;
			int answered = 0;
			double t0 = now_ms();
			if (impact_top(s, SEARCH_EVIDENCE, mc_buf_str(&q), NULL, 0, &top, &answered, &err) != MC_OK)
				return die(&err);
			double ms = now_ms() - t0, all = ms;
			struct impact_pair_stats p1 = impact_pair_stats;   /* of impact_top alone */
			struct impact_count_stats c1 = impact_count_stats;
			struct impact_set_stats s1 = impact_set_stats;
			/* and as search ranks it: the index first, then FTS5 */
			struct search_rank *r = NULL;
			int n = 0;
			t0 = now_ms();
			if (store_search_top(s, SEARCH_EVIDENCE, mc_buf_str(&q), runs, &r, &n, &err) != MC_OK)
				return die(&err);
			if (!answered)
				all = now_ms() - t0;
			const char *same = "";
			if (check) {
				int k = 0, ok = 1;
				sqlite3_bind_text(ref, 1, mc_buf_str(&q), -1, SQLITE_STATIC);
				sqlite3_bind_int(ref, 2, runs);
				for (; sqlite3_step(ref) == SQLITE_ROW; k++)
					ok = ok && k < n && r[k].rowid == sqlite3_column_int64(ref, 0) &&
					     r[k].rank == sqlite3_column_double(ref, 1);
				sqlite3_reset(ref);
				same = ok && k == n ? "\tFTS5's" : "\tNOT FTS5's";
			}
			free(r);
			const char *path = !answered ? "fts5" : p1.answered > p0.answered ? "pair"
								: s1.answered > s0.answered ? "set" : "index";
			printf("%s\t%s\t%.1f ms\t%.1f ms in all\t%d rows\tread %lld\tcounted %lld\tpair %lld/%lld"
			       "\tset %lld/%lld%s\n", mc_buf_str(&q), path, ms, all, top.n, c1.read - c0.read,
			       c1.text + c1.fts5 - c0.text - c0.fts5, p1.queries - p0.queries, p1.cuts - p0.cuts,
			       s1.chunks - s0.chunks, s1.counted - s0.counted, same);
			fflush(stdout);
			search_top_free(&top);
			mc_buf_free(&q);
		}
		sqlite3_finalize(ref);
	} else if (strcmp(what, "sql") == 0 && argc >= 6) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(store_db(s), argv[4], -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "%s\n", sqlite3_errmsg(store_db(s)));
			return 1;
		}
		long long n = 0;
		for (int i = 0; i < runs; i++) {
			double t0 = now_ms();
			sqlite3_bind_text(st, 1, argv[5], -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			t[i] = now_ms() - t0;
		}
		sqlite3_finalize(st);
		report(argv[4], t, runs, n, "rows");
	} else if (strcmp(what, "regex") == 0 && argc >= 5) {
		struct search_opts o = { 0, 0, 0, SEARCH_BY_RANK };
		int n = 0;
		for (int i = 0; i < runs; i++) {
			struct search_hit *h;
			double t0 = now_ms();
			if (search_regex(s, argv[4], &o, &h, &n, &err) != MC_OK)
				return die(&err);
			t[i] = now_ms() - t0;
			search_hits_free(&h, n);
		}
		char *label = mc_xasprintf("regex '%s'", argv[4]);
		report(label, t, runs, n, "hits");
		free(label);
	} else if (strcmp(what, "read") == 0) {
		struct sum sm = { 0, 0 };
		for (int i = 0; i < runs; i++) {
			sm = (struct sum){ 0, 0 };
			double t0 = now_ms();
			if (store_search_scan(s, SEARCH_EVIDENCE, add_row, &sm, &err) != MC_OK)
				return die(&err);
			t[i] = now_ms() - t0;
		}
		report("bare read", t, runs, sm.bytes, "bytes");
	} else if (strcmp(what, "export") == 0) {
		struct exp e = { argv[3], 0 };
		mkdir(e.dir, 0755);
		if (store_search_scan(s, SEARCH_EVIDENCE, export_row, &e, &err) != MC_OK)
			return die(&err);
		printf("exported %lld files to %s\n", e.n, e.dir);
	} else {
		fprintf(stderr, "bench_search: unknown or incomplete command '%s'\n", what);
		rc = 2;
	}
	free(t);
	session_close(&sess);
	return rc;
}
