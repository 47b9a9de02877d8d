/*
 * ratelimit.c - failed binds slowed down per source address
 *
 * See ratelimit.h. The table is an array of sets of RL_WAYS entries;
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input
 * PRF", 2012) of the address picks the set.
 */
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "xalloc.h"

#define KEYLEN	25	/* family octet, 16 address octets, then 8 of
			 * the claimed name's hash */

struct ent {
	uint8_t		key[KEYLEN];	/* key[0] == 0: unused */
	unsigned	fails;
	uint64_t	last;		/* time of the last failure */
};

struct rl {
	struct rl_params p;
	uint64_t	k0, k1;
	size_t		nsets;
	struct ent	*ent;
};

/* rotl - rotate left */
static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* get64 - little-endian load */
static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);	\
	v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);	\
} while (0)

/* siphash - SipHash-2-4 of p[0..n) under (k0, k1) */
static uint64_t siphash(uint64_t k0, uint64_t k1, const uint8_t *p, size_t n)
{
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)n << 56;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		m = get64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; i + j < n; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < 4; r++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

const char *rl_params_ok(const struct rl_params *p)
{
	if (p->base_ms == 0)
		return "the first wait must be over 0";
	if (p->max_ms < p->base_ms)
		return "the longest wait is shorter than the first";
	if (p->forget_ms < p->max_ms)
		return "addresses would be forgotten before their longest "
		       "wait ends";
	if (p->v6_prefix < 1 || p->v6_prefix > 128)
		return "the IPv6 prefix length is not 1..128";
	if (p->slots < RL_WAYS || p->slots > (1u << 20))
		return "the table size is not 4..1048576";
	if (p->free > 1000)
		return "more than 1000 free failures";
	return NULL;
}

struct rl *rl_new(const struct rl_params *p, const uint8_t seed[16])
{
	struct rl *rl;
	const char *why = rl_params_ok(p);

	if (why)
		panic("rl_new: %s", why);
	rl = XNEW(struct rl);
	rl->p = *p;
	rl->k0 = get64(seed);
	rl->k1 = get64(seed + 8);
	rl->nsets = (p->slots + RL_WAYS - 1) / RL_WAYS;
	rl->ent = xcalloc(rl->nsets * RL_WAYS, sizeof(*rl->ent));
	return rl;
}

void rl_free(struct rl *rl)
{
	if (rl == NULL)
		return;
	free(rl->ent);
	free(rl);
}

/* addr_key - family and address; IPv6 cut to its prefix, mapped IPv4
 *	as IPv4. 0, or -1 for another family. */
static int addr_key(const struct rl *rl, const struct sockaddr *sa,
		    uint8_t key[KEYLEN])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	const uint8_t *a;

	memset(key, 0, KEYLEN);
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)
				 ->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	a = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)sa)
		->sin6_addr;
	if (memcmp(a, mapped, 12) == 0) {
		key[0] = 4;
		memcpy(key + 1, a + 12, 4);
		return 0;
	}
	key[0] = 6;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = rl->p.v6_prefix >= 8 * (i + 1) ? 8 :
				rl->p.v6_prefix <= 8 * i ? 0 :
				rl->p.v6_prefix - 8 * i;

		key[1 + i] = (uint8_t)(a[i] & ~(0xff >> bits));
	}
	return 0;
}

/* name_key - the claimed name's 8 octets: SipHash of it in lower
 *	case under the table's key (names compare without case); zero for
 *	none */
static void name_key(const struct rl *rl, const char *name, uint8_t out[8])
{
	uint8_t low[256];
	size_t n = 0;
	uint64_t h;

	memset(out, 0, 8);
	if (name == NULL)
		return;
	for (; name[n] && n < sizeof(low); n++)
		low[n] = (uint8_t)(name[n] >= 'A' && name[n] <= 'Z' ?
				   name[n] - 'A' + 'a' : name[n]);
	h = siphash(rl->k1, rl->k0, low, n) | 1;	/* never all zero */
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}

/* make_key - the address's key, then the name's hash */
static int make_key(const struct rl *rl, const struct sockaddr *sa,
		    const char *name, uint8_t key[KEYLEN])
{
	if (addr_key(rl, sa, key) < 0)
		return -1;
	name_key(rl, name, key + 17);
	return 0;
}

