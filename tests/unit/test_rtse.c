/*
 * test_rtse.c - RTSE APDUs (X.228) and the X.410-1984 mode PDUs (PConnect,
 *	PAccept, PRefuse): DER round trips, known answers from ISODE's
 *	X.410-mode capture, and the conventions of asn1/rtse.asn1
 *
 * Every test builds a value in C, encodes it with codec_encode_alloc(),
 * decodes the octets with codec_decode(), checks the decoded fields one by
 * one and re-encodes them: the two encodings must be identical.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "capture.h"
#include "RTSE-apdus.h"
#include "PConnect.h"
#include "PAccept.h"
#include "PRefuse.h"

#define X410_PCAP	"tests/vectors/isode-rtse-x410-echo.pcap"

/* ISODE's X.410-mode echo test, frames 8 and 9: the session user data of
 * CN (a PConnect) and AC (a PAccept). */
static const unsigned char isode_cn_ud[] = {
	0x31, 0x19, 0xa0, 0x03, 0x80, 0x01, 0x00, 0xa1, 0x12, 0x80, 0x01,
	0x3f, 0x82, 0x01, 0x01, 0xa3, 0x06, 0xa0, 0x04, 0x02, 0x02, 0x34,
	0xcb, 0x84, 0x02, 0x00, 0x80
};
static const unsigned char isode_ac_ud[] = {
	0x31, 0x15, 0xa0, 0x03, 0x80, 0x01, 0x00, 0xa1, 0x0e, 0x80, 0x01,
	0x01, 0x81, 0x01, 0x03, 0xa2, 0x06, 0xa0, 0x04, 0x02, 0x02, 0x34,
	0xcc
};
/* the RTSE user data ISODE's echo test puts in "open" */
static const unsigned char isode_open_rq[] = { 0x02, 0x02, 0x34, 0xcb };
static const unsigned char isode_open_ac[] = { 0x02, 0x02, 0x34, 0xcc };

/* ---- helpers ---------------------------------------------------------- */

/* assert_buf - an OCTET STRING, ANY or BIT STRING holds exactly p[0..n) */
#define assert_buf(s, p, n) do {					\
		assert_int_equal((s)->size, (n));			\
		assert_memory_equal((s)->buf, (p), (n));		\
	} while (0)

static long *new_long(long v)
{
	long *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	*p = v;
	return p;
}

static void assert_long(const long *p, long v)
{
	assert_non_null(p);
	assert_int_equal(*p, v);
}

static void put_octets(OCTET_STRING_t *s, const void *p, size_t n)
{
	assert_int_equal(OCTET_STRING_fromBuf(s, (const char *)p, (int)n), 0);
}

static ANY_t *new_any(const void *p, size_t n)
{
	ANY_t *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	put_octets((OCTET_STRING_t *)a, p, n);	/* ANY_t has its layout */
	return a;
}

/* tlv - append one TLV with a short-form length at out[at]; returns the
 *	offset after it */
static size_t tlv(unsigned char *out, size_t at, unsigned tag,
		  const void *v, size_t n)
{
	assert_true(n < 128);
	out[at] = (unsigned char)tag;
	out[at + 1] = (unsigned char)n;
	memmove(out + at + 2, v, n);
	return at + 2 + n;
}

/* mta_credentials - the RTSE user data an MTA puts in "open": its name and
 *	password, shaped like the authenticated MTABindArgument of X.411
 *	([1] SET { [0] name, [1] { OCTET STRING password } }). Opaque to
 *	RTSE; returns its length. */
static size_t mta_credentials(unsigned char *out, const char *name,
			      const char *password)
{
	unsigned char pw[64], cred[64], body[128];
	size_t n;

	n = tlv(pw, 0, 0x04, password, strlen(password));
	n = tlv(cred, 0, 0xa1, pw, n);
	n = tlv(body, 0, 0x80, name, strlen(name));
	memcpy(body + n, cred, cred[1] + 2u);
	n += cred[1] + 2u;
	return tlv(out, 0, 0xa1, body, n);
}

/* set_open - ConnectionData "open" carrying p[0..n) */
static void set_open(ConnectionData_t *cd, const void *p, size_t n)
{
	cd->present = ConnectionData_PR_open;
	put_octets((OCTET_STRING_t *)&cd->choice.open, p, n);
}

