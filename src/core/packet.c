/* packet.c: making a review packet, and opening one on a laptop (packet.h).
 * The merge back is packet_merge.c. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/evstore.h"
#include "mcassess/packet.h"
#include "mcassess/people.h"
#include "mcassess/progress.h"
#include "mcassess/redact.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_packet.h"
#include "mcassess/store_people.h"
#include "mcassess/util.h"
#include "packet_int.h"

void packet_export_result_free(struct packet_export_result *res)
{
	free(res->packet_id);
	free(res->assessors);
	*res = (struct packet_export_result){ 0 };
}

/* Coordinators of the district (or of every district) and admins. */
static int may_export(struct store *s, const char *district, struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "export a review packet", err);
	if (rc != MC_OK)
		return rc;
	const struct mc_session *sess = session_of(s);
	const char *mine = sess ? sess->actor.district : NULL;
	if (sess && sess->actor.role == ROLE_COORDINATOR && mine && strcmp(mine, district) != 0)
		return mc_error_set(err, MC_FAIL, "you coordinate %s, not %s: a packet holds your own district's work",
				    mine, district);
	return MC_OK;
}

static int assessors_known(struct store *s, const char *const *who, int n, struct mc_error *err)
{
	for (int i = 0; i < n; i++) {
		struct person p;
		int found = 0;
		int rc = store_people_get(s, who[i], &p, &found, err);
		if (rc != MC_OK)
			return rc;
		people_free(&p);
		if (!found)
			return mc_error_set(err, MC_INVALID, "--assessor %s: not one of the people here; add them with "
					    "'mcassess people add %s --role assessor' first", who[i], who[i]);
	}
	return MC_OK;
}

/* Remove a packet that could not be finished. */
static void discard(const char *out)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char *p = mc_xasprintf("%s%s", out, tails[i]);
		unlink(p);
		free(p);
	}
}

/* Earlier attempts of educators the packet names by anonymous id only: their
 * feedback (often addressed to the teacher by name) goes masked as a blind
 * viewer sees it, in the records and in the audit rows that travel with them. */
struct masked {
	struct redact_set *set;
	char **ids, **names, **schools;
	size_t n;
};

static int masked_note(void *ctx, const char *id, const char *name, const char *school)
{
	struct masked *m = ctx;
	m->ids = mc_xrealloc(m->ids, (m->n + 1) * sizeof *m->ids);
	m->names = mc_xrealloc(m->names, (m->n + 1) * sizeof *m->names);
	m->schools = mc_xrealloc(m->schools, (m->n + 1) * sizeof *m->schools);
	m->ids[m->n] = mc_xstrdup(id);
	m->names[m->n] = mc_xstrdup(name ? name : "");
	m->schools[m->n++] = school ? mc_xstrdup(school) : NULL;
	return 0;
}

static void masked_free(struct masked *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->ids[i]);
		free(m->names[i]);
		free(m->schools[i]);
	}
	free(m->ids);
	free(m->names);
	free(m->schools);
	redact_free(&m->set);
}

static int mask_for(struct masked *m, size_t i, const char *text, char **out, struct mc_error *err)
{
	redact_set_person(m->set, m->names[i]);
	redact_set_school(m->set, m->schools[i]);
	*out = NULL;
	int rc = redact_mask(m->set, text, strlen(text), out, NULL, err);
	if (rc == MC_OK && !*out)
		*out = mc_xstrdup(text);
	return rc;
}

struct fbs {
	long long *ids;
	char **bodies;
	size_t n;
};

static int fb_note(void *ctx, long long id, const char *body)
{
	struct fbs *f = ctx;
	f->ids = mc_xrealloc(f->ids, (f->n + 1) * sizeof *f->ids);
	f->bodies = mc_xrealloc(f->bodies, (f->n + 1) * sizeof *f->bodies);
	f->ids[f->n] = id;
	f->bodies[f->n++] = mc_xstrdup(body ? body : "");
	return 0;
}

