/*
 * test_vectors.c - real-world PDUs: our decoding against tshark's, frame
 *	by frame
 *
 * DESCRIPTION
 *	Issue 2, must-show 5. For each capture in tests/vectors (PP and
 *	ISODE talking to themselves; /work/shared/captures/README.md says
 *	what each holds), cuts every TSDU out with tests/support/capture,
 *	decodes every Presentation, ACSE, RTSE and P1 PDU in it with our
 *	codecs, and writes down, for the frame that carried it, the values
 *	tshark should show in a fixed list of fields. tshark then dissects
 *	the same capture (-T fields, one run per capture) and every field
 *	of every frame must read exactly as we wrote it down: a PDU we did
 *	not decode, a value we decoded differently, or one tshark sees and
 *	we do not, all fail.
 *
 *	What tshark can show depends on what it knows, and the expectations
 *	follow it:
 *	  - RTSE, ROS and P1 only in the presentation context of
 *	    id-as-mta-rtse (2.6.0.2.12). ISODE's echo services use private
 *	    contexts (RTSE in 2.3.0, test data in 1.0.8824), so there tshark
 *	    shows the presentation and ACSE fields only; we still decode
 *	    ISODE's RTSE APDUs, and count them.
 *	  - PP's bind error travels in RTORJ without the RO-notation [18]
 *	    tag that tshark's ROS expects: tshark calls it "Unknown ROS PDU"
 *	    and shows the bare INTEGER (ber.unknown.INTEGER).
 *	  - In X.410-1984 mode tshark reads PConnect / PAccept (as the
 *	    x410-mode CP-type / CPA-PPDU) but not the RTTP / RTTR that
 *	    follow as session user data; we decode and count those.
 *	A census per capture (PDUs decoded, by kind) makes sure the walk
 *	reached everything, including what tshark cannot show.
 *	isode-ssap-echo and isode-tsap-echo carry test data, not PPDUs:
 *	the session CONNECT's user data must be refused as a CP-type, as
 *	tshark refuses it ("SET expected").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "codec.h"
#include "ACSE-apdu.h"
#include "ACSE-External.h"
#include "Abort-type.h"
#include "CP-type.h"
#include "Default-context-name.h"
#include "CPA-PPDU.h"
#include "CPR-PPDU.h"
#include "InformationObject.h"
#include "MTABindArgument.h"
#include "MTABindError.h"
#include "MTABindResult.h"
#include "MTS-APDU.h"
#include "PAccept.h"
#include "PConnect.h"
#include "RTSE-apdus.h"
#include "User-data.h"

#define OID_AS_ACSE	"2.2.1.0.1"
#define OID_AS_MTA_RTSE	"2.6.0.2.12"
#define OID_AS_MTSE	"2.6.0.2.7"

/* The fields compared, by tshark's names. Every occurrence of each, in
 * every frame, must be accounted for. */
enum {
	F_PMODE, F_PCID, F_PAS, F_PCALLING, F_PCALLED, F_PRESPONDING,
	F_PRESULT,
	F_ACTX, F_ARESULT, F_AREASON, F_ADIRECT, F_AINDIRECT, F_ASOURCE,
	F_RCKPT, F_RWINDOW, F_RDIALOGUE, F_RAPPL,
	F_BERINDIRECT, F_BERINT,
	F_P1INIT, F_P1RESP, F_P1OCTETS, F_P1IA5, F_P1ERROR,
	F_P1LOCAL, F_P1COUNTRY, F_P1PRINTABLE, F_P1ORG, F_P1SURNAME,
	F_P1CTYPE, F_P1CONTENTID, F_P1RECIPNUM,
	F_P22URI, F_P22SUBJECT, F_P22TEXT,
	NFIELDS
};

static const char *const field_name[NFIELDS] = {
	[F_PMODE] = "pres.mode_value",
	[F_PCID] = "pres.presentation_context_identifier",
	[F_PAS] = "pres.abstract_syntax_name",
	[F_PCALLING] = "pres.calling_presentation_selector",
	[F_PCALLED] = "pres.called_presentation_selector",
	[F_PRESPONDING] = "pres.responding_presentation_selector",
	[F_PRESULT] = "pres.result",
	[F_ACTX] = "acse.aSO_context_name",
	[F_ARESULT] = "acse.result",
	[F_AREASON] = "acse.reason",
	[F_ADIRECT] = "acse.direct_reference",
	[F_AINDIRECT] = "acse.indirect_reference",
	[F_ASOURCE] = "acse.abort_source",
	[F_RCKPT] = "rtse.checkpointSize",
	[F_RWINDOW] = "rtse.windowSize",
	[F_RDIALOGUE] = "rtse.dialogueMode",
	[F_RAPPL] = "rtse.applicationProtocol",
	[F_BERINDIRECT] = "ber.indirect_reference",
	[F_BERINT] = "ber.unknown.INTEGER",
	[F_P1INIT] = "p1.authenticated.initiator-name",
	[F_P1RESP] = "p1.authenticated.responder-name",
	[F_P1OCTETS] = "p1.octet_string",
	[F_P1IA5] = "p1.ia5_string",
	[F_P1ERROR] = "p1.MTABindError",
	[F_P1LOCAL] = "p1.local_identifier",
	[F_P1COUNTRY] = "p1.iso_3166_alpha2_code",
	[F_P1PRINTABLE] = "p1.printable",
	[F_P1ORG] = "p1.organization_name",
	[F_P1SURNAME] = "p1.surname",
	[F_P1CTYPE] = "p1.built_in",
	[F_P1CONTENTID] = "p1.content_identifier",
	[F_P1RECIPNUM] = "p1.originally_specified_recipient_number",
	[F_P22URI] = "p22.user_relative_identifier",
	[F_P22SUBJECT] = "p22.subject",
	[F_P22TEXT] = "p22.ia5text.data",
};

