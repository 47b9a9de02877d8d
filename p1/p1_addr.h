/*
 * p1_addr.h - O/R names and addresses as strings operators type
 *
 * SYNOPSIS
 *	#include "p1_addr.h"
 *
 *	ORAddress_t *a;  ORName_t *n;  struct p1_err err;
 *	rc = p1_oraddr_parse("C=GB;A= ;P=ACME;O=Sales;S=Smith", &a, &err);
 *	rc = p1_orname_parse(text, &n, &err);
 *	char *s = p1_oraddr_format(a);   char *s = p1_orname_format(n);
 *	p1_oraddr_equal(a, b);  p1_orname_equal(n, m);
 *	p1_orname_to_addr(n) / p1_oraddr_to_name(a)
 *
 *	rc = p1_attr_next(&p, delim, &attr, &err);  p1_attr_free(&attr);
 *	p1_attr_put(&buf, key, value, len, forced);
 *
 * DESCRIPTION
 *	The string form follows the labelled form of F.401 Annex F (ISO/IEC
 *	10021-2 Annex F; copied in RFC 1685): LABEL=value pairs separated
 *	by ';' (or, when the string starts with '/', by '/'), labels in any
 *	case. A delimiter inside a value is written twice (Annex F). The
 *	formatter writes labels in upper case, ';' with no space after it,
 *	in this order, each present attribute once:
 *
 *	  C A P O OU1..OU4 S G I Q CN X121 T-ID N-ID T-TY
 *	  T-CN T-O T-S T-G T-I T-Q T-OU1..T-OU4 DDA:type=v... T-DDA:type=v...
 *	  EA:n=hex... DN=hex
 *
 *	Built-in standard attributes (X.402 18.3 Table 10; X.411 Figure 2):
 *	  C   country-name: 2 letters (iso-3166-alpha2-code) or 3 digits
 *	      (x121-dcc-code). The two are never converted into each other.
 *	  A   administration-domain-name; "A= " is the usual blank ADMD.
 *	  P   private-domain-name.
 *	  O, OU1..OU4, S, G, I, Q (surname, given name, initials, generation
 *	      qualifier), X121 (network-address), T-ID (terminal-identifier),
 *	      N-ID (numeric-user-identifier).
 *	  DDA:type=value  a built-in domain-defined attribute (up to 4, in
 *	      order).
 *	A, P: a NumericString or a PrintableString. A value of digits and
 *	spaces (at least one digit) is read as NumericString, any other as
 *	PrintableString; "..." forces PrintableString (A="123"), n"..."
 *	forces NumericString (A=n" "). The formatter writes the marker only
 *	when the plain value would be read as the other choice.
 *	Extension attributes (X.402 18.3, X.411 Figure 2):
 *	  CN (1 common-name), T-CN (2), T-O (3), T-S/T-G/T-I/T-Q (4
 *	  teletex-personal-name), T-OU1..T-OU4 (5), T-DDA:type=value (6),
 *	  T-TY (23 terminal-type, a number).
 *	  EA:n=HEX  any extension attribute n, its value given as the hex of
 *	  its DER (the [1] EXPLICIT content); used for the types above when
 *	  a value does not decode as its type or its type appears more than
 *	  once (then for each), and for every other type: nothing is lost.
 *	  DN=HEX  the directory-name of an O/R name, as the hex of its DER.
 *	Escapes inside values: "\\" is a backslash, "\xHH" an octet;
 *	the formatter writes every octet outside printable ASCII as \xHH
 *	(teletex and IA5 values may hold any octet), and '"' as \x22 (a
 *	value starting with a quote is read as a choice marker). In a DDA type an '='
 *	is written \x3D. Values keep their spaces ("A= " is one space);
 *	spaces before a label are skipped.
 *
 *	Equality (p1_oraddr_equal) follows the matching rules of X.411
 *	14.3.1 / X.402 18.4 as implementations apply them: letters' case is
 *	not significant, leading and trailing spaces are ignored and runs
 *	of spaces count as one, in every printable, numeric and teletex
 *	value; the NumericString and PrintableString choices of A and P
 *	compare by their characters; a numeric country code never equals
 *	an alphabetic one; extension attributes compare as a set; DDAs in
 *	order; extension attributes shown in hex compare octet for octet.
 *	The directory name takes no part: O/R names compare by address.
 *
 * OWNERSHIP
 *	Parsed structures belong to the caller: ASN_STRUCT_FREE(
 *	asn_DEF_ORAddress / asn_DEF_ORName, p). Formatted strings are
 *	malloc()ed; the caller frees them.
 *
 * DIAGNOSTICS
 *	The parsers return 0 or a negative P1_E_*; err (may be NULL) then
 *	names the attribute label at fault, the offset in the input and a
 *	sentence for the operator.
 */