/* With the packet attached: which earlier attempts, and their feedback masked. */
static int mask_earlier(struct store *s, struct masked *m, struct mc_error *err)
{
	int rc = redact_load(&m->set, err);
	if (rc == MC_OK)
		rc = store_packet_blind_earlier(s, masked_note, m, err);
	for (size_t i = 0; rc == MC_OK && i < m->n; i++) {
		struct fbs f = { 0 };
		rc = store_packet_feedback_each(s, m->ids[i], fb_note, &f, err);
		for (size_t k = 0; k < f.n; k++) {
			char *out = NULL;
			if (rc == MC_OK)
				rc = mask_for(m, i, f.bodies[k], &out, err);
			if (rc == MC_OK)
				rc = store_packet_feedback_set(s, f.ids[k], out, err);
			free(out);
			free(f.bodies[k]);
		}
		free(f.ids);
		free(f.bodies);
	}
	return rc;
}

struct fill {
	struct store *s, *p;
	struct mc_error *err;
	long files;
	char **subs;
	size_t nsubs, cap;
	int rc;
	struct masked *masked;
	long cur; /* the index in masked of the submission whose rows are copied, or -1 */
};

static int blob_copy(void *ctx, const char *sha)
{
	struct fill *f = ctx;
	char *path = evstore_path(store_evidence_dir(f->s), sha), *data = NULL;
	size_t len = 0;
	if (mc_read_file(path, &data, &len) != 0) {
		f->rc = mc_error_set(f->err, MC_FAIL, "evidence file %s: %s; run 'mcassess check'", path,
				     strerror(errno));
	} else {
		char h[MC_SHA256_HEX];
		mc_sha256_hex(data, len, h);
		if (strcmp(h, sha) != 0)
			f->rc = mc_error_set(f->err, MC_FAIL, "evidence file %s no longer matches its hash; run "
					     "'mcassess check'", path);
		else
			f->rc = store_packet_blob_put(f->p, sha, data, len, f->err);
	}
	free(data);
	free(path);
	f->files++;
	progress_report("writing the evidence files", f->files, -1);
	return f->rc != MC_OK;
}

static int sub_note(void *ctx, const char *id)
{
	struct fill *f = ctx;
	if (f->nsubs == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->subs = mc_xrealloc(f->subs, f->cap * sizeof *f->subs);
	}
	f->subs[f->nsubs++] = mc_xstrdup(id);
	return 0;
}

/* Only the records' own events travel (an import's row names the educator),
 * and the demo generator's, which wrote records without a row each. */
/* A feedback row's JSON with its text masked (heap; NULL for NULL). */
static char *masked_json(struct fill *f, const char *js)
{
	json_t *j = js ? json_loads(js, 0, NULL) : NULL;
	const char *t = json_string_value(json_object_get(j, "text"));
	char *out = NULL;
	if (t && f->rc == MC_OK)
		f->rc = mask_for(f->masked, (size_t)f->cur, t, &out, f->err);
	if (!out) {
		json_decref(j);
		return js ? mc_xstrdup(js) : NULL;
	}
	json_object_set_new(j, "text", json_string(out));
	free(out);
	return audit_json(j);
}

static int audit_copy(void *ctx, const struct audit_row *r)
{
	struct fill *f = ctx;
	if (strcmp(r->action, "score") && strcmp(r->action, "feedback") && strcmp(r->action, "decide") &&
	    strcmp(r->action, "demo"))
		return 0;
	if (f->cur < 0 || strcmp(r->action, "feedback") != 0) {
		f->rc = audit_append_row(f->p, r, NULL, f->err);
		return f->rc != MC_OK;
	}
	struct audit_row m = *r;
	char *before = masked_json(f, r->before), *after = masked_json(f, r->after);
	m.before = before;
	m.after = after;
	if (f->rc == MC_OK)
		f->rc = audit_append_row(f->p, &m, NULL, f->err);
	free(before);
	free(after);
	return f->rc != MC_OK;
}

static long masked_index(const struct masked *m, const char *id)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (strcmp(m->ids[i], id) == 0)
			return (long)i;
	return -1;
}

static int meta_all(struct store *p, const char *const kv[][2], size_t n, struct mc_error *err)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < n; i++)
		rc = store_meta_set(p, kv[i][0], kv[i][1], err);
	return rc;
}

/* The packet's own chain starts with where it came from. */
static int genesis(struct fill *f, const struct packet_origin *o)
{
	json_t *who = json_loads(o->assessors, 0, NULL);
	json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:s, s:o}", "packet", o->packet_id, "origin", o->origin,
			      "base_seq", (json_int_t)o->base_seq, "base_hash", o->base_hash, "district",
			      o->district, "assessors", who ? who : json_array());
	char *after = audit_json(j);
	char uid[MC_UUID_LEN];
	char *subject = mc_xasprintf("packet:%s", o->packet_id);
	int rc = mc_uuid(uid, f->err);
	struct audit_row r = { .uid = uid, .at = o->exported_at, .actor = o->exported_by, .action = "packet",
			       .subject = subject, .after = after };
	if (rc == MC_OK)
		rc = audit_append_row(f->p, &r, NULL, f->err);
	free(subject);
	free(after);
	return rc;
}

