/*
 * xc_check.c - what x400conf expects of relays and reports
 *
 * See xc_check.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "p1_addr.h"
#include "p1_asn.h"
#include "p1_env.h"
#include "p1_ext.h"
#include "p1_id.h"
#include "p1_report.h"
#include "xc_build.h"
#include "xc_check.h"

#include "TraceInformationElement.h"

#define SKEW_S		600	/* arrival times within ten minutes */
#define EXT_ITI		38	/* internal-trace-information */

const char *xc_ndr_reason_name(long r)
{
	static const char *const n[] = {
		"transfer-failure", "unable-to-transfer",
		"conversion-not-performed", "physical-rendition-not-performed",
		"physical-delivery-not-performed", "restricted-delivery",
		"directory-operation-unsuccessful",
		"deferred-delivery-not-performed",
		"transfer-failure-for-security-reason"
	};

	return r >= 0 && r < 9 ? n[r] : r == -1 ? "none" : "?";
}

const char *xc_ndr_diag_name(long d)
{
	static const char *const n[] = {
		"unrecognised-OR-name", "ambiguous-OR-name", "mts-congestion",
		"loop-detected", "recipient-unavailable",
		"maximum-time-expired",
		"encoded-information-types-unsupported", "content-too-long",
		"conversion-impractical", "implicit-conversion-prohibited",
		"implicit-conversion-not-subscribed", "invalid-arguments",
		"content-syntax-error", "size-constraint-violation",
		"protocol-violation", "content-type-not-supported",
		"too-many-recipients", "no-bilateral-agreement",
		"unsupported-critical-function"
	};

	return d >= 0 && d < 19 ? n[d] : d == -1 ? "none" : "?";
}

/* why_nothing - the reason a relay or report did not come */
static void why_nothing(struct xc *x, const char *what, const char *id)
{
	const char *p = xc_inbox_problems(x);
	struct xc_msg *r = xc_inbox_find(x, P1_REPORT, id, NULL);
	struct p1_report_entry *e = NULL;
	int n = 0;

	if (r && r->apdu && p1_report_parse(r->apdu, &e, &n) == 0 && n > 0 &&
	    !e[0].delivered) {
		xc_fail(x, "no %s %s arrived at x400conf within %u s: the "
			"target sent a non-delivery report instead (%s, %s)",
			what, id, x->cfg.relay_ms / 1000,
			xc_ndr_reason_name(e[0].reason),
			xc_ndr_diag_name(e[0].diagnostic));
		free(e);
		return;
	}
	free(e);
	xc_fail(x, "no %s %s arrived at x400conf within %u s%s%s", what, id,
		x->cfg.relay_ms / 1000, p[0] ? "; " : " (the target never "
		"bound to x400conf, or bound and sent nothing)", p);
}

struct xc_msg *xc_expect_relay(struct xc *x, const MTS_APDU_t *sent)
{
	char *id = xc_apdu_id(sent);
	int kind = (int)p1_env_kind(sent);
	struct xc_msg *m = xc_inbox_wait(x, kind, id, x->cfg.relay_ms);

	if (m == NULL) {
		why_nothing(x, kind == P1_PROBE ? "relayed probe" :
			    "relayed message", id);
	} else if (m->mode != x->cfg.t_mode) {
		xc_fail(x, "the target relayed %s over an association in %s "
			"mode; target.mode says it uses %s mode on its link "
			"to x400conf", id, m->mode == RTSE_X410 ?
			"X.410-1984" : "normal", x->cfg.t_mode == RTSE_X410 ?
			"X.410-1984" : "normal");
	}
	free(id);
	return m;
}

struct xc_msg *xc_expect_report(struct xc *x, const char *subject)
{
	struct xc_msg *m = xc_inbox_wait(x, P1_REPORT, subject,
					 x->cfg.relay_ms);

	if (m == NULL)
		why_nothing(x, "report on", subject);
	return m;
}

struct nothing_arg {
	struct xc	*x;
	int		kind;
	const char	*id;
};

static int arrived(void *arg)
{
	struct nothing_arg *a = arg;

	return xc_inbox_find(a->x, a->kind, a->id, NULL) != NULL;
}

int xc_expect_nothing(struct xc *x, int kind, const char *id, unsigned ms)
{
	struct nothing_arg a = { x, kind, id };

	if (!xc_wait(x, arrived, &a, ms))
		return 1;
	xc_fail(x, "the target relayed %s %s, which it should not have",
		kind == P1_REPORT ? "a report on" : "", id);
	return 0;
}

