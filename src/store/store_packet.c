/* store_packet.c: SQL for review packets (see store_packet.h). The packet is
 * attached as "pk". Every statement is kept in the connection's cache
 * (store_prep), those made from merge_tables too (built once, merge_sql): an
 * import runs each of them once a submission, and preparing them afresh each
 * time was most of its time (bench/README.md, "Review packets"). A statement
 * naming "pk" is prepared again by SQLite on its first run after the next
 * ATTACH; each is reset after use, so that DETACH finds none of them busy. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/store_packet.h"
#include "mcassess/util.h"
#include "store_int.h"

/* The tables merged back, by the stable uid every row a person creates carries,
 * with the columns copied (all but the internal rowid). A new kind of row
 * is one more line here. Private notes are appended by their author and never
 * replaced: a note the source has and this database lacks is added, none is
 * removed (a packet carries only its readers' own notes). Records that do not
 * name a table at all (another archive's, which keeps no read decisions or
 * notes) leave this database's rows of it as they are. */
static const struct merge_table {
	const char *name, *cols;
	int append, by_read; /* by_read: every row belongs to one read (store_packet_join) */
} merge_tables[] = {
	{ "score", "uid, submission_id, criterion_id, level_id, assessor, read, comment, at", 0, 1 },
	{ "feedback", "uid, submission_id, read, author, body, at", 0, 1 },
	{ "decision", "uid, submission_id, outcome, decided_by, reason, at", 0, 0 },
	{ "read_decision", "uid, submission_id, read, assessor, outcome, at", 0, 1 },
	{ "note", "uid, submission_id, author, read, body, at", 1, 0 },
};
#define NMERGE (sizeof merge_tables / sizeof merge_tables[0])

/* Run one statement to its end with up to three text parameters. `sql`, as
 * everywhere in this file, must live as long as the process (a literal, or
 * built once as merge_sql does): the cache knows a statement by the address
 * of its text, and a freed text's address may come back holding another. */
