/* regex_int.h: inside libmcsearch (and its unit test): how regex.c reads a pattern. */
#ifndef MCASSESS_REGEX_INT_H
#define MCASSESS_REGEX_INT_H

/* The literal every match of a compiled pattern contains, which rows are checked
 * for (memmem) before PCRE2 runs; "" when the pattern is not read that way. */
struct search_re;
const char *search_re_literal(const struct search_re *re);
/* 1 when every match begins with that literal (matching then starts where it is). */
int search_re_literal_at_start(const struct search_re *re);
#endif
