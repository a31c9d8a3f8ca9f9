/*
 * Client connections: framing, ordered replies, backpressure, one close
 * path.  What a request means is handlers.c's business; this file only
 * moves messages.
 */
#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <msgpack.h>

#include "conn.h"
#include "feeds.h"
#include "frame.h"
#include "handlers.h"
#include "log.h"
#include "matcherd.h"
#include "mpobj.h"
#include "xmalloc.h"

struct pending {
	TAILQ_ENTRY(pending)	 entry;
	struct conn		*conn;		/* NULL once detached */
	struct matcherd		*env;
	uint32_t		 msgid;
	int			 answered;
	int			 queued;	/* in conn->queue */
	int			 holds;
	char			*buf;		/* packed response */
	size_t			 len;
	struct event		*deadline;
	int			 via_sink;	/* not from a connection */
	pending_sink		*sink;		/* NULL once detached */
	void			*sink_arg;
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct matcherd		*env;
	struct bufferevent	*bev;
	struct event		*resume;	/* more input to process */
	char			 peer[64];
	TAILQ_HEAD(, pending)	 queue;
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
	struct frame_scanner	 scan;
};

static TAILQ_HEAD(, conn) conns = TAILQ_HEAD_INITIALIZER(conns);

static void	conn_readcb(struct bufferevent *, void *);
static void	conn_writecb(struct bufferevent *, void *);
static void	conn_eventcb(struct bufferevent *, short, void *);
static void	conn_free(struct conn *);
static void	conn_flush(struct conn *);
static void	pending_maybe_free(struct pending *);

static void
resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	conn_readcb(((struct conn *)arg)->bev, arg);
}

