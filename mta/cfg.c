/*
 * cfg.c - the x400d configuration file
 *
 * See cfg.h and docs/config.md. libconfig parses; this file checks
 * every setting against the tables below and fills struct cfg. The
 * parse keeps going after a problem, so that one run reports them all.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "buf.h"
#include "cfg.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_id.h"
#include "route.h"
#include "xalloc.h"

#define WHERE_MAX	160
#define DUR_MAX_MS	(UINT64_C(400) * 86400 * 1000)	/* 400 days */
#define SIZE_MAX_CFG	(UINT64_C(1) << 40)		/* 1 TiB */
#define COST_MAX	1000000

/* Parsing state: where messages go, and what is being built. */
struct ctx {
	const char	*name;		/* the file, for messages */
	int		flags;
	char		*err;
	size_t		errlen, used;
	unsigned	nerr, omitted;
	struct cfg	*cfg;
	char		*basedir;
	struct auth_secrets *secrets;
	int		secrets_tried;
	const config_setting_t *secrets_at;
	size_t		listen_given;	/* listen.addresses entries */
};

/* ---- messages -------------------------------------------------------- */

/* file_of - the file a setting came from */
static const char *file_of(const struct ctx *c, const config_setting_t *s)
{
	const char *f = s ? config_setting_source_file(s) : NULL;

	return f ? f : c->name;
}

/* line_of - its line (a missing key is blamed on its group) */
static unsigned line_of(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

/* vmsg - "file:line: where+key: text" */
static char *vmsg(const struct ctx *c, const config_setting_t *s,
		  const char *where, const char *key, const char *fmt,
		  va_list ap)
{
	char text[512], line[16] = "", *out;
	size_t n, wlen = strlen(where);

	vsnprintf(text, sizeof(text), fmt, ap);
	/* "link to-B: " or "links[0].addresses[1]." alone ends in ": " */
	while (key == NULL && wlen > 0 && (where[wlen - 1] == '.' ||
		where[wlen - 1] == ':' || where[wlen - 1] == ' '))
		wlen--;
	if (line_of(s))
		snprintf(line, sizeof(line), ":%u", line_of(s));
	n = strlen(text) + wlen + (key ? strlen(key) : 0) +
	    strlen(file_of(c, s)) + 32;
	out = xmalloc(n);
	snprintf(out, n, "%s%s: %.*s%s%s%s", file_of(c, s), line, (int)wlen,
		 where, key ? key : "", wlen || key ? ": " : "", text);
	return out;
}

/* problem_line - one error already formatted */
static void problem_line(struct ctx *c, const char *m)
{
	size_t n = strlen(m);

	c->nerr++;
	if (c->err && c->used + n + 2 + 40 < c->errlen) {
		if (c->used)
			c->err[c->used++] = '\n';
		memcpy(c->err + c->used, m, n + 1);
		c->used += n;
	} else {
		c->omitted++;
	}
}

/* problem - one error; the load will fail */
static void problem(struct ctx *c, const config_setting_t *s,
		    const char *where, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void problem(struct ctx *c, const config_setting_t *s,
		    const char *where, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = vmsg(c, s, where, key, fmt, ap);
	va_end(ap);
	problem_line(c, m);
	free(m);
}

/* warn - one warning, kept in cfg->warn */
static void warn(struct ctx *c, const config_setting_t *s, const char *where,
		 const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void warn(struct ctx *c, const config_setting_t *s, const char *where,
		 const char *key, const char *fmt, ...)
{
	struct cfg *cfg = c->cfg;
	va_list ap;

	va_start(ap, fmt);
	cfg->warn = xrealloc(cfg->warn, (cfg->nwarn + 1) * sizeof(*cfg->warn));
	cfg->warn[cfg->nwarn++] = vmsg(c, s, where, key, fmt, ap);
	va_end(ap);
}

/* distance - Levenshtein distance of two short strings (capped) */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[40];

	if (la >= 39 || lb >= 39)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = d[0], tmp;

		d[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			tmp = d[j];
			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

/* check_keys - every member of g is one of keys (NULL-terminated) */
static void check_keys(struct ctx *c, const config_setting_t *g,
		       const char *where, const char *const *keys)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, i);
		const char *name = config_setting_name(m), *near = NULL;
		size_t best = 3;
		int known = 0;

		for (size_t k = 0; keys[k]; k++) {
			size_t d;

			if (strcmp(keys[k], name) == 0) {
				known = 1;
				break;
			}
			d = distance(keys[k], name);
			if (d < best) {
				best = d;
				near = keys[k];
			}
		}
		if (known)
			continue;
		if (near)
			problem(c, m, where, name, "unknown key (did you mean "
				"\"%s\"?)", near);
		else
			problem(c, m, where, name, "unknown key");
	}
}

/* type_name - for "expected X, not Y" */
static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "a number";
	case CONFIG_TYPE_FLOAT:
		return "a fraction";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "true or false";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	}
	return "nothing";
}

/* ---- typed getters: 1 set, 0 absent, -1 wrong (reported) ---------- */

/* member - g's member key, NULL if absent (or g NULL) */
static config_setting_t *member(const config_setting_t *g, const char *key)
{
	return g ? config_setting_get_member(g, key) : NULL;
}

/* missing - report an absent required key */
static void missing(struct ctx *c, const config_setting_t *g,
		    const char *where, const char *key, const char *what)
{
	problem(c, g, where, key, "missing (%s)", what);
}

/* get_str - a string; *out points into libconfig's copy */
static int get_str(struct ctx *c, const config_setting_t *g,
		   const char *where, const char *key, const char **out)
{
	config_setting_t *s = member(g, key);

	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		problem(c, s, where, key, "expected a string in \"quotes\", "
			"not %s", type_name(config_setting_type(s)));
		return -1;
	}
	*out = config_setting_get_string(s);
	return 1;
}

/* get_num - an integer in min..max */
static int get_num(struct ctx *c, const config_setting_t *g,
		   const char *where, const char *key, long long min,
		   long long max, long long *out)
{
	config_setting_t *s = member(g, key);
	long long v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		problem(c, s, where, key, "expected a whole number, not %s",
			type_name(config_setting_type(s)));
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		problem(c, s, where, key, "%lld is out of range %lld..%lld",
			v, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

/* get_uint - get_num into an unsigned */
static int get_uint(struct ctx *c, const config_setting_t *g,
		    const char *where, const char *key, unsigned min,
		    unsigned max, unsigned *out)
{
	long long v;
	int rc = get_num(c, g, where, key, min, max, &v);

	if (rc == 1)
		*out = (unsigned)v;
	return rc;
}

/* get_bool - true or false */
static int get_bool(struct ctx *c, const config_setting_t *g,
		    const char *where, const char *key, int *out)
{
	config_setting_t *s = member(g, key);

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		problem(c, s, where, key, "expected true or false, not %s",
			type_name(config_setting_type(s)));
		return -1;
	}
	*out = config_setting_get_bool(s);
	return 1;
}

/* get_choice - a string among names; *out its index */
static int get_choice(struct ctx *c, const config_setting_t *g,
		      const char *where, const char *key,
		      const char *const *names, int *out)
{
	const char *v;
	char list[200] = "";
	int rc = get_str(c, g, where, key, &v);

	if (rc != 1)
		return rc;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], v) == 0) {
			*out = i;
			return 1;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s\"%s\"", i ? ", " : "", names[i]);
	}
	problem(c, member(g, key), where, key, "\"%s\" is not one of %s", v,
		list);
	return -1;
}

/* parse_dur - "90", "90s", "500ms", "5m", "2h", "3d", "1h30m" (a bare
 *	number is seconds) in ms; 0 or -1 */
static int parse_dur(const char *s, uint64_t *out)
{
	uint64_t total = 0;

	if (*s == 0)
		return -1;
	while (*s) {
		uint64_t v = 0, unit;

		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > DUR_MAX_MS)
				return -1;
		}
		if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (*s == 's' || *s == 0) {
			unit = 1000;
			s += *s == 's';
		} else if (*s == 'm') {
			unit = 60000;
			s++;
		} else if (*s == 'h') {
			unit = 3600000;
			s++;
		} else if (*s == 'd') {
			unit = 86400000;
			s++;
		} else {
			return -1;
		}
		total += v * unit;
		if (total > DUR_MAX_MS)
			return -1;
	}
	*out = total;
	return 0;
}

/* get_dur - a duration (seconds as a number, or a string with units),
 *	in min_ms..max_ms */
static int get_dur(struct ctx *c, const config_setting_t *g,
		   const char *where, const char *key, uint64_t min_ms,
		   uint64_t max_ms, uint64_t *out)
{
	config_setting_t *s = member(g, key);
	uint64_t v;

	if (s == NULL)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (config_setting_get_int64(s) < 0 ||
		    (uint64_t)config_setting_get_int64(s) > DUR_MAX_MS / 1000) {
			problem(c, s, where, key, "out of range");
			return -1;
		}
		v = (uint64_t)config_setting_get_int64(s) * 1000;
		break;
	case CONFIG_TYPE_STRING:
		if (parse_dur(config_setting_get_string(s), &v) == 0)
			break;
		/* fall through */
	default:
		problem(c, s, where, key, "expected a duration: seconds, or "
			"a string such as \"500ms\", \"90s\", \"5m\", \"2h\", "
			"\"3d\"");
		return -1;
	}
	if (v < min_ms || v > max_ms) {
		problem(c, s, where, key, "out of range %llums..%llums",
			(unsigned long long)min_ms,
			(unsigned long long)max_ms);
		return -1;
	}
	*out = v;
	return 1;
}

