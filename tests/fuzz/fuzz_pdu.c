/*
 * fuzz_pdu.c - libFuzzer target: decode hostile bytes as one PDU type
 *
 * DESCRIPTION
 *	Feeds the input to codec_decode(). A decoded value must print,
 *	re-encode, and decode again to the same encoding: the codec may
 *	refuse input, but never crash, leak, or accept what it cannot
 *	write back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fuzz_pdu.h"

static const asn_TYPE_descriptor_t *fuzz_td;

int fuzz_pdu_select(const char *pdu)
{
	fuzz_td = codec_pdu(pdu);
	return fuzz_td ? 0 : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = strrchr((*argv)[0], '/');

	(void)argc;
	name = name ? name + 1 : (*argv)[0];
	if (strncmp(name, "fuzz_", 5) != 0 || fuzz_pdu_select(name + 5)) {
		fprintf(stderr, "%s: name must be fuzz_<PDU>\n", (*argv)[0]);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *enc1 = NULL, *enc2 = NULL;
	size_t len1 = 0, len2 = 0;
	void *v1 = NULL, *v2 = NULL;
	char *text;

	if (codec_decode(fuzz_td, data, size, 1u << 20, &v1, NULL) != 0)
		return 0;
	text = codec_sprint(fuzz_td, v1);
	free(text);
	/* What we accepted we must be able to write back, and what we
	 * write must read back as the same value. */
	if (codec_encode_alloc(fuzz_td, v1, &enc1, &len1) != 0)
		abort();
	if (codec_decode(fuzz_td, enc1, len1, 0, &v2, NULL) != 0)
		abort();
	if (codec_encode_alloc(fuzz_td, v2, &enc2, &len2) != 0)
		abort();
	if (len1 != len2 || memcmp(enc1, enc2, len1) != 0)
		abort();
	free(enc1);
	free(enc2);
	codec_free(fuzz_td, v1);
	codec_free(fuzz_td, v2);
	return 0;
}