/* PDUs decoded in one capture, by kind. */
struct census {
	int	cp, cpa, cpr, abort, user_data;		/* presentation */
	int	acse;
	int	rtse;					/* any RTSE APDU */
	int	p1;		/* bind argument, result, error, MTS-APDU */
	int	ipm;
};

/* The walk through one capture. */
struct walk {
	const char	*pcap;
	unsigned	frame;		/* of the TSDU being decoded */
	char		**want;		/* [frame * NFIELDS + field] */
	unsigned	nframes;
	int		x410;		/* X.410-1984 mode connection */
	struct {
		long	id;
		char	as[64];
	} ctx[32];			/* the proposed contexts */
	int		nctx;
	struct census	got;
};

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	assert_non_null(p);
	return p;
}

/* want - add one occurrence of field f to the current frame */
static void want(struct walk *w, int f, const char *fmt, ...)
{
	char value[4096], **slot;
	size_t old, add;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (w->frame >= w->nframes) {
		unsigned n = w->frame + 64;

		w->want = realloc(w->want, (size_t)n * NFIELDS *
				  sizeof(*w->want));
		assert_non_null(w->want);
		memset(w->want + (size_t)w->nframes * NFIELDS, 0,
		       (size_t)(n - w->nframes) * NFIELDS * sizeof(*w->want));
		w->nframes = n;
	}
	slot = &w->want[(size_t)w->frame * NFIELDS + f];
	old = *slot ? strlen(*slot) : 0;
	add = strlen(value);
	*slot = realloc(*slot, old + add + 2);
	assert_non_null(*slot);
	if (old)
		(*slot)[old++] = '|';
	memcpy(*slot + old, value, add + 1);
}

/* tshark -T fields escapes these in string values */
static void want_text(struct walk *w, int f, const void *p, size_t n)
{
	const unsigned char *s = p;
	char *e = zalloc(4 * n + 1), *q = e;

	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': *q++ = '\\'; *q++ = '\\'; break;
		case '\r': *q++ = '\\'; *q++ = 'r'; break;
		case '\n': *q++ = '\\'; *q++ = 'n'; break;
		case '\t': *q++ = '\\'; *q++ = 't'; break;
		default:
			if (s[i] < 0x20 || s[i] >= 0x7f)
				q += sprintf(q, "\\x%02x", s[i]);
			else
				*q++ = (char)s[i];
		}
	}
	*q = 0;
	want(w, f, "%s", e);
	free(e);
}

/* want_str - a string value, as tshark prints it */
static void want_str(struct walk *w, int f, const OCTET_STRING_t *s)
{
	want_text(w, f, s->buf, (size_t)s->size);
}

/* want_hex - tshark shows OCTET STRINGs as hex */
static void want_hex(struct walk *w, int f, const OCTET_STRING_t *s)
{
	char *h = zalloc(2 * (size_t)s->size + 1);

	for (int i = 0; i < s->size; i++)
		sprintf(h + 2 * i, "%02x", s->buf[i]);
	want(w, f, "%s", h);
	free(h);
}

/* oid_text - dotted form of an OID */
static void oid_text(const OBJECT_IDENTIFIER_t *oid, char *out, size_t size)
{
	unsigned long arcs[32];
	size_t at = 0;
	int n = OBJECT_IDENTIFIER_get_arcs(oid, arcs, sizeof(arcs[0]), 32);

	assert_true(n >= 2 && n <= 32);
	out[0] = 0;
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(out + at, size - at, "%s%lu",
				       i ? "." : "", arcs[i]);
}

/* want_oid - an OID in dotted form */
static void want_oid(struct walk *w, int f, const OBJECT_IDENTIFIER_t *oid)
{
	char t[256];

	oid_text(oid, t, sizeof(t));
	want(w, f, "%s", t);
}

/* decode - one PDU with our codec; the DER of what we decoded must read
 *	back the same (a second, independent check of the decoding) */
static void *decode(const asn_TYPE_descriptor_t *td, const void *p,
		    size_t n)
{
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	void *v = NULL, *again = NULL;
	int rc = codec_decode(td, p, n, 0, &v, NULL);

	if (rc != CODEC_OK)
		fail_msg("%s: %s (%s)", td->name, codec_strerror(rc),
			 codec_last_detail());
	assert_int_equal(codec_encode_alloc(td, v, &a, &alen), CODEC_OK);
	assert_int_equal(codec_decode(td, a, alen, 0, &again, NULL), CODEC_OK);
	assert_int_equal(codec_encode_alloc(td, again, &b, &blen), CODEC_OK);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	codec_free(td, again);
	return v;
}

