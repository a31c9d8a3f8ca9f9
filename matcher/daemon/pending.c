/*
 * The life of a request: answered once, freed when answered and no
 * longer held, whichever comes last.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "labelled.h"
#include "log.h"
#include "matcherd.h"
#include "pending.h"
#include "store.h"
#include "utf8.h"
#include "xmalloc.h"

struct pending {
	struct matcherd		*env;
	pending_sink		*sink;		/* NULL once answered/detached */
	void			*owner;
	void			*sub_owner;	/* can receive pushes */
	notify_deliver		*sub_deliver;
	struct session		 session;
	struct session		*owner_session;	/* the transport's */
	int64_t			 now;
	int			 answered;
	int			 holds;
	int64_t			 deadline_us;	/* of its Redis commands */
	struct event		*deadline;	/* the backstop */
};

/*
 * The backstop fires this long after the deadline: the store answers
 * every command by then, so it only catches a method that forgot one.
 */
#define PENDING_BACKSTOP_MS 1000

struct pending *
pending_new(struct matcherd *env, pending_sink *sink, void *owner)
{
	struct pending *p;

	p = xcalloc(1, sizeof(*p));
	p->env = env;
	p->sink = sink;
	p->owner = owner;
	p->now = (int64_t)time(NULL);
	return p;
}

static void
pending_maybe_free(struct pending *p)
{
	if ((!p->answered && p->sink != NULL) || p->holds > 0)
		return;
	if (p->deadline != NULL)
		event_free(p->deadline);
	free(p);
}

void
pending_detach(struct pending *p)
{
	p->sink = NULL;
	p->sub_owner = NULL;
	p->owner_session = NULL;
	pending_maybe_free(p);
}

void
pending_set_subscriber(struct pending *p, void *owner,
    notify_deliver *deliver)
{
	p->sub_owner = owner;
	p->sub_deliver = deliver;
}

void
pending_set_session(struct pending *p, struct session *s)
{
	p->session = *s;
	p->owner_session = s;
}

const struct session *
pending_session(const struct pending *p)
{
	return &p->session;
}

void
pending_login(struct pending *p, const struct user *u)
{
	session_login(&p->session, u);
	/* Pushes were another user's: subscribe again as this one. */
	if (p->sub_owner != NULL)
		notify_unsubscribe(p->env, p->sub_owner);
	if (p->owner_session != NULL)
		*p->owner_session = p->session;
}

void
pending_logout(struct pending *p)
{
	session_clear(&p->session);
	if (p->sub_owner != NULL)
		notify_unsubscribe(p->env, p->sub_owner);
	if (p->owner_session != NULL)
		*p->owner_session = p->session;
}

struct matcherd *
pending_env(const struct pending *p)
{
	return p->env;
}

int64_t
pending_now(const struct pending *p)
{
	return p->now;
}

static void
pending_answer(struct pending *p, int code, const char *buf, size_t len,
    const char *message, const char *field)
{
	pending_sink *sink = p->sink;

	p->answered = 1;
	p->sink = NULL;
	p->owner_session = NULL;
	if (p->deadline != NULL)
		evtimer_del(p->deadline);
	/* A hold keeps p alive through the sink; else it goes after it. */
	p->holds++;
	if (sink != NULL)
		sink(p->owner, code, buf, len, message, field);
	p->holds--;
	pending_maybe_free(p);
}

void
pending_result(struct pending *p, const char *buf, size_t len)
{
	const char *out;
	size_t outlen;

	if (p->answered)
		return;
	if (p->sink == NULL) {
		pending_answer(p, -1, buf, len, NULL, NULL);
		return;
	}
	/* Every answer of either transport shows names with codes. */
	labelled_get(p->env->ref, buf, len, &out, &outlen);
	pending_answer(p, -1, out, outlen, NULL, NULL);
}

void
pending_error(struct pending *p, enum rpc_errcode code, const char *field,
    const char *fmt, ...)
{
	char msg[512], fbuf[128];
	va_list ap;

	if (p->answered)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Messages and fields may quote input: never echo invalid bytes. */
	utf8_scrub(msg);
	if (field != NULL) {
		snprintf(fbuf, sizeof(fbuf), "%s", field);
		utf8_scrub(fbuf);
		field = fbuf;
	}
	p->env->stats.errors[code]++;
	if (code == RPC_ERR_INTERNAL)
		log_warnx("internal error: %s", msg);
	pending_answer(p, code, NULL, 0, msg, field);
}

int
pending_answered(const struct pending *p)
{
	return p->answered || p->sink == NULL;
}

int
pending_subscribe(struct pending *p, uint32_t sectors, uint32_t sources,
    const struct view *view)
{
	if (p->sub_owner == NULL)
		return -1;
	notify_subscribe(p->env, p->sub_owner, sectors, sources,
	    p->sub_deliver, &p->session, view);
	return 0;
}

static void
deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct pending *p = arg;

	if (!pending_answered(p))
		log_warnx("a request was still waiting %d ms after its "
		    "deadline", PENDING_BACKSTOP_MS);
	pending_error(p, RPC_ERR_UNAVAILABLE, NULL,
	    "redis did not answer within %d ms", p->env->conf->redis_timeout_ms);
}

static void
pending_hold_deadline(struct pending *p, int bounded)
{
	struct timeval tv;
	int ms = p->env->conf->redis_timeout_ms + PENDING_BACKSTOP_MS;

	if (p->holds++ == 0 && !p->answered) {
		p->deadline_us = store_deadline_us(p->env->store);
		if (!bounded)
			return;
		if (p->deadline == NULL)
			p->deadline = evtimer_new(p->env->base, deadline_cb, p);
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		evtimer_add(p->deadline, &tv);
	}
}

void
pending_hold(struct pending *p)
{
	pending_hold_deadline(p, 1);
}

void
pending_hold_unbounded(struct pending *p)
{
	pending_hold_deadline(p, 0);
}

int64_t
pending_deadline(const struct pending *p)
{
	if (p->holds > 0 && p->deadline_us != 0)
		return p->deadline_us;
	return store_deadline_us(p->env->store);
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

void
pending_buf_init(struct pending_buf *b)
{
	msgpack_sbuffer_init(&b->sb);
	msgpack_packer_init(&b->pk, &b->sb, msgpack_sbuffer_write);
}

void
pending_buf_answer(struct pending_buf *b, struct pending *p)
{
	pending_result(p, b->sb.data, b->sb.size);
	msgpack_sbuffer_destroy(&b->sb);
}
