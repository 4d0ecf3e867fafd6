/* archive.c: the evidence archive, written in-process with libgit2 into a bare
 * repository: one commit per audited event, trees edited only along the path
 * from the root to the changed leaves, so a commit costs the same at 100,000
 * submissions as at 1,000. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "archive_int.h"
#include "mcassess/access.h"
#include "mcassess/archive.h"
#include "mcassess/audit.h"
#include "mcassess/evstore.h"
#include "mcassess/merge.h"
#include "mcassess/hash.h"
#include "mcassess/people.h"
#include "mcassess/progress.h"
#include "mcassess/queue.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/store_merge.h"
#include "mcassess/text.h"
#include "mcassess/util.h"
#include "archive/git2_dl.h" /* <git2.h>, with libgit2 loaded when first used */

#define MAIN_REF "refs/heads/main"
#define LAYOUT_FILE "LAYOUT" /* in the root of a layout 2 archive: "2" */

int archive_available(void) { return 1; }

struct arc {
	struct store *s;
	git_repository *repo;
	char *path, *id;
	int layout; /* store_archive_layout: the tree layout this archive was made with */
	int lockfd;
	int has_head;
	git_oid head;
	git_oid head_tree; /* the tree of the last commit a drain made (head) */
	/* in a batch, every object written, for the pack (in the order written) */
	int track;
	struct arc_sink sink; /* where new objects go: loose files, or in a batch memory */
	char *objects;
	git_oid *made;
	size_t nmade, capmade;
	/* the log index's rows for the commits written (drain), or being indexed */
	struct store_archive_logrow *lrows;
	size_t nlrows, caplrows;
	long long lcommits;
	/* the log index caught up in pieces (log_index_update): rows go to the
	 * store every LROWS_FLUSH, counted from lbase */
	struct store *lflush;
	long long lbase;
	int lrc;
	struct mc_error *lerr;
	/* the commit being made is the whole state's (init): its log rows (every
	 * submission) are left to log_index_update, and the drain leaves the
	 * index behind */
	int whole, log_behind;
	int streamed; /* this drain wrote its objects as a stream of packs (init): join them (merge_packs) */
};

static void made(struct arc *a, const git_oid *oid)
{
	if (!a->track)
		return;
	if (a->nmade == a->capmade) {
		a->capmade = a->capmade ? 2 * a->capmade : 1024;
		a->made = mc_xrealloc(a->made, a->capmade * sizeof *a->made);
	}
	git_oid_cpy(&a->made[a->nmade++], oid);
}

/* libgit2 is loaded (git2_dl.c) and set up once per process (with mbedtls that
 * loads the system's CA certificates, ~20 ms) and torn down at exit. */
static void lib_shutdown(void) { git_libgit2_shutdown(); }
static int lib_init(struct mc_error *err)
{
	static int done;
	if (!done) {
		if (git2_dl_load(err) != MC_OK)
			return MC_FAIL;
		git_libgit2_init();
		/* our own objects are made from objects we just wrote: no need to look each up again */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
		/* the packs' windows mapped at once (64-bit defaults: 1 GiB windows,
		 * 8 GiB mapped, every pack file open), whose pages count in the
		 * resident set while touched: bounded for every command */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)ARC_WINDOW);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)ARC_MAPPED_MAX);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, (size_t)ARC_PACKS_OPEN);
		atexit(lib_shutdown);
		done = 1;
	}
	return MC_OK;
}

static const char *git_why(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

static int gfail(struct arc *a, struct mc_error *err, const char *what)
{
	return mc_error_set(err, MC_FAIL, "the archive %s: %s: %s", a->path, what, git_why());
}

static void lrows_clear(struct arc *a)
{
	for (size_t i = 0; i < a->nlrows; i++)
		free(a->lrows[i].key);
	free(a->lrows);
	a->lrows = NULL;
	a->nlrows = a->caplrows = 0;
	a->lcommits = 0;
}

static void arc_close(struct arc *a)
{
	if (a->lockfd >= 0)
		close(a->lockfd);
	a->lockfd = -1;
	arc_repo_close(a->repo);
	a->repo = NULL;
	free(a->path);
	free(a->id);
	free(a->made);
	free(a->objects);
	lrows_clear(a);
	a->made = NULL;
	a->path = a->id = a->objects = NULL;
}

/* The branch from its own file when it is one ("HEX\n": a loose ref, which
 * git reads before packed-refs), as drains leave it; else through libgit2's
 * reference database (packed, symbolic), whose look-up of packed-refs and
 * the file cost a fortieth of a drain. */
static int read_head(struct arc *a)
{
	char *p = mc_xasprintf("%s/%s", a->path, MAIN_REF), buf[GIT_OID_HEXSZ + 2];
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	if (fd >= 0)
		close(fd);
	free(p);
	if (n == GIT_OID_HEXSZ + 1 && buf[GIT_OID_HEXSZ] == '\n' && strspn(buf, "0123456789abcdef") == GIT_OID_HEXSZ) {
		buf[GIT_OID_HEXSZ] = '\0';
		a->has_head = git_oid_fromstr(&a->head, buf) == 0;
		if (a->has_head)
			return MC_OK;
	}
	a->has_head = git_reference_name_to_id(&a->head, a->repo, MAIN_REF) == 0;
	return MC_OK;
}

/* Open the configured archive (*configured 0 and MC_OK when there is none). */
static int arc_open(struct store *s, struct arc *a, int *configured, struct mc_error *err)
{
	memset(a, 0, sizeof *a);
	a->s = s;
	a->lockfd = -1;
	char *path = NULL;
	int rc = store_archive_configured(s, &path, err);
	if (configured)
		*configured = path != NULL;
	if (rc != MC_OK || !path)
		return rc;
	a->path = path;
	if ((rc = lib_init(err)) != MC_OK || (rc = store_meta_get(s, "archive_id", &a->id, err)) != MC_OK) {
		arc_close(a);
		return rc;
	}
	if (!a->id)
		a->id = mc_xstrdup("");
	a->layout = store_archive_layout(s);
	a->objects = mc_xasprintf("%s/objects", a->path);
	a->sink.objects = a->objects;
	if (arc_repo_open(&a->repo, a->path) < 0) {
		rc = gfail(a, err, "cannot be opened as a bare git repository");
		arc_close(a);
		return rc;
	}
	return read_head(a);
}

/* One writer at a time: an flock on ARCHIVE/mcassess.lock, released if we die. */
static int arc_lock(struct arc *a, struct mc_error *err)
{
	char *p = mc_xasprintf("%s/mcassess.lock", a->path);
	a->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	int e = errno;
	free(p);
	if (a->lockfd < 0)
		return mc_error_set(err, MC_FAIL, "the archive %s cannot be written: %s", a->path, strerror(e));
	if (flock(a->lockfd, LOCK_EX | LOCK_NB) != 0)
		return mc_error_set(err, MC_FAIL, "the archive %s is locked by another mcassess writing to it",
				    a->path);
	/* A writer killed while moving the branch (or a pull while fetching) leaves git's lock file behind,
	 * and every later move would fail on it. Holding the flock, no other
	 * mcassess is moving it now: the lock file is stale. */
	static const char *const refs[] = { MAIN_REF, "refs/mcassess/remote" }; /* the pull's fetch too */
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
		char *ref_lock = mc_xasprintf("%s/%s.lock", a->path, refs[i]);
		unlink(ref_lock);
		free(ref_lock);
	}
	return read_head(a);
}

/* ---------------------------------------------------------------- trees */

struct upd {
	char *path;
	git_oid oid;
	size_t ord;    /* order added: of two updates to one path, the later wins */
	unsigned mode; /* 0: a file (0100644); 040000: a tree made already (full_trees) */
};

struct upds {
	struct upd *v;
	size_t n, cap;
	/* set: the updates go into the store's scratch list instead (full_state) */
	struct store *spill;
	long long spilled;
	int rc;
	struct mc_error *err;
};

static void upds_add_mode(struct upds *u, char *path, const git_oid *oid, unsigned mode)
{
	if (u->spill) {
		if (u->rc == MC_OK)
			u->rc = store_archive_scratch_add(u->spill, path, u->spilled++, oid->id, GIT_OID_RAWSZ, u->err);
		free(path);
		return;
	}
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 16;
		u->v = mc_xrealloc(u->v, u->cap * sizeof *u->v);
	}
	u->v[u->n].path = path;
	git_oid_cpy(&u->v[u->n].oid, oid);
	u->v[u->n].ord = u->n;
	u->v[u->n].mode = mode;
	u->n++;
}

static void upds_add(struct upds *u, char *path, const git_oid *oid) { upds_add_mode(u, path, oid, 0); }

static void upds_free(struct upds *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].path);
	free(u->v);
	memset(u, 0, sizeof *u);
}

static int upd_cmp(const void *x, const void *y)
{
	const struct upd *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	return c ? c : (a->ord > b->ord) - (a->ord < b->ord);
}

struct tlist {
	struct arc_tent *v;
	size_t n, cap, sorted; /* v[0..sorted) in git's order (the base's), the rest added */
	int added;
};

/* Put name (len bytes) in: replacing the entry of that name, else added. */
static void tlist_put(struct tlist *t, const char *name, size_t len, unsigned mode, const git_oid *oid)
{
	ptrdiff_t at = arc_tents_find(t->v, t->sorted, name, len);
	if (at < 0 && t->n > t->sorted && t->v[t->n - 1].len == len && memcmp(t->v[t->n - 1].name, name, len) == 0)
		at = (ptrdiff_t)t->n - 1; /* updates come sorted: a second one to a new name is the last added */
	if (at < 0) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->v = mc_xrealloc(t->v, t->cap * sizeof *t->v);
		}
		at = (ptrdiff_t)t->n++;
		t->added = 1;
	}
	t->v[at] = (struct arc_tent){ .name = name, .len = len, .mode = mode };
	git_oid_cpy(&t->v[at].oid, oid);
}

static int bad_name(const char *name, size_t len)
{
	return len == 0 || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* A new tree: base (NULL: empty) with updates u[0..n) (paths sorted, sharing the
 * first `off` bytes) put in. Only the trees along the updated paths are
 * written; the others keep their ids. The base's entries are already in git's
 * order: an update replaces one in place, and only added names need a sort. */
static int tree_edit(struct arc *a, const git_tree *base, struct upd *u, size_t n, size_t off, git_oid *out,
		     struct mc_error *err)
{
	struct tlist t = { 0 };
	size_t nb = base ? git_tree_entrycount(base) : 0;
	t.cap = nb + 16;
	t.v = mc_xmalloc(t.cap * sizeof *t.v);
	for (size_t i = 0; i < nb; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(base, i);
		const char *name = git_tree_entry_name(e);
		t.v[i] = (struct arc_tent){ .name = name, .len = strlen(name),
					    .mode = (unsigned)git_tree_entry_filemode(e) };
		git_oid_cpy(&t.v[i].oid, git_tree_entry_id(e));
	}
	t.n = t.sorted = nb;
	int rc = MC_OK;
	size_t i = 0;
	while (i < n && rc == MC_OK) {
		const char *name = u[i].path + off;
		const char *slash = strchr(name, '/');
		if (!slash) {
			if (bad_name(name, strlen(name)))
				rc = mc_error_set(err, MC_FAIL, "the archive %s: no such name in a tree: '%s'", a->path,
						  u[i].path);
			else
				tlist_put(&t, name, strlen(name), u[i].mode ? u[i].mode : 0100644, &u[i].oid);
			i++;
			continue;
		}
		size_t len = (size_t)(slash - name), j = i + 1;
		while (j < n && strncmp(u[j].path + off, name, len + 1) == 0)
			j++;
		if (bad_name(name, len)) {
			rc = mc_error_set(err, MC_FAIL, "the archive %s: no such name in a tree: '%s'", a->path, u[i].path);
			break;
		}
		git_tree *sub = NULL;
		ptrdiff_t at = arc_tents_find(t.v, t.sorted, name, len);
		if (at >= 0 && t.v[at].mode == 040000)
			git_tree_lookup(&sub, a->repo, &t.v[at].oid);
		git_oid sub_oid;
		rc = tree_edit(a, sub, u + i, j - i, off + len + 1, &sub_oid, err);
		git_tree_free(sub);
		if (rc == MC_OK)
			tlist_put(&t, name, len, 040000, &sub_oid);
		i = j;
	}
	if (rc == MC_OK && t.added)
		arc_tents_sort(t.v, t.n);
	if (rc == MC_OK && arc_tree_put(t.v, t.n, &a->sink, out) < 0)
		rc = gfail(a, err, "writing a tree");
	if (rc == MC_OK)
		made(a, out);
	free(t.v);
	return rc;
}

static int has_path(const git_tree *t, const char *path)
{
	git_tree_entry *e = NULL;
	if (!t || git_tree_entry_bypath(&e, t, path) != 0)
		return 0;
	git_tree_entry_free(e);
	return 1;
}

/* ---------------------------------------------------------------- one event */

struct ev {
	long long seq, audit_seq;
	char *audit_hash, *at, *actor, *action, *subject, *after, *record;
};

struct evs {
	struct ev *v;
	size_t n, cap;
};

static char *dup0(const char *s) { return s ? mc_xstrdup(s) : NULL; }

static int collect_ev(void *ctx, const struct store_archive_event *e)
{
	struct evs *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = mc_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct ev){ .seq = e->seq, .audit_seq = e->audit_seq, .audit_hash = dup0(e->audit_hash),
				    .at = dup0(e->at), .actor = dup0(e->actor), .action = dup0(e->action),
				    .subject = dup0(e->subject), .after = dup0(e->after), .record = dup0(e->record) };
	return 0;
}

