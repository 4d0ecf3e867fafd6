/* archive_pack.c: how the archive's objects reach the disk, without libgit2's
 * per-object checks.
 *
 * A batch (an import, init, a backlog) is built in memory and written here as
 * one pack with its index, rather than by git_packbuilder (which searches every
 * object for a delta against its ten neighbours: half the cost of an import,
 * 10,000 submissions ~40 s of ~110 s) or through git_odb_write_pack (whose
 * indexer inflates and hashes again every object we just made). Our objects
 * are small JSON records and the trees along their paths; alone they are
 * already small, and `git gc` deltifies them later if anyone wants.
 * `git fsck --strict` and `git verify-pack` check the result in the tests.
 * A single event's objects are a pack too, written into the files of packs
 * merged away (spare files, below). Trees are serialized here from their
 * sorted entries (arc_tree_put); the repository is kept open. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha1.h>
#include <zlib.h>

#include "archive_int.h"
#include "mcassess/priv.h"
#include "mcassess/progress.h"
#include "mcassess/util.h"

/* Written to the pack file in pieces of about this size. */
#define CHUNK (1 << 20)

struct pw {
	int fd;
	struct sha1_ctx sha;
	unsigned char *buf;
	size_t len, cap;
	uint64_t flushed;   /* bytes of the pack already written */
	uint64_t *offset;   /* each object's offset in the pack, for the index */
	uint32_t *crc;      /* and the CRC-32 of its entry */
	int failed;
	int sha_later; /* the checksum is taken from the file at the end (a stream: its count changes) */
};

static void need(struct pw *p, size_t more)
{
	if (p->len + more > p->cap) {
		while (p->len + more > p->cap)
			p->cap = p->cap ? 2 * p->cap : CHUNK + 4096;
		p->buf = mc_xrealloc(p->buf, p->cap);
	}
}

static void flush(struct pw *p)
{
	if (p->len == 0 || p->failed)
		return;
	if (!p->sha_later)
		sha1_update(&p->sha, p->len, p->buf);
	if (mc_write_all(p->fd, p->buf, p->len) != 0)
		p->failed = 1;
	p->flushed += p->len;
	p->len = 0;
}

static void put(struct pw *p, const void *data, size_t n)
{
	need(p, n);
	memcpy(p->buf + p->len, data, n);
	p->len += n;
}

/* put for a buffer that never grows (a join's): flushed when full */
static void jput(struct pw *p, const void *data, size_t n)
{
	if (p->len + n > p->cap)
		flush(p);
	memcpy(p->buf + p->len, data, n);
	p->len += n;
}

static void be32_with(struct pw *p, uint32_t v, void (*to)(struct pw *, const void *, size_t))
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };
	to(p, b, 4);
}

static void put_be32(struct pw *p, uint32_t v) { be32_with(p, v, put); }

/* A pack's checksum as its name's hex (pack-HEX). */
static void sum_hex(const unsigned char sum[SHA1_DIGEST_SIZE], char hex[2 * SHA1_DIGEST_SIZE + 1])
{
	for (size_t i = 0; i < SHA1_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
}

static int type_code(git_object_t t)
{
	switch (t) {
	case GIT_OBJECT_COMMIT: return 1;
	case GIT_OBJECT_TREE: return 2;
	case GIT_OBJECT_BLOB: return 3;
	case GIT_OBJECT_TAG: return 4;
	default: return 0;
	}
}

/* Objects smaller than this (short texts), and trees (names of two hex digits
 * and binary ids: zlib gains them little), are stored in the pack without
 * compression: deflating them cost more than the rest of the work (10,000
 * submissions: 13.6 MB instead of 12.9 MB, and a third of the time). */
#define DEFLATE_FROM 256

/* A zlib stream of stored blocks: what deflate level 0 writes, without its
 * per-stream set-up. */
static void put_stored(struct pw *p, const unsigned char *data, size_t size)
{
	size_t blocks = size / 65535 + 1;
	need(p, 2 + blocks * 5 + size + 4);
	unsigned char *o = p->buf + p->len;
	*o++ = 0x78;
	*o++ = 0x01;
	size_t left = size;
	do {
		size_t n = left > 65535 ? 65535 : left;
		*o++ = left == n; /* BFINAL on the last block, BTYPE 00: stored */
		*o++ = (unsigned char)(n & 0xff);
		*o++ = (unsigned char)(n >> 8);
		*o++ = (unsigned char)(~n & 0xff);
		*o++ = (unsigned char)((~n >> 8) & 0xff);
		memcpy(o, data, n);
		o += n;
		data += n;
		left -= n;
	} while (left > 0);
	uLong ad = adler32(adler32(0L, Z_NULL, 0), data - size, (uInt)size);
	*o++ = (unsigned char)(ad >> 24);
	*o++ = (unsigned char)(ad >> 16);
	*o++ = (unsigned char)(ad >> 8);
	*o++ = (unsigned char)ad;
	p->len = (size_t)(o - p->buf);
}

/* Entry i: the type-and-size header, then the object deflated, or stored when
 * small; its offset and CRC-32 noted for the index. */
static int put_object(struct pw *p, size_t i, z_stream *z, git_object_t type, const void *data, size_t size)
{
	if (size > 0xffffffffu) /* zlib counts in 32 bits; imports are limited to 256 MiB a file */
		return -1;
	size_t start = p->len;
	p->offset[i] = p->flushed + start;
	unsigned char hdr[16];
	size_t n = 0, s = size;
	hdr[n++] = (unsigned char)((type_code(type) << 4) | (s & 0x0f));
	s >>= 4;
	while (s) {
		hdr[n - 1] |= 0x80;
		hdr[n++] = (unsigned char)(s & 0x7f);
		s >>= 7;
	}
	put(p, hdr, n);
	if (size < DEFLATE_FROM || type == GIT_OBJECT_TREE) {
		put_stored(p, data, size);
	} else {
		if (deflateReset(z) != Z_OK)
			return -1;
		uLong bound = deflateBound(z, (uLong)size);
		need(p, bound);
		z->next_in = (Bytef *)(uintptr_t)data;
		z->avail_in = (uInt)size;
		z->next_out = p->buf + p->len;
		z->avail_out = (uInt)bound;
		if (deflate(z, Z_FINISH) != Z_STREAM_END)
			return -1;
		p->len += bound - z->avail_out;
	}
	p->crc[i] = (uint32_t)crc32(crc32(0L, Z_NULL, 0), p->buf + start, (uInt)(p->len - start));
	if (p->len >= CHUNK)
		flush(p);
	return p->failed ? -1 : 0;
}

int arc_mem_write(git_odb_backend *mem, git_oid *oid, const void *data, size_t len, git_object_t type)
{
	if (git_odb_hash(oid, data, len, type) < 0)
		return -1;
	return mem->write(mem, oid, data, len, type);
}

/* ---------------------------------------------------------------- loose objects */

static int loose_fail(const char *what, const char *where)
{
	int e = errno;
	char *msg = where ? mc_xasprintf("%s %s: %s", what, where, strerror(e)) : mc_xstrdup(what);
	git_error_set_str(GIT_ERROR_OS, msg);
	free(msg);
	errno = e;
	return -1;
}

/* A loose object, as git writes one: "TYPE SIZE\0DATA" deflated, into a
 * temporary file beside its final name, then renamed there. Unlike libgit2's
 * own path this does not first look for the object on disk (a failed look-up
 * rescans objects/pack, and a found one is only touched) and always writes:
 * an object left empty by a crash before the kernel wrote it out is replaced
 * when the outbox commits its event again. No fsync (libgit2's and git's
 * default for loose objects): the database is the durable record. */
static int loose_write(const char *objects, git_oid *oid, const void *data, size_t len, git_object_t type)
{
	if (git_odb_hash(oid, data, len, type) < 0)
		return -1;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, oid);
	char hdr[64];
	int hl = snprintf(hdr, sizeof hdr, "%s %zu", git_object_type2string(type), len) + 1;
	unsigned char *out;
	size_t outlen;
	if (len < DEFLATE_FROM || type == GIT_OBJECT_TREE) {
		/* as in a pack: stored, not deflated (a tree's binary ids do not
		 * compress; deflating and inflating a 256-entry shard again at the
		 * next commit was a third of a commit's CPU time) */
		struct pw s = { .fd = -1 };
		unsigned char *whole = mc_xmalloc((size_t)hl + len);
		memcpy(whole, hdr, (size_t)hl);
		memcpy(whole + hl, data, len);
		put_stored(&s, whole, (size_t)hl + len);
		free(whole);
		out = s.buf;
		outlen = s.len;
	} else {
		/* one zlib stream for the process, reset for each object: starting
		 * one allocates and clears ~256 KiB */
		static z_stream z;
		static int ready;
		if (!ready && deflateInit(&z, Z_BEST_SPEED) != Z_OK)
			return loose_fail("zlib cannot start", NULL);
		ready = 1;
		if (deflateReset(&z) != Z_OK)
			return loose_fail("zlib cannot start", NULL);
		uLong bound = deflateBound(&z, (uLong)(len + (size_t)hl));
		out = mc_xmalloc(bound);
		z.next_out = out;
		z.avail_out = (uInt)bound;
		z.next_in = (Bytef *)hdr;
		z.avail_in = (uInt)hl;
		int zr = deflate(&z, Z_NO_FLUSH);
		z.next_in = (Bytef *)(uintptr_t)data;
		z.avail_in = (uInt)len;
		if (zr == Z_OK)
			zr = deflate(&z, Z_FINISH);
		outlen = bound - z.avail_out;
		if (zr != Z_STREAM_END) {
			free(out);
			return loose_fail("zlib failed", NULL);
		}
	}
	char *dir = mc_xasprintf("%s/%.2s", objects, hex);
	char *tmp = mc_xasprintf("%s/tmp_obj_XXXXXX", dir);
	char *final = mc_xasprintf("%s/%s", dir, hex + 2);
	int fd = mkstemp(tmp);
	if (fd < 0 && errno == ENOENT && (mkdir(dir, 0777) == 0 || errno == EEXIST)) {
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6); /* mkstemp changed it */
		fd = mkstemp(tmp);
	}
	int rc = fd < 0 ? loose_fail("cannot create a file in", dir) : 0;
	if (rc == 0) {
		const unsigned char *p = out;
		size_t left = outlen;
		while (rc == 0 && left > 0) {
			ssize_t w = write(fd, p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				rc = loose_fail("cannot write", tmp);
			else
				p += w, left -= (size_t)w;
		}
		fchmod(fd, priv_file_mode(0444)); /* with the umask: closed to others in a shared install */
		if (close(fd) != 0 && rc == 0)
			rc = loose_fail("cannot write", tmp);
		if (rc == 0 && rename(tmp, final) != 0)
			rc = loose_fail("cannot rename into place", final);
		if (rc != 0)
			unlink(tmp);
	}
	free(out);
	free(dir);
	free(tmp);
	free(final);
	return rc;
}

int arc_sink_write(const struct arc_sink *k, git_oid *oid, const void *data, size_t len, git_object_t type)
{
	if (k->stream) { /* and into memory too when there is one: to be read back */
		int rc = arc_stream_write(k->stream, oid, data, len, type);
		return rc == 0 && k->mem ? k->mem->write(k->mem, oid, data, len, type) : rc;
	}
	if (k->mem)
		return arc_mem_write(k->mem, oid, data, len, type);
	return loose_write(k->objects, oid, data, len, type);
}

