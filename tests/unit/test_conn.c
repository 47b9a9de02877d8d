/*
 * test_conn.c - TCP connections on loopback: source-address binding
 *	(127.0.0.2, 127.0.0.3, an address not on this host with and
 *	without enforce, a source of the wrong family), listening on
 *	127.0.0.1 and ::1, backpressure, the timer, abort (the peer sees
 *	ECONNRESET), orderly close after 16 MB, the linger timeout, and
 *	pcap captures of CR/CC/DT exchanges that tshark must dissect as
 *	tpkt:cotp without a malformed frame or an expert warning
 *
 * Every test runs its own loop until every handle is closed and then
 * closes the loop, so that a handle left open fails the test (and LSan
 * sees any leak).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <uv.h>

#include "conn.h"
#include "cotp.h"
#include "log.h"

#define CAPDIR	"build/captures"

/* ---- events ------------------------------------------------------------ */

#define MAXEV	64
static struct { unsigned ev; char msg[512]; char peer[80]; } evs[MAXEV];
static int nev;

static void sink(const struct log_rec *r, void *arg)
{
	(void)arg;
	if (nev < MAXEV) {
		evs[nev].ev = r->event;
		snprintf(evs[nev].msg, sizeof(evs[nev].msg), "%s", r->msg);
		snprintf(evs[nev].peer, sizeof(evs[nev].peer), "%s",
			 r->who->peer ? r->who->peer : "");
		nev++;
	}
}

/* find_ev - the first event with this number, or NULL */
static const char *find_ev(unsigned ev)
{
	int i;

	for (i = 0; i < nev; i++)
		if (evs[i].ev == ev)
			return evs[i].msg;
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	log_quiet(1);
	log_set_sink(sink, NULL);
	nev = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_set_sink(NULL, NULL);
	return 0;
}

/* ---- one side of a test connection -------------------------------------- */

struct side {
	struct conn	*c;
	int		connected;	/* status + 1000, 0 = not yet */
	int		eof;		/* status, 0 = not yet */
	int		closed;
	int		timeouts;
	int		drained;
	int		reads;
	uint64_t	got;
	uint32_t	sum;		/* running check of the bytes */
	int		close_on_eof;	/* conn_close when input ends */
	int		pause_on_read;	/* pause after the first read */
	struct tp	*tp;		/* optional transport on top */
	int		tp_events[16];
	int		ntp;
	char		peer_addr[CONN_ADDRSTRLEN];
	char		local_addr[CONN_ADDRSTRLEN];
	uint8_t		*tx;		/* what to send, in slices */
	size_t		tx_len, tx_off;
	int		close_after_tx;
	int		echo;		/* echo TSDUs back (tp) */
};

static uv_loop_t loop;
static struct conn_listener *lst;
static struct side srv[4];
static int nsrv;

static void on_connected(struct conn *c, int status, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->connected = status + 1000;
	if (status == 0) {
		snprintf(s->local_addr, sizeof(s->local_addr), "%s",
			 conn_local_addr(c));
		snprintf(s->peer_addr, sizeof(s->peer_addr), "%s",
			 conn_peer_addr(c));
	}
}

/* feed_tp - bytes through the transport of a side */
static void feed_tp(struct side *s, const uint8_t *p, size_t n)
{
	struct buf out = BUF_INIT;
	size_t off = 0, used;

	while (off < n) {
		struct cotp_ind ind;
		int rc = tp_feed(s->tp, p + off, n - off, &used, &ind, &out);

		off += used;
		assert_true(rc >= 0);
		if (rc == 1 && s->ntp < 16)
			s->tp_events[s->ntp++] = ind.type;
		if (rc == 1 && ind.type == COTP_CONNECT_IND)
			assert_int_equal(cotp_connect_resp(&s->tp->cotp, &out),
					 0);
		if (rc == 1 && ind.type == COTP_DATA_IND && s->echo)
			/* echo every TSDU back */
			assert_int_equal(cotp_data_req(&s->tp->cotp, ind.data,
						       ind.len, &out), 0);
	}
	if (buf_avail(&out))
		assert_int_equal(conn_write_buf(s->c, &out), 0);
	buf_free(&out);
}

