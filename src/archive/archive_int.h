/* archive_int.h: what archive.c's parts share (src/archive/, libgit2 builds only). */
#ifndef MCASSESS_ARCHIVE_INT_H
#define MCASSESS_ARCHIVE_INT_H
#include <stddef.h>
#include <stdint.h>

#include "archive/git2_dl.h" /* <git2.h>, with libgit2 loaded when first used */
#include "mcassess/error.h"

/* libgit2's bounds on the packs it maps, set when it is loaded (lib_init) for
 * every command: each window's size, all windows' (whose pages count in the
 * resident set while touched) and how many pack files stay open. */
#define ARC_WINDOW (1 << 20)
#define ARC_MAPPED_MAX (4 << 20)
#define ARC_PACKS_OPEN 64

/* The bare repository at path, kept open for the process while it stays the
 * same one (arc_repo_close does not close it). 0 or -1. */
int arc_repo_open(git_repository **out, const char *path);
void arc_repo_close(git_repository *repo);
/* The odb of the objects directory OBJECTS as libgit2's git_odb_open makes
 * it (loose objects, packs), its packs read through a backend that calls
 * arc_pack_maps_bound after each read and look-up; libgit2's own when the
 * directory borrows objects (info/alternates). 0 or -1 (libgit2's error). */
int arc_odb_open(git_odb **out, const char *objects);
/* The in-memory backend (git_mempack_new) batches write into, added to repo's
 * odb once for the kept repository (one per batch piled up in it before). 0 or -1. */
int arc_repo_mempack(git_repository *repo, git_odb_backend **out);

/* Write objects ids[0..n) (read from the backend `from`, typically the
 * in-memory one, or from odb when it is NULL) as one pack with its index
 * (version 2) into OBJECTS/pack, each object whole (no deltas), and have odb
 * see it. ids is sorted and de-duplicated in place. 0, or -1 and *why (heap). */
int arc_pack_write(git_odb *odb, git_odb_backend *from, const char *objects, git_oid *ids, size_t n, char **why);

/* When OBJECTS/pack has more than `most` packs of at most `big` bytes, the
 * smallest merged into one (at least enough to leave `keep`, then
 * geometrically: see archive_pack.c) and removed; *merged is how many. Larger
 * packs (an import's, init's) are left to `git gc`. The kept repository is
 * opened again at its next use. 0, or -1 and *why (heap): then nothing was
 * removed. */
int arc_pack_merge(git_odb *odb, const char *objects, size_t most, size_t keep, uint64_t big, size_t *merged,
		   char **why);

/* When OBJECTS/pack has more than `most` packs (any size; not those kept by a
 * .keep file), the smallest joined into one as arc_pack_merge picks them,
 * holding nothing per object: the packs' entries copied one pack after the
 * other, their indexes merged in id order as they are read (archive_pack.c).
 * *joined: how many. The kept repository gets a new odb. 0, or -1 and *why
 * (heap): then nothing was removed. */
int arc_pack_join(const char *objects, size_t most, size_t keep, size_t *joined, char **why);

/* Another archive's objects (FROM: its objects directory, on this machine)
 * into OBJECTS as git's local clone takes them: its packs (with their indexes)
 * and loose objects that are not here, copied; listed again until a listing brings nothing new, since packs
 * there may be merged meanwhile. Nothing is held per object (a fetch indexes
 * each). *taken: files taken. 0, or -1 and errno (ENOTSUP: it borrows
 * objects through alternates). */
int arc_objects_take(const char *from, const char *objects, size_t *taken);

/* The pages of OBJECTS/pack's indexes that libgit2 maps whole, and of the
 * windows it maps of the packs, dropped from this process (they stay in the
 * kernel's cache, read back at the next look-up): reading every object
 * touches every page of its index, so a pull of a whole archive would hold
 * them all in its resident set (28 bytes an object, 15 objects a submission).
 * Linux only (/proc/self/maps); a no-op elsewhere. */
