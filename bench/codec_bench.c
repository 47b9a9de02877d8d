/*
 * codec_bench - BER decode and encode of a typical P1 message
 *
 * SYNOPSIS
 *	codec_bench [-r RECIPIENTS] [-z BYTES] [-s SECONDS]
 *
 * DESCRIPTION
 *	Builds one MTS-APDU as an originating MTA would (p1_msg_build: a
 *	Message with RECIPIENTS recipients, default 10, and an IPM content
 *	of BYTES octets, default 4096), then for SECONDS each (default 1):
 *
 *	decode		codec_decode() of the APDU into asn1c's structure
 *			and codec_free(), with the relay's size cap
 *	encode		codec_encode_alloc() of that structure and free()
 *	relay path	what x400d does to each message it relays: decode
 *			on arrival, encode for the queue, decode from the
 *			queue and encode for the next MTA (2 + 2)
 *
 *	Printed in messages per second and MB per second of APDU octets
 *	(one MB = 10^6 octets), on one core.
 *
 * DIAGNOSTICS
 *	Exit status 0; 1 if the message does not build or decode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "codec.h"
#include "log.h"
#include "p1_msg.h"
#include "xalloc.h"

#include "MTS-APDU.h"

static double now_s(void)
{
	return (double)uv_hrtime() / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "codec_bench: %s: %s\n", what, codec_last_detail());
	exit(1);
}

static void row(const char *name, long n, double t, size_t octets)
{
	printf("  %-34s %10.0f %10.1f\n", name, (double)n / t,
	       (double)n * (double)octets / t / 1e6);
}

int main(int argc, char **argv)
{
	struct p1_msg_spec s;
	const char **rcpts;
	unsigned char *der, *out;
	size_t len, olen;
	char why[300];
	MTS_APDU_t *a = NULL;
	double secs = 1.0, t0, t;
	int nr = 10, c, i;
	size_t body = 4096;
	long n;

	while ((c = getopt(argc, argv, "r:z:s:")) != -1) {
		switch (c) {
		case 'r': nr = atoi(optarg); break;
		case 'z': body = (size_t)atol(optarg); break;
		case 's': secs = atof(optarg); break;
		default:
			fprintf(stderr, "usage: codec_bench [-r RECIPIENTS] "
				"[-z BYTES] [-s SECONDS]\n");
			return 2;
		}
	}
	if (nr < 1 || secs <= 0)
		return 2;
	log_open(NULL, LOG_ERR);
	rcpts = xcalloc((size_t)nr, sizeof(*rcpts));
	for (i = 0; i < nr; i++) {
		char r[100];

		snprintf(r, sizeof(r), "C=XX;A=ADMD;P=SINK;O=dst;S=user%d", i);
		rcpts[i] = xstrdup(r);
	}
	memset(&s, 0, sizeof(s));
	s.gdi = "C=XX;A=ADMD;P=LOAD";
	s.mta = "load";
	s.originator = "C=XX;A=ADMD;P=LOAD;O=gen;S=sender";
	s.recipients = rcpts;
	s.nrecipients = (size_t)nr;
	s.subject = "benchmark";
	s.body = "text";
	s.pad_to = body;
	s.seq = 1;
	if (p1_msg_build(&s, &der, &len, why, sizeof(why)) != 0) {
		fprintf(stderr, "codec_bench: %s\n", why);
		return 1;
	}
	printf("Codec (BER, asn1c), one P1 message: %d recipients, %zu-octet "
	       "content, %zu-octet MTS-APDU\n", nr, body, len);
	printf("  %-34s %10s %10s\n", "", "msgs/s", "MB/s");

	n = 0;
	t0 = now_s();
	do {
		MTS_APDU_t *d = NULL;

		if (codec_decode(&asn_DEF_MTS_APDU, der, len, 17u << 20,
				 (void **)&d, NULL) != 0)
			die("decode");
		codec_free(&asn_DEF_MTS_APDU, d);
		n++;
	} while ((t = now_s() - t0) < secs);
	row("decode", n, t, len);

	if (codec_decode(&asn_DEF_MTS_APDU, der, len, 0, (void **)&a, NULL))
		die("decode");
	n = 0;
	t0 = now_s();
	do {
		if (codec_encode_alloc(&asn_DEF_MTS_APDU, a, &out, &olen) != 0)
			die("encode");
		free(out);
		n++;
	} while ((t = now_s() - t0) < secs);
	row("encode", n, t, olen);
	codec_free(&asn_DEF_MTS_APDU, a);

	n = 0;
	t0 = now_s();
	do {
		for (i = 0; i < 2; i++) {
			MTS_APDU_t *d = NULL;

			if (codec_decode(&asn_DEF_MTS_APDU, der, len, 17u << 20,
					 (void **)&d, NULL) != 0)
				die("decode");
			if (codec_encode_alloc(&asn_DEF_MTS_APDU, d, &out,
					       &olen) != 0)
				die("encode");
			free(out);
			codec_free(&asn_DEF_MTS_APDU, d);
		}
		n++;
	} while ((t = now_s() - t0) < secs);
	row("relay path (2 decodes + 2 encodes)", n, t, len);

	free(der);
	for (i = 0; i < nr; i++)
		free((char *)rcpts[i]);
	free(rcpts);
	return 0;
}
