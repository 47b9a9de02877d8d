/*
 * test_pcapw.c - the pcap writer: files made 0600, captures held in
 *	memory and saved later (pcapw_open_mem, pcapw_save)
 *
 * tshark's reading of what pcapw writes is tested over real connections
 * in test_conn.c and by the integration tests (pcap_in.sh); here, that a
 * held capture saved later is the very file a capture from the start
 * would have been, timestamps aside; and that redaction blanks a
 * password where it is a BER string's value, across segments, with the
 * TCP checksums made right again (checked here by RFC 1071 afresh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapw.h"

static char dir[64];
static struct sockaddr_in local, peer;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_pcapw.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons(102);
	inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
	peer = local;
	peer.sin_port = htons(40000);
	inet_pton(AF_INET, "127.0.0.2", &peer.sin_addr);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *path(const char *name)
{
	static char p[2][128];
	static int k;

	k = !k;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

/* slurp - a file's bytes with every record's timestamp zeroed */
static unsigned char *slurp(const char *f, size_t *n)
{
	FILE *fp = fopen(f, "rb");
	unsigned char *b = malloc(1 << 20);
	size_t at;

	assert_non_null(fp);
	assert_non_null(b);
	*n = fread(b, 1, 1 << 20, fp);
	fclose(fp);
	assert_true(*n >= 24);
	for (at = 24; at + 16 <= *n;) {
		uint32_t caplen = (uint32_t)b[at + 8] | (uint32_t)b[at + 9] << 8 |
		    (uint32_t)b[at + 10] << 16 | (uint32_t)b[at + 11] << 24;

		memset(b + at, 0, 8);
		at += 16 + caplen;
	}
	assert_int_equal(at, *n);
	return b;
}

/* talk - a CR and its CC, then more data, then a FIN */
static void talk(struct pcapw *pw, int part)
{
	static const char cr[] = "\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x01\x00";
	static const char cc[] = "\x03\x00\x00\x0b\x06\xd0\x00\x01\x00\x01\x00";
	static char big[3000];

	if (part == 0) {
		assert_int_equal(pcapw_data(pw, PCAPW_FROM_PEER, cr, 11), 0);
		assert_int_equal(pcapw_data(pw, PCAPW_FROM_LOCAL, cc, 11), 0);
		return;
	}
	memset(big, 'x', sizeof(big));
	assert_int_equal(pcapw_data(pw, PCAPW_FROM_PEER, big, sizeof(big)),
			 0);
	assert_int_equal(pcapw_fin(pw, PCAPW_FROM_PEER), 0);
}

/* a capture held from the start and saved after the CR/CC is the file
 * a capture to the file from the start writes */
static void test_held_then_saved(void **state)
{
	struct pcapw *a, *b;
	unsigned char *x, *y;
	size_t nx, ny;
	int err;

	(void)state;
	a = pcapw_open(path("direct.pcap"), (struct sockaddr *)&local,
		       (struct sockaddr *)&peer, 0, &err);
	assert_non_null(a);
	b = pcapw_open_mem((struct sockaddr *)&local,
			   (struct sockaddr *)&peer, 0, 4096, &err);
	assert_non_null(b);
	assert_int_equal(pcapw_held(b), 1);
	assert_string_equal(pcapw_path(b), "(memory)");
	talk(a, 0);
	talk(b, 0);
	assert_int_equal(access(path("held.pcap"), F_OK), -1);
	assert_int_equal(pcapw_save(b, path("held.pcap")), 0);
	assert_int_equal(pcapw_held(b), 0);
	assert_string_equal(pcapw_path(b), path("held.pcap"));
	assert_int_equal(pcapw_save(b, path("again.pcap")), -EINVAL);
	talk(a, 1);		/* beyond max: the file has no limit */
	talk(b, 1);
	assert_int_equal(pcapw_close(a), 0);
	assert_int_equal(pcapw_close(b), 0);
	x = slurp(path("direct.pcap"), &nx);
	y = slurp(path("held.pcap"), &ny);
	assert_int_equal(nx, ny);
	assert_memory_equal(x, y, nx);
	free(x);
	free(y);
}

/* more than max held: dropped, the writes still succeed, saving fails
 * with EFBIG and creates nothing; closing frees it */
static void test_held_overflow(void **state)
{
	struct pcapw *pw;
	char big[600];
	int err;

	(void)state;
	memset(big, 'y', sizeof(big));
	pw = pcapw_open_mem((struct sockaddr *)&local,
			    (struct sockaddr *)&peer, 0, 500, &err);
	assert_non_null(pw);
	assert_int_equal(pcapw_data(pw, PCAPW_FROM_PEER, big, sizeof(big)),
			 0);
	assert_int_equal(pcapw_data(pw, PCAPW_FROM_LOCAL, "z", 1), 0);
	assert_int_equal(pcapw_save(pw, path("over.pcap")), -EFBIG);
	assert_int_equal(access(path("over.pcap"), F_OK), -1);
	assert_int_equal(pcapw_close(pw), 0);
	/* a held capture never saved is just dropped */
	pw = pcapw_open_mem((struct sockaddr *)&local,
			    (struct sockaddr *)&peer, 0, 500, &err);
	assert_non_null(pw);
	assert_int_equal(pcapw_close(pw), 0);
}

/* files are 0600 whatever the umask, an old file's mode too; a family
 * mix is refused before any file is made */
