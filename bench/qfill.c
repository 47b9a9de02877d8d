/*
 * qfill - fill a queue with messages waiting for a later attempt, for
 *	   the scaling benchmark
 *
 * SYNOPSIS
 *	qfill -d DIR [-n COUNT] [-z BYTES] [-l LINK] [-w SECONDS]
 *
 * DESCRIPTION
 *	Creates the store at DIR (as x400d would) and adds COUNT messages
 *	(default 100000), each a real MTS-APDU from p1_msg_build() with a
 *	BYTES-octet content (default 4096) and one recipient queued on
 *	LINK (default "sink") whose next attempt is SECONDS from now
 *	(default 86400): the state of a queue after a peer was away. The
 *	relay then runs its benchmark over this queue; its scheduler must
 *	pass these messages by at no cost per message.
 *
 *	The fill runs without sync (Q_SYNC_NONE: it is set-up, not the
 *	measurement), 500 arrivals per transaction, and ends with one
 *	fdatasync of the store's file: otherwise the kernel would still be
 *	writing the fill back while the relay runs, and the relay's first
 *	commits (an fdatasync of the same file) would pay for gigabytes
 *	of set-up. Then it drops the file's pages from the page cache
 *	(POSIX_FADV_DONTNEED): the fill's large writes leave large folios
 *	there, and a 4 KB page the relay commits into one has the whole
 *	folio written back (the first run over a fill wrote 80 to 120 KB
 *	per message instead of 45). The relay starts as after a restart
 *	on a machine whose cache went to other work, and reads in the
 *	few index pages it needs.
 *	Prints "COUNT messages, BYTES octets in the store".
 *
 * DIAGNOSTICS
 *	Exit status 0, 1 on a store error (printed), 2 on a usage error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "p1_msg.h"
#include "q.h"
#include "xalloc.h"

#define PER_TXN	500

/* sync_file - fdatasync DIR/data.mdb (the fill's pages reach the
 *	disk), then drop its pages from the page cache */
static int sync_file(const char *dir)
{
	char path[4096];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	rc = fdatasync(fd);
	if (rc == 0)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *link = "sink";
	const char *rcpt = "C=XX;A=ADMD;P=SINK;O=dst;S=user";
	struct q_config cfg;
	struct p1_msg_spec s;
	struct q_totals tot;
	struct q_rd *rd;
	struct q *q;
	long count = 100000, wait = 86400, k;
	size_t body = 4096;
	time_t now = time(NULL);
	int c, rc;

	while ((c = getopt(argc, argv, "d:n:z:l:w:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': count = atol(optarg); break;
		case 'z': body = (size_t)atol(optarg); break;
		case 'l': link = optarg; break;
		case 'w': wait = atol(optarg); break;
		default: dir = NULL; optind = argc; count = -1; break;
		}
	}
	if (dir == NULL || count < 0) {
		fprintf(stderr, "usage: qfill -d DIR [-n COUNT] [-z BYTES] "
			"[-l LINK] [-w SECONDS]\n");
		return 2;
	}
	log_open(NULL, LOG_ERR);
	memset(&cfg, 0, sizeof(cfg));
	cfg.dir = dir;
	cfg.create = 1;
	cfg.sync = Q_SYNC_NONE;
	if ((rc = q_open(&cfg, &q)) != 0) {
		fprintf(stderr, "qfill: %s: %s\n", dir, q_strerror(rc));
		return 1;
	}
	memset(&s, 0, sizeof(s));
	s.gdi = "C=XX;A=ADMD;P=LOAD";
	s.mta = "load";
	s.local_id = NULL;
	s.originator = "C=XX;A=ADMD;P=LOAD;O=gen;S=sender";
	s.recipients = &rcpt;
	s.nrecipients = 1;
	s.subject = "queued";
	s.body = "text";
	s.pad_to = body;
	s.now = now;

	for (k = 0; k < count; ) {
		struct q_op ops[PER_TXN];
		struct q_msg m[PER_TXN];
		struct q_rcpt r[PER_TXN];
		unsigned char *der[PER_TXN];
		char mtsid[PER_TXN][64];
		char why[300];
		size_t len, n = 0;

		for (; n < PER_TXN && k < count; n++, k++) {
			s.seq = (uint64_t)k + 1;
			if (p1_msg_build(&s, &der[n], &len, why,
					 sizeof(why)) != 0) {
				fprintf(stderr, "qfill: %s\n", why);
				return 1;
			}
			snprintf(mtsid[n], sizeof(mtsid[n]),
				 "[C=XX;A=ADMD;P=LOAD;qfill-%ld]", k);
			memset(&m[n], 0, sizeof(m[n]));
			m[n].kind = Q_KIND_MESSAGE;
			m[n].prio = Q_PRIO_NORMAL;
			m[n].size = body;
			m[n].arrival = now;
			m[n].expiry = now + 2 * 86400;
			m[n].mtsid = mtsid[n];
			m[n].originator = s.originator;
			m[n].content_type = "22";
			m[n].src_link = "load";
			m[n].src_peer = "127.0.0.1:1";
			memset(&r[n], 0, sizeof(r[n]));
			r[n].state = Q_ST_PENDING;
			r[n].flags = Q_RF_RESPONSIBLE;
			r[n].attempts = 1;
			r[n].next_attempt = now + wait;
			r[n].reason = r[n].diag = -1;
			r[n].address = rcpt;
			r[n].link = link;
			r[n].diag_text = "the peer could not be reached";
			memset(&ops[n], 0, sizeof(ops[n]));
			ops[n].type = Q_OP_ARRIVE;
			ops[n].now = now;
			ops[n].msg = &m[n];
			ops[n].rcpts = &r[n];
			ops[n].nrcpts = 1;
			ops[n].apdu = der[n];
			ops[n].apdu_len = len;
			ops[n].link = "load";
			ops[n].peer = "127.0.0.1:1";
		}
		rc = q_apply(q, ops, n, NULL);
		for (size_t i = 0; i < n; i++)
			free(der[i]);
		if (rc != 0) {
			fprintf(stderr, "qfill: %s\n", q_strerror(rc));
			return 1;
		}
	}
	if ((rc = q_rd_begin(q, &rd)) != 0) {
		fprintf(stderr, "qfill: %s: %s\n", dir, q_strerror(rc));
		return 1;
	}
	q_totals(rd, &tot);
	q_rd_end(rd);
	printf("%llu messages, %llu octets in the store\n",
	       (unsigned long long)tot.msgs,
	       (unsigned long long)tot.apdu_bytes);
	q_close(q);
	if (sync_file(dir) != 0) {
		perror("qfill: fdatasync");
		return 1;
	}
	return 0;
}
