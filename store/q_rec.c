/*
 * q_rec.c - keys and records of the store, encoded and decoded
 *
 * SYNOPSIS
 *	#include "q_int.h"
 *
 *	q_rec_msg_enc(&buf, &m);   q_rec_msg_dec(p, n, &m);
 *	q_rec_rcpt_enc(&buf, &r);  q_rec_rcpt_dec(p, n, &r);
 *	q_rec_jrnl_enc(&buf, &e);  q_rec_jrnl_dec(p, n, &e);
 *	q_key_queue(k, link, rank, due, id, idx);  q_key_dup(...);
 *
 * DESCRIPTION
 *	A record is a fixed big-endian header whose first octet is the
 *	record version, then TLVs: one octet tag, two octets length, the
 *	value. Strings are stored with their terminating NUL, so a decoded
 *	record points into the stored bytes without copying. A decoder
 *	skips tags it does not know (a later version may add some) and
 *	refuses everything else that is wrong: a short header, an unknown
 *	version, a value out of range, a TLV past the end, a string
 *	without its NUL or with one inside, a tag twice, a required field
 *	missing. Records come back from disk, so the decoders are fuzzed
 *	(tests/fuzz/target_store.c). docs/store.md has the layouts.
 *
 * DIAGNOSTICS
 *	Decoders return 0, Q_E_CORRUPT, or Q_E_VERSION for a record version
 *	newer than this code.
 */
#include <stdint.h>
#include <string.h>

#include "q_int.h"
#include "xalloc.h"

#define MSG_HDR		56
#define RCPT_HDR	40
#define JRNL_HDR	24

enum { T_MTSID = 1, T_ORIG, T_CTYPE, T_SRCLINK, T_SRCPEER };
enum { T_ADDR = 1, T_LINK, T_DIAG };
enum { T_JLINK = 1, T_JPEER, T_JTEXT, T_JUSER };

/* q_be32 - store v big-endian */
void q_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* q_be64 - store v big-endian */
void q_be64(unsigned char *p, uint64_t v)
{
	q_be32(p, (uint32_t)(v >> 32));
	q_be32(p + 4, (uint32_t)v);
}

/* q_get32 - load a big-endian 32-bit value */
uint32_t q_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* q_get64 - load a big-endian 64-bit value */
uint64_t q_get64(const unsigned char *p)
{
	return (uint64_t)q_get32(p) << 32 | q_get32(p + 4);
}

/* q_rank - queue order of a priority: urgent 0, normal 1, non-urgent 2 */
int q_rank(enum q_prio p)
{
	switch (p) {
	case Q_PRIO_URGENT: return 0;
	case Q_PRIO_NORMAL: return 1;
	case Q_PRIO_NONURGENT: return 2;
	}
	panic("q_rank: priority %d", (int)p);
}

/* q_rank_prio - the priority of a queue rank */
enum q_prio q_rank_prio(int rank)
{
	return rank == 0 ? Q_PRIO_URGENT : rank == 1 ? Q_PRIO_NORMAL :
	       Q_PRIO_NONURGENT;
}

/* q_str_ok - a string field: present, at most max octets */
int q_str_ok(const char *s, size_t max)
{
	return s != NULL && strlen(s) <= max;
}

/* q_link_ok - a link name: 1..Q_MAX_LINK printable octets, no space,
 *	not starting with '@' (reserved for the store's own queues) */
int q_link_ok(const char *link)
{
	size_t n;

	if (link == NULL || (n = strlen(link)) == 0 || n > Q_MAX_LINK ||
	    link[0] == '@')
		return 0;
	for (const unsigned char *p = (const unsigned char *)link; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return 0;
	return 1;
}

/* q_key_queue - "link\0" rank due id idx; returns the length. The
 *	caller checked link (at most Q_MAX_LINK octets). */
size_t q_key_queue(unsigned char *k, const char *link, int rank,
		   int64_t due, uint64_t id, uint32_t idx)
{
	size_t n = strlen(link);

	memcpy(k, link, n + 1);
	k[n + 1] = (unsigned char)rank;
	q_be64(k + n + 2, due < 0 ? 0 : (uint64_t)due);
	q_be64(k + n + 10, id);
	q_be32(k + n + 18, idx);
	return n + 1 + Q_KEY_QUEUE_TAIL;
}

/* q_key_dup - "K" src_link "\0" mtsid; Q_E_INVAL past LMDB's key limit */
int q_key_dup(unsigned char *k, size_t *kl, const char *link,
	      const char *mtsid)
{
	size_t a = strlen(link), b = strlen(mtsid);

	if (2 + a + b > Q_KEY_MAX)
		return Q_E_INVAL;
	k[0] = 'K';
	memcpy(k + 1, link, a + 1);
	memcpy(k + a + 2, mtsid, b);
	*kl = 2 + a + b;
	return 0;
}

/* q_key_count - "L" link "\0" state */
size_t q_key_count(unsigned char *k, const char *link, enum q_state st)
{
	size_t n = strlen(link);

	k[0] = 'L';
	memcpy(k + 1, link, n + 1);
	k[n + 2] = (unsigned char)st;
	return n + 3;
}

/* put_str - one string TLV with its NUL (nothing for NULL) */
static void put_str(struct buf *b, unsigned tag, const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s) + 1;
	if (n > 0xffff)
		panic("q_rec: string of %zu octets", n);
	buf_add_u8(b, tag);
	buf_add_u16be(b, (unsigned)n);
	buf_add(b, s, n);
}

