/* audit.c: the hash chain over the audit log. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

/* Each field as "<length>:<bytes>\n" ("-\n" for NULL), so no two rows hash alike
 * by shifting text between fields. */
static void field(struct mc_sha256 *h, const char *v)
{
	char len[32];
	if (!v) {
		mc_sha256_update(h, "-\n", 2);
		return;
	}
	size_t n = strlen(v), k = sizeof len;
	len[--k] = ':'; /* "%zu:", written backwards: no snprintf for each field of each row */
	size_t d = n;
	do
		len[--k] = (char)('0' + d % 10);
	while ((d /= 10) > 0);
	mc_sha256_update(h, len + k, sizeof len - k);
	mc_sha256_update(h, v, n);
	mc_sha256_update(h, "\n", 1);
}

/* v as "%lld" writes it, into out (32 bytes): by hand, as field's lengths are. */
static void decimal(long long v, char out[32])
{
	char t[32];
	size_t k = sizeof t;
	unsigned long long d = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	t[--k] = '\0';
	do
		t[--k] = (char)('0' + d % 10);
	while ((d /= 10) > 0);
	if (v < 0)
		t[--k] = '-';
	memcpy(out, t + k, sizeof t - k);
}

void audit_row_hash(const struct audit_row *r, char out[MC_SHA256_HEX])
{
	struct mc_sha256 h;
	char seq[32];
	decimal(r->seq, seq);
	mc_sha256_init(&h);
	field(&h, "mcassess-audit-v1");
	field(&h, r->prev_hash);
	field(&h, seq);
	field(&h, r->uid);
	field(&h, r->at);
	field(&h, r->actor);
	field(&h, r->action);
	field(&h, r->subject);
	field(&h, r->before);
	field(&h, r->after);
	mc_sha256_final(&h, out);
}

int audit_append(struct store *s, const char *action, const char *subject, const char *before,
		 const char *after, struct mc_error *err)
{
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	if (mc_uuid(uid, err) != MC_OK)
		return MC_FAIL;
	mc_now(at);
	struct audit_row r = {
		.uid = uid, .at = at, .actor = session_user(s), .action = action,
		.subject = subject, .before = before, .after = after,
	};
	return audit_append_row(s, &r, NULL, err);
}

int audit_chain_open(struct store *s, struct audit_chain *c, struct mc_error *err)
{
	return store_audit_last(s, &c->seq, c->head, err);
}

int audit_chain_add(struct store *s, struct audit_chain *c, struct audit_row *r, struct mc_error *err)
{
	memcpy(c->row_prev, c->head, sizeof c->row_prev);
	r->seq = c->seq + 1;
	r->prev_hash = c->row_prev;
	audit_row_hash(r, c->row_hash);
	r->hash = c->row_hash;
	int rc = store_audit_insert(s, r, err);
	if (rc == MC_OK) {
		c->seq = r->seq;
		memcpy(c->head, c->row_hash, sizeof c->head);
	}
	return rc;
}

/* The head is kept apart from the rows, so removing the newest row shows too. */
int audit_chain_close(struct store *s, const struct audit_chain *c, struct mc_error *err)
{
	char head[64];
	snprintf(head, sizeof head, "%lld", c->seq);
	int rc = store_meta_set(s, "audit_head_seq", head, err);
	return rc == MC_OK ? store_meta_set(s, "audit_head_hash", c->head, err) : rc;
}

int audit_append_row(struct store *s, const struct audit_row *in, char hash_out[MC_SHA256_HEX],
		     struct mc_error *err)
{
	struct audit_chain c;
	int rc = audit_chain_open(s, &c, err);
	if (rc != MC_OK)
		return rc;
	struct audit_row r = *in;
	rc = audit_chain_add(s, &c, &r, err);
	if (rc == MC_OK) /* the archive's copy waits in the outbox, committed with the row */
		rc = store_archive_queue(s, &r, err);
	if (rc == MC_OK)
		rc = audit_chain_close(s, &c, err);
	if (rc == MC_OK && hash_out)
		memcpy(hash_out, c.head, MC_SHA256_HEX);
	return rc;
}

struct verify {
	void (*report)(void *, const char *);
	void *ctx;
	long problems;
	long long expect_seq;
	char prev[MC_SHA256_HEX];
};

static void problem(struct verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct verify *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	v->report(v->ctx, buf);
	v->problems++;
}

