/* demo.c: a deterministic synthetic dataset of the pilot's districts.
 *
 * Everything random comes from xoshiro256** seeded from --seed: the world
 * (districts, schools, cohorts, people) from one stream, and each educator from
 * a stream of its own (seed and educator number), so the same options give the
 * same rows in the same order. Times count from a fixed date in the 2025-26
 * school year, never from the clock. Text comes from sentence lists in
 * data/demo/ strung together to realistic lengths.
 *
 * Rows are streamed: one educator at a time, committed in batches with a
 * checkpoint between them, so memory and the write-ahead log stay small even
 * for a million submissions. One "demo" audit row records the options; then
 * every score, feedback and decision gets the audit row the real program writes
 * (by whoever did it, at its time), chained, so that `check` compares each record
 * with its history as it does on a real database. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/assign.h"
#include "mcassess/audit.h"
#include "mcassess/demo.h"
#include "mcassess/hash.h"
#include "mcassess/people.h"
#include "mcassess/precheck.h"
#include "mcassess/report.h"
#include "mcassess/search.h"
#include "mcassess/setup.h"
#include "mcassess/store.h"
#include "mcassess/store_demo.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

/* Submissions per transaction. 20,000 with a 256 MiB page cache made the
 * demo's peak grow with the database until the cache was full (332 MB at
 * 100,000 submissions: heaptrack put it in SQLite's page cache, holding the
 * batch's dirty pages); 1,000 with 8 MiB (store_demo.c) keeps it flat, and
 * cost less CPU, not more (issue 15; bench/README.md). */
#define DEMO_BATCH 1000
#define DEMO_PROGRESS_EVERY 500   /* submissions between progress calls */
#define DEMO_DISTRICTS 15
#define DEMO_MEDIA_TYPE "text/plain; charset=utf-8"
#define DEMO_BASE_DATE "2025-08-04T00:00:00Z" /* the week before the 2025-26 school year */
#define DAY 86400L
#define HOUR 3600L

/* ---------------------------------------------------------------- random numbers */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t demo_rng_below(struct demo_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	uint64_t threshold = (0 - n) % n; /* reject the low values that would bias the modulo */
	for (;;) {
		uint64_t v = demo_rng_next(r);
		if (v >= threshold)
			return v % n;
	}
}

void demo_uuid(struct demo_rng *r, time_t t, char out[MC_UUID_LEN])
{
	unsigned char b[16];
	uint64_t ms = (uint64_t)t * 1000 + demo_rng_below(r, 1000);
	uint64_t a = demo_rng_next(r), c = demo_rng_next(r);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	for (int i = 6; i < 16; i++)
		b[i] = (unsigned char)((i < 11 ? a : c) >> (8 * (i % 5)));
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
}

/* 1 with probability pct/100. */
static int chance(struct demo_rng *r, unsigned pct) { return demo_rng_below(r, 100) < pct; }
/* Uniform in [lo, hi]. */
static long between(struct demo_rng *r, long lo, long hi)
{
	return hi <= lo ? lo : lo + (long)demo_rng_below(r, (uint64_t)(hi - lo + 1));
}

/* ---------------------------------------------------------------- word lists */

struct list {
	char **v;
	int n;
};

struct data {
	struct list districts, places, kinds, cohorts;
	struct list given, family, names_zh, students;
	struct list skills, subjects, grades, ov_en, art_en, ref_en, ov_zh, art_zh, ref_zh;
	struct list fb_open, fb_pass, fb_fail_ov, fb_fail_art, fb_fail_ref, fb_close_earned, fb_close_resubmit, incomplete,
		comment_pass, comment_fail;
	char *files[8];
	int nfiles;
};

static const struct {
	const char *file, *section;
	size_t offset;
} SECTIONS[] = {
	{ "places.txt", "districts", offsetof(struct data, districts) },
	{ "places.txt", "school_places", offsetof(struct data, places) },
	{ "places.txt", "school_kinds", offsetof(struct data, kinds) },
	{ "places.txt", "cohorts", offsetof(struct data, cohorts) },
	{ "names.txt", "given", offsetof(struct data, given) },
	{ "names.txt", "family", offsetof(struct data, family) },
	{ "names.txt", "names_zh", offsetof(struct data, names_zh) },
	{ "names.txt", "students", offsetof(struct data, students) },
	{ "evidence_en.txt", "skills", offsetof(struct data, skills) },
	{ "evidence_en.txt", "subjects", offsetof(struct data, subjects) },
	{ "evidence_en.txt", "grades", offsetof(struct data, grades) },
	{ "evidence_en.txt", "overview", offsetof(struct data, ov_en) },
	{ "evidence_en.txt", "artifact", offsetof(struct data, art_en) },
	{ "evidence_en.txt", "reflection", offsetof(struct data, ref_en) },
	{ "evidence_zh.txt", "overview", offsetof(struct data, ov_zh) },
	{ "evidence_zh.txt", "artifact", offsetof(struct data, art_zh) },
	{ "evidence_zh.txt", "reflection", offsetof(struct data, ref_zh) },
	{ "feedback.txt", "open", offsetof(struct data, fb_open) },
	{ "feedback.txt", "pass", offsetof(struct data, fb_pass) },
	{ "feedback.txt", "fail_overview", offsetof(struct data, fb_fail_ov) },
	{ "feedback.txt", "fail_artifact", offsetof(struct data, fb_fail_art) },
	{ "feedback.txt", "fail_reflection", offsetof(struct data, fb_fail_ref) },
	{ "feedback.txt", "close_earned", offsetof(struct data, fb_close_earned) },
	{ "feedback.txt", "close_resubmit", offsetof(struct data, fb_close_resubmit) },
	{ "feedback.txt", "incomplete", offsetof(struct data, incomplete) },
	{ "feedback.txt", "comment_pass", offsetof(struct data, comment_pass) },
	{ "feedback.txt", "comment_fail", offsetof(struct data, comment_fail) },
};
#define NSECTIONS (sizeof SECTIONS / sizeof SECTIONS[0])

