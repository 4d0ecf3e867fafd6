/* store_archive.c: SQL for the evidence archive: the outbox, and the records the
 * archive holds, built from the database as canonical JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "mcassess/hash.h"
#include "mcassess/store_archive.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_OUTBOX_ADD[] =
	"INSERT INTO outbox(audit_seq, audit_hash, at, actor, action, subject, after, record) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_OUTBOX_EACH[] =
	"SELECT seq, audit_seq, audit_hash, at, actor, action, subject, after, record, state, error "
	"FROM outbox ORDER BY seq";
static const char SQL_OUTBOX_DONE[] = "DELETE FROM outbox WHERE seq <= ?1";
static const char SQL_OUTBOX_FAILED[] = "UPDATE outbox SET state = 'failed', error = ?2 WHERE seq = ?1";
static const char SQL_OUTBOX_COUNT[] =
	"SELECT count(*), (SELECT action || ' ' || subject || ' at ' || at FROM outbox ORDER BY seq LIMIT 1), "
	"(SELECT error FROM outbox WHERE error IS NOT NULL ORDER BY seq DESC LIMIT 1) FROM outbox";
/* An educator's record goes to the archive with their submissions' events. */
static const char SQL_OUTBOX_HAS[] =
	"SELECT 1 FROM outbox WHERE subject = ?1 OR (?1 LIKE 'educator:%' AND subject LIKE 'submission:%' "
	"AND json_extract(record, '$.educator') = substr(?1, 10)) LIMIT 1";

static const char SQL_LOG_DROP[] = "DELETE FROM archive_log";
static const char SQL_LOG_ADD[] = "INSERT INTO archive_log(ord, commit_id, key) VALUES (?1, ?2, ?3)";
static const char SQL_LOG_EACH[] =
	"SELECT ord, commit_id FROM archive_log WHERE key = ?1 UNION "
	"SELECT ord, commit_id FROM archive_log WHERE key = ?2 ORDER BY 1";

static const char SQL_SUB[] =
	"SELECT s.id, s.ext_id, c.code, r.version, s.attempt, p.ext_id, s.status, s.submitted_at, "
	"s.imported_at, s.source_sha256, e.ext_id FROM submission s "
	"JOIN credential c ON c.id = s.credential_id JOIN rubric r ON r.id = s.rubric_id "
	"JOIN educator e ON e.id = s.educator_id LEFT JOIN submission p ON p.id = s.previous_id "
	"WHERE s.ext_id = ?1";
static const char SQL_SUB_EVIDENCE[] =
	"SELECT ev.seq, pt.code, ev.kind, ev.file_name, ev.sha256, ev.words, ev.media_type "
	"FROM evidence ev JOIN part pt ON pt.id = ev.part_id WHERE ev.submission_id = ?1 ORDER BY ev.seq";
static const char SQL_SUB_SCORES[] =
	"SELECT sc.read, cr.code, l.code, l.label, sc.assessor, sc.comment, sc.at, sc.uid FROM score sc "
	"JOIN criterion cr ON cr.id = sc.criterion_id JOIN level l ON l.id = sc.level_id "
	"WHERE sc.submission_id = ?1";
static const char SQL_SUB_FEEDBACK[] =
	"SELECT read, author, body, at, uid FROM feedback WHERE submission_id = ?1";
static const char SQL_SUB_DECISION[] =
	"SELECT outcome, decided_by, reason, at, uid FROM decision WHERE submission_id = ?1";
static const char SQL_SUB_ASSIGN[] =
	"SELECT read, assessor, blind, assigned_by, at, uid, due_at FROM assignment WHERE submission_id = ?1";
static const char SQL_SUB_READS[] =
	"SELECT read, assessor, outcome, at, uid FROM read_decision WHERE submission_id = ?1";
static const char SQL_EDUCATOR[] =
	"SELECT e.name, d.name, sc.name, e.anon_id FROM educator e JOIN district d ON d.id = e.district_id "
	"LEFT JOIN school sc ON sc.id = e.school_id WHERE e.ext_id = ?1";
