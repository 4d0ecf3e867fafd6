/* assign.c: who scores what. Each change is one transaction with its audit row;
 * a refused change leaves everything as it was. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "mcassess/assign.h"
#include "mcassess/assign_rules.h"
#include "mcassess/audit.h"
#include "mcassess/calibration.h"
#include "mcassess/people.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_people.h"
#include "mcassess/suggest.h"
#include "mcassess/util.h"

static const char *const READS[] = { "first", "second", "adjudication" };

int assign_read_valid(const char *read)
{
	for (size_t i = 0; i < sizeof READS / sizeof READS[0]; i++)
		if (read && strcmp(read, READS[i]) == 0)
			return 1;
	return 0;
}

static char *row_json(const char *assessor, const char *read, int blind, const char *by)
{
	return audit_json(json_pack("{s:s, s:s, s:b, s:s}", "assessor", assessor, "read", read, "blind", blind,
				    "assigned_by", by));
}

/* Coordinators and admins; a coordinator with a district only within it; never on
 * a decided or withdrawn submission. */
static int may_assign(struct store *s, const char *id, const struct store_assign_sub *sub, struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "assigning submissions", err);
	if (rc != MC_OK)
		return rc;
	struct person me;
	int found;
	if ((rc = store_people_get(s, session_user(s), &me, &found, err)) != MC_OK)
		return rc;
	if (me.role == ROLE_COORDINATOR && me.district && strcmp(me.district, sub->district) != 0)
		rc = mc_error_set(err, MC_FAIL, "you (%s) coordinate %s, and %s is from %s: ask an admin or "
				  "%s's coordinator to assign it", me.user, me.district, id, sub->district,
				  sub->district);
	else if (sub->decision)
		rc = mc_error_set(err, MC_FAIL, "%s was decided '%s'; its assignments can no longer be changed",
				  id, sub->decision);
	else if (strcmp(sub->status, "withdrawn") == 0)
		rc = mc_error_set(err, MC_FAIL, "%s was withdrawn; its assignments can no longer be changed", id);
	people_free(&me);
	return rc;
}

/* The submission, checked for the current user's right to change its assignments. */
static int open_sub(struct store *s, const char *id, struct store_assign_sub *sub, struct mc_error *err)
{
	int found;
	int rc = store_assign_sub(s, id, sub, &found, err);
	if (rc == MC_OK && !found)
		rc = suggest_no_submission(s, id, err);
	if (rc == MC_OK)
		rc = may_assign(s, id, sub, err);
	return rc;
}

static int check_args(const char *user, const char *read, struct mc_error *err)
{
	if (read && !assign_read_valid(read))
		return mc_error_set(err, MC_USAGE, "the read is first, second or adjudication, not '%s'", read);
	if (!people_user_ok(user))
		return mc_error_set(err, MC_INVALID, "'%s' is not a login name (lower-case letters, digits, "
				    "'_', '.' and '-', starting with a letter or '_', at most 32)", user);
	return MC_OK;
}

/* ---------------------------------------------------------------- due dates */
static const char DUE_KEY[] = "due_days";

void assign_due_after(time_t at, int days, char out[MC_TIME_LEN])
{
	time_t t = at;
	struct tm tm;
	while (days > 0) {
		t += 24 * 60 * 60;
		gmtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			days--;
	}
	mc_time_format(t, out);
}

int assign_due_days_get(struct store *s, int *days, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, DUE_KEY, &v, err);
	*days = v ? atoi(v) : ASSIGN_DUE_DAYS_DEFAULT;
	if (*days < 1 || *days > ASSIGN_DUE_DAYS_MAX)
		*days = ASSIGN_DUE_DAYS_DEFAULT;
	free(v);
	return rc;
}

/* A setting's change `in_tx(s, v, changed, err)` as one transaction: all of it
 * or, refused, nothing (*changed 0). */
static int setting_tx(struct store *s, int (*in_tx)(struct store *, int, int *, struct mc_error *), int v,
		      int *changed, struct mc_error *err)
{
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = in_tx(s, v, changed, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*changed = 0;
	}
	return rc;
}