static void evs_free(struct evs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ev *e = &l->v[i];
		free(e->audit_hash);
		free(e->at);
		free(e->actor);
		free(e->action);
		free(e->subject);
		free(e->after);
		free(e->record);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static const char *after_str(json_t *j, const char *k)
{
	const char *v = json_string_value(json_object_get(j, k));
	return v ? v : "";
}


/* What happened, in words: "score HX-101 O2: Demonstrated". */
static char *summary(const struct ev *e)
{
	const char *colon = strchr(e->subject, ':');
	const char *id = colon ? colon + 1 : e->subject;
	json_t *after = e->after ? json_loads(e->after, 0, NULL) : NULL;
	json_t *rec = e->record ? json_loads(e->record, 0, NULL) : NULL;
	char *out = NULL;
	const char *a = e->action;
	if (strcmp(a, "score") == 0 && after) {
		const char *crit = after_str(after, "criterion"), *read = after_str(after, "read");
		json_t *sc = json_object_get(json_object_get(json_object_get(rec, "scores"), *read ? read : "first"),
					     crit);
		const char *label = json_string_value(json_object_get(sc, "label"));
		out = mc_xasprintf("score %s %s: %s%s%s%s", id, crit, label ? label : after_str(after, "level"),
				   *read && strcmp(read, "first") ? " (" : "", *read && strcmp(read, "first") ? read : "",
				   *read && strcmp(read, "first") ? " read)" : "");
	} else if (strcmp(a, "import") == 0 && rec) {
		size_t n = json_array_size(json_object_get(rec, "evidence"));
		out = mc_xasprintf("import %s: %s, attempt %lld, %zu evidence item%s", id,
				   after_str(rec, "credential"),
				   (long long)json_integer_value(json_object_get(rec, "attempt")), n, n == 1 ? "" : "s");
	} else if (strcmp(a, "status") == 0 && after) {
		out = mc_xasprintf("status %s: %s", id, after_str(after, "status"));
	} else if (strcmp(a, "feedback") == 0 && after) {
		const char *t = after_str(after, "text");
		long n = text_word_count(t, strlen(t)); /* as `feedback` counts them */
		out = mc_xasprintf("feedback %s: %ld word%s", id, n, n == 1 ? "" : "s");
	} else if (strcmp(a, "decide") == 0 && after) {
		out = mc_xasprintf("decide %s: %s", id, after_str(after, "outcome"));
	} else if (strcmp(a, "assign") == 0 && after) {
		out = mc_xasprintf("assign %s: %s read to %s%s", id, after_str(after, "read"),
				   after_str(after, "assessor"),
				   json_is_true(json_object_get(after, "blind")) ? ", blind" : "");
	} else if (strcmp(a, "unassign") == 0 && after) {
		out = mc_xasprintf("unassign %s: %s read from %s", id, after_str(after, "read"),
				   after_str(after, "assessor"));
	} else if (strcmp(a, "config") == 0 && after) {
		out = mc_xasprintf("config %s: %s", id, after_str(after, "value"));
	} else if (strcmp(a, "people") == 0 && after) {
		out = mc_xasprintf("people %s: %s", id, after_str(after, "role"));
	} else if (strcmp(a, "catalog") == 0 && after && json_object_get(after, "version")) {
		out = mc_xasprintf("catalog %s: version %lld", id,
				   (long long)json_integer_value(json_object_get(after, "version")));
	} else if (strcmp(a, "archive") == 0) {
		out = mc_xstrdup("archive init: the state of the database");
	} else if (strcmp(e->subject, "database") == 0) {
		out = mc_xasprintf("%s: the state of the database", a);
	} else {
		out = mc_xasprintf("%s %s", a, colon ? id : e->subject); /* "release HX-101" */
	}
	json_decref(after);
	json_decref(rec);
	return out;
}

/* A blob from memory, into the sink (archive_pack.c: libgit2's own path checks
 * the disk for each object first, and only touches it if found). */
static int blob_buf(struct arc *a, git_oid *oid, const void *data, size_t len)
{
	return arc_sink_write(&a->sink, oid, data, len, GIT_OBJECT_BLOB);
}

/* A blob for one evidence content, unless the tree has it. Files are checked
 * against their SHA-256 first: the archive never takes altered evidence. */
static int evidence_blob(struct arc *a, const git_tree *base, struct upds *u, const char *sha, int is_file,
			 struct mc_error *err)
{
	char *path = store_archive_evidence_path(a->layout, sha);
	if (has_path(base, path)) {
		free(path);
		return MC_OK;
	}
	git_oid oid;
	int rc = MC_OK, found = 1;
	if (is_file) {
		char *file = evstore_path(store_evidence_dir(a->s), sha);
		char got[MC_SHA256_HEX];
		if (mc_sha256_file(file, got, NULL) != 0 || strcmp(got, sha) != 0) {
			session_say(session_of(a->s), MC_SINK_WARN, "evidence file %s is missing or no longer "
				    "matches its SHA-256; the archive did not take it ('mcassess check' says more)", file);
			found = 0;
		} else { /* into the drain's pack, not a loose file */
			char *data = NULL;
			size_t len = 0;
			if (mc_read_file(file, &data, &len) != 0 || blob_buf(a, &oid, data, len) < 0)
				rc = gfail(a, err, "storing an evidence file");
			free(data);
		}
		free(file);
	} else {
		char *text;
		size_t len;
		rc = store_archive_evidence_text(a->s, sha, &text, &len, &found, err);
		if (rc == MC_OK && found && blob_buf(a, &oid, text, len) < 0)
			rc = gfail(a, err, "storing an evidence text");
		free(text);
	}
	if (rc == MC_OK && found) {
		made(a, &oid);
		upds_add(u, path, &oid);
	} else {
		free(path);
	}
	return rc;
}

static int record_blob(struct arc *a, struct upds *u, const char *subject, const char *record,
		       struct mc_error *err)
{
	char *path = store_archive_path(a->layout, subject);
	if (!path || !record) {
		free(path);
		return MC_OK;
	}
	git_oid oid;
	if (blob_buf(a, &oid, record, strlen(record)) < 0) {
		free(path);
		return gfail(a, err, "storing a record");
	}
	made(a, &oid);
	upds_add(u, path, &oid);
	return MC_OK;
}

/* A submission's evidence, and its educator's record (new educators are not
 * audited on their own: they arrive with their first submission). */
static int submission_evidence(struct arc *a, const git_tree *base, struct upds *u, const char *record,
			       struct mc_error *err)
{
	json_t *rec = json_loads(record, 0, NULL);
	json_t *ev = json_object_get(rec, "evidence");
	int rc = MC_OK;
	const char *edu = json_string_value(json_object_get(rec, "educator"));
	if (edu) {
		char *subject = mc_xasprintf("educator:%s", edu), *er = NULL;
		char *path = store_archive_path(a->layout, subject);
		if (!has_path(base, path) && (rc = store_archive_record(a->s, subject, &er, err)) == MC_OK)
			rc = record_blob(a, u, subject, er, err);
		free(er);
		free(path);
		free(subject);
	}
	for (size_t i = 0; rc == MC_OK && i < json_array_size(ev); i++) {
		json_t *e = json_array_get(ev, i);
		const char *sha = json_string_value(json_object_get(e, "sha256"));
		const char *kind = json_string_value(json_object_get(e, "kind"));
		if (sha)
			rc = evidence_blob(a, base, u, sha, kind && strcmp(kind, "file") == 0, err);
	}
	json_decref(rec);
	return rc;
}

/* The whole state: every record, every evidence content. */
struct full {
	struct arc *a;
	const git_tree *base;
	struct upds *u;
	struct mc_error *err;
	int rc;
	long long done, total; /* progress: records and contents, of all there are */
};

#define FULL_STEP "archiving the database"

static void full_advance(struct full *f)
{
	if (++f->done % 256 == 0 || f->done == f->total)
		progress_report(FULL_STEP, f->done, f->total);
}

static int full_count(void *ctx, const char *unused)
{
	(void)unused;
	((struct full *)ctx)->total++;
	return 0;
}

static int full_count_evidence(void *ctx, const char *unused, int is_file)
{
	(void)unused;
	(void)is_file;
	((struct full *)ctx)->total++;
	return 0;
}

static int full_subject(void *ctx, const char *subject)
{
	struct full *f = ctx;
	char *record = NULL;
	full_advance(f);
	f->rc = store_archive_record(f->a->s, subject, &record, f->err);
	if (f->rc == MC_OK)
		f->rc = record_blob(f->a, f->u, subject, record, f->err);
	free(record);
	return f->rc != MC_OK;
}

static int full_evidence(void *ctx, const char *sha, int is_file)
{
	struct full *f = ctx;
	full_advance(f);
	f->rc = evidence_blob(f->a, f->base, f->u, sha, is_file, f->err);
	return f->rc != MC_OK;
}

/* The records and contents, their objects into the drain's sink and their
 * paths into u. */
static int full_walk(struct arc *a, const git_tree *base, struct upds *u, struct mc_error *err)
{
	struct full f = { .a = a, .base = base, .u = u, .err = err };
	/* counted first (a fraction of the time), for a percentage */
	progress_report(FULL_STEP, 0, -1);
	int rc = store_archive_each_subject(a->s, full_count, &f, err);
	if (rc == MC_OK)
		rc = store_archive_evidence_each(a->s, full_count_evidence, &f, err);
	if (rc == MC_OK)
		rc = store_archive_each_subject(a->s, full_subject, &f, err);
	if (rc == MC_OK && a->layout >= 2) { /* the layout, said in the tree itself (store_archive.h) */
		char v[16];
		int n = snprintf(v, sizeof v, "%d\n", a->layout);
		git_oid oid;
		if (blob_buf(a, &oid, v, (size_t)n) < 0) {
			rc = gfail(a, err, "storing the layout");
		} else {
			made(a, &oid);
			upds_add(u, mc_xstrdup(LAYOUT_FILE), &oid);
		}
	}
	if (rc == MC_OK)
		rc = f.rc;
	if (rc == MC_OK)
		rc = store_archive_evidence_each(a->s, full_evidence, &f, err);
	if (rc == MC_OK)
		rc = f.rc;
	return rc;
}

/* The whole state's trees, a shard at a time: the scratch list's paths come
 * back sorted, so those of one shard directory (its first three levels:
 * "submissions/a/b") are together; each shard's tree is made from them and
 * its base's, and becomes one update of the commit (a few hundred in all). */
#define SHARD_LEVELS 3

struct shards {
	struct arc *a;
	const git_tree *base;
	struct upds *out; /* the commit's updates */
	struct upds cur;  /* the paths of the shard being read */
	char *dir;        /* its directory, NULL before the first */
	struct mc_error *err;
	int rc;
};

/* The length of path's shard directory (0: a file at the root). */
static size_t shard_len(const char *path)
{
	size_t k = 0;
	int level = 0;
	for (const char *p = path; level < SHARD_LEVELS && (p = strchr(p, '/')); p++, level++)
		k = (size_t)(p - path);
	return k;
}

static int shard_done(struct shards *sh)
{
	if (!sh->dir)
		return MC_OK;
	git_tree *sub = NULL;
	git_tree_entry *e = NULL;
	if (sh->base && git_tree_entry_bypath(&e, sh->base, sh->dir) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_tree_lookup(&sub, sh->a->repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_oid oid;
	int rc = tree_edit(sh->a, sub, sh->cur.v, sh->cur.n, strlen(sh->dir) + 1, &oid, sh->err);
	git_tree_free(sub);
	if (rc == MC_OK)
		upds_add_mode(sh->out, sh->dir, &oid, 040000);
	else
		free(sh->dir);
	sh->dir = NULL;
	upds_free(&sh->cur);
	return rc;
}

static int shard_row(void *ctx, const char *path, const unsigned char *raw)
{
	struct shards *sh = ctx;
	git_oid oid;
	memcpy(oid.id, raw, GIT_OID_RAWSZ);
	size_t k = shard_len(path);
	if (sh->dir && (strlen(sh->dir) != k || strncmp(sh->dir, path, k) != 0))
		sh->rc = shard_done(sh);
	if (k == 0)
		upds_add(sh->out, mc_xstrdup(path), &oid);
	else {
		if (!sh->dir)
			sh->dir = mc_xstrndup(path, k);
		upds_add(&sh->cur, mc_xstrdup(path), &oid);
	}
	return sh->rc != MC_OK;
}

static int full_trees(struct arc *a, const git_tree *base, struct upds *u, struct mc_error *err)
{
	struct shards sh = { .a = a, .base = base, .out = u, .err = err };
	int rc = store_archive_scratch_each(a->s, shard_row, &sh, err);
	if (rc == MC_OK)
		rc = sh.rc;
	if (rc == MC_OK)
		rc = shard_done(&sh);
	free(sh.dir);
	upds_free(&sh.cur);
	return rc;
}

/* The whole state (archive init): its objects written straight into packs
 * (arc_stream), its paths into the store's scratch list, then its trees a
 * shard at a time (full_trees): u gets one update a shard. Nothing here grows
 * with the database but the scratch list, which SQLite keeps on disk. The
 * stream stays open for the rest of the drain (the commit, its root trees,
 * later events: into memory too, to be read back), the objects of events
 * before this one copied into it: batch_write closes it, and the drain's
 * objects are all in its packs (one for a small database, as before). */
static int full_state(struct arc *a, const git_tree *base, struct upds *u, struct mc_error *err)
{
	int own_tx = !store_in_tx(a->s);
	int rc = own_tx ? store_begin_read(a->s, err) : MC_OK;
	if (rc != MC_OK)
		return rc;
	git_odb *odb = NULL;
	git_odb_backend *mem = a->sink.mem;
	rc = store_archive_scratch_open(a->s, err);
	if (rc == MC_OK && git_repository_odb(&odb, a->repo) < 0)
		rc = gfail(a, err, "preparing to write");
	if (rc == MC_OK && !a->sink.stream) {
		a->sink.stream = arc_stream_new(odb, a->objects);
		if (mem && arc_stream_copy(a->sink.stream, mem, a->made, a->nmade) < 0)
			rc = gfail(a, err, "writing a pack");
	}
	if (rc == MC_OK) {
		struct upds spill = { .spill = a->s, .err = err };
		int track = a->track;
		a->track = 0; /* into the stream's packs only, not memory */
		a->sink.mem = NULL;
		rc = full_walk(a, base, &spill, err);
		if (rc == MC_OK)
			rc = spill.rc;
		if (rc == MC_OK)
			rc = full_trees(a, base, u, err);
		a->track = track;
		a->sink.mem = mem;
	}
	git_odb_free(odb); /* the repository keeps it for the stream */
	if (own_tx)
		store_end_read(a->s); /* the scratch list goes with it */
	else
		store_archive_scratch_clear(a->s);
	return rc;
}

static int signature(struct arc *a, const char *actor, const char *at, git_signature **sig, struct mc_error *err)
{
	char *name, *email;
	int rc = store_archive_person(a->s, actor, &name, &email, err);
	if (rc != MC_OK)
		return rc;
	time_t t = 0;
	if (mc_time_parse(at, &t) != 0)
		t = time(NULL);
	if (git_signature_new(sig, name, email, (git_time_t)t, 0) < 0)
		rc = gfail(a, err, "making the commit's author");
	free(name);
	free(email);
	return rc;
}

/* ---------------------------------------------------------------- log index
 * What archive_log looks up instead of walking the whole history: for each
 * commit (ord: its place in the walk archive_log_walk makes), the submission
 * records it changed against its first parent and the submissions its
 * Subject trailers name: exactly what touches() tests (schema.sql, migration 6). */

/* The rows so far into the store (log_index_update), their memory reused. */
#define LROWS_FLUSH 4096
static void lrows_flush(struct arc *a)
{
	if (a->lrc == MC_OK && a->nlrows > 0)
		a->lrc = store_archive_log_rows(a->lflush, a->lbase, a->lrows, a->nlrows, a->lerr);
	for (size_t i = 0; i < a->nlrows; i++)
		free(a->lrows[i].key);
	a->nlrows = 0;
}

static void lrow_add(struct arc *a, long long ord, const char *hex, char *key)
{
	if (a->nlrows == a->caplrows) {
		a->caplrows = a->caplrows ? 2 * a->caplrows : 256;
		a->lrows = mc_xrealloc(a->lrows, a->caplrows * sizeof *a->lrows);
	}
	struct store_archive_logrow *r = &a->lrows[a->nlrows++];
	r->ord = ord;
	memcpy(r->commit, hex, sizeof r->commit);
	r->key = key;
	if (a->lflush && a->nlrows >= LROWS_FLUSH)
		lrows_flush(a);
}

static void changed_below(struct arc *a, long long ord, const char *hex, const git_tree *o, const git_tree *n,
			  const char *prefix);

/* One entry on either side (NULL: absent): a record path whose blob differs is
 * a row; a tree on either side is compared below. A tree that cannot be read
 * counts as absent, as for git_tree_entry_bypath. */
static void changed_entry(struct arc *a, long long ord, const char *hex, const git_tree_entry *oe,
			  const git_tree_entry *ne, const char *path)
{
	if (oe && ne && git_oid_equal(git_tree_entry_id(oe), git_tree_entry_id(ne)))
		return;
	const char *name = git_tree_entry_name(oe ? oe : ne);
	if (strcmp(name, "record.json") == 0 && strchr(path, '/'))
		lrow_add(a, ord, hex, mc_xstrdup(path));
	git_tree *ot = NULL, *nt = NULL;
	if (oe && git_tree_entry_type(oe) == GIT_OBJECT_TREE && git_tree_lookup(&ot, a->repo, git_tree_entry_id(oe)) < 0)
		ot = NULL;
	if (ne && git_tree_entry_type(ne) == GIT_OBJECT_TREE && git_tree_lookup(&nt, a->repo, git_tree_entry_id(ne)) < 0)
		nt = NULL;
	if (ot || nt)
		changed_below(a, ord, hex, ot, nt, path);
	git_tree_free(ot);
	git_tree_free(nt);
}

static void changed_below(struct arc *a, long long ord, const char *hex, const git_tree *o, const git_tree *n,
			  const char *prefix)
{
	size_t nn = n ? git_tree_entrycount(n) : 0, no = o ? git_tree_entrycount(o) : 0;
	for (size_t i = 0; i < nn; i++) {
		const git_tree_entry *ne = git_tree_entry_byindex(n, i);
		const char *name = git_tree_entry_name(ne);
		const git_tree_entry *oe = o ? git_tree_entry_byname(o, name) : NULL;
		/* most entries of a 256-entry shard are the same on both sides:
		 * skipped before their path is made (a twelfth of a drain) */
		if (oe && git_oid_equal(git_tree_entry_id(oe), git_tree_entry_id(ne)))
			continue;
		char *path = mc_xasprintf("%s/%s", prefix, name);
		changed_entry(a, ord, hex, oe, ne, path);
		free(path);
	}
	for (size_t i = 0; i < no; i++) {
		const git_tree_entry *oe = git_tree_entry_byindex(o, i);
		const char *name = git_tree_entry_name(oe);
		if (n && git_tree_entry_byname(n, name))
			continue;
		char *path = mc_xasprintf("%s/%s", prefix, name);
		changed_entry(a, ord, hex, oe, NULL, path);
		free(path);
	}
}

/* The rows of commit id (message msg, tree tree, its first parent's tree
 * ptree; NULL: none or unreadable). */
static void commit_keys(struct arc *a, long long ord, const git_oid *id, const char *msg, const git_tree *ptree,
			const git_tree *tree)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, id);
	for (const char *p = msg; (p = strstr(p, "\nSubject: submission:")); p++) {
		const char *b = p + 10, *e = strchr(b, '\n');
		if (e)
			lrow_add(a, ord, hex, mc_xstrndup(b, (size_t)(e - b)));
	}
	const git_tree_entry *oe = ptree ? git_tree_entry_byname(ptree, "submissions") : NULL;
	const git_tree_entry *ne = tree ? git_tree_entry_byname(tree, "submissions") : NULL;
	if (oe || ne)
		changed_entry(a, ord, hex, oe, ne, "submissions");
}

static void index_commit(struct arc *a, long long ord, const git_oid *id, const git_commit *c)
{
	git_tree *t = NULL, *pt = NULL;
	git_commit *p = NULL;
	if (git_commit_tree(&t, c) < 0)
		t = NULL;
	if (git_commit_parentcount(c) > 0 && git_commit_parent(&p, c, 0) == 0 && git_commit_tree(&pt, p) < 0)
		pt = NULL;
	commit_keys(a, ord, id, git_commit_message(c), pt, t);
	git_commit_free(p);
	git_tree_free(pt);
	git_tree_free(t);
}

/* What one event changes: its record (and a submission's evidence and new
 * educator), or for "database" the whole state. */
static int event_updates(struct arc *a, const struct ev *e, const git_tree *tree, struct upds *u,
			 struct mc_error *err)
{
	int rc = MC_OK;
	char *path = store_archive_path(a->layout, e->subject);
	if (path) {
		rc = record_blob(a, u, e->subject, e->record, err);
		if (rc == MC_OK && e->record && strncmp(e->subject, "submission:", 11) == 0)
			rc = submission_evidence(a, tree, u, e->record, err);
	} else if (strcmp(e->subject, "database") == 0) {
		rc = full_state(a, tree, u, err);
		a->whole = 1;
	}
	free(path);
	return rc;
}

/* One commit on top of the head: *tree with updates u put in, by actor at at. */
static int commit_updates(struct arc *a, struct upds *u, const char *actor, const char *at, const char *msg,
			  git_tree **tree, struct mc_error *err)
{
	git_oid tree_oid, commit_oid;
	if (u->n) /* none for a subject with no record (a setting): qsort may not take NULL */
		qsort(u->v, u->n, sizeof *u->v, upd_cmp);
	int rc = tree_edit(a, *tree, u->v, u->n, 0, &tree_oid, err);
	git_tree *new_tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	if (rc == MC_OK && git_tree_lookup(&new_tree, a->repo, &tree_oid) < 0)
		rc = gfail(a, err, "reading back a tree");
	if (rc == MC_OK && a->has_head && git_commit_lookup(&parent, a->repo, &a->head) < 0)
		rc = gfail(a, err, "reading the last commit");
	if (rc == MC_OK)
		rc = signature(a, actor, at, &sig, err);
	if (rc == MC_OK) {
		const git_commit *parents[1] = { parent };
		git_buf buf = { 0 };
		if (git_commit_create_buffer(&buf, a->repo, sig, sig, NULL, msg, new_tree, parent ? 1 : 0, parents) < 0 ||
		    arc_sink_write(&a->sink, &commit_oid, buf.ptr, buf.size, GIT_OBJECT_COMMIT) < 0)
			rc = gfail(a, err, "writing a commit");
		else
			made(a, &commit_oid);
		git_buf_dispose(&buf);
	}
	git_signature_free(sig);
	git_commit_free(parent);
	if (rc == MC_OK) {
		if (a->whole) /* every submission: log_index_update writes them in pieces */
			a->log_behind = 1;
		else
			commit_keys(a, a->lcommits, &commit_oid, msg, *tree, new_tree);
		a->lcommits++;
		git_tree_free(*tree);
		*tree = new_tree;
		git_oid_cpy(&a->head, &commit_oid);
		git_oid_cpy(&a->head_tree, &tree_oid);
		a->has_head = 1;
	} else {
		git_tree_free(new_tree);
	}
	return rc;
}

static int commit_event(struct arc *a, const struct ev *e, git_tree **tree, struct mc_error *err)
{
	struct upds u = { 0 };
	a->whole = 0;
	int rc = event_updates(a, e, *tree, &u, err);
	if (rc == MC_OK) {
		char *sum = summary(e);
		char *msg = mc_xasprintf("%s\n\nSubject: %s\nAudit-Seq: %lld\nAudit-Hash: %s\nArchive-Id: %s\n", sum,
					 e->subject, e->audit_seq, e->audit_hash, a->id);
		rc = commit_updates(a, &u, e->actor, e->at, msg, tree, err);
		free(sum);
		free(msg);
	}
	upds_free(&u);
	return rc;
}

/* An import's submissions (events e[0..n), consecutive audit rows, one actor)
 * as one commit: each record at its own path as if committed alone, the trees
 * along those paths written once instead of once per submission. The message
 * counts them and names the first few; the trailers name the first and the
 * last audit row (whose hash, chained, vouches for the rows before it). */
#define IMPORT_NAMED 20

static int commit_imports(struct arc *a, const struct ev *e, size_t n, git_tree **tree, struct mc_error *err)
{
	struct upds u = { 0 };
	struct mc_buf body = MC_BUF_INIT;
	long evidence = 0;
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < n; i++) {
		rc = event_updates(a, &e[i], *tree, &u, err);
		/* canonical records: each evidence item has one "sha256" key (the
		 * submission's own is "source_sha256") */
		for (const char *p = e[i].record; (p = strstr(p, "\"sha256\": ")); p++)
			evidence++;
		if (i < IMPORT_NAMED) {
			char *sum = summary(&e[i]);
			mc_buf_printf(&body, "%s\n", sum + (strncmp(sum, "import ", 7) == 0 ? 7 : 0));
			free(sum);
		}
	}
	if (n > IMPORT_NAMED)
		mc_buf_printf(&body, "... and %zu more (each record is at its own submissions/ path)\n",
			      n - IMPORT_NAMED);
	if (rc == MC_OK) {
		const struct ev *last = &e[n - 1];
		char *msg = mc_xasprintf("import %zu submissions, %ld evidence item%s\n\n%s\nSubject: import\n"
					 "Audit-First: %lld\nAudit-Seq: %lld\nAudit-Hash: %s\nArchive-Id: %s\n",
					 n, evidence, evidence == 1 ? "" : "s", body.len ? body.data : "",
					 e[0].audit_seq, last->audit_seq, last->audit_hash, a->id);
		rc = commit_updates(a, &u, last->actor, last->at, msg, tree, err);
		free(msg);
	}
	mc_buf_free(&body);
	upds_free(&u);
	return rc;
}

