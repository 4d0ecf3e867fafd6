/* text.c: UTF-8 validation, positions, word counts, grapheme clusters and cell
 * widths (from utf8proc). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <utf8proc.h>

#include "mcassess/text.h"
#include "mcassess/util.h"

int text_utf8_valid(const char *str, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;
		if (c == 0)
			goto fail;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			cp = c & 0x07;
		} else
			goto fail;
		if (i + n > len)
			goto fail;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += n;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

void text_position(const char *s, size_t off, long *line, long *col)
{
	long l = 1, c = 1;
	for (size_t i = 0; i < off && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		/* a line ends at LF, CRLF or a lone CR (old Mac files) */
		if (ch == '\n' || (ch == '\r' && s[i + 1] != '\n')) {
			l++;
			c = 1;
		} else if (ch != '\r' && (ch & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int text_utf8_decode(const char *str, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
		return 4;
	}
	*cp = 0xfffd; /* invalid: consume one byte */
	return 1;
}

int text_cp_is_cjk(unsigned cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff) ||   /* hiragana, katakana */
	       (cp >= 0x3400 && cp <= 0x4dbf) ||   /* CJK extension A */
	       (cp >= 0x4e00 && cp <= 0x9fff) ||   /* CJK unified ideographs */
	       (cp >= 0xac00 && cp <= 0xd7a3) ||   /* hangul syllables */
	       (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
	       (cp >= 0x20000 && cp <= 0x3134f);   /* extensions B-G */
}

static int is_word_char(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		       cp == '\'' || cp == '_';
	/* General punctuation and CJK punctuation separate words; other letters join them. */
	if ((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xff00 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) || cp == 0xa0 ||
	    (cp >= 0x80 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7)
		return 0;
	return 1;
}

long text_word_count(const char *s, size_t len)
{
	long words = 0;
	int in_word = 0;
	size_t i = 0;
	while (i < len) {
		unsigned cp;
		i += (size_t)text_utf8_decode(s + i, &cp);
		if (text_cp_is_cjk(cp)) {
			words++;
			in_word = 0;
		} else if (is_word_char(cp)) {
			if (!in_word)
				words++;
			in_word = 1;
		} else {
			in_word = 0;
		}
	}
	return words;
}

/* Widths and grapheme clusters come from utf8proc (Unicode's own tables), with
 * two rules that make them what terminals and curses draw: a spacing mark
 * (Devanagari ि, Thai ำ ...) takes a cell of its own, and the vowel and final
 * jamo of a decomposed Hangul syllable join the cell of its first jamo. */
int text_cp_width(unsigned cp)
{
	if (cp == 0 || cp > 0x10ffff)
		return 0;
	const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
	if (p->category == UTF8PROC_CATEGORY_CC || text_cp_is_control(cp))
		return 1; /* drawn visibly in one cell (bidi controls too) */
	if (p->category == UTF8PROC_CATEGORY_MC)
		return 1;
	return utf8proc_charwidth((utf8proc_int32_t)cp);
}

static int cp_at(const char *s, size_t len, size_t i, unsigned *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
	if (n <= 0) { /* not UTF-8: the byte stands alone */
		*cp = 0xfffd;
		return 1;
	}
	*cp = (unsigned)c;
	return (int)n;
}

size_t text_cluster_end(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return len;
	const unsigned char *u = (const unsigned char *)s;
	if (u[i] < 0x80 && u[i] != '\r' && (i + 1 == len || u[i + 1] < 0x80))
		return i + 1; /* ASCII next to ASCII: always a break (the common case, made fast) */
	unsigned prev, cp;
	utf8proc_int32_t state = 0;
	i += (size_t)cp_at(s, len, i, &prev);
	while (i < len && s[i]) {
		int n = cp_at(s, len, i, &cp);
		if (utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev, (utf8proc_int32_t)cp, &state))
			break;
		prev = cp;
		i += (size_t)n;
	}
	return i;
}

size_t text_cluster_start(const char *s, size_t len, size_t i)
{
	if (i > len)
		i = len;
	if (i == 0)
		return 0;
	/* Clusters never run across a line end: walk forward from the line's start. */
	size_t p = i - 1;
	while (p > 0 && s[p - 1] != '\n')
		p--;
	for (;;) {
		size_t e = text_cluster_end(s, len, p);
		if (e >= i || e == p)
			return p;
		p = e;
	}
}

int text_cluster_width(const char *s, size_t len)
{
	if (len == 1 && (unsigned char)s[0] < 0x80)
		return s[0] != 0;
	int w = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		int n = cp_at(s, len, i, &cp);
		int b = utf8proc_get_property((utf8proc_int32_t)cp)->boundclass;
		if (!(i > 0 && (b == UTF8PROC_BOUNDCLASS_V || b == UTF8PROC_BOUNDCLASS_T)))
			w += text_cp_width(cp);
		i += (size_t)n;
	}
	return w;
}

int text_width(const char *s, size_t len)
{
	int w = 0;
	for (size_t i = 0; s && i < len && s[i];) {
		size_t e = text_cluster_end(s, len, i);
		w += text_cluster_width(s + i, e - i);
		i = e;
	}
	return w;
}

/* ------------------------------------------------------- terminal-safe text */

int text_cp_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t text_utf8_seq(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (n == 0 || n > len)
		return 0;
	return n == 1 || text_utf8_valid(s, n, NULL) ? n : 0;
}

static void safe_control(struct mc_buf *b, unsigned cp)
{
	if (cp == '\t')
		mc_buf_adds(b, "\\t");
	else if (cp == '\n')
		mc_buf_adds(b, "\\n");
	else if (cp == '\r')
		mc_buf_adds(b, "\\r");
	else if (cp < 0x20 || cp == 0x7f) {
		mc_buf_addc(b, '^');
		mc_buf_addc(b, (char)(cp ^ 0x40));
	} else
		mc_buf_printf(b, "<U+%04X>", cp);
}

static int safe_as_is(const char *s, int flags)
{
	unsigned cp;
	text_utf8_decode(s, &cp);
	if ((flags & TEXT_SAFE_LINES) && (cp == '\n' || cp == '\t'))
		return 1;
	return !text_cp_is_control(cp);
}

void text_safe_append(struct mc_buf *b, const char *s, size_t len, int flags)
{
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		unsigned cp;
		size_t n;
		/* copy the longest run that needs nothing done */
		while (i < len && (n = text_utf8_seq(s + i, len - i)) != 0 && safe_as_is(s + i, flags))
			i += n;
		mc_buf_add(b, s + start, i - start);
		if (i >= len)
			break;
		if ((n = text_utf8_seq(s + i, len - i)) == 0) {
			mc_buf_printf(b, "\\x%02X", (unsigned char)s[i]);
			i++;
			continue;
		}
		text_utf8_decode(s + i, &cp);
		if ((flags & TEXT_SAFE_LINES) && cp == '\r' && i + 1 < len && s[i + 1] == '\n') {
			i++; /* a CRLF line end reads as a line end */
			continue;
		}
		safe_control(b, cp);
		i += n;
	}
}

char *text_safe_dup(const char *s, int flags)
{
	struct mc_buf b = MC_BUF_INIT;
	if (s)
		text_safe_append(&b, s, strlen(s), flags);
	return mc_buf_steal(&b);
}

void text_safe_fputs(const char *s, int flags, FILE *f)
{
	if (!s)
		return;
	struct mc_buf b = MC_BUF_INIT;
	text_safe_append(&b, s, strlen(s), flags);
	fwrite(mc_buf_str(&b), 1, b.len, f);
	mc_buf_free(&b);
}
