/*
 * mtad_ctl_int.h - what the two halves of the control socket share
 *
 * SYNOPSIS
 *	#include "mtad_ctl_int.h"
 *
 * DESCRIPTION
 *	mtad_ctl.c has the socket, its clients and their requests (one
 *	JSON line each way); mtad_ctl_cmd.c has the commands: links,
 *	status, retry, ping. Nothing here is used outside those two files;
 *	mtad.h has the module's interface and mtad_ctl.c its manual.
 */
#ifndef X400_MTAD_CTL_INT_H
#define X400_MTAD_CTL_INT_H

#include <sys/un.h>

#include <jansson.h>
#include <uv.h>

#include "mtad.h"

#define CTL_FILE	"x400d.ctl"	/* in queue_dir */
#define CTL_LINE_MAX	4096	/* one request, its newline included */
#define CTL_CLIENTS_MAX	32	/* at once; more are told so and closed */

struct mtad_ctl {
	struct mtad	*m;
	uv_pipe_t	srv;
	int		srv_closed;
	int		stopping;
	char		path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ctl_client *clients;
	unsigned	nclients;
};

struct ctl_client {
	uv_pipe_t	pipe;
	struct mtad_ctl	*ctl;
	struct ctl_client *next;
	char		buf[CTL_LINE_MAX];
	size_t		len;
	unsigned	writes;		/* replies not yet written */
	int		busy;		/* a retry or a ping under way */
	int		reading;
	int		processing;	/* inside mtad_ctl_process() */
	int		eof;		/* nothing more will be read */
	int		skipping;	/* dropping a request too long, up
					 * to its newline */
	int		closing;	/* uv_close() called */
	int		closed;		/* its close callback ran */
	int		warned;		/* a refusal was logged */
	long		uid;		/* SO_PEERCRED; -1 unknown */
	struct mtad_ping *ping;
	json_t		*tag;		/* the request's tag, echoed */
	char		cmd[16];	/* the request's command, echoed */
};

/* mtad_ctl_reply_new - {"ok":ok,"cmd":...,"tag":...} for the request
 *	in hand */
json_t	*mtad_ctl_reply_new(struct ctl_client *c, int ok);
/* mtad_ctl_reply_send - one line to the client; takes r (dropped if
 *	the client is gone) */
void	mtad_ctl_reply_send(struct ctl_client *c, json_t *r);
/* mtad_ctl_refuse - an error reply; the first of a connection is
 *	logged (event 1011) */
void	mtad_ctl_refuse(struct ctl_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* mtad_ctl_process - answer the lines read so far; a retry or ping
 *	calls it when done (busy cleared) */
void	mtad_ctl_process(struct ctl_client *c);
/* mtad_ctl_release - free c if it is closed and not busy */
void	mtad_ctl_release(struct ctl_client *c);

/* the commands (mtad_ctl_cmd.c); a reply each, now or later */
void	mtad_ctl_links(struct ctl_client *c);
void	mtad_ctl_status(struct ctl_client *c);
void	mtad_ctl_retry(struct ctl_client *c, json_t *req);
void	mtad_ctl_ping(struct ctl_client *c, json_t *req);

#endif
