/*
 * test_cfg.c - the x400d configuration file (cfg_): the example in docs/
 * loads, every error names file, line and key, defaults, inheritance,
 * secrets, reload differences, what differs from the defaults (x400d -n)
 *
 * Run from the top of the tree (make check does), so that
 * docs/x400d.conf.example is found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "cfg.h"

/* Lines 1 and 2 of most cases; a link from line 3. */
#define G "global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; " \
	  "queue_dir = \"/q\"; };\n"
#define L "listen = { addresses = [ \"127.0.0.1\" ]; };\n"
#define LINK_TOP "links = ( { name = \"to-B\"; peer_mta = \"mta-b\"; " \
		 "peer_password = \"\";\n"
#define LINK_HEAD LINK_TOP "  addresses = ( { host = \"127.0.0.2\"; } );\n"
#define LINK(extra) LINK_HEAD extra "} );\n"
#define ROUTE "routing = { routes = ( { pattern = \"C=XX;A=ADMDB\"; " \
	      "link = \"to-B\"; } ); };\n"

static const char minimal[] = G L LINK("") ROUTE;

/* load - text that must load (flags as given) */
static void load(const char *text, int flags, struct cfg *c)
{
	char err[CFG_ERRLEN];

	if (cfg_load_string(text, "t.conf", "/etc/x400", flags, c, err,
			    sizeof(err)) != 0)
		fail_msg("refused:\n%s", err);
}

/* refused - text that must be refused with a message containing want */
static void refused(const char *text, const char *want)
{
	char err[CFG_ERRLEN];
	struct cfg c;

	memset(&c, 0xa5, sizeof(c));
	if (cfg_load_string(text, "t.conf", "/etc/x400", CFG_NO_SECRETS, &c,
			    err, sizeof(err)) == 0) {
		cfg_free(&c);
		fail_msg("accepted, wanted \"%s\":\n%s", want, text);
	}
	if (strstr(err, want) == NULL)
		fail_msg("wanted \"%s\" in:\n%s", want, err);
	/* nothing to free after a failure */
	assert_null(c.links);
	assert_null(c.mta_name);
}

static void test_minimal_defaults(void **state)
{
	const struct cfg_link *l;
	struct cfg c;

	(void)state;
	load(minimal, 0, &c);
	assert_string_equal(c.mta_name, "mta-a");
	assert_string_equal(c.domain, "C=XX;A=ADMDA");
	assert_non_null(c.gdi);
	assert_string_equal(c.queue_dir, "/q");
	assert_string_equal(c.local_dir, "/q/mailboxes");
	assert_null(c.log_file);
	assert_null(c.user);
	assert_null(c.secrets_file);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_int_equal(c.sync, CFG_SYNC_FULL);
	assert_int_equal(c.max_message_size, 16 << 20);
	assert_int_equal(c.backoff.free, 3);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].addr, "127.0.0.1");
	assert_int_equal(c.listen[0].port, 102);
	assert_int_equal(c.sel.t.len, 0);
	assert_int_equal(c.nlinks, 1);
	l = cfg_link_find(&c, "TO-b");
	assert_ptr_equal(l, &c.links[0]);
	assert_string_equal(l->name, "to-B");
	assert_string_equal(l->file, "t.conf");
	assert_int_equal(l->line, 3);
	assert_int_equal(l->dir, CFG_BOTH);
	assert_string_equal(l->our_mta, "mta-a");
	assert_string_equal(l->our_pw, "");
	assert_int_equal(auth_verifier_kind(l->peer_pw), AUTH_NONE);
	assert_int_equal(l->naddr, 1);
	assert_string_equal(l->addr[0].host, "127.0.0.2");
	assert_int_equal(l->addr[0].port, 102);
	assert_int_equal(l->addr[0].nip, 1);
	assert_string_equal(l->addr[0].ip[0], "127.0.0.2");
	assert_int_equal(l->mode, RTSE_NORMAL);
	assert_int_equal(l->dialogue, RTSE_MONOLOGUE);
	assert_int_equal(l->checkpoint, 30);
	assert_int_equal(l->window, 3);
	assert_true(l->recovery);
	assert_int_equal(l->max_assoc, 4);
	assert_int_equal(l->idle_timeout_ms, 300000);
	assert_int_equal(l->size_limit, 16 << 20);
	assert_int_equal(l->open_interval_ms, 60000);
	assert_int_equal(l->transfer_retries, 2);
	assert_int_equal(l->max_age_ms, 2 * 86400000);
	assert_null(l->src.v4);
	assert_null(l->src.v6);
	assert_true(l->src.enforce);
	assert_null(l->allow);
	assert_false(l->pcap);
	assert_true(l->reports);
	assert_int_equal(c.nroutes, 1);
	assert_string_equal(c.routes[0].link, "to-B");
	assert_int_equal(c.routes[0].cost, 1);
	assert_int_equal(c.routes[0].line, 6);
	assert_int_equal(c.nwarn, 0);
	cfg_free(&c);
}