/* ---------------------------------------------------------------- the packs' pages bounded at every read */

/* libgit2's pack backend, with the resident set looked at after every read
 * and look-up through it (arc_pack_maps_bound): one look-up searches every
 * pack's index (each a binary search in a file libgit2 maps whole) and a
 * touch maps up to 64 KiB around it (the kernel's fault-around), so a
 * record's dozen reads between two looks at the resident set (a look a
 * record, as before) touched more of the indexes the larger they were (up to
 * the whole of them: a pull's peak grew with the archive). A look an object
 * bounds what is touched between two looks by one object's look-ups. */
struct bounded {
	git_odb_backend parent;
	git_odb_backend *in;
	char *objects;
};

static git_odb_backend *inner(git_odb_backend *b)
{
	struct bounded *w = (struct bounded *)b;
	w->in->odb = b->odb; /* the odb it is in, as if added itself (writepack, refresh) */
	return w->in;
}

static int bounded_after(git_odb_backend *b, int rc)
{
	arc_pack_maps_bound(((struct bounded *)b)->objects);
	return rc;
}

static int b_read(void **data, size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
	git_odb_backend *in = inner(b);
	return bounded_after(b, in->read(data, len, type, in, id));
}

static int b_read_prefix(git_oid *out, void **data, size_t *len, git_object_t *type, git_odb_backend *b,
			 const git_oid *id, size_t n)
{
	git_odb_backend *in = inner(b);
	return bounded_after(b, in->read_prefix(out, data, len, type, in, id, n));
}

static int b_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
	git_odb_backend *in = inner(b);
	return bounded_after(b, in->read_header(len, type, in, id));
}

static int b_exists(git_odb_backend *b, const git_oid *id)
{
	git_odb_backend *in = inner(b);
	return bounded_after(b, in->exists(in, id));
}

static int b_exists_prefix(git_oid *out, git_odb_backend *b, const git_oid *id, size_t n)
{
	git_odb_backend *in = inner(b);
	return bounded_after(b, in->exists_prefix(out, in, id, n));
}

static int b_freshen(git_odb_backend *b, const git_oid *id)
{
	git_odb_backend *in = inner(b);
	return bounded_after(b, in->freshen(in, id));
}

static int b_refresh(git_odb_backend *b)
{
	git_odb_backend *in = inner(b);
	return in->refresh(in);
}

static int b_foreach(git_odb_backend *b, git_odb_foreach_cb cb, void *payload)
{
	git_odb_backend *in = inner(b);
	return in->foreach(in, cb, payload);
}

static int b_writepack(git_odb_writepack **out, git_odb_backend *b, git_odb *odb, git_indexer_progress_cb cb,
		       void *payload)
{
	git_odb_backend *in = inner(b);
	return in->writepack(out, in, odb, cb, payload);
}

static int b_writemidx(git_odb_backend *b)
{
	git_odb_backend *in = inner(b);
	return in->writemidx(in);
}

static void b_free(git_odb_backend *b)
{
	struct bounded *w = (struct bounded *)b;
	w->in->free(w->in);
	free(w->objects);
	free(w);
}

/* in, wrapped: the operations it has, and no others (the odb asks which). */
static git_odb_backend *bounded_new(git_odb_backend *in, const char *objects)
{
	struct bounded *w = mc_xcalloc(1, sizeof *w);
	if (git_odb_init_backend(&w->parent, GIT_ODB_BACKEND_VERSION) < 0) {
		free(w);
		return NULL;
	}
	w->in = in;
	w->objects = mc_xstrdup(objects);
	git_odb_backend *b = &w->parent;
	b->read = in->read ? b_read : NULL;
	b->read_prefix = in->read_prefix ? b_read_prefix : NULL;
	b->read_header = in->read_header ? b_read_header : NULL;
	b->exists = in->exists ? b_exists : NULL;
	b->exists_prefix = in->exists_prefix ? b_exists_prefix : NULL;
	b->freshen = in->freshen ? b_freshen : NULL;
	b->refresh = in->refresh ? b_refresh : NULL;
	b->foreach = in->foreach ? b_foreach : NULL;
	b->writepack = in->writepack ? b_writepack : NULL;
	b->writemidx = in->writemidx ? b_writemidx : NULL;
	b->free = b_free;
	return b;
}

/* libgit2's default priorities (odb.h): packs searched before loose objects */
#define LOOSE_PRIORITY 1
#define PACKED_PRIORITY 2

int arc_odb_open(git_odb **out, const char *objects)
{
	char *alt = mc_xasprintf("%s/info/alternates", objects);
	int borrows = access(alt, F_OK) == 0;
	free(alt);
	if (borrows) /* libgit2's own, which reads what it borrows */
		return git_odb_open(out, objects);
	git_odb *odb = NULL;
	git_odb_backend *loose = NULL, *pack = NULL, *b = NULL;
	if (git_odb_new(&odb) < 0)
		return -1;
	int rc = git_odb_backend_loose(&loose, objects, -1, 0, 0, 0);
	if (rc == 0 && (rc = git_odb_add_backend(odb, loose, LOOSE_PRIORITY)) < 0)
		loose->free(loose);
	if (rc == 0)
		rc = git_odb_backend_pack(&pack, objects);
	if (rc == 0 && !(b = bounded_new(pack, objects))) {
		pack->free(pack);
		rc = -1;
	}
	if (rc == 0 && (rc = git_odb_add_backend(odb, b, PACKED_PRIORITY)) < 0)
		b->free(b);
	if (rc < 0) {
		git_odb_free(odb);
		return -1;
	}
	*out = odb;
	return 0;
}

/* ---------------------------------------------------------------- the repository, kept open */

/* The last archive opened stays open for the process (the workstation commits
 * an event at a time): its configuration, pack indexes and the trees along
 * recent paths are read once instead of at every commit. Same path and same
 * directory (device and inode of objects/) or it is opened afresh. Writers are
 * still serialized by the flock, and the head is read again under it. */
static struct {
	char *path;
	dev_t dev;
	ino_t ino;
	git_repository *repo;
	git_odb_backend *mem; /* its in-memory backend for batches, added once */
	int stale;            /* packs were removed under it (arc_pack_merge) */
} kept;

static void kept_free(void)
{
	git_repository_free(kept.repo);
	free(kept.path);
	memset(&kept, 0, sizeof kept);
}

int arc_repo_open(git_repository **out, const char *path)
{
	char *objects = mc_xasprintf("%s/objects", path);
	struct stat sb;
	int have = stat(objects, &sb) == 0;
	free(objects);
	if (kept.repo && have && !kept.stale && strcmp(kept.path, path) == 0 && kept.dev == sb.st_dev && kept.ino == sb.st_ino) {
		*out = kept.repo;
		return 0;
	}
	if (git_repository_open_bare(out, path) < 0)
		return -1;
	char *objdir = mc_xasprintf("%s/objects", path);
	git_odb *odb = NULL;
	if (arc_odb_open(&odb, objdir) == 0) /* else libgit2's own, opened at its first use */
		git_repository_set_odb(*out, odb);
	git_odb_free(odb);
	free(objdir);
	static int registered;
	if (!registered) {
		/* libgit2 caches trees up to 4 KiB: the sharded roots (256 entries,
		 * ~8 KiB) would be read and parsed again at every commit */
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
		atexit(kept_free); /* runs before libgit2's shutdown, registered earlier */
		registered = 1;
	}
	kept_free();
	if (have) {
		kept.repo = *out;
		kept.path = mc_xstrdup(path);
		kept.dev = sb.st_dev;
		kept.ino = sb.st_ino;
	}
	return 0;
}

int arc_repo_mempack(git_repository *repo, git_odb_backend **out)
{
	if (repo == kept.repo && kept.mem) {
		*out = kept.mem;
		return 0;
	}
	git_odb *odb = NULL;
	git_odb_backend *mem = NULL;
	if (git_repository_odb(&odb, repo) < 0 || git_mempack_new(&mem) < 0) {
		git_odb_free(odb);
		return -1;
	}
	/* first in the odb for reads: a drain reads back what it has just made
	 * (the new trees, the parent) and found it only after every pack index
	 * and a loose file's access() had missed; an alternate, so never the
	 * place a plain libgit2 write (a pull's merge) goes to, which would then
	 * never reach the disk */
	int rc = git_odb_add_alternate(odb, mem, 100);
	git_odb_free(odb);
	if (rc < 0) {
		mem->free(mem);
		return -1;
	}
	if (repo == kept.repo)
		kept.mem = mem; /* freed with the repository's odb */
	*out = mem;
	return 0;
}

/* Packs were removed under the kept repository: its odb still lists them. It
 * gets a new odb, and keeps its cache of parsed objects (the trees along
 * recent paths: reopening the repository cost the next drain as much as the
 * merge). Reopened at its next use if that fails. */
static void kept_odb_afresh(void)
{
	if (!kept.repo)
		return;
	char *objects = mc_xasprintf("%s/objects", kept.path);
	git_odb *odb = NULL;
	if (arc_odb_open(&odb, objects) == 0 && git_repository_set_odb(kept.repo, odb) == 0)
		kept.mem = NULL; /* it went with the old odb: added to the new one at the next batch */
	else
		kept.stale = 1;
	git_odb_free(odb);
	free(objects);
}

void arc_repo_close(git_repository *repo)
{
	if (repo && repo != kept.repo)
		git_repository_free(repo);
}

/* ---------------------------------------------------------------- trees */

/* git's order: by name, a tree's name as if it ended in '/' */
static int tent_cmp(const void *x, const void *y)
{
	const struct arc_tent *a = x, *b = y;
	size_t l = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, l);
	if (c)
		return c;
	unsigned char ca = a->len > l ? (unsigned char)a->name[l] : a->mode == 040000 ? '/' : 0;
	unsigned char cb = b->len > l ? (unsigned char)b->name[l] : b->mode == 040000 ? '/' : 0;
	return (ca > cb) - (ca < cb);
}

int arc_tent_cmp(const struct arc_tent *a, const struct arc_tent *b) { return tent_cmp(a, b); }

void arc_tents_sort(struct arc_tent *t, size_t n)
{
	if (n > 1)
		qsort(t, n, sizeof *t, tent_cmp);
}

ptrdiff_t arc_tents_find(const struct arc_tent *t, size_t n, const char *name, size_t len)
{
	/* sorted in git's order, which is by name but for a tree's implied '/':
	 * look for the name as a blob's, then as a tree's */
	for (unsigned mode = 0100644;; mode = 040000) {
		struct arc_tent key = { .name = name, .len = len, .mode = mode };
		const struct arc_tent *e = n ? bsearch(&key, t, n, sizeof *t, tent_cmp) : NULL;
		if (e)
			return e - t;
		if (mode == 040000)
			return -1;
	}
}

/* Entries t[0..n) (git's order), serialized as git does ("MODE NAME\0" and the
 * binary id each), into the sink: no printf, no treebuilder (whose hash map and
 * sort cost more than the rest for a 256-entry shard). */
int arc_tree_put(const struct arc_tent *t, size_t n, const struct arc_sink *k, git_oid *out)
{
	struct mc_buf b = MC_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char mode[16];
		size_t m = sizeof mode;
		unsigned v = t[i].mode;
		do {
			mode[--m] = (char)('0' + (v & 7));
			v >>= 3;
		} while (v);
		mc_buf_add(&b, mode + m, sizeof mode - m);
		mc_buf_addc(&b, ' ');
		mc_buf_add(&b, t[i].name, t[i].len);
		mc_buf_addc(&b, '\0');
		mc_buf_add(&b, t[i].oid.id, GIT_OID_RAWSZ);
	}
	int rc = arc_sink_write(k, out, b.len ? b.data : "", b.len, GIT_OBJECT_TREE);
	mc_buf_free(&b);
	return rc;
}

