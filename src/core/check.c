/* check.c: verify a database and name each problem. The audit log is the
 * reference: a score, feedback or decision that differs from the last audited
 * change to it was changed outside mcassess. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "mcassess/audit.h"
#include "mcassess/check.h"
#include "mcassess/evstore.h"
#include "mcassess/hash.h"
#include "mcassess/people.h"
#include "mcassess/progress.h"
#include "mcassess/report.h"
#include "mcassess/store.h"
#include "mcassess/store_audit.h"
#include "mcassess/store_check.h"
#include "mcassess/util.h"

/* The last audited state of one record: key "ID\037kind\037key\037read". */
struct audited {
	char *key;
	char *value; /* NULL: the last change removed it */
	char *actor, *at;
	long long seq;
	int matched;
};

/* Problems held back, to be reported in their turn. */
struct held {
	char **msg;
	size_t n;
};

struct ck {
	struct store *s;
	void (*report)(void *ctx, const char *problem);
	void *ctx;
	long problems;
	struct audited *log;
	size_t nlog, caplog;
	int demo; /* the demo generator wrote rows without per-row audit records */
	int people_audited; /* people were added through mcassess ('init' always is): an
			     * unaudited person was added behind its back (test fixtures insert
			     * their people with SQL and have no such row) */
	struct store_audit_cursor *cur; /* the audit rows of submissions, by subject */
	char *group;                    /* the submission whose log c->log holds */
	int rc;                         /* of the cursor, from inside the record walk */
	struct mc_error *err;
	char **altered; /* stored files that no longer match their SHA-256 (for the archive) */
	size_t naltered;
	long long done, total, told; /* progress: rows looked at, of all there are */
	const char *step;
	long report_diffs; /* report counters that differ from a recount */
	struct phase_clock *clock; /* MCASSESS_CHECK_TIMES=1: each part's time, below */
	/* While the integrity check runs beside, the problems found meanwhile wait
	 * here, so that the report reads in the same order as a serial check's. */
	void (*out)(void *ctx, const char *problem);
	void *out_ctx;
	struct held held;
	/* The whole check reads the audit log once (chain_and_records): the chain's
	 * order-free sum, while the walk runs; the records' problems, found with the
	 * chain's but reported in their own turn; whether they were. */
	struct audit_sum *chain;
	struct held later;
	int records_done;
	struct audit_json json; /* the audit row's being read (audit_one) */
};

/* Where the last clean check ended (meta, below): the newest evidence row and
 * audit row it saw, that audit row's hash, and the newest changes to the report
 * counters' days and submissions (check_dirty_*). */
struct marks {
	long long evidence, audit_seq;
	char *audit_hash;
	long long day_seq, submission_seq;
	int found;
};

/* MCASSESS_CHECK_TIMES=1: each part's wall and CPU time and the bytes the
 * process read from the disk meanwhile (/proc/self/io), on stderr, to find
 * what a slow check spends its time on (bench/README.md). The integrity check
 * runs beside the other parts unless MCASSESS_CHECK_SERIAL=1. */
struct phase_clock {
	const char *what;
	double wall, cpu;
	long long read;
};

static double now_wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long long now_read(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	long long v = -1;
	char line[128];
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "read_bytes: %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* The part that ran since the last call is printed; `what` starts (NULL: none). */
static void phase(struct ck *c, const char *what)
{
	struct phase_clock *k = c->clock;
	if (!k)
		return;
	double w = now_wall(), u = now_cpu();
	long long r = now_read();
	struct rusage ru;
	long long heap, heap_most;
	getrusage(RUSAGE_SELF, &ru);
	store_heap(&heap, &heap_most);
	if (k->what) /* the process's peak resident set so far; SQLite's heap at its most in the part */
		fprintf(stderr, "check time: %-58s %8.3f s wall %9.3f s CPU %10.1f MB read %8ld KB peak %6lld KB SQLite\n",
			k->what, w - k->wall, u - k->cpu, (double)(r - k->read) / 1e6, ru.ru_maxrss, heap_most / 1024);
	*k = (struct phase_clock){ what, w, u, r };
}

/* Progress, told every half percent or so: one unit per row looked at. */
static void advance(struct ck *c, long long n)
{
	c->done += n;
	if (c->done - c->told > c->total / 200 || c->done >= c->total) {
		c->told = c->done;
		progress_report(c->step, c->done, c->total);
	}
}

static void step(struct ck *c, const char *what)
{
	phase(c, what);
	c->step = what;
	progress_report(what, c->done, c->total);
}

static void problem(struct ck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct ck *c, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	c->report(c->ctx, msg);
	c->problems++;
	free(msg);
}

static void relay(void *ctx, const char *msg)
{
	struct ck *c = ctx;
	c->report(c->ctx, msg);
	c->problems++;
}

/* ---------------------------------------------------------------- database */

static const char *const protecting_triggers[] = {
	"audit_no_update", "audit_no_delete", "status_count_ins", "status_count_del", "status_count_upd",
	"report_day_ins", "report_day_upd", "report_sub_ins", "report_sub_del", "report_sub_upd",
	"report_change_ins", "report_educator_district", "report_educator_facts", "report_touch_ins",
	"report_fact_sub_ins", "report_fact_sub_del", "report_fact_sub_upd", "report_fact_assignment_ins",
	"report_fact_assignment_del", "report_fact_assignment_upd", "report_fact_decision_ins",
	"report_fact_decision_del", "report_fact_decision_upd",
	"check_dirty_ins", "check_dirty_day_ins", "check_dirty_day_upd", "check_dirty_day_del",
	"check_dirty_fact_ins", "check_dirty_fact_upd", "check_dirty_fact_del",
};

static int check_triggers(struct ck *c, struct mc_error *err)
{
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < sizeof protecting_triggers / sizeof *protecting_triggers; i++) {
		int exists;
		rc = store_check_trigger_exists(c->s, protecting_triggers[i], &exists, err);
		if (rc == MC_OK && !exists)
			problem(c, "database: the trigger '%s' is missing (removed outside mcassess); the %s",
				protecting_triggers[i],
				strncmp(protecting_triggers[i], "audit", 5) == 0
					? "audit log is no longer protected against edits"
				: strncmp(protecting_triggers[i], "report", 6) == 0
					? "reports' counters are no longer kept"
				: strncmp(protecting_triggers[i], "check", 5) == 0
					? "next 'check --since-last' would not see changed report counters"
					: "status counters are no longer kept");
	}
	return rc;
}

static void held_add(struct held *h, const char *msg)
{
	h->msg = mc_xrealloc(h->msg, (h->n + 1) * sizeof *h->msg);
	h->msg[h->n++] = mc_xstrdup(msg);
}

static void hold(void *ctx, const char *msg) { held_add(&((struct ck *)ctx)->held, msg); }

static void hold_later(void *ctx, const char *msg) { held_add(&((struct ck *)ctx)->later, msg); }

