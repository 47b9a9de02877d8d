/*
 * test_tshark.c - our encodings, read back by an independent decoder
 *
 * DESCRIPTION
 *	Issue 2, must-show 4. Builds the associations an MTA takes part in,
 *	every ASN.1 value encoded by our codecs (codec_encode_alloc), wraps
 *	them in TPKT, X.224 class 0 and X.225 session framing
 *	(tests/support/osiframe), writes build/captures/codec-*.pcap, and
 *	asks tshark - Wireshark's dissectors, written independently of us -
 *	three things about each capture:
 *	  1. every frame dissects as the protocol stack we sent
 *	     (frame.protocols ends with the layers listed for it);
 *	  2. no frame is malformed, and tshark has no expert item of
 *	     severity Note or worse about any frame
 *	     (_ws.expert.severity >= note). Our traffic gets exactly one
 *	     expert item, of severity Chat: COTP's "Disconnect Request(DR)";
 *	     PP's and ISODE's captures get Warnings and Errors (see
 *	     asn1/README.md);
 *	  3. chosen fields (tshark -T fields) hold the values we encoded.
 *
 *	The captures:
 *	  codec-p1.pcap      1988 normal mode: A-ASSOCIATE with the MTA-bind
 *	                     in RT-OPEN, a message (three recipients, P22
 *	                     content), a report, a probe, A-RELEASE.
 *	  codec-refuse.pcap  the bind refused: AARE rejected, RTORJ carrying
 *	                     the MTABindError, in a CPR-PPDU.
 *	  codec-abort.pcap   A-ABORT (ABRT carrying RTAB) in an ARU-PPDU.
 *	  codec-x410.pcap    X.410-1984 mode: PConnect / PAccept straight on
 *	                     session, with the 1984 bind in "open".
 *	  codec-x410-refuse.pcap  a PRefuse.
 *
 *	The RO-notation tags the MHS puts around the bind (X.219 / X.880:
 *	[16] argument, [17] result, [18] error) are framing of the RTSE user
 *	data, added here the way PP sends them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "codec.h"
#include "osiframe.h"
#include "ACSE-apdu.h"
#include "ACSE-External.h"
#include "Abort-type.h"
#include "CP-type.h"
#include "CPA-PPDU.h"
#include "CPR-PPDU.h"
#include "InformationObject.h"
#include "MTABindArgument.h"
#include "MTABindError.h"
#include "MTABindResult.h"
#include "MTS-APDU.h"
#include "PAccept.h"
#include "PConnect.h"
#include "PRefuse.h"
#include "RTSE-apdus.h"
#include "User-data.h"

#define CAPDIR		"build/captures"

#define OID_AC_MTS	"2.6.0.1.6"	/* id-ac-mts-transfer */
#define OID_AS_ACSE	"2.2.1.0.1"	/* acse-as-id */
#define OID_AS_RTSE	"2.6.0.2.12"	/* id-as-mta-rtse */
#define OID_AS_MTSE	"2.6.0.2.7"	/* id-as-mtse */
#define OID_BER		"2.1.1"
#define PC_ACSE		1		/* our presentation context ids */
#define PC_RTSE		3
#define PC_MTSE		5

/* ---- value building ---------------------------------------------------- */

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	assert_non_null(p);
	return p;
}

/* new_long - a malloc()ed long, for OPTIONAL INTEGERs */
static long *new_long(long v)
{
	long *p = zalloc(sizeof(*p));

	*p = v;
	return p;
}

/* set_str - an OCTET STRING (or any string type, or ANY) from text */
static void set_bytes(void *os, const void *p, size_t n)
{
	assert_int_equal(OCTET_STRING_fromBuf(os, (const char *)p, (int)n), 0);
}

/* set_str - a string type from C text */
static void set_str(void *os, const char *text)
{
	set_bytes(os, text, strlen(text));
}

/* new_str - a malloc()ed string type, for OPTIONAL members */
static void *new_str(const char *text)
{
	OCTET_STRING_t *s = zalloc(sizeof(*s));

	set_str(s, text);
	return s;
}

/* set_bits - a BIT STRING from its content octets and unused bit count */
static void set_bits(BIT_STRING_t *b, const unsigned char *o, size_t n,
		     int unused)
{
	set_bytes(b, o, n);
	b->bits_unused = unused;
}

/* new_bits - a malloc()ed BIT STRING */
static BIT_STRING_t *new_bits(const unsigned char *o, size_t n, int unused)
{
	BIT_STRING_t *b = zalloc(sizeof(*b));

	set_bits(b, o, n, unused);
	return b;
}

/* set_oid - an OBJECT IDENTIFIER from its dotted form */
static void set_oid(OBJECT_IDENTIFIER_t *oid, const char *text)
{
	long arcs[20];
	int n = OBJECT_IDENTIFIER_parse_arcs(text, -1, arcs, 20, NULL);

	assert_true(n >= 2 && n <= 20);
	assert_int_equal(OBJECT_IDENTIFIER_set_arcs(oid, arcs, sizeof(arcs[0]),
						    (unsigned)n), 0);
}

/* new_oid - a malloc()ed OBJECT IDENTIFIER */
static OBJECT_IDENTIFIER_t *new_oid(const char *text)
{
	OBJECT_IDENTIFIER_t *oid = zalloc(sizeof(*oid));

	set_oid(oid, text);
	return oid;
}

/* A DER buffer, owned by whoever holds it. */
struct der {
	unsigned char	*p;
	size_t		n;
};

/* encode - DER of v with our codec; frees v */
static struct der encode(const asn_TYPE_descriptor_t *td, void *v)
{
	struct der d = { NULL, 0 };
	int rc = codec_encode_alloc(td, v, &d.p, &d.n);

	if (rc != CODEC_OK)
		fail_msg("%s: %s (%s)", td->name, codec_strerror(rc),
			 codec_last_detail());
	codec_free(td, v);
	return d;
}

/* wrap - X.690 8.14: an explicit tag around in; frees in */
static struct der wrap(unsigned char tag, struct der in)
{
	struct der d;
	size_t h = 2;

	d.p = zalloc(in.n + 6);
	d.p[0] = tag;
	if (in.n < 128) {
		d.p[1] = (unsigned char)in.n;
	} else if (in.n < 256) {
		d.p[1] = 0x81;
		d.p[2] = (unsigned char)in.n;
		h = 3;
	} else {
		assert_true(in.n < 65536);
		d.p[1] = 0x82;
		d.p[2] = (unsigned char)(in.n >> 8);
		d.p[3] = (unsigned char)in.n;
		h = 4;
	}
	memcpy(d.p + h, in.p, in.n);
	d.n = h + in.n;
	free(in.p);
	return d;
}

/* set_any - an ANY holding der; frees der */
static void set_any(ANY_t *a, struct der der)
{
	set_bytes(a, der.p, der.n);
	free(der.p);
}

/* new_any - a malloc()ed ANY holding der; frees der */
static ANY_t *new_any(struct der der)
{
	ANY_t *a = zalloc(sizeof(*a));

	set_any(a, der);
	return a;
}

