/* suggest.c: the nearest known name to a mistyped one, and the message for a
 * submission id that is not there. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/suggest.h"
#include "mcassess/util.h"

int suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	/* three rows of the table: two back (for swaps), one back, this one */
	int *r = mc_xcalloc(3 * (m + 1), sizeof *r);
	int *pp = r, *p = r + m + 1, *c = r + 2 * (m + 1);
	for (size_t j = 0; j <= m; j++)
		p[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		c[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
			int v = p[j - 1] + !same;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		int *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	int d = p[m];
	free(r);
	return d;
}

const char *suggest_nearest(const char *typed, const char *const *names, size_t n)
{
	size_t len = strlen(typed);
	int most = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	const char *best = NULL;
	int bestd = most + 1;
	for (size_t i = 0; i < n; i++) {
		int d = suggest_distance(typed, names[i]);
		if (d < bestd) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

int suggest_no_submission(struct store *s, const char *id, struct mc_error *err)
{
	char *found = NULL;
	struct mc_error ignored = MC_ERROR_INIT; /* a failed hint is no reason to fail otherwise */
	store_submission_nocase(s, id, &found, &ignored);
	mc_error_clear(&ignored);
	if (found)
		mc_error_set(err, MC_FAIL, "no submission '%s' (did you mean '%s'? ids are case-sensitive)", id,
			     found);
	else
		mc_error_set(err, MC_FAIL, "no submission '%s'", id);
	free(found);
	return MC_FAIL;
}
