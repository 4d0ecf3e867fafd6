/* precheck.c: the pre-checks of one submission (see precheck.h) and the
 * masking of its evidence for a viewer who scores blind. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/hash.h"
#include "mcassess/precheck.h"
#include "mcassess/redact.h"
#include "mcassess/show.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

const char *precheck_kind_name(enum precheck_kind k)
{
	static const char *const names[] = { "words", "missing", "duplicate", "personal" };
	return k >= PRECHECK_WORDS && k <= PRECHECK_PERSONAL ? names[k] : "?";
}

void precheck_free(struct precheck **pp)
{
	struct precheck *pc = *pp;
	if (!pc)
		return;
	for (int i = 0; i < pc->n; i++) {
		struct precheck_item *it = &pc->items[i];
		free(it->part);
		free(it->message);
		free(it->how);
		free(it->other);
		free(it->other_part);
		free(it->family);
	}
	free(pc->items);
	free(pc);
	*pp = NULL;
}

char **precheck_lines(const struct precheck *pc, int *n)
{
	char **lines = NULL;
	*n = 0;
	for (int i = 0; pc && i < pc->n; i++) {
		const struct precheck_item *it = &pc->items[i];
		if (it->ok)
			continue;
		int first = 1; /* personal data: the part's first family gathers the others */
		for (int k = 0; it->kind == PRECHECK_PERSONAL && k < i && first; k++)
			first = !(pc->items[k].kind == PRECHECK_PERSONAL && strcmp(pc->items[k].part, it->part) == 0);
		if (!first)
			continue;
		struct mc_buf b = MC_BUF_INIT;
		if (it->kind == PRECHECK_PERSONAL) {
			mc_buf_printf(&b, "%s: personal data:", it->part);
			for (int k = i; k < pc->n; k++)
				if (pc->items[k].kind == PRECHECK_PERSONAL && strcmp(pc->items[k].part, it->part) == 0)
					mc_buf_printf(&b, "%s %d %s", k == i ? "" : ",", pc->items[k].count,
						      pc->items[k].family);
		} else
			mc_buf_adds(&b, it->message);
		lines = mc_xrealloc(lines, (size_t)(*n + 1) * sizeof *lines);
		lines[(*n)++] = mc_buf_steal(&b);
	}
	return lines;
}

