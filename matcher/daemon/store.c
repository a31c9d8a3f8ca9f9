/*
 * Redis connection management on libevent with hiredis's async API.
 * It knows nothing of candidates or offers: records.c builds the
 * commands, rebuild.c loads the data at start-up.
 */
#include <sys/ioctl.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "log.h"
#include "redis_txn.h"
#include "rpc.h"
#include "store.h"
#include "xmalloc.h"

/* First reconnect delay; doubled after each failure up to the config's. */
#define RECONNECT_MIN_MS 100
/* How often Redis's clock is read again (docs/REDIS.md). */
#define CLOCK_REFRESH_MS 5000
/* A clock sample slower than this says more about the network. */
#define CLOCK_RTT_MAX_US 20000
/* Fewest microseconds between two sweeps for commands past deadline. */
#define EXPIRE_TICK_US 5000

/* What each command carries, to time it, bound it and call its owner. */
struct store_call {
	struct store		*st;
	store_cb		*cb;
	void			*arg;
	int64_t			 sent_us;
	int64_t			 deadline_us;	/* 0: none */
	size_t			 bytes;
	int			 unwrap;	/* a one-command script */
	int			 write;
	int			 expired;	/* its owner was told */
	int			 listed;
	TAILQ_ENTRY(store_call)	 entry;
};
TAILQ_HEAD(store_calls, store_call);

struct store {
	struct event_base	*base;
	redisAsyncContext	*ac;
	int			 connected;
	struct event		*retry;
	int			 backoff_ms;
	char			 host[CONF_HOST_MAX + 1];
	int			 port;
	char			 password[256];
	int			 db;
	char			 prefix[64];
	int			 reconnect_max_ms;
	int			 timeout_ms;
	unsigned long long	 ncommands;
	double			 total_us;

	/* Redis's clock: its Unix microseconds minus our monotonic ones. */
	int			 clock_known;
	int			 clock_asked;
	int64_t			 clock_asked_at;
	int64_t			 clock_offset_us;
	int64_t			 clock_rtt_us;
	struct event		*clock_timer;

	/* The transaction being queued (store_begin .. store_commit). */
	int			 in_txn;
	struct redis_txn	 txn;

	/* Commands out: bounded; those with a deadline are listed. */
	size_t			 out_cmds, out_bytes;
	size_t			 max_cmds, max_bytes;
	struct store_calls	 timed;
	struct event		*expire_timer;
	int64_t			 expire_at_us;
	unsigned long long	 expired, late_writes, refused;
};

static void	store_connect(struct store *);
static void	store_schedule_retry(struct store *);

int64_t
store_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
store_deadline_us(const struct store *st)
{
	return store_now_us() + (int64_t)st->timeout_ms * 1000;
}

/* Replies made here, for commands Redis never saw. */
static char timeout_text[] = "TIMEOUT redis did not answer in time";
static char backlog_text[] = "BACKLOG too many commands waiting for redis";
static redisReply timeout_reply = { .type = REDIS_REPLY_ERROR,
    .str = timeout_text, .len = sizeof(timeout_text) - 1 };
static redisReply backlog_reply = { .type = REDIS_REPLY_ERROR,
    .str = backlog_text, .len = sizeof(backlog_text) - 1 };

static void
retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	store_connect(arg);
}

static void
store_schedule_retry(struct store *st)
{
	struct timeval tv;

	tv.tv_sec = st->backoff_ms / 1000;
	tv.tv_usec = (st->backoff_ms % 1000) * 1000;
	evtimer_add(st->retry, &tv);
	st->backoff_ms *= 2;
	if (st->backoff_ms > st->reconnect_max_ms)
		st->backoff_ms = st->reconnect_max_ms;
}

/*
 * One reading of Redis's clock.  The first after a connect is taken
 * whatever its round trip (nothing is sent before it); later ones only
 * when quick, so a stalled Redis does not skew the offset.
 */
static void
clock_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct store *st = privdata;
	redisReply *reply = r;
	int64_t now = store_now_us(), sent, rtt, secs, usecs;
	char *end;

	st->clock_asked = 0;
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 2 ||
	    reply->element[0]->type != REDIS_REPLY_STRING ||
	    reply->element[1]->type != REDIS_REPLY_STRING) {
		if (reply != NULL)
			log_warnx("redis %s:%d: TIME gave no time", st->host,
			    st->port);
		return;
	}
	secs = strtoll(reply->element[0]->str, &end, 10);
	usecs = strtoll(reply->element[1]->str, &end, 10);
	sent = st->clock_asked_at;
	rtt = now - sent;
	if (st->clock_known && rtt > CLOCK_RTT_MAX_US)
		return;
	st->clock_offset_us = secs * 1000000 + usecs - (sent + now) / 2;
	st->clock_rtt_us = rtt;
	if (!st->clock_known) {
		st->clock_known = 1;
		st->connected = 1;
		st->backoff_ms = RECONNECT_MIN_MS;
		log_info("redis %s:%d: connected", st->host, st->port);
	}
}

