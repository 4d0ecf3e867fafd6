/* archive_merge.c: `archive pull` as a merge (archive_int.h). Git does the
 * distribution: the other archive's history is fetched and merged (a
 * fast-forward or a real merge commit); the database follows through the same
 * merge engine review packets use (merge.h), this file being its second
 * reader: the records the other archive changed, read by their stable ids. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive_int.h"
#include "mcassess/audit.h"
#include "mcassess/merge.h"
#include "mcassess/progress.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_import.h"
#include "mcassess/store_archive.h"
#include "mcassess/store_audit.h"
#include "mcassess/store_merge.h"
#include "mcassess/store_packet.h"
#include "mcassess/util.h"

/* ---------------------------------------------------------------- trees */

static int entry_id(const git_tree *t, const char *path, git_oid *out)
{
	git_tree_entry *e = NULL;
	if (!t || git_tree_entry_bypath(&e, t, path) != 0)
		return 0;
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return 1;
}

static int same(int have_a, const git_oid *a, int have_b, const git_oid *b)
{
	return have_a == have_b && (!have_a || git_oid_equal(a, b));
}

/* A tree's entries (names valid while the tree lives), in git's order; *v heap. */
static size_t tents_of(const git_tree *t, struct arc_tent **v)
{
	size_t n = t ? git_tree_entrycount(t) : 0;
	*v = mc_xcalloc(n ? n : 1, sizeof **v);
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *name = git_tree_entry_name(e);
		(*v)[i] = (struct arc_tent){ .name = name, .len = strlen(name),
					     .mode = (unsigned)git_tree_entry_filemode(e) };
		git_oid_cpy(&(*v)[i].oid, git_tree_entry_id(e));
	}
	return n;
}

/* The subtree an entry names (NULL: none, or not a tree); -1 when unreadable. */
static int subtree(git_repository *repo, const struct arc_tent *e, git_tree **out)
{
	*out = NULL;
	return e && e->mode == 040000 && git_tree_lookup(out, repo, &e->oid) < 0 ? -1 : 0;
}

static int tent_same(const struct arc_tent *a, const struct arc_tent *b)
{
	return a == b || (a && b && a->mode == b->mode && git_oid_equal(&a->oid, &b->oid));
}

/* One level of the three sides, walked together in git's order: each name's
 * entries (NULL where a side lacks it) to fn, which stops the walk with -1. */
struct level {
	struct arc_tent *v[3];
	size_t n[3], i[3];
};

static int level_each(struct level *l, int (*fn)(void *ctx, const struct arc_tent *e[3]), void *ctx)
{
	for (;;) {
		const struct arc_tent *low = NULL, *e[3] = { NULL, NULL, NULL };
		for (int k = 0; k < 3; k++)
			if (l->i[k] < l->n[k] && (!low || arc_tent_cmp(&l->v[k][l->i[k]], low) < 0))
				low = &l->v[k][l->i[k]];
		if (!low)
			return 0;
		for (int k = 0; k < 3; k++)
			if (l->i[k] < l->n[k] && arc_tent_cmp(&l->v[k][l->i[k]], low) == 0)
				e[k] = &l->v[k][l->i[k]++];
		if (fn(ctx, e) < 0)
			return -1;
	}
}

static void level_free(struct level *l)
{
	for (int k = 0; k < 3; k++)
		free(l->v[k]);
}

/* ---------------------------------------------------------------- the merged tree */

enum { BASE, OURS, THEIRS };

struct tmerge {
	git_repository *repo;
	const struct arc_sink *sink;
	struct arc_tent *out; /* the merged level, at most every entry of the three */
	size_t n;
	int changed; /* differs from ours */
};

static int merge_level(git_repository *repo, const struct arc_sink *k, const git_tree *t[3], git_oid *out,
		       size_t *count);

static void tmerge_put(struct tmerge *m, const struct arc_tent *e) { m->out[m->n++] = *e; }

/* One name: theirs unchanged since base keeps ours, ours unchanged takes
 * theirs, both the same keeps it; changed on both sides, a tree is merged
 * below and a file keeps ours (a path's rule in arc_merge_trees). */
