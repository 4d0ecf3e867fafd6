/* bench_score.c: what one scoring keystroke costs through the core, against the
 * least a bare SQLite transaction writing the same rows can cost.
 *
 *   bench/bench_score [--n N] [--dir DIR] [--educators E]
 *
 * Builds one demo database in DIR (default: the current directory, so the disk
 * under test is the one you run it on), copies it, then scores the same N
 * (submission, criterion) pairs in each copy:
 *   core: scoring_score(): one transaction that looks the submission and rubric
 *         up, checks who may score, writes the score, moves a queued submission
 *         to in_progress and appends a hash-chained audit row (and its head in meta);
 *   bare: one prepared-statement transaction with the same three writes (score
 *         row, audit row with its SHA-256 chain hash, submission status update).
 * Both connections use WAL with synchronous=FULL, so every commit waits for the
 * disk. The runs alternate in blocks of 100 so that drift in the disk's speed
 * falls on both. Prints mean, p50, p95 and p99 per transaction and the ratios.
 * Not part of `make check`: build with `make bench`, see bench/README.md. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mcassess/audit.h"
#include "mcassess/demo.h"
#include "mcassess/hash.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

#define BLOCK 100

struct pair {
	char *ext_id, *criterion;
	long long sub_rowid, criterion_id, level_id;
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_score: %s: %s\n", what, why);
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : sqlite3_errmsg(db));
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(sql, sqlite3_errmsg(db));
	return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("a bare write", sqlite3_errmsg(db));
	sqlite3_reset(st);
}

/* Unscored criteria of open submissions, the same in both copies. */
static struct pair *load_pairs(const char *path, int n)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	sqlite3_stmt *st = prep(db,
		"SELECT s.ext_id, c.code, s.id, c.id, (SELECT id FROM level WHERE criterion_id = c.id "
		"AND passes = 1 ORDER BY seq DESC LIMIT 1) FROM submission s "
		"JOIN criterion c ON c.rubric_id = s.rubric_id "
		"WHERE s.status IN ('queued', 'in_progress') AND NOT EXISTS (SELECT 1 FROM score x "
		"WHERE x.submission_id = s.id AND x.criterion_id = c.id) ORDER BY s.id, c.id LIMIT ?1");
	sqlite3_bind_int(st, 1, n);
	struct pair *p = calloc((size_t)n, sizeof *p);
	int k = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		p[k].ext_id = strdup((const char *)sqlite3_column_text(st, 0));
		p[k].criterion = strdup((const char *)sqlite3_column_text(st, 1));
		p[k].sub_rowid = sqlite3_column_int64(st, 2);
		p[k].criterion_id = sqlite3_column_int64(st, 3);
		p[k].level_id = sqlite3_column_int64(st, 4);
		k++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (k < n) {
		fprintf(stderr, "bench_score: only %d unscored criteria in the demo; use more --educators\n", k);
		exit(1);
	}
	return p;
}

/* The bare side: the same rows with nothing around them. */
struct bare {
	sqlite3 *db;
	sqlite3_stmt *score, *audit, *status, *last;
	long long seq;
	char prev[MC_SHA256_HEX];
	const char *user; /* the acting user, as the core's session has it */
};

static void bare_open(struct bare *b, const char *path)
{
	if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(b->db));
	sqlite3_busy_timeout(b->db, 5000);
	exec(b->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		    "PRAGMA wal_autocheckpoint = 0");
	b->score = prep(b->db, "INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, "
			       "read, comment, at) VALUES (?1, ?2, ?3, ?4, ?5, 'first', '', ?6)");
	b->audit = prep(b->db, "INSERT INTO audit(seq, uid, at, actor, action, subject, before, after, "
			       "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, 'score', ?5, NULL, ?6, ?7, ?8)");
	b->status = prep(b->db, "UPDATE submission SET status = 'in_progress', updated_at = ?2 "
				"WHERE id = ?1 AND status = 'queued'");
	b->last = prep(b->db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	b->seq = 0;
	b->prev[0] = '\0';
	if (sqlite3_step(b->last) == SQLITE_ROW) {
		b->seq = sqlite3_column_int64(b->last, 0);
		snprintf(b->prev, sizeof b->prev, "%s", (const char *)sqlite3_column_text(b->last, 1));
	}
	sqlite3_reset(b->last);
}

