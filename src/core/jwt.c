/* jwt.c: RS256 with nettle/hogweed (see jwt.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <gmp.h>
#include <jansson.h>
#include <nettle/bignum.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>

#include "mcassess/jwt.h"
#include "mcassess/util.h"

struct jwt_key {
	struct rsa_public_key pub;
	struct rsa_private_key priv;
	char kid[48];
};

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *jwt_b64url(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = mc_xmalloc(len / 3 * 4 + 5), *o = out;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		for (int k = 18; k >= 0; k -= 6)
			*o++ = B64URL[(v >> k) & 63];
	}
	if (len - i == 1) {
		*o++ = B64URL[p[i] >> 2];
		*o++ = B64URL[(p[i] & 3) << 4];
	} else if (len - i == 2) {
		*o++ = B64URL[p[i] >> 2];
		*o++ = B64URL[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*o++ = B64URL[(p[i + 1] & 15) << 2];
	}
	*o = '\0';
	return out;
}

unsigned char *jwt_b64url_decode(const char *s, size_t *len)
{
	size_t n = strlen(s);
	if (n % 4 == 1)
		return NULL;
	unsigned char *out = mc_xmalloc(n / 4 * 3 + 3);
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const char *c = s[i] ? strchr(B64URL, s[i]) : NULL;
		if (!c) {
			free(out);
			return NULL;
		}
		acc = acc << 6 | (uint32_t)(c - B64URL);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1)) { /* non-zero leftover bits: not canonical */
		free(out);
		return NULL;
	}
	*len = o;
	return out;
}

/* nettle's random source: the kernel's, never a seeded generator of our own. */
static void kernel_random(void *ctx, size_t len, uint8_t *dst)
{
	(void)ctx;
	while (len) {
		ssize_t got = getrandom(dst, len, 0);
		if (got < 0)
			abort(); /* no randomness: nothing safe to sign or make with */
		dst += got;
		len -= (size_t)got;
	}
}

static char *mpz_b64url(const mpz_t x)
{
	size_t n = nettle_mpz_sizeinbase_256_u(x);
	unsigned char *b = mc_xmalloc(n ? n : 1);
	nettle_mpz_get_str_256(n, b, x);
	char *s = jwt_b64url(b, n);
	free(b);
	return s;
}

static void digest_of(const char *a, size_t alen, uint8_t d[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx h;
	sha256_init(&h);
	sha256_update(&h, alen, (const uint8_t *)a);
	sha256_digest(&h, SHA256_DIGEST_SIZE, d);
}

/* The key id: the RFC 7638 thumbprint. */
static void set_kid(struct jwt_key *k)
{
	char *n = mpz_b64url(k->pub.n), *e = mpz_b64url(k->pub.e);
	char *canon = mc_xasprintf("{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", e, n);
	uint8_t d[SHA256_DIGEST_SIZE];
	digest_of(canon, strlen(canon), d);
	char *kid = jwt_b64url(d, sizeof d);
	snprintf(k->kid, sizeof k->kid, "%s", kid);
	free(kid);
	free(canon);
	free(n);
	free(e);
}

static struct jwt_key *key_new(void)
{
	struct jwt_key *k = mc_xcalloc(1, sizeof *k);
	rsa_public_key_init(&k->pub);
	rsa_private_key_init(&k->priv);
	return k;
}

void jwt_key_free(struct jwt_key **k)
{
	if (!*k)
		return;
	rsa_public_key_clear(&(*k)->pub);
	rsa_private_key_clear(&(*k)->priv);
	free(*k);
	*k = NULL;
}

int jwt_key_generate(unsigned bits, struct jwt_key **out, struct mc_error *err)
{
	*out = NULL;
	if (bits < 2048 || bits > 4096)
		return mc_error_set(err, MC_USAGE, "an issuer key has 2048 to 4096 bits, not %u", bits);
	struct jwt_key *k = key_new();
	mpz_set_ui(k->pub.e, 65537);
	if (!rsa_generate_keypair(&k->pub, &k->priv, NULL, kernel_random, NULL, NULL, bits, 0)) {
		jwt_key_free(&k);
		return mc_error_set(err, MC_FAIL, "cannot make an RSA key of %u bits", bits);
	}
	set_kid(k);
	*out = k;
	return MC_OK;
}

/* The JWK member `name` of o into x; 0 ok. */
static int jwk_number(json_t *o, const char *name, mpz_t x)
{
	const char *s = json_string_value(json_object_get(o, name));
	size_t n;
	unsigned char *b = s && *s ? jwt_b64url_decode(s, &n) : NULL;
	if (!b)
		return -1;
	nettle_mpz_set_str_256_u(x, n, b);
	free(b);
	return 0;
}

/* 1 when the private numbers match the public key: a signature checks out
 * (nettle's _tr signing verifies its own result). */
static int key_signs(const struct jwt_key *k)
{
	uint8_t d[SHA256_DIGEST_SIZE] = { 0 };
	mpz_t s;
	mpz_init(s);
	int ok = rsa_sha256_sign_digest_tr(&k->pub, &k->priv, NULL, kernel_random, d, s);
	mpz_clear(s);
	return ok;
}

static int key_from_json(json_t *o, const char *where, struct jwt_key *k, struct mc_error *err)
{
	const char *kty = json_string_value(json_object_get(o, "kty"));
	if (!kty || strcmp(kty, "RSA") != 0)
		return mc_error_set(err, MC_INVALID, "%s: not an RSA key (kty is not \"RSA\")", where);
	static const char *const names[] = { "n", "e", "d", "p", "q", "dp", "dq", "qi" };
	mpz_t *fields[] = { &k->pub.n, &k->pub.e, &k->priv.d, &k->priv.p, &k->priv.q,
			    &k->priv.a, &k->priv.b, &k->priv.c };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (jwk_number(o, names[i], *fields[i]) != 0)
			return mc_error_set(err, MC_INVALID, "%s: the key's \"%s\" is missing or not base64url",
					    where, names[i]);
	if (!rsa_public_key_prepare(&k->pub) || !rsa_private_key_prepare(&k->priv) ||
	    k->pub.size != k->priv.size || !key_signs(k))
		return mc_error_set(err, MC_INVALID, "%s: the numbers do not make an RSA key", where);
	set_kid(k);
	return MC_OK;
}

int jwt_key_from_jwk(const char *json, const char *where, struct jwt_key **out, struct mc_error *err)
{
	*out = NULL;
	json_error_t je;
	json_t *o = json_loads(json, 0, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return mc_error_at(err, MC_INVALID, where, je.line > 0 ? je.line : 0, 0,
				   "not a JSON Web Key: %s", je.text[0] ? je.text : "not an object");
	}
	struct jwt_key *k = key_new();
	int rc = key_from_json(o, where, k, err);
	json_decref(o);
	if (rc != MC_OK)
		jwt_key_free(&k);
	*out = k;
	return rc;
}

static char *dump(json_t *o)
{
	char *t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!t)
		abort(); /* out of memory */
	char *r = mc_xstrdup(t);
	free(t);
	return r;
}