static int due_days_in_tx(struct store *s, int days, int *changed, struct mc_error *err)
{
	int was = 0;
	int rc = people_require(s, ROLE_ADMIN, "setting how many business days a read is due in", err);
	if (rc == MC_OK)
		rc = assign_due_days_get(s, &was, err);
	if (rc != MC_OK || was == days)
		return rc;
	char value[16], before[32], after[32];
	snprintf(value, sizeof value, "%d", days);
	snprintf(before, sizeof before, "{\"value\":%d}", was);
	snprintf(after, sizeof after, "{\"value\":%d}", days);
	rc = store_meta_set(s, DUE_KEY, value, err);
	if (rc == MC_OK)
		rc = audit_append(s, "config", "setting:due_days", before, after, err);
	if (rc == MC_OK)
		*changed = 1;
	return rc;
}

int assign_due_days_set(struct store *s, int days, int *changed, struct mc_error *err)
{
	int dummy;
	if (!changed)
		changed = &dummy;
	*changed = 0;
	if (days < 1 || days > ASSIGN_DUE_DAYS_MAX)
		return mc_error_set(err, MC_USAGE, "due-days is a whole number of business days from 1 to %d, "
				    "not %d", ASSIGN_DUE_DAYS_MAX, days);
	return setting_tx(s, due_days_in_tx, days, changed, err);
}

/* Now, and when a read assigned now is due. */
static int due_now(struct store *s, char at[MC_TIME_LEN], char due[MC_TIME_LEN], struct mc_error *err)
{
	int days;
	int rc = assign_due_days_get(s, &days, err);
	time_t now = time(NULL);
	mc_time_format(now, at);
	assign_due_after(now, days, due);
	return rc;
}

static int set_in_tx(struct store *s, const char *id, const char *user, const char *read, int blind,
		     enum assign_change *what, char **previous, struct mc_error *err)
{
	struct store_assign_sub sub;
	int rc = open_sub(s, id, &sub, err);
	struct person who = { 0 };
	int found = 0;
	if (rc == MC_OK)
		rc = store_people_get(s, user, &who, &found, err);
	if (rc == MC_OK && !found)
		rc = mc_error_set(err, MC_FAIL, "%s is not one of this database's people; an admin adds them "
				  "first: mcassess people add %s --role assessor", user, user);
	people_free(&who);
	if (rc == MC_OK)
		rc = assign_rules_check(s, sub.rowid, id, user, err);
	struct store_assign_row *rows = NULL;
	int n = 0;
	if (rc == MC_OK)
		rc = store_assign_list(s, sub.rowid, &rows, &n, err);
	const struct store_assign_row *old = NULL;
	for (int i = 0; rc == MC_OK && i < n; i++) {
		if (strcmp(rows[i].read, read) == 0)
			old = &rows[i];
		else if (strcmp(rows[i].assessor, user) == 0)
			rc = mc_error_set(err, MC_FAIL, "%s already has the %s read of %s; one person reads a "
					  "submission once (remove it first: mcassess assign --remove %s %s)",
					  user, rows[i].read, id, id, user);
	}
	if (rc == MC_OK && old && strcmp(old->assessor, user) == 0 && !old->blind == !blind) {
		*what = ASSIGN_UNCHANGED;
	} else if (rc == MC_OK) {
		const char *me = session_user(s);
		char uid[MC_UUID_LEN], at[MC_TIME_LEN], due[MC_TIME_LEN];
		rc = mc_uuid(uid, err);
		if (rc == MC_OK)
			rc = due_now(s, at, due, err);
		if (rc == MC_OK)
			rc = store_assign_put(s, sub.rowid, read, user, blind, me, at, due, uid, err);
		char *before = old ? row_json(old->assessor, old->read, old->blind, old->assigned_by) : NULL;
		char *after = row_json(user, read, blind, me);
		char *subject = mc_xasprintf("submission:%s", id);
		if (rc == MC_OK)
			rc = audit_append(s, "assign", subject, before, after, err);
		free(subject);
		free(before);
		free(after);
		*what = !old ? ASSIGN_ADDED : strcmp(old->assessor, user) == 0 ? ASSIGN_CHANGED : ASSIGN_REPLACED;
		if (*what == ASSIGN_REPLACED && previous)
			*previous = mc_xstrdup(old->assessor);
	}
	store_assign_rows_free(&rows, n);
	store_assign_sub_free(&sub);
	return rc;
}

