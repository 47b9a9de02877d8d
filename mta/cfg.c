/*
 * cfg.c - the x400d configuration file
 *
 * See cfg.h and docs/config.md. libconfig parses; the section files
 * check every setting and fill struct cfg (cfg_int.h lists them). This
 * file loads a file or a string, finds what libconfig would silently
 * wrap, runs the sections in order, and frees and searches the result.
 * The parse keeps going after a problem, so that one run reports them
 * all.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg_int.h"
#include "p1_asn.h"
#include "xalloc.h"

/* ---- the whole ------------------------------------------------------- */

/* cfg_defaults - see cfg_int.h */
void cfg_defaults(struct cfg *cfg)
{
	struct rl_params bp = RL_PARAMS_DEFAULT;

	cfg->log_level = LOG_INFO;
	cfg->log_facility = -1;
	cfg->sync = CFG_SYNC_FULL;
	cfg->src.enforce = 1;
	cfg->password = xstrdup("");
	cfg->max_assoc_in = 64;
	cfg->max_assoc_out = 64;
	cfg->max_message_size = UINT64_C(16) << 20;
	cfg->prebind_max = 32;
	cfg->prebind_per_source = 4;
	cfg->bind_timeout_ms = 10000;
	cfg->strong_window_ms = 300000;
	cfg->refusal_log_ms = 60000;
	cfg->history_ms = UINT64_C(7) * 86400000;
	cfg->backoff = bp;
}

/* cfg_default_local_dir - see cfg_int.h */
void cfg_default_local_dir(struct cfg *cfg)
{
	size_t n;

	if (cfg->local_dir || cfg->queue_dir == NULL)
		return;
	n = strlen(cfg->queue_dir) + sizeof("/mailboxes");
	cfg->local_dir = xmalloc(n);
	snprintf(cfg->local_dir, n, "%s/mailboxes", cfg->queue_dir);
}

/* load - everything from a parsed file */
static int load(struct cfg_ctx *c, config_t *lc)
{
	struct cfg *cfg = c->cfg;
	config_setting_t *root = config_root_setting(lc), *g;
	static const char *const top_keys[] = {
		"global", "listen", "links", "routing", NULL
	};

	cfg_defaults(cfg);
	cfg_check_keys(c, root, "", top_keys);
	switch (cfg_get_group(c, root, "", "global", CONFIG_TYPE_GROUP, &g)) {
	case 1:
		cfg_parse_global(c, g);
		break;
	case 0:
		cfg_missing(c, NULL, "", "global", "the group with mta_name, "
			    "domain and queue_dir");
		break;
	}
	if (cfg_get_group(c, root, "", "listen", CONFIG_TYPE_GROUP, &g) == 1)
		cfg_parse_listen(c, g);
	if (cfg_get_group(c, root, "", "links", CONFIG_TYPE_LIST, &g) == 1)
		for (int i = 0; i < config_setting_length(g); i++)
			cfg_parse_link(c, config_setting_get_elem(g, i), i);
	if (cfg_get_group(c, root, "", "routing", CONFIG_TYPE_GROUP, &g) == 1)
		cfg_parse_routing(c, g);
	cfg_default_local_dir(cfg);
	cfg_check_links(c, root);
	if (c->nerr == 0)
		return 0;
	if (c->omitted && c->err)
		snprintf(c->err + c->used, c->errlen - c->used,
			 "%s... and %u more problems", c->used ? "\n" : "",
			 c->omitted);
	return -1;
}

/* run - parse (read by the caller's function) and load */
static int run(struct cfg_ctx *c, config_t *lc, int parsed, struct cfg *cfg)
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
	if (rc == 0 && c->kept && c->secrets) {
		/* what was read now is what the caller keeps */
		auth_secrets_free(*c->kept);
		*c->kept = c->secrets;
	} else {
		auth_secrets_free(c->secrets);
	}
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
static void scan_ints(struct cfg_ctx *c, const char *text, const char *name)
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
				cfg_problem_line(c, msg);
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
static int load_text(struct cfg_ctx *c, const char *text, struct cfg *cfg)
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
	return cfg_load_kept(path, flags, NULL, cfg, err, errlen);
}

int cfg_load_kept(const char *path, int flags, struct auth_secrets **kept,
		  struct cfg *cfg, char *err, size_t errlen)
{
	struct cfg_ctx c;
	char *dir, *slash, *text = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(cfg, 0, sizeof(*cfg));
	c.name = path;
	c.flags = flags;
	c.kept = kept;
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
	struct cfg_ctx c;
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

/* cfg_link_free - see cfg_int.h */
void cfg_link_free(struct cfg_link *l)
{
	free(l->name);
	free(l->file);
	tlsid_free(&l->tls_id);
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
	cfg_wipe(l->our_pw);
	free(l->our_ap_title);
	free_src(&l->src);
	acl_free(l->allow);
	memset(l, 0, sizeof(*l));
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
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->listen_tls_cert);
	free(cfg->listen_tls_key);
	free(cfg->listen_tls_ca);
	free(cfg->metrics_addr);
	free(cfg->secrets_file);
	free_src(&cfg->src);
	cfg_wipe(cfg->password);
	for (size_t i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i].addr);
	free(cfg->listen);
	for (size_t i = 0; i < cfg->nlinks; i++)
		cfg_link_free(&cfg->links[i]);
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

/* ---- the keys -------------------------------------------------------- */

void cfg_each_key(cfg_key_fn *fn, void *arg)
{
	static const struct {
		const char *group;
		const char *const *keys;
	} t[] = {
		{ "global", cfg_global_keys },
		{ "global.limits", cfg_limits_keys },
		{ "global.bind_backoff", cfg_backoff_keys },
		{ "listen", cfg_listen_keys },
		{ "links", cfg_link_keys },
		{ "links.addresses", cfg_addr_keys },
		{ "routing", cfg_routing_keys },
		{ "routing.routes", cfg_route_keys },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (size_t k = 0; t[i].keys[k]; k++)
			fn(t[i].group, t[i].keys[k], arg);
}
