/*
 * test_strong.c - strong credentials in the MTA-bind (p1/p1_strong.c,
 *	X.411 12.2.1.1 and 8.5.8): a bind token built, carried through
 *	p1_bind_encode() / p1_bind_decode() and verified, for EC, RSA and
 *	Ed25519 keys; each refusal with its reason and event (a flipped
 *	signature bit, a time outside the window either way, a replayed
 *	random number, a token for another MTA, a certificate that is not
 *	the pinned one, none at all, the wrong TokenData type); the replay
 *	cache's expiry and bound; and a StrongCredentials bind argument
 *	written byte by byte from the X.411 definitions, decoded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"
#include "codec.h"
#include "events.h"
#include "p1_bind.h"
#include "p1_strong.h"
#include "tlsid.h"

#include "StrongCredentials.h"

static char dir[] = "/tmp/test_strong.XXXXXX";

/* make_key - a key of kind ("ec", "rsa", "ed25519") and a self-signed
 *	certificate for it, in dir/NAME.key and dir/NAME.pem; loaded */
static struct p1_strong_key *make_key(const char *kind, const char *name,
				      X509 **cert_out)
{
	EVP_PKEY *k = strcmp(kind, "rsa") == 0 ? EVP_RSA_gen(2048) :
	    strcmp(kind, "ec") == 0 ? EVP_EC_gen("P-256") :
	    EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *x = X509_new();
	char kp[256], cp[256], err[400];
	struct p1_strong_key *sk;
	FILE *f;

	assert_non_null(k);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
				   MBSTRING_ASC, (const unsigned char *)name,
				   -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	assert_true(X509_sign(x, k, strcmp(kind, "ed25519") == 0 ? NULL :
			      EVP_sha256()) > 0);
	snprintf(kp, sizeof(kp), "%s/%s.key", dir, name);
	snprintf(cp, sizeof(cp), "%s/%s.pem", dir, name);
	assert_non_null(f = fopen(kp, "w"));
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	assert_non_null(f = fopen(cp, "w"));
	PEM_write_X509(f, x);
	fclose(f);
	sk = p1_strong_key_load(cp, kp, err, sizeof(err));
	if (sk == NULL)
		fail_msg("%s", err);
	EVP_PKEY_free(k);
	*cert_out = x;
	return sk;
}

/* carried - our bind argument (MTA-A, a token for to at now) through
 *	the encoder and the decoder, as the responder sees it */
static void carried(struct p1_strong_key *k, const char *to, int64_t now,
		    struct assoc_bind *peer)
{
	struct assoc_bind ours;
	struct buf out = BUF_INIT;
	char why[300];
	int bare;

	memset(&ours, 0, sizeof(ours));
	ours.authenticated = 1;
	snprintf(ours.name, sizeof(ours.name), "MTA-A");
	if (now == 0) {		/* the real encoder, with the real clock */
		ours.strong = 1;
		ours.key = k;
		snprintf(ours.token_for, sizeof(ours.token_for), "%s", to);
		assert_int_equal(p1_bind_encode(&ours, 0, 0, &out), 0);
	} else {
		/* the same token at another time: build it directly and
		 * read it back as the decoder would */
		StrongCredentials_t *sc = calloc(1, sizeof(*sc));

		assert_int_equal(p1_strong_build(k, to, now, sc), 0);
		p1_bind_clear(peer);
		peer->strong = 1;
		peer->tok = calloc(1, sizeof(*peer->tok));
		assert_non_null(peer->tok);
		p1_strong_take(sc, peer->tok);
		codec_free(&asn_DEF_StrongCredentials, sc);
		return;
	}
	assert_int_equal(p1_bind_decode(buf_ptr(&out), buf_avail(&out), 0,
					peer, &bare, why, sizeof(why)), 0);
	assert_false(bare);
	assert_true(peer->strong);
	assert_string_equal(peer->name, "MTA-A");
	assert_int_equal(peer->password_len, 0);
	buf_free(&out);
}

static struct p1_strong_check check_for(struct tlsid *id, const char *us,
					struct p1_strong_cache *cache)
{
	struct p1_strong_check c = { id, us, (int64_t)time(NULL), 300, cache };

	return c;
}

