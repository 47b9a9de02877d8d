/*
 * cfg.h - the x400d configuration file
 *
 * SYNOPSIS
 *	#include "cfg.h"
 *
 *	struct cfg c;  char err[CFG_ERRLEN];
 *	if (cfg_load("/etc/x400/x400d.conf", 0, &c, err, sizeof(err)) < 0)
 *		log_ev(LOG_ERR, EV_CONFIG_ERROR, NULL, "%s", err);
 *	for (size_t i = 0; i < c.nwarn; i++)
 *		log_ev(LOG_WARNING, EV_CONFIG_WARNING, NULL, "%s", c.warn[i]);
 *	l = cfg_link_find(&c, "to-B");
 *	n = cfg_links_for_peer(&c, "mta-b", cands, 8);
 *	l = cfg_link_inbound(&c, claimed_mta, &called_sels, &why);
 *	src = cfg_link_source(l, AF_INET);
 *	cfg_dump(&c, stdout);
 *
 *	on SIGHUP:
 *	struct cfg next;  struct cfg_diff d;
 *	if (cfg_load(path, 0, &next, err, sizeof(err)) == 0) {
 *		cfg_diff(&c, &next, &d);  ... apply ...;  cfg_diff_free(&d);
 *		cfg_free(&c);  c = next;
 *	}
 *	cfg_free(&c);
 *
 * DESCRIPTION
 *	One file in libconfig syntax (https://hyperrealm.github.io/
 *	libconfig/), four groups: global, listen, links, routing. Every
 *	key is documented in docs/config.md; docs/x400d.conf.example is a
 *	complete example (a unit test loads it). cfg_load() parses the
 *	file, checks every key and the whole (unique link names, addresses
 *	and selectors that parse, routes to links that exist and send,
 *	...), resolves host names, reads the secrets file, and fills a
 *	plain struct cfg. Nothing in it refers back to libconfig.
 *
 *	Strict by design: a key this MTA does not know is an error (a typo
 *	must not pass silently; the message suggests the nearest key), as
 *	is a value of the wrong type. Every problem is reported, not just
 *	the first: err holds one line per problem,
 *	    x400d.conf:42: link to-B: tsel: "0x0G": not hex
 *	naming the file (an @include'd file by its own name), the line,
 *	the group and the key.
 *
 *	Relative paths in the file (queue_dir, secrets_file, ...) are
 *	taken from the directory of the configuration file.
 *
 *	Blocking: cfg_load() resolves host names (link addresses, allow
 *	lists) with getaddrinfo() and reads the secrets file. x400d calls
 *	it at start and on SIGHUP, before accepting the new configuration;
 *	on failure the running configuration stays as it was. A name that
 *	does not resolve is an error, so a reload during a DNS outage keeps
 *	the old configuration rather than losing a link.
 *
 *	Reload: cfg_load() builds a new struct while the old one is in
 *	use; they share nothing. cfg_diff() then lists the links added,
 *	removed and changed (with the keys that changed), whether routing
 *	changed, and the global keys that changed, split into those x400d
 *	applies at once and those that need a restart (listen addresses
 *	and selectors, user, queue_dir, sync: the listening sockets were
 *	bound as root and the queue is open).
 *
 *	Flags: CFG_NO_RESOLVE keeps host names unresolved (a link address
 *	then has no numeric address; an allow-list name matches nothing):
 *	for syntax checks and the fuzz target. CFG_NO_SECRETS does not
 *	read the secrets file (every *_ref becomes empty): for checking
 *	the file as a user who may not read the secrets.
 *
 *	Secrets after the drop: x400d reads the secrets file as root at
 *	start, then runs as global.user, who usually may not read it
 *	(root's, mode 0600). It loads with cfg_load_kept(), which keeps
 *	what the start read and uses it on a reload that is refused the
 *	file; a changed secrets file then needs a restart.
 *
 * OWNERSHIP
 *	struct cfg and everything in it belong to the caller after a
 *	successful cfg_load(), until cfg_free() (which wipes the passwords
 *	first). After a failure there is nothing to free. The verifiers in
 *	it keep a memo (auth.h): auth_check() on l->peer_pw writes to it.
 *	cfg_diff() results point into both structures.
 */
