/* hash.c: SHA-256 through nettle. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "mcassess/hash.h"

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
