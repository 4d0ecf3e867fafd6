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
	size_t *first; /* firsts() */
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

/* Hold every event of the submission whose first event is ev[first] in a
 * conflict with what the server did. */
static int hold(struct merge *m, size_t first, const char *server)
{
	const char *sub = m->ev[first].sub;
	json_t *evs = json_array();
	struct mc_buf what = MC_BUF_INIT;
	for (size_t i = first; i < m->n; i++) {
		if (!m->ev[i].sub || m->first[i] != first)
			continue;
		json_array_append_new(evs, event_json(&m->ev[i].r));
		mc_buf_printf(&what, "%s%s by %s at %s", mc_buf_str(&what)[0] ? "; " : "", m->ev[i].r.action,
			      m->ev[i].r.actor, m->ev[i].r.at);
	}
	char *records = NULL, *events = json_dumps(evs, JSON_COMPACT);
	json_decref(evs);
	int rc = m->src->records(m->src->ctx, sub, &records, m->err);
	struct packet_conflict_row c = { .packet_id = m->src->id, .submission = sub, .server = server,
					 .packet = mc_buf_str(&what), .records = records, .events = events };
	if (rc == MC_OK)
		rc = store_packet_conflict_add(m->s, &c, m->err);
	free(records);
	free(events);
	mc_buf_free(&what);
	m->res->conflicts++;
	return rc;
}

/* For each event, the first event of its submission (first[i] == i: the
 * first), found by sorting rather than by a scan per event: a district's
 * archive brings hundreds of thousands of events. */
static int by_sub(const void *x, const void *y, void *ctx)
{
	const struct merge *m = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = strcmp(m->ev[a].sub, m->ev[b].sub);
	return c ? c : (a > b) - (a < b);
}

static void firsts(struct merge *m)
{
	size_t *ix = mc_xcalloc(m->n, sizeof *ix), k = 0;
	m->first = mc_xcalloc(m->n, sizeof *m->first);
	for (size_t i = 0; i < m->n; i++) {
		m->first[i] = i;
		if (m->ev[i].sub)
			ix[k++] = i;
	}
	qsort_r(ix, k, sizeof *ix, by_sub, m);
	for (size_t j = 1; j < k; j++)
		if (strcmp(m->ev[ix[j]].sub, m->ev[ix[j - 1]].sub) == 0)
			m->first[ix[j]] = m->first[ix[j - 1]];
	free(ix);
}

/* Per submission the source changed: a conflict, or the source's records. */
static int decide_each(struct merge *m, char *held)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < m->n; i++) {
		const char *sub = m->ev[i].sub;
		if (!sub || m->first[i] != i)
			continue;
		int known = 0;
		char *server = NULL;
		rc = store_packet_conflict_known(m->s, m->src->id, sub, &known, m->err);
		if (rc == MC_OK && !known)
			rc = m->src->changed_here(m->src->ctx, m->ev[i].r.subject, &server, m->err);
		if (rc == MC_OK && known)
			held[i] = 2; /* held already, by an earlier merge of this source */
		else if (rc == MC_OK && *server) {
			held[i] = 1;
			rc = hold(m, i, server);
		} else if (rc == MC_OK) {
			rc = m->src->apply(m->src->ctx, sub, m->err);
			m->res->submissions++;
		}
		free(server);
		progress_report(m->src->step, (long long)i, (long long)m->n);
	}
	return rc;
}

static int append_events(struct merge *m, const char *held)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < m->n; i++) {
		if (m->ev[i].sub && held[m->first[i]]) { /* the mark of its submission's first event */
			m->res->skipped++;
			continue;
		}
		rc = audit_append_row(m->s, &m->ev[i].r, NULL, m->err);
		if (rc == MC_OK)
			rc = store_packet_note_audit(m->s, m->ev[i].r.uid, m->src->id, m->ev[i].r.hash, m->err);
		m->res->events++;
	}
	return rc;
}

int merge_run(struct store *s, const struct merge_source *src, struct merge_result *res, struct mc_error *err)
{
	*res = (struct merge_result){ 0 };
	struct merge m = { .s = s, .src = src, .err = err, .res = res };
	int rc = src->events(src->ctx, collect, &m, err);
	if (rc != MC_OK || m.n == 0) {
		events_free(&m);
		return rc;
	}
	char *held = mc_xcalloc(m.n, 1);
	firsts(&m);
	rc = decide_each(&m, held);
	if (rc == MC_OK)
		rc = append_events(&m, held);
	free(held);
	free(m.first);
	events_free(&m);
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
