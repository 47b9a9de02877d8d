/*
 * auth.c - MTA passwords: verifying the peer's, keeping our own
 *
 * See auth.h. PBKDF2: RFC 8018 5.2 (PKCS5_PBKDF2_HMAC); scrypt: RFC 7914
 * (EVP_PBE_scrypt); base64: RFC 4648 4 without padding.
 */
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "auth.h"
#include "xalloc.h"

#define PBKDF2_PREFIX	"$pbkdf2-sha256$"
#define SCRYPT_PREFIX	"$scrypt$"
#define PLAIN_PREFIX	"$plain$"
#define ITER_MAX	10000000u
#define SCRYPT_N_MAX	(1u << 20)
#define SCRYPT_R_MAX	32u
#define SCRYPT_P_MAX	16u
#define SCRYPT_MEM_MAX	(256u << 20)
#define SALT_MIN	8
#define SALT_MAX	64
#define HASH_MIN	16
#define HASH_MAX	64
#define SALT_NEW	16
#define HASH_NEW	32

struct auth_verifier {
	enum auth_kind	kind;
	char		*text;		/* as stored */
	uint8_t		salt[SALT_MAX], hash[HASH_MAX];
	size_t		saltlen, hashlen;
	unsigned	iter;		/* PBKDF2 */
	uint64_t	n;		/* scrypt */
	unsigned	r, p;
	uint8_t		*plain;		/* AUTH_PLAIN */
	size_t		plainlen;
	uint8_t		memo_key[32], memo[32];
	int		have_memo;
};

struct auth_secrets {
	char		**name, **value;
	size_t		n;
};

/* seterr - format an error into err (may be NULL); returns -1 */
static int seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_encode - RFC 4648 4 without padding (malloc()ed) */
static char *b64_encode(const uint8_t *p, size_t n)
{
	char *out = xmalloc(n / 3 * 4 + 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
			     p[i + 2];

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (n - i == 1) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[(p[i] & 3) << 4];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];

		*o++ = b64[v >> 10];
		*o++ = b64[(v >> 4) & 63];
		*o++ = b64[(v & 15) << 2];
	}
	*o = 0;
	return out;
}

/* b64_val - the value of one base64 character, or -1 */
static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* b64_decode - s[0..len) into out (at most max octets), strictly: no
 *	padding, no other character, unused bits zero; the length, or -1 */
