/* suggest.c: the nearest known name to a mistyped one, and the message for a
 * submission id that is not there. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* The known name nearest to `typed`, whole or (prefix) by its start as long as
 * typed give or take one character ("Walnt" for "Walnut Plains"), within `most`
 * edits; NULL when none is. */
static const char *nearest_within(const char *typed, char **names, size_t n, int prefix, int most)
{
	size_t len = strlen(typed);
	const char *best = NULL;
	int bestd = most + 1;
	for (size_t i = 0; i < n; i++) {
		size_t have = strlen(names[i]);
		int d = suggest_distance(typed, names[i]);
		for (size_t cut = len ? len - 1 : 0; prefix && cut <= len + 1 && cut < have; cut++) {
			char *start = mc_xstrndup(names[i], cut);
			int e = suggest_distance(typed, start);
			free(start);
			d = e < d ? e : d;
		}
		if (d < bestd) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

/* The known name `typed` was probably meant to be, for "did you mean", or NULL. */
static const char *near_name(const struct suggest_name *k, const char *typed, char **names, size_t n)
{
	size_t len = strlen(typed);
	return nearest_within(typed, names, n, k->prefix, len <= 4 ? 1 : len <= 8 ? 2 : 3);
}

/* A name so close to a known one that it is surely a slip (one edit, two past
 * eight characters), not a new name: "Walnt", but not "South" beside "North". */
static const char *slip_of(const struct suggest_name *k, const char *typed, char **names, size_t n)
{
	return nearest_within(typed, names, n, k->prefix, strlen(typed) <= 8 ? 1 : 2);
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

/* "A, B and C" or, when there are many, where to see them. */
static void known_list(struct mc_buf *b, char **names, size_t n, const char *plural, const char *see)
{
	if (n == 0) {
		mc_buf_printf(b, "there are no %s yet", plural);
		return;
	}
	if (n > 12 && see) {
		mc_buf_printf(b, "%zu %s; see '%s'", n, plural, see);
		return;
	}
	mc_buf_printf(b, "the %s are ", plural);
	for (size_t i = 0; i < n; i++)
		mc_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
}

static int name_unknown(const struct suggest_name *k, const char *typed, char **names, size_t n,
			struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "no %s '%s'", k->what, typed);
	const char *near = near_name(k, typed, names, n);
	if (near)
		mc_buf_printf(&b, " (did you mean '%s'?)", near);
	mc_buf_adds(&b, "; ");
	known_list(&b, names, n, k->plural, k->see);
	if (k->may_be_new)
		mc_buf_printf(&b, "; %s", k->may_be_new);
	int rc = mc_error_set(err, MC_USAGE, "%s", mc_buf_str(&b));
	mc_buf_free(&b);
	return rc;
}

static int name_ambiguous(const struct suggest_name *k, const char *typed, char **names, size_t n,
			  struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "%s '%s' could be ", k->what, typed);
	size_t len = strlen(typed), shown = 0;
	for (size_t i = 0; i < n; i++)
		if (strncasecmp(names[i], typed, len) == 0)
			mc_buf_printf(&b, "%s%s", shown++ ? ", " : "", names[i]);
	mc_buf_adds(&b, "; type more of the name");
	int rc = mc_error_set(err, MC_USAGE, "%s", mc_buf_str(&b));
	mc_buf_free(&b);
	return rc;
}

int suggest_resolve(struct store *s, const struct suggest_name *k, const char **value, char **owned,
		    int *is_new, struct mc_error *err)
{
	*owned = NULL;
	if (is_new)
		*is_new = 0;
	if (!*value)
		return MC_OK;
	char **names;
	size_t n, len = strlen(*value), hits = 0, hit = 0;
	int rc = store_names(s, k->kind, &names, &n, err);
	if (rc != MC_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(names[i], *value) == 0) {
			hits = 1;
			hit = i;
			break;
		}
		if (k->prefix && len && strncasecmp(names[i], *value, len) == 0 && !hits++)
			hit = i;
	}
	if (hits == 1) {
		*owned = mc_xstrdup(names[hit]);
		*value = *owned;
	} else if (hits) {
		rc = name_ambiguous(k, *value, names, n, err);
	} else if (k->may_be_new && is_new && !slip_of(k, *value, names, n)) {
		*is_new = 1;
	} else {
		rc = name_unknown(k, *value, names, n, err);
	}
	suggest_names_free(&names, n);
	return rc;
}

int suggest_district(struct store *s, const char **value, char **owned, struct mc_error *err)
{
	static const struct suggest_name district = { SUGGEST_DISTRICT, "district", "districts", NULL, 1, NULL };
	return suggest_resolve(s, &district, value, owned, NULL, err);
}