static const char SQL_PERSON[] =
	"SELECT p.name, p.email, p.role, d.name FROM person p LEFT JOIN district d ON d.id = p.district_id "
	"WHERE p.user = ?1";
static const char SQL_PERSON_REMOVED[] =
	"SELECT removed_at FROM person WHERE user = ?1 AND removed_at IS NOT NULL";
static const char SQL_CREDENTIAL[] =
	"SELECT pw.code, c.title, c.current_version, r.source_sha256 FROM credential c "
	"JOIN pathway pw ON pw.id = c.pathway_id "
	"LEFT JOIN rubric r ON r.credential_id = c.id AND r.version = c.current_version WHERE c.code = ?1";
static const char SQL_PATHWAY[] = "SELECT title, goal FROM pathway WHERE code = ?1";
static const char SQL_SUBJECTS[] =
	"SELECT 'pathway:' || code FROM pathway "
	"UNION ALL SELECT 'credential:' || code FROM credential "
	"UNION ALL SELECT 'person:' || user FROM person "
	"UNION ALL SELECT 'educator:' || ext_id FROM educator "
	"UNION ALL SELECT 'submission:' || ext_id FROM submission";
static const char SQL_EV_TEXT[] = "SELECT text FROM evidence WHERE sha256 = ?1 AND kind = 'text' LIMIT 1";
static const char SQL_EV_EACH[] =
	"SELECT sha256, max(kind = 'file') FROM evidence GROUP BY sha256 ORDER BY sha256";
/* Evidence the archive should hold by now: not that of submissions whose
 * events still wait in the outbox (an import stopped before its commit). */
static const char SQL_EV_COMMITTED[] =
	"SELECT ev.sha256, max(ev.kind = 'file') FROM evidence ev JOIN submission s ON s.id = ev.submission_id "
	"WHERE s.ext_id NOT IN (SELECT substr(subject, 12) FROM outbox WHERE subject LIKE 'submission:%') "
	"GROUP BY ev.sha256 ORDER BY ev.sha256";
int store_archive_configured(struct store *s, char **path, struct mc_error *err)
{
	return store_meta_get(s, "archive_path", path, err);
}

/* ---------------------------------------------------------------- layout */

static const char *kind_of(const char *subject, const char *kind)
{
	size_t n = strlen(kind);
	return strncmp(subject, kind, n) == 0 && subject[n] == ':' ? subject + n + 1 : NULL;
}

int store_archive_layout(struct store *s)
{
	char *v = NULL;
	struct mc_error e = MC_ERROR_INIT;
	store_meta_get(s, "archive_layout", &v, &e);
	mc_error_clear(&e);
	int layout = v ? atoi(v) : 1;
	free(v);
	return layout >= 2 ? 2 : 1;
}

/* The shard directories of a hex digest: "a/b/c/d/" (layout 2) or "ab/cd/" (1). */
static void put_shards(struct mc_buf *b, int layout, const char *hex, int levels1)
{
	if (layout >= 2)
		mc_buf_printf(b, "%.1s/%.1s/%.1s/%.1s/", hex, hex + 1, hex + 2, hex + 3);
	else if (levels1 == 2)
		mc_buf_printf(b, "%.2s/%.2s/", hex, hex + 2);
	else
		mc_buf_printf(b, "%.2s/", hex);
}