static void on_read(struct conn *c, const uint8_t *p, size_t n, void *arg)
{
	struct side *s = arg;
	size_t i;

	(void)c;
	s->reads++;
	for (i = 0; i < n; i++)
		s->sum = s->sum * 31 + p[i];
	s->got += n;
	if (s->tp)
		feed_tp(s, p, n);
	if (s->pause_on_read) {
		s->pause_on_read = 0;
		conn_pause(c);
	}
}

static void on_eof(struct conn *c, int status, void *arg)
{
	struct side *s = arg;

	s->eof = status;
	if (s->close_on_eof)
		conn_close(c);
}

/* send_more - write the next slices while below 1 MB pending */
static void send_more(struct side *s)
{
	while (s->tx_off < s->tx_len && conn_pending(s->c) <= (1u << 20)) {
		size_t k = s->tx_len - s->tx_off;

		if (k > 256 * 1024)
			k = 256 * 1024;
		assert_int_equal(conn_write(s->c, s->tx + s->tx_off, k), 0);
		s->tx_off += k;
	}
	if (s->tx_off == s->tx_len && s->close_after_tx) {
		s->close_after_tx = 0;
		conn_close(s->c);
	}
}

static void on_drained(struct conn *c, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->drained++;
	send_more(s);
}

static void on_timeout(struct conn *c, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->timeouts++;
}

static void on_closed(struct conn *c, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->closed++;
	s->c = NULL;
}

static const struct conn_cbs cbs = {
	.connected = on_connected, .read = on_read, .eof = on_eof,
	.drained = on_drained, .timeout = on_timeout, .closed = on_closed
};

static const char *srv_pcap;	/* capture accepted connections here */

static void on_accept(struct conn *c, void *arg)
{
	struct side *s = &srv[nsrv < 4 ? nsrv : 3];

	(void)arg;
	assert_true(nsrv < 4);
	nsrv++;
	s->c = c;
	snprintf(s->peer_addr, sizeof(s->peer_addr), "%s", conn_peer_addr(c));
	snprintf(s->local_addr, sizeof(s->local_addr), "%s",
		 conn_local_addr(c));
	s->close_on_eof = 1;
	if (srv_pcap)
		assert_int_equal(conn_pcap(c, srv_pcap), 0);
	conn_start(c, &cbs, s);
}

/* ---- loop helpers ------------------------------------------------------- */

static void loop_init(void)
{
	assert_int_equal(uv_loop_init(&loop), 0);
	memset(srv, 0, sizeof(srv));
	nsrv = 0;
	lst = NULL;
	srv_pcap = NULL;
}

/* listen_on - a listener on these addresses, ephemeral port */
static unsigned listen_on(const char *const *addrs, size_t n)
{
	assert_int_equal(conn_listen(&loop, addrs, n, 0, on_accept, NULL,
				     &lst), 0);
	return conn_listener_port(lst, 0);
}

/* run_until - run the loop until *flag is set (guarded by a timeout) */
static int guard_fired;

static void on_guard(uv_timer_t *t)
{
	(void)t;
	guard_fired = 1;
}

