/*
 * mtad_local.c - x400d: local delivery, reports, expiry
 *
 * See mtad.h.
 *
 * Local delivery writes each message for a local recipient into the
 * recipient's mailbox directory, routing.local_dir/<O/R address with
 * unsafe characters replaced>: NAME.p1 holds the MTS-APDU as it
 * arrived (BER), NAME.txt a readable form (envelope, trace, and for an
 * interpersonal message its heading and text: mtad_txt.c). NAME comes
 * from the message and the recipient, so delivery is exactly once
 * across crashes (below, "Exactly once").
 *
 * Reports (X.411 12.2.1.3): every recipient left owing a report (the
 * queue's "@report") is reported on in one report per subject message,
 * if its report request asks for it (p1_report_wanted); the report is
 * queued like any other MTS-APDU, to the originator, in the same
 * transaction that marks the recipients reported. A probe's local
 * recipients are "delivered" without a delivery, as X.411 12.2.1.2 asks.
 *
 * Expiry: a message whose queue age limit (the links' max_age) or
 * latest delivery time passes gets a non-delivery report with the
 * diagnostic maximum-time-expired.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "log.h"
#include "mtad.h"
#include "mtad_txt.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_env.h"
#include "p1_id.h"
#include "p1_report.h"
#include "xalloc.h"

#include "MTS-APDU.h"

#define PASS_MAX	64	/* messages handled in one pass */
#define NDD_EXPIRED	5	/* maximum-time-expired */

/* safe_name - an O/R address as a directory name */
static void safe_name(const char *addr, char *out, size_t len)
{
	size_t i;

	for (i = 0; addr[i] && i + 1 < len; i++) {
		char c = addr[i];

		out[i] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '=' || c == '.' ||
		    c == '-' || c == ',' ? c : '_';
	}
	out[i] = 0;
}

/* sync_dir - make a rename or a new entry in dir durable */
static int sync_dir(const char *dir)
{
	int fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* write_file - dir/name, atomically and durably (the caller syncs dir) */
static int write_file(const char *dir, const char *name, const void *p,
		      size_t n)
{
	char tmp[1200], path[1200];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640)) < 0)
		return -errno;
	if (write(fd, p, n) != (ssize_t)n || fsync(fd) != 0) {
		int e = -errno;

		close(fd);
		unlink(tmp);
		return e ? e : -EIO;
	}
	close(fd);
	if (rename(tmp, path) != 0)
		return -errno;
	return 0;
}

/* make_box - the recipient's mailbox directory, created durably */
static int make_box(struct mtad *m, const char *addr, char *dir, size_t len)
{
	const char *root = m->cfg->local_dir ? m->cfg->local_dir :
	    "mailboxes";
	char box[600];

	safe_name(addr, box, sizeof(box));
	snprintf(dir, len, "%s/%s", root, box);
	if (mkdir(root, 0750) != 0 && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0750) == 0)
		return sync_dir(root);
	return errno == EEXIST ? 0 : -errno;
}

/* ---- local delivery ------------------------------------------------- */

/*
 * Exactly once. A recipient's files are named after the message's
 * arrival time, its queue id (never reused) and the recipient's index,
 * so a second attempt at the same recipient writes the same names.
 * NAME.p1 is renamed into place, then NAME.txt, then the directory is
 * synced, and only then is the DONE operation submitted; its event 4003
 * is logged when the operation is durable. After a crash anywhere in
 * between, the recipient is still PENDING: if NAME.txt is there, the
 * delivery happened and the recipient is marked delivered without
 * writing again; if not, both files are written again under the same
 * names (a NAME.p1 alone is replaced).
 */

/* One recipient's result, told once the queue has it. */
struct pass {
	struct mtad	*m;
	int		*busy;		/* the pass's last result: clear */
	char		*text;		/* event 4003, NULL: none */
};

static void pass_done(void *arg, int err, uint64_t id)
{
	struct pass *p = arg;

	(void)id;
	if (err)
		mtad_log(p->m, LOG_WARNING, EV_STORE_ERROR, NULL, NULL,
			 "store", "local delivery result not recorded: %s%s%s",
			 q_strerror(err), p->text ? ": " : "",
			 p->text ? p->text : "");
	else if (p->text)
		mtad_log(p->m, LOG_INFO, EV_DELIVERED, NULL, ROUTE_LOCAL,
			 "local", "%s", p->text);
	if (p->busy) {
		*p->busy = 0;
		mtad_kick(p->m);
	}
	free(p->text);
	free(p);
}

