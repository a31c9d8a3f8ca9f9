/*
 * Client connections: framing, ordered replies, backpressure, one close
 * path.  What a request means is methods.c's business, and how it lives
 * pending.c's; this file only moves messages.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <msgpack.h>

#include "conn.h"
#include "notify.h"
#include "frame.h"
#include "methods.h"
#include "log.h"
#include "pending.h"
#include "matcherd.h"
#include "mpobj.h"
#include "tls.h"
#include "xmalloc.h"

/*
 * A request in its connection's queue: the answer waits here, packed,
 * until the requests before it are answered too.
 */
struct conn_req {
	TAILQ_ENTRY(conn_req)	 entry;
	struct conn		*conn;
	struct pending		*p;		/* NULL once answered */
	uint32_t		 msgid;
	int			 answered;
	char			*buf;		/* packed response */
	size_t			 len;
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct matcherd		*env;
	struct bufferevent	*bev;
	struct event		*resume;	/* more input to process */
	struct event		*linger;	/* closing: input drained */
	size_t			 drained;
	char			 peer[64];
	char			 host[48];	/* the address alone */
	/* When the message being read began (event loop time); 0: none. */
	time_t			 msg_started;
	TAILQ_HEAD(, conn_req)	 queue;
	int			 closing;
	int			 throttled;	/* reading paused */
	int			 in_callback;
	msgpack_zone		 zone;
	/*
	 * Input is copied out of the bufferevent into one flat buffer of at
	 * most max_message bytes, so the resumable scanner sees contiguous
	 * bytes without evbuffer_pullup() copying them again on every read.
	 */
	char			*ibuf;
	size_t			 istart, iend, icap;
	struct evbuffer_cb_entry *outwatch;	/* counts its output */
	struct frame_scanner	 scan;
	struct session		 session;	/* who, once "auth" says */
};

static TAILQ_HEAD(, conn) conns = TAILQ_HEAD_INITIALIZER(conns);

/*
 * Memory held for all clients (docs/DESIGN.md, "Memory"): input buffers
 * (each starts at CONN_IBUF_MIN and grows to max_message for a message
 * that needs it, then shrinks back) and unsent output, against
 * [server] input_budget_mb and output_budget_mb.  Freed buffers are
 * handed back to the system once CONN_TRIM_BYTES have gone.
 */
#define CONN_IBUF_MIN		16384
#define CONN_TRIM_BYTES		(32u << 20)
static size_t	conn_input_total, conn_output_total, conn_freed;

static void	conn_readcb(struct bufferevent *, void *);
static void	conn_output_cb(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);
static void	conn_writecb(struct bufferevent *, void *);
static void	conn_eventcb(struct bufferevent *, short, void *);
static void	conn_free(struct conn *);
static void	conn_abort(struct conn *, const char *);
static int	conn_grow(struct conn *);
static void	conn_shrink(struct conn *);
static void	conn_release_input(struct conn *);
static int	conn_output_check(struct matcherd *, struct conn *);
static void	conn_output_check_soon(struct matcherd *);
static void	conn_flush(struct conn *);
static void	conn_finish(struct conn *);
static void	conn_stream_error(struct conn *, enum rpc_errcode,
		    const char *);

/*
 * Silence is bounded: by message_timeout inside a message, by
 * idle_timeout between messages (conn_eventcb spares those who wait for
 * an answer or a push).
 */
static void
conn_set_read_timeout(struct conn *c)
{
	const struct conf *cf = c->env->conf;
	struct timeval tv = { c->msg_started ? cf->message_timeout_s :
	    cf->idle_timeout_s, 0 };

	bufferevent_set_timeouts(c->bev, tv.tv_sec > 0 ? &tv : NULL, NULL);
}

/* A message began, or goes on: past message_timeout it is refused. */
static int
conn_message_late(struct conn *c)
{
	struct timeval now;

	event_base_gettimeofday_cached(c->env->base, &now);
	if (c->msg_started == 0) {
		c->msg_started = now.tv_sec > 0 ? now.tv_sec : 1;
		conn_set_read_timeout(c);
		return 0;
	}
	return now.tv_sec - c->msg_started >
	    c->env->conf->message_timeout_s;
}

static void
conn_message_done(struct conn *c)
{
	if (c->msg_started != 0) {
		c->msg_started = 0;
		conn_set_read_timeout(c);
	}
}

