/*
 * target_bernorm.c - libFuzzer target: ber_norm_definite() and the
 * codec wrapper's retry with definite lengths
 *
 * DESCRIPTION
 *	ber_norm_definite() is given only what codec_ber_check() accepted;
 *	on that it must rewrite (1) or find nothing to do (0), never fail,
 *	crash, leak or loop. What it writes must be one BER value again,
 *	with no indefinite length left (rewriting it once more finds
 *	nothing to do). The same octets then go through codec_decode() as an IPM
 *	and as an MTS-APDU, the types whose strings and explicit tags the
 *	retry exists for.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ber_norm.h"
#include "codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = NULL, *again = NULL;
	size_t tlvlen, n = 0, n2 = 0, t2;
	const char *pdus[] = { "InformationObject", "MTS-APDU" };
	int rc;

	if (size > 65536 ||
	    codec_ber_check(data, size, CODEC_MAX_DEPTH, &tlvlen) != 0)
		return 0;
	rc = ber_norm_definite(data, tlvlen, &out, &n);
	if (rc == 1) {
		if (codec_ber_check(out, n, CODEC_MAX_DEPTH, &t2) != 0 ||
		    t2 != n)
			abort();
		if (ber_norm_definite(out, n, &again, &n2) != 0 || again)
			abort();
		free(out);
	} else if (rc != 0 || out != NULL) {
		abort();
	}
	for (size_t i = 0; i < sizeof(pdus) / sizeof(pdus[0]); i++) {
		const asn_TYPE_descriptor_t *td = codec_pdu(pdus[i]);
		void *v = NULL;

		if (codec_decode(td, data, size, 0, &v, NULL) == CODEC_OK)
			codec_free(td, v);
		else if (v != NULL)
			abort();
	}
	return 0;
}
