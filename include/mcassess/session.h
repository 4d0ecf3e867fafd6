/* session.h: who is acting, on which database, and where messages go.
 *
 * The front ends make one session each (the CLI per command, the workstation
 * when it starts) and hand it down. The identity is read once, here, from the
 * OS account (getpwuid(getuid())); core takes the actor from the session and
 * from nowhere else. Lower layers speak to the user only through the sink: the
 * CLI prints to stderr, the workstation puts it on the status line. */
#ifndef MCASSESS_SESSION_H
#define MCASSESS_SESSION_H
#include "mcassess/error.h"
#include "mcassess/people.h"

struct store;

enum mc_sink_level { MC_SINK_INFO = 0, MC_SINK_WARN = 1 };

struct mc_sink {
	void (*say)(void *ctx, enum mc_sink_level level, const char *msg);
	void *ctx;
};

/* Who acts: the OS user, their role here and their district (NULL: none). A
 * user who is not one of the database's people (yet: `init`) has ROLE_NONE. */
struct mc_actor {
	char *user;
	enum people_role role;
	char *district;
};

struct mc_session {
	struct store *store;
	struct mc_actor actor;
	struct mc_sink sink;
};

/* Open the database (store_open's flags) and read who is acting. A database
 * store_open refuses gives no session, and nothing in it is touched. */
int session_open(const char *path, int flags, const struct mc_sink *sink, struct mc_session **out,
		 struct mc_error *err);
/* The normal end: commit what waits in the archive's outbox (a failure is said
 * through the sink and the events stay queued), fold the WAL in, close. */
void session_close(struct mc_session **sess);
/* Leave without the archive's drain (a hang-up, a signal): checkpoint and close. */
void session_abandon(struct mc_session **sess);
/* Read the actor's role and district again (after `init` made them admin). */
int session_reload_actor(struct mc_session *sess, struct mc_error *err);

/* While idle (the workstation, once in a while): the archive's drain, then the
 * WAL checkpoint. A drain that fails is said through the sink, and not tried
 * again for a while. */
void session_idle(struct mc_session *sess);

/* Say something to the user through the sink (nothing when it has none). */
void session_say(const struct mc_session *sess, enum mc_sink_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The session a store belongs to (NULL for a store opened without one), and
 * its acting user ("" then: nobody, who may do nothing). */
const struct mc_session *session_of(const struct store *s);
const char *session_user(const struct store *s);

/* What commits the archive's outbox at a session's end and while idle: the
 * archive, above the core, hands it in (archive_attach); none, nothing. */
void session_set_drain(int (*fn)(struct store *s, long *committed, struct mc_error *err));
#endif