/* ---- P1 values (X.411) ------------------------------------------------- */

/* An O/R address: country, ADMD, PRMD, organization, surname, given. */
struct ora {
	const char *c, *a, *p, *o, *s, *g;
};

static const struct ora alice = { "DE", "VIAT", "ACME", "Acme GmbH",
				  "Mueller", "Anna" };
static const struct ora bob = { "FR", "ATLAS", "GLOBEX", "Globex SA",
				"Martin", "Bernard" };
static const struct ora carol = { "FR", "ATLAS", "GLOBEX", "Globex SA",
				  "Dubois", NULL };
static const struct ora dave = { "GB", " ", "INITECH", "Initech Ltd",
				 "Smith", "Dave" };

/* fill_country - X.411 CountryName, ISO 3166 alpha-2 */
static void fill_country(CountryName_t *c, const char *v)
{
	c->present = CountryName_PR_iso_3166_alpha2_code;
	set_str(&c->choice.iso_3166_alpha2_code, v);
}

/* fill_admd - X.411 AdministrationDomainName, printable */
static void fill_admd(AdministrationDomainName_t *a, const char *v)
{
	a->present = AdministrationDomainName_PR_printable;
	set_str(&a->choice.printable, v);
}

/* fill_gdi - X.411 GlobalDomainIdentifier: country, ADMD, PRMD */
static void fill_gdi(GlobalDomainIdentifier_t *g, const struct ora *o)
{
	fill_country(&g->country_name, o->c);
	fill_admd(&g->administration_domain_name, o->a);
	g->private_domain_identifier =
	    zalloc(sizeof(*g->private_domain_identifier));
	g->private_domain_identifier->present =
	    PrivateDomainIdentifier_PR_printable;
	set_str(&g->private_domain_identifier->choice.printable, o->p);
}

/* fill_mtsid - X.411 MTSIdentifier: the domain and a local id */
static void fill_mtsid(MTSIdentifier_t *id, const struct ora *o,
		       const char *local)
{
	fill_gdi(&id->global_domain_identifier, o);
	set_str(&id->local_identifier, local);
}

/* fill_orname - X.402 built-in standard attributes of an O/R name */
static void fill_orname(ORName_t *n, const struct ora *o)
{
	BuiltInStandardAttributes_t *b = &n->built_in_standard_attributes;

	b->country_name = zalloc(sizeof(*b->country_name));
	fill_country(b->country_name, o->c);
	b->administration_domain_name =
	    zalloc(sizeof(*b->administration_domain_name));
	fill_admd(b->administration_domain_name, o->a);
	b->private_domain_name = zalloc(sizeof(*b->private_domain_name));
	b->private_domain_name->present = PrivateDomainName_PR_printable;
	set_str(&b->private_domain_name->choice.printable, o->p);
	b->organization_name = new_str(o->o);
	b->personal_name = zalloc(sizeof(*b->personal_name));
	set_str(&b->personal_name->surname, o->s);
	if (o->g)
		b->personal_name->given_name = new_str(o->g);
}

/* new_orname - a malloc()ed O/R name */
static ORName_t *new_orname(const struct ora *o)
{
	ORName_t *n = zalloc(sizeof(*n));

	fill_orname(n, o);
	return n;
}

/* add_trace - X.411 12.2.1.1.1.12: one domain's entry, relayed */
static void add_trace(TraceInformation_t *t, const struct ora *o,
		      const char *when)
{
	TraceInformationElement_t *e = zalloc(sizeof(*e));

	fill_gdi(&e->global_domain_identifier, o);
	set_str(&e->domain_supplied_information.arrival_time, when);
	e->domain_supplied_information.routing_action = 0;	/* relayed */
	assert_int_equal(ASN_SEQUENCE_ADD(&t->list, e), 0);
}

/* ia5-text(2) only: bit 2 of BuiltInEncodedInformationTypes */
static EncodedInformationTypes_t *new_eit_ia5(void)
{
	static const unsigned char ia5[] = { 0x20 };
	EncodedInformationTypes_t *e = zalloc(sizeof(*e));

	set_bits(&e->built_in_encoded_information_types, ia5, 1, 5);
	return e;
}

/* The P22 content: an IPM from Anna to Bernard and Dubois, IA5 body. */
#define IPM_SUBJECT	"Quarterly figures, draft 3"
#define IPM_BODY	"Bernard, Claire,\r\nthe draft is attached to " \
			"the next message.\r\nAnna\r\n"
#define IPM_ID		"20260324-091742-0001/acme"

/* new_recip - an IPM recipient by its O/R name */
static RecipientSpecifier_t *new_recip(const struct ora *o)
{
	RecipientSpecifier_t *r = zalloc(sizeof(*r));

	r->recipient.formal_name = new_orname(o);
	return r;
}

/* ipm_content - the P22 IPM (X.420 7), encoded */
static struct der ipm_content(void)
{
	InformationObject_t *io = zalloc(sizeof(*io));
	IPM_t *ipm = &io->choice.ipm;
	Heading_t *h = &ipm->heading;
	BodyPart_t *part = zalloc(sizeof(*part));

	io->present = InformationObject_PR_ipm;
	h->this_IPM.user = new_orname(&alice);
	set_str(&h->this_IPM.user_relative_identifier, IPM_ID);
	h->originator = zalloc(sizeof(*h->originator));
	h->originator->formal_name = new_orname(&alice);
	h->primary_recipients = zalloc(sizeof(*h->primary_recipients));
	assert_int_equal(ASN_SEQUENCE_ADD(&h->primary_recipients->list,
					  new_recip(&bob)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&h->primary_recipients->list,
					  new_recip(&carol)), 0);
	h->copy_recipients = zalloc(sizeof(*h->copy_recipients));
	assert_int_equal(ASN_SEQUENCE_ADD(&h->copy_recipients->list,
					  new_recip(&dave)), 0);
	h->subject = new_str(IPM_SUBJECT);
	h->importance = new_long(2);		/* high */
	part->present = BodyPart_PR_ia5_text;
	set_str(&part->choice.ia5_text.data, IPM_BODY);
	ipm->body = zalloc(sizeof(*ipm->body));
	assert_int_equal(ASN_SEQUENCE_ADD(&ipm->body->list, part), 0);
	return encode(&asn_DEF_InformationObject, io);
}

/* X.411 12.2.1.1.1.x: responsibility, originating-MTA and originator
 * non-delivery reports: 10101000 */
static const unsigned char pri_ndr[] = { 0xa8 };

/* new_msg_recip - X.411 12.2.1.1.1: one recipient of the message */
static PerRecipientMessageTransferFields_t *new_msg_recip(
	const struct ora *o, long n)
{
	PerRecipientMessageTransferFields_t *r = zalloc(sizeof(*r));

	fill_orname(&r->recipient_name, o);
	r->originally_specified_recipient_number = n;
	set_bits(&r->per_recipient_indicators, pri_ndr, 1, 0);
	return r;
}