static void
clock_ask(struct store *st)
{
	if (st->ac == NULL || st->clock_asked)
		return;
	st->clock_asked = 1;
	st->clock_asked_at = store_now_us();
	redisAsyncCommand(st->ac, clock_cb, st, "TIME");
}

static void
clock_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;
	struct timeval tv = { CLOCK_REFRESH_MS / 1000,
	    (CLOCK_REFRESH_MS % 1000) * 1000 };

	if (st->connected)
		clock_ask(st);
	evtimer_add(st->clock_timer, &tv);
}

static void
connect_cb(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	if (status != REDIS_OK) {
		/* hiredis frees the context after this callback. */
		log_warnx("redis %s:%d: connect failed: %s", st->host,
		    st->port, ac->errstr);
		st->ac = NULL;
		store_schedule_retry(st);
		return;
	}
	/* Serving starts once Redis's clock is known (clock_cb). */
	clock_ask(st);
}

static void
disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	st->ac = NULL;
	st->connected = 0;
	st->clock_known = 0;
	st->clock_asked = 0;
	if (status != REDIS_OK)
		log_warnx("redis %s:%d: connection lost: %s", st->host,
		    st->port, ac->errstr);
	/* NULL base means store_free() is tearing down: do not retry. */
	if (st->base != NULL)
		store_schedule_retry(st);
}

static void
auth_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	redisReply *reply = r;
	struct store *st = privdata;

	if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
		log_warnx("redis %s:%d: AUTH/SELECT failed: %s", st->host,
		    st->port, reply ? reply->str : "no reply");
		redisAsyncDisconnect(ac);
	}
}

static void
store_connect(struct store *st)
{
	redisAsyncContext *ac;
	char db[16];

	ac = redisAsyncConnect(st->host, st->port);
	if (ac == NULL) {
		log_warnx("redis: cannot allocate a context");
		store_schedule_retry(st);
		return;
	}
	if (ac->err) {
		log_warnx("redis %s:%d: %s", st->host, st->port, ac->errstr);
		redisAsyncFree(ac);
		store_schedule_retry(st);
		return;
	}
	ac->data = st;
	st->ac = ac;
	redisLibeventAttach(ac, st->base);
	redisAsyncSetConnectCallback(ac, connect_cb);
	redisAsyncSetDisconnectCallback(ac, disconnect_cb);
	/* Queued before anything else, so they run first on the socket. */
	if (st->password[0])
		redisAsyncCommand(ac, auth_cb, st, "AUTH %s", st->password);
	if (st->db) {
		snprintf(db, sizeof(db), "%d", st->db);
		redisAsyncCommand(ac, auth_cb, st, "SELECT %s", db);
	}
}

static void	expire_cb(evutil_socket_t, short, void *);

static void
store_limits(struct store *st, const struct conf *conf)
{
	st->reconnect_max_ms = conf->redis_reconnect_max_ms;
	st->timeout_ms = conf->redis_timeout_ms;
	st->max_cmds = (size_t)conf->redis_max_pending;
	st->max_bytes = (size_t)conf->redis_max_pending_mb << 20;
}

struct store *
store_new(struct event_base *base, const struct conf *conf)
{
	struct store *st;

	st = xcalloc(1, sizeof(*st));
	st->base = base;
	st->retry = evtimer_new(base, retry_cb, st);
	st->clock_timer = evtimer_new(base, clock_timer_cb, st);
	st->expire_timer = evtimer_new(base, expire_cb, st);
	st->backoff_ms = RECONNECT_MIN_MS;
	snprintf(st->host, sizeof(st->host), "%s", conf->redis.host);
	st->port = conf->redis.port;
	snprintf(st->password, sizeof(st->password), "%s",
	    conf->redis_password);
	st->db = conf->redis_db;
	snprintf(st->prefix, sizeof(st->prefix), "%s", conf->redis_prefix);
	store_limits(st, conf);
	TAILQ_INIT(&st->timed);
	redis_txn_init(&st->txn);
	store_connect(st);
	clock_timer_cb(-1, 0, st);
	return st;
}

