/* merge.c: the one merge engine (merge.h), moved here from packet_merge.c so
 * that a packet and another archive's history come in through the same code.
 * A logical merge by the stable ids (uid) every row a person creates carries,
 * not SQLite's session changesets: a changeset replays integer rowids and
 * whole-row images, which clash as soon as two databases append to the same
 * tables, and it carries no author or time of its own, while the audit rows
 * say who did what, when (README, "Review packets" and "One merge engine"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/merge.h"
#include "mcassess/progress.h"
#include "mcassess/review.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_packet.h"
#include "mcassess/util.h"

struct event {
	struct audit_row r;
	char *sub; /* the submission's id, or NULL */
};

struct merge {
	struct store *s;
	const struct merge_source *src;
	struct mc_error *err;
	struct event *ev;
	size_t n, cap;
	size_t *ix, *at, nix; /* group() */
	struct merge_result *res;
};

static char *dup0(const char *v) { return v ? mc_xstrdup(v) : NULL; }

static int collect(void *ctx, const struct audit_row *r)
{
	struct merge *m = ctx;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->ev = mc_xrealloc(m->ev, m->cap * sizeof *m->ev);
	}
	struct event *e = &m->ev[m->n++];
	e->r = (struct audit_row){ .seq = r->seq, .uid = dup0(r->uid), .at = dup0(r->at), .actor = dup0(r->actor),
				   .action = dup0(r->action), .subject = dup0(r->subject),
				   .before = dup0(r->before), .after = dup0(r->after), .hash = dup0(r->hash) };
	e->sub = strncmp(r->subject, "submission:", 11) == 0 ? mc_xstrdup(r->subject + 11) : NULL;
	return 0;
}

static void events_free(struct merge *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct audit_row *r = &m->ev[i].r;
		free((char *)r->uid);
		free((char *)r->at);
		free((char *)r->actor);
		free((char *)r->action);
		free((char *)r->subject);
		free((char *)r->before);
		free((char *)r->after);
		free((char *)r->hash);
		free(m->ev[i].sub);
	}
	free(m->ev);
}

static json_t *event_json(const struct audit_row *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "uid", r->uid, "at", r->at, "actor",
			 r->actor, "action", r->action, "subject", r->subject, "before", r->before, "after",
			 r->after, "packet_hash", r->hash);
}

/* Each submission's events lie together in m->ix, in the order they came;
 * m->at[f] is where those of the submission whose first event is ev[f] start.
 * Found by sorting rather than by a scan per event: a district's archive
 * brings hundreds of thousands of events. */
static int by_sub(const void *x, const void *y, void *ctx)
{
	const struct merge *m = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = strcmp(m->ev[a].sub, m->ev[b].sub);
	return c ? c : (a > b) - (a < b);
}

static void group(struct merge *m)
{
	m->ix = mc_xcalloc(m->n ? m->n : 1, sizeof *m->ix);
	m->at = mc_xcalloc(m->n ? m->n : 1, sizeof *m->at);
	m->nix = 0;
	for (size_t i = 0; i < m->n; i++) {
		m->at[i] = (size_t)-1;
		if (m->ev[i].sub)
			m->ix[m->nix++] = i;
	}
	qsort_r(m->ix, m->nix, sizeof *m->ix, by_sub, m);
	for (size_t j = 0; j < m->nix; j++)
		if (j == 0 || strcmp(m->ev[m->ix[j]].sub, m->ev[m->ix[j - 1]].sub) != 0)
			m->at[m->ix[j]] = j; /* the smallest index of its run: the first event */
}

/* The events of the submission whose first event is ev[f], one after another. */
#define EACH_OF_SUB(m, f, j, i)                                                                              \
	for (size_t j = (m)->at[f], i; j < (m)->nix && (i = (m)->ix[j], strcmp((m)->ev[i].sub, (m)->ev[f].sub) == 0); \
	     j++)

