/* import.c: submissions from CSV (libcsv) or JSON (jansson), with evidence
 * files stored by content. The file is streamed: read in pieces, validated as
 * UTF-8 a line (CSV) or a submission (JSON) at a time, and each submission is
 * checked and written as soon as it is whole, inside one transaction: the
 * first bad record rejects the file, rolls the database back and removes the
 * evidence files this import stored. What is held is one submission, not the
 * file (issue 15); what an earlier record of the file said (its id, its
 * educator) is asked of the transaction, and the file is read again from the
 * start only to name the earlier record in a message. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "mcassess/priv.h"
#include "mcassess/attempts.h"
#include "mcassess/audit.h"
#include "mcassess/evstore.h"
#include "mcassess/hash.h"
#include "mcassess/import.h"
#include "mcassess/people.h"
#include "mcassess/precheck.h"
#include "mcassess/search.h"
#include "mcassess/store.h"
#include "mcassess/store_import.h"
#include "mcassess/text.h"
#include "mcassess/util.h"
#include "base/magic_dl.h" /* <magic.h>, with libmagic loaded when first used */

#define TEXT_MEDIA_TYPE "text/plain; charset=utf-8"
#define PROGRESS_EVERY 256

/* ------------------------------------------------------------------ fields */

/* The fields of a record, in the order of the CSV columns. */
enum field {
	F_ID, F_EDU_ID, F_EDU_NAME, F_DISTRICT, F_SCHOOL, F_CREDENTIAL, F_SUBMITTED_AT, /* submission */
	F_PART, F_KIND, F_TEXT, F_FILE,                                                 /* evidence */
	F_N,
	F_SUB_N = F_PART,
};

static const char *const csv_names[F_N] = {
	"submission_id", "educator_id", "educator_name", "district", "school", "credential",
	"submitted_at", "part", "kind", "text", "file",
};
/* The same fields as JSON paths within a submission (evidence ones within an item). */
static const char *const json_names[F_N] = {
	"id", "educator.id", "educator.name", "educator.district", "educator.school", "credential",
	"submitted_at", "part", "kind", "text", "file",
};
static const int required_column[F_N] = { 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0 };

static const size_t field_limit[F_N] = {
	IMPORT_MAX_ID, IMPORT_MAX_ID, IMPORT_MAX_NAME, IMPORT_MAX_NAME, IMPORT_MAX_NAME, IMPORT_MAX_CODE,
	IMPORT_MAX_CODE, IMPORT_MAX_CODE, IMPORT_MAX_CODE, IMPORT_MAX_TEXT, IMPORT_MAX_PATH,
};

/* ------------------------------------------------------------------ records */

struct item {
	char *f[F_N - F_SUB_N]; /* part, kind, text, file: heap, NULL when absent or empty */
	long line;              /* CSV: the record's first line */
	long long part_id;
	char sha256[MC_SHA256_HEX];
	long words;
	long long size;
	const char *media_type; /* static, or owned by the file cache */
};
#define IF(it, fld) ((it)->f[(fld) - F_SUB_N])

struct cred;

struct sub {
	char *f[F_SUB_N];       /* heap, NULL when absent or empty */
	long line;              /* CSV: the line of its first record */
	int index;              /* order in the file, from 0 */
	struct item *items;
	int nitems, cap;
	char when[MC_TIME_LEN]; /* submitted_at, normalised */
	const struct cred *cred;
	char sha256[MC_SHA256_HEX];
};

struct part_ref {
	char *code;
	long long id;
};

struct cred {
	char *code;
	long long id, rubric_id;
	struct part_ref *parts;
	int nparts;
};

/* A string -> int map (open addressing); keys are borrowed. */
struct smap {
	const char **keys;
	int *vals;
	size_t cap, n;
};

static size_t smap_hash(const char *k)
{
	size_t h = 1469598103934665603ULL;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

static int smap_get(const struct smap *m, const char *k)
{
	if (!m->cap)
		return -1;
	for (size_t i = smap_hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return -1;
		if (strcmp(m->keys[i], k) == 0)
			return m->vals[i];
	}
}

static void smap_put(struct smap *m, const char *k, int v)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct smap g = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };
		g.keys = mc_xcalloc(g.cap, sizeof *g.keys);
		g.vals = mc_xcalloc(g.cap, sizeof *g.vals);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i])
				smap_put(&g, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	size_t i = smap_hash(k) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = k;
	m->vals[i] = v;
}

static void smap_free(struct smap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* An evidence file read once per import, however many items name it. */
struct evfile {
	char *path;             /* resolved */
	char sha256[MC_SHA256_HEX];
	long long size;
	char *media_type;
};

/* The import file, read a piece at a time: buf[pos..end) is what is read and not
 * yet used; JSON's reader counts lines and columns (in characters) as it goes. */
#define SRC_PIECE 65536
struct src {
	int fd;
	char *buf;
	size_t pos, end, cap;
	long long base;         /* the file offset of buf[0] */
	long long size;         /* of the file, for progress */
	int eof, failed;
	long line, col;         /* JSON: of the next byte, from 1 */
	int cr;                 /* JSON: the last byte was a CR */
};

/* A set of row ids (those the database had before the import), one bit each. */
struct bits {
	unsigned char *b;
	long long n;            /* bits */
};

/* An educator first met in a record that was already imported, whose details
 * in the database have changed since: later records must agree with the file. */
struct edufirst {
	char *f[F_SUB_N];       /* that record's fields (F_ID: its id) */
	int index;
	long line;
};

struct imp {
	struct store *s;
	const char *file;       /* as named on the command line */
	int json;
	int dry_run;
	struct mc_error *err;
	struct src in;
	struct import_stats *st;
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;

	struct sub cur;         /* the submission being read */
	int have_cur;
	int nsubs;              /* read so far */
	/* JSON: the text of the submission being read, and where it starts */
	struct mc_buf jtext;
	long jline, jcol;

	/* What earlier records of this file did, asked of the database: rows past
	 * these ids are this import's; below them, the bits mark what it met. */
	long long sub_base, edu_base;
	struct bits sub_seen;   /* submissions met unchanged */
	struct bits edu_seen;   /* educators met, as the database describes them */
	struct edufirst *efirst;
	int nefirst;
	struct smap efirst_by_id;
	struct store_import_educator edu; /* the current record's educator, as stored */
	int edu_found;

	int checking;           /* the first reading: the file's form only, and its count */
	long total;             /* submissions in the file (after that reading) */
	/* Finding an earlier record again (for a message): its field and value */
	int find_fld;
	const char *find_value;
	int found_index;
	long found_line;
	char *found_id;

	/* CSV: which record field holds each of our fields (-1: no such column) */
	int col[F_N];
	char **header;
	int ncols;
	int header_done;

	char *evdir;            /* --evidence as given */
	char *evdir_real;       /* its realpath */
	const char *evroot;     /* the store's evidence directory */
	struct evfile *files;
	int nfiles, fcap;
	struct smap file_by_path;
	char **created;         /* contents this import added to the store: removed on failure */
	int ncreated, crcap;
	struct smap new_sha;    /* contents counted as new (dry runs count without storing) */
	magic_t magic;
	int magic_tried;
	int evroot_existed;
	int unknown_in_educator; /* JSON: the key a message names is the educator's */

	struct cred **creds;    /* by pointer: records keep pointing at them */
	int ncreds;
	char *salt;
	char now[MC_TIME_LEN];
};

static void sub_clear(struct sub *sb)
{
	for (int k = 0; k < F_SUB_N; k++)
		free(sb->f[k]);
	for (int j = 0; j < sb->nitems; j++)
		for (int k = 0; k < F_N - F_SUB_N; k++)
			free(sb->items[j].f[k]);
	free(sb->items);
	memset(sb, 0, sizeof *sb);
}

/* The next submission of the file, empty, in c->cur. */
static struct sub *sub_begin(struct imp *c)
{
	sub_clear(&c->cur);
	c->cur.index = c->nsubs++;
	c->have_cur = 1;
	return &c->cur;
}

static struct item *item_add(struct sub *sb)
{
	if (sb->nitems == sb->cap) {
		sb->cap = sb->cap ? sb->cap * 2 : 4;
		sb->items = mc_xrealloc(sb->items, (size_t)sb->cap * sizeof *sb->items);
	}
	struct item *it = &sb->items[sb->nitems++];
	memset(it, 0, sizeof *it);
	return it;
}

static int bit_get(const struct bits *b, long long i)
{
	return i >= 0 && i < b->n && (b->b[i / 8] >> (i % 8) & 1);
}

/* Only for ids up to the base the set was made for (n: base + 1). */
static void bit_set(struct bits *b, long long i, long long n)
{
	if (!b->b) {
		b->n = n;
		b->b = mc_xcalloc((size_t)(n + 7) / 8, 1);
	}
	if (i >= 0 && i < b->n)
		b->b[i / 8] |= (unsigned char)(1u << (i % 8));
}

static void imp_free(struct imp *c)
{
	sub_clear(&c->cur);
	mc_buf_free(&c->jtext);
	free(c->in.buf);
	if (c->in.fd >= 0)
		close(c->in.fd);
	free(c->sub_seen.b);
	free(c->edu_seen.b);
	for (int i = 0; i < c->nefirst; i++)
		for (int k = 0; k < F_SUB_N; k++)
			free(c->efirst[i].f[k]);
	free(c->efirst);
	smap_free(&c->efirst_by_id);
	if (c->edu_found)
		store_import_educator_free(&c->edu);
	free(c->found_id);
	for (int i = 0; i < c->ncols; i++)
		free(c->header[i]);
	free(c->header);
	free(c->evdir);
	free(c->evdir_real);
	for (int i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		free(c->files[i].media_type);
	}
	free(c->files);
	smap_free(&c->file_by_path);
	for (int i = 0; i < c->ncreated; i++)
		free(c->created[i]);
	free(c->created);
	smap_free(&c->new_sha);
	if (c->magic)
		magic_close(c->magic);
	for (int i = 0; i < c->ncreds; i++) {
		free(c->creds[i]->code);
		for (int k = 0; k < c->creds[i]->nparts; k++)
			free(c->creds[i]->parts[k].code);
		free(c->creds[i]->parts);
		free(c->creds[i]);
	}
	free(c->creds);
	free(c->salt);
}

/* ------------------------------------------------------------------ JSON locations */

/* jansson keeps no positions, so a bad value's line is found afterwards by
 * walking the (valid) text: the line where the value at a path begins (a key's
 * line for an object member), or, when the path is not all there, where its
 * nearest enclosing value begins; 0 when not even the root is found. Lines end
 * at LF, CRLF or a lone CR, as everywhere else. */
struct jpath {
	long index;             /* an array element, when key is NULL */
	const char *key;        /* an object member */
};

struct jframe {
	int obj;
	long index;             /* arrays: the element being read */
	const char *key;        /* objects: the last key read */
	size_t keylen;
	int want_key;
};

#define JSON_DEPTH 8 /* deeper than any path we look for */

static int jframe_is(const struct jframe *f, const struct jpath *p)
{
	if (!f->obj)
		return !p->key && f->index == p->index;
	return p->key && f->keylen == strlen(p->key) && memcmp(f->key, p->key, f->keylen) == 0;
}

/* Do the frames 0..d-1 spell the first d components of `want`? */
static int jpath_prefix(const struct jframe *fr, int d, const struct jpath *want, int n)
{
	if (d > n)
		return 0;
	for (int i = 0; i < d; i++)
		if (!jframe_is(&fr[i], &want[i]))
			return 0;
	return 1;
}

static size_t json_skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i;
}