static int fill_packet(struct fill *f, const struct packet_origin *o)
{
	char seq[32];
	snprintf(seq, sizeof seq, "%lld", o->base_seq);
	const char *const kv[][2] = {
		{ "packet_id", o->packet_id }, { "packet_origin", o->origin }, { "packet_base_seq", seq },
		{ "packet_base_hash", o->base_hash }, { "packet_district", o->district },
		{ "packet_exported_by", o->exported_by }, { "packet_exported_at", o->exported_at },
		{ "packet_assessors", o->assessors },
	};
	int rc = store_begin(f->p, f->err);
	if (rc != MC_OK)
		return rc;
	rc = meta_all(f->p, kv, sizeof kv / sizeof kv[0], f->err);
	if (rc == MC_OK)
		rc = store_packet_blobs_needed(f->p, blob_copy, f, f->err);
	if (rc == MC_OK)
		rc = f->rc;
	f->cur = -1;
	if (rc == MC_OK)
		rc = genesis(f, o);
	if (rc == MC_OK)
		rc = store_audit_each(f->s, "database", audit_copy, f, f->err);
	if (rc == MC_OK)
		rc = f->rc;
	if (rc == MC_OK)
		rc = store_packet_subs(f->p, sub_note, f, f->err);
	for (size_t i = 0; rc == MC_OK && i < f->nsubs; i++) {
		char *subject = mc_xasprintf("submission:%s", f->subs[i]);
		f->cur = masked_index(f->masked, f->subs[i]);
		rc = store_audit_each(f->s, subject, audit_copy, f, f->err);
		if (rc == MC_OK)
			rc = f->rc;
		free(subject);
	}
	if (rc == MC_OK)
		return store_commit(f->p, f->err);
	store_rollback(f->p);
	return rc;
}