/* want_report - does r's request ask for a delivery report? */
static int want_report(MTS_APDU_t *a, const struct q_rcpt *r)
{
	int nr = p1_env_recipient_count(a), i, want = 0;

	for (i = 0; i < nr; i++) {
		struct p1_recip pr;
		char *s;

		p1_env_recipient(a, i, &pr);
		s = p1_orname_format(pr.name);
		if (s && strcmp(s, r->address) == 0)
			want = p1_report_wanted(&pr, 1);
		free(s);
	}
	return want;
}

/* put_files - NAME.p1 and NAME.txt into dir, unless NAME.txt is there;
 * 1: written now, 0: written before a restart, < 0: -errno */
static int put_files(const char *dir, const char *name, const void *apdu,
		     size_t n, const struct buf *txt)
{
	char f[300], path[1400];
	struct stat st;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	if (stat(path, &st) == 0)
		return 0;
	snprintf(f, sizeof(f), "%s.p1", name);
	if ((rc = write_file(dir, f, apdu, n)) != 0)
		return rc;
	snprintf(f, sizeof(f), "%s.txt", name);
	if ((rc = write_file(dir, f, buf_ptr(txt), buf_avail(txt))) != 0)
		return rc;
	return (rc = sync_dir(dir)) != 0 ? rc : 1;
}

/* deliver - one recipient's copy into its mailbox; *text: the event to
 * log once the queue has the result (allocated, or NULL) */
static int deliver(struct mtad *m, const struct q_msg *qm,
		   const struct q_rcpt *r, const void *apdu, size_t n,
		   int *report, char **text)
{
	MTS_APDU_t *a = NULL;
	char dir[1100], name[80], t[1600];
	struct buf txt = BUF_INIT;
	struct p1_report_entry *rep = NULL;	/* a report's entries */
	int rc, i, nrep = 0, kind;

	*report = 0;
	*text = NULL;
	if (codec_decode(&asn_DEF_MTS_APDU, apdu, n, 0, (void **)&a, NULL))
		return -EINVAL;
	kind = p1_env_kind(a);
	if (kind != P1_REPORT)
		*report = want_report(a, r);
	if (kind == P1_PROBE) {
		codec_free(&asn_DEF_MTS_APDU, a);
		return 0;		/* would be delivered: nothing to write */
	}
	if (kind == P1_REPORT) {
		/* X.411 12.2.1.3: the report came back to us, the originating
		 * MTA, because our MTA asked; the originator gets it only
		 * where its own request (originator-report bits, copied
		 * into the report) asks */
		int want = 0;

		if (p1_report_parse(a, &rep, &nrep) != 0)
			want = 1, nrep = 0;	/* let a person read it */
		for (i = 0; i < nrep; i++)
			want |= rep[i].for_originator;
		if (!want) {
			free(rep);
			codec_free(&asn_DEF_MTS_APDU, a);
			snprintf(t, sizeof(t), "report %s for %s not "
				 "delivered: the originator asked for no "
				 "report", qm->mtsid, r->address);
			*text = xstrdup(t);
			return 0;
		}
	}
	snprintf(name, sizeof(name), "%lld-%llu-%u", (long long)qm->arrival,
		 (unsigned long long)qm->id, r->idx);
	mtad_txt_render(a, r->address, rep, nrep, &txt);
	free(rep);
	codec_free(&asn_DEF_MTS_APDU, a);
	rc = make_box(m, r->address, dir, sizeof(dir));
	if (rc == 0)
		rc = put_files(dir, name, apdu, n, &txt);
	buf_free(&txt);
	if (rc < 0)
		return rc;
	snprintf(t, sizeof(t), "%s delivered to %s (%s/%s.txt%s)", qm->mtsid,
		 r->address, dir, name, rc == 0 ? ", written before a restart"
		 : "");
	*text = xstrdup(t);
	return 0;
}

/* result_op - the queue operation for one recipient's delivery result */
static void result_op(struct q_op *op, uint32_t *idx, const struct q_due *d,
		      int rc, int report)
{
	memset(op, 0, sizeof(*op));
	*idx = d->idx;
	op->id = d->id;
	op->idx = idx;
	op->nidx = 1;
	op->link = ROUTE_LOCAL;
	if (rc == 0) {
		op->type = Q_OP_DONE;
		op->flags = report ? Q_OPF_REPORT : 0;
	} else {
		op->type = Q_OP_DEFER;
		op->when = time(NULL) + 60;
		op->text = "cannot write to the mailbox";
	}
}

