/*
 * codec_locate.c - where a value that does not decode goes wrong
 *
 * DESCRIPTION
 *	asn1c's BER decoder says only that a value failed, and at the top
 *	level it says so at offset 0. codec_locate() finds the innermost
 *	part that fails: it walks the value's TLVs with the type's own
 *	descriptors (members, their tags and tag modes), decodes each
 *	member alone with asn1c exactly as its parent would, and goes into
 *	the first one that fails. What it reports is the path of member
 *	names from the top type, the offset of the failing TLV in the
 *	input, and what is wrong there: a member missing, a tag no member
 *	takes, or a primitive value its type refuses.
 *
 *	It runs only after a failure, on input whose TLV skeleton
 *	codec_ber_check() has validated; it descends at most
 *	CODEC_MAX_DEPTH levels, so its cost is bounded by the depth times
 *	the input's length.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"

#include "ber_tlv_length.h"
#include "ber_tlv_tag.h"
#include "constr_CHOICE.h"
#include "constr_SEQUENCE.h"
#include "constr_SET.h"
#include "constr_SET_OF.h"

struct loc {
	const uint8_t	*base;		/* the whole input: offsets from here */
	char		path[160];
	char		*out;
	size_t		outlen;
};

/* decodes - td (as its parent would call it) takes exactly p[0..n) */
static int decodes(asn_TYPE_descriptor_t *td, int tag_mode,
		   const uint8_t *p, size_t n)
{
	asn_codec_ctx_t ctx = { .max_stack_size = 1024 * 1024 };
	asn_dec_rval_t rv;
	void *s = NULL;

	rv = td->ber_decoder(&ctx, td, &s, p, n, tag_mode);
	td->free_struct(td, s, 0);
	return rv.code == RC_OK && rv.consumed == n;
}

/* say - the report: "path: what (offset N)" */
static void say(struct loc *L, const uint8_t *at, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(L->out, L->outlen, "%s: %s (offset %zu)", L->path, what,
		 (size_t)(at - L->base));
}

/* tlv - the TLV at p (n octets left): its tag, header and contents
 *	length (the end-of-contents octets of an indefinite length are not
 *	counted); -1 if it is not one TLV */
static int tlv(const uint8_t *p, size_t n, ber_tlv_tag_t *tag, size_t *hdr,
	       size_t *clen, size_t *total)
{
	ber_tlv_len_t len;
	ssize_t tl, ll;

	if ((tl = ber_fetch_tag(p, n, tag)) <= 0 ||
	    (ll = ber_fetch_length(BER_TLV_CONSTRUCTED(p), p + tl,
				   n - (size_t)tl, &len)) <= 0 ||
	    codec_ber_check(p, n, CODEC_MAX_DEPTH, total) != CODEC_OK)
		return -1;
	*hdr = (size_t)(tl + ll);
	*clen = *total - *hdr - (len < 0 ? 2 : 0);
	return 0;
}

/* kind - what a (resolved) descriptor is */
enum kind { K_LEAF, K_SEQ, K_SET, K_CHOICE, K_OF };

static enum kind kind_of(const asn_TYPE_descriptor_t *td)
{
	if (td->ber_decoder == SEQUENCE_decode_ber)
		return K_SEQ;
	if (td->ber_decoder == SET_decode_ber)
		return K_SET;
	if (td->ber_decoder == CHOICE_decode_ber)
		return K_CHOICE;
	if (td->ber_decoder == SET_OF_decode_ber)
		return K_OF;
	return K_LEAF;
}

/* choice_member - the alternative of a CHOICE that tag selects, or -1 */
static int choice_member(const asn_TYPE_descriptor_t *td, ber_tlv_tag_t tag)
{
	const asn_CHOICE_specifics_t *sp = td->specifics;
	int i;

	for (i = 0; i < sp->tag2el_count; i++)
		if (sp->tag2el[i].el_tag == tag)
			return sp->tag2el[i].el_no;
	return -1;
}

/* takes - member m may start with tag (an untagged CHOICE: one of its
 *	alternatives; an open type: any tag) */
static int takes(asn_TYPE_member_t *m, ber_tlv_tag_t tag,
		 const uint8_t *p, size_t n)
{
	if (m->tag != (ber_tlv_tag_t)-1)
		return m->tag == tag;
	if (m->flags & ATF_OPEN_TYPE)
		return 1;
	if (decodes(m->type, m->tag_mode, p, n))	/* also resolves it */
		return 1;
	return kind_of(m->type) == K_CHOICE && choice_member(m->type, tag) >= 0;
}

static int locate(struct loc *L, asn_TYPE_descriptor_t *td, int tag_mode,
		  const uint8_t *p, size_t n, int depth);

/* enter - the path goes into member name (or item index of a SET OF) */
static void enter(struct loc *L, const char *name, long index)
{
	size_t was = strlen(L->path);

	if (index >= 0)
		snprintf(L->path + was, sizeof(L->path) - was, "[%ld]", index);
	else
		snprintf(L->path + was, sizeof(L->path) - was, ".%s", name);
}

