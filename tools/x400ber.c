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
 *	Long names: --type, --hex, --list; -h (--help) prints the usage,
 *	--version the version.
 *
 * DIAGNOSTICS
 *	Exit status 0 if every file decoded, 1 if one did not (the reason
 *	names the type, the error and the offset), 2 on a usage error.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "x400_version.h"

static const char synopsis[] =
"usage: x400ber [-x] [-t TYPE] FILE...\n"
"       x400ber -l\n";

static const char usage_text[] =
"\n"
"Decode each FILE (\"-\": standard input) as one BER-encoded PDU and print\n"
"it. Without -t, every PDU type is tried and the first that decodes the\n"
"whole input is printed.\n"
"\n"
"  -t, --type TYPE   decode as TYPE only (-l lists them)\n"
"  -x, --hex         the input is hexadecimal text (blanks, \":\", \",\" and\n"
"                    \"0x\" are ignored), as pasted from a log or a trace\n"
"  -l, --list        list the PDU types\n"
"  -h, --help        this text\n"
"      --version     the version\n"
"\n"
"Exit status: 0 every file decoded, 1 one did not (the type, the error and\n"
"the offset are printed), 2 usage error.\n";

/* usage - the synopsis on stderr; the status for a usage error */
static int usage(void)
{
	fputs(synopsis, stderr);
	fputs("(x400ber --help for more)\n", stderr);
	return 2;
}

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
	static const struct option lo[] = {
		{ "type", 1, NULL, 't' }, { "hex", 0, NULL, 'x' },
		{ "list", 0, NULL, 'l' }, { "help", 0, NULL, 'h' },
		{ "version", 0, NULL, 'V' }, { NULL, 0, NULL, 0 }
	};
	const char *type = NULL;
	int hex = 0, rc = 0, c;

	while ((c = getopt_long(argc, argv, "lt:xh", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("x400ber %s\n", X400_VERSION);
			return 0;
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
			return usage();
		}
	}
	if (optind == argc)
		return usage();
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
