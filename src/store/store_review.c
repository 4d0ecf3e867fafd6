/* store_review.c: SQL for reads and approval (store_review.h). */
#include "config.h"

#include <stdlib.h>

#include "mcassess/store.h"
#include "mcassess/store_review.h"
#include "store_int.h"

static const char SQL_READ_OF[] =
	"SELECT read FROM assignment WHERE submission_id = ?1 AND assessor = ?2 "
	"ORDER BY CASE read WHEN 'first' THEN 1 WHEN 'second' THEN 2 ELSE 3 END LIMIT 1";
static const char SQL_HOLDER[] = "SELECT assessor FROM assignment WHERE submission_id = ?1 AND read = ?2";
static const char SQL_READ_GET[] =
	"SELECT outcome, assessor FROM read_decision WHERE submission_id = ?1 AND read = ?2";
static const char SQL_READ_PUT[] =
	"INSERT INTO read_decision(uid, submission_id, read, assessor, outcome, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_READS_CLEAR[] = "DELETE FROM read_decision WHERE submission_id = ?1";
static const char SQL_DECISION_DEL[] = "DELETE FROM decision WHERE submission_id = ?1";
/* Load: assignments on submissions still undecided. */
static const char SQL_ADJUDICATOR[] =
	"SELECT p.user FROM person p WHERE p.role = 'assessor' "
	"AND p.user NOT IN (SELECT assessor FROM assignment WHERE submission_id = ?1) "
	/* the own-work rules (assign_rules.h): not their own, their cohort's or school's */
	"AND NOT EXISTS (SELECT 1 FROM submission s JOIN educator e ON e.id = s.educator_id "
	"LEFT JOIN cohort c ON c.id = e.cohort_id LEFT JOIN school sc ON sc.id = e.school_id WHERE s.id = ?1 "
	"AND (e.ext_id = p.educator OR (p.district_id = e.district_id AND (c.name = p.cohort OR sc.name = p.school)))) "
	"ORDER BY p.district_id IS (SELECT e.district_id FROM submission s JOIN educator e "
	"ON e.id = s.educator_id WHERE s.id = ?1), "
	"(SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id "
	"WHERE a.assessor = p.user AND s.status IN ('queued', 'in_progress')), p.user LIMIT 1";

/* One row of two text columns (or one when b is NULL); both NULL when none. */
static int two_text(struct store *s, const char *sql, long long rowid, const char *arg, char **a, char **b,
		    struct mc_error *err)
{
	*a = NULL;
	if (b)
		*b = NULL;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rowid);
	if (arg)
		store_bind_text(st, 2, arg);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*a = store_col_dup(st, 0);
		if (b)
			*b = store_col_dup(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the reads");
}

int store_review_read_of(struct store *s, long long sub_rowid, const char *user, char **read,
			 struct mc_error *err)
{
	return two_text(s, SQL_READ_OF, sub_rowid, user, read, NULL, err);
}

int store_review_read_get(struct store *s, long long sub_rowid, const char *read, char **outcome,
			  char **assessor, struct mc_error *err)
{
	return two_text(s, SQL_READ_GET, sub_rowid, read, outcome, assessor, err);
}

int store_review_holder(struct store *s, long long sub_rowid, const char *read, char **user,
			struct mc_error *err)
{
	return two_text(s, SQL_HOLDER, sub_rowid, read, user, NULL, err);
}

int store_review_adjudicator(struct store *s, long long sub_rowid, char **user, struct mc_error *err)
{
	return two_text(s, SQL_ADJUDICATOR, sub_rowid, NULL, user, NULL, err);
}

int store_review_read_put(struct store *s, long long sub_rowid, const char *read, const char *assessor,
			  const char *outcome, const char *at, const char *uid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_READ_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub_rowid);
	store_bind_text(st, 3, read);
	store_bind_text(st, 4, assessor);
	store_bind_text(st, 5, outcome);
	store_bind_text(st, 6, at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving a read's decision");
}

static int delete_by_sub(struct store *s, const char *sql, long long sub_rowid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reopening a submission");
}

int store_review_reads_clear(struct store *s, long long sub_rowid, struct mc_error *err)
{
	return delete_by_sub(s, SQL_READS_CLEAR, sub_rowid, err);
}

int store_review_decision_del(struct store *s, long long sub_rowid, struct mc_error *err)
{
	return delete_by_sub(s, SQL_DECISION_DEL, sub_rowid, err);
}
