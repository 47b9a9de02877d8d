/*
 * xc_cases_tx.c - test cases of the group TLS (TX)
 *
 * RFC 1006 inside TLS (IEC 62351-4 style) at the target's TLS listener
 * (suite.tls_address). The target's link for suite.tls_mta requires
 * TLS and knows x400conf's certificate (suite.tls_cert) by a pin. One
 * case shows that certificate accepted; the others must be refused.
 * Where a wrong certificate was stopped goes to the PICS: in the
 * handshake or before the target answered our CR ("before the bind"),
 * or only at the bind (the target read what an unknown caller sent).
 * The wrong certificates are made here,
 * in memory, with OpenSSL: a stranger's, one with our certificate's
 * subject and another key, and ours with its validity over. Every case
 * is inconclusive when the settings are left out.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "xc.h"
#include "xc_build.h"
#include "xc_cases.h"
#include "xc_peer.h"

/* Which certificate a case presents. */
enum tx_cert {
	TX_OURS,	/* suite.tls_cert */
	TX_NONE,	/* no certificate at all */
	TX_STRANGER,	/* another name, another key */
	TX_OTHER_KEY,	/* our subject and names, another key */
	TX_EXPIRED	/* our key, our subject, validity ended yesterday */
};

/* tx_ready - the settings are there; else the case is inconclusive */
static int tx_ready(struct xc *x)
{
	if (x->cfg.tls_host[0] && x->cfg.tls_cert[0])
		return 1;
	xc_inconc(x, "no suite.tls_address, suite.tls_cert and "
		  "suite.tls_key: x400conf does not know the target's TLS "
		  "listener or has no certificate for it");
	x->sent_nothing = 1;
	return 0;
}

static const char *tx_name(const struct xc *x)
{
	return x->cfg.tls_mta[0] ? x->cfg.tls_mta : x->cfg.u_mta;
}

/* read_pem - the first certificate (key 0) or private key (key 1) of a
 *	PEM file, or NULL */
static void *read_pem(const char *path, int key)
{
	FILE *fp = fopen(path, "r");
	void *v;

	if (fp == NULL)
		return NULL;
	v = key ? (void *)PEM_read_PrivateKey(fp, NULL, NULL, NULL) :
	    (void *)PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	return v;
}

/* copy_names - like's subject and subjectAltName onto c */
static int copy_names(X509 *c, const X509 *like)
{
	int i = X509_get_ext_by_NID(like, NID_subject_alt_name, -1);

	if (!X509_set_subject_name(c, X509_get_subject_name(like)))
		return -1;
	if (i >= 0 && !X509_add_ext(c, X509_get_ext(like, i), -1))
		return -1;
	return 0;
}

/* make_cert - a self-signed certificate for key, valid from..to
 *	seconds from now, named as like (or CN=cn); NULL on failure */
static X509 *make_cert(EVP_PKEY *key, const X509 *like, const char *cn,
		       long from, long to)
{
	X509 *c = X509_new();
	X509_NAME *n;
	unsigned char serial[8];
	int ok;

	if (c == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	ok = X509_set_version(c, 2) &&
	    ASN1_INTEGER_set_int64(X509_get_serialNumber(c),
				   (int64_t)serial[0] << 24 | serial[1] << 16 |
				   serial[2] << 8 | serial[3]) &&
	    X509_gmtime_adj(X509_getm_notBefore(c), from) &&
	    X509_gmtime_adj(X509_getm_notAfter(c), to) &&
	    X509_set_pubkey(c, key);
	if (!ok)
		goto fail;
	if (like) {
		if (copy_names(c, like) != 0)
			goto fail;
	} else {
		n = X509_get_subject_name(c);
		if (!X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
						(const unsigned char *)cn, -1,
						-1, 0))
			goto fail;
	}
	if (!X509_set_issuer_name(c, X509_get_subject_name(c)) ||
	    X509_sign(c, key, EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ?
		      NULL : EVP_sha256()) <= 0)
		goto fail;
	return c;
fail:
	X509_free(c);
	return NULL;
}

/* ctx_from - a client context presenting cert and key, through files
 *	in a private directory (conn_tls_ctx_new reads files) */
static struct conn_tls_ctx *ctx_from(struct xc *x, X509 *cert, EVP_PKEY *key)
{
	char dir[] = "/tmp/x400conf-tls.XXXXXX", cp[64], kp[64], err[240];
	struct conn_tls_ctx *t = NULL;
	FILE *fc = NULL, *fk = NULL;

	if (mkdtemp(dir) == NULL) {
		xc_inconc(x, "cannot make a directory for a certificate");
		return NULL;
	}
	snprintf(cp, sizeof(cp), "%s/cert.pem", dir);
	snprintf(kp, sizeof(kp), "%s/key.pem", dir);
	if ((fc = fopen(cp, "w")) && (fk = fopen(kp, "w")) &&
	    PEM_write_X509(fc, cert) &&
	    PEM_write_PrivateKey(fk, key, NULL, NULL, 0, NULL, NULL)) {
		fclose(fc);
		fclose(fk);
		fc = fk = NULL;
		if (conn_tls_ctx_new(0, cp, kp, NULL, &t, err,
				     sizeof(err)) != 0) {
			xc_inconc(x, "x400conf's TLS context: %s", err);
			t = NULL;
		}
	} else {
		xc_inconc(x, "cannot write a certificate to %s", dir);
	}
	if (fc)
		fclose(fc);
	if (fk)
		fclose(fk);
	unlink(cp);
	unlink(kp);
	rmdir(dir);
	return t;
}

