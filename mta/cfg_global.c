/*
 * cfg_global.c - the configuration's global and listen groups
 *
 * See cfg_int.h and docs/config.md: our names, the queue, logging,
 * defaults for links, limits and the bind backoff; the addresses and
 * selectors we listen at.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "log_syslog.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_id.h"
#include "xalloc.h"

/* ---- global ---------------------------------------------------------- */

const char *const cfg_global_keys[] = {
	"mta_name", "domain", "queue_dir", "log_file", "log_level",
	"log_format", "log_syslog", "metrics_listen", "user",
	"allow_root", "pcap_dir", "secrets_file", "sync", "source_address",
	"source_enforce", "password", "password_ref", "allow_plaintext",
	"tls_cert", "tls_key", "limits", "bind_backoff", NULL
};
const char *const cfg_limits_keys[] = {
	"max_associations_in", "max_associations_out", "max_message_size",
	"prebind_max", "prebind_per_source", "bind_timeout",
	"refusal_log_interval", "history", "strong_window", NULL
};
const char *const cfg_backoff_keys[] = {
	"free", "first", "max", "forget", "ipv6_prefix", "slots", NULL
};
const char *const cfg_level_names[] = {
	"debug", "info", "notice", "warning", "error", NULL
};
const char *const cfg_sync_names[] = { "full", "nosync", NULL };
const char *const cfg_log_format_names[] = { "json", "text", NULL };

/* The plain keys of global.limits and global.bind_backoff (but slots,
 * a size_t), in the order they are read and dumped. */
const struct cfg_key cfg_limits_tab[] = {
	{ "max_associations_in", CFG_K_UINT, 1, 100000,
	  offsetof(struct cfg, max_assoc_in) },
	{ "max_associations_out", CFG_K_UINT, 1, 100000,
	  offsetof(struct cfg, max_assoc_out) },
	{ "max_message_size", CFG_K_SIZE, 1024, SIZE_MAX_CFG,
	  offsetof(struct cfg, max_message_size) },
	{ "prebind_max", CFG_K_UINT, 1, 100000,
	  offsetof(struct cfg, prebind_max) },
	{ "prebind_per_source", CFG_K_UINT, 1, 100000,
	  offsetof(struct cfg, prebind_per_source) },
	{ "bind_timeout", CFG_K_DUR, 100, 3600000,
	  offsetof(struct cfg, bind_timeout_ms) },
	{ "refusal_log_interval", CFG_K_DUR, 1000, 86400000,
	  offsetof(struct cfg, refusal_log_ms) },
	{ "history", CFG_K_DUR, 1000, DUR_MAX_MS,
	  offsetof(struct cfg, history_ms) },
	{ "strong_window", CFG_K_DUR, 1000, 86400000,
	  offsetof(struct cfg, strong_window_ms) },
	{ NULL, 0, 0, 0, 0 }
};
const struct cfg_key cfg_backoff_tab[] = {
	{ "free", CFG_K_UINT, 0, 1000, offsetof(struct rl_params, free) },
	{ "first", CFG_K_DUR, 1, DUR_MAX_MS,
	  offsetof(struct rl_params, base_ms) },
	{ "max", CFG_K_DUR, 1, DUR_MAX_MS, offsetof(struct rl_params, max_ms) },
	{ "forget", CFG_K_DUR, 1, DUR_MAX_MS,
	  offsetof(struct rl_params, forget_ms) },
	{ "ipv6_prefix", CFG_K_UINT, 1, 128,
	  offsetof(struct rl_params, v6_prefix) },
	{ NULL, 0, 0, 0, 0 }
};

/* parse_limits - global.limits */
static void parse_limits(struct cfg_ctx *c, const config_setting_t *g)
{
	const char *w = "global.limits.";

	cfg_check_keys(c, g, w, cfg_limits_keys);
	cfg_get_keys(c, g, w, cfg_limits_tab, c->cfg);
}

/* parse_backoff - global.bind_backoff */
static void parse_backoff(struct cfg_ctx *c, const config_setting_t *g)
{
	struct rl_params *p = &c->cfg->backoff;
	const char *w = "global.bind_backoff.", *why;
	long long slots;
	int bad;

	cfg_check_keys(c, g, w, cfg_backoff_keys);
	bad = cfg_get_keys(c, g, w, cfg_backoff_tab, p) < 0;
	if (cfg_get_num(c, g, w, "slots", RL_WAYS, 1 << 20, &slots) == 1)
		p->slots = (size_t)slots;
	if (!bad && (why = rl_params_ok(p)) != NULL)
		cfg_problem(c, g, "global.", "bind_backoff", "%s", why);
}

