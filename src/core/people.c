/* people.c: who may do what. A person is an OS account with a role. */
#include "config.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "mcassess/assign_rules.h"
#include "mcassess/audit.h"
#include "mcassess/people.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_people.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

void people_list_free(struct person **list, int n)
{
	if (!list || !*list)
		return;
	for (int i = 0; i < n; i++)
		people_free(&(*list)[i]);
	free(*list);
	*list = NULL;
}

int people_user_ok(const char *user)
{
	size_t n = user ? strlen(user) : 0;
	if (n == 0 || n > 32 || !((user[0] >= 'a' && user[0] <= 'z') || user[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = user[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* "an assessor", "an admin", "a coordinator" */
static const char *with_article(enum people_role r)
{
	switch (r) {
	case ROLE_ASSESSOR: return "an assessor";
	case ROLE_APPROVER: return "an approver";
	case ROLE_COORDINATOR: return "a coordinator";
	case ROLE_ADMIN: return "an admin";
	default: return "not a person in this database";
	}
}

/* The name (GECOS, up to the first comma) and e-mail of an existing account. */
static void account_details(const char *user, char **name, char **email)
{
	*name = mc_xstrdup("");
	*email = mc_xstrdup("");
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return;
	const char *g = pw->pw_gecos ? pw->pw_gecos : "";
	free(*name);
	*name = mc_xstrndup(g, strcspn(g, ","));
	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		free(*email);
		*email = mc_xasprintf("%s@%s", user, host);
	}
}

static char *person_json(const struct person *p)
{
	json_t *o = json_pack("{s:s, s:o}", "role", people_role_name(p->role), "district",
			      p->district ? json_string(p->district) : json_null());
	return audit_json(o);
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* people_set_in_tx, with the name and e-mail given (people import) or, NULL,
 * taken from the account. */
static int set_in_tx(struct store *s, const char *user, enum people_role role, const char *district,
		     const char *name, const char *email, enum people_change *what, struct mc_error *err)
{
	enum people_change dummy;
	if (!what)
		what = &dummy;
	*what = PEOPLE_UNCHANGED;
	if (!people_user_ok(user))
		return mc_error_set(err, MC_INVALID, "people: '%s' is not a login name (lower-case letters, "
				    "digits, '_', '.' and '-', starting with a letter or '_', at most 32)", user);
	if (role == ROLE_NONE)
		return mc_error_set(err, MC_USAGE, "people: unknown role (expected assessor, approver, coordinator or admin)");
	if (district && (!*district || strlen(district) > 200))
		return mc_error_set(err, MC_INVALID, "people: a district name must have 1 to 200 characters");
	struct person old;
	int found, rc;
	if ((rc = store_people_get(s, user, &old, &found, err)) != MC_OK)
		return rc;
	struct person p = { .user = (char *)user, .role = role,
			    .district = (char *)(district ? district : found ? old.district : NULL) };
	if (found && old.role == role && same(p.district, old.district) && (!name || same(name, old.name)) &&
	    (!email || same(email, old.email))) {
		people_free(&old);
		return MC_OK;
	}
	if (found && old.role == ROLE_ADMIN && role != ROLE_ADMIN) {
		int admins = 0;
		if ((rc = store_people_count(s, "admin", &admins, err)) != MC_OK)
			goto out;
		if (admins <= 1) {
			rc = mc_error_set(err, MC_FAIL, "people: %s is the only admin; make someone else admin "
					  "first, so the database keeps one", user);
			goto out;
		}
	}
	if (name && email) {
		p.name = mc_xstrdup(name);
		p.email = mc_xstrdup(email);
	} else
		account_details(user, &p.name, &p.email);
	char now[MC_TIME_LEN];
	mc_now(now);
	rc = store_people_put(s, &p, now, err);
	if (rc == MC_OK) {
		char *subject = mc_xasprintf("person:%s", user);
		char *before = found ? person_json(&old) : NULL;
		char *after = person_json(&p);
		rc = audit_append(s, "people", subject, before, after, err);
		free(subject);
		free(before);
		free(after);
	}
	free(p.name);
	free(p.email);
	if (rc == MC_OK)
		*what = found ? PEOPLE_CHANGED : PEOPLE_ADDED;
out:
	people_free(&old);
	return rc;
}

int people_set_in_tx(struct store *s, const char *user, enum people_role role, const char *district,
		     enum people_change *what, struct mc_error *err)
{
	return set_in_tx(s, user, role, district, NULL, NULL, what, err);
}

int people_take_in_tx(struct store *s, const struct person *p, struct mc_error *err)
{
	return set_in_tx(s, p->user, p->role, p->district, p->name ? p->name : "", p->email ? p->email : "", NULL,
			 err);
}

int people_set(struct store *s, const char *user, enum people_role role, const char *district,
	       enum people_change *what, struct mc_error *err)
{
	if (what)
		*what = PEOPLE_UNCHANGED;
	if (!people_user_ok(user))
		return people_set_in_tx(s, user, role, district, what, err); /* the message */
	if (role == ROLE_NONE)
		return mc_error_set(err, MC_USAGE, "people: unknown role (expected assessor, approver, coordinator or admin)");
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	int n = 0;
	rc = store_people_count(s, NULL, &n, err);
	/* The very first person may be added by anyone: that is how a database gets its admin. */
	if (rc == MC_OK && n > 0)
		rc = people_require(s, ROLE_ADMIN, "adding or changing people", err);
	if (rc == MC_OK)
		rc = people_set_in_tx(s, user, role, district, what, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		if (what)
			*what = PEOPLE_UNCHANGED;
	}
	return rc;
}

int people_add(struct store *s, const char *user, enum people_role role, const char *district,
	       struct mc_error *err)
{
	return people_set(s, user, role, district, NULL, err);
}

int people_role(struct store *s, const char *user, enum people_role *out, struct mc_error *err)
{
	struct person p;
	int found;
	*out = ROLE_NONE;
	int rc = store_people_get(s, user, &p, &found, err);
	if (rc == MC_OK && found)
		*out = p.role;
	people_free(&p);
	return rc;
}

int people_require(struct store *s, enum people_role min, const char *doing, struct mc_error *err)
{
	enum people_role have;
	const char *me = session_user(s);
	int rc = people_role(s, me, &have, err);
	if (rc != MC_OK)
		return rc;
	if (have >= min)
		return MC_OK;
	return mc_error_set(err, MC_FAIL, "%s needs %s%s, and you (%s) are %s; ask an admin to run "
			    "'mcassess people add %s --role %s'", doing, with_article(min),
			    min < ROLE_ADMIN ? " or higher" : "", me, with_article(have), me,
			    people_role_name(min));
}

int people_list(struct store *s, struct person **out, int *n, struct mc_error *err)
{
	int rc = store_people_list(s, out, n, err);
	if (rc != MC_OK)
		people_list_free(out, *n);
	return rc;
}

/* ---------------------------------------------------------------- remove */

static int remove_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	const char *user = ctx;
	struct person old;
	int found, rc = people_require(s, ROLE_ADMIN, "removing people", err);
	if (rc == MC_OK)
		rc = store_people_get(s, user, &old, &found, err);
	if (rc != MC_OK)
		return rc;
	int admins = 0, open = 0;
	char *ids = NULL;
	if (!found)
		rc = mc_error_set(err, MC_INVALID, "people: no person '%s' (see 'mcassess people list')", user);
	else if (old.role == ROLE_ADMIN && (rc = store_people_count(s, "admin", &admins, err)) == MC_OK &&
		 admins <= 1)
		rc = mc_error_set(err, MC_FAIL, "people: %s is the only admin; make someone else admin first, "
				  "so the database keeps one", user);
	else if (rc == MC_OK && (rc = store_people_open_work(s, user, &open, &ids, err)) == MC_OK && open > 0)
		rc = mc_error_set(err, MC_FAIL, "people: %s still has %d open submission%s assigned (%s%s); "
				  "assign %s to someone else first", user, open, open == 1 ? "" : "s", ids,
				  open > 10 ? ", ..." : "", open == 1 ? "it" : "them");
	char now[MC_TIME_LEN];
	mc_now(now);
	if (rc == MC_OK)
		rc = store_people_remove(s, user, now, err);
	if (rc == MC_OK) {
		char *subject = mc_xasprintf("person:%s", user);
		char *before = person_json(&old);
		rc = audit_append(s, "people", subject, before, NULL, err);
		free(subject);
		free(before);
	}
	free(ids);
	if (found)
		people_free(&old);
	return rc;
}

int people_remove_in_tx(struct store *s, const char *user, struct mc_error *err)
{
	return remove_in_tx(s, (void *)user, err);
}

int people_remove(struct store *s, const char *user, struct mc_error *err)
{
	return store_transact(s, remove_in_tx, (void *)user, err);
}

/* ---------------------------------------------------------------- import */

enum { PI_USER, PI_NAME, PI_EMAIL, PI_ROLE, PI_DISTRICT, PI_NCOLS };
static const char *const PI_COLS[PI_NCOLS] = { "user", "name", "email", "role", "district" };
/* Optional columns after district: a person's links to their own work (assign_rules.h). */
#define PI_NOPT 2
static const char *const PI_OPT[PI_NOPT] = { "cohort", "educator" };
#define PI_MAXCOLS (PI_NCOLS + PI_NOPT)

struct pi_csv {
	char *f[PI_MAXCOLS];
	int nf, extra;
	long line;
	int (*row)(struct pi_csv *c);
	int rc;
};

static void pi_field(void *data, size_t len, void *ctx)
{
	struct pi_csv *c = ctx;
	if (c->nf < PI_MAXCOLS)
		c->f[c->nf] = mc_xstrndup(data ? data : "", len);
	else
		c->extra = 1;
	c->nf++;
}

static void pi_fields_free(struct pi_csv *c)
{
	for (int i = 0; i < PI_MAXCOLS; i++) {
		free(c->f[i]);
		c->f[i] = NULL;
	}
	c->nf = c->extra = 0;
}

static void pi_record(int term, void *ctx)
{
	(void)term;
	struct pi_csv *c = ctx;
	c->line++;
	if (c->rc == MC_OK)
		c->rc = c->row(c);
	pi_fields_free(c);
}

struct pi {
	struct pi_csv csv;
	struct store *s;
	const char *file;
	struct mc_error *err;
	struct people_import_result *out;
	const char *text;
	size_t len;
	int ncols;                   /* the header's */
	const char *opt[PI_NOPT];    /* the optional columns' names, in the header's order */
};

static int pi_bad(struct pi *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pi_bad(struct pi *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = mc_xvasprintf(fmt, ap);
	va_end(ap);
	int rc = mc_error_at(x->err, MC_INVALID, x->file, x->csv.line, 0, "%s", msg);
	free(msg);
	return rc;
}

static int pi_header(struct pi *x)
{
	for (int i = 0; i < PI_NCOLS; i++)
		if (i >= x->csv.nf || strcmp(x->csv.f[i], PI_COLS[i]) != 0)
			return pi_bad(x, "the header must be 'user,name,email,role,district' (column '%s' is "
				      "missing or out of place)", PI_COLS[i]);
	x->ncols = PI_NCOLS;
	for (int i = PI_NCOLS; i < x->csv.nf && !x->csv.extra; i++) {
		const char *name = NULL;
		for (int k = 0; k < PI_NOPT; k++)
			if (strcmp(x->csv.f[i], PI_OPT[k]) == 0)
				name = PI_OPT[k];
		for (int k = PI_NCOLS; name && k < i; k++)
			if (x->opt[k - PI_NCOLS] == name)
				return pi_bad(x, "the header has the column '%s' twice", name);
		if (!name)
			return pi_bad(x, "the header's column '%s': after 'district' only 'cohort' and 'educator' "
				      "may come", x->csv.f[i]);
		x->opt[i - PI_NCOLS] = name;
		x->ncols++;
	}
	return x->csv.extra ? pi_bad(x, "the header has more columns than user,name,email,role,district,"
				     "cohort,educator") : MC_OK;
}

/* The optional columns of a row: each link set and audited (assign_rules.h). */
static int pi_links(struct pi *x, enum people_change *what)
{
	struct pi_csv *c = &x->csv;
	int rc = MC_OK;
	for (int i = PI_NCOLS; rc == MC_OK && i < x->ncols; i++)
		rc = assign_rules_link_in_tx(x->s, c->f[PI_USER], x->opt[i - PI_NCOLS], c->f[i], what, x->err);
	return rc;
}

/* A cohort is one of a district's: a row with a cohort names its district. */
static int pi_cohort_ok(struct pi *x)
{
	struct pi_csv *c = &x->csv;
	for (int i = PI_NCOLS; i < x->ncols; i++)
		if (x->opt[i - PI_NCOLS] == PI_OPT[0] && *c->f[i] && !*c->f[PI_DISTRICT])
			return pi_bad(x, "column 'cohort': '%s' needs the person's district (a cohort is one "
				      "of a district's)", c->f[i]);
	return MC_OK;
}

/* What a changed line changed: "role assessor -> coordinator; district North -> South; name; e-mail". */
static char *pi_detail(const struct person *old, const struct person *now)
{
	struct mc_buf b = MC_BUF_INIT;
	if (old->role != now->role)
		mc_buf_printf(&b, "; role %s -> %s", people_role_name(old->role), people_role_name(now->role));
	if (!same(old->district, now->district))
		mc_buf_printf(&b, "; district %s -> %s", old->district ? old->district : "none",
			      now->district ? now->district : "none");
	if (!same(old->name, now->name))
		mc_buf_adds(&b, "; name");
	if (!same(old->email, now->email))
		mc_buf_adds(&b, "; e-mail");
	char *d = mc_xstrdup(b.len > 2 ? mc_buf_str(&b) + 2 : "");
	mc_buf_free(&b);
	return d;
}

/* One person's row: checked, then set (in the import's transaction). */
static int pi_person(struct pi *x)
{
	struct pi_csv *c = &x->csv;
	if (c->nf != x->ncols)
		return pi_bad(x, "%d fields, but the header has %d columns", c->nf, x->ncols);
	size_t bad;
	for (int i = 0; i < x->ncols; i++)
		if (strpbrk(c->f[i], "\r\n") || !text_utf8_valid(c->f[i], strlen(c->f[i]), &bad))
			return pi_bad(x, "column '%s': one line of UTF-8 text, please",
				      i < PI_NCOLS ? PI_COLS[i] : x->opt[i - PI_NCOLS]);
	enum people_role role = people_role_parse(c->f[PI_ROLE]);
	if (role == ROLE_NONE)
		return pi_bad(x, "column 'role': '%s' is not a role (assessor, coordinator or admin)",
			      c->f[PI_ROLE]);
	if (*c->f[PI_EMAIL] && !strchr(c->f[PI_EMAIL], '@'))
		return pi_bad(x, "column 'email': '%s' is not an e-mail address", c->f[PI_EMAIL]);
	for (int i = 0; i < x->out->n; i++)
		if (strcmp(x->out->lines[i].user, c->f[PI_USER]) == 0)
			return pi_bad(x, "column 'user': %s is already on line %ld", c->f[PI_USER],
				      x->out->lines[i].line);
	if (pi_cohort_ok(x) != MC_OK)
		return MC_INVALID;
	enum people_change what;
	struct person old, now;
	int found;
	int rc = store_people_get(x->s, c->f[PI_USER], &old, &found, x->err);
	if (rc == MC_OK)
		rc = set_in_tx(x->s, c->f[PI_USER], role, *c->f[PI_DISTRICT] ? c->f[PI_DISTRICT] : NULL,
			       c->f[PI_NAME], c->f[PI_EMAIL], &what, x->err);
	if (rc == MC_OK)
		rc = pi_links(x, &what);
	if (rc == MC_OK)
		rc = store_people_get(x->s, c->f[PI_USER], &now, &found, x->err);
	if (rc != MC_OK) {
		people_free(&old);
		mc_error_prefix(x->err, "%s:%ld", x->file, c->line);
		return rc == MC_FAIL ? MC_INVALID : rc;
	}
	x->out->lines = mc_xrealloc(x->out->lines, (size_t)(x->out->n + 1) * sizeof *x->out->lines);
	x->out->lines[x->out->n++] = (struct people_import_line){ c->line, mc_xstrdup(c->f[PI_USER]), what,
		what == PEOPLE_CHANGED ? pi_detail(&old, &now) : NULL };
	people_free(&old);
	people_free(&now);
	x->out->added += what == PEOPLE_ADDED;
	x->out->changed += what == PEOPLE_CHANGED;
	x->out->unchanged += what == PEOPLE_UNCHANGED;
	return MC_OK;
}

static int pi_row(struct pi_csv *c)
{
	struct pi *x = (struct pi *)c; /* csv is the first member */
	if (c->nf == 1 && !*c->f[0])
		return MC_OK; /* a blank line */
	return c->line == 1 ? pi_header(x) : pi_person(x);
}

static int pi_parse(struct pi *x, const char *text, size_t len)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return mc_error_set(x->err, MC_FAIL, "out of memory");
	size_t off = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a UTF-8 BOM */
	if (csv_parse(&p, text + off, len - off, pi_field, pi_record, &x->csv) != len - off ||
	    csv_fini(&p, pi_field, pi_record, &x->csv) != 0) {
		if (x->csv.rc == MC_OK)
			x->csv.rc = mc_error_at(x->err, MC_INVALID, x->file, x->csv.line + 1, 0,
						"malformed CSV: %s", csv_strerror(csv_error(&p)));
	}
	csv_free(&p);
	pi_fields_free(&x->csv);
	if (x->csv.rc == MC_OK && x->csv.line < 1)
		return mc_error_at(x->err, MC_INVALID, x->file, 0, 0, "the file is empty; nothing to import");
	return x->csv.rc;
}

static int import_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	struct pi *x = ctx;
	int rc = people_require(s, ROLE_ADMIN, "adding or changing people", err);
	return rc == MC_OK ? pi_parse(x, x->text, x->len) : rc;
}

int people_import(struct store *s, const char *file, const char *text, size_t len,
		  struct people_import_result *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct pi x = { .csv = { .row = pi_row }, .s = s, .file = file, .err = err, .out = out,
			.text = text, .len = len };
	int rc = store_transact(s, import_in_tx, &x, err);
	if (rc != MC_OK)
		people_import_result_free(out);
	return rc;
}

void people_import_result_free(struct people_import_result *r)
{
	for (int i = 0; i < r->n; i++) {
		free(r->lines[i].user);
		free(r->lines[i].detail);
	}
	free(r->lines);
	memset(r, 0, sizeof *r);
}
