/* queue.c: the evidence queue (pages by key) and who sees what of an educator. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/assign.h"
#include "mcassess/people.h"
#include "mcassess/queue.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

int queue_status_valid(const char *status)
{
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		if (status && strcmp(status, queue_statuses[i]) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- the viewer */
int queue_viewer_load(struct store *s, const char *user, struct queue_viewer *v, struct mc_error *err)
{
	memset(v, 0, sizeof *v);
	v->user = mc_xstrdup(user ? user : "");
	enum people_role role = ROLE_NONE;
	int rc = people_role(s, v->user, &role, err);
	if (rc != MC_OK)
		return rc;
	v->role = role;
	return assign_blind_all_get(s, &v->blind_setting, err);
}

void queue_viewer_free(struct queue_viewer *v)
{
	free(v->user);
	v->user = NULL;
}

int queue_viewer_blind(const struct queue_viewer *v, int assigned_blind)
{
	if (v->role == ROLE_ADMIN || v->role == ROLE_COORDINATOR)
		return 0;
	/* assessors, and anyone not (yet) a person here, are held to blind scoring */
	return assigned_blind || v->blind_setting;
}

int queue_educator_view(const struct queue_viewer *v, int assigned_blind, const struct queue_educator *raw,
			struct queue_educator *shown)
{
	int blind = queue_viewer_blind(v, assigned_blind);
	if (blind) /* nothing that names the educator: not their id, not their school */
		*shown = (struct queue_educator){ .id = raw->anon_id, .name = raw->anon_id };
	else
		*shown = *raw;
	return blind;
}

static char *dup_or_null(const char *s)
{
	return s ? mc_xstrdup(s) : NULL;
}

int queue_educator_seen(struct store *s, const char *viewer, long long submission_rowid,
			struct queue_educator_seen *out, struct mc_error *err)
{
	*out = (struct queue_educator_seen){ 0 };
	struct queue_viewer v;
	struct queue_educator raw = { 0 }, shown;
	int assigned = 0;
	int rc = queue_viewer_load(s, viewer, &v, err);
	if (rc == MC_OK)
		rc = store_queue_educator(s, submission_rowid, v.user, &raw, &assigned, err);
	if (rc == MC_OK) {
		out->blind = queue_educator_view(&v, assigned, &raw, &shown);
		out->id = dup_or_null(shown.id ? shown.id : "");
		out->name = dup_or_null(shown.name ? shown.name : "");
		out->school = dup_or_null(shown.school);
		out->anon_id = dup_or_null(raw.anon_id ? raw.anon_id : "");
	}
	free((char *)raw.id);
	free((char *)raw.name);
	free((char *)raw.school);
	free((char *)raw.anon_id);
	queue_viewer_free(&v);
	return rc;
}

void queue_educator_seen_free(struct queue_educator_seen *e)
{
	free(e->id);
	free(e->name);
	free(e->school);
	free(e->anon_id);
	*e = (struct queue_educator_seen){ 0 };
}

int queue_educator_label(struct store *s, const char *viewer, long long submission_rowid,
			 char **label, int *blind, struct mc_error *err)
{
	struct queue_educator_seen e;
	int rc = queue_educator_seen(s, viewer, submission_rowid, &e, err);
	*label = rc == MC_OK ? e.name : NULL;
	if (blind)
		*blind = rc == MC_OK ? e.blind : 0;
	e.name = NULL;
	queue_educator_seen_free(&e);
	return rc;
}

/* ---------------------------------------------------------------- pages */
struct page {
	const struct queue_filter *f;
	const struct queue_viewer *v;
	struct queue_row *rows;
	int n, cap, limit;
};

static int has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static int page_row(void *ctx, const struct queue_raw *r)
{
	struct page *p = ctx;
	struct queue_educator shown, raw = { .name = r->name, .anon_id = r->anon_id };
	int blind = queue_educator_view(p->v, r->assigned_blind, &raw, &shown);
	const char *educator = shown.name;
	/* the narrowing text matches what the viewer sees, never a hidden name; those
	 * who see names see the anonymous id too (to find what a blind assessor means) */
	const char *nw = p->f->narrow;
	if (nw && *nw && !has(r->id, nw) && !has(r->credential, nw) && !has(educator, nw) &&
	    !has(r->district, nw) && (blind || !has(r->anon_id, nw)))
		return 0;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->rows = mc_xrealloc(p->rows, (size_t)p->cap * sizeof *p->rows);
	}
	struct queue_row *q = &p->rows[p->n++];
	*q = (struct queue_row){
		.rowid = r->rowid,
		.id = mc_xstrdup(r->id),
		.status = mc_xstrdup(r->status),
		.credential = mc_xstrdup(r->credential),
		.pathway = mc_xstrdup(r->pathway),
		.district = mc_xstrdup(r->district),
		.submitted_at = mc_xstrdup(r->submitted_at),
		.educator = mc_xstrdup(educator ? educator : ""),
		.claimed_by = r->claimed_by ? mc_xstrdup(r->claimed_by) : NULL,
		.attempt = r->attempt,
		.blind = blind,
	};
	return p->n >= p->limit;
}

int queue_page(struct store *s, const struct queue_filter *f, const char *viewer,
	       const struct queue_row *from, int direction, int limit,
	       struct queue_row **rows, int *n, struct mc_error *err)
{
	*rows = NULL;
	*n = 0;
	if (f->status && strcmp(f->status, "all") != 0 && !queue_status_valid(f->status))
		return mc_error_set(err, MC_USAGE, "unknown status '%s' (one of: all, queued, in_progress, "
				    "awaiting_approval, earned, resubmit, incomplete, withdrawn)", f->status);
	if (limit <= 0)
		return MC_OK;
	struct queue_viewer v;
	int rc = queue_viewer_load(s, viewer, &v, err);
	if (rc != MC_OK) {
		queue_viewer_free(&v);
		return rc;
	}
	struct page p = { .f = f, .v = &v, .limit = limit };
	struct queue_key key, *kp = NULL;
	if (from) {
		key = (struct queue_key){ from->status, from->credential, from->submitted_at, from->rowid };
		kp = &key;
	}
	long sql_limit = f->narrow && *f->narrow ? -1 : limit;
	rc = store_queue_walk(s, f, v.user, kp, direction, sql_limit, page_row, &p, err);
	queue_viewer_free(&v);
	if (rc != MC_OK) {
		queue_rows_free(&p.rows, p.n);
		return rc;
	}
	if (direction < 0) /* walked backwards: put them in display order */
		for (int i = 0, j = p.n - 1; i < j; i++, j--) {
			struct queue_row t = p.rows[i];
			p.rows[i] = p.rows[j];
			p.rows[j] = t;
		}
	*rows = p.rows;
	*n = p.n;
	return MC_OK;
}

void queue_rows_free(struct queue_row **rows, int n)
{
	if (!rows || !*rows)
		return;
	for (int i = 0; i < n; i++) {
		struct queue_row *r = &(*rows)[i];
		free(r->id);
		free(r->status);
		free(r->credential);
		free(r->pathway);
		free(r->district);
		free(r->submitted_at);
		free(r->educator);
		free(r->claimed_by);
	}
	free(*rows);
	*rows = NULL;
}

int queue_counts(struct store *s, long long counts[QUEUE_NSTATUS], struct mc_error *err)
{
	return store_queue_counts(s, counts, err);
}
