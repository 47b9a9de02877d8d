/*
 * osiframe.c - wrap encoded PDUs in fixed OSI framing and write a pcap
 *
 * See osiframe.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "osiframe.h"

struct osif_frame {
	int		dir;
	unsigned char	*data;		/* one TPKT */
	size_t		len;
};

struct osif {
	struct osif_frame *v;
	size_t		n;
};

struct osif *osif_new(void)
{
	return calloc(1, sizeof(struct osif));
}

void osif_free(struct osif *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].data);
	free(f->v);
	free(f);
}

/* osif_tpkt_join - RFC 1006 6: version 3, reserved 0, length; then the
 *	TPDU. With join, the TPKT goes at the end of the last frame (one TCP
 *	segment holding several TPKTs, as real stacks send them). */
static int osif_tpkt_join(struct osif *f, int dir, const unsigned char *hdr,
			  size_t hlen, const void *body, size_t blen, int join)
{
	size_t len = 4 + hlen + blen, at = 0;
	struct osif_frame *v;
	unsigned char *p;

	if (len > 65535)
		return -1;
	if (join) {
		if (f->n == 0 || f->v[f->n - 1].dir != dir)
			return -1;
		v = &f->v[f->n - 1];
		if ((p = realloc(v->data, v->len + len)) == NULL)
			return -1;
		at = v->len;
		v->data = p;
		v->len += len;
	} else {
		if ((p = malloc(len)) == NULL)
			return -1;
		if ((v = realloc(f->v, (f->n + 1) * sizeof(*v))) == NULL) {
			free(p);
			return -1;
		}
		f->v = v;
		f->v[f->n].dir = dir;
		f->v[f->n].data = p;
		f->v[f->n].len = len;
		f->n++;
	}
	p[at] = 3;
	p[at + 1] = 0;
	p[at + 2] = (unsigned char)(len >> 8);
	p[at + 3] = (unsigned char)len;
	memcpy(p + at + 4, hdr, hlen);
	if (blen)
		memcpy(p + at + 4 + hlen, body, blen);
	return 0;
}

/* osif_tpkt - one TPKT in a frame of its own */
static int osif_tpkt(struct osif *f, int dir, const unsigned char *hdr,
		     size_t hlen, const void *body, size_t blen)
{
	return osif_tpkt_join(f, dir, hdr, hlen, body, blen, 0);
}

int osif_cotp(struct osif *f, int dir, enum osif_tpdu type)
{
	/* CR/CC: class 0, TPDU size 2048 (0xc0), TSAPs "x400"/"x400". */
	static const unsigned char cr[] = {
		19, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00,
		0xc0, 0x01, 0x0b,
		0xc1, 0x02, 0x00, 0x01,
		0xc2, 0x04, 'x', '4', '0', '0' };
	static const unsigned char dr[] = {
		6, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00 };
	unsigned char cc[sizeof(cr)];

	switch (type) {
	case OSIF_CR:
		return osif_tpkt(f, dir, cr, sizeof(cr), NULL, 0);
	case OSIF_CC:
		memcpy(cc, cr, sizeof(cr));
		cc[1] = 0xd0;
		cc[2] = 0x00, cc[3] = 0x01;	/* dst-ref = CR's src-ref */
		cc[4] = 0x00, cc[5] = 0x02;
		return osif_tpkt(f, dir, cc, sizeof(cc), NULL, 0);
	case OSIF_DR:
		return osif_tpkt(f, dir, dr, sizeof(dr), NULL, 0);
	}
	return -1;
}

/* put_li - X.225 8.2.5: length as one octet, or 0xff and two octets */
static size_t put_li(unsigned char *p, size_t li)
{
	if (li < 255) {
		p[0] = (unsigned char)li;
		return 1;
	}
	p[0] = 0xff;
	p[1] = (unsigned char)(li >> 8);
	p[2] = (unsigned char)li;
	return 3;
}

int osif_spdu(struct osif *f, int dir, int si, const void *params,
	      size_t plen, const void *ud, size_t udlen)
{
	static const unsigned char dt[] = { 2, 0xf0, 0x80 };
	size_t li = plen + (ud ? 1 + (udlen < 255 ? 1 : 3) + udlen : 0);
	unsigned char *p, *q;
	int rc;

	if ((p = malloc(li + 8)) == NULL)
		return -1;
	q = p;
	*q++ = (unsigned char)si;
	q += put_li(q, li);
	if (plen)
		memcpy(q, params, plen);
	q += plen;
	if (ud) {
		*q++ = udlen > 512 ? 194 : 193;
		q += put_li(q, udlen);
		memcpy(q, ud, udlen);
		q += udlen;
	}
	rc = osif_tpkt(f, dir, dt, sizeof(dt), p, (size_t)(q - p));
	free(p);
	return rc;
}

int osif_refuse(struct osif *f, int dir, const void *params, size_t plen,
		const void *ud, size_t udlen)
{
	unsigned char *p;
	size_t n = 0;
	int rc;

	if ((p = malloc(plen + udlen + 8)) == NULL)
		return -1;
	memcpy(p, params, plen);
	n = plen;
	p[n++] = 50;			/* Reason Code */
	n += put_li(p + n, 1 + udlen);
	p[n++] = 2;			/* rejection by the called SS-user */
	memcpy(p + n, ud, udlen);
	n += udlen;
	rc = osif_spdu(f, dir, 12, p, n, NULL, 0);
	free(p);
	return rc;
}

int osif_data(struct osif *f, int dir, const void *ud, size_t udlen)
{
	/* COTP DT with EOT, then GT (SI 1, LI 0) and DT (SI 1, LI 0). */
	static const unsigned char hdr[] = { 2, 0xf0, 0x80, 1, 0, 1, 0 };

	return osif_tpkt(f, dir, hdr, sizeof(hdr), ud, udlen);
}

int osif_data_sync(struct osif *f, int dir, const void *ud, size_t udlen,
		   unsigned serial)
{
	/* X.225 8.3.25: GT, then MAP with Serial Number (PI 42) as IA5
	 * digits; no user data. */
	unsigned char map[16] = { 2, 0xf0, 0x80, 1, 0, 41 };
	char digits[8];
	size_t n = (size_t)snprintf(digits, sizeof(digits), "%u",
				    serial % 1000000);

	map[6] = (unsigned char)(2 + n);
	map[7] = 42;
	map[8] = (unsigned char)n;
	memcpy(map + 9, digits, n);
	if (osif_data(f, dir, ud, udlen))
		return -1;
	return osif_tpkt_join(f, dir, map, 9 + n, NULL, 0, 1);
}

int osif_write_pcap(struct osif *f, const char *path)
{
	char txt[4096], cmd[8192];
	FILE *fp;
	int rc;

	snprintf(txt, sizeof(txt), "%s.txt", path);
	if ((fp = fopen(txt, "w")) == NULL)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		fprintf(fp, "%c\n", f->v[i].dir == OSIF_TO_RESPONDER ?
			'I' : 'O');
		for (size_t j = 0; j < f->v[i].len; j++) {
			if (j % 16 == 0)
				fprintf(fp, "%s%06zx", j ? "\n" : "", j);
			fprintf(fp, " %02x", f->v[i].data[j]);
		}
		fprintf(fp, "\n\n");
	}
	if (fclose(fp) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "text2pcap -q -D -4 127.0.0.1,127.0.0.2 "
		 "-T 40000,102 '%s' '%s' >/dev/null 2>&1", txt, path);
	rc = system(cmd);
	remove(txt);
	return rc == 0 ? 0 : -1;
}
