/* badges.c: Open Badges 3.0 export (see badges.h). The credential follows the
 * OB 3.0 data model on the VC 2.0 base; the VC-JWT follows OB 3.0's "JSON Web
 * Token Proof Format": the credential's members are the JWT claims set, plus
 * iss = issuer.id, sub = credentialSubject.id, nbf = validFrom, jti = id. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/badges.h"
#include "mcassess/hash.h"
#include "mcassess/jwt.h"
#include "mcassess/people.h"
#include "mcassess/priv.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

#define VC2_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define OB3_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

/* ---------------------------------------------------------------- the issuer's settings */
static const char *const issuer_fields[] = { "id", "name", "url" };

static int issuer_field(const char *field)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(field, issuer_fields[i]) == 0)
			return i;
	return -1;
}

int badges_issuer_get(struct store *s, struct badges_issuer *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	char **v[] = { &out->id, &out->name, &out->url };
	for (int i = 0; i < 3; i++) {
		char key[32];
		snprintf(key, sizeof key, "issuer_%s", issuer_fields[i]);
		if (store_meta_get(s, key, v[i], err) != MC_OK) {
			badges_issuer_free(out);
			return MC_FAIL;
		}
	}
	return MC_OK;
}

void badges_issuer_free(struct badges_issuer *i)
{
	free(i->id);
	free(i->name);
	free(i->url);
	memset(i, 0, sizeof *i);
}

/* An absolute http(s) URL with a host and no spaces, quotes or controls. */
static int url_ok(const char *v)
{
	size_t skip = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;
	if (!skip || !v[skip] || v[skip] == '/')
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"<>\\^`{|}", *p))
			return 0;
	return 1;
}

static int name_ok(const char *v)
{
	json_t *j = json_string(v); /* NULL unless valid UTF-8 */
	json_decref(j);
	if (!j || !*v || strlen(v) > 200)
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return 0;
	return 1;
}

static char *setting_json(const char *v)
{
	json_t *o = json_pack("{s:o}", "value", v ? json_string(v) : json_null());
	char *t = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!t)
		abort(); /* out of memory */
	return t;
}

static int issuer_set_in_tx(struct store *s, const char *key, const char *value, int *changed,
			    struct mc_error *err)
{
	char *was = NULL;
	int rc = people_require(s, ROLE_ADMIN, "set the badge issuer", err);
	if (rc == MC_OK)
		rc = store_meta_get(s, key, &was, err);
	if (rc == MC_OK && !(was && strcmp(was, value) == 0)) {
		char *before = setting_json(was), *after = setting_json(value);
		char *subject = mc_xasprintf("setting:%s", key);
		rc = store_meta_set(s, key, value, err);
		if (rc == MC_OK)
			rc = audit_append(s, "config", subject, before, after, err);
		*changed = rc == MC_OK;
		free(subject);
		free(before);
		free(after);
	}
	free(was);
	return rc;
}

