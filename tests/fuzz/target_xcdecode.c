/*
 * target_xcdecode.c - fuzz x400conf's PDU decoder (conformance/
 *	xc_decode.c), which describes whatever a target sends
 *
 * The first octet picks the entry and the mode (bit 0: TSDU or TPDU;
 * bits 1-2: mode -1, normal, X.410-1984); the rest is the PDU. The
 * decoder must describe anything, never crash, leak or loop.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "xc_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	int mode;

	if (size < 1)
		return 0;
	mode = (int)((data[0] >> 1) & 3) - 1;
	if (mode > 1)
		mode = 1;
	if (data[0] & 1)
		xc_tsdu_brief(data + 1, size - 1, mode, &out);
	else
		xc_tpdu_brief(data + 1, size - 1, &out);
	buf_free(&out);
	return 0;
}
