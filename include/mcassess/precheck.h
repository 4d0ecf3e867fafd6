/* precheck.h: what an assessor should know before scoring a submission, found
 * by the program: each part's word count against the catalog's limits, parts
 * with no evidence, evidence identical to another educator's (a sign of copied
 * work), and personal data in the evidence (redact.h's patterns: submissions
 * must not name teachers or students). show_load() runs them (show.h: checks)
 * and, for a viewer who scores blind, masks the evidence text it shows; the
 * stored evidence is never changed. */
#ifndef MCASSESS_PRECHECK_H
#define MCASSESS_PRECHECK_H
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/hash.h" /* precheck_norm_sha256, declared there since the store uses it */
#include "mcassess/store_precheck.h"

struct store;
struct show_submission;
struct redact_set;
struct search_hit;
struct search_opts;

/* Texts shorter than this many words are not compared with other educators'
 * ("N/A", "see attached" are the same everywhere and copy nothing). */
#define PRECHECK_COPY_MIN_WORDS 10

enum precheck_kind {
	PRECHECK_WORDS,      /* a part with a word limit: ok or not */
	PRECHECK_MISSING,    /* a part of the rubric with no evidence */
	PRECHECK_DUPLICATE,  /* an item identical to one of another educator's submissions */
	PRECHECK_PERSONAL,   /* personal data in a part: one item per family */
};

struct precheck_item {
	enum precheck_kind kind;
	char *part;              /* part code */
	int ok;                  /* 1 only for a word count within its limits */
	char *message;           /* one line for people, starting with the part */
	/* PRECHECK_WORDS */
	long long words, min_words, max_words; /* limits -1 when absent */
	/* PRECHECK_DUPLICATE */
	char *how;               /* "file" (same SHA-256) or "text" (same normalised text) */
	char *other, *other_part;/* the first other submission holding it, and its part */
	int others;              /* evidence items of other educators holding it (at most 100) */
	/* PRECHECK_PERSONAL */
	char *family;
	int count;
};

struct precheck {
	struct precheck_item *items;
	int n;
	int problems;            /* items that are not ok */
};

/* The problems as lines for people (heap strings, *n of them): one a check,
 * except personal data, one line a part ("overview: personal data: 1 e-mail,
 * 2 name"). */
char **precheck_lines(const struct precheck *pc, int *n);
void precheck_lines_free(char **lines, int n);
/* The personal data the checks find in the evidence as `m` shows it, each
 * distinct matched text once (heap strings; free with precheck_lines_free), so
 * the workstation can mark it where it stands. None for a blind viewer, whose
 * evidence is masked already. */
int precheck_personal_terms(struct store *s, const struct show_submission *m, char ***terms, int *n,
			    struct mc_error *err);

/* "words", "missing", "duplicate", "personal": the JSON name of a kind. */
const char *precheck_kind_name(enum precheck_kind k);

/* Run the checks on a loaded submission (m->evidence unmasked) with `set`
 * (its person set to the educator by the caller). A read: never writes. */
int precheck_run(struct store *s, const struct show_submission *m, struct redact_set *set,
		 struct precheck **out, struct mc_error *err);
void precheck_free(struct precheck **pc);

/* What show_load() calls: load the patterns (redact_load), add the educator's
 * own name, run the checks into m->checks, and mask m's evidence text when
 * m->blind. A bad pattern file is MC_INVALID (FILE:LINE: ...). */
int precheck_show(struct store *s, struct show_submission *m, struct mc_error *err);

/* Search (search_text, or search_regex when `regex`) as the acting user (the
 * store's session) may: only submissions in their scope (access.h), and in the
 * ones they score blind, snippets with names (the educator's own and the
 * lists'), e-mail addresses and phone numbers masked (search_mask.c). A hit
 * whose every match is masked is dropped (searching for a name must not
 * confirm it). Nothing leaves here unmasked: callers have nothing to remember. */
int precheck_search(struct store *s, const char *pattern, int regex, const struct search_opts *o,
		    struct search_hit **hits, int *n, struct mc_error *err);
/* The same, streamed: each hit masked as above, then handed to fn as it is made (fn
 * may take its strings; returns non-zero to stop), so that memory does not grow with
 * the number of hits (`search --limit 0`). `o->limit` counts hits before a masked one
 * is left out, as precheck_search's does. */
int precheck_search_each(struct store *s, const char *pattern, int regex, const struct search_opts *o,
			 int (*fn)(void *ctx, struct search_hit *hit), void *ctx, struct mc_error *err);

#endif
