/*
 * The connection to matcherd (ctl_conn.h): connecting with a timeout,
 * packing requests, writing them whole, and reading replies through the
 * bounded framer.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <msgpack.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ctl.h"
#include "ctl_conn.h"
#include "frame.h"
#include "jsonmp.h"
#include "mpobj.h"
#include "proto.h"
#include "rpc.h"

/*
 * Largest reply accepted.  The biggest legitimate ones (a match result
 * with 200 suggestions, a page of 200 candidates) are a few hundred KiB.
 */
#define CTL_MAX_REPLY		(16 * 1024 * 1024)
#define CTL_READ_CHUNK		(64 * 1024)
/*
 * Envelope levels around the params map ([0, id, method, [map]]): a record
 * must leave room for them under the daemon's nesting bound.
 */
#define CTL_ENVELOPE_DEPTH	2

/* --tls and its --cacert (ctl_conn_set_tls). */
static int		 use_tls;
static const char	*tls_cacert;

/* Wait until the socket is ready for events, or exit on the timeout. */
static void
wait_fd(struct conn *c, short events)
{
	struct pollfd pfd;
	int n;

	pfd.fd = c->fd;
	pfd.events = events;
	for (;;) {
		n = poll(&pfd, 1, c->timeout_ms);
		if (n > 0)
			return;
		if (n == 0)
			ctl_die(EXIT_CONN, "%s: timed out after %.3g s",
			    c->server, c->timeout_ms / 1000.0);
		if (errno != EINTR)
			ctl_die(EXIT_CONN, "poll: %s", strerror(errno));
	}
}

/* Split "host:port", "[v6]:port" or "host" into its parts. */
static void
split_server(const char *server, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char *colon, *end;
	size_t n;

	if (server[0] == '[' && (end = strchr(server, ']')) != NULL) {
		n = end - server - 1;
		colon = end[1] == ':' ? end + 1 : NULL;
		server++;
	} else {
		colon = strrchr(server, ':');
		n = colon != NULL ? (size_t)(colon - server) : strlen(server);
	}
	if (n == 0 || n >= hostlen)
		ctl_die(EXIT_USAGE, "bad server address \"%s\"", server);
	memcpy(host, server, n);
	host[n] = '\0';
	if (colon != NULL && colon[1] != '\0')
		snprintf(port, portlen, "%s", colon + 1);
	else
		snprintf(port, portlen, "%d", PROTO_DEFAULT_PORT);
}

/* Non-blocking connect, so the timeout applies to it too. */
static int
connect_one(struct conn *c, const struct addrinfo *ai, int *err)
{
	socklen_t len = sizeof(*err);
	int fd, one = 1;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol)) == -1) {
		*err = errno;
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		ctl_die(EXIT_CONN, "fcntl: %s", strerror(errno));
	c->fd = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS) {
			*err = errno;
			close(fd);
			return -1;
		}
		wait_fd(c, POLLOUT);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) == -1)
			*err = errno;
		if (*err != 0) {
			close(fd);
			return -1;
		}
	}
	/* Requests are written whole; do not let Nagle hold them back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

void
ctl_conn_set_tls(const char *cacert)
{
	use_tls = 1;
	tls_cacert = cacert;
}

/* OpenSSL's last reason, its queue cleared. */
static const char *
ssl_reason(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		snprintf(buf, len, "%s", errno ? strerror(errno) :
		    "connection closed");
	else
		ERR_error_string_n(last, buf, len);
	return buf;
}

/*
 * After an SSL_* call on the non-blocking socket returned r <= 0: wait
 * for what OpenSSL wants and return 1 to retry, or 0 for a clean close.
 * Anything else exits, naming what failed.
 */
static int
ssl_retry(struct conn *c, int r, const char *what)
{
	char why[256];

	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		wait_fd(c, POLLIN);
		return 1;
	case SSL_ERROR_WANT_WRITE:
		wait_fd(c, POLLOUT);
		return 1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		if (SSL_get_verify_result(c->ssl) != X509_V_OK) {
			ERR_clear_error();
			ctl_die(EXIT_CONN, "%s: TLS %s: certificate: %s",
			    c->server, what, X509_verify_cert_error_string(
			    SSL_get_verify_result(c->ssl)));
		}
		ctl_die(EXIT_CONN, "%s: TLS %s: %s", c->server, what,
		    ssl_reason(why, sizeof(why)));
	}
	return 0;
}