/* Problems held: reported now (already counted), or (report 0) dropped. */
static void held_out(struct ck *c, struct held *h, int report)
{
	for (size_t i = 0; i < h->n; i++) {
		if (report)
			c->report(c->ctx, h->msg[i]);
		free(h->msg[i]);
	}
	free(h->msg);
	*h = (struct held){ NULL, 0 };
}

/* The integrity check (SQLite's pass over every page: most of a whole check)
 * starts on a connection of its own, beside the other parts;
 * MCASSESS_CHECK_SERIAL=1 runs it first and alone (bench/README.md). */
static int database_start(struct ck *c, struct store_check_side **side, struct mc_error *err)
{
	const char *serial = getenv("MCASSESS_CHECK_SERIAL");
	int rc = store_check_integrity_start(c->s, serial && strcmp(serial, "1") == 0, side, err);
	if (rc != MC_OK)
		return rc;
	c->out = c->report;
	c->out_ctx = c->ctx;
	c->report = hold;
	c->ctx = c;
	return MC_OK;
}

/* Its problems, then the ones held meanwhile. abandon: the check failed; stop it. */
static int database_finish(struct ck *c, struct store_check_side **side, int abandon, struct mc_error *err)
{
	if (!abandon)
		progress_report("checking the database's integrity", 0, -1);
	phase(c, "the integrity check (what was left of it)");
	c->report = c->out;
	c->ctx = c->out_ctx;
	int rc = store_check_integrity_finish(side, abandon, relay, c, err);
	held_out(c, &c->held, 1);
	return rc;
}

/* ---------------------------------------------------------------- evidence */

