/*
 * conn.c - TCP connections on libuv
 *
 * See conn.h. Life of a struct conn:
 *
 *	CONNECTING --connect ok--> OPEN --conn_close--> CLOSING --FIN--> CLOSED
 *	accepted: WAIT_START --conn_start--> OPEN
 *	any --conn_abort, failure, linger timeout--> CLOSED
 *
 * CLOSED means uv_close() was called on every handle; the struct is
 * freed in the last close callback, after the user's closed(). Three
 * handles live inside the struct: the socket, the user's timer (also
 * the linger timer once closing) and a zero-delay timer that defers
 * completions found synchronously, so that no callback ever runs inside
 * a conn_* call.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "conn_int.h"
#include "conn_tls.h"
#include "log.h"
#include "pcapw.h"
#include "xalloc.h"

static void tls_failed(struct conn *c);
static void on_defer(uv_timer_t *t);

/* ---- names and events -------------------------------------------------- */

const char *conn_strerror(int err)
{
	if (err == CONN_E_SRCADDR)
		return "source address not usable on this host";
	if (err == CONN_E_TLS)
		return "TLS handshake failed";
	if (err == CONN_E_TLS_PEER)
		return "the TLS peer is not the one expected";
	if (err == 0)
		return "success";
	return uv_strerror(err);
}

/* conni_sa_name - "addr" and "addr:port" ("[addr]:port" for IPv6) */
void conni_sa_name(const struct sockaddr *sa, char *addr, char *both,
		   unsigned *port)
{
	char a[INET6_ADDRSTRLEN] = "?";	/* so that "[a]:port" fits in
					 * CONN_ADDRSTRLEN at any -O */
	unsigned p = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		uv_ip4_name(s, a, sizeof(a));
		p = ntohs(s->sin_port);
		snprintf(both, CONN_ADDRSTRLEN, "%s:%u", a, p);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s =
		    (const struct sockaddr_in6 *)sa;

		uv_ip6_name(s, a, sizeof(a));
		p = ntohs(s->sin6_port);
		snprintf(both, CONN_ADDRSTRLEN, "[%s]:%u", a, p);
	} else {
		snprintf(both, CONN_ADDRSTRLEN, "?");
	}
	if (addr)
		snprintf(addr, CONN_ADDRSTRLEN, "%s", a);
	if (port)
		*port = p;
}

/* conni_parse_addr - a numeric IPv4 or IPv6 address and a port */
int conni_parse_addr(const char *s, unsigned port,
		     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (port > 65535)
		return UV_EINVAL;
	if (uv_ip4_addr(s, (int)port, (struct sockaddr_in *)ss) == 0)
		return 0;
	if (uv_ip6_addr(s, (int)port, (struct sockaddr_in6 *)ss) == 0)
		return 0;
	return UV_EINVAL;
}

/* conni_who - the log_who of a connection */
struct log_who conni_who(const struct conn *c)
{
	struct log_who w = { .peer = c->peer, .link = c->link,
			     .layer = "conn" };

	return w;
}

/* ---- life and death ---------------------------------------------------- */

/* conni_new - a conn with its timers; the socket is initialised later */
struct conn *conni_new(uv_loop_t *loop)
{
	struct conn *c = XNEW(struct conn);

	c->loop = loop;
	c->lowat = CONN_LOWAT;
	c->linger_ms = CONN_LINGER_MS;
	c->how = "closed";
	uv_timer_init(loop, &c->timer);
	uv_timer_init(loop, &c->defer);
	return c;
}

/* conn_free - the last close callback: tell the user, then free */
static void conn_free(struct conn *c)
{
	struct log_who w = conni_who(c);

	if (c->state == CS_CLOSED && c->local[0])
		log_ev(c->quiet ? LOG_DEBUG : LOG_INFO, EV_CONN_CLOSED, &w, "%s; local %s; %llu "
		       "octets in, %llu out", c->how, c->local,
		       (unsigned long long)c->bytes_in,
		       (unsigned long long)c->bytes_out);
	pcapw_close(c->pcap);
	c->pcap = NULL;
	ctls_free(c->tls);
	c->tls = NULL;
	if (c->cbs.closed)
		c->cbs.closed(c, c->arg);
	free(c->link);
	free(c->pcap_path);
	free(c);
}

void conni_hclose(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->nclose == 0)
		conn_free(c);
}

