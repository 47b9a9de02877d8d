/*
 * conn.h - TCP connections on libuv: the only module that touches
 *	sockets
 *
 * SYNOPSIS
 *	#include "conn.h"
 *
 *	struct conn_cbs cbs = { .connected = ..., .read = ..., .eof = ...,
 *				.drained = ..., .timeout = ...,
 *				.closed = ... };
 *
 *	outbound:
 *	struct conn_opts o = { .src = "127.0.0.2", .enforce = 1,
 *			       .link = "to-B", .pcap = NULL };
 *	rc = conn_connect(loop, "127.0.0.1", 102, &o, &cbs, arg, &c);
 *
 *	inbound:
 *	const char *addrs[] = { "127.0.0.1", "::1" };
 *	rc = conn_listen(loop, addrs, 2, 102, on_accept, arg, &l);
 *	void on_accept(struct conn *c, void *arg)
 *		{ ... conn_peer_addr(c) ...; conn_start(c, &cbs, arg2); }
 *	conn_listener_port(l, i);  conn_listener_close(l);
 *
 *	conn_write(c, p, n);  conn_write_buf(c, &buf);  conn_pending(c);
 *	conn_pause(c);  conn_resume(c);
 *	conn_timer(c, ms);
 *	conn_close(c);  conn_abort(c);
 *	conn_pcap(c, path);  conn_pcap_hold(c, max);
 *
 * DESCRIPTION
 *	One struct conn per TCP connection, allocated here and freed here,
 *	after its last callback, closed(). The OSI layers above are pure
 *	functions over bytes: they get bytes from read() and hand bytes
 *	to conn_write().
 *
 *	Outbound: conn_connect() takes a numeric IPv4 or IPv6 address
 *	(names are resolved by the configuration, at load) and an optional
 *	local source address, bound before connecting (uv_tcp_bind, port
 *	0). A source address that is not on this host fails with
 *	EADDRNOTAVAIL, either at bind or in the connect completion; a
 *	source of the wrong family counts as unavailable too. Then
 *	  enforce: connected(c, CONN_E_SRCADDR), event
 *		   EV_SRCADDR_UNAVAILABLE: a local configuration error, not
 *		   the peer's fault; nothing is sent to the peer;
 *	  else:	   event EV_SRCADDR_FALLBACK, and the connection is made
 *		   from the address the OS chooses.
 *	Every connection logs the local address actually used
 *	(EV_CONN_CONNECTED; EV_CONN_ACCEPTED inbound).
 *
 *	Inbound: conn_listen() listens on every address given (IPv6 ones
 *	IPv6-only, so 0.0.0.0 and :: can share a port); all or nothing.
 *	The accept callback gets a new connection, with its peer and local
 *	addresses, that does not read until conn_start(); the callee may
 *	instead conn_abort() it.
 *
 *	Writing: conn_write() copies, conn_write_buf() takes the unread
 *	part of a struct buf (leaving it empty). conn_pending() is what is
 *	queued and not yet written to the kernel; drained() is called when
 *	it falls to the low-water mark (conn_set_lowat, default 64 KB)
 *	after having been above it, so a sender of a 16 MB APDU can write
 *	in slices and wait.
 *
 *	Reading: read() gets the bytes of one socket read, valid only
 *	during the call. conn_pause() stops reading (no read() until
 *	conn_resume(): backpressure reaches the peer through TCP). eof()
 *	reports the end of input once: UV_EOF when the peer closed, or a
 *	negative errno (UV_ECONNRESET...) on a read or write error. The
 *	user then calls conn_close() or conn_abort().
 *
 *	Timer: conn_timer(c, ms) arms a one-shot timer, re-arming it if
 *	already armed; 0 stops it. timeout() is called when it fires. It
 *	may be armed while connecting (to bound the connect time) and is
 *	stopped by conn_close()/conn_abort().
 *
 *	Closing: conn_close() is orderly: queued writes are flushed, then
 *	our side is shut down (FIN); the rest of the peer's input is read
 *	and dropped until its FIN, then the socket is closed; if the peer
 *	does not close within CONN_LINGER_MS (conn_set_linger) the
 *	connection is reset. conn_abort() resets at once (SO_LINGER 0, a
 *	RST), dropping queued writes. After either, only closed() is
 *	called.
 *
 *	pcap: conn_opts.pcap (outbound) or conn_pcap() (any time) writes
 *	every byte of the connection from then on to a pcap file
 *	(pcapw.h): a handshake, both directions, FIN or RST. For a capture
 *	decided later (inbound: the link is known from the bind),
 *	conn_pcap_hold() keeps the capture in memory, at most max octets;
 *	conn_pcap(c, path) then writes what was held to path and goes on
 *	there (the file is whole, from the handshake), conn_pcap(c, NULL)
 *	drops it. If more than max was held, conn_pcap() fails (event
 *	2031) and nothing is captured. Files are created mode 0600.
 *	While held, conn_pcap_redact() blanks a password in it, so that
 *	the MTA-bind's credentials never reach the file (assoc.c).
 *
 *	TLS (issue 18, as in IEC 62351-4: TLS directly on TCP, RFC 1006
 *	inside): conn_tls_ctx_new() makes a context (our certificate and
 *	key, and optionally a CA); conn_opts.tls (outbound) or
 *	conn_listener_tls() (inbound) puts every connection made with it
 *	under TLS (1.2 at least, 1.3 preferred). Outbound, connected() is
 *	called once the handshake is done (or with CONN_E_TLS when it
 *	failed); inbound, read() starts after it. The user reads and
 *	writes plaintext; the byte counters count the wire. An expired
 *	or not yet valid peer certificate fails the handshake, and so
 *	does one that does not verify against the context's CA, if it
 *	has one. The peer's identity (a pin, or a CA and a name, tlsid.h):
 *	outbound, conn_opts.tls_id is checked before connected(), which
 *	gets CONN_E_TLS_PEER on a mismatch (nothing of the user's was
 *	sent); inbound it is the user's check, once it knows who the
 *	peer claims to be, with conn_tls_peer_cert() (mta/mtad_tls.c). A capture of
 *	a TLS connection holds the plaintext, so tshark reads it, and
 *	pcap-start says so. Events 2040-2043, 2047 (layer "tls"); the
 *	details are in conn_tls.h.
 *
 *	No callback is ever called from inside a conn_* call: completions
 *	found at once (a failed bind) are deferred through a zero timer.
 *
 * OWNERSHIP
 *	struct conn is ours: valid from conn_connect()/the accept callback
 *	until closed() returns. The strings in conn_opts are copied.
 *	conn_peer()/conn_local() strings live as long as the conn.
 *
 * DIAGNOSTICS
 *	Functions return 0 or a negative errno (libuv's UV_E*), or
 *	CONN_E_SRCADDR, CONN_E_TLS, CONN_E_TLS_PEER; conn_strerror()
 *	names them. Events 2000-2008, 2030-2031 (layer "conn", peer
 *	"addr:port"); TLS: 2040-2045, 2047 (layer "tls").
 */