char *store_archive_path(int layout, const char *subject)
{
	struct mc_buf b = MC_BUF_INIT;
	const char *id;
	char h[MC_SHA256_HEX];
	if ((id = kind_of(subject, "submission"))) {
		mc_sha256_hex(id, strlen(id), h);
		mc_buf_adds(&b, "submissions/");
		put_shards(&b, layout, h, 2);
		mc_buf_add_name(&b, id);
		mc_buf_adds(&b, "/record.json");
	} else if ((id = kind_of(subject, "educator"))) {
		mc_sha256_hex(id, strlen(id), h);
		mc_buf_adds(&b, "educators/");
		put_shards(&b, layout, h, 1);
		mc_buf_add_name(&b, id);
		mc_buf_adds(&b, ".json");
	} else if ((id = kind_of(subject, "person"))) {
		mc_buf_adds(&b, "people/");
		mc_buf_add_name(&b, id);
		mc_buf_adds(&b, ".json");
	} else if ((id = kind_of(subject, "credential"))) {
		mc_buf_adds(&b, "catalog/credentials/");
		mc_buf_add_name(&b, id);
		mc_buf_adds(&b, ".json");
	} else if ((id = kind_of(subject, "pathway"))) {
		mc_buf_adds(&b, "catalog/pathways/");
		mc_buf_add_name(&b, id);
		mc_buf_adds(&b, ".json");
	} else {
		return NULL;
	}
	return mc_buf_steal(&b);
}

char *store_archive_evidence_path(int layout, const char *sha256)
{
	char h[8];
	snprintf(h, sizeof h, "%s____", sha256); /* a digest has four digits; anything else still gets a path */
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "evidence/");
	put_shards(&b, layout, h, 2);
	mc_buf_adds(&b, sha256);
	return mc_buf_steal(&b);
}

/* ---------------------------------------------------------------- records */

static json_t *col_str(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	return t ? json_string(t) : json_null();
}

static char *canonical(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(o);
	char *out = mc_xasprintf("%s\n", t);
	free(t);
	return out;
}

/* Run a per-submission query, adding each row through add(). */
static int sub_rows(struct store *s, const char *sql, long long rowid, json_t *into,
		    void (*add)(json_t *into, sqlite3_stmt *st), struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rowid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(into, st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a submission for the archive");
}

static json_t *by_read(json_t *into, sqlite3_stmt *st)
{
	const char *read = (const char *)sqlite3_column_text(st, 0);
	json_t *r = json_object_get(into, read ? read : "first");
	if (!r) {
		r = json_object();
		json_object_set_new(into, read ? read : "first", r);
	}
	return r;
}

static void add_evidence(json_t *into, sqlite3_stmt *st)
{
	const char *kind = (const char *)sqlite3_column_text(st, 2);
	json_t *e = json_pack("{s:I, s:o, s:o, s:o, s:I, s:o}", "seq", (json_int_t)sqlite3_column_int64(st, 0),
			      "part", col_str(st, 1), "kind", col_str(st, 2), "sha256", col_str(st, 4), "words",
			      (json_int_t)sqlite3_column_int64(st, 5), "media_type", col_str(st, 6));
	if (kind && strcmp(kind, "file") == 0)
		json_object_set_new(e, "file", col_str(st, 3));
	json_array_append_new(into, e);
}

static void add_score(json_t *into, sqlite3_stmt *st)
{
	json_object_set_new(by_read(into, st), (const char *)sqlite3_column_text(st, 1),
			    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "level", col_str(st, 2), "label",
				      col_str(st, 3), "assessor", col_str(st, 4), "comment", col_str(st, 5), "at",
				      col_str(st, 6), "uid", col_str(st, 7)));
}

static void add_feedback(json_t *into, sqlite3_stmt *st)
{
	const char *read = (const char *)sqlite3_column_text(st, 0);
	json_object_set_new(into, read ? read : "first",
			    json_pack("{s:o, s:o, s:o, s:o}", "author", col_str(st, 1), "text", col_str(st, 2),
				      "at", col_str(st, 3), "uid", col_str(st, 4)));
}

static void add_decision(json_t *into, sqlite3_stmt *st)
{
	json_object_set_new(into, "decision",
			    json_pack("{s:o, s:o, s:o, s:o, s:o}", "outcome", col_str(st, 0), "decided_by",
				      col_str(st, 1), "reason", col_str(st, 2), "at", col_str(st, 3), "uid",
				      col_str(st, 4)));
}

