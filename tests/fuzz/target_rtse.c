/*
 * target_rtse.c - fuzz the RTSE machine with presentation and ACSE
 *	below it, as a normal-mode responder and as an X.410-mode one
 *
 * The first octet of the input chooses the mode (bit 7: X.410-1984),
 * the rest is a sequence of TSDUs, each prefixed by a 2-octet
 * big-endian length.
 * The responder accepts the bind, confirms every transfer, gives the
 * turn and the release. It must refuse or abort, never crash, leak or
 * loop.
 */
#include <stdint.h>
#include <string.h>

#include "rtse.h"

static void on_tsdu(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
}

static void on_ind(void *arg, const struct rtse_ind *ind)
{
	struct rtse *r = arg;

	switch (ind->type) {
	case RTSE_OPEN_IND:
		rtse_open_rsp(r, 1, "\x04\x00", 2);
		break;
	case RTSE_TRANSFER_IND:
		rtse_transfer_rsp(r, 1);
		break;
	case RTSE_TURN_PLEASE_IND:
		rtse_turn_give_req(r);
		break;
	case RTSE_CLOSE_IND:
		rtse_close_rsp(r);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtse_cfg cfg;
	struct rtse r;

	memset(&cfg, 0, sizeof(cfg));
	if (size < 1)
		return 0;
	cfg.mode = (data[0] & 0x80) ? RTSE_X410 : RTSE_NORMAL;
	data++;
	size--;
	cfg.checkpoint = 4;
	cfg.window = 5;
	cfg.recovery = 1;
	cfg.max_apdu = 1u << 20;
	rtse_init(&r, RTSE_RESPONDER, &cfg, on_ind, on_tsdu, &r);
	while (size >= 2) {
		size_t n = ((size_t)data[0] << 8) | data[1];

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		rtse_input(&r, data, n);
		data += n;
		size -= n;
	}
	rtse_free(&r);
	return 0;
}