static int merge_name(void *ctx, const struct arc_tent *e[3])
{
	struct tmerge *m = ctx;
	const struct arc_tent *pick = e[OURS];
	int trees = 1;
	for (int k = 0; k < 3; k++)
		trees &= !e[k] || e[k]->mode == 040000;
	if (!tent_same(e[THEIRS], e[BASE]) && tent_same(e[OURS], e[BASE]))
		pick = e[THEIRS];
	else if (!tent_same(e[THEIRS], e[BASE]) && !tent_same(e[OURS], e[THEIRS]) && trees) {
		git_tree *sub[3] = { NULL, NULL, NULL };
		struct arc_tent t = *(e[OURS] ? e[OURS] : e[THEIRS]);
		size_t n = 0;
		int r = 0;
		for (int k = 0; k < 3 && r == 0; k++)
			r = subtree(m->repo, e[k], &sub[k]);
		if (r == 0)
			r = merge_level(m->repo, m->sink, (const git_tree **)sub, &t.oid, &n);
		for (int k = 0; k < 3; k++)
			git_tree_free(sub[k]);
		if (r < 0)
			return -1;
		m->changed |= !tent_same(&t, e[OURS]) || !n;
		if (n)
			tmerge_put(m, &t);
		return 0;
	}
	m->changed |= !tent_same(pick, e[OURS]);
	if (pick)
		tmerge_put(m, pick);
	return 0;
}

/* The merged tree of t[BASE], t[OURS], t[THEIRS] (each may be NULL): ours'
 * id when nothing differs from it, else written. *count: its entries (an
 * empty one is dropped by the level above, as git keeps no empty tree). */
static int merge_level(git_repository *repo, const struct arc_sink *k, const git_tree *t[3], git_oid *out,
		       size_t *count)
{
	struct level l = { 0 };
	for (int i = 0; i < 3; i++)
		l.n[i] = tents_of(t[i], &l.v[i]);
	struct tmerge m = { .repo = repo, .sink = k, .out = mc_xcalloc(l.n[0] + l.n[1] + l.n[2] + 1, sizeof *m.out) };
	int r = level_each(&l, merge_name, &m);
	*count = m.n;
	if (r == 0 && !m.changed && t[OURS])
		git_oid_cpy(out, git_tree_id(t[OURS]));
	else if (r == 0)
		r = arc_tree_put(m.out, m.n, k, out) < 0 ? -1 : 0;
	free(m.out);
	level_free(&l);
	return r;
}

int arc_merge_trees(git_repository *repo, const struct arc_sink *k, const git_tree *base, const git_tree *ours,
		    const git_tree *theirs, git_oid *out)
{
	const git_tree *t[3] = { base, ours, theirs };
	size_t n;
	return merge_level(repo, k, t, out, &n);
}

/* ---------------------------------------------------------------- what theirs changed since base */

/* Each file under a path that differs between base and theirs, as a git_diff
 * delta (the paths, ids and modes the callbacks read) to fn, a tree at a
 * time: equal subtrees are skipped by id, and nothing is held but one tree of
 * each side a level (git_diff_tree_to_tree lists every delta first). */
struct walk {
	git_repository *repo;
	git_diff_file_cb fn;
	void *payload;
	int stopped; /* fn said stop (its own status says why) */
};

static int walk_level(struct walk *w, const char *prefix, const git_tree *old, const git_tree *new);

static int walk_file(struct walk *w, const char *path, const struct arc_tent *o, const struct arc_tent *n)
{
	git_diff_delta d = { .status = !o ? GIT_DELTA_ADDED : !n ? GIT_DELTA_DELETED : GIT_DELTA_MODIFIED };
	d.old_file.path = d.new_file.path = path;
	if (o) {
		git_oid_cpy(&d.old_file.id, &o->oid);
		d.old_file.mode = (uint16_t)o->mode;
	}
	if (n) {
		git_oid_cpy(&d.new_file.id, &n->oid);
		d.new_file.mode = (uint16_t)n->mode;
	}
	w->stopped = w->fn(&d, 0, w->payload) != 0;
	return w->stopped ? -1 : 0;
}

struct walk_at {
	struct walk *w;
	const char *prefix;
};