static void assert_open(const ConnectionData_t *cd, const void *p, size_t n)
{
	assert_int_equal(cd->present, ConnectionData_PR_open);
	assert_buf(&cd->choice.open, p, n);
}

/* round_trip - encode v, decode the octets, re-encode what was decoded:
 *	both encodings must be identical. Returns the decoded value (free
 *	it with codec_free) and, if der is not NULL, the encoding. */
static void *round_trip(const asn_TYPE_descriptor_t *td, const void *v,
			unsigned char **der, size_t *derlen)
{
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	void *d = NULL;

	assert_int_equal(codec_encode_alloc(td, v, &a, &alen), CODEC_OK);
	assert_int_equal(codec_decode(td, a, alen, 0, &d, NULL), CODEC_OK);
	assert_non_null(d);
	assert_int_equal(codec_encode_alloc(td, d, &b, &blen), CODEC_OK);
	assert_int_equal(blen, alen);
	assert_memory_equal(b, a, alen);
	free(b);
	if (der) {
		*der = a;
		*derlen = alen;
	} else
		free(a);
	return d;
}

/* round_trip_free - round_trip, then free the built value; returns the
 *	decoded one */
static void *round_trip_free(const asn_TYPE_descriptor_t *td, void *v)
{
	void *d = round_trip(td, v, NULL, NULL);

	codec_free(td, v);
	return d;
}

static RTSE_apdus_t *new_apdu(RTSE_apdus_PR which)
{
	RTSE_apdus_t *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->present = which;
	return a;
}

/* ---- RTSE-apdus (normal mode) ---------------------------------------- */

/* RT-OPEN request as an MTA sends it in the AARQ: every field but the
 * X.410-only applicationProtocol, defaults left out except where the
 * value differs. */
static void test_rtorq_open(void **state)
{
	unsigned char cred[128], bind[160];
	size_t clen = mta_credentials(cred, "MTA-A", "secret-a");
	size_t blen = tlv(bind, 0, 0xb0, cred, clen);	/* ROS bind [16] */
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rtorq_apdu), *d;
	RTORQapdu_t *q = &a->choice.rtorq_apdu;

	(void)state;
	q->checkpointSize = new_long(63);
	q->windowSize = new_long(5);
	q->dialogueMode = new_long(RTORQapdu__dialogueMode_twa);
	set_open(&q->connectionDataRQ, bind, blen);

	d = round_trip_free(&asn_DEF_RTSE_apdus, a);
	assert_int_equal(d->present, RTSE_apdus_PR_rtorq_apdu);
	q = &d->choice.rtorq_apdu;
	assert_long(q->checkpointSize, 63);
	assert_long(q->windowSize, 5);
	assert_long(q->dialogueMode, RTORQapdu__dialogueMode_twa);
	assert_null(q->applicationProtocol);
	assert_open(&q->connectionDataRQ, bind, blen);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* RT-OPEN request recovering an earlier connection (normal mode: the
 * calling SS-user reference is an OCTET STRING). */
static void test_rtorq_recover(void **state)
{
	static const char ref[] = "mta-a/0001", utc[] = "261121133806Z",
	    info[] = "retry 2";
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rtorq_apdu), *d;
	ConnectionData_t *cd = &a->choice.rtorq_apdu.connectionDataRQ;
	SessionConnectionIdentifier_t *sc = &cd->choice.recover;

	(void)state;
	cd->present = ConnectionData_PR_recover;
	sc->callingSSuserReference.present =
	    CallingSSuserReference_PR_octetString;
	put_octets(&sc->callingSSuserReference.choice.octetString, ref,
		   strlen(ref));
	put_octets(&sc->commonReference, utc, strlen(utc));
	sc->additionalReferenceInformation = calloc(1, sizeof(TeletexString_t));
	assert_non_null(sc->additionalReferenceInformation);
	put_octets(sc->additionalReferenceInformation, info, strlen(info));

	d = round_trip_free(&asn_DEF_RTSE_apdus, a);
	assert_int_equal(d->present, RTSE_apdus_PR_rtorq_apdu);
	cd = &d->choice.rtorq_apdu.connectionDataRQ;
	assert_int_equal(cd->present, ConnectionData_PR_recover);
	sc = &cd->choice.recover;
	assert_int_equal(sc->callingSSuserReference.present,
			 CallingSSuserReference_PR_octetString);
	assert_buf(&sc->callingSSuserReference.choice.octetString, ref,
		   strlen(ref));
	assert_buf(&sc->commonReference, utc, strlen(utc));
	assert_non_null(sc->additionalReferenceInformation);
	assert_buf(sc->additionalReferenceInformation, info, strlen(info));
	assert_null(d->choice.rtorq_apdu.checkpointSize);
	assert_null(d->choice.rtorq_apdu.windowSize);
	assert_null(d->choice.rtorq_apdu.dialogueMode);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

