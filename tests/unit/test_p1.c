/*
 * test_p1.c - the X.411 (P1) PDUs through the codec
 *
 * Every P1 PDU type of asn1/p1.asn1 is built here with realistic values,
 * encoded (codec_encode_alloc), decoded (codec_decode) and encoded again:
 * the two encodings must be the same octets, and the decoded structure
 * must hold what was built, checked field by field, or by the DER of a
 * sub-part where that compares every field of it. Every OPTIONAL field of
 * the envelopes, the O/R address and the extension attribute types is
 * present in at least one test. Open values (extension attributes,
 * extension fields, tokens) are decoded again with their named types.
 * PP's captured PDUs (tests/vectors/pp-p1-*.pcap) are decoded as known
 * answers, and a few hand-made encodings pin the tagging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec.h"

#include "MTABindArgument.h"
#include "MTABindError.h"
#include "MTABindResult.h"
#include "MTS-APDU.h"

#include "AsymmetricToken.h"
#include "AttributeTypeAndValue.h"
#include "BindTokenSignedData.h"
#include "BuiltInDomainDefinedAttributes.h"
#include "CertificateAssertion.h"
#include "CertificateSelectors.h"
#include "CertificateSelectorsOverride.h"
#include "Certificates.h"
#include "CommonName.h"
#include "ContentConfidentialityAlgorithmIdentifier.h"
#include "ContentCorrelator.h"
#include "ContentIntegrityCheck.h"
#include "ConversionWithLossProhibited.h"
#include "CrossCertificates.h"
#include "DLExemptedRecipients.h"
#include "DLExpansionHistory.h"
#include "DLExpansionProhibited.h"
#include "DomainSuppliedInformation.h"
#include "EncodedInformationTypes.h"
#include "ExtendedCertificates.h"
#include "ExtendedEncodedInformationTypes.h"
#include "ExtendedNetworkAddress.h"
#include "ExtensionAttributes.h"
#include "ExtensionORAddressComponents.h"
#include "ExtensionPhysicalDeliveryAddressComponents.h"
#include "ExtensionType.h"
#include "ExtensionTypeExplicit.h"
#include "ForwardCertificationPath.h"
#include "InternalTraceInformation.h"
#include "LatestDeliveryTime.h"
#include "LocalPostalAttributes.h"
#include "MTAOriginatorRequestedAlternateRecipient.h"
#include "MessageOriginAuthenticationCheck.h"
#include "MessageSecurityLabel.h"
#include "MessageToken.h"
#include "MessageTokenSignedData.h"
#include "Name.h"
#include "OrganizationalUnitNames.h"
#include "OriginatorAndDLExpansionHistory.h"
#include "OriginatorCertificate.h"
#include "OriginatorReturnAddress.h"
#include "PDSName.h"
#include "PhysicalDeliveryCountryName.h"
#include "PhysicalDeliveryModes.h"
#include "PhysicalDeliveryOfficeName.h"
#include "PhysicalDeliveryOfficeNumber.h"
#include "PhysicalDeliveryOrganizationName.h"
#include "PhysicalDeliveryPersonalName.h"
#include "PhysicalDeliveryReportRequest.h"
#include "PhysicalForwardingAddress.h"
#include "PhysicalForwardingAddressRequest.h"
#include "PhysicalForwardingProhibited.h"
#include "PhysicalRenditionAttributes.h"
#include "PostOfficeBoxAddress.h"
#include "PostalCode.h"
#include "PosteRestanteAddress.h"
#include "ProbeOriginAuthenticationCheck.h"
#include "ProofOfDelivery.h"
#include "ProofOfDeliveryRequest.h"
#include "RDNSequence.h"
#include "RecipientCertificate.h"
#include "RecipientNumberForAdvice.h"
#include "RecipientReassignmentProhibited.h"
#include "RedirectionHistory.h"
#include "RegisteredMailType.h"
#include "RelativeDistinguishedName.h"
#include "ReportOriginAuthenticationCheck.h"
#include "ReportingDLName.h"
#include "ReportingMTACertificate.h"
#include "ReportingMTAName.h"
#include "RequestedDeliveryMethod.h"
#include "SecurityCategories.h"
#include "SecurityContext.h"
#include "StreetAddress.h"
#include "TeletexCommonName.h"
#include "TeletexDomainDefinedAttributes.h"
#include "TeletexNonBasicParameters.h"
#include "TeletexOrganizationName.h"
#include "TeletexOrganizationalUnitNames.h"
#include "TeletexPersonalName.h"
#include "TerminalType.h"
#include "TraceInformation.h"
#include "UnformattedPostalAddress.h"
#include "UniquePostalName.h"
#include "UniversalCommonName.h"
#include "UniversalDomainDefinedAttributes.h"
#include "UniversalExtensionORAddressComponents.h"
#include "UniversalExtensionPhysicalDeliveryAddressComponents.h"
#include "UniversalLocalPostalAttributes.h"
#include "UniversalOrganizationName.h"
#include "UniversalOrganizationalUnitNames.h"
#include "UniversalPersonalName.h"
#include "UniversalPhysicalDeliveryOfficeName.h"
#include "UniversalPhysicalDeliveryOfficeNumber.h"
#include "UniversalPhysicalDeliveryOrganizationName.h"
#include "UniversalPhysicalDeliveryPersonalName.h"
#include "UniversalPostOfficeBoxAddress.h"
#include "UniversalPosteRestanteAddress.h"
#include "UniversalStreetAddress.h"
#include "UniversalUniquePostalName.h"
#include "UniversalUnformattedPostalAddress.h"

/* ==================================================================
 * Building blocks
 * ================================================================== */

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n);

	assert_non_null(p);
	return p;
}

#define NEW(p)	((p) = xzalloc(sizeof(*(p))))

/* list_add - append to any asn1c SET OF / SEQUENCE OF list */
static void list_add(void *list, void *item)
{
	assert_int_equal(asn_set_add(list, item), 0);
}

/* set_bytes, set_str - the value of any OCTET STRING-based type (the
 *	string types, UTCTime) */
static void set_bytes(OCTET_STRING_t *s, const void *b, size_t n)
{
	assert_int_equal(OCTET_STRING_fromBuf(s, (const char *)b, (int)n), 0);
}

static void set_str(OCTET_STRING_t *s, const char *v)
{
	set_bytes(s, v, strlen(v));
}

static OCTET_STRING_t *new_str(const char *v)
{
	OCTET_STRING_t *s;

	NEW(s);
	set_str(s, v);
	return s;
}

/* set_ucs - a BMPString (width 2) or UniversalString (width 4) holding
 *	the characters of a UTF-8 string (up to three-octet sequences) */
static void set_ucs(OCTET_STRING_t *s, const char *utf8, int width)
{
	const unsigned char *p = (const unsigned char *)utf8;
	uint8_t buf[256];
	size_t n = 0;

	while (*p) {
		uint32_t c = *p++;

		if (c >= 0xc0) {
			int more = c >= 0xe0 ? 2 : 1;

			c &= more == 2 ? 0x0f : 0x1f;
			while (more-- > 0)
				c = (c << 6) | (*p++ & 0x3f);
		}
		for (int i = width - 1; i >= 0; i--) {
			assert_true(n < sizeof(buf));
			buf[n++] = (uint8_t)(c >> (8 * i));
		}
	}
	set_bytes(s, buf, n);
}