/* parse_size - "65536", "64K", "16M", "1G" (binary multiples); 0 or -1 */
static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > SIZE_MAX_CFG)
			return -1;
	}
	if (*s == 'K' || *s == 'k')
		mult = UINT64_C(1) << 10;
	else if (*s == 'M')
		mult = UINT64_C(1) << 20;
	else if (*s == 'G')
		mult = UINT64_C(1) << 30;
	else if (*s)
		return -1;
	if (*s && s[1])
		return -1;
	if (v > SIZE_MAX_CFG / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/* get_size - octets: a number, or a string with K, M or G */
static int get_size(struct ctx *c, const config_setting_t *g,
		    const char *where, const char *key, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	config_setting_t *s = member(g, key);
	uint64_t v;

	if (s == NULL)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		if (config_setting_get_int64(s) < 0) {
			problem(c, s, where, key, "negative size");
			return -1;
		}
		v = (uint64_t)config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_STRING:
		if (parse_size(config_setting_get_string(s), &v) == 0)
			break;
		/* fall through */
	default:
		problem(c, s, where, key, "expected a size: octets, or a "
			"string such as \"64K\", \"16M\", \"1G\"");
		return -1;
	}
	if (v < min || v > max) {
		problem(c, s, where, key, "out of range %llu..%llu octets",
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 1;
}

/* get_strlist - one string, or an array or list of strings; *out
 *	(malloc()ed) points into libconfig's copies */
static int get_strlist(struct ctx *c, const config_setting_t *g,
		       const char *where, const char *key,
		       const char ***out, size_t *n, config_setting_t **at)
{
	config_setting_t *s = member(g, key);
	int t;

	*out = NULL;
	*n = 0;
	*at = s;
	if (s == NULL)
		return 0;
	t = config_setting_type(s);
	if (t == CONFIG_TYPE_STRING) {
		*out = xmalloc(sizeof(**out));
		(*out)[0] = config_setting_get_string(s);
		*n = 1;
		return 1;
	}
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		problem(c, s, where, key, "expected a string or an array of "
			"strings [\"...\", \"...\"], not %s", type_name(t));
		return -1;
	}
	*out = xcalloc((size_t)config_setting_length(s) + 1, sizeof(**out));
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			problem(c, e, where, key, "element %d: expected a "
				"string, not %s", i,
				type_name(config_setting_type(e)));
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[(*n)++] = config_setting_get_string(e);
	}
	return 1;
}

/* get_group - a group { } (or, list_ok, a list ( )) */
static int get_group(struct ctx *c, const config_setting_t *g,
		     const char *where, const char *key, int type,
		     config_setting_t **out)
{
	config_setting_t *s = member(g, key);

	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != type) {
		problem(c, s, where, key, "expected %s, not %s",
			type_name(type), type_name(config_setting_type(s)));
		return -1;
	}
	*out = s;
	return 1;
}

/* ---- values ---------------------------------------------------------- */

/* path_of - a path from the file, relative ones under basedir */
static char *path_of(const struct ctx *c, const char *p)
{
	size_t n;
	char *out;

	if (p[0] == '/')
		return xstrdup(p);
	n = strlen(c->basedir) + strlen(p) + 2;
	out = xmalloc(n);
	snprintf(out, n, "%s/%s", c->basedir, p);
	return out;
}

/* get_path - a non-empty path string, made absolute */
static int get_path(struct ctx *c, const config_setting_t *g,
		    const char *where, const char *key, char **out)
{
	const char *v;
	int rc = get_str(c, g, where, key, &v);

	if (rc != 1)
		return rc;
	if (*v == 0) {
		problem(c, member(g, key), where, key, "empty path");
		return -1;
	}
	free(*out);
	*out = path_of(c, v);
	return 1;
}

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
			snprintf(err, errlen, "\"%s\": hex needs an even number "
				 "of digits after 0x", s);
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
static int get_sel(struct ctx *c, const config_setting_t *g,
		   const char *where, const char *key, size_t max,
		   struct cfg_sel *out)
{
	config_setting_t *s = member(g, key);
	char err[200];
	const char *v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		problem(c, s, where, key, "selectors are strings: write hex "
			"as \"0x0001\" (the length counts), text as \"x400\"");
		return -1;
	}
	if (get_str(c, g, where, key, &v) < 0)
		return -1;
	if (cfg_sel_parse(v, max, out, err, sizeof(err)) < 0) {
		problem(c, s, where, key, "%s", err);
		return -1;
	}
	return 1;
}