static void roundtrip(const char *kind, const char *oid)
{
	X509 *x;
	struct p1_strong_key *k = make_key(kind, kind, &x);
	struct tlsid id = TLSID_INIT;
	struct p1_strong_cache *cache = p1_strong_cache_new(16);
	struct p1_strong_check c;
	struct assoc_bind peer = { 0 };
	unsigned ev;
	char why[800];

	id.kind = TLSID_SPKI;
	assert_int_equal(tlsid_pin_of(x, TLSID_SPKI, id.pin), 0);
	c = check_for(&id, "mta-b", cache);	/* names without case */
	carried(k, "MTA-B", 0, &peer);
	assert_string_equal(peer.tok->type_oid, P1_STRONG_OID_TOKEN);
	assert_string_equal(peer.tok->sig_oid, oid);
	assert_string_equal(peer.tok->alg_oid, oid);
	assert_string_equal(peer.tok->name, "MTA-B");
	assert_int_equal(peer.tok->data_type, 1);
	assert_int_equal(peer.tok->rnd_len, P1_STRONG_RND_LEN);
	assert_true(peer.tok->has_cert);
	assert_true(peer.tok->time <= c.now && peer.tok->time >= c.now - 2);
	assert_int_equal(p1_strong_verify(peer.tok, &c, &ev, why,
					  sizeof(why)), P1S_OK);
	assert_int_equal(ev, 0);
	/* the same token again: a replay */
	assert_int_equal(p1_strong_verify(peer.tok, &c, &ev, why,
					  sizeof(why)), P1S_REPLAY);
	assert_int_equal(ev, EV_STRONG_REPLAY);
	assert_non_null(strstr(why, "replayed"));
	p1_bind_clear(&peer);
	p1_strong_cache_free(cache);
	p1_strong_key_free(k);
	X509_free(x);
}

static void test_roundtrip_ec(void **state)
{
	(void)state;
	roundtrip("ec", "1.2.840.10045.4.3.2");
}

static void test_roundtrip_rsa(void **state)
{
	(void)state;
	roundtrip("rsa", "1.2.840.113549.1.1.11");
}

static void test_roundtrip_ed25519(void **state)
{
	(void)state;
	roundtrip("ed25519", "1.3.101.112");
}

/* refused - t is refused with r and event ev, why holding text */
static void refused(const struct p1_token *t, struct p1_strong_check *c,
		    enum p1_strong_result r, unsigned ev, const char *text)
{
	unsigned got;
	char why[800];

	assert_int_equal(p1_strong_verify(t, c, &got, why, sizeof(why)), r);
	assert_int_equal(got, ev);
	if (strstr(why, text) == NULL)
		fail_msg("\"%s\" not in \"%s\"", text, why);
}

static void test_refusals(void **state)
{
	X509 *x, *other;
	struct p1_strong_key *k = make_key("ec", "a", &x);
	struct p1_strong_key *k2 = make_key("ec", "b", &other);
	struct tlsid id = TLSID_INIT;
	struct p1_strong_check c;
	struct assoc_bind peer = { 0 }, p2 = { 0 };
	struct p1_token t;
	int64_t now = (int64_t)time(NULL);

	(void)state;
	id.kind = TLSID_CERT;
	assert_int_equal(tlsid_pin_of(x, TLSID_CERT, id.pin), 0);
	c = check_for(&id, "MTA-B", NULL);
	/* a flipped bit in the signature, or in the signed data */
	carried(k, "MTA-B", 0, &peer);
	t = *peer.tok;
	t.sig[t.sig_len / 2] ^= 0x01;
	refused(&t, &c, P1S_SIGNATURE, EV_STRONG_SIGNATURE,
		"does not verify");
	t = *peer.tok;
	t.tbs[t.tbs_len - 1] ^= 0x80;	/* the random number */
	refused(&t, &c, P1S_SIGNATURE, EV_STRONG_SIGNATURE,
		"does not verify");
	/* the time: 6 minutes either way is out, 4 minutes either way in */
	carried(k, "MTA-B", now - 360, &p2);
	refused(p2.tok, &c, P1S_TIME, EV_STRONG_TIME, "behind our clock");
	carried(k, "MTA-B", now + 360, &p2);
	refused(p2.tok, &c, P1S_TIME, EV_STRONG_TIME, "ahead of our clock");
	carried(k, "MTA-B", now - 240, &p2);
	refused(p2.tok, &c, P1S_OK, 0, "");
	carried(k, "MTA-B", now + 240, &p2);
	refused(p2.tok, &c, P1S_OK, 0, "");
	/* a token for another MTA */
	carried(k, "MTA-C", 0, &p2);
	refused(p2.tok, &c, P1S_NAME, EV_STRONG_NAME, "for MTA \"MTA-C\"");
	/* a certificate that is not the pinned one: B's own, valid token */
	carried(k2, "MTA-B", 0, &p2);
	refused(p2.tok, &c, P1S_IDENTITY, EV_TLS_PIN_MISMATCH,
		"does not match tls_pin");
	/* no certificate; no token */
	t = *peer.tok;
	t.has_cert = 0;
	refused(&t, &c, P1S_NO_CERT, EV_STRONG_INCOMPLETE,
		"without a certificate");
	t = *peer.tok;
	t.has_token = 0;
	refused(&t, &c, P1S_NO_TOKEN, EV_STRONG_INCOMPLETE,
		"without a bind token");
	/* signed data of another TokenData type */
	t = *peer.tok;
	t.data_type = 2;
	refused(&t, &c, P1S_BAD_TOKEN, EV_STRONG_BAD_TOKEN,
		"not bind-token-signed-data");
	/* the untouched token still passes (no cache here) */
	refused(peer.tok, &c, P1S_OK, 0, "");
	p1_bind_clear(&peer);
	p1_bind_clear(&p2);
	p1_strong_key_free(k);
	p1_strong_key_free(k2);
	X509_free(x);
	X509_free(other);
}