static int oid_cmp(const void *x, const void *y) { return git_oid_cmp(x, y); }

static void be32(struct mc_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };
	mc_buf_add(b, x, 4);
}

/* The pack's index, version 2: fan-out, the sorted ids, CRC-32s, offsets (those
 * past 2 GiB in a table of their own), the pack's checksum, its own. */
static void index_v2(struct mc_buf *b, const git_oid *ids, size_t n, const struct pw *p,
		     const unsigned char pack_sum[SHA1_DIGEST_SIZE])
{
	mc_buf_add(b, "\377tOc", 4);
	be32(b, 2);
	size_t k = 0;
	for (unsigned f = 0; f < 256; f++) {
		while (k < n && ids[k].id[0] <= f)
			k++;
		be32(b, (uint32_t)k);
	}
	for (size_t i = 0; i < n; i++)
		mc_buf_add(b, ids[i].id, GIT_OID_RAWSZ);
	for (size_t i = 0; i < n; i++)
		be32(b, p->crc[i]);
	uint32_t large = 0;
	for (size_t i = 0; i < n; i++)
		be32(b, p->offset[i] < 0x80000000u ? (uint32_t)p->offset[i] : 0x80000000u | large++);
	for (size_t i = 0; i < n; i++)
		if (p->offset[i] >= 0x80000000u) {
			be32(b, (uint32_t)(p->offset[i] >> 32));
			be32(b, (uint32_t)p->offset[i]);
		}
	mc_buf_add(b, pack_sum, SHA1_DIGEST_SIZE);
	struct sha1_ctx c;
	unsigned char sum[SHA1_DIGEST_SIZE];
	sha1_init(&c);
	sha1_update(&c, b->len, (const uint8_t *)b->data);
	sha1_digest(&c, sizeof sum, sum);
	mc_buf_add(b, sum, sizeof sum);
}

/* ---------------------------------------------------------------- spare files
 * A pack and its index are two new files a drain. On ext4 without a journal
 * (this machine's disk) making a file walks every inode freed in the last 30
 * seconds (recently_deleted), and freeing one queues it there: the files of
 * the packs merged away, each old ref, another program's deleted files made
 * each new file cost up to ~0.4 ms (issue 15). So the files of merged packs
 * are not removed but kept in ARCHIVE/mcassess-spare (git looks only in
 * objects/ and refs/) and written again, from their start, for the next packs:
 * no inode made or freed, and their blocks overwritten rather than freed (a
 * free also costs a discard on this disk). At most SPARE_MOST are kept; one
 * that another process still has open is not written (spare_take). */
#define SPARE_MOST 64
/* Larger files (merged packs merged again) are removed: the spares hold at
 * most 64 x 256 KiB of disk, and a drain's pack is a few KiB. */
#define SPARE_BIG ((off_t)256 << 10)

/* ARCHIVE/mcassess-spare from OBJECTS (ARCHIVE/objects) (heap). */
static char *spare_dir(const char *objects)
{
	size_t len = strlen(objects);
	if (len >= 8 && strcmp(objects + len - 8, "/objects") == 0)
		len -= 8;
	return mc_xasprintf("%.*s/mcassess-spare", (int)len, objects);
}

/* The names in the spare directory not tried yet, read once and then taken
 * one by one (a directory read per file was a twentieth of a drain). */
static struct {
	char *dir;
	char **name;
	size_t n, cap;
} spares;

static void spares_free(void)
{
	while (spares.n > 0)
		free(spares.name[--spares.n]);
	free(spares.name);
	free(spares.dir);
	memset(&spares, 0, sizeof spares);
}

static void spares_add(const char *name)
{
	if (spares.n == spares.cap)
		spares.name = mc_xrealloc(spares.name, (spares.cap = spares.cap ? 2 * spares.cap : 64) * sizeof *spares.name);
	spares.name[spares.n++] = mc_xstrdup(name);
}

static void spares_read(const char *dir)
{
	static int registered;
	if (!registered)
		atexit(spares_free);
	registered = 1;
	spares_free();
	spares.dir = mc_xstrdup(dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			spares_add(e->d_name);
	if (d)
		closedir(d);
}

/* A spare file opened for writing from its start, *tmp its name (heap);
 * else a new temporary file made from template (changed in place, as by
 * mkstemp) and *tmp a copy of it. The fd, or -1 (errno set). */
static int spare_take(const char *objects, char *template, char **tmp)
{
	char *dir = spare_dir(objects);
	int fd = -1;
	*tmp = NULL;
	if (!spares.dir || strcmp(spares.dir, dir) != 0 || spares.n == 0)
		spares_read(dir);
	while (fd < 0 && spares.n > 0) {
		char *name = spares.name[--spares.n];
		char *f = mc_xasprintf("%s/%s", dir, name);
		free(name);
		fd = open(f, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno != ENOENT) {
			unlink(f); /* not ours to write (another user's): no longer spare */
		} else if (fd >= 0 && (fcntl(fd, F_SETLEASE, F_WRLCK) != 0 || fcntl(fd, F_SETLEASE, F_UNLCK) != 0)) {
			/* A write lease is refused while any other process has the
			 * file open or mapped: a reader that opened it when it was a
			 * pack (git, another mcassess) would read our new bytes in
			 * place of the old; it stays spare until they let it go. No
			 * one opens it anew: git does not look here. */
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			*tmp = f;
		else
			free(f);
	}
	free(dir);
	if (fd >= 0)
		return fd;
	fd = mkstemp(template);
	if (fd >= 0)
		*tmp = mc_xstrdup(template);
	return fd;
}

/* Pack file f (in OBJECTS/pack), no longer wanted: kept as a spare when there
 * is room, it is small and we may write it, else removed. */
static void spare_keep(const char *objects, const char *f, const char *name, size_t *nspare)
{
	char *dir = spare_dir(objects), *to = mc_xasprintf("%s/%s", dir, name);
	if (*nspare == (size_t)-1) { /* not counted yet */
		*nspare = 0;
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)))
			*nspare += e->d_name[0] != '.';
		if (d)
			closedir(d);
		if (!d && mkdir(dir, 0777) != 0)
			*nspare = SPARE_MOST;
	}
	struct stat sb;
	if (*nspare < SPARE_MOST && stat(f, &sb) == 0 && sb.st_size <= SPARE_BIG &&
	    chmod(f, priv_file_mode(0644)) == 0 && rename(f, to) == 0) {
		(*nspare)++;
		if (spares.dir && strcmp(spares.dir, dir) == 0)
			spares_add(name);
	} else
		unlink(f);
	free(dir);
	free(to);
}

/* A file in dir from a temporary name (perhaps a spare, longer than this):
 * written whole, cut to length, read-only, renamed. */
static int put_file(const char *dir, const char *name, const void *data, size_t n, int fd, char *tmp)
{
	int rc = 0;
	if (data && mc_write_all(fd, data, n) != 0)
		rc = -1;
	off_t end = lseek(fd, 0, SEEK_CUR);
	if (rc == 0 && (end < 0 || ftruncate(fd, end) != 0))
		rc = -1;
	fchmod(fd, priv_file_mode(0444)); /* with the umask: closed to others in a shared install */
	if (close(fd) != 0)
		rc = -1;
	char *final = mc_xasprintf("%s/%s", dir, name);
	if (rc == 0 && rename(tmp, final) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	free(final);
	return rc;
}

/* Object id into the pack as entry i, read from `from` when given (the
 * drain's memory: a loose file of the same id, left empty by a crash, must
 * not be what is packed), else from odb. */
static int read_put(struct pw *p, size_t i, z_stream *z, git_odb *odb, git_odb_backend *from, const git_oid *id)
{
	if (from) {
		void *data = NULL;
		size_t len = 0;
		git_object_t type;
		if (from->read(&data, &len, &type, from, id) < 0)
			return -1;
		int rc = put_object(p, i, z, type, data, len);
		git_odb_backend_data_free(from, data);
		return rc;
	}
	git_odb_object *o = NULL;
	if (git_odb_read(&o, odb, id) < 0)
		return -1;
	int rc = put_object(p, i, z, git_odb_object_type(o), git_odb_object_data(o), git_odb_object_size(o));
	git_odb_object_free(o);
	return rc;
}

/* An entry of an existing pack: its bytes (header and zlib stream), copied
 * whole into a merged pack, with the CRC-32 its index gives. */
struct ent {
	git_oid id;
	uint32_t crc;
	const unsigned char *data;
	size_t len;
};

/* What goes into a pack: entries 0..n, the one for ids[i] put by fill(i). */
struct fill {
	int (*fill)(struct fill *f, struct pw *p, size_t i, const git_oid *id);
	git_odb *odb;
	git_odb_backend *from; /* objects read and deflated (read_put) */
	z_stream *z;
	const struct ent *ents; /* or entries of other packs, copied whole */
};

static int fill_read(struct fill *f, struct pw *p, size_t i, const git_oid *id)
{
	return read_put(p, i, f->z, f->odb, f->from, id);
}

/* The pack of ids[0..n) (sorted, no id twice), each entry put by f, and its
 * index, into OBJECTS/pack; its name (the checksum in hex) in hex. */
static int pack_put(git_odb *odb, struct fill *f, const char *objects, const git_oid *ids, size_t n,
		    char hex[2 * SHA1_DIGEST_SIZE + 1], char **why)
{
	struct pw p = { .fd = -1 };
	char *dir = mc_xasprintf("%s/pack", objects);
	char *pack_tpl = mc_xasprintf("%s/tmp_pack_XXXXXX", dir), *idx_tpl = mc_xasprintf("%s/tmp_idx_XXXXXX", dir);
	char *tmp_pack = NULL, *tmp_idx = NULL;
	int rc = 0;
	if ((p.fd = spare_take(objects, pack_tpl, &tmp_pack)) < 0 && errno == ENOENT && mkdir(dir, 0777) == 0) {
		memcpy(pack_tpl + strlen(pack_tpl) - 6, "XXXXXX", 6); /* mkstemp changed it */
		p.fd = spare_take(objects, pack_tpl, &tmp_pack);
	}
	if (p.fd < 0) {
		*why = mc_xasprintf("cannot create %s: %s", pack_tpl, strerror(errno));
		rc = -1;
	}
	p.offset = mc_xcalloc(n, sizeof *p.offset); /* n > 0 */
	p.crc = mc_xcalloc(n, sizeof *p.crc);
	if (rc == 0) {
		sha1_init(&p.sha);
		put(&p, "PACK", 4);
		put_be32(&p, 2);
		put_be32(&p, (uint32_t)n);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i % 512 == 0)
			progress_report("writing the archive", (long long)i, (long long)n);
		if (f->fill(f, &p, i, &ids[i]) < 0) {
			const git_error *e = git_error_last();
			*why = mc_xasprintf("reading an object to pack: %s", e && e->message ? e->message : "?");
			rc = -1;
		}
	}
	unsigned char sum[SHA1_DIGEST_SIZE];
	if (rc == 0) {
		flush(&p);
		sha1_digest(&p.sha, sizeof sum, sum);
		sum_hex(sum, hex);
		if (p.failed || mc_write_all(p.fd, sum, sizeof sum) != 0)
			rc = -1;
	}
	if (p.fd >= 0) {
		char *name = mc_xasprintf("pack-%s.pack", rc == 0 ? hex : "x");
		if (rc != 0) {
			close(p.fd);
			unlink(tmp_pack);
		} else if (put_file(dir, name, NULL, 0, p.fd, tmp_pack) != 0) {
			rc = -1;
		}
		free(name);
	}
	MC_CRASH_POINT("archive: pack written, no index");
	if (rc == 0) {
		/* the index last: with it, readers see the pack whole */
		struct mc_buf idx = MC_BUF_INIT;
		index_v2(&idx, ids, n, &p, sum);
		char *name = mc_xasprintf("pack-%s.idx", hex);
		int fd = spare_take(objects, idx_tpl, &tmp_idx);
		if (fd < 0 || put_file(dir, name, idx.data, idx.len, fd, tmp_idx) != 0) {
			rc = -1;
			char *pk = mc_xasprintf("%s/pack-%s.pack", dir, hex);
			unlink(pk);
			free(pk);
		}
		free(name);
		mc_buf_free(&idx);
		/* a merged pack is seen at once; a drain's objects are read from its
		 * memory (archive.c: batch_end), and once they are not, libgit2 reads
		 * the directory again at the first it cannot find (git_odb_read and
		 * git_odb_exists refresh on a miss): reading it after every drain,
		 * each name compared with every pack known, was a sixteenth of one */
		if (rc == 0 && !f->from)
			git_odb_refresh(odb);
	}
	if (rc != 0 && !*why)
		*why = mc_xasprintf("writing a pack in %s: %s", dir, errno ? strerror(errno) : "zlib failed");
	free(p.buf);
	free(p.offset);
	free(p.crc);
	free(dir);
	free(tmp_pack);
	free(tmp_idx);
	free(pack_tpl);
	free(idx_tpl);
	return rc;
}