/* tx_ctx - the client context of a case; NULL: inconclusive (said) */
static struct conn_tls_ctx *tx_ctx(struct xc *x, enum tx_cert which)
{
	struct conn_tls_ctx *t = NULL;
	X509 *ours = NULL, *c = NULL;
	EVP_PKEY *key = NULL;
	char err[240];

	if (which == TX_OURS || which == TX_NONE) {
		if (conn_tls_ctx_new(0, which == TX_OURS ? x->cfg.tls_cert :
				     NULL, which == TX_OURS ? x->cfg.tls_key :
				     NULL, NULL, &t, err, sizeof(err)) != 0) {
			xc_inconc(x, "suite.tls_cert, suite.tls_key: %s", err);
			return NULL;
		}
		return t;
	}
	if ((ours = read_pem(x->cfg.tls_cert, 0)) == NULL) {
		xc_inconc(x, "suite.tls_cert: %s: no PEM certificate",
			  x->cfg.tls_cert);
		return NULL;
	}
	key = which == TX_EXPIRED ? read_pem(x->cfg.tls_key, 1) :
	    EVP_EC_gen("P-256");
	if (key == NULL)
		xc_inconc(x, "suite.tls_key: %s: no PEM private key",
			  x->cfg.tls_key);
	else if ((c = make_cert(key, which == TX_STRANGER ? NULL : ours,
				"x400conf-stranger", which == TX_EXPIRED ?
				-2 * 86400L : -60, which == TX_EXPIRED ?
				-86400L : 86400L)) == NULL)
		xc_inconc(x, "OpenSSL could not make the case's certificate");
	else
		t = ctx_from(x, c, key);
	X509_free(c);
	EVP_PKEY_free(key);
	X509_free(ours);
	return t;
}

/* tx_peer - connect as the case says: TLS with t to suite.tls_address,
 *	or plain TCP to target.address (t NULL) */
static struct xc_peer *tx_peer(struct xc *x, struct conn_tls_ctx *t)
{
	struct xc_peer_opts o;

	xc_peer_opts_init(x, &o);
	if (t) {
		o.host = x->cfg.tls_host;
		o.port = x->cfg.tls_port;
		o.tls = t;
	}
	return xc_peer_new(x, &o);
}

static void tx_bind(const struct xc *x, struct buf *arg)
{
	struct xc_bind b = { 1, NULL, NULL, 0, 0 };

	b.name = tx_name(x);
	b.pw = x->cfg.u_password;
	b.pwlen = strlen(x->cfg.u_password);
	xc_bind_arg(&b, arg);
}

static void tx_good(struct xc *x)
{
	struct conn_tls_ctx *t;
	struct xc_peer *p;
	struct buf arg = BUF_INIT;
	enum xc_open rc;

	if (!tx_ready(x) || (t = tx_ctx(x, TX_OURS)) == NULL)
		return;
	p = tx_peer(x, t);
	if (!p->connected) {
		xc_fail(x, "no TLS association with suite.tls_cert: %s",
			conn_strerror(p->conn_status));
		xc_pics(x, "tls", "no");
	} else {
		xc_pics(x, "tls", "%s, %s", conn_tls_version(p->c),
			conn_tls_cipher(p->c));
		tx_bind(x, &arg);
		rc = xc_peer_open(p, buf_ptr(&arg), buf_avail(&arg));
		if (rc == XC_OPENED)
			xc_peer_release(p);
		else
			xc_fail(x, "MTA \"%s\" over TLS with the pinned "
				"certificate was not accepted: %s%s%s",
				tx_name(x), xc_open_name(rc),
				p->why[0] ? ": " : "", p->why);
	}
	xc_peer_free(p);
	buf_free(&arg);
	conn_tls_ctx_free(t);
}

/* tx_where - the PICS row of where certificates are refused: "at the
 *	bind" once any case saw the target read a bind first */
static void tx_where(struct xc *x, const char *where)
{
	const char *was = xc_pics_get(x, "tls.refusal");

	if (was == NULL || strncmp(was, "at the bind", 11) != 0)
		xc_pics(x, "tls.refusal", "%s", where);
}

/* tx_outcome - judge a refusal: the association must not open; where a
 *	refused certificate was stopped goes to the PICS (before the bind
 *	is what IEC 62351-4 wants; a target whose links take any
 *	certificate can only decide at the bind) */
