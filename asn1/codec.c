/*
 * codec.c - BER codec wrapper over the asn1c-generated codecs
 *
 * DESCRIPTION
 *	See codec.h. The generated decoders are trusted only with input
 *	whose TLV skeleton codec_ber_check() has already validated: that
 *	check is iterative (no recursion a peer can drive), bounds the
 *	nesting depth, and tells a truncated PDU (more bytes may come)
 *	from a malformed one (they never will make it valid). A value asn1c
 *	refuses is tried once more with every length definite (ber_norm.c),
 *	so what decoded before decodes the same way.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber_norm.h"
#include "codec.h"
#include "codec_pdus.h"

static __thread char codec_detail[400];

/* codec_why - record the detail of the last failure; returns err */
static int codec_why(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(codec_detail, sizeof(codec_detail), fmt, ap);
	va_end(ap);
	return err;
}

const char *codec_last_detail(void)
{
	return codec_detail;
}

const char *codec_strerror(int err)
{
	switch (err) {
	case CODEC_OK:		return "success";
	case CODEC_E_TRUNCATED:	return "truncated BER";
	case CODEC_E_MALFORMED:	return "malformed BER";
	case CODEC_E_TOOBIG:	return "PDU over the size cap";
	case CODEC_E_DEPTH:	return "BER nesting too deep";
	case CODEC_E_CONSTRAINT:return "constraint violated";
	case CODEC_E_TRAILING:	return "bytes after the PDU";
	case CODEC_E_NOSPACE:	return "output buffer too small";
	case CODEC_E_ENCODE:	return "structure cannot be encoded";
	case CODEC_E_NOMEM:	return "out of memory";
	default:		return "unknown codec error";
	}
}

/* One open constructed value during the TLV walk. */
struct ber_frame {
	size_t	end;		/* definite: offset of its end */
	size_t	bound;		/* no child may pass this offset */
	int	indefinite;
	int	guess;		/* a primitive's contents, read as TLVs */
};

/* ber_header - parse one tag and length at buf[pos..bound)
 *	X.690 8.1.2 (identifier octets), 8.1.3 (length octets). */
static int ber_header(const uint8_t *buf, size_t pos, size_t bound,
		      size_t buflen, int *constructed, int *indefinite,
		      size_t *hdrlen, size_t *contlen)
{
	/* Running out where the buffer ends means more bytes may come;
	 * running out at a definite container's end never heals. */
	int short_err = (bound == buflen) ? CODEC_E_TRUNCATED
					  : CODEC_E_MALFORMED;
	size_t p = pos;
	uint8_t id;

	if (p >= bound)
		return codec_why(short_err, "tag missing at offset %zu", pos);
	id = buf[p++];
	*constructed = (id & 0x20) != 0;
	if ((id & 0x1f) == 0x1f) {
		int n = 0;

		do {
			if (p >= bound)
				return codec_why(short_err,
				    "long tag truncated at offset %zu", pos);
			if (++n > 4)
				return codec_why(CODEC_E_MALFORMED,
				    "tag number too long at offset %zu", pos);
		} while (buf[p++] & 0x80);
	}
	if (p >= bound)
		return codec_why(short_err, "length missing at offset %zu",
				 pos);
	if (buf[p] < 0x80) {
		*indefinite = 0;
		*contlen = buf[p++];
	} else if (buf[p] == 0x80) {
		if (!*constructed)
			return codec_why(CODEC_E_MALFORMED,
			    "indefinite length on a primitive value at "
			    "offset %zu", pos);
		*indefinite = 1;
		*contlen = 0;
		p++;
	} else if (buf[p] == 0xff) {
		return codec_why(CODEC_E_MALFORMED,
				 "reserved length octet 0xff at offset %zu",
				 pos);
	} else {
		size_t n = buf[p++] & 0x7f;
		uint64_t v = 0;

		if (n > 8)
			return codec_why(CODEC_E_MALFORMED,
			    "length of %zu octets at offset %zu", n, pos);
		if (bound - p < n)
			return codec_why(short_err,
			    "length octets truncated at offset %zu", pos);
		while (n--)
			v = (v << 8) | buf[p++];
		if (v > SIZE_MAX / 2)
			return codec_why(CODEC_E_MALFORMED,
			    "length %llu at offset %zu", (unsigned long long)v,
			    pos);
		*indefinite = 0;
		*contlen = (size_t)v;
	}
	*hdrlen = p - pos;
	return CODEC_OK;
}

/* innermost_guess - the index of the innermost guess frame, or -1 */
static int innermost_guess(const struct ber_frame *stack, int depth)
{
	while (depth-- > 0)
		if (stack[depth].guess)
			return depth;
	return -1;
}

