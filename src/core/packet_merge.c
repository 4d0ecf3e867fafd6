/* packet_merge.c: a review packet merged back into the server (packet.h).
 * A logical merge by the stable ids (uid) every row a person creates carries,
 * not SQLite's session changesets: a changeset replays integer rowids and
 * whole-row images, which clash as soon as two laptops append to the same
 * tables, and it carries no author or time of its own, while the audit chain
 * already says who did what, when, and lets a packet be verified before
 * anything of it is taken (README, "Review packets"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/check.h"
#include "mcassess/packet.h"
#include "mcassess/people.h"
#include "mcassess/progress.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_packet.h"
#include "mcassess/util.h"
#include "packet_int.h"

/* ---------------------------------------------------------------- verifying the packet */

struct found {
	struct mc_buf what;
	long n;
};

static void found_one(void *ctx, const char *problem)
{
	struct found *f = ctx;
	if (f->n++ < 3)
		mc_buf_printf(&f->what, "%s%s", f->n > 1 ? "; " : "", problem);
}

static int blob_ok(void *ctx, const char *sha, const void *data, size_t len)
{
	struct found *f = ctx;
	char h[MC_SHA256_HEX];
	mc_sha256_hex(data, len, h);
	if (strcmp(h, sha) != 0) {
		char *p = mc_xasprintf("the evidence file %.12s… was changed", sha);
		found_one(f, p);
		free(p);
	}
	return 0;
}

struct meta_origin {
	struct packet_origin o;
	char *id, *district, *by, *at, *seq, *base, *origin;
};

static void meta_origin_free(struct meta_origin *m)
{
	free(m->id);
	free(m->district);
	free(m->by);
	free(m->at);
	free(m->seq);
	free(m->base);
	free(m->origin);
}

static int read_origin(struct store *p, const char *path, struct meta_origin *m, struct mc_error *err)
{
	struct {
		const char *key;
		char **v;
	} keys[] = { { "packet_id", &m->id }, { "packet_district", &m->district }, { "packet_exported_by", &m->by },
		     { "packet_exported_at", &m->at }, { "packet_base_seq", &m->seq },
		     { "packet_base_hash", &m->base }, { "packet_origin", &m->origin } };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int rc = store_meta_get(p, keys[i].key, keys[i].v, err);
		if (rc != MC_OK)
			return rc;
		if (!*keys[i].v)
			return mc_error_set(err, MC_INVALID, "%s is not a review packet (it has no %s); make one with "
					    "'mcassess packet export'", path, keys[i].key);
	}
	m->o = (struct packet_origin){ .packet_id = m->id, .district = m->district, .exported_by = m->by,
				       .exported_at = m->at, .base_seq = atoll(m->seq) };
	snprintf(m->o.origin, sizeof m->o.origin, "%s", m->origin);
	snprintf(m->o.base_hash, sizeof m->o.base_hash, "%s", m->base);
	return MC_OK;
}

/* The first row of the packet's chain must say what its meta says. */
struct first {
	const struct packet_origin *o;
	int ok;
};

static int first_row(void *ctx, const struct audit_row *r)
{
	struct first *f = ctx;
	json_t *j = r->after ? json_loads(r->after, 0, NULL) : NULL;
	const char *id = json_string_value(json_object_get(j, "packet"));
	const char *base = json_string_value(json_object_get(j, "base_hash"));
	const char *origin = json_string_value(json_object_get(j, "origin"));
	f->ok = r->seq == 1 && strcmp(r->action, "packet") == 0 && id && strcmp(id, f->o->packet_id) == 0 && base &&
		strcmp(base, f->o->base_hash) == 0 && origin && strcmp(origin, f->o->origin) == 0 &&
		json_integer_value(json_object_get(j, "base_seq")) == f->o->base_seq;
	json_decref(j);
	return 1;
}

/* Everything `check` verifies of a database, the packet's files, and its
 * origin in its own chain: any problem refuses it. */
