/*
 * The guard of each HTTP connection (http_guard.h): it parses just
 * enough of each request's head to know its body's length, and answers
 * itself the requests evhttp would read too long.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "http_guard.h"
#include "log.h"
#include "xmalloc.h"

/* How often a refused connection checks its answer went out. */
#define GUARD_TICK_MS	20
/* What a head may carry before its request line (RFC 9112, 2.2). */
#define GUARD_HEAD_SLACK 4

enum guard_state { GUARD_HEAD, GUARD_BODY, GUARD_REFUSED };

struct http_guard {
	struct bufferevent		*bev;	/* evhttp's */
	struct evbuffer_cb_entry	*watch;	/* on its input */
	struct event			*timer;
	const struct http_guard_limits	*lim;
	/* evhttp's callbacks, put aside while refusing. */
	bufferevent_data_cb		 ev_read, ev_write;
	bufferevent_event_cb		 ev_event;
	void				*ev_arg;
	enum guard_state		 state;
	char				*head;	/* the head so far */
	size_t				 hlen, hcap;
	size_t				 body_left;
	/* Refused: since when, what was dropped, whether writes are shut. */
	int64_t				 refused_ms;
	size_t				 drained;
	int				 shut, done;
};

static int64_t
guard_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
guard_arm(struct http_guard *g, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(g->timer, &tv);
}

static const char *
guard_phrase(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 431: return "Request Header Fields Too Large";
	default: return "Service Unavailable";
	}
}

/* Hand the connection back to evhttp as ended: evhttp frees it. */
static void
guard_finish(struct http_guard *g)
{
	bufferevent_event_cb cb = g->ev_event;

	if (g->done)
		return;
	g->done = 1;
	evtimer_del(g->timer);
	bufferevent_setcb(g->bev, g->ev_read, g->ev_write, g->ev_event,
	    g->ev_arg);
	if (cb != NULL)
		cb(g->bev, BEV_EVENT_EOF | BEV_EVENT_READING, g->ev_arg);
}

/* 1 while the connection's callbacks are still the guard's. */
static int
guard_holds(const struct http_guard *g)
{
	bufferevent_event_cb cb;

	bufferevent_getcb(g->bev, NULL, NULL, &cb, NULL);
	return !g->done && cb != NULL && g->ev_event != cb;
}

static void
guard_drain(struct http_guard *g)
{
	struct evbuffer *in = bufferevent_get_input(g->bev);
	size_t n = evbuffer_get_length(in);

	g->drained += n;
	evbuffer_drain(in, n);
}

static void
guard_readcb(struct bufferevent *bev, void *arg)
{
	struct http_guard *g = arg;

	guard_drain(g);
	if (g->drained > HTTP_GUARD_DRAIN_MAX)
		guard_finish(g);
}

static void
guard_writecb(struct bufferevent *bev, void *arg)
{
	struct http_guard *g = arg;
	evutil_socket_t fd;

	if (!g->shut && evbuffer_get_length(bufferevent_get_output(bev)) == 0 &&
	    (fd = bufferevent_getfd(bev)) != -1) {
		shutdown(fd, SHUT_WR);
		g->shut = 1;
	}
}

static void
guard_eventcb(struct bufferevent *bev, short what, void *arg)
{
	guard_finish(arg);
}

void
http_guard_refuse(struct http_guard *g, int status, const char *code,
    const char *message)
{
	json_t *err;
	char *text;

	if (g->state == GUARD_REFUSED || g->done)
		return;
	g->state = GUARD_REFUSED;
	g->refused_ms = guard_now_ms();
	/* Nothing more reaches evhttp, nor does its answer to this. */
	bufferevent_getcb(g->bev, &g->ev_read, &g->ev_write, &g->ev_event,
	    &g->ev_arg);
	bufferevent_setcb(g->bev, guard_readcb, guard_writecb, guard_eventcb,
	    g);
	bufferevent_set_timeouts(g->bev, NULL, NULL);
	err = json_pack("{s:{s:s, s:s, s:n}}", "error", "code", code,
	    "message", message, "field");
	text = err != NULL ? json_dumps(err, JSON_COMPACT) : NULL;
	json_decref(err);
	evbuffer_add_printf(bufferevent_get_output(g->bev),
	    "HTTP/1.1 %d %s\r\nContent-Type: application/json; "
	    "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n"
	    "\r\n%s", status, guard_phrase(status),
	    text != NULL ? strlen(text) : 0, text != NULL ? text : "");
	free(text);
	bufferevent_enable(g->bev, EV_READ | EV_WRITE);
	log_info("HTTP: %d to a client: %s", status, message);
	guard_arm(g, 0);
}

