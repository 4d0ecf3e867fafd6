/* store_precheck.h: the SQL behind the pre-checks (store_precheck.c): the
 * normalised-text hashes of evidence, twins across educators, and the names masked. */
#ifndef MCASSESS_STORE_PRECHECK_H
#define MCASSESS_STORE_PRECHECK_H
#include "mcassess/error.h"

struct store;

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
/* The required parts of submission `submission_rowid`'s rubric that have no
 * evidence, as "CODE (Title)", in rubric order (a heap array of heap strings). */
int store_precheck_missing_parts(struct store *s, long long submission_rowid, char ***parts, int *n,
				 struct mc_error *err);
#endif