/* get_sels - tsel, ssel and psel (prefix "our_" or "") */
static void get_sels(struct ctx *c, const config_setting_t *g,
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

/* numeric_ip - s is a numeric IPv4 or IPv6 address: its family, or 0 */
static int numeric_ip(const char *s)
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
	if (!numeric_ip(host) || (bracket && numeric_ip(host) != AF_INET6)) {
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

/* hostname_ok - letters, digits, '-', '_', '.' in labels of 1..63 */
static int hostname_ok(const char *s)
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

/* oid_ok - a dotted OID, at least two arcs, the first 0..2 */
static int oid_ok(const char *s)
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

/* get_src - source_address (one per family) into src */
static void get_src(struct ctx *c, const config_setting_t *g,
		    const char *where, struct cfg_src *src)
{
	config_setting_t *at;
	const char **v;
	size_t n;

	if (get_strlist(c, g, where, "source_address", &v, &n, &at) != 1)
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
		fam = l < INET6_ADDRSTRLEN + 2 ? numeric_ip(a) : 0;
		if (fam == 0) {
			problem(c, at, where, "source_address", "\"%s\": not "
				"a numeric IPv4 or IPv6 address", v[i]);
		} else if ((fam == AF_INET ? src->v4 : src->v6) != NULL) {
			problem(c, at, where, "source_address", "two %s "
				"addresses; give at most one of each family",
				fam == AF_INET ? "IPv4" : "IPv6");
		} else if (fam == AF_INET) {
			src->v4 = xstrdup(a);
		} else {
			src->v6 = xstrdup(a);
		}
	}
	free(v);
}

/* load_secrets - read the secrets file once, when first needed */
static const struct auth_secrets *load_secrets(struct ctx *c)
{
	char err[AUTH_ERRLEN];

	if (c->secrets_tried)
		return c->secrets;
	c->secrets_tried = 1;
	if (auth_secrets_load(c->cfg->secrets_file, &c->secrets, err,
			      sizeof(err)) < 0)
		problem(c, c->secrets_at, "global.", "secrets_file", "%s",
			err);
	return c->secrets;
}

/* get_password - key (a string) or key_ref (a name in the secrets
 *	file); *out malloc()ed. 1 set, 0 neither given, -1 wrong. */
static int get_password(struct ctx *c, const config_setting_t *g,
			const char *where, const char *key, char **out)
{
	char refkey[40];
	const char *v, *ref;
	const struct auth_secrets *sec;
	int a, b;

	snprintf(refkey, sizeof(refkey), "%s_ref", key);
	a = get_str(c, g, where, key, &v);
	b = get_str(c, g, where, refkey, &ref);
	if (a < 0 || b < 0)
		return -1;
	if (a && b) {
		problem(c, member(g, refkey), where, refkey, "give %s or %s, "
			"not both", key, refkey);
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
		problem(c, member(g, refkey), where, refkey, "refers to the "
			"secrets file, but global.secrets_file is not set");
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
		problem(c, member(g, refkey), where, refkey, "\"%s\" is not "
			"in the secrets file %s", ref, c->cfg->secrets_file);
		return -1;
	}
	free(*out);
	*out = xstrdup(v);
	return 1;
}

/* wipe - free a secret string after overwriting it */
static void wipe(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* ---- global ---------------------------------------------------------- */

static const char *const global_keys[] = {
	"mta_name", "domain", "queue_dir", "log_file", "log_level", "user",
	"pcap_dir", "secrets_file", "sync", "source_address",
	"source_enforce", "password", "password_ref", "allow_plaintext",
	"limits", "bind_backoff", NULL
};
static const char *const limits_keys[] = {
	"max_associations_in", "max_associations_out", "max_message_size",
	NULL
};
static const char *const backoff_keys[] = {
	"free", "first", "max", "forget", "ipv6_prefix", "slots", NULL
};
static const char *const level_names[] = {
	"debug", "info", "notice", "warning", "error", NULL
};
static const char *const sync_names[] = { "full", "nosync", NULL };

/* parse_limits - global.limits */
static void parse_limits(struct ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "global.limits.";

	check_keys(c, g, w, limits_keys);
	get_uint(c, g, w, "max_associations_in", 1, 100000,
		 &cfg->max_assoc_in);
	get_uint(c, g, w, "max_associations_out", 1, 100000,
		 &cfg->max_assoc_out);
	get_size(c, g, w, "max_message_size", 1024, SIZE_MAX_CFG,
		 &cfg->max_message_size);
}

/* parse_backoff - global.bind_backoff */
static void parse_backoff(struct ctx *c, const config_setting_t *g)
{
	struct rl_params *p = &c->cfg->backoff;
	const char *w = "global.bind_backoff.", *why;
	long long slots;
	int bad = 0;

	check_keys(c, g, w, backoff_keys);
	bad |= get_uint(c, g, w, "free", 0, 1000, &p->free) < 0;
	bad |= get_dur(c, g, w, "first", 1, DUR_MAX_MS, &p->base_ms) < 0;
	bad |= get_dur(c, g, w, "max", 1, DUR_MAX_MS, &p->max_ms) < 0;
	bad |= get_dur(c, g, w, "forget", 1, DUR_MAX_MS, &p->forget_ms) < 0;
	bad |= get_uint(c, g, w, "ipv6_prefix", 1, 128, &p->v6_prefix) < 0;
	if (get_num(c, g, w, "slots", RL_WAYS, 1 << 20, &slots) == 1)
		p->slots = (size_t)slots;
	if (!bad && (why = rl_params_ok(p)) != NULL)
		problem(c, g, "global.", "bind_backoff", "%s", why);
}

/* parse_global - the global group */
static void parse_global(struct ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "global.", *v = NULL;
	config_setting_t *sub;
	int i;

	check_keys(c, g, w, global_keys);
	if (get_str(c, g, w, "mta_name", &v) == 0)
		missing(c, g, w, "mta_name", "our MTA name");
	else if (v && !p1_mtaname_ok(v))
		problem(c, member(g, "mta_name"), w, "mta_name", "\"%s\": an "
			"MTA name is 1..32 printable ASCII characters", v);
	else if (v)
		cfg->mta_name = xstrdup(v);
	v = NULL;
	if (get_str(c, g, w, "domain", &v) == 0) {
		missing(c, g, w, "domain", "our global domain identifier, "
			"\"C=..;A=..;P=..\"");
	} else if (v) {
		struct p1_err perr;

		if (p1_gdi_parse(v, &cfg->gdi, &perr) < 0)
			problem(c, member(g, "domain"), w, "domain",
				"\"%s\": %s", v, perr.msg);
		else
			cfg->domain = p1_gdi_format(cfg->gdi);
	}
	if (get_path(c, g, w, "queue_dir", &cfg->queue_dir) == 0)
		missing(c, g, w, "queue_dir", "where the queue lives");
	v = NULL;
	if (get_str(c, g, w, "log_file", &v) == 1 && *v)
		cfg->log_file = path_of(c, v);
	if (get_choice(c, g, w, "log_level", level_names, &i) == 1)
		cfg->log_level = (enum log_level)i;
	if (get_str(c, g, w, "user", &v) == 1) {
		if (*v == 0)
			problem(c, member(g, "user"), w, "user", "empty; leave "
				"the key out to keep the starting user");
		else
			cfg->user = xstrdup(v);
	}
	get_path(c, g, w, "pcap_dir", &cfg->pcap_dir);
	c->secrets_at = member(g, "secrets_file");
	get_path(c, g, w, "secrets_file", &cfg->secrets_file);
	if (get_choice(c, g, w, "sync", sync_names, &i) == 1) {
		cfg->sync = (enum cfg_sync)i;
		if (cfg->sync == CFG_SYNC_NOSYNC)
			warn(c, member(g, "sync"), w, "sync", "nosync: a crash "
			     "can lose mail that peers were told is safe "
			     "(for tests and benchmarks only)");
	}
	get_src(c, g, w, &cfg->src);
	get_bool(c, g, w, "source_enforce", &cfg->src.enforce);
	get_password(c, g, w, "password", &cfg->password);
	get_bool(c, g, w, "allow_plaintext", &cfg->allow_plaintext);
	if (get_group(c, g, w, "limits", CONFIG_TYPE_GROUP, &sub) == 1)
		parse_limits(c, sub);
	if (get_group(c, g, w, "bind_backoff", CONFIG_TYPE_GROUP, &sub) == 1)
		parse_backoff(c, sub);
}

/* ---- listen ---------------------------------------------------------- */

static const char *const listen_keys[] = {
	"addresses", "port", "tsel", "ssel", "psel", NULL
};

/* parse_listen - the listen group */
static void parse_listen(struct ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "listen.", **v;
	config_setting_t *at;
	unsigned port = CFG_PORT;
	size_t n;

	check_keys(c, g, w, listen_keys);
	get_uint(c, g, w, "port", 1, 65535, &port);
	get_sels(c, g, w, "", &cfg->sel);
	if (get_strlist(c, g, w, "addresses", &v, &n, &at) == 0)
		missing(c, g, w, "addresses", "e.g. [\"0.0.0.0\", \"[::]\"]");
	c->listen_given = n;
	for (size_t i = 0; i < n; i++) {
		struct cfg_listen l;
		char err[200];

		if (cfg_hostport_parse(v[i], port, &l.addr, &l.port, err,
				       sizeof(err)) < 0) {
			problem(c, at, w, "addresses", "%s", err);
			continue;
		}
		for (size_t j = 0; j < cfg->nlisten; j++) {
			if (cfg->listen[j].port == l.port &&
			    strcmp(cfg->listen[j].addr, l.addr) == 0) {
				problem(c, at, w, "addresses", "\"%s\" given "
					"twice", v[i]);
				free(l.addr);
				l.addr = NULL;
				break;
			}
		}
		if (l.addr == NULL)
			continue;
		cfg->listen = xrealloc(cfg->listen,
				       (cfg->nlisten + 1) * sizeof(l));
		cfg->listen[cfg->nlisten++] = l;
	}
	free(v);
}

/* ---- links ----------------------------------------------------------- */

static const char *const link_keys[] = {
	"name", "peer_mta", "peer_password", "peer_password_ref",
	"peer_ap_title", "our_mta", "our_password", "our_password_ref",
	"our_tsel", "our_ssel", "our_psel", "our_ap_title", "direction",
	"addresses", "mode", "dialogue", "checkpoint", "window", "recovery",
	"recovery_timeout", "max_associations", "max_transfers",
	"connect_timeout", "idle_timeout", "size_limit", "open_interval", "transfer_retries",
	"transfer_interval", "max_age", "source_address", "source_enforce",
	"allow", "pcap", "reports", "allow_plaintext", NULL
};
static const char *const addr_keys[] = {
	"host", "port", "tsel", "ssel", "psel", NULL
};
static const char *const dir_names[] = {
	"inbound", "outbound", "both", NULL
};
static const char *const mode_names[] = {
	"1988-normal", "x410-1984", NULL
};
static const char *const dialogue_names[] = { "monologue", "twa", NULL };

/* resolve_host - the numeric addresses of a peer's host */
static void resolve_host(struct ctx *c, const config_setting_t *s,
			 const char *where, struct cfg_addr *a)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	if (numeric_ip(a->host)) {
		a->ip = xmalloc(sizeof(*a->ip));
		a->ip[0] = xstrdup(a->host);
		a->nip = 1;
		return;
	}
	if (strspn(a->host, "0123456789.") == strlen(a->host) ||
	    strchr(a->host, ':')) {
		problem(c, s, where, "host", "\"%s\": not a numeric %s "
			"address", a->host, strchr(a->host, ':') ? "IPv6" :
			"IPv4");
		return;
	}
	if (!hostname_ok(a->host)) {
		problem(c, s, where, "host", "\"%s\": neither a numeric "
			"address nor a host name", a->host);
		return;
	}
	if (c->flags & CFG_NO_RESOLVE)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(a->host, NULL, &hints, &res);
	if (rc != 0) {
		problem(c, s, where, "host", "\"%s\" does not resolve: %s",
			a->host, gai_strerror(rc));
		return;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *p;
		size_t j;

		if (ai->ai_family == AF_INET)
			p = &((struct sockaddr_in *)(void *)ai->ai_addr)
				->sin_addr;
		else if (ai->ai_family == AF_INET6)
			p = &((struct sockaddr_in6 *)(void *)ai->ai_addr)
				->sin6_addr;
		else
			continue;
		inet_ntop(ai->ai_family, p, buf, sizeof(buf));
		for (j = 0; j < a->nip; j++)
			if (strcmp(a->ip[j], buf) == 0)
				break;
		if (j < a->nip)
			continue;
		a->ip = xrealloc(a->ip, (a->nip + 1) * sizeof(*a->ip));
		a->ip[a->nip++] = xstrdup(buf);
	}
	freeaddrinfo(res);
	if (a->nip == 0)
		problem(c, s, where, "host", "\"%s\" has no IPv4 or IPv6 "
			"address", a->host);
}

/* parse_addrs - link.addresses: a list of groups */
static void parse_addrs(struct ctx *c, const config_setting_t *g,
			const char *lw, struct cfg_link *l)
{
	config_setting_t *list;

	if (get_group(c, g, lw, "addresses", CONFIG_TYPE_LIST, &list) != 1)
		return;
	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct cfg_addr a;
		char w[WHERE_MAX];
		const char *h = NULL;
		size_t hl;

		snprintf(w, sizeof(w), "%.100saddresses[%d].", lw, i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			problem(c, e, w, NULL, "expected a group { host = "
				"\"...\"; ... }, not %s",
				type_name(config_setting_type(e)));
			continue;
		}
		check_keys(c, e, w, addr_keys);
		memset(&a, 0, sizeof(a));
		a.port = CFG_PORT;
		get_uint(c, e, w, "port", 1, 65535, &a.port);
		get_sels(c, e, w, "", &a.sel);
		if (get_str(c, e, w, "host", &h) == 0) {
			missing(c, e, w, "host", "an address or host name");
			continue;
		} else if (h == NULL) {
			continue;
		}
		/* "[::1]" as well as "::1" */
		hl = strlen(h);
		if (h[0] == '[' && hl > 2 && h[hl - 1] == ']') {
			a.host = xmemdup(h + 1, hl - 1);
			a.host[hl - 2] = 0;
		} else {
			a.host = xstrdup(h);
		}
		resolve_host(c, member(e, "host"), w, &a);
		l->addr = xrealloc(l->addr, (l->naddr + 1) * sizeof(a));
		l->addr[l->naddr++] = a;
	}
}

