/*
 * mtad_metrics.c - the counters over HTTP, in Prometheus' text format
 *
 * See mtad.h. global.metrics_listen = "127.0.0.1:9400" opens a TCP
 * listener on x400d's loop that answers `GET /metrics` (HTTP/1.0 or
 * 1.1, one request per connection, then close) with the counters of the
 * MTA MIB (RFC 2789) that x400d keeps, per-link state, and the queue by
 * link and state. Off by default; meant for a local address, since it
 * says who the peers are. The request is read up to 4 KB and 5 seconds;
 * anything else gets 400, 404 or 405 and the connection closes. No
 * threads, no blocking: the queue is read in one short snapshot.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "mtad.h"
#include "xalloc.h"

#define REQ_MAX		4096
#define REQ_MS		5000
#define CLIENTS_MAX	16

struct mtad_metrics {
	struct mtad	*m;
	uv_tcp_t	srv;
	unsigned	nclients;
	int		stopping;
};

struct mclient {
	struct mtad_metrics *mx;
	uv_tcp_t	tcp;
	uv_timer_t	timer;
	uv_write_t	wr;
	char		req[REQ_MAX];
	size_t		len;
	struct buf	out;
	int		closing, closed, answered;
};

static void client_freed(uv_handle_t *h)
{
	struct mclient *c = h->data;

	if (++c->closed < 2)
		return;		/* the other handle is still closing */
	buf_free(&c->out);
	c->mx->nclients--;
	if (c->mx->stopping && c->mx->nclients == 0 &&
	    c->mx->srv.data == NULL)
		free(c->mx);
	free(c);
}

static void client_close(struct mclient *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->tcp, client_freed);
	uv_close((uv_handle_t *)&c->timer, client_freed);
}

static void on_timeout(uv_timer_t *t)
{
	client_close(t->data);
}

/* label - a label value, escaped as the text format wants */
static const char *label(const char *s, char *out, size_t len)
{
	size_t k = 0;

	for (; s && *s && k + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			out[k++] = '\\';
			out[k++] = *s;
		} else if (*s == '\n') {
			out[k++] = '\\';
			out[k++] = 'n';
		} else {
			out[k++] = *s;
		}
	}
	out[k] = 0;
	return out;
}

static void head(struct buf *b, const char *name, const char *type,
		 const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* totals - the MTA-wide counters (RFC 2789 mtaTable) */
static void totals(struct mtad *m, struct buf *b)
{
	const struct {
		const char	*name, *help;
		uint64_t	v;
	} c[] = {
		{ "x400_messages_received_total", "messages, probes and "
		  "reports accepted and stored (mtaReceivedMessages)",
		  m->arrived },
		{ "x400_octets_received_total", "octets of the MTS-APDUs "
		  "accepted and stored, as received (mtaReceivedVolume)",
		  m->arrived_octets },
		{ "x400_messages_transferred_total", "transfers confirmed by "
		  "the next MTA (mtaTransmittedMessages)", m->relayed },
		{ "x400_octets_transferred_total", "octets of the transfers "
		  "confirmed by the next MTA (mtaTransmittedVolume)",
		  m->relayed_octets },
		{ "x400_messages_delivered_total", "recipients delivered "
		  "locally", m->delivered },
		{ "x400_octets_delivered_total", "octets of the MTS-APDUs "
		  "delivered locally, once per recipient", m->delivered_octets },
		{ "x400_reports_generated_total", "delivery and non-delivery "
		  "reports made here", m->reported },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		head(b, c[i].name, "counter", c[i].help);
		buf_printf(b, "%s %llu\n", c[i].name,
			   (unsigned long long)c[i].v);
	}
	head(b, "x400_associations_opened_total", "counter",
	     "associations opened since the start (mtaInboundAssociations)");
	buf_printf(b, "x400_associations_opened_total{direction=\"in\"} "
		   "%llu\n", (unsigned long long)m->assoc_in_total);
	buf_printf(b, "x400_associations_opened_total{direction=\"out\"} "
		   "%llu\n", (unsigned long long)m->assoc_out_total);
	head(b, "x400_start_time_seconds", "gauge", "when x400d started "
	     "(Unix time)");
	buf_printf(b, "x400_start_time_seconds %lld\n",
		   (long long)(m->started_at / 1000));
}

/* process - the process's descriptors (open, and the soft limit) and
 *	resident memory, under the names of Prometheus' own process
 *	collector, so that the usual dashboards and alerts find them: with
 *	thousands of associations, each a socket, the headroom below
 *	process_max_fds is what runs out first (mtad_fdlim.c) */
static void process(struct buf *b)
{
	struct rlimit rl;
	struct dirent *e;
	unsigned long pages, rss;
	DIR *d;
	FILE *f;
	long n = -1;	/* the listing's own descriptor is not counted */

	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((e = readdir(d)) != NULL)
			n += e->d_name[0] != '.';
		closedir(d);
		head(b, "process_open_fds", "gauge", "open file descriptors "
		     "(sockets, the store, the log)");
		buf_printf(b, "process_open_fds %ld\n", n);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		head(b, "process_max_fds", "gauge", "the descriptor limit (soft; "
		     "x400d raises it for max_associations_in, event 1008)");
		buf_printf(b, "process_max_fds %llu\n",
			   (unsigned long long)rl.rlim_cur);
	}
	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%lu %lu", &pages, &rss) == 2) {
			head(b, "process_resident_memory_bytes", "gauge",
			     "resident memory, the store's mapped pages "
			     "included");
			buf_printf(b, "process_resident_memory_bytes %llu\n",
				   (unsigned long long)rss *
				   (unsigned long long)sysconf(_SC_PAGESIZE));
		}
		fclose(f);
	}
}

