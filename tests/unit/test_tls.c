/*
 * test_tls.c - TLS peer identities (lib/tlsid.c): pins parsed, printed
 * and matched, a CA and a name checked; certificates made here with
 * OpenSSL's API (a CA, a leaf it signs, a stranger)
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "events.h"
#include "log.h"
#include "tlsid.h"

static const char hex[] =
	"00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

static void test_parse(void **state)
{
	struct tlsid id = TLSID_INIT;
	char err[200], s[TLSID_STRLEN], in[200];

	(void)state;
	snprintf(in, sizeof(in), "sha256-cert:%s", hex);
	assert_int_equal(tlsid_parse_pin(in, &id, err, sizeof(err)), 0);
	assert_int_equal(id.kind, TLSID_CERT);
	assert_int_equal(id.pin[0], 0x00);
	assert_int_equal(id.pin[10], 0xaa);
	assert_int_equal(id.pin[31], 0xff);
	tlsid_pin_str(id.kind, id.pin, s);
	assert_string_equal(s, "sha256-cert:00:11:22:33:44:55:66:77:88:99:"
			    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
			    "AA:BB:CC:DD:EE:FF");
	/* colons, and the printed form, parse back */
	s[7] = 's', s[8] = 'p', s[9] = 'k', s[10] = 'i';
	assert_int_equal(tlsid_parse_pin(s, &id, err, sizeof(err)), 0);
	assert_int_equal(id.kind, TLSID_SPKI);
	assert_int_equal(id.pin[31], 0xff);
	assert_true(tlsid_active(&id));
	/* refused: no kind, another hash, too short, too long, not hex,
	 * a stray colon */
	assert_int_equal(tlsid_parse_pin(hex, &id, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sha256-cert:"));
	snprintf(in, sizeof(in), "sha1-cert:%s", hex);
	assert_int_equal(tlsid_parse_pin(in, &id, err, sizeof(err)), -1);
	snprintf(in, sizeof(in), "sha256-cert:%.62s", hex);
	assert_int_equal(tlsid_parse_pin(in, &id, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "64 digits"));
	snprintf(in, sizeof(in), "sha256-cert:%s00", hex);
	assert_int_equal(tlsid_parse_pin(in, &id, err, sizeof(err)), -1);
	snprintf(in, sizeof(in), "sha256-cert:%.62sgg", hex);
	assert_int_equal(tlsid_parse_pin(in, &id, err, sizeof(err)), -1);
	snprintf(in, sizeof(in), "sha256-cert::%s", hex);
	assert_int_equal(tlsid_parse_pin(in, &id, err, sizeof(err)), -1);
}

/* cert - a certificate for cn (SAN DNS:cn), signed by ca (NULL: by
 *	itself), valid from days_from to days_to from now */
static X509 *cert(const char *cn, EVP_PKEY *key, X509 *ca,
		  EVP_PKEY *ca_key, long days_from, long days_to)
{
	X509 *x = X509_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	char san[100];

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), days_from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), days_to * 86400);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
				   MBSTRING_ASC, (const unsigned char *)cn,
				   -1, -1, 0);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) :
			     X509_get_subject_name(x));
	X509V3_set_ctx(&v3, ca ? ca : x, x, NULL, NULL, 0);
	if (ca == NULL) {
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
					  "critical,CA:TRUE");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	} else {
		snprintf(san, sizeof(san), "DNS:%s", cn);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
					  san);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, ca_key ? ca_key : key, EVP_sha256()) > 0);
	return x;
}

static EVP_PKEY *key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	assert_non_null(k);
	return k;
}