#ifndef X400_CFG_H
#define X400_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acl.h"
#include "auth.h"
#include "tlsid.h"
#include "GlobalDomainIdentifier.h"
#include "log.h"
#include "p1_ext.h"
#include "ratelimit.h"
#include "rtse.h"

#define CFG_ERRLEN	4096
#define CFG_NO_RESOLVE	0x01
#define CFG_NO_SECRETS	0x02

#define CFG_SEL_MAX	32	/* TSEL; SSEL and PSEL are 16 */
#define CFG_TSEL_MAX	32
#define CFG_SSEL_MAX	16
#define CFG_PSEL_MAX	16
#define CFG_PORT	102	/* RFC 1006 */
#define CFG_NAME_MAX	32	/* link names */

/* A selector: "" none, "0x0001" hex, "x400" text (see docs/config.md) */
struct cfg_sel {
	size_t		len;
	unsigned char	v[CFG_SEL_MAX];
};

struct cfg_sels {
	struct cfg_sel	t, s, p;
};

struct cfg_listen {
	char		*addr;		/* numeric, no brackets */
	unsigned	port;
	int		tls;		/* listen.tls_addresses: TLS first */
};

/* A link's TLS (issue 18): off, or TLS with an identity check. */
enum cfg_tls { CFG_TLS_OFF, CFG_TLS_OPTIONAL, CFG_TLS_REQUIRED };

/* One address of a peer, with the selectors we call there. */
struct cfg_addr {
	char		*host;		/* as written, brackets removed */
	unsigned	port;
	struct cfg_sels	sel;		/* the peer's: called T/S/P */
	char		**ip;		/* numeric addresses of host, in
					 * getaddrinfo() order */
	size_t		nip;
};

/* Local source addresses for outbound connections (issue 6). */
struct cfg_src {
	char		*v4, *v6;	/* numeric; NULL: the OS chooses */
	int		enforce;	/* unusable: fail, not fall back */
};

enum cfg_dir {
	CFG_IN = 1,			/* the peer may call us */
	CFG_OUT = 2,			/* we call the peer */
	CFG_BOTH = 3
};

enum cfg_sync {
	CFG_SYNC_FULL,			/* fsync every commit group */
	CFG_SYNC_NOSYNC			/* tests and benchmarks only */
};

struct cfg_link {
	char		*name;
	char		*file;		/* where it was defined */
	unsigned	line;
	unsigned	dir;		/* enum cfg_dir bits */
	/* the peer */
	char		*peer_mta;
	struct auth_verifier *peer_pw;	/* verifies its password */
	struct cfg_addr	*addr;
	size_t		naddr;
	char		*peer_ap_title;	/* dotted OID, "" none */
	/* us, towards the peer */
	char		*our_mta;
	char		*our_pw;	/* the password we send, "" none */
	struct cfg_sels	our_sel;	/* inbound: must be called;
					 * outbound: calling */
	char		*our_ap_title;	/* dotted OID, "" none */
	/* the association */
	enum rtse_mode	mode;		/* RTSE_NORMAL: 1988 normal */
	enum p1_edition	edition;	/* what we write (docs/editions.md) */
	unsigned	x410_app_protocol; /* PConnect: 1 or 12 */
	int		x410_bind_wrapped; /* X.410 bind in [16]/[17] */
	enum rtse_dialogue dialogue;
	unsigned	checkpoint;	/* kilo-octets, 0 none */
	unsigned	window;
	int		recovery;
	uint64_t	recovery_timeout_ms;
	unsigned	max_assoc;	/* each direction */
	unsigned	max_transfers;	/* outbound: messages an association
					 * carries before its release, 0 no
					 * limit */
	uint64_t	connect_timeout_ms;
	uint64_t	idle_timeout_ms;
	uint64_t	size_limit;	/* octets of a message */
	/* retries */
	uint64_t	open_interval_ms;
	unsigned	transfer_retries;
	uint64_t	transfer_interval_ms;
	uint64_t	max_age_ms;
	/* addresses */
	struct cfg_src	src;
	struct acl	*allow;		/* NULL: any caller */
	/* switches */
	int		pcap;
	int		pcap_secrets;	/* captures keep the bind passwords */
	int		reports;	/* the peer takes report transfers */
	int		allow_plaintext;
	/* TLS: the mode; who the peer must be (a pin, or tls_ca and
	 * tls_name) */
	enum cfg_tls	tls;
	struct tlsid	tls_id;
	/* credentials = "strong": binds with a token signed with
	 * global.tls_key; the peer is known by tls_id (issue 18) */
	int		strong;
};

