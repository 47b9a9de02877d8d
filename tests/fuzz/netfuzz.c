/*
 * netfuzz.c - mutated replays of real associations against a running
 *	x400d, over TCP
 *
 * SYNOPSIS
 *	netfuzz [-n N] [-s SEED] [-t SECS] [-B BATCH] [-w MS] [-b SRC]...
 *		[-V PCAP -a SRC [-R NAME]] [-i INDEX | -r FILE...] [-o DIR]
 *		[-d] ADDR:PORT PCAP...
 *	netfuzz -S K [-H SECS] -V PCAP [-a SRC] [-R NAME] ADDR:PORT
 *
 * DESCRIPTION
 *	Issue 17, must-show 5. Reads the initiator's TPKTs of the
 *	association in each PCAP (tests/vectors; cap_load_tpkts) and
 *	opens N connections to ADDR:PORT (IPv4), one after the other. Each
 *	picks a capture, mutates a copy of its TPKTs (netfuzz_mut.c: bits,
 *	octets, X.224 and RFC 1006 headers, BER lengths, segmenting,
 *	truncation, duplicates, reordering, drops, splices) and sends it,
 *	in small pieces now and then, usually waiting up to MS (-w, 20)
 *	milliseconds for an answer where the capture had one, reading
 *	and discarding whatever comes back; then it closes, or resets.
 *	Nothing waits longer than that, so a target that stops reading
 *	cannot hang the run. Connections come from the -b addresses in
 *	turn (from any address without -b).
 *
 *	After every BATCH (-B, 200) connections and after the last, the
 *	association of -V PCAP is replayed as it was captured, from -a
 *	SRC (an address of its own, so that the fuzz traffic's failed
 *	binds never slow it down: x400d's back-off is per address), one
 *	TPKT at a time: x400d must answer each of them as the capture's
 *	responder did, TSDU for TSDU (CC, then the SPDUs: AC carrying the
 *	bind result, MAJOR SYNC ACK for the message, DN for the release),
 *	within 10 s each, and the AC's user data must name the MTA -R
 *	NAME. The valid association is also what a quarter of the fuzz
 *	connections start from (the others pick among all captures, it
 *	included): it is the one that goes deepest, through the bind and a
 *	transfer to the release.
 *
 *	Everything sent follows from SEED (-s, 1) and the connection's
 *	number: -i INDEX sends connection INDEX alone (then the valid
 *	association), and -r sends each FILE's octets as one connection.
 *	-t SECS starts no connection after SECS seconds. -d describes
 *	each connection on stderr. On a failure, -o DIR gets the octets of
 *	the last 16 connections, one file each (netfuzz-S-I.bin), for -r.
 *
 *	The last line on stdout sums up: connections, batches, and how
 *	many valid associations succeeded.
 *
 *	-S K (netfuzz_stall.c) sends no fuzz: a peer that stops in the
 *	middle. It replays the first K TPKTs of the -V association as the
 *	valid check does (each answer checked), then sends nothing and
 *	keeps the connection open for up to SECS (-H, 60) seconds,
 *	reading what comes, and prints how long the target took to close
 *	it (or "still open"). With pp-p1-loop-success.pcap, K 3 stops
 *	after S-ACTIVITY-START, K 4 after the message's data, before the
 *	S-ACTIVITY-END (tests/integration/stall.sh, issue 17).
 *
 * EXIT STATUS
 *	0 when every valid association succeeded and the target accepted
 *	every connection; 1 when not; 2 on a usage or capture error.
 *	-S: 0 when the target closed the connection within SECS, 1 when
 *	not or when the first K TPKTs were not answered as captured.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "netfuzz.h"

#define NSRC		8
#define RING		16
#define VALID_MS	10000	/* each answer of the valid association */

