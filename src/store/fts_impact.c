/* fts_impact.c: the impact index beside each FTS5 search table (schema.sql,
 * migration 12), so that a ranked top-k reads a few thousand rows, not every match.
 *
 * bm25 of one word in a row is idf * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)):
 * for rows with the same tf it only falls as the length dl grows, whatever idf and
 * avgdl are when the query runs. So for each word and each tf (a "group") the rows
 * are kept in (dl, rowid) order, and only the first IMPACT_KEEP of a group. A query
 * reads the first IMPACT_READ rows of each group of its words: a word's best k rows
 * (k <= IMPACT_READ) are among them, and the last row read of a group bounds every
 * row of it not read. Every row read for any word is a candidate; a word a
 * candidate's row was not read for is looked up in FTS5 (a doclist seek), best bound
 * first, until no candidate can beat the k-th (the threshold algorithm). A row read
 * for no word can still beat it when the words' bounds at some length add up to more
 * (two words both in most rows: their first rows are short rows that seldom hold
 * the other, while the best rows hold both many times): then the group that bounds
 * it is read further, twice what was read of it, and so on (IMPACT_DEEPER rows at
 * most). When that cannot decide (a cut group's kept rows all read), the caller ranks
 * the FTS5 way. Index format 2 (IMPACT_KEEP 1024, was 256); format 3 adds the pairs
 * of common words (below: two words both in most rows, which the bound above seldom
 * settles); format 5 pairs every two of those words, those whose idfs are far
 * apart weighed by them; format 6 pairs the words in over a quarter of the rows,
 * not a third; format 7 keeps each word in over a tenth of them a set of its rows
 * (two such words often share none: below); an index of an older format is
 * rebuilt, in steps (store_search.c).
 *
 * Kept in step where the FTS5 tables are written (store_search.c): rows indexed,
 * feedback replaced, rebuilt; store_search_impact_build() fills it for an index
 * built before it. The table's rows and tokens are kept too and must equal FTS5's
 * (its averages record) or nothing here is used (someone wrote the FTS5 table by
 * hand). Scores are FTS5's own doubles: the same bm25() code as mcassess_top(). */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/store_search.h"
#include "mcassess/util.h"
#include "search_int.h"
#include "store_int.h"

#define IMPACT_KEEP 1024       /* rows kept a group (impact_keep: lowered only by a unit test) */
#define IMPACT_READ 256        /* rows of a group read at first; more when the bounds ask */
#define IMPACT_DEEPER 65536    /* rows read past those, at most: then FTS5 ranks */
#define SLOT_AFTER 8           /* groups a word has before they are found by tf, not searched */
#define SLOT_TFS 256
#define GROUP_HOLD (2 * impact_keep)  /* rows a group counts, then trimmed (struct group) */
#define IMPACT_HELD (1 << 20)  /* rows counted in memory (8 bytes each at most), then written */
#define IMPACT_TERMS 8         /* words in a query read this way, at most */
#define IMPACT_COUNT_TEXT 1024 /* a row of at most this many tokens: its words counted from its text */
/* A row counted (its text read from anywhere in the file: about 40 us at a million
 * items) costs about as much as FTS5's AND stepping this many of the rarest word's
 * rows (it skips through the others' lists to them), or as its walks stepping this
 * many rows of the words' lists and the length marks (fts.c) */
#define IMPACT_COUNT_VS_AND 64
#define IMPACT_COUNT_VS_WALK 512
#define IMPACT_KEY "search.impact"  /* meta: IMPACT_FORMAT once the index is built */
#define IMPACT_FORMAT "7"

static const char SQL_TERM_UPSERT[] =
	"INSERT INTO search_term(src, term, df, tokens) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (src, term) DO UPDATE SET df = df + excluded.df, tokens = tokens + excluded.tokens "
	"RETURNING id";
static const char SQL_TERM_GET[] = "SELECT id, df, tokens FROM search_term WHERE src = ?1 AND term = ?2";
static const char SQL_GROUP_LAST[] =
	"SELECT dl, doc FROM search_impact WHERE tid = ?1 AND tf = ?2 ORDER BY dl DESC, doc DESC LIMIT 1";
static const char SQL_GROUP_IS_CUT[] = "SELECT 1 FROM search_impact_cut WHERE tid = ?1 AND tf = ?2";
/* Rows written ROWS_MANY to a statement (rows_write): "(?, ?), (?, ?)" */
#define ROWS_MANY 16
#define ROWS_FEW 4
#define ROWS_4(r) r ", " r ", " r ", " r
#define ROWS_16(r) ROWS_4(r) ", " ROWS_4(r) ", " ROWS_4(r) ", " ROWS_4(r)
#define ROWS_SQL(head, row, tail) { head row tail, head ROWS_4(row) tail, head ROWS_16(row) tail }
#define POST_INSERT "INSERT OR IGNORE INTO search_impact(tid, tf, dl, doc) VALUES "
static const char *const SQL_POST_INSERT[] = ROWS_SQL(POST_INSERT, "(?, ?, ?, ?)", "");
static const char SQL_POST_DELETE[] =
	"DELETE FROM search_impact WHERE tid = ?1 AND tf = ?2 AND dl = ?3 AND doc = ?4";
/* Only the first IMPACT_KEEP of a group stay (?3: IMPACT_KEEP - 1). */
static const char SQL_GROUP_TRIM[] =
	"DELETE FROM search_impact WHERE tid = ?1 AND tf = ?2 AND (dl, doc) > "
	"(SELECT dl, doc FROM search_impact WHERE tid = ?1 AND tf = ?2 ORDER BY dl, doc LIMIT 1 OFFSET ?3)";
static const char SQL_GROUP_CUT[] = "INSERT OR IGNORE INTO search_impact_cut(tid, tf) VALUES (?1, ?2)";
static const char SQL_GROUP_NEXT[] = "SELECT tf FROM search_impact WHERE tid = ?1 AND tf > ?2 ORDER BY tf LIMIT 1";
static const char SQL_GROUP_ROWS[] =
	"SELECT dl, doc FROM search_impact WHERE tid = ?1 AND tf = ?2 AND (dl, doc) > (?3, ?4) ORDER BY dl, doc LIMIT ?5";
static const char SQL_TERM_CUTS[] = "SELECT tf FROM search_impact_cut WHERE tid = ?1";
static const char SQL_CLEAR_POSTS[] =
	"DELETE FROM search_impact WHERE tid IN (SELECT id FROM search_term WHERE src = ?1)";
static const char SQL_CLEAR_CUTS[] =
	"DELETE FROM search_impact_cut WHERE tid IN (SELECT id FROM search_term WHERE src = ?1)";
static const char SQL_CLEAR_TERMS[] = "DELETE FROM search_term WHERE src = ?1";
/* FTS5's averages record (rowid 1 of %_data): rows, then tokens a column. */
static const char SQL_EV_TOTALS[] = "SELECT block FROM search_evidence_data WHERE id = 1";
static const char SQL_FB_TOTALS[] = "SELECT block FROM search_feedback_data WHERE id = 1";
/* A word's count in one row: FTS5 seeks the row in the word's doclist. */
static const char SQL_EV_TF[] =
	"SELECT " SEARCH_TF_FN "(search_evidence) FROM search_evidence WHERE search_evidence MATCH ?1 AND rowid = ?2";
static const char SQL_FB_TF[] =
	"SELECT " SEARCH_TF_FN "(search_feedback) FROM search_feedback WHERE search_feedback MATCH ?1 AND rowid = ?2";
/* A row's text, to count a query's words in (as the index was built). */
static const char SQL_EV_TEXT[] = "SELECT text FROM evidence WHERE id = ?1";
static const char SQL_FB_TEXT[] = "SELECT body FROM search_feedback WHERE rowid = ?1";
static const char SQL_EV_LENGTH[] = "SELECT sz FROM search_evidence_docsize WHERE id = ?1";
static const char SQL_FB_LENGTH[] = "SELECT sz FROM search_feedback_docsize WHERE id = ?1";
/* What the FTS5 tables hold, to build the impact index from. */
static const char SQL_EV_ROWS[] =
	"SELECT id, text FROM evidence WHERE id > ?1 AND id <= ?2 AND text IS NOT NULL ORDER BY id";
static const char SQL_FB_ROWS[] = "SELECT rowid, body FROM search_feedback ORDER BY rowid";

/* ---------------------------------------------------------------- gathering rows in memory */

/* A row of a group in memory: its length in the high 32 bits, its rowid less the
 * batch's first (b->base) in the low 32, so that the numbers' order is the
 * (dl, doc) order: 8 bytes a row, not 16 (a rowid further than 2^32 from the
 * first flushes the batch first). */
typedef unsigned long long post_key;

/* A group keeps at most its best IMPACT_KEEP rows: appended until there are that
 * many, then a heap with the worst on top that a better row replaces. Its flush
 * and its cut are still those of GROUP_HOLD rows held, then trimmed to the first
 * IMPACT_KEEP (`n` counts them so: what was written stays what it was), but the
 * rows that trim would drop are never held: a group holds 8 KB at most, and a
 * batch at most 8 bytes a row it counts towards IMPACT_HELD. */
struct group {
	int tf;
	int n;              /* rows counted (IMPACT_HELD) since the last trim */
	int len, cap;       /* rows held in p */
	int dropped;        /* rows left out here: the group is cut */
	int worst_dl;       /* once cut: the length of its last row kept then */
	post_key *p;
};

struct bterm {
	char *term;
	long long df;
	struct group *g;
	int ng;
	long long row;        /* the row being read, and the word's count in it */
	int row_tf;
	short *slot;          /* once it has SLOT_AFTER groups: tf -> group + 1 (tf < SLOT_TFS) */
};

struct impact_batch {
	enum search_source src;
	struct bterm *t;      /* open addressing by the term's hash */
	size_t cap, n;
	long long rows, tokens;
	long held;            /* rows in the groups: a flush when IMPACT_HELD */
	long long base;       /* the first row's id: keys hold the others' distance to it */
	long long bytes;      /* held in the groups' rows (impact_held_most) */
	/* one row's tokens, sorted to count them */
	struct mc_buf bytes_tok;
	struct {
		size_t off;
		int len;
	} *tok;
	int ntok, tokcap, dl;
	/* the row being added: the slots of the words it holds */
	size_t *touched;
	int ntouched, touchcap;
	long long doc;
	/* pairs of common words (below): loaded at the first row; only them, not words */
	struct pairs *pr;
	int pairs_loaded, pairs_only;
	struct sets *sets;    /* the words that keep a set of their rows (below), or NULL */
	int set_rc;           /* a set's write failed while a row was tokenized */
	struct store *s;      /* (for those writes) */
	struct mc_error *err;
};

long long impact_held_most;
int impact_keep = IMPACT_KEEP;

struct pairs;
static void pairs_free(struct pairs **pp);
struct sets;
static void sets_free(struct sets **sp);

static unsigned long hash_term(const char *s, size_t n)
{
	unsigned long h = 14695981039346656037UL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
	return h;
}

static size_t bterm_get(struct impact_batch *b, const char *s, size_t n)
{
	if (2 * (b->n + 1) > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		struct bterm *t = mc_xcalloc(cap, sizeof *t);
		size_t *moved = mc_xcalloc(b->cap ? b->cap : 1, sizeof *moved);
		for (size_t i = 0; i < b->cap; i++) {
			if (!b->t[i].term)
				continue;
			size_t j = hash_term(b->t[i].term, strlen(b->t[i].term)) & (cap - 1);
			while (t[j].term)
				j = (j + 1) & (cap - 1);
			t[j] = b->t[i];
			moved[i] = j;
		}
		for (int k = 0; k < b->ntouched; k++)
			b->touched[k] = moved[b->touched[k]];
		free(moved);
		free(b->t);
		b->t = t;
		b->cap = cap;
	}
	size_t j = hash_term(s, n) & (b->cap - 1);
	while (b->t[j].term && !(strlen(b->t[j].term) == n && memcmp(b->t[j].term, s, n) == 0))
		j = (j + 1) & (b->cap - 1);
	if (!b->t[j].term) {
		b->t[j].term = mc_xstrndup(s, n);
		b->t[j].row = -1;
		b->n++;
	}
	return j;
}

static int key_cmp(const void *a, const void *b)
{
	post_key x = *(const post_key *)a, y = *(const post_key *)b;
	return (x > y) - (x < y);
}

static int key_dl(post_key k)
{
	return (int)(k >> 32);
}

/* The heap's top (p[0], its worst row) moved down to where it belongs. */
static void heap_down(post_key *p, int n, int i)
{
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && p[c + 1] > p[c])
			c++;
		if (p[i] >= p[c])
			return;
		post_key t = p[i];
		p[i] = p[c];
		p[c] = t;
		i = c;
	}
}

/* The group's rows in order; whether rows were left out (the group is cut). */
static void group_sort(struct group *g)
{
	qsort(g->p, (size_t)g->len, sizeof *g->p, key_cmp);
	if (g->n > impact_keep)
		g->dropped = 1;
}

/* Row k into the group's best IMPACT_KEEP: the bytes it took more. */
static long long group_keep(struct group *g, post_key k)
{
	long long more = 0;
	if (g->len < impact_keep) {
		if (g->len == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 4;
			if (g->cap > impact_keep)
				g->cap = impact_keep;
			more = (long long)(g->cap - g->len) * (long long)sizeof *g->p;
			g->p = mc_xrealloc(g->p, sizeof *g->p * (size_t)g->cap);
		}
		g->p[g->len++] = k;
		if (g->len == impact_keep) /* full: from now on a heap, the worst on top */
			for (int i = impact_keep / 2 - 1; i >= 0; i--)
				heap_down(g->p, g->len, i);
	} else if (k < g->p[0]) {
		g->p[0] = k;
		heap_down(g->p, g->len, 0);
	}
	return more;
}

static struct group *group_find(struct bterm *t, int tf)
{
	if (tf < SLOT_TFS && t->slot)
		return t->slot[tf] ? &t->g[t->slot[tf] - 1] : NULL;
	for (int i = 0; i < t->ng; i++)
		if (t->g[i].tf == tf)
			return &t->g[i];
	return NULL;
}

