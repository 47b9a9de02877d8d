/*
 * p1_strong.h - strong credentials in the MTA-bind (X.411 12.2.1.1,
 *	8.5.8): the bind token, its verification, the replay cache
 *
 * SYNOPSIS
 *	#include "p1_strong.h"
 *
 *	k = p1_strong_key_load("mta-a.pem", "mta-a.key", err, sizeof(err));
 *	p1_strong_build(k, "mta-b", time(NULL), &strong_credentials);
 *	p1_strong_take(&strong_credentials, &tok);
 *	r = p1_strong_verify(&tok, &check, &ev, why, sizeof(why));
 *	p1_strong_key_free(k);
 *
 * DESCRIPTION
 *	A bind with strong credentials carries, instead of a password,
 *	StrongCredentials { bind-token [0] Token, certificate [1]
 *	Certificates }. The token is id-tok-asymmetricToken (2.6.3.6.0):
 *	AsymmetricToken, the SIGNED form of AsymmetricTokenData
 *	{ signature-algorithm-identifier, name: mta [3] (the MTA the
 *	token is for: the responder in the bind argument, the initiator
 *	in the result), time, signed-data [0] TokenData { type [0] 1
 *	(bind-token-signed-data), value [1] RandomNumber } }, followed by
 *	the algorithm again and the signature (a BIT STRING) over the
 *	DER of AsymmetricTokenData. Certificates holds our certificate
 *	(no certification path).
 *
 *	The signature algorithm follows the key: sha256WithRSAEncryption
 *	(1.2.840.113549.1.1.11) for RSA, ecdsa-with-SHA256
 *	(1.2.840.10045.4.3.2) for EC, Ed25519 (1.3.101.112). The random
 *	number is P1_STRONG_RND_LEN octets from RAND_bytes().
 *
 *	p1_strong_take() copies what a peer's StrongCredentials carry
 *	into a struct p1_token (flat, so that a struct assoc_bind stays a
 *	plain value); it never fails: what is missing or malformed is
 *	noted in the token and refused by p1_strong_verify(), which
 *	checks, in this order: a token and a certificate are there; the
 *	certificate is the peer the link names (tlsid_check: pin, or CA
 *	and name); the token and TokenData types; the signature with the
 *	certificate's key; the name in the token is ours; the time is
 *	within window seconds of now, either way; the random number was
 *	not seen from that certificate within the window (the cache
 *	remembers it only once everything else passed).
 *
 * DIAGNOSTICS
 *	p1_strong_verify() returns a P1S_* and sets *ev to the event to
 *	log (EV_STRONG_* or, for the identity, tlsid_check()'s 2043-2045)
 *	and why to what was found and what to change.
 *	p1_strong_key_load() returns NULL with err set.
 *
 * OWNERSHIP
 *	A struct p1_strong_key is reference counted: p1_strong_key_ref()
 *	takes one more, p1_strong_key_free() drops one (NULL is fine).
 *	p1_strong_build() fills a StrongCredentials_t owned by the
 *	caller's structure (freed with it). A struct p1_token owns
 *	nothing (fixed arrays). The cache is the caller's
 *	(p1_strong_cache_free()); the tlsid and names in a struct
 *	p1_strong_check are borrowed for the call.
 */
#ifndef X400_P1_STRONG_H
#define X400_P1_STRONG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tlsid.h"

#define P1_STRONG_OID_TOKEN	"2.6.3.6.0"	/* id-tok-asymmetricToken */
#define P1_STRONG_BIND_DATA	1		/* bind-token-signed-data */
#define P1_STRONG_RND_LEN	16		/* what we send */
#define P1_STRONG_RND_MIN	16		/* what we take */
#define P1_STRONG_RND_MAX	64
#define P1_STRONG_CERT_MAX	8192
#define P1_STRONG_SIG_MAX	1024
#define P1_STRONG_TBS_MAX	1024
#define P1_STRONG_NAME_MAX	32		/* ub-mta-name-length */
#define P1_STRONG_OIDLEN	64
#define P1_STRONG_WHY		160

