/*
 * xc_run.c - run the test cases: verdicts, waiting, captures, the
 *	      health check between cases
 *
 * See xc.h.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"
#include "p1_ext.h"
#include "xc.h"
#include "xc_decode.h"
#include "xc_inbox.h"
#include "xc_out.h"
#include "xc_pcap.h"
#include "xc_peer.h"

static const struct xc_case *const groups[] = {
	xc_cases_ts, xc_cases_as, xc_cases_bi, xc_cases_sc, xc_cases_tx,
	xc_cases_tr, xc_cases_tl, xc_cases_ex, xc_cases_ub, xc_cases_rb
};

const struct xc_case *xc_case_at(size_t i)
{
	size_t g, k;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (k = 0; groups[g][k].id; k++)
			if (i-- == 0)
				return &groups[g][k];
	return NULL;
}

const char *xc_verdict_name(enum xc_verdict v)
{
	return v == XC_PASS ? "pass" : v == XC_FAIL ? "fail" :
	    "inconclusive";
}

/* ---- verdicts ------------------------------------------------------ */

static void vnote(struct xc *x, const char *prefix, const char *fmt,
		  va_list ap)
{
	char line[1200];
	double t = xc_now(x);

	if (x->res == NULL)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	buf_reserve(&x->res->log, strlen(line) + 64);
	{
		char head[64];
		int n = snprintf(head, sizeof(head), "%8.3f  %s", t -
				 (x->res ? x->t0 : 0), prefix);

		buf_add(&x->res->log, head, (size_t)n);
	}
	buf_add(&x->res->log, line, strlen(line));
	buf_add(&x->res->log, "\n", 1);
	if (x->cfg.verbose > 1)
		fprintf(stderr, "  %s%s\n", prefix, line);
}

void xc_note(struct xc *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(x, "", fmt, ap);
	va_end(ap);
}

void xc_fail(struct xc *x, const char *fmt, ...)
{
	va_list ap;

	if (x->res == NULL)
		return;
	va_start(ap, fmt);
	if (x->res->v != XC_FAIL) {
		va_list aq;

		va_copy(aq, ap);
		vsnprintf(x->res->reason, sizeof(x->res->reason), fmt, aq);
		va_end(aq);
		x->res->v = XC_FAIL;
	}
	vnote(x, "FAIL: ", fmt, ap);
	va_end(ap);
}

void xc_inconc(struct xc *x, const char *fmt, ...)
{
	va_list ap;

	if (x->res == NULL)
		return;
	va_start(ap, fmt);
	if (x->res->v == XC_PASS) {
		va_list aq;

		va_copy(aq, ap);
		vsnprintf(x->res->reason, sizeof(x->res->reason), fmt, aq);
		va_end(aq);
		x->res->v = XC_INCONC;
	}
	vnote(x, "INCONCLUSIVE: ", fmt, ap);
	va_end(ap);
}

int xc_ok(const struct xc *x)
{
	return x->res == NULL || x->res->v == XC_PASS;
}

/* ---- the loop ------------------------------------------------------ */

static void on_timer(uv_timer_t *t)
{
	struct xc *x = t->data;

	x->timer_fired = 1;
}

double xc_now(const struct xc *x)
{
	(void)x;
	return (double)uv_hrtime() / 1e9;
}

int xc_wait(struct xc *x, xc_pred_fn *done, void *arg, unsigned ms)
{
	int ok;

	if (done && done(arg))
		return 1;
	x->timer_fired = 0;
	uv_timer_start(&x->timer, on_timer, ms, 0);
	for (;;) {
		uv_run(x->loop, UV_RUN_ONCE);
		if (done && done(arg)) {
			ok = 1;
			break;
		}
		if (x->timer_fired) {
			ok = 0;
			break;
		}
	}
	uv_timer_stop(&x->timer);
	return ok;
}

void xc_sleep(struct xc *x, unsigned ms)
{
	xc_wait(x, NULL, NULL, ms);
}

/* ---- PICS ---------------------------------------------------------- */

