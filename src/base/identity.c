/* identity.c: the OS account is the identity. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mcassess/identity.h"
#include "mcassess/priv.h"
#include "mcassess/util.h"

static char *user, *fullname;

static void load(void)
{
	if (user)
		return;
	uid_t uid = priv_person_uid(); /* the real uid, also in a shared install */
	struct passwd *pw = getpwuid(uid);
	if (pw && pw->pw_name && *pw->pw_name) {
		user = mc_xstrdup(pw->pw_name);
		const char *g = pw->pw_gecos ? pw->pw_gecos : "";
		size_t n = strcspn(g, ",");
		fullname = n ? mc_xstrndup(g, n) : mc_xstrdup(user);
	} else {
		user = mc_xasprintf("uid%u", (unsigned)uid);
		fullname = mc_xstrdup(user);
	}
}

const char *identity_user(void)
{
	load();
	return user;
}

const char *identity_fullname(void)
{
	load();
	return fullname;
}