static void test_pins(void **state)
{
	EVP_PKEY *k1 = key(), *k2 = key();
	X509 *a = cert("mta-a.example", k1, NULL, NULL, 0, 30);
	X509 *a2 = cert("mta-a.example", k1, NULL, NULL, -1, 60);
	X509 *b = cert("mta-b.example", k2, NULL, NULL, 0, 30);
	struct tlsid id = TLSID_INIT;
	char why[600];

	(void)state;
	/* a certificate pin matches that certificate only */
	assert_int_equal(tlsid_pin_of(a, TLSID_CERT, id.pin), 0);
	id.kind = TLSID_CERT;
	assert_int_equal(tlsid_check(&id, a, NULL, why, sizeof(why)), 0);
	assert_int_equal(tlsid_check(&id, a2, NULL, why, sizeof(why)),
			 EV_TLS_PIN_MISMATCH);
	assert_non_null(strstr(why, "expected sha256-cert:"));
	assert_int_equal(tlsid_check(&id, NULL, NULL, why, sizeof(why)),
			 EV_TLS_PIN_MISMATCH);
	assert_non_null(strstr(why, "got none"));
	/* a key pin survives the renewal with the same key */
	assert_int_equal(tlsid_pin_of(a, TLSID_SPKI, id.pin), 0);
	id.kind = TLSID_SPKI;
	assert_int_equal(tlsid_check(&id, a, NULL, why, sizeof(why)), 0);
	assert_int_equal(tlsid_check(&id, a2, NULL, why, sizeof(why)), 0);
	assert_int_equal(tlsid_check(&id, b, NULL, why, sizeof(why)),
			 EV_TLS_PIN_MISMATCH);
	assert_non_null(strstr(why, "mta-b.example"));
	/* no pin, no CA: anyone */
	id.kind = TLSID_NONE;
	assert_false(tlsid_active(&id));
	assert_int_equal(tlsid_check(&id, b, NULL, why, sizeof(why)), 0);
	X509_free(a);
	X509_free(a2);
	X509_free(b);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

static void test_ca_name(void **state)
{
	EVP_PKEY *kc = key(), *kl = key(), *ks = key();
	X509 *ca = cert("test-ca", kc, NULL, NULL, 0, 30);
	X509 *leaf = cert("mta-b.example", kl, ca, kc, 0, 30);
	X509 *old = cert("mta-b.example", kl, ca, kc, -30, -1);
	X509 *stranger = cert("mta-b.example", ks, NULL, NULL, 0, 30);
	char path[] = "/tmp/test_tls_XXXXXX", why[600];
	struct tlsid id = TLSID_INIT, copy;
	FILE *fp;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	PEM_write_X509(fp, ca);
	fclose(fp);
	id.ca = strdup(path);
	id.name = strdup("mta-b.example");
	assert_true(tlsid_active(&id));
	assert_int_equal(tlsid_check(&id, leaf, NULL, why, sizeof(why)), 0);
	assert_int_equal(tlsid_check(&id, stranger, NULL, why, sizeof(why)),
			 EV_TLS_UNKNOWN_CA);
	assert_int_equal(tlsid_check(&id, old, NULL, why, sizeof(why)),
			 EV_TLS_CERT_EXPIRED);
	assert_int_equal(tlsid_check(&id, NULL, NULL, why, sizeof(why)),
			 EV_TLS_UNKNOWN_CA);
	tlsid_copy(&copy, &id);
	free(copy.name);
	copy.name = strdup("mta-x.example");
	assert_int_equal(tlsid_check(&copy, leaf, NULL, why, sizeof(why)),
			 EV_TLS_NAME_MISMATCH);
	assert_non_null(strstr(why, "mta-x.example"));
	tlsid_free(&copy);
	tlsid_free(&id);
	unlink(path);
	X509_free(ca);
	X509_free(leaf);
	X509_free(old);
	X509_free(stranger);
	EVP_PKEY_free(kc);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(ks);
}

/* write_ca - ca in PEM into a new file, named in path */
static void write_ca(char *path, X509 *ca)
{
	FILE *fp;
	int fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	PEM_write_X509(fp, ca);
	fclose(fp);
}

/* tlsid_load_ca(): the CA read into memory is used once the file is
 * gone, shared by copies, kept when the file cannot be read again, and
 * lent to another id by tlsid_keep_ca() */
static void test_ca_loaded(void **state)
{
	EVP_PKEY *kc = key(), *kl = key(), *ks = key();
	X509 *ca = cert("test-ca", kc, NULL, NULL, 0, 30);
	X509 *leaf = cert("mta-b.example", kl, ca, kc, 0, 30);
	X509 *stranger = cert("mta-b.example", ks, NULL, NULL, 0, 30);
	char path[] = "/tmp/test_tls_XXXXXX", why[600];
	struct tlsid id = TLSID_INIT, copy, other = TLSID_INIT;
	FILE *fp;

	(void)state;
	write_ca(path, ca);
	id.ca = strdup(path);
	id.name = strdup("mta-b.example");
	assert_int_equal(tlsid_load_ca(&id, why, sizeof(why)), 0);
	assert_non_null(id.store);
	unlink(path);
	assert_int_equal(tlsid_check(&id, leaf, NULL, why, sizeof(why)), 0);
	assert_int_equal(tlsid_check(&id, stranger, NULL, why, sizeof(why)),
			 EV_TLS_UNKNOWN_CA);
	tlsid_copy(&copy, &id);
	assert_ptr_equal(copy.store, id.store);
	assert_int_equal(tlsid_check(&copy, leaf, NULL, why, sizeof(why)), 0);
	tlsid_free(&copy);
	/* gone, then not a CA file: the reason, and the store stays */
	assert_int_equal(tlsid_load_ca(&id, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot open: No such file"));
	assert_non_null(strstr(why, path));
	assert_non_null(fp = fopen(path, "w"));
	fputs("not a certificate\n", fp);
	fclose(fp);
	assert_int_equal(tlsid_load_ca(&id, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no CA certificate read from it"));
	assert_int_equal(tlsid_check(&id, leaf, NULL, why, sizeof(why)), 0);
	/* an id whose file cannot be read, lent id's store */
	other.ca = strdup(path);
	other.name = strdup("mta-b.example");
	assert_int_equal(tlsid_check(&other, leaf, NULL, why, sizeof(why)),
			 EV_TLS_UNKNOWN_CA);
	tlsid_keep_ca(&other, &id);
	assert_int_equal(tlsid_check(&other, leaf, NULL, why, sizeof(why)), 0);
	tlsid_free(&id);
	assert_int_equal(tlsid_check(&other, leaf, NULL, why, sizeof(why)), 0);
	tlsid_free(&other);
	unlink(path);
	X509_free(ca);
	X509_free(leaf);
	X509_free(stranger);
	EVP_PKEY_free(kc);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(ks);
}

/* ---- conn.c over TLS: a server and a client on loopback ------------ */

#define NBYTES	300000u

static uv_loop_t loop;
static struct {
	int	status, connected, closed, eofs, paused, pin_events;
	size_t	got, bad;
	char	version[32];
	struct conn *srv;
	uv_timer_t resume;
} T;

static void sink(const struct log_rec *r, void *arg)
{
	(void)arg;
	if (r->event == EV_TLS_PIN_MISMATCH)
		T.pin_events++;
}

static void on_resume(uv_timer_t *t)
{
	(void)t;
	conn_resume(T.srv);
}

static void srv_read(struct conn *c, const uint8_t *p, size_t n, void *arg)
{
	(void)arg;
	snprintf(T.version, sizeof(T.version), "%s", conn_tls_version(c));
	for (size_t i = 0; i < n; i++, T.got++)
		T.bad += p[i] != (uint8_t)(T.got * 7);
	if (!T.paused) {	/* backpressure: what TLS holds waits */
		T.paused = 1;
		conn_pause(c);
		uv_timer_start(&T.resume, on_resume, 20, 0);
	}
}

static void any_eof(struct conn *c, int status, void *arg)
{
	(void)status, (void)arg;
	T.eofs++;
	conn_close(c);
}

static void any_closed(struct conn *c, void *arg)
{
	(void)c, (void)arg;
	T.closed++;
}

static void cli_connected(struct conn *c, int status, void *arg)
{
	static uint8_t buf[NBYTES];

	(void)arg;
	T.connected = 1;
	T.status = status;
	if (status != 0)
		return;
	for (size_t i = 0; i < NBYTES; i++)
		buf[i] = (uint8_t)(i * 7);
	for (size_t off = 0; off < NBYTES; off += 10000)
		assert_int_equal(conn_write(c, buf + off, 10000), 0);
	conn_close(c);
}

static const struct conn_cbs srv_cbs = {
	.read = srv_read, .eof = any_eof, .closed = any_closed
};
static const struct conn_cbs cli_cbs = {
	.connected = cli_connected, .eof = any_eof, .closed = any_closed
};

static void on_accept(struct conn *c, void *arg)
{
	(void)arg;
	T.srv = c;
	conn_start(c, &srv_cbs, NULL);
}

/* pem_files - the key and a self-signed certificate, in two files */
static void pem_files(char *kpath, char *cpath)
{
	EVP_PKEY *k = key();
	X509 *x = cert("mta-b.example", k, NULL, NULL, 0, 30);
	FILE *fp;
	int fd;

	assert_true((fd = mkstemp(kpath)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
	assert_true((fd = mkstemp(cpath)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	PEM_write_X509(fp, x);
	fclose(fp);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* session - one client connection with id (NULL: anyone), run until
 *	every connection closed */
static void session(const struct tlsid *id)
{
	char kp[] = "/tmp/test_tls_kXXXXXX", cp[] = "/tmp/test_tls_cXXXXXX";
	char err[400];
	struct conn_tls_ctx *sc, *cc;
	struct conn_listener *l;
	struct conn_opts o = { .tls_id = id };
	const char *addr = "127.0.0.1";
	struct conn *c;
	int want;

	memset(&T, 0, sizeof(T));
	log_set_sink(sink, NULL);
	log_quiet(1);
	pem_files(kp, cp);
	assert_int_equal(conn_tls_ctx_new(1, cp, kp, NULL, &sc, err,
					  sizeof(err)), 0);
	assert_int_equal(conn_tls_ctx_new(0, NULL, NULL, NULL, &cc, err,
					  sizeof(err)), 0);
	/* a key that is not the certificate's is refused */
	assert_int_equal(conn_tls_ctx_new(1, cp, cp, NULL, &sc, err,
					  sizeof(err)) == 0 ? 0 : -1, -1);
	uv_loop_init(&loop);
	uv_timer_init(&loop, &T.resume);
	assert_int_equal(conn_listen(&loop, &addr, 1, 0, on_accept, NULL,
				     &l), 0);
	conn_listener_tls(l, sc);
	o.tls = cc;
	assert_int_equal(conn_connect(&loop, addr, conn_listener_port(l, 0),
				      &o, &cli_cbs, NULL, &c), 0);
	want = 2;
	for (int i = 0; i < 5000 && T.closed < want; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
	conn_listener_close(l);
	uv_close((uv_handle_t *)&T.resume, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	conn_tls_ctx_free(sc);
	conn_tls_ctx_free(cc);
	unlink(kp);
	unlink(cp);
	log_set_sink(NULL, NULL);
	log_quiet(0);
}

static void test_conn_tls(void **state)
{
	(void)state;
	session(NULL);
	assert_true(T.connected);
	assert_int_equal(T.status, 0);
	assert_int_equal(T.got, NBYTES);
	assert_int_equal(T.bad, 0);
	assert_true(T.paused);
	assert_string_equal(T.version, "TLSv1.3");
	assert_int_equal(T.closed, 2);
}

static void test_conn_pin_mismatch(void **state)
{
	struct tlsid id = TLSID_INIT;

	(void)state;
	id.kind = TLSID_CERT;	/* a pin of zeros: not the server */
	session(&id);
	assert_int_equal(T.status, CONN_E_TLS_PEER);
	assert_int_equal(T.got, 0);
	assert_int_equal(T.pin_events, 1);
	assert_int_equal(T.closed, 2);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);	/* as x400d: a reset peer is an error */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_ca_name),
		cmocka_unit_test(test_ca_loaded),
		cmocka_unit_test(test_conn_tls),
		cmocka_unit_test(test_conn_pin_mismatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