#define MSG_LOCAL_ID	"acme-mta1.20260324091742.0001"
#define MSG_CONTENT_ID	"Q1-draft-3"

/* A message, three recipients, P22 content. */
static struct der p1_message(void)
{
	/* alternate-recipient-allowed, content-return-request: 0011 */
	static const unsigned char pmi[] = { 0x30 };
	MTS_APDU_t *a = zalloc(sizeof(*a));
	MessageTransferEnvelope_t *e = &a->choice.message.envelope;

	a->present = MTS_APDU_PR_message;
	fill_mtsid(&e->message_identifier, &alice, MSG_LOCAL_ID);
	fill_orname(&e->originator_name, &alice);
	e->original_encoded_information_types = new_eit_ia5();
	e->content_type.present = ContentType_PR_built_in;
	e->content_type.choice.built_in = 22;	/* P22, 1988 */
	e->content_identifier = new_str(MSG_CONTENT_ID);
	e->priority = new_long(2);		/* urgent */
	e->per_message_indicators = new_bits(pmi, 1, 4);
	add_trace(&e->trace_information, &alice, "260324091742Z");
	assert_int_equal(ASN_SEQUENCE_ADD(&e->per_recipient_fields.list,
					  new_msg_recip(&bob, 1)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&e->per_recipient_fields.list,
					  new_msg_recip(&carol, 2)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&e->per_recipient_fields.list,
					  new_msg_recip(&dave, 3)), 0);
	set_any((ANY_t *)&a->choice.message.content, ipm_content());
	return encode(&asn_DEF_MTS_APDU, a);
}

#define RPT_LOCAL_ID	"globex-mta.7731"
#define RPT_SUPPL	"mailbox full"

/* A report on the message: delivered to Bernard; not delivered to Dubois,
 * unable-to-transfer(1), recipient-unavailable(4). */
static struct der p1_report(void)
{
	MTS_APDU_t *a = zalloc(sizeof(*a));
	Report_t *r = &a->choice.report;
	PerRecipientReportTransferFields_t *d = zalloc(sizeof(*d));
	PerRecipientReportTransferFields_t *nd = zalloc(sizeof(*nd));

	a->present = MTS_APDU_PR_report;
	fill_mtsid(&r->envelope.report_identifier, &bob, RPT_LOCAL_ID);
	fill_orname(&r->envelope.report_destination_name, &alice);
	add_trace(&r->envelope.trace_information, &bob, "260324091801Z");
	fill_mtsid(&r->content.subject_identifier, &alice, MSG_LOCAL_ID);
	r->content.content_identifier = new_str(MSG_CONTENT_ID);

	fill_orname(&d->actual_recipient_name, &bob);
	d->originally_specified_recipient_number = 1;
	set_bits(&d->per_recipient_indicators, pri_ndr, 1, 0);
	set_str(&d->last_trace_information.arrival_time, "260324091800Z");
	d->last_trace_information.report_type.present = ReportType_PR_delivery;
	set_str(&d->last_trace_information.report_type.choice.delivery.
		message_delivery_time, "260324091800Z");
	assert_int_equal(ASN_SEQUENCE_ADD(&r->content.per_recipient_fields.list,
					  d), 0);

	fill_orname(&nd->actual_recipient_name, &carol);
	nd->originally_specified_recipient_number = 2;
	set_bits(&nd->per_recipient_indicators, pri_ndr, 1, 0);
	set_str(&nd->last_trace_information.arrival_time, "260324091800Z");
	nd->last_trace_information.report_type.present =
	    ReportType_PR_non_delivery;
	nd->last_trace_information.report_type.choice.non_delivery.
	    non_delivery_reason_code = 1;
	nd->last_trace_information.report_type.choice.non_delivery.
	    non_delivery_diagnostic_code = new_long(4);
	nd->supplementary_information = new_str(RPT_SUPPL);
	assert_int_equal(ASN_SEQUENCE_ADD(&r->content.per_recipient_fields.list,
					  nd), 0);
	return encode(&asn_DEF_MTS_APDU, a);
}

#define PRB_LOCAL_ID	"acme-mta1.probe.0042"
#define PRB_LENGTH	4711

/* new_probe_recip - X.411 12.2.1.2.1: one recipient of the probe */
static PerRecipientProbeTransferFields_t *new_probe_recip(
	const struct ora *o, long n)
{
	PerRecipientProbeTransferFields_t *r = zalloc(sizeof(*r));

	fill_orname(&r->recipient_name, o);
	r->originally_specified_recipient_number = n;
	set_bits(&r->per_recipient_indicators, pri_ndr, 1, 0);
	return r;
}

/* A probe: would 4711 octets of P22 reach Bernard and Dave? */
static struct der p1_probe(void)
{
	MTS_APDU_t *a = zalloc(sizeof(*a));
	ProbeTransferEnvelope_t *e = &a->choice.probe;

	a->present = MTS_APDU_PR_probe;
	fill_mtsid(&e->probe_identifier, &alice, PRB_LOCAL_ID);
	fill_orname(&e->originator_name, &alice);
	e->content_type.present = ContentType_PR_built_in;
	e->content_type.choice.built_in = 22;
	e->content_length = new_long(PRB_LENGTH);
	add_trace(&e->trace_information, &alice, "260324092000Z");
	assert_int_equal(ASN_SEQUENCE_ADD(&e->per_recipient_fields.list,
					  new_probe_recip(&bob, 1)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(&e->per_recipient_fields.list,
					  new_probe_recip(&dave, 2)), 0);
	return encode(&asn_DEF_MTS_APDU, a);
}

/* The MTA-bind (X.411 12.1.1), simple credentials as an IA5 password. */
#define MTA_INIT	"acme-mta1.acme.example"
#define MTA_INIT_PW	"Wx7!tr0ub4dor"
#define MTA_RESP	"globex-gw.globex.example"
#define MTA_RESP_PW	"c0rrect-h0rse"

/* bind_argument - X.411 12.1.1.1: authenticated, simple credentials */
static struct der bind_argument(const char *name, const char *password)
{
	MTABindArgument_t *b = zalloc(sizeof(*b));
	Credentials_t *c = &b->choice.authenticated.initiator_credentials;

	b->present = MTABindArgument_PR_authenticated;
	set_str(&b->choice.authenticated.initiator_name, name);
	c->present = Credentials_PR_simple;
	c->choice.simple.present = Password_PR_ia5_string;
	set_str(&c->choice.simple.choice.ia5_string, password);
	return encode(&asn_DEF_MTABindArgument, b);
}

/* bind_result - X.411 12.1.1.2: the responder's name and password */
static struct der bind_result(void)
{
	MTABindResult_t *b = zalloc(sizeof(*b));
	Credentials_t *c = &b->choice.authenticated.responder_credentials;

	b->present = MTABindResult_PR_authenticated;
	set_str(&b->choice.authenticated.responder_name, MTA_RESP);
	c->present = Credentials_PR_simple;
	c->choice.simple.present = Password_PR_ia5_string;
	set_str(&c->choice.simple.choice.ia5_string, MTA_RESP_PW);
	return encode(&asn_DEF_MTABindResult, b);
}

/* bind_error - X.411 12.1.1.3 */
static struct der bind_error(long code)
{
	MTABindError_t *e = zalloc(sizeof(*e));