static int evidence_one(void *ctx, const struct store_check_evidence *e)
{
	struct ck *c = ctx;
	advance(c, 1);
	const char *sha = e->sha256 ? e->sha256 : "";
	if (e->kind && strcmp(e->kind, "text") == 0) {
		char got[MC_SHA256_HEX];
		mc_sha256_hex(e->text ? e->text : "", e->text_len, got);
		if (strcmp(got, sha) != 0)
			problem(c, "evidence %s #%d (%s): the text does not match its recorded SHA-256 "
				   "(%.12s…, now %.12s…): changed outside mcassess", e->submission, e->seq,
				e->part, sha, got);
	} else if (!e->blob_sha256 || strcmp(sha, e->blob_sha256) != 0) {
		problem(c, "evidence %s #%d (%s): file '%s' is recorded as %.12s… but points at stored file "
			   "%.12s…", e->submission, e->seq, e->part, e->file_name ? e->file_name : "?", sha,
			e->blob_sha256 ? e->blob_sha256 : "(none)");
	}
	return 0;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int blob_one(void *ctx, const struct store_check_blob *b)
{
	struct ck *c = ctx;
	advance(c, 1);
	size_t len = strlen(b->sha256);
	char *path = len >= 2 ? evstore_path(store_evidence_dir(c->s), b->sha256)
			      : mc_xasprintf("%s/__/%s", store_evidence_dir(c->s), b->sha256);
	char *used = b->submission
		? mc_xasprintf("evidence %s #%d (%s, '%s')", b->submission, b->seq, b->part ? b->part : "?",
			       b->file_name ? b->file_name : "?")
		: mc_xstrdup("no evidence item uses it");
	char got[MC_SHA256_HEX];
	long long size = 0;
	if (mc_sha256_file(path, got, &size) != 0) {
		if (errno == ENOENT)
			problem(c, "%s: stored file %s is missing", used, path);
		else
			problem(c, "%s: stored file %s cannot be read: %s", used, path, strerror(errno));
	} else if (strcmp(got, b->sha256) != 0) {
		problem(c, "%s: stored file %s no longer matches its SHA-256 (%lld bytes, %lld recorded): "
			   "edited on disk", used, path, size, b->size);
		c->altered = mc_xrealloc(c->altered, (c->naltered + 1) * sizeof *c->altered);
		c->altered[c->naltered++] = mc_xstrdup(b->sha256);
	} else if (size != b->size) {
		problem(c, "%s: stored file %s is %lld bytes but %lld were recorded", used, path, size, b->size);
	}
	free(path);
	free(used);
	return 0;
}

/* ---------------------------------------------------------------- status counters */

static int status_one(void *ctx, const char *status, long long counted, long long real)
{
	struct ck *c = ctx;
	if (counted != real)
		problem(c, "status counter '%s' says %lld but %lld submission%s %s that status: changed "
			   "outside mcassess", status, counted, real, real == 1 ? "" : "s",
			real == 1 ? "has" : "have");
	return 0;
}

/* The report counters (report.h): each difference names the group, at most
 * REPORT_DIFFS of them, then how many more. */
#define REPORT_DIFFS 10
static int report_count_one(void *ctx, const struct report_count_diff *d)
{
	struct ck *c = ctx;
	if (c->report_diffs++ < REPORT_DIFFS)
		problem(c, "report counter (by %s) for %s, %s, %s, %s, %s attempts, says %lld but %lld "
			   "submission%s %s it: changed outside mcassess; the progress report is wrong until "
			   "it is mended", d->table, d->when, d->credential ? d->credential : "(no credential)",
			d->district ? d->district : "(no district)", d->status, d->first ? "first" : "later",
			d->kept, d->counted, d->counted == 1 ? "" : "s", d->counted == 1 ? "matches" : "match");
	return MC_OK;
}

static int report_fact_one(void *ctx, const char *submission)
{
	struct ck *c = ctx;
	if (c->report_diffs++ < REPORT_DIFFS)
		problem(c, "submission %s: the facts kept for the turnaround and assessors reports differ from "
			   "its status, assignments or decision: changed outside mcassess", submission);
	return MC_OK;
}

/* Agreement's tallies (migrations 19, 21 and 23): every group, or the pairs of one submission. */
static int report_pair_one(void *ctx, const struct report_pair_diff *d)
{
	struct ck *c = ctx;
	if (c->report_diffs++ >= REPORT_DIFFS)
		return MC_OK;
	/* a count of first and second reads names its criterion; one of reads
	 * against the final ones, the earlier reads' assessor */
	char *what = d->x_assessor ? mc_xasprintf("%s, earlier reads by %s against the final ones",
						  d->district ? d->district : "(no district)", d->x_assessor)
				   : mc_xasprintf("%s, %s, criterion %s, first and second reads",
						  d->credential ? d->credential : "(no credential)",
						  d->district ? d->district : "(no district)",
						  d->criterion ? d->criterion : "(unknown)");
	if (strcmp(d->table, "pair") == 0)
		problem(c, "submission %s: the pairs of reads kept for the agreement report differ from its "
			   "scores (criterion %s, %s and %s): changed outside mcassess", d->when,
			d->criterion ? d->criterion : "(unknown)", d->x_assessor, d->y_assessor);
	else
		problem(c, "agreement counter%s%s (%s%s) for %s%s%s, says %lld but %lld pair%s of reads %s it: "
			   "changed outside mcassess; the agreement and assessors reports are wrong until it is mended",
			d->owner ? " of the pairs with a read by " : "", d->owner ? d->owner : "", *d->when ? "by " : "",
			d->table, d->when, *d->when ? ", " : "", what, d->kept, d->counted, d->counted == 1 ? "" : "s",
			d->counted == 1 ? "matches" : "match");
	free(what);
	return MC_OK;
}

/* The trigger-kept tallies of agreement: every group, or (since) those of the
 * days written after the last clean check. */
static int check_tallies(struct ck *c, const struct marks *since, struct mc_error *err)
{
	if (!since)
		return store_report_pairs_check(c->s, NULL, 0, report_pair_one, c, err);
	char **days = NULL;
	int n = 0;
	int rc = store_check_dirty_days(c->s, since->day_seq, &days, &n, err);
	if (rc == MC_OK && n > 0)
		rc = store_report_pairs_check(c->s, (const char *const *)days, n, report_pair_one, c, err);
	for (int i = 0; i < n; i++)
		free(days[i]);
	free(days);
	return rc;
}

/* The assessors' counts (migration 20): every group, or those of the days
 * written after the last clean check. */
static int report_assigned_one(void *ctx, const struct report_assigned_diff *d)
{
	struct ck *c = ctx;
	if (c->report_diffs++ >= REPORT_DIFFS)
		return MC_OK;
	if (strcmp(d->table, "assignment") == 0)
		problem(c, "submission %s: the assignment to %s kept for the assessors report is %s but its "
			   "assignments and decision say there is %s: changed outside mcassess", d->when, d->assessor,
			d->kept, d->counted);
	else
		problem(c, "assessors counter (%s%s) for %s%s%s, %s says %s but the assignments say %s: changed "
			   "outside mcassess; the assessors report is wrong until it is mended",
			*d->when ? "by " : "", d->table, d->when, *d->when ? ", " : "",
			d->district ? d->district : "(no district)", d->assessor, d->kept, d->counted);
	return MC_OK;
}

static int check_assigned(struct ck *c, const struct marks *since, struct mc_error *err)
{
	if (!since)
		return store_report_assigned_check(c->s, NULL, 0, report_assigned_one, c, err);
	char **days = NULL;
	int n = 0;
	int rc = store_check_dirty_days(c->s, since->day_seq, &days, &n, err);
	if (rc == MC_OK && n > 0)
		rc = store_report_assigned_check(c->s, (const char *const *)days, n, report_assigned_one, c, err);
	for (int i = 0; i < n; i++)
		free(days[i]);
	free(days);
	return rc;
}

/* Turnaround's counts (migration 22): every group, or those of the days
 * written after the last clean check. */
static int report_turn_one(void *ctx, const struct report_turn_diff *d)
{
	struct ck *c = ctx;
	if (c->report_diffs++ >= REPORT_DIFFS)
		return MC_OK;
	double days = (double)d->upto / 86400.0; /* a bucket's end: a quarter of a day */
	char *what = strcmp(d->kind, "decide") == 0 ? mc_xasprintf("decided within %g days of submission", days)
		     : strcmp(d->kind, "read") == 0 ? mc_xasprintf("decided within %g days of assignment", days)
		     : mc_xstrdup(strcmp(d->kind, "open") == 0 ? "open" : "with times not in UTC");
	if (strcmp(d->table, "row") == 0)
		problem(c, "submission %s: its turnaround row (%s) kept for the turnaround report is %s: changed "
			   "outside mcassess", d->when, what, d->kept ? "not what its facts say" : "missing");
	else
		problem(c, "turnaround counter (%s%s) for %s%s%s, %s, submissions %s, says %lld but the submissions "
			   "say %lld: changed outside mcassess; the turnaround report is wrong until it is mended",
			*d->when ? "by " : "", d->table, d->when, *d->when ? ", " : "",
			d->credential ? d->credential : "(no credential)", d->district ? d->district : "(no district)",
			what, d->kept, d->counted);
	free(what);
	return MC_OK;
}

static int check_turn(struct ck *c, const struct marks *since, struct mc_error *err)
{
	if (!since)
		return store_report_turn_check(c->s, NULL, 0, report_turn_one, c, err);
	char **days = NULL;
	int n = 0;
	int rc = store_check_dirty_days(c->s, since->day_seq, &days, &n, err);
	if (rc == MC_OK && n > 0)
		rc = store_report_turn_check(c->s, (const char *const *)days, n, report_turn_one, c, err);
	for (int i = 0; i < n; i++)
		free(days[i]);
	free(days);
	return rc;
}

/* An assessor's own progress (report_own_progress): every group, or those of the days
 * written after the last clean check. */
static int report_own_progress_one(void *ctx, const struct report_count_diff *d)
{
	struct ck *c = ctx;
	if (c->report_diffs++ >= REPORT_DIFFS)
		return MC_OK;
	if (strcmp(d->table, "submission") == 0)
		problem(c, "submission %s: the row kept for %s's own progress and turnaround reports is %s: changed outside "
			   "mcassess", d->when, d->assessor, d->kept ? "not what its facts and reads say" : "missing");
	else
		problem(c, "own progress counter of %s (%s%s) for %s%s%s, %s, %s, %s attempts, says %lld but %lld "
			   "of their submissions %s it: changed outside mcassess; their own progress report is wrong "
			   "until it is mended", d->assessor, *d->when ? "by " : "", d->table, d->when,
			*d->when ? ", " : "", d->credential ? d->credential : "(no credential)",
			d->district ? d->district : "(no district)", d->status, d->first ? "first" : "later", d->kept,
			d->counted, d->counted == 1 ? "matches" : "match");
	return MC_OK;
}

/* run on every group (days NULL), or (since) on those of the days written
 * after the last clean check, when there are any. */
static int on_days(struct ck *c, const struct marks *since,
		   int (*run)(struct ck *c, const char *const *days, int ndays, struct mc_error *err),
		   struct mc_error *err)
{
	if (!since)
		return run(c, NULL, 0, err);
	char **days = NULL;
	int n = 0;
	int rc = store_check_dirty_days(c->s, since->day_seq, &days, &n, err);
	if (rc == MC_OK && n > 0)
		rc = run(c, (const char *const *)days, n, err);
	for (int i = 0; i < n; i++)
		free(days[i]);
	free(days);
	return rc;
}

static int own_progress_days(struct ck *c, const char *const *days, int ndays, struct mc_error *err)
{
	return store_report_own_progress_check(c->s, days, ndays, report_own_progress_one, c, err);
}

/* Whole (since NULL): every counter against a recount, a whole pass. Since the
 * last clean check: only the days, months and submissions written after it. */
static int check_report_counts(struct ck *c, const struct marks *since, struct mc_error *err)
{
	phase(c, "recount: agreement's pairs and tallies");
	int rc = check_tallies(c, since, err);
	if (c->clock && !since)
		fprintf(stderr, "check time: agreement's sums for all time: %zu held at most\n",
			store_report_agree_held_most());
	phase(c, "recount: the assessors' counts");
	if (rc == MC_OK)
		rc = check_assigned(c, since, err);
	phase(c, "recount: progress counters");
	if (rc == MC_OK)
		rc = since ? store_check_counts_since(c->s, since->day_seq, report_count_one, c, err)
			   : store_report_counts_check(c->s, report_count_one, c, err);
	phase(c, "recount: the submissions' facts");
	if (rc == MC_OK)
		rc = since ? store_check_facts_since(c->s, since->submission_seq, report_fact_one, c, err)
			   : store_report_facts_check(c->s, report_fact_one, c, err);
	phase(c, "recount: turnaround");
	if (rc == MC_OK) /* after the facts it is read from: a changed fact is named first */
		rc = check_turn(c, since, err);
	phase(c, "recount: the assessors' own progress");
	if (rc == MC_OK)
		rc = on_days(c, since, own_progress_days, err);
	if (rc == MC_OK && c->report_diffs > REPORT_DIFFS)
		problem(c, "reports: %ld more differences like the ones above", c->report_diffs - REPORT_DIFFS);
	return rc;
}

/* ---------------------------------------------------------------- records against the audit log */

/* id, kind, key and read joined by \037. Put together by hand: a printf for
 * each row of the log and each record was a tenth of check's walk of the log at
 * 100,000 submissions. */
static char *record_key(const char *id, const char *kind, const char *key, const char *read)
{
	const char *part[4] = { id, kind, key, read };
	size_t len[4], n = 0;
	for (int i = 0; i < 4; i++)
		n += len[i] = strlen(part[i]);
	char *k = mc_xmalloc(n + 4), *p = k;
	for (int i = 0; i < 4; i++) {
		memcpy(p, part[i], len[i]);
		p += len[i];
		*p++ = i < 3 ? '\037' : '\0';
	}
	return k;
}

static const char *jstr(const struct audit_json *j, const char *k)
{
	const char *v = audit_json_get(j, k, NULL);
	return v ? v : "";
}

static char *text_sha(const char *t)
{
	char h[MC_SHA256_HEX];
	mc_sha256_hex(t, strlen(t), h);
	return mc_xstrdup(h);
}

/* A person as the audit log and the people table both say it: "role (district)". */
static char *person_value(const char *role, const char *district)
{
	return district && *district ? mc_xasprintf("%s (%s)", role, district) : mc_xstrdup(role);
}

static void log_add(struct ck *c, const struct audit_row *r, char *key, char *value)
{
	if (c->nlog == c->caplog) {
		c->caplog = c->caplog ? 2 * c->caplog : 64;
		c->log = mc_xrealloc(c->log, c->caplog * sizeof *c->log);
	}
	c->log[c->nlog++] = (struct audited){ .key = key, .value = value, .seq = r->seq,
					      .actor = mc_xstrdup(r->actor ? r->actor : "?"),
					      .at = mc_xstrdup(r->at ? r->at : "?") };
}

static int audit_one(void *ctx, const struct audit_row *r)
{
	struct ck *c = ctx;
	if (!r->action || !r->subject)
		return 0;
	if (strncmp(r->subject, "person:", 7) == 0 && strcmp(r->action, "people") == 0) {
		struct audit_json *j = r->after ? &c->json : NULL;
		if (j && !audit_json_load(j, r->after))
			return 0; /* an unreadable row: audit_verify names edited rows */
		int role = 1;
		if (j)
			audit_json_get(j, "role", &role);
		if (!role)
			return 0; /* another field of the person (their school): not role and district */
		c->people_audited = 1;
		log_add(c, r, record_key(r->subject + 7, "person", "", ""),
			j ? person_value(jstr(j, "role"), audit_json_get(j, "district", NULL)) : NULL);
		return 0;
	}
	if (strncmp(r->subject, "submission:", 11) != 0)
		return 0;
	const char *id = r->subject + 11;
	int score = strcmp(r->action, "score") == 0, fb = strcmp(r->action, "feedback") == 0,
	    decide = strcmp(r->action, "decide") == 0 || strcmp(r->action, "approve") == 0, /* the sign-off */
	    reopen = strcmp(r->action, "reopen") == 0; /* takes the decision away */
	if (reopen) {
		log_add(c, r, record_key(id, "decision", "", ""), NULL);
		return 0;
	}
	if (!score && !fb && !decide)
		return 0;
	struct audit_json *j = &c->json;
	if (!audit_json_load(j, r->after ? r->after : r->before ? r->before : "null"))
		return 0; /* an unreadable row: audit_verify names edited rows */
	const char *read = *jstr(j, "read") ? jstr(j, "read") : "first";
	if (score)
		log_add(c, r, record_key(id, "score", jstr(j, "criterion"), read),
			r->after ? mc_xstrdup(jstr(j, "level")) : NULL);
	else if (fb)
		log_add(c, r, record_key(id, "feedback", read, read), r->after ? text_sha(jstr(j, "text")) : NULL);
	else
		log_add(c, r, record_key(id, "decision", "", ""), r->after ? mc_xstrdup(jstr(j, "outcome")) : NULL);
	return 0;
}

static int audited_cmp(const void *a, const void *b)
{
	const struct audited *x = a, *y = b;
	int k = strcmp(x->key, y->key);
	return k ? k : (x->seq > y->seq) - (x->seq < y->seq);
}

static void audited_free(struct audited *a)
{
	free(a->key);
	free(a->value);
	free(a->actor);
	free(a->at);
}

/* Sort by key and keep only the newest record of each. */
static void log_compact(struct ck *c)
{
	if (c->nlog == 0)
		return;
	qsort(c->log, c->nlog, sizeof *c->log, audited_cmp);
	size_t w = 0;
	for (size_t i = 0; i < c->nlog; i++) {
		if (i + 1 < c->nlog && strcmp(c->log[i].key, c->log[i + 1].key) == 0) {
			audited_free(&c->log[i]);
			continue;
		}
		c->log[w++] = c->log[i];
	}
	c->nlog = w;
}

static struct audited *log_find(struct ck *c, const char *key)
{
	size_t lo = 0, hi = c->nlog;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int k = strcmp(key, c->log[mid].key);
		if (k == 0)
			return &c->log[mid];
		if (k < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* "score S-1 O2", "score S-1 O2 (second read)", "feedback on S-1", "decision on S-1" */
static char *record_name(const char *id, const char *kind, const char *key, const char *read)
{
	int first = strcmp(read, "first") == 0 || !*read;
	if (strcmp(kind, "score") == 0)
		return first ? mc_xasprintf("score %s %s", id, key)
			     : mc_xasprintf("score %s %s (%s read)", id, key, read);
	return first ? mc_xasprintf("%s on %s", kind, id) : mc_xasprintf("%s on %s (%s read)", kind, id, read);
}

/* shown: the record's value as a problem names it, or NULL for r->value in quotes. */
static void compare_record(struct ck *c, const struct store_check_record *r, const char *value,
			   const char *shown)
{
	char *key = record_key(r->submission, r->kind, r->key, r->read);
	struct audited *a = log_find(c, key);
	free(key);
	if (a)
		a->matched = 1;
	if (a ? a->value && strcmp(a->value, value) == 0 : c->demo)
		return; /* as the log says (most records): no name to make */
	char *name = record_name(r->submission, r->kind, r->key, r->read);
	char *quoted = shown ? NULL : mc_xasprintf("'%s'", r->value);
	if (!shown)
		shown = quoted;
	int is_fb = strcmp(r->kind, "feedback") == 0;
	if (a) {
		if (!a->value)
			problem(c, "%s is %s but the last audited change (by %s at %s) removed it: changed "
				   "outside mcassess", name, shown, a->actor, a->at);
		else if (strcmp(a->value, value) != 0 && is_fb)
			problem(c, "%s is not the text the last audited change (by %s at %s) wrote: changed "
				   "outside mcassess", name, a->actor, a->at);
		else if (strcmp(a->value, value) != 0)
			problem(c, "%s is '%s' but the last audited change (by %s at %s) made it '%s': changed "
				   "outside mcassess", name, value, a->actor, a->at, a->value);
	} else if (!c->demo) {
		problem(c, "%s is %s but no audited change ever made it: added outside mcassess", name, shown);
	}
	free(quoted);
	free(name);
}

static int group_begin(struct ck *c, const char *id);

static int record_one(void *ctx, const struct store_check_record *r)
{
	struct ck *c = ctx;
	advance(c, 1);
	if ((!c->group || strcmp(c->group, r->submission) != 0) && (c->rc = group_begin(c, r->submission)) != MC_OK)
		return 1;
	if (strcmp(r->kind, "status") == 0) {
		problem(c, "submission %s has status '%s' but no decision was recorded: changed outside mcassess",
			r->submission, r->status);
		return 0;
	}
	if (!r->consistent)
		problem(c, "score %s %s: its level '%s' is not one of that criterion's levels in the "
			   "submission's rubric", r->submission, r->key, r->value);
	if (strcmp(r->kind, "feedback") == 0) {
		char *sha = text_sha(r->value);
		compare_record(c, r, sha, "set");
		free(sha);
		return 0;
	}
	compare_record(c, r, r->value, NULL);
	if (strcmp(r->kind, "decision") == 0 && strcmp(r->value, r->status) != 0)
		problem(c, "submission %s was decided '%s' but its status is '%s'", r->submission, r->value,
			r->status);
	return 0;
}

static void report_removed(struct ck *c)
{
	for (size_t i = 0; i < c->nlog; i++) {
		struct audited *a = &c->log[i];
		if (a->matched || !a->value)
			continue;
		char *parts[4] = { 0 };
		char *dup = mc_xstrdup(a->key), *p = dup;
		for (int k = 0; k < 4 && p; k++) {
			parts[k] = p;
			p = strchr(p, '\037');
			if (p)
				*p++ = '\0';
		}
		char *name = record_name(parts[0], parts[1] ? parts[1] : "?", parts[2] ? parts[2] : "",
					 parts[3] ? parts[3] : "");
		if (strcmp(parts[1] ? parts[1] : "", "person") == 0)
			problem(c, "person %s was %s at the last audited change (by %s at %s) but is gone: "
				   "deleted outside mcassess", parts[0], a->value, a->actor, a->at);
		else if (strcmp(parts[1] ? parts[1] : "", "feedback") == 0)
			problem(c, "%s was set by the last audited change (by %s at %s) but is gone: deleted "
				   "outside mcassess", name, a->actor, a->at);
		else
			problem(c, "%s was '%s' at the last audited change (by %s at %s) but is gone: deleted "
				   "outside mcassess", name, a->value, a->actor, a->at);
		free(name);
		free(dup);
	}
}

/* Each person against the last audited change to them: a role or district set
 * with sqlite3 (say, an assessor making themselves admin) is named. */
static int check_people(struct ck *c, struct mc_error *err)
{
	struct person *list = NULL;
	int n = 0;
	int rc = people_list(c->s, &list, &n, err);
	for (int i = 0; rc == MC_OK && i < n; i++) {
		char *key = record_key(list[i].user, "person", "", "");
		char *now = person_value(people_role_name(list[i].role), list[i].district);
		struct audited *a = log_find(c, key);
		if (a) {
			a->matched = 1;
			if (!a->value)
				problem(c, "person %s is %s but the last audited change (by %s at %s) removed them: "
					   "changed outside mcassess", list[i].user, now, a->actor, a->at);
			else if (strcmp(a->value, now) != 0)
				problem(c, "person %s is %s but the last audited change (by %s at %s) made them "
					   "%s: changed outside mcassess", list[i].user, now, a->actor, a->at,
					a->value);
		} else if (!c->demo && c->people_audited) {
			problem(c, "person %s is %s but no audited change ever added them: added outside "
				   "mcassess", list[i].user, now);
		}
		free(key);
		free(now);
	}
	people_list_free(&list, n);
	return rc;
}

static void log_clear(struct ck *c)
{
	for (size_t i = 0; i < c->nlog; i++)
		audited_free(&c->log[i]);
	c->nlog = 0;
}

/* The log is read a submission at a time, along with the records (both in the order
 * of the submission ids): memory holds one submission's history, not the database's. */
#define SUBJECT_SUBMISSION "submission:"
#define SUBJECT_PERSON "person:"

/* The cursor to its next row; the row it leaves goes into the chain's sum
 * when the walk is the chain's too. */
static int cursor_next(struct ck *c)
{
	if (c->chain)
		audit_sum_row(c->chain, store_audit_cursor_row(c->cur));
	return store_audit_cursor_next(c->cur, c->err);
}

/* The rows of subjects before lo (NULL: all that are left), which only the chain reads. */
static int pass_before(struct ck *c, const char *lo)
{
	const struct audit_row *r;
	int rc = MC_OK;
	while (rc == MC_OK && (r = store_audit_cursor_row(c->cur)) && (!lo || strcmp(r->subject, lo) < 0))
		rc = cursor_next(c);
	return rc;
}

/* The cursor's row, when it is a submission's (the cursor may read every subject). */
static const struct audit_row *submission_row(struct ck *c)
{
	const struct audit_row *r = store_audit_cursor_row(c->cur);
	return r && strncmp(r->subject, SUBJECT_SUBMISSION, strlen(SUBJECT_SUBMISSION)) == 0 ? r : NULL;
}

/* The cursor's rows of its current subject into the log, newest of each record kept. */
static int take_subject(struct ck *c)
{
	const struct audit_row *r = store_audit_cursor_row(c->cur);
	char *subject = mc_xstrdup(r->subject);
	int rc = MC_OK;
	while (rc == MC_OK && (r = store_audit_cursor_row(c->cur)) && strcmp(r->subject, subject) == 0) {
		audit_one(c, r);
		rc = cursor_next(c);
	}
	free(subject);
	log_compact(c);
	return rc;
}

/* The history of submissions before `id` (NULL: all that are left) that have no
 * records at all: whatever it says exists is gone. */
static int drain_before(struct ck *c, const char *id)
{
	const struct audit_row *r;
	int rc = MC_OK;
	while (rc == MC_OK && (r = submission_row(c)) &&
	       (!id || strcmp(r->subject + strlen(SUBJECT_SUBMISSION), id) < 0)) {
		rc = take_subject(c);
		report_removed(c);
		log_clear(c);
	}
	return rc;
}

/* The records of submission `id` begin: the one before is done; this one's log is read. */
static int group_begin(struct ck *c, const char *id)
{
	report_removed(c);
	log_clear(c);
	int rc = drain_before(c, id);
	const struct audit_row *r = submission_row(c);
	if (rc == MC_OK && r && strcmp(r->subject + strlen(SUBJECT_SUBMISSION), id) == 0)
		rc = take_subject(c);
	free(c->group);
	c->group = mc_xstrdup(id);
	return rc;
}

/* Every person against their history (a few rows: read at once), the cursor
 * at their first. */
static int check_people_log(struct ck *c, struct mc_error *err)
{
	int rc = MC_OK;
	const struct audit_row *r;
	while (rc == MC_OK && (r = store_audit_cursor_row(c->cur)) &&
	       strncmp(r->subject, SUBJECT_PERSON, strlen(SUBJECT_PERSON)) == 0) {
		audit_one(c, r);
		rc = cursor_next(c);
	}
	log_compact(c);
	if (rc == MC_OK)
		rc = check_people(c, err);
	if (rc == MC_OK)
		report_removed(c);
	log_clear(c);
	return rc;
}

/* The people and the records against the log. chain: the walk reads every row
 * of the log (by subject), each into the chain's sum; NULL: only the people's
 * and the submissions'. */
static int check_records(struct ck *c, struct audit_sum *chain, struct mc_error *err)
{
	c->err = err;
	c->rc = MC_OK;
	c->chain = chain;
	int rc = store_audit_demo_ran(c->s, &c->demo, err);
	if (rc == MC_OK)
		rc = store_audit_cursor_open(c->s, chain ? "" : SUBJECT_PERSON, chain ? NULL : "person;", &c->cur, err);
	if (rc == MC_OK)
		rc = pass_before(c, SUBJECT_PERSON);
	if (rc == MC_OK)
		rc = check_people_log(c, err);
	if (rc == MC_OK && !chain) {
		store_audit_cursor_close(&c->cur);
		rc = store_audit_cursor_open(c->s, SUBJECT_SUBMISSION, "submission;", &c->cur, err);
	}
	if (rc == MC_OK)
		rc = pass_before(c, SUBJECT_SUBMISSION);
	if (rc == MC_OK)
		rc = store_check_record_each(c->s, record_one, c, err);
	if (rc == MC_OK)
		rc = c->rc;
	if (rc == MC_OK) {
		report_removed(c);
		log_clear(c);
		rc = drain_before(c, NULL);
	}
	if (rc == MC_OK)
		rc = pass_before(c, NULL); /* the subjects after the submissions': the chain's only */
	store_audit_cursor_close(&c->cur);
	c->chain = NULL;
	log_clear(c);
	free(c->log);
	free(c->group);
	c->log = NULL;
	c->group = NULL;
	c->nlog = c->caplog = 0;
	audit_json_free(&c->json);
	return rc;
}

/* ---------------------------------------------------------------- orphan evidence files */

struct orphans {
	struct store *s;
	struct mc_error *err;
	int rc;
	char **v;    /* names relative to the evidence directory */
	char **sha;  /* the content each is named after, or NULL */
	size_t n;
};

static int orphan_one(void *ctx, const char *rel, const char *sha256)
{
	struct orphans *o = ctx;
	int known = 0;
	if (sha256 && (o->rc = store_check_blob_known(o->s, sha256, &known, o->err)) != MC_OK)
		return 1;
	if (!known) {
		o->v = mc_xrealloc(o->v, (o->n + 1) * sizeof *o->v);
		o->sha = mc_xrealloc(o->sha, (o->n + 1) * sizeof *o->sha);
		o->v[o->n] = mc_xstrdup(rel);
		o->sha[o->n++] = sha256 ? mc_xstrdup(sha256) : NULL;
	}
	return 0;
}

static void orphans_free(struct orphans *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i]);
		free(o->sha[i]);
	}
	free(o->v);
	free(o->sha);
}