/* context_as - the abstract syntax proposed for a context, or "" */
static const char *context_as(const struct walk *w, long id)
{
	for (int i = 0; i < w->nctx; i++)
		if (w->ctx[i].id == id)
			return w->ctx[i].as;
	return "";
}

/* is_rtse_as - an abstract syntax whose values are RTSE APDUs: the MHS
 *	one, and the X.228 module's OIDs ISODE uses */
static int is_rtse_as(const char *as)
{
	return strcmp(as, OID_AS_MTA_RTSE) == 0 || strcmp(as, "2.3.0") == 0 ||
	    strcmp(as, "2.3.2") == 0;
}

/* ---- P1 (X.411) and P22 (X.420) -------------------------------------- */

/* tshark names each choice of these strings after the choice: only the
 * printable forms are in our field list. */
static void want_admd(struct walk *w, const AdministrationDomainName_t *a)
{
	if (a->present == AdministrationDomainName_PR_printable)
		want_str(w, F_P1PRINTABLE, &a->choice.printable);
}

/* want_country - X.411 CountryName, alpha-2 form */
static void want_country(struct walk *w, const CountryName_t *c)
{
	if (c->present == CountryName_PR_iso_3166_alpha2_code)
		want_str(w, F_P1COUNTRY, &c->choice.iso_3166_alpha2_code);
}

/* want_gdi - X.411 GlobalDomainIdentifier: country, ADMD, PRMD */
static void want_gdi(struct walk *w, const GlobalDomainIdentifier_t *g)
{
	want_country(w, &g->country_name);
	want_admd(w, &g->administration_domain_name);
	if (g->private_domain_identifier &&
	    g->private_domain_identifier->present ==
	    PrivateDomainIdentifier_PR_printable)
		want_str(w, F_P1PRINTABLE,
			 &g->private_domain_identifier->choice.printable);
}

/* want_mtsid - X.411 MTSIdentifier: domain, then local identifier */
static void want_mtsid(struct walk *w, const MTSIdentifier_t *id)
{
	want_gdi(w, &id->global_domain_identifier);
	want_str(w, F_P1LOCAL, &id->local_identifier);
}

/* want_orname - the built-in standard attributes we compare (PP and our
 *	own traffic use no other O/R name parts) */
static void want_orname(struct walk *w, const ORName_t *n)
{
	const BuiltInStandardAttributes_t *b = &n->built_in_standard_attributes;

	if (b->country_name)
		want_country(w, b->country_name);
	if (b->administration_domain_name)
		want_admd(w, b->administration_domain_name);
	if (b->private_domain_name && b->private_domain_name->present ==
	    PrivateDomainName_PR_printable)
		want_str(w, F_P1PRINTABLE,
			 &b->private_domain_name->choice.printable);
	if (b->organization_name)
		want_str(w, F_P1ORG, b->organization_name);
	if (b->personal_name)
		want_str(w, F_P1SURNAME, &b->personal_name->surname);
	assert_null(n->built_in_domain_defined_attributes);
	assert_null(n->extension_attributes);
	assert_null(n->directory_name);
}

/* want_ordesc - X.420 ORDescriptor: its formal name */
static void want_ordesc(struct walk *w, const ORDescriptor_t *d)
{
	if (d->formal_name)
		want_orname(w, d->formal_name);
}

/* want_recipients - X.420 recipient specifiers, in order */
static void want_recipients(struct walk *w, RecipientSpecifier_t **v, int n)
{
	for (int i = 0; i < n; i++)
		want_ordesc(w, &v[i]->recipient);
}

/* The three recipient fields are different types with the same list. */
#define WANT_RECIPIENTS(w, field) do {					\
		if (field)						\
			want_recipients(w, (field)->list.array,		\
					(field)->list.count);		\
	} while (0)

/* want_ipm - X.420 7: the heading fields we compare, in their order */
static void want_ipm(struct walk *w, const Content_t *c)
{
	InformationObject_t *io = decode(&asn_DEF_InformationObject, c->buf,
					 (size_t)c->size);
	const Heading_t *h;

	w->got.ipm++;
	assert_int_equal(io->present, InformationObject_PR_ipm);
	h = &io->choice.ipm.heading;
	if (h->this_IPM.user)
		want_orname(w, h->this_IPM.user);
	want_str(w, F_P22URI, &h->this_IPM.user_relative_identifier);
	if (h->originator)
		want_ordesc(w, h->originator);
	assert_null(h->authorizing_users);
	WANT_RECIPIENTS(w, h->primary_recipients);
	WANT_RECIPIENTS(w, h->copy_recipients);
	WANT_RECIPIENTS(w, h->blind_copy_recipients);
	assert_null(h->replied_to_IPM);
	assert_null(h->reply_recipients);
	if (h->subject)
		want_str(w, F_P22SUBJECT, h->subject);
	for (int i = 0; io->choice.ipm.body &&
	     i < io->choice.ipm.body->list.count; i++) {
		const BodyPart_t *b = io->choice.ipm.body->list.array[i];

		if (b->present == BodyPart_PR_ia5_text)
			want_str(w, F_P22TEXT, &b->choice.ia5_text.data);
	}
	codec_free(&asn_DEF_InformationObject, io);
}

/* want_message - X.411 12.2.1.1: the envelope fields we compare, then the
 *	P22 content. Extensions are skipped: PP's (standard-extension
 *	131351 and 131366) are unknown to tshark, which shows raw BER. */
