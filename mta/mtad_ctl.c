/*
 * mtad_ctl.c - x400d: the control socket, through which x400q asks the
 *	running daemon
 *
 * NAME
 *	mtad_ctl_start, mtad_ctl_stop
 *
 * SYNOPSIS
 *	#include "mtad.h"
 *
 *	mtad_ctl_start(m);	once listening, as the run user
 *	mtad_ctl_stop(m);	stopping: close, unlink
 *
 * DESCRIPTION
 *	A Unix stream socket, queue_dir/x400d.ctl, mode 0660, owned by the
 *	user x400d runs as (like Postfix's public directory: who may use
 *	it is who may write in the queue). It is made once x400d has the
 *	queue's lock (mtad.c), so a stale file of an earlier run is
 *	removed only by the daemon that owns the queue, and removed again
 *	at stop.
 *
 *	The protocol is one JSON object per line each way: a request
 *
 *	    {"cmd":"links"}
 *	    {"cmd":"status"}
 *	    {"cmd":"retry","link":"to-B"}	or "all":true, or "id":N with
 *						"rcpts":[IDX,...]
 *	    {"cmd":"ping","link":"to-B","timeout_ms":10000}
 *
 *	may carry "tag" (echoed in the reply) and "user" (the operator's
 *	name, for the journal; the peer's uid, from SO_PEERCRED, is
 *	journalled beside it). Each reply has "ok" (true or false), "cmd"
 *	and, when ok is false, "error", a sentence. Requests are answered
 *	in order; a client may send several lines. A request longer than
 *	CTL_LINE_MAX octets (its newline included) gets an error reply and
 *	is dropped up to its newline; a line that is not a JSON object, or
 *	names no known command, gets an error reply. The connection stays
 *	usable after either.
 *
 *	links reads one short snapshot of the queue; retry changes the
 *	queue through the writer (q_submit), like every change x400d
 *	makes, and once the changes are durable lifts the links' hold
 *	after a failure (next_open) and runs the scheduler at once; ping
 *	opens a test association (mtad_ping.c). Nothing blocks the loop.
 *	The commands are in mtad_ctl_cmd.c.
 *
 * DIAGNOSTICS
 *	Event 1010 ctl-listen when the socket is open; 1011 ctl-error when
 *	it cannot be (x400d then runs without it), and once per
 *	connection when a client's request is refused.
 *
 * OWNERSHIP
 *	struct mtad_ctl belongs to the mtad (m->ctl) until mtad_ctl_stop(),
 *	then to itself: it is freed when its listener and its last client
 *	are closed. A client is freed when its handle is closed and no
 *	retry or ping of its is under way (those hold it, as "busy").
 */
#define _GNU_SOURCE		/* struct ucred */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mtad_ctl_int.h"
#include "xalloc.h"

/* One reply on its way out. */
struct ctl_write {
	uv_write_t	req;
	struct ctl_client *c;
	char		data[];
};

/* ---- clients: life and death ------------------------------------------ */

/* ctl_maybe_free - stopped, and nothing left that refers to ctl */
static void ctl_maybe_free(struct mtad_ctl *ctl)
{
	if (ctl->stopping && ctl->srv_closed && ctl->clients == NULL)
		free(ctl);
}

/* mtad_ctl_release - free c once its handle is closed and nothing of its
 *	is under way */
void mtad_ctl_release(struct ctl_client *c)
{
	struct mtad_ctl *ctl = c->ctl;
	struct ctl_client **pp;

	if (!c->closed || c->busy)
		return;
	for (pp = &ctl->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ctl->nclients--;
	json_decref(c->tag);
	free(c);
	ctl_maybe_free(ctl);
}

static void on_client_closed(uv_handle_t *h)
{
	struct ctl_client *c = h->data;

	c->closed = 1;
	mtad_ctl_release(c);
}

static void client_close(struct ctl_client *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	if (c->ping) {			/* its answer has nowhere to go */
		mtad_ping_cancel(c->ping);
		c->ping = NULL;
		c->busy = 0;
	}
	uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

/* client_maybe_finish - the client sent everything and has every reply */
static void client_maybe_finish(struct ctl_client *c)
{
	if (c->eof && !c->busy && c->writes == 0)
		client_close(c);
}

/* ---- replies ---------------------------------------------------------- */

static void on_written(uv_write_t *req, int status)
{
	struct ctl_write *w = (struct ctl_write *)req;
	struct ctl_client *c = w->c;

	free(w);
	c->writes--;
	if (status < 0)
		client_close(c);
	else
		client_maybe_finish(c);
}

/* mtad_ctl_reply_new - {"ok":ok,"cmd":...,"tag":...} for the request in hand */
json_t *mtad_ctl_reply_new(struct ctl_client *c, int ok)
{
	json_t *r = json_object();

	json_object_set_new(r, "ok", json_boolean(ok));
	json_object_set_new(r, "cmd", json_string(c->cmd[0] ? c->cmd : "?"));
	if (c->tag)
		json_object_set(r, "tag", c->tag);
	return r;
}

/* mtad_ctl_reply_send - one line to the client; takes r */
void mtad_ctl_reply_send(struct ctl_client *c, json_t *r)
{
	char *s = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct ctl_write *w;
	size_t n;
	uv_buf_t b;

	json_decref(r);
	if (c->closing) {
		free(s);
		return;
	}
	if (s == NULL)
		s = xstrdup("{\"ok\":false,\"error\":\"cannot encode the "
			    "reply\"}");
	n = strlen(s);
	w = xmalloc(sizeof(*w) + n + 1);
	memcpy(w->data, s, n);
	w->data[n] = '\n';
	free(s);
	w->c = c;
	b = uv_buf_init(w->data, (unsigned)(n + 1));
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
		     on_written) != 0) {
		free(w);
		client_close(c);
		return;
	}
	c->writes++;
}