/* refusals - what was refused, by reason (mtaRejectedMessages), in
 *	three families: associations (their bind), whole transfers, and
 *	recipients answered at once with a non-delivery report */
static void refusals(struct mtad *m, struct buf *b)
{
	static const struct {
		enum mtad_refusal r;
		const char	*metric, *reason;
	} t[] = {
		{ MTAD_REF_UNKNOWN_MTA, "associations", "unknown-mta" },
		{ MTAD_REF_BAD_SELECTOR, "associations", "bad-selector" },
		{ MTAD_REF_BAD_ADDRESS, "associations", "bad-address" },
		{ MTAD_REF_BAD_PASSWORD, "associations", "bad-password" },
		{ MTAD_REF_BUSY, "associations", "busy" },
		{ MTAD_REF_RATE_LIMITED, "associations", "rate-limited" },
		{ MTAD_REF_TOO_MANY, "associations", "too-many-associations" },
		{ MTAD_REF_PREBIND_SOURCE, "associations", "prebind-per-source" },
		{ MTAD_REF_PREBIND_FULL, "associations", "prebind-full" },
		{ MTAD_REF_BIND_TIMEOUT, "associations", "bind-timeout" },
		{ MTAD_REF_TLS_FAILED, "associations", "tls-handshake" },
		{ MTAD_REF_UNDECODABLE, "transfers", "undecodable" },
		{ MTAD_REF_NO_RECIPIENTS, "transfers", "no-recipients" },
		{ MTAD_REF_STORE, "transfers", "store-error" },
		{ MTAD_REF_LOOP, "recipients", "loop" },
		{ MTAD_REF_CRITICAL, "recipients", "critical-extension" },
		{ MTAD_REF_NO_ROUTE, "recipients", "no-route" },
		{ MTAD_REF_TOO_LONG, "recipients", "too-long" },
	};
	static const char *const help[] = {
		"associations", "associations refused, by the reason for the "
		"refusal of their bind or connection",
		"transfers", "inbound transfers refused, by reason",
		"recipients", "recipients of arrivals refused at once with a "
		"non-delivery report, by reason",
	};
	size_t i, k;

	for (k = 0; k < sizeof(help) / sizeof(help[0]); k += 2) {
		char name[64];

		snprintf(name, sizeof(name), "x400_%s_refused_total", help[k]);
		head(b, name, "counter", help[k + 1]);
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (strcmp(t[i].metric, help[k]) == 0)
				buf_printf(b, "%s{reason=\"%s\"} %llu\n", name,
					   t[i].reason, (unsigned long long)
					   m->refusals[t[i].r]);
	}
}

/* links - each link's associations, failures and failure state */
static void links(struct mtad *m, struct buf *b)
{
	char n[256];
	size_t i;

	head(b, "x400_link_associations", "gauge", "associations open now");
	for (i = 0; i < m->nlinks; i++) {
		label(m->links[i].cfg->name, n, sizeof(n));
		buf_printf(b, "x400_link_associations{link=\"%s\",direction=\"in\"} "
		   "%u\n", n, m->links[i].nin);
		buf_printf(b, "x400_link_associations{link=\"%s\",direction=\"out\"} "
		   "%u\n", n, m->links[i].nout);
	}
	head(b, "x400_link_associations_opened_total", "counter",
	     "associations of the link opened since the start (inbound: "
	     "once the caller is identified as its peer)");
	for (i = 0; i < m->nlinks; i++) {
		label(m->links[i].cfg->name, n, sizeof(n));
		buf_printf(b, "x400_link_associations_opened_total{link=\"%s\","
		   "direction=\"in\"} %llu\n", n,
		   (unsigned long long)m->links[i].assoc_in_total);
		buf_printf(b, "x400_link_associations_opened_total{link=\"%s\","
		   "direction=\"out\"} %llu\n", n,
		   (unsigned long long)m->links[i].assoc_out_total);
	}
	head(b, "x400_link_failures_total", "counter", "outbound failures "
	     "on the link since the start (each logged; x400q links shows "
	     "the last)");
	for (i = 0; i < m->nlinks; i++)
		buf_printf(b, "x400_link_failures_total{link=\"%s\"} %llu\n",
		   label(m->links[i].cfg->name, n, sizeof(n)),
		   (unsigned long long)m->links[i].failures);
	head(b, "x400_link_failing", "gauge", "1 while outbound attempts on "
	     "the link fail");
	for (i = 0; i < m->nlinks; i++)
		buf_printf(b, "x400_link_failing{link=\"%s\"} %d\n", label(
		   m->links[i].cfg->name, n, sizeof(n)),
		   m->links[i].failing ? 1 : 0);
	head(b, "x400_link_last_error_event", "gauge", "the event number of "
	     "the link's last failure (0: none since the start)");
	for (i = 0; i < m->nlinks; i++)
		buf_printf(b, "x400_link_last_error_event{link=\"%s\"} %u\n", label(
		   m->links[i].cfg->name, n, sizeof(n)),
		   m->links[i].last_err_ev);
}