static struct group *group_new(struct bterm *t, int tf)
{
	t->g = mc_xrealloc(t->g, sizeof *t->g * (size_t)(t->ng + 1));
	struct group *g = &t->g[t->ng++];
	*g = (struct group){ .tf = tf };
	if (t->ng == SLOT_AFTER) {   /* a common word: its groups by tf */
		t->slot = mc_xcalloc(SLOT_TFS, sizeof *t->slot);
		for (int i = 0; i < t->ng; i++)
			if (t->g[i].tf < SLOT_TFS)
				t->slot[t->g[i].tf] = (short)(i + 1);
	} else if (t->slot && tf < SLOT_TFS) {
		t->slot[tf] = (short)t->ng;
	}
	return g;
}

/* A row into word t's group tf: the rows it counts more (or fewer, trimmed). */
static int group_add(struct impact_batch *b, struct bterm *t, int tf, int dl, long long doc)
{
	int held = 1;
	struct group *g = group_find(t, tf);
	if (!g)
		g = group_new(t, tf);
	if (g->dropped && dl >= g->worst_dl)
		return 0;   /* rows come in rowid order: after the last kept, not kept */
	if (g->n == GROUP_HOLD) {   /* trimmed to its first IMPACT_KEEP: those held */
		held -= g->n - impact_keep;
		g->n = impact_keep;
		g->dropped = 1;
		g->worst_dl = key_dl(g->p[0]);
	}
	g->n++;
	b->bytes += group_keep(g, (post_key)dl << 32 | (post_key)(doc - b->base));
	if (b->bytes > impact_held_most)
		impact_held_most = b->bytes;
	return held;
}

struct impact_batch *impact_batch_new(enum search_source src)
{
	struct impact_batch *b = mc_xcalloc(1, sizeof *b);
	b->src = src;
	return b;
}

static void batch_empty(struct impact_batch *b)
{
	for (size_t i = 0; i < b->cap; i++) {
		for (int k = 0; k < b->t[i].ng; k++)
			free(b->t[i].g[k].p);
		free(b->t[i].g);
		free(b->t[i].slot);
		free(b->t[i].term);
	}
	free(b->t);
	b->t = NULL;
	b->cap = b->n = 0;
	b->rows = b->tokens = 0;
	b->held = 0;
	b->bytes = 0;
}

void impact_batch_free(struct impact_batch **b)
{
	if (!*b)
		return;
	batch_empty(*b);
	pairs_free(&(*b)->pr);
	sets_free(&(*b)->sets);
	mc_buf_free(&(*b)->bytes_tok);
	free((*b)->tok);
	free((*b)->touched);
	free(*b);
	*b = NULL;
}

static int step_end(struct store *s, sqlite3_stmt *st, struct mc_error *err);

/* Binds row i of ctx's rows to a statement's parameters from `at` on. */
typedef void (*bind_row_fn)(sqlite3_stmt *st, int at, int i, const void *ctx);

/* n rows of ncol values each through the statements of sql[] (ROWS_SQL: one
 * row, ROWS_FEW, ROWS_MANY): each statement run opens and closes its cursors and
 * checks the transaction, most of what one row costs, so rows go many to a run;
 * *changed (NULL: not counted) gains the rows changed. */
static int rows_write(struct store *s, const char *const sql[3], int ncol, int n, bind_row_fn bind,
		      const void *ctx, long long *changed, struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < n;) {
		int k = n - i >= ROWS_MANY ? ROWS_MANY : n - i >= ROWS_FEW ? ROWS_FEW : 1;
		sqlite3_stmt *st = store_prep(s, sql[k == ROWS_MANY ? 2 : k == ROWS_FEW], err);
		if (!st)
			return MC_FAIL;
		for (int r = 0; r < k; r++)
			bind(st, 1 + r * ncol, i + r, ctx);
		rc = step_end(s, st, err);
		if (rc == MC_OK && changed)
			*changed += sqlite3_changes(store_db(s));
		i += k;
	}
	return rc;
}

/* ---------------------------------------------------------------- pairs of common words */

/* Two words both in many rows: their best rows hold both many times, and those
 * are rows that no group of one word keeps first (its shortest rows, most without
 * the other), so the bound of the rows not read seldom settles their top (FTS5's
 * ranking then steps every row holding both: a third of the items and more). So
 * the most common words of a table when the ranking index is built are paired:
 * the PAIR_WORDS_FEW most common of those in more than half its rows, or, once it
 * has PAIR_MANY_ROWS rows, the PAIR_WORDS most common in more than a quarter;
 * every two of them (a word in a quarter to a third beside any of these fell back
 * to FTS5's ranking as often as not: 13 of 48 such random pairs at 200,000
 * submissions, about 100 ms of CPU each, growing with the items). Each pair keeps its best PAIR_KEEP rows by their score at
 * the average length of then (ref) with its weights (below), with both counts
 * and the length; every row holding both that is not kept is under the cut of
 * its two counts (the shortest such row: for
 * the same counts a longer row scores no more, whatever the idfs and the average
 * length are at query time). A query of the two words scores the kept rows
 * exactly and is answered when no cut can beat the k-th; else the ranking above
 * (or FTS5) answers. So an answer is exact for any idfs: the weights only choose
 * which rows are kept: two words whose idfs are within PAIR_IDF_RATIO are weighed
 * alike, two further apart by their idfs (pair_weights: a word at the floor
 * beside a rarer one, the rarer one's count orders the rows; weighed alike, the
 * kept rows seldom held its best, and `teacher at`, 40% and 49.7% of the items,
 * fell back to FTS5's ranking of 100,000 rows and more).
 * Rows written are added to their pairs (a row kept past PAIR_KEEP goes to the
 * cut), a row taken out leaves its pairs (the cut stays: a bound, still true). A
 * word that becomes common later has no pairs until the index is rebuilt (its
 * queries are ranked as before); one that stops being common keeps them (still
 * exact). The more words wait for PAIR_MANY_ROWS: in a smaller table FTS5 ranks
 * their common rows in a few ms, while a pair not yet full keeps every row holding
 * both (the pairs of a small table that grows cost the most to keep: 496 pairs
 * cost the demo 1.3x, 1,953 pairs 2.1x); the ranking index is built again, once,
 * when a catch-up finds the evidence that large and its pairs chosen from fewer
 * rows (impact_pairs_outgrown). */
#define PAIR_WORDS 192         /* the most common words paired, at most (162 words of the
				* demo's evidence in over a quarter, 13,041 pairs) */
#define PAIR_WORDS_FEW 32      /* in a table of fewer than PAIR_MANY_ROWS rows (496 pairs) */
#define PAIR_IDF_RATIO 3.0     /* idfs this far apart at most: their counts weighed alike
				* (else by idf) */
#define PAIR_MIN_DF 64         /* and only words in this many rows */
#define PAIR_MANY_ROWS 20000   /* rows of a table whose words in over a quarter are paired */
#define PAIR_ROWS_KEY "search.pair_rows"  /* meta: the evidence's rows when its pairs were chosen */
#define PAIR_KEEP 256          /* rows a pair keeps */
#define PAIR_HASH 512          /* slots of the words' table (> 2 PAIR_WORDS) */
/* Counts below this have a length past which a row is skipped (a table of
 * PAIR_TFD^2 lengths a pair: 288 bytes, 3.8 MB for 13,041 pairs; 16 made it 6.7 MB) */
#define PAIR_TFD 12
#define PAIR_CUTS_HELD (1 << 16) /* cuts held in memory (16 bytes each, twice the slots:
				  * 2 MiB; a rebuild's 3,900 pairs make 117,000, then 4.5 MiB) */
/* The pairs' best rows gathered in memory, at most (16 bytes a row): 1,536 pairs
 * full. A full pair holds 4 KiB, so 3,800 pairs all full at once (a rebuild's
 * first rows) held 15 MB; past this every pair's rows are written to its table
 * (and trimmed there to PAIR_KEEP, the others to the cuts, as at a batch's end)
 * and the heaps freed (pairs_heaps_write). The rows kept are the same: a row that
 * is not among a pair's best PAIR_KEEP so far is not among its best of all. 6 MiB,
 * not 8, since the words in over a quarter are paired: 13,041 pairs, not 8,001,
 * and a rebuild at 20,000 submissions peaked at 33.5 MB with 8 MiB and PAIR_TFD
 * 16, 31.4 MB with 6 MiB (32.0 MB at 100,000), 29.0 MB with 6 MiB and PAIR_TFD
 * 12 (4 MiB and 16: 29.2 MB, for more CPU); main's build 30.3 MB. */
#define PAIR_HEAP_BYTES (6 << 20)
#define PAIR_CUTS_FIRST 1024   /* slots of the cuts' table at first, doubled as they come */

static const char SQL_PAIRS_LOAD[] =
	"SELECT p.id, p.a, p.b, p.ref, p.n, p.fk, p.fd, ta.term, tb.term, ta.df, tb.df, "
	"(SELECT df FROM search_term WHERE src = ?1 AND term = '') FROM search_pair p "
	"JOIN search_term ta ON ta.id = p.a JOIN search_term tb ON tb.id = p.b WHERE p.src = ?1";
/* A cut lowered to a row's length (then its least rowid there), or made. */
#define PAIR_CUT_MIN \
	" ON CONFLICT (pid, tf1, tf2) DO UPDATE SET dl = min(dl, excluded.dl), doc = CASE WHEN excluded.dl < dl " \
	"THEN excluded.doc WHEN excluded.dl = dl THEN min(doc, excluded.doc) ELSE doc END"
static const char *const SQL_PAIR_ROW_INSERT[] =
	ROWS_SQL("INSERT OR IGNORE INTO search_pair_row(pid, nkey, doc, tf1, tf2, dl) VALUES ", "(?, ?, ?, ?, ?, ?)", "");
/* by its row alone: its key was its score when it was kept, with the weights of then */
static const char SQL_PAIR_ROW_DELETE[] = "DELETE FROM search_pair_row WHERE pid = ?1 AND doc = ?2";
/* The rows past the first ?2 of a pair: to its cuts, then out. */
static const char SQL_PAIR_TRIM_CUT[] =
	"INSERT INTO search_pair_cut(pid, tf1, tf2, dl, doc) SELECT pid, tf1, tf2, dl, doc FROM search_pair_row "
	"WHERE pid = ?1 ORDER BY nkey, doc LIMIT -1 OFFSET ?2" PAIR_CUT_MIN;
static const char SQL_PAIR_TRIM[] =
	"DELETE FROM search_pair_row WHERE pid = ?1 AND (nkey, doc) >= "
	"(SELECT nkey, doc FROM search_pair_row WHERE pid = ?1 ORDER BY nkey, doc LIMIT 1 OFFSET ?2)";
static const char SQL_PAIR_WORST[] =
	"SELECT nkey, doc FROM search_pair_row WHERE pid = ?1 ORDER BY nkey DESC, doc DESC LIMIT 1";
static const char SQL_PAIR_SET[] = "UPDATE search_pair SET n = ?2, fk = ?3, fd = ?4 WHERE id = ?1";
static const char *const SQL_PAIR_CUT[] =
	ROWS_SQL("INSERT INTO search_pair_cut(pid, tf1, tf2, dl, doc) VALUES ", "(?, ?, ?, ?, ?)", PAIR_CUT_MIN);
static const char SQL_PAIR_WORDS[] =
	"SELECT id, df FROM search_term WHERE src = ?1 AND term <> '' AND term <> ?5 AND df * ?6 > ?2 AND df >= ?3 "
	"ORDER BY df DESC, id LIMIT ?4";
static const char SQL_PAIR_ADD[] = "INSERT INTO search_pair(src, a, b, ref) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_PAIR_FIND[] = "SELECT id, a FROM search_pair WHERE src = ?1 AND a = ?2 AND b = ?3";
static const char SQL_PAIR_ROWS[] = "SELECT tf1, tf2, dl, doc FROM search_pair_row WHERE pid = ?1";
static const char SQL_PAIR_CUTS[] = "SELECT tf1, tf2, dl, doc FROM search_pair_cut WHERE pid = ?1";
static const char SQL_CLEAR_PAIR_ROWS[] =
	"DELETE FROM search_pair_row WHERE pid IN (SELECT id FROM search_pair WHERE src = ?1)";
static const char SQL_CLEAR_PAIR_CUTS[] =
	"DELETE FROM search_pair_cut WHERE pid IN (SELECT id FROM search_pair WHERE src = ?1)";
static const char SQL_CLEAR_PAIRS[] = "DELETE FROM search_pair WHERE src = ?1";

struct impact_pair_stats impact_pair_stats;
long long impact_pair_many_rows = PAIR_MANY_ROWS;
long long impact_pair_heap_bytes = PAIR_HEAP_BYTES;
long long impact_pair_heap_most, impact_pair_heap_writes;
struct impact_count_stats impact_count_stats;

/* A row held for a pair: its score at ref (the heap's order), its distance from
 * the batch's first row, its length and both counts: 16 bytes. */
struct pentry {
	float good;
	unsigned off, dl;
	unsigned short tf1, tf2;
};

struct pslot {
	long long pid;
	int wa, wb;           /* the words (their index in struct pairs), a's count first */
	double ref;
	double w1, w2;        /* the weights of a's count and b's in the score kept by (pair_good) */
	long long n;          /* rows kept in the table */
	double fk;            /* once n >= PAIR_KEEP: the last kept (fk, fd) */
	long long fd;
	struct pentry *p;     /* the best rows gathered: a heap, the worst on top, once full */
	int len, cap;
	unsigned short *lim;  /* [tf1 * PAIR_TFD + tf2]: a row this long or longer changes nothing
			       * (USHRT_MAX: none known, or no shorter than that) */
};

/* A cut gathered: its pair's slot + 1 (0: empty), both counts, whether it changed
 * since written, its length and row (less the batch's first): 16 bytes. */
struct pcut {
	unsigned short slot, tf1, tf2, dirty;
	unsigned dl, off;
};

