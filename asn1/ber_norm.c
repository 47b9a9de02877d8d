/*
 * ber_norm.c - rewrite a BER value with definite lengths only
 *
 * DESCRIPTION
 *	See ber_norm.h. Two walks over the same skeleton, in the same
 *	order: the first measures (each constructed value's new contents
 *	length, kept by its pre-order index, known when it closes), the
 *	second writes (each constructed value's length is known when it
 *	opens). Neither recurses: a stack of CODEC_MAX_DEPTH frames.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber_norm.h"
#include "codec.h"
#include "xalloc.h"

/* One open constructed value. */
struct norm_frame {
	size_t	end;		/* definite: offset of its end */
	size_t	taglen;		/* octets of its identifier */
	size_t	idx;		/* pre-order index among constructed values */
	size_t	sum;		/* measure: new contents length so far */
	int	indefinite;
};

/* The new contents length of every constructed value, by index. */
struct norm_sizes {
	size_t	*v;
	size_t	cap;
};

/* norm_lenlen - octets of the shortest length encoding of n (8.1.3) */
static size_t norm_lenlen(size_t n)
{
	size_t k = 1;

	if (n < 0x80)
		return 1;
	while (n) {
		k++;
		n >>= 8;
	}
	return k;
}

/* norm_putlen - write the shortest length encoding of n at out */
static size_t norm_putlen(uint8_t *out, size_t n)
{
	size_t k = norm_lenlen(n), i;

	if (k == 1) {
		out[0] = (uint8_t)n;
		return 1;
	}
	out[0] = (uint8_t)(0x80 | (k - 1));
	for (i = k - 1; i >= 1; i--, n >>= 8)
		out[i] = (uint8_t)(n & 0xff);
	return k;
}

/* norm_header - identifier and length octets at in[pos..bound)
 *	X.690 8.1.2, 8.1.3. Returns 0 or CODEC_E_MALFORMED. */
static int norm_header(const uint8_t *in, size_t pos, size_t bound,
		       size_t *taglen, int *constructed, int *indefinite,
		       size_t *hdrlen, size_t *clen)
{
	size_t p = pos;
	int n = 0;

	if (p >= bound)
		return CODEC_E_MALFORMED;
	*constructed = (in[p] & 0x20) != 0;
	if ((in[p++] & 0x1f) == 0x1f) {
		do {
			if (p >= bound || ++n > 4)
				return CODEC_E_MALFORMED;
		} while (in[p++] & 0x80);
	}
	*taglen = p - pos;
	if (p >= bound || in[p] == 0xff)
		return CODEC_E_MALFORMED;
	*indefinite = 0;
	*clen = 0;
	if (in[p] == 0x80) {
		if (!*constructed)
			return CODEC_E_MALFORMED;
		*indefinite = 1;
		p++;
	} else if (in[p] < 0x80) {
		*clen = in[p++];
	} else {
		size_t k = in[p++] & 0x7f;
		uint64_t v = 0;

		if (k > 8 || bound - p < k)
			return CODEC_E_MALFORMED;
		while (k--)
			v = (v << 8) | in[p++];
		if (v > SIZE_MAX / 4)
			return CODEC_E_MALFORMED;
		*clen = (size_t)v;
	}
	*hdrlen = p - pos;
	if (!*indefinite && bound - p < *clen)
		return CODEC_E_MALFORMED;
	return CODEC_OK;
}

/*
 * norm_walk - one walk over the value at in[0..len)
 *	out == NULL: measure, filling sz and *total, and *indef (any
 *	indefinite length seen). Otherwise write into out, whose size is
 *	*total from the measuring walk, reading sz.
 */
static int norm_walk(const uint8_t *in, size_t len, struct norm_sizes *sz,
		     uint8_t *out, size_t *total, int *indef)
{
	struct norm_frame st[CODEC_MAX_DEPTH + 1];
	size_t pos = 0, o = 0, nidx = 0;
	int depth = 0, err;

	for (;;) {
		struct norm_frame *f = depth ? &st[depth - 1] : NULL;
		size_t bound = f && !f->indefinite ? f->end : len;
		size_t taglen, hdr, clen, add;
		int constructed, indefinite;

		if (f && ((!f->indefinite && pos == f->end) ||
		    (f->indefinite && len - pos >= 2 && in[pos] == 0 &&
		     in[pos + 1] == 0))) {
			/* X.690 8.1.5: end-of-contents, dropped */
			if (f->indefinite)
				pos += 2;
			if (out == NULL)
				sz->v[f->idx] = f->sum;
			add = f->taglen + norm_lenlen(f->sum) + f->sum;
			if (--depth == 0) {
				if (out == NULL)
					*total = add;
				break;
			}
			st[depth - 1].sum += add;
			continue;
		}
		if ((err = norm_header(in, pos, bound, &taglen, &constructed,
				       &indefinite, &hdr, &clen)) != 0)
			return err;
		if (out != NULL) {
			size_t n = constructed ? sz->v[nidx] : clen;

			if (o + taglen + norm_lenlen(n) > *total)
				panic("ber_norm: output passes its measure");
			memcpy(out + o, in + pos, taglen);
			o += taglen;
			o += norm_putlen(out + o, n);
		}
		if (!constructed) {
			if (out != NULL) {
				if (o + clen > *total)
					panic("ber_norm: output passes its "
					      "measure");
				memcpy(out + o, in + pos + hdr, clen);
				o += clen;
			}
			pos += hdr + clen;
			add = taglen + norm_lenlen(clen) + clen;
			if (depth == 0) {
				if (out == NULL)
					*total = add;
				break;
			}
			st[depth - 1].sum += add;
			continue;
		}
		if (depth >= CODEC_MAX_DEPTH)
			return CODEC_E_DEPTH;
		if (out == NULL) {
			if (nidx == sz->cap) {
				sz->cap = sz->cap ? sz->cap * 2 : 64;
				sz->v = xrealloc(sz->v,
						 sz->cap * sizeof(sz->v[0]));
			}
			*indef |= indefinite;
		}
		st[depth].end = indefinite ? 0 : pos + hdr + clen;
		st[depth].taglen = taglen;
		st[depth].idx = nidx++;
		st[depth].sum = 0;
		st[depth].indefinite = indefinite;
		depth++;
		pos += hdr;
	}
	if (pos != len)
		return CODEC_E_MALFORMED;
	if (out != NULL && o != *total)
		panic("ber_norm: wrote %zu octets of %zu", o, *total);
	return CODEC_OK;
}

int ber_norm_definite(const void *buf, size_t len, unsigned char **out,
		      size_t *outlen)
{
	struct norm_sizes sz = { NULL, 0 };
	size_t total = 0;
	int indef = 0, err;

	*out = NULL;
	err = norm_walk(buf, len, &sz, NULL, &total, &indef);
	if (err != CODEC_OK || !indef) {
		free(sz.v);
		return err;
	}
	*out = xmalloc(total + 1);
	err = norm_walk(buf, len, &sz, *out, &total, &indef);
	free(sz.v);
	if (err != CODEC_OK) {
		free(*out);
		*out = NULL;
		return err;
	}
	*outlen = total;
	return 1;
}