#ifndef X400_CONN_H
#define X400_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"

#define CONN_E_SRCADDR	(-30001)	/* source address not usable */
#define CONN_E_TLS	(-30002)	/* TLS handshake failed */
#define CONN_E_TLS_PEER	(-30003)	/* TLS peer not the one expected */
#define CONN_LOWAT	(64u << 10)
#define CONN_LINGER_MS	30000
#define CONN_ADDRSTRLEN	64		/* "[v6addr]:port" or "v4:port" */

struct conn;
struct conn_listener;
struct conn_tls_ctx;
struct x509_st;			/* OpenSSL's X509 */
struct stack_st_X509;		/* OpenSSL's STACK_OF(X509) */
struct tlsid;			/* tlsid.h */

struct conn_cbs {
	/* outbound: the connection is up (0) or failed (<0); closed()
	 * follows a failure */
	void	(*connected)(struct conn *c, int status, void *arg);
	/* bytes from the peer, valid only during the call */
	void	(*read)(struct conn *c, const uint8_t *p, size_t n,
			void *arg);
	/* end of input: UV_EOF, or an error from reading or writing */
	void	(*eof)(struct conn *c, int status, void *arg);
	/* conn_pending() fell to the low-water mark */
	void	(*drained)(struct conn *c, void *arg);
	/* the conn_timer() fired */
	void	(*timeout)(struct conn *c, void *arg);
	/* last call: c is freed when it returns */
	void	(*closed)(struct conn *c, void *arg);
};

struct conn_opts {
	const char	*src;		/* local source address, or NULL */
	int		enforce;	/* src unusable: fail, not fall back */
	const char	*link;		/* link name for events, or NULL */
	const char	*pcap;		/* capture to this file, or NULL */
	struct conn_tls_ctx *tls;	/* TLS client context, or NULL;
					 * borrowed (the SSL keeps a
					 * reference) */
	const struct tlsid *tls_id;	/* with tls: who the server must
					 * be (copied), NULL: anyone */
};

typedef void conn_accept_fn(struct conn *c, void *arg);

/* conn_connect - start an outbound connection; 0 (and *out set) or
 *	UV_EINVAL for an address that does not parse */
int	conn_connect(uv_loop_t *loop, const char *addr, unsigned port,
		     const struct conn_opts *o, const struct conn_cbs *cbs,
		     void *arg, struct conn **out);

/* conn_listen - listen on each numeric address at port (0: any; see
 *	conn_listener_port); 0 or the first error (logged) */
int	conn_listen(uv_loop_t *loop, const char *const *addrs, size_t n,
		    unsigned port, conn_accept_fn *fn, void *arg,
		    struct conn_listener **out);
