/*
 * xc_pcap.c - read and merge pcap files (the classic format of
 *	       tcpdump and Wireshark, "pcap" not "pcapng")
 *
 * See xc_pcap.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "xc_pcap.h"

#define MAGIC_US	0xa1b2c3d4u
#define MAGIC_NS	0xa1b23c4du
#define LINK_ETHERNET	1
#define REC_MAX		(256u << 10)	/* larger records are refused */

struct rec {
	double		ts;
	size_t		file, idx;
	unsigned char	*hdr;		/* 16 octets, then the data */
	size_t		len;
};

struct pfile {
	FILE		*fp;
	int		swap, ns;
	unsigned char	ghdr[24];
};

static uint32_t get32(const unsigned char *p, int swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
		    (v << 24);
	return v;
}

/* pf_open - open a file and read its global header */
static int pf_open(struct pfile *f, const char *path)
{
	uint32_t magic;

	memset(f, 0, sizeof(*f));
	if ((f->fp = fopen(path, "rb")) == NULL)
		return -errno;
	if (fread(f->ghdr, 1, 24, f->fp) != 24)
		goto bad;
	magic = get32(f->ghdr, 0);
	if (magic == MAGIC_US || magic == MAGIC_NS) {
		f->ns = magic == MAGIC_NS;
	} else {
		f->swap = 1;
		magic = get32(f->ghdr, 1);
		if (magic != MAGIC_US && magic != MAGIC_NS)
			goto bad;
		f->ns = magic == MAGIC_NS;
	}
	if (get32(f->ghdr + 20, f->swap) != LINK_ETHERNET)
		goto bad;
	return 0;
bad:
	fclose(f->fp);
	f->fp = NULL;
	return -EINVAL;
}

/* pf_next - the next record (header in hdr[16], data malloc()ed): 1, 0
 *	at the end, <0 on a damaged file */
static int pf_next(struct pfile *f, unsigned char hdr[16],
		   unsigned char **data, size_t *len, double *ts)
{
	size_t n;

	*data = NULL;
	n = fread(hdr, 1, 16, f->fp);
	if (n == 0)
		return 0;
	if (n != 16)
		return -EINVAL;
	*len = get32(hdr + 8, f->swap);
	if (*len > REC_MAX)
		return -EINVAL;
	*data = xmalloc(*len ? *len : 1);
	if (fread(*data, 1, *len, f->fp) != *len) {
		free(*data);
		*data = NULL;
		return -EINVAL;
	}
	*ts = get32(hdr, f->swap) + get32(hdr + 4, f->swap) /
	    (f->ns ? 1e9 : 1e6);
	return 1;
}

/* addr_text - "a.b.c.d:port" or "[v6]:port" */
static void addr_text(char *out, size_t n, int v6, const unsigned char *a,
		      unsigned port)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(v6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	if (v6)
		snprintf(out, n, "[%s]:%u", s, port);
	else
		snprintf(out, n, "%s:%u", s, port);
}

/* segment - a TCP segment out of an Ethernet frame, or -1 */
static int segment(const unsigned char *p, size_t n, struct xc_seg *s)
{
	const unsigned char *ip, *tcp;
	size_t iphl, thl, total;
	unsigned type;
	int v6;

	if (n < 14)
		return -1;
	type = (unsigned)(p[12] << 8 | p[13]);
	ip = p + 14;
	n -= 14;
	if (type == 0x0800) {
		if (n < 20 || (ip[0] >> 4) != 4 || ip[9] != 6)
			return -1;
		iphl = (size_t)(ip[0] & 15) * 4;
		total = (size_t)(ip[2] << 8 | ip[3]);
		v6 = 0;
	} else if (type == 0x86dd) {
		if (n < 40 || ip[6] != 6)
			return -1;
		iphl = 40;
		total = 40 + (size_t)(ip[4] << 8 | ip[5]);
		v6 = 1;
	} else {
		return -1;
	}
	if (total > n || iphl + 20 > total)
		return -1;
	tcp = ip + iphl;
	thl = (size_t)(tcp[12] >> 4) * 4;
	if (thl < 20 || iphl + thl > total)
		return -1;
	addr_text(s->src, sizeof(s->src), v6, v6 ? ip + 8 : ip + 12,
		  (unsigned)(tcp[0] << 8 | tcp[1]));
	addr_text(s->dst, sizeof(s->dst), v6, v6 ? ip + 24 : ip + 16,
		  (unsigned)(tcp[2] << 8 | tcp[3]));
	s->flags = tcp[13] & (XC_TCP_FIN | XC_TCP_SYN | XC_TCP_RST);
	s->data = tcp + thl;
	s->len = total - iphl - thl;
	return 0;
}

int xc_pcap_read(const char *path, xc_seg_fn *fn, void *arg)
{
	struct pfile f;
	unsigned char hdr[16], *data;
	size_t len;
	double ts;
	int rc;

	if ((rc = pf_open(&f, path)) != 0)
		return rc;
	while ((rc = pf_next(&f, hdr, &data, &len, &ts)) == 1) {
		struct xc_seg s;

		memset(&s, 0, sizeof(s));
		if (segment(data, len, &s) == 0) {
			s.ts = ts;
			fn(arg, &s);
		}
		free(data);
	}
	fclose(f.fp);
	return rc;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int xc_pcap_merge(const char *const *in, size_t n, const char *out)
{
	struct rec *r = NULL;
	size_t nr = 0, cap = 0, i;
	unsigned char ghdr[24], hdr[16], *data;
	int have_hdr = 0, rc = 0;
	size_t len;
	double ts;
	FILE *fp;

	for (i = 0; i < n && rc == 0; i++) {
		struct pfile f;
		size_t idx = 0;

		if (pf_open(&f, in[i]) != 0)
			continue;	/* a capture that never started */
		if (!have_hdr) {
			memcpy(ghdr, f.ghdr, 24);
			have_hdr = 1;
		}
		while ((rc = pf_next(&f, hdr, &data, &len, &ts)) == 1) {
			if (nr == cap)
				r = xrealloc(r, (cap = cap * 2 + 64) *
					     sizeof(*r));
			r[nr].ts = ts;
			r[nr].file = i;
			r[nr].idx = idx++;
			r[nr].hdr = xmalloc(16 + len);
			/* rewrite the record header in the output's order:
			 * ours are all little-endian microseconds */
			memcpy(r[nr].hdr, hdr, 16);
			memcpy(r[nr].hdr + 16, data, len);
			r[nr].len = len;
			nr++;
			free(data);
		}
		if (rc < 0)
			rc = 0;		/* a torn last record: keep the rest */
		fclose(f.fp);
	}
	if (!have_hdr) {
		free(r);
		return -ENOENT;
	}
	qsort(r, nr, sizeof(*r), rec_cmp);
	if ((fp = fopen(out, "wb")) == NULL) {
		rc = -errno;
	} else {
		fwrite(ghdr, 1, 24, fp);
		for (i = 0; i < nr; i++)
			fwrite(r[i].hdr, 1, 16 + r[i].len, fp);
		if (fclose(fp) != 0)
			rc = -errno;
	}
	for (i = 0; i < nr; i++)
		free(r[i].hdr);
	free(r);
	return rc;
}
