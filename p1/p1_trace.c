/*
 * p1_trace.c - trace information, internal trace, and loop detection
 *
 * See p1_trace.h for the rule. X.411 12.2.1.1.1 (trace-information,
 * internal-trace-information), 14.3 (routing and forwarding).
 */
#include <stdlib.h>
#include <string.h>

#include "p1_asn.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "p1_trace.h"
#include "xalloc.h"

const char *p1_loop_name(enum p1_loop l)
{
	switch (l) {
	case P1_LOOP_NONE:
		return "none";
	case P1_LOOP_DOMAIN:
		return "domain-loop";
	case P1_LOOP_MTA:
		return "mta-loop";
	case P1_LOOP_HOPS:
		return "too-many-hops";
	}
	return "?";
}

InternalTraceInformation_t *p1_trace_internal(const MTS_APDU_t *apdu)
{
	ExtensionField_t *f = p1_ext_find(p1_env_extensions_c(apdu),
			StandardExtension_internal_trace_information);

	if (f == NULL || f->value == NULL)
		return NULL;
	return p1_any_get(f->value, &asn_DEF_InternalTraceInformation);
}

/* rerouted_after - an element after i has routing action rerouted */
static int rerouted_after(const TraceInformation_t *t, int i)
{
	for (int j = i + 1; j < t->list.count; j++)
		if (t->list.array[j]->domain_supplied_information
			    .routing_action == RoutingAction_rerouted)
			return 1;
	return 0;
}

enum p1_loop p1_trace_loop(const MTS_APDU_t *apdu, const struct p1_here *h,
			   int *where)
{
	const TraceInformation_t *t = p1_env_trace_c(apdu);
	InternalTraceInformation_t *it;
	int n = t->list.count, end = n, last_ours;
	enum p1_loop loop = P1_LOOP_NONE;

	if (where)
		*where = -1;
	if (n >= P1_UB_TRANSFERS)
		return P1_LOOP_HOPS;
	last_ours = n > 0 &&
		    p1_gdi_equal(&t->list.array[n - 1]->global_domain_identifier,
				 h->gdi);
	if (last_ours)
		end = n - 1;
	/* rule 1: an earlier visit of our MD, and no reroute since */
	for (int i = 0; i < end; i++) {
		if (!p1_gdi_equal(&t->list.array[i]->global_domain_identifier,
				  h->gdi))
			continue;
		/* the element of the present visit (last) is relayed by
		 * construction; only reroutes count */
		if (!rerouted_after(t, i)) {
			if (where)
				*where = i;
			return P1_LOOP_DOMAIN;
		}
	}
	/* rule 2, 3: internal trace of the present visit of our MD */
	it = p1_trace_internal(apdu);
	if (it == NULL)
		return P1_LOOP_NONE;
	if (it->list.count >= P1_UB_TRANSFERS) {
		loop = P1_LOOP_HOPS;
	} else if (last_ours) {
		int first = it->list.count;

		while (first > 0 && p1_gdi_equal(&it->list.array[first - 1]
						  ->global_domain_identifier,
						  h->gdi))
			first--;
		for (int i = first; i < it->list.count && !loop; i++) {
			int rerouted = 0;

			if (!p1_mtaname_equal(&it->list.array[i]->mta_name,
					      h->mta))
				continue;
			for (int j = i + 1; j < it->list.count; j++)
				if (it->list.array[j]->mta_supplied_information
					    .routing_action ==
				    RoutingAction_rerouted)
					rerouted = 1;
			if (!rerouted) {
				loop = P1_LOOP_MTA;
				if (where)
					*where = i;
			}
		}
	}
	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	return loop;
}

int p1_trace_add(TraceInformation_t *t, const GlobalDomainIdentifier_t *gdi,
		 time_t arrival, long action,
		 const GlobalDomainIdentifier_t *attempted)
{
	TraceInformationElement_t *e;

	if (t->list.count >= P1_UB_TRANSFERS)
		return P1_TRACE_FULL;
	e = XNEW(TraceInformationElement_t);
	p1_gdi_fill(&e->global_domain_identifier, gdi);
	p1_time_set(&e->domain_supplied_information.arrival_time, arrival);
	e->domain_supplied_information.routing_action = action;
	if (attempted) {
		e->domain_supplied_information.attempted_domain =
		    XNEW(GlobalDomainIdentifier_t);
		p1_gdi_fill(e->domain_supplied_information.attempted_domain,
			    attempted);
	}
	p1_list_add(&t->list, e);
	return 0;
}

/* internal_add - append our MTA's element to extension 38, creating it
 *	(not critical, in the form the envelope's other extensions use) */
