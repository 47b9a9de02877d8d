/*
 * ratelimit.h - failed binds slowed down per source address and name
 *
 * SYNOPSIS
 *	#include "ratelimit.h"
 *
 *	struct rl_params p = RL_PARAMS_DEFAULT;
 *	struct rl *rl = rl_new(&p, seed);
 *	wait = rl_check(rl, (struct sockaddr *)&peer, "mta-b", now_ms);
 *	if (wait) refuse, "try again in wait ms" ...
 *	rl_fail(rl, sa, "mta-b", now_ms);  the caller's bind failed
 *	rl_success(rl, sa, "mta-b");       the caller's bind succeeded
 *	rl_free(rl);
 *
 * DESCRIPTION
 *	A peer guessing passwords must be slowed down (issue 6), without
 *	locking out a configured peer that calls from the same address
 *	(issue 17: a NAT, a shared relay host). The key is the source
 *	address and the MTA name the caller claimed (without case; NULL:
 *	the address alone; x400d passes "*" for every name no link
 *	receives from, so that inventing names gains nothing). Each key
 *	has a count of consecutive failed binds. The first
 *	p.free failures cost nothing; each one after that closes the
 *	address for an exponentially growing time: base, 2 base, 4 base...
 *	up to max, counted from the last failure. rl_check() says how long
 *	a key must still wait (0: it may try now). A success forgets that
 *	key only: another name's failures from the same address stay. A
 *	key that has not failed for p.forget after its last failure is
 *	forgotten as well.
 *
 *	IPv6 callers are counted per prefix of p.v6_prefix bits (64 by
 *	default): one host usually owns a whole /64 and could otherwise
 *	change address at every attempt. IPv4-mapped IPv6 addresses count
 *	as the IPv4 address.
 *
 *	The table is bounded: p.slots entries (rounded up to a multiple of
 *	the associativity, 4), so a flood of new addresses cannot make it
 *	grow. An address hashes (SipHash-2-4 with the caller's random
 *	seed, so that a caller cannot choose addresses that collide) to a
 *	set of 4 slots. A new address takes a free or forgotten slot of
 *	its set; if there is none, it evicts the entry whose penalty ends
 *	first. A flood therefore evicts its own entries before those of a
 *	guesser still being held back, and at worst an evicted address
 *	starts again from p.free free failures.
 *
 *	The module is pure: it reads no clock (times are passed in, in
 *	milliseconds of any monotonic clock, e.g. uv_now()), does no I/O
 *	and logs nothing; x400d logs EV_BIND_RATE_LIMITED when rl_check()
 *	refuses.
 *
 * OWNERSHIP
 *	struct rl is the caller's (rl_free). Not thread-safe: x400d uses
 *	it on its loop thread.
 */
#ifndef X400_RATELIMIT_H
#define X400_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RL_WAYS		4		/* slots per set */

struct rl_params {
	unsigned	free;		/* failures allowed before any wait */
	uint64_t	base_ms;	/* the first wait */
	uint64_t	max_ms;		/* the longest wait */
	uint64_t	forget_ms;	/* forget an address this long after
					 * its last failure (at least the
					 * longest wait) */
	unsigned	v6_prefix;	/* IPv6 callers counted per prefix,
					 * 1..128 */
	size_t		slots;		/* table size, 4..1048576 */
};

#define RL_PARAMS_DEFAULT { .free = 3, .base_ms = 1000, .max_ms = 300000, \
			    .forget_ms = 3600000, .v6_prefix = 64, \
			    .slots = 4096 }

struct rl;

/* rl_new - an empty table; seed keys the hash (use random octets);
 *	panics on parameters out of range (a caller's bug: the
 *	configuration checks them) */
struct rl *rl_new(const struct rl_params *p, const uint8_t seed[16]);
void	rl_free(struct rl *rl);

/* rl_check - milliseconds the key (address, name) must still wait; 0:
 *	go ahead */
uint64_t rl_check(struct rl *rl, const struct sockaddr *sa, const char *name,
		  uint64_t now);
/* rl_fail - record a failed bind; returns the wait it now has */
uint64_t rl_fail(struct rl *rl, const struct sockaddr *sa, const char *name,
		 uint64_t now);
/* rl_success - forget the key */
void	rl_success(struct rl *rl, const struct sockaddr *sa, const char *name);
/* rl_failures - its consecutive failures known now (0: none) */
unsigned rl_failures(struct rl *rl, const struct sockaddr *sa,
		     const char *name, uint64_t now);
/* rl_used - slots in use (forgotten entries included until reused) */
size_t	rl_used(const struct rl *rl);
/* rl_params_ok - parameters rl_new() accepts: NULL, or a sentence
 *	naming the one out of range */
const char *rl_params_ok(const struct rl_params *p);

#endif