/* Holding the write lock: keep the candidates still there and still unused. */
static void orphans_confirm(struct orphans *o, const char *root)
{
	size_t kept = 0;
	for (size_t i = 0; i < o->n; i++) {
		char *path = mc_xasprintf("%s/%s", root, o->v[i]);
		struct stat sb;
		int there = lstat(path, &sb) == 0, known = 0;
		if (there && o->rc == MC_OK && o->sha[i])
			o->rc = store_check_blob_known(o->s, o->sha[i], &known, o->err);
		if (there && !known) {
			o->v[kept] = o->v[i];
			o->sha[kept++] = o->sha[i];
		} else {
			free(o->v[i]);
			free(o->sha[i]);
		}
		free(path);
	}
	o->n = kept;
}

/* Files in the evidence directory that no evidence item uses: what an import
 * killed before it finished leaves (a failing import removes its own). An
 * import stores files only while it holds the database's write lock: the
 * directory is read without it (writers go on), and what looks unused is
 * confirmed (and removed) holding it, so an import running meanwhile is never
 * taken for one that died. */
static int find_orphans(struct store *s, int remove, struct orphans *o, struct mc_error *err)
{
	memset(o, 0, sizeof *o);
	o->s = s;
	o->err = err;
	const char *root = store_evidence_dir(s);
	if (evstore_each(root, orphan_one, o) != 0 && o->rc == MC_OK)
		o->rc = mc_error_set(err, MC_FAIL, "reading the evidence directory %s: %s", root, strerror(errno));
	if (o->rc != MC_OK || o->n == 0)
		return o->rc;
	if ((o->rc = store_begin(s, err)) != MC_OK)
		return o->rc;
	orphans_confirm(o, root);
	for (size_t i = 0; o->rc == MC_OK && remove && i < o->n; i++)
		if (evstore_remove_rel(root, o->v[i]) != 0)
			o->rc = mc_error_set(err, MC_FAIL, "removing %s/%s: %s (%zu unused file%s removed before it)",
					     root, o->v[i], strerror(errno), i, i == 1 ? " was" : "s were");
	store_rollback(s);
	return o->rc;
}

