/*
 * osiframe.h - wrap encoded PDUs in fixed OSI framing and write a pcap
 *
 * SYNOPSIS
 *	#include "osiframe.h"
 *
 *	struct osif *f = osif_new();
 *	osif_cotp(f, OSIF_TO_RESPONDER, OSIF_CR);
 *	osif_spdu(f, OSIF_TO_RESPONDER, SI, params, plen, ud, udlen);
 *	osif_data(f, OSIF_TO_RESPONDER, pres_user_data, len);
 *	osif_write_pcap(f, "out.pcap");
 *	osif_free(f);
 *
 * DESCRIPTION
 *	Test support only: it builds the TPKT (RFC 1006), X.224 class 0
 *	and X.225 session framing around PDUs our codecs encoded, so that
 *	tshark, our independent decoder, sees a plausible association.
 *	The pcap itself (IPv4 and TCP headers, 127.0.0.1:40000 to
 *	127.0.0.2:102) is made by text2pcap from Wireshark.
 *	The real layers are osi/'s tpkt_, cotp_ and ses_ modules.
 *
 * OWNERSHIP
 *	struct osif copies whatever it is given; osif_free() frees it.
 */
#ifndef X400_TEST_OSIFRAME_H
#define X400_TEST_OSIFRAME_H

#include <stddef.h>

#define OSIF_TO_RESPONDER	0
#define OSIF_TO_INITIATOR	1

enum osif_tpdu { OSIF_CR, OSIF_CC, OSIF_DR };

struct osif;

struct osif *osif_new(void);
void	osif_free(struct osif *f);

/* osif_cotp - a CR, CC or DR TPDU (X.224 13.3, 13.4, 13.5) */
int	osif_cotp(struct osif *f, int dir, enum osif_tpdu type);

/* osif_spdu - a category 1 SPDU (CN, AC, RF, FN, DN, AB...) with the
 *	given encoded parameters and user data in PGI 193 (or 194 when
 *	over 512 octets), in one DT TPDU. */
int	osif_spdu(struct osif *f, int dir, int si, const void *params,
		  size_t plen, const void *ud, size_t udlen);

/* osif_refuse - an RF SPDU (X.225 8.3.12): params, then the Reason Code
 *	(PI 50) "rejection by the called SS-user" followed by ud, which is
 *	where a refusal carries its SS-user data. */
int	osif_refuse(struct osif *f, int dir, const void *params, size_t plen,
		    const void *ud, size_t udlen);

/* osif_data - GT + DT SPDUs carrying ud as user information. */
int	osif_data(struct osif *f, int dir, const void *ud, size_t udlen);

/* osif_data_sync - osif_data, then in the same frame (one TCP segment) a
 *	second TPKT with GT + MAJOR SYNC POINT (serial number serial): how
 *	RTSE ends a transfer (X.228), and what makes tshark's RTSE
 *	dissector reassemble the RTTR it saw and hand it to P1. */
int	osif_data_sync(struct osif *f, int dir, const void *ud, size_t udlen,
		       unsigned serial);

/* osif_write_pcap - write every frame so far as a pcap file */
int	osif_write_pcap(struct osif *f, const char *path);

#endif
