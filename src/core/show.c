/* show.c: the model of one submission as a viewer may see it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/access.h"
#include "mcassess/audit.h"
#include "mcassess/precheck.h"
#include "mcassess/queue.h"
#include "mcassess/review.h"
#include "mcassess/session.h"
#include "mcassess/show.h"
#include "mcassess/store_audit.h"
#include "mcassess/store_review.h"
#include "mcassess/store_scoring.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

#define SHOW_MAX_HISTORY 1000 /* a previous_id chain longer than this is a loop */

static void scores_free(struct show_score *sc, int n)
{
	for (int i = 0; i < n; i++) {
		free(sc[i].criterion);
		free(sc[i].level);
		free(sc[i].level_label);
		free(sc[i].assessor);
		free(sc[i].comment);
		free(sc[i].at);
		free(sc[i].read);
	}
	free(sc);
}

static int read_rank(const char *read)
{
	if (read && strcmp(read, "adjudication") == 0)
		return 3;
	if (read && strcmp(read, "first") == 0)
		return 2;
	return 1;
}

/* Which score the rubric shows per criterion: adjudication, else first, else second. */
static void pick_scores(struct show_submission *m)
{
	m->nscored = m->npassing = 0;
	for (int i = 0; i < m->ncriteria; i++) {
		struct show_criterion *c = &m->criteria[i];
		c->score = -1;
		for (int k = 0; k < m->nscores; k++)
			if (strcmp(m->scores[k].criterion, c->code) == 0 &&
			    (c->score < 0 || read_rank(m->scores[k].read) > read_rank(m->scores[c->score].read)))
				c->score = k;
		if (c->score >= 0) {
			m->nscored++;
			m->npassing += m->scores[c->score].passes != 0;
		}
	}
}

void show_part_words(struct show_submission *m)
{
	for (int i = 0; i < m->nevidence; i++) {
		struct show_evidence *e = &m->evidence[i];
		for (int p = 0; p < m->nparts; p++)
			if (strcmp(m->parts[p].code, e->part_code) == 0)
				e->part = p;
		if (e->part < 0)
			continue;
		m->parts[e->part].nitems++;
		if (strcmp(e->kind, "text") == 0)
			m->parts[e->part].words += e->words;
	}
	for (int p = 0; p < m->nparts; p++) {
		struct show_part *pt = &m->parts[p];
		pt->out_of_range = pt->min_words >= 0 && pt->words < pt->min_words   ? -1
				   : pt->max_words >= 0 && pt->words > pt->max_words ? 1
										     : 0;
	}
}

/* The educator as the viewer may see them (queue_educator_view decides). */
static int educator(struct store *s, struct show_submission *m, const char *viewer, struct mc_error *err)
{
	struct queue_educator_seen e;
	int rc = queue_educator_seen(s, viewer, m->rowid, &e, err);
	if (rc != MC_OK)
		return rc;
	m->blind = e.blind;
	free(m->educator_id);
	m->educator_id = e.id;
	m->educator_name = e.name;
	m->school = e.school;
	m->educator_anon = e.anon_id;
	return MC_OK;
}

static int history(struct store *s, struct show_submission *m, struct mc_error *err)
{
	long long prev = m->previous_rowid;
	int rc = MC_OK;
	while (prev && rc == MC_OK && m->nhistory < SHOW_MAX_HISTORY) {
		struct show_submission t = { 0 };
		char *school = NULL;
		rc = store_show_submission(s, NULL, prev, &t, &school, err);
		free(school);
		if (rc == MC_OK) {
			m->history = mc_xrealloc(m->history, (size_t)(m->nhistory + 1) * sizeof *m->history);
			struct show_attempt *a = &m->history[m->nhistory++];
			*a = (struct show_attempt){ .rowid = t.rowid, .id = t.id, .status = t.status,
						    .submitted_at = t.submitted_at, .attempt = t.attempt };
			t.id = t.status = t.submitted_at = NULL;
			prev = t.previous_rowid;
			rc = store_show_scores(s, a->rowid, &a->scores, &a->nscores, err);
			char *author = NULL, *at = NULL;
			if (rc == MC_OK)
				rc = store_show_feedback(s, a->rowid, &a->feedback, &author, &at, err);
			free(author);
			free(at);
			if (rc == MC_OK)
				rc = store_show_decision(s, a->rowid, &a->decision, &a->decided_by,
							 &a->decided_at, &a->decision_reason, err);
		}
		struct show_submission *tp = mc_xmalloc(sizeof *tp);
		*tp = t;
		show_free(&tp);
	}
	/* oldest first */
	for (int i = 0, j = m->nhistory - 1; i < j; i++, j--) {
		struct show_attempt x = m->history[i];
		m->history[i] = m->history[j];
		m->history[j] = x;
	}
	return rc;
}

/* The "reason" of an audit row's after-image, heap, NULL when none. */
static char *event_reason(const char *after)
{
	json_t *j = after ? json_loads(after, 0, NULL) : NULL;
	const char *r = j ? json_string_value(json_object_get(j, "reason")) : NULL;
	char *out = r ? mc_xstrdup(r) : NULL;
	json_decref(j);
	return out;
}

