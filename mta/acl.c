/*
 * acl.c - which network addresses may call as a peer
 *
 * See acl.h. Addresses are kept in network order, IPv4 in 4 octets and
 * IPv6 in 16; a range matches when the first plen bits are equal.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "acl.h"
#include "xalloc.h"

struct net {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];
	unsigned	plen;
};

/* One entry as written: an address, a range, or a name and what it
 * resolved to. */
struct spec {
	char		*text;
	int		is_name;
	struct net	*nets;
	size_t		nnets;
};

struct acl {
	struct spec	*specs;
	size_t		nspecs;
};

struct acl *acl_new(void)
{
	return XNEW(struct acl);
}

void acl_free(struct acl *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nspecs; i++) {
		free(a->specs[i].text);
		free(a->specs[i].nets);
	}
	free(a->specs);
	free(a);
}

size_t acl_count(const struct acl *a)
{
	return a->nspecs;
}

/* seterr - format an error into err (may be NULL); returns -1 */
static int seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* unmap - an IPv4-mapped IPv6 net becomes IPv4 */
static void unmap(struct net *n)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };

	if (n->family != AF_INET6 || n->plen < 96 ||
	    memcmp(n->addr, mapped, 12) != 0)
		return;
	n->family = AF_INET;
	memmove(n->addr, n->addr + 12, 4);
	memset(n->addr + 4, 0, 12);
	n->plen -= 96;
}

/* host_bits - some bit beyond plen is set */
static int host_bits(const struct net *n)
{
	size_t len = n->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < len; i++) {
		unsigned keep = n->plen >= 8 * (i + 1) ? 8 :
				n->plen <= 8 * i ? 0 : n->plen - 8 * (unsigned)i;
		uint8_t mask = (uint8_t)(0xff >> keep);

		if (n->addr[i] & mask)
			return 1;
	}
	return 0;
}

/* clear_host_bits - the range meant */
static void clear_host_bits(struct net *n)
{
	size_t len = n->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < len; i++) {
		unsigned keep = n->plen >= 8 * (i + 1) ? 8 :
				n->plen <= 8 * i ? 0 : n->plen - 8 * (unsigned)i;

		n->addr[i] &= (uint8_t)~(0xff >> keep);
	}
}

/* net_text - "a.b.c.d" or "a.b.c.d/len" */
static void net_text(const struct net *n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned full = n->family == AF_INET ? 32 : 128;

	inet_ntop(n->family, n->addr, a, sizeof(a));
	if (n->plen == full)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, n->plen);
}

/* parse_net - an address or range; 1 parsed, 0 not an address at all,
 *	-1 an address with an error (err set) */
static int parse_net(const char *spec, struct net *n, char *err,
		     size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(spec, '/');
	size_t alen = slash ? (size_t)(slash - spec) : strlen(spec);
	int numeric4 = 1, v6 = memchr(spec, ':', alen) != NULL;
	unsigned long plen;

	for (size_t i = 0; i < alen; i++)
		if (!((spec[i] >= '0' && spec[i] <= '9') || spec[i] == '.'))
			numeric4 = 0;
	if (!v6 && !numeric4 && slash == NULL)
		return 0;		/* a host name */
	if (alen == 0 || alen >= sizeof(addr))
		return seterr(err, errlen, "%s: not an address", spec);
	memcpy(addr, spec, alen);
	addr[alen] = 0;
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, addr, n->addr) == 1) {
		n->family = AF_INET;
		n->plen = 32;
	} else if (inet_pton(AF_INET6, addr, n->addr) == 1) {
		n->family = AF_INET6;
		n->plen = 128;
	} else {
		return seterr(err, errlen, "%s: not an %s address", spec,
			      v6 ? "IPv6" : numeric4 ? "IPv4" : "IP");
	}
	if (slash) {
		const char *p = slash + 1;
		char *end;

		if (*p < '0' || *p > '9' || strlen(p) > 3)
			return seterr(err, errlen, "%s: bad prefix length",
				      spec);
		plen = strtoul(p, &end, 10);
		if (*end || plen > n->plen)
			return seterr(err, errlen, "%s: prefix length over %u",
				      spec, n->plen);
		n->plen = (unsigned)plen;
		if (host_bits(n)) {
			char meant[INET6_ADDRSTRLEN + 8];
			struct net m = *n;

			clear_host_bits(&m);
			net_text(&m, meant, sizeof(meant));
			return seterr(err, errlen, "%s: host bits set beyond "
				      "/%u (did you mean %s?)", spec, n->plen,
				      meant);
		}
	}
	unmap(n);
	return 1;
}

/* name_ok - a host name: letters, digits, '-', '.' in labels of 1..63,
 *	253 at most */
static int name_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/* add_net - append n to s unless already there */
static void add_net(struct spec *s, const struct net *n)
{
	for (size_t i = 0; i < s->nnets; i++)
		if (s->nets[i].family == n->family &&
		    s->nets[i].plen == n->plen &&
		    memcmp(s->nets[i].addr, n->addr, 16) == 0)
			return;
	s->nets = xrealloc(s->nets, (s->nnets + 1) * sizeof(*s->nets));
	s->nets[s->nnets++] = *n;
}

