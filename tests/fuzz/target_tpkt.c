/*
 * target_tpkt.c - fuzz the RFC 1006 framer (osi/tpkt.c)
 *
 * Input: octet 0 picks the read size (1..32, or everything at once when
 * its low five bits are 0) and octet 1 the packet-length cap; the rest
 * is the TCP byte stream. Every TPDU returned must fit the cap, and the
 * framer must consume the whole stream unless it reports an error.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tpkt.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpkt_rx rx;
	size_t step, cap, off = 2;

	if (size < 2)
		return 0;
	step = data[0] & 0x1f;
	cap = data[1] == 0 ? TPKT_MAX_LEN : TPKT_MIN_LEN + (size_t)data[1] * 64;
	tpkt_rx_init(&rx, cap);
	while (off < size) {
		size_t chunk = step && size - off > step ? step : size - off;
		size_t c = 0;

		while (c < chunk) {
			const uint8_t *t;
			size_t used, len;
			int rc = tpkt_rx_feed(&rx, data + off + c, chunk - c,
					      &used, &t, &len);

			if (used > chunk - c)
				panic("framer used more than it was given");
			c += used;
			if (rc < 0)
				goto out;
			if (rc == 1 && (len + TPKT_HDR_LEN > cap ||
					len + TPKT_HDR_LEN < TPKT_MIN_LEN))
				panic("TPDU of %zu octets, cap %zu", len, cap);
			if (rc == 0 && c != chunk)
				panic("framer stopped without a TPDU");
		}
		off += chunk;
	}
out:
	tpkt_rx_free(&rx);
	return 0;
}
