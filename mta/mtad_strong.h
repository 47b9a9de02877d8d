/*
 * mtad_strong.h - x400d's strong credentials in the MTA-bind (issue 18;
 *	mtad_strong.c over p1_strong.h)
 *
 * DESCRIPTION
 *	A link with credentials = "strong" binds with a bind token signed
 *	with global.tls_key and global.tls_cert instead of a password, and
 *	knows its peer by the certificate in the peer's token: the link's
 *	tls_pin, or tls_ca and tls_name (lib/tlsid.h), as for TLS.
 *	Inbound, a caller that sends a password to a strong link is
 *	refused (3015), and so is a caller that sends strong credentials
 *	to a link that has no tls_pin or tls_ca to judge them by; a
 *	verified strong bind is taken on a simple link that has one (the
 *	certificate stands for the password). The responder answers in
 *	kind. Outbound, a strong link wants a strong result.
 *
 * OWNERSHIP
 *	m->strong_key (our key, NULL when global.tls_cert is not set or
 *	cannot sign) and m->strong_cache (the replay cache) are m's, made
 *	by mtad_strong_start(), replaced by mtad_strong_reload() and freed
 *	by mtad_strong_stop(); the
 *	associations hold references of their own to the key (assoc.h).
 */
#ifndef X400_MTAD_STRONG_H
#define X400_MTAD_STRONG_H

#include <stddef.h>

#include "cfg.h"
#include "p1_bind.h"

struct mtad;

/* mtad_strong_start - our key (when global.tls_cert is set) and the
 *	replay cache; 0, or -1 with err when a strong link has no key */
int	mtad_strong_start(struct mtad *m, char *err, size_t errlen);
void	mtad_strong_stop(struct mtad *m);
/* mtad_strong_reload - SIGHUP: our key read again from cfg's
 *	global.tls_cert and tls_key (a renewed one signs the binds from
 *	now on; none when cfg has no tls_cert). Files that cannot be used
 *	(the run user may not read them, a bad key) keep the key read
 *	before, and 2048 names the file and why: 0. -1 with err only when
 *	there is no key at all and a link of cfg is strong (the reload is
 *	refused, as the start would be). */
int	mtad_strong_reload(struct mtad *m, const struct cfg *cfg, char *err,
			   size_t errlen);
/* mtad_strong_ours - our bind value for link l, a token for MTA
 *	token_for when l is strong (or peer_strong: answering in kind) */
void	mtad_strong_ours(struct mtad *m, const struct cfg_link *l,
			 int peer_strong, const char *token_for,
			 struct assoc_bind *ours);
/* mtad_strong_refusal - inbound, the caller's bind for link l: 0, or
 *	the event and why (with the fix) it is refused */
unsigned mtad_strong_refusal(struct mtad *m, const struct cfg_link *l,
			     const struct assoc_bind *peer, char *why,
			     size_t len);
/* mtad_strong_result - outbound, the responder's result on link l: 0,
 *	or the event and why the association must be aborted */
unsigned mtad_strong_result(struct mtad *m, const struct cfg_link *l,
			    const struct assoc_bind *peer, char *why,
			    size_t len);

#endif
