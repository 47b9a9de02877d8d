/*
 * acl.h - which network addresses may call as a peer
 *
 * SYNOPSIS
 *	#include "acl.h"
 *
 *	struct acl *a = acl_new();
 *	char err[ACL_ERRLEN];
 *	rc = acl_add(a, "127.0.0.2", 0, err, sizeof(err));
 *	rc = acl_add(a, "10.0.0.0/8", 0, err, sizeof(err));
 *	rc = acl_add(a, "2001:db8::/32", 0, err, sizeof(err));
 *	rc = acl_add(a, "mta-b.example.net", 0, err, sizeof(err));
 *	if (!acl_match(a, (const struct sockaddr *)&peer)) ...
 *	acl_match_text(a, "127.0.0.3");
 *	acl_describe(a, buf, sizeof(buf));   "127.0.0.2 only"
 *	acl_free(a);
 *
 * DESCRIPTION
 *	An allow-list for one link (issue 6): the addresses from which a
 *	caller may bind as that link's peer. Each entry is one of
 *	  a.b.c.d  or  a.b.c.d/len	an IPv4 address or range (CIDR,
 *					len 0..32)
 *	  x:y::z   or  x:y::z/len	an IPv6 address or range (len 0..128)
 *	  a host name			resolved when added
 *	A range whose address has bits set beyond its prefix length
 *	("10.1.2.3/8") is refused: it is almost always a typo, and the
 *	error names the range meant ("10.0.0.0/8").
 *
 *	Host names are resolved by acl_add() with getaddrinfo(), every
 *	address of the name becoming an entry. This blocks: x400d calls it
 *	while loading its configuration (at start and on SIGHUP, before
 *	the new configuration replaces the old), never while serving
 *	peers. A name that does not resolve is an error. With
 *	ACL_NO_RESOLVE a name is kept without addresses (it then matches
 *	nothing); the fuzz target and syntax checks use it.
 *
 *	IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are IPv4: an entry so
 *	written is stored as IPv4 (prefix length less 96), and a caller
 *	seen on an IPv6 socket as ::ffff:a.b.c.d matches IPv4 entries.
 *
 *	acl_describe() writes a summary for refusal events, each entry as
 *	written, names followed by what they resolved to:
 *	"127.0.0.2 only", "127.0.0.2, 10.0.0.0/8 and localhost (127.0.0.1,
 *	::1) only". An ACL with no entry is written "no address".
 *
 *	A link with no allow-list accepts any address: the caller uses
 *	NULL for it, not an empty struct acl (which matches nothing).
 *
 * OWNERSHIP
 *	struct acl is the caller's (acl_free). Strings are copied.
 *	acl_match() does not modify the ACL: it may be called from any
 *	thread while no one adds to it.
 *
 * DIAGNOSTICS
 *	acl_add() returns 0, or -1 with err saying what is wrong with the
 *	entry ("10.1.2.3/8: host bits set beyond /8 (did you mean
 *	10.0.0.0/8?)", "mta-x.example: does not resolve: Name or service
 *	not known").
 */
#ifndef X400_ACL_H
#define X400_ACL_H

#include <stddef.h>
#include <sys/socket.h>

#define ACL_ERRLEN	256
#define ACL_NO_RESOLVE	0x01	/* keep host names unresolved */

struct acl;

struct acl *acl_new(void);
void	acl_free(struct acl *a);

/* acl_add - one entry: address, CIDR range or host name; 0 or -1 */
int	acl_add(struct acl *a, const char *spec, int flags, char *err,
		size_t errlen);
/* acl_count - entries as written (a name counts once) */
size_t	acl_count(const struct acl *a);

/* acl_match - the address (AF_INET or AF_INET6) is allowed: 1, or 0 */
int	acl_match(const struct acl *a, const struct sockaddr *sa);
/* acl_match_text - the same for a numeric address string ("::1",
 *	"127.0.0.2"); 0 for a string that is not one */
int	acl_match_text(const struct acl *a, const char *addr);

/* acl_describe - the summary above, NUL-terminated and truncated with
 *	"..." to fit; returns buf */
char	*acl_describe(const struct acl *a, char *buf, size_t len);

/* acl_equal - the same entries, resolved to the same addresses, in the
 *	same order (the configuration's reload compares links with it) */
int	acl_equal(const struct acl *a, const struct acl *b);

#endif