static void test_rtoac(void **state)
{
	unsigned char cred[128], res[160];
	size_t clen = mta_credentials(cred, "MTA-B", "secret-b");
	size_t rlen = tlv(res, 0, 0xb1, cred, clen);	/* ROS result [17] */
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rtoac_apdu), *d;
	RTOACapdu_t *c = &a->choice.rtoac_apdu;

	(void)state;
	c->checkpointSize = new_long(1);
	c->windowSize = new_long(7);
	set_open(&c->connectionDataAC, res, rlen);

	d = round_trip_free(&asn_DEF_RTSE_apdus, a);
	assert_int_equal(d->present, RTSE_apdus_PR_rtoac_apdu);
	c = &d->choice.rtoac_apdu;
	assert_long(c->checkpointSize, 1);
	assert_long(c->windowSize, 7);
	assert_open(&c->connectionDataAC, res, rlen);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* RT-OPEN refused; both fields (refuseReason is X.410-mode only, the user
 * data normal-mode only, but the type carries either). The user data is
 * what PP sends for a bad password: MTABindError authentication-error. */
static void test_rtorj(void **state)
{
	static const unsigned char bind_error[] = { 0x02, 0x01, 0x02 };
	static const unsigned char want[] = {
		0xb2, 0x08, 0x80, 0x01, 0x02, 0xa1, 0x03, 0x02, 0x01, 0x02
	};
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rtorj_apdu), *d;
	unsigned char *der;
	size_t derlen;

	(void)state;
	a->choice.rtorj_apdu.refuseReason =
	    new_long(RefuseReason_validationFailure);
	a->choice.rtorj_apdu.userDataRJ = new_any(bind_error,
						  sizeof(bind_error));

	d = round_trip(&asn_DEF_RTSE_apdus, a, &der, &derlen);
	assert_int_equal(derlen, sizeof(want));
	assert_memory_equal(der, want, sizeof(want));
	assert_int_equal(d->present, RTSE_apdus_PR_rtorj_apdu);
	assert_long(d->choice.rtorj_apdu.refuseReason,
		    RefuseReason_validationFailure);
	assert_non_null(d->choice.rtorj_apdu.userDataRJ);
	assert_buf(d->choice.rtorj_apdu.userDataRJ, bind_error,
		   sizeof(bind_error));
	free(der);
	codec_free(&asn_DEF_RTSE_apdus, a);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* RT-TURN-PLEASE: an untagged INTEGER in the CHOICE */
static void test_rttp(void **state)
{
	static const unsigned char want[] = { 0x02, 0x01, 0x02 };
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rttp_apdu), *d;
	unsigned char *der;
	size_t derlen;

	(void)state;
	a->choice.rttp_apdu = 2;
	d = round_trip(&asn_DEF_RTSE_apdus, a, &der, &derlen);
	assert_int_equal(derlen, sizeof(want));
	assert_memory_equal(der, want, sizeof(want));
	assert_int_equal(d->present, RTSE_apdus_PR_rttp_apdu);
	assert_int_equal(d->choice.rttp_apdu, 2);
	free(der);
	codec_free(&asn_DEF_RTSE_apdus, a);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* RT-TRANSFER: the RTSE user's APDU (here the start of a P1 message) in an
 * untagged OCTET STRING, long enough for a long-form length. */
