/*
 * ber_norm.h - rewrite a BER value with definite lengths only
 *
 * SYNOPSIS
 *	#include "ber_norm.h"
 *
 *	int	ber_norm_definite(buf, len, &out, &outlen);
 *
 * DESCRIPTION
 *	asn1c 0.9.28 refuses a chain of tags that mixes indefinite and
 *	definite lengths ("[8] EXPLICIT TeletexString" sent as a8 80 14 02
 *	.. 00 00: the explicit tag indefinite, the string primitive), which
 *	X.690 8.1.3.2 allows (the sender chooses per constructed value). The
 *	codec wrapper therefore retries a value asn1c refused on a copy in
 *	which every indefinite length (X.690 8.1.3.6) is definite: the same
 *	value, the same tags, the same primitive contents, octet for octet;
 *	end-of-contents octets dropped; every length in its shortest form
 *	(8.1.3.3, 8.1.3.5), so the lengths of enclosing definite values
 *	follow. Primitive contents are copied as they are, never read.
 *
 *	The input must be one BER value whose skeleton codec_ber_check()
 *	has accepted (len is its length). The walk is iterative, at most
 *	CODEC_MAX_DEPTH deep; memory is the output and one size_t per
 *	constructed value. The output is never longer than the input plus
 *	four octets per constructed value (a length takes at least one
 *	octet in, at most five out), and usually shorter (an indefinite
 *	length costs three octets, 80 and 00 00; a definite one under 128
 *	costs one); codec_decode() holds it to the caller's cap.
 *
 * OWNERSHIP
 *	On success *out is malloc()ed; the caller frees it.
 *
 * DIAGNOSTICS
 *	1: rewritten (*out, *outlen set); 0: the value has no indefinite
 *	length, nothing to do (*out NULL); a negative CODEC_E_* if the input
 *	is not what codec_ber_check() accepts (CODEC_E_MALFORMED,
 *	CODEC_E_DEPTH).
 */
#ifndef X400_BER_NORM_H
#define X400_BER_NORM_H

#include <stddef.h>

int	ber_norm_definite(const void *buf, size_t len, unsigned char **out,
			  size_t *outlen);

#endif