static long b64_decode(const char *s, size_t len, uint8_t *out, size_t max)
{
	size_t n = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = b64_val(s[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;		/* not the canonical encoding */
	return (long)n;
}

/* get_num - decimal digits at *pp up to a delimiter, 1..max */
static int get_num(const char **pp, uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -1;
	}
	if (v == 0)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/* salt_hash - "$SALT$HASH" at p, to the end of the string */
static int salt_hash(struct auth_verifier *v, const char *p, char *err,
		     size_t errlen)
{
	const char *d;
	long n;

	if (*p != '$' || (d = strchr(p + 1, '$')) == NULL)
		return seterr(err, errlen, "expected $SALT$HASH after the "
			      "parameters");
	n = b64_decode(p + 1, (size_t)(d - p - 1), v->salt, SALT_MAX);
	if (n < SALT_MIN)
		return seterr(err, errlen, "the salt is not base64 of %d..%d "
			      "octets", SALT_MIN, SALT_MAX);
	v->saltlen = (size_t)n;
	n = b64_decode(d + 1, strlen(d + 1), v->hash, HASH_MAX);
	if (n < HASH_MIN)
		return seterr(err, errlen, "the hash is not base64 of %d..%d "
			      "octets", HASH_MIN, HASH_MAX);
	v->hashlen = (size_t)n;
	return 0;
}

/* scrypt_ok - parameters we accept (and can afford) */
static int scrypt_ok(uint64_t n, uint64_t r, uint64_t p)
{
	return n >= 2 && n <= SCRYPT_N_MAX && (n & (n - 1)) == 0 &&
	       r >= 1 && r <= SCRYPT_R_MAX && p >= 1 && p <= SCRYPT_P_MAX &&
	       128 * n * r <= SCRYPT_MEM_MAX;
}

/* parse_scrypt - "N=..,r=..,p=..$SALT$HASH" */
static int parse_scrypt(struct auth_verifier *v, const char *p, char *err,
			size_t errlen)
{
	uint64_t n, r, par;

	if (strncmp(p, "N=", 2) != 0 ||
	    (p += 2, get_num(&p, SCRYPT_N_MAX, &n)) < 0 ||
	    strncmp(p, ",r=", 3) != 0 ||
	    (p += 3, get_num(&p, SCRYPT_R_MAX, &r)) < 0 ||
	    strncmp(p, ",p=", 3) != 0 ||
	    (p += 3, get_num(&p, SCRYPT_P_MAX, &par)) < 0)
		return seterr(err, errlen, "scrypt: expected N=COST,r=BLOCK,"
			      "p=PAR with N up to %u, r up to %u, p up to %u",
			      SCRYPT_N_MAX, SCRYPT_R_MAX, SCRYPT_P_MAX);
	if (!scrypt_ok(n, r, par))
		return seterr(err, errlen, "scrypt: N must be a power of 2 "
			      "and 128 N r at most %u MiB",
			      SCRYPT_MEM_MAX >> 20);
	v->n = n;
	v->r = (unsigned)r;
	v->p = (unsigned)par;
	return salt_hash(v, p, err, errlen);
}

int auth_verifier_parse(const char *s, int allow_plain,
			struct auth_verifier **out, char *err, size_t errlen)
{
	struct auth_verifier *v = XNEW(struct auth_verifier);
	const char *p;
	uint64_t iter = 0;
	int rc = 0;

	*out = NULL;
	if (*s == 0) {
		v->kind = AUTH_NONE;
	} else if (strncmp(s, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) == 0) {
		v->kind = AUTH_PBKDF2;
		p = s + strlen(PBKDF2_PREFIX);
		if (strncmp(p, "i=", 2) != 0 ||
		    (p += 2, get_num(&p, ITER_MAX, &iter)) < 0)
			rc = seterr(err, errlen, "pbkdf2-sha256: expected "
				    "i=ITERATIONS (1..%u)", ITER_MAX);
		else
			rc = salt_hash(v, p, err, errlen);
		v->iter = (unsigned)iter;
	} else if (strncmp(s, SCRYPT_PREFIX, strlen(SCRYPT_PREFIX)) == 0) {
		v->kind = AUTH_SCRYPT;
		rc = parse_scrypt(v, s + strlen(SCRYPT_PREFIX), err, errlen);
	} else if (*s == '$' &&
		   strncmp(s, PLAIN_PREFIX, strlen(PLAIN_PREFIX)) != 0) {
		rc = seterr(err, errlen, "not a verifier this MTA knows "
			    "(%s, %s, or %s for a password in clear)",
			    PBKDF2_PREFIX, SCRYPT_PREFIX, PLAIN_PREFIX);
	} else {
		p = *s == '$' ? s + strlen(PLAIN_PREFIX) : s;
		v->kind = AUTH_PLAIN;
		if (!allow_plain)
			rc = seterr(err, errlen, "a password in clear: store a "
				    "hash made by x400passwd, or set "
				    "allow_plaintext = true");
		v->plainlen = strlen(p);
		v->plain = xmemdup(p, v->plainlen + 1);
	}
	if (rc == 0 && RAND_bytes(v->memo_key, sizeof(v->memo_key)) != 1)
		rc = seterr(err, errlen, "OpenSSL has no randomness");
	if (rc < 0) {
		auth_verifier_free(v);
		return -1;
	}
	v->text = xstrdup(s);
	*out = v;
	return 0;
}

void auth_verifier_free(struct auth_verifier *v)
{
	if (v == NULL)
		return;
	if (v->text) {
		OPENSSL_cleanse(v->text, strlen(v->text));
		free(v->text);
	}
	if (v->plain) {
		OPENSSL_cleanse(v->plain, v->plainlen);
		free(v->plain);
	}
	OPENSSL_cleanse(v, sizeof(*v));
	free(v);
}

enum auth_kind auth_verifier_kind(const struct auth_verifier *v)
{
	return v->kind;
}

const char *auth_kind_name(enum auth_kind k)
{
	switch (k) {
	case AUTH_NONE:
		return "none";
	case AUTH_PLAIN:
		return "plaintext";
	case AUTH_PBKDF2:
		return "pbkdf2-sha256";
	case AUTH_SCRYPT:
		return "scrypt";
	}
	return "?";
}

const char *auth_verifier_text(const struct auth_verifier *v)
{
	return v->text;
}

int auth_verifier_equal(const struct auth_verifier *a,
			const struct auth_verifier *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a->text, b->text) == 0;
}

int auth_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	uint8_t da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];

	SHA256(alen ? a : (const void *)"", alen, da);
	SHA256(blen ? b : (const void *)"", blen, db);
	return CRYPTO_memcmp(da, db, sizeof(da)) == 0;
}

/* derive - the hash of pw under v's parameters into out (v->hashlen);
 *	0 or -1 */
