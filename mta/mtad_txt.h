/*
 * mtad_txt.h - x400d: the readable form of a delivered object (NAME.txt)
 *
 * SYNOPSIS
 *	#include "mtad_txt.h"
 *
 *	void	mtad_txt_render(apdu, rcpt, entries, n, &buf);
 *	int	mtad_txt_apdu(ber, len, rcpt, &buf);
 *	int	mtad_txt_ipm(content, len, &buf);
 *
 * DESCRIPTION
 *	Local delivery (mtad_local.c) writes next to each NAME.p1 a NAME.txt
 *	for people: the envelope (kind, MTS identifier, recipient,
 *	originator), the trace, a report's outcomes, and for an
 *	interpersonal message (content type 22) its Subject and IA5 text
 *	body. The content is decoded by the codec wrapper, so every BER form
 *	a peer may send (indefinite lengths, constructed strings) is read.
 *
 *	mtad_txt_render() appends the text of a decoded APDU to b (a
 *	report's entries parsed already: e[0..n), from p1_report_parse).
 *	mtad_txt_apdu() decodes the MTS-APDU at ber[0..len), parses a
 *	report's entries, and renders it: what local delivery writes, from
 *	the octets alone. mtad_txt_ipm() appends the heading and body of the
 *	P22 content at content[0..len).
 *
 * DIAGNOSTICS
 *	mtad_txt_apdu() returns 0, or the CODEC_E_* of an APDU that does not
 *	decode (nothing appended). mtad_txt_ipm() returns 0, or the
 *	CODEC_E_* of content that is not an IPM (nothing appended; an IPN
 *	is not an IPM).
 */
#ifndef X400_MTAD_TXT_H
#define X400_MTAD_TXT_H

#include <stddef.h>

#include "buf.h"
#include "p1_report.h"

#include "MTS-APDU.h"

void	mtad_txt_render(const MTS_APDU_t *a, const char *rcpt,
			const struct p1_report_entry *e, int n, struct buf *b);
int	mtad_txt_apdu(const void *ber, size_t len, const char *rcpt,
		      struct buf *b);
int	mtad_txt_ipm(const void *content, size_t len, struct buf *b);

#endif
