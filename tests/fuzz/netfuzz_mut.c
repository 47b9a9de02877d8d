/*
 * netfuzz_mut.c - mutations of a captured association, for netfuzz
 *
 * See netfuzz.h. A plan copies a flow's TPKTs and applies up to four
 * mutations, each chosen at random among:
 *	bits	flip 1 to 8 bits of one TPKT
 *	bytes	set 1 to 4 octets of one TPKT to a boundary value
 *	tpdu	edit the X.224 header: LI, code, EOT, a parameter
 *	tpktlen	set the RFC 1006 length to a wrong value
 *	insert	insert 1 to 16 random octets (the TPKT length follows)
 *	ber	in the BER under the session layer, a length made longer
 *		than it needs to be (X.690 8.1.3.5 allows it), a definite
 *		length made indefinite, or a length that lies; the first
 *		two keep the PDU valid: every enclosing BER, session
 *		parameter and SPDU length grows to match
 *	segment	cut one TSDU into 2 to 4 DT TPDUs (valid X.224)
 *	trunc	end the connection part way through a TPKT
 *	dup, swap, drop	one TPKT twice, two in the other order, one less
 *	splice	one TPKT from another capture in place of one of ours
 * The first mutations after the CR reach the deeper layers only when
 * the layers below still parse, so small numbers are the most likely.
 * Then how to send: in pieces of 1 to 200 octets now and then,
 * waiting for answers (lockstep) most of the time, and ending with RST
 * one time in three.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "netfuzz.h"

/* ---- random numbers: SplitMix64 ------------------------------------------ */

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void nf_rng_seed(struct nf_rng *r, uint64_t seed, uint64_t index)
{
	uint64_t x = seed;

	r->s = splitmix(&x) ^ (index * 0xd1342543de82ef95ull);
	(void)splitmix(&r->s);
}

uint64_t nf_rng(struct nf_rng *r)
{
	return splitmix(&r->s);
}

size_t nf_below(struct nf_rng *r, size_t n)
{
	return (size_t)(nf_rng(r) % n);
}

/* ---- the plan's TPKTs ---------------------------------------------------- */