	*e = code;
	return encode(&asn_DEF_MTABindError, e);
}

/* ---- RTSE, ACSE, presentation (X.228, X.227, X.226) ------------------ */

static void set_open(ConnectionData_t *cd, struct der user)
{
	cd->present = ConnectionData_PR_open;
	set_any(&cd->choice.open, user);
}

/* RT-OPEN request: checkpoint 64 kilo-octets, window 5, two-way
 * alternate, the bind argument ([16]) as user data */
static struct der rtorq(struct der bind)
{
	RTSE_apdus_t *r = zalloc(sizeof(*r));
	RTORQapdu_t *q = &r->choice.rtorq_apdu;

	r->present = RTSE_apdus_PR_rtorq_apdu;
	q->checkpointSize = new_long(64);
	q->windowSize = new_long(5);
	q->dialogueMode = new_long(1);
	set_open(&q->connectionDataRQ, wrap(0xb0, bind));
	return encode(&asn_DEF_RTSE_apdus, r);
}

/* rtoac - RT-OPEN accepted: checkpoint 32, window 4, the bind result ([17]) */
static struct der rtoac(struct der bind)
{
	RTSE_apdus_t *r = zalloc(sizeof(*r));
	RTOACapdu_t *a = &r->choice.rtoac_apdu;

	r->present = RTSE_apdus_PR_rtoac_apdu;
	a->checkpointSize = new_long(32);
	a->windowSize = new_long(4);
	set_open(&a->connectionDataAC, wrap(0xb1, bind));
	return encode(&asn_DEF_RTSE_apdus, r);
}

/* rtorj - RT-OPEN refused, normal mode: the bind error ([18]) */
static struct der rtorj(struct der err)
{
	RTSE_apdus_t *r = zalloc(sizeof(*r));

	r->present = RTSE_apdus_PR_rtorj_apdu;
	r->choice.rtorj_apdu.userDataRJ = new_any(wrap(0xb2, err));
	return encode(&asn_DEF_RTSE_apdus, r);
}

/* RT-U-ABORT: userError(6) */
static struct der rtab(void)
{
	RTSE_apdus_t *r = zalloc(sizeof(*r));

	r->present = RTSE_apdus_PR_rtab_apdu;
	r->choice.rtab_apdu.abortReason = new_long(6);
	return encode(&asn_DEF_RTSE_apdus, r);
}

/* RT-TRANSFER: the APDU in an EXTERNAL naming the MTS context, as the
 * octets of an RTTR (X.228 9.3) */
static struct der rttr(struct der apdu)
{
	ACSE_External_t *x = zalloc(sizeof(*x));
	RTSE_apdus_t *r = zalloc(sizeof(*r));
	struct der ext;

	x->indirect_reference = new_long(PC_MTSE);
	x->encoding.present = ACSE_External__encoding_PR_single_ASN1_type;
	set_any(&x->encoding.choice.single_ASN1_type, apdu);
	ext = encode(&asn_DEF_ACSE_External, x);
	r->present = RTSE_apdus_PR_rttr_apdu;
	set_bytes(&r->choice.rttr_apdu, ext.p, ext.n);
	free(ext.p);
	return encode(&asn_DEF_RTSE_apdus, r);
}

/* user_info - X.227 user information: one EXTERNAL in the RTSE context */
static Association_information_t *user_info(struct der rtse)
{
	Association_information_t *ui = zalloc(sizeof(*ui));
	ACSE_External_t *x = zalloc(sizeof(*x));

	x->direct_reference = new_oid(OID_BER);
	x->indirect_reference = new_long(PC_RTSE);
	x->encoding.present = ACSE_External__encoding_PR_single_ASN1_type;
	set_any(&x->encoding.choice.single_ASN1_type, rtse);
	assert_int_equal(ASN_SEQUENCE_ADD(&ui->list, x), 0);
	return ui;
}

/* aarq - A-ASSOCIATE request for id-ac-mts-transfer, RTORQ inside */
static struct der aarq(struct der rtse)
{
	ACSE_apdu_t *a = zalloc(sizeof(*a));

	a->present = ACSE_apdu_PR_aarq;
	set_oid(&a->choice.aarq.application_context_name, OID_AC_MTS);
	a->choice.aarq.user_information = user_info(rtse);
	return encode(&asn_DEF_ACSE_apdu, a);
}

/* aare - accepted(0) or rejected-permanent(1), diagnostic from the
 *	service user: null(0) or no-reason-given(1) */
static struct der aare(long result, struct der rtse)
{
	ACSE_apdu_t *a = zalloc(sizeof(*a));
	AARE_apdu_t *r = &a->choice.aare;

	a->present = ACSE_apdu_PR_aare;
	set_oid(&r->application_context_name, OID_AC_MTS);
	r->result = result;
	r->result_source_diagnostic.present =
	    Associate_source_diagnostic_PR_acse_service_user;
	r->result_source_diagnostic.choice.acse_service_user = result;
	r->user_information = user_info(rtse);
	return encode(&asn_DEF_ACSE_apdu, a);
}

/* rlrq - A-RELEASE request, normal */
static struct der rlrq(void)
{
	ACSE_apdu_t *a = zalloc(sizeof(*a));

	a->present = ACSE_apdu_PR_rlrq;
	a->choice.rlrq.reason = new_long(0);		/* normal */
	return encode(&asn_DEF_ACSE_apdu, a);
}

/* rlre - A-RELEASE response, normal */
static struct der rlre(void)
{
	ACSE_apdu_t *a = zalloc(sizeof(*a));

	a->present = ACSE_apdu_PR_rlre;
	a->choice.rlre.reason = new_long(0);		/* normal */
	return encode(&asn_DEF_ACSE_apdu, a);
}

/* abrt - A-ABORT by the service user, RTAB in the user information */
static struct der abrt(void)
{
	ACSE_apdu_t *a = zalloc(sizeof(*a));

	a->present = ACSE_apdu_PR_abrt;
	a->choice.abrt.abort_source = 0;		/* acse-service-user */
	a->choice.abrt.user_information = user_info(rtab());
	return encode(&asn_DEF_ACSE_apdu, a);
}

/* new_fully - fully-encoded user data: one PDV, single-ASN1-type */
static User_data_t *new_fully(long pcid, struct der v)
{
	User_data_t *u = zalloc(sizeof(*u));
	PDV_list_t *l = zalloc(sizeof(*l));

	l->presentation_context_identifier = pcid;
	l->presentation_data_values.present =
	    PDV_list__presentation_data_values_PR_single_ASN1_type;
	set_any(&l->presentation_data_values.choice.single_ASN1_type, v);
	u->present = User_data_PR_fully_encoded_data;
	assert_int_equal(ASN_SEQUENCE_ADD(&u->choice.fully_encoded_data.list,
					  l), 0);
	return u;
}

/* user_data - P-DATA user data: one PDV, encoded */
static struct der user_data(long pcid, struct der v)
{
	return encode(&asn_DEF_User_data, new_fully(pcid, v));
}

/* new_context - a proposed context, BER its only transfer syntax */
static Context_list_item_t *new_context(long pcid, const char *as)
{
	Context_list_item_t *c = zalloc(sizeof(*c));

	c->presentation_context_identifier = pcid;
	set_oid(&c->abstract_syntax_name, as);
	assert_int_equal(ASN_SEQUENCE_ADD(&c->transfer_syntax_name_list.list,
					  new_oid(OID_BER)), 0);
	return c;
}

#define PSEL_CALLING	"acme-p"
#define PSEL_CALLED	"x400"

/* cp - X.226 8.2 CP-type, normal mode: the three MHS contexts */
static struct der cp(struct der acse)
{
	CP_type_t *c = zalloc(sizeof(*c));
	struct CP_type__normal_mode_parameters *n;