int assign_set_many(struct store *s, const char *const *ids, int n, const char *user, const char *read,
		    int blind, enum assign_change *what, struct mc_error *err)
{
	if (!read)
		read = "first";
	int rc = check_args(user, read, err);
	if (rc != MC_OK)
		return rc;
	if ((rc = store_begin(s, err)) != MC_OK)
		return rc;
	for (int i = 0; rc == MC_OK && i < n; i++) {
		enum assign_change w = ASSIGN_UNCHANGED;
		rc = set_in_tx(s, ids[i], user, read, blind, &w, NULL, err);
		if (what)
			what[i] = w;
	}
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		for (int i = 0; what && i < n; i++)
			what[i] = ASSIGN_UNCHANGED;
	}
	return rc;
}

int assign_set(struct store *s, const char *id, const char *user, const char *read, int blind,
	       enum assign_change *what, char **previous, struct mc_error *err)
{
	enum assign_change dummy;
	if (!what)
		what = &dummy;
	*what = ASSIGN_UNCHANGED;
	if (previous)
		*previous = NULL;
	if (!read)
		read = "first";
	int rc = check_args(user, read, err);
	if (rc != MC_OK)
		return rc;
	if ((rc = store_begin(s, err)) != MC_OK)
		return rc;
	rc = set_in_tx(s, id, user, read, blind, what, previous, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*what = ASSIGN_UNCHANGED;
		if (previous) {
			free(*previous);
			*previous = NULL;
		}
	}
	return rc;
}

int assign_same_school(struct store *s, const char *id, const char *user, char **school, struct mc_error *err)
{
	struct store_assign_sub sub;
	*school = NULL;
	int rc = open_sub(s, id, &sub, err);
	if (rc == MC_OK)
		rc = assign_rules_school(s, sub.rowid, user, school, err);
	store_assign_sub_free(&sub);
	return rc;
}

static int remove_in_tx(struct store *s, const char *id, const char *user, const char *read, int *removed,
			struct mc_error *err)
{
	struct store_assign_sub sub;
	int rc = open_sub(s, id, &sub, err);
	struct store_assign_row *rows = NULL;
	int n = 0;
	if (rc == MC_OK)
		rc = store_assign_list(s, sub.rowid, &rows, &n, err);
	char *subject = mc_xasprintf("submission:%s", id);
	for (int i = 0; rc == MC_OK && i < n; i++) {
		const struct store_assign_row *r = &rows[i];
		if (strcmp(r->assessor, user) != 0 || (read && strcmp(r->read, read) != 0))
			continue;
		rc = store_assign_del(s, sub.rowid, r->read, err);
		/* "after" says what was taken away, so the archive's message can name it */
		char *before = row_json(r->assessor, r->read, r->blind, r->assigned_by);
		json_t *o = json_pack("{s:s, s:s, s:s}", "assessor", r->assessor, "read", r->read, "removed_by",
				      session_user(s));
		char *after = audit_json(o);
		if (rc == MC_OK)
			rc = audit_append(s, "unassign", subject, before, after, err);
		free(before);
		free(after);
		(*removed)++;
	}
	if (rc == MC_OK && *removed == 0)
		rc = read ? mc_error_set(err, MC_FAIL, "%s does not have the %s read of %s; nothing to remove", user,
					 read, id)
			  : mc_error_set(err, MC_FAIL, "%s is not assigned to %s; nothing to remove", id, user);
	free(subject);
	store_assign_rows_free(&rows, n);
	store_assign_sub_free(&sub);
	return rc;
}