/* due_at only where the read has a due date, so records of reads assigned
 * before due dates existed read as they always did. */
static void add_assignment(json_t *into, sqlite3_stmt *st)
{
	const char *read = (const char *)sqlite3_column_text(st, 0);
	json_t *a = json_pack("{s:o, s:b, s:o, s:o, s:o}", "assessor", col_str(st, 1), "blind",
			      sqlite3_column_int(st, 2), "assigned_by", col_str(st, 3), "at", col_str(st, 4), "uid",
			      col_str(st, 5));
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		json_object_set_new(a, "due_at", col_str(st, 6));
	json_object_set_new(into, read ? read : "first", a);
}

/* How each read ended (the reader's own decision, before approval). */
static void add_read(json_t *into, sqlite3_stmt *st)
{
	const char *read = (const char *)sqlite3_column_text(st, 0);
	json_object_set_new(into, read ? read : "first",
			    json_pack("{s:o, s:o, s:o, s:o}", "assessor", col_str(st, 1), "outcome", col_str(st, 2),
				      "at", col_str(st, 3), "uid", col_str(st, 4)));
}

static int submission_record(struct store *s, const char *id, json_t **out, struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_SUB, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return MC_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, err, "reading a submission for the archive");
	}
	long long rowid = sqlite3_column_int64(st, 0);
	json_t *o = json_pack("{s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "id", col_str(st, 1),
			      "credential", col_str(st, 2), "rubric_version", (json_int_t)sqlite3_column_int64(st, 3),
			      "attempt", (json_int_t)sqlite3_column_int64(st, 4), "previous", col_str(st, 5),
			      "status", col_str(st, 6), "submitted_at", col_str(st, 7), "imported_at",
			      col_str(st, 8), "source_sha256", col_str(st, 9), "educator", col_str(st, 10));
	sqlite3_reset(st);
	json_t *ev = json_array(), *scores = json_object(), *fb = json_object(), *asg = json_object();
	json_t *reads = json_object();
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "scores", scores);
	json_object_set_new(o, "feedback", fb);
	json_object_set_new(o, "assignments", asg);
	json_object_set_new(o, "decision", json_null());
	rc = sub_rows(s, SQL_SUB_EVIDENCE, rowid, ev, add_evidence, err);
	int layout = rc == MC_OK ? store_archive_layout(s) : 1;
	for (size_t i = 0; rc == MC_OK && i < json_array_size(ev); i++) {
		json_t *e = json_array_get(ev, i);
		const char *sha = json_string_value(json_object_get(e, "sha256"));
		char *path = store_archive_evidence_path(layout, sha ? sha : "");
		json_object_set_new(e, "path", json_string(path));
		free(path);
	}
	if (rc == MC_OK)
		rc = sub_rows(s, SQL_SUB_SCORES, rowid, scores, add_score, err);
	if (rc == MC_OK)
		rc = sub_rows(s, SQL_SUB_FEEDBACK, rowid, fb, add_feedback, err);
	if (rc == MC_OK)
		rc = sub_rows(s, SQL_SUB_DECISION, rowid, o, add_decision, err);
	if (rc == MC_OK)
		rc = sub_rows(s, SQL_SUB_ASSIGN, rowid, asg, add_assignment, err);
	if (rc == MC_OK)
		rc = sub_rows(s, SQL_SUB_READS, rowid, reads, add_read, err);
	/* "reads" only once a read has ended: a record without reads reads as
	 * before, and an archive written before reads were recorded still pulls */
	if (json_object_size(reads))
		json_object_set(o, "reads", reads);
	json_decref(reads);
	if (rc != MC_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return MC_OK;
}

/* A one-row record: the row's columns under `keys` (NULL-terminated), plus id. */
static int simple_record(struct store *s, const char *sql, const char *id, const char *const *keys,
			 const int *ints, json_t **out, struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		json_t *o = json_pack("{s:s}", "id", id);
		for (int i = 0; keys[i]; i++)
			json_object_set_new(o, keys[i],
					    ints[i] && sqlite3_column_type(st, i) != SQLITE_NULL
						    ? json_integer(sqlite3_column_int64(st, i))
						    : col_str(st, i));
		*out = o;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a record for the archive");
}