/* put_time - a time as 64 bits (negative never stored) */
static void put_time(unsigned char *p, int64_t t)
{
	q_be64(p, t < 0 ? 0 : (uint64_t)t);
}

/* get_time - a stored time; Q_E_CORRUPT past INT64_MAX */
static int get_time(const unsigned char *p, int64_t *t)
{
	uint64_t v = q_get64(p);

	if (v > INT64_MAX)
		return Q_E_CORRUPT;
	*t = (int64_t)v;
	return 0;
}

/* walk_tlv - decode TLVs into strs[tag-1] (tags 1..n); unknown skipped */
static int walk_tlv(const unsigned char *p, size_t len, const char **strs,
		    unsigned n)
{
	size_t off = 0;

	while (off < len) {
		unsigned tag, vl;
		const unsigned char *v;

		if (len - off < 3)
			return Q_E_CORRUPT;
		tag = p[off];
		vl = (unsigned)p[off + 1] << 8 | p[off + 2];
		off += 3;
		if (vl > len - off)
			return Q_E_CORRUPT;
		v = p + off;
		off += vl;
		if (tag == 0 || tag > n)
			continue;
		if (strs[tag - 1] != NULL || vl == 0 || v[vl - 1] != '\0' ||
		    memchr(v, '\0', vl - 1) != NULL)
			return Q_E_CORRUPT;
		strs[tag - 1] = (const char *)v;
	}
	return 0;
}

/* q_rec_msg_enc - a message record (docs/store.md, "msg") */
void q_rec_msg_enc(struct buf *b, const struct q_msg *m)
{
	unsigned char h[MSG_HDR];

	memset(h, 0, sizeof(h));
	h[0] = Q_REC_MSG_V1;
	h[1] = (unsigned char)m->kind;
	h[2] = (unsigned char)m->prio;
	h[3] = (unsigned char)m->flags;
	q_be32(h + 4, m->nrcpt);
	q_be64(h + 8, m->id);
	q_be64(h + 16, m->size);
	put_time(h + 24, m->arrival);
	put_time(h + 32, m->deferred);
	put_time(h + 40, m->latest);
	put_time(h + 48, m->expiry);
	buf_add(b, h, sizeof(h));
	put_str(b, T_MTSID, m->mtsid);
	put_str(b, T_ORIG, m->originator);
	put_str(b, T_CTYPE, m->content_type);
	put_str(b, T_SRCLINK, m->src_link);
	put_str(b, T_SRCPEER, m->src_peer);
}

/* q_rec_msg_dec - decode a message record; strings point into p */
int q_rec_msg_dec(const void *pv, size_t n, struct q_msg *m)
{
	const unsigned char *p = pv;
	const char *s[5] = { NULL };
	int rc;

	memset(m, 0, sizeof(*m));
	if (n < 1)
		return Q_E_CORRUPT;
	if (p[0] > Q_REC_MSG_V1)
		return Q_E_VERSION;
	if (p[0] != Q_REC_MSG_V1 || n < MSG_HDR || p[1] > Q_KIND_REPORT ||
	    p[2] > Q_PRIO_URGENT || (p[3] & ~Q_MF_HOLD))
		return Q_E_CORRUPT;
	m->kind = p[1];
	m->prio = p[2];
	m->flags = p[3];
	m->nrcpt = q_get32(p + 4);
	m->id = q_get64(p + 8);
	m->size = q_get64(p + 16);
	if (m->nrcpt == 0 || m->nrcpt > Q_MAX_RCPTS || m->id == 0 ||
	    get_time(p + 24, &m->arrival) || get_time(p + 32, &m->deferred) ||
	    get_time(p + 40, &m->latest) || get_time(p + 48, &m->expiry))
		return Q_E_CORRUPT;
	if ((rc = walk_tlv(p + MSG_HDR, n - MSG_HDR, s, 5)) != 0)
		return rc;
	if (s[0] == NULL || s[0][0] == '\0')
		return Q_E_CORRUPT;
	m->mtsid = s[0];
	m->originator = s[1] ? s[1] : "";
	m->content_type = s[2] ? s[2] : "";
	m->src_link = s[3] ? s[3] : "";
	m->src_peer = s[4] ? s[4] : "";
	return 0;
}

