/*
 * target_cfg.c - libFuzzer target: the configuration file
 *
 * DESCRIPTION
 *	The configuration is read by libconfig and checked by cfg_load
 *	(mta/cfg.c), which also drives the selector, address, allow-list
 *	(acl_add) and password-verifier (auth_verifier_parse) parsers.
 *	Whatever the text, cfg_load_string() must accept it or refuse it
 *	with a message, never crash, leak or loop; what it accepts must
 *	dump, and compare equal to itself (cfg_diff).
 *
 *	Host names are not resolved (CFG_NO_RESOLVE) and the secrets file
 *	is not read (CFG_NO_SECRETS); input with an '@' is skipped, so
 *	that "@include" cannot make the fuzzer read arbitrary files.
 *
 *	libconfig 1.5 (Debian 12) leaks the string of the token its
 *	parser holds when it meets a syntax error (its grammar has no
 *	%destructor): a few octets per refused file, found by this
 *	target (crashes/cfg/libconfig-leak-*). It is not ours to fix, so
 *	LeakSanitizer is told to ignore allocations made inside libconfig;
 *	every other leak still fails the run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "auth.h"
#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* __lsan_default_suppressions - read by LeakSanitizer at start */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CFG_ERRLEN], *text, *dump = NULL, *nl;
	struct auth_verifier *v;
	struct cfg_diff d;
	struct cfg_sel sel;
	struct acl *a;
	size_t n;
	struct cfg c;
	FILE *fp;

	if (size > 65536 || memchr(data, '@', size))
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (cfg_load_string(text, "fuzz.conf", "/nonexistent",
			    CFG_NO_RESOLVE | CFG_NO_SECRETS, &c, err,
			    sizeof(err)) == 0) {
		if (strlen(err) != 0)
			abort();
		fp = open_memstream(&dump, &n);
		if (fp) {
			cfg_dump(&c, fp);
			fclose(fp);
			free(dump);
		}
		if (cfg_diff(&c, &c, &d) != 0)
			abort();
		cfg_diff_free(&d);
		cfg_free(&c);
	} else if (err[0] == 0) {
		abort();		/* refused without a reason */
	}
	/* the first line alone, as a value of each small parser */
	if ((nl = strchr(text, '\n')) != NULL)
		*nl = 0;
	if (auth_verifier_parse(text, 1, &v, err, sizeof(err)) == 0)
		auth_verifier_free(v);
	a = acl_new();
	acl_add(a, text, ACL_NO_RESOLVE, err, sizeof(err));
	acl_describe(a, err, sizeof(err));
	acl_free(a);
	cfg_sel_parse(text, CFG_SEL_MAX, &sel, err, sizeof(err));
	free(text);
	return 0;
}