/* The handshake, the server checked against the CA and host. */
static void
tls_open(struct conn *c, const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;
	char why[256];
	SSL_CTX *ctx;
	int r;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		ctl_die(EXIT_CONN, "TLS: %s", ssl_reason(why, sizeof(why)));
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* A server closing without close_notify is an end of stream. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (tls_cacert != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, tls_cacert, NULL) != 1)
			ctl_die(EXIT_USAGE, "--cacert %s: %s", tls_cacert,
			    ssl_reason(why, sizeof(why)));
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1)
		ctl_die(EXIT_CONN, "TLS: the system's certificates: %s",
		    ssl_reason(why, sizeof(why)));
	if ((c->ssl = SSL_new(ctx)) == NULL)
		ctl_die(EXIT_CONN, "TLS: %s", ssl_reason(why, sizeof(why)));
	SSL_CTX_free(ctx);	/* c->ssl holds it */
	/* An address is checked against the certificate's IP names. */
	if (inet_pton(AF_INET, host, &a4) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
		    host) != 1)
			ctl_die(EXIT_CONN, "TLS: bad address %s", host);
	} else if (SSL_set1_host(c->ssl, host) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, host) != 1)
		ctl_die(EXIT_CONN, "TLS: bad host name %s", host);
	SSL_set_fd(c->ssl, c->fd);
	while ((r = SSL_connect(c->ssl)) != 1)
		if (ssl_retry(c, r, "handshake") == 0)
			ctl_die(EXIT_CONN, "%s: TLS handshake: connection "
			    "closed", c->server);
}

static void
conn_open(struct conn *c, const char *server, double timeout)
{
	struct addrinfo hints, *res, *ai;
	char host[256], port[32];
	int rc, err = 0;

	memset(c, 0, sizeof(*c));
	c->server = server;
	c->timeout_ms = timeout > 0 ? (int)(timeout * 1000) : -1;
	c->next_msgid = 1;
	split_server(server, host, sizeof(host), port, sizeof(port));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		ctl_die(EXIT_CONN, "%s: %s", server, gai_strerror(rc));
	c->fd = -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (connect_one(c, ai, &err) != -1)
			break;
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd == -1)
		ctl_die(EXIT_CONN, "cannot connect to %s: %s", server,
		    strerror(err));
	if (use_tls)
		tls_open(c, host);
	c->cap = CTL_READ_CHUNK;
	if ((c->buf = malloc(c->cap)) == NULL)
		ctl_die(EXIT_REFUSED, "out of memory");
	if (!msgpack_zone_init(&c->zone, 8192))
		ctl_die(EXIT_REFUSED, "out of memory");
}

void
ctl_conn_write(struct conn *c, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0 && c->ssl != NULL) {
		if ((w = SSL_write(c->ssl, p, n > INT_MAX ? INT_MAX :
		    (int)n)) <= 0) {
			if (ssl_retry(c, (int)w, "write") == 0)
				ctl_die(EXIT_CONN, "%s: write: connection "
				    "closed", c->server);
			continue;
		}
		p += w;
		n -= w;
	}
	while (n > 0) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_fd(c, POLLOUT);
				continue;
			}
			if (errno == EINTR)
				continue;
			ctl_die(EXIT_CONN, "%s: write: %s", c->server,
			    strerror(errno));
		}
		p += w;
		n -= w;
	}
}

/* Up to len bytes through TLS; 0 at the end of the session. */
static ssize_t
tls_read(struct conn *c, char *p, size_t len)
{
	int r;

	for (;;) {
		if ((r = SSL_read(c->ssl, p, len > INT_MAX ? INT_MAX :
		    (int)len)) > 0)
			return r;
		if (ssl_retry(c, r, "read") == 0)
			return 0;
	}
}