/* How many events from e[0] go in one import commit (1: commit it alone). */
static size_t import_run(const struct ev *e, size_t n, long long done)
{
	size_t k = 0;
	while (k < n && e[k].audit_seq > done && strcmp(e[k].action, "import") == 0 &&
	       strncmp(e[k].subject, "submission:", 11) == 0 && e[k].record && strcmp(e[k].actor, e[0].actor) == 0 &&
	       (k == 0 || e[k].audit_seq == e[k - 1].audit_seq + 1))
		k++;
	return k ? k : 1;
}

/* The Audit-Seq of a commit written from this database (0: none). */
static long long trailer_seq(const char *msg, const char *id)
{
	const char *p = strstr(msg, "\nArchive-Id: ");
	if (!p || strncmp(p + 13, id, strlen(id)) != 0 || (p[13 + strlen(id)] != '\n' && p[13 + strlen(id)]))
		return 0;
	p = strstr(msg, "\nAudit-Seq: ");
	return p ? atoll(p + 12) : 0;
}

static long long head_seq(struct arc *a)
{
	git_commit *c;
	if (!a->has_head || git_commit_lookup(&c, a->repo, &a->head) < 0)
		return 0;
	long long seq = trailer_seq(git_commit_message(c), a->id);
	git_commit_free(c);
	return seq;
}

/* The branch moved by rewriting its file where it is ("HEX\n", 41 bytes, one
 * write within the disk's first sector of it) when it is a loose ref that
 * still names old and we may write it: git's way (a main.lock file made,
 * written and renamed over the ref) makes one file and frees another at every
 * commit, and on ext4 without a journal each file made then walks the inodes
 * freed in the last 30 seconds (issue 15). Writers are serialized by our
 * flock; no reflog is kept (a bare repository's default), so git's way writes
 * nothing more. 0 done; 1 not done (packed, another user's file, changed
 * under us: git's way then, which checks old); -1 failed. */
