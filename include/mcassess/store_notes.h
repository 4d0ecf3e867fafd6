/* store_notes.h: the SQL behind notes.c (the note table). */
#ifndef MCASSESS_STORE_NOTES_H
#define MCASSESS_STORE_NOTES_H
#include "mcassess/error.h"

struct store;

struct store_note {
	char *author, *read, *body, *at; /* read NULL: the note belongs to no read */
};

/* The read `user` holds on submission `sub` (heap; NULL when none). */
int store_notes_read_of(struct store *s, long long sub, const char *user, char **read, struct mc_error *err);
int store_notes_add(struct store *s, const char *uid, long long sub, const struct store_note *n,
		    struct mc_error *err);
/* The notes on `sub` in the order written; `only_reader` not NULL: only the
 * notes of that user and those that belong to no read. */
int store_notes_list(struct store *s, long long sub, const char *only_reader, struct store_note **out, int *n,
		     struct mc_error *err);
void store_notes_free(struct store_note **list, int n);
#endif