static int derive(const struct auth_verifier *v, const void *pw, size_t len,
		  uint8_t *out)
{
	const char *p = len ? pw : "";

	if (v->kind == AUTH_PBKDF2) {
		if (len > INT32_MAX)
			return -1;
		return PKCS5_PBKDF2_HMAC(p, (int)len, v->salt,
					 (int)v->saltlen, (int)v->iter,
					 EVP_sha256(), (int)v->hashlen,
					 out) == 1 ? 0 : -1;
	}
	return EVP_PBE_scrypt(p, len, v->salt, v->saltlen, v->n, v->r, v->p,
			      128 * v->n * v->r + 128 * (uint64_t)v->r * v->p +
			      (1u << 20), out, v->hashlen) == 1 ? 0 : -1;
}

int auth_verify(const struct auth_verifier *v, const void *pw, size_t len)
{
	uint8_t h[HASH_MAX];
	int ok;

	switch (v->kind) {
	case AUTH_NONE:
		return len == 0;
	case AUTH_PLAIN:
		return auth_ct_equal(v->plain, v->plainlen, pw, len);
	case AUTH_PBKDF2:
	case AUTH_SCRYPT:
		if (derive(v, pw, len, h) < 0)
			return 0;
		ok = CRYPTO_memcmp(h, v->hash, v->hashlen) == 0;
		OPENSSL_cleanse(h, sizeof(h));
		return ok;
	}
	return 0;
}

/* memo_of - HMAC-SHA-256 of pw under the verifier's memo key; 0 or -1 */
static int memo_of(const struct auth_verifier *v, const void *pw,
		   size_t len, uint8_t out[32])
{
	unsigned outlen = 32;

	return HMAC(EVP_sha256(), v->memo_key, sizeof(v->memo_key),
		    len ? pw : (const void *)"", len, out, &outlen) &&
	       outlen == 32 ? 0 : -1;
}

int auth_memo_match(const struct auth_verifier *v, const void *pw,
		    size_t len)
{
	uint8_t m[32];
	int ok;

	if (!v->have_memo || memo_of(v, pw, len, m) < 0)
		return 0;
	ok = CRYPTO_memcmp(m, v->memo, sizeof(m)) == 0;
	OPENSSL_cleanse(m, sizeof(m));
	return ok;
}

void auth_memo_store(struct auth_verifier *v, const void *pw, size_t len)
{
	v->have_memo = memo_of(v, pw, len, v->memo) == 0;
}

int auth_check(struct auth_verifier *v, const void *pw, size_t len)
{
	if (v->kind == AUTH_PBKDF2 || v->kind == AUTH_SCRYPT) {
		if (auth_memo_match(v, pw, len))
			return 1;
		if (!auth_verify(v, pw, len))
			return 0;
		auth_memo_store(v, pw, len);
		return 1;
	}
	return auth_verify(v, pw, len);
}

const uint8_t *auth_password_octets(const Password_t *pw, size_t *len)
{
	const OCTET_STRING_t *s;

	*len = 0;
	if (pw == NULL)
		return (const uint8_t *)"";
	switch (pw->present) {
	case Password_PR_ia5_string:
		s = &pw->choice.ia5_string;
		break;
	case Password_PR_octet_string:
		s = &pw->choice.octet_string;
		break;
	default:
		return (const uint8_t *)"";
	}
	if (s->buf == NULL || s->size <= 0)
		return (const uint8_t *)"";
	*len = (size_t)s->size;
	return s->buf;
}

int auth_verify_password(struct auth_verifier *v, const Password_t *pw)
{
	size_t len;
	const uint8_t *p = auth_password_octets(pw, &len);

	return auth_check(v, p, len);
}

void auth_password_set(Password_t *dst, const void *pw, size_t len)
{
	const uint8_t *p = pw;
	OCTET_STRING_t *s;
	int ia5 = 1;

	for (size_t i = 0; i < len; i++)
		if (p[i] > 127)
			ia5 = 0;
	memset(dst, 0, sizeof(*dst));
	dst->present = ia5 ? Password_PR_ia5_string : Password_PR_octet_string;
	s = ia5 ? &dst->choice.ia5_string : &dst->choice.octet_string;
	s->buf = xmalloc(len + 1);
	if (len)
		memcpy(s->buf, pw, len);
	s->buf[len] = 0;
	s->size = (int)len;
}

/* hash_string - "$scheme$params$salt$hash" for fresh salt */
static char *hash_string(struct auth_verifier *v, const void *pw,
			 size_t len, const char *head)
{
	char *salt, *hash, *out;
	size_t n;

	v->saltlen = SALT_NEW;
	v->hashlen = HASH_NEW;
	if (RAND_bytes(v->salt, SALT_NEW) != 1 ||
	    derive(v, pw, len, v->hash) < 0)
		return NULL;
	salt = b64_encode(v->salt, v->saltlen);
	hash = b64_encode(v->hash, v->hashlen);
	n = strlen(head) + strlen(salt) + strlen(hash) + 3;
	out = xmalloc(n);
	snprintf(out, n, "%s$%s$%s", head, salt, hash);
	free(salt);
	free(hash);
	OPENSSL_cleanse(v, sizeof(*v));
	return out;
}