static int ref_in_place(struct arc *a, const git_oid *old)
{
	char *p = mc_xasprintf("%s/%s", a->path, MAIN_REF);
	int fd = open(p, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	free(p);
	if (fd < 0)
		return 1;
	char cur[GIT_OID_HEXSZ + 2], want[GIT_OID_HEXSZ + 2];
	git_oid_tostr(want, sizeof want, old);
	want[GIT_OID_HEXSZ] = '\n';
	int rc = pread(fd, cur, sizeof cur, 0) == GIT_OID_HEXSZ + 1 && memcmp(cur, want, GIT_OID_HEXSZ + 1) == 0 ? 0 : 1;
	if (rc == 0) {
		git_oid_tostr(want, sizeof want, &a->head);
		want[GIT_OID_HEXSZ] = '\n';
		if (pwrite(fd, want, GIT_OID_HEXSZ + 1, 0) != GIT_OID_HEXSZ + 1)
			rc = -1;
	}
	if (close(fd) != 0 && rc == 0)
		rc = -1;
	return rc;
}

static int update_ref(struct arc *a, const git_oid *old, int had, struct mc_error *err)
{
	if (had) {
		int r = ref_in_place(a, old);
		if (r < 0)
			return mc_error_set(err, MC_FAIL, "the archive %s: moving the branch 'main': %s", a->path,
					    strerror(errno));
		if (r == 0)
			return MC_OK;
	}
	git_reference *ref = NULL;
	int r = had ? git_reference_create_matching(&ref, a->repo, MAIN_REF, &a->head, 1, old, "mcassess")
		    : git_reference_create(&ref, a->repo, MAIN_REF, &a->head, 0, "mcassess");
	git_reference_free(ref);
	return r < 0 ? gfail(a, err, "moving the branch 'main'") : MC_OK;
}

/* Record what was committed: the events leave the outbox, the head is noted. */
static int settle(struct arc *a, long long upto, const git_oid *old, int had, struct mc_error *err)
{
	char hex[GIT_OID_HEXSZ + 1], from[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, &a->head);
	git_oid_tostr(from, sizeof from, old);
	if (a->log_behind) /* archive_log catches the index up */
		return store_archive_settle_log(a->s, upto, hex, had ? from : NULL, NULL, 0, 0, err);
	return store_archive_settle_log(a->s, upto, hex, had ? from : NULL, a->lrows, a->nlrows, a->lcommits, err);
}

static void mark_failed(struct arc *a, long long seq, const char *why)
{
	struct mc_error e2 = MC_ERROR_INIT;
	if (store_begin(a->s, &e2) == MC_OK) {
		if (store_archive_outbox_failed(a->s, seq, why, &e2) == MC_OK)
			store_commit(a->s, &e2);
		else
			store_rollback(a->s);
	}
	mc_error_clear(&e2);
}

/* Every drain, one event or many (an import): objects go to memory and then
 * to disk as one pack with its index, two files instead of one a blob, tree
 * and commit (nine for a score). On a disk that has just deleted files each
 * file created cost ~0.4 ms (issue 15); the packs are merged when there are
 * too many (arc_pack_merge). */
struct batch {
	git_odb *odb;
	git_odb_backend *mem;
};

static int batch_start(struct arc *a, struct batch *b, struct mc_error *err)
{
	memset(b, 0, sizeof *b);
	if (git_repository_odb(&b->odb, a->repo) < 0 || arc_repo_mempack(a->repo, &b->mem) < 0)
		return gfail(a, err, "preparing to write");
	a->track = 1;
	a->sink.mem = b->mem;
	a->nmade = 0;
	return MC_OK;
}

/* Write what is in memory as one pack (and its index) into objects/pack
 * (archive_pack.c: no delta search, which cost more than all the rest). */
static int batch_write(struct arc *a, struct batch *b, struct mc_error *err)
{
	char *why = NULL;
	a->streamed |= a->sink.stream != NULL;
	if (a->sink.stream ? arc_stream_close(&a->sink.stream, &why) == 0
			   : arc_pack_write(b->odb, b->mem, a->objects, a->made, a->nmade, &why) == 0)
		return MC_OK;
	int rc = mc_error_set(err, MC_FAIL, "the archive %s: writing a pack: %s", a->path, why);
	free(why);
	return rc;
}

/* The objects of the last drains, all on disk now, stay in memory (at most
 * HELD_MOST, so a few MB) for the next ones: each reads back the trees and
 * the commit the last one wrote, and found them only by reading the pack
 * directory again (git_odb_refresh) and inflating them from the new pack.
 * Once it is emptied, libgit2 reads the directory again at the first object
 * it cannot find. A failed drain's objects, perhaps not on disk, go at once. */
#define HELD_MOST 512

static void batch_end(struct arc *a, struct batch *b, int written)
{
	static const git_odb_backend *mem; /* the backend `held` counts */
	static size_t held;
	if (b->mem != mem)
		held = 0;
	mem = b->mem;
	held += a->nmade;
	if (b->mem && (!written || held > HELD_MOST)) {
		git_mempack_reset(b->mem);
		held = 0;
	}
	if (a->sink.stream) { /* a failed drain's: its packs, if any, hold objects nothing names */
		char *why = NULL;
		arc_stream_close(&a->sink.stream, &why);
		free(why);
	}
	a->track = 0;
	a->sink.mem = NULL;
	a->nmade = 0;
	git_odb_free(b->odb); /* the backend goes with the repository's odb */
}

/* A pack a drain: merged when there are more than PACKS_MOST, down to about
 * PACKS_KEEP. Packs over PACKS_BIG bytes are never merged by a drain: a
 * score never waits for an import's pack (a million submissions: gigabytes)
 * to be rewritten; `git gc` can take them. */
#define PACKS_MOST 32
#define PACKS_KEEP 8
#define PACKS_BIG ((uint64_t)8 << 20)

/* Packs of any size: more than JOIN_MOST and the smallest are joined into
 * one (arc_pack_join: nothing held per object), geometrically as above, so
 * that a look-up searches a few indexes at any size (init wrote a pack every
 * ~20 MB: 24 at 100,000 submissions, ~240 at a million). Looked at only when
 * the packs changed by more than a drain's one: after init's stream of packs
 * into an archive without history (a repair, init over a history, relies on
 * its fresh copies staying in a pack of their own, which readers read first)
 * and after a pull took another archive's (more than JOIN_MOST), after a
 * drain merged packs (more than PACKS_MOST: the drains' own stay as they
 * were, the packs they outgrow joined once there are too many). */
#define JOIN_MOST 4
#define JOIN_KEEP 2

/* The packs joined when there are more than `most` (above); a failure only warns. */
static void join_packs(struct arc *a, size_t most)
{
	char *why = NULL;
	size_t joined = 0;
	if (arc_pack_join(a->objects, most, JOIN_KEEP, &joined, &why) != 0)
		session_say(session_of(a->s), MC_SINK_WARN, "the archive %s: joining its packs failed (%s); they "
			    "stay as they are, nothing is lost, and the next change tries again", a->path,
			    why ? why : "?");
	free(why);
}

/* The drain's events are committed already: a failure here only warns. */
static void merge_packs(struct arc *a)
{
	git_odb *odb = NULL;
	char *why = NULL;
	size_t merged = 0;
	if (git_repository_odb(&odb, a->repo) < 0)
		why = mc_xstrdup(git_why());
	else if (arc_pack_merge(odb, a->objects, PACKS_MOST, PACKS_KEEP, PACKS_BIG, &merged, &why) != 0 && !why)
		why = mc_xstrdup("?");
	if (why)
		session_say(session_of(a->s), MC_SINK_WARN, "the archive %s: merging its packs failed (%s); they "
			    "stay as they are, nothing is lost, and the next change tries again", a->path, why);
	free(why);
	git_odb_free(odb);
	if (merged > 0 || a->streamed)
		join_packs(a, a->streamed ? JOIN_MOST : PACKS_MOST);
	a->streamed = 0;
}

/* What the last drain of this process left at the head: its Audit-Seq and
 * tree, so that the next one (the workstation commits a change at a time)
 * need not read back and parse the commit it has just written (a tenth of a
 * drain). Used only while the head read under the lock is that same commit,
 * of the same archive and database: the same id, the same content. */
static struct {
	char *path, *id;
	git_oid head, tree;
	long long seq;
} drained;

static void drained_free(void)
{
	free(drained.path);
	free(drained.id);
	memset(&drained, 0, sizeof drained);
}

static void drained_note(struct arc *a, long long seq)
{
	static int registered;
	if (!registered)
		atexit(drained_free);
	registered = 1;
	drained_free();
	drained.path = mc_xstrdup(a->path);
	drained.id = mc_xstrdup(a->id);
	git_oid_cpy(&drained.head, &a->head);
	git_oid_cpy(&drained.tree, &a->head_tree);
	drained.seq = seq;
}

/* The head's Audit-Seq and tree (*tree NULL: no head), from drained when it is
 * the same commit. MC_OK or a failure to read it. */
static int head_state(struct arc *a, long long *seq, git_tree **tree, struct mc_error *err)
{
	*seq = 0;
	*tree = NULL;
	if (!a->has_head)
		return MC_OK;
	if (drained.path && strcmp(drained.path, a->path) == 0 && strcmp(drained.id, a->id) == 0 &&
	    git_oid_equal(&drained.head, &a->head) && git_tree_lookup(tree, a->repo, &drained.tree) == 0) {
		*seq = drained.seq;
		return MC_OK;
	}
	*seq = head_seq(a);
	git_commit *c = NULL;
	int rc = MC_OK;
	if (git_commit_lookup(&c, a->repo, &a->head) < 0 || git_commit_tree(tree, c) < 0)
		rc = gfail(a, err, "reading the last commit");
	git_commit_free(c);
	return rc;
}

static int drain_open(struct arc *a, long *committed, struct mc_error *err)
{
	struct evs l = { 0 };
	int rc = store_archive_outbox_each(a->s, collect_ev, &l, err);
	if (rc != MC_OK || l.n == 0) {
		evs_free(&l);
		return rc;
	}
	if ((rc = arc_lock(a, err)) != MC_OK) {
		mark_failed(a, l.v[0].seq, mc_error_msg(err));
		evs_free(&l);
		return rc;
	}
	git_oid old;
	int had = a->has_head;
	git_oid_cpy(&old, &a->head);
	long long done, upto = 0, last_seq = 0;
	git_tree *tree = NULL;
	rc = head_state(a, &done, &tree, err);
	struct batch b = { 0 };
	if (rc == MC_OK)
		rc = batch_start(a, &b, err);
	size_t i = 0;
	for (; rc == MC_OK && i < l.n; i++) {
		size_t k = import_run(&l.v[i], l.n - i, done);
		if (k > 1) { /* an import: one commit */
			rc = commit_imports(a, &l.v[i], k, &tree, err);
			if (rc != MC_OK)
				break;
			(*committed) += (long)k;
			i += k - 1;
			last_seq = l.v[i].audit_seq;
		} else if (l.v[i].audit_seq > done) {
			rc = commit_event(a, &l.v[i], &tree, err);
			if (rc != MC_OK)
				break;
			(*committed)++;
			last_seq = l.v[i].audit_seq;
		}
		upto = l.v[i].seq;
	}
	MC_CRASH_POINT("archive: commits made, not written");
	if (b.mem && *committed > 0) {
		struct mc_error e2 = MC_ERROR_INIT;
		int wrote = batch_write(a, &b, &e2);
		if (had)
			a->streamed = 0; /* the state written again over a history (a repair): joined as drains' packs are */
		if (wrote != MC_OK) { /* nothing of this drain is on disk: all wait */
			if (rc == MC_OK)
				mc_error_set(err, MC_FAIL, "%s", mc_error_msg(&e2));
			rc = MC_FAIL;
			git_oid_cpy(&a->head, &old);
			a->has_head = had;
			upto = 0;
			*committed = 0;
			i = 0;
		}
		mc_error_clear(&e2);
	}
	batch_end(a, &b, rc == MC_OK);
	MC_CRASH_POINT("archive: objects written, branch not moved");
	int moved = a->has_head && (!had || !git_oid_equal(&old, &a->head));
	if (moved) {
		struct mc_error e2 = MC_ERROR_INIT;
		int r2 = update_ref(a, &old, had, &e2);
		if (r2 != MC_OK) {
			if (rc == MC_OK) {
				rc = r2;
				mc_error_set(err, MC_FAIL, "%s", mc_error_msg(&e2));
			}
			upto = 0;
			*committed = 0;
		}
		mc_error_clear(&e2);
	}
	MC_CRASH_POINT("archive: branch moved, database not told");
	if (upto > 0) {
		struct mc_error e2 = MC_ERROR_INIT;
		if (settle(a, upto, &old, had, &e2) != MC_OK && rc == MC_OK) {
			rc = MC_FAIL;
			mc_error_set(err, MC_FAIL, "%s", mc_error_msg(&e2));
		}
		mc_error_clear(&e2);
	}
	if (rc == MC_OK && upto > 0 && last_seq > 0)
		drained_note(a, last_seq);
	git_tree_free(tree);
	MC_CRASH_POINT("archive: database told");
	if (rc == MC_OK && *committed > 0)
		merge_packs(a);
	if (rc != MC_OK && i < l.n)
		mark_failed(a, l.v[i].seq, mc_error_msg(err));
	evs_free(&l);
	return rc;
}

int archive_drain(struct store *s, long *committed, struct mc_error *err)
{
	*committed = 0;
	long long waiting = 0;
	char *o1 = NULL, *o2 = NULL;
	int rc = store_archive_outbox_count(s, &waiting, &o1, &o2, err);
	free(o1);
	free(o2);
	if (rc != MC_OK || waiting == 0)
		return rc; /* nothing to do: libgit2 is not even loaded */
	struct arc a;
	int configured;
	rc = arc_open(s, &a, &configured, err);
	if (rc == MC_OK && configured)
		rc = drain_open(&a, committed, err);
	arc_close(&a);
	if (rc != MC_OK) {
		long long n = 0;
		char *oldest = NULL, *last = NULL;
		struct mc_error e2 = MC_ERROR_INIT;
		store_archive_outbox_count(s, &n, &oldest, &last, &e2);
		mc_error_clear(&e2);
		mc_error_prefix(err, "%lld change%s wait%s in the outbox and will be committed to the archive by the "
				"next mcassess command that can write it ('mcassess check' shows the backlog)",
				n, n == 1 ? "" : "s", n == 1 ? "s" : "");
		free(oldest);
		free(last);
	}
	return rc;
}

/* ---------------------------------------------------------------- init */

static char *absolute(const char *path)
{
	if (path[0] == '/')
		return mc_xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	char *out = mc_xasprintf("%s/%s", cwd ? cwd : ".", path);
	free(cwd);
	return out;
}

/* 1 when path is a directory with nothing in it (a folder of files is not:
 * its link count says nothing about files). */
static int is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *de;
	int empty = 1;
	while (empty && (de = readdir(d)))
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static int create_or_attach(const char *path, int *created, struct mc_error *err)
{
	git_repository *repo = NULL;
	struct stat sb;
	*created = 0;
	if (stat(path, &sb) == 0 && !(S_ISDIR(sb.st_mode) && is_empty_dir(path))) {
		if (git_repository_open_bare(&repo, path) < 0)
			return mc_error_set(err, MC_FAIL, "%s: exists and is not a bare git repository; give "
					    "another path (mcassess archive init PATH)", path);
		git_repository_free(repo);
		return MC_OK;
	}
	git_repository_init_options o;
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	o.description = "mcassess evidence archive: one commit per audited change";
	if (git_repository_init_ext(&repo, path, &o) < 0)
		return mc_error_set(err, MC_FAIL, "%s: cannot create the archive: %s", path, git_why());
	git_repository_free(repo);
	*created = 1;
	return MC_OK;
}

/* The layout of the tree of commit id: the LAYOUT file in its root, none: 1. */
static int commit_layout(git_repository *repo, const git_oid *id)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_blob *b = NULL;
	int layout = 1;
	if (git_commit_lookup(&c, repo, id) == 0 && git_commit_tree(&t, c) == 0) {
		const git_tree_entry *e = git_tree_entry_byname(t, LAYOUT_FILE);
		if (e && git_blob_lookup(&b, repo, git_tree_entry_id(e)) == 0) {
			char v[16];
			size_t n = (size_t)git_blob_rawsize(b);
			n = n < sizeof v ? n : sizeof v - 1;
			memcpy(v, git_blob_rawcontent(b), n);
			v[n] = '\0';
			layout = atoi(v) >= 2 ? 2 : 1;
		}
	}
	git_blob_free(b);
	git_tree_free(t);
	git_commit_free(c);
	return layout;
}

/* The layout of the archive at path: its head's (the LAYOUT file in the root,
 * none: 1), or for an archive with no commits yet the current one
 * (MCASSESS_ARCHIVE_LAYOUT=1 makes one of the older layout: the tests use it). */
static int head_layout(const char *path)
{
	git_repository *repo = NULL;
	const char *want = getenv("MCASSESS_ARCHIVE_LAYOUT");
	int layout = want && strcmp(want, "1") == 0 ? 1 : STORE_ARCHIVE_LAYOUT;
	git_oid head;
	if (git_repository_open_bare(&repo, path) < 0)
		return layout;
	if (git_reference_name_to_id(&head, repo, MAIN_REF) == 0)
		layout = commit_layout(repo, &head);
	git_repository_free(repo);
	return layout;
}

static int count_subs(void *ctx, const char *subject)
{
	if (strncmp(subject, "submission:", 11) == 0)
		(*(long *)ctx)++;
	return 0;
}