/* conni_close_handles - close everything; reset sends a RST (SO_LINGER 0) */
void conni_close_handles(struct conn *c, int reset)
{
	if (c->state == CS_CLOSED)
		return;
	c->state = CS_CLOSED;
	uv_timer_stop(&c->timer);
	uv_timer_stop(&c->defer);
	if (reset) {
		uv_os_fd_t fd;
		struct linger lg = { 1, 0 };

		if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
					 sizeof(lg));
	}
	c->nclose = 3;
	c->tcp.data = c->timer.data = c->defer.data = c;
	if (!c->reopening)
		uv_close((uv_handle_t *)&c->tcp, conni_hclose);
	uv_close((uv_handle_t *)&c->timer, conni_hclose);
	uv_close((uv_handle_t *)&c->defer, conni_hclose);
}

/* deliver_eof - tell the user once that input ended */
static void deliver_eof(struct conn *c, int status)
{
	if (c->eof_delivered || c->state != CS_OPEN)
		return;
	c->eof_delivered = 1;
	if (c->cbs.eof)
		c->cbs.eof(c, status, c->arg);
}

/* ---- reading ------------------------------------------------------------ */

/* One read buffer per thread (per loop), not per connection: read() gets
 * the bytes valid only during the call (conn.h), and TLS copies them into
 * its BIO, so no connection holds on to them past on_read(). With 64 KB
 * in each struct conn, 10,000 idle associations held 640 MB (issue 19). */
static _Thread_local unsigned char rbuf[65536];

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	*b = uv_buf_init((char *)rbuf, sizeof(rbuf));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct conn *c = container_of(s, struct conn, tcp);

	(void)b;
	if (nread == 0 || c->state == CS_CLOSED)
		return;
	if (nread > 0) {
		c->bytes_in += (uint64_t)nread;
		if (c->tls) {
			if (c->state == CS_OPEN)
				ctls_input(c->tls, rbuf, (size_t)nread);
			return;
		}
		conn_pcap_data(c, PCAPW_FROM_PEER, rbuf, (size_t)nread);
		if (c->state == CS_OPEN && c->cbs.read)
			c->cbs.read(c, rbuf, (size_t)nread, c->arg);
		return;
	}
	/* end of input */
	c->eof_seen = 1;
	c->reading = 0;
	uv_read_stop(s);
	if (nread == UV_EOF)
		conn_pcap_fin(c, PCAPW_FROM_PEER);
	else
		conn_pcap_rst(c, PCAPW_FROM_PEER);
	if (c->state == CS_CLOSING) {
		if (nread != UV_EOF) {
			c->how = "reset by the peer while closing";
			conni_close_handles(c, 0);
		} else if (c->shutdown_done) {
			c->how = "orderly close";
			conni_close_handles(c, 0);
		}
		return;
	}
	if (nread != UV_EOF)
		c->how = "peer reset the connection";
	else
		c->how = "peer closed";
	deliver_eof(c, (int)nread);
}

/* conni_read_start - read unless paused, at end of input or closed */
void conni_read_start(struct conn *c)
{
	if (c->reading || c->eof_seen || c->state == CS_CLOSED)
		return;
	if (c->paused && c->state != CS_CLOSING)
		return;
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
		c->reading = 1;
}

void conn_pause(struct conn *c)
{
	c->paused = 1;
	if (c->reading && c->state != CS_CLOSING) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
	}
}

void conn_resume(struct conn *c)
{
	c->paused = 0;
	if (c->state == CS_OPEN)
		conni_read_start(c);
	/* plaintext TLS may hold already: delivered from the loop */
	if (c->tls && c->state == CS_OPEN)
		uv_timer_start(&c->defer, on_defer, 0, 0);
}

/* ---- writing ------------------------------------------------------------ */

static void do_shutdown(struct conn *c);

static void on_write(uv_write_t *req, int status)
{
	struct wreq *w = container_of(req, struct wreq, req);
	struct conn *c = w->c;

	c->pending -= w->len;
	free(w->mem);
	free(w);
	if (c->state == CS_CLOSED)
		return;
	if (status < 0) {
		c->werr = 1;
		c->how = "write failed";
		if (c->state == CS_CLOSING)
			conni_close_handles(c, 1);
		else
			deliver_eof(c, status);
		return;
	}
	if (c->state == CS_CLOSING) {
		if (c->pending == 0 && !c->shutdown_sent)
			do_shutdown(c);
		return;
	}
	if (c->above_lowat && c->pending <= c->lowat) {
		c->above_lowat = 0;
		if (c->state == CS_OPEN && c->cbs.drained)
			c->cbs.drained(c, c->arg);
	}
}

/* sock_write - queue mem[off..off+n) to the socket and take mem */
static int sock_write(struct conn *c, unsigned char *mem, size_t off,
		      size_t n)
{
	struct wreq *w;
	uv_buf_t ub;
	int rc;

	w = XNEW(struct wreq);
	w->c = c;
	w->mem = mem;
	w->len = n;
	ub = uv_buf_init((char *)mem + off, (unsigned)n);
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &ub, 1,
			   on_write)) < 0) {
		free(mem);
		free(w);
		return rc;
	}
	if (c->tls == NULL)
		conn_pcap_data(c, PCAPW_FROM_LOCAL, mem + off, n);
	c->pending += n;
	c->bytes_out += n;
	if (c->pending > c->lowat)
		c->above_lowat = 1;
	return 0;
}