static int verify_row(void *ctx, const struct audit_row *r)
{
	struct verify *v = ctx;
	char want[MC_SHA256_HEX];
	if (r->seq != v->expect_seq) {
		if (r->seq == v->expect_seq + 1)
			problem(v, "audit log: row %lld is missing (deleted)", v->expect_seq);
		else if (r->seq > v->expect_seq)
			problem(v, "audit log: rows %lld to %lld are missing (deleted)", v->expect_seq, r->seq - 1);
		else
			problem(v, "audit log: row %lld is out of order", r->seq);
		v->expect_seq = r->seq;
	}
	if (strcmp(r->prev_hash ? r->prev_hash : "", v->prev) != 0 && r->seq == v->expect_seq)
		problem(v, "audit log: row %lld (%s %s) does not follow the row before it: the chain is broken",
			r->seq, r->action ? r->action : "?", r->subject ? r->subject : "?");
	audit_row_hash(r, want);
	if (strcmp(want, r->hash ? r->hash : "") != 0)
		problem(v, "audit log: row %lld (%s %s, by %s at %s) was edited: its hash does not match its contents",
			r->seq, r->action ? r->action : "?", r->subject ? r->subject : "?",
			r->actor ? r->actor : "?", r->at ? r->at : "?");
	snprintf(v->prev, sizeof v->prev, "%s", r->hash ? r->hash : "");
	v->expect_seq++;
	return 0;
}

/* From a boundary row known good (the last clean check's): that row must still be
 * the one that was checked, then the chain goes on from it as from row 1. */
struct verify_from {
	struct verify v;
	long long seq;
	const char *hash;
};

static int verify_from_row(void *ctx, const struct audit_row *r)
{
	struct verify_from *f = ctx;
	if (r->seq == f->seq) {
		if (strcmp(r->hash ? r->hash : "", f->hash) != 0)
			problem(&f->v, "audit log: row %lld was changed after the last clean check "
				       "(it is where that check ended)", r->seq);
		snprintf(f->v.prev, sizeof f->v.prev, "%s", r->prev_hash ? r->prev_hash : "");
	}
	return verify_row(&f->v, r);
}

/* The head recorded in meta against where the walk ended. */
static int verify_head(struct store *s, struct verify *v, struct mc_error *err)
{
	char *head_seq = NULL, *head_hash = NULL;
	int rc = store_meta_get(s, "audit_head_seq", &head_seq, err);
	if (rc == MC_OK)
		rc = store_meta_get(s, "audit_head_hash", &head_hash, err);
	if (rc == MC_OK) {
		long long last = v->expect_seq - 1;
		long long want = head_seq ? atoll(head_seq) : 0;
		if (want != last)
			problem(v, "audit log: the log ends at row %lld but %lld row%s were written: "
				   "the newest rows were deleted", last, want, want == 1 ? "" : "s");
		else if (last > 0 && (!head_hash || strcmp(head_hash, v->prev) != 0))
			problem(v, "audit log: the newest row %lld is not the one that was written", last);
	}
	free(head_seq);
	free(head_hash);
	return rc;
}

int audit_verify_from(struct store *s, long long seq, const char *hash,
		      void (*report)(void *ctx, const char *problem), void *ctx, long *problems,
		      struct mc_error *err)
{
	struct verify_from f = { .v = { .report = report, .ctx = ctx, .expect_seq = seq > 0 ? seq : 1 },
				 .seq = seq, .hash = hash ? hash : "" };
	int rc = seq > 0 ? store_audit_from(s, seq, verify_from_row, &f, err)
			 : store_audit_each(s, NULL, verify_row, &f.v, err);
	if (rc == MC_OK)
		rc = verify_head(s, &f.v, err);
	*problems += f.v.problems;
	return rc;
}

int audit_verify(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx,
		 long *problems, struct mc_error *err)
{
	return audit_verify_from(s, 0, NULL, report, ctx, problems, err);
}

/* ---------------------------------------------------------------- the chain in any order (audit.h) */