static void test_rttr(void **state)
{
	unsigned char apdu[300];
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rttr_apdu), *d;
	unsigned char *der;
	size_t derlen, i;

	(void)state;
	apdu[0] = 0x30;		/* SEQUENCE, 296 octets */
	apdu[1] = 0x82;
	apdu[2] = 0x01;
	apdu[3] = 0x28;
	for (i = 4; i < sizeof(apdu); i++)
		apdu[i] = (unsigned char)i;
	put_octets(&a->choice.rttr_apdu, apdu, sizeof(apdu));

	d = round_trip(&asn_DEF_RTSE_apdus, a, &der, &derlen);
	assert_int_equal(derlen, 4 + sizeof(apdu));
	assert_int_equal(der[0], 0x04);
	assert_int_equal(der[1], 0x82);
	assert_int_equal(d->present, RTSE_apdus_PR_rttr_apdu);
	assert_buf(&d->choice.rttr_apdu, apdu, sizeof(apdu));
	free(der);
	codec_free(&asn_DEF_RTSE_apdus, a);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* RT-ABORT with all three fields (the standard pairs reflectedParameter
 * with invalidParameter and user data with userError; the type takes
 * all three). */
static void test_rtab(void **state)
{
	static const unsigned char reflected[] = { 0xa5 };
	static const unsigned char udata[] = { 0x02, 0x01, 0x00 };
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rtab_apdu), *d;
	RTABapdu_t *r = &a->choice.rtab_apdu;

	(void)state;
	r->abortReason = new_long(AbortReason_invalidParameter);
	r->reflectedParameter = calloc(1, sizeof(BIT_STRING_t));
	assert_non_null(r->reflectedParameter);
	put_octets((OCTET_STRING_t *)r->reflectedParameter, reflected, 1);
	r->userdataAB = new_any(udata, sizeof(udata));

	d = round_trip_free(&asn_DEF_RTSE_apdus, a);
	assert_int_equal(d->present, RTSE_apdus_PR_rtab_apdu);
	r = &d->choice.rtab_apdu;
	assert_long(r->abortReason, AbortReason_invalidParameter);
	assert_non_null(r->reflectedParameter);
	assert_buf(r->reflectedParameter, reflected, 1);
	assert_int_equal(r->reflectedParameter->bits_unused, 0);
	assert_non_null(r->userdataAB);
	assert_buf(r->userdataAB, udata, sizeof(udata));
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* reflectedParameter holds at most 8 bits: 9 are refused both ways */
static void test_rtab_reflected_too_long(void **state)
{
	static const unsigned char nine_bits[] = {
		0xb6, 0x08, 0x81, 0x03, 0x07, 0xff, 0x80, 0x80, 0x01, 0x01
	};
	static const unsigned char two[] = { 0xff, 0x80 };
	RTSE_apdus_t *a = new_apdu(RTSE_apdus_PR_rtab_apdu);
	unsigned char buf[64];
	void *d = NULL;

	(void)state;
	a->choice.rtab_apdu.reflectedParameter = calloc(1,
							sizeof(BIT_STRING_t));
	assert_non_null(a->choice.rtab_apdu.reflectedParameter);
	put_octets((OCTET_STRING_t *)a->choice.rtab_apdu.reflectedParameter,
		   two, sizeof(two));
	a->choice.rtab_apdu.reflectedParameter->bits_unused = 7;
	assert_int_equal(codec_encode(&asn_DEF_RTSE_apdus, a, buf,
				      sizeof(buf)), CODEC_E_CONSTRAINT);
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus, nine_bits,
				      sizeof(nine_bits), 0, &d, NULL),
			 CODEC_E_CONSTRAINT);
	assert_null(d);
	codec_free(&asn_DEF_RTSE_apdus, a);
}

/* DEFAULT fields are modelled OPTIONAL (asn1c 0.9.28 applies no default
 * in BER): absent stays absent (NULL, meaning 0 / 3 / monologue), and a
 * default value that a peer did send (PP sends dialogueMode 0) stays
 * present, so the re-encoding is the same octets. */
