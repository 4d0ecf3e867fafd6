/* priv.c: the service account's rights in a shared-server install (priv.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcassess/priv.h"
#include "mcassess/util.h"

#ifndef MC_SYSCONFDIR
#define MC_SYSCONFDIR "/etc"
#endif

static struct {
	int active;
	uid_t ruid, svc_uid;
	gid_t rgid, svc_gid;
	int user_depth; /* priv_user_begin nesting */
	mode_t user_umask; /* the person's own, for the files of theirs we make */
	char *data_dir; /* realpath */
} P;

const char *priv_conf_path(void) { return MC_SYSCONFDIR "/mcassess/shared.conf"; }
int priv_active(void) { return P.active; }
unsigned priv_person_uid(void) { return P.active ? (unsigned)P.ruid : (unsigned)getuid(); }
const char *priv_data_dir(void) { return P.active ? P.data_dir : NULL; }

/* What a person's session needs of the environment; the rest could steer a
 * program running with the service account's rights. */
static int env_kept(const char *kv)
{
	static const char *const keep[] = { "HOME=", "USER=", "LOGNAME=", "TERM=", "COLUMNS=",
		"LINES=", "LANG=", "LANGUAGE=", "TZ=", "NO_COLOR=", "VISUAL=", "EDITOR=", "PATH=",
		"MCASSESS_DB=", "XDG_CONFIG_HOME=", "MAILCAPS=", "DISPLAY=", "SSH_CONNECTION=",
		"SSH_TTY=", NULL };
	if (strncmp(kv, "LC_", 3) == 0)
		return 1;
	for (const char *const *k = keep; *k; k++)
		if (strncmp(kv, *k, strlen(*k)) == 0)
			return 1;
	return 0;
}

static void env_sanitise(void)
{
	extern char **environ;
	size_t w = 0;
	for (size_t r = 0; environ && environ[r]; r++)
		if (env_kept(environ[r]))
			environ[w++] = environ[r];
	if (environ)
		environ[w] = NULL;
}

static int read_conf(struct mc_error *err)
{
	const char *path = priv_conf_path();
	FILE *f = fopen(path, "re");
	if (!f)
		return mc_error_set(err, MC_FAIL, "%s: cannot read the shared install's settings: %s; "
				    "an administrator runs 'mcassess shared setup --dir DIR' as root",
				    path, strerror(errno));
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || sb.st_uid != 0 || (sb.st_mode & 022)) {
		fclose(f);
		return mc_error_set(err, MC_FAIL, "%s: must belong to root and be writable by root only; "
				    "the shared install is not used", path);
	}
	char line[PATH_MAX + 64];
	int lineno = 0, rc = MC_OK;
	while (rc == MC_OK && fgets(line, sizeof line, f)) {
		lineno++;
		char *s = line + strspn(line, " \t");
		s[strcspn(s, "\r\n")] = '\0';
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		char *key_end = s + strcspn(s, " \t=");
		if (!eq || (size_t)(key_end - s) != strlen("datadir") || strncmp(s, "datadir", 7) != 0) {
			rc = mc_error_set(err, MC_FAIL, "%s:%d: expected 'datadir = /path'", path, lineno);
			break;
		}
		char *v = eq + 1 + strspn(eq + 1, " \t");
		size_t n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			v[--n] = '\0';
		free(P.data_dir);
		P.data_dir = v[0] == '/' ? realpath(v, NULL) : NULL;
		if (!P.data_dir)
			rc = mc_error_set(err, MC_FAIL, "%s:%d: the data directory '%s' %s", path, lineno, v,
					  v[0] == '/' ? "does not exist" : "must be an absolute path");
	}
	fclose(f);
	if (rc == MC_OK && !P.data_dir)
		rc = mc_error_set(err, MC_FAIL, "%s: names no data directory ('datadir = /path')", path);
	return rc;
}