static int walk_name(void *ctx, const struct arc_tent *e[3])
{
	struct walk_at *at = ctx;
	const struct arc_tent *o = e[BASE], *n = e[THEIRS];
	if (tent_same(o, n))
		return 0;
	char *path = mc_xasprintf("%s%.*s", at->prefix, (int)(o ? o->len : n->len), o ? o->name : n->name);
	int r = 0;
	if ((o ? o->mode : n->mode) == 040000) { /* a name is one kind on both sides (git's order) */
		git_tree *a = NULL, *b = NULL;
		char *below = mc_xasprintf("%s/", path);
		r = subtree(at->w->repo, o, &a) < 0 || subtree(at->w->repo, n, &b) < 0 ? -1
											 : walk_level(at->w, below, a, b);
		free(below);
		git_tree_free(a);
		git_tree_free(b);
	} else
		r = walk_file(at->w, path, o, n);
	free(path);
	return r;
}

static int walk_level(struct walk *w, const char *prefix, const git_tree *old, const git_tree *new)
{
	struct level l = { 0 };
	l.n[BASE] = tents_of(old, &l.v[BASE]);
	l.n[THEIRS] = tents_of(new, &l.v[THEIRS]);
	struct walk_at at = { .w = w, .prefix = prefix };
	int r = level_each(&l, walk_name, &at);
	level_free(&l);
	return r;
}

/* ---------------------------------------------------------------- the records, as a merge source */

struct change {
	char *sub, *record;
	int here; /* changed on this side too, differently */
	int known; /* the submission is in this database (before the merge) */
};

/* The records theirs changed wait in the store's scratch list (a temporary
 * table, past SQLite's cache on disk), by a key in the order they are merged,
 * each with its blob's id: one record is held at a time, whatever the
 * archive's size. */
struct reader {
	struct store *s;
	const struct arc_merge_in *in;
	struct change cur; /* the one being merged (cur.sub NULL: none) */
	long long n, done; /* listed, merged */
	int (*part)(void *pctx);
	void *pctx;
	struct mc_error *err;
	int rc;
	/* the pull's steps (step_due): the audit row the step began after, how
	 * many steps were committed, the records and the bytes written at the
	 * last, the counts merge_run keeps already noted */
	long long from, step_from, steps, step_records, step_wal;
	struct merge_result *res;
	long noted_conflicts;
	char *what; /* the progress line: "pulling URL: N of M records" */
};

static int is_record(const char *path)
{
	size_t n = strlen(path);
	return strncmp(path, "submissions/", 12) == 0 && n > 12 && strcmp(path + n - 12, "/record.json") == 0;
}

static char *blob_str(git_repository *repo, const git_oid *id)
{
	git_blob *b = NULL;
	if (git_blob_lookup(&b, repo, id) < 0)
		return NULL;
	char *t = mc_xstrndup(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return t;
}

/* s, then a byte that sorts before any of its own: text keys compared as the
 * strings one after another would be (1 and 2 escaped, to keep the order). */
static void key_add(struct mc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == 1 || *s == 2)
			mc_buf_addc(b, 2);
		mc_buf_addc(b, *s);
	}
	mc_buf_addc(b, 1);
}

/* Earlier attempts first (a new submission links to its previous one), then
 * by the time submitted and the id: the order of the records' merge. */
static char *merge_key(long long attempt, const char *submitted_at, const char *id)
{
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "%020llu", (unsigned long long)attempt ^ (1ULL << 63));
	key_add(&b, submitted_at);
	key_add(&b, id);
	return mc_buf_steal(&b);
}

/* A record theirs changed and this side lacks: listed, with its blob's id and
 * whether this side changed it too (the last byte). */
static int record_delta(const git_diff_delta *d, float progress, void *payload)
{
	(void)progress;
	struct reader *r = payload;
	if (d->status == GIT_DELTA_DELETED || !is_record(d->new_file.path))
		return 0;
	git_oid ours;
	int have_ours = entry_id(r->in->ours, d->new_file.path, &ours);
	int have_base = d->status != GIT_DELTA_ADDED;
	if (same(have_ours, &ours, 1, &d->new_file.id))
		return 0; /* this side has it already */
	char *text = blob_str(r->in->repo, &d->new_file.id);
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	const char *id = json_string_value(json_object_get(j, "id"));
	if (!id) {
		r->rc = mc_error_set(r->err, MC_INVALID, "%s: %s in the remote's archive is not a submission's "
				     "record: nothing was merged", r->in->url, d->new_file.path);
	} else {
		const char *at = json_string_value(json_object_get(j, "submitted_at"));
		char *key = merge_key(json_integer_value(json_object_get(j, "attempt")), at ? at : "", id);
		unsigned char v[GIT_OID_RAWSZ + 1];
		memcpy(v, d->new_file.id.id, GIT_OID_RAWSZ);
		v[GIT_OID_RAWSZ] = !same(have_ours, &ours, have_base, &d->old_file.id);
		r->rc = store_archive_scratch_add(r->s, key, r->n++, v, sizeof v, r->err);
		arc_pack_maps_bound(r->in->objects);
		free(key);
	}
	json_decref(j);
	free(text);
	return r->rc != MC_OK;
}

