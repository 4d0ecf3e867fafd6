/* cmd_shared.c: `mcassess shared setup --dir DIR [--account NAME]`: make this
 * installed program the only way to the data on a shared server (priv.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "mcassess/priv.h"
#include "mcassess/util.h"

extern char **environ;

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mcassess: shared setup: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return MC_FAIL;
}

/* The service account, made (a system account with its own group, no login) when missing. */
static int service_account(const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		char *argv[] = { "useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
				 "/nonexistent", "--shell", "/usr/sbin/nologin", (char *)name, NULL };
		pid_t pid;
		int st = 0;
		if (posix_spawnp(&pid, "useradd", NULL, NULL, argv, environ) != 0 ||
		    waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || !(pw = getpwnam(name)))
			return fail("cannot make the service account '%s' (useradd failed)", name);
		printf("made the service account %s\n", name);
	}
	if (pw->pw_uid == 0)
		return fail("'%s' is root; the service account must be an account of its own", name);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return MC_OK;
}

static int write_conf(const char *dir)
{
	const char *conf = priv_conf_path();
	char *d = mc_xstrdup(conf);
	*strrchr(d, '/') = '\0';
	if (mc_mkdirs(d, 0755) != 0) {
		int rc = fail("%s: %s", d, strerror(errno));
		free(d);
		return rc;
	}
	free(d);
	char *tmp = mc_xasprintf("%s.tmp", conf);
	FILE *f = fopen(tmp, "we");
	int ok = f && fprintf(f, "# written by 'mcassess shared setup': where the shared install keeps its data\n"
				"datadir = %s\n", dir) > 0;
	if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0 || fchmod(fileno(f), 0644) != 0))
		ok = 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, conf) != 0) {
		int rc = fail("%s: cannot write: %s", conf, strerror(errno));
		unlink(tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	return MC_OK;
}

static int setup(const char *dir, const char *account)
{
	if (getuid() != 0)
		return fail("run it as root: it makes the service account and changes the program's owner");
	if (dir[0] != '/')
		return fail("--dir %s: give an absolute path", dir);
	uid_t uid = 0;
	gid_t gid = 0;
	if (service_account(account, &uid, &gid) != MC_OK)
		return MC_FAIL;
	if (mc_mkdirs(dir, 0750) != 0)
		return fail("%s: %s", dir, strerror(errno));
	/* the directory: the service account's, closed to everyone else, new files in its group */
	if (chown(dir, uid, gid) != 0 || chmod(dir, 02770) != 0)
		return fail("%s: %s", dir, strerror(errno));
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return fail("cannot find this program's file: %s", strerror(errno));
	exe[n] = '\0';
	/* set-user-ID and set-group-ID to the service account; nobody may write it */
	if (chown(exe, uid, gid) != 0 || chmod(exe, 06555) != 0)
		return fail("%s: %s", exe, strerror(errno));
	if (write_conf(dir) != MC_OK)
		return MC_FAIL;
	printf("shared install ready:\n"
	       "  program   %s (set-user-ID and set-group-ID %s, mode 6555)\n"
	       "  data      %s (owner %s, mode 2770: nobody else can open it)\n"
	       "  settings  %s\n"
	       "Next, the first administrator (not root) runs 'mcassess init' to create the\n"
	       "database there and become its admin, then adds people with 'mcassess people add'.\n",
	       exe, account, dir, account, priv_conf_path());
	return MC_OK;
}

static int run_shared(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	(void)cli;
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "account", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *account = "mcassess";
	int ch;
	while ((ch = cli_getopt(argc, argv, "d:a:h", opts)) != -1) {
		if (ch == 'd')
			dir = optarg;
		else if (ch == 'a')
			account = optarg;
		else if (ch == 'h')
			return cli_help(self);
		else
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc || strcmp(argv[optind], "setup") != 0)
		return cli_usage_error(self, "which: setup?");
	if (optind + 1 < argc)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 1]);
	if (!dir)
		return cli_usage_error(self, "setup needs --dir DIR, the data directory (e.g. /var/lib/mcassess)");
	return setup(dir, account);
}

const struct cli_cmd cli_cmd_shared = {
	"shared", run_shared,
	"shared setup --dir DIR [--account NAME]",
	"Makes this installed program the only way to the data on a shared server (root).",
	"  setup          as root, on the installed program: makes the service account\n"
	"                 (default 'mcassess') if missing, the data directory DIR\n"
	"                 (mode 2770, the service account's), makes the program\n"
	"                 set-user-ID and set-group-ID to that account (mode 6555), and\n"
	"                 writes the settings file naming DIR.\n"
	"  --dir DIR      the data directory: the database, its evidence and archive\n"
	"  --account NAME the service account (default mcassess)\n"
	"People keep their own accounts: who acts is still the person who logs in. The\n"
	"program uses the service account's rights only for the data files; files a\n"
	"person names (--evidence, --file, --out, their own config) are opened with the\n"
	"person's rights, and their editor and viewers run with nothing more.\n",
};
