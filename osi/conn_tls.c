/*
 * conn_tls.c - TLS on a connection through OpenSSL memory BIOs
 *
 * See conn_tls.h (the private interface) and conn.h (conn_tls_ctx_*,
 * conn_tls_*). Nothing here touches a socket: conn.c feeds us what it
 * reads and writes what we produce.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "conn_int.h"
#include "conn_tls.h"
#include "xalloc.h"

struct conn_tls_ctx {
	SSL_CTX		*ctx;
	int		server;
	int		strict;		/* a CA: the chain must verify */
};

struct conn_tls {
	struct conn	*c;
	SSL		*ssl;
	BIO		*rbio, *wbio;	/* owned by ssl */
	int		strict;
	int		up, failed;
	int		verr;		/* fatal verify error, 0 none */
	X509		*verr_cert;	/* the certificate it is about */
	struct tlsid	id;		/* outbound: who the server must be */
	unsigned char	*held;		/* plaintext before the handshake */
	size_t		nheld;
};

/* who - the log_who of c's TLS events */
static struct log_who who(const struct conn *c)
{
	struct log_who w = { .peer = c->peer, .link = c->link,
			     .layer = "tls" };

	return w;
}

/* ---- contexts ---------------------------------------------------------- */

static void ssl_err(char *err, size_t len, const char *what,
		    const char *file)
{
	unsigned long e = ERR_get_error();

	snprintf(err, len, "%s %s: %s", what, file ? file : "",
		 e ? ERR_reason_error_string(e) : "unknown error");
	ERR_clear_error();
}

static int verify_cb(int ok, X509_STORE_CTX *x);

/* ctx_load - our certificate and key, and the CA if any */
static int ctx_load(struct conn_tls_ctx *t, const char *cert,
		    const char *key, const char *ca, char *err, size_t len)
{
	if (cert && SSL_CTX_use_certificate_chain_file(t->ctx, cert) != 1) {
		ssl_err(err, len, "certificate", cert);
		return -1;
	}
	if (key && SSL_CTX_use_PrivateKey_file(t->ctx, key,
					       SSL_FILETYPE_PEM) != 1) {
		ssl_err(err, len, "key", key);
		return -1;
	}
	if (cert && key && SSL_CTX_check_private_key(t->ctx) != 1) {
		ssl_err(err, len, "key does not match the certificate", cert);
		return -1;
	}
	if (ca && SSL_CTX_load_verify_locations(t->ctx, ca, NULL) != 1) {
		ssl_err(err, len, "CA file", ca);
		return -1;
	}
	return 0;
}

