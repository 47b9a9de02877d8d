/*
 * xc_cfg.c - x400conf's settings: defaults, the file, the command line
 *
 * See xc_cfg.h.
 */
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p1_addr.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "p1_strong.h"
#include "xc_cfg.h"

enum kind { K_STR, K_SEL, K_MODE, K_ADDR, K_UINT, K_SIZE, K_EDITION,
	K_BINDFORM };

struct key {
	const char	*name;
	enum kind	kind;
	const char	*meaning;
};

static const struct key keys[] = {
	{ "target.address", K_ADDR, "the target's address, \"host:port\" "
	  "(numeric; \"[v6]:port\"; port 102 when left out)" },
	{ "target.tsel", K_SEL, "the target's transport selector: \"\" none, "
	  "\"0x...\" hex, else the text's octets" },
	{ "target.ssel", K_SEL, "the target's session selector" },
	{ "target.psel", K_SEL, "the target's presentation selector" },
	{ "target.mode", K_MODE, "\"normal\" (1988 normal mode) or \"x410\" "
	  "(X.410-1984 mode): the mode of the target's link with x400conf, "
	  "both ways" },
	{ "target.edition", K_EDITION, "\"1988\" or \"1992\" (also \"1993\", "
	  "\"1999\", \"2003\"): the X.411 edition the target reads; every "
	  "extension type x400conf sends is in its form (default 1988, like "
	  "x400d's links)" },
	{ "target.x410_application_protocol", K_UINT, "X.410-1984 mode: the "
	  "PConnect applicationProtocol x400conf sends (1, the default, or 12 "
	  "as PP's 1988-X410 channel)" },
	{ "target.x410_bind", K_BINDFORM, "X.410-1984 mode: the MTA-bind "
	  "argument \"bare\" (the default, as X.410 (1984)) or \"wrapped\" "
	  "in [16] (X.419 A.1's RO-notation)" },
	{ "target.mta", K_STR, "the MTA name the target binds with towards "
	  "x400conf" },
	{ "target.password", K_STR, "the password the target sends in its "
	  "binds (left out: not checked)" },
	{ "target.domain", K_STR, "the target's global domain identifier, "
	  "\"C=..;A=..;P=..\"" },
	{ "target.local_recipient", K_STR, "an O/R address the target "
	  "delivers itself (optional: the delivery-report case)" },
	{ "us.mta", K_STR, "the MTA name x400conf binds with (the target's "
	  "link to x400conf expects it)" },
	{ "us.password", K_STR, "the password x400conf binds with" },
	{ "us.domain", K_STR, "x400conf's global domain identifier; the "
	  "target routes it to x400conf" },
	{ "us.listen", K_ADDR, "\"addr:port\" x400conf receives on: the "
	  "target's link to x400conf calls it" },
	{ "us.source", K_STR, "the local address x400conf calls the target "
	  "from (default: the system's choice)" },
	{ "us.recipients", K_STR, "O/R address prefix of the test "
	  "recipients, in us.domain" },
	{ "us.originator", K_STR, "the originator of the test messages, "
	  "to whom reports go (default: us.recipients;S=originator)" },
	{ "us.unroutable", K_STR, "an O/R address the target has no route "
	  "for" },
	{ "suite.answer_timeout", K_UINT, "seconds to wait for an answer "
	  "PDU (default 5)" },
	{ "suite.relay_timeout", K_UINT, "seconds to wait for a relayed "
	  "message or a report (default 30)" },
	{ "suite.out_dir", K_STR, "directory for the captures (ID.pcap) and "
	  "transcripts (ID.txt) of each case; \"\" for none" },
	{ "suite.large_size", K_SIZE, "octets of content in the large "
	  "message case (default 2M)" },
	{ "suite.recipients", K_UINT, "recipients in the many-recipients "
	  "case (default 200)" },
	{ "suite.strong_cert", K_STR, "x400conf's certificate (PEM) for the "
	  "strong-credential cases (SC); the target's link for "
	  "suite.strong_mta pins it. Left out: those cases are inconclusive" },
	{ "suite.strong_key", K_STR, "the private key (PEM) of "
	  "suite.strong_cert: EC, RSA or Ed25519" },
	{ "suite.strong_mta", K_STR, "the MTA name x400conf binds with in "
	  "the SC cases (default us.mta): the target's link for it has "
	  "credentials = strong" },
	{ "suite.tls_address", K_ADDR, "the target's TLS listener, "
	  "\"host:port\", for the TLS cases (TX); left out, they are "
	  "inconclusive" },
	{ "suite.tls_cert", K_STR, "x400conf's TLS client certificate (PEM); "
	  "the target's link for suite.tls_mta requires TLS and pins it "
	  "(a public-key pin, so that TX.06 reaches the expiry check)" },
	{ "suite.tls_key", K_STR, "the private key (PEM) of suite.tls_cert" },
	{ "suite.tls_mta", K_STR, "the MTA name x400conf binds with in the "
	  "TX cases (default us.mta), with us.password" },
	{ NULL, 0, NULL }
};

