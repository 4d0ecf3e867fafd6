/* report.c: the reports of report.h, computed from one pass of store_report.c
 * each. Who sees what is decided once, in report_scope_for, at the top. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcassess/assign.h"
#include "mcassess/audit.h"
#include "mcassess/people.h"
#include "mcassess/suggest.h"
#include "mcassess/report.h"
#include "mcassess/store.h"
#include "mcassess/store_people.h"
#include "mcassess/util.h"

#define DEFAULT_DUE_DAYS ASSIGN_DUE_DAYS_DEFAULT /* one setting with assign: config due-days */
#define DAY 86400.0

/* ---------------------------------------------------------------- who sees what */
static int date_ok(const char *d)
{
	int y, m, dd;
	char extra;
	return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &extra) == 3 && m >= 1 &&
	       m <= 12 && dd >= 1 && dd <= 31 && d[4] == '-' && d[7] == '-';
}

static int scope_dates(struct store *s, const struct report_request *rq, struct report_scope *sc,
		       struct mc_error *err)
{
	const char *names[2] = { "--since", "--until" }, *vals[2] = { rq->since, rq->until };
	for (int i = 0; i < 2; i++)
		if (vals[i] && !date_ok(vals[i]))
			return mc_error_set(err, MC_USAGE, "report: %s '%s' is not a date; write it as "
					    "YYYY-MM-DD, e.g. 2026-01-31", names[i], vals[i]);
	if (rq->since && rq->until && strcmp(rq->since, rq->until) > 0)
		return mc_error_set(err, MC_USAGE, "report: --since %s comes after --until %s", rq->since,
				    rq->until);
	sc->since = rq->since ? mc_xstrdup(rq->since) : NULL;
	sc->until = rq->until ? mc_xstrdup(rq->until) : NULL;
	if (rq->until)
		snprintf(sc->as_of, sizeof sc->as_of, "%sT23:59:59Z", rq->until);
	else
		mc_now(sc->as_of);
	char *due = NULL;
	int rc = store_meta_get(s, "due_days", &due, err);
	sc->due_days = due && atoi(due) > 0 ? atoi(due) : DEFAULT_DUE_DAYS;
	free(due);
	return rc;
}

int report_scope_for(struct store *s, const char *viewer, const struct report_request *rq,
		     struct report_scope *sc, struct mc_error *err)
{
	memset(sc, 0, sizeof *sc);
	struct person p = { 0 };
	int found = 0;
	int rc = store_people_get(s, viewer, &p, &found, err);
	if (rc != MC_OK)
		return rc;
	if (!found || p.role == ROLE_NONE) {
		people_free(&p);
		return mc_error_set(err, MC_FAIL, "you (%s) have no role in this database, so there are no "
				    "figures to show you; ask an admin to run 'mcassess people add %s "
				    "--role ROLE'", viewer, viewer);
	}
	/* --district as typed: a name that is none is an error, not a report of zeros */
	const char *asked = rq->district;
	char *named = NULL;
	rc = suggest_district(s, &asked, &named, err);
	if (rc == MC_OK && p.role == ROLE_COORDINATOR && p.district && asked && strcmp(asked, p.district) != 0)
		rc = mc_error_set(err, MC_FAIL, "you (%s) coordinate %s: the figures of %s are not yours "
				  "to see", viewer, p.district, asked);
	else if (rc == MC_OK && p.role == ROLE_ASSESSOR)
		sc->assessor = mc_xstrdup(viewer);
	if (rc == MC_OK && p.role == ROLE_COORDINATOR && p.district)
		sc->district = mc_xstrdup(p.district);
	else if (rc == MC_OK && asked)
		sc->district = mc_xstrdup(asked);
	free(named);
	people_free(&p);
	if (rc == MC_OK)
		rc = scope_dates(s, rq, sc, err);
	if (rc != MC_OK)
		report_scope_free(sc);
	return rc;
}

void report_scope_free(struct report_scope *sc)
{
	free(sc->district);
	free(sc->assessor);
	free(sc->since);
	free(sc->until);
	memset(sc, 0, sizeof *sc);
}

