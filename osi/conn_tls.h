/*
 * conn_tls.h - TLS under RFC 1006 (IEC 62351-4 style), private to
 *	osi/conn.c and osi/conn_tls.c
 *
 * DESCRIPTION
 *	TLS lies directly on TCP; TPKT/COTP run inside it. The socket
 *	stays libuv's: what libuv reads goes into the SSL's read memory
 *	BIO (ctls_input), what the SSL produces is taken from its write
 *	memory BIO and written to the socket (conni_raw). The user of
 *	conn.h sees plaintext only: read() gets decrypted bytes
 *	(conni_plain), conn_write() encrypts (ctls_write).
 *
 *	The handshake: a client starts it once TCP is up (ctls_start); a
 *	server answers the client's first flight. The peer's chain and
 *	times are checked there: an expired or not yet valid certificate
 *	fails the handshake (events 2041, 2042); so does a chain that
 *	does not verify when the context has a CA (2043, "strict"). Without
 *	a CA, a chain that does not verify is kept (pins and self-signed
 *	certificates), and the identity check is the user's
 *	(conn_tls_peer_cert(), mta/mtad_tls.c). Success: conni_tls_up()
 *	(event 2047 with the version and cipher); failure:
 *	conni_tls_failed() after the event.
 *
 *	Plaintext written before the handshake completed is held and
 *	sent after it. The peer's close_notify ends its input as a FIN
 *	does (conni_tls_eof). No session is resumed: every connection
 *	has a full handshake, and so every check above.
 *
 *	conn_tls.c also sees struct conn (conn_int.h): it implements the
 *	TLS accessors of conn.h and reads the connection's names.
 *
 * OWNERSHIP
 *	struct conn_tls belongs to its struct conn (ctls_free from
 *	conn_free). It holds a reference on the SSL_CTX, and its own
 *	copy of the peer's tlsid.
 */
#ifndef X400_CONN_TLS_H
#define X400_CONN_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "log.h"
#include "tlsid.h"

struct conn_tls;

/* ---- provided by conn_tls.c ---- */
/* ctls_new - TLS state for c with t; id (copied; NULL: anyone) is who
 *	the server must be, outbound */
struct conn_tls *ctls_new(struct conn *c, struct conn_tls_ctx *t,
			  const struct tlsid *id);
void	ctls_free(struct conn_tls *s);
/* ctls_start - client: send the ClientHello */
void	ctls_start(struct conn_tls *s);
/* ctls_input - ciphertext from the socket (n may be 0: go on
 *	delivering what was held while paused) */
void	ctls_input(struct conn_tls *s, const uint8_t *p, size_t n);
/* ctls_write - encrypt plaintext and send it; 0 or UV_EPIPE */
int	ctls_write(struct conn_tls *s, const void *p, size_t n);
/* ctls_close_notify - send the TLS close_notify alert */
void	ctls_close_notify(struct conn_tls *s);
int	ctls_up(const struct conn_tls *s);
/* ctls_peer_refused - outbound, once up: 1 (event logged) if the server
 *	is not the one ctls_new()'s id names */
int	ctls_peer_refused(const struct conn_tls *s);

/* ---- provided by conn.c ---- */
/* conni_plain - deliver decrypted bytes to the user; 0 if more may
 *	be delivered, -1 if the connection paused or closed meanwhile */
int	conni_plain(struct conn *c, const uint8_t *p, size_t n);
/* conni_raw - write ciphertext to the socket, taking mem; 0 or <0 */
int	conni_raw(struct conn *c, unsigned char *mem, size_t n);
/* conni_tls_up - the handshake completed */
void	conni_tls_up(struct conn *c);
/* conni_tls_eof - the peer sent close_notify: the end of its input */
void	conni_tls_eof(struct conn *c);
/* conni_tls_failed - the handshake or a record failed (event logged) */
void	conni_tls_failed(struct conn *c);

#endif