/* A person removed (`people remove`) says when, so a pull carries it; the
 * others' records have no such key, as before. */
static int person_removed(struct store *s, const char *user, json_t *o, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PERSON_REMOVED, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		json_object_set_new(o, "removed", col_str(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a record for the archive");
}

int store_archive_record(struct store *s, const char *subject, char **json, struct mc_error *err)
{
	static const char *const edu_keys[] = { "name", "district", "school", "anon_id", NULL };
	static const char *const person_keys[] = { "name", "email", "role", "district", NULL };
	static const char *const cred_keys[] = { "pathway", "title", "version", "sha256", NULL };
	static const char *const path_keys[] = { "title", "goal", NULL };
	static const int no_ints[] = { 0, 0, 0, 0 }, cred_ints[] = { 0, 0, 1, 0 }, path_ints[] = { 0, 1 };
	*json = NULL;
	json_t *o = NULL;
	const char *id;
	int rc = MC_OK;
	if ((id = kind_of(subject, "submission")))
		rc = submission_record(s, id, &o, err);
	else if ((id = kind_of(subject, "educator")))
		rc = simple_record(s, SQL_EDUCATOR, id, edu_keys, no_ints, &o, err);
	else if ((id = kind_of(subject, "person")) && (rc = simple_record(s, SQL_PERSON, id, person_keys, no_ints, &o,
									   err)) == MC_OK && o)
		rc = person_removed(s, id, o, err);
	else if ((id = kind_of(subject, "credential")))
		rc = simple_record(s, SQL_CREDENTIAL, id, cred_keys, cred_ints, &o, err);
	else if ((id = kind_of(subject, "pathway")))
		rc = simple_record(s, SQL_PATHWAY, id, path_keys, path_ints, &o, err);
	if (rc == MC_OK && o)
		*json = canonical(o);
	return rc;
}

int store_archive_each_subject(struct store *s, int (*fn)(void *ctx, const char *subject), void *ctx,
			       struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SUBJECTS, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *subject = store_col_dup(st, 0);
		int stop = fn(ctx, subject);
		free(subject);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "listing the records for the archive");
}

/* ---------------------------------------------------------------- outbox */

int store_archive_queue(struct store *s, const struct audit_row *r, struct mc_error *err)
{
	char *path = NULL;
	int rc = store_archive_configured(s, &path, err);
	if (rc != MC_OK || !path)
		return rc;
	free(path);
	char *record = NULL;
	if ((rc = store_archive_record(s, r->subject, &record, err)) != MC_OK)
		return rc;
	sqlite3_stmt *st = store_prep(s, SQL_OUTBOX_ADD, err);
	if (!st) {
		free(record);
		return MC_FAIL;
	}
	store_bind_int(st, 1, r->seq);
	store_bind_text(st, 2, r->hash);
	store_bind_text(st, 3, r->at);
	store_bind_text(st, 4, r->actor);
	store_bind_text(st, 5, r->action);
	store_bind_text(st, 6, r->subject);
	store_bind_text(st, 7, r->after);
	store_bind_text(st, 8, record);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(record);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "queueing the change for the archive");
}

