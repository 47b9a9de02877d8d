/*
 * p1_bind.h - the MTA-bind argument, result and error (X.411 12.1)
 *
 * SYNOPSIS
 *	#include "p1_bind.h"
 *
 *	p1_bind_encode(&ours, result, bare, &out);
 *	p1_bind_decode(p, n, result, &peer, &bare, why, sizeof(why));
 *	e = p1_bind_error_decode(p, n);  p1_bind_error_name(e);
 *
 * DESCRIPTION
 *	The values RTSE's open carries (X.419 A.1). In 1988 normal mode
 *	the argument travels tagged [16] and the result [17] (the
 *	RO-notation BIND of X.219, as PP sends them); X.410-1984 systems
 *	(PP's X.410 channel) send both bare. p1_bind_encode() writes the
 *	form asked for; p1_bind_decode() takes either in any mode and says
 *	which came (*bare), so that a responder can answer in kind. We
 *	send a simple password as an OCTET STRING, as PP does, and take
 *	it as an IA5String or an OCTET STRING; or strong credentials
 *	(X.411 12.2.1.1: a bind token and our certificate, p1_strong.h). The bind error comes bare;
 *	a [18] around it is taken too.
 *
 * DIAGNOSTICS
 *	p1_bind_decode() returns -1 with the reason in why: an
 *	undecodable value (the codec's detail), an oversized name or
 *	password, ProtectedPassword (1999). Strong credentials decode
 *	into b->tok whatever they hold: p1_strong_verify() judges them.
 *	p1_bind_error_decode() returns -1
 *	for anything but an MTABindError.
 */
#ifndef X400_P1_BIND_H
#define X400_P1_BIND_H

#include <stddef.h>

#include "buf.h"
#include "p1_strong.h"

#define ASSOC_NAME_MAX	32	/* ub-mta-name-length */
#define ASSOC_PW_MAX	62	/* ub-password-length */

/* X.411 MTABindError */
enum { ASSOC_BE_BUSY = 0, ASSOC_BE_AUTHENTICATION = 2,
       ASSOC_BE_DIALOGUE_MODE = 3, ASSOC_BE_SECURITY_CONTEXT = 4,
       ASSOC_BE_CONFIDENTIALITY = 5 };

/* What one side's bind carries. Ours: strong set sends strong
 * credentials (p1_strong.h) signed with key (borrowed for the encode)
 * for the MTA token_for, else the simple password. The peer's: strong
 * set when it sent strong credentials, what they hold in *tok (to be
 * judged by p1_strong_verify()), no password. tok is NULL but for a
 * peer's strong credentials (about 11 KB, kept off the many simple
 * associations); the struct owns it: p1_bind_copy() copies it,
 * p1_bind_clear() frees it and wipes the rest. */
struct assoc_bind {
	int		authenticated;
	char		name[ASSOC_NAME_MAX + 1];
	unsigned char	password[ASSOC_PW_MAX + 1];
	size_t		password_len;
	int		strong;
	struct p1_strong_key *key;
	char		token_for[ASSOC_NAME_MAX + 1];
	struct p1_token	*tok;
};

/* p1_bind_copy - dst (cleared before, or zeroed) becomes a deep copy of
 *	src */
void	p1_bind_copy(struct assoc_bind *dst, const struct assoc_bind *src);
/* p1_bind_clear - free b's token, wipe b (the password) */
void	p1_bind_clear(struct assoc_bind *b);

/* p1_bind_encode - our argument (result 0) or result (1), authenticated
 *	with b's name and simple password, [16] / [17] or bare; appended
 *	to out. 0, or -1 if it does not encode */
int	p1_bind_encode(const struct assoc_bind *b, int result, int bare,
		       struct buf *out);
/* p1_bind_decode - the peer's argument or result, wrapped or bare, into
 *	b (cleared first with p1_bind_clear(): b must be zeroed or hold a
 *	decoded bind) */
int	p1_bind_decode(const unsigned char *p, size_t n, int result,
		       struct assoc_bind *b, int *bare, char *why, size_t len);
/* p1_bind_error_decode - an MTABindError, bare or in a [18]; -1 */
long	p1_bind_error_decode(const unsigned char *p, size_t n);
/* p1_bind_error_encode - an MTABindError, bare (as RTORJ carries it),
 *	appended to out; 0 or -1 */
int	p1_bind_error_encode(long e, struct buf *out);
/* p1_bind_error_name - "busy", "authentication-error", ... */
const char *p1_bind_error_name(long e);

#endif
