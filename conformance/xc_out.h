/*
 * xc_out.h - x400conf's output: the running summary, JUnit XML, the
 *	      PICS table, and the list of cases for the documentation
 *
 * SYNOPSIS
 *	#include "xc_out.h"
 *
 *	xc_out_line(result, stdout);	after each case
 *	xc_out_summary(x, stdout);	totals, failures, PICS
 *	xc_out_junit(x, "results.xml");
 *	xc_out_cases(stdout, markdown);	every case: clause, sends, expects
 *
 * DESCRIPTION
 *	JUnit XML as Jenkins, GitLab and GitHub read it: one testsuite per
 *	group, one testcase per case (classname x400conf.GROUP, name "ID
 *	title"), a failure element for a failed case and a skipped element
 *	for an inconclusive one (its message says why), the case's notes
 *	and decoded PDUs in system-out; the PICS table is a property list
 *	of the testsuites element.
 *
 * DIAGNOSTICS
 *	xc_out_junit() returns 0, or -errno when the file cannot be written.
 */
#ifndef X400_XC_OUT_H
#define X400_XC_OUT_H

#include <stdio.h>

#include "xc.h"

void	xc_out_line(const struct xc_result *r, FILE *fp);
void	xc_out_summary(const struct xc *x, FILE *fp);
int	xc_out_junit(const struct xc *x, const char *path);
void	xc_out_cases(FILE *fp, int markdown);
/* xc_xml_escape - text as XML character data (caller frees) */
char	*xc_xml_escape(const char *s, size_t n);

#endif
