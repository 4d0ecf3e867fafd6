/* archive_merge_new.c: a submission the remote archive has and this database
 * does not (archive_int.h): what a state server pulling district archives
 * receives. Ids stay distinct across origins because they are the submission
 * platform's (submissions, educators: one platform for the state) and UUIDs
 * (every row a person creates); an educator already here is the same person. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "archive_int.h"
#include "mcassess/audit.h"
#include "mcassess/evstore.h"
#include "mcassess/person.h"
#include "mcassess/report.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/store_import.h"
#include "mcassess/store_merge.h"
#include "mcassess/store_packet.h"
#include "mcassess/store_people.h"
#include "mcassess/util.h"

struct newsub {
	struct store *s;
	const struct arc_merge_in *in;
	json_t *rec;
	const char *id;
	struct mc_error *err;
	long long rubric;
};

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The blob at path in the remote's tree (NULL when it has none). */
static git_blob *blob_at(const struct newsub *n, const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	if (path && git_tree_entry_bypath(&e, n->in->theirs, path) == 0)
		git_blob_lookup(&b, n->in->repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return b;
}

static int missing(const struct newsub *n, const char *what)
{
	return mc_error_set(n->err, MC_INVALID, "%s: submission %s: %s is not in the remote's archive: nothing "
			    "was merged", n->in->url, n->id, what);
}

static int new_educator(struct newsub *n, const char *ext, json_t *e, long long *id)
{
	long long district = 0, school = 0;
	const char *anon = jstr(e, "anon_id");
	int taken = 0;
	int rc = store_import_district(n->s, jstr(e, "district"), &district, n->err);
	if (rc == MC_OK && jstr(e, "school"))
		rc = store_import_school(n->s, district, jstr(e, "school"), &school, n->err);
	if (rc == MC_OK && anon)
		rc = store_import_anon_taken(n->s, anon, &taken, n->err);
	if (rc == MC_OK && taken)
		return mc_error_set(n->err, MC_INVALID, "%s: educator %s's anonymous id %s is another educator's "
				    "here: nothing was merged", n->in->url, ext, anon);
	if (rc == MC_OK)
		rc = store_import_educator_insert(n->s, ext, jstr(e, "name"), district, school, anon, id, n->err);
	return rc;
}

/* The educator, by the platform's id: the one here, or made from the record. */
static int educator(struct newsub *n, long long *id)
{
	const char *ext = jstr(n->rec, "educator");
	struct store_import_educator have;
	int found = 0;
	int rc = ext ? store_import_educator_get(n->s, ext, &have, &found, n->err) : missing(n, "its educator");
	if (rc != MC_OK)
		return rc;
	if (found) {
		*id = have.id;
		store_import_educator_free(&have);
		return MC_OK;
	}
	char *subject = mc_xasprintf("educator:%s", ext), *path = store_archive_path(n->in->layout, subject);
	git_blob *b = blob_at(n, path);
	json_t *e = b ? json_loadb(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), 0, NULL) : NULL;
	rc = e ? new_educator(n, ext, e, id) : missing(n, path);
	json_decref(e);
	git_blob_free(b);
	free(path);
	free(subject);
	return rc;
}