/* arc_pack_write, and the pack's name (its checksum in hex) in hex. */
static int pack_write(git_odb *odb, git_odb_backend *from, const char *objects, git_oid *ids, size_t n,
		      char hex[2 * SHA1_DIGEST_SIZE + 1], char **why)
{
	*why = NULL;
	hex[0] = '\0';
	/* the same object may have been made twice (a record scored back to an
	 * earlier value): once in the pack; sorted, as the index wants them */
	qsort(ids, n, sizeof *ids, oid_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || !git_oid_equal(&ids[u - 1], &ids[i]))
			git_oid_cpy(&ids[u++], &ids[i]);
	if (u == 0)
		return 0;
	/* one zlib stream for the process, reset for each object: starting one
	 * allocates and clears ~256 KiB, more than a drain's few objects cost */
	static z_stream z;
	static int ready;
	if (!ready && deflateInit(&z, Z_BEST_SPEED) != Z_OK) {
		*why = mc_xstrdup("zlib cannot start");
		return -1;
	}
	ready = 1;
	struct fill f = { .fill = fill_read, .odb = odb, .from = from, .z = &z };
	return pack_put(odb, &f, objects, ids, u, hex, why);
}

/* Whether OBJECTS has a directory of loose objects ("ab"). */
static int has_loose(const char *objects)
{
	DIR *d = opendir(objects);
	struct dirent *e;
	int found = 0;
	while (d && !found && (e = readdir(d)))
		found = strlen(e->d_name) == 2 && strspn(e->d_name, "0123456789abcdef") == 2;
	if (d)
		closedir(d);
	return found;
}

/* Loose copies of objects now packed removed, as `git prune-packed` does: a
 * crash may have left one empty (an object file the kernel had not written
 * out), which git fsck reports even though readers take the pack's copy. */
static void loose_prune(const char *objects, const git_oid *ids, size_t n)
{
	if (!has_loose(objects))
		return; /* the usual case: an unlink per object for nothing cost ~0.1 ms a drain */
	size_t len = strlen(objects);
	char *f = mc_xmalloc(len + GIT_OID_HEXSZ + 3);
	memcpy(f, objects, len);
	for (size_t i = 0; i < n; i++) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, &ids[i]);
		snprintf(f + len, GIT_OID_HEXSZ + 3, "/%.2s/%s", hex, hex + 2);
		unlink(f);
	}
	free(f);
}

int arc_pack_write(git_odb *odb, git_odb_backend *from, const char *objects, git_oid *ids, size_t n, char **why)
{
	char hex[2 * SHA1_DIGEST_SIZE + 1];
	int rc = pack_write(odb, from, objects, ids, n, hex, why);
	if (rc == 0)
		loose_prune(objects, ids, n);
	return rc;
}

/* ---------------------------------------------------------------- a stream of packs
 * archive init writes the whole state: at a million submissions millions of
 * objects, gigabytes. Held in memory until one pack was written (the
 * in-memory backend), they made its peak grow with the database (402 MB at
 * 20,000 submissions). Here each object goes into the pack file as it is
 * made; only its id, offset and CRC-32 are kept, for the index, and a pack is
 * finished (count written in, checksummed from the file, indexed) when it
 * reaches STREAM_BYTES or STREAM_MOST objects, so memory stays within a few
 * MB. Its packs are larger than any a drain merges (PACKS_BIG in archive.c). */
#define STREAM_BYTES ((uint64_t)64 << 20)
#define STREAM_MOST 32768
#define STREAM_SLOTS (2 * STREAM_MOST) /* the open-addressed table of ids, half full at most */

struct arc_stream {
	git_odb *odb;
	char *objects, *dir, *tmp;
	struct pw p;
	git_oid *ids;       /* the pack's objects, in the order written */
	uint32_t *slot;     /* 1 + index into ids, by the id's first bytes; 0 free */
	size_t n;
	size_t packs;       /* finished */
	z_stream z;
	int zready;
};

struct arc_stream *arc_stream_new(git_odb *odb, const char *objects)
{
	struct arc_stream *w = mc_xcalloc(1, sizeof *w);
	w->odb = odb;
	w->objects = mc_xstrdup(objects);
	w->dir = mc_xasprintf("%s/pack", objects);
	w->p.fd = -1;
	w->p.sha_later = 1;
	return w;
}

size_t arc_stream_held(const struct arc_stream *w)
{
	size_t per = sizeof *w->ids + sizeof *w->p.offset + sizeof *w->p.crc;
	return w->p.cap + (w->p.offset ? STREAM_MOST * per + STREAM_SLOTS * sizeof *w->slot : 0);
}

size_t arc_stream_packs(const struct arc_stream *w) { return w->packs; }

static int stream_start(struct arc_stream *w)
{
	w->tmp = mc_xasprintf("%s/tmp_pack_XXXXXX", w->dir);
	w->p.fd = mkstemp(w->tmp);
	if (w->p.fd < 0 && errno == ENOENT && (mkdir(w->dir, 0777) == 0 || errno == EEXIST)) {
		memcpy(w->tmp + strlen(w->tmp) - 6, "XXXXXX", 6); /* mkstemp changed it */
		w->p.fd = mkstemp(w->tmp);
	}
	if (w->p.fd < 0) {
		loose_fail("cannot create a file in", w->dir);
		free(w->tmp);
		w->tmp = NULL;
		return -1;
	}
	if (!w->p.offset) { /* allocated once, for the largest pack */
		w->p.offset = mc_xmalloc(STREAM_MOST * sizeof *w->p.offset);
		w->p.crc = mc_xmalloc(STREAM_MOST * sizeof *w->p.crc);
		w->ids = mc_xmalloc(STREAM_MOST * sizeof *w->ids);
		w->slot = mc_xmalloc(STREAM_SLOTS * sizeof *w->slot);
	}
	memset(w->slot, 0, STREAM_SLOTS * sizeof *w->slot);
	w->n = 0;
	w->p.len = 0;
	w->p.flushed = 0;
	w->p.failed = 0;
	put(&w->p, "PACK", 4);
	put_be32(&w->p, 2);
	put_be32(&w->p, 0); /* the count, written in at the end */
	return 0;
}

/* The slot of id in the table: where it is, or the free one where it goes. */
static size_t stream_slot(const struct arc_stream *w, const git_oid *id)
{
	size_t h = ((size_t)id->id[0] << 16 | (size_t)id->id[1] << 8 | id->id[2]) % STREAM_SLOTS;
	while (w->slot[h] && !git_oid_equal(&w->ids[w->slot[h] - 1], id))
		h = (h + 1) % STREAM_SLOTS;
	return h;
}

struct sent {
	git_oid id;
	uint64_t offset;
	uint32_t crc;
};

static int sent_cmp(const void *x, const void *y)
{
	return git_oid_cmp(&((const struct sent *)x)->id, &((const struct sent *)y)->id);
}

/* The SHA-1 of the pack file as it is on disk now (its count written in after
 * the objects went through). */
