/*
 * cfg_value.c - configuration values with a syntax of their own
 *
 * See cfg_int.h. Selectors ("" / "0x..." / text), host:port, host
 * names and numeric addresses, dotted OIDs, source addresses, and
 * passwords given in the file or by name in the secrets file.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cfg_int.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_id.h"
#include "xalloc.h"

/* ---- selectors ------------------------------------------------------- */

int cfg_sel_parse(const char *s, size_t max, struct cfg_sel *out, char *err,
		  size_t errlen)
{
	size_t n = strlen(s);

	memset(out, 0, sizeof(*out));
	if (max > CFG_SEL_MAX)
		max = CFG_SEL_MAX;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const char *h = s + 2;
		size_t hl = n - 2;

		if (hl == 0 || hl % 2) {
			snprintf(err, errlen, "\"%s\": hex needs an even "
				 "number of digits after 0x", s);
			return -1;
		}
		if (hl / 2 > max) {
			snprintf(err, errlen, "\"%s\": %zu octets, at most %zu",
				 s, hl / 2, max);
			return -1;
		}
		for (size_t i = 0; i < hl; i += 2) {
			unsigned v;

			if (!isxdigit((unsigned char)h[i]) ||
			    !isxdigit((unsigned char)h[i + 1]) ||
			    sscanf(h + i, "%2x", &v) != 1) {
				snprintf(err, errlen, "\"%s\": not hex", s);
				return -1;
			}
			out->v[out->len++] = (unsigned char)v;
		}
		return 0;
	}
	if (n > max) {
		snprintf(err, errlen, "\"%.40s\": %zu octets, at most %zu", s,
			 n, max);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e) {
			snprintf(err, errlen, "text selectors are printable "
				 "ASCII; write others in hex (\"0x...\")");
			return -1;
		}
	}
	memcpy(out->v, s, n);
	out->len = n;
	return 0;
}

char *cfg_sel_format(const struct cfg_sel *s, char *buf, size_t len)
{
	int text = 1;
	size_t off;

	if (len == 0)
		return buf;
	buf[0] = 0;
	for (size_t i = 0; i < s->len; i++)
		if (s->v[i] < 0x20 || s->v[i] > 0x7e)
			text = 0;
	/* text that would read as hex is written as hex */
	if (s->len >= 2 && s->v[0] == '0' && (s->v[1] == 'x' || s->v[1] == 'X'))
		text = 0;
	if (text) {
		snprintf(buf, len, "%.*s", (int)s->len, (const char *)s->v);
		return buf;
	}
	off = (size_t)snprintf(buf, len, "0x");
	for (size_t i = 0; i < s->len && off + 3 <= len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%02x", s->v[i]);
	return buf;
}

int cfg_sels_equal(const struct cfg_sels *a, const struct cfg_sels *b)
{
	return a->t.len == b->t.len && a->s.len == b->s.len &&
	       a->p.len == b->p.len &&
	       memcmp(a->t.v, b->t.v, a->t.len) == 0 &&
	       memcmp(a->s.v, b->s.v, a->s.len) == 0 &&
	       memcmp(a->p.v, b->p.v, a->p.len) == 0;
}

/* get_sel - one selector key */
static int get_sel(struct cfg_ctx *c, const config_setting_t *g,
		   const char *where, const char *key, size_t max,
		   struct cfg_sel *out)
{
	config_setting_t *s = cfg_member(g, key);
	char err[200];
	const char *v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		cfg_problem(c, s, where, key, "selectors are strings: write "
			    "hex as \"0x0001\" (the length counts), text as "
			    "\"x400\"");
		return -1;
	}
	if (cfg_get_str(c, g, where, key, &v) < 0)
		return -1;
	if (cfg_sel_parse(v, max, out, err, sizeof(err)) < 0) {
		cfg_problem(c, s, where, key, "%s", err);
		return -1;
	}
	return 1;
}

/* cfg_get_sels - tsel, ssel and psel (prefix "our_" or "") */
void cfg_get_sels(struct cfg_ctx *c, const config_setting_t *g,
		  const char *where, const char *prefix,
		  struct cfg_sels *out)
{
	char k[16];