static int check_orphans(struct ck *c, struct mc_error *err)
{
	struct orphans o;
	struct mc_error e2 = MC_ERROR_INIT;
	if (find_orphans(c->s, 0, &o, &e2) != MC_OK) { /* a note, not a problem: nothing is wrong */
		char *msg = mc_xasprintf("note: unused evidence files were not looked for: %s", mc_error_msg(&e2));
		c->report(c->ctx, msg);
		free(msg);
	} else if (o.n > 0) {
		struct mc_buf ex = MC_BUF_INIT;
		for (size_t i = 0; i < o.n && i < 3; i++)
			mc_buf_printf(&ex, "%s%s", i ? ", " : "", o.v[i]);
		problem(c, "evidence: %zu file%s in %s %s used by no evidence item (%s%s), left by an import "
			   "that was stopped before it finished; 'mcassess check --repair' removes them",
			o.n, o.n == 1 ? "" : "s", store_evidence_dir(c->s), o.n == 1 ? "is" : "are",
			mc_buf_str(&ex), o.n > 3 ? ", ..." : "");
		mc_buf_free(&ex);
	}
	mc_error_clear(&e2);
	orphans_free(&o);
	return MC_OK;
}

int check_repair(struct store *s, long *removed, struct mc_error *err)
{
	*removed = 0;
	int rc = people_require(s, ROLE_ADMIN, "remove unused evidence files", err);
	if (rc != MC_OK)
		return rc;
	struct orphans o;
	rc = find_orphans(s, 1, &o, err);
	if (rc == MC_OK)
		*removed = (long)o.n;
	orphans_free(&o);
	return rc;
}

