/*
 * test_auth.c - peer password verifiers, our secrets file (auth_)
 *
 * The known answers below were computed with Python's hashlib
 * (pbkdf2_hmac, scrypt), an implementation independent of ours and of
 * the base64 coder in auth.c.
 *
 * CRYPTO_memcmp and PKCS5_PBKDF2_HMAC are interposed (defined here,
 * forwarding to libcrypto through dlsym): the tests count the calls to
 * show that secrets are compared in constant time, and that the memo
 * spares the hash.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"

static int memcmp_calls, pbkdf2_calls;

int CRYPTO_memcmp(const void *a, const void *b, size_t len)
{
	static int (*real)(const void *, const void *, size_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "CRYPTO_memcmp");
	memcmp_calls++;
	return real(a, b, len);
}

int PKCS5_PBKDF2_HMAC(const char *pass, int passlen,
		      const unsigned char *salt, int saltlen, int iter,
		      const EVP_MD *digest, int keylen, unsigned char *out)
{
	static int (*real)(const char *, int, const unsigned char *, int,
			   int, const EVP_MD *, int, unsigned char *);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "PKCS5_PBKDF2_HMAC");
	pbkdf2_calls++;
	return real(pass, passlen, salt, saltlen, iter, digest, keylen, out);
}

/* hashlib.pbkdf2_hmac('sha256', b'hunter2', salt, 1000) */
static const char pbkdf2_hunter2[] =
	"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlg$"
	"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ";
/* hashlib.scrypt(b'secret', salt=salt, n=1024, r=8, p=1, dklen=32) */
static const char scrypt_secret[] =
	"$scrypt$N=1024,r=8,p=1$36CM5lw5xtRbj9mBhLjz9Q$"
	"ABkzu8DKc7hPVK6gYkRaIGTGfKsAzsyz3tLumQgFh2E";

/* parse - a verifier that must be accepted */
static struct auth_verifier *parse(const char *s, int allow_plain)
{
	struct auth_verifier *v;
	char err[AUTH_ERRLEN];

	if (auth_verifier_parse(s, allow_plain, &v, err, sizeof(err)) != 0)
		fail_msg("%s refused: %s", s, err);
	return v;
}

static void test_known_answers(void **state)
{
	struct auth_verifier *v;

	(void)state;
	v = parse(pbkdf2_hunter2, 0);
	assert_int_equal(auth_verifier_kind(v), AUTH_PBKDF2);
	assert_true(auth_verify(v, "hunter2", 7));
	assert_false(auth_verify(v, "hunter3", 7));
	assert_false(auth_verify(v, "hunter2", 6));
	assert_false(auth_verify(v, "hunter2\n", 8));
	assert_false(auth_verify(v, "", 0));
	auth_verifier_free(v);
	v = parse(scrypt_secret, 0);
	assert_int_equal(auth_verifier_kind(v), AUTH_SCRYPT);
	assert_true(auth_verify(v, "secret", 6));
	assert_false(auth_verify(v, "Secret", 6));
	auth_verifier_free(v);
}

static void test_round_trip(void **state)
{
	static const char pw[] = "p\xe4ssw\0rd";	/* any octets */
	struct auth_verifier *v;
	char *h1, *h2;

	(void)state;
	h1 = auth_hash_pbkdf2(pw, sizeof(pw) - 1, 2000);
	h2 = auth_hash_pbkdf2(pw, sizeof(pw) - 1, 2000);
	assert_non_null(h1);
	assert_non_null(h2);
	assert_string_not_equal(h1, h2);		/* fresh salts */
	assert_memory_equal(h1, "$pbkdf2-sha256$i=2000$", 22);
	v = parse(h1, 0);
	assert_true(auth_verify(v, pw, sizeof(pw) - 1));
	assert_false(auth_verify(v, pw, 5));		/* up to the NUL */
	auth_verifier_free(v);
	v = parse(h2, 0);
	assert_true(auth_verify(v, pw, sizeof(pw) - 1));
	auth_verifier_free(v);
	free(h1);
	free(h2);

	h1 = auth_hash_scrypt("x", 1, 256, 4, 2);
	assert_non_null(h1);
	assert_memory_equal(h1, "$scrypt$N=256,r=4,p=2$", 22);
	v = parse(h1, 0);
	assert_true(auth_verify(v, "x", 1));
	assert_false(auth_verify(v, "y", 1));
	auth_verifier_free(v);
	free(h1);

	assert_null(auth_hash_pbkdf2("x", 1, 0));
	assert_null(auth_hash_scrypt("x", 1, 1000, 8, 1));	/* not 2^k */
	assert_null(auth_hash_scrypt("x", 1, 1 << 20, 32, 1)); /* 4 GiB */
}