static void list_add(struct list *l, char *s)
{
	l->v = mc_xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

/* Split one file ("[section]" headers, '#' comments, one entry a line) in place
 * and hand its lines to the lists its sections name. */
static int data_parse(struct data *d, const char *path, const char *file, char *text,
		      struct mc_error *err)
{
	struct list *cur = NULL;
	long lineno = 0;
	size_t bad;
	if (!text_utf8_valid(text, strlen(text), &bad)) {
		long line, col;
		text_position(text, bad, &line, &col);
		return mc_error_at(err, MC_FAIL, path, line, col, "not valid UTF-8");
	}
	for (char *line = text, *next; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (line[0] == '[' && line[n - 1] == ']') {
			line[n - 1] = '\0';
			cur = NULL;
			for (size_t i = 0; i < NSECTIONS; i++)
				if (strcmp(SECTIONS[i].file, file) == 0 && strcmp(SECTIONS[i].section, line + 1) == 0)
					cur = (struct list *)((char *)d + SECTIONS[i].offset);
			if (!cur)
				return mc_error_at(err, MC_FAIL, path, lineno, 0, "unknown section [%s]",
						   line + 1);
			continue;
		}
		if (!cur)
			return mc_error_at(err, MC_FAIL, path, lineno, 0,
					   "a line before the first [section]");
		list_add(cur, line);
	}
	return MC_OK;
}

static void data_free(struct data *d)
{
	for (size_t i = 0; i < NSECTIONS; i++) {
		struct list *l = (struct list *)((char *)d + SECTIONS[i].offset);
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
	for (int i = 0; i < d->nfiles; i++)
		free(d->files[i]);
	d->nfiles = 0;
}

static int data_load(struct data *d, struct mc_error *err)
{
	memset(d, 0, sizeof *d);
	static const char *const files[] = { "places.txt", "names.txt", "evidence_en.txt",
					     "evidence_zh.txt", "feedback.txt" };
	int rc = MC_OK;
	for (size_t i = 0; rc == MC_OK && i < sizeof files / sizeof files[0]; i++) {
		char *path = mc_xasprintf("%s/demo/%s", mc_data_dir(), files[i]);
		char *text;
		size_t len;
		if (mc_read_file(path, &text, &len) != 0)
			rc = mc_error_set(err, MC_FAIL, "%s: cannot read the demo's word list: %s "
					  "(is mcassess installed completely?)", path, strerror(errno));
		else {
			d->files[d->nfiles++] = text;
			rc = data_parse(d, path, files[i], text, err);
		}
		free(path);
	}
	for (size_t i = 0; rc == MC_OK && i < NSECTIONS; i++) {
		struct list *l = (struct list *)((char *)d + SECTIONS[i].offset);
		if (l->n == 0)
			rc = mc_error_set(err, MC_FAIL, "%s/demo/%s: the section [%s] is missing or empty",
					  mc_data_dir(), SECTIONS[i].file, SECTIONS[i].section);
	}
	if (rc == MC_OK && d->districts.n < DEMO_DISTRICTS)
		rc = mc_error_set(err, MC_FAIL, "%s/demo/places.txt: [districts] needs %d lines "
				  "(\"CODE Name\"), it has %d", mc_data_dir(), DEMO_DISTRICTS, d->districts.n);
	if (rc != MC_OK)
		data_free(d);
	return rc;
}

static const char *pick(struct demo_rng *r, const struct list *l)
{
	return l->v[demo_rng_below(r, (uint64_t)l->n)];
}

/* ---------------------------------------------------------------- the world */

struct district {
	char code[8];
	const char *name;
	long long id;
	long weight;
	long long *schools;
	const char **school_names;
	int nschools;
	long long *cohorts;
	int ncohorts;
	char *coordinator, *approver;
	char **assessors;
	int nassessors;
	long next_number; /* of its submissions: "HX-101", "HX-102" ... */
};

/* An assessor as the demo gives out reads: where they work, and their links to
 * their own work (assign_rules.h), which keep them from some submissions. */
struct reader {
	const char *user;   /* owned by gen.users */
	int dist;           /* index into gen.dist; -1: state level */
	const char *school; /* one of their district's schools, or NULL */
	int cohort;         /* index into their district's cohorts, or -1 */
	long educator;      /* the educator (index) they submit as, or -1 */
};

struct gen {
	struct store *s;
	const struct demo_options *o;
	struct demo_counts *c;
	struct data d;
	struct store_demo_credential *creds;
	int ncreds;
	long *cred_weight;
	long cred_weight_total;
	struct district dist[DEMO_DISTRICTS];
	long dist_weight_total;
	char **state_assessors;
	int nstate;
	char **users; /* every user the demo made, to keep them unique */
	int nusers;
	time_t base;
	long long target;   /* submissions, or 0 when only educators are counted */
	long written, in_batch;
	struct store_demo_deferred deferred; /* the reports' counts, a batch at a time */
	struct mc_buf text, piece, body;
	int *level_at;      /* per criterion: index of the chosen level, -1 unscored */
	int *level_at2, *level_at3; /* the same for a submission's other reads */
	int max_criteria;
	struct reader *readers; /* every assessor, with their links to their own work */
	int nreaders;
	int *cand;              /* room for nreaders indexes (pick_reader) */
	char **state_approvers;
	int nstate_approvers;
	struct audit_chain chain; /* every score, feedback and decision gets its audit row */
};

/* The statuses in queue_statuses' order (the one list of them). */
const char *demo_status_name(int i) { return i >= 0 && i < DEMO_NSTATUS ? queue_statuses[i] : "?"; }

enum { ST_QUEUED, ST_IN_PROGRESS, ST_AWAITING, ST_EARNED, ST_RESUBMIT, ST_INCOMPLETE, ST_WITHDRAWN };
_Static_assert(ST_WITHDRAWN + 1 == DEMO_NSTATUS, "one demo mix entry per status");

/* Percentages by status: a first attempt, and a resubmission. */
static const unsigned FIRST_MIX[7] = { 30, 22, 5, 25, 9, 4, 5 };
static const unsigned SECOND_MIX[7] = { 35, 20, 5, 30, 8, 1, 1 };

static int pick_status(struct demo_rng *r, const unsigned mix[7])
{
	unsigned roll = (unsigned)demo_rng_below(r, 100), acc = 0;
	for (int i = 0; i < 7; i++)
		if (roll < (acc += mix[i]))
			return i;
	return ST_QUEUED;
}

static void timestamp(time_t t, char out[MC_TIME_LEN]) { mc_time_format(t, out); }

/* Lowercase ASCII letters of a name, accents folded ("José García" -> "josegarcia"). */
static void ascii_fold(struct mc_buf *b, const char *s)
{
	/* Latin-1 supplement letters U+00C0..U+00FF to their base letter. */
	static const char fold[] = "aaaaaaaceeeeiiiidnooooo ouuuuyts"
				   "aaaaaaaceeeeiiiidnooooo ouuuuyty";
	while (*s) {
		unsigned cp;
		int n = text_utf8_decode(s, &cp);
		if (cp < 0x80) {
			if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
				mc_buf_addc(b, (char)(cp | 0x20));
		} else if (cp >= 0xc0 && cp <= 0xff && fold[cp - 0xc0] != ' ')
			mc_buf_addc(b, fold[cp - 0xc0]);
		s += n;
	}
}

/* A made-up person's name, login (unique among the demo's people) and email. */
static char *make_user(struct gen *g, struct demo_rng *r, const char *domain, char **name,
		       char **email)
{
	const char *given = pick(r, &g->d.given), *family = pick(r, &g->d.family);
	*name = mc_xasprintf("%s %s", given, family);
	struct mc_buf b = MC_BUF_INIT;
	char first[8] = "";
	struct mc_buf gb = MC_BUF_INIT;
	ascii_fold(&gb, given);
	snprintf(first, sizeof first, "%.1s", mc_buf_str(&gb));
	mc_buf_free(&gb);
	mc_buf_adds(&b, first);
	ascii_fold(&b, family);
	char *base = mc_buf_steal(&b);
	char *user = mc_xstrdup(base);
	for (int k = 2;; k++) {
		int clash = 0;
		for (int i = 0; i < g->nusers && !clash; i++)
			clash = strcmp(g->users[i], user) == 0;
		if (!clash)
			break;
		free(user);
		user = mc_xasprintf("%s%d", base, k);
	}
	free(base);
	g->users = mc_xrealloc(g->users, (size_t)(g->nusers + 1) * sizeof *g->users);
	g->users[g->nusers++] = user;
	*email = mc_xasprintf("%s@%s", user, domain);
	return user;
}

static int add_person(struct gen *g, struct demo_rng *r, const char *role, struct district *dist,
		      char **user_out, struct mc_error *err)
{
	char *name, *email, at[MC_TIME_LEN];
	char *domain = dist ? mc_xasprintf("%s.k12.example.org", dist->code)
			    : mc_xstrdup("state.example.org");
	for (char *p = domain; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p | 0x20 : *p);
	char *user = make_user(g, r, domain, &name, &email);
	timestamp(g->base + between(r, 0, 20) * DAY + between(r, 8, 16) * HOUR, at);
	int rc = store_demo_person(g->s, user, name, email, role, dist ? dist->id : 0, at, err);
	free(name);
	free(email);
	free(domain);
	*user_out = user; /* owned by g->users */
	g->c->people++;
	return rc;
}

static int build_world(struct gen *g, struct mc_error *err)
{
	struct demo_rng r;
	demo_rng_seed(&r, g->o->seed);
	for (int i = 0; i < DEMO_DISTRICTS; i++) {
		struct district *d = &g->dist[i];
		const char *line = g->d.districts.v[i];
		const char *sp = strchr(line, ' ');
		if (!sp || sp == line || sp - line >= (long)sizeof d->code || !sp[1])
			return mc_error_set(err, MC_FAIL, "%s/demo/places.txt: district \"%s\": expected "
					    "\"CODE Name\"", mc_data_dir(), line);
		snprintf(d->code, sizeof d->code, "%.*s", (int)(sp - line), line);
		d->name = sp + 1;
		d->weight = between(&r, 2, 8);
		d->next_number = 101;
		g->dist_weight_total += d->weight;
		if (store_demo_district(g->s, d->name, &d->id, err) != MC_OK)
			return MC_FAIL;
		g->c->districts++;

		/* Schools: distinct place names, each with a kind. */
		int want = (int)between(&r, 4, 10);
		for (int k = 0; k < want; k++) {
			const char *place = pick(&r, &g->d.places);
			int dup = 0;
			for (int j = 0; j < d->nschools && !dup; j++)
				dup = strncmp(d->school_names[j], place, strlen(place)) == 0 &&
				      d->school_names[j][strlen(place)] == ' ';
			if (dup)
				continue;
			char *name = mc_xasprintf("%s %s", place, pick(&r, &g->d.kinds));
			d->schools = mc_xrealloc(d->schools, (size_t)(d->nschools + 1) * sizeof *d->schools);
			d->school_names = mc_xrealloc(d->school_names,
						      (size_t)(d->nschools + 1) * sizeof *d->school_names);
			d->school_names[d->nschools] = name;
			int rc = store_demo_school(g->s, d->id, name, &d->schools[d->nschools], err);
			d->nschools++;
			if (rc != MC_OK)
				return MC_FAIL;
			g->c->schools++;
		}
		/* Cohorts: the first one or more of the list. */
		d->ncohorts = (int)between(&r, 1, g->d.cohorts.n < 3 ? g->d.cohorts.n : 3);
		d->cohorts = mc_xcalloc((size_t)d->ncohorts, sizeof *d->cohorts);
		for (int k = 0; k < d->ncohorts; k++) {
			if (store_demo_cohort(g->s, d->id, g->d.cohorts.v[k], 2025, &d->cohorts[k], err) != MC_OK)
				return MC_FAIL;
			g->c->cohorts++;
		}
		/* One coordinator and a few assessors per district. */
		if (add_person(g, &r, "coordinator", d, &d->coordinator, err) != MC_OK)
			return MC_FAIL;
		d->nassessors = (int)between(&r, 2, 4);
		d->assessors = mc_xcalloc((size_t)d->nassessors, sizeof *d->assessors);
		for (int k = 0; k < d->nassessors; k++)
			if (add_person(g, &r, "assessor", d, &d->assessors[k], err) != MC_OK)
				return MC_FAIL;
	}
	/* State-level assessors help every district. */
	g->nstate = 3;
	g->state_assessors = mc_xcalloc((size_t)g->nstate, sizeof *g->state_assessors);
	for (int k = 0; k < g->nstate; k++)
		if (add_person(g, &r, "assessor", NULL, &g->state_assessors[k], err) != MC_OK)
			return MC_FAIL;
	return MC_OK;
}

static int pick_weighted(struct demo_rng *r, const long *w, int n, long total);

/* An educator's district: the first draw of its own stream (write_educator). */
static struct district *educator_district(struct gen *g, long index, struct demo_rng *r)
{
	long dw[DEMO_DISTRICTS];
	for (int i = 0; i < DEMO_DISTRICTS; i++)
		dw[i] = g->dist[i].weight;
	demo_rng_seed(r, g->o->seed ^ ((uint64_t)(index + 1) * 0xd1342543de82ef95ULL));
	return &g->dist[pick_weighted(r, dw, DEMO_DISTRICTS, g->dist_weight_total)];
}

/* The first educator of district d from `from` on not taken yet (*taken
 * remembers the last one given), or -1 among the first few hundred. */
static long educator_of(struct gen *g, int d, long *taken)
{
	struct demo_rng r;
	for (long i = *taken + 1; i < *taken + 400; i++)
		if (educator_district(g, i, &r) == &g->dist[d]) {
			*taken = i;
			return i;
		}
	return -1;
}

/* The review process's people (issue 11), from a stream of their own so the
 * rest of the world is as it was: an approver per district and two for the
 * state; every assessor as a reader, some linked to their own work: the school
 * they teach at, their cohort, and (some assessors were teachers) the educator
 * they submit as. */
static int build_reviewers(struct gen *g, struct mc_error *err)
{
	struct demo_rng r;
	demo_rng_seed(&r, g->o->seed ^ 0x7265616473326bULL);
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < DEMO_DISTRICTS; i++)
		rc = add_person(g, &r, "approver", &g->dist[i], &g->dist[i].approver, err);
	g->nstate_approvers = 2;
	g->state_approvers = mc_xcalloc((size_t)g->nstate_approvers, sizeof *g->state_approvers);
	for (int k = 0; rc == MC_OK && k < g->nstate_approvers; k++)
		rc = add_person(g, &r, "approver", NULL, &g->state_approvers[k], err);
	long taken = -1;
	for (int i = 0; rc == MC_OK && i < DEMO_DISTRICTS; i++) {
		struct district *d = &g->dist[i];
		for (int k = 0; rc == MC_OK && k < d->nassessors; k++) {
			struct reader rd = { d->assessors[k], i, NULL, -1, -1 };
			if (chance(&r, 50))
				rd.school = d->school_names[demo_rng_below(&r, (uint64_t)d->nschools)];
			if (chance(&r, 40))
				rd.cohort = (int)demo_rng_below(&r, (uint64_t)d->ncohorts);
			if (chance(&r, 25))
				rd.educator = educator_of(g, i, &taken);
			char ed[32];
			snprintf(ed, sizeof ed, "ED%06ld", rd.educator + 1);
			rc = store_demo_person_links(g->s, rd.user, rd.school,
						     rd.cohort >= 0 ? g->d.cohorts.v[rd.cohort] : NULL,
						     rd.educator >= 0 ? ed : NULL, err);
			g->readers = mc_xrealloc(g->readers, (size_t)(g->nreaders + 1) * sizeof *g->readers);
			g->readers[g->nreaders++] = rd;
		}
	}
	for (int k = 0; k < g->nstate; k++) {
		g->readers = mc_xrealloc(g->readers, (size_t)(g->nreaders + 1) * sizeof *g->readers);
		g->readers[g->nreaders++] = (struct reader){ g->state_assessors[k], -1, NULL, -1, -1 };
	}
	g->cand = mc_xcalloc((size_t)g->nreaders + 1, sizeof *g->cand);
	return rc;
}

static void world_free(struct gen *g)
{
	for (int i = 0; i < DEMO_DISTRICTS; i++) {
		struct district *d = &g->dist[i];
		for (int k = 0; k < d->nschools; k++)
			free((char *)d->school_names[k]);
		free(d->school_names);
		free(d->schools);
		free(d->cohorts);
		free(d->assessors);
	}
	free(g->state_assessors);
	free(g->state_approvers);
	free(g->readers);
	free(g->cand);
	for (int i = 0; i < g->nusers; i++)
		free(g->users[i]);
	free(g->users);
}

/* Credentials weighted roughly as the pilot's pathways were taken up: STEM Select most. */
static void weigh_credentials(struct gen *g)
{
	g->cred_weight = mc_xcalloc((size_t)g->ncreds, sizeof *g->cred_weight);
	for (int i = 0; i < g->ncreds; i++) {
		const char *p = g->creds[i].pathway;
		long w = strcmp(p, "STEMS") == 0 ? 8 : strcmp(p, "GIFT") == 0 ? 4 : 3;
		g->cred_weight[i] = w;
		g->cred_weight_total += w;
		if (g->creds[i].ncriteria > g->max_criteria)
			g->max_criteria = g->creds[i].ncriteria;
	}
	g->level_at = mc_xcalloc((size_t)(g->max_criteria + 1), sizeof *g->level_at);
	g->level_at2 = mc_xcalloc((size_t)(g->max_criteria + 1), sizeof *g->level_at2);
	g->level_at3 = mc_xcalloc((size_t)(g->max_criteria + 1), sizeof *g->level_at3);
}

static int pick_weighted(struct demo_rng *r, const long *w, int n, long total)
{
	long roll = (long)demo_rng_below(r, (uint64_t)total);
	for (int i = 0; i < n; i++)
		if ((roll -= w[i]) < 0)
			return i;
	return n - 1;
}

static const char *skill_of(struct gen *g, const struct store_demo_credential *c)
{
	size_t n = strlen(c->code);
	for (int i = 0; i < g->d.skills.n; i++) {
		const char *line = g->d.skills.v[i];
		if (strncmp(line, c->code, n) == 0 && line[n] == ' ')
			return line + n + 1;
	}
	return c->title;
}

/* ---------------------------------------------------------------- text */

/* What placeholders stand for in one submission. */
struct subst {
	const char *skill, *subject, *grade, *school, *name, *criterion;
	const struct list *students;
};

static void expand(struct mc_buf *b, struct demo_rng *r, const char *s, const struct subst *x)
{
	while (*s) {
		const char *open = strchr(s, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			mc_buf_adds(b, s);
			return;
		}
		mc_buf_add(b, s, (size_t)(open - s));
		size_t n = (size_t)(close - open - 1);
		const char *key = open + 1, *v = NULL;
#define KEY(k) (n == sizeof k - 1 && strncmp(key, k, n) == 0)
		if (KEY("skill"))
			v = x->skill;
		else if (KEY("subject"))
			v = x->subject;
		else if (KEY("grade"))
			v = x->grade;
		else if (KEY("school"))
			v = x->school;
		else if (KEY("name"))
			v = x->name;
		else if (KEY("criterion"))
			v = x->criterion;
		else if (KEY("student") || KEY("student2"))
			v = pick(r, x->students);
		else if (KEY("n"))
			mc_buf_printf(b, "%ld", between(r, 3, 30));
		else
			mc_buf_add(b, open, (size_t)(close - open + 1));
#undef KEY
		if (v)
			mc_buf_adds(b, v);
		s = close + 1;
	}
}

static int is_zh_sentence(const char *s)
{
	unsigned cp;
	text_utf8_decode(s, &cp);
	return text_cp_is_cjk(cp);
}

/* A walk through a list in a random order that repeats nothing until every
 * entry has come once: a random start and a step coprime with the length. */
struct walk {
	const struct list *l;
	uint64_t at, step;
};

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static void walk_start(struct walk *w, struct demo_rng *r, const struct list *l)
{
	uint64_t n = (uint64_t)l->n;
	w->l = l;
	w->at = demo_rng_below(r, n);
	do
		w->step = 1 + demo_rng_below(r, n);
	while (n > 1 && gcd(w->step, n) != 1);
}

static const char *walk_next(struct walk *w)
{
	const char *s = w->l->v[w->at];
	w->at = (w->at + w->step) % (uint64_t)w->l->n;
	return s;
}

/* Sentences from `pool` (with, now and then, one from `mix`) until the text
 * has about `target` words, never passing `cap` once it has `floor`. Returns
 * the text's word count (as text_word_count counts). */
static long compose(struct gen *g, struct demo_rng *r, const struct list *pool, const struct list *mix,
		    long target, long floor, long cap, const struct subst *x, struct mc_buf *out)
{
	long words = 0, in_par = 0, par_len = between(r, 3, 6);
	struct walk main_walk, mix_walk;
	walk_start(&main_walk, r, pool);
	if (mix)
		walk_start(&mix_walk, r, mix);
	mc_buf_reset(out);
	while (words < target) {
		const char *s = mix && chance(r, 8) ? walk_next(&mix_walk) : walk_next(&main_walk);
		mc_buf_reset(&g->piece);
		expand(&g->piece, r, s, x);
		long w = text_word_count(g->piece.data, g->piece.len);
		if (cap > 0 && words + w > cap && words >= floor && out->len)
			break;
		if (out->len) {
			if (in_par >= par_len) {
				mc_buf_adds(out, "\n\n");
				in_par = 0;
				par_len = between(r, 3, 6);
			} else if (!(is_zh_sentence(s) && (unsigned char)out->data[out->len - 1] >= 0x80)) {
				mc_buf_addc(out, ' '); /* Chinese sentences follow each other without a space */
			}
		}
		mc_buf_add(out, g->piece.data, g->piece.len);
		words += w;
		in_par++;
	}
	/* Sentences are joined by white space (or, Chinese after Chinese, after
	 * CJK punctuation), which splits words, so the counts add up. */
	return words;
}

/* How many words a part's text gets: realistic for its kind, within the part's
 * limits, and now and then under or over them on purpose. */
static void part_length(struct demo_rng *r, const struct store_demo_part *p, int short_on_purpose,
			long *target, long *floor, long *cap)
{
	long lo = 150, hi = 500;
	if (strcmp(p->kind, "artifact") == 0)
		lo = 60, hi = 220;
	else if (strcmp(p->kind, "reflection") == 0)
		lo = 200, hi = 600;
	long mn = p->min_words > 0 ? p->min_words : 0, mx = p->max_words > 0 ? p->max_words : 0;
	if (lo < mn)
		lo = mn;
	if (mx && hi > mx)
		hi = mx;
	if (lo > hi)
		lo = hi;
	*floor = lo;
	*cap = hi;
	unsigned roll = (unsigned)demo_rng_below(r, 100);
	if (short_on_purpose || (roll < 4 && mn > 20)) {
		*target = short_on_purpose ? between(r, 8, 25) : between(r, mn / 3, mn * 3 / 4);
		*floor = 0;
		*cap = *target;
	} else if (roll < 8 && mx) {
		*target = mx + between(r, 15, mx / 5 + 20); /* over the limit */
		*floor = *target;
		*cap = 0;
	} else {
		*target = between(r, lo, hi);
	}
}

/* ---------------------------------------------------------------- one submission */

struct educator {
	long index;
	long long id;
	struct district *d;
	const char *school;
	char *name, *given;
	int writes_zh;   /* writes some parts in Chinese */
	int cohort;      /* index into d->cohorts */
	struct demo_rng r;
};

struct plan {
	int status;
	const char *assigned_by;
	int missing_part; /* index or -1 */
	time_t t_submit, t_import, t_assign, t_score, t_feedback, t_decide, t_updated;
};

/* One criterion's level: mostly the highest of the wanted kind (passing or
 * not), sometimes a lower one. */
static int pick_level(struct demo_rng *r, const struct store_demo_criterion *k, int pass)
{
	int want = -1, lower = 0;
	for (int l = k->nlevels - 1; l >= 0; l--)
		if (k->levels[l].passes == pass) {
			if (want < 0)
				want = l;
			else
				lower++;
		}
	if (want < 0) /* a rubric without such a level: take what there is */
		return pass ? k->nlevels - 1 : 0;
	if (lower && chance(r, 25))
		for (int l = want - 1, skip = (int)demo_rng_below(r, (uint64_t)lower); l >= 0; l--)
			if (k->levels[l].passes == pass && skip-- == 0)
				return l;
	return want;
}

/* Levels for the first `nscored` criteria into lv (the rest -1): all passing,
 * or (all_pass 0) at least one not when every criterion is scored. */
static void choose_levels(struct demo_rng *r, const struct store_demo_credential *c, int nscored, int all_pass,
			  int *lv)
{
	int forced = !all_pass && nscored == c->ncriteria && nscored > 0 ? (int)demo_rng_below(r, (uint64_t)nscored)
									    : -1;
	for (int i = 0; i < c->ncriteria; i++)
		lv[i] = i < nscored ? pick_level(r, &c->criteria[i], all_pass || (i != forced && chance(r, 75))) : -1;
}

static int passes(const struct store_demo_credential *c, const int *lv, int i)
{
	return lv[i] >= 0 && c->criteria[i].levels[lv[i]].passes;
}

static int all_passing(const struct store_demo_credential *c, const int *lv)
{
	for (int i = 0; i < c->ncriteria; i++)
		if (!passes(c, lv, i))
			return 0;
	return c->ncriteria > 0;
}

/* Another reader's levels for the same evidence, as scored in `from`: every
 * criterion on the same side of passing (often the same level), or, `flip`,
 * the other outcome: each failing criterion passes, or when all passed one
 * fails. Criteria `from` left unscored stay unscored. */
static void other_read(struct demo_rng *r, const struct store_demo_credential *c, const int *from, int flip,
		       int *lv)
{
	int all = all_passing(c, from);
	int turn = flip && all ? (int)demo_rng_below(r, (uint64_t)c->ncriteria) : -1;
	for (int i = 0; i < c->ncriteria; i++) {
		int pass = passes(c, from, i);
		int turned = flip && (all ? i == turn : !pass);
		if (from[i] < 0)
			lv[i] = -1;
		else if (!turned && chance(r, 65))
			lv[i] = from[i];
		else
			lv[i] = pick_level(r, &c->criteria[i], turned ? !pass : pass);
	}
}

/* What an assessor says about a failing criterion depends on the part it is in. */
static const struct list *fail_list(struct gen *g, const struct store_demo_credential *c,
				    const struct store_demo_criterion *k)
{
	for (int i = 0; i < c->nparts; i++)
		if (c->parts[i].id == k->part_id)
			return strcmp(c->parts[i].kind, "artifact") == 0 ? &g->d.fb_fail_art
			       : strcmp(c->parts[i].kind, "reflection") == 0 ? &g->d.fb_fail_ref
									   : &g->d.fb_fail_ov;
	return &g->d.fb_fail_ov;
}

/* The teacher-facing feedback of one read (levels lv), or of an incomplete return. */
static void write_feedback(struct gen *g, struct demo_rng *r, const struct store_demo_credential *c,
			   int incomplete, const int *lv, struct subst *x, struct mc_buf *b)
{
	mc_buf_reset(b);
	expand(b, r, pick(r, &g->d.fb_open), x);
	mc_buf_addc(b, ' ');
	if (incomplete) {
		expand(b, r, pick(r, &g->d.incomplete), x);
		mc_buf_addc(b, ' ');
		expand(b, r, pick(r, &g->d.fb_close_resubmit), x);
		return;
	}
	expand(b, r, pick(r, &g->d.fb_pass), x);
	int nfail = 0;
	for (int i = 0; i < c->ncriteria; i++) {
		if (lv[i] < 0 || passes(c, lv, i))
			continue;
		mc_buf_adds(b, nfail++ ? "\n" : "\n\n");
		x->criterion = c->criteria[i].code;
		expand(b, r, pick(r, fail_list(g, c, &c->criteria[i])), x);
	}
	if (!nfail) {
		mc_buf_addc(b, ' ');
		expand(b, r, pick(r, &g->d.fb_pass), x);
	}
	mc_buf_adds(b, "\n\n");
	expand(b, r, pick(r, nfail ? &g->d.fb_close_resubmit : &g->d.fb_close_earned), x);
}

static void plan_times(struct demo_rng *r, struct plan *p, int ncriteria)
{
	p->t_import = p->t_submit + between(r, 1, 36) * HOUR + between(r, 0, 59) * 60;
	p->t_assign = p->t_import + between(r, 2, 120) * HOUR;
	/* Assessors score in the daytime: some days after assignment, 08:00 to 19:59. */
	time_t day = p->t_assign + between(r, 1, 10) * DAY;
	p->t_score = day - day % DAY + between(r, 8, 19) * HOUR + between(r, 0, 59) * 60;
	p->t_feedback = p->t_score + (long)ncriteria * 240 + between(r, 5, 40) * 60;
	p->t_decide = p->t_feedback + between(r, 1, 30) * 60;
	p->t_updated = p->t_import;
}

/* The audit row the real program writes with a score, feedback or decision: by
 * the person who did it, when they did it (json: the row's "after", taken). Its id
 * is random, not the seed's: the data rows of a seed stay what they were. */
static int audit_row(struct gen *g, const char *action, const char *ext, const char *actor, const char *at,
		     json_t *json, struct mc_error *err)
{
	char uid[MC_UUID_LEN];
	if (mc_uuid(uid, err) != MC_OK) {
		json_decref(json);
		return MC_FAIL;
	}
	char *subject = mc_xasprintf("submission:%s", ext);
	char *after = audit_json(json);
	struct audit_row r = { .uid = uid, .at = at, .actor = actor, .action = action, .subject = subject,
			       .after = after };
	int rc = audit_chain_add(g->s, &g->chain, &r, err);
	free(subject);
	free(after);
	return rc;
}

/* ---------------------------------------------------------------- reads */

/* May reader rd read educator e's work? Not their own submission, nor (in
 * their district) one of their school or cohort: assign_rules.h's rules. */
static int may_read(const struct gen *g, const struct reader *rd, const struct educator *e)
{
	if (rd->educator >= 0 && rd->educator == e->index)
		return 0;
	if (rd->dist < 0 || &g->dist[rd->dist] != e->d)
		return 1;
	return !(rd->school && strcmp(rd->school, e->school) == 0) && rd->cohort != e->cohort;
}

enum pick_how { PICK_FIRST, PICK_AWAY, PICK_ANY };

/* A reader for one of e's submissions, never one holding another of its reads
 * (held[0..nheld-1]) nor one the rules keep away. PICK_FIRST: of e's district
 * most of the time, else of the state; PICK_AWAY (the second read): of another
 * district than the first reader's whenever one may; PICK_ANY (adjudication):
 * outside e's district when one may. NULL: nobody may. */
static const struct reader *pick_reader(struct gen *g, struct demo_rng *r, const struct educator *e,
					const struct reader *const *held, int nheld, enum pick_how how)
{
	int home = (int)(e->d - g->dist), local = how == PICK_FIRST && chance(r, 85);
	for (int pass = 0; pass < 2; pass++) {
		int n = 0;
		for (int i = 0; i < g->nreaders; i++) {
			const struct reader *rd = &g->readers[i];
			int taken = 0;
			for (int k = 0; k < nheld; k++)
				taken |= held[k] == rd;
			if (taken || !may_read(g, rd, e))
				continue;
			int liked = how == PICK_FIRST ? (local ? rd->dist == home : rd->dist < 0)
				    : how == PICK_AWAY ? nheld == 0 || rd->dist != held[0]->dist || rd->dist < 0
				    : rd->dist != home;
			if (pass || liked)
				g->cand[n++] = i;
		}
		if (n)
			return &g->readers[g->cand[demo_rng_below(r, (uint64_t)n)]];
	}
	return NULL;
}

/* One read of a submission: who, their levels, how far they got. */
struct read_out {
	const char *read;
	const struct reader *who;
	const int *lv;      /* levels; the first nscored criteria are scored */
	int nscored, ended;
	time_t t_assign, t_score;
};

/* When a read's last row is written: its last score, and when it ended, the
 * feedback 20 minutes later and the read's decision 15 after that. */
static time_t read_end(const struct read_out *rd)
{
	time_t t = rd->nscored ? rd->t_score + (time_t)(rd->nscored - 1) * 240 : rd->t_assign;
	return rd->ended ? t + 35 * 60 : t;
}

/* The read's assignment (with its due date), scores, and when ended its
 * feedback and read_decision. *t_end: its last row's time (read_end). */
static int write_read(struct gen *g, struct demo_rng *r, const struct store_demo_credential *c,
		      long long sub_id, const char *ext, const char *assigned_by, struct subst *x,
		      const struct read_out *rd, time_t *t_end, struct mc_error *err)
{
	struct store *s = g->s;
	char uid[MC_UUID_LEN], at[MC_TIME_LEN], due[MC_TIME_LEN];
	demo_uuid(r, rd->t_assign, uid);
	timestamp(rd->t_assign, at);
	assign_due_after(rd->t_assign, ASSIGN_DUE_DAYS_DEFAULT, due);
	int rc = store_demo_assignment(s, uid, sub_id, rd->read, rd->who->user, chance(r, 20), assigned_by, at, due,
				       err);
	g->c->assignments++;
	*t_end = rd->t_assign;
	for (int i = 0; rc == MC_OK && i < rd->nscored; i++) {
		const struct store_demo_criterion *k = &c->criteria[i];
		const struct store_demo_level *l = &k->levels[rd->lv[i]];
		const char *comment = !l->passes ? pick(r, &g->d.comment_fail)
				      : chance(r, 30) ? pick(r, &g->d.comment_pass) : "";
		*t_end = rd->t_score + (time_t)i * 240;
		demo_uuid(r, *t_end, uid);
		timestamp(*t_end, at);
		rc = store_demo_score(s, uid, sub_id, rd->read, k->id, l->id, rd->who->user, comment, at, err);
		if (rc == MC_OK)
			rc = audit_row(g, "score", ext, rd->who->user, at,
				       json_pack("{s:s, s:s, s:s, s:s, s:s}", "criterion", k->code, "level", l->code,
						 "comment", comment, "assessor", rd->who->user, "read", rd->read), err);
		g->c->scores++;
	}
	if (rc != MC_OK || !rd->ended)
		return rc;
	write_feedback(g, r, c, 0, rd->lv, x, &g->body);
	*t_end += 20 * 60;
	demo_uuid(r, *t_end, uid);
	timestamp(*t_end, at);
	rc = store_demo_feedback(s, uid, sub_id, rd->read, rd->who->user, g->body.data, at, err);
	if (rc == MC_OK)
		rc = audit_row(g, "feedback", ext, rd->who->user, at,
			       json_pack("{s:s, s:s, s:s}", "text", g->body.data, "author", rd->who->user, "read",
					 rd->read), err);
	g->c->feedback++;
	*t_end += 15 * 60;
	demo_uuid(r, *t_end, uid);
	timestamp(*t_end, at);
	const char *outcome = all_passing(c, rd->lv) ? "earned" : "resubmit";
	if (rc == MC_OK)
		rc = store_demo_read_decision(s, uid, sub_id, rd->read, rd->who->user, outcome, at, err);
	if (rc == MC_OK) /* as review_read_end writes it */
		rc = audit_row(g, "read", ext, rd->who->user, at,
			       json_pack("{s:s, s:s, s:s}", "read", rd->read, "outcome", outcome, "assessor",
					 rd->who->user), err);
	return rc;
}

/* How far a submission's reads went (review.h), by its status:
 *   queued: a first (sometimes a second) read assigned, nothing scored;
 *   in_progress: the first read open, or ended with the second open, or both
 *     ended and disagreeing: waiting for an adjudicator ("needs adjudication")
 *     or with the adjudication read open;
 *   awaiting_approval, earned, resubmit: both ended and agreeing, or
 *     disagreeing and adjudicated; earned and resubmit were then approved.
 * The levels: level_at the outcome's (the deciding read's), level_at2 and
 * level_at3 the others'. */
struct reads_plan {
	int nreads;             /* assigned: 0 to 3 */
	struct read_out rd[3];
	int adjudicated;        /* the outcome is the adjudication read's */
};

static void plan_decided(struct gen *g, struct demo_rng *r, const struct store_demo_credential *c, int status,
			 struct reads_plan *rp)
{
	int n = c->ncriteria;
	int all = status == ST_EARNED || (status == ST_AWAITING && chance(r, 70));
	choose_levels(r, c, n, all, g->level_at);
	rp->adjudicated = chance(r, 25);
	if (!rp->adjudicated) {
		other_read(r, c, g->level_at, 0, g->level_at2);
		rp->rd[0] = (struct read_out){ "first", NULL, g->level_at, n, 1, 0, 0 };
		rp->rd[1] = (struct read_out){ "second", NULL, g->level_at2, n, 1, 0, 0 };
		rp->nreads = 2;
		return;
	}
	/* one reader saw it as the adjudicator did, the other did not */
	int flipped = (int)demo_rng_below(r, 2);
	other_read(r, c, g->level_at, 0, g->level_at2);
	other_read(r, c, g->level_at, 1, g->level_at3);
	rp->rd[0] = (struct read_out){ "first", NULL, flipped ? g->level_at2 : g->level_at3, n, 1, 0, 0 };
	rp->rd[1] = (struct read_out){ "second", NULL, flipped ? g->level_at3 : g->level_at2, n, 1, 0, 0 };
	rp->rd[2] = (struct read_out){ "adjudication", NULL, g->level_at, n, 1, 0, 0 };
	rp->nreads = 3;
}

static void plan_open(struct gen *g, struct demo_rng *r, const struct store_demo_credential *c, int status,
		      struct reads_plan *rp)
{
	int n = c->ncriteria;
	unsigned roll = (unsigned)demo_rng_below(r, 100);
	if (status == ST_QUEUED) {
		rp->nreads = !chance(r, 35) ? 0 : chance(r, 50) ? 2 : 1;
		rp->rd[0] = (struct read_out){ "first", NULL, g->level_at, 0, 0, 0, 0 };
		rp->rd[1] = (struct read_out){ "second", NULL, g->level_at2, 0, 0, 0, 0 };
		return;
	}
	if (roll < 35) { /* the first read under way, the second not begun or begun */
		choose_levels(r, c, (int)demo_rng_below(r, (uint64_t)n), 0, g->level_at);
		choose_levels(r, c, chance(r, 50) ? 0 : (int)demo_rng_below(r, (uint64_t)n), 0, g->level_at2);
		rp->rd[0] = (struct read_out){ "first", NULL, g->level_at, 0, 0, 0, 0 };
		rp->rd[1] = (struct read_out){ "second", NULL, g->level_at2, 0, 0, 0, 0 };
		for (int i = 0; i < n; i++) {
			rp->rd[0].nscored += g->level_at[i] >= 0;
			rp->rd[1].nscored += g->level_at2[i] >= 0;
		}
		rp->nreads = 2;
		return;
	}
	choose_levels(r, c, n, chance(r, 60), g->level_at);
	if (roll < 60) { /* the first read ended, the second under way */
		other_read(r, c, g->level_at, chance(r, 30), g->level_at2);
		rp->rd[0] = (struct read_out){ "first", NULL, g->level_at, n, 1, 0, 0 };
		rp->rd[1] = (struct read_out){ "second", NULL, g->level_at2, (int)demo_rng_below(r, (uint64_t)n), 0,
					       0, 0 };
		rp->nreads = 2;
		return;
	}
	/* both ended and disagree: waiting for an adjudicator, or the adjudication under way */
	other_read(r, c, g->level_at, 1, g->level_at2);
	other_read(r, c, g->level_at, 0, g->level_at3);
	rp->rd[0] = (struct read_out){ "first", NULL, g->level_at, n, 1, 0, 0 };
	rp->rd[1] = (struct read_out){ "second", NULL, g->level_at2, n, 1, 0, 0 };
	rp->rd[2] = (struct read_out){ "adjudication", NULL, g->level_at3, (int)demo_rng_below(r, (uint64_t)n), 0,
				       0, 0 };
	rp->nreads = roll < 80 ? 2 : 3;
}

/* Readers for the planned reads (a read nobody may take is left out, and
 * the reads after it), and their times; p->t_updated and t_decide follow. */
static void place_reads(struct gen *g, struct educator *e, struct plan *p, struct reads_plan *rp)
{
	struct demo_rng *r = &e->r;
	const struct reader *held[3];
	time_t t_assign = p->t_assign, t_score = p->t_score;
	for (int i = 0; i < rp->nreads; i++) {
		const struct reader *who = pick_reader(g, r, e, held, i, i == 0 ? PICK_FIRST : i == 1 ? PICK_AWAY : PICK_ANY);
		if (!who) {
			rp->nreads = i;
			break;
		}
		held[i] = who;
		rp->rd[i].who = who;
		if (i == 2) { /* the adjudicator: after both reads ended */
			time_t a = read_end(&rp->rd[0]), b = read_end(&rp->rd[1]);
			t_assign = (a > b ? a : b) + between(r, 1, 30) * HOUR;
			time_t day = t_assign + between(r, 1, 5) * DAY;
			t_score = day - day % DAY + between(r, 8, 19) * HOUR + between(r, 0, 59) * 60;
		} else if (i == 1) {
			t_assign += between(r, 0, 6) * HOUR;
			t_score += between(r, 0, 4) * DAY + between(r, -3, 3) * HOUR;
		}
		rp->rd[i].t_assign = t_assign;
		rp->rd[i].t_score = t_score > t_assign ? t_score : t_assign + HOUR;
	}
}

/* The demo's today: open work was submitted in the weeks before it, so some of
 * its reads are overdue then and others are not (assign list --overdue --as-of). */
#define DEMO_TODAY_DAYS 300

static void plan_reads(struct gen *g, struct educator *e, const struct store_demo_credential *c, struct plan *p,
		       struct reads_plan *rp)
{
	struct demo_rng *r = &e->r;
	int st = p->status;
	if (st == ST_QUEUED || st == ST_IN_PROGRESS) {
		plan_open(g, r, c, st, rp);
	} else if (st == ST_AWAITING || st == ST_EARNED || st == ST_RESUBMIT) {
		plan_decided(g, r, c, st, rp);
	} else { /* incomplete, withdrawn: a first read assigned now and then, nothing scored */
		rp->nreads = chance(r, st == ST_INCOMPLETE ? 50 : 40);
		rp->rd[0] = (struct read_out){ "first", NULL, g->level_at, 0, 0, 0, 0 };
	}
	place_reads(g, e, p, rp);
	for (int i = 0; i < rp->nreads; i++) {
		time_t t = read_end(&rp->rd[i]);
		if (t > p->t_updated)
			p->t_updated = t;
	}
	if (st == ST_EARNED || st == ST_RESUBMIT) /* approved */
		p->t_updated = p->t_decide = p->t_updated + between(r, 2, 72) * HOUR;
	if (st == ST_INCOMPLETE) /* the completeness check returns it soon after assignment */
		p->t_updated = p->t_decide = p->t_feedback = p->t_assign + between(r, 1, 48) * HOUR;
	if (st == ST_WITHDRAWN)
		p->t_updated = p->t_assign + between(r, 1, 60) * DAY;
}

/* The decision: an approver's sign-off of the reads' outcome, or a
 * coordinator's return as incomplete (with its feedback). */
static int write_decision(struct gen *g, struct educator *e, const struct store_demo_credential *c,
			  const struct plan *p, long long sub_id, const char *ext, struct subst *x,
			  struct mc_error *err)
{
	struct demo_rng *r = &e->r;
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	int incomplete = p->status == ST_INCOMPLETE;
	int rc = MC_OK;
	if (incomplete) {
		write_feedback(g, r, c, 1, g->level_at, x, &g->body);
		demo_uuid(r, p->t_feedback, uid);
		timestamp(p->t_feedback, at);
		rc = store_demo_feedback(g->s, uid, sub_id, "first", e->d->coordinator, g->body.data, at, err);
		if (rc == MC_OK)
			rc = audit_row(g, "feedback", ext, e->d->coordinator, at,
				       json_pack("{s:s, s:s, s:s}", "text", g->body.data, "author", e->d->coordinator,
						 "read", "first"), err);
		g->c->feedback++;
	}
	const char *by = incomplete ? e->d->coordinator
			 : chance(r, 70) ? e->d->approver
					 : g->state_approvers[demo_rng_below(r, (uint64_t)g->nstate_approvers)];
	const char *reason = incomplete ? pick(r, &g->d.incomplete) : "";
	demo_uuid(r, p->t_decide, uid);
	timestamp(p->t_decide, at);
	const char *outcome = queue_statuses[p->status];
	if (rc == MC_OK)
		rc = store_demo_decision(g->s, uid, sub_id, outcome, by, reason, at, err);
	/* the audit row scoring.c (a return as incomplete) or review.c (an approval) writes */
	json_t *j = incomplete ? json_pack("{s:s, s:s, s:s, s:s}", "outcome", outcome, "decided_by", by, "status",
					   outcome, "reason", reason)
			       : json_pack("{s:s, s:s, s:s}", "status", outcome, "outcome", outcome, "approved_by", by);
	if (rc == MC_OK)
		rc = audit_row(g, incomplete ? "decide" : "approve", ext, by, at, j, err);
	else
		json_decref(j);
	g->c->decisions++;
	return rc;
}

static int write_submission(struct gen *g, struct educator *e, const struct store_demo_credential *c,
			    int attempt, long long previous_id, int status, time_t t_submit,
			    long long *sub_id, time_t *t_done, struct mc_error *err)
{
	struct demo_rng *r = &e->r;
	struct store *s = g->s;
	time_t today = g->base + DEMO_TODAY_DAYS * DAY;
	if ((status == ST_QUEUED || status == ST_IN_PROGRESS) && t_submit < today - 21 * DAY)
		t_submit = today - between(r, 1, 21) * DAY + between(r, 7, 22) * HOUR;
	struct plan p = { .status = status, .t_submit = t_submit, .missing_part = -1 };
	plan_times(r, &p, c->ncriteria);
	p.assigned_by = e->d->coordinator;
	struct reads_plan rp = { 0 };
	plan_reads(g, e, c, &p, &rp);
	if (status == ST_INCOMPLETE && c->nparts > 1)
		p.missing_part = chance(r, 60) ? c->nparts - 1 : 0; /* no reflection, or a stub of an overview */

	char ext[32], submitted[MC_TIME_LEN], imported[MC_TIME_LEN], updated[MC_TIME_LEN];
	char src[MC_SHA256_HEX];
	snprintf(ext, sizeof ext, "%s-%ld", e->d->code, e->d->next_number++);
	timestamp(p.t_submit, submitted);
	timestamp(p.t_import, imported);
	timestamp(p.t_updated, updated);
	char *rec = mc_xasprintf("mcassess-demo\n%llu\n%s", (unsigned long long)g->o->seed, ext);
	mc_sha256_hex(rec, strlen(rec), src);
	free(rec);
	struct store_demo_submission sd = {
		.ext_id = ext, .status = queue_statuses[status], .submitted_at = submitted,
		.imported_at = imported, .updated_at = updated, .source_sha256 = src,
		.educator_id = e->id, .credential_id = c->id, .rubric_id = c->rubric_id,
		.previous_id = previous_id, .attempt = attempt,
	};
	if (store_demo_submission(s, &sd, sub_id, err) != MC_OK)
		return MC_FAIL;
	g->c->submissions++;
	g->c->by_status[status]++;

	/* Evidence: one text per part, in the rubric's order. */
	struct subst x = { .skill = skill_of(g, c), .subject = pick(r, &g->d.subjects),
			   .grade = pick(r, &g->d.grades), .school = e->school, .name = e->given,
			   .students = &g->d.students };
	int seq = 0;
	for (int i = 0; i < c->nparts; i++) {
		const struct store_demo_part *part = &c->parts[i];
		int stub = status == ST_INCOMPLETE && p.missing_part == i && i == 0;
		if (status == ST_INCOMPLETE && p.missing_part == i && i != 0)
			continue; /* the missing part */
		long target, floor, cap;
		part_length(r, part, stub, &target, &floor, &cap);
		int art = strcmp(part->kind, "artifact") == 0, ref = strcmp(part->kind, "reflection") == 0;
		const struct list *en = art ? &g->d.art_en : ref ? &g->d.ref_en : &g->d.ov_en;
		const struct list *zh = art ? &g->d.art_zh : ref ? &g->d.ref_zh : &g->d.ov_zh;
		int in_zh = e->writes_zh && chance(r, ref ? 55 : 35);
		long words = compose(g, r, in_zh ? zh : en, e->writes_zh ? (in_zh ? en : zh) : NULL, target,
				     floor, cap, &x, &g->text);
		char sha[MC_SHA256_HEX];
		mc_sha256_hex(g->text.data, g->text.len, sha);
		if (store_demo_evidence(s, *sub_id, ++seq, part->id, g->text.data, g->text.len, sha, words,
					DEMO_MEDIA_TYPE, err) != MC_OK)
			return MC_FAIL;
		g->c->evidence++;
	}

	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < rp.nreads; i++) {
		time_t t_end;
		rc = write_read(g, r, c, *sub_id, ext, p.assigned_by, &x, &rp.rd[i], &t_end, err);
	}
	if (rc == MC_OK && (status == ST_EARNED || status == ST_RESUBMIT || status == ST_INCOMPLETE))
		rc = write_decision(g, e, c, &p, *sub_id, ext, &x, err);
	*t_done = p.t_updated;
	return rc;
}

