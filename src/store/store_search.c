/* store_search.c: all the SQL of search: registering the tokenizer on each
 * connection, keeping the FTS5 index in step (hooks and catch-up), ranked
 * queries, and the row scan behind regex search. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/progress.h"
#include "mcassess/store_search.h"
#include "mcassess/util.h"
#include "search_int.h"
#include "store_int.h"

/* meta keys: the high-water marks of what is indexed */
#define HW_EVIDENCE "search.evidence_id"  /* every evidence row with id <= this is indexed */
#define HW_FEEDBACK "search.feedback_at"  /* every feedback row with at < this is indexed */
#define FORMAT_KEY "search.format"        /* SEARCH_FORMAT once the index has length marks */
#define IMPACT_BUILD_KEY "search.impact_build" /* a ranking index built in steps: evidence id reached */
#define PAIR_BUILD_KEY "search.pair_build" /* then its pairs of common words: evidence id reached */


static const char SQL_EV_MAX[] = "SELECT coalesce(max(id), 0) FROM evidence";
static const char SQL_EV_COUNT[] =
	"SELECT count(*) FROM evidence WHERE id > ?1 AND text IS NOT NULL";
static const char SQL_EV_INDEX[] =
	"INSERT INTO search_evidence(rowid, text) "
	"SELECT id, text FROM evidence WHERE id > ?1 AND id <= ?2 AND text IS NOT NULL ORDER BY id";
/* After a bulk load the index is a few dozen segments; a query then seeks each
 * term in each of them: 0.16 ms to snippet one row on 200,000 items, 0.011 ms
 * after 'optimize' merges them into one (2 s for 200,000 items). */
#define OPTIMIZE_AFTER 10000   /* rows indexed at once */
static const char SQL_EV_OPTIMIZE[] =
	"INSERT INTO search_evidence(search_evidence) VALUES ('optimize')";
/* Emptied, then filled as catch-up does (rows with text only): 'rebuild' would
 * also index the rows without text, as empty documents. */
static const char SQL_EV_CLEAR[] =
	"INSERT INTO search_evidence(search_evidence) VALUES ('delete-all')";

static const char SQL_FB_MAX_AT[] = "SELECT coalesce(max(at), '') FROM feedback";
/* Feedback changed since the mark (and not already indexed with this body). */
static const char SQL_FB_PENDING[] =
	"SELECT f.id, f.body FROM feedback f WHERE f.at >= ?1 AND NOT EXISTS "
	"(SELECT 1 FROM search_feedback x WHERE x.rowid = f.id AND x.body = f.body) ORDER BY f.id";
static const char SQL_FB_PENDING_COUNT[] =
	"SELECT count(*) FROM feedback f WHERE f.at >= ?1 AND NOT EXISTS "
	"(SELECT 1 FROM search_feedback x WHERE x.rowid = f.id AND x.body = f.body)";
static const char SQL_FB_COUNT[] = "SELECT count(*) FROM feedback";
static const char SQL_FB_BODY[] = "SELECT body FROM feedback WHERE id = ?1";
static const char SQL_FB_DELETE[] = "DELETE FROM search_feedback WHERE rowid = ?1";
static const char SQL_FB_INDEXED[] = "SELECT body FROM search_feedback WHERE rowid = ?1";
static const char SQL_FB_INSERT[] = "INSERT INTO search_feedback(rowid, body) VALUES (?1, ?2)";
/* 'rebuild' first: the rows are then indexed as the tokenizer now does, so the
 * DELETE (which tokenizes each row again) removes exactly what is there. */
/* The same for feedback: a snippet of one row of a 5-segment feedback index took
 * 0.1-0.3 ms (for `questions students`, whose best 50 are all feedback: 5 ms). */
static const char SQL_FB_OPTIMIZE[] =
	"INSERT INTO search_feedback(search_feedback) VALUES ('optimize')";
static const char SQL_FB_REBUILD[] =
	"INSERT INTO search_feedback(search_feedback) VALUES ('rebuild')";
static const char SQL_FB_CLEAR[] = "DELETE FROM search_feedback";
static const char SQL_FB_ALL[] =
	"INSERT INTO search_feedback(rowid, body) SELECT id, body FROM feedback ORDER BY id";

/* Ranked: ?1 ends with the length mark; one call reads every match (fts.c). Not
 * `ORDER BY rank`: that calls bm25() through SQL for every match (a docsize lookup
 * each) and sorts them all, 1.1 us a match. */
static const char SQL_EV_TOP[] =
	"SELECT " SEARCH_TOP_FN "(search_evidence, ?2) FROM search_evidence "
	"WHERE search_evidence MATCH ?1 LIMIT 1";
static const char SQL_FB_TOP[] =
	"SELECT " SEARCH_TOP_FN "(search_feedback, ?2) FROM search_feedback "
	"WHERE search_feedback MATCH ?1 LIMIT 1";
/* Two phrases or more: the same, a call a row (fts.c: struct search_top). */
static const char SQL_EV_TOP_ROWS[] =
	"SELECT sum(x) FROM (SELECT " SEARCH_TOP_FN "(search_evidence, ?2) AS x FROM search_evidence WHERE search_evidence MATCH ?1 LIMIT -1)";
static const char SQL_FB_TOP_ROWS[] =
	"SELECT sum(x) FROM (SELECT " SEARCH_TOP_FN "(search_feedback, ?2) AS x FROM search_feedback WHERE search_feedback MATCH ?1 LIMIT -1)";
static const char SQL_DATA_VERSION[] = "PRAGMA data_version";
/* Newest first: FTS5 walks its doclists backwards and stops after ?2 rows. */
static const char SQL_EV_NEWEST[] =
	"SELECT rowid FROM search_evidence WHERE search_evidence MATCH ?1 ORDER BY rowid DESC LIMIT ?2";
static const char SQL_FB_NEWEST[] =
	"SELECT rowid FROM search_feedback WHERE search_feedback MATCH ?1 ORDER BY rowid DESC LIMIT ?2";
static const char SQL_EV_HIT[] =
	"SELECT e.submission_id, s.ext_id, p.code, " SEARCH_SNIPPET_FN "(search_evidence, ?3) "
	"FROM search_evidence JOIN evidence e ON e.id = search_evidence.rowid "
	"JOIN submission s ON s.id = e.submission_id JOIN part p ON p.id = e.part_id "
	"WHERE search_evidence MATCH ?1 AND search_evidence.rowid = ?2 AND " STORE_SCOPE("s");