/* ---------------------------------------------------------------- progress */
static void counts_add(struct report_counts *to, const struct report_counts *c)
{
	to->earned += c->earned;
	to->in_process += c->in_process;
	to->resubmit += c->resubmit;
	to->incomplete += c->incomplete;
	to->withdrawn += c->withdrawn;
	to->first_decided += c->first_decided;
	to->first_earned += c->first_earned;
	to->attempts_sum += c->attempts_sum;
}

double report_first_pass_rate(const struct report_counts *c)
{
	return c->first_decided ? (double)c->first_earned / c->first_decided : NAN;
}

double report_attempts_to_earn(const struct report_counts *c)
{
	return c->earned ? (double)c->attempts_sum / c->earned : NAN;
}

static struct report_progress_row *progress_push(struct report_progress *p, enum report_level level,
						 const char *pathway, const char *title)
{
	p->rows = mc_xrealloc(p->rows, sizeof *p->rows * (size_t)(p->n + 1));
	struct report_progress_row *r = &p->rows[p->n++];
	memset(r, 0, sizeof *r);
	r->level = level;
	r->pathway = mc_xstrdup(pathway);
	r->title = mc_xstrdup(title ? title : "");
	return r;
}

static int on_catalog(void *ctx, const char *pathway, const char *ptitle, long goal, const char *credential,
		      const char *ctitle)
{
	struct report_progress *p = ctx;
	if (p->n == 0 || strcmp(p->rows[p->n - 1].pathway, pathway) != 0 || !credential) {
		int seen = 0;
		for (int i = 0; i < p->n; i++)
			seen |= p->rows[i].level == REPORT_PATHWAY && strcmp(p->rows[i].pathway, pathway) == 0;
		if (!seen) {
			progress_push(p, REPORT_PATHWAY, pathway, ptitle)->goal = goal;
			p->goal_total += goal;
		}
	}
	if (credential)
		progress_push(p, REPORT_CREDENTIAL, pathway, ctitle)->credential = mc_xstrdup(credential);
	return MC_OK;
}

static struct report_progress_row *progress_find(struct report_progress *p, enum report_level level,
						 const char *pathway, const char *key)
{
	for (int i = 0; i < p->n; i++) {
		struct report_progress_row *r = &p->rows[i];
		const char *k = level == REPORT_CREDENTIAL ? r->credential : r->district;
		if (r->level == level && strcmp(r->pathway, pathway) == 0 && (!key || (k && strcmp(k, key) == 0)))
			return r;
	}
	return NULL;
}

static int on_progress(void *ctx, const char *pathway, const char *credential, const char *district,
		       const struct report_counts *c)
{
	struct report_progress *p = ctx;
	struct report_progress_row *r;
	if ((r = progress_find(p, REPORT_PATHWAY, pathway, NULL)))
		counts_add(&r->c, c);
	if ((r = progress_find(p, REPORT_CREDENTIAL, pathway, credential)))
		counts_add(&r->c, c);
	if (!(r = progress_find(p, REPORT_DISTRICT, pathway, district))) {
		r = progress_push(p, REPORT_DISTRICT, pathway, "");
		r->district = mc_xstrdup(district);
	}
	counts_add(&r->c, c);
	counts_add(&p->total, c);
	return MC_OK;
}

static int cmp_district_rows(const void *a, const void *b)
{
	const struct report_progress_row *x = a, *y = b;
	int d = strcmp(x->district, y->district);
	return d ? d : strcmp(x->pathway, y->pathway);
}

int report_progress(struct store *s, const struct report_scope *sc, struct report_progress *out,
		    struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = store_begin_read(s, err);
	if (rc != MC_OK)
		return rc;
	rc = store_report_catalog(s, on_catalog, out, err);
	int ncat = out->n;
	if (rc == MC_OK)
		rc = store_report_progress(s, sc, on_progress, out, err);
	char *total = NULL;
	if (rc == MC_OK)
		rc = store_meta_get(s, "goal_total", &total, err);
	if (total && atol(total) > 0)
		out->goal_total = atol(total);
	free(total);
	store_end_read(s);
	if (rc == MC_OK)
		qsort(out->rows + ncat, (size_t)(out->n - ncat), sizeof *out->rows, cmp_district_rows);
	else
		report_progress_free(out);
	return rc;
}