int badges_issuer_set(struct store *s, const char *field, const char *value, int *changed,
		      struct mc_error *err)
{
	*changed = 0;
	int f = issuer_field(field);
	if (f < 0)
		return mc_error_set(err, MC_USAGE, "the issuer has an id, a name and a url, not '%s'", field);
	if (f != 1 && !url_ok(value))
		return mc_error_set(err, MC_INVALID, "issuer %s: '%s' is not a web address "
				    "(https://… with no spaces)", field, value);
	if (f == 1 && !name_ok(value))
		return mc_error_set(err, MC_INVALID, "issuer name: give one line of text, at most 200 bytes");
	char key[32];
	snprintf(key, sizeof key, "issuer_%s", field);
	if (store_begin(s, err) != MC_OK)
		return MC_FAIL;
	int rc = issuer_set_in_tx(s, key, value, changed, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*changed = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- the key */
char *badges_key_path(const struct store *s)
{
	return mc_xasprintf("%s.issuer-key", store_path(s));
}

/* Write text to a new file beside `path`, mode 0600, synced; *tmp (heap) names it. */
static int write_private(const char *path, const char *text, char **tmp, struct mc_error *err)
{
	*tmp = mc_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(*tmp);
	if (fd < 0) {
		int e = errno;
		free(*tmp);
		*tmp = NULL;
		return mc_error_set(err, MC_FAIL, "%s: cannot write the key there: %s", path, strerror(e));
	}
	size_t len = strlen(text);
	int ok = fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	if (close(fd) != 0 || !ok) {
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return mc_error_set(err, MC_FAIL, "%s: cannot write the key: %s", path, strerror(e));
	}
	return MC_OK;
}

static int key_audit_in_tx(struct store *s, const struct jwt_key *k, const char *old_kid,
			   struct mc_error *err)
{
	int rc = people_require(s, ROLE_ADMIN, "make the badge issuer's key", err);
	if (rc != MC_OK)
		return rc;
	char *before = old_kid ? mc_xasprintf("{\"kid\":\"%s\"}", old_kid) : NULL;
	char *after = mc_xasprintf("{\"kid\":\"%s\",\"bits\":%u}", jwt_key_id(k), jwt_key_bits(k));
	rc = audit_append(s, "issuer-key", "setting:issuer_key", before, after, err);
	free(before);
	free(after);
	return rc;
}

/* Put the written key in place: link, refusing an existing key, or (replace)
 * rename over it, keeping the old one as `backup` (*kept = 1) until the
 * transaction has committed. */
static int key_install(const char *tmp, const char *path, int replace, const char *backup, int *kept,
		       struct mc_error *err)
{
	*kept = 0;
	if (replace) {
		unlink(backup); /* left by an earlier attempt that was cut short */
		*kept = link(path, backup) == 0;
		if (!*kept && errno != ENOENT)
			return mc_error_set(err, MC_FAIL, "%s: cannot keep the old key aside: %s", backup,
					    strerror(errno));
	}
	if (replace ? rename(tmp, path) == 0 : link(tmp, path) == 0)
		return MC_OK;
	if (errno == EEXIST)
		return mc_error_set(err, MC_FAIL, "%s: the issuer already has a key; badges signed with it "
				    "verify only with it (to make a new one anyway: issuer key new --replace)", path);
	return mc_error_set(err, MC_FAIL, "%s: cannot put the key in place: %s", path, strerror(errno));
}

/* Write the key, audit it and put it in place, all or nothing. */
static int key_store(struct store *s, const struct jwt_key *k, const struct jwt_key *old, int replace,
		     struct mc_error *err)
{
	char *path = badges_key_path(s), *backup = mc_xasprintf("%s.replaced", path), *tmp = NULL;
	char *text = jwt_key_private_jwk(k);
	int kept = 0, placed = 0;
	int rc = write_private(path, text, &tmp, err);
	if (rc == MC_OK && (rc = store_begin(s, err)) == MC_OK) {
		rc = key_audit_in_tx(s, k, old ? jwt_key_id(old) : NULL, err);
		if (rc == MC_OK)
			rc = key_install(tmp, path, replace, backup, &kept, err);
		placed = rc == MC_OK;
		if (rc == MC_OK)
			rc = store_commit(s, err);
		if (rc != MC_OK) {
			store_rollback(s);
			if (placed && kept)
				rename(backup, path); /* the audit row is gone: the old key comes back */
			else if (placed)
				unlink(path);
		}
	}
	if (kept)
		unlink(backup);
	if (tmp)
		unlink(tmp);
	explicit_bzero(text, strlen(text));
	free(text);
	free(tmp);
	free(backup);
	free(path);
	return rc;
}

int badges_key_new(struct store *s, unsigned bits, int replace, char **kid, struct mc_error *err)
{
	*kid = NULL;
	struct jwt_key *k = NULL, *old = NULL;
	if (people_require(s, ROLE_ADMIN, "make the badge issuer's key", err) != MC_OK)
		return MC_FAIL;
	if (replace && badges_key_load(s, &old, NULL) != MC_OK)
		old = NULL; /* nothing usable to replace: the audit says so */
	int rc = jwt_key_generate(bits, &k, err);
	if (rc == MC_OK)
		rc = key_store(s, k, old, replace, err);
	if (rc == MC_OK)
		*kid = mc_xstrdup(jwt_key_id(k));
	jwt_key_free(&k);
	jwt_key_free(&old);
	return rc;
}

int badges_key_load(struct store *s, struct jwt_key **out, struct mc_error *err)
{
	*out = NULL;
	char *path = badges_key_path(s), *text = NULL;
	struct stat st;
	size_t len;
	int rc = MC_OK;
	if (stat(path, &st) != 0)
		rc = errno == ENOENT ? mc_error_set(err, MC_FAIL, "the badge issuer has no key yet: an admin "
						    "makes one with 'mcassess issuer key new'")
				     : mc_error_set(err, MC_FAIL, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode) || (st.st_mode & 077))
		rc = mc_error_set(err, MC_FAIL, "%s: the issuer's key must be a file only its owner can read "
				  "(chmod 600 %s)", path, path);
	else if (mc_read_file(path, &text, &len) != 0)
		rc = mc_error_set(err, MC_FAIL, "%s: cannot read the key: %s", path, strerror(errno));
	else
		rc = jwt_key_from_jwk(text, path, out, err);
	if (text)
		explicit_bzero(text, strlen(text));
	free(text);
	free(path);
	return rc;
}

/* ---------------------------------------------------------------- the credential */
/* "urn:uuid:" and a name-based UUID (version 8) from SHA-256 of the parts. */
static char *urn_uuid(const char *a, const char *b, const char *c)
{
	struct mc_sha256 h;
	char hex[MC_SHA256_HEX];
	mc_sha256_init(&h);
	const char *parts[] = { a, "\n", b, "\n", c };
	for (int i = 0; i < 5; i++)
		mc_sha256_update(&h, parts[i], strlen(parts[i]));
	mc_sha256_final(&h, hex);
	hex[12] = '8';
	int v = hex[16] <= '9' ? hex[16] - '0' : hex[16] - 'a' + 10;
	hex[16] = "89ab"[v & 3]; /* the RFC 9562 variant */
	return mc_xasprintf("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* Percent-encode all but RFC 3986's unreserved characters. */
static void add_pct(struct mc_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			mc_buf_addc(b, (char)*p);
		else
			mc_buf_printf(b, "%%%02X", *p);
	}
}

struct narrative {
	struct mc_buf text;
	char *part;
};

static void narrative_criterion(void *ctx, const struct badges_criterion *c)
{
	struct narrative *n = ctx;
	if (!n->part || strcmp(n->part, c->part) != 0) {
		free(n->part);
		n->part = mc_xstrdup(c->part);
		mc_buf_printf(&n->text, "\n## %s\n\n", c->part);
	}
	mc_buf_printf(&n->text, "- %s. %s (met at: %s)\n", c->code, c->text,
		      c->passing ? c->passing : "no passing level");
}

static char *criteria_narrative(struct store *s, const struct badges_row *r, struct mc_error *err)
{
	struct narrative n = { { 0 }, NULL };
	mc_buf_printf(&n.text, "Earned by submitting evidence that an assessor scored against version %d "
		      "of the %s rubric, with every criterion below met at a passing level.\n",
		      r->rubric_version, r->credential);
	int rc = store_badges_criteria(s, r->rubric_id, narrative_criterion, &n, err);
	free(n.part);
	if (rc != MC_OK) {
		mc_buf_free(&n.text);
		return NULL;
	}
	return mc_buf_steal(&n.text);
}

struct exporter {
	struct store *s;
	const struct badges_options *o;
	struct badges_issuer issuer;
	struct jwt_key *key;
	const char *dir;
	char *header;           /* the JWT header, the same for every badge */
	char *staging;          /* dir/.badges.XXXXXX: the files written, under their own names,
				 * until all are (no list of names: a million badges would hold
				 * two million) */
	long n;
	struct mc_error *err;
};

static json_t *issuer_profile(const struct badges_issuer *i)
{
	json_t *p = json_pack("{s:s, s:[s], s:s}", "id", i->id, "type", "Profile", "name", i->name);
	if (i->url)
		json_object_set_new(p, "url", json_string(i->url));
	return p;
}

static json_t *achievement(const struct exporter *x, const struct badges_row *r, const char *narrative)
{
	struct mc_buf id = { 0 };
	size_t n = strlen(x->issuer.id);
	mc_buf_add(&id, x->issuer.id, n && x->issuer.id[n - 1] == '/' ? n - 1 : n);
	mc_buf_adds(&id, "/achievements/");
	add_pct(&id, r->credential);
	mc_buf_printf(&id, "/v%d", r->rubric_version);
	json_t *a = json_pack("{s:s, s:[s], s:s, s:s, s:s, s:{s:s}, s:s}", "id", mc_buf_str(&id),
			      "type", "Achievement", "achievementType", "MicroCredential", "name", r->title,
			      "description", r->competency, "criteria", "narrative", narrative,
			      "humanCode", r->credential);
	mc_buf_free(&id);
	return a;
}

/* The recipient as OB 3.0's IdentityObject: sha256$hex(identifier + salt). The
 * educator table holds no e-mail address: the identifier is the submission
 * platform's educator id. */
static json_t *recipient(const struct exporter *x, const struct badges_row *r)
{
	char salt[MC_SHA256_HEX], hash[MC_SHA256_HEX];
	char *seed = mc_xasprintf("salt\n%s\n%s", jwt_key_id(x->key), r->submission);
	mc_sha256_hex(seed, strlen(seed), salt);
	salt[32] = '\0';
	char *salted = mc_xasprintf("%s%s", r->educator_id, salt);
	mc_sha256_hex(salted, strlen(salted), hash);
	char *identity = mc_xasprintf("sha256$%s", hash);
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "type", "IdentityObject", "identityHash", identity,
			      "identityType", "identifier", "hashed", 1, "salt", salt);
	free(identity);
	free(salted);
	free(seed);
	return o;
}

static json_t *evidence(const struct badges_row *r)
{
	char *name = mc_xasprintf("Submission %s", r->submission);
	char *narrative = mc_xasprintf("Submission %s, attempt %d at %s, submitted %s; scored against "
				       "version %d of its rubric and decided earned %s.", r->submission,
				       r->attempt, r->credential, r->submitted_at, r->rubric_version,
				       r->decided_at);
	json_t *e = json_pack("[{s:[s], s:s, s:s}]", "type", "Evidence", "name", name, "narrative", narrative);
	free(name);
	free(narrative);
	return e;
}

static json_t *credential(const struct exporter *x, const struct badges_row *r, const char *narrative)
{
	char *id = urn_uuid(x->issuer.id, "credential", r->submission);
	char *subject = urn_uuid(x->issuer.id, "recipient", r->educator_anon);
	json_t *c = json_pack("{s:[s,s], s:s, s:[s,s], s:o, s:s, s:s, s:{s:s, s:[s], s:[o], s:o}, s:o}",
			      "@context", VC2_CONTEXT, OB3_CONTEXT, "id", id,
			      "type", "VerifiableCredential", "OpenBadgeCredential",
			      "issuer", issuer_profile(&x->issuer), "validFrom", r->decided_at, "name", r->title,
			      "credentialSubject", "id", subject, "type", "AchievementSubject",
			      "identifier", recipient(x, r), "achievement", achievement(x, r, narrative),
			      "evidence", evidence(r));
	free(id);
	free(subject);
	return c; /* NULL when some text is not UTF-8 */
}

/* The VC-JWT claims: the credential's members and the registered claims mapped from them. */
static char *jwt_payload(json_t *c, const char *decided_at)
{
	json_t *p = json_deep_copy(c);
	time_t nbf = 0;
	mc_time_parse(decided_at, &nbf);
	json_object_set(p, "iss", json_object_get(json_object_get(c, "issuer"), "id"));
	json_object_set(p, "sub", json_object_get(json_object_get(c, "credentialSubject"), "id"));
	json_object_set_new(p, "nbf", json_integer((json_int_t)nbf));
	json_object_set(p, "jti", json_object_get(c, "id"));
	char *t = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(p);
	return t;
}

/* ---------------------------------------------------------------- the files */
/* Write `text` as `name` in the staging directory, to be moved into the
 * directory at the end. */
static int stage(struct exporter *x, const char *name, const char *text)
{
	char *path = mc_xasprintf("%s/%s", x->staging, name);
	priv_user_begin(); /* the person's files, made with their rights */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, priv_file_mode(0666));
	size_t len = strlen(text);
	int ok = fd >= 0 && fchmod(fd, priv_file_mode(0666)) == 0 &&
		 write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = 0;
		e = errno;
	}
	priv_user_end();
	free(path);
	if (!ok) {
		char *final = mc_xasprintf("%s/%s", x->dir, name);
		mc_error_set(x->err, MC_FAIL, "%s: cannot write: %s", final, strerror(e));
		free(final);
		return MC_FAIL;
	}
	return MC_OK;
}