static const struct change *change_of(const struct reader *r, const char *sub)
{
	return r->cur.sub && strcmp(r->cur.sub, sub) == 0 ? &r->cur : NULL;
}

static void change_free(struct change *c)
{
	free(c->sub);
	free(c->record);
	*c = (struct change){ 0 };
}

/* ---------------------------------------------------------------- the pull's steps */

/* A pull commits in steps (issue 15; step_due): one transaction for a
 * district's whole archive grew SQLite's WAL to 3.2 GB at 20,000 submissions
 * (pages spilled from the cache and dirtied again are written again), 150 GB
 * at a million. Each step ends settled as a whole pull ends (its rows noted as
 * the pull's, out of the outbox), notes how far it got (ARC_PULL_PENDING:
 * "COMMIT DONE TOTAL FROM") and checkpoints, so the WAL restarts from its
 * beginning. A pull stopped between steps leaves whole records, the branch
 * where it was; the same pull run again skips what is in (the rows are known
 * by uid) and goes on. MCASSESS_PULL_STEP=N: N records a step, whatever
 * they write (the tests). */
#define PULL_STEP 1000
#define PULL_STEP_WAL (32LL << 20)

/* A step ends after pull_step records, or once it has written PULL_STEP_WAL
 * bytes to the WAL (pages spilled from SQLite's cache and written again
 * count each time): the WAL's bound, whatever a record costs. */
static int step_due(const struct reader *r)
{
	const char *v = getenv("MCASSESS_PULL_STEP");
	long long n = v ? atoll(v) : 0;
	if (r->done >= r->n)
		return 0; /* the last: committed with the pull's end */
	if (n > 0)
		return r->done - r->step_records >= n;
	return r->done - r->step_records >= PULL_STEP ||
	       store_archive_bytes_written(r->s) - r->step_wal >= PULL_STEP_WAL;
}

/* What merge_run would note at its end (the pull's line in the packets' list),
 * noted now for the records this step merged, and counted from 0 again. */
static int step_note(struct reader *r)
{
	struct merge_result *res = r->res;
	if (!res->events && !res->conflicts)
		return MC_OK;
	char now[MC_TIME_LEN];
	mc_now(now);
	int rc = store_packet_import_note(r->s, r->in->source_id, "(archive)", r->in->made_by, r->in->made_at,
					  session_user(r->s), now, res->events, res->conflicts, r->err);
	r->noted_conflicts += res->conflicts;
	res->events = res->conflicts = 0;
	return rc;
}

static int pending_note(struct reader *r)
{
	char *v = mc_xasprintf("%s %lld %lld %lld", r->in->hash, r->done, r->n, r->from);
	int rc = store_meta_set(r->s, ARC_PULL_PENDING, v, r->err);
	free(v);
	return rc;
}

static int step_commit(struct reader *r)
{
	char hash[MC_SHA256_HEX];
	int rc = store_merge_settle(r->s, r->step_from, r->in->source_id, r->err);
	if (rc == MC_OK)
		rc = step_note(r);
	if (rc == MC_OK)
		rc = pending_note(r);
	if (rc == MC_OK)
		rc = store_commit(r->s, r->err);
	if (rc != MC_OK)
		return rc;
	arc_files_clear(r->in->made); /* theirs now */
	r->steps++;
	r->step_records = r->done;
	r->step_wal = store_archive_bytes_written(r->s);
	MC_CRASH_POINT("archive pull: a step committed");
	store_checkpoint(r->s); /* the WAL starts again from its beginning */
	rc = store_begin(r->s, r->err);
	if (rc == MC_OK)
		rc = store_audit_last(r->s, &r->step_from, hash, r->err);
	return rc;
}

/* The same pull stopped after a step: said, and the audit row it began after
 * taken as this one's, so that the merge notes the same rows as one pull. */