static void test_cache(void **state)
{
	struct p1_strong_cache *c = p1_strong_cache_new(2);
	const unsigned char cert[] = "cert", r1[] = "r1", r2[] = "r2",
	    r3[] = "r3";

	(void)state;
	assert_int_equal(p1_strong_cache_seen(c, cert, 4, r1, 2, 100, 400), 0);
	assert_int_equal(p1_strong_cache_seen(c, cert, 4, r1, 2, 200, 500), 1);
	/* another certificate with the same random is another key */
	assert_int_equal(p1_strong_cache_seen(c, r3, 2, r1, 2, 200, 500), 0);
	/* expired */
	assert_int_equal(p1_strong_cache_seen(c, cert, 4, r1, 2, 401, 700), 0);
	/* bounded: two slots, the oldest goes */
	assert_int_equal(p1_strong_cache_seen(c, cert, 4, r2, 2, 402, 700), 0);
	assert_int_equal(p1_strong_cache_seen(c, cert, 4, r3, 2, 402, 700), 0);
	assert_int_equal(p1_strong_cache_seen(c, cert, 4, r2, 2, 403, 700), 1);
	p1_strong_cache_free(c);
}

/*
 * An MTABindArgument (bare, X.411 12.1.1; IMPLICIT TAGS) with strong
 * credentials, written from the definitions:
 *
 * authenticated [1] SET {
 *   initiator-name [0] MTAName,
 *   initiator-credentials [1] Credentials }	explicit: a CHOICE
 * Credentials: strong [0] StrongCredentials	SET, implicit
 * StrongCredentials ::= SET { bind-token [0] Token, certificate [1]
 *   Certificates }
 * Token ::= SEQUENCE { token-type-identifier [0] OBJECT IDENTIFIER,
 *   token [1] EXPLICIT AsymmetricToken }
 * AsymmetricToken ::= SEQUENCE { AsymmetricTokenData,
 *   AlgorithmIdentifier, encrypted BIT STRING }
 * AsymmetricTokenData ::= SEQUENCE { signature-algorithm-identifier,
 *   name: mta [3] MTANameAndOptionalGDI, time UTCTime,
 *   signed-data [0] TokenData }
 * TokenData ::= SEQUENCE { type [0] INTEGER, value [1] EXPLICIT
 *   RandomNumber (BIT STRING) }
 * Certificates ::= SEQUENCE { certificate Certificate } and Certificate
 *   ::= SEQUENCE { to-be-signed, algorithm, encrypted BIT STRING }: here
 *   a stand-in that has the shape but is no X.509 certificate.
 */