int assign_remove(struct store *s, const char *id, const char *user, const char *read, int *removed,
		  struct mc_error *err)
{
	int dummy;
	if (!removed)
		removed = &dummy;
	*removed = 0;
	int rc = check_args(user, read, err);
	if (rc != MC_OK)
		return rc;
	if ((rc = store_begin(s, err)) != MC_OK)
		return rc;
	rc = remove_in_tx(s, id, user, read, removed, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*removed = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- blind for everyone */
static const char BLIND_KEY[] = "blind_scoring";

int assign_blind_all_get(struct store *s, int *on, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, BLIND_KEY, &v, err);
	*on = v && strcmp(v, "1") == 0;
	free(v);
	return rc;
}

static int blind_all_in_tx(struct store *s, int on, int *changed, struct mc_error *err)
{
	int was = 0;
	int rc = people_require(s, ROLE_ADMIN, "turning blind scoring on or off for everyone", err);
	if (rc == MC_OK)
		rc = assign_blind_all_get(s, &was, err);
	if (rc != MC_OK || was == !!on)
		return rc;
	rc = store_meta_set(s, BLIND_KEY, on ? "1" : "0", err);
	if (rc == MC_OK) {
		char before[32], after[32];
		snprintf(before, sizeof before, "{\"value\":\"%s\"}", was ? "on" : "off");
		snprintf(after, sizeof after, "{\"value\":\"%s\"}", on ? "on" : "off");
		rc = audit_append(s, "config", "setting:blind_scoring", before, after, err);
	}
	if (rc == MC_OK)
		*changed = 1;
	return rc;
}

int assign_blind_all_set(struct store *s, int on, int *changed, struct mc_error *err)
{
	int dummy;
	if (!changed)
		changed = &dummy;
	*changed = 0;
	return setting_tx(s, blind_all_in_tx, on, changed, err);
}

/* ---------------------------------------------------------------- many at once */
struct id_list {
	char **ids;
	int n;
};

static int collect_id(void *ctx, const struct queue_raw *r)
{
	struct id_list *l = ctx;
	l->ids = mc_xrealloc(l->ids, (size_t)(l->n + 1) * sizeof *l->ids);
	l->ids[l->n++] = mc_xstrdup(r->id);
	return 0;
}

int assign_filter_ids(struct store *s, const struct queue_filter *f, char ***ids, int *n, struct mc_error *err)
{
	struct id_list l = { NULL, 0 };
	int rc = store_queue_walk(s, f, session_user(s), NULL, 1, -1, collect_id, &l, err);
	if (rc != MC_OK)
		assign_ids_free(&l.ids, l.n);
	*ids = l.ids;
	*n = rc == MC_OK ? l.n : 0;
	return rc;
}

void assign_ids_free(char ***ids, int n)
{
	if (!ids || !*ids)
		return;
	for (int i = 0; i < n; i++)
		free((*ids)[i]);
	free(*ids);
	*ids = NULL;
}

/* The district a coordinator is limited to (heap; NULL: none, or not a coordinator). */
static int my_district(struct store *s, char **district, struct mc_error *err)
{
	struct person me;
	int found;
	*district = NULL;
	int rc = store_people_get(s, session_user(s), &me, &found, err);
	if (rc == MC_OK && found && me.role == ROLE_COORDINATOR && me.district)
		*district = mc_xstrdup(me.district);
	if (rc == MC_OK && found)
		people_free(&me);
	return rc;
}

int assign_held(struct store *s, const char *user, const char *overdue_at,
		int (*fn)(void *ctx, const struct store_assign_held *h), void *ctx, struct mc_error *err)
{
	enum people_role role;
	const char *me = session_user(s);
	int rc = people_role(s, me, &role, err);
	if (rc != MC_OK)
		return rc;
	if (role == ROLE_NONE)
		return people_require(s, ROLE_ASSESSOR, "listing assignments", err);
	if (role < ROLE_COORDINATOR && user && strcmp(user, me) != 0)
		return mc_error_set(err, MC_FAIL, "you (%s) may list your own assignments, not %s's: "
				    "coordinators and admins see everyone's", me, user);
	if (role < ROLE_COORDINATOR)
		user = me;
	char *district = NULL;
	rc = my_district(s, &district, err);
	if (rc == MC_OK)
		rc = store_assign_held_walk(s, user, district, overdue_at, fn, ctx, err);
	free(district);
	return rc;
}

/* ---------------------------------------------------------------- readers' schools */
int assign_reader_set(struct store *s, const char *user, enum people_role role, const char *district,
		      const char *school, enum people_change *what, struct mc_error *err)
{
	return assign_reader_links_set(s, user, role, district, &(struct assign_links){ .school = school }, what,
				       err);
}

/* ---------------------------------------------------------------- assign --auto */
struct open_sub {
	long long rowid;
	char *id, *district, *school, *first, *second, *adjudicator;
	char *credential;
	char *cohort, *educator;
};
struct open_list {
	struct open_sub *v;
	int n;
};

static char *dup_or_null(const char *t) { return t ? mc_xstrdup(t) : NULL; }

static int collect_open(void *ctx, const struct store_assign_open *o)
{
	struct open_list *l = ctx;
	l->v = mc_xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
	l->v[l->n++] = (struct open_sub){ o->rowid, mc_xstrdup(o->id), mc_xstrdup(o->district),
					  dup_or_null(o->school), dup_or_null(o->first), dup_or_null(o->second),
					  dup_or_null(o->adjudicator), mc_xstrdup(o->credential), dup_or_null(o->cohort),
					  dup_or_null(o->educator) };
	return 0;
}

static void open_list_free(struct open_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].district);
		free(l->v[i].school);
		free(l->v[i].first);
		free(l->v[i].second);
		free(l->v[i].adjudicator);
		free(l->v[i].credential);
		free(l->v[i].cohort);
		free(l->v[i].educator);
	}
	free(l->v);
}