static int pull_resumed(struct reader *r)
{
	char *v = NULL;
	int rc = store_meta_get(r->s, ARC_PULL_PENDING, &v, r->err);
	char hex[GIT_OID_HEXSZ + 1];
	long long done = 0, total = 0, from = 0;
	if (rc == MC_OK && v && sscanf(v, "%40s %lld %lld %lld", hex, &done, &total, &from) == 4 &&
	    strcmp(hex, r->in->hash) == 0) {
		r->from = from;
		session_say(session_of(r->s), MC_SINK_INFO, "resuming the pull of %s from record %lld of %lld",
			    r->in->url, done + 1, total);
	}
	free(v);
	return rc;
}

static void pull_progress(struct reader *r)
{
	snprintf(r->what, strlen(r->in->url) + 80, "pulling %s: %lld of %lld records", r->in->url, r->done, r->n);
	progress_report(r->what, r->done, r->n);
}

/* The next record in the merge's order, read again from its blob and merged
 * (merge_run's part), then let go; a pause at the end of a step, for
 * step_pause to commit the step (with no statement of the list active). */
static int next_record(void *ctx, const char *key, const unsigned char *v)
{
	(void)key;
	struct reader *r = ctx;
	git_oid id;
	memcpy(id.id, v, GIT_OID_RAWSZ);
	char *text = blob_str(r->in->repo, &id);
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	const char *sub = json_string_value(json_object_get(j, "id"));
	if (!sub)
		r->rc = mc_error_set(r->err, MC_FAIL, "%s: a record of the remote's archive can no longer be read: "
				     "nothing was merged", r->in->url);
	else {
		r->cur = (struct change){ .sub = mc_xstrdup(sub), .record = text, .here = v[GIT_OID_RAWSZ] };
		text = NULL;
		r->rc = r->part(r->pctx);
		++r->done;
		pull_progress(r);
		arc_pack_maps_bound(r->in->objects);
	}
	change_free(&r->cur);
	json_decref(j);
	free(text);
	if (r->rc != MC_OK)
		return 1;
	return step_due(r) ? STORE_SCRATCH_PAUSE : 0;
}

static int step_pause(void *ctx)
{
	struct reader *r = ctx;
	r->rc = step_commit(r);
	return r->rc != MC_OK;
}

static int ar_parts(void *ctx, int (*part)(void *pctx), void *pctx, struct mc_error *err)
{
	struct reader *r = ctx;
	r->part = part;
	r->pctx = pctx;
	int rc = store_archive_scratch_each_paused(r->s, next_record, step_pause, r, err);
	return rc == MC_OK ? r->rc : rc;
}

/* A submission new here arrives as an import does, with an "import" row. */
static int import_event(struct reader *r, struct change *c, int (*fn)(void *fnctx, const struct audit_row *r),
			void *fnctx, struct mc_error *err)
{
	long long rowid;
	char *sha = NULL, uid[MC_UUID_LEN];
	int rc = store_import_submission(r->s, c->sub, &rowid, &sha, &c->known, err);
	free(sha);
	if (rc != MC_OK || c->known)
		return rc;
	if ((rc = mc_uuid(uid, err)) != MC_OK)
		return rc;
	json_t *rec = json_loads(c->record, 0, NULL);
	char *after = audit_json(json_pack("{s:s, s:O, s:O, s:O}", "archive", r->in->source_id, "credential",
					   json_object_get(rec, "credential"), "attempt", json_object_get(rec, "attempt"),
					   "educator", json_object_get(rec, "educator")));
	const char *at = json_string_value(json_object_get(rec, "imported_at"));
	char *subject = mc_xasprintf("submission:%s", c->sub);
	struct audit_row row = { .uid = uid, .at = at ? at : r->in->made_at, .actor = session_user(r->s),
				 .action = "import", .subject = subject, .after = after, .hash = r->in->hash };
	fn(fnctx, &row);
	free(subject);
	free(after);
	json_decref(rec);
	return MC_OK;
}

/* The current record's events (ar_parts: one record a part). */
static int ar_events(void *ctx, int (*fn)(void *fnctx, const struct audit_row *r), void *fnctx,
		     struct mc_error *err)
{
	struct reader *r = ctx;
	int rc = import_event(r, &r->cur, fn, fnctx, err);
	if (rc == MC_OK)
		rc = store_merge_archive_events(r->s, r->cur.record, r->in->hash, r->in->made_at, session_user(r->s),
						fn, fnctx, err);
	return rc;
}