static const char SQL_FB_HIT[] =
	"SELECT f.submission_id, s.ext_id, f.read, " SEARCH_SNIPPET_FN "(search_feedback, ?3) "
	"FROM search_feedback JOIN feedback f ON f.id = search_feedback.rowid "
	"JOIN submission s ON s.id = f.submission_id "
	"WHERE search_feedback MATCH ?1 AND search_feedback.rowid = ?2 AND " STORE_SCOPE("s")
	" AND NOT " STORE_READ_HIDDEN("f");

/* The rows of an assessor's submissions (and earlier attempts), by rowid. */
static const char SQL_EV_ASSIGNED[] =
	"SELECT id FROM evidence WHERE submission_id IN (" STORE_ASSIGNED_IDS ") ORDER BY id";
static const char SQL_FB_ASSIGNED[] =
	"SELECT f.id FROM feedback f WHERE f.submission_id IN (" STORE_ASSIGNED_IDS ") "
	"AND NOT " STORE_READ_HIDDEN("f") " ORDER BY f.id";
/* Only the evidence and feedback of submissions in the acting user's scope. */
static const char SQL_EV_SCAN[] =
	"SELECT e.id, e.text FROM evidence e JOIN submission s ON s.id = e.submission_id "
	"WHERE " STORE_SCOPE("s") " ORDER BY e.id";
static const char SQL_FB_SCAN[] =
	"SELECT f.id, f.body FROM feedback f JOIN submission s ON s.id = f.submission_id "
	"WHERE " STORE_SCOPE("s") " AND NOT " STORE_READ_HIDDEN("f") " ORDER BY f.id";
static const char SQL_EV_LOCATE[] =
	"SELECT e.submission_id, s.ext_id, p.code FROM evidence e "
	"JOIN submission s ON s.id = e.submission_id JOIN part p ON p.id = e.part_id WHERE e.id = ?1";
static const char SQL_FB_LOCATE[] =
	"SELECT f.submission_id, s.ext_id, f.read FROM feedback f "
	"JOIN submission s ON s.id = f.submission_id WHERE f.id = ?1";

/* ---------------------------------------------------------------- setup */

/* Fetched once a connection (a statement stepped: a tokenizer call a row, as a
 * ranked query counts words in rows' text or the index is built, paid for it). */
int store_search_api(struct store *s, fts5_api **api, struct mc_error *err)
{
	void **slot = store_fts_api_slot(s);
	if (*slot) {
		*api = *slot;
		return MC_OK;
	}
	sqlite3_stmt *st = store_prep(s, SEARCH_FTS_API_SQL, err);
	if (!st)
		return MC_FAIL;
	*api = search_fts_fetch_api(st);
	if (!*api)
		return mc_error_set(err, MC_FAIL, "%s: this SQLite has no full-text search (FTS5)",
				    store_path(s));
	*slot = *api;
	return MC_OK;
}

int store_search_in_tx(struct store *s) { return !sqlite3_get_autocommit(store_db(s)); }

/* The tokenizer's callback as the store's users see it: no length mark, no FTS5 flags. */
struct tok_relay {
	store_token_fn cb;
	void *ctx;
};

static int relay_token(void *p, int tflags, const char *tok, int ntok, int start, int end)
{
	struct tok_relay *r = p;
	if (ntok == (int)sizeof SEARCH_LENGTH_MARK - 1 && memcmp(tok, SEARCH_LENGTH_MARK, (size_t)ntok) == 0)
		return SQLITE_OK;   /* the index's own, not a word of the text */
	return r->cb(r->ctx, tok, ntok, start, end, (tflags & FTS5_TOKEN_COLOCATED) != 0) ? SQLITE_ABORT : SQLITE_OK;
}

int store_search_tokenize(struct store *s, const char *text, size_t len, int query, store_token_fn cb,
			  void *ctx, struct mc_error *err)
{
	fts5_api *api;
	struct tok_relay r = { cb, ctx };
	int rc = store_search_api(s, &api, err);
	if (rc != MC_OK)
		return rc;
	rc = search_fts_tokenize(api, text, (int)len, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, &r,
				 relay_token);
	return rc == SQLITE_OK || rc == SQLITE_ABORT ? MC_OK : mc_error_set(err, MC_FAIL, "search: the tokenizer failed");
}

/* ---------------------------------------------------------------- small helpers */

/* One row, one integer column (?1 bound to `arg` when arg_text or arg >= 0). */
static int one_int(struct store *s, const char *sql, const char *arg_text, long long arg,
		   long long *out, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	if (arg_text)
		store_bind_text(st, 1, arg_text);
	else if (arg >= 0)
		store_bind_int(st, 1, arg);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the search index");
}

/* One row's text column by id: *found 0 (and *text NULL) without the row. */
static int one_text(struct store *s, const char *sql, long long id, char **text, int *found, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	*text = NULL;
	*found = 0;
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		*text = store_col_dup(st, 0);
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the search index");
}

static int step_done(struct store *s, sqlite3_stmt *st, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "updating the search index");
}

static int hw_get(struct store *s, long long *ev, char **fb, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, HW_EVIDENCE, &v, err);
	if (rc != MC_OK)
		return rc;
	*ev = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	if (!fb)
		return MC_OK;
	rc = store_meta_get(s, HW_FEEDBACK, fb, err);
	if (rc == MC_OK && !*fb)
		*fb = mc_xstrdup("");
	return rc;
}

static int hw_set_evidence(struct store *s, long long id, struct mc_error *err)
{
	char *v = mc_xasprintf("%lld", id);
	int rc = store_meta_set(s, HW_EVIDENCE, v, err);
	free(v);
	return rc;
}

/* ---------------------------------------------------------------- keeping in step */

/* An index written before the length marks (SEARCH_FORMAT) is rebuilt once, before
 * anything else writes it: FTS5 deletes a row by tokenizing it again, so rows with
 * and without marks must never mix. One meta read when it is current. */
