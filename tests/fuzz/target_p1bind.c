/*
 * target_p1bind.c - libFuzzer target: the MTA-bind as x400d reads it
 *
 * DESCRIPTION
 *	p1_bind_decode() takes a peer's MTA-bind argument or result, bare or
 *	in its [16] / [17], with a simple password or strong credentials
 *	(whose token p1_strong_take() copies out of the decoded value into
 *	fixed buffers: every length in it comes from the network). Each
 *	input is read both as an argument and as a result, into the same
 *	struct (p1_bind_decode() clears what an earlier decode left), and
 *	the strong token, if any, is checked as x400d would, with no
 *	identity and no cache: never a crash, a leak or an overrun.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "p1_bind.h"
#include "p1_strong.h"
#include "tlsid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assoc_bind b, copy;
	struct tlsid id = TLSID_INIT;
	struct p1_strong_check c = { &id, "MTA-B", 0, 300, NULL };
	char why[300];
	unsigned ev;
	int bare, result;

	memset(&b, 0, sizeof(b));
	for (result = 0; result < 2; result++) {
		if (p1_bind_decode(data, size, result, &b, &bare, why,
				   sizeof(why)) != 0 || b.tok == NULL)
			continue;
		c.now = b.tok->time;
		(void)p1_strong_verify(b.tok, &c, &ev, why, sizeof(why));
		p1_bind_copy(&copy, &b);
		p1_bind_clear(&copy);
	}
	p1_bind_clear(&b);
	return 0;
}