static int run3(struct store *s, const char *sql, const char *a, const char *b, const char *c,
		const char *what, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	int n = sqlite3_bind_parameter_count(st);
	const char *v[3] = { a, b, c };
	for (int i = 0; i < n && i < 3; i++)
		store_bind_text(st, i + 1, v[i]);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

/* The first column of the first row as heap text ("" when none). */
static int text3(struct store *s, const char *sql, const char *a, const char *b, long long n, char **out,
		 struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	int np = sqlite3_bind_parameter_count(st);
	if (np >= 1)
		store_bind_text(st, 1, a);
	if (np >= 2)
		store_bind_text(st, 2, b);
	if (np >= 3)
		store_bind_int(st, 3, n);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = store_col_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading the review packet");
	if (!*out)
		*out = mc_xstrdup("");
	return MC_OK;
}

int store_packet_attach(struct store *s, const char *path, struct mc_error *err)
{
	int rc = run3(s, "ATTACH DATABASE ?1 AS pk", path, NULL, NULL, "opening the review packet", err);
	/* What export masks or leaves out must not linger in free pages. */
	if (rc == MC_OK)
		rc = run3(s, "PRAGMA pk.secure_delete = ON", NULL, NULL, NULL, "opening the review packet", err);
	return rc;
}

void store_packet_detach(struct store *s)
{
	sqlite3_exec(store_db(s), "DETACH DATABASE pk", NULL, NULL, NULL);
}

static int hash_into(struct store *s, const char *sql, long long seq, char out[MC_SHA256_HEX],
		     struct mc_error *err)
{
	char *h = NULL;
	int rc = text3(s, sql, NULL, NULL, seq, &h, err);
	snprintf(out, MC_SHA256_HEX, "%s", rc == MC_OK ? h : "");
	free(h);
	return rc;
}

int store_packet_origin(struct store *s, int packet, char out[MC_SHA256_HEX], struct mc_error *err)
{
	return hash_into(s, packet ? "SELECT hash FROM pk.audit WHERE seq = 1 AND ?3 = 1"
				   : "SELECT hash FROM main.audit WHERE seq = 1 AND ?3 = 1", 1, out, err);
}

int store_packet_audit_hash(struct store *s, long long seq, char out[MC_SHA256_HEX], struct mc_error *err)
{
	return hash_into(s, "SELECT hash FROM main.audit WHERE seq = ?3", seq, out, err);
}

/* ---------------------------------------------------------------- export */

#define OPEN_IN_DISTRICT                                                                           \
	"FROM main.submission s JOIN main.educator e ON e.id = s.educator_id "                     \
	"JOIN main.assignment a ON a.submission_id = s.id "                                        \
	"WHERE e.district_id = (SELECT id FROM main.district WHERE name = ?1) "                    \
	"AND s.status IN ('queued', 'in_progress') "

static const char *const copy_sql[] = {
	"DROP TABLE IF EXISTS temp.pk_who",
	"DROP TABLE IF EXISTS temp.pk_sel",
	"DROP TABLE IF EXISTS temp.pk_blind",
	"DROP TABLE IF EXISTS temp.pk_prev",
	"DROP TABLE IF EXISTS temp.pk_all",
	"CREATE TEMP TABLE pk_who AS SELECT DISTINCT a.assessor AS user " OPEN_IN_DISTRICT
	"AND (?2 IS NULL OR a.assessor IN (SELECT value FROM json_each(?2)))",
	"CREATE TEMP TABLE pk_sel AS SELECT DISTINCT s.id AS id, s.educator_id AS educator_id, "
	"s.rubric_id AS rubric_id " OPEN_IN_DISTRICT "AND a.assessor IN (SELECT user FROM temp.pk_who)",
	/* Blindness follows the educator (STORE_BLIND_TO): blind to any holder, no name in the packet;
	 * with blind scoring on for everyone, no educator's name is. */
	"CREATE TEMP TABLE pk_blind AS SELECT DISTINCT bs.educator_id AS id FROM main.submission bs "
	"JOIN main.assignment ba ON ba.submission_id = bs.id WHERE ba.blind = 1 "
	"AND ba.assessor IN (SELECT user FROM temp.pk_who) "
	"AND bs.educator_id IN (SELECT educator_id FROM temp.pk_sel) "
	/* blind scoring for everyone (assign_blind_all_set): every educator */
	"UNION SELECT educator_id FROM temp.pk_sel WHERE "
	"(SELECT value FROM main.meta WHERE key = 'blind_scoring') = '1'",
	/* The earlier attempts of those, to be read (and never merged back): the
	 * whole previous_id chain, so that every previous_id in the packet is in it. */
	"CREATE TEMP TABLE pk_prev AS WITH RECURSIVE back(id) AS (SELECT previous_id FROM main.submission WHERE "
	"id IN (SELECT id FROM temp.pk_sel) AND previous_id IS NOT NULL UNION SELECT s.previous_id FROM "
	"main.submission s JOIN back b ON s.id = b.id WHERE s.previous_id IS NOT NULL) SELECT DISTINCT s.id AS id, "
	"s.educator_id AS educator_id, s.rubric_id AS rubric_id FROM main.submission s WHERE s.id IN (SELECT id "
	"FROM back) AND s.id NOT IN (SELECT id FROM temp.pk_sel)",
	"CREATE TEMP TABLE pk_all AS SELECT id, educator_id, rubric_id FROM temp.pk_sel UNION SELECT id, "
	"educator_id, rubric_id FROM temp.pk_prev",
	"INSERT INTO pk.pathway SELECT * FROM main.pathway",
	"INSERT INTO pk.credential SELECT * FROM main.credential",
	"INSERT INTO pk.rubric SELECT * FROM main.rubric WHERE id IN (SELECT rubric_id FROM temp.pk_all)",
	"INSERT INTO pk.part SELECT * FROM main.part WHERE rubric_id IN (SELECT rubric_id FROM temp.pk_all)",
	"INSERT INTO pk.criterion SELECT * FROM main.criterion WHERE rubric_id IN "
	"(SELECT rubric_id FROM temp.pk_all)",
	"INSERT INTO pk.level SELECT l.* FROM main.level l JOIN main.criterion c ON c.id = l.criterion_id "
	"WHERE c.rubric_id IN (SELECT rubric_id FROM temp.pk_all)",
	"INSERT INTO pk.district SELECT * FROM main.district WHERE name = ?1",
	"INSERT INTO pk.school SELECT * FROM main.school WHERE id IN (SELECT school_id FROM main.educator "
	"WHERE id IN (SELECT educator_id FROM temp.pk_sel) AND id NOT IN (SELECT id FROM temp.pk_blind))",
	"INSERT INTO pk.educator(id, ext_id, name, district_id, school_id, cohort_id, anon_id) "
	"SELECT e.id, iif(b.id IS NULL, e.ext_id, e.anon_id), iif(b.id IS NULL, e.name, e.anon_id), "
	"e.district_id, iif(b.id IS NULL, e.school_id, NULL), NULL, e.anon_id FROM main.educator e "
	"LEFT JOIN temp.pk_blind b ON b.id = e.id WHERE e.id IN (SELECT educator_id FROM temp.pk_sel)",
	"INSERT INTO pk.submission(id, ext_id, educator_id, credential_id, rubric_id, attempt, previous_id, "
	"status, submitted_at, imported_at, source_sha256, updated_at) SELECT id, ext_id, educator_id, "
	"credential_id, rubric_id, attempt, previous_id, status, submitted_at, imported_at, source_sha256, "
	"updated_at FROM main.submission WHERE id IN (SELECT id FROM temp.pk_all)",
	"INSERT INTO pk.blob SELECT * FROM main.blob WHERE sha256 IN (SELECT blob_sha256 FROM main.evidence "
	"WHERE submission_id IN (SELECT id FROM temp.pk_all))",
	"INSERT INTO pk.evidence SELECT * FROM main.evidence WHERE submission_id IN (SELECT id FROM temp.pk_all)",
	"INSERT INTO pk.evidence_norm SELECT * FROM main.evidence_norm WHERE evidence_id IN "
	"(SELECT id FROM pk.evidence)",
	"INSERT INTO pk.score SELECT * FROM main.score WHERE submission_id IN (SELECT id FROM temp.pk_all)",
	"INSERT INTO pk.feedback SELECT * FROM main.feedback WHERE submission_id IN (SELECT id FROM temp.pk_all)",
	"INSERT INTO pk.decision SELECT * FROM main.decision WHERE submission_id IN (SELECT id FROM temp.pk_all)",
	/* Read decisions as the server has them: the laptop's review.c and show.c
	 * hide the other read's outcome until both reads ended, as here. */
	"INSERT INTO pk.read_decision SELECT * FROM main.read_decision WHERE submission_id IN "
	"(SELECT id FROM temp.pk_sel)",
	/* Private notes: only those of the packet's own readers travel. */
	"INSERT INTO pk.note SELECT * FROM main.note WHERE submission_id IN (SELECT id FROM temp.pk_sel) "
	"AND author IN (SELECT user FROM temp.pk_who)",
	"INSERT INTO pk.assignment SELECT * FROM main.assignment WHERE submission_id IN "
	"(SELECT id FROM temp.pk_sel) AND assessor IN (SELECT user FROM temp.pk_who)",
	"INSERT INTO pk.person(id, user, name, email, role, district_id, created_at) SELECT id, user, name, "
	"email, role, iif(district_id IN (SELECT id FROM pk.district), district_id, NULL), created_at "
	"FROM main.person WHERE user IN (SELECT user FROM temp.pk_who) OR user = ?3",
	"INSERT OR REPLACE INTO pk.meta SELECT * FROM main.meta WHERE key NOT LIKE 'audit%' "
	"AND key NOT LIKE 'archive%' AND key NOT LIKE 'packet%' AND key NOT LIKE 'issuer%'",
};

int store_packet_copy(struct store *s, const char *district, const char *assessors, const char *exporter,
		      long *nsubs, char **who, struct mc_error *err)
{
	*who = NULL;
	if (sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, "starting the review packet");
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < sizeof copy_sql / sizeof copy_sql[0]; i++)
		rc = run3(s, copy_sql[i], district, assessors, exporter, "writing the review packet", err);
	char *n = NULL;
	if (rc == MC_OK)
		rc = text3(s, "SELECT count(*) FROM temp.pk_sel", NULL, NULL, 0, &n, err);
	if (rc == MC_OK)
		rc = text3(s, "SELECT json_group_array(user) FROM (SELECT user FROM temp.pk_who ORDER BY user)",
			   NULL, NULL, 0, who, err);
	*nsubs = n ? atol(n) : 0;
	free(n);
	if (rc == MC_OK && sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = store_fail(s, err, "writing the review packet");
	if (rc != MC_OK)
		sqlite3_exec(store_db(s), "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(store_db(s), "DROP TABLE IF EXISTS temp.pk_who; DROP TABLE IF EXISTS temp.pk_sel; "
		     "DROP TABLE IF EXISTS temp.pk_blind; DROP TABLE IF EXISTS temp.pk_prev; "
		     "DROP TABLE IF EXISTS temp.pk_all", NULL, NULL, NULL);
	return rc;
}

/* fn on the first column of each row of `sql` (?1: arg, when it has one). */
static int each_text(struct store *s, const char *sql, const char *arg, int (*fn)(void *ctx, const char *v),
		     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	if (sqlite3_bind_parameter_count(st) > 0)
		store_bind_text(st, 1, arg);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the review packet");
}

int store_packet_blobs_needed(struct store *s, int (*fn)(void *ctx, const char *sha256), void *ctx,
			      struct mc_error *err)
{
	return each_text(s, "SELECT sha256 FROM blob ORDER BY sha256", NULL, fn, ctx, err);
}

int store_packet_subs(struct store *s, int (*fn)(void *ctx, const char *id), void *ctx, struct mc_error *err)
{
	return each_text(s, "SELECT ext_id FROM submission ORDER BY ext_id", NULL, fn, ctx, err);
}

int store_packet_blob_put(struct store *s, const char *sha256, const void *data, size_t len,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "INSERT OR REPLACE INTO packet_blob(sha256, data) VALUES (?1, ?2)", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sha256);
	sqlite3_bind_blob64(st, 2, data ? data : "", len, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "writing an evidence file into the packet");
}