int audit_sum_start(struct store *s, struct audit_sum *sum, struct mc_error *err)
{
	*sum = (struct audit_sum){ 0 };
	char *head_seq = NULL, *head_hash = NULL;
	int rc = store_meta_get(s, "audit_head_seq", &head_seq, err);
	if (rc == MC_OK)
		rc = store_meta_get(s, "audit_head_hash", &head_hash, err);
	sum->head_seq = head_seq ? atoll(head_seq) : 0;
	if (head_hash && strlen(head_hash) < sizeof sum->head_hash)
		memcpy(sum->head_hash, head_hash, strlen(head_hash) + 1);
	else if (sum->head_seq != 0) /* no head, or not a hash: audit_verify's walk says what is wrong */
		sum->broken = 1;
	free(head_seq);
	free(head_hash);
	return rc;
}

/* An odd number drawn from seq (splitmix64's mixing). */
static uint64_t seq_mix(long long seq)
{
	uint64_t z = (uint64_t)seq + 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return (z ^ (z >> 31)) | 1;
}

/* A lowercase hex digit's value, 16 for any other byte: a table, since the
 * digits of two hashes a row were a tenth of check's walk of the log at 100,000
 * submissions (a chain of comparisons for each of 128 digits). */
static const unsigned char HEX_DIGIT[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
}; /* the value plus 1: 0 for a byte that is not a digit */

/* The hash (64 lowercase hex digits) as 8 limbs, least significant first; 0 if
 * it is not such a hash. */
int audit_hash_limbs(const char *hex, uint32_t x[8])
{
	if (!hex)
		return 0;
	const unsigned char *h = (const unsigned char *)hex;
	for (int i = 7; i >= 0; i--) { /* from the first digit: a shorter text ends the loop at its NUL */
		uint32_t limb = 0;
		for (int j = 0; j < 8; j++) {
			unsigned d = HEX_DIGIT[*h++];
			if (!d)
				return 0; /* not a digit, or the end of a shorter text */
			limb = limb << 4 | (d - 1);
		}
		x[i] = limb;
	}
	return *h == '\0';
}

/* sum += or -= the hash (64 lowercase hex digits, as a number) times seq_mix(seq),
 * modulo 2^256; 0 if it is not such a hash. */
static int sum_term(uint32_t v[8], const char *hex, long long seq, int sub)
{
	uint32_t x[8], p[8] = { 0 };
	if (!audit_hash_limbs(hex, x))
		return 0;
	uint64_t m = seq_mix(seq);
	for (int half = 0; half < 2; half++) {
		uint64_t mh = half ? m >> 32 : m & 0xffffffffu, carry = 0;
		for (int i = 0; i + half < 8; i++) {
			uint64_t t = (uint64_t)x[i] * mh + p[i + half] + carry;
			p[i + half] = (uint32_t)t;
			carry = t >> 32;
		}
	}
	uint64_t c = 0;
	for (int i = 0; i < 8; i++) {
		if (sub) {
			uint64_t t = (uint64_t)v[i] - p[i] - c;
			v[i] = (uint32_t)t;
			c = (t >> 32) & 1; /* borrowed */
		} else {
			uint64_t t = (uint64_t)v[i] + p[i] + c;
			v[i] = (uint32_t)t;
			c = t >> 32;
		}
	}
	return 1;
}

void audit_sum_row(struct audit_sum *sum, const struct audit_row *r)
{
	char want[MC_SHA256_HEX];
	sum->rows++;
	if (sum->broken)
		return;
	audit_row_hash(r, want);
	const char *prev = r->prev_hash ? r->prev_hash : "", *hash = r->hash ? r->hash : "";
	if (strcmp(want, hash) != 0 || r->seq < 1 || r->seq > sum->head_seq) {
		sum->broken = 1;
		return;
	}
	/* row 1 follows nothing; every other row is (seq, prev_hash) in the sum */
	if (r->seq == 1) {
		sum->first_seen++;
		if (*prev)
			sum->broken = 1;
	} else if (!sum_term(sum->v, prev, r->seq, 0)) {
		sum->broken = 1;
	}
	/* the head is followed by nothing; every other row is (seq + 1, hash), taken out */
	if (r->seq == sum->head_seq) {
		sum->head_seen++;
		if (strcmp(hash, sum->head_hash) != 0)
			sum->broken = 1;
	} else if (!sum_term(sum->v, hash, r->seq + 1, 1)) {
		sum->broken = 1;
	}
}

int audit_sum_holds(const struct audit_sum *sum)
{
	if (sum->broken || sum->rows != sum->head_seq)
		return 0;
	if (sum->head_seq == 0)
		return 1; /* no rows, none written */
	if (sum->first_seen != 1 || sum->head_seen != 1)
		return 0;
	for (int i = 0; i < 8; i++)
		if (sum->v[i])
			return 0;
	return 1;
}

