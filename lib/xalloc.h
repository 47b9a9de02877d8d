/*
 * xalloc.h - memory that either comes or does not return; panics
 *
 * SYNOPSIS
 *	#include "xalloc.h"
 *
 *	void	*xmalloc(size);  void *xcalloc(n, size);
 *	void	*xrealloc(ptr, size);  char *xstrdup(s);
 *	void	*xmemdup(p, n);
 *	void	panic(fmt, ...);
 *
 * DESCRIPTION
 *	The first of our three error tiers (bug, resource, peer): memory
 *	exhaustion is not an error a caller can handle, so these functions
 *	succeed or end the process with a message on stderr. panic() is for
 *	a caller's bug: a broken invariant that no peer or disk can cause.
 *	Everything a peer or the disk can cause is returned as an error code
 *	by the module concerned, never passed to panic().
 *
 * OWNERSHIP
 *	Returned memory belongs to the caller, who releases it with free().
 */
#ifndef X400_XALLOC_H
#define X400_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t n, size_t size);
void	*xrealloc(void *ptr, size_t size);
char	*xstrdup(const char *s);
void	*xmemdup(const void *p, size_t n);
void	panic(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

#define XNEW(type)	((type *)xcalloc(1, sizeof(type)))

#endif