static void want_message(struct walk *w, const Message_t *m)
{
	const MessageTransferEnvelope_t *e = &m->envelope;

	want_mtsid(w, &e->message_identifier);
	want_orname(w, &e->originator_name);
	if (e->content_type.present == ContentType_PR_built_in)
		want(w, F_P1CTYPE, "%ld", e->content_type.choice.built_in);
	if (e->content_identifier)
		want_str(w, F_P1CONTENTID, e->content_identifier);
	for (int i = 0; i < e->trace_information.list.count; i++)
		want_gdi(w, &e->trace_information.list.array[i]->
			 global_domain_identifier);
	for (int i = 0; i < e->per_recipient_fields.list.count; i++) {
		const PerRecipientMessageTransferFields_t *r =
		    e->per_recipient_fields.list.array[i];

		want_orname(w, &r->recipient_name);
		want(w, F_P1RECIPNUM, "%ld",
		     r->originally_specified_recipient_number);
	}
	if (e->content_type.present == ContentType_PR_built_in &&
	    (e->content_type.choice.built_in == 22 ||
	     e->content_type.choice.built_in == 2))
		want_ipm(w, &m->content);
}

/* want_password - simple credentials: tshark shows each choice */
static void want_password(struct walk *w, const Credentials_t *c)
{
	assert_int_equal(c->present, Credentials_PR_simple);
	if (c->choice.simple.present == Password_PR_octet_string)
		want_hex(w, F_P1OCTETS, &c->choice.simple.choice.octet_string);
	else
		want_str(w, F_P1IA5, &c->choice.simple.choice.ia5_string);
}

/* strip_tag - the contents of one explicit tag (the RO-notation [16] to
 *	[18] around bind values); returns 0 if buf is not that tag */
static int strip_tag(const unsigned char *p, size_t n, unsigned char tag,
		     const unsigned char **in, size_t *inlen)
{
	size_t tlv;

	if (n < 2 || p[0] != tag || codec_ber_check(p, n, 0, &tlv) != 0 ||
	    tlv != n)
		return 0;
	if (p[1] < 0x80) {
		*in = p + 2;
		*inlen = p[1];
	} else if (p[1] == 0x80) {
		*in = p + 2;
		*inlen = n - 4;
	} else {
		size_t k = p[1] & 0x7f;

		*in = p + 2 + k;
		*inlen = n - 2 - k;
	}
	return 1;
}

/* bind_argument - RTORQ user data: [16] MTABindArgument (X.411 12.1.1) */
static void bind_argument(struct walk *w, const ANY_t *open)
{
	const unsigned char *p = NULL;	/* set: fail_msg() does not return,
					 * which -O3 cannot see */
	size_t n = 0;
	MTABindArgument_t *b;

	if (!strip_tag(open->buf, (size_t)open->size, 0xb0, &p, &n))
		fail_msg("%s frame %u: RTORQ user data is not a bind "
			 "argument", w->pcap, w->frame);
	b = decode(&asn_DEF_MTABindArgument, p, n);
	w->got.p1++;
	assert_int_equal(b->present, MTABindArgument_PR_authenticated);
	want_str(w, F_P1INIT, &b->choice.authenticated.initiator_name);
	want_password(w, &b->choice.authenticated.initiator_credentials);
	codec_free(&asn_DEF_MTABindArgument, b);
}

/* bind_result - RTOAC user data: [17] MTABindResult */
static void bind_result(struct walk *w, const ANY_t *open)
{
	const unsigned char *p = NULL;	/* as in bind_argument() */
	size_t n = 0;
	MTABindResult_t *b;

	if (!strip_tag(open->buf, (size_t)open->size, 0xb1, &p, &n))
		fail_msg("%s frame %u: RTOAC user data is not a bind result",
			 w->pcap, w->frame);
	b = decode(&asn_DEF_MTABindResult, p, n);
	w->got.p1++;
	assert_int_equal(b->present, MTABindResult_PR_authenticated);
	want_str(w, F_P1RESP, &b->choice.authenticated.responder_name);
	want_password(w, &b->choice.authenticated.responder_credentials);
	codec_free(&asn_DEF_MTABindResult, b);
}

/* bind_error - with the [18] tag tshark's ROS hands it to P1; PP sends
 *	the bare INTEGER, which tshark shows as unknown BER */
static void bind_error(struct walk *w, const ANY_t *rj)
{
	const unsigned char *p;
	size_t n;
	MTABindError_t *e;
	int tagged = strip_tag(rj->buf, (size_t)rj->size, 0xb2, &p, &n);

	if (!tagged) {
		p = rj->buf;
		n = (size_t)rj->size;
	}
	e = decode(&asn_DEF_MTABindError, p, n);
	w->got.p1++;
	want(w, tagged ? F_P1ERROR : F_BERINT, "%ld", *e);
	codec_free(&asn_DEF_MTABindError, e);
}

/* mts_apdu - an RTTR's octets: an EXTERNAL naming the MTS context, the
 *	MTS-APDU in it (X.411 12.2, X.228 9.3) */