static int log_index_update(struct arc *a, struct mc_error *err);

/* The log index, built now while the user waits for init anyway (attaching an
 * archive with a long history would otherwise make the first `archive log` or
 * history pane walk it). A failure is not init's: archive_log catches up, or
 * walks, when it must. */
static void log_index_at_init(struct store *s)
{
	struct arc a;
	int configured;
	struct mc_error e = MC_ERROR_INIT;
	progress_report("indexing the archive's history", 0, -1);
	if (arc_open(s, &a, &configured, &e) == MC_OK && configured && a.has_head)
		(void)log_index_update(&a, &e);
	arc_close(&a);
	mc_error_clear(&e);
}

/* What libgit2's object cache may hold during init, pull and push (which
 * read every object of an archive). It counts objects' raw sizes: a
 * submission's small tree (45 bytes) takes ~512 once parsed, so 2 MiB of them
 * held 23 MB at 20,000 submissions. (The packs' windows: lib_init.) */
#define INIT_CACHE_MAX (256 << 10)

static void lib_bound(void)
{
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)INIT_CACHE_MAX);
}

int archive_init(struct store *s, const char *path, struct archive_init_result *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	out->path = path ? absolute(path) : mc_xasprintf("%s.archive.git", store_path(s));
	if (out->path[0] != '/') {
		char *abs = absolute(out->path);
		free(out->path);
		out->path = abs;
	}
	char *old = NULL;
	int rc = store_archive_configured(s, &old, err);
	if (rc == MC_OK && old && strcmp(old, out->path) != 0)
		rc = mc_error_set(err, MC_FAIL, "this database's archive is already %s; it keeps one archive "
				  "(push it elsewhere with 'mcassess archive push PATH')", old);
	free(old);
	if (rc == MC_OK)
		rc = lib_init(err);
	if (rc == MC_OK) /* init reads back all it wrote (the log index): libgit2's caches bounded */
		lib_bound();
	if (rc == MC_OK)
		rc = create_or_attach(out->path, &out->created, err);
	if (rc != MC_OK)
		return rc;
	if ((rc = store_begin(s, err)) != MC_OK)
		return rc;
	char *id = NULL;
	long long last = 0;
	char lasthash[MC_SHA256_HEX];
	rc = store_meta_get(s, "archive_id", &id, err);
	if (rc == MC_OK && !id) {
		char uid[MC_UUID_LEN];
		rc = mc_uuid(uid, err);
		if (rc == MC_OK)
			rc = store_meta_set(s, "archive_id", uid, err);
	}
	free(id);
	if (rc == MC_OK)
		rc = store_audit_last(s, &last, lasthash, err);
	char from[32];
	snprintf(from, sizeof from, "%lld", last + 1);
	if (rc == MC_OK)
		rc = store_meta_set(s, "archive_path", out->path, err);
	char layout[16];
	snprintf(layout, sizeof layout, "%d", head_layout(out->path));
	if (rc == MC_OK)
		rc = store_meta_set(s, "archive_layout", layout, err);
	if (rc == MC_OK)
		rc = store_meta_set(s, "archive_from_seq", from, err);
	json_t *after = json_pack("{s:s}", "path", out->path);
	char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(after);
	if (rc == MC_OK)
		rc = audit_append(s, "archive", "database", NULL, a, err);
	free(a);
	if (rc != MC_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err)) != MC_OK)
		return rc;
	long n = 0;
	if ((rc = archive_drain(s, &n, err)) != MC_OK)
		return rc;
	char *head = NULL;
	rc = store_meta_get(s, "archive_head", &head, err);
	snprintf(out->commit, sizeof out->commit, "%s", head ? head : "");
	free(head);
	if (rc == MC_OK)
		rc = store_archive_each_subject(s, count_subs, &out->submissions, err);
	if (rc == MC_OK)
		log_index_at_init(s);
	return rc;
}

void archive_init_result_free(struct archive_init_result *r)
{
	free(r->path);
	r->path = NULL;
}

/* ---------------------------------------------------------------- log */

static int entry_oid(git_repository *repo, const git_commit *c, const char *path, git_oid *out)
{
	git_tree *t;
	git_tree_entry *e;
	if (git_commit_tree(&t, c) < 0)
		return 0;
	int found = git_tree_entry_bypath(&e, t, path) == 0;
	if (found) {
		git_oid_cpy(out, git_tree_entry_id(e));
		git_tree_entry_free(e);
	}
	git_tree_free(t);
	(void)repo;
	return found;
}

/* Did this commit change the path, or name the subject? */
static int touches(git_repository *repo, const git_commit *c, const char *path, const char *trailer)
{
	if (strstr(git_commit_message(c), trailer))
		return 1;
	git_oid mine, theirs;
	int have = entry_oid(repo, c, path, &mine);
	if (git_commit_parentcount(c) == 0)
		return have;
	git_commit *p;
	if (git_commit_parent(&p, c, 0) < 0)
		return have;
	int had = entry_oid(repo, p, path, &theirs);
	git_commit_free(p);
	return have != had || (have && !git_oid_equal(&mine, &theirs));
}

/* One entry of the log: commit c (id oid) to fn. Its return (1: stop). */
static int log_entry(git_commit *c, const git_oid *oid, int (*fn)(void *ctx, const struct archive_log_entry *e),
		     void *ctx)
{
	char hex[GIT_OID_HEXSZ + 1], at[MC_TIME_LEN];
	git_oid_tostr(hex, sizeof hex, oid);
	const git_signature *au = git_commit_author(c);
	mc_time_format((time_t)au->when.time, at);
	char *sum = mc_xstrdup(git_commit_summary(c) ? git_commit_summary(c) : "");
	struct archive_log_entry e = { hex, at, au->name, au->email, sum, git_commit_message(c) };
	int stop = fn(ctx, &e);
	free(sum);
	return stop;
}

/* The whole history, oldest first: what the log index stands for. */
static int history_walk(struct arc *a, git_revwalk **w)
{
	*w = NULL;
	if (git_revwalk_new(w, a->repo) < 0 || git_revwalk_push(*w, &a->head) < 0)
		return -1;
	git_revwalk_sorting(*w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	return 0;
}

/* Every commit, asked whether it touches the submission. */
static int log_walk(struct arc *a, const char *path, const char *trailer,
		    int (*fn)(void *ctx, const struct archive_log_entry *e), void *ctx, long *shown,
		    struct mc_error *err)
{
	git_revwalk *w = NULL;
	if (history_walk(a, &w) < 0) {
		git_revwalk_free(w);
		return gfail(a, err, "walking the history");
	}
	git_oid oid;
	while (git_revwalk_next(&oid, w) == 0) {
		git_commit *c;
		if (git_commit_lookup(&c, a->repo, &oid) < 0)
			continue;
		int stop = 0;
		if (touches(a->repo, c, path, trailer)) {
			stop = log_entry(c, &oid, fn, ctx);
			(*shown)++;
		}
		git_commit_free(c);
		if (stop)
			break;
	}
	git_revwalk_free(w);
	return MC_OK;
}

/* Bring the log index up to the head: the commits on top of the one it covers
 * when they are a line of single-parent commits (each one then comes last in
 * the walk, after all it had before), else the whole history again (a pull's
 * merge, another archive, an index never built). */
/* Each commit of the history indexed: line[0..n) (newest first) when on_top,
 * else the whole history. */
static int log_index_walk(struct arc *a, const git_oid *line, size_t n, int on_top, struct mc_error *err)
{
	int rc = MC_OK;
	if (on_top) {
		for (size_t k = 0; rc == MC_OK && k < n; k++) {
			git_commit *c;
			const git_oid *id = &line[n - 1 - k];
			if (git_commit_lookup(&c, a->repo, id) < 0) {
				rc = gfail(a, err, "reading the history");
				break;
			}
			index_commit(a, (long long)k, id, c);
			git_commit_free(c);
			arc_pack_maps_bound(a->objects);
		}
		a->lcommits = (long long)n;
		return rc;
	}
	git_revwalk *w = NULL;
	if (history_walk(a, &w) < 0)
		rc = gfail(a, err, "walking the history");
	git_oid oid;
	while (rc == MC_OK && git_revwalk_next(&oid, w) == 0) {
		git_commit *c;
		if (git_commit_lookup(&c, a->repo, &oid) < 0)
			continue; /* as the walk does */
		index_commit(a, a->lcommits, &oid, c);
		git_commit_free(c);
		a->lcommits++;
		arc_pack_maps_bound(a->objects);
	}
	git_revwalk_free(w);
	return rc;
}

static int log_index_update(struct arc *a, struct mc_error *err)
{
	char *have = NULL, hex[GIT_OID_HEXSZ + 1];
	long long count = 0;
	int rc = store_archive_log_state(a->s, &have, &count, err);
	git_oid_tostr(hex, sizeof hex, &a->head);
	if (rc != MC_OK || (have && strcmp(have, hex) == 0)) {
		free(have);
		return rc;
	}
	lrows_clear(a);
	git_oid want, cur, *line = NULL;
	size_t n = 0, cap = 0;
	int on_top = 0;
	git_oid_cpy(&cur, &a->head);
	if (have && git_oid_fromstr(&want, have) == 0) {
		for (;;) {
			if (git_oid_equal(&cur, &want)) {
				on_top = 1;
				break;
			}
			git_commit *c;
			if (git_commit_lookup(&c, a->repo, &cur) < 0)
				break;
			int single = git_commit_parentcount(c) == 1;
			if (single) {
				if (n == cap) {
					cap = cap ? 2 * cap : 64;
					line = mc_xrealloc(line, cap * sizeof *line);
				}
				git_oid_cpy(&line[n++], &cur);
				git_oid_cpy(&cur, git_commit_parent_id(c, 0));
			}
			git_commit_free(c);
			if (!single)
				break;
		}
	}
	/* the rows go to the store in pieces, in one transaction: archive init's
	 * commit alone names every submission */
	long long base = 0;
	int covers = 0, began = (rc = store_begin(a->s, err)) == MC_OK;
	if (rc == MC_OK)
		rc = store_archive_log_begin(a->s, on_top ? have : NULL, !on_top, &base, &covers, err);
	if (rc == MC_OK && covers) {
		a->lflush = a->s;
		a->lbase = base;
		a->lrc = MC_OK;
		a->lerr = err;
		rc = log_index_walk(a, line, n, on_top, err);
		lrows_flush(a);
		if (rc == MC_OK)
			rc = a->lrc;
		if (rc == MC_OK)
			rc = store_archive_log_end(a->s, hex, base + a->lcommits, err);
		a->lflush = NULL;
	}
	if (began && rc == MC_OK)
		rc = store_commit(a->s, err);
	else if (began)
		store_rollback(a->s);
	free(line);
	free(have);
	lrows_clear(a);
	return rc;
}

struct log_show {
	struct arc *a;
	int (*fn)(void *ctx, const struct archive_log_entry *e);
	void *ctx;
	long shown;
};

static int log_show(void *ctx, const char *commit)
{
	struct log_show *ls = ctx;
	git_oid oid;
	git_commit *c;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, ls->a->repo, &oid) < 0)
		return 0;
	int stop = log_entry(c, &oid, ls->fn, ls->ctx);
	git_commit_free(c);
	ls->shown++;
	return stop;
}

/* The log from the index (brought up to the head first), or, when that cannot
 * be written (a read-only database) or MCASSESS_ARCHIVE_LOG_WALK is set (the
 * tests compare the two), by walking the whole history. */
int archive_log(struct store *s, const char *submission_id,
		int (*fn)(void *ctx, const struct archive_log_entry *e), void *ctx, struct mc_error *err)
{
	int rc = access_submission(s, submission_id, ACCESS_READ, NULL, err);
	if (rc != MC_OK)
		return rc;
	struct arc a;
	int configured;
	rc = arc_open(s, &a, &configured, err);
	if (rc == MC_OK && !configured)
		rc = mc_error_set(err, MC_FAIL, "%s has no archive: run 'mcassess archive init' first", store_path(s));
	if (rc == MC_OK && !a.has_head)
		rc = mc_error_set(err, MC_FAIL, "the archive %s has no commits yet", a.path);
	if (rc != MC_OK) {
		arc_close(&a);
		return rc;
	}
	char *subject = mc_xasprintf("submission:%s", submission_id);
	char *path = store_archive_path(a.layout, subject);
	struct log_show ls = { &a, fn, ctx, 0 };
	const char *walk = getenv("MCASSESS_ARCHIVE_LOG_WALK");
	struct mc_error e2 = MC_ERROR_INIT;
	if ((walk && *walk) || log_index_update(&a, &e2) != MC_OK) {
		char *trailer = mc_xasprintf("\nSubject: %s\n", subject);
		rc = log_walk(&a, path, trailer, fn, ctx, &ls.shown, err);
		free(trailer);
	} else {
		rc = store_archive_log_each(s, path, subject, log_show, &ls, err);
	}
	mc_error_clear(&e2);
	if (rc == MC_OK && ls.shown == 0)
		rc = mc_error_set(err, MC_FAIL, "no submission '%s' in the archive %s", submission_id, a.path);
	free(subject);
	free(path);
	arc_close(&a);
	return rc;
}

/* ---------------------------------------------------------------- check */

struct ck {
	struct arc *a;
	void (*report)(void *, const char *);
	void *ctx;
	long *problems;
	git_tree *tree;
	char head7[12];
	char **seen; /* archive paths the database has, for the other direction */
	size_t nseen, capseen;
	int pulled;
	long foreign;
	/* a pull stopped between its steps (ARC_PULL_PENDING): the remote's
	 * head it was pulling, whose tree holds the records it brought so far */
	git_oid pending;
	git_tree *pending_tree;
	long long pending_done, pending_total;
	int hide_educators; /* the user may be held blind to an educator (queue_viewer_blind) */
	const struct archive_known *known; /* files the caller hashed, or NULL */
	long older;         /* records written before the archive kept reads, due dates, removals */
	long older_fields;  /* the fields those records lack */
	char *older_first;  /* the first of them, named in the one problem they make */
	struct mc_error *err;
	int rc;
};

/* A field the archive's records gained after archives existed (reads ended,
 * due dates, a person's removal): a record written before lacks it whole. */
static int newer_field(const char *key)
{
	const char *last = strrchr(key, '.');
	last = last ? last + 1 : key;
	return strcmp(last, "reads") == 0 || strcmp(last, "due_at") == 0 || strcmp(last, "removed") == 0;
}

/* Who an educator is stays with coordinators and admins, even in a report of
 * tampering: an assessor who may score blind is told that, not what. */
static int names_educator(const struct ck *c, const char *what, const char *key)
{
	return c->hide_educators && (strncmp(what, "educator", 8) == 0 || strncmp(key, "educator", 8) == 0 ||
				     strncmp(what, "educators/", 10) == 0);
}