/* A stored evidence file, from its blob. */
static int put_file(struct newsub *n, const char *sha, const char *media_type, git_blob *b)
{
	size_t len = (size_t)git_blob_rawsize(b);
	int fd = memfd_create("mcassess-pull", MFD_CLOEXEC);
	int rc = MC_OK;
	struct evstore_put put;
	if (fd < 0 || write(fd, git_blob_rawcontent(b), len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		rc = mc_error_set(n->err, MC_FAIL, "storing an evidence file of submission %s: %s", n->id,
				  strerror(errno));
	else
		rc = evstore_put_fd(store_evidence_dir(n->s), fd, sha, 0, 0, &put, n->err);
	if (fd >= 0)
		close(fd);
	if (rc == MC_OK && put.created)
		arc_files_add(n->in->made, put.sha256);
	if (rc == MC_OK && strcmp(put.sha256, sha) != 0)
		rc = mc_error_set(n->err, MC_INVALID, "%s: an evidence file of submission %s does not match its "
				  "SHA-256 %s: nothing was merged", n->in->url, n->id, sha);
	if (rc == MC_OK)
		rc = store_import_blob(n->s, sha, (long long)len, media_type, n->err);
	return rc;
}

void arc_files_add(struct arc_files *f, const char *sha)
{
	if (!f)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->sha = mc_xrealloc(f->sha, f->cap * sizeof *f->sha);
	}
	f->sha[f->n++] = mc_xstrdup(sha);
}

void arc_files_clear(struct arc_files *f)
{
	for (size_t i = 0; f && i < f->n; i++)
		free(f->sha[i]);
	if (f)
		f->n = 0;
}

void arc_files_undo(struct arc_files *f, const char *root)
{
	for (size_t i = 0; f && i < f->n; i++)
		evstore_remove(root, f->sha[i]);
	arc_files_clear(f);
}

struct parts {
	long long *ids;
	char **codes;
	size_t n;
};

static void part_add(void *ctx, long long id, const char *code)
{
	struct parts *p = ctx;
	p->ids = mc_xrealloc(p->ids, (p->n + 1) * sizeof *p->ids);
	p->codes = mc_xrealloc(p->codes, (p->n + 1) * sizeof *p->codes);
	p->ids[p->n] = id;
	p->codes[p->n++] = mc_xstrdup(code);
}

static long long part_id(const struct parts *p, const char *code)
{
	for (size_t i = 0; code && i < p->n; i++)
		if (strcmp(p->codes[i], code) == 0)
			return p->ids[i];
	return 0;
}

static int evidence_one(struct newsub *n, long long rowid, const struct parts *parts, json_t *e)
{
	const char *kind = jstr(e, "kind"), *sha = jstr(e, "sha256"), *media = jstr(e, "media_type");
	int file = kind && strcmp(kind, "file") == 0;
	long long part = part_id(parts, jstr(e, "part"));
	git_blob *b = blob_at(n, jstr(e, "path"));
	char *text = b && !file ? mc_xstrndup(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b)) : NULL;
	int rc = MC_OK;
	if (!b || !sha)
		rc = missing(n, "an evidence item's content");
	else if (!part)
		rc = mc_error_set(n->err, MC_INVALID, "%s: submission %s has evidence for part %s, which its rubric "
				  "here does not have: nothing was merged", n->in->url, n->id, jstr(e, "part"));
	else if (file)
		rc = put_file(n, sha, media, b);
	struct store_import_evidence_row row = {
		.submission_id = rowid, .part_id = part, .seq = (int)json_integer_value(json_object_get(e, "seq")),
		.kind = kind, .text = text, .file_name = file ? jstr(e, "file") : NULL,
		.blob_sha256 = file ? sha : NULL, .sha256 = sha, .media_type = media,
		.words = (long)json_integer_value(json_object_get(e, "words")),
	};
	if (rc == MC_OK)
		rc = store_import_evidence_insert(n->s, &row, n->err);
	free(text);
	git_blob_free(b);
	return rc;
}

static int evidence(struct newsub *n, long long rowid)
{
	struct parts p = { 0 };
	int rc = store_import_parts(n->s, n->rubric, part_add, &p, n->err);
	json_t *ev = json_object_get(n->rec, "evidence");
	for (size_t i = 0; rc == MC_OK && i < json_array_size(ev); i++)
		rc = evidence_one(n, rowid, &p, json_array_get(ev, i));
	for (size_t i = 0; i < p.n; i++)
		free(p.codes[i]);
	free(p.codes);
	free(p.ids);
	return rc;
}

/* The earlier attempt it follows (0: none), which came first (sorted by attempt). */
static int previous(struct newsub *n, long long *prev)
{
	const char *p = jstr(n->rec, "previous");
	*prev = 0;
	if (!p)
		return MC_OK;
	char *sha = NULL;
	int found = 0;
	int rc = store_import_submission(n->s, p, prev, &sha, &found, n->err);
	free(sha);
	if (rc == MC_OK && !found)
		rc = mc_error_set(n->err, MC_INVALID, "%s: submission %s follows %s, which neither this database nor "
				  "the remote's archive has: nothing was merged", n->in->url, n->id, p);
	return rc;
}

