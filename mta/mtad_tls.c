/*
 * mtad_tls.c - x400d's TLS (issue 18): the contexts, and the identity
 *	checks of a link's peer
 *
 * Contexts: at start, a server context for listen.tls_addresses (our
 * certificate: listen.tls_cert/tls_key, else global.tls_cert/tls_key;
 * the callers' chains must verify against listen.tls_ca if it is set)
 * and a client context for links with tls (global.tls_cert/tls_key,
 * so that the peer can pin us). A file that cannot be used stops the
 * start (event 2048).
 *
 * A link's tls_ca is read into memory (its tlsid's store) at start,
 * before root is given up, and again on SIGHUP: the checks never open
 * the file, which may be one only root can read. A file that cannot be
 * read stops the start; on SIGHUP the store read before stays (2048).
 *
 * Inbound, which link a caller is for is known once its bind names it:
 * mtad_tls_refusal() (from mtad_in.c's credentials()). Before that,
 * right after the handshake, caller_known() closes the connection of a
 * certificate that no link receiving could take (event 2049), so that
 * nothing of an unknown caller's is read; a receiving link with no
 * tls_pin or tls_ca (a password link, as a user agent's) takes any
 * certificate, and then only the bind decides. Outbound,
 * conn.c checks the server before connected() with the link's tlsid
 * (mtad_tls_assoc(), from mtad_out_assoc_cfg()).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "conn.h"
#include "events.h"
#include "mtad.h"
#include "mtad_tls.h"
#include "p1_strong.h"
#include "tlsid.h"

/* ctx - one context, or -1 with err set, and at start (!reload) the
 *	event logged: on SIGHUP the caller's 2048 says the old one stays */
static int ctx(int server, const char *cert, const char *key,
	       const char *ca, struct conn_tls_ctx **out, int reload,
	       char *err, size_t errlen)
{
	struct log_who w = { .layer = "tls" };
	char e[400];

	if (conn_tls_ctx_new(server, cert, key, ca, out, e, sizeof(e)) == 0)
		return 0;
	if (!reload)
		log_ev(LOG_ERR, EV_TLS_CONFIG, &w, "TLS %s context: %s",
		       server ? "server (listen.tls_*)" :
		       "client (global.tls_*)", e);
	snprintf(err, errlen, "TLS: %s", e);
	return -1;
}

/* contexts - the server context (if some listen address has TLS) and
 *	the client one from cfg's files; 0, or -1 (none made) */
static int contexts(const struct cfg *cfg, int any,
		    struct conn_tls_ctx **server, struct conn_tls_ctx **client,
		    int reload, char *err, size_t errlen)
{
	*server = *client = NULL;
	if (any && ctx(1, cfg->listen_tls_cert ? cfg->listen_tls_cert :
		       cfg->tls_cert, cfg->listen_tls_cert ?
		       cfg->listen_tls_key : cfg->tls_key,
		       cfg->listen_tls_ca, server, reload, err, errlen) < 0)
		return -1;
	if (ctx(0, cfg->tls_cert, cfg->tls_key, NULL, client, reload, err,
		errlen) < 0) {
		conn_tls_ctx_free(*server);
		*server = NULL;
		return -1;
	}
	return 0;
}

/* link_ca - link l's tls_ca read into memory; at start (old NULL) -1
 *	with err if it cannot be, else (SIGHUP) 0, with old's store for l
 *	kept if there is one, and 2048 either way */
static int link_ca(struct mtad *m, struct cfg_link *l, const struct cfg *old,
		   char *err, size_t errlen)
{
	const struct cfg_link *was = old ? cfg_link_find(old, l->name) : NULL;
	char e[400];

	if (tlsid_load_ca(&l->tls_id, e, sizeof(e)) == 0)
		return 0;
	if (old == NULL) {
		mtad_log(m, LOG_ERR, EV_TLS_CONFIG, NULL, l->name, "tls",
			 "link %s: tls_ca %s", l->name, e);
		snprintf(err, errlen, "TLS: link %s: tls_ca %s", l->name, e);
		return -1;
	}
	if (was && was->tls_id.store) {
		tlsid_keep_ca(&l->tls_id, &was->tls_id);
		mtad_log(m, LOG_WARNING, EV_TLS_CONFIG, NULL, l->name, "tls",
			 "link %s: the tls_ca was not read again (%s): the CA "
			 "certificates read before stay in use", l->name, e);
	} else
		mtad_log(m, LOG_WARNING, EV_TLS_CONFIG, NULL, l->name, "tls",
			 "link %s: the tls_ca cannot be read (%s): its peer's "
			 "certificate cannot be verified until it can",
			 l->name, e);
	return 0;
}

int mtad_tls_cas(struct mtad *m, struct cfg *cfg, const struct cfg *old,
		 char *err, size_t errlen)
{
	for (size_t i = 0; i < cfg->nlinks; i++)
		if (link_ca(m, &cfg->links[i], old, err, errlen) != 0)
			return -1;
	return 0;
}

int mtad_tls_start(struct mtad *m, char *err, size_t errlen)
{
	const struct cfg *cfg = m->cfg;
	int any = 0;

	for (size_t i = 0; i < cfg->nlisten; i++)
		any |= cfg->listen[i].tls;
	if (mtad_tls_cas(m, m->cfg, NULL, err, errlen) != 0)
		return -1;
	return contexts(cfg, any, &m->tls_server, &m->tls_client, 0, err,
			errlen);
}

