/* store.c: opening the database, migrations, transactions, statement cache. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "mcassess/progress.h"
#include "mcassess/store.h"
#include "mcassess/util.h"
#include "store_int.h"

extern const char mc_schema_sql[];

#define STMT_SLOTS 256 /* first size of the open-addressed cache of prepared statements by SQL address */

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct store {
	sqlite3 *db;
	char *path;
	char *evidence_dir;
	int in_tx;
	sqlite3 *volatile side; /* a second connection at work for this one (check), or NULL */
	const struct mc_session *session;
	enum store_scope_kind scope;
	char *scope_user, *scope_district;
	struct stmt_slot *slots; /* nslots entries, a power of two; at most 3/4 used */
	size_t nslots, nused;
	void *fts_api;           /* the connection's fts5_api, once fetched */
};

/* Find "-- migration N\n" section bounds in the compiled-in schema. */
static int migration_section(int n, const char **start, size_t *len)
{
	char mark[40];
	snprintf(mark, sizeof mark, "-- migration %d\n", n);
	const char *p = strstr(mc_schema_sql, mark);
	if (!p)
		return -1;
	p += strlen(mark);
	const char *end = strstr(p, "-- migration ");
	*start = p;
	*len = end ? (size_t)(end - p) : strlen(p);
	return 0;
}

int store_latest_version(void)
{
	int n = 0;
	const char *s;
	size_t len;
	while (migration_section(n + 1, &s, &len) == 0)
		n++;
	return n;
}

sqlite3 *store_db(struct store *s) { return s->db; }
void **store_fts_api_slot(struct store *s) { return &s->fts_api; }
const char *store_path(const struct store *s) { return s->path; }
const char *store_evidence_dir(const struct store *s) { return s->evidence_dir; }

/* Why writing beside `path` may fail, in words, or NULL: a (nearly) full disk,
 * or a file size limit (ulimit -f) on this process. */
static const char *write_limit(const char *path)
{
	char *dir = mc_xstrdup(path);
	char *slash = strrchr(dir, '/');
	const char *where = ".";
	if (slash == dir)
		where = "/";
	else if (slash) {
		*slash = '\0';
		where = dir;
	}
	struct statvfs v;
	int full = statvfs(where, &v) == 0 && (unsigned long long)v.f_bavail * v.f_frsize < (1u << 20);
	free(dir);
	if (full)
		return "the disk is full";
	struct rlimit r;
	if (getrlimit(RLIMIT_FSIZE, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
		return "the files may not grow any larger here (the file size limit, ulimit -f)";
	return NULL;
}

int store_fail(struct store *s, struct mc_error *err, const char *what)
{
	int code = sqlite3_extended_errcode(s->db) & 0xff;
	const char *why = sqlite3_errmsg(s->db);
	switch (code) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return mc_error_set(err, MC_FAIL,
				    "%s: %s: the database is busy (someone else is writing to it); "
				    "nothing was changed, try again", s->path, what);
	case SQLITE_FULL: {
		const char *limit = write_limit(s->path);
		return mc_error_set(err, MC_FAIL, "%s: %s: %s; nothing was changed", s->path, what,
				    limit ? limit : "the disk is full");
	}
	case SQLITE_READONLY:
		return mc_error_set(err, MC_FAIL, "%s: %s: the database is read-only here (%s)",
				    s->path, what, why);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return mc_error_set(err, MC_FAIL, "%s: %s: the file is not a usable mcassess database (%s)",
				    s->path, what, why);
	case SQLITE_IOERR: {
		/* SQLite keeps no reliable errno: look at what limits writing here */
		const char *limit = write_limit(s->path);
		if (limit)
			return mc_error_set(err, MC_FAIL, "%s: %s: %s; nothing was changed", s->path, what, limit);
		return mc_error_set(err, MC_FAIL, "%s: %s: input/output error (%s)", s->path, what, why);
	}
	default:
		return mc_error_set(err, MC_FAIL, "%s: %s: %s", s->path, what, why);
	}
}

/* The slot for `sql` in a table of n (a power of two): its own, or the empty
 * one where it belongs. */
static struct stmt_slot *slot_for(struct stmt_slot *slots, size_t n, const char *sql)
{
	size_t i = ((uintptr_t)sql >> 3) & (n - 1);
	while (slots[i].sql && slots[i].sql != sql)
		i = (i + 1) & (n - 1);
	return &slots[i];
}

/* Twice the slots, every statement moved over: the cache never fills up. */
static void slots_grow(struct store *s)
{
	size_t n = s->nslots ? s->nslots * 2 : STMT_SLOTS;
	struct stmt_slot *slots = mc_xcalloc(n, sizeof *slots);
	for (size_t i = 0; i < s->nslots; i++)
		if (s->slots[i].sql)
			*slot_for(slots, n, s->slots[i].sql) = s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
}

size_t store_cached_statements(const struct store *s) { return s->nused; }

sqlite3_stmt *store_prep(struct store *s, const char *sql, struct mc_error *err)
{
	if ((s->nused + 1) * 4 > s->nslots * 3)
		slots_grow(s);
	struct stmt_slot *slot = slot_for(s->slots, s->nslots, sql);
	if (slot->sql) {
		sqlite3_reset(slot->st);
		sqlite3_clear_bindings(slot->st);
		return slot->st;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		store_fail(s, err, "preparing a query");
		return NULL;
	}
	slot->sql = sql;
	slot->st = st;
	s->nused++;
	return st;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void store_bind_int(sqlite3_stmt *st, int i, long long v) { sqlite3_bind_int64(st, i, v); }

char *store_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? mc_xstrdup((const char *)t) : NULL;
}

static int exec(struct store *s, const char *sql, struct mc_error *err, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		return store_fail(s, err, what);
	}
	return MC_OK;
}