static int verify_packet(struct store *p, const char *path, const struct packet_origin *o, struct mc_error *err)
{
	struct found f = { .what = MC_BUF_INIT };
	struct check_summary sum;
	int rc = check_run(p, CHECK_DATABASE | CHECK_AUDIT | CHECK_RECORDS, found_one, &f, &sum, err);
	if (rc == MC_OK)
		rc = store_packet_blob_each(p, NULL, blob_ok, &f, err);
	struct first first = { .o = o };
	if (rc == MC_OK)
		rc = store_audit_from(p, 1, first_row, &first, err);
	if (rc == MC_OK && !first.ok)
		found_one(&f, "the packet's first audit row does not say where it came from");
	if (rc == MC_OK && f.n)
		rc = mc_error_set(err, MC_INVALID, "%s was changed after it was made, and is refused (nothing was "
				  "merged): %s%s", path, mc_buf_str(&f.what),
				  f.n > 3 ? "; and more: run 'mcassess --db PACKET check'" : "");
	mc_buf_free(&f.what);
	return rc;
}

/* The packet belongs to this database, at a state this database went through. */
static int same_origin(struct store *s, const char *path, const struct packet_origin *o, struct mc_error *err)
{
	char mine[MC_SHA256_HEX], at_base[MC_SHA256_HEX];
	int rc = store_packet_origin(s, 0, mine, err);
	if (rc == MC_OK)
		rc = store_packet_audit_hash(s, o->base_seq, at_base, err);
	if (rc != MC_OK)
		return rc;
	if (strcmp(mine, o->origin) != 0)
		return mc_error_set(err, MC_INVALID, "%s was exported from another database (by %s at %s), not from "
				    "%s: refused, nothing was merged", path, o->exported_by, o->exported_at,
				    store_path(s));
	if (strcmp(at_base, o->base_hash) != 0)
		return mc_error_set(err, MC_INVALID, "%s says this database's audit log stood at row %lld when it was "
				    "exported, and that row is not the one here: refused, nothing was merged",
				    path, o->base_seq);
	return MC_OK;
}

/* ---------------------------------------------------------------- the merge */

struct event {
	struct audit_row r;
	char *sub; /* the submission's id, or NULL */
};

struct merge {
	struct store *s;
	const struct packet_origin *o;
	struct mc_error *err;
	struct event *ev;
	size_t n, cap;
	struct packet_import_result *res;
	int rc;
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

/* Only the packet's own making and its submissions' events come home: a
 * change to people or settings on a laptop has no place on the server. */
static int foreign_event(struct merge *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct audit_row *r = &m->ev[i].r;
		if (!m->ev[i].sub && strcmp(r->action, "packet") != 0)
			return mc_error_set(m->err, MC_INVALID, "the packet holds a change the server does not take "
					    "from a packet (%s %s by %s at %s): refused, nothing was merged",
					    r->action, r->subject, r->actor, r->at);
	}
	return MC_OK;
}

static json_t *event_json(const struct audit_row *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s}", "uid", r->uid, "at", r->at, "actor", r->actor,
			 "action", r->action, "subject", r->subject, "before", r->before, "after", r->after,
			 "packet_hash", r->hash);
}

/* The packet's events on `sub`, as a conflict keeps them (JSON, heap), and in words. */
static char *sub_events(struct merge *m, const char *sub, struct mc_buf *what)
{
	json_t *evs = json_array();
	for (size_t i = 0; i < m->n; i++) {
		if (!m->ev[i].sub || strcmp(m->ev[i].sub, sub) != 0)
			continue;
		json_array_append_new(evs, event_json(&m->ev[i].r));
		mc_buf_printf(what, "%s%s by %s at %s", mc_buf_str(what)[0] ? "; " : "", m->ev[i].r.action,
			      m->ev[i].r.actor, m->ev[i].r.at);
	}
	char *events = json_dumps(evs, JSON_COMPACT);
	json_decref(evs);
	return events;
}

