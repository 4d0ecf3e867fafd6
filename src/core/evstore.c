/* evstore.c: evidence files stored by content (see evstore.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcassess/evstore.h"
#include "mcassess/util.h"

#define EVSTORE_DIR_MODE 0750
#define EVSTORE_FILE_MODE 0640
#define EVSTORE_CHUNK 65536

static int sha_ok(const char *sha256)
{
	if (strlen(sha256) != 64)
		return 0;
	for (const char *p = sha256; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

char *evstore_path(const char *root, const char *sha256)
{
	return mc_xasprintf("%s/%.2s/%s", root, sha256, sha256);
}

int evstore_has(const char *root, const char *sha256)
{
	char *p = evstore_path(root, sha256);
	struct stat sb;
	int has = lstat(p, &sb) == 0 && S_ISREG(sb.st_mode);
	free(p);
	return has;
}

/* Copy fd into tmpfd (tmpfd < 0: only hash), hashing; refuse more than max. */
static int copy_hash(int fd, int tmpfd, const char *name, long long max, struct evstore_put *out,
		     struct mc_error *err)
{
	struct mc_sha256 h;
	mc_sha256_init(&h);
	unsigned char *buf = mc_xmalloc(EVSTORE_CHUNK);
	long long total = 0;
	int rc = MC_OK;
	for (;;) {
		ssize_t n = read(fd, buf, EVSTORE_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = mc_error_set(err, MC_FAIL, "%s: cannot read: %s", name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		total += n;
		if (max > 0 && total > max) {
			rc = mc_error_set(err, MC_INVALID, "%s: the file is larger than the limit of %lld bytes",
					  name, max);
			break;
		}
		mc_sha256_update(&h, buf, (size_t)n);
		if (tmpfd >= 0 && mc_write_all(tmpfd, buf, (size_t)n) != 0) {
			rc = mc_error_set(err, MC_FAIL, "storing %s: %s", name, strerror(errno));
			break;
		}
	}
	free(buf);
	if (rc == MC_OK) {
		mc_sha256_final(&h, out->sha256);
		out->size = total;
	}
	return rc;
}

/* Move the finished temporary file into ROOT/xx/SHA (or drop it when that exists). */
static int place(const char *root, const char *tmp, struct evstore_put *out, const char *name,
		 struct mc_error *err)
{
	char *sub = mc_xasprintf("%s/%.2s", root, out->sha256);
	char *final = evstore_path(root, out->sha256);
	int rc = MC_OK;
	struct stat sb;
	if (lstat(final, &sb) == 0) {
		unlink(tmp);
		out->created = 0;
	} else {
		int made = mkdir(sub, EVSTORE_DIR_MODE) == 0;
		if (!made && errno != EEXIST)
			rc = mc_error_set(err, MC_FAIL, "storing %s: cannot create %s: %s", name, sub,
					  strerror(errno));
		/* Two importers racing on one content both rename: the bytes are the same. */
		else if (rename(tmp, final) != 0)
			rc = mc_error_set(err, MC_FAIL, "storing %s as %s: %s", name, final, strerror(errno));
		else if (mc_sync_dir(sub) != 0 || (made && mc_sync_dir(root) != 0))
			rc = mc_error_set(err, MC_FAIL, "storing %s: flushing %s: %s", name, sub,
					  strerror(errno));
		else
			out->created = 1;
		unlink(tmp);
		if (rc != MC_OK && made)
			rmdir(sub);
	}
	free(sub);
	free(final);
	return rc;
}

int evstore_put_fd(const char *root, int fd, const char *name, long long max_size, int dry_run,
		   struct evstore_put *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	if (dry_run) {
		int rc = copy_hash(fd, -1, name, max_size, out, err);
		if (rc == MC_OK)
			out->created = !evstore_has(root, out->sha256);
		return rc;
	}
	if (mc_mkdirs(root, EVSTORE_DIR_MODE) != 0)
		return mc_error_set(err, MC_FAIL, "cannot create the evidence directory %s: %s", root,
				    strerror(errno));
	char *tmp = mc_xasprintf("%s/.incoming-XXXXXX", root);
	int tmpfd = mkstemp(tmp);
	if (tmpfd < 0) {
		int rc = mc_error_set(err, MC_FAIL, "storing %s: cannot create a file in %s: %s", name, root,
				      strerror(errno));
		free(tmp);
		return rc;
	}
	int rc = copy_hash(fd, tmpfd, name, max_size, out, err);
	if (rc == MC_OK && (fchmod(tmpfd, EVSTORE_FILE_MODE) != 0 || fsync(tmpfd) != 0))
		rc = mc_error_set(err, MC_FAIL, "storing %s: %s", name, strerror(errno));
	if (close(tmpfd) != 0 && rc == MC_OK)
		rc = mc_error_set(err, MC_FAIL, "storing %s: %s", name, strerror(errno));
	if (rc == MC_OK)
		rc = place(root, tmp, out, name, err);
	else
		unlink(tmp);
	free(tmp);
	return rc;
}

int evstore_remove(const char *root, const char *sha256)
{
	if (!sha_ok(sha256)) {
		errno = EINVAL;
		return -1;
	}
	char *p = evstore_path(root, sha256);
	int rc = unlink(p);
	int e = errno;
	free(p);
	char *sub = mc_xasprintf("%s/%.2s", root, sha256);
	rmdir(sub); /* fails harmlessly while other files live there */
	free(sub);
	errno = e;
	return rc;
}

/* The entries of one shard directory ROOT/xx. */
static int each_in(const char *root, const char *xx, int (*fn)(void *ctx, const char *rel, const char *sha256),
		   void *ctx)
{
	char *dir = mc_xasprintf("%s/%s", root, xx);
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return errno == ENOTDIR ? 0 : -1;
	struct dirent *e;
	int stop = 0;
	while (!stop && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *rel = mc_xasprintf("%s/%s", xx, e->d_name);
		int named = sha_ok(e->d_name) && strncmp(e->d_name, xx, 2) == 0;
		stop = fn(ctx, rel, named ? e->d_name : NULL);
		free(rel);
	}
	closedir(d);
	return 0;
}

int evstore_each(const char *root, int (*fn)(void *ctx, const char *rel, const char *sha256), void *ctx)
{
	DIR *d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int rc = 0, stop = 0;
	while (rc == 0 && !stop && (e = readdir(d))) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		struct stat sb;
		char *p = mc_xasprintf("%s/%s", root, n);
		int is_dir = lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
		free(p);
		if (is_dir && strlen(n) == 2)
			rc = each_in(root, n, fn, ctx);
		else
			stop = fn(ctx, n, NULL);
	}
	int e2 = errno;
	closedir(d);
	errno = e2;
	return rc;
}

int evstore_remove_rel(const char *root, const char *rel)
{
	if (strstr(rel, "..") || rel[0] == '/') {
		errno = EINVAL;
		return -1;
	}
	char *p = mc_xasprintf("%s/%s", root, rel);
	int rc = unlink(p);
	int e = errno;
	char *slash = strrchr(p, '/');
	if (rc == 0 && slash > p + strlen(root)) {
		*slash = '\0';
		rmdir(p); /* the shard directory, when it is left empty */
	}
	free(p);
	errno = e;
	return rc;
}

int evstore_verify(const char *root, const char *sha256, long long size, struct mc_error *err)
{
	if (!sha_ok(sha256))
		return mc_error_set(err, MC_INVALID, "'%s' is not a SHA-256 content name", sha256);
	char *p = evstore_path(root, sha256);
	int rc = MC_OK;
	int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			rc = mc_error_set(err, MC_INVALID, "%s: the evidence file is missing", p);
		else
			rc = mc_error_set(err, MC_FAIL, "%s: %s", p, strerror(errno));
		free(p);
		return rc;
	}
	struct evstore_put got;
	rc = copy_hash(fd, -1, p, 0, &got, err);
	close(fd);
	if (rc == MC_OK && size >= 0 && got.size != size)
		rc = mc_error_set(err, MC_INVALID, "%s: the evidence file is %lld bytes, %lld were stored", p,
				  got.size, size);
	else if (rc == MC_OK && strcmp(got.sha256, sha256) != 0)
		rc = mc_error_set(err, MC_INVALID, "%s: the evidence file has changed (its content hashes "
				  "to %s)", p, got.sha256);
	free(p);
	return rc;
}
