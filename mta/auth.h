/*
 * auth.h - MTA passwords: verifying the peer's, keeping our own
 *
 * SYNOPSIS
 *	#include "auth.h"
 *
 *	struct auth_verifier *v;  char err[AUTH_ERRLEN];
 *	rc = auth_verifier_parse("$pbkdf2-sha256$i=600000$...$...", 0, &v,
 *				 err, sizeof(err));
 *	ok = auth_check(v, pw, len);		loop thread: memo, then hash
 *	ok = auth_verify_password(v, bind_password);  an X.411 Password
 *	ok = auth_verify(v, pw, len);		any thread: always the hash
 *	auth_verifier_free(v);
 *
 *	char *h = auth_hash_pbkdf2(pw, len, 600000);
 *	char *h = auth_hash_scrypt(pw, len, 32768, 8, 1);
 *
 *	struct auth_secrets *s;
 *	rc = auth_secrets_load("/etc/x400/x400d.secrets", &s, err,
 *			       sizeof(err));
 *	const char *pw = auth_secret_get(s, "to-B");
 *	auth_secrets_free(s);
 *
 *	auth_password_set(&bind_arg_password, pw, len);
 *
 * DESCRIPTION
 *	X.411 binds carry simple credentials: Password ::= CHOICE {
 *	IA5String, OCTET STRING } (X.411 12.1.1.1.1.3; asn1/p1.asn1). We
 *	compare the octets whatever the choice: a peer may send "secret"
 *	either way.
 *
 *	Verifying the peer's password (issue 6). The configuration stores
 *	a verifier, a self-describing string:
 *
 *	  $pbkdf2-sha256$i=ITER$SALT$HASH
 *	      PBKDF2 (RFC 8018 5.2) with HMAC-SHA-256, ITER iterations
 *	      (1..10000000).
 *	  $scrypt$N=COST,r=BLOCK,p=PAR$SALT$HASH
 *	      scrypt (RFC 7914): N a power of 2 in 2..1048576, r 1..32,
 *	      p 1..16, 128 N r octets of memory at most 256 MiB.
 *	  SALT and HASH are base64 (RFC 4648 4, the standard alphabet)
 *	  without padding: a salt of 8..64 octets, a hash of 16..64.
 *	  ""  the peer sends no password, or an empty one.
 *	  $plain$TEXT, or TEXT not starting with '$'
 *	      the password itself: accepted only when allow_plain is set
 *	      (the configuration's allow_plaintext). Anyone who can read
 *	      the file then knows the peer's password; use a hash.
 *
 *	tools/x400passwd makes hash strings (defaults: PBKDF2 with 600000
 *	iterations, OWASP's 2023 figure; scrypt N=32768, r=8, p=1). Every
 *	comparison of secret octets is CRYPTO_memcmp() over equal
 *	lengths: a plaintext verifier compares SHA-256 digests, so that
 *	not even the length leaks through timing.
 *
 *	A hash costs on purpose (about 0.2 s for the defaults), which the
 *	libuv loop should not pay at every bind. auth_check() keeps a memo
 *	of the last password that verified: an HMAC-SHA-256 of it under a
 *	random key of the verifier's own. A peer binding again with the
 *	right password costs one HMAC; a wrong password always costs the
 *	full hash (and rate limiting, ratelimit.h, slows a guesser
 *	further). The memo is as sensitive as a fast hash of the password
 *	and lives only in the daemon's memory. To keep the loop free
 *	entirely, x400d can call auth_memo_match() on the loop, a miss
 *	then auth_verify() on a worker thread (uv_queue_work), and
 *	auth_memo_store() back on the loop once it verified.
 *
 *	Our own passwords, those we send, may live in a secrets file
 *	readable by the daemon alone, one libconfig setting a line:
 *	    to-B = "secret for B";
 *	auth_secrets_load() refuses the file if group or others have any
 *	permission on it, or if it is owned by someone else than root or
 *	the daemon's effective user (as ssh refuses a private key file):
 *	a password readable by any local user is no secret. Values are
 *	wiped from memory when freed.
 *
 * OWNERSHIP
 *	Verifiers and secrets belong to the caller (the *_free functions).
 *	auth_secret_get() returns a pointer into the secrets: valid until
 *	auth_secrets_free(). Hash strings are malloc()ed.
 *
 * DIAGNOSTICS
 *	Parsers and loaders return 0, or -1 with err saying what is wrong
 *	(the caller adds the file, line and key). Verifying returns 1 (the
 *	password matches) or 0. auth_hash_*() return NULL only if OpenSSL
 *	fails (no randomness).
 */