/* The log's last word on every record a packet touched is again what the
 * server holds for `sub` while its conflict is open: the server's own records
 * restated, the packet's others removed. These rows' ids are made from what
 * they restate, so that any order of imports writes the same rows. */
struct restate {
	struct store *s;
	const char *packet_id, *subject, *events;
	char at[MC_TIME_LEN];
	long n;
	int rc;
	struct mc_error *err;
};

static void restate_uid(const struct restate *r, char out[MC_UUID_LEN])
{
	char h[MC_SHA256_HEX];
	char *key = mc_xasprintf("%s\037%s\037%s\037%ld", r->packet_id, r->subject, r->events, r->n);
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
		r->rc = store_packet_note_audit(r->s, uid, r->packet_id, "", r->err);
	return r->rc != MC_OK;
}

static int compensate(struct store *s, const char *packet_id, const char *sub, const char *records,
		      const char *events, struct mc_error *err)
{
	char *subject = mc_xasprintf("submission:%s", sub);
	struct restate r = { .s = s, .packet_id = packet_id, .subject = subject, .events = events, .err = err };
	mc_now(r.at);
	int rc = store_packet_restate(s, sub, records, restate_one, &r, err);
	if (rc == MC_OK)
		rc = r.rc;
	free(subject);
	return rc;
}

/* Every event comes home, under its author and time, whatever becomes of
 * the records: the log says what was done on the laptops. `sub`'s events
 * (NULL: those of no submission) after its records are settled, since the
 * archive's copy of a submission is taken with each row. */
static int append_events(struct merge *m, const char *sub)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < m->n; i++) {
		if (sub ? !m->ev[i].sub || strcmp(m->ev[i].sub, sub) != 0 : m->ev[i].sub != NULL)
			continue;
		rc = audit_append_row(m->s, &m->ev[i].r, NULL, m->err);
		if (rc == MC_OK)
			rc = store_packet_note_audit(m->s, m->ev[i].r.uid, m->o->packet_id, m->ev[i].r.hash, m->err);
		m->res->events++;
	}
	return rc;
}

/* A packet's records taken alone for `sub`: no one else touched it. */
static int take_alone(struct merge *m, const char *sub, const char *records, const char *events, const char *what)
{
	char *before = NULL;
	int rc = store_packet_server_records_json(m->s, sub, &before, m->err);
	struct packet_merged_row row = { .packet_id = m->o->packet_id, .submission = sub, .base_seq = m->o->base_seq,
					 .before = before, .packet = what, .records = records, .events = events };
	if (rc == MC_OK)
		rc = store_packet_merged_put(m->s, &row, m->err);
	if (rc == MC_OK)
		rc = store_packet_apply(m->s, sub, NULL, m->err);
	if (rc == MC_OK)
		rc = append_events(m, sub);
	free(before);
	m->res->submissions++;
	return rc;
}

/* A packet taken alone before (this one too, on an earlier import), now one
 * side of a conflict: the server's own records come back, the packet's side
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

/* `sub` was touched by the server or another packet too: one conflict, the
 * same whichever came first; the server's own records stay. */