/* ---- relayed copies ---------------------------------------------- */

/* same_outcomes - what survives an X.410-1984 downgrade of a report:
 *	the subject, and each recipient's name and outcome */
static int same_outcomes(const MTS_APDU_t *a, const MTS_APDU_t *b)
{
	struct p1_report_entry *ea = NULL, *eb = NULL;
	int na = 0, nb = 0, i, ok;

	ok = p1_mtsid_equal(p1_env_subject_id(a), p1_env_subject_id(b)) &&
	    p1_report_parse(a, &ea, &na) == 0 &&
	    p1_report_parse(b, &eb, &nb) == 0 && na == nb;
	for (i = 0; ok && i < na; i++)
		ok = p1_orname_equal(ea[i].actual, eb[i].actual) &&
		    ea[i].delivered == eb[i].delivered &&
		    ea[i].reason == eb[i].reason;
	free(ea);
	free(eb);
	return ok;
}

static int same_der(asn_TYPE_descriptor_t *td, const void *a, const void *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return p1_same(td, a, b);
}

/* der_hex - a value's DER in hexadecimal ("none" for NULL), at most
 *	n - 1 characters */
static const char *der_hex(asn_TYPE_descriptor_t *td, const void *v,
			   char *out, size_t n)
{
	unsigned char d[64];
	asn_enc_rval_t er;
	size_t i, o = 0;

	if (v == NULL)
		return snprintf(out, n, "none"), out;
	er = der_encode_to_buffer(td, (void *)v, d, sizeof(d));
	if (er.encoded < 0)
		return snprintf(out, n, "(over %zu octets)", sizeof(d)), out;
	out[0] = 0;
	for (i = 0; i < (size_t)er.encoded && o + 3 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%02x", i ? " " : "",
				      d[i]);
	return out;
}

/* empty_eits - an EncodedInformationTypes with no type in it */
static int empty_eits(const EncodedInformationTypes_t *e)
{
	const BIT_STRING_t *b;
	int i;

	if (e == NULL || e->g3_facsimile ||
	    e->teletex || e->extended_encoded_information_types)
		return 0;
	b = &e->built_in_encoded_information_types;
	for (i = 0; i < b->size; i++)
		if (b->buf[i])
			return 0;
	return 1;
}

/* field - fail when one field differs */
static int field(struct xc *x, const char *id, const char *name, int same)
{
	if (!same)
		xc_fail(x, "the relayed %s has a different %s than we sent "
			"(X.411 12.2.1.1: a relaying MTA keeps it)", id, name);
	return same;
}

/* ext_same - every extension of a but internal trace is in b,
 *	octet for octet, and b adds none but internal trace */
static int ext_same(struct xc *x, const char *id, const char *where,
		    const void *a, const void *b)
{
	int lax = x->cfg.t_mode == RTSE_X410;
	int i, k, na = p1_ext_count(a), nb = p1_ext_count(b), ok = 1;
	struct p1_ext_info ia, ib;

	for (i = 0; i < na; i++) {
		ExtensionField_t *f = p1_ext_at(a, i);
		int found = 0;

		if (p1_ext_classify(f, &ia) == 0 &&
		    ia.kind == P1_EXT_STANDARD && ia.number == EXT_ITI)
			continue;
		for (k = 0; k < nb && !found; k++)
			found = p1_same(&asn_DEF_ExtensionField, f,
					p1_ext_at(b, k));
		if (!found && lax) {
			xc_note(x, "the relayed %s lost the %s extension %s "
				"(%ld): the X.410-1984 downgrade (X.419 Annex "
				"B) drops extensions", id, where, ia.name,
				ia.number);
		} else if (!found) {
			xc_fail(x, "the relayed %s lost or changed the %s "
				"extension %s (%ld%s%s) (X.411 9.1: an "
				"extension an MTA does not act on is relayed "
				"unchanged)", id, where, ia.name, ia.number,
				ia.kind == P1_EXT_PRIVATE ? " " : "",
				ia.kind == P1_EXT_PRIVATE ? ia.oid : "");
			ok = 0;
		}
	}
	for (k = 0; k < nb; k++) {
		ExtensionField_t *f = p1_ext_at(b, k);
		int found = 0;

		if (p1_ext_classify(f, &ib) == 0 &&
		    ib.kind == P1_EXT_STANDARD && ib.number == EXT_ITI)
			continue;
		for (i = 0; i < na && !found; i++)
			found = p1_same(&asn_DEF_ExtensionField, f,
					p1_ext_at(a, i));
		if (!found)
			xc_note(x, "the relayed %s carries a %s extension we "
				"did not send: %s (%ld)", id, where, ib.name,
				ib.number);
	}
	return ok;
}