/* write_mem - the user's bytes: to the socket, or into TLS; takes mem */
static int write_mem(struct conn *c, unsigned char *mem, size_t off,
		     size_t n)
{
	int rc;

	if ((c->state != CS_OPEN && c->state != CS_WAIT_START) || c->werr) {
		free(mem);
		return UV_EPIPE;
	}
	if (c->tls == NULL)
		return sock_write(c, mem, off, n);
	conn_pcap_data(c, PCAPW_FROM_LOCAL, mem + off, n);	/* plaintext */
	rc = ctls_write(c->tls, mem + off, n);
	free(mem);
	return rc;
}

int conn_write(struct conn *c, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > UINT32_MAX)
		panic("conn_write: %zu octets in one write", n);
	return write_mem(c, xmemdup(p, n), 0, n);
}

int conn_write_buf(struct conn *c, struct buf *b)
{
	unsigned char *mem = b->data;
	size_t off = b->off, n = buf_avail(b);

	if (n == 0)
		return 0;
	if (n > UINT32_MAX)
		panic("conn_write_buf: %zu octets in one write", n);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
	return write_mem(c, mem, off, n);
}

size_t conn_pending(const struct conn *c)
{
	return c->pending;
}

void conn_set_lowat(struct conn *c, size_t lowat)
{
	c->lowat = lowat;
}

/* ---- timer -------------------------------------------------------------- */

static void on_timer(uv_timer_t *t)
{
	struct conn *c = container_of(t, struct conn, timer);

	if (c->state == CS_CLOSING) {
		struct log_who w = conni_who(c);

		log_ev(LOG_NOTICE, EV_CONN_CLOSED, &w, "peer did not close "
		       "within %llu ms of our FIN; resetting",
		       (unsigned long long)c->linger_ms);
		c->how = "reset after the linger time";
		conn_pcap_rst(c, PCAPW_FROM_LOCAL);
		conni_close_handles(c, 1);
		return;
	}
	if (c->cbs.timeout)
		c->cbs.timeout(c, c->arg);
}

void conn_timer(struct conn *c, uint64_t ms)
{
	if (c->state == CS_CLOSING || c->state == CS_CLOSED)
		return;
	if (ms == 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, on_timer, ms, 0);
}

void conn_set_linger(struct conn *c, uint64_t ms)
{
	c->linger_ms = ms ? ms : 1;
}

/* ---- closing ----------------------------------------------------------- */

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = container_of(req, struct conn, sreq);

	c->shutdown_done = 1;
	if (c->state == CS_CLOSED)
		return;
	if (status < 0) {
		c->how = "shutdown failed";
		conni_close_handles(c, 1);
	} else if (c->eof_seen) {
		c->how = "orderly close";
		conni_close_handles(c, 0);
	}
	/* else wait for the peer's FIN (on_read) or the linger timer */
}

static void do_shutdown(struct conn *c)
{
	c->shutdown_sent = 1;
	conn_pcap_fin(c, PCAPW_FROM_LOCAL);
	if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown) < 0) {
		c->how = "shutdown failed";
		conni_close_handles(c, 1);
	}
}

void conn_close(struct conn *c)
{
	if (c->state == CS_CLOSED || c->state == CS_CLOSING)
		return;
	if (c->state == CS_CONNECTING) {
		c->how = "closed while connecting";
		conni_close_handles(c, 0);
		return;
	}
	c->state = CS_CLOSING;
	c->how = "orderly close";
	if (c->tls && !c->werr)
		ctls_close_notify(c->tls);
	uv_timer_start(&c->timer, on_timer, c->linger_ms, 0);
	conni_read_start(c);			/* drain the peer until its FIN */
	if (c->pending == 0)
		do_shutdown(c);
}

void conn_abort(struct conn *c)
{
	if (c->state == CS_CLOSED)
		return;
	if (c->state != CS_CONNECTING) {
		c->how = "aborted (reset) by us";
		conn_pcap_rst(c, PCAPW_FROM_LOCAL);
	} else {
		c->how = "aborted while connecting";
	}
	conni_close_handles(c, 1);
}

/* ---- a connect that failed ---------------------------------------------- */

/* conni_fail_connect - tell the user, then close (from a callback only) */
void conni_fail_connect(struct conn *c, int status)
{
	c->how = "connect failed";
	if (c->cbs.connected)
		c->cbs.connected(c, status, c->arg);
	conni_close_handles(c, 0);
}

