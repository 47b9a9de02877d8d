/*
 * asnx.c - small helpers to build and read asn1c structures
 *
 * See asnx.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asnx.h"
#include "codec.h"
#include "xalloc.h"

#define MAX_ARCS	32

int asnx_oid_set(OBJECT_IDENTIFIER_t *oid, const char *dotted)
{
	unsigned long arcs[MAX_ARCS];
	int n = 0;
	const char *p = dotted;

	while (*p && n < MAX_ARCS) {
		char *end;

		arcs[n++] = strtoul(p, &end, 10);
		if (end == p || (*end && *end != '.'))
			return -1;
		p = *end ? end + 1 : end;
	}
	if (n < 2 || *p)
		return -1;
	if (OBJECT_IDENTIFIER_set_arcs(oid, arcs, sizeof(arcs[0]),
				       (unsigned)n) != 0)
		return -1;
	return 0;
}

OBJECT_IDENTIFIER_t *asnx_oid_new(const char *dotted)
{
	OBJECT_IDENTIFIER_t *oid = XNEW(OBJECT_IDENTIFIER_t);

	if (asnx_oid_set(oid, dotted) != 0)
		panic("asnx_oid_new: bad OID \"%s\"", dotted);
	return oid;
}

const char *asnx_oid_str(const OBJECT_IDENTIFIER_t *oid, char *buf,
			 size_t size)
{
	unsigned long arcs[MAX_ARCS];
	int n, i;
	size_t off = 0;

	n = OBJECT_IDENTIFIER_get_arcs(oid, arcs, sizeof(arcs[0]), MAX_ARCS);
	if (n < 1 || n > MAX_ARCS) {
		snprintf(buf, size, "?");
		return buf;
	}
	buf[0] = 0;
	for (i = 0; i < n && off < size; i++) {
		int w = snprintf(buf + off, size - off, "%s%lu", i ? "." : "",
				 arcs[i]);

		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

int asnx_oid_eq(const OBJECT_IDENTIFIER_t *oid, const char *dotted)
{
	char buf[160];

	if (oid == NULL || oid->buf == NULL)
		return 0;
	return strcmp(asnx_oid_str(oid, buf, sizeof(buf)), dotted) == 0;
}

long *asnx_long(long v)
{
	long *p = XNEW(long);

	*p = v;
	return p;
}

void asnx_octets(OCTET_STRING_t *os, const void *p, size_t n)
{
	free(os->buf);
	os->buf = xmalloc(n + 1);
	if (n)
		memcpy(os->buf, p, n);
	os->buf[n] = 0;
	os->size = (int)n;
}

OCTET_STRING_t *asnx_octets_new(const void *p, size_t n)
{
	OCTET_STRING_t *os = XNEW(OCTET_STRING_t);

	asnx_octets(os, p, n);
	return os;
}

void asnx_bits(BIT_STRING_t *bs, unsigned long bits, int nbits)
{
	int last = -1, i, nbytes;

	for (i = 0; i < nbits; i++)
		if (bits & (1ul << i))
			last = i;
	nbytes = (last + 8) / 8;
	free(bs->buf);
	bs->buf = xcalloc(1, (size_t)nbytes + 1);
	for (i = 0; i <= last; i++)
		if (bits & (1ul << i))
			bs->buf[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	bs->size = nbytes;
	bs->bits_unused = nbytes ? 7 - (last % 8) : 0;
}

BIT_STRING_t *asnx_bits_new(unsigned long bits, int nbits)
{
	BIT_STRING_t *bs = XNEW(BIT_STRING_t);

	asnx_bits(bs, bits, nbits);
	return bs;
}

int asnx_bit(const BIT_STRING_t *bs, int i)
{
	if (bs == NULL || i < 0 || i / 8 >= bs->size)
		return 0;
	return (bs->buf[i / 8] >> (7 - i % 8)) & 1;
}

int asnx_any(ANY_t *any, const asn_TYPE_descriptor_t *td, const void *value)
{
	unsigned char *der;
	size_t n;
	int rc = codec_encode_alloc(td, value, &der, &n);

	if (rc != 0)
		return rc;
	free(any->buf);
	any->buf = der;
	any->size = (int)n;
	return 0;
}

void asnx_any_raw(ANY_t *any, const void *p, size_t n)
{
	asnx_octets((OCTET_STRING_t *)any, p, n);
}