/* set_bits - a BIT STRING of nbits bits, the listed ones 'one' (-1 ends) */
static void set_bits(BIT_STRING_t *b, int nbits, ...)
{
	size_t size = ((size_t)nbits + 7) / 8;
	va_list ap;
	int bit;

	free(b->buf);
	b->buf = xzalloc(size + 1);
	b->size = (int)size;
	b->bits_unused = (int)(size * 8 - (size_t)nbits);
	va_start(ap, nbits);
	while ((bit = va_arg(ap, int)) >= 0) {
		assert_true(bit < nbits);
		b->buf[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	}
	va_end(ap);
}

static int bit_is_set(const BIT_STRING_t *b, int bit)
{
	return bit / 8 < b->size && (b->buf[bit / 8] & (0x80 >> (bit % 8)));
}

/* set_oid - an OBJECT IDENTIFIER from its dotted form */
static void set_oid(OBJECT_IDENTIFIER_t *o, const char *dotted)
{
	long arcs[20];
	unsigned n = 0;
	const char *p = dotted;

	while (*p) {
		char *end;

		assert_true(n < 20);
		arcs[n++] = strtol(p, &end, 10);
		p = *end ? end + 1 : end;
	}
	assert_int_equal(OBJECT_IDENTIFIER_set_arcs(o, arcs, sizeof(arcs[0]),
						    n), 0);
}

/* set_any, set_any_raw - an open value from a typed value, or from the
 *	octets of a whole TLV */
static void set_any(ANY_t *a, asn_TYPE_descriptor_t *td, void *v)
{
	assert_int_equal(ANY_fromType(a, td, v), 0);
}

static void set_any_raw(ANY_t *a, const void *der, size_t n)
{
	a->buf = xzalloc(n + 1);
	memcpy(a->buf, der, n);
	a->size = (int)n;
}

static long *new_long(long v)
{
	long *p;

	NEW(p);
	*p = v;
	return p;
}

/* ==================================================================
 * Checking
 * ================================================================== */

static void assert_bytes(const uint8_t *buf, int size, const void *want,
			 size_t n)
{
	assert_non_null(buf);
	assert_int_equal(size, n);
	assert_memory_equal(buf, want, n);
}

static void assert_str(const OCTET_STRING_t *s, const char *want)
{
	assert_non_null(s);
	assert_bytes(s->buf, s->size, want, strlen(want));
}

static void assert_oid(const OBJECT_IDENTIFIER_t *o, const char *dotted)
{
	OBJECT_IDENTIFIER_t want = { 0 };

	set_oid(&want, dotted);
	assert_bytes(o->buf, o->size, want.buf, (size_t)want.size);
	free(want.buf);
}

/* encode - the DER of a value, which must encode (the caller frees) */
static unsigned char *encode(asn_TYPE_descriptor_t *td, const void *v,
			     size_t *len)
{
	unsigned char *der = NULL;
	int rc = codec_encode_alloc(td, v, &der, len);

	if (rc != CODEC_OK)
		fail_msg("encoding %s: %s (%s)", td->name, codec_strerror(rc),
			 codec_last_detail());
	return der;
}

/* assert_same - two values of a type are equal: DER is canonical, so
 *	equal encodings mean every field is equal */
static void assert_same(asn_TYPE_descriptor_t *td, const void *a,
			const void *b)
{
	size_t na, nb;
	unsigned char *ea, *eb;

	assert_non_null(a);
	assert_non_null(b);
	ea = encode(td, a, &na);
	eb = encode(td, b, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(ea, eb, na);
	free(ea);
	free(eb);
}

/* assert_any_is - an open value holds the DER of the given typed value */
static void assert_any_is(const ANY_t *a, asn_TYPE_descriptor_t *td,
			  const void *v)
{
	size_t n;
	unsigned char *der = encode(td, v, &n);

	assert_bytes(a->buf, a->size, der, n);
	free(der);
}

static int contains(const unsigned char *hay, size_t n, const void *needle,
		    size_t m)
{
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

/* round_trip - encode, decode and encode again: both encodings must be
 *	the same octets. Returns the decoded value; *der and *len keep the
 *	encoding (the caller frees both). */
static void *round_trip(asn_TYPE_descriptor_t *td, const void *built,
			unsigned char **der, size_t *len)
{
	unsigned char *again;
	size_t n2;
	void *out = NULL;
	int rc;

	*der = encode(td, built, len);
	rc = codec_decode(td, *der, *len, 0, &out, NULL);
	if (rc != CODEC_OK)
		fail_msg("decoding %s: %s (%s)", td->name, codec_strerror(rc),
			 codec_last_detail());
	again = encode(td, out, &n2);
	assert_int_equal(n2, *len);
	assert_memory_equal(again, *der, *len);
	free(again);
	return out;
}

/* decode_any - decode an open value with its named type; the value
 *	must be exactly one value of that type */
static void *decode_any(ANY_t *a, asn_TYPE_descriptor_t *td)
{
	void *v = NULL;

	assert_non_null(a);
	if (codec_decode(td, a->buf, (size_t)a->size, 0, &v, NULL) != CODEC_OK)
		fail_msg("open value is not a %s: %s", td->name,
			 codec_last_detail());
	return v;
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t *n)
{
	size_t len = strlen(hex);

	assert_int_equal(len % 2, 0);
	for (size_t i = 0; i < len; i += 2) {
		unsigned v;

		assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
		out[i / 2] = (uint8_t)v;
	}
	*n = len / 2;
}

/* ==================================================================
 * Names and identifiers
 * ================================================================== */

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The country, ADMD and PRMD names are CHOICEs of a NumericString and a
 * PrintableString: digits choose the numeric form. */
static void fill_country(CountryName_t *c, const char *v)
{
	if (all_digits(v)) {
		c->present = CountryName_PR_x121_dcc_code;
		set_str(&c->choice.x121_dcc_code, v);
	} else {
		c->present = CountryName_PR_iso_3166_alpha2_code;
		set_str(&c->choice.iso_3166_alpha2_code, v);
	}
}

static void fill_admd(AdministrationDomainName_t *a, const char *v)
{
	if (all_digits(v)) {
		a->present = AdministrationDomainName_PR_numeric;
		set_str(&a->choice.numeric, v);
	} else {
		a->present = AdministrationDomainName_PR_printable;
		set_str(&a->choice.printable, v);
	}
}

static void fill_prmd_id(PrivateDomainIdentifier_t *p, const char *v)
{
	if (all_digits(v)) {
		p->present = PrivateDomainIdentifier_PR_numeric;
		set_str(&p->choice.numeric, v);
	} else {
		p->present = PrivateDomainIdentifier_PR_printable;
		set_str(&p->choice.printable, v);
	}
}

static void fill_prmd_name(PrivateDomainName_t *p, const char *v)
{
	if (all_digits(v)) {
		p->present = PrivateDomainName_PR_numeric;
		set_str(&p->choice.numeric, v);
	} else {
		p->present = PrivateDomainName_PR_printable;
		set_str(&p->choice.printable, v);
	}
}

/* fill_gdi - a global domain identifier; prmd NULL leaves it out */
static void fill_gdi(GlobalDomainIdentifier_t *g, const char *c,
		     const char *admd, const char *prmd)
{
	fill_country(&g->country_name, c);
	fill_admd(&g->administration_domain_name, admd);
	if (prmd) {
		NEW(g->private_domain_identifier);
		fill_prmd_id(g->private_domain_identifier, prmd);
	}
}

static void fill_mtsid(MTSIdentifier_t *id, const char *c, const char *admd,
		       const char *prmd, const char *local)
{
	fill_gdi(&id->global_domain_identifier, c, admd, prmd);
	set_str(&id->local_identifier, local);
}

/* An O/R address in the usual mnemonic form. */
struct or_spec {
	const char *c, *admd, *prmd, *o;
	const char *ou[4];
	const char *s, *g, *i, *q;	/* surname, given, initials, gen. */
	const char *cn;			/* common-name extension attribute */
};

static const struct or_spec alice = {	/* the originator */
	"GB", " ", "ACME", "Acme Widgets", { "Engineering", "Bristol" },
	"Smith", "Alice", "J", NULL, NULL
};
static const struct or_spec bernd = {	/* a recipient in Germany */
	"DE", "DBP", "NORDWIND", "Nordwind GmbH", { "Vertrieb" },
	"Mueller", "Bernd", NULL, NULL, NULL
};
static const struct or_spec claire = {	/* a recipient in France */
	"FR", "ATLAS", "ALPHA", "Alpha Conseil", { NULL },
	"Durand", "Claire", "M", NULL, "Claire Durand"
};
static const struct or_spec postmaster = {
	"GB", " ", "ACME", "Acme Widgets", { NULL },
	NULL, NULL, NULL, NULL, "Postmaster"
};
static const struct or_spec staff_dl = {	/* a distribution list */
	"GB", " ", "ACME", "Acme Widgets", { "Lists" },
	NULL, NULL, NULL, NULL, "all-staff"
};

static ExtensionAttribute_t *add_ext_attr(ExtensionAttributes_t **list,
					  long type,
					  asn_TYPE_descriptor_t *td, void *v)
{
	ExtensionAttribute_t *ea;

	if (!*list)
		NEW(*list);
	NEW(ea);
	ea->extension_attribute_type = type;
	set_any(&ea->extension_attribute_value, td, v);
	list_add(&(*list)->list, ea);
	return ea;
}

static void fill_bsa(BuiltInStandardAttributes_t *b, const struct or_spec *s)
{
	if (s->c) {
		NEW(b->country_name);
		fill_country(b->country_name, s->c);
	}
	if (s->admd) {
		NEW(b->administration_domain_name);
		fill_admd(b->administration_domain_name, s->admd);
	}
	if (s->prmd) {
		NEW(b->private_domain_name);
		fill_prmd_name(b->private_domain_name, s->prmd);
	}
	if (s->o)
		b->organization_name = new_str(s->o);
	for (int i = 0; i < 4 && s->ou[i]; i++) {
		if (!b->organizational_unit_names)
			NEW(b->organizational_unit_names);
		list_add(&b->organizational_unit_names->list, new_str(s->ou[i]));
	}
	if (s->s) {
		NEW(b->personal_name);
		set_str(&b->personal_name->surname, s->s);
		if (s->g)
			b->personal_name->given_name = new_str(s->g);
		if (s->i)
			b->personal_name->initials = new_str(s->i);
		if (s->q)
			b->personal_name->generation_qualifier = new_str(s->q);
	}
}

static void fill_orname(ORName_t *n, const struct or_spec *s)
{
	fill_bsa(&n->built_in_standard_attributes, s);
	if (s->cn) {
		CommonName_t *cn = new_str(s->cn);

		add_ext_attr(&n->extension_attributes,
			     ExtensionAttributeType_common_name,
			     &asn_DEF_CommonName, cn);
		ASN_STRUCT_FREE(asn_DEF_CommonName, cn);
	}
}

static ORName_t *new_orname(const struct or_spec *s)
{
	ORName_t *n;

	NEW(n);
	fill_orname(n, s);
	return n;
}

/* assert_orname - a decoded O/R name equals the one built, and has the
 *	surname (or common name) expected */
static void assert_orname(const ORName_t *got, const ORName_t *built,
			  const char *surname)
{
	const BuiltInStandardAttributes_t *b = &got->built_in_standard_attributes;

	assert_same(&asn_DEF_ORName, got, built);
	if (surname) {
		assert_non_null(b->personal_name);
		assert_str(&b->personal_name->surname, surname);
	}
}

/* add_rdn - one attribute (PrintableString value) as one more RDN */
static void add_rdn(Name_t *n, const char *type, const char *value)
{
	RelativeDistinguishedName_t *rdn;
	AttributeTypeAndValue_t *atv;
	PrintableString_t *v = new_str(value);

	n->present = Name_PR_rdnSequence;
	NEW(rdn);
	NEW(atv);
	set_oid(&atv->type, type);
	set_any(&atv->value, &asn_DEF_PrintableString, v);
	ASN_STRUCT_FREE(asn_DEF_PrintableString, v);
	list_add(&rdn->list, atv);
	list_add(&n->choice.rdnSequence.list, rdn);
}

/* new_dn - c=GB, o=Acme Widgets, cn=<cn> */
static Name_t *new_dn(const char *cn)
{
	Name_t *n;

	NEW(n);
	add_rdn(n, "2.5.4.6", "GB");
	add_rdn(n, "2.5.4.10", "Acme Widgets");
	add_rdn(n, "2.5.4.3", cn);
	return n;
}

/* ==================================================================
 * Security: algorithms, signatures, certificates, labels, tokens
 * ================================================================== */

#define OID_SHA256_RSA	"1.2.840.113549.1.1.11"
#define OID_AES128_CBC	"2.16.840.1.101.3.4.1.2"
#define OID_ASYM_TOKEN	"2.6.3.6.0"	/* id-tok-asymmetricToken */
#define OID_ACME_POLICY	"1.3.6.1.4.1.50174.1.1"

static const uint8_t der_null[] = { 0x05, 0x00 };

static void fill_alg(AlgorithmIdentifier_t *a, const char *oid, int null)
{
	set_oid(&a->algorithm, oid);
	if (null) {
		NEW(a->parameters);
		set_any_raw(a->parameters, der_null, sizeof(der_null));
	}
}

/* fill_sig - a SIGNATURE: algorithm and a recognisable 'hash' */
static void fill_sig(Signature_t *s, uint8_t seed)
{
	uint8_t h[32];

	for (size_t i = 0; i < sizeof(h); i++)
		h[i] = (uint8_t)(seed + 7 * i);
	fill_alg(&s->algorithm_identifier, OID_SHA256_RSA, 1);
	set_bytes((OCTET_STRING_t *)&s->encrypted, h, sizeof(h));
}

/* A certificate's to-be-signed part is opaque here: any DER value. */
static const uint8_t tbs_alice[] = {
	0x30, 0x14, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x02, 0x10, 0x01,
	0x30, 0x09, 0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x55, 0x04, 0x03
};
static const uint8_t tbs_ca[] = {
	0x30, 0x0a, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x03, 0x01, 0x00, 0x01
};

static void fill_cert(Certificate_t *c, const uint8_t *tbs, size_t n,
		      uint8_t seed)
{
	uint8_t sig[24];

	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)(seed ^ (uint8_t)(i * 13));
	set_any_raw(&c->to_be_signed, tbs, n);
	fill_alg(&c->algorithm_identifier, OID_SHA256_RSA, 1);
	set_bytes((OCTET_STRING_t *)&c->encrypted, sig, sizeof(sig));
}

/* new_certs - a user certificate and a one-step certification path */
static Certificates_t *new_certs(void)
{
	Certificates_t *c;
	CrossCertificates_t *cross;
	Certificate_t *ca;

	NEW(c);
	fill_cert(&c->certificate, tbs_alice, sizeof(tbs_alice), 0x5a);
	NEW(c->certification_path);
	NEW(cross);
	NEW(ca);
	fill_cert(ca, tbs_ca, sizeof(tbs_ca), 0xc3);
	list_add(&cross->list, ca);
	list_add(&c->certification_path->list, cross);
	return c;
}

/* A certificate assertion is kept as its components: [0] serial number
 * 4097, [6] subject public key algorithm rsaEncryption. */
static const uint8_t ca_serial[] = { 0x80, 0x02, 0x10, 0x01 };
static const uint8_t ca_alg[] = {
	0x86, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
};

static CertificateAssertion_t *new_cert_assertion(void)
{
	CertificateAssertion_t *a;
	ANY_t *serial, *alg;

	NEW(a);
	NEW(serial);
	NEW(alg);
	set_any_raw(serial, ca_serial, sizeof(ca_serial));
	set_any_raw(alg, ca_alg, sizeof(ca_alg));
	list_add(&a->list, serial);
	list_add(&a->list, alg);
	return a;
}

/* A category value is the DER of its type: here a PrintableString. */
static const uint8_t cat_staff[] = { 0x13, 0x05, 'S', 'T', 'A', 'F', 'F' };

static SecurityLabel_t *new_label(void)
{
	SecurityLabel_t *l;
	SecurityCategory_t *cat;

	NEW(l);
	NEW(l->security_policy_identifier);
	set_oid(l->security_policy_identifier, OID_ACME_POLICY);
	l->security_classification =
	    new_long(SecurityClassification_confidential);
	l->privacy_mark = new_str("IN CONFIDENCE");
	NEW(l->security_categories);
	NEW(cat);
	set_oid(&cat->type, "1.3.6.1.4.1.50174.1.2");
	set_any_raw(&cat->value, cat_staff, sizeof(cat_staff));
	list_add(&l->security_categories->list, cat);
	return l;
}

/* new_asym_token - an asymmetric token for an MTA (bind token) or a
 *	recipient (message token), signed data of the given kind, every
 *	optional component present */
static AsymmetricToken_t *new_asym_token(int for_mta, long data_type,
					 asn_TYPE_descriptor_t *data_td,
					 void *data)
{
	AsymmetricToken_t *t;
	AsymmetricTokenData_t *d;

	NEW(t);
	d = &t->asymmetric_token_data;
	fill_alg(&d->signature_algorithm_identifier, OID_SHA256_RSA, 1);
	if (for_mta) {
		d->name.present = AsymmetricTokenData__name_PR_mta;
		NEW(d->name.choice.mta.global_domain_identifier);
		fill_gdi(d->name.choice.mta.global_domain_identifier, "DE",
			 "DBP", "NORDWIND");
		set_str(&d->name.choice.mta.mta_name, "mx1.nordwind.de");
	} else {
		d->name.present = AsymmetricTokenData__name_PR_recipient_name;
		fill_orname(&d->name.choice.recipient_name, &bernd);
	}
	set_str(&d->time, "260321093000Z");
	NEW(d->signed_data);
	d->signed_data->type = data_type;
	set_any(&d->signed_data->value, data_td, data);
	NEW(d->encryption_algorithm_identifier);
	fill_alg(d->encryption_algorithm_identifier, OID_AES128_CBC, 0);
	NEW(d->encrypted_data);
	set_bits(d->encrypted_data, 128, 0, 9, 33, 127, -1);
	fill_alg(&t->algorithm_identifier, OID_SHA256_RSA, 1);
	set_bits(&t->encrypted, 256, 1, 2, 3, 100, 255, -1);
	return t;
}

static Token_t *new_token(AsymmetricToken_t *asym)
{
	Token_t *t;

	NEW(t);
	set_oid(&t->token_type_identifier, OID_ASYM_TOKEN);
	set_any(&t->token, &asn_DEF_AsymmetricToken, asym);
	return t;
}

/* ==================================================================
 * Envelope parts
 * ================================================================== */

/* fill_eit - IA5 text; full adds G3 fax and teletex with every
 *	parameter, and an extended EIT */
static void fill_eit(EncodedInformationTypes_t *e, int full)
{
	TeletexNonBasicParameters_t *t;
	OBJECT_IDENTIFIER_t *ia5, *pdf;

	if (!full) {
		set_bits(&e->built_in_encoded_information_types, 3, 2, -1);
		return;
	}
	set_bits(&e->built_in_encoded_information_types, 6, 2, 3, 5, -1);
	NEW(e->g3_facsimile);
	set_bits(e->g3_facsimile, 21, 8, 9, 20, -1);
	NEW(e->teletex);
	t = e->teletex;
	t->graphic_character_sets = new_str("\x1b\x28\x42");
	t->control_character_sets = new_str("\x1b\x21\x40");
	t->page_formats = new_str("\x01\x02");
	t->miscellaneous_terminal_capabilities = new_str("A4");
	t->private_use = new_str("acme-tty");
	NEW(e->extended_encoded_information_types);
	NEW(ia5);
	NEW(pdf);
	set_oid(ia5, "2.6.3.4.2");		/* id-eit-ia5-text */
	set_oid(pdf, "1.2.840.113556.3.2.1");
	list_add(&e->extended_encoded_information_types->list, ia5);
	list_add(&e->extended_encoded_information_types->list, pdf);
}

static EncodedInformationTypes_t *new_eit(int full)
{
	EncodedInformationTypes_t *e;

	NEW(e);
	fill_eit(e, full);
	return e;
}

/* add_trace - one trace element; the caller sets its options */
static DomainSuppliedInformation_t *add_trace(TraceInformation_t *t,
					      const char *c, const char *admd,
					      const char *prmd,
					      const char *arrival, long action)
{
	TraceInformationElement_t *e;

	NEW(e);
	fill_gdi(&e->global_domain_identifier, c, admd, prmd);
	set_str(&e->domain_supplied_information.arrival_time, arrival);
	e->domain_supplied_information.routing_action = action;
	list_add(&t->list, e);
	return &e->domain_supplied_information;
}

/* fill_trace - three domains: ACME relayed, the ADMD rerouted (with
 *	every option), DBP relayed */
static void fill_trace(TraceInformation_t *t)
{
	DomainSuppliedInformation_t *d;

	add_trace(t, "GB", " ", "ACME", "260321093015Z",
		  RoutingAction_relayed);
	d = add_trace(t, "GB", " ", NULL, "260321093102Z",
		      RoutingAction_rerouted);
	NEW(d->attempted_domain);
	fill_gdi(d->attempted_domain, "FR", "ATLAS", "ALPHA");
	d->deferred_time = new_str("260321100000Z");
	d->converted_encoded_information_types = new_eit(0);
	NEW(d->other_actions);
	set_bits(d->other_actions, 2, 0, 1, -1);
	add_trace(t, "DE", "DBP", NULL, "260321100012Z", RoutingAction_relayed);
}

/* new_internal_trace - two MTAs of ACME, with every option of
 *	MTASuppliedInformation and both kinds of "attempted" */
static InternalTraceInformation_t *new_internal_trace(void)
{
	InternalTraceInformation_t *it;
	InternalTraceInformationElement_t *e;
	MTASuppliedInformation_t *m;

	NEW(it);
	NEW(e);
	fill_gdi(&e->global_domain_identifier, "GB", " ", "ACME");
	set_str(&e->mta_name, "mta1.acme.co.uk");
	m = &e->mta_supplied_information;
	set_str(&m->arrival_time, "260321093015Z");
	m->routing_action = RoutingAction_rerouted;
	NEW(m->attempted);
	m->attempted->present = MTASuppliedInformation__attempted_PR_mta;
	set_str(&m->attempted->choice.mta, "mta2.acme.co.uk");
	m->deferred_time = new_str("260321093500Z");
	m->converted_encoded_information_types = new_eit(0);
	NEW(m->other_actions);
	set_bits(m->other_actions, 1, 0, -1);
	list_add(&it->list, e);

	NEW(e);
	fill_gdi(&e->global_domain_identifier, "GB", " ", "ACME");
	set_str(&e->mta_name, "mta3.acme.co.uk");
	m = &e->mta_supplied_information;
	set_str(&m->arrival_time, "260321093101Z");
	m->routing_action = RoutingAction_relayed;
	NEW(m->attempted);
	m->attempted->present = MTASuppliedInformation__attempted_PR_domain;
	fill_gdi(&m->attempted->choice.domain, "GB", " ", NULL);
	list_add(&it->list, e);
	return it;
}

/* new_pdbi - bilateral information for an ADMD, or for a PRMD under it */
static PerDomainBilateralInformation_t *new_pdbi(const char *c,
						 const char *admd,
						 const char *prmd,
						 const char *info)
{
	PerDomainBilateralInformation_t *p;
	IA5String_t *v = new_str(info);

	NEW(p);
	fill_country(&p->country_name, c);
	if (prmd) {
		p->domain.present =
		    PerDomainBilateralInformation__domain_PR_private_domain;
		fill_admd(&p->domain.choice.private_domain
				   .administration_domain_name, admd);
		fill_prmd_id(&p->domain.choice.private_domain
				      .private_domain_identifier, prmd);
	} else {
		p->domain.present = PerDomainBilateralInformation__domain_PR_administration_domain_name;
		fill_admd(&p->domain.choice.administration_domain_name, admd);
	}
	set_any(&p->bilateral_information, &asn_DEF_IA5String, v);
	ASN_STRUCT_FREE(asn_DEF_IA5String, v);
	return p;
}

/* ==================================================================
 * Extension fields
 *
 * A test lists the extensions it sends as ext_case entries; new_ext()
 * builds each ExtensionField (its type in the 1992 form or in PP's
 * explicit form), check_exts() finds each again in the decoded list,
 * compares it, and decodes its value with the value's named type.
 * ================================================================== */

struct ext_case {
	long number;			/* standard extension, or 0 */
	const char *oid;		/* or a private extension */
	int pp_form;			/* type as ExtensionTypeExplicit */
	unsigned crit;			/* criticality bits, 0: absent */
	asn_TYPE_descriptor_t *td;	/* value type, NULL: opaque */
	void *(*make)(void);		/* the value, or NULL: none */
};

/* An extension no standard defines: ACME's routing hint, an opaque value
 * that must be relayed unchanged. */
#define OID_ACME_EXT	"1.3.6.1.4.1.50174.7.3"
static const uint8_t acme_ext_value[] = {
	0x30, 0x0c, 0x0c, 0x07, 'b', 'r', 'i', 's', 't', 'o', 'l',
	0x01, 0x01, 0xff
};

static void set_ext_type(ANY_t *a, const struct ext_case *c)
{
	if (c->pp_form) {
		ExtensionTypeExplicit_t t = { 0 };

		if (c->oid) {
			t.present = ExtensionTypeExplicit_PR_private_extension;
			set_oid(&t.choice.private_extension, c->oid);
		} else {
			t.present = ExtensionTypeExplicit_PR_standard_extension;
			t.choice.standard_extension = c->number;
		}
		set_any(a, &asn_DEF_ExtensionTypeExplicit, &t);
		ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ExtensionTypeExplicit, &t);
	} else {
		ExtensionType_t t = { 0 };

		if (c->oid) {
			t.present = ExtensionType_PR_private_extension;
			set_oid(&t.choice.private_extension, c->oid);
		} else {
			t.present = ExtensionType_PR_standard_extension;
			t.choice.standard_extension = c->number;
		}
		set_any(a, &asn_DEF_ExtensionType, &t);
		ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ExtensionType, &t);
	}
}