static int same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Who may assess a credential (calibration.h): when it has a calibration set
 * (has_set), only the qualified users[0..n-1]. */
struct qualified {
	char *credential;
	int has_set, n;
	char **users;
};

static int is_qualified(const struct qualified *q, const char *user)
{
	for (int i = 0; q->has_set && i < q->n; i++)
		if (strcmp(q->users[i], user) == 0)
			return 1;
	return !q->has_set;
}

/* May reader r take a read of o? Not when they hold another of its reads, nor
 * when it is their own work (assign_rules.h), nor when not qualified for its
 * credential. */
static int eligible(const struct store_assign_reader *r, const struct open_sub *o, const struct qualified *q)
{
	if (same(r->user, o->first) || same(r->user, o->second) || same(r->user, o->adjudicator))
		return 0;
	if (!is_qualified(q, r->user))
		return 0;
	return assign_rules_allow(r, &(struct store_assign_open){ .district = o->district, .school = o->school,
								  .cohort = o->cohort, .educator = o->educator });
}

/* The eligible reader with the fewest open reads (readers are in user order,
 * so the first such wins a tie); for a second read, one of another district
 * than the first reader's when there is one. NULL when nobody may take it. */
static struct store_assign_reader *pick(struct store_assign_reader *rs, int n, const struct open_sub *o,
					const struct qualified *q, const char *other, const char *other_district)
{
	struct store_assign_reader *best = NULL, *best_away = NULL;
	for (int i = 0; i < n; i++) {
		struct store_assign_reader *r = &rs[i];
		if (!eligible(r, o, q))
			continue;
		if (!best || r->load < best->load)
			best = r;
		/* another district: both known and not the same */
		int away = other && r->district && other_district && strcmp(r->district, other_district) != 0;
		if (away && (!best_away || r->load < best_away->load))
			best_away = r;
	}
	return best_away ? best_away : best;
}

static const char *reader_district(const struct store_assign_reader *rs, int n, const char *user)
{
	for (int i = 0; user && i < n; i++)
		if (strcmp(rs[i].user, user) == 0)
			return rs[i].district;
	return NULL;
}

struct auto_run {
	struct store *s;
	struct store_assign_reader *rs;
	int nr;
	struct qualified *q; /* per credential met so far */
	int nq;
	void (*fn)(void *, const struct assign_auto_pick *);
	void *ctx;
	long given, unplaced;
};

/* Who may assess `credential` (*q), worked out once per run. With a
 * calibration set and none of the assessors qualified, the run is refused
 * (MC_FAIL naming the credential): nothing is assigned. */