int store_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---------------------------------------------------------------- migrations' progress
 * A statement of schema.sql that reads a whole table says so in the comment
 * line before it, "-- walks TABLE"; while it runs, the rows it has stepped
 * through in full scans against TABLE's rows are reported as a percentage
 * (progress.h: shown only when the front end has a terminal to show it on). */
#define WALK_MARK "-- walks "

struct walk {
	sqlite3_stmt *st;
	long long rows;
};

static int walk_tick(void *ctx)
{
	const struct walk *w = ctx;
	long long done = sqlite3_stmt_status(w->st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	progress_report("upgrading the database", done < w->rows ? done : w->rows - 1, w->rows);
	return 0;
}

/* The rows of the table named by a walk mark in the comments at p, 0 when none. */
static long long walk_rows(struct store *s, const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || (p[0] == '-' && p[1] == '-')) {
		if (strncmp(p, WALK_MARK, strlen(WALK_MARK)) == 0) {
			const char *t = p + strlen(WALK_MARK);
			size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyz_");
			char *q = mc_xasprintf("SELECT max(rowid) FROM %.*s", (int)n, t);
			sqlite3_stmt *st;
			long long rows = 0;
			if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
				rows = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			free(q);
			return rows;
		}
		p += p[0] == '-' ? strcspn(p, "\n") : 1;
	}
	return 0;
}

/* A migration's statements one by one, as sqlite3_exec would, with progress on walks. */
static int migrate_statements(struct store *s, const char *sql, struct mc_error *err)
{
	for (const char *p = sql; *p;) {
		sqlite3_stmt *st = NULL;
		const char *tail;
		if (sqlite3_prepare_v2(s->db, p, -1, &st, &tail) != SQLITE_OK)
			return store_fail(s, err, "upgrading the database");
		if (!st) /* nothing but comments left */
			break;
		struct walk w = { st, walk_rows(s, p) };
		if (w.rows > 0)
			sqlite3_progress_handler(s->db, 10000, walk_tick, &w);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
		int failed = rc != SQLITE_DONE ? store_fail(s, err, "upgrading the database") : MC_OK;
		sqlite3_finalize(st);
		if (failed != MC_OK)
			return failed;
		if (w.rows > 0)
			progress_report("upgrading the database", w.rows, w.rows);
		p = tail;
	}
	return MC_OK;
}