	c->mode_selector.mode_value = 1;		/* normal-mode */
	n = c->normal_mode_parameters = zalloc(sizeof(*n));
	n->calling_presentation_selector = new_str(PSEL_CALLING);
	n->called_presentation_selector = new_str(PSEL_CALLED);
	n->presentation_context_definition_list =
	    zalloc(sizeof(*n->presentation_context_definition_list));
	assert_int_equal(ASN_SEQUENCE_ADD(
	    &n->presentation_context_definition_list->list,
	    new_context(PC_ACSE, OID_AS_ACSE)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(
	    &n->presentation_context_definition_list->list,
	    new_context(PC_RTSE, OID_AS_RTSE)), 0);
	assert_int_equal(ASN_SEQUENCE_ADD(
	    &n->presentation_context_definition_list->list,
	    new_context(PC_MTSE, OID_AS_MTSE)), 0);
	n->user_data = new_fully(PC_ACSE, acse);
	return encode(&asn_DEF_CP_type, c);
}

/* result_list - all three contexts accepted, BER */
static Result_list_t *result_list(void)
{
	Result_list_t *l = zalloc(sizeof(*l));

	for (int i = 0; i < 3; i++) {
		Result_list_item_t *r = zalloc(sizeof(*r));

		r->result = 0;				/* acceptance */
		r->transfer_syntax_name = new_oid(OID_BER);
		assert_int_equal(ASN_SEQUENCE_ADD(&l->list, r), 0);
	}
	return l;
}

/* cpa - X.226 8.2 CPA-PPDU, normal mode, every context accepted */
static struct der cpa(struct der acse)
{
	CPA_PPDU_t *c = zalloc(sizeof(*c));
	struct CPA_PPDU__normal_mode_parameters *n;

	c->mode_selector.mode_value = 1;
	n = c->normal_mode_parameters = zalloc(sizeof(*n));
	n->responding_presentation_selector = new_str(PSEL_CALLED);
	n->presentation_context_definition_result_list = result_list();
	n->user_data = new_fully(PC_ACSE, acse);
	return encode(&asn_DEF_CPA_PPDU, c);
}

/* cpr - X.226 8.2 CPR-PPDU, normal mode, the AARE inside */
static struct der cpr(struct der acse)
{
	CPR_PPDU_t *c = zalloc(sizeof(*c));
	struct CPR_PPDU__normal_mode_parameters *n =
	    &c->choice.normal_mode_parameters;

	c->present = CPR_PPDU_PR_normal_mode_parameters;
	n->presentation_context_definition_result_list = result_list();
	n->user_data = new_fully(PC_ACSE, acse);
	return encode(&asn_DEF_CPR_PPDU, c);
}

/* aru - P-U-ABORT, normal mode, the ABRT in the ACSE context */
static struct der aru(struct der acse)
{
	Abort_type_t *a = zalloc(sizeof(*a));

	a->present = Abort_type_PR_aru_ppdu;
	a->choice.aru_ppdu.present = ARU_PPDU_PR_normal_mode_parameters;
	a->choice.aru_ppdu.choice.normal_mode_parameters.user_data =
	    new_fully(PC_ACSE, acse);
	return encode(&asn_DEF_Abort_type, a);
}

/* X.410 (1984) mode: PConnect / PAccept / PRefuse */
static struct der pconnect(struct der bind)
{
	PConnect_t *c = zalloc(sizeof(*c));

	c->dataTransferSyntax.syntax = 0;		/* x409 */
	c->pUserData.checkpointSize = new_long(16);
	c->pUserData.windowSize = new_long(3);
	c->pUserData.dialogueMode = new_long(1);	/* twa */
	set_open(&c->pUserData.connectionData, bind);
	c->pUserData.applicationProtocol = new_long(1);	/* p1 */
	return encode(&asn_DEF_PConnect, c);
}

/* paccept - X.410 (1984) PAccept with the responder's bind */
static struct der paccept(struct der bind)
{
	PAccept_t *a = zalloc(sizeof(*a));

	a->dataTransferSyntax.syntax = 0;
	a->pUserData.checkpointSize = new_long(16);
	a->pUserData.windowSize = new_long(3);
	set_open(&a->pUserData.connectionData, bind);
	return encode(&asn_DEF_PAccept, a);
}

/* prefuse - X.410 (1984) PRefuse */
static struct der prefuse(long reason)
{
	PRefuse_t *r = zalloc(sizeof(*r));

