/*
 * Redis connection management on libevent with hiredis's async API.
 * It knows nothing of candidates or offers: handlers.c builds the
 * commands, rebuild.c loads the data at start-up.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* First reconnect delay; doubled after each failure up to the config's. */
#define RECONNECT_MIN_MS 100

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
	unsigned long long	 ncommands;
	double			 total_us;
};

/* What each queued command carries, to time it and call its owner. */
struct store_call {
	struct store	*st;
	store_cb	*cb;
	void		*arg;
	struct timespec	 sent;
};

static void	store_connect(struct store *);
static void	store_schedule_retry(struct store *);

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
	st->connected = 1;
	st->backoff_ms = RECONNECT_MIN_MS;
	log_info("redis %s:%d: connected", st->host, st->port);
}

static void
disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	st->ac = NULL;
	st->connected = 0;
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

struct store *
store_new(struct event_base *base, const struct conf *conf)
{
	struct store *st;

	st = xcalloc(1, sizeof(*st));
	st->base = base;
	st->retry = evtimer_new(base, retry_cb, st);
	st->backoff_ms = RECONNECT_MIN_MS;
	snprintf(st->host, sizeof(st->host), "%s", conf->redis.host);
	st->port = conf->redis.port;
	snprintf(st->password, sizeof(st->password), "%s",
	    conf->redis_password);
	st->db = conf->redis_db;
	snprintf(st->prefix, sizeof(st->prefix), "%s", conf->redis_prefix);
	st->reconnect_max_ms = conf->redis_reconnect_max_ms;
	store_connect(st);
	return st;
}

void
store_reconf(struct store *st, const struct conf *conf)
{
	st->reconnect_max_ms = conf->redis_reconnect_max_ms;
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
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	call->st->ncommands++;
	call->st->total_us += (now.tv_sec - call->sent.tv_sec) * 1e6 +
	    (now.tv_nsec - call->sent.tv_nsec) / 1e3;
	if (call->cb != NULL)
		call->cb(call->arg, r);
	free(call);
}

static void
send_argv(struct store *st, store_cb *cb, void *arg, int argc,
    const char **argv, const size_t *argvlen)
{
	struct store_call *call;

	call = xmalloc(sizeof(*call));
	call->st = st;
	call->cb = cb;
	call->arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &call->sent);
	if (redisAsyncCommandArgv(st->ac, call_cb, call, argc, argv,
	    argvlen) != REDIS_OK) {
		/* Only fails when the context is going away. */
		free(call);
		if (cb != NULL)
			cb(arg, NULL);
	}
}

int
store_command(struct store *st, store_cb *cb, void *arg, int argc,
    const char **argv, const size_t *argvlen)
{
	if (!st->connected || st->ac == NULL)
		return -1;
	send_argv(st, cb, arg, argc, argv, argvlen);
	return 0;
}

int
store_begin(struct store *st)
{
	const char *argv[] = { "MULTI" };

	return store_command(st, NULL, NULL, 1, argv, NULL);
}

void
store_add(struct store *st, int argc, const char **argv,
    const size_t *argvlen)
{
	send_argv(st, NULL, NULL, argc, argv, argvlen);
}

void
store_commit(struct store *st, store_cb *cb, void *arg)
{
	const char *argv[] = { "EXEC" };

	send_argv(st, cb, arg, 1, argv, NULL);
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
