/* badges.h: earned credentials as Open Badges 3.0 (OpenBadgeCredential, a
 * W3C Verifiable Credential 2.0), each written as plain JSON and as a VC-JWT
 * signed RS256 with the issuer's key. The issuer (id, name, url) is a database
 * setting; the key lives beside the database in "<db>.issuer-key", mode 0600. */
#ifndef MCASSESS_BADGES_H
#define MCASSESS_BADGES_H
#include "mcassess/error.h"

struct store;
struct jwt_key;

/* The issuer's settings; a field is NULL when not set. */
struct badges_issuer {
	char *id, *name, *url;
};
int badges_issuer_get(struct store *s, struct badges_issuer *out, struct mc_error *err);
void badges_issuer_free(struct badges_issuer *i);
/* Set "id", "name" or "url" (admins; audited). id and url must be http(s) URLs,
 * the name one line of text. MC_INVALID for a bad value, nothing changed. */
int badges_issuer_set(struct store *s, const char *field, const char *value, int *changed,
		      struct mc_error *err);

/* "<db path>.issuer-key"; heap. */
char *badges_key_path(const struct store *s);
/* Make the issuer's key (admins; audited): RSA of `bits`, written 0600. An
 * existing key is kept (MC_FAIL) unless `replace`. *kid (heap) names the new key. */
int badges_key_new(struct store *s, unsigned bits, int replace, char **kid, struct mc_error *err);
/* Load the issuer's key, refusing a file others may read. */
int badges_key_load(struct store *s, struct jwt_key **out, struct mc_error *err);

struct badges_options {
	/* Called every 100 badges and at the end with the count so far; NULL: quiet. */
	void (*progress)(void *ctx, long done);
	void *progress_ctx;
};
/* Admins: into `dir` (made if missing), for each earned submission S,
 * S.json (the credential) and S.jwt (the VC-JWT), plus issuer.json (the issuer's
 * Profile) and jwks.json (its public key). All files are written into a
 * staging directory in dir first (no list of names is kept) and moved into dir
 * only when every one is complete: on an error nothing is left behind. *count receives the badges written (may be NULL). */
int badges_export(struct store *s, const struct badges_options *o, const char *dir, long *count,
		  struct mc_error *err);

/* ---------------------------------------------------------------- SQL side (store_badges.c) */
struct badges_row {
	const char *submission, *educator_id, *educator_anon, *credential, *title, *competency, *decided_at,
		*submitted_at;
	int attempt, rubric_version;
	long long rubric_id;
};
/* Each earned submission in decision order; fn returns non-zero to stop. */
int store_badges_earned(struct store *s, int (*fn)(void *ctx, const struct badges_row *r), void *ctx,
			struct mc_error *err);
struct badges_criterion {
	const char *part, *code, *text, *passing; /* passing: the passing levels' labels, ", " */
};
/* The rubric's criteria in order (part by part). */
int store_badges_criteria(struct store *s, long long rubric_id,
			  void (*fn)(void *ctx, const struct badges_criterion *c), void *ctx,
			  struct mc_error *err);
#endif
