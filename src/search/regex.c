/* regex.c: PCRE2 (8-bit, UTF mode, Unicode properties, JIT) for regex search and
 * the pager's find. Text is validated as UTF-8 when it is stored (import), so
 * matching skips PCRE2's own check of every subject (PCRE2_NO_UTF_CHECK): on
 * 400 MB of evidence that check would cost as much as the match. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/search.h"
#include "mcassess/util.h"
#include "regex_int.h"

#define JIT_STACK_MAX (4 << 20) /* for patterns that recurse deeply: 4 MB at most */

struct search_re {
	char *lit;              /* a literal every match contains (see required_literal), or NULL */
	size_t litlen;
	size_t lit_a, lit_b;    /* its two rarest bytes (a < b), where find_literal looks first */
	int lit_at_start;       /* every match begins with it: matching starts where it is */
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *stack;
};

void search_re_free(struct search_re **rep)
{
	struct search_re *re = *rep;
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	pcre2_jit_stack_free(re->stack);
	pcre2_code_free(re->code);
	free(re->lit);
	free(re);
	*rep = NULL;
}

/* ------------------------------------------------------------ the literal prefilter
 * A row without a string every match must contain cannot match: memmem (many GB/s)
 * rules it out before PCRE2 is started on it. That string is the longest run of
 * plain characters in the pattern's top-level sequence, read conservatively: no
 * answer (NULL) when anything could change what the run means: a top-level `|`,
 * option settings or verbs ((?i) (?x) (*UCP)), \Q, a caseless search, a `{` that
 * is not a plain quantifier. Groups and classes are skipped whole; a character
 * followed by ? * or {..} is optional, so it leaves the run; one followed by +
 * stays but ends the run. Escaped punctuation (\. \() counts as itself. */
#define LIT_MIN 3   /* shorter runs are not worth a pass of memmem */

/* Skip a class from its '[' at p: returns the byte after its ']' (NULL: unclosed). */
static const char *skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;   /* a ']' first is literal */
	for (; *p && *p != ']'; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (p[0] == '[' && p[1] == ':') {   /* [:alpha:] */
			const char *e = strstr(p + 2, ":]");
			if (!e)
				return NULL;
			p = e + 1;
		}
	}
	return *p ? p + 1 : NULL;
}

/* A {m}, {m,} or {m,n} quantifier at p: the byte after it, else NULL. */
static const char *skip_braces(const char *p)
{
	const char *q = p + 1;
	int digits = 0;
	while ((*q >= '0' && *q <= '9') || *q == ',')
		digits += *q++ != ',';
	return *q == '}' && digits ? q + 1 : NULL;
}

/* A quantifier at p (? * + {m,n}, then ? or + for lazy or possessive): the byte
 * after it (p itself when there is none; *kind 0); NULL for a '{' that is not one.
 * *kind: 1 for +, 2 for the optional ones (? * {..}, counted as {0,..}). */
static const char *skip_quant(const char *p, int *kind)
{
	*kind = 0;
	if (*p == '?' || *p == '*') {
		*kind = 2;
		p++;
	} else if (*p == '+') {
		*kind = 1;
		p++;
	} else if (*p == '{') {
		*kind = 2;
		if (!(p = skip_braces(p)))
			return NULL;
	} else {
		return p;
	}
	return *p == '?' || *p == '+' ? p + 1 : p;
}

/* Escapes of one character class or assertion, with no argument after them. */
#define PLAIN_ESCAPES "bBwWdDsShHvVRXAzZGKE"

/* A run has ended: the best so far? *first: this is the pattern's first run, with
 * only \b or \B before it (every match then begins with it); *best_first: the
 * best is that run. */
static void keep_best(struct mc_buf *best, const struct mc_buf *run, int *first, int *best_first)
{
	if (run->len > best->len) {
		mc_buf_reset(best);
		mc_buf_add(best, run->data, run->len);
		*best_first = *first;
	}
	*first = 0;
}