struct pairs {
	int nw;
	char *word[PAIR_WORDS];
	long long tid[PAIR_WORDS];
	short hash[PAIR_HASH];   /* word + 1, by the word's hash */
	short slot[PAIR_WORDS][PAIR_WORDS];   /* the pair's slot + 1 */
	struct pslot *ps;
	int nps;
	int rowtf[PAIR_WORDS], touched[PAIR_WORDS], ntouched;
	struct pcut *cut;     /* open addressing, at most 2 PAIR_CUTS_HELD slots; written
			       * when dirty, kept (a row that does not lower it costs no write) */
	size_t cutcap;
	int ncut;
	unsigned *dirty;      /* the slots of the cuts dirty: a flush writes only them */
	int ndirty;
	long long heap_bytes; /* the heaps' room (ps->cap) in all: impact_pair_heap_bytes at most */
};

static int pair_word(const struct pairs *p, const char *tok, size_t n)
{
	size_t j = hash_term(tok, n) & (PAIR_HASH - 1);
	while (p->hash[j]) {
		const char *w = p->word[p->hash[j] - 1];
		if (strlen(w) == n && memcmp(w, tok, n) == 0)
			return p->hash[j] - 1;
		j = (j + 1) & (PAIR_HASH - 1);
	}
	return -1;
}

static int pair_word_add(struct pairs *p, long long tid, const char *term)
{
	for (int i = 0; i < p->nw; i++)
		if (p->tid[i] == tid)
			return i;
	if (p->nw == PAIR_WORDS)
		return -1;   /* pairs of more words than are chosen: written by hand */
	size_t j = hash_term(term, strlen(term)) & (PAIR_HASH - 1);
	while (p->hash[j])
		j = (j + 1) & (PAIR_HASH - 1);
	p->word[p->nw] = mc_xstrdup(term);
	p->tid[p->nw] = tid;
	p->hash[j] = (short)(p->nw + 1);
	return p->nw++;
}

static void pairs_free(struct pairs **pp)
{
	struct pairs *p = *pp;
	if (!p)
		return;
	for (int i = 0; i < p->nw; i++)
		free(p->word[i]);
	for (int i = 0; i < p->nps; i++) {
		free(p->ps[i].p);
		free(p->ps[i].lim);
	}
	free(p->ps);
	free(p->cut);
	free(p->dirty);
	free(p);
	*pp = NULL;
}

/* How a pair weighs its two counts in the rows it keeps: alike when their idfs
 * are within PAIR_IDF_RATIO of each other, else by their idfs now (the rarer
 * word's 1): a word in half the rows and more beside a rarer one adds next to
 * nothing to a score, and rows kept by both counts alike would seldom hold the
 * rarer word's best rows. Only which rows are kept depends on it (a row left out
 * is under its cut whatever the weights), so the weights of a pair may change as
 * the counts do (each load), its rows kept before keeping their keys. */
static void pair_weights(long long rows, long long df1, long long df2, double *w1, double *w2)
{
	double a = search_idf(rows, df1), b = search_idf(rows, df2), most = a > b ? a : b;
	*w1 = *w2 = 1;
	if (rows > 0 && most > 0 && !(a <= b * PAIR_IDF_RATIO && b <= a * PAIR_IDF_RATIO)) {
		*w1 = a / most;
		*w2 = b / most;
	}
}

/* The table's pairs and their words (none: NULL). */
static int pairs_load(struct store *s, enum search_source src, struct pairs **out, struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_PAIRS_LOAD, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, src);
	struct pairs *p = NULL;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (!p)
			p = mc_xcalloc(1, sizeof *p);
		int wa = pair_word_add(p, sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 7));
		int wb = pair_word_add(p, sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 8));
		if (wa < 0 || wb < 0 || p->slot[wa][wb])
			continue;
		p->ps = mc_xrealloc(p->ps, sizeof *p->ps * (size_t)(p->nps + 1));
		p->ps[p->nps] = (struct pslot){
			.pid = sqlite3_column_int64(st, 0), .wa = wa, .wb = wb, .ref = sqlite3_column_double(st, 3),
			.n = sqlite3_column_int64(st, 4), .fk = sqlite3_column_double(st, 5),
			.fd = sqlite3_column_int64(st, 6),
		};
		pair_weights(sqlite3_column_int64(st, 11), sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10),
			     &p->ps[p->nps].w1, &p->ps[p->nps].w2);
		p->nps++;
		p->slot[wa][wb] = p->slot[wb][wa] = (short)p->nps;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		pairs_free(&p);
		return store_fail(s, err, "reading the search index");
	}
	*out = p;
	return MC_OK;
}

/* A pair's score of a row at its ref with its weights (higher is better): the
 * same at every call while they are. */
static double pair_good(const struct pslot *ps, int tf1, int tf2, int dl)
{
	double norm = SEARCH_BM25_K1 * (1 - SEARCH_BM25_B + SEARCH_BM25_B * dl / ps->ref);
	return ps->w1 * (tf1 * (SEARCH_BM25_K1 + 1) / (tf1 + norm)) + ps->w2 * (tf2 * (SEARCH_BM25_K1 + 1) / (tf2 + norm));
}

/* A pair's rows in the order kept: (nkey, doc). */
static int pair_after(double nk, long long doc, double fk, long long fd)
{
	return nk > fk || (nk == fk && doc > fd);
}

static int pentry_worse(const struct pentry *x, const struct pentry *y)
{
	return x->good < y->good || (x->good == y->good && x->off > y->off);
}

static void pheap_down(struct pentry *p, int n, int i)
{
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && pentry_worse(&p[c + 1], &p[c]))
			c++;
		if (!pentry_worse(&p[c], &p[i]))
			return;
		struct pentry t = p[i];
		p[i] = p[c];
		p[c] = t;
		i = c;
	}
}

static int pairs_flush_cuts(struct store *s, struct pairs *p, long long base, int empty, struct mc_error *err);

static int pair_cut_write(struct store *s, long long pid, int tf1, int tf2, int dl, long long doc,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PAIR_CUT[0], err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, pid);
	store_bind_int(st, 2, tf1);
	store_bind_int(st, 3, tf2);
	store_bind_int(st, 4, dl);
	store_bind_int(st, 5, doc);
	return step_end(s, st, err);
}

/* The cut of (slot, tf1, tf2) in a table of cap slots: its own, or the empty one where it goes. */
static struct pcut *cut_find(struct pcut *cut, size_t cap, int slot, int tf1, int tf2)
{
	unsigned long h = ((unsigned long)slot * 1000003UL + (unsigned long)tf1) * 1000003UL + (unsigned long)tf2;
	size_t j = h & (cap - 1);
	while (cut[j].slot && !(cut[j].slot == slot + 1 && cut[j].tf1 == tf1 && cut[j].tf2 == tf2))
		j = (j + 1) & (cap - 1);
	return &cut[j];
}

/* The cuts' table twice as big (PAIR_CUTS_FIRST slots at the first cut: a
 * feedback saved or a row kept makes none), its cuts and the dirty ones' list
 * moved over. The list has room for half the slots: all the cuts there can be. */
static void cuts_grow(struct pairs *p)
{
	size_t cap = p->cutcap ? 2 * p->cutcap : PAIR_CUTS_FIRST;
	struct pcut *cut = mc_xcalloc(cap, sizeof *cut);
	p->dirty = mc_xrealloc(p->dirty, sizeof *p->dirty * (cap / 2));
	p->ndirty = 0;
	for (size_t j = 0; j < p->cutcap; j++) {
		const struct pcut *old = &p->cut[j];
		if (!old->slot)
			continue;
		struct pcut *c = cut_find(cut, cap, old->slot - 1, old->tf1, old->tf2);
		*c = *old;
		if (c->dirty)
			p->dirty[p->ndirty++] = (unsigned)(c - cut);
	}
	free(p->cut);
	p->cut = cut;
	p->cutcap = cap;
}

static void cut_dirty(struct pairs *p, struct pcut *c)
{
	if (!c->dirty) {
		c->dirty = 1;
		p->dirty[p->ndirty++] = (unsigned)(c - p->cut);
	}
}

/* A row not kept under the cut of its counts (the shortest, then the least rowid). */
static int pair_cut_note(struct store *s, struct impact_batch *b, struct pairs *p, int slot, int tf1, int tf2,
			 int dl, long long doc, struct mc_error *err)
{
	if (tf1 > 0xffff || tf2 > 0xffff)   /* not held in 16 bits: written at once */
		return pair_cut_write(s, p->ps[slot].pid, tf1, tf2, dl, doc, err);
	if (2 * (size_t)(p->ncut + 1) > p->cutcap)   /* at most half full: one more cut has room */
		cuts_grow(p);
	struct pcut *c = cut_find(p->cut, p->cutcap, slot, tf1, tf2);
	unsigned off = (unsigned)(doc - b->base);
	if (!c->slot) {
		*c = (struct pcut){ (unsigned short)(slot + 1), (unsigned short)tf1, (unsigned short)tf2, 0,
				    (unsigned)dl, off };
		p->ncut++;
		cut_dirty(p, c);
	} else if ((unsigned)dl < c->dl || ((unsigned)dl == c->dl && off < c->off)) {
		c->dl = (unsigned)dl;
		c->off = off;
		cut_dirty(p, c);
	}
	return p->ncut >= PAIR_CUTS_HELD ? pairs_flush_cuts(s, p, b->base, 1, err) : MC_OK;
}

/* The length of the cut of (tf1, tf2) held (UINT_MAX: none). */
static unsigned pair_cut_dl(const struct pairs *p, int slot, int tf1, int tf2)
{
	if (!p->cut)
		return UINT_MAX;
	const struct pcut *c = cut_find(p->cut, p->cutcap, slot, tf1, tf2);
	return c->slot ? c->dl : UINT_MAX;
}

/* Does a row of these counts and length go to the cut, whatever its rowid? */
static int pair_out(const struct pslot *ps, int tf1, int tf2, int dl)
{
	double g = pair_good(ps, tf1, tf2, dl);
	return (ps->n >= PAIR_KEEP && -g > ps->fk) || (ps->len == PAIR_KEEP && (float)g < ps->p[0].good);
}

/* The length from which a row of (tf1, tf2) changes nothing: it goes to the cut
 * and is no shorter than the cut's row (rows come in rowid order). Both only fall
 * while a batch gathers, so a length found earlier is still safe, if not least. */
static unsigned pair_limit(const struct pairs *p, int slot, int tf1, int tf2)
{
	const struct pslot *ps = &p->ps[slot];
	unsigned cut = pair_cut_dl(p, slot, tf1, tf2), lo = 0, hi = INT_MAX;
	if (cut == UINT_MAX || !pair_out(ps, tf1, tf2, INT_MAX))
		return UINT_MAX;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (pair_out(ps, tf1, tf2, (int)mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo > cut ? lo : cut;
}

static int pair_keep(struct store *s, struct impact_batch *b, struct pairs *p, int slot, int tf1, int tf2, int dl,
		     long long doc, struct mc_error *err);
static int pairs_heaps_write(struct store *s, struct impact_batch *b, struct pairs *p, struct mc_error *err);

/* A row holding both words of pair `slot` into its best rows gathered (or its
 * cut); most rows change neither, and are skipped by their length alone. */
static int pair_add(struct store *s, struct impact_batch *b, struct pairs *p, int slot, int tf1, int tf2, int dl,
		    long long doc, struct mc_error *err)
{
	struct pslot *ps = &p->ps[slot];
	if (tf1 >= PAIR_TFD || tf2 >= PAIR_TFD || dl < 0)
		return pair_keep(s, b, p, slot, tf1, tf2, dl, doc, err);
	if (!ps->lim) {
		ps->lim = mc_xmalloc(sizeof *ps->lim * PAIR_TFD * PAIR_TFD);
		memset(ps->lim, 0xff, sizeof *ps->lim * PAIR_TFD * PAIR_TFD);
	}
	unsigned short *lim = &ps->lim[tf1 * PAIR_TFD + tf2];
	if (*lim != USHRT_MAX && (unsigned)dl >= *lim)
		return MC_OK;
	int rc = pair_keep(s, b, p, slot, tf1, tf2, dl, doc, err);
	unsigned l = pair_limit(p, slot, tf1, tf2);
	*lim = l < USHRT_MAX ? (unsigned short)l : USHRT_MAX;
	return rc;
}

static int pair_keep(struct store *s, struct impact_batch *b, struct pairs *p, int slot, int tf1, int tf2, int dl,
		     long long doc, struct mc_error *err)
{
	struct pslot *ps = &p->ps[slot];
	double good = pair_good(ps, tf1, tf2, dl);
	if ((ps->n >= PAIR_KEEP && pair_after(-good, doc, ps->fk, ps->fd)) || tf1 > 0xffff || tf2 > 0xffff ||
	    dl < 0)
		return pair_cut_note(s, b, p, slot, tf1, tf2, dl, doc, err);
	struct pentry e = { (float)good, (unsigned)(doc - b->base), (unsigned)dl, (unsigned short)tf1,
			    (unsigned short)tf2 };
	if (ps->len < PAIR_KEEP) {
		if (ps->len == ps->cap) {
			int cap = ps->cap ? 2 * ps->cap : 8;
			long long more = (long long)(sizeof *ps->p) * (cap - ps->cap);
			if (p->heap_bytes > 0 && p->heap_bytes + more > impact_pair_heap_bytes) {
				/* every pair's rows to its table: then this row again (the pair's
				 * last kept may have risen past it) */
				int rc = pairs_heaps_write(s, b, p, err);
				return rc == MC_OK ? pair_keep(s, b, p, slot, tf1, tf2, dl, doc, err) : rc;
			}
			ps->cap = cap;
			ps->p = mc_xrealloc(ps->p, sizeof *ps->p * (size_t)ps->cap);
			p->heap_bytes += more;
			if (p->heap_bytes > impact_pair_heap_most)
				impact_pair_heap_most = p->heap_bytes;
		}
		ps->p[ps->len++] = e;
		if (ps->len == PAIR_KEEP)
			for (int i = PAIR_KEEP / 2 - 1; i >= 0; i--)
				pheap_down(ps->p, ps->len, i);
		return MC_OK;
	}
	struct pentry out = e;
	if (pentry_worse(&ps->p[0], &e)) {
		out = ps->p[0];
		ps->p[0] = e;
		pheap_down(ps->p, ps->len, 0);
	}
	return pair_cut_note(s, b, p, slot, out.tf1, out.tf2, (int)out.dl, b->base + out.off, err);
}

/* The row just tokenized (its pair words counted in p->rowtf) into its pairs. */
static int pairs_row(struct store *s, struct impact_batch *b, struct pairs *p, long long doc, int dl,
		     struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < p->ntouched; i++)
		for (int j = i + 1; rc == MC_OK && j < p->ntouched; j++) {
			int wi = p->touched[i], wj = p->touched[j], slot = p->slot[wi][wj] - 1;
			if (slot < 0)
				continue;
			int a = p->ps[slot].wa == wi ? wi : wj, bw = a == wi ? wj : wi;
			rc = pair_add(s, b, p, slot, p->rowtf[a], p->rowtf[bw], dl, doc, err);
		}
	for (int i = 0; i < p->ntouched; i++)
		p->rowtf[p->touched[i]] = 0;
	p->ntouched = 0;
	return rc;
}

static void pairs_count(struct pairs *p, const char *tok, int ntok)
{
	int w = pair_word(p, tok, (size_t)ntok);
	if (w >= 0 && p->rowtf[w]++ == 0)
		p->touched[p->ntouched++] = w;
}

/* The cuts to write: the dirty list itself, sorted in place into the table's
 * order (pid, tf1, tf2). A copy of the rows to sort (32 bytes a cut) and qsort's
 * own buffer of as many held 4 MiB beside the full cuts' table (2 MiB) and the
 * pairs' heaps (6 MiB) at a rebuild's peak (issue 15: the demo's, 33.6 MB at
 * 10,000 submissions); the list's 4 bytes a cut are held anyway. The order is
 * the same: no two cuts have the same pair and counts. */
struct cut_flush {
	const struct pairs *p;
	long long base;
};

static int cut_before(const struct pairs *p, unsigned i, unsigned j)
{
	const struct pcut *x = &p->cut[i], *y = &p->cut[j];
	long long px = p->ps[x->slot - 1].pid, py = p->ps[y->slot - 1].pid;
	if (px != py)
		return px < py;
	return x->tf1 != y->tf1 ? x->tf1 < y->tf1 : x->tf2 < y->tf2;
}

static void cut_sift(const struct pairs *p, unsigned *v, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		if (l < n && cut_before(p, v[m], v[l]))
			m = l;
		if (r < n && cut_before(p, v[m], v[r]))
			m = r;
		if (m == i)
			return;
		unsigned t = v[i];
		v[i] = v[m];
		v[m] = t;
		i = m;
	}
}