void report_progress_free(struct report_progress *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->rows[i].pathway);
		free(p->rows[i].title);
		free(p->rows[i].credential);
		free(p->rows[i].district);
	}
	free(p->rows);
	memset(p, 0, sizeof *p);
}

/* The program's overall goal lives in meta 'goal_total' (0: the pathways' sum). */
static int goal_total_set(struct store *s, long goal, long *before, int *found, struct mc_error *err)
{
	char *v = NULL, buf[32];
	int rc = store_meta_get(s, "goal_total", &v, err);
	*before = v ? atol(v) : 0;
	*found = 1;
	free(v);
	snprintf(buf, sizeof buf, "%ld", goal);
	return rc == MC_OK && *before != goal ? store_meta_set(s, "goal_total", buf, err) : rc;
}

int report_goal_set(struct store *s, const char *pathway, long goal, long *before, struct mc_error *err)
{
	int found = 0;
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = people_require(s, ROLE_ADMIN, "set a pathway's goal", err);
	if (rc == MC_OK && strcmp(pathway, "total") == 0)
		rc = goal_total_set(s, goal, before, &found, err);
	else if (rc == MC_OK)
		rc = store_report_goal(s, pathway, goal, before, &found, err);
	if (rc == MC_OK && !found)
		rc = mc_error_set(err, MC_INVALID, "config goal: there is no pathway '%s' in the catalog "
				  "(see 'mcassess catalog list'); nothing was changed", pathway);
	if (rc == MC_OK && *before != goal) {
		char subject[256], b[64], a[64];
		if (strcmp(pathway, "total") == 0)
			snprintf(subject, sizeof subject, "setting:goal_total");
		else
			snprintf(subject, sizeof subject, "pathway:%s", pathway);
		snprintf(b, sizeof b, "{\"goal\":%ld}", *before);
		snprintf(a, sizeof a, "{\"goal\":%ld}", goal);
		rc = audit_append(s, "config", subject, b, a, err);
	}
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK)
		store_rollback(s);
	return rc;
}

/* ---------------------------------------------------------------- turnaround */
/* Durations are kept in whole seconds: dividing by DAY keeps their order, so
 * the k-th in seconds, divided, is the k-th in days, the same double the sort
 * of days gave. */
struct series {
	long long *v;
	long n, cap;
};

static void series_add(struct series *s, long long secs)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = mc_xrealloc(s->v, sizeof *s->v * (size_t)s->cap);
	}
	s->v[s->n++] = secs;
}

/* Moves the k-th smallest of v[0..n) to v[k], the smaller before it and the
 * larger after (three-way partition: many equal durations cost nothing). */
static void series_select(long long *v, long n, long k)
{
	long lo = 0, hi = n - 1;
	while (lo < hi) {
		long long a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
		long long p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		long lt = lo, i = lo, gt = hi;
		while (i <= gt) {
			long long x = v[i];
			if (x < p) {
				v[i++] = v[lt];
				v[lt++] = x;
			} else if (x > p) {
				v[i] = v[gt];
				v[gt--] = x;
			} else
				i++;
		}
		if (k < lt)
			hi = lt - 1;
		else if (k > gt)
			lo = gt + 1;
		else
			return;
	}
}

/* stats_quantile's ranks: h, where the q-th quantile of n values falls, and
 * the rank below it (lo; lo + 1 the one above, when there is one). */
static double quantile_rank(long long n, double q, long long *lo)
{
	double h = (n - 1) * q;
	*lo = (long long)floor(h);
	if (*lo + 1 >= n)
		*lo = n - 1;
	return h;
}

/* The value between the lo-th (x) and the next (NULL: none), in days. */
static double quantile_value(long long x, const long long *next, double h, long long lo)
{
	double d = x / DAY;
	return next ? d + (h - lo) * (*next / DAY - d) : d;
}

/* stats_quantile's value (linear between the two nearest ranks) in days,
 * from the two ranks selected rather than the whole series sorted. */
static double series_quantile(struct series *s, double q)
{
	if (s->n <= 0)
		return NAN;
	long long lo;
	double h = quantile_rank(s->n, q, &lo);
	series_select(s->v, s->n, (long)lo);
	if (lo + 1 >= s->n)
		return quantile_value(s->v[lo], NULL, h, lo);
	long long next = s->v[lo + 1];
	for (long i = (long)lo + 2; i < s->n; i++)
		if (s->v[i] < next)
			next = s->v[i];
	return quantile_value(s->v[lo], &next, h, lo);
}