/* q_rec_rcpt_enc - a recipient record (docs/store.md, "rcpt") */
void q_rec_rcpt_enc(struct buf *b, const struct q_rcpt *r)
{
	unsigned char h[RCPT_HDR];

	memset(h, 0, sizeof(h));
	h[0] = Q_REC_RCPT_V1;
	h[1] = (unsigned char)r->state;
	h[2] = (unsigned char)r->flags;
	q_be32(h + 4, r->idx);
	q_be32(h + 8, r->attempts);
	q_be32(h + 12, (uint32_t)r->reason);
	q_be32(h + 16, (uint32_t)r->diag);
	put_time(h + 24, r->next_attempt);
	put_time(h + 32, r->changed);
	buf_add(b, h, sizeof(h));
	put_str(b, T_ADDR, r->address);
	put_str(b, T_LINK, r->link);
	if (r->diag_text && r->diag_text[0])
		put_str(b, T_DIAG, r->diag_text);
}

/* q_rec_rcpt_dec - decode a recipient record; strings point into p */
int q_rec_rcpt_dec(const void *pv, size_t n, struct q_rcpt *r)
{
	const unsigned char *p = pv;
	const char *s[3] = { NULL };
	int rc;

	memset(r, 0, sizeof(*r));
	if (n < 1)
		return Q_E_CORRUPT;
	if (p[0] > Q_REC_RCPT_V1)
		return Q_E_VERSION;
	if (p[0] != Q_REC_RCPT_V1 || n < RCPT_HDR || p[1] >= Q_ST_COUNT ||
	    (p[2] & ~(Q_RF_HOLD | Q_RF_RESPONSIBLE)))
		return Q_E_CORRUPT;
	r->state = p[1];
	r->flags = p[2];
	r->idx = q_get32(p + 4);
	r->attempts = q_get32(p + 8);
	r->reason = (int32_t)q_get32(p + 12);
	r->diag = (int32_t)q_get32(p + 16);
	if (r->idx >= Q_MAX_RCPTS || r->reason < -1 || r->diag < -1 ||
	    get_time(p + 24, &r->next_attempt) ||
	    get_time(p + 32, &r->changed))
		return Q_E_CORRUPT;
	if ((rc = walk_tlv(p + RCPT_HDR, n - RCPT_HDR, s, 3)) != 0)
		return rc;
	if (s[0] == NULL || s[1] == NULL || !q_link_ok(s[1]))
		return Q_E_CORRUPT;
	r->address = s[0];
	r->link = s[1];
	r->diag_text = s[2] ? s[2] : "";
	return 0;
}

/* q_rec_jrnl_enc - a journal entry (docs/store.md, "journal") */
void q_rec_jrnl_enc(struct buf *b, const struct q_jent *e)
{
	unsigned char h[JRNL_HDR];

	memset(h, 0, sizeof(h));
	h[0] = Q_REC_JRNL_V1;
	h[1] = (unsigned char)e->type;
	q_be32(h + 4, (uint32_t)e->rcpt);
	put_time(h + 8, e->time);
	q_be64(h + 16, e->id);
	buf_add(b, h, sizeof(h));
	if (e->link && e->link[0])
		put_str(b, T_JLINK, e->link);
	if (e->peer && e->peer[0])
		put_str(b, T_JPEER, e->peer);
	if (e->text && e->text[0])
		put_str(b, T_JTEXT, e->text);
	if (e->user && e->user[0])
		put_str(b, T_JUSER, e->user);
}

/* q_rec_jrnl_dec - decode a journal entry (seq is the caller's) */
int q_rec_jrnl_dec(const void *pv, size_t n, struct q_jent *e)
{
	const unsigned char *p = pv;
	const char *s[4] = { NULL };
	int rc;

	memset(e, 0, sizeof(*e));
	if (n < 1)
		return Q_E_CORRUPT;
	if (p[0] > Q_REC_JRNL_V1)
		return Q_E_VERSION;
	if (p[0] != Q_REC_JRNL_V1 || n < JRNL_HDR || p[1] < Q_J_ARRIVAL ||
	    p[1] > Q_J_APDU)
		return Q_E_CORRUPT;
	e->type = p[1];
	e->rcpt = (int32_t)q_get32(p + 4);
	e->id = q_get64(p + 16);
	if (e->rcpt < -1 || get_time(p + 8, &e->time))
		return Q_E_CORRUPT;
	if ((rc = walk_tlv(p + JRNL_HDR, n - JRNL_HDR, s, 4)) != 0)
		return rc;
	e->link = s[0] ? s[0] : "";
	e->peer = s[1] ? s[1] : "";
	e->text = s[2] ? s[2] : "";
	e->user = s[3] ? s[3] : "";
	return 0;
}

/* q_key_tomb - "T" time id: a duplicate tombstone in removal order */
void q_key_tomb(unsigned char *k, int64_t time, uint64_t id)
{
	k[0] = 'T';
	put_time(k + 1, time);
	q_be64(k + 9, id);
}