/* ---------------------------------------------------------------- batches */

static int room(const struct gen *g) { return !g->target || g->written < g->target; }

static int count_submission(struct gen *g, struct mc_error *err)
{
	(void)err;
	g->written++;
	g->in_batch++;
	if (g->o->progress && g->written % DEMO_PROGRESS_EVERY == 0)
		g->o->progress(g->o->progress_ctx, g->written,
			       g->target ? (long)g->target : (long)(g->o->educators * 19 / 10));
	return MC_OK;
}

/* The search index's catch-up with SQLite's default page cache, not the bulk
 * writes' 8 MiB: the ranking index holds its own rows and pairs in memory while
 * it counts (fts_impact.c's bounds, 20 MB and more), and beside a full 8 MiB cache
 * the demo's peak passed 32 MB (41.7 MB at 10,000 submissions). */
static int index_catch_up(struct store *s, int merge, struct mc_error *err)
{
	int rc = store_demo_bulk(s, 0, err);
	if (rc == MC_OK)
		rc = search_index_bulk(s, merge, NULL, err);
	if (rc == MC_OK)
		rc = store_demo_bulk(s, 1, err);
	return rc;
}

/* After a whole educator: commit, let the checkpoint move the log into the
 * database, carry on. A run stopped between batches holds whole educators
 * only, so the next run can tell where to go on. */
