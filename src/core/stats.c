/* stats.c: agreement statistics over a k x k table of counts (see stats.h).
 *
 * Kappa and weighted kappa share one computation with a weight matrix: the
 * identity for Cohen's kappa, w_ij = 1 - (i-j)^2/(k-1)^2 for the quadratic
 * one (which equals scikit-learn's 1 - sum(d*O)/sum(d*E) with d = (i-j)^2).
 * Their standard error is the large-sample one of Fleiss, Cohen & Everitt
 * (1969), which does not assume the raters independent. AC1 and its standard
 * error are those of Gwet (2008, BJMSP 61:29-48) for two raters, without the
 * finite-population correction. Intervals are value +- 1.96 SE; the two
 * proportions (exact, adjacent) use Wilson's score interval, which stays in
 * [0, 1] when nearly everything agrees, as it does here. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/stats.h"

#define Z95 1.959963984540054

void stats_table_init(struct stats_table *t, int k)
{
	memset(t, 0, sizeof *t);
	t->k = k < 2 ? 2 : k > STATS_MAX_LEVELS ? STATS_MAX_LEVELS : k;
}

int stats_table_add_n(struct stats_table *t, int a, int b, long n)
{
	if (a < 0 || b < 0 || a >= t->k || b >= t->k)
		return 0;
	t->counts[a * t->k + b] += n;
	return 1;
}

int stats_table_add(struct stats_table *t, int a, int b)
{
	return stats_table_add_n(t, a, b, 1);
}

int stats_table_merge(struct stats_table *to, const struct stats_table *from)
{
	if (to->k != from->k)
		return 0;
	for (int i = 0; i < to->k * to->k; i++)
		to->counts[i] += from->counts[i];
	return 1;
}

static struct stats_estimate undefined(void)
{
	struct stats_estimate e = { NAN, NAN, NAN, NAN };
	return e;
}

static struct stats_estimate normal_ci(double value, double se)
{
	struct stats_estimate e = { value, se, value - Z95 * se, value + Z95 * se };
	return e;
}

static struct stats_estimate wilson(long hits, long n)
{
	if (n <= 0)
		return undefined();
	double p = (double)hits / n, z2 = Z95 * Z95, d = 1 + z2 / n;
	double centre = (p + z2 / (2.0 * n)) / d;
	double half = Z95 / d * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
	struct stats_estimate e = { p, sqrt(p * (1 - p) / n), centre - half, centre + half };
	if (e.lo < 0)
		e.lo = 0;
	if (e.hi > 1)
		e.hi = 1;
	return e;
}

/* Proportions: p[i*k+j], rows r[i], columns c[j]. */
struct props {
	int k;
	long n;
	double p[STATS_MAX_LEVELS * STATS_MAX_LEVELS], r[STATS_MAX_LEVELS], c[STATS_MAX_LEVELS];
};

static void props_of(const struct stats_table *t, struct props *pr)
{
	memset(pr, 0, sizeof *pr);
	pr->k = t->k;
	for (int i = 0; i < t->k * t->k; i++)
		pr->n += t->counts[i];
	for (int i = 0; pr->n > 0 && i < t->k; i++)
		for (int j = 0; j < t->k; j++) {
			double v = (double)t->counts[i * t->k + j] / pr->n;
			pr->p[i * t->k + j] = v;
			pr->r[i] += v;
			pr->c[j] += v;
		}
}

static double weight(int k, int i, int j, int quadratic)
{
	if (!quadratic)
		return i == j;
	double d = (double)(i - j) / (k - 1);
	return 1 - d * d;
}

/* Cohen's kappa with agreement weights, and the Fleiss-Cohen-Everitt SE. */
static struct stats_estimate kappa(const struct props *pr, int quadratic)
{
	int k = pr->k;
	double po = 0, pe = 0, wr[STATS_MAX_LEVELS] = { 0 }, wc[STATS_MAX_LEVELS] = { 0 };
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++) {
			double w = weight(k, i, j, quadratic);
			po += w * pr->p[i * k + j];
			pe += w * pr->r[i] * pr->c[j];
			wr[i] += w * pr->c[j];
			wc[j] += w * pr->r[i];
		}
	if (pr->n == 0 || 1 - pe < 1e-12)
		return undefined();
	double kap = (po - pe) / (1 - pe), sum = 0;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++) {
			double d = weight(k, i, j, quadratic) - (wr[i] + wc[j]) * (1 - kap);
			sum += pr->p[i * k + j] * d * d;
		}
	double t = kap - pe * (1 - kap);
	double var = (sum - t * t) / (pr->n * (1 - pe) * (1 - pe));
	return normal_ci(kap, sqrt(var > 0 ? var : 0));
}

/* Gwet's AC1 for two raters and its variance (Gwet 2008, section 4). */
static struct stats_estimate ac1(const struct props *pr)
{
	int k = pr->k;
	double pa = 0, pe = 0, pi[STATS_MAX_LEVELS];
	for (int q = 0; q < k; q++) {
		pi[q] = (pr->r[q] + pr->c[q]) / 2;
		pa += pr->p[q * k + q];
		pe += pi[q] * (1 - pi[q]);
	}
	pe /= k - 1;
	if (pr->n == 0)
		return undefined();
	double g = (pa - pe) / (1 - pe), diag = 0, cross = 0;
	for (int q = 0; q < k; q++) {
		diag += pr->p[q * k + q] * (1 - pi[q]);
		for (int l = 0; l < k; l++) {
			double m = 1 - (pi[q] + pi[l]) / 2;
			cross += pr->p[q * k + l] * m * m;
		}
	}
	diag /= k - 1;
	cross /= (double)(k - 1) * (k - 1);
	double var = (pa * (1 - pa) - 4 * (1 - g) * (diag - pa * pe) +
		      4 * (1 - g) * (1 - g) * (cross - pe * pe)) /
		     (pr->n * (1 - pe) * (1 - pe));
	return normal_ci(g, sqrt(var > 0 ? var : 0));
}

void stats_agreement(const struct stats_table *t, struct stats_agreement *out)
{
	struct props pr;
	props_of(t, &pr);
	long same = 0, near = 0;
	for (int i = 0; i < t->k; i++)
		for (int j = 0; j < t->k; j++) {
			long c = t->counts[i * t->k + j];
			same += i == j ? c : 0;
			near += abs(i - j) <= 1 ? c : 0;
		}
	out->n = pr.n;
	out->k = t->k;
	out->exact = wilson(same, pr.n);
	out->adjacent = wilson(near, pr.n);
	out->kappa = kappa(&pr, 0);
	out->wkappa = kappa(&pr, 1);
	out->ac1 = ac1(&pr);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double stats_quantile(double *v, long n, double q)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	double h = (n - 1) * (q < 0 ? 0 : q > 1 ? 1 : q);
	long lo = (long)floor(h);
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}