/* Heapsort: no memory beside the list, and n log n at worst. */
static void cuts_sort(const struct pairs *p, unsigned *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		cut_sift(p, v, n, i);
	for (size_t k = n; k-- > 1;) {
		unsigned t = v[0];
		v[0] = v[k];
		v[k] = t;
		cut_sift(p, v, k, 0);
	}
}

static void bind_cut(sqlite3_stmt *st, int at, int i, const void *ctx)
{
	const struct cut_flush *f = ctx;
	const struct pcut *c = &f->p->cut[f->p->dirty[i]];
	store_bind_int(st, at, f->p->ps[c->slot - 1].pid);
	store_bind_int(st, at + 1, c->tf1);
	store_bind_int(st, at + 2, c->tf2);
	store_bind_int(st, at + 3, c->dl);
	store_bind_int(st, at + 4, f->base + c->off);
}

/* The cuts changed since written into the table (those on the dirty list, not
 * a walk of every slot); empty: then forgotten (the batch's first row changes,
 * or the table is full). */
static int pairs_flush_cuts(struct store *s, struct pairs *p, long long base, int empty, struct mc_error *err)
{
	int rc = MC_OK;
	if (p->ndirty > 0) {
		MC_CRASH_POINT("search: the pairs' cuts to write");
		cuts_sort(p, p->dirty, (size_t)p->ndirty);
		MC_CRASH_POINT("search: the pairs' cuts sorted");
		struct cut_flush f = { p, base };
		rc = rows_write(s, SQL_PAIR_CUT, 5, p->ndirty, bind_cut, &f, NULL, err);
		for (int i = 0; i < p->ndirty; i++)
			p->cut[p->dirty[i]].dirty = 0;
		p->ndirty = 0;
	}
	if (empty && p->ncut > 0) {
		memset(p->cut, 0, sizeof *p->cut * p->cutcap);
		p->ncut = 0;
	}
	return rc;
}

/* A pair's count of rows kept and its last, in the table and in ps. */
static int pair_set(struct store *s, struct pslot *ps, struct mc_error *err)
{
	if (ps->n >= PAIR_KEEP) {
		sqlite3_stmt *st = store_prep(s, SQL_PAIR_WORST, err);
		if (!st)
			return MC_FAIL;
		store_bind_int(st, 1, ps->pid);
		if (sqlite3_step(st) == SQLITE_ROW) {
			ps->fk = sqlite3_column_double(st, 0);
			ps->fd = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
	}
	sqlite3_stmt *st = store_prep(s, SQL_PAIR_SET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, ps->pid);
	store_bind_int(st, 2, ps->n);
	if (ps->n >= PAIR_KEEP) {
		sqlite3_bind_double(st, 3, ps->fk);
		store_bind_int(st, 4, ps->fd);
	} else {
		sqlite3_bind_null(st, 3);
		sqlite3_bind_null(st, 4);
	}
	return step_end(s, st, err);
}

/* A pair's row to write, in the table's order (nkey, doc). */
struct pair_row {
	double nk;
	long long doc;
	int tf1, tf2, dl;
};

static int pair_row_cmp(const void *a, const void *b)
{
	const struct pair_row *x = a, *y = b;
	if (x->nk != y->nk)
		return x->nk < y->nk ? -1 : 1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

struct pair_rows {
	long long pid;
	const struct pair_row *r;
};

static void bind_pair_row(sqlite3_stmt *st, int at, int i, const void *ctx)
{
	const struct pair_rows *pr = ctx;
	const struct pair_row *r = &pr->r[i];
	store_bind_int(st, at, pr->pid);
	sqlite3_bind_double(st, at + 1, r->nk);
	store_bind_int(st, at + 2, r->doc);
	store_bind_int(st, at + 3, r->tf1);
	store_bind_int(st, at + 4, r->tf2);
	store_bind_int(st, at + 5, r->dl);
}

/* A pair's rows gathered into the table; then only its first PAIR_KEEP stay
 * (the others to the cuts). */
static int pair_write(struct store *s, struct impact_batch *b, struct pairs *p, int slot, struct mc_error *err)
{
	struct pslot *ps = &p->ps[slot];
	struct pair_row rows[PAIR_KEEP];   /* ps->len: PAIR_KEEP at most */
	long long added = 0;
	int n = 0, rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < ps->len; i++) {
		const struct pentry *e = &ps->p[i];
		double nk = -pair_good(ps, e->tf1, e->tf2, (int)e->dl);
		long long doc = b->base + e->off;
		if (ps->n >= PAIR_KEEP && pair_after(nk, doc, ps->fk, ps->fd))
			rc = pair_cut_note(s, b, p, slot, e->tf1, e->tf2, (int)e->dl, doc, err);
		else
			rows[n++] = (struct pair_row){ nk, doc, e->tf1, e->tf2, (int)e->dl };
	}
	ps->len = 0;
	qsort(rows, (size_t)n, sizeof *rows, pair_row_cmp);
	struct pair_rows pr = { ps->pid, rows };
	if (rc == MC_OK)
		rc = rows_write(s, SQL_PAIR_ROW_INSERT, 6, n, bind_pair_row, &pr, &added, err);
	if (rc != MC_OK || added == 0)
		return rc;
	ps->n += added;
	if (ps->n > PAIR_KEEP) {
		const char *sql[] = { SQL_PAIR_TRIM_CUT, SQL_PAIR_TRIM };
		for (int k = 0; rc == MC_OK && k < 2; k++) {
			sqlite3_stmt *st = store_prep(s, sql[k], err);
			if (!st)
				return MC_FAIL;
			store_bind_int(st, 1, ps->pid);
			store_bind_int(st, 2, PAIR_KEEP);
			rc = step_end(s, st, err);
		}
		ps->n = PAIR_KEEP;
	}
	return rc == MC_OK ? pair_set(s, ps, err) : rc;
}

/* Every pair's rows gathered into its table, and the heaps freed; the cuts stay. */
static int pairs_heaps_write(struct store *s, struct impact_batch *b, struct pairs *p, struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < p->nps; i++) {
		struct pslot *ps = &p->ps[i];
		if (ps->len > 0)
			rc = pair_write(s, b, p, i, err);
		free(ps->p);
		ps->p = NULL;
		ps->cap = 0;
	}
	p->heap_bytes = 0;
	impact_pair_heap_writes++;
	return rc;
}

static int pairs_flush(struct store *s, struct impact_batch *b, struct pairs *p, struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < p->nps; i++)
		if (p->ps[i].len > 0)
			rc = pair_write(s, b, p, i, err);
	return rc == MC_OK ? pairs_flush_cuts(s, p, b->base, 1, err) : rc;
}

/* A row taken out (its words sorted in b->tok) leaves its pairs' kept rows. */
static int pairs_remove(struct store *s, struct impact_batch *b, struct pairs *p, long long doc,
			struct mc_error *err)
{
	const char *base = mc_buf_str(&b->bytes_tok);
	for (int i = 0; i < b->ntok; i++)
		pairs_count(p, base + b->tok[i].off, b->tok[i].len);
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < p->ntouched; i++)
		for (int j = i + 1; rc == MC_OK && j < p->ntouched; j++) {
			int slot = p->slot[p->touched[i]][p->touched[j]] - 1;
			if (slot < 0)
				continue;
			struct pslot *ps = &p->ps[slot];
			sqlite3_stmt *st = store_prep(s, SQL_PAIR_ROW_DELETE, err);
			if (!st)
				return MC_FAIL;
			store_bind_int(st, 1, ps->pid);
			store_bind_int(st, 2, doc);
			rc = step_end(s, st, err);
			if (rc == MC_OK && sqlite3_changes(store_db(s)) > 0) {
				ps->n--;
				rc = pair_set(s, ps, err);
			}
		}
	for (int i = 0; i < p->ntouched; i++)
		p->rowtf[p->touched[i]] = 0;
	p->ntouched = 0;
	return rc;
}

/* ---------------------------------------------------------------- the words' sets of rows */

/* Two words in a tenth to a quarter of the rows are too many to pair (350 such
 * words at 100,000 submissions), and the rows each keeps in its groups are its
 * shortest, which seldom hold the other: the index could not settle such a query
 * and FTS5 walked both words' whole lists (20-30 ms at 100,000 submissions, O(n)),
 * most often to find that the two share no row at all (search14: 21 of the 24
 * that fell back at 20,000). So each word in over a tenth of a large table's rows
 * (the pairs' PAIR_MANY_ROWS) keeps the set of its rows, a bit a rowid, SET_ROWS
 * rowids to a row of search_set: two such words' rows in common are then found
 * from their bits, n / 8 bytes a word, not from their lists (the demo's words in a
 * tenth of the items are spread over every block of 64 rowids, so nothing coarser
 * than a bit a row would tell them apart). None in common: no match, at once; a
 * few: each one counted and scored as the index counts any row; more than FTS5's
 * ranking would cost: the index and FTS5 as before. A bit set stays set when its
 * row loses the word (a feedback replaced): every row found is counted anyway.
 * Rows come in rowid order (a build, the evidence's new rows), so a word holds
 * one chunk of bits at a time (SET_WORDS x SET_BYTES at most: 1 MB), written
 * when a row of another chunk comes and at the batch's end, ORed into what the
 * table holds. */
/* 992 bytes a chunk, not 1,024: four rows of it fit a 4 KiB page, not three (a
 * build at 100,000 submissions held 23.7 MB of bits in 31.7 MB of pages with 1,024) */
#define SET_BYTES 992
#define SET_ROWS (SET_BYTES * 8)        /* rowids a chunk: 7,936 */
#define SET_SHARE 10                    /* words in over a tenth of the rows */
#define SET_WORDS 1024                  /* at most (512 words at 100,000 submissions) */
#define SET_HASH 2048                   /* slots of the words' table (> 2 SET_WORDS) */

static const char SQL_SET_WORDS[] =
	"SELECT t.id, t.term FROM search_set s JOIN search_term t ON t.id = s.tid WHERE s.chunk = -1 AND t.src = ?1";
static const char SQL_SET_GET[] = "SELECT bits FROM search_set WHERE tid = ?1 AND chunk = ?2";
static const char SQL_SET_PUT[] = "INSERT OR REPLACE INTO search_set(tid, chunk, bits) VALUES (?1, ?2, ?3)";
static const char SQL_SET_CHUNKS[] = "SELECT chunk, bits FROM search_set WHERE tid = ?1 AND chunk >= 0 ORDER BY chunk";
static const char SQL_SET_MARK[] =
	"INSERT OR IGNORE INTO search_set(tid, chunk, bits) SELECT id, -1, x'' FROM search_term "
	"WHERE src = ?1 AND term <> '' AND term <> ?2 AND df * ?3 > ?4 AND df >= ?5 ORDER BY df DESC, id LIMIT ?6";
static const char SQL_CLEAR_SETS[] =
	"DELETE FROM search_set WHERE tid IN (SELECT id FROM search_term WHERE src = ?1)";

struct impact_set_stats impact_set_stats;

struct wset {
	long long tid;
	long long chunk;        /* the chunk held (bits), -1: none */
	unsigned char *bits;    /* SET_BYTES, once a row came */
	int dirty;
};

struct sets {
	int nw;
	char *word[SET_WORDS];
	short hash[SET_HASH];   /* word + 1, by the word's hash */
	struct wset w[SET_WORDS];
};

static void sets_free(struct sets **sp)
{
	struct sets *p = *sp;
	if (!p)
		return;
	for (int i = 0; i < p->nw; i++) {
		free(p->word[i]);
		free(p->w[i].bits);
	}
	free(p);
	*sp = NULL;
}

