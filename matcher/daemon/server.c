/*
 * The MessagePack-RPC listener: a connection (conn.c) for each client up
 * to max_clients.  Accepting pauses for a second on EMFILE/ENFILE
 * (listener.c) instead of spinning on a socket that stays readable.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "conn.h"
#include "listener.h"
#include "log.h"
#include "matcherd.h"
#include "server.h"
#include "xmalloc.h"

struct server {
	struct matcherd		*env;
	struct evconnlistener	*listener;
	struct listener		*limits;	/* its accept pause */
};

static void
peer_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%d", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%d", host, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, len, "unknown");
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct server *srv = arg;
	struct matcherd *env = srv->env;
	struct bufferevent *bev;
	char peer[64];

	peer_name(sa, peer, sizeof(peer));
	if ((int)env->stats.clients >= env->conf->max_clients) {
		log_warnx("%s: refused: max_clients (%d) reached", peer,
		    env->conf->max_clients);
		close(fd);
		return;
	}
	listener_nodelay(fd);
	bev = bufferevent_socket_new(env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_warnx("%s: cannot create a bufferevent", peer);
		close(fd);
		return;
	}
	conn_new(env, bev, peer);
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
	log_info("listening on %s:%d", host, port);
	return srv;
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	listener_free(srv->limits);
	evconnlistener_free(srv->listener);
	free(srv);
}
