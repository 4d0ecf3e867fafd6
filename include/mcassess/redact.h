/* redact.h: personal data in evidence text (e-mail addresses, phone numbers,
 * names): found for the pre-checks, masked for blind viewers. PCRE2, 8-bit,
 * UTF mode with Unicode properties, JIT.
 *
 * Where the patterns come from (redact_load): every file of
 *   mc_data_dir()/redaction/                 (shipped: data/redaction)
 *   $XDG_CONFIG_HOME/mcassess/redaction/     (your own; ~/.config when unset)
 * A file of yours with the same name as a shipped one replaces it.
 *   *.patterns  one rule a line: FAMILY, spaces or a tab, then a PCRE2 pattern to
 *               the end of the line. FAMILY is lower case letters, digits and '-'
 *               ("e-mail", "phone", "student-id"); a match is masked as "[FAMILY]".
 *               Blank lines and lines starting with '#' are skipped.
 *   *.names     one name a line ("María José López", "王小明"), '#' comments: the
 *               family "name". Matched case-insensitively (Unicode case), accents
 *               respected (José is not Jose), as whole words: a name that begins
 *               or ends with a letter of a spaced script must not touch another
 *               letter there; Chinese and Japanese names match anywhere.
 * Other files are ignored. A pattern that does not compile is MC_INVALID:
 * "FILE:LINE: pattern does not compile: MESSAGE at offset N" (N in characters). */
#ifndef MCASSESS_REDACT_H
#define MCASSESS_REDACT_H
#include <stddef.h>

#include "mcassess/error.h"

#define REDACT_NAME "name"        /* the family of names from *.names and redact_add_name */
#define REDACT_SCHOOL "school"    /* redact_set_school */

struct redact_set;

struct redact_match {
	size_t start, end;        /* byte offsets, [start, end) */
	const char *family;       /* owned by the set */
};

/* An empty set (then redact_add_*), or the set from the two directories above. */
struct redact_set *redact_new(void);
int redact_load(struct redact_set **out, struct mc_error *err);
/* The same from explicit directories (NULL entries skipped), later ones replacing
 * files of the same name in earlier ones. A missing directory is no error. */
int redact_load_dirs(const char *const *dirs, int ndirs, struct redact_set **out,
		     struct mc_error *err);
/* One file of either kind (by its suffix). */
int redact_load_file(struct redact_set *set, const char *path, struct mc_error *err);
void redact_free(struct redact_set **set);

/* A rule; file/line say where it came from (for the error; NULL/0 = "pattern"). */
int redact_add_pattern(struct redact_set *set, const char *family, const char *pattern,
		       const char *file, long line, struct mc_error *err);
/* A name to find (family "name"); empty and whitespace-only names are ignored. */
void redact_add_name(struct redact_set *set, const char *name);
/* The educator whose evidence this is (replacing the one set before; NULL: none):
 * the whole name in any case, and each of its words of three characters or more
 * as written in the name ("María José López": also "María", "José", "López";
 * "Will Green": "Will" and "Green" but not "will" or "green"), family "name". */
void redact_set_person(struct redact_set *set, const char *name);
/* The educator's school, to mask for a blind viewer (replacing the one set
 * before; NULL: none): the whole name, any case, white space as any white
 * space, family "school". Not a pre-check: naming one's school is allowed, it
 * only tells a blind assessor who the teacher may be. */
void redact_set_school(struct redact_set *set, const char *school);

/* Rules and names in the set (families in the order first seen). */
int redact_nfamilies(const struct redact_set *set);
const char *redact_family(const struct redact_set *set, int i);
int redact_nnames(const struct redact_set *set);

/* Every match in text[0..len), sorted by start, none overlapping (where two
 * rules overlap, the earlier start wins, then the longer). Bytes that are not
 * UTF-8 are read as '?'. *out is heap (NULL when none). MC_FAIL on a matcher
 * limit. */
int redact_find(struct redact_set *set, const char *text, size_t len,
		struct redact_match **out, int *n, struct mc_error *err);

/* text with every match replaced by "[FAMILY]" (heap). *nmasked (may be NULL)
 * gets the number of matches masked. */
int redact_mask(struct redact_set *set, const char *text, size_t len, char **out, int *nmasked,
		struct mc_error *err);

/* The same for an excerpt of text with search marks (the bytes \x01 and \x02 of
 * search.h) in it: `excerpt` is `head` bytes of its own (an ellipsis), then
 * text[at..] with marks interleaved, then `tail` bytes of its own. Matches are
 * found in the whole text, so a name cut by the excerpt's edge is masked too; a
 * mark inside a masked span is moved to its edge (the mask is highlighted when
 * part of it was). */
int redact_mask_excerpt(struct redact_set *set, const char *text, size_t len, size_t at,
			const char *excerpt, size_t head, size_t tail, char **out,
			struct mc_error *err);
#endif
