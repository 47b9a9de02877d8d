/*
 * asnx.h - small helpers to build and read asn1c structures
 *
 * SYNOPSIS
 *	#include "asnx.h"
 *
 *	asnx_oid_set(&oid, "2.6.0.1.6");   asnx_oid_eq(&oid, "2.6.0.1.6");
 *	asnx_oid_str(&oid, buf, sizeof(buf));
 *	long *p = asnx_long(3);
 *	asnx_octets(&os, p, n);  OCTET_STRING_t *os = asnx_octets_new(p, n);
 *	asnx_bits(&bs, bits, nbits);  asnx_bit(&bs, i);
 *	asnx_any(&any, td, value);
 *
 * DESCRIPTION
 *	What every layer that builds PDUs needs: object identifiers from
 *	their dotted form, INTEGERs and strings on the heap (asn1c frees
 *	them with the structure), BIT STRINGs in DER form (trailing zero
 *	bits dropped), and an ANY filled with the DER of another value.
 *
 * OWNERSHIP
 *	Everything set into a structure is owned by that structure and
 *	freed with it (codec_free, ASN_STRUCT_FREE...). Allocation failure
 *	ends the process (xalloc.h).
 */
#ifndef X400_ASNX_H
#define X400_ASNX_H

#include <stddef.h>

#include "ANY.h"
#include "BIT_STRING.h"
#include "OBJECT_IDENTIFIER.h"
#include "OCTET_STRING.h"

/* asnx_oid_set - fill oid from "a.b.c"; returns 0 or -1 if malformed */
int	asnx_oid_set(OBJECT_IDENTIFIER_t *oid, const char *dotted);
OBJECT_IDENTIFIER_t *asnx_oid_new(const char *dotted);
/* asnx_oid_eq - oid equals "a.b.c" */
int	asnx_oid_eq(const OBJECT_IDENTIFIER_t *oid, const char *dotted);
/* asnx_oid_str - the dotted form into buf ("?" if undecodable) */
const char *asnx_oid_str(const OBJECT_IDENTIFIER_t *oid, char *buf,
			 size_t size);

long	*asnx_long(long v);
void	asnx_octets(OCTET_STRING_t *os, const void *p, size_t n);
OCTET_STRING_t *asnx_octets_new(const void *p, size_t n);

/* asnx_bits - bits (bit 0 is the first, most significant, bit) */
void	asnx_bits(BIT_STRING_t *bs, unsigned long bits, int nbits);
BIT_STRING_t *asnx_bits_new(unsigned long bits, int nbits);
int	asnx_bit(const BIT_STRING_t *bs, int i);

/* asnx_any - DER of value (type td) into an ANY; 0 or a CODEC_E_* */
int	asnx_any(ANY_t *any, const asn_TYPE_descriptor_t *td,
		 const void *value);
/* asnx_any_raw - the given encoding, copied, into an ANY */
void	asnx_any_raw(ANY_t *any, const void *p, size_t n);

#endif