	r->refuseReason = reason;
	return encode(&asn_DEF_PRefuse, r);
}

/* ---- session framing -------------------------------------------------- */

/* X.225 8.3.1.x: Connect/Accept Item (protocol options 0, version 2),
 * Session User Requirements: half-duplex, minor sync, activity
 * management, exceptions (what PP asks for). */
static const unsigned char ses_cn[] = {
	5, 6, 19, 1, 0x00, 22, 1, 0x02,
	20, 2, 0x02, 0x49
};
/* FN and RF: Transport Disconnect (PI 17), released */
static const unsigned char ses_td[] = { 17, 1, 0x01 };
/* AB: Transport Disconnect, released + user abort */
static const unsigned char ses_ab[] = { 17, 1, 0x03 };

/* add_spdu - one category 1 SPDU carrying d; frees d */
static void add_spdu(struct osif *f, int dir, int si, const void *params,
		     size_t plen, struct der d)
{
	assert_int_equal(osif_spdu(f, dir, si, params, plen, d.p, d.n), 0);
	free(d.p);
}

/* ---- asking tshark ---------------------------------------------------- */

/* One frame's expectations. */
struct want_frame {
	const char	*stack;		/* frame.protocols ends with this */
	const char	*protos;	/* of the protocols named by any frame,
					 * those in this frame (tshark hands
					 * reassembled RTSE data to P1 without
					 * listing it in frame.protocols) */
};

/* One field value: tshark -T fields, occurrences joined by '|'. */
struct want_field {
	unsigned	frame;
	const char	*field;
	const char	*value;
};

/* tshark_lines - run tshark on pcap with args; returns its stdout split
 *	into lines (NULL-terminated; free with free_lines) */
static char **tshark_lines(const char *pcap, const char *args)
{
	char cmd[8192], buf[65536];
	char **v = zalloc(sizeof(*v));
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "tshark -n -r '%s' %s 2>/dev/null", pcap,
		 args);
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

/* free_lines - what tshark_lines() returned */
static void free_lines(char **v)
{
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* nth_column - a copy of the i-th tab-separated column of line */
static char *nth_column(const char *line, int i)
{
	const char *p = line, *e;
	char *s;

	while (i-- > 0) {
		p = strchr(p, '\t');
		assert_non_null(p);
		p++;
	}
	e = p + strcspn(p, "\t");
	s = zalloc((size_t)(e - p) + 1);
	memcpy(s, p, (size_t)(e - p));
	return s;
}

/* A list of distinct names, for tshark's -e options. */
struct names {
	const char	*v[64];
	size_t		n;
};

/* name_index - the position of name in l, added if new */
static size_t name_index(struct names *l, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && strncmp(l->v[i], name, len) == 0)
			return i;
	assert_true(l->n < sizeof(l->v) / sizeof(l->v[0]));
	l->v[l->n] = strndup(name, len);
	assert_non_null(l->v[l->n]);
	return l->n++;
}

/* free_names - the names name_index() copied */
static void free_names(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->v[i]);
}

/* fields_args - "-T fields ... -e frame.number -e F..." for names l */
static void fields_args(char *args, size_t size, const struct names *l)
{
	size_t at = (size_t)snprintf(args, size, "-T fields -E aggregator='|' "
				     "-E occurrence=a -e frame.number");

	for (size_t i = 0; i < l->n; i++)
		at += (size_t)snprintf(args + at, size - at, " -e %s",
				       l->v[i]);
	assert_true(at < size);
}

/* listed - whether the space-separated list has word */
static int listed(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; *p; p += strcspn(p, " "), p += *p == ' ')
		if (strncmp(p, word, wl) == 0 && (p[wl] == ' ' || !p[wl]))
			return 1;
	return 0;
}

/* check_stacks - question 1: frame.protocols, and exactly the named
 *	protocols present in each frame */
static void check_stacks(const char *pcap, const struct want_frame *wf,
			 size_t nframes)
{
	struct names l = { .n = 0 };
	char args[4096];
	char **lines;
	size_t i, j;

	name_index(&l, "frame.protocols", 15);
	for (i = 0; i < nframes; i++)
		for (const char *p = wf[i].protos; *p; p += *p == ' ') {
			size_t len = strcspn(p, " ");

			name_index(&l, p, len);
			p += len;
		}
	fields_args(args, sizeof(args), &l);
	lines = tshark_lines(pcap, args);
	for (i = 0; lines[i]; i++)
		;
	if (i != nframes)
		fail_msg("%s: tshark sees %zu frames, we wrote %zu", pcap, i,
			 nframes);
	for (i = 0; i < nframes; i++) {
		char *stack = nth_column(lines[i], 1);
		size_t sl = strlen(stack), wl = strlen(wf[i].stack);

		if (sl < wl || strcmp(stack + sl - wl, wf[i].stack) != 0 ||
		    (sl > wl && stack[sl - wl - 1] != ':'))
			fail_msg("%s frame %zu: stack %s, want ...:%s", pcap,
				 i + 1, stack, wf[i].stack);
		free(stack);
		for (j = 1; j < l.n; j++) {
			char *got = nth_column(lines[i], (int)j + 1);
			int want = listed(wf[i].protos, l.v[j]);

			if ((*got != 0) != want)
				fail_msg("%s frame %zu: %s %s", pcap, i + 1,
					 l.v[j], want ? "missing" :
					 "present, not expected");
			free(got);
		}
	}
	free_lines(lines);
	free_names(&l);
}

/* check_experts - question 2: nothing malformed, no expert item of
 *	severity Note or above */
static void check_experts(const char *pcap)
{
	char **lines = tshark_lines(pcap, "-Y '_ws.malformed || "
	    "_ws.expert.severity >= note' -T fields -E aggregator='|' "
	    "-e frame.number -e _ws.expert.message -e _ws.malformed");

	if (lines[0] != NULL) {
		char *msg = nth_column(lines[0], 1);

		fail_msg("%s frame %lu: tshark says \"%s\"", pcap,
			 strtoul(lines[0], NULL, 10), msg);
	}
	free_lines(lines);
}

/* check_values - question 3: every field in one tshark run */
static void check_values(const char *pcap, size_t nframes,
			 const struct want_field *wv, size_t nvalues)
{
	struct names l = { .n = 0 };
	size_t col[128];
	char args[8192];
	char **lines;
	size_t i;

	assert_true(nvalues <= sizeof(col) / sizeof(col[0]));
	for (i = 0; i < nvalues; i++)
		col[i] = name_index(&l, wv[i].field, strlen(wv[i].field));
	fields_args(args, sizeof(args), &l);
	lines = tshark_lines(pcap, args);
	for (i = 0; i < nvalues; i++) {
		char *got;

		assert_true(wv[i].frame >= 1 && wv[i].frame <= nframes);
		assert_non_null(lines[wv[i].frame - 1]);
		got = nth_column(lines[wv[i].frame - 1], (int)col[i] + 1);
		if (strcmp(got, wv[i].value) != 0)
			fail_msg("%s frame %u: %s is \"%s\", we encoded \"%s\"",
				 pcap, wv[i].frame, wv[i].field, got,
				 wv[i].value);
		free(got);
	}
	free_lines(lines);
	free_names(&l);
}

/* check_capture - the three questions of the head comment */
static void check_capture(const char *pcap, const struct want_frame *wf,
			  size_t nframes, const struct want_field *wv,
			  size_t nvalues)
{
	check_stacks(pcap, wf, nframes);
	check_experts(pcap);
	check_values(pcap, nframes, wv, nvalues);
}

/* write_capture - the frames as CAPDIR/name */
static void write_capture(struct osif *f, const char *path)
{
	mkdir("build", 0755);
	mkdir(CAPDIR, 0755);
	if (osif_write_pcap(f, path) != 0)
		fail_msg("%s: text2pcap failed", path);
	osif_free(f);
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the captures ----------------------------------------------------- */

/* What tshark shows for each kind of frame: the end of frame.protocols,
 * and which protocols of those named here it dissected. A transfer is
 * an RTTR in a DT SPDU, then a MAJOR SYNC POINT in a second TPKT of the
 * same frame: tshark's RTSE reassembles the RTTR there and hands it to
 * P1 (and P1 to P22) without naming them in frame.protocols. */
#define F_COTP		{ "tpkt:cotp", "cotp" }
#define F_BIND		{ "ses:pres:acse:rtse:ros:p1", \
			  "cotp ses pres acse rtse ros p1" }
#define F_IPM		{ "ses:pres:rtse:cotp:ses", \
			  "cotp ses pres rtse p1 p22" }
#define F_P1		{ "ses:pres:rtse:cotp:ses", \
			  "cotp ses pres rtse p1" }