struct nf {
	struct sockaddr_in dst, src[NSRC], vsrc;
	int		nsrc, have_vsrc;
	struct nf_flow	*flows;		/* the pool, the valid one last */
	size_t		nflows;
	struct nf_flow	*valid;
	const char	*rname, *outdir;
	unsigned long	n, batch;
	uint64_t	seed;
	double		secs, hold;	/* -t, -H */
	long		stall;		/* -S K, or -1 */
	int		wait_ms, describe;
	/* results */
	unsigned long	done, closed_first, resets, pieces, lockstep;
	unsigned long	valid_ok, valid_fail;
	struct {
		unsigned long	index;
		unsigned char	*p;
		size_t		n;
	} ring[RING];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the captures -------------------------------------------------------- */

/* a TSDU being joined from DT TPDUs (X.224 13.7) */
struct tsdu_asm {
	unsigned char	*buf;
	size_t		len;
	int		complete;	/* buf holds a whole TSDU */
};

/* tsdu_feed - one whole TPKT; 1 and its signature when a TSDU (or
 *	another TPDU) is complete, 0 when more DT must follow, -1 when
 *	it is no TPDU. A complete TSDU stays in a->buf until the next
 *	call. */
static int tsdu_feed(struct tsdu_asm *a, const unsigned char *p, size_t n,
		     struct nf_sig *sig)
{
	size_t li;
	unsigned char *nb;

	if (a->complete)
		a->len = a->complete = 0;
	if (n < 6 || (li = p[4]) + 5 > n)
		return -1;
	if ((p[5] & 0xf0) != 0xf0) {
		int kind = (p[5] & 0xf0) == 0xe0 ? CAP_CR :
		    (p[5] & 0xf0) == 0xd0 ? CAP_CC :
		    (p[5] & 0xf0) == 0x80 ? CAP_DR : CAP_OTHER;

		*sig = nf_sig_of(kind, p + 4, n - 4);
		return 1;
	}
	if (li < 2 || (nb = realloc(a->buf, a->len + n)) == NULL)
		return -1;
	a->buf = nb;
	memcpy(a->buf + a->len, p + 5 + li, n - 5 - li);
	a->len += n - 5 - li;
	if (!(p[6] & 0x80))
		return 0;
	*sig = nf_sig_of(CAP_DT, a->buf, a->len);
	a->complete = 1;
	return 1;
}

/* flow_answer - the responder's TSDU sig answered the last TPKT */
static int flow_answer(struct nf_flow *f, struct nf_sig sig)
{
	struct nf_pkt *k;
	struct nf_sig *s;

	if (f->n == 0)
		return 0;	/* the responder spoke first: ignore it */
	k = &f->pkt[f->n - 1];
	if ((s = realloc(k->ans, (k->nans + 1) * sizeof(*s))) == NULL)
		return -1;
	k->ans = s;
	k->ans[k->nans++] = sig;
	k->answered = 1;
	return 0;
}

/* flow_load - the initiator's TPKTs of path, and the answers to them */
static int flow_load(struct nf_flow *f, const char *path)
{
	struct cap cap;
	struct tsdu_asm a = { NULL, 0, 0 };
	const char *base = strrchr(path, '/');
	int rc = 0;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", base ? base + 1 : path);
	if (cap_load_tpkts(path, &cap) != 0) {
		fprintf(stderr, "netfuzz: %s: cannot read the capture\n", path);
		return -1;
	}
	if ((f->pkt = calloc(cap.n ? cap.n : 1, sizeof(*f->pkt))) == NULL)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < cap.n; i++) {
		struct cap_tsdu *t = &cap.tsdu[i];
		struct nf_sig sig;

		if (t->from_initiator) {
			f->pkt[f->n].p = t->data;
			f->pkt[f->n++].n = t->len;
			t->data = NULL;		/* the flow's now */
		} else if (tsdu_feed(&a, t->data, t->len, &sig) == 1) {
			rc = flow_answer(f, sig);
		}
	}
	free(a.buf);
	cap_free(&cap);
	if (rc == 0 && f->n == 0) {
		fprintf(stderr, "netfuzz: %s: no TPKT from the initiator\n",
			path);
		rc = -1;
	}
	return rc;
}

