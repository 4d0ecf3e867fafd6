/* catalog.c: reading catalog files (validation with precise field paths), loading
 * them as versioned rubrics, and the rubric model read back from the database. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "mcassess/priv.h"
#include "mcassess/audit.h"
#include "mcassess/catalog.h"
#include "mcassess/hash.h"
#include "mcassess/people.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_catalog.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

#define CATALOG_FILE_MAX (1024 * 1024) /* a catalog file is a few kilobytes */
#define CATALOG_PARTS_MAX 20
#define CATALOG_CRITERIA_MAX 30        /* per part */
#define CATALOG_LEVELS_MAX 10

/* ---------------------------------------------------------------- problems */

struct vctx {
	void (*report)(void *ctx, const char *problem);
	void *rctx;
	int problems;
	const char *file;  /* the file being read, as the user named it */
	char *prefix;      /* "credential TEAM-QUES", or NULL */
};

/* One problem: "FILE: [PREFIX: ][PATH: ]MESSAGE". */
static void problem(struct vctx *v, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct vctx *v, const char *path, const char *fmt, ...)
{
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "%s: ", v->file);
	if (v->prefix)
		mc_buf_printf(&b, "%s: ", v->prefix);
	if (path && *path)
		mc_buf_printf(&b, "%s: ", path);
	va_list ap;
	va_start(ap, fmt);
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	mc_buf_adds(&b, msg);
	free(msg);
	v->problems++;
	if (v->report)
		v->report(v->rctx, mc_buf_str(&b));
	mc_buf_free(&b);
}

static char *field_path(const char *path, const char *key)
{
	return mc_xasprintf("%s%s%s", path, *path ? "." : "", key);
}

static char *index_path(const char *path, const char *key, size_t i)
{
	return mc_xasprintf("%s%s%s[%zu]", path, *path ? "." : "", key, i);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* ---------------------------------------------------------------- field readers */

/* Fields an object may have; anything else is reported (a typo would otherwise
 * silently drop a field). */
static void check_keys(struct vctx *v, json_t *o, const char *path, const char *const *known)
{
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val) {
		int ok = 0;
		for (const char *const *k = known; *k; k++)
			if (strcmp(*k, key) == 0)
				ok = 1;
		if (!ok) {
			struct mc_buf list = MC_BUF_INIT;
			for (const char *const *k = known; *k; k++)
				mc_buf_printf(&list, "%s%s", k == known ? "" : ", ", *k);
			char *p = field_path(path, key);
			problem(v, p, "unknown field (known fields: %s)", mc_buf_str(&list));
			free(p);
			mc_buf_free(&list);
		}
	}
}

/* A text field: a JSON string, valid UTF-8, not empty, at most maxchars characters.
 * Returns a heap copy or NULL (problem reported unless optional and absent). */
static char *want_text(struct vctx *v, json_t *o, const char *key, const char *path, int required,
		       size_t maxchars)
{
	json_t *j = json_object_get(o, key);
	char *p = field_path(path, key);
	char *out = NULL;
	if (!j || (json_is_null(j) && !required)) {
		if (required)
			problem(v, p, "missing (a text is required)");
	} else if (!json_is_string(j)) {
		problem(v, p, "expected a text in double quotes");
	} else {
		const char *s = json_string_value(j);
		size_t len = json_string_length(j), bad;
		if (strlen(s) != len || !text_utf8_valid(s, len, &bad))
			problem(v, p, "not valid UTF-8 text");
		else if (len == 0 || strspn(s, " \t\r\n") == len)
			problem(v, p, "must not be empty");
		else if (utf8_chars(s) > maxchars)
			problem(v, p, "%zu characters is longer than the %zu allowed", utf8_chars(s), maxchars);
		else
			out = mc_xstrdup(s);
	}
	free(p);
	return out;
}

