/* session.c: the one place the identity is read, and the owner of the
 * archive's drain at the end of a session. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcassess/access.h"
#include "mcassess/identity.h"
#include "mcassess/packet.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/store_people.h"
#include "mcassess/util.h"

static void actor_free(struct mc_actor *a)
{
	free(a->user);
	free(a->district);
	*a = (struct mc_actor){ 0 };
}

int session_reload_actor(struct mc_session *sess, struct mc_error *err)
{
	struct person p;
	int found = 0;
	int rc = store_people_get(sess->store, sess->actor.user, &p, &found, err);
	if (rc != MC_OK)
		return rc;
	free(sess->actor.district);
	sess->actor.district = NULL;
	sess->actor.role = ROLE_NONE;
	if (found) {
		sess->actor.role = p.role;
		sess->actor.district = p.district && *p.district ? mc_xstrdup(p.district) : NULL;
	}
	people_free(&p);
	return access_refresh(sess->store, err);
}

int session_open(const char *path, int flags, const struct mc_sink *sink, struct mc_session **out,
		 struct mc_error *err)
{
	*out = NULL;
	struct store *s = NULL;
	int rc = store_open(path, flags, &s, err);
	if (rc != MC_OK)
		return rc;
	struct mc_session *sess = mc_xcalloc(1, sizeof *sess);
	sess->store = s;
	sess->actor.user = mc_xstrdup(identity_user());
	if (sink)
		sess->sink = *sink;
	store_set_session(s, sess);
	rc = session_reload_actor(sess, err);
	if (rc == MC_OK) /* a review packet: its people only, its evidence beside it */
		rc = packet_session_check(sess, err);
	if (rc != MC_OK) {
		session_abandon(&sess);
		return rc;
	}
	*out = sess;
	return MC_OK;
}

void session_say(const struct mc_session *sess, enum mc_sink_level level, const char *fmt, ...)
{
	if (!sess || !sess->sink.say)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sess->sink.say(sess->sink.ctx, level, msg);
	free(msg);
}

/* Commit what waits for the archive, if one is configured. Never fails the
 * session; after a failure, a long-running one (the workstation, idle) waits
 * a while before trying again rather than warning on every idle moment. */
/* The archive sits above the core: it hands its drain in (archive_attach). */
static int (*drain_fn)(struct store *s, long *committed, struct mc_error *err);

void session_set_drain(int (*fn)(struct store *s, long *committed, struct mc_error *err))
{
	drain_fn = fn;
}

static void drain(struct mc_session *sess, time_t *retry_at)
{
	if (!drain_fn)
		return;
	struct store *s = sess->store;
	if (store_readonly(s))
		return;
	time_t now = time(NULL);
	if (retry_at && now < *retry_at)
		return; /* backing off after a failure: not even a look at the settings */
	struct mc_error err = MC_ERROR_INIT;
	char *path = NULL;
	if (store_archive_configured(s, &path, &err) != MC_OK || !path) {
		mc_error_clear(&err);
		return;
	}
	free(path);
	long n = 0;
	if (drain_fn(s, &n, &err) != MC_OK) {
		if (retry_at)
			*retry_at = now + 30;
		session_say(sess, MC_SINK_WARN, "%s", mc_error_msg(&err));
	} else if (retry_at) {
		*retry_at = 0;
	}
	mc_error_clear(&err);
}

void session_idle(struct mc_session *sess)
{
	static time_t retry_at;
	if (!sess || store_in_tx(sess->store))
		return;
	drain(sess, &retry_at);
	store_checkpoint(sess->store);
}

static void end(struct mc_session **sp, int normal)
{
	struct mc_session *sess = *sp;
	if (!sess)
		return;
	if (sess->store) {
		store_rollback(sess->store);
		if (normal)
			drain(sess, NULL);
		store_set_session(sess->store, NULL);
		store_close(&sess->store);
	}
	actor_free(&sess->actor);
	free(sess);
	*sp = NULL;
}

void session_close(struct mc_session **sess) { end(sess, 1); }
void session_abandon(struct mc_session **sess) { end(sess, 0); }

const struct mc_session *session_of(const struct store *s)
{
	return s ? store_session(s) : NULL;
}

const char *session_user(const struct store *s)
{
	const struct mc_session *sess = session_of(s);
	return sess && sess->actor.user ? sess->actor.user : "";
}
