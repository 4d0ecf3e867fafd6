/* show.h: one submission as a viewer may see it: educator (through
 * queue_educator_seen), evidence by part with word counts against the part's
 * limits, the rubric with the scores, feedback, decision and history (earlier
 * attempts and this submission's audit events). The CLI prints it as text or
 * JSON; the TUI draws it. */
#ifndef MCASSESS_SHOW_H
#define MCASSESS_SHOW_H
#include "mcassess/error.h"
#include "mcassess/store_show.h"
#include "mcassess/util.h"

struct store;

/* Load submission `id` (the imported id) as the acting user (the store's
 * session) may see it: refused as access_submission says ("no submission 'X'",
 * "X is not assigned to you", ...), masked as the blind rule says. */
int show_load(struct store *s, const char *id, struct show_submission **out, struct mc_error *err);
void show_free(struct show_submission **sub);

/* Each evidence item's part (by its code), and each part's items, words and
 * whether they are within its limits: after the parts and evidence are loaded. */
void show_part_words(struct show_submission *m);

/* "3 of 5 criteria scored, 2 pass" (heap). */
char *show_summary(const struct show_submission *sub);

/* Terminal cells the UTF-8 string takes (wide CJK characters count two). */
int show_text_width(const char *s);
/* Append `text` wrapped to `width` cells to out, each line starting with `indent`:
 * breaks at spaces, or between any two wide (CJK) characters, or inside a word too
 * long for a line; keeps the text's own line breaks. */
void show_wrap(struct mc_buf *out, const char *text, int width, const char *indent);
#endif
