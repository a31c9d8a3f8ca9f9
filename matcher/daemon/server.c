/*
 * The MessagePack-RPC listener: a connection (conn.c) for each client up
 * to max_clients, after its TLS handshake when [tls] is set.  Accepting
 * pauses for a second on EMFILE/ENFILE (listener.c) instead of spinning
 * on a socket that stays readable.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "conn.h"
#include "rpc.h"
#include "listener.h"
#include "log.h"
#include "matcherd.h"
#include "server.h"
#include "tls.h"
#include "xmalloc.h"

/* How long a TLS client may take over its handshake. */
#define HANDSHAKE_TIMEOUT_S	10

/* A TLS client whose handshake is under way: not a connection yet. */
struct handshake {
	struct server		*srv;
	struct bufferevent	*bev;
	struct handshake	*prev, *next;
	char			 peer[64];
	char			 host[48];
};

struct server {
	struct matcherd		*env;
	struct evconnlistener	*listener;
	struct listener		*limits;	/* its accept pause */
	struct handshake	*handshakes;	/* freed with the server */
	int			 nhandshakes;
};

/* "host:port" into buf, and the host alone into host. */
static void
peer_name(const struct sockaddr *sa, char *buf, size_t len,
    char host[INET6_ADDRSTRLEN])
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, INET6_ADDRSTRLEN);
		snprintf(buf, len, "%s:%d", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, INET6_ADDRSTRLEN);
		snprintf(buf, len, "[%s]:%d", host, ntohs(sin6->sin6_port));
	} else {
		snprintf(host, INET6_ADDRSTRLEN, "unknown");
		snprintf(buf, len, "unknown");
	}
}

/*
 * A client over a limit hears why before the close, rather than a bare
 * reset (plain TCP: over TLS there is no session to say it in).  The
 * socket is new and the notification small: one send() suffices.
 */
static void
refuse(evutil_socket_t fd, const char *peer, const char *why)
{
	msgpack_sbuffer sb;

	log_warnx("%s: refused: %s", peer, why);
	if (!tls_enabled()) {
		msgpack_sbuffer_init(&sb);
		conn_pack_error(&sb, RPC_ERR_UNAVAILABLE, why);
		(void)send(fd, sb.data, sb.size, MSG_NOSIGNAL | MSG_DONTWAIT);
		msgpack_sbuffer_destroy(&sb);
		shutdown(fd, SHUT_WR);
	}
	close(fd);
}

static void
handshake_free(struct handshake *hs)
{
	if (hs->prev != NULL)
		hs->prev->next = hs->next;
	else
		hs->srv->handshakes = hs->next;
	if (hs->next != NULL)
		hs->next->prev = hs->prev;
	hs->srv->nhandshakes--;
	free(hs);
}

/*
 * The handshake is over: a connection from now on, or a failure logged
 * with OpenSSL's reason and closed.
 */
static void
handshake_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct handshake *hs = arg;
	struct matcherd *env = hs->srv->env;
	char peer[64], host[48], why[256];

	snprintf(peer, sizeof(peer), "%s", hs->peer);
	snprintf(host, sizeof(host), "%s", hs->host);
	handshake_free(hs);
	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_set_timeouts(bev, NULL, NULL);
		conn_new(env, bev, peer, host);
		/* What came with the handshake waits in the input buffer. */
		if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
			bufferevent_trigger(bev, EV_READ, 0);
		return;
	}
	log_info("%s: TLS handshake failed: %s", peer,
	    tls_bev_error(bev, what, why, sizeof(why)));
	bufferevent_free(bev);
}

static void
handshake_start(struct server *srv, struct bufferevent *bev,
    const char *peer, const char *host)
{
	struct timeval tv = { HANDSHAKE_TIMEOUT_S, 0 };
	struct handshake *hs;

	hs = xcalloc(1, sizeof(*hs));
	hs->srv = srv;
	hs->bev = bev;
	snprintf(hs->peer, sizeof(hs->peer), "%s", peer);
	snprintf(hs->host, sizeof(hs->host), "%s", host);
	if ((hs->next = srv->handshakes) != NULL)
		hs->next->prev = hs;
	srv->handshakes = hs;
	srv->nhandshakes++;
	bufferevent_setcb(bev, NULL, NULL, handshake_eventcb, hs);
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static int
handshakes_from(const struct server *srv, const char *host)
{
	const struct handshake *hs;
	int n = 0;

	for (hs = srv->handshakes; hs != NULL; hs = hs->next)
		n += strcmp(hs->host, host) == 0;
	return n;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct server *srv = arg;
	struct matcherd *env = srv->env;
	struct bufferevent *bev;
	char peer[64], host[INET6_ADDRSTRLEN], why[128];
	int per = env->conf->max_clients_per_address;

	peer_name(sa, peer, sizeof(peer), host);
	/* Handshakes count too: each holds a socket and an SSL. */
	if ((int)env->stats.clients + srv->nhandshakes >=
	    env->conf->max_clients) {
		snprintf(why, sizeof(why), "too many clients (max_clients "
		    "%d)", env->conf->max_clients);
		refuse(fd, peer, why);
		return;
	}
	if (per > 0 && conn_count_host(host) + handshakes_from(srv, host) >=
	    per) {
		snprintf(why, sizeof(why), "too many clients from %s "
		    "(max_clients_per_address %d)", host, per);
		refuse(fd, peer, why);
		return;
	}
	listener_nodelay(fd);
	bev = tls_bufferevent(env->base, fd, BEV_OPT_CLOSE_ON_FREE, 0);
	if (bev == NULL) {
		log_warnx("%s: cannot create a bufferevent", peer);
		close(fd);
		return;
	}
	if (tls_enabled())
		handshake_start(srv, bev, peer, host);
	else
		conn_new(env, bev, peer, host);
}

struct server *
server_new(struct matcherd *env, const char *host, int port)
{
	struct addrinfo hints, *res, *ai;
	struct server *srv;
	char portstr[16];
	int rv;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((rv = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		log_error("listen %s:%d: %s", host, port, gai_strerror(rv));
		return NULL;
	}
	srv = xcalloc(1, sizeof(*srv));
	srv->env = env;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		srv->listener = evconnlistener_new_bind(env->base, accept_cb,
		    srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		    LEV_OPT_CLOSE_ON_EXEC, 128, ai->ai_addr, ai->ai_addrlen);
		if (srv->listener != NULL)
			break;
	}
	freeaddrinfo(res);
	if (srv->listener == NULL) {
		log_warn("listen %s:%d", host, port);
		free(srv);
		return NULL;
	}
	srv->limits = listener_new(env->base, srv->listener, "accept");
	log_info("listening on %s:%d%s", host, port,
	    tls_enabled() ? " (TLS)" : "");
	return srv;
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	while (srv->handshakes != NULL) {
		bufferevent_free(srv->handshakes->bev);
		handshake_free(srv->handshakes);
	}
	listener_free(srv->limits);
	evconnlistener_free(srv->listener);
	free(srv);
}
