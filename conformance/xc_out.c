/*
 * xc_out.c - x400conf's output
 *
 * See xc_out.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "xc_out.h"

#define JUNIT_LOG_MAX	(64u << 10)	/* system-out per case */

/* PICS rows in the order they are printed, with a label */
static const struct {
	const char *key, *label;
} pics_rows[] = {
	{ "target.edition", "Edition x400conf writes (target.edition)" },
	{ "target.mode", "Mode x400conf uses (target.mode, x410_*)" },
	{ "transport.tpdu", "X.224 class 0 TPDU sizes (asked -> answered)" },
	{ "transport.tsel", "Unknown called TSAP selector" },
	{ "session.ssel", "Unknown called session selector" },
	{ "session.versions", "Session versions" },
	{ "mode.normal", "1988 normal mode (ACSE, presentation)" },
	{ "mode.x410", "X.410-1984 mode" },
	{ "acse.context", "Unknown application context" },
	{ "rtse.defaults", "RTSE defaults (nothing proposed)" },
	{ "rtse.checkpoint", "Checkpoint size (asked -> accepted)" },
	{ "rtse.window", "Window size (asked -> accepted)" },
	{ "rtse.twa", "Two-way alternate dialogue" },
	{ "rtse.recovery", "Recovery (checkpointing agreed)" },
	{ "rtse.resume", "Activity interrupted and resumed" },
	{ "initiator", "As initiator (towards x400conf)" },
	{ "bind.password", "Password forms accepted" },
	{ "bind.unauthenticated", "Unauthenticated MTA-bind" },
	{ "bind.strong", "Strong credentials (X.411 12.2.1.1)" },
	{ "bind.strong_replay", "Replayed bind token" },
	{ "tls", "TLS under RFC 1006 (version, cipher)" },
	{ "tls.refusal", "Unknown TLS certificates refused" },
	{ "p1.probe", "Probes" },
	{ "p1.report", "Reports relayed" },
	{ "p1.ndr", "Non-delivery reports" },
	{ "p1.dr", "Delivery reports (local delivery)" },
	{ "p1.eits", "Original encoded information types relayed" },
	{ "p1.nonresp", "Recipients not its responsibility, relayed" },
	{ "p1.loop", "Loop detection" },
	{ "ext.noncritical", "Unknown non-critical extensions" },
	{ "ext.critical", "Unknown critical extensions" },
	{ "ext.delivery", "Critical for delivery only" },
	{ "ext.forms", "Extension type forms accepted (1988, 1992)" },
	{ "x410.ap", "X.410-1984 applicationProtocol accepted" },
	{ "x410.bind", "X.410-1984 bind forms accepted" },
	{ "ub", "X.411 upper bounds" },
	{ NULL, NULL }
};

void xc_out_line(const struct xc_result *r, FILE *fp)
{
	fprintf(fp, "%-5s %-6s %s (%.2f s)\n", r->v == XC_PASS ? "PASS" :
		r->v == XC_FAIL ? "FAIL" : "INCON", r->c->id, r->c->title,
		r->secs);
	if (r->v != XC_PASS)
		fprintf(fp, "             %s\n", r->reason);
}

void xc_out_summary(const struct xc *x, FILE *fp)
{
	size_t i, k, npass = 0, nfail = 0, ninc = 0;
	double secs = 0;

	for (i = 0; i < x->nresults; i++) {
		const struct xc_result *r = &x->results[i];

		secs += r->secs;
		if (r->v == XC_PASS)
			npass++;
		else if (r->v == XC_FAIL)
			nfail++;
		else
			ninc++;
	}
	fprintf(fp, "\nx400conf against %s:%u (MTA \"%s\", %s mode, X.411 "
		"%s): %zu cases, %zu passed, %zu failed, %zu inconclusive "
		"(%.1f s)\n", x->cfg.t_host, x->cfg.t_port, x->cfg.t_mta,
		x->cfg.t_mode == RTSE_X410 ? "X.410-1984" : "normal",
		x->cfg.t_edition ? "1992" : "1988",
		x->nresults, npass, nfail, ninc, secs);
	for (i = 0; i < x->nresults; i++) {
		const struct xc_result *r = &x->results[i];

		if (r->v != XC_PASS)
			fprintf(fp, "  %s %s: %s\n", r->v == XC_FAIL ?
				"FAIL " : "INCON", r->c->id, r->reason);
	}
	fprintf(fp, "\nPICS: what the target showed it supports\n");
	for (i = 0; pics_rows[i].key; i++)
		for (k = 0; k < x->npics; k++)
			if (strcmp(x->pics[k].key, pics_rows[i].key) == 0)
				fprintf(fp, "  %-46s %s\n", pics_rows[i].label,
					x->pics[k].value);
	for (k = 0; k < x->npics; k++) {
		for (i = 0; pics_rows[i].key; i++)
			if (strcmp(x->pics[k].key, pics_rows[i].key) == 0)
				break;
		if (pics_rows[i].key == NULL)
			fprintf(fp, "  %-46s %s\n", x->pics[k].key,
				x->pics[k].value);
	}
	if (x->npics == 0)
		fprintf(fp, "  (nothing learnt)\n");
}