/* The table's words that keep a set (none: NULL). */
static int sets_load(struct store *s, enum search_source src, struct sets **out, struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_SET_WORDS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, src);
	struct sets *p = NULL;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (!p)
			p = mc_xcalloc(1, sizeof *p);
		if (p->nw == SET_WORDS)
			continue;   /* more than are chosen: written by hand */
		const char *term = (const char *)sqlite3_column_text(st, 1);
		size_t j = hash_term(term, strlen(term)) & (SET_HASH - 1);
		while (p->hash[j])
			j = (j + 1) & (SET_HASH - 1);
		p->word[p->nw] = mc_xstrdup(term);
		p->w[p->nw] = (struct wset){ .tid = sqlite3_column_int64(st, 0), .chunk = -1 };
		p->hash[j] = (short)(++p->nw);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		sets_free(&p);
		return store_fail(s, err, "reading the search index");
	}
	*out = p;
	return MC_OK;
}

/* A chunk held into the table, ORed into the bits it holds there. */
static int set_write(struct store *s, struct wset *w, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SET_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, w->tid);
	store_bind_int(st, 2, w->chunk);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const unsigned char *old = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		for (int i = 0; old && i < n && i < SET_BYTES; i++)
			w->bits[i] |= old[i];
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_fail(s, err, "reading the search index");
	int n = SET_BYTES;   /* the trailing empty bytes are left out (the last chunk's) */
	while (n > 1 && !w->bits[n - 1])
		n--;
	if (!(st = store_prep(s, SQL_SET_PUT, err)))
		return MC_FAIL;
	store_bind_int(st, 1, w->tid);
	store_bind_int(st, 2, w->chunk);
	sqlite3_bind_blob(st, 3, w->bits, n, SQLITE_STATIC);
	w->dirty = 0;
	return step_end(s, st, err);
}

/* A word of row doc: its bit set, the chunk it held written first if another. */
static int sets_note(struct store *s, struct sets *p, const char *tok, int ntok, long long doc,
		     struct mc_error *err)
{
	size_t j = hash_term(tok, (size_t)ntok) & (SET_HASH - 1);
	while (p->hash[j]) {
		const char *word = p->word[p->hash[j] - 1];
		if (strlen(word) == (size_t)ntok && memcmp(word, tok, (size_t)ntok) == 0)
			break;
		j = (j + 1) & (SET_HASH - 1);
	}
	if (!p->hash[j] || doc < 0)
		return MC_OK;
	struct wset *w = &p->w[p->hash[j] - 1];
	long long chunk = doc / SET_ROWS;
	int rc = MC_OK;
	if (w->chunk != chunk) {
		if (w->dirty)
			rc = set_write(s, w, err);
		if (!w->bits)
			w->bits = mc_xmalloc(SET_BYTES);
		memset(w->bits, 0, SET_BYTES);
		w->chunk = chunk;
	}
	long long at = doc % SET_ROWS;
	w->bits[at >> 3] |= (unsigned char)(1u << (at & 7));
	w->dirty = 1;
	return rc;
}

static int sets_flush(struct store *s, struct sets *p, struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < p->nw; i++)
		if (p->w[i].dirty)
			rc = set_write(s, &p->w[i], err);
	return rc;
}

/* The words that keep a set, chosen now (their sets emptied): in a table of
 * impact_pair_many_rows rows or more, the SET_WORDS most common in over a tenth. */
static int sets_choose(struct store *s, enum search_source src, long long rows, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CLEAR_SETS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, src);
	int rc = step_end(s, st, err);
	if (rc != MC_OK || rows < impact_pair_many_rows)
		return rc;
	if (!(st = store_prep(s, SQL_SET_MARK, err)))
		return MC_FAIL;
	store_bind_int(st, 1, src);
	store_bind_text(st, 2, SEARCH_LENGTH_MARK);
	store_bind_int(st, 3, SET_SHARE);
	store_bind_int(st, 4, rows);
	store_bind_int(st, 5, PAIR_MIN_DF);
	store_bind_int(st, 6, SET_WORDS);
	return step_end(s, st, err);
}

/* ---------------------------------------------------------------- one row's words */

static int collect(void *p, const char *tok, int ntok, int start, int end, int colocated)
{
	(void)start;
	(void)end;
	struct impact_batch *b = p;
	if (!colocated)
		b->dl++;   /* FTS5's length: positions, not tokens */
	if (b->ntok == b->tokcap) {
		b->tokcap = b->tokcap ? b->tokcap * 2 : 256;
		b->tok = mc_xrealloc(b->tok, sizeof *b->tok * (size_t)b->tokcap);
	}
	b->tok[b->ntok].off = b->bytes_tok.len;
	b->tok[b->ntok++].len = ntok;
	mc_buf_add(&b->bytes_tok, tok, (size_t)ntok);
	return 0;
}

static const char *sort_base;

static int tok_cmp(const void *a, const void *b)
{
	const struct { size_t off; int len; } *x = a, *y = b;
	int n = x->len < y->len ? x->len : y->len;
	int c = memcmp(sort_base + x->off, sort_base + y->off, (size_t)n);
	return c ? c : x->len - y->len;
}

/* Tokenizes one row into b->tok (sorted) and b->dl. */
static int row_words(struct store *s, struct impact_batch *b, const char *text, size_t len, struct mc_error *err)
{
	mc_buf_reset(&b->bytes_tok);
	b->ntok = 0;
	b->dl = 0;
	int rc = store_search_tokenize(s, text ? text : "", text ? len : 0, 0, collect, b, err);
	if (rc != MC_OK)
		return rc;
	sort_base = mc_buf_str(&b->bytes_tok);
	qsort(b->tok, (size_t)b->ntok, sizeof *b->tok, tok_cmp);
	return MC_OK;
}

/* Adding a row: each word counted in its own entry (no sort of the row's words). */
static int count_word(void *p, const char *tok, int ntok, int start, int end, int colocated)
{
	(void)start;
	(void)end;
	struct impact_batch *b = p;
	if (!colocated)
		b->dl++;
	if (b->pr)
		pairs_count(b->pr, tok, ntok);
	if (b->sets && b->set_rc == MC_OK)
		b->set_rc = sets_note(b->s, b->sets, tok, ntok, b->doc, b->err);
	if (b->pairs_only)
		return 0;
	size_t j = bterm_get(b, tok, (size_t)ntok);
	struct bterm *t = &b->t[j];
	if (t->row == b->doc) {
		t->row_tf++;
		return 0;
	}
	t->row = b->doc;
	t->row_tf = 1;
	if (b->ntouched == b->touchcap) {
		b->touchcap = b->touchcap ? b->touchcap * 2 : 256;
		b->touched = mc_xrealloc(b->touched, sizeof *b->touched * (size_t)b->touchcap);
	}
	b->touched[b->ntouched++] = j;
	return 0;
}

int impact_batch_row(struct store *s, struct impact_batch *b, long long doc, const char *text, size_t len,
		     struct mc_error *err)
{
	int rc = MC_OK;
	if (!b->pairs_loaded) {
		rc = pairs_load(s, b->src, &b->pr, err);
		if (rc == MC_OK)
			rc = sets_load(s, b->src, &b->sets, err);
		b->pairs_loaded = 1;
	}
	if (rc != MC_OK || (b->pairs_only && !b->pr && !b->sets))
		return rc;
	if (b->rows > 0 && (doc < b->base || (unsigned long long)(doc - b->base) > 0xffffffffULL))
		rc = impact_batch_flush(s, b, err);   /* too far from the first for a key */
	if (rc != MC_OK)
		return rc;
	if (b->rows == 0)
		b->base = doc;
	b->dl = 0;
	b->ntouched = 0;
	b->doc = doc;
	b->s = s;
	b->err = err;
	b->set_rc = MC_OK;
	rc = store_search_tokenize(s, text ? text : "", text ? len : 0, 0, count_word, b, err);
	if (rc == MC_OK)
		rc = b->set_rc;
	if (rc != MC_OK)
		return rc;
	for (int i = 0; i < b->ntouched; i++) {
		struct bterm *t = &b->t[b->touched[i]];
		t->df++;
		b->held += group_add(b, t, t->row_tf, b->dl, doc);
	}
	if (b->pr && (rc = pairs_row(s, b, b->pr, doc, b->dl, err)) != MC_OK)
		return rc;
	b->rows++;
	b->tokens += b->dl;
	if (b->held >= IMPACT_HELD)
		return impact_batch_flush(s, b, err);
	return MC_OK;
}

/* ---------------------------------------------------------------- writing what was gathered */

static int step_end(struct store *s, sqlite3_stmt *st, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "updating the search index");
}

static sqlite3_stmt *prep_group(struct store *s, const char *sql, long long tid, int tf, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (st) {
		store_bind_int(st, 1, tid);
		store_bind_int(st, 2, tf);
	}
	return st;
}

/* One integer (or -1 without a row) from a statement on a group. */
static int group_int(struct store *s, const char *sql, long long tid, int tf, long long *v, struct mc_error *err)
{
	sqlite3_stmt *st = prep_group(s, sql, tid, tf, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the search index");
}

/* The word's count a row and its totals: the term's id in *tid. */
static int term_add(struct store *s, enum search_source src, const char *term, long long df, long long tokens,
		    long long *tid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_TERM_UPSERT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, src);
	store_bind_text(st, 2, term);
	store_bind_int(st, 3, df);
	store_bind_int(st, 4, tokens);
	int rc = sqlite3_step(st);
	*tid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "updating the search index");
}

struct group_rows {
	long long tid, base;
	const struct group *g;
};

static void bind_post(sqlite3_stmt *st, int at, int i, const void *ctx)
{
	const struct group_rows *r = ctx;
	store_bind_int(st, at, r->tid);
	store_bind_int(st, at + 1, r->g->tf);
	store_bind_int(st, at + 2, key_dl(r->g->p[i]));
	store_bind_int(st, at + 3, r->base + (long long)(r->g->p[i] & 0xffffffffULL));
}

/* A group's new rows into the table: those before its last row when it is cut,
 * else all; then only its first IMPACT_KEEP stay. */
static int group_write(struct store *s, long long base, long long tid, struct group *g, struct mc_error *err)
{
	long long cut, last_dl = -1, last_doc = 0;
	group_sort(g);
	int rc = group_int(s, SQL_GROUP_IS_CUT, tid, g->tf, &cut, err);
	if (rc == MC_OK && cut > 0) {
		sqlite3_stmt *st = prep_group(s, SQL_GROUP_LAST, tid, g->tf, err);
		if (!st)
			return MC_FAIL;
		if (sqlite3_step(st) == SQLITE_ROW) {
			last_dl = sqlite3_column_int64(st, 0);
			last_doc = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
	}
	int added = 0;
	for (; rc == MC_OK && added < g->len; added++) {
		long long dl = key_dl(g->p[added]), doc = base + (long long)(g->p[added] & 0xffffffffULL);
		if (cut > 0 && (dl > last_dl || (dl == last_dl && doc > last_doc)))
			break;   /* after the last row kept of a cut group: not kept */
	}
	struct group_rows rows = { tid, base, g };
	if (rc == MC_OK)
		rc = rows_write(s, SQL_POST_INSERT, 4, added, bind_post, &rows, NULL, err);
	if (rc != MC_OK)
		return rc;
	int trimmed = 0;   /* rows past the first IMPACT_KEEP went (no count first: 1,024 rows a group) */
	if (added > 0) {
		sqlite3_stmt *st = prep_group(s, SQL_GROUP_TRIM, tid, g->tf, err);
		if (!st)
			return MC_FAIL;
		store_bind_int(st, 3, impact_keep - 1);
		rc = step_end(s, st, err);
		trimmed = sqlite3_changes(store_db(s)) > 0;
	}
	if (rc == MC_OK && cut <= 0 && (trimmed || g->dropped)) {
		sqlite3_stmt *st = prep_group(s, SQL_GROUP_CUT, tid, g->tf, err);
		rc = st ? step_end(s, st, err) : MC_FAIL;
	}
	return rc;
}

int impact_batch_flush(struct store *s, struct impact_batch *b, struct mc_error *err)
{
	long long tid;
	int rc = MC_OK;
	if (b->rows == 0)
		return MC_OK;
	for (size_t i = 0; rc == MC_OK && !b->pairs_only && i < b->cap; i++) {
		struct bterm *t = &b->t[i];
		if (!t->term)
			continue;
		rc = term_add(s, b->src, t->term, t->df, 0, &tid, err);
		for (int k = 0; rc == MC_OK && k < t->ng; k++)
			rc = group_write(s, b->base, tid, &t->g[k], err);
	}
	if (rc == MC_OK && !b->pairs_only)
		rc = term_add(s, b->src, "", b->rows, b->tokens, &tid, err);
	if (rc == MC_OK && b->pr)
		rc = pairs_flush(s, b, b->pr, err);
	if (rc == MC_OK && b->sets)
		rc = sets_flush(s, b->sets, err);
	batch_empty(b);
	return rc;
}

/* One row out of the index (its text as it was indexed): counts down; its rows go
 * from the groups (what stays of a cut group is still its first rows). */
int impact_remove_row(struct store *s, enum search_source src, long long doc, const char *text,
		      struct mc_error *err)
{
	struct impact_batch *b = impact_batch_new(src);
	long long tid;
	int rc = row_words(s, b, text, text ? strlen(text) : 0, err);
	const char *base = mc_buf_str(&b->bytes_tok);
	for (int i = 0; rc == MC_OK && i < b->ntok;) {
		int j = i + 1;
		while (j < b->ntok && tok_cmp(&b->tok[i], &b->tok[j]) == 0)
			j++;
		char *term = mc_xstrndup(base + b->tok[i].off, (size_t)b->tok[i].len);
		rc = term_add(s, src, term, -1, 0, &tid, err);
		free(term);
		sqlite3_stmt *st = rc == MC_OK ? prep_group(s, SQL_POST_DELETE, tid, j - i, err) : NULL;
		if (st) {
			store_bind_int(st, 3, b->dl);
			store_bind_int(st, 4, doc);
			rc = step_end(s, st, err);
		} else if (rc == MC_OK) {
			rc = MC_FAIL;
		}
		i = j;
	}
	if (rc == MC_OK)
		rc = term_add(s, src, "", -1, -b->dl, &tid, err);
	if (rc == MC_OK)
		rc = pairs_load(s, src, &b->pr, err);
	if (rc == MC_OK && b->pr)
		rc = pairs_remove(s, b, b->pr, doc, err);
	impact_batch_free(&b);
	return rc;
}

int impact_clear(struct store *s, enum search_source src, struct mc_error *err)
{
	const char *sql[] = { SQL_CLEAR_PAIR_ROWS, SQL_CLEAR_PAIR_CUTS, SQL_CLEAR_PAIRS, SQL_CLEAR_SETS,
			      SQL_CLEAR_POSTS, SQL_CLEAR_CUTS, SQL_CLEAR_TERMS };
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < 7; i++) {
		sqlite3_stmt *st = store_prep(s, sql[i], err);
		if (!st)
			return MC_FAIL;
		store_bind_int(st, 1, src);
		rc = step_end(s, st, err);
	}
	return rc;
}

