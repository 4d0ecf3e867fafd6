/* stats.h: agreement between two sets of ratings of the same items, as pure
 * functions over a k x k table of counts (no database, no I/O), so that they can
 * be checked against an independent implementation.
 *
 * Levels are ordinal, 0 = lowest, k = the number of levels the rubric offers
 * (not just those used: Gwet's AC1 and the quadratic weights depend on it). */
#ifndef MCASSESS_STATS_H
#define MCASSESS_STATS_H

#define STATS_MAX_LEVELS 16

/* A figure with its standard error and 95% confidence interval. Every field is
 * NAN when the figure is undefined (no items; kappa when chance agreement is 1,
 * that is when both raters used one level only). */
struct stats_estimate {
	double value, se, lo, hi;
};

struct stats_agreement {
	long n;                         /* items behind every figure */
	int k;                          /* levels */
	struct stats_estimate exact;    /* share of items with the same level (Wilson interval) */
	struct stats_estimate adjacent; /* same or next level (Wilson interval) */
	struct stats_estimate kappa;    /* Cohen's kappa (Fleiss, Cohen & Everitt 1969 SE) */
	struct stats_estimate wkappa;   /* quadratic-weighted kappa (same SE, weighted) */
	struct stats_estimate ac1;      /* Gwet's AC1 (Gwet 2008 SE, two raters) */
};

/* The table: counts[i * k + j] = items the first rater put at level i and the
 * second at level j. */
struct stats_table {
	int k;
	long counts[STATS_MAX_LEVELS * STATS_MAX_LEVELS];
};

/* An empty table of k levels (2 <= k <= STATS_MAX_LEVELS; k is clamped to that range). */
void stats_table_init(struct stats_table *t, int k);
/* Count one item; levels outside 0..k-1 are ignored and 0 is returned (1 when counted). */
int stats_table_add(struct stats_table *t, int a, int b);
/* Count n items at once, as stats_table_add n times. */
int stats_table_add_n(struct stats_table *t, int a, int b, long n);
/* Add every cell of `from` into `to` (same k; returns 0 and does nothing otherwise). */
int stats_table_merge(struct stats_table *to, const struct stats_table *from);

/* Every figure of the table. */
void stats_agreement(const struct stats_table *t, struct stats_agreement *out);

/* The median and the q-quantile (0 <= q <= 1, linear interpolation between
 * order statistics, as R's type 7 and numpy's default) of v[0..n-1], which is
 * sorted in place. NAN when n == 0. */
double stats_quantile(double *v, long n, double q);
#endif