void xc_pics(struct xc *x, const char *key, const char *fmt, ...)
{
	struct xc_pics_row *r = NULL;
	va_list ap;
	size_t i;

	for (i = 0; i < x->npics; i++)
		if (strcmp(x->pics[i].key, key) == 0)
			r = &x->pics[i];
	if (r == NULL) {
		if (x->npics == XC_PICS_MAX)
			panic("x400conf: too many PICS rows");
		r = &x->pics[x->npics++];
		snprintf(r->key, sizeof(r->key), "%s", key);
	}
	va_start(ap, fmt);
	vsnprintf(r->value, sizeof(r->value), fmt, ap);
	va_end(ap);
}

const char *xc_pics_get(const struct xc *x, const char *key)
{
	size_t i;

	for (i = 0; i < x->npics; i++)
		if (strcmp(x->pics[i].key, key) == 0)
			return x->pics[i].value;
	return NULL;
}

/* ---- captures ------------------------------------------------------ */

const char *xc_pcap_part(struct xc *x)
{
	char path[700];

	if (x->cfg.out_dir[0] == 0 || x->cur == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/.%s.%u.pcap", x->cfg.out_dir,
		 x->cur->id, x->nparts);
	x->parts = xrealloc(x->parts, (x->nparts + 1) * sizeof(*x->parts));
	x->parts[x->nparts++] = xstrdup(path);
	return x->parts[x->nparts - 1];
}

/* finish_capture - merge the case's files, decode them into its log */
static void finish_capture(struct xc *x, struct xc_result *r)
{
	char path[700];
	struct buf t = BUF_INIT;
	unsigned i;
	FILE *fp;

	if (x->cfg.out_dir[0] == 0)
		return;
	snprintf(path, sizeof(path), "%s/%s.pcap", x->cfg.out_dir,
		 r->c->id);
	if (x->nparts && xc_pcap_merge((const char *const *)x->parts,
				       x->nparts, path) == 0) {
		snprintf(r->pcap, sizeof(r->pcap), "%s", path);
		if (xc_decode_pcap(path, &t) != 0)
			buf_add(&t, "(the capture does not read back)\n", 34);
	}
	for (i = 0; i < x->nparts; i++) {
		unlink(x->parts[i]);
		free(x->parts[i]);
	}
	free(x->parts);
	x->parts = NULL;
	x->nparts = 0;
	snprintf(path, sizeof(path), "%s/%s.txt", x->cfg.out_dir, r->c->id);
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, "%s %s: %s\nclause: %s\nsends: %s\nexpects: %s\n"
			"verdict: %s%s%s\n\nnotes and events:\n%.*s\n"
			"PDUs exchanged (%s):\n%.*s", r->c->id,
			r->c->group, r->c->title, r->c->clause, r->c->sends,
			r->c->expects, xc_verdict_name(r->v),
			r->reason[0] ? ": " : "", r->reason,
			(int)buf_avail(&r->log), (const char *)buf_ptr(&r->log),
			r->pcap[0] ? r->pcap : "no capture",
			(int)buf_avail(&t), (const char *)buf_ptr(&t));
		fclose(fp);
		snprintf(r->txt, sizeof(r->txt), "%s", path);
	}
	if (buf_avail(&t)) {
		buf_add(&r->log, "\nPDUs exchanged:\n", 17);
		buf_add(&r->log, buf_ptr(&t), buf_avail(&t));
	}
	buf_free(&t);
}

/* ---- the stack's events go to the case's log ----------------------- */

static void sink(const struct log_rec *rec, void *arg)
{
	struct xc *x = arg;

	if (rec->level < LOG_NOTICE && x->cfg.verbose < 2)
		return;
	xc_note(x, "event %u %s [%s%s%s]: %s", rec->event, rec->name,
		rec->who && rec->who->layer ? rec->who->layer : "-",
		rec->who && rec->who->peer ? " " : "",
		rec->who && rec->who->peer ? rec->who->peer : "", rec->msg);
}

/* ---- the run ------------------------------------------------------- */

void xc_init(struct xc *x, uv_loop_t *loop, const struct xc_cfg *cfg)
{
	memset(x, 0, sizeof(*x));
	x->loop = loop;
	x->cfg = *cfg;
	uv_timer_init(loop, &x->timer);
	x->timer.data = x;
	log_quiet(1);
	log_set_sink(sink, x);
}