static int required_literal(const char *pat, int caseless, char **out, size_t *outlen, int *at_start)
{
	*out = NULL;
	*outlen = 0;
	*at_start = 0;
	int first = 1, best_first = 0;
	if (caseless || strstr(pat, "(*") || strstr(pat, "\\Q"))
		return 0;
	struct mc_buf run = MC_BUF_INIT, best = MC_BUF_INIT;
	int depth = 0, ok = 1, kind;
	const char *p = pat;
	while (*p && ok) {
		unsigned char c = (unsigned char)*p, n = (unsigned char)p[1];
		if (c == '\\' && (n & 0x80 || (n >= '0' && n <= '9') || (isalpha(n) && !strchr(PLAIN_ESCAPES, n)))) {
			ok = 0;   /* \x41 \p{..} \1 \k<..> \é ...: not read here */
			break;
		}
		if (first && !run.len && depth == 0 && c == '\\' && (n == 'b' || n == 'B') &&
		    !strchr("?*+{", p[2])) {
			p += 2;   /* a word boundary before anything: matches still begin with the run */
			continue;
		}
		if (c == '[' || c == '(' || c == ')' || depth > 0 || c == '.' || c == '^' || c == '$' ||
		    (c == '\\' && isalpha(n))) {
			/* not a plain character: the run ends (and its quantifier is skipped) */
			keep_best(&best, &run, &first, &best_first);
			run.len = 0;
			if (c == '[') {
				ok = (p = skip_class(p)) != NULL;
			} else if (c == '(') {
				ok = !(n == '?' && !strchr(":=!<>|", p[2])); /* (?i) (?x) ...: options */
				depth++;
				p++;
			} else if (c == ')') {
				depth--;
				p++;
			} else if (depth > 0) {
				p += c == '\\' && n ? 2 : 1;
				continue;   /* inside a group: no quantifier of ours */
			} else {
				p += c == '\\' ? 2 : 1;
			}
			if (ok && depth == 0)
				ok = (p = skip_quant(p, &kind)) != NULL;
			continue;
		}
		if (c == '|' || c == '?' || c == '*' || c == '+' || c == '{') {
			ok = 0;   /* alternation at the top, or a quantifier we did not expect */
			break;
		}
		size_t start = run.len;
		if (c == '\\') {
			if (!n) {
				ok = 0;
				break;
			}
			mc_buf_addc(&run, (char)n);   /* \. \( \- ...: the character itself */
			p += 2;
		} else {
			do   /* every byte of a UTF-8 character */
				mc_buf_addc(&run, *p++);
			while (((unsigned char)*p & 0xc0) == 0x80);
		}
		if (!(p = skip_quant(p, &kind))) {
			ok = 0;
			break;
		}
		if (kind == 2)
			run.len = start;   /* optional: not part of every match */
		if (kind) {            /* a + keeps it, but what follows need not be next to it */
			keep_best(&best, &run, &first, &best_first);
			run.len = 0;
		}
	}
	keep_best(&best, &run, &first, &best_first);
	if (ok && depth == 0 && best.len >= LIT_MIN) {
		*outlen = best.len;
		*out = mc_xstrndup(best.data, best.len);
		*at_start = best_first;
	}
	mc_buf_free(&run);
	mc_buf_free(&best);
	return *out != NULL;
}

/* How common a byte is in evidence (mostly English): higher is commoner. */
static int byte_rank(unsigned char c)
{
	static const char order[] = "etaoinshrdlcumwfgypbvkjxqz";
	if (c == ' ')
		return 100;
	if (c >= 'a' && c <= 'z')
		return 90 - 3 * (int)(strchr(order, c) - order);
	if (c >= 'A' && c <= 'Z')
		return 20;
	return c >= 0x80 ? 12 : 10;
}

/* The rarest byte, then the rarest one at least 3 bytes from it (neighbours are
 * not independent: "ful" in "handful" is everywhere as a suffix). */
static void pick_rare_bytes(struct search_re *re)
{
	size_t a = 0, b = SIZE_MAX;
	for (size_t i = 1; i < re->litlen; i++)
		if (byte_rank((unsigned char)re->lit[i]) < byte_rank((unsigned char)re->lit[a]))
			a = i;
	for (int gap = 3; gap >= 1 && b == SIZE_MAX; gap -= 2)
		for (size_t i = 0; i < re->litlen; i++)
			if ((i >= a + (size_t)gap || i + (size_t)gap <= a) &&
			    (b == SIZE_MAX || byte_rank((unsigned char)re->lit[i]) < byte_rank((unsigned char)re->lit[b])))
				b = i;
	re->lit_a = a < b ? a : b;
	re->lit_b = a < b ? b : a;
}

/* The end of find_literal: byte by byte from i. */
static long find_tail(const struct search_re *re, const char *h, size_t n, size_t i)
{
	const char *nd = re->lit;
	size_t k = re->litlen, a = re->lit_a, b = re->lit_b;
	for (; i + k <= n; i++)
		if (h[i + a] == nd[a] && h[i + b] == nd[b] && memcmp(h + i, nd, k) == 0)
			return (long)i;
	return -1;
}

/* Where the literal first is in h[0..n), or -1. Sixteen bytes a step (SSE2): where
 * both rare bytes sit at their distance, then memcmp. */
static long find_literal(const struct search_re *re, const char *h, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	const char *nd = re->lit;
	size_t k = re->litlen, a = re->lit_a, b = re->lit_b;
	const __m128i A = _mm_set1_epi8(nd[a]), B = _mm_set1_epi8(nd[b]);
	for (; i + 15 + k <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(h + i + a));
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(h + i + b));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, A), _mm_cmpeq_epi8(y, B)));
		while (m) {
			size_t at = i + (size_t)__builtin_ctz(m);
			if (memcmp(h + at, nd, k) == 0)
				return (long)at;
			m &= m - 1;
		}
	}
#endif
	return find_tail(re, h, n, i);
}