/* The source's events on a submission, as a conflict keeps them (JSON, heap), and in words. */
static char *sub_events(struct merge *m, size_t f, struct mc_buf *what)
{
	json_t *evs = json_array();
	EACH_OF_SUB(m, f, j, i) {
		json_array_append_new(evs, event_json(&m->ev[i].r));
		mc_buf_printf(what, "%s%s by %s at %s", mc_buf_str(what)[0] ? "; " : "", m->ev[i].r.action,
			      m->ev[i].r.actor, m->ev[i].r.at);
	}
	char *events = json_dumps(evs, JSON_COMPACT);
	json_decref(evs);
	return events;
}

/* The log's last word on every record a source touched is again what the
 * server holds for `sub` while its conflict is open: the server's own records
 * restated, the source's others removed. These rows' ids are made from what
 * they restate, so that any order of merges writes the same rows. */
struct restate {
	struct store *s;
	const char *source_id, *subject, *events;
	char at[MC_TIME_LEN];
	long n;
	int rc;
	struct mc_error *err;
};

static void restate_uid(const struct restate *r, char out[MC_UUID_LEN])
{
	char h[MC_SHA256_HEX];
	char *key = mc_xasprintf("%s\037%s\037%s\037%ld", r->source_id, r->subject, r->events, r->n);
	mc_sha256_hex(key, strlen(key), h);
	free(key);
	snprintf(out, MC_UUID_LEN, "%.8s-%.4s-8%.3s-a%.3s-%.12s", h, h + 8, h + 12, h + 15, h + 18);
}

static int restate_one(void *ctx, const char *action, const char *before, const char *after)
{
	struct restate *r = ctx;
	char uid[MC_UUID_LEN];
	restate_uid(r, uid);
	r->n++;
	struct audit_row row = { .uid = uid, .at = r->at, .actor = session_user(r->s), .action = action,
				 .subject = r->subject, .before = before, .after = after };
	r->rc = audit_append_row(r->s, &row, NULL, r->err);
	if (r->rc == MC_OK)
		r->rc = store_packet_note_audit(r->s, uid, r->source_id, "", r->err);
	return r->rc != MC_OK;
}

static int compensate(struct store *s, const char *source_id, const char *sub, const char *records,
		      const char *events, struct mc_error *err)
{
	char *subject = mc_xasprintf("submission:%s", sub);
	struct restate r = { .s = s, .source_id = source_id, .subject = subject, .events = events, .err = err };
	mc_now(r.at);
	int rc = store_packet_restate(s, sub, records, restate_one, &r, err);
	if (rc == MC_OK)
		rc = r.rc;
	free(subject);
	return rc;
}

static int append_one(struct merge *m, size_t i)
{
	int rc = audit_append_row(m->s, &m->ev[i].r, NULL, m->err);
	if (rc == MC_OK)
		rc = store_packet_note_audit(m->s, m->ev[i].r.uid, m->src->id, m->ev[i].r.hash, m->err);
	m->res->events++;
	return rc;
}

/* Every event comes home, under its author and time, whatever becomes of
 * the records: the log says what was done elsewhere. A submission's events
 * (f: its first) after its records are settled, since the archive's copy of
 * a submission is taken with each row; (size_t)-1: those of no submission. */
static int append_events(struct merge *m, size_t f)
{
	int rc = MC_OK;
	if (f == (size_t)-1) {
		for (size_t i = 0; rc == MC_OK && i < m->n; i++)
			if (!m->ev[i].sub)
				rc = append_one(m, i);
		return rc;
	}
	EACH_OF_SUB(m, f, j, i) {
		if (rc == MC_OK)
			rc = append_one(m, i);
	}
	return rc;
}

/* The source's records of `sub` (f: its first event) taken: noted in
 * packet_merged with what they replaced (before, taken), its events home, and
 * the process moved on. drop: no other source's merge of it stays. */
static int taken(struct merge *m, size_t f, char *before, const char *events, const char *what, int drop)
{
	const char *sub = m->ev[f].sub;
	char *records = NULL;
	int rc = m->src->records(m->src->ctx, sub, &records, m->err); /* after: a submission new here exists only now */
	struct packet_merged_row row = { .packet_id = m->src->id, .submission = sub, .base_seq = m->src->base_seq,
					 .before = before, .packet = what, .records = records, .events = events };
	if (rc == MC_OK && drop) /* the merges of others it saw are its own now */
		rc = store_packet_merged_drop(m->s, sub, m->src->id, m->err);
	if (rc == MC_OK)
		rc = store_packet_merged_put(m->s, &row, m->err);
	if (rc == MC_OK)
		rc = append_events(m, f);
	if (rc == MC_OK) /* read decisions ended elsewhere move the process on here */
		rc = review_after_merge(m->s, sub, m->err);
	free(before);
	free(records);
	m->res->submissions++;
	return rc;
}