static void mts_apdu(struct walk *w, const OCTET_STRING_t *o)
{
	ACSE_External_t *x = decode(&asn_DEF_ACSE_External, o->buf,
				    (size_t)o->size);
	const ANY_t *v = &x->encoding.choice.single_ASN1_type;
	MTS_APDU_t *a;

	assert_non_null(x->indirect_reference);
	want(w, F_BERINDIRECT, "%ld", *x->indirect_reference);
	assert_string_equal(context_as(w, *x->indirect_reference),
			    OID_AS_MTSE);
	assert_int_equal(x->encoding.present,
			 ACSE_External__encoding_PR_single_ASN1_type);
	a = decode(&asn_DEF_MTS_APDU, v->buf, (size_t)v->size);
	w->got.p1++;
	assert_int_equal(a->present, MTS_APDU_PR_message);
	want_message(w, &a->choice.message);
	codec_free(&asn_DEF_MTS_APDU, a);
	codec_free(&asn_DEF_ACSE_External, x);
}

/* ---- RTSE (X.228) ----------------------------------------------------- */

static void want_long(struct walk *w, int f, const long *v)
{
	if (v)
		want(w, f, "%ld", *v);
}

/* rtse - one RTSE APDU; shown by tshark only in the MHS context */
static void rtse(struct walk *w, const void *p, size_t n, int shown)
{
	RTSE_apdus_t *r = decode(&asn_DEF_RTSE_apdus, p, n);

	w->got.rtse++;
	switch (r->present) {
	case RTSE_apdus_PR_rtorq_apdu:
		if (!shown)
			break;
		want_long(w, F_RCKPT, r->choice.rtorq_apdu.checkpointSize);
		want_long(w, F_RWINDOW, r->choice.rtorq_apdu.windowSize);
		want_long(w, F_RDIALOGUE, r->choice.rtorq_apdu.dialogueMode);
		assert_int_equal(r->choice.rtorq_apdu.connectionDataRQ.present,
				 ConnectionData_PR_open);
		bind_argument(w, &r->choice.rtorq_apdu.connectionDataRQ.
			      choice.open);
		want_long(w, F_RAPPL, r->choice.rtorq_apdu.applicationProtocol);
		break;
	case RTSE_apdus_PR_rtoac_apdu:
		if (!shown)
			break;
		want_long(w, F_RCKPT, r->choice.rtoac_apdu.checkpointSize);
		want_long(w, F_RWINDOW, r->choice.rtoac_apdu.windowSize);
		assert_int_equal(r->choice.rtoac_apdu.connectionDataAC.present,
				 ConnectionData_PR_open);
		bind_result(w, &r->choice.rtoac_apdu.connectionDataAC.
			    choice.open);
		break;
	case RTSE_apdus_PR_rtorj_apdu:
		if (shown && r->choice.rtorj_apdu.userDataRJ)
			bind_error(w, r->choice.rtorj_apdu.userDataRJ);
		break;
	case RTSE_apdus_PR_rttr_apdu:
		if (shown)
			mts_apdu(w, &r->choice.rttr_apdu);
		break;
	case RTSE_apdus_PR_rttp_apdu:
	case RTSE_apdus_PR_rtab_apdu:
		assert_false(shown);	/* none in the MHS captures */
		break;
	default:
		fail();
	}
	codec_free(&asn_DEF_RTSE_apdus, r);
}

/* ---- ACSE (X.227) and presentation (X.226) --------------------------- */

static void user_information(struct walk *w,
			     const Association_information_t *ui)
{
	for (int i = 0; ui && i < ui->list.count; i++) {
		const ACSE_External_t *x = ui->list.array[i];
		const ANY_t *v = &x->encoding.choice.single_ASN1_type;
		const char *as;

		if (x->direct_reference)
			want_oid(w, F_ADIRECT, x->direct_reference);
		assert_non_null(x->indirect_reference);
		want(w, F_AINDIRECT, "%ld", *x->indirect_reference);
		as = context_as(w, *x->indirect_reference);
		if (x->encoding.present ==
		    ACSE_External__encoding_PR_single_ASN1_type &&
		    is_rtse_as(as))
			rtse(w, v->buf, (size_t)v->size,
			     strcmp(as, OID_AS_MTA_RTSE) == 0);
	}
}

/* acse - one ACSE APDU (X.227 9) and the EXTERNALs it carries */
static void acse(struct walk *w, const void *p, size_t n)
{
	ACSE_apdu_t *a = decode(&asn_DEF_ACSE_apdu, p, n);

	w->got.acse++;
	switch (a->present) {
	case ACSE_apdu_PR_aarq:
		want_oid(w, F_ACTX, &a->choice.aarq.application_context_name);
		user_information(w, a->choice.aarq.user_information);
		break;
	case ACSE_apdu_PR_aare:
		want_oid(w, F_ACTX, &a->choice.aare.application_context_name);
		want(w, F_ARESULT, "%ld", a->choice.aare.result);
		user_information(w, a->choice.aare.user_information);
		break;
	case ACSE_apdu_PR_rlrq:
		want_long(w, F_AREASON, a->choice.rlrq.reason);
		user_information(w, a->choice.rlrq.user_information);
		break;
	case ACSE_apdu_PR_rlre:
		want_long(w, F_AREASON, a->choice.rlre.reason);
		user_information(w, a->choice.rlre.user_information);
		break;
	case ACSE_apdu_PR_abrt:
		want(w, F_ASOURCE, "%ld", a->choice.abrt.abort_source);
		user_information(w, a->choice.abrt.user_information);
		break;
	default:
		fail();
	}
	codec_free(&asn_DEF_ACSE_apdu, a);
}