/* wait_end - when the entry's wait ends (its last failure if none) */
static uint64_t wait_end(const struct rl *rl, const struct ent *e)
{
	uint64_t w;
	unsigned k;

	if (e->fails <= rl->p.free)
		return e->last;
	k = e->fails - rl->p.free - 1;
	w = rl->p.max_ms;
	if (k < 63 && (rl->p.base_ms << k) >> k == rl->p.base_ms &&
	    (rl->p.base_ms << k) < w)
		w = rl->p.base_ms << k;
	return e->last + w;
}

/* forgotten - unused, or quiet for forget_ms */
static int forgotten(const struct rl *rl, const struct ent *e, uint64_t now)
{
	return e->key[0] == 0 || now >= e->last + rl->p.forget_ms;
}

/* set_of - the first entry of the key's set */
static struct ent *set_of(struct rl *rl, const uint8_t key[KEYLEN])
{
	uint64_t h = siphash(rl->k0, rl->k1, key, KEYLEN);

	return &rl->ent[(h % rl->nsets) * RL_WAYS];
}

/* find - the live entry of key, or NULL; a forgotten one is cleared */
static struct ent *find(struct rl *rl, const uint8_t key[KEYLEN],
			uint64_t now)
{
	struct ent *set = set_of(rl, key);

	for (int i = 0; i < RL_WAYS; i++) {
		struct ent *e = &set[i];

		if (e->key[0] == 0 || memcmp(e->key, key, KEYLEN) != 0)
			continue;
		if (forgotten(rl, e, now)) {
			memset(e, 0, sizeof(*e));
			return NULL;
		}
		return e;
	}
	return NULL;
}

uint64_t rl_check(struct rl *rl, const struct sockaddr *sa, const char *name,
		  uint64_t now)
{
	uint8_t key[KEYLEN];
	struct ent *e;
	uint64_t end;

	if (make_key(rl, sa, name, key) < 0 || (e = find(rl, key, now)) == NULL)
		return 0;
	end = wait_end(rl, e);
	return end > now ? end - now : 0;
}

uint64_t rl_fail(struct rl *rl, const struct sockaddr *sa, const char *name,
		 uint64_t now)
{
	uint8_t key[KEYLEN];
	struct ent *e, *set;
	uint64_t end;

	if (make_key(rl, sa, name, key) < 0)
		return 0;
	e = find(rl, key, now);
	if (e == NULL) {
		set = set_of(rl, key);
		for (int i = 0; i < RL_WAYS && e == NULL; i++)
			if (forgotten(rl, &set[i], now))
				e = &set[i];
		if (e == NULL) {
			/* evict the one whose wait ends first */
			e = &set[0];
			for (int i = 1; i < RL_WAYS; i++)
				if (wait_end(rl, &set[i]) < wait_end(rl, e))
					e = &set[i];
		}
		memset(e, 0, sizeof(*e));
		memcpy(e->key, key, KEYLEN);
	}
	if (e->fails < UINT_MAX)
		e->fails++;
	e->last = now;
	end = wait_end(rl, e);
	return end > now ? end - now : 0;
}

void rl_success(struct rl *rl, const struct sockaddr *sa, const char *name)
{
	uint8_t key[KEYLEN];
	struct ent *set;

	if (make_key(rl, sa, name, key) < 0)
		return;
	set = set_of(rl, key);
	for (int i = 0; i < RL_WAYS; i++)
		if (memcmp(set[i].key, key, KEYLEN) == 0)
			memset(&set[i], 0, sizeof(set[i]));
}

unsigned rl_failures(struct rl *rl, const struct sockaddr *sa,
		     const char *name, uint64_t now)
{
	uint8_t key[KEYLEN];
	struct ent *e;

	if (make_key(rl, sa, name, key) < 0 || (e = find(rl, key, now)) == NULL)
		return 0;
	return e->fails;
}

size_t rl_used(const struct rl *rl)
{
	size_t n = 0;

	for (size_t i = 0; i < rl->nsets * RL_WAYS; i++)
		if (rl->ent[i].key[0])
			n++;
	return n;
}