static int batch_end(struct gen *g, struct mc_error *err)
{
	if (g->in_batch < (g->o->batch > 0 ? g->o->batch : DEMO_BATCH))
		return MC_OK;
	g->in_batch = 0;
	if (store_demo_catch_up(g->s, &g->deferred, err) != MC_OK ||
	    store_precheck_catch_up(g->s, NULL, err) != MC_OK || audit_chain_close(g->s, &g->chain, err) != MC_OK ||
	    index_catch_up(g->s, 0, err) != MC_OK || store_commit(g->s, err) != MC_OK)
		return MC_FAIL;
	MC_CRASH_POINT("demo: a batch committed");
	store_checkpoint(g->s);
	if (store_begin(g->s, err) != MC_OK)
		return MC_FAIL;
	return store_demo_defer(g->s, &g->deferred, err);
}

/* ---------------------------------------------------------------- one educator */

static void make_name(struct gen *g, struct educator *e)
{
	struct demo_rng *r = &e->r;
	if (chance(r, e->writes_zh ? 70 : 2)) {
		e->name = mc_xstrdup(pick(r, &g->d.names_zh));
		e->given = mc_xstrdup(e->name);
		return;
	}
	const char *given = pick(r, &g->d.given), *family = pick(r, &g->d.family);
	e->given = mc_xstrdup(given);
	unsigned roll = (unsigned)demo_rng_below(r, 100);
	if (roll < 7) {
		const char *other = pick(r, &g->d.family);
		e->name = other == family ? mc_xasprintf("%s %s", given, family)
					  : mc_xasprintf("%s %s-%s", given, family, other);
	} else if (roll < 12) {
		e->name = mc_xasprintf("%s %c. %s", given, (char)('A' + demo_rng_below(r, 26)), family);
	} else {
		e->name = mc_xasprintf("%s %s", given, family);
	}
}