static void test_rtorq_defaults(void **state)
{
	static const unsigned char minimal[] = {
		0xb0, 0x06, 0xa3, 0x04, 0xa0, 0x02, 0x05, 0x00
	};
	static const unsigned char explicit0[] = {
		0xb0, 0x0b, 0x82, 0x01, 0x00, 0xa3, 0x06, 0xa0, 0x04, 0x02,
		0x02, 0x34, 0xcb
	};
	RTSE_apdus_t *d = NULL;
	unsigned char *der;
	size_t derlen;

	(void)state;
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus, minimal,
				      sizeof(minimal), 0, (void **)&d, NULL),
			 CODEC_OK);
	assert_int_equal(d->present, RTSE_apdus_PR_rtorq_apdu);
	assert_null(d->choice.rtorq_apdu.checkpointSize);
	assert_null(d->choice.rtorq_apdu.windowSize);
	assert_null(d->choice.rtorq_apdu.dialogueMode);
	assert_null(d->choice.rtorq_apdu.applicationProtocol);
	assert_int_equal(codec_encode_alloc(&asn_DEF_RTSE_apdus, d, &der,
					    &derlen), CODEC_OK);
	assert_int_equal(derlen, sizeof(minimal));
	assert_memory_equal(der, minimal, sizeof(minimal));
	free(der);
	codec_free(&asn_DEF_RTSE_apdus, d);

	d = NULL;
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus, explicit0,
				      sizeof(explicit0), 0, (void **)&d,
				      NULL), CODEC_OK);
	assert_long(d->choice.rtorq_apdu.dialogueMode,
		    RTORQapdu__dialogueMode_monologue);
	assert_open(&d->choice.rtorq_apdu.connectionDataRQ, isode_open_rq,
		    sizeof(isode_open_rq));
	assert_int_equal(codec_encode_alloc(&asn_DEF_RTSE_apdus, d, &der,
					    &derlen), CODEC_OK);
	assert_int_equal(derlen, sizeof(explicit0));
	assert_memory_equal(der, explicit0, sizeof(explicit0));
	free(der);
	codec_free(&asn_DEF_RTSE_apdus, d);
}

/* A SET member twice, and an APDU tag RTSE does not have, are refused. */
static void test_rtse_refused(void **state)
{
	static const unsigned char twice[] = {
		0xb0, 0x0c, 0x80, 0x01, 0x01, 0x80, 0x01, 0x02, 0xa3, 0x04,
		0xa0, 0x02, 0x05, 0x00
	};
	static const unsigned char tag19[] = { 0xb3, 0x00 };
	void *d = NULL;

	(void)state;
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus, twice,
				      sizeof(twice), 0, &d, NULL),
			 CODEC_E_MALFORMED);
	assert_null(d);
	assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus, tag19,
				      sizeof(tag19), 0, &d, NULL),
			 CODEC_E_MALFORMED);
	assert_null(d);
}

/* ---- X.410-1984 mode --------------------------------------------------- */

static PConnect_t *new_pconnect(const void *open, size_t openlen)
{
	PConnect_t *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->dataTransferSyntax.syntax = DataTransferSyntax__syntax_x409;
	set_open(&p->pUserData.connectionData, open, openlen);
	return p;
}

/* The PConnect ISODE sent, rebuilt: our encoding is the captured octets,
 * and the captured octets decode to these fields. */
static void test_pconnect_isode(void **state)
{
	PConnect_t *p = new_pconnect(isode_open_rq, sizeof(isode_open_rq));
	PConnect_t *d = NULL;
	unsigned char *der;
	size_t derlen;

	(void)state;
	p->pUserData.checkpointSize = new_long(63);
	p->pUserData.dialogueMode =
	    new_long(PConnect__pUserData__dialogueMode_twa);
	p->pUserData.applicationProtocol = new_long(128);
	assert_int_equal(codec_encode_alloc(&asn_DEF_PConnect, p, &der,
					    &derlen), CODEC_OK);
	assert_int_equal(derlen, sizeof(isode_cn_ud));
	assert_memory_equal(der, isode_cn_ud, sizeof(isode_cn_ud));
	free(der);
	codec_free(&asn_DEF_PConnect, p);

	assert_int_equal(codec_decode(&asn_DEF_PConnect, isode_cn_ud,
				      sizeof(isode_cn_ud), 0, (void **)&d,
				      NULL), CODEC_OK);
	assert_int_equal(d->dataTransferSyntax.syntax,
			 DataTransferSyntax__syntax_x409);
	assert_long(d->pUserData.checkpointSize, 63);
	assert_null(d->pUserData.windowSize);
	assert_long(d->pUserData.dialogueMode,
		    PConnect__pUserData__dialogueMode_twa);
	assert_long(d->pUserData.applicationProtocol, 128);
	assert_open(&d->pUserData.connectionData, isode_open_rq,
		    sizeof(isode_open_rq));
	codec_free(&asn_DEF_PConnect, d);
}