int store_archive_outbox_each(struct store *s, int (*fn)(void *ctx, const struct store_archive_event *e),
			      void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_OUTBOX_EACH, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_archive_event e = {
			.seq = sqlite3_column_int64(st, 0),
			.audit_seq = sqlite3_column_int64(st, 1),
			.audit_hash = (const char *)sqlite3_column_text(st, 2),
			.at = (const char *)sqlite3_column_text(st, 3),
			.actor = (const char *)sqlite3_column_text(st, 4),
			.action = (const char *)sqlite3_column_text(st, 5),
			.subject = (const char *)sqlite3_column_text(st, 6),
			.after = (const char *)sqlite3_column_text(st, 7),
			.record = (const char *)sqlite3_column_text(st, 8),
			.state = (const char *)sqlite3_column_text(st, 9),
			.error = (const char *)sqlite3_column_text(st, 10),
		};
		if (fn(ctx, &e)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the archive's outbox");
}

static int exec1(struct store *s, const char *sql, long long a, const char *b, const char *what,
		 struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, a);
	if (b)
		store_bind_text(st, 2, b);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

static int outbox_done(struct store *s, long long upto_seq, struct mc_error *err)
{
	return exec1(s, SQL_OUTBOX_DONE, upto_seq, NULL, "clearing the archive's outbox", err);
}

int store_archive_log_state(struct store *s, char **head, long long *count, struct mc_error *err)
{
	char *n = NULL;
	*count = 0;
	int rc = store_meta_get(s, "archive_log_head", head, err);
	if (rc == MC_OK)
		rc = store_meta_get(s, "archive_log_count", &n, err);
	if (rc == MC_OK && n)
		*count = atoll(n);
	free(n);
	return rc;
}

int store_archive_log_begin(struct store *s, const char *from, int replace, long long *count, int *covers,
			    struct mc_error *err)
{
	char *have = NULL;
	*count = 0;
	int rc = store_archive_log_state(s, &have, count, err);
	if (rc != MC_OK)
		return rc;
	if (!from)
		replace = 1; /* the archive had no commits: the index starts with these */
	*covers = replace || (have && strcmp(have, from) == 0);
	free(have);
	if (*covers && replace) {
		rc = exec1(s, SQL_LOG_DROP, 0, NULL, "clearing the archive's log index", err);
		*count = 0;
	}
	return rc;
}

int store_archive_log_rows(struct store *s, long long count, const struct store_archive_logrow *rows, size_t n,
			   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_LOG_ADD, err);
	int rc = st ? MC_OK : MC_FAIL;
	for (size_t i = 0; rc == MC_OK && i < n; i++) {
		store_bind_int(st, 1, count + rows[i].ord);
		store_bind_text(st, 2, rows[i].commit);
		store_bind_text(st, 3, rows[i].key);
		int r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r != SQLITE_DONE)
			rc = store_fail(s, err, "writing the archive's log index");
	}
	return rc;
}

int store_archive_log_end(struct store *s, const char *head, long long count, struct mc_error *err)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", count);
	int rc = store_meta_set(s, "archive_log_head", head, err);
	if (rc == MC_OK)
		rc = store_meta_set(s, "archive_log_count", num, err);
	return rc;
}

static int log_add(struct store *s, const char *from, int replace, const struct store_archive_logrow *rows,
		   size_t n, long long ncommits, const char *head, struct mc_error *err)
{
	long long count = 0;
	int covers = 0;
	int rc = store_archive_log_begin(s, from, replace, &count, &covers, err);
	if (rc != MC_OK || !covers)
		return rc; /* not covers: the index is behind, archive_log catches it up */
	rc = store_archive_log_rows(s, count, rows, n, err);
	if (rc == MC_OK)
		rc = store_archive_log_end(s, head, count + ncommits, err);
	return rc;
}

/* ---------------------------------------------------------------- scratch */

static const char SQL_SCRATCH_MAKE[] =
	"CREATE TEMP TABLE IF NOT EXISTS archive_scratch(path TEXT NOT NULL, ord INTEGER NOT NULL, oid BLOB NOT NULL)";
static const char SQL_SCRATCH_ADD[] = "INSERT INTO temp.archive_scratch(path, ord, oid) VALUES (?1, ?2, ?3)";
static const char SQL_SCRATCH_EACH[] = "SELECT path, oid FROM temp.archive_scratch ORDER BY path, ord";
static const char SQL_SCRATCH_CLEAR[] = "DELETE FROM temp.archive_scratch";
/* made once the list is whole (one sort, as ORDER BY's), dropped with it */
static const char SQL_SCRATCH_INDEX[] =
	"CREATE INDEX IF NOT EXISTS temp.archive_scratch_key ON archive_scratch(path, ord)";