static void bare_score(struct bare *b, const struct pair *p)
{
	char uid[MC_UUID_LEN], auid[MC_UUID_LEN], at[MC_TIME_LEN], hash[MC_SHA256_HEX];
	if (mc_uuid(uid, NULL) != MC_OK || mc_uuid(auid, NULL) != MC_OK)
		die("mc_uuid", "no random bytes");
	mc_now(at);
	char *subject = mc_xasprintf("submission:%s", p->ext_id);
	char *after = mc_xasprintf("{\"criterion\":\"%s\",\"level\":\"demonstrated\"}", p->criterion);
	const char *user = b->user;
	struct audit_row r = { .seq = b->seq + 1, .uid = auid, .at = at, .actor = user, .action = "score",
			       .subject = subject, .after = after, .prev_hash = b->prev };
	audit_row_hash(&r, hash);
	exec(b->db, "BEGIN IMMEDIATE");
	sqlite3_bind_text(b->score, 1, uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(b->score, 2, p->sub_rowid);
	sqlite3_bind_int64(b->score, 3, p->criterion_id);
	sqlite3_bind_int64(b->score, 4, p->level_id);
	sqlite3_bind_text(b->score, 5, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->score, 6, at, -1, SQLITE_STATIC);
	step_done(b->db, b->score);
	sqlite3_bind_int64(b->audit, 1, r.seq);
	sqlite3_bind_text(b->audit, 2, auid, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->audit, 3, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->audit, 4, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->audit, 5, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->audit, 6, after, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->audit, 7, b->prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->audit, 8, hash, -1, SQLITE_STATIC);
	step_done(b->db, b->audit);
	sqlite3_bind_int64(b->status, 1, p->sub_rowid);
	sqlite3_bind_text(b->status, 2, at, -1, SQLITE_STATIC);
	step_done(b->db, b->status);
	exec(b->db, "COMMIT");
	b->seq = r.seq;
	memcpy(b->prev, hash, sizeof hash);
	free(subject);
	free(after);
}

static void bare_close(struct bare *b)
{
	sqlite3_finalize(b->score);
	sqlite3_finalize(b->audit);
	sqlite3_finalize(b->status);
	sqlite3_finalize(b->last);
	sqlite3_close(b->db);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct stats {
	double mean, p50, p95, p99, max;
};

static struct stats summarise(double *t, int n)
{
	struct stats s = { 0 };
	for (int i = 0; i < n; i++)
		s.mean += t[i];
	s.mean /= n;
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	s.p50 = t[n / 2];
	s.p95 = t[(int)(n * 0.95)];
	s.p99 = t[(int)(n * 0.99)];
	s.max = t[n - 1];
	return s;
}

static void copy_file(const char *from, const char *to)
{
	char *data;
	size_t len;
	if (mc_read_file(from, &data, &len) != 0)
		die(from, strerror(errno));
	FILE *f = fopen(to, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0)
		die(to, strerror(errno));
	fclose(f);
	free(data);
}

int main(int argc, char **argv)
{
	int n = 2000;
	long educators = 800;
	const char *dir = ".";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--educators") == 0 && i + 1 < argc)
			educators = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_score [--n N] [--dir DIR] [--educators E]\n");
			return 2;
		}
	}
	if (n < 100)
		die("--n", "at least 100");
	char *core_path = mc_xasprintf("%s/bench-core-%ld.db", dir, (long)getpid());
	char *bare_path = mc_xasprintf("%s/bench-bare-%ld.db", dir, (long)getpid());

	/* One demo database, checkpointed and closed, then copied: both start equal. */
	struct mc_error err = MC_ERROR_INIT;
	struct store *s = NULL;
	struct demo_options o = { .educators = educators, .seed = DEMO_DEFAULT_SEED };
	struct demo_counts c;
	double t0 = now_us();
	struct mc_session *sess = NULL;
	if (session_open(core_path, STORE_CREATE, NULL, &sess, &err) != MC_OK ||
	    demo_run(sess->store, &o, &c, &err) != MC_OK)
		die("making the demo database", mc_error_msg(&err));
	session_close(&sess);
	double t_demo = now_us() - t0;
	copy_file(core_path, bare_path);
	struct pair *pairs = load_pairs(core_path, n);

	if (session_open(core_path, 0, NULL, &sess, &err) != MC_OK)
		die(core_path, mc_error_msg(&err));
	s = sess->store;
	struct bare b;
	bare_open(&b, bare_path);
	b.user = sess->actor.user; /* the same author on both sides */
	double *tc = calloc((size_t)n, sizeof *tc), *tb = calloc((size_t)n, sizeof *tb);
	double wall0 = now_us();
	for (int start = 0; start < n; start += BLOCK) {
		int end = start + BLOCK < n ? start + BLOCK : n;
		for (int i = start; i < end; i++) {
			double a = now_us();
			if (scoring_score(s, pairs[i].ext_id, pairs[i].criterion, "demonstrated", NULL, &err) != MC_OK)
				die("scoring_score", mc_error_msg(&err));
			tc[i] = now_us() - a;
		}
		for (int i = start; i < end; i++) {
			double a = now_us();
			bare_score(&b, &pairs[i]);
			tb[i] = now_us() - a;
		}
	}
	double wall = now_us() - wall0;
	bare_close(&b);
	session_close(&sess);

	struct stats sc = summarise(tc, n), sb = summarise(tb, n);
	printf("bench_score: %d scoring transactions each way, WAL + synchronous=FULL, in %s\n", n, dir);
	printf("  demo database: %ld educators, %ld submissions, made in %.2f s\n", c.educators,
	       c.submissions, t_demo / 1e6);
	printf("  %-6s %10s %10s %10s %10s %10s   (microseconds per transaction)\n", "", "mean", "p50",
	       "p95", "p99", "max");
	printf("  %-6s %10.0f %10.0f %10.0f %10.0f %10.0f\n", "core", sc.mean, sc.p50, sc.p95, sc.p99, sc.max);
	printf("  %-6s %10.0f %10.0f %10.0f %10.0f %10.0f\n", "bare", sb.mean, sb.p50, sb.p95, sb.p99, sb.max);
	printf("  core/bare: mean %.2fx, p50 %.2fx, p95 %.2fx (goal: within 1.5x)\n", sc.mean / sb.mean,
	       sc.p50 / sb.p50, sc.p95 / sb.p95);
	printf("  total %.1f s\n", wall / 1e6);

	for (int i = 0; i < n; i++) {
		free(pairs[i].ext_id);
		free(pairs[i].criterion);
	}
	free(pairs);
	free(tc);
	free(tb);
	const char *suffix[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		char *p = mc_xasprintf("%s%s", core_path, suffix[i]);
		unlink(p);
		free(p);
		p = mc_xasprintf("%s%s", bare_path, suffix[i]);
		unlink(p);
		free(p);
	}
	free(core_path);
	free(bare_path);
	return sc.mean / sb.mean <= 1.5 ? 0 : 1;
}