#ifndef X400_AUTH_H
#define X400_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "Password.h"

#define AUTH_ERRLEN		256
#define AUTH_PBKDF2_ITER	600000u
#define AUTH_SCRYPT_N		32768u
#define AUTH_SCRYPT_R		8u
#define AUTH_SCRYPT_P		1u

enum auth_kind {
	AUTH_NONE,		/* "": no password, or an empty one */
	AUTH_PLAIN,		/* the password in clear */
	AUTH_PBKDF2,		/* $pbkdf2-sha256$ */
	AUTH_SCRYPT		/* $scrypt$ */
};

struct auth_verifier;
struct auth_secrets;

/* auth_verifier_parse - a stored verifier (above); 0 or -1 */
int	auth_verifier_parse(const char *s, int allow_plain,
			    struct auth_verifier **out, char *err,
			    size_t errlen);
void	auth_verifier_free(struct auth_verifier *v);
enum auth_kind auth_verifier_kind(const struct auth_verifier *v);
const char *auth_kind_name(enum auth_kind k);
/* auth_verifier_text - the stored string (a secret if plaintext) */
const char *auth_verifier_text(const struct auth_verifier *v);
/* auth_verifier_equal - the same stored string */
int	auth_verifier_equal(const struct auth_verifier *a,
			    const struct auth_verifier *b);

/* auth_verify - the password matches (1) or not (0); reads v only, so
 *	any thread may call it */
int	auth_verify(const struct auth_verifier *v, const void *pw,
		    size_t len);
/* auth_memo_match - the password is the one last stored (1) or not */
int	auth_memo_match(const struct auth_verifier *v, const void *pw,
			size_t len);
/* auth_memo_store - remember a password that verified */
void	auth_memo_store(struct auth_verifier *v, const void *pw, size_t len);
/* auth_check - auth_memo_match, else auth_verify and auth_memo_store */
int	auth_check(struct auth_verifier *v, const void *pw, size_t len);
/* auth_verify_password - auth_check on the octets of an X.411 Password
 *	(NULL: no password, compared as empty) */
int	auth_verify_password(struct auth_verifier *v, const Password_t *pw);

/* auth_ct_equal - constant-time equality of two strings of octets
 *	whose lengths may differ (compares SHA-256 digests) */
int	auth_ct_equal(const void *a, size_t alen, const void *b, size_t blen);

/* auth_hash_pbkdf2, auth_hash_scrypt - a new verifier string for a
 *	password, with a fresh random salt of 16 octets and a hash of 32
 *	(malloc()ed; NULL if the parameters are out of range or OpenSSL
 *	fails) */
char	*auth_hash_pbkdf2(const void *pw, size_t len, unsigned iter);
char	*auth_hash_scrypt(const void *pw, size_t len, uint64_t n,
			  unsigned r, unsigned p);

/* auth_secrets_load - the secrets file (above); 0 or -1 */
int	auth_secrets_load(const char *path, struct auth_secrets **out,
			  char *err, size_t errlen);
/* auth_secret_get - the value of a name, or NULL */
const char *auth_secret_get(const struct auth_secrets *s, const char *name);
size_t	auth_secrets_count(const struct auth_secrets *s);
void	auth_secrets_free(struct auth_secrets *s);

/* auth_password_set - fill an X.411 Password we send: IA5String when
 *	every octet is IA5 (0..127), else OCTET STRING. dst is the
 *	caller's, its old contents not freed. */
void	auth_password_set(Password_t *dst, const void *pw, size_t len);
/* auth_password_octets - the octets of a received Password (NULL
 *	pw: none) */
const uint8_t *auth_password_octets(const Password_t *pw, size_t *len);

#endif