/* ---------------------------------------------------------------- since the last clean check */

/* The marks (struct marks) in meta. */
#define MARK_EVIDENCE "check.clean_evidence_id"
#define MARK_AUDIT_SEQ "check.clean_audit_seq"
#define MARK_AUDIT_HASH "check.clean_audit_hash"
#define MARK_DAY_SEQ "check.clean_day_seq"
#define MARK_SUBMISSION_SEQ "check.clean_submission_seq"


/* A mark as a number (meta holds text); *have cleared when it is not there. */
static int mark_get(struct store *s, const char *key, long long *v, int *have, struct mc_error *err)
{
	char *t = NULL;
	int rc = store_meta_get(s, key, &t, err);
	*v = t ? atoll(t) : 0;
	if (!t)
		*have = 0;
	free(t);
	return rc;
}

static int marks_load(struct store *s, struct marks *m, struct mc_error *err)
{
	int have = 1;
	int rc = mark_get(s, MARK_EVIDENCE, &m->evidence, &have, err);
	if (rc == MC_OK)
		rc = mark_get(s, MARK_AUDIT_SEQ, &m->audit_seq, &have, err);
	if (rc == MC_OK)
		rc = mark_get(s, MARK_DAY_SEQ, &m->day_seq, &have, err);
	if (rc == MC_OK)
		rc = mark_get(s, MARK_SUBMISSION_SEQ, &m->submission_seq, &have, err);
	if (rc == MC_OK)
		rc = store_meta_get(s, MARK_AUDIT_HASH, &m->audit_hash, err);
	m->found = rc == MC_OK && have && m->audit_hash;
	return rc;
}