void precheck_lines_free(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static struct precheck_item *add(struct precheck *pc, enum precheck_kind kind, const char *part, int ok)
{
	pc->items = mc_xrealloc(pc->items, (size_t)(pc->n + 1) * sizeof *pc->items);
	struct precheck_item *it = &pc->items[pc->n++];
	*it = (struct precheck_item){ .kind = kind, .part = mc_xstrdup(part), .ok = ok,
				      .min_words = -1, .max_words = -1 };
	pc->problems += !ok;
	return it;
}

static void words_check(struct precheck *pc, const struct show_part *p)
{
	if (p->min_words < 0 && p->max_words < 0)
		return;
	struct precheck_item *it = add(pc, PRECHECK_WORDS, p->code, p->out_of_range == 0);
	it->words = p->words;
	it->min_words = p->min_words;
	it->max_words = p->max_words;
	const char *s = p->words == 1 ? "" : "s";
	if (p->out_of_range < 0)
		it->message = mc_xasprintf("%s: %lld word%s, under the minimum of %lld", p->code, p->words, s,
					   p->min_words);
	else if (p->out_of_range > 0)
		it->message = mc_xasprintf("%s: %lld word%s, over the maximum of %lld", p->code, p->words, s,
					   p->max_words);
	else
		it->message = mc_xasprintf("%s: %lld word%s, within the limits", p->code, p->words, s);
}

static int duplicate_check(struct store *s, const struct show_submission *m, struct precheck *pc,
			   const struct show_evidence *e, struct mc_error *err)
{
	int file = strcmp(e->kind, "file") == 0;
	char hash[MC_SHA256_HEX];
	if (file) {
		if (!e->sha256 || e->size == 0)
			return MC_OK;
		snprintf(hash, sizeof hash, "%s", e->sha256);
	} else {
		if (!e->text || e->words < PRECHECK_COPY_MIN_WORDS)
			return MC_OK;
		precheck_norm_sha256(e->text, strlen(e->text), hash);
	}
	char *other = NULL, *other_part = NULL;
	int count = 0;
	int rc = store_precheck_twin(s, m->rowid, file ? "file" : "text", hash, e->sha256, &other, &other_part,
				     &count, err);
	if (rc != MC_OK || !other) {
		free(other);
		free(other_part);
		return rc;
	}
	struct precheck_item *it = add(pc, PRECHECK_DUPLICATE, e->part_code, 0);
	it->how = mc_xstrdup(file ? "file" : "text");
	it->other = other;
	it->other_part = other_part;
	it->others = count;
	/* never the file's name: a blind viewer sees it masked, and this line is not */
	const char *what = file ? "a file" : "the text";
	if (count > 1)
		it->message = mc_xasprintf("%s: %s is identical to evidence in %s (%s) and %d%s more of "
					   "other educators", e->part_code, what, other, other_part, count - 1,
					   count >= 100 ? " or" : "");
	else
		it->message = mc_xasprintf("%s: %s is identical to evidence in %s (%s) of another educator",
					   e->part_code, what, other, other_part);
	return MC_OK;
}

/* Personal data in one part: a count per family, in the set's family order. */
static int personal_check(struct redact_set *set, const struct show_submission *m, struct precheck *pc,
			  const char *part, struct mc_error *err)
{
	int nf = redact_nfamilies(set);
	int *count = mc_xcalloc((size_t)(nf ? nf : 1), sizeof *count);
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < m->nevidence; i++) {
		const struct show_evidence *e = &m->evidence[i];
		if (strcmp(e->part_code, part) != 0 || !e->text)
			continue;
		struct redact_match *mt;
		int n;
		rc = redact_find(set, e->text, strlen(e->text), &mt, &n, err);
		for (int k = 0; rc == MC_OK && k < n; k++)
			for (int f = 0; f < nf; f++)
				if (strcmp(redact_family(set, f), mt[k].family) == 0)
					count[f]++;
		if (rc == MC_OK)
			free(mt);
	}
	for (int f = 0; rc == MC_OK && f < nf; f++) {
		if (!count[f])
			continue;
		struct precheck_item *it = add(pc, PRECHECK_PERSONAL, part, 0);
		it->family = mc_xstrdup(redact_family(set, f));
		it->count = count[f];
		it->message = mc_xasprintf("%s: personal data: %d × %s", part, count[f], it->family);
	}
	free(count);
	return rc;
}

static int part_checks(struct store *s, const struct show_submission *m, struct redact_set *set,
		       struct precheck *pc, const char *part, const struct show_part *p, struct mc_error *err)
{
	if (p) {
		if (p->nitems > 0)
			words_check(pc, p); /* a part with nothing in it is "missing", not "0 words" */
		else {
			struct precheck_item *it = add(pc, PRECHECK_MISSING, p->code, 0);
			it->message = mc_xasprintf("%s: no evidence for this part", p->code);
		}
	}
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < m->nevidence; i++)
		if (strcmp(m->evidence[i].part_code, part) == 0)
			rc = duplicate_check(s, m, pc, &m->evidence[i], err);
	if (rc == MC_OK)
		rc = personal_check(set, m, pc, part, err);
	return rc;
}

int precheck_run(struct store *s, const struct show_submission *m, struct redact_set *set,
		 struct precheck **out, struct mc_error *err)
{
	*out = NULL;
	struct precheck *pc = mc_xcalloc(1, sizeof *pc);
	int rc = MC_OK;
	for (int p = 0; rc == MC_OK && p < m->nparts; p++)
		rc = part_checks(s, m, set, pc, m->parts[p].code, &m->parts[p], err);
	/* evidence under a part code the rubric does not have: once per code */
	for (int i = 0; rc == MC_OK && i < m->nevidence; i++) {
		int first = m->evidence[i].part < 0;
		for (int k = 0; first && k < i; k++)
			first = strcmp(m->evidence[k].part_code, m->evidence[i].part_code) != 0;
		if (first)
			rc = part_checks(s, m, set, pc, m->evidence[i].part_code, NULL, err);
	}
	if (rc != MC_OK) {
		precheck_free(&pc);
		return rc;
	}
	*out = pc;
	return MC_OK;
}

