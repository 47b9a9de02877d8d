/*
 * tlsid.h - who a TLS peer must be: a pin, or a CA and a name
 *
 * SYNOPSIS
 *	#include "tlsid.h"
 *
 *	struct tlsid id = TLSID_INIT;
 *	tlsid_parse_pin("sha256-spki:4f:9a:...", &id, err, sizeof(err));
 *	id.ca = xstrdup("ca.pem");  id.name = xstrdup("mta-b.example");
 *	ev = tlsid_check(&id, cert, chain, why, sizeof(why));  0: it is
 *
 * DESCRIPTION
 *	A pin is the SHA-256 of the peer's certificate (DER), written
 *	"sha256-cert:HEX", or of its public key (the DER
 *	SubjectPublicKeyInfo), "sha256-spki:HEX"; HEX is 64 hex digits,
 *	upper or lower case, with or without colons. The SPKI pin
 *	survives a renewal with the same key.
 *
 *	tlsid_check(): with a pin, the certificate must match it (event
 *	2044 tls-pin-mismatch, naming both); else with a CA file the
 *	chain must verify against it (2043 tls-unknown-ca, or 2041/2042
 *	for its times) and the certificate must carry name in a
 *	subjectAltName (DNS or IP) or, without DNS names, the subject's
 *	CN (2045 tls-name-mismatch). No certificate at all is a mismatch
 *	of whichever applies. An id with neither pin nor CA accepts any
 *	certificate.
 *
 *	The CA file is read at each check unless tlsid_load_ca() read it
 *	into memory first (x400d does, before it gives root up and again
 *	on SIGHUP): then the file is not opened again, and may be one
 *	only root can read.
 *
 * OWNERSHIP
 *	A struct tlsid owns its strings and a reference to its CA store:
 *	tlsid_free(), tlsid_copy() (the copy shares the store). The
 *	certificate and chain given to tlsid_check() are borrowed.
 */
#ifndef X400_TLSID_H
#define X400_TLSID_H

#include <stddef.h>

#include <openssl/x509.h>


#define TLSID_PIN_LEN	32

enum tlsid_pin { TLSID_NONE, TLSID_CERT, TLSID_SPKI };

struct tlsid {
	enum tlsid_pin	kind;
	unsigned char	pin[TLSID_PIN_LEN];
	char		*ca;		/* CA file, or NULL */
	char		*name;		/* expected name, or NULL */
	X509_STORE	*store;		/* ca read (tlsid_load_ca), or NULL */
};

#define TLSID_INIT	{ TLSID_NONE, { 0 }, NULL, NULL, NULL }
#define TLSID_STRLEN	(12 + 3 * TLSID_PIN_LEN)

/* tlsid_parse_pin - "sha256-cert:HEX" or "sha256-spki:HEX" into id;
 *	0, or -1 with err */
int	tlsid_parse_pin(const char *s, struct tlsid *id, char *err,
			size_t errlen);
/* tlsid_pin_str - the pin as "sha256-KIND:AB:CD:..." */
void	tlsid_pin_str(enum tlsid_pin kind, const unsigned char *pin,
		      char buf[TLSID_STRLEN]);
/* tlsid_pin_of - the pin of a certificate, of that kind; 0 or -1 */
int	tlsid_pin_of(const X509 *x, enum tlsid_pin kind,
		     unsigned char pin[TLSID_PIN_LEN]);
/* tlsid_check - 0 if cert (with its chain) is the peer id names, else
 *	the event number (not logged: the caller's); why says what was
 *	found either way */
unsigned tlsid_check(const struct tlsid *id, const X509 *cert,
		     STACK_OF(X509) *chain, char *why, size_t len);
/* tlsid_load_ca - id's CA file (if any) read into memory, used by
 *	every check from now on; 0, or -1 with err naming the file and
 *	why (the store id had, if any, stays) */
int	tlsid_load_ca(struct tlsid *id, char *err, size_t errlen);
/* tlsid_keep_ca - dst checks with src's CA store (shared), whatever
 *	file dst names: the one read before, when dst's cannot be read */
void	tlsid_keep_ca(struct tlsid *dst, const struct tlsid *src);
/* tlsid_active - 1 if id names a peer (a pin, or a CA) */
int	tlsid_active(const struct tlsid *id);
void	tlsid_copy(struct tlsid *dst, const struct tlsid *src);
void	tlsid_free(struct tlsid *id);

#endif