static int file_sha1(int fd, struct pw *p, unsigned char sum[SHA1_DIGEST_SIZE])
{
	struct sha1_ctx c;
	sha1_init(&c);
	need(p, CHUNK);
	off_t at = 0;
	for (;;) {
		ssize_t r = pread(fd, p->buf, CHUNK, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		sha1_update(&c, (size_t)r, p->buf);
		at += r;
	}
	sha1_digest(&c, SHA1_DIGEST_SIZE, sum);
	return 0;
}

/* The pack being written finished: its count, checksum, index, both renamed
 * into objects/pack, the odb told. */
static int stream_finish(struct arc_stream *w, char **why)
{
	unsigned char cnt[4] = { (unsigned char)(w->n >> 24), (unsigned char)(w->n >> 16), (unsigned char)(w->n >> 8),
				 (unsigned char)w->n };
	unsigned char sum[SHA1_DIGEST_SIZE];
	char hex[2 * SHA1_DIGEST_SIZE + 1];
	flush(&w->p);
	int rc = w->p.failed || pwrite(w->p.fd, cnt, 4, 8) != 4 || file_sha1(w->p.fd, &w->p, sum) != 0 ||
			 lseek(w->p.fd, 0, SEEK_END) < 0 || mc_write_all(w->p.fd, sum, sizeof sum) != 0
		 ? -1
		 : 0;
	sum_hex(sum, hex);
	char *name = mc_xasprintf("pack-%s.pack", hex);
	if (rc == 0)
		rc = put_file(w->dir, name, NULL, 0, w->p.fd, w->tmp);
	else {
		close(w->p.fd);
		unlink(w->tmp);
	}
	w->p.fd = -1;
	free(name);
	if (rc == 0) { /* the index last: with it, readers see the pack whole */
		struct sent *e = mc_xmalloc(w->n * sizeof *e);
		for (size_t i = 0; i < w->n; i++) {
			git_oid_cpy(&e[i].id, &w->ids[i]);
			e[i].offset = w->p.offset[i];
			e[i].crc = w->p.crc[i];
		}
		qsort(e, w->n, sizeof *e, sent_cmp);
		for (size_t i = 0; i < w->n; i++) {
			git_oid_cpy(&w->ids[i], &e[i].id);
			w->p.offset[i] = e[i].offset;
			w->p.crc[i] = e[i].crc;
		}
		free(e);
		struct mc_buf idx = MC_BUF_INIT;
		index_v2(&idx, w->ids, w->n, &w->p, sum);
		char *iname = mc_xasprintf("pack-%s.idx", hex), *itmp = mc_xasprintf("%s/tmp_idx_XXXXXX", w->dir);
		int fd = mkstemp(itmp);
		if (fd < 0 || put_file(w->dir, iname, idx.data, idx.len, fd, itmp) != 0) {
			rc = -1;
			char *pk = mc_xasprintf("%s/pack-%s.pack", w->dir, hex);
			unlink(pk);
			free(pk);
		}
		free(iname);
		free(itmp);
		mc_buf_free(&idx);
	}
	if (rc == 0) {
		loose_prune(w->objects, w->ids, w->n);
		git_odb_refresh(w->odb);
		w->packs++;
	} else if (!*why) {
		*why = mc_xasprintf("writing a pack in %s: %s", w->dir, errno ? strerror(errno) : "zlib failed");
	}
	free(w->tmp);
	w->tmp = NULL;
	w->n = 0;
	return rc;
}

int arc_stream_write(struct arc_stream *w, git_oid *oid, const void *data, size_t len, git_object_t type)
{
	if (git_odb_hash(oid, data, len, type) < 0)
		return -1;
	if (!w->zready && deflateInit(&w->z, Z_BEST_SPEED) != Z_OK)
		return loose_fail("zlib cannot start", NULL);
	w->zready = 1;
	if (w->p.fd < 0 && stream_start(w) < 0)
		return -1;
	size_t h = stream_slot(w, oid);
	if (w->slot[h])
		return 0; /* in this pack already (the same text twice) */
	git_oid_cpy(&w->ids[w->n], oid);
	if (put_object(&w->p, w->n, &w->z, type, data, len) < 0)
		return loose_fail("cannot write", w->tmp);
	w->slot[h] = (uint32_t)++w->n;
	if (w->n == STREAM_MOST || w->p.flushed + w->p.len >= STREAM_BYTES) {
		char *why = NULL;
		int rc = stream_finish(w, &why);
		if (rc < 0)
			git_error_set_str(GIT_ERROR_OS, why);
		free(why);
		return rc;
	}
	return 0;
}

int arc_stream_copy(struct arc_stream *w, git_odb_backend *from, const git_oid *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		void *data = NULL;
		size_t len = 0;
		git_object_t type;
		git_oid id;
		if (from->read(&data, &len, &type, from, &ids[i]) < 0)
			return -1;
		int rc = arc_stream_write(w, &id, data, len, type);
		git_odb_backend_data_free(from, data);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int arc_stream_close(struct arc_stream **wp, char **why)
{
	struct arc_stream *w = *wp;
	int rc = 0;
	*why = NULL;
	if (!w)
		return 0;
	if (w->p.fd >= 0 && w->n > 0)
		rc = stream_finish(w, why);
	if (w->p.fd >= 0) { /* nothing in it, or failed */
		close(w->p.fd);
		unlink(w->tmp);
	}
	if (w->zready)
		deflateEnd(&w->z);
	free(w->tmp);
	free(w->p.buf);
	free(w->p.offset);
	free(w->p.crc);
	free(w->ids);
	free(w->slot);
	free(w->objects);
	free(w->dir);
	free(w);
	*wp = NULL;
	return rc;
}

/* ---------------------------------------------------------------- merging packs */

/* A pack of objects/pack, by the name its files share ("pack-HEX"). */
struct pk {
	char *name;
	uint32_t count; /* objects in it */
};

static int pk_cmp(const void *x, const void *y)
{
	const struct pk *a = x, *b = y;
	return (a->count > b->count) - (a->count < b->count);
}

/* The ids an index (version 2) lists, appended to *ids; its object count from
 * the last fan-out entry. 0, or -1 (not an index we can read). */
static int idx_ids(const char *path, git_oid **ids, size_t *n, size_t *cap, uint32_t *count)
{
	FILE *f = fopen(path, "rb");
	unsigned char hdr[8 + 256 * 4];
	int rc = f && fread(hdr, 1, sizeof hdr, f) == sizeof hdr && memcmp(hdr, "\377tOc\0\0\0\2", 8) == 0 ? 0 : -1;
	if (rc == 0) {
		const unsigned char *c = hdr + 8 + 255 * 4;
		*count = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
	}
	if (rc == 0 && ids) {
		if (*n + *count > *cap) {
			*cap = 2 * (*n + *count);
			*ids = mc_xrealloc(*ids, *cap * sizeof **ids);
		}
		for (uint32_t i = 0; rc == 0 && i < *count; i++)
			if (fread((*ids)[*n + i].id, 1, GIT_OID_RAWSZ, f) != GIT_OID_RAWSZ)
				rc = -1;
		if (rc == 0)
			*n += *count;
	}
	if (f)
		fclose(f);
	return rc;
}

/* The packs of dir, by name ("pack-HEX"), their counts not read yet. */
static size_t packs_list(const char *dir, struct pk **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 10 || strncmp(e->d_name, "pack-", 5) != 0 || strcmp(e->d_name + len - 4, ".idx") != 0)
			continue;
		if (n == cap)
			*out = mc_xrealloc(*out, (cap = cap ? 2 * cap : 64) * sizeof **out);
		(*out)[n].name = mc_xasprintf("%.*s", (int)(len - 4), e->d_name);
		(*out)[n++].count = 0;
	}
	if (d)
		closedir(d);
	return n;
}

/* Each pack's object count; those kept by a .keep file, larger than `big`
 * bytes, or whose index cannot be read, are left out (moved past *n). */
static void packs_count(const char *dir, struct pk *p, size_t *n, uint64_t big)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		char *idx = mc_xasprintf("%s/%s.idx", dir, p[i].name);
		char *keep = mc_xasprintf("%s/%s.keep", dir, p[i].name);
		char *pack = mc_xasprintf("%s/%s.pack", dir, p[i].name);
		struct stat sb;
		if (access(keep, F_OK) != 0 && stat(pack, &sb) == 0 && (uint64_t)sb.st_size <= big &&
		    idx_ids(idx, NULL, NULL, NULL, &p[i].count) == 0) {
			struct pk t = p[k];
			p[k++] = p[i];
			p[i] = t;
		}
		free(idx);
		free(keep);
		free(pack);
	}
	*n = k;
}

/* How many of the packs (sorted by size, smallest first) to merge: enough to
 * leave at most `keep`, then each next one as long as it is no bigger than
 * what is merged already, so the packs left grow geometrically and an object
 * is copied again only when its pack at least doubles: at most log2 times.
 * (Taking the next one while it was up to twice what was merged copied the
 * big packs half as often again: an import's pack of 7 MB rewritten after
 * 800 drains, 105 ms, a tenth of the drains' mean.) */
static size_t packs_to_merge(const struct pk *p, size_t n, size_t keep)
{
	size_t k = 0;
	uint64_t sum = 0;
	while (k < n && (k + keep < n || sum >= p[k].count))
		sum += p[k++].count;
	return k;
}

/* Pack `name` out of dir: the index first (readers then no longer see it),
 * its pack and index kept as spares. */
static void pack_remove(const char *objects, const char *dir, const char *name, size_t *nspare)
{
	static const char *const ext[] = { "idx", "pack", "rev", "bitmap" };
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		char *f = mc_xasprintf("%s/%s.%s", dir, name, ext[i]);
		char *spare = mc_xasprintf("%s.%s", name, ext[i]);
		if (i < 2)
			spare_keep(objects, f, spare, nspare);
		else
			unlink(f);
		free(f);
		free(spare);
	}
}

/* A pack (name "pack-HEX") and its index, mapped. */
struct src {
	unsigned char *idx, *pack;
	size_t idxlen, packlen;
};

static int map_file(const char *path, unsigned char **p, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	*p = NULL;
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size < 32) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	*p = m;
	*len = (size_t)sb.st_size;
	return 0;
}

static uint32_t get_be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int off_cmp(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	return (a->data > b->data) - (a->data < b->data);
}

/* The entries of pack `name` appended to *e (each whole, as in the pack):
 * 0; 1 if one is a delta (then the caller reads objects instead); -1 if the
 * files are not a pack and index (version 2) that agree. */
static int entries_of(const char *dir, const char *name, struct src *sr, struct ent **e, size_t *n, size_t *cap)
{
	char *ip = mc_xasprintf("%s/%s.idx", dir, name), *pp = mc_xasprintf("%s/%s.pack", dir, name);
	int rc = map_file(ip, &sr->idx, &sr->idxlen) == 0 && map_file(pp, &sr->pack, &sr->packlen) == 0 ? 0 : -1;
	free(ip);
	free(pp);
	const unsigned char *x = sr->idx;
	uint32_t cnt = rc == 0 ? get_be32(x + 8 + 255 * 4) : 0;
	size_t base = 8 + 1024, need = base + (size_t)cnt * 28 + 40;
	if (rc == 0 && (memcmp(x, "\377tOc\0\0\0\2", 8) != 0 || sr->idxlen < need ||
			memcmp(sr->pack, "PACK", 4) != 0 || get_be32(sr->pack + 8) != cnt))
		rc = -1;
	if (rc != 0)
		return -1;
	if (*n + cnt > *cap)
		*e = mc_xrealloc(*e, (*cap = 2 * (*n + cnt)) * sizeof **e);
	struct ent *v = *e + *n;
	const unsigned char *ids = x + base, *crc = ids + (size_t)cnt * 20, *off = crc + (size_t)cnt * 4;
	const unsigned char *large = off + (size_t)cnt * 4;
	for (uint32_t i = 0; rc == 0 && i < cnt; i++) {
		uint64_t o = get_be32(off + 4 * (size_t)i);
		if (o & 0x80000000u) {
			size_t k = (size_t)(o & 0x7fffffffu);
			if (large + 8 * k + 8 > sr->idx + sr->idxlen - 40)
				return -1;
			o = (uint64_t)get_be32(large + 8 * k) << 32 | get_be32(large + 8 * k + 4);
		}
		if (o < 12 || o >= sr->packlen - 20)
			return -1;
		memcpy(v[i].id.id, ids + 20 * (size_t)i, GIT_OID_RAWSZ);
		v[i].crc = get_be32(crc + 4 * (size_t)i);
		v[i].data = sr->pack + o;
		if (((v[i].data[0] >> 4) & 7) >= 6) /* OFS_DELTA, REF_DELTA: not ours, perhaps git gc's */
			return 1;
	}
	qsort(v, cnt, sizeof *v, off_cmp); /* each entry ends where the next begins */
	for (uint32_t i = 0; i < cnt; i++)
		v[i].len = (size_t)((i + 1 < cnt ? v[i + 1].data : sr->pack + sr->packlen - 20) - v[i].data);
	*n += cnt;
	return 0;
}

static int ent_cmp(const void *x, const void *y)
{
	return git_oid_cmp(&((const struct ent *)x)->id, &((const struct ent *)y)->id);
}

static int fill_copy(struct fill *f, struct pw *p, size_t i, const git_oid *id)
{
	(void)id;
	p->offset[i] = p->flushed + p->len;
	p->crc[i] = f->ents[i].crc;
	put(p, f->ents[i].data, f->ents[i].len);
	if (p->len >= CHUNK)
		flush(p);
	return p->failed ? -1 : 0;
}

/* Packs p[0..k) merged into one: their entries copied as they are (no
 * inflating, no hashing: ~10x faster than reading each object), or, when one
 * holds a delta, their objects read and written again. */