static int stage_json(struct exporter *x, const char *name, json_t *j)
{
	char *t = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!t)
		abort(); /* out of memory */
	char *text = mc_xasprintf("%s\n", t);
	free(t);
	int rc = stage(x, name, text);
	free(text);
	return rc;
}

/* A submission id is used as a file name: refuse one that could leave the directory. */
static int file_name_ok(const char *id)
{
	return *id && *id != '.' && !strchr(id, '/') && strlen(id) <= 200;
}

static int badge(void *ctx, const struct badges_row *r)
{
	struct exporter *x = ctx;
	if (!file_name_ok(r->submission)) {
		mc_error_set(x->err, MC_FAIL, "submission '%s': its id cannot be a file name (a '/' or a "
			     "leading '.'); no badges were written", r->submission);
		return 1;
	}
	char *narrative = criteria_narrative(x->s, r, x->err);
	if (!narrative)
		return 1;
	json_t *c = credential(x, r, narrative);
	free(narrative);
	if (!c) {
		mc_error_set(x->err, MC_FAIL, "submission %s: its credential's texts are not all UTF-8; "
			     "no badges were written", r->submission);
		return 1;
	}
	char *payload = jwt_payload(c, r->decided_at);
	char *jwt = jwt_sign(x->key, x->header, payload);
	char *jwt_line = mc_xasprintf("%s\n", jwt);
	char *json_name = mc_xasprintf("%s.json", r->submission), *jwt_name = mc_xasprintf("%s.jwt", r->submission);
	int rc = stage_json(x, json_name, c);
	if (rc == MC_OK)
		rc = stage(x, jwt_name, jwt_line);
	free(json_name);
	free(jwt_name);
	free(jwt_line);
	free(jwt);
	free(payload);
	if (rc != MC_OK)
		return 1;
	x->n++;
	if (x->o && x->o->progress && x->n % 25 == 0)
		x->o->progress(x->o->progress_ctx, x->n);
	return 0;
}