static int internal_add(MTS_APDU_t *apdu, const struct p1_here *h,
			time_t now, long action,
			const GlobalDomainIdentifier_t *att_gdi,
			const char *att_mta)
{
	void **listp = p1_env_extensions(apdu);
	ExtensionField_t *f = p1_ext_find(*listp,
			StandardExtension_internal_trace_information);
	InternalTraceInformation_t *it;
	InternalTraceInformationElement_t *e;
	int rc = 0;

	if (f && f->value) {
		it = p1_any_get(f->value, &asn_DEF_InternalTraceInformation);
		if (it == NULL)
			return P1_TRACE_BADITI;
	} else {
		it = XNEW(InternalTraceInformation_t);
	}
	if (it->list.count >= P1_UB_TRANSFERS) {
		ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
		return P1_TRACE_FULL;
	}
	e = XNEW(InternalTraceInformationElement_t);
	p1_gdi_fill(&e->global_domain_identifier, h->gdi);
	p1_str_set(&e->mta_name, h->mta);
	p1_time_set(&e->mta_supplied_information.arrival_time, now);
	e->mta_supplied_information.routing_action = action;
	if (att_mta) {
		e->mta_supplied_information.attempted =
		    XNEW(struct MTASuppliedInformation__attempted);
		e->mta_supplied_information.attempted->present =
		    MTASuppliedInformation__attempted_PR_mta;
		p1_str_set(&e->mta_supplied_information.attempted->choice.mta,
			   att_mta);
	} else if (att_gdi) {
		e->mta_supplied_information.attempted =
		    XNEW(struct MTASuppliedInformation__attempted);
		e->mta_supplied_information.attempted->present =
		    MTASuppliedInformation__attempted_PR_domain;
		p1_gdi_fill(&e->mta_supplied_information.attempted->choice
				     .domain, att_gdi);
	}
	p1_list_add(&it->list, e);
	if (f && f->value) {
		if (p1_any_set(f->value, &asn_DEF_InternalTraceInformation, it))
			rc = P1_TRACE_BADITI;
	} else if (!p1_ext_add(listp,
			       StandardExtension_internal_trace_information, 0,
			       &asn_DEF_InternalTraceInformation, it,
			       p1_ext_form_of(*listp))) {
		rc = P1_TRACE_BADITI;
	}
	ASN_STRUCT_FREE(asn_DEF_InternalTraceInformation, it);
	return rc;
}

int p1_trace_arrive(MTS_APDU_t *apdu, const struct p1_here *h, time_t now)
{
	TraceInformation_t *t = p1_env_trace(apdu);
	int n = t->list.count, rc = 0;

	if (n == 0 || !p1_gdi_equal(&t->list.array[n - 1]
					     ->global_domain_identifier,
				     h->gdi))
		rc = p1_trace_add(t, h->gdi, now, RoutingAction_relayed, NULL);
	if (rc)
		return rc;
	return internal_add(apdu, h, now, RoutingAction_relayed, NULL, NULL);
}

int p1_trace_reroute(MTS_APDU_t *apdu, const struct p1_here *h, time_t now,
		     const GlobalDomainIdentifier_t *attempted_gdi,
		     const char *attempted_mta)
{
	int rc = 0;

	/* A domain-level element only when another MD was attempted: a
	 * failed MTA of our own MD is internal business. */
	if (attempted_gdi)
		rc = p1_trace_add(p1_env_trace(apdu), h->gdi, now,
				  RoutingAction_rerouted, attempted_gdi);
	if (rc)
		return rc;
	return internal_add(apdu, h, now, RoutingAction_rerouted,
			    attempted_gdi, attempted_mta);
}

int p1_trace_originate(MTS_APDU_t *apdu, const struct p1_here *h, time_t now)
{
	TraceInformation_t *t = p1_env_trace(apdu);
	int rc = 0;

	if (t->list.count == 0)
		rc = p1_trace_add(t, &p1_env_id(apdu)->global_domain_identifier,
				  now, RoutingAction_relayed, NULL);
	if (rc)
		return rc;
	return internal_add(apdu, h, now, RoutingAction_relayed, NULL, NULL);
}

int p1_trace_origin_ok(const MTS_APDU_t *apdu)
{
	const TraceInformation_t *t = p1_env_trace_c(apdu);

	return t->list.count > 0 &&
	       p1_gdi_equal(&t->list.array[0]->global_domain_identifier,
			    &p1_env_id(apdu)->global_domain_identifier);
}

int p1_trace_strip_internal(MTS_APDU_t *apdu)
{
	return p1_ext_remove(*p1_env_extensions(apdu),
			     StandardExtension_internal_trace_information);
}