static int write_educator(struct gen *g, long index, struct mc_error *err)
{
	struct educator e = { .index = index };
	/* Each educator's own stream: its rows do not depend on how the others came out. */
	struct demo_rng *r = &e.r;
	e.d = educator_district(g, index, r);
	int school = (int)demo_rng_below(r, (uint64_t)e.d->nschools);
	e.school = e.d->school_names[school];
	e.writes_zh = index % 20 == 3; /* one teacher in twenty writes partly in Chinese */
	make_name(g, &e);

	char ext[32], anon[32];
	snprintf(ext, sizeof ext, "ED%06ld", index + 1);
	uint32_t a = (uint32_t)((uint64_t)(index + 1) * 0x9e3779b1u) ^ (uint32_t)(g->o->seed * 0x85ebca6bu);
	snprintf(anon, sizeof anon, "anon-%08x", a); /* a bijection of the index: unique */
	e.cohort = (int)demo_rng_below(r, (uint64_t)e.d->ncohorts);
	struct store_demo_educator ed = {
		.ext_id = ext, .name = e.name, .anon_id = anon, .district_id = e.d->id,
		.school_id = e.d->schools[school],
		.cohort_id = e.d->cohorts[e.cohort],
	};
	int rc = store_demo_educator(g->s, &ed, &e.id, err);
	if (rc == MC_OK)
		g->c->educators++;

	/* One to three credentials, all different. */
	unsigned roll = (unsigned)demo_rng_below(r, 100);
	int nsubs = roll < 50 ? 1 : roll < 85 ? 2 : 3;
	int chosen[3] = { -1, -1, -1 };
	for (int k = 0; rc == MC_OK && k < nsubs && room(g); k++) {
		int ci;
		do
			ci = pick_weighted(r, g->cred_weight, g->ncreds, g->cred_weight_total);
		while (g->ncreds > k && (ci == chosen[0] || ci == chosen[1] || ci == chosen[2]));
		chosen[k] = ci;
		const struct store_demo_credential *c = &g->creds[ci];
		time_t t = g->base + between(r, 28, 270) * DAY + between(r, 7, 22) * HOUR +
			   between(r, 0, 3599);
		int status = pick_status(r, FIRST_MIX);
		long long id;
		time_t done;
		rc = write_submission(g, &e, c, 1, 0, status, t, &id, &done, err);
		if (rc == MC_OK)
			rc = count_submission(g, err);
		/* Most teachers asked to resubmit try again: attempt 2 points at attempt 1. */
		if (rc == MC_OK && status == ST_RESUBMIT && room(g) && chance(r, 75)) {
			long long id2;
			time_t t2 = done + between(r, 7, 40) * DAY + between(r, 0, 8) * HOUR;
			rc = write_submission(g, &e, c, 2, id, pick_status(r, SECOND_MIX), t2, &id2, &done, err);
			if (rc == MC_OK)
				rc = count_submission(g, err);
		}
	}
	free(e.name);
	free(e.given);
	return rc;
}