/* mtad_ctl_refuse - an error reply; the first of a connection is logged */
void mtad_ctl_refuse(struct ctl_client *c, const char *fmt, ...)
{
	json_t *r = mtad_ctl_reply_new(c, 0);
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	json_object_set_new(r, "error", json_string(why));
	if (!c->warned) {
		c->warned = 1;
		mtad_log(c->ctl->m, LOG_NOTICE, EV_CTL_ERROR, NULL, NULL, "ctl",
			 "a request on the control socket from uid %ld "
			 "refused: %s", c->uid, why);
	}
	mtad_ctl_reply_send(c, r);
}

/* ---- requests ------------------------------------------------------------ */

/* handle_line - one request (without its newline) */
static void handle_line(struct ctl_client *c, const char *p, size_t n)
{
	json_error_t e;
	json_t *req;
	const char *cmd;

	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
			 p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	json_decref(c->tag);
	c->tag = NULL;
	c->cmd[0] = 0;
	if ((req = json_loadb(p, n, JSON_REJECT_DUPLICATES, &e)) == NULL) {
		mtad_ctl_refuse(c, "not JSON: %s (line 1, column %d)", e.text,
		       e.column);
		return;
	}
	if (!json_is_object(req)) {
		json_decref(req);
		mtad_ctl_refuse(c, "a request is one JSON object, such as "
		       "{\"cmd\":\"links\"}");
		return;
	}
	if ((c->tag = json_object_get(req, "tag")) != NULL)
		json_incref(c->tag);
	cmd = json_string_value(json_object_get(req, "cmd"));
	if (cmd == NULL) {
		mtad_ctl_refuse(c, "no \"cmd\" (a string) in the request");
	} else if (snprintf(c->cmd, sizeof(c->cmd), "%s", cmd) >=
		   (int)sizeof(c->cmd)) {
		c->cmd[0] = 0;
		mtad_ctl_refuse(c, "unknown command; the commands are links, status, "
		       "retry, ping");
	} else if (strcmp(cmd, "links") == 0) {
		mtad_ctl_links(c);
	} else if (strcmp(cmd, "status") == 0) {
		mtad_ctl_status(c);
	} else if (strcmp(cmd, "retry") == 0) {
		mtad_ctl_retry(c, req);
	} else if (strcmp(cmd, "ping") == 0) {
		mtad_ctl_ping(c, req);
	} else {
		mtad_ctl_refuse(c, "unknown command \"%s\"; the commands are links, "
		       "status, retry, ping", c->cmd);
	}
	json_decref(req);
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
	struct ctl_client *c = h->data;

	(void)want;
	*b = uv_buf_init(c->buf + c->len, (unsigned)(sizeof(c->buf) - c->len));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct ctl_client *c = s->data;

	(void)b;
	if (nread > 0) {
		c->len += (size_t)nread;
	} else if (nread == UV_EOF) {
		c->eof = 1;
	} else if (nread < 0 && nread != UV_ENOBUFS) {
		client_close(c);
		return;
	}
	mtad_ctl_process(c);
}

/* mtad_ctl_process - answer the complete lines read so far, one at a
 *	time: reading stops while a retry or a ping is under way. A reply
 *	given at once from inside a request (a retry with nothing to do)
 *	leaves the rest to the loop already running. */
