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
#include "mcassess/merge.h"
#include "mcassess/packet.h"
#include "mcassess/people.h"
#include "mcassess/progress.h"
#include "mcassess/review.h"
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

/* ---------------------------------------------------------------- the packet as a merge source */

/* The packet is attached as "pk": its rows are read where they lie. */
struct packet_reader {
	struct store *s;
	const struct packet_origin *o;
};

/* Only the packet's own making and its submissions' events come home: a
 * change to people or settings on a laptop has no place on the server. */
struct foreign {
	int (*fn)(void *ctx, const struct audit_row *r);
	void *ctx;
	struct mc_error *err;
	int rc;
};

static int not_foreign(void *ctx, const struct audit_row *r)
{
	struct foreign *f = ctx;
	if (strncmp(r->subject, "submission:", 11) != 0 && strcmp(r->action, "packet") != 0) {
		f->rc = mc_error_set(f->err, MC_INVALID, "the packet holds a change the server does not take "
				     "from a packet (%s %s by %s at %s): refused, nothing was merged", r->action,
				     r->subject, r->actor, r->at);
		return 1;
	}
	return f->fn(f->ctx, r);
}

static int pk_events(void *ctx, int (*fn)(void *fnctx, const struct audit_row *r), void *fnctx,
		     struct mc_error *err)
{
	struct packet_reader *p = ctx;
	struct foreign f = { .fn = fn, .ctx = fnctx, .err = err };
	int rc = store_packet_new_events(p->s, not_foreign, &f, err);
	return rc == MC_OK ? f.rc : rc;
}

static int pk_changed_here(void *ctx, const char *subject, char **what, struct mc_error *err)
{
	struct packet_reader *p = ctx;
	return store_packet_server_since(p->s, subject, p->o->base_seq, what, err);
}

static int pk_records(void *ctx, const char *sub, char **json, struct mc_error *err)
{
	return store_packet_records_json(((struct packet_reader *)ctx)->s, sub, json, err);
}

static int pk_apply(void *ctx, const char *sub, struct mc_error *err)
{
	return store_packet_apply(((struct packet_reader *)ctx)->s, sub, NULL, err);
}

static int pk_join(void *ctx, const char *sub, const char *events, char **before, struct mc_error *err)
{
	return store_packet_join(((struct packet_reader *)ctx)->s, sub, events, before, err);
}

static int merge_in_tx(struct store *s, const struct packet_origin *o, struct packet_import_result *res,
		       struct mc_error *err)
{
	struct packet_reader p = { .s = s, .o = o };
	struct merge_source src = { .id = o->packet_id, .district = o->district, .made_by = o->exported_by,
				    .made_at = o->exported_at, .step = "merging the packet", .base_seq = o->base_seq,
				    .ctx = &p, .events = pk_events, .changed_here = pk_changed_here,
				    .records = pk_records, .apply = pk_apply, .join = pk_join };
	struct merge_result r;
	int rc = merge_run(s, &src, &r, err);
	*res = (struct packet_import_result){ .events = r.events, .submissions = r.submissions,
					      .conflicts = r.conflicts };
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
	char *bad = NULL;
	rc = store_begin(s, err);
	if (rc == MC_OK)
		rc = store_packet_mismatch(s, &bad, err);
	if (rc == MC_OK && *bad)
		rc = mc_error_set(err, MC_INVALID, "%s: %s; refused, nothing was merged", path, bad);
	if (rc == MC_OK)
		rc = merge_in_tx(s, o, res, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	else if (store_in_tx(s))
		store_rollback(s);
	free(bad);
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
	int rc = merge_take_records(s, p->sub, p->records, err);
	if (rc == MC_OK)
		rc = append_held(s, p->packet_id, p->events, err);
	char *subject = mc_xasprintf("submission:%s", p->sub);
	struct restated again = { .s = s, .subject = subject, .err = err };
	if (rc == MC_OK)
		rc = store_packet_restate(s, p->sub, NULL, restate_live, &again, err);
	if (rc == MC_OK)
		rc = again.rc;
	if (rc == MC_OK)
		rc = review_after_merge(s, p->sub, err);
	free(subject);
	return rc;
}

/* A person's conflict from a pull (subject "person:USER"): the remote's record
 * taken here as `people add` would make it, audited as a people change. */
static int take_person(struct store *s, const struct pick *p, struct mc_error *err)
{
	json_t *j = json_loads(p->records, 0, NULL);
#define F(k) (char *)json_string_value(json_object_get(j, k))
	const char *role = F("role");
	struct person theirs = { .user = (char *)p->sub + 7, .name = F("name"), .email = F("email"),
				 .district = F("district"), .role = people_role_parse(role ? role : "") };
	int rc = theirs.role == ROLE_NONE ? mc_error_set(err, MC_FAIL, "the conflict's record of %s is unreadable",
							 theirs.user)
		 : F("removed")	   ? people_remove_in_tx(s, theirs.user, err)
				   : people_take_in_tx(s, &theirs, err);
#undef F
	json_decref(j);
	if (rc != MC_OK)
		mc_error_prefix(err, "%s: the remote's side cannot be taken, the conflict stays open", p->sub);
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
	int person = strncmp(p->sub, "person:", 7) == 0;
	if (rc == MC_OK && packet)
		rc = person ? take_person(s, p, err) : take_packet(s, p, err);
	char *subject = person ? mc_xstrdup(p->sub) : mc_xasprintf("submission:%s", p->sub);
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

/* A person's side: their record as the conflict says it, one line. */
static int person_side(struct packet_side *d, const char *said, int (*fn)(void *ctx, const struct packet_side *d),
		       void *ctx)
{
	char *line = (char *)said;
	d->lines = &line;
	d->n = 1;
	fn(ctx, d);
	d->lines = NULL;
	return MC_OK;
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
	int person = strncmp(sub, "person:", 7) == 0; /* a pull's: each side one line, the record said */
	if (rc == MC_OK && !person)
		rc = store_packet_server_records_json(s, sub, &server, err);
	struct packet_side d = { .label = "server", .what = person ? "this database's record" : r.server };
	if (rc == MC_OK)
		rc = person ? person_side(&d, r.server, fn, ctx) : one_side(s, &d, server, fn, ctx, err);
	for (size_t i = 0; i < r.n; i++) {
		/* a UUIDv7 starts with its time: packets made together share the start;
		 * a pull's side is the remote archive's, named by its commit */
		size_t len = strlen(r.ids[i]);
		char *label = packet_id_is_pull(r.ids[i]) ? mc_xasprintf("remote archive %.8s", r.ids[i] + 8)
							  : mc_xasprintf("packet %s", r.ids[i] + (len > 8 ? len - 8 : 0));
		d = (struct packet_side){ .label = label, .packet_id = r.ids[i],
					  .what = person ? "the remote archive's record" : r.whats[i] };
		if (rc == MC_OK)
			rc = person ? person_side(&d, r.whats[i], fn, ctx) : one_side(s, &d, r.records[i], fn, ctx, err);
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
					  .server = server, .packet = c->packet, .state = state,
					  .pull = packet_id_is_pull(c->packet_id) };
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
