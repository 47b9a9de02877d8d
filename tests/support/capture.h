/*
 * capture.h - read OSI traffic from a pcap, for test vectors
 *
 * SYNOPSIS
 *	#include "capture.h"
 *
 *	int	cap_load(path, &cap);
 *	int	cap_load_tpkts(path, &cap);
 *	int	cap_spdu(&cap.tsdu[i], &view);
 *	void	cap_free(&cap);
 *
 * DESCRIPTION
 *	Test support only. cap_load() reads one TCP conversation from a
 *	pcap (libpcap), reassembles each direction's byte stream, cuts it
 *	into RFC 1006 TPKTs and X.224 class 0 TPDUs, and joins DT TPDUs
 *	into TSDUs. Each TSDU remembers the frame that completed it, so a
 *	test can ask tshark about the same frame.
 *	cap_load_tpkts() reads the same way but joins nothing: each entry
 *	is one whole TPKT as it was on the wire, its 4-octet header
 *	included, and its kind that of the TPDU it carries; this is what
 *	a test replays over TCP (tests/fuzz/netfuzz.c).
 *	cap_spdu() finds the SPDU a TSDU carries (skipping a leading
 *	category 0 SPDU, X.225 6.3.7) and its user data: the User Data
 *	PGI (193) or Extended User Data (194) of a category 1 SPDU, or the
 *	user information after a DT SPDU.
 *
 *	This is a reader for fixed captures, not the protocol machine:
 *	the real layers live in osi/ (tpkt_, cotp_, ses_).
 *
 * OWNERSHIP
 *	struct cap owns every TSDU buffer until cap_free(). A spdu_view
 *	points into its TSDU.
 */
#ifndef X400_TEST_CAPTURE_H
#define X400_TEST_CAPTURE_H

#include <stddef.h>

enum cap_kind { CAP_CR, CAP_CC, CAP_DR, CAP_DT, CAP_OTHER };

struct cap_tsdu {
	unsigned	frame;		/* pcap frame number (1-based) */
	int		from_initiator;	/* sent by the side that SYNed */
	enum cap_kind	kind;
	unsigned char	*data;		/* TSDU (DT) or the whole TPDU; the
					 * whole TPKT for cap_load_tpkts */
	size_t		len;
};

struct cap {
	struct cap_tsdu	*tsdu;
	size_t		n;
};

/* SPDU types (X.225 8.3, SI field) the tests meet. */
enum {
	SPDU_GT_DT = 1, SPDU_PT = 2, SPDU_FN = 9, SPDU_DN = 10,
	SPDU_RF = 12, SPDU_CN = 13, SPDU_AC = 14, SPDU_AB = 25,
	SPDU_MAP_AE = 41, SPDU_MAA_AEA = 42, SPDU_AS = 45
};

struct spdu_view {
	int		si;		/* SI of the SPDU that matters */
	int		concatenated;	/* a category 0 SPDU came first */
	const unsigned char *ud;	/* its user data, or NULL */
	size_t		udlen;
};

int	cap_load(const char *path, struct cap *cap);
int	cap_load_tpkts(const char *path, struct cap *cap);
void	cap_free(struct cap *cap);
int	cap_spdu(const struct cap_tsdu *t, struct spdu_view *v);

#endif
