/*
 * netfuzz_stall.c - netfuzz -S: a peer that stops in the middle of an
 *	association and says nothing more
 *
 * SYNOPSIS
 *	netfuzz -S K [-H SECS] -V PCAP [-a SRC] [-R NAME] ADDR:PORT
 *
 * DESCRIPTION
 *	Issue 17: idle_timeout applies to every state after the bind,
 *	stalled activities included. nf_stall() replays the first K
 *	initiator TPKTs of the -V capture exactly as captured, waiting
 *	for each answer and checking it as the valid association does
 *	(nf_replay, netfuzz.c); then it sends nothing, keeps the
 *	connection open for up to SECS seconds, reads and keeps whatever
 *	the target sends, and prints how long the target took to close
 *	the connection, how (FIN or reset), and the TPKTs it sent
 *	meanwhile (an abort, say), or that the connection is still open.
 *
 *	In tests/vectors/pp-p1-loop-success.pcap the initiator's TPKTs
 *	are: 0 CR, 1 CN (the bind), 2 GT+AS (S-ACTIVITY-START), 3 GT+DT
 *	(the message, one RTSE APDU, 739 octets), 4 GT+MAP/AE (the end of
 *	the activity, answered by MAA/AEA), 5 FN (the release), 6 DR.
 *	K 3 stops once the activity has begun; K 4 once the message's
 *	data is in, but its activity never ends, so the message must not
 *	be taken (tests/integration/stall.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "netfuzz.h"

#define KEEP	65536		/* octets of the target's kept, to describe */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *spdu_name(int si)
{
	switch (si) {
	case SPDU_GT_DT: return "DT";
	case SPDU_CN: return "CN";
	case SPDU_AC: return "AC";
	case SPDU_RF: return "RF";
	case SPDU_FN: return "FN";
	case SPDU_DN: return "DN";
	case SPDU_AB: return "AB";
	case SPDU_AS: return "AS";
	case SPDU_MAP_AE: return "MAP/AE";
	case SPDU_MAA_AEA: return "MAA/AEA";
	default: return "another SPDU";
	}
}

/* tpkt_what - one whole TPKT, described: "CR", "DT: SPDU AB (25)"... */
static void tpkt_what(const unsigned char *p, size_t n, char *out,
		      size_t outn)
{
	size_t li = n > 4 ? p[4] : 0;
	int code = n > 5 ? p[5] & 0xf0 : -1;

	if (n < 6 || li + 5 > n)
		snprintf(out, outn, "not a TPDU");
	else if (code == 0xe0 || code == 0xd0 || code == 0x80)
		snprintf(out, outn, "%s", code == 0xe0 ? "CR" :
			 code == 0xd0 ? "CC" : "DR");
	else if (code != 0xf0 || li < 2)
		snprintf(out, outn, "TPDU 0x%02x", (unsigned)code);
	else {
		struct nf_sig s = nf_sig_of(CAP_DT, p + 5 + li, n - 5 - li);

		snprintf(out, outn, "DT: SPDU %s (%d)%s", s.si < 0 ?
			 "unknown" : spdu_name(s.si), s.si,
			 p[6] & 0x80 ? "" : ", more to come");
	}
}

/* describe_rx - the TPKTs in p[0..n), on one line */
static void describe_rx(const unsigned char *p, size_t n, size_t total)
{
	size_t at = 0, count = 0;
	char what[64];

	if (total == 0) {
		printf("nothing");
		return;
	}
	while (at + 4 <= n && p[at] == 3) {
		size_t tl = (size_t)p[at + 2] << 8 | p[at + 3];

		if (tl < 4 || at + tl > n)
			break;
		tpkt_what(p + at, tl, what, sizeof(what));
		printf("%s%s", count++ ? ", " : "", what);
		at += tl;
	}
	if (at < total)
		printf("%s%zu octets more", count ? ", and " : "", total - at);
}

int nf_stall(const struct sockaddr_in *dst, const struct sockaddr_in *src,
	     const struct nf_flow *f, size_t k, double hold, const char *rname)
{
	static unsigned char buf[KEEP];
	unsigned char junk[4096];
	size_t len = 0, total = 0;
	char why[300], what[64];
	const char *how = NULL;
	double t0, t;
	int fd;

	if (k == 0 || k >= f->n) {
		fprintf(stderr, "netfuzz: -S %zu: %s has %zu TPKTs from the "
			"initiator; K must be 1 to %zu\n", k, f->name, f->n,
			f->n - 1);
		return 2;
	}
	tpkt_what(f->pkt[k - 1].p, f->pkt[k - 1].n, what, sizeof(what));
	if ((fd = nf_replay(dst, src, f, k, rname, why, sizeof(why))) < 0) {
		printf("netfuzz: stall: %s: the first %zu TPKTs FAILED: %s\n",
		       f->name, k, why);
		return 1;
	}
	printf("netfuzz: stall: %s: TPKTs 0-%zu sent and answered as "
	       "captured (the last: %s); silence now, for up to %.0f s\n",
	       f->name, k - 1, what, hold);
	t0 = now_s();
	while (how == NULL && (t = now_s() - t0) < hold) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pfd, 1, (int)((hold - t) * 1000.0) + 1) <= 0)
			continue;
		r = recv(fd, len < KEEP ? buf + len : junk,
			 len < KEEP ? KEEP - len : sizeof(junk), 0);
		if (r > 0) {
			total += (size_t)r;
			len += len < KEEP ? (size_t)r : 0;
		} else if (r == 0) {
			how = "FIN";
		} else if (errno != EINTR && errno != EAGAIN) {
			how = errno == ECONNRESET ? "reset" : strerror(errno);
		}
	}
	t = now_s() - t0;
	close(fd);
	if (how == NULL) {
		printf("netfuzz: stall: the connection is still open after "
		       "%.0f s of silence; the target sent ", hold);
		describe_rx(buf, len, total);
		printf("\n");
		return 1;
	}
	printf("netfuzz: stall: the target closed the connection (%s) after "
	       "%.2f s of silence, having sent ", how, t);
	describe_rx(buf, len, total);
	printf("\n");
	return 0;
}
