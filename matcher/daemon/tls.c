/*
 * TLS on both listeners through libevent's OpenSSL bufferevents.  The
 * context is process-wide, as the listeners are: made at start-up and
 * made again on SIGHUP from the same files (a renewed certificate), so
 * new connections get it while open ones keep theirs (an SSL holds a
 * reference to its context).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "conf.h"
#include "log.h"
#include "tls.h"

static SSL_CTX	*tls_ctx;

/* OpenSSL's reason for the last failure, and clear its queue. */
static void
ssl_reason(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		snprintf(buf, len, "unknown OpenSSL error");
	else
		ERR_error_string_n(last, buf, len);
}

static int
is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static int
check_plain(const char *what, const struct conf_addr *a, char *err,
    size_t len)
{
	if (is_loopback(a->host))
		return 0;
	snprintf(err, len, "%s listen %s:%d: plain TCP on a non-loopback "
	    "address; set [tls] cert and key, or [tls] allow_plaintext = yes",
	    what, a->host, a->port);
	return -1;
}

/* A file OpenSSL is to read: say why it cannot be opened, if it cannot. */
static int
readable(const char *key, const char *path, char *err, size_t len)
{
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, len, "[tls] %s %s: %s", key, path,
		    strerror(errno));
		return -1;
	}
	fclose(fp);
	return 0;
}

static SSL_CTX *
ctx_new(const struct conf *c, char *err, size_t len)
{
	char why[256];
	SSL_CTX *ctx;

	if (readable("cert", c->tls.cert, err, len) == -1 ||
	    readable("key", c->tls.key, err, len) == -1)
		return NULL;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		ssl_reason(why, sizeof(why));
		snprintf(err, len, "[tls]: SSL_CTX_new: %s", why);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* A client that drops the socket is a closed session, no error. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->tls.cert) != 1) {
		ssl_reason(why, sizeof(why));
		snprintf(err, len, "[tls] cert %s: %s", c->tls.cert, why);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->tls.key,
	    SSL_FILETYPE_PEM) != 1) {
		ssl_reason(why, sizeof(why));
		snprintf(err, len, "[tls] key %s: %s", c->tls.key, why);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ssl_reason(why, sizeof(why));
		snprintf(err, len, "[tls] key %s does not match cert %s: %s",
		    c->tls.key, c->tls.cert, why);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int
tls_check(const struct conf *c, char *err, size_t len)
{
	SSL_CTX *ctx;

	if ((c->tls.cert[0] == '\0') != (c->tls.key[0] == '\0')) {
		snprintf(err, len, "[tls] cert and key go together");
		return -1;
	}
	if (c->tls.cert[0] == '\0') {
		if (c->tls.allow_plaintext)
			return 0;
		if (check_plain("[server]", &c->listen, err, len) == -1 ||
		    check_plain("[http]", &c->http.listen, err, len) == -1)
			return -1;
		return 0;
	}
	if ((ctx = ctx_new(c, err, len)) == NULL)
		return -1;
	SSL_CTX_free(ctx);
	return 0;
}

int
tls_init(const struct conf *c, char *err, size_t len)
{
	if (tls_check(c, err, len) == -1)
		return -1;
	if (c->tls.cert[0] == '\0')
		return 0;
	if ((tls_ctx = ctx_new(c, err, len)) == NULL)
		return -1;
	return 0;
}

int
tls_reload(const struct conf *c, char *err, size_t len)
{
	SSL_CTX *ctx;

	if ((c->tls.cert[0] != '\0') != (tls_ctx != NULL)) {
		snprintf(err, len, "turning TLS on or off takes effect at the "
		    "next start");
		return 1;
	}
	if (tls_ctx == NULL)
		return 0;
	if ((ctx = ctx_new(c, err, len)) == NULL)
		return -1;
	SSL_CTX_free(tls_ctx);
	tls_ctx = ctx;
	return 0;
}

/*
 * evhttp keeps a connection's events to itself: a handshake it drops is
 * logged here, with the peer's address, when OpenSSL leaves the accept
 * with an error queued (waiting for more bytes queues none).
 */
static void
log_alert(const SSL *ssl, int where, int ret)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	const char *why;
	unsigned long e;

	if (where != SSL_CB_ACCEPT_EXIT || ret > 0 ||
	    (e = ERR_peek_last_error()) == 0)
		return;
	why = ERR_reason_error_string(e);
	if (getpeername(SSL_get_fd(ssl), (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			    host, sizeof(host));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
			    sizeof(host));
	}
	log_info("HTTP %s: TLS handshake failed: %s", host,
	    why != NULL ? why : "unknown OpenSSL error");
	/* Once: OpenSSL may leave the accept again on the way out. */
	SSL_set_info_callback((SSL *)ssl, NULL);
}

int
tls_enabled(void)
{
	return tls_ctx != NULL;
}

struct bufferevent *
tls_bufferevent(struct event_base *base, evutil_socket_t fd, int options,
    int log_alerts)
{
	struct bufferevent *bev;
	SSL *ssl;

	if (tls_ctx == NULL)
		return bufferevent_socket_new(base, fd, options);
	if ((ssl = SSL_new(tls_ctx)) == NULL)
		return NULL;
	if (log_alerts)
		SSL_set_info_callback(ssl, log_alert);
	/* With BEV_OPT_CLOSE_ON_FREE the bufferevent frees ssl. */
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, options);
	return bev;
}

const char *
tls_bev_error(struct bufferevent *bev, short what, char *buf, size_t len)
{
	unsigned long e, last = 0;
	int serr = EVUTIL_SOCKET_ERROR();

	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		last = e;
	if (last != 0)
		ERR_error_string_n(last, buf, len);
	else if (what & BEV_EVENT_TIMEOUT)
		snprintf(buf, len, "timed out");
	else if ((what & BEV_EVENT_EOF) || serr == 0)
		snprintf(buf, len, "closed by peer");
	else
		snprintf(buf, len, "%s", evutil_socket_error_to_string(serr));
	return buf;
}

void
tls_free(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}
