/*
 * timeshim.c - LD_PRELOAD shim: a clock that is off by a given number
 *		of seconds (tests only)
 *
 * SYNOPSIS
 *	cc -shared -fPIC -o timeshim.so tests/support/preload/timeshim.c -ldl
 *	X400_SHIM_TIME_SHIFT=600 LD_PRELOAD=./timeshim.so x400d -c b.conf
 *
 * DESCRIPTION
 *	time(2) returns the real time plus X400_SHIM_TIME_SHIFT seconds
 *	(negative for a clock behind). x400d takes the wall clock it
 *	writes into bind tokens, and judges theirs by, from time(2)
 *	(issue 18, strong credentials), so two sites with clocks apart
 *	can be had on one host: tests/integration/strong.sh. Nothing else
 *	is changed (clock_gettime(), libuv's monotonic clock).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

time_t time(time_t *t)
{
	static time_t (*real)(time_t *);
	const char *s = getenv("X400_SHIM_TIME_SHIFT");
	time_t v;

	if (real == NULL)
		real = (time_t (*)(time_t *))dlsym(RTLD_NEXT, "time");
	v = (real ? real(NULL) : 0) + (s ? (time_t)atol(s) : 0);
	if (t)
		*t = v;
	return v;
}