int store_migrate(struct store *s, int version, struct mc_error *err)
{
	int cur = store_version(s);
	if (cur < 0)
		return store_fail(s, err, "reading the schema version");
	for (int v = cur + 1; v <= version; v++) {
		const char *sec;
		size_t len;
		if (migration_section(v, &sec, &len) != 0)
			return mc_error_set(err, MC_FAIL, "internal error: no migration %d", v);
		char *sql = mc_xasprintf("%.*s\nPRAGMA user_version = %d;", (int)len, sec, v);
		int rc = exec(s, "BEGIN IMMEDIATE", err, "upgrading the database");
		if (rc == MC_OK && (rc = migrate_statements(s, sql, err)) != MC_OK)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		else if (rc == MC_OK)
			rc = exec(s, "COMMIT", err, "upgrading the database");
		free(sql);
		if (rc != MC_OK) {
			mc_error_prefix(err, "upgrading the schema from version %d to %d", v - 1, v);
			return rc;
		}
	}
	return MC_OK;
}

/* MCASSESS_SQL_TRACE=FILE: every statement run, one a line (triggers' too), so
 * a test can count the queries a screen makes (issue 13: none a keystroke).
 * A statement's first run since it was prepared starts with "(prepared) ", so
 * a test can count the statements a command prepares (issue 12: a packet's
 * import prepares as many for 10 submissions as for 100). */
static int trace_line(unsigned type, void *file, void *stmt, void *x)
{
	(void)type;
	(void)x;
	const char *sql = sqlite3_sql(stmt);
	if (sql) {
		/* one line whole: check's integrity thread traces into the same file,
		 * and lines mixed a character at a time lost their "(prepared) " marks */
		flockfile(file);
		if (sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_RUN, 0) == 0)
			fputs("(prepared) ", file);
		for (; *sql; sql++)
			putc_unlocked(*sql == '\n' ? ' ' : *sql, file);
		putc_unlocked('\n', file);
		fflush(file);
		funlockfile(file);
	}
	return 0;
}

static void trace_setup(sqlite3 *db)
{
	static FILE *file; /* one for the process, closed at its exit */
	const char *path = getenv("MCASSESS_SQL_TRACE");
	if (path && *path && !file)
		file = fopen(path, "ae");
	if (file)
		sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace_line, file);
}