static int mask_field(struct redact_set *set, char **field, struct mc_error *err)
{
	char *masked = NULL;
	if (!*field)
		return MC_OK;
	int rc = redact_mask(set, *field, strlen(*field), &masked, NULL, err);
	if (rc == MC_OK) {
		free(*field);
		*field = masked;
	}
	return rc;
}

static int mask_scores(struct redact_set *set, struct show_score *sc, int n, struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < n; i++)
		rc = mask_field(set, &sc[i].comment, err);
	return rc;
}

/* What a blind viewer sees, in the model only: evidence text and file names,
 * and what assessors wrote (feedback, comments, reasons; they may address the
 * educator by name), of this attempt and the earlier ones, masked. */
static int mask(struct redact_set *set, struct show_submission *m, struct mc_error *err)
{
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < m->nevidence; i++) {
		rc = mask_field(set, &m->evidence[i].text, err);
		if (rc == MC_OK)
			rc = mask_field(set, &m->evidence[i].file, err);
	}
	if (rc == MC_OK)
		rc = mask_field(set, &m->feedback, err);
	if (rc == MC_OK)
		rc = mask_field(set, &m->decision_reason, err);
	if (rc == MC_OK)
		rc = mask_scores(set, m->scores, m->nscores, err);
	for (int h = 0; rc == MC_OK && h < m->nhistory; h++) {
		struct show_attempt *a = &m->history[h];
		rc = mask_field(set, &a->feedback, err);
		if (rc == MC_OK)
			rc = mask_field(set, &a->decision_reason, err);
		if (rc == MC_OK)
			rc = mask_scores(set, a->scores, a->nscores, err);
	}
	return rc;
}

int precheck_show(struct store *s, struct show_submission *m, struct mc_error *err)
{
	struct redact_set *set = NULL;
	char *name = NULL;
	int rc = redact_load(&set, err);
	if (rc == MC_OK)
		rc = store_precheck_educator(s, m->rowid, &name, err);
	if (rc == MC_OK) {
		redact_set_person(set, name);
		rc = precheck_run(s, m, set, &m->checks, err);
	}
	if (rc == MC_OK && m->blind) {
		char *school = NULL;
		rc = store_precheck_school(s, m->rowid, &school, err);
		redact_set_school(set, school); /* masked for a blind viewer, not a finding */
		free(school);
		if (rc == MC_OK)
			rc = mask(set, m, err);
	}
	free(name);
	redact_free(&set);
	return rc;
}

/* ---------------------------------------------------------------- terms to mark */
/* Each distinct personal-data match in `text` added to terms (heap strings). */
static int add_terms(struct redact_set *set, const char *text, char ***terms, int *n, struct mc_error *err)
{
	struct redact_match *ms = NULL;
	int nm = 0;
	if (!text || redact_find(set, text, strlen(text), &ms, &nm, err) != MC_OK)
		return text ? MC_FAIL : MC_OK;
	for (int i = 0; i < nm; i++) {
		char *t = mc_xstrndup(text + ms[i].start, ms[i].end - ms[i].start);
		int seen = 0;
		for (int j = 0; j < *n && !seen; j++)
			seen = strcmp((*terms)[j], t) == 0;
		if (seen) {
			free(t);
			continue;
		}
		*terms = mc_xrealloc(*terms, (size_t)(*n + 1) * sizeof **terms);
		(*terms)[(*n)++] = t;
	}
	free(ms);
	return MC_OK;
}

int precheck_personal_terms(struct store *s, const struct show_submission *m, char ***terms, int *n,
			    struct mc_error *err)
{
	*terms = NULL;
	*n = 0;
	if (m->blind) /* what is shown is masked already */
		return MC_OK;
	struct redact_set *set = NULL;
	char *name = NULL;
	int rc = redact_load(&set, err);
	if (rc == MC_OK)
		rc = store_precheck_educator(s, m->rowid, &name, err);
	if (rc == MC_OK)
		redact_set_person(set, name);
	for (int i = 0; rc == MC_OK && i < m->nevidence; i++)
		rc = add_terms(set, m->evidence[i].text, terms, n, err);
	if (rc != MC_OK) {
		precheck_lines_free(*terms, *n);
		*terms = NULL;
		*n = 0;
	}
	free(name);
	redact_free(&set);
	return rc;
}