static void json_close(struct jframe *fr, int *d, char ch)
{
	if (ch == '}' || ch == ']') {
		if (*d > 0)
			(*d)--;
	} else if (ch == ',' && *d > 0 && *d <= JSON_DEPTH) {
		if (fr[*d - 1].obj)
			fr[*d - 1].want_key = 1;
		else
			fr[*d - 1].index++;
	}
}

static long json_line(const char *s, size_t len, const struct jpath *want, int n)
{
	struct jframe fr[JSON_DEPTH];
	int d = 0, bestd = -1;
	long line = 1, best = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
			line++;
		if (strchr(" \t\r\n,:}]", ch)) {
			json_close(fr, &d, ch);
			continue;
		}
		/* a key or a value begins here */
		int in = d > 0 && d <= JSON_DEPTH;
		int is_key = in && fr[d - 1].obj && fr[d - 1].want_key && ch == '"';
		if (is_key) {
			fr[d - 1].key = s + i + 1;
			fr[d - 1].want_key = 0;
		}
		size_t end = ch == '"' ? json_skip_string(s, len, i) : i;
		if (is_key)
			fr[d - 1].keylen = end - i - 1;
		if ((is_key || d == 0 || (in && !fr[d - 1].obj)) && d > bestd && jpath_prefix(fr, d, want, n)) {
			best = line;
			bestd = d;
			if (d == n)
				return line;
		}
		if (ch == '{' || ch == '[') {
			if (d < JSON_DEPTH)
				fr[d] = (struct jframe){ ch == '{', 0, NULL, 0, ch == '{' };
			d++;
		} else if (ch != '"') { /* a number, true, false or null */
			while (end + 1 < len && !strchr(" \t\r\n,:}]", s[end + 1]))
				end++;
		}
		i = end;
	}
	return best;
}

/* The line of the current submission (its member `key` when not NULL; in its
 * educator (sect 1) or its evidence item ej (sect 2)), in the file. */
static long json_sub_line(const struct imp *c, long ej, int sect, const char *key)
{
	struct jpath p[3];
	int n = 0;
	if (sect == 1)
		p[n++] = (struct jpath){ 0, "educator" };
	if (sect == 2) {
		p[n++] = (struct jpath){ 0, "evidence" };
		p[n++] = (struct jpath){ ej, NULL };
	}
	if (key)
		p[n++] = (struct jpath){ 0, key };
	long line = json_line(c->jtext.data, c->jtext.len, p, n);
	return line ? c->jline + line - 1 : 0;
}

/* ------------------------------------------------------------------ errors */

/* An error about submission sb (item ev, or -1), field fld (or -1; then `key`,
 * when not NULL, names the JSON member meant):
 * CSV  "FILE:LINE: column 'NAME': MSG"
 * JSON "FILE:LINE: submission N (id "X"): evidence[K].NAME: MSG", after "not the
 * expected shape: " when `shape` says the JSON is valid but not what we read. */
static __attribute__((format(printf, 7, 0))) int vbad(struct imp *c, const struct sub *sb, int ev, int fld, const char *key, int shape,
		const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	struct mc_buf b = MC_BUF_INIT;
	long line;
	if (!c->json) {
		line = ev >= 0 ? sb->items[ev].line : sb->line;
		if (fld >= 0)
			mc_buf_printf(&b, "column '%s': ", csv_names[fld]);
	} else {
		int edu = (fld >= F_EDU_ID && fld <= F_SCHOOL) || (fld < 0 && c->unknown_in_educator);
		int sect = ev >= 0 ? 2 : edu ? 1 : 0;
		if (fld >= 0) {
			key = json_names[fld];
			const char *dot = strchr(key, '.');
			key = dot ? dot + 1 : key;
		}
		line = json_sub_line(c, ev, sect, key);
		mc_buf_printf(&b, "%ssubmission %d", shape ? "not the expected shape: " : "", sb->index + 1);
		if (sb->f[F_ID])
			mc_buf_printf(&b, " (id \"%s\")", sb->f[F_ID]);
		mc_buf_adds(&b, ": ");
		if (ev >= 0)
			mc_buf_printf(&b, "evidence[%d]%s", ev, fld >= 0 ? "." : ": ");
		if (fld >= 0)
			mc_buf_printf(&b, "%s: ", json_names[fld]);
	}
	mc_buf_adds(&b, msg);
	free(msg);
	int rc = mc_error_at(c->err, MC_INVALID, c->file, line, 0, "%s", mc_buf_str(&b));
	mc_buf_free(&b);
	return rc;
}

static int bad(struct imp *c, const struct sub *sb, int ev, int fld, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int bad(struct imp *c, const struct sub *sb, int ev, int fld, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vbad(c, sb, ev, fld, NULL, 0, fmt, ap);
	va_end(ap);
	return rc;
}

/* Valid JSON, but not of the shape we read: at field fld, or member `key`. */
static int bad_shape(struct imp *c, const struct sub *sb, int ev, int fld, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int bad_shape(struct imp *c, const struct sub *sb, int ev, int fld, const char *key,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vbad(c, sb, ev, fld, key, 1, fmt, ap);
	va_end(ap);
	return rc;
}

/* ------------------------------------------------------------------ CSV */

struct csvst {
	const char *file, *data;
	int header;      /* the first record names the columns */
	char **columns;  /* its fields, for messages */
	int ncolumns;
	import_csv_row_fn row;
	void *ctx;
	struct mc_error *err;
	char **f;
	size_t *lens;
	int n, cap;
	long line;       /* the physical line being fed */
	long row_line;   /* where the record being read began */
	long field_line; /* where the field being read began */
	int rc;
};

static const char *column_name(const struct csvst *st, int i)
{
	return i < st->ncolumns ? st->columns[i] : NULL;
}

static void csv_field(void *s, size_t n, void *data)
{
	struct csvst *st = data;
	if (st->rc != MC_OK)
		return;
	if (n > IMPORT_MAX_TEXT) {
		const char *name = column_name(st, st->n);
		if (name)
			st->rc = mc_error_at(st->err, MC_INVALID, st->file, st->field_line, 0,
					     "column '%s': the field is %zu bytes, over the limit of %d bytes "
					     "(1 MiB)", name, n, IMPORT_MAX_TEXT);
		else
			st->rc = mc_error_at(st->err, MC_INVALID, st->file, st->field_line, 0,
					     "field %d is %zu bytes, over the limit of %d bytes (1 MiB)",
					     st->n + 1, n, IMPORT_MAX_TEXT);
		return;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->f = mc_xrealloc(st->f, (size_t)st->cap * sizeof *st->f);
		st->lens = mc_xrealloc(st->lens, (size_t)st->cap * sizeof *st->lens);
	}
	st->f[st->n] = s ? mc_xstrndup(s, n) : mc_xstrdup("");
	st->lens[st->n] = n;
	st->n++;
	st->field_line = st->line;
}

static void csv_fields_clear(struct csvst *st)
{
	for (int i = 0; i < st->n; i++)
		free(st->f[i]);
	st->n = 0;
}

static void csv_record(int c, void *data)
{
	(void)c;
	struct csvst *st = data;
	if (st->header && !st->columns) {
		st->columns = mc_xcalloc((size_t)st->n + 1, sizeof *st->columns);
		for (int i = 0; i < st->n; i++)
			st->columns[i] = mc_xstrdup(st->f[i]);
		st->ncolumns = st->n;
	}
	if (st->rc == MC_OK)
		st->rc = st->row(st->ctx, st->f, st->lens, st->n, st->row_line, st->line, st->err);
	csv_fields_clear(st);
}

static int no_space(unsigned char ch)
{
	(void)ch; /* RFC 4180: spaces belong to the field */
	return 0;
}

/* Malformed quoting at byte `off` of the line being fed (st->data). */
static int csv_quote_error(struct csvst *st, struct csv_parser *p, size_t off)
{
	long line, col;
	text_position(st->data, off, &line, &col);
	const char *name = column_name(st, st->n);
	char *where = name ? mc_xasprintf("column '%s': ", name) : mc_xasprintf("field %d: ", st->n + 1);
	const char *why = p->pstate == 3 /* after a closing quote */
		? "malformed quoting: a closing '\"' must be followed by ',' or the end of the line "
		  "(write a quote inside a quoted field as \"\")"
		: "malformed quoting: '\"' inside a field that does not start with '\"' "
		  "(put the whole field in quotes and write the quote as \"\")";
	int rc = mc_error_at(st->err, MC_INVALID, st->file, st->line + line - 1, col, "%s%s", where, why);
	free(where);
	return rc;
}

/* libcsv grows a field's buffer by a fixed block (128 bytes): a 3 MB field took
 * 24,000 reallocations, each copying the field so far. Fed in pieces with the block
 * kept as large as the buffer, the buffer doubles instead. Returns the bytes used. */
#define CSV_PIECE 4096
static size_t csv_feed(struct csv_parser *p, const char *s, size_t n, struct csvst *st)
{
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < CSV_PIECE ? n - done : CSV_PIECE;
		csv_set_blk_size(p, p->entry_size > CSV_PIECE ? p->entry_size : CSV_PIECE);
		size_t used = csv_parse(p, s + done, k, csv_field, csv_record, st);
		done += used;
		if (used != k)
			break;
	}
	return done;
}

/* The length of the physical line at s, with its end: LF, CRLF or a lone CR. */
static size_t line_length(const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && s[n] != '\n' && s[n] != '\r')
		n++;
	if (n < len && s[n] == '\r' && n + 1 < len && s[n + 1] == '\n')
		n++;
	return n < len ? n + 1 : n;
}