int conn_tls_ctx_new(int server, const char *cert, const char *key,
		     const char *ca, struct conn_tls_ctx **out, char *err,
		     size_t errlen)
{
	struct conn_tls_ctx *t = XNEW(struct conn_tls_ctx);

	t->server = server;
	t->strict = ca != NULL;
	t->ctx = SSL_CTX_new(server ? TLS_server_method() :
			     TLS_client_method());
	if (t->ctx == NULL) {
		ssl_err(err, errlen, "SSL_CTX_new", NULL);
		free(t);
		return -1;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION);
	/* ask for (server) or check (client) the peer's certificate;
	 * verify_cb decides what is fatal */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, verify_cb);
	/* no session resumption: every association has a full handshake,
	 * so the peer's certificate (its dates, its chain) is checked each
	 * time. As a server we issue no tickets and keep no cache; the
	 * session id context is set all the same, since OpenSSL answers a
	 * client that offers a session (stunnel does, with the ticket of
	 * its last one) with an internal_error alert when it is missing */
	SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET);
	if (server) {
		SSL_CTX_set_num_tickets(t->ctx, 0);
		SSL_CTX_set_session_id_context(t->ctx,
					       (const unsigned char *)"x400d",
					       5);
	}
	if (ctx_load(t, cert, key, ca, err, errlen) < 0) {
		conn_tls_ctx_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void conn_tls_ctx_free(struct conn_tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* ---- verification ------------------------------------------------------ */

/* verify_cb - times are always fatal; a chain only with a CA (strict) */
static int verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct conn_tls *s = ssl ? SSL_get_app_data(ssl) : NULL;
	int e = X509_STORE_CTX_get_error(x);

	if (ok || s == NULL)
		return ok;
	if (e == X509_V_ERR_CERT_HAS_EXPIRED ||
	    e == X509_V_ERR_CERT_NOT_YET_VALID || s->strict) {
		if (s->verr == 0) {
			s->verr = e;
			s->verr_cert = X509_STORE_CTX_get_current_cert(x);
			if (s->verr_cert)
				X509_up_ref(s->verr_cert);
		}
		return 0;
	}
	return 1;			/* identity: the user's check */
}

static void name_of(const X509 *x, int subject, char *buf, size_t len)
{
	X509_NAME *n = x == NULL ? NULL : subject ?
	    X509_get_subject_name(x) : X509_get_issuer_name(x);

	snprintf(buf, len, "(none)");
	if (n)
		X509_NAME_oneline(n, buf, (int)len);
}

static void asn1_time(const ASN1_TIME *t, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	snprintf(buf, len, "?");
	if (b && t && ASN1_TIME_print(b, t) == 1 &&
	    (n = BIO_read(b, buf, (int)len - 1)) > 0)
		buf[n] = 0;
	BIO_free(b);
}

/* log_verr - the event for a fatal verify error */
static void log_verr(struct conn_tls *s)
{
	struct log_who w = who(s->c);
	char subj[256], iss[256], when[64];

	w.layer = "tls";
	name_of(s->verr_cert, 1, subj, sizeof(subj));
	name_of(s->verr_cert, 0, iss, sizeof(iss));
	if (s->verr == X509_V_ERR_CERT_HAS_EXPIRED) {
		asn1_time(X509_get0_notAfter(s->verr_cert), when, sizeof(when));
		log_ev(LOG_WARNING, EV_TLS_CERT_EXPIRED, &w, "the peer's "
		       "certificate %s expired on %s", subj, when);
	} else if (s->verr == X509_V_ERR_CERT_NOT_YET_VALID) {
		asn1_time(X509_get0_notBefore(s->verr_cert), when,
			  sizeof(when));
		log_ev(LOG_WARNING, EV_TLS_CERT_NOT_YET_VALID, &w, "the "
		       "peer's certificate %s is not valid before %s", subj,
		       when);
	} else {
		log_ev(LOG_WARNING, EV_TLS_UNKNOWN_CA, &w, "the peer's "
		       "certificate %s (issuer %s) does not verify against "
		       "listen.tls_ca: %s", subj, iss,
		       X509_verify_cert_error_string(s->verr));
	}
}

/* ---- the record layer --------------------------------------------------- */

/* flush - write what the SSL produced to the socket */
static int flush(struct conn_tls *s)
{
	size_t n;

	while ((n = BIO_ctrl_pending(s->wbio)) > 0) {
		unsigned char *mem = xmalloc(n);
		int r = BIO_read(s->wbio, mem, (int)n);

		if (r <= 0) {
			free(mem);
			return -1;
		}
		if (conni_raw(s->c, mem, (size_t)r) < 0)
			return -1;
	}
	return 0;
}

/* fail - the handshake or a record failed: say why, once */
static void fail(struct conn_tls *s, int r)
{
	struct log_who w = who(s->c);
	unsigned long e = ERR_peek_error();

	if (s->failed)
		return;
	s->failed = 1;
	(void)flush(s);			/* an alert, if any */
	w.layer = "tls";
	if (s->verr)
		log_verr(s);
	else	/* a caller not yet bound: at debug (the front door) */
		log_ev(s->c->quiet ? LOG_DEBUG : LOG_NOTICE,
		       EV_TLS_HANDSHAKE_FAILED, &w, "TLS %s "
		       "failed: %s", s->up ? "record" : "handshake",
		       e ? ERR_reason_error_string(e) :
		       r == SSL_ERROR_SYSCALL ? "unexpected data" :
		       "protocol error");
	ERR_clear_error();
	conni_tls_failed(s->c);
}

/* is_ip - a numeric address (SNI carries host names only) */
static int is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

struct conn_tls *ctls_new(struct conn *c, struct conn_tls_ctx *t,
			  const struct tlsid *id)
{
	struct conn_tls *s = XNEW(struct conn_tls);

	s->c = c;
	if (id)
		tlsid_copy(&s->id, id);
	s->strict = t->strict;
	s->ssl = SSL_new(t->ctx);
	s->rbio = BIO_new(BIO_s_mem());
	s->wbio = BIO_new(BIO_s_mem());
	if (s->ssl == NULL || s->rbio == NULL || s->wbio == NULL)
		panic("ctls_new: out of memory");
	BIO_set_mem_eof_return(s->rbio, -1);	/* empty: retry */
	SSL_set_bio(s->ssl, s->rbio, s->wbio);
	SSL_set_app_data(s->ssl, s);
	if (!t->server && s->id.name && !is_ip(s->id.name))	/* SNI */
		(void)SSL_set_tlsext_host_name(s->ssl, s->id.name);
	if (t->server)
		SSL_set_accept_state(s->ssl);
	else
		SSL_set_connect_state(s->ssl);
	return s;
}

void ctls_free(struct conn_tls *s)
{
	if (s == NULL)
		return;
	SSL_free(s->ssl);
	X509_free(s->verr_cert);
	tlsid_free(&s->id);
	free(s->held);
	free(s);
}

void ctls_start(struct conn_tls *s)
{
	int r = SSL_do_handshake(s->ssl);

	if (r <= 0 && SSL_get_error(s->ssl, r) != SSL_ERROR_WANT_READ) {
		fail(s, SSL_get_error(s->ssl, r));
		return;
	}
	(void)flush(s);
}

/* established - the handshake is done: log, tell conn.c, send what was
 *	held */
static void established(struct conn_tls *s)
{
	struct log_who w = who(s->c);
	char subj[256];
	unsigned char *held = s->held;
	size_t n = s->nheld;

	s->up = 1;
	w.layer = "tls";
	name_of(SSL_get0_peer_certificate(s->ssl), 1, subj, sizeof(subj));
	log_ev(LOG_INFO, EV_TLS_ESTABLISHED, &w, "%s %s; peer certificate "
	       "%s", SSL_get_version(s->ssl), SSL_get_cipher_name(s->ssl),
	       subj);
	s->held = NULL;
	s->nheld = 0;
	if (n)
		(void)ctls_write(s, held, n);
	free(held);
	conni_tls_up(s->c);
}

/* handshake - go on with it; 0 done, 1 wants more, -1 failed */
static int handshake(struct conn_tls *s)
{
	int r = SSL_do_handshake(s->ssl), e;

	if (r == 1) {
		if (flush(s) < 0)
			return -1;
		established(s);
		return 0;
	}
	e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return flush(s) < 0 ? -1 : 1;
	fail(s, e);
	return -1;
}

void ctls_input(struct conn_tls *s, const uint8_t *p, size_t n)
{
	unsigned char buf[16384];
	int r, e;

	if (s->failed)
		return;
	if (n && BIO_write(s->rbio, p, (int)n) != (int)n)
		panic("ctls_input: BIO_write");
	if (!s->up && handshake(s) != 0)
		return;
	while ((r = SSL_read(s->ssl, buf, sizeof(buf))) > 0)
		if (conni_plain(s->c, buf, (size_t)r) < 0)
			return;
	e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_ZERO_RETURN) {	/* the peer's close_notify */
		(void)flush(s);
		conni_tls_eof(s->c);
		return;
	}
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		(void)flush(s);		/* tickets, key updates */
		return;
	}
	fail(s, e);
}