/* ext_number - the standard extension number in an extension's type,
 *	whichever form it has; 0 for a private extension */
static long ext_number(ANY_t *type)
{
	ExtensionType_t *t = NULL;
	ExtensionTypeExplicit_t *x = NULL;
	long n;

	if (codec_decode(&asn_DEF_ExtensionType, type->buf, (size_t)type->size,
			 0, (void **)&t, NULL) == CODEC_OK) {
		n = t->present == ExtensionType_PR_standard_extension ?
		    t->choice.standard_extension : 0;
		ASN_STRUCT_FREE(asn_DEF_ExtensionType, t);
		return n;
	}
	x = decode_any(type, &asn_DEF_ExtensionTypeExplicit);
	n = x->present == ExtensionTypeExplicit_PR_standard_extension ?
	    x->choice.standard_extension : 0;
	ASN_STRUCT_FREE(asn_DEF_ExtensionTypeExplicit, x);
	return n;
}

static ExtensionField_t *new_ext(const struct ext_case *c)
{
	ExtensionField_t *f;

	NEW(f);
	set_ext_type(&f->type, c);
	if (c->crit) {
		int nbits = c->crit & 4 ? 3 : c->crit & 2 ? 2 : 1;

		NEW(f->criticality);
		set_bits(f->criticality, nbits, c->crit & 1 ? 0 : -1,
			 c->crit & 2 ? 1 : -1, c->crit & 4 ? 2 : -1, -1);
	}
	if (c->make) {
		void *v = c->make();

		NEW(f->value);
		set_any(f->value, c->td, v);
		ASN_STRUCT_FREE(*c->td, v);
	} else if (!c->td) {
		NEW(f->value);
		set_any_raw(f->value, acme_ext_value, sizeof(acme_ext_value));
	}
	return f;
}

/* add_exts - the extensions of a list of cases, into an extension set */
static void add_exts(void *set, const struct ext_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		list_add(set, new_ext(&cases[i]));
}

/* find_ext - the field of a list whose type has these octets */
static ExtensionField_t *find_ext(ExtensionField_t **fields, int count,
				  const ANY_t *type)
{
	for (int i = 0; i < count; i++)
		if (fields[i]->type.size == type->size &&
		    memcmp(fields[i]->type.buf, type->buf,
			   (size_t)type->size) == 0)
			return fields[i];
	return NULL;
}

#define EXTS(set)	(set)->list.array, (set)->list.count

/* check_exts - the decoded extension set (got) holds each case as built:
 *	same type octets and number, same criticality, the same value,
 *	which decodes with the case's named type */
static void check_exts(const struct ext_case *cases, size_t n,
		       ExtensionField_t **built, int nbuilt,
		       ExtensionField_t **got, int ngot)
{
	assert_int_equal(nbuilt, n);
	assert_int_equal(ngot, n);
	for (size_t i = 0; i < n; i++) {
		const struct ext_case *c = &cases[i];
		ANY_t type = { 0 };
		ExtensionField_t *b, *g;

		set_ext_type(&type, c);
		b = find_ext(built, nbuilt, &type);
		g = find_ext(got, ngot, &type);
		free(type.buf);
		assert_non_null(b);
		assert_non_null(g);
		assert_int_equal(ext_number(&g->type), c->oid ? 0 : c->number);
		if (c->crit)
			assert_same(&asn_DEF_Criticality, g->criticality,
				    b->criticality);
		else
			assert_null(g->criticality);
		if (!c->make && c->td) {
			assert_null(g->value);
			continue;
		}
		assert_bytes(g->value->buf, g->value->size, b->value->buf,
			     (size_t)b->value->size);
		if (c->td) {
			void *v = decode_any(g->value, c->td);

			assert_any_is(b->value, c->td, v);
			ASN_STRUCT_FREE(*c->td, v);
		}
	}
}

/* Values of the standard extensions the tests send. */
static void *x_prohibited(void) { return new_long(1); }
static void *x_latest_delivery(void) { return new_str("260324120000Z"); }
static void *x_alice_address(void)
{
	ORAddress_t *a;

	NEW(a);
	fill_bsa(&a->built_in_standard_attributes, &alice);
	return a;
}
static void *x_postmaster(void) { return new_orname(&postmaster); }
static void *x_claire(void) { return new_orname(&claire); }
static void *x_certs(void) { return new_certs(); }
static void *x_aes(void)
{
	AlgorithmIdentifier_t *a;

	NEW(a);
	fill_alg(a, OID_AES128_CBC, 0);
	return a;
}
static void *x_sig(void)
{
	Signature_t *s;

	NEW(s);
	fill_sig(s, 0x21);
	return s;
}
static void *x_label(void) { return new_label(); }
static void *x_correlator(void)
{
	ContentCorrelator_t *c;

	NEW(c);
	c->present = ContentCorrelator_PR_ia5text;
	set_str(&c->choice.ia5text, "PO-2026-03-0117");
	return c;
}
static void *x_dl_history(void)
{
	DLExpansionHistory_t *h;
	DLExpansion_t *e;

	NEW(h);
	NEW(e);
	fill_orname(&e->dl, &staff_dl);
	set_str(&e->dl_expansion_time, "260321093012Z");
	list_add(&h->list, e);
	return h;
}
static void *x_internal_trace(void) { return new_internal_trace(); }
static void *x_trace(void)
{
	TraceInformation_t *t;

	NEW(t);
	fill_trace(t);
	return t;
}
static void *x_exempted(void)
{
	DLExemptedRecipients_t *r;

	NEW(r);
	list_add(&r->list, new_orname(&claire));
	return r;
}
static void *x_multi_certs(void)
{
	ExtendedCertificates_t *x;
	ExtendedCertificate_t *entry, *cert;
	Name_t *dn = new_dn("Alice Smith");
	Certificates_t *c = new_certs();

	NEW(x);
	NEW(entry);
	entry->present = ExtendedCertificate_PR_directory_entry;
	entry->choice.directory_entry = *dn;
	free(dn);
	NEW(cert);
	cert->present = ExtendedCertificate_PR_certificate;
	cert->choice.certificate = *c;
	free(c);
	list_add(&x->list, entry);
	list_add(&x->list, cert);
	return x;
}
static void *x_selectors(void)
{
	CertificateSelectors_t *s;

	NEW(s);
	s->encryption_recipient = new_cert_assertion();
	s->encryption_originator = new_cert_assertion();
	s->content_integrity_check = new_cert_assertion();
	s->token_signature = new_cert_assertion();
	s->message_origin_authentication = new_cert_assertion();
	return s;
}
static void *x_selectors_override(void)
{
	CertificateSelectors_t *s;

	NEW(s);
	s->encryption_recipient = new_cert_assertion();
	return s;
}
static void *x_delivery_methods(void)
{
	RequestedDeliveryMethod_t *m;

	NEW(m);
	list_add(&m->list, new_long(1));	/* mhs-delivery */
	list_add(&m->list, new_long(5));	/* g3-facsimile-delivery */
	return m;
}
static void *x_one(void) { return new_long(1); }
static void *x_two(void) { return new_long(2); }
static void *x_delivery_modes(void)
{
	PhysicalDeliveryModes_t *m;

	NEW(m);
	set_bits(m, 8, 2, 7, -1);	/* express mail, bureau fax */
	return m;
}
static void *x_advice_number(void) { return new_str("+49 40 3001 2211"); }
static void *x_rendition(void)
{
	OBJECT_IDENTIFIER_t *o;

	NEW(o);
	set_oid(o, "2.6.5.1.0");	/* id-att-physicalRendition-basic */
	return o;
}
static void *x_message_token(void)
{
	MessageTokenSignedData_t *d;
	AsymmetricToken_t *asym;
	Token_t *t;

	NEW(d);
	NEW(d->content_confidentiality_algorithm_identifier);
	fill_alg(d->content_confidentiality_algorithm_identifier,
		 OID_AES128_CBC, 0);
	NEW(d->content_integrity_check);
	fill_sig(d->content_integrity_check, 0x44);
	d->message_security_label = new_label();
	d->proof_of_delivery_request =
	    new_long(ProofOfDeliveryRequest_proof_of_delivery_requested);
	d->message_sequence_number = new_long(4711);
	asym = new_asym_token(0, TokenDataType_message_token_signed_data,
			      &asn_DEF_MessageTokenSignedData, d);
	t = new_token(asym);
	ASN_STRUCT_FREE(asn_DEF_MessageTokenSignedData, d);
	ASN_STRUCT_FREE(asn_DEF_AsymmetricToken, asym);
	return t;
}
static void *x_redirection(void)
{
	RedirectionHistory_t *h;
	Redirection_t *r;

	NEW(h);
	NEW(r);
	fill_orname(&r->intended_recipient_name.intended_recipient, &bernd);
	set_str(&r->intended_recipient_name.redirection_time,
		"260321100015Z");
	r->redirection_reason =
	    RedirectionReason_originator_requested_alternate_recipient;
	list_add(&h->list, r);
	return h;
}
static void *x_orig_dl_history(void)
{
	OriginatorAndDLExpansionHistory_t *h;
	OriginatorAndDLExpansion_t *e;

	NEW(h);
	NEW(e);
	fill_orname(&e->originator_or_dl_name, &alice);
	set_str(&e->origination_or_expansion_time, "260321093010Z");
	list_add(&h->list, e);
	NEW(e);
	fill_orname(&e->originator_or_dl_name, &staff_dl);
	set_str(&e->origination_or_expansion_time, "260321093012Z");
	list_add(&h->list, e);
	return h;
}
static void *x_reporting_mta(void)
{
	ReportingMTAName_t *r;

	NEW(r);
	fill_gdi(&r->domain, "DE", "DBP", "NORDWIND");
	set_str(&r->mta_name, "mx1.nordwind.de");
	r->mta_directory_name = new_dn("mx1.nordwind.de");
	return r;
}

/* The transfer extensions of a message (X.411 MessageTransferExtensions),
 * and ACME's private one. criticality: 1 submission, 2 transfer, 4
 * delivery. */
static const struct ext_case message_exts[] = {
	{ StandardExtension_recipient_reassignment_prohibited, NULL, 0, 4,
	  &asn_DEF_RecipientReassignmentProhibited, x_prohibited },
	{ StandardExtension_dl_expansion_prohibited, NULL, 1, 4,
	  &asn_DEF_DLExpansionProhibited, x_prohibited },
	{ StandardExtension_conversion_with_loss_prohibited, NULL, 0, 6,
	  &asn_DEF_ConversionWithLossProhibited, x_prohibited },
	{ StandardExtension_latest_delivery_time, NULL, 0, 4,
	  &asn_DEF_LatestDeliveryTime, x_latest_delivery },
	{ StandardExtension_originator_return_address, NULL, 0, 0,
	  &asn_DEF_OriginatorReturnAddress, x_alice_address },
	{ StandardExtension_originator_certificate, NULL, 0, 0,
	  &asn_DEF_OriginatorCertificate, x_certs },
	{ StandardExtension_content_confidentiality_algorithm_identifier,
	  NULL, 0, 4, &asn_DEF_ContentConfidentialityAlgorithmIdentifier,
	  x_aes },
	{ StandardExtension_message_origin_authentication_check, NULL, 0, 4,
	  &asn_DEF_MessageOriginAuthenticationCheck, x_sig },
	{ StandardExtension_message_security_label, NULL, 0, 4,
	  &asn_DEF_MessageSecurityLabel, x_label },
	{ StandardExtension_content_correlator, NULL, 1, 0,
	  &asn_DEF_ContentCorrelator, x_correlator },
	{ StandardExtension_dl_exempted_recipients, NULL, 0, 0,
	  &asn_DEF_DLExemptedRecipients, x_exempted },
	{ StandardExtension_certificate_selectors, NULL, 0, 0,
	  &asn_DEF_CertificateSelectors, x_selectors },
	{ StandardExtension_multiple_originator_certificates, NULL, 0, 0,
	  &asn_DEF_ExtendedCertificates, x_multi_certs },
	{ StandardExtension_dl_expansion_history, NULL, 0, 0,
	  &asn_DEF_DLExpansionHistory, x_dl_history },
	{ StandardExtension_internal_trace_information, NULL, 1, 0,
	  &asn_DEF_InternalTraceInformation, x_internal_trace },
	{ 0, OID_ACME_EXT, 0, 2, NULL, NULL },
};

/* PerRecipientMessageTransferExtensions */
static const struct ext_case recipient_exts[] = {
	{ StandardExtension_originator_requested_alternate_recipient, NULL,
	  0, 1, &asn_DEF_MTAOriginatorRequestedAlternateRecipient, x_claire },
	{ StandardExtension_requested_delivery_method, NULL, 0, 0,
	  &asn_DEF_RequestedDeliveryMethod, x_delivery_methods },
	{ StandardExtension_physical_forwarding_prohibited, NULL, 0, 4,
	  &asn_DEF_PhysicalForwardingProhibited, x_one },
	{ StandardExtension_physical_forwarding_address_request, NULL, 0, 4,
	  &asn_DEF_PhysicalForwardingAddressRequest, x_one },
	{ StandardExtension_physical_delivery_modes, NULL, 0, 4,
	  &asn_DEF_PhysicalDeliveryModes, x_delivery_modes },
	{ StandardExtension_registered_mail_type, NULL, 0, 4,
	  &asn_DEF_RegisteredMailType, x_two },
	{ StandardExtension_recipient_number_for_advice, NULL, 0, 4,
	  &asn_DEF_RecipientNumberForAdvice, x_advice_number },
	{ StandardExtension_physical_rendition_attributes, NULL, 0, 4,
	  &asn_DEF_PhysicalRenditionAttributes, x_rendition },
	{ StandardExtension_physical_delivery_report_request, NULL, 0, 4,
	  &asn_DEF_PhysicalDeliveryReportRequest, x_two },
	{ StandardExtension_message_token, NULL, 0, 4,
	  &asn_DEF_MessageToken, x_message_token },
	{ StandardExtension_content_integrity_check, NULL, 0, 4,
	  &asn_DEF_ContentIntegrityCheck, x_sig },
	{ StandardExtension_proof_of_delivery_request, NULL, 1, 4,
	  &asn_DEF_ProofOfDeliveryRequest, x_one },
	{ StandardExtension_certificate_selectors_override, NULL, 0, 0,
	  &asn_DEF_CertificateSelectorsOverride, x_selectors_override },
	{ StandardExtension_recipient_certificate, NULL, 0, 0,
	  &asn_DEF_RecipientCertificate, x_certs },
	{ StandardExtension_redirection_history, NULL, 0, 0,
	  &asn_DEF_RedirectionHistory, x_redirection },
	{ 0, OID_ACME_EXT, 1, 0, NULL, NULL },
};