/* A source's records taken alone for `sub`: no one else touched it since the
 * source parted from here. */
static int take_alone(struct merge *m, size_t f, const char *events, const char *what)
{
	char *before = NULL;
	int rc = store_packet_server_records_json(m->s, m->ev[f].sub, &before, m->err);
	if (rc == MC_OK)
		rc = m->src->apply(m->src->ctx, m->ev[f].sub, m->err);
	if (rc != MC_OK) {
		free(before);
		return rc;
	}
	return taken(m, f, before, events, what, 1);
}

/* Other sources merged `sub` alone, each on reads of its own, and this one
 * worked on other reads: the reads join (the first read on one laptop, the
 * second on another), the same whichever came first. */
static int join_reads(struct merge *m, size_t f, const char *events, const char *what)
{
	char *before = NULL;
	int rc = m->src->join(m->src->ctx, m->ev[f].sub, events, &before, m->err);
	if (rc != MC_OK) {
		free(before);
		return rc;
	}
	return taken(m, f, before, events, what, 0);
}

/* A source taken alone before (this one too, on an earlier merge), now one
 * side of a conflict: the server's own records come back, the source's side
 * is kept in the conflict. */
struct unmerge {
	struct merge *m;
	int rc;
};

static int unmerge_one(void *ctx, const struct packet_merged_row *row)
{
	struct unmerge *u = ctx;
	struct merge *m = u->m;
	char *server = NULL, *subject = mc_xasprintf("submission:%s", row->submission);
	u->rc = store_packet_apply(m->s, row->submission, row->before, m->err);
	if (u->rc == MC_OK)
		u->rc = compensate(m->s, row->packet_id, row->submission, row->records, row->events, m->err);
	if (u->rc == MC_OK)
		u->rc = store_packet_server_since(m->s, subject, row->base_seq, &server, m->err);
	struct packet_conflict_row c = { .packet_id = row->packet_id, .submission = row->submission,
					 .server = server, .packet = row->packet, .records = row->records,
					 .events = row->events };
	if (u->rc == MC_OK)
		u->rc = store_packet_conflict_add(m->s, &c, m->err);
	free(server);
	free(subject);
	return u->rc != MC_OK;
}

/* `sub` was touched by the server or another source too: one conflict, the
 * same whichever came first; the server's own records stay. */
static int contest(struct merge *m, size_t f, const char *server, const char *events, const char *what, long own)
{
	const char *sub = m->ev[f].sub;
	char *records = NULL;
	struct unmerge u = { .m = m };
	int rc = m->src->records(m->src->ctx, sub, &records, m->err);
	if (rc == MC_OK) /* private notes are only added: never a side of a conflict */
		rc = store_packet_append_new(m->s, sub, records, m->err);
	if (rc == MC_OK)
		rc = store_packet_merged_each(m->s, sub, unmerge_one, &u, m->err);
	if (rc == MC_OK)
		rc = u.rc;
	long others = 0;
	if (rc == MC_OK)
		rc = store_packet_merged_drop(m->s, sub, NULL, m->err);
	if (rc == MC_OK) /* this source's own earlier merge is a side now too */
		rc = store_packet_touched(m->s, m->src->id, sub, m->src->base_seq, &others, &own, m->err);
	struct packet_conflict_row c = { .packet_id = m->src->id, .submission = sub, .server = server,
					 .packet = what, .records = records, .events = events };
	if (rc == MC_OK)
		rc = own ? store_packet_conflict_update(m->s, &c, m->err) : store_packet_conflict_add(m->s, &c, m->err);
	if (rc == MC_OK)
		rc = append_events(m, f);
	if (rc == MC_OK)
		rc = compensate(m->s, m->src->id, sub, records, events, m->err);
	free(records);
	m->res->conflicts++;
	return rc;
}