/* An address space (routing.routes) or a local domain (routing.local:
 * link NULL, cost 0). The pattern syntax is route.h's. */
struct cfg_route {
	char		*pattern;
	char		*link;
	unsigned	cost;
	char		*file;
	unsigned	line;
};

struct cfg {
	char		*path;
	/* global */
	char		*mta_name;
	char		*domain;	/* canonical string of gdi */
	GlobalDomainIdentifier_t *gdi;
	char		*queue_dir;
	char		*log_file;	/* NULL: stderr */
	enum log_level	log_level;
	enum log_format	log_format;
	int		log_facility;	/* syslog's, or -1: log_file */
	char		*user;		/* NULL: keep the starting user */
	int		allow_root;	/* started as root without user: run
					 * as root (else x400d refuses) */
	char		*pcap_dir;	/* NULL: no capture */
	char		*metrics_addr;	/* HTTP metrics; NULL: off */
	unsigned	metrics_port;
	char		*secrets_file;	/* NULL: none */
	enum cfg_sync	sync;
	struct cfg_src	src;		/* default for links */
	char		*password;	/* default we send, "" none */
	int		allow_plaintext;
	char		*tls_cert, *tls_key;	/* ours; NULL: none */
	unsigned	max_assoc_in, max_assoc_out;
	uint64_t	max_message_size;
	/* the front door (issue 17): connections not yet bound */
	unsigned	prebind_max;	/* at once, from unreserved callers */
	unsigned	prebind_per_source;	/* at once, from one address */
	uint64_t	bind_timeout_ms;	/* connect to bind accepted */
	uint64_t	strong_window_ms;	/* a bind token's time, either
						 * way of our clock */
	uint64_t	refusal_log_ms;	/* one summary event per interval */
	uint64_t	history_ms;	/* the journal and the identifiers of
					 * removed messages are kept so long */
	struct rl_params backoff;	/* failed binds */
	/* listen */
	struct cfg_listen *listen;
	size_t		nlisten;
	struct cfg_sels	sel;		/* our selectors */
	char		*listen_tls_cert, *listen_tls_key;	/* NULL:
							 * global's */
	char		*listen_tls_ca;	/* callers' chains; NULL: any */
	/* links */
	struct cfg_link	*links;
	size_t		nlinks;
	/* routing */
	char		*local_dir;
	struct cfg_route *local;
	size_t		nlocal;
	struct cfg_route *routes;
	size_t		nroutes;
	/* warnings worth a log line (EV_CONFIG_WARNING) */
	char		**warn;
	size_t		nwarn;
	/* set by cfg_load_kept(): the secrets file could not be read (no
	 * permission), the secrets kept from the start were used */
	int		secrets_kept;
};

/* cfg_load - read and check a file; 0, or -1 with err (one line per
 *	problem) */
int	cfg_load(const char *path, int flags, struct cfg *cfg, char *err,
		 size_t errlen);
/* cfg_load_kept - cfg_load() for a daemon that gives up root: *kept
 *	holds the secrets file as last read (NULL before). When the file
 *	is read, *kept becomes what was read (the old one freed); when it
 *	cannot be opened for lack of permission (EACCES, EPERM: x400d
 *	reloading after the drop to global.user) and *kept is set, *kept
 *	is used instead and cfg->secrets_kept set. The caller frees *kept
 *	with auth_secrets_free(). */
int	cfg_load_kept(const char *path, int flags, struct auth_secrets **kept,
		      struct cfg *cfg, char *err, size_t errlen);
/* cfg_load_string - the same for text in memory; name stands for the
 *	file in messages, basedir (NULL: ".") for relative paths */
int	cfg_load_string(const char *text, const char *name,
			const char *basedir, int flags, struct cfg *cfg,
			char *err, size_t errlen);
void	cfg_free(struct cfg *cfg);

