/* archive_merge_new.c: a submission the remote archive has and this database
 * does not (archive_int.h): what a state server pulling district archives
 * receives. Ids stay distinct across origins because they are the submission
 * platform's (submissions, educators: one platform for the state) and UUIDs
 * (every row a person creates); an educator already here is the same person. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "archive_int.h"
#include "mcassess/audit.h"
#include "mcassess/evstore.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/store_import.h"
#include "mcassess/store_merge.h"
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
	if (rc == MC_OK && strcmp(put.sha256, sha) != 0)
		rc = mc_error_set(n->err, MC_INVALID, "%s: an evidence file of submission %s does not match its "
				  "SHA-256 %s: nothing was merged", n->in->url, n->id, sha);
	if (rc == MC_OK)
		rc = store_import_blob(n->s, sha, (long long)len, media_type, n->err);
	return rc;
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
					&found, err);
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