/*
 * A connection closed after an error lingers: its output sent, the write
 * side shut, what the client is still sending is read and dropped for a
 * while, so that the client reads the error instead of a reset (closing
 * a socket with unread input resets it, and the reset discards the
 * error before the client reads it).
 */
#define CONN_LINGER_MS		2000
#define CONN_LINGER_BYTES	(64u << 20)

static void
resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	conn_readcb(((struct conn *)arg)->bev, arg);
}

struct conn *
conn_new(struct matcherd *env, struct bufferevent *bev, const char *peer,
    const char *host)
{
	struct conn *c;

	c = xcalloc(1, sizeof(*c));
	c->env = env;
	c->bev = bev;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	snprintf(c->host, sizeof(c->host), "%s", host);
	TAILQ_INIT(&c->queue);
	msgpack_zone_init(&c->zone, 8192);
	c->icap = CONN_IBUF_MIN < env->conf->max_message ? CONN_IBUF_MIN :
	    env->conf->max_message;
	c->ibuf = xmalloc(c->icap);
	conn_input_total += c->icap;
	c->outwatch = evbuffer_add_cb(bufferevent_get_output(bev),
	    conn_output_cb, NULL);
	frame_scanner_init(&c->scan);
	c->resume = event_new(env->base, -1, 0, resume_cb, c);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	env->stats.clients++;
	bufferevent_setcb(bev, conn_readcb, conn_writecb, conn_eventcb, c);
	/* Input waits in the socket, not here, until ibuf takes it. */
	bufferevent_setwatermark(bev, EV_READ, 0, 4 * CONN_IBUF_MIN);
	conn_set_read_timeout(c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	log_debug("%s: connected", c->peer);
	return c;
}

int
conn_count_host(const char *host)
{
	struct conn *c;
	int n = 0;

	TAILQ_FOREACH(c, &conns, entry)
		n += !c->closing && strcmp(c->host, host) == 0;
	return n;
}

const char *
conn_peer(const struct conn *c)
{
	return c->peer;
}

/*
 * Pack [2, "error", [{code, message}]] for a stream the daemon cannot
 * read on, then close: there is no msgid to answer.
 */
void
conn_pack_error(msgpack_sbuffer *sb, int code, const char *msg)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	rpc_pack_notification_begin(&pk, "error");
	msgpack_pack_array(&pk, 1);
	rpc_pack_error_map(&pk, (enum rpc_errcode)code, msg, NULL);
}

static void
conn_stream_error(struct conn *c, enum rpc_errcode code, const char *msg)
{
	msgpack_sbuffer sb;

	msgpack_sbuffer_init(&sb);
	conn_pack_error(&sb, code, msg);
	bufferevent_write(c->bev, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	c->env->stats.errors[code]++;
	conn_close(c, msg);
}

/* The transport's side of pending_answer(): pack, then flush in order. */
static void
conn_req_sink(void *owner, int code, const char *result, size_t len,
    const char *message, const char *field)
{
	struct conn_req *req = owner;
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if (code < 0) {
		rpc_pack_result_begin(&pk, req->msgid);
		msgpack_sbuffer_write(&sb, result, len);
	} else
		rpc_pack_error(&pk, req->msgid, code, message, field);
	req->answered = 1;
	req->p = NULL;
	req->len = sb.size;
	req->buf = msgpack_sbuffer_release(&sb);
	conn_flush(req->conn);
}

static struct pending *
conn_request(struct conn *c, uint32_t msgid)
{
	struct conn_req *req;

	req = xcalloc(1, sizeof(*req));
	req->conn = c;
	req->msgid = msgid;
	req->p = pending_new(c->env, conn_req_sink, req);
	pending_set_subscriber(req->p, c, conn_push);
	pending_set_session(req->p, &c->session);
	TAILQ_INSERT_TAIL(&c->queue, req, entry);
	return req->p;
}

static void
conn_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	conn_output_total += info->n_added;
	conn_output_total -= info->n_deleted;
}

/* Hand freed buffers back to the system now and then. */
static void
conn_freed_bytes(size_t n)
{
	if ((conn_freed += n) < CONN_TRIM_BYTES)
		return;
	conn_freed = 0;
	malloc_trim(0);
}

/*
 * Over the input budget: drop the client that has been sending its
 * message the longest (the slowest sender), growth or not.  Returns 1
 * if that was c itself.
 */
