/*
 * mtad_strong.c - x400d: strong credentials on a link (issue 18)
 *
 * See mtad_strong.h; the token itself is p1_strong.c's. The time comes
 * from time(2), the window from global.limits.strong_window. Our key is
 * read at start, before root is given up, and again on SIGHUP as the
 * TLS contexts are (mtad_tls.c): files that cannot be used then keep
 * the key read before (event 2048).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "mtad.h"
#include "mtad_strong.h"

#define STRONG_CACHE_SLOTS	4096	/* tokens remembered at once */

/* no_key - -1 with err if a link of cfg is strong (it needs a key),
 *	else 0; e says why there is none */
static int no_key(const struct cfg *cfg, const char *e, char *err,
		  size_t errlen)
{
	for (size_t i = 0; i < cfg->nlinks; i++)
		if (cfg->links[i].strong) {
			snprintf(err, errlen, "link %s has credentials = "
				 "\"strong\", but global.tls_cert and tls_key "
				 "cannot sign bind tokens: %s",
				 cfg->links[i].name, e);
			return -1;
		}
	return 0;
}

int mtad_strong_start(struct mtad *m, char *err, size_t errlen)
{
	const struct cfg *cfg = m->cfg;
	char e[400];

	m->strong_cache = p1_strong_cache_new(STRONG_CACHE_SLOTS);
	if (cfg->tls_cert == NULL)
		return 0;	/* cfg_link.c refuses a strong link then */
	m->strong_key = p1_strong_key_load(cfg->tls_cert, cfg->tls_key, e,
					   sizeof(e));
	return m->strong_key ? 0 : no_key(cfg, e, err, errlen);
}

int mtad_strong_reload(struct mtad *m, const struct cfg *cfg, char *err,
		       size_t errlen)
{
	struct p1_strong_key *k = NULL;
	char e[400];

	if (cfg->tls_cert && (k = p1_strong_key_load(cfg->tls_cert,
	    cfg->tls_key, e, sizeof(e))) == NULL) {
		if (m->strong_key == NULL)	/* as at start */
			return no_key(cfg, e, err, errlen);
		mtad_log(m, LOG_WARNING, EV_TLS_CONFIG, NULL, NULL, "p1",
			 "the key for strong credentials was not read again "
			 "(%s): the one read before signs our bind tokens", e);
		return 0;
	}
	p1_strong_key_free(m->strong_key);	/* associations hold theirs */
	m->strong_key = k;
	return 0;
}

void mtad_strong_stop(struct mtad *m)
{
	p1_strong_key_free(m->strong_key);
	p1_strong_cache_free(m->strong_cache);
	m->strong_key = NULL;
	m->strong_cache = NULL;
}

void mtad_strong_ours(struct mtad *m, const struct cfg_link *l,
		      int peer_strong, const char *token_for,
		      struct assoc_bind *ours)
{
	if (!(l->strong || peer_strong) || m->strong_key == NULL)
		return;
	ours->strong = 1;
	ours->key = m->strong_key;
	snprintf(ours->token_for, sizeof(ours->token_for), "%s", token_for);
	ours->password_len = 0;
}

/* verify - the peer's token, for us (our name on l), against l's
 *	identity */
static unsigned verify(struct mtad *m, const struct cfg_link *l,
		       const struct assoc_bind *peer, char *why, size_t len)
{
	struct p1_strong_check c = {
		.id = &l->tls_id,
		.our_name = l->our_mta && *l->our_mta ? l->our_mta :
		    m->cfg->mta_name,
		.now = (int64_t)time(NULL),
		.window = (unsigned)(m->cfg->strong_window_ms / 1000),
		.cache = m->strong_cache
	};
	char what[800];
	unsigned ev;

	if (peer->tok == NULL) {	/* cannot be: strong means a token */
		snprintf(why, len, "strong credentials expected, none kept");
		return EV_STRONG_INCOMPLETE;
	}
	if (p1_strong_verify(peer->tok, &c, &ev, what, sizeof(what)) ==
	    P1S_OK)
		return 0;
	if (ev == EV_TLS_PIN_MISMATCH || ev == EV_TLS_NAME_MISMATCH ||
	    ev == EV_TLS_UNKNOWN_CA || ev == EV_TLS_CERT_EXPIRED ||
	    ev == EV_TLS_CERT_NOT_YET_VALID)
		snprintf(why, len, "strong credentials refused: %s; set "
			 "tls_pin (or tls_ca and tls_name) on link %s to the "
			 "peer's certificate", what, l->name);
	else
		snprintf(why, len, "strong credentials refused: %s (link %s)",
			 what, l->name);
	return ev;
}

unsigned mtad_strong_refusal(struct mtad *m, const struct cfg_link *l,
			     const struct assoc_bind *peer, char *why,
			     size_t len)
{
	if (l->strong && !peer->strong) {
		snprintf(why, len, "link %s has credentials = \"strong\", but "
			 "the caller sent a password; the caller's link for "
			 "us must have credentials = \"strong\" (or set "
			 "credentials = \"simple\" and peer_password on link "
			 "%s)", l->name, l->name);
		return EV_BIND_CREDENTIALS_KIND;
	}
	if (!peer->strong)
		return 0;
	if (!tlsid_active(&l->tls_id)) {
		snprintf(why, len, "the caller sent strong credentials, but "
			 "link %s has no tls_pin or tls_ca to verify them; set "
			 "credentials = \"strong\" and tls_pin (or tls_ca and "
			 "tls_name) on link %s", l->name, l->name);
		return EV_BIND_CREDENTIALS_KIND;
	}
	return verify(m, l, peer, why, len);
}

unsigned mtad_strong_result(struct mtad *m, const struct cfg_link *l,
			    const struct assoc_bind *peer, char *why,
			    size_t len)
{
	if (!l->strong)
		return 0;
	if (!peer->strong) {
		snprintf(why, len, "link %s has credentials = \"strong\", but "
			 "MTA \"%s\" answered our bind with a password: "
			 "aborted; its link for us must have credentials = "
			 "\"strong\"", l->name, peer->name);
		return EV_BIND_CREDENTIALS_KIND;
	}
	return verify(m, l, peer, why, len);
}
