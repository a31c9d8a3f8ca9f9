/*
 * Redis connection management on libevent with hiredis's async API.
 * It knows nothing of candidates or offers: records.c builds the
 * commands, rebuild.c loads the data at start-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "log.h"
#include "rpc.h"
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
	int			 txn_dead;	/* begun disconnected */
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

/* A command that cannot go out: its owner hears of it next turn. */
struct store_late {
	store_cb	*cb;
	void		*arg;
};

static void
late_cb(evutil_socket_t fd, short ev, void *a)
{
	struct store_late *late = a;

	late->cb(late->arg, NULL);
	free(late);
}

static void
fail_later(struct store *st, store_cb *cb, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct store_late *late;

	if (cb == NULL)
		return;
	late = xmalloc(sizeof(*late));
	late->cb = cb;
	late->arg = arg;
	if (event_base_once(st->base, -1, EV_TIMEOUT, late_cb, late,
	    &now) == -1)
		fatalx("cannot schedule a redis callback");
}

static void
send_cmd(struct store *st, struct redis_cmd *c, store_cb *cb, void *arg)
{
	struct store_call *call;
	int argc;

	argc = redis_cmd_argv(c);
	if (!st->connected || st->ac == NULL || st->txn_dead) {
		redis_cmd_free(c);
		fail_later(st, cb, arg);
		return;
	}
	call = xmalloc(sizeof(*call));
	call->st = st;
	call->cb = cb;
	call->arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &call->sent);
	if (redisAsyncCommandArgv(st->ac, call_cb, call, argc, c->argv,
	    c->lens) != REDIS_OK) {
		/* Only fails when the context is going away. */
		free(call);
		fail_later(st, cb, arg);
	}
	redis_cmd_free(c);
}

void
store_send(struct store *st, struct redis_cmd *c, store_cb *cb, void *arg)
{
	send_cmd(st, c, cb, arg);
}

void
store_begin(struct store *st)
{
	struct redis_cmd c;

	/* A transaction begun while disconnected fails whole, at commit. */
	st->txn_dead = !st->connected || st->ac == NULL;
	redis_cmd_init(&c, "MULTI");
	send_cmd(st, &c, NULL, NULL);
}

void
store_queue(struct store *st, struct redis_cmd *c)
{
	send_cmd(st, c, NULL, NULL);
}

void
store_commit(struct store *st, store_cb *cb, void *arg)
{
	struct redis_cmd c;

	redis_cmd_init(&c, "EXEC");
	send_cmd(st, &c, cb, arg);
	st->txn_dead = 0;
}

/*
 * Errors by which Redis says it did not run the command and may later:
 * loading its data, a script too long, out of memory under noeviction,
 * a replica or cluster not ready, a transaction discarded for one of
 * those.  Nothing was written: the client may retry.
 */
static const char *const transient_errors[] = {
	"LOADING", "BUSY", "OOM", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN",
	"READONLY", "NOREPLICAS", "EXECABORT", NULL
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
