/* access.h: what the acting user may see and work on. The one policy: every
 * read and write of a submission goes through here, and every list applies
 * its scope in SQL (STORE_SCOPE in store_int.h), so nothing is loaded and then
 * filtered.
 *   assessor: the submissions assigned to them, and (to read) the earlier
 *             attempts of those; anyone who is not one of the people here is
 *             held to the same (and has nothing assigned);
 *   coordinator: the submissions of their district (every district when they
 *             have none);
 *   admin:    everything.
 *   approver: the submissions awaiting approval (of their district when
 *             they have one), and whatever is assigned to them;
 * Masking (blind scoring, personal data) follows the one blind rule,
 * queue_viewer_blind, applied in core before anything leaves it. */
#ifndef MCASSESS_ACCESS_H
#define MCASSESS_ACCESS_H
#include "mcassess/error.h"

struct store;

enum access_mode { ACCESS_READ = 1, ACCESS_WRITE = 2 };

/* Read the acting user's role and district (the store's session) and set the
 * store's scope from them. Every list entry point calls it first, so a role
 * changed by an admin meanwhile holds from the next list on. */
int access_refresh(struct store *s, struct mc_error *err);

/* MC_OK when the acting user may read (or write) submission `id`; else MC_FAIL
 * with what an assessor is told: "no submission 'X'", "X is not assigned to
 * you", or for a coordinator "X is not in your district (D)". *rowid (may be
 * NULL) gets the submission's internal id. */
int access_submission(struct store *s, const char *id, int mode, long long *rowid, struct mc_error *err);

/* Calibration (calibration.h): anyone who scores (assessor and up) may read a
 * calibration exemplar's evidence and score it in a calibration read of their
 * own, assigned or not; the educator stays masked and the real scores,
 * feedback and decision stay out of sight. MC_FAIL "no submission 'X'" or "X
 * is not in a calibration set" (told alike to an assessor, so that the
 * refusal names no submission they may not see). *rowid may be NULL. */
int access_calibration(struct store *s, const char *id, long long *rowid, struct mc_error *err);

/* 1 when the acting user's lists hold only their own work (assessors), as of
 * the last access_refresh: the workstation says "your open work". */
int access_assigned_only(struct store *s);
#endif