/* parse_allow - link.allow */
static void parse_allow(struct ctx *c, const config_setting_t *g,
			const char *lw, struct cfg_link *l)
{
	config_setting_t *at;
	const char **v;
	size_t n;

	if (get_strlist(c, g, lw, "allow", &v, &n, &at) != 1)
		return;
	l->allow = acl_new();
	for (size_t i = 0; i < n; i++) {
		char err[ACL_ERRLEN];

		if (acl_add(l->allow, v[i], c->flags & CFG_NO_RESOLVE ?
			    ACL_NO_RESOLVE : 0, err, sizeof(err)) < 0)
			problem(c, at, lw, "allow", "%s", err);
	}
	if (n == 0)
		problem(c, at, lw, "allow", "empty: nobody could call; leave "
			"the key out to allow any address");
	free(v);
}

/* link_name_ok - 1..32 of letters, digits, '.', '-', '_' */
static int link_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CFG_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

/* parse_link - one element of links */
static void parse_link(struct ctx *c, const config_setting_t *g, int idx)
{
	struct cfg *cfg = c->cfg;
	struct cfg_link *l;
	char lw[WHERE_MAX], *pw = NULL;
	const char *v;
	int i, allow_plain;

	cfg->links = xrealloc(cfg->links, (cfg->nlinks + 1) * sizeof(*l));
	l = &cfg->links[cfg->nlinks++];
	memset(l, 0, sizeof(*l));
	l->file = xstrdup(file_of(c, g));
	l->line = line_of(g);
	snprintf(lw, sizeof(lw), "links[%d]: ", idx);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		problem(c, g, lw, NULL, "expected a group { name = \"...\"; "
			"... }, not %s", type_name(config_setting_type(g)));
		l->name = xstrdup("");
		return;
	}
	if (get_str(c, g, lw, "name", &v) == 0) {
		missing(c, g, lw, "name", "the link's name");
		v = "";
	} else if (v == NULL) {
		v = "";
	} else if (!link_name_ok(v)) {
		problem(c, member(g, "name"), lw, "name", "\"%s\": 1..%d "
			"letters, digits, '.', '-' or '_'", v, CFG_NAME_MAX);
	}
	l->name = xstrdup(v);
	if (*v && link_name_ok(v))
		snprintf(lw, sizeof(lw), "link %s: ", v);
	check_keys(c, g, lw, link_keys);

	/* defaults, some from global */
	l->dir = CFG_BOTH;
	l->mode = RTSE_NORMAL;
	l->dialogue = RTSE_MONOLOGUE;
	l->checkpoint = 30;
	l->window = 3;
	l->recovery = 1;
	l->recovery_timeout_ms = 60000;
	l->max_assoc = 4;
	l->connect_timeout_ms = 30000;
	l->idle_timeout_ms = 300000;
	l->size_limit = cfg->max_message_size;
	l->open_interval_ms = 60000;
	l->transfer_retries = 2;
	l->transfer_interval_ms = 120000;
	l->max_age_ms = UINT64_C(2) * 86400000;
	l->reports = 1;
	l->allow_plaintext = cfg->allow_plaintext;
	l->our_mta = xstrdup(cfg->mta_name ? cfg->mta_name : "");
	l->our_pw = xstrdup(cfg->password ? cfg->password : "");
	l->our_sel = cfg->sel;
	l->src.v4 = cfg->src.v4 ? xstrdup(cfg->src.v4) : NULL;
	l->src.v6 = cfg->src.v6 ? xstrdup(cfg->src.v6) : NULL;
	l->src.enforce = cfg->src.enforce;

	if (get_choice(c, g, lw, "direction", dir_names, &i) == 1)
		l->dir = (unsigned)i + 1;
	v = NULL;
	if (get_str(c, g, lw, "peer_mta", &v) == 0)
		missing(c, g, lw, "peer_mta", "the remote MTA's name");
	else if (v && !p1_mtaname_ok(v))
		problem(c, member(g, "peer_mta"), lw, "peer_mta", "\"%s\": an "
			"MTA name is 1..32 printable ASCII characters", v);
	l->peer_mta = xstrdup(v && p1_mtaname_ok(v) ? v : "");
	if (get_str(c, g, lw, "our_mta", &v) == 1) {
		if (!p1_mtaname_ok(v))
			problem(c, member(g, "our_mta"), lw, "our_mta", "\"%s\":"
				" an MTA name is 1..32 printable ASCII "
				"characters", v);
		free(l->our_mta);
		l->our_mta = xstrdup(v);
	}
	get_password(c, g, lw, "our_password", &l->our_pw);
	get_bool(c, g, lw, "allow_plaintext", &l->allow_plaintext);
	allow_plain = l->allow_plaintext;
	switch (get_password(c, g, lw, "peer_password", &pw)) {
	case 0:
		missing(c, g, lw, "peer_password", "the hash that verifies "
			"the peer's password (x400passwd), or \"\" if it sends "
			"none");
		break;
	case 1: {
		char err[AUTH_ERRLEN];
		const char *key = member(g, "peer_password") ?
				  "peer_password" : "peer_password_ref";

		if (auth_verifier_parse(pw, allow_plain, &l->peer_pw, err,
					sizeof(err)) < 0)
			problem(c, member(g, key), lw, key, "%s", err);
		else if (auth_verifier_kind(l->peer_pw) == AUTH_PLAIN)
			warn(c, member(g, key), lw, key, "the peer's password "
			     "is stored in clear; store a hash (x400passwd)");
		break;
	}
	default:
		break;
	}
	wipe(pw);
	get_sels(c, g, lw, "our_", &l->our_sel);
	v = NULL;
	if (get_str(c, g, lw, "our_ap_title", &v) == 1 && *v && !oid_ok(v))
		problem(c, member(g, "our_ap_title"), lw, "our_ap_title",
			"\"%s\": not a dotted object identifier", v);
	l->our_ap_title = xstrdup(v ? v : "");
	v = NULL;
	if (get_str(c, g, lw, "peer_ap_title", &v) == 1 && *v && !oid_ok(v))
		problem(c, member(g, "peer_ap_title"), lw, "peer_ap_title",
			"\"%s\": not a dotted object identifier", v);
	l->peer_ap_title = xstrdup(v ? v : "");
	parse_addrs(c, g, lw, l);
	if (get_choice(c, g, lw, "mode", mode_names, &i) == 1)
		l->mode = i ? RTSE_X410 : RTSE_NORMAL;
	if (get_choice(c, g, lw, "dialogue", dialogue_names, &i) == 1)
		l->dialogue = i ? RTSE_TWA : RTSE_MONOLOGUE;
	get_uint(c, g, lw, "checkpoint", 0, 65535, &l->checkpoint);
	get_uint(c, g, lw, "window", 1, 100, &l->window);
	get_bool(c, g, lw, "recovery", &l->recovery);
	get_dur(c, g, lw, "recovery_timeout", 1000, DUR_MAX_MS,
		&l->recovery_timeout_ms);
	get_uint(c, g, lw, "max_associations", 1, 1000, &l->max_assoc);
	get_uint(c, g, lw, "max_transfers", 0, 1000000, &l->max_transfers);
	get_dur(c, g, lw, "connect_timeout", 100, 3600000,
		&l->connect_timeout_ms);
	get_dur(c, g, lw, "idle_timeout", 100, DUR_MAX_MS,
		&l->idle_timeout_ms);
	if (get_size(c, g, lw, "size_limit", 1024, SIZE_MAX_CFG,
		     &l->size_limit) == 1 &&
	    l->size_limit > cfg->max_message_size)
		problem(c, member(g, "size_limit"), lw, "size_limit", "%llu "
			"octets is over global.limits.max_message_size (%llu)",
			(unsigned long long)l->size_limit,
			(unsigned long long)cfg->max_message_size);
	get_dur(c, g, lw, "open_interval", 100, DUR_MAX_MS,
		&l->open_interval_ms);
	get_uint(c, g, lw, "transfer_retries", 0, 1000, &l->transfer_retries);
	get_dur(c, g, lw, "transfer_interval", 100, DUR_MAX_MS,
		&l->transfer_interval_ms);
	get_dur(c, g, lw, "max_age", 1000, DUR_MAX_MS, &l->max_age_ms);
	get_src(c, g, lw, &l->src);
	get_bool(c, g, lw, "source_enforce", &l->src.enforce);
	parse_allow(c, g, lw, l);
	get_bool(c, g, lw, "pcap", &l->pcap);
	get_bool(c, g, lw, "reports", &l->reports);
}

/* ---- routing --------------------------------------------------------- */

static const char *const routing_keys[] = {
	"local_dir", "local", "routes", NULL
};
static const char *const route_keys[] = { "pattern", "link", "cost", NULL };

/* pattern_check - an address space in route.h's syntax, checked by
 *	route_add() itself on a scratch table; 0 or -1 with msg */
static int pattern_check(const char *pattern, char *msg, size_t len)
{
	struct route_table *t = route_table_new();
	struct p1_err perr;
	int rc = route_add(t, pattern, ROUTE_LOCAL, 0, &perr);

	route_table_free(t);
	if (rc < 0)
		snprintf(msg, len, "%s", perr.msg);
	return rc < 0 ? -1 : 0;
}

