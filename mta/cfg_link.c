/*
 * cfg_link.c - the configuration's links
 *
 * See cfg_int.h and docs/config.md. One link: the peer, us towards
 * the peer, the association, retries, addresses (resolved here) and
 * switches, with defaults from global; then the checks that involve
 * several links, or links and the rest of the file.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg_int.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_id.h"
#include "xalloc.h"

const char *const cfg_link_keys[] = {
	"name", "peer_mta", "peer_password", "peer_password_ref",
	"peer_ap_title", "our_mta", "our_password", "our_password_ref",
	"our_tsel", "our_ssel", "our_psel", "our_ap_title", "direction",
	"addresses", "mode", "edition", "x410_application_protocol",
	"x410_bind", "dialogue", "checkpoint", "window", "recovery",
	"recovery_timeout", "max_associations", "max_transfers",
	"connect_timeout", "idle_timeout", "size_limit", "open_interval",
	"transfer_retries", "transfer_interval", "max_age", "source_address",
	"source_enforce", "allow", "pcap", "pcap_secrets", "reports", "allow_plaintext", "tls", "tls_pin", "tls_ca",
	"tls_name", "credentials", NULL
};
const char *const cfg_credentials_names[] = { "simple", "strong", NULL };
const char *const cfg_tls_names[] = { "off", "optional", "required", NULL };
const char *const cfg_addr_keys[] = {
	"host", "port", "tsel", "ssel", "psel", NULL
};
const char *const cfg_dir_names[] = {
	"inbound", "outbound", "both", NULL
};
const char *const cfg_mode_names[] = {
	"1988-normal", "x410-1984", NULL
};
const char *const cfg_dialogue_names[] = { "monologue", "twa", NULL };
const char *const cfg_edition_names[] = { "1988", "1992", NULL };
const char *const cfg_x410_bind_names[] = { "bare", "wrapped", NULL };

#define L(f)	offsetof(struct cfg_link, f)

/* The plain keys of a link, in the order they are read and dumped: the
 * association (size_limit last: it is checked against the global
 * limit before the retries are read), then the retries. */
const struct cfg_key cfg_assoc_tab[] = {
	{ "x410_application_protocol", CFG_K_UINT, 1, 12,
	  L(x410_app_protocol) },
	{ "checkpoint", CFG_K_UINT, 0, 65535, L(checkpoint) },
	{ "window", CFG_K_UINT, 1, 100, L(window) },
	{ "recovery", CFG_K_BOOL, 0, 1, L(recovery) },
	{ "recovery_timeout", CFG_K_DUR, 1000, DUR_MAX_MS,
	  L(recovery_timeout_ms) },
	{ "max_associations", CFG_K_UINT, 1, 100000, L(max_assoc) },
	{ "max_transfers", CFG_K_UINT, 0, 1000000, L(max_transfers) },
	{ "connect_timeout", CFG_K_DUR, 100, 3600000, L(connect_timeout_ms) },
	{ "idle_timeout", CFG_K_DUR, 100, DUR_MAX_MS, L(idle_timeout_ms) },
	{ "size_limit", CFG_K_SIZE, 1024, SIZE_MAX_CFG, L(size_limit) },
	{ NULL, 0, 0, 0, 0 }
};
const struct cfg_key cfg_retry_tab[] = {
	{ "open_interval", CFG_K_DUR, 100, DUR_MAX_MS, L(open_interval_ms) },
	{ "transfer_retries", CFG_K_UINT, 0, 1000, L(transfer_retries) },
	{ "transfer_interval", CFG_K_DUR, 100, DUR_MAX_MS,
	  L(transfer_interval_ms) },
	{ "max_age", CFG_K_DUR, 1000, DUR_MAX_MS, L(max_age_ms) },
	{ NULL, 0, 0, 0, 0 }
};

#undef L