int xc_recipient_index(const MTS_APDU_t *a, const char *rcpt)
{
	ORName_t *n = NULL;
	struct p1_recip r;
	int i, found = -1;

	if (p1_orname_parse(rcpt, &n, NULL) != 0)
		return -1;
	for (i = 0; i < p1_env_recipient_count(a) && found < 0; i++) {
		p1_env_recipient(a, i, &r);
		if (p1_orname_equal(r.name, n))
			found = i;
	}
	ASN_STRUCT_FREE(asn_DEF_ORName, n);
	return found;
}

int xc_check_same(struct xc *x, const MTS_APDU_t *sent,
		  const MTS_APDU_t *got)
{
	char *id = xc_apdu_id(sent);
	int ok = 1, i, k, b;
	time_t t1 = 0, t2 = 0;

	if (p1_env_kind(sent) != p1_env_kind(got)) {
		xc_fail(x, "%s came back as a %s", id, p1_env_kind_name(got));
		free(id);
		return 0;
	}
	if (p1_env_kind(sent) == P1_REPORT) {
		char *gid = xc_apdu_id(got);

		ok &= field(x, id, "report identifier", strcmp(id, gid) == 0);
		free(gid);
		ok &= field(x, id, "report destination", p1_orname_equal(
			    p1_env_report_destination(sent),
			    p1_env_report_destination(got)));
		if (x->cfg.t_mode == RTSE_X410)
			ok &= field(x, id, "report subject or outcomes",
				    same_outcomes(sent, got));
		else
			ok &= field(x, id, "report content (subject, "
				    "recipients, outcomes)", p1_same(
				    &asn_DEF_ReportTransferContent,
				    &sent->choice.report.content,
				    &got->choice.report.content));
		ok &= ext_same(x, id, "report envelope",
			       p1_env_extensions_c(sent),
			       p1_env_extensions_c(got));
		free(id);
		return ok;
	}
	ok &= field(x, id, "originator", p1_orname_equal(
		    p1_env_originator(sent), p1_env_originator(got)));
	ok &= field(x, id, "content type", same_der(&asn_DEF_ContentType,
		    p1_env_content_type(sent), p1_env_content_type(got)));
	ok &= field(x, id, "priority", p1_env_priority(sent) ==
		    p1_env_priority(got));
	for (b = 0; b < 8; b++)
		if (p1_env_pmi(sent, b) != p1_env_pmi(got, b))
			ok &= field(x, id, "per-message indicators", 0);
	ok &= field(x, id, "deferred delivery time",
		    p1_env_deferred_time(sent, &t1) ==
		    p1_env_deferred_time(got, &t2) && t1 == t2);
	if (p1_env_kind(sent) == P1_MESSAGE) {
		const MessageTransferEnvelope_t *e1 =
		    &sent->choice.message.envelope;
		const MessageTransferEnvelope_t *e2 =
		    &got->choice.message.envelope;

		ok &= field(x, id, "content identifier", same_der(
			    &asn_DEF_ContentIdentifier, e1->content_identifier,
			    e2->content_identifier));
		if (x->cfg.t_mode == RTSE_X410 &&
		    e1->original_encoded_information_types == NULL &&
		    e2->original_encoded_information_types != NULL)
			xc_note(x, "the relayed %s gained original encoded "
				"information types (mandatory in X.411 1984: "
				"the downgrade of X.419 Annex B)", id);
		else if (e1->original_encoded_information_types == NULL &&
			 empty_eits(e2->original_encoded_information_types)) {
			xc_note(x, "the relayed %s gained an empty set of "
				"original encoded information types (65 03 80 "
				"01 00): the same as none, noted", id);
			xc_pics(x, "p1.eits", "adds an empty set to a message "
				"sent without one");
		} else if (!same_der(&asn_DEF_EncodedInformationTypes,
				   e1->original_encoded_information_types,
				   e2->original_encoded_information_types)) {
			char h1[100], h2[100];

			xc_fail(x, "the relayed %s has different original "
				"encoded information types than we sent "
				"(sent %s, came back %s; X.411 12.2.1.1: a "
				"relaying MTA keeps them)", id,
				der_hex(&asn_DEF_EncodedInformationTypes,
					e1->original_encoded_information_types,
					h1, sizeof(h1)),
				der_hex(&asn_DEF_EncodedInformationTypes,
					e2->original_encoded_information_types,
					h2, sizeof(h2)));
			ok = 0;
		}
		if (sent->choice.message.content.size !=
		    got->choice.message.content.size ||
		    (sent->choice.message.content.size > 0 &&
		     memcmp(sent->choice.message.content.buf,
			   got->choice.message.content.buf,
			   (size_t)sent->choice.message.content.size) != 0)) {
			xc_fail(x, "the relayed %s has different content: %d "
				"octets sent, %d came back%s", id,
				sent->choice.message.content.size,
				got->choice.message.content.size,
				sent->choice.message.content.size ==
				got->choice.message.content.size ?
				", not the same octets" : "");
			ok = 0;
		}
	} else if (p1_env_kind(sent) == P1_PROBE) {
		ok &= field(x, id, "content length", p1_env_content_length(
			    sent) == p1_env_content_length(got));
	}
	ok &= ext_same(x, id, "per-message", p1_env_extensions_c(sent),
		       p1_env_extensions_c(got));
	for (i = 0; i < p1_env_recipient_count(sent); i++) {
		struct p1_recip r1, r2;
		char *name;

		p1_env_recipient(sent, i, &r1);
		name = p1_orname_format(r1.name);
		k = xc_recipient_index(got, name);
		if (k < 0 && !r1.responsible &&
		    !p1_env_pmi(sent, PerMessageIndicators_disclosure_of_other_recipients)) {
			/* X.411 12.2.1.1.1: a recipient the MTA is not
			 * responsible for need not travel on when the
			 * originator did not ask to disclose recipients */
			xc_note(x, "the relayed %s left out recipient %s, for "
				"which the target was not responsible "
				"(disclosure-of-recipients not set): allowed",
				id, name);
			xc_pics(x, "p1.nonresp", "left out without disclosure");
			free(name);
			continue;
		}
		if (k < 0) {
			xc_fail(x, "the relayed %s lost recipient %s", id, name);
			ok = 0;
			free(name);
			continue;
		}
		p1_env_recipient(got, k, &r2);
		if (r1.number != r2.number) {
			xc_fail(x, "the relayed %s renumbered recipient %s "
				"from %ld to %ld", id, name, r1.number,
				r2.number);
			ok = 0;
		}
		if (r1.orig_req != r2.orig_req) {
			xc_fail(x, "the relayed %s changed the originator's "
				"report request of %s", id, name);
			ok = 0;
		}
		ok &= ext_same(x, id, "per-recipient", r1.extensions,
			       r2.extensions);
		free(name);
	}
	free(id);
	return ok;
}