/* pdvs - fully-encoded user data: each PDV by its context's syntax */
static void pdvs(struct walk *w, const User_data_t *u)
{
	if (u == NULL)
		return;
	assert_int_equal(u->present, User_data_PR_fully_encoded_data);
	for (int i = 0; i < u->choice.fully_encoded_data.list.count; i++) {
		const PDV_list_t *l =
		    u->choice.fully_encoded_data.list.array[i];
		const ANY_t *v =
		    &l->presentation_data_values.choice.single_ASN1_type;
		const char *as = context_as(w,
		    l->presentation_context_identifier);

		want(w, F_PCID, "%ld", l->presentation_context_identifier);
		if (l->presentation_data_values.present !=
		    PDV_list__presentation_data_values_PR_single_ASN1_type)
			continue;
		if (strcmp(as, OID_AS_ACSE) == 0)
			acse(w, v->buf, (size_t)v->size);
		else if (is_rtse_as(as))
			rtse(w, v->buf, (size_t)v->size,
			     strcmp(as, OID_AS_MTA_RTSE) == 0);
	}
}

/* results - X.226 presentation context results */
static void results(struct walk *w, const Result_list_t *l)
{
	for (int i = 0; l && i < l->list.count; i++)
		want(w, F_PRESULT, "%ld", l->list.array[i]->result);
}

/* cp - S-CONNECT request user data: CP-type (X.226 8.2), or in X.410
 *	mode PConnect, the same octets read the 1984 way */
static void cp(struct walk *w, const void *p, size_t n)
{
	CP_type_t *c = decode(&asn_DEF_CP_type, p, n);
	const struct CP_type__normal_mode_parameters *m;

	w->got.cp++;
	want(w, F_PMODE, "%ld", c->mode_selector.mode_value);
	if (c->mode_selector.mode_value == 0) {
		PConnect_t *x = decode(&asn_DEF_PConnect, p, n);

		w->x410 = 1;
		w->got.rtse++;
		want_long(w, F_RCKPT, x->pUserData.checkpointSize);
		want_long(w, F_RWINDOW, x->pUserData.windowSize);
		want_long(w, F_RDIALOGUE, x->pUserData.dialogueMode);
		want_long(w, F_RAPPL, x->pUserData.applicationProtocol);
		codec_free(&asn_DEF_PConnect, x);
		codec_free(&asn_DEF_CP_type, c);
		return;
	}
	m = c->normal_mode_parameters;
	assert_non_null(m);
	if (m->calling_presentation_selector)
		want_hex(w, F_PCALLING, m->calling_presentation_selector);
	if (m->called_presentation_selector)
		want_hex(w, F_PCALLED, m->called_presentation_selector);
	for (int i = 0; m->presentation_context_definition_list &&
	     i < m->presentation_context_definition_list->list.count; i++) {
		const Context_list_item_t *it =
		    m->presentation_context_definition_list->list.array[i];

		assert_true(w->nctx < 32);
		w->ctx[w->nctx].id = it->presentation_context_identifier;
		oid_text(&it->abstract_syntax_name, w->ctx[w->nctx].as,
			 sizeof(w->ctx[w->nctx].as));
		want(w, F_PCID, "%ld", it->presentation_context_identifier);
		want(w, F_PAS, "%s", w->ctx[w->nctx].as);
		w->nctx++;
	}
	if (m->default_context_name)
		want_oid(w, F_PAS,
			 &m->default_context_name->abstract_syntax_name);
	pdvs(w, m->user_data);
	codec_free(&asn_DEF_CP_type, c);
}

/* cpa - accepting S-CONNECT response: CPA-PPDU, or PAccept (X.410) */
static void cpa(struct walk *w, const void *p, size_t n)
{
	CPA_PPDU_t *c = decode(&asn_DEF_CPA_PPDU, p, n);
	const struct CPA_PPDU__normal_mode_parameters *m;

	w->got.cpa++;
	want(w, F_PMODE, "%ld", c->mode_selector.mode_value);
	if (c->mode_selector.mode_value == 0) {
		PAccept_t *x = decode(&asn_DEF_PAccept, p, n);

		w->got.rtse++;
		want_long(w, F_RCKPT, x->pUserData.checkpointSize);
		want_long(w, F_RWINDOW, x->pUserData.windowSize);
		codec_free(&asn_DEF_PAccept, x);
		codec_free(&asn_DEF_CPA_PPDU, c);
		return;
	}
	m = c->normal_mode_parameters;
	assert_non_null(m);
	if (m->responding_presentation_selector)
		want_hex(w, F_PRESPONDING, m->responding_presentation_selector);
	results(w, m->presentation_context_definition_result_list);
	pdvs(w, m->user_data);
	codec_free(&asn_DEF_CPA_PPDU, c);
}

