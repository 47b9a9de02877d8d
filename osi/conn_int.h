/*
 * conn_int.h - struct conn and its listener, private to osi/conn.c,
 *	osi/conn_open.c, osi/conn_tls.c and osi/conn_pcap.c
 *
 * OWNERSHIP
 *	As conn.h says: conn.c allocates and frees a conn (conni_new, the
 *	last close callback), conn_open.c a listener; conn_tls.c reads and
 *	sets the TLS fields only.
 */
#ifndef X400_CONN_INT_H
#define X400_CONN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "conn.h"
#include "pcapw.h"

struct conn_tls;

enum conn_state {
	CS_CONNECTING, CS_WAIT_START, CS_OPEN, CS_CLOSING, CS_CLOSED
};

struct conn {
	uv_loop_t	*loop;
	uv_tcp_t	tcp;
	uv_timer_t	timer;		/* user timer; linger when closing */
	uv_timer_t	defer;		/* zero-delay completions */
	uv_connect_t	creq;
	uv_shutdown_t	sreq;
	enum conn_state	state;
	int		nclose;		/* close callbacks still to come */
	int		reopening;	/* tcp closing for a fallback retry */
	int		outbound;
	struct conn_cbs	cbs;
	void		*arg;
	char		*link;
	int		quiet;		/* accept and close logged at debug */
	/* addresses */
	struct sockaddr_storage dst, src, lsa, psa;
	int		have_src, enforce, fallback;
	char		src_str[CONN_ADDRSTRLEN];
	char		peer[CONN_ADDRSTRLEN], local[CONN_ADDRSTRLEN];
	char		peer_addr[CONN_ADDRSTRLEN], local_addr[CONN_ADDRSTRLEN];
	unsigned	local_port;
	/* I/O */
	char		*pcap_path;	/* outbound: start once connected */
	struct pcapw	*pcap;
	size_t		pending, lowat;
	int		above_lowat;
	int		paused, reading, eof_seen, eof_delivered;
	int		shutdown_sent, shutdown_done;
	int		werr;		/* a write failed */
	int		deferred_status;
	uint64_t	linger_ms;
	uint64_t	bytes_in, bytes_out;
	const char	*how;		/* why it closed, for the event */
	struct conn_tls	*tls;		/* TLS on this connection, or NULL */
	int		tls_failed;	/* reported through the defer timer */
	conn_tls_check_fn *tls_check;	/* accepted: the listener's */
	void		*tls_check_arg;
};

struct wreq {
	uv_write_t	req;
	struct conn	*c;
	unsigned char	*mem;
	size_t		len;
};

struct lsock {
	uv_tcp_t	tcp;
	struct conn_listener *l;
	unsigned	port;
	char		name[CONN_ADDRSTRLEN];
};

struct conn_listener {
	uv_loop_t	*loop;
	struct lsock	*socks;
	size_t		n;
	int		nclose;
	conn_accept_fn	*fn;
	void		*arg;
	struct conn_tls_ctx *tls;	/* borrowed; NULL: plain TCP */
	conn_tls_check_fn *tls_check;	/* NULL: none */
	void		*tls_check_arg;
};

/* conn.c: what conn_open.c uses */
void	conni_sa_name(const struct sockaddr *sa, char *addr, char *both,
		      unsigned *port);
int	conni_parse_addr(const char *s, unsigned port,
			 struct sockaddr_storage *ss);
struct log_who conni_who(const struct conn *c);
struct conn *conni_new(uv_loop_t *loop);
void	conni_hclose(uv_handle_t *h);		/* a handle's close callback */
void	conni_close_handles(struct conn *c, int reset);
void	conni_read_start(struct conn *c);
/* conni_fail_connect - tell the user, then close (from a callback only);
 * conni_defer_fail - a failure found inside conn_connect, told later */
void	conni_fail_connect(struct conn *c, int status);
void	conni_defer_fail(struct conn *c, int status);

/* conn_pcap.c: what conn.c and conn_tls.c capture */
void	conn_pcap_data(struct conn *c, int from, const void *p, size_t n);
void	conn_pcap_fin(struct conn *c, int from);
void	conn_pcap_rst(struct conn *c, int from);

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

#endif