static int ensure_format(struct store *s, long long *done, struct mc_error *err)
{
	char *v = NULL;
	long long ev = 0, fb = 0;
	int rc = store_meta_get(s, FORMAT_KEY, &v, err);
	int current = rc == MC_OK && v && strcmp(v, SEARCH_FORMAT) == 0;
	free(v);
	if (rc != MC_OK || current)
		return rc;
	if ((rc = search_reindex(s, err)) != MC_OK || !done)
		return rc;
	rc = one_int(s, SQL_EV_COUNT, NULL, 0, &ev, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_FB_COUNT, NULL, -1, &fb, err);
	*done += ev + fb;
	return rc;
}

static int optimize_evidence(struct store *s, struct mc_error *err)
{
	progress_report("merging the search index", 0, -1);
	sqlite3_stmt *st = store_prep(s, SQL_EV_OPTIMIZE, err);
	return st ? step_done(s, st, err) : MC_FAIL;
}

#define INDEX_SLICE 16384 /* evidence ids per statement: progress is told between them */

/* merge: 1 = merge the segments when many rows were indexed at once; 0 = never (a
 * bulk load that indexes batch by batch merges once, at its end). */
static int index_evidence_range(struct store *s, long long after, long long upto, int merge,
				struct mc_error *err)
{
	sqlite3_stmt *st;
	int rc = MC_OK;
	for (long long from = after; rc == MC_OK && from < upto;) {
		long long to = upto - from > INDEX_SLICE ? from + INDEX_SLICE : upto;
		if (!(st = store_prep(s, SQL_EV_INDEX, err)))
			return MC_FAIL;
		store_bind_int(st, 1, from);
		store_bind_int(st, 2, to);
		rc = step_done(s, st, err);
		progress_report("indexing evidence for search", to - after, upto - after);
		from = to;
	}
	if (rc == MC_OK && merge && upto - after >= OPTIMIZE_AFTER)
		rc = optimize_evidence(s, err);
	int impact = 0;
	if (rc == MC_OK)
		rc = impact_built(s, &impact, err);
	if (rc == MC_OK && impact)
		rc = impact_add_evidence(s, after, upto, err);
	return rc == MC_OK ? hw_set_evidence(s, upto, err) : rc;
}

/* The evidence index from scratch; *max gets the newest evidence id. */
static int rebuild_evidence(struct store *s, long long *max, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EV_CLEAR, err);
	int rc = st ? step_done(s, st, err) : MC_FAIL;
	if (rc == MC_OK)
		rc = impact_clear(s, SEARCH_EVIDENCE, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_EV_MAX, NULL, -1, max, err);
	if (rc == MC_OK)
		rc = index_evidence_range(s, 0, *max, 1, err);
	int impact = 0;
	if (rc == MC_OK)
		rc = impact_built(s, &impact, err);
	if (rc == MC_OK && impact) /* the pairs of the words common now, a second pass */
		rc = impact_pairs_choose(s, SEARCH_EVIDENCE, err);
	return rc == MC_OK && impact ? impact_pairs_add_evidence(s, 0, *max, err) : rc;
}

int search_index_evidence(struct store *s, long long evidence_rowid, struct mc_error *err)
{
	long long hw;
	int rc = ensure_format(s, NULL, err);
	if (rc == MC_OK)
		rc = hw_get(s, &hw, NULL, err);
	if (rc != MC_OK || evidence_rowid <= hw)
		return rc;
	return index_evidence_range(s, hw, evidence_rowid, 1, err);
}

/* The impact index's side of replacing a feedback row: out as it was indexed
 * (before), in with its new body (after). */
static int feedback_impact(struct store *s, long long id, const char *body, int after, struct mc_error *err)
{
	int impact = 0, rc = impact_built(s, &impact, err);
	if (rc != MC_OK || !impact)
		return rc;
	if (after) {
		struct impact_batch *b = impact_batch_new(SEARCH_FEEDBACK);
		rc = impact_batch_row(s, b, id, body, strlen(body), err);
		if (rc == MC_OK)
			rc = impact_batch_flush(s, b, err);
		impact_batch_free(&b);
		return rc;
	}
	char *old = NULL;
	int found = 0;
	rc = one_text(s, SQL_FB_INDEXED, id, &old, &found, err);
	if (rc == MC_OK && found)
		rc = impact_remove_row(s, SEARCH_FEEDBACK, id, old, err);
	free(old);
	return rc;
}

/* Replace one feedback row in the index by its current body (NULL: remove it). */
static int feedback_put(struct store *s, long long id, const char *body, struct mc_error *err)
{
	int rc = feedback_impact(s, id, NULL, 0, err);
	sqlite3_stmt *st = rc == MC_OK ? store_prep(s, SQL_FB_DELETE, err) : NULL;
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	rc = step_done(s, st, err);
	if (rc != MC_OK || !body)
		return rc;
	if (!(st = store_prep(s, SQL_FB_INSERT, err)))
		return MC_FAIL;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, body);
	rc = step_done(s, st, err);
	return rc == MC_OK ? feedback_impact(s, id, body, 1, err) : rc;
}