static int ar_changed_here(void *ctx, const char *subject, char **what, struct mc_error *err)
{
	struct reader *r = ctx;
	const struct change *c = change_of(r, subject + strlen("submission:"));
	*what = NULL;
	if (!c || !c->here) {
		*what = mc_xstrdup("");
		return MC_OK;
	}
	int rc = store_merge_done_since(r->s, subject, r->in->base_seq, what, err);
	if (rc == MC_OK && !**what) {
		free(*what);
		*what = mc_xstrdup("changed in this archive too since the two parted");
	}
	return rc;
}

static int ar_records(void *ctx, const char *sub, char **json, struct mc_error *err)
{
	struct reader *r = ctx;
	const struct change *c = change_of(r, sub);
	char *missing = NULL;
	int known = 0;
	int rc = store_merge_archive_records(r->s, c->record, json, &known, &missing, err);
	if (rc == MC_OK && !known)
		rc = mc_error_set(err, MC_INVALID, "%s: the remote's archive holds submission %s, which this "
				  "database does not have: nothing was merged", r->in->url, sub);
	else if (rc == MC_OK && *missing)
		rc = mc_error_set(err, MC_INVALID, "%s: submission %s is scored there on %s, which its rubric "
				  "here does not have: nothing was merged", r->in->url, sub, missing);
	free(missing);
	if (rc != MC_OK) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

static int ar_apply(void *ctx, const char *sub, struct mc_error *err)
{
	struct reader *r = ctx;
	char *json = NULL;
	const struct change *c = change_of(r, sub);
	int rc = c->known ? MC_OK : arc_merge_new_submission(r->s, r->in, c->record, err);
	if (rc == MC_OK)
		rc = ar_records(r, sub, &json, err);
	if (rc == MC_OK)
		rc = merge_take_records(r->s, sub, json, err);
	if (rc == MC_OK && c->known) /* a new one got them as it was made */
		rc = store_merge_assignments(r->s, c->record, err);
	free(json);
	return rc;
}

/* Educators' records only the remote changed, into the database. */
struct edus {
	struct store *s;
	const struct arc_merge_in *in;
	struct mc_error *err;
	int rc;
	long conflicts; /* people's (side_delta) */
};

static int educator_delta(const git_diff_delta *d, float progress, void *payload)
{
	(void)progress;
	struct edus *e = payload;
	git_oid ours;
	int have_ours = entry_id(e->in->ours, d->new_file.path, &ours);
	if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_ADDED ||
	    !same(have_ours, &ours, 1, &d->old_file.id))
		return 0; /* a new one comes with its submission; one changed here too keeps ours */
	char *text = blob_str(e->in->repo, &d->new_file.id);
	e->rc = text ? arc_merge_educator(e->s, text, e->err)
		     : mc_error_set(e->err, MC_FAIL, "%s: %s cannot be read", e->in->url, d->new_file.path);
	free(text);
	return e->rc != MC_OK;
}

/* People and the catalog added or changed there: taken when only the remote
 * changed them since the two parted, as the merged tree takes them. */
static int side_delta(const git_diff_delta *d, float progress, void *payload)
{
	(void)progress;
	struct edus *e = payload;
	git_oid ours;
	int have_ours = entry_id(e->in->ours, d->new_file.path, &ours);
	if (d->status == GIT_DELTA_DELETED || same(have_ours, &ours, 1, &d->new_file.id))
		return 0; /* this side has it already */
	int taken = same(have_ours, &ours, d->status != GIT_DELTA_ADDED, &d->old_file.id);
	char *text = blob_str(e->in->repo, &d->new_file.id);
	e->rc = text ? arc_merge_side_record(e->s, e->in, d->new_file.path, text, taken, &e->conflicts, e->err)
		     : mc_error_set(e->err, MC_FAIL, "%s: %s cannot be read", e->in->url, d->new_file.path);
	free(text);
	return e->rc != MC_OK;
}

/* The tree at top-level name of t, or NULL (-1: unreadable). */
static int top_tree(git_repository *repo, const git_tree *t, const char *name, git_tree **out)
{
	const git_tree_entry *e = t ? git_tree_entry_byname(t, name) : NULL;
	*out = NULL;
	if (!e || git_tree_entry_filemode(e) != GIT_FILEMODE_TREE)
		return 0;
	return git_tree_lookup(out, repo, git_tree_entry_id(e)) < 0 ? -1 : 0;
}