int store_packet_blob_each(struct store *s, int (*want)(void *ctx, const char *sha256),
			   int (*fn)(void *ctx, const char *sha256, const void *data, size_t len), void *ctx,
			   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT sha256, data FROM packet_blob ORDER BY sha256", err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(st, 0);
		if (want && !want(ctx, sha))
			continue; /* the file's bytes (overflow pages) are never read */
		const void *d = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1);
		if (fn(ctx, sha, d, n)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the packet's evidence files");
}

/* ---------------------------------------------------------------- merge */

int store_packet_mismatch(struct store *s, char **what, struct mc_error *err)
{
	static const char sql[] =
		"SELECT what FROM ("
		"SELECT 'submission ' || p.ext_id || ' is not the server''s' AS what FROM pk.submission p "
		"LEFT JOIN main.submission m ON m.id = p.id AND m.ext_id = p.ext_id WHERE m.id IS NULL "
		"UNION ALL SELECT 'evidence ' || s.ext_id || ' #' || p.seq || ' differs from the server''s copy' "
		"FROM pk.evidence p JOIN pk.submission s ON s.id = p.submission_id LEFT JOIN main.evidence m "
		"ON m.submission_id = p.submission_id AND m.seq = p.seq WHERE m.id IS NULL "
		"OR m.blob_sha256 IS NOT p.blob_sha256 OR ((m.sha256 <> p.sha256 OR m.text IS NOT p.text) AND NOT EXISTS "
		"(SELECT 1 FROM pk.educator pe WHERE pe.id = s.educator_id AND pe.name = pe.anon_id)) "
		"UNION ALL SELECT 'evidence ' || s.ext_id || ' #' || p.seq || ': its file is not in the packet' "
		"FROM pk.evidence p JOIN pk.submission s ON s.id = p.submission_id WHERE p.blob_sha256 IS NOT NULL "
		"AND p.blob_sha256 NOT IN (SELECT sha256 FROM pk.packet_blob) "
		/* earlier attempts travel to be read: the server takes nothing of theirs */
		"UNION ALL SELECT s.ext_id || ', an earlier attempt the packet carries only to be read, was changed "
		"on the laptop (' || a.action || ' by ' || a.actor || ' at ' || a.at || ')' FROM pk.audit a JOIN "
		"pk.submission s ON a.subject = 'submission:' || s.ext_id WHERE s.id NOT IN (SELECT submission_id "
		"FROM pk.assignment) AND a.uid NOT IN (SELECT uid FROM main.audit) "
		/* notes are only ever added: one the server has must come back as it was */
		"UNION ALL SELECT 'the note by ' || p.author || ' of ' || p.at || ' on ' || s.ext_id || ' differs "
		"from the server''s copy of it' FROM pk.note p JOIN main.note m ON m.uid = p.uid JOIN pk.submission s "
		"ON s.id = p.submission_id WHERE m.submission_id IS NOT p.submission_id OR m.author IS NOT p.author "
		"OR m.read IS NOT p.read OR m.body IS NOT p.body OR m.at IS NOT p.at) LIMIT 1";
	return text3(s, sql, NULL, NULL, 0, what, err);
}

int store_packet_new_events(struct store *s, int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
			    struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT seq, uid, at, actor, action, subject, before, after, prev_hash, hash "
				   "FROM pk.audit WHERE uid NOT IN (SELECT uid FROM main.audit) ORDER BY seq", err);
	if (!st)
		return MC_FAIL;
	int rc = store_audit_walk(s, st, fn, ctx, err);
	sqlite3_reset(st);
	return rc;
}

int store_packet_server_since(struct store *s, const char *subject, long long base_seq, char **what,
			      struct mc_error *err)
{
	static const char sql[] =
		"SELECT group_concat(action || ' by ' || actor || ' at ' || at, '; ') FROM (SELECT action, actor, at "
		"FROM main.audit WHERE subject = ?1 AND seq > ?3 AND action NOT IN ('claim', 'release') "
		"AND uid NOT IN (SELECT audit_uid FROM main.packet_audit) "
		"ORDER BY seq)";
	return text3(s, sql, subject, NULL, base_seq, what, err);
}

int store_packet_conflict_known(struct store *s, const char *packet_id, const char *sub, int *known,
				struct mc_error *err)
{
	char *n = NULL;
	int rc = text3(s, "SELECT count(*) FROM main.packet_conflict WHERE packet_id = ?1 AND submission = ?2",
		       packet_id, sub, 0, &n, err);
	*known = n && atol(n) > 0;
	free(n);
	return rc;
}

/* json_object('c1', c1, 'c2', c2 …) for a column list. */
static char *json_args(const char *cols)
{
	struct mc_buf b = MC_BUF_INIT;
	char *copy = mc_xstrdup(cols), *save = NULL;
	for (char *c = strtok_r(copy, ", ", &save); c; c = strtok_r(NULL, ", ", &save))
		mc_buf_printf(&b, "%s'%s', %s", mc_buf_str(&b)[0] ? ", " : "", c, c);
	free(copy);
	return mc_buf_steal(&b);
}