/* A series as counts by bucket (migration 22): upto[i] the bucket's largest
 * possible value, in order; n[i] how many values it holds. */
struct hist {
	long long *upto, *n, total;
	int len, cap;
};

static void hist_add(struct hist *h, long long upto, long long n)
{
	if (h->len > 0 && h->upto[h->len - 1] == upto) {
		h->n[h->len - 1] += n;
	} else {
		if (h->len == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 32;
			h->upto = mc_xrealloc(h->upto, sizeof *h->upto * (size_t)h->cap);
			h->n = mc_xrealloc(h->n, sizeof *h->n * (size_t)h->cap);
		}
		h->upto[h->len] = upto;
		h->n[h->len++] = n;
	}
	h->total += n;
}

static void hist_free(struct hist *h)
{
	free(h->upto);
	free(h->n);
	memset(h, 0, sizeof *h);
}

struct tgroup {
	char *pathway, *district;
	struct series decide, read;
	struct hist hdecide, hread; /* from the counts instead of decide and read */
	long within;
};

struct tctx {
	struct tgroup *g;
	int n;
	time_t as_of;
	int due_days;
	long backlog[REPORT_AGE_BUCKETS];
	long long open, odd; /* from the counts */
};

const char *const report_age_buckets[REPORT_AGE_BUCKETS] = { "under 7 days", "7-13 days", "14-29 days",
							       "30 days or more" };

/* The group's index (an index, not a pointer: adding a group moves them all). */
static int tgroup_get(struct tctx *t, const char *pathway, const char *district)
{
	for (int i = 0; i < t->n; i++)
		if (!t->g[i].pathway == !pathway && !t->g[i].district == !district &&
		    (!pathway || strcmp(t->g[i].pathway, pathway) == 0) &&
		    (!district || strcmp(t->g[i].district, district) == 0))
			return i;
	t->g = mc_xrealloc(t->g, sizeof *t->g * (size_t)(t->n + 1));
	struct tgroup *g = &t->g[t->n++];
	memset(g, 0, sizeof *g);
	g->pathway = pathway ? mc_xstrdup(pathway) : NULL;
	g->district = district ? mc_xstrdup(district) : NULL;
	return t->n - 1;
}

static int is_open(const char *status)
{
	return strcmp(status, "queued") == 0 || strcmp(status, "in_progress") == 0 ||
	       strcmp(status, "awaiting_approval") == 0;
}

static int on_times(void *ctx, const char *pathway, const char *district, const char *status,
		    const char *submitted, const char *assigned, const char *decided)
{
	struct tctx *t = ctx;
	time_t sub = 0, as = 0, dec = 0;
	if (!submitted || mc_time_parse(submitted, &sub) != 0)
		return MC_OK;
	if (!decided || mc_time_parse(decided, &dec) != 0) {
		if (is_open(status)) {
			double age = (t->as_of - sub) / DAY;
			t->backlog[age < 7 ? 0 : age < 14 ? 1 : age < 30 ? 2 : 3]++;
		}
		return MC_OK;
	}
	double days = (dec - sub) / DAY;
	long long read = -1;
	if (assigned && mc_time_parse(assigned, &as) == 0 && dec >= as)
		read = (long long)(dec - as);
	int gs[3] = { tgroup_get(t, NULL, NULL), tgroup_get(t, pathway, NULL), tgroup_get(t, NULL, district) };
	for (int i = 0; i < 3; i++) {
		struct tgroup *g = &t->g[gs[i]];
		series_add(&g->decide, (long long)(dec - sub));
		if (read >= 0)
			series_add(&g->read, read);
		g->within += days <= t->due_days;
	}
	return MC_OK;
}

static int tgroup_order(const struct tgroup *g) { return g->pathway ? 1 : g->district ? 2 : 0; }

static int cmp_tgroups(const void *a, const void *b)
{
	const struct tgroup *x = a, *y = b;
	int d = tgroup_order(x) - tgroup_order(y);
	if (d)
		return d;
	return x->pathway ? strcmp(x->pathway, y->pathway) : x->district ? strcmp(x->district, y->district) : 0;
}