/* Each delta of the remote's tree since the base under prefix ("people/"), to
 * fn (walk_level: a tree at a time); *cb_rc is the callback's own status (it
 * stops the walk with an error set). */
static int remote_deltas(const struct arc_merge_in *in, const char *prefix, git_diff_file_cb fn, void *payload,
			 const int *cb_rc, struct mc_error *err)
{
	char *top = mc_xstrndup(prefix, strlen(prefix) - 1);
	git_tree *a = NULL, *b = NULL;
	struct walk w = { .repo = in->repo, .fn = fn, .payload = payload };
	int r = top_tree(in->repo, in->base, top, &a) < 0 || top_tree(in->repo, in->theirs, top, &b) < 0 ? -1 : 0;
	if (r == 0 && !(a && b && git_oid_equal(git_tree_id(a), git_tree_id(b))))
		r = walk_level(&w, prefix, a, b);
	int rc = MC_OK;
	if (r < 0 && !w.stopped)
		rc = mc_error_set(err, MC_FAIL, "%s: comparing the two archives' %s failed: %s", in->url, prefix,
				  git_error_last() ? git_error_last()->message : "?");
	git_tree_free(a);
	git_tree_free(b);
	free(top);
	return rc == MC_OK ? *cb_rc : rc;
}

/* People's conflicts count as the submissions' do, in the result and in the
 * pull's note in the packets' list (merge_run's, added to). */
static int people_conflicts_noted(struct store *s, const struct arc_merge_in *in, struct merge_result *res,
				  long conflicts, struct mc_error *err)
{
	char now[MC_TIME_LEN];
	mc_now(now);
	res->conflicts += conflicts;
	return store_packet_import_note(s, in->source_id, "(archive)", in->made_by, in->made_at, session_user(s),
					now, 0, conflicts, err);
}

int arc_merge_records(struct store *s, const struct arc_merge_in *in, struct merge_result *res,
		      struct arc_pull_steps *steps, struct mc_error *err)
{
	struct reader r = { .s = s, .in = in, .err = err, .res = res };
	r.what = mc_xmalloc(strlen(in->url) + 80);
	r.step_wal = store_archive_bytes_written(s);
	char from_hash[MC_SHA256_HEX];
	int rc = store_audit_last(s, &r.step_from, from_hash, err);
	r.from = r.step_from;
	if (rc == MC_OK)
		rc = pull_resumed(&r);
	long long from = r.from;
	if (rc == MC_OK)
		rc = store_archive_scratch_open(s, err);
	if (rc == MC_OK)
		rc = remote_deltas(in, "submissions/", record_delta, &r, &r.rc, err);
	struct merge_source src = { .id = in->source_id, .district = "(archive)", .made_by = in->made_by,
				    .made_at = in->made_at, .step = "merging the archive's records",
				    .base_seq = from, .ctx = &r, .parts = ar_parts,
				    .events = ar_events, .changed_here = ar_changed_here, .records = ar_records,
				    .apply = ar_apply };
	struct edus e = { .s = s, .in = in, .err = err };
	if (rc == MC_OK) /* the catalog and people first: the submissions name them */
		rc = remote_deltas(in, "catalog/", side_delta, &e, &e.rc, err);
	if (rc == MC_OK)
		rc = remote_deltas(in, "people/", side_delta, &e, &e.rc, err);
	if (rc == MC_OK)
		rc = remote_deltas(in, "educators/", educator_delta, &e, &e.rc, err);
	if (rc == MC_OK)
		rc = merge_run(s, &src, res, err);
	res->conflicts += r.noted_conflicts; /* those of the steps committed (step_note) */
	if (rc == MC_OK && e.conflicts)
		rc = people_conflicts_noted(s, in, res, e.conflicts, err);
	if (rc == MC_OK)
		rc = store_merge_settle(s, r.step_from, in->source_id, err);
	/* the last records are in with this commit: the note of an earlier step
	 * goes with them (a stop before the branch moves is then one pull's) */
	if (rc == MC_OK)
		rc = store_archive_meta_drop(s, ARC_PULL_PENDING, err);
	store_archive_scratch_clear(s);
	*steps = (struct arc_pull_steps){ .committed = r.steps, .records = r.step_records, .at = r.done,
					  .total = r.n };
	free(r.what);
	return rc;
}