static char *json_names(const char *const *who, int n)
{
	if (n == 0)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(who[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Blind reads stay blind: text evidence of an educator the packet names by
 * the anonymous id goes masked as a blind viewer sees it (their own name and
 * school, and the patterns' names, e-mails, phones), since the laptop has no
 * real name to mask it by. */
struct blind {
	struct store *s;
	struct mc_error *err;
	struct redact_set *set;
	long long *ids;
	char **texts;
	size_t n;
	int rc;
};

static int blind_mask(void *ctx, long long id, const char *text, const char *name, const char *school)
{
	struct blind *b = ctx;
	redact_set_person(b->set, name);
	redact_set_school(b->set, school);
	char *out = NULL;
	b->rc = redact_mask(b->set, text ? text : "", text ? strlen(text) : 0, &out, NULL, b->err);
	b->ids = mc_xrealloc(b->ids, (b->n + 1) * sizeof *b->ids);
	b->texts = mc_xrealloc(b->texts, (b->n + 1) * sizeof *b->texts);
	b->ids[b->n] = id;
	b->texts[b->n++] = out ? out : mc_xstrdup(text ? text : "");
	return b->rc != MC_OK;
}

/* A batch of texts masked, then written: read and written in turns, BLIND_BATCH
 * at a time, so that a district's whole evidence is never held (183 MB for
 * 36,681 submissions at a million before issue 15). */
#define BLIND_BATCH 256

static int mask_blind(struct store *s, struct mc_error *err)
{
	struct blind b = { .s = s, .err = err };
	int rc = redact_load(&b.set, err);
	long long after = 0;
	size_t got = BLIND_BATCH;
	while (rc == MC_OK && got == BLIND_BATCH) {
		b.n = 0;
		rc = store_packet_blind_texts(s, after, BLIND_BATCH, blind_mask, &b, err);
		if (rc == MC_OK)
			rc = b.rc;
		got = b.n;
		for (size_t i = 0; i < b.n; i++) {
			char sha[MC_SHA256_HEX], norm[MC_SHA256_HEX];
			mc_sha256_hex(b.texts[i], strlen(b.texts[i]), sha);
			precheck_norm_sha256(b.texts[i], strlen(b.texts[i]), norm);
			if (rc == MC_OK)
				rc = store_packet_text_set(s, b.ids[i], b.texts[i], sha, norm, err);
			after = b.ids[i];
			free(b.texts[i]);
		}
	}
	free(b.ids);
	free(b.texts);
	redact_free(&b.set);
	return rc;
}

/* The copy itself, on the server's connection with the new packet attached. */
static int copy_into(struct store *s, const char *district, const char *names, const char *out,
		     struct packet_export_result *res, struct masked *m, struct mc_error *err)
{
	struct store *p = NULL;
	int rc = store_open(out, STORE_CREATE, &p, err);
	store_close(&p);
	if (rc == MC_OK)
		rc = store_packet_attach(s, out, err);
	if (rc != MC_OK)
		return rc;
	rc = store_packet_copy(s, district, names, session_user(s), &res->submissions, &res->assessors, err);
	if (rc == MC_OK)
		rc = mask_blind(s, err);
	if (rc == MC_OK)
		rc = mask_earlier(s, m, err);
	store_packet_detach(s);
	if (rc == MC_OK && res->submissions == 0)
		rc = mc_error_set(err, MC_INVALID, "district %s has no open work assigned to %s: nothing to take "
				  "away ('mcassess assign' gives work)", district, names ? names : "any assessor");
	return rc;
}

int packet_export(struct store *s, const char *district, const char *const *assessors, int n, const char *out,
		  struct packet_export_result *res, struct mc_error *err)
{
	*res = (struct packet_export_result){ 0 };
	int rc = may_export(s, district, err);
	if (rc == MC_OK)
		rc = assessors_known(s, assessors, n, err);
	if (rc != MC_OK)
		return rc;
	if (access(out, F_OK) == 0)
		return mc_error_set(err, MC_INVALID, "%s already exists: a packet is never written over; give "
				    "another --out", out);
	struct packet_origin o = { .district = district, .exported_by = session_user(s) };
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	rc = mc_uuid(uid, err);
	mc_now(at);
	o.packet_id = uid;
	o.exported_at = at;
	if (rc == MC_OK)
		rc = store_packet_origin(s, 0, o.origin, err);
	if (rc == MC_OK)
		rc = store_audit_last(s, &o.base_seq, o.base_hash, err);
	char *names = json_names(assessors, n);
	struct masked masked = { 0 };
	if (rc == MC_OK)
		rc = copy_into(s, district, names, out, res, &masked, err);
	free(names);
	struct fill f = { .s = s, .err = err, .masked = &masked };
	if (rc == MC_OK) {
		o.assessors = res->assessors;
		rc = store_open(out, 0, &f.p, err);
	}
	if (rc == MC_OK)
		rc = fill_packet(&f, &o);
	store_close(&f.p);
	masked_free(&masked);
	for (size_t i = 0; i < f.nsubs; i++)
		free(f.subs[i]);
	free(f.subs);
	res->files = f.files;
	if (rc != MC_OK) {
		discard(out);
		packet_export_result_free(res);
		return rc;
	}
	res->packet_id = mc_xstrdup(uid);
	/* The packet is whole: the server notes it took it away (packet list). */
	struct packet_list_row note = { .packet_id = uid, .district = district, .exported_by = o.exported_by,
					.exported_at = at, .assessors = res->assessors,
					.submissions = res->submissions };
	rc = store_packet_export_note(s, &note, err);
	if (rc != MC_OK) {
		discard(out);
		packet_export_result_free(res);
	}
	return rc;
}

/* ---------------------------------------------------------------- on the laptop */

/* Only files not unpacked yet are read: opening a packet stays cheap. */
static int blob_missing(void *ctx, const char *sha)
{
	struct fill *f = ctx;
	return !evstore_has(store_evidence_dir(f->p), sha);
}

static int blob_unpack(void *ctx, const char *sha, const void *data, size_t len)
{
	struct fill *f = ctx;
	const char *root = store_evidence_dir(f->p);
	int fd = memfd_create("mcassess-packet", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
		f->rc = mc_error_set(f->err, MC_FAIL, "unpacking the packet's evidence: %s", strerror(errno));
	} else {
		struct evstore_put put;
		f->rc = evstore_put_fd(root, fd, sha, 0, 0, &put, f->err);
	}
	if (fd >= 0)
		close(fd);
	return f->rc != MC_OK;
}

int packet_session_check(struct mc_session *sess, struct mc_error *err)
{
	char *id = NULL, *who = NULL, *district = NULL;
	int rc = store_meta_get(sess->store, "packet_id", &id, err);
	if (rc != MC_OK || !id)
		return rc;
	if (sess->actor.role == ROLE_NONE) {
		store_meta_get(sess->store, "packet_assessors", &who, err);
		store_meta_get(sess->store, "packet_district", &district, err);
		rc = mc_error_set(err, MC_FAIL, "%s is a review packet of %s made for %s; your account %s has no "
				  "place in it: ask the coordinator for a packet exported with --assessor %s",
				  store_path(sess->store), district ? district : "?", who ? who : "?",
				  sess->actor.user, sess->actor.user);
	} else if (!store_readonly(sess->store)) {
		struct fill f = { .p = sess->store, .err = err };
		rc = store_packet_blob_each(sess->store, blob_missing, blob_unpack, &f, err);
		if (rc == MC_OK)
			rc = f.rc;
	}
	free(id);
	free(who);
	free(district);
	return rc;
}

/* ---------------------------------------------------------------- figures */

void packet_status_free(struct packet_status *st)
{
	free(st->packet_id);
	free(st->district);
	free(st->exported_by);
	free(st->exported_at);
	free(st->assessors);
	*st = (struct packet_status){ 0 };
}

int packet_status(const char *path, struct store *s, struct packet_status *st, struct mc_error *err)
{
	*st = (struct packet_status){ 0 };
	struct store *p = NULL;
	int rc = store_open(path, STORE_READONLY, &p, err);
	struct {
		const char *key;
		char **v;
	} keys[] = { { "packet_id", &st->packet_id }, { "packet_district", &st->district },
		     { "packet_exported_by", &st->exported_by }, { "packet_exported_at", &st->exported_at },
		     { "packet_assessors", &st->assessors } };
	for (size_t i = 0; rc == MC_OK && i < sizeof keys / sizeof keys[0]; i++)
		rc = store_meta_get(p, keys[i].key, keys[i].v, err);
	if (rc == MC_OK && !st->packet_id)
		rc = mc_error_set(err, MC_INVALID, "%s is not a review packet; make one with 'mcassess packet export'",
				  path);
	struct packet_figures f = { 0 };
	if (rc == MC_OK)
		rc = store_packet_figures(p, &f, err);
	store_close(&p);
	st->submissions = f.submissions;
	st->scored = f.scored;
	st->decided = f.decided;
	st->events = f.events;
	if (rc == MC_OK && s)
		rc = store_packet_conflict_count(s, st->packet_id, &st->conflicts_open, &st->conflicts_resolved, err);
	if (rc == MC_OK && s)
		rc = store_packet_imported(s, st->packet_id, &st->imported, err);
	if (rc != MC_OK)
		packet_status_free(st);
	return rc;
}

char *mc_packet_default_name(const char *district)
{
	char at[MC_TIME_LEN];
	mc_now(at);
	char *name = mc_xasprintf("packet-%s-%.10s.mcpacket", district, at);
	for (char *p = name; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '_';
	return name;
}

/* ---------------------------------------------------------------- packet list */

struct lister {
	int (*fn)(void *ctx, const struct packet_list_view *v);
	void *ctx;
};

static int list_row(void *ctx, const struct packet_list_row *r)
{
	struct lister *l = ctx;
	/* An archive pull goes through the same merge: listed, as a pull. */
	int pull = packet_id_is_pull(r->packet_id);
	struct packet_list_view v = { .row = r,
				      .pull = pull,
				      .state = pull && r->conflicts_open ? "pulled, conflicts open"
					       : pull		     ? "pulled"
					       : r->conflicts_open   ? "conflicts open"
					       : r->imported_at	     ? "imported"
								     : "exported" };
	return l->fn(l->ctx, &v);
}

int packet_id_is_pull(const char *packet_id)
{
	return strncmp(packet_id, "archive:", 8) == 0;
}

int packet_list(struct store *s, int (*fn)(void *ctx, const struct packet_list_view *v), void *ctx,
		struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "list the review packets", err);
	struct lister l = { .fn = fn, .ctx = ctx };
	return rc == MC_OK ? store_packet_list(s, list_row, &l, err) : rc;
}
