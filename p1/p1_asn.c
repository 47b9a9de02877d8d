/*
 * p1_asn.c - small helpers over asn1c values shared by the p1_ modules
 *
 * See p1_asn.h. Strings, named bits, UTCTime, deep copies by DER, open
 * values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn_SET_OF.h"
#include "codec.h"
#include "p1_asn.h"
#include "xalloc.h"

/* p1_str_setn - replace a string value with n octets */
void p1_str_setn(OCTET_STRING_t *s, const void *p, size_t n)
{
	unsigned char *buf = xmalloc(n + 1);

	if (n)
		memcpy(buf, p, n);
	buf[n] = 0;
	free(s->buf);
	s->buf = buf;
	s->size = (int)n;
}

/* p1_str_set - replace a string value with a C string */
void p1_str_set(OCTET_STRING_t *s, const char *text)
{
	p1_str_setn(s, text, strlen(text));
}

/* p1_str_new - a new string value */
OCTET_STRING_t *p1_str_new(const char *text)
{
	OCTET_STRING_t *s = XNEW(OCTET_STRING_t);

	p1_str_set(s, text);
	return s;
}

/* p1_str_eq - the value is exactly text */
int p1_str_eq(const OCTET_STRING_t *s, const char *text)
{
	size_t n = strlen(text);

	return s && (size_t)s->size == n && (n == 0 ||
					      memcmp(s->buf, text, n) == 0);
}

/* p1_str_dup - a C string copy of a string value */
char *p1_str_dup(const OCTET_STRING_t *s)
{
	char *p = xmalloc((size_t)s->size + 1);

	if (s->size)
		memcpy(p, s->buf, (size_t)s->size);
	p[s->size] = 0;
	return p;
}

/* p1_bit_get - named bit n is 'one' (X.680 22.6: bit 0 leads) */
int p1_bit_get(const BIT_STRING_t *b, int n)
{
	int nbits;

	if (b == NULL || n < 0 || b->buf == NULL)
		return 0;
	nbits = b->size * 8 - b->bits_unused;
	if (n >= nbits)
		return 0;
	return (b->buf[n / 8] >> (7 - n % 8)) & 1;
}

/* p1_bits_init - an all-zero BIT STRING of nbits bits */
void p1_bits_init(BIT_STRING_t *b, int nbits)
{
	size_t size = ((size_t)nbits + 7) / 8;

	free(b->buf);
	b->buf = xcalloc(size + 1, 1);
	b->size = (int)size;
	b->bits_unused = (int)(size * 8 - (size_t)nbits);
}

/* p1_bit_set - set or clear bit n, growing the string as needed */
void p1_bit_set(BIT_STRING_t *b, int n, int on)
{
	int nbits = b->buf ? b->size * 8 - b->bits_unused : 0;

	if (n < 0)
		panic("p1_bit_set: bit %d", n);
	if (n >= nbits) {
		size_t size = ((size_t)n + 8) / 8;
		unsigned char *buf = xcalloc(size + 1, 1);

		if (b->buf && b->size)
			memcpy(buf, b->buf, (size_t)b->size);
		free(b->buf);
		b->buf = buf;
		b->size = (int)size;
		b->bits_unused = (int)(size * 8 - (size_t)n - 1);
	}
	if (on)
		b->buf[n / 8] |= (unsigned char)(0x80 >> (n % 8));
	else
		b->buf[n / 8] &= (unsigned char)~(0x80 >> (n % 8));
}

/* p1_time_set - a UTCTime of t, GMT with seconds (X.680 43.3 b, c) */
void p1_time_set(UTCTime_t *ut, time_t t)
{
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%02d%02d%02d%02d%02d%02dZ",
		 tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	p1_str_set(ut, buf);
}

/* p1_time_get - the time a UTCTime holds (any X.680 form) */
int p1_time_get(const UTCTime_t *ut, time_t *t)
{
	struct tm tm;
	time_t v;

	if (ut == NULL || ut->buf == NULL || ut->size < 11)
		return -1;
	memset(&tm, 0, sizeof(tm));
	v = asn_UT2time(ut, &tm, 1);
	if (v == (time_t)-1 && tm.tm_year == 0)
		return -1;
	*t = v;
	return 0;
}

/* p1_der - the DER of v, malloc()ed */
unsigned char *p1_der(asn_TYPE_descriptor_t *td, const void *v, size_t *len)
{
	unsigned char *der = NULL;

	if (codec_encode_alloc(td, v, &der, len) != CODEC_OK)
		return NULL;
	return der;
}

/* p1_copy - a deep copy through DER */
void *p1_copy(asn_TYPE_descriptor_t *td, const void *v)
{
	size_t len;
	unsigned char *der = p1_der(td, v, &len);
	void *out = NULL;

	if (der == NULL)
		return NULL;
	if (codec_decode(td, der, len, 0, &out, NULL) != CODEC_OK)
		out = NULL;
	free(der);
	return out;
}

/* p1_same - equal DER */
int p1_same(asn_TYPE_descriptor_t *td, const void *a, const void *b)
{
	size_t na, nb;
	unsigned char *ea, *eb;
	int same;

	if (a == NULL || b == NULL)
		return a == b;
	ea = p1_der(td, a, &na);
	eb = p1_der(td, b, &nb);
	same = ea && eb && na == nb && memcmp(ea, eb, na) == 0;
	free(ea);
	free(eb);
	return same;
}

/* p1_any_set - an open value holding the DER of v */
int p1_any_set(ANY_t *a, asn_TYPE_descriptor_t *td, const void *v)
{
	size_t len;
	unsigned char *der = p1_der(td, v, &len);

	if (der == NULL)
		return -1;
	free(a->buf);
	a->buf = der;
	a->size = (int)len;
	return 0;
}

/* p1_any_get - decode an open value as td */
void *p1_any_get(const ANY_t *a, asn_TYPE_descriptor_t *td)
{
	void *out = NULL;

	if (a == NULL || a->buf == NULL || a->size <= 0)
		return NULL;
	if (codec_decode(td, a->buf, (size_t)a->size, 0, &out, NULL) !=
	    CODEC_OK)
		return NULL;
	return out;
}

/* p1_list_add - append to an asn1c list; panics on failure (memory) */
void p1_list_add(void *list, void *item)
{
	if (asn_set_add(list, item) != 0)
		panic("p1_list_add: out of memory");
}

/* p1_list_take - remove item i, keeping order (asn_set_del does not) */
void *p1_list_take(void *list, int i)
{
	asn_anonymous_set_ *as = _A_SET_FROM_VOID(list);
	void *item;

	if (i < 0 || i >= as->count)
		panic("p1_list_take: index %d of %d", i, as->count);
	item = as->array[i];
	memmove(&as->array[i], &as->array[i + 1],
		sizeof(as->array[0]) * (size_t)(as->count - i - 1));
	as->count--;
	return item;
}