/* ProbeTransferExtensions and PerRecipientProbeTransferExtensions */
static const struct ext_case probe_exts[] = {
	{ StandardExtension_recipient_reassignment_prohibited, NULL, 0, 4,
	  &asn_DEF_RecipientReassignmentProhibited, x_prohibited },
	{ StandardExtension_probe_origin_authentication_check, NULL, 0, 4,
	  &asn_DEF_ProbeOriginAuthenticationCheck, x_sig },
	{ StandardExtension_content_correlator, NULL, 0, 0,
	  &asn_DEF_ContentCorrelator, x_correlator },
	{ StandardExtension_internal_trace_information, NULL, 0, 0,
	  &asn_DEF_InternalTraceInformation, x_internal_trace },
};
static const struct ext_case probe_recipient_exts[] = {
	{ StandardExtension_originator_requested_alternate_recipient, NULL,
	  1, 1, &asn_DEF_MTAOriginatorRequestedAlternateRecipient, x_claire },
	{ StandardExtension_physical_rendition_attributes, NULL, 0, 4,
	  &asn_DEF_PhysicalRenditionAttributes, x_rendition },
};

/* ReportTransferEnvelopeExtensions, ReportTransferContentExtensions and
 * PerRecipientReportTransferExtensions */
static const struct ext_case report_envelope_exts[] = {
	{ StandardExtension_message_security_label, NULL, 0, 4,
	  &asn_DEF_MessageSecurityLabel, x_label },
	{ StandardExtension_originator_and_DL_expansion_history, NULL, 0, 0,
	  &asn_DEF_OriginatorAndDLExpansionHistory, x_orig_dl_history },
	{ StandardExtension_reporting_DL_name, NULL, 0, 0,
	  &asn_DEF_ReportingDLName, x_postmaster },
	{ StandardExtension_reporting_MTA_certificate, NULL, 0, 4,
	  &asn_DEF_ReportingMTACertificate, x_certs },
	{ StandardExtension_report_origin_authentication_check, NULL, 0, 4,
	  &asn_DEF_ReportOriginAuthenticationCheck, x_sig },
	{ StandardExtension_reporting_MTA_name, NULL, 1, 0,
	  &asn_DEF_ReportingMTAName, x_reporting_mta },
	{ StandardExtension_trace_information, NULL, 0, 0,
	  &asn_DEF_TraceInformation, x_trace },
};
static const struct ext_case report_content_exts[] = {
	{ StandardExtension_content_correlator, NULL, 0, 0,
	  &asn_DEF_ContentCorrelator, x_correlator },
	{ 0, OID_ACME_EXT, 0, 0, NULL, NULL },
};
static const struct ext_case report_recipient_exts[] = {
	{ StandardExtension_redirection_history, NULL, 0, 0,
	  &asn_DEF_RedirectionHistory, x_redirection },
	{ StandardExtension_physical_forwarding_address, NULL, 0, 0,
	  &asn_DEF_PhysicalForwardingAddress, x_claire },
	{ StandardExtension_recipient_certificate, NULL, 0, 0,
	  &asn_DEF_RecipientCertificate, x_certs },
	{ StandardExtension_proof_of_delivery, NULL, 0, 0,
	  &asn_DEF_ProofOfDelivery, x_sig },
};

#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))

/* ==================================================================
 * MTA-bind
 * ================================================================== */

static void test_bind_unauthenticated(void **state)
{
	MTABindArgument_t *arg, *got;
	MTABindResult_t *res, *rgot;
	unsigned char *der;
	size_t len;
	static const uint8_t null_der[] = { 0x05, 0x00 };

	(void)state;
	NEW(arg);
	arg->present = MTABindArgument_PR_unauthenticated;
	got = round_trip(&asn_DEF_MTABindArgument, arg, &der, &len);
	assert_int_equal(got->present, MTABindArgument_PR_unauthenticated);
	assert_bytes(der, (int)len, null_der, sizeof(null_der));
	free(der);
	codec_free(&asn_DEF_MTABindArgument, got);
	codec_free(&asn_DEF_MTABindArgument, arg);

	NEW(res);
	res->present = MTABindResult_PR_unauthenticated;
	rgot = round_trip(&asn_DEF_MTABindResult, res, &der, &len);
	assert_int_equal(rgot->present, MTABindResult_PR_unauthenticated);
	assert_bytes(der, (int)len, null_der, sizeof(null_der));
	free(der);
	codec_free(&asn_DEF_MTABindResult, rgot);
	codec_free(&asn_DEF_MTABindResult, res);
}

/* Simple credentials: an IA5String password, and a security context. */
static void test_bind_argument_simple(void **state)
{
	MTABindArgument_t *arg, *got;
	struct MTABindArgument__authenticated *a, *g;
	SecurityLabel_t *label = new_label();
	SecurityCategory_t *cat;
	void *v;
	unsigned char *der;
	size_t len;

	(void)state;
	NEW(arg);
	arg->present = MTABindArgument_PR_authenticated;
	a = &arg->choice.authenticated;
	set_str(&a->initiator_name, "mta1.acme.co.uk");
	a->initiator_credentials.present = Credentials_PR_simple;
	a->initiator_credentials.choice.simple.present = Password_PR_ia5_string;
	set_str(&a->initiator_credentials.choice.simple.choice.ia5_string,
		"Tr4nsfer-2026");
	NEW(a->security_context);
	list_add(&a->security_context->list, label);

	got = round_trip(&asn_DEF_MTABindArgument, arg, &der, &len);
	assert_int_equal(got->present, MTABindArgument_PR_authenticated);
	g = &got->choice.authenticated;
	assert_str(&g->initiator_name, "mta1.acme.co.uk");
	assert_int_equal(g->initiator_credentials.present, Credentials_PR_simple);
	assert_int_equal(g->initiator_credentials.choice.simple.present,
			 Password_PR_ia5_string);
	assert_str(&g->initiator_credentials.choice.simple.choice.ia5_string,
		   "Tr4nsfer-2026");
	assert_non_null(g->security_context);
	assert_int_equal(g->security_context->list.count, 1);
	assert_same(&asn_DEF_SecurityLabel, g->security_context->list.array[0],
		    label);
	label = g->security_context->list.array[0];
	assert_oid(label->security_policy_identifier, OID_ACME_POLICY);
	assert_int_equal(*label->security_classification,
			 SecurityClassification_confidential);
	assert_str(label->privacy_mark, "IN CONFIDENCE");
	cat = label->security_categories->list.array[0];
	assert_bytes(cat->value.buf, cat->value.size, cat_staff,
		     sizeof(cat_staff));
	v = decode_any(&cat->value, &asn_DEF_PrintableString);
	assert_str(v, "STAFF");
	ASN_STRUCT_FREE(asn_DEF_PrintableString, v);
	/* [1] authenticated SET { [0] IA5String ... */
	assert_int_equal(der[0], 0xa1);
	assert_true(contains(der, len, "\x80\x0f" "mta1.acme.co.uk", 17));
	free(der);
	codec_free(&asn_DEF_MTABindArgument, got);
	codec_free(&asn_DEF_MTABindArgument, arg);
}

/* Strong credentials: a bind token (an asymmetric token for the
 * responding MTA, its signed data a random number), the initiator's
 * certificates, and a certificate selector. */
static void test_bind_argument_strong(void **state)
{
	MTABindArgument_t *arg, *got;
	StrongCredentials_t *s, *gs;
	BindTokenSignedData_t *random;
	AsymmetricToken_t *asym, *gasym;
	BindTokenSignedData_t *grandom;
	Certificates_t *certs;
	unsigned char *der;
	size_t len;

	(void)state;
	NEW(random);
	set_bits(random, 64, 0, 3, 17, 42, 63, -1);
	asym = new_asym_token(1, TokenDataType_bind_token_signed_data,
			      &asn_DEF_BindTokenSignedData, random);
	certs = new_certs();
	NEW(arg);
	arg->present = MTABindArgument_PR_authenticated;
	set_str(&arg->choice.authenticated.initiator_name, "mta1.acme.co.uk");
	arg->choice.authenticated.initiator_credentials.present =
	    Credentials_PR_strong;
	s = &arg->choice.authenticated.initiator_credentials.choice.strong;
	s->bind_token = new_token(asym);
	NEW(s->certificate);
	*s->certificate = *certs;
	free(certs);
	s->certificate_selector = new_cert_assertion();

	got = round_trip(&asn_DEF_MTABindArgument, arg, &der, &len);
	assert_int_equal(got->choice.authenticated.initiator_credentials.present,
			 Credentials_PR_strong);
	gs = &got->choice.authenticated.initiator_credentials.choice.strong;
	assert_non_null(gs->bind_token);
	assert_oid(&gs->bind_token->token_type_identifier, OID_ASYM_TOKEN);
	gasym = decode_any(&gs->bind_token->token, &asn_DEF_AsymmetricToken);
	assert_same(&asn_DEF_AsymmetricToken, gasym, asym);
	assert_int_equal(gasym->asymmetric_token_data.name.present,
			 AsymmetricTokenData__name_PR_mta);
	assert_str(&gasym->asymmetric_token_data.name.choice.mta.mta_name,
		   "mx1.nordwind.de");
	assert_str(&gasym->asymmetric_token_data.time, "260321093000Z");
	assert_int_equal(gasym->asymmetric_token_data.signed_data->type,
			 TokenDataType_bind_token_signed_data);
	grandom = decode_any(&gasym->asymmetric_token_data.signed_data->value,
			     &asn_DEF_BindTokenSignedData);
	assert_same(&asn_DEF_BindTokenSignedData, grandom, random);
	assert_true(bit_is_set(grandom, 42));
	assert_same(&asn_DEF_Certificates, gs->certificate, s->certificate);
	assert_bytes(gs->certificate->certificate.to_be_signed.buf,
		     gs->certificate->certificate.to_be_signed.size,
		     tbs_alice, sizeof(tbs_alice));
	assert_int_equal(gs->certificate->certification_path->list.count, 1);
	assert_int_equal(gs->certificate_selector->list.count, 2);
	assert_bytes(gs->certificate_selector->list.array[0]->buf,
		     gs->certificate_selector->list.array[0]->size,
		     ca_serial, sizeof(ca_serial));
	assert_bytes(gs->certificate_selector->list.array[1]->buf,
		     gs->certificate_selector->list.array[1]->size,
		     ca_alg, sizeof(ca_alg));
	free(der);
	ASN_STRUCT_FREE(asn_DEF_AsymmetricToken, gasym);
	ASN_STRUCT_FREE(asn_DEF_BindTokenSignedData, grandom);
	ASN_STRUCT_FREE(asn_DEF_AsymmetricToken, asym);
	ASN_STRUCT_FREE(asn_DEF_BindTokenSignedData, random);
	codec_free(&asn_DEF_MTABindArgument, got);
	codec_free(&asn_DEF_MTABindArgument, arg);
}

/* The responder's simple credentials: an OCTET STRING password. */
static void test_bind_result(void **state)
{
	static const uint8_t pw[] = { 'n', 'w', 0x00, 0xfe, '-', '2', '6' };
	MTABindResult_t *res, *got;
	struct MTABindResult__authenticated *g;
	unsigned char *der;
	size_t len;

	(void)state;
	NEW(res);
	res->present = MTABindResult_PR_authenticated;
	set_str(&res->choice.authenticated.responder_name, "mx1.nordwind.de");
	res->choice.authenticated.responder_credentials.present =
	    Credentials_PR_simple;
	res->choice.authenticated.responder_credentials.choice.simple.present =
	    Password_PR_octet_string;
	set_bytes(&res->choice.authenticated.responder_credentials.choice
			   .simple.choice.octet_string, pw, sizeof(pw));
	got = round_trip(&asn_DEF_MTABindResult, res, &der, &len);
	assert_int_equal(got->present, MTABindResult_PR_authenticated);
	g = &got->choice.authenticated;
	assert_str(&g->responder_name, "mx1.nordwind.de");
	assert_int_equal(g->responder_credentials.choice.simple.present,
			 Password_PR_octet_string);
	assert_bytes(g->responder_credentials.choice.simple.choice.octet_string
			 .buf,
		     g->responder_credentials.choice.simple.choice.octet_string
			 .size, pw, sizeof(pw));
	free(der);
	codec_free(&asn_DEF_MTABindResult, got);
	codec_free(&asn_DEF_MTABindResult, res);
}

static void test_bind_error(void **state)
{
	static const long codes[] = {
		MTABindError_busy, MTABindError_authentication_error,
		MTABindError_unacceptable_dialogue_mode,
		MTABindError_unacceptable_security_context,
		MTABindError_inadequate_association_confidentiality
	};
	MTABindError_t e, *got;
	unsigned char *der;
	size_t len;

	(void)state;
	for (size_t i = 0; i < NCASES(codes); i++) {
		uint8_t want[] = { 0x02, 0x01, (uint8_t)codes[i] };

		e = codes[i];
		got = round_trip(&asn_DEF_MTABindError, &e, &der, &len);
		assert_int_equal(*got, codes[i]);
		assert_bytes(der, (int)len, want, sizeof(want));
		free(der);
		codec_free(&asn_DEF_MTABindError, got);
	}
}

/* ==================================================================
 * Known answers: PP's PDUs (tests/vectors/pp-p1-*.pcap)
 * ================================================================== */

/* The user data of the bind RTORQ, RTOAC and RTORJ frames. */
static const char pp_bind_argument[] =	/* TESTMTA / testpass */
	"a1158007544553544d5441a10a04087465737470617373";
static const char pp_bind_argument_bad[] =	/* TESTMTA / WRONG */
	"a1128007544553544d5441a1070405" "57524f4e47";
static const char pp_bind_result[] =	/* PPMTA / pppass */
	"a111800550504d5441a1080406707070617373";
static const char pp_bind_error[] = "020102";

/* Frame 13 of pp-p1-loop-success.pcap: a message with an IPM, in BER
 * with indefinite lengths, a constructed content OCTET STRING, and two
 * extensions (content-correlator, internal-trace-information) whose type
 * is in PP's explicit form. */
static const char pp_message[] =
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

static void *decode_hex(asn_TYPE_descriptor_t *td, const char *hex,
			uint8_t *buf, size_t *n)
{
	void *out = NULL;
	int rc;

	hex_to_bytes(hex, buf, n);
	rc = codec_decode(td, buf, *n, 0, &out, NULL);
	if (rc != CODEC_OK)
		fail_msg("PP's %s: %s (%s)", td->name, codec_strerror(rc),
			 codec_last_detail());
	return out;
}

static void assert_pp_bind_argument(const char *hex, const char *password)
{
	uint8_t buf[64];
	size_t n;
	MTABindArgument_t *a = decode_hex(&asn_DEF_MTABindArgument, hex, buf,
					  &n);
	Password_t *pw;

	assert_int_equal(a->present, MTABindArgument_PR_authenticated);
	assert_str(&a->choice.authenticated.initiator_name, "TESTMTA");
	assert_int_equal(a->choice.authenticated.initiator_credentials.present,
			 Credentials_PR_simple);
	pw = &a->choice.authenticated.initiator_credentials.choice.simple;
	assert_int_equal(pw->present, Password_PR_octet_string);
	assert_str(&pw->choice.octet_string, password);
	assert_null(a->choice.authenticated.security_context);
	codec_free(&asn_DEF_MTABindArgument, a);
}

static void test_pp_bind(void **state)
{
	uint8_t buf[64];
	size_t n;
	MTABindResult_t *r;
	MTABindError_t *e;

	(void)state;
	assert_pp_bind_argument(pp_bind_argument, "testpass");
	assert_pp_bind_argument(pp_bind_argument_bad, "WRONG");
	r = decode_hex(&asn_DEF_MTABindResult, pp_bind_result, buf, &n);
	assert_int_equal(r->present, MTABindResult_PR_authenticated);
	assert_str(&r->choice.authenticated.responder_name, "PPMTA");
	assert_str(&r->choice.authenticated.responder_credentials.choice.simple
			    .choice.octet_string, "pppass");
	codec_free(&asn_DEF_MTABindResult, r);
	e = decode_hex(&asn_DEF_MTABindError, pp_bind_error, buf, &n);
	assert_int_equal(*e, MTABindError_authentication_error);
	codec_free(&asn_DEF_MTABindError, e);
}