/* add_route - one entry of routing.local (link NULL) or routes */
static void add_route(struct ctx *c, const config_setting_t *s,
		      struct cfg_route **v, size_t *n, const char *pattern,
		      const char *link, unsigned cost)
{
	struct cfg_route r;

	r.pattern = xstrdup(pattern);
	r.link = link ? xstrdup(link) : NULL;
	r.cost = cost;
	r.file = xstrdup(file_of(c, s));
	r.line = line_of(s);
	*v = xrealloc(*v, (*n + 1) * sizeof(r));
	(*v)[(*n)++] = r;
}

/* parse_routing - the routing group */
static void parse_routing(struct ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "routing.", **v;
	config_setting_t *at, *list;
	char msg[200];
	size_t n;

	check_keys(c, g, w, routing_keys);
	get_path(c, g, w, "local_dir", &cfg->local_dir);
	if (get_strlist(c, g, w, "local", &v, &n, &at) == 1) {
		for (size_t i = 0; i < n; i++) {
			if (*v[i] == 0)
				problem(c, at, w, "local", "an empty pattern "
					"would deliver every address here");
			else if (pattern_check(v[i], msg, sizeof(msg)) < 0)
				problem(c, at, w, "local", "\"%s\": %s", v[i],
					msg);
			else
				add_route(c, at, &cfg->local, &cfg->nlocal,
					  v[i], NULL, 0);
		}
		free(v);
	}
	if (get_group(c, g, w, "routes", CONFIG_TYPE_LIST, &list) != 1)
		return;
	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		char rw[WHERE_MAX];
		const char *pat, *link;
		unsigned cost = 1;
		int bad = 0;

		snprintf(rw, sizeof(rw), "routing.routes[%d].", i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			problem(c, e, rw, NULL, "expected a group { pattern = "
				"\"...\"; link = \"...\"; }, not %s",
				type_name(config_setting_type(e)));
			continue;
		}
		check_keys(c, e, rw, route_keys);
		if (get_uint(c, e, rw, "cost", 0, COST_MAX, &cost) < 0)
			bad = 1;
		switch (get_str(c, e, rw, "pattern", &pat)) {
		case 0:
			missing(c, e, rw, "pattern", "an O/R address pattern; "
				"\"\" for the default route");
			/* fall through */
		case -1:
			bad = 1;
			break;
		default:
			if (pattern_check(pat, msg, sizeof(msg)) < 0) {
				problem(c, member(e, "pattern"), rw, "pattern",
					"\"%s\": %s", pat, msg);
				bad = 1;
			}
		}
		switch (get_str(c, e, rw, "link", &link)) {
		case 0:
			missing(c, e, rw, "link", "the name of a link");
			/* fall through */
		case -1:
			bad = 1;
			break;
		default:
			if (cfg_link_find(cfg, link) == NULL) {
				problem(c, member(e, "link"), rw, "link",
					"\"%s\": no such link", link);
				bad = 1;
			} else if (!(cfg_link_find(cfg, link)->dir &
				     CFG_OUT)) {
				problem(c, member(e, "link"), rw, "link",
					"\"%s\" does not send (direction = "
					"\"inbound\")", link);
				bad = 1;
			}
		}
		if (!bad)
			add_route(c, e, &cfg->routes, &cfg->nroutes, pat,
				  cfg_link_find(cfg, link)->name, cost);
	}
}

/* ---- the whole ------------------------------------------------------- */

/* check_links - what involves several links, or links and the rest */
static void check_links(struct ctx *c, const config_setting_t *root)
{
	struct cfg *cfg = c->cfg;
	const config_setting_t *list = member(root, "links");

	for (size_t i = 0; i < cfg->nlinks; i++) {
		struct cfg_link *l = &cfg->links[i];
		const config_setting_t *g = list ?
			config_setting_get_elem(list, (unsigned)i) : NULL;
		char lw[WHERE_MAX];
		int routed = 0;

		if (*l->name == 0)
			continue;
		snprintf(lw, sizeof(lw), "link %s: ", l->name);
		if (strcasecmp(l->name, "local") == 0)
			problem(c, member(g, "name"), lw, "name", "\"local\" "
				"is reserved for local delivery");
		for (size_t j = 0; j < i; j++) {
			const struct cfg_link *o = &cfg->links[j];

			if (strcasecmp(o->name, l->name) == 0)
				problem(c, member(g, "name"), lw, "name",
					"defined twice (first at %s:%u)",
					o->file, o->line);
			else if ((l->dir & CFG_IN) && (o->dir & CFG_IN) &&
				 *l->peer_mta &&
				 strcasecmp(o->peer_mta, l->peer_mta) == 0 &&
				 cfg_sels_equal(&o->our_sel, &l->our_sel))
				problem(c, member(g, "peer_mta"), lw,
					"peer_mta", "link %s also receives "
					"from \"%s\" at the same selectors; "
					"give one of them other our_tsel/"
					"our_ssel/our_psel, or direction = "
					"\"outbound\"", o->name, l->peer_mta);
		}
		if ((l->dir & CFG_OUT) && l->naddr == 0) {
			const config_setting_t *a = member(g, "addresses");

			if (a == NULL)
				missing(c, g, lw, "addresses", "the link sends "
					"(direction), so it needs the peer's "
					"address");
			else if (config_setting_type(a) == CONFIG_TYPE_LIST &&
				 config_setting_length(a) == 0)
				problem(c, a, lw, "addresses", "empty, but the "
					"link sends (direction)");
		}
		if ((l->dir & CFG_IN) && c->listen_given == 0)
			problem(c, member(g, "direction") ? member(g,
				"direction") : g, lw, "direction", "the link "
				"receives, but listen.addresses is empty");
		if (l->pcap && cfg->pcap_dir == NULL)
			problem(c, member(g, "pcap"), lw, "pcap", "true, but "
				"global.pcap_dir is not set");
		if (*l->our_mta == 0 && cfg->mta_name)
			problem(c, g, lw, "our_mta", "empty");
		for (size_t r = 0; r < cfg->nroutes; r++)
			if (strcmp(cfg->routes[r].link, l->name) == 0)
				routed = 1;
		if ((l->dir & CFG_OUT) && !routed && c->nerr == 0)
			warn(c, g, lw, NULL, "sends, but no route leads to it "
			     "(reports to its peer's domain still do)");
	}
}

/* load - everything from a parsed file */
static int load(struct ctx *c, config_t *lc)
{
	struct cfg *cfg = c->cfg;
	config_setting_t *root = config_root_setting(lc), *g;
	static const char *const top_keys[] = {
		"global", "listen", "links", "routing", NULL
	};
	struct rl_params bp = RL_PARAMS_DEFAULT;

	cfg->log_level = LOG_INFO;
	cfg->sync = CFG_SYNC_FULL;
	cfg->src.enforce = 1;
	cfg->password = xstrdup("");
	cfg->max_assoc_in = 64;
	cfg->max_assoc_out = 64;
	cfg->max_message_size = UINT64_C(16) << 20;
	cfg->backoff = bp;
	check_keys(c, root, "", top_keys);
	switch (get_group(c, root, "", "global", CONFIG_TYPE_GROUP, &g)) {
	case 1:
		parse_global(c, g);
		break;
	case 0:
		missing(c, NULL, "", "global", "the group with mta_name, "
			"domain and queue_dir");
		break;
	}
	if (get_group(c, root, "", "listen", CONFIG_TYPE_GROUP, &g) == 1)
		parse_listen(c, g);
	if (get_group(c, root, "", "links", CONFIG_TYPE_LIST, &g) == 1)
		for (int i = 0; i < config_setting_length(g); i++)
			parse_link(c, config_setting_get_elem(g, i), i);
	if (get_group(c, root, "", "routing", CONFIG_TYPE_GROUP, &g) == 1)
		parse_routing(c, g);
	if (cfg->local_dir == NULL && cfg->queue_dir) {
		size_t n = strlen(cfg->queue_dir) + sizeof("/mailboxes");

		cfg->local_dir = xmalloc(n);
		snprintf(cfg->local_dir, n, "%s/mailboxes", cfg->queue_dir);
	}
	check_links(c, root);
	if (c->nerr == 0)
		return 0;
	if (c->omitted && c->err)
		snprintf(c->err + c->used, c->errlen - c->used,
			 "%s... and %u more problems", c->used ? "\n" : "",
			 c->omitted);
	return -1;
}

/* run - parse (read by the caller's function) and load */
static int run(struct ctx *c, config_t *lc, int parsed, struct cfg *cfg)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	c->cfg = cfg;
	if (!parsed) {
		if (c->err && c->errlen)
			snprintf(c->err, c->errlen, "%s:%d: %s",
				 config_error_file(lc) ? config_error_file(lc)
				 : c->name, config_error_line(lc),
				 config_error_text(lc) ? config_error_text(lc)
				 : "cannot read");
		rc = -1;
	} else {
		cfg->path = xstrdup(c->name);
		rc = load(c, lc);
	}
	auth_secrets_free(c->secrets);
	if (rc < 0) {
		cfg_free(cfg);
		memset(cfg, 0, sizeof(*cfg));
	}
	return rc;
}

/* scan_ints - libconfig 1.5 keeps an integer without the L suffix in
 *	an int and silently wraps a larger one (4294967297 reads as 1):
 *	find such literals in the text (outside strings and comments) and
 *	report them */
