/*
 * x400passwd - make (or check) the hash that verifies a peer's password
 *
 * SYNOPSIS
 *	x400passwd [-s pbkdf2|scrypt] [-i ITERATIONS] [-N COST] [-r BLOCK]
 *		   [-p PAR]
 *	x400passwd -c HASH
 *
 * DESCRIPTION
 *	Reads a password and prints the string to put in a link's
 *	peer_password (docs/config.md), for example
 *	    $pbkdf2-sha256$i=600000$3q2+7w...$Vb0...
 *	With -s scrypt: $scrypt$N=32768,r=8,p=1$...$... (auth.h gives the
 *	format and the limits). -i sets PBKDF2's iteration count (default
 *	600000); -N, -r and -p scrypt's cost, block size and parallelism.
 *	The salt is 16 fresh random octets, so two runs never print the
 *	same string.
 *
 *	-c HASH reads a password and says whether HASH verifies it (a
 *	password in clear "$plain$..." is accepted here too).
 *
 *	Every option has a long name (--scheme, --iterations, --cost,
 *	--block-size, --parallelism, --check); -h (--help) prints the
 *	usage and --version the version.
 *
 *	The password is read from the terminal without echo, twice, when
 *	standard input is a terminal; otherwise it is the first line of
 *	standard input (without its line end), so that scripts can pipe
 *	it in. A password is never taken from the command line, where
 *	other users could see it in the process list.
 *
 * DIAGNOSTICS
 *	Exit status 0 on success (-c: the password matches), 1 if it does
 *	not match or cannot be read, 2 on a usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "pwread.h"
#include "x400_version.h"

#define PW_MAX	1024

static const char synopsis[] =
"usage: x400passwd [-s pbkdf2|scrypt] [-i ITERATIONS] [-N COST] [-r BLOCK]\n"
"                  [-p PARALLELISM]\n"
"       x400passwd -c HASH\n";

static const char usage_text[] =
"\n"
"Print the hash of a password, for a link's peer_password in x400d.conf;\n"
"with -c, say whether HASH verifies a password. The password is read from\n"
"the terminal (no echo; twice when hashing) or, when standard input is not\n"
"a terminal, from its first line. It is never taken from the command line.\n"
"\n"
"  -s, --scheme SCHEME       pbkdf2 (default) or scrypt\n"
"  -i, --iterations N        PBKDF2's iteration count (default 600000)\n"
"  -N, --cost N              scrypt's cost N, a power of 2 (default 32768)\n"
"  -r, --block-size R        scrypt's block size (default 8)\n"
"  -p, --parallelism P       scrypt's parallelism (default 1)\n"
"  -c, --check HASH          verify a password against HASH instead\n"
"  -h, --help                this text\n"
"      --version             the version\n"
"\n"
"Exit status: 0 success (-c: the password matches), 1 failure (no match,\n"
"no password), 2 usage error.\n";

/* usage - the synopsis on stderr, and exit 2 */
static void usage(void)
{
	fputs(synopsis, stderr);
	fputs("(x400passwd --help for more)\n", stderr);
	exit(2);
}

/* number - a positive decimal option value */
static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v == 0)
		usage();
	return v;
}

/* stdin_password - the first line of standard input */
static int stdin_password(char *pw, size_t len)
{
	int rc = pwread_line(stdin, pw, len);

	if (rc < 0)
		fprintf(stderr, "x400passwd: no password on standard input: "
			"%s\n", pwread_strerror(rc));
	return rc;
}

/* prompt - read a line from the terminal without echo */
static int prompt(const char *text, char *buf, size_t len)
{
	int rc = pwread_tty(text, buf, len);

	if (rc < 0)
		fprintf(stderr, "x400passwd: cannot read the password from "
			"the terminal: %s\n", pwread_strerror(rc));
	return rc;
}

/* get_password - from the terminal (twice) or the first line of stdin */
static int get_password(char *pw, size_t len, int twice)
{
	char again[PW_MAX];
	int rc;

	if (!isatty(STDIN_FILENO))
		return stdin_password(pw, len);
	if (prompt("Password: ", pw, len) < 0)
		return -1;
	if (!twice)
		return 0;
	rc = prompt("Again: ", again, sizeof(again));
	if (rc == 0 && strcmp(pw, again) != 0) {
		fprintf(stderr, "x400passwd: the two passwords differ\n");
		rc = -1;
	}
	pwread_wipe(again, sizeof(again));
	return rc;
}

int main(int argc, char **argv)
{
	const char *scheme = "pbkdf2", *check = NULL;
	unsigned long long iter = AUTH_PBKDF2_ITER, n = AUTH_SCRYPT_N;
	unsigned long long r = AUTH_SCRYPT_R, p = AUTH_SCRYPT_P;
	static const struct option lo[] = {
		{ "scheme", 1, NULL, 's' }, { "iterations", 1, NULL, 'i' },
		{ "cost", 1, NULL, 'N' }, { "block-size", 1, NULL, 'r' },
		{ "parallelism", 1, NULL, 'p' }, { "check", 1, NULL, 'c' },
		{ "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char pw[PW_MAX], *hash;
	int opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "s:i:N:r:p:c:h", lo,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(synopsis, stdout);
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("x400passwd %s\n", X400_VERSION);
			return 0;
		case 's':
			scheme = optarg;
			break;
		case 'i':
			iter = number(optarg);
			break;
		case 'N':
			n = number(optarg);
			break;
		case 'r':
			r = number(optarg);
			break;
		case 'p':
			p = number(optarg);
			break;
		case 'c':
			check = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc ||
	    (strcmp(scheme, "pbkdf2") != 0 && strcmp(scheme, "scrypt") != 0))
		usage();
	if (check) {
		struct auth_verifier *v;
		char err[AUTH_ERRLEN];

		if (auth_verifier_parse(check, 1, &v, err, sizeof(err)) < 0) {
			fprintf(stderr, "x400passwd: %s\n", err);
			return 2;
		}
		if (get_password(pw, sizeof(pw), 0) == 0) {
			rc = auth_verify(v, pw, strlen(pw)) ? 0 : 1;
			printf("%s\n", rc == 0 ? "match" : "no match");
		}
		auth_verifier_free(v);
		pwread_wipe(pw, sizeof(pw));
		return rc;
	}
	if (get_password(pw, sizeof(pw), 1) < 0)
		return 1;
	if (*pw == 0) {
		fprintf(stderr, "x400passwd: empty password (a peer that "
			"sends none is configured with peer_password = "
			"\"\")\n");
		return 1;
	}
	if (strcmp(scheme, "scrypt") == 0)
		hash = r > 1000 || p > 1000 ? NULL :
		       auth_hash_scrypt(pw, strlen(pw), n, (unsigned)r,
					(unsigned)p);
	else
		hash = iter > 0xffffffffu ? NULL :
		       auth_hash_pbkdf2(pw, strlen(pw), (unsigned)iter);
	pwread_wipe(pw, sizeof(pw));
	if (hash == NULL) {
		fprintf(stderr, "x400passwd: parameters out of range (PBKDF2: "
			"1..10000000 iterations; scrypt: N a power of 2 up to "
			"1048576, r 1..32, p 1..16, 128 N r up to 256 MiB)\n");
		return 1;
	}
	printf("%s\n", hash);
	free(hash);
	return 0;
}