static int contest(struct merge *m, const char *sub, const char *server, const char *records, const char *events,
		   const char *what, long own)
{
	struct unmerge u = { .m = m };
	int rc = store_packet_merged_each(m->s, sub, unmerge_one, &u, m->err);
	if (rc == MC_OK)
		rc = u.rc;
	long others = 0;
	if (rc == MC_OK)
		rc = store_packet_merged_drop(m->s, sub, m->err);
	if (rc == MC_OK) /* this packet's own earlier merge is a side now too */
		rc = store_packet_touched(m->s, m->o->packet_id, sub, &others, &own, m->err);
	struct packet_conflict_row c = { .packet_id = m->o->packet_id, .submission = sub, .server = server,
					 .packet = what, .records = records, .events = events };
	if (rc == MC_OK)
		rc = own ? store_packet_conflict_update(m->s, &c, m->err) : store_packet_conflict_add(m->s, &c, m->err);
	if (rc == MC_OK)
		rc = append_events(m, sub);
	if (rc == MC_OK)
		rc = compensate(m->s, m->o->packet_id, sub, records, events, m->err);
	m->res->conflicts++;
	return rc;
}
/* One submission the packet changed: taken alone, or one side of a conflict. */
static int decide_one(struct merge *m, const char *sub, const char *subject)
{
	struct mc_buf what = MC_BUF_INIT;
	char *events = sub_events(m, sub, &what), *records = NULL, *server = NULL;
	long others = 0, own = 0;
	int rc = store_packet_records_json(m->s, sub, &records, m->err);
	if (rc == MC_OK)
		rc = store_packet_server_since(m->s, subject, m->o->base_seq, &server, m->err);
	if (rc == MC_OK)
		rc = store_packet_touched(m->s, m->o->packet_id, sub, &others, &own, m->err);
	if (rc == MC_OK && !*server && !others && !own)
		rc = take_alone(m, sub, records, events, mc_buf_str(&what));
	else if (rc == MC_OK)
		rc = contest(m, sub, server, records, events, mc_buf_str(&what), own);
	free(events);
	free(records);
	free(server);
	mc_buf_free(&what);
	return rc;
}

static int seen_before(struct merge *m, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (m->ev[k].sub && strcmp(m->ev[k].sub, m->ev[i].sub) == 0)
			return 1;
	return 0;
}

static int decide_each(struct merge *m)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < m->n; i++) {
		if (m->ev[i].sub && !seen_before(m, i))
			rc = decide_one(m, m->ev[i].sub, m->ev[i].r.subject);
		progress_report("merging the packet", (long long)i, (long long)m->n);
	}
	return rc;
}

static int merge_in_tx(struct merge *m)
{
	int rc = store_packet_new_events(m->s, collect, m, m->err);
	if (rc == MC_OK)
		rc = foreign_event(m);
	if (rc != MC_OK || m->n == 0)
		return rc;
	rc = append_events(m, NULL);
	if (rc == MC_OK)
		rc = decide_each(m);
	char now[MC_TIME_LEN];
	mc_now(now);
	if (rc == MC_OK && (m->res->events || m->res->conflicts))
		rc = store_packet_import_note(m->s, m->o->packet_id, m->o->district, m->o->exported_by,
					      m->o->exported_at, session_user(m->s), now, m->res->events,
					      m->res->conflicts, m->err);
	return rc;
}

static int may_import(struct store *s, const struct packet_origin *o, struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "import a review packet", err);
	const struct mc_session *sess = session_of(s);
	if (rc == MC_OK && sess && sess->actor.role == ROLE_COORDINATOR && sess->actor.district &&
	    strcmp(sess->actor.district, o->district) != 0)
		rc = mc_error_set(err, MC_FAIL, "this packet holds %s's work and you coordinate %s", o->district,
				  sess->actor.district);
	return rc;
}

static int merge(struct store *s, const char *path, const struct packet_origin *o,
		 struct packet_import_result *res, struct mc_error *err)
{
	int rc = store_packet_attach(s, path, err);
	if (rc != MC_OK)
		return rc;
	struct merge m = { .s = s, .o = o, .err = err, .res = res };
	char *bad = NULL;
	rc = store_begin(s, err);
	if (rc == MC_OK)
		rc = store_packet_mismatch(s, &bad, err);
	if (rc == MC_OK && *bad)
		rc = mc_error_set(err, MC_INVALID, "%s: %s; refused, nothing was merged", path, bad);
	if (rc == MC_OK)
		rc = merge_in_tx(&m);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	else if (store_in_tx(s))
		store_rollback(s);
	free(bad);
	events_free(&m);
	store_packet_detach(s);
	return rc;
}

