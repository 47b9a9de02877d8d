/*
 * pcapw.c - write one TCP connection as a pcap file
 *
 * See pcapw.h. Formats: the classic libpcap file (magic a1b2c3d4,
 * version 2.4, link type 1 = Ethernet), Ethernet II, IPv4 (RFC 791) or
 * IPv6 (RFC 8200), TCP (RFC 9293) with a 20-octet header, checksums as
 * RFC 1071 computes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "pcapw.h"
#include "xalloc.h"

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10

#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define TCP_LEN		20

struct pcapw {
	FILE		*fp;		/* NULL: held in mem */
	char		*path;		/* NULL: held in mem */
	struct buf	mem;		/* pcapw_open_mem(): the file so far */
	size_t		max;		/* at most this much in mem */
	int		lost;		/* mem went over max: dropped */
	int		v6;
	/* [0] local, [1] peer: address (network order) and port */
	uint8_t		addr[2][16];
	uint16_t	port[2];
	uint32_t	seq[2];		/* next sequence number sent by side */
	uint16_t	ip_id;
	size_t		max_payload;
};

/* put16, put32 - big-endian stores */
static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* sum16 - RFC 1071 one's complement sum of p[0..n), folded later */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* put_le32 - the pcap file header is in our byte order; use little */
static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* out - append n octets to the file, or to the memory holding it (which
 *	is dropped, silently, once it would go over max); 0 or -errno */
static int out(struct pcapw *pw, const void *p, size_t n)
{
	if (pw->fp) {
		errno = 0;
		if (fwrite(p, 1, n, pw->fp) != n)
			return errno ? -errno : -EIO;
		return 0;
	}
	if (pw->lost)
		return 0;
	if (buf_avail(&pw->mem) + n > pw->max) {
		buf_free(&pw->mem);
		pw->lost = 1;
		return 0;
	}
	buf_add(&pw->mem, p, n);
	return 0;
}

/* tcp_sum - the TCP checksum of a segment (its checksum field taken as
 *	0) over the pseudo-header of its IP header ip */
static uint16_t tcp_sum(const struct pcapw *pw, const uint8_t *ip,
			const uint8_t *tcp, const uint8_t *data, size_t n)
{
	uint32_t s = pw->v6 ? sum16(0, ip + 8, 32) : sum16(0, ip + 12, 8);

	s += (uint32_t)(TCP_LEN + n) + 6;
	s = sum16(s, tcp, 16);			/* up to the checksum */
	s = sum16(s, tcp + 18, TCP_LEN - 18);	/* and after it */
	return fold(sum16(s, data, n));
}

/* frame - write one TCP segment from side `from` */
static int frame(struct pcapw *pw, int from, unsigned flags,
		 const uint8_t *data, size_t n)
{
	uint8_t hdr[16 + ETH_LEN + IP6_LEN + TCP_LEN];
	uint8_t *eth = hdr + 16, *ip = eth + ETH_LEN, *tcp;
	size_t iplen = pw->v6 ? IP6_LEN : IP4_LEN;
	size_t caplen = ETH_LEN + iplen + TCP_LEN + n;
	int to = !from, rc;
	struct timeval tv;

	tcp = ip + iplen;
	gettimeofday(&tv, NULL);
	/* pcap record header */
	put_le32(hdr, (uint32_t)tv.tv_sec);
	put_le32(hdr + 4, (uint32_t)tv.tv_usec);
	put_le32(hdr + 8, (uint32_t)caplen);
	put_le32(hdr + 12, (uint32_t)caplen);
	/* Ethernet: locally administered MACs ending in the side */
	memset(eth, 0, ETH_LEN);
	eth[0] = 0x02;
	eth[5] = (uint8_t)(to + 1);
	eth[6] = 0x02;
	eth[11] = (uint8_t)(from + 1);
	put16(eth + 12, pw->v6 ? 0x86dd : 0x0800);
	/* TCP */
	memset(tcp, 0, TCP_LEN);
	put16(tcp, pw->port[from]);
	put16(tcp + 2, pw->port[to]);
	put32(tcp + 4, pw->seq[from]);
	put32(tcp + 8, flags & TCP_ACK ? pw->seq[to] : 0);
	tcp[12] = (TCP_LEN / 4) << 4;
	tcp[13] = (uint8_t)flags;
	put16(tcp + 14, 65535);
	/* IP, and the TCP checksum over its pseudo-header */
	if (pw->v6) {
		memset(ip, 0, IP6_LEN);
		ip[0] = 0x60;
		put16(ip + 4, (unsigned)(TCP_LEN + n));
		ip[6] = 6;		/* next header: TCP */
		ip[7] = 64;
		memcpy(ip + 8, pw->addr[from], 16);
		memcpy(ip + 24, pw->addr[to], 16);
	} else {
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		put16(ip + 2, (unsigned)(IP4_LEN + TCP_LEN + n));
		put16(ip + 4, pw->ip_id++);
		ip[6] = 0x40;		/* don't fragment */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, pw->addr[from], 4);
		memcpy(ip + 16, pw->addr[to], 4);
		put16(ip + 10, fold(sum16(0, ip, IP4_LEN)));
	}
	put16(tcp + 16, tcp_sum(pw, ip, tcp, data, n));
	if ((rc = out(pw, hdr, 16 + ETH_LEN + iplen + TCP_LEN)) != 0 ||
	    (n && (rc = out(pw, data, n)) != 0))
		return rc;
	pw->seq[from] += (uint32_t)n;
	if (flags & (TCP_SYN | TCP_FIN))
		pw->seq[from]++;
	return 0;
}