/* say - describe one mutation, for -v and the reproducer's notes */
static void say(struct nf_plan *pl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct nf_plan *pl, const char *fmt, ...)
{
	va_list ap;

	if (pl->nwhat >= NF_WHAT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(pl->what[pl->nwhat++], sizeof(pl->what[0]), fmt, ap);
	va_end(ap);
}

/* pkt_insert - a copy of p[0..n) as TPKT number at */
static int pkt_insert(struct nf_plan *pl, size_t at, const unsigned char *p,
		      size_t n, int answered)
{
	struct nf_pkt *k;

	if (pl->n == pl->cap) {
		size_t c = pl->cap ? 2 * pl->cap : 16;

		if ((k = realloc(pl->pkt, c * sizeof(*k))) == NULL)
			return -1;
		pl->pkt = k;
		pl->cap = c;
	}
	k = &pl->pkt[at];
	memmove(k + 1, k, (pl->n - at) * sizeof(*k));
	memset(k, 0, sizeof(*k));
	if ((k->p = malloc(n ? n : 1)) == NULL) {
		memmove(k, k + 1, (pl->n - at) * sizeof(*k));
		return -1;
	}
	memcpy(k->p, p, n);
	k->n = n;
	k->answered = answered;
	pl->n++;
	return 0;
}

static void pkt_remove(struct nf_plan *pl, size_t at)
{
	free(pl->pkt[at].p);
	memmove(&pl->pkt[at], &pl->pkt[at + 1],
		(pl->n - at - 1) * sizeof(pl->pkt[0]));
	pl->n--;
}

/* pkt_replace - TPKT at gets the new contents p[0..n) (taken over) */
static void pkt_replace(struct nf_plan *pl, size_t at, unsigned char *p,
			size_t n)
{
	free(pl->pkt[at].p);
	pl->pkt[at].p = p;
	pl->pkt[at].n = n;
}

/* fix_len - RFC 1006: the TPKT's length is its size again */
static void fix_len(struct nf_pkt *k)
{
	if (k->n >= 4 && k->n <= 0xffff) {
		k->p[2] = (unsigned char)(k->n >> 8);
		k->p[3] = (unsigned char)k->n;
	}
}

/* ---- simple mutations ---------------------------------------------------- */

static const unsigned char boundary[] = {
	0x00, 0x01, 0x02, 0x03, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84,
	0xfe, 0xff
};

/* anywhere - an offset in TPKT k, past the TPKT header 3 times in 4 */
static size_t anywhere(const struct nf_pkt *k, struct nf_rng *r)
{
	if (k->n > 4 && nf_below(r, 4))
		return 4 + nf_below(r, k->n - 4);
	return nf_below(r, k->n);
}

static int m_bits(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt *k = &pl->pkt[i];
	size_t nb = 1 + nf_below(r, 8);

	for (size_t j = 0; j < nb; j++) {
		size_t at = anywhere(k, r);

		k->p[at] ^= (unsigned char)(1u << nf_below(r, 8));
	}
	say(pl, "bits: %zu flipped in TPKT %zu", nb, i);
	return 0;
}

static int m_bytes(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt *k = &pl->pkt[i];
	size_t nb = 1 + nf_below(r, 4);

	for (size_t j = 0; j < nb; j++) {
		size_t at = anywhere(k, r);

		k->p[at] = nf_below(r, 4) ?
		    boundary[nf_below(r, sizeof(boundary))] :
		    (unsigned char)nf_rng(r);
	}
	say(pl, "bytes: %zu set in TPKT %zu", nb, i);
	return 0;
}

/* m_tpdu - X.224 13.2: the header's LI, code, DT's EOT, a parameter */
static int m_tpdu(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	static const unsigned char codes[] = {
		0xe0, 0xd0, 0x80, 0xc0, 0xf0, 0x70, 0x10, 0x60, 0x20, 0x50,
		0x00, 0xff
	};
	struct nf_pkt *k = &pl->pkt[i];
	size_t li;

	if (k->n < 7)
		return -1;
	li = k->p[4];
	switch (nf_below(r, 4)) {
	case 0:
		k->p[4] = boundary[nf_below(r, sizeof(boundary))];
		say(pl, "tpdu: LI %zu -> %u in TPKT %zu", li, k->p[4], i);
		break;
	case 1:
		k->p[5] = codes[nf_below(r, sizeof(codes))];
		say(pl, "tpdu: code 0x%02x in TPKT %zu", k->p[5], i);
		break;
	case 2:
		k->p[6] ^= 0x80;
		say(pl, "tpdu: EOT flipped in TPKT %zu", i);
		break;
	default:
		if (li + 5 > k->n || li < 2)
			return -1;
		li = 6 + nf_below(r, li - 1);
		k->p[li] = boundary[nf_below(r, sizeof(boundary))];
		say(pl, "tpdu: header octet %zu set in TPKT %zu", li, i);
	}
	return 0;
}

static int m_tpktlen(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt *k = &pl->pkt[i];
	size_t v[] = { 0, 1, 3, 4, 5, 7, k->n - 1, k->n + 1, k->n + 100,
		       0xffff, nf_below(r, 0x10000) };
	size_t len = v[nf_below(r, sizeof(v) / sizeof(v[0]))] & 0xffff;

	if (nf_below(r, 8) == 0) {
		k->p[0] = boundary[nf_below(r, sizeof(boundary))];
		say(pl, "tpktlen: version %u in TPKT %zu", k->p[0], i);
		return 0;
	}
	k->p[2] = (unsigned char)(len >> 8);
	k->p[3] = (unsigned char)len;
	say(pl, "tpktlen: %zu for %zu in TPKT %zu", len, k->n, i);
	return 0;
}

static int m_insert(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt *k = &pl->pkt[i];
	size_t add = 1 + nf_below(r, 16), at = anywhere(k, r);
	unsigned char *p = malloc(k->n + add);

	if (p == NULL)
		return -1;
	memcpy(p, k->p, at);
	for (size_t j = 0; j < add; j++)
		p[at + j] = (unsigned char)nf_rng(r);
	memcpy(p + at + add, k->p + at, k->n - at);
	pkt_replace(pl, i, p, k->n + add);
	if (nf_below(r, 5))
		fix_len(&pl->pkt[i]);
	say(pl, "insert: %zu octets at %zu in TPKT %zu", add, at, i);
	return 0;
}

static int m_trunc(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	size_t cut = nf_below(r, pl->pkt[i].n);

	while (pl->n > i + 1)
		pkt_remove(pl, pl->n - 1);
	pl->pkt[i].n = cut;
	say(pl, "trunc: the end after %zu octets of TPKT %zu", cut, i);
	return 0;
}

static int m_dup(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	(void)r;
	say(pl, "dup: TPKT %zu twice", i);
	return pkt_insert(pl, i + 1, pl->pkt[i].p, pl->pkt[i].n,
			  pl->pkt[i].answered);
}

static int m_swap(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt t;

	(void)r;
	if (i + 1 >= pl->n)
		return -1;
	t = pl->pkt[i];
	pl->pkt[i] = pl->pkt[i + 1];
	pl->pkt[i + 1] = t;
	say(pl, "swap: TPKTs %zu and %zu", i, i + 1);
	return 0;
}

static int m_drop(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	(void)r;
	if (pl->n < 2)
		return -1;
	pkt_remove(pl, i);
	say(pl, "drop: TPKT %zu", i);
	return 0;
}

/* m_segment - X.224 13.7: one TSDU in 2 to 4 DT TPDUs, EOT on the last */
static int m_segment(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt *k = &pl->pkt[i];
	size_t len, at = 7, parts = 2 + nf_below(r, 3), done = 0;
	unsigned char *seg;
	int answered = k->answered;

	if (k->n < 9 || k->p[4] != 2 || k->p[5] != 0xf0 || k->p[6] != 0x80 ||
	    (seg = malloc(k->n)) == NULL)
		return -1;
	len = k->n - 7;
	if (parts > len)
		parts = len;
	for (size_t j = 0; j < parts; j++) {
		size_t left = len - done, take = j + 1 == parts ? left :
		    1 + nf_below(r, left - (parts - j - 1));

		memcpy(seg, "\x03\x00\x00\x00\x02\xf0\x00", 7);
		seg[6] = j + 1 == parts ? 0x80 : 0x00;
		memcpy(seg + 7, pl->pkt[i + j].p + at, take);
		if (pkt_insert(pl, i + j, seg, 7 + take, 0)) {
			free(seg);
			return -1;
		}
		fix_len(&pl->pkt[i + j]);
		at += take;
		done += take;
	}
	free(seg);
	pl->pkt[i + parts - 1].answered = answered;
	pkt_remove(pl, i + parts);
	say(pl, "segment: TPKT %zu in %zu DT TPDUs", i, parts);
	return 0;
}

/* m_splice - a TPKT of another capture in place of TPKT i */
static int m_splice(struct nf_plan *pl, size_t i, struct nf_rng *r,
		    const struct nf_flow *fl, size_t nfl)
{
	const struct nf_flow *o = &fl[nf_below(r, nfl)];
	const struct nf_pkt *src;
	unsigned char *p;
	size_t j;

	if (o->n == 0)
		return -1;
	j = nf_below(r, o->n);
	src = &o->pkt[j];
	if ((p = malloc(src->n)) == NULL)
		return -1;
	memcpy(p, src->p, src->n);
	pkt_replace(pl, i, p, src->n);
	pl->pkt[i].answered = src->answered;
	say(pl, "splice: TPKT %zu of %.20s as %zu", j, o->name, i);
	return 0;
}

/* ---- BER lengths --------------------------------------------------------- */

#define BER_NODES	256

struct ber_node {
	size_t		loff;		/* where its length octets are */
	size_t		lo;		/* how many */
	size_t		clen;		/* the length they say */
	int		constructed;
	int		parent;		/* index, -1 for a top one */
};

struct ber_tree {
	struct ber_node	node[BER_NODES];
	int		n;
};

/* ber_len - X.690 8.1.3: the length at p[0..n), definite only */
static int ber_len(const unsigned char *p, size_t n, size_t *lo,
		   size_t *len)
{
	size_t k, v = 0;

	if (n < 1)
		return -1;
	if (p[0] < 0x80) {
		*lo = 1;
		*len = p[0];
		return 0;
	}
	k = p[0] & 0x7f;
	if (k == 0 || k > 4 || k + 1 > n)
		return -1;
	for (size_t i = 1; i <= k; i++)
		v = v << 8 | p[i];
	*lo = k + 1;
	*len = v;
	return 0;
}

/* ber_walk - the definite TLVs in p[off..end) and in those inside them */
static void ber_walk(const unsigned char *p, size_t off, size_t end,
		     int parent, int depth, struct ber_tree *t)
{
	while (off < end && t->n < BER_NODES && depth < 32) {
		int cons = p[off] & 0x20, me;
		size_t lo, clen;

		if ((p[off++] & 0x1f) == 0x1f)
			while (off < end && (p[off++] & 0x80))
				;
		if (off >= end || ber_len(p + off, end - off, &lo, &clen) ||
		    clen > end - off - lo)
			return;
		me = t->n++;
		t->node[me] = (struct ber_node){ off, lo, clen, cons, parent };
		if (cons)
			ber_walk(p, off + lo, off + lo + clen, me, depth + 1,
				 t);
		off += lo + clen;
	}
}

/* an edit: p[off..off+old) becomes b[0..n) */
struct edit {
	size_t		off, old;
	unsigned char	b[8];
	size_t		n;
};

struct edits {
	struct edit	e[BER_NODES + 8];
	int		n;
};

/* len_enc - a length v: short form when short_ok and it fits, else long
 *	with at least k octets after the first */
static size_t len_enc(size_t v, int short_ok, size_t k, unsigned char *b)
{
	size_t need = v > 0xffffff ? 4 : v > 0xffff ? 3 : v > 0xff ? 2 : 1;

	if (short_ok && v < 0x80) {
		b[0] = (unsigned char)v;
		return 1;
	}
	if (k < need)
		k = need;
	b[0] = (unsigned char)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		b[k - i] = (unsigned char)(v >> (8 * i));
	return k + 1;
}

/* grow - node i's content grows by delta (its own length octets
 *	already edited): every enclosing length follows; the total growth */
static size_t grow(const struct ber_tree *t, int i, size_t delta,
		   struct edits *ed)
{
	for (int a = t->node[i].parent; a >= 0; a = t->node[a].parent) {
		const struct ber_node *b = &t->node[a];
		struct edit *e = &ed->e[ed->n++];

		e->off = b->loff;
		e->old = b->lo;
		e->n = len_enc(b->clen + delta, b->lo == 1,
			       b->lo > 1 ? b->lo - 1 : 1, e->b);
		delta += e->n - e->old;
	}
	return delta;
}

/* ber_change - one node's length: longer than needed, indefinite, or a
 *	lie; the growth of the whole BER (0 for a lie) */
static size_t ber_change(struct nf_plan *pl, const unsigned char *p,
			 const struct ber_tree *t, struct edits *ed,
			 struct nf_rng *r)
{
	int i = (int)nf_below(r, (size_t)t->n), how = (int)nf_below(r, 3);
	const struct ber_node *b = &t->node[i];
	struct edit *e = &ed->e[ed->n++];

	e->off = b->loff;
	e->old = b->lo;
	if (how == 1 && b->constructed && b->lo <= 3) {	/* X.690 8.1.3.6 */
		e->b[0] = 0x80;
		e->n = 1;
		e = &ed->e[ed->n++];
		e->off = b->loff + b->lo + b->clen;
		e->old = 0;
		e->n = 2;
		e->b[0] = e->b[1] = 0;
		say(pl, "ber: indefinite, %zu octets", b->clen);
		return grow(t, i, 1 + 2 - b->lo, ed);
	}
	if (how == 2) {			/* a lie, in as many octets */
		size_t v[] = { b->clen + 1, b->clen + 1 + nf_below(r, 64),
			       b->clen ? b->clen - 1 : 0, 0, 0x7f,
			       0xffffffff };

		if (b->lo == 1 && nf_below(r, 3) == 0) {
			e->b[0] = boundary[nf_below(r, sizeof(boundary))];
			e->n = 1;
		} else {
			memcpy(e->b, p + b->loff, b->lo);
			e->n = len_enc(v[nf_below(r, 6)], b->lo == 1,
				       b->lo > 1 ? b->lo - 1 : 1, e->b);
			if (e->n != b->lo)	/* does not fit: keep it */
				memcpy(e->b, p + b->loff, e->n = b->lo);
		}
		say(pl, "ber: a length lies (%zu octets)", b->clen);
		return 0;
	}
	e->n = len_enc(b->clen, 0, b->lo > 1 + nf_below(r, 4) ? b->lo - 1 :
		       1 + nf_below(r, 4), e->b);
	say(pl, "ber: length %zu in %zu octets", b->clen, e->n);
	return grow(t, i, e->n - e->old, ed);
}

/* li_edit - X.225 8.2.4: an SPDU or parameter length at p[off] (one
 *	octet, or 0xff and two) grows by delta; the growth of the edit */
static int li_edit(const unsigned char *p, size_t off, size_t delta,
		   struct edits *ed, size_t *grown)
{
	struct edit *e = &ed->e[ed->n++];
	size_t old = p[off] == 0xff ? (size_t)p[off + 1] << 8 | p[off + 2] :
	    p[off];

	e->off = off;
	e->old = p[off] == 0xff ? 3 : 1;
	if (old + delta > 0xffff)
		return -1;
	if (e->old == 1 && old + delta < 0xff) {
		e->b[0] = (unsigned char)(old + delta);
		e->n = 1;
	} else {
		e->b[0] = 0xff;
		e->b[1] = (unsigned char)((old + delta) >> 8);
		e->b[2] = (unsigned char)(old + delta);
		e->n = 3;
	}
	*grown = delta + e->n - e->old;
	return 0;
}

/* spdu_edits - the session lengths around user data at ud (a category 1
 *	SPDU's PGI 193/194) follow a growth of delta */
static int spdu_edits(const unsigned char *s, size_t n, size_t ud,
		      size_t udlen, size_t delta, struct edits *ed)
{
	size_t so = 0, pgi, grown;

	if (n < 2)
		return -1;
	if ((s[0] == 1 || s[0] == 2) && s[1] != 0xff)	/* GT/PT first */
		so = 2 + (size_t)s[1];
	if (so + 2 > n)
		return -1;
	if (ud >= 3 && s[ud - 3] == 0xff &&
	    ((size_t)s[ud - 2] << 8 | s[ud - 1]) == udlen)
		pgi = ud - 3;
	else if (udlen < 0xff && ud >= 2 && s[ud - 1] == udlen)
		pgi = ud - 1;
	else
		return -1;
	if (pgi <= so + 1 || li_edit(s, pgi, delta, ed, &grown))
		return -1;
	return li_edit(s, so + 1, grown, ed, &grown);
}

static int edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* apply - the edited copy of p[0..n) behind hdr[0..hn) */
static unsigned char *apply(const unsigned char *hdr, size_t hn,
			    const unsigned char *p, size_t n,
			    struct edits *ed, size_t *outn)
{
	size_t len = hn + n, at = 0, o;
	unsigned char *out;

	for (int i = 0; i < ed->n; i++)
		len += ed->e[i].n - ed->e[i].old;
	if ((out = malloc(len)) == NULL)
		return NULL;
	qsort(ed->e, (size_t)ed->n, sizeof(ed->e[0]), edit_cmp);
	memcpy(out, hdr, hn);
	o = hn;
	for (int i = 0; i < ed->n; i++) {
		memcpy(out + o, p + at, ed->e[i].off - at);
		o += ed->e[i].off - at;
		memcpy(out + o, ed->e[i].b, ed->e[i].n);
		o += ed->e[i].n;
		at = ed->e[i].off + ed->e[i].old;
	}
	memcpy(out + o, p + at, n - at);
	*outn = len;
	return out;
}

/* m_ber - a BER length in the session user data of a whole DT TSDU */
static int m_ber(struct nf_plan *pl, size_t i, struct nf_rng *r)
{
	struct nf_pkt *k = &pl->pkt[i];
	struct cap_tsdu t = { 0, 1, CAP_DT, NULL, 0 };
	struct spdu_view v;
	struct ber_tree *tree = NULL;
	struct edits *ed = NULL;
	unsigned char *out = NULL;
	size_t ud, delta, outn = 0;
	int said = pl->nwhat;

	if (k->n < 9 || k->p[4] != 2 || k->p[5] != 0xf0 || k->p[6] != 0x80)
		return -1;
	t.data = k->p + 7;
	t.len = k->n - 7;
	if (cap_spdu(&t, &v) || v.ud == NULL || v.udlen < 2 ||
	    (tree = calloc(1, sizeof(*tree))) == NULL ||
	    (ed = calloc(1, sizeof(*ed))) == NULL)
		goto out;
	ud = (size_t)(v.ud - t.data);
	ber_walk(t.data, ud, ud + v.udlen, -1, 0, tree);
	if (tree->n == 0)
		goto out;
	delta = ber_change(pl, t.data, tree, ed, r);
	if (delta == 0 || v.si == SPDU_GT_DT ||
	    spdu_edits(t.data, t.len, ud, v.udlen, delta, ed) == 0)
		out = apply(k->p, 7, t.data, t.len, ed, &outn);
out:
	free(tree);
	free(ed);
	if (out == NULL || outn > 0xffff) {
		free(out);
		pl->nwhat = said;
		return -1;
	}
	pkt_replace(pl, i, out, outn);
	fix_len(&pl->pkt[i]);
	return 0;
}

/* ---- the plan ------------------------------------------------------------ */

typedef int mutation(struct nf_plan *, size_t, struct nf_rng *);

static mutation *const mutations[] = {
	m_bits, m_bits, m_bytes, m_bytes, m_tpdu, m_tpktlen, m_insert,
	m_ber, m_ber, m_ber, m_ber, m_ber, m_segment, m_trunc, m_dup, m_swap,
	m_drop
};
#define NMUT (sizeof(mutations) / sizeof(mutations[0]))

/* mutate - one mutation that applies, of up to 8 tried; in one of the
 *	first 4 TPKTs half the time (the CR, the bind: the rest of a
 *	capture is wasted when they are refused) */
static int mutate(struct nf_plan *pl, const struct nf_flow *fl, size_t nfl,
		  struct nf_rng *r)
{
	for (int tries = 0; tries < 8 && pl->n > 0; tries++) {
		size_t i = nf_below(r, nf_below(r, 2) && pl->n > 4 ? 4 : pl->n),
		    m = nf_below(r, NMUT + 1);
		int rc;

		if (pl->pkt[i].n == 0)
			continue;
		rc = m == NMUT ? m_splice(pl, i, r, fl, nfl) :
		    mutations[m](pl, i, r);
		if (rc == 0)
			return 0;
	}
	return -1;
}

int nf_plan_make(struct nf_plan *pl, const struct nf_flow *f,
		 const struct nf_flow *others, size_t nothers,
		 struct nf_rng *r)
{
	size_t nm = nf_below(r, 10) == 0 ? 0 : 1 + nf_below(r, 1 +
								nf_below(r, 4));

	memset(pl, 0, sizeof(*pl));
	pl->flow = f;
	for (size_t i = 0; i < f->n; i++)
		if (pkt_insert(pl, i, f->pkt[i].p, f->pkt[i].n,
			       f->pkt[i].answered))
			return -1;
	for (size_t j = 0; j < nm; j++)
		(void)mutate(pl, others, nothers, r);
	if (nf_below(r, 6) == 0)
		pl->chunk = 1 + nf_below(r, nf_below(r, 2) ? 8 : 200);
	pl->lockstep = nf_below(r, 4) != 0;
	pl->reset = nf_below(r, 3) == 0;
	return 0;
}

void nf_plan_free(struct nf_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->pkt[i].p);
	free(pl->pkt);
	memset(pl, 0, sizeof(*pl));
}

struct nf_sig nf_sig_of(int kind, const unsigned char *p, size_t n)
{
	struct nf_sig s = { kind, 0 };
	struct cap_tsdu t = { 0, 0, CAP_DT, (unsigned char *)p, n };
	struct spdu_view v;

	if (kind == CAP_DT && cap_spdu(&t, &v) == 0)
		s.si = v.si;
	else if (kind == CAP_DT)
		s.si = -1;
	return s;
}