int packet_import(struct store *s, const char *path, struct packet_import_result *res, struct mc_error *err)
{
	*res = (struct packet_import_result){ 0 };
	struct store *p = NULL;
	struct meta_origin mo = { 0 };
	if (access(path, R_OK) != 0)
		return mc_error_set(err, MC_INVALID, "%s: cannot be read: %s", path,
				    strerror(errno));
	int rc = store_open(path, STORE_READONLY, &p, err);
	if (rc == MC_OK)
		rc = read_origin(p, path, &mo, err);
	if (rc == MC_OK)
		rc = verify_packet(p, path, &mo.o, err);
	store_close(&p);
	if (rc == MC_OK)
		rc = may_import(s, &mo.o, err);
	if (rc == MC_OK)
		rc = same_origin(s, path, &mo.o, err);
	if (rc == MC_OK)
		rc = merge(s, path, &mo.o, res, err);
	meta_origin_free(&mo);
	return rc;
}

/* ---------------------------------------------------------------- resolving */

struct pick {
	const char *which;
	long long id;
	int matches, whole; /* whole: `which` named the submission, not one packet's side */
	char *sub, *packet_id, *records, *events;
};

static int pick_one(void *ctx, const struct packet_conflict_row *c)
{
	struct pick *p = ctx;
	char *full = mc_xasprintf("%s/%s", c->packet_id, c->submission);
	if (strcmp(p->which, c->submission) == 0 || strcmp(p->which, full) == 0) {
		p->matches++;
		p->whole = strcmp(p->which, c->submission) == 0;
		free(p->sub);
		free(p->packet_id);
		free(p->records);
		free(p->events);
		p->id = c->id;
		p->sub = mc_xstrdup(c->submission);
		p->packet_id = mc_xstrdup(c->packet_id);
		p->records = mc_xstrdup(c->records);
		p->events = mc_xstrdup(c->events);
	}
	free(full);
	return 0;
}

/* The held events, appended as the laptop wrote them (a conflict recorded
 * before the log took every packet's events at once). */
static int append_held(struct store *s, const char *packet_id, const char *events, struct mc_error *err)
{
	json_t *a = json_loads(events, 0, NULL);
	int rc = json_is_array(a) ? MC_OK : mc_error_set(err, MC_FAIL, "the conflict's events are unreadable");
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		if (rc != MC_OK)
			break;
#define F(k) json_string_value(json_object_get(e, k))
		struct audit_row r = { .uid = F("uid"), .at = F("at"), .actor = F("actor"), .action = F("action"),
				       .subject = F("subject"), .before = F("before"), .after = F("after") };
		int has = 0; /* a conflict of this version came home with its events (contest) */
		rc = store_packet_audit_has(s, r.uid, &has, err);
		if (rc == MC_OK && !has)
			rc = audit_append_row(s, &r, NULL, err);
		if (rc == MC_OK && !has)
			rc = store_packet_note_audit(s, r.uid, packet_id, F("packet_hash"), err);
#undef F
	}
	json_decref(a);
	return rc;
}

/* A server record the packet's replace removes is audited as removed, so the
 * log's last word on it is that it is gone (check compares the two). */
