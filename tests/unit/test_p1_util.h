/*
 * test_p1_util.h - what the p1_ and route_ tests share: PP's message as
 * captured (tests/vectors/pp-p1-loop-success.pcap, frame 13, also in
 * test_p1.c) and small helpers. Included by one test program at a time;
 * every function is static.
 */
#ifndef X400_TEST_P1_UTIL_H
#define X400_TEST_P1_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec.h"
#include "MTS-APDU.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_id.h"

/* helpers a given test may not use */
#define TU static __attribute__((unused))

/* PP's message: originator C=GB;A= ;P=PPTEST;O=PPORG;S=root, one
 * recipient C=GB;A= ;P=PPTEST;O=LOOPORG;S=carol, two trace elements
 * and two extensions (content-correlator, internal-trace-information)
 * in PP's explicit type form. */
static const char pp_message_hex[] =
	"a08031806437631361041302474262031301201306505054455354162070706d"
	"74612e746573742e3135353a32312e31302e32362e31332e33382e3036602630"
	"246104130247426203130120a2081306505054455354830550504f5247a50680"
	"04726f6f746504800205204601164a0b6c6f6f70207465737420364802043069"
	"5630296313610413024742620313012013065050544553543112800d32363131"
	"32313133333830365a8201003029631361041302474262031301201306505054"
	"4553543112800d3236313132313133333830365a820100a3803035a003020117"
	"a22e042c5375626a6563743a206c6f6f70207465737420362c0a546f3a206361"
	"726f6c406c6f6f706f72672e746573743077a003020126a270306e3035631361"
	"041302474262031301201306505054455354160a70706d74612e746573743112"
	"800d3236313132313133333830365a8201003035631361041302474262031301"
	"201306505054455354160a70706d74612e746573743112800d32363131323131"
	"33333830365a8201000000a2353133602930276104130247426203130120a208"
	"130650505445535483074c4f4f504f5247a50780056361726f6c800101810307"
	"a800000024800481eda08031806b3213302871293231373420536174204e6f76"
	"2032312031333a33383a3036203230323628712928612970706d74612e746573"
	"74a028602630246104130247426203130120a208130650505445535483055050"
	"4f5247a5068004726f6f74a22f312da02b602930276104130247426203130120"
	"a208130650505445535483074c4f4f504f5247a50780056361726f6ca80d140b"
	"6c6f6f70207465737420368c010100003042a040310380010516395465737420"
	"6d65737361676520626f647920666f72206361726f6c406c6f6f706f72672e74"
	"6573742e0d0a5365636f6e64206c696e652e0d0a000000000000";

/* hex_bytes - octets of a hex string (malloc()ed) */
TU unsigned char *hex_bytes(const char *hex, size_t *n)
{
	size_t len = strlen(hex);
	unsigned char *out = malloc(len / 2 + 1);

	assert_non_null(out);
	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned v;

		assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
		out[i / 2] = (unsigned char)v;
	}
	*n = len / 2;
	return out;
}

/* pp_message - PP's message, decoded (codec_free it) */
TU MTS_APDU_t *pp_message(void)
{
	size_t n;
	unsigned char *b = hex_bytes(pp_message_hex, &n);
	void *out = NULL;

	assert_int_equal(codec_decode(&asn_DEF_MTS_APDU, b, n, 0, &out, NULL),
			 CODEC_OK);
	free(b);
	return out;
}

/* orname - an O/R name from its string form, which must parse */
TU ORName_t *orname(const char *s)
{
	ORName_t *n = NULL;
	struct p1_err err;
	int rc = p1_orname_parse(s, &n, &err);

	if (rc != 0)
		fail_msg("'%s': %s (%s)", s, err.msg, err.attr);
	return n;
}

/* assert_orname_is - an O/R name's string form */
TU void assert_orname_is(const ORName_t *n, const char *want)
{
	char *s = p1_orname_format(n);

	assert_string_equal(s, want);
	free(s);
}

/* reencode - DER-encode an MTS-APDU and decode it again: what a peer
 *	would receive (codec_free it) */