int ctls_write(struct conn_tls *s, const void *p, size_t n)
{
	if (s->failed)
		return UV_EPIPE;
	if (!s->up) {
		s->held = xrealloc(s->held, s->nheld + n);
		memcpy(s->held + s->nheld, p, n);
		s->nheld += n;
		return 0;
	}
	while (n > 0) {
		int k = n > 1u << 30 ? 1 << 30 : (int)n;
		int r = SSL_write(s->ssl, p, k);

		if (r <= 0) {
			fail(s, SSL_get_error(s->ssl, r));
			return UV_EPIPE;
		}
		p = (const unsigned char *)p + r;
		n -= (size_t)r;
	}
	return flush(s) < 0 ? UV_EPIPE : 0;
}

void ctls_close_notify(struct conn_tls *s)
{
	if (!s->up || s->failed)
		return;
	(void)SSL_shutdown(s->ssl);
	(void)flush(s);
}

int ctls_peer_refused(const struct conn_tls *s)
{
	struct log_who w = who(s->c);
	char why[600];
	unsigned ev;

	ev = tlsid_check(&s->id, SSL_get0_peer_certificate(s->ssl),
			 SSL_get_peer_cert_chain(s->ssl), why, sizeof(why));
	if (ev == 0)
		return 0;
	w.layer = "tls";
	log_ev(LOG_WARNING, ev, &w, "%s; not sending anything on this "
	       "connection", why);
	return 1;
}

/* ---- accessors ---------------------------------------------------------- */

int ctls_up(const struct conn_tls *s)
{
	return s->up;
}

/* up - c's TLS state once its handshake is done, else NULL */
static const struct conn_tls *up(const struct conn *c)
{
	const struct conn_tls *s = c->tls;

	return s && s->up ? s : NULL;
}

int conn_is_tls(const struct conn *c)
{
	return c->tls != NULL;
}

void conn_listener_tls(struct conn_listener *l, struct conn_tls_ctx *t)
{
	l->tls = t;
}

void conn_listener_tls_check(struct conn_listener *l, conn_tls_check_fn *fn,
			     void *arg)
{
	l->tls_check = fn;
	l->tls_check_arg = arg;
}

const struct x509_st *conn_tls_peer_cert(const struct conn *c)
{
	return up(c) ? SSL_get0_peer_certificate(up(c)->ssl) : NULL;
}

struct stack_st_X509 *conn_tls_peer_chain(const struct conn *c)
{
	return up(c) ? SSL_get_peer_cert_chain(up(c)->ssl) : NULL;
}

const char *conn_tls_version(const struct conn *c)
{
	return up(c) ? SSL_get_version(up(c)->ssl) : "";
}

const char *conn_tls_cipher(const struct conn *c)
{
	return up(c) ? SSL_get_cipher_name(up(c)->ssl) : "";
}