static int configure(struct store *s, int flags, struct mc_error *err)
{
	trace_setup(s->db);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/* The search tokenizer, on every connection and before any migration: the
	 * index's tables name it, and FTS5 looks it up when they are created or opened. */
	if (store_search_setup(s->db) != SQLITE_OK)
		return mc_error_set(err, MC_FAIL, "%s: this SQLite lacks full-text search (FTS5), "
				    "which mcassess needs", s->path);
	/* WAL with synchronous=FULL: a write reported as saved survives a power cut.
	 * A checkpoint runs by itself only once the WAL passes STORE_WAL_MAX_BYTES, so
	 * none lands inside a keystroke's transaction in normal work (the command line
	 * checkpoints when it closes, the workstation when idle), while long work done
	 * in many transactions (a rebuild of the search index, an import, a demo)
	 * keeps the WAL bounded instead of growing it by gigabytes. */
	if (!(flags & STORE_READONLY)) {
		int rc = exec(s, "PRAGMA journal_mode = WAL", err, "switching to WAL mode");
		if (rc != MC_OK)
			return rc;
	}
	int rc = exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;",
		      err, "configuring the connection");
	if (rc != MC_OK)
		return rc;
	sqlite3_stmt *st;
	long long page = 4096;
	if (sqlite3_prepare_v2(s->db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
			page = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_wal_autocheckpoint(s->db, (int)(STORE_WAL_MAX_BYTES / page));
	return MC_OK;
}

int store_open(const char *path, int flags, struct store **out, struct mc_error *err)
{
	*out = NULL;
	struct stat sb;
	int exists = stat(path, &sb) == 0;
	if (!exists && !(flags & STORE_CREATE))
		return mc_error_set(err, MC_FAIL, "%s: no database here (run 'mcassess init' first, "
				    "or give --db PATH)", path);
	if (exists && !S_ISREG(sb.st_mode))
		return mc_error_set(err, MC_FAIL, "%s: not a regular file", path);
	if (!exists) {
		char *dir = mc_xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mc_mkdirs(dir, 0700) != 0) {
				int e = errno;
				free(dir);
				return mc_error_set(err, MC_FAIL, "%s: cannot create directory: %s", path,
						    strerror(e));
			}
		}
		free(dir);
	}
	struct store *s = mc_xcalloc(1, sizeof *s);
	s->scope = STORE_SCOPE_NONE;
	s->path = mc_xstrdup(path);
	s->evidence_dir = mc_xasprintf("%s.evidence", path);
	int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
					      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		int rc = s->db ? store_fail(s, err, "opening the database")
			       : mc_error_set(err, MC_FAIL, "%s: cannot open the database", path);
		store_close(&s);
		return rc;
	}
	/* The version before anything else: a database this build refuses is not
	 * written to at all (not even switched to WAL, nor checkpointed on close). */
	int v = store_version(s);
	int latest = store_latest_version();
	int rc = MC_OK;
	if (v > latest)
		rc = mc_error_set(err, MC_FAIL, "%s: the database is schema version %d, newer than "
				  "this mcassess understands (%d); upgrade mcassess", path, v, latest);
	if (rc != MC_OK) {
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		sqlite3_close(s->db);
		s->db = NULL;
		store_close(&s);
		return rc;
	}
	rc = configure(s, flags, err);
	if (rc == MC_OK) {
		v = store_version(s);
		if (v < 0)
			rc = store_fail(s, err, "reading the schema version");
		else if (v < latest && !(flags & STORE_NO_MIGRATE)) {
			if (flags & STORE_READONLY)
				rc = mc_error_set(err, MC_FAIL, "%s: the database needs an upgrade; open it "
						  "once with write access", path);
			else
				rc = store_migrate(s, latest, err);
		}
	}
	if (rc != MC_OK) {
		store_close(&s);
		return rc;
	}
	*out = s;
	return MC_OK;
}