int
http_guard_refused(const struct http_guard *g)
{
	return g->state == GUARD_REFUSED;
}

/*
 * A refused connection, now and then: what came is dropped, the write
 * side is shut once the answer is out, and after the drain's bounds the
 * connection goes back to evhttp, ended.  If evhttp took it back itself
 * (it answered an earlier request of the connection), it is left to it.
 */
static void
guard_refused_tick(struct http_guard *g)
{
	if (!guard_holds(g)) {
		g->done = 1;
		return;
	}
	guard_drain(g);
	guard_writecb(g->bev, g);
	if (g->drained > HTTP_GUARD_DRAIN_MAX ||
	    guard_now_ms() - g->refused_ms > HTTP_GUARD_DRAIN_MS) {
		guard_finish(g);
		return;
	}
	guard_arm(g, GUARD_TICK_MS);
}

static void
guard_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct http_guard *g = arg;
	bufferevent_event_cb cb;
	char msg[96];

	/* evhttp let the connection go (the client closed): nothing to do. */
	bufferevent_getcb(g->bev, NULL, NULL, &cb, NULL);
	if (cb == NULL)
		return;
	if (g->state == GUARD_REFUSED) {
		guard_refused_tick(g);
		return;
	}
	snprintf(msg, sizeof(msg), "the request did not arrive whole within "
	    "%d s", g->lim->request_timeout_s);
	http_guard_refuse(g, 408, "invalid_argument", msg);
}

/*
 * The body's length from a whole head: 0 and *len, or the status to
 * refuse it with.  Only Content-Length bodies are taken: a chunked
 * request body is refused with 411, as RFC 9110 allows.
 */
static int
guard_body_length(const char *head, size_t hlen, size_t *len)
{
	static const char cl[] = "content-length:", te[] = "transfer-encoding:";
	const char *p = head, *end = head + hlen, *eol, *v;
	unsigned long long n;
	int seen = 0, bodyless;

	*len = 0;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	/* evhttp reads no body after these: it would read one as a request. */
	bodyless = (end - p > 5 && memcmp(p, "HEAD ", 5) == 0) ||
	    (end - p > 6 && memcmp(p, "TRACE ", 6) == 0);
	while (p < end && (eol = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p = eol + 1;
		if ((size_t)(end - p) > sizeof(te) - 1 &&
		    strncasecmp(p, te, sizeof(te) - 1) == 0)
			return 411;
		if ((size_t)(end - p) <= sizeof(cl) - 1 ||
		    strncasecmp(p, cl, sizeof(cl) - 1) != 0)
			continue;
		for (v = p + sizeof(cl) - 1; v < end && (*v == ' ' ||
		    *v == '\t'); v++)
			;
		if (v >= end || !isdigit((unsigned char)*v))
			return 400;
		for (n = 0; v < end && isdigit((unsigned char)*v); v++) {
			if (n > (1ULL << 50))
				return 413;
			n = n * 10 + (unsigned)(*v - '0');
		}
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= end || (*v != '\r' && *v != '\n'))
			return 400;
		if (seen && n != *len)
			return 400;
		seen = 1;
		*len = (size_t)n;
	}
	return bodyless && *len > 0 ? 400 : 0;
}

/*
 * The head's end in g->head from byte from on, or 0: an empty line, as
 * evhttp reads lines (CRLF or a bare LF): "\n\n" or "\n\r\n".
 */
