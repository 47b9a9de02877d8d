/*
 * tpkt.h - RFC 1006 packet framing (TPKT) over a TCP byte stream
 *
 * SYNOPSIS
 *	#include "tpkt.h"
 *
 *	tpkt_add(&out, tpdu, n);
 *
 *	struct tpkt_rx rx;
 *	tpkt_rx_init(&rx, TPKT_MAX_LEN);
 *	for (off = 0; off < n; off += used) {
 *		rc = tpkt_rx_feed(&rx, p + off, n - off, &used, &tpdu, &len);
 *		if (rc < 0) ... tpkt_strerror(rc) ... close
 *		if (rc == 1) ... one whole TPDU in tpdu[0..len) ...
 *	}
 *	tpkt_rx_free(&rx);
 *
 * DESCRIPTION
 *	RFC 1006 section 6 carries each X.224 TPDU in a packet with a four
 *	octet header: version (3), reserved, and a 16-bit big-endian
 *	length that counts the header too. tpkt_add() appends one such
 *	packet to a struct buf (reserved octet zero).
 *
 *	The receiver is a framer that accepts the stream in pieces of any
 *	size, down to one octet at a time. tpkt_rx_feed() consumes input
 *	until one TPDU is complete (returns 1), or until the input is used
 *	up (returns 0). *used always tells how much of p it consumed; the
 *	caller calls again with the rest until used == n.
 *
 *	Checks: the version octet must be 3 (TPKT_E_VERSION); the length
 *	must be at least 7 (a header and the shortest TPDU, a class 0 DT of
 *	3 octets) and at most the cap given to tpkt_rx_init()
 *	(TPKT_E_LENGTH). The reserved octet is ignored on input, as RFC
 *	1006 section 6 asks. An error is sticky: the stream cannot be
 *	re-synchronised, every later call returns the same error.
 *
 * OWNERSHIP
 *	The TPDU returned by tpkt_rx_feed() points either into p or into
 *	the framer's own buffer. It is valid until the next call to
 *	tpkt_rx_feed() or tpkt_rx_free(), and, when it points into p, only
 *	while the caller keeps p. The framer allocates at most the cap.
 *
 * DIAGNOSTICS
 *	Negative TPKT_E_* codes; tpkt_strerror() names them. The framer
 *	logs nothing (it does not know the peer); tp_feed() in cotp.h logs.
 */
#ifndef X400_TPKT_H
#define X400_TPKT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define TPKT_VERSION	3	/* RFC 1006 section 6 */
#define TPKT_HDR_LEN	4
#define TPKT_MIN_LEN	7	/* header + a 3-octet DT TPDU */
#define TPKT_MAX_LEN	65535	/* the 16-bit length field's limit */
#define TPKT_MAX_TPDU	(TPKT_MAX_LEN - TPKT_HDR_LEN)

enum {
	TPKT_E_VERSION = -1,	/* version octet is not 3 */
	TPKT_E_LENGTH = -2,	/* length below 7 or above the cap */
};

struct tpkt_rx {
	size_t		max_len;	/* cap on a whole packet, header included */
	unsigned char	hdr[TPKT_HDR_LEN];
	size_t		hdr_have;	/* header octets collected so far */
	size_t		need;		/* body length announced by the header */
	unsigned char	*body;		/* partial body (allocated to need) */
	size_t		body_have;
	size_t		body_cap;
	int		error;		/* sticky TPKT_E_* once set */
	unsigned long	packets;	/* complete TPDUs returned so far */
};

/* tpkt_add - append one packet carrying tpdu[0..n) (n <= TPKT_MAX_TPDU) */
void	tpkt_add(struct buf *out, const void *tpdu, size_t n);

/* tpkt_rx_init - start a framer; max_len caps a packet (7..65535) */
void	tpkt_rx_init(struct tpkt_rx *rx, size_t max_len);
/* tpkt_rx_free - release the framer's buffer */
void	tpkt_rx_free(struct tpkt_rx *rx);
/* tpkt_rx_feed - consume input; 1: a TPDU is ready, 0: need more, <0 error */
int	tpkt_rx_feed(struct tpkt_rx *rx, const uint8_t *p, size_t n,
		     size_t *used, const uint8_t **tpdu, size_t *len);
/* tpkt_rx_pending - octets of an unfinished packet held by the framer */
size_t	tpkt_rx_pending(const struct tpkt_rx *rx);
/* tpkt_strerror - a phrase for a TPKT_E_* code */
const char *tpkt_strerror(int err);

#endif