/* Read more bytes into the buffer; returns 0 at end of stream. */
static size_t
conn_fill(struct conn *c)
{
	ssize_t r;
	size_t want;
	char *nb;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len < CTL_READ_CHUNK / 2) {
		want = c->cap * 2;
		if ((nb = realloc(c->buf, want)) == NULL)
			ctl_die(EXIT_REFUSED, "out of memory");
		c->buf = nb;
		c->cap = want;
	}
	if (c->ssl != NULL) {
		r = tls_read(c, c->buf + c->len, c->cap - c->len);
		c->len += r;
		return r;
	}
	for (;;) {
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r >= 0)
			break;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			wait_fd(c, POLLIN);
		else if (errno != EINTR)
			ctl_die(EXIT_CONN, "%s: read: %s", c->server,
			    strerror(errno));
	}
	c->len += r;
	return r;
}

void
ctl_conn_reply_clear(struct reply *r)
{
	json_decref(r->error);
	json_decref(r->result);
	json_decref(r->payload);
	memset(r, 0, sizeof(*r));
}

static json_t *
reply_json(const struct conn *c, const msgpack_object *o)
{
	char err[128];
	json_t *j;

	if ((j = jsonmp_to_json(o, err, sizeof(err))) == NULL)
		ctl_die(EXIT_CONN, "%s: bad reply: %s", c->server, err);
	return j;
}

/*
 * Wait for the next message and convert it.  Returns 1, or 0 when the
 * server closed the connection between two messages.
 */
int
ctl_conn_recv(struct conn *c, struct reply *r)
{
	struct rpc_message m;
	msgpack_object obj;
	const msgpack_object *p;
	enum frame_status st;
	size_t objlen;
	char err[160];
	int known;

	ctl_conn_reply_clear(r);
	for (;;) {
		st = frame_scan(c->buf + c->off, c->len - c->off, CTL_MAX_REPLY,
		    &objlen, err, sizeof(err));
		if (st == FRAME_OK)
			break;
		if (st != FRAME_NEED_MORE)
			ctl_die(EXIT_CONN, "%s: bad reply: %s", c->server, err);
		if (conn_fill(c) == 0) {
			if (c->len == c->off)
				return 0;
			ctl_die(EXIT_CONN, "%s: connection closed in the "
			    "middle of a reply", c->server);
		}
	}
	msgpack_zone_clear(&c->zone);
	if (frame_unpack(c->buf + c->off, objlen, &c->zone, &obj) == -1)
		ctl_die(EXIT_CONN, "%s: bad reply: cannot unpack", c->server);
	c->off += objlen;
	if (rpc_parse(&obj, &m, &known, err, sizeof(err)) == -1)
		ctl_die(EXIT_CONN, "%s: bad reply: %s", c->server, err);
	r->type = m.type;
	switch (m.type) {
	case RPC_RESPONSE:
		r->msgid = m.msgid;
		if (m.error != NULL && m.error->type != MSGPACK_OBJECT_NIL)
			r->error = reply_json(c, m.error);
		r->result = reply_json(c, m.result);
		break;
	case RPC_NOTIFICATION:
		snprintf(r->method, sizeof(r->method), "%.*s",
		    (int)m.method_len, m.method);
		p = m.payload;
		if (p->type == MSGPACK_OBJECT_ARRAY && p->via.array.size > 0)
			p = &p->via.array.ptr[0];
		r->payload = reply_json(c, p);
		break;
	default:
		ctl_die(EXIT_CONN, "%s: bad reply: the server sent a request",
		    c->server);
	}
	return 1;
}

/* The daemon's "error" notification: it refused our stream and closes. */
void
ctl_conn_check_notification(const struct reply *r)
{
	if (r->type == RPC_NOTIFICATION && strcmp(r->method, "error") == 0)
		ctl_die_server("server", r->payload);
}

/*
 * Append [0, msgid, method, params] to sb.  params NULL packs "[]", an
 * object packs "[object]" and an array is sent as the params array itself
 * (for "call").  On a record nested too deep, sb is left as it was.
 */
