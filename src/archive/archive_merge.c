/* archive_merge.c: `archive pull` as a merge (archive_int.h). Git does the
 * distribution: the other archive's history is fetched and merged (a
 * fast-forward or a real merge commit); the database follows through the same
 * merge engine review packets use (merge.h), this file being its second
 * reader: the records the other archive changed, read by their stable ids. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive_int.h"
#include "mcassess/audit.h"
#include "mcassess/merge.h"
#include "mcassess/session.h"
#include "mcassess/store_import.h"
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

struct tmerge {
	const git_tree *ours;
	git_index *idx;
	int failed;
};

static int tree_delta(const git_diff_delta *d, float progress, void *payload)
{
	(void)progress;
	struct tmerge *t = payload;
	const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
	git_oid ours;
	int have_ours = entry_id(t->ours, path, &ours);
	int have_base = d->status != GIT_DELTA_ADDED, have_theirs = d->status != GIT_DELTA_DELETED;
	if (same(have_ours, &ours, have_theirs, &d->new_file.id) || !same(have_ours, &ours, have_base, &d->old_file.id))
		return 0; /* the same on both sides, or changed here too: ours stays */
	if (!have_theirs) {
		t->failed |= git_index_remove_bypath(t->idx, path) < 0;
		return 0;
	}
	git_index_entry e = { 0 };
	e.mode = d->new_file.mode;
	e.path = path;
	git_oid_cpy(&e.id, &d->new_file.id);
	t->failed |= git_index_add(t->idx, &e) < 0;
	return 0;
}

int arc_merge_trees(git_repository *repo, const git_tree *base, const git_tree *ours, const git_tree *theirs,
		    git_oid *out)
{
	struct tmerge t = { .ours = ours };
	git_diff *diff = NULL;
	int r = git_index_new(&t.idx);
	if (r == 0)
		r = git_index_read_tree(t.idx, ours);
	if (r == 0)
		r = git_diff_tree_to_tree(&diff, repo, (git_tree *)base, (git_tree *)theirs, NULL);
	if (r == 0)
		r = git_diff_foreach(diff, tree_delta, NULL, NULL, NULL, &t);
	if (r == 0 && t.failed)
		r = -1;
	if (r == 0)
		r = git_index_write_tree_to(out, t.idx, repo);
	git_diff_free(diff);
	git_index_free(t.idx);
	return r < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- the records, as a merge source */

struct change {
	char *sub, *record, *submitted_at;
	long long attempt;
	int here; /* changed on this side too, differently */
	int known; /* the submission is in this database (before the merge) */
};

struct reader {
	struct store *s;
	const struct arc_merge_in *in;
	struct change *v;
	size_t n, cap;
	size_t *by_sub; /* change_of */
	struct mc_error *err;
	int rc;
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
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->v = mc_xrealloc(r->v, r->cap * sizeof *r->v);
		}
		const char *at = json_string_value(json_object_get(j, "submitted_at"));
		r->v[r->n++] = (struct change){ .sub = mc_xstrdup(id), .record = text,
						 .submitted_at = mc_xstrdup(at ? at : ""),
						 .attempt = json_integer_value(json_object_get(j, "attempt")),
						 .here = !same(have_ours, &ours, have_base, &d->old_file.id) };
		text = NULL;
	}
	json_decref(j);
	free(text);
	return r->rc != MC_OK;
}

static int change_cmp(const void *x, const void *y)
{
	const struct change *a = x, *b = y;
	if (a->attempt != b->attempt)
		return (a->attempt > b->attempt) - (a->attempt < b->attempt);
	int c = strcmp(a->submitted_at, b->submitted_at);
	return c ? c : strcmp(a->sub, b->sub);
}

/* by_sub: r->v's indices in the order of their submissions' ids, for bsearch */
static int idx_cmp(const void *x, const void *y, void *ctx)
{
	const struct reader *r = ctx;
	return strcmp(r->v[*(const size_t *)x].sub, r->v[*(const size_t *)y].sub);
}

static int key_cmp(const void *key, const void *y, void *ctx)
{
	const struct reader *r = ctx;
	return strcmp(key, r->v[*(const size_t *)y].sub);
}

static const struct change *change_of(const struct reader *r, const char *sub)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) { /* bsearch, with the reader as context */
		size_t mid = (lo + hi) / 2;
		int c = key_cmp(sub, &r->by_sub[mid], (void *)r);
		if (c == 0)
			return &r->v[r->by_sub[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
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

static int ar_events(void *ctx, int (*fn)(void *fnctx, const struct audit_row *r), void *fnctx,
		     struct mc_error *err)
{
	struct reader *r = ctx;
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < r->n; i++) {
		rc = import_event(r, &r->v[i], fn, fnctx, err);
		if (rc == MC_OK)
			rc = store_merge_archive_events(r->s, r->v[i].record, r->in->hash, r->in->made_at,
							session_user(r->s), fn, fnctx, err);
	}
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

/* Each delta of the remote's tree since the base under prefix, to fn; *cb_rc
 * is the callback's own status (it stops the walk with an error set). */
static int remote_deltas(const struct arc_merge_in *in, const char *prefix, git_diff_file_cb fn, void *payload,
			 const int *cb_rc, struct mc_error *err)
{
	git_diff *diff = NULL;
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	char *spec = (char *)prefix;
	o.pathspec = (git_strarray){ &spec, 1 };
	int rc = MC_OK;
	if (git_diff_tree_to_tree(&diff, in->repo, (git_tree *)in->base, (git_tree *)in->theirs, &o) < 0 ||
	    (git_diff_foreach(diff, fn, NULL, NULL, NULL, payload) < 0 && *cb_rc == MC_OK))
		rc = mc_error_set(err, MC_FAIL, "%s: comparing the two archives' %s failed: %s", in->url, prefix,
				  git_error_last() ? git_error_last()->message : "?");
	git_diff_free(diff);
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
		      struct mc_error *err)
{
	struct reader r = { .s = s, .in = in, .err = err };
	long long from = 0;
	char from_hash[MC_SHA256_HEX];
	int rc = store_audit_last(s, &from, from_hash, err);
	if (rc == MC_OK)
		rc = remote_deltas(in, "submissions/", record_delta, &r, &r.rc, err);
	if (r.n) /* earlier attempts first: a new submission links to its previous one */
		qsort(r.v, r.n, sizeof *r.v, change_cmp);
	r.by_sub = mc_xcalloc(r.n ? r.n : 1, sizeof *r.by_sub);
	for (size_t i = 0; i < r.n; i++)
		r.by_sub[i] = i;
	if (r.n)
		qsort_r(r.by_sub, r.n, sizeof *r.by_sub, idx_cmp, &r);
	struct merge_source src = { .id = in->source_id, .district = "(archive)", .made_by = in->made_by,
				    .made_at = in->made_at, .step = "merging the archive's records",
				    .base_seq = from, .ctx = &r,
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
	if (rc == MC_OK && e.conflicts)
		rc = people_conflicts_noted(s, in, res, e.conflicts, err);
	if (rc == MC_OK)
		rc = store_merge_settle(s, from, in->source_id, err);
	for (size_t i = 0; i < r.n; i++) {
		free(r.v[i].sub);
		free(r.v[i].record);
		free(r.v[i].submitted_at);
	}
	free(r.v);
	free(r.by_sub);
	return rc;
}
