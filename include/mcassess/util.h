/* util.h: growable buffers, time stamps, unique ids, paths. */
#ifndef MCASSESS_UTIL_H
#define MCASSESS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A growable, always NUL-terminated byte string. */
struct mc_buf {
	char *data;
	size_t len;
	size_t cap;
};
#define MC_BUF_INIT { NULL, 0, 0 }

void mc_buf_add(struct mc_buf *b, const void *p, size_t n);
void mc_buf_adds(struct mc_buf *b, const char *s);
void mc_buf_addc(struct mc_buf *b, char c);
void mc_buf_printf(struct mc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mc_buf_reset(struct mc_buf *b);
/* A name usable as one path component, whatever it holds: letters, digits, '-',
 * '_' and (not first) '.' stay; every other byte becomes %XX; "" becomes "%". */
void mc_buf_add_name(struct mc_buf *b, const char *name);
const char *mc_buf_str(struct mc_buf *b);  /* never NULL */
char *mc_buf_steal(struct mc_buf *b);      /* caller frees; buffer reset */
void mc_buf_free(struct mc_buf *b);

/* Allocation that aborts with a message on exhaustion (there is nothing sane to do then). */
void *mc_xmalloc(size_t n);
void *mc_xcalloc(size_t n, size_t size);
void *mc_xrealloc(void *p, size_t n);
/* An array p of *cap elements of size bytes with room for at least n: its
 * room doubles when it must grow, so adding one at a time costs O(1) each
 * (a sanitizer's realloc copies every time, and a large one touches new pages). */
void *mc_xgrow(void *p, size_t *cap, size_t n, size_t size);
char *mc_xstrdup(const char *s);
char *mc_xstrndup(const char *s, size_t n);
char *mc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *mc_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* ISO 8601 UTC, "2026-11-22T10:48:00Z" (buffer of at least 21 bytes). */
#define MC_TIME_LEN 21
void mc_time_format(time_t t, char out[MC_TIME_LEN]);
void mc_now(char out[MC_TIME_LEN]);
/* Parse ISO 8601: "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DDTHH:MM:SS±HH:MM", "YYYY-MM-DD HH:MM:SS"
 * (taken as UTC) or "YYYY-MM-DD"; 0 on success. Checks field ranges and the calendar. */
int mc_time_parse(const char *s, time_t *out);

/* A time-ordered 128-bit unique id (UUID version 7) as 36 characters of text,
 * its random part from the system (mc_random_source). No random bytes: MC_FAIL
 * (err says so), never a guessable id. */
#define MC_UUID_LEN 37
struct mc_error;
int mc_uuid(char out[MC_UUID_LEN], struct mc_error *err);
/* Where the random bytes come from: the kernel (getrandom). 0, or -1 with
 * errno. Tests put a failing one here. */
extern int (*mc_random_source)(void *buf, size_t n);

/* Paths. mc_data_dir(): where data/ is: the source tree for an uninstalled binary,
 * $(datadir)/mcassess for an installed one. */
const char *mc_data_dir(void);
/* The default database: $MCASSESS_DB, else $XDG_DATA_HOME/mcassess/mcassess.db (heap). */
char *mc_default_db_path(void);
/* mkdir -p; 0 on success, -1 with errno. */
int mc_mkdirs(const char *path, unsigned mode);
/* Read a whole file (NUL-terminated, len excludes the NUL); 0 ok, -1 with errno. */
int mc_read_file(const char *path, char **data, size_t *len);
/* write(2) all of p, retrying on EINTR; 0 ok, -1 with errno. */
int mc_write_all(int fd, const void *p, size_t n);
/* fsync a directory so a rename or a new entry in it survives a power cut. */
int mc_sync_dir(const char *dir);
/* Replace path with data as one step (a temporary file beside it, fsync,
 * rename, fsync of the directory), created with `mode`: a crash leaves the old
 * file or the new one, never half of either. 0 ok, -1 with errno. */
int mc_write_atomic(const char *path, const void *data, size_t len, unsigned mode);

/* Crash points: the steps of a multi-step write (an archive commit, an import,
 * a demo batch) between which a kill must leave nothing lost and no false alarm.
 * NULL in the program; tests set it to _exit at one point and then check that
 * the next run recovers. */
extern void (*mc_crash_hook)(const char *point);
#define MC_CRASH_POINT(point) do { if (mc_crash_hook) mc_crash_hook(point); } while (0)

/* 1 when PCRE2 patterns may be JIT-compiled: always, except under valgrind's
 * memcheck, which cannot follow the JIT's read-ahead of the subject (caseless
 * UTF search reads whole aligned blocks) and reports it as use of uninitialised
 * memory. The interpreter gives the same answers; CI's sanitizer run covers
 * the JIT. */
int mc_jit_ok(void);

#endif