/* addr_of - copy a sockaddr's address and port into side i */
static int addr_of(struct pcapw *pw, int i, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		memcpy(pw->addr[i], &s->sin_addr, 4);
		pw->port[i] = ntohs(s->sin_port);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s =
		    (const struct sockaddr_in6 *)sa;

		memcpy(pw->addr[i], &s->sin6_addr, 16);
		pw->port[i] = ntohs(s->sin6_port);
		return 6;
	}
	return -1;
}

/* create - open path for writing, mode 0600 whatever the umask (a
 *	capture holds the passwords of the MTA-binds): a new file, or an
 *	old one emptied and made 0600. 0 or -errno. */
static int create(const char *path, FILE **fp)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) != 0 || (*fp = fdopen(fd, "wb")) == NULL) {
		e = errno;
		close(fd);
		return -e;
	}
	return 0;
}

/* sides - a new pcapw for the two addresses; NULL (and *err) if they
 *	are not both IPv4 or both IPv6 */
static struct pcapw *sides(const struct sockaddr *local,
			   const struct sockaddr *peer, int *err)
{
	struct pcapw *pw = XNEW(struct pcapw);
	int a, b;

	a = addr_of(pw, PCAPW_FROM_LOCAL, local);
	b = addr_of(pw, PCAPW_FROM_PEER, peer);
	if (a < 0 || a != b) {
		free(pw);
		*err = -EAFNOSUPPORT;
		return NULL;
	}
	pw->v6 = a == 6;
	return pw;
}

/* start - the file header and the handshake, to wherever pw writes */
static int start(struct pcapw *pw, int local_initiated)
{
	uint8_t fh[24];
	int rc, ini = local_initiated ? PCAPW_FROM_LOCAL : PCAPW_FROM_PEER;

	pw->max_payload = pw->v6 ? 65535 - TCP_LEN :
	    65535 - IP4_LEN - TCP_LEN;
	/* initial sequence numbers: arbitrary, distinct per side */
	pw->seq[0] = 0x10000000u + pw->port[0];
	pw->seq[1] = 0x20000000u + pw->port[1];
	put_le32(fh, 0xa1b2c3d4);
	fh[4] = 2; fh[5] = 0;		/* version 2.4, little-endian */
	fh[6] = 4; fh[7] = 0;
	memset(fh + 8, 0, 8);		/* thiszone, sigfigs */
	put_le32(fh + 16, 262144);	/* snaplen */
	put_le32(fh + 20, 1);		/* LINKTYPE_ETHERNET */
	if ((rc = out(pw, fh, sizeof(fh))) != 0 ||
	    (rc = frame(pw, ini, TCP_SYN, NULL, 0)) != 0 ||
	    (rc = frame(pw, !ini, TCP_SYN | TCP_ACK, NULL, 0)) != 0 ||
	    (rc = frame(pw, ini, TCP_ACK, NULL, 0)) != 0)
		return rc;
	return 0;
}

struct pcapw *pcapw_open(const char *path, const struct sockaddr *local,
			 const struct sockaddr *peer, int local_initiated,
			 int *err)
{
	struct pcapw *pw = sides(local, peer, err);

	if (pw == NULL)
		return NULL;
	if ((*err = create(path, &pw->fp)) != 0) {
		free(pw);
		return NULL;
	}
	pw->path = xstrdup(path);
	if ((*err = start(pw, local_initiated)) != 0) {
		pcapw_close(pw);
		return NULL;
	}
	return pw;
}

struct pcapw *pcapw_open_mem(const struct sockaddr *local,
			     const struct sockaddr *peer, int local_initiated,
			     size_t max, int *err)
{
	struct pcapw *pw = sides(local, peer, err);

	if (pw == NULL)
		return NULL;
	pw->max = max;
	if ((*err = start(pw, local_initiated)) != 0) {
		pcapw_close(pw);
		return NULL;
	}
	return pw;
}

int pcapw_save(struct pcapw *pw, const char *path)
{
	int rc;

	if (pw->fp)
		return -EINVAL;
	if (pw->lost)
		return -EFBIG;
	if ((rc = create(path, &pw->fp)) != 0)
		return rc;
	pw->path = xstrdup(path);
	rc = out(pw, buf_ptr(&pw->mem), buf_avail(&pw->mem));
	buf_free(&pw->mem);
	return rc;
}

int pcapw_data(struct pcapw *pw, int from, const void *p, size_t n)
{
	const uint8_t *d = p;
	int rc;

	while (n > 0) {
		size_t k = n < pw->max_payload ? n : pw->max_payload;

		if ((rc = frame(pw, from, TCP_ACK | TCP_PSH, d, k)))
			return rc;
		d += k;
		n -= k;
	}
	return 0;
}

