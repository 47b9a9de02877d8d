/*
 * p1_strong.c - the bind token of X.411 8.5.8 and its verification
 *
 * See p1_strong.h. Written from X.411 12.2.1.1 (StrongCredentials in the
 * MTA-bind), 8.5.8 (Token, AsymmetricToken, TokenData, the bind token's
 * signed data), X.509 (SIGNED, Certificates) and RFC 5758 / RFC 8410 for
 * the algorithm identifiers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "asnx.h"
#include "codec.h"
#include "events.h"
#include "p1_asn.h"
#include "p1_strong.h"
#include "xalloc.h"

#include "AsymmetricToken.h"
#include "Certificates.h"
#include "RandomNumber.h"
#include "StrongCredentials.h"
#include "Token.h"
#include "TokenData.h"

#define OID_RSA_SHA256	"1.2.840.113549.1.1.11"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define OID_ED25519	"1.3.101.112"
#define PART_CAP	16384

struct p1_strong_key {
	int		refs;
	EVP_PKEY	*pkey;
	X509		*cert;
	unsigned char	*der;		/* the certificate's DER */
	size_t		der_len;
};

/* ---- our key ----------------------------------------------------- */

/* sig_oid - the signature algorithm our key signs with, or NULL */
static const char *sig_oid(const EVP_PKEY *k)
{
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA: return OID_RSA_SHA256;
	case EVP_PKEY_EC: return OID_ECDSA_SHA256;
	case EVP_PKEY_ED25519: return OID_ED25519;
	}
	return NULL;
}

