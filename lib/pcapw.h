/*
 * pcapw.h - write one TCP connection's bytes as a pcap file that
 *	Wireshark and tshark read
 *
 * SYNOPSIS
 *	#include "pcapw.h"
 *
 *	struct pcapw *pw = pcapw_open(path, local, peer, local_initiated,
 *				      &err);
 *	pcapw_data(pw, PCAPW_FROM_LOCAL, p, n);
 *	pcapw_data(pw, PCAPW_FROM_PEER, p, n);
 *	pcapw_fin(pw, PCAPW_FROM_LOCAL);
 *	pcapw_rst(pw, PCAPW_FROM_LOCAL);
 *	pcapw_close(pw);
 *
 * DESCRIPTION
 *	The connection module (conn.c) switches this on per connection
 *	when an operator asks for a capture of a link. Each direction's
 *	bytes become Ethernet + IPv4 (or IPv6) + TCP frames carrying the
 *	connection's real addresses and ports, with sequence and
 *	acknowledgement numbers that follow the bytes, so that Wireshark
 *	reassembles the stream and dissects RFC 1006 on top (port 102 is
 *	decoded as TPKT by default; for other ports use
 *	-d tcp.port==N,tpkt). pcapw_open() writes the three-way handshake
 *	(SYN from whichever side initiated), pcapw_fin() a FIN, pcapw_rst()
 *	a RST. A segment carries at most 65535 octets less the IP and TCP
 *	headers; larger writes are split. IP and TCP checksums are
 *	computed. Timestamps are the time of the call.
 *
 *	The file is written with stdio on the calling thread (the loop):
 *	a debugging aid for one link, not something to leave on for all.
 *
 * OWNERSHIP
 *	struct pcapw owns its FILE until pcapw_close(). The sockaddrs are
 *	copied.
 *
 * DIAGNOSTICS
 *	pcapw_open() returns NULL and sets *err to -errno (or -EAFNOSUPPORT
 *	for mixed or unknown families). The others return 0 or -errno; the
 *	caller stops capturing on error (conn logs EV_PCAP_ERROR).
 */
#ifndef X400_PCAPW_H
#define X400_PCAPW_H

#include <stddef.h>
#include <sys/socket.h>

#define PCAPW_FROM_LOCAL	0
#define PCAPW_FROM_PEER		1

struct pcapw;

/* pcapw_open - create path, write the pcap header and the handshake */
struct pcapw *pcapw_open(const char *path, const struct sockaddr *local,
			 const struct sockaddr *peer, int local_initiated,
			 int *err);
/* pcapw_data - one direction's bytes, as segments with ACK|PSH */
int	pcapw_data(struct pcapw *pw, int from, const void *p, size_t n);
/* pcapw_fin - that side sends FIN (the other side's ACK follows) */
int	pcapw_fin(struct pcapw *pw, int from);
/* pcapw_rst - that side resets the connection */
int	pcapw_rst(struct pcapw *pw, int from);
/* pcapw_close - flush and close the file */
int	pcapw_close(struct pcapw *pw);
/* pcapw_path - the file being written */
const char *pcapw_path(const struct pcapw *pw);

#endif
