/*
 * The MessagePack-RPC listener: accepts clients up to max_clients and
 * pauses accepting for a second when out of file descriptors (listener.h).
 */
#ifndef MATCHER_SERVER_H
#define MATCHER_SERVER_H

struct matcherd;
struct server;

struct server	*server_new(struct matcherd *, const char *host, int port);
void		 server_free(struct server *);

#endif
