/* text.h: UTF-8 validation, word counts, display width. */
#ifndef MCASSESS_TEXT_H
#define MCASSESS_TEXT_H
#include <stddef.h>

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF, no NUL).
 * On failure *bad (if not NULL) is the byte offset of the first bad sequence. */
int text_utf8_valid(const char *s, size_t len, size_t *bad);

/* 1-based line and column (in characters) of byte offset `off` in s. */
void text_position(const char *s, size_t off, long *line, long *col);

/* Words as an assessor counts them: runs of letters/digits separated by spaces or
 * punctuation; each CJK ideograph, kana or hangul syllable counts as one word. */
long text_word_count(const char *s, size_t len);

/* Decode one UTF-8 code point at s (valid input); returns bytes consumed (>=1). */
int text_utf8_decode(const char *s, unsigned *cp);
/* Terminal cells a code point takes: 2 for East Asian wide/fullwidth, 0 for
 * combining marks, 1 otherwise. */
int text_cp_width(unsigned cp);
/* Terminal cells s[0..len) takes (valid UTF-8; NULL is 0). */
int text_width(const char *s, size_t len);
/* 1 if cp is a CJK ideograph, kana, or hangul (scripts written without spaces). */
int text_cp_is_cjk(unsigned cp);
#endif