void
store_reconf(struct store *st, const struct conf *conf)
{
	store_limits(st, conf);
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	st->base = NULL;
	if (st->ac != NULL)
		redisAsyncFree(st->ac);
	event_free(st->retry);
	event_free(st->clock_timer);
	event_free(st->expire_timer);
	redis_txn_free(&st->txn);
	free(st);
}

int
store_connected(const struct store *st)
{
	return st->connected;
}

const char *
store_prefix(const struct store *st)
{
	return st->prefix;
}

static void
call_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct store_call *call = privdata;
	struct store *st = call->st;
	redisReply *reply = r;

	st->ncommands++;
	st->total_us += (double)(store_now_us() - call->sent_us);
	st->out_cmds--;
	st->out_bytes -= call->bytes;
	if (call->listed)
		TAILQ_REMOVE(&st->timed, call, entry);
	if (call->expired) {
		/* Its owner heard "unavailable": say if Redis wrote anyway. */
		if (reply != NULL && reply->type != REDIS_REPLY_ERROR &&
		    call->write) {
			st->late_writes++;
			log_warnx("redis applied a write %lld ms after its "
			    "deadline (its client was told unavailable)",
			    (long long)(store_now_us() - call->deadline_us) /
			    1000);
		}
	} else if (call->cb != NULL) {
		if (call->unwrap && reply != NULL &&
		    reply->type == REDIS_REPLY_ARRAY && reply->elements == 1)
			reply = reply->element[0];
		call->cb(call->arg, reply);
	}
	free(call);
}

/*
 * Every reply already in the socket, read now: hiredis reads 16 KiB at a
 * time, and a reply that came in time must not lose to the deadline.
 * Bounded, so that a Redis flooding replies cannot hold the loop.
 */
#define STORE_READ_ROUNDS	256

static void
store_read_waiting(struct store *st)
{
	int i, n;

	for (i = 0; i < STORE_READ_ROUNDS && st->ac != NULL; i++) {
		if (ioctl(st->ac->c.fd, FIONREAD, &n) == -1 || n <= 0)
			break;
		redisAsyncHandleRead(st->ac);
	}
}

/*
 * Tell the owners of commands past their deadline, once, after reading
 * whatever Redis has already answered: a reply in the socket wins.
 */
static void
expire_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;
	struct store_call *call, *next;
	int64_t now, soonest = 0;
	store_cb *cb;

	store_read_waiting(st);
	now = store_now_us();
	st->expire_at_us = 0;
	for (call = TAILQ_FIRST(&st->timed); call != NULL; call = next) {
		next = TAILQ_NEXT(call, entry);
		if (call->deadline_us > now) {
			if (soonest == 0 || call->deadline_us < soonest)
				soonest = call->deadline_us;
			continue;
		}
		TAILQ_REMOVE(&st->timed, call, entry);
		call->listed = 0;
		call->expired = 1;
		st->expired++;
		cb = call->cb;
		call->cb = NULL;
		cb(call->arg, &timeout_reply);
	}
	if (soonest != 0 && st->base != NULL) {
		struct timeval tv;
		int64_t wait = soonest - now;

		if (wait < EXPIRE_TICK_US)
			wait = EXPIRE_TICK_US;
		/* A callback above may have armed it sooner (expire_arm). */
		if (st->expire_at_us != 0 && st->expire_at_us <= now + wait)
			return;
		tv.tv_sec = wait / 1000000;
		tv.tv_usec = wait % 1000000;
		st->expire_at_us = now + wait;
		evtimer_add(st->expire_timer, &tv);
	}
}

static void
expire_arm(struct store *st, int64_t deadline)
{
	struct timeval tv;
	int64_t wait;

	if (st->expire_at_us != 0 && st->expire_at_us <= deadline)
		return;
	wait = deadline - store_now_us();
	if (wait < 0)
		wait = 0;
	tv.tv_sec = wait / 1000000;
	tv.tv_usec = wait % 1000000;
	st->expire_at_us = deadline;
	evtimer_add(st->expire_timer, &tv);
}

/* A command that cannot go out: its owner hears of it next turn. */
struct store_late {
	store_cb	*cb;
	void		*arg;
	redisReply	*reply;
};

static void
late_cb(evutil_socket_t fd, short ev, void *a)
{
	struct store_late *late = a;

	late->cb(late->arg, late->reply);
	free(late);
}