/* A CSV reader fed one physical line at a time. */
struct csvrd {
	struct csv_parser p;
	struct csvst st;
};

static int csvrd_init(struct csvrd *r, const char *file, int header, import_csv_row_fn row, void *ctx,
		      struct mc_error *err)
{
	memset(r, 0, sizeof *r);
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return mc_error_set(err, MC_FAIL, "out of memory");
	csv_set_space_func(&r->p, no_space);
	r->st = (struct csvst){ .file = file, .header = header, .row = row, .ctx = ctx, .err = err,
				.rc = MC_OK };
	return MC_OK;
}

/* Feed the next physical line (n bytes with its end); returns the reader's status. */
static int csvrd_line(struct csvrd *r, const char *line, size_t n)
{
	struct csvst *st = &r->st;
	if (st->rc != MC_OK)
		return st->rc;
	st->line++;
	st->data = line;
	if (r->p.pstate == 0) /* between records: one begins on this line */
		st->row_line = st->field_line = st->line;
	size_t used = csv_feed(&r->p, line, n, st);
	if (used != n && st->rc == MC_OK)
		st->rc = csv_error(&r->p) == CSV_EPARSE ? csv_quote_error(st, &r->p, used)
							 : mc_error_set(st->err, MC_FAIL, "out of memory");
	st->data = NULL;
	return st->rc;
}

/* The end of the text: the last record, or the quoted field never closed. Frees. */
static int csvrd_finish(struct csvrd *r)
{
	struct csvst *st = &r->st;
	if (st->rc == MC_OK && csv_fini(&r->p, csv_field, csv_record, st) != 0 && st->rc == MC_OK) {
		const char *name = column_name(st, st->n);
		if (name)
			st->rc = mc_error_at(st->err, MC_INVALID, st->file, st->field_line, 0,
					     "column '%s': malformed quoting: the quoted field that starts "
					     "on this line is never closed (a '\"' is missing)", name);
		else
			st->rc = mc_error_at(st->err, MC_INVALID, st->file, st->field_line, 0,
					     "malformed quoting: the quoted field that starts on this line is "
					     "never closed (a '\"' is missing)");
	}
	csv_fields_clear(st);
	for (int i = 0; i < st->ncolumns; i++)
		free(st->columns[i]);
	free(st->columns);
	free(st->f);
	free(st->lens);
	csv_free(&r->p);
	return st->rc;
}

int import_csv_records(const char *file, const char *data, size_t len, int header,
		       import_csv_row_fn row, void *ctx, struct mc_error *err)
{
	struct csvrd r;
	int rc = csvrd_init(&r, file, header, row, ctx, err);
	if (rc != MC_OK)
		return rc;
	for (size_t off = 0, n; off < len && rc == MC_OK; off += n) {
		n = line_length(data + off, len - off);
		rc = csvrd_line(&r, data + off, n);
	}
	return csvrd_finish(&r);
}

static int csv_header(struct imp *c, char **f, int n, long line, struct mc_error *err)
{
	for (int k = 0; k < F_N; k++)
		c->col[k] = -1;
	c->header = mc_xcalloc((size_t)n, sizeof *c->header);
	c->ncols = n;
	for (int i = 0; i < n; i++) {
		/* names are matched without surrounding spaces and case */
		const char *b = f[i];
		size_t l = strlen(b);
		while (*b == ' ' || *b == '\t')
			b++, l--;
		while (l > 0 && (b[l - 1] == ' ' || b[l - 1] == '\t' || b[l - 1] == '\r'))
			l--;
		c->header[i] = mc_xstrndup(b, l);
		int k = 0;
		while (k < F_N && strcasecmp(c->header[i], csv_names[k]) != 0)
			k++;
		if (k == F_N)
			return mc_error_at(err, MC_INVALID, c->file, line, 0,
					   "unknown column '%s' (the columns are submission_id, educator_id, "
					   "educator_name, district, school, credential, submitted_at, part, "
					   "kind, text, file)", c->header[i]);
		if (c->col[k] >= 0)
			return mc_error_at(err, MC_INVALID, c->file, line, 0,
					   "column '%s' appears twice (columns %d and %d)", csv_names[k],
					   c->col[k] + 1, i + 1);
		c->col[k] = i;
	}
	for (int k = 0; k < F_N; k++)
		if (required_column[k] && c->col[k] < 0)
			return mc_error_at(err, MC_INVALID, c->file, line, 0, "missing column '%s'",
					   csv_names[k]);
	c->header_done = 1;
	return MC_OK;
}

static char *csv_take(struct imp *c, char **f, int k)
{
	int i = c->col[k];
	if (i < 0 || !f[i][0])
		return NULL;
	char *v = f[i];
	f[i] = mc_xstrdup(""); /* ownership moves to the record */
	return v;
}

/* A value for a message: at most 80 bytes, cut between characters. */
static char *clip(const char *s)
{
	size_t n = strlen(s);
	if (n <= 80)
		return mc_xstrdup(s);
	n = 77;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return mc_xasprintf("%.*s...", (int)n, s);
}

static int sub_done(struct imp *c);

/* One record (evidence item): the rows of a submission follow one another, so a
 * new id ends the submission before it, which is then checked and written. */
static int csv_row(void *ctx, char **f, const size_t *lens, int n, long line, long end_line,
		   struct mc_error *err)
{
	(void)lens;
	(void)end_line;
	struct imp *c = ctx;
	if (!c->header_done)
		return csv_header(c, f, n, line, err);
	if (n != c->ncols)
		return mc_error_at(err, MC_INVALID, c->file, line, 0,
				   "%d field%s, but the header has %d columns", n, n == 1 ? "" : "s",
				   c->ncols);
	int idi = c->col[F_ID];
	if (!f[idi][0])
		return mc_error_at(err, MC_INVALID, c->file, line, 0, "column 'submission_id': empty (it is required)");
	struct sub *sb = &c->cur;
	if (c->have_cur && strcmp(sb->f[F_ID], f[idi]) != 0) {
		int rc = sub_done(c);
		if (rc != MC_OK)
			return rc;
	}
	if (!c->have_cur) {
		sb = sub_begin(c);
		sb->line = line;
		for (int k = 0; k < F_SUB_N; k++)
			sb->f[k] = csv_take(c, f, k);
	} else {
		for (int k = 0; k < F_SUB_N; k++) {
			const char *v = c->col[k] >= 0 ? f[c->col[k]] : "";
			const char *was = sb->f[k] ? sb->f[k] : "";
			if (strcmp(v, was) == 0)
				continue;
			char *cw = clip(was), *cv = clip(v);
			int rc = mc_error_at(err, MC_INVALID, c->file, line, 0,
					     "column '%s' disagrees with line %ld for submission %s "
					     "('%s' there, '%s' here)", csv_names[k], sb->line,
					     sb->f[F_ID], cw, cv);
			free(cw);
			free(cv);
			return rc;
		}
	}
	if (sb->nitems >= IMPORT_MAX_ITEMS)
		return mc_error_at(err, MC_INVALID, c->file, line, 0,
				   "submission %s has more than %d evidence items", sb->f[F_ID],
				   IMPORT_MAX_ITEMS);
	struct item *it = item_add(sb);
	it->line = line;
	for (int k = F_SUB_N; k < F_N; k++)
		IF(it, k) = csv_take(c, f, k);
	return MC_OK;
}

static int src_line(struct imp *c, const char **line, size_t *n);
static int bad_utf8(struct imp *c, const char *s, size_t bad_at, long line, long col0);

static int parse_csv(struct imp *c)
{
	struct csvrd r;
	int rc = csvrd_init(&r, c->file, 1, csv_row, c, c->err);
	if (rc != MC_OK)
		return rc;
	const char *line;
	size_t n, bad_at;
	long lineno = 0;
	while (rc == MC_OK && (rc = src_line(c, &line, &n)) == MC_OK && n > 0) {
		lineno++;
		rc = text_utf8_valid(line, n, &bad_at) ? csvrd_line(&r, line, n)
						       : bad_utf8(c, line, bad_at, lineno, 1);
	}
	if (rc != MC_OK && r.st.rc == MC_OK)
		r.st.rc = rc; /* nothing more from the reader */
	rc = csvrd_finish(&r);
	if (rc == MC_OK && c->have_cur)
		rc = sub_done(c);
	if (rc != MC_OK)
		return rc;
	if (!c->header_done)
		return mc_error_at(c->err, MC_INVALID, c->file, 0, 0, "the file is empty; nothing to import");
	if (c->nsubs == 0)
		return mc_error_at(c->err, MC_INVALID, c->file, 1, 0,
				   "only a header row, no submissions; nothing to import");
	return MC_OK;
}

/* ------------------------------------------------------------------ JSON */

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "true/false";
	default: return "null";
	}
}

/* A string field (ids may also be integers); NULL/missing/"" leave *out NULL. */
static int json_str(struct imp *c, struct sub *sb, int ev, int fld, const json_t *v, char **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return MC_OK;
	if (json_is_integer(v) && (fld == F_ID || fld == F_EDU_ID)) {
		*out = mc_xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return MC_OK;
	}
	if (!json_is_string(v))
		return bad_shape(c, sb, ev, fld, NULL, "expected a string, not %s", json_kind(v));
	if (json_string_length(v) > 0)
		*out = mc_xstrndup(json_string_value(v), json_string_length(v));
	return MC_OK;
}

/* Refuse keys we do not know (a misspelt "submited_at" must not pass silently). */
static int json_keys(struct imp *c, struct sub *sb, int ev, const json_t *o, const char *const *known,
		     const char *where)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;
		struct mc_buf names = MC_BUF_INIT;
		for (const char *const *n = known; *n; n++) {
			ok |= strcmp(k, *n) == 0;
			mc_buf_printf(&names, "%s%s", n == known ? "" : ", ", *n);
		}
		c->unknown_in_educator = *where != '\0';
		int rc = ok ? MC_OK : bad_shape(c, sb, ev, -1, k, "unknown field '%s%s' (the fields are %s)",
						where, k, mc_buf_str(&names));
		c->unknown_in_educator = 0;
		mc_buf_free(&names);
		if (rc != MC_OK)
			return rc;
	}
	return MC_OK;
}