/*
 * codec_ber_check walks the TLV skeleton without recursion.
 *
 * Primitive contents read as TLVs ("guesses"): X.690 8.14 says an
 * explicit tag is always constructed, but asn1c 0.9.28 does not check
 * that for a tagged CHOICE: given a primitive one, it decodes the
 * contents as the TLVs of the CHOICE value. So the contents of every
 * primitive context, application or private TLV are walked as TLVs too,
 * as far as they are TLVs: where they stop being TLVs the guess is
 * abandoned and the contents are opaque octets (an IMPLICIT OCTET STRING,
 * say), and asn1c, reading the same octets, fails at the same place.
 * Inside a guess, the two things that hurt asn1c are refused as
 * anywhere else: [UNIVERSAL 0] that is not an end-of-contents, directly
 * inside an indefinite length (the CHOICE loop), and nesting deeper than
 * maxdepth.
 */
int codec_ber_check(const void *vbuf, size_t len, int maxdepth,
		    size_t *tlvlen)
{
	const uint8_t *buf = vbuf;
	struct ber_frame stack[CODEC_MAX_DEPTH + 1];
	int depth = 0, g;
	size_t pos = 0;

	if (maxdepth <= 0 || maxdepth > CODEC_MAX_DEPTH)
		maxdepth = CODEC_MAX_DEPTH;
	for (;;) {
		size_t bound = depth ? stack[depth - 1].bound : len;
		int constructed = 0, indefinite = 0, err;
		size_t hdr = 0, clen = 0;

		/* Close every container that ends here. */
		if (depth && !stack[depth - 1].indefinite &&
		    pos == stack[depth - 1].end) {
			depth--;
			if (depth == 0)
				break;
			continue;
		}
		if (depth && stack[depth - 1].indefinite &&
		    bound - pos >= 2 && buf[pos] == 0 && buf[pos + 1] == 0) {
			pos += 2;
			depth--;
			if (depth == 0)
				break;
			continue;
		}
		g = innermost_guess(stack, depth);
		/* X.690 8.1.5: [UNIVERSAL 0] is reserved for the
		 * end-of-contents octets, 00 00 closing an indefinite
		 * length, and is nothing else. (asn1c 0.9.28's CHOICE
		 * decoder loops for ever on 00 xx, xx != 0, where it expects
		 * the end of an indefinite outer tag.) */
		if (pos < bound && (buf[pos] & 0xdf) == 0) {
			if (depth && stack[depth - 1].indefinite) {
				if (buf[pos] == 0 && bound - pos < 2)
					err = codec_why(bound == len ?
					    CODEC_E_TRUNCATED :
					    CODEC_E_MALFORMED,
					    "end-of-contents cut at offset "
					    "%zu", pos);
				else
					return codec_why(CODEC_E_MALFORMED,
					    "tag [UNIVERSAL 0] that is not an "
					    "end-of-contents at offset %zu",
					    pos);
			} else {
				err = codec_why(CODEC_E_MALFORMED,
				    "end-of-contents outside an indefinite "
				    "value at offset %zu", pos);
			}
		} else {
			err = ber_header(buf, pos, bound, len, &constructed,
					 &indefinite, &hdr, &clen);
			if (!err && !indefinite && bound - pos - hdr < clen)
				err = codec_why(bound == len ?
				    CODEC_E_TRUNCATED : CODEC_E_MALFORMED,
				    "length %zu at offset %zu passes the end "
				    "of %s", clen, pos, bound == len ?
				    "the input" : "its container");
			if (!err && depth >= maxdepth &&
			    (constructed || (clen >= 2 && (buf[pos] & 0xc0))))
				return codec_why(CODEC_E_DEPTH,
				    "nesting deeper than %d at offset %zu",
				    maxdepth, pos);
		}
		if (err) {
			if (g < 0)
				return err;
			/* Not TLVs after all: opaque contents. */
			codec_detail[0] = 0;
			pos = stack[g].end;
			depth = g;
			if (depth == 0)
				break;
			continue;
		}
		if (!constructed && !(clen >= 2 && (buf[pos] & 0xc0))) {
			pos += hdr + clen;
			if (depth == 0)
				break;
			continue;
		}
		stack[depth].guess = !constructed;
		stack[depth].indefinite = indefinite;
		stack[depth].end = indefinite ? 0 : pos + hdr + clen;
		stack[depth].bound = indefinite ? bound : pos + hdr + clen;
		depth++;
		pos += hdr;
	}
	*tlvlen = pos;
	return CODEC_OK;
}

/* codec_writable - a decoded value must write back as valid DER. asn1c
 *	0.9.28 takes the contents of a primitive where an explicit tag
 *	belongs (X.690 8.14: always constructed) as the value of an [n] ANY,
 *	which then is not one TLV, and leaves an extensible CHOICE empty when
 *	its alternative is unknown: values the caller cannot use, and we
 *	could not send. Encoding once more and walking the skeleton of the
 *	encoding refuses both. */