static void scan_ints(struct ctx *c, const char *text, const char *name)
{
	const char *p = text;
	unsigned line = 1;

	while (*p) {
		if (*p == '\n') {
			line++;
			p++;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				line += *p == '\n';
			}
			p += *p == '"';
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			p += *p ? 2 : 0;
		} else if (isdigit((unsigned char)*p) && (p == text ||
			   !(isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
			     p[-1] == '*' || p[-1] == '.'))) {
			const char *q = p;
			int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
			uint64_t v = 0, big = 0;

			for (q += hex ? 2 : 0; hex ? isxdigit((unsigned char)*q)
			     : isdigit((unsigned char)*q); q++) {
				v = v * (hex ? 16 : 10) + (uint64_t)(isdigit(
					(unsigned char)*q) ? *q - '0' :
					(tolower((unsigned char)*q) - 'a' + 10));
				big |= v > INT_MAX;
			}
			if (big && *q != 'L' && *q != '.' && *q != 'e' &&
			    *q != 'E') {
				char msg[200];

				snprintf(msg, sizeof(msg), "%s:%u: %.*s: too "
					 "large for a plain number (libconfig "
					 "would wrap it); write %.*sL, or a "
					 "size as a string (\"4G\")", name,
					 line, (int)(q - p > 40 ? 40 : q - p),
					 p, (int)(q - p > 40 ? 40 : q - p), p);
				problem_line(c, msg);
			}
			p = q;
		} else {
			p++;
		}
	}
}

/* slurp - a whole file, at most 16 MiB (malloc()ed), or NULL */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text = NULL;
	size_t n = 0, cap = 0, r;

	if (fp == NULL)
		return NULL;
	do {
		if (n + 1 >= cap) {
			if (cap >= (16u << 20)) {
				free(text);
				fclose(fp);
				errno = EFBIG;
				return NULL;
			}
			cap = cap ? cap * 2 : 8192;
			text = xrealloc(text, cap);
		}
		r = fread(text + n, 1, cap - n - 1, fp);
		n += r;
	} while (r > 0);
	if (ferror(fp)) {
		free(text);
		fclose(fp);
		errno = EIO;
		return NULL;
	}
	fclose(fp);
	text[n] = 0;
	if (strlen(text) != n) {
		free(text);
		errno = EINVAL;		/* a NUL octet: not a text file */
		return NULL;
	}
	return text;
}

/* load_text - parse text, then check it; c is set up by the caller */
static int load_text(struct ctx *c, const char *text, struct cfg *cfg)
{
	config_t lc;
	int rc;

	config_init(&lc);
	/* @include "file" is taken from the same directory */
	config_set_include_dir(&lc, c->basedir);
	rc = config_read_string(&lc, text) == CONFIG_TRUE;
	if (rc) {
		scan_ints(c, text, c->name);
		for (unsigned i = 0; i < lc.num_filenames; i++) {
			char *inc = slurp(lc.filenames[i]);

			if (inc)
				scan_ints(c, inc, lc.filenames[i]);
			free(inc);
		}
	}
	rc = run(c, &lc, rc, cfg);
	config_destroy(&lc);
	return rc;
}

int cfg_load(const char *path, int flags, struct cfg *cfg, char *err,
	     size_t errlen)
{
	struct ctx c;
	char *dir, *slash, *text = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(cfg, 0, sizeof(*cfg));
	c.name = path;
	c.flags = flags;
	c.err = err;
	c.errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	/* relative paths are taken from the file's directory */
	dir = realpath(path, NULL);
	if (dir == NULL || (text = slurp(path)) == NULL) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(dir);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	c.basedir = dir;
	rc = load_text(&c, text, cfg);
	free(text);
	free(dir);
	return rc;
}

int cfg_load_string(const char *text, const char *name, const char *basedir,
		    int flags, struct cfg *cfg, char *err, size_t errlen)
{
	struct ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.name = name ? name : "(string)";
	c.flags = flags;
	c.err = err;
	c.errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	c.basedir = xstrdup(basedir ? basedir : ".");
	rc = load_text(&c, text, cfg);
	free(c.basedir);
	return rc;
}

/* ---- freeing and finding --------------------------------------------- */

/* free_src - a cfg_src's strings */
static void free_src(struct cfg_src *s)
{
	free(s->v4);
	free(s->v6);
}

/* free_routes - an array of routes */
static void free_routes(struct cfg_route *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].pattern);
		free(r[i].link);
		free(r[i].file);
	}
	free(r);
}

void cfg_free(struct cfg *cfg)
{
	free(cfg->path);
	free(cfg->mta_name);
	free(cfg->domain);
	if (cfg->gdi)
		ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier, cfg->gdi);
	free(cfg->queue_dir);
	free(cfg->log_file);
	free(cfg->user);
	free(cfg->pcap_dir);
	free(cfg->secrets_file);
	free_src(&cfg->src);
	wipe(cfg->password);
	for (size_t i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i].addr);
	free(cfg->listen);
	for (size_t i = 0; i < cfg->nlinks; i++) {
		struct cfg_link *l = &cfg->links[i];

		free(l->name);
		free(l->file);
		free(l->peer_mta);
		auth_verifier_free(l->peer_pw);
		for (size_t j = 0; j < l->naddr; j++) {
			free(l->addr[j].host);
			for (size_t k = 0; k < l->addr[j].nip; k++)
				free(l->addr[j].ip[k]);
			free(l->addr[j].ip);
		}
		free(l->addr);
		free(l->peer_ap_title);
		free(l->our_mta);
		wipe(l->our_pw);
		free(l->our_ap_title);
		free_src(&l->src);
		acl_free(l->allow);
	}
	free(cfg->links);
	free(cfg->local_dir);
	free_routes(cfg->local, cfg->nlocal);
	free_routes(cfg->routes, cfg->nroutes);
	for (size_t i = 0; i < cfg->nwarn; i++)
		free(cfg->warn[i]);
	free(cfg->warn);
	memset(cfg, 0, sizeof(*cfg));
}

const struct cfg_link *cfg_link_find(const struct cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nlinks; i++)
		if (strcasecmp(cfg->links[i].name, name) == 0)
			return &cfg->links[i];
	return NULL;
}

size_t cfg_links_for_peer(const struct cfg *cfg, const char *mta,
			  const struct cfg_link **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nlinks; i++) {
		const struct cfg_link *l = &cfg->links[i];

		if (!(l->dir & CFG_IN) || strcasecmp(l->peer_mta, mta) != 0)
			continue;
		if (n < max)
			out[n] = l;
		n++;
	}
	return n;
}

const struct cfg_link *cfg_link_inbound(const struct cfg *cfg,
					const char *mta,
					const struct cfg_sels *sel,
					enum cfg_match *why)
{
	const struct cfg_link *first = NULL;

	for (size_t i = 0; i < cfg->nlinks; i++) {
		const struct cfg_link *l = &cfg->links[i];

		if (!(l->dir & CFG_IN) || strcasecmp(l->peer_mta, mta) != 0)
			continue;
		if (cfg_sels_equal(&l->our_sel, sel)) {
			*why = CFG_MATCHED;
			return l;
		}
		if (first == NULL)
			first = l;
	}
	*why = first ? CFG_WRONG_SELECTORS : CFG_NO_LINK;
	return first;
}

const char *cfg_link_source(const struct cfg_link *l, int family)
{
	return family == AF_INET6 ? l->src.v6 : l->src.v4;
}

/* ---- dump and diff --------------------------------------------------- */

/* A section as key = value lines, values in libconfig syntax. */
struct kvl {
	char		**key, **val;
	int		*restart;	/* needs a restart to take effect */
	size_t		n;
};

/* kv - append key = formatted value */
static void kv(struct kvl *l, int restart, const char *key, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
static void kv(struct kvl *l, int restart, const char *key, const char *fmt,
	       ...)
{
	va_list ap;
	char *v;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		panic("cfg: bad format %s", fmt);
	v = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(v, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->key = xrealloc(l->key, (l->n + 1) * sizeof(*l->key));
	l->val = xrealloc(l->val, (l->n + 1) * sizeof(*l->val));
	l->restart = xrealloc(l->restart, (l->n + 1) * sizeof(*l->restart));
	l->key[l->n] = xstrdup(key);
	l->val[l->n] = v;
	l->restart[l->n] = restart;
	l->n++;
}

static void kvl_free(struct kvl *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->key[i]);
		free(l->val[i]);
	}
	free(l->key);
	free(l->val);
	free(l->restart);
	memset(l, 0, sizeof(*l));
}

/* q - a string literal in b (escaped as libconfig reads it) */
static const char *q(struct buf *b, const char *s)
{
	buf_reset(b);
	buf_add_u8(b, '"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			buf_add_u8(b, '\\');
			buf_add_u8(b, ch);
		} else if (ch < 0x20 || ch > 0x7e) {
			char x[5];

			snprintf(x, sizeof(x), "\\x%02x", ch);
			buf_add(b, x, 4);
		} else {
			buf_add_u8(b, ch);
		}
	}
	buf_add_u8(b, '"');
	buf_add_u8(b, 0);
	return (const char *)buf_ptr(b);
}

/* dur - a duration as the largest unit that divides it */
static const char *dur(char *buf, size_t len, uint64_t ms)
{
	static const struct { uint64_t ms; const char *u; } units[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" },
		{ 1000, "s" }, { 1, "ms" }
	};
	size_t i = 0;

	while (ms && ms % units[i].ms)
		i++;
	if (ms == 0)
		i = 3;
	snprintf(buf, len, "\"%llu%s\"",
		 (unsigned long long)(ms / units[i].ms), units[i].u);
	return buf;
}

