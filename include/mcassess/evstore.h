/* evstore.h: evidence files stored once, by content, under the evidence
 * directory of a database (store_evidence_dir(): "<db>.evidence"), as
 * ROOT/xx/SHA256 where xx is the first two hex digits. A stored file is never
 * changed: it is written to a temporary file in ROOT, flushed to disk, then
 * renamed into place, so a crash leaves either nothing or the whole file. */
#ifndef MCASSESS_EVSTORE_H
#define MCASSESS_EVSTORE_H
#include "mcassess/error.h"
#include "mcassess/hash.h"

/* What evstore_put_fd did. */
struct evstore_put {
	char sha256[MC_SHA256_HEX];
	long long size;
	int created; /* 1: the file is new to the store (written now, or would be in a dry run) */
};

/* ROOT/xx/SHA256 (heap). */
char *evstore_path(const char *root, const char *sha256);

/* 1 if a file with this content is already stored. */
int evstore_has(const char *root, const char *sha256);

/* Read the open file `fd` to its end, hashing it, and store it by content under
 * root (created with mode 0750 when missing; files are mode 0640). A file
 * already stored is reused (created = 0). dry_run: only hash, write nothing.
 * More than max_size bytes (max_size > 0) is refused with MC_INVALID; `name`
 * names the file in messages. I/O failures are MC_FAIL. */
int evstore_put_fd(const char *root, int fd, const char *name, long long max_size, int dry_run,
		   struct evstore_put *out, struct mc_error *err);

/* Remove a stored file (and its xx directory when that is left empty); used to
 * undo what a failed import wrote. 0 ok, -1 with errno. */
int evstore_remove(const char *root, const char *sha256);

/* Each file under root, as a name relative to it: "xx/SHA256" (sha256 given),
 * or anything else found there, such as ".incoming-XXXXXX", the temporary file
 * of an import that was stopped (sha256 NULL). fn returning nonzero stops the
 * walk. 0 ok (a missing root is empty), -1 with errno. */
int evstore_each(const char *root, int (*fn)(void *ctx, const char *rel, const char *sha256), void *ctx);
/* Remove ROOT/rel, a name given by evstore_each. 0 ok, -1 with errno. */
int evstore_remove_rel(const char *root, const char *rel);
/* Check a stored file: present, `size` bytes (size < 0: any), content hashing to
 * its name. MC_OK; MC_INVALID with a message saying what is wrong; MC_FAIL on
 * I/O errors other than a missing file. */
int evstore_verify(const char *root, const char *sha256, long long size, struct mc_error *err);
#endif
