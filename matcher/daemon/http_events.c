/*
 * Server-Sent Events streams.  A stream is a reply evhttp keeps open
 * (evhttp_send_reply_start) and a notify.c subscriber: each match result
 * published for its sectors and sources goes out as one "suggestions"
 * event, and the follows and referral moves of its user as "followed" and
 * "referral" events (notify.h), each converted to JSON once for all the
 * streams that get it.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "notify.h"
#include "http_events.h"
#include "http_priv.h"
#include "jsonmp.h"
#include "log.h"
#include "matcherd.h"
#include "xmalloc.h"

/* A keep-alive comment on every event stream this often (docs/HTTP.md). */
#define SSE_KEEPALIVE_S		15
/*
 * What an event stream's client may send before we stop reading it: it
 * has nothing to say, we read only to notice that it closed.
 */
#define SSE_INPUT_MAX		4096

static const char sse_keepalive[] = ": keep-alive\n\n";

/* A Server-Sent Events stream; also its notify.c subscriber. */
struct http_stream {
	TAILQ_ENTRY(http_stream) entry;
	struct http_events	*ev;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
};

struct http_events {
	struct http		*h;
	struct matcherd		*env;
	TAILQ_HEAD(, http_stream) streams;
	unsigned int		 nstreams;
	struct evbuffer		*chunk;
	time_t			 keepalive_at;
	/*
	 * The last match result pushed and its event frame: one publish
	 * reaches every stream with the same bytes, converted once.
	 */
	const char		*frame_event;	/* a NOTIFY_ name */
	char			*frame_mp;
	size_t			 frame_mplen;
	char			*frame;
	size_t			 framelen;
};

static void
stream_free(struct http_stream *s)
{
	TAILQ_REMOVE(&s->ev->streams, s, entry);
	s->ev->nstreams--;
	notify_unsubscribe(s->ev->env, s);
	free(s);
}

static void
stream_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct http_stream *s = arg;

	log_debug("HTTP: event stream closed");
	http_closed(s->ev->h, s->req);
	stream_free(s);
}

/*
 * Close a stream whose client does not read (conn.c does the same for
 * RPC subscribers).  Returns 1 if it was closed: s is gone.
 */
static int
stream_backlog(struct http_stream *s)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(s->evcon);
	struct evhttp_connection *evcon;

	if (evbuffer_get_length(bufferevent_get_output(bev)) <=
	    s->ev->env->conf->output_high_water)
		return 0;
	log_info("HTTP: event stream too slow, output over high water: "
	    "closing");
	evcon = s->evcon;
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	http_reap_soon(s->ev->h);
	stream_free(s);
	/* Frees the request too. */
	evhttp_connection_free(evcon);
	return 1;
}

static void
stream_send(struct http_stream *s, const char *data, size_t len)
{
	struct evbuffer *chunk = s->ev->chunk;

	evbuffer_add(chunk, data, len);
	evhttp_send_reply_chunk(s->req, chunk);
	evbuffer_drain(chunk, evbuffer_get_length(chunk));
}

/* The frame of an event and its packed payload; NULL if it has none. */
static const char *
sse_frame(struct http_events *ev, const char *event, const char *mp,
    size_t len, size_t *flen)
{
	struct jsonmp_buf b = { NULL, 0, 0 };
	char err[64];

	if (ev->frame != NULL && strcmp(ev->frame_event, event) == 0 &&
	    ev->frame_mplen == len && memcmp(ev->frame_mp, mp, len) == 0) {
		*flen = ev->framelen;
		return ev->frame;
	}
	/* Compact JSON has no newline: the data is one line. */
	if (jsonmp_append(&b, "event: ", 7, err, sizeof(err)) == -1 ||
	    jsonmp_append(&b, event, strlen(event), err, sizeof(err)) == -1 ||
	    jsonmp_append(&b, "\ndata: ", 7, err, sizeof(err)) == -1 ||
	    http_packed_json(mp, len, &b, NULL) == -1 ||
	    jsonmp_append(&b, "\n\n", 2, err, sizeof(err)) == -1) {
		free(b.data);
		return NULL;
	}
	free(ev->frame);
	free(ev->frame_mp);
	ev->frame = b.data;
	ev->framelen = b.len;
	ev->frame_mp = xmalloc(len);
	memcpy(ev->frame_mp, mp, len);
	ev->frame_mplen = len;
	ev->frame_event = event;
	*flen = ev->framelen;
	return ev->frame;
}

