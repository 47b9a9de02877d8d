/*
 * target_store.c - fuzz the store's record decoders (store/q_rec.c)
 *
 * Input: octet 0 picks the decoder (message, recipient, journal entry);
 * the rest is the record as it would come back from disk. A record that
 * decodes must encode again into one that decodes to the same values:
 * what the decoder accepts, the store can write back (x400q check
 * --repair and every operation rewrite records they read).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "q_int.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same_str - both strings equal */
static void same_str(const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		panic("record string changed on re-encoding");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	unsigned char *copy;

	if (size < 1)
		return 0;
	/* a private copy, so an over-read is caught at its exact end */
	copy = xmalloc(size > 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0: {
		struct q_msg m, m2;

		if (q_rec_msg_dec(copy, size - 1, &m) != 0)
			break;
		q_rec_msg_enc(&b, &m);
		if (q_rec_msg_dec(b.data, b.len, &m2) != 0 || m2.id != m.id ||
		    m2.nrcpt != m.nrcpt || m2.size != m.size ||
		    m2.arrival != m.arrival || m2.prio != m.prio)
			panic("message record does not survive re-encoding");
		same_str(m.mtsid, m2.mtsid);
		same_str(m.originator, m2.originator);
		same_str(m.src_link, m2.src_link);
		break;
	}
	case 1: {
		struct q_rcpt r, r2;

		if (q_rec_rcpt_dec(copy, size - 1, &r) != 0)
			break;
		q_rec_rcpt_enc(&b, &r);
		if (q_rec_rcpt_dec(b.data, b.len, &r2) != 0 ||
		    r2.idx != r.idx || r2.state != r.state ||
		    r2.attempts != r.attempts || r2.reason != r.reason)
			panic("recipient record does not survive re-encoding");
		same_str(r.address, r2.address);
		same_str(r.link, r2.link);
		same_str(r.diag_text, r2.diag_text);
		break;
	}
	default: {
		struct q_jent e, e2;

		if (q_rec_jrnl_dec(copy, size - 1, &e) != 0)
			break;
		q_rec_jrnl_enc(&b, &e);
		if (q_rec_jrnl_dec(b.data, b.len, &e2) != 0 ||
		    e2.type != e.type || e2.id != e.id || e2.rcpt != e.rcpt)
			panic("journal entry does not survive re-encoding");
		same_str(e.text, e2.text);
		same_str(e.user, e2.user);
		break;
	}
	}
	buf_free(&b);
	free(copy);
	return 0;
}