static int
conn_input_over(struct conn *c, size_t more)
{
	size_t budget = (size_t)c->env->conf->input_budget_mb << 20;
	struct conn *o, *victim;
	char msg[128];

	while (conn_input_total + more > budget) {
		victim = NULL;
		TAILQ_FOREACH(o, &conns, entry)
			if (!o->closing && o->icap > CONN_IBUF_MIN &&
			    o->msg_started != 0 && (victim == NULL ||
			    o->msg_started < victim->msg_started))
				victim = o;
		if (victim == NULL || victim == c)
			victim = c;
		snprintf(msg, sizeof(msg), "the server's input budget "
		    "(input_budget_mb %d) is spent: dropped as the slowest "
		    "sender", c->env->conf->input_budget_mb);
		conn_stream_error(victim, RPC_ERR_UNAVAILABLE, msg);
		conn_release_input(victim);
		if (victim == c)
			return 1;
	}
	return 0;
}

/* ibuf is full with one unfinished message: double it, within bounds. */
static int
conn_grow(struct conn *c)
{
	size_t cap = c->icap * 2;

	if (cap > c->env->conf->max_message)
		cap = c->env->conf->max_message;
	if (cap <= c->icap || conn_input_over(c, cap - c->icap))
		return -1;
	c->ibuf = xreallocarray(c->ibuf, cap, 1);
	conn_input_total += cap - c->icap;
	c->icap = cap;
	return 0;
}

/* Back to CONN_IBUF_MIN once what is left fits in it. */
static void
conn_shrink(struct conn *c)
{
	size_t left = c->iend - c->istart;
	char *small;

	if (c->icap <= CONN_IBUF_MIN || left > CONN_IBUF_MIN / 2)
		return;
	small = xmalloc(CONN_IBUF_MIN);
	memcpy(small, c->ibuf + c->istart, left);
	free(c->ibuf);
	c->ibuf = small;
	conn_input_total -= c->icap - CONN_IBUF_MIN;
	conn_freed_bytes(c->icap - CONN_IBUF_MIN);
	c->icap = CONN_IBUF_MIN;
	c->istart = 0;
	c->iend = left;
}

/* A closing client's input is dropped: its buffer goes at once. */
static void
conn_release_input(struct conn *c)
{
	c->istart = c->iend = 0;
	conn_shrink(c);
}

/*
 * Over the output budget: drop the clients with the most output waiting
 * (the slowest readers) until under it.  Returns 1 if self was dropped
 * (it may be freed: not to be touched).
 */
static int
conn_output_check(struct matcherd *env, struct conn *self)
{
	size_t budget = (size_t)env->conf->output_budget_mb << 20, n, most;
	struct conn *o, *victim;
	char why[128];
	int dropped = 0;

	while (conn_output_total > budget) {
		victim = NULL;
		most = 0;
		TAILQ_FOREACH(o, &conns, entry)
			if (!o->closing && (n = evbuffer_get_length(
			    bufferevent_get_output(o->bev))) > most) {
				most = n;
				victim = o;
			}
		if (victim == NULL)
			break;
		snprintf(why, sizeof(why), "the server's output budget "
		    "(output_budget_mb %d) is spent and this client has the "
		    "most waiting (%zu bytes)", env->conf->output_budget_mb,
		    most);
		dropped |= victim == self;
		conn_abort(victim, why);
		conn_freed_bytes(most);
	}
	return dropped;
}

/*
 * The same check after the current publication: a push must not drop
 * other subscribers while notify.c walks its list of them.
 */
static int conn_check_pending;

static void
conn_output_check_cb(evutil_socket_t fd, short ev, void *arg)
{
	conn_check_pending = 0;
	(void)conn_output_check(arg, NULL);
}

static void
conn_output_check_soon(struct matcherd *env)
{
	static const struct timeval now = { 0, 0 };

	if (conn_check_pending)
		return;
	if (event_base_once(env->base, -1, EV_TIMEOUT, conn_output_check_cb,
	    env, &now) == 0)
		conn_check_pending = 1;
}

/*
 * Move what the socket delivered into ibuf, compacting first so a message
 * always starts at istart and never needs more than icap bytes.
 */
static void
conn_fill(struct conn *c, struct evbuffer *in)
{
	int n;

	if (c->istart > 0 && (c->iend == c->icap || c->istart > c->icap / 2)) {
		memmove(c->ibuf, c->ibuf + c->istart, c->iend - c->istart);
		c->iend -= c->istart;
		c->istart = 0;
	}
	if (c->iend < c->icap && (n = evbuffer_remove(in, c->ibuf + c->iend,
	    c->icap - c->iend)) > 0)
		c->iend += (size_t)n;
}