char *xc_xml_escape(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;
	char *out;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '<': buf_add(&b, "&lt;", 4); break;
		case '>': buf_add(&b, "&gt;", 4); break;
		case '&': buf_add(&b, "&amp;", 5); break;
		case '"': buf_add(&b, "&quot;", 6); break;
		case '\'': buf_add(&b, "&apos;", 6); break;
		default:
			/* XML 1.0 allows no other control characters, and
			 * we keep the output ASCII */
			if ((c < 0x20 && c != '\n' && c != '\t') || c > 0x7e)
				buf_add(&b, "?", 1);
			else
				buf_add(&b, &s[i], 1);
		}
	}
	buf_add(&b, "", 1);
	out = xstrdup((const char *)buf_ptr(&b));
	buf_free(&b);
	return out;
}

static void xml_attr(FILE *fp, const char *name, const char *v)
{
	char *e = xc_xml_escape(v, strlen(v));

	fprintf(fp, " %s=\"%s\"", name, e);
	free(e);
}

int xc_out_junit(const struct xc *x, const char *path)
{
	FILE *fp = fopen(path, "w");
	size_t i, k, n[3], total = 0;
	double secs = 0, gsecs;
	const char *group;
	int err;

	if (fp == NULL)
		return -errno;
	n[0] = n[1] = n[2] = 0;
	for (i = 0; i < x->nresults; i++) {
		n[x->results[i].v]++;
		secs += x->results[i].secs;
		total++;
	}
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"x400conf\" tests=\"%zu\" failures=\"%zu\" "
		"skipped=\"%zu\" errors=\"0\" time=\"%.3f\">\n", total,
		n[XC_FAIL], n[XC_INCONC], secs);
	fprintf(fp, "  <properties>\n");
	{
		char t[80];

		snprintf(t, sizeof(t), "%s:%u", x->cfg.t_host, x->cfg.t_port);
		fprintf(fp, "    <property");
		xml_attr(fp, "name", "target");
		xml_attr(fp, "value", t);
		fprintf(fp, "/>\n");
	}
	for (k = 0; k < x->npics; k++) {
		char name[80];

		snprintf(name, sizeof(name), "pics.%s", x->pics[k].key);
		fprintf(fp, "    <property");
		xml_attr(fp, "name", name);
		xml_attr(fp, "value", x->pics[k].value);
		fprintf(fp, "/>\n");
	}
	fprintf(fp, "  </properties>\n");
	for (i = 0; i < x->nresults; i = k) {
		size_t m[3] = { 0, 0, 0 };

		group = x->results[i].c->group;
		gsecs = 0;
		for (k = i; k < x->nresults &&
		     strcmp(x->results[k].c->group, group) == 0; k++) {
			m[x->results[k].v]++;
			gsecs += x->results[k].secs;
		}
		fprintf(fp, "  <testsuite");
		xml_attr(fp, "name", group);
		fprintf(fp, " tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" "
			"errors=\"0\" time=\"%.3f\">\n", k - i, m[XC_FAIL],
			m[XC_INCONC], gsecs);
		for (size_t j = i; j < k; j++) {
			const struct xc_result *r = &x->results[j];
			char name[300], cls[80];
			size_t loglen = buf_avail(&r->log);
			char *log;

			snprintf(name, sizeof(name), "%s %s", r->c->id,
				 r->c->title);
			snprintf(cls, sizeof(cls), "x400conf.%s", group);
			fprintf(fp, "    <testcase");
			xml_attr(fp, "classname", cls);
			xml_attr(fp, "name", name);
			fprintf(fp, " time=\"%.3f\">\n", r->secs);
			if (r->v == XC_FAIL) {
				fprintf(fp, "      <failure");
				xml_attr(fp, "message", r->reason);
				xml_attr(fp, "type", "fail");
				fprintf(fp, "/>\n");
			} else if (r->v == XC_INCONC) {
				char msg[700];

				snprintf(msg, sizeof(msg), "inconclusive: %s",
					 r->reason);
				fprintf(fp, "      <skipped");
				xml_attr(fp, "message", msg);
				fprintf(fp, "/>\n");
			}
			if (loglen > JUNIT_LOG_MAX)
				loglen = JUNIT_LOG_MAX;
			log = xc_xml_escape((const char *)buf_ptr(&r->log),
					    loglen);
			fprintf(fp, "      <system-out>clause: ");
			{
				char *e = xc_xml_escape(r->c->clause,
							strlen(r->c->clause));

				fprintf(fp, "%s\n", e);
				free(e);
			}
			if (r->pcap[0])
				fprintf(fp, "capture: %s\n", r->pcap);
			fprintf(fp, "%s%s</system-out>\n", log, loglen <
				buf_avail(&r->log) ? "\n(cut)\n" : "");
			free(log);
			fprintf(fp, "    </testcase>\n");
		}
		fprintf(fp, "  </testsuite>\n");
	}
	fprintf(fp, "</testsuites>\n");
	err = ferror(fp);
	if (fclose(fp) != 0 || err)
		return -EIO;
	return 0;
}

void xc_out_cases(FILE *fp, int markdown)
{
	const struct xc_case *c;
	const char *group = "";
	size_t i;

	for (i = 0; (c = xc_case_at(i)) != NULL; i++) {
		if (!markdown) {
			fprintf(fp, "%-6s %-11s %s\n", c->id, c->group,
				c->title);
			continue;
		}
		if (strcmp(group, c->group) != 0) {
			group = c->group;
			fprintf(fp, "\n### Group %s\n\n", group);
			fprintf(fp, "| Case | Title | Rests on | Sends | "
				"Expects |\n|---|---|---|---|---|\n");
		}
		fprintf(fp, "| %s | %s | %s | %s | %s |\n", c->id, c->title,
			c->clause, c->sends, c->expects);
	}
}