/* cpr - refusing S-CONNECT response: CPR-PPDU, normal mode */
static void cpr(struct walk *w, const void *p, size_t n)
{
	CPR_PPDU_t *c = decode(&asn_DEF_CPR_PPDU, p, n);
	const struct CPR_PPDU__normal_mode_parameters *m =
	    &c->choice.normal_mode_parameters;

	w->got.cpr++;
	assert_int_equal(c->present, CPR_PPDU_PR_normal_mode_parameters);
	if (m->responding_presentation_selector)
		want_hex(w, F_PRESPONDING, m->responding_presentation_selector);
	results(w, m->presentation_context_definition_result_list);
	pdvs(w, m->user_data);
	codec_free(&asn_DEF_CPR_PPDU, c);
}

/* abort_type - S-U-ABORT user data: ARU-PPDU or ARP-PPDU */
static void abort_type(struct walk *w, const void *p, size_t n)
{
	Abort_type_t *a = decode(&asn_DEF_Abort_type, p, n);

	w->got.abort++;
	if (a->present == Abort_type_PR_aru_ppdu &&
	    a->choice.aru_ppdu.present == ARU_PPDU_PR_normal_mode_parameters)
		pdvs(w, a->choice.aru_ppdu.choice.normal_mode_parameters.
		     user_data);
	codec_free(&asn_DEF_Abort_type, a);
}

/* rf_user_data - X.225 8.3.12: a REFUSE SPDU carries the SS-user data
 *	in its Reason Code (PI 50), after the reason octet */
static void rf_user_data(const struct cap_tsdu *t, struct spdu_view *v)
{
	const unsigned char *p = t->data;
	size_t off, end;

	assert_true(t->len >= 2 && p[1] != 0xff);
	end = 2u + p[1];
	assert_true(end <= t->len);
	for (off = 2; off + 2 <= end; off += 2u + p[off + 1]) {
		assert_true(p[off + 1] != 0xff);
		if (p[off] == 50 && p[off + 1] > 1) {
			v->ud = p + off + 3;
			v->udlen = p[off + 1] - 1u;
			return;
		}
	}
}

/* tsdu - the presentation PDU one SPDU carries */
static void tsdu(struct walk *w, const struct spdu_view *v)
{
	User_data_t *u;

	switch (v->si) {
	case SPDU_CN:
		cp(w, v->ud, v->udlen);
		return;
	case SPDU_AC:
		cpa(w, v->ud, v->udlen);
		return;
	case SPDU_RF:
		cpr(w, v->ud, v->udlen);
		return;
	case SPDU_AB:
		abort_type(w, v->ud, v->udlen);
		return;
	}
	if (w->x410) {
		/* X.410-1984: RTTP in S-TOKEN-PLEASE, RTTR in S-DATA, as
		 * session user data; tshark does not read them */
		rtse(w, v->ud, v->udlen, 0);
		return;
	}
	u = decode(&asn_DEF_User_data, v->ud, v->udlen);
	w->got.user_data++;
	pdvs(w, u);
	codec_free(&asn_DEF_User_data, u);
}

/* ---- one capture against tshark -------------------------------------- */

/* tshark_fields - tshark's view of every field of every frame: lines of
 *	frame number then the fields, occurrences joined by '|' */
static char **tshark_fields(const char *pcap, unsigned port)
{
	char cmd[8192], buf[1 << 16];
	char **v = zalloc(sizeof(*v));
	size_t at, n = 0;
	FILE *p;

	at = (size_t)snprintf(cmd, sizeof(cmd), "tshark -n -r '%s' -d "
			      "tcp.port==%u,tpkt -T fields -E aggregator='|' "
			      "-E occurrence=a -e frame.number", pcap, port);
	for (int f = 0; f < NFIELDS; f++)
		at += (size_t)snprintf(cmd + at, sizeof(cmd) - at, " -e %s",
				       field_name[f]);
	snprintf(cmd + at, sizeof(cmd) - at, " 2>/dev/null");
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(buf, sizeof(buf), p) != NULL) {
		buf[strcspn(buf, "\n")] = 0;
		v = realloc(v, (n + 2) * sizeof(*v));
		assert_non_null(v);
		v[n] = strdup(buf);
		assert_non_null(v[n]);
		v[++n] = NULL;
	}
	if (pclose(p) != 0)
		fail_msg("tshark failed: %s", cmd);
	return v;
}

/* compare - every field of every frame, tshark against our walk */
static void compare(struct walk *w, unsigned port)
{
	char **lines = tshark_fields(w->pcap, port);
	int mismatches = 0;

	for (unsigned i = 0; lines[i]; i++) {
		const char *col = lines[i];
		unsigned fn = (unsigned)strtoul(col, NULL, 10);

		assert_int_equal(fn, i + 1);
		for (int f = 0; f < NFIELDS; f++) {
			const char *ours = fn < w->nframes &&
			    w->want[(size_t)fn * NFIELDS + f] ?
			    w->want[(size_t)fn * NFIELDS + f] : "";
			size_t len;

			col = strchr(col, '\t');
			assert_non_null(col);
			col++;
			len = strcspn(col, "\t");
			if (strlen(ours) != len ||
			    strncmp(ours, col, len) != 0) {
				print_error("%s frame %u: %s: tshark \"%.*s\", "
					    "ours \"%s\"\n", w->pcap, fn,
					    field_name[f], (int)len, col, ours);
				mismatches++;
			}
		}
	}
	for (unsigned i = 0; lines[i]; i++)
		free(lines[i]);
	free(lines);
	assert_int_equal(mismatches, 0);
}

