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

static void hit_clear(struct search_hit *h)
{
	free(h->submission);
	free(h->part);
	free(h->snippet);
	memset(h, 0, sizeof *h);
}

static int mask_hits(struct store *s, const char *viewer, struct search_hit *hits, int *nhits,
		     struct mc_error *err)
{
	int n = *nhits, kept = 0;
	struct queue_viewer v;
	int rc = queue_viewer_load(s, viewer, &v, err);
	struct redact_set *set = NULL;
	for (int i = 0; rc == MC_OK && i < n; i++) {
		struct queue_educator raw = { 0 };
		int assigned = 0, drop = 0;
		rc = store_queue_educator(s, hits[i].submission_rowid, v.user, &raw, &assigned, err);
		if (rc == MC_OK && queue_viewer_blind(&v, assigned) && hits[i].snippet) {
			if (!set)
				rc = redact_load(&set, err);
			if (rc == MC_OK) {
				redact_set_person(set, raw.name);
				redact_set_school(set, raw.school);
				rc = mask_hit(s, set, &hits[i], err);
			}
			drop = rc == MC_OK && only_masks(hits[i].snippet);
		}
		free((char *)raw.id);
		free((char *)raw.name);
		free((char *)raw.school);
		free((char *)raw.anon_id);
		if (drop)
			hit_clear(&hits[i]);
		else if (rc == MC_OK) {
			if (kept != i) {
				hits[kept] = hits[i];
				memset(&hits[i], 0, sizeof hits[i]);
			}
			kept++;
		}
	}
	if (rc == MC_OK)
		*nhits = kept;
	redact_free(&set);
	queue_viewer_free(&v);
	return rc;
}

int precheck_search(struct store *s, const char *pattern, int regex, const struct search_opts *o,
		    struct search_hit **hits, int *n, struct mc_error *err)
{
	*hits = NULL;
	*n = 0;
	int rc = access_refresh(s, err);
	if (rc == MC_OK)
		rc = regex ? search_regex(s, pattern, o, hits, n, err) : search_text(s, pattern, o, hits, n, err);
	if (rc == MC_OK)
		rc = mask_hits(s, session_user(s), *hits, n, err);
	if (rc != MC_OK) {
		search_hits_free(hits, *n);
		*n = 0;
	}
	return rc;
}