static void
fail_later(struct store *st, store_cb *cb, void *arg, redisReply *reply)
{
	static const struct timeval now = { 0, 0 };
	struct store_late *late;

	if (cb == NULL)
		return;
	late = xmalloc(sizeof(*late));
	late->cb = cb;
	late->arg = arg;
	late->reply = reply;
	if (event_base_once(st->base, -1, EV_TIMEOUT, late_cb, late,
	    &now) == -1)
		fatalx("cannot schedule a redis callback");
}

/*
 * Why a command of bytes cannot go out now, as the reply its owner gets,
 * or NULL: it can.  NULL reply is a lost connection, as when it drops.
 */
static int
store_refuse(struct store *st, size_t bytes, redisReply **why)
{
	*why = NULL;
	if (!st->connected || st->ac == NULL)
		return 1;
	if (st->out_cmds >= st->max_cmds ||
	    st->out_bytes + bytes > st->max_bytes) {
		if (st->refused++ % 1000 == 0)
			log_warnx("redis: %zu commands (%zu bytes) waiting; "
			    "refusing new ones", st->out_cmds, st->out_bytes);
		*why = &backlog_reply;
		return 1;
	}
	return 0;
}

/*
 * A command with a deadline goes to the socket now, not when the loop
 * next polls: a caller that scores on for a while (feed.push maps and
 * scores offers in chunks) would otherwise hold it past its deadline.
 * The synchronous context's write reports an error without calling any
 * callback; the async side sees it on its next event.
 */
static void
store_write_now(struct store *st)
{
	int done = 0;

	if (st->ac != NULL && !(st->ac->c.flags & REDIS_DISCONNECTING))
		(void)redisBufferWrite(&st->ac->c, &done);
}

/* Send one vector; the caller checked store_refuse(). */
static void
send_argv(struct store *st, int argc, const char **argv, const size_t *lens,
    store_cb *cb, void *arg, int64_t deadline, int write, int unwrap)
{
	struct store_call *call;
	size_t bytes = 0;
	int i;

	for (i = 0; i < argc; i++)
		bytes += lens[i];
	call = xcalloc(1, sizeof(*call));
	call->st = st;
	call->cb = cb;
	call->arg = arg;
	call->sent_us = store_now_us();
	call->bytes = bytes;
	call->write = write;
	call->unwrap = unwrap;
	if (redisAsyncCommandArgv(st->ac, call_cb, call, argc, argv,
	    lens) != REDIS_OK) {
		/* Only fails when the context is going away. */
		free(call);
		fail_later(st, cb, arg, NULL);
		return;
	}
	st->out_cmds++;
	st->out_bytes += bytes;
	if (deadline != 0 && cb != NULL) {
		call->deadline_us = deadline;
		call->listed = 1;
		TAILQ_INSERT_TAIL(&st->timed, call, entry);
		expire_arm(st, deadline);
		store_write_now(st);
	}
}

long long
store_redis_deadline_ms(const struct store *st, int64_t deadline)
{
	int64_t margin = (int64_t)st->timeout_ms * 100;	/* a tenth */

	if (margin < 10000)
		margin = 10000;
	if (margin > 250000)
		margin = 250000;
	return (long long)((deadline + st->clock_offset_us - margin -
	    st->clock_rtt_us / 2) / 1000);
}

/*
 * Send the held transaction: as the deadline script when it writes and
 * has a deadline (and no EVAL inside), else as MULTI ... EXEC.
 */
static void
send_txn(struct store *st, store_cb *cb, void *arg, int64_t deadline,
    int unwrap)
{
	struct redis_txn *t = &st->txn;
	redisReply *why;
	const char **argv;
	size_t *lens;
	int argc, i;

	if (store_refuse(st, redis_txn_bytes(t), &why)) {
		fail_later(st, cb, arg, why);
		return;
	}
	if (deadline != 0 && deadline <= store_now_us()) {
		fail_later(st, cb, arg, &timeout_reply);
		return;
	}
	if (t->writes && deadline != 0 && !t->evals) {
		argc = redis_txn_script_argv(t,
		    store_redis_deadline_ms(st, deadline),
		    &argv, &lens);
		send_argv(st, argc, argv, lens, cb, arg, deadline, 1, unwrap);
		return;
	}
	if (unwrap) {
		argc = redis_txn_cmd(t, 0, &argv, &lens);
		send_argv(st, argc, argv, lens, cb, arg, deadline, t->writes,
		    0);
		return;
	}
	send_argv(st, 1, (const char *[]){ "MULTI" }, (size_t[]){ 5 }, NULL,
	    NULL, 0, 0, 0);
	for (i = 0; i < t->ncmds; i++) {
		argc = redis_txn_cmd(t, i, &argv, &lens);
		send_argv(st, argc, argv, lens, NULL, NULL, 0, 0, 0);
	}
	send_argv(st, 1, (const char *[]){ "EXEC" }, (size_t[]){ 4 }, cb, arg,
	    deadline, t->writes, 0);
}