static int qualified_for(struct auto_run *a, const char *credential, const struct qualified **q,
			 struct mc_error *err)
{
	for (int i = 0; i < a->nq; i++)
		if (strcmp(a->q[i].credential, credential) == 0) {
			*q = &a->q[i];
			return MC_OK;
		}
	struct qualified x = { mc_xstrdup(credential), 0, 0, NULL };
	int rc = calib_qualified(a->s, credential, &x.has_set, &x.users, &x.n, err);
	int any = !x.has_set;
	for (int i = 0; rc == MC_OK && !any && i < a->nr; i++)
		any = is_qualified(&x, a->rs[i].user);
	a->q = mc_xrealloc(a->q, (size_t)(a->nq + 1) * sizeof *a->q);
	a->q[a->nq++] = x;
	*q = &a->q[a->nq - 1];
	if (rc == MC_OK && !any)
		rc = mc_error_set(err, MC_FAIL, "nobody is qualified to assess %s: no assessor has finished its "
				  "calibration set with enough exact agreement ('mcassess calibration results "
				  "--credential %s'); nothing was assigned", credential, credential);
	return rc;
}

static void qualified_free(struct auto_run *a)
{
	for (int i = 0; i < a->nq; i++) {
		free(a->q[i].credential);
		calib_users_free(&a->q[i].users, a->q[i].n);
	}
	free(a->q);
}

/* Give read `read` of o to the best reader; the name given (NULL: nobody). */
static int give(struct auto_run *a, struct open_sub *o, const char *read, const char *other, char **holder,
		struct mc_error *err)
{
	const struct qualified *q = NULL;
	int rc = qualified_for(a, o->credential, &q, err);
	if (rc != MC_OK)
		return rc;
	struct store_assign_reader *r = pick(a->rs, a->nr, o, q, other, reader_district(a->rs, a->nr, other));
	if (!r) {
		a->unplaced++;
		return MC_OK;
	}
	char uid[MC_UUID_LEN], at[MC_TIME_LEN], due[MC_TIME_LEN];
	rc = mc_uuid(uid, err);
	if (rc == MC_OK)
		rc = due_now(a->s, at, due, err);
	const char *me = session_user(a->s);
	if (rc == MC_OK)
		rc = store_assign_put(a->s, o->rowid, read, r->user, 0, me, at, due, uid, err);
	char *after = row_json(r->user, read, 0, me);
	char *subject = mc_xasprintf("submission:%s", o->id);
	if (rc == MC_OK)
		rc = audit_append(a->s, "assign", subject, NULL, after, err);
	free(subject);
	free(after);
	if (rc != MC_OK)
		return rc;
	r->load++;
	a->given++;
	*holder = mc_xstrdup(r->user);
	if (a->fn)
		a->fn(a->ctx, &(struct assign_auto_pick){ o->id, read, r->user });
	return MC_OK;
}

static int reads_wanted(struct store *s, int *reads, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, "reads", &v, err);
	*reads = v && strcmp(v, "2") == 0 ? 2 : 1;
	free(v);
	return rc;
}

static int auto_in_tx(struct auto_run *a, const char *district, const char *credential, struct mc_error *err)
{
	int reads = 1;
	struct open_list l = { NULL, 0 };
	int rc = reads_wanted(a->s, &reads, err);
	if (rc == MC_OK)
		rc = store_assign_readers(a->s, &a->rs, &a->nr, err);
	if (rc == MC_OK)
		rc = store_assign_open_walk(a->s, district, credential, collect_open, &l, err);
	for (int i = 0; rc == MC_OK && i < l.n; i++) {
		struct open_sub *o = &l.v[i];
		if (!o->first)
			rc = give(a, o, "first", o->second, &o->first, err);
		if (rc == MC_OK && reads == 2 && !o->second)
			rc = give(a, o, "second", o->first, &o->second, err);
	}
	open_list_free(&l);
	return rc;
}

/* The district the acting user may auto-assign in: theirs, for a coordinator who
 * has one (refused when they asked for another); else what they asked for. */