/* Feedback written since the mark, then the mark moves to the newest. */
static int catch_up_feedback(struct store *s, long long *done, struct mc_error *err)
{
	long long ev;
	char *mark = NULL, *newest = NULL;
	int rc = hw_get(s, &ev, &mark, err);
	sqlite3_stmt *st = rc == MC_OK ? store_prep(s, SQL_FB_PENDING, err) : NULL;
	if (!st) {
		free(mark);
		return MC_FAIL;
	}
	/* Collect first: the index is written while this query would still be reading it. */
	store_bind_text(st, 1, mark);
	long long *ids = NULL;
	char **bodies = NULL;
	size_t n = 0, cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = mc_xrealloc(ids, cap * sizeof *ids);
			bodies = mc_xrealloc(bodies, cap * sizeof *bodies);
		}
		ids[n] = sqlite3_column_int64(st, 0);
		bodies[n++] = store_col_dup(st, 1);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		rc = store_fail(s, err, "reading feedback to index");
	for (size_t i = 0; i < n && rc == MC_OK; i++)
		rc = feedback_put(s, ids[i], bodies[i], err);
	if (rc == MC_OK && n >= OPTIMIZE_AFTER)
		rc = (st = store_prep(s, SQL_FB_OPTIMIZE, err)) ? step_done(s, st, err) : MC_FAIL;
	if (rc == MC_OK && done)
		*done += (long long)n;
	if (rc == MC_OK && (st = store_prep(s, SQL_FB_MAX_AT, err)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			newest = store_col_dup(st, 0);
		sqlite3_reset(st);
		if (newest && strcmp(newest, mark) != 0)
			rc = store_meta_set(s, HW_FEEDBACK, newest, err);
	} else if (rc == MC_OK) {
		rc = MC_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		free(bodies[i]);
	free(ids);
	free(bodies);
	free(mark);
	free(newest);
	return rc;
}

int search_index_feedback(struct store *s, long long feedback_rowid, struct mc_error *err)
{
	if (ensure_format(s, NULL, err) != MC_OK)
		return MC_FAIL;
	char *body = NULL;
	int found;
	if (one_text(s, SQL_FB_BODY, feedback_rowid, &body, &found, err) != MC_OK)
		return MC_FAIL;
	int rc = feedback_put(s, feedback_rowid, body, err);
	free(body);
	return rc == MC_OK ? catch_up_feedback(s, NULL, err) : rc;
}

static int catch_up_evidence(struct store *s, long long *done, int merge, struct mc_error *err)
{
	long long hw, max, n = 0;
	int rc = hw_get(s, &hw, NULL, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_EV_MAX, NULL, -1, &max, err);
	if (rc != MC_OK || max == hw)
		return rc;
	if (max < hw) {
		/* Rows at the top were deleted (a restored copy?): ids will be reused, so
		 * the index cannot be trusted; rebuild it. */
		if ((rc = rebuild_evidence(s, &max, err)) != MC_OK)
			return rc;
		if (done && (rc = one_int(s, SQL_EV_COUNT, NULL, 0, &n, err)) == MC_OK)
			*done += n;
		return rc;
	}
	if (done && (rc = one_int(s, SQL_EV_COUNT, NULL, hw, &n, err)) != MC_OK)
		return rc;
	if (done)
		*done += n;
	return index_evidence_range(s, hw, max, merge, err);
}

/* What waits to be indexed, and the evidence index's mark (*hw). */
static int pending(struct store *s, long long *evidence, long long *feedback, long long *hw_out,
		   struct mc_error *err)
{
	long long hw = 0;
	char *mark = NULL;
	*evidence = *feedback = 0;
	int rc = hw_get(s, &hw, &mark, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_EV_COUNT, NULL, hw, evidence, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_FB_PENDING_COUNT, mark, 0, feedback, err);
	free(mark);
	*hw_out = hw;
	return rc;
}

int search_pending(struct store *s, long long *evidence, long long *feedback, struct mc_error *err)
{
	long long hw;
	return pending(s, evidence, feedback, &hw, err);
}

int store_search_impact_build(struct store *s, struct mc_error *err)
{
	long long hw;
	progress_report("building the ranking index", 0, -1);
	int rc = impact_clear(s, SEARCH_EVIDENCE, err);
	if (rc == MC_OK)
		rc = impact_clear(s, SEARCH_FEEDBACK, err);
	if (rc == MC_OK)
		rc = hw_get(s, &hw, NULL, err);
	if (rc == MC_OK)
		rc = impact_add_evidence(s, 0, hw, err);
	if (rc == MC_OK) /* the pairs of the words common now, a second pass */
		rc = impact_pairs_choose(s, SEARCH_EVIDENCE, err);
	if (rc == MC_OK)
		rc = impact_pairs_add_evidence(s, 0, hw, err);
	if (rc == MC_OK)
		rc = impact_add_feedback_all(s, err);
	if (rc == MC_OK)   /* a build in steps under way is done */
		rc = store_meta_set(s, IMPACT_BUILD_KEY, "", err);
	if (rc == MC_OK)
		rc = store_meta_set(s, PAIR_BUILD_KEY, "", err);
	return rc == MC_OK ? impact_mark_built(s, err) : rc;
}

/* The ranking index to be built again when its pairs were chosen from fewer rows
 * than the words in over a quarter of them are paired at, and the table has that many
 * now (fts_impact.c): once, as an index of an older format is. */
static int impact_outgrown(struct store *s, int *again, struct mc_error *err)
{
	int rc = impact_pairs_outgrown(s, again, err);
	if (rc == MC_OK && *again && (rc = store_meta_set(s, IMPACT_BUILD_KEY, "", err)) == MC_OK)
		rc = impact_unmark(s, err);
	return rc;
}

/* The ranking index built once (an index of before it gets it here); after that
 * every write keeps it in step. */
static int impact_ensure(struct store *s, struct mc_error *err)
{
	int impact = 0, again = 0;
	int rc = impact_built(s, &impact, err);
	if (rc == MC_OK && impact && (rc = impact_outgrown(s, &again, err)) == MC_OK && again)
		impact = 0;
	return rc == MC_OK && !impact ? store_search_impact_build(s, err) : rc;
}

static int outgrown_tx(struct store *s, void *arg, struct mc_error *err)
{
	return impact_outgrown(s, arg, err);
}

/* Inside the caller's transaction. */
static int catch_up(struct store *s, long long *indexed, struct mc_error *err)
{
	int rc = ensure_format(s, indexed, err);
	if (rc == MC_OK)
		rc = catch_up_evidence(s, indexed, 1, err);
	if (rc == MC_OK)
		rc = catch_up_feedback(s, indexed, err);
	return rc == MC_OK ? impact_ensure(s, err) : rc;
}

int search_index_bulk(struct store *s, int merge, long long *indexed, struct mc_error *err)
{
	if (indexed)
		*indexed = 0;
	int rc = ensure_format(s, indexed, err);
	if (rc == MC_OK)
		rc = catch_up_evidence(s, indexed, 0, err);
	if (rc == MC_OK)
		rc = catch_up_feedback(s, indexed, err);
	if (rc == MC_OK)
		rc = impact_ensure(s, err);
	return rc == MC_OK && merge ? optimize_evidence(s, err) : rc;
}

/* The feedback index from scratch, its mark at the newest; the format current. */
static int reindex_feedback(struct store *s, struct mc_error *err)
{
	sqlite3_stmt *st;
	int rc = (st = store_prep(s, SQL_FB_REBUILD, err)) ? step_done(s, st, err) : MC_FAIL;
	if (rc == MC_OK)
		rc = (st = store_prep(s, SQL_FB_CLEAR, err)) ? step_done(s, st, err) : MC_FAIL;
	if (rc == MC_OK)
		rc = (st = store_prep(s, SQL_FB_ALL, err)) ? step_done(s, st, err) : MC_FAIL;
	int impact = 0;
	if (rc == MC_OK)
		rc = impact_built(s, &impact, err);
	if (rc == MC_OK)
		rc = impact_clear(s, SEARCH_FEEDBACK, err);
	if (rc == MC_OK && impact)
		rc = impact_add_feedback_all(s, err);
	if (rc == MC_OK && (st = store_prep(s, SQL_FB_MAX_AT, err)) != NULL) {
		char *newest = NULL;
		if (sqlite3_step(st) == SQLITE_ROW)
			newest = store_col_dup(st, 0);
		sqlite3_reset(st);
		rc = store_meta_set(s, HW_FEEDBACK, newest ? newest : "", err);
		free(newest);
	} else if (rc == MC_OK) {
		rc = MC_FAIL;
	}
	return rc == MC_OK ? store_meta_set(s, FORMAT_KEY, SEARCH_FORMAT, err) : rc;
}

int search_reindex(struct store *s, struct mc_error *err)
{
	long long max;
	int rc = rebuild_evidence(s, &max, err);
	return rc == MC_OK ? reindex_feedback(s, err) : rc;
}

/* ---------------------------------------------------------------- building in steps
 * On its own (outside a caller's transaction) the index is built in transactions of
 * CATCH_UP_CHUNK evidence rows: an interrupted build (Ctrl-C, a crash, a stop asked
 * for by the caller) keeps the rows it did, the mark moves with each chunk, and the
 * next catch-up carries on from there. */
#define CATCH_UP_CHUNK SEARCH_CATCH_UP_CHUNK
/* The rows of a step: always CATCH_UP_CHUNK in the program; only tests/unit/test_search
 * lowers it, to cross a step's end with a tenth of the rows (search_int.h). */
long long store_search_chunk = CATCH_UP_CHUNK;
static const char SQL_EV_NTH[] =
	"SELECT id FROM evidence WHERE id > ?1 AND text IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?2";

/* Run fn in a transaction of its own: committed when it returns MC_OK. */
static int in_tx(struct store *s, int (*fn)(struct store *, void *, struct mc_error *), void *arg,
		 struct mc_error *err)
{
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = fn(s, arg, err);
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

/* A whole rebuild is needed: an index of an older format, or evidence deleted at
 * the top (a restored copy?: ids will be reused). */
static int needs_reset(struct store *s, int *yes, struct mc_error *err)
{
	char *format = NULL;
	long long hw = 0, max = 0;
	int rc = store_meta_get(s, FORMAT_KEY, &format, err);
	*yes = rc == MC_OK && (!format || strcmp(format, SEARCH_FORMAT) != 0);
	free(format);
	if (rc == MC_OK)
		rc = hw_get(s, &hw, NULL, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_EV_MAX, NULL, -1, &max, err);
	if (rc == MC_OK && max < hw)
		*yes = 1;
	return rc;
}

/* The next CATCH_UP_CHUNK evidence rows with text after the mark, and the mark past
 * them; *rows (arg) gets how many (0: nothing was pending). */
static int index_chunk(struct store *s, void *arg, struct mc_error *err)
{
	long long *rows = arg, hw, max, upto;
	*rows = 0;
	int rc = hw_get(s, &hw, NULL, err);
	if (rc == MC_OK)
		rc = one_int(s, SQL_EV_MAX, NULL, -1, &max, err);
	if (rc != MC_OK || max <= hw)
		return rc;
	sqlite3_stmt *st = store_prep(s, SQL_EV_NTH, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, hw);
	store_bind_int(st, 2, store_search_chunk - 1);
	int step = sqlite3_step(st);
	upto = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : max;
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_fail(s, err, "reading evidence to index");
	if (step == SQLITE_ROW)
		*rows = store_search_chunk;
	else if ((rc = one_int(s, SQL_EV_COUNT, NULL, hw, rows, err)) != MC_OK)
		return rc;
	if (*rows == 0)
		*rows = -1; /* rows without text only: the mark still moves */
	st = store_prep(s, SQL_EV_INDEX, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, hw);
	store_bind_int(st, 2, upto);
	rc = step_done(s, st, err);
	int impact = 0;
	if (rc == MC_OK)
		rc = impact_built(s, &impact, err);
	if (rc == MC_OK && impact) /* the ranking index keeps in step, chunk by chunk */
		rc = impact_add_evidence(s, hw, upto, err);
	return rc == MC_OK ? hw_set_evidence(s, upto, err) : rc;
}

/* The ranking index for an index of before it (or of an older format), built in
 * steps like the index: the first empties it; each adds the evidence of the next
 * CATCH_UP_CHUNK rows up to the search mark and moves the build's own mark (meta
 * IMPACT_BUILD_KEY: the evidence id reached); the last adds the feedback and marks
 * it built. An interrupted build goes on from its mark. *arg: the id reached, or
 * -1 when it is built. */
/* The evidence id that ends the step after `at` (CATCH_UP_CHUNK rows with text), hw at most. */
static int next_step_end(struct store *s, long long at, long long hw, long long *upto, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EV_NTH, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, at);
	store_bind_int(st, 2, store_search_chunk - 1);
	*upto = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : hw;
	sqlite3_reset(st);
	if (*upto > hw)
		*upto = hw;
	return MC_OK;
}

static int mark_set(struct store *s, const char *key, long long v, struct mc_error *err)
{
	char *to = mc_xasprintf("%lld", v);
	int rc = store_meta_set(s, key, to, err);
	free(to);
	return rc;
}

/* After the words, the pairs of the words common then: chosen at the first of
 * these steps, the evidence added a step of rows at a time (PAIR_BUILD_KEY: the id
 * reached; *reached: hw plus it); the last adds the feedback (its words and pairs)
 * and marks the index built (*reached -1). */
static int pair_step(struct store *s, long long hw, long long *reached, struct mc_error *err)
{
	long long at = 0, upto;
	char *mark = NULL;
	int rc = store_meta_get(s, PAIR_BUILD_KEY, &mark, err);
	if (rc == MC_OK && mark && *mark)
		at = strtoll(mark, NULL, 10);
	else if (rc == MC_OK)
		rc = impact_pairs_choose(s, SEARCH_EVIDENCE, err);
	free(mark);
	if (rc == MC_OK && at < hw) {
		rc = next_step_end(s, at, hw, &upto, err);
		if (rc == MC_OK)
			rc = impact_pairs_add_evidence(s, at, upto, err);
		*reached = hw + upto;
		return rc == MC_OK ? mark_set(s, PAIR_BUILD_KEY, upto, err) : rc;
	}
	*reached = -1;
	if (rc == MC_OK)
		rc = impact_add_feedback_all(s, err);
	if (rc == MC_OK)
		rc = store_meta_set(s, IMPACT_BUILD_KEY, "", err);
	if (rc == MC_OK)
		rc = store_meta_set(s, PAIR_BUILD_KEY, "", err);
	return rc == MC_OK ? impact_mark_built(s, err) : rc;
}

static int impact_step(struct store *s, void *arg, struct mc_error *err)
{
	long long *reached = arg, at = 0, hw = 0, upto = 0;
	char *mark = NULL;
	int rc = store_meta_get(s, IMPACT_BUILD_KEY, &mark, err);
	if (rc == MC_OK && mark && *mark)
		at = strtoll(mark, NULL, 10);
	else if (rc == MC_OK && (rc = impact_clear(s, SEARCH_EVIDENCE, err)) == MC_OK &&
		 (rc = impact_clear(s, SEARCH_FEEDBACK, err)) == MC_OK)
		rc = store_meta_set(s, PAIR_BUILD_KEY, "", err);
	free(mark);
	if (rc == MC_OK)
		rc = hw_get(s, &hw, NULL, err);
	if (rc == MC_OK && at >= hw)
		return pair_step(s, hw, reached, err);
	if (rc == MC_OK)
		rc = next_step_end(s, at, hw, &upto, err);
	if (rc == MC_OK)
		rc = impact_add_evidence(s, at, upto, err);
	*reached = upto;
	return rc == MC_OK ? mark_set(s, IMPACT_BUILD_KEY, upto, err) : rc;
}

int search_rank_pending(struct store *s, long long *evidence, struct mc_error *err)
{
	int built = 0;
	long long hw = 0, at = 0;
	char *mark = NULL;
	*evidence = 0;
	int rc = impact_built(s, &built, err);
	if (rc != MC_OK || built)
		return rc;
	if ((rc = hw_get(s, &hw, NULL, err)) == MC_OK && (rc = store_meta_get(s, IMPACT_BUILD_KEY, &mark, err)) == MC_OK &&
	    mark && *mark)
		at = strtoll(mark, NULL, 10);
	free(mark);
	*evidence = hw > at ? hw - at : 1;
	return rc;
}

/* The steps, each its own transaction, the percentage told before and between
 * them; *stopped when the caller's progress asks to stop. */
static int impact_build_steps(struct store *s, int (*progress)(void *ctx, long long done, long long total),
			      void *ctx, int *stopped, struct mc_error *err)
{
	long long hw = 0, reached = 0;
	int rc = hw_get(s, &hw, NULL, err);
	if (rc == MC_OK)
		progress_report("building the ranking index", 0, hw > 0 ? 2 * hw : 1);
	while (rc == MC_OK && reached >= 0 && !*stopped) { /* the words, then their pairs */
		rc = in_tx(s, impact_step, &reached, err);
		if (rc == MC_OK && reached >= 0) {
			progress_report("building the ranking index", reached, hw > 0 ? 2 * hw : 1);
			*stopped = progress && progress(ctx, reached, 2 * hw);
		}
	}
	return rc;
}

static int reset_tx(struct store *s, void *arg, struct mc_error *err)
{
	(void)arg;
	return search_reset(s, err);
}

/* The feedback, and one merge of the evidence index when much was added
 * (arg: the evidence rows the chunks indexed; out: plus the feedback rows). */
static int finish_tx(struct store *s, void *arg, struct mc_error *err)
{
	long long *done = arg, evidence = *done;
	int rc = catch_up_feedback(s, done, err);
	return rc == MC_OK && evidence >= OPTIMIZE_AFTER ? optimize_evidence(s, err) : rc;
}

int search_catch_up_steps(struct store *s, int (*progress)(void *ctx, long long done, long long total),
			  void *ctx, long long *indexed, struct mc_error *err)
{
	long long ev = 0, fb = 0, done = 0, fbn = 0, rows = 1;
	int reset = 0, stopped = 0;
	if (indexed)
		*indexed = 0;
	if (store_search_in_tx(s))
		return catch_up(s, indexed, err);
	int rc = needs_reset(s, &reset, err);
	if (rc == MC_OK && reset && (rc = in_tx(s, reset_tx, NULL, err)) == MC_OK)
		rc = one_int(s, SQL_FB_COUNT, NULL, -1, &fbn, err);
	/* nothing new (read first): no write transaction, so that a search goes on
	 * while another process holds the database for writing */
	long long hw = 0, max = 0;
	if (rc == MC_OK && (rc = pending(s, &ev, &fb, &hw, err)) == MC_OK)
		rc = one_int(s, SQL_EV_MAX, NULL, -1, &max, err);
	if (max <= hw)
		rows = 0;
	while (rc == MC_OK && rows != 0 && !stopped) {
		rc = in_tx(s, index_chunk, &rows, err);
		if (rc == MC_OK && rows > 0) {
			done += rows;
			progress_report("indexing evidence for search", done, ev);
			stopped = progress && progress(ctx, done, ev + fb);
		}
	}
	long long evidence = done;
	if (rc == MC_OK && !stopped && (fb > 0 || evidence >= OPTIMIZE_AFTER))
		rc = in_tx(s, finish_tx, &done, err);
	int impact = 1, again = 0;
	if (rc == MC_OK && !stopped) /* an index of before the ranking index gets it now */
		rc = impact_built(s, &impact, err);
	/* or its pairs are chosen again (read first: most often there is nothing to do) */
	if (rc == MC_OK && !stopped && impact && (rc = impact_pairs_outgrown(s, &again, err)) == MC_OK && again &&
	    (rc = in_tx(s, outgrown_tx, &again, err)) == MC_OK)
		impact = !again;
	if (rc == MC_OK && !impact)
		rc = impact_build_steps(s, progress, ctx, &stopped, err);
	if (indexed)
		*indexed = done + fbn;
	return rc;
}

int search_catch_up(struct store *s, long long *indexed, struct mc_error *err)
{
	return search_catch_up_steps(s, NULL, NULL, indexed, err);
}

/* The start of a rebuild, inside the caller's transaction: the evidence index
 * emptied and its mark at the start, the feedback (small) reindexed at once. */
int search_reset(struct store *s, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EV_CLEAR, err);
	int rc = st ? step_done(s, st, err) : MC_FAIL;
	if (rc == MC_OK)
		rc = impact_clear(s, SEARCH_EVIDENCE, err);
	if (rc == MC_OK) /* built again after the chunks, in steps: the pairs need every row's counts */
		rc = store_meta_set(s, IMPACT_BUILD_KEY, "", err);
	if (rc == MC_OK)
		rc = impact_unmark(s, err);
	if (rc == MC_OK)
		rc = hw_set_evidence(s, 0, err);
	return rc == MC_OK ? reindex_feedback(s, err) : rc;
}

