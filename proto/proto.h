/*
 * Limits of the matcherd wire protocol, shared by the daemon and clients.
 * Each limit says why it exists.
 */
#ifndef PROTO_PROTO_H
#define PROTO_PROTO_H

/* Protocol version reported by "ping". */
#define PROTO_VERSION 1

/* Default TCP port of the MessagePack-RPC listener. */
#define PROTO_DEFAULT_PORT 7420

/*
 * Largest message the daemon accepts by default.  A candidate or an offer
 * is a few KiB; 1 MiB leaves room for batches without letting one client
 * make the daemon buffer unbounded input.
 */
#define PROTO_MAX_MESSAGE_DEFAULT (1024 * 1024)

/*
 * Deepest nesting accepted.  Our records nest three levels (params map,
 * jobs list, job map); 32 rejects hostile recursion long before the
 * unpacker's own stack (msgpack-c uses a fixed 32-deep stack too).
 */
#define PROTO_MAX_DEPTH 32

/* Suggestions returned by offer.put / offer.match. */
#define PROTO_LIMIT_DEFAULT 20
#define PROTO_LIMIT_MAX 200

#endif
