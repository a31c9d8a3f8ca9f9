/*
 * Redis commands as argument vectors.  The bounds are the record layer's
 * own (no input decides how many arguments a command has), so passing
 * them is a programming error and fatal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "redis_cmd.h"
#include "xmalloc.h"

void
redis_cmd_init(struct redis_cmd *c, const char *name)
{
	c->argc = 0;
	c->buf = c->inline_buf;
	c->used = 0;
	c->cap = sizeof(c->inline_buf);
	redis_cmd_str(c, name);
}

void
redis_cmd_free(struct redis_cmd *c)
{
	if (c->buf != c->inline_buf)
		free(c->buf);
	c->buf = c->inline_buf;
	c->cap = sizeof(c->inline_buf);
	c->used = 0;
	c->argc = 0;
}

static void
next_arg(struct redis_cmd *c, const char *ptr, size_t off, size_t len)
{
	if (c->argc == REDIS_CMD_ARGS_MAX)
		fatalx("redis command over %d arguments", REDIS_CMD_ARGS_MAX);
	c->arg[c->argc].ptr = ptr;
	c->arg[c->argc].off = off;
	c->arg[c->argc].len = len;
	c->argc++;
}

void
redis_cmd_arg(struct redis_cmd *c, const void *p, size_t len)
{
	next_arg(c, p, 0, len);
}

void
redis_cmd_str(struct redis_cmd *c, const char *s)
{
	next_arg(c, s, 0, strlen(s));
}

/* Room for len more bytes in buf. */
static void
reserve(struct redis_cmd *c, size_t len)
{
	size_t cap;

	if (c->used + len <= c->cap)
		return;
	for (cap = c->cap * 2; cap < c->used + len; cap *= 2)
		;
	if (c->buf == c->inline_buf) {
		c->buf = xmalloc(cap);
		memcpy(c->buf, c->inline_buf, c->used);
	} else
		c->buf = xreallocarray(c->buf, cap, 1);
	c->cap = cap;
}

void
redis_cmd_copy(struct redis_cmd *c, const void *p, size_t len)
{
	reserve(c, len);
	memcpy(c->buf + c->used, p, len);
	next_arg(c, NULL, c->used, len);
	c->used += len;
}

void
redis_cmd_fmt(struct redis_cmd *c, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		fatalx("redis command argument over %zu bytes", sizeof(tmp));
	redis_cmd_copy(c, tmp, (size_t)n);
}

void
redis_cmd_int(struct redis_cmd *c, long long v)
{
	redis_cmd_fmt(c, "%lld", v);
}

static int
pack_write(void *data, const char *buf, size_t len)
{
	struct redis_cmd *c = data;

	reserve(c, len);
	memcpy(c->buf + c->used, buf, len);
	c->used += len;
	return 0;
}

void
redis_cmd_pack_begin(struct redis_cmd *c, msgpack_packer *pk)
{
	next_arg(c, NULL, c->used, 0);
	msgpack_packer_init(pk, c, pack_write);
}

void
redis_cmd_pack_end(struct redis_cmd *c)
{
	c->arg[c->argc - 1].len = c->used - c->arg[c->argc - 1].off;
}

int
redis_cmd_argv(struct redis_cmd *c)
{
	int i;

	for (i = 0; i < c->argc; i++) {
		c->argv[i] = c->arg[i].ptr != NULL ? c->arg[i].ptr :
		    c->buf + c->arg[i].off;
		c->lens[i] = c->arg[i].len;
	}
	return c->argc;
}
