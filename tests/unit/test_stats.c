/* test_stats.c: the agreement statistics against an independent implementation
 * (scikit-learn's cohen_kappa_score, run here through Debian's python3, which
 * is the one that sees python3-sklearn when another python3 comes first in PATH) and against a
 * worked example computed by hand. */
#include "unit.h"

#include <math.h>
#include <string.h>

#include "mcassess/stats.h"

/* A deterministic stream of pairs: rater b copies rater a with probability
 * `agree_pct`%, otherwise moves one level (or, 1 time in 4, anywhere). Levels
 * are skewed towards the top, as passing scores are. */
static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 33;
}

static void make_pairs(uint64_t seed, int k, int n, int agree_pct, int *a, int *b)
{
	uint64_t x = seed;
	for (int i = 0; i < n; i++) {
		int top = (int)(lcg(&x) % 100) < 70;
		a[i] = top ? k - 1 : (int)(lcg(&x) % (uint64_t)k);
		if ((int)(lcg(&x) % 100) < agree_pct)
			b[i] = a[i];
		else if (lcg(&x) % 4 == 0)
			b[i] = (int)(lcg(&x) % (uint64_t)k);
		else
			b[i] = a[i] == 0 ? 1 : a[i] - 1;
	}
}

/* Ask python3 + scikit-learn for kappa, quadratic kappa and the jackknife
 * standard errors of kappa and of AC1 (AC1 written out in numpy from Gwet's
 * definition, a second implementation of the point estimate only). Returns 0
 * when python3 or sklearn is missing. */