static void tgroup_row(struct tgroup *g, struct report_turnaround_row *r)
{
	r->pathway = g->pathway;
	r->district = g->district;
	r->decided = g->decide.n;
	r->decide_median = series_quantile(&g->decide, 0.5);
	r->decide_p90 = series_quantile(&g->decide, 0.9);
	r->read_n = g->read.n;
	r->read_median = series_quantile(&g->read, 0.5);
	r->read_p90 = series_quantile(&g->read, 0.9);
	r->within_due = g->within;
	free(g->decide.v);
	free(g->read.v);
}

/* ---------------------------------------------------------------- turnaround from its counts
 * (migration 22): the groups' durations as counts by bucket (a quarter of a day); a
 * quantile walks them to the bucket of its rank and reads that bucket's
 * durations alone; the backlog by age counts the open submissions of the
 * days after each age's limit. */
static int on_turn_count(void *ctx, const char *kind, const char *pathway, const char *district, long long upto,
			 long long n)
{
	struct tctx *t = ctx;
	if (strcmp(kind, "open") == 0)
		t->open += n;
	else if (strcmp(kind, "odd") == 0)
		t->odd += n;
	if (strcmp(kind, "decide") != 0 && strcmp(kind, "read") != 0)
		return MC_OK;
	int gs[3] = { tgroup_get(t, NULL, NULL), tgroup_get(t, pathway, NULL), tgroup_get(t, NULL, district) };
	for (int i = 0; i < 3; i++) {
		struct tgroup *g = &t->g[gs[i]];
		hist_add(*kind == 'd' ? &g->hdecide : &g->hread, upto, n);
		if (*kind == 'd' && upto <= (long long)t->due_days * (long long)DAY)
			g->within += (long)n;
	}
	return MC_OK;
}

static int hist_quantile(struct store *s, const struct report_scope *sc, const char *kind, const struct tgroup *g,
			 double q, double *out, struct mc_error *err)
{
	const struct hist *h = *kind == 'd' ? &g->hdecide : &g->hread;
	*out = NAN;
	if (h->total <= 0)
		return MC_OK;
	long long lo, before = 0, v[2];
	double rank = quantile_rank(h->total, q, &lo);
	int i = 0, got = 0;
	while (i + 1 < h->len && before + h->n[i] <= lo)
		before += h->n[i++];
	/* the next rank is in this bucket or the next one */
	int j = i + 1 < h->len && before + h->n[i] <= lo + 1 ? i + 1 : i;
	int rc = store_report_turn_nth(s, sc, kind, g->pathway, g->district, i > 0 ? h->upto[i - 1] : LLONG_MIN,
				       h->upto[j], lo - before, v, &got, err);
	if (rc == MC_OK && got < (lo + 1 < h->total ? 2 : 1))
		return mc_error_set(err, MC_FAIL, "turnaround: the kept counts and times disagree (changed outside "
				    "mcassess); 'mcassess check' names them, 'report turnaround --recount' reads "
				    "every submission");
	if (rc == MC_OK)
		*out = quantile_value(v[0], lo + 1 < h->total ? &v[1] : NULL, rank, lo);
	return rc;
}

static int tgroup_kept_row(struct store *s, const struct report_scope *sc, struct tgroup *g,
			   struct report_turnaround_row *r, struct mc_error *err)
{
	r->decided = (long)g->hdecide.total;
	r->read_n = (long)g->hread.total;
	r->within_due = g->within;
	int rc = hist_quantile(s, sc, "decide", g, 0.5, &r->decide_median, err);
	if (rc == MC_OK)
		rc = hist_quantile(s, sc, "decide", g, 0.9, &r->decide_p90, err);
	if (rc == MC_OK)
		rc = hist_quantile(s, sc, "read", g, 0.5, &r->read_median, err);
	if (rc == MC_OK)
		rc = hist_quantile(s, sc, "read", g, 0.9, &r->read_p90, err);
	return rc;
}

/* Open submissions under 7, 14 and 30 days old: those submitted after as_of
 * less that many days; the rest are older. */