/* A reader who may not see the other read yet keeps only their own scores and feedback. */
static int keep_own_read(struct store *s, struct show_submission *m, const char *mine, struct mc_error *err)
{
	int k = 0;
	for (int i = 0; i < m->nscores; i++) {
		if (strcmp(m->scores[i].read, mine) == 0) {
			m->scores[k++] = m->scores[i];
			continue;
		}
		struct show_score *sc = &m->scores[i];
		free(sc->criterion), free(sc->level), free(sc->level_label), free(sc->assessor);
		free(sc->comment), free(sc->at), free(sc->read);
	}
	m->nscores = k;
	free(m->feedback), free(m->feedback_author), free(m->feedback_at);
	return store_scoring_feedback_get(s, m->rowid, mine, &m->feedback, &m->feedback_author, &m->feedback_at,
					  err);
}

/* The reads, as far as the viewer may see them (review.h). */
static int reads_of(struct store *s, struct show_submission *m, struct mc_error *err)
{
	static const char *const reads[] = { "first", "second", "adjudication" };
	char *mine = NULL;
	int rc = review_stage(s, m->rowid, m->status, &m->stage, err);
	if (rc == MC_OK)
		rc = review_uses_process(s, &m->process, err);
	if (rc == MC_OK)
		rc = store_review_read_of(s, m->rowid, session_user(s), &mine, err);
	if (rc == MC_OK && mine)
		rc = review_hides_others(s, m->rowid, mine, &m->reads_hidden, err);
	if (rc == MC_OK && m->reads_hidden)
		rc = keep_own_read(s, m, mine, err);
	for (int i = 0; rc == MC_OK && i < 3; i++) {
		char *holder = NULL, *outcome = NULL, *by = NULL;
		rc = store_review_holder(s, m->rowid, reads[i], &holder, err);
		if (rc == MC_OK)
			rc = store_review_read_get(s, m->rowid, reads[i], &outcome, &by, err);
		int hidden = m->reads_hidden && strcmp(reads[i], mine) != 0;
		/* an assessor never learns who else reads it (double-blind), as in the queue */
		int other = access_assigned_only(s) && (!mine || strcmp(reads[i], mine) != 0);
		if (rc == MC_OK && (holder || by)) {
			m->reads = mc_xrealloc(m->reads, (size_t)(m->nreads + 1) * sizeof *m->reads);
			m->reads[m->nreads++] = (struct show_read){
				mc_xstrdup(reads[i]), mc_xstrdup(other ? "another assessor" : by ? by : holder),
				outcome && !hidden ? mc_xstrdup(outcome) : NULL, hidden };
		}
		free(holder);
		free(outcome);
		free(by);
	}
	free(mine);
	return rc;
}

static int event(void *ctx, const struct audit_row *r)
{
	struct show_submission *m = ctx;
	m->events = mc_xrealloc(m->events, (size_t)(m->nevents + 1) * sizeof *m->events);
	m->events[m->nevents++] = (struct show_event){
		.action = mc_xstrdup(r->action ? r->action : ""),
		.actor = mc_xstrdup(r->actor ? r->actor : ""),
		.at = mc_xstrdup(r->at ? r->at : ""),
		.reason = strcmp(r->action, "return") == 0 || strcmp(r->action, "reopen") == 0 ||
				  strcmp(r->action, "withdraw") == 0 ? event_reason(r->after) : NULL,
	};
	return 0;
}

int show_load(struct store *s, const char *id, struct show_submission **out, struct mc_error *err)
{
	*out = NULL;
	int rc = access_submission(s, id, ACCESS_READ, NULL, err);
	if (rc != MC_OK)
		return rc;
	const char *viewer = session_user(s);
	struct show_submission *m = mc_xcalloc(1, sizeof *m);
	char *school = NULL;
	rc = store_show_submission(s, id, 0, m, &school, err);
	free(school); /* the educator's come from queue_educator_seen, as the viewer may see them */
	if (rc == MC_OK)
		rc = educator(s, m, viewer, err);
	if (rc == MC_OK)
		rc = store_show_parts(s, m, err);
	if (rc == MC_OK)
		rc = store_show_evidence(s, m, err);
	if (rc == MC_OK)
		rc = store_show_criteria(s, m, err);
	if (rc == MC_OK)
		rc = store_show_scores(s, m->rowid, &m->scores, &m->nscores, err);
	if (rc == MC_OK)
		rc = store_show_feedback(s, m->rowid, &m->feedback, &m->feedback_author, &m->feedback_at, err);
	if (rc == MC_OK)
		rc = store_show_decision(s, m->rowid, &m->decision, &m->decided_by, &m->decided_at,
					 &m->decision_reason, err);
	if (rc == MC_OK)
		rc = store_show_assignees(s, m->rowid, viewer, &m->assignees, &m->due_at, err);
	if (rc == MC_OK)
		rc = reads_of(s, m, err);
	if (rc == MC_OK)
		rc = history(s, m, err);
	if (rc == MC_OK) {
		char *subject = mc_xasprintf("submission:%s", m->id);
		rc = store_audit_each(s, subject, event, m, err);
		free(subject);
	}
	if (rc != MC_OK) {
		show_free(&m);
		return rc;
	}
	show_part_words(m);
	pick_scores(m);
	rc = precheck_show(s, m, err);
	if (rc != MC_OK) {
		show_free(&m);
		return rc;
	}
	*out = m;
	return MC_OK;
}

