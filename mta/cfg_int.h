/*
 * cfg_int.h - inside the configuration parser (not for cfg.h's users)
 *
 * SYNOPSIS
 *	#include "cfg_int.h"
 *
 * DESCRIPTION
 *	The parser is split by concern:
 *
 *	cfg.c		loading a file or a string, the checks libconfig
 *			misses (wrapped numbers), the global defaults,
 *			freeing, finding links, cfg_each_key()
 *	cfg_get.c	messages ("file:line: where key: text", the nearest
 *			key to a typo) and the typed getters every section
 *			uses, among them cfg_get_keys(): one table of plain
 *			keys (numbers, switches, durations, sizes)
 *	cfg_value.c	values with a syntax of their own: selectors,
 *			host:port, host names, OIDs, source addresses,
 *			passwords and the secrets file
 *	cfg_global.c	the global and listen groups
 *	cfg_link.c	the links list, and the checks across links
 *	cfg_route.c	the routing group: local domains and routes
 *	cfg_dump.c	cfg_dump(), cfg_dump_nondefault() and cfg_diff(), on
 *			one key = value form
 *
 *	Every getter follows one rule: 1 set, 0 absent, -1 wrong (and
 *	reported). A problem never stops the parse, so that one run
 *	reports them all; cfg_ctx counts them.
 */
#ifndef X400_CFG_INT_H
#define X400_CFG_INT_H

#include <libconfig.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define WHERE_MAX	160
#define DUR_MAX_MS	(UINT64_C(400) * 86400 * 1000)	/* 400 days */
#define SIZE_MAX_CFG	(UINT64_C(1) << 40)		/* 1 TiB */
#define COST_MAX	1000000

/* Parsing state: where messages go, and what is being built. */
struct cfg_ctx {
	const char	*name;		/* the file, for messages */
	int		flags;
	char		*err;
	size_t		errlen, used;
	unsigned	nerr, omitted;
	struct cfg	*cfg;
	char		*basedir;
	struct auth_secrets *secrets;	/* read by this load */
	const struct auth_secrets *secrets_used;	/* it, or *kept */
	struct auth_secrets **kept;	/* cfg_load_kept()'s, or NULL */
	int		secrets_tried;
	const config_setting_t *secrets_at;
	size_t		listen_given;	/* listen.addresses entries */
};

/* ---- messages (cfg_get.c) ---- */

/* cfg_file_of - the file a setting came from */
const char *cfg_file_of(const struct cfg_ctx *c, const config_setting_t *s);
/* cfg_line_of - its line (a missing key is blamed on its group) */
unsigned cfg_line_of(const config_setting_t *s);
/* cfg_problem_line - one error already formatted */
void	cfg_problem_line(struct cfg_ctx *c, const char *m);
/* cfg_problem - one error, "file:line: where+key: text"; the load
 *	will fail */