/* Rows of a statement (id, text) into the index. */
static int add_rows(struct store *s, enum search_source src, sqlite3_stmt *st, int pairs_only, struct mc_error *err)
{
	struct impact_batch *b = impact_batch_new(src);
	b->pairs_only = pairs_only;
	int step, rc = MC_OK;
	while (rc == MC_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = impact_batch_row(s, b, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
				      (size_t)sqlite3_column_bytes(st, 1), err);
	if (rc == MC_OK && step != SQLITE_DONE)
		rc = store_fail(s, err, "reading rows to index");
	sqlite3_reset(st);
	if (rc == MC_OK)
		rc = impact_batch_flush(s, b, err);
	impact_batch_free(&b);
	return rc;
}

static int add_evidence(struct store *s, long long after, long long upto, int pairs_only, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EV_ROWS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, after);
	store_bind_int(st, 2, upto);
	return add_rows(s, SEARCH_EVIDENCE, st, pairs_only, err);
}

int impact_add_evidence(struct store *s, long long after, long long upto, struct mc_error *err)
{
	return add_evidence(s, after, upto, 0, err);
}

int impact_pairs_add_evidence(struct store *s, long long after, long long upto, struct mc_error *err)
{
	return add_evidence(s, after, upto, 1, err);
}

int impact_built(struct store *s, int *built, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, IMPACT_KEY, &v, err);
	*built = rc == MC_OK && v && strcmp(v, IMPACT_FORMAT) == 0;
	free(v);
	return rc;
}

int impact_mark_built(struct store *s, struct mc_error *err)
{
	return store_meta_set(s, IMPACT_KEY, IMPACT_FORMAT, err);
}

int impact_unmark(struct store *s, struct mc_error *err)
{
	return store_meta_set(s, IMPACT_KEY, "", err);
}

/* ---------------------------------------------------------------- ranked top-k */

/* A group of a word as read so far: its first `nread` rows kept, the last of them
 * (last_dl, last_doc). `more`: kept rows after those, read when the bounds ask;
 * `cut`: rows left out of the index after its last kept. A group with either is
 * open: a row of it not read yet is no shorter than its last read, so scores no
 * more for the word than that length does. */
struct qgroup {
	int tf;
	int nread;
	int last_dl;
	long long last_doc;
	int more, cut;
};

struct qterm {
	char *phrase;          /* as FTS5 is asked: "word" */
	char *tok;             /* the word as the tokenizer gives it */
	int ntok;
	long long tid, df;
	double idf;
	struct qgroup *g;      /* by tf */
	int ng;
	int ok;                /* every cut group has a row kept (else no bound) */
	struct qgroup **open;  /* the open groups by the length of their last read */
	struct qgroup **best;  /* best[k]: the one of most tf in open[0..k] */
	int nopen;
};

struct cand {
	long long doc;
	int dl;
	int tf[IMPACT_TERMS];  /* -1: not known */
	double ub;
};

struct query {
	struct store *s;
	enum search_source src;
	struct qterm t[IMPACT_TERMS];
	int nt;
	double avgdl;
	long long nrow;
	struct cand *c;         /* the rows read this round, not candidates before */
	long nc, capc;
	long long *seen;        /* every row that was a candidate (sorted) */
	long nseen, capseen;
	long deeper;            /* rows read past the first IMPACT_READ of their group */
	long counted;           /* rows whose counts were counted or looked up */
	long long least_df;     /* the rarest word's rows */
	long long sum_df;       /* and all the words' */
	int fts5_cheaper;       /* FTS5's AND will cost less than counting on (threshold) */
	const long long *only;  /* NULL, or the only rows that may be returned (sorted) */
	size_t nonly;
};

static int ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static double part_score(const struct query *q, int i, int tf, int dl)
{
	if (tf <= 0)
		return 0;
	return q->t[i].idf * (tf * (SEARCH_BM25_K1 + 1) /
			      (tf + SEARCH_BM25_K1 * (1 - SEARCH_BM25_B + SEARCH_BM25_B * dl / q->avgdl)));
}

/* The query's words, when it is only words in quotes, each one token. */
static int parse_words(struct query *q, const char *fts)
{
	const char *p = fts;
	while (*p) {
		if (*p != '"' || q->nt == IMPACT_TERMS)
			return 0;
		struct mc_buf w = MC_BUF_INIT;
		for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
			if (*p == '"')
				p++;
			mc_buf_addc(&w, *p);
		}
		if (*p != '"' || (p[1] && p[1] != ' ')) {
			mc_buf_free(&w);
			return 0;   /* a prefix (word*) or something else */
		}
		q->t[q->nt++].phrase = mc_buf_steal(&w);
		p++;
		while (*p == ' ')
			p++;
	}
	return q->nt > 0;
}

struct one_token {
	char *tok;
	int n;
};

static int one_token(void *p, const char *tok, int ntok, int start, int end, int colocated)
{
	(void)start;
	(void)end;
	(void)colocated;
	struct one_token *o = p;
	if (o->n++ == 0)
		o->tok = mc_xstrndup(tok, (size_t)ntok);
	return 0;
}

/* FTS5's rows and tokens of the table (its averages record). */
static int fts_totals(struct query *q, long long *nrow, long long *ntok, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(q->s, q->src == SEARCH_EVIDENCE ? SQL_EV_TOTALS : SQL_FB_TOTALS, err);
	if (!st)
		return MC_FAIL;
	*nrow = *ntok = -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *blob = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0), at = 0;
		unsigned long long v;
		if (blob && n > 0) {
			at = search_varint(blob, n, &v);
			*nrow = (long long)v;
			if (at < n) {
				search_varint(blob + at, n - at, &v);
				*ntok = (long long)v;
			}
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "reading the search index");
}

static int term_get(struct query *q, const char *term, long long *tid, long long *df, long long *tokens,
		    struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(q->s, SQL_TERM_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, q->src);
	store_bind_text(st, 2, term);
	int rc = sqlite3_step(st);
	*tid = *df = *tokens = 0;
	if (rc == SQLITE_ROW) {
		*tid = sqlite3_column_int64(st, 0);
		*df = sqlite3_column_int64(st, 1);
		*tokens = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "reading the search index");
}

static struct cand *cand_add(struct query *q, long long doc, int dl)
{
	if (q->nc == q->capc) {
		q->capc = q->capc ? q->capc * 2 : 1024;
		q->c = mc_xrealloc(q->c, sizeof *q->c * (size_t)q->capc);
	}
	struct cand *c = &q->c[q->nc++];
	c->doc = doc;
	c->dl = dl;
	for (int i = 0; i < IMPACT_TERMS; i++)
		c->tf[i] = -1;
	return c;
}

static int cand_doc_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

/* The next n rows of word i's group g (after its last read) become candidates. */
static int read_group(struct query *q, int i, struct qgroup *g, int n, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(q->s, SQL_GROUP_ROWS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, q->t[i].tid);
	store_bind_int(st, 2, g->tf);
	store_bind_int(st, 3, g->last_dl);
	store_bind_int(st, 4, g->last_doc);
	store_bind_int(st, 5, n + 1);   /* one more: are there more? */
	int step, got = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && got < n) {
		g->last_dl = sqlite3_column_int(st, 0);
		g->last_doc = sqlite3_column_int64(st, 1);
		cand_add(q, g->last_doc, g->last_dl)->tf[i] = g->tf;
		got++;
		impact_count_stats.read++;
	}
	g->more = step == SQLITE_ROW;
	g->nread += got;
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "reading the search index");
}

/* An integer from a statement on (tid, ?2): *v, or *found 0 without a row. */
static int tid_int(struct store *s, const char *sql, long long tid, long long a, long long *v, int *found,
		   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, tid);
	store_bind_int(st, 2, a);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	*v = *found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the search index");
}

/* Word i's groups, the first `first` rows of each as candidates (0: none yet, its
 * groups open from the shortest row). */
static int load_term(struct query *q, int i, int first, struct mc_error *err)
{
	struct qterm *t = &q->t[i];
	/* the counts whose group is cut, all at once (sorted), not a lookup a group */
	sqlite3_stmt *st = store_prep(q->s, SQL_TERM_CUTS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, t->tid);
	long long *cut = NULL;
	int step, ncut = 0, capcut = 0, kept_cuts = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (ncut == capcut) {
			capcut = capcut ? capcut * 2 : 32;
			cut = mc_xrealloc(cut, sizeof *cut * (size_t)capcut);
		}
		cut[ncut++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		free(cut);
		return store_fail(q->s, err, "reading the search index");
	}
	if (ncut > 1)
		qsort(cut, (size_t)ncut, sizeof *cut, ll_cmp);
	long long tf = 0;
	int found = 1, cap = 0, rc = MC_OK;
	while (rc == MC_OK && (rc = tid_int(q->s, SQL_GROUP_NEXT, t->tid, tf, &tf, &found, err)) == MC_OK && found) {
		if (t->ng == cap) {
			cap = cap ? cap * 2 : 32;
			t->g = mc_xrealloc(t->g, sizeof *t->g * (size_t)cap);
		}
		struct qgroup *g = &t->g[t->ng++];
		*g = (struct qgroup){ (int)tf, 0, -1, -1, 0, 0 };
		g->cut = ncut && bsearch(&tf, cut, (size_t)ncut, sizeof *cut, ll_cmp) != NULL;
		kept_cuts += g->cut;
		if (first)
			rc = read_group(q, i, g, first, err);
		else
			g->more = 1;   /* a group has a row kept, or it would not be */
	}
	free(cut);
	/* a cut group with no row kept (all taken out since) bounds nothing */
	t->ok = ncut == kept_cuts;
	return rc;
}

/* The group of word i that scores most in a row of length dl it was not read for
 * (an open group whose last read is no longer than dl), or NULL: none. */
static const struct qgroup *unread_group(const struct query *q, int i, int dl)
{
	const struct qterm *t = &q->t[i];
	int lo = 0, hi = t->nopen;   /* the last entry whose length is <= dl */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (t->open[mid]->last_dl <= dl)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? t->best[lo - 1] : NULL;
}

static int open_cmp(const void *a, const void *b)
{
	const struct qgroup *x = *(struct qgroup *const *)a, *y = *(struct qgroup *const *)b;
	return (x->last_dl > y->last_dl) - (x->last_dl < y->last_dl);
}

/* Word i's open groups by the length of their last read, and for each the group of
 * most tf up to it (the same length: more of the word scores more). */
static void open_groups(struct query *q, int i)
{
	struct qterm *t = &q->t[i];
	t->open = mc_xrealloc(t->open, sizeof *t->open * (size_t)(t->ng ? t->ng : 1));
	t->best = mc_xrealloc(t->best, sizeof *t->best * (size_t)(t->ng ? t->ng : 1));
	t->nopen = 0;
	for (int k = 0; k < t->ng; k++)
		if (t->g[k].more || t->g[k].cut)
			t->open[t->nopen++] = &t->g[k];
	qsort(t->open, (size_t)t->nopen, sizeof *t->open, open_cmp);
	for (int k = 0; k < t->nopen; k++)
		t->best[k] = k > 0 && t->best[k - 1]->tf > t->open[k]->tf ? t->best[k - 1] : t->open[k];
}

/* This round's rows: the same row merged (each word's count where read), rows
 * that were candidates before left out (scored, or bounded below the k-th then:
 * the k-th only gets better and the bounds only lower), the rest remembered. */
static void cand_merge(struct query *q)
{
	qsort(q->c, (size_t)q->nc, sizeof *q->c, cand_doc_cmp);
	long m = 0;
	for (long i = 0; i < q->nc; i++) {
		if (m && q->c[m - 1].doc == q->c[i].doc) {
			for (int k = 0; k < q->nt; k++)
				if (q->c[i].tf[k] >= 0)
					q->c[m - 1].tf[k] = q->c[i].tf[k];
			continue;
		}
		if (q->nseen && bsearch(&q->c[i].doc, q->seen, (size_t)q->nseen, sizeof *q->seen, ll_cmp))
			continue;
		q->c[m++] = q->c[i];
	}
	q->nc = m;
	if (q->nseen + m > q->capseen) {
		q->capseen = (q->nseen + m) * 2;
		q->seen = mc_xrealloc(q->seen, sizeof *q->seen * (size_t)q->capseen);
	}
	for (long i = 0; i < m; i++)
		q->seen[q->nseen++] = q->c[i].doc;
	qsort(q->seen, (size_t)q->nseen, sizeof *q->seen, ll_cmp);
}

/* Best upper bound first; a row a word is known not to be in goes. */
static int cand_ub_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->ub != y->ub)
		return x->ub > y->ub ? -1 : 1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

static void cand_bounds(struct query *q)
{
	long m = 0;
	for (long i = 0; i < q->nc; i++) {
		struct cand *c = &q->c[i];
		double ub = 0;
		int in = 1;
		for (int k = 0; k < q->nt && in; k++) {
			const struct qgroup *g = c->tf[k] >= 0 ? NULL : unread_group(q, k, c->dl);
			if (c->tf[k] < 0 && !g)
				in = 0;   /* word k cannot be in this row: it would have been read */
			else
				ub += part_score(q, k, c->tf[k] >= 0 ? c->tf[k] : g->tf, c->dl);
		}
		if (!in)
			continue;
		c->ub = ub;
		q->c[m++] = *c;
	}
	q->nc = m;
	qsort(q->c, (size_t)q->nc, sizeof *q->c, cand_ub_cmp);
}

