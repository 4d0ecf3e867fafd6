/* suggest.h: "did you mean": the known name nearest to what was typed, and the
 * lookups of names people type loosely (a district by the start of its name, a
 * code or an id in the wrong case). */
#ifndef MCASSESS_SUGGEST_H
#define MCASSESS_SUGGEST_H
#include <stddef.h>

#include "mcassess/error.h"

struct store;

/* Edits (insert, delete, replace, swap two neighbours) from a to b, ignoring
 * ASCII case: the optimal-string-alignment form of Damerau-Levenshtein. */
int suggest_distance(const char *a, const char *b);
/* The name nearest to `typed` among names[0..n-1] when it is near enough to be a
 * slip of the fingers (1 edit for names of up to 4 characters, 2 up to 8, 3
 * beyond); NULL when none is. */
const char *suggest_nearest(const char *typed, const char *const *names, size_t n);

/* Fill err for a submission id that is not there, "no submission 'wp-231'", and
 * say which one was meant when an id differs only in case. Returns MC_FAIL. */
int suggest_no_submission(struct store *s, const char *id, struct mc_error *err);

/* What a loosely typed name is, for suggest_resolve. */
enum suggest_kind { SUGGEST_DISTRICT, SUGGEST_CREDENTIAL, SUGGEST_PATHWAY };
struct suggest_name {
	enum suggest_kind kind;
	const char *what, *plural, *see; /* "district", "districts", where to list them (or NULL) */
	int prefix;                      /* the start of a name will do, when it names one */
	const char *may_be_new;          /* non-NULL: a name unlike any known one is new (*is_new),
					    and a near miss is refused with this hint */
};
/* *value made one of the known names (*owned, heap): equal but for case, or
 * (k->prefix) the only name it starts. MC_USAGE naming the candidates when it
 * starts several, or the nearest known name when it is none of them. */
int suggest_resolve(struct store *s, const struct suggest_name *k, const char **value, char **owned,
		    int *is_new, struct mc_error *err);
/* suggest_resolve for a district as a command line names it (--district):
 * its name in any case, or the start of the one name it starts. */
int suggest_district(struct store *s, const char **value, char **owned, struct mc_error *err);

/* ---------------------------------------------------------------- SQL side (store_names.c) */
/* Every district name, credential code or pathway code, sorted (heap; free with
 * suggest_names_free). */
int store_names(struct store *s, enum suggest_kind kind, char ***names, size_t *n, struct mc_error *err);
void suggest_names_free(char ***names, size_t n);
/* The id of the submission whose id equals `id` but for case (heap), or NULL. */
int store_submission_nocase(struct store *s, const char *id, char **found, struct mc_error *err);
#endif
