/*
 * x400ber - decode and print X.400 and OSI PDUs
 *
 * SYNOPSIS
 *	x400ber [-t TYPE] [-x] FILE...
 *	x400ber -l
 *
 * DESCRIPTION
 *	Decodes each FILE ("-" is standard input) as one BER-encoded PDU
 *	and prints it readably. Without -t, every known PDU type is tried
 *	and the first that decodes the whole input is used. -x reads the
 *	input as hexadecimal text (spaces, newlines and "0x" ignored), as
 *	operators paste it from logs and traces. -l lists the PDU types.
 *
 * DIAGNOSTICS
 *	Exit status 0 if every file decoded, 1 if one did not (the reason
 *	names the type, the error and the offset), 2 on a usage error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"

/* slurp - read a whole file ("-" for stdin); caller frees */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL)
		return NULL;
	do {
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap = cap * 2 + 4096);

			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r > 0);
	if (fp != stdin)
		fclose(fp);
	*len = n;
	return buf;
}

/* unhex - turn hex text into bytes in place; -1 on a stray character */
static int unhex(unsigned char *buf, size_t *len)
{
	size_t in = 0, out = 0;
	int hi = -1;

	while (in < *len) {
		int c = buf[in++];

		if (isspace(c) || c == ':' || c == ',')
			continue;
		if (c == '0' && in < *len && (buf[in] == 'x' || buf[in] == 'X')) {
			in++;
			continue;
		}
		if (!isxdigit(c))
			return -1;
		c = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (hi < 0) {
			hi = c;
		} else {
			buf[out++] = (unsigned char)(hi << 4 | c);
			hi = -1;
		}
	}
	if (hi >= 0)
		return -1;
	*len = out;
	return 0;
}

/* show - decode buf as type (or any type) and print it */
static int show(const char *path, const char *type, const unsigned char *buf,
		size_t len)
{
	const char *name;
	void *v = NULL;
	int err = CODEC_E_MALFORMED;

	for (size_t i = 0; (name = type ? type : codec_pdu_name(i)); i++) {
		const asn_TYPE_descriptor_t *td = codec_pdu(name);

		if (td == NULL) {
			fprintf(stderr, "x400ber: unknown PDU type %s\n", name);
			return 2;
		}
		if ((err = codec_decode(td, buf, len, 0, &v, NULL)) == 0) {
			printf("%s: %s (%zu octets)\n", path, name, len);
			codec_fprint(td, v, stdout);
			codec_free(td, v);
			return 0;
		}
		if (type)
			break;
	}
	fprintf(stderr, "x400ber: %s: %s: %s: %s\n", path,
		type ? type : "no PDU type fits", codec_strerror(err),
		codec_last_detail());
	return 1;
}

int main(int argc, char **argv)
{
	const char *type = NULL;
	int hex = 0, rc = 0, c;

	while ((c = getopt(argc, argv, "lt:x")) != -1) {
		switch (c) {
		case 'l':
			for (size_t i = 0; codec_pdu_name(i); i++)
				puts(codec_pdu_name(i));
			return 0;
		case 't':
			type = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		default:
			fprintf(stderr, "usage: x400ber [-t TYPE] [-x] FILE..."
				"\n       x400ber -l\n");
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: x400ber [-t TYPE] [-x] FILE...\n");
		return 2;
	}
	for (; optind < argc; optind++) {
		const char *path = argv[optind];
		size_t len = 0;
		unsigned char *buf = slurp(path, &len);
		int r;

		if (buf == NULL) {
			perror(path);
			rc = 1;
			continue;
		}
		if (hex && unhex(buf, &len) != 0) {
			fprintf(stderr, "x400ber: %s: not hexadecimal\n", path);
			free(buf);
			rc = 1;
			continue;
		}
		if ((r = show(path, type, buf, len)) > rc)
			rc = r;
		free(buf);
	}
	return rc;
}