/* A submission's records in `schema` (pk: the packet, main: the server) as
 * JSON, each table's rows in uid order so that the same rows give the same text. */
static char *records_sql(const char *schema)
{
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "SELECT json_object('status', (SELECT status FROM %s.submission WHERE ext_id = ?1)",
		      schema);
	for (size_t i = 0; i < NMERGE; i++) {
		char *args = json_args(merge_tables[i].cols);
		mc_buf_printf(&b, ", '%s', (SELECT json_group_array(json_object(%s)) FROM (SELECT * FROM %s.%s "
			      "WHERE submission_id = (SELECT id FROM %s.submission WHERE ext_id = ?1) ORDER BY uid))",
			      merge_tables[i].name, args, schema, merge_tables[i].name, schema);
		free(args);
	}
	mc_buf_adds(&b, ")");
	return mc_buf_steal(&b);
}

static int records_json_in(struct store *s, int server, const char *sub, char **json, struct mc_error *err)
{
	static char *sql[2]; /* built once: the statement cache knows a text by its address */
	if (!sql[server])
		sql[server] = records_sql(server ? "main" : "pk");
	return text3(s, sql[server], sub, NULL, 0, json, err);
}

int store_packet_records_json(struct store *s, const char *sub, char **json, struct mc_error *err)
{
	return records_json_in(s, 0, sub, json, err);
}

int store_packet_server_records_json(struct store *s, const char *sub, char **json, struct mc_error *err)
{
	return records_json_in(s, 1, sub, json, err);
}

/* From the packet, or from a conflict's JSON (?2): the same rows. */
static char *insert_sql(const struct merge_table *t, int from_json)
{
	/* an appended table keeps what this database has */
	char *fresh = t->append ? mc_xasprintf(" AND %s NOT IN (SELECT uid FROM main.%s)",
					       from_json ? "j.value ->> 'uid'" : "uid", t->name) : mc_xstrdup("");
	if (!from_json) {
		char *sql = mc_xasprintf("INSERT INTO main.%s(%s) SELECT %s FROM pk.%s WHERE submission_id = "
					 "(SELECT id FROM main.submission WHERE ext_id = ?1)%s", t->name, t->cols,
					 t->cols, t->name, fresh);
		free(fresh);
		return sql;
	}
	struct mc_buf b = MC_BUF_INIT;
	char *copy = mc_xstrdup(t->cols), *save = NULL;
	for (char *c = strtok_r(copy, ", ", &save); c; c = strtok_r(NULL, ", ", &save))
		mc_buf_printf(&b, "%sj.value ->> '%s'", mc_buf_str(&b)[0] ? ", " : "", c);
	free(copy);
	char *sql = mc_xasprintf("INSERT INTO main.%s(%s) SELECT %s FROM json_each(?2, '$.%s') j "
				 "WHERE ?1 IS NOT NULL%s", t->name, t->cols, mc_buf_str(&b), t->name, fresh);
	free(fresh);
	mc_buf_free(&b);
	return sql;
}

/* The reads a source's events (?2) worked on (store_packet_join). */
#define JOINED_READS                                                                                          \
	"read IN (SELECT (value ->> 'after') ->> 'read' FROM json_each(?2) WHERE value ->> 'action' IN ('score', " \
	"'feedback', 'read'))"

enum merge_sql_kind { SQL_DEL, SQL_INS, SQL_INS_JSON, SQL_JOIN_DEL, SQL_JOIN_INS, SQL_KINDS };

static char *make_merge_sql(const struct merge_table *t, enum merge_sql_kind k)
{
	switch (k) {
	case SQL_DEL: /* an appended table keeps its rows */
		return t->append ? mc_xstrdup("SELECT ?1, ?2")
				 : mc_xasprintf("DELETE FROM main.%s WHERE submission_id = (SELECT id FROM "
						"main.submission WHERE ext_id = ?1) AND (?2 IS NULL OR "
						"json_type(?2, '$.%s') IS NOT NULL)", t->name, t->name);
	case SQL_INS:
	case SQL_INS_JSON:
		return insert_sql(t, k == SQL_INS_JSON);
	case SQL_JOIN_DEL:
		return mc_xasprintf("DELETE FROM main.%s WHERE submission_id = (SELECT id FROM main.submission "
				    "WHERE ext_id = ?1) AND " JOINED_READS, t->name);
	default:
		return mc_xasprintf("INSERT INTO main.%s(%s) SELECT %s FROM pk.%s WHERE submission_id = "
				    "(SELECT id FROM main.submission WHERE ext_id = ?1) AND " JOINED_READS, t->name,
				    t->cols, t->cols, t->name);
	}
}

/* Table i's statement of kind k, built once for the process: the statement
 * cache (store_prep) knows a statement by its text's address. */
static const char *merge_sql(size_t i, enum merge_sql_kind k)
{
	static char *built[NMERGE][SQL_KINDS];
	if (!built[i][k])
		built[i][k] = make_merge_sql(&merge_tables[i], k);
	return built[i][k];
}

int store_packet_apply(struct store *s, const char *sub, const char *json, struct mc_error *err)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < NMERGE; i++) {
		rc = run3(s, merge_sql(i, SQL_DEL), sub, json, NULL, "merging the packet", err);
		if (rc == MC_OK)
			rc = run3(s, merge_sql(i, json ? SQL_INS_JSON : SQL_INS), sub, json, NULL, "merging the packet",
				  err);
	}
	/* Feedback written on a laptop may be older than the search index's mark
	 * (store_search.c indexes feedback from it on): move the mark back. */
	if (rc == MC_OK)
		rc = run3(s, "UPDATE main.meta SET value = (SELECT min(at) FROM main.feedback WHERE submission_id = "
			     "(SELECT id FROM main.submission WHERE ext_id = ?1)) WHERE key = 'search.feedback_at' "
			     "AND value > (SELECT min(at) FROM main.feedback WHERE submission_id = "
			     "(SELECT id FROM main.submission WHERE ext_id = ?1))", sub, NULL, NULL, "merging the packet",
			  err);
	if (rc == MC_OK && json)
		rc = run3(s, "UPDATE main.submission SET status = ?2 ->> '$.status', updated_at = "
			     "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE ext_id = ?1 AND status <> ?2 ->> '$.status'",
			  sub, json, NULL, "merging the packet", err);
	else if (rc == MC_OK)
		rc = run3(s, "UPDATE main.submission SET (status, updated_at) = (SELECT status, updated_at FROM "
			     "pk.submission WHERE ext_id = ?1) WHERE ext_id = ?1 AND status <> (SELECT status FROM "
			     "pk.submission WHERE ext_id = ?1)", sub, NULL, NULL, "merging the packet", err);
	return rc;
}