static void tx_outcome(struct xc *x, struct xc_peer *p, enum xc_open rc,
		       int cert_fault, const char *what)
{
	if (rc == XC_OPENED) {
		xc_fail(x, "the target accepted %s", what);
		xc_peer_release(p);
		return;
	}
	if (rc == XC_TIMEOUT) {
		xc_fail(x, "no answer to %s within the answer timeout", what);
		return;
	}
	xc_note(x, "%s: %s%s%s%s", what, xc_open_name(rc),
		p->why[0] ? ": " : "", p->why, p->ntpdu_in ?
		" (after the target answered our CR: it read the bind)" :
		" (before the target answered our CR)");
	if (cert_fault)
		tx_where(x, p->ntpdu_in ? "at the bind (the bind is read "
			 "first)" : "before the bind");
}

/* tx_refused - the target must refuse an association that presents
 *	which (over TLS), or any plain association of suite.tls_mta */
static void tx_refused(struct xc *x, int tls, enum tx_cert which,
		       const char *what)
{
	struct conn_tls_ctx *t = NULL;
	struct xc_peer *p;
	struct buf arg = BUF_INIT;

	if (!tx_ready(x) || (tls && (t = tx_ctx(x, which)) == NULL))
		return;
	p = tx_peer(x, t);
	if (p->connected) {
		tx_bind(x, &arg);
		tx_outcome(x, p, xc_peer_open(p, buf_ptr(&arg),
					      buf_avail(&arg)), tls, what);
	} else if (tls && p->conn_status != CONN_E_SRCADDR &&
		   p->conn_status != UV_ECONNREFUSED) {
		xc_note(x, "%s: refused in the TLS handshake (%s)", what,
			conn_strerror(p->conn_status));
		tx_where(x, "before the bind");
	} else {
		xc_fail(x, "no %s connection to the target: %s",
			tls ? "TLS" : "TCP", conn_strerror(p->conn_status));
	}
	xc_peer_free(p);
	buf_free(&arg);
	conn_tls_ctx_free(t);
}

static void tx_plain(struct xc *x)
{
	tx_refused(x, 0, TX_OURS, "a plain association binding as the "
		   "TLS-required suite.tls_mta");
}

static void tx_no_cert(struct xc *x)
{
	tx_refused(x, 1, TX_NONE, "TLS with no client certificate");
}

static void tx_stranger(struct xc *x)
{
	tx_refused(x, 1, TX_STRANGER, "a self-signed certificate of a "
		   "stranger (CN=x400conf-stranger, a new key)");
}

static void tx_other_key(struct xc *x)
{
	tx_refused(x, 1, TX_OTHER_KEY, "a certificate with suite.tls_cert's "
		   "subject and names but another key (a pin mismatch)");
}

static void tx_expired(struct xc *x)
{
	tx_refused(x, 1, TX_EXPIRED, "suite.tls_cert's key and subject in a "
		   "certificate whose validity ended a day ago");
}

const struct xc_case xc_cases_tx[] = {
	{ "TX.01", "tls", "TLS association with the pinned certificate",
	  "IEC 62351-4 (TLS under RFC 1006); RFC 8446",
	  "TLS to suite.tls_address presenting suite.tls_cert, then an "
	  "MTA-bind as suite.tls_mta with us.password",
	  "The handshake completes; the bind is accepted. Inconclusive "
	  "without suite.tls_address and suite.tls_cert",
	  tx_good, XC_F_HEALTH },
	{ "TX.02", "tls", "plain association to a TLS-required link",
	  "IEC 62351-4; X.411 12.1.1.3 (MTA-bind-error)",
	  "Plain TCP to target.address, an MTA-bind as suite.tls_mta with "
	  "the right password",
	  "Refused (a bind error, an abort or the connection closed): the "
	  "link requires TLS",
	  tx_plain, XC_F_HEALTH },
	{ "TX.03", "tls", "TLS with no client certificate",
	  "IEC 62351-4 (mutual authentication); RFC 8446 4.4.2",
	  "TLS to suite.tls_address with no certificate, then the TX.01 "
	  "bind",
	  "Refused (the PICS says whether before the bind is read)",
	  tx_no_cert, XC_F_HEALTH },
	{ "TX.04", "tls", "certificate of a stranger",
	  "IEC 62351-4; RFC 5280 6 (path validation)",
	  "TLS presenting a self-signed certificate made for the case "
	  "(CN=x400conf-stranger, a new P-256 key), then the TX.01 bind",
	  "Refused (the PICS says whether before the bind is read)",
	  tx_stranger, XC_F_HEALTH },
	{ "TX.05", "tls", "our name, another key (pin mismatch)",
	  "IEC 62351-4; RFC 7469 2.4 (public-key pins)",
	  "TLS presenting a certificate with suite.tls_cert's subject and "
	  "subjectAltName, a new key, self-signed, then the TX.01 bind",
	  "Refused: a name check alone would let it in (the PICS says "
	  "whether before the bind is read)",
	  tx_other_key, XC_F_HEALTH },
	{ "TX.06", "tls", "expired certificate",
	  "IEC 62351-4; RFC 5280 4.1.2.5 (validity)",
	  "TLS presenting suite.tls_cert's subject and key in a certificate "
	  "valid from two days ago to one day ago, then the TX.01 bind",
	  "Refused (with a public-key pin, only the validity check stops "
	  "it; the PICS says whether before the bind is read)",
	  tx_expired, XC_F_HEALTH },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