int arc_merge_new_submission(struct store *s, const struct arc_merge_in *in, const char *record,
			     struct mc_error *err)
{
	struct newsub n = { .s = s, .in = in, .err = err, .rec = json_loads(record, 0, NULL) };
	n.id = jstr(n.rec, "id");
	long long edu = 0, cred = 0, prev = 0, rowid = 0;
	int found = 0;
	int rc = educator(&n, &edu);
	if (rc == MC_OK)
		rc = store_merge_rubric(s, jstr(n.rec, "credential"),
					json_integer_value(json_object_get(n.rec, "rubric_version")), &cred, &n.rubric,
					NULL, &found, err);
	if (rc == MC_OK && !found)
		rc = mc_error_set(err, MC_INVALID, "%s: submission %s is of %s, rubric version %lld, which this "
				  "database's catalog does not have: load that catalog first; nothing was merged",
				  in->url, n.id, jstr(n.rec, "credential"),
				  (long long)json_integer_value(json_object_get(n.rec, "rubric_version")));
	if (rc == MC_OK)
		rc = previous(&n, &prev);
	if (rc == MC_OK)
		rc = store_import_submission_insert(s, &(struct store_import_submission_row){
			.ext_id = n.id, .submitted_at = jstr(n.rec, "submitted_at"), .now = jstr(n.rec, "imported_at"),
			.source_sha256 = jstr(n.rec, "source_sha256"), .educator_id = edu, .credential_id = cred,
			.rubric_id = n.rubric, .previous_id = prev,
			.attempt = (int)json_integer_value(json_object_get(n.rec, "attempt")) }, &rowid, err);
	if (rc == MC_OK)
		rc = evidence(&n, rowid);
	if (rc == MC_OK)
		rc = store_merge_assignments(s, record, err);
	json_decref(n.rec);
	return rc;
}

/* ---------------------------------------------------------------- an educator changed there */

static char *educator_json(const char *name, const char *district, const char *school)
{
	return audit_json(json_pack("{s:s?, s:s?, s:s?}", "name", name, "district", district, "school", school));
}

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

int arc_merge_educator(struct store *s, const char *record, struct mc_error *err)
{
	json_t *e = json_loads(record, 0, NULL);
	const char *ext = jstr(e, "id"), *name = jstr(e, "name"), *district = jstr(e, "district");
	const char *school = jstr(e, "school");
	struct store_import_educator have;
	int found = 0;
	int rc = ext && name && district ? store_import_educator_get(s, ext, &have, &found, err) : MC_OK;
	if (rc != MC_OK || !found) { /* one not here comes with its first submission */
		json_decref(e);
		return rc;
	}
	long long d = 0, sc = 0;
	if (!same_str(have.name, name) || !same_str(have.district, district) || !same_str(have.school, school)) {
		rc = store_import_district(s, district, &d, err);
		if (rc == MC_OK && school)
			rc = store_import_school(s, d, school, &sc, err);
		if (rc == MC_OK)
			rc = store_import_educator_update(s, have.id, name, d, sc, err);
		char *before = educator_json(have.name, have.district, have.school);
		char *after = educator_json(name, district, school), *subject = mc_xasprintf("educator:%s", ext);
		if (rc == MC_OK)
			rc = audit_append(s, "update", subject, before, after, err);
		free(before);
		free(after);
		free(subject);
	}
	store_import_educator_free(&have);
	json_decref(e);
	return rc;
}

/* ---------------------------------------------------------------- people and the catalog */

static char *person_value(const struct person *p)
{
	return audit_json(json_pack("{s:s, s:s?}", "role", people_role_name(p->role), "district", p->district));
}

static int same_person(const struct person *a, const struct person *b)
{
	return a->role == b->role && same_str(a->district, b->district) && same_str(a->name, b->name) &&
	       same_str(a->email, b->email);
}

/* The database keeps an admin, as `people add` keeps one: the only admin here
 * made something else there stays admin (said, and check names the difference
 * with the archive until an admin makes the change here). */
static int last_admin(struct store *s, const struct arc_merge_in *in, const struct person *old,
		      const struct person *p, int *last, struct mc_error *err)
{
	int admins = 2, rc = MC_OK;
	if (old->role == ROLE_ADMIN && p->role != ROLE_ADMIN)
		rc = store_people_count(s, "admin", &admins, err);
	*last = rc == MC_OK && admins <= 1;
	if (*last)
		session_say(session_of(s), MC_SINK_WARN, "%s: %s is %s there, and this database's only admin: "
			    "they stay admin here; once someone else is admin, 'mcassess people add %s --role %s' "
			    "makes the change here", in->url, p->user, people_role_name(p->role), p->user,
			    people_role_name(p->role));
	return rc;
}