/* Each staged file renamed into the directory, read back from the staging
 * directory until it is empty (entries leave it as they are renamed). */
static int put_in_place(struct exporter *x)
{
	int rc = MC_OK, moved = 1;
	priv_user_begin();
	while (rc == MC_OK && moved) {
		DIR *d = opendir(x->staging);
		struct dirent *de;
		moved = 0;
		if (!d)
			rc = mc_error_set(x->err, MC_FAIL, "%s: cannot read it: %s", x->staging, strerror(errno));
		while (rc == MC_OK && (de = readdir(d))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			char *from = mc_xasprintf("%s/%s", x->staging, de->d_name);
			char *to = mc_xasprintf("%s/%s", x->dir, de->d_name);
			if (rename(from, to) != 0)
				rc = mc_error_set(x->err, MC_FAIL, "%s: cannot put the file in place: %s", to,
						  strerror(errno));
			moved++;
			free(from);
			free(to);
		}
		if (d)
			closedir(d);
	}
	int dfd = open(x->dir, O_RDONLY | O_DIRECTORY);
	priv_user_end();
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return rc;
}

/* The staging directory made, or removed with what is left in it. */
static int staging_make(struct exporter *x)
{
	x->staging = mc_xasprintf("%s/.badges.XXXXXX", x->dir);
	priv_user_begin();
	int ok = mkdtemp(x->staging) != NULL;
	int e = errno;
	priv_user_end();
	if (ok)
		return MC_OK;
	free(x->staging);
	x->staging = NULL;
	return mc_error_set(x->err, MC_FAIL, "%s: cannot write there: %s", x->dir, strerror(e));
}