#define F_ACSE		{ "ses:pres:acse", "cotp ses pres acse" }
#define F_ABORT		{ "ses:pres:acse:rtse", \
			  "cotp ses pres acse rtse" }
#define F_X410		{ "ses:pres:p1", "cotp ses pres p1" }
#define F_X410_RF	{ "ses:pres", "cotp ses pres" }

static void test_normal_mode(void **state)
{
	static const char pcap[] = CAPDIR "/codec-p1.pcap";
	static const struct want_frame wf[] = {
		F_COTP,		/* 1 CR */
		F_COTP,		/* 2 CC */
		F_BIND,		/* 3 CN: CP-type, AARQ, RTORQ, bind */
		F_BIND,		/* 4 AC: CPA-PPDU, AARE, RTOAC, result */
		F_IPM,		/* 5 the message */
		F_P1,		/* 6 the report */
		F_P1,		/* 7 the probe */
		F_ACSE,		/* 8 FN: RLRQ */
		F_ACSE,		/* 9 DN: RLRE */
		F_COTP,		/* 10 DR */
	};
	static const struct want_field wv[] = {
		{ 1, "tcp.dstport", "102" },
		{ 2, "tcp.srcport", "102" },
		/* CP-type: the contexts, and the AARQ in context 1 */
		{ 3, "pres.mode_value", "1" },
		{ 3, "pres.calling_presentation_selector", "61636d652d70" },
		{ 3, "pres.called_presentation_selector", "78343030" },
		{ 3, "pres.presentation_context_identifier", "1|3|5|1" },
		{ 3, "pres.abstract_syntax_name",
		  OID_AS_ACSE "|" OID_AS_RTSE "|" OID_AS_MTSE },
		{ 3, "pres.Transfer_syntax_name",
		  OID_BER "|" OID_BER "|" OID_BER },
		{ 3, "acse.aSO_context_name", OID_AC_MTS },
		{ 3, "acse.direct_reference", OID_BER },
		{ 3, "acse.indirect_reference", "3" },
		{ 3, "rtse.checkpointSize", "64" },
		{ 3, "rtse.windowSize", "5" },
		{ 3, "rtse.dialogueMode", "1" },
		{ 3, "p1.MTABindArgument", "1" },
		{ 3, "p1.authenticated.initiator-name", MTA_INIT },
		{ 3, "p1.ia5_string", MTA_INIT_PW },
		/* CPA-PPDU, AARE accepted, RTOAC */
		{ 4, "pres.responding_presentation_selector", "78343030" },
		{ 4, "pres.result", "0|0|0" },
		{ 4, "acse.aSO_context_name", OID_AC_MTS },
		{ 4, "acse.result", "0" },
		{ 4, "rtse.checkpointSize", "32" },
		{ 4, "rtse.windowSize", "4" },
		{ 4, "p1.MTABindResult", "1" },
		{ 4, "p1.authenticated.responder-name", MTA_RESP },
		{ 4, "p1.ia5_string", MTA_RESP_PW },
		/* the message */
		{ 5, "pres.presentation_context_identifier", "3" },
		{ 5, "p1.MTS_APDU", "0" },
		{ 5, "p1.local_identifier", MSG_LOCAL_ID },
		{ 5, "p1.built_in", "22" },
		{ 5, "p1.content_identifier", MSG_CONTENT_ID },
		{ 5, "p1.priority", "2" },
		{ 5, "p1.originally_specified_recipient_number", "1|2|3" },
		/* envelope: originator, three recipients; then the P22
		 * heading (the dissector reuses P1's O/R name fields):
		 * this-IPM, originator, primary and copy recipients */
		{ 5, "p1.surname", "Mueller|Martin|Dubois|Smith|"
		  "Mueller|Mueller|Martin|Dubois|Smith" },
		{ 5, "p1.given_name", "Anna|Bernard|Dave|"
		  "Anna|Anna|Bernard|Dave" },
		/* originator, message identifier, trace, recipients; heading */
		{ 5, "p1.iso_3166_alpha2_code", "DE|DE|DE|FR|FR|GB|"
		  "DE|DE|FR|FR|GB" },
		{ 5, "p1.arrival_time", "26-03-24 09:17:42 (UTC)" },
		{ 5, "p22.user_relative_identifier", IPM_ID },
		{ 5, "p22.subject", IPM_SUBJECT },
		/* tshark -T fields escapes CR and LF */
		{ 5, "p22.ia5text.data", "Bernard, Claire,\\r\\nthe draft is "
		  "attached to the next message.\\r\\nAnna\\r\\n" },
		/* the report */
		{ 6, "p1.MTS_APDU", "1" },
		{ 6, "p1.local_identifier", RPT_LOCAL_ID "|" MSG_LOCAL_ID },
		{ 6, "p1.non_delivery_reason_code", "1" },
		{ 6, "p1.non_delivery_diagnostic_code", "4" },
		{ 6, "p1.message_delivery_time", "26-03-24 09:18:00 (UTC)" },
		{ 6, "p1.supplementary_information", RPT_SUPPL },
		{ 6, "p1.surname", "Mueller|Martin|Dubois" },
		/* the probe */
		{ 7, "p1.MTS_APDU", "2" },
		{ 7, "p1.local_identifier", PRB_LOCAL_ID },
		{ 7, "p1.content_length", "4711" },
		{ 7, "p1.built_in", "22" },
		{ 7, "p1.surname", "Mueller|Martin|Smith" },
		/* release: normal(0) */
		{ 8, "acse.reason", "0" },
		{ 9, "acse.reason", "0" },
	};
	struct osif *f = osif_new();

	(void)state;
	assert_non_null(f);
	assert_int_equal(osif_cotp(f, OSIF_TO_RESPONDER, OSIF_CR), 0);
	assert_int_equal(osif_cotp(f, OSIF_TO_INITIATOR, OSIF_CC), 0);
	add_spdu(f, OSIF_TO_RESPONDER, 13, ses_cn, sizeof(ses_cn),
		 cp(aarq(rtorq(bind_argument(MTA_INIT, MTA_INIT_PW)))));
	add_spdu(f, OSIF_TO_INITIATOR, 14, ses_cn, sizeof(ses_cn),
		 cpa(aare(0, rtoac(bind_result()))));
	{
		struct der m = user_data(PC_RTSE, rttr(p1_message()));
		struct der r = user_data(PC_RTSE, rttr(p1_report()));
		struct der p = user_data(PC_RTSE, rttr(p1_probe()));

		assert_int_equal(osif_data_sync(f, OSIF_TO_RESPONDER, m.p,
						m.n, 1), 0);
		assert_int_equal(osif_data_sync(f, OSIF_TO_RESPONDER, r.p,
						r.n, 2), 0);
		assert_int_equal(osif_data_sync(f, OSIF_TO_RESPONDER, p.p,
						p.n, 3), 0);
		free(m.p);
		free(r.p);
		free(p.p);
	}
	add_spdu(f, OSIF_TO_RESPONDER, 9, ses_td, sizeof(ses_td),
		 user_data(PC_ACSE, rlrq()));
	add_spdu(f, OSIF_TO_INITIATOR, 10, NULL, 0,
		 user_data(PC_ACSE, rlre()));
	assert_int_equal(osif_cotp(f, OSIF_TO_RESPONDER, OSIF_DR), 0);
	write_capture(f, pcap);
	check_capture(pcap, wf, NELEM(wf), wv, NELEM(wv));
}