/* parse_syslog - global.log_syslog: a facility name, instead of
 *	log_file */
static void parse_syslog(struct cfg_ctx *c, const config_setting_t *g)
{
	const char *w = "global.", *v = NULL;

	if (cfg_get_str(c, g, w, "log_syslog", &v) != 1 || *v == 0)
		return;
	if ((c->cfg->log_facility = logsys_facility(v)) < 0)
		cfg_problem(c, cfg_member(g, "log_syslog"), w, "log_syslog",
			    "\"%s\" is not a syslog facility (mail, daemon, "
			    "user, local0 .. local7)", v);
	else if (c->cfg->log_file)
		cfg_problem(c, cfg_member(g, "log_syslog"), w, "log_syslog",
			    "log_file is set too: events go to one place, "
			    "remove one of the two");
}

/* parse_metrics - global.metrics_listen: "address:port" of the HTTP
 *	metrics endpoint (numeric, no default port) */
static void parse_metrics(struct cfg_ctx *c, const config_setting_t *g)
{
	const char *w = "global.", *v = NULL;
	char err[200];

	if (cfg_get_str(c, g, w, "metrics_listen", &v) != 1 || *v == 0)
		return;
	if (cfg_hostport_parse(v, 0, &c->cfg->metrics_addr,
			       &c->cfg->metrics_port, err, sizeof(err)) < 0)
		cfg_problem(c, cfg_member(g, "metrics_listen"), w,
			    "metrics_listen", "%s", err);
	else if (c->cfg->metrics_port == 0)
		cfg_problem(c, cfg_member(g, "metrics_listen"), w,
			    "metrics_listen", "\"%s\": a port is needed, "
			    "e.g. \"127.0.0.1:9400\"", v);
}

/* cfg_parse_global - the global group */
void cfg_parse_global(struct cfg_ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "global.", *v = NULL;
	config_setting_t *sub;
	int i;

	cfg_check_keys(c, g, w, cfg_global_keys);
	switch (cfg_get_mta_name(c, g, w, "mta_name", &v)) {
	case 0:
		cfg_missing(c, g, w, "mta_name", "our MTA name");
		break;
	case 1:
		cfg->mta_name = xstrdup(v);
		break;
	}
	v = NULL;
	if (cfg_get_str(c, g, w, "domain", &v) == 0) {
		cfg_missing(c, g, w, "domain", "our global domain identifier, "
			    "\"C=..;A=..;P=..\"");
	} else if (v) {
		struct p1_err perr;

		if (p1_gdi_parse(v, &cfg->gdi, &perr) < 0)
			cfg_problem(c, cfg_member(g, "domain"), w, "domain",
				    "\"%s\": %s", v, perr.msg);
		else
			cfg->domain = p1_gdi_format(cfg->gdi);
	}
	if (cfg_get_path(c, g, w, "queue_dir", &cfg->queue_dir) == 0)
		cfg_missing(c, g, w, "queue_dir", "where the queue lives");
	v = NULL;
	if (cfg_get_str(c, g, w, "log_file", &v) == 1 && *v)
		cfg->log_file = cfg_path_of(c, v);
	if (cfg_get_choice(c, g, w, "log_level", cfg_level_names, &i) == 1)
		cfg->log_level = (enum log_level)i;
	if (cfg_get_choice(c, g, w, "log_format", cfg_log_format_names,
			   &i) == 1)
		cfg->log_format = (enum log_format)i;
	parse_syslog(c, g);
	if (cfg_get_str(c, g, w, "user", &v) == 1) {
		if (*v == 0)
			cfg_problem(c, cfg_member(g, "user"), w, "user",
				    "empty; leave the key out to keep the "
				    "starting user");
		else
			cfg->user = xstrdup(v);
	}
	cfg_get_bool(c, g, w, "allow_root", &cfg->allow_root);
	cfg_get_path(c, g, w, "pcap_dir", &cfg->pcap_dir);
	parse_metrics(c, g);
	c->secrets_at = cfg_member(g, "secrets_file");
	cfg_get_path(c, g, w, "secrets_file", &cfg->secrets_file);
	if (cfg_get_choice(c, g, w, "sync", cfg_sync_names, &i) == 1) {
		cfg->sync = (enum cfg_sync)i;
		if (cfg->sync == CFG_SYNC_NOSYNC)
			cfg_warn(c, cfg_member(g, "sync"), w, "sync", "nosync: "
				 "a crash can lose mail that peers were told "
				 "is safe (for tests and benchmarks only)");
	}
	cfg_get_src(c, g, w, &cfg->src);
	cfg_get_bool(c, g, w, "source_enforce", &cfg->src.enforce);
	cfg_get_password(c, g, w, "password", &cfg->password);
	cfg_get_bool(c, g, w, "allow_plaintext", &cfg->allow_plaintext);
	cfg_get_path(c, g, w, "tls_cert", &cfg->tls_cert);
	cfg_get_path(c, g, w, "tls_key", &cfg->tls_key);
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
		cfg_problem(c, g, w, cfg->tls_cert ? "tls_key" : "tls_cert",
			    "tls_cert and tls_key go together");
	if (cfg_get_group(c, g, w, "limits", CONFIG_TYPE_GROUP, &sub) == 1)
		parse_limits(c, sub);
	if (cfg_get_group(c, g, w, "bind_backoff", CONFIG_TYPE_GROUP, &sub) ==
	    1)
		parse_backoff(c, sub);
}