int store_packet_append_new(struct store *s, const char *sub, const char *records, struct mc_error *err)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < NMERGE; i++) {
		if (merge_tables[i].append)
			rc = run3(s, merge_sql(i, records ? SQL_INS_JSON : SQL_INS), sub, records, NULL,
				  "merging the packet", err);
	}
	return rc;
}

/* What a source did to a submission, read by read: the events (JSON, as a
 * conflict keeps them) of work that belongs to one read (scores, feedback, a
 * read's end), notes, claims, and the first score's move to in progress. */
#define READ_WORK(ev)                                                                                      \
	"(" ev "->> 'action' IN ('note', 'claim', 'release') OR (" ev "->> 'action' = 'status' AND (" ev " ->> " \
	"'after') ->> 'status' = 'in_progress') OR (" ev "->> 'action' IN ('score', 'feedback', 'read') AND ("  \
	ev " ->> 'after') ->> 'read' IS NOT NULL))"

int store_packet_joinable(struct store *s, const char *sub, const char *packet_id, const char *events, int *join,
			  struct mc_error *err)
{
	static const char sql[] =
		"WITH src(e) AS (SELECT value FROM json_each(?3)), oth(e) AS (SELECT e.value FROM main.packet_merged "
		"m, json_each(m.events) e WHERE m.submission = ?1 AND m.packet_id <> ?2) "
		"SELECT EXISTS (SELECT 1 FROM main.packet_merged WHERE submission = ?1 AND packet_id <> ?2) "
		"AND NOT EXISTS (SELECT 1 FROM main.packet_conflict WHERE submission = ?1 AND state = 'open') "
		"AND NOT EXISTS (SELECT 1 FROM src WHERE NOT " READ_WORK("e") ") "
		"AND NOT EXISTS (SELECT 1 FROM oth WHERE NOT " READ_WORK("e") " OR (e ->> 'after') ->> 'read' IN "
		"(SELECT (e ->> 'after') ->> 'read' FROM src WHERE e ->> 'action' IN ('score', 'feedback', 'read')))";
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sub);
	store_bind_text(st, 2, packet_id);
	store_bind_text(st, 3, events);
	int rc = sqlite3_step(st);
	*join = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading the packets' merges");
}

int store_packet_join(struct store *s, const char *sub, const char *events, char **before, struct mc_error *err)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < NMERGE; i++) {
		if (!merge_tables[i].by_read)
			continue;
		rc = run3(s, merge_sql(i, SQL_JOIN_DEL), sub, events, NULL, "merging the packet", err);
		if (rc == MC_OK)
			rc = run3(s, merge_sql(i, SQL_JOIN_INS), sub, events, NULL, "merging the packet", err);
	}
	if (rc == MC_OK)
		rc = store_packet_append_new(s, sub, NULL, err);
	/* what the first merge replaced: every joined merge undoes to it */
	if (rc == MC_OK)
		rc = text3(s, "SELECT before FROM main.packet_merged WHERE submission = ?1 ORDER BY packet_id LIMIT 1",
			   sub, NULL, 0, before, err);
	return rc;
}

int store_packet_note_audit(struct store *s, const char *uid, const char *packet_id, const char *hash,
			    struct mc_error *err)
{
	return run3(s, "INSERT OR IGNORE INTO main.packet_audit(audit_uid, packet_id, packet_hash) "
		       "VALUES (?1, ?2, ?3)", uid, packet_id, hash, "recording a merged audit row", err);
}

/* Bind a conflict's six texts (?1 packet … ?6 events) and run `sql`. */
static int conflict_write(struct store *s, const char *sql, const struct packet_conflict_row *c,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	const char *v[] = { c->packet_id, c->submission, c->server, c->packet, c->records, c->events };
	for (int i = 0; i < 6; i++)
		store_bind_text(st, i + 1, v[i]);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recording a conflict");
}

int store_packet_conflict_add(struct store *s, const struct packet_conflict_row *c, struct mc_error *err)
{
	return conflict_write(s, "INSERT INTO packet_conflict(packet_id, submission, server, packet, records, events) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", c, err);
}

int store_packet_conflict_update(struct store *s, const struct packet_conflict_row *c, struct mc_error *err)
{
	return conflict_write(s, "UPDATE packet_conflict SET server = ?3, packet = ?4, records = ?5, events = ?6 "
				 "WHERE packet_id = ?1 AND submission = ?2", c, err);
}

int store_packet_conflict_put_open(struct store *s, const struct packet_conflict_row *c, struct mc_error *err)
{
	int rc = conflict_write(s, "UPDATE packet_conflict SET packet_id = ?1, server = ?3, packet = ?4, records = ?5, "
				   "events = ?6 WHERE submission = ?2 AND state = 'open'", c, err);
	if (rc == MC_OK && sqlite3_changes(store_db(s)) == 0)
		rc = store_packet_conflict_add(s, c, err);
	return rc;
}

int store_packet_conflicts(struct store *s, int all, int (*fn)(void *ctx, const struct packet_conflict_row *c),
			   void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT id, packet_id, submission, server, packet, records, events, "
					 "state, resolved_by, resolved_at FROM packet_conflict "
					 "WHERE ?1 OR state = 'open' ORDER BY submission, packet_id", err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, all);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct packet_conflict_row c = {
			.id = sqlite3_column_int64(st, 0),
			.packet_id = (const char *)sqlite3_column_text(st, 1),
			.submission = (const char *)sqlite3_column_text(st, 2),
			.server = (const char *)sqlite3_column_text(st, 3),
			.packet = (const char *)sqlite3_column_text(st, 4),
			.records = (const char *)sqlite3_column_text(st, 5),
			.events = (const char *)sqlite3_column_text(st, 6),
			.state = (const char *)sqlite3_column_text(st, 7),
			.resolved_by = (const char *)sqlite3_column_text(st, 8),
			.resolved_at = (const char *)sqlite3_column_text(st, 9),
		};
		if (fn(ctx, &c)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the conflicts");
}