/* The bind refused: RF carrying CPR-PPDU, AARE rejected-permanent, RTORJ
 * with the bind error authentication-error(2). */
static void test_refused(void **state)
{
	static const char pcap[] = CAPDIR "/codec-refuse.pcap";
	static const struct want_frame wf[] = {
		F_COTP,
		F_COTP,
		F_BIND,		/* 3 CN */
		F_BIND,		/* 4 RF: CPR-PPDU, AARE, RTORJ, bind error */
	};
	static const struct want_field wv[] = {
		{ 3, "p1.authenticated.initiator-name", MTA_INIT },
		{ 3, "p1.ia5_string", "WRONG" },
		{ 4, "pres.result", "0|0|0" },
		{ 4, "acse.result", "1" },
		{ 4, "acse.service_user", "1" },
		{ 4, "acse.indirect_reference", "3" },
		{ 4, "p1.MTABindError", "2" },
	};
	struct osif *f = osif_new();
	struct der rf;

	(void)state;
	assert_non_null(f);
	assert_int_equal(osif_cotp(f, OSIF_TO_RESPONDER, OSIF_CR), 0);
	assert_int_equal(osif_cotp(f, OSIF_TO_INITIATOR, OSIF_CC), 0);
	add_spdu(f, OSIF_TO_RESPONDER, 13, ses_cn, sizeof(ses_cn),
		 cp(aarq(rtorq(bind_argument(MTA_INIT, "WRONG")))));
	rf = cpr(aare(1, rtorj(bind_error(2))));
	assert_int_equal(osif_refuse(f, OSIF_TO_INITIATOR, ses_td,
				     sizeof(ses_td), rf.p, rf.n), 0);
	free(rf.p);
	write_capture(f, pcap);
	check_capture(pcap, wf, NELEM(wf), wv, NELEM(wv));
}

/* A-ABORT after the bind: AB carrying ARU-PPDU, ABRT, RTAB userError. */
static void test_abort(void **state)
{
	static const char pcap[] = CAPDIR "/codec-abort.pcap";
	static const struct want_frame wf[] = {
		F_COTP,
		F_COTP,
		F_BIND,
		F_BIND,
		F_ABORT,	/* 5 AB: ARU-PPDU, ABRT, RTAB */
	};
	static const struct want_field wv[] = {
		{ 5, "acse.abort_source", "0" },
		{ 5, "acse.indirect_reference", "3" },
		{ 5, "rtse.abortReason", "6" },
	};
	struct osif *f = osif_new();

	(void)state;
	assert_non_null(f);
	assert_int_equal(osif_cotp(f, OSIF_TO_RESPONDER, OSIF_CR), 0);
	assert_int_equal(osif_cotp(f, OSIF_TO_INITIATOR, OSIF_CC), 0);
	add_spdu(f, OSIF_TO_RESPONDER, 13, ses_cn, sizeof(ses_cn),
		 cp(aarq(rtorq(bind_argument(MTA_INIT, MTA_INIT_PW)))));
	add_spdu(f, OSIF_TO_INITIATOR, 14, ses_cn, sizeof(ses_cn),
		 cpa(aare(0, rtoac(bind_result()))));
	add_spdu(f, OSIF_TO_RESPONDER, 25, ses_ab, sizeof(ses_ab),
		 aru(abrt()));
	write_capture(f, pcap);
	check_capture(pcap, wf, NELEM(wf), wv, NELEM(wv));
}

/* X.410-1984 mode: PConnect and PAccept as session user data, the 1984
 * bind (no RO-notation tag) in "open". */
static void test_x410(void **state)
{
	static const char pcap[] = CAPDIR "/codec-x410.pcap";
	static const struct want_frame wf[] = {
		F_COTP,
		F_COTP,
		F_X410,		/* 3 CN: PConnect */
		F_X410,		/* 4 AC: PAccept */
	};
	static const struct want_field wv[] = {
		{ 3, "pres.mode_value", "0" },
		{ 3, "rtse.checkpointSize", "16" },
		{ 3, "rtse.windowSize", "3" },
		{ 3, "rtse.dialogueMode", "1" },
		{ 3, "rtse.applicationProtocol", "1" },
		{ 3, "p1.authenticated.initiator-name", MTA_INIT },
		{ 3, "p1.ia5_string", MTA_INIT_PW },
		{ 4, "pres.mode_value", "0" },
		{ 4, "rtse.checkpointSize", "16" },
		{ 4, "p1.authenticated.responder-name", MTA_RESP },
		{ 4, "p1.ia5_string", MTA_RESP_PW },
	};
	struct osif *f = osif_new();

	(void)state;
	assert_non_null(f);
	assert_int_equal(osif_cotp(f, OSIF_TO_RESPONDER, OSIF_CR), 0);
	assert_int_equal(osif_cotp(f, OSIF_TO_INITIATOR, OSIF_CC), 0);
	add_spdu(f, OSIF_TO_RESPONDER, 13, ses_cn, sizeof(ses_cn),
		 pconnect(bind_argument(MTA_INIT, MTA_INIT_PW)));
	add_spdu(f, OSIF_TO_INITIATOR, 14, ses_cn, sizeof(ses_cn),
		 paccept(bind_result()));
	write_capture(f, pcap);
	check_capture(pcap, wf, NELEM(wf), wv, NELEM(wv));
}

/* X.410-1984 mode refused: PRefuse validationFailure(2) in the RF. */
static void test_x410_refused(void **state)
{
	static const char pcap[] = CAPDIR "/codec-x410-refuse.pcap";
	static const struct want_frame wf[] = {
		F_COTP,
		F_COTP,
		F_X410,
		F_X410_RF,	/* 4 RF: PRefuse */
	};
	static const struct want_field wv[] = {
		{ 4, "rtse.refuseReason", "2" },
	};
	struct osif *f = osif_new();
	struct der rf;

	(void)state;
	assert_non_null(f);
	assert_int_equal(osif_cotp(f, OSIF_TO_RESPONDER, OSIF_CR), 0);
	assert_int_equal(osif_cotp(f, OSIF_TO_INITIATOR, OSIF_CC), 0);
	add_spdu(f, OSIF_TO_RESPONDER, 13, ses_cn, sizeof(ses_cn),
		 pconnect(bind_argument(MTA_INIT, "WRONG")));
	rf = prefuse(2);
	assert_int_equal(osif_refuse(f, OSIF_TO_INITIATOR, ses_td,
				     sizeof(ses_td), rf.p, rf.n), 0);
	free(rf.p);
	write_capture(f, pcap);
	check_capture(pcap, wf, NELEM(wf), wv, NELEM(wv));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_mode),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_x410),
		cmocka_unit_test(test_x410_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