#ifndef X400_P1_ADDR_H
#define X400_P1_ADDR_H

#include <stddef.h>

#include "buf.h"
#include "ORAddress.h"
#include "ORName.h"

enum {
	P1_E_SYNTAX = -1,	/* no '=', empty label, bad escape, bad hex */
	P1_E_ATTR = -2,		/* unknown label */
	P1_E_VALUE = -3,	/* bad character, length or value */
	P1_E_DUP = -4,		/* attribute given twice, or too many */
	P1_E_MISSING = -5	/* a needed attribute is absent (G without S) */
};

struct p1_err {
	char	attr[24];	/* label at fault, "" if none */
	size_t	offset;		/* offset in the input */
	char	msg[160];	/* a sentence for the log */
};

/* p1_oraddr_parse, p1_orname_parse - the structure a string describes;
 *	*out is NULL on failure */
int	p1_oraddr_parse(const char *s, ORAddress_t **out, struct p1_err *err);
int	p1_orname_parse(const char *s, ORName_t **out, struct p1_err *err);

/* p1_oraddr_format, p1_orname_format - the canonical string (malloc()ed) */
char	*p1_oraddr_format(const ORAddress_t *a);
char	*p1_orname_format(const ORName_t *n);

/* p1_oraddr_equal, p1_orname_equal - same address under the matching
 *	rules above (1) or not (0) */
int	p1_oraddr_equal(const ORAddress_t *a, const ORAddress_t *b);
int	p1_orname_equal(const ORName_t *a, const ORName_t *b);

/* p1_orname_to_addr, p1_oraddr_to_name - deep copies between the two
 *	types (the directory name is dropped, or absent) */
ORAddress_t *p1_orname_to_addr(const ORName_t *n);
ORName_t *p1_oraddr_to_name(const ORAddress_t *a);

/* p1_oraddr_key - the normalised string equality compares (malloc()ed):
 *	stable, usable as an index key */
char	*p1_oraddr_key(const ORAddress_t *a);
char	*p1_orname_key(const ORName_t *n);

/* One LABEL=value of the string form, for the other parsers of this
 * syntax (p1_id, route). */
struct p1_attr {
	char	key[64];	/* label, upper-cased up to a ':' */
	char	*val;		/* unescaped value, NUL-terminated (malloc) */
	size_t	len;		/* octets in val (may hold NULs) */
	int	forced;		/* 0, 'p' for "...", 'n' for n"..." */
	size_t	offset;		/* offset of the label in the input */
};

/* p1_attr_delim - the delimiter of a string (';' or '/'), advancing
 *	*pp past a leading '/' */
char	p1_attr_delim(const char **pp);
/* p1_attr_next - the next pair at *pp: 1 one read, 0 at the end,
 *	negative P1_E_* on error (err filled). start is the whole input,
 *	for offsets. */
int	p1_attr_next(const char *start, const char **pp, char delim,
		     struct p1_attr *a, struct p1_err *err);
void	p1_attr_free(struct p1_attr *a);
/* p1_attr_put - append ";KEY=value" (no ';' when b is empty), escaping
 *	the value; forced adds the "..." / n"..." marker */
void	p1_attr_put(struct buf *b, const char *key, const void *v, size_t n,
		    int forced);
/* p1_err_set - fill err (may be NULL); returns code */
int	p1_err_set(struct p1_err *err, int code, const char *attr,
		   size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* p1_printable_ok, p1_numeric_ok - every octet is of the character set
 *	of PrintableString / NumericString (X.680 41.4, 41.2) */
int	p1_printable_ok(const void *v, size_t n);
int	p1_numeric_ok(const void *v, size_t n);
/* p1_numeric_default - the plain value would be read as NumericString */
int	p1_numeric_default(const void *v, size_t n);
/* p1_norm - a value as equality compares it: letters upper-cased,
 *	leading and trailing spaces dropped, runs of spaces made one
 *	(malloc()ed, NUL-terminated; *outn its length) */
char	*p1_norm(const void *v, size_t n, size_t *outn);
/* p1_buf_str - NUL-terminate a buf and hand its data over */
char	*p1_buf_str(struct buf *b);

#endif