/* gdi_text - a trace element's domain as text (static) */
static const char *gdi_text(const GlobalDomainIdentifier_t *g)
{
	static char s[200];
	char *t = p1_gdi_format(g);

	snprintf(s, sizeof(s), "%s", t ? t : "?");
	free(t);
	return s;
}

int xc_check_trace(struct xc *x, const MTS_APDU_t *sent,
		   const MTS_APDU_t *got)
{
	const TraceInformation_t *a = p1_env_trace_c(sent);
	const TraceInformation_t *b = p1_env_trace_c(got);
	GlobalDomainIdentifier_t *target = xc_gdi(x->cfg.t_domain);
	char *id = xc_apdu_id(sent);
	time_t now = time(NULL), t;
	int i, ok = 1;

	if (b == NULL || b->list.count <= a->list.count) {
		xc_fail(x, "the target added no trace element of its own to "
			"%s (%d elements sent, %d came back; X.411 "
			"12.2.1.1.1: each domain adds one on entry)", id,
			a->list.count, b ? b->list.count : 0);
		ok = 0;
		goto out;
	}
	for (i = 0; i < a->list.count && ok; i++)
		if (!p1_same(&asn_DEF_TraceInformationElement,
			     a->list.array[i], b->list.array[i])) {
			xc_fail(x, "trace element %d of %s changed on the way "
				"(%s came back for %s)", i, id,
				gdi_text(&b->list.array[i]->
					 global_domain_identifier),
				gdi_text(&a->list.array[i]->
					 global_domain_identifier));
			ok = 0;
		}
	for (i = a->list.count; i < b->list.count && ok; i++) {
		const TraceInformationElement_t *e = b->list.array[i];

		if (!p1_gdi_equal(&e->global_domain_identifier, target)) {
			xc_fail(x, "trace element %d added to %s names domain "
				"%s, not the target's (target.domain %s)", i,
				id, gdi_text(&e->global_domain_identifier),
				x->cfg.t_domain);
			ok = 0;
		} else if (e->domain_supplied_information.routing_action !=
			   0) {
			xc_fail(x, "the target's trace element on %s says "
				"routing action %ld, not relayed (0)", id,
				e->domain_supplied_information.routing_action);
			ok = 0;
		} else if (p1_time_get(&e->domain_supplied_information.
				       arrival_time, &t) != 0) {
			xc_fail(x, "the target's trace element on %s has a "
				"malformed arrival time", id);
			ok = 0;
		} else if (t < now - SKEW_S || t > now + SKEW_S) {
			xc_fail(x, "the target's trace element on %s gives "
				"arrival time %ld, %ld s from our clock", id,
				(long)t, (long)(t - now));
			ok = 0;
		}
	}
	if (ok)
		xc_note(x, "trace of %s: %d elements sent, %d came back, the "
			"added ones of %s, relayed", id, a->list.count,
			b->list.count, x->cfg.t_domain);
out:
	codec_free(&asn_DEF_GlobalDomainIdentifier, target);
	free(id);
	return ok;
}