/* read_pem - one PEM object from a file; NULL with err */
static void *read_pem(const char *path, int cert, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	void *v;

	if (f == NULL) {
		snprintf(err, len, "%s: cannot open: %m", path);
		return NULL;
	}
	v = cert ? (void *)PEM_read_X509(f, NULL, NULL, NULL) :
	    (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (v == NULL)
		snprintf(err, len, "%s: no PEM %s in it", path, cert ?
			 "certificate" : "private key");
	ERR_clear_error();
	return v;
}

struct p1_strong_key *p1_strong_key_load(const char *cert, const char *key,
					 char *err, size_t errlen)
{
	struct p1_strong_key *k = XNEW(struct p1_strong_key);
	unsigned char *der = NULL;
	int n;

	k->refs = 1;
	if ((k->cert = read_pem(cert, 1, err, errlen)) == NULL ||
	    (k->pkey = read_pem(key, 0, err, errlen)) == NULL)
		goto fail;
	if (sig_oid(k->pkey) == NULL) {
		snprintf(err, errlen, "%s: a key we cannot sign bind tokens "
			 "with (RSA, EC or Ed25519)", key);
		goto fail;
	}
	if (X509_check_private_key(k->cert, k->pkey) != 1) {
		snprintf(err, errlen, "%s is not the key of %s", key, cert);
		ERR_clear_error();
		goto fail;
	}
	if ((n = i2d_X509(k->cert, &der)) <= 0 || n > P1_STRONG_CERT_MAX) {
		snprintf(err, errlen, "%s: a certificate of %d octets (at most "
			 "%d)", cert, n, P1_STRONG_CERT_MAX);
		OPENSSL_free(der);
		goto fail;
	}
	k->der = der;
	k->der_len = (size_t)n;
	return k;
fail:
	p1_strong_key_free(k);
	return NULL;
}

struct p1_strong_key *p1_strong_key_ref(struct p1_strong_key *k)
{
	if (k)
		k->refs++;
	return k;
}

void p1_strong_key_free(struct p1_strong_key *k)
{
	if (k == NULL || --k->refs > 0)
		return;
	X509_free(k->cert);
	EVP_PKEY_free(k->pkey);
	OPENSSL_free(k->der);
	free(k);
}

/* ---- building ---------------------------------------------------- */

/* alg_set - an AlgorithmIdentifier; RSA's carries NULL parameters */
static void alg_set(AlgorithmIdentifier_t *a, const char *oid)
{
	asnx_oid_set(&a->algorithm, oid);
	if (strcmp(oid, OID_RSA_SHA256) == 0) {
		a->parameters = XNEW(ANY_t);
		asnx_any_raw(a->parameters, "\x05\x00", 2);
	}
}

/* token_data - TokenData { [0] bind-token-signed-data, [1] random } */
static int token_data(AsymmetricTokenData_t *d)
{
	unsigned char rnd[P1_STRONG_RND_LEN];
	RandomNumber_t r;
	int rc;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	memset(&r, 0, sizeof(r));
	r.buf = rnd;
	r.size = sizeof(rnd);
	d->signed_data = XNEW(TokenData_t);
	d->signed_data->type = P1_STRONG_BIND_DATA;
	rc = asnx_any(&d->signed_data->value, &asn_DEF_RandomNumber, &r);
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return rc == 0 ? 0 : -1;
}

/* sign - the signature of k over p[0..n) into a BIT STRING */
static int sign(const struct p1_strong_key *k, const unsigned char *p,
		size_t n, BIT_STRING_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_ED25519 ?
	    NULL : EVP_sha256();
	size_t len = 0;
	int ok;

	ok = ctx && EVP_DigestSignInit(ctx, NULL, md, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, NULL, &len, p, n) == 1;
	if (ok) {
		out->buf = xmalloc(len);
		ok = EVP_DigestSign(ctx, out->buf, &len, p, n) == 1;
		out->size = (int)len;
		out->bits_unused = 0;
	}
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : -1;
}

/* asym_token - the AsymmetricToken for for_name, into the Token's ANY */
static int asym_token(const struct p1_strong_key *k, const char *for_name,
		      int64_t now, ANY_t *any)
{
	AsymmetricToken_t *t = XNEW(AsymmetricToken_t);
	AsymmetricTokenData_t *d = &t->asymmetric_token_data;
	unsigned char *tbs = NULL;
	size_t n = 0;
	int rc = -1;

	alg_set(&d->signature_algorithm_identifier, sig_oid(k->pkey));
	d->name.present = AsymmetricTokenData__name_PR_mta;
	p1_str_set(&d->name.choice.mta.mta_name, for_name);
	p1_time_set(&d->time, (time_t)now);
	if (token_data(d) == 0 &&
	    codec_encode_alloc(&asn_DEF_AsymmetricTokenData, d, &tbs, &n) == 0
	    && sign(k, tbs, n, &t->encrypted) == 0) {
		alg_set(&t->algorithm_identifier, sig_oid(k->pkey));
		rc = asnx_any(any, &asn_DEF_AsymmetricToken, t) == 0 ? 0 : -1;
	}
	free(tbs);
	codec_free(&asn_DEF_AsymmetricToken, t);
	return rc;
}

/* our_cert - Certificates { certificate }: our DER, read back through
 *	the Certificate type so that it is written out unchanged */
static int our_cert(const struct p1_strong_key *k, Certificates_t **out)
{
	Certificate_t *c = NULL;

	if (codec_decode(&asn_DEF_Certificate, k->der, k->der_len, PART_CAP,
			 (void **)&c, NULL) != 0)
		return -1;
	*out = XNEW(Certificates_t);
	(*out)->certificate = *c;
	free(c);		/* the shell only: its parts moved */
	return 0;
}

int p1_strong_build(const struct p1_strong_key *k, const char *for_name,
		    int64_t now, void *v)
{
	StrongCredentials_t *sc = v;

	sc->bind_token = XNEW(Token_t);
	asnx_oid_set(&sc->bind_token->token_type_identifier,
		     P1_STRONG_OID_TOKEN);
	if (asym_token(k, for_name, now, &sc->bind_token->token) != 0)
		return -1;
	return our_cert(k, &sc->certificate);
}

/* ---- taking what came -------------------------------------------- */

/* take_data - name, time and random of AsymmetricTokenData */
static void take_data(const AsymmetricTokenData_t *d, struct p1_token *t)
{
	const MTAName_t *nm = &d->name.choice.mta.mta_name;
	RandomNumber_t *r;
	time_t tm;

	asnx_oid_str(&d->signature_algorithm_identifier.algorithm,
		     t->sig_oid, sizeof(t->sig_oid));
	if (d->name.present == AsymmetricTokenData__name_PR_mta &&
	    nm->size >= 0 && nm->size <= P1_STRONG_NAME_MAX) {
		t->has_name = 1;
		memcpy(t->name, nm->buf, (size_t)nm->size);
		t->name[nm->size] = 0;
	}
	if (p1_time_get(&d->time, &tm) == 0) {
		t->has_time = 1;
		t->time = (int64_t)tm;
	}
	t->data_type = -1;
	if (d->signed_data == NULL)
		return;
	t->data_type = d->signed_data->type;
	r = p1_any_get(&d->signed_data->value, &asn_DEF_RandomNumber);
	if (r && r->bits_unused == 0 && r->size >= 0 &&
	    r->size <= P1_STRONG_RND_MAX) {
		memcpy(t->rnd, r->buf, (size_t)r->size);
		t->rnd_len = (size_t)r->size;
	}
	codec_free(&asn_DEF_RandomNumber, r);
}

/* take_token - the AsymmetricToken in the Token's ANY */
static void take_token(const Token_t *tk, struct p1_token *t)
{
	AsymmetricToken_t *a;
	unsigned char *tbs = NULL;
	size_t n = 0;

	asnx_oid_str(&tk->token_type_identifier, t->type_oid,
		     sizeof(t->type_oid));
	if (strcmp(t->type_oid, P1_STRONG_OID_TOKEN) != 0)
		return;		/* not ours to read: P1S_NO_TOKEN */
	a = p1_any_get(&tk->token, &asn_DEF_AsymmetricToken);
	if (a == NULL) {
		snprintf(t->bad, sizeof(t->bad), "the AsymmetricToken does "
			 "not decode: %s", codec_last_detail());
		return;
	}
	t->has_token = 1;
	take_data(&a->asymmetric_token_data, t);
	asnx_oid_str(&a->algorithm_identifier.algorithm, t->alg_oid,
		     sizeof(t->alg_oid));
	/* X.509 SIGNED: the signature is over the DER of the data */
	if (codec_encode_alloc(&asn_DEF_AsymmetricTokenData,
			       &a->asymmetric_token_data, &tbs, &n) != 0 ||
	    n > sizeof(t->tbs) || a->encrypted.size < 0 ||
	    (size_t)a->encrypted.size > sizeof(t->sig))
		snprintf(t->bad, sizeof(t->bad), "the token's data or "
			 "signature is too long, or does not encode");
	else {
		memcpy(t->tbs, tbs, n);
		t->tbs_len = n;
		memcpy(t->sig, a->encrypted.buf, (size_t)a->encrypted.size);
		t->sig_len = (size_t)a->encrypted.size;
	}
	free(tbs);
	codec_free(&asn_DEF_AsymmetricToken, a);
}

void p1_strong_take(const void *v, struct p1_token *t)
{
	const StrongCredentials_t *sc = v;
	unsigned char *der = NULL;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	t->present = 1;
	t->data_type = -1;
	if (sc->bind_token)
		take_token(sc->bind_token, t);
	if (sc->certificate == NULL)
		return;
	if (codec_encode_alloc(&asn_DEF_Certificate,
			       &sc->certificate->certificate, &der, &n) == 0 &&
	    n <= sizeof(t->cert)) {
		memcpy(t->cert, der, n);
		t->cert_len = n;
		t->has_cert = 1;
	}
	free(der);
}

/* ---- verification ------------------------------------------------ */

/* refuse - the result r, its event, and why */
static enum p1_strong_result refuse(enum p1_strong_result r, unsigned e,
				    unsigned *ev, char *why, size_t len,
				    const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static enum p1_strong_result refuse(enum p1_strong_result r, unsigned e,
				    unsigned *ev, char *why, size_t len,
				    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	*ev = e;
	return r;
}

/* verify_sig - the signature over the data with the certificate's key */
static int verify_sig(const struct p1_token *t, X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = strcmp(t->sig_oid, OID_ED25519) == 0 ? NULL :
	    EVP_sha256();
	int ok;

	ok = k && ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, k) == 1 &&
	    EVP_DigestVerify(ctx, t->sig, t->sig_len, t->tbs,
			     t->tbs_len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* check_form - the token's types and algorithms; P1S_OK or why not */
static enum p1_strong_result check_form(const struct p1_token *t, X509 *x,
					unsigned *ev, char *why, size_t len)
{
	const EVP_PKEY *k = X509_get0_pubkey(x);
	const char *want = k ? sig_oid(k) : NULL;

	if (t->bad[0])
		return refuse(P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN, ev, why, len,
			      "%s", t->bad);
	if (t->data_type != P1_STRONG_BIND_DATA)
		return refuse(P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN, ev, why, len,
			      "the token's signed-data is of type %ld, not "
			      "bind-token-signed-data (1)", t->data_type);
	if (t->rnd_len < P1_STRONG_RND_MIN)
		return refuse(P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN, ev, why, len,
			      "the token's random number has %zu octets "
			      "(at least %d, whole octets)", t->rnd_len,
			      P1_STRONG_RND_MIN);
	if (strcmp(t->sig_oid, t->alg_oid) != 0)
		return refuse(P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN, ev, why, len,
			      "the token names algorithm %s inside and %s "
			      "outside its signed data", t->sig_oid,
			      t->alg_oid);
	if (want == NULL || strcmp(want, t->sig_oid) != 0)
		return refuse(P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN, ev, why, len,
			      "the token is signed with %s; the certificate's "
			      "key signs with %s", t->sig_oid, want ? want :
			      "no algorithm we take (RSA-SHA256, "
			      "ECDSA-SHA256, Ed25519)");
	return P1S_OK;
}

/* check_sig - the signature, then what it vouches for: name, time */
static enum p1_strong_result check_sig(const struct p1_token *t, X509 *x,
				       const struct p1_strong_check *c,
				       unsigned *ev, char *why, size_t len)
{
	char subj[256];

	X509_NAME_oneline(X509_get_subject_name(x), subj, sizeof(subj));
	if (!verify_sig(t, x))
		return refuse(P1S_SIGNATURE, EV_STRONG_SIGNATURE, ev, why, len,
			      "the bind token's signature (%s) does not verify "
			      "with the key of the certificate sent, %s: the "
			      "token was altered, or signed with another key "
			      "than the certificate's (the peer's tls_key and "
			      "tls_cert must go together)", t->sig_oid, subj);
	if (!t->has_name || strcasecmp(t->name, c->our_name) != 0)
		return refuse(P1S_NAME, EV_STRONG_NAME, ev, why, len,
			      "the bind token is for MTA \"%s\", not for us "
			      "(\"%s\"); the peer must use our MTA name "
			      "(its peer_mta for us)", t->has_name ? t->name :
			      "(no MTA name)", c->our_name);
	if (!t->has_time || t->time > c->now + c->window ||
	    t->time < c->now - (int64_t)c->window)
		return refuse(P1S_TIME, EV_STRONG_TIME, ev, why, len,
			      "the bind token's time is %lld s %s our clock "
			      "(limits.strong_window %u s): one clock is wrong "
			      "(NTP), or the token was replayed",
			      (long long)(t->time > c->now ? t->time - c->now :
			      c->now - t->time), t->time > c->now ? "ahead of" :
			      "behind", c->window);
	return P1S_OK;
}

enum p1_strong_result p1_strong_verify(const struct p1_token *t,
				       const struct p1_strong_check *c,
				       unsigned *ev, char *why, size_t len)
{
	const unsigned char *p = t->cert;
	enum p1_strong_result r;
	char what[700];
	X509 *x;

	*ev = 0;
	if (!t->has_token && t->bad[0])
		return refuse(P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN, ev, why, len,
			      "%s", t->bad);
	if (!t->has_token)
		return refuse(P1S_NO_TOKEN, EV_STRONG_INCOMPLETE, ev, why, len,
			      "strong credentials without a bind token of "
			      "type id-tok-asymmetricToken (%s)%s%s",
			      P1_STRONG_OID_TOKEN, t->type_oid[0] ?
			      "; the token's type is " : "", t->type_oid);
	x = t->has_cert ? d2i_X509(NULL, &p, (long)t->cert_len) : NULL;
	ERR_clear_error();
	if (x == NULL)
		return refuse(P1S_NO_CERT, EV_STRONG_INCOMPLETE, ev, why, len,
			      "strong credentials without %s certificate; "
			      "the peer must send its certificate (tls_cert)",
			      t->has_cert ? "a readable" : "a");
	if ((*ev = tlsid_check(c->id, x, NULL, what, sizeof(what))) != 0) {
		snprintf(why, len, "the certificate in the strong "
			 "credentials: %s", what);
		r = P1S_IDENTITY;
	} else if ((r = check_form(t, x, ev, why, len)) == P1S_OK &&
		   (r = check_sig(t, x, c, ev, why, len)) == P1S_OK &&
		   c->cache && p1_strong_cache_seen(c->cache, t->cert,
		   t->cert_len, t->rnd, t->rnd_len, c->now,
		   t->time + c->window))
		r = refuse(P1S_REPLAY, EV_STRONG_REPLAY, ev, why, len,
			   "the bind token's random number was seen before "
			   "within limits.strong_window (%u s): a replayed "
			   "token", c->window);
	X509_free(x);
	return r;
}

const char *p1_strong_result_name(enum p1_strong_result r)
{
	static const char *const names[] = {
		"ok", "no-token", "no-certificate", "identity", "bad-token",
		"signature", "name", "time", "replay"
	};

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* ---- the replay cache -------------------------------------------- */

struct cache_ent {
	unsigned char	key[32];	/* SHA-256(SHA-256(cert), random) */
	int64_t		expires;
};

struct p1_strong_cache {
	struct cache_ent *ent;
	size_t		slots, next;	/* a ring: next is the oldest */
};

struct p1_strong_cache *p1_strong_cache_new(size_t slots)
{
	struct p1_strong_cache *c = XNEW(struct p1_strong_cache);

	c->slots = slots ? slots : 1;
	c->ent = xcalloc(c->slots, sizeof(*c->ent));
	return c;
}

void p1_strong_cache_free(struct p1_strong_cache *c)
{
	if (c == NULL)
		return;
	free(c->ent);
	free(c);
}

/* cache_key - SHA-256 of the certificate's fingerprint and the random */
static void cache_key(const unsigned char *cert, size_t cert_len,
		      const unsigned char *rnd, size_t rnd_len,
		      unsigned char key[32])
{
	unsigned char fp[32];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL)
		panic("p1_strong: out of memory");
	EVP_Digest(cert, cert_len, fp, NULL, EVP_sha256(), NULL);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, fp, sizeof(fp));
	EVP_DigestUpdate(ctx, rnd, rnd_len);
	EVP_DigestFinal_ex(ctx, key, NULL);
	EVP_MD_CTX_free(ctx);
}

int p1_strong_cache_seen(struct p1_strong_cache *c,
			 const unsigned char *cert, size_t cert_len,
			 const unsigned char *rnd, size_t rnd_len,
			 int64_t now, int64_t expires)
{
	unsigned char key[32];

	cache_key(cert, cert_len, rnd, rnd_len, key);
	for (size_t i = 0; i < c->slots; i++)
		if (c->ent[i].expires >= now &&
		    memcmp(c->ent[i].key, key, sizeof(key)) == 0)
			return 1;
	memcpy(c->ent[c->next].key, key, sizeof(key));
	c->ent[c->next].expires = expires;
	c->next = (c->next + 1) % c->slots;
	return 0;
}