static size_t
guard_head_end(const struct http_guard *g, size_t from)
{
	size_t i;

	for (i = from > 2 ? from - 2 : 0; i + 1 < g->hlen; i++) {
		if (g->head[i] != '\n')
			continue;
		if (g->head[i + 1] == '\n')
			return i + 2;
		if (i + 2 < g->hlen && g->head[i + 1] == '\r' &&
		    g->head[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/*
 * n more bytes of a head: how many of them it takes (up to the head's
 * end), or -1 once the request is refused.
 */
static ssize_t
guard_head(struct http_guard *g, const char *p, size_t n)
{
	size_t room, from, end, body;
	char msg[96];
	int status;

	if (g->hlen == 0)
		guard_arm(g, g->lim->request_timeout_s * 1000);
	/* A reload may have lowered the bound below what is held. */
	if (g->hlen >= g->lim->max_headers + GUARD_HEAD_SLACK)
		goto too_long;
	room = g->lim->max_headers + GUARD_HEAD_SLACK - g->hlen;
	if (n > room)
		n = room;
	if (g->hlen + n > g->hcap) {
		/* Never below what is held: the bound may have been lowered. */
		g->hcap = g->lim->max_headers + GUARD_HEAD_SLACK;
		if (g->hcap < g->hlen + n)
			g->hcap = g->hlen + n;
		g->head = xreallocarray(g->head, g->hcap, 1);
	}
	memcpy(g->head + g->hlen, p, n);
	from = g->hlen;
	g->hlen += n;
	if ((end = guard_head_end(g, from)) == 0) {
		if (g->hlen < g->lim->max_headers + GUARD_HEAD_SLACK)
			return (ssize_t)n;
too_long:
		snprintf(msg, sizeof(msg), "the request line and headers pass "
		    "%zu bytes", g->lim->max_headers);
		http_guard_refuse(g, 431, "too_large", msg);
		return -1;
	}
	if ((status = guard_body_length(g->head, end, &body)) == 0 &&
	    body > g->lim->max_body)
		status = 413;
	if (status != 0) {
		if (status == 413)
			snprintf(msg, sizeof(msg), "the body passes %zu bytes",
			    g->lim->max_body);
		else if (status == 411)
			snprintf(msg, sizeof(msg), "a request body needs a "
			    "Content-Length");
		else
			snprintf(msg, sizeof(msg), "bad Content-Length");
		http_guard_refuse(g, status, status == 413 ? "too_large" :
		    "invalid_argument", msg);
		return -1;
	}
	g->hlen = 0;
	g->body_left = body;
	if (body > 0)
		g->state = GUARD_BODY;
	else
		evtimer_del(g->timer);
	return (ssize_t)(end - from);
}

/*
 * Bytes added to the connection's input, before evhttp reads them: a
 * head is judged before evhttp has all of it, so it never runs one the
 * guard refuses.
 */
static void
guard_watch_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_guard *g = arg;
	struct evbuffer_ptr at;
	char tmp[4096];
	size_t len, off, n;
	ssize_t took;

	if (info->n_added == 0 || g->state == GUARD_REFUSED || g->done)
		return;
	len = evbuffer_get_length(buf);
	off = len - info->n_added;
	while (off < len && g->state != GUARD_REFUSED) {
		if (g->state == GUARD_BODY) {
			n = len - off < g->body_left ? len - off : g->body_left;
			off += n;
			if ((g->body_left -= n) == 0) {
				g->state = GUARD_HEAD;
				evtimer_del(g->timer);
			}
			continue;
		}
		n = len - off < sizeof(tmp) ? len - off : sizeof(tmp);
		if (evbuffer_ptr_set(buf, &at, off, EVBUFFER_PTR_SET) == -1 ||
		    evbuffer_copyout_from(buf, &at, tmp, n) != (ev_ssize_t)n)
			return;
		if ((took = guard_head(g, tmp, n)) < 0)
			return;
		off += (size_t)took;
	}
}

struct http_guard *
http_guard_new(struct event_base *base, struct bufferevent *bev,
    const struct http_guard_limits *lim)
{
	struct http_guard *g;

	g = xcalloc(1, sizeof(*g));
	g->bev = bev;
	g->lim = lim;
	g->state = GUARD_HEAD;
	g->timer = evtimer_new(base, guard_timer_cb, g);
	g->watch = evbuffer_add_cb(bufferevent_get_input(bev), guard_watch_cb,
	    g);
	if (g->timer == NULL || g->watch == NULL)
		fatalx("HTTP: cannot create a connection's guard");
	return g;
}

void
http_guard_free(struct http_guard *g)
{
	if (g == NULL)
		return;
	evbuffer_remove_cb_entry(bufferevent_get_input(g->bev), g->watch);
	event_free(g->timer);
	free(g->head);
	free(g);
}