static int kept_backlog(struct store *s, const struct report_scope *sc, struct tctx *t, struct mc_error *err)
{
	static const int limits[REPORT_AGE_BUCKETS - 1] = { 7, 14, 30 };
	long long newer[REPORT_AGE_BUCKETS] = { 0 };
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < REPORT_AGE_BUCKETS - 1; i++)
		rc = store_report_turn_newer(s, sc, (long long)t->as_of - limits[i] * (long long)DAY, &newer[i + 1],
					     err);
	for (int i = 0; i < REPORT_AGE_BUCKETS; i++)
		t->backlog[i] = (long)((i < REPORT_AGE_BUCKETS - 1 ? newer[i + 1] : t->open) - newer[i]);
	return rc;
}

static void tgroups_free(struct tctx *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->g[i].pathway);
		free(t->g[i].district);
		hist_free(&t->g[i].hdecide);
		hist_free(&t->g[i].hread);
	}
	free(t->g);
	t->g = NULL;
	t->n = 0;
}

/* The report from the counts, or *kept 0 when they cannot answer it (an
 * assessor's own, a recount, odd times in scope). */
static int turnaround_kept(struct store *s, const struct report_scope *sc, struct tctx *t,
			   struct report_turnaround *out, int *kept, struct mc_error *err)
{
	*kept = 0;
	if (sc->recount || sc->assessor)
		return MC_OK;
	int rc = store_report_turn_counts(s, sc, on_turn_count, t, err);
	if (rc != MC_OK || t->odd > 0) {
		tgroups_free(t);
		return rc;
	}
	*kept = 1;
	if (t->n == 0)
		tgroup_get(t, NULL, NULL);
	qsort(t->g, (size_t)t->n, sizeof *t->g, cmp_tgroups);
	out->rows = mc_xrealloc(NULL, sizeof *out->rows * (size_t)t->n);
	for (int i = 0; i < t->n; i++) /* the rows own the names from here */
		out->rows[i] = (struct report_turnaround_row){ .pathway = t->g[i].pathway,
							       .district = t->g[i].district };
	out->n = t->n;
	for (int i = 0; rc == MC_OK && i < t->n; i++)
		rc = tgroup_kept_row(s, sc, &t->g[i], &out->rows[i], err);
	for (int i = 0; i < t->n; i++)
		t->g[i].pathway = t->g[i].district = NULL;
	tgroups_free(t);
	return rc == MC_OK ? kept_backlog(s, sc, t, err) : rc;
}

int report_turnaround(struct store *s, const struct report_scope *sc, struct report_turnaround *out,
		      struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct tctx t = { .due_days = sc->due_days };
	mc_time_parse(sc->as_of, &t.as_of);
	int kept = 0;
	int rc = store_begin_read(s, err);
	if (rc == MC_OK) {
		rc = turnaround_kept(s, sc, &t, out, &kept, err);
		if (rc == MC_OK && !kept)
			rc = store_report_times(s, sc, on_times, &t, err);
		store_end_read(s);
	}
	if (kept) {
		memcpy(out->backlog, t.backlog, sizeof t.backlog);
		if (rc != MC_OK)
			report_turnaround_free(out);
		return rc;
	}
	if (t.n == 0)
		tgroup_get(&t, NULL, NULL);
	qsort(t.g, (size_t)t.n, sizeof *t.g, cmp_tgroups);
	out->rows = mc_xrealloc(NULL, sizeof *out->rows * (size_t)t.n);
	out->n = t.n;
	for (int i = 0; i < t.n; i++)
		tgroup_row(&t.g[i], &out->rows[i]);
	memcpy(out->backlog, t.backlog, sizeof t.backlog);
	free(t.g);
	if (rc != MC_OK)
		report_turnaround_free(out);
	return rc;
}

void report_turnaround_free(struct report_turnaround *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->rows[i].pathway);
		free(t->rows[i].district);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- agreement */
struct tally {
	char *what, *key;
	int k; /* the most levels of the criteria counted in it */
	struct stats_table t; /* STATS_MAX_LEVELS wide until shrink_all */
};

struct actx {
	struct tally *v;
	int n;
	size_t cap; /* v's room: a tally is 2 KiB, so it doubles (mc_xgrow) */
	int hint[4]; /* the last tallies found: pairs come sorted, so most lookups hit one */
	unsigned next;
};