/* ---------------------------------------------------------------- queries */

/* FTS5 reports a bad query as SQLITE_ERROR with its own words; the query is built
 * by search.c, so this is a bug or a term FTS5 still refuses: say which. */
static int query_fail(struct store *s, const char *q, struct mc_error *err)
{
	const char *why = sqlite3_errmsg(store_db(s));
	if ((sqlite3_extended_errcode(store_db(s)) & 0xff) == SQLITE_ERROR)
		return mc_error_set(err, MC_USAGE, "search: cannot search for %s: %s", q, why);
	return store_fail(s, err, "searching");
}

int store_search_top(struct store *s, enum search_source src, const char *q, int limit,
		     struct search_rank **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	struct mc_buf ranked = MC_BUF_INIT;
	mc_buf_adds(&ranked, q);
	mc_buf_adds(&ranked, " \"" SEARCH_LENGTH_MARK "\"");
	sqlite3_stmt *dv = store_prep(s, SQL_DATA_VERSION, err);
	if (!dv) {
		mc_buf_free(&ranked);
		return MC_FAIL;
	}
	long long data_version = sqlite3_step(dv) == SQLITE_ROW ? sqlite3_column_int64(dv, 0) : -1;
	sqlite3_reset(dv);
	char *key = mc_xasprintf("%d %s", (int)src, q);
	struct search_top top = {
		.limit = limit > 0 ? limit : 0,
		.docsize = src == SEARCH_EVIDENCE ? "search_evidence_docsize" : "search_feedback_docsize",
		.key = key,
		.data_version = data_version,
		/* no cached counts inside a transaction: it may roll back */
		.changes = store_search_in_tx(s) || data_version < 0 ? -1 : sqlite3_total_changes64(store_db(s)),
		.rc = SQLITE_OK,
	};
	int answered = 0;
	int rc = impact_top(s, src, q, NULL, 0, &top, &answered, err);
	for (int pass = 0; !answered && pass < 2 && rc == MC_OK; pass++) {
		sqlite3_stmt *st = store_prep(s, pass == 0 ? (src == SEARCH_EVIDENCE ? SQL_EV_TOP : SQL_FB_TOP)
						       : (src == SEARCH_EVIDENCE ? SQL_EV_TOP_ROWS : SQL_FB_TOP_ROWS), err);
		if (!st) {
			rc = MC_FAIL;
			break;
		}
		store_bind_text(st, 1, pass == 1 && top.no_mark ? q : mc_buf_str(&ranked));
		sqlite3_bind_pointer(st, 2, &top, SEARCH_TOP_FN, NULL);
		int step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			;
		rc = step == SQLITE_DONE && top.rc == SQLITE_OK ? MC_OK : query_fail(s, q, err);
		sqlite3_reset(st);
		sqlite3_bind_null(st, 2);
		if (top.by_row != 1)
			break;
		top.by_row = 2;   /* two phrases or more: again, a call a row */
	}
	search_top_finish(&top);
	if (rc == MC_OK && top.n > 0) {
		*out = mc_xmalloc(sizeof **out * (size_t)top.n);
		for (int i = 0; i < top.n; i++)
			(*out)[i] = (struct search_rank){ src, top.rowid[i], top.score[i] };
		*n = top.n;
	}
	search_top_free(&top);
	mc_buf_free(&ranked);
	free(key);
	return rc;
}