int priv_init(struct mc_error *err)
{
	P.ruid = getuid();
	P.rgid = getgid();
	P.svc_uid = geteuid();
	P.svc_gid = getegid();
	if (P.ruid == 0 && (P.svc_uid != 0 || P.svc_gid != P.rgid)) {
		/* root needs no service account: act as root, as a private install */
		if (setresgid(P.rgid, P.rgid, P.rgid) != 0 || setresuid(0, 0, 0) != 0)
			return mc_error_set(err, MC_FAIL, "cannot act as root: %s", strerror(errno));
		P.svc_uid = 0;
		P.svc_gid = P.rgid;
	}
	if (P.ruid == P.svc_uid && P.rgid == P.svc_gid)
		return MC_OK; /* a private install */
	P.active = 1;
	/* The service account becomes the real id too (access(2) checks the real
	 * one); the person's ids stay as the saved ones, to act as them and to drop. */
	if (setresgid(P.svc_gid, P.svc_gid, P.rgid) != 0 || setresuid(P.svc_uid, P.svc_uid, P.ruid) != 0)
		return mc_error_set(err, MC_FAIL, "cannot take the service account's rights: %s", strerror(errno));
	/* nothing of the data may end up in a core file the person can read */
	struct rlimit no = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	P.user_umask = umask(007);
	env_sanitise();
	int rc = read_conf(err);
	if (rc != MC_OK)
		return rc;
	struct stat sb;
	if (stat(P.data_dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != P.svc_uid ||
	    (sb.st_mode & 007))
		return mc_error_set(err, MC_FAIL, "%s: the data directory must be a directory that belongs "
				    "to the service account and is closed to everyone else (mode 2770)",
				    P.data_dir);
	return MC_OK;
}

int priv_check_path(const char *path, const char *what, struct mc_error *err)
{
	if (!P.active)
		return MC_OK;
	/* the file may not exist yet: resolve its directory */
	char *copy = mc_xstrdup(path);
	char *slash = strrchr(copy, '/');
	const char *dir = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
	char *real = realpath(dir, NULL);
	size_t dl = strlen(P.data_dir);
	int inside = real && strncmp(real, P.data_dir, dl) == 0 && (real[dl] == '\0' || real[dl] == '/');
	free(real);
	free(copy);
	if (!inside || strstr(path, "/../") || strncmp(path, "../", 3) == 0)
		return mc_error_set(err, MC_FAIL, "%s: this shared install keeps its %s in %s; "
				    "name a path there, or leave it out", path, what, P.data_dir);
	return MC_OK;
}

void priv_user_begin(void)
{
	if (!P.active || P.user_depth++ > 0)
		return;
	if (setegid(P.rgid) != 0 || seteuid(P.ruid) != 0) {
		perror("mcassess: giving up the service account's rights");
		_exit(1);
	}
	umask(P.user_umask);
}

void priv_user_end(void)
{
	if (!P.active || --P.user_depth > 0)
		return;
	if (seteuid(P.svc_uid) != 0 || setegid(P.svc_gid) != 0) {
		perror("mcassess: taking the service account's rights back");
		_exit(1);
	}
	umask(007);
}

void priv_drop_for_good(void)
{
	if (!P.active)
		return;
	umask(P.user_umask);
	if (setresgid(P.rgid, P.rgid, P.rgid) != 0 || setresuid(P.ruid, P.ruid, P.ruid) != 0 ||
	    geteuid() != P.ruid || getegid() != P.rgid) {
		fputs("mcassess: cannot give up the service account's rights; not running it\n", stderr);
		_exit(126);
	}
}

unsigned priv_file_mode(unsigned mode)
{
	mode_t m = umask(0);
	umask(m);
	return mode & ~(unsigned)m;
}

int priv_user_copy(const char *src, char **out, struct mc_error *err)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	if (mc_read_file(src, &data, &len) != 0)
		return mc_error_set(err, MC_FAIL, "%s: cannot read: %s", src, strerror(errno));
	const char *tmp = getenv("TMPDIR");
	char *path = mc_xasprintf("%s/mcassess-view-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	priv_user_begin();
	int fd = mkstemp(path);
	int e = errno;
	priv_user_end();
	int rc = MC_OK;
	if (fd < 0) {
		rc = mc_error_set(err, MC_FAIL, "cannot make a file for the viewer: %s", strerror(e));
	} else {
		size_t off = 0;
		while (off < len) {
			ssize_t w = write(fd, data + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (close(fd) != 0 || off < len) {
			rc = mc_error_set(err, MC_FAIL, "%s: cannot write: %s", path, strerror(errno));
			priv_user_unlink(path);
		}
	}
	free(data);
	if (rc == MC_OK)
		*out = path;
	else
		free(path);
	return rc;
}

void priv_user_unlink(const char *path)
{
	priv_user_begin();
	unlink(path);
	priv_user_end();
}