/* ---------------------------------------------------------------- the run */

static int refuse_if_filled(struct gen *g, struct mc_error *err)
{
	long long subs = 0, edus = 0;
	if (store_demo_existing(g->s, &subs, &edus, err) != MC_OK)
		return MC_FAIL;
	if (subs || edus)
		return mc_error_set(err, MC_FAIL, "%s: demo fills an empty database, and this one holds "
				    "%lld submission%s and %lld educator%s; nothing was changed "
				    "(give a new --db PATH)", store_path(g->s), subs, subs == 1 ? "" : "s",
				    edus, edus == 1 ? "" : "s");
	return MC_OK;
}

/* The options, as the audit row and meta 'demo_unfinished' hold them (heap). */
static char *options_json(const struct demo_options *o)
{
	json_t *j = json_object();
	char seed[32];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
	json_object_set_new(j, "seed", json_string(seed));
	if (o->submissions > 0)
		json_object_set_new(j, "submissions", json_integer(o->submissions));
	else
		json_object_set_new(j, "educators", json_integer(o->educators));
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	return s;
}

/* The audit row, and the note that the demo is under way (removed when it is whole). */
static int audit_demo(struct gen *g, struct mc_error *err)
{
	char *after = options_json(g->o);
	int rc = audit_append(g->s, "demo", "database", NULL, after, err);
	if (rc == MC_OK)
		rc = store_meta_set(g->s, "demo_unfinished", after, err);
	free(after);
	return rc;
}

