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
 *	pw = pcapw_open_mem(local, peer, local_initiated, max, &err);
 *	pcapw_data(pw, ...);  pcapw_held(pw);  pcapw_save(pw, path);
 *	pcapw_redact(pw, PCAPW_FROM_PEER, password, len);
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
 *	It is created mode 0600 whatever the umask (an existing file is
 *	emptied and made 0600): the MTA-binds it holds carry passwords.
 *
 *	Held captures: pcapw_open_mem() writes the same file into memory,
 *	at most max octets of it (header, handshake and frames, each with
 *	the time it happened), for a connection whose capture is decided
 *	later: an inbound association's link is known only from its bind.
 *	pcapw_save() then creates path, writes what memory holds and goes
 *	on in the file; pcapw_close() drops it. Frames that would take
 *	the memory over max drop all of it, silently (pcapw_data() still
 *	returns 0): a capture missing its start is worth nothing, and
 *	pcapw_save() then fails with -EFBIG. pcapw_held() is 1 until
 *	pcapw_save() succeeded.
 *
 * OWNERSHIP
 *	struct pcapw owns its FILE until pcapw_close(). The sockaddrs are
 *	copied.
 *
 * DIAGNOSTICS
 *	pcapw_open() and pcapw_open_mem() return NULL and set *err to
 *	-errno (or -EAFNOSUPPORT for mixed or unknown families). The
 *	others return 0 or -errno; the caller stops capturing on error
 *	(conn logs EV_PCAP_ERROR). pcapw_save(): -EFBIG (memory went over
 *	max), -EINVAL (not held), or -errno creating or writing path.
 */
#ifndef X400_PCAPW_H
#define X400_PCAPW_H

#include <stddef.h>
#include <sys/socket.h>

#define PCAPW_FROM_LOCAL	0
#define PCAPW_FROM_PEER		1
#define PCAPW_FILLER		'*'	/* what replaces a redacted octet */

struct pcapw;

/* pcapw_open - create path, write the pcap header and the handshake */
struct pcapw *pcapw_open(const char *path, const struct sockaddr *local,
			 const struct sockaddr *peer, int local_initiated,
			 int *err);
/* pcapw_open_mem - the same, held in memory (at most max octets) until
 *	pcapw_save() */
struct pcapw *pcapw_open_mem(const struct sockaddr *local,
			     const struct sockaddr *peer, int local_initiated,
			     size_t max, int *err);
/* pcapw_save - create path, write what memory held, go on there */
int	pcapw_save(struct pcapw *pw, const char *path);
/* pcapw_redact - blank secret (n octets) wherever side `from` sent it as a
 *	BER string value, in held memory; how many found, -EINVAL if not
 *	held (or the memory was dropped) */
int	pcapw_redact(struct pcapw *pw, int from, const void *secret,
		     size_t n);
/* pcapw_held - 1 while pw writes to memory */
int	pcapw_held(const struct pcapw *pw);
/* pcapw_data - one direction's bytes, as segments with ACK|PSH */
int	pcapw_data(struct pcapw *pw, int from, const void *p, size_t n);
/* pcapw_fin - that side sends FIN (the other side's ACK follows) */
int	pcapw_fin(struct pcapw *pw, int from);
/* pcapw_rst - that side resets the connection */
int	pcapw_rst(struct pcapw *pw, int from);
/* pcapw_close - flush and close the file */
int	pcapw_close(struct pcapw *pw);
/* pcapw_path - the file being written ("(memory)" while held) */
const char *pcapw_path(const struct pcapw *pw);

#endif
