/*
 * netfuzz.h - the network fuzzer's associations and mutations
 *
 * SYNOPSIS
 *	#include "netfuzz.h"
 *
 *	nf_rng_seed(&rng, seed, index);
 *	nf_plan_make(&plan, &flows[k], flows, nflows, &rng);
 *	nf_plan_free(&plan);
 *	fd = nf_replay(&dst, &src, &flow, k, name, why, sizeof(why));
 *	nf_stall(&dst, &src, &flow, k, secs, name);
 *
 * DESCRIPTION
 *	Test support for tests/fuzz/netfuzz.c (see there). A flow is the
 *	initiator's side of one captured association: its TPKTs as they
 *	were on the wire, each marked when the responder answered it
 *	before the initiator spoke again. A plan is one connection's
 *	worth of traffic: copies of a flow's TPKTs, mutated
 *	(netfuzz_mut.c), and how to send them (in pieces or whole, waiting
 *	for answers or not, ending with FIN or RST).
 *
 *	Everything a plan holds follows from the seed and the
 *	connection's index alone: nf_rng_seed() gives connection i its
 *	own generator, so "netfuzz -s S -i I" sends connection I of run S
 *	again, byte for byte.
 *
 * OWNERSHIP
 *	A plan owns its TPKT copies until nf_plan_free(). Flows are the
 *	caller's and outlive every plan made from them.
 */
#ifndef X400_TEST_NETFUZZ_H
#define X400_TEST_NETFUZZ_H

#include <stddef.h>
#include <stdint.h>

/* what the responder sent back, one TSDU (or non-DT TPDU) at a time */
struct nf_sig {
	int		kind;		/* enum cap_kind */
	int		si;		/* DT: the SPDU that matters (capture.h) */
};

struct nf_pkt {
	unsigned char	*p;		/* one TPKT, header included */
	size_t		n;
	int		answered;	/* the responder spoke after it */
	struct nf_sig	*ans;		/* what it said (flows only) */
	size_t		nans;
};

struct nf_flow {
	char		name[64];	/* the capture's file name */
	struct nf_pkt	*pkt;
	size_t		n;
};

struct nf_rng {
	uint64_t	s;
};

#define NF_WHAT_MAX	8		/* mutations described per plan */

struct nf_plan {
	const struct nf_flow *flow;
	struct nf_pkt	*pkt;		/* owned copies (ans not used) */
	size_t		n, cap;
	size_t		chunk;		/* >0: write at most this much at once */
	int		lockstep;	/* wait for answers where PP's came */
	int		reset;		/* end with RST instead of FIN */
	char		what[NF_WHAT_MAX][48];	/* the mutations, for -v */
	int		nwhat;
};

void	nf_rng_seed(struct nf_rng *r, uint64_t seed, uint64_t index);
uint64_t nf_rng(struct nf_rng *r);
/* nf_below - uniform in 0..n-1 (n > 0) */
size_t	nf_below(struct nf_rng *r, size_t n);

/* nf_plan_make - the traffic of one connection: flow f's TPKTs, with
 *	0 to 4 mutations (others: flows to splice TPKTs from); 0, or -1
 *	when out of memory */
int	nf_plan_make(struct nf_plan *pl, const struct nf_flow *f,
		     const struct nf_flow *others, size_t nothers,
		     struct nf_rng *r);
void	nf_plan_free(struct nf_plan *pl);

/* nf_sig_of - the signature of one whole TSDU (DT) or TPDU */
struct nf_sig nf_sig_of(int kind, const unsigned char *p, size_t n);

struct sockaddr_in;

/* nf_replay (netfuzz.c) - a connection to dst (from src; NULL: any)
 *	that got flow f's first k TPKTs as captured, each answered as the
 *	capture's responder answered it (the AC naming MTA rname, unless
 *	NULL): its descriptor, the caller's to close; -1 and why when not */
int	nf_replay(const struct sockaddr_in *dst, const struct sockaddr_in *src,
		  const struct nf_flow *f, size_t k, const char *rname,
		  char *why, size_t whyn);

/* nf_stall (netfuzz_stall.c) - netfuzz -S: f's first k TPKTs, then
 *	silence for up to hold seconds; 0 when the target closed the
 *	connection meanwhile, 1 when not, 2 on a usage error (printed) */
int	nf_stall(const struct sockaddr_in *dst, const struct sockaddr_in *src,
		 const struct nf_flow *f, size_t k, double hold,
		 const char *rname);

#endif
