/*
 * target_ses.c - fuzz the session machine (X.225) as a responder
 *
 * The input is a sequence of TSDUs, each prefixed by a 2-octet
 * big-endian length, fed to a responder that accepts the connection
 * and answers every activity end, major sync, minor sync, token request
 * and release, as RTSE would. It must refuse or abort, never crash,
 * leak or loop.
 */
#include <stdint.h>
#include <string.h>

#include "ses.h"

static void on_tsdu(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
}

static void on_ind(void *arg, const struct ses_ind *ind)
{
	struct ses *s = arg;

	switch (ind->type) {
	case SES_CONNECT_IND:
		ses_connect_rsp(s, 1, 0, NULL, "ok", 2);
		break;
	case SES_ACT_END_IND:
		ses_act_end_rsp(s, NULL, 0);
		break;
	case SES_SYNC_MAJOR_IND:
		ses_sync_major_rsp(s, NULL, 0);
		break;
	case SES_SYNC_MINOR_IND:
		ses_sync_minor_rsp(s, ind->serial, NULL, 0);
		break;
	case SES_TOKEN_PLEASE_IND:
		ses_control_give_req(s);
		break;
	case SES_ACT_INTERRUPT_IND:
		ses_act_interrupt_rsp(s);
		break;
	case SES_ACT_DISCARD_IND:
		ses_act_discard_rsp(s);
		break;
	case SES_RELEASE_IND:
		ses_release_rsp(s, NULL, 0);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ses_cfg cfg = {
		SES_FU_SUPPORTED, 3, 1u << 20, NULL, 0
	};
	struct ses s;

	ses_init(&s, SES_RESPONDER, &cfg, on_ind, on_tsdu, &s);
	while (size >= 2) {
		size_t n = ((size_t)data[0] << 8) | data[1];

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		ses_input(&s, data, n);
		data += n;
		size -= n;
	}
	ses_free(&s);
	return 0;
}