static const char SQL_SCRATCH_UNINDEX[] = "DROP INDEX IF EXISTS temp.archive_scratch_key";
static const char SQL_SCRATCH_AFTER[] = "SELECT path, oid, ord FROM temp.archive_scratch WHERE (path, ord) > (?1, ?2) "
					"ORDER BY path, ord";

int store_archive_scratch_open(struct store *s, struct mc_error *err)
{
	if (sqlite3_exec(store_db(s), SQL_SCRATCH_MAKE, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, "making a scratch list for the archive");
	return exec1(s, SQL_SCRATCH_CLEAR, 0, NULL, "emptying the archive's scratch list", err);
}

int store_archive_scratch_add(struct store *s, const char *path, long long ord, const unsigned char *oid,
			      size_t oidlen, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCRATCH_ADD, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ord);
	sqlite3_bind_blob(st, 3, oid, (int)oidlen, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "writing the archive's scratch list");
}

int store_archive_scratch_each(struct store *s, int (*fn)(void *ctx, const char *path, const unsigned char *oid),
			       void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCRATCH_EACH, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		const unsigned char *oid = sqlite3_column_blob(st, 1);
		if (fn(ctx, path, oid)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the archive's scratch list");
}

/* The rows after key (path, ord), to fn, until it stops or pauses (*paused,
 * the key moved to the row it paused on). */
static int scratch_after(struct store *s, struct mc_buf *path, long long *ord, int *paused,
			 int (*fn)(void *ctx, const char *path, const unsigned char *oid), void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCRATCH_AFTER, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_text(st, 1, mc_buf_str(path), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, *ord);
	int rc, r = 0;
	*paused = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !(r = fn(ctx, (const char *)sqlite3_column_text(st, 0),
							   sqlite3_column_blob(st, 1))))
		;
	if (rc == SQLITE_ROW && r == STORE_SCRATCH_PAUSE) {
		*paused = 1;
		mc_buf_reset(path);
		mc_buf_adds(path, (const char *)sqlite3_column_text(st, 0));
		*ord = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading the archive's scratch list");
}

int store_archive_scratch_each_paused(struct store *s,
				      int (*fn)(void *ctx, const char *path, const unsigned char *oid),
				      int (*pause)(void *ctx), void *ctx, struct mc_error *err)
{
	struct mc_buf path = MC_BUF_INIT;
	mc_buf_adds(&path, "");
	long long ord = -1;
	int paused = 1;
	int rc = exec1(s, SQL_SCRATCH_INDEX, 0, NULL, "sorting the archive's scratch list", err);
	while (rc == MC_OK && paused) {
		rc = scratch_after(s, &path, &ord, &paused, fn, ctx, err);
		if (rc == MC_OK && paused && pause(ctx))
			break;
	}
	mc_buf_free(&path);
	return rc;
}

void store_archive_scratch_clear(struct store *s)
{
	sqlite3_exec(store_db(s), SQL_SCRATCH_CLEAR, NULL, NULL, NULL);
	sqlite3_exec(store_db(s), SQL_SCRATCH_UNINDEX, NULL, NULL, NULL);
}

long long store_archive_bytes_written(struct store *s)
{
	int pages = 0, hi = 0;
	sqlite3_db_status(store_db(s), SQLITE_DBSTATUS_CACHE_WRITE, &pages, &hi, 0);
	sqlite3_stmt *st = store_prep(s, "PRAGMA page_size", NULL);
	long long size = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 4096;
	if (st)
		sqlite3_reset(st);
	return (long long)pages * size;
}

int store_archive_meta_drop(struct store *s, const char *key, struct mc_error *err)
{
	return exec1(s, "DELETE FROM meta WHERE key = ?2", 0, key, "noting the pull done", err);
}

int store_archive_log_add(struct store *s, const char *from, int replace, const struct store_archive_logrow *rows,
			  size_t n, long long ncommits, const char *head, struct mc_error *err)
{
	int rc = store_begin(s, err);
	if (rc == MC_OK)
		rc = log_add(s, from, replace, rows, n, ncommits, head, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	return rc;
}

int store_archive_log_each(struct store *s, const char *a, const char *b,
			   int (*fn)(void *ctx, const char *commit), void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_LOG_EACH, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, a);
	store_bind_text(st, 2, b);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 1)))
			break;
	int ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	sqlite3_reset(st);
	return ok ? MC_OK : store_fail(s, err, "reading the archive's log index");
}