/* ---- listen ---------------------------------------------------------- */

const char *const cfg_listen_keys[] = {
	"addresses", "port", "tsel", "ssel", "psel", "tls_addresses",
	"tls_cert", "tls_key", "tls_ca", NULL
};

/* add_listen - one address of listen.addresses (tls 0) or
 *	listen.tls_addresses (tls 1) */
static void add_listen(struct cfg_ctx *c, config_setting_t *at,
		       const char *key, const char *v, unsigned port, int tls)
{
	struct cfg *cfg = c->cfg;
	const char *w = "listen.";
	struct cfg_listen l;
	char err[200];

	if (cfg_hostport_parse(v, port, &l.addr, &l.port, err,
			       sizeof(err)) < 0) {
		cfg_problem(c, at, w, key, "%s", err);
		return;
	}
	l.tls = tls;
	for (size_t j = 0; j < cfg->nlisten; j++) {
		if (cfg->listen[j].port == l.port &&
		    strcmp(cfg->listen[j].addr, l.addr) == 0) {
			cfg_problem(c, at, w, key, "\"%s\" given twice", v);
			free(l.addr);
			return;
		}
	}
	cfg->listen = xrealloc(cfg->listen, (cfg->nlisten + 1) * sizeof(l));
	cfg->listen[cfg->nlisten++] = l;
}

/* parse_listen_tls - listen.tls_*: where TLS callers are taken */
static void parse_listen_tls(struct cfg_ctx *c, const config_setting_t *g,
			     unsigned port)
{
	struct cfg *cfg = c->cfg;
	const char *w = "listen.", **v;
	config_setting_t *at;
	size_t n;

	if (cfg_get_strlist(c, g, w, "tls_addresses", &v, &n, &at) == 1) {
		for (size_t i = 0; i < n; i++)
			add_listen(c, at, "tls_addresses", v[i], port, 1);
		c->listen_given += n;
		free(v);
	}
	cfg_get_path(c, g, w, "tls_cert", &cfg->listen_tls_cert);
	cfg_get_path(c, g, w, "tls_key", &cfg->listen_tls_key);
	cfg_get_path(c, g, w, "tls_ca", &cfg->listen_tls_ca);
	if ((cfg->listen_tls_cert == NULL) != (cfg->listen_tls_key == NULL))
		cfg_problem(c, g, w, "tls_cert", "tls_cert and tls_key go "
			    "together");
	if (cfg_member(g, "tls_addresses") && !cfg->listen_tls_cert &&
	    !cfg->tls_cert)
		cfg_problem(c, cfg_member(g, "tls_addresses"), w,
			    "tls_addresses", "TLS needs our certificate: "
			    "listen.tls_cert and tls_key, or global.tls_cert "
			    "and tls_key");
}

/* cfg_parse_listen - the listen group */
void cfg_parse_listen(struct cfg_ctx *c, const config_setting_t *g)
{
	struct cfg *cfg = c->cfg;
	const char *w = "listen.", **v;
	config_setting_t *at;
	unsigned port = CFG_PORT;
	size_t n;

	cfg_check_keys(c, g, w, cfg_listen_keys);
	cfg_get_uint(c, g, w, "port", 1, 65535, &port);
	cfg_get_sels(c, g, w, "", &cfg->sel);
	if (cfg_get_strlist(c, g, w, "addresses", &v, &n, &at) == 0 &&
	    cfg_member(g, "tls_addresses") == NULL)
		cfg_missing(c, g, w, "addresses", "e.g. [\"0.0.0.0\", "
			    "\"[::]\"]");
	c->listen_given = n;
	for (size_t i = 0; i < n; i++)
		add_listen(c, at, "addresses", v[i], port, 0);
	free(v);
	parse_listen_tls(c, g, port);
}
