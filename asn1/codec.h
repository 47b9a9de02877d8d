/*
 * codec.h - the one BER codec wrapper every layer uses
 *
 * SYNOPSIS
 *	#include "codec.h"
 *
 *	int	codec_decode(td, buf, len, cap, &out, &consumed);
 *	ssize_t	codec_encode(td, sptr, buf, bufsize);
 *	int	codec_encode_alloc(td, sptr, &out, &outlen);
 *	void	codec_free(td, sptr);
 *	int	codec_fprint(td, sptr, fp);
 *	char	*codec_sprint(td, sptr);
 *	int	codec_ber_check(buf, len, maxdepth, &tlvlen);
 *	const asn_TYPE_descriptor_t *codec_pdu(name);
 *
 * DESCRIPTION
 *	A thin layer over the asn1c-generated codecs (build/gen). Decoding
 *	accepts every valid BER form (definite and indefinite lengths,
 *	constructed strings, SET members in any order); encoding emits DER,
 *	which is valid BER and the strictest form of it.
 *
 *	Input from the network is hostile. codec_decode() therefore:
 *	  - refuses input over a size cap before looking at it;
 *	  - walks the TLV structure first (codec_ber_check) and refuses
 *	    truncated TLVs, lengths beyond the buffer, bad length forms and
 *	    nesting deeper than CODEC_MAX_DEPTH, so the generated decoder
 *	    never sees them;
 *	  - runs the generated decoder with a bounded stack, and if it
 *	    refuses, once more on a copy with every length definite
 *	    (ber_norm.h: asn1c refuses a chain of tags that mixes
 *	    indefinite and definite lengths);
 *	  - runs the constraint checks (sizes, ranges, upper bounds);
 *	  - frees any partial result on failure: *out is NULL then.
 *
 * OWNERSHIP
 *	codec_decode() gives the caller a structure it must release with
 *	codec_free(). codec_encode() writes into the caller's buffer and
 *	keeps nothing. codec_encode_alloc() and codec_sprint() return
 *	malloc()ed memory the caller frees with free(). Descriptors returned
 *	by codec_pdu() are static and never freed.
 *
 * DIAGNOSTICS
 *	Functions return 0 (or a length) on success and a negative
 *	CODEC_E_* value on failure. codec_strerror() names it;
 *	codec_last_detail() gives a per-thread sentence naming the field or
 *	offset that failed, for the log line that names the peer.
 */
#ifndef X400_CODEC_H
#define X400_CODEC_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "asn_application.h"

/* Default size cap on one decoded PDU when the caller passes cap == 0. */
#define CODEC_DEFAULT_CAP	(32u * 1024u * 1024u)
/* Deepest TLV nesting accepted. The deepest legitimate P1 structure
 * (report inside message inside extensions) stays far below this. */
#define CODEC_MAX_DEPTH		64

enum {
	CODEC_OK = 0,
	CODEC_E_TRUNCATED = -1,	/* input ends inside a TLV (need more bytes) */
	CODEC_E_MALFORMED = -2,	/* not valid BER, or not of this type */
	CODEC_E_TOOBIG = -3,	/* input over the size cap */
	CODEC_E_DEPTH = -4,	/* nesting deeper than the bound */
	CODEC_E_CONSTRAINT = -5,/* valid BER but violates a constraint */
	CODEC_E_TRAILING = -6,	/* bytes left after the PDU */
	CODEC_E_NOSPACE = -7,	/* caller's buffer too small */
	CODEC_E_ENCODE = -8,	/* structure cannot be encoded */
	CODEC_E_NOMEM = -9	/* out of memory */
};

/* codec_decode - decode one PDU of type td from buf[0..len)
 *	cap: refuse len > cap (0 means CODEC_DEFAULT_CAP).
 *	consumed: if NULL, bytes after the PDU are an error
 *	(CODEC_E_TRAILING); otherwise receives the PDU's length.
 *	On success *out owns a new structure; on failure *out is NULL. */
int	codec_decode(const asn_TYPE_descriptor_t *td, const void *buf,
		     size_t len, size_t cap, void **out, size_t *consumed);

/* codec_encode - DER-encode sptr into buf; returns the length or a
 *	negative CODEC_E_* (CODEC_E_NOSPACE if bufsize is too small,
 *	CODEC_E_CONSTRAINT if the structure breaks a constraint). */
ssize_t	codec_encode(const asn_TYPE_descriptor_t *td, const void *sptr,
		     void *buf, size_t bufsize);

/* codec_encode_alloc - like codec_encode into a malloc()ed buffer. */
int	codec_encode_alloc(const asn_TYPE_descriptor_t *td, const void *sptr,
			   unsigned char **out, size_t *outlen);

/* codec_free - free a structure from codec_decode (NULL is fine). */
void	codec_free(const asn_TYPE_descriptor_t *td, void *sptr);

/* codec_fprint - print a structure readably, for logs and tools. */
int	codec_fprint(const asn_TYPE_descriptor_t *td, const void *sptr,
		     FILE *fp);

/* codec_sprint - the same into a malloc()ed string (NULL if no memory). */
char	*codec_sprint(const asn_TYPE_descriptor_t *td, const void *sptr);

/* codec_ber_check - validate the TLV structure of one BER value at buf
 *	without decoding it: tag and length forms, lengths within the
 *	buffer, end-of-contents matching, depth <= maxdepth. On success
 *	*tlvlen is the value's total length (buf may hold more). */
int	codec_ber_check(const void *buf, size_t len, int maxdepth,
			size_t *tlvlen);

/* codec_locate - where buf[0..len), a value whose TLV skeleton is valid
 *	but which td does not take, goes wrong: writes "path: what (offset
 *	N)" into out, the path of member names from td's name down to the
 *	innermost part that fails (codec_locate.c). codec_decode() puts it
 *	in codec_last_detail(). */
void	codec_locate(const asn_TYPE_descriptor_t *td, const void *buf,
		     size_t len, char *out, size_t outlen);

/* codec_pdu - the descriptor of a top-level PDU type by its ASN.1 name
 *	("MTS-APDU", "AARQ-apdu", ...), or NULL. codec_pdu_name(i) lists
 *	them (NULL past the end). */
const asn_TYPE_descriptor_t *codec_pdu(const char *name);
const char *codec_pdu_name(size_t i);

const char *codec_strerror(int err);
const char *codec_last_detail(void);

#endif