/* resolve_host - the numeric addresses of a peer's host */
static void resolve_host(struct cfg_ctx *c, const config_setting_t *s,
			 const char *where, struct cfg_addr *a)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	if (cfg_numeric_ip(a->host)) {
		a->ip = xmalloc(sizeof(*a->ip));
		a->ip[0] = xstrdup(a->host);
		a->nip = 1;
		return;
	}
	if (strspn(a->host, "0123456789.") == strlen(a->host) ||
	    strchr(a->host, ':')) {
		cfg_problem(c, s, where, "host", "\"%s\": not a numeric %s "
			    "address", a->host, strchr(a->host, ':') ? "IPv6" :
			    "IPv4");
		return;
	}
	if (!cfg_hostname_ok(a->host)) {
		cfg_problem(c, s, where, "host", "\"%s\": neither a numeric "
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
		cfg_problem(c, s, where, "host", "\"%s\" does not resolve: %s",
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
		cfg_problem(c, s, where, "host", "\"%s\" has no IPv4 or IPv6 "
			    "address", a->host);
}

/* parse_addrs - link.addresses: a list of groups */
static void parse_addrs(struct cfg_ctx *c, const config_setting_t *g,
			const char *lw, struct cfg_link *l)
{
	config_setting_t *list;

	if (cfg_get_group(c, g, lw, "addresses", CONFIG_TYPE_LIST, &list) != 1)
		return;
	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct cfg_addr a;
		char w[WHERE_MAX];
		const char *h = NULL;
		size_t hl;

		snprintf(w, sizeof(w), "%.100saddresses[%d].", lw, i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			cfg_problem(c, e, w, NULL, "expected a group { host = "
				    "\"...\"; ... }, not %s",
				    cfg_type_name(config_setting_type(e)));
			continue;
		}
		cfg_check_keys(c, e, w, cfg_addr_keys);
		memset(&a, 0, sizeof(a));
		a.port = CFG_PORT;
		cfg_get_uint(c, e, w, "port", 1, 65535, &a.port);
		cfg_get_sels(c, e, w, "", &a.sel);
		if (cfg_get_str(c, e, w, "host", &h) == 0) {
			cfg_missing(c, e, w, "host", "an address or host name");
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
		resolve_host(c, cfg_member(e, "host"), w, &a);
		l->addr = xrealloc(l->addr, (l->naddr + 1) * sizeof(a));
		l->addr[l->naddr++] = a;
	}
}

/* parse_allow - link.allow */
static void parse_allow(struct cfg_ctx *c, const config_setting_t *g,
			const char *lw, struct cfg_link *l)
{
	config_setting_t *at;
	const char **v;
	size_t n;

	if (cfg_get_strlist(c, g, lw, "allow", &v, &n, &at) != 1)
		return;
	l->allow = acl_new();
	for (size_t i = 0; i < n; i++) {
		char err[ACL_ERRLEN];

		if (acl_add(l->allow, v[i], c->flags & CFG_NO_RESOLVE ?
			    ACL_NO_RESOLVE : 0, err, sizeof(err)) < 0)
			cfg_problem(c, at, lw, "allow", "%s", err);
	}
	if (n == 0)
		cfg_problem(c, at, lw, "allow", "empty: nobody could call; "
			    "leave the key out to allow any address");
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

/* get_ap_title - an AP title: a dotted OID, or "" none (malloc()ed) */
static char *get_ap_title(struct cfg_ctx *c, const config_setting_t *g,
			  const char *lw, const char *key)
{
	const char *v;

	if (cfg_get_str(c, g, lw, key, &v) == 1 && *v && !cfg_oid_ok(v))
		cfg_problem(c, cfg_member(g, key), lw, key, "\"%s\": not a "
			    "dotted object identifier", v);
	return xstrdup(v ? v : "");
}

/* parse_tls - tls, tls_pin, tls_ca, tls_name */
static void parse_tls(struct cfg_ctx *c, const config_setting_t *g,
		      const char *lw, struct cfg_link *l)
{
	const char *v;
	char err[200];
	int i;

	if (cfg_get_choice(c, g, lw, "tls", cfg_tls_names, &i) == 1)
		l->tls = (enum cfg_tls)i;
	if (cfg_get_str(c, g, lw, "tls_pin", &v) == 1 && v && *v &&
	    tlsid_parse_pin(v, &l->tls_id, err, sizeof(err)) < 0)
		cfg_problem(c, cfg_member(g, "tls_pin"), lw, "tls_pin", "%s",
			    err);
	cfg_get_path(c, g, lw, "tls_ca", &l->tls_id.ca);
	if (cfg_get_str(c, g, lw, "tls_name", &v) == 1 && v && *v)
		l->tls_id.name = xstrdup(v);
	if (l->tls_id.kind != TLSID_NONE && l->tls_id.ca)
		cfg_problem(c, cfg_member(g, "tls_ca"), lw, "tls_ca", "give "
			    "tls_pin or tls_ca (with tls_name), not both");
	else if (l->tls_id.ca && !l->tls_id.name)
		cfg_missing(c, g, lw, "tls_name", "the name (subjectAltName "
			    "or CN) the peer's certificate must carry");
	else if (l->tls != CFG_TLS_OFF && !tlsid_active(&l->tls_id))
		cfg_problem(c, cfg_member(g, "tls"), lw, "tls", "TLS needs "
			    "to know the peer: tls_pin, or tls_ca and "
			    "tls_name");
	else if (l->strong && !tlsid_active(&l->tls_id))
		cfg_problem(c, cfg_member(g, "credentials"), lw,
			    "credentials", "\"strong\" needs to know the "
			    "peer's certificate: tls_pin, or tls_ca and "
			    "tls_name");
}

/* cfg_link_defaults - see cfg_int.h */
void cfg_link_defaults(struct cfg_link *l, const struct cfg *cfg)
{
	l->dir = CFG_BOTH;
	l->mode = RTSE_NORMAL;
	l->x410_app_protocol = 1;
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
}

/* cfg_parse_link - one element of links */
void cfg_parse_link(struct cfg_ctx *c, const config_setting_t *g, int idx)
{
	struct cfg *cfg = c->cfg;
	struct cfg_link *l;
	char lw[WHERE_MAX], *pw = NULL;
	const char *v;
	int i, allow_plain;

	cfg->links = xrealloc(cfg->links, (cfg->nlinks + 1) * sizeof(*l));
	l = &cfg->links[cfg->nlinks++];
	memset(l, 0, sizeof(*l));
	l->file = xstrdup(cfg_file_of(c, g));
	l->line = cfg_line_of(g);
	snprintf(lw, sizeof(lw), "links[%d]: ", idx);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		cfg_problem(c, g, lw, NULL, "expected a group { name = "
			    "\"...\"; ... }, not %s",
			    cfg_type_name(config_setting_type(g)));
		l->name = xstrdup("");
		return;
	}
	if (cfg_get_str(c, g, lw, "name", &v) == 0) {
		cfg_missing(c, g, lw, "name", "the link's name");
		v = "";
	} else if (v == NULL) {
		v = "";
	} else if (!link_name_ok(v)) {
		cfg_problem(c, cfg_member(g, "name"), lw, "name", "\"%s\": "
			    "1..%d letters, digits, '.', '-' or '_'", v,
			    CFG_NAME_MAX);
	}
	l->name = xstrdup(v);
	if (*v && link_name_ok(v))
		snprintf(lw, sizeof(lw), "link %s: ", v);
	cfg_check_keys(c, g, lw, cfg_link_keys);

	cfg_link_defaults(l, cfg);
	if (cfg_get_choice(c, g, lw, "credentials", cfg_credentials_names,
			   &i) == 1)
		l->strong = i;

	if (cfg_get_choice(c, g, lw, "direction", cfg_dir_names, &i) == 1)
		l->dir = (unsigned)i + 1;
	if ((i = cfg_get_mta_name(c, g, lw, "peer_mta", &v)) == 0)
		cfg_missing(c, g, lw, "peer_mta", "the remote MTA's name");
	l->peer_mta = xstrdup(i == 1 ? v : "");
	/* a bad name is kept too, so that an empty one is also "empty" */
	if (cfg_get_mta_name(c, g, lw, "our_mta", &v) != 0 && v) {
		free(l->our_mta);
		l->our_mta = xstrdup(v);
	}
	cfg_get_password(c, g, lw, "our_password", &l->our_pw);
	cfg_get_bool(c, g, lw, "allow_plaintext", &l->allow_plaintext);
	allow_plain = l->allow_plaintext;
	switch (cfg_get_password(c, g, lw, "peer_password", &pw)) {
	case 0:
		if (l->strong)	/* the certificate stands for it */
			break;
		cfg_missing(c, g, lw, "peer_password", "the hash that verifies "
			    "the peer's password (x400passwd), or \"\" if it "
			    "sends none");
		break;
	case 1: {
		char err[AUTH_ERRLEN];
		const char *key = cfg_member(g, "peer_password") ?
				  "peer_password" : "peer_password_ref";

		if (auth_verifier_parse(pw, allow_plain, &l->peer_pw, err,
					sizeof(err)) < 0)
			cfg_problem(c, cfg_member(g, key), lw, key, "%s", err);
		else if (auth_verifier_kind(l->peer_pw) == AUTH_PLAIN)
			cfg_warn(c, cfg_member(g, key), lw, key, "the peer's "
				 "password is stored in clear; store a hash "
				 "(x400passwd)");
		break;
	}
	default:
		break;
	}
	cfg_wipe(pw);
	cfg_get_sels(c, g, lw, "our_", &l->our_sel);
	l->our_ap_title = get_ap_title(c, g, lw, "our_ap_title");
	l->peer_ap_title = get_ap_title(c, g, lw, "peer_ap_title");
	parse_addrs(c, g, lw, l);
	if (cfg_get_choice(c, g, lw, "mode", cfg_mode_names, &i) == 1)
		l->mode = i ? RTSE_X410 : RTSE_NORMAL;
	if (cfg_get_choice(c, g, lw, "edition", cfg_edition_names, &i) == 1)
		l->edition = i ? P1_EDITION_1992 : P1_EDITION_1988;
	if (cfg_get_choice(c, g, lw, "x410_bind", cfg_x410_bind_names,
			   &i) == 1)
		l->x410_bind_wrapped = i;
	if (cfg_get_choice(c, g, lw, "dialogue", cfg_dialogue_names, &i) == 1)
		l->dialogue = i ? RTSE_TWA : RTSE_MONOLOGUE;
	cfg_get_keys(c, g, lw, cfg_assoc_tab, l);
	if (l->x410_app_protocol != 1 && l->x410_app_protocol != 12)
		cfg_problem(c, cfg_member(g, "x410_application_protocol"), lw,
			    "x410_application_protocol", "%u: 1 (X.410 1984) "
			    "or 12 (a 1988 MTA in X.410 mode)",
			    l->x410_app_protocol);
	/* the default is the global limit: over it only if set so */
	if (l->size_limit > cfg->max_message_size)
		cfg_problem(c, cfg_member(g, "size_limit"), lw, "size_limit",
			    "%llu octets is over global.limits."
			    "max_message_size (%llu)",
			    (unsigned long long)l->size_limit,
			    (unsigned long long)cfg->max_message_size);
	cfg_get_keys(c, g, lw, cfg_retry_tab, l);
	cfg_get_src(c, g, lw, &l->src);
	cfg_get_bool(c, g, lw, "source_enforce", &l->src.enforce);
	parse_allow(c, g, lw, l);
	cfg_get_bool(c, g, lw, "pcap", &l->pcap);
	cfg_get_bool(c, g, lw, "pcap_secrets", &l->pcap_secrets);
	cfg_get_bool(c, g, lw, "reports", &l->reports);
	parse_tls(c, g, lw, l);
}

/* ---- across links ---------------------------------------------------- */

/* tls_listening - 1 if some listen address takes TLS */
static int tls_listening(const struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->nlisten; i++)
		if (cfg->listen[i].tls)
			return 1;
	return 0;
}

/* cfg_check_links - what involves several links, or links and the rest */
void cfg_check_links(struct cfg_ctx *c, const config_setting_t *root)
{
	struct cfg *cfg = c->cfg;
	const config_setting_t *list = cfg_member(root, "links");

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
			cfg_problem(c, cfg_member(g, "name"), lw, "name",
				    "\"local\" is reserved for local delivery");
		for (size_t j = 0; j < i; j++) {
			const struct cfg_link *o = &cfg->links[j];

			if (strcasecmp(o->name, l->name) == 0)
				cfg_problem(c, cfg_member(g, "name"), lw,
					    "name", "defined twice (first at "
					    "%s:%u)", o->file, o->line);
			else if ((l->dir & CFG_IN) && (o->dir & CFG_IN) &&
				 *l->peer_mta &&
				 strcasecmp(o->peer_mta, l->peer_mta) == 0 &&
				 cfg_sels_equal(&o->our_sel, &l->our_sel))
				cfg_problem(c, cfg_member(g, "peer_mta"), lw,
					    "peer_mta", "link %s also receives "
					    "from \"%s\" at the same "
					    "selectors; give one of them other "
					    "our_tsel/our_ssel/our_psel, or "
					    "direction = \"outbound\"", o->name,
					    l->peer_mta);
		}
		if ((l->dir & CFG_OUT) && l->naddr == 0) {
			const config_setting_t *a = cfg_member(g, "addresses");

			if (a == NULL)
				cfg_missing(c, g, lw, "addresses", "the link "
					    "sends (direction), so it needs "
					    "the peer's address");
			else if (config_setting_type(a) == CONFIG_TYPE_LIST &&
				 config_setting_length(a) == 0)
				cfg_problem(c, a, lw, "addresses", "empty, but "
					    "the link sends (direction)");
		}
		if ((l->dir & CFG_IN) && c->listen_given == 0)
			cfg_problem(c, cfg_member(g, "direction") ?
				    cfg_member(g, "direction") : g, lw,
				    "direction", "the link receives, but "
				    "listen.addresses is empty");
		if ((l->dir & CFG_IN) && l->tls == CFG_TLS_REQUIRED &&
		    !tls_listening(cfg))
			cfg_warn(c, cfg_member(g, "tls"), lw, "tls", "required, "
				 "but listen.tls_addresses is empty: every bind "
				 "from %s will be refused", l->peer_mta);
		if (l->strong && cfg->tls_cert == NULL)
			cfg_problem(c, cfg_member(g, "credentials"), lw,
				    "credentials", "\"strong\" signs with our "
				    "key: set global.tls_cert and "
				    "global.tls_key");
		if (l->pcap && cfg->pcap_dir == NULL)
			cfg_problem(c, cfg_member(g, "pcap"), lw, "pcap",
				    "true, but global.pcap_dir is not set");
		if (*l->our_mta == 0 && cfg->mta_name)
			cfg_problem(c, g, lw, "our_mta", "empty");
		for (size_t r = 0; r < cfg->nroutes; r++)
			if (strcmp(cfg->routes[r].link, l->name) == 0)
				routed = 1;
		if ((l->dir & CFG_OUT) && !routed && c->nerr == 0)
			cfg_warn(c, g, lw, NULL, "sends, but no route leads to "
				 "it (reports to its peer's domain still do)");
	}
}
