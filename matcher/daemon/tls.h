/*
 * TLS on both listeners: one SSL_CTX made from [tls] cert and key, and
 * the bufferevent of an accepted socket (an OpenSSL one when the context
 * exists, a plain one otherwise).  Plain TCP is refused off loopback
 * unless [tls] allow_plaintext says otherwise.
 */
#ifndef MATCHER_TLS_H
#define MATCHER_TLS_H

#include <stddef.h>

#include <event2/util.h>

struct bufferevent;
struct conf;
struct event_base;

/*
 * Check the [tls] rules of c: cert and key together, loopback listeners
 * without them, and that the files load.  0, or -1 with err set.
 */
int		 tls_check(const struct conf *c, char *err, size_t len);
/* Make the context if c sets a certificate; 0, or -1 with err set. */
int		 tls_init(const struct conf *c, char *err, size_t len);
/*
 * SIGHUP: make the context again from c's files, for new connections.
 * 0; 1 when c turns TLS on or off (not done: at the next start); -1 when
 * the files do not load (the old context kept).  err says why.
 */
int		 tls_reload(const struct conf *c, char *err, size_t len);
/* 1 if the listeners speak TLS. */
int		 tls_enabled(void);
/*
 * A bufferevent for fd (-1: set later, as evhttp does), server side of a
 * handshake when TLS is on; log_alerts: a failed handshake is logged
 * here (for evhttp's connections, whose events the caller never sees).
 * NULL on failure.
 */
struct bufferevent *tls_bufferevent(struct event_base *, evutil_socket_t fd,
		    int options, int log_alerts);
/* Why bev's handshake or session failed (what: of its event), in buf. */
const char	*tls_bev_error(struct bufferevent *bev, short what, char *buf,
		    size_t len);
void		 tls_free(void);

#endif