static void assert_pp_gdi(const GlobalDomainIdentifier_t *g)
{
	assert_str(&g->country_name.choice.iso_3166_alpha2_code, "GB");
	assert_str(&g->administration_domain_name.choice.printable, " ");
	assert_str(&g->private_domain_identifier->choice.printable, "PPTEST");
}

static void test_pp_message(void **state)
{
	static uint8_t buf[sizeof(pp_message) / 2];
	size_t n, dn;
	MTS_APDU_t *apdu, *again;
	MessageTransferEnvelope_t *e;
	PerRecipientMessageTransferFields_t *r;
	ContentCorrelator_t *cc;
	InternalTraceInformation_t *it;
	unsigned char *der;
	long numbers[2];

	(void)state;
	apdu = decode_hex(&asn_DEF_MTS_APDU, pp_message, buf, &n);
	assert_int_equal(n, 698);
	assert_int_equal(apdu->present, MTS_APDU_PR_message);
	e = &apdu->choice.message.envelope;
	assert_pp_gdi(&e->message_identifier.global_domain_identifier);
	assert_str(&e->message_identifier.local_identifier,
		   "ppmta.test.155:21.10.26.13.38.06");
	assert_str(&e->originator_name.built_in_standard_attributes
			    .personal_name->surname, "root");
	assert_str(e->originator_name.built_in_standard_attributes
			   .organization_name, "PPORG");
	assert_true(bit_is_set(&e->original_encoded_information_types
				       ->built_in_encoded_information_types,
			       BuiltInEncodedInformationTypes_ia5_text));
	assert_int_equal(e->content_type.present, ContentType_PR_built_in);
	assert_int_equal(e->content_type.choice.built_in,
			 BuiltInContentType_interpersonal_messaging_1988);
	assert_str(e->content_identifier, "loop test 6");
	assert_null(e->priority);		/* DEFAULT normal */
	assert_true(bit_is_set(e->per_message_indicators,
			       PerMessageIndicators_alternate_recipient_allowed));
	assert_true(bit_is_set(e->per_message_indicators,
			       PerMessageIndicators_content_return_request));
	assert_int_equal(e->trace_information.list.count, 2);
	assert_pp_gdi(&e->trace_information.list.array[1]
			       ->global_domain_identifier);
	assert_str(&e->trace_information.list.array[0]
			    ->domain_supplied_information.arrival_time,
		   "261121133806Z");

	/* PP's extension types: [0] EXPLICIT INTEGER */
	assert_int_equal(e->extensions->list.count, 2);
	for (int i = 0; i < 2; i++) {
		ExtensionField_t *f = e->extensions->list.array[i];
		ExtensionTypeExplicit_t *t =
		    decode_any(&f->type, &asn_DEF_ExtensionTypeExplicit);

		assert_int_equal(t->present,
				 ExtensionTypeExplicit_PR_standard_extension);
		numbers[i] = t->choice.standard_extension;
		assert_int_equal(ext_number(&f->type), numbers[i]);
		ASN_STRUCT_FREE(asn_DEF_ExtensionTypeExplicit, t);
	}
	assert_int_equal(numbers[0], StandardExtension_content_correlator);
	assert_int_equal(numbers[1],
			 StandardExtension_internal_trace_information);
	cc = decode_any(e->extensions->list.array[0]->value,
			&asn_DEF_ContentCorrelator);
	assert_int_equal(cc->present, ContentCorrelator_PR_octets);
	assert_str(&cc->choice.octets,
		   "Subject: loop test 6,\nTo: carol@looporg.test");
	ASN_STRUCT_FREE(asn_DEF_ContentCorrelator, cc);
	it = decode_any(e->extensions->list.array[1]->value,
			&asn_DEF_InternalTraceInformation);
	assert_int_equal(it->list.count, 2);
	assert_str(&it->list.array[0]->mta_name, "ppmta.test");
	assert_int_equal(it->list.array[0]->mta_supplied_information
				 .routing_action, RoutingAction_relayed);
	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);

	assert_int_equal(e->per_recipient_fields.list.count, 1);
	r = e->per_recipient_fields.list.array[0];
	assert_str(&r->recipient_name.built_in_standard_attributes
			    .personal_name->surname, "carol");
	assert_int_equal(r->originally_specified_recipient_number, 1);
	assert_true(bit_is_set(&r->per_recipient_indicators,
			       PerRecipientIndicators_responsibility));
	assert_true(bit_is_set(&r->per_recipient_indicators,
			PerRecipientIndicators_originator_non_delivery_report));
	assert_int_equal(apdu->choice.message.content.size, 237);
	assert_int_equal(apdu->choice.message.content.buf[0], 0xa0);

	/* Our DER of it decodes to the same, and keeps PP's extension
	 * fields octet for octet. */
	again = round_trip(&asn_DEF_MTS_APDU, apdu, &der, &dn);
	assert_same(&asn_DEF_MTS_APDU, again, apdu);
	assert_true(contains(der, dn, buf + 217, 0x37));	/* correlator */
	assert_true(contains(der, dn, buf + 272, 0x79));	/* trace */
	free(der);
	codec_free(&asn_DEF_MTS_APDU, again);
	codec_free(&asn_DEF_MTS_APDU, apdu);
}

/* ==================================================================
 * Known answers: tagging
 *
 * asn1c 0.9.28 makes the tags of components brought in by COMPONENTS
 * OF explicit when the type they come from is defined later in the
 * module; these pin the implicit encoding of such components.
 * ================================================================== */

static void assert_encodes_as(asn_TYPE_descriptor_t *td, const void *v,
			      const char *hex)
{
	uint8_t want[256];
	size_t n, wn;
	unsigned char *der = encode(td, v, &n);

	hex_to_bytes(hex, want, &wn);
	assert_bytes(der, (int)n, want, wn);
	free(der);
}

static void assert_ext_type(const struct ext_case *c, const void *der,
			    size_t n)
{
	ANY_t t = { 0 };

	set_ext_type(&t, c);
	assert_bytes(t.buf, t.size, der, n);
	free(t.buf);
}

static void test_tagging(void **state)
{
	DomainSuppliedInformation_t d = { 0 };
	EncodedInformationTypes_t eit = { 0 };
	ProbeTransferEnvelope_t *p;
	struct ext_case std = { 23, NULL, 0, 0, &asn_DEF_ContentCorrelator,
				NULL };
	struct ext_case pp = { 23, NULL, 1, 0, NULL, NULL };
	struct ext_case priv = { 0, "1.2.3", 0, 0, NULL, NULL };
	struct ext_case priv_pp = { 0, "1.2.3", 1, 0, NULL, NULL };

	(void)state;
	set_str(&d.arrival_time, "260321093015Z");
	d.routing_action = RoutingAction_relayed;
	d.deferred_time = new_str("260321100000Z");
	NEW(d.other_actions);
	set_bits(d.other_actions, 1, 0, -1);
	assert_encodes_as(&asn_DEF_DomainSuppliedInformation, &d,
			  "3125" "800d" "3236303332313039333031355a"
			  "810d" "3236303332313130303030305a"
			  "820100" "8302" "0780");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_DomainSuppliedInformation, &d);

	set_bits(&eit.built_in_encoded_information_types, 3, 2, -1);
	NEW(eit.g3_facsimile);
	set_bits(eit.g3_facsimile, 9, 8, -1);
	assert_encodes_as(&asn_DEF_EncodedInformationTypes, &eit,
			  "6509" "80020520" "8103070080");
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_EncodedInformationTypes, &eit);

	/* content-length [0] and extensions [3] of a probe */
	NEW(p);
	fill_mtsid(&p->probe_identifier, "GB", " ", "ACME", "p1");
	p->originator_name.built_in_standard_attributes.organization_name =
	    new_str("A");
	p->content_type.present = ContentType_PR_built_in;
	p->content_type.choice.built_in = 22;
	p->content_length = new_long(300);
	add_trace(&p->trace_information, "GB", " ", NULL, "260321093015Z",
		  RoutingAction_relayed);
	NEW(p->extensions);
	add_exts(&p->extensions->list, &std, 1);
	{
		PerRecipientProbeTransferFields_t *r;

		NEW(r);
		r->recipient_name.built_in_standard_attributes
		    .organization_name = new_str("B");
		r->originally_specified_recipient_number = 1;
		set_bits(&r->per_recipient_indicators, 8, 0, -1);
		list_add(&p->per_recipient_fields.list, r);
	}
	{
		size_t n;
		unsigned char *der = encode(&asn_DEF_ProbeTransferEnvelope, p,
					    &n);

		assert_true(contains(der, n, "\x80\x02\x01\x2c", 4));
		assert_true(contains(der, n, "\xa3\x05\x30\x03\x80\x01\x17",
				     7));
		free(der);
	}
	ASN_STRUCT_FREE(asn_DEF_ProbeTransferEnvelope, p);

	/* The two forms of an extension's type. */
	assert_ext_type(&std, "\x80\x01\x17", 3);
	assert_ext_type(&pp, "\xa0\x03\x02\x01\x17", 5);
	assert_ext_type(&priv, "\x83\x02\x2a\x03", 4);
	assert_ext_type(&priv_pp, "\xa0\x04\x06\x02\x2a\x03", 6);
}

/* ==================================================================
 * O/R names: every attribute
 * ================================================================== */

static void fill_ucs(UniversalOrBMPString_t *u, const char *utf8, int width,
		     const char *lang)
{
	if (width == 2) {
		u->character_encoding.present =
		    UniversalOrBMPString__character_encoding_PR_two_octets;
		set_ucs(&u->character_encoding.choice.two_octets, utf8, 2);
	} else {
		u->character_encoding.present =
		    UniversalOrBMPString__character_encoding_PR_four_octets;
		set_ucs(&u->character_encoding.choice.four_octets, utf8, 4);
	}
	if (lang)
		u->iso_639_language_code = new_str(lang);
}

static UniversalOrBMPString_t *ucs(const char *utf8, int width,
				   const char *lang)
{
	UniversalOrBMPString_t *u;

	NEW(u);
	fill_ucs(u, utf8, width, lang);
	return u;
}

static PDSParameter_t *pds(const char *printable, const char *teletex)
{
	PDSParameter_t *p;

	NEW(p);
	if (printable)
		p->printable_string = new_str(printable);
	if (teletex)
		p->teletex_string = new_str(teletex);
	return p;
}

/* The value of each extension attribute (X.402 Table 10), for Juergen
 * Weiss of Nordwind in Hamburg. Teletex strings are T.61: 0xC8 is the
 * diaeresis, 0xFB the sharp s. */
static void *ea_common_name(void) { return new_str("Juergen Weiss"); }
static void *ea_teletex_common_name(void)
{
	return new_str("J\xc8urgen Wei\xfb");
}
static void *ea_teletex_org(void) { return new_str("Nordwind Gro\xfbhandel"); }
static void *ea_teletex_personal_name(void)
{
	TeletexPersonalName_t *p;

	NEW(p);
	set_str(&p->surname, "Wei\xfb");
	p->given_name = new_str("J\xc8urgen");
	p->initials = new_str("JW");
	p->generation_qualifier = new_str("Jr");
	return p;
}
static void *ea_teletex_ous(void)
{
	TeletexOrganizationalUnitNames_t *u;

	NEW(u);
	list_add(&u->list, new_str("Entwicklung"));
	list_add(&u->list, new_str("K\xc8oln"));
	return u;
}
static void *ea_teletex_ddas(void)
{
	TeletexDomainDefinedAttributes_t *l;
	TeletexDomainDefinedAttribute_t *a;

	NEW(l);
	NEW(a);
	set_str(&a->type, "KST");
	set_str(&a->value, "4711-Gro\xfb");
	list_add(&l->list, a);
	return l;
}
static void *ea_pds_name(void) { return new_str("DE-POST"); }
static void *ea_pd_country(void)
{
	PhysicalDeliveryCountryName_t *c;

	NEW(c);
	c->present = PhysicalDeliveryCountryName_PR_iso_3166_alpha2_code;
	set_str(&c->choice.iso_3166_alpha2_code, "DE");
	return c;
}
static void *ea_pd_country_x121(void)
{
	PhysicalDeliveryCountryName_t *c;

	NEW(c);
	c->present = PhysicalDeliveryCountryName_PR_x121_dcc_code;
	set_str(&c->choice.x121_dcc_code, "262");
	return c;
}
static void *ea_postal_code(void)
{
	PostalCode_t *c;

	NEW(c);
	c->present = PostalCode_PR_printable_code;
	set_str(&c->choice.printable_code, "D-20459");
	return c;
}
static void *ea_postal_code_numeric(void)
{
	PostalCode_t *c;

	NEW(c);
	c->present = PostalCode_PR_numeric_code;
	set_str(&c->choice.numeric_code, "20459");
	return c;
}
static void *ea_pd_office_name(void) { return pds("Hamburg 11", "Hamburg 11"); }
static void *ea_pd_office_number(void) { return pds("11", NULL); }
static void *ea_ext_or_components(void) { return pds("c/o Nordwind", NULL); }
static void *ea_pd_personal_name(void)
{
	return pds("Juergen Weiss", "J\xc8urgen Wei\xfb");
}
static void *ea_pd_org_name(void) { return pds("Nordwind GmbH", NULL); }
static void *ea_ext_pd_components(void) { return pds("Haus 7, 3. OG", NULL); }
static void *ea_unformatted(void)
{
	UnformattedPostalAddress_t *u;

	NEW(u);
	NEW(u->printable_address);
	list_add(&u->printable_address->list, new_str("Nordwind GmbH"));
	list_add(&u->printable_address->list, new_str("Hafenstrasse 12"));
	list_add(&u->printable_address->list, new_str("20459 Hamburg"));
	u->teletex_string =
	    new_str("Nordwind GmbH\nHafenstra\xfb" "e 12\n20459 Hamburg");
	return u;
}
static void *ea_street(void)
{
	return pds("Hafenstrasse 12", "Hafenstra\xfb" "e 12");
}
static void *ea_po_box(void) { return pds("Postfach 102030", NULL); }
static void *ea_poste_restante(void) { return pds("Hauptpostamt", NULL); }
static void *ea_unique_postal(void) { return pds("NORDWIND HH", NULL); }
static void *ea_local_postal(void) { return pds("HH-ALTONA", NULL); }
static void *ea_e163(void)
{
	ExtendedNetworkAddress_t *a;

	NEW(a);
	a->present = ExtendedNetworkAddress_PR_e163_4_address;
	set_str(&a->choice.e163_4_address.number, "494030012211");
	a->choice.e163_4_address.sub_address = new_str("42");
	return a;
}
static void *ea_psap(void)
{
	static const uint8_t nsap[] = {	/* RFC 1006 NSAP, 192.0.2.25 */
		0x54, 0x00, 0x72, 0x87, 0x22, 0x03, 0x19, 0x20, 0x00, 0x00,
		0x02, 0x02, 0x50
	};
	ExtendedNetworkAddress_t *a;
	PresentationAddress_t *p;
	OCTET_STRING_t *n1, *n2;

	NEW(a);
	a->present = ExtendedNetworkAddress_PR_psap_address;
	p = &a->choice.psap_address;
	NEW(p->pSelector);
	NEW(p->sSelector);
	set_bytes(p->pSelector, "\0\0\0\1", 4);
	set_bytes(p->sSelector, "\0\1", 2);
	p->tSelector = new_str("MTA");
	NEW(n1);
	NEW(n2);
	set_bytes(n1, nsap, sizeof(nsap));
	set_bytes(n2, "\x49\x00\x05\x80\x00", 5);
	list_add(&p->nAddresses.list, n1);
	list_add(&p->nAddresses.list, n2);
	return a;
}
static void *ea_terminal_type(void)
{
	return new_long(TerminalType_ia5_terminal);
}
static void *ea_u_common_name(void) { return ucs("Jürgen Weiß", 2, "de"); }
static void *ea_u_org(void) { return ucs("Nordwind Großhandel", 2, NULL); }
static void *ea_u_personal_name(void)
{
	UniversalPersonalName_t *p;

	NEW(p);
	fill_ucs(&p->surname, "Weiß", 2, "de");
	p->given_name = ucs("Jürgen", 2, NULL);
	p->initials = ucs("JW", 2, NULL);
	p->generation_qualifier = ucs("Jr", 2, NULL);
	return p;
}
static void *ea_u_ous(void)
{
	UniversalOrganizationalUnitNames_t *u;

	NEW(u);
	list_add(&u->list, ucs("Entwicklung", 2, "de"));
	list_add(&u->list, ucs("Köln", 2, NULL));
	return u;
}
static void *ea_u_ddas(void)
{
	UniversalDomainDefinedAttributes_t *l;
	UniversalDomainDefinedAttribute_t *a;

	NEW(l);
	NEW(a);
	fill_ucs(&a->type, "KST", 2, NULL);
	fill_ucs(&a->value, "4711-Groß", 2, "de");
	list_add(&l->list, a);
	return l;
}
static void *ea_u_pd_office_name(void) { return ucs("Hamburg 11", 2, NULL); }
static void *ea_u_pd_office_number(void) { return ucs("11", 2, NULL); }
static void *ea_u_ext_or(void) { return ucs("c/o Nordwind", 2, NULL); }
static void *ea_u_pd_personal(void) { return ucs("Jürgen Weiß", 2, "de"); }
static void *ea_u_pd_org(void) { return ucs("Nordwind GmbH", 2, NULL); }
static void *ea_u_ext_pd(void) { return ucs("Haus 7, 3. OG", 2, "de"); }
static void *ea_u_unformatted(void)
{
	return ucs("Nordwind GmbH, Hafenstraße 12, 20459 Hamburg", 4, "de");
}
static void *ea_u_street(void) { return ucs("Hafenstraße 12", 4, "de"); }
static void *ea_u_po_box(void) { return ucs("Postfach 102030", 2, NULL); }
static void *ea_u_poste_restante(void) { return ucs("Hauptpostamt", 2, NULL); }
static void *ea_u_unique_postal(void) { return ucs("NORDWIND HH", 2, NULL); }
static void *ea_u_local_postal(void) { return ucs("HH-ALTONA", 2, NULL); }