void
store_send(struct store *st, struct redis_cmd *c, int64_t deadline,
    store_cb *cb, void *arg)
{
	if (st->in_txn)
		fatalx("store_send inside a transaction");
	redis_txn_reset(&st->txn);
	redis_txn_add(&st->txn, c);
	redis_cmd_free(c);
	send_txn(st, cb, arg, deadline, 1);
}

void
store_begin(struct store *st)
{
	if (st->in_txn)
		fatalx("store_begin inside a transaction");
	st->in_txn = 1;
	redis_txn_reset(&st->txn);
}

void
store_queue(struct store *st, struct redis_cmd *c)
{
	if (!st->in_txn)
		fatalx("store_queue outside a transaction");
	redis_txn_add(&st->txn, c);
	redis_cmd_free(c);
}

void
store_commit(struct store *st, int64_t deadline, store_cb *cb, void *arg)
{
	if (!st->in_txn)
		fatalx("store_commit outside a transaction");
	st->in_txn = 0;
	send_txn(st, cb, arg, deadline, 0);
}

/*
 * Errors by which Redis says it did not run the command and may later:
 * loading its data, a script too long, out of memory under noeviction,
 * a replica or cluster not ready, a transaction discarded for one of
 * those.  Nothing was written: the client may retry.
 */
static const char *const transient_errors[] = {
	"LOADING", "BUSY", "OOM", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN",
	"READONLY", "NOREPLICAS", "EXECABORT", "TIMEOUT", "BACKLOG", NULL
};

int
store_error_code(const char *err, size_t len)
{
	size_t n;
	int i;

	for (i = 0; transient_errors[i] != NULL; i++) {
		n = strlen(transient_errors[i]);
		if (len >= n && memcmp(err, transient_errors[i], n) == 0 &&
		    (len == n || err[n] == ' '))
			return RPC_ERR_UNAVAILABLE;
	}
	return RPC_ERR_INTERNAL;
}

/*
 * An error reply: its code and message, logged once with its text.  An
 * error inside an EXEC's replies is never transient: the transaction ran,
 * the other commands wrote.
 */
static int
reply_error(const redisReply *r, const char *what, int in_exec, int *code,
    char *msg, size_t msglen)
{
	*code = in_exec ? RPC_ERR_INTERNAL : store_error_code(r->str, r->len);
	log_warnx("redis error during %s: %.*s", what, (int)(r->len > 200 ?
	    200 : r->len), r->str);
	if (*code == RPC_ERR_UNAVAILABLE)
		snprintf(msg, msglen, "redis cannot serve %s now (%.*s), "
		    "nothing was written", what, (int)strcspn(r->str, " "),
		    r->str);
	else
		snprintf(msg, msglen, "redis error during %s", what);
	return -1;
}

int
store_reply_check(const redisReply *r, const char *what, int *code,
    char *msg, size_t msglen)
{
	size_t i;

	if (r == NULL) {
		*code = RPC_ERR_UNAVAILABLE;
		snprintf(msg, msglen, "redis connection lost during %s", what);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR)
		return reply_error(r, what, 0, code, msg, msglen);
	if (r->type == REDIS_REPLY_NIL && strcmp(what, "EXEC") == 0) {
		*code = RPC_ERR_INTERNAL;
		snprintf(msg, msglen, "transaction aborted");
		return -1;
	}
	/* EXEC runs every command: one may have failed on its own. */
	if (r->type == REDIS_REPLY_ARRAY && strcmp(what, "EXEC") == 0)
		for (i = 0; i < r->elements; i++)
			if (r->element[i]->type == REDIS_REPLY_ERROR)
				return reply_error(r->element[i], what, 1,
				    code, msg, msglen);
	return 0;
}

unsigned long long
store_commands(const struct store *st)
{
	return st->ncommands;
}

double
store_mean_latency_us(const struct store *st)
{
	return st->ncommands ? st->total_us / st->ncommands : 0;
}

void
store_counters(const struct store *st, struct store_counters *c)
{
	c->expired = st->expired;
	c->late_writes = st->late_writes;
	c->refused = st->refused;
	c->waiting = st->out_cmds;
	c->waiting_bytes = st->out_bytes;
}