/* A code: letters, digits, '-', '_' and '.', starting with a letter or digit. */
static int code_ok(const char *s)
{
	if (!*s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static char *want_code(struct vctx *v, json_t *o, const char *key, const char *path)
{
	char *c = want_text(v, o, key, path, 1, CATALOG_CODE_MAX);
	if (c && !code_ok(c)) {
		char *p = field_path(path, key);
		problem(v, p, "'%s' is not a usable code (letters, digits, '-', '_' and '.', "
			"starting with a letter or digit)", c);
		free(p);
		free(c);
		c = NULL;
	}
	return c;
}

/* A whole number in [min, max]; absent or null gives -1 when nullable. 0 on success. */
static int want_int(struct vctx *v, json_t *o, const char *key, const char *path, int nullable,
		    long long min, long long max, long long *out)
{
	json_t *j = json_object_get(o, key);
	char *p = field_path(path, key);
	int rc = -1;
	if (!j || json_is_null(j)) {
		if (nullable) {
			*out = -1;
			rc = 0;
		} else {
			problem(v, p, "missing (a whole number is required)");
		}
	} else if (!json_is_integer(j) || json_integer_value(j) < min || json_integer_value(j) > max) {
		problem(v, p, "expected a whole number from %lld to %lld%s", min, max, nullable ? ", or null" : "");
	} else {
		*out = json_integer_value(j);
		rc = 0;
	}
	free(p);
	return rc;
}

/* A list of 1..max items; returns the array or NULL (problem reported). */
static json_t *want_array(struct vctx *v, json_t *o, const char *key, const char *path, size_t max,
			  const char *what)
{
	json_t *j = json_object_get(o, key);
	char *p = field_path(path, key);
	json_t *out = NULL;
	if (!j)
		problem(v, p, "missing (a list of %s is required)", what);
	else if (!json_is_array(j))
		problem(v, p, "expected a list of %s in [ ]", what);
	else if (json_array_size(j) == 0)
		problem(v, p, "empty: at least one of %s is needed", what);
	else if (json_array_size(j) > max)
		problem(v, p, "%zu %s is more than the %zu allowed", json_array_size(j), what, max);
	else
		out = j;
	free(p);
	return out;
}

/* ---------------------------------------------------------------- the model */

static void level_clear(struct catalog_level *l)
{
	free(l->code);
	free(l->label);
	free(l->descriptor);
}

static void criterion_clear(struct catalog_criterion *c)
{
	free(c->code);
	free(c->text);
	for (int i = 0; i < c->nlevels; i++)
		level_clear(&c->levels[i]);
	free(c->levels);
}

static void part_clear(struct catalog_part *p)
{
	free(p->code);
	free(p->title);
	free(p->kind);
	free(p->prompt);
	for (int i = 0; i < p->ncriteria; i++)
		criterion_clear(&p->criteria[i]);
	free(p->criteria);
}

static void rubric_clear(struct catalog_rubric *r)
{
	free(r->credential);
	free(r->title);
	free(r->pathway);
	free(r->pathway_title);
	free(r->competency);
	free(r->key_method);
	free(r->passing_rule);
	free(r->source_sha256);
	free(r->loaded_at);
	free(r->loaded_by);
	for (int i = 0; i < r->nparts; i++)
		part_clear(&r->parts[i]);
	free(r->parts);
}

void catalog_rubric_free(struct catalog_rubric **r)
{
	if (!r || !*r)
		return;
	rubric_clear(*r);
	free(*r);
	*r = NULL;
}

/* ---------------------------------------------------------------- parsing a credential */

static const char *const LEVEL_KEYS[] = { "code", "label", "descriptor", "passes", NULL };
static const char *const CRITERION_KEYS[] = { "code", "text", "levels", "descriptors", NULL };
static const char *const PART_KEYS[] = { "code", "kind", "title", "prompt", "min_words", "max_words",
					 "required", "criteria", NULL };
static const char *const CREDENTIAL_KEYS[] = { "code", "pathway", "title", "competency", "key_method",
					       "aligned_to", "passing_rule", "levels", "parts", NULL };
static const char *const PATHWAY_KEYS[] = { "code", "title", "goal", "description", NULL };

/* A list of levels, lowest first. Fills *out / *n only when the whole list is valid. */
static int parse_levels(struct vctx *v, json_t *arr, const char *path, struct catalog_level **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!json_is_array(arr)) {
		problem(v, path, "expected a list of levels in [ ], lowest first");
		return -1;
	}
	size_t cnt = json_array_size(arr);
	if (cnt < 2 || cnt > CATALOG_LEVELS_MAX) {
		problem(v, path, "%zu levels: a criterion needs from 2 to %d", cnt, CATALOG_LEVELS_MAX);
		return -1;
	}
	int before = v->problems;
	struct catalog_level *lv = mc_xcalloc(cnt, sizeof *lv);
	int any_pass = 0, pass_seen = 0;
	for (size_t i = 0; i < cnt; i++) {
		json_t *o = json_array_get(arr, i);
		char *p = mc_xasprintf("%s[%zu]", path, i);
		if (!json_is_object(o)) {
			problem(v, p, "expected a level: { \"code\", \"label\", \"descriptor\", \"passes\" }");
			free(p);
			continue;
		}
		check_keys(v, o, p, LEVEL_KEYS);
		lv[i].seq = (int)i + 1;
		lv[i].code = want_code(v, o, "code", p);
		lv[i].label = want_text(v, o, "label", p, 1, CATALOG_TITLE_MAX);
		lv[i].descriptor = want_text(v, o, "descriptor", p, 1, CATALOG_TEXT_MAX);
		json_t *ps = json_object_get(o, "passes");
		char *pp = field_path(p, "passes");
		if (!ps) {
			problem(v, pp, "missing (true or false is required)");
		} else if (!json_is_boolean(ps)) {
			problem(v, pp, "expected true or false");
		} else {
			lv[i].passes = json_is_true(ps);
			if (lv[i].passes)
				any_pass = pass_seen = 1;
			else if (pass_seen)
				problem(v, pp, "a level that does not pass cannot come after one that does "
					"(levels are listed lowest first)");
		}
		free(pp);
		for (size_t k = 0; k < i; k++) {
			if (lv[i].code && lv[k].code && strcmp(lv[i].code, lv[k].code) == 0) {
				char *cp = field_path(p, "code");
				problem(v, cp, "'%s' is already the code of %s[%zu]", lv[i].code, path, k);
				free(cp);
			}
			if (lv[i].label && lv[k].label && strcasecmp(lv[i].label, lv[k].label) == 0) {
				char *cp = field_path(p, "label");
				problem(v, cp, "'%s' is already the label of %s[%zu]", lv[i].label, path, k);
				free(cp);
			}
		}
		free(p);
	}
	if (v->problems == before && !any_pass)
		problem(v, path, "no level passes: at least one needs \"passes\": true");
	if (v->problems != before) {
		for (size_t i = 0; i < cnt; i++)
			level_clear(&lv[i]);
		free(lv);
		return -1;
	}
	*out = lv;
	*n = (int)cnt;
	return 0;
}

static struct catalog_level *levels_copy(const struct catalog_level *src, int n)
{
	struct catalog_level *lv = mc_xcalloc((size_t)n, sizeof *lv);
	for (int i = 0; i < n; i++) {
		lv[i].seq = src[i].seq;
		lv[i].passes = src[i].passes;
		lv[i].code = mc_xstrdup(src[i].code);
		lv[i].label = mc_xstrdup(src[i].label);
		lv[i].descriptor = mc_xstrdup(src[i].descriptor);
	}
	return lv;
}

/* Where a criterion code was first used, to name it in a duplicate's message. */
struct seen_code {
	const char *code;
	char *path;
};

static void parse_criterion(struct vctx *v, json_t *o, const char *p, const struct catalog_level *shared,
			    int nshared, int shared_bad, struct catalog_criterion *c)
{
	check_keys(v, o, p, CRITERION_KEYS);
	c->code = want_code(v, o, "code", p);
	c->text = want_text(v, o, "text", p, 1, CATALOG_TEXT_MAX);
	json_t *own = json_object_get(o, "levels");
	if (own) {
		char *lp = field_path(p, "levels");
		parse_levels(v, own, lp, &c->levels, &c->nlevels);
		free(lp);
		if (!c->levels)
			return;
	} else if (shared) {
		c->levels = levels_copy(shared, nshared);
		c->nlevels = nshared;
	} else if (shared_bad) {
		return; /* the shared levels' problems are already reported */
	} else {
		char *lp = field_path(p, "levels");
		problem(v, lp, "missing, and the credential has no shared \"levels\" to use");
		free(lp);
		return;
	}
	/* "descriptors": {"LEVEL-CODE": "what that level looks like for this criterion"} */
	json_t *d = json_object_get(o, "descriptors");
	if (!d)
		return;
	char *dp = field_path(p, "descriptors");
	if (!json_is_object(d)) {
		problem(v, dp, "expected an object of level code to descriptor, in { }");
		free(dp);
		return;
	}
	const char *key;
	json_t *val;
	json_object_foreach(d, key, val) {
		struct catalog_level *l = NULL;
		for (int i = 0; i < c->nlevels; i++)
			if (strcmp(c->levels[i].code, key) == 0)
				l = &c->levels[i];
		if (!l) {
			struct mc_buf codes = MC_BUF_INIT;
			for (int i = 0; i < c->nlevels; i++)
				mc_buf_printf(&codes, "%s%s", i ? ", " : "", c->levels[i].code);
			char *kp = field_path(dp, key);
			problem(v, kp, "no level '%s' (the levels are %s)", key, mc_buf_str(&codes));
			free(kp);
			mc_buf_free(&codes);
			continue;
		}
		char *text = want_text(v, d, key, dp, 1, CATALOG_TEXT_MAX);
		if (text) {
			free(l->descriptor);
			l->descriptor = text;
		}
	}
	free(dp);
}

static void parse_part(struct vctx *v, json_t *o, const char *p, const struct catalog_level *shared,
		       int nshared, int shared_bad, struct catalog_part *part, struct seen_code **seen, int *nseen)
{
	check_keys(v, o, p, PART_KEYS);
	part->code = want_code(v, o, "code", p);
	part->kind = want_text(v, o, "kind", p, 1, CATALOG_CODE_MAX);
	if (part->kind && strcmp(part->kind, "overview") && strcmp(part->kind, "artifact") &&
	    strcmp(part->kind, "reflection")) {
		char *kp = field_path(p, "kind");
		problem(v, kp, "'%s' is not a kind of part (expected overview, artifact or reflection)", part->kind);
		free(kp);
	}
	part->title = want_text(v, o, "title", p, 1, CATALOG_TITLE_MAX);
	part->prompt = want_text(v, o, "prompt", p, 1, CATALOG_TEXT_MAX);
	long long mn = -1, mx = -1;
	int okmin = want_int(v, o, "min_words", p, 1, 0, CATALOG_WORDS_MAX, &mn) == 0;
	int okmax = want_int(v, o, "max_words", p, 1, 1, CATALOG_WORDS_MAX, &mx) == 0;
	if (okmin && okmax && mn >= 0 && mx >= 0 && mn > mx) {
		char *mp = field_path(p, "min_words");
		problem(v, mp, "%lld is more than max_words (%lld)", mn, mx);
		free(mp);
	}
	part->min_words = (int)mn;
	part->max_words = (int)mx;
	part->required = 1;
	json_t *req = json_object_get(o, "required");
	if (req && !json_is_boolean(req)) {
		char *rp = field_path(p, "required");
		problem(v, rp, "expected true or false");
		free(rp);
	} else if (req) {
		part->required = json_is_true(req);
	}
	json_t *crits = want_array(v, o, "criteria", p, CATALOG_CRITERIA_MAX, "criteria");
	if (!crits)
		return;
	part->ncriteria = (int)json_array_size(crits);
	part->criteria = mc_xcalloc((size_t)part->ncriteria, sizeof *part->criteria);
	for (int i = 0; i < part->ncriteria; i++) {
		json_t *co = json_array_get(crits, (size_t)i);
		char *cp = index_path(p, "criteria", (size_t)i);
		struct catalog_criterion *c = &part->criteria[i];
		c->seq = i + 1;
		if (!json_is_object(co)) {
			problem(v, cp, "expected a criterion: { \"code\", \"text\" }");
			free(cp);
			continue;
		}
		parse_criterion(v, co, cp, shared, nshared, shared_bad, c);
		if (c->code) {
			for (int k = 0; k < *nseen; k++) {
				if (strcmp((*seen)[k].code, c->code) == 0) {
					char *kp = field_path(cp, "code");
					problem(v, kp, "'%s' is already the code of %s (criterion codes are "
						"unique within a credential)", c->code, (*seen)[k].path);
					free(kp);
				}
			}
			*seen = mc_xrealloc(*seen, (size_t)(*nseen + 1) * sizeof **seen);
			(*seen)[*nseen].code = c->code;
			(*seen)[(*nseen)++].path = mc_xstrdup(cp);
		}
		free(cp);
	}
}

/* One credential object. Returns the model when it is valid, else NULL. `expect`
 * is the code the file name implies (NULL in a collection file). */
static struct catalog_rubric *parse_credential(struct vctx *v, json_t *o, const char *where,
					       const char *expect)
{
	int before = v->problems;
	free(v->prefix);
	v->prefix = mc_xstrdup(where);
	if (!json_is_object(o)) {
		problem(v, "", "expected a credential: { \"code\", \"pathway\", \"title\", ... }");
		free(v->prefix);
		v->prefix = NULL;
		return NULL;
	}
	struct catalog_rubric *r = mc_xcalloc(1, sizeof *r);
	json_t *code = json_object_get(o, "code");
	if (json_is_string(code) && code_ok(json_string_value(code)) &&
	    utf8_chars(json_string_value(code)) <= CATALOG_CODE_MAX) {
		free(v->prefix);
		v->prefix = mc_xasprintf("credential %s", json_string_value(code));
	}
	check_keys(v, o, "", CREDENTIAL_KEYS);
	r->credential = want_code(v, o, "code", "");
	if (r->credential && expect && strcmp(r->credential, expect) != 0)
		problem(v, "code", "'%s' does not match the file name (a credential's file is named "
			"CODE.json: %s.json)", r->credential, r->credential);
	r->pathway = want_code(v, o, "pathway", "");
	r->title = want_text(v, o, "title", "", 1, CATALOG_TITLE_MAX);
	r->competency = want_text(v, o, "competency", "", 1, CATALOG_TEXT_MAX);
	r->key_method = want_text(v, o, "key_method", "", 1, CATALOG_TEXT_MAX);
	free(want_text(v, o, "aligned_to", "", 0, CATALOG_TEXT_MAX));
	r->passing_rule = want_text(v, o, "passing_rule", "", 1, CATALOG_CODE_MAX);
	if (r->passing_rule && strcmp(r->passing_rule, "all_criteria_pass") != 0)
		problem(v, "passing_rule", "'%s' is not a passing rule (the one there is: all_criteria_pass)",
			r->passing_rule);

	struct catalog_level *shared = NULL;
	int nshared = 0, shared_bad = 0;
	json_t *lv = json_object_get(o, "levels");
	if (lv && parse_levels(v, lv, "levels", &shared, &nshared) != 0)
		shared_bad = 1;

	json_t *parts = want_array(v, o, "parts", "", CATALOG_PARTS_MAX, "parts");
	struct seen_code *seen = NULL;
	int nseen = 0;
	if (parts) {
		r->nparts = (int)json_array_size(parts);
		r->parts = mc_xcalloc((size_t)r->nparts, sizeof *r->parts);
		for (int i = 0; i < r->nparts; i++) {
			json_t *po = json_array_get(parts, (size_t)i);
			char *pp = index_path("", "parts", (size_t)i);
			struct catalog_part *part = &r->parts[i];
			part->seq = i + 1;
			if (!json_is_object(po)) {
				problem(v, pp, "expected a part: { \"code\", \"kind\", \"title\", ... }");
			} else {
				parse_part(v, po, pp, shared, nshared, shared_bad, part, &seen, &nseen);
				for (int k = 0; k < i && part->code; k++) {
					if (r->parts[k].code && strcmp(r->parts[k].code, part->code) == 0) {
						char *cp = field_path(pp, "code");
						problem(v, cp, "'%s' is already the code of parts[%d]", part->code, k);
						free(cp);
					}
				}
			}
			r->ncriteria += part->ncriteria;
			free(pp);
		}
	}
	for (int i = 0; i < nseen; i++)
		free(seen[i].path);
	free(seen);
	for (int i = 0; i < nshared; i++)
		level_clear(&shared[i]);
	free(shared);
	free(v->prefix);
	v->prefix = NULL;
	if (v->problems != before)
		catalog_rubric_free(&r);
	return r;
}

/* ---------------------------------------------------------------- sets of files */

struct cat_cred {
	struct catalog_rubric *r;
	char sha[MC_SHA256_HEX];
	char *file;
};

struct cat_path {
	struct catalog_pathway p;
	char *file;
};

/* A credential's pathway, checked once every file has been read (pathways.json
 * may come after it), whether or not the rest of the credential was valid. */
struct cat_ref {
	char *file, *credential, *pathway;
};

struct cat_set {
	struct cat_path *pw;
	int npw;
	struct cat_cred *cr;
	int ncr;
	struct cat_ref *refs;
	int nrefs;
	int files;
};

static void set_free(struct cat_set *set)
{
	for (int i = 0; i < set->npw; i++) {
		free(set->pw[i].p.code);
		free(set->pw[i].p.title);
		free(set->pw[i].file);
	}
	free(set->pw);
	for (int i = 0; i < set->ncr; i++) {
		catalog_rubric_free(&set->cr[i].r);
		free(set->cr[i].file);
	}
	free(set->cr);
	for (int i = 0; i < set->nrefs; i++) {
		free(set->refs[i].file);
		free(set->refs[i].credential);
		free(set->refs[i].pathway);
	}
	free(set->refs);
	memset(set, 0, sizeof *set);
}

static void parse_pathways(struct vctx *v, json_t *arr, struct cat_set *set)
{
	if (!json_is_array(arr)) {
		problem(v, "pathways", "expected a list of pathways in [ ]");
		return;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		char *p = index_path("", "pathways", i);
		if (!json_is_object(o)) {
			problem(v, p, "expected a pathway: { \"code\", \"title\", \"goal\" }");
			free(p);
			continue;
		}
		int before = v->problems;
		check_keys(v, o, p, PATHWAY_KEYS);
		char *code = want_code(v, o, "code", p);
		char *title = want_text(v, o, "title", p, 1, CATALOG_TITLE_MAX);
		free(want_text(v, o, "description", p, 0, CATALOG_TEXT_MAX));
		long long goal = 0;
		want_int(v, o, "goal", p, 0, 0, 1000000, &goal);
		for (int k = 0; code && k < set->npw; k++) {
			if (strcmp(set->pw[k].p.code, code) == 0) {
				char *cp = field_path(p, "code");
				problem(v, cp, "pathway '%s' is already defined in %s", code, set->pw[k].file);
				free(cp);
			}
		}
		if (v->problems == before) {
			set->pw = mc_xrealloc(set->pw, (size_t)(set->npw + 1) * sizeof *set->pw);
			struct cat_path *cp = &set->pw[set->npw++];
			memset(cp, 0, sizeof *cp);
			cp->p.code = code;
			cp->p.title = title;
			cp->p.goal = (int)goal;
			cp->file = mc_xstrdup(v->file);
		} else {
			free(code);
			free(title);
		}
		free(p);
	}
}

static void add_credential(struct vctx *v, struct cat_set *set, json_t *o, const char *where, const char *expect)
{
	json_t *code = json_object_get(o, "code"), *pw = json_object_get(o, "pathway");
	if (json_is_string(code) && json_is_string(pw) && code_ok(json_string_value(code)) &&
	    code_ok(json_string_value(pw))) {
		set->refs = mc_xrealloc(set->refs, (size_t)(set->nrefs + 1) * sizeof *set->refs);
		struct cat_ref *ref = &set->refs[set->nrefs++];
		ref->file = mc_xstrdup(v->file);
		ref->credential = mc_xstrdup(json_string_value(code));
		ref->pathway = mc_xstrdup(json_string_value(pw));
	}
	struct catalog_rubric *r = parse_credential(v, o, where, expect);
	if (!r)
		return;
	for (int k = 0; k < set->ncr; k++) {
		if (strcmp(set->cr[k].r->credential, r->credential) == 0) {
			char *pre = mc_xasprintf("credential %s", r->credential);
			v->prefix = pre;
			problem(v, "code", "'%s' is already defined in %s", r->credential, set->cr[k].file);
			v->prefix = NULL;
			free(pre);
			catalog_rubric_free(&r);
			return;
		}
	}
	set->cr = mc_xrealloc(set->cr, (size_t)(set->ncr + 1) * sizeof *set->cr);
	struct cat_cred *c = &set->cr[set->ncr++];
	c->r = r;
	c->file = mc_xstrdup(v->file);
	/* The canonical form decides whether a credential changed: key order and
	 * layout of the file do not matter, content does. */
	char *canon = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	mc_sha256_hex(canon, strlen(canon), c->sha);
	free(canon);
}

/* The code a credential file's name implies: "dir/TEAM-QUES.json" -> "TEAM-QUES". */
static char *code_from_name(const char *file)
{
	const char *b = strrchr(file, '/');
	b = b ? b + 1 : file;
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	return mc_xstrndup(b, n);
}

/* One file: {"pathways": [...]}, {"credentials": [...]} (or both), or one credential. */
static void parse_file(struct vctx *v, const char *file, struct cat_set *set)
{
	v->file = file;
	set->files++;
	struct stat sb;
	priv_user_begin(); /* a path the person names: read with their own rights */
	int big = stat(file, &sb) == 0 && sb.st_size > CATALOG_FILE_MAX;
	priv_user_end();
	if (big) {
		problem(v, "", "%lld bytes is larger than a catalog file may be (%d)", (long long)sb.st_size,
			CATALOG_FILE_MAX);
		return;
	}
	json_error_t je;
	priv_user_begin();
	json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	priv_user_end();
	if (!root) {
		struct mc_buf b = MC_BUF_INIT;
		if (je.line > 0)
			mc_buf_printf(&b, "%s:%d:%d: %s", file, je.line, je.column, je.text);
		else
			mc_buf_printf(&b, "%s: %s", file, je.text);
		v->problems++;
		if (v->report)
			v->report(v->rctx, mc_buf_str(&b));
		mc_buf_free(&b);
		return;
	}
	if (!json_is_object(root)) {
		problem(v, "", "expected an object in { }: one credential, or {\"pathways\": [...]}");
	} else if (json_object_get(root, "pathways") || json_object_get(root, "credentials")) {
		static const char *const keys[] = { "pathways", "credentials", NULL };
		check_keys(v, root, "", keys);
		json_t *pw = json_object_get(root, "pathways");
		if (pw)
			parse_pathways(v, pw, set);
		json_t *cr = json_object_get(root, "credentials");
		if (cr && !json_is_array(cr)) {
			problem(v, "credentials", "expected a list of credentials in [ ]");
		} else if (cr) {
			for (size_t i = 0; i < json_array_size(cr); i++) {
				char *where = mc_xasprintf("credentials[%zu]", i);
				add_credential(v, set, json_array_get(cr, i), where, NULL);
				free(where);
			}
		}
	} else {
		char *expect = code_from_name(file);
		add_credential(v, set, root, "credential", expect);
		free(expect);
	}
	json_decref(root);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json in a directory (not recursive), in name order. */
static int list_dir(const char *dir, char ***out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	priv_user_begin();
	DIR *d = opendir(dir);
	priv_user_end();
	if (!d)
		return mc_error_set(err, MC_FAIL, "%s: cannot read the directory: %s", dir, strerror(errno));
	size_t dl = strlen(dir);
	int slash = dl > 0 && dir[dl - 1] == '/';
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (e->d_name[0] == '.' || nl <= 5 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		*out = mc_xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		(*out)[(*n)++] = mc_xasprintf("%s%s%s", dir, slash ? "" : "/", e->d_name);
	}
	closedir(d);
	qsort(*out, (size_t)*n, sizeof **out, name_cmp);
	return MC_OK;
}

/* A pathway known to the files being read, or (when loading) to the database. */
struct known_ctx {
	struct store *s;
	struct mc_error *err;
	int failed;
};

static int pathway_known(struct cat_set *set, struct known_ctx *k, const char *code)
{
	for (int i = 0; i < set->npw; i++)
		if (strcmp(set->pw[i].p.code, code) == 0)
			return 1;
	int yes = 0;
	if (k && k->s && !k->failed && store_catalog_pathway_exists(k->s, code, &yes, k->err) != MC_OK)
		k->failed = 1;
	return yes;
}

/* Read PATH into set, reporting every problem. MC_FAIL only when PATH cannot be read. */
static int read_catalog(const char *path, struct vctx *v, struct cat_set *set, struct known_ctx *known,
			struct mc_error *err)
{
	memset(set, 0, sizeof *set);
	struct stat sb;
	priv_user_begin();
	int st = stat(path, &sb);
	int e = errno;
	priv_user_end();
	if (st != 0)
		return mc_error_set(err, MC_FAIL, "%s: %s", path, strerror(e));
	if (S_ISDIR(sb.st_mode)) {
		char **names;
		int n;
		if (list_dir(path, &names, &n, err) != MC_OK)
			return MC_FAIL;
		if (n == 0) {
			v->file = path;
			problem(v, "", "no catalog files (*.json) in this directory");
		}
		for (int i = 0; i < n; i++)
			parse_file(v, names[i], set);
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(names);
	} else {
		parse_file(v, path, set);
		/* A lone credential file takes its pathways from pathways.json beside it. */
		if (set->npw == 0) {
			const char *slash = strrchr(path, '/');
			char *pw = slash ? mc_xasprintf("%.*s/pathways.json", (int)(slash - path), path)
					 : mc_xstrdup("pathways.json");
			struct stat ps;
			priv_user_begin();
			int there = strcmp(pw, path) != 0 && stat(pw, &ps) == 0 && S_ISREG(ps.st_mode);
			priv_user_end();
			if (there) {
				parse_file(v, pw, set);
				set->files--;
			}
			free(pw);
		}
	}
	for (int i = 0; i < set->nrefs; i++) {
		struct cat_ref *c = &set->refs[i];
		if (!pathway_known(set, known, c->pathway)) {
			if (known && known->failed)
				return MC_FAIL;
			struct mc_buf list = MC_BUF_INIT;
			for (int k = 0; k < set->npw; k++)
				mc_buf_printf(&list, "%s%s", k ? ", " : "", set->pw[k].p.code);
			v->file = c->file;
			v->prefix = mc_xasprintf("credential %s", c->credential);
			problem(v, "pathway", "no pathway '%s' (%s%s)", c->pathway,
				set->npw ? "known: " : "no pathways are defined; add pathways.json",
				mc_buf_str(&list));
			free(v->prefix);
			v->prefix = NULL;
			mc_buf_free(&list);
		}
	}
	return MC_OK;
}

int catalog_validate(const char *path, void (*report)(void *ctx, const char *problem), void *ctx,
		     int *ncred, int *npath, struct mc_error *err)
{
	struct vctx v = { .report = report, .rctx = ctx };
	struct cat_set set;
	int rc = read_catalog(path, &v, &set, NULL, err);
	if (ncred)
		*ncred = set.ncr;
	if (npath)
		*npath = set.npw;
	set_free(&set);
	if (rc != MC_OK)
		return rc;
	if (v.problems)
		return mc_error_set(err, MC_INVALID, "%s: %d problem%s found; the catalog is not valid", path,
				    v.problems, v.problems == 1 ? "" : "s");
	return MC_OK;
}

/* ---------------------------------------------------------------- loading */

static void collect(void *ctx, const char *problem_text)
{
	struct mc_buf *b = ctx;
	mc_buf_printf(b, "\n  %s", problem_text);
}

static int load_pathway(struct store *s, const struct catalog_pathway *p, struct catalog_load_stats *st,
			struct mc_error *err)
{
	int changed, old_goal;
	char *old_title;
	if (store_catalog_pathway_upsert(s, p->code, p->title, p->goal, &changed, &old_title, &old_goal, err) != MC_OK)
		return MC_FAIL;
	if (!changed)
		return MC_OK;
	st->pathways++;
	char *subject = mc_xasprintf("pathway:%s", p->code);
	json_t *after = json_pack("{s:s, s:i}", "title", p->title, "goal", p->goal);
	json_t *before = changed == 2 ? json_pack("{s:s, s:i}", "title", old_title, "goal", old_goal) : NULL;
	char *a = json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT);
	char *b = before ? json_dumps(before, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	int rc = audit_append(s, "catalog", subject, b, a, err);
	free(a);
	free(b);
	json_decref(after);
	json_decref(before);
	free(subject);
	free(old_title);
	return rc;
}

static int load_credential(struct store *s, struct cat_cred *c, const char *now, struct catalog_load_stats *st,
			   struct mc_error *err)
{
	struct catalog_rubric *r = c->r;
	int found = 0, current = 0, rc = MC_FAIL;
	long long rowid = 0;
	char *old_sha = NULL;
	if (store_catalog_credential_get(s, r->credential, &found, &rowid, &current, &old_sha, err) != MC_OK)
		return MC_FAIL;
	if (found && current > 0 && old_sha && strcmp(old_sha, c->sha) == 0) {
		st->unchanged++;
		free(old_sha);
		return MC_OK;
	}
	if (!found && store_catalog_credential_insert(s, r->credential, r->pathway, r->title, &rowid, err) != MC_OK)
		goto out;
	int version = current + 1;
	if (store_catalog_rubric_insert(s, rowid, version, r, c->sha, now, session_user(s), err) != MC_OK ||
	    store_catalog_credential_set_current(s, rowid, version, r->pathway, r->title, err) != MC_OK)
		goto out;
	char *subject = mc_xasprintf("credential:%s", r->credential);
	char *after = mc_xasprintf("{\"sha256\":\"%s\",\"version\":%d}", c->sha, version);
	char *before = current > 0 ? mc_xasprintf("{\"sha256\":\"%s\",\"version\":%d}", old_sha, current) : NULL;
	rc = audit_append(s, "catalog", subject, before, after, err);
	free(subject);
	free(after);
	free(before);
	if (rc == MC_OK) {
		if (found && current > 0)
			st->changed++;
		else
			st->added++;
	}
out:
	free(old_sha);
	return rc;
}

int catalog_load_in_tx(struct store *s, const char *path, struct catalog_load_stats *st, struct mc_error *err)
{
	struct catalog_load_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
	struct mc_buf problems = MC_BUF_INIT;
	struct vctx v = { .report = collect, .rctx = &problems };
	struct known_ctx known = { .s = s, .err = err };
	struct cat_set set;
	int rc = read_catalog(path, &v, &set, &known, err);
	if (rc == MC_OK && v.problems)
		rc = mc_error_set(err, MC_INVALID, "%s: the catalog is not valid (%d problem%s); nothing was "
				  "loaded:%s", path, v.problems, v.problems == 1 ? "" : "s", mc_buf_str(&problems));
	mc_buf_free(&problems);
	char now[MC_TIME_LEN];
	mc_now(now);
	for (int i = 0; rc == MC_OK && i < set.npw; i++)
		rc = load_pathway(s, &set.pw[i].p, st, err);
	for (int i = 0; rc == MC_OK && i < set.ncr; i++)
		rc = load_credential(s, &set.cr[i], now, st, err);
	set_free(&set);
	return rc;
}

int catalog_load(struct store *s, const char *path, struct catalog_load_stats *st, struct mc_error *err)
{
	int rc = people_require(s, ROLE_ADMIN, "loading the catalog", err);
	if (rc != MC_OK)
		return rc;
	if (store_begin(s, err) != MC_OK)
		return MC_FAIL;
	rc = catalog_load_in_tx(s, path, st, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		if (st)
			memset(st, 0, sizeof *st);
	}
	return rc;
}

/* ---------------------------------------------------------------- the model from the database */

int catalog_rubric_get(struct store *s, long long rubric_id, struct catalog_rubric **out, struct mc_error *err)
{
	*out = NULL;
	struct catalog_rubric *r = mc_xcalloc(1, sizeof *r);
	int found = 0;
	if (store_catalog_rubric_read(s, rubric_id, r, &found, err) != MC_OK) {
		catalog_rubric_free(&r);
		return MC_FAIL;
	}
	if (!found) {
		catalog_rubric_free(&r);
		return mc_error_set(err, MC_FAIL, "catalog: no rubric with id %lld", rubric_id);
	}
	*out = r;
	return MC_OK;
}

int catalog_rubric_by_code(struct store *s, const char *code, int version, struct catalog_rubric **out,
			   struct mc_error *err)
{
	*out = NULL;
	int found = 0, current = 0;
	long long id = 0;
	if (store_catalog_rubric_find(s, code, version, &found, &id, &current, err) != MC_OK)
		return MC_FAIL;
	if (!found)
		return mc_error_set(err, MC_FAIL, "catalog: no credential '%s' (see 'mcassess catalog list')", code);
	if (!id) {
		if (current == 1)
			return mc_error_set(err, MC_FAIL, "catalog: credential '%s' has no version %d (it has "
					    "version 1 only)", code, version);
		return mc_error_set(err, MC_FAIL, "catalog: credential '%s' has no version %d (its versions "
				    "are 1 to %d)", code, version, current);
	}
	return catalog_rubric_get(s, id, out, err);
}

const struct catalog_criterion *catalog_criterion_find(const struct catalog_rubric *r, const char *code)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < r->nparts; i++)
			for (int j = 0; j < r->parts[i].ncriteria; j++) {
				const struct catalog_criterion *c = &r->parts[i].criteria[j];
				if (pass == 0 ? strcmp(c->code, code) == 0 : strcasecmp(c->code, code) == 0)
					return c;
			}
	return NULL;
}