int xc_check_report(struct xc *x, const MTS_APDU_t *report,
		    const MTS_APDU_t *sent, const char *rcpt, int delivered,
		    long reason, long diag, int strict_diag)
{
	struct p1_report_entry *e = NULL;
	ORName_t *want = NULL;
	char *sid = xc_apdu_id(sent), *rid = xc_apdu_id(report);
	const TraceInformation_t *tr = p1_env_trace_c(report);
	int n = 0, i, ok = 1, found = 0;

	if (p1_report_parse(report, &e, &n) != 0) {
		xc_fail(x, "the report %s on %s does not read as a report",
			rid, sid);
		ok = 0;
		goto out;
	}
	if (!p1_orname_equal(p1_env_report_destination(report),
			     p1_env_originator(sent))) {
		char *d = p1_orname_format(p1_env_report_destination(report));

		xc_fail(x, "the report on %s goes to %s, not to the "
			"originator (X.411 12.2.1.3.1.2)", sid, d ? d : "?");
		free(d);
		ok = 0;
	}
	if (tr == NULL || tr->list.count < 1 ||
	    !p1_trace_origin_ok(report)) {
		xc_fail(x, "the report %s does not begin its trace with the "
			"domain of its identifier (X.411 12.2.1.1.1)", rid);
		ok = 0;
	}
	if (p1_orname_parse(rcpt, &want, NULL) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (!p1_orname_equal(e[i].actual, want))
			continue;
		found = 1;
		if (e[i].delivered != delivered) {
			xc_fail(x, "the report on %s says %s %s, expected %s",
				sid, rcpt, e[i].delivered ? "delivered" :
				"not delivered", delivered ? "delivered" :
				"non-delivery");
			ok = 0;
		} else if (!delivered && reason >= 0 && e[i].reason != reason) {
			xc_fail(x, "the non-delivery report on %s gives reason "
				"%s (%ld), expected %s (%ld)", sid,
				xc_ndr_reason_name(e[i].reason), e[i].reason,
				xc_ndr_reason_name(reason), reason);
			ok = 0;
		} else if (!delivered && diag >= 0 && e[i].diagnostic != diag) {
			if (strict_diag && x->cfg.t_mode != RTSE_X410) {
				xc_fail(x, "the non-delivery report on %s gives "
					"diagnostic %s (%ld), expected %s "
					"(%ld)", sid,
					xc_ndr_diag_name(e[i].diagnostic),
					e[i].diagnostic, xc_ndr_diag_name(diag),
					diag);
				ok = 0;
			} else {
				xc_note(x, "the non-delivery report gives "
					"diagnostic %s (%ld); %s (%ld) is the "
					"usual one", xc_ndr_diag_name(
					e[i].diagnostic), e[i].diagnostic,
					xc_ndr_diag_name(diag), diag);
			}
		}
		if (ok)
			xc_note(x, "report %s on %s: %s %s%s%s%s%s", rid, sid,
				rcpt, e[i].delivered ? "delivered" :
				"not delivered", e[i].delivered ? "" : ", ",
				e[i].delivered ? "" :
				xc_ndr_reason_name(e[i].reason),
				e[i].delivered ? "" : "/",
				e[i].delivered ? "" :
				xc_ndr_diag_name(e[i].diagnostic));
	}
	if (!found) {
		xc_fail(x, "the report on %s does not name recipient %s", sid,
			rcpt);
		ok = 0;
	}
out:
	if (want)
		ASN_STRUCT_FREE(asn_DEF_ORName, want);
	free(e);
	free(sid);
	free(rid);
	return ok;
}