	snprintf(k, sizeof(k), "%stsel", prefix);
	get_sel(c, g, where, k, CFG_TSEL_MAX, &out->t);
	snprintf(k, sizeof(k), "%sssel", prefix);
	get_sel(c, g, where, k, CFG_SSEL_MAX, &out->s);
	snprintf(k, sizeof(k), "%spsel", prefix);
	get_sel(c, g, where, k, CFG_PSEL_MAX, &out->p);
}

/* ---- addresses and names --------------------------------------------- */

/* cfg_numeric_ip - s is a numeric IPv4 or IPv6 address: its family, or 0 */
int cfg_numeric_ip(const char *s)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, a) == 1)
		return AF_INET6;
	return 0;
}

int cfg_hostport_parse(const char *s, unsigned defport, char **addr,
		       unsigned *port, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *end, *p = NULL;
	int bracket = s[0] == '[';
	size_t hl;

	*addr = NULL;
	if (bracket) {
		end = strchr(s, ']');
		if (end == NULL) {
			snprintf(err, errlen, "\"%s\": no closing ]", s);
			return -1;
		}
		hl = (size_t)(end - s - 1);
		if (end[1] == ':')
			p = end + 2;
		else if (end[1]) {
			snprintf(err, errlen, "\"%s\": junk after ]", s);
			return -1;
		}
		s++;
	} else {
		end = strchr(s, ':');
		if (end && strchr(end + 1, ':')) {
			snprintf(err, errlen, "\"%s\": write IPv6 addresses in "
				 "brackets: \"[%s]\" or \"[%s]:%u\"", s, s, s,
				 defport);
			return -1;
		}
		hl = end ? (size_t)(end - s) : strlen(s);
		if (end)
			p = end + 1;
	}
	if (hl == 0 || hl >= sizeof(host)) {
		snprintf(err, errlen, "\"%s\": no address", s);
		return -1;
	}
	memcpy(host, s, hl);
	host[hl] = 0;
	if (!cfg_numeric_ip(host) || (bracket && cfg_numeric_ip(host) !=
				      AF_INET6)) {
		snprintf(err, errlen, "\"%s\": not a numeric IPv4 or IPv6 "
			 "address", host);
		return -1;
	}
	*port = defport;
	if (p) {
		char *e;
		unsigned long v;

		errno = 0;
		v = *p >= '0' && *p <= '9' ? strtoul(p, &e, 10) : 0;
		if (v < 1 || v > 65535 || *e || errno) {
			snprintf(err, errlen, "port \"%s\" is not 1..65535", p);
			return -1;
		}
		*port = (unsigned)v;
	}
	*addr = xstrdup(host);
	return 0;
}

/* cfg_get_mta_name - an MTA name (X.411: 1..32 printable characters);
 *	*out as cfg_get_str's, also when the name is bad (-1) */
int cfg_get_mta_name(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *key, const char **out)
{
	int rc = cfg_get_str(c, g, where, key, out);

	if (rc == 1 && !p1_mtaname_ok(*out)) {
		cfg_problem(c, cfg_member(g, key), where, key, "\"%s\": an MTA "
			    "name is 1..32 printable ASCII characters", *out);
		return -1;
	}
	return rc;
}

/* cfg_hostname_ok - letters, digits, '-', '_', '.' in labels of 1..63 */
int cfg_hostname_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-' ||
			   s[i] == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

/* cfg_oid_ok - a dotted OID, at least two arcs, the first 0..2 */
int cfg_oid_ok(const char *s)
{
	int arcs = 0;

	if (strlen(s) > 63 || !(s[0] >= '0' && s[0] <= '2') ||
	    (s[1] != '.'))
		return 0;
	while (*s) {
		if (*s < '0' || *s > '9' || (*s == '0' && isdigit(
						(unsigned char)s[1])))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
		arcs++;
		if (*s == '.') {
			s++;
			if (*s == 0)
				return 0;
		} else if (*s) {
			return 0;
		}
	}
	return arcs >= 2;
}

