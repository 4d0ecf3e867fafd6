/* search_mask.c: search snippets as a blind viewer may see them: names
 * (the educator's own among them), e-mail addresses and phone numbers masked.
 * Matches are found in the whole stored text, so a name the snippet cuts in
 * half is masked too. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/access.h"
#include "mcassess/precheck.h"
#include "mcassess/queue.h"
#include "mcassess/redact.h"
#include "mcassess/search.h"
#include "mcassess/session.h"
#include "mcassess/util.h"


/* The snippet without its marks. */
static char *unmarked(const char *snippet)
{
	struct mc_buf b = MC_BUF_INIT;
	for (const char *p = snippet; *p; p++)
		if (*p != SEARCH_MARK_OPEN[0] && *p != SEARCH_MARK_CLOSE[0])
			mc_buf_addc(&b, *p);
	char *s = mc_buf_steal(&b);
	return s ? s : mc_xstrdup("");
}

/* Where the snippet's text starts in the stored text, and how many bytes at its
 * ends are its own ellipses; 0 when it cannot be placed. */
static int place(const char *text, size_t len, const char *snippet, size_t *at, size_t *head, size_t *tail)
{
	char *plain = unmarked(snippet);
	size_t pl = strlen(plain), el = strlen(SEARCH_ELLIPSIS);
	int found = 0;
	for (int cut = 3; cut >= 0 && !found; cut--) { /* with both ellipses cut, then fewer */
		size_t h = (cut & 1) && pl >= el && memcmp(plain, SEARCH_ELLIPSIS, el) == 0 ? el : 0;
		size_t t = (cut & 2) && pl >= h + el && memcmp(plain + pl - el, SEARCH_ELLIPSIS, el) == 0 ? el : 0;
		if (pl <= h + t)
			continue;
		const char *w = memmem(text, len, plain + h, pl - h - t);
		if (w) {
			*at = (size_t)(w - text);
			*head = h;
			*tail = t;
			found = 1;
		}
	}
	free(plain);
	return found;
}

static int mask_hit(struct store *s, struct redact_set *set, struct search_hit *h, struct mc_error *err)
{
	char *text = NULL;
	int rc = store_precheck_row_text(s, h->source == SEARCH_FEEDBACK, h->rowid, &text, err);
	size_t at = 0, head = 0, tail = 0, len = text ? strlen(text) : 0;
	char *masked = NULL;
	if (rc == MC_OK && text && place(text, len, h->snippet, &at, &head, &tail))
		rc = redact_mask_excerpt(set, text, len, at, h->snippet, head, tail, &masked, err);
	else if (rc == MC_OK) { /* not found as it is (the row changed): the snippet by itself */
		char *plain = unmarked(h->snippet);
		rc = redact_mask_excerpt(set, plain, strlen(plain), 0, h->snippet, 0, 0, &masked, err);
		free(plain);
	}
	if (rc == MC_OK) {
		free(h->snippet);
		h->snippet = masked;
	}
	free(text);
	return rc;
}

/* 1 when every marked match of a masked snippet is masks only: the hit was
 * found by the personal data itself, and showing it would confirm the name. */
static int only_masks(const char *snippet)
{
	int inside = 0, found = 0;
	for (const char *p = snippet; *p; p++) {
		if (*p == SEARCH_MARK_OPEN[0] || *p == SEARCH_MARK_CLOSE[0]) {
			inside = *p == SEARCH_MARK_OPEN[0];
			found |= inside;
		} else if (inside && *p == '[') {
			const char *e = strchr(p, ']');
			if (!e)
				return 0;
			p = e;
		} else if (inside && !strchr(" \t\n", *p))
			return 0;
	}
	return found;
}

/* One hit as the viewer may see it: masked where they score blind; *drop when
 * every match in it is personal data. */
static int mask_one(struct store *s, const struct queue_viewer *v, struct redact_set **set,
		    struct search_hit *h, int *drop, struct mc_error *err)
{
	struct queue_educator raw = { 0 };
	int assigned = 0;
	*drop = 0;
	int rc = store_queue_educator(s, h->submission_rowid, v->user, &raw, &assigned, err);
	if (rc == MC_OK && queue_viewer_blind(v, assigned) && h->snippet) {
		if (!*set)
			rc = redact_load(set, err);
		if (rc == MC_OK) {
			redact_set_person(*set, raw.name);
			redact_set_school(*set, raw.school);
			rc = mask_hit(s, *set, h, err);
		}
		*drop = rc == MC_OK && only_masks(h->snippet);
	}
	free((char *)raw.id);
	free((char *)raw.name);
	free((char *)raw.school);
	free((char *)raw.anon_id);
	return rc;
}

/* Between the search and the caller: each hit masked, then handed on. */
struct masker {
	struct store *s;
	struct queue_viewer v;
	struct redact_set *set;
	search_hit_fn fn;
	void *ctx;
	int rc;
	struct mc_error *err;
};

static int mask_and_give(void *ctx, struct search_hit *h)
{
	struct masker *m = ctx;
	int drop = 0;
	m->rc = mask_one(m->s, &m->v, &m->set, h, &drop, m->err);
	if (m->rc != MC_OK)
		return 1;
	return drop ? 0 : m->fn(m->ctx, h);
}

int precheck_search_each(struct store *s, const char *pattern, int regex, const struct search_opts *o,
			 search_hit_fn fn, void *ctx, struct mc_error *err)
{
	struct masker m = { .s = s, .fn = fn, .ctx = ctx, .rc = MC_OK, .err = err };
	int rc = access_refresh(s, err);
	if (rc == MC_OK)
		rc = queue_viewer_load(s, session_user(s), &m.v, err);
	if (rc == MC_OK)
		rc = regex ? search_regex_each(s, pattern, o, mask_and_give, &m, err)
			   : search_text_each(s, pattern, o, mask_and_give, &m, err);
	if (rc == MC_OK)
		rc = m.rc;
	redact_free(&m.set);
	queue_viewer_free(&m.v);
	return rc;
}

int precheck_search(struct store *s, const char *pattern, int regex, const struct search_opts *o,
		    struct search_hit **hits, int *n, struct mc_error *err)
{
	struct search_hit_list l = { 0 };
	int rc = precheck_search_each(s, pattern, regex, o, search_hit_list_add, &l, err);
	return search_hit_list_take(rc, &l, hits, n);
}