/* one octet changed anywhere: refused at parse, or the password no
 * longer verifies */
static void test_tampered(void **state)
{
	static const char *const bad[] = {
		"$pbkdf2-sha256$i=0$UyEfiFAEI3FFBDJlvhtBlg$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",
		"$pbkdf2-sha256$i=01000$UyEfiFAEI3FFBDJlvhtBlg$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",
		"$pbkdf2-sha256$i=99999999999$UyEfiFAEI3FFBDJlvhtBlg$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",
		"$pbkdf2-sha256$UyEfiFAEI3FFBDJlvhtBlg$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",
		"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlg==$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",	/* padding */
		"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlh$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",	/* not canon. */
		"$pbkdf2-sha256$i=1000$UyEf$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",	/* short salt */
		"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlg$dnkK",
		"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlg",
		"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlg$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ$",
		"$pbkdf2-sha1$i=1000$UyEfiFAEI3FFBDJlvhtBlg$"
		"dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ",
		"$scrypt$N=1000,r=8,p=1$36CM5lw5xtRbj9mBhLjz9Q$"
		"ABkzu8DKc7hPVK6gYkRaIGTGfKsAzsyz3tLumQgFh2E",
		"$scrypt$N=1048576,r=8,p=1$36CM5lw5xtRbj9mBhLjz9Q$"
		"ABkzu8DKc7hPVK6gYkRaIGTGfKsAzsyz3tLumQgFh2E",	/* 1 GiB */
		"$scrypt$N=1024,r=0,p=1$36CM5lw5xtRbj9mBhLjz9Q$"
		"ABkzu8DKc7hPVK6gYkRaIGTGfKsAzsyz3tLumQgFh2E",
		"$scrypt$N=1024,p=1,r=8$36CM5lw5xtRbj9mBhLjz9Q$"
		"ABkzu8DKc7hPVK6gYkRaIGTGfKsAzsyz3tLumQgFh2E",
		"$scrypt$N=1024,r=8,p=1$36CM5lw5xtRbj9mB hLjz9Q$"
		"ABkzu8DKc7hPVK6gYkRaIGTGfKsAzsyz3tLumQgFh2E",
		"$unknown$x",
		"$",
	};
	struct auth_verifier *v;
	char err[AUTH_ERRLEN];
	char s[sizeof(pbkdf2_hunter2)];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (auth_verifier_parse(bad[i], 1, &v, err, sizeof(err)) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_null(v);
		assert_true(err[0] != 0);
	}
	/* every single character of the salt or hash changed to another
	 * base64 character that still parses: the password fails */
	for (size_t i = strlen("$pbkdf2-sha256$i=1000$");
	     i < sizeof(s) - 1; i++) {
		memcpy(s, pbkdf2_hunter2, sizeof(s));
		if (s[i] == '$')
			continue;
		s[i] = s[i] == 'A' ? 'B' : 'A';
		if (auth_verifier_parse(s, 0, &v, err, sizeof(err)) < 0)
			continue;		/* a non-canonical last char */
		if (auth_verify(v, "hunter2", 7))
			fail_msg("tampered at %zu and still verifies", i);
		auth_verifier_free(v);
	}
	/* the iteration count is part of the hash */
	v = parse("$pbkdf2-sha256$i=1001$UyEfiFAEI3FFBDJlvhtBlg$"
		  "dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ", 0);
	assert_false(auth_verify(v, "hunter2", 7));
	auth_verifier_free(v);
}