/* extensible - unknown members may come (X.680 52: "...") */
static int extensible(const asn_TYPE_descriptor_t *td, enum kind k)
{
	if (k == K_SEQ)
		return ((const asn_SEQUENCE_specifics_t *)td->specifics)
		    ->ext_after >= 0;
	if (k == K_SET)
		return ((const asn_SET_specifics_t *)td->specifics)
		    ->extensible;
	return 0;
}

/* children - the members of a SEQUENCE, SET or SEQUENCE OF in c[0..n):
 *	go into the first that fails; else name a missing member */
static int children(struct loc *L, asn_TYPE_descriptor_t *td, enum kind k,
		    const uint8_t *c, size_t n, int depth)
{
	unsigned char seen[256];
	int next = 0, i, count = td->elements_count;
	size_t pos = 0, hdr, clen, tl;
	ber_tlv_tag_t tag;
	long index = 0;

	memset(seen, 0, sizeof(seen));
	while (pos < n && !(c[pos] == 0 && pos + 1 < n && c[pos + 1] == 0)) {
		asn_TYPE_member_t *m = NULL;

		if (tlv(c + pos, n - pos, &tag, &hdr, &clen, &tl) != 0) {
			say(L, c + pos, "not a TLV");
			return 0;
		}
		if (k == K_OF) {
			m = &td->elements[0];
		} else {
			for (i = k == K_SEQ ? next : 0; i < count; i++)
				if (takes(&td->elements[i], tag, c + pos, tl))
					break;
			if (i < count) {
				m = &td->elements[i];
				if (i < (int)sizeof(seen))
					seen[i] = 1;
				if (k == K_SEQ)
					next = i + 1;
			}
		}
		if (m == NULL && extensible(td, k)) {
			pos += tl;	/* an extension we do not know */
			continue;
		}
		if (m == NULL) {
			char t[32];

			ber_tlv_tag_snprint(tag, t, sizeof(t));
			say(L, c + pos, "%s: no member of %s after %s takes "
			    "this tag", t, td->name, next > 0 && k == K_SEQ ?
			    td->elements[next - 1].name : "its start");
			return 0;
		}
		if (!decodes(m->type, m->tag_mode, c + pos, tl)) {
			enter(L, m->name, k == K_OF ? index : -1);
			return locate(L, m->type, m->tag_mode, c + pos, tl,
				      depth + 1);
		}
		pos += tl;
		index++;
	}
	for (i = 0; k != K_OF && i < count && i < (int)sizeof(seen); i++)
		if (!seen[i] && !td->elements[i].optional &&
		    (k == K_SET || i >= next)) {
			say(L, c + pos, "%s missing", td->elements[i].name);
			return 0;
		}
	return -1;		/* every part decodes alone */
}

/* locate - p[0..n) fails as td: find where; 0 when found and said */
static int locate(struct loc *L, asn_TYPE_descriptor_t *td, int tag_mode,
		  const uint8_t *p, size_t n, int depth)
{
	int headers = td->tags_count + (tag_mode == 1), i;
	size_t hdr, clen, tl;
	ber_tlv_tag_t tag;
	enum kind k;

	(void)decodes(td, tag_mode, p, n);	/* resolves derived types */
	k = kind_of(td);
	if (depth >= CODEC_MAX_DEPTH || k == K_LEAF)
		goto here;
	/* strip the wrappers: a CHOICE down to its alternative's TLV, the
	 * others down to the TLV whose contents are the members */
	for (i = 0; i < headers - (k != K_CHOICE); i++) {
		if (tlv(p, n, &tag, &hdr, &clen, &tl) != 0 || !(p[0] & 0x20))
			goto here;
		p += hdr;
		n = clen;
	}
	if (tlv(p, n, &tag, &hdr, &clen, &tl) != 0)
		goto here;
	if (k == K_CHOICE) {
		int e = choice_member(td, tag);
		char t[32];

		if (e < 0) {
			ber_tlv_tag_snprint(tag, t, sizeof(t));
			say(L, p, "%s: not an alternative of %s", t, td->name);
			return 0;
		}
		enter(L, td->elements[e].name, -1);
		return locate(L, td->elements[e].type,
			      td->elements[e].tag_mode, p, tl, depth + 1);
	}
	if ((p[0] & 0x20) && children(L, td, k, p + hdr, clen, depth) == 0)
		return 0;
here:
	{
		char t[32] = "?";

		if (n > 0 && ber_fetch_tag(p, n, &tag) > 0)
			ber_tlv_tag_snprint(tag, t, sizeof(t));
		say(L, p, "not a valid %s (tag %s, %zu octets)", td->name, t,
		    n);
	}
	return 0;
}

void codec_locate(const asn_TYPE_descriptor_t *td, const void *buf,
		  size_t len, char *out, size_t outlen)
{
	char said[400];
	struct loc L;

	/* said, not out: codec_ber_check() writes codec_decode()'s detail,
	 * which may be out */
	memset(&L, 0, sizeof(L));
	L.base = buf;
	L.out = said;
	L.outlen = sizeof(said);
	snprintf(L.path, sizeof(L.path), "%s", td->name);
	said[0] = 0;
	locate(&L, (asn_TYPE_descriptor_t *)td, 0, buf, len, 0);
	snprintf(out, outlen, "%s", said);
}