/* resolve - every address of a name (getaddrinfo, blocking) */
static int resolve(struct spec *s, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(s->text, NULL, &hints, &res);
	if (rc != 0)
		return seterr(err, errlen, "%s: does not resolve: %s",
			      s->text, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		struct net n;

		memset(&n, 0, sizeof(n));
		if (ai->ai_family == AF_INET) {
			n.family = AF_INET;
			n.plen = 32;
			memcpy(n.addr, &((struct sockaddr_in *)(void *)
					 ai->ai_addr)->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6) {
			n.family = AF_INET6;
			n.plen = 128;
			memcpy(n.addr, &((struct sockaddr_in6 *)(void *)
					 ai->ai_addr)->sin6_addr, 16);
			unmap(&n);
		} else {
			continue;
		}
		add_net(s, &n);
	}
	freeaddrinfo(res);
	if (s->nnets == 0)
		return seterr(err, errlen, "%s: resolves to no IPv4 or IPv6 "
			      "address", s->text);
	return 0;
}

int acl_add(struct acl *a, const char *spec, int flags, char *err,
	    size_t errlen)
{
	struct spec s;
	struct net n;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = parse_net(spec, &n, err, errlen);
	if (rc < 0)
		return -1;
	s.text = xstrdup(spec);
	if (rc == 1) {
		add_net(&s, &n);
	} else {
		s.is_name = 1;
		if (!name_ok(spec)) {
			free(s.text);
			return seterr(err, errlen, "%s: neither an address, "
				      "a range nor a host name", spec);
		}
		if (!(flags & ACL_NO_RESOLVE) &&
		    resolve(&s, err, errlen) < 0) {
			free(s.text);
			free(s.nets);
			return -1;
		}
	}
	a->specs = xrealloc(a->specs, (a->nspecs + 1) * sizeof(*a->specs));
	a->specs[a->nspecs++] = s;
	return 0;
}

/* net_match - the first plen bits of addr equal n's */
static int net_match(const struct net *n, int family, const uint8_t *addr)
{
	unsigned full, rest;

	if (n->family != family)
		return 0;
	full = n->plen / 8;
	rest = n->plen % 8;
	if (memcmp(n->addr, addr, full) != 0)
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((n->addr[full] & mask) != (addr[full] & mask))
			return 0;
	}
	return 1;
}

/* match_raw - any entry matches */
static int match_raw(const struct acl *a, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < a->nspecs; i++)
		for (size_t j = 0; j < a->specs[i].nnets; j++)
			if (net_match(&a->specs[i].nets[j], family, addr))
				return 1;
	return 0;
}

int acl_match(const struct acl *a, const struct sockaddr *sa)
{
	struct net n;

	memset(&n, 0, sizeof(n));
	if (sa->sa_family == AF_INET) {
		n.family = AF_INET;
		n.plen = 32;
		memcpy(n.addr, &((const struct sockaddr_in *)(const void *)sa)
			       ->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		n.family = AF_INET6;
		n.plen = 128;
		memcpy(n.addr, &((const struct sockaddr_in6 *)(const void *)
				 sa)->sin6_addr, 16);
		unmap(&n);
	} else {
		return 0;
	}
	return match_raw(a, n.family, n.addr);
}

int acl_match_text(const struct acl *a, const char *addr)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return acl_match(a, (struct sockaddr *)&s4);
	}
	if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		return acl_match(a, (struct sockaddr *)&s6);
	}
	return 0;
}

/* put - append to buf at *off, remembering truncation */
static void put(char *buf, size_t len, size_t *off, int *trunc,
		const char *s)
{
	size_t n = strlen(s);

	if (*trunc)
		return;
	if (*off + n + 1 > len) {
		*trunc = 1;
		return;
	}
	memcpy(buf + *off, s, n + 1);
	*off += n;
}

char *acl_describe(const struct acl *a, char *buf, size_t len)
{
	size_t off = 0;
	int trunc = 0;

	if (len == 0)
		return buf;
	buf[0] = 0;
	if (a->nspecs == 0) {
		put(buf, len, &off, &trunc, "no address");
		return buf;
	}
	for (size_t i = 0; i < a->nspecs; i++) {
		const struct spec *s = &a->specs[i];

		if (i > 0)
			put(buf, len, &off, &trunc,
			    i + 1 == a->nspecs ? " and " : ", ");
		put(buf, len, &off, &trunc, s->text);
		if (!s->is_name)
			continue;
		put(buf, len, &off, &trunc, " (");
		if (s->nnets == 0)
			put(buf, len, &off, &trunc, "unresolved");
		for (size_t j = 0; j < s->nnets; j++) {
			char t[INET6_ADDRSTRLEN + 8];

			net_text(&s->nets[j], t, sizeof(t));
			if (j > 0)
				put(buf, len, &off, &trunc, ", ");
			put(buf, len, &off, &trunc, t);
		}
		put(buf, len, &off, &trunc, ")");
	}
	put(buf, len, &off, &trunc, " only");
	if (trunc) {
		/* keep what fits and mark the cut */
		size_t cut = len >= 4 ? len - 4 : 0;

		if (off < cut)
			cut = off;
		memcpy(buf + cut, "...", len - cut >= 4 ? 4 : len - cut);
		buf[len - 1] = 0;
	}
	return buf;
}

int acl_equal(const struct acl *a, const struct acl *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->nspecs != b->nspecs)
		return 0;
	for (size_t i = 0; i < a->nspecs; i++) {
		const struct spec *x = &a->specs[i], *y = &b->specs[i];

		if (strcmp(x->text, y->text) != 0 || x->nnets != y->nnets)
			return 0;
		for (size_t j = 0; j < x->nnets; j++)
			if (x->nets[j].family != y->nets[j].family ||
			    x->nets[j].plen != y->nets[j].plen ||
			    memcmp(x->nets[j].addr, y->nets[j].addr, 16) != 0)
				return 0;
	}
	return 1;
}