static void problem(struct ck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct ck *c, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	c->report(c->ctx, msg);
	(*c->problems)++;
	free(msg);
}

static char *shown(json_t *v)
{
	if (!v)
		return mc_xstrdup("nothing");
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	char *out = strlen(t) > 80 ? mc_xasprintf("%.77s...", t) : mc_xstrdup(t);
	free(t);
	return out;
}

static void diff_json(struct ck *c, const char *what, const char *key, json_t *db, json_t *ar)
{
	if (json_is_object(db) && json_is_object(ar)) {
		const char *k;
		json_t *v;
		json_object_foreach(db, k, v) {
			char *sub = *key ? mc_xasprintf("%s.%s", key, k) : mc_xstrdup(k);
			diff_json(c, what, sub, v, json_object_get(ar, k));
			free(sub);
		}
		json_object_foreach(ar, k, v) {
			if (json_object_get(db, k))
				continue;
			char *sub = *key ? mc_xasprintf("%s.%s", key, k) : mc_xstrdup(k);
			diff_json(c, what, sub, NULL, v);
			free(sub);
		}
		return;
	}
	if (json_is_array(db) && json_is_array(ar) && json_array_size(db) == json_array_size(ar)) {
		for (size_t i = 0; i < json_array_size(db); i++) {
			char *sub = mc_xasprintf("%s[%zu]", key, i);
			diff_json(c, what, sub, json_array_get(db, i), json_array_get(ar, i));
			free(sub);
		}
		return;
	}
	if (db && ar && json_equal(db, ar))
		return;
	if (db && !ar && newer_field(key)) { /* one problem for them all, with the command that mends it */
		c->older_fields++;
		if (!c->older_first)
			c->older_first = mc_xstrdup(what);
		return;
	}
	if (names_educator(c, what, key)) {
		problem(c, "archive: an educator's record differs from the archive (head %s); a coordinator or "
			   "admin running this sees how", c->head7);
		return;
	}
	char *d = shown(db), *r = shown(ar);
	problem(c, "archive: %s: %s: the database has %s but the archive (head %s) has %s", what, key, d,
		c->head7, r);
	free(d);
	free(r);
}