int store_search_newest(struct store *s, enum search_source src, const char *q, int limit,
			struct search_rank **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, src == SEARCH_EVIDENCE ? SQL_EV_NEWEST : SQL_FB_NEWEST, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, q);
	store_bind_int(st, 2, limit > 0 ? limit : -1);
	int step, cap = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = mc_xrealloc(*out, sizeof **out * (size_t)cap);
		}
		(*out)[(*n)++] = (struct search_rank){ src, sqlite3_column_int64(st, 0), 0 };
	}
	int rc = step == SQLITE_DONE ? MC_OK : query_fail(s, q, err);
	sqlite3_reset(st);
	return rc;
}

/* ---------------------------------------------------------------- every match, streamed
 * For `--limit 0`: the matches one at a time, without a list of them all. By rank,
 * FTS5 sorts through SQLite's sorter (which spills to a temporary file beyond the
 * page cache, so memory stays flat); newest first, it walks its doclists backwards. */
static const char SQL_EV_ALL_RANKED[] =
	"SELECT rowid, rank FROM search_evidence WHERE search_evidence MATCH ?1 ORDER BY rank";
static const char SQL_FB_ALL_RANKED[] =
	"SELECT rowid, rank FROM search_feedback WHERE search_feedback MATCH ?1 ORDER BY rank";
