/*
 * target_cotp.c - fuzz the X.224 class 0 machine behind the RFC 1006
 *	framer (osi/cotp.c, through tp_feed)
 *
 * Input: octet 0 holds flags: bit 0 the role (0 initiator, which first
 * sends a CR; 1 responder), bit 1 refuse a CR instead of accepting it,
 * bit 2 echo every TSDU back, bits 3-7 the read size (0: all at once).
 * Octets 1-2 are the initiator's SRC-REF (so that a seed's CC can
 * answer it); the rest is the peer's byte stream. Reassembly is capped
 * at 64 KB so that the fuzzer cannot make us hold more.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cotp.h"
#include "log.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cotp_addr called = { "x400", 4 };
	struct buf out = BUF_INIT;
	struct tp t;
	size_t step, off = 3;
	int flags;

	if (size < 3)
		return 0;
	log_quiet(1);
	flags = data[0];
	step = (size_t)(flags >> 3);
	tp_init(&t, flags & 1 ? COTP_RESPONDER : COTP_INITIATOR, 65536);
	cotp_set_who(&t.cotp, "127.0.0.1:102", "fuzz");
	if (!(flags & 1)) {
		t.cotp.src_ref = (uint16_t)(data[1] << 8 | data[2]);
		if (cotp_connect_req(&t.cotp, NULL, &called, &out))
			panic("cotp_connect_req in IDLE failed");
	}
	while (off < size) {
		size_t chunk = step && size - off > step ? step : size - off;
		size_t c = 0;

		while (c < chunk) {
			struct cotp_ind ind;
			size_t used;
			int rc = tp_feed(&t, data + off + c, chunk - c, &used,
					 &ind, &out);

			if (used > chunk - c)
				panic("tp_feed used more than it was given");
			c += used;
			if (rc < 0) {
				if (t.cotp.state != COTP_ST_CLOSED)
					panic("error %d left state %s", rc,
					      cotp_state_name(t.cotp.state));
				goto out;
			}
			if (rc == 0 && c != chunk)
				panic("tp_feed stopped without an indication");
			if (rc == 0)
				continue;
			switch (ind.type) {
			case COTP_CONNECT_IND:
				if (flags & 2)
					cotp_refuse(&t.cotp,
						    COTP_DR_ADDRESS_UNKNOWN,
						    &out);
				else
					cotp_connect_resp(&t.cotp, &out);
				break;
			case COTP_DATA_IND:
				if (ind.len > 65536)
					panic("TSDU of %zu over the cap",
					      ind.len);
				if (flags & 4)
					cotp_data_req(&t.cotp, ind.data,
						      ind.len, &out);
				break;
			default:
				break;
			}
			buf_reset(&out);
		}
		off += chunk;
	}
out:
	tp_free(&t);
	buf_free(&out);
	return 0;
}