/* cfg_link_find - the link of that name (case-insensitive), or NULL */
const struct cfg_link *cfg_link_find(const struct cfg *cfg,
				     const char *name);
/* cfg_links_for_peer - the links that receive from an MTA of that name
 *	(case-insensitive), at most max in out; returns how many there are.
 *	More than one differ by the selectors they must be called at. */
size_t	cfg_links_for_peer(const struct cfg *cfg, const char *mta,
			   const struct cfg_link **out, size_t max);
/* cfg_link_inbound - the link a caller binds as: it claims MTA name
 *	mta and called our selectors sel. NULL and *why = CFG_NO_LINK when
 *	no receiving link has that peer_mta (EV_BIND_UNKNOWN_MTA); the
 *	first link of that peer and *why = CFG_WRONG_SELECTORS when none
 *	of them is called at those selectors (EV_BIND_BAD_SELECTOR: its
 *	our_sel is what was expected); the link and CFG_MATCHED otherwise.
 *	The password and the address are the caller's next checks. */
enum cfg_match { CFG_MATCHED, CFG_NO_LINK, CFG_WRONG_SELECTORS };
const struct cfg_link *cfg_link_inbound(const struct cfg *cfg,
					const char *mta,
					const struct cfg_sels *sel,
					enum cfg_match *why);
/* cfg_link_source - the source address of the link for a family
 *	(AF_INET, AF_INET6), or NULL */
const char *cfg_link_source(const struct cfg_link *l, int family);
/* cfg_sels_equal - the same three selectors */
int	cfg_sels_equal(const struct cfg_sels *a, const struct cfg_sels *b);

/* cfg_sel_parse - "" / "0x..." / text, at most max octets; 0 or -1 */
int	cfg_sel_parse(const char *s, size_t max, struct cfg_sel *out,
		      char *err, size_t errlen);
/* cfg_sel_format - the form cfg_sel_parse reads back; returns buf
 *	(2 * CFG_SEL_MAX + 3 octets are always enough) */
char	*cfg_sel_format(const struct cfg_sel *s, char *buf, size_t len);
/* cfg_hostport_parse - "a.b.c.d", "a.b.c.d:port", "[v6]", "[v6]:port"
 *	(numeric only); *addr malloc()ed; 0 or -1 */
int	cfg_hostport_parse(const char *s, unsigned defport, char **addr,
			   unsigned *port, char *err, size_t errlen);

/* cfg_dump - the configuration in effect, defaults filled in, host
 *	names with what they resolved to, passwords hidden */
void	cfg_dump(const struct cfg *cfg, FILE *fp);
/* cfg_dump_nondefault - the same sections, with only the keys whose
 *	values differ from the defaults (a link's: those it takes from
 *	global) and the keys that have none (mta_name, domain, queue_dir,
 *	listen.addresses, a link's name, peer_mta, peer_password and,
 *	if it sends, addresses, routing.routes) */
void	cfg_dump_nondefault(const struct cfg *cfg, FILE *fp);

/* cfg_each_key - call fn for every key the file may hold, with its
 *	group ("global", "global.limits", "links", "links.addresses",
 *	...); the test that keeps docs/config.md complete uses it */
typedef void cfg_key_fn(const char *group, const char *key, void *arg);
void	cfg_each_key(cfg_key_fn *fn, void *arg);

enum cfg_change { CFG_SAME, CFG_ADDED, CFG_REMOVED, CFG_CHANGED };

struct cfg_link_diff {
	const char	*name;
	enum cfg_change	change;
	const struct cfg_link *old, *new;	/* NULL when absent */
	char		*keys;		/* CHANGED: "idle_timeout, allow" */
};

struct cfg_diff {
	struct cfg_link_diff *link;	/* every link of both */
	size_t		nlink;
	int		routing;	/* routing.* changed */
	char		*global;	/* keys applied at once, or NULL */
	char		*restart;	/* keys needing a restart, or NULL */
};

/* cfg_diff - what changed from old to new; 1 if anything did, else 0 */
int	cfg_diff(const struct cfg *old, const struct cfg *new,
		 struct cfg_diff *d);
void	cfg_diff_free(struct cfg_diff *d);

#endif
