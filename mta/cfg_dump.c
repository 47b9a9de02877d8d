/*
 * cfg_dump.c - the configuration as x400d reads it, and what changed
 *
 * See cfg.h. Each section becomes key = value lines in libconfig
 * syntax (struct kvl): cfg_dump() prints them, cfg_dump_nondefault()
 * those whose values differ from the defaults' lines (the parse's own,
 * cfg_int.h), cfg_diff() compares two configurations' lines, so that
 * all see every key alike. The plain keys come from the same tables
 * the parse reads (cfg_int.h).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "buf.h"
#include "cfg_int.h"
#include "log_syslog.h"
#include "xalloc.h"

/* ---- dump and diff --------------------------------------------------- */

/* A section as key = value lines, values in libconfig syntax. */
struct kvl {
	char		**key, **val;
	int		*flags;		/* KV_ */
	size_t		n;
};

#define KV_RESTART	1	/* needs a restart to take effect */
#define KV_MANDATORY	2	/* has no default: x400d -n prints it */

/* kv - append key = formatted value */
static void kv(struct kvl *l, int flags, const char *key, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
static void kv(struct kvl *l, int flags, const char *key, const char *fmt,
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
	l->flags = xrealloc(l->flags, (l->n + 1) * sizeof(*l->flags));
	l->key[l->n] = xstrdup(key);
	l->val[l->n] = v;
	l->flags[l->n] = flags;
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
	free(l->flags);
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
static void sels_kv(struct kvl *l, int flags, const char *prefix,
		    const struct cfg_sels *s)
{
	char k[24], v[2 * CFG_SEL_MAX + 8];
	struct buf b = BUF_INIT;
	const struct cfg_sel *sel[3] = { &s->t, &s->s, &s->p };
	static const char *const names[3] = { "tsel", "ssel", "psel" };

	for (int i = 0; i < 3; i++) {
		snprintf(k, sizeof(k), "%s%s", prefix, names[i]);
		kv(l, flags, k, "%s", q(&b, cfg_sel_format(sel[i], v,
							      sizeof(v))));
	}
	buf_free(&b);
}

/* keys_kv - a table of plain keys (cfg_int.h), prefix before each */
static void keys_kv(struct kvl *l, const char *prefix,
		    const struct cfg_key *t, const void *base)
{
	char k[64], v[96];

	for (; t->key; t++) {
		const void *f = (const char *)base + t->off;

		snprintf(k, sizeof(k), "%s%s", prefix, t->key);
		switch (t->kind) {
		case CFG_K_UINT:
			kv(l, 0, k, "%u", *(const unsigned *)f);
			break;
		case CFG_K_BOOL:
			kv(l, 0, k, "%s", *(const int *)f ? "true" : "false");
			break;
		case CFG_K_DUR:
			kv(l, 0, k, "%s", dur(v, sizeof(v),
					      *(const uint64_t *)f));
			break;
		case CFG_K_SIZE:
			kv(l, 0, k, "%s", size(v, sizeof(v),
					       *(const uint64_t *)f));
			break;
		}
	}
}

/* global_kv - the global group */
static void global_kv(const struct cfg *cfg, int show, struct kvl *l)
{
	struct buf b = BUF_INIT;
	char t[96];

	kv(l, KV_MANDATORY, "mta_name", "%s", q(&b, cfg->mta_name));
	kv(l, KV_MANDATORY, "domain", "%s", q(&b, cfg->domain));
	kv(l, KV_RESTART | KV_MANDATORY, "queue_dir", "%s",
	   q(&b, cfg->queue_dir));
	kv(l, 0, "log_file", "%s", q(&b, cfg->log_file));
	kv(l, 0, "log_level", "\"%s\"", cfg_level_names[cfg->log_level]);
	kv(l, 0, "log_format", "\"%s\"", cfg_log_format_names[cfg->log_format]);
	kv(l, 0, "log_syslog", "%s", q(&b, cfg->log_facility < 0 ? NULL :
	   logsys_facility_name(cfg->log_facility)));
	kv(l, KV_RESTART, "user", "%s", q(&b, cfg->user));
	kv(l, KV_RESTART, "allow_root", "%s",
	   cfg->allow_root ? "true" : "false");
	kv(l, 0, "pcap_dir", "%s", q(&b, cfg->pcap_dir));
	if (cfg->metrics_addr) {
		snprintf(t, sizeof(t), strchr(cfg->metrics_addr, ':') ?
			 "[%s]:%u" : "%s:%u", cfg->metrics_addr,
			 cfg->metrics_port);
		kv(l, KV_RESTART, "metrics_listen", "%s", q(&b, t));
	} else {
		kv(l, KV_RESTART, "metrics_listen", "%s", q(&b, NULL));
	}
	kv(l, 0, "secrets_file", "%s", q(&b, cfg->secrets_file));
	kv(l, KV_RESTART, "sync", "\"%s\"", cfg_sync_names[cfg->sync]);
	kv(l, 0, "source_address", "%s", src_val(&b, &cfg->src));
	kv(l, 0, "source_enforce", "%s", cfg->src.enforce ? "true" : "false");
	kv(l, 0, "password", "%s", secret(t, sizeof(t), cfg->password, show));
	kv(l, 0, "allow_plaintext", "%s",
	   cfg->allow_plaintext ? "true" : "false");
	kv(l, 0, "tls_cert", "%s", q(&b, cfg->tls_cert));
	kv(l, 0, "tls_key", "%s", q(&b, cfg->tls_key));
	keys_kv(l, "limits.", cfg_limits_tab, cfg);
	keys_kv(l, "bind_backoff.", cfg_backoff_tab, &cfg->backoff);
	kv(l, 0, "bind_backoff.slots", "%zu", cfg->backoff.slots);
	buf_free(&b);
}

/* listen_kv - the listen group */
static void listen_kv(const struct cfg *cfg, struct kvl *l)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "[", 1);
	for (size_t i = 0, k = 0; i < cfg->nlisten; i++) {
		char a[INET6_ADDRSTRLEN + 16];
		const struct cfg_listen *e = &cfg->listen[i];

		if (e->tls)
			continue;
		snprintf(a, sizeof(a), "%s\"%s%s%s:%u\"", k++ ? ", " : "",
			 strchr(e->addr, ':') ? "[" : "", e->addr,
			 strchr(e->addr, ':') ? "]" : "", e->port);
		buf_add(&b, a, strlen(a));
	}
	buf_add(&b, "]", 2);
	kv(l, KV_RESTART | KV_MANDATORY, "addresses", "%s",
	   (const char *)buf_ptr(&b));
	sels_kv(l, KV_RESTART, "", &cfg->sel);
	buf_reset(&b);
	buf_add(&b, "[", 1);
	for (size_t i = 0, k = 0; i < cfg->nlisten; i++) {
		char a[INET6_ADDRSTRLEN + 16];
		const struct cfg_listen *e = &cfg->listen[i];

		if (!e->tls)
			continue;
		snprintf(a, sizeof(a), "%s\"%s%s%s:%u\"", k++ ? ", " : "",
			 strchr(e->addr, ':') ? "[" : "", e->addr,
			 strchr(e->addr, ':') ? "]" : "", e->port);
		buf_add(&b, a, strlen(a));
	}
	buf_add(&b, "]", 2);
	kv(l, KV_RESTART, "tls_addresses", "%s", (const char *)buf_ptr(&b));
	kv(l, 0, "tls_cert", "%s", q(&b, cfg->listen_tls_cert));
	kv(l, 0, "tls_key", "%s", q(&b, cfg->listen_tls_key));
	kv(l, 0, "tls_ca", "%s", q(&b, cfg->listen_tls_ca));
	buf_free(&b);
}

