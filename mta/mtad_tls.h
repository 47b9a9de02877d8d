/*
 * mtad_tls.h - x400d's TLS contexts and link identity checks
 *	(mtad_tls.c; issue 18)
 *
 * OWNERSHIP
 *	The contexts are m's (m->tls_server, m->tls_client), made by
 *	mtad_tls_start() and freed by mtad_tls_stop(). A link's CA store
 *	is its configuration's (its struct tlsid, freed by cfg_free()).
 *	Everything else is borrowed.
 */
#ifndef X400_MTAD_TLS_H
#define X400_MTAD_TLS_H

#include <stddef.h>

#include "assoc.h"
#include "cfg.h"
#include "conn.h"

struct mtad;

/* mtad_tls_start - the links' CA files (mtad_tls_cas()) and the
 *	contexts; 0, or -1 with err (event 2048) */
int	mtad_tls_start(struct mtad *m, char *err, size_t errlen);
/* mtad_tls_files_ok - x400d -t: every certificate, key and CA file
 *	loads (as the starting user); 0, or -1 with the first problem */
int	mtad_tls_files_ok(const struct cfg *c, char *err, size_t errlen);
/* mtad_tls_listener - a listener of listen.tls_addresses (tls 1) takes
 *	the server context (server, or NULL: m's) */
void	mtad_tls_listener(struct mtad *m, struct conn_listener *l, int tls,
			  struct conn_tls_ctx *server);
void	mtad_tls_stop(struct mtad *m);
/* mtad_tls_reload - SIGHUP: the contexts made again from cfg's files (a
 *	renewed certificate), for the listeners that have TLS and for the
 *	links from now on; the old ones stay with the connections made
 *	with them. 0, or -1 with err (event 2048): the old ones stay in
 *	use. */
int	mtad_tls_reload(struct mtad *m, const struct cfg *cfg, char *err,
			size_t errlen);
/* mtad_tls_cas - every link of cfg has its tls_ca read into memory
 *	(tlsid_load_ca()). At start (old NULL): 0, or -1 with err (2048)
 *	for a file that cannot be read. On SIGHUP (old: the running
 *	configuration): 0; a file that cannot be read keeps the link's
 *	store of old, if it had one, and 2048 says so. */
int	mtad_tls_cas(struct mtad *m, struct cfg *cfg, const struct cfg *old,
		     char *err, size_t errlen);
/* mtad_tls_assoc - an outbound association of link l: TLS, and who the
 *	server must be (checked by conn.c before the COTP CR) */
void	mtad_tls_assoc(struct mtad *m, const struct cfg_link *l,
		       struct assoc_cfg *ac);
/* mtad_tls_refusal - inbound, once the bind names link l: 0 if c may
 *	bind as l's peer, else the event (2046 tls-required, 2044 pin,
 *	2045 name, 2041-2043 chain) and why, with the fix */
unsigned mtad_tls_refusal(const struct cfg_link *l, const struct conn *c,
			  char *why, size_t len);

#endif