/* stored - the messages the queue holds now (mtaStoredMessages) */
static void stored(struct q_rd *rd, struct buf *b)
{
	struct q_totals t;

	if (q_totals(rd, &t) != 0)
		return;
	head(b, "x400_stored_messages", "gauge", "messages in the queue "
	     "(mtaStoredMessages)");
	buf_printf(b, "x400_stored_messages %llu\n", (unsigned long long)t.msgs);
	head(b, "x400_stored_octets", "gauge", "octets of the messages in "
	     "the queue (mtaStoredVolume)");
	buf_printf(b, "x400_stored_octets %llu\n",
		   (unsigned long long)t.apdu_bytes);
}

/* oldest - the age of the oldest message waiting on each link */
static void oldest(struct mtad *m, struct q_rd *rd, struct buf *b)
{
	int64_t now = time(NULL);
	char n[256];

	head(b, "x400_link_oldest_seconds", "gauge", "age of the oldest "
	     "message waiting on the link, in seconds (0: none)");
	for (size_t i = 0; i < m->nlinks; i++) {
		const char *name = m->links[i].cfg->name;
		struct q_msg qm;
		uint64_t id;
		int exact;
		int64_t age = 0;

		if (mtad_oldest(rd, name, MTAD_OLDEST_SCAN, &id, &exact) == 0 &&
		    q_msg_get(rd, id, &qm) == 0 && now > qm.arrival)
			age = now - qm.arrival;
		buf_printf(b, "x400_link_oldest_seconds{link=\"%s\"} %lld\n",
			   label(name, n, sizeof(n)), (long long)age);
	}
}

/* queue - recipients, messages and octets by link and state */
static void queue(struct mtad *m, struct buf *b)
{
	static const char *const st[] = { "pending", "transfer",
		"delivered", "failed", "report", "done" };
	struct q_rd *rd;
	struct q_iter it;
	struct q_count k;
	struct buf r = BUF_INIT, o = BUF_INIT;
	char n[256];

	if (q_rd_begin(m->q, &rd) != 0)
		return;
	memset(&it, 0, sizeof(it));
	if (q_iter_counts(rd, &it) == 0)
		while (q_next_count(&it, &k) == 1) {
			const char *s = (unsigned)k.state <
			    sizeof(st) / sizeof(st[0]) ? st[k.state] : "other";

			label(k.link, n, sizeof(n));
			buf_printf(&r, "x400_queue_recipients{link=\"%s\",state=\"%s\"}"
			   " %llu\n", n, s, (unsigned long long)k.rcpts);
			buf_printf(&o, "x400_queue_octets{link=\"%s\",state=\"%s\"} "
			   "%llu\n", n, s, (unsigned long long)k.bytes);
		}
	q_iter_end(&it);
	stored(rd, b);
	oldest(m, rd, b);
	q_rd_end(rd);
	head(b, "x400_queue_recipients", "gauge", "recipients queued, by "
	     "link and state");
	if (buf_avail(&r))
		buf_add(b, buf_ptr(&r), buf_avail(&r));
	head(b, "x400_queue_octets", "gauge", "octets of the messages "
	     "queued, by link and state");
	if (buf_avail(&o))
		buf_add(b, buf_ptr(&o), buf_avail(&o));
	buf_free(&r);
	buf_free(&o);
}

static void written(uv_write_t *w, int status)
{
	(void)status;
	client_close(w->data);
}

