/* priv.h: a shared-server install. The program is installed set-user-ID and
 * set-group-ID to a service account that owns the data directory (2770); the
 * people who log in are not in its group, so the database, the evidence and
 * the archive can be reached only through mcassess. Who acts is still the real
 * uid. The service account's rights are used for the data files only: a path a
 * person names (--evidence DIR, --file F, --out F, their own config) is opened
 * with their own rights, and every program started for them (their editor, a
 * viewer) runs with none of the service account's rights.
 *
 * Without a set-ID install nothing here does anything: a private install works
 * exactly as before. */
#ifndef MCASSESS_PRIV_H
#define MCASSESS_PRIV_H

#include "mcassess/error.h"

/* Where the shared install's settings live: SYSCONFDIR/mcassess/shared.conf,
 * a root-owned file ("datadir = /var/lib/mcassess"). */
const char *priv_conf_path(void);

/* Call first thing in main. Set-ID: reads the settings (refusing a file that
 * root does not own or that others can write), sets umask 007, keeps only the
 * environment a person's session needs, and forbids core dumps. MC_FAIL with
 * the reason when the install is unusable. */
int priv_init(struct mc_error *err);

/* The person's uid: the real uid the program was started with. In a set-ID
 * install the process's real uid becomes the service account's (libgit2 and
 * SQLite test files with access(2), which checks the real uid); this is the
 * one place that remembers who the person is. */
unsigned priv_person_uid(void);

/* 1 when running with the service account's rights (a set-ID install). */
int priv_active(void);

/* The configured data directory (set-ID only; NULL otherwise). */
const char *priv_data_dir(void);

/* Set-ID: refuse (MC_FAIL) a database or archive path outside the data
 * directory, naming it. Otherwise MC_OK. */
int priv_check_path(const char *path, const char *what, struct mc_error *err);

/* Act with the person's own rights until priv_user_end (the calls nest).
 * Around every open of a path the person names. No-ops without set-ID. */
void priv_user_begin(void);
void priv_user_end(void);

/* Give the service account's rights up for good (in a child, before exec). */
void priv_drop_for_good(void);

/* A copy of the data file `src` that the person can read (set-ID: a file of
 * theirs in $TMPDIR, for a viewer that runs with their rights); *out is heap.
 * priv_user_unlink removes it with their rights. */
int priv_user_copy(const char *src, char **out, struct mc_error *err);
void priv_user_unlink(const char *path);

/* A mode for a file the program makes, with the process's umask applied (an
 * explicit chmod ignores the umask; a shared install's umask is 007). */
unsigned priv_file_mode(unsigned mode);

#endif
