/* text.h: UTF-8 validation, word counts, display width. */
#ifndef MCASSESS_TEXT_H
#define MCASSESS_TEXT_H
#include <stddef.h>
#include <stdio.h>

struct mc_buf;

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF, no NUL).
 * On failure *bad (if not NULL) is the byte offset of the first bad sequence. */
int text_utf8_valid(const char *s, size_t len, size_t *bad);
/* Length of the valid UTF-8 sequence at s[0..len) (1 for ASCII), or 0 if it is not one. */
size_t text_utf8_seq(const char *s, size_t len);

/* 1-based line and column (in characters) of byte offset `off` in s. */
void text_position(const char *s, size_t off, long *line, long *col);

/* Words as an assessor counts them: runs of letters/digits separated by spaces or
 * punctuation; each CJK ideograph, kana or hangul syllable counts as one word. */
long text_word_count(const char *s, size_t len);

/* Decode one UTF-8 code point at s (valid input); returns bytes consumed (>=1). */
int text_utf8_decode(const char *s, unsigned *cp);
/* Terminal cells a code point takes on its own (Unicode's East Asian width, from
 * utf8proc): 2 for wide and fullwidth, 0 for combining marks and joiners, 1 for
 * spacing marks and control characters (shown as a space), 1 otherwise. */
int text_cp_width(unsigned cp);
/* Grapheme clusters (what a reader sees as one character: a letter with its
 * marks, a Thai or Devanagari syllable part, a Hangul syllable made of jamo, an
 * emoji sequence joined by ZWJ, a flag). The end of the cluster that starts at
 * byte i of s[0..len) (stops at a NUL); the start of the cluster that ends at
 * (or contains) byte i-1, 0 when i is 0. */
size_t text_cluster_end(const char *s, size_t len, size_t i);
size_t text_cluster_start(const char *s, size_t len, size_t i);
/* Terminal cells one cluster s[0..len) takes: what curses and the terminal
 * give its code points, the vowel and final jamo joining the first. */
int text_cluster_width(const char *s, size_t len);
/* Terminal cells s[0..len) takes, cluster by cluster (NULL is 0). */
int text_width(const char *s, size_t len);
/* 1 if cp is a CJK ideograph, kana, or hangul (scripts written without spaces). */
int text_cp_is_cjk(unsigned cp);

/* Terminal-safe text: outside text (evidence, names, ids, file names, feedback,
 * messages quoting input) is shown to people with every control character made
 * visible, so that it can neither drive the terminal (ESC ] 52 writes the
 * clipboard, ESC ] 0 sets the window title) nor hide or reorder what is shown.
 *   TAB, LF, CR           \t  \n  \r   (kept as they are in TEXT_SAFE_LINES, which
 *                                     also reads CRLF as LF)
 *   other C0 and DEL      ^@ ... ^_, ^?   (ESC is ^[)
 *   C1 (U+0080-U+009F)    <U+009B>
 *   bidi overrides and    <U+202A>-<U+202E>, <U+2066>-<U+2069>
 *   isolates
 *   invalid UTF-8 bytes   \xNN, one per byte
 * Everything else, backslashes included, is copied unchanged. */
#define TEXT_SAFE_LINES 1  /* multi-line text: keep line breaks and tabs */
/* 1 for C0, DEL, C1 and the bidi overrides and isolates. */
int text_cp_is_control(unsigned cp);
/* Append s[0..len) to b with controls made visible (flags: 0 or TEXT_SAFE_LINES). */
void text_safe_append(struct mc_buf *b, const char *s, size_t len, int flags);
/* The same into a new string (caller frees; NULL gives ""). */
char *text_safe_dup(const char *s, int flags);
/* The same written to f (NULL writes nothing). */
void text_safe_fputs(const char *s, int flags, FILE *f);
#endif