/* A P1 (1984) PConnect: every field, the MTA name and password in open. */
static void test_pconnect_mta(void **state)
{
	unsigned char cred[128];
	size_t clen = mta_credentials(cred, "MTA-A", "secret-a");
	PConnect_t *p = new_pconnect(cred, clen), *d;

	(void)state;
	p->pUserData.checkpointSize = new_long(0);
	p->pUserData.windowSize = new_long(4);
	p->pUserData.dialogueMode =
	    new_long(PConnect__pUserData__dialogueMode_monologue);
	p->pUserData.applicationProtocol =
	    new_long(PConnect__pUserData__applicationProtocol_p1);

	d = round_trip_free(&asn_DEF_PConnect, p);
	assert_int_equal(d->dataTransferSyntax.syntax,
			 DataTransferSyntax__syntax_x409);
	assert_long(d->pUserData.checkpointSize, 0);
	assert_long(d->pUserData.windowSize, 4);
	assert_long(d->pUserData.dialogueMode,
		    PConnect__pUserData__dialogueMode_monologue);
	assert_long(d->pUserData.applicationProtocol,
		    PConnect__pUserData__applicationProtocol_p1);
	assert_open(&d->pUserData.connectionData, cred, clen);
	codec_free(&asn_DEF_PConnect, d);
}

/* The PAccept ISODE sent, rebuilt and compared both ways. */
static void test_paccept_isode(void **state)
{
	PAccept_t *p = calloc(1, sizeof(*p)), *d = NULL;
	unsigned char *der;
	size_t derlen;

	(void)state;
	assert_non_null(p);
	p->dataTransferSyntax.syntax = DataTransferSyntax__syntax_x409;
	p->pUserData.checkpointSize = new_long(1);
	p->pUserData.windowSize = new_long(3);
	set_open(&p->pUserData.connectionData, isode_open_ac,
		 sizeof(isode_open_ac));
	assert_int_equal(codec_encode_alloc(&asn_DEF_PAccept, p, &der,
					    &derlen), CODEC_OK);
	assert_int_equal(derlen, sizeof(isode_ac_ud));
	assert_memory_equal(der, isode_ac_ud, sizeof(isode_ac_ud));
	free(der);
	codec_free(&asn_DEF_PAccept, p);

	assert_int_equal(codec_decode(&asn_DEF_PAccept, isode_ac_ud,
				      sizeof(isode_ac_ud), 0, (void **)&d,
				      NULL), CODEC_OK);
	assert_long(d->pUserData.checkpointSize, 1);
	assert_long(d->pUserData.windowSize, 3);
	assert_open(&d->pUserData.connectionData, isode_open_ac,
		    sizeof(isode_open_ac));
	codec_free(&asn_DEF_PAccept, d);
}

/* A PAccept recovering a connection (X.410 mode: the calling SS-user
 * reference is a T.61 string). */
static void test_paccept_recover(void **state)
{
	static const char ref[] = "MTA-A", utc[] = "841121133800Z";
	PAccept_t *p = calloc(1, sizeof(*p)), *d;
	SessionConnectionIdentifier_t *sc;

	(void)state;
	assert_non_null(p);
	p->dataTransferSyntax.syntax = DataTransferSyntax__syntax_x409;
	p->pUserData.connectionData.present = ConnectionData_PR_recover;
	sc = &p->pUserData.connectionData.choice.recover;
	sc->callingSSuserReference.present =
	    CallingSSuserReference_PR_t61String;
	put_octets(&sc->callingSSuserReference.choice.t61String, ref,
		   strlen(ref));
	put_octets(&sc->commonReference, utc, strlen(utc));

	d = round_trip_free(&asn_DEF_PAccept, p);
	assert_null(d->pUserData.checkpointSize);
	assert_null(d->pUserData.windowSize);
	assert_int_equal(d->pUserData.connectionData.present,
			 ConnectionData_PR_recover);
	sc = &d->pUserData.connectionData.choice.recover;
	assert_int_equal(sc->callingSSuserReference.present,
			 CallingSSuserReference_PR_t61String);
	assert_buf(&sc->callingSSuserReference.choice.t61String, ref,
		   strlen(ref));
	assert_buf(&sc->commonReference, utc, strlen(utc));
	assert_null(sc->additionalReferenceInformation);
	codec_free(&asn_DEF_PAccept, d);
}