/* links inherit global settings unless they set their own */
static void test_inherit(void **state)
{
	static const char text[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"spool\"; log_file = \"log/x.log\";\n"
		"  source_address = [ \"127.0.0.9\", \"[::1]\" ];\n"
		"  source_enforce = false; password = \"dflt\";\n"
		"  limits = { max_message_size = \"1G\"; }; };\n"
		L
		"links = (\n"
		" { name = \"a\"; peer_mta = \"A\"; peer_password = \"\";\n"
		"   addresses = ( { host = \"::1\"; port = 1102; } ); },\n"
		" { name = \"b\"; peer_mta = \"B\"; peer_password = \"\";\n"
		"   our_mta = \"me-to-b\"; our_password = \"pw-b\";\n"
		"   source_address = \"127.0.0.10\"; source_enforce = true;\n"
		"   size_limit = 65536; idle_timeout = \"1h30m\";\n"
		"   open_interval = 5; recovery_timeout = \"2500ms\";\n"
		"   our_tsel = \"0x00aF\"; our_ssel = \"ses\";\n"
		"   addresses = ( { host = \"[::1]\"; } ); },\n"
		" { name = \"c\"; peer_mta = \"C\"; peer_password = \"\";\n"
		"   source_address = \"\";\n"
		"   addresses = ( { host = \"127.0.0.3\"; } ); }\n"
		");\n"
		"routing = { routes = (\n"
		" { pattern = \"\"; link = \"a\"; },\n"
		" { pattern = \"C=XX;A=B\"; link = \"b\"; cost = 5; },\n"
		" { pattern = \"/C=XX/A=C/DDA:ID=*/\"; link = \"c\"; } );\n"
		" local = \"C=XX;A=ADMDA\"; };\n";
	const struct cfg_link *a, *b, *cc;
	struct cfg c;

	(void)state;
	load(text, 0, &c);
	assert_string_equal(c.queue_dir, "/etc/x400/spool");
	assert_string_equal(c.log_file, "/etc/x400/log/x.log");
	assert_string_equal(c.local_dir, "/etc/x400/spool/mailboxes");
	a = cfg_link_find(&c, "a");
	b = cfg_link_find(&c, "b");
	cc = cfg_link_find(&c, "c");
	assert_string_equal(cfg_link_source(a, AF_INET), "127.0.0.9");
	assert_string_equal(cfg_link_source(a, AF_INET6), "::1");
	assert_false(a->src.enforce);
	assert_string_equal(a->our_mta, "mta-a");
	assert_string_equal(a->our_pw, "dflt");
	assert_int_equal(a->size_limit, 1 << 30);
	assert_string_equal(a->addr[0].host, "::1");
	assert_int_equal(a->addr[0].port, 1102);
	assert_string_equal(cfg_link_source(b, AF_INET), "127.0.0.10");
	assert_null(cfg_link_source(b, AF_INET6));
	assert_true(b->src.enforce);
	assert_string_equal(b->our_mta, "me-to-b");
	assert_string_equal(b->our_pw, "pw-b");
	assert_int_equal(b->size_limit, 65536);
	assert_int_equal(b->idle_timeout_ms, 5400000);
	assert_int_equal(b->open_interval_ms, 5000);
	assert_int_equal(b->recovery_timeout_ms, 2500);
	assert_int_equal(b->our_sel.t.len, 2);
	assert_memory_equal(b->our_sel.t.v, "\x00\xaf", 2);
	assert_int_equal(b->our_sel.s.len, 3);
	assert_memory_equal(b->our_sel.s.v, "ses", 3);
	assert_string_equal(b->addr[0].host, "::1");
	assert_null(cfg_link_source(cc, AF_INET));
	assert_null(cfg_link_source(cc, AF_INET6));
	assert_int_equal(c.nroutes, 3);
	assert_string_equal(c.routes[2].pattern, "/C=XX/A=C/DDA:ID=*/");
	assert_int_equal(c.nlocal, 1);
	assert_null(c.local[0].link);
	cfg_free(&c);
}

/* every problem is found; each message names file, line and key */
static void test_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		/* unknown keys, with the nearest known one */
		{ "global = { mta_name = \"mta-a\"; domain = \"C=XX;A=A\";\n"
		  "  queue_dir = \"/q\"; pasword = \"x\"; };\n" L,
		  "t.conf:2: global.pasword: unknown key (did you mean "
		  "\"password\"?)" },
		{ G L LINK("  idle_timout = 5;\n") ROUTE,
		  "t.conf:5: link to-B: idle_timout: unknown key (did you "
		  "mean \"idle_timeout\"?)" },
		{ G L LINK("  frobnicate = 5;\n"),
		  "t.conf:5: link to-B: frobnicate: unknown key" },
		{ G L "linkz = ();\n", "t.conf:3: linkz: unknown key (did "
		  "you mean \"links\"?)" },
		{ G L LINK_TOP "  addresses = ( { host = \"127.0.0.2\"; "
		  "tsl = \"x\"; } );\n} );\n",
		  "t.conf:4: link to-B: addresses[0].tsl: unknown key" },
		/* duplicate link names, in any case */
		{ G L "links = ( { name = \"to-B\"; peer_mta = \"b\"; "
		  "peer_password = \"\"; direction = \"inbound\"; },\n"
		  "  { name = \"TO-b\"; peer_mta = \"b2\"; peer_password = "
		  "\"\"; direction = \"inbound\"; } );\n",
		  "t.conf:4: link TO-b: name: defined twice (first at "
		  "t.conf:3)" },
		/* selectors */
		{ G L LINK("  our_tsel = \"0x0G\";\n"),
		  "t.conf:5: link to-B: our_tsel: \"0x0G\": not hex" },
		{ G L LINK("  our_tsel = \"0x001\";\n"),
		  "t.conf:5: link to-B: our_tsel: \"0x001\": hex needs an "
		  "even number" },
		{ G L LINK("  our_ssel = \"12345678901234567\";\n"),
		  "t.conf:5: link to-B: our_ssel: \"12345678901234567\": 17 "
		  "octets, at most 16" },
		{ G L LINK("  our_tsel = \"0x00112233445566778899aabbccddeeff"
			   "00112233445566778899aabbccddeeff00\";\n"),
		  "our_tsel: \"0x00112233445566778899aabbccddeeff00112233445566"
		  "778899aabbccddeeff00\": 33 octets, at most 32" },
		{ G L LINK("  our_psel = 0x0001;\n"),
		  "t.conf:5: link to-B: our_psel: selectors are strings" },
		{ G "listen = { addresses = [ \"127.0.0.1\" ];\n"
		  "  psel = \"tab\there\"; };\n",
		  "t.conf:3: listen.psel: text selectors are printable" },
		/* addresses */
		{ G "listen = { addresses = [ \"::1\" ]; };\n",
		  "t.conf:2: listen.addresses: \"::1\": write IPv6 addresses "
		  "in brackets" },
		{ G "listen = { addresses = [ \"127.0.0.1:70000\" ]; };\n",
		  "t.conf:2: listen.addresses: port \"70000\" is not 1..65535" },
		{ G "listen = { addresses = [ \"mta.example:102\" ]; };\n",
		  "t.conf:2: listen.addresses: \"mta.example\": not a numeric" },
		{ G "listen = { addresses = [ \"[127.0.0.1]\" ]; };\n",
		  "\"127.0.0.1\": not a numeric" },
		{ G "listen = { addresses = [ \"127.0.0.1\", \"127.0.0.1:102\""
		  " ]; };\n", "\"127.0.0.1:102\" given twice" },
		{ G L LINK_TOP "  addresses = ( { host = \"300.1.1.1\"; } );"
		  "\n} );\n",
		  "t.conf:4: link to-B: addresses[0].host: \"300.1.1.1\": not "
		  "a numeric IPv4 address" },
		{ G L LINK_TOP "  addresses = ( { host = \"-bad_\x01\"; } );"
		  "\n} );\n",
		  "addresses[0].host: \"-bad_\x01\": neither a numeric address "
		  "nor a host name" },
		{ G L LINK_TOP "  addresses = ( { host = \"127.0.0.2\"; port "
		  "= 0; } );\n} );\n",
		  "t.conf:4: link to-B: addresses[0].port: 0 is out of range "
		  "1..65535" },
		{ G L LINK("  source_address = [ \"127.0.0.2\", \"127.0.0.3\" "
			   "];\n"),
		  "t.conf:5: link to-B: source_address: two IPv4 addresses" },
		{ G L LINK("  source_address = \"localhost\";\n"),
		  "source_address: \"localhost\": not a numeric" },
		{ G L LINK("  allow = [ \"10.1.2.3/8\" ];\n"),
		  "t.conf:5: link to-B: allow: 10.1.2.3/8: host bits set "
		  "beyond /8 (did you mean 10.0.0.0/8?)" },
		{ G L LINK("  allow = [ ];\n"),
		  "t.conf:5: link to-B: allow: empty" },
		/* missing required keys */
		{ "global = { domain = \"C=XX;A=ADMDA\"; queue_dir = \"/q\"; "
		  "};\n" L, "t.conf:1: global.mta_name: missing" },
		{ "global = { mta_name = \"a\"; queue_dir = \"/q\"; };\n" L,
		  "t.conf:1: global.domain: missing" },
		{ L, "t.conf: global: missing" },
		{ G L "links = ( { name = \"to-B\"; peer_mta = \"mta-b\";\n"
		  "  addresses = ( { host = \"127.0.0.2\"; } ); } );\n",
		  "t.conf:3: link to-B: peer_password: missing" },
		{ G L "links = ( { peer_mta = \"b\"; peer_password = \"\"; "
		  "direction = \"inbound\"; } );\n",
		  "t.conf:3: links[0]: name: missing" },
		{ G L "links = ( { name = \"to-B\"; peer_password = \"\"; "
		  "direction = \"inbound\"; } );\n",
		  "t.conf:3: link to-B: peer_mta: missing" },
		{ G L "links = ( { name = \"to-B\"; peer_mta = \"b\"; "
		  "peer_password = \"\"; } );\n",
		  "t.conf:3: link to-B: addresses: missing (the link sends" },
		{ G L LINK_HEAD "} );\n" "routing = { routes = ( { link = "
		  "\"to-B\"; } ); };\n",
		  "t.conf:6: routing.routes[0].pattern: missing" },
		{ G LINK(""), "t.conf:2: link to-B: direction: the link "
		  "receives, but listen.addresses is empty" },
		/* routes */
		{ G L LINK("") "routing = { routes = ( { pattern = \"C=XX\"; "
		  "link = \"to-Z\"; } ); };\n",
		  "t.conf:6: routing.routes[0].link: \"to-Z\": no such link" },
		{ G L "links = ( { name = \"in\"; peer_mta = \"b\"; "
		  "peer_password = \"\"; direction = \"inbound\"; } );\n"
		  "routing = { routes = ( { pattern = \"C=XX\"; link = \"in\"; "
		  "} ); };\n",
		  "t.conf:4: routing.routes[0].link: \"in\" does not send" },
		{ G L LINK("") "routing = { routes = ( { pattern = \"C=XX;"
		  "S=Smith\"; link = \"to-B\"; } ); };\n",
		  "routing.routes[0].pattern: \"C=XX;S=Smith\": S: an address "
		  "space names C, A, P, O, OU1..OU4 and DDA:type only" },
		{ G L LINK("") "routing = { routes = ( { pattern = \"C=XX;"
		  "C=YY\"; link = \"to-B\"; } ); };\n", "C given twice" },
		{ G L LINK("") "routing = { routes = ( { pattern = \"C=XX\"; "
		  "link = \"to-B\"; cost = -1; } ); };\n",
		  "routing.routes[0].cost: -1 is out of range 0..1000000" },
		{ G L LINK("") "routing = { local = [ \"\" ]; };\n",
		  "t.conf:6: routing.local: an empty pattern" },
		{ G L LINK("") "routing = { local = [ \"C=XX;A=ADMDA;P=\x01\" "
		  "]; };\n", "routing.local: \"C=XX;A=ADMDA;P=\x01\"" },
		/* types and ranges */
		{ G L LINK("  window = \"3\";\n"),
		  "t.conf:5: link to-B: window: expected a whole number, not "
		  "a string" },
		{ G L LINK("  window = 0;\n"),
		  "t.conf:5: link to-B: window: 0 is out of range 1..100" },
		{ G L LINK("  pcap = 1;\n"),
		  "t.conf:5: link to-B: pcap: expected true or false" },
		{ G L LINK("  idle_timeout = \"5 min\";\n"),
		  "t.conf:5: link to-B: idle_timeout: expected a duration" },
		{ G L LINK("  idle_timeout = \"10ms\";\n"),
		  "idle_timeout: out of range 100ms.." },
		{ G L LINK("  size_limit = \"16MB\";\n"),
		  "size_limit: expected a size" },
		{ G L LINK("  size_limit = \"32M\";\n"),
		  "t.conf:5: link to-B: size_limit: 33554432 octets is over "
		  "global.limits.max_message_size (16777216)" },
		{ G L LINK("  mode = \"1984\";\n"),
		  "t.conf:5: link to-B: mode: \"1984\" is not one of "
		  "\"1988-normal\", \"x410-1984\"" },
		{ G L LINK("  our_ap_title = \"1.3.6.01\";\n"),
		  "our_ap_title: \"1.3.6.01\": not a dotted object identifier" },
		{ G L "links = { name = \"x\"; };\n",
		  "t.conf:3: links: expected a list ( ), not a group { }" },
		{ G L "links = ( \"to-B\" );\n",
		  "t.conf:3: links[0]: expected a group" },
		{ "global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		  "  queue_dir = \"/q\"; log_level = \"loud\"; };\n",
		  "t.conf:2: global.log_level: \"loud\" is not one of" },
		{ "global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		  "  queue_dir = \"/q\"; bind_backoff = { first = \"10s\"; "
		  "max = \"5s\"; }; };\n",
		  "t.conf:2: global.bind_backoff: the longest wait is shorter" },
		{ "global = { mta_name = \"mta-a\"; domain = \"C=XXX;A=A\"; "
		  "queue_dir = \"/q\"; };\n",
		  "t.conf:1: global.domain: \"C=XXX;A=A\":" },
		{ "global = { mta_name = \"an MTA name much longer than 32 "
		  "characters\"; domain = \"C=XX;A=A\"; queue_dir = \"/q\"; "
		  "};\n", "global.mta_name: \"an MTA name much longer" },
		/* names */
		{ G L "links = ( { name = \"to B\"; peer_mta = \"b\"; "
		  "peer_password = \"\"; direction = \"inbound\"; } );\n",
		  "t.conf:3: links[0]: name: \"to B\": 1..32 letters" },
		{ G L "links = ( { name = \"local\"; peer_mta = \"b\"; "
		  "peer_password = \"\"; direction = \"inbound\"; } );\n",
		  "t.conf:3: link local: name: \"local\" is reserved" },
		/* identities, passwords, switches */
		{ G L "links = ( { name = \"a\"; peer_mta = \"MTA-B\"; "
		  "peer_password = \"\"; direction = \"inbound\"; },\n"
		  "  { name = \"b\"; peer_mta = \"mta-b\"; peer_password = "
		  "\"\"; direction = \"inbound\"; } );\n",
		  "t.conf:4: link b: peer_mta: link a also receives from "
		  "\"mta-b\" at the same selectors" },
		{ G L LINK("  peer_password_ref = \"x\";\n"),
		  "t.conf:5: link to-B: peer_password_ref: give peer_password "
		  "or peer_password_ref, not both" },
		{ G L LINK("  our_password = \"a\"; our_password_ref = \"b\";\n"),
		  "our_password_ref: give our_password or our_password_ref" },
		{ G L "links = ( { name = \"to-B\"; peer_mta = \"mta-b\";\n"
		  "  peer_password = \"in clear\"; direction = \"inbound\"; } "
		  ");\n",
		  "t.conf:4: link to-B: peer_password: a password in clear" },
		{ G L "links = ( { name = \"to-B\"; peer_mta = \"mta-b\";\n"
		  "  peer_password = \"$pbkdf2-sha256$i=1$AAAA$AAAA\"; "
		  "direction = \"inbound\"; } );\n",
		  "t.conf:4: link to-B: peer_password: the salt is not base64" },
		{ G L LINK("  pcap = true;\n"),
		  "t.conf:5: link to-B: pcap: true, but global.pcap_dir is "
		  "not set" },
		/* numbers libconfig would wrap */
		{ G L LINK("  size_limit = 4294968320;\n"),
		  "t.conf:5: 4294968320: too large for a plain number" },
		{ G L LINK("  window = 0x100000001;\n"),
		  "t.conf:5: 0x100000001: too large for a plain number" },
		/* the parser's own errors, with the line */
		{ "global = {\n  mta_name = \"x\"\n  queue_dir = ;\n};\n",
		  "t.conf:3: syntax error" },
		{ "global = {\n  mta_name = \"a\";\n  mta_name = \"b\";\n};\n",
		  "t.conf:3: duplicate setting name" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		refused(t[i].text, t[i].want);
}

/* password_ref without a secrets file; and the secrets file itself */
static void test_secrets(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", path[256], err[CFG_ERRLEN];
	static const char conf[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"/q\"; secrets_file = \"x400d.secrets\";\n"
		"  password_ref = \"all\"; };\n"
		L
		"links = ( { name = \"to-B\"; peer_mta = \"mta-b\";\n"
		"  peer_password_ref = \"B-hash\"; our_password_ref = \"to-B\";"
		"\n  direction = \"inbound\"; },\n"
		"  { name = \"to-C\"; peer_mta = \"mta-c\"; peer_password = \"\";"
		"\n  direction = \"inbound\"; } );\n";
	FILE *fp;
	struct cfg c;

	(void)state;
	refused(G L LINK("  our_password_ref = \"to-B\";\n"),
		"t.conf:5: link to-B: our_password_ref: refers to the "
		"secrets file, but global.secrets_file is not set");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x400d.secrets", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("all = \"for all\";\nto-B = \"for B\";\n"
	      "B-hash = \"$pbkdf2-sha256$i=1000$UyEfiFAEI3FFBDJlvhtBlg$"
	      "dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGyaXuTumQ\";\n", fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(cfg_load_string(conf, "t.conf", dir, 0, &c, err,
					 sizeof(err)), 0);
	assert_string_equal(c.password, "for all");
	assert_string_equal(cfg_link_find(&c, "to-B")->our_pw, "for B");
	assert_string_equal(cfg_link_find(&c, "to-C")->our_pw, "for all");
	assert_true(auth_verify(cfg_link_find(&c, "to-B")->peer_pw,
				"hunter2", 7));
	cfg_free(&c);
	/* without reading it: the references become empty */
	assert_int_equal(cfg_load_string(conf, "t.conf", dir, CFG_NO_SECRETS,
					 &c, err, sizeof(err)), 0);
	assert_string_equal(cfg_link_find(&c, "to-B")->our_pw, "");
	cfg_free(&c);
	/* a name it lacks */
	fp = fopen(path, "w");
	fputs("all = \"for all\";\n", fp);
	fclose(fp);
	assert_int_equal(cfg_load_string(conf, "t.conf", dir, 0, &c, err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "t.conf:6: link to-B: peer_password_ref:"
				    " \"B-hash\" is not in the secrets file"));
	assert_non_null(strstr(err, "t.conf:6: link to-B: our_password_ref: "
				    "\"to-B\" is not in the secrets file"));
	/* readable by others: refused, and said where it was set */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(cfg_load_string(conf, "t.conf", dir, 0, &c, err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "t.conf:2: global.secrets_file: "));
	assert_non_null(strstr(err, "chmod 600"));
	unlink(path);
	rmdir(dir);
}

/* write_file - a file in dir */
static void write_file(const char *dir, const char *name, const char *text,
		  mode_t mode)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

/* global.allow_root: false by default, a boolean, shown by cfg_dump(),
 *	and a change needs a restart */
static void test_allow_root(void **state)
{
	static const char on[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; "
		"queue_dir = \"/q\"; allow_root = true; };\n" L LINK("") ROUTE;
	struct cfg x, y;
	struct cfg_diff d;
	char *s = NULL;
	size_t n;
	FILE *out;

	(void)state;
	load(minimal, 0, &x);
	assert_false(x.allow_root);
	load(on, 0, &y);
	assert_true(y.allow_root);
	out = open_memstream(&s, &n);
	assert_non_null(out);
	cfg_dump(&y, out);
	fclose(out);
	assert_non_null(strstr(s, "\n  allow_root = true;\n"));
	free(s);
	assert_int_equal(cfg_diff(&x, &y, &d), 1);
	assert_string_equal(d.restart, "global.allow_root");
	cfg_diff_free(&d);
	cfg_free(&x);
	cfg_free(&y);
	refused("global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; "
		"queue_dir = \"/q\"; allow_root = \"yes\"; };\n" L LINK("")
		ROUTE, "t.conf:1: global.allow_root");
	refused("global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; "
		"queue_dir = \"/q\"; allow_roots = true; };\n" L LINK("")
		ROUTE, "allow_roots");
}

/* cfg_load_kept(): the secrets read are kept for the caller and replaced
 *	at the next load that reads them; a file that is not there is an
 *	error still (only a refused permission uses the kept ones, which
 *	root, running this, is never refused: tests/integration/root.sh) */
static void test_secrets_kept(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", path[256], err[CFG_ERRLEN];
	static const char conf[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"/q\"; secrets_file = \"s\";\n"
		"  password_ref = \"all\"; };\n" L;
	struct auth_secrets *kept = NULL;
	const struct auth_secrets *first;
	struct cfg c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "x400d.conf", conf, 0644);
	write_file(dir, "s", "all = \"one\";\n", 0600);
	snprintf(path, sizeof(path), "%s/x400d.conf", dir);
	assert_int_equal(cfg_load_kept(path, 0, &kept, &c, err, sizeof(err)),
			 0);
	assert_non_null(kept);
	assert_string_equal(auth_secret_get(kept, "all"), "one");
	assert_string_equal(c.password, "one");
	assert_false(c.secrets_kept);
	cfg_free(&c);
	first = kept;
	write_file(dir, "s", "all = \"two\";\n", 0600);
	assert_int_equal(cfg_load_kept(path, 0, &kept, &c, err, sizeof(err)),
			 0);
	assert_ptr_not_equal(kept, first);
	assert_string_equal(auth_secret_get(kept, "all"), "two");
	assert_string_equal(c.password, "two");
	assert_false(c.secrets_kept);
	cfg_free(&c);
	snprintf(path, sizeof(path), "%s/s", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/x400d.conf", dir);
	assert_int_equal(cfg_load_kept(path, 0, &kept, &c, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "global.secrets_file: "));
	assert_string_equal(auth_secret_get(kept, "all"), "two");
	/* plain cfg_load() keeps nothing */
	write_file(dir, "s", "all = \"three\";\n", 0600);
	assert_int_equal(cfg_load(path, 0, &c, err, sizeof(err)), 0);
	assert_string_equal(auth_secret_get(kept, "all"), "two");
	cfg_free(&c);
	auth_secrets_free(kept);
	unlink(path);
	snprintf(path, sizeof(path), "%s/s", dir);
	unlink(path);
	rmdir(dir);
}

/* the example in docs/ loads as it is, with its secrets file beside it */
static void test_example(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", path[512], err[CFG_ERRLEN];
	const struct cfg_link *b, *cc, *gw, *cand[4];
	FILE *in, *out;
	char *dump = NULL;
	size_t n;
	struct cfg c;
	int ch;

	(void)state;
	assert_non_null(mkdtemp(dir));
	in = fopen("docs/x400d.conf.example", "r");
	assert_non_null(in);
	snprintf(path, sizeof(path), "%s/x400d.conf", dir);
	out = fopen(path, "w");
	assert_non_null(out);
	while ((ch = getc(in)) != EOF)
		putc(ch, out);
	fclose(in);
	fclose(out);
	write_file(dir, "x400d.secrets", "default = \"our default\";\n"
	      "to-B = \"ours for B\";\nto-C = \"ours for C\";\n", 0600);
	if (cfg_load(path, 0, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.mta_name, "mta-a");
	assert_string_equal(c.domain, "C=XX;A=ADMDA;P=SITEA");
	assert_string_equal(c.user, "x400");
	assert_int_equal(c.nlisten, 3);
	assert_string_equal(c.listen[1].addr, "2001:db8::10");
	assert_int_equal(c.listen[2].port, 1102);
	assert_int_equal(c.sel.t.len, 4);
	assert_int_equal(c.nlinks, 3);
	b = cfg_link_find(&c, "to-B");
	cc = cfg_link_find(&c, "to-C");
	gw = cfg_link_find(&c, "gateway");
	assert_non_null(b);
	assert_non_null(cc);
	assert_non_null(gw);
	assert_string_equal(b->our_pw, "ours for B");
	assert_string_equal(gw->our_pw, "our default");
	assert_int_equal(b->naddr, 2);
	assert_int_equal(b->size_limit, 8 << 20);
	/* the documented passwords verify (the hashes' full cost) */
	assert_true(auth_verify(b->peer_pw, "password-of-B", 13));
	assert_false(auth_verify(b->peer_pw, "password-of-C", 13));
	assert_true(auth_verify(cc->peer_pw, "password-of-C", 13));
	assert_int_equal(cc->mode, RTSE_X410);
	assert_int_equal(cc->dialogue, RTSE_TWA);
	assert_int_equal(cc->our_sel.t.len, 2);
	assert_memory_equal(cc->our_sel.t.v, "\x00\x01", 2);
	assert_string_equal(cc->addr[0].ip[0], "2001:db8::30");
	assert_true(acl_match_text(b->allow, "192.0.2.21"));
	assert_false(acl_match_text(b->allow, "192.0.2.22"));
	assert_true(acl_match_text(cc->allow, "2001:db8::99"));
	assert_int_equal(gw->dir, CFG_IN);
	assert_int_equal(auth_verifier_kind(gw->peer_pw), AUTH_NONE);
	assert_int_equal(cfg_links_for_peer(&c, "MTA-B", cand, 4), 1);
	assert_ptr_equal(cand[0], b);
	assert_int_equal(cfg_links_for_peer(&c, "nobody", cand, 4), 0);
	assert_int_equal(c.nroutes, 3);
	assert_int_equal(c.nlocal, 1);
	assert_string_equal(c.secrets_file + strlen(dir), "/x400d.secrets");
	assert_int_equal(c.nwarn, 0);
	/* the dump hides what we send */
	out = open_memstream(&dump, &n);
	cfg_dump(&c, out);
	fclose(out);
	assert_non_null(strstr(dump, "name = \"to-C\";"));
	assert_non_null(strstr(dump, "our_password = \"(hidden, 10 "
				     "octets)\";"));
	assert_null(strstr(dump, "ours for B"));
	assert_null(strstr(dump, "OSTFZy9mRf"));
	free(dump);
	cfg_free(&c);
	snprintf(path, sizeof(path), "%s/x400d.secrets", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/x400d.conf", dir);
	unlink(path);
	rmdir(dir);
}

/* an @include'd file is named in its own messages */
static void test_include(void **state)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", path[512], err[CFG_ERRLEN];
	struct cfg c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "main.conf", G L "@include \"links.conf\"\n", 0644);
	write_file(dir, "links.conf", "links = (\n  { name = \"x\";\n"
	      "    peer_mta = \"b\"; peer_password = \"\";\n"
	      "    windows = 3; direction = \"inbound\"; }\n);\n", 0644);
	snprintf(path, sizeof(path), "%s/main.conf", dir);
	assert_int_equal(cfg_load(path, 0, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "links.conf:4: link x: windows: unknown "
				    "key (did you mean \"window\"?)"));
	write_file(dir, "links.conf", "links = (\n  { name = \"x\";\n"
	      "    peer_mta = \"b\"; peer_password = \"\";\n"
	      "    window = 3; direction = \"inbound\"; }\n);\n", 0644);
	assert_int_equal(cfg_load(path, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.links[0].window, 3);
	assert_non_null(strstr(c.links[0].file, "links.conf"));
	assert_int_equal(c.links[0].line, 2);
	cfg_free(&c);
	snprintf(path, sizeof(path), "%s/nonexistent.conf", dir);
	assert_int_equal(cfg_load(path, 0, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nonexistent.conf: No such file"));
	snprintf(path, sizeof(path), "%s/main.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/links.conf", dir);
	unlink(path);
	rmdir(dir);
}

/* all problems at once; a flood of them is cut with a count */
static void test_all_problems(void **state)
{
	static const char three[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"/q\"; one = 1;\n"
		"  two = 2; };\n"
		"three = 3;\n";
	char err[CFG_ERRLEN], small[300];
	struct buf b = BUF_INIT;
	struct cfg c;
	int lines = 1;

	(void)state;
	assert_int_equal(cfg_load_string(three, "t.conf", NULL, 0, &c, err,
					 sizeof(err)), -1);
	for (char *p = err; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3);
	assert_non_null(strstr(err, "t.conf:2: global.one: unknown key"));
	assert_non_null(strstr(err, "t.conf:3: global.two: unknown key"));
	assert_non_null(strstr(err, "t.conf:4: three: unknown key"));

	buf_add(&b, G, strlen(G));
	for (int i = 0; i < 100; i++) {
		char line[64];

		snprintf(line, sizeof(line), "unknown%d = %d;\n", i, i);
		buf_add(&b, line, strlen(line));
	}
	buf_add_u8(&b, 0);
	assert_int_equal(cfg_load_string((char *)buf_ptr(&b), "t.conf", NULL,
					 0, &c, small, sizeof(small)), -1);
	assert_true(strlen(small) < sizeof(small));
	assert_non_null(strstr(small, "t.conf:2: unknown0: unknown key"));
	assert_non_null(strstr(small, "more problems"));
	buf_free(&b);
}

/* warnings: kept for the log, the load succeeds */
static void test_warnings(void **state)
{
	static const char text[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"/q\"; sync = \"nosync\"; };\n"
		L
		"links = ( { name = \"to-B\"; peer_mta = \"mta-b\";\n"
		"  allow_plaintext = true; peer_password = \"clear\";\n"
		"  addresses = ( { host = \"127.0.0.2\"; } ); } );\n";
	const struct cfg_link *l;
	struct cfg c;

	(void)state;
	load(text, 0, &c);
	assert_int_equal(c.sync, CFG_SYNC_NOSYNC);
	assert_int_equal(c.nwarn, 3);
	assert_non_null(strstr(c.warn[0], "t.conf:2: global.sync: nosync"));
	assert_non_null(strstr(c.warn[1], "t.conf:5: link to-B: "
					  "peer_password: the peer's password "
					  "is stored in clear"));
	assert_non_null(strstr(c.warn[2], "t.conf:4: link to-B: sends, but "
					  "no route leads to it"));
	l = cfg_link_find(&c, "to-B");
	assert_int_equal(auth_verifier_kind(l->peer_pw), AUTH_PLAIN);
	assert_true(auth_check(l->peer_pw, "clear", 5));
	cfg_free(&c);
}

/* host names of peers are resolved at load */
static void test_resolve(void **state)
{
	static const char text[] = G L LINK_TOP
		"  addresses = ( { host = \"localhost\"; port = 1102; } );\n"
		"  allow = [ \"localhost\", \"127.0.0.5\" ];\n} );\n";
	static const char bad[] = G L LINK_TOP
		"  addresses = ( { host = \"no-such-host.invalid\"; } );\n"
		"} );\n";
	const struct cfg_link *l;
	struct cfg c;
	int found = 0;

	(void)state;
	load(text, 0, &c);
	l = &c.links[0];
	assert_int_equal(l->naddr, 1);
	assert_true(l->addr[0].nip >= 1);
	for (size_t i = 0; i < l->addr[0].nip; i++)
		found |= strcmp(l->addr[0].ip[i], "127.0.0.1") == 0;
	assert_true(found);
	assert_true(acl_match_text(l->allow, "127.0.0.1"));
	assert_true(acl_match_text(l->allow, "127.0.0.5"));
	assert_false(acl_match_text(l->allow, "127.0.0.2"));
	cfg_free(&c);
	refused(bad, "t.conf:4: link to-B: addresses[0].host: "
		"\"no-such-host.invalid\" does not resolve");
	/* kept unresolved on request */
	load(bad, CFG_NO_RESOLVE, &c);
	assert_int_equal(c.links[0].addr[0].nip, 0);
	cfg_free(&c);
}

static void test_selectors(void **state)
{
	static const struct {
		const char *in, *out;
		size_t len;
	} t[] = {
		{ "", "", 0 }, { "x400", "x400", 4 }, { "0x0001", "0x0001", 2 },
		{ "0XAbCd", "0xabcd", 2 }, { "0x3078", "0x3078", 2 },
		{ "0x78343030", "x400", 4 }, { "0x", NULL, 0 },
		{ "0x1", NULL, 0 }, { "0xgg", NULL, 0 },
		{ "12345678901234567", NULL, 0 },
	};
	char buf[2 * CFG_SEL_MAX + 3], err[200];
	struct cfg_sel s;
	char *addr;
	unsigned port;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = cfg_sel_parse(t[i].in, 16, &s, err, sizeof(err));

		if (t[i].out == NULL) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(s.len, t[i].len);
		assert_string_equal(cfg_sel_format(&s, buf, sizeof(buf)),
				    t[i].out);
	}
	/* text that reads as hex is written as hex */
	memcpy(s.v, "0x12", 4);
	s.len = 4;
	assert_string_equal(cfg_sel_format(&s, buf, sizeof(buf)),
			    "0x30783132");
	memset(s.v, 0xff, CFG_SEL_MAX);
	s.len = CFG_SEL_MAX;
	cfg_sel_format(&s, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 2 + 2 * CFG_SEL_MAX);

	assert_int_equal(cfg_hostport_parse("[::1]:1102", 102, &addr, &port,
					    err, sizeof(err)), 0);
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 1102);
	free(addr);
	assert_int_equal(cfg_hostport_parse("127.0.0.1", 102, &addr, &port,
					    err, sizeof(err)), 0);
	assert_string_equal(addr, "127.0.0.1");
	assert_int_equal(port, 102);
	free(addr);
	assert_int_equal(cfg_hostport_parse("[::1]x", 102, &addr, &port, err,
					    sizeof(err)), -1);
	assert_int_equal(cfg_hostport_parse("[::1", 102, &addr, &port, err,
					    sizeof(err)), -1);
	assert_int_equal(cfg_hostport_parse(":102", 102, &addr, &port, err,
					    sizeof(err)), -1);
	assert_int_equal(cfg_hostport_parse("1.2.3.4:", 102, &addr, &port,
					    err, sizeof(err)), -1);
	assert_int_equal(cfg_hostport_parse("1.2.3.4:-1", 102, &addr, &port,
					    err, sizeof(err)), -1);
}

/* big numbers: with L they are fine; digits in strings, comments and
 * names are not numbers */
static void test_big_numbers(void **state)
{
	static const char text[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"/q99999999999\"; # 99999999999\n"
		"  /* 99999999999 */ limits = { max_message_size = "
		"4294968320L; }; };\n"
		L LINK("  size_limit = 4294968320L; // 99999999999\n");
	struct cfg c;

	(void)state;
	load(text, 0, &c);
	assert_int_equal(c.max_message_size, UINT64_C(4294968320));
	assert_int_equal(c.links[0].size_limit, UINT64_C(4294968320));
	cfg_free(&c);
}

/* which link a caller binds as: by MTA name, then called selectors */
static void test_inbound(void **state)
{
	static const char text[] =
		G "listen = { addresses = [ \"127.0.0.1\" ]; tsel = \"x400\"; };\n"
		"links = (\n"
		" { name = \"b1\"; peer_mta = \"mta-b\"; peer_password = \"\";\n"
		"   direction = \"inbound\"; },\n"
		" { name = \"b2\"; peer_mta = \"MTA-B\"; peer_password = \"\";\n"
		"   direction = \"inbound\"; our_tsel = \"0x0001\"; },\n"
		" { name = \"c\"; peer_mta = \"mta-c\"; peer_password = \"\";\n"
		"   direction = \"outbound\";\n"
		"   addresses = ( { host = \"127.0.0.3\"; } ); }\n"
		");\n"
		"routing = { routes = ( { pattern = \"\"; link = \"c\"; } ); };\n";
	struct cfg_sels sel;
	enum cfg_match why;
	const struct cfg_link *l;
	struct cfg c;
	char err[80];

	(void)state;
	load(text, 0, &c);
	memset(&sel, 0, sizeof(sel));
	assert_int_equal(cfg_sel_parse("x400", CFG_TSEL_MAX, &sel.t, err,
				       sizeof(err)), 0);
	l = cfg_link_inbound(&c, "Mta-B", &sel, &why);
	assert_int_equal(why, CFG_MATCHED);
	assert_string_equal(l->name, "b1");
	assert_int_equal(cfg_sel_parse("0x0001", CFG_TSEL_MAX, &sel.t, err,
				       sizeof(err)), 0);
	l = cfg_link_inbound(&c, "mta-b", &sel, &why);
	assert_int_equal(why, CFG_MATCHED);
	assert_string_equal(l->name, "b2");
	assert_int_equal(cfg_sel_parse("0x0002", CFG_TSEL_MAX, &sel.t, err,
				       sizeof(err)), 0);
	l = cfg_link_inbound(&c, "mta-b", &sel, &why);
	assert_int_equal(why, CFG_WRONG_SELECTORS);
	assert_string_equal(l->name, "b1");
	/* an outbound-only link never takes a caller */
	assert_null(cfg_link_inbound(&c, "mta-c", &sel, &why));
	assert_int_equal(why, CFG_NO_LINK);
	assert_null(cfg_link_inbound(&c, "mta-x", &sel, &why));
	assert_int_equal(why, CFG_NO_LINK);
	cfg_free(&c);
}

/* what a reload changes */
static void test_diff(void **state)
{
	static const char before[] =
		G L
		"links = (\n"
		" { name = \"a\"; peer_mta = \"A\"; peer_password = \"\";\n"
		"   addresses = ( { host = \"127.0.0.2\"; } ); },\n"
		" { name = \"b\"; peer_mta = \"B\"; peer_password = \"\";\n"
		"   our_password = \"one\";\n"
		"   addresses = ( { host = \"127.0.0.3\"; } ); },\n"
		" { name = \"c\"; peer_mta = \"C\"; peer_password = \"\";\n"
		"   direction = \"inbound\"; }\n"
		");\n"
		"routing = { routes = ( { pattern = \"C=XX\"; link = \"a\"; },"
		" { pattern = \"C=YY\"; link = \"b\"; } ); };\n";
	static const char after[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\";\n"
		"  queue_dir = \"/q\"; log_level = \"debug\";\n"
		"  user = \"x400\"; };\n"
		"listen = { addresses = [ \"127.0.0.1\", \"[::1]\" ]; };\n"
		"links = (\n"
		" { name = \"b\"; peer_mta = \"B\"; peer_password = \"\";\n"
		"   our_password = \"two\"; idle_timeout = 60;\n"
		"   addresses = ( { host = \"127.0.0.3\"; } ); },\n"
		" { name = \"a\"; peer_mta = \"A\"; peer_password = \"\";\n"
		"   addresses = ( { host = \"127.0.0.2\"; } ); },\n"
		" { name = \"d\"; peer_mta = \"D\"; peer_password = \"\";\n"
		"   direction = \"inbound\"; }\n"
		");\n"
		"routing = { routes = ( { pattern = \"C=XX\"; link = \"a\"; },"
		" { pattern = \"C=YY\"; link = \"b\"; } ); };\n";
	struct cfg x, y;
	struct cfg_diff d;

	(void)state;
	load(before, 0, &x);
	load(before, 0, &y);
	assert_int_equal(cfg_diff(&x, &y, &d), 0);
	assert_int_equal(d.nlink, 3);
	for (size_t i = 0; i < d.nlink; i++)
		assert_int_equal(d.link[i].change, CFG_SAME);
	assert_null(d.global);
	assert_null(d.restart);
	assert_false(d.routing);
	cfg_diff_free(&d);
	cfg_free(&y);

	load(after, 0, &y);
	assert_int_equal(cfg_diff(&x, &y, &d), 1);
	assert_int_equal(d.nlink, 4);
	assert_string_equal(d.link[0].name, "a");
	assert_int_equal(d.link[0].change, CFG_SAME);
	assert_string_equal(d.link[1].name, "b");
	assert_int_equal(d.link[1].change, CFG_CHANGED);
	assert_string_equal(d.link[1].keys, "our_password, idle_timeout");
	assert_ptr_equal(d.link[1].old, &x.links[1]);
	assert_ptr_equal(d.link[1].new, &y.links[0]);
	assert_string_equal(d.link[2].name, "c");
	assert_int_equal(d.link[2].change, CFG_REMOVED);
	assert_null(d.link[2].new);
	assert_string_equal(d.link[3].name, "d");
	assert_int_equal(d.link[3].change, CFG_ADDED);
	assert_null(d.link[3].old);
	assert_string_equal(d.global, "global.log_level");
	assert_string_equal(d.restart, "global.user, listen.addresses");
	assert_false(d.routing);
	cfg_diff_free(&d);

	/* routing alone */
	cfg_free(&y);
	load(before, 0, &y);
	y.routes[1].cost = 7;
	assert_int_equal(cfg_diff(&x, &y, &d), 1);
	assert_true(d.routing);
	cfg_diff_free(&d);
	/* a changed peer hash counts, though it is never shown */
	cfg_free(&y);
	load(before, 0, &y);
	auth_verifier_free(y.links[0].peer_pw);
	assert_int_equal(auth_verifier_parse("$pbkdf2-sha256$i=1000$"
		"UyEfiFAEI3FFBDJlvhtBlg$dnkKmpj5UjDEYEh4tqBvMPOyuboFS0DKXOGya"
		"XuTumQ", 0, &y.links[0].peer_pw, NULL, 0), 0);
	assert_int_equal(cfg_diff(&x, &y, &d), 1);
	assert_string_equal(d.link[0].keys, "peer_password");
	cfg_diff_free(&d);
	/* new certificate paths are read on SIGHUP: no restart asked */
	cfg_free(&y);
	load(before, 0, &y);
	free(y.tls_cert);
	y.tls_cert = strdup("/etc/x400/new.pem");
	free(y.listen_tls_ca);
	y.listen_tls_ca = strdup("/etc/x400/ca.pem");
	assert_int_equal(cfg_diff(&x, &y, &d), 1);
	assert_null(d.restart);
	assert_non_null(d.global);
	assert_non_null(strstr(d.global, "global.tls_cert"));
	cfg_diff_free(&d);
	cfg_free(&y);
	cfg_free(&x);
}

/* count_key - count the keys */
static void count_key(const char *group, const char *key, void *arg)
{
	(void)group;
	(void)key;
	(*(int *)arg)++;
}

/* slurp - a whole file as a string (malloc()ed) */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	text[n] = 0;
	fclose(fp);
	return text;
}

struct docs {
	char	*md, *example;
	int	missing;
};

/* check_doc - a key is documented in config.md and shown in the
 *	example (as "key =", perhaps in a comment) */
static void check_doc(const char *group, const char *key, void *arg)
{
	struct docs *d = arg;
	char want[80];
	const char *p;
	int shown = 0;

	snprintf(want, sizeof(want), "`%s`", key);
	if (strstr(d->md, want) == NULL) {
		print_message("docs/config.md lacks %s.%s\n", group, key);
		d->missing++;
	}
	for (p = d->example; (p = strstr(p, key)) != NULL; p++) {
		const char *q = p + strlen(key);

		while (*q == ' ')
			q++;
		if (*q == '=' && (p == d->example || p[-1] == ' ' ||
				  p[-1] == '{' || p[-1] == '\n'))
			shown = 1;
	}
	if (!shown) {
		print_message("docs/x400d.conf.example lacks %s.%s\n", group,
			      key);
		d->missing++;
	}
}

/* nondefault - cfg_dump_nondefault() of text (malloc()ed) */
static char *nondefault(const char *text)
{
	struct cfg c;
	char *s = NULL;
	size_t n;
	FILE *out;

	load(text, CFG_NO_SECRETS, &c);
	out = open_memstream(&s, &n);
	assert_non_null(out);
	cfg_dump_nondefault(&c, out);
	fclose(out);
	cfg_free(&c);
	return s;
}

/* x400d -n: the keys without a default, and those set otherwise (a
 * link's against what it takes from global; secrets by value, not by
 * their hidden length) */
static void test_nondefault(void **state)
{
	static const char *const always[] = {
		"mta_name = ", "domain = ", "queue_dir = ", "addresses = [",
		"name = \"to-B\";", "peer_mta = ", "peer_password = \"(none)\";",
		"addresses = (", "routes = (", NULL
	};
	static const char *const never[] = {
		"\n  log_level", "\n  sync", "\n  limits", "\n  bind_backoff",
		"\n  tsel", "\n    checkpoint", "\n    window", "\n    our_mta",
		"\n    our_password", "\n    size_limit", "\n    mode",
		"\n    reports", "\n    allow", "\n  local", NULL
	};
	static const char pw[] =
		"global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; "
		"queue_dir = \"/q\"; password = \"aaaa\";\n"
		"  limits = { max_message_size = \"1M\"; }; };\n"
		L LINK_TOP "  addresses = ( { host = \"127.0.0.2\"; } );\n"
		"  our_password = \"bbbb\"; size_limit = \"1M\"; },\n"
		" { name = \"c\"; peer_mta = \"mta-c\"; peer_password = \"\";\n"
		"  direction = \"inbound\"; our_password = \"aaaa\";"
		" window = 4; } );\n" ROUTE;
	char *s, *p;

	(void)state;
	s = nondefault(minimal);
	for (size_t i = 0; always[i]; i++)
		if (strstr(s, always[i]) == NULL)
			fail_msg("no \"%s\" in:\n%s", always[i], s);
	for (size_t i = 0; never[i]; i++)
		if (strstr(s, never[i]) != NULL)
			fail_msg("\"%s\" in:\n%s", never[i], s);
	free(s);
	s = nondefault(G L LINK("  checkpoint = 30; window = 5;\n") ROUTE);
	assert_null(strstr(s, "checkpoint"));
	assert_non_null(strstr(s, "\n    window = 5;\n"));
	free(s);
	/* to-B's password differs from global's, of the same length; c's
	 * is global's; both size limits are global's */
	s = nondefault(pw);
	assert_non_null(strstr(s, "\n  password = \"(hidden, 4 octets)\";"));
	assert_non_null(strstr(s, "\n    our_password = \"(hidden, 4 "
				  "octets)\";\n"));
	assert_non_null(strstr(s, "\"1M\""));
	assert_null(strstr(s, "size_limit"));
	assert_null(strstr(s, "aaaa"));
	assert_null(strstr(s, "bbbb"));
	p = strstr(s, "our_password");
	assert_non_null(p);
	assert_true(p < strstr(s, "name = \"c\";"));
	assert_null(strstr(p + 1, "our_password"));
	assert_non_null(strstr(s, "\n    window = 4;\n"));
	free(s);
}

/* TLS (issue 18): the link's mode and who the peer is; listen's TLS
 * addresses and our certificate */
static void test_tls_keys(void **state)
{
	static const char pin[] = "sha256-spki:00112233445566778899aabb"
		"ccddeeff00112233445566778899aabbccddeeff";
	const struct cfg_link *l;
	struct cfg c;
	char t[2048];

	(void)state;
	load(minimal, 0, &c);
	assert_int_equal(c.links[0].tls, CFG_TLS_OFF);
	assert_false(tlsid_active(&c.links[0].tls_id));
	cfg_free(&c);
	snprintf(t, sizeof(t), G L LINK("tls = \"required\"; tls_pin = "
		 "\"%s\";") ROUTE, pin);
	load(t, 0, &c);
	l = &c.links[0];
	assert_int_equal(l->tls, CFG_TLS_REQUIRED);
	assert_int_equal(l->tls_id.kind, TLSID_SPKI);
	assert_int_equal(l->tls_id.pin[1], 0x11);
	cfg_free(&c);
	load(G L LINK("tls = \"optional\"; tls_ca = \"ca.pem\"; "
		      "tls_name = \"mta-b.example\";") ROUTE, 0, &c);
	assert_int_equal(c.links[0].tls, CFG_TLS_OPTIONAL);
	assert_string_equal(c.links[0].tls_id.ca, "/etc/x400/ca.pem");
	assert_string_equal(c.links[0].tls_id.name, "mta-b.example");
	cfg_free(&c);
	refused(G L LINK("tls = \"required\";") ROUTE, "tls_pin, or tls_ca");
	refused(G L LINK("tls = \"on\";") ROUTE, "tls");
	refused(G L LINK("tls_pin = \"sha1:00\";") ROUTE, "sha256-cert:");
	refused(G L LINK("tls_ca = \"ca.pem\";") ROUTE, "tls_name");
	snprintf(t, sizeof(t), G L LINK("tls_pin = \"%s\"; tls_ca = "
		 "\"ca.pem\"; tls_name = \"b\";") ROUTE, pin);
	refused(t, "not both");
	/* listen: TLS addresses need our certificate; alone they do */
	refused(G "listen = { tls_addresses = [ \"127.0.0.1:3102\" ]; };\n"
		LINK("") ROUTE, "TLS needs our certificate");
	load("global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; "
	     "queue_dir = \"/q\"; tls_cert = \"a.pem\"; tls_key = "
	     "\"a.key\"; };\n"
	     "listen = { tls_addresses = [ \"127.0.0.1:3102\" ]; };\n"
	     LINK("") ROUTE, 0, &c);
	assert_int_equal(c.nlisten, 1);
	assert_int_equal(c.listen[0].tls, 1);
	assert_int_equal(c.listen[0].port, 3102);
	assert_string_equal(c.tls_cert, "/etc/x400/a.pem");
	cfg_free(&c);
	refused("global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; "
		"queue_dir = \"/q\"; tls_cert = \"a.pem\"; };\n" L
		LINK("") ROUTE, "go together");
}

/* strong credentials (issue 18): credentials, limits.strong_window; a
 * strong link signs with global.tls_cert / tls_key, knows its peer by a
 * pin or a CA, and needs no peer_password */
static void test_strong_keys(void **state)
{
	static const char pin[] = "sha256-spki:00112233445566778899aabb"
		"ccddeeff00112233445566778899aabbccddeeff";
#define GK "global = { mta_name = \"mta-a\"; domain = \"C=XX;A=ADMDA\"; " \
	   "queue_dir = \"/q\"; tls_cert = \"a.pem\"; tls_key = \"a.key\"; "
#define NOPW_LINK(extra) "links = ( { name = \"to-B\"; peer_mta = " \
	"\"mta-b\";\n  addresses = ( { host = \"127.0.0.2\"; } );\n" extra \
	"} );\n"
	struct cfg c;
	char t[2048];

	(void)state;
	load(minimal, 0, &c);
	assert_false(c.links[0].strong);
	assert_int_equal(c.strong_window_ms, 300000);
	cfg_free(&c);
	snprintf(t, sizeof(t), GK "limits = { strong_window = \"90s\"; }; "
		 "};\n" L NOPW_LINK("credentials = \"strong\"; tls_pin = "
		 "\"%s\";") ROUTE, pin);
	load(t, 0, &c);
	assert_true(c.links[0].strong);
	assert_null(c.links[0].peer_pw);
	assert_int_equal(c.strong_window_ms, 90000);
	cfg_free(&c);
	/* no certificate of ours; no identity of the peer's */
	snprintf(t, sizeof(t), G L LINK("credentials = \"strong\"; tls_pin "
		 "= \"%s\";") ROUTE, pin);
	refused(t, "global.tls_cert and global.tls_key");
	refused(GK "};\n" L LINK("credentials = \"strong\";") ROUTE,
		"tls_pin, or tls_ca and tls_name");
	refused(GK "};\n" L LINK("credentials = \"token\";") ROUTE,
		"credentials");
	/* a simple link still needs its peer_password */
	refused(GK "};\n" L NOPW_LINK("") ROUTE, "peer_password");
#undef GK
#undef NOPW_LINK
}

/* every key the parser knows is documented, and in the example */
static void test_documented(void **state)
{
	struct docs d = { slurp("docs/config.md"),
			  slurp("docs/x400d.conf.example"), 0 };
	int keys = 0;

	(void)state;
	cfg_each_key(count_key, &keys);
	assert_true(keys > 50);
	cfg_each_key(check_doc, &d);
	assert_int_equal(d.missing, 0);
	free(d.md);
	free(d.example);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_all_problems),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_big_numbers),
		cmocka_unit_test(test_inbound),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_nondefault),
		cmocka_unit_test(test_documented),
		cmocka_unit_test(test_tls_keys),
		cmocka_unit_test(test_allow_root),
		cmocka_unit_test(test_secrets_kept),
		cmocka_unit_test(test_strong_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