/* link_kv - one link; show: secrets as digests (for the diff) */
static void link_kv(const struct cfg_link *k, int show, struct kvl *l)
{
	struct buf b = BUF_INIT, a = BUF_INIT;
	char t[96], acl[2048];

	kv(l, 0, "direction", "\"%s\"", cfg_dir_names[k->dir - 1]);
	kv(l, KV_MANDATORY, "peer_mta", "%s", q(&b, k->peer_mta));
	if (k->peer_pw == NULL)
		kv(l, KV_MANDATORY, "peer_password", "\"\"");
	else if (show)
		kv(l, KV_MANDATORY, "peer_password", "%s",
		   secret(t, sizeof(t), auth_verifier_text(k->peer_pw), 1));
	else
		kv(l, KV_MANDATORY, "peer_password", "\"(%s)\"",
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
		if (!cfg_numeric_ip(e->host)) {
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
	/* needed when the link sends (cfg_check_links) */
	kv(l, k->dir & CFG_OUT ? KV_MANDATORY : 0, "addresses", "%s",
	   (const char *)buf_ptr(&a));
	kv(l, 0, "mode", "\"%s\"", cfg_mode_names[k->mode == RTSE_X410]);
	kv(l, 0, "edition", "\"%s\"", p1_edition_name(k->edition));
	kv(l, 0, "x410_bind", "\"%s\"",
	   cfg_x410_bind_names[k->x410_bind_wrapped != 0]);
	kv(l, 0, "dialogue", "\"%s\"",
	   cfg_dialogue_names[k->dialogue == RTSE_TWA]);
	keys_kv(l, "", cfg_assoc_tab, k);
	keys_kv(l, "", cfg_retry_tab, k);
	kv(l, 0, "source_address", "%s", src_val(&b, &k->src));
	kv(l, 0, "source_enforce", "%s", k->src.enforce ? "true" : "false");
	if (k->allow)
		kv(l, 0, "allow", "%s",
		   q(&b, acl_describe(k->allow, acl, sizeof(acl))));
	else
		kv(l, 0, "allow", "\"(any address)\"");
	kv(l, 0, "pcap", "%s", k->pcap ? "true" : "false");
	kv(l, 0, "pcap_secrets", "%s", k->pcap_secrets ? "true" : "false");
	kv(l, 0, "reports", "%s", k->reports ? "true" : "false");
	kv(l, 0, "allow_plaintext", "%s",
	   k->allow_plaintext ? "true" : "false");
	kv(l, 0, "tls", "\"%s\"", cfg_tls_names[k->tls]);
	if (k->tls_id.kind != TLSID_NONE) {
		char pin[TLSID_STRLEN];

		tlsid_pin_str(k->tls_id.kind, k->tls_id.pin, pin);
		kv(l, 0, "tls_pin", "%s", q(&b, pin));
	} else {
		kv(l, 0, "tls_pin", "%s", q(&b, NULL));
	}
	kv(l, 0, "tls_ca", "%s", q(&b, k->tls_id.ca));
	kv(l, 0, "tls_name", "%s", q(&b, k->tls_id.name));
	kv(l, 0, "credentials", "\"%s\"", cfg_credentials_names[k->strong]);
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
	kv(l, KV_MANDATORY, "routes", "%s", (const char *)buf_ptr(&v));
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

/* A section for the dump: its lines as printed (secrets hidden) and,
 * for x400d -n, as compared (secrets as digests), the configuration's
 * in a and the defaults' in d. */
struct sec {
	struct kvl	shown, a, d;
};

/* pick - into out, the lines of s->shown whose values in s->a differ
 *	from s->d's, and those that have no default */
static void pick(const struct sec *s, struct kvl *out)
{
	if (s->a.n != s->shown.n || s->d.n != s->shown.n)
		panic("cfg: sections of different shapes");
	for (size_t i = 0; i < s->shown.n; i++) {
		if (strcmp(s->a.key[i], s->d.key[i]) != 0 ||
		    strcmp(s->a.key[i], s->shown.key[i]) != 0)
			panic("cfg: sections of different shapes");
		if ((s->a.flags[i] & KV_MANDATORY) ||
		    strcmp(s->a.val[i], s->d.val[i]) != 0)
			kv(out, s->a.flags[i], s->shown.key[i], "%s",
			   s->shown.val[i]);
	}
}

/* sec_print - s's lines (all, or only those pick() keeps), then free
 *	them */
static void sec_print(FILE *fp, const char *indent, struct sec *s, int all)
{
	struct kvl out = { 0 };

	if (!all)
		pick(s, &out);
	print_kvl(fp, indent, all ? &s->shown : &out);
	kvl_free(&out);
	kvl_free(&s->shown);
	kvl_free(&s->a);
	kvl_free(&s->d);
}

/* dump_link - one link; def: only what differs from a link that gives
 *	no key (its defaults, some from cfg's global keys) */
static void dump_link(FILE *fp, const struct cfg *cfg,
		      const struct cfg_link *k, int def)
{
	struct sec s = { 0 };
	struct cfg_link d;
	struct buf b = BUF_INIT;

	fprintf(fp, "\n  {\n    name = %s;  # %s:%u\n", q(&b, k->name),
		k->file, k->line);
	link_kv(k, 0, &s.shown);
	if (def) {
		memset(&d, 0, sizeof(d));
		cfg_link_defaults(&d, cfg);
		link_kv(k, 1, &s.a);
		link_kv(&d, 1, &s.d);
		cfg_link_free(&d);
	}
	sec_print(fp, "    ", &s, !def);
	fprintf(fp, "  }");
	buf_free(&b);
}

/* dump - every section of cfg; with def, only the lines that differ
 *	from def's (and those that have no default) */
static void dump(const struct cfg *cfg, const struct cfg *def, FILE *fp)
{
	struct sec s = { 0 };

	global_kv(cfg, 0, &s.shown);
	if (def) {
		global_kv(cfg, 1, &s.a);
		global_kv(def, 1, &s.d);
	}
	fprintf(fp, "global = {\n");
	sec_print(fp, "  ", &s, def == NULL);
	fprintf(fp, "};\n\nlisten = {\n");
	listen_kv(cfg, &s.shown);
	if (def) {
		listen_kv(cfg, &s.a);
		listen_kv(def, &s.d);
	}
	sec_print(fp, "  ", &s, def == NULL);
	fprintf(fp, "};\n\nlinks = (");
	for (size_t i = 0; i < cfg->nlinks; i++) {
		fprintf(fp, "%s", i ? "," : "");
		dump_link(fp, cfg, &cfg->links[i], def != NULL);
	}
	fprintf(fp, "\n);\n\nrouting = {\n");
	routing_kv(cfg, &s.shown);
	if (def) {
		routing_kv(cfg, &s.a);
		routing_kv(def, &s.d);
	}
	sec_print(fp, "  ", &s, def == NULL);
	fprintf(fp, "};\n");
	for (size_t i = 0; i < cfg->nwarn; i++)
		fprintf(fp, "# warning: %s\n", cfg->warn[i]);
}

void cfg_dump(const struct cfg *cfg, FILE *fp)
{
	fprintf(fp, "# %s as x400d reads it: defaults filled in, host "
		"names resolved (in comments), passwords hidden\n",
		cfg->path ? cfg->path : "configuration");
	dump(cfg, NULL, fp);
}

void cfg_dump_nondefault(const struct cfg *cfg, FILE *fp)
{
	struct cfg d;

	/* what the parse starts from, and derives from keys that have no
	 * default (local_dir from queue_dir) */
	memset(&d, 0, sizeof(d));
	cfg_defaults(&d);
	d.queue_dir = cfg->queue_dir ? xstrdup(cfg->queue_dir) : NULL;
	cfg_default_local_dir(&d);
	fprintf(fp, "# %s: only what differs from the defaults (x400d -n), "
		"passwords hidden\n", cfg->path ? cfg->path : "configuration");
	dump(cfg, &d, fp);
	cfg_free(&d);
}

/* changed - the keys whose values differ, ", "-separated, into now
 *	and (the restart ones) later; prefix before each key */
static void changed(const struct kvl *a, const struct kvl *b,
		    const char *prefix, struct buf *now, struct buf *later)
{
	if (a->n != b->n)
		panic("cfg: sections of different shapes");
	for (size_t i = 0; i < a->n; i++) {
		struct buf *o = (a->flags[i] & KV_RESTART) && later ? later :
				 now;

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
