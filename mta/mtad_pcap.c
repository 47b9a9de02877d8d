/*
 * mtad_pcap.c - x400d: the capture files of links with pcap = true
 *
 * See mtad.h. Outbound, the link is known before the connection is made,
 * and conn.c captures from the connect. Inbound, the link is known only
 * from the MTA-bind, when the CR, the CC and the bind itself have been
 * exchanged; so every inbound connection is captured into memory from
 * its accept (conn_pcap_hold(), at most MTAD_PCAP_HOLD octets, and only
 * while some receiving link has pcap = true), and once the bind names
 * its link (accepted or refused) that capture goes to a file when the
 * bind is over, if the link wants one, or is dropped. A file is thus
 * written only for a link that asked, and is whole: handshake, CR, CC,
 * bind, bind result, every transfer, release. The passwords of both
 * binds are blanked in it first (assoc.h, "Captures"), unless the link
 * says pcap_secrets = true; outbound captures are held until the bind
 * is over for the same reason.
 *
 * Names (docs/operators-guide.md, "Captures"):
 *	PCAPDIR/LINK-MS.pcap	 an association we made on link LINK
 *	PCAPDIR/LINK-in-MS.pcap  one a peer made, that bound as LINK
 * MS is the time the capture was named, in milliseconds since 1970,
 * made one more than the previous name's when two fall in the same
 * millisecond, so that two associations never share a file.
 */
#include <stdio.h>

#include "mtad.h"

/* what an inbound connection may bring before its bind is judged: the CR
 * and the connect SPDU with the bind, with our CC (a bind with a
 * certificate path fits, a caller sending more is not captured) */
#define MTAD_PCAP_HOLD	(64u << 10)

const char *mtad_pcap_path(struct mtad *m, const char *link, int inbound,
			   char *buf, size_t n)
{
	int64_t ms = mtad_now_ms();

	if (m->cfg->pcap_dir == NULL || n == 0)
		return NULL;
	if (ms <= m->pcap_last_ms)
		ms = m->pcap_last_ms + 1;
	m->pcap_last_ms = ms;
	snprintf(buf, n, "%s/%s%s-%lld.pcap", m->cfg->pcap_dir, link,
		 inbound ? "-in" : "", (long long)ms);
	return buf;
}

/* in_wanted - does some receiving link capture? */
static int in_wanted(const struct cfg *cfg)
{
	size_t i;

	if (cfg->pcap_dir == NULL)
		return 0;
	for (i = 0; i < cfg->nlinks; i++)
		if (cfg->links[i].pcap && (cfg->links[i].dir & CFG_IN))
			return 1;
	return 0;
}

int mtad_pcap_in_hold(struct mtad *m, struct conn *c)
{
	return in_wanted(m->cfg) && conn_pcap_hold(c, MTAD_PCAP_HOLD) == 0;
}

void mtad_pcap_in(struct mtad *m, struct assoc *a, const struct cfg_link *l)
{
	char path[600];

	if (l && l->pcap && (l->dir & CFG_IN) &&
	    mtad_pcap_path(m, l->name, 1, path, sizeof(path)))
		assoc_pcap_to(a, path, l->pcap_secrets);
	else
		assoc_pcap_to(a, NULL, 0);
}