static const char SQL_EV_ALL_NEWEST[] =
	"SELECT rowid, 0 FROM search_evidence WHERE search_evidence MATCH ?1 ORDER BY rowid DESC";
static const char SQL_FB_ALL_NEWEST[] =
	"SELECT rowid, 0 FROM search_feedback WHERE search_feedback MATCH ?1 ORDER BY rowid DESC";

struct store_search_stream {
	struct store *s;
	sqlite3_stmt *st;
	enum search_source src;
	const char *q;
};

int store_search_stream_open(struct store *s, enum search_source src, const char *q, int newest,
			     struct store_search_stream **out, struct mc_error *err)
{
	const char *sql = src == SEARCH_EVIDENCE ? (newest ? SQL_EV_ALL_NEWEST : SQL_EV_ALL_RANKED)
						 : (newest ? SQL_FB_ALL_NEWEST : SQL_FB_ALL_RANKED);
	sqlite3_stmt *st = store_prep(s, sql, err);
	*out = NULL;
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, q);
	*out = mc_xcalloc(1, sizeof **out);
	**out = (struct store_search_stream){ s, st, src, q };
	return MC_OK;
}

int store_search_stream_next(struct store_search_stream *c, struct search_rank *r, int *have, struct mc_error *err)
{
	int step = sqlite3_step(c->st);
	*have = step == SQLITE_ROW;
	if (*have)
		*r = (struct search_rank){ c->src, sqlite3_column_int64(c->st, 0), sqlite3_column_double(c->st, 1) };
	return step == SQLITE_ROW || step == SQLITE_DONE ? MC_OK : query_fail(c->s, c->q, err);
}