/* One submission the source changed (f: its first event): taken alone, or
 * one side of a conflict. */
static int decide_one(struct merge *m, size_t f)
{
	struct mc_buf what = MC_BUF_INIT;
	char *events = sub_events(m, f, &what), *server = NULL;
	long others = 0, own = 0;
	int rc = m->src->changed_here(m->src->ctx, m->ev[f].r.subject, &server, m->err);
	if (rc == MC_OK)
		rc = store_packet_touched(m->s, m->src->id, m->ev[f].sub, m->src->base_seq, &others, &own,
					  m->err);
	int join = 0;
	if (rc == MC_OK && !*server && !own && others && m->src->join)
		rc = store_packet_joinable(m->s, m->ev[f].sub, m->src->id, events, &join, m->err);
	if (rc == MC_OK && !*server && !others && !own)
		rc = take_alone(m, f, events, mc_buf_str(&what));
	else if (rc == MC_OK && join)
		rc = join_reads(m, f, events, mc_buf_str(&what));
	else if (rc == MC_OK)
		rc = contest(m, f, server, events, mc_buf_str(&what), own);
	free(events);
	free(server);
	mc_buf_free(&what);
	return rc;
}

static int decide_each(struct merge *m, int progress)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < m->n; i++) {
		if (m->ev[i].sub && m->at[i] != (size_t)-1)
			rc = decide_one(m, i);
		if (progress)
			progress_report(m->src->step, (long long)i, (long long)m->n);
	}
	return rc;
}

/* The source's events read (all of them, or a part's), then merged and let go. */
static int merge_batch(struct merge *m, int progress)
{
	int rc = m->src->events(m->src->ctx, collect, m, m->err);
	if (rc == MC_OK && m->n) {
		group(m);
		rc = append_events(m, (size_t)-1);
		if (rc == MC_OK)
			rc = decide_each(m, progress);
	}
	free(m->ix);
	free(m->at);
	events_free(m);
	m->ix = m->at = NULL;
	m->ev = NULL;
	m->n = m->cap = m->nix = 0;
	return rc;
}

static int merge_part(void *ctx) { return merge_batch(ctx, 0); }

int merge_run(struct store *s, const struct merge_source *src, struct merge_result *res, struct mc_error *err)
{
	*res = (struct merge_result){ 0 };
	struct merge m = { .s = s, .src = src, .err = err, .res = res };
	int rc = src->parts ? src->parts(src->ctx, merge_part, &m, err) : merge_batch(&m, 1);
	if (rc != MC_OK)
		return rc;
	char now[MC_TIME_LEN];
	mc_now(now);
	if (rc == MC_OK && (res->events || res->conflicts))
		rc = store_packet_import_note(s, src->id, src->district, src->made_by, src->made_at,
					      session_user(s), now, res->events, res->conflicts, err);
	return rc;
}

/* ---------------------------------------------------------------- taking a side's records */

/* A server record the new records remove is audited as removed, so the log's
 * last word on it is that it is gone (check compares the two). */
struct removal {
	char **actions, **befores;
	size_t n;
};

static int removal_note(void *ctx, const char *action, const char *before)
{
	struct removal *r = ctx;
	r->actions = mc_xrealloc(r->actions, (r->n + 1) * sizeof *r->actions);
	r->befores = mc_xrealloc(r->befores, (r->n + 1) * sizeof *r->befores);
	r->actions[r->n] = mc_xstrdup(action);
	r->befores[r->n++] = mc_xstrdup(before);
	return 0;
}

int merge_take_records(struct store *s, const char *sub, const char *records, struct mc_error *err)
{
	struct removal r = { 0 };
	int rc = store_packet_removed(s, sub, records, removal_note, &r, err);
	if (rc == MC_OK)
		rc = store_packet_apply(s, sub, records, err);
	char *subject = mc_xasprintf("submission:%s", sub);
	for (size_t i = 0; i < r.n; i++) {
		if (rc == MC_OK)
			rc = audit_append(s, r.actions[i], subject, r.befores[i], NULL, err);
		free(r.actions[i]);
		free(r.befores[i]);
	}
	free(r.actions);
	free(r.befores);
	free(subject);
	return rc;
}
