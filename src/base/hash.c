/* hash.c: SHA-256 through nettle. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "mcassess/hash.h"
#include "mcassess/text.h"

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((struct mc_sha256 *)0)->state),
	       "mc_sha256 state too small for nettle's context");

static void to_hex(const unsigned char *d, char out[MC_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void mc_sha256_init(struct mc_sha256 *h) { sha256_init((struct sha256_ctx *)(void *)h->state); }

void mc_sha256_update(struct mc_sha256 *h, const void *data, size_t len)
{
	sha256_update((struct sha256_ctx *)(void *)h->state, len, data);
}

void mc_sha256_final(struct mc_sha256 *h, char out[MC_SHA256_HEX])
{
	unsigned char d[SHA256_DIGEST_SIZE];
	sha256_digest((struct sha256_ctx *)(void *)h->state, SHA256_DIGEST_SIZE, d);
	to_hex(d, out);
}

void mc_sha256_hex(const void *data, size_t len, char out[MC_SHA256_HEX])
{
	struct mc_sha256 h;
	mc_sha256_init(&h);
	mc_sha256_update(&h, data, len);
	mc_sha256_final(&h, out);
}

int mc_sha256_file(const char *path, char out[MC_SHA256_HEX], long long *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct mc_sha256 h;
	mc_sha256_init(&h);
	unsigned char buf[65536];
	long long total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		mc_sha256_update(&h, buf, (size_t)n);
		total += n;
	}
	close(fd);
	mc_sha256_final(&h, out);
	if (size)
		*size = total;
	return 0;
}

/* ---------------------------------------------------------------- normalised text */
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
