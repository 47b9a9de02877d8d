/*
 * p1_id.h - MTS identifiers, global domain identifiers, MTA names
 *
 * SYNOPSIS
 *	#include "p1_id.h"
 *
 *	char *s = p1_gdi_format(gdi);          "C=GB;A= ;P=ACME"
 *	rc = p1_gdi_parse("C=GB;A= ;P=ACME", &gdi, &err);
 *	p1_gdi_equal(a, b);
 *	rc = p1_gdi_from_oraddr(&orname->built_in_standard_attributes, &gdi);
 *	char *s = p1_mtsid_format(id);         "C=GB;A= ;P=ACME;L=4711"
 *	rc = p1_mtsid_parse(s, &id, &err);
 *	id = p1_mtsid_make(gdi, mta_name, now, seq);
 *	p1_mtaname_ok(name);  p1_mtaname_equal(mtaname, "mta1.acme");
 *
 * DESCRIPTION
 *	GlobalDomainIdentifier (X.411 12.2.1.1.1, ASN.1 Figure 2)
 *	identifies a management domain: country, ADMD and optional PRMD
 *	identifier. Its string form uses the O/R address labels C, A, P
 *	with the same rules (p1_addr.h): "C=GB;A= ;P=ACME".
 *
 *	MTSIdentifier (X.411 Figure 2 MTSIdentifier: the message, probe and
 *	report identifiers of 12.2.1.x) is a GDI and a local identifier
 *	(IA5String, 1..ub-local-id-length = 32). Its string form is the
 *	GDI's followed by ";L=" and the local identifier, escaped as any
 *	value of the string form (";" doubled, "\\" and "\xHH" for octets
 *	outside printable ASCII). The form is exact (no case folding):
 *	the store indexes messages by it, and two identifiers are the same
 *	exactly when their strings are.
 *
 *	p1_mtsid_make() makes a fresh identifier for our domain:
 *	"YYYYMMDDHHMMSS.<seq in base 36>.<tag>" where the tag is the MTA
 *	name if it fits in the 32 characters, else 8 hex digits of a hash
 *	(FNV-1a) of it. It is unique as long as the caller never gives
 *	one MTA the same seq twice within one second (x400d keeps a
 *	counter). X.411 requires the identifier to be unique within the
 *	domain for the message's lifetime (12.2.1.1.1.1).
 *
 *	MTAName is an IA5String of 1..ub-mta-name-length (32); we accept
 *	printable ASCII only for names we configure, and compare names
 *	without regard to letters' case (PP and ISODE do the same).
 *
 * OWNERSHIP
 *	Returned structures: ASN_STRUCT_FREE(asn_DEF_GlobalDomainIdentifier
 *	/ asn_DEF_MTSIdentifier, p). Strings are malloc()ed.
 *
 * DIAGNOSTICS
 *	Parsers return 0 or a negative P1_E_* with err filled (p1_addr.h).
 */
#ifndef X400_P1_ID_H
#define X400_P1_ID_H

#include <stdint.h>
#include <time.h>

#include "GlobalDomainIdentifier.h"
#include "MTAName.h"
#include "MTSIdentifier.h"
#include "BuiltInStandardAttributes.h"
#include "p1_addr.h"

char	*p1_gdi_format(const GlobalDomainIdentifier_t *g);
int	p1_gdi_parse(const char *s, GlobalDomainIdentifier_t **out,
		     struct p1_err *err);
/* p1_gdi_equal - same domain: letters' case and spaces do not count,
 *	as for O/R addresses */
int	p1_gdi_equal(const GlobalDomainIdentifier_t *a,
		     const GlobalDomainIdentifier_t *b);
/* p1_gdi_from_oraddr - the domain an O/R address names (C, A and P);
 *	0, or -1 if it has no country or no ADMD */
int	p1_gdi_from_oraddr(const BuiltInStandardAttributes_t *b,
			   GlobalDomainIdentifier_t **out);
/* p1_gdi_fill - copy a GDI into a caller's (embedded) structure */
void	p1_gdi_fill(GlobalDomainIdentifier_t *dst,
		    const GlobalDomainIdentifier_t *src);

char	*p1_mtsid_format(const MTSIdentifier_t *id);
int	p1_mtsid_parse(const char *s, MTSIdentifier_t **out,
		       struct p1_err *err);
int	p1_mtsid_equal(const MTSIdentifier_t *a, const MTSIdentifier_t *b);
/* p1_mtsid_make - a fresh identifier (see above) */
MTSIdentifier_t *p1_mtsid_make(const GlobalDomainIdentifier_t *gdi,
			       const char *mta_name, time_t now,
			       uint64_t seq);
/* p1_mtsid_fill - p1_mtsid_make into a caller's (embedded) structure */
void	p1_mtsid_fill(MTSIdentifier_t *dst, const GlobalDomainIdentifier_t *gdi,
		      const char *mta_name, time_t now, uint64_t seq);

/* p1_mtaname_ok - a name we may configure: 1..32 printable ASCII */
int	p1_mtaname_ok(const char *name);
/* p1_mtaname_equal - an MTAName is this name (case-insensitive) */
int	p1_mtaname_equal(const MTAName_t *n, const char *name);

#endif
