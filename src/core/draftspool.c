/* draftspool.c: drafts kept in files while the database cannot take them
 * (see draftspool.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcassess/draftspool.h"
#include "mcassess/util.h"

/* The directory of `user`'s drafts beside the database (0: the spool beside
 * the database; 1: the one under $XDG_DATA_HOME). Heap. */
static char *user_dir(const char *db, const char *user, int where)
{
	struct mc_buf b = MC_BUF_INIT;
	if (where == 0) {
		mc_buf_printf(&b, "%s.drafts/", db);
		mc_buf_add_name(&b, user);
		return mc_buf_steal(&b);
	}
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		mc_buf_printf(&b, "%s/mcassess/drafts/", xdg);
	else
		mc_buf_printf(&b, "%s/.local/share/mcassess/drafts/", home && *home ? home : "/nonexistent");
	char *abs = realpath(db, NULL);
	mc_buf_add_name(&b, abs ? abs : db);
	free(abs);
	return mc_buf_steal(&b);
}

static char *sub_dir(const char *db, const char *user, const char *sub, int where)
{
	struct mc_buf b = MC_BUF_INIT;
	char *u = user_dir(db, user, where);
	mc_buf_printf(&b, "%s/", u);
	free(u);
	mc_buf_add_name(&b, sub);
	return mc_buf_steal(&b);
}

static char *draft_file(const char *db, const char *user, const char *sub, const char *target, int where)
{
	struct mc_buf b = MC_BUF_INIT;
	char *d = sub_dir(db, user, sub, where);
	mc_buf_printf(&b, "%s/", d);
	free(d);
	mc_buf_add_name(&b, target);
	return mc_buf_steal(&b);
}

/* A directory that only this user owns and that is no symlink: the text of a
 * draft must not land where another account can read or redirect it. */
static int private_dir(const char *path)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* <db>.drafts is shared by the accounts that use the database: like /tmp,
 * anyone may add a directory of their own, and no one may remove another's. */
static int shared_root(const char *db)
{
	char *root = mc_xasprintf("%s.drafts", db);
	int rc = 0;
	if (mkdir(root, 0700) == 0)
		rc = chmod(root, 01733);
	else if (errno != EEXIST)
		rc = -1;
	free(root);
	return rc;
}

static int put_at(const char *db, const char *user, const char *sub, const char *target, const char *text,
		  int where, char **path)
{
	char *udir = user_dir(db, user, where), *sdir = sub_dir(db, user, sub, where);
	*path = draft_file(db, user, sub, target, where);
	int rc;
	if (where == 0)
		rc = shared_root(db) == 0 && private_dir(udir) == 0 ? 0 : -1;
	else
		rc = mc_mkdirs(udir, 0700) == 0 && private_dir(udir) == 0 ? 0 : -1;
	if (rc == 0)
		rc = private_dir(sdir);
	if (rc == 0)
		rc = mc_write_atomic(*path, text, strlen(text), 0600);
	int e = errno;
	free(udir);
	free(sdir);
	errno = e;
	return rc;
}

int draftspool_put(const char *db, const char *user, const char *sub, const char *target, const char *text,
		   char **where, struct mc_error *err)
{
	*where = NULL;
	char *path = NULL;
	if (put_at(db, user, sub, target, text, 0, &path) == 0) {
		*where = path;
		return MC_OK;
	}
	int e = errno;
	char *first = path;
	if (put_at(db, user, sub, target, text, 1, &path) == 0) {
		free(first);
		*where = path;
		return MC_OK;
	}
	int rc = mc_error_set(err, MC_FAIL, "the draft could be kept neither in %s (%s) nor in %s (%s)", first,
			      strerror(e), path, strerror(errno));
	free(first);
	free(path);
	return rc;
}

char *draftspool_get(const char *db, const char *user, const char *sub, const char *target, time_t *at)
{
	char *best = NULL;
	struct timespec best_at = { 0, 0 };
	for (int where = 0; where < 2; where++) {
		char *path = draft_file(db, user, sub, target, where);
		struct stat st;
		char *text = NULL;
		size_t len;
		int newer = lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
			    (!best || st.st_mtim.tv_sec > best_at.tv_sec ||
			     (st.st_mtim.tv_sec == best_at.tv_sec && st.st_mtim.tv_nsec > best_at.tv_nsec));
		if (newer && mc_read_file(path, &text, &len) == 0) {
			free(best);
			best = text;
			best_at = st.st_mtim;
		}
		free(path);
	}
	if (at)
		*at = best_at.tv_sec;
	return best;
}

void draftspool_remove(const char *db, const char *user, const char *sub, const char *target)
{
	for (int where = 0; where < 2; where++) {
		char *path = draft_file(db, user, sub, target, where);
		if (unlink(path) == 0) {
			char *dir = sub_dir(db, user, sub, where);
			rmdir(dir); /* only when it is empty */
			free(dir);
		}
		free(path);
	}
}

long draftspool_count(const char *db, const char *user, const char *sub)
{
	long n = 0;
	for (int where = 0; where < 2; where++) {
		char *dir = sub_dir(db, user, sub, where);
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)))
			n += e->d_name[0] != '.' && !strstr(e->d_name, ".tmp");
		if (d)
			closedir(d);
		free(dir);
	}
	return n;
}