struct conn *
conn_new(struct matcherd *env, struct bufferevent *bev, const char *peer)
{
	struct conn *c;

	c = xcalloc(1, sizeof(*c));
	c->env = env;
	c->bev = bev;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	TAILQ_INIT(&c->queue);
	msgpack_zone_init(&c->zone, 8192);
	c->icap = env->conf->max_message;
	c->ibuf = xmalloc(c->icap);
	frame_scanner_init(&c->scan);
	c->resume = event_new(env->base, -1, 0, resume_cb, c);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	env->stats.clients++;
	bufferevent_setcb(bev, conn_readcb, conn_writecb, conn_eventcb, c);
	/* Never buffer more input than one message may hold. */
	bufferevent_setwatermark(bev, EV_READ, 0, env->conf->max_message);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	log_debug("%s: connected", c->peer);
	return c;
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
static void
conn_stream_error(struct conn *c, enum rpc_errcode code, const char *msg)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	rpc_pack_notification_begin(&pk, "error");
	msgpack_pack_array(&pk, 1);
	rpc_pack_error_map(&pk, code, msg, NULL);
	bufferevent_write(c->bev, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	c->env->stats.errors[code]++;
	conn_close(c, msg);
}

static struct pending *
pending_new(struct conn *c, uint32_t msgid)
{
	struct pending *p;

	p = xcalloc(1, sizeof(*p));
	p->conn = c;
	p->env = c->env;
	p->msgid = msgid;
	p->queued = 1;
	TAILQ_INSERT_TAIL(&c->queue, p, entry);
	return p;
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
		    c->icap, &objlen, err, sizeof(err));
		if (st == FRAME_NEED_MORE)
			break;
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
			p = pending_new(c, msg.msgid);
			pending_error(p, RPC_ERR_INVALID_ARGUMENT, NULL, "%s",
			    err);
		} else if (msg.type != RPC_REQUEST) {
			/* Clients have nothing to answer or notify. */
			conn_stream_error(c, RPC_ERR_INVALID_ARGUMENT,
			    "only requests are accepted");
			break;
		} else {
			c->env->stats.requests++;
			p = pending_new(c, msg.msgid);
			handlers_dispatch(c->env, p, msg.method,
			    msg.method_len, msg.params);
		}
		/* Handlers copied what they keep: the request can go. */
		msgpack_zone_clear(&c->zone);
		c->istart += objlen;
		frame_scanner_init(&c->scan);
	}
	c->in_callback = 0;
	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_free(c);
		return;
	}
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
			conn_free(c);
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
	feeds_unsubscribe(c->env, c);
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
	feeds_unsubscribe(c->env, c);
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	if (!c->in_callback &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

static void
conn_free(struct conn *c)
{
	struct pending *p;

	while ((p = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, p, entry);
		p->queued = 0;
		p->conn = NULL;
		pending_maybe_free(p);
	}
	feeds_unsubscribe(c->env, c);
	TAILQ_REMOVE(&conns, c, entry);
	c->env->stats.clients--;
	msgpack_zone_destroy(&c->zone);
	free(c->ibuf);
	event_free(c->resume);
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
	struct pending *p;

	while ((p = TAILQ_FIRST(&c->queue)) != NULL && p->answered) {
		TAILQ_REMOVE(&c->queue, p, entry);
		p->queued = 0;
		evbuffer_add(out, p->buf, p->len);
		free(p->buf);
		p->buf = NULL;
		pending_maybe_free(p);
	}
	if (!c->throttled && !c->closing &&
	    evbuffer_get_length(out) > c->env->conf->output_high_water) {
		/* Stop reading until the client has taken half of it. */
		c->throttled = 1;
		bufferevent_disable(c->bev, EV_READ);
		bufferevent_setwatermark(c->bev, EV_WRITE,
		    c->env->conf->output_high_water / 2, 0);
	}
}

void
conn_push_suggestions(void *arg, const char *payload, size_t len)
{
	struct conn *c = arg;
	const char *method = "suggestions";
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
}

static void
pending_maybe_free(struct pending *p)
{
	if (p->queued || p->holds > 0)
		return;
	if (p->deadline != NULL)
		event_free(p->deadline);
	free(p->buf);
	free(p);
}

/* Store the packed response and flush what is in order. */
static void
pending_answer(struct pending *p, msgpack_sbuffer *sb)
{
	p->answered = 1;
	if (p->deadline != NULL)
		evtimer_del(p->deadline);
	if (p->conn == NULL) {
		msgpack_sbuffer_destroy(sb);
		return;
	}
	p->len = sb->size;
	p->buf = msgpack_sbuffer_release(sb);
	conn_flush(p->conn);
}

struct pending *
pending_new_sink(struct matcherd *env, pending_sink *sink, void *arg)
{
	struct pending *p;

	p = xcalloc(1, sizeof(*p));
	p->env = env;
	p->via_sink = 1;
	p->sink = sink;
	p->sink_arg = arg;
	/* Not queued: it is freed once answered and no longer held. */
	return p;
}

void
pending_detach_sink(struct pending *p)
{
	p->sink = NULL;
	if (p->answered)
		pending_maybe_free(p);
}

/* Answer a sink request: call the sink once, then free if unheld. */
static void
pending_sink_answer(struct pending *p, int code, const char *buf,
    size_t len, const char *message, const char *field)
{
	p->answered = 1;
	if (p->deadline != NULL)
		evtimer_del(p->deadline);
	if (p->sink != NULL)
		p->sink(p->sink_arg, code, buf, len, message, field);
	p->sink = NULL;
	pending_maybe_free(p);
}

void
pending_result(struct pending *p, const char *buf, size_t len)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;

	if (p->answered)
		return;
	if (p->via_sink) {
		pending_sink_answer(p, -1, buf, len, NULL, NULL);
		return;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	rpc_pack_result_begin(&pk, p->msgid);
	msgpack_sbuffer_write(&sb, buf, len);
	pending_answer(p, &sb);
}

void
pending_error(struct pending *p, enum rpc_errcode code, const char *field,
    const char *fmt, ...)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char msg[512];
	va_list ap;

	if (p->answered)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->env->stats.errors[code]++;
	if (code == RPC_ERR_INTERNAL)
		log_warnx("internal error: %s", msg);
	if (p->via_sink) {
		pending_sink_answer(p, code, NULL, 0, msg, field);
		return;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	rpc_pack_error(&pk, p->msgid, code, msg, field);
	pending_answer(p, &sb);
}

int
pending_answered(const struct pending *p)
{
	return p->answered;
}

int
pending_subscribe(struct pending *p, uint32_t sectors, uint32_t sources)
{
	if (p->conn == NULL)
		return -1;
	feeds_subscribe(p->env, p->conn, sectors, sources,
	    conn_push_suggestions);
	return 0;
}

static void
deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct pending *p = arg;

	pending_error(p, RPC_ERR_UNAVAILABLE, NULL,
	    "redis did not answer within %d ms", p->env->conf->redis_timeout_ms);
}

void
pending_hold(struct pending *p)
{
	struct timeval tv;
	int ms = p->env->conf->redis_timeout_ms;

	if (p->holds++ == 0 && !p->answered) {
		if (p->deadline == NULL)
			p->deadline = evtimer_new(p->env->base, deadline_cb, p);
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		evtimer_add(p->deadline, &tv);
	}
}

void
pending_release(struct pending *p)
{
	if (--p->holds == 0) {
		if (p->deadline != NULL)
			evtimer_del(p->deadline);
		pending_maybe_free(p);
	}
}