static int packs_merge(git_odb *odb, const char *objects, const char *dir, const struct pk *p, size_t k,
		       char hex[2 * SHA1_DIGEST_SIZE + 1], char **why)
{
	struct src *sr = mc_xcalloc(k, sizeof *sr);
	struct ent *e = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < k; i++)
		if ((rc = entries_of(dir, p[i].name, &sr[i], &e, &n, &cap)) < 0)
			*why = mc_xasprintf("cannot read %s/%s.idx and .pack as a pack", dir, p[i].name);
	git_oid *ids = NULL;
	if (rc == 1) { /* the objects, read through libgit2 */
		size_t nids = 0, icap = 0;
		uint32_t count;
		for (size_t i = 0; rc >= 0 && i < k; i++) {
			char *idx = mc_xasprintf("%s/%s.idx", dir, p[i].name);
			rc = idx_ids(idx, &ids, &nids, &icap, &count);
			free(idx);
		}
		rc = rc < 0 ? -1 : pack_write(odb, NULL, objects, ids, nids, hex, why);
	} else if (rc == 0) {
		qsort(e, n, sizeof *e, ent_cmp);
		size_t u = 0;
		for (size_t i = 0; i < n; i++)
			if (u == 0 || !git_oid_equal(&e[u - 1].id, &e[i].id))
				e[u++] = e[i];
		ids = mc_xcalloc(u ? u : 1, sizeof *ids);
		for (size_t i = 0; i < u; i++)
			git_oid_cpy(&ids[i], &e[i].id);
		struct fill f = { .fill = fill_copy, .ents = e };
		rc = u ? pack_put(odb, &f, objects, ids, u, hex, why) : -1;
	}
	for (size_t i = 0; i < k; i++) {
		if (sr[i].idx)
			munmap(sr[i].idx, sr[i].idxlen);
		if (sr[i].pack)
			munmap(sr[i].pack, sr[i].packlen);
	}
	free(sr);
	free(e);
	free(ids);
	return rc;
}

/* ---------------------------------------------------------------- packs joined as a stream
 * arc_pack_merge holds an entry per object and maps each pack whole: right for
 * a drain's small packs, not for init's (a million submissions: ~240 packs of
 * ~20 MB, millions of objects). Yet every look-up that misses searches each
 * pack's index in turn (libgit2 tries the last pack that answered first), so a
 * read touches more of the indexes, and takes longer, the more packs there
 * are. libgit2 1.5 reads a multi-pack index, but opening one walks its whole
 * table of ids (20 bytes an object, all resident at once) and its writer holds
 * every entry: neither flat. So packs are joined here instead, holding nothing
 * per object: the new pack is the packs' entries one pack after the other (an
 * entry's bytes unchanged: a delta's base, by offset or by id, is where it
 * was relative to it), and its index the packs' indexes merged in id order,
 * read a few KB at a time (an id in two packs is listed twice, as each copy
 * is in the pack; readers take either). */

/* Reading a file in order, a few KB at a time (pread: nothing mapped). */
struct rd {
	int fd;
	off_t at;
	unsigned char *buf;
	size_t len, pos, cap;
};