/* The pilot's goals (issue 13): per pathway, and 280 for the whole program, so
 * `report progress` on a demo database shows the pilot's table. A catalog
 * without one of these pathways keeps its own goals. */
static int set_pilot_goals(struct gen *g, struct mc_error *err)
{
	static const struct { const char *code; long goal; } goals[] = {
		{ "TEAM", 25 }, { "STEMS", 150 }, { "STEMG", 15 }, { "GIFT", 20 }, { "RTI", 15 }, { "SPC", 3 },
	};
	int rc = store_meta_set(g->s, "goal_total", "280", err);
	for (size_t i = 0; rc == MC_OK && i < sizeof goals / sizeof goals[0]; i++) {
		long before;
		int found;
		rc = store_report_goal(g->s, goals[i].code, goals[i].goal, &before, &found, err);
	}
	return rc;
}

/* The review process the demo's data went through (review.h): two reads, and
 * approval ('config reads 2', which turns approval on; 'config approval on' as
 * well, so it stays on if an admin goes back to one read). */
static int set_two_reads(struct gen *g, struct mc_error *err)
{
	int rc = store_meta_set(g->s, "reads", "2", err);
	return rc == MC_OK ? store_meta_set(g->s, "approval", "on", err) : rc;
}

/* Where a stopped demo goes on: after the educators it wrote (whole ones: it
 * commits only between educators), with each district's submission numbers
 * counted on from those it has. */
