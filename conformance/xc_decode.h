/*
 * xc_decode.h - the PDUs of a test case, decoded layer by layer for its
 *		 transcript
 *
 * SYNOPSIS
 *	#include "xc_decode.h"
 *
 *	xc_decode_pcap("out/TS.01.pcap", &transcript);
 *	xc_tpdu_brief(tpdu, n, &line);
 *	xc_tsdu_brief(tsdu, n, mode, &line);
 *
 * DESCRIPTION
 *	One line per PDU, as an operator reads a trace: the time, the
 *	connection and direction, the TPDU (X.224 13: CR, CC, DR, DT, ER
 *	with their parameters), and for each TSDU the SPDUs it carries
 *	(X.225 8.3, with the parameters that matter: versions, functional
 *	units, selectors, reason codes, serial numbers, tokens) and what
 *	their user data holds: the presentation PPDU (X.226 8: CP, CPA,
 *	CPR, ARU, ARP, User-data with its contexts), the ACSE APDU (X.227:
 *	AARQ, AARE, RLRQ, RLRE, ABRT), the RTSE APDU (X.228: RTORQ, RTOAC,
 *	RTORJ, RTTP, RTTR, RTAB; PConnect, PAccept, PRefuse in X.410-1984
 *	mode), the MTA-bind (X.411 12.1) and, when an RTTR or S-DATA holds
 *	a whole one, the MTS-APDU (message, probe or report, identifier,
 *	recipients, content length).
 *
 *	The decoder works from captures, so it sees both directions of
 *	every connection of the case, including those the target opened
 *	towards the inbox. Whatever does not decode is shown as such, with
 *	its length and first octets: a malformed PDU is what robustness
 *	cases send.
 *
 * OWNERSHIP
 *	Lines are appended to the caller's struct buf.
 */
#ifndef X400_XC_DECODE_H
#define X400_XC_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* xc_decode_pcap - the transcript of a capture; 0 or -errno */
int	xc_decode_pcap(const char *path, struct buf *out);
/* xc_tpdu_brief - one TPDU (no TPKT header) described */
void	xc_tpdu_brief(const uint8_t *p, size_t n, struct buf *out);
/* xc_tsdu_brief - one TSDU's SPDUs and their user data described; mode
 *	-1 (unknown: guessed), 0 normal, 1 X.410-1984 (enum rtse_mode) */
void	xc_tsdu_brief(const uint8_t *p, size_t n, int mode, struct buf *out);

#endif