/* cfg_get_src - source_address (one per family) into src */
void cfg_get_src(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, struct cfg_src *src)
{
	config_setting_t *at;
	const char **v;
	size_t n;

	if (cfg_get_strlist(c, g, where, "source_address", &v, &n, &at) != 1)
		return;
	free(src->v4);
	free(src->v6);
	src->v4 = src->v6 = NULL;
	for (size_t i = 0; i < n; i++) {
		char a[INET6_ADDRSTRLEN + 64];
		size_t l = strlen(v[i]);
		int fam;

		if (l == 0)
			continue;	/* "": the OS chooses */
		if (v[i][0] == '[' && l > 2 && v[i][l - 1] == ']' &&
		    l - 2 < sizeof(a))
			snprintf(a, sizeof(a), "%.*s", (int)(l - 2), v[i] + 1);
		else
			snprintf(a, sizeof(a), "%.*s", INET6_ADDRSTRLEN + 2,
				 v[i]);
		fam = l < INET6_ADDRSTRLEN + 2 ? cfg_numeric_ip(a) : 0;
		if (fam == 0) {
			cfg_problem(c, at, where, "source_address", "\"%s\": "
				    "not a numeric IPv4 or IPv6 address", v[i]);
		} else if ((fam == AF_INET ? src->v4 : src->v6) != NULL) {
			cfg_problem(c, at, where, "source_address", "two %s "
				    "addresses; give at most one of each "
				    "family", fam == AF_INET ? "IPv4" : "IPv6");
		} else if (fam == AF_INET) {
			src->v4 = xstrdup(a);
		} else {
			src->v6 = xstrdup(a);
		}
	}
	free(v);
}

/* ---- passwords ------------------------------------------------------- */

/* denied - path cannot be opened for lack of permission (x400d after
 *	the drop to global.user, the file root's and mode 0600) */
static int denied(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EACCES || errno == EPERM;
}

/* load_secrets - read the secrets file once, when first needed; a
 *	reload by cfg_load_kept() that may not read it uses the kept one */
static const struct auth_secrets *load_secrets(struct cfg_ctx *c)
{
	char err[AUTH_ERRLEN];

	if (c->secrets_tried)
		return c->secrets_used;
	c->secrets_tried = 1;
	if (auth_secrets_load(c->cfg->secrets_file, &c->secrets, err,
			      sizeof(err)) == 0) {
		c->secrets_used = c->secrets;
	} else if (c->kept && *c->kept && denied(c->cfg->secrets_file)) {
		c->secrets_used = *c->kept;
		c->cfg->secrets_kept = 1;
	} else {
		cfg_problem(c, c->secrets_at, "global.", "secrets_file", "%s",
			    err);
	}
	return c->secrets_used;
}

/* cfg_get_password - key (a string) or key_ref (a name in the secrets
 *	file); *out malloc()ed. 1 set, 0 neither given, -1 wrong. */
int cfg_get_password(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *key, char **out)
{
	char refkey[40];
	const char *v, *ref;
	const struct auth_secrets *sec;
	int a, b;

	snprintf(refkey, sizeof(refkey), "%s_ref", key);
	a = cfg_get_str(c, g, where, key, &v);
	b = cfg_get_str(c, g, where, refkey, &ref);
	if (a < 0 || b < 0)
		return -1;
	if (a && b) {
		cfg_problem(c, cfg_member(g, refkey), where, refkey, "give %s "
			    "or %s, not both", key, refkey);
		return -1;
	}
	if (a) {
		free(*out);
		*out = xstrdup(v);
		return 1;
	}
	if (!b)
		return 0;
	if (c->cfg->secrets_file == NULL) {
		cfg_problem(c, cfg_member(g, refkey), where, refkey, "refers "
			    "to the secrets file, but global.secrets_file is "
			    "not set");
		return -1;
	}
	if (c->flags & CFG_NO_SECRETS) {
		free(*out);
		*out = xstrdup("");
		return 1;
	}
	sec = load_secrets(c);
	if (sec == NULL)
		return -1;
	if ((v = auth_secret_get(sec, ref)) == NULL) {
		cfg_problem(c, cfg_member(g, refkey), where, refkey, "\"%s\" "
			    "is not in the secrets file %s", ref,
			    c->cfg->secrets_file);
		return -1;
	}
	free(*out);
	*out = xstrdup(v);
	return 1;
}

/* cfg_wipe - free a secret string after overwriting it */
void cfg_wipe(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}
