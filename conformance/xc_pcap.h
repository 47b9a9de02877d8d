/*
 * xc_pcap.h - read and merge the pcap files of a test case
 *
 * SYNOPSIS
 *	#include "xc_pcap.h"
 *
 *	rc = xc_pcap_merge(parts, n, "out/TS.01.pcap");
 *	rc = xc_pcap_read("out/TS.01.pcap", fn, arg);
 *	void fn(void *arg, const struct xc_seg *s) { ... }
 *
 * DESCRIPTION
 *	Each connection of a case is captured to its own file (pcapw.h,
 *	one per connection and case); xc_pcap_merge() joins them into one
 *	file in time order, which Wireshark opens as one capture with
 *	several TCP streams. xc_pcap_read() hands back every TCP segment
 *	of a file (Ethernet, IPv4 or IPv6, TCP; the classic pcap format in
 *	either byte order), with its flags and payload, for the decoder.
 *
 * OWNERSHIP
 *	Segment data is valid only during the callback.
 *
 * DIAGNOSTICS
 *	0, or a negative errno (-EINVAL: not a pcap file we can read).
 */
#ifndef X400_XC_PCAP_H
#define X400_XC_PCAP_H

#include <stddef.h>
#include <stdint.h>

#define XC_TCP_FIN	0x01
#define XC_TCP_SYN	0x02
#define XC_TCP_RST	0x04

struct xc_seg {
	double		ts;		/* seconds */
	char		src[64], dst[64];	/* "addr:port" */
	unsigned	flags;		/* XC_TCP_* */
	const uint8_t	*data;
	size_t		len;
};

typedef void xc_seg_fn(void *arg, const struct xc_seg *s);

int	xc_pcap_read(const char *path, xc_seg_fn *fn, void *arg);
int	xc_pcap_merge(const char *const *in, size_t n, const char *out);

#endif