static int resume_point(struct gen *g, long *first, struct mc_error *err)
{
	long long subs = 0, edus = 0;
	int rc = store_demo_existing(g->s, &subs, &edus, err);
	for (int i = 0; rc == MC_OK && i < DEMO_DISTRICTS; i++) {
		long long n = 0;
		rc = store_demo_district_submissions(g->s, g->dist[i].id, &n, err);
		g->dist[i].next_number = 101 + (long)n;
	}
	*first = (long)edus;
	g->written = (long)subs;
	g->c->resumed_after = (long)edus;
	return rc;
}

static int fill(struct gen *g, int resume, struct mc_error *err)
{
	int rc = resume ? MC_OK : refuse_if_filled(g, err);
	if (rc == MC_OK)
		rc = store_demo_catalog(g->s, &g->creds, &g->ncreds, err);
	if (rc == MC_OK && g->ncreds == 0)
		rc = mc_error_set(err, MC_FAIL, "%s: the catalog has no credentials; load one first "
				  "('mcassess catalog load PATH')", store_path(g->s));
	for (int i = 0; rc == MC_OK && i < g->ncreds; i++)
		if (g->creds[i].nparts == 0 || g->creds[i].ncriteria == 0)
			rc = mc_error_set(err, MC_FAIL, "credential %s: its rubric has no parts or no "
					  "criteria; the demo cannot fill it", g->creds[i].code);
	if (rc != MC_OK)
		return rc;
	weigh_credentials(g);
	rc = build_world(g, err); /* again when resuming: the same rows, found rather than added */
	if (rc == MC_OK)
		rc = build_reviewers(g, err);
	long first = 0;
	if (rc == MC_OK)
		rc = resume ? resume_point(g, &first, err) : audit_demo(g, err);
	if (rc == MC_OK && !resume)
		rc = set_pilot_goals(g, err);
	if (rc == MC_OK && !resume)
		rc = set_two_reads(g, err);
	if (rc == MC_OK)
		rc = audit_chain_open(g->s, &g->chain, err);
	for (long i = first; rc == MC_OK && room(g) && (g->target || i < g->o->educators); i++) {
		rc = write_educator(g, i, err);
		if (rc == MC_OK)
			rc = batch_end(g, err);
	}
	if (rc == MC_OK)
		rc = audit_chain_close(g->s, &g->chain, err);
	if (rc == MC_OK)
		rc = store_demo_finished(g->s, err);
	return rc;
}

/* A demo stopped before it finished: resume it (*resume) when these are its
 * options, else refuse naming the command that finishes it. */
static int unfinished(struct store *s, const struct demo_options *o, int *resume, struct mc_error *err)
{
	char *was = NULL;
	*resume = 0;
	int rc = store_meta_get(s, "demo_unfinished", &was, err);
	if (rc != MC_OK || !was)
		return rc;
	char *now = options_json(o);
	*resume = strcmp(was, now) == 0;
	if (!*resume) {
		json_t *j = json_loads(was, 0, NULL);
		const char *seed = json_string_value(json_object_get(j, "seed"));
		json_int_t subs = json_integer_value(json_object_get(j, "submissions"));
		json_int_t edus = json_integer_value(json_object_get(j, "educators"));
		rc = mc_error_set(err, MC_FAIL, "%s: a demo with other options was stopped here before it finished; "
				  "nothing was changed. 'mcassess --db %s demo %s %lld --seed %s' finishes it",
				  store_path(s), store_path(s), subs > 0 ? "--submissions" : "--educators",
				  (long long)(subs > 0 ? subs : edus), seed ? seed : "?");
		json_decref(j);
	}
	free(now);
	free(was);
	return rc;
}

int demo_run(struct store *s, const struct demo_options *o, struct demo_counts *out,
	     struct mc_error *err)
{
	struct demo_counts counts;
	memset(&counts, 0, sizeof counts);
	if (o->educators < 1 && o->submissions < 1)
		return mc_error_set(err, MC_USAGE, "demo: --educators must be at least 1");
	struct gen g = { .s = s, .o = o, .c = &counts, .target = o->submissions > 0 ? o->submissions : 0 };
	if (mc_time_parse(DEMO_BASE_DATE, &g.base) != 0)
		return mc_error_set(err, MC_FAIL, "internal error: bad demo base date");
	/* Read the word lists before touching the database. */
	if (data_load(&g.d, err) != MC_OK)
		return MC_FAIL;

	int yes = 0, resume = 0;
	int rc = setup_is_initialised(s, &yes, err);
	if (rc == MC_OK && yes)
		rc = unfinished(s, o, &resume, err);
	if (rc == MC_OK && !yes) {
		/* A new database: refuse before initialising if it somehow holds submissions. */
		rc = refuse_if_filled(&g, err);
		if (rc == MC_OK)
			rc = setup_init(s, err);
	}
	if (rc == MC_OK)
		rc = people_require(s, ROLE_ADMIN, "fill the database with demo data", err);
	if (rc == MC_OK)
		rc = store_demo_bulk(s, 1, err);
	if (rc == MC_OK && (rc = store_begin(s, err)) == MC_OK) {
		rc = store_demo_defer(s, &g.deferred, err);
		if (rc == MC_OK)
			rc = fill(&g, resume, err);
		if (rc == MC_OK)
			rc = store_demo_catch_up(s, &g.deferred, err);
		if (rc == MC_OK)
			rc = store_precheck_catch_up(s, NULL, err); /* hashes for the copy pre-check */
		if (rc == MC_OK) /* the first search finds the index built, its segments merged */
			rc = index_catch_up(s, 1, err);
		if (rc == MC_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	store_demo_deferred_free(&g.deferred); /* after a failure: the rollback put the triggers back */
	store_demo_bulk(s, 0, NULL);
	if (rc == MC_OK && o->progress)
		o->progress(o->progress_ctx, g.written, g.written);
	store_demo_catalog_free(&g.creds, g.ncreds);
	free(g.cred_weight);
	free(g.level_at);
	free(g.level_at2);
	free(g.level_at3);
	world_free(&g);
	mc_buf_free(&g.text);
	mc_buf_free(&g.piece);
	mc_buf_free(&g.body);
	data_free(&g.d);
	if (out)
		*out = counts;
	return rc;
}