void show_free(struct show_submission **sp)
{
	struct show_submission *m = *sp;
	if (!m)
		return;
	free(m->id);
	free(m->credential);
	free(m->credential_title);
	free(m->pathway);
	free(m->status);
	free(m->submitted_at);
	free(m->previous_id);
	free(m->educator_id);
	free(m->educator_name);
	free(m->district);
	free(m->school);
	free(m->educator_anon);
	for (int i = 0; i < m->nparts; i++) {
		free(m->parts[i].code);
		free(m->parts[i].title);
		free(m->parts[i].kind);
	}
	free(m->parts);
	for (int i = 0; i < m->nevidence; i++) {
		struct show_evidence *e = &m->evidence[i];
		free(e->part_code);
		free(e->kind);
		free(e->text);
		free(e->file);
		free(e->sha256);
		free(e->media_type);
	}
	free(m->evidence);
	for (int i = 0; i < m->ncriteria; i++) {
		free(m->criteria[i].code);
		free(m->criteria[i].text);
		for (int k = 0; k < m->criteria[i].nlevels; k++)
			free(m->criteria[i].levels[k]);
		free(m->criteria[i].levels);
	}
	free(m->criteria);
	scores_free(m->scores, m->nscores);
	free(m->feedback);
	free(m->feedback_author);
	free(m->feedback_at);
	free(m->decision);
	free(m->decided_by);
	free(m->decided_at);
	free(m->decision_reason);
	free(m->assignees);
	free(m->due_at);
	for (int i = 0; i < m->nhistory; i++) {
		struct show_attempt *a = &m->history[i];
		free(a->id);
		free(a->status);
		free(a->submitted_at);
		scores_free(a->scores, a->nscores);
		free(a->feedback);
		free(a->decision);
		free(a->decided_by);
		free(a->decided_at);
		free(a->decision_reason);
	}
	free(m->history);
	for (int i = 0; i < m->nevents; i++) {
		free(m->events[i].action);
		free(m->events[i].actor);
		free(m->events[i].at);
		free(m->events[i].reason);
	}
	free(m->events);
	for (int i = 0; i < m->nreads; i++) {
		free(m->reads[i].read);
		free(m->reads[i].assessor);
		free(m->reads[i].outcome);
	}
	free(m->reads);
	precheck_free(&m->checks);
	free(m);
	*sp = NULL;
}

char *show_summary(const struct show_submission *m)
{
	return mc_xasprintf("%d of %d criteria scored, %d pass", m->nscored, m->ncriteria, m->npassing);
}

/* ---------------------------------------------------------------- wrapping */
int show_text_width(const char *s)
{
	return text_width(s, s ? strlen(s) : 0);
}

/* One paragraph (no newline inside) wrapped onto out. */
static void wrap_para(struct mc_buf *out, const char *p, size_t len, int width, const char *indent)
{
	const char *end = p + len;
	int avail = width - show_text_width(indent);
	if (avail < 10)
		avail = 10;
	while (p < end) {
		/* take what fits, remembering the last place the line may break: at a space,
		 * or next to a wide character (scripts written without spaces) */
		const char *q = p, *brk = NULL;
		int w = 0, prev_wide = 0;
		while (q < end) {
			unsigned cp;
			size_t n = text_cluster_end(q, (size_t)(end - q), 0); /* never split a character */
			int cw = text_cluster_width(q, n);
			text_utf8_decode(q, &cp);
			if (cp == ' ' && n == 1) {
				brk = q;
				prev_wide = 0;
				w += cw;
				q += n;
				continue;
			}
			if (w + cw > avail)
				break;
			if ((cw == 2 || prev_wide) && q > p)
				brk = q;
			prev_wide = cw == 2;
			w += cw;
			q += n;
		}
		const char *stop = q >= end ? end : brk && brk > p ? brk : q;
		if (stop == p) /* a single character wider than the line */
			stop = p + text_cluster_end(p, (size_t)(end - p), 0);
		const char *tail = stop;
		while (tail > p && tail[-1] == ' ')
			tail--;
		mc_buf_adds(out, indent);
		mc_buf_add(out, p, (size_t)(tail - p));
		mc_buf_addc(out, '\n');
		p = stop;
		while (p < end && *p == ' ')
			p++;
	}
}

void show_wrap(struct mc_buf *out, const char *text, int width, const char *indent)
{
	if (!text)
		return;
	const char *p = text;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0) {
			if (nl || p == text) {
				mc_buf_adds(out, indent);
				mc_buf_addc(out, '\n');
			}
		} else
			wrap_para(out, p, len, width, indent);
		if (!nl)
			break;
		p = nl + 1;
		if (!*p)
			break;
	}
}
