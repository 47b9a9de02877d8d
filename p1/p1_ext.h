/*
 * p1_ext.h - extension fields: what they are, and whether we may pass them
 *
 * SYNOPSIS
 *	#include "p1_ext.h"
 *
 *	struct p1_ext_info info;
 *	p1_ext_classify(field, &info);
 *	f = p1_ext_find(env->extensions, StandardExtension_latest_delivery_time);
 *	n = p1_ext_check(env->extensions, P1_CRIT_TRANSFER, &info);
 *	verdict = p1_ext_check_apdu(apdu, P1_CRIT_TRANSFER, &info, bad, nbad);
 *	f = p1_ext_add((void **)&env->extensions, number, crit, td, value, form);
 *	p1_ext_remove(env->extensions, number);
 *
 * DESCRIPTION
 *	An ExtensionField (X.411 9.1 and 12.2.1.1.1; the EXTENSION class)
 *	carries a type, a criticality and a value. Its type is a standard
 *	extension number or a private OBJECT IDENTIFIER; peers write it in
 *	one of two forms (see asn1/p1.asn1): [0] IMPLICIT INTEGER / [3]
 *	IMPLICIT OID (X.411 1992 onwards: 80 01 05), or [0] EXPLICIT around
 *	a universal INTEGER or OID (PP, the 1988 macro reading: A0 03 02 01
 *	05). Both are read; the form is kept in p1_ext_info, and a field we
 *	relay is never re-encoded (its ANY keeps the peer's octets).
 *
 *	Criticality (X.411 9.1): three bits, critical-for-submission (0),
 *	-transfer (1), -delivery (2). An MTA that does not support an
 *	extension marked critical for transfer must not transfer the
 *	object: the recipients concerned get a non-delivery report with
 *	reason unable-to-transfer (1) and diagnostic
 *	unsupported-critical-function (18) (X.411 9.1, 14.3; the codes are
 *	NonDeliveryReasonCode / NonDeliveryDiagnosticCode of X.411 Figure
 *	2). The same holds for critical for delivery, at delivery. An
 *	extension that is not critical for the stage is relayed unchanged,
 *	whether we know it or not.
 *
 *	"Supported" here means x400d carries out the extension's function
 *	(or the function cannot arise in x400d): recipient-reassignment-
 *	prohibited (1), dl-expansion-prohibited (3) and conversion-with-loss-
 *	prohibited (4) (x400d never reassigns, expands or converts),
 *	latest-delivery-time (5, honoured), originator-return-address (13),
 *	content-correlator (23, copied into reports), redirection-history
 *	(25), dl-expansion-history (26), originator-and-DL-expansion-history
 *	(30), reporting-DL-name (31), trace-information (37),
 *	internal-trace-information (38), reporting-MTA-name (39),
 *	dl-exempted-recipients (42). Every other standard extension
 *	(alternate recipients, physical delivery, security) and every
 *	private one is unsupported.
 *
 * OWNERSHIP
 *	Lists are the asn1c SET OF ExtensionField members of the envelopes
 *	(passed as void *, any of them). p1_ext_add() allocates the list if
 *	*listp is NULL; the envelope owns what it adds.
 *
 * DIAGNOSTICS
 *	p1_ext_classify() returns -1 for a type it cannot read (info.kind
 *	is P1_EXT_BAD); such a field is treated as unsupported.
 */
#ifndef X400_P1_EXT_H
#define X400_P1_EXT_H

#include "ExtensionField.h"
#include "MTS-APDU.h"
#include "StandardExtension.h"

enum {
	P1_CRIT_SUBMISSION = 1,		/* Criticality bit 0 */
	P1_CRIT_TRANSFER = 2,		/* bit 1 */
	P1_CRIT_DELIVERY = 4		/* bit 2 */
};

enum p1_ext_kind { P1_EXT_STANDARD, P1_EXT_PRIVATE, P1_EXT_BAD };
enum p1_ext_form {
	P1_EXTF_IMPLICIT,	/* 80 INTEGER / 83 OID (X.411 1992+) */
	P1_EXTF_EXPLICIT	/* A0 { 02 INTEGER | 06 OID } (X.411 1988, PP) */
};

/* The X.411 edition a peer speaks, where the wire forms differ (see
 *	docs/editions.md): 1988 writes an extension's type [0] EXPLICIT,
 *	1992 and later [0] / [3] IMPLICIT. 1988 is the zero value. */
