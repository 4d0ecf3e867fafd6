/* regex.c: PCRE2 (8-bit, UTF mode, Unicode properties, JIT) for regex search and
 * the pager's find. Text is validated as UTF-8 when it is stored (import), so
 * matching skips PCRE2's own check of every subject (PCRE2_NO_UTF_CHECK): on
 * 400 MB of evidence that check would cost as much as the match. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/search.h"
#include "mcassess/util.h"
#include "search_int.h"

#define JIT_STACK_MAX (4 << 20) /* for patterns that recurse deeply: 4 MB at most */

struct search_re {
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
	free(re);
	*rep = NULL;
}

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
	/* Without JIT (a platform that lacks it) pcre2_match interprets: slower, same answers. */
	if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0) {
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
		mc_buf_adds(&b, "…");
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
		mc_buf_adds(&b, "…");
	return mc_buf_steal(&b);
}
