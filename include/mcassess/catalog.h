/* catalog.h: the credential catalog. JSON files (data/catalog/) are validated and
 * loaded into versioned rubrics: a changed credential gets a new rubric version and
 * the old one stays untouched, because submissions point at the version they were
 * submitted under. The rubric model here is what scoring, show and the TUI display.
 *
 * Files (data/catalog/ is the model; catalog_validate() is the reference):
 *   pathways.json  {"pathways": [{"code", "title", "goal", "description"?}]}
 *   CODE.json      one credential: {"code", "pathway", "title", "competency",
 *                  "key_method", "aligned_to"?, "passing_rule": "all_criteria_pass",
 *                  "levels": [{"code", "label", "descriptor", "passes"}] (lowest first,
 *                  shared by every criterion), "parts": [{"code", "kind" (overview |
 *                  artifact | reflection), "title", "prompt", "min_words", "max_words"
 *                  (null = no limit), "required"?, "criteria": [{"code", "text",
 *                  "levels"? (its own), "descriptors"? {"LEVEL": "text"}}]}]}
 *   A file may also hold {"credentials": [...]} (with or without "pathways").
 * The canonical form (keys sorted, compact) is hashed: a credential whose hash
 * differs from its current rubric's gets a new version. "aligned_to" and a
 * pathway's "description" are checked and hashed but not stored. */
#ifndef MCASSESS_CATALOG_H
#define MCASSESS_CATALOG_H
#include "mcassess/error.h"
#include "mcassess/store_catalog.h"

struct store;

/* Limits a catalog file must respect (in characters, i.e. code points). */
#define CATALOG_CODE_MAX 40       /* credential, pathway, part, criterion, level codes */
#define CATALOG_TITLE_MAX 200     /* titles and labels */
#define CATALOG_TEXT_MAX 4000     /* competency, key method, prompts, criteria, descriptors */
#define CATALOG_WORDS_MAX 100000  /* a part's min_words / max_words */

/* ---------------------------------------------------------------- files */

/* Check a catalog file or a directory of them (*.json, not recursive). Every
 * problem goes to report() as one line:
 *   "FILE:LINE:COLUMN: jansson's message"                          (malformed JSON)
 *   "FILE: credentials TEAM-QUES: parts[1].criteria[0].levels[2].passes: expected true or false"
 * Returns MC_OK when valid, MC_INVALID when any problem was reported (err then says
 * how many), MC_FAIL when PATH cannot be read. *ncred / *npath (may be NULL) receive
 * the counts of credentials and pathways found. */
int catalog_validate(const char *path, void (*report)(void *ctx, const char *problem), void *ctx,
		     int *ncred, int *npath, struct mc_error *err);

struct catalog_load_stats {
	int pathways;     /* pathways inserted or updated */
	int added;        /* new credentials (version 1) */
	int changed;      /* credentials given a new rubric version */
	int unchanged;
};

/* Validate PATH (a file or directory), then in one transaction upsert the pathways
 * and give each new or changed credential a new rubric version (audited as
 * "catalog" on "credential:CODE"). Invalid input: MC_INVALID with every problem in
 * err->msg (one a line), nothing changed. Only admins may load (people_require),
 * except inside setup_init (which calls catalog_load_unchecked). */
int catalog_load(struct store *s, const char *path, struct catalog_load_stats *st, struct mc_error *err);
/* The same without the admin check; the caller must hold a transaction
 * (store_begin) and commit or roll back itself. Used by setup_init. */
int catalog_load_in_tx(struct store *s, const char *path, struct catalog_load_stats *st,
		       struct mc_error *err);

/* ---------------------------------------------------------------- the model (store_catalog.h) */

/* The rubric with this internal id (a submission's rubric_id); MC_FAIL if none. */
int catalog_rubric_get(struct store *s, long long rubric_id, struct catalog_rubric **out,
		       struct mc_error *err);
/* A credential's rubric by code: version 0 = the current one. Unknown code:
 * MC_FAIL "catalog: no credential 'X' (see 'mcassess catalog list')"; unknown
 * version: MC_FAIL naming the versions there are. */
int catalog_rubric_by_code(struct store *s, const char *code, int version, struct catalog_rubric **out,
			   struct mc_error *err);
void catalog_rubric_free(struct catalog_rubric **r);

/* The rubric as `catalog show --format json` prints it (DESIGN.md "Machine output",
 * plus kind, prompt, required, key_method, ...); heap, caller frees. */
char *catalog_rubric_json(const struct catalog_rubric *r);

/* Find a criterion by code (exact, then any case); NULL if none. */
const struct catalog_criterion *catalog_criterion_find(const struct catalog_rubric *r, const char *code);
/* Find a level as typed on a command line: its code, its label (any case) or its
 * 1-based number; NULL if none. */
const struct catalog_level *catalog_level_find(const struct catalog_criterion *c, const char *text);

/* ---------------------------------------------------------------- listings (store_catalog.h) */

/* All credentials ordered by pathway (catalog order) then code; all pathways in
 * the order they were loaded. Free with the matching _free (nulls the pointer). */
int catalog_list(struct store *s, struct catalog_entry **out, int *n, struct mc_error *err);
void catalog_list_free(struct catalog_entry **e, int n);
int catalog_pathways(struct store *s, struct catalog_pathway **out, int *n, struct mc_error *err);
void catalog_pathways_free(struct catalog_pathway **p, int n);

#endif