int mtad_tls_reload(struct mtad *m, const struct cfg *cfg, char *err,
		    size_t errlen)
{
	struct conn_tls_ctx *server, *client;
	int any = 0;

	/* the listeners are the start's (new addresses need a restart) */
	for (size_t i = 0; i < m->nlisteners; i++)
		any |= m->cfg->listen[i].tls;
	if (contexts(cfg, any, &server, &client, 1, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < m->nlisteners; i++)
		mtad_tls_listener(m, m->listeners[i], m->cfg->listen[i].tls ?
				  1 : 0, server);
	mtad_tls_stop(m);
	m->tls_server = server;
	m->tls_client = client;
	return 0;
}

int mtad_tls_files_ok(const struct cfg *c, char *err, size_t errlen)
{
	struct conn_tls_ctx *t = NULL;
	int any = 0;

	for (size_t i = 0; i < c->nlisten; i++)
		any |= c->listen[i].tls;
	if (any && conn_tls_ctx_new(1, c->listen_tls_cert ?
	    c->listen_tls_cert : c->tls_cert, c->listen_tls_cert ?
	    c->listen_tls_key : c->tls_key, c->listen_tls_ca, &t, err,
	    errlen) < 0)
		return -1;
	conn_tls_ctx_free(t);
	t = NULL;
	if (conn_tls_ctx_new(0, c->tls_cert, c->tls_key, NULL, &t, err,
			     errlen) < 0)
		return -1;
	conn_tls_ctx_free(t);
	for (size_t i = 0; i < c->nlinks; i++) {
		const struct cfg_link *l = &c->links[i];
		struct tlsid id = TLSID_INIT;
		char e[400];
		int rc;

		if (l->tls_id.ca == NULL)
			continue;
		id.ca = l->tls_id.ca;		/* borrowed: not freed below */
		rc = tlsid_load_ca(&id, e, sizeof(e));	/* as start-up reads it */
		X509_STORE_free(id.store);
		if (rc != 0) {
			snprintf(err, errlen, "link %s: tls_ca %s", l->name, e);
			return -1;
		}
	}
	for (size_t i = 0; i < c->nlinks; i++) {
		struct p1_strong_key *k;

		if (!c->links[i].strong || c->tls_cert == NULL)
			continue;
		/* credentials = "strong": the key must sign bind tokens */
		if ((k = p1_strong_key_load(c->tls_cert, c->tls_key, err,
					    errlen)) == NULL)
			return -1;
		p1_strong_key_free(k);
		break;
	}
	return 0;
}

/* caller_known - conn.c's check of an accepted TLS connection, before
 *	a byte of the caller's is read: 0 if some link that receives could
 *	take its certificate, else 1 (event 2049) */
static int caller_known(const struct conn *c, void *arg)
{
	const struct mtad *m = arg;
	const struct cfg *cfg = m->cfg;
	const X509 *cert = conn_tls_peer_cert(c);
	struct log_who w = { .peer = conn_peer(c), .layer = "tls" };
	unsigned char pin[TLSID_PIN_LEN];
	char why[600], ps[TLSID_STRLEN] = "none", subj[256] = "none";
	size_t n = 0;

	for (size_t i = 0; i < cfg->nlinks; i++) {
		const struct cfg_link *l = &cfg->links[i];

		if (!(l->dir & CFG_IN))
			continue;
		if (!tlsid_active(&l->tls_id) ||
		    tlsid_check(&l->tls_id, cert, conn_tls_peer_chain(c), why,
				sizeof(why)) == 0)
			return 0;
		n++;
	}
	if (cert && tlsid_pin_of(cert, TLSID_SPKI, pin) == 0)
		tlsid_pin_str(TLSID_SPKI, pin, ps);
	if (cert)
		X509_NAME_oneline(X509_get_subject_name(cert), subj,
				  sizeof(subj));
	log_ev(LOG_WARNING, EV_TLS_UNKNOWN_CALLER, &w, "caller %s presented "
	       "%s%s (%s): none of the %zu links that receive has it in its "
	       "tls_pin or tls_ca; closed before its bind. If it is a peer, "
	       "set tls_pin = \"%s\" on its link", conn_peer(c),
	       cert ? "the certificate " : "no certificate", cert ? subj : "",
	       ps, n, ps);
	return 1;
}

void mtad_tls_listener(struct mtad *m, struct conn_listener *l, int tls,
		       struct conn_tls_ctx *server)
{
	if (!tls)
		return;
	conn_listener_tls(l, server ? server : m->tls_server);
	conn_listener_tls_check(l, caller_known, m);
}

void mtad_tls_stop(struct mtad *m)
{
	conn_tls_ctx_free(m->tls_server);
	conn_tls_ctx_free(m->tls_client);
	m->tls_server = m->tls_client = NULL;
}

void mtad_tls_assoc(struct mtad *m, const struct cfg_link *l,
		    struct assoc_cfg *ac)
{
	if (l->tls == CFG_TLS_OFF)
		return;
	ac->tls = m->tls_client;
	ac->tls_id = &l->tls_id;
}

unsigned mtad_tls_refusal(const struct cfg_link *l, const struct conn *c,
			  char *why, size_t len)
{
	unsigned ev;
	char what[600];

	if (!conn_is_tls(c)) {
		if (l->tls != CFG_TLS_REQUIRED)
			return 0;
		snprintf(why, len, "link %s has tls = \"required\", but the "
			 "caller came over plain TCP; the caller must call "
			 "one of our listen.tls_addresses with TLS, or set "
			 "tls = \"optional\" on link %s", l->name, l->name);
		return EV_TLS_REQUIRED;
	}
	if (!tlsid_active(&l->tls_id))
		return 0;
	ev = tlsid_check(&l->tls_id, conn_tls_peer_cert(c),
			 conn_tls_peer_chain(c), what, sizeof(what));
	if (ev)
		snprintf(why, len, "%s; set tls_pin (or tls_ca and tls_name) "
			 "on link %s to the caller's certificate", what,
			 l->name);
	return ev;
}
