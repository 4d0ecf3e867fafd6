/* util.c: buffers, allocation, time, ids, paths. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "mcassess/error.h"
#include "mcassess/util.h"

void (*mc_crash_hook)(const char *point);

static void oom(void)
{
	fputs("mcassess: out of memory\n", stderr);
	abort();
}

void *mc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *mc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *mc_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *mc_xgrow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap && p)
		return p;
	size_t c = *cap ? *cap : (size && size < 64 ? 64 / size : 1); /* first: 64 bytes' worth */
	while (c < n) {
		if (c > SIZE_MAX / 2 / (size ? size : 1))
			oom();
		c *= 2;
	}
	if (c > SIZE_MAX / (size ? size : 1))
		oom();
	p = mc_xrealloc(p, c * size);
	*cap = c;
	return p;
}

char *mc_xstrdup(const char *s) { return mc_xstrndup(s, strlen(s)); }

char *mc_xstrndup(const char *s, size_t n)
{
	char *p = mc_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mc_xvasprintf(const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	char *s = mc_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *mc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = mc_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void buf_grow(struct mc_buf *b, size_t extra)
{
	b->data = mc_xgrow(b->data, &b->cap, b->len + extra + 1, 1);
}

void mc_buf_add(struct mc_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void mc_buf_adds(struct mc_buf *b, const char *s) { mc_buf_add(b, s, strlen(s)); }
void mc_buf_addc(struct mc_buf *b, char c) { mc_buf_add(b, &c, 1); }

void mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void mc_buf_reset(struct mc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void mc_buf_add_name(struct mc_buf *b, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_' || (*p == '.' && p != (const unsigned char *)name);
		if (plain)
			mc_buf_addc(b, (char)*p);
		else
			mc_buf_printf(b, "%%%02X", *p);
	}
	if (!*name)
		mc_buf_adds(b, "%");
}

const char *mc_buf_str(struct mc_buf *b) { return b->data ? b->data : ""; }

char *mc_buf_steal(struct mc_buf *b)
{
	char *s = b->data ? b->data : mc_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void mc_buf_free(struct mc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void mc_time_format(time_t t, char out[MC_TIME_LEN])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, MC_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void mc_now(char out[MC_TIME_LEN]) { mc_time_format(time(NULL), out); }

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

int mc_time_parse(const char *s, time_t *out)
{
	int Y, M, D, h = 0, mi = 0, sec = 0, off = 0;
	size_t n = strlen(s);
	if (n < 10 || digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
	    digits(s + 8, 2, &D))
		return -1;
	if (Y < 1970 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M))
		return -1;
	const char *p = s + 10;
	if (*p) {
		if (*p != 'T' && *p != ' ')
			return -1;
		p++;
		if (strlen(p) < 8 || digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi) || p[5] != ':' ||
		    digits(p + 6, 2, &sec))
			return -1;
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		p += 8;
		if (*p == '.') { /* fractional seconds: ignored */
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'Z')
			p++;
		else if (*p == '+' || *p == '-') {
			int oh, om, sign = *p == '-' ? -1 : 1;
			if (strlen(p) != 6 || digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) ||
			    oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
			p += 6;
		}
		if (*p)
			return -1;
	}
	long long t = days_from_civil(Y, M, D) * 86400LL + h * 3600 + mi * 60 + sec - off;
	*out = (time_t)t;
	return 0;
}

/* The kernel's random bytes (getrandom, waiting for the pool at boot, again
 * when a signal interrupts it); -1 with errno when there are none. */
static int system_random(void *buf, size_t n)
{
	ssize_t got;
	do
		got = getrandom(buf, n, 0);
	while (got < 0 && errno == EINTR);
	if (got == (ssize_t)n)
		return 0;
	if (got >= 0)
		errno = EIO;
	return -1;
}

int (*mc_random_source)(void *buf, size_t n) = system_random;

int mc_uuid(char out[MC_UUID_LEN], struct mc_error *err)
{
	unsigned char b[16];
	struct timeval tv;
	gettimeofday(&tv, NULL);
	unsigned long long ms = (unsigned long long)tv.tv_sec * 1000ULL + (unsigned long long)tv.tv_usec / 1000;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	/* Ids are merged across databases: never from a guessable generator. */
	if (mc_random_source(b + 6, 10) != 0) {
		out[0] = '\0';
		return mc_error_set(err, MC_FAIL, "cannot make a unique id: the system gives no random bytes (%s); "
				    "nothing was changed", strerror(errno));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x70); /* version 7 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
	return MC_OK;
}

const char *mc_data_dir(void)
{
	static char *dir;
	if (dir)
		return dir;
	/* An uninstalled binary (anywhere under the build tree) reads the source tree's data/. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		size_t bl = strlen(MC_ABS_BUILDDIR);
		if (strncmp(exe, MC_ABS_BUILDDIR, bl) == 0 && exe[bl] == '/') {
			dir = mc_xasprintf("%s/data", MC_ABS_SRCDIR);
			return dir;
		}
	}
	dir = mc_xstrdup(MC_PKGDATADIR);
	return dir;
}

char *mc_default_db_path(void)
{
	const char *env = getenv("MCASSESS_DB");
	if (env && *env)
		return mc_xstrdup(env);
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg == '/')
		return mc_xasprintf("%s/mcassess/mcassess.db", xdg);
	const char *home = getenv("HOME");
	return mc_xasprintf("%s/.local/share/mcassess/mcassess.db", home && *home ? home : ".");
}

int mc_mkdirs(const char *path, unsigned mode)
{
	char *p = mc_xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			int e = errno;
			free(p);
			errno = e;
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, mode);
	int e = errno;
	free(p);
	if (rc != 0 && e != EEXIST) {
		errno = e;
		return -1;
	}
	return 0;
}

int mc_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int mc_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Write, sync and close fd (the temporary file at tmp), then rename it to path. */
static int finish_atomic(int fd, const char *tmp, const char *path, const void *data, size_t len,
			 unsigned mode)
{
	int rc = fchmod(fd, (mode_t)mode) != 0 || mc_write_all(fd, data, len) != 0 || fsync(fd) != 0 ? -1 : 0;
	int e = errno;
	if (close(fd) != 0 && rc == 0)
		rc = -1, e = errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1, e = errno;
	if (rc != 0)
		unlink(tmp);
	errno = e;
	return rc;
}

int mc_write_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	char *tmp = mc_xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	int rc = fd < 0 ? -1 : finish_atomic(fd, tmp, path, data, len, mode);
	int e = errno;
	if (rc == 0) {
		char *dir = mc_xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash)
			slash[slash == dir] = '\0';
		mc_sync_dir(slash ? dir : ".");
		free(dir);
	}
	free(tmp);
	errno = e;
	return rc;
}

int mc_read_file(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct mc_buf b = MC_BUF_INIT;
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			mc_buf_free(&b);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		mc_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = mc_buf_steal(&b);
	return 0;
}

int mc_jit_ok(void)
{
#ifdef HAVE_VALGRIND_VALGRIND_H
	return !RUNNING_ON_VALGRIND;
#else
	return 1;
#endif
}
