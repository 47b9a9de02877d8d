/*
 * capture.c - read OSI traffic from a pcap, for test vectors
 *
 * See capture.h. Ethernet (or Linux cooked) + IPv4 + TCP only: that is
 * what the vectors in tests/vectors hold.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

struct stream {
	unsigned char	*buf;		/* TCP bytes not yet cut into TPKTs */
	size_t		len;
	uint32_t	next_seq;
	int		have_seq;
	unsigned char	*tsdu;		/* DT data not yet ended by EOT */
	size_t		tsdu_len;
	int		raw;		/* keep whole TPKTs (cap_load_tpkts) */
};

/* grow_append - append n bytes to a malloc()ed buffer */
static int grow_append(unsigned char **buf, size_t *len, const void *p,
		       size_t n)
{
	unsigned char *nb = realloc(*buf, *len + n + 1);

	if (nb == NULL)
		return -1;
	memcpy(nb + *len, p, n);
	*buf = nb;
	*len += n;
	return 0;
}

/* cap_push - add one TSDU or TPDU to the list (copies the bytes) */
static int cap_push(struct cap *cap, unsigned frame, int from_init,
		    enum cap_kind kind, const unsigned char *p, size_t n)
{
	struct cap_tsdu *v = realloc(cap->tsdu, (cap->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	cap->tsdu = v;
	v = &cap->tsdu[cap->n];
	v->frame = frame;
	v->from_initiator = from_init;
	v->kind = kind;
	v->len = n;
	if ((v->data = malloc(n ? n : 1)) == NULL)
		return -1;
	memcpy(v->data, p, n);
	cap->n++;
	return 0;
}

/* tpdu_kind - X.224 13.1: the kind of TPDU from its code */
static enum cap_kind tpdu_kind(const unsigned char *p)
{
	switch (p[1] & 0xf0) {
	case 0xe0: return CAP_CR;
	case 0xd0: return CAP_CC;
	case 0x80: return CAP_DR;
	case 0xf0: return CAP_DT;
	default: return CAP_OTHER;
	}
}

/* cap_tpdu - X.224 13.3-13.7: classify one TPDU, join DT data */
static int cap_tpdu(struct cap *cap, struct stream *s, unsigned frame,
		    int from_init, const unsigned char *p, size_t n)
{
	enum cap_kind kind;
	size_t li;

	if (n < 2 || (li = p[0]) + 1 > n)
		return -1;
	if ((kind = tpdu_kind(p)) != CAP_DT)
		return cap_push(cap, frame, from_init, kind, p, n);
	if (li < 2)
		return -1;
	if (grow_append(&s->tsdu, &s->tsdu_len, p + li + 1, n - li - 1))
		return -1;
	if (p[2] & 0x80) {	/* EOT: the TSDU is complete */
		int rc = cap_push(cap, frame, from_init, CAP_DT, s->tsdu,
				  s->tsdu_len);
		s->tsdu_len = 0;
		return rc;
	}
	return 0;
}

/* cap_tpkt - one whole TPKT: as it is (raw), or its TPDU */
static int cap_tpkt(struct cap *cap, struct stream *s, unsigned frame,
		    int from_init, const unsigned char *p, size_t n)
{
	if (!s->raw)
		return cap_tpdu(cap, s, frame, from_init, p + 4, n - 4);
	if (n < 6 || (size_t)p[4] + 5 > n)
		return -1;
	return cap_push(cap, frame, from_init, tpdu_kind(p + 4), p, n);
}

/* cap_tcp - append in-order TCP data and cut out whole TPKTs (RFC 1006) */
static int cap_tcp(struct cap *cap, struct stream *s, unsigned frame,
		   int from_init, uint32_t seq, const unsigned char *p,
		   size_t n)
{
	if (s->have_seq && (int32_t)(seq - s->next_seq) < 0) {
		uint32_t dup = s->next_seq - seq;	/* retransmission */

		if (dup >= n)
			return 0;
		p += dup;
		n -= dup;
		seq += dup;
	}
	s->next_seq = seq + n;
	s->have_seq = 1;
	if (grow_append(&s->buf, &s->len, p, n))
		return -1;
	while (s->len >= 4) {
		size_t tl = ((size_t)s->buf[2] << 8) | s->buf[3];

		if (s->buf[0] != 3 || tl < 4)
			return -1;
		if (s->len < tl)
			break;
		if (cap_tpkt(cap, s, frame, from_init, s->buf, tl))
			return -1;
		memmove(s->buf, s->buf + tl, s->len - tl);
		s->len -= tl;
	}
	return 0;
}

/* cap_read - cap_load, or cap_load_tpkts when raw */
static int cap_read(const char *path, struct cap *cap, int raw)
{
	char err[PCAP_ERRBUF_SIZE];
	struct stream st[2] = { { .raw = raw }, { .raw = raw } };
	struct pcap_pkthdr *h;
	const unsigned char *pkt;
	uint16_t init_port = 0;
	unsigned frame = 0;
	pcap_t *pc;
	int link, rc = 0;

	memset(cap, 0, sizeof(*cap));
	if ((pc = pcap_open_offline(path, err)) == NULL)
		return -1;
	link = pcap_datalink(pc);
	while (rc == 0 && pcap_next_ex(pc, &h, &pkt) == 1) {
		size_t off = link == DLT_EN10MB ? 14 : link == DLT_LINUX_SLL ?
		    16 : 0;
		size_t ihl, thl, n = h->caplen;
		uint16_t sport;
		uint32_t seq;
		int from_init;

		frame++;
		if (n < off + 20 || (pkt[off] >> 4) != 4 || pkt[off + 9] != 6)
			continue;
		ihl = (size_t)(pkt[off] & 0x0f) * 4;
		if (n < off + ihl + 20)
			continue;
		pkt += off + ihl;
		n -= off + ihl;
		thl = (size_t)(pkt[12] >> 4) * 4;
		if (thl < 20 || n < thl)
			continue;
		sport = (uint16_t)(pkt[0] << 8 | pkt[1]);
		seq = (uint32_t)pkt[4] << 24 | (uint32_t)pkt[5] << 16 |
		      (uint32_t)pkt[6] << 8 | pkt[7];
		if ((pkt[13] & 0x12) == 0x02) {		/* SYN only */
			init_port = sport;
			continue;
		}
		if (n == thl)
			continue;
		from_init = sport == init_port;
		rc = cap_tcp(cap, &st[from_init], frame, from_init, seq,
			     pkt + thl, n - thl);
	}
	pcap_close(pc);
	for (int i = 0; i < 2; i++) {
		free(st[i].buf);
		free(st[i].tsdu);
	}
	if (rc)
		cap_free(cap);
	return rc;
}

int cap_load(const char *path, struct cap *cap)
{
	return cap_read(path, cap, 0);
}

int cap_load_tpkts(const char *path, struct cap *cap)
{
	return cap_read(path, cap, 1);
}

void cap_free(struct cap *cap)
{
	for (size_t i = 0; i < cap->n; i++)
		free(cap->tsdu[i].data);
	free(cap->tsdu);
	memset(cap, 0, sizeof(*cap));
}

/* spdu_header - X.225 8.2.3: SI and LI (one octet, or 0xff + two) */
static int spdu_header(const unsigned char *p, size_t n, int *si,
		       size_t *hdr, size_t *li)
{
	if (n < 2)
		return -1;
	*si = p[0];
	if (p[1] != 0xff) {
		*li = p[1];
		*hdr = 2;
	} else {
		if (n < 4)
			return -1;
		*li = (size_t)p[2] << 8 | p[3];
		*hdr = 4;
	}
	return *hdr + *li <= n ? 0 : -1;
}

/* spdu_user_data - find PGI 193 or 194 among the parameters */
static void spdu_user_data(const unsigned char *p, size_t n,
			   struct spdu_view *v)
{
	size_t off = 0;

	while (off + 2 <= n) {
		int code = p[off];
		size_t hdr, len;

		if (p[off + 1] != 0xff) {
			len = p[off + 1];
			hdr = 2;
		} else {
			if (off + 4 > n)
				return;
			len = (size_t)p[off + 2] << 8 | p[off + 3];
			hdr = 4;
		}
		if (off + hdr + len > n)
			return;
		if (code == 193 || code == 194) {
			v->ud = p + off + hdr;
			v->udlen = len;
			return;
		}
		off += hdr + len;
	}
}

int cap_spdu(const struct cap_tsdu *t, struct spdu_view *v)
{
	const unsigned char *p = t->data;
	size_t n = t->len, hdr, li;
	int si;

	memset(v, 0, sizeof(*v));
	if (t->kind != CAP_DT || spdu_header(p, n, &si, &hdr, &li))
		return -1;
	if ((si == 1 || si == 2) && hdr + li < n) {
		/* Category 0 (GT or PT) concatenated with category 2. */
		v->concatenated = 1;
		p += hdr + li;
		n -= hdr + li;
		if (spdu_header(p, n, &si, &hdr, &li))
			return -1;
		if (si == SPDU_GT_DT) {
			v->si = si;
			v->ud = p + hdr + li;
			v->udlen = n - hdr - li;
			return 0;
		}
	}
	v->si = si;
	spdu_user_data(p + hdr, li, v);
	return 0;
}
