/*
 * cfg_get.c - the configuration parser's messages and typed getters
 *
 * See cfg_int.h. Every message names the file, the line, the group and
 * the key; every getter returns 1 set, 0 absent, -1 wrong (reported).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "xalloc.h"

/* ---- messages -------------------------------------------------------- */

/* cfg_file_of - the file a setting came from */
const char *cfg_file_of(const struct cfg_ctx *c, const config_setting_t *s)
{
	const char *f = s ? config_setting_source_file(s) : NULL;

	return f ? f : c->name;
}

/* cfg_line_of - its line (a missing key is blamed on its group) */
unsigned cfg_line_of(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

/* vmsg - "file:line: where+key: text" */
static char *vmsg(const struct cfg_ctx *c, const config_setting_t *s,
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
	if (cfg_line_of(s))
		snprintf(line, sizeof(line), ":%u", cfg_line_of(s));
	n = strlen(text) + wlen + (key ? strlen(key) : 0) +
	    strlen(cfg_file_of(c, s)) + 32;
	out = xmalloc(n);
	snprintf(out, n, "%s%s: %.*s%s%s%s", cfg_file_of(c, s), line, (int)wlen,
		 where, key ? key : "", wlen || key ? ": " : "", text);
	return out;
}

/* cfg_problem_line - one error already formatted */
void cfg_problem_line(struct cfg_ctx *c, const char *m)
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

/* cfg_problem - one error; the load will fail */
void cfg_problem(struct cfg_ctx *c, const config_setting_t *s,
		 const char *where, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = vmsg(c, s, where, key, fmt, ap);
	va_end(ap);
	cfg_problem_line(c, m);
	free(m);
}

/* cfg_warn - one warning, kept in cfg->warn */
void cfg_warn(struct cfg_ctx *c, const config_setting_t *s, const char *where,
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

/* cfg_check_keys - every member of g is one of keys (NULL-terminated) */
void cfg_check_keys(struct cfg_ctx *c, const config_setting_t *g,
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
			cfg_problem(c, m, where, name, "unknown key (did you "
				    "mean \"%s\"?)", near);
		else
			cfg_problem(c, m, where, name, "unknown key");
	}
}

/* cfg_type_name - for "expected X, not Y" */
const char *cfg_type_name(int t)
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

/* cfg_member - g's member key, NULL if absent (or g NULL) */
config_setting_t *cfg_member(const config_setting_t *g, const char *key)
{
	return g ? config_setting_get_member(g, key) : NULL;
}

/* cfg_missing - report an absent required key */
void cfg_missing(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, const char *key, const char *what)
{
	cfg_problem(c, g, where, key, "missing (%s)", what);
}

/* typed - g's member key if it is of type t or t2; absent: NULL and
 *	*rc 0; of another type: "expected what, not ...", NULL and *rc -1 */
static config_setting_t *typed(struct cfg_ctx *c, const config_setting_t *g,
			       const char *where, const char *key, int t,
			       int t2, const char *what, int *rc)
{
	config_setting_t *s = cfg_member(g, key);

	*rc = 0;
	if (s == NULL)
		return NULL;
	if (config_setting_type(s) != t && config_setting_type(s) != t2) {
		cfg_problem(c, s, where, key, "expected %s, not %s", what,
			    cfg_type_name(config_setting_type(s)));
		*rc = -1;
		return NULL;
	}
	*rc = 1;
	return s;
}

/* cfg_get_str - a string; *out points into libconfig's copy */
int cfg_get_str(struct cfg_ctx *c, const config_setting_t *g,
		const char *where, const char *key, const char **out)
{
	int rc;
	config_setting_t *s = typed(c, g, where, key, CONFIG_TYPE_STRING,
				    CONFIG_TYPE_STRING,
				    "a string in \"quotes\"", &rc);

	*out = s ? config_setting_get_string(s) : NULL;
	return rc;
}

/* cfg_get_num - an integer in min..max */
int cfg_get_num(struct cfg_ctx *c, const config_setting_t *g,
		const char *where, const char *key, long long min,
		long long max, long long *out)
{
	int rc;
	config_setting_t *s = typed(c, g, where, key, CONFIG_TYPE_INT,
				    CONFIG_TYPE_INT64, "a whole number", &rc);
	long long v;

	if (s == NULL)
		return rc;
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		cfg_problem(c, s, where, key, "%lld is out of range %lld..%lld",
			    v, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

/* cfg_get_uint - get_num into an unsigned */
int cfg_get_uint(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, const char *key, unsigned min,
		 unsigned max, unsigned *out)
{
	long long v;
	int rc = cfg_get_num(c, g, where, key, min, max, &v);

	if (rc == 1)
		*out = (unsigned)v;
	return rc;
}

/* cfg_get_bool - true or false */
int cfg_get_bool(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, const char *key, int *out)
{
	int rc;
	config_setting_t *s = typed(c, g, where, key, CONFIG_TYPE_BOOL,
				    CONFIG_TYPE_BOOL, "true or false", &rc);

	if (s)
		*out = config_setting_get_bool(s);
	return rc;
}

/* cfg_get_choice - a string among names; *out its index */
int cfg_get_choice(struct cfg_ctx *c, const config_setting_t *g,
		   const char *where, const char *key,
		   const char *const *names, int *out)
{
	const char *v;
	char list[200] = "";
	int rc = cfg_get_str(c, g, where, key, &v);

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
	cfg_problem(c, cfg_member(g, key), where, key, "\"%s\" is not one of "
		    "%s", v, list);
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

/* A quantity in units: a plain number (counted in mult, at most
 *	num_max), or a string that parse() reads; what to say when wrong. */
struct unit {
	int		(*parse)(const char *s, uint64_t *out);
	uint64_t	mult, num_max;
	const char	*bad_num;	/* a plain number out of 0..num_max */
	const char	*expected;	/* neither a number nor parse()d */
	const char	*each, *after;	/* "out of range 1ms..2ms", "1..2
					 * octets" */
};

static const struct unit dur_unit = {
	parse_dur, 1000, DUR_MAX_MS / 1000, "out of range",
	"expected a duration: seconds, or a string such as \"500ms\", "
	"\"90s\", \"5m\", \"2h\", \"3d\"", "ms", ""
};
static const struct unit size_unit = {
	parse_size, 1, INT64_MAX, "negative size",
	"expected a size: octets, or a string such as \"64K\", \"16M\", "
	"\"1G\"", "", " octets"
};

/* get_scaled - a quantity in the unit u, in min..max */
static int get_scaled(struct cfg_ctx *c, const config_setting_t *g,
		      const char *where, const char *key,
		      const struct unit *u, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	config_setting_t *s = cfg_member(g, key);
	long long n;
	uint64_t v;

	if (s == NULL)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		n = config_setting_get_int64(s);
		if (n < 0 || (uint64_t)n > u->num_max) {
			cfg_problem(c, s, where, key, "%s", u->bad_num);
			return -1;
		}
		v = (uint64_t)n * u->mult;
		break;
	case CONFIG_TYPE_STRING:
		if (u->parse(config_setting_get_string(s), &v) == 0)
			break;
		/* fall through */
	default:
		cfg_problem(c, s, where, key, "%s", u->expected);
		return -1;
	}
	if (v < min || v > max) {
		cfg_problem(c, s, where, key, "out of range %llu%s..%llu%s%s",
			    (unsigned long long)min, u->each,
			    (unsigned long long)max, u->each, u->after);
		return -1;
	}
	*out = v;
	return 1;
}

/* cfg_get_dur - a duration (seconds as a number, or a string with units),
 *	in min_ms..max_ms */
int cfg_get_dur(struct cfg_ctx *c, const config_setting_t *g,
		const char *where, const char *key, uint64_t min_ms,
		uint64_t max_ms, uint64_t *out)
{
	return get_scaled(c, g, where, key, &dur_unit, min_ms, max_ms, out);
}

/* cfg_get_size - octets: a number, or a string with K, M or G */
int cfg_get_size(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, const char *key, uint64_t min,
		 uint64_t max, uint64_t *out)
{
	return get_scaled(c, g, where, key, &size_unit, min, max, out);
}

/* cfg_get_strlist - one string, or an array or list of strings; *out
 *	(malloc()ed) points into libconfig's copies */
int cfg_get_strlist(struct cfg_ctx *c, const config_setting_t *g,
		    const char *where, const char *key,
		    const char ***out, size_t *n, config_setting_t **at)
{
	config_setting_t *s = cfg_member(g, key);
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
		cfg_problem(c, s, where, key, "expected a string or an array "
			    "of strings [\"...\", \"...\"], not %s",
			    cfg_type_name(t));
		return -1;
	}
	*out = xcalloc((size_t)config_setting_length(s) + 1, sizeof(**out));
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_problem(c, e, where, key, "element %d: expected a "
				    "string, not %s", i,
				    cfg_type_name(config_setting_type(e)));
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[(*n)++] = config_setting_get_string(e);
	}
	return 1;
}

/* cfg_get_group - a group { } (or, type CONFIG_TYPE_LIST, a list ( )) */
int cfg_get_group(struct cfg_ctx *c, const config_setting_t *g,
		  const char *where, const char *key, int type,
		  config_setting_t **out)
{
	int rc;

	*out = typed(c, g, where, key, type, type, cfg_type_name(type), &rc);
	return rc;
}

/* cfg_get_keys - a table of plain keys, in its order */
int cfg_get_keys(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, const struct cfg_key *t, void *base)
{
	int bad = 0;

	for (; t->key; t++) {
		void *f = (char *)base + t->off;

		switch (t->kind) {
		case CFG_K_UINT:
			bad |= cfg_get_uint(c, g, where, t->key,
					    (unsigned)t->min, (unsigned)t->max,
					    f) < 0;
			break;
		case CFG_K_BOOL:
			bad |= cfg_get_bool(c, g, where, t->key, f) < 0;
			break;
		case CFG_K_DUR:
			bad |= cfg_get_dur(c, g, where, t->key, t->min,
					   t->max, f) < 0;
			break;
		case CFG_K_SIZE:
			bad |= cfg_get_size(c, g, where, t->key, t->min,
					    t->max, f) < 0;
			break;
		}
	}
	return bad ? -1 : 0;
}

/* ---- paths ----------------------------------------------------------- */

/* cfg_path_of - a path from the file, relative ones under basedir */
char *cfg_path_of(const struct cfg_ctx *c, const char *p)
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

/* cfg_get_path - a non-empty path string, made absolute */
int cfg_get_path(struct cfg_ctx *c, const config_setting_t *g,
		 const char *where, const char *key, char **out)
{
	const char *v;
	int rc = cfg_get_str(c, g, where, key, &v);

	if (rc != 1)
		return rc;
	if (*v == 0) {
		cfg_problem(c, cfg_member(g, key), where, key, "empty path");
		return -1;
	}
	free(*out);
	*out = cfg_path_of(c, v);
	return 1;
}