/* "coordinator, North; Ann Lee <ann@x.org>": a person as a conflict's side says it. */
static char *person_said(const struct person *p)
{
	return mc_xasprintf("%s%s%s; %s <%s>", people_role_name(p->role), p->district ? ", " : "",
			    p->district ? p->district : "", p->name && *p->name ? p->name : "(no name)",
			    p->email && *p->email ? p->email : "no e-mail");
}

/* Changed here and there since the two parted: one open conflict on
 * "person:USER" (a later pull brings its side up to date rather than add
 * another), its records theirs, settled with `packet resolve`. */
static int person_conflict(struct store *s, const struct arc_merge_in *in, const struct person *ours,
			   const struct person *theirs, const char *record, const char *removed, struct mc_error *err)
{
	char *subject = mc_xasprintf("person:%s", theirs->user);
	char *here = person_said(ours);
	char *there = removed ? mc_xasprintf("removed (people remove) at %s", removed) : person_said(theirs);
	struct packet_conflict_row c = { .packet_id = in->source_id, .submission = subject, .server = here,
					 .packet = there, .records = record, .events = "[]" };
	int rc = store_packet_conflict_put_open(s, &c, err);
	if (rc == MC_OK)
		session_say(session_of(s), MC_SINK_WARN, "%s: %s was changed there and here since the two archives "
			    "parted: this database keeps its own until a coordinator settles the conflict "
			    "('mcassess packet conflicts' lists it)", in->url, theirs->user);
	free(subject);
	free(here);
	free(there);
	return rc;
}

/* A person added or changed there: here as there, audited as `people add` is
 * (check compares role and district with the log's last word). */
static int person_take(struct store *s, const struct arc_merge_in *in, const struct person *p,
		       const char *record, int taken, long *conflicts, struct mc_error *err)
{
	struct person old = { 0 };
	int found = 0;
	int rc = store_people_get(s, p->user, &old, &found, err);
	if (rc != MC_OK || (found && same_person(&old, p))) {
		if (found)
			people_free(&old);
		return rc;
	}
	if (found && !taken) { /* changed on both sides: a conflict; this side's stays while it is open */
		rc = person_conflict(s, in, &old, p, record, NULL, err);
		*conflicts += rc == MC_OK;
		people_free(&old);
		return rc;
	}
	int last = 0;
	if (found && (rc = last_admin(s, in, &old, p, &last, err)) == MC_OK && last) {
		people_free(&old);
		return MC_OK;
	}
	if (rc == MC_OK)
		rc = store_people_put(s, p, in->made_at, err);
	char *subject = mc_xasprintf("person:%s", p->user);
	char *before = found ? person_value(&old) : NULL, *after = person_value(p);
	if (rc == MC_OK)
		rc = audit_append(s, "people", subject, before, after, err);
	free(subject);
	free(before);
	free(after);
	if (found)
		people_free(&old);
	return rc;
}

/* A person removed there: removed here as `people remove` removes (audited
 * with nothing after, at their time there), unless this side changed them
 * too, still has open work assigned to them or has them as its only admin:
 * then a conflict, and they stay while it is open. */
static int person_removal(struct store *s, const struct arc_merge_in *in, const struct person *p,
			  const char *record, const char *removed, int taken, long *conflicts, struct mc_error *err)
{
	struct person old = { 0 };
	int found = 0, open = 0, admins = 2;
	char *ids = NULL;
	int rc = store_people_get(s, p->user, &old, &found, err);
	if (rc != MC_OK || !found)
		return rc; /* not here, or removed here too */
	if (taken)
		rc = store_people_open_work(s, p->user, &open, &ids, err);
	if (rc == MC_OK && taken && old.role == ROLE_ADMIN)
		rc = store_people_count(s, "admin", &admins, err);
	char *subject = mc_xasprintf("person:%s", p->user), *before = person_value(&old);
	if (rc == MC_OK && (!taken || open > 0 || admins <= 1)) {
		rc = person_conflict(s, in, &old, p, record, removed, err);
		*conflicts += rc == MC_OK;
	} else if (rc == MC_OK && (rc = store_people_remove(s, p->user, removed, err)) == MC_OK)
		rc = audit_append(s, "people", subject, before, NULL, err);
	free(subject);
	free(before);
	free(ids);
	people_free(&old);
	return rc;
}