void store_checkpoint(struct store *s)
{
	if (s && s->db && !s->in_tx)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

int store_in_tx(const struct store *s) { return s->in_tx; }

int store_transact(struct store *s, int (*fn)(struct store *s, void *ctx, struct mc_error *err), void *ctx,
		   struct mc_error *err)
{
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = fn(s, ctx, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK)
		store_rollback(s);
	return rc;
}
int store_readonly(struct store *s) { return sqlite3_db_readonly(s->db, "main") == 1; }
void store_set_session(struct store *s, const struct mc_session *sess) { s->session = sess; }
const struct mc_session *store_session(const struct store *s) { return s->session; }

void store_set_scope(struct store *s, enum store_scope_kind kind, const char *user, const char *district)
{
	char *u = mc_xstrdup(user ? user : ""), *d = mc_xstrdup(district ? district : "");
	free(s->scope_user);
	free(s->scope_district);
	s->scope = kind;
	s->scope_user = u;
	s->scope_district = d;
}

enum store_scope_kind store_scope_kind(const struct store *s) { return s->scope; }

void store_bind_scope(struct store *s, sqlite3_stmt *st)
{
	/* a statement without one of them answers SQLITE_RANGE, which is fine */
	store_bind_int(st, 61, s->scope);
	store_bind_text(st, 62, s->scope_user ? s->scope_user : "");
	store_bind_text(st, 63, s->scope_district ? s->scope_district : "");
}

void store_close(struct store **sp)
{
	struct store *s = *sp;
	if (!s)
		return;
	if (s->db) {
		store_rollback(s);
		store_checkpoint(s);
	}
	for (size_t i = 0; i < s->nslots; i++)
		if (s->slots[i].st)
			sqlite3_finalize(s->slots[i].st);
	free(s->slots);
	if (s->db)
		sqlite3_close(s->db);
	free(s->path);
	free(s->evidence_dir);
	free(s->scope_user);
	free(s->scope_district);
	free(s);
	*sp = NULL;
}

int store_begin(struct store *s, struct mc_error *err)
{
	if (s->in_tx)
		return mc_error_set(err, MC_FAIL, "internal error: nested transaction");
	int rc = exec(s, "BEGIN IMMEDIATE", err, "starting a change");
	if (rc == MC_OK)
		s->in_tx = 1;
	return rc;
}

int store_begin_nowait(struct store *s, struct mc_error *err)
{
	sqlite3_busy_timeout(s->db, 0);
	int rc = store_begin(s, err);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	return rc;
}

int store_begin_read(struct store *s, struct mc_error *err)
{
	if (s->in_tx)
		return mc_error_set(err, MC_FAIL, "internal error: nested transaction");
	int rc = exec(s, "BEGIN DEFERRED", err, "reading");
	if (rc == MC_OK)
		s->in_tx = 1;
	return rc;
}

void store_end_read(struct store *s)
{
	store_rollback(s);
}

int store_commit(struct store *s, struct mc_error *err)
{
	int rc = exec(s, "COMMIT", err, "saving");
	if (rc != MC_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	s->in_tx = 0;
	return rc;
}

void store_rollback(struct store *s)
{
	if (s->in_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

static const char SQL_META_GET[] = "SELECT value FROM meta WHERE key = ?1";
static const char SQL_META_SET[] =
	"INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";

int store_meta_get(struct store *s, const char *key, char **value, struct mc_error *err)
{
	*value = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_META_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = store_col_dup(st, 0);
	else if (rc != SQLITE_DONE)
		return store_fail(s, err, "reading settings");
	sqlite3_reset(st);
	return MC_OK;
}

int store_meta_set(struct store *s, const char *key, const char *value, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_META_SET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, value);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving settings");
}

static int report_rows(struct store *s, const char *sql, int skip_ok,
		       void (*report)(void *, const char *), void *ctx, struct mc_error *err, int *n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, err, "checking the database");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mc_buf b = MC_BUF_INIT;
		int cols = sqlite3_column_count(st);
		for (int i = 0; i < cols; i++) {
			const char *t = (const char *)sqlite3_column_text(st, i);
			mc_buf_printf(&b, "%s%s", i ? " " : "", t ? t : "");
		}
		if (!(skip_ok && strcmp(mc_buf_str(&b), "ok") == 0)) {
			report(ctx, mc_buf_str(&b));
			(*n)++;
		}
		mc_buf_free(&b);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "checking the database");
}

int store_integrity(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx,
		    struct mc_error *err)
{
	int n = 0;
	int rc = report_rows(s, "PRAGMA integrity_check", 1, report, ctx, err, &n);
	if (rc == MC_OK)
		rc = report_rows(s, "SELECT 'foreign key: ' || \"table\" || ' row ' || rowid || ' refers to a missing '"
				    " || parent FROM pragma_foreign_key_check", 0, report, ctx, err, &n);
	return rc;
}

/* ---------------------------------------------------------------- Ctrl-C (issue 14) */
static int stop_asked(void *flag)
{
	return *(volatile sig_atomic_t *)flag != 0;
}

void store_interrupt(struct store *s)
{
	sqlite3_interrupt(s->db); /* safe in a signal handler, as SQLite's own shell does */
	sqlite3 *side = s->side;
	if (side)
		sqlite3_interrupt(side);
}

void store_set_side(struct store *s, sqlite3 *side)
{
	s->side = side;
}

void store_stop_when(struct store *s, volatile sig_atomic_t *flag)
{
	/* every 1000 virtual machine steps: a running statement stops within
	 * microseconds, and a statement of a few steps (ROLLBACK) always finishes */
	sqlite3_progress_handler(s->db, flag ? 1000 : 0, flag ? stop_asked : NULL, (void *)flag);
}

void store_heap(long long *now, long long *most)
{
	sqlite3_int64 cur = 0, hi = 0;
	sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hi, 1);
	*now = cur;
	*most = hi;
}