static void set_number(json_t *o, const char *name, const mpz_t x)
{
	char *s = mpz_b64url(x);
	json_object_set_new(o, name, json_string(s));
	free(s);
}

static json_t *public_jwk(const struct jwt_key *k)
{
	json_t *o = json_object();
	json_object_set_new(o, "kty", json_string("RSA"));
	set_number(o, "n", k->pub.n);
	set_number(o, "e", k->pub.e);
	json_object_set_new(o, "kid", json_string(k->kid));
	json_object_set_new(o, "alg", json_string("RS256"));
	json_object_set_new(o, "use", json_string("sig"));
	return o;
}

char *jwt_key_public_jwk(const struct jwt_key *k)
{
	return dump(public_jwk(k));
}

char *jwt_key_private_jwk(const struct jwt_key *k)
{
	json_t *o = public_jwk(k);
	set_number(o, "d", k->priv.d);
	set_number(o, "p", k->priv.p);
	set_number(o, "q", k->priv.q);
	set_number(o, "dp", k->priv.a);
	set_number(o, "dq", k->priv.b);
	set_number(o, "qi", k->priv.c);
	return dump(o);
}

const char *jwt_key_id(const struct jwt_key *k)
{
	return k->kid;
}

unsigned jwt_key_bits(const struct jwt_key *k)
{
	return (unsigned)mpz_sizeinbase(k->pub.n, 2);
}

char *jwt_sign(const struct jwt_key *k, const char *header_json, const char *payload_json)
{
	char *h = jwt_b64url(header_json, strlen(header_json));
	char *p = jwt_b64url(payload_json, strlen(payload_json));
	char *input = mc_xasprintf("%s.%s", h, p);
	free(h);
	free(p);
	uint8_t d[SHA256_DIGEST_SIZE];
	digest_of(input, strlen(input), d);
	mpz_t s;
	mpz_init(s);
	/* the _tr form blinds the private operation and checks the result */
	if (!rsa_sha256_sign_digest_tr(&k->pub, &k->priv, NULL, kernel_random, d, s))
		abort(); /* cannot happen: jwt_key_from_jwk and jwt_key_generate checked the key */
	unsigned char *sig = mc_xmalloc(k->pub.size);
	nettle_mpz_get_str_256(k->pub.size, sig, s);
	mpz_clear(s);
	char *sig64 = jwt_b64url(sig, k->pub.size);
	char *jwt = mc_xasprintf("%s.%s", input, sig64);
	free(sig);
	free(sig64);
	free(input);
	return jwt;
}

int jwt_verify(const struct jwt_key *k, const char *jwt)
{
	const char *dot1 = strchr(jwt, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot2 || strchr(dot2 + 1, '.'))
		return 0;
	size_t n;
	unsigned char *sig = jwt_b64url_decode(dot2 + 1, &n);
	if (!sig)
		return 0;
	uint8_t d[SHA256_DIGEST_SIZE];
	digest_of(jwt, (size_t)(dot2 - jwt), d);
	mpz_t s;
	mpz_init(s);
	nettle_mpz_set_str_256_u(s, n, sig);
	int ok = n == k->pub.size && rsa_sha256_verify_digest(&k->pub, d, s);
	mpz_clear(s);
	free(sig);
	return ok;
}