/* What this check saw, read inside its snapshot: the marks for the next one. */
static int marks_now(struct store *s, struct marks *m, struct mc_error *err)
{
	char *seq = NULL;
	int rc = store_check_evidence_max(s, &m->evidence, err);
	if (rc == MC_OK)
		rc = store_check_dirty_max(s, &m->day_seq, &m->submission_seq, err);
	if (rc == MC_OK)
		rc = store_meta_get(s, "audit_head_seq", &seq, err);
	if (rc == MC_OK)
		rc = store_meta_get(s, "audit_head_hash", &m->audit_hash, err);
	m->audit_seq = seq ? atoll(seq) : 0;
	m->found = rc == MC_OK;
	if (!m->audit_hash)
		m->audit_hash = mc_xstrdup("");
	free(seq);
	return rc;
}

static int mark_set(struct store *s, const char *key, long long v, struct mc_error *err)
{
	char t[32];
	snprintf(t, sizeof t, "%lld", v);
	return store_meta_set(s, key, t, err);
}

/* Recorded after a clean check. A database this user cannot write, or that
 * another process is writing at that moment (not waited for: the marks can be
 * done without), keeps the old marks: the next --since-last then checks a
 * little more, nothing less. 0: not recorded. */
static int marks_save(struct store *s, const struct marks *m)
{
	struct mc_error err = MC_ERROR_INIT;
	if (store_begin_nowait(s, &err) != MC_OK) {
		mc_error_clear(&err);
		return 0;
	}
	int rc = mark_set(s, MARK_EVIDENCE, m->evidence, &err);
	if (rc == MC_OK)
		rc = mark_set(s, MARK_AUDIT_SEQ, m->audit_seq, &err);
	if (rc == MC_OK)
		rc = mark_set(s, MARK_DAY_SEQ, m->day_seq, &err);
	if (rc == MC_OK)
		rc = mark_set(s, MARK_SUBMISSION_SEQ, m->submission_seq, &err);
	if (rc == MC_OK)
		rc = store_meta_set(s, MARK_AUDIT_HASH, m->audit_hash, &err);
	if (rc == MC_OK)
		rc = store_commit(s, &err);
	else
		store_rollback(s);
	mc_error_clear(&err);
	return rc == MC_OK;
}

/* ---------------------------------------------------------------- the whole */

static check_archive_fn archive_part; /* archive_attach sets it */

void check_set_archive_part(check_archive_fn fn)
{
	archive_part = fn;
}

/* The parts of a whole check that --since-last leaves out or narrows: every
 * report counter (it recounts those written since), records against the log and
 * the archive. */
static int run_whole_only(struct ck *c, unsigned what, struct mc_error *err)
{
	int rc = MC_OK;
	if (what & CHECK_COUNTS) { /* the report's counters against a recount: a whole pass */
		step(c, "checking the report counters");
		rc = check_report_counts(c, NULL, err);
	}
	if (rc == MC_OK && (what & CHECK_RECORDS)) {
		step(c, "checking scores and decisions");
		if (c->records_done) /* with the chain (chain_and_records) */
			held_out(c, &c->later, 1);
		else
			rc = check_records(c, NULL, err);
	}
	c->done = c->total - 1;
	if (rc == MC_OK && (what & CHECK_AUDIT))
		step(c, "checking the archive");
	if (rc == MC_OK && (what & CHECK_AUDIT)) { /* the archive against the database, when there is one */
		if (c->naltered > 1)
			qsort(c->altered, c->naltered, sizeof *c->altered, str_cmp);
		struct archive_known known = { (const char *const *)c->altered, c->naltered };
		if (archive_part)
			rc = archive_part(c->s, c->report, c->ctx, &c->problems,
					  (what & CHECK_EVIDENCE) ? &known : NULL, err);
	}
	return rc;
}

