/*
 * tpkt.c - RFC 1006 packet framing (TPKT)
 *
 * See tpkt.h. RFC 1006 section 6: a packet is
 *	vrsn (8 bits, 3) | reserved (8 bits) | packet length (16 bits) |
 *	TPDU
 * and the length counts the four header octets.
 */
#include <stdlib.h>
#include <string.h>

#include "tpkt.h"
#include "xalloc.h"

/* tpkt_add - RFC 1006 section 6: append a packet header and the TPDU */
void tpkt_add(struct buf *out, const void *tpdu, size_t n)
{
	if (n > TPKT_MAX_TPDU)
		panic("tpkt_add: TPDU of %zu octets over %d", n,
		      TPKT_MAX_TPDU);
	buf_reserve(out, TPKT_HDR_LEN + n);
	buf_add_u8(out, TPKT_VERSION);
	buf_add_u8(out, 0);		/* reserved: zero on output */
	buf_add_u16be(out, (unsigned)(TPKT_HDR_LEN + n));
	buf_add(out, tpdu, n);
}

/* tpkt_rx_init - an empty framer with a cap on the packet length */
void tpkt_rx_init(struct tpkt_rx *rx, size_t max_len)
{
	if (max_len < TPKT_MIN_LEN || max_len > TPKT_MAX_LEN)
		panic("tpkt_rx_init: cap %zu outside %d..%d", max_len,
		      TPKT_MIN_LEN, TPKT_MAX_LEN);
	memset(rx, 0, sizeof(*rx));
	rx->max_len = max_len;
}

/* tpkt_rx_free - release the body buffer; the framer may be re-inited */
void tpkt_rx_free(struct tpkt_rx *rx)
{
	free(rx->body);
	rx->body = NULL;
	rx->body_cap = rx->body_have = 0;
}

/* tpkt_rx_pending - what the framer holds of an unfinished packet */
size_t tpkt_rx_pending(const struct tpkt_rx *rx)
{
	return rx->hdr_have + rx->body_have;
}

/* fail - make an error sticky */
static int fail(struct tpkt_rx *rx, int err, size_t off, size_t *used)
{
	rx->error = err;
	*used = off;
	return err;
}

/* tpkt_rx_feed - collect the header, check it, then collect the body */
int tpkt_rx_feed(struct tpkt_rx *rx, const uint8_t *p, size_t n,
		 size_t *used, const uint8_t **tpdu, size_t *len)
{
	size_t off = 0, take;

	*used = 0;
	*tpdu = NULL;
	*len = 0;
	if (rx->error)
		return rx->error;
	while (rx->hdr_have < TPKT_HDR_LEN) {
		if (off == n) {
			*used = off;
			return 0;
		}
		rx->hdr[rx->hdr_have++] = p[off++];
		if (rx->hdr_have == 1 && rx->hdr[0] != TPKT_VERSION)
			return fail(rx, TPKT_E_VERSION, off, used);
		if (rx->hdr_have == TPKT_HDR_LEN) {
			size_t l = ((size_t)rx->hdr[2] << 8) | rx->hdr[3];

			if (l < TPKT_MIN_LEN || l > rx->max_len)
				return fail(rx, TPKT_E_LENGTH, off, used);
			rx->need = l - TPKT_HDR_LEN;
			rx->body_have = 0;
		}
	}
	if (rx->body_have == 0 && n - off >= rx->need) {
		/* the whole TPDU is in the caller's input: no copy */
		*tpdu = p + off;
		*len = rx->need;
		off += rx->need;
	} else {
		if (rx->body_cap < rx->need) {
			rx->body = xrealloc(rx->body, rx->need);
			rx->body_cap = rx->need;
		}
		take = rx->need - rx->body_have;
		if (take > n - off)
			take = n - off;
		memcpy(rx->body + rx->body_have, p + off, take);
		rx->body_have += take;
		off += take;
		*used = off;
		if (rx->body_have < rx->need)
			return 0;
		*tpdu = rx->body;
		*len = rx->need;
	}
	rx->hdr_have = 0;
	rx->body_have = 0;
	rx->packets++;
	*used = off;
	return 1;
}

const char *tpkt_strerror(int err)
{
	switch (err) {
	case 0:			return "no error";
	case TPKT_E_VERSION:	return "TPKT version is not 3";
	case TPKT_E_LENGTH:	return "TPKT length outside the allowed range";
	}
	return "unknown TPKT error";
}
