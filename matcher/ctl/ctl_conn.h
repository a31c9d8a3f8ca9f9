/*
 * matchctl's connection to matcherd: one TCP connection, blocking with a
 * timeout, opened on the first request.  Replies are framed with
 * frame_scan() so a broken or hostile server cannot make the client
 * allocate without bound, and converted to JSON.
 */
#ifndef MATCHER_CTL_CONN_H
#define MATCHER_CTL_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <msgpack.h>
#include <openssl/ssl.h>

#include "rpc.h"

struct ctl;

/* One connection and its read buffer: buf[off, len) is not yet consumed. */
struct conn {
	int		 fd;
	SSL		*ssl;		/* --tls; NULL: plain TCP */
	const char	*server;
	int		 timeout_ms;	/* -1: wait forever */
	char		*buf;
	size_t		 off, len, cap;
	msgpack_zone	 zone;
	uint32_t	 next_msgid;
};

/* A reply converted to JSON; the fields not in its type are NULL. */
struct reply {
	enum rpc_type	 type;
	uint32_t	 msgid;
	char		 method[64];	/* notifications */
	json_t		*error;		/* responses: NULL when nil */
	json_t		*result;
	json_t		*payload;	/* notifications: the first element */
};

/*
 * ctl's connection, opened on the first use; closed by main().  With a
 * token, its first request is auth, answered before anything else is
 * sent: a refusal exits 1 like any refused request.
 */
struct conn	*ctl_conn_get(struct ctl *);
/*
 * --tls: connections to come speak TLS, the server's certificate checked
 * against cacert (NULL: the system's store) and the host name of -s.
 */
void		 ctl_conn_set_tls(const char *cacert);
void		 ctl_conn_close(struct ctl *);
/*
 * One request and its result (a new reference); takes ownership of
 * params.  An error reply is printed and exits 1.
 */
json_t		*ctl_conn_call(struct ctl *, const char *method,
		    json_t *params);
/* A request on one record: method {"id": id}. */
json_t		*ctl_conn_call_id(struct ctl *, const char *method,
		    const char *id);
/* method {"id": id, "limit": limit}, limit left out when 0 (--limit). */
json_t		*ctl_conn_call_id_limit(struct ctl *, const char *method,
		    const char *id, int limit);

/* The steps of a call, for pipelined puts and for watch. */
int		 ctl_conn_pack(msgpack_sbuffer *, uint32_t msgid,
		    const char *method, const json_t *params, char *err,
		    size_t errlen);
void		 ctl_conn_write(struct conn *, const char *, size_t);
int		 ctl_conn_recv(struct conn *, struct reply *);
void		 ctl_conn_check_notification(const struct reply *);
void		 ctl_conn_reply_clear(struct reply *);

#endif
