/*
 * fuzz_seeds.c - cut the fuzz seed corpus out of real captures
 *
 * SYNOPSIS
 *	fuzz_seeds OUTDIR PCAP...
 *
 * DESCRIPTION
 *	For every session user data in each capture (tests/vectors/), walks
 *	its BER tree, and the BER inside OCTET STRINGs, and tries every
 *	node as every PDU type in the codec registry. A node that decodes
 *	is written to OUTDIR/<PDU>/<pp-|isod>-<hash>, once per distinct
 *	content. Run by `make fuzz-seeds`; the output is committed under
 *	tests/fuzz/corpus/, so the corpus does not depend on this program
 *	staying right.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "codec.h"

static const char *outdir;
static char pcapname[256];
static int written;

/* fnv - 64-bit FNV-1a of the seed, for a stable file name */
static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

/* try_node - write buf as a seed of every PDU type that decodes it */
static void try_node(const unsigned char *buf, size_t len)
{
	const char *name;
	size_t i;

	for (i = 0; (name = codec_pdu_name(i)) != NULL; i++) {
		const asn_TYPE_descriptor_t *td = codec_pdu(name);
		char path[4096];
		void *v = NULL;
		FILE *fp;

		if (codec_decode(td, buf, len, 0, &v, NULL) != 0)
			continue;
		codec_free(td, v);
		snprintf(path, sizeof(path), "%s/%s", outdir, name);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%.4s-%016llx", outdir,
			 name, pcapname, (unsigned long long)fnv(buf, len));
		if (access(path, F_OK) == 0 || (fp = fopen(path, "wb")) == NULL)
			continue;
		fwrite(buf, 1, len, fp);
		fclose(fp);
		written++;
	}
}

/* walk - try each TLV in buf[0..len) and everything inside it */
static void walk(const unsigned char *buf, size_t len, int depth)
{
	size_t pos = 0;

	while (pos < len && depth < 32) {
		size_t tlv, hdr, clen;
		const unsigned char *p = buf + pos;
		unsigned char lb;

		if (codec_ber_check(p, len - pos, CODEC_MAX_DEPTH, &tlv) != 0)
			return;
		try_node(p, tlv);
		/* header: tag octets, then the length octets */
		hdr = 1;
		if ((p[0] & 0x1f) == 0x1f)
			while (hdr < tlv && (p[hdr++] & 0x80))
				;
		lb = p[hdr++];
		if (lb & 0x80 && lb != 0x80)
			hdr += lb & 0x7f;
		clen = tlv - hdr;
		if (lb == 0x80 && clen >= 2)
			clen -= 2;	/* end-of-contents */
		if (p[0] & 0x20)
			walk(p + hdr, clen, depth + 1);
		else if (p[0] == 0x04)
			walk(p + hdr, clen, depth + 1);
		pos += tlv;
	}
}

int main(int argc, char **argv)
{
	int a;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUTDIR PCAP...\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	for (a = 2; a < argc; a++) {
		const char *base = strrchr(argv[a], '/');
		struct cap cap;
		size_t i;
		char *dot;

		snprintf(pcapname, sizeof(pcapname), "%s",
			 base ? base + 1 : argv[a]);
		if ((dot = strstr(pcapname, ".pcap")) != NULL)
			*dot = 0;
		if (cap_load(argv[a], &cap) != 0) {
			fprintf(stderr, "%s: cannot load\n", argv[a]);
			return 1;
		}
		for (i = 0; i < cap.n; i++) {
			struct spdu_view v;

			if (cap.tsdu[i].kind != CAP_DT ||
			    cap_spdu(&cap.tsdu[i], &v) != 0 || v.ud == NULL)
				continue;
			walk(v.ud, v.udlen, 0);
		}
		cap_free(&cap);
	}
	printf("%d seeds written\n", written);
	return 0;
}