static int codec_writable(asn_TYPE_descriptor_t *d, const void *s)
{
	asn_enc_rval_t er = der_encode(d, (void *)s, NULL, NULL);
	unsigned char *der;
	size_t tlvlen;
	int err;

	if (er.encoded < 0)
		return codec_why(CODEC_E_MALFORMED, "%s: decoded, but %s "
				 "cannot be written back", d->name,
				 er.failed_type ? er.failed_type->name :
				 "a member");
	if ((der = malloc((size_t)er.encoded + 1)) == NULL)
		return codec_why(CODEC_E_NOMEM, "%s: %zd octets", d->name,
				 er.encoded);
	er = der_encode_to_buffer(d, (void *)s, der, (size_t)er.encoded);
	err = er.encoded < 0 ? CODEC_E_ENCODE :
	    codec_ber_check(der, (size_t)er.encoded, CODEC_MAX_DEPTH, &tlvlen);
	if (err == CODEC_OK && tlvlen != (size_t)er.encoded)
		err = CODEC_E_MALFORMED;
	free(der);
	if (err != CODEC_OK)
		return codec_why(CODEC_E_MALFORMED, "%s: decoded, but an "
				 "embedded value (ANY) is not one TLV",
				 d->name);
	return CODEC_OK;
}

/* codec_asn1c - run asn1c's BER decoder over exactly buf[0..len) */
static int codec_asn1c(asn_TYPE_descriptor_t *d, const void *buf,
		       size_t len, void **s)
{
	asn_codec_ctx_t ctx = { .max_stack_size = 1024 * 1024 };
	asn_dec_rval_t rv;

	*s = NULL;
	rv = ber_decode(&ctx, d, s, buf, len);
	if (rv.code == RC_OK && rv.consumed == len)
		return CODEC_OK;
	d->free_struct(d, *s, 0);
	*s = NULL;
	/* The skeleton is complete, so "more data" means the contents do
	 * not fit the type; codec_decode() says where, if the retry fails */
	codec_detail[0] = 0;
	return CODEC_E_MALFORMED;
}

/* codec_asn1c_definite - the retry of a value asn1c refused, with every
 *	length definite (ber_norm.h: asn1c 0.9.28 refuses a chain of tags
 *	that mixes indefinite and definite lengths). The copy is held to
 *	the cap and its skeleton checked like the input's. On failure the
 *	first attempt's detail stands: that is what the peer sent. */
static int codec_asn1c_definite(asn_TYPE_descriptor_t *d, const void *buf,
				size_t len, size_t cap, void **s, int err)
{
	unsigned char *norm = NULL;
	char why[sizeof(codec_detail)];
	size_t nlen = 0, tlvlen;
	int rc;

	memcpy(why, codec_detail, sizeof(why));
	if (ber_norm_definite(buf, len, &norm, &nlen) != 1)
		return err;
	rc = nlen > cap ? CODEC_E_TOOBIG :
	    codec_ber_check(norm, nlen, CODEC_MAX_DEPTH, &tlvlen);
	if (rc == CODEC_OK && tlvlen == nlen)
		rc = codec_asn1c(d, norm, nlen, s);
	else
		rc = CODEC_E_MALFORMED;
	free(norm);
	if (rc == CODEC_OK) {
		codec_detail[0] = 0;
		return CODEC_OK;
	}
	memcpy(codec_detail, why, sizeof(why));
	return err;
}

int codec_decode(const asn_TYPE_descriptor_t *td, const void *buf,
		 size_t len, size_t cap, void **out, size_t *consumed)
{
	asn_TYPE_descriptor_t *d = (asn_TYPE_descriptor_t *)td;
	char cbuf[200];
	size_t cblen = sizeof(cbuf);
	size_t tlvlen;
	void *s = NULL;
	int err;

	*out = NULL;
	codec_detail[0] = 0;
	if (cap == 0)
		cap = CODEC_DEFAULT_CAP;
	if (len > cap)
		return codec_why(CODEC_E_TOOBIG, "%s: %zu octets, cap %zu",
				 td->name, len, cap);
	if ((err = codec_ber_check(buf, len, CODEC_MAX_DEPTH, &tlvlen)) != 0)
		return err;
	if (consumed == NULL && tlvlen != len)
		return codec_why(CODEC_E_TRAILING,
				 "%s: %zu octets after the PDU", td->name,
				 len - tlvlen);
	if ((err = codec_asn1c(d, buf, tlvlen, &s)) != CODEC_OK &&
	    (err = codec_asn1c_definite(d, buf, tlvlen, cap, &s, err)) !=
	    CODEC_OK) {
		if (codec_detail[0] == 0)	/* asn1c stops at offset 0 */
			codec_locate(d, buf, tlvlen, codec_detail,
				     sizeof(codec_detail));
		return err;
	}
	if (asn_check_constraints(d, s, cbuf, &cblen) != 0) {
		d->free_struct(d, s, 0);
		return codec_why(CODEC_E_CONSTRAINT, "%s: %s", td->name, cbuf);
	}
	if ((err = codec_writable(d, s)) != CODEC_OK) {
		d->free_struct(d, s, 0);
		return err;
	}
	*out = s;
	if (consumed)
		*consumed = tlvlen;
	return CODEC_OK;
}