void mtad_local_run(struct mtad *m)
{
	struct q_rd *rd;
	struct q_iter it;
	struct q_due d;
	struct q_op ops[PASS_MAX];
	uint32_t idx[PASS_MAX];
	char *texts[PASS_MAX];
	int n = 0, i;

	if (m->local_busy || q_rd_begin(m->q, &rd) != 0)
		return;
	if (q_iter_due(rd, &it, Q_LINK_LOCAL, time(NULL)) == 0) {
		while (n < PASS_MAX && q_next_due(&it, &d) == 1) {
			struct q_msg qm;
			struct q_rcpt r;
			const void *ap;
			size_t an;
			int report = 0, rc;

			if (q_msg_get(rd, d.id, &qm) != 0 ||
			    q_rcpt_get(rd, d.id, d.idx, &r) != 0 ||
			    q_apdu_get(rd, d.id, &ap, &an) != 0)
				continue;
			rc = deliver(m, &qm, &r, ap, an, &report, &texts[n]);
			result_op(&ops[n], &idx[n], &d, rc, report);
			if (rc == 0) {
				m->delivered++;
				m->delivered_octets += an;
			}
			else
				mtad_log(m, LOG_ERR, EV_DELIVERED, NULL,
					 ROUTE_LOCAL, "local", "%s: cannot "
					 "deliver to %s: %s", qm.mtsid,
					 r.address, strerror(-rc));
			n++;
		}
	}
	q_iter_end(&it);
	q_rd_end(rd);
	if (n == 0)
		return;
	m->local_busy = 1;
	/* each result on its own: one recipient changed meanwhile must not
	 * undo the others; each event once its result is durable */
	for (i = 0; i < n; i++) {
		struct pass *p = XNEW(struct pass);

		p->m = m;
		p->busy = i == n - 1 ? &m->local_busy : NULL;
		p->text = texts[i];
		if (q_submit(m->q, &ops[i], 1, pass_done, p))
			pass_done(p, Q_E_CLOSED, 0);
	}
}

/* ---- reports ------------------------------------------------------- */

struct rep {
	struct mtad	*m;
	uint64_t	id;
};

static void rep_done(void *arg, int err, uint64_t id)
{
	struct rep *r = arg;

	(void)id;
	if (err)
		mtad_log(r->m, LOG_WARNING, EV_STORE_ERROR, NULL, NULL,
			 "store", "report on message %lu: %s",
			 (unsigned long)r->id, q_strerror(err));
	r->m->report_busy--;
	mtad_kick(r->m);
	free(r);
}

