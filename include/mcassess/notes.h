/* notes.h: private notes on a submission (issue 11, item 6). Assessors (on the
 * submissions assigned to them), coordinators and admins (in their scope, see
 * access.h) keep notes that never reach the teacher: not in the feedback, not
 * in `export results`, not in a badge. A note written by someone holding a
 * read belongs to that read and is hidden from the other readers, as their
 * comments are: an assessor sees their own notes and the notes that belong to
 * no read (a coordinator's, an admin's). Each note is audited. */
#ifndef MCASSESS_NOTES_H
#define MCASSESS_NOTES_H
#include "mcassess/error.h"
#include "mcassess/store_notes.h"

struct store;

/* Add a note to submission `id` (text: UTF-8, at most 64 KiB, not blank). */
int notes_add(struct store *s, const char *id, const char *text, struct mc_error *err);
/* The notes on submission `id` the acting user may see, oldest first. */
int notes_list(struct store *s, const char *id, struct store_note **out, int *n, struct mc_error *err);
void notes_free(struct store_note **list, int n);
#endif