static void test_mode_0600(void **state)
{
	struct sockaddr_in6 v6;
	struct pcapw *pw;
	struct stat st;
	mode_t old = umask(022);
	FILE *fp;
	int err;

	(void)state;
	pw = pcapw_open(path("new.pcap"), (struct sockaddr *)&local,
			(struct sockaddr *)&peer, 1, &err);
	assert_non_null(pw);
	assert_int_equal(pcapw_close(pw), 0);
	assert_int_equal(stat(path("new.pcap"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(fp = fopen(path("old.pcap"), "w"));
	fputs("old contents", fp);
	fclose(fp);
	assert_int_equal(chmod(path("old.pcap"), 0644), 0);
	pw = pcapw_open_mem((struct sockaddr *)&local,
			    (struct sockaddr *)&peer, 0, 4096, &err);
	assert_int_equal(pcapw_save(pw, path("old.pcap")), 0);
	assert_int_equal(pcapw_close(pw), 0);
	assert_int_equal(stat(path("old.pcap"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 24 + 3 * (16 + 14 + 20 + 20));
	memset(&v6, 0, sizeof(v6));
	v6.sin6_family = AF_INET6;
	assert_null(pcapw_open(path("mixed.pcap"), (struct sockaddr *)&local,
			       (struct sockaddr *)&v6, 1, &err));
	assert_int_equal(err, -EAFNOSUPPORT);
	assert_int_equal(access(path("mixed.pcap"), F_OK), -1);
	assert_int_equal(pcapw_open(path("nodir/x.pcap"),
				    (struct sockaddr *)&local,
				    (struct sockaddr *)&peer, 1, &err) == NULL,
			 1);
	assert_int_equal(err, -ENOENT);
	umask(old);
}

/* count - occurrences of s (n octets) in b */
static int count(const unsigned char *b, size_t len, const char *s, size_t n)
{
	size_t i;
	int k = 0;

	for (i = 0; i + n <= len; i++)
		if (memcmp(b + i, s, n) == 0)
			k++;
	return k;
}

/* tcp_ok - every record's TCP checksum (IPv4) verifies: the one's
 *	complement sum over pseudo-header, header and data is 0xffff */
static int tcp_ok(const unsigned char *b, size_t len)
{
	size_t at;

	for (at = 24; at + 16 <= len;) {
		size_t caplen = (size_t)b[at + 8] | (size_t)b[at + 9] << 8;
		const unsigned char *ip = b + at + 16 + 14, *t = ip + 20;
		size_t tl = caplen - 14 - 20, i;
		uint32_t s = 6 + (uint32_t)tl;

		for (i = 12; i < 20; i += 2)
			s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
		for (i = 0; i + 1 < tl; i += 2)
			s += (uint32_t)(t[i] << 8 | t[i + 1]);
		if (tl & 1)
			s += (uint32_t)(t[tl - 1] << 8);
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		if (s != 0xffff)
			return 0;
		at += 16 + caplen;
	}
	return 1;
}

/* a password the peer sent as an IA5String split over two segments, one
 * we sent under [0] IMPLICIT with a long-form length: both blanked; the
 * same octets not a BER value (a name that happens to hold them) kept;
 * a secret not sent: 0 found; a saved capture cannot be redacted */
static void test_redact(void **state)
{
	static const char p1[] = "\xa1\x0a\x16\x08secr";
	static const char p2[] = "et12 name:secret12";
	static const char l1[] = "\x80\x81\x05ourpw";
	struct pcapw *pw;
	unsigned char *b;
	size_t n;
	int err;

	(void)state;
	pw = pcapw_open_mem((struct sockaddr *)&local,
			    (struct sockaddr *)&peer, 0, 4096, &err);
	assert_non_null(pw);
	talk(pw, 0);
	assert_int_equal(pcapw_data(pw, PCAPW_FROM_PEER, p1, 8), 0);
	assert_int_equal(pcapw_data(pw, PCAPW_FROM_PEER, p2, 18), 0);
	assert_int_equal(pcapw_data(pw, PCAPW_FROM_LOCAL, l1, 8), 0);
	assert_int_equal(pcapw_redact(pw, PCAPW_FROM_PEER, "secret12", 8), 1);
	assert_int_equal(pcapw_redact(pw, PCAPW_FROM_LOCAL, "ourpw", 5), 1);
	assert_int_equal(pcapw_redact(pw, PCAPW_FROM_PEER, "ourpw", 5), 0);
	assert_int_equal(pcapw_redact(pw, PCAPW_FROM_LOCAL, "other", 5), 0);
	assert_int_equal(pcapw_redact(pw, PCAPW_FROM_LOCAL, "", 0), 0);
	assert_int_equal(pcapw_save(pw, path("red.pcap")), 0);
	assert_int_equal(pcapw_redact(pw, PCAPW_FROM_PEER, "x", 1), -EINVAL);
	talk(pw, 1);
	assert_int_equal(pcapw_close(pw), 0);
	b = slurp(path("red.pcap"), &n);
	assert_int_equal(count(b, n, "secret12", 8), 1);	/* the name's */
	assert_int_equal(count(b, n, "secr", 4), 1);
	assert_int_equal(count(b, n, "\x16\x08****", 6), 1);
	assert_int_equal(count(b, n, "****et12", 8), 0);
	assert_int_equal(count(b, n, "\x81\x05*****", 7), 1);
	assert_int_equal(count(b, n, "ourpw", 5), 0);
	assert_true(tcp_ok(b, n));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_held_then_saved, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_held_overflow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mode_0600, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_redact, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
