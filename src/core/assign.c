/* assign.c: who scores what. Each change is one transaction with its audit row;
 * a refused change leaves everything as it was. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/assign.h"
#include "mcassess/audit.h"
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
	json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "assessor", assessor, "read", read, "blind", blind,
			      "assigned_by", by);
	char *t = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	if (!t)
		abort(); /* out of memory */
	return t;
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
		char uid[MC_UUID_LEN], at[MC_TIME_LEN];
		rc = mc_uuid(uid, err);
		mc_now(at);
		if (rc == MC_OK)
			rc = store_assign_put(s, sub.rowid, read, user, blind, me, at, uid, err);
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
		char *after = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
		json_decref(o);
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
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = blind_all_in_tx(s, on, changed, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*changed = 0;
	}
	return rc;
}