int store_archive_settle_log(struct store *s, long long upto_seq, const char *head, const char *from,
			     const struct store_archive_logrow *rows, size_t n, long long ncommits,
			     struct mc_error *err)
{
	/* Not synced to disk: if a power cut loses this, the archive head's
	 * Audit-Seq still says the events are in, and the next drain skips them. */
	sqlite3_exec(store_db(s), "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	int rc = store_begin(s, err);
	if (rc == MC_OK)
		rc = outbox_done(s, upto_seq, err);
	if (rc == MC_OK)
		rc = store_meta_set(s, "archive_head", head, err);
	if (rc == MC_OK && ncommits > 0)
		rc = log_add(s, from, 0, rows, n, ncommits, head, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	sqlite3_exec(store_db(s), "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return rc;
}

int store_archive_outbox_failed(struct store *s, long long seq, const char *why, struct mc_error *err)
{
	return exec1(s, SQL_OUTBOX_FAILED, seq, why ? why : "", "updating the archive's outbox", err);
}

int store_archive_outbox_count(struct store *s, long long *n, char **oldest, char **last_error,
			       struct mc_error *err)
{
	*n = 0;
	*oldest = *last_error = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_OUTBOX_COUNT, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		*oldest = store_col_dup(st, 1);
		*last_error = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading the archive's outbox");
}

int store_archive_outbox_has(struct store *s, const char *subject, int *pending, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_OUTBOX_HAS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, subject);
	int rc = sqlite3_step(st);
	*pending = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the archive's outbox");
}

/* ---------------------------------------------------------------- what commits need */

int store_archive_person(struct store *s, const char *user, char **name, char **email, struct mc_error *err)
{
	*name = *email = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_PERSON, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*name = store_col_dup(st, 0);
		*email = store_col_dup(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading people");
	if (!*name || !**name) {
		free(*name);
		*name = mc_xstrdup(user);
	}
	if (!*email || !**email) {
		free(*email);
		*email = mc_xasprintf("%s@localhost", user);
	}
	return MC_OK;
}

int store_archive_evidence_text(struct store *s, const char *sha256, char **text, size_t *len, int *found,
				struct mc_error *err)
{
	*text = NULL;
	*len = 0;
	*found = 0;
	sqlite3_stmt *st = store_prep(s, SQL_EV_TEXT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sha256);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *t = sqlite3_column_blob(st, 0);
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*text = mc_xmalloc(*len + 1);
		if (*len)
			memcpy(*text, t, *len);
		(*text)[*len] = '\0';
		*found = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading evidence");
}

static int evidence_walk(struct store *s, const char *sql, int (*fn)(void *ctx, const char *sha256, int is_file),
			 void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(st, 0);
		if (fn(ctx, sha ? sha : "", sqlite3_column_int(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading evidence");
}

int store_archive_evidence_each(struct store *s, int (*fn)(void *ctx, const char *sha256, int is_file),
				void *ctx, struct mc_error *err)
{
	return evidence_walk(s, SQL_EV_EACH, fn, ctx, err);
}

int store_archive_evidence_committed_each(struct store *s, int (*fn)(void *ctx, const char *sha256, int is_file),
					  void *ctx, struct mc_error *err)
{
	return evidence_walk(s, SQL_EV_COMMITTED, fn, ctx, err);
}