char *audit_json(json_t *j)
{
	char *t = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	if (!t)
		abort(); /* out of memory: nothing sane to do */
	char *r = mc_xstrdup(t);
	free(t);
	return r;
}

/* ---------------------------------------------------------------- a row's JSON
 * jansson built an object, a string for every member, for each of the log's
 * rows: a quarter of the records' check at 100,000 submissions (issue 15). */

static char *json_ws(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* A string at *p decoded and ended in place; NULL if it is not of the plain kind.
 * Plain: printable ASCII, well-formed UTF-8, and the escapes other than \u (a
 * feedback's text has its line breaks as \n: jansson read each of those, a
 * tenth of check's walk of the log at 100,000 submissions). Anything else
 * (\u, a control character, a byte that is not UTF-8) is jansson's, which
 * decides. */
static const char *json_plain_string(char **p)
{
	unsigned char *q = (unsigned char *)*p, *w;
	if (*q != '"')
		return NULL;
	char *start = (char *)++q;
	w = q;
	while (*q != '"') {
		if (*q == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e = q[1] ? strchr(from, q[1]) : NULL;
			if (!e)
				return NULL; /* \u, or not an escape */
			*w++ = (unsigned char)to[e - from];
			q += 2;
		} else if (*q >= 0x20 && *q <= 0x7e) {
			*w++ = *q++;
		} else {
			/* well-formed UTF-8 (RFC 3629, what jansson accepts) */
			size_t n = *q >= 0x80 ? text_utf8_seq((const char *)q, strnlen((const char *)q, 4)) : 0;
			if (!n)
				return NULL; /* the end, a control character, DEL or not UTF-8 */
			for (size_t i = 0; i < n; i++)
				*w++ = *q++;
		}
	}
	*w = '\0';
	*p = (char *)q + 1;
	return start;
}

/* The object in a->buf read in place: 0 if it is not of the plain kind. */
static int json_plain(struct audit_json *a)
{
	char *p = json_ws(a->buf);
	if (*p++ != '{')
		return 0;
	p = json_ws(p);
	if (*p == '}')
		return *json_ws(p + 1) == '\0';
	for (;;) {
		const char *key = json_plain_string(&p), *val = NULL;
		if (!key || a->n == AUDIT_JSON_KEYS)
			return 0;
		p = json_ws(p);
		if (*p++ != ':')
			return 0;
		p = json_ws(p);
		if (*p == '"') {
			if (!(val = json_plain_string(&p)))
				return 0;
		} else if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0) {
			p += 4;
		} else if (strncmp(p, "false", 5) == 0) {
			p += 5;
		} else {
			return 0; /* a number, an array or an object: jansson's */
		}
		for (int i = 0; i < a->n; i++)
			if (strcmp(a->key[i], key) == 0)
				return 0; /* a key twice */
		a->key[a->n] = key;
		a->val[a->n++] = val;
		p = json_ws(p);
		if (*p == ',') {
			p = json_ws(p + 1);
			continue;
		}
		return *p == '}' && *json_ws(p + 1) == '\0';
	}
}

int audit_json_load(struct audit_json *a, const char *text)
{
	json_decref(a->j);
	a->j = NULL;
	a->n = 0;
	size_t len = strlen(text);
	if (len + 1 > a->cap) {
		a->cap = len + 1 > 2 * a->cap ? len + 1 : 2 * a->cap;
		a->buf = mc_xrealloc(a->buf, a->cap);
	}
	memcpy(a->buf, text, len + 1);
	if (json_plain(a))
		return 1;
	a->n = 0;
	a->j = json_loads(text, 0, NULL);
	if (json_is_object(a->j))
		return 1;
	json_decref(a->j);
	a->j = NULL;
	return 0;
}

const char *audit_json_get(const struct audit_json *a, const char *key, int *present)
{
	if (a->j) {
		json_t *v = json_object_get(a->j, key);
		if (present)
			*present = v != NULL;
		return json_string_value(v);
	}
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->key[i], key) == 0) {
			if (present)
				*present = 1;
			return a->val[i];
		}
	if (present)
		*present = 0;
	return NULL;
}

void audit_json_free(struct audit_json *a)
{
	json_decref(a->j);
	free(a->buf);
	*a = (struct audit_json){ 0 };
}