struct ea_case {
	long type;			/* ExtensionAttributeType */
	asn_TYPE_descriptor_t *td;	/* the named type of its value */
	void *(*make)(void);
};

#define EA(type, td, make)	{ ExtensionAttributeType_##type, &asn_DEF_##td, make }

/* One attribute of every type. */
static const struct ea_case ea_every[] = {
	EA(common_name, CommonName, ea_common_name),
	EA(teletex_common_name, TeletexCommonName, ea_teletex_common_name),
	EA(teletex_organization_name, TeletexOrganizationName, ea_teletex_org),
	EA(teletex_personal_name, TeletexPersonalName,
	   ea_teletex_personal_name),
	EA(teletex_organizational_unit_names, TeletexOrganizationalUnitNames,
	   ea_teletex_ous),
	EA(teletex_domain_defined_attributes, TeletexDomainDefinedAttributes,
	   ea_teletex_ddas),
	EA(pds_name, PDSName, ea_pds_name),
	EA(physical_delivery_country_name, PhysicalDeliveryCountryName,
	   ea_pd_country),
	EA(postal_code, PostalCode, ea_postal_code),
	EA(physical_delivery_office_name, PhysicalDeliveryOfficeName,
	   ea_pd_office_name),
	EA(physical_delivery_office_number, PhysicalDeliveryOfficeNumber,
	   ea_pd_office_number),
	EA(extension_OR_address_components, ExtensionORAddressComponents,
	   ea_ext_or_components),
	EA(physical_delivery_personal_name, PhysicalDeliveryPersonalName,
	   ea_pd_personal_name),
	EA(physical_delivery_organization_name,
	   PhysicalDeliveryOrganizationName, ea_pd_org_name),
	EA(extension_physical_delivery_address_components,
	   ExtensionPhysicalDeliveryAddressComponents, ea_ext_pd_components),
	EA(unformatted_postal_address, UnformattedPostalAddress,
	   ea_unformatted),
	EA(street_address, StreetAddress, ea_street),
	EA(post_office_box_address, PostOfficeBoxAddress, ea_po_box),
	EA(poste_restante_address, PosteRestanteAddress, ea_poste_restante),
	EA(unique_postal_name, UniquePostalName, ea_unique_postal),
	EA(local_postal_attributes, LocalPostalAttributes, ea_local_postal),
	EA(extended_network_address, ExtendedNetworkAddress, ea_e163),
	EA(terminal_type, TerminalType, ea_terminal_type),
	EA(universal_common_name, UniversalCommonName, ea_u_common_name),
	EA(universal_organization_name, UniversalOrganizationName, ea_u_org),
	EA(universal_personal_name, UniversalPersonalName,
	   ea_u_personal_name),
	EA(universal_organizational_unit_names,
	   UniversalOrganizationalUnitNames, ea_u_ous),
	EA(universal_domain_defined_attributes,
	   UniversalDomainDefinedAttributes, ea_u_ddas),
	EA(universal_physical_delivery_office_name,
	   UniversalPhysicalDeliveryOfficeName, ea_u_pd_office_name),
	EA(universal_physical_delivery_office_number,
	   UniversalPhysicalDeliveryOfficeNumber, ea_u_pd_office_number),
	EA(universal_extension_OR_address_components,
	   UniversalExtensionORAddressComponents, ea_u_ext_or),
	EA(universal_physical_delivery_personal_name,
	   UniversalPhysicalDeliveryPersonalName, ea_u_pd_personal),
	EA(universal_physical_delivery_organization_name,
	   UniversalPhysicalDeliveryOrganizationName, ea_u_pd_org),
	EA(universal_extension_physical_delivery_address_components,
	   UniversalExtensionPhysicalDeliveryAddressComponents, ea_u_ext_pd),
	EA(universal_unformatted_postal_address,
	   UniversalUnformattedPostalAddress, ea_u_unformatted),
	EA(universal_street_address, UniversalStreetAddress, ea_u_street),
	EA(universal_post_office_box_address, UniversalPostOfficeBoxAddress,
	   ea_u_po_box),
	EA(universal_poste_restante_address, UniversalPosteRestanteAddress,
	   ea_u_poste_restante),
	EA(universal_unique_postal_name, UniversalUniquePostalName,
	   ea_u_unique_postal),
	EA(universal_local_postal_attributes, UniversalLocalPostalAttributes,
	   ea_u_local_postal),
};

/* The other alternatives of the CHOICE-valued attributes. */
static const struct ea_case ea_alternatives[] = {
	EA(physical_delivery_country_name, PhysicalDeliveryCountryName,
	   ea_pd_country_x121),
	EA(postal_code, PostalCode, ea_postal_code_numeric),
	EA(extended_network_address, ExtendedNetworkAddress, ea_psap),
};

static void add_ext_attrs(ExtensionAttributes_t **list,
			  const struct ea_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		void *v = cases[i].make();

		add_ext_attr(list, cases[i].type, cases[i].td, v);
		ASN_STRUCT_FREE(*cases[i].td, v);
	}
}

static ExtensionAttribute_t *find_ext_attr(const ExtensionAttributes_t *l,
					   long type)
{
	for (int i = 0; i < l->list.count; i++)
		if (l->list.array[i]->extension_attribute_type == type)
			return l->list.array[i];
	return NULL;
}

/* check_ext_attrs - the decoded attributes (got) are those built, and
 *	each value decodes with its named type */
static void check_ext_attrs(const struct ea_case *cases, size_t n,
			    const ExtensionAttributes_t *built,
			    const ExtensionAttributes_t *got)
{
	assert_non_null(got);
	assert_int_equal(got->list.count, n);
	for (size_t i = 0; i < n; i++) {
		ExtensionAttribute_t *b = find_ext_attr(built, cases[i].type);
		ExtensionAttribute_t *g = find_ext_attr(got, cases[i].type);
		void *v;

		assert_non_null(b);
		assert_non_null(g);
		assert_bytes(g->extension_attribute_value.buf,
			     g->extension_attribute_value.size,
			     b->extension_attribute_value.buf,
			     (size_t)b->extension_attribute_value.size);
		v = decode_any(&g->extension_attribute_value, cases[i].td);
		assert_any_is(&b->extension_attribute_value, cases[i].td, v);
		ASN_STRUCT_FREE(*cases[i].td, v);
	}
}

/* value_of - decode the value of the attribute of this type (the caller
 *	frees it with td) */
static void *value_of(const ORName_t *n, long type, asn_TYPE_descriptor_t *td)
{
	ExtensionAttribute_t *a = find_ext_attr(n->extension_attributes, type);

	assert_non_null(a);
	return decode_any(&a->extension_attribute_value, td);
}

static void test_orname_every_attribute(void **state)
{
	ORName_t *n, *got;
	BuiltInStandardAttributes_t *b, *gb;
	BuiltInDomainDefinedAttribute_t *dda;
	TeletexPersonalName_t *tpn;
	UniversalPersonalName_t *upn;
	TerminalType_t *tt;
	ExtendedNetworkAddress_t *ena;
	RDNSequence_t *rdns;
	void *v;
	unsigned char *der;
	size_t len;
	static const uint8_t weiss_bmp[] = {
		0x00, 'W', 0x00, 'e', 0x00, 'i', 0x00, 0xdf
	};

	(void)state;
	n = new_orname(&alice);
	b = &n->built_in_standard_attributes;
	b->network_address = new_str("23421570031045");
	b->terminal_identifier = new_str("TTY-42");
	b->numeric_user_identifier = new_str("004211701");
	b->personal_name->generation_qualifier = new_str("II");
	list_add(&b->organizational_unit_names->list, new_str("Research"));
	list_add(&b->organizational_unit_names->list, new_str("Lab 3"));
	NEW(n->built_in_domain_defined_attributes);
	NEW(dda);
	set_str(&dda->type, "RFC-822");
	set_str(&dda->value, "alice.smith(a)acme.co.uk");
	list_add(&n->built_in_domain_defined_attributes->list, dda);
	NEW(dda);
	set_str(&dda->type, "X400-ID");
	set_str(&dda->value, "AS-0042");
	list_add(&n->built_in_domain_defined_attributes->list, dda);
	add_ext_attrs(&n->extension_attributes, ea_every, NCASES(ea_every));
	n->directory_name = new_dn("Alice Smith");

	got = round_trip(&asn_DEF_ORName, n, &der, &len);
	assert_int_equal(der[0], 0x60);		/* [APPLICATION 0] */
	assert_same(&asn_DEF_ORName, got, n);
	gb = &got->built_in_standard_attributes;
	assert_int_equal(gb->country_name->present,
			 CountryName_PR_iso_3166_alpha2_code);
	assert_str(&gb->country_name->choice.iso_3166_alpha2_code, "GB");
	assert_str(&gb->administration_domain_name->choice.printable, " ");
	assert_str(gb->network_address, "23421570031045");
	assert_str(gb->terminal_identifier, "TTY-42");
	assert_str(&gb->private_domain_name->choice.printable, "ACME");
	assert_str(gb->organization_name, "Acme Widgets");
	assert_str(gb->numeric_user_identifier, "004211701");
	assert_str(&gb->personal_name->surname, "Smith");
	assert_str(gb->personal_name->given_name, "Alice");
	assert_str(gb->personal_name->initials, "J");
	assert_str(gb->personal_name->generation_qualifier, "II");
	assert_int_equal(gb->organizational_unit_names->list.count, 4);
	assert_str(gb->organizational_unit_names->list.array[0], "Engineering");
	assert_str(gb->organizational_unit_names->list.array[3], "Lab 3");
	assert_int_equal(got->built_in_domain_defined_attributes->list.count, 2);
	dda = got->built_in_domain_defined_attributes->list.array[0];
	assert_str(&dda->type, "RFC-822");
	assert_str(&dda->value, "alice.smith(a)acme.co.uk");
	rdns = &got->directory_name->choice.rdnSequence;
	assert_int_equal(rdns->list.count, 3);
	assert_oid(&rdns->list.array[2]->list.array[0]->type, "2.5.4.3");
	v = decode_any(&rdns->list.array[2]->list.array[0]->value,
		       &asn_DEF_PrintableString);
	assert_str(v, "Alice Smith");
	ASN_STRUCT_FREE(asn_DEF_PrintableString, v);

	check_ext_attrs(ea_every, NCASES(ea_every), n->extension_attributes,
			got->extension_attributes);
	v = value_of(got, ExtensionAttributeType_common_name,
		     &asn_DEF_CommonName);
	assert_str(v, "Juergen Weiss");
	ASN_STRUCT_FREE(asn_DEF_CommonName, v);
	tpn = value_of(got, ExtensionAttributeType_teletex_personal_name,
		       &asn_DEF_TeletexPersonalName);
	assert_str(&tpn->surname, "Wei\xfb");
	assert_str(tpn->generation_qualifier, "Jr");
	ASN_STRUCT_FREE(asn_DEF_TeletexPersonalName, tpn);
	upn = value_of(got, ExtensionAttributeType_universal_personal_name,
		       &asn_DEF_UniversalPersonalName);
	assert_bytes(upn->surname.character_encoding.choice.two_octets.buf,
		     upn->surname.character_encoding.choice.two_octets.size,
		     weiss_bmp, sizeof(weiss_bmp));
	assert_str(upn->surname.iso_639_language_code, "de");
	ASN_STRUCT_FREE(asn_DEF_UniversalPersonalName, upn);
	tt = value_of(got, ExtensionAttributeType_terminal_type,
		      &asn_DEF_TerminalType);
	assert_int_equal(*tt, TerminalType_ia5_terminal);
	ASN_STRUCT_FREE(asn_DEF_TerminalType, tt);
	ena = value_of(got, ExtensionAttributeType_extended_network_address,
		       &asn_DEF_ExtendedNetworkAddress);
	assert_int_equal(ena->present, ExtendedNetworkAddress_PR_e163_4_address);
	assert_str(&ena->choice.e163_4_address.number, "494030012211");
	assert_str(ena->choice.e163_4_address.sub_address, "42");
	ASN_STRUCT_FREE(asn_DEF_ExtendedNetworkAddress, ena);
	free(der);
	codec_free(&asn_DEF_ORName, got);
	codec_free(&asn_DEF_ORName, n);
}

/* The numeric forms of the domain names, the other alternatives of the
 * CHOICE-valued attributes, and an ORAddress (no directory name). */
static void test_oraddress_alternatives(void **state)
{
	static const struct or_spec numeric = {
		"234", "0042", "4711", "Acme Widgets", { NULL },
		"Smith", NULL, NULL, NULL, NULL
	};
	ORAddress_t *a, *got;
	BuiltInStandardAttributes_t *gb;
	ExtendedNetworkAddress_t *ena;
	PresentationAddress_t *p;
	ExtensionAttribute_t *ea;
	unsigned char *der;
	size_t len;

	(void)state;
	NEW(a);
	fill_bsa(&a->built_in_standard_attributes, &numeric);
	add_ext_attrs(&a->extension_attributes, ea_alternatives,
		      NCASES(ea_alternatives));
	got = round_trip(&asn_DEF_ORAddress, a, &der, &len);
	assert_int_equal(der[0], 0x30);		/* a plain SEQUENCE */
	assert_same(&asn_DEF_ORAddress, got, a);
	gb = &got->built_in_standard_attributes;
	assert_int_equal(gb->country_name->present,
			 CountryName_PR_x121_dcc_code);
	assert_str(&gb->country_name->choice.x121_dcc_code, "234");
	assert_int_equal(gb->administration_domain_name->present,
			 AdministrationDomainName_PR_numeric);
	assert_str(&gb->administration_domain_name->choice.numeric, "0042");
	assert_int_equal(gb->private_domain_name->present,
			 PrivateDomainName_PR_numeric);
	assert_str(&gb->private_domain_name->choice.numeric, "4711");
	check_ext_attrs(ea_alternatives, NCASES(ea_alternatives),
			a->extension_attributes, got->extension_attributes);
	ea = find_ext_attr(got->extension_attributes,
			   ExtensionAttributeType_extended_network_address);
	ena = decode_any(&ea->extension_attribute_value,
			 &asn_DEF_ExtendedNetworkAddress);
	assert_int_equal(ena->present, ExtendedNetworkAddress_PR_psap_address);
	p = &ena->choice.psap_address;
	assert_bytes(p->pSelector->buf, p->pSelector->size, "\0\0\0\1", 4);
	assert_bytes(p->sSelector->buf, p->sSelector->size, "\0\1", 2);
	assert_str(p->tSelector, "MTA");
	assert_int_equal(p->nAddresses.list.count, 2);
	ASN_STRUCT_FREE(asn_DEF_ExtendedNetworkAddress, ena);
	/* psap-address [0] IMPLICIT, its selectors [0] EXPLICIT (X.520) */
	assert_true(contains(ea->extension_attribute_value.buf,
			     (size_t)ea->extension_attribute_value.size,
			     "\xa0\x06\x04\x04\0\0\0\1", 8));
	free(der);
	codec_free(&asn_DEF_ORAddress, got);
	codec_free(&asn_DEF_ORAddress, a);
}