#define ECDSA_SHA256 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02
static const unsigned char by_hand[] = {
	0xa1, 0x81, 0x84,		/* authenticated [1] SET, 132 */
	0x80, 0x05, 'M', 'T', 'A', '-', 'A',	/* initiator-name [0] */
	0xa1, 0x7b,			/* initiator-credentials [1], 123 */
	0xa0, 0x79,			/* strong [0] StrongCredentials, 121 */
	0xa0, 0x5d,			/* bind-token [0] Token, 93 */
	0x80, 0x04, 0x56, 0x03, 0x06, 0x00,	/* [0] OID 2.6.3.6.0 */
	0xa1, 0x55,			/* token [1] EXPLICIT, 85 */
	0x30, 0x53,			/* AsymmetricToken, 83 */
	/* offset 26: AsymmetricTokenData, 62 (64 with its header) */
	0x30, 0x3e,
	0x30, 0x0a, ECDSA_SHA256,	/* signature-algorithm-identifier */
	0xa3, 0x07,			/* mta [3] MTANameAndOptionalGDI */
	0x16, 0x05, 'M', 'T', 'A', '-', 'B',	/* mta-name IA5String */
	0x17, 0x0d, '2', '6', '1', '2', '0', '6', '1', '3', '1', '5', '0',
	'0', 'Z',			/* time UTCTime 261206131500Z */
	0xa0, 0x18,			/* signed-data [0] TokenData, 24 */
	0x80, 0x01, 0x01,		/* type [0] bind-token-signed-data */
	0xa1, 0x13,			/* value [1] EXPLICIT, 19 */
	0x03, 0x11, 0x00,		/* RandomNumber BIT STRING, 16 octets */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x30, 0x0a, ECDSA_SHA256,	/* algorithm-identifier */
	0x03, 0x05, 0x00, 0xde, 0xad, 0xbe, 0xef,	/* encrypted */
	0xa1, 0x18,			/* certificate [1] Certificates, 24 */
	/* offset 111: Certificate, 22 (24 with its header) */
	0x30, 0x16,
	0x30, 0x03, 0x02, 0x01, 0x01,	/* to-be-signed (a stand-in) */
	0x30, 0x0a, ECDSA_SHA256,	/* algorithm */
	0x03, 0x03, 0x00, 0xca, 0xfe,	/* encrypted */
};

static void test_by_hand(void **state)
{
	static const unsigned char rnd[] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const unsigned char sig[] = { 0xde, 0xad, 0xbe, 0xef };
	struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 6,
			 .tm_hour = 13, .tm_min = 15 };
	struct assoc_bind b = { 0 };
	struct tlsid id = TLSID_INIT;
	struct p1_strong_check c = { &id, "MTA-B", 0, 300, NULL };
	char why[300];
	int bare;

	(void)state;
	assert_int_equal(sizeof(by_hand), 135);
	assert_int_equal(p1_bind_decode(by_hand, sizeof(by_hand), 0, &b,
					&bare, why, sizeof(why)), 0);
	assert_true(bare);
	assert_string_equal(b.name, "MTA-A");
	assert_true(b.strong);
	assert_true(b.tok->present && b.tok->has_token && b.tok->has_cert);
	assert_string_equal(b.tok->bad, "");
	assert_string_equal(b.tok->type_oid, "2.6.3.6.0");
	assert_string_equal(b.tok->sig_oid, "1.2.840.10045.4.3.2");
	assert_string_equal(b.tok->alg_oid, "1.2.840.10045.4.3.2");
	assert_true(b.tok->has_name);
	assert_string_equal(b.tok->name, "MTA-B");
	assert_true(b.tok->has_time);
	assert_int_equal(b.tok->time, (int64_t)timegm(&tm));
	assert_int_equal(b.tok->data_type, 1);
	assert_int_equal(b.tok->rnd_len, sizeof(rnd));
	assert_memory_equal(b.tok->rnd, rnd, sizeof(rnd));
	assert_int_equal(b.tok->sig_len, sizeof(sig));
	assert_memory_equal(b.tok->sig, sig, sizeof(sig));
	/* what is signed: the AsymmetricTokenData's DER, as sent */
	assert_int_equal(b.tok->tbs_len, 64);
	assert_memory_equal(b.tok->tbs, by_hand + 26, 64);
	assert_int_equal(b.tok->cert_len, 24);
	assert_memory_equal(b.tok->cert, by_hand + 111, 24);
	/* and the stand-in is no certificate */
	c.now = b.tok->time;
	refused(b.tok, &c, P1S_NO_CERT, EV_STRONG_INCOMPLETE,
		"without a readable certificate");
	p1_bind_clear(&b);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_ec),
		cmocka_unit_test(test_roundtrip_rsa),
		cmocka_unit_test(test_roundtrip_ed25519),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_by_hand),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
