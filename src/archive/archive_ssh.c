/* archive_ssh.c: credentials and host keys for ssh:// remotes, as git and ssh
 * do it: the ssh-agent first (SSH_AUTH_SOCK), then the user's default key
 * files (~/.ssh/id_ed25519, id_ecdsa, id_rsa; a key with a passphrase needs the
 * agent: nothing here prompts). The server's host key must be in
 * ~/.ssh/known_hosts (libssh2 checks it and tells us in `valid`); a host that
 * is not there, or whose key changed, is refused with a message saying what to
 * check and how to add it, never accepted silently. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "archive_int.h"
#include "mcassess/session.h"
#include "mcassess/util.h"

static const char *const key_files[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
#define NKEYS (sizeof key_files / sizeof *key_files)

static char *ssh_dir(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	return mc_xasprintf("%s/.ssh", home);
}

static int exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void tried(struct arc_auth *au, const char *what)
{
	char *t = au->tried ? mc_xasprintf("%s, %s", au->tried, what) : mc_xstrdup(what);
	free(au->tried);
	au->tried = t;
}

int arc_ssh_cred(git_credential **out, const char *url, const char *user, unsigned int allowed, void *payload)
{
	(void)url;
	struct arc_auth *au = payload;
	const char *name = user && *user ? user : au->login;
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, name);
	if (!(allowed & GIT_CREDENTIAL_SSH_KEY))
		return GIT_PASSTHROUGH;
	/* libgit2 asks again after each refusal: offer the next way in */
	while (au->step <= (int)NKEYS) {
		int step = au->step++;
		if (step == 0) {
			const char *sock = getenv("SSH_AUTH_SOCK");
			if (sock && *sock) {
				tried(au, "the ssh-agent");
				return git_credential_ssh_key_from_agent(out, name);
			}
			continue;
		}
		char *dir = ssh_dir();
		char *key = mc_xasprintf("%s/%s", dir, key_files[step - 1]);
		char *pub = mc_xasprintf("%s.pub", key);
		int rc = 1;
		if (exists(key)) {
			char *shown = mc_xasprintf("~/.ssh/%s", key_files[step - 1]);
			tried(au, shown);
			free(shown);
			rc = git_credential_ssh_key_new(out, name, exists(pub) ? pub : NULL, key, NULL);
		}
		free(dir);
		free(key);
		free(pub);
		if (rc != 1)
			return rc;
	}
	au->no_key = 1;
	git_error_set_str(GIT_ERROR_SSH, "no key was accepted");
	return GIT_EAUTH;
}

static const char *key_type(const git_cert_hostkey *k)
{
	if (!(k->type & GIT_CERT_SSH_RAW))
		return "";
	switch (k->raw_type) {
	case GIT_CERT_SSH_RAW_TYPE_RSA: return "rsa ";
	case GIT_CERT_SSH_RAW_TYPE_DSS: return "dsa ";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256:
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384:
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: return "ecdsa ";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: return "ed25519 ";
	default: return "";
	}
}

/* SHA256:base64 without padding, as ssh-keygen -l prints it */
static char *fingerprint(const unsigned char *h, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "SHA256:");
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)h[i] << 16 | (i + 1 < n ? (unsigned)h[i + 1] << 8 : 0) | (i + 2 < n ? h[i + 2] : 0);
		mc_buf_addc(&b, b64[v >> 18 & 63]);
		mc_buf_addc(&b, b64[v >> 12 & 63]);
		if (i + 1 < n)
			mc_buf_addc(&b, b64[v >> 6 & 63]);
		if (i + 2 < n)
			mc_buf_addc(&b, b64[v & 63]);
	}
	return mc_buf_steal(&b);
}

/* "-p 2222 " when the URL names a port */
static char *port_opt(const char *url)
{
	const char *h = url ? strstr(url, "://") : NULL;
	if (!h)
		return mc_xstrdup("");
	h += 3;
	const char *end = strchr(h, '/'), *at = strchr(h, '@');
	if (at && (!end || at < end))
		h = at + 1;
	const char *colon = strchr(h, ':');
	if (!colon || (end && colon > end) || colon[1] < '0' || colon[1] > '9')
		return mc_xstrdup("");
	return mc_xasprintf("-p %d ", atoi(colon + 1));
}

int arc_ssh_cert(git_cert *cert, int valid, const char *host, void *payload)
{
	struct arc_auth *au = payload;
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return GIT_PASSTHROUGH; /* https: libgit2's own checks against the CA certificates */
	if (valid)
		return 0;
	const git_cert_hostkey *k = (const git_cert_hostkey *)cert;
	char *fp = k->type & GIT_CERT_SSH_SHA256 ? fingerprint(k->hash_sha256, sizeof k->hash_sha256)
						 : mc_xstrdup("(no fingerprint given)");
	char *port = port_opt(au->url);
	free(au->refused);
	au->refused = mc_xasprintf("the server %s is not a known host: its %skey %s is not in ~/.ssh/known_hosts "
				   "(or it differs from the key recorded there). Check that fingerprint with the "
				   "server's administrator, then add the key to ~/.ssh/known_hosts (for example "
				   "ssh-keyscan %s%s >> ~/.ssh/known_hosts) and try again",
				   host ? host : "?", key_type(k), fp, port, host ? host : "HOST");
	free(port);
	free(fp);
	git_error_set_str(GIT_ERROR_SSH, "unknown host key");
	return GIT_ECERTIFICATE;
}

void arc_auth_free(struct arc_auth *au)
{
	free(au->tried);
	free(au->refused);
	memset(au, 0, sizeof *au);
}

char *arc_auth_why(const struct arc_auth *au, const char *libgit2_says)
{
	if (au->refused)
		return mc_xstrdup(au->refused);
	if (au->no_key)
		return mc_xasprintf("the server accepted none of your ssh keys (tried: %s); add your public key to "
				    "the server's authorized_keys, or load the key into ssh-agent",
				    au->tried ? au->tried : "none found: no ssh-agent, no ~/.ssh/id_ed25519, id_ecdsa "
							    "or id_rsa");
	return mc_xstrdup(libgit2_says);
}