/* ==================================================================
 * Message
 * ================================================================== */

/* The content is opaque to P1: the octets of an IPM. */
static const uint8_t ipm_content[] = {
	0xa0, 0x1c, 0x31, 0x14, 0xa8, 0x0e, 0x14, 0x0c, 'Q', '1', ' ', 'b',
	'u', 'd', 'g', 'e', 't', ' ', 'v', '3', 0x8c, 0x01, 0x02, 0x00, 0x30,
	0x04, 0xa0, 0x02, 0x16, 0x00
};

static PerRecipientMessageTransferFields_t *add_msg_recipient(
	MessageTransferEnvelope_t *e, const struct or_spec *who, long number)
{
	PerRecipientMessageTransferFields_t *r;

	NEW(r);
	fill_orname(&r->recipient_name, who);
	r->originally_specified_recipient_number = number;
	list_add(&e->per_recipient_fields.list, r);
	return r;
}

static MTS_APDU_t *build_message(void)
{
	MTS_APDU_t *apdu;
	MessageTransferEnvelope_t *e;
	PerRecipientMessageTransferFields_t *r;

	NEW(apdu);
	apdu->present = MTS_APDU_PR_message;
	e = &apdu->choice.message.envelope;
	fill_mtsid(&e->message_identifier, "GB", " ", "ACME",
		   "20260321.093015.4711@mta1");
	fill_orname(&e->originator_name, &alice);
	e->original_encoded_information_types = new_eit(1);
	e->content_type.present = ContentType_PR_built_in;
	e->content_type.choice.built_in =
	    BuiltInContentType_interpersonal_messaging_1988;
	e->content_identifier = new_str("Q1 budget v3");
	e->priority = new_long(Priority_urgent);
	NEW(e->per_message_indicators);
	set_bits(e->per_message_indicators, 4,
		 PerMessageIndicators_alternate_recipient_allowed,
		 PerMessageIndicators_content_return_request, -1);
	e->deferred_delivery_time = new_str("260322000000Z");
	NEW(e->per_domain_bilateral_information);
	list_add(&e->per_domain_bilateral_information->list,
		 new_pdbi("DE", "DBP", NULL, "acct=ACME-0042"));
	list_add(&e->per_domain_bilateral_information->list,
		 new_pdbi("FR", "ATLAS", "ALPHA", "tariff=B"));
	fill_trace(&e->trace_information);
	NEW(e->extensions);
	add_exts(&e->extensions->list, message_exts, NCASES(message_exts));

	r = add_msg_recipient(e, &bernd, 1);
	set_bits(&r->per_recipient_indicators, 8,
		 PerRecipientIndicators_responsibility,
		 PerRecipientIndicators_originating_MTA_report,
		 PerRecipientIndicators_originator_report, -1);
	r->explicit_conversion =
	    new_long(ExplicitConversion_ia5_text_to_teletex);
	NEW(r->extensions);
	add_exts(&r->extensions->list, recipient_exts,
		 NCASES(recipient_exts));
	r = add_msg_recipient(e, &claire, 2);
	set_bits(&r->per_recipient_indicators, 8,
		 PerRecipientIndicators_responsibility,
		 PerRecipientIndicators_originating_MTA_non_delivery_report,
		 PerRecipientIndicators_originator_non_delivery_report, -1);
	set_bytes(&apdu->choice.message.content, ipm_content,
		  sizeof(ipm_content));
	return apdu;
}

/* assert_implicit_list - the encoding holds [tag] IMPLICIT around the
 *	DER of these values, in this order (short lengths only) */
static void assert_implicit_list(const unsigned char *der, size_t len,
				 uint8_t tag, asn_TYPE_descriptor_t *td,
				 void **items, int count)
{
	unsigned char want[1024];
	size_t n = 2;

	for (int i = 0; i < count; i++) {
		size_t m;
		unsigned char *e = encode(td, items[i], &m);

		assert_true(n + m <= sizeof(want));
		memcpy(want + n, e, m);
		n += m;
		free(e);
	}
	assert_true(n - 2 < 128);
	want[0] = tag;
	want[1] = (uint8_t)(n - 2);
	assert_true(contains(der, len, want, n));
}

static void test_message(void **state)
{
	MTS_APDU_t *apdu, *got;
	MessageTransferEnvelope_t *e, *g;
	PerRecipientMessageTransferFields_t *gr, *br;
	DomainSuppliedInformation_t *d;
	ExtensionField_t *acme = NULL;
	IA5String_t *info;
	unsigned char *der, *field;
	size_t len, flen;

	(void)state;
	apdu = build_message();
	e = &apdu->choice.message.envelope;
	got = round_trip(&asn_DEF_MTS_APDU, apdu, &der, &len);
	assert_int_equal(der[0], 0xa0);		/* message [0] */
	assert_int_equal(got->present, MTS_APDU_PR_message);
	g = &got->choice.message.envelope;

	assert_same(&asn_DEF_MTSIdentifier, &g->message_identifier,
		    &e->message_identifier);
	assert_str(&g->message_identifier.local_identifier,
		   "20260321.093015.4711@mta1");
	assert_orname(&g->originator_name, &e->originator_name, "Smith");
	assert_same(&asn_DEF_EncodedInformationTypes,
		    g->original_encoded_information_types,
		    e->original_encoded_information_types);
	assert_true(bit_is_set(&g->original_encoded_information_types
				       ->built_in_encoded_information_types,
			       BuiltInEncodedInformationTypes_g3_facsimile));
	assert_true(bit_is_set(g->original_encoded_information_types
				       ->g3_facsimile,
			       G3FacsimileNonBasicParameters_fine_resolution));
	assert_str(g->original_encoded_information_types->teletex->private_use,
		   "acme-tty");
	assert_int_equal(g->original_encoded_information_types
				 ->extended_encoded_information_types->list
				 .count, 2);
	assert_int_equal(g->content_type.present, ContentType_PR_built_in);
	assert_int_equal(g->content_type.choice.built_in, 22);
	assert_str(g->content_identifier, "Q1 budget v3");
	assert_int_equal(*g->priority, Priority_urgent);
	assert_same(&asn_DEF_PerMessageIndicators, g->per_message_indicators,
		    e->per_message_indicators);
	assert_true(bit_is_set(g->per_message_indicators,
			       PerMessageIndicators_content_return_request));
	assert_str(g->deferred_delivery_time, "260322000000Z");

	assert_int_equal(g->per_domain_bilateral_information->list.count, 2);
	for (int i = 0; i < 2; i++)
		assert_same(&asn_DEF_PerDomainBilateralInformation,
			    g->per_domain_bilateral_information->list.array[i],
			    e->per_domain_bilateral_information->list.array[i]);
	assert_int_equal(g->per_domain_bilateral_information->list.array[1]
				 ->domain.present,
			 PerDomainBilateralInformation__domain_PR_private_domain);
	info = decode_any(&g->per_domain_bilateral_information->list.array[0]
				   ->bilateral_information, &asn_DEF_IA5String);
	assert_str(info, "acct=ACME-0042");
	ASN_STRUCT_FREE(asn_DEF_IA5String, info);

	assert_same(&asn_DEF_TraceInformation, &g->trace_information,
		    &e->trace_information);
	assert_int_equal(g->trace_information.list.count, 3);
	d = &g->trace_information.list.array[1]->domain_supplied_information;
	assert_int_equal(d->routing_action, RoutingAction_rerouted);
	assert_str(&d->attempted_domain->country_name.choice
			    .iso_3166_alpha2_code, "FR");
	assert_str(d->deferred_time, "260321100000Z");
	assert_non_null(d->converted_encoded_information_types);
	assert_true(bit_is_set(d->other_actions, OtherActions_dl_operation));
	assert_null(g->trace_information.list.array[1]->global_domain_identifier
			    .private_domain_identifier);

	check_exts(message_exts, NCASES(message_exts), EXTS(e->extensions),
		   EXTS(g->extensions));

	assert_int_equal(g->per_recipient_fields.list.count, 2);
	for (int i = 0; i < 2; i++) {
		br = e->per_recipient_fields.list.array[i];
		gr = g->per_recipient_fields.list.array[i];
		assert_orname(&gr->recipient_name, &br->recipient_name,
			      i ? "Durand" : "Mueller");
		assert_int_equal(gr->originally_specified_recipient_number,
				 i + 1);
		assert_same(&asn_DEF_PerRecipientIndicators,
			    &gr->per_recipient_indicators,
			    &br->per_recipient_indicators);
	}
	gr = g->per_recipient_fields.list.array[0];
	assert_true(bit_is_set(&gr->per_recipient_indicators,
			       PerRecipientIndicators_originator_report));
	assert_int_equal(*gr->explicit_conversion,
			 ExplicitConversion_ia5_text_to_teletex);
	check_exts(recipient_exts, NCASES(recipient_exts),
		   EXTS(e->per_recipient_fields.list.array[0]->extensions),
		   EXTS(gr->extensions));
	gr = g->per_recipient_fields.list.array[1];
	assert_null(gr->explicit_conversion);
	assert_null(gr->extensions);
	assert_bytes(got->choice.message.content.buf,
		     got->choice.message.content.size, ipm_content,
		     sizeof(ipm_content));

	/* Implicit tags: deferred-delivery-time [0], the bilateral
	 * information [1] SEQUENCE OF */
	assert_true(contains(der, len, "\x80\x0d" "260322000000Z", 15));
	assert_implicit_list(der, len, 0xa1,
			     &asn_DEF_PerDomainBilateralInformation,
			     (void **)e->per_domain_bilateral_information
				     ->list.array, 2);

	/* ACME's private extension is relayed octet for octet. */
	for (int i = 0; i < g->extensions->list.count; i++)
		if (ext_number(&g->extensions->list.array[i]->type) == 0)
			acme = g->extensions->list.array[i];
	assert_non_null(acme);
	assert_bytes(acme->value->buf, acme->value->size, acme_ext_value,
		     sizeof(acme_ext_value));
	field = encode(&asn_DEF_ExtensionField, acme, &flen);
	assert_true(contains(der, len, field, flen));
	free(field);

	free(der);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, apdu);
}

/* ==================================================================
 * Probe
 * ================================================================== */

static void test_probe(void **state)
{
	MTS_APDU_t *apdu, *got;
	ProbeTransferEnvelope_t *p, *g;
	PerRecipientProbeTransferFields_t *r, *gr;
	unsigned char *der;
	size_t len;

	(void)state;
	NEW(apdu);
	apdu->present = MTS_APDU_PR_probe;
	p = &apdu->choice.probe;
	fill_mtsid(&p->probe_identifier, "GB", " ", "ACME",
		   "20260321.094500.0815@mta1");
	fill_orname(&p->originator_name, &alice);
	p->original_encoded_information_types = new_eit(1);
	p->content_type.present = ContentType_PR_extended;
	set_oid(&p->content_type.choice.extended, "1.3.26.0.4406.0.4.1");
	p->content_identifier = new_str("Q1 budget v3");
	p->content_length = new_long(48213);
	NEW(p->per_message_indicators);
	set_bits(p->per_message_indicators, 3,
		 PerMessageIndicators_alternate_recipient_allowed, -1);
	NEW(p->per_domain_bilateral_information);
	list_add(&p->per_domain_bilateral_information->list,
		 new_pdbi("DE", "DBP", "NORDWIND", "probe-ok"));
	add_trace(&p->trace_information, "GB", " ", "ACME", "260321094500Z",
		  RoutingAction_relayed);
	NEW(p->extensions);
	add_exts(&p->extensions->list, probe_exts, NCASES(probe_exts));
	NEW(r);
	fill_orname(&r->recipient_name, &bernd);
	r->originally_specified_recipient_number = 1;
	set_bits(&r->per_recipient_indicators, 8,
		 PerRecipientIndicators_responsibility,
		 PerRecipientIndicators_originating_MTA_report, -1);
	r->explicit_conversion =
	    new_long(ExplicitConversion_ia5_text_to_g3_facsimile);
	NEW(r->extensions);
	add_exts(&r->extensions->list, probe_recipient_exts,
		 NCASES(probe_recipient_exts));
	list_add(&p->per_recipient_fields.list, r);
	NEW(r);
	fill_orname(&r->recipient_name, &claire);
	r->originally_specified_recipient_number = 2;
	set_bits(&r->per_recipient_indicators, 8,
		 PerRecipientIndicators_originating_MTA_report, -1);
	list_add(&p->per_recipient_fields.list, r);

	got = round_trip(&asn_DEF_MTS_APDU, apdu, &der, &len);
	assert_int_equal(der[0], 0xa2);		/* probe [2] */
	assert_int_equal(got->present, MTS_APDU_PR_probe);
	g = &got->choice.probe;
	assert_same(&asn_DEF_MTSIdentifier, &g->probe_identifier,
		    &p->probe_identifier);
	assert_str(&g->probe_identifier.local_identifier,
		   "20260321.094500.0815@mta1");
	assert_orname(&g->originator_name, &p->originator_name, "Smith");
	assert_same(&asn_DEF_EncodedInformationTypes,
		    g->original_encoded_information_types,
		    p->original_encoded_information_types);
	assert_int_equal(g->content_type.present, ContentType_PR_extended);
	assert_oid(&g->content_type.choice.extended, "1.3.26.0.4406.0.4.1");
	assert_str(g->content_identifier, "Q1 budget v3");
	assert_int_equal(*g->content_length, 48213);
	assert_same(&asn_DEF_PerMessageIndicators, g->per_message_indicators,
		    p->per_message_indicators);
	assert_int_equal(g->per_domain_bilateral_information->list.count, 1);
	assert_same(&asn_DEF_PerDomainBilateralInformation,
		    g->per_domain_bilateral_information->list.array[0],
		    p->per_domain_bilateral_information->list.array[0]);
	assert_same(&asn_DEF_TraceInformation, &g->trace_information,
		    &p->trace_information);
	check_exts(probe_exts, NCASES(probe_exts), EXTS(p->extensions),
		   EXTS(g->extensions));
	assert_int_equal(g->per_recipient_fields.list.count, 2);
	gr = g->per_recipient_fields.list.array[0];
	r = p->per_recipient_fields.list.array[0];
	assert_orname(&gr->recipient_name, &r->recipient_name, "Mueller");
	assert_int_equal(gr->originally_specified_recipient_number, 1);
	assert_same(&asn_DEF_PerRecipientIndicators,
		    &gr->per_recipient_indicators,
		    &r->per_recipient_indicators);
	assert_int_equal(*gr->explicit_conversion,
			 ExplicitConversion_ia5_text_to_g3_facsimile);
	check_exts(probe_recipient_exts, NCASES(probe_recipient_exts),
		   EXTS(r->extensions), EXTS(gr->extensions));
	gr = g->per_recipient_fields.list.array[1];
	assert_int_equal(gr->originally_specified_recipient_number, 2);
	assert_false(bit_is_set(&gr->per_recipient_indicators,
				PerRecipientIndicators_responsibility));
	assert_null(gr->extensions);
	free(der);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, apdu);
}

/* ==================================================================
 * Reports
 * ================================================================== */

/* new_report - a report on message 4711 to its originator, with its
 *	envelope complete; the caller adds the per-recipient fields */