static int tally_is(const struct tally *t, const char *what, const char *key)
{
	return strcmp(t->key, key) == 0 && strcmp(t->what, what) == 0;
}

static struct tally *tally_find(struct actx *a, const char *what, const char *key)
{
	for (int h = 0; h < 4; h++)
		if (a->hint[h] < a->n && tally_is(&a->v[a->hint[h]], what, key))
			return &a->v[a->hint[h]];
	for (int i = 0; i < a->n; i++)
		if (tally_is(&a->v[i], what, key)) {
			a->hint[a->next++ % 4] = i;
			return &a->v[i];
		}
	a->v = mc_xgrow(a->v, &a->cap, (size_t)a->n + 1, sizeof *a->v);
	struct tally *t = &a->v[a->n++];
	t->what = mc_xstrdup(what);
	t->key = mc_xstrdup(key);
	t->k = 2;
	stats_table_init(&t->t, STATS_MAX_LEVELS);
	a->hint[a->next++ % 4] = a->n - 1;
	return t;
}

/* The tally of (what, key), which now counts a criterion of k levels: an
 * assessor's table has as many levels as the most any of their criteria
 * offers (levels are ordinal and 0 is the lowest in every rubric), so that
 * the order the pairs come in does not change it. */
static struct tally *tally_get(struct actx *a, const char *what, const char *key, int k)
{
	struct tally *t = tally_find(a, what, key);
	if (k > t->k)
		t->k = k > STATS_MAX_LEVELS ? STATS_MAX_LEVELS : k;
	return t;
}

/* Every pair counts in its own row (criterion or assessor) and in "all". */
static int on_pair(void *ctx, const char *what, const char *criterion, const char *assessor, int a, int b,
		   int k, long n)
{
	struct actx *x = ctx;
	stats_table_add_n(&tally_get(x, what, strcmp(what, "first-second") == 0 ? criterion : assessor, k)->t, a, b,
			  n);
	stats_table_add_n(&tally_get(x, what, "all", k)->t, a, b, n);
	return MC_OK;
}

/* Shrink every table to the levels counted in it, so AC1's chance term counts
 * the rubric's levels and not STATS_MAX_LEVELS (a pair beyond them is left out). */
static void shrink_all(struct actx *x)
{
	for (int i = 0; i < x->n; i++) {
		struct tally *v = &x->v[i];
		struct stats_table t;
		stats_table_init(&t, v->k);
		for (int a = 0; a < t.k; a++)
			for (int b = 0; b < t.k; b++)
				t.counts[a * t.k + b] = v->t.counts[a * STATS_MAX_LEVELS + b];
		v->t = t;
	}
}

static int cmp_tallies(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	int d = strcmp(y->what, x->what); /* first-second before assessor-final */
	if (d)
		return d;
	d = (strcmp(y->key, "all") == 0) - (strcmp(x->key, "all") == 0);
	return d ? d : strcmp(x->key, y->key);
}

static int agreement_tallies(struct store *s, const struct report_scope *sc, struct actx *x,
			     struct mc_error *err)
{
	memset(x, 0, sizeof *x);
	tally_get(x, "first-second", "all", 2);
	tally_get(x, "assessor-final", "all", 2);
	int rc = store_begin_read(s, err);
	if (rc == MC_OK) {
		rc = store_report_pairs(s, sc, on_pair, x, err);
		store_end_read(s);
	}
	shrink_all(x);
	qsort(x->v, (size_t)x->n, sizeof *x->v, cmp_tallies);
	return rc;
}

int report_agreement(struct store *s, const struct report_scope *sc, struct report_agreement *out,
		     struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct actx x;
	int rc = agreement_tallies(s, sc, &x, err);
	out->rows = mc_xrealloc(NULL, sizeof *out->rows * (size_t)x.n);
	out->n = x.n;
	for (int i = 0; i < x.n; i++) {
		out->rows[i].what = x.v[i].what;
		out->rows[i].key = x.v[i].key;
		stats_agreement(&x.v[i].t, &out->rows[i].a);
	}
	free(x.v);
	if (rc != MC_OK)
		report_agreement_free(out);
	return rc;
}

void report_agreement_free(struct report_agreement *a)
{
	for (int i = 0; i < a->n; i++) {
		free(a->rows[i].what);
		free(a->rows[i].key);
	}
	free(a->rows);
	memset(a, 0, sizeof *a);
}