int pcapw_fin(struct pcapw *pw, int from)
{
	int rc = frame(pw, from, TCP_FIN | TCP_ACK, NULL, 0);

	return rc ? rc : frame(pw, !from, TCP_ACK, NULL, 0);
}

int pcapw_rst(struct pcapw *pw, int from)
{
	return frame(pw, from, TCP_RST | TCP_ACK, NULL, 0);
}

int pcapw_close(struct pcapw *pw)
{
	int rc = 0;

	if (pw == NULL)
		return 0;
	if (pw->fp && fclose(pw->fp) != 0)
		rc = -errno;
	buf_free(&pw->mem);
	free(pw->path);
	free(pw);
	return rc;
}

const char *pcapw_path(const struct pcapw *pw)
{
	return pw->path ? pw->path : "(memory)";
}

int pcapw_held(const struct pcapw *pw)
{
	return pw->fp == NULL;
}

/* ---- redaction of held captures ------------------------------------------ */

/* A segment of one direction's payload in the held memory. */
struct seg {
	size_t	rec;		/* offset of its record header */
	size_t	data;		/* offset of its payload */
	size_t	n;
};

/* segs - the records of held memory carrying payload from side `from`,
 *	in order; their number (*out: malloc'd) */
static size_t segs(const struct pcapw *pw, int from, struct seg **out)
{
	const uint8_t *m = buf_ptr(&pw->mem);
	size_t len = buf_avail(&pw->mem), off = 24, k = 0, cap = 0;
	size_t hl = ETH_LEN + (pw->v6 ? IP6_LEN : IP4_LEN) + TCP_LEN;
	struct seg *v = NULL;

	while (off + 16 <= len) {
		size_t caplen = (size_t)m[off + 8] | (size_t)m[off + 9] << 8 |
		    (size_t)m[off + 10] << 16 | (size_t)m[off + 11] << 24;

		if (off + 16 + caplen > len || caplen < hl)
			break;		/* cannot happen: we wrote it */
		if (m[off + 16 + 11] == from + 1 && caplen > hl) {
			if (k == cap)
				v = xrealloc(v, (cap = cap ? 2 * cap : 16) *
					     sizeof(*v));
			v[k].rec = off;
			v[k].data = off + 16 + hl;
			v[k++].n = caplen - hl;
		}
		off += 16 + caplen;
	}
	*out = v;
	return k;
}

/* ber_value_at - is s[i..i+n) the value of a primitive BER TLV whose
 *	length ends at i: a string tag (universal OCTET STRING or a
 *	character string, or a context-specific primitive tag) followed
 *	by the definite length n, short or long form? */
static int ber_value_at(const uint8_t *s, size_t i, size_t n)
{
	static const uint8_t str[] = { 0x04, 0x0c, 0x12, 0x13, 0x14, 0x15,
				       0x16, 0x19, 0x1a, 0x1b, 0x1c, 0x1e };
	size_t t;

	if (n < 0x80 && i >= 2 && s[i - 1] == n)
		t = i - 2;
	else if (n < 0x100 && i >= 3 && s[i - 2] == 0x81 && s[i - 1] == n)
		t = i - 3;
	else if (i >= 4 && s[i - 3] == 0x82 && s[i - 2] == (n >> 8 & 0xff) &&
		 s[i - 1] == (n & 0xff))
		t = i - 4;
	else
		return 0;
	if ((s[t] & 0xe0) == 0x80 && (s[t] & 0x1f) != 0x1f)
		return 1;		/* [n] IMPLICIT, primitive */
	return memchr(str, s[t], sizeof(str)) != NULL;
}

int pcapw_redact(struct pcapw *pw, int from, const void *secret, size_t n)
{
	struct seg *v;
	size_t k, i, total = 0, at;
	uint8_t *m, *s;
	int found = 0;

	if (pw->fp || pw->lost)
		return -EINVAL;
	if (n == 0)
		return 0;
	k = segs(pw, from, &v);
	for (i = 0; i < k; i++)
		total += v[i].n;
	s = xmalloc(total ? total : 1);
	m = buf_ptr(&pw->mem);
	for (i = 0, at = 0; i < k; at += v[i].n, i++)
		memcpy(s + at, m + v[i].data, v[i].n);
	for (i = 0; i + n <= total; i++)
		if (memcmp(s + i, secret, n) == 0 && ber_value_at(s, i, n)) {
			memset(s + i, PCAPW_FILLER, n);
			found++;
			i += n - 1;
		}
	for (i = 0, at = 0; found && i < k; at += v[i].n, i++) {
		uint8_t *ip = m + v[i].rec + 16 + ETH_LEN;
		uint8_t *tcp = ip + (pw->v6 ? IP6_LEN : IP4_LEN);

		if (memcmp(m + v[i].data, s + at, v[i].n) == 0)
			continue;
		memcpy(m + v[i].data, s + at, v[i].n);
		put16(tcp + 16, tcp_sum(pw, ip, tcp, m + v[i].data, v[i].n));
	}
	free(s);
	free(v);
	return found;
}
