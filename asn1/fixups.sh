#!/bin/sh
# fixups.sh - the scripted fixes applied to asn1c 0.9.28's output
#
# usage: asn1/fixups.sh DIR    (DIR: freshly generated code)
#
# Generated code is never edited by hand; these fixes are applied by
# the build, each to a known asn1c bug (asn1/README.md), and each fails
# the build when it no longer applies, so that a new asn1c cannot slip
# through unnoticed. The Makefile regenerates build/gen/ when this file
# changes.
set -eu
dir=$1

# 1. A derived type's *_inherit_TYPE_descriptor(), run on its first
#    decode, print or free, overwrites the type's own check_constraints
#    with its base type's, so upper bounds stop being checked after the
#    first use. Drop that one assignment; the checker then always runs.
sed -i '/td->print_struct   = /{n;/td->check_constraints = /d;}' "$dir"/*.c

#    ...which is safe only if no derived type's checker calls back
#    through td->check_constraints to reach its base type's.
if grep -l 'implemented using' "$dir"/*.c |
    xargs grep -l 'Perform validation of the inner elements'; then
	echo "asn1: a constrained alias of a SEQUENCE/SET OF (above);" \
	    "write it out inline" >&2
	exit 1
fi

# 2. A BIT STRING whose unused-bits octet is over 7 (X.690 8.6.2.2
#    forbids it) is accepted and then shifted by it: undefined behaviour
#    found by fuzzing. Refuse it where the decoder finishes one.
sed -i 's/^\(\t*\)if(type_variant == ASN_OSUBV_BIT && st->size) {$/\1if(type_variant == ASN_OSUBV_BIT \&\& (st->bits_unused > 7 || (!st->size \&\& st->bits_unused))) RETURN(RC_FAIL);\n&/' \
    "$dir"/OCTET_STRING.c
if ! grep -q 'bits_unused > 7' "$dir"/OCTET_STRING.c; then
	echo "asn1: the BIT STRING fix no longer applies" >&2
	exit 1
fi

# 3. With its debugging off, asn1c's ASN_DEBUG is a static function that
#    does nothing, but C still evaluates its arguments: der_write_tags()
#    formats every tag it writes with ber_tlv_tag_string() (snprintf),
#    for nothing, which was three quarters of the time of a P1 encode
#    (make bench; docs/performance.md). A macro that drops them.
sed -i 's/^static void ASN_DEBUG(const char \*fmt, \.\.\.) { (void)fmt; }$/#define ASN_DEBUG(...) ((void)0)/' \
    "$dir"/asn_internal.h
if ! grep -q '^#define ASN_DEBUG(\.\.\.) ((void)0)$' "$dir"/asn_internal.h; then
	echo "asn1: the ASN_DEBUG fix no longer applies" >&2
	exit 1
fi

# 4. X.690 8.7.3.2 and 8.23.6: the segments of a constructed OCTET
#    STRING, and of every restricted character string (encoded as if
#    [UNIVERSAL n] IMPLICIT OCTET STRING), are OCTET STRINGs, tag
#    [UNIVERSAL 4], whatever the outer tag (IMPLICIT [n] included); a
#    BIT STRING's are [UNIVERSAL 3] (8.6.4.1). asn1c 0.9.28 wanted the
#    type's own tag on each segment ([UNIVERSAL 19] inside a constructed
#    PrintableString), so PrintableString, TeletexString, IA5String and
#    the rest refused the standard form. Accept the universal tag too,
#    but only for segments of the string's own TLV (its level in the
#    chain of tags: tags_count - 1, one more under an EXPLICIT member
#    tag), so an explicit tag still has to hold the type's own tag. The
#    form asn1c took before (segments with the type's tag) stays.
sed -i 's/^\(\t*\)if(tlv_tag != expected_tag) {$/\1if(tlv_tag != expected_tag \&\& !(sel \&\& type_variant != ASN_OSUBV_ANY \&\& sel->cont_level >= td->tags_count - 1 + (tag_mode == 1) \&\& tlv_tag == (ber_tlv_tag_t)(((type_variant == ASN_OSUBV_BIT) ? 3 : 4) << 2))) {/' \
    "$dir"/OCTET_STRING.c
if ! grep -q 'sel->cont_level >= td->tags_count - 1' "$dir"/OCTET_STRING.c; then
	echo "asn1: the string segment fix no longer applies" >&2
	exit 1
fi