/* Open sides resolved as ?2: one (?1 its id) or a submission's all (?1 its id text). */
static int conflict_state(struct store *s, const char *sql, long long id, const char *sub, const char *state,
			  const char *by, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	if (sub)
		store_bind_text(st, 1, sub);
	else
		store_bind_int(st, 1, id);
	store_bind_text(st, 2, state);
	store_bind_text(st, 3, by);
	store_bind_text(st, 4, at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "resolving the conflict");
}

int store_packet_conflict_set(struct store *s, long long id, const char *state, const char *by, const char *at,
			      struct mc_error *err)
{
	return conflict_state(s, "UPDATE packet_conflict SET state = ?2, resolved_by = ?3, resolved_at = ?4 "
				 "WHERE id = ?1 AND state = 'open'", id, NULL, state, by, at, err);
}

int store_packet_conflict_settle(struct store *s, const char *sub, const char *state, const char *by, const char *at,
				 struct mc_error *err)
{
	return conflict_state(s, "UPDATE packet_conflict SET state = ?2, resolved_by = ?3, resolved_at = ?4 "
				 "WHERE submission = ?1 AND state = 'open'", 0, sub, state, by, at, err);
}

int store_packet_import_note(struct store *s, const char *packet_id, const char *district, const char *by,
			     const char *at, const char *importer, const char *now, long events, long conflicts,
			     struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "INSERT INTO packet_import(packet_id, district, exported_by, exported_at, "
					 "imported_by, imported_at, events, conflicts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
					 "?7, ?8) ON CONFLICT(packet_id) DO UPDATE SET events = events + ?7, "
					 "conflicts = conflicts + ?8", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, packet_id);
	store_bind_text(st, 2, district);
	store_bind_text(st, 3, by);
	store_bind_text(st, 4, at);
	store_bind_text(st, 5, importer);
	store_bind_text(st, 6, now);
	store_bind_int(st, 7, events);
	store_bind_int(st, 8, conflicts);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recording the import");
}

static long count(struct store *s, const char *sql, const char *a, const char *b, int *rc, struct mc_error *err)
{
	char *n = NULL;
	if (*rc == MC_OK)
		*rc = text3(s, sql, a, b, 0, &n, err);
	long v = n ? atol(n) : 0;
	free(n);
	return v;
}

int store_packet_figures(struct store *s, struct packet_figures *f, struct mc_error *err)
{
	int rc = MC_OK;
	/* The work it carries: earlier attempts, there to be read, have no assignment. */
#define CARRIED "submission_id IN (SELECT submission_id FROM assignment)"
	f->submissions = count(s, "SELECT count(*) FROM submission WHERE id IN (SELECT submission_id FROM "
				  "assignment)", NULL, NULL, &rc, err);
	f->scored = count(s, "SELECT count(DISTINCT submission_id) FROM score WHERE " CARRIED, NULL, NULL, &rc, err);
	f->decided = count(s, "SELECT count(*) FROM decision WHERE " CARRIED, NULL, NULL, &rc, err);
#undef CARRIED
	f->events = count(s, "SELECT count(*) FROM audit", NULL, NULL, &rc, err);
	return rc;
}

int store_packet_conflict_count(struct store *s, const char *packet_id, long *open, long *resolved,
				struct mc_error *err)
{
	int rc = MC_OK;
	*open = count(s, "SELECT count(*) FROM packet_conflict WHERE (?1 IS NULL OR packet_id = ?1) "
			 "AND state = 'open'", packet_id, NULL, &rc, err);
	*resolved = count(s, "SELECT count(*) FROM packet_conflict WHERE (?1 IS NULL OR packet_id = ?1) "
			     "AND state <> 'open'", packet_id, NULL, &rc, err);
	return rc;
}

int store_packet_imported(struct store *s, const char *packet_id, int *imported, struct mc_error *err)
{
	int rc = MC_OK;
	*imported = count(s, "SELECT count(*) FROM packet_import WHERE packet_id = ?1", packet_id, NULL, &rc, err) > 0;
	return rc;
}

int store_packet_removed(struct store *s, const char *sub, const char *records,
			 int (*fn)(void *ctx, const char *action, const char *before), void *ctx, struct mc_error *err)
{
	static const char sql[] =
		"SELECT 'score', json_object('criterion', c.code, 'level', l.code, 'comment', sc.comment, "
		"'assessor', sc.assessor, 'read', sc.read) FROM main.score sc JOIN main.criterion c ON c.id = "
		"sc.criterion_id JOIN main.level l ON l.id = sc.level_id WHERE sc.submission_id = (SELECT id FROM "
		"main.submission WHERE ext_id = ?1) AND NOT EXISTS (SELECT 1 FROM json_each(?2, '$.score') j WHERE "
		"j.value ->> 'criterion_id' = sc.criterion_id AND j.value ->> 'read' = sc.read) "
		"UNION ALL SELECT 'feedback', json_object('text', f.body, 'author', f.author, 'read', f.read) FROM "
		"main.feedback f WHERE f.submission_id = (SELECT id FROM main.submission WHERE ext_id = ?1) AND NOT "
		"EXISTS (SELECT 1 FROM json_each(?2, '$.feedback') j WHERE j.value ->> 'read' = f.read) "
		"UNION ALL SELECT 'decide', json_object('outcome', d.outcome, 'decided_by', d.decided_by) FROM "
		"main.decision d WHERE d.submission_id = (SELECT id FROM main.submission WHERE ext_id = ?1) AND "
		"json_array_length(?2, '$.decision') = 0";
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sub);
	store_bind_text(st, 2, records);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the server's records");
}

int store_packet_blind_texts(struct store *s, long long after, int most,
			     int (*fn)(void *ctx, long long id, const char *text, const char *name, const char *school),
			     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT ev.id, ev.text, e.name, sc.name FROM pk.evidence ev JOIN pk.submission su "
				   "ON su.id = ev.submission_id JOIN main.educator e ON e.id = su.educator_id "
				   "JOIN pk.educator pe ON pe.id = e.id LEFT JOIN main.school sc ON sc.id = e.school_id "
				   "WHERE pe.name = pe.anon_id AND ev.kind = 'text' AND ev.id > ?1 ORDER BY ev.id LIMIT ?2", err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, after);
	store_bind_int(st, 2, most);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the packet's evidence");
}

int store_packet_text_set(struct store *s, long long id, const char *text, const char *sha, const char *norm,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "UPDATE pk.evidence SET text = ?2, sha256 = ?3 WHERE id = ?1", err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, text);
	store_bind_text(st, 3, sha);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE && (st = store_prep(s, "UPDATE pk.evidence_norm SET sha256 = ?2 WHERE evidence_id = ?1",
					    err)) != NULL) {
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, norm);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "masking the packet's evidence");
}