const struct catalog_level *catalog_level_find(const struct catalog_criterion *c, const char *text)
{
	for (int i = 0; i < c->nlevels; i++)
		if (strcmp(c->levels[i].code, text) == 0)
			return &c->levels[i];
	for (int i = 0; i < c->nlevels; i++)
		if (strcasecmp(c->levels[i].label, text) == 0 || strcasecmp(c->levels[i].code, text) == 0)
			return &c->levels[i];
	if (*text && strspn(text, "0123456789") == strlen(text) && strlen(text) < 4) {
		int n = atoi(text);
		for (int i = 0; i < c->nlevels; i++)
			if (c->levels[i].seq == n)
				return &c->levels[i];
	}
	return NULL;
}

char *catalog_rubric_json(const struct catalog_rubric *r)
{
	json_t *parts = json_array();
	for (int i = 0; i < r->nparts; i++) {
		const struct catalog_part *p = &r->parts[i];
		json_t *crits = json_array();
		for (int j = 0; j < p->ncriteria; j++) {
			const struct catalog_criterion *c = &p->criteria[j];
			json_t *levels = json_array();
			for (int k = 0; k < c->nlevels; k++) {
				const struct catalog_level *l = &c->levels[k];
				json_array_append_new(levels, json_pack("{s:s, s:s, s:s, s:b}", "code", l->code,
									"label", l->label, "descriptor",
									l->descriptor, "passes", l->passes));
			}
			json_array_append_new(crits, json_pack("{s:s, s:s, s:o}", "code", c->code, "text", c->text,
							       "levels", levels));
		}
		json_array_append_new(parts, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o}", "code", p->code,
						       "title", p->title, "kind", p->kind, "prompt", p->prompt,
						       "min_words", p->min_words < 0 ? json_null() : json_integer(p->min_words),
						       "max_words", p->max_words < 0 ? json_null() : json_integer(p->max_words),
						       "required", p->required, "criteria", crits));
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			      "code", r->credential, "pathway", r->pathway, "pathway_title", r->pathway_title,
			      "title", r->title, "version", r->version, "current_version", r->current_version,
			      "competency", r->competency, "key_method", r->key_method,
			      "passing_rule", r->passing_rule, "sha256", r->source_sha256,
			      "loaded_at", r->loaded_at, "loaded_by", r->loaded_by, "parts", parts);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	char *out = mc_xstrdup(s);
	free(s);
	return out;
}

/* ---------------------------------------------------------------- listings */

int catalog_list(struct store *s, struct catalog_entry **out, int *n, struct mc_error *err)
{
	int rc = store_catalog_list(s, out, n, err);
	if (rc != MC_OK)
		catalog_list_free(out, *n);
	return rc;
}

void catalog_list_free(struct catalog_entry **e, int n)
{
	if (!e || !*e)
		return;
	for (int i = 0; i < n; i++) {
		free((*e)[i].code);
		free((*e)[i].pathway);
		free((*e)[i].title);
	}
	free(*e);
	*e = NULL;
}

int catalog_pathways(struct store *s, struct catalog_pathway **out, int *n, struct mc_error *err)
{
	int rc = store_catalog_pathways(s, out, n, err);
	if (rc != MC_OK)
		catalog_pathways_free(out, *n);
	return rc;
}

void catalog_pathways_free(struct catalog_pathway **p, int n)
{
	if (!p || !*p)
		return;
	for (int i = 0; i < n; i++) {
		free((*p)[i].code);
		free((*p)[i].title);
	}
	free(*p);
	*p = NULL;
}
