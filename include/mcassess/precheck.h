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

/* The SHA-256 (hex) of text's normalised form: letters in lower case (ASCII, Latin,
 * Greek, Cyrillic),
 * every run of white space one space, none at the ends. */
void precheck_norm_sha256(const char *text, size_t len, char out[65]);

/* ---------------------------------------------------------------- SQL side (store_precheck.c) */
/* Hash the normalised text of evidence rows above the highest one hashed
 * (migration 5: table evidence_norm; a range of the primary key). Writers of evidence (import, demo) call
 * it inside their transaction; alone, it takes one of its own (nothing when
 * nothing is pending, or the store is read-only or inside a read). *done (may
 * be NULL) gets the number of rows hashed. */
int store_precheck_catch_up(struct store *s, long long *done, struct mc_error *err);
/* Evidence of other educators' submissions with this sha256 (how "file") or
 * normalised hash (how "text"; or sha256 = exact, for rows not hashed yet):
 * the first by submission id, and how many (<= 100). */
int store_precheck_twin(struct store *s, long long submission_rowid, const char *how,
			const char *hash, const char *exact, char **other, char **other_part,
			int *count, struct mc_error *err);
/* The stored text of an evidence row (feedback = 0) or a feedback row (heap;
 * NULL when the row is gone or has no text). */
int store_precheck_row_text(struct store *s, int feedback, long long rowid, char **text,
			    struct mc_error *err);
/* The educator's real name (for masking it; never shown from here). */
int store_precheck_educator(struct store *s, long long submission_rowid, char **name,
			    struct mc_error *err);
/* The educator's school (heap; NULL when none), likewise only for masking. */
int store_precheck_school(struct store *s, long long submission_rowid, char **school,
			  struct mc_error *err);
#endif
