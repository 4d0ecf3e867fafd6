/* assign.h: who scores what. A coordinator (within their district, when they
 * have one) or an admin gives a submission's read (first, second or
 * adjudication) to a person, openly or blind; an assessor may score only what
 * is assigned to them (scoring.c). Each change is one transaction with its
 * audit row ("assign", "unassign" on "submission:ID"), so the archive commits
 * it like any other event. */
#ifndef MCASSESS_ASSIGN_H
#define MCASSESS_ASSIGN_H
#include "mcassess/error.h"
#include "mcassess/people.h"
#include "mcassess/store_assign.h"
#include "mcassess/store_queue.h"
#include "mcassess/util.h"

struct store;

/* 1 if `read` is first, second or adjudication. */
int assign_read_valid(const char *read);

enum assign_change { ASSIGN_UNCHANGED = 0, ASSIGN_ADDED, ASSIGN_CHANGED, ASSIGN_REPLACED };

/* Give `read` of submission `id` to `user` (a person here), blind or not. Refused
 * (MC_FAIL) for anyone but coordinators and admins, for a coordinator outside
 * their district, for a decided or withdrawn submission, and when `user` already
 * holds another read of it (one person reads a submission once). A read held by
 * someone else is handed over (ASSIGN_REPLACED; *previous names them, heap).
 * `what` and `previous` may be NULL. A bad login name is MC_INVALID, a bad read
 * MC_USAGE. */
int assign_set(struct store *s, const char *id, const char *user, const char *read, int blind,
	       enum assign_change *what, char **previous, struct mc_error *err);

/* After a manual assignment: *school (heap) names the school when `user` works
 * at the school of submission `id`'s educator (a read `assign --auto` would never
 * give them), NULL when not. Manual assignments allow it; the caller says so. */
int assign_same_school(struct store *s, const char *id, const char *user, char **school, struct mc_error *err);

/* Take `user`'s assignment of submission `id` away: of `read`, or every read when
 * `read` is NULL. The same permissions; MC_FAIL when there was none. *removed
 * (may be NULL) counts them. */
int assign_remove(struct store *s, const char *id, const char *user, const char *read, int *removed,
		  struct mc_error *err);

/* Blind scoring for everyone (the database setting 'blind_scoring'): while on,
 * every assessor sees anonymous ids whatever their assignments say; coordinators
 * and admins still see names (queue_viewer_blind). A database setting, not a
 * user's: who sees what is decided where identity and roles live. Setting it is
 * for admins, audited ("config" on "setting:blind_scoring"); *changed (may be
 * NULL) is 0 when it already was so. */
int assign_blind_all_get(struct store *s, int *on, struct mc_error *err);
int assign_blind_all_set(struct store *s, int on, int *changed, struct mc_error *err);

/* ---------------------------------------------------------------- allocation */
/* Business days for a read (the database setting 'due_days', default
 * ASSIGN_DUE_DAYS_DEFAULT); setting it is for admins, audited ("config" on
 * "setting:due_days"). It applies to reads assigned from then on. */
#define ASSIGN_DUE_DAYS_DEFAULT 5
#define ASSIGN_DUE_DAYS_MAX 365
int assign_due_days_get(struct store *s, int *days, struct mc_error *err);
int assign_due_days_set(struct store *s, int days, int *changed, struct mc_error *err);
/* `days` business days after `at` (Saturday and Sunday skipped), at the same
 * time of day: assigned on a Friday with 1 day, due the Monday after. */
void assign_due_after(time_t at, int days, char out[MC_TIME_LEN]);

/* The same as assign_set for each of ids[0..n-1], in one transaction: all of
 * them or, when one is refused, none (err names it). what[] (may be NULL) says
 * per id what changed. */
int assign_set_many(struct store *s, const char *const *ids, int n, const char *user, const char *read,
		    int blind, enum assign_change *what, struct mc_error *err);
/* The ids of every submission a queue filter (queue_filter_resolve's words)
 * gives the acting user, oldest first (heap; free with assign_ids_free). */
int assign_filter_ids(struct store *s, const struct queue_filter *f, char ***ids, int *n, struct mc_error *err);
void assign_ids_free(char ***ids, int n);

/* Open reads held, as the acting user may see them: an assessor their own,
 * a coordinator with a district that district's, admins and other
 * coordinators everyone's. `user` NULL: every holder. With `overdue_at`, only
 * reads due before that time. */
int assign_held(struct store *s, const char *user, const char *overdue_at,
		int (*fn)(void *ctx, const struct store_assign_held *h), void *ctx, struct mc_error *err);

/* Each assessor's open work for the workload screen: reads held (of open
 * submissions, within a coordinator's district when they have one), how many
 * are overdue at `now` (ISO 8601 UTC) and when the oldest was assigned (NULL:
 * none). Every assessor, by user name; for coordinators and admins. */
struct assign_load {
	char *user, *district, *oldest_at;
	long open, overdue;
};
int assign_workload(struct store *s, const char *now, struct assign_load **out, int *n, struct mc_error *err);
void assign_workload_free(struct assign_load **loads, int n);

/* `people add USER --role R [--district D] --school S`: people_set and the
 * school they work at (person.school, a name within their district, which
 * `assign --auto` keeps them away from), in one transaction, for admins; the
 * school change is audited ("people" on "person:USER"). An empty school
 * clears it. */
int assign_reader_set(struct store *s, const char *user, enum people_role role, const char *district,
		      const char *school, enum people_change *what, struct mc_error *err);

/* `assign --auto`: every open submission (of `district`, `credential` when not
 * NULL) gets the reads it lacks (first; second too when the setting 'reads' is
 * 2), each to the eligible assessor holding the fewest open reads (ties: the
 * user name, so the result is the same every time). Eligible: role assessor;
 * not holding another read of it; not of the educator's school (person.school,
 * in the educator's district); not the educator, nor of their cohort
 * (assign_rules.h); for a second read, of another district than
 * the first reader when such an assessor is eligible. One transaction with an
 * audit row per read; `dry_run` rolls it back. fn (may be NULL) hears of each
 * read given; *given counts them, *unplaced the reads nobody could take. */
struct assign_auto_pick {
	const char *id, *read, *assessor;
};
int assign_auto(struct store *s, const char *district, const char *credential, int dry_run,
		void (*fn)(void *ctx, const struct assign_auto_pick *p), void *ctx, long *given, long *unplaced,
		struct mc_error *err);
#endif
