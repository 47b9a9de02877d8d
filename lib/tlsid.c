/*
 * tlsid.c - pins and names of TLS peers; see tlsid.h
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "events.h"
#include "tlsid.h"
#include "xalloc.h"

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* parse_hex - 64 hex digits, colons allowed between octets */
static int parse_hex(const char *s, unsigned char *out)
{
	size_t n = 0;

	while (*s && n < TLSID_PIN_LEN) {
		int hi = hexval((unsigned char)s[0]), lo;

		if (hi < 0 || (lo = hexval((unsigned char)s[1])) < 0)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (*s == ':' && n < TLSID_PIN_LEN)
			s++;
	}
	return n == TLSID_PIN_LEN && *s == 0 ? 0 : -1;
}

int tlsid_parse_pin(const char *s, struct tlsid *id, char *err,
		    size_t errlen)
{
	enum tlsid_pin kind;

	if (strncasecmp(s, "sha256-cert:", 12) == 0)
		kind = TLSID_CERT;
	else if (strncasecmp(s, "sha256-spki:", 12) == 0)
		kind = TLSID_SPKI;
	else {
		snprintf(err, errlen, "\"%s\": a pin starts with "
			 "\"sha256-cert:\" or \"sha256-spki:\"", s);
		return -1;
	}
	if (parse_hex(s + 12, id->pin) < 0) {
		snprintf(err, errlen, "\"%s\": 32 octets in hex (64 digits, "
			 "colons allowed) after \"%.12s\"", s, s);
		return -1;
	}
	id->kind = kind;
	return 0;
}

void tlsid_pin_str(enum tlsid_pin kind, const unsigned char *pin,
		   char buf[TLSID_STRLEN])
{
	size_t o = (size_t)snprintf(buf, TLSID_STRLEN, "sha256-%s:",
				    kind == TLSID_SPKI ? "spki" : "cert");

	for (size_t i = 0; i < TLSID_PIN_LEN; i++)
		o += (size_t)snprintf(buf + o, TLSID_STRLEN - o, "%s%02X",
				      i ? ":" : "", pin[i]);
}