static void seen_add(struct ck *c, char *path)
{
	if (c->nseen == c->capseen) {
		c->capseen = c->capseen ? 2 * c->capseen : 256;
		c->seen = mc_xrealloc(c->seen, c->capseen * sizeof *c->seen);
	}
	c->seen[c->nseen++] = path;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *blob_text(git_repository *repo, const git_oid *oid)
{
	git_blob *b;
	if (git_blob_lookup(&b, repo, oid) < 0)
		return NULL;
	char *t = mc_xstrndup(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return t;
}

/* path in the archive's tree, or else in that of a pull stopped between its
 * steps: what it brought is in the remote's tree, not yet in ours (the branch
 * moves when the pull ends). A record both trees hold is the remote's when
 * that is the database's (want: its blob id; NULL: any), as the step took it.
 * 0: found. */
static int entry_of(const struct ck *c, const char *path, const git_oid *want, git_tree_entry **e)
{
	git_tree_entry *theirs = NULL;
	int have = git_tree_entry_bypath(e, c->tree, path) == 0;
	if (have && (!want || !c->pending_tree || git_oid_equal(want, git_tree_entry_id(*e))))
		return 0;
	if (c->pending_tree && git_tree_entry_bypath(&theirs, c->pending_tree, path) == 0 &&
	    (!have || git_oid_equal(want, git_tree_entry_id(theirs)))) {
		git_tree_entry_free(have ? *e : NULL);
		*e = theirs;
		return 0;
	}
	git_tree_entry_free(theirs);
	return have ? 0 : -1;
}

static int check_subject(void *ctx, const char *subject)
{
	struct ck *c = ctx;
	int pending;
	c->rc = store_archive_outbox_has(c->a->s, subject, &pending, c->err);
	if (c->rc != MC_OK)
		return 1;
	char *path = store_archive_path(c->a->layout, subject);
	if (!path)
		return 0;
	seen_add(c, path);
	if (pending)
		return 0; /* on its way: the backlog is reported once */
	char *record = NULL;
	if ((c->rc = store_archive_record(c->a->s, subject, &record, c->err)) != MC_OK)
		return 1;
	char *name = mc_xstrdup(subject), *colon = strchr(name, ':');
	*colon = ' '; /* "submission HX-101" */
	git_tree_entry *e = NULL;
	git_oid want;
	git_odb_hash(&want, record, strlen(record), GIT_OBJECT_BLOB);
	if (entry_of(c, path, &want, &e) != 0) {
		if (names_educator(c, subject, ""))
			problem(c, "archive: an educator's record is in the database but not in the archive (head "
				   "%s); a coordinator or admin running this sees which", c->head7);
		else
			problem(c, "archive: %s is in the database but not in the archive (head %s, no %s): its "
				   "commit is missing", name, c->head7, path);
		free(record);
		free(name);
		return 0;
	}
	git_odb_object *obj = NULL;
	git_odb *odb = NULL;
	if (git_oid_equal(&want, git_tree_entry_id(e))) {
		/* the right id: is the object itself there and whole? (a crash can
		 * leave an object file empty; reading checks its hash) */
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, &want);
		if (git_repository_odb(&odb, c->a->repo) < 0 || git_odb_read(&obj, odb, &want) < 0)
			problem(c, "archive: %s: the archive's copy (%s, object %.10s) cannot be read: %s; the "
				   "database holds the record: run 'mcassess archive init' to commit it again", name,
				path, hex, git_why());
		git_odb_object_free(obj);
		git_odb_free(odb);
	} else {
		char *theirs = blob_text(c->a->repo, git_tree_entry_id(e));
		json_t *db = json_loads(record, 0, NULL), *ar = theirs ? json_loads(theirs, 0, NULL) : NULL;
		long before = *c->problems, lacking = c->older_fields;
		diff_json(c, name, "", db, ar);
		int older = c->older_fields > lacking; /* counted once, for the record */
		c->older += older;
		if (older)
			; /* its form differs as its format does */
		else if (*c->problems == before && names_educator(c, subject, ""))
			problem(c, "archive: an educator's record differs from the archive (head %s) in its form "
				   "only", c->head7);
		else if (*c->problems == before)
			problem(c, "archive: %s: the record differs from the archive's %s (head %s) in its "
				   "form only", name, path, c->head7);
		json_decref(db);
		json_decref(ar);
		free(theirs);
	}
	git_tree_entry_free(e);
	free(record);
	free(name);
	return 0;
}

static int only_in_archive(const char *root, const git_tree_entry *e, void *payload)
{
	struct ck *c = payload;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	char *path = mc_xasprintf("%s%s", root, git_tree_entry_name(e));
	if (strncmp(path, "evidence/", 9) == 0 || !strchr(path, '/') ||
	    bsearch(&path, c->seen, c->nseen, sizeof *c->seen, str_cmp)) {
		free(path);
		return 0;
	}
	if (c->pulled) {
		c->foreign++;
	} else if (names_educator(c, path, "")) {
		problem(c, "archive: an educator's record is in the archive (head %s) but not in the database: "
			   "removed outside mcassess; a coordinator or admin running this sees which", c->head7);
	} else {
		char *text = blob_text(c->a->repo, git_tree_entry_id(e));
		json_t *j = text ? json_loads(text, 0, NULL) : NULL;
		const char *id = json_string_value(json_object_get(j, "id"));
		problem(c, "archive: %s (%s) is in the archive (head %s) but not in the database: removed "
			   "outside mcassess", path, id ? id : "?", c->head7);
		json_decref(j);
		free(text);
	}
	free(path);
	return 0;
}

static int check_evidence(void *ctx, const char *sha, int is_file)
{
	struct ck *c = ctx;
	char *path = store_archive_evidence_path(c->a->layout, sha);
	git_tree_entry *e = NULL;
	int have = entry_of(c, path, NULL, &e) == 0;
	git_tree_entry_free(e);
	char *file = is_file && have ? evstore_path(store_evidence_dir(c->a->s), sha) : NULL;
	int altered = 0;
	if (file && c->known) {
		altered = c->known->naltered && /* bsearch may not take NULL */
			  bsearch(&sha, c->known->altered, c->known->naltered, sizeof *c->known->altered,
				  str_cmp) != NULL;
	} else if (file) {
		char got[MC_SHA256_HEX];
		altered = mc_sha256_file(file, got, NULL) == 0 && strcmp(got, sha) != 0;
	}
	if (!have)
		problem(c, "archive: evidence %.12s... is in the database but not in the archive (head %s, no %s)",
			sha, c->head7, path);
	else if (altered)
		problem(c, "archive: evidence file %s was altered on disk; the archive holds the original: "
			   "git --git-dir=%s show main:%s > %s", file, c->a->path, path, file);
	free(file);
	free(path);
	return 0;
}

/* The audit log against the commits: every row from the archive's start has its
 * commit (or waits in the outbox), and every commit's row is still there. */
struct crow {
	long long seq, first; /* an import's commit records rows first..seq; others first == seq */
	long long nmatched;
	char hash[MC_SHA256_HEX];
	char commit[12];
	char *summary;
	int matched;
};

struct chain {
	struct ck *c;
	struct crow *v;
	size_t n, cap;
	long long *pending;
	size_t npending, cappending;
};

static int crow_cmp(const void *x, const void *y)
{
	const struct crow *a = x, *b = y;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* bsearch: the commit whose rows include key's seq */
static int crow_in(const void *k, const void *y)
{
	const struct crow *key = k, *b = y;
	return key->seq < b->first ? -1 : key->seq > b->seq;
}

static int pend_add(void *ctx, const struct store_archive_event *e)
{
	struct chain *ch = ctx;
	if (ch->npending == ch->cappending) {
		ch->cappending = ch->cappending ? 2 * ch->cappending : 16;
		ch->pending = mc_xrealloc(ch->pending, ch->cappending * sizeof *ch->pending);
	}
	ch->pending[ch->npending++] = e->audit_seq;
	return 0;
}

static int is_pending(struct chain *ch, long long seq)
{
	for (size_t i = 0; i < ch->npending; i++)
		if (ch->pending[i] == seq)
			return 1;
	return 0;
}

static int tree_of(struct arc *a, const git_oid *commit, git_tree **out);

/* A pull stopped between its steps, not since finished: said as a note (the
 * database is consistent, the same pull goes on), and the remote's tree it
 * was pulling kept, where what it brought so far is found. */
static int pull_pending(struct ck *c, struct mc_error *err)
{
	char *v = NULL, hex[GIT_OID_HEXSZ + 1];
	long long from;
	int rc = store_meta_get(c->a->s, ARC_PULL_PENDING, &v, err);
	if (rc != MC_OK || !v || sscanf(v, "%40s %lld %lld %lld", hex, &c->pending_done, &c->pending_total, &from) != 4 ||
	    git_oid_fromstr(&c->pending, hex) < 0 || git_oid_equal(&c->pending, &c->a->head) ||
	    git_graph_descendant_of(c->a->repo, &c->a->head, &c->pending) == 1) {
		free(v);
		return rc; /* none, or done: the branch holds it */
	}
	free(v);
	if (tree_of(c->a, &c->pending, &c->pending_tree) < 0) {
		problem(c, "archive: a pull of commit %.10s stopped with %lld of its %lld records in, and that "
			   "commit can no longer be read (%s): run the same 'mcassess archive pull' again", hex,
			c->pending_done, c->pending_total, git_why());
		return MC_OK;
	}
	char *msg = mc_xasprintf("archive: note: a pull (of commit %.10s) stopped with %lld of its %lld records "
				 "in this database; the same 'mcassess archive pull' goes on from record %lld", hex,
				 c->pending_done, c->pending_total, c->pending_done + 1);
	c->report(c->ctx, msg);
	free(msg);
	return MC_OK;
}

/* A row an archive pull merged (store_merge_settle) has no commit of ours:
 * the commit it came from, which the pull's merge brought into the history,
 * is its commit. */
static int pulled_in(struct ck *c, const struct audit_row *r)
{
	char *source = NULL;
	struct mc_error e2 = MC_ERROR_INIT;
	git_oid id;
	int in = store_merge_source_of(c->a->s, r->uid, &source, &e2) == MC_OK && source &&
		 git_oid_fromstr(&id, source + strlen("archive:")) == 0 &&
		 (git_oid_equal(&id, &c->a->head) || git_graph_descendant_of(c->a->repo, &c->a->head, &id) == 1 ||
		  (c->pending_tree && (git_oid_equal(&id, &c->pending) ||
				       git_graph_descendant_of(c->a->repo, &c->pending, &id) == 1)));
	mc_error_clear(&e2);
	free(source);
	return in;
}

static int chain_row(void *ctx, const struct audit_row *r)
{
	struct chain *ch = ctx;
	struct crow key = { .seq = r->seq };
	struct crow *m = bsearch(&key, ch->v, ch->n, sizeof *ch->v, crow_in);
	/* Still in the outbox and not committed: it waits. In the outbox and
	 * committed: a writer was stopped after the branch moved and before the
	 * database noted it (the next drain notes it); the commit is this row's. */
	if (!m && (is_pending(ch, r->seq) || pulled_in(ch->c, r)))
		return 0;
	if (!m)
		problem(ch->c, "archive: audit row %lld (%s %s, by %s at %s) has no commit in the archive "
			       "(head %s): a commit is missing", r->seq, r->action, r->subject, r->actor, r->at,
			ch->c->head7);
	else if (m->seq == r->seq && strcmp(m->hash, r->hash ? r->hash : "") != 0)
		problem(ch->c, "archive: audit row %lld (%s %s, by %s at %s) is not the one commit %s recorded "
			       "(\"%s\"): the database's row was replaced", r->seq, r->action, r->subject, r->actor,
			r->at, m->commit, m->summary);
	if (m) {
		m->matched = m->seq == r->seq;
		m->nmatched++;
	}
	return 0;
}

static int check_chain(struct ck *c, struct mc_error *err)
{
	struct chain ch = { .c = c };
	git_revwalk *w = NULL;
	int rc = MC_OK;
	if (git_revwalk_new(&w, c->a->repo) < 0 || git_revwalk_push(w, &c->a->head) < 0)
		rc = gfail(c->a, err, "walking the history");
	git_oid oid;
	int wr;
	while (rc == MC_OK && (wr = git_revwalk_next(&oid, w)) != GIT_ITEROVER) {
		git_commit *cm;
		if (wr < 0 || git_commit_lookup(&cm, c->a->repo, &oid) < 0) {
			problem(c, "archive: the history cannot be read past commit %.10s: %s (corrupt or missing "
				   "objects); the database holds the records: run 'mcassess archive init' to commit its "
				   "state again", wr < 0 ? "?" : git_oid_tostr_s(&oid), git_why());
			break;
		}
		const char *msg = git_commit_message(cm);
		long long seq = trailer_seq(msg, c->a->id);
		const char *h = strstr(msg, "\nAudit-Hash: ");
		if (seq > 0 && h) {
			if (ch.n == ch.cap) {
				ch.cap = ch.cap ? 2 * ch.cap : 256;
				ch.v = mc_xrealloc(ch.v, ch.cap * sizeof *ch.v);
			}
			struct crow *r = &ch.v[ch.n++];
			memset(r, 0, sizeof *r);
			r->seq = r->first = seq;
			const char *f = strstr(msg, "\nAudit-First: ");
			if (f && atoll(f + 14) > 0 && atoll(f + 14) < seq)
				r->first = atoll(f + 14);
			snprintf(r->hash, sizeof r->hash, "%.64s", h + 13);
			git_oid_tostr(r->commit, sizeof r->commit, &oid);
			r->summary = mc_xstrdup(git_commit_summary(cm) ? git_commit_summary(cm) : "");
		}
		git_commit_free(cm);
	}
	git_revwalk_free(w);
	qsort(ch.v, ch.n, sizeof *ch.v, crow_cmp);
	char *from = NULL;
	if (rc == MC_OK)
		rc = store_meta_get(c->a->s, "archive_from_seq", &from, err);
	if (rc == MC_OK)
		rc = store_archive_outbox_each(c->a->s, pend_add, &ch, err);
	if (rc == MC_OK)
		rc = store_audit_from(c->a->s, from ? atoll(from) : 1, chain_row, &ch, err);
	for (size_t i = 0; i < ch.n; i++) {
		struct crow *r = &ch.v[i];
		if (r->seq < (from ? atoll(from) : 1))
			; /* before the archive was (re)started from this database: not checked */
		else if (rc == MC_OK && !r->matched)
			problem(c, "archive: commit %s (\"%s\") records audit row %lld, which the database no longer "
				   "has: the row was deleted", r->commit, r->summary, r->seq);
		else if (rc == MC_OK && r->nmatched < r->seq - r->first + 1)
			problem(c, "archive: commit %s (\"%s\") records audit rows %lld to %lld; the database no "
				   "longer has %lld of them: rows were deleted", r->commit, r->summary, r->first,
				r->seq, r->seq - r->first + 1 - r->nmatched);
		free(ch.v[i].summary);
	}
	free(ch.v);
	free(ch.pending);
	free(from);
	return rc;
}

static void check_head(struct ck *c)
{
	char *noted = NULL;
	struct mc_error e2 = MC_ERROR_INIT;
	git_oid want;
	if (store_meta_get(c->a->s, "archive_head", &noted, &e2) == MC_OK && noted &&
	    git_oid_fromstr(&want, noted) == 0 && !git_oid_equal(&want, &c->a->head) &&
	    git_graph_descendant_of(c->a->repo, &c->a->head, &want) != 1)
		problem(c, "archive: commit %.10s, the last mcassess wrote, is not in the history of %s's 'main' "
			   "(head %s): the archive's history was cut or rewritten", noted, c->a->path, c->head7);
	mc_error_clear(&e2);
	free(noted);
}

struct waiting {
	long long done, n; /* events up to `done` are in the archive already */
};

static int count_waiting(void *ctx, const struct store_archive_event *e)
{
	struct waiting *w = ctx;
	w->n += e->audit_seq > w->done;
	return 0;
}

/* What waits in the outbox. Events whose commits the branch already holds (a
 * writer stopped before noting them) are not waiting: the next drain notes them. */
static int backlog(struct arc *a, const char *path, void (*report)(void *, const char *), void *ctx,
		   long *problems, struct mc_error *err)
{
	long long n;
	char *oldest, *last;
	struct waiting w = { .done = a->repo ? head_seq(a) : 0 };
	int rc = store_archive_outbox_count(a->s, &n, &oldest, &last, err);
	if (rc == MC_OK && n > 0)
		rc = store_archive_outbox_each(a->s, count_waiting, &w, err);
	if (rc == MC_OK && w.n > 0) {
		char *msg = mc_xasprintf("archive: %lld change%s wait%s in the outbox, not yet committed to %s "
					 "(oldest: %s%s%s); the next mcassess command that can write the archive "
					 "commits them in order", w.n, w.n == 1 ? "" : "s", w.n == 1 ? "s" : "", path,
					 oldest ? oldest : "?", last ? "; last error: " : "", last ? last : "");
		report(ctx, msg);
		(*problems)++;
		free(msg);
	}
	free(oldest);
	free(last);
	return rc;
}

int archive_check(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx, long *problems,
		  const struct archive_known *known, struct mc_error *err)
{
	struct arc a;
	int configured;
	struct mc_error e2 = MC_ERROR_INIT;
	int rc = arc_open(s, &a, &configured, &e2);
	if (!configured) {
		arc_close(&a);
		mc_error_clear(&e2);
		return MC_OK;
	}
	char *path = NULL;
	if (store_archive_configured(s, &path, err) != MC_OK || !path) {
		arc_close(&a);
		mc_error_clear(&e2);
		return MC_FAIL;
	}
	rc = rc == MC_OK ? MC_OK : MC_FAIL;
	int brc = backlog(&a, path, report, ctx, problems, err);
	if (brc != MC_OK) {
		free(path);
		arc_close(&a);
		mc_error_clear(&e2);
		return brc;
	}
	if (rc != MC_OK) {
		char *msg = mc_xasprintf("archive: %s", mc_error_msg(&e2));
		report(ctx, msg);
		(*problems)++;
		free(msg);
		free(path);
		arc_close(&a);
		mc_error_clear(&e2);
		return MC_OK;
	}
	mc_error_clear(&e2);
	free(path);
	struct ck c = { .a = &a, .report = report, .ctx = ctx, .problems = problems, .known = known, .err = err };
	struct queue_viewer v;
	if ((rc = queue_viewer_load(s, session_user(s), &v, err)) != MC_OK) {
		queue_viewer_free(&v);
		arc_close(&a);
		return rc;
	}
	c.hide_educators = queue_viewer_blind(&v, 1); /* the one rule, as if blind to every educator */
	queue_viewer_free(&v);
	git_commit *head = NULL;
	if (!a.has_head || git_commit_lookup(&head, a.repo, &a.head) < 0 || git_commit_tree(&c.tree, head) < 0) {
		problem(&c, "archive: %s has no commits on 'main': run 'mcassess archive init' again", a.path);
		git_commit_free(head);
		arc_close(&a);
		return MC_OK;
	}
	git_commit_free(head);
	git_oid_tostr(c.head7, sizeof c.head7, &a.head);
	char *pulled = NULL;
	rc = store_meta_get(s, "archive_pulled", &pulled, err);
	c.pulled = pulled != NULL;
	free(pulled);
	if (rc == MC_OK)
		rc = pull_pending(&c, err);
	if (rc == MC_OK)
		rc = store_archive_each_subject(s, check_subject, &c, err);
	if (rc == MC_OK)
		rc = c.rc;
	if (rc == MC_OK) {
		qsort(c.seen, c.nseen, sizeof *c.seen, str_cmp);
		git_tree_walk(c.tree, GIT_TREEWALK_PRE, only_in_archive, &c);
		if (c.foreign > 0) {
			char *msg = mc_xasprintf("archive: note: %ld record%s in the archive came from other archives "
						 "(archive pull) and are not in this database", c.foreign,
						 c.foreign == 1 ? "" : "s");
			report(ctx, msg); /* a note, not a problem */
			free(msg);
		}
	}
	if (rc == MC_OK && c.older)
		problem(&c, "archive: %ld record%s (the first: %s) %s written before the archive kept reads, due "
			    "dates and removals, and %s them; 'mcassess archive init %s' records them (nothing else "
			    "changes)", c.older, c.older == 1 ? "" : "s", c.older_first, c.older == 1 ? "was" : "were",
			c.older == 1 ? "lacks" : "lack", a.path);
	free(c.older_first);
	if (rc == MC_OK)
		rc = store_archive_evidence_committed_each(s, check_evidence, &c, err);
	if (rc == MC_OK)
		rc = check_chain(&c, err);
	if (rc == MC_OK)
		check_head(&c);
	for (size_t i = 0; i < c.nseen; i++)
		free(c.seen[i]);
	free(c.seen);
	git_tree_free(c.tree);
	git_tree_free(c.pending_tree);
	arc_close(&a);
	return rc;
}

/* ---------------------------------------------------------------- push and pull */

struct push_status {
	struct arc_auth auth; /* first: the callbacks' payload is both */
	char *rejected;
};

/* ssh:// credentials and host keys: archive_ssh.c */
static void remote_callbacks(git_remote_callbacks *cb, struct push_status *ps)
{
	cb->credentials = arc_ssh_cred;
	cb->certificate_check = arc_ssh_cert;
	cb->payload = ps;
}

static int remote_fail(struct push_status *ps, struct mc_error *err, const char *url, const char *what)
{
	char *why = arc_auth_why(&ps->auth, git_why());
	int rc = mc_error_set(err, MC_FAIL, "%s: %s: %s", url, what, why);
	free(why);
	return rc;
}

static int push_ref_cb(const char *ref, const char *status, void *data)
{
	struct push_status *p = data;
	if (status && !p->rejected)
		p->rejected = mc_xasprintf("%s: %s", ref, status);
	return 0;
}

/* An unnamed remote. insteadOf rewriting is skipped: the URL is used as given
 * (and libgit2 1.5's regex path for it leaks). */
static int remote_new(struct arc *a, const char *url, git_remote **out)
{
	git_remote_create_options o;
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = a->repo;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return git_remote_create_with_opts(out, url, &o);
}

static int remote_of(struct arc *a, const char *given, char **url, struct mc_error *err)
{
	*url = NULL;
	if (given) {
		*url = strstr(given, "://") || given[0] == '/' ? mc_xstrdup(given) : absolute(given);
		return MC_OK;
	}
	int rc = store_meta_get(a->s, "archive_remote", url, err);
	if (rc == MC_OK && !*url)
		rc = mc_error_set(err, MC_USAGE, "no remote given and none used before: mcassess archive push|pull "
				  "REMOTE (a path or an ssh:// URL)");
	return rc;
}

static int remember_remote(struct arc *a, const char *url, const char *pulled, struct mc_error *err)
{
	int rc = store_begin(a->s, err);
	if (rc == MC_OK)
		rc = store_meta_set(a->s, "archive_remote", url, err);
	if (rc == MC_OK && pulled)
		rc = store_meta_set(a->s, "archive_pulled", pulled, err);
	if (rc == MC_OK)
		return store_commit(a->s, err);
	store_rollback(a->s);
	return rc;
}

/* A remote on this machine (a path to a bare archive with a main branch):
 * its objects taken as files (arc_objects_take), not fetched, which indexes
 * every object it receives (tens of bytes each held, ~15 objects a
 * submission: hundreds of MB for a state's archive). *done 0 (and MC_OK):
 * not such a remote, or its head did not arrive: fetch it. A copy that
 * failed is the pull's failure (MC_FAIL, said in err), not a fetch. */
static int fetch_local(struct arc *a, const char *url, git_oid *theirs, int *have, int *done, struct mc_error *err)
{
	git_repository *r = NULL;
	*done = 0;
	if (strstr(url, "://") || git_repository_open_bare(&r, url) < 0)
		return MC_OK;
	int found = git_reference_name_to_id(theirs, r, MAIN_REF) == 0;
	git_repository_free(r);
	if (!found)
		return MC_OK;
	char *from = mc_xasprintf("%s/objects", url);
	size_t taken = 0;
	int rc = arc_objects_take(from, a->objects, &taken);
	int e = errno;
	free(from);
	if (rc != 0 && e == ENOTSUP)
		return MC_OK;
	if (rc != 0)
		return mc_error_set(err, MC_FAIL, "%s: its objects cannot be copied into the archive %s: %s", url,
				    a->path, strerror(e));
	if (taken > 0) /* theirs, as they were written there: perhaps many (init's) */
		join_packs(a, JOIN_MOST);
	git_odb *odb = NULL;
	git_commit *c = NULL;
	git_reference *ref = NULL;
	if (git_repository_odb(&odb, a->repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	if (git_commit_lookup(&c, a->repo, theirs) < 0)
		return MC_OK;
	git_commit_free(c);
	if (git_reference_create(&ref, a->repo, "refs/mcassess/remote", theirs, 1, "archive pull") < 0)
		return gfail(a, err, "noting the remote's head");
	git_reference_free(ref);
	*have = 1;
	*done = 1;
	return MC_OK;
}

/* Fetch the remote's main into refs/mcassess/remote; *have 0 when it has none. */
static int fetch(struct arc *a, const char *url, git_oid *theirs, int *have, struct mc_error *err)
{
	git_remote *rem = NULL;
	*have = 0;
	int done = 0, rc = fetch_local(a, url, theirs, have, &done, err);
	if (rc != MC_OK || done)
		return rc;
	if (remote_new(a, url, &rem) < 0)
		return mc_error_set(err, MC_FAIL, "%s: not a usable remote: %s", url, git_why());
	char *spec = "+" MAIN_REF ":refs/mcassess/remote";
	git_strarray specs = { &spec, 1 };
	git_fetch_options o;
	git_fetch_options_init(&o, GIT_FETCH_OPTIONS_VERSION);
	struct push_status ps = { .auth.url = url, .auth.login = session_user(a->s) };
	remote_callbacks(&o.callbacks, &ps);
	if (git_remote_fetch(rem, &specs, &o, NULL) < 0)
		rc = remote_fail(&ps, err, url, "cannot fetch from it");
	arc_auth_free(&ps.auth);
	git_remote_free(rem);
	if (rc == MC_OK)
		*have = git_reference_name_to_id(theirs, a->repo, "refs/mcassess/remote") == 0;
	return rc;
}

static int ensure_local_remote(const char *url, struct mc_error *err)
{
	struct stat sb;
	if (strstr(url, "://") || stat(url, &sb) == 0)
		return MC_OK;
	git_repository *r = NULL;
	git_repository_init_options o;
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	if (git_repository_init_ext(&r, url, &o) < 0)
		return mc_error_set(err, MC_FAIL, "%s: cannot create a bare repository there: %s", url, git_why());
	git_repository_free(r);
	return MC_OK;
}

/* A push to a remote on this machine (a path to a bare archive): this
 * archive's objects taken into it as files (arc_objects_take, as fetch_local
 * takes theirs) and its main moved from where the fetch found it (THEIRS;
 * HAVE 0: none) to this head, refused if it moved meanwhile. libgit2's push
 * packs every object again (git_packbuilder: an entry held per object, 257 MB
 * for a 20,000-submission archive into an empty one). *pushed 0: not such a
 * remote, or the head did not arrive: push through libgit2. */
static int push_local(struct arc *a, const char *url, const git_oid *theirs, int have, int *pushed,
		      struct mc_error *err)
{
	git_repository *r = NULL;
	*pushed = 0;
	if (strstr(url, "://") || git_repository_open_bare(&r, url) < 0)
		return MC_OK;
	char *to = mc_xasprintf("%s/objects", url);
	size_t taken = 0;
	int rc = arc_objects_take(a->objects, to, &taken);
	int e = errno;
	free(to);
	git_commit *c = NULL;
	if (rc != 0 || git_commit_lookup(&c, r, &a->head) < 0) {
		git_repository_free(r);
		if (rc == 0 || e == ENOTSUP)
			return MC_OK;
		return mc_error_set(err, MC_FAIL, "%s: the archive %s's objects cannot be copied there: %s", url,
				    a->path, strerror(e));
	}
	git_commit_free(c);
	*pushed = 1;
	git_reference *ref = NULL;
	int g = have ? git_reference_create_matching(&ref, r, MAIN_REF, &a->head, 1, theirs, "archive push")
		     : git_reference_create(&ref, r, MAIN_REF, &a->head, 0, "archive push");
	if (g == GIT_EMODIFIED || g == GIT_EEXISTS)
		rc = mc_error_set(err, MC_FAIL, "%s refused the push (its main branch moved while pushing): run "
				  "'mcassess archive pull' first", url);
	else if (g < 0)
		rc = mc_error_set(err, MC_FAIL, "%s: the push failed: its main branch cannot be moved: %s", url,
				  git_why());
	git_reference_free(ref);
	git_repository_free(r);
	return rc;
}

static int open_for_sync(struct store *s, struct arc *a, struct mc_error *err)
{
	int configured;
	int rc = arc_open(s, a, &configured, err);
	if (rc == MC_OK && !configured)
		rc = mc_error_set(err, MC_FAIL, "%s has no archive: run 'mcassess archive init' first", store_path(s));
	if (rc == MC_OK && !a->has_head)
		rc = mc_error_set(err, MC_FAIL, "the archive %s has no commits yet", a->path);
	if (rc == MC_OK)
		rc = arc_lock(a, err);
	return rc;
}

int archive_push(struct store *s, const char *remote, struct archive_sync_result *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	long n;
	struct mc_error e2 = MC_ERROR_INIT;
	archive_drain(s, &n, &e2); /* what waits goes too, if it can */
	mc_error_clear(&e2);
	struct arc a;
	char *url = NULL;
	int rc = open_for_sync(s, &a, err);
	if (rc == MC_OK)
		rc = remote_of(&a, remote, &url, err);
	if (rc == MC_OK)
		rc = ensure_local_remote(url, err);
	git_oid theirs;
	int have = 0;
	if (rc == MC_OK)
		rc = fetch(&a, url, &theirs, &have, err);
	if (rc == MC_OK && have && git_oid_equal(&theirs, &a.head))
		out->up_to_date = 1;
	else if (rc == MC_OK && have && git_graph_descendant_of(a.repo, &a.head, &theirs) != 1)
		rc = mc_error_set(err, MC_FAIL, "%s has commits this archive lacks: run 'mcassess archive pull %s' "
				  "first, then push (history is never overwritten)", url, url);
	int pushed = 0;
	if (rc == MC_OK && !out->up_to_date) {
		lib_bound(); /* libgit2's push reads every object */
		rc = push_local(&a, url, &theirs, have, &pushed, err);
		out->fast_forward = rc == MC_OK && pushed;
	}
	if (rc == MC_OK && !out->up_to_date && !pushed) {
		git_remote *rem = NULL;
		struct push_status ps = { .auth.url = url, .auth.login = session_user(s) };
		char *spec = MAIN_REF ":" MAIN_REF;
		git_strarray specs = { &spec, 1 };
		git_push_options o;
		git_push_options_init(&o, GIT_PUSH_OPTIONS_VERSION);
		remote_callbacks(&o.callbacks, &ps);
		o.callbacks.push_update_reference = push_ref_cb;
		if (remote_new(&a, url, &rem) < 0 || git_remote_push(rem, &specs, &o) < 0)
			rc = remote_fail(&ps, err, url, "the push failed");
		else if (ps.rejected)
			rc = mc_error_set(err, MC_FAIL, "%s refused the push (%s): run 'mcassess archive pull' first",
					  url, ps.rejected);
		else
			out->fast_forward = 1;
		free(ps.rejected);
		arc_auth_free(&ps.auth);
		git_remote_free(rem);
	}
	if (rc == MC_OK)
		rc = remember_remote(&a, url, NULL, err);
	free(url);
	arc_close(&a);
	return rc;
}

/* The audit row this database's archive had reached at commit id: the newest
 * commit of its own along the first parents (0: none). */
static long long seq_at(struct arc *a, const git_oid *id)
{
	git_commit *c = NULL;
	long long seq = 0;
	if (git_commit_lookup(&c, a->repo, id) < 0)
		return 0;
	while (c && !(seq = trailer_seq(git_commit_message(c), a->id))) {
		git_commit *p = NULL;
		if (git_commit_parentcount(c) == 0 || git_commit_parent(&p, c, 0) < 0)
			p = NULL;
		git_commit_free(c);
		c = p;
	}
	git_commit_free(c);
	return seq;
}

static int tree_of(struct arc *a, const git_oid *commit, git_tree **out)
{
	git_commit *c = NULL;
	*out = NULL;
	int r = git_commit_lookup(&c, a->repo, commit) < 0 || git_commit_tree(out, c) < 0 ? -1 : 0;
	git_commit_free(c);
	return r;
}

/* A pull that failed after steps were committed: its "nothing was merged"
 * (or changed) is true of the step that failed only; the steps before it
 * stay, and the same pull goes on from them. */
static int pull_stopped(const char *url, const struct arc_pull_steps *st, int rc, struct mc_error *err)
{
	if (rc == MC_OK || st->committed == 0)
		return rc;
	const char *msg = mc_error_msg(err);
	const char *nothing = strstr(msg, "nothing was merged");
	if (!nothing)
		nothing = strstr(msg, "nothing was changed");
	char *head = mc_xstrndup(msg, nothing ? (size_t)(nothing - msg) : strlen(msg));
	size_t n = strlen(head);
	while (n > 0 && (head[n - 1] == ' ' || head[n - 1] == ':' || head[n - 1] == ';'))
		head[--n] = '\0';
	/* not MC_INVALID (exit 3 says nothing changed) */
	rc = mc_error_set(err, MC_FAIL, "%s; the pull stopped at record %lld of %lld: the first %lld are in this "
			  "database (check is clean) and the archive's branch has not moved; once this is mended, "
			  "'mcassess archive pull %s' goes on from record %lld", head, st->at, st->total, st->records,
			  url, st->records + 1);
	free(head);
	return rc;
}

/* The database follows the archive: the records theirs changed since base
 * (NULL: no common history), merged by the one engine in steps
 * (arc_merge_records: a transaction every pull_step records). */
static int pull_records(struct arc *a, const char *url, const git_oid *theirs, const git_oid *base,
			struct archive_sync_result *out, struct mc_error *err)
{
	git_tree *t_ours = NULL, *t_theirs = NULL, *t_base = NULL;
	git_commit *tc = NULL;
	int rc = MC_OK;
	if (tree_of(a, &a->head, &t_ours) < 0 || tree_of(a, theirs, &t_theirs) < 0 ||
	    (base && tree_of(a, base, &t_base) < 0) || git_commit_lookup(&tc, a->repo, theirs) < 0)
		rc = gfail(a, err, "reading the histories to merge");
	char hex[GIT_OID_HEXSZ + 1], at[MC_TIME_LEN];
	git_oid_tostr(hex, sizeof hex, theirs);
	char *id = mc_xasprintf("archive:%s", hex);
	if (rc == MC_OK)
		mc_time_format((time_t)git_commit_author(tc)->when.time, at);
	struct arc_merge_in in = { .repo = a->repo, .base = t_base, .ours = t_ours, .theirs = t_theirs,
				   .base_seq = base ? seq_at(a, base) : 0, .layout = a->layout, .source_id = id, .url = url,
				   .made_by = rc == MC_OK ? git_commit_author(tc)->name : "", .made_at = at,
				   .hash = hex, .objects = a->objects };
	struct merge_result res = { 0 };
	struct arc_pull_steps steps = { 0 };
	struct arc_files made = { 0 };
	in.made = &made;
	if (rc == MC_OK)
		rc = store_begin(a->s, err);
	if (rc == MC_OK)
		rc = arc_merge_records(a->s, &in, &res, &steps, err);
	MC_CRASH_POINT("archive pull: records merged, not committed");
	if (rc == MC_OK)
		rc = store_commit(a->s, err);
	else if (store_in_tx(a->s))
		store_rollback(a->s);
	if (rc != MC_OK) /* the failed step's files, as an import takes back its own */
		arc_files_undo(&made, store_evidence_dir(a->s));
	arc_files_clear(&made);
	free(made.sha);
	rc = pull_stopped(url, &steps, rc, err);
	out->submissions = res.submissions;
	out->conflicts = res.conflicts;
	free(id);
	git_commit_free(tc);
	git_tree_free(t_ours);
	git_tree_free(t_theirs);
	git_tree_free(t_base);
	return rc;
}

/* A merge commit of ours and theirs, its tree arc_merge_trees's. */
static int merge_commit(struct arc *a, const char *url, const git_oid *theirs, const git_oid *base,
			git_oid *merged, struct mc_error *err)
{
	git_tree *t_ours = NULL, *t_theirs = NULL, *t_base = NULL, *tree = NULL;
	git_commit *p1 = NULL, *p2 = NULL;
	git_signature *sig = NULL;
	git_oid tree_oid;
	char now[MC_TIME_LEN];
	mc_now(now);
	int rc = MC_OK;
	if (tree_of(a, &a->head, &t_ours) < 0 || tree_of(a, theirs, &t_theirs) < 0 ||
	    (base && tree_of(a, base, &t_base) < 0) ||
	    arc_merge_trees(a->repo, &a->sink, t_base, t_ours, t_theirs, &tree_oid) < 0 ||
	    git_tree_lookup(&tree, a->repo, &tree_oid) < 0 || git_commit_lookup(&p1, a->repo, &a->head) < 0 ||
	    git_commit_lookup(&p2, a->repo, theirs) < 0)
		rc = gfail(a, err, "merging the two histories");
	if (rc == MC_OK)
		rc = signature(a, session_user(a->s), now, &sig, err);
	if (rc == MC_OK) {
		char *msg = mc_xasprintf("merge %s\n\nSubject: archive\nArchive-Id: %s\n", url, a->id);
		const git_commit *parents[2] = { p1, p2 };
		if (git_commit_create(merged, a->repo, NULL, sig, sig, NULL, msg, tree, 2, parents) < 0)
			rc = gfail(a, err, "writing the merge commit");
		free(msg);
	}
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(t_ours);
	git_tree_free(t_theirs);
	git_tree_free(t_base);
	git_commit_free(p1);
	git_commit_free(p2);
	return rc;
}

/* Theirs into ours: the merge commit written (unless a fast-forward), then the
 * database merged, then the branch moved. A pull stopped before the
 * database's commit leaves it as it was; one stopped after it, before the
 * branch moved, is finished by the next pull (the rows are known by uid). */
static int pull_merge(struct arc *a, const char *url, const git_oid *theirs, struct archive_sync_result *out,
		      struct mc_error *err)
{
	git_oid base, merged, old;
	int has_base = git_merge_base(&base, a->repo, &a->head, theirs) == 0;
	int ff = has_base && git_oid_equal(&base, &a->head);
	git_oid_cpy(&old, &a->head);
	int rc = ff ? MC_OK : merge_commit(a, url, theirs, has_base ? &base : NULL, &merged, err);
	if (rc == MC_OK)
		rc = pull_records(a, url, theirs, has_base ? &base : NULL, out, err);
	MC_CRASH_POINT("archive pull: database merged, branch not moved");
	if (rc != MC_OK)
		return rc;
	git_oid_cpy(&a->head, ff ? theirs : &merged);
	out->fast_forward = ff;
	out->merged = !ff;
	return update_ref(a, &old, 1, err);
}

int archive_pull(struct store *s, const char *remote, void (*report)(void *ctx, const char *conflict), void *ctx,
		 struct archive_sync_result *out, struct mc_error *err)
{
	(void)report; /* conflicts are in the database now: packet conflicts */
	(void)ctx;
	memset(out, 0, sizeof *out);
	int prc = people_require(s, ROLE_COORDINATOR, "pull another archive's work into this database", err);
	if (prc != MC_OK)
		return prc;
	long n;
	struct mc_error e2 = MC_ERROR_INIT;
	archive_drain(s, &n, &e2);
	mc_error_clear(&e2);
	struct arc a;
	char *url = NULL;
	int rc = open_for_sync(s, &a, err);
	if (rc == MC_OK) /* a pull may read the whole of both archives */
		lib_bound();
	if (rc == MC_OK)
		rc = remote_of(&a, remote, &url, err);
	git_oid theirs;
	int have = 0;
	if (rc == MC_OK)
		rc = fetch(&a, url, &theirs, &have, err);
	int theirs_layout = rc == MC_OK && have ? commit_layout(a.repo, &theirs) : a.layout;
	if (rc == MC_OK && theirs_layout != a.layout)
		rc = mc_error_set(err, MC_FAIL, "%s: that archive's tree layout is %d and this one's %d (README: The "
				  "evidence archive); their histories cannot be merged: push this archive to a "
				  "new path instead", url, theirs_layout, a.layout);
	if (rc == MC_OK && (!have || git_oid_equal(&theirs, &a.head) ||
			    git_graph_descendant_of(a.repo, &a.head, &theirs) == 1))
		out->up_to_date = 1;
	else if (rc == MC_OK)
		rc = pull_merge(&a, url, &theirs, out, err);
	if (rc == MC_OK && !out->up_to_date) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, &a.head);
		rc = store_begin(s, err);
		if (rc == MC_OK)
			rc = store_meta_set(s, "archive_head", hex, err);
		if (rc == MC_OK)
			rc = store_archive_meta_drop(s, ARC_PULL_PENDING, err);
		if (rc == MC_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	if (rc == MC_OK)
		rc = remember_remote(&a, url, out->up_to_date ? NULL : "1", err);
	if (rc == MC_OK && !out->up_to_date) {
		/* the log index brought up to the new head here, not at the next
		 * `archive log` or history pane: a merge means walking it all again */
		struct mc_error e3 = MC_ERROR_INIT;
		log_index_update(&a, &e3);
		mc_error_clear(&e3);
	}
	free(url);
	arc_close(&a);
	if (rc == MC_OK && out->conflicts) { /* the rows that set an earlier merge aside (store_merge_settle) */
		struct mc_error e4 = MC_ERROR_INIT;
		archive_drain(s, &n, &e4);
		mc_error_clear(&e4);
	}
	return rc;
}