/* ---- connections --------------------------------------------------------- */

/* tcp_open - a connection to dst from src (NULL: any); -1 and errno */
static int tcp_open(const struct sockaddr_in *dst,
		    const struct sockaddr_in *src)
{
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, e;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
#ifdef IP_BIND_ADDRESS_NO_PORT
	/* the port is chosen at connect(), per destination: thousands of
	 * connections in TIME_WAIT do not use up the source's ports */
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
#endif
	if ((src && bind(fd, (const struct sockaddr *)src, sizeof(*src))) ||
	    connect(fd, (const struct sockaddr *)dst, sizeof(*dst))) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* send_all - p[0..n) in pieces of chunk octets (0: at once); -1 when
 *	the peer is gone or stopped reading */
static int send_all(int fd, const unsigned char *p, size_t n, size_t chunk)
{
	while (n > 0) {
		size_t want = chunk && chunk < n ? chunk : n;
		ssize_t w = send(fd, p, want, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* drain - read and drop what comes within ms (all of it when until_eof,
 *	else up to the first answer); -1 when the peer closed */
static int drain(int fd, int ms, int until_eof)
{
	unsigned char buf[8192];
	double end = now_s() + ms / 1000.0;

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int left = (int)((end - now_s()) * 1000.0), got = 0;
		ssize_t r;

		if (left < 0 || poll(&pfd, 1, left) <= 0)
			return 0;
		while ((r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			got = 1;
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (got && !until_eof)
			return 0;
	}
}

/* hang_up - FIN (after reading what is left), or RST */
static void hang_up(int fd, int reset, int ms)
{
	if (reset) {
		struct linger lg = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	} else {
		shutdown(fd, SHUT_WR);
		(void)drain(fd, ms, 1);
	}
	close(fd);
}

/* ring_keep - the octets of connection i, for -o */
static void ring_keep(struct nf *nf, unsigned long i, const struct nf_plan *pl)
{
	size_t len = 0, at = 0;
	unsigned char *p;

	for (size_t k = 0; k < pl->n; k++)
		len += pl->pkt[k].n;
	if ((p = malloc(len ? len : 1)) == NULL)
		return;
	for (size_t k = 0; k < pl->n; k++) {
		memcpy(p + at, pl->pkt[k].p, pl->pkt[k].n);
		at += pl->pkt[k].n;
	}
	free(nf->ring[i % RING].p);
	nf->ring[i % RING].index = i;
	nf->ring[i % RING].p = p;
	nf->ring[i % RING].n = len;
}

/* ring_write - the last connections' octets into -o DIR, oldest first */
static void ring_write(const struct nf *nf)
{
	unsigned long last = 0;
	char path[4096];
	FILE *fp;

	if (nf->outdir == NULL)
		return;
	mkdir(nf->outdir, 0755);
	for (int i = 0; i < RING; i++)
		if (nf->ring[i].p && nf->ring[i].index > last)
			last = nf->ring[i].index;
	for (unsigned long k = last < RING ? 0 : last - RING + 1; k <= last;
	     k++) {
		int i = (int)(k % RING);

		if (nf->ring[i].p == NULL || nf->ring[i].index != k)
			continue;
		snprintf(path, sizeof(path), "%s/netfuzz-%llu-%lu.bin",
			 nf->outdir, (unsigned long long)nf->seed,
			 nf->ring[i].index);
		if ((fp = fopen(path, "wb")) == NULL)
			continue;
		fwrite(nf->ring[i].p, 1, nf->ring[i].n, fp);
		fclose(fp);
		printf("netfuzz: connection %lu's octets are in %s\n",
		       nf->ring[i].index, path);
	}
}

/* describe - connection i's plan, on stderr (-d), with its source port */
static void describe(const struct nf_plan *pl, unsigned long i, int fd)
{
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);

	if (getsockname(fd, (struct sockaddr *)&me, &ml) != 0)
		me.sin_port = 0;
	fprintf(stderr, "netfuzz: %lu: port %u: %s, %zu TPKTs%s%s", i,
		ntohs(me.sin_port), pl->flow ? pl->flow->name : "a file",
		pl->n, pl->lockstep ? ", lockstep" : "",
		pl->reset ? ", RST" : "");
	if (pl->chunk)
		fprintf(stderr, ", pieces of %zu", pl->chunk);
	for (int k = 0; k < pl->nwhat; k++)
		fprintf(stderr, "; %s", pl->what[k]);
	fputc('\n', stderr);
}

/* play - send a plan on one connection; -1 when the target refused the
 *	connection itself */
static int play(struct nf *nf, const struct nf_plan *pl, unsigned long i,
		const struct sockaddr_in *src)
{
	int fd = -1, closed = 0;

	for (int tries = 0; fd < 0 && tries < 3; tries++)
		if ((fd = tcp_open(&nf->dst, src)) < 0 && tries < 2)
			sleep(1);
	if (fd < 0) {
		printf("netfuzz: connection %lu: cannot connect to the target: "
		       "%s\n", i, strerror(errno));
		return -1;
	}
	if (nf->describe)
		describe(pl, i, fd);
	for (size_t k = 0; k < pl->n && !closed; k++) {
		if (send_all(fd, pl->pkt[k].p, pl->pkt[k].n, pl->chunk))
			closed = 1;
		else if (pl->lockstep && pl->pkt[k].answered)
			closed = drain(fd, nf->wait_ms, 0) < 0;
	}
	nf->closed_first += closed;
	nf->resets += pl->reset;
	nf->pieces += pl->chunk != 0;
	nf->lockstep += pl->lockstep != 0;
	hang_up(fd, pl->reset, closed ? 0 : 2 * nf->wait_ms);
	return 0;
}

/* fuzz_one - connection i of the run */
static int fuzz_one(struct nf *nf, unsigned long i)
{
	struct nf_rng r;
	struct nf_plan pl;
	const struct nf_flow *f;
	int rc;

	nf_rng_seed(&r, nf->seed, i);
	f = nf->valid && nf_below(&r, 4) == 0 ? nf->valid :
	    &nf->flows[nf_below(&r, nf->nflows)];
	if (nf_plan_make(&pl, f, nf->flows, nf->nflows, &r) != 0) {
		nf_plan_free(&pl);
		return -1;
	}
	ring_keep(nf, i, &pl);
	rc = play(nf, &pl, i, nf->nsrc ? &nf->src[i % (unsigned)nf->nsrc] :
		  NULL);
	nf_plan_free(&pl);
	return rc;
}

/* ---- the valid association ----------------------------------------------- */

/* a reader of the target's answers, TPKT by TPKT */
struct rx {
	int		fd;
	unsigned char	buf[65536 + 4];
	size_t		len;
	struct tsdu_asm	a;
	const unsigned char *last;	/* the last complete TSDU (DT) */
	size_t		lastn;
};

/* rx_next - the next answer's signature; -1 and why on timeout or EOF */
static int rx_next(struct rx *x, struct nf_sig *sig, const char **why)
{
	double end = now_s() + VALID_MS / 1000.0;

	for (;;) {
		struct pollfd pfd = { x->fd, POLLIN, 0 };
		size_t tl;
		ssize_t r;
		int left;

		while (x->len >= 4 && (tl = (size_t)x->buf[2] << 8 |
				       x->buf[3]) <= x->len) {
			int rc;

			if (x->buf[0] != 3 || tl < 4) {
				*why = "not a TPKT";
				return -1;
			}
			rc = tsdu_feed(&x->a, x->buf, tl, sig);
			memmove(x->buf, x->buf + tl, x->len - tl);
			x->len -= tl;
			if (rc < 0) {
				*why = "not a TPDU";
				return -1;
			}
			if (rc == 1) {
				x->last = x->a.buf;
				x->lastn = sig->kind == CAP_DT ? x->a.len : 0;
				return 0;
			}
		}
		left = (int)((end - now_s()) * 1000.0);
		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			*why = "no answer within 10 s";
			return -1;
		}
		r = recv(x->fd, x->buf + x->len, sizeof(x->buf) - x->len, 0);
		if (r <= 0) {
			*why = r == 0 ? "the target closed the connection" :
			    "the connection failed";
			return -1;
		}
		x->len += (size_t)r;
	}
}

/* names_mta - the AC's user data names MTA name (the bind result) */
static int names_mta(const unsigned char *p, size_t n, const char *name)
{
	size_t l = strlen(name);

	for (size_t i = 0; i + l <= n; i++)
		if (memcmp(p + i, name, l) == 0)
			return 1;
	return 0;
}

/* expect - the answers to TPKT k must be the capture's */
static int expect(const char *rname, struct rx *x, const struct nf_pkt *k,
		  size_t kn, char *why, size_t whyn)
{
	for (size_t j = 0; j < k->nans; j++) {
		struct nf_sig got;
		const char *e;

		if (rx_next(x, &got, &e) != 0) {
			snprintf(why, whyn, "TPKT %zu: answer %zu: %s", kn, j,
				 e);
			return -1;
		}
		if (got.kind != k->ans[j].kind || got.si != k->ans[j].si) {
			snprintf(why, whyn, "TPKT %zu: answer %zu is TPDU kind "
				 "%d SPDU %d, the capture has kind %d SPDU %d",
				 kn, j, got.kind, got.si, k->ans[j].kind,
				 k->ans[j].si);
			return -1;
		}
		if (got.si == SPDU_AC && rname &&
		    !names_mta(x->last, x->lastn, rname)) {
			snprintf(why, whyn, "TPKT %zu: the AC (bind result) "
				 "does not name MTA \"%s\"", kn, rname);
			return -1;
		}
	}
	return 0;
}

/* nf_replay - see netfuzz.h */
int nf_replay(const struct sockaddr_in *dst, const struct sockaddr_in *src,
	      const struct nf_flow *f, size_t k, const char *rname,
	      char *why, size_t whyn)
{
	struct rx *x = calloc(1, sizeof(*x));
	int rc = 0, fd;

	if (x == NULL) {
		snprintf(why, whyn, "out of memory");
		return -1;
	}
	if ((fd = x->fd = tcp_open(dst, src)) < 0) {
		snprintf(why, whyn, "cannot connect: %s", strerror(errno));
		free(x);
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < k && i < f->n; i++) {
		if (send_all(fd, f->pkt[i].p, f->pkt[i].n, 0) && i + 1 < f->n) {
			snprintf(why, whyn, "TPKT %zu: cannot send: %s", i,
				 strerror(errno));
			rc = -1;
		} else {
			rc = expect(rname, x, &f->pkt[i], i, why, whyn);
		}
	}
	free(x->a.buf);
	free(x);
	if (rc != 0)
		hang_up(fd, 0, 100);
	return rc ? -1 : fd;
}

/* valid_one - the valid association, as captured; 0 when every answer
 *	was the capture's */
static int valid_one(struct nf *nf, char *why, size_t whyn)
{
	int fd = nf_replay(&nf->dst, nf->have_vsrc ? &nf->vsrc : NULL,
			   nf->valid, nf->valid->n, nf->rname, why, whyn);

	if (fd < 0)
		return -1;
	hang_up(fd, 0, 100);
	return 0;
}

/* valid_check - after a batch: the valid association, counted */
static int valid_check(struct nf *nf, unsigned long from, unsigned long to)
{
	char why[300];
	double t0 = now_s();

	if (nf->valid == NULL)
		return 0;
	if (valid_one(nf, why, sizeof(why)) == 0) {
		nf->valid_ok++;
		printf("netfuzz: connections %lu-%lu: the valid association "
		       "succeeded (%.2f s)\n", from, to, now_s() - t0);
		return 0;
	}
	nf->valid_fail++;
	printf("netfuzz: connections %lu-%lu: the valid association FAILED: "
	       "%s\n", from, to, why);
	return -1;
}

/* ---- the run ------------------------------------------------------------- */

/* run - the fuzz connections, by batches; -1 on the first failure */
static int run(struct nf *nf, double t0)
{
	unsigned long i = 0, first = 0;

	while (i < nf->n && (nf->secs <= 0 || now_s() - t0 < nf->secs)) {
		if (fuzz_one(nf, i) != 0)
			return -1;
		nf->done = ++i;
		if (i % nf->batch == 0) {
			if (valid_check(nf, first, i - 1) != 0)
				return -1;
			first = i;
		}
	}
	if (i < nf->n)
		printf("netfuzz: the deadline (%.0f s) came after %lu "
		       "connections\n", nf->secs, i);
	if (i > first || i == 0)
		return valid_check(nf, first, i ? i - 1 : 0);
	return 0;
}

/* replay_files - -r: each file's octets as one connection */
static int replay_files(struct nf *nf, char **files, int n)
{
	for (int i = 0; i < n; i++) {
		struct nf_plan pl = { 0 };
		struct nf_pkt k = { 0 };
		FILE *fp = fopen(files[i], "rb");
		unsigned char *p = malloc(65536 * 4);
		int rc;

		if (fp == NULL || p == NULL) {
			fprintf(stderr, "netfuzz: %s: %s\n", files[i],
				strerror(errno));
			free(p);
			if (fp)
				fclose(fp);
			return 2;
		}
		k.p = p;
		k.n = fread(p, 1, 65536 * 4, fp);
		fclose(fp);
		pl.pkt = &k;
		pl.n = 1;
		rc = play(nf, &pl, (unsigned long)i,
			  nf->nsrc ? &nf->src[0] : NULL);
		free(p);
		nf->done++;
		if (rc != 0 || valid_check(nf, (unsigned long)i,
					   (unsigned long)i) != 0)
			return 1;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: netfuzz [-n N] [-s SEED] [-t SECS] "
		"[-B BATCH] [-w MS] [-b SRC]...\n"
		"\t[-V PCAP -a SRC [-R NAME]] [-i INDEX | -r FILE...] "
		"[-o DIR] [-d] ADDR:PORT PCAP...\n"
		"       netfuzz -S K [-H SECS] -V PCAP [-a SRC] [-R NAME] "
		"ADDR:PORT\n");
	return 2;
}

/* addr_parse - "a.b.c.d" with port (or "a.b.c.d:port" when port < 0) */
static int addr_parse(const char *s, int port, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t hl = port < 0 && colon ? (size_t)(colon - s) : strlen(s);

	if (hl >= sizeof(host) || (port < 0 && colon == NULL))
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)(port < 0 ? atoi(colon + 1) : port));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* load - the pool: each PCAP, then the valid association (-V) */
static int load(struct nf *nf, char **paths, int n, const char *vpath)
{
	nf->flows = calloc((size_t)n + 1, sizeof(*nf->flows));
	if (nf->flows == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		if (flow_load(&nf->flows[nf->nflows++], paths[i]) != 0)
			return -1;
	if (vpath) {
		nf->valid = &nf->flows[nf->nflows];
		if (flow_load(&nf->flows[nf->nflows++], vpath) != 0)
			return -1;
	}
	return nf->nflows ? 0 : -1;
}

static void unload(struct nf *nf)
{
	for (size_t i = 0; i < nf->nflows; i++) {
		for (size_t k = 0; k < nf->flows[i].n; k++) {
			free(nf->flows[i].pkt[k].p);
			free(nf->flows[i].pkt[k].ans);
		}
		free(nf->flows[i].pkt);
	}
	free(nf->flows);
	for (int i = 0; i < RING; i++)
		free(nf->ring[i].p);
}

/* options - the command line into nf; -1 on a usage error */
static int options(struct nf *nf, int argc, char **argv, const char **vpath,
		   long *index, int *replay)
{
	int c;

	while ((c = getopt(argc, argv, "n:s:t:B:w:b:V:a:R:i:ro:dS:H:")) !=
	       -1) {
		switch (c) {
		case 'n': nf->n = strtoul(optarg, NULL, 10); break;
		case 's': nf->seed = strtoull(optarg, NULL, 0); break;
		case 't': nf->secs = atof(optarg); break;
		case 'B': nf->batch = strtoul(optarg, NULL, 10); break;
		case 'w': nf->wait_ms = atoi(optarg); break;
		case 'b':
			if (nf->nsrc == NSRC ||
			    addr_parse(optarg, 0, &nf->src[nf->nsrc++]))
				return -1;
			break;
		case 'V': *vpath = optarg; break;
		case 'a':
			if (addr_parse(optarg, 0, &nf->vsrc))
				return -1;
			nf->have_vsrc = 1;
			break;
		case 'R': nf->rname = optarg; break;
		case 'i': *index = atol(optarg); break;
		case 'r': *replay = 1; break;
		case 'o': nf->outdir = optarg; break;
		case 'd': nf->describe = 1; break;
		case 'S': nf->stall = atol(optarg); break;
		case 'H': nf->hold = atof(optarg); break;
		default: return -1;
		}
	}
	if (optind >= argc || nf->batch == 0 || nf->wait_ms < 0 ||
	    (nf->stall >= 0 && (*vpath == NULL || nf->stall == 0 ||
				nf->hold <= 0)) ||
	    addr_parse(argv[optind], -1, &nf->dst))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct nf nf = { .n = 2000, .batch = 200, .seed = 1, .wait_ms = 20,
			 .stall = -1, .hold = 60 };
	const char *vpath = NULL;
	long index = -1;
	int replay = 0, rc;
	double t0 = now_s();

	if (options(&nf, argc, argv, &vpath, &index, &replay) != 0)
		return usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	argc -= optind + 1;
	argv += optind + 1;
	if (load(&nf, argv, replay ? 0 : argc, vpath) != 0) {
		unload(&nf);
		return replay || argc ? 2 : usage();
	}
	if (nf.stall >= 0) {
		rc = nf_stall(&nf.dst, nf.have_vsrc ? &nf.vsrc : NULL,
			      nf.valid, (size_t)nf.stall, nf.hold, nf.rname);
		unload(&nf);
		return rc;
	}
	if (replay)
		rc = replay_files(&nf, argv, argc);
	else if (index >= 0)
		rc = fuzz_one(&nf, (unsigned long)index) ||
		    valid_check(&nf, (unsigned long)index,
				(unsigned long)index) ? 1 : 0;
	else
		rc = run(&nf, t0) ? 1 : 0;
	if (index >= 0 && rc == 0)
		nf.done = 1;
	printf("netfuzz: seed %llu: %lu connections in %.1f s (%lu lockstep, "
	       "%lu in pieces, %lu reset by us, %lu closed by the target "
	       "first); valid associations: %lu of %lu succeeded\n",
	       (unsigned long long)nf.seed, nf.done, now_s() - t0,
	       nf.lockstep, nf.pieces, nf.resets, nf.closed_first,
	       nf.valid_ok, nf.valid_ok + nf.valid_fail);
	if (rc != 0)
		ring_write(&nf);
	unload(&nf);
	return rc;
}
