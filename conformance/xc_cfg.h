/*
 * xc_cfg.h - what x400conf tests and how: the target, ourselves, the
 *	      suite's limits; from a small libconfig file and the command
 *	      line
 *
 * SYNOPSIS
 *	#include "xc_cfg.h"
 *
 *	struct xc_cfg c;
 *	xc_cfg_defaults(&c);
 *	xc_cfg_load(&c, "x400conf.conf", err, sizeof(err));
 *	xc_cfg_set(&c, "target.address", "127.0.0.1:102", err, sizeof(err));
 *	xc_cfg_check(&c, err, sizeof(err));
 *
 * DESCRIPTION
 *	Every setting has one name, "group.key", used both in the file
 *	(group = { key = value; }) and on the command line (-o
 *	group.key=value, which wins over the file). xc_cfg_each_key()
 *	lists them with their meaning (x400conf -K, docs/conformance.md).
 *
 *	target.address	  "host:port" (numeric; "[v6]:port"; port 102 if
 *			  left out)
 *	target.tsel, .ssel, .psel  its selectors: "" none, "0x..." hex,
 *			  else the text's octets (as docs/config.md)
 *	target.mode	  "normal" (1988 normal mode) or "x410" (X.410-1984):
 *			  the mode of the target's link with x400conf, both
 *			  ways
 *	target.edition	  "1988" or "1992": the X.411 edition the target
 *			  reads; the form of every extension type x400conf
 *			  writes (docs/editions.md row 1; default 1988)
 *	target.x410_application_protocol  X.410-1984 mode: the PConnect's
 *			  applicationProtocol (1, or 12; row 2)
 *	target.x410_bind  X.410-1984 mode: the bind "bare" or "wrapped" in
 *			  [16] (row 3)
 *	target.mta	  the MTA name the target binds with towards us
 *	target.password	  the password it sends (absent: not checked)
 *	target.domain	  its global domain identifier, "C=..;A=..;P=.."
 *	target.local_recipient  an O/R address the target delivers itself
 *			  (optional: for the delivery-report case)
 *	us.mta, us.password  what x400conf binds with, as the target's
 *			  link expects
 *	us.domain	  x400conf's global domain; the target routes it to us
 *	us.listen	  "addr:port" x400conf receives on (the target's link
 *			  towards us calls it)
 *	us.source	  the local address x400conf calls from (optional;
 *			  for targets that allow only some addresses)
 *	us.recipients	  the O/R address prefix of test recipients, in
 *			  us.domain ("C=XX;A=ADMD;P=CONF;O=conf")
 *	us.originator	  the originator of test messages, where reports go
 *			  (default: us.recipients;S=originator)
 *	us.unroutable	  an O/R address the target has no route for
 *	suite.answer_timeout  seconds to wait for an answer PDU (5)
 *	suite.relay_timeout   seconds to wait for a relayed message or a
 *			  report (30)
 *	suite.out_dir	  where captures and transcripts go ("" none)
 *	suite.large_size  octets of the large-content case (2 MiB)
 *	suite.recipients  recipients of the many-recipients case (200)
 *	suite.strong_cert, suite.strong_key  x400conf's certificate and
 *			  key (PEM) for the strong-credential cases (SC);
 *			  left out, they are inconclusive
 *	suite.strong_mta  the MTA name of the SC binds (default us.mta)
 *	suite.tls_address the target's TLS listener (host:port) for the
 *			  TLS cases (TX); left out, they are inconclusive
 *	suite.tls_cert, suite.tls_key  x400conf's TLS client certificate
 *			  and key (PEM), pinned by the target's link
 *	suite.tls_mta	  the MTA name of the TX binds (default us.mta)
 *
 * OWNERSHIP
 *	struct xc_cfg holds everything inline; no freeing.
 *
 * DIAGNOSTICS
 *	Functions return 0, or -1 with one sentence in err naming the
 *	file, line and key.
 */
#ifndef X400_XC_CFG_H
#define X400_XC_CFG_H

#include <stddef.h>

#include "cotp.h"
#include "rtse.h"

#define XC_STR	256

struct xc_sel {
	unsigned char	v[COTP_SEL_MAX];
	size_t		len;
};

struct xc_cfg {
	/* the target */
	char		t_host[64];
	unsigned	t_port;
	struct xc_sel	t_tsel, t_ssel, t_psel;
	enum rtse_mode	t_mode;
	int		t_edition;	/* enum p1_edition */
	long		t_x410_ap;	/* X.410-1984 applicationProtocol */
	int		t_x410_bare;	/* X.410-1984 bind bare, not [16] */
	char		t_mta[33];
	char		t_password[63];
	int		t_password_set;
	char		t_domain[XC_STR];
	char		t_local[XC_STR];
	/* ourselves */
	char		u_mta[33];
	char		u_password[63];
	char		u_domain[XC_STR];
	char		u_listen_host[64];
	unsigned	u_listen_port;
	char		u_source[64];
	char		u_recipients[XC_STR];
	char		u_originator[XC_STR];
	char		u_unroutable[XC_STR];
	/* the suite */
	unsigned	answer_ms;
	unsigned	relay_ms;
	char		out_dir[512];
	size_t		large_size;
	unsigned	many;
	char		strong_cert[512];	/* "": no SC cases */
	char		strong_key[512];
	char		strong_mta[33];		/* "": u_mta */
	char		tls_host[256];		/* "": no TX cases */
	unsigned	tls_port;
	char		tls_cert[512];
	char		tls_key[512];
	char		tls_mta[33];		/* "": u_mta */
	/* the command line only */
	const char	*only[16];	/* case id patterns (fnmatch) */
	size_t		nonly;
	const char	*skip[16];
	size_t		nskip;
	int		verbose;
	const char	*junit;
};

void	xc_cfg_defaults(struct xc_cfg *c);
int	xc_cfg_load(struct xc_cfg *c, const char *path, char *err,
		    size_t errlen);
int	xc_cfg_set(struct xc_cfg *c, const char *key, const char *value,
		   char *err, size_t errlen);
/* xc_cfg_check - every required setting is there and consistent */
int	xc_cfg_check(const struct xc_cfg *c, char *err, size_t errlen);
/* xc_cfg_each_key - key i and its meaning (NULL past the end) */
const char *xc_cfg_each_key(size_t i, const char **meaning);
/* xc_sel_parse - a selector in the text form above */
int	xc_sel_parse(const char *s, struct xc_sel *sel, size_t max);
/* xc_sel_format - a selector as text (hex when not printable) */
const char *xc_sel_format(const struct xc_sel *sel, char *buf, size_t n);
/* xc_hostport - "host:port", "[v6]:port" or "host" */
int	xc_hostport(const char *s, char *host, size_t hlen, unsigned *port,
		    unsigned defport);

#endif
