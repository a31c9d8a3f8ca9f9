/*
 * Transactions held until commit, and the deadline script that runs them
 * (redis_txn.h; docs/REDIS.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "lua_deadline.h"
#include "redis_txn.h"
#include "xmalloc.h"

/*
 * ARGV: the deadline (Unix ms, Redis's clock), the number of commands,
 * then per command its argc and its arguments.
 */
static const char txn_body[] =
    "local out, i = {}, 3\n"
    "for n = 1, tonumber(ARGV[2]) do\n"
    "  local argc, a = tonumber(ARGV[i]), {}\n"
    "  for j = 1, argc do a[j] = ARGV[i + j] end\n"
    "  out[n] = redis.pcall(unpack(a))\n"
    "  i = i + argc + 1\n"
    "end\n"
    "return out\n";

static char	txn_script[1024];
static size_t	txn_script_len;

/* "#!lua" first: Redis 7 then refuses the whole script when out of memory. */
const char *
redis_txn_script(size_t *len)
{
	size_t n, k;

	if (txn_script_len == 0) {
		n = (size_t)snprintf(txn_script, sizeof(txn_script),
		    "#!lua\n");
		if ((k = lua_deadline_check(txn_script + n,
		    sizeof(txn_script) - n, 1)) == 0)
			fatalx("the transaction script's deadline check does "
			    "not fit");
		n += k;
		if (n + sizeof(txn_body) > sizeof(txn_script))
			fatalx("the transaction script does not fit");
		memcpy(txn_script + n, txn_body, sizeof(txn_body));
		txn_script_len = n + sizeof(txn_body) - 1;
	}
	*len = txn_script_len;
	return txn_script;
}

void
redis_txn_init(struct redis_txn *t)
{
	memset(t, 0, sizeof(*t));
}

void
redis_txn_free(struct redis_txn *t)
{
	free(t->argcs);
	free(t->args);
	free(t->bytes);
	free(t->argv);
	free(t->argvlens);
	free(t->nums);
	redis_txn_init(t);
}

void
redis_txn_reset(struct redis_txn *t)
{
	t->ncmds = 0;
	t->writes = 0;
	t->evals = 0;
	t->nargs = 0;
	t->used = 0;
}

/* Grow *p (n elements of size) to hold need. */
static void
grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;
	size_t n;

	if (need <= *cap)
		return;
	for (n = *cap ? *cap * 2 : 16; n < need; n *= 2)
		;
	*p = xreallocarray(*p, n, size);
	*cap = n;
}

int
redis_txn_is_write(const char *name, size_t len)
{
	/* The record layer's reads; anything else counts as a write. */
	static const char *const reads[] = {
		"GET", "MGET", "HGET", "HMGET", "HGETALL", "HLEN", "HEXISTS",
		"HSCAN", "SCAN", "EXISTS", "TYPE", "LRANGE", "LLEN", "ZRANGE",
		"ZCARD", "ZSCORE", "XRANGE", "XREVRANGE", "XLEN", "SMEMBERS",
		"SCARD", "TIME", "PING", NULL
	};
	int i;

	for (i = 0; reads[i] != NULL; i++)
		if (strlen(reads[i]) == len && strncasecmp(reads[i], name,
		    len) == 0)
			return 0;
	return 1;
}

void
redis_txn_add(struct redis_txn *t, struct redis_cmd *c)
{
	size_t total = 0;
	int argc, i;

	argc = redis_cmd_argv(c);
	if (argc < 1)
		fatalx("redis_txn_add: empty command");
	for (i = 0; i < argc; i++)
		total += c->lens[i];
	grow(&t->argcs, &t->cmdcap, (size_t)t->ncmds + 1, sizeof(*t->argcs));
	grow(&t->args, &t->argcap, t->nargs + (size_t)argc,
	    sizeof(*t->args));
	grow(&t->bytes, &t->cap, t->used + total + 1, 1);
	for (i = 0; i < argc; i++) {
		t->args[t->nargs].off = t->used;
		t->args[t->nargs].len = c->lens[i];
		if (c->lens[i] > 0)
			memcpy(t->bytes + t->used, c->argv[i], c->lens[i]);
		t->used += c->lens[i];
		t->nargs++;
	}
	t->argcs[t->ncmds++] = argc;
	if (redis_txn_is_write(c->argv[0], c->lens[0]))
		t->writes = 1;
	if ((c->lens[0] == 4 && strncasecmp(c->argv[0], "EVAL", 4) == 0) ||
	    (c->lens[0] == 7 && strncasecmp(c->argv[0], "EVALSHA", 7) == 0))
		t->evals = 1;
}

size_t
redis_txn_bytes(const struct redis_txn *t)
{
	return t->used;
}

/* Room for n resolved arguments. */
static void
argv_reserve(struct redis_txn *t, size_t n)
{
	size_t cap = t->argvcap;

	grow(&t->argv, &cap, n, sizeof(*t->argv));
	t->argvlens = xreallocarray(t->argvlens, cap, sizeof(size_t));
	t->argvcap = cap;
}

int
redis_txn_cmd(struct redis_txn *t, int i, const char ***argv, size_t **lens)
{
	size_t first = 0;
	int k, n;

	if (i < 0 || i >= t->ncmds)
		fatalx("redis_txn_cmd: no command %d", i);
	for (k = 0; k < i; k++)
		first += (size_t)t->argcs[k];
	n = t->argcs[i];
	argv_reserve(t, (size_t)n);
	for (k = 0; k < n; k++) {
		t->argv[k] = t->bytes + t->args[first + (size_t)k].off;
		t->argvlens[k] = t->args[first + (size_t)k].len;
	}
	*argv = t->argv;
	*lens = t->argvlens;
	return n;
}

int
redis_txn_script_argv(struct redis_txn *t, long long deadline_ms,
    const char ***argv, size_t **lens)
{
	size_t n, a, used = 0, need;
	char *num;
	int k, m;

	/* The script's counts: the deadline, ncmds, and one argc each. */
	need = ((size_t)t->ncmds + 2) * 24;
	grow(&t->nums, &t->numcap, need, 1);
	n = 5 + (size_t)t->ncmds + t->nargs;
	argv_reserve(t, n);
	t->argv[0] = "EVAL";
	t->argv[1] = redis_txn_script(&t->argvlens[1]);
	t->argv[2] = "0";
	n = 3;
	num = t->nums;
	m = snprintf(num, 24, "%lld", deadline_ms);
	t->argv[n] = num;
	t->argvlens[n++] = (size_t)m;
	used += (size_t)m;
	m = snprintf(t->nums + used, 24, "%d", t->ncmds);
	t->argv[n] = t->nums + used;
	t->argvlens[n++] = (size_t)m;
	used += (size_t)m;
	for (k = 0, a = 0; k < t->ncmds; k++) {
		int j;

		m = snprintf(t->nums + used, 24, "%d", t->argcs[k]);
		t->argv[n] = t->nums + used;
		t->argvlens[n++] = (size_t)m;
		used += (size_t)m;
		for (j = 0; j < t->argcs[k]; j++, a++) {
			t->argv[n] = t->bytes + t->args[a].off;
			t->argvlens[n++] = t->args[a].len;
		}
	}
	t->argvlens[0] = 4;
	t->argvlens[2] = 1;
	*argv = t->argv;
	*lens = t->argvlens;
	return (int)n;
}