/* Word k's count in row doc, from FTS5 (0: not there). */
static int lookup_tf(struct query *q, int k, long long doc, int *tf, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(q->s, q->src == SEARCH_EVIDENCE ? SQL_EV_TF : SQL_FB_TF, err);
	if (!st)
		return MC_FAIL;
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_addc(&b, '"');
	for (const char *p = q->t[k].phrase; *p; p++) {
		if (*p == '"')
			mc_buf_addc(&b, '"');
		mc_buf_addc(&b, *p);
	}
	mc_buf_addc(&b, '"');
	store_bind_text(st, 1, mc_buf_str(&b));
	store_bind_int(st, 2, doc);
	int rc = sqlite3_step(st);
	*tf = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	mc_buf_free(&b);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "searching");
}

/* Counting the query's words in a row's text: tf[k] for each wanted k. */
struct text_count {
	const struct query *q;
	const int *want;
	int *tf;
};

static int count_query_word(void *p, const char *tok, int ntok, int start, int end, int colocated)
{
	(void)start;
	(void)end;
	(void)colocated;
	struct text_count *c = p;
	for (int k = 0; k < c->q->nt; k++)
		if (c->want[k] && c->q->t[k].ntok == ntok && memcmp(c->q->t[k].tok, tok, (size_t)ntok) == 0)
			c->tf[k]++;
	return 0;
}

/* The counts of row doc (of length dl) not known yet (tf[k] < 0), 0 for a word not
 * in it. A short row's text is read and its words counted as the index counted
 * them; in a longer one FTS5 seeks the row in each word's list (for a word in
 * most rows a long one: several times the cost of counting a short text). */
static int row_counts(struct query *q, long long doc, int dl, int *tf, struct mc_error *err)
{
	int unknown = 0;
	for (int k = 0; k < q->nt; k++)
		unknown |= tf[k] < 0;
	if (!unknown)
		return MC_OK;
	if (dl > IMPACT_COUNT_TEXT) {
		impact_count_stats.fts5++;
		int rc = MC_OK;
		for (int k = 0; rc == MC_OK && k < q->nt; k++)
			if (tf[k] < 0 && (rc = lookup_tf(q, k, doc, &tf[k], err)) == MC_OK && tf[k] == 0)
				break;   /* not in the row: the others need not be known */
		return rc;
	}
	impact_count_stats.text++;
	sqlite3_stmt *st = store_prep(q->s, q->src == SEARCH_EVIDENCE ? SQL_EV_TEXT : SQL_FB_TEXT, err);
	if (!st)
		return MC_FAIL;
	int want[IMPACT_TERMS];
	for (int k = 0; k < q->nt; k++)
		if ((want[k] = tf[k] < 0))
			tf[k] = 0;
	store_bind_int(st, 1, doc);
	int step = sqlite3_step(st), rc = MC_OK;
	if (step == SQLITE_ROW) {
		struct text_count c = { q, want, tf };
		const char *text = (const char *)sqlite3_column_text(st, 0);
		rc = store_search_tokenize(q->s, text ? text : "", text ? (size_t)sqlite3_column_bytes(st, 0) : 0, 0,
					   count_query_word, &c, err);
	}
	sqlite3_reset(st);
	if (rc != MC_OK)
		return rc;
	return step == SQLITE_ROW || step == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "searching");
}

/* Rows counted so far seldom hold every word (they are read for one word, and the
 * others are seldom beside it: the rows kept of each word are its shortest), so that
 * filling the top would count many more than FTS5's ranking costs: its AND when the
 * rarest word is in under an eighth of the items (fts.c: a call a row, stepping only
 * the rows that hold every word), else its walks of every word's rows and of the
 * length marks. Not for an assessor's own rows (not ranked that way). Judged after
 * 4 x the limit rows counted, or after IMPACT_COUNT_SURE while none of them held
 * every word and no word is in over half the items: two words in a tenth to a
 * quarter of the items often share no item
 * at all (21 of the 24 such random pairs that fell back at 20,000 submissions),
 * and the 200 rows counted before FTS5 was asked cost more than FTS5's walks then
 * (a text read each: about 13 of a one-off's 40 ms there). After 32 rows and none
 * the estimate asks for 1,600 more, over what FTS5's walks cost up to about
 * 100,000 submissions (their cost grows with the items: a larger table counts on,
 * as before). Once a row held them the first judgement waits for 4 x the limit as
 * before: the first rows counted are the words' shortest, which hold both less
 * often than the rest (judged after 32 in every case, ten queries of 168 that the
 * index answered at 20,000 went to FTS5). So does it beside a word in over half
 * the items (bm25's floor): that word is not read at first, the rows counted are
 * the other's shortest, and at 100,000 twelve such queries whose first 32 rows
 * counted held both none were answered by the index after 133-481 (`a losing`,
 * `three growth`), in less than FTS5's walks then cost. In a table large enough
 * for the words' sets (above), two words in over a tenth of the rows that share
 * none, or only a few, are answered from the sets before any row is counted. */
#define IMPACT_COUNT_SURE 32

/* What FTS5's ranking of the query costs, in rows counted. */
static double fts5_cost(const struct query *q)
{
	return q->least_df < SEARCH_AND_BELOW(q->nrow) ? (double)q->least_df / IMPACT_COUNT_VS_AND
						      : (double)(q->sum_df + q->nrow) / IMPACT_COUNT_VS_WALK;
}

static int row_length(struct query *q, long long doc, int *dl, struct mc_error *err);

static int to_fts5(const struct query *q, const struct search_top *t)
{
	int floor = 0;   /* a word in over half the items */
	for (int i = 0; i < q->nt; i++)
		floor |= q->t[i].idf <= SEARCH_IDF_FLOOR;
	if (q->only || t->n >= t->limit || q->counted < IMPACT_COUNT_SURE ||
	    ((t->n > 0 || floor) && q->counted < 4L * t->limit))
		return 0;
	double rate = (t->n + 1.0) / (double)q->counted;   /* rows that held every word */
	return (t->limit - t->n) / rate > fts5_cost(q);
}

/* The threshold pass over this round's candidates: best bound first, unknown
 * counts looked up, exact scores into t's heap, until none left can beat the k-th. */
static int threshold(struct query *q, struct search_top *t, const double *idf, struct mc_error *err)
{
	int rc = MC_OK;
	for (long i = 0; rc == MC_OK && i < q->nc; i++) {
		struct cand *c = &q->c[i];
		if (t->n == t->limit && c->ub * (1 + 1e-12) < -t->score[0])
			break;   /* sorted by bound: none left can enter */
		if (q->only && !bsearch(&c->doc, q->only, q->nonly, sizeof *q->only, ll_cmp))
			continue;   /* not the acting user's */
		int tf[IMPACT_TERMS], in = 1, unknown = 0;
		memcpy(tf, c->tf, sizeof tf);
		for (int k = 0; k < q->nt; k++)
			unknown |= tf[k] < 0;
		rc = row_counts(q, c->doc, c->dl, tf, err);
		for (int k = 0; k < q->nt; k++)
			in = in && tf[k] > 0;
		if (rc == MC_OK && in)
			search_top_push(t, c->doc, search_bm25(idf, tf, q->nt, c->dl, q->avgdl));
		q->counted += unknown;
		if (rc == MC_OK && unknown && to_fts5(q, t)) {
			q->fts5_cheaper = 1;
			break;
		}
	}
	q->nc = 0;
	return rc;
}

/* Can a row read for no word still enter t? Such a row of length D holds each
 * word in an open group whose last read is no longer than D. At each such D (the
 * last read of an open group; between two, every score only falls) the best it
 * can score is each word's best group there, in the same arithmetic as a row's
 * score: one that does not beat the k-th, or ties it with a larger rowid (a row of
 * length D after the last read of a group of that length), cannot enter. Else
 * *deepen: the group of that best to read further (NULL: none has rows left). */
static int settled(const struct query *q, const struct search_top *t, const double *idf, struct qgroup **deepen)
{
	*deepen = NULL;
	double worst = 0;
	int ok = 1;
	for (int i = 0; i < q->nt; i++) {
		for (int k = 0; k < q->t[i].ng; k++) {
			const struct qgroup *at = &q->t[i].g[k];
			if (!at->more && !at->cut)
				continue;
			int D = at->last_dl, tf[IMPACT_TERMS], in = 1;
			long long after = -1;   /* rows of length D in the best: rowids after this */
			const struct qgroup *best[IMPACT_TERMS];
			for (int w = 0; w < q->nt && in; w++) {
				best[w] = unread_group(q, w, D);
				in = best[w] != NULL;
				if (in) {
					tf[w] = best[w]->tf;
					if (best[w]->last_dl == D && best[w]->last_doc > after)
						after = best[w]->last_doc;
				}
			}
			if (!in)
				continue;   /* a word has no row this long left: none */
			double v = search_bm25(idf, tf, q->nt, D, q->avgdl);
			if (t->n == t->limit && (v > t->score[0] || (v == t->score[0] && after >= t->rowid[0])))
				continue;
			if (ok || v < worst) {
				worst = v;
				*deepen = NULL;   /* the longest read of the best's groups, with rows left */
				for (int w = 0; w < q->nt; w++)
					if (best[w]->more && (!*deepen || best[w]->last_dl > (*deepen)->last_dl))
						*deepen = (struct qgroup *)best[w];
			}
			ok = 0;
		}
	}
	return ok;
}

static void query_free(struct query *q)
{
	for (int i = 0; i < q->nt; i++) {
		free(q->t[i].phrase);
		free(q->t[i].tok);
		free(q->t[i].g);
		free(q->t[i].open);
		free(q->t[i].best);
	}
	free(q->c);
	free(q->seen);
}

/* The words' terms and counts; 0 in *usable when the index cannot answer. */
static int query_terms(struct query *q, int *usable, int *none, struct mc_error *err)
{
	long long nrow, ntok, tid, rows, tokens;
	int rc = fts_totals(q, &nrow, &ntok, err);
	if (rc == MC_OK)
		rc = term_get(q, "", &tid, &rows, &tokens, err);
	if (rc != MC_OK || nrow <= 0 || rows != nrow || tokens != ntok)
		return rc;   /* not in step with FTS5 (or empty) */
	q->nrow = nrow;
	q->avgdl = (double)ntok / (double)nrow;
	for (int i = 0; i < q->nt; i++) {
		struct one_token o = { NULL, 0 };
		rc = store_search_tokenize(q->s, q->t[i].phrase, strlen(q->t[i].phrase), 1, one_token, &o, err);
		if (rc != MC_OK || o.n != 1) {
			free(o.tok);
			return rc;   /* a phrase, or nothing: FTS5 ranks it */
		}
		for (int k = 0; k < i; k++)
			if (strcmp(q->t[k].phrase, q->t[i].phrase) == 0)
				o.n = 0;
		if (o.n == 0 || (rc = term_get(q, o.tok, &q->t[i].tid, &q->t[i].df, &tokens, err)) != MC_OK) {
			free(o.tok);
			return rc;   /* the same word twice: FTS5 ranks it */
		}
		q->t[i].tok = o.tok;
		q->t[i].ntok = (int)strlen(o.tok);
		q->t[i].idf = search_idf(nrow, q->t[i].df);
		if (q->t[i].df <= 0)
			*none = 1;
		if (i == 0 || q->t[i].df < q->least_df)
			q->least_df = q->t[i].df;
		q->sum_df += q->t[i].df;
	}
	*usable = 1;
	return MC_OK;
}

/* Rounds of the threshold pass: the first rows of every group, then, while a row
 * read for no word could still enter, more of the group that bounds it (twice
 * what was read of it), up to IMPACT_DEEPER rows in all. *exact: settled. */
static int rounds(struct query *q, struct search_top *t, int *exact, struct mc_error *err)
{
	double idf[IMPACT_TERMS];
	for (int k = 0; k < q->nt; k++)
		idf[k] = q->t[k].idf;
	struct qgroup *g = NULL;
	int rc = MC_OK;
	for (;;) {
		for (int k = 0; k < q->nt; k++)
			open_groups(q, k);
		cand_merge(q);
		cand_bounds(q);
		rc = threshold(q, t, idf, err);
		if (rc != MC_OK || q->fts5_cheaper)
			return rc;   /* not exact: FTS5 ranks it */
		if ((*exact = settled(q, t, idf, &g)) || !g || q->deeper >= IMPACT_DEEPER)
			return rc;
		int i = 0;
		while (g < q->t[i].g || g >= q->t[i].g + q->t[i].ng)
			i++;
		int n = g->nread ? g->nread : IMPACT_READ;
		q->deeper += n;
		rc = read_group(q, i, g, n, err);
		if (rc != MC_OK)
			return rc;
	}
}

/* Two words with a pair (search_pair): its kept rows scored exactly into t, then
 * its cuts, each the best a row left out with those counts can score: *answered
 * when none can enter the top (one that ties the k-th enters only with a smaller
 * rowid: the cut's own at its length, any at a longer one that rounds to the same
 * score). Else t is emptied for the ranking above. */
static int pair_top(struct query *q, struct search_top *t, int *answered, struct mc_error *err)
{
	long long lo = q->t[0].tid < q->t[1].tid ? q->t[0].tid : q->t[1].tid;
	long long hi = q->t[0].tid < q->t[1].tid ? q->t[1].tid : q->t[0].tid, pid;
	int found, swap = q->t[0].tid > q->t[1].tid, step, settled = 1;
	*answered = 0;
	sqlite3_stmt *st = store_prep(q->s, SQL_PAIR_FIND, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, q->src);
	store_bind_int(st, 2, lo);
	store_bind_int(st, 3, hi);
	found = (step = sqlite3_step(st)) == SQLITE_ROW;
	pid = found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (!found)
		return step == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "reading the search index");
	impact_pair_stats.queries++;
	double idf[2] = { q->t[0].idf, q->t[1].idf };
	for (int pass = 0; pass < 2; pass++) {
		if (!(st = store_prep(q->s, pass ? SQL_PAIR_CUTS : SQL_PAIR_ROWS, err)))
			return MC_FAIL;
		store_bind_int(st, 1, pid);
		while ((pass == 0 || settled) && (step = sqlite3_step(st)) == SQLITE_ROW) {
			int tf[2] = { sqlite3_column_int(st, swap), sqlite3_column_int(st, !swap) };
			int dl = sqlite3_column_int(st, 2);
			long long doc = sqlite3_column_int64(st, 3);
			double v = search_bm25(idf, tf, 2, dl, q->avgdl);
			if (pass == 0) {
				impact_pair_stats.rows++;
				if (!q->only || bsearch(&doc, q->only, q->nonly, sizeof *q->only, ll_cmp))
					search_top_push(t, doc, v);
				continue;
			}
			impact_pair_stats.cuts++;
			settled = t->n == t->limit &&
				  (v > t->score[0] || (v == t->score[0] && doc > t->rowid[0] &&
							search_bm25(idf, tf, 2, dl + 1, q->avgdl) > t->score[0]));
		}
		sqlite3_reset(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return store_fail(q->s, err, "reading the search index");
	}
	if (settled) {
		impact_pair_stats.answered++;
		*answered = 1;
	} else {
		search_top_free(t);
	}
	return MC_OK;
}