/* size - octets, as K, M or G when exact */
static const char *size(char *buf, size_t len, uint64_t v)
{
	if (v && v % (UINT64_C(1) << 30) == 0)
		snprintf(buf, len, "\"%lluG\"", (unsigned long long)(v >> 30));
	else if (v && v % (UINT64_C(1) << 20) == 0)
		snprintf(buf, len, "\"%lluM\"", (unsigned long long)(v >> 20));
	else if (v && v % 1024 == 0)
		snprintf(buf, len, "\"%lluK\"", (unsigned long long)(v >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* secret - a password for the dump (hidden) or the diff (a digest) */
static const char *secret(char *buf, size_t len, const char *s, int show)
{
	unsigned char d[SHA256_DIGEST_LENGTH];

	if (!show) {
		snprintf(buf, len, *s ? "\"(hidden, %zu octets)\"" : "\"\"",
			 strlen(s));
		return buf;
	}
	SHA256((const unsigned char *)s, strlen(s), d);
	snprintf(buf, len, "\"sha256:");
	for (size_t i = 0; i < 16 && strlen(buf) + 3 < len; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%02x", d[i]);
	snprintf(buf + strlen(buf), len - strlen(buf), "\"");
	return buf;
}

/* src_val - source_address as a list */
static const char *src_val(struct buf *b, const struct cfg_src *s)
{
	buf_reset(b);
	buf_add(b, "[", 1);
	if (s->v4) {
		buf_add(b, "\"", 1);
		buf_add(b, s->v4, strlen(s->v4));
		buf_add(b, "\"", 1);
	}
	if (s->v6) {
		if (s->v4)
			buf_add(b, ", ", 2);
		buf_add(b, "\"", 1);
		buf_add(b, s->v6, strlen(s->v6));
		buf_add(b, "\"", 1);
	}
	buf_add(b, "]", 2);
	return (const char *)buf_ptr(b);
}

/* sels_kv - tsel, ssel, psel */
static void sels_kv(struct kvl *l, int restart, const char *prefix,
		    const struct cfg_sels *s)
{
	char k[24], v[2 * CFG_SEL_MAX + 8];
	struct buf b = BUF_INIT;
	const struct cfg_sel *sel[3] = { &s->t, &s->s, &s->p };
	static const char *const names[3] = { "tsel", "ssel", "psel" };

	for (int i = 0; i < 3; i++) {
		snprintf(k, sizeof(k), "%s%s", prefix, names[i]);
		kv(l, restart, k, "%s", q(&b, cfg_sel_format(sel[i], v,
							      sizeof(v))));
	}
	buf_free(&b);
}

/* global_kv - global and listen */
static void global_kv(const struct cfg *cfg, int show, struct kvl *l)
{
	struct buf b = BUF_INIT;
	char t[96];

	kv(l, 0, "mta_name", "%s", q(&b, cfg->mta_name));
	kv(l, 0, "domain", "%s", q(&b, cfg->domain));
	kv(l, 1, "queue_dir", "%s", q(&b, cfg->queue_dir));
	kv(l, 0, "log_file", "%s", q(&b, cfg->log_file));
	kv(l, 0, "log_level", "\"%s\"", level_names[cfg->log_level]);
	kv(l, 1, "user", "%s", q(&b, cfg->user));
	kv(l, 0, "pcap_dir", "%s", q(&b, cfg->pcap_dir));
	kv(l, 0, "secrets_file", "%s", q(&b, cfg->secrets_file));
	kv(l, 1, "sync", "\"%s\"", sync_names[cfg->sync]);
	kv(l, 0, "source_address", "%s", src_val(&b, &cfg->src));
	kv(l, 0, "source_enforce", "%s", cfg->src.enforce ? "true" : "false");
	kv(l, 0, "password", "%s", secret(t, sizeof(t), cfg->password, show));
	kv(l, 0, "allow_plaintext", "%s",
	   cfg->allow_plaintext ? "true" : "false");
	kv(l, 0, "limits.max_associations_in", "%u", cfg->max_assoc_in);
	kv(l, 0, "limits.max_associations_out", "%u", cfg->max_assoc_out);
	kv(l, 0, "limits.max_message_size", "%s",
	   size(t, sizeof(t), cfg->max_message_size));
	kv(l, 0, "bind_backoff.free", "%u", cfg->backoff.free);
	kv(l, 0, "bind_backoff.first", "%s",
	   dur(t, sizeof(t), cfg->backoff.base_ms));
	kv(l, 0, "bind_backoff.max", "%s",
	   dur(t, sizeof(t), cfg->backoff.max_ms));
	kv(l, 0, "bind_backoff.forget", "%s",
	   dur(t, sizeof(t), cfg->backoff.forget_ms));
	kv(l, 0, "bind_backoff.ipv6_prefix", "%u", cfg->backoff.v6_prefix);
	kv(l, 0, "bind_backoff.slots", "%zu", cfg->backoff.slots);
	buf_free(&b);
}

/* listen_kv - the listen group */
static void listen_kv(const struct cfg *cfg, struct kvl *l)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "[", 1);
	for (size_t i = 0; i < cfg->nlisten; i++) {
		char a[INET6_ADDRSTRLEN + 16];
		const struct cfg_listen *e = &cfg->listen[i];

		snprintf(a, sizeof(a), "%s\"%s%s%s:%u\"", i ? ", " : "",
			 strchr(e->addr, ':') ? "[" : "", e->addr,
			 strchr(e->addr, ':') ? "]" : "", e->port);
		buf_add(&b, a, strlen(a));
	}
	buf_add(&b, "]", 2);
	kv(l, 1, "addresses", "%s", (const char *)buf_ptr(&b));
	sels_kv(l, 1, "", &cfg->sel);
	buf_free(&b);
}

/* link_kv - one link; show: secrets as digests (for the diff) */
static void link_kv(const struct cfg_link *k, int show, struct kvl *l)
{
	struct buf b = BUF_INIT, a = BUF_INIT;
	char t[96], acl[2048];

	kv(l, 0, "direction", "\"%s\"", dir_names[k->dir - 1]);
	kv(l, 0, "peer_mta", "%s", q(&b, k->peer_mta));
	if (k->peer_pw == NULL)
		kv(l, 0, "peer_password", "\"\"");
	else if (show)
		kv(l, 0, "peer_password", "%s",
		   secret(t, sizeof(t), auth_verifier_text(k->peer_pw), 1));
	else
		kv(l, 0, "peer_password", "\"(%s)\"",
		   auth_kind_name(auth_verifier_kind(k->peer_pw)));
	kv(l, 0, "peer_ap_title", "%s", q(&b, k->peer_ap_title));
	kv(l, 0, "our_mta", "%s", q(&b, k->our_mta));
	kv(l, 0, "our_password", "%s", secret(t, sizeof(t), k->our_pw, show));
	sels_kv(l, 0, "our_", &k->our_sel);
	kv(l, 0, "our_ap_title", "%s", q(&b, k->our_ap_title));
	buf_add(&a, "(", 1);
	for (size_t i = 0; i < k->naddr; i++) {
		const struct cfg_addr *e = &k->addr[i];
		char s[3][2 * CFG_SEL_MAX + 8], line[512];

		snprintf(line, sizeof(line), "%s{ host = %s; port = %u; ",
			 i ? ", " : " ", q(&b, e->host), e->port);
		buf_add(&a, line, strlen(line));
		snprintf(line, sizeof(line), "tsel = %s; ",
			 q(&b, cfg_sel_format(&e->sel.t, s[0], sizeof(s[0]))));
		buf_add(&a, line, strlen(line));
		snprintf(line, sizeof(line), "ssel = %s; ",
			 q(&b, cfg_sel_format(&e->sel.s, s[1], sizeof(s[1]))));
		buf_add(&a, line, strlen(line));
		snprintf(line, sizeof(line), "psel = %s; }",
			 q(&b, cfg_sel_format(&e->sel.p, s[2], sizeof(s[2]))));
		buf_add(&a, line, strlen(line));
		if (!numeric_ip(e->host)) {
			buf_add(&a, " /* ", 4);
			for (size_t j = 0; j < e->nip; j++) {
				if (j)
					buf_add(&a, " ", 1);
				buf_add(&a, e->ip[j], strlen(e->ip[j]));
			}
			buf_add(&a, " */", 3);
		}
	}
	buf_add(&a, " )", 3);
	kv(l, 0, "addresses", "%s", (const char *)buf_ptr(&a));
	kv(l, 0, "mode", "\"%s\"", mode_names[k->mode == RTSE_X410]);
	kv(l, 0, "dialogue", "\"%s\"", dialogue_names[k->dialogue == RTSE_TWA]);
	kv(l, 0, "checkpoint", "%u", k->checkpoint);
	kv(l, 0, "window", "%u", k->window);
	kv(l, 0, "recovery", "%s", k->recovery ? "true" : "false");
	kv(l, 0, "recovery_timeout", "%s",
	   dur(t, sizeof(t), k->recovery_timeout_ms));
	kv(l, 0, "max_associations", "%u", k->max_assoc);
	kv(l, 0, "max_transfers", "%u", k->max_transfers);
	kv(l, 0, "connect_timeout", "%s",
	   dur(t, sizeof(t), k->connect_timeout_ms));
	kv(l, 0, "idle_timeout", "%s", dur(t, sizeof(t), k->idle_timeout_ms));
	kv(l, 0, "size_limit", "%s", size(t, sizeof(t), k->size_limit));
	kv(l, 0, "open_interval", "%s",
	   dur(t, sizeof(t), k->open_interval_ms));
	kv(l, 0, "transfer_retries", "%u", k->transfer_retries);
	kv(l, 0, "transfer_interval", "%s",
	   dur(t, sizeof(t), k->transfer_interval_ms));
	kv(l, 0, "max_age", "%s", dur(t, sizeof(t), k->max_age_ms));
	kv(l, 0, "source_address", "%s", src_val(&b, &k->src));
	kv(l, 0, "source_enforce", "%s", k->src.enforce ? "true" : "false");
	if (k->allow)
		kv(l, 0, "allow", "%s",
		   q(&b, acl_describe(k->allow, acl, sizeof(acl))));
	else
		kv(l, 0, "allow", "\"(any address)\"");
	kv(l, 0, "pcap", "%s", k->pcap ? "true" : "false");
	kv(l, 0, "reports", "%s", k->reports ? "true" : "false");
	kv(l, 0, "allow_plaintext", "%s",
	   k->allow_plaintext ? "true" : "false");
	buf_free(&a);
	buf_free(&b);
}

/* routing_kv - the routing group */
static void routing_kv(const struct cfg *cfg, struct kvl *l)
{
	struct buf b = BUF_INIT, v = BUF_INIT;

	kv(l, 0, "local_dir", "%s", q(&b, cfg->local_dir));
	buf_add(&v, "[", 1);
	for (size_t i = 0; i < cfg->nlocal; i++) {
		if (i)
			buf_add(&v, ", ", 2);
		q(&b, cfg->local[i].pattern);
		buf_add(&v, buf_ptr(&b), strlen((char *)buf_ptr(&b)));
	}
	buf_add(&v, "]", 2);
	kv(l, 0, "local", "%s", (const char *)buf_ptr(&v));
	buf_reset(&v);
	buf_add(&v, "(", 1);
	for (size_t i = 0; i < cfg->nroutes; i++) {
		char line[64];

		buf_add(&v, i ? ",\n    { pattern = " : "\n    { pattern = ",
			i ? 18 : 17);
		q(&b, cfg->routes[i].pattern);
		buf_add(&v, buf_ptr(&b), strlen((char *)buf_ptr(&b)));
		buf_add(&v, "; link = ", 9);
		q(&b, cfg->routes[i].link);
		buf_add(&v, buf_ptr(&b), strlen((char *)buf_ptr(&b)));
		snprintf(line, sizeof(line), "; cost = %u; }",
			 cfg->routes[i].cost);
		buf_add(&v, line, strlen(line));
	}
	buf_add(&v, cfg->nroutes ? "\n  )" : ")", cfg->nroutes ? 5 : 2);
	kv(l, 0, "routes", "%s", (const char *)buf_ptr(&v));
	buf_free(&b);
	buf_free(&v);
}

/* print_kvl - "key = value;" lines, "a.b" keys inside "a = { };" */
static void print_kvl(FILE *fp, const char *indent, const struct kvl *l)
{
	const char *open = NULL;
	size_t openlen = 0;

	for (size_t i = 0; i < l->n; i++) {
		const char *dot = strchr(l->key[i], '.');
		size_t plen = dot ? (size_t)(dot - l->key[i]) : 0;

		if (open && (!dot || plen != openlen ||
			     strncmp(open, l->key[i], plen) != 0)) {
			fprintf(fp, "%s};\n", indent);
			open = NULL;
		}
		if (dot && open == NULL) {
			fprintf(fp, "%s%.*s = {\n", indent, (int)plen,
				l->key[i]);
			open = l->key[i];
			openlen = plen;
		}
		fprintf(fp, "%s%s%s = %s;\n", indent, dot ? "  " : "",
			dot ? dot + 1 : l->key[i], l->val[i]);
	}
	if (open)
		fprintf(fp, "%s};\n", indent);
}

void cfg_dump(const struct cfg *cfg, FILE *fp)
{
	struct kvl l = { 0 };
	struct buf b = BUF_INIT;

	fprintf(fp, "# %s as x400d reads it: defaults filled in, host "
		"names resolved (in comments), passwords hidden\n",
		cfg->path ? cfg->path : "configuration");
	global_kv(cfg, 0, &l);
	fprintf(fp, "global = {\n");
	print_kvl(fp, "  ", &l);
	fprintf(fp, "};\n\nlisten = {\n");
	kvl_free(&l);
	listen_kv(cfg, &l);
	print_kvl(fp, "  ", &l);
	kvl_free(&l);
	fprintf(fp, "};\n\nlinks = (");
	for (size_t i = 0; i < cfg->nlinks; i++) {
		fprintf(fp, "%s\n  {\n    name = %s;  # %s:%u\n", i ? "," : "",
			q(&b, cfg->links[i].name), cfg->links[i].file,
			cfg->links[i].line);
		link_kv(&cfg->links[i], 0, &l);
		print_kvl(fp, "    ", &l);
		kvl_free(&l);
		fprintf(fp, "  }");
	}
	fprintf(fp, "\n);\n\nrouting = {\n");
	routing_kv(cfg, &l);
	print_kvl(fp, "  ", &l);
	kvl_free(&l);
	fprintf(fp, "};\n");
	for (size_t i = 0; i < cfg->nwarn; i++)
		fprintf(fp, "# warning: %s\n", cfg->warn[i]);
	buf_free(&b);
}

/* changed - the keys whose values differ, ", "-separated, into now
 *	and (the restart ones) later; prefix before each key */
static void changed(const struct kvl *a, const struct kvl *b,
		    const char *prefix, struct buf *now, struct buf *later)
{
	if (a->n != b->n)
		panic("cfg: sections of different shapes");
	for (size_t i = 0; i < a->n; i++) {
		struct buf *o = a->restart[i] && later ? later : now;

		if (strcmp(a->key[i], b->key[i]) != 0)
			panic("cfg: sections of different shapes");
		if (strcmp(a->val[i], b->val[i]) == 0)
			continue;
		if (buf_avail(o))
			buf_add(o, ", ", 2);
		buf_add(o, prefix, strlen(prefix));
		buf_add(o, a->key[i], strlen(a->key[i]));
	}
}

/* take - the string in b (malloc()ed), or NULL if empty */
static char *take(struct buf *b)
{
	char *s = NULL;

	if (buf_avail(b)) {
		s = xmalloc(buf_avail(b) + 1);
		memcpy(s, buf_ptr(b), buf_avail(b));
		s[buf_avail(b)] = 0;
	}
	buf_free(b);
	return s;
}

/* link_diff - append one entry */
static struct cfg_link_diff *link_diff(struct cfg_diff *d, const char *name,
				       enum cfg_change ch,
				       const struct cfg_link *o,
				       const struct cfg_link *n)
{
	struct cfg_link_diff *e;

	d->link = xrealloc(d->link, (d->nlink + 1) * sizeof(*d->link));
	e = &d->link[d->nlink++];
	e->name = name;
	e->change = ch;
	e->old = o;
	e->new = n;
	e->keys = NULL;
	return e;
}

int cfg_diff(const struct cfg *old, const struct cfg *new,
	     struct cfg_diff *d)
{
	struct kvl a = { 0 }, b = { 0 };
	struct buf now = BUF_INIT, later = BUF_INIT, keys = BUF_INIT;
	int any = 0;

	memset(d, 0, sizeof(*d));
	global_kv(old, 1, &a);
	global_kv(new, 1, &b);
	changed(&a, &b, "global.", &now, &later);
	kvl_free(&a);
	kvl_free(&b);
	listen_kv(old, &a);
	listen_kv(new, &b);
	changed(&a, &b, "listen.", &now, &later);
	kvl_free(&a);
	kvl_free(&b);
	d->global = take(&now);
	d->restart = take(&later);
	routing_kv(old, &a);
	routing_kv(new, &b);
	changed(&a, &b, "", &keys, NULL);
	d->routing = buf_avail(&keys) > 0;
	buf_free(&keys);
	kvl_free(&a);
	kvl_free(&b);
	for (size_t i = 0; i < old->nlinks; i++) {
		const struct cfg_link *o = &old->links[i];
		const struct cfg_link *n = cfg_link_find(new, o->name);
		struct cfg_link_diff *e;

		if (n == NULL) {
			link_diff(d, o->name, CFG_REMOVED, o, NULL);
			any = 1;
			continue;
		}
		link_kv(o, 1, &a);
		link_kv(n, 1, &b);
		changed(&a, &b, "", &keys, NULL);
		kvl_free(&a);
		kvl_free(&b);
		e = link_diff(d, n->name, buf_avail(&keys) ? CFG_CHANGED :
			      CFG_SAME, o, n);
		e->keys = take(&keys);
		any |= e->change != CFG_SAME;
	}
	for (size_t i = 0; i < new->nlinks; i++) {
		if (cfg_link_find(old, new->links[i].name))
			continue;
		link_diff(d, new->links[i].name, CFG_ADDED, NULL,
			  &new->links[i]);
		any = 1;
	}
	return any || d->routing || d->global || d->restart;
}

void cfg_diff_free(struct cfg_diff *d)
{
	for (size_t i = 0; i < d->nlink; i++)
		free(d->link[i].keys);
	free(d->link);
	free(d->global);
	free(d->restart);
	memset(d, 0, sizeof(*d));
}

void cfg_each_key(cfg_key_fn *fn, void *arg)
{
	static const struct {
		const char *group;
		const char *const *keys;
	} t[] = {
		{ "global", global_keys },
		{ "global.limits", limits_keys },
		{ "global.bind_backoff", backoff_keys },
		{ "listen", listen_keys },
		{ "links", link_keys },
		{ "links.addresses", addr_keys },
		{ "routing", routing_keys },
		{ "routing.routes", route_keys },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (size_t k = 0; t[i].keys[k]; k++)
			fn(t[i].group, t[i].keys[k], arg);
}