static int auto_district(struct store *s, const char *asked, char **district, struct mc_error *err)
{
	int rc = people_require(s, ROLE_COORDINATOR, "assigning submissions", err);
	if (rc == MC_OK)
		rc = my_district(s, district, err);
	if (rc != MC_OK || !*district) {
		if (rc == MC_OK && asked)
			*district = mc_xstrdup(asked);
		return rc;
	}
	if (asked && strcmp(asked, *district) != 0)
		rc = mc_error_set(err, MC_FAIL, "you (%s) coordinate %s, not %s: ask an admin or %s's coordinator "
				  "to assign its submissions", session_user(s), *district, asked, asked);
	return rc;
}

int assign_auto(struct store *s, const char *district, const char *credential, int dry_run,
		void (*fn)(void *ctx, const struct assign_auto_pick *p), void *ctx, long *given, long *unplaced,
		struct mc_error *err)
{
	struct auto_run a = { .s = s, .fn = fn, .ctx = ctx };
	*given = *unplaced = 0;
	char *d = NULL;
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = auto_district(s, district, &d, err);
	if (rc == MC_OK)
		rc = auto_in_tx(&a, d, credential, err);
	if (rc == MC_OK && !dry_run)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	store_assign_readers_free(&a.rs, a.nr);
	qualified_free(&a);
	free(d);
	if (rc == MC_OK) {
		*given = a.given;
		*unplaced = a.unplaced;
	}
	return rc;
}

/* ---------------------------------------------------------------- workload */
struct load_walk {
	struct assign_load *v;
	int n;
	const char *now;
};

static int add_held(void *ctx, const struct store_assign_held *h)
{
	struct load_walk *w = ctx;
	struct assign_load *l = NULL;
	for (int i = 0; !l && i < w->n; i++)
		if (strcmp(w->v[i].user, h->assessor) == 0)
			l = &w->v[i];
	if (!l) { /* a read held by someone no longer an assessor: still theirs */
		w->v = mc_xrealloc(w->v, (size_t)(w->n + 1) * sizeof *w->v);
		l = &w->v[w->n++];
		*l = (struct assign_load){ .user = mc_xstrdup(h->assessor) };
	}
	l->open++;
	if (h->due_at && strcmp(h->due_at, w->now) < 0)
		l->overdue++;
	if (!l->oldest_at || strcmp(h->at, l->oldest_at) < 0) {
		free(l->oldest_at);
		l->oldest_at = mc_xstrdup(h->at);
	}
	return 0;
}

static int by_user(const void *a, const void *b)
{
	return strcmp(((const struct assign_load *)a)->user, ((const struct assign_load *)b)->user);
}

int assign_workload(struct store *s, const char *now, struct assign_load **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	struct store_assign_reader *rs = NULL;
	int nr = 0;
	char *district = NULL;
	int rc = people_require(s, ROLE_COORDINATOR, "seeing everyone's workload", err);
	if (rc == MC_OK)
		rc = store_assign_readers(s, &rs, &nr, err);
	struct load_walk w = { mc_xcalloc((size_t)(nr ? nr : 1), sizeof *w.v), 0, now };
	for (int i = 0; rc == MC_OK && i < nr; i++)
		w.v[w.n++] = (struct assign_load){ .user = mc_xstrdup(rs[i].user), .district = dup_or_null(rs[i].district) };
	store_assign_readers_free(&rs, nr);
	if (rc == MC_OK)
		rc = my_district(s, &district, err);
	if (rc == MC_OK)
		rc = store_assign_held_walk(s, NULL, district, NULL, add_held, &w, err);
	free(district);
	if (rc != MC_OK) {
		assign_workload_free(&w.v, w.n);
		return rc;
	}
	qsort(w.v, (size_t)w.n, sizeof *w.v, by_user);
	*out = w.v;
	*n = w.n;
	return MC_OK;
}

void assign_workload_free(struct assign_load **loads, int n)
{
	if (!loads || !*loads)
		return;
	for (int i = 0; i < n; i++) {
		free((*loads)[i].user);
		free((*loads)[i].district);
		free((*loads)[i].oldest_at);
	}
	free(*loads);
	*loads = NULL;
}
