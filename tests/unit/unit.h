/* unit.h: what every cmocka unit test includes. */
#ifndef MCASSESS_UNIT_H
#define MCASSESS_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <errno.h>
#include <malloc.h>
#include <sqlite3.h>

#include "config.h"
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "mcassess/session.h"
#include "mcassess/store.h"

/* The heap in use outside SQLite (whose page caches fill up to their bound as
 * it reads): what our own code holds. 0 where the allocator keeps no such
 * count (a sanitizer's, valgrind's): checks on it then cannot fail. */
static inline long long unit_heap_outside_sqlite(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks ? (long long)m.uordblks - (long long)sqlite3_memory_used() : 0;
}

/* Whether this run takes a case's smaller sizes (unit_size): under valgrind,
 * which looks for leaks and invalid accesses, and at about 40 times the CPU
 * could not run CI's unit tests in its time at the sizes a bound or a
 * statistic needs. Those sizes stay natively and under the sanitizers, which
 * check the bounds; the smaller ones go through the same code (each case's
 * comment says why). UNIT_SMALL=1 takes them natively too, to try them fast. */
static inline int unit_small(void)
{
	static int small = -1;
	if (small < 0) {
		const char *e = getenv("UNIT_SMALL");
		small = e && *e && strcmp(e, "0") != 0;
#ifdef HAVE_VALGRIND_VALGRIND_H
		small |= RUNNING_ON_VALGRIND != 0;
#endif
	}
	return small;
}

/* n natively and under the sanitizers; small where unit_small. */
static inline long unit_size(long n, long small)
{
	return unit_small() ? small : n;
}

/* How far that heap grew from the first note on (memory that must stay flat
 * while a long operation goes through: note it at its progress reports). */
struct unit_heap_watch {
	long long first, most;
	int seen;
};

static inline void unit_heap_note(struct unit_heap_watch *h)
{
	long long v = unit_heap_outside_sqlite();
	if (!h->seen++)
		h->first = v;
	if (v - h->first > h->most)
		h->most = v - h->first;
}

/* A fresh temporary directory for a test (removed by unit_rmtree). */
static inline char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = malloc(4096);
	snprintf(t, 4096, "%s/mcassess-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t)) {
		perror("mkdtemp");
		abort();
	}
	return t;
}