TU MTS_APDU_t *reencode(const MTS_APDU_t *apdu)
{
	unsigned char *der = NULL;
	size_t len;
	void *out = NULL;
	int rc = codec_encode_alloc(&asn_DEF_MTS_APDU, apdu, &der, &len);

	if (rc != CODEC_OK)
		fail_msg("encoding: %s (%s)", codec_strerror(rc),
			 codec_last_detail());
	rc = codec_decode(&asn_DEF_MTS_APDU, der, len, 0, &out, NULL);
	if (rc != CODEC_OK)
		fail_msg("decoding: %s (%s)", codec_strerror(rc),
			 codec_last_detail());
	free(der);
	return out;
}

/* mtsid - an MTS identifier from its string form */
TU MTSIdentifier_t *mtsid(const char *s)
{
	MTSIdentifier_t *id = NULL;
	struct p1_err err;

	if (p1_mtsid_parse(s, &id, &err) != 0)
		fail_msg("'%s': %s", s, err.msg);
	return id;
}

/* gdi - a global domain identifier from its string form */
TU GlobalDomainIdentifier_t *gdi(const char *s)
{
	GlobalDomainIdentifier_t *g = NULL;
	struct p1_err err;

	if (p1_gdi_parse(s, &g, &err) != 0)
		fail_msg("'%s': %s", s, err.msg);
	return g;
}

/* set_pri - per-recipient indicators from bit numbers (-1 ends) */
TU void set_pri(PerRecipientIndicators_t *pri, ...)
{
	va_list ap;
	int bit;

	p1_bits_init(pri, 8);
	va_start(ap, pri);
	while ((bit = va_arg(ap, int)) >= 0)
		p1_bit_set(pri, bit, 1);
	va_end(ap);
}

/* new_message - a message: identifier, originator, recipients (each
 *	responsible, MTA report request "report" (bit 1) and originator
 *	non-delivery report (bit 4)), an IPM content type, an empty trace
 *	and the given content */
TU MTS_APDU_t *new_message(const char *id, const char *orig,
			   const char *const *rcpts, int n,
			   const char *content)
{
	MTS_APDU_t *m = calloc(1, sizeof(*m));
	MessageTransferEnvelope_t *e;
	MTSIdentifier_t *mid = mtsid(id);
	ORName_t *o = orname(orig);

	assert_non_null(m);
	m->present = MTS_APDU_PR_message;
	e = &m->choice.message.envelope;
	e->message_identifier = *mid;
	free(mid);
	e->originator_name = *o;
	free(o);
	e->content_type.present = ContentType_PR_built_in;
	e->content_type.choice.built_in = 22;
	for (int i = 0; i < n; i++) {
		PerRecipientMessageTransferFields_t *r = calloc(1, sizeof(*r));
		ORName_t *rn = orname(rcpts[i]);

		assert_non_null(r);
		r->recipient_name = *rn;
		free(rn);
		r->originally_specified_recipient_number = i + 1;
		set_pri(&r->per_recipient_indicators, 0, 1, 4, -1);
		p1_list_add(&e->per_recipient_fields.list, r);
	}
	p1_str_set(&m->choice.message.content, content);
	return m;
}

/* add_trace - one trace element of a domain given as a string */
TU void add_trace(MTS_APDU_t *m, const char *domain, long action,
		  const char *attempted)
{
	GlobalDomainIdentifier_t *g = gdi(domain);
	GlobalDomainIdentifier_t *a = attempted ? gdi(attempted) : NULL;
	TraceInformation_t *t = m->present == MTS_APDU_PR_message ?
	    &m->choice.message.envelope.trace_information :
	    m->present == MTS_APDU_PR_probe ?
	    &m->choice.probe.trace_information :
	    &m->choice.report.envelope.trace_information;
	TraceInformationElement_t *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->global_domain_identifier = *g;
	free(g);
	p1_time_set(&e->domain_supplied_information.arrival_time,
		    1774085415 + t->list.count);
	e->domain_supplied_information.routing_action = action;
	e->domain_supplied_information.attempted_domain = a;
	p1_list_add(&t->list, e);
}

#endif
