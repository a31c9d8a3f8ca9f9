/*
 * One Redis command being built: its arguments, binary-safe, some borrowed
 * and some copied into the command's own buffer.  The record layer
 * (records.c) fills commands; the async store (store.c) and the start-up
 * rebuild (rebuild.c) send them.
 */
#ifndef MATCHER_REDIS_CMD_H
#define MATCHER_REDIS_CMD_H

#include <stddef.h>

#include <msgpack.h>

/* The record layer's longest command, the audit's XADD, has 18. */
#define REDIS_CMD_ARGS_MAX 24

struct redis_cmd {
	int		 argc;
	struct {
		const char	*ptr;	/* borrowed, or NULL: in buf at off */
		size_t		 off, len;
	}		 arg[REDIS_CMD_ARGS_MAX];
	char		*buf;		/* copied arguments */
	size_t		 used, cap;
	char		 inline_buf[512];
	/* What redis_cmd_argv() resolves the arguments to. */
	const char	*argv[REDIS_CMD_ARGS_MAX];
	size_t		 lens[REDIS_CMD_ARGS_MAX];
};

/* Start cmd as the command name (a literal: borrowed). */
void	redis_cmd_init(struct redis_cmd *, const char *name);
void	redis_cmd_free(struct redis_cmd *);
/* Borrowed: the bytes must live until the command is sent. */
void	redis_cmd_arg(struct redis_cmd *, const void *, size_t);
void	redis_cmd_str(struct redis_cmd *, const char *);
/* Copied into the command. */
void	redis_cmd_copy(struct redis_cmd *, const void *, size_t);
void	redis_cmd_fmt(struct redis_cmd *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	redis_cmd_int(struct redis_cmd *, long long);
/*
 * One argument packed as msgpack into the command: pack with the packer
 * between begin and end.
 */
void	redis_cmd_pack_begin(struct redis_cmd *, msgpack_packer *);
void	redis_cmd_pack_end(struct redis_cmd *);
/* Resolve the arguments into cmd->argv / cmd->lens; returns argc. */
int	redis_cmd_argv(struct redis_cmd *);

#endif