/* For tests: the literal the prefilter would look for, "" when none. */
const char *search_re_literal(const struct search_re *re) { return re->lit ? re->lit : ""; }
int search_re_literal_at_start(const struct search_re *re) { return re->lit_at_start; }

/* Characters (not bytes) before byte offset off: what a person counts in the pattern. */
static size_t char_offset(const char *s, size_t off)
{
	size_t n = 0, len = strlen(s);
	if (off > len)
		off = len;
	for (size_t i = 0; i < off;) {
		unsigned cp;
		i += (size_t)search_utf8_next(s, len, i, &cp);
		n++;
	}
	return n;
}

int search_re_compile(const char *pattern, int caseless, struct search_re **out, struct mc_error *err)
{
	*out = NULL;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0);
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode,
					 &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		return mc_error_set(err, MC_USAGE, "search: bad pattern at offset %zu: %s",
				    char_offset(pattern, erroff), (const char *)msg);
	}
	struct search_re *re = mc_xcalloc(1, sizeof *re);
	re->code = code;
	if (required_literal(pattern, caseless, &re->lit, &re->litlen, &re->lit_at_start))
		pick_rare_bytes(re);

	/* Without JIT (a platform that lacks it) pcre2_match interprets: slower, same answers. */
	if (mc_jit_ok() && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0) {
		re->stack = pcre2_jit_stack_create(32 << 10, JIT_STACK_MAX, NULL);
		re->mctx = pcre2_match_context_create(NULL);
		if (re->stack && re->mctx)
			pcre2_jit_stack_assign(re->mctx, NULL, re->stack);
	}
	re->md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!re->md) {
		search_re_free(&re);
		return mc_error_set(err, MC_FAIL, "search: out of memory");
	}
	*out = re;
	return MC_OK;
}

int search_re_next(struct search_re *re, const char *text, size_t len, size_t from, size_t *start,
		   size_t *end, struct mc_error *err)
{
	if (from > len)
		return 0;
	if (re->lit) {
		long at = find_literal(re, text + from, len - from);
		if (at < 0)
			return 0;
		if (re->lit_at_start)
			from += (size_t)at;   /* no match can begin before it */
	}
	int rc = pcre2_match(re->code, (PCRE2_SPTR)text, len, from, PCRE2_NO_UTF_CHECK, re->md, re->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof msg);
		mc_error_set(err, MC_FAIL, "search: the pattern could not be matched: %s (simplify it)",
			     (const char *)msg);
		return -1;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
	*start = ov[0];
	*end = ov[1] < ov[0] ? ov[0] : ov[1];   /* \K in a lookahead can end before the start */
	return 1;
}

/* Move back (dir < 0) or forward over `chars` characters from byte i, stopping at a
 * line break: a snippet shows the line the match is on. */
static size_t walk(const char *t, size_t len, size_t i, int chars, int dir)
{
	while (chars-- > 0) {
		if (dir < 0) {
			if (i == 0 || t[i - 1] == '\n')
				break;
			do
				i--;
			while (i > 0 && ((unsigned char)t[i] & 0xc0) == 0x80);
		} else {
			if (i >= len || t[i] == '\n')
				break;
			unsigned cp;
			i += (size_t)search_utf8_next(t, len, i, &cp);
		}
	}
	return i;
}

char *search_re_snippet(struct search_re *re, const char *text, size_t len, size_t start, size_t end,
			int context)
{
	struct mc_buf b = MC_BUF_INIT;
	size_t ws = walk(text, len, start, context, -1);
	/* a very long match shows its beginning */
	size_t cap = walk(text, len, start, context * 4, 1);
	if (end > cap && cap > start)
		end = cap;
	size_t we = walk(text, len, end, context, 1);
	if (ws > 0)
		mc_buf_adds(&b, SEARCH_ELLIPSIS);
	size_t at = ws, ms = start, me = end;
	for (;;) {
		mc_buf_add(&b, text + at, ms - at);
		mc_buf_adds(&b, SEARCH_MARK_OPEN);
		mc_buf_add(&b, text + ms, me - ms);
		mc_buf_adds(&b, SEARCH_MARK_CLOSE);
		at = me;
		/* the next match in the window (after an empty one, one character on) */
		size_t from = me;
		if (me == ms) {
			if (me >= we)
				break;
			unsigned cp;
			from += (size_t)search_utf8_next(text, len, me, &cp);
		}
		if (search_re_next(re, text, len, from, &ms, &me, NULL) != 1 || ms >= we)
			break;
		/* context after the last match too, up to a bound */
		size_t more = walk(text, len, me, context, 1), bound = walk(text, len, start, context * 6, 1);
		we = more > we ? (more < bound ? more : bound) : we;
		if (we < ms)
			break;
		if (me > we)
			me = we;
	}
	mc_buf_add(&b, text + at, we > at ? we - at : 0);
	if (we < len)
		mc_buf_adds(&b, SEARCH_ELLIPSIS);
	return mc_buf_steal(&b);
}