static void staging_remove(struct exporter *x)
{
	if (!x->staging)
		return;
	DIR *d = opendir(x->staging);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = mc_xasprintf("%s/%s", x->staging, de->d_name);
		priv_user_unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	priv_user_begin();
	rmdir(x->staging);
	priv_user_end();
	free(x->staging);
	x->staging = NULL;
}

static int issuer_ready(struct exporter *x)
{
	if (badges_issuer_get(x->s, &x->issuer, x->err) != MC_OK)
		return MC_FAIL;
	if (!x->issuer.id || !x->issuer.name)
		return mc_error_set(x->err, MC_FAIL, "the badge issuer has no %s yet: an admin sets it with "
				    "'mcassess issuer set %s ...'", x->issuer.id ? "name" : "id",
				    x->issuer.id ? "name" : "id");
	if (badges_key_load(x->s, &x->key, x->err) != MC_OK)
		return MC_FAIL;
	char *jwk = jwt_key_public_jwk(x->key);
	x->header = mc_xasprintf("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"%s\",\"jwk\":%s}",
				 jwt_key_id(x->key), jwk);
	free(jwk);
	return MC_OK;
}

static int export_all(struct exporter *x)
{
	int rc = issuer_ready(x);
	if (rc != MC_OK)
		return rc;
	if ((rc = staging_make(x)) != MC_OK)
		return rc;
	char *jwk = jwt_key_public_jwk(x->key);
	json_t *keys = json_pack("{s:[o]}", "keys", json_loads(jwk, 0, NULL));
	free(jwk);
	rc = stage_json(x, "issuer.json", issuer_profile(&x->issuer));
	if (rc == MC_OK)
		rc = stage_json(x, "jwks.json", keys);
	else
		json_decref(keys);
	if (rc == MC_OK && (rc = store_begin_read(x->s, x->err)) == MC_OK) {
		rc = store_badges_earned(x->s, badge, x, x->err);
		if (rc == MC_OK && x->err->msg)
			rc = x->err->status; /* a badge stopped the walk */
		store_end_read(x->s);
	}
	if (rc == MC_OK)
		rc = put_in_place(x);
	if (rc == MC_OK && x->o && x->o->progress)
		x->o->progress(x->o->progress_ctx, x->n);
	return rc;
}