static int sklearn(const int *a, const int *b, int n, int k, double out[4])
{
	char *dir = unit_tmpdir();
	char path[4200], cmd[9000];
	snprintf(path, sizeof path, "%s/pairs.txt", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%d %d\n", a[i], b[i]);
	fclose(f);
	snprintf(cmd, sizeof cmd,
		 "P=/usr/bin/python3; [ -x $P ] || P=python3; $P -c '\n"
		 "import sys, numpy as np\n"
		 "from sklearn.metrics import cohen_kappa_score as ck\n"
		 "d = np.loadtxt(\"%s\", dtype=int, ndmin=2); a, b = d[:,0], d[:,1]; k = %d; L = list(range(k))\n"
		 "def ac1(a, b):\n"
		 "    pa = np.mean(a == b); pi = np.array([(np.mean(a == q) + np.mean(b == q)) / 2 for q in L])\n"
		 "    pe = np.sum(pi * (1 - pi)) / (k - 1); return (pa - pe) / (1 - pe)\n"
		 "def jk(fn):\n"
		 "    n = len(a); v = np.array([fn(np.delete(a, i), np.delete(b, i)) for i in range(n)])\n"
		 "    return np.sqrt((n - 1) / n * np.sum((v - v.mean()) ** 2))\n"
		 "print(\"%%.12f %%.12f %%.12f %%.12f\" %% (ck(a, b, labels=L), ck(a, b, labels=L, weights=\"quadratic\"),\n"
		 "      jk(lambda x, y: ck(x, y, labels=L)), jk(ac1)))\n"
		 "' 2>/dev/null",
		 path, k);
	FILE *p = popen(cmd, "r");
	int got = p && fscanf(p, "%lf %lf %lf %lf", &out[0], &out[1], &out[2], &out[3]) == 4;
	if (p)
		pclose(p);
	unit_rmtree(dir);
	return got;
}

static void check_against_sklearn(uint64_t seed, int k, int n, int agree_pct)
{
	int *a = malloc(sizeof *a * (size_t)n), *b = malloc(sizeof *b * (size_t)n);
	make_pairs(seed, k, n, agree_pct, a, b);
	double want[4];
	if (!sklearn(a, b, n, k, want)) {
		free(a);
		free(b);
		fprintf(stderr, "python3 with scikit-learn (Debian's python3-sklearn) is missing\n");
		skip();
	}
	struct stats_table t;
	stats_table_init(&t, k);
	for (int i = 0; i < n; i++)
		assert_int_equal(stats_table_add(&t, a[i], b[i]), 1);
	struct stats_agreement g;
	stats_agreement(&t, &g);
	assert_int_equal(g.n, n);
	assert_true(fabs(g.kappa.value - want[0]) < 1e-9);
	assert_true(fabs(g.wkappa.value - want[1]) < 1e-9);
	/* The analytic standard errors agree with the jackknife to within 10%. */
	assert_true(fabs(g.kappa.se - want[2]) < 0.10 * want[2]);
	assert_true(fabs(g.ac1.se - want[3]) < 0.10 * want[3]);
	assert_true(g.kappa.lo < g.kappa.value && g.kappa.value < g.kappa.hi);
	assert_true(g.ac1.lo < g.ac1.value && g.ac1.value < g.ac1.hi);
	free(a);
	free(b);
}

static void test_sklearn_4_levels(void **state)
{
	(void)state;
	check_against_sklearn(1, 4, 300, 80);
}

static void test_sklearn_3_levels_high_agreement(void **state)
{
	(void)state;
	check_against_sklearn(7, 3, 400, 95);
}

static void test_sklearn_2_levels(void **state)
{
	(void)state;
	check_against_sklearn(42, 2, 250, 70);
}

/* Kappa's paradox, worked by hand: 125 items, both raters "pass" 118, A pass /
 * B fail 5, A fail / B pass 2, both fail 0. pa = 118/125 = 0.944. Kappa: row
 * margins 123/125 = 0.984 and 0.016, column 120/125 = 0.96 and 0.04, pe = 0.984
 * * 0.96 + 0.016 * 0.04 = 0.94528, kappa = (0.944 - 0.94528) / 0.05472 =
 * -0.0233918. AC1: pi_pass = (0.984 + 0.96) / 2 = 0.972, pe = 2 * 0.972 * 0.028
 * / (2 - 1) = 0.054432, AC1 = 0.889568 / 0.945568 = 0.9407763: 94% agreement
 * reads as agreement, where kappa calls it worse than chance. */
static void test_paradox_worked_example(void **state)
{
	(void)state;
	struct stats_table t;
	stats_table_init(&t, 2);
	t.counts[1 * 2 + 1] = 118;
	t.counts[1 * 2 + 0] = 5;
	t.counts[0 * 2 + 1] = 2;
	struct stats_agreement g;
	stats_agreement(&t, &g);
	assert_int_equal(g.n, 125);
	assert_true(fabs(g.exact.value - 0.944) < 1e-12);
	assert_true(fabs(g.kappa.value - (-0.00128 / 0.05472)) < 1e-9);
	assert_true(fabs(g.ac1.value - 0.889568 / 0.945568) < 1e-9);
	assert_true(g.exact.lo > 0.88 && g.exact.hi < 0.98 && g.exact.hi > 0.944);
	assert_true(g.adjacent.value == 1.0);
}

/* A published worked example: the "cont3x3abstractors" table of Gwet's
 * Handbook of Inter-Rater Reliability (4th ed., 2014), as printed in the README
 * and the vignette "Calculating Chance-corrected Agreement Coefficients (CAC)"
 * of the R package irrCAC 1.0 (K. L. Gwet, CRAN, 2019): two abstractors
 * classify 100 pregnancies as Ectopic / AIU / NIU,
 *            Ectopic AIU NIU
 *   Ectopic       13   0   0
 *   AIU            0  20   7
 *   NIU            0   4  56
 * and gwet.ac1.table() prints "Gwet's AC1 0.8493305 0.04321747 (0.764,0.935)"
 * (also "Percent Agreement 0.89"). The printed interval is value +- t(0.975,
 * n - 1 = 99) SE, Student's t where we use the normal 1.96, so it is checked
 * from our SE with that quantile (1.984217), and ours within the difference. */
static void test_published_ac1(void **state)
{
	(void)state;
	static const long cells[9] = { 13, 0, 0, 0, 20, 7, 0, 4, 56 };
	struct stats_table t;
	stats_table_init(&t, 3);
	memcpy(t.counts, cells, sizeof cells);
	struct stats_agreement g;
	stats_agreement(&t, &g);
	assert_int_equal(g.n, 100);
	assert_true(fabs(g.exact.value - 0.89) < 1e-12);
	assert_true(fabs(g.ac1.value - 0.8493305) < 0.5e-7);
	assert_true(fabs(g.ac1.se - 0.04321747) < 0.5e-8);
	const double t99 = 1.984216952; /* qt(0.975, 99) */
	assert_true(fabs((g.ac1.value - t99 * g.ac1.se) - 0.764) < 0.5e-3);
	assert_true(fabs((g.ac1.value + t99 * g.ac1.se) - 0.935) < 0.5e-3);
	assert_true(fabs(g.ac1.lo - 0.764) < 0.002 && fabs(g.ac1.hi - 0.935) < 0.002);
}

static void test_undefined(void **state)
{
	(void)state;
	struct stats_table t;
	stats_table_init(&t, 4);
	struct stats_agreement g;
	stats_agreement(&t, &g);
	assert_int_equal(g.n, 0);
	assert_true(isnan(g.exact.value) && isnan(g.kappa.value) && isnan(g.ac1.value));
	/* Everyone at the top level: kappa is undefined (as in scikit-learn), AC1 is 1. */
	t.counts[3 * 4 + 3] = 50;
	stats_agreement(&t, &g);
	assert_true(isnan(g.kappa.value) && isnan(g.wkappa.value));
	assert_true(fabs(g.ac1.value - 1.0) < 1e-12);
	assert_true(g.exact.value == 1.0 && g.exact.hi == 1.0 && g.exact.lo < 1.0);
	assert_int_equal(stats_table_add(&t, 4, 0), 0);
	assert_int_equal(stats_table_add(&t, -1, 0), 0);
}

static void test_adjacent_and_merge(void **state)
{
	(void)state;
	struct stats_table t, u;
	stats_table_init(&t, 4);
	stats_table_init(&u, 4);
	stats_table_add(&t, 0, 1); /* adjacent */
	stats_table_add(&t, 0, 3); /* far */
	stats_table_add(&u, 2, 2); /* exact */
	stats_table_add(&u, 3, 2); /* adjacent */
	assert_int_equal(stats_table_merge(&t, &u), 1);
	struct stats_agreement g;
	stats_agreement(&t, &g);
	assert_int_equal(g.n, 4);
	assert_true(fabs(g.exact.value - 0.25) < 1e-12);
	assert_true(fabs(g.adjacent.value - 0.75) < 1e-12);
	struct stats_table v;
	stats_table_init(&v, 3);
	assert_int_equal(stats_table_merge(&t, &v), 0);
}

static void test_quantile(void **state)
{
	(void)state;
	double v[] = { 9, 1, 5, 3, 7 };
	assert_true(stats_quantile(v, 5, 0.5) == 5);
	double w[] = { 4, 1, 3, 2 };
	assert_true(fabs(stats_quantile(w, 4, 0.5) - 2.5) < 1e-12);
	assert_true(fabs(stats_quantile(w, 4, 0.9) - 3.7) < 1e-12); /* numpy.percentile: 3.7 */
	assert_true(isnan(stats_quantile(w, 0, 0.5)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sklearn_4_levels),
		cmocka_unit_test(test_sklearn_3_levels_high_agreement),
		cmocka_unit_test(test_sklearn_2_levels),
		cmocka_unit_test(test_paradox_worked_example),
		cmocka_unit_test(test_published_ac1),
		cmocka_unit_test(test_undefined),
		cmocka_unit_test(test_adjacent_and_merge),
		cmocka_unit_test(test_quantile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