/* report_one - the report owed on one message, if anyone wants it */
static void report_one(struct mtad *m, struct q_rd *rd, uint64_t id)
{
	struct p1_outcome o[PASS_MAX];
	uint32_t idx[PASS_MAX];
	struct p1_report_params rp;
	MTS_APDU_t *a = NULL, *report = NULL;
	struct q_msg qm;
	struct q_iter it;
	struct q_rcpt r;
	struct q_op op;
	const void *ap;
	size_t an, len;
	unsigned char *der = NULL;
	char *text[PASS_MAX];
	int n = 0, i, nr, built = 0;
	struct rep *rr;

	memset(text, 0, sizeof(text));
	if (q_msg_get(rd, id, &qm) != 0 || q_apdu_get(rd, id, &ap, &an) ||
	    codec_decode(&asn_DEF_MTS_APDU, ap, an, 0, (void **)&a, NULL))
		return;
	nr = p1_env_kind(a) == P1_REPORT ? 0 : p1_env_recipient_count(a);
	if (q_iter_rcpts(rd, &it, id) == 0) {
		while (n < PASS_MAX && q_next_rcpt(&it, &r) == 1) {
			if (r.state != Q_ST_REPORT)
				continue;
			memset(&o[n], 0, sizeof(o[n]));
			o[n].index = -1;
			for (i = 0; i < nr; i++) {
				struct p1_recip pr;
				char *s;

				p1_env_recipient(a, i, &pr);
				s = p1_orname_format(pr.name);
				if (s && strcmp(s, r.address) == 0)
					o[n].index = i;
				free(s);
			}
			o[n].delivered = r.reason < 0;
			o[n].arrival = qm.arrival;
			o[n].when = r.changed ? r.changed : time(NULL);
			o[n].type_of_user = -1;
			o[n].reason = r.reason;
			o[n].diagnostic = r.diag;
			text[n] = r.diag_text[0] ? xstrdup(r.diag_text) : NULL;
			o[n].supplementary = text[n];
			idx[n] = r.idx;
			n++;
		}
	}
	q_iter_end(&it);
	if (n == 0)
		goto out;
	/* only the recipients we found in the APDU can be reported on */
	{
		struct p1_outcome oo[PASS_MAX];
		int k = 0;

		for (i = 0; i < n; i++)
			if (o[i].index >= 0)
				oo[k++] = o[i];
		memset(&rp, 0, sizeof(rp));
		rp.here = &m->here;
		rp.now = time(NULL);
		rp.seq = ++m->seq;
		if (k > 0 && qm.kind != Q_KIND_REPORT &&
		    p1_report_build(a, oo, k, &rp, &report) == 1 &&
		    codec_encode_alloc(&asn_DEF_MTS_APDU, report, &der, &len)
		    == 0)
			built = 1;
	}
	memset(&op, 0, sizeof(op));
	op.type = Q_OP_REPORTED;
	op.id = id;
	op.idx = idx;
	op.nidx = (size_t)n;
	rr = XNEW(struct rep);
	rr->m = m;
	rr->id = id;
	m->report_busy++;
	if (built) {
		m->reported++;
		mtad_log(m, LOG_INFO, EV_REPORT_SENT, NULL, NULL, "p1",
			 "report on %s for %d recipient%s", qm.mtsid, n,
			 n == 1 ? "" : "s");
		if (mtad_arrive(m, der, len, "", "", &op, 1, rep_done, rr))
			rep_done(rr, -1, 0);
	} else if (q_submit(m->q, &op, 1, rep_done, rr) != 0) {
		rep_done(rr, -1, 0);
	}
out:
	for (i = 0; i < n; i++)
		free(text[i]);
	free(der);
	codec_free(&asn_DEF_MTS_APDU, report);
	codec_free(&asn_DEF_MTS_APDU, a);
}

void mtad_report_run(struct mtad *m)
{
	uint64_t ids[PASS_MAX];
	struct q_rd *rd;
	struct q_iter it;
	struct q_due d;
	int n = 0, i, j;

	if (m->report_busy || q_rd_begin(m->q, &rd) != 0)
		return;
	if (q_iter_due(rd, &it, Q_QUEUE_REPORT, time(NULL)) == 0)
		while (n < PASS_MAX && q_next_due(&it, &d) == 1) {
			for (j = 0; j < n && ids[j] != d.id; j++)
				;
			if (j == n)
				ids[n++] = d.id;
		}
	q_iter_end(&it);
	for (i = 0; i < n; i++)
		report_one(m, rd, ids[i]);
	q_rd_end(rd);
}

/* ---- expiry -------------------------------------------------------- */

static void expire_done(void *arg, int err, uint64_t id)
{
	struct mtad *m = arg;

	(void)err;
	(void)id;
	mtad_kick(m);
}

void mtad_expire_run(struct mtad *m)
{
	struct q_rd *rd;
	struct q_iter it;
	uint64_t id;
	int64_t when, now = time(NULL);
	struct q_op ops[PASS_MAX];
	int n = 0, i;

	if (q_rd_begin(m->q, &rd) != 0)
		return;
	if (q_iter_expired(rd, &it, now) == 0)
		while (n < PASS_MAX && q_next_expired(&it, &id, &when) == 1) {
			memset(&ops[n], 0, sizeof(ops[n]));
			ops[n].type = Q_OP_FAIL;
			ops[n].id = id;
			ops[n].flags = Q_OPF_REPORT;
			ops[n].reason = 1;
			ops[n].diag = NDD_EXPIRED;
			ops[n].text = "maximum time expired";
			n++;
		}
	q_iter_end(&it);
	q_rd_end(rd);
	for (i = 0; i < n; i++) {
		mtad_log(m, LOG_NOTICE, EV_REPORT_SENT, NULL, NULL, "p1",
			 "message %lu expired: non-delivery",
			 (unsigned long)ops[i].id);
		q_submit(m->q, &ops[i], 1, expire_done, m);
	}
}