static void on_defer(uv_timer_t *t)
{
	struct conn *c = container_of(t, struct conn, defer);

	if (c->state == CS_CONNECTING)
		conni_fail_connect(c, c->deferred_status);
	else if (c->tls && c->tls_failed)
		tls_failed(c);
	else if (c->tls && c->state == CS_OPEN && !c->paused)
		ctls_input(c->tls, NULL, 0);
}

/* conni_defer_fail - a failure found inside conn_connect, reported later */
void conni_defer_fail(struct conn *c, int status)
{
	c->deferred_status = status;
	uv_timer_start(&c->defer, on_defer, 0, 0);
}

/* ---- TLS (conn_tls.h) ----------------------------------------------------- */

/* tls_failed - from the defer timer: an outbound connection that never
 *	came up fails like a connect; else the user sees the end of input */
static void tls_failed(struct conn *c)
{
	c->werr = 1;
	if (c->outbound && !ctls_up(c->tls) && c->state == CS_OPEN) {
		c->how = "TLS handshake failed";
		if (c->cbs.connected)
			c->cbs.connected(c, CONN_E_TLS, c->arg);
		conni_close_handles(c, 1);
		return;
	}
	c->how = ctls_up(c->tls) ? "TLS failed" : "TLS handshake failed";
	if (c->state == CS_OPEN)
		deliver_eof(c, CONN_E_TLS);
	else
		conni_close_handles(c, 1);
}

int conni_plain(struct conn *c, const uint8_t *p, size_t n)
{
	conn_pcap_data(c, PCAPW_FROM_PEER, p, n);
	if (c->state == CS_OPEN && c->cbs.read)
		c->cbs.read(c, p, n, c->arg);
	return c->state == CS_OPEN && !c->paused ? 0 : -1;
}

int conni_raw(struct conn *c, unsigned char *mem, size_t n)
{
	if (c->state == CS_CLOSED || c->werr) {
		free(mem);
		return UV_EPIPE;
	}
	return sock_write(c, mem, 0, n);
}

/* conni_tls_up - outbound: the server's identity, before any byte of
 *	the user's (the COTP CR) is sent; inbound: the listener's check,
 *	before any byte of the caller's is read */
void conni_tls_up(struct conn *c)
{
	if (!c->outbound) {
		if (c->tls_check && c->tls_check(c, c->tls_check_arg) != 0) {
			c->werr = 1;
			c->how = "TLS caller refused";
			conni_close_handles(c, 1);
		}
		return;
	}
	if (ctls_peer_refused(c->tls)) {
		c->werr = 1;
		c->how = "TLS peer refused";
		if (c->cbs.connected)
			c->cbs.connected(c, CONN_E_TLS_PEER, c->arg);
		conni_close_handles(c, 1);
		return;
	}
	if (c->cbs.connected)
		c->cbs.connected(c, 0, c->arg);
}

int conn_tls_failed(const struct conn *c)
{
	return c->tls_failed;
}

/* conni_tls_eof - the peer's close_notify: the end of its input, as a
 *	FIN is without TLS. stunnel, for one, sends it when its plain side
 *	closes and keeps TCP open until we close too */
void conni_tls_eof(struct conn *c)
{
	if (c->eof_seen || c->state == CS_CLOSED)
		return;
	c->eof_seen = 1;
	c->reading = 0;
	uv_read_stop((uv_stream_t *)&c->tcp);
	conn_pcap_fin(c, PCAPW_FROM_PEER);
	if (c->state == CS_CLOSING) {
		if (c->shutdown_done) {
			c->how = "orderly close";
			conni_close_handles(c, 0);
		}
		return;		/* else on_shutdown closes */
	}
	c->how = "peer closed (TLS close_notify)";
	deliver_eof(c, UV_EOF);
}

void conni_tls_failed(struct conn *c)
{
	c->tls_failed = 1;
	uv_timer_start(&c->defer, on_defer, 0, 0);
}


/* ---- accessors --------------------------------------------------------- */

const char *conn_peer(const struct conn *c)
{
	return c->peer;
}

const char *conn_local(const struct conn *c)
{
	return c->local;
}

const char *conn_peer_addr(const struct conn *c)
{
	return c->peer_addr;
}

const char *conn_local_addr(const struct conn *c)
{
	return c->local_addr;
}

unsigned conn_local_port(const struct conn *c)
{
	return c->local_port;
}

int conn_srcaddr_fallback(const struct conn *c)
{
	return c->fallback;
}

uint64_t conn_bytes_in(const struct conn *c)
{
	return c->bytes_in;
}

uint64_t conn_bytes_out(const struct conn *c)
{
	return c->bytes_out;
}