void store_search_stream_close(struct store_search_stream **c)
{
	if (!*c)
		return;
	sqlite3_reset((*c)->st);
	free(*c);
	*c = NULL;
}

static int ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The rows of the scope user's assigned submissions, by rowid (heap). */
static int assigned_rows(struct store *s, enum search_source src, long long **ids, size_t *nids,
			 struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, src == SEARCH_EVIDENCE ? SQL_EV_ASSIGNED : SQL_FB_ASSIGNED, err);
	*ids = NULL;
	*nids = 0;
	if (!st)
		return MC_FAIL;
	store_bind_scope(s, st);
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*nids == cap) {
			cap = cap ? cap * 2 : 64;
			*ids = mc_xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*nids)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return MC_OK;
	free(*ids);
	*ids = NULL;
	return store_fail(s, err, "searching");
}

int store_search_keep_assigned(struct store *s, enum search_source src, struct search_rank *ranks, int *n,
			       struct mc_error *err)
{
	if (store_scope_kind(s) != STORE_SCOPE_ASSIGNED || *n == 0)
		return MC_OK;
	long long *ids;
	size_t nids;
	int rc = assigned_rows(s, src, &ids, &nids, err);
	if (rc != MC_OK)
		return rc;
	int k = 0;
	for (int i = 0; i < *n; i++)
		if (nids && bsearch(&ranks[i].rowid, ids, nids, sizeof *ids, ll_cmp))
			ranks[k++] = ranks[i];
	*n = k;
	free(ids);
	return MC_OK;
}

#define ASSIGNED_SCORED 4096   /* rows scored one by one, at most (a lookup a word each) */

int store_search_top_assigned(struct store *s, enum search_source src, const char *q, int limit,
			      struct search_rank **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	long long *ids;
	size_t nids;
	int answered = 0;
	struct search_top top = { .limit = limit, .rc = SQLITE_OK };
	int rc = assigned_rows(s, src, &ids, &nids, err);
	/* their best among the rows the ranking index keeps, when that settles it;
	 * else each of their rows scored, when they are few */
	if (rc == MC_OK && limit > 0)
		rc = impact_top(s, src, q, ids, nids, &top, &answered, err);
	if (rc == MC_OK && limit > 0 && !answered && nids <= ASSIGNED_SCORED)
		rc = impact_top_rows(s, src, q, ids, nids, &top, &answered, err);
	free(ids);
	if (rc == MC_OK && answered && top.n > 0) {
		*out = mc_xmalloc(sizeof **out * (size_t)top.n);
		for (int i = 0; i < top.n; i++)
			(*out)[i] = (struct search_rank){ src, top.rowid[i], top.score[i] };
		*n = top.n;
	}
	search_top_free(&top);
	if (rc != MC_OK || answered)
		return rc;
	/* a phrase, a prefix: every match ranked, the assessor's kept */
	rc = store_search_top(s, src, q, 0, out, n, err);
	if (rc == MC_OK)
		rc = store_search_keep_assigned(s, src, *out, n, err);
	if (rc == MC_OK && limit > 0 && *n > limit)
		*n = limit;
	return rc;
}

static char *part_name(enum search_source src, sqlite3_stmt *st, int col)
{
	if (src == SEARCH_EVIDENCE)
		return store_col_dup(st, col);
	const char *read = (const char *)sqlite3_column_text(st, col);
	return !read || strcmp(read, "first") == 0 ? mc_xstrdup("feedback")
						   : mc_xasprintf("feedback/%s", read);
}

int store_search_hit(struct store *s, enum search_source src, const char *q, long long rowid,
		     int tokens, struct search_hit *hit, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, src == SEARCH_EVIDENCE ? SQL_EV_HIT : SQL_FB_HIT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, q);
	store_bind_int(st, 2, rowid);
	store_bind_int(st, 3, tokens);
	store_bind_scope(s, st);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		hit->submission_rowid = sqlite3_column_int64(st, 0);
		hit->submission = store_col_dup(st, 1);
		hit->part = part_name(src, st, 2);
		hit->snippet = store_col_dup(st, 3);
		if (!hit->snippet)
			hit->snippet = mc_xstrdup("");
	}
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? MC_OK : query_fail(s, q, err);
	sqlite3_reset(st);
	return rc;
}

int store_search_scan(struct store *s, enum search_source src,
		      int (*fn)(void *ctx, long long rowid, const char *text, size_t len), void *ctx,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, src == SEARCH_EVIDENCE ? SQL_EV_SCAN : SQL_FB_SCAN, err);
	if (!st)
		return MC_FAIL;
	store_bind_scope(s, st);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 1);
		if (t)
			stop = fn(ctx, sqlite3_column_int64(st, 0), t, (size_t)sqlite3_column_bytes(st, 1));
	}
	int rc = stop || step == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading evidence");
	sqlite3_reset(st);
	return rc;
}

int store_search_locate(struct store *s, enum search_source src, long long rowid,
			struct search_hit *hit, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, src == SEARCH_EVIDENCE ? SQL_EV_LOCATE : SQL_FB_LOCATE, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rowid);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		hit->submission_rowid = sqlite3_column_int64(st, 0);
		hit->submission = store_col_dup(st, 1);
		hit->part = part_name(src, st, 2);
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading evidence");
}