int xc_selected(const struct xc_cfg *cfg, const struct xc_case *c)
{
	size_t i;
	int in = cfg->nonly == 0;

	for (i = 0; i < cfg->nonly; i++)
		if (fnmatch(cfg->only[i], c->id, 0) == 0 ||
		    strcmp(cfg->only[i], c->group) == 0)
			in = 1;
	for (i = 0; i < cfg->nskip; i++)
		if (fnmatch(cfg->skip[i], c->id, 0) == 0 ||
		    strcmp(cfg->skip[i], c->group) == 0)
			in = 0;
	return in;
}

/* health - a fresh association and bind still work */
static void health(struct xc *x)
{
	struct xc_peer_opts o;
	struct xc_peer *p;
	enum xc_open rc;

	xc_peer_opts_init(x, &o);
	p = xc_peer_new(x, &o);
	if (!p->connected) {
		xc_fail(x, "health check: the target no longer accepts "
			"connections after this case");
		xc_peer_free(p);
		return;
	}
	rc = xc_peer_bind(p);
	if (rc != XC_OPENED) {
		xc_fail(x, "health check: the target no longer accepts an "
			"association and bind after this case (%s%s%s)",
			xc_open_name(rc), p->why[0] ? ": " : "", p->why);
	} else {
		xc_note(x, "health check: the target still serves (a new "
			"association and bind succeeded)");
		xc_peer_release(p);
	}
	xc_peer_free(p);
}

static void run_one(struct xc *x, const struct xc_case *c)
{
	struct xc_result *r;
	double t;

	x->results = xrealloc(x->results, (x->nresults + 1) *
			      sizeof(*x->results));
	r = &x->results[x->nresults++];
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->v = XC_PASS;
	x->cur = c;
	x->res = r;
	x->t0 = t = xc_now(x);
	xc_inbox_case_start(x);
	xc_inbox_capture(x, 1);
	if (x->cfg.verbose)
		fprintf(stderr, "x400conf: %s %s\n", c->id, c->title);
	x->sent_nothing = 0;
	c->run(x);
	xc_peer_free_all(x);
	if ((c->flags & XC_F_HEALTH) && !x->sent_nothing)
		health(x);
	xc_inbox_capture(x, 0);
	r->secs = xc_now(x) - t;
	finish_capture(x, r);
	xc_out_line(r, stdout);
	fflush(stdout);
	x->res = NULL;
	x->cur = NULL;
}

int xc_run_all(struct xc *x)
{
	const struct xc_case *c;
	size_t i;

	if (x->cfg.out_dir[0] && mkdir(x->cfg.out_dir, 0755) != 0 &&
	    errno != EEXIST) {
		fprintf(stderr, "x400conf: %s: %s\n", x->cfg.out_dir,
			strerror(errno));
		return -1;
	}
	if (xc_inbox_start(x) != 0)
		return -1;
	/* what the target is taken to speak (the options): the first rows
	 * of the PICS, before what the cases learn */
	xc_pics(x, "target.edition", "X.411 %s (extension types %s)",
		p1_edition_name((enum p1_edition)x->cfg.t_edition),
		x->cfg.t_edition == P1_EDITION_1992 ? "[0]/[3] IMPLICIT" :
		"[0] EXPLICIT");
	xc_pics(x, "target.mode", "%s; X.410-1984 mode: applicationProtocol "
		"%ld, bind %s", x->cfg.t_mode == RTSE_X410 ? "X.410-1984" :
		"1988 normal", x->cfg.t_x410_ap, x->cfg.t_x410_bare ? "bare" :
		"wrapped in [16]");
	for (i = 0; (c = xc_case_at(i)) != NULL && !x->interrupted; i++)
		if (xc_selected(&x->cfg, c))
			run_one(x, c);
	return 0;
}

static void on_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void xc_free(struct xc *x)
{
	size_t i;

	xc_peer_free_all(x);
	xc_inbox_stop(x);
	log_set_sink(NULL, NULL);
	uv_close((uv_handle_t *)&x->timer, NULL);
	uv_walk(x->loop, on_walk, NULL);
	uv_run(x->loop, UV_RUN_DEFAULT);
	for (i = 0; i < x->nresults; i++)
		buf_free(&x->results[i].log);
	free(x->results);
}
