/*
 * buf.h - growable byte buffers, for building and queueing wire data
 *
 * SYNOPSIS
 *	#include "buf.h"
 *
 *	struct buf b = BUF_INIT;
 *	buf_add(&b, p, n);  buf_add_u8(&b, c);  buf_add_u16be(&b, v);
 *	buf_reserve(&b, n); buf_consume(&b, n); buf_reset(&b);
 *	buf_free(&b);
 *
 * DESCRIPTION
 *	The layers append the bytes they send to a struct buf; the
 *	connection module drains it. Reading consumes from the front
 *	(b->off), writing appends at the end; the buffer compacts itself
 *	when the consumed part dominates, so a queue can live in one.
 *
 * OWNERSHIP
 *	A struct buf owns b->data until buf_free(). Pointers into it are
 *	valid only until the next call that appends.
 */
#ifndef X400_BUF_H
#define X400_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	unsigned char	*data;
	size_t		off;	/* first unread octet */
	size_t		len;	/* end of the written part */
	size_t		cap;
};

#define BUF_INIT	{ NULL, 0, 0, 0 }

/* buf_ptr, buf_avail - the unread part (buf_ptr is NULL while the
 *	buffer has never held anything) */
static inline unsigned char *buf_ptr(const struct buf *b)
{
	return b->data ? b->data + b->off : NULL;
}
#define buf_avail(b)	((b)->len - (b)->off)

void	buf_reserve(struct buf *b, size_t n);
void	buf_add(struct buf *b, const void *p, size_t n);
/* buf_printf - append printf-formatted text (no NUL, never truncated) */
void	buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void	buf_add_u8(struct buf *b, unsigned v);
void	buf_add_u16be(struct buf *b, unsigned v);
void	buf_consume(struct buf *b, size_t n);
void	buf_reset(struct buf *b);
void	buf_free(struct buf *b);

#endif