/* The output directory: made if missing (*made = 1). */
static int out_dir(const char *dir, int *made, struct mc_error *err)
{
	struct stat st;
	*made = 0;
	priv_user_begin();
	int rc = MC_OK;
	if (mkdir(dir, priv_file_mode(0777)) == 0)
		*made = 1;
	else if (errno != EEXIST || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		rc = mc_error_set(err, MC_FAIL, "%s: cannot make the directory: %s", dir,
				  errno == EEXIST ? "a file of that name is there" : strerror(errno));
	priv_user_end();
	return rc;
}

int badges_export(struct store *s, const struct badges_options *o, const char *dir, long *count,
		  struct mc_error *err)
{
	struct mc_error local = MC_ERROR_INIT;
	struct exporter x = { .s = s, .o = o, .dir = dir, .err = err ? err : &local };
	int made = 0;
	if (count)
		*count = 0;
	int rc = people_require(s, ROLE_ADMIN, "export badges", x.err);
	if (rc == MC_OK)
		rc = out_dir(dir, &made, x.err);
	if (rc == MC_OK)
		rc = export_all(&x);
	staging_remove(&x);
	if (rc != MC_OK && made) {
		priv_user_begin();
		rmdir(dir);
		priv_user_end();
	}
	free(x.header);
	jwt_key_free(&x.key);
	badges_issuer_free(&x.issuer);
	mc_error_clear(&local);
	if (rc == MC_OK && count)
		*count = x.n;
	return rc;
}
