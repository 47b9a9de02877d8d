/*
 * target_oraddr.c - libFuzzer target: the O/R address string parser
 *
 * DESCRIPTION
 *	O/R addresses in string form come from configuration files and
 *	from tools (x400send, x400q): p1_orname_parse() and
 *	p1_oraddr_parse() must refuse bad text with an error, never crash,
 *	leak or loop. What they accept must format back to a string that
 *	parses to the same DER (the canonical form is a fixed point), and
 *	whose equality key is stable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "p1_addr.h"
#include "p1_asn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	ORName_t *n = NULL, *again = NULL;
	ORAddress_t *a = NULL;
	struct p1_err err;
	char *s, *s2;

	if (text == NULL || size > 8192) {
		free(text);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = 0;
	if (p1_oraddr_parse(text, &a, &err) == 0) {
		s = p1_oraddr_key(a);
		free(s);
		ASN_STRUCT_FREE(asn_DEF_ORAddress, a);
	}
	if (p1_orname_parse(text, &n, &err) == 0) {
		s = p1_orname_format(n);
		if (p1_orname_parse(s, &again, &err) != 0 ||
		    !p1_same(&asn_DEF_ORName, n, again) ||
		    !p1_orname_equal(n, again))
			abort();
		s2 = p1_orname_format(again);
		if (strcmp(s, s2) != 0)
			abort();
		free(s);
		free(s2);
		ASN_STRUCT_FREE(asn_DEF_ORName, n);
		ASN_STRUCT_FREE(asn_DEF_ORName, again);
	}
	free(text);
	return 0;
}