void arc_pack_maps_drop(const char *objects);

/* arc_pack_maps_drop, once the resident set has grown by 4 MiB since the last
 * drop (MAPS_GROWTH): cheap enough to call for every record or commit read,
 * so that what a pull, an init or a walk of the history holds of the
 * archive's packs stays the same at any size. */
void arc_pack_maps_bound(const char *objects);
/* That growth, in bytes (0: 4 MiB again), for the tests: a small archive's
 * indexes are far smaller than 4 MiB. */
void arc_pack_maps_growth(size_t bytes);

/* An object into an in-memory backend (git_mempack_new), its id computed
 * here: no look-ups on disk. 0 or -1 (libgit2's error set). */
int arc_mem_write(git_odb_backend *mem, git_oid *oid, const void *data, size_t len, git_object_t type);

/* Objects written straight into packs in objects/pack (archive init's whole
 * state): each pack finished, indexed and seen by odb when it is large enough
 * (tens of MB) or at close; in memory only the ids, offsets and CRCs of the
 * pack being written and one buffer (arc_stream_held: bytes, for tests). An
 * id written twice into one pack is stored once. */
struct arc_stream;
struct arc_stream *arc_stream_new(git_odb *odb, const char *objects);
/* An object in: 0, or -1 (libgit2's error set). */
int arc_stream_write(struct arc_stream *w, git_oid *oid, const void *data, size_t len, git_object_t type);
/* Objects ids[0..n) of backend from (the drain's memory) into the stream. 0 or -1. */
int arc_stream_copy(struct arc_stream *w, git_odb_backend *from, const git_oid *ids, size_t n);
/* The last pack finished, *wp freed and NULL: 0, or -1 and *why (heap). */
int arc_stream_close(struct arc_stream **wp, char **why);
size_t arc_stream_held(const struct arc_stream *w);
size_t arc_stream_packs(const struct arc_stream *w); /* finished so far */

/* Where the objects of a commit go: a stream of packs (init's drain, and
 * also into memory when mem is set, to be read back), an in-memory backend
 * in a batch (then one pack), else loose files in objects (ARCHIVE/objects),
 * written by us. */
struct arc_sink {
	struct arc_stream *stream;
	git_odb_backend *mem;
	const char *objects;
};
/* An object into the sink, its id computed here. 0, or -1 (libgit2's error set). */
int arc_sink_write(const struct arc_sink *k, git_oid *oid, const void *data, size_t len, git_object_t type);

/* A tree entry: name[0..len) (not NUL-terminated), mode 0100644 or 040000. */
struct arc_tent {
	const char *name;
	size_t len;
	unsigned mode;
	git_oid oid;
};
/* Sort entries in git's order (a tree's name as if it ended in '/'). */
void arc_tents_sort(struct arc_tent *t, size_t n);
/* <0, 0, >0: a before, the same name and kind as, after b, in git's order. */
int arc_tent_cmp(const struct arc_tent *a, const struct arc_tent *b);
/* The index of the entry called name in t[0..n) (git's order), or -1. */
ptrdiff_t arc_tents_find(const struct arc_tent *t, size_t n, const char *name, size_t len);
/* Entries t[0..n) (git's order, names valid) written as a tree into the sink,
 * serialized here (git_treebuilder_write checks the disk for the tree first,
 * and its hash map costs more than the rest). 0 or -1. */
int arc_tree_put(const struct arc_tent *t, size_t n, const struct arc_sink *k, git_oid *out);

/* ssh:// remotes (archive_ssh.c): the payload of the remote callbacks. */
struct arc_auth {
	int step;      /* ways in offered so far: the agent, then each key file */
	int no_key;    /* every one was refused */
	char *tried;   /* "the ssh-agent, ~/.ssh/id_ed25519" */
	char *refused; /* why the server's host key was refused */
	const char *url;
	const char *login; /* the acting OS user: the ssh login when the URL names none */
};
int arc_ssh_cred(git_credential **out, const char *url, const char *user, unsigned int allowed, void *payload);
int arc_ssh_cert(git_cert *cert, int valid, const char *host, void *payload);
/* What to tell the user when a fetch or push failed (heap). */
char *arc_auth_why(const struct arc_auth *au, const char *libgit2_says);
void arc_auth_free(struct arc_auth *au);