/* answer - status line, headers, body; then close */
static void answer(struct mclient *c, const char *status, struct buf *body)
{
	uv_buf_t ub;

	c->answered = 1;
	buf_printf(&c->out, "HTTP/1.0 %s\r\nContent-Type: text/plain; "
	   "version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\n"
	   "Connection: close\r\n\r\n", status, body ? buf_avail(body) : 0);
	if (body && buf_avail(body))
		buf_add(&c->out, buf_ptr(body), buf_avail(body));
	ub = uv_buf_init((char *)buf_ptr(&c->out),
			 (unsigned)buf_avail(&c->out));
	c->wr.data = c;
	if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &ub, 1, written) != 0)
		client_close(c);
}

/* request - a whole head has arrived: answer it */
static void request(struct mclient *c)
{
	struct buf body = BUF_INIT;

	if (strncmp(c->req, "GET ", 4) != 0) {
		answer(c, strncmp(c->req, "HEAD ", 5) == 0 ||
		       strncmp(c->req, "POST ", 5) == 0 ?
		       "405 Method Not Allowed" : "400 Bad Request", NULL);
		return;
	}
	if (strncmp(c->req + 4, "/metrics ", 9) != 0 &&
	    strncmp(c->req + 4, "/metrics?", 9) != 0) {
		answer(c, "404 Not Found", NULL);
		return;
	}
	totals(c->mx->m, &body);
	process(&body);
	refusals(c->mx->m, &body);
	links(c->mx->m, &body);
	queue(c->mx->m, &body);
	answer(c, "200 OK", &body);
	buf_free(&body);
}

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct mclient *c = h->data;

	(void)hint;
	*b = uv_buf_init(c->req + c->len, (unsigned)(REQ_MAX - 1 - c->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct mclient *c = s->data;

	(void)b;
	if (n < 0 || c->answered) {
		if (!c->answered)
			client_close(c);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = 0;
	if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n")) {
		uv_read_stop(s);
		request(c);
	} else if (c->len >= REQ_MAX - 1) {
		uv_read_stop(s);
		answer(c, "431 Request Header Fields Too Large", NULL);
	}
}

static void on_connection(uv_stream_t *srv, int status)
{
	struct mtad_metrics *mx = srv->data;
	struct mclient *c;

	if (status < 0)
		return;
	c = XNEW(struct mclient);
	c->mx = mx;
	uv_tcp_init(mx->m->loop, &c->tcp);
	uv_timer_init(mx->m->loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	mx->nclients++;
	if (uv_accept(srv, (uv_stream_t *)&c->tcp) != 0 ||
	    mx->nclients > CLIENTS_MAX) {
		client_close(c);
		return;
	}
	uv_timer_start(&c->timer, on_timeout, REQ_MS, 0);
	if (uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, on_read) != 0)
		client_close(c);
}

static void srv_closed(uv_handle_t *h)
{
	struct mtad_metrics *mx = h->data;

	mx->srv.data = NULL;
	if (mx->nclients == 0)
		free(mx);
}

void mtad_metrics_start(struct mtad *m)
{
	const struct cfg *cfg = m->cfg;
	struct mtad_metrics *mx;
	struct sockaddr_storage ss;
	int rc;

	if (cfg->metrics_addr == NULL)
		return;
	if (strchr(cfg->metrics_addr, ':'))
		rc = uv_ip6_addr(cfg->metrics_addr, (int)cfg->metrics_port,
				 (struct sockaddr_in6 *)&ss);
	else
		rc = uv_ip4_addr(cfg->metrics_addr, (int)cfg->metrics_port,
				 (struct sockaddr_in *)&ss);
	mx = XNEW(struct mtad_metrics);
	mx->m = m;
	uv_tcp_init(m->loop, &mx->srv);
	mx->srv.data = mx;
	if (rc == 0)
		rc = uv_tcp_bind(&mx->srv, (struct sockaddr *)&ss, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&mx->srv, 16, on_connection);
	if (rc != 0) {
		mtad_log(m, LOG_ERR, EV_METRICS_ERROR, NULL, NULL, "metrics",
			 "no metrics: cannot listen on %s port %u: %s",
			 cfg->metrics_addr, cfg->metrics_port, uv_strerror(rc));
		mx->stopping = 1;
		uv_close((uv_handle_t *)&mx->srv, srv_closed);
		return;
	}
	m->metrics = mx;
	mtad_log(m, LOG_NOTICE, EV_METRICS_LISTEN, NULL, NULL, "metrics",
		 "metrics at http://%s%s%s:%u/metrics",
		 strchr(cfg->metrics_addr, ':') ? "[" : "", cfg->metrics_addr,
		 strchr(cfg->metrics_addr, ':') ? "]" : "", cfg->metrics_port);
}

void mtad_metrics_stop(struct mtad *m)
{
	struct mtad_metrics *mx = m->metrics;

	if (mx == NULL)
		return;
	m->metrics = NULL;
	mx->stopping = 1;
	uv_close((uv_handle_t *)&mx->srv, srv_closed);
}