/* Every word keeps a set of its rows (search_set): the rows whose bits are set in
 * all of them, stepping the rarest word's chunks and seeking the others' same
 * chunk; at most `most` rows, else *over. *have 0: a word keeps no set. */
static int sets_meet(struct query *q, long most, long long **rows, long *n, int *over, int *have,
		     struct mc_error *err)
{
	int first = 0, step = SQLITE_DONE;
	*n = 0;
	*over = 0;
	*have = 0;
	sqlite3_stmt *st;
	for (int k = 0; k < q->nt; k++) {
		if (!(st = store_prep(q->s, SQL_SET_GET, err)))
			return MC_FAIL;
		store_bind_int(st, 1, q->t[k].tid);
		store_bind_int(st, 2, -1);
		step = sqlite3_step(st);
		sqlite3_reset(st);
		if (step != SQLITE_ROW)
			return step == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "reading the search index");
		if (q->t[k].df < q->t[first].df)
			first = k;
	}
	*have = 1;
	impact_set_stats.queries++;
	sqlite3_stmt *walk = store_prep(q->s, SQL_SET_CHUNKS, err);
	if (!walk)
		return MC_FAIL;
	store_bind_int(walk, 1, q->t[first].tid);
	unsigned char bits[SET_BYTES];
	long cap = 0;
	int rc = MC_OK;
	while (rc == MC_OK && !*over && (step = sqlite3_step(walk)) == SQLITE_ROW) {
		long long chunk = sqlite3_column_int64(walk, 0);
		int nb = sqlite3_column_bytes(walk, 1), any = 0;
		if (nb > SET_BYTES)
			nb = SET_BYTES;
		memset(bits, 0, sizeof bits);
		if (nb > 0)
			memcpy(bits, sqlite3_column_blob(walk, 1), (size_t)nb);
		impact_set_stats.chunks++;
		for (int k = 0; rc == MC_OK && k < q->nt && nb > 0; k++) {
			if (k == first)
				continue;
			if (!(st = store_prep(q->s, SQL_SET_GET, err))) {
				rc = MC_FAIL;
				break;
			}
			store_bind_int(st, 1, q->t[k].tid);
			store_bind_int(st, 2, chunk);
			int got = sqlite3_step(st), ob = 0;
			const unsigned char *other = NULL;
			if (got == SQLITE_ROW) {
				ob = sqlite3_column_bytes(st, 0);
				other = sqlite3_column_blob(st, 0);
			}
			if (ob < nb)
				nb = ob;   /* past the other's bytes: none */
			for (int i = 0; i < nb; i++)
				bits[i] &= other[i];
			sqlite3_reset(st);
			impact_set_stats.chunks++;
			if (got != SQLITE_ROW && got != SQLITE_DONE)
				rc = store_fail(q->s, err, "reading the search index");
		}
		for (int i = 0; rc == MC_OK && i < nb; i++)
			any |= bits[i];
		for (int i = 0; rc == MC_OK && any && i < nb * 8 && !*over; i++) {
			if (!(bits[i >> 3] & (1u << (i & 7))))
				continue;
			if (*n >= most) {
				*over = 1;
				break;
			}
			if (*n == cap) {
				cap = cap ? 2 * cap : 256;
				*rows = mc_xrealloc(*rows, sizeof **rows * (size_t)cap);
			}
			(*rows)[(*n)++] = chunk * SET_ROWS + i;
		}
	}
	if (rc == MC_OK && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_fail(q->s, err, "reading the search index");
	sqlite3_reset(walk);
	return rc;
}

/* A query whose words all keep a set (two words in over a tenth of the rows that
 * no pair answered): the rows they share, when there are no more than FTS5's
 * ranking would cost to count (and at least the limit), each counted and scored
 * exactly into t as the index scores any row; none shared: no match. *answered
 * 0: too many, or a word keeps no set. */
static int sets_top(struct query *q, struct search_top *t, int *answered, struct mc_error *err)
{
	double idf[IMPACT_TERMS];
	for (int k = 0; k < q->nt; k++)
		idf[k] = q->t[k].idf;
	double cost = fts5_cost(q);
	long most = cost > t->limit ? (cost < 1e9 ? (long)cost : 1000000000L) : t->limit;
	long long *rows = NULL;
	long n = 0;
	int over = 0, have = 0;
	*answered = 0;
	int rc = sets_meet(q, most, &rows, &n, &over, &have, err);
	for (long i = 0; rc == MC_OK && have && !over && i < n; i++) {
		if (q->only && !bsearch(&rows[i], q->only, q->nonly, sizeof *q->only, ll_cmp))
			continue;   /* not the acting user's */
		int tf[IMPACT_TERMS], in = 1, dl;
		for (int k = 0; k < q->nt; k++)
			tf[k] = -1;
		rc = row_length(q, rows[i], &dl, err);
		if (rc == MC_OK && dl >= 0)
			rc = row_counts(q, rows[i], dl, tf, err);
		for (int k = 0; k < q->nt; k++)
			in = in && tf[k] > 0;
		impact_set_stats.counted++;
		if (rc == MC_OK && in && dl >= 0)
			search_top_push(t, rows[i], search_bm25(idf, tf, q->nt, dl, q->avgdl));
	}
	free(rows);
	if (rc == MC_OK && have && !over) {
		impact_set_stats.answered++;
		*answered = 1;
	} else {
		search_top_free(t);
	}
	return rc;
}

int impact_top(struct store *s, enum search_source src, const char *fts_query, const long long *only,
	       size_t nonly, struct search_top *t, int *answered, struct mc_error *err)
{
	struct query q = { .s = s, .src = src, .only = only, .nonly = nonly };
	int built, usable = 0, none = 0, exact = 0;
	*answered = 0;
	int rc = impact_built(s, &built, err);
	if (rc != MC_OK || !built || t->limit <= 0 || t->limit > IMPACT_READ || !parse_words(&q, fts_query)) {
		query_free(&q);
		return rc;
	}
	rc = query_terms(&q, &usable, &none, err);
	int counts = rc == MC_OK && usable;   /* every word's row count is known */
	if (rc == MC_OK && usable && none) {
		*answered = 1;   /* a word in no row: no match */
		query_free(&q);
		return MC_OK;
	}
	if (rc == MC_OK && usable && q.nt == 2)
		rc = pair_top(&q, t, &exact, err);
	if (rc == MC_OK && usable && !exact && q.nt >= 2)
		rc = sets_top(&q, t, &exact, err);
	/* A word in more than half the rows (bm25's least idf) adds next to nothing to
	 * a score that has a rarer word: its rows are read only when the bounds ask. */
	int rarer = 0;
	for (int i = 0; i < q.nt; i++)
		rarer |= q.t[i].idf > SEARCH_IDF_FLOOR;
	for (int i = 0; rc == MC_OK && usable && !exact && i < q.nt; i++) {
		rc = load_term(&q, i, rarer && q.t[i].idf <= SEARCH_IDF_FLOOR ? 0 : IMPACT_READ, err);
		usable = q.t[i].ok;
	}
	if (rc == MC_OK && usable && !exact)
		rc = rounds(&q, t, &exact, err);
	if (rc == MC_OK && usable && exact) {
		search_top_sort(t);
		*answered = 1;
	} else {
		search_top_free(t);
	}
	/* not answered here: FTS5 ranks it, with the counts known here (idf) */
	t->nknown = 0;
	if (rc == MC_OK && counts && q.nt <= SEARCH_KNOWN_MAX) {
		for (int i = 0; i < q.nt; i++)
			t->known[i] = q.t[i].df;
		t->nknown = q.nt;
	}
	query_free(&q);
	return rc;
}

/* ---------------------------------------------------------------- top-k of a few rows */

/* A row's length from %_docsize (FTS5's record: a varint a column). */
static int row_length(struct query *q, long long doc, int *dl, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(q->s, q->src == SEARCH_EVIDENCE ? SQL_EV_LENGTH : SQL_FB_LENGTH, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, doc);
	int rc = sqlite3_step(st);
	*dl = -1;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0) {
		unsigned long long v;
		search_varint(sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0), &v);
		*dl = (int)v;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(q->s, err, "reading the search index");
}

int impact_top_rows(struct store *s, enum search_source src, const char *fts_query, const long long *rows,
		    size_t nrows, struct search_top *t, int *answered, struct mc_error *err)
{
	struct query q = { .s = s, .src = src };
	int built, usable = 0, none = 0;
	*answered = 0;
	int rc = impact_built(s, &built, err);
	if (rc == MC_OK && built && t->limit > 0 && parse_words(&q, fts_query))
		rc = query_terms(&q, &usable, &none, err);
	double idf[IMPACT_TERMS];
	for (int k = 0; k < q.nt; k++)
		idf[k] = q.t[k].idf;
	for (size_t i = 0; rc == MC_OK && usable && !none && i < nrows; i++) {
		int tf[IMPACT_TERMS], in = 1, dl;
		for (int k = 0; k < q.nt; k++)
			tf[k] = -1;
		rc = row_length(&q, rows[i], &dl, err);
		if (rc == MC_OK && dl >= 0)
			rc = row_counts(&q, rows[i], dl, tf, err);
		for (int k = 0; k < q.nt; k++)
			in = in && tf[k] > 0;
		if (rc == MC_OK && in && dl >= 0)
			search_top_push(t, rows[i], search_bm25(idf, tf, q.nt, dl, q.avgdl));
	}
	if (rc == MC_OK && usable) {
		search_top_sort(t);
		*answered = 1;
	} else {
		search_top_free(t);
	}
	query_free(&q);
	return rc;
}

/* ---------------------------------------------------------------- choosing the pairs */

static int src_step(struct store *s, const char *sql, enum search_source src, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, src);
	return step_end(s, st, err);
}

/* The pairs of the table's most common words now (none kept yet). */
int impact_pairs_choose(struct store *s, enum search_source src, struct mc_error *err)
{
	const char *clear[] = { SQL_CLEAR_PAIR_ROWS, SQL_CLEAR_PAIR_CUTS, SQL_CLEAR_PAIRS };
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < 3; i++)
		rc = src_step(s, clear[i], src, err);
	struct query q = { .s = s, .src = src };
	long long tid, rows = 0, tokens = 0;
	struct {
		long long id, df;
	} w[PAIR_WORDS];
	if (rc == MC_OK)
		rc = term_get(&q, "", &tid, &rows, &tokens, err);
	sqlite3_stmt *st = rc == MC_OK && rows > 0 ? store_prep(s, SQL_PAIR_WORDS, err) : NULL;
	if (!st)
		return rc == MC_OK && rows > 0 ? MC_FAIL : rc;
	store_bind_int(st, 1, src);
	store_bind_int(st, 2, rows);
	store_bind_int(st, 3, PAIR_MIN_DF);
	int many = rows >= impact_pair_many_rows;
	store_bind_int(st, 4, many ? PAIR_WORDS : PAIR_WORDS_FEW);
	store_bind_text(st, 5, SEARCH_LENGTH_MARK);
	store_bind_int(st, 6, many ? 4 : 2);   /* df * 4 > rows: in over a quarter */
	int n = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && n < PAIR_WORDS) {
		w[n].id = sqlite3_column_int64(st, 0);
		w[n++].df = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		return store_fail(s, err, "reading the search index");
	qsort(w, (size_t)n, sizeof *w, ll_cmp);   /* by id: a pair's a is the lesser */
	for (int i = 0; rc == MC_OK && i < n; i++)
		for (int j = i + 1; rc == MC_OK && j < n; j++) {
			if (!(st = store_prep(s, SQL_PAIR_ADD, err)))
				return MC_FAIL;
			store_bind_int(st, 1, src);
			store_bind_int(st, 2, w[i].id);
			store_bind_int(st, 3, w[j].id);
			sqlite3_bind_double(st, 4, (double)tokens / (double)rows);
			rc = step_end(s, st, err);
		}
	if (rc == MC_OK)
		rc = sets_choose(s, src, rows, err);
	if (rc == MC_OK && src == SEARCH_EVIDENCE) {
		char *v = mc_xasprintf("%lld", rows);
		rc = store_meta_set(s, PAIR_ROWS_KEY, v, err);
		free(v);
	}
	return rc;
}

int impact_pairs_outgrown(struct store *s, int *yes, struct mc_error *err)
{
	struct query q = { .s = s, .src = SEARCH_EVIDENCE };
	long long tid, rows = 0, tokens = 0;
	char *v = NULL;
	*yes = 0;
	int rc = term_get(&q, "", &tid, &rows, &tokens, err);
	if (rc == MC_OK && rows >= impact_pair_many_rows)
		rc = store_meta_get(s, PAIR_ROWS_KEY, &v, err);
	if (rc == MC_OK && rows >= impact_pair_many_rows)
		*yes = !v || strtoll(v, NULL, 10) < impact_pair_many_rows;
	free(v);
	return rc;
}

/* Every feedback row into the index, then the feedback's pairs chosen and filled. */
int impact_add_feedback_all(struct store *s, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_FB_ROWS, err);
	int rc = st ? add_rows(s, SEARCH_FEEDBACK, st, 0, err) : MC_FAIL;
	if (rc == MC_OK)
		rc = impact_pairs_choose(s, SEARCH_FEEDBACK, err);
	if (rc == MC_OK)
		rc = (st = store_prep(s, SQL_FB_ROWS, err)) ? add_rows(s, SEARCH_FEEDBACK, st, 1, err) : MC_FAIL;
	return rc;
}