struct removal {
	struct store *s;
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

/* The kept side's records, restated in the log after the rows that set them
 * aside while the conflict was open. */
struct restated {
	struct store *s;
	const char *subject;
	int rc;
	struct mc_error *err;
};

static int restate_live(void *ctx, const char *action, const char *before, const char *after)
{
	struct restated *r = ctx;
	r->rc = audit_append(r->s, action, r->subject, before, after, r->err);
	return r->rc != MC_OK;
}

static int take_packet(struct store *s, const struct pick *p, struct mc_error *err)
{
	struct removal r = { .s = s };
	int rc = store_packet_removed(s, p->sub, p->records, removal_note, &r, err);
	if (rc == MC_OK)
		rc = store_packet_apply(s, p->sub, p->records, err);
	char *subject = mc_xasprintf("submission:%s", p->sub);
	for (size_t i = 0; i < r.n; i++) {
		if (rc == MC_OK)
			rc = audit_append(s, r.actions[i], subject, r.befores[i], NULL, err);
		free(r.actions[i]);
		free(r.befores[i]);
	}
	free(r.actions);
	free(r.befores);
	if (rc == MC_OK)
		rc = append_held(s, p->packet_id, p->events, err);
	struct restated again = { .s = s, .subject = subject, .err = err };
	if (rc == MC_OK)
		rc = store_packet_restate(s, p->sub, NULL, restate_live, &again, err);
	if (rc == MC_OK)
		rc = again.rc;
	free(subject);
	return rc;
}

static int resolve_in_tx(struct store *s, const struct pick *p, int packet, struct mc_error *err)
{
	char at[MC_TIME_LEN];
	mc_now(at);
	int rc = p->whole && !packet ? MC_OK
				     : store_packet_conflict_set(s, p->id, packet ? "packet" : "server", session_user(s),
								 at, err);
	/* The other sides of the submission: the server's kept, or another packet's. */
	if (rc == MC_OK && (packet || p->whole))
		rc = store_packet_conflict_settle(s, p->sub, packet ? "other" : "server", session_user(s), at, err);
	if (rc == MC_OK && packet)
		rc = take_packet(s, p, err);
	char *subject = mc_xasprintf("submission:%s", p->sub);
	char *after = mc_xasprintf("{\"kept\":\"%s\",\"packet\":\"%s\"}", packet ? "packet" : "server",
				   p->packet_id);
	if (rc == MC_OK)
		rc = audit_append(s, "packet-resolve", subject, NULL, after, err);
	free(subject);
	free(after);
	return rc;
}

int packet_resolve(struct store *s, const char *which, const char *keep, struct mc_error *err)
{
	int packet = strcmp(keep, "packet") == 0;
	if (!packet && strcmp(keep, "server") != 0)
		return mc_error_set(err, MC_USAGE, "--keep %s: say 'server' or 'packet'", keep);
	int rc = people_require(s, ROLE_COORDINATOR, "resolve a packet's conflict", err);
	if (rc != MC_OK)
		return rc;
	rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	struct pick p = { .which = which };
	rc = store_packet_conflicts(s, 0, pick_one, &p, err);
	if (rc == MC_OK && p.matches == 0)
		rc = mc_error_set(err, MC_INVALID, "no open conflict on '%s'; 'mcassess packet conflicts' lists "
				  "them", which);
	else if (rc == MC_OK && p.matches > 1 && packet)
		rc = mc_error_set(err, MC_INVALID, "%s is in conflict with %d packets: name the one to keep as "
				  "PACKET/%s ('mcassess packet conflicts' lists them)", which, p.matches, which);
	if (rc == MC_OK)
		rc = resolve_in_tx(s, &p, packet, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	free(p.sub);
	free(p.packet_id);
	free(p.records);
	free(p.events);
	return rc;
}

/* ---------------------------------------------------------------- a conflict's sides */

struct side_rows {
	const char *sub;
	char **ids, **whats, **records, *server;
	size_t n;
};

static int side_row(void *ctx, const struct packet_conflict_row *c)
{
	struct side_rows *r = ctx;
	if (strcmp(c->submission, r->sub) != 0)
		return 0;
	r->ids = mc_xrealloc(r->ids, (r->n + 1) * sizeof *r->ids);
	r->whats = mc_xrealloc(r->whats, (r->n + 1) * sizeof *r->whats);
	r->records = mc_xrealloc(r->records, (r->n + 1) * sizeof *r->records);
	r->ids[r->n] = mc_xstrdup(c->packet_id);
	r->whats[r->n] = mc_xstrdup(c->packet);
	r->records[r->n++] = mc_xstrdup(c->records);
	if (!r->server)
		r->server = mc_xstrdup(*c->server ? c->server : "nothing since the packets were made");
	return 0;
}

static int side_line(void *ctx, const char *line)
{
	struct packet_side *d = ctx;
	d->lines = mc_xrealloc(d->lines, (d->n + 1) * sizeof *d->lines);
	d->lines[d->n++] = mc_xstrdup(line);
	return 0;
}

static int one_side(struct store *s, struct packet_side *d, const char *records,
		    int (*fn)(void *ctx, const struct packet_side *d), void *ctx, struct mc_error *err)
{
	int rc = store_packet_records_lines(s, records, side_line, d, err);
	if (rc == MC_OK)
		fn(ctx, d);
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	return rc;
}

int packet_conflict_sides(struct store *s, const char *sub, int (*fn)(void *ctx, const struct packet_side *d),
			  void *ctx, struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "see a packet's conflict", err);
	struct side_rows r = { .sub = sub };
	if (rc == MC_OK)
		rc = store_packet_conflicts(s, 0, side_row, &r, err);
	if (rc == MC_OK && r.n == 0)
		rc = mc_error_set(err, MC_INVALID, "no open conflict on '%s'; 'mcassess packet conflicts' lists them",
				  sub);
	char *server = NULL;
	if (rc == MC_OK)
		rc = store_packet_server_records_json(s, sub, &server, err);
	struct packet_side d = { .label = "server", .what = r.server };
	if (rc == MC_OK)
		rc = one_side(s, &d, server, fn, ctx, err);
	for (size_t i = 0; i < r.n; i++) {
		/* a UUIDv7 starts with its time: packets made together share the start */
		size_t len = strlen(r.ids[i]);
		char *label = mc_xasprintf("packet %s", r.ids[i] + (len > 8 ? len - 8 : 0));
		d = (struct packet_side){ .label = label, .packet_id = r.ids[i], .what = r.whats[i] };
		if (rc == MC_OK)
			rc = one_side(s, &d, r.records[i], fn, ctx, err);
		free(label);
		free(r.ids[i]);
		free(r.whats[i]);
		free(r.records[i]);
	}
	free(r.ids);
	free(r.whats);
	free(r.records);
	free(r.server);
	free(server);
	return rc;
}

struct listing {
	int (*fn)(void *ctx, const struct packet_conflict_view *c);
	void *ctx;
	long n;
};

static int list_one(void *ctx, const struct packet_conflict_row *c)
{
	struct listing *l = ctx;
	const char *state = strcmp(c->state, "open") == 0     ? "open"
			    : strcmp(c->state, "server") == 0 ? "resolved: the server's kept"
			    : strcmp(c->state, "other") == 0  ? "resolved: another packet's kept"
							      : "resolved: the packet's kept";
	/* Nothing on the server: the other side is another packet's, listed too. */
	const char *server = *c->server ? c->server : "nothing since the packet was made; another packet changed it";
	struct packet_conflict_view v = { .packet_id = c->packet_id, .submission = c->submission,
					  .server = server, .packet = c->packet, .state = state };
	l->n++;
	return l->fn(l->ctx, &v);
}

int packet_conflicts(struct store *s, int all, int (*fn)(void *ctx, const struct packet_conflict_view *c),
		     void *ctx, long *n, struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "list a packet's conflicts", err);
	struct listing l = { .fn = fn, .ctx = ctx };
	if (rc == MC_OK)
		rc = store_packet_conflicts(s, all, list_one, &l, err);
	*n = l.n;
	return rc;
}

int packet_sessions(struct store *s, int (*fn)(void *ctx, const struct packet_session_view *v), void *ctx,
		    struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "see the review packets", err);
	return rc == MC_OK ? store_packet_sessions(s, fn, ctx, err) : rc;
}