static int err_set(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int err_set(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

void xc_cfg_defaults(struct xc_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->t_port = 102;
	c->t_mode = RTSE_NORMAL;
	c->t_edition = P1_EDITION_1988;
	c->t_x410_ap = 1;
	c->t_x410_bare = 1;
	snprintf(c->u_mta, sizeof(c->u_mta), "x400conf");
	snprintf(c->u_listen_host, sizeof(c->u_listen_host), "127.0.0.1");
	c->u_listen_port = 10102;
	snprintf(c->u_unroutable, sizeof(c->u_unroutable),
		 "C=ZZ;A=NOWHERE;P=UNROUTABLE;S=nobody");
	c->answer_ms = 5000;
	c->relay_ms = 30000;
	c->large_size = 2u << 20;
	c->many = 200;
}

const char *xc_cfg_each_key(size_t i, const char **meaning)
{
	if (i >= sizeof(keys) / sizeof(keys[0]) - 1)
		return NULL;
	if (meaning)
		*meaning = keys[i].meaning;
	return keys[i].name;
}

int xc_hostport(const char *s, char *host, size_t hlen, unsigned *port,
		unsigned defport)
{
	const char *c, *h = s;
	size_t n;
	char *end;
	long p;

	*port = defport;
	if (s[0] == '[') {
		if ((c = strchr(s, ']')) == NULL)
			return -1;
		h = s + 1;
		n = (size_t)(c - h);
		c = c[1] == ':' ? c + 1 : c[1] ? NULL : c + 1;
		if (c == NULL)
			return -1;
	} else if ((c = strrchr(s, ':')) != NULL && strchr(s, ':') == c) {
		n = (size_t)(c - s);
	} else {
		n = strlen(s);
		c = NULL;
	}
	if (n == 0 || n >= hlen)
		return -1;
	memcpy(host, h, n);
	host[n] = 0;
	if (c && *c == ':') {
		errno = 0;
		p = strtol(c + 1, &end, 10);
		if (errno || *end || p < 1 || p > 65535)
			return -1;
		*port = (unsigned)p;
	}
	return 0;
}

int xc_sel_parse(const char *s, struct xc_sel *sel, size_t max)
{
	size_t n = strlen(s), i;

	memset(sel, 0, sizeof(*sel));
	if (max > sizeof(sel->v))
		max = sizeof(sel->v);
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
		if (n % 2 || n / 2 > max)
			return -1;
		for (i = 0; i < n / 2; i++) {
			unsigned v;

			if (!isxdigit((unsigned char)s[2 * i]) ||
			    !isxdigit((unsigned char)s[2 * i + 1]) ||
			    sscanf(s + 2 * i, "%2x", &v) != 1)
				return -1;
			sel->v[i] = (unsigned char)v;
		}
		sel->len = n / 2;
		return 0;
	}
	if (n > max)
		return -1;
	memcpy(sel->v, s, n);
	sel->len = n;
	return 0;
}

const char *xc_sel_format(const struct xc_sel *sel, char *buf, size_t n)
{
	size_t i, o = 0;
	int printable = sel->len > 0;

	for (i = 0; i < sel->len; i++)
		if (!isprint(sel->v[i]) || sel->v[i] == '"')
			printable = 0;
	if (sel->len == 0)
		snprintf(buf, n, "\"\"");
	else if (printable)
		snprintf(buf, n, "\"%.*s\"", (int)sel->len,
			 (const char *)sel->v);
	else {
		o = (size_t)snprintf(buf, n, "0x");
		for (i = 0; i < sel->len && o + 3 < n; i++)
			o += (size_t)snprintf(buf + o, n - o, "%02x",
					      sel->v[i]);
	}
	return buf;
}

/* put_str - a string setting, bounded */
static int put_str(char *dst, size_t cap, const char *key, const char *v,
		   char *err, size_t errlen)
{
	if (strlen(v) >= cap)
		return err_set(err, errlen, "%s: longer than %zu characters",
			       key, cap - 1);
	snprintf(dst, cap, "%s", v);
	return 0;
}

int xc_cfg_set(struct xc_cfg *c, const char *key, const char *v, char *err,
	       size_t errlen)
{
	const struct key *k;
	unsigned long u = 0;
	char *end;

	for (k = keys; k->name; k++)
		if (strcmp(k->name, key) == 0)
			break;
	if (k->name == NULL)
		return err_set(err, errlen, "%s: unknown setting (x400conf -K "
			       "lists them)", key);
	if (k->kind == K_UINT || k->kind == K_SIZE) {
		errno = 0;
		u = strtoul(v, &end, 10);
		if (k->kind == K_SIZE && end != v) {
			if (*end == 'K' || *end == 'k')
				u <<= 10, end++;
			else if (*end == 'M' || *end == 'm')
				u <<= 20, end++;
		}
		if (errno || end == v || *end || v[0] == '-')
			return err_set(err, errlen, "%s: \"%s\" is not a "
				       "number", key, v);
	}
	if (strcmp(key, "target.address") == 0) {
		if (xc_hostport(v, c->t_host, sizeof(c->t_host), &c->t_port,
				102) != 0)
			return err_set(err, errlen, "%s: \"%s\" is not "
				       "host:port", key, v);
	} else if (strcmp(key, "us.listen") == 0) {
		if (xc_hostport(v, c->u_listen_host, sizeof(c->u_listen_host),
				&c->u_listen_port, 102) != 0)
			return err_set(err, errlen, "%s: \"%s\" is not "
				       "host:port", key, v);
	} else if (k->kind == K_SEL) {
		struct xc_sel *s = strcmp(key, "target.tsel") == 0 ? &c->t_tsel :
		    strcmp(key, "target.ssel") == 0 ? &c->t_ssel : &c->t_psel;
		size_t max = s == &c->t_tsel ? COTP_SEL_MAX : 16;

		if (xc_sel_parse(v, s, max) != 0)
			return err_set(err, errlen, "%s: \"%s\" is not a "
				       "selector of at most %zu octets (\"\", "
				       "\"0x...\" or text)", key, v, max);
	} else if (k->kind == K_MODE) {
		if (strcmp(v, "normal") == 0 || strcmp(v, "1988-normal") == 0)
			c->t_mode = RTSE_NORMAL;
		else if (strcmp(v, "x410") == 0 || strcmp(v, "x410-1984") == 0)
			c->t_mode = RTSE_X410;
		else
			return err_set(err, errlen, "%s: \"%s\": \"normal\" or "
				       "\"x410\"", key, v);
	} else if (k->kind == K_EDITION) {
		enum p1_edition e;

		if (p1_edition_parse(v, &e) != 0)
			return err_set(err, errlen, "%s: \"%s\": \"1988\" or "
				       "\"1992\"", key, v);
		c->t_edition = (int)e;
	} else if (k->kind == K_BINDFORM) {
		if (strcmp(v, "bare") == 0)
			c->t_x410_bare = 1;
		else if (strcmp(v, "wrapped") == 0)
			c->t_x410_bare = 0;
		else
			return err_set(err, errlen, "%s: \"%s\": \"bare\" or "
				       "\"wrapped\"", key, v);
	} else if (strcmp(key, "target.mta") == 0) {
		return put_str(c->t_mta, sizeof(c->t_mta), key, v, err,
			       errlen);
	} else if (strcmp(key, "target.password") == 0) {
		c->t_password_set = 1;
		return put_str(c->t_password, sizeof(c->t_password), key, v,
			       err, errlen);
	} else if (strcmp(key, "target.domain") == 0) {
		return put_str(c->t_domain, sizeof(c->t_domain), key, v, err,
			       errlen);
	} else if (strcmp(key, "target.local_recipient") == 0) {
		return put_str(c->t_local, sizeof(c->t_local), key, v, err,
			       errlen);
	} else if (strcmp(key, "us.mta") == 0) {
		return put_str(c->u_mta, sizeof(c->u_mta), key, v, err,
			       errlen);
	} else if (strcmp(key, "us.password") == 0) {
		return put_str(c->u_password, sizeof(c->u_password), key, v,
			       err, errlen);
	} else if (strcmp(key, "us.domain") == 0) {
		return put_str(c->u_domain, sizeof(c->u_domain), key, v, err,
			       errlen);
	} else if (strcmp(key, "us.source") == 0) {
		return put_str(c->u_source, sizeof(c->u_source), key, v, err,
			       errlen);
	} else if (strcmp(key, "us.recipients") == 0) {
		return put_str(c->u_recipients, sizeof(c->u_recipients), key,
			       v, err, errlen);
	} else if (strcmp(key, "us.originator") == 0) {
		return put_str(c->u_originator, sizeof(c->u_originator), key,
			       v, err, errlen);
	} else if (strcmp(key, "us.unroutable") == 0) {
		return put_str(c->u_unroutable, sizeof(c->u_unroutable), key,
			       v, err, errlen);
	} else if (strcmp(key, "suite.tls_address") == 0) {
		if (xc_hostport(v, c->tls_host, sizeof(c->tls_host),
				&c->tls_port, 102) != 0)
			return err_set(err, errlen, "%s: \"%s\" is not "
				       "host:port", key, v);
	} else if (strcmp(key, "suite.tls_cert") == 0) {
		return put_str(c->tls_cert, sizeof(c->tls_cert), key, v, err,
			       errlen);
	} else if (strcmp(key, "suite.tls_key") == 0) {
		return put_str(c->tls_key, sizeof(c->tls_key), key, v, err,
			       errlen);
	} else if (strcmp(key, "suite.tls_mta") == 0) {
		return put_str(c->tls_mta, sizeof(c->tls_mta), key, v, err,
			       errlen);
	} else if (strcmp(key, "suite.strong_cert") == 0) {
		return put_str(c->strong_cert, sizeof(c->strong_cert), key, v,
			       err, errlen);
	} else if (strcmp(key, "suite.strong_key") == 0) {
		return put_str(c->strong_key, sizeof(c->strong_key), key, v,
			       err, errlen);
	} else if (strcmp(key, "suite.strong_mta") == 0) {
		return put_str(c->strong_mta, sizeof(c->strong_mta), key, v,
			       err, errlen);
	} else if (strcmp(key, "suite.out_dir") == 0) {
		return put_str(c->out_dir, sizeof(c->out_dir), key, v, err,
			       errlen);
	} else if (strcmp(key, "target.x410_application_protocol") == 0) {
		if (u < 1 || u > 32767)
			return err_set(err, errlen, "%s: 1..32767 (P1 is 1; "
				       "PP's X.410 channel sends 12)", key);
		c->t_x410_ap = (long)u;
	} else if (strcmp(key, "suite.answer_timeout") == 0) {
		if (u < 1 || u > 3600)
			return err_set(err, errlen, "%s: 1..3600 seconds", key);
		c->answer_ms = (unsigned)u * 1000;
	} else if (strcmp(key, "suite.relay_timeout") == 0) {
		if (u < 1 || u > 86400)
			return err_set(err, errlen, "%s: 1..86400 seconds",
				       key);
		c->relay_ms = (unsigned)u * 1000;
	} else if (strcmp(key, "suite.large_size") == 0) {
		if (u < 65536 || u > (64ul << 20))
			return err_set(err, errlen, "%s: 64K..64M", key);
		c->large_size = u;
	} else if (strcmp(key, "suite.recipients") == 0) {
		if (u < 2 || u > 32767)
			return err_set(err, errlen, "%s: 2..32767 (ub-"
				       "recipients)", key);
		c->many = (unsigned)u;
	}
	return 0;
}

int xc_cfg_load(struct xc_cfg *c, const char *path, char *err,
		size_t errlen)
{
	static const char *const groups[] = { "target", "us", "suite" };
	config_t cf;
	config_setting_t *root, *g, *s;
	char key[96], val[XC_STR], e[300];
	int i, j, rc = 0;

	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			err_set(err, errlen, "%s: %s", path, strerror(errno));
		else
			err_set(err, errlen, "%s:%d: %s", path,
				config_error_line(&cf), config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	root = config_root_setting(&cf);
	for (i = 0; rc == 0 && i < config_setting_length(root); i++) {
		g = config_setting_get_elem(root, (unsigned)i);
		for (j = 0; j < 3; j++)
			if (config_setting_name(g) &&
			    strcmp(config_setting_name(g), groups[j]) == 0)
				break;
		if (j == 3 || !config_setting_is_group(g)) {
			rc = err_set(err, errlen, "%s:%d: %s: not a group of "
				     "x400conf (target, us, suite)", path,
				     config_setting_source_line(g),
				     config_setting_name(g) ?
				     config_setting_name(g) : "?");
			break;
		}
		for (j = 0; rc == 0 && j < config_setting_length(g); j++) {
			s = config_setting_get_elem(g, (unsigned)j);
			snprintf(key, sizeof(key), "%s.%s",
				 config_setting_name(g),
				 config_setting_name(s));
			switch (config_setting_type(s)) {
			case CONFIG_TYPE_STRING:
				snprintf(val, sizeof(val), "%s",
					 config_setting_get_string(s));
				break;
			case CONFIG_TYPE_INT:
				snprintf(val, sizeof(val), "%d",
					 config_setting_get_int(s));
				break;
			case CONFIG_TYPE_INT64:
				snprintf(val, sizeof(val), "%lld", (long long)
					 config_setting_get_int64(s));
				break;
			default:
				rc = err_set(err, errlen, "%s:%d: %s: a string "
					     "or a number", path,
					     config_setting_source_line(s), key);
				continue;
			}
			if (xc_cfg_set(c, key, val, e, sizeof(e)) != 0)
				rc = err_set(err, errlen, "%s:%d: %s", path,
					     config_setting_source_line(s), e);
		}
	}
	config_destroy(&cf);
	return rc;
}

/* check_addr - an O/R address setting parses */
static int check_addr(const char *key, const char *v, char *err,
		      size_t errlen)
{
	ORAddress_t *a = NULL;
	struct p1_err pe;

	if (p1_oraddr_parse(v, &a, &pe) != 0)
		return err_set(err, errlen, "%s: \"%s\": %s", key, v, pe.msg);
	ASN_STRUCT_FREE(asn_DEF_ORAddress, a);
	return 0;
}

int xc_cfg_check(const struct xc_cfg *c, char *err, size_t errlen)
{
	GlobalDomainIdentifier_t *g = NULL;
	struct p1_err pe;
	char probe[XC_STR + 32];

	if (c->t_host[0] == 0)
		return err_set(err, errlen, "target.address: required");
	if (c->t_mta[0] == 0)
		return err_set(err, errlen, "target.mta: required (the name "
			       "the target binds with)");
	if (c->t_domain[0] == 0 || c->u_domain[0] == 0)
		return err_set(err, errlen, "%s: required", c->t_domain[0] ?
			       "us.domain" : "target.domain");
	if (p1_gdi_parse(c->t_domain, &g, &pe) != 0)
		return err_set(err, errlen, "target.domain: \"%s\": %s",
			       c->t_domain, pe.msg);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
	g = NULL;
	if (p1_gdi_parse(c->u_domain, &g, &pe) != 0)
		return err_set(err, errlen, "us.domain: \"%s\": %s",
			       c->u_domain, pe.msg);
	ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, g);
	if (c->u_recipients[0] == 0)
		return err_set(err, errlen, "us.recipients: required (an O/R "
			       "address prefix in us.domain)");
	snprintf(probe, sizeof(probe), "%s;S=probe", c->u_recipients);
	if (check_addr("us.recipients", probe, err, errlen) != 0)
		return -1;
	if (check_addr("us.unroutable", c->u_unroutable, err, errlen) != 0)
		return -1;
	if (c->u_originator[0] &&
	    check_addr("us.originator", c->u_originator, err, errlen) != 0)
		return -1;
	if (c->t_local[0] &&
	    check_addr("target.local_recipient", c->t_local, err, errlen))
		return -1;
	if (!c->strong_cert[0] != !c->strong_key[0])
		return err_set(err, errlen, "%s: required with %s",
			       c->strong_cert[0] ? "suite.strong_key" :
			       "suite.strong_cert", c->strong_cert[0] ?
			       "suite.strong_cert" : "suite.strong_key");
	if (c->strong_cert[0]) {
		struct p1_strong_key *k;
		char e[240];

		k = p1_strong_key_load(c->strong_cert, c->strong_key, e,
				       sizeof(e));
		if (k == NULL)
			return err_set(err, errlen, "suite.strong_cert, "
				       "suite.strong_key: %s", e);
		p1_strong_key_free(k);
	}
	if (!c->tls_cert[0] != !c->tls_key[0])
		return err_set(err, errlen, "%s: required with %s",
			       c->tls_cert[0] ? "suite.tls_key" :
			       "suite.tls_cert", c->tls_cert[0] ?
			       "suite.tls_cert" : "suite.tls_key");
	return 0;
}