int tlsid_pin_of(const X509 *x, enum tlsid_pin kind,
		 unsigned char pin[TLSID_PIN_LEN])
{
	unsigned char *der = NULL;
	unsigned int n = 0;
	int len, rc;

	if (x == NULL)
		return -1;
	if (kind == TLSID_SPKI)
		len = i2d_PUBKEY(X509_get0_pubkey(x), &der);
	else
		len = i2d_X509(x, &der);
	if (len <= 0)
		return -1;
	rc = EVP_Digest(der, (size_t)len, pin, &n, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return rc == 1 && n == TLSID_PIN_LEN ? 0 : -1;
}

static void subject(const X509 *x, char *buf, size_t len)
{
	snprintf(buf, len, "(no certificate)");
	if (x)
		X509_NAME_oneline(X509_get_subject_name(x), buf, (int)len);
}

/* check_pin - the certificate against the pin */
static unsigned check_pin(const struct tlsid *id, const X509 *cert,
			  char *why, size_t len)
{
	unsigned char got[TLSID_PIN_LEN];
	char want_s[TLSID_STRLEN], got_s[TLSID_STRLEN], subj[256];

	if (tlsid_pin_of(cert, id->kind, got) == 0 &&
	    memcmp(got, id->pin, TLSID_PIN_LEN) == 0)
		return 0;
	tlsid_pin_str(id->kind, id->pin, want_s);
	if (cert)
		tlsid_pin_str(id->kind, got, got_s);
	else
		snprintf(got_s, sizeof(got_s), "none");
	subject(cert, subj, sizeof(subj));
	snprintf(why, len, "the peer's certificate %s does not match "
		 "tls_pin: expected %s, got %s", subj, want_s, got_s);
	return EV_TLS_PIN_MISMATCH;
}

/* ca_store - the store to check with, one reference the caller's: the
 *	one read before, else the CA file read now; NULL if it cannot be */
/* load_store - the CA file read into a new store; NULL with err (the
 *	reason: the file's, else OpenSSL's) */
static X509_STORE *load_store(const char *ca, char *err, size_t errlen)
{
	X509_STORE *st;
	FILE *f;

	if ((f = fopen(ca, "r")) == NULL) {	/* the reason, not OpenSSL's */
		snprintf(err, errlen, "%s: cannot open: %s", ca,
			 strerror(errno));
		return NULL;
	}
	fclose(f);
	if ((st = X509_STORE_new()) == NULL)
		panic("tlsid: out of memory");
	if (X509_STORE_load_file(st, ca) != 1) {
		snprintf(err, errlen, "%s: no CA certificate read from it (%s)",
			 ca, ERR_reason_error_string(ERR_peek_last_error()));
		ERR_clear_error();
		X509_STORE_free(st);
		return NULL;
	}
	return st;
}

/* ca_store - the store read before (a reference), else the file read
 *	now; NULL with err when it cannot be */
static X509_STORE *ca_store(const struct tlsid *id, char *err, size_t errlen)
{
	if (id->store)
		return X509_STORE_up_ref(id->store) == 1 ? id->store : NULL;
	return load_store(id->ca, err, errlen);
}

/* verify_chain - cert and chain against the CA */
static unsigned verify_chain(const struct tlsid *id, const X509 *cert,
			     STACK_OF(X509) *chain, char *why, size_t len)
{
	char subj[256], cant[400] = "";
	X509_STORE *st = ca_store(id, cant, sizeof(cant));
	X509_STORE_CTX *x = X509_STORE_CTX_new();
	int ok = 0, e = X509_V_ERR_UNSPECIFIED;
	unsigned ev;

	if (st == NULL && cant[0]) {	/* not the peer's fault */
		X509_STORE_CTX_free(x);
		subject(cert, subj, sizeof(subj));
		snprintf(why, len, "the link's tls_ca cannot be read (%s), so "
			 "the peer's certificate %s cannot be verified", cant,
			 subj);
		return EV_TLS_UNKNOWN_CA;
	}
	if (st && x && X509_STORE_CTX_init(x, st, (X509 *)cert, chain) == 1) {
		ok = X509_verify_cert(x) == 1;
		e = X509_STORE_CTX_get_error(x);
	}
	X509_STORE_CTX_free(x);
	X509_STORE_free(st);
	if (ok)
		return 0;
	ev = e == X509_V_ERR_CERT_HAS_EXPIRED ? EV_TLS_CERT_EXPIRED :
	     e == X509_V_ERR_CERT_NOT_YET_VALID ? EV_TLS_CERT_NOT_YET_VALID :
	     EV_TLS_UNKNOWN_CA;
	subject(cert, subj, sizeof(subj));
	snprintf(why, len, "the peer's certificate %s does not verify "
		 "against the link's tls_ca %s: %s", subj, id->ca,
		 X509_verify_cert_error_string(e));
	return ev;
}

/* check_name - the name in the subjectAltName (or the CN) */
static unsigned check_name(const struct tlsid *id, const X509 *cert,
			   char *why, size_t len)
{
	char subj[256];
	X509 *x = (X509 *)cert;

	if (X509_check_host(x, id->name, 0, 0, NULL) == 1 ||
	    X509_check_ip_asc(x, id->name, 0) == 1)
		return 0;
	subject(cert, subj, sizeof(subj));
	snprintf(why, len, "the peer's certificate %s does not name \"%s\" "
		 "(tls_name)", subj, id->name);
	return EV_TLS_NAME_MISMATCH;
}

unsigned tlsid_check(const struct tlsid *id, const X509 *cert,
		     STACK_OF(X509) *chain, char *why, size_t len)
{
	unsigned ev;

	snprintf(why, len, "the peer's certificate is the one expected");
	if (id->kind != TLSID_NONE)
		return check_pin(id, cert, why, len);
	if (id->ca == NULL)
		return 0;
	if (cert == NULL) {
		snprintf(why, len, "the peer sent no certificate; the link's "
			 "tls_ca needs one");
		return EV_TLS_UNKNOWN_CA;
	}
	if ((ev = verify_chain(id, cert, chain, why, len)) != 0)
		return ev;
	return id->name ? check_name(id, cert, why, len) : 0;
}

int tlsid_load_ca(struct tlsid *id, char *err, size_t errlen)
{
	X509_STORE *st;

	if (id->ca == NULL)
		return 0;
	if ((st = load_store(id->ca, err, errlen)) == NULL)
		return -1;
	X509_STORE_free(id->store);
	id->store = st;
	return 0;
}

void tlsid_keep_ca(struct tlsid *dst, const struct tlsid *src)
{
	if (src->store && X509_STORE_up_ref(src->store) == 1) {
		X509_STORE_free(dst->store);
		dst->store = src->store;
	}
}

int tlsid_active(const struct tlsid *id)
{
	return id->kind != TLSID_NONE || id->ca != NULL;
}

void tlsid_copy(struct tlsid *dst, const struct tlsid *src)
{
	*dst = *src;
	dst->ca = src->ca ? xstrdup(src->ca) : NULL;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	if (dst->store && X509_STORE_up_ref(dst->store) != 1)
		panic("tlsid_copy: X509_STORE_up_ref failed");
}

void tlsid_free(struct tlsid *id)
{
	free(id->ca);
	free(id->name);
	X509_STORE_free(id->store);
	id->ca = id->name = NULL;
	id->store = NULL;
}