/* The whole check's one read of the audit log, by subject: the people and the
 * records against it (their problems held, reported in their turn after the
 * report counters') and the chain in any order (audit_sum). Only a chain that
 * is not whole is walked again, in seq order, for audit_verify's messages. */
static int chain_and_records(struct ck *c, struct mc_error *err)
{
	struct audit_sum sum;
	int rc = audit_sum_start(c->s, &sum, err);
	void (*report)(void *ctx, const char *problem) = c->report;
	void *ctx = c->ctx;
	c->report = hold_later;
	c->ctx = c;
	if (rc == MC_OK)
		rc = check_records(c, &sum, err);
	c->report = report;
	c->ctx = ctx;
	c->records_done = 1;
	if (rc == MC_OK && !audit_sum_holds(&sum))
		rc = audit_verify_from(c->s, 0, NULL, c->report, c->ctx, &c->problems, err);
	return rc;
}

/* Each part, whole or (since: the last clean check's marks) only what came after. */
static int run_parts(struct ck *c, unsigned what, const struct marks *since, const struct check_summary *sum,
		     struct mc_error *err)
{
	int rc = MC_OK;
	long long after = since ? since->evidence : -1;
	phase(c, "the triggers");
	if (what & CHECK_DATABASE)
		rc = check_triggers(c, err); /* whole: the integrity check runs beside */
	if (rc == MC_OK && (what & CHECK_EVIDENCE)) {
		step(c, "checking evidence");
		rc = store_check_evidence_after(c->s, after, evidence_one, c, err);
	}
	if (rc == MC_OK && (what & CHECK_EVIDENCE))
		rc = store_check_blob_after(c->s, after, blob_one, c, err);
	c->done = sum->evidence + sum->files;
	if (rc == MC_OK && (what & CHECK_AUDIT)) {
		step(c, "checking the audit chain");
		rc = !since && (what & CHECK_RECORDS)
			? chain_and_records(c, err)
			: audit_verify_from(c->s, since ? since->audit_seq : 0, since ? since->audit_hash : NULL,
					    c->report, c->ctx, &c->problems, err);
	}
	advance(c, sum->audit_rows);
	phase(c, "status counters");
	if (rc == MC_OK && (what & CHECK_COUNTS))
		rc = store_check_status_each(c->s, status_one, c, err);
	if (rc == MC_OK && (what & CHECK_COUNTS) && since) /* what was written after the mark */
		rc = check_report_counts(c, since, err);
	return rc == MC_OK && !since ? run_whole_only(c, what, err) : rc;
}

int check_run(struct store *s, unsigned what, void (*report)(void *ctx, const char *problem), void *ctx,
	      struct check_summary *sum, struct mc_error *err)
{
	struct ck c = { .s = s, .report = report, .ctx = ctx };
	struct marks last = { 0 }, now = { 0 };
	struct phase_clock clock = { 0 };
	const char *times = getenv("MCASSESS_CHECK_TIMES");
	if (times && strcmp(times, "1") == 0) {
		c.clock = &clock;
		phase(&c, "counting and marks");
	}
	memset(sum, 0, sizeof *sum);
	sum->since_audit_seq = -1;
	sum->marks_kept = -1;
	/* SQLite's memory bounded whatever the size (store_check_bound). */
	int rc = store_check_bound(s, 1, err);
	/* One snapshot for the whole walk, so an assessor saving meanwhile cannot
	 * make the parts disagree with each other. */
	if (rc == MC_OK)
		rc = store_begin_read(s, err);
	if (rc != MC_OK) {
		store_check_bound(s, 0, NULL);
		return rc;
	}
	rc = store_check_counts(s, &sum->submissions, &sum->evidence, &sum->files, &sum->scores,
				    &sum->feedback, &sum->decisions, &sum->audit_rows, err);
	/* SQLite's integrity check is one statement that says nothing until it is
	 * done (most of the time on a big database): it shows without a figure */
	long long records = sum->scores + sum->feedback + sum->decisions;
	c.total = sum->evidence + sum->files + sum->audit_rows + records + 1;
	if (rc == MC_OK && (what & CHECK_SINCE_LAST))
		rc = marks_load(s, &last, err);
	if (rc == MC_OK && last.found) {
		sum->since_audit_seq = last.audit_seq;
		sum->since_evidence_id = last.evidence;
	}
	if (rc == MC_OK)
		rc = marks_now(s, &now, err);
	struct store_check_side *side = NULL;
	phase(&c, "the integrity check, when alone (MCASSESS_CHECK_SERIAL=1)");
	if (rc == MC_OK && !last.found && (what & CHECK_DATABASE))
		rc = database_start(&c, &side, err);
	if (rc == MC_OK)
		rc = run_parts(&c, what, last.found ? &last : NULL, sum, err);
	if (side) {
		int rc2 = database_finish(&c, &side, rc != MC_OK, err);
		rc = rc == MC_OK ? rc2 : rc;
	}
	held_out(&c, &c.later, 0); /* held for a part a failure stopped before */
	for (size_t i = 0; i < c.naltered; i++)
		free(c.altered[i]);
	free(c.altered);
	store_end_read(s);
	store_check_bound(s, 0, NULL);
	phase(&c, "unused evidence files");
	if (rc == MC_OK && (what & CHECK_EVIDENCE) && !last.found)
		rc = check_orphans(&c, err);
	phase(&c, NULL);
	sum->problems = c.problems;
	sum->marks_kept = rc == MC_OK && c.problems == 0 && (what & CHECK_ALL) == CHECK_ALL ? marks_save(s, &now) : -1;
	free(last.audit_hash);
	free(now.audit_hash);
	return rc;
}

static void count(struct mc_buf *b, long n, const char *one, const char *many)
{
	mc_buf_printf(b, "%s%ld %s", b->len ? ", " : "", n, n == 1 ? one : many);
}

char *check_summary_text(const struct check_summary *sum)
{
	struct mc_buf b = MC_BUF_INIT;
	count(&b, sum->submissions, "submission", "submissions");
	count(&b, sum->evidence, "evidence item", "evidence items");
	mc_buf_printf(&b, " (%ld stored file%s)", sum->files, sum->files == 1 ? "" : "s");
	count(&b, sum->scores, "score", "scores");
	count(&b, sum->feedback, "feedback", "feedback");
	count(&b, sum->decisions, "decision", "decisions");
	count(&b, sum->audit_rows, "audit row", "audit rows");
	return mc_buf_steal(&b);
}