static const unsigned char *rd_take(struct rd *r, size_t n)
{
	if (r->pos + n > r->len) {
		size_t keep = r->len - r->pos;
		memmove(r->buf, r->buf + r->pos, keep);
		r->len = keep;
		r->pos = 0;
		while (r->len < n) {
			ssize_t got = pread(r->fd, r->buf + r->len, r->cap - r->len, r->at);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return NULL;
			r->at += got;
			r->len += (size_t)got;
		}
	}
	const unsigned char *p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static void rd_at(struct rd *r, off_t at)
{
	r->at = at;
	r->len = r->pos = 0;
}

/* One of the packs joined: its index read in order, its ids and one other
 * table (CRC-32s or offsets) side by side. */
struct jsrc {
	char *name;
	int idx_fd, pack_fd;
	uint32_t count, i;
	uint64_t packlen, base; /* its entries start at base in the new pack */
	struct rd ids, field;
	unsigned char id[GIT_OID_RAWSZ];
	off_t large;            /* its table of offsets past 2 GiB */
	long long mtime;        /* its pack file's, in ns */
	/* its entries left out (their ids are in a pack before it), by offset:
	 * where each ends, and the bytes left out before each */
	uint64_t *skip, *end, *cut;
	size_t nskip, capskip;
	uint32_t shared; /* its entries whose id a pack after it has too */
	int out;         /* each of them: left out whole, removed with the others */
};

enum { J_IDS, J_CRC, J_OFF, J_LARGE, J_DUPS, J_SHARED };

/* At most this many entries left out (an id in two packs), 24 bytes each:
 * packs sharing more are not joined. */
#define JOIN_DUPS_MOST ((size_t)1 << 16)

/* The next id of s into s->id: 0, 1 when it has no more, -1 on a short read. */
static int jsrc_next(struct jsrc *s)
{
	if (s->i >= s->count)
		return 1;
	const unsigned char *p = rd_take(&s->ids, GIT_OID_RAWSZ);
	if (!p)
		return -1;
	memcpy(s->id, p, GIT_OID_RAWSZ);
	return 0;
}

/* The heap of sources with ids left, by id, then the newest pack first (by
 * its file's time, then the later source: the same order in every pass): of
 * an id's copies the one readers read now is kept (libgit2 and git look in
 * the newest pack first; a repair, `archive init` writing the state again
 * over a damaged copy, relies on it). */
static int jless(const struct jsrc *s, size_t a, size_t b)
{
	int c = memcmp(s[a].id, s[b].id, GIT_OID_RAWSZ);
	if (c != 0)
		return c < 0;
	if (s[a].mtime != s[b].mtime)
		return s[a].mtime > s[b].mtime;
	return a > b;
}

static void jdown(const struct jsrc *s, size_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && jless(s, h[l], h[m]))
			m = l;
		if (l + 1 < n && jless(s, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		size_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* A join writes through buffers of JOIN_BUF (allocated with the pack and
 * index writers, never grown): a buffer of a MiB freed after the join stayed
 * in the heap of a pull for good. */
#define JOIN_BUF ((size_t)64 << 10)

static void pw_be32(struct pw *p, uint32_t v) { be32_with(p, v, jput); }

/* Offset o of s's index table resolved (those past 2 GiB in a table of their own). */
static int jsrc_offset(const struct jsrc *c, uint64_t o, uint64_t *out)
{
	if (o & 0x80000000u) {
		unsigned char b[8];
		if (pread(c->idx_fd, b, 8, c->large + 8 * (off_t)(o & 0x7fffffffu)) != 8)
			return -1;
		o = (uint64_t)get_be32(b) << 32 | get_be32(b + 4);
	}
	if (o < 12 || o >= c->packlen - 20)
		return -1;
	*out = o;
	return 0;
}

/* How many of s's entries left out start before offset o. */
static size_t jsrc_skipped(const struct jsrc *c, uint64_t o)
{
	size_t lo = 0, hi = c->nskip;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		if (c->skip[m] < o)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* The bytes of s's entries left out before offset o. */
static uint64_t jsrc_cut(const struct jsrc *c, uint64_t o)
{
	size_t j = jsrc_skipped(c, o);
	return j ? c->cut[j - 1] + (c->end[j - 1] - c->skip[j - 1]) : 0;
}

/* One pass over the sources' indexes in id order, each id once: writing into
 * w the ids, the CRC-32s, the offsets in the new pack, or those past 2 GiB
 * (*count counts them); or (J_DUPS) noting each later copy of an id in its
 * source's skip list (*dups counts them: -1 past JOIN_DUPS_MOST) and the
 * fan-out of the ids in fan (*count: how many); or (J_SHARED) counting in
 * each source the ids a source after it has too. Sources left out whole are
 * passed over. 0 or -1. */
static int join_pass(struct jsrc *s, size_t k, size_t *h, int what, struct pw *w, uint32_t *count,
		     uint32_t fan[256], size_t *dups)
{
	size_t n = 0;
	for (size_t i = 0; i < k; i++) {
		if (s[i].out)
			continue;
		s[i].i = 0;
		s[i].shared = 0;
		rd_at(&s[i].ids, 8 + 1024);
		off_t tab = 8 + 1024 + (off_t)s[i].count * (what == J_CRC ? 20 : 24);
		rd_at(&s[i].field, tab);
		int r = jsrc_next(&s[i]);
		if (r < 0)
			return -1;
		if (r == 0)
			h[n++] = i;
	}
	for (size_t i = n; i-- > 0;)
		jdown(s, h, n, i);
	*count = 0;
	unsigned char prev[GIT_OID_RAWSZ];
	int have = 0;
	while (n > 0) {
		struct jsrc *c = &s[h[0]];
		int dup = have && memcmp(prev, c->id, GIT_OID_RAWSZ) == 0;
		memcpy(prev, c->id, GIT_OID_RAWSZ);
		have = 1;
		const unsigned char *f = what == J_IDS || what == J_SHARED ? NULL : rd_take(&c->field, 4);
		if (what != J_IDS && what != J_SHARED && !f)
			return -1;
		uint64_t o = f ? get_be32(f) : 0;
		if (what == J_SHARED) {
			c->shared += dup; /* an id's copies come newest first: c's has one before it */
		} else if (what == J_DUPS) {
			if (dup && ++*dups > JOIN_DUPS_MOST)
				return -1;
			if (dup) {
				if (c->nskip == c->capskip) {
					c->capskip = c->capskip ? 2 * c->capskip : 64;
					c->skip = mc_xrealloc(c->skip, c->capskip * sizeof *c->skip);
				}
				if (jsrc_offset(c, o, &c->skip[c->nskip++]) != 0)
					return -1;
			} else {
				(*count)++;
				fan[c->id[0]]++; /* counts, summed after */
			}
		} else if (dup) {
			/* a later copy: left out */
		} else if (what == J_IDS) {
			jput(w, c->id, GIT_OID_RAWSZ);
		} else if (what == J_CRC) {
			pw_be32(w, (uint32_t)o);
		} else {
			if (jsrc_offset(c, o, &o) != 0)
				return -1;
			o = c->base + o - 12 - jsrc_cut(c, o);
			if (what == J_OFF)
				pw_be32(w, o < 0x80000000u ? (uint32_t)o : 0x80000000u | *count);
			else if (o >= 0x80000000u) {
				pw_be32(w, (uint32_t)(o >> 32));
				pw_be32(w, (uint32_t)o);
			}
			*count += o >= 0x80000000u;
		}
		c->i++;
		int r = jsrc_next(c);
		if (r < 0)
			return -1;
		if (r > 0)
			h[0] = h[--n];
		jdown(s, h, n, 0);
	}
	return w && w->failed ? -1 : 0;
}

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

/* Where each entry s left out ends (the next entry's offset), and the bytes
 * left out before each: its offsets read once. An entry left out must not be
 * a delta's base and no delta may reach over one: a pack that has entries
 * left out and deltas (git's, not ours) is not joined (1). 0, 1 or -1. */
static int jsrc_ends(struct jsrc *c)
{
	if (c->nskip == 0)
		return 0;
	qsort(c->skip, c->nskip, sizeof *c->skip, u64_cmp);
	c->end = mc_xmalloc(c->nskip * sizeof *c->end);
	c->cut = mc_xmalloc(c->nskip * sizeof *c->cut);
	for (size_t j = 0; j < c->nskip; j++)
		c->end[j] = c->packlen - 20;
	rd_at(&c->field, 8 + 1024 + (off_t)c->count * 24);
	for (uint32_t i = 0; i < c->count; i++) {
		const unsigned char *f = rd_take(&c->field, 4);
		uint64_t o;
		unsigned char t;
		if (!f || jsrc_offset(c, get_be32(f), &o) != 0 || pread(c->pack_fd, &t, 1, (off_t)o) != 1)
			return -1;
		if (((t >> 4) & 7) >= 6)
			return 1; /* OFS_DELTA or REF_DELTA */
		/* the last entry left out before o: o may be where it ends */
		size_t j = jsrc_skipped(c, o);
		if (j > 0 && o < c->end[j - 1])
			c->end[j - 1] = o;
	}
	uint64_t cut = 0;
	for (size_t j = 0; j < c->nskip; j++) {
		c->cut[j] = cut;
		cut += c->end[j] - c->skip[j];
	}
	return 0;
}

/* The source's files opened and checked: a pack (version 2) and its index
 * (version 2) of the same count, the index naming the pack's checksum. */
static int jsrc_open(const char *dir, struct jsrc *s)
{
	char *ip = mc_xasprintf("%s/%s.idx", dir, s->name), *pp = mc_xasprintf("%s/%s.pack", dir, s->name);
	s->idx_fd = open(ip, O_RDONLY | O_CLOEXEC);
	s->pack_fd = open(pp, O_RDONLY | O_CLOEXEC);
	free(ip);
	free(pp);
	struct stat is, ps;
	unsigned char hdr[8], ph[12], psum[20], isum[20], last[4];
	if (s->idx_fd < 0 || s->pack_fd < 0 || fstat(s->idx_fd, &is) != 0 || fstat(s->pack_fd, &ps) != 0 ||
	    is.st_size < 8 + 1024 + 40 || ps.st_size < 32 || pread(s->idx_fd, hdr, 8, 0) != 8 ||
	    memcmp(hdr, "\377tOc\0\0\0\2", 8) != 0 || pread(s->idx_fd, last, 4, 8 + 1020) != 4 ||
	    pread(s->pack_fd, ph, 12, 0) != 12 || memcmp(ph, "PACK\0\0\0\2", 8) != 0 ||
	    pread(s->pack_fd, psum, 20, ps.st_size - 20) != 20 || pread(s->idx_fd, isum, 20, is.st_size - 40) != 20 ||
	    memcmp(psum, isum, 20) != 0)
		return -1;
	s->count = get_be32(last);
	s->packlen = (uint64_t)ps.st_size;
	s->mtime = (long long)ps.st_mtim.tv_sec * 1000000000LL + ps.st_mtim.tv_nsec;
	s->large = 8 + 1024 + (off_t)s->count * 28;
	if (get_be32(ph + 8) != s->count || (uint64_t)is.st_size < (uint64_t)s->large + 40)
		return -1;
	return 0;
}

/* The pack's bytes [from, to) into w. */
static int copy_range(int fd, uint64_t from, uint64_t to, struct pw *w)
{
	while (from < to && !w->failed) {
		if (w->cap - w->len < 4096)
			flush(w);
		size_t want = w->cap - w->len;
		if (want > to - from)
			want = (size_t)(to - from);
		ssize_t got = pread(fd, w->buf + w->len, want, (off_t)from);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		w->len += (size_t)got;
		from += (uint64_t)got;
	}
	return w->failed ? -1 : 0;
}

/* Packs p[0..k) of dir joined into one (above): written under temporary
 * names, then the pack and the index renamed into place, its name in hex (or
 * the name of the one pack that holds every object of the others). 0; 1 when
 * they are left as they are: they share more than JOIN_DUPS_MOST objects, or
 * one that shares objects holds deltas (git's: `git gc` joins those); -1. */
static int packs_join(const char *dir, const struct pk *p, size_t k, char hex[2 * SHA1_DIGEST_SIZE + 1],
		      char **why)
{
	struct jsrc *s = mc_xcalloc(k, sizeof *s);
	size_t *h = mc_xcalloc(k, sizeof *h);
	uint32_t fan[256] = { 0 }, total = 0, large = 0;
	int rc = 0;
	for (size_t i = 0; i < k; i++)
		s[i].idx_fd = s[i].pack_fd = -1;
	for (size_t i = 0; rc == 0 && i < k; i++) {
		s[i].name = p[i].name;
		if (jsrc_open(dir, &s[i]) != 0) {
			*why = mc_xasprintf("cannot read %s/%s.idx and .pack as a pack", dir, p[i].name);
			rc = -1;
		}
		s[i].ids = (struct rd){ .fd = s[i].idx_fd, .buf = mc_xmalloc(4096), .cap = 4096 };
		s[i].field = (struct rd){ .fd = s[i].idx_fd, .buf = mc_xmalloc(1024), .cap = 1024 };
	}
	/* a pack whose every object is in a newer pack (the same archive's packs
	 * joined elsewhere and taken here, a join killed before it removed what it
	 * joined) is left out whole: each of its objects is then in the newest
	 * pack that has it, which is not left out */
	size_t left = k;
	if (rc == 0 && join_pass(s, k, h, J_SHARED, NULL, &total, NULL, NULL) != 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < k; i++)
		if (s[i].shared == s[i].count) {
			s[i].out = 1;
			left--;
		}
	size_t dups = 0;
	if (rc == 0 && join_pass(s, k, h, J_DUPS, NULL, &total, fan, &dups) != 0)
		rc = dups > JOIN_DUPS_MOST ? 1 : -1;
	for (int b = 1; b < 256; b++)
		fan[b] += fan[b - 1];
	uint64_t at = 12;
	for (size_t i = 0; rc == 0 && i < k; i++) {
		if (s[i].out)
			continue;
		rc = jsrc_ends(&s[i]);
		s[i].base = at;
		at += s[i].packlen - 32 - jsrc_cut(&s[i], s[i].packlen);
	}
	if (rc == 0 && left == 0)
		rc = 1; /* empty packs only */
	if (rc == 0 && left == 1) { /* the one left holds them all: nothing to write */
		for (size_t i = 0; i < k; i++)
			if (!s[i].out)
				snprintf(hex, 2 * SHA1_DIGEST_SIZE + 1, "%s", p[i].name + 5);
		rc = 2;
	}
	char *ptmp = mc_xasprintf("%s/tmp_pack_XXXXXX", dir), *itmp = mc_xasprintf("%s/tmp_idx_XXXXXX", dir);
	struct pw w = { .fd = -1, .buf = mc_xmalloc(JOIN_BUF), .cap = JOIN_BUF };
	struct pw x = { .fd = -1, .buf = mc_xmalloc(JOIN_BUF), .cap = JOIN_BUF };
	if (rc == 0 && ((w.fd = mkstemp(ptmp)) < 0 || (x.fd = mkstemp(itmp)) < 0)) {
		*why = mc_xasprintf("cannot create a file in %s: %s", dir, strerror(errno));
		rc = -1;
	}
	unsigned char sum[SHA1_DIGEST_SIZE];
	if (rc == 0) { /* the pack: each one's entries but those left out, between its header and checksum */
		sha1_init(&w.sha);
		jput(&w, "PACK", 4);
		pw_be32(&w, 2);
		pw_be32(&w, total);
		for (size_t i = 0; rc == 0 && i < k; i++) {
			progress_report("joining the archive's packs", (long long)i, (long long)k);
			if (s[i].out)
				continue;
			uint64_t from = 12;
			for (size_t j = 0; rc == 0 && j < s[i].nskip; j++) {
				rc = copy_range(s[i].pack_fd, from, s[i].skip[j], &w);
				from = s[i].end[j];
			}
			if (rc == 0)
				rc = copy_range(s[i].pack_fd, from, s[i].packlen - 20, &w);
		}
		flush(&w);
		sha1_digest(&w.sha, sizeof sum, sum);
		if (rc == 0 && (w.failed || mc_write_all(w.fd, sum, sizeof sum) != 0))
			rc = -1;
	}
	if (rc == 0) { /* its index: fan-out, ids, CRC-32s, offsets, large offsets, checksums */
		sha1_init(&x.sha);
		jput(&x, "\377tOc", 4);
		pw_be32(&x, 2);
		for (int b = 0; b < 256; b++)
			pw_be32(&x, fan[b]);
		if (join_pass(s, k, h, J_IDS, &x, &large, NULL, NULL) != 0 ||
		    join_pass(s, k, h, J_CRC, &x, &large, NULL, NULL) != 0 ||
		    join_pass(s, k, h, J_OFF, &x, &large, NULL, NULL) != 0 ||
		    (large > 0 && join_pass(s, k, h, J_LARGE, &x, &large, NULL, NULL) != 0))
			rc = -1;
		jput(&x, sum, sizeof sum);
		flush(&x);
		unsigned char isum[SHA1_DIGEST_SIZE];
		sha1_digest(&x.sha, sizeof isum, isum);
		if (rc == 0 && (x.failed || mc_write_all(x.fd, isum, sizeof isum) != 0))
			rc = -1;
	}
	if (rc == 0) { /* the pack, then its index: with it, readers see the pack whole */
		sum_hex(sum, hex);
		char *pn = mc_xasprintf("pack-%s.pack", hex), *in = mc_xasprintf("pack-%s.idx", hex);
		int pfd = w.fd, ifd = x.fd;
		w.fd = x.fd = -1;
		if (put_file(dir, pn, NULL, 0, pfd, ptmp) != 0) {
			close(ifd);
			unlink(itmp);
			rc = -1;
		} else if (put_file(dir, in, NULL, 0, ifd, itmp) != 0) {
			char *pk = mc_xasprintf("%s/%s", dir, pn);
			unlink(pk);
			free(pk);
			rc = -1;
		}
		free(pn);
		free(in);
	}
	if (rc == 2) /* only packs left out whole: they are removed */
		rc = 0;
	if (w.fd >= 0) {
		close(w.fd);
		unlink(ptmp);
	}
	if (x.fd >= 0) {
		close(x.fd);
		unlink(itmp);
	}
	if (rc < 0 && !*why)
		*why = mc_xasprintf("joining packs in %s: %s", dir, errno ? strerror(errno) : "a short read");
	for (size_t i = 0; i < k; i++) {
		if (s[i].idx_fd >= 0)
			close(s[i].idx_fd);
		if (s[i].pack_fd >= 0)
			close(s[i].pack_fd);
		free(s[i].ids.buf);
		free(s[i].field.buf);
		free(s[i].skip);
		free(s[i].end);
		free(s[i].cut);
	}
	free(w.buf);
	free(x.buf);
	free(ptmp);
	free(itmp);
	free(s);
	free(h);
	return rc;
}

/* The packs of OBJECTS/pack, more than `most` (those of at most `big`
 * bytes), reduced: the smallest merged (packs_merge) or joined (packs_join)
 * into one and removed; *done: how many. */
static int packs_reduce(git_odb *odb, const char *objects, size_t most, size_t keep, uint64_t big, int join,
			size_t *done, char **why)
{
	*why = NULL;
	*done = 0;
	char *dir = mc_xasprintf("%s/pack", objects);
	struct pk *p;
	size_t all = packs_list(dir, &p), n = all, k = 0;
	int rc = 0;
	if (n > most) {
		packs_count(dir, p, &n, big);
		qsort(p, n, sizeof *p, pk_cmp);
		k = n > most ? packs_to_merge(p, n, keep) : 0;
	}
	char hex[2 * SHA1_DIGEST_SIZE + 1];
	if (k >= 2 && (rc = join ? packs_join(dir, p, k, hex, why) : packs_merge(odb, objects, dir, p, k, hex, why)) == 0) {
		MC_CRASH_POINT(join ? "archive: packs joined, old ones not removed"
				    : "archive: packs merged, old ones not removed");
		size_t nspare = (size_t)-1;
		for (size_t i = 0; i < k; i++)
			if (strcmp(p[i].name + 5, hex) != 0) /* the same objects, the same pack */
				pack_remove(objects, dir, p[i].name, &nspare);
		*done = k;
		kept_odb_afresh();
	}
	for (size_t i = 0; i < all; i++)
		free(p[i].name);
	free(p);
	free(dir);
	return rc > 0 ? 0 : rc; /* 1: left as they are */
}

int arc_pack_merge(git_odb *odb, const char *objects, size_t most, size_t keep, uint64_t big, size_t *merged,
		   char **why)
{
	return packs_reduce(odb, objects, most, keep, big, 0, merged, why);
}

int arc_pack_join(const char *objects, size_t most, size_t keep, size_t *joined, char **why)
{
	return packs_reduce(NULL, objects, most, keep, UINT64_MAX, 1, joined, why);
}

/* ---------------------------------------------------------------- another archive's objects, as files */

/* File from at to: copied beside it and renamed. Never a hard link: a pack
 * merged away here becomes a spare whose file the next pack is written into
 * (spare_keep), which would write into the other archive's pack. 0, or -1
 * and errno (ENOENT: from is gone). */
static int take_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	char *tmp = mc_xasprintf("%s.XXXXXX", to);
	int out = mkstemp(tmp), rc = out < 0 ? -1 : 0;
	static char buf[1 << 16];
	ssize_t n;
	while (rc == 0 && (n = read(in, buf, sizeof buf)) != 0)
		rc = n < 0 ? (errno == EINTR ? 0 : -1) : mc_write_all(out, buf, (size_t)n);
	int e = errno;
	close(in);
	if (out >= 0) {
		fchmod(out, priv_file_mode(0444));
		if (close(out) != 0 && rc == 0)
			rc = -1, e = errno;
		if (rc == 0 && rename(tmp, to) != 0)
			rc = -1, e = errno;
		if (rc != 0)
			unlink(tmp);
	}
	free(tmp);
	errno = e;
	return rc;
}

/* The packs of from/pack not in objects/pack (by name: a pack's name is its
 * checksum), each pack before its index, which is what makes libgit2 see it.
 * *gone: a listed one was removed meanwhile (merged away there). */
static int take_packs(const char *from, const char *objects, size_t *taken, int *gone)
{
	char *src = mc_xasprintf("%s/pack", from), *dst = mc_xasprintf("%s/pack", objects);
	DIR *d = opendir(src);
	struct dirent *e;
	int rc = d || errno == ENOENT ? 0 : -1;
	while (rc == 0 && d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "pack-", 5) != 0 || len < 9 || strcmp(e->d_name + len - 4, ".idx") != 0)
			continue;
		char *idx = mc_xasprintf("%s/%s", dst, e->d_name);
		if (access(idx, F_OK) != 0) {
			char *fi = mc_xasprintf("%s/%s", src, e->d_name);
			char *fp = mc_xasprintf("%s/%.*s.pack", src, (int)len - 4, e->d_name);
			char *tp = mc_xasprintf("%s/%.*s.pack", dst, (int)len - 4, e->d_name);
			if (take_file(fp, tp) != 0 || take_file(fi, idx) != 0) {
				if (errno == ENOENT)
					*gone = 1;
				else
					rc = -1;
			} else
				(*taken)++;
			free(fi);
			free(fp);
			free(tp);
		}
		free(idx);
	}
	if (d)
		closedir(d);
	free(src);
	free(dst);
	return rc;
}

/* The loose objects of from (objects/xx/…) not here. */
static int take_loose(const char *from, const char *objects, size_t *taken)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = d ? 0 : -1;
	while (rc == 0 && d && (e = readdir(d))) {
		if (strlen(e->d_name) != 2 || !strchr("0123456789abcdef", e->d_name[0]) ||
		    !strchr("0123456789abcdef", e->d_name[1]))
			continue;
		char *sd = mc_xasprintf("%s/%s", from, e->d_name), *td = mc_xasprintf("%s/%s", objects, e->d_name);
		DIR *s = opendir(sd);
		struct dirent *f;
		while (rc == 0 && s && (f = readdir(s))) {
			if (strlen(f->d_name) != GIT_OID_HEXSZ - 2)
				continue;
			char *fs = mc_xasprintf("%s/%s", sd, f->d_name), *ft = mc_xasprintf("%s/%s", td, f->d_name);
			if (access(ft, F_OK) != 0 && (mkdir(td, 0777) == 0 || errno == EEXIST)) {
				if (take_file(fs, ft) == 0)
					(*taken)++;
				else if (errno != ENOENT) /* packed and pruned there meanwhile: in a pack now */
					rc = -1;
			}
			free(fs);
			free(ft);
		}
		if (s)
			closedir(s);
		free(sd);
		free(td);
	}
	if (d)
		closedir(d);
	return rc;
}