int store_packet_sessions(struct store *s, int (*fn)(void *ctx, const struct packet_session_view *v), void *ctx,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT i.packet_id, i.district, i.exported_by, i.exported_at, "
					 "i.imported_by, i.imported_at, i.events, (SELECT count(*) FROM packet_conflict c "
					 "WHERE c.packet_id = i.packet_id AND c.state = 'open'), (SELECT count(*) FROM "
					 "packet_conflict c WHERE c.packet_id = i.packet_id AND c.state <> 'open') "
					 "FROM packet_import i ORDER BY i.imported_at DESC, i.packet_id", err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct packet_session_view v = {
			.packet_id = (const char *)sqlite3_column_text(st, 0),
			.district = (const char *)sqlite3_column_text(st, 1),
			.exported_by = (const char *)sqlite3_column_text(st, 2),
			.exported_at = (const char *)sqlite3_column_text(st, 3),
			.imported_by = (const char *)sqlite3_column_text(st, 4),
			.imported_at = (const char *)sqlite3_column_text(st, 5),
			.events = (long)sqlite3_column_int64(st, 6),
			.conflicts_open = (long)sqlite3_column_int64(st, 7),
			.conflicts_resolved = (long)sqlite3_column_int64(st, 8),
		};
		if (fn(ctx, &v)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the packets merged");
}

/* ---------------------------------------------------------------- any order */

/* Step `st` (reset here) calling fn with its first three
 * columns as text until it returns nonzero. */
static int walk3(struct store *s, sqlite3_stmt *st, int (*fn)(void *ctx, const char *a, const char *b, const char *c),
		 void *ctx, const char *what, struct mc_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

int store_packet_merged_put(struct store *s, const struct packet_merged_row *m, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "INSERT INTO packet_merged(packet_id, submission, base_seq, before, packet, "
					 "records, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO UPDATE "
					 "SET packet = excluded.packet, records = excluded.records, events = "
					 "excluded.events", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, m->packet_id);
	store_bind_text(st, 2, m->submission);
	store_bind_int(st, 3, m->base_seq);
	store_bind_text(st, 4, m->before);
	store_bind_text(st, 5, m->packet);
	store_bind_text(st, 6, m->records);
	store_bind_text(st, 7, m->events);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recording a packet's merge");
}

int store_packet_merged_each(struct store *s, const char *sub, int (*fn)(void *ctx, const struct packet_merged_row *m),
			     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT packet_id, submission, base_seq, before, packet, records, events "
					 "FROM packet_merged WHERE submission = ?1 ORDER BY packet_id", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sub);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct packet_merged_row m = {
			.packet_id = (const char *)sqlite3_column_text(st, 0),
			.submission = (const char *)sqlite3_column_text(st, 1),
			.base_seq = sqlite3_column_int64(st, 2),
			.before = (const char *)sqlite3_column_text(st, 3),
			.packet = (const char *)sqlite3_column_text(st, 4),
			.records = (const char *)sqlite3_column_text(st, 5),
			.events = (const char *)sqlite3_column_text(st, 6),
		};
		if (fn(ctx, &m)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the packets' merges");
}

int store_packet_merged_drop(struct store *s, const char *sub, const char *keep, struct mc_error *err)
{
	return run3(s, "DELETE FROM main.packet_merged WHERE submission = ?1 AND packet_id IS NOT ?2", sub, keep, NULL,
		    "recording a packet's merge", err);
}

int store_packet_touched(struct store *s, const char *packet_id, const char *sub, long long since, long *others,
			 long *own, struct mc_error *err)
{
	char *n = NULL;
	int rc = text3(s, "SELECT (SELECT count(*) FROM main.packet_merged m WHERE m.submission = ?1 AND "
		       "m.packet_id <> ?2 AND EXISTS (SELECT 1 FROM main.audit a JOIN main.packet_audit pa ON pa.audit_uid = a.uid "
		       "WHERE a.subject = 'submission:' || ?1 AND a.seq > ?3 AND pa.packet_id = m.packet_id)) + "
		       "(SELECT count(*) FROM main.packet_conflict WHERE submission = ?1 AND packet_id <> ?2 "
		       "AND state = 'open')", sub, packet_id, since, &n, err);
	*others = n ? atol(n) : 0;
	free(n);
	*own = count(s, "SELECT count(*) FROM main.packet_conflict WHERE submission = ?1 AND packet_id = ?2 AND "
			"state = 'open'", sub, packet_id, &rc, err);
	return rc;
}

int store_packet_audit_has(struct store *s, const char *uid, int *has, struct mc_error *err)
{
	int rc = MC_OK;
	*has = count(s, "SELECT count(*) FROM main.audit WHERE uid = ?1", uid, NULL, &rc, err) > 0;
	return rc;
}

int store_packet_restate(struct store *s, const char *sub, const char *records,
			 int (*fn)(void *ctx, const char *action, const char *before, const char *after), void *ctx,
			 struct mc_error *err)
{
	static const char sql[] =
		"WITH sub(id) AS (SELECT id FROM main.submission WHERE ext_id = ?1) "
		"SELECT 'score', NULL, json_object('criterion', c.code, 'level', l.code, 'comment', sc.comment, "
		"'assessor', sc.assessor, 'read', sc.read) FROM main.score sc JOIN main.criterion c ON c.id = "
		"sc.criterion_id JOIN main.level l ON l.id = sc.level_id WHERE sc.submission_id = (SELECT id FROM sub) "
		"UNION ALL SELECT 'feedback', NULL, json_object('text', f.body, 'author', f.author, 'read', f.read) "
		"FROM main.feedback f WHERE f.submission_id = (SELECT id FROM sub) "
		"UNION ALL SELECT 'decide', NULL, json_object('outcome', d.outcome, 'decided_by', d.decided_by, "
		"'status', d.outcome) FROM main.decision d WHERE d.submission_id = (SELECT id FROM sub) "
		"UNION ALL SELECT 'score', json_object('criterion', c.code, 'level', l.code, 'comment', "
		"j.value ->> 'comment', 'assessor', j.value ->> 'assessor', 'read', j.value ->> 'read'), NULL "
		"FROM json_each(?2, '$.score') j JOIN main.criterion c ON c.id = j.value ->> 'criterion_id' "
		"JOIN main.level l ON l.id = j.value ->> 'level_id' WHERE NOT EXISTS (SELECT 1 FROM main.score x "
		"WHERE x.submission_id = (SELECT id FROM sub) AND x.criterion_id = j.value ->> 'criterion_id' "
		"AND x.read = j.value ->> 'read') "
		"UNION ALL SELECT 'feedback', json_object('text', j.value ->> 'body', 'author', j.value ->> 'author', "
		"'read', j.value ->> 'read'), NULL FROM json_each(?2, '$.feedback') j WHERE NOT EXISTS (SELECT 1 "
		"FROM main.feedback x WHERE x.submission_id = (SELECT id FROM sub) AND x.read = j.value ->> 'read') "
		"UNION ALL SELECT 'decide', json_object('outcome', j.value ->> 'outcome', 'decided_by', "
		"j.value ->> 'decided_by'), NULL FROM json_each(?2, '$.decision') j WHERE NOT EXISTS (SELECT 1 "
		"FROM main.decision x WHERE x.submission_id = (SELECT id FROM sub)) "
		"ORDER BY 1, 2, 3";
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sub);
	store_bind_text(st, 2, records);
	return walk3(s, st, fn, ctx, "reading the server's records", err);
}