static void
conn_readcb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct rpc_message msg;
	struct pending *p;
	msgpack_object obj;
	enum frame_status st;
	char err[256];
	size_t objlen;
	const char *data;
	int n, known;

	c->in_callback = 1;
	for (n = 0; n < c->env->conf->requests_per_event && !c->closing &&
	    !c->throttled; n++) {
		conn_fill(c, in);
		if (c->iend == c->istart)
			break;
		data = c->ibuf + c->istart;
		st = frame_scanner_feed(&c->scan, data, c->iend - c->istart,
		    c->env->conf->max_message, &objlen, err, sizeof(err));
		if (st == FRAME_NEED_MORE) {
			if (conn_message_late(c)) {
				snprintf(err, sizeof(err), "message not "
				    "finished within %d s (message_timeout)",
				    c->env->conf->message_timeout_s);
				conn_stream_error(c, RPC_ERR_INVALID_ARGUMENT,
				    err);
				break;
			}
			/*
			 * The rest may wait in the bufferevent while ibuf is
			 * full from istart on: compact, or grow for a message
			 * longer than ibuf, and read it now, or no new read
			 * event ever comes for it.
			 */
			if (c->iend == c->icap && c->istart > 0 &&
			    evbuffer_get_length(in) > 0)
				continue;
			if (c->iend == c->icap && c->istart == 0) {
				if (conn_grow(c) == -1)
					break;
				continue;
			}
			break;
		}
		if (st == FRAME_TOO_LARGE) {
			conn_stream_error(c, RPC_ERR_TOO_LARGE, err);
			break;
		}
		if (st == FRAME_MALFORMED ||
		    frame_unpack(data, objlen, &c->zone, &obj) == -1) {
			conn_stream_error(c, RPC_ERR_INVALID_ARGUMENT,
			    st == FRAME_MALFORMED ? err : "malformed msgpack");
			break;
		}
		known = 0;
		if (rpc_parse(&obj, &msg, &known, err, sizeof(err)) == -1) {
			if (!known) {
				conn_stream_error(c, RPC_ERR_INVALID_ARGUMENT,
				    err);
				break;
			}
			p = conn_request(c, msg.msgid);
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL, "%s",
			    err);
		} else if (msg.type != RPC_REQUEST) {
			/* Clients have nothing to answer or notify. */
			conn_stream_error(c, RPC_ERR_INVALID_ARGUMENT,
			    "only requests are accepted");
			break;
		} else {
			c->env->stats.requests++;
			p = conn_request(c, msg.msgid);
			methods_dispatch(c->env, p, msg.method,
			    msg.method_len, msg.params);
		}
		/* Methods copied what they keep: the request can go. */
		conn_message_done(c);
		msgpack_zone_clear(&c->zone);
		c->istart += objlen;
		frame_scanner_init(&c->scan);
	}
	c->in_callback = 0;
	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_finish(c);
		return;
	}
	conn_shrink(c);
	/* Yield to other clients; come back for the rest of the input. */
	if (n == c->env->conf->requests_per_event &&
	    (c->iend > c->istart || evbuffer_get_length(in) > 0))
		event_active(c->resume, 0, 0);
}

static void
conn_writecb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0 &&
		    !c->in_callback)
			conn_finish(c);
		return;
	}
	if (c->throttled) {
		c->throttled = 0;
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
		bufferevent_enable(bev, EV_READ);
		event_active(c->resume, 0, 0);
	}
}

static void
conn_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	char msg[96];

	if (what & BEV_EVENT_TIMEOUT) {
		/* A timeout stops reading: go on for those who wait. */
		if (c->closing)
			return;
		if (c->msg_started != 0) {
			snprintf(msg, sizeof(msg), "message not finished within "
			    "%d s (message_timeout)",
			    c->env->conf->message_timeout_s);
			conn_stream_error(c, RPC_ERR_INVALID_ARGUMENT, msg);
		} else if (!TAILQ_EMPTY(&c->queue) || notify_subscribed(c))
			bufferevent_enable(bev, EV_READ);
		else {
			snprintf(msg, sizeof(msg), "idle for %d s (idle_timeout)",
			    c->env->conf->idle_timeout_s);
			conn_close(c, msg);
		}
		return;
	}
	if (what & BEV_EVENT_EOF)
		log_debug("%s: closed by peer", c->peer);
	else if (what & BEV_EVENT_ERROR)
		log_debug("%s: socket error", c->peer);
	c->closing = 1;
	if (!c->in_callback)
		conn_free(c);
}