void mtad_ctl_process(struct ctl_client *c)
{
	char line[CTL_LINE_MAX];

	if (c->processing)
		return;
	c->processing = 1;
	while (!c->busy && !c->closing) {
		char *nl = memchr(c->buf, '\n', c->len);
		size_t n;

		if (c->skipping) {	/* the rest of a request too long */
			if (nl == NULL) {
				c->len = 0;
				break;
			}
			c->skipping = 0;
			c->len -= (size_t)(nl - c->buf) + 1;
			memmove(c->buf, nl + 1, c->len);
			continue;
		}
		if (nl == NULL) {
			if (c->len == sizeof(c->buf)) {
				c->len = 0;
				c->skipping = 1;
				mtad_ctl_refuse(c, "request longer than %d "
						"octets: dropped", CTL_LINE_MAX - 1);
				continue;
			}
			if (!c->eof || c->len == 0)
				break;
			n = c->len;		/* the last, unterminated */
			memcpy(line, c->buf, n);
			c->len = 0;
		} else {
			n = (size_t)(nl - c->buf);
			memcpy(line, c->buf, n);
			c->len -= n + 1;
			memmove(c->buf, nl + 1, c->len);
		}
		handle_line(c, line, n);
	}
	c->processing = 0;
	if (c->closing)
		return;
	if ((c->busy || c->eof) && c->reading) {
		uv_read_stop((uv_stream_t *)&c->pipe);
		c->reading = 0;
	} else if (!c->busy && !c->eof && !c->reading) {
		if (uv_read_start((uv_stream_t *)&c->pipe, on_alloc,
				  on_read) != 0) {
			client_close(c);
			return;
		}
		c->reading = 1;
	}
	client_maybe_finish(c);
}

/* ---- the listener ---------------------------------------------------------- */

/* peer_uid - the connecting process's uid (SO_PEERCRED), -1 unknown */
static long peer_uid(uv_pipe_t *p)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)p, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return -1;
	return (long)cr.uid;
}

static void on_connection(uv_stream_t *srv, int status)
{
	struct mtad_ctl *ctl = srv->data;
	struct ctl_client *c;

	if (status < 0 || ctl->stopping)
		return;
	c = XNEW(struct ctl_client);
	c->ctl = ctl;
	c->uid = -1;
	uv_pipe_init(ctl->m->loop, &c->pipe, 0);
	c->pipe.data = c;
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->nclients++;
	if (uv_accept(srv, (uv_stream_t *)&c->pipe) != 0) {
		client_close(c);
		return;
	}
	c->uid = peer_uid(&c->pipe);
	if (ctl->nclients > CTL_CLIENTS_MAX) {
		c->eof = 1;
		mtad_ctl_refuse(c, "too many clients at once (%d): try again",
		       CTL_CLIENTS_MAX);
		client_maybe_finish(c);
		return;
	}
	mtad_ctl_process(c);		/* starts reading */
}

static void on_srv_closed(uv_handle_t *h)
{
	struct mtad_ctl *ctl = h->data;

	ctl->srv_closed = 1;
	ctl->stopping = 1;
	ctl_maybe_free(ctl);
}

/* ctl_fail - the socket cannot be opened: logged, x400d goes on */
static void ctl_fail(struct mtad_ctl *ctl, const char *what, int rc)
{
	mtad_log(ctl->m, LOG_ERR, EV_CTL_ERROR, NULL, NULL, "ctl",
		 "no control socket: %s %s: %s; x400q links, ping and "
		 "retry cannot reach this x400d", what, ctl->path,
		 uv_strerror(rc));
}

void mtad_ctl_start(struct mtad *m)
{
	struct mtad_ctl *ctl = XNEW(struct mtad_ctl);
	mode_t old;
	int rc;

	ctl->m = m;
	if (snprintf(ctl->path, sizeof(ctl->path), "%s/%s",
		     m->cfg->queue_dir, CTL_FILE) >= (int)sizeof(ctl->path)) {
		mtad_log(m, LOG_ERR, EV_CTL_ERROR, NULL, NULL, "ctl",
			 "no control socket: the path %s/%s is longer than a "
			 "Unix socket's (%zu octets); use a shorter queue_dir",
			 m->cfg->queue_dir, CTL_FILE, sizeof(ctl->path) - 1);
		free(ctl);
		return;
	}
	/* a file left by a run that did not stop cleanly: ours to remove,
	 * since we hold the queue's lock */
	if (unlink(ctl->path) != 0 && errno != ENOENT) {
		ctl_fail(ctl, "cannot remove the old", -errno);
		free(ctl);
		return;
	}
	uv_pipe_init(m->loop, &ctl->srv, 0);
	ctl->srv.data = ctl;
	old = umask(0117);		/* born 0660, never wider */
	rc = uv_pipe_bind(&ctl->srv, ctl->path);
	umask(old);
	if (rc == 0 && chmod(ctl->path, 0660) != 0)
		rc = -errno;
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&ctl->srv, 16, on_connection);
	if (rc != 0) {
		ctl_fail(ctl, "cannot listen on", rc);
		uv_close((uv_handle_t *)&ctl->srv, on_srv_closed);
		return;
	}
	m->ctl = ctl;
	mtad_log(m, LOG_NOTICE, EV_CTL_LISTEN, NULL, NULL, "ctl",
		 "control socket %s open for x400q (mode 0660)", ctl->path);
}

void mtad_ctl_stop(struct mtad *m)
{
	struct mtad_ctl *ctl = m->ctl;
	struct ctl_client *c;

	if (ctl == NULL)
		return;
	m->ctl = NULL;
	ctl->stopping = 1;
	unlink(ctl->path);
	uv_close((uv_handle_t *)&ctl->srv, on_srv_closed);
	for (c = ctl->clients; c; c = c->next)
		client_close(c);
}