ssize_t codec_encode(const asn_TYPE_descriptor_t *td, const void *sptr,
		     void *buf, size_t bufsize)
{
	asn_TYPE_descriptor_t *d = (asn_TYPE_descriptor_t *)td;
	asn_enc_rval_t er;
	char cbuf[200];
	size_t cblen = sizeof(cbuf);

	codec_detail[0] = 0;
	if (asn_check_constraints(d, sptr, cbuf, &cblen) != 0)
		return codec_why(CODEC_E_CONSTRAINT, "%s: %s", td->name, cbuf);
	er = der_encode_to_buffer(d, (void *)sptr, buf, bufsize);
	if (er.encoded >= 0)
		return er.encoded;
	/* Tell a short buffer from an unencodable structure. */
	er = der_encode(d, (void *)sptr, NULL, NULL);
	if (er.encoded >= 0 && (size_t)er.encoded > bufsize)
		return codec_why(CODEC_E_NOSPACE, "%s: needs %zd octets, "
				 "have %zu", td->name, er.encoded, bufsize);
	return codec_why(CODEC_E_ENCODE, "%s: cannot encode %s", td->name,
			 er.failed_type ? er.failed_type->name : "a member");
}

int codec_encode_alloc(const asn_TYPE_descriptor_t *td, const void *sptr,
		       unsigned char **out, size_t *outlen)
{
	asn_TYPE_descriptor_t *d = (asn_TYPE_descriptor_t *)td;
	asn_enc_rval_t er;
	ssize_t n;

	*out = NULL;
	er = der_encode(d, (void *)sptr, NULL, NULL);
	if (er.encoded < 0) {
		char cbuf[200];
		size_t cblen = sizeof(cbuf);

		if (asn_check_constraints(d, sptr, cbuf, &cblen) != 0)
			return codec_why(CODEC_E_CONSTRAINT, "%s: %s",
					 td->name, cbuf);
		return codec_why(CODEC_E_ENCODE, "%s: cannot encode %s",
				 td->name, er.failed_type ?
				 er.failed_type->name : "a member");
	}
	/* One spare octet so that an empty encoding still mallocs. */
	if ((*out = malloc((size_t)er.encoded + 1)) == NULL)
		return codec_why(CODEC_E_NOMEM, "%s: %zd octets", td->name,
				 er.encoded);
	n = codec_encode(td, sptr, *out, (size_t)er.encoded);
	if (n < 0) {
		free(*out);
		*out = NULL;
		return (int)n;
	}
	*outlen = (size_t)n;
	return CODEC_OK;
}

void codec_free(const asn_TYPE_descriptor_t *td, void *sptr)
{
	asn_TYPE_descriptor_t *d = (asn_TYPE_descriptor_t *)td;

	if (sptr)
		d->free_struct(d, sptr, 0);
}

int codec_fprint(const asn_TYPE_descriptor_t *td, const void *sptr, FILE *fp)
{
	return asn_fprint(fp, (asn_TYPE_descriptor_t *)td, sptr) == 0 ?
	    CODEC_OK : CODEC_E_ENCODE;
}

char *codec_sprint(const asn_TYPE_descriptor_t *td, const void *sptr)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	if (fp == NULL)
		return NULL;
	if (codec_fprint(td, sptr, fp) != CODEC_OK) {
		fclose(fp);
		free(s);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* The registry of top-level PDU types, from codec_pdus.h. */
static const struct {
	const char *name;
	const asn_TYPE_descriptor_t *td;
} codec_pdus[] = {
#define CODEC_PDU(cname, asnname) { asnname, &asn_DEF_##cname },
	CODEC_PDU_LIST
#undef CODEC_PDU
};

const asn_TYPE_descriptor_t *codec_pdu(const char *name)
{
	for (size_t i = 0; i < sizeof(codec_pdus) / sizeof(codec_pdus[0]); i++)
		if (strcmp(codec_pdus[i].name, name) == 0)
			return codec_pdus[i].td;
	return NULL;
}

const char *codec_pdu_name(size_t i)
{
	return i < sizeof(codec_pdus) / sizeof(codec_pdus[0]) ?
	    codec_pdus[i].name : NULL;
}