static void test_prefuse(void **state)
{
	static const unsigned char want[] = { 0x31, 0x03, 0x80, 0x01, 0x02 };
	PRefuse_t *p = calloc(1, sizeof(*p)), *d;
	unsigned char *der;
	size_t derlen;

	(void)state;
	assert_non_null(p);
	p->refuseReason = RefuseReason_validationFailure;
	d = round_trip(&asn_DEF_PRefuse, p, &der, &derlen);
	assert_int_equal(derlen, sizeof(want));
	assert_memory_equal(der, want, sizeof(want));
	assert_int_equal(d->refuseReason, RefuseReason_validationFailure);
	free(der);
	codec_free(&asn_DEF_PRefuse, p);
	codec_free(&asn_DEF_PRefuse, d);
}

/* Every RTSE PDU of ISODE's X.410-mode capture: PConnect in CN, PAccept
 * in AC, RTTP (INTEGER) in the user data of each PLEASE TOKENS, RTTR
 * (OCTET STRING) as the user information of each DATA TRANSFER. */
static void test_x410_capture(void **state)
{
	struct cap cap;
	size_t i, connects = 0, accepts = 0, rttp = 0, rttr = 0;

	(void)state;
	assert_int_equal(cap_load(X410_PCAP, &cap), 0);
	for (i = 0; i < cap.n; i++) {
		struct spdu_view v;
		void *d = NULL;

		if (cap.tsdu[i].kind != CAP_DT ||
		    cap_spdu(&cap.tsdu[i], &v) != 0 || v.ud == NULL ||
		    v.udlen == 0)
			continue;
		if (v.si == SPDU_CN) {
			assert_int_equal(codec_decode(&asn_DEF_PConnect, v.ud,
			    v.udlen, 0, &d, NULL), CODEC_OK);
			codec_free(&asn_DEF_PConnect, d);
			connects++;
		} else if (v.si == SPDU_AC) {
			assert_int_equal(codec_decode(&asn_DEF_PAccept, v.ud,
			    v.udlen, 0, &d, NULL), CODEC_OK);
			codec_free(&asn_DEF_PAccept, d);
			accepts++;
		} else if (v.si == SPDU_PT || v.si == SPDU_GT_DT) {
			RTSE_apdus_t *r;

			assert_int_equal(codec_decode(&asn_DEF_RTSE_apdus, v.ud,
			    v.udlen, 0, &d, NULL), CODEC_OK);
			r = d;
			if (v.si == SPDU_PT) {
				assert_int_equal(r->present,
						 RTSE_apdus_PR_rttp_apdu);
				rttp++;
			} else {
				assert_int_equal(r->present,
						 RTSE_apdus_PR_rttr_apdu);
				rttr++;
			}
			codec_free(&asn_DEF_RTSE_apdus, d);
		}
	}
	cap_free(&cap);
	assert_int_equal(connects, 1);
	assert_int_equal(accepts, 1);
	/* ten echoes, each way one turn request and one transfer, and a
	 * last turn request before the release */
	assert_int_equal(rttp, 21);
	assert_int_equal(rttr, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtorq_open),
		cmocka_unit_test(test_rtorq_recover),
		cmocka_unit_test(test_rtoac),
		cmocka_unit_test(test_rtorj),
		cmocka_unit_test(test_rttp),
		cmocka_unit_test(test_rttr),
		cmocka_unit_test(test_rtab),
		cmocka_unit_test(test_rtab_reflected_too_long),
		cmocka_unit_test(test_rtorq_defaults),
		cmocka_unit_test(test_rtse_refused),
		cmocka_unit_test(test_pconnect_isode),
		cmocka_unit_test(test_pconnect_mta),
		cmocka_unit_test(test_paccept_isode),
		cmocka_unit_test(test_paccept_recover),
		cmocka_unit_test(test_prefuse),
		cmocka_unit_test(test_x410_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
