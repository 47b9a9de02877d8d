/*
 * p1_asn.h - small helpers over asn1c values shared by the p1_ modules
 *
 * SYNOPSIS
 *	#include "p1_asn.h"
 *
 *	p1_str_set(s, text);  p1_str_setn(s, p, n);  s = p1_str_new(text);
 *	p1_str_eq(s, text);
 *	p1_bit_get(bits, n);  p1_bit_set(bits, n, on);  p1_bits_init(bits, nbits);
 *	p1_time_set(utctime, t);  p1_time_get(utctime, &t);
 *	copy = p1_copy(td, value);  p1_same(td, a, b);
 *	p1_any_set(any, td, value);  v = p1_any_get(any, td);
 *
 * DESCRIPTION
 *	The p1_ modules (p1_addr, p1_id, p1_env, p1_trace, p1_ext,
 *	p1_report, p1_downgrade) read and build asn1c structures of
 *	asn1/p1.asn1. These helpers keep the fiddly parts in one place:
 *	string values (every string type and UTCTime is an OCTET_STRING_t),
 *	named bits of a BIT STRING (bit 0 is the first bit on the wire,
 *	X.680 22.6), times (UTCTime, X.680 43; always written as GMT with
 *	seconds, "YYMMDDHHMMSSZ"), deep copies and comparisons by DER
 *	(DER is canonical, so two values are equal exactly when their DER
 *	is), and open values (ANY) holding the DER of a named type.
 *
 * OWNERSHIP
 *	p1_str_new(), p1_copy() and p1_any_get() return structures the
 *	caller frees with ASN_STRUCT_FREE(td, p). The set functions replace
 *	the old contents of their target, which they free.
 *
 * DIAGNOSTICS
 *	p1_copy() and p1_any_get() return NULL when the value does not
 *	encode (a caller's bug: a structure that breaks a constraint) or
 *	does not decode as that type (a peer's bytes).
 */
#ifndef X400_P1_ASN_H
#define X400_P1_ASN_H

#include <stddef.h>
#include <time.h>

#include "asn_application.h"
#include "ANY.h"
#include "BIT_STRING.h"
#include "OCTET_STRING.h"
#include "UTCTime.h"

/* p1_str_set, p1_str_setn - replace a string value */
void	p1_str_set(OCTET_STRING_t *s, const char *text);
void	p1_str_setn(OCTET_STRING_t *s, const void *p, size_t n);
/* p1_str_new - a new OCTET_STRING_t (any string type) holding text */
OCTET_STRING_t *p1_str_new(const char *text);
/* p1_str_eq - the value is exactly these octets */
int	p1_str_eq(const OCTET_STRING_t *s, const char *text);
/* p1_str_dup - a NUL-terminated malloc()ed copy (embedded NULs kept
 *	as they are; callers use it for printable values) */
char	*p1_str_dup(const OCTET_STRING_t *s);

/* p1_bit_get - named bit n of a BIT STRING is 'one' (0 if absent) */
int	p1_bit_get(const BIT_STRING_t *b, int n);
/* p1_bit_set - set or clear bit n, growing the string as needed */
void	p1_bit_set(BIT_STRING_t *b, int n, int on);
/* p1_bits_init - an all-zero BIT STRING of nbits bits */
void	p1_bits_init(BIT_STRING_t *b, int nbits);

/* p1_time_set - a UTCTime holding t, "YYMMDDHHMMSSZ" */
void	p1_time_set(UTCTime_t *ut, time_t t);
/* p1_time_get - the time of a UTCTime; 0, or -1 if it is malformed */
int	p1_time_get(const UTCTime_t *ut, time_t *t);

/* p1_copy - a deep copy of a value of type td (NULL if it does not
 *	encode) */
void	*p1_copy(asn_TYPE_descriptor_t *td, const void *v);
/* p1_same - two values of type td are equal (equal DER) */
int	p1_same(asn_TYPE_descriptor_t *td, const void *a, const void *b);
/* p1_der - the DER of a value into a malloc()ed buffer; NULL if it
 *	does not encode */
unsigned char *p1_der(asn_TYPE_descriptor_t *td, const void *v, size_t *len);

/* p1_any_set - an open value holding the DER of v (0, or -1 if v does
 *	not encode) */
int	p1_any_set(ANY_t *a, asn_TYPE_descriptor_t *td, const void *v);
/* p1_any_get - decode an open value as type td (NULL if it is not
 *	exactly one value of that type) */
void	*p1_any_get(const ANY_t *a, asn_TYPE_descriptor_t *td);

/* p1_list_add - append to any asn1c SET OF / SEQUENCE OF list */
void	p1_list_add(void *list, void *item);
/* p1_list_take - remove item i of a list keeping the others' order; the
 *	item is returned, not freed */
void	*p1_list_take(void *list, int i);

#endif
