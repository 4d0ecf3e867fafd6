/* hash_norm.c: the SHA-256 of a text's normalised form (hash.h), by which
 * duplicate evidence is found: the store hashes evidence as it is written
 * (store_precheck.c), the pre-checks compare (precheck.c). */
#include "config.h"

#include <string.h>

#include "mcassess/hash.h"
#include "mcassess/text.h"

/* Lower case for the scripts whose capitals are one step away: ASCII, Latin-1,
 * Latin Extended-A, Greek and Cyrillic (enough to see a copy in MARÍA / María). */
static unsigned fold(unsigned c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if ((c >= 0x100 && c <= 0x137 && c != 0x130) || (c >= 0x14a && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return c + (c & 1);
	return c;
}

static size_t encode(unsigned c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

void precheck_norm_sha256(const char *text, size_t len, char out[MC_SHA256_HEX])
{
	struct mc_sha256 h;
	mc_sha256_init(&h);
	char buf[4096];
	size_t n = 0;
	int space = 0, any = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = any;
			i++;
			continue;
		}
		if (n + 8 > sizeof buf) {
			mc_sha256_update(&h, buf, n);
			n = 0;
		}
		if (space)
			buf[n++] = ' ';
		space = 0;
		any = 1;
		if (c < 0x80) {
			buf[n++] = (char)fold(c);
			i++;
			continue;
		}
		/* one character: decoded and folded when whole, else copied byte by byte */
		size_t k = 1;
		while (i + k < len && k < 4 && ((unsigned char)text[i + k] & 0xc0) == 0x80)
			k++;
		unsigned cp;
		char one[5] = { 0 };
		memcpy(one, text + i, k);
		if ((size_t)text_utf8_decode(one, &cp) == k && cp != 0xfffd)
			n += encode(fold(cp), buf + n);
		else {
			memcpy(buf + n, text + i, k);
			n += k;
		}
		i += k;
	}
	mc_sha256_update(&h, buf, n);
	mc_sha256_final(&h, out);
}
