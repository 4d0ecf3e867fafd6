/* queue.c: the evidence queue (pages by key) and who sees what of an educator. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcassess/access.h"
#include "mcassess/assign.h"
#include "mcassess/people.h"
#include "mcassess/queue.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/suggest.h"
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
	char now[MC_TIME_LEN];
};

int queue_overdue(const char *status, const char *due_at, const char *now)
{
	int open = status && (strcmp(status, "queued") == 0 || strcmp(status, "in_progress") == 0);
	return open && due_at && strcmp(due_at, now) < 0; /* ISO 8601 UTC sorts as time does */
}

static int has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* The readers the viewer may see, and the process's call for an adjudicator
 * ("needs adjudication; first: ann, second: bo", first so a narrow column keeps
 * it): the READS column, tsv and json
 * alike (heap; NULL: nothing to say). */
static char *assignees_text(const struct queue_raw *r)
{
	if (!r->needs_adjudication)
		return r->assignees ? mc_xstrdup(r->assignees) : NULL;
	return mc_xasprintf("needs adjudication%s%s", r->assignees ? "; " : "", r->assignees ? r->assignees : "");
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
		.read = r->read ? mc_xstrdup(r->read) : NULL,
		.read_blind = r->read_blind,
		.assignees = assignees_text(r),
		.due_at = r->due_at ? mc_xstrdup(r->due_at) : NULL,
		.overdue = queue_overdue(r->status, r->due_at, p->now),
		.needs_adjudication = r->needs_adjudication,
	};
	return p->n >= p->limit;
}

int queue_page(struct store *s, const struct queue_filter *f, const struct queue_row *from, int direction,
	       int limit, struct queue_row **rows, int *n, struct mc_error *err)
{
	const char *viewer = session_user(s);
	*rows = NULL;
	*n = 0;
	if (f->status && strcmp(f->status, "all") != 0 && !queue_status_valid(f->status))
		return mc_error_set(err, MC_USAGE, "unknown status '%s' (one of: all, queued, in_progress, "
				    "awaiting_approval, earned, resubmit, incomplete, withdrawn)", f->status);
	if (limit <= 0)
		return MC_OK;
	struct queue_viewer v;
	int rc = access_refresh(s, err);
	if (rc == MC_OK)
		rc = queue_viewer_load(s, viewer, &v, err);
	if (rc != MC_OK) {
		queue_viewer_free(&v);
		return rc;
	}
	struct page p = { .f = f, .v = &v, .limit = limit };
	mc_now(p.now);
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
		free(r->read);
		free(r->claimed_by);
		free(r->assignees);
		free(r->due_at);
	}
	free(*rows);
	*rows = NULL;
}

int queue_counts(struct store *s, long long counts[QUEUE_NSTATUS], struct mc_error *err)
{
	int rc = access_refresh(s, err);
	return rc == MC_OK ? store_queue_counts(s, counts, err) : rc;
}

/* ---------------------------------------------------------------- counts of a list */
int queue_counts_for(struct store *s, const struct queue_filter *f, long long counts[QUEUE_NSTATUS],
		     struct mc_error *err)
{
	if (!f->credential && !f->pathway && !f->district && !f->mine && !f->needs)
		return store_queue_counts(s, counts, err);
	return store_queue_counts_filtered(s, f, counts, err);
}

long long queue_counts_total(const struct queue_filter *f, const long long counts[QUEUE_NSTATUS])
{
	long long n = 0;
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		if (f->status ? strcmp(f->status, "all") == 0 || strcmp(f->status, queue_statuses[i]) == 0
			      : i <= 1) /* open work: queued and in_progress */
			n += counts[i];
	return n;
}

/* ---------------------------------------------------------------- filters as typed */
/* Equal but for case, and ' ' or '-' for '_' ("In progress", "in-progress"). */
static int status_is(const char *typed, const char *name)
{
	for (; *typed && *name; typed++, name++) {
		char t = *typed == ' ' || *typed == '-' ? '_' : *typed;
		if (tolower((unsigned char)t) != *name)
			return 0;
	}
	return !*typed && !*name;
}

const char *queue_status_canonical(const char *typed)
{
	if (!typed)
		return NULL;
	if (status_is(typed, "awaiting")) /* as the header and the workstation call it */
		return "awaiting_approval";
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		if (status_is(typed, queue_statuses[i]))
			return queue_statuses[i];
	return NULL;
}

int queue_filter_resolve(struct store *s, struct queue_filter *f, struct queue_filter_names *owned,
			 struct mc_error *err)
{
	static const struct suggest_name credential = { SUGGEST_CREDENTIAL, "credential", "credentials", "mcassess catalog list", 0, NULL },
					   pathway = { SUGGEST_PATHWAY, "pathway", "pathways", "mcassess catalog list", 0,
						       NULL };
	*owned = (struct queue_filter_names){ 0 };
	if (f->status && strcasecmp(f->status, "all") != 0) {
		const char *st = queue_status_canonical(f->status);
		if (!st)
			return mc_error_set(err, MC_USAGE, "unknown status '%s' (one of: all, queued, in_progress, "
					    "awaiting_approval (or awaiting), earned, resubmit, incomplete, "
					    "withdrawn)", f->status);
		f->status = st;
	} else if (f->status) {
		f->status = "all";
	}
	if (f->needs && strcasecmp(f->needs, "adjudication") != 0)
		return mc_error_set(err, MC_USAGE, "unknown need '%s' (needs:adjudication: the submissions whose "
				    "reads disagree and wait for an adjudicator)", f->needs);
	if (f->needs)
		f->needs = "adjudication";
	int rc = suggest_district(s, &f->district, &owned->district, err);
	if (rc == MC_OK)
		rc = suggest_resolve(s, &credential, &f->credential, &owned->credential, NULL, err);
	if (rc == MC_OK)
		rc = suggest_resolve(s, &pathway, &f->pathway, &owned->pathway, NULL, err);
	return rc;
}

void queue_filter_names_free(struct queue_filter_names *owned)
{
	free(owned->district);
	free(owned->credential);
	free(owned->pathway);
	*owned = (struct queue_filter_names){ 0 };
}

/* ---------------------------------------------------------------- filter words */
const char *const queue_filter_keys[QUEUE_FILTER_NKEYS] = { "status", "pathway", "credential", "district",
							     "needs" };

static int key_at(const char *p, size_t *kl)
{
	for (int i = 0; i < QUEUE_FILTER_NKEYS; i++) {
		*kl = strlen(queue_filter_keys[i]);
		if (strncasecmp(p, queue_filter_keys[i], *kl) == 0 && p[*kl] == ':')
			return i;
	}
	return -1;
}

const char *queue_filter_words(const char *p, char *fv[QUEUE_FILTER_NKEYS])
{
	while (*p == ' ')
		p++;
	while (*p) {
		size_t kl = 0, dummy;
		int k = key_at(p, &kl);
		if (k < 0)
			return p;
		const char *val = p + kl + 1, *end = val;
		/* the value ends where the next "key:" starts */
		for (const char *s2 = val; *s2; s2++) {
			if (s2 > val && s2[-1] == ' ' && key_at(s2, &dummy) >= 0)
				break;
			end = s2 + 1;
		}
		while (end > val && end[-1] == ' ')
			end--;
		free(fv[k]);
		fv[k] = end > val ? mc_xstrndup(val, (size_t)(end - val)) : NULL;
		p = end;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

const char *queue_default_status(struct store *s)
{
	const struct mc_session *sess = session_of(s);
	return sess && sess->actor.role == ROLE_APPROVER ? "awaiting_approval" : NULL;
}