/* notify.c delivery callback. */
static void
stream_deliver(void *owner, const char *event, const char *payload,
    size_t len)
{
	struct http_stream *s = owner;
	const char *frame;
	size_t flen;

	if (stream_backlog(s))
		return;
	if ((frame = sse_frame(s->ev, event, payload, len, &flen)) != NULL)
		stream_send(s, frame, flen);
}

static void
keepalive(struct http_events *ev)
{
	struct http_stream *s, *next;

	for (s = TAILQ_FIRST(&ev->streams); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (!stream_backlog(s))
			stream_send(s, sse_keepalive,
			    sizeof(sse_keepalive) - 1);
	}
}

void
http_events_tick(struct http_events *ev)
{
	time_t now = time(NULL);

	if (now - ev->keepalive_at >= SSE_KEEPALIVE_S) {
		ev->keepalive_at = now;
		keepalive(ev);
	}
}

void
http_events_open(struct http_events *ev, struct evhttp_request *req,
    uint32_t sectors, uint32_t sources, const struct session *session)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	struct http_stream *s;
	struct bufferevent *bev;
	struct timeval tv;

	if (ev->nstreams >= (unsigned int)ev->env->conf->http.max_streams) {
		http_fail(ev->env, req, 503, RPC_ERR_UNAVAILABLE, NULL,
		    "%u event streams open already (max_streams)",
		    ev->nstreams);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->ev = ev;
	s->req = req;
	s->evcon = evhttp_request_get_connection(req);
	TAILQ_INSERT_TAIL(&ev->streams, s, entry);
	ev->nstreams++;
	evhttp_add_header(hdr, "Content-Type", "text/event-stream");
	evhttp_add_header(hdr, "Cache-Control", "no-cache");
	evhttp_send_reply_start(req, 200, "OK");
	/*
	 * evhttp stops reading once it has the request, so it would notice
	 * a closed stream only when the next event fails to go out.  Read
	 * (and discard, up to a bound) to learn of the close at once; the
	 * idle timeout applies to writing only, since a stream's client
	 * has nothing to send.
	 */
	bev = evhttp_connection_get_bufferevent(s->evcon);
	tv.tv_sec = ev->env->conf->http.timeout_s;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(bev, NULL, &tv);
	bufferevent_setwatermark(bev, EV_READ, 0, SSE_INPUT_MAX);
	bufferevent_enable(bev, EV_READ);
	evhttp_connection_set_closecb(s->evcon, stream_closecb, s);
	notify_subscribe(ev->env, s, sectors, sources, stream_deliver,
	    session, NULL);
}

unsigned int
http_events_count(const struct http_events *ev)
{
	return ev->nstreams;
}

struct http_events *
http_events_new(struct http *h, struct matcherd *env)
{
	struct http_events *ev;

	ev = xcalloc(1, sizeof(*ev));
	ev->h = h;
	ev->env = env;
	TAILQ_INIT(&ev->streams);
	if ((ev->chunk = evbuffer_new()) == NULL)
		fatalx("HTTP: out of memory");
	ev->keepalive_at = time(NULL);
	return ev;
}

void
http_events_free(struct http_events *ev)
{
	struct http_stream *s;

	if (ev == NULL)
		return;
	while ((s = TAILQ_FIRST(&ev->streams)) != NULL) {
		evhttp_connection_set_closecb(s->evcon, NULL, NULL);
		stream_free(s);
	}
	evbuffer_free(ev->chunk);
	free(ev->frame);
	free(ev->frame_mp);
	free(ev);
}