/* What a peer's StrongCredentials carried (p1_strong_take). */
struct p1_token {
	int		present;	/* the bind had strong credentials */
	char		bad[P1_STRONG_WHY];	/* "" or what is malformed */
	int		has_token, has_cert;
	char		type_oid[P1_STRONG_OIDLEN];	/* token type */
	char		sig_oid[P1_STRONG_OIDLEN];	/* in the data */
	char		alg_oid[P1_STRONG_OIDLEN];	/* outside it */
	int		has_name;	/* mta [3] */
	char		name[P1_STRONG_NAME_MAX + 1];
	int		has_time;
	int64_t		time;
	long		data_type;	/* -1: no signed-data */
	unsigned char	rnd[P1_STRONG_RND_MAX];
	size_t		rnd_len;
	unsigned char	tbs[P1_STRONG_TBS_MAX];	/* AsymmetricTokenData */
	size_t		tbs_len;
	unsigned char	sig[P1_STRONG_SIG_MAX];
	size_t		sig_len;
	unsigned char	cert[P1_STRONG_CERT_MAX];	/* DER */
	size_t		cert_len;
};

struct p1_strong_key;
struct p1_strong_cache;

/* How to judge a token. */
struct p1_strong_check {
	const struct tlsid *id;		/* who the peer must be */
	const char	*our_name;	/* the token must be for this MTA */
	int64_t		now;		/* seconds since 1970 */
	unsigned	window;		/* seconds, both ways */
	struct p1_strong_cache *cache;	/* NULL: no replay check */
};

enum p1_strong_result {
	P1S_OK,
	P1S_NO_TOKEN,		/* no bind-token, or not an asymmetric one */
	P1S_NO_CERT,		/* no certificate, or not one OpenSSL reads */
	P1S_IDENTITY,		/* not the peer the link names */
	P1S_BAD_TOKEN,		/* malformed, wrong TokenData type, algorithm */
	P1S_SIGNATURE,		/* the signature does not verify */
	P1S_NAME,		/* the token is for another MTA */
	P1S_TIME,		/* outside the window */
	P1S_REPLAY		/* the random number was seen before */
};

/* p1_strong_key_load - our certificate and key (PEM files); NULL with
 *	err when they cannot be read, do not match, or the key is of a
 *	kind we cannot sign with */
struct p1_strong_key *p1_strong_key_load(const char *cert, const char *key,
					 char *err, size_t errlen);
struct p1_strong_key *p1_strong_key_ref(struct p1_strong_key *k);
void	p1_strong_key_free(struct p1_strong_key *k);

/* p1_strong_build - our StrongCredentials for MTA for_name at now,
 *	into *sc (a StrongCredentials_t, zeroed by the caller); 0 or -1 */
int	p1_strong_build(const struct p1_strong_key *k, const char *for_name,
			int64_t now, void *sc);
/* p1_strong_take - what a StrongCredentials_t holds, into t */
void	p1_strong_take(const void *sc, struct p1_token *t);
/* p1_strong_verify - see DESCRIPTION */
enum p1_strong_result p1_strong_verify(const struct p1_token *t,
				       const struct p1_strong_check *c,
				       unsigned *ev, char *why, size_t len);
const char *p1_strong_result_name(enum p1_strong_result r);

/* p1_strong_cache_new - a replay cache of at most slots entries; when
 *	it is full the oldest entry goes first */
struct p1_strong_cache *p1_strong_cache_new(size_t slots);
void	p1_strong_cache_free(struct p1_strong_cache *c);
/* p1_strong_cache_seen - 1 if (cert, rnd) is in the cache and not yet
 *	expired at now; else 0, and it is added to expire at expires */
int	p1_strong_cache_seen(struct p1_strong_cache *c,
			     const unsigned char *cert, size_t cert_len,
			     const unsigned char *rnd, size_t rnd_len,
			     int64_t now, int64_t expires);

#endif