/*
 * Close now and throw away what the client has not taken: for a client
 * that stopped reading, waiting for the output to drain would keep it (and
 * its buffers) forever.
 */
static void
conn_abort(struct conn *c, const char *reason)
{
	log_info("%s: dropping: %s", c->peer, reason);
	c->closing = 1;
	notify_unsubscribe(c->env, c);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	evbuffer_drain(bufferevent_get_output(c->bev),
	    evbuffer_get_length(bufferevent_get_output(c->bev)));
	/* Inside its own callback, conn_readcb frees it on the way out. */
	if (!c->in_callback)
		conn_free(c);
}

void
conn_close(struct conn *c, const char *reason)
{
	if (c->closing)
		return;
	log_info("%s: closing: %s", c->peer, reason);
	c->closing = 1;
	/* No more pushes to a connection that is going away. */
	notify_unsubscribe(c->env, c);
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	if (!c->in_callback &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_finish(c);
}

static void
linger_done(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	conn_free(arg);
}

static void
linger_readcb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	c->drained += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (c->drained > CONN_LINGER_BYTES)
		conn_free(c);
}

/* The output is out: linger (above), then free on EOF, a bound or time. */
static void
conn_finish(struct conn *c)
{
	struct timeval tv = { CONN_LINGER_MS / 1000,
	    (CONN_LINGER_MS % 1000) * 1000 };
	struct evbuffer *in = bufferevent_get_input(c->bev);

	if (c->linger != NULL)
		return;
	/* TLS would need its close_notify first: the socket is left open. */
	if (!tls_enabled())
		shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	bufferevent_set_timeouts(c->bev, NULL, NULL);
	evbuffer_drain(in, evbuffer_get_length(in));
	c->linger = evtimer_new(c->env->base, linger_done, c);
	evtimer_add(c->linger, &tv);
	bufferevent_setcb(c->bev, linger_readcb, NULL, conn_eventcb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
}

static void
conn_free(struct conn *c)
{
	struct conn_req *req;

	while ((req = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, req, entry);
		if (req->p != NULL)
			pending_detach(req->p);
		free(req->buf);
		free(req);
	}
	notify_unsubscribe(c->env, c);
	TAILQ_REMOVE(&conns, c, entry);
	c->env->stats.clients--;
	msgpack_zone_destroy(&c->zone);
	conn_input_total -= c->icap;
	conn_freed_bytes(c->icap + evbuffer_get_length(
	    bufferevent_get_output(c->bev)));
	free(c->ibuf);
	conn_output_total -= evbuffer_get_length(
	    bufferevent_get_output(c->bev));
	evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->outwatch);
	event_free(c->resume);
	if (c->linger != NULL)
		event_free(c->linger);
	bufferevent_free(c->bev);
	free(c);
}

void
conn_free_all(void)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&conns)) != NULL)
		conn_free(c);
}

/* Write the answered requests at the head of the queue, in order. */
static void
conn_flush(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct conn_req *req;

	while ((req = TAILQ_FIRST(&c->queue)) != NULL && req->answered) {
		TAILQ_REMOVE(&c->queue, req, entry);
		evbuffer_add(out, req->buf, req->len);
		free(req->buf);
		free(req);
	}
	if (conn_output_check(c->env, c) || c->closing)
		return;
	if (!c->throttled &&
	    evbuffer_get_length(out) > c->env->conf->output_high_water) {
		/* Stop reading until the client has taken half of it. */
		c->throttled = 1;
		bufferevent_disable(c->bev, EV_READ);
		bufferevent_setwatermark(c->bev, EV_WRITE,
		    c->env->conf->output_high_water / 2, 0);
	}
}

void
conn_push(void *arg, const char *method, const char *payload, size_t len)
{
	struct conn *c = arg;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (c->closing)
		return;
	if (evbuffer_get_length(out) > c->env->conf->output_high_water) {
		conn_abort(c, "subscriber too slow, output over high water");
		return;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	rpc_pack_notification_begin(&pk, method);
	msgpack_pack_array(&pk, 1);
	evbuffer_add(out, sb.data, sb.size);
	evbuffer_add(out, payload, len);
	msgpack_sbuffer_destroy(&sb);
	if (conn_output_total > (size_t)c->env->conf->output_budget_mb << 20)
		conn_output_check_soon(c->env);
}

void
conn_buffers(size_t *input, size_t *output)
{
	*input = conn_input_total;
	*output = conn_output_total;
}