/* conn_listener_port - the port address i is bound to */
unsigned conn_listener_port(const struct conn_listener *l, size_t i);
/* conn_listener_close - stop listening; freed once every socket closed */
void	conn_listener_close(struct conn_listener *l);

/* conn_tls_ctx_new - a TLS context, server (1) or client (0): our
 *	certificate chain and key files (PEM; NULL: none), the CA file
 *	that the peer's chain must verify against (NULL: any chain, the
 *	identity is the user's check); 0, or -1 with err. The caller owns
 *	it: conn_tls_ctx_free() (connections made with it keep what they
 *	need) */
int	conn_tls_ctx_new(int server, const char *cert, const char *key,
			 const char *ca, struct conn_tls_ctx **out,
			 char *err, size_t errlen);
void	conn_tls_ctx_free(struct conn_tls_ctx *t);
/* conn_listener_tls - every connection accepted on l from now on runs
 *	TLS with t (borrowed: it must outlive l) */
void	conn_listener_tls(struct conn_listener *l, struct conn_tls_ctx *t);
/* conn_tls_check_fn - an accepted TLS connection whose handshake is
 *	done, before any of its plaintext is read: 0 to go on, else it is
 *	closed (the function logs why) */
typedef int conn_tls_check_fn(const struct conn *c, void *arg);
/* conn_listener_tls_check - every TLS connection accepted on l from now
 *	on is put to fn (NULL: none) */
void	conn_listener_tls_check(struct conn_listener *l,
				conn_tls_check_fn *fn, void *arg);
/* conn_is_tls - 1 if the connection runs (or is setting up) TLS */
int	conn_is_tls(const struct conn *c);
/* the peer's certificate and chain, once the handshake is done (else
 *	NULL); borrowed, valid as long as c */
const struct x509_st *conn_tls_peer_cert(const struct conn *c);
struct stack_st_X509 *conn_tls_peer_chain(const struct conn *c);
/* "TLSv1.3", "TLS_AES_256_GCM_SHA384"; "" without TLS */
const char *conn_tls_version(const struct conn *c);
const char *conn_tls_cipher(const struct conn *c);

/* conn_start - an accepted connection: set callbacks, start reading */
void	conn_start(struct conn *c, const struct conn_cbs *cbs, void *arg);
/* conn_set_quiet - a quiet connection logs its end at debug, not info
 *	(x400d: until the caller's bind is accepted, so that a flood of
 *	connections that never bind does not flood the log) */
void	conn_set_quiet(struct conn *c, int quiet);
/* conn_set_link - the link name in this connection's events */
void	conn_set_link(struct conn *c, const char *link);

int	conn_write(struct conn *c, const void *p, size_t n);
int	conn_write_buf(struct conn *c, struct buf *b);
size_t	conn_pending(const struct conn *c);
void	conn_set_lowat(struct conn *c, size_t lowat);

void	conn_pause(struct conn *c);
void	conn_resume(struct conn *c);
void	conn_timer(struct conn *c, uint64_t ms);

void	conn_close(struct conn *c);
void	conn_abort(struct conn *c);
void	conn_set_linger(struct conn *c, uint64_t ms);

/* conn_pcap - capture this connection to path: what conn_pcap_hold()
 *	held, else from now on (closing any earlier capture file); or
 *	stop capturing (path NULL); 0 or -errno (event 2031 logged) */
int	conn_pcap(struct conn *c, const char *path);
/* conn_pcap_hold - capture into memory (at most max octets) until
 *	conn_pcap() says where to, or that it is not wanted; 0 or -errno */
int	conn_pcap_hold(struct conn *c, size_t max);
/* conn_pcap_redact - blank secret (n octets) where the peer (from_peer
 *	1) or we sent it as a BER string value in the held capture
 *	(pcapw_redact()); how many found, -1 if nothing is held */
int	conn_pcap_redact(struct conn *c, int from_peer, const void *secret,
			 size_t n);
/* conn_pcap_held - 1 while the capture is held in memory */
int	conn_pcap_held(const struct conn *c);

/* "addr:port" ("[addr]:port" for IPv6) of each side, and the bare
 *	addresses; "" before an outbound connection is up */
const char *conn_peer(const struct conn *c);
const char *conn_local(const struct conn *c);
const char *conn_peer_addr(const struct conn *c);
const char *conn_local_addr(const struct conn *c);
unsigned conn_local_port(const struct conn *c);
/* conn_srcaddr_fallback - 1 if the configured source was not used */
int	conn_srcaddr_fallback(const struct conn *c);
/* conn_tls_failed - 1 once TLS failed on c (the handshake or a record),
 *	whatever the end of input said */
int	conn_tls_failed(const struct conn *c);
/* byte counters */
uint64_t conn_bytes_in(const struct conn *c);
uint64_t conn_bytes_out(const struct conn *c);

const char *conn_strerror(int err);

#endif