char *auth_hash_pbkdf2(const void *pw, size_t len, unsigned iter)
{
	struct auth_verifier v;
	char head[64];

	if (iter < 1 || iter > ITER_MAX)
		return NULL;
	memset(&v, 0, sizeof(v));
	v.kind = AUTH_PBKDF2;
	v.iter = iter;
	snprintf(head, sizeof(head), PBKDF2_PREFIX "i=%u", iter);
	return hash_string(&v, pw, len, head);
}

char *auth_hash_scrypt(const void *pw, size_t len, uint64_t n, unsigned r,
		       unsigned p)
{
	struct auth_verifier v;
	char head[80];

	if (!scrypt_ok(n, r, p))
		return NULL;
	memset(&v, 0, sizeof(v));
	v.kind = AUTH_SCRYPT;
	v.n = n;
	v.r = r;
	v.p = p;
	snprintf(head, sizeof(head), SCRYPT_PREFIX "N=%llu,r=%u,p=%u",
		 (unsigned long long)n, r, p);
	return hash_string(&v, pw, len, head);
}

/* secrets_add - one name and value */
static void secrets_add(struct auth_secrets *s, const char *name,
			const char *value)
{
	s->name = xrealloc(s->name, (s->n + 1) * sizeof(*s->name));
	s->value = xrealloc(s->value, (s->n + 1) * sizeof(*s->value));
	s->name[s->n] = xstrdup(name);
	s->value[s->n] = xstrdup(value);
	s->n++;
}

int auth_secrets_load(const char *path, struct auth_secrets **out,
		      char *err, size_t errlen)
{
	struct auth_secrets *s;
	config_setting_t *root;
	struct stat st;
	config_t c;
	FILE *fp;
	int fd, rc = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return seterr(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = seterr(err, errlen, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = seterr(err, errlen, "%s: not a regular file", path);
	} else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = seterr(err, errlen, "%s: mode %04o lets group or others "
			    "at the passwords; chmod 600 %s", path,
			    (unsigned)(st.st_mode & 07777), path);
	} else if (st.st_uid != 0 && st.st_uid != geteuid()) {
		rc = seterr(err, errlen, "%s: owned by uid %u, neither root "
			    "nor the daemon's user (uid %u)", path,
			    (unsigned)st.st_uid, (unsigned)geteuid());
	}
	if (rc < 0 || (fp = fdopen(fd, "r")) == NULL) {
		if (rc == 0)
			rc = seterr(err, errlen, "%s: %s", path,
				    strerror(errno));
		close(fd);
		return rc;
	}
	config_init(&c);
	if (config_read(&c, fp) != CONFIG_TRUE) {
		rc = seterr(err, errlen, "%s:%d: %s", path,
			    config_error_line(&c), config_error_text(&c));
		goto done;
	}
	if (c.num_filenames > 0) {
		/* the checks above would not cover another file */
		rc = seterr(err, errlen, "%s: @include is not allowed in the "
			    "secrets file", path);
		goto done;
	}
	s = XNEW(struct auth_secrets);
	root = config_root_setting(&c);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *e = config_setting_get_elem(root, i);
		const char *v = config_setting_get_string(e);

		if (v == NULL) {
			rc = seterr(err, errlen, "%s:%u: %s: expected a string "
				    "(name = \"password\";)", path,
				    config_setting_source_line(e),
				    config_setting_name(e));
			auth_secrets_free(s);
			goto done;
		}
		secrets_add(s, config_setting_name(e), v);
	}
	*out = s;
done:
	/* wipe libconfig's copies before they are freed */
	root = config_root_setting(&c);
	for (int i = 0; root && i < config_setting_length(root); i++) {
		config_setting_t *e = config_setting_get_elem(root, i);

		if (config_setting_type(e) == CONFIG_TYPE_STRING &&
		    e->value.sval)
			OPENSSL_cleanse(e->value.sval, strlen(e->value.sval));
	}
	config_destroy(&c);
	fclose(fp);
	return rc;
}

const char *auth_secret_get(const struct auth_secrets *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return s->value[i];
	return NULL;
}

size_t auth_secrets_count(const struct auth_secrets *s)
{
	return s->n;
}

void auth_secrets_free(struct auth_secrets *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		OPENSSL_cleanse(s->value[i], strlen(s->value[i]));
		free(s->value[i]);
		free(s->name[i]);
	}
	free(s->name);
	free(s->value);
	free(s);
}