static inline void unit_rmtree(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

/* A source of random bytes that has none (mc_random_source), as when the
 * kernel's pool cannot be read. */
static inline int unit_no_random(void *buf, size_t n)
{
	(void)buf;
	(void)n;
	errno = EAGAIN;
	return -1;
}

/* The program acts through a session (session.h): tests open their databases
 * the same way, as the OS user running them, and close them with unit_close
 * (the session's normal end). */
#define UNIT_MAX_SESSIONS 16
static struct mc_session *unit_sessions[UNIT_MAX_SESSIONS];

static inline int unit_open(const char *path, int flags, struct store **s, struct mc_error *err)
{
	struct mc_session *sess = NULL;
	*s = NULL;
	int rc = session_open(path, flags, NULL, &sess, err);
	if (rc != MC_OK)
		return rc;
	for (int i = 0; i < UNIT_MAX_SESSIONS; i++)
		if (!unit_sessions[i]) {
			unit_sessions[i] = sess;
			*s = sess->store;
			return MC_OK;
		}
	abort(); /* more sessions open at once than any test needs */
}

/* After `init` (or a role change) the session reads its actor again. */
static inline void unit_reload(struct store *s)
{
	for (int i = 0; i < UNIT_MAX_SESSIONS; i++)
		if (unit_sessions[i] && unit_sessions[i]->store == s) {
			struct mc_error err = MC_ERROR_INIT;
			if (session_reload_actor(unit_sessions[i], &err) != MC_OK)
				abort();
		}
}

/* Act as `user` from now on in the session of store s: unit tests play several
 * people in one process (the program itself never changes its actor). */
static inline int unit_act_as(struct store *s, const char *user)
{
	for (int i = 0; i < UNIT_MAX_SESSIONS; i++)
		if (unit_sessions[i] && unit_sessions[i]->store == s) {
			free(unit_sessions[i]->actor.user);
			unit_sessions[i]->actor.user = strdup(user);
			unit_reload(s);
			return 0;
		}
	abort();
}

/* Run SQL on the database at path through a connection of its own (fixtures). */
static inline void unit_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The first column of the first row of SQL on the database at path, through a
 * connection of its own (heap, for free), or NULL when there is none. */
static inline char *unit_query_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		assert_non_null(v = strdup((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static inline void unit_close(struct store **s)
{
	for (int i = 0; i < UNIT_MAX_SESSIONS; i++)
		if (*s && unit_sessions[i] && unit_sessions[i]->store == *s) {
			session_close(&unit_sessions[i]);
			*s = NULL;
			return;
		}
	store_close(s);
}

/* A fresh database in a temporary directory, opened through a session, with
 * `sql` run on it (NULL: none); unit_db_free closes and removes it. */
struct unit_db {
	char *dir, *path;
	struct store *s;
};

static inline struct unit_db *unit_db_new(const char *sql)
{
	struct unit_db *d = calloc(1, sizeof *d);
	struct mc_error err = MC_ERROR_INIT;
	d->dir = unit_tmpdir();
	d->path = malloc(strlen(d->dir) + 6);
	sprintf(d->path, "%s/t.db", d->dir);
	assert_int_equal(unit_open(d->path, STORE_CREATE, &d->s, &err), MC_OK);
	if (sql)
		unit_exec(d->path, sql);
	return d;
}

static inline void unit_db_free(struct unit_db **dp)
{
	struct unit_db *d = *dp;
	unit_close(&d->s);
	free(d->path);
	unit_rmtree(d->dir);
	free(d);
	*dp = NULL;
}

/* A fixture database built once per test binary (a demo run, thousands of
 * rows) and copied fresh for each case, which may then change it as it likes.
 * main sets unit_template.fill and runs the group with unit_template_setup and
 * unit_template_teardown: they make the template (a new database, filled, then
 * closed so that it is whole in its one file) and remove it. A case's setup
 * calls unit_template_open: a new directory, a copy of the template in it at
 * *path ("DIR/t.db", removed with unit_rmtree(*dir)), opened as *s. */
static struct {
	char *dir, *path;
	void (*fill)(struct store *s, const char *path);
} unit_template;

static inline char *unit_template_new_path(char **dir)
{
	*dir = unit_tmpdir();
	char *path = malloc(strlen(*dir) + 6);
	sprintf(path, "%s/t.db", *dir);
	return path;
}

static inline int unit_template_setup(void **state)
{
	(void)state;
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	unit_template.path = unit_template_new_path(&unit_template.dir);
	assert_int_equal(unit_open(unit_template.path, STORE_CREATE, &s, &err), MC_OK);
	unit_template.fill(s, unit_template.path);
	unit_close(&s);
	return 0;
}

static inline int unit_template_teardown(void **state)
{
	(void)state;
	free(unit_template.path);
	unit_rmtree(unit_template.dir);
	return 0;
}

/* A copy of the template at path (a case that makes its databases where it
 * likes: each from the template, not made anew). */
static inline void unit_template_copy(const char *path)
{
	FILE *in = fopen(unit_template.path, "rb"), *out = fopen(path, "wb");
	if (!in || !out)
		fail_msg("copying %s to %s: %s", unit_template.path, path, strerror(errno));
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			fail_msg("writing %s: %s", path, strerror(errno));
	if (ferror(in) || fclose(out) != 0)
		fail_msg("copying %s to %s: %s", unit_template.path, path, strerror(errno));
	fclose(in);
}

static inline void unit_template_open(char **dir, char **path, struct store **s)
{
	*path = unit_template_new_path(dir);
	unit_template_copy(*path);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(*path, 0, s, &err), MC_OK);
}
#endif