static int json_item(struct imp *c, struct sub *sb, const json_t *e)
{
	int ev = sb->nitems;
	struct item *it = item_add(sb);
	if (!json_is_object(e))
		return bad_shape(c, sb, ev, -1, NULL, "expected an object {\"part\", \"kind\", \"text\" or \"file\"}, "
			   "not %s", json_kind(e));
	static const char *const known[] = { "part", "kind", "text", "file", NULL };
	int rc = json_keys(c, sb, ev, e, known, "");
	for (int k = F_SUB_N; k < F_N && rc == MC_OK; k++)
		rc = json_str(c, sb, ev, k, json_object_get(e, csv_names[k]), &IF(it, k));
	return rc;
}

static int json_sub(struct imp *c, const json_t *o)
{
	struct sub *sb = sub_begin(c);
	if (!json_is_object(o))
		return bad_shape(c, sb, -1, -1, NULL, "expected an object {\"id\", \"educator\", \"credential\", "
			   "\"submitted_at\", \"evidence\"}, not %s", json_kind(o));
	/* the id first, so every later message can name it */
	int rc = json_str(c, sb, -1, F_ID, json_object_get(o, "id"), &sb->f[F_ID]);
	static const char *const known[] = { "id", "educator", "credential", "submitted_at", "evidence", NULL };
	if (rc == MC_OK)
		rc = json_keys(c, sb, -1, o, known, "");
	const json_t *edu = json_object_get(o, "educator");
	if (rc == MC_OK && edu && !json_is_object(edu))
		rc = bad_shape(c, sb, -1, -1, "educator", "educator: expected an object {\"id\", \"name\", \"district\", "
			 "\"school\"}, not %s", json_kind(edu));
	static const char *const eknown[] = { "id", "name", "district", "school", NULL };
	if (rc == MC_OK && edu)
		rc = json_keys(c, sb, -1, edu, eknown, "educator.");
	static const char *const ekeys[] = { "id", "name", "district", "school" };
	for (int k = F_EDU_ID; k <= F_SCHOOL && rc == MC_OK; k++)
		rc = json_str(c, sb, -1, k, edu ? json_object_get(edu, ekeys[k - F_EDU_ID]) : NULL, &sb->f[k]);
	if (rc == MC_OK)
		rc = json_str(c, sb, -1, F_CREDENTIAL, json_object_get(o, "credential"), &sb->f[F_CREDENTIAL]);
	if (rc == MC_OK)
		rc = json_str(c, sb, -1, F_SUBMITTED_AT, json_object_get(o, "submitted_at"),
			      &sb->f[F_SUBMITTED_AT]);
	const json_t *evs = json_object_get(o, "evidence");
	if (rc == MC_OK && evs && !json_is_array(evs))
		rc = bad_shape(c, sb, -1, -1, "evidence", "evidence: expected an array of evidence items, "
			       "not %s", json_kind(evs));
	if (rc == MC_OK && !evs)
		rc = bad(c, sb, -1, -1, "evidence: missing (an array of evidence items)");
	if (rc == MC_OK && json_array_size(evs) > IMPORT_MAX_ITEMS)
		rc = bad(c, sb, -1, -1, "evidence: more than %d evidence items", IMPORT_MAX_ITEMS);
	for (size_t j = 0; rc == MC_OK && j < json_array_size(evs); j++)
		rc = json_item(c, sb, json_array_get(evs, j));
	return rc;
}

/* A position in text that starts at line0:col0 of the file. */
static void file_position(const char *text, size_t off, long line0, long col0, long *line, long *col)
{
	text_position(text, off, line, col);
	if (*line == 1)
		*col += col0 - 1;
	*line += line0 - 1;
}

/* Text that is not UTF-8 (or holds a NUL byte), at byte bad_at of s. */
static int bad_utf8(struct imp *c, const char *s, size_t bad_at, long line0, long col0)
{
	long line, col;
	file_position(s, bad_at, line0, col0, &line, &col);
	unsigned char b = (unsigned char)s[bad_at];
	if (!b)
		return mc_error_at(c->err, MC_INVALID, c->file, line, col,
				   "a NUL byte; the file must be UTF-8 text");
	return mc_error_at(c->err, MC_INVALID, c->file, line, col,
			   "invalid UTF-8 (byte 0x%02X); save the file as UTF-8", b);
}

/* jansson refused the text (which starts at line0:col0 of the file): where
 * (counted as everywhere else: LF, CRLF or CR lines), and why, in our words
 * where jansson's would name its own flags. */
static int json_load_error(struct imp *c, const json_error_t *je, const char *text, size_t len,
			   long line0, long col0)
{
	long line = je->line, col = je->column;
	if (je->position > 0 && (size_t)je->position <= len)
		file_position(text, (size_t)je->position, line0, col0, &line, &col);
	switch (json_error_code(je)) {
	case json_error_null_character:
		return mc_error_at(c->err, MC_INVALID, c->file, line, col,
				   "a NUL character (\\u0000) in a string; text cannot contain NUL");
	case json_error_duplicate_key:
		return mc_error_at(c->err, MC_INVALID, c->file, line, col,
				   "not the expected shape: a key appears twice in one object (%s)", je->text);
	default:
		return mc_error_at(c->err, MC_INVALID, c->file, line, col, "malformed JSON: %s", je->text);
	}
}

static int read_input(struct imp *c, char **buf, size_t *len);

/* The file is not what the streaming reader takes (an array, its elements
 * whole, nothing after it): read whole as before, for jansson's own message, or
 * ours for a root that is not an array. Only on the way to a refusal. */
static int json_whole(struct imp *c)
{
	if (c->in.failed)
		return MC_FAIL;
	char *buf;
	size_t len, bad_at;
	int rc = read_input(c, &buf, &len);
	if (rc != MC_OK)
		return rc;
	const char *d = buf;
	if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
		d += 3, len -= 3;
	json_error_t je;
	json_t *root = NULL;
	if (!text_utf8_valid(d, len, &bad_at))
		rc = bad_utf8(c, d, bad_at, 1, 1);
	else if (!(root = json_loadb(d, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je)))
		rc = json_load_error(c, &je, d, len, 1, 1);
	else if (!json_is_array(root))
		rc = mc_error_at(c->err, MC_INVALID, c->file, json_line(d, len, NULL, 0), 0,
				 "not the expected shape: expected an array of submissions "
				 "[{\"id\", \"educator\", ...}], not %s", json_kind(root));
	else /* it changed while being read */
		rc = mc_error_set(c->err, MC_FAIL, "%s: changed while it was being imported", c->file);
	json_decref(root);
	free(buf);
	return rc;
}

static int src_getc(struct imp *c);
static int src_peekc(struct imp *c);