static void test_plain_and_none(void **state)
{
	struct auth_verifier *v;
	char err[AUTH_ERRLEN];

	(void)state;
	assert_int_equal(auth_verifier_parse("secret", 0, &v, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "allow_plaintext"));
	assert_int_equal(auth_verifier_parse("$plain$secret", 0, &v, err,
					     sizeof(err)), -1);
	v = parse("secret", 1);
	assert_int_equal(auth_verifier_kind(v), AUTH_PLAIN);
	assert_true(auth_verify(v, "secret", 6));
	assert_false(auth_verify(v, "secre", 5));
	assert_false(auth_verify(v, "secrets", 7));
	assert_false(auth_verify(v, "", 0));
	auth_verifier_free(v);
	v = parse("$plain$$ecret", 1);		/* a '$' in the password */
	assert_true(auth_verify(v, "$ecret", 6));
	auth_verifier_free(v);
	/* "": no password, or an empty one; needs no permission */
	v = parse("", 0);
	assert_int_equal(auth_verifier_kind(v), AUTH_NONE);
	assert_true(auth_verify(v, "", 0));
	assert_false(auth_verify(v, "x", 1));
	assert_true(auth_verify_password(v, NULL));
	auth_verifier_free(v);
	assert_string_equal(auth_kind_name(AUTH_SCRYPT), "scrypt");
}

/* every comparison of secret octets goes through CRYPTO_memcmp */
static void test_constant_time(void **state)
{
	struct auth_verifier *v;

	(void)state;
	v = parse(pbkdf2_hunter2, 0);
	memcmp_calls = 0;
	assert_false(auth_verify(v, "wrong", 5));
	assert_int_equal(memcmp_calls, 1);
	assert_true(auth_verify(v, "hunter2", 7));
	assert_int_equal(memcmp_calls, 2);
	auth_verifier_free(v);

	v = parse("secret", 1);
	memcmp_calls = 0;
	assert_false(auth_verify(v, "a much longer wrong password", 28));
	assert_int_equal(memcmp_calls, 1);
	auth_verifier_free(v);

	memcmp_calls = 0;
	assert_true(auth_ct_equal("abc", 3, "abc", 3));
	assert_false(auth_ct_equal("abc", 3, "abcd", 4));
	assert_false(auth_ct_equal("abc", 3, "abd", 3));
	assert_int_equal(memcmp_calls, 3);
}

/* the memo: the right password again costs no hash; a wrong one does */
static void test_memo(void **state)
{
	struct auth_verifier *v = parse(pbkdf2_hunter2, 0);

	(void)state;
	pbkdf2_calls = 0;
	assert_false(auth_memo_match(v, "hunter2", 7));
	assert_true(auth_check(v, "hunter2", 7));
	assert_int_equal(pbkdf2_calls, 1);
	assert_true(auth_check(v, "hunter2", 7));
	assert_true(auth_check(v, "hunter2", 7));
	assert_int_equal(pbkdf2_calls, 1);
	assert_false(auth_check(v, "hunter3", 7));
	assert_int_equal(pbkdf2_calls, 2);
	assert_false(auth_check(v, "hunter3", 7));
	assert_int_equal(pbkdf2_calls, 3);
	assert_true(auth_memo_match(v, "hunter2", 7));
	auth_verifier_free(v);
}