/* check_vector - walk one capture, compare with tshark, check the census */
static void check_vector(const char *pcap, unsigned port,
			 const struct census *expect)
{
	struct walk w = { .pcap = pcap };
	struct cap cap;

	assert_int_equal(cap_load(pcap, &cap), 0);
	for (size_t i = 0; i < cap.n; i++) {
		struct spdu_view v;

		if (cap.tsdu[i].kind != CAP_DT ||
		    cap_spdu(&cap.tsdu[i], &v) != 0)
			continue;
		if (v.si == SPDU_RF && v.ud == NULL)
			rf_user_data(&cap.tsdu[i], &v);
		if (v.ud == NULL || v.udlen == 0)
			continue;
		w.frame = cap.tsdu[i].frame;
		tsdu(&w, &v);
	}
	cap_free(&cap);
	compare(&w, port);
	print_message("%s: CP %d CPA %d CPR %d AB %d UD %d ACSE %d RTSE %d "
		      "P1 %d IPM %d\n", pcap, w.got.cp, w.got.cpa, w.got.cpr,
		      w.got.abort, w.got.user_data, w.got.acse, w.got.rtse,
		      w.got.p1, w.got.ipm);
	assert_memory_equal(&w.got, expect, sizeof(*expect));
	for (size_t i = 0; i < (size_t)w.nframes * NFIELDS; i++)
		free(w.want[i]);
	free(w.want);
}

#define PP_PORT		20001
#define ISODE_PORT	17102

/* PP: bind (AARQ/RTORQ/MTABindArgument, AARE/RTOAC/MTABindResult), the
 * message with P22 content (RTTR, EXTERNAL, MTS-APDU), release. */
static void test_pp_loop(void **state)
{
	static const struct census c = {
		.cp = 1, .cpa = 1, .user_data = 3, .acse = 4, .rtse = 3,
		.p1 = 3, .ipm = 1
	};

	(void)state;
	check_vector("tests/vectors/pp-p1-loop-success.pcap", PP_PORT, &c);
}

/* PP: the bind refused: AARE rejected, RTORJ with the bind error. */
static void test_pp_bad_password(void **state)
{
	static const struct census c = {
		.cp = 1, .cpr = 1, .acse = 2, .rtse = 2, .p1 = 2
	};

	(void)state;
	check_vector("tests/vectors/pp-p1-bad-password.pcap", PP_PORT, &c);
}

/* ISODE: presentation and ACSE, association and release. */
static void test_isode_psap(void **state)
{
	static const struct census c = {
		.cp = 1, .cpa = 1, .user_data = 2, .acse = 4
	};

	(void)state;
	check_vector("tests/vectors/isode-psap-acse-echo.pcap", ISODE_PORT,
		     &c);
}

/* ISODE: RTSE normal mode in a private context: RTORQ and RTOAC in the
 * AARQ / AARE, 41 RTTP and RTTR in PDVs, and an INTEGER (read as RTTP) in
 * the user information of the RLRQ and the RLRE. */
static void test_isode_rtse(void **state)
{
	static const struct census c = {
		.cp = 1, .cpa = 1, .user_data = 43, .acse = 4, .rtse = 45
	};

	(void)state;
	check_vector("tests/vectors/isode-rtse-acse-echo.pcap", ISODE_PORT,
		     &c);
}

/* ISODE: ROSE over RTSE over ACSE (the ROSE APDUs are not ours). */
static void test_isode_rose(void **state)
{
	static const struct census c = {
		.cp = 1, .cpa = 1, .user_data = 43, .acse = 4, .rtse = 43
	};

	(void)state;
	check_vector("tests/vectors/isode-rose-rtse-acse-echo.pcap",
		     ISODE_PORT, &c);
}

/* ISODE: RTSE in X.410-1984 mode: PConnect, PAccept, then RTTP and RTTR
 * as session user data. */
static void test_isode_x410(void **state)
{
	static const struct census c = {
		.cp = 1, .cpa = 1, .rtse = 43
	};

	(void)state;
	check_vector("tests/vectors/isode-rtse-x410-echo.pcap", ISODE_PORT,
		     &c);
}

/* ISODE's session echo carries test data where a CP-type would be: we
 * refuse it, as tshark does. */
static void test_isode_ssap(void **state)
{
	struct cap cap;
	int connects = 0;

	(void)state;
	assert_int_equal(cap_load("tests/vectors/isode-ssap-echo.pcap", &cap),
			 0);
	for (size_t i = 0; i < cap.n; i++) {
		struct spdu_view v;
		void *d = NULL;

		if (cap.tsdu[i].kind != CAP_DT ||
		    cap_spdu(&cap.tsdu[i], &v) != 0 || v.si != SPDU_CN)
			continue;
		connects++;
		assert_non_null(v.ud);
		assert_int_not_equal(codec_decode(&asn_DEF_CP_type, v.ud,
						  v.udlen, 0, &d, NULL),
				     CODEC_OK);
		assert_null(d);
	}
	cap_free(&cap);
	assert_int_equal(connects, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pp_loop),
		cmocka_unit_test(test_pp_bad_password),
		cmocka_unit_test(test_isode_psap),
		cmocka_unit_test(test_isode_rtse),
		cmocka_unit_test(test_isode_rose),
		cmocka_unit_test(test_isode_x410),
		cmocka_unit_test(test_isode_ssap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