/* ---------------------------------------------------------------- packet list */

int store_packet_export_note(struct store *s, const struct packet_list_row *r, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "INSERT OR IGNORE INTO packet_export(packet_id, district, exported_by, "
					 "exported_at, assessors, submissions) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, r->packet_id);
	store_bind_text(st, 2, r->district);
	store_bind_text(st, 3, r->exported_by);
	store_bind_text(st, 4, r->exported_at);
	store_bind_text(st, 5, r->assessors);
	store_bind_int(st, 6, r->submissions);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recording the packet's export");
}

#define PACKET_CONFLICTS(state)                                                                                \
	"(SELECT count(*) FROM packet_conflict c WHERE c.packet_id = x.packet_id AND c.state " state ")"

int store_packet_list(struct store *s, int (*fn)(void *ctx, const struct packet_list_row *r), void *ctx,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT x.*, i.imported_by, i.imported_at, ifnull(i.events, 0), "
				      PACKET_CONFLICTS("= 'open'") ", " PACKET_CONFLICTS("<> 'open'") " FROM ("
				      "SELECT packet_id, district, exported_by, exported_at, assessors, submissions "
				      "FROM packet_export UNION ALL SELECT packet_id, district, exported_by, "
				      "exported_at, NULL, -1 FROM packet_import WHERE packet_id NOT IN (SELECT "
				      "packet_id FROM packet_export)) x LEFT JOIN packet_import i ON i.packet_id = "
				      "x.packet_id ORDER BY x.exported_at, x.packet_id", err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct packet_list_row r = {
			.packet_id = (const char *)sqlite3_column_text(st, 0),
			.district = (const char *)sqlite3_column_text(st, 1),
			.exported_by = (const char *)sqlite3_column_text(st, 2),
			.exported_at = (const char *)sqlite3_column_text(st, 3),
			.assessors = (const char *)sqlite3_column_text(st, 4),
			.submissions = (long)sqlite3_column_int64(st, 5),
			.imported_by = (const char *)sqlite3_column_text(st, 6),
			.imported_at = (const char *)sqlite3_column_text(st, 7),
			.events = (long)sqlite3_column_int64(st, 8),
			.conflicts_open = (long)sqlite3_column_int64(st, 9),
			.conflicts_resolved = (long)sqlite3_column_int64(st, 10),
		};
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the packets");
}

/* ---------------------------------------------------------------- earlier attempts */

int store_packet_blind_earlier(struct store *s, int (*fn)(void *ctx, const char *id, const char *name,
							  const char *school), void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT su.ext_id, e.name, sc.name FROM pk.submission su JOIN main.educator e ON "
				   "e.id = su.educator_id JOIN pk.educator pe ON pe.id = e.id LEFT JOIN main.school sc "
				   "ON sc.id = e.school_id WHERE pe.name = pe.anon_id AND su.id NOT IN (SELECT "
				   "submission_id FROM pk.assignment) ORDER BY su.id", err);
	return st ? walk3(s, st, fn, ctx, "reading the packet's earlier attempts", err) : MC_FAIL;
}

int store_packet_feedback_each(struct store *s, const char *sub,
			       int (*fn)(void *ctx, long long id, const char *body), void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT f.id, f.body FROM pk.feedback f JOIN pk.submission su ON su.id = "
				   "f.submission_id WHERE su.ext_id = ?1 ORDER BY f.id", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sub);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the packet's feedback");
}

int store_packet_feedback_set(struct store *s, long long id, const char *body, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "UPDATE pk.feedback SET body = ?2 WHERE id = ?1", err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, body);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "masking the packet's feedback");
}

/* ---------------------------------------------------------------- a conflict's sides, for people */

int store_packet_records_lines(struct store *s, const char *records, int (*fn)(void *ctx, const char *line),
			       void *ctx, struct mc_error *err)
{
	static const char sql[] =
		"SELECT line FROM (SELECT 0 AS g, 0 AS o, 'status ' || ifnull(?1 ->> '$.status', '?') AS line "
		"UNION ALL SELECT 1, c.id, c.code || ' ' || l.code || ' · ' || (j.value ->> 'assessor') || "
		"iif(ifnull(j.value ->> 'comment', '') <> '', ' · ' || (j.value ->> 'comment'), '') FROM "
		"json_each(?1, '$.score') j JOIN main.criterion c ON c.id = j.value ->> 'criterion_id' JOIN main.level l "
		"ON l.id = j.value ->> 'level_id' "
		"UNION ALL SELECT 2, j.key, 'feedback · ' || (j.value ->> 'author') || ': ' || (j.value ->> 'body') "
		"FROM json_each(?1, '$.feedback') j "
		"UNION ALL SELECT 3, j.key, 'decision ' || (j.value ->> 'outcome') || ' · ' || (j.value ->> "
		"'decided_by') || ' · ' || (j.value ->> 'at') FROM json_each(?1, '$.decision') j "
		"UNION ALL SELECT 4, j.key, (j.value ->> 'read') || ' read ended: ' || (j.value ->> 'outcome') || "
		"' · ' || (j.value ->> 'assessor') || ' · ' || (j.value ->> 'at') FROM json_each(?1, "
		"'$.read_decision') j) ORDER BY g, o";
	return each_text(s, sql, records, fn, ctx, err);
}