/* ---------------------------------------------------------------- assessors */
struct sctx {
	struct report_assessors *out;
	time_t as_of, first, last;
	int due_days;
};

static struct report_assessor_row *assessor_get(struct report_assessors *a, const char *who)
{
	if (a->n && strcmp(a->rows[a->n - 1].assessor, who) == 0)
		return &a->rows[a->n - 1];
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->rows[i].assessor, who) == 0)
			return &a->rows[i];
	a->rows = mc_xrealloc(a->rows, sizeof *a->rows * (size_t)(a->n + 1));
	struct report_assessor_row *r = &a->rows[a->n++];
	memset(r, 0, sizeof *r);
	r->assessor = mc_xstrdup(who);
	struct stats_table empty;
	stats_table_init(&empty, 2);
	stats_agreement(&empty, &r->final);
	return r;
}

/* The period runs from the first decision in scope to the last. */
static int span_add(struct sctx *x, const char *decided)
{
	time_t dec = 0;
	if (!decided || mc_time_parse(decided, &dec) != 0)
		return 0;
	if (!x->first || dec < x->first)
		x->first = dec;
	if (dec > x->last)
		x->last = dec;
	return 1;
}

static int on_assignment(void *ctx, const char *assessor, const char *assigned, const char *status,
			 const char *decided)
{
	struct sctx *x = ctx;
	struct report_assessor_row *r = assessor_get(x->out, assessor);
	time_t at = 0;
	if (span_add(x, decided)) {
		r->done++;
	} else if (is_open(status)) {
		r->open++;
		if (assigned && mc_time_parse(assigned, &at) == 0 && (x->as_of - at) / DAY > x->due_days)
			r->overdue++;
	}
	return MC_OK;
}

/* One assessor's counts (from the counts kept by triggers), the same sums
 * on_assignment makes one assignment at a time. */
static int on_assessor_count(void *ctx, const struct report_assessor_count *c)
{
	struct sctx *x = ctx;
	struct report_assessor_row *r = assessor_get(x->out, c->assessor);
	r->done += c->done;
	r->open += c->open;
	r->overdue += c->overdue;
	span_add(x, c->first_done);
	span_add(x, c->last_done);
	return MC_OK;
}

/* The recount one assignment at a time; else the counts (an assessor's own too). */
static int assessors_work(struct store *s, const struct report_scope *sc, struct sctx *x, struct mc_error *err)
{
	if (sc->recount)
		return store_report_assignments(s, sc, on_assignment, x, err);
	long long before = (long long)x->as_of - (long long)x->due_days * 86400;
	return store_report_assessor_counts(s, sc, before, on_assessor_count, x, err);
}

int report_assessors(struct store *s, const struct report_scope *sc, struct report_assessors *out,
		     struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct sctx x = { .out = out, .due_days = sc->due_days };
	mc_time_parse(sc->as_of, &x.as_of);
	int rc = store_begin_read(s, err);
	if (rc == MC_OK) {
		rc = assessors_work(s, sc, &x, err);
		store_end_read(s);
	}
	struct actx t = { 0 };
	if (rc == MC_OK)
		rc = agreement_tallies(s, sc, &t, err);
	for (int i = 0; i < t.n; i++) {
		/* an assessor's scope holds pairs with other readers: only their own row */
		if (strcmp(t.v[i].what, "assessor-final") == 0 && strcmp(t.v[i].key, "all") != 0 &&
		    (!sc->assessor || strcmp(sc->assessor, t.v[i].key) == 0))
			stats_agreement(&t.v[i].t, &assessor_get(out, t.v[i].key)->final);
		free(t.v[i].what);
		free(t.v[i].key);
	}
	free(t.v);
	double span = x.last > x.first ? (x.last - x.first) / (7 * DAY) : 0;
	out->weeks = span < 1 ? 1 : span;
	for (int i = 0; i < out->n; i++)
		out->rows[i].per_week = out->rows[i].done / out->weeks;
	if (rc != MC_OK)
		report_assessors_free(out);
	return rc;
}

void report_assessors_free(struct report_assessors *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->rows[i].assessor);
	free(a->rows);
	memset(a, 0, sizeof *a);
}