int
ctl_conn_pack(msgpack_sbuffer *sb, uint32_t msgid, const char *method,
    const json_t *params, char *err, size_t errlen)
{
	msgpack_packer pk;
	int depth;

	depth = params == NULL ? 1 : jsonmp_depth(params) +
	    (json_is_array(params) ? 1 : CTL_ENVELOPE_DEPTH);
	if (depth > PROTO_MAX_DEPTH) {
		snprintf(err, errlen, "nesting deeper than %d levels",
		    PROTO_MAX_DEPTH - CTL_ENVELOPE_DEPTH);
		return -1;
	}
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_int(&pk, RPC_REQUEST);
	msgpack_pack_uint32(&pk, msgid);
	mp_pack_str(&pk, method);
	if (params == NULL)
		msgpack_pack_array(&pk, 0);
	else if (json_is_array(params))
		jsonmp_pack(&pk, params, err, errlen);
	else {
		msgpack_pack_array(&pk, 1);
		jsonmp_pack(&pk, params, err, errlen);
	}
	return 0;
}

struct conn *
ctl_conn_get(struct ctl *ctl)
{
	json_t *params;

	if (!ctl->connected) {
		conn_open(&ctl->conn, ctl->server, ctl->timeout);
		ctl->connected = 1;
		/*
		 * Here rather than in each command, so that pipelined puts
		 * and watch, which write on the connection themselves, send
		 * it first too.  The answer (who we are) is not printed.
		 */
		if (ctl->token != NULL) {
			params = json_pack("{s:s}", "token", ctl->token);
			/* main() checked it is UTF-8: only memory lacks. */
			if (params == NULL)
				ctl_die(EXIT_REFUSED, "out of memory");
			json_decref(ctl_conn_call(ctl, "auth", params));
		}
	}
	return &ctl->conn;
}

/*
 * Send one request and wait for its response, skipping notifications.
 * Takes ownership of params.  Returns the result (a new reference) or,
 * when the server answers with an error, prints it and exits 1.
 */
json_t *
ctl_conn_call(struct ctl *ctl, const char *method, json_t *params)
{
	struct conn *c = ctl_conn_get(ctl);
	msgpack_sbuffer sb;
	struct reply r;
	uint32_t msgid;
	json_t *result;
	char err[128];

	msgpack_sbuffer_init(&sb);
	msgid = c->next_msgid++;
	if (ctl_conn_pack(&sb, msgid, method, params, err, sizeof(err)) == -1)
		ctl_die(EXIT_REFUSED, "%s: params: %s", method, err);
	json_decref(params);
	ctl_conn_write(c, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	memset(&r, 0, sizeof(r));
	for (;;) {
		if (ctl_conn_recv(c, &r) == 0)
			ctl_die(EXIT_CONN, "%s: connection closed before the "
			    "reply to %s", c->server, method);
		ctl_conn_check_notification(&r);
		if (r.type == RPC_RESPONSE && r.msgid == msgid)
			break;
	}
	if (r.error != NULL)
		ctl_die_server(method, r.error);
	result = json_incref(r.result);
	ctl_conn_reply_clear(&r);
	return result;
}

json_t *
ctl_conn_call_id(struct ctl *ctl, const char *method, const char *id)
{
	return ctl_conn_call(ctl, method, json_pack("{s:s}", "id", id));
}

json_t *
ctl_conn_call_id_limit(struct ctl *ctl, const char *method, const char *id,
    int limit)
{
	json_t *params = json_pack("{s:s}", "id", id);

	if (limit > 0)
		json_object_set_new(params, "limit", json_integer(limit));
	return ctl_conn_call(ctl, method, params);
}

void
ctl_conn_close(struct ctl *ctl)
{
	if (ctl->connected) {
		if (ctl->conn.ssl != NULL) {
			/* close_notify, without waiting for the server's. */
			SSL_shutdown(ctl->conn.ssl);
			SSL_free(ctl->conn.ssl);
		}
		close(ctl->conn.fd);
		free(ctl->conn.buf);
		msgpack_zone_destroy(&ctl->conn.zone);
	}
}