static void run_until_n(const int *v, int n, uint64_t ms)
{
	uv_timer_t guard;

	guard_fired = 0;
	uv_timer_init(&loop, &guard);
	uv_timer_start(&guard, on_guard, ms, 0);
	while (*v < n && !guard_fired)
		uv_run(&loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&guard, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_false(guard_fired);
}

/* run_until - run the loop until *flag is non-zero */
static void run_until(const int *flag, uint64_t ms)
{
	uv_timer_t guard;

	guard_fired = 0;
	uv_timer_init(&loop, &guard);
	uv_timer_start(&guard, on_guard, ms, 0);
	while (!*flag && !guard_fired)
		uv_run(&loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&guard, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_false(guard_fired);
}

/* run_while_short - run the loop until *got reaches n */
static void run_while_short(const uint64_t *got, uint64_t n, uint64_t ms)
{
	uv_timer_t guard;

	guard_fired = 0;
	uv_timer_init(&loop, &guard);
	uv_timer_start(&guard, on_guard, ms, 0);
	while (*got < n && !guard_fired)
		uv_run(&loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&guard, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_false(guard_fired);
}

/* kill_side - abort a side's connection if it still has one */
static void kill_side(struct side *s)
{
	if (s->c)
		conn_abort(s->c);
}

/* sleep_loop - run the loop for ms (for "nothing happens" checks) */
static void sleep_loop(uint64_t ms)
{
	uv_timer_t t;

	guard_fired = 0;
	uv_timer_init(&loop, &t);
	uv_timer_start(&t, on_guard, ms, 0);
	while (!guard_fired)
		uv_run(&loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
}

/* loop_done - close the listener, drain, and require a clean loop */
static void loop_done(void)
{
	if (lst)
		conn_listener_close(lst);
	lst = NULL;
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* dial - an outbound connection from src (may be NULL) */
static void dial(struct side *s, const char *dst, unsigned port,
		 const char *src, int enforce, const char *pcap)
{
	struct conn_opts o = { .src = src, .enforce = enforce,
			       .link = "test-link", .pcap = pcap };

	memset(s, 0, sizeof(*s));
	assert_int_equal(conn_connect(&loop, dst, port, &o, &cbs, s, &s->c),
			 0);
	assert_non_null(s->c);
	/* never re-entrant: nothing happened yet */
	assert_int_equal(s->connected, 0);
}

/* ---- source address ------------------------------------------------------ */

static void test_source_binding(void **state)
{
	const char *addrs[] = { "127.0.0.1" };
	const char *srcs[] = { "127.0.0.2", "127.0.0.3" };
	struct side cl;
	unsigned port;
	int k;

	(void)state;
	loop_init();
	port = listen_on(addrs, 1);
	assert_true(port > 0);
	assert_non_null(find_ev(EV_CONN_LISTEN));
	for (k = 0; k < 2; k++) {
		nev = 0;
		dial(&cl, "127.0.0.1", port, srcs[k], 1, NULL);
		run_until(&cl.connected, 5000);
		assert_int_equal(cl.connected, 1000);
		assert_string_equal(cl.local_addr, srcs[k]);
		assert_int_equal(conn_srcaddr_fallback(cl.c), 0);
		run_until_n(&nsrv, k + 1, 5000);
		/* the listener sees the configured source */
		assert_string_equal(srv[k].peer_addr, srcs[k]);
		assert_string_equal(srv[k].local_addr, "127.0.0.1");
		assert_non_null(find_ev(EV_CONN_CONNECTED));
		assert_non_null(strstr(find_ev(EV_CONN_CONNECTED), srcs[k]));
		assert_non_null(strstr(find_ev(EV_CONN_CONNECTED),
				       "configured source"));
		assert_non_null(find_ev(EV_CONN_ACCEPTED));
		conn_close(cl.c);
		run_until(&cl.closed, 5000);
		run_until(&srv[k].closed, 5000);
		assert_int_equal(srv[k].eof, UV_EOF);
	}
	loop_done();
}

static void test_source_unavailable(void **state)
{
	const char *addrs[] = { "127.0.0.1" };
	struct side cl;
	unsigned port;
	const char *m;

	(void)state;
	loop_init();
	port = listen_on(addrs, 1);
	/* enforce: a local configuration error, nothing sent */
	dial(&cl, "127.0.0.1", port, "192.0.2.1", 1, NULL);
	run_until(&cl.closed, 5000);
	assert_int_equal(cl.connected, 1000 + CONN_E_SRCADDR);
	assert_non_null(m = find_ev(EV_SRCADDR_UNAVAILABLE));
	assert_non_null(strstr(m, "192.0.2.1"));
	assert_non_null(strstr(m, "not the peer's fault"));
	assert_null(find_ev(EV_CONN_CONNECTED));
	assert_string_equal(conn_strerror(CONN_E_SRCADDR),
			    "source address not usable on this host");
	/* the wrong family counts as unusable too */
	nev = 0;
	dial(&cl, "127.0.0.1", port, "::1", 1, NULL);
	run_until(&cl.closed, 5000);
	assert_int_equal(cl.connected, 1000 + CONN_E_SRCADDR);
	assert_non_null(find_ev(EV_SRCADDR_UNAVAILABLE));
	sleep_loop(50);
	assert_int_equal(nsrv, 0);
	/* no enforce: fall back to the OS's choice, with a warning */
	nev = 0;
	dial(&cl, "127.0.0.1", port, "192.0.2.1", 0, NULL);
	run_until(&cl.connected, 5000);
	assert_int_equal(cl.connected, 1000);
	assert_int_equal(conn_srcaddr_fallback(cl.c), 1);
	assert_non_null(m = find_ev(EV_SRCADDR_FALLBACK));
	assert_non_null(strstr(m, "192.0.2.1"));
	assert_non_null(m = find_ev(EV_CONN_CONNECTED));
	assert_non_null(strstr(m, "unavailable"));
	run_until(&nsrv, 5000);
	assert_string_equal(srv[0].peer_addr, "127.0.0.1");
	conn_abort(cl.c);
	run_until(&cl.closed, 5000);
	run_until(&srv[0].closed, 5000);
	assert_int_equal(srv[0].eof, UV_ECONNRESET);
	/* an address that does not parse is refused at once */
	{
		struct conn_opts o = { .src = "not-an-address" };
		struct conn *c = NULL;

		assert_int_equal(conn_connect(&loop, "127.0.0.1", port, &o,
					      &cbs, &cl, &c), UV_EINVAL);
		assert_int_equal(conn_connect(&loop, "host.example", port,
					      NULL, &cbs, &cl, &c),
				 UV_EINVAL);
		assert_null(c);
	}
	loop_done();
}

/* can_v6 - is there a ::1 to bind to? */
static int can_v6(void)
{
	uv_loop_t l;
	uv_tcp_t t;
	struct sockaddr_in6 sa;
	int ok;

	uv_loop_init(&l);
	uv_tcp_init(&l, &t);
	uv_ip6_addr("::1", 0, &sa);
	ok = uv_tcp_bind(&t, (struct sockaddr *)&sa, 0) == 0;
	if (ok) {
		int len = sizeof(sa);

		ok = uv_tcp_getsockname(&t, (struct sockaddr *)&sa, &len)
		    == 0;
	}
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&l, UV_RUN_DEFAULT);
	uv_loop_close(&l);
	return ok;
}

static void test_listen_v4_v6(void **state)
{
	const char *addrs[] = { "127.0.0.1", "::1" };
	struct side a, b;
	unsigned p4, p6;

	(void)state;
	if (!can_v6()) {
		skip();
		return;
	}
	loop_init();
	listen_on(addrs, 2);
	p4 = conn_listener_port(lst, 0);
	p6 = conn_listener_port(lst, 1);
	assert_true(p4 > 0 && p6 > 0);
	dial(&a, "127.0.0.1", p4, "127.0.0.3", 1, NULL);
	dial(&b, "::1", p6, "::1", 1, NULL);
	run_until(&a.connected, 5000);
	run_until(&b.connected, 5000);
	assert_int_equal(a.connected, 1000);
	assert_int_equal(b.connected, 1000);
	assert_string_equal(b.local_addr, "::1");
	assert_non_null(strstr(conn_peer(b.c), "[::1]:"));
	run_until_n(&nsrv, 2, 5000);
	assert_true((!strcmp(srv[0].peer_addr, "127.0.0.3") &&
		     !strcmp(srv[1].peer_addr, "::1")) ||
		    (!strcmp(srv[1].peer_addr, "127.0.0.3") &&
		     !strcmp(srv[0].peer_addr, "::1")));
	conn_abort(a.c);
	conn_abort(b.c);
	run_until(&srv[0].closed, 5000);
	run_until(&srv[1].closed, 5000);
	loop_done();
}

static void test_listen_in_use(void **state)
{
	const char *addrs[] = { "127.0.0.1" };
	struct conn_listener *l2 = NULL;
	unsigned port;

	(void)state;
	loop_init();
	port = listen_on(addrs, 1);
	nev = 0;
	assert_int_equal(conn_listen(&loop, addrs, 1, port, on_accept, NULL,
				     &l2), UV_EADDRINUSE);
	assert_null(l2);
	assert_non_null(find_ev(EV_CONN_LISTEN_FAILED));
	loop_done();
}

/* ---- data, backpressure, timer, close ----------------------------------- */

/* pair - a connected client and its accepted server side */
static void pair(struct side *cl, const char *pcap)
{
	const char *addrs[] = { "127.0.0.1" };
	unsigned port = listen_on(addrs, 1);

	dial(cl, "127.0.0.1", port, "127.0.0.2", 1, pcap);
	run_until(&cl->connected, 5000);
	assert_int_equal(cl->connected, 1000);
	run_until(&nsrv, 5000);
}

static uint8_t *pattern(size_t n, uint32_t *sum)
{
	uint8_t *p = malloc(n);
	size_t i;

	assert_non_null(p);
	*sum = 0;
	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)(i * 7 + (i >> 13));
		*sum = *sum * 31 + p[i];
	}
	return p;
}

static void test_backpressure(void **state)
{
	struct side cl;
	size_t n = 32u << 20;
	uint32_t sum;
	int reads;

	(void)state;
	loop_init();
	pair(&cl, NULL);
	srv[0].pause_on_read = 1;
	cl.tx = pattern(n, &sum);
	cl.tx_len = n;
	conn_set_lowat(cl.c, 64 * 1024);
	send_more(&cl);
	run_until(&srv[0].reads, 5000);
	/* paused: no more reads, and the sender is held back */
	reads = srv[0].reads;
	sleep_loop(200);
	assert_int_equal(srv[0].reads, reads);
	assert_true(srv[0].got < n);
	assert_true(conn_pending(cl.c) > 0 || cl.tx_off < n);
	/* resume: everything arrives, in order */
	conn_resume(srv[0].c);
	run_while_short(&srv[0].got, n, 60000);
	assert_int_equal(srv[0].got, n);
	assert_int_equal(srv[0].sum, sum);
	assert_true(cl.drained > 0);
	assert_int_equal(conn_bytes_out(cl.c), n);
	assert_int_equal(conn_bytes_in(srv[0].c), n);
	conn_abort(cl.c);
	run_until(&srv[0].closed, 5000);
	free(cl.tx);
	loop_done();
}

static void test_timer(void **state)
{
	struct side cl;

	(void)state;
	loop_init();
	pair(&cl, NULL);
	/* fires */
	conn_timer(cl.c, 10);
	run_until(&cl.timeouts, 5000);
	assert_int_equal(cl.timeouts, 1);
	/* re-armed: the later arming wins, once */
	conn_timer(cl.c, 60000);
	conn_timer(cl.c, 20);
	while (cl.timeouts < 2)
		run_until(&cl.timeouts, 5000);
	sleep_loop(50);
	assert_int_equal(cl.timeouts, 2);
	/* stopped */
	conn_timer(cl.c, 10);
	conn_timer(cl.c, 0);
	sleep_loop(60);
	assert_int_equal(cl.timeouts, 2);
	/* armed while connecting, it still fires once connected */
	{
		struct side c2;

		dial(&c2, "127.0.0.1", conn_listener_port(lst, 0), NULL, 0,
		     NULL);
		conn_timer(c2.c, 30);
		run_until(&c2.timeouts, 5000);
		assert_int_equal(c2.connected, 1000);
		run_until_n(&nsrv, 2, 5000);
		kill_side(&c2);
		run_until(&c2.closed, 5000);
		run_until(&srv[1].closed, 5000);
	}
	/* the server side's timer is its own */
	conn_timer(srv[0].c, 5);
	run_until(&srv[0].timeouts, 5000);
	assert_int_equal(cl.timeouts, 2);
	kill_side(&cl);
	kill_side(&srv[0]);
	loop_done();
}

static void test_abort_resets_peer(void **state)
{
	struct side cl;

	(void)state;
	loop_init();
	pair(&cl, NULL);
	assert_int_equal(conn_write(cl.c, "hello", 5), 0);
	run_until(&srv[0].reads, 5000);
	conn_abort(cl.c);
	assert_int_equal(cl.closed, 0);		/* not re-entrant */
	assert_int_equal(conn_write(cl.c, "x", 1), UV_EPIPE);
	run_until(&srv[0].eof, 5000);
	assert_int_equal(srv[0].eof, UV_ECONNRESET);
	run_until(&cl.closed, 5000);
	run_until(&srv[0].closed, 5000);
	loop_done();
}

static void test_orderly_close_16mb(void **state)
{
	struct side cl;
	size_t n = 16u << 20;
	uint32_t sum;
	const char *m;
	int i, found = 0;

	(void)state;
	loop_init();
	pair(&cl, NULL);
	srv[0].close_on_eof = 1;
	cl.tx = pattern(n, &sum);
	cl.tx_len = n;
	cl.close_after_tx = 1;
	send_more(&cl);
	run_until(&srv[0].eof, 20000);
	/* every byte before the EOF */
	assert_int_equal(srv[0].eof, UV_EOF);
	assert_int_equal(srv[0].got, n);
	assert_int_equal(srv[0].sum, sum);
	run_until(&cl.closed, 5000);
	run_until(&srv[0].closed, 5000);
	assert_int_equal(cl.eof, 0);	/* closing: no eof callback */
	for (i = 0; i < nev; i++)
		if (evs[i].ev == EV_CONN_CLOSED &&
		    strstr(evs[i].msg, "orderly close") &&
		    strstr(evs[i].msg, "16777216 out"))
			found = 1;
	assert_true(found);
	assert_non_null(m = find_ev(EV_CONN_CLOSED));
	(void)m;
	free(cl.tx);
	loop_done();
}

/* a peer that never closes: reset after the linger time */
static void test_linger_timeout(void **state)
{
	struct side cl;

	(void)state;
	loop_init();
	pair(&cl, NULL);
	srv[0].close_on_eof = 0;
	conn_set_linger(cl.c, 50);
	conn_close(cl.c);
	assert_int_equal(conn_write(cl.c, "x", 1), UV_EPIPE);
	run_until(&srv[0].eof, 5000);
	assert_int_equal(srv[0].eof, UV_EOF);
	run_until(&cl.closed, 5000);
	assert_non_null(strstr(find_ev(EV_CONN_CLOSED) ?
			       find_ev(EV_CONN_CLOSED) : "", "resetting"));
	conn_close(srv[0].c);
	run_until(&srv[0].closed, 5000);
	loop_done();
}

/* closing while connecting: only closed() is called */
static void test_close_while_connecting(void **state)
{
	const char *addrs[] = { "127.0.0.1" };
	struct side cl;
	unsigned port;

	(void)state;
	loop_init();
	port = listen_on(addrs, 1);
	dial(&cl, "127.0.0.1", port, NULL, 0, NULL);
	conn_close(cl.c);
	run_until(&cl.closed, 5000);
	assert_int_equal(cl.connected, 0);
	/* an enforce failure closed before its deferred report */
	dial(&cl, "127.0.0.1", port, "192.0.2.1", 1, NULL);
	conn_abort(cl.c);
	run_until(&cl.closed, 5000);
	assert_int_equal(cl.connected, 0);
	sleep_loop(50);
	if (nsrv > 0)
		run_until(&srv[0].closed, 5000);
	loop_done();
}

/* ---- pcap: CR/CC/DT over a real connection, read back by tshark ---------- */

/* tshark_check - every frame that carries TCP data dissects as TPKT
 *	version 3 with COTP inside, or is a TCP segment that tshark
 *	reassembles into a later frame (frame.protocols omits "tpkt" where
 *	TPKT was found heuristically, so the fields are asked); at least
 *	exactly the TPDUs we sent are seen; nothing is malformed or warned about */
static void tshark_check(const char *path, unsigned port, int want)
{
	char cmd[1024], line[1024];
	FILE *fp;
	int cotp = 0, bad = 0, frames = 0;

	snprintf(cmd, sizeof(cmd), "tshark -2 -r %s -d tcp.port==%u,tpkt "
		 "-T fields -E separator=# -e tcp.len -e tpkt.version "
		 "-e cotp.type -e tcp.reassembled_in 2>/dev/null", path,
		 port);
	assert_non_null(fp = popen(cmd, "r"));
	while (fgets(line, sizeof(line), fp)) {
		char *f[4], *p = line;
		int k;

		frames++;
		line[strcspn(line, "\n")] = '\0';
		for (k = 0; k < 4; k++) {
			f[k] = p;
			p = strchr(p, '#');
			if (k < 3) {
				assert_non_null(p);
				*p++ = '\0';
			}
		}
		if (atoi(f[0]) == 0)
			continue;
		if (f[1][0] == '\0' && f[2][0] == '\0' && f[3][0] != '\0')
			continue;	/* part of a TPKT shown later */
		if (strncmp(f[1], "3", 1) != 0 || f[2][0] == '\0') {
			print_message("frame %d: tcp.len %s, tpkt.version "
				      "'%s', cotp.type '%s'\n", frames, f[0],
				      f[1], f[2]);
			bad++;
		}
		for (cotp++, p = f[2]; (p = strchr(p, ',')) != NULL; p++)
			cotp++;
	}
	assert_int_equal(pclose(fp), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(cotp, want);
	/* no malformed frame and no expert warning or error */
	snprintf(cmd, sizeof(cmd), "tshark -2 -r %s -d tcp.port==%u,tpkt "
		 "-Y '_ws.malformed || _ws.expert.severity >= 6291456' "
		 "-T fields -e frame.number -e _ws.expert.message "
		 "2>/dev/null", path, port);
	assert_non_null(fp = popen(cmd, "r"));
	while (fgets(line, sizeof(line), fp)) {
		print_message("tshark complains: %s", line);
		bad++;
	}
	assert_int_equal(pclose(fp), 0);
	assert_int_equal(bad, 0);
	assert_true(frames > 3);
}

static int have_tshark(void)
{
	return system("tshark -v >/dev/null 2>&1") == 0;
}

/* one TSDU each way through tp on both sides, captured on both sides */
static void pcap_exchange(const char *dst, const char *src,
			  const char *cl_path, const char *srv_path,
			  size_t tsdu_len)
{
	const char *addrs[] = { dst };
	struct side cl;
	struct tp tcl, tsrv;
	struct buf out = BUF_INIT;
	struct cotp_addr called = { "x400", 4 };
	uint8_t *d;
	unsigned port;
	size_t k;

	loop_init();
	port = listen_on(addrs, 1);
	srv_pcap = srv_path;
	tp_init(&tcl, COTP_INITIATOR, 0);
	tp_init(&tsrv, COTP_RESPONDER, 0);
	dial(&cl, dst, port, src, 1, cl_path);
	cl.tp = &tcl;
	run_until(&cl.connected, 5000);
	assert_int_equal(cl.connected, 1000);
	run_until(&nsrv, 5000);
	srv[0].tp = &tsrv;
	srv[0].echo = 1;
	cotp_set_who(&tsrv.cotp, conn_peer(srv[0].c), NULL);
	assert_int_equal(cotp_connect_req(&tcl.cotp, NULL, &called, &out), 0);
	assert_int_equal(conn_write_buf(cl.c, &out), 0);
	run_until(&cl.ntp, 5000);
	assert_int_equal(cl.tp_events[0], COTP_CONNECT_CONF);
	d = malloc(tsdu_len);
	assert_non_null(d);
	for (k = 0; k < tsdu_len; k++)
		d[k] = (uint8_t)('A' + k % 26);
	assert_int_equal(cotp_data_req(&tcl.cotp, d, tsdu_len, &out), 0);
	assert_int_equal(conn_write_buf(cl.c, &out), 0);
	run_until_n(&cl.ntp, 2, 20000);
	assert_int_equal(cl.tp_events[1], COTP_DATA_IND);
	assert_int_equal(srv[0].tp_events[0], COTP_CONNECT_IND);
	assert_int_equal(srv[0].tp_events[1], COTP_DATA_IND);
	assert_int_equal(cotp_disconnect(&tcl.cotp, &out), 0);
	assert_int_equal(conn_write_buf(cl.c, &out), 0);
	conn_close(cl.c);
	run_until(&cl.closed, 5000);
	run_until(&srv[0].closed, 5000);
	assert_int_equal(srv[0].tp_events[2], COTP_DISCONNECT_IND);
	tp_free(&tcl);
	tp_free(&tsrv);
	buf_free(&out);
	free(d);
	loop_done();
	assert_non_null(find_ev(EV_PCAP_START));
	if (have_tshark()) {
		/* CR, CC, DR and the DTs of the TSDU and its echo */
		int want = 3 + 2 * (int)((tsdu_len + 2044) / 2045);

		tshark_check(cl_path, port, want);
		tshark_check(srv_path, port, want);
	}
}

static void test_pcap_tshark(void **state)
{
	(void)state;
	mkdir("build", 0777);
	mkdir(CAPDIR, 0777);
	if (!have_tshark())
		print_message("tshark not found: captures not checked\n");
	/* small, and 1 MB: segments of 65495 octets split TPKTs */
	pcap_exchange("127.0.0.1", "127.0.0.2", CAPDIR "/conn-v4-client.pcap",
		      CAPDIR "/conn-v4-server.pcap", 100);
	nev = 0;
	pcap_exchange("127.0.0.1", NULL, CAPDIR "/conn-v4-1mb-client.pcap",
		      CAPDIR "/conn-v4-1mb-server.pcap", 1u << 20);
	if (can_v6()) {
		nev = 0;
		pcap_exchange("::1", "::1", CAPDIR "/conn-v6-client.pcap",
			      CAPDIR "/conn-v6-server.pcap", 5000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_source_binding, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_source_unavailable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_listen_v4_v6, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_listen_in_use, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backpressure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_resets_peer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_orderly_close_16mb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linger_timeout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_close_while_connecting,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcap_tshark, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