void	cfg_problem(struct cfg_ctx *c, const config_setting_t *s,
		    const char *where, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* cfg_warn - one warning, kept in cfg->warn */
void	cfg_warn(struct cfg_ctx *c, const config_setting_t *s,
		 const char *where, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* cfg_check_keys - every member of g is one of keys (NULL-terminated) */
void	cfg_check_keys(struct cfg_ctx *c, const config_setting_t *g,
		       const char *where, const char *const *keys);
/* cfg_type_name - for "expected X, not Y" */
const char *cfg_type_name(int t);

/* ---- typed getters: 1 set, 0 absent, -1 wrong (reported) ---- */

/* cfg_member - g's member key, NULL if absent (or g NULL) */
config_setting_t *cfg_member(const config_setting_t *g, const char *key);
/* cfg_missing - report an absent required key */
void	cfg_missing(struct cfg_ctx *c, const config_setting_t *g,
		    const char *where, const char *key, const char *what);
/* cfg_get_str - a string; *out points into libconfig's copy */
int	cfg_get_str(struct cfg_ctx *c, const config_setting_t *g,
		    const char *where, const char *key, const char **out);
/* cfg_get_num - an integer in min..max */
int	cfg_get_num(struct cfg_ctx *c, const config_setting_t *g,
		    const char *where, const char *key, long long min,
		    long long max, long long *out);
/* cfg_get_uint - cfg_get_num into an unsigned */
int	cfg_get_uint(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *key, unsigned min,
		     unsigned max, unsigned *out);
/* cfg_get_bool - true or false */
int	cfg_get_bool(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *key, int *out);
/* cfg_get_choice - a string among names; *out its index */
int	cfg_get_choice(struct cfg_ctx *c, const config_setting_t *g,
		       const char *where, const char *key,
		       const char *const *names, int *out);
/* cfg_get_dur - a duration (seconds as a number, or a string with
 *	units), in min_ms..max_ms */
int	cfg_get_dur(struct cfg_ctx *c, const config_setting_t *g,
		    const char *where, const char *key, uint64_t min_ms,
		    uint64_t max_ms, uint64_t *out);
/* cfg_get_size - octets: a number, or a string with K, M or G */
int	cfg_get_size(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *key, uint64_t min,
		     uint64_t max, uint64_t *out);
/* cfg_get_strlist - one string, or an array or list of strings; *out
 *	(malloc()ed) points into libconfig's copies */
int	cfg_get_strlist(struct cfg_ctx *c, const config_setting_t *g,
			const char *where, const char *key,
			const char ***out, size_t *n, config_setting_t **at);
/* cfg_get_group - a member of the type CONFIG_TYPE_GROUP or _LIST */
int	cfg_get_group(struct cfg_ctx *c, const config_setting_t *g,
		      const char *where, const char *key, int type,
		      config_setting_t **out);
/* cfg_path_of - a path from the file, relative ones under basedir */
char	*cfg_path_of(const struct cfg_ctx *c, const char *p);
/* cfg_get_path - a non-empty path string, made absolute */
int	cfg_get_path(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *key, char **out);

/* A plain key in a table: what it holds, its range, and where it goes
 *	(the offset of an unsigned, int, or uint64_t in the struct). One
 *	table serves the parse (cfg_get_keys) and the dump (cfg_dump.c).
 *	A table ends with a NULL key. */
enum cfg_kind {
	CFG_K_UINT,			/* unsigned: a whole number */
	CFG_K_BOOL,			/* int: true or false */
	CFG_K_DUR,			/* uint64_t: milliseconds */
	CFG_K_SIZE			/* uint64_t: octets */
};

struct cfg_key {
	const char	*key;
	enum cfg_kind	kind;
	uint64_t	min, max;
	size_t		off;
};

/* cfg_get_keys - every key of the table, in its order, into base; 0,
 *	or -1 if any was wrong (all are read regardless) */
int	cfg_get_keys(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const struct cfg_key *t, void *base);

/* ---- values (cfg_value.c) ---- */

/* cfg_get_sels - tsel, ssel and psel (prefix "our_" or "") */
void	cfg_get_sels(struct cfg_ctx *c, const config_setting_t *g,
		     const char *where, const char *prefix,
		     struct cfg_sels *out);
/* cfg_numeric_ip - s is a numeric IPv4 or IPv6 address: its family,
 *	or 0 */
int	cfg_numeric_ip(const char *s);
/* cfg_get_mta_name - an MTA name: 1..32 printable ASCII; as
 *	cfg_get_str, but a bad name is -1 (reported), *out still set */
int	cfg_get_mta_name(struct cfg_ctx *c, const config_setting_t *g,
			 const char *where, const char *key, const char **out);
/* cfg_hostname_ok - letters, digits, '-', '_', '.' in labels of 1..63 */
int	cfg_hostname_ok(const char *s);
/* cfg_oid_ok - a dotted OID, at least two arcs, the first 0..2 */
int	cfg_oid_ok(const char *s);
/* cfg_get_src - source_address (one per family) into src */
void	cfg_get_src(struct cfg_ctx *c, const config_setting_t *g,
		    const char *where, struct cfg_src *src);
/* cfg_get_password - key (a string) or key_ref (a name in the secrets
 *	file); *out malloc()ed. 1 set, 0 neither given, -1 wrong. */
int	cfg_get_password(struct cfg_ctx *c, const config_setting_t *g,
			 const char *where, const char *key, char **out);
/* cfg_wipe - free a secret string after overwriting it */
void	cfg_wipe(char *s);

/* ---- defaults (cfg.c, cfg_link.c): the parse's, and x400d -n's ---- */

/* cfg_defaults - the global values a file need not give, into a
 *	zeroed cfg */
void	cfg_defaults(struct cfg *cfg);
/* cfg_default_local_dir - routing.local_dir, if not set, from
 *	queue_dir (after the parse) */
void	cfg_default_local_dir(struct cfg *cfg);
/* cfg_link_defaults - a link's values it need not give, into a zeroed
 *	link, some from cfg's global ones */
void	cfg_link_defaults(struct cfg_link *l, const struct cfg *cfg);
/* cfg_link_free - what a link holds */
void	cfg_link_free(struct cfg_link *l);

/* ---- sections: keys, names, and the parsers ---- */

/* cfg_global.c */
extern const char *const cfg_global_keys[], *const cfg_limits_keys[],
	*const cfg_backoff_keys[], *const cfg_listen_keys[];
extern const char *const cfg_level_names[], *const cfg_sync_names[],
	*const cfg_log_format_names[];
extern const struct cfg_key cfg_limits_tab[], cfg_backoff_tab[];
void	cfg_parse_global(struct cfg_ctx *c, const config_setting_t *g);
void	cfg_parse_listen(struct cfg_ctx *c, const config_setting_t *g);

/* cfg_link.c */
extern const char *const cfg_link_keys[], *const cfg_addr_keys[];
extern const char *const cfg_tls_names[];
extern const char *const cfg_credentials_names[];
extern const char *const cfg_dir_names[], *const cfg_mode_names[],
	*const cfg_dialogue_names[], *const cfg_edition_names[],
	*const cfg_x410_bind_names[];
extern const struct cfg_key cfg_assoc_tab[], cfg_retry_tab[];
void	cfg_parse_link(struct cfg_ctx *c, const config_setting_t *g,
		       int idx);
/* cfg_check_links - what involves several links, or links and the
 *	rest (after routing) */
void	cfg_check_links(struct cfg_ctx *c, const config_setting_t *root);

/* cfg_route.c */
extern const char *const cfg_routing_keys[], *const cfg_route_keys[];
void	cfg_parse_routing(struct cfg_ctx *c, const config_setting_t *g);

#endif