static int person_record(struct store *s, const struct arc_merge_in *in, const char *path, json_t *j, int taken,
			 long *conflicts, struct mc_error *err)
{
	const char *role = jstr(j, "role");
	struct person p = { .user = (char *)jstr(j, "id"), .name = (char *)jstr(j, "name"),
			    .email = (char *)jstr(j, "email"), .district = (char *)jstr(j, "district"),
			    .role = people_role_parse(role ? role : "") };
	if (!p.user || p.role == ROLE_NONE)
		return mc_error_set(err, MC_INVALID, "%s: %s in the remote's archive is not a person's record (a "
				    "login name and a role: assessor, approver, coordinator or admin): nothing was "
				    "merged", in->url, path);
	char *record = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	const char *removed = jstr(j, "removed");
	int rc = removed ? person_removal(s, in, &p, record, removed, taken, conflicts, err)
			 : person_take(s, in, &p, record, taken, conflicts, err);
	free(record);
	return rc;
}

/* A catalog version, once published, never changes: the same version with
 * another text there is refused; one this catalog lacks is loaded here first. */
static int credential_record(struct store *s, const struct arc_merge_in *in, const char *path, json_t *j,
			     struct mc_error *err)
{
	const char *code = jstr(j, "id"), *sha = jstr(j, "sha256");
	long long version = json_integer_value(json_object_get(j, "version"));
	char *have = NULL;
	long long cred = 0, rubric = 0;
	int found = 0;
	if (!code)
		return mc_error_set(err, MC_INVALID, "%s: %s in the remote's archive is not a credential's record: "
				    "nothing was merged", in->url, path);
	int rc = version ? store_merge_rubric(s, code, version, &cred, &rubric, &have, &found, err) : MC_OK;
	if (rc == MC_OK && version && !found)
		rc = mc_error_set(err, MC_INVALID, "%s: the remote's catalog has %s version %lld, which this "
				  "database's catalog does not have: load that catalog here first ('mcassess catalog "
				  "load'); nothing was merged", in->url, code, version);
	else if (rc == MC_OK && found && sha && strcmp(have, sha) != 0)
		rc = mc_error_set(err, MC_INVALID, "%s: %s version %lld differs there from here (its text's SHA-256 "
				  "is %.12s there, %.12s here); a published version never changes: the one who "
				  "changed it publishes a new version; nothing was merged", in->url, code, version,
				  sha, have);
	free(have);
	return rc;
}

/* A pathway's goal set there only: here as there (config goal's audit row). */
static int pathway_record(struct store *s, const struct arc_merge_in *in, const char *path, json_t *j, int taken,
			  struct mc_error *err)
{
	const char *code = jstr(j, "id");
	json_t *g = json_object_get(j, "goal");
	if (!code || !json_is_integer(g) || json_integer_value(g) < 0)
		return mc_error_set(err, MC_INVALID, "%s: %s in the remote's archive is not a pathway's record (a "
				    "code and a goal): nothing was merged", in->url, path);
	if (!taken)
		return MC_OK; /* set on both sides since they parted: this database's goals stay its own */
	long before = 0, goal = (long)json_integer_value(g);
	int found = 0;
	int rc = store_report_goal(s, code, goal, &before, &found, err);
	if (rc == MC_OK && found && before != goal) {
		char subject[256], b[64], a[64];
		snprintf(subject, sizeof subject, "pathway:%s", code);
		snprintf(b, sizeof b, "{\"goal\":%ld}", before);
		snprintf(a, sizeof a, "{\"goal\":%ld}", goal);
		rc = audit_append(s, "config", subject, b, a, err);
	}
	return rc;
}

int arc_merge_side_record(struct store *s, const struct arc_merge_in *in, const char *path, const char *text,
			  int taken, long *conflicts, struct mc_error *err)
{
	json_t *j = json_loads(text, 0, NULL);
	int rc = MC_OK;
	if (!json_is_object(j))
		rc = mc_error_set(err, MC_INVALID, "%s: %s in the remote's archive is not a record (JSON): nothing "
				  "was merged", in->url, path);
	else if (strncmp(path, "people/", 7) == 0)
		rc = person_record(s, in, path, j, taken, conflicts, err);
	else if (strncmp(path, "catalog/credentials/", 20) == 0)
		rc = credential_record(s, in, path, j, err);
	else if (strncmp(path, "catalog/pathways/", 17) == 0)
		rc = pathway_record(s, in, path, j, taken, err);
	json_decref(j);
	return rc;
}