static void src_skip_blank(struct imp *c)
{
	int ch;
	while ((ch = src_peekc(c)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
		src_getc(c);
}

/* The text of the next element of the outer array into c->jtext, with where it
 * starts; 0 when it does not end (or does not begin) as a JSON value would. */
static int json_element(struct imp *c)
{
	mc_buf_reset(&c->jtext);
	c->jline = c->in.line;
	c->jcol = c->in.col;
	int ch = src_getc(c);
	if (ch <= 0 || strchr(",:]}", ch))
		return 0;
	mc_buf_addc(&c->jtext, (char)ch);
	if (ch != '{' && ch != '[' && ch != '"') { /* a number, true, false or null */
		while ((ch = src_peekc(c)) > 0 && !strchr(" \t\r\n,:]}", ch))
			mc_buf_addc(&c->jtext, (char)src_getc(c));
		return 1;
	}
	int depth = ch != '"', str = ch == '"', esc = 0;
	while (depth > 0 || str) {
		if ((ch = src_getc(c)) < 0)
			return 0;
		mc_buf_addc(&c->jtext, (char)ch);
		if (str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				str = 0;
		} else if (ch == '"') {
			str = 1;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return 1;
}

/* One element: checked as UTF-8, parsed, read as a submission, then imported. */
static int json_one(struct imp *c)
{
	const char *t = c->jtext.data;
	size_t n = c->jtext.len, bad_at;
	if (!text_utf8_valid(t, n, &bad_at))
		return bad_utf8(c, t, bad_at, c->jline, c->jcol);
	json_error_t je;
	json_t *o = json_loadb(t, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!o)
		return json_load_error(c, &je, t, n, c->jline, c->jcol);
	int rc = json_sub(c, o);
	json_decref(o);
	c->cur.line = c->jline;
	return rc == MC_OK ? sub_done(c) : rc;
}

/* The outer array, one element at a time. */
static int parse_json(struct imp *c)
{
	src_skip_blank(c);
	long root_line = c->in.line;
	if (src_getc(c) != '[')
		return json_whole(c);
	for (int n = 0;; n++) {
		src_skip_blank(c);
		if (n == 0 && src_peekc(c) == ']') {
			src_getc(c);
			src_skip_blank(c);
			if (src_peekc(c) >= 0 || c->in.failed)
				return json_whole(c);
			return mc_error_at(c->err, MC_INVALID, c->file, root_line, 0,
					   "an empty array, no submissions; nothing to import");
		}
		if (!json_element(c))
			return json_whole(c);
		int rc = json_one(c);
		if (rc != MC_OK)
			return rc;
		src_skip_blank(c);
		int ch = src_getc(c);
		if (ch == ',')
			continue;
		if (ch != ']')
			return json_whole(c);
		src_skip_blank(c);
		return src_peekc(c) >= 0 || c->in.failed ? json_whole(c) : MC_OK;
	}
}

/* ------------------------------------------------------------------ checks */

#define EMPTY(c) ((c)->json ? "missing or empty" : "empty")

/* The first control character in a one-line field (C0, DEL, C1, a bidi override or
 * isolate: mcassess/text.h), or 0. Shown on a terminal they could drive it or
 * disguise the text. */
static unsigned control_in(const char *s)
{
	while (*s) {
		unsigned cp;
		s += text_utf8_decode(s, &cp);
		if (text_cp_is_control(cp))
			return cp;
	}
	return 0;
}

static int bad_control(struct imp *c, struct sub *sb, int ev, int k, unsigned cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return bad(c, sb, ev, k, "contains a control character (a tab or line break?)");
	if (cp < 0xa0)
		return bad(c, sb, ev, k, "contains the invisible control character U+%04X; remove it", cp);
	return bad(c, sb, ev, k, "contains U+%04X, an invisible character that reorders how the text "
		   "around it is displayed; remove it", cp);
}

static void cred_part(void *ctx, long long id, const char *code)
{
	struct cred *cr = ctx;
	cr->parts = mc_xrealloc(cr->parts, (size_t)(cr->nparts + 1) * sizeof *cr->parts);
	cr->parts[cr->nparts].code = mc_xstrdup(code);
	cr->parts[cr->nparts].id = id;
	cr->nparts++;
}

/* The credential (cached: a file names a handful of them many times). */
static int find_cred(struct imp *c, const char *code, const struct cred **out)
{
	*out = NULL;
	for (int i = 0; i < c->ncreds; i++)
		if (strcmp(c->creds[i]->code, code) == 0) {
			*out = c->creds[i];
			return MC_OK;
		}
	long long id, rubric;
	int found;
	int rc = store_import_credential(c->s, code, &id, &rubric, &found, c->err);
	if (rc != MC_OK || !found)
		return rc;
	c->creds = mc_xrealloc(c->creds, (size_t)(c->ncreds + 1) * sizeof *c->creds);
	struct cred *cr = mc_xcalloc(1, sizeof *cr);
	*cr = (struct cred){ mc_xstrdup(code), id, rubric, NULL, 0 };
	c->creds[c->ncreds++] = cr;
	rc = store_import_parts(c->s, rubric, cred_part, cr, c->err);
	*out = cr;
	return rc;
}

static int check_sub_fields(struct imp *c, struct sub *sb)
{
	for (int k = 0; k < F_SUB_N; k++) {
		const char *v = sb->f[k];
		if (!v) {
			if (k == F_SCHOOL)
				continue;
			return bad(c, sb, -1, k, "%s (it is required)", EMPTY(c));
		}
		if (strlen(v) > field_limit[k])
			return bad(c, sb, -1, k, "%zu bytes, over the limit of %zu", strlen(v), field_limit[k]);
		if (control_in(v))
			return bad_control(c, sb, -1, k, control_in(v));
	}
	time_t t;
	if (mc_time_parse(sb->f[F_SUBMITTED_AT], &t) != 0)
		return bad(c, sb, -1, F_SUBMITTED_AT, "'%s' is not a date and time (write it as "
			   "2026-11-22T10:48:00Z, 2026-11-22T11:48:00+01:00 or 2026-11-22)",
			   sb->f[F_SUBMITTED_AT]);
	mc_time_format(t, sb->when);
	int rc = find_cred(c, sb->f[F_CREDENTIAL], &sb->cred);
	if (rc != MC_OK)
		return rc;
	if (!sb->cred)
		return bad(c, sb, -1, F_CREDENTIAL, "no credential '%s' in the catalog (see 'mcassess "
			   "catalog list')", sb->f[F_CREDENTIAL]);
	return MC_OK;
}

static int check_part(struct imp *c, struct sub *sb, int ev)
{
	struct item *it = &sb->items[ev];
	const char *part = IF(it, F_PART);
	if (!part)
		return bad(c, sb, ev, F_PART, "%s (it is required)", EMPTY(c));
	const struct cred *cr = sb->cred;
	for (int k = 0; k < cr->nparts; k++)
		if (strcmp(cr->parts[k].code, part) == 0) {
			it->part_id = cr->parts[k].id;
			return MC_OK;
		}
	struct mc_buf names = MC_BUF_INIT;
	for (int k = 0; k < cr->nparts; k++)
		mc_buf_printf(&names, "%s%s", k ? ", " : "", cr->parts[k].code);
	int rc = bad(c, sb, ev, F_PART, "no part '%.64s' in %s (its parts: %s)", part, cr->code,
		     mc_buf_str(&names));
	mc_buf_free(&names);
	return rc;
}

static int check_text_item(struct imp *c, struct sub *sb, int ev)
{
	struct item *it = &sb->items[ev];
	const char *text = IF(it, F_TEXT);
	if (IF(it, F_FILE))
		return bad(c, sb, ev, F_FILE, "must be empty for kind 'text' (a file goes in a row of kind "
			   "'file')");
	if (!text)
		return bad(c, sb, ev, F_TEXT, "%s, but an evidence item of kind 'text' needs its text",
			   EMPTY(c));
	size_t n = strlen(text);
	if (n > IMPORT_MAX_TEXT)
		return bad(c, sb, ev, F_TEXT, "%zu bytes, over the limit of %d (1 MiB); import long "
			   "documents as files", n, IMPORT_MAX_TEXT);
	mc_sha256_hex(text, n, it->sha256);
	it->words = text_word_count(text, n);
	it->size = (long long)n;
	it->media_type = TEXT_MEDIA_TYPE;
	return MC_OK;
}

int import_resolve_evidence(const char *dir_real, const char *rel, char **resolved, const char **why)
{
	*resolved = NULL;
	if (!rel || !*rel) {
		*why = "is empty";
		return -1;
	}
	if (rel[0] == '/') {
		*why = "is an absolute path; give a path relative to the --evidence directory";
		return -1;
	}
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*why = "leaves the --evidence directory ('..' is not allowed)";
			return -1;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	char *joined = mc_xasprintf("%s/%s", dir_real, rel);
	priv_user_begin(); /* a path the person names: their rights, not the service's */
	char *real = realpath(joined, NULL);
	int e = errno;
	priv_user_end();
	free(joined);
	if (!real) {
		*why = e == ENOENT || e == ENOTDIR ? "does not exist in the --evidence directory"
		       : e == EACCES		      ? "cannot be read (permission denied)"
						      : "cannot be resolved";
		return -1;
	}
	size_t dl = strlen(dir_real);
	int inside = strncmp(real, dir_real, dl) == 0 &&
		     (real[dl] == '/' || (dl == 1 && dir_real[0] == '/' && real[1]));
	if (!inside) {
		free(real);
		*why = "resolves outside the --evidence directory (a symbolic link?); evidence is read "
		       "only from inside it";
		return -1;
	}
	*resolved = real;
	return 0;
}

static const char *media_type_of(struct imp *c, int fd)
{
	if (!c->magic_tried) {
		c->magic_tried = 1;
		/* loaded now, not at start (base/magic_dl.h); without it every file is an octet-stream */
		c->magic = magic_dl_load(NULL) == MC_OK ? magic_open(MAGIC_MIME_TYPE) : NULL;
		if (c->magic && magic_load(c->magic, NULL) != 0) {
			magic_close(c->magic);
			c->magic = NULL;
		}
	}
	const char *m = c->magic ? magic_descriptor(c->magic, fd) : NULL;
	return m ? m : "application/octet-stream";
}

/* Hash (and, unless a dry run, store) the file behind `resolved`, once per import. */
static void item_from_file(struct item *it, const struct evfile *f)
{
	memcpy(it->sha256, f->sha256, sizeof it->sha256);
	it->size = f->size;
	it->media_type = f->media_type;
}

static int load_file(struct imp *c, struct sub *sb, int ev, const char *resolved)
{
	int at = smap_get(&c->file_by_path, resolved);
	if (at >= 0) {
		item_from_file(&sb->items[ev], &c->files[at]);
		return MC_OK;
	}
	const char *rel = IF(&sb->items[ev], F_FILE);
	/* O_NOFOLLOW: the checked path's last component must not turn into a link now */
	priv_user_begin();
	int fd = open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	int e = errno;
	priv_user_end();
	errno = e;
	if (fd < 0)
		return bad(c, sb, ev, F_FILE, "'%s' cannot be opened: %s", rel, strerror(errno));
	struct stat sbuf;
	int rc = MC_OK;
	if (fstat(fd, &sbuf) != 0)
		rc = bad(c, sb, ev, F_FILE, "'%s': %s", rel, strerror(errno));
	else if (!S_ISREG(sbuf.st_mode))
		rc = bad(c, sb, ev, F_FILE, "'%s' is not a regular file", rel);
	else if (sbuf.st_size == 0)
		rc = bad(c, sb, ev, F_FILE, "'%s' is empty (0 bytes)", rel);
	else if (sbuf.st_size > IMPORT_MAX_EVFILE)
		rc = bad(c, sb, ev, F_FILE, "'%s' is %lld bytes, over the limit of %lld (256 MiB)", rel,
			 (long long)sbuf.st_size, IMPORT_MAX_EVFILE);
	if (rc != MC_OK) {
		close(fd);
		return rc;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	char *media = mc_xstrdup(media_type_of(c, fd));
	struct evstore_put put;
	struct mc_error ferr = MC_ERROR_INIT;
	if (lseek(fd, 0, SEEK_SET) != 0)
		rc = mc_error_set(&ferr, MC_FAIL, "%s: %s", rel, strerror(errno));
	else
		rc = evstore_put_fd(c->evroot, fd, rel, IMPORT_MAX_EVFILE, c->dry_run, &put, &ferr);
	close(fd);
	if (rc != MC_OK) {
		if (rc == MC_INVALID)
			bad(c, sb, ev, F_FILE, "%s", mc_error_msg(&ferr));
		else
			mc_error_set(c->err, rc, "%s", mc_error_msg(&ferr));
		mc_error_clear(&ferr);
		free(media);
		return rc;
	}
	if (put.created && smap_get(&c->new_sha, put.sha256) < 0) {
		if (c->ncreated == c->crcap) {
			c->crcap = c->crcap ? c->crcap * 2 : 16;
			c->created = mc_xrealloc(c->created, (size_t)c->crcap * sizeof *c->created);
		}
		c->created[c->ncreated] = mc_xstrdup(put.sha256);
		smap_put(&c->new_sha, c->created[c->ncreated], c->ncreated);
		c->ncreated++;
	}
	if (c->nfiles == c->fcap) {
		c->fcap = c->fcap ? c->fcap * 2 : 16;
		c->files = mc_xrealloc(c->files, (size_t)c->fcap * sizeof *c->files);
	}
	struct evfile *f = &c->files[c->nfiles];
	f->path = mc_xstrdup(resolved);
	memcpy(f->sha256, put.sha256, sizeof f->sha256);
	f->size = put.size;
	f->media_type = media;
	smap_put(&c->file_by_path, f->path, c->nfiles);
	c->nfiles++;
	item_from_file(&sb->items[ev], f);
	return MC_OK;
}

static int check_file_item(struct imp *c, struct sub *sb, int ev)
{
	struct item *it = &sb->items[ev];
	const char *rel = IF(it, F_FILE);
	if (IF(it, F_TEXT))
		return bad(c, sb, ev, F_TEXT, "must be empty for kind 'file' (text goes in a row of kind "
			   "'text')");
	if (!rel)
		return bad(c, sb, ev, F_FILE, "%s, but an evidence item of kind 'file' needs the file's "
			   "path", EMPTY(c));
	if (strlen(rel) > IMPORT_MAX_PATH)
		return bad(c, sb, ev, F_FILE, "the path is %zu bytes, over the limit of %d", strlen(rel),
			   IMPORT_MAX_PATH);
	if (control_in(rel))
		return bad_control(c, sb, ev, F_FILE, control_in(rel));
	if (!c->evdir_real)
		return bad(c, sb, ev, F_FILE, "'%s' is a file, but no --evidence DIR was given to read "
			   "it from; run again with --evidence DIR", rel);
	char *resolved;
	const char *why;
	if (import_resolve_evidence(c->evdir_real, rel, &resolved, &why) != 0)
		return bad(c, sb, ev, F_FILE, "'%s' %s (--evidence %s)", rel, why, c->evdir);
	int rc = load_file(c, sb, ev, resolved);
	free(resolved);
	return rc;
}

static int check_items(struct imp *c, struct sub *sb)
{
	for (int j = 0; j < sb->nitems; j++) {
		struct item *it = &sb->items[j];
		int rc = check_part(c, sb, j);
		if (rc != MC_OK)
			return rc;
		const char *kind = IF(it, F_KIND);
		if (!kind)
			rc = bad(c, sb, j, F_KIND, "%s: say 'text' or 'file'", EMPTY(c));
		else if (strcmp(kind, "text") == 0)
			rc = check_text_item(c, sb, j);
		else if (strcmp(kind, "file") == 0)
			rc = check_file_item(c, sb, j);
		else
			rc = bad(c, sb, j, F_KIND, "'%.64s' is not a kind of evidence: say 'text' or 'file'", kind);
		if (rc != MC_OK)
			return rc;
	}
	return MC_OK;
}

/* ------------------------------------------------------------------ canonical form */

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

/* The record as JSON with sorted keys, the same whichever format it came in:
 * its SHA-256 tells a re-import from a changed record. with_text = 0 leaves the
 * evidence text out (for the audit log) and adds each item's hash and words. */
static char *canonical(const struct sub *sb, int with_text)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", jstr(sb->f[F_ID]));
	json_object_set_new(o, "credential", jstr(sb->f[F_CREDENTIAL]));
	json_object_set_new(o, "submitted_at", jstr(sb->when));
	json_t *e = json_object();
	json_object_set_new(e, "id", jstr(sb->f[F_EDU_ID]));
	json_object_set_new(e, "name", jstr(sb->f[F_EDU_NAME]));
	json_object_set_new(e, "district", jstr(sb->f[F_DISTRICT]));
	json_object_set_new(e, "school", jstr(sb->f[F_SCHOOL]));
	json_object_set_new(o, "educator", e);
	json_t *a = json_array();
	for (int j = 0; j < sb->nitems; j++) {
		const struct item *it = &sb->items[j];
		json_t *x = json_object();
		json_object_set_new(x, "part", jstr(IF(it, F_PART)));
		json_object_set_new(x, "kind", jstr(IF(it, F_KIND)));
		if (IF(it, F_FILE)) {
			json_object_set_new(x, "file", jstr(IF(it, F_FILE)));
			json_object_set_new(x, "sha256", json_string(it->sha256));
		} else if (with_text) {
			json_object_set_new(x, "text", jstr(IF(it, F_TEXT)));
		} else {
			json_object_set_new(x, "sha256", json_string(it->sha256));
			json_object_set_new(x, "words", json_integer(it->words));
		}
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "evidence", a);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!s)
		abort(); /* only on exhausted memory: the input is valid UTF-8 */
	return s;
}

/* ------------------------------------------------------------------ writing */

static int get_salt(struct imp *c)
{
	if (c->salt)
		return MC_OK;
	int rc = store_meta_get(c->s, "anon_salt", &c->salt, c->err);
	if (rc != MC_OK || c->salt)
		return rc;
	unsigned char r[16];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return mc_error_set(c->err, MC_FAIL, "cannot get random bytes: %s", strerror(errno));
	char hex[33];
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	c->salt = mc_xstrdup(hex);
	return store_meta_set(c->s, "anon_salt", c->salt, c->err);
}

void import_anon_id(const char *salt, const char *educator_id, int n, char out[14])
{
	struct mc_sha256 h;
	char hex[MC_SHA256_HEX];
	mc_sha256_init(&h);
	mc_sha256_update(&h, salt, strlen(salt));
	mc_sha256_update(&h, "\n", 1);
	mc_sha256_update(&h, educator_id, strlen(educator_id));
	if (n > 0) {
		char k[24];
		int l = snprintf(k, sizeof k, "\n%d", n);
		mc_sha256_update(&h, k, (size_t)l);
	}
	mc_sha256_final(&h, hex);
	snprintf(out, 14, "anon-%.8s", hex);
}

static char *educator_json(const char *name, const char *district, const char *school)
{
	json_t *o = json_pack("{s:s, s:s, s:o}", "name", name, "district", district, "school", jstr(school));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The educator's row, created or brought up to date with this record (c->edu:
 * the row as the record's checks read it). */
static int put_educator(struct imp *c, const struct sub *sb, long long *id)
{
	long long district, school = 0;
	int rc = store_import_district(c->s, sb->f[F_DISTRICT], &district, c->err);
	if (rc == MC_OK && sb->f[F_SCHOOL])
		rc = store_import_school(c->s, district, sb->f[F_SCHOOL], &school, c->err);
	if (rc != MC_OK)
		return rc;
	const struct store_import_educator *e = &c->edu;
	if (c->edu_found) {
		*id = e->id;
		if (!same(e->name, sb->f[F_EDU_NAME]) || e->district_id != district || e->school_id != school) {
			rc = store_import_educator_update(c->s, e->id, sb->f[F_EDU_NAME], district, school, c->err);
			char *before = educator_json(e->name, e->district, e->school);
			char *after = educator_json(sb->f[F_EDU_NAME], sb->f[F_DISTRICT], sb->f[F_SCHOOL]);
			char *subject = mc_xasprintf("educator:%s", sb->f[F_EDU_ID]);
			if (rc == MC_OK)
				rc = audit_append(c->s, "update", subject, before, after, c->err);
			free(before);
			free(after);
			free(subject);
		}
		return rc;
	}
	if ((rc = get_salt(c)) != MC_OK)
		return rc;
	char anon[14];
	for (int n = 0;; n++) {
		int taken;
		import_anon_id(c->salt, sb->f[F_EDU_ID], n, anon);
		if ((rc = store_import_anon_taken(c->s, anon, &taken, c->err)) != MC_OK)
			return rc;
		if (!taken)
			break;
	}
	return store_import_educator_insert(c->s, sb->f[F_EDU_ID], sb->f[F_EDU_NAME], district, school,
					    anon, id, c->err);
}

/* Attempt n+1 after a 'resubmit' (or 'withdrawn'); after 'incomplete' the same n
 * again (a return by the completeness check is not an attempt), linked to it all
 * the same. Refused while an earlier attempt is open or was earned. */
/* Past the attempt limit only with an admin's grant: the refusal names the
 * educator, the credential and the earlier attempts, at the record's line. */
static int attempt_limit_check(struct imp *c, const struct sub *sb, long long educator, int attempt,
			       long long *grant)
{
	struct mc_error why = MC_ERROR_INIT;
	int rc = attempts_check(c->s, educator, sb->cred->id, attempt, grant, &why);
	if (rc == MC_INVALID)
		rc = bad(c, sb, -1, F_ID, "%s", why.msg);
	else if (rc != MC_OK)
		rc = mc_error_set(c->err, rc, "%s", why.msg);
	mc_error_clear(&why);
	return rc;
}

static int attempt_of(struct imp *c, const struct sub *sb, long long educator, int *attempt,
		      long long *previous, char **previous_id, long long *grant)
{
	struct store_import_attempt a;
	int found;
	int rc = store_import_latest_attempt(c->s, educator, sb->cred->id, &a, &found, c->err);
	*attempt = 1;
	*previous = 0;
	*previous_id = NULL;
	if (rc != MC_OK || !found)
		return rc;
	if (strcmp(a.status, "resubmit") == 0 || strcmp(a.status, "incomplete") == 0 ||
	    strcmp(a.status, "withdrawn") == 0) {
		*attempt = strcmp(a.status, "incomplete") == 0 ? a.attempt : a.attempt + 1;
		*previous = a.rowid;
		*previous_id = a.ext_id;
		a.ext_id = NULL;
		rc = attempt_limit_check(c, sb, educator, *attempt, grant);
	} else if (strcmp(a.status, "earned") == 0) {
		rc = bad(c, sb, -1, F_ID, "educator %s already earned %s with submission %s; a new "
			 "attempt at %s is not accepted", sb->f[F_EDU_ID], sb->cred->code, a.ext_id,
			 sb->f[F_ID]);
	} else {
		rc = bad(c, sb, -1, F_ID, "educator %s already has submission %s for %s, still open (%s); "
			 "a new attempt (%s) can follow only a decision of 'resubmit'", sb->f[F_EDU_ID],
			 a.ext_id, sb->cred->code, a.status, sb->f[F_ID]);
	}
	free(a.ext_id);
	free(a.status);
	return rc;
}

static char *audit_after(const struct sub *sb, int attempt, const char *previous, const char *sha)
{
	char *rec = canonical(sb, 0);
	json_t *o = json_loads(rec, 0, NULL);
	free(rec);
	json_object_set_new(o, "attempt", json_integer(attempt));
	json_object_set_new(o, "previous", jstr(previous));
	json_object_set_new(o, "source_sha256", json_string(sha));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static int write_sub(struct imp *c, struct sub *sb, struct import_stats *st)
{
	long long educator, previous = 0, rowid, grant = 0;
	int attempt = 1;
	char *prev_id = NULL;
	int rc = put_educator(c, sb, &educator);
	if (rc == MC_OK)
		rc = attempt_of(c, sb, educator, &attempt, &previous, &prev_id, &grant);
	if (rc == MC_OK)
		rc = store_import_submission_insert(c->s, &(struct store_import_submission_row){
			.ext_id = sb->f[F_ID], .submitted_at = sb->when, .now = c->now,
			.source_sha256 = sb->sha256, .educator_id = educator, .credential_id = sb->cred->id,
			.rubric_id = sb->cred->rubric_id, .previous_id = previous, .attempt = attempt },
			&rowid, c->err);
	if (rc == MC_OK)
		rc = attempts_grant_use(c->s, grant, rowid, c->err);
	for (int j = 0; j < sb->nitems && rc == MC_OK; j++) {
		const struct item *it = &sb->items[j];
		int file = IF(it, F_FILE) != NULL;
		if (file)
			rc = store_import_blob(c->s, it->sha256, it->size, it->media_type, c->err);
		struct store_import_evidence_row e = {
			.submission_id = rowid, .part_id = it->part_id, .seq = j + 1, .kind = IF(it, F_KIND),
			.text = IF(it, F_TEXT), .file_name = IF(it, F_FILE),
			.blob_sha256 = file ? it->sha256 : NULL, .sha256 = it->sha256,
			.media_type = it->media_type, .words = it->words,
		};
		if (rc == MC_OK)
			rc = store_import_evidence_insert(c->s, &e, c->err);
	}
	if (rc != MC_OK) {
		free(prev_id);
		return rc;
	}
	char *after = audit_after(sb, attempt, prev_id, sb->sha256);
	char *subject = mc_xasprintf("submission:%s", sb->f[F_ID]);
	if (rc == MC_OK)
		rc = audit_append(c->s, "import", subject, NULL, after, c->err);
	free(prev_id);
	free(after);
	free(subject);
	st->submissions++;
	st->evidence += sb->nitems;
	return rc;
}

/* ------------------------------------------------------------------ earlier records */

#define FOUND 99 /* find_first: the record is found (not an MC_ status) */

static int read_file(struct imp *c);

/* The first submission of the file whose field fld is `value`, found by reading
 * the file again from the start: only to name an earlier record in a message.
 * 0 when found (*id: heap), -1 when not (the file changed, or cannot be read). */
static int find_first(const struct imp *c, int fld, const char *value, int *index, long *line, char **id)
{
	struct mc_error e = MC_ERROR_INIT;
	struct imp r = { .file = c->file, .err = &e, .in.fd = -1, .find_fld = fld, .find_value = value };
	int rc = read_file(&r);
	if (rc == FOUND) {
		*index = r.found_index;
		*line = r.found_line;
		*id = r.found_id;
		r.found_id = NULL;
	}
	imp_free(&r);
	mc_error_clear(&e);
	return rc == FOUND ? 0 : -1;
}

static int sub_match(struct imp *c, const struct sub *sb)
{
	const char *v = sb->f[c->find_fld];
	if (!v || strcmp(v, c->find_value) != 0)
		return MC_OK;
	c->found_index = sb->index;
	c->found_line = sb->line;
	c->found_id = mc_xstrdup(sb->f[F_ID] ? sb->f[F_ID] : "");
	return FOUND;
}

/* The submission's id is that of an earlier record of this file. */
static int already_in_file(struct imp *c, struct sub *sb)
{
	int index = 0;
	long line = 0;
	char *id = NULL;
	int known = find_first(c, F_ID, sb->f[F_ID], &index, &line, &id) == 0;
	free(id);
	if (c->json)
		return known ? bad(c, sb, -1, F_ID, "the id '%s' is also that of submission %d", sb->f[F_ID],
				   index + 1)
			     : bad(c, sb, -1, F_ID, "the id '%s' is also that of an earlier submission",
				   sb->f[F_ID]);
	return known ? bad(c, sb, -1, F_ID, "submission %s also has rows at line %ld; the rows of a "
			   "submission must follow one another", sb->f[F_ID], line)
		     : bad(c, sb, -1, F_ID, "submission %s also has rows earlier in the file; the rows of "
			   "a submission must follow one another", sb->f[F_ID]);
}

/* Field k of the record disagrees with what an earlier one (index, id, line)
 * said of the same educator (`there`). */
static int educator_disagrees(struct imp *c, struct sub *sb, int k, int index, const char *id, long line,
			      const char *there)
{
	const char *here = sb->f[k] ? sb->f[k] : "";
	there = there ? there : "";
	if (c->json)
		return bad(c, sb, -1, k, "'%s' disagrees with submission %d (id \"%s\") for educator %s, "
			   "which says '%s'", here, index + 1, id, sb->f[F_EDU_ID], there);
	return bad(c, sb, -1, k, "disagrees with line %ld for educator %s ('%s' there, '%s' here)", line,
		   sb->f[F_EDU_ID], there, here);
}

/* One educator, one description, throughout the file. The earlier records are
 * gone: what they said is the educator's row when this import added it or met
 * it as it is (edu_seen), else what efirst kept. *first: the educator's first
 * record in the file. Reads the row into c->edu for put_educator. */
static int educator_agrees(struct imp *c, struct sub *sb, int *first)
{
	*first = 0;
	if (c->edu_found)
		store_import_educator_free(&c->edu);
	int rc = store_import_educator_get(c->s, sb->f[F_EDU_ID], &c->edu, &c->edu_found, c->err);
	if (rc != MC_OK)
		return rc;
	int at = smap_get(&c->efirst_by_id, sb->f[F_EDU_ID]);
	if (at >= 0) {
		const struct edufirst *o = &c->efirst[at];
		for (int k = F_EDU_NAME; k <= F_SCHOOL; k++)
			if (!same(o->f[k], sb->f[k]))
				return educator_disagrees(c, sb, k, o->index, o->f[F_ID], o->line, o->f[k]);
		return MC_OK;
	}
	const struct store_import_educator *e = &c->edu;
	if (!c->edu_found || (e->id <= c->edu_base && !bit_get(&c->edu_seen, e->id))) {
		*first = 1;
		return MC_OK;
	}
	const char *stored[] = { e->name, e->district, e->school };
	for (int k = F_EDU_NAME; k <= F_SCHOOL; k++) {
		if (same(stored[k - F_EDU_NAME], sb->f[k]))
			continue;
		int index = 0;
		long line = 0;
		char *id = NULL;
		find_first(c, F_EDU_ID, sb->f[F_EDU_ID], &index, &line, &id);
		rc = educator_disagrees(c, sb, k, index, id ? id : "", line, stored[k - F_EDU_NAME]);
		free(id);
		return rc;
	}
	return MC_OK;
}

/* The educator's first record is through: its description is now the row's
 * (written, or the same), or, when it was already imported and the row has
 * changed since, kept for the records after it. */
static void educator_met(struct imp *c, const struct sub *sb, int written)
{
	const struct store_import_educator *e = &c->edu;
	int agree = c->edu_found && same(e->name, sb->f[F_EDU_NAME]) && same(e->district, sb->f[F_DISTRICT]) &&
		    same(e->school, sb->f[F_SCHOOL]);
	if (written || agree) {
		if (c->edu_found)
			bit_set(&c->edu_seen, e->id, c->edu_base + 1);
		return;
	}
	c->efirst = mc_xrealloc(c->efirst, (size_t)(c->nefirst + 1) * sizeof *c->efirst);
	struct edufirst *o = &c->efirst[c->nefirst];
	for (int k = 0; k < F_SUB_N; k++)
		o->f[k] = sb->f[k] ? mc_xstrdup(sb->f[k]) : NULL;
	o->index = sb->index;
	o->line = sb->line;
	smap_put(&c->efirst_by_id, o->f[F_EDU_ID], c->nefirst++);
}

/* ------------------------------------------------------------------ one record */

/* Check one record, then write it (or count it as unchanged). */
static int import_sub(struct imp *c, struct sub *sb)
{
	long long rowid = 0;
	char *was = NULL;
	int found = 0, first = 0, rc = MC_OK;
	if (sb->f[F_ID]) {
		rc = store_import_submission(c->s, sb->f[F_ID], &rowid, &was, &found, c->err);
		/* a row this import added, or met unchanged: an earlier record of the file */
		if (rc == MC_OK && found && (rowid > c->sub_base || bit_get(&c->sub_seen, rowid)))
			rc = already_in_file(c, sb);
	}
	if (rc == MC_OK)
		rc = check_sub_fields(c, sb);
	if (rc == MC_OK)
		rc = educator_agrees(c, sb, &first);
	if (rc == MC_OK)
		rc = check_items(c, sb);
	if (rc != MC_OK) {
		free(was);
		return rc;
	}
	char *rec = canonical(sb, 1);
	mc_sha256_hex(rec, strlen(rec), sb->sha256);
	free(rec);
	if (found) {
		int unchanged = strcmp(was, sb->sha256) == 0;
		free(was);
		if (!unchanged)
			return bad(c, sb, -1, F_ID, "submission %s was imported before with different content; "
				   "a changed submission needs a new id", sb->f[F_ID]);
		c->st->unchanged++;
		bit_set(&c->sub_seen, rowid, c->sub_base + 1);
		if (first)
			educator_met(c, sb, 0);
		return MC_OK;
	}
	rc = write_sub(c, sb, c->st);
	if (rc == MC_OK && first)
		educator_met(c, sb, 1);
	return rc;
}

/* The submission read is whole: import it (or, finding, compare it; checking
 * the file's form, nothing more). */
static int sub_done(struct imp *c)
{
	int rc = c->checking ? MC_OK : c->find_value ? sub_match(c, &c->cur) : import_sub(c, &c->cur);
	sub_clear(&c->cur);
	c->have_cur = 0;
	if (rc == MC_OK && c->progress && c->nsubs % PROGRESS_EVERY == 0)
		c->progress(c->progress_ctx, c->nsubs, c->total > c->nsubs ? c->total : c->nsubs);
	return rc;
}

/* Read the file through once before the transaction, as the import did when it
 * held the whole file: what is wrong with its form (encoding, quoting, columns,
 * JSON syntax and shape) is said before any record is checked against the
 * database, and the number of submissions is known for the progress. */
static int check_form(struct imp *c)
{
	struct stat sb;
	priv_user_begin();
	int once = stat(c->file, &sb) == 0 && !S_ISREG(sb.st_mode);
	priv_user_end();
	if (once) /* a pipe is read once: its form is checked on the way, its total unknown */
		return MC_OK;
	struct imp r = { .file = c->file, .err = c->err, .in.fd = -1, .checking = 1 };
	int rc = read_file(&r);
	c->total = r.nsubs;
	imp_free(&r);
	return rc;
}

/* Undo the evidence files this import stored. */
static void remove_created(struct imp *c)
{
	if (c->dry_run)
		return;
	for (int i = 0; i < c->ncreated; i++)
		evstore_remove(c->evroot, c->created[i]);
	if (!c->evroot_existed)
		rmdir(c->evroot); /* fails, harmlessly, unless we left it empty */
}

/* ------------------------------------------------------------------ the file */

/* The file may be read: it exists, is not a directory, not over the limit. */
static int check_input(struct imp *c, long long *size)
{
	struct stat sb;
	if (stat(c->file, &sb) != 0)
		return mc_error_set(c->err, errno == ENOENT ? MC_INVALID : MC_FAIL, "%s: %s", c->file,
				    strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return mc_error_set(c->err, MC_INVALID, "%s: is a directory, not a CSV or JSON file", c->file);
	if (S_ISREG(sb.st_mode) && sb.st_size > IMPORT_MAX_FILE)
		return mc_error_set(c->err, MC_INVALID, "%s: %lld bytes, over the limit of %lld (512 MiB); "
				    "split it into several files", c->file, (long long)sb.st_size,
				    IMPORT_MAX_FILE);
	*size = (long long)sb.st_size;
	return MC_OK;
}

/* The whole file (only on the way to a refusal: json_whole). */
static int read_input(struct imp *c, char **buf, size_t *len)
{
	long long size;
	priv_user_begin(); /* the file the person names, with their own rights */
	int rc = check_input(c, &size);
	int bad = rc == MC_OK && mc_read_file(c->file, buf, len) != 0;
	int e = errno;
	priv_user_end();
	if (bad)
		return mc_error_set(c->err, MC_FAIL, "%s: cannot read: %s", c->file, strerror(e));
	return rc;
}

static int src_open(struct imp *c)
{
	priv_user_begin();
	int rc = check_input(c, &c->in.size);
	if (rc == MC_OK && (c->in.fd = open(c->file, O_RDONLY | O_CLOEXEC)) < 0)
		rc = mc_error_set(c->err, MC_FAIL, "%s: cannot read: %s", c->file, strerror(errno));
	priv_user_end();
	c->in.line = c->in.col = 1;
	return rc;
}

/* More of the file after buf[end) (what is not used yet moves to the front):
 * the bytes read, 0 at its end, -1 when it cannot be read (said in c->err). */
static long src_more(struct imp *c)
{
	struct src *in = &c->in;
	if (in->eof || in->failed)
		return in->failed ? -1 : 0;
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->base += (long long)in->pos;
		in->end -= in->pos;
		in->pos = 0;
	}
	if (in->cap - in->end < SRC_PIECE / 2) {
		in->cap = in->cap ? in->cap * 2 : SRC_PIECE;
		in->buf = mc_xrealloc(in->buf, in->cap);
	}
	ssize_t r;
	do
		r = read(in->fd, in->buf + in->end, in->cap - in->end);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		in->failed = 1;
		mc_error_set(c->err, MC_FAIL, "%s: cannot read: %s", c->file, strerror(errno));
		return -1;
	}
	in->eof = r == 0;
	in->end += (size_t)r;
	return (long)r;
}

/* The next physical line with its end (LF, CRLF or a lone CR); *n = 0 at the
 * end of the file. It stays valid until the next read. */
static int src_line(struct imp *c, const char **line, size_t *n)
{
	struct src *in = &c->in;
	size_t i = in->pos;
	for (;;) {
		while (i < in->end && in->buf[i] != '\n' && in->buf[i] != '\r')
			i++;
		int more = i == in->end || (in->buf[i] == '\r' && i + 1 == in->end);
		if (!more || in->eof)
			break;
		size_t k = i - in->pos;
		if (src_more(c) < 0)
			return MC_FAIL;
		i = in->pos + k;
	}
	if (i < in->end)
		i += in->buf[i] == '\r' && i + 1 < in->end && in->buf[i + 1] == '\n' ? 2 : 1;
	*line = in->buf + in->pos;
	*n = i - in->pos;
	in->pos = i;
	return MC_OK;
}

static int src_peekc(struct imp *c)
{
	struct src *in = &c->in;
	if (in->pos == in->end && src_more(c) <= 0)
		return -1;
	return (unsigned char)in->buf[in->pos];
}

/* The next byte, counting lines and columns as an editor does; -1 at the end. */
static int src_getc(struct imp *c)
{
	struct src *in = &c->in;
	int ch = src_peekc(c);
	if (ch < 0)
		return ch;
	in->pos++;
	if (ch == '\r' || (ch == '\n' && !in->cr)) {
		in->line++;
		in->col = 1;
	} else if (ch != '\n' && (ch & 0xc0) != 0x80) {
		in->col++;
	}
	in->cr = ch == '\r';
	return ch;
}

static int looks_json(const char *file, const char *s, size_t n)
{
	const char *dot = strrchr(file, '.');
	if (dot && strchr(dot, '/') == NULL) {
		if (strcasecmp(dot, ".json") == 0)
			return 1;
		if (strcasecmp(dot, ".csv") == 0)
			return 0;
	}
	size_t i = 0;
	while (i < n && strchr(" \t\r\n", s[i]))
		i++;
	return i < n && (s[i] == '[' || s[i] == '{');
}

/* A text in another Unicode encoding, known by its byte order mark; NULL if none. */
static const char *other_unicode(const char *s, size_t n)
{
	static const struct { const char *bom; size_t n; const char *name; } boms[] = {
		{ "\xFF\xFE\0\0", 4, "UTF-32 (little-endian)" }, /* before UTF-16LE: it starts alike */
		{ "\0\0\xFE\xFF", 4, "UTF-32 (big-endian)" },
		{ "\xFF\xFE", 2, "UTF-16 (little-endian)" },
		{ "\xFE\xFF", 2, "UTF-16 (big-endian)" },
	};
	for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++)
		if (n >= boms[i].n && memcmp(s, boms[i].bom, boms[i].n) == 0)
			return boms[i].name;
	return NULL;
}

/* Its start: a byte-order mark, another encoding, nothing at all; and the format. */
static int src_start(struct imp *c)
{
	struct src *in = &c->in;
	while (in->end - in->pos < 4 && src_more(c) > 0)
		;
	if (in->failed)
		return MC_FAIL;
	if (in->end - in->pos >= 3 && memcmp(in->buf + in->pos, "\xEF\xBB\xBF", 3) == 0)
		in->pos += 3;
	const char *enc = other_unicode(in->buf + in->pos, in->end - in->pos);
	if (enc)
		return mc_error_set(c->err, MC_INVALID, "%s is %s; save it as UTF-8 and import it again",
				    c->file, enc);
	size_t i = in->pos;
	for (;;) {
		while (i < in->end && in->buf[i] && strchr(" \t\r\n", in->buf[i]))
			i++;
		if (i < in->end || in->eof)
			break;
		size_t k = i - in->pos;
		if (src_more(c) < 0)
			return MC_FAIL;
		i = in->pos + k;
	}
	if (i == in->end)
		return mc_error_at(c->err, MC_INVALID, c->file, 0, 0, "the file is empty; nothing to import");
	c->json = looks_json(c->file, in->buf + i, in->end - i);
	return MC_OK;
}

/* Read the file through, each submission imported (or compared) when whole. */
static int read_file(struct imp *c)
{
	int rc = src_open(c);
	if (rc == MC_OK)
		rc = src_start(c);
	if (rc == MC_OK)
		rc = c->json ? parse_json(c) : parse_csv(c);
	return rc;
}

static int open_evidence_dir(struct imp *c, const char *dir)
{
	if (!dir)
		return MC_OK;
	c->evdir = mc_xstrdup(dir);
	priv_user_begin();
	c->evdir_real = realpath(dir, NULL);
	int e = errno;
	struct stat sb;
	int isdir = c->evdir_real && stat(c->evdir_real, &sb) == 0 && S_ISDIR(sb.st_mode);
	priv_user_end();
	if (!c->evdir_real)
		return mc_error_set(c->err, MC_INVALID, "--evidence %s: %s", dir, strerror(e));
	if (!isdir)
		return mc_error_set(c->err, MC_INVALID, "--evidence %s: not a directory", dir);
	return MC_OK;
}

int import_file(struct store *s, const char *file, const char *evidence_dir, int dry_run,
		struct import_stats *st, void (*progress)(void *ctx, long done, long total), void *ctx,
		struct mc_error *err)
{
	memset(st, 0, sizeof *st);
	int rc = people_require(s, ROLE_COORDINATOR, "import submissions", err);
	if (rc != MC_OK)
		return rc;
	struct imp c = { .s = s, .file = file, .dry_run = dry_run, .err = err, .in.fd = -1, .st = st,
			 .progress = progress, .progress_ctx = ctx, .evroot = store_evidence_dir(s) };
	mc_now(c.now);
	struct stat esb;
	c.evroot_existed = stat(c.evroot, &esb) == 0;
	rc = open_evidence_dir(&c, evidence_dir);
	if (rc == MC_OK)
		rc = check_form(&c);
	/* The write lock is taken before any evidence file is stored, so two imports
	 * never share a file one of them may still take back. */
	int began = 0, bulk = 0;
	if (rc == MC_OK && (rc = store_import_bulk(s, 1, err)) == MC_OK)
		bulk = 1;
	if (rc == MC_OK && (rc = store_begin(s, err)) == MC_OK)
		began = 1;
	if (rc == MC_OK)
		rc = store_import_bases(s, &c.sub_base, &c.edu_base, err);
	if (rc == MC_OK)
		rc = read_file(&c);
	st->total = c.nsubs;
	if (rc == MC_OK)
		st->files = c.ncreated;
	if (began) {
		if (rc == MC_OK && !dry_run)
			rc = store_precheck_catch_up(s, NULL, err); /* hashes for the copy pre-check */
		if (rc == MC_OK && !dry_run) {
			MC_CRASH_POINT("import: files stored, not committed");
			rc = store_commit(s, err);
		}
		else
			store_rollback(s);
	}
	if (bulk)
		store_import_bulk(s, 0, NULL);
	if (rc != MC_OK)
		remove_created(&c);
	if (rc == MC_OK && !dry_run) {
		/* the first search finds the index built: in its own steps after the
		 * commit (in the import's transaction it was one step, its memory growing
		 * with the file); one not finished is finished by the next search */
		struct mc_error ignored = MC_ERROR_INIT;
		search_catch_up(s, NULL, &ignored);
		mc_error_clear(&ignored);
	}
	if (rc == MC_OK && progress)
		progress(ctx, c.nsubs, c.nsubs);
	imp_free(&c);
	return rc;
}