/* X.411 Password: IA5String or OCTET STRING, compared as octets */
static void test_password_choice(void **state)
{
	struct auth_verifier *v = parse(pbkdf2_hunter2, 0);
	Password_t pw;
	const uint8_t *p;
	size_t len;

	(void)state;
	auth_password_set(&pw, "hunter2", 7);
	assert_int_equal(pw.present, Password_PR_ia5_string);
	assert_true(auth_verify_password(v, &pw));
	p = auth_password_octets(&pw, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(p, "hunter2", 7);
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_Password, &pw);

	memset(&pw, 0, sizeof(pw));
	pw.present = Password_PR_octet_string;
	OCTET_STRING_fromBuf(&pw.choice.octet_string, "hunter2", 7);
	assert_true(auth_verify(v, auth_password_octets(&pw, &len), 7));
	assert_true(auth_verify_password(v, &pw));
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_Password, &pw);

	auth_password_set(&pw, "h\xfcnter", 6);
	assert_int_equal(pw.present, Password_PR_octet_string);
	assert_false(auth_verify_password(v, &pw));
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_Password, &pw);

	auth_password_set(&pw, "", 0);
	assert_int_equal(pw.present, Password_PR_ia5_string);
	assert_int_equal(pw.choice.ia5_string.size, 0);
	assert_false(auth_verify_password(v, &pw));
	ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_Password, &pw);
	assert_false(auth_verify_password(v, NULL));
	auth_verifier_free(v);
}

/* write_file - a file with contents and mode */
static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_secrets(void **state)
{
	char dir[] = "/tmp/test_auth.XXXXXX", path[128], err[AUTH_ERRLEN];
	struct auth_secrets *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/secrets", dir);
	write_file(path, "# ours\nto-B = \"for B\";\nto_C = \"\\\"q\\\"\";\n",
		   0600);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), 0);
	assert_int_equal(auth_secrets_count(s), 2);
	assert_string_equal(auth_secret_get(s, "to-B"), "for B");
	assert_string_equal(auth_secret_get(s, "to_C"), "\"q\"");
	assert_null(auth_secret_get(s, "to-D"));
	auth_secrets_free(s);
	/* 0400 is fine too */
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), 0);
	auth_secrets_free(s);

	/* readable, or anything at all, by group or others: refused */
	static const mode_t modes[] = { 0640, 0604, 0644, 0620, 0602, 0610 };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		err[0] = 0;
		assert_int_equal(auth_secrets_load(path, &s, err,
						   sizeof(err)), -1);
		assert_null(s);
		assert_non_null(strstr(err, "chmod 600"));
		assert_non_null(strstr(err, "group or others"));
	}

	write_file(path, "to-B = 7;\n", 0600);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: to-B: expected a string"));
	write_file(path, "a = \"x\";\nb = \"y\"\nc = ;\n", 0600);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "secrets:3:"));
	write_file(path, "a = \"x\";\na = \"y\";\n", 0600);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "duplicate"));
	write_file(path, "@include \"/dev/null\"\na = \"x\";\n", 0600);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "@include is not allowed"));
	assert_int_equal(auth_secrets_load(dir, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(path);
	assert_int_equal(auth_secrets_load(path, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	rmdir(dir);
}

/* tools/x400passwd (make check builds it and names its directory) */
static void test_tool(void **state)
{
	const char *bin = getenv("X400_BIN");
	char cmd[1024], line[256];
	FILE *fp;
	struct auth_verifier *v;

	(void)state;
	if (bin == NULL)
		bin = "build/asan/bin";		/* run by hand from the top */
	snprintf(cmd, sizeof(cmd), "%s/x400passwd", bin);
	if (access(cmd, X_OK) != 0)
		fail_msg("%s: not built", cmd);
	snprintf(cmd, sizeof(cmd), "printf 'tool pw\\n' | %s/x400passwd "
		 "-i 1000", bin);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_int_equal(pclose(fp), 0);
	line[strcspn(line, "\n")] = 0;
	v = parse(line, 0);
	assert_true(auth_verify(v, "tool pw", 7));
	auth_verifier_free(v);
	snprintf(cmd, sizeof(cmd), "printf 'tool pw\\n' | %s/x400passwd -c "
		 "'%s' >/dev/null", bin, line);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "printf 'tool pX\\n' | %s/x400passwd -c "
		 "'%s' >/dev/null", bin, line);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "printf 'x\\n' | %s/x400passwd -s scrypt "
		 "-N 1000 2>/dev/null", bin);
	assert_int_not_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_plain_and_none),
		cmocka_unit_test(test_constant_time),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_password_choice),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_tool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