int arc_objects_take(const char *from, const char *objects, size_t *taken)
{
	*taken = 0;
	char *alt = mc_xasprintf("%s/info/alternates", from);
	int has_alt = access(alt, F_OK) == 0;
	free(alt);
	if (has_alt) {
		errno = ENOTSUP;
		return -1;
	}
	/* listed again until a listing brings nothing and finds nothing gone:
	 * a pack made there (merging others) while one listing went by is in the next */
	int rc = 0;
	for (int pass = 0;; pass++) {
		size_t before = *taken;
		int gone = 0;
		rc = take_loose(from, objects, taken);
		if (rc == 0)
			rc = take_packs(from, objects, taken, &gone);
		if (rc != 0 || (pass > 0 && *taken == before && !gone))
			break;
		if (pass == 16) {
			errno = EAGAIN;
			rc = -1;
			break;
		}
	}
	return rc;
}

/* The index files mapped at each address (the mapping's start and the file's
 * inode) whose page cache pack_cache_afresh emptied. */
struct mapped_idx {
	unsigned long lo, ino;
};
static struct mapped_idx *afresh;
static size_t nafresh, capafresh;

/* The page cache of an index file emptied, the first time it is seen mapped
 * at an address, so that its pages come back one at a time: a file just
 * written, or read ahead (8 MiB here) at libgit2's first look, is cached in
 * large folios (512 KiB here), and one look-up's touch maps a whole folio
 * into the process: an index would be all resident after a few look-ups
 * whatever is dropped. Its pages are written first (a dirty page is not
 * dropped); its mappings here were dropped before (a page mapped stays). */
static int afresh_known(unsigned long lo, unsigned long ino)
{
	for (size_t i = 0; i < nafresh; i++)
		if (afresh[i].lo == lo && afresh[i].ino == ino)
			return 1;
	return 0;
}

static void afresh_free(void)
{
	free(afresh);
	afresh = NULL;
	nafresh = capafresh = 0;
}

static void pack_cache_afresh(const char *path, unsigned long lo, unsigned long ino)
{
	if (afresh_known(lo, ino))
		return;
	if (nafresh == capafresh) {
		static int registered;
		if (!registered)
			atexit(afresh_free);
		registered = 1;
		capafresh = capafresh ? 2 * capafresh : 16;
		afresh = mc_xrealloc(afresh, capafresh * sizeof *afresh);
	}
	afresh[nafresh++] = (struct mapped_idx){ lo, ino };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fdatasync(fd);
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/* Each of this process's read-only mappings of OBJECTS/pack's indexes and
 * packs (/proc/self/maps), to fn; fn's return: go on (0) or stop. */
static void pack_maps_each(const char *objects, int (*fn)(unsigned long lo, unsigned long hi, unsigned long ino,
							   const char *path, int idx))
{
	FILE *fp = fopen("/proc/self/maps", "re");
	if (!fp)
		return;
	char *line = NULL, *dir = mc_xasprintf("%s/pack/", objects);
	size_t cap = 0, dl = strlen(dir);
	while (getline(&line, &cap, fp) > 0) {
		unsigned long lo, hi, ino;
		char perms[8];
		int at = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu %n", &lo, &hi, perms, &ino, &at) < 4 || !at ||
		    perms[1] != '-')
			continue; /* writable mappings are not libgit2's indexes */
		char *path = line + at;
		path[strcspn(path, "\n")] = '\0';
		size_t pl = strlen(path);
		int idx = pl > 4 && strcmp(path + pl - 4, ".idx") == 0;
		if (strncmp(path, dir, dl) != 0 || (!idx && (pl < 5 || strcmp(path + pl - 5, ".pack") != 0)))
			continue;
		if (fn(lo, hi, ino, path, idx))
			break;
	}
	free(line);
	free(dir);
	fclose(fp);
}

static int maps_new; /* map_drop met an index mapping pack_cache_afresh has not seen */

static int map_drop(unsigned long lo, unsigned long hi, unsigned long ino, const char *path, int idx)
{
	(void)path;
	madvise((void *)lo, hi - lo, MADV_DONTNEED);
	if (idx) { /* no read-ahead: a look-up touches a few pages */
		madvise((void *)lo, hi - lo, MADV_RANDOM);
		maps_new |= !afresh_known(lo, ino);
	}
	return 0;
}

static int map_afresh(unsigned long lo, unsigned long hi, unsigned long ino, const char *path, int idx)
{
	(void)hi;
	if (idx)
		pack_cache_afresh(path, lo, ino);
	return 0;
}

void arc_pack_maps_drop(const char *objects)
{
	maps_new = 0;
	pack_maps_each(objects, map_drop);
	if (maps_new) /* after all are dropped: a file mapped twice keeps the pages the other maps */
		pack_maps_each(objects, map_afresh);
}

/* How far the resident set may grow between two drops. Page faults are no
 * measure of it: one fault on a file mapping may map 16 pages or a whole large
 * folio of the page cache. The resident set itself is read instead, from
 * /proc/self/statm kept open (a few microseconds a read). 1 MiB dropped so
 * often at 20,000 submissions (pages faulted back: 1.6 million minor faults)
 * that the pull took 30 % more CPU; 4 MiB: the same CPU as main, peak 29 MB. */
#define MAPS_GROWTH (4 << 20)
static size_t maps_growth = MAPS_GROWTH;

void arc_pack_maps_growth(size_t bytes) { maps_growth = bytes ? bytes : MAPS_GROWTH; }

void arc_pack_maps_bound(const char *objects)
{
	static int fd = -1;
	static pid_t pid; /* whose statm fd reads (a child forked is another process) */
	static long long after = -1; /* the resident set after the last drop, in pages */
	if (pid != getpid()) {
		if (fd >= 0)
			close(fd);
		fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
		pid = getpid();
		after = -1;
	}
	char b[128];
	long long size, resident;
	ssize_t n = fd >= 0 ? pread(fd, b, sizeof b - 1, 0) : -1;
	if (n <= 0)
		return;
	b[n] = '\0';
	if (sscanf(b, "%lld %lld", &size, &resident) != 2)
		return;
	long page = sysconf(_SC_PAGESIZE);
	if (after >= 0 && resident < after)
		after = resident; /* freed since (a cache let go): the growth counts from here */
	if (after >= 0 && (resident - after) * page < (long long)maps_growth)
		return;
	arc_pack_maps_drop(objects);
	n = pread(fd, b, sizeof b - 1, 0);
	b[n > 0 ? n : 0] = '\0';
	if (sscanf(b, "%lld %lld", &size, &resident) == 2)
		after = resident;
}