enum p1_edition { P1_EDITION_1988, P1_EDITION_1992 };
#define P1_EDITION_FORM(e) \
	((e) == P1_EDITION_1992 ? P1_EXTF_IMPLICIT : P1_EXTF_EXPLICIT)
/* p1_edition_name - "1988" or "1992" */
const char *p1_edition_name(enum p1_edition e);
/* p1_edition_parse - "1988" or "1992" (also "1993", "1999", "2003":
 *	the 1992 tagging) into *e; -1 if none */
int	p1_edition_parse(const char *s, enum p1_edition *e);

struct p1_ext_info {
	enum p1_ext_kind kind;
	long		number;		/* standard extension number */
	char		oid[96];	/* private: dotted OID */
	enum p1_ext_form form;
	unsigned	crit;		/* P1_CRIT_* bits */
	int		supported;	/* see above */
	const char	*name;		/* "latest-delivery-time", "private" */
};

/* p1_ext_classify - what a field is (0), or -1 if its type is unreadable */
int	p1_ext_classify(const ExtensionField_t *f, struct p1_ext_info *info);
/* p1_ext_name - the name of standard extension n ("extension-n" if we
 *	know none) */
const char *p1_ext_name(long n);
/* p1_ext_supported - x400d supports standard extension n */
int	p1_ext_supported(long n);

/* p1_ext_find - the first field of a standard type in a list (NULL) */
ExtensionField_t *p1_ext_find(const void *list, long number);
/* p1_ext_check - the first field critical for stage (P1_CRIT_*) that we
 *	do not support: 1 and *bad filled, or 0 */
int	p1_ext_check(const void *list, unsigned stage, struct p1_ext_info *bad);

/* What p1_ext_check_apdu() found. */
enum p1_ext_verdict {
	P1_EXT_OK = 0,		/* relay (or deliver) as it is */
	P1_EXT_SOME = 1,	/* refuse the recipients marked in bad[] */
	P1_EXT_ALL = 2		/* refuse the whole object */
};
/* p1_ext_check_apdu - check every extension list of a message, probe
 *	or report for stage: per-object lists refuse all, per-recipient
 *	lists refuse their recipient (bad[i] = 1 for recipient i, nbad
 *	entries). *info names the first refused extension. */
enum p1_ext_verdict p1_ext_check_apdu(const MTS_APDU_t *apdu, unsigned stage,
				      struct p1_ext_info *info, int *bad,
				      int nbad);

/* p1_ext_list_fn - called with each extension list of an APDU (list
 *	may be NULL); recipient is -1 for the object's own lists */
typedef void (*p1_ext_list_fn)(void *list, int recipient, void *arg);
/* p1_ext_lists - call fn with every extension list of apdu */
void	p1_ext_lists(const MTS_APDU_t *apdu, p1_ext_list_fn fn, void *arg);
/* p1_ext_set_form - write the type of every extension field of apdu
 *	(envelope, per recipient, report content) in form: the edition a
 *	link speaks (P1_EXTF_EXPLICIT for X.411 1988, P1_EXTF_IMPLICIT for
 *	1992 and later); criticality and value are kept as they are.
 *	Returns how many fields were rewritten; a field whose type cannot
 *	be read is left alone. */
int	p1_ext_set_form(MTS_APDU_t *apdu, enum p1_ext_form form);

/* p1_ext_add - append a standard extension field holding value (of
 *	type td), with criticality crit, its type in the given form;
 *	returns the new field, or NULL if value does not encode */
ExtensionField_t *p1_ext_add(void **listp, long number, unsigned crit,
			     asn_TYPE_descriptor_t *td, const void *value,
			     enum p1_ext_form form);
/* p1_ext_form_of - the form the fields of a list use (the first one's;
 *	P1_EXTF_IMPLICIT for an empty list), to add in the same style */
enum p1_ext_form p1_ext_form_of(const void *list);
/* p1_ext_remove - drop every field of a standard type; returns how many */
int	p1_ext_remove(void *list, long number);
/* p1_ext_count - fields in a list (NULL is empty) */
int	p1_ext_count(const void *list);
/* p1_ext_at - field i of a list */
ExtensionField_t *p1_ext_at(const void *list, int i);

#endif