static MTS_APDU_t *new_report(void)
{
	MTS_APDU_t *apdu;
	ReportTransferEnvelope_t *e;
	ReportTransferContent_t *c;

	NEW(apdu);
	apdu->present = MTS_APDU_PR_report;
	e = &apdu->choice.report.envelope;
	fill_mtsid(&e->report_identifier, "DE", "DBP", "NORDWIND",
		   "rpt.20260321.100020.77");
	fill_orname(&e->report_destination_name, &alice);
	add_trace(&e->trace_information, "DE", "DBP", "NORDWIND",
		  "260321100020Z", RoutingAction_relayed);
	add_trace(&e->trace_information, "DE", "DBP", NULL, "260321100021Z",
		  RoutingAction_relayed);
	c = &apdu->choice.report.content;
	fill_mtsid(&c->subject_identifier, "GB", " ", "ACME",
		   "20260321.093015.4711@mta1");
	return apdu;
}

static PerRecipientReportTransferFields_t *add_report_recipient(
	ReportTransferContent_t *c, const struct or_spec *who, long number,
	const char *arrival)
{
	PerRecipientReportTransferFields_t *r;

	NEW(r);
	fill_orname(&r->actual_recipient_name, who);
	r->originally_specified_recipient_number = number;
	set_bits(&r->per_recipient_indicators, 8,
		 PerRecipientIndicators_responsibility,
		 PerRecipientIndicators_originating_MTA_report,
		 PerRecipientIndicators_originator_report, -1);
	set_str(&r->last_trace_information.arrival_time, arrival);
	list_add(&c->per_recipient_fields.list, r);
	return r;
}

/* A delivery report, with every optional field of the report envelope,
 * the report content and the per-recipient fields. */
static void test_report_delivery(void **state)
{
	static const uint8_t additional[] = {	/* an IA5String, 1984 style */
		0x16, 0x0a, 'P', '2', '-', '1', '9', '8', '4', ' ', 'o', 'k'
	};
	MTS_APDU_t *apdu, *got;
	ReportTransferEnvelope_t *e, *ge;
	ReportTransferContent_t *c, *gc;
	PerRecipientReportTransferFields_t *r, *gr;
	DeliveryReport_t *dr;
	unsigned char *der;
	size_t len;

	(void)state;
	apdu = new_report();
	e = &apdu->choice.report.envelope;
	NEW(e->extensions);
	add_exts(&e->extensions->list, report_envelope_exts,
		 NCASES(report_envelope_exts));
	c = &apdu->choice.report.content;
	NEW(c->subject_intermediate_trace_information);
	fill_trace(c->subject_intermediate_trace_information);
	c->original_encoded_information_types = new_eit(1);
	NEW(c->content_type);
	c->content_type->present = ContentType_PR_built_in;
	c->content_type->choice.built_in =
	    BuiltInContentType_interpersonal_messaging_1988;
	c->content_identifier = new_str("Q1 budget v3");
	NEW(c->returned_content);
	set_bytes(c->returned_content, ipm_content, sizeof(ipm_content));
	NEW(c->additional_information);
	set_any_raw(c->additional_information, additional,
		    sizeof(additional));
	NEW(c->extensions);
	add_exts(&c->extensions->list, report_content_exts,
		 NCASES(report_content_exts));

	r = add_report_recipient(c, &bernd, 1, "260321100015Z");
	r->last_trace_information.converted_encoded_information_types =
	    new_eit(0);
	r->last_trace_information.report_type.present = ReportType_PR_delivery;
	dr = &r->last_trace_information.report_type.choice.delivery;
	set_str(&dr->message_delivery_time, "260321100016Z");
	dr->type_of_MTS_user = new_long(TypeOfMTSUser_ms);
	r->originally_intended_recipient_name = new_orname(&claire);
	r->supplementary_information = new_str("Delivered to MS store 3");
	NEW(r->extensions);
	add_exts(&r->extensions->list, report_recipient_exts,
		 NCASES(report_recipient_exts));
	r = add_report_recipient(c, &claire, 2, "260321100017Z");
	r->last_trace_information.report_type.present = ReportType_PR_delivery;
	dr = &r->last_trace_information.report_type.choice.delivery;
	set_str(&dr->message_delivery_time, "260321100018Z");
	/* type-of-MTS-user left out: DEFAULT public */

	got = round_trip(&asn_DEF_MTS_APDU, apdu, &der, &len);
	assert_int_equal(der[0], 0xa1);		/* report [1] */
	assert_int_equal(got->present, MTS_APDU_PR_report);
	ge = &got->choice.report.envelope;
	gc = &got->choice.report.content;
	assert_same(&asn_DEF_MTSIdentifier, &ge->report_identifier,
		    &e->report_identifier);
	assert_str(&ge->report_identifier.local_identifier,
		   "rpt.20260321.100020.77");
	assert_orname(&ge->report_destination_name,
		      &e->report_destination_name, "Smith");
	assert_same(&asn_DEF_TraceInformation, &ge->trace_information,
		    &e->trace_information);
	assert_int_equal(ge->trace_information.list.count, 2);
	check_exts(report_envelope_exts, NCASES(report_envelope_exts),
		   EXTS(e->extensions), EXTS(ge->extensions));

	assert_str(&gc->subject_identifier.local_identifier,
		   "20260321.093015.4711@mta1");
	assert_same(&asn_DEF_TraceInformation,
		    gc->subject_intermediate_trace_information,
		    c->subject_intermediate_trace_information);
	assert_same(&asn_DEF_EncodedInformationTypes,
		    gc->original_encoded_information_types,
		    c->original_encoded_information_types);
	assert_int_equal(gc->content_type->choice.built_in, 22);
	assert_str(gc->content_identifier, "Q1 budget v3");
	assert_bytes(gc->returned_content->buf, gc->returned_content->size,
		     ipm_content, sizeof(ipm_content));
	assert_bytes(gc->additional_information->buf,
		     gc->additional_information->size, additional,
		     sizeof(additional));
	check_exts(report_content_exts, NCASES(report_content_exts),
		   EXTS(c->extensions), EXTS(gc->extensions));

	assert_int_equal(gc->per_recipient_fields.list.count, 2);
	r = c->per_recipient_fields.list.array[0];
	gr = gc->per_recipient_fields.list.array[0];
	assert_orname(&gr->actual_recipient_name, &r->actual_recipient_name,
		      "Mueller");
	assert_int_equal(gr->originally_specified_recipient_number, 1);
	assert_same(&asn_DEF_PerRecipientIndicators,
		    &gr->per_recipient_indicators,
		    &r->per_recipient_indicators);
	assert_same(&asn_DEF_LastTraceInformation,
		    &gr->last_trace_information, &r->last_trace_information);
	assert_str(&gr->last_trace_information.arrival_time, "260321100015Z");
	assert_non_null(gr->last_trace_information
				.converted_encoded_information_types);
	assert_int_equal(gr->last_trace_information.report_type.present,
			 ReportType_PR_delivery);
	dr = &gr->last_trace_information.report_type.choice.delivery;
	assert_str(&dr->message_delivery_time, "260321100016Z");
	assert_int_equal(*dr->type_of_MTS_user, TypeOfMTSUser_ms);
	assert_orname(gr->originally_intended_recipient_name,
		      r->originally_intended_recipient_name, "Durand");
	assert_str(gr->supplementary_information, "Delivered to MS store 3");
	check_exts(report_recipient_exts, NCASES(report_recipient_exts),
		   EXTS(r->extensions), EXTS(gr->extensions));
	gr = gc->per_recipient_fields.list.array[1];
	dr = &gr->last_trace_information.report_type.choice.delivery;
	assert_null(dr->type_of_MTS_user);
	assert_null(gr->originally_intended_recipient_name);
	assert_null(gr->supplementary_information);
	/* [1] report-type { [0] delivery { [0] time } }: no type of user */
	assert_true(contains(der, len, "\xa1\x11\xa0\x0f\x80\x0d" "260321100018Z",
			     19));
	free(der);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, apdu);
}

/* Non-delivery of the same message to four recipients, each for its own
 * reason. */
static void test_report_non_delivery(void **state)
{
	static const struct {
		const struct or_spec *who;
		long reason, diagnostic;	/* -1: no diagnostic */
	} why[] = {
		{ &bernd, NonDeliveryReasonCode_unable_to_transfer,
		  NonDeliveryDiagnosticCode_unrecognised_OR_name },
		{ &claire, NonDeliveryReasonCode_transfer_failure,
		  NonDeliveryDiagnosticCode_maximum_time_expired },
		{ &postmaster,
		  NonDeliveryReasonCode_transfer_failure_for_security_reason,
		  NonDeliveryDiagnosticCode_unsupported_security_policy },
		{ &staff_dl, NonDeliveryReasonCode_restricted_delivery, -1 },
	};
	MTS_APDU_t *apdu, *got;
	ReportTransferContent_t *c, *gc;
	PerRecipientReportTransferFields_t *r, *gr;
	NonDeliveryReport_t *nd;
	unsigned char *der;
	size_t len;

	(void)state;
	apdu = new_report();
	c = &apdu->choice.report.content;
	NEW(c->returned_content);
	set_bytes(c->returned_content, ipm_content, sizeof(ipm_content));
	for (size_t i = 0; i < NCASES(why); i++) {
		r = add_report_recipient(c, why[i].who, (long)i + 1,
					 "260321100019Z");
		r->last_trace_information.report_type.present =
		    ReportType_PR_non_delivery;
		nd = &r->last_trace_information.report_type.choice.non_delivery;
		nd->non_delivery_reason_code = why[i].reason;
		if (why[i].diagnostic >= 0)
			nd->non_delivery_diagnostic_code =
			    new_long(why[i].diagnostic);
	}
	r->supplementary_information = new_str("DL policy: members only");

	got = round_trip(&asn_DEF_MTS_APDU, apdu, &der, &len);
	gc = &got->choice.report.content;
	assert_same(&asn_DEF_ReportTransferEnvelope, &got->choice.report.envelope,
		    &apdu->choice.report.envelope);
	assert_null(gc->extensions);
	assert_null(gc->content_type);
	assert_bytes(gc->returned_content->buf, gc->returned_content->size,
		     ipm_content, sizeof(ipm_content));
	assert_int_equal(gc->per_recipient_fields.list.count, NCASES(why));
	for (size_t i = 0; i < NCASES(why); i++) {
		gr = gc->per_recipient_fields.list.array[i];
		r = c->per_recipient_fields.list.array[i];
		assert_same(&asn_DEF_ORName, &gr->actual_recipient_name,
			    &r->actual_recipient_name);
		assert_int_equal(gr->originally_specified_recipient_number,
				 i + 1);
		assert_int_equal(gr->last_trace_information.report_type.present,
				 ReportType_PR_non_delivery);
		nd = &gr->last_trace_information.report_type.choice.non_delivery;
		assert_int_equal(nd->non_delivery_reason_code, why[i].reason);
		if (why[i].diagnostic >= 0) {
			assert_non_null(nd->non_delivery_diagnostic_code);
			assert_int_equal(*nd->non_delivery_diagnostic_code,
					 why[i].diagnostic);
		} else {
			assert_null(nd->non_delivery_diagnostic_code);
		}
	}
	assert_str(gc->per_recipient_fields.list.array[3]
			   ->supplementary_information,
		   "DL policy: members only");
	/* [1] non-delivery { [0] 8, [1] 78 } */
	assert_true(contains(der, len,
			     "\xa1\x08\xa1\x06\x80\x01\x08\x81\x01\x4e", 10));
	free(der);
	codec_free(&asn_DEF_MTS_APDU, got);
	codec_free(&asn_DEF_MTS_APDU, apdu);
}

/* ==================================================================
 * Upper bounds are enforced, encoding and decoding
 * ================================================================== */

static void assert_rejected(asn_TYPE_descriptor_t *td, const void *v)
{
	unsigned char *der = NULL;
	size_t n;
	int rc = codec_encode_alloc(td, v, &der, &n);

	if (rc != CODEC_E_CONSTRAINT)
		fail_msg("%s: %s, not a constraint violation", td->name,
			 codec_strerror(rc));
	assert_null(der);
}

/* Bounds written on a component (inline) are checked by its parent. */
static void test_upper_bounds_inline(void **state)
{
	CountryName_t country = { 0 };
	Password_t pw = { 0 };
	PersonalName_t pn = { 0 };
	UnformattedPostalAddress_t *upa = ea_unformatted();

	(void)state;
	fill_country(&country, "GBR");		/* ub-country-name-alpha 2 */
	assert_rejected(&asn_DEF_CountryName, &country);
	pw.present = Password_PR_ia5_string;	/* 63 > ub-password-length */
	set_str(&pw.choice.ia5_string,
		"0123456789012345678901234567890123456789012345678901234567890"
		"12");
	assert_rejected(&asn_DEF_Password, &pw);
	set_str(&pn.surname,			/* 41 > ub-surname-length */
		"Featherstonehaugh-Cholmondeley-Marjoribank");
	assert_rejected(&asn_DEF_PersonalName, &pn);
	for (int i = 0; i < 4; i++)		/* 7 > ub-pds-physical-... 6 */
		list_add(&upa->printable_address->list, new_str("Line"));
	assert_rejected(&asn_DEF_UnformattedPostalAddress, upa);

	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_CountryName, &country);
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_Password, &pw);
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_PersonalName, &pn);
	ASN_STRUCT_FREE(asn_DEF_UnformattedPostalAddress, upa);
}

/* Bounds written on a named type (LocalIdentifier ::= IA5String (SIZE
 * ...)) are checked by that type's descriptor. asn1c 0.9.28 overwrites
 * that check with its base type's the first time the descriptor is used
 * to encode, decode, print or free, unless the build removes that
 * assignment from the generated *_inherit_TYPE_descriptor() functions.
 * These run after every other test has used the descriptors. (asn1c
 * checks no SIZE of a named SEQUENCE OF or SET OF type at all.) */
static void test_upper_bounds_named(void **state)
{
	static const uint8_t bind_error_257[] = { 0x02, 0x02, 0x01, 0x01 };
	MTSIdentifier_t id = { 0 };
	PerRecipientIndicators_t pri = { 0 };
	ContentIdentifier_t cid = { 0 };
	PerRecipientMessageTransferFields_t *r;
	void *out = NULL;

	(void)state;
	fill_mtsid(&id, "GB", " ", "ACME",
		   "20260321.093015.4711@mta1.acme.uk");	/* 33 > 32 */
	assert_rejected(&asn_DEF_MTSIdentifier, &id);
	set_bits(&pri, 7, 0, -1);		/* SIZE (8..ub-bit-options) */
	assert_rejected(&asn_DEF_PerRecipientIndicators, &pri);
	set_str(&cid, "Q1 budget v3 final");	/* 18 > ub-content-id 16 */
	assert_rejected(&asn_DEF_ContentIdentifier, &cid);
	NEW(r);					/* recipient number 0 */
	fill_orname(&r->recipient_name, &bernd);
	set_bits(&r->per_recipient_indicators, 8, 0, -1);
	assert_rejected(&asn_DEF_PerRecipientMessageTransferFields, r);
	assert_int_equal(codec_decode(&asn_DEF_MTABindError, bind_error_257,
				      sizeof(bind_error_257), 0, &out, NULL),
			 CODEC_E_CONSTRAINT);	/* 257 > ub-integer-options */
	assert_null(out);

	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_MTSIdentifier, &id);
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_PerRecipientIndicators, &pri);
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ContentIdentifier, &cid);
	ASN_STRUCT_FREE(asn_DEF_PerRecipientMessageTransferFields, r);
}

/* ==================================================================
 * Main
 * ================================================================== */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_unauthenticated),
		cmocka_unit_test(test_bind_argument_simple),
		cmocka_unit_test(test_bind_argument_strong),
		cmocka_unit_test(test_bind_result),
		cmocka_unit_test(test_bind_error),
		cmocka_unit_test(test_pp_bind),
		cmocka_unit_test(test_pp_message),
		cmocka_unit_test(test_tagging),
		cmocka_unit_test(test_orname_every_attribute),
		cmocka_unit_test(test_oraddress_alternatives),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_report_delivery),
		cmocka_unit_test(test_report_non_delivery),
		cmocka_unit_test(test_upper_bounds_inline),
		cmocka_unit_test(test_upper_bounds_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