/* archive_merge.c: another archive's history into this one, and its records
 * into the database through the one merge engine (merge.h). */
struct store;
struct merge_result;
/* The merged tree: a path only theirs changed since base (NULL: no common
 * history) takes theirs; one changed on both sides keeps ours, which is the
 * database's (a submission's is then a conflict the database merge holds).
 * No .theirs files: the other side's work waits in the conflict. Made a level
 * at a time, going down only where base, ours and theirs all differ (a tree
 * the same on two sides is decided by its id), its new trees into k: what is
 * held is one tree of each side a level, never every path. 0 or -1. */
int arc_merge_trees(git_repository *repo, const struct arc_sink *k, const git_tree *base, const git_tree *ours,
		    const git_tree *theirs, git_oid *out);
/* Every submission record theirs changed since base, merged into the database
 * (in the caller's transaction) by merge_run: the records' rows this database
 * lacks become audit rows under their authors and times; a record changed
 * here too (after audit row base_seq) is a conflict. */
/* Evidence files a pull stored in its step not yet committed: removed if the
 * step fails (its rows rolled back), let go once it is committed. */
struct arc_files {
	char **sha;
	size_t n, cap;
};
void arc_files_add(struct arc_files *f, const char *sha);
void arc_files_undo(struct arc_files *f, const char *root);
void arc_files_clear(struct arc_files *f);

struct arc_merge_in {
	git_repository *repo;
	struct arc_files *made; /* the step's new evidence files */
	const git_tree *base, *ours, *theirs;
	long long base_seq;
	int layout; /* of both archives (store_archive.h) */
	const char *source_id, *url, *made_by, *made_at, *hash;
	const char *objects; /* this archive's objects directory (arc_pack_maps_drop) */
};
/* A pull into this database commits in steps (archive_merge.c, pull_step):
 * how many were committed, the records they hold, where it stopped of how
 * many. Between steps the meta key ARC_PULL_PENDING says "COMMIT DONE TOTAL
 * FROM": the remote's head being pulled, the records in, of how many, and
 * the audit row the pull began after; the pull's last transaction (with
 * archive_head) removes it. */
#define ARC_PULL_PENDING "archive_pull_pending"
struct arc_pull_steps {
	long long committed, records, at, total;
};
int arc_merge_records(struct store *s, const struct arc_merge_in *in, struct merge_result *res,
		      struct arc_pull_steps *steps, struct mc_error *err);
/* archive_merge_new.c: a submission this database does not have, made from
 * the remote's record (record, JSON) and what its tree holds (the educator's
 * record, the evidence), as an import makes one: its educator (by id), the
 * submission, its evidence and files, its assignments. Its scores, feedback
 * and decision then come through the merge like any other record's. */
int arc_merge_new_submission(struct store *s, const struct arc_merge_in *in, const char *record,
			     struct mc_error *err);
/* An educator's record changed there only (a new school, a corrected name):
 * this database's educator brought up to it, audited as an import's update
 * is. One not here is left to arrive with their submission. */
int arc_merge_educator(struct store *s, const char *record, struct mc_error *err);
/* A person's or the catalog's record (text, at path) the remote added or
 * changed; taken: only the remote changed it since the two parted (else this
 * side's stays, and a person's is a conflict, counted in *conflicts). People come as they are there
 * (audited as `people add`); a pathway's goal set there only too; a catalog
 * version must be here already and the same (published versions never change). */
int arc_merge_side_record(struct store *s, const struct arc_merge_in *in, const char *path, const char *text,
			  int taken, long *conflicts, struct mc_error *err);

#endif
