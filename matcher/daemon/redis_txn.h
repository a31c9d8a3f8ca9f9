/*
 * A Redis transaction held until it is committed: its commands copied
 * (so borrowed arguments need live only until they are queued), then
 * sent either as MULTI ... EXEC or as one EVAL of the deadline script.
 *
 * The deadline script is why this exists (docs/REDIS.md, "What
 * unavailable means"): it reads Redis's own clock (TIME) and runs the
 * commands only if the deadline has not passed, each with redis.pcall,
 * so its reply has the shape of EXEC's (one reply per command).  A write
 * that reaches a Redis that was stalled past the client's timeout is
 * refused by Redis itself ("TIMEOUT ..."), whole.  Scripts cannot call
 * EVAL, so a transaction holding one goes as MULTI/EXEC.
 */
#ifndef MATCHER_REDIS_TXN_H
#define MATCHER_REDIS_TXN_H

#include <stddef.h>

#include "redis_cmd.h"

struct redis_txn {
	int		 ncmds;
	int		 writes;	/* some command is not read-only */
	int		 evals;		/* some command is EVAL or EVALSHA */
	int		*argcs;		/* per command */
	size_t		 cmdcap;
	struct {
		size_t	 off, len;	/* into bytes */
	}		*args;
	size_t		 nargs, argcap;
	char		*bytes;
	size_t		 used, cap;
	/* What redis_txn_argv() resolves a vector to. */
	const char	**argv;
	size_t		*argvlens;
	size_t		 argvcap;
	char		*nums;		/* the script's count arguments */
	size_t		 numcap;
};

/* The script's text. */
const char	*redis_txn_script(size_t *len);

void	redis_txn_init(struct redis_txn *);
void	redis_txn_free(struct redis_txn *);
/* Empty it for the next transaction, keeping its buffers. */
void	redis_txn_reset(struct redis_txn *);
/* Append a copy of c (c is left as it was). */
void	redis_txn_add(struct redis_txn *, struct redis_cmd *c);
/* The bytes of every argument: what the transaction weighs. */
size_t	redis_txn_bytes(const struct redis_txn *);
/*
 * Command i as a vector (valid until the next call on the txn):
 * returns its argc.
 */
int	redis_txn_cmd(struct redis_txn *, int i, const char ***argv,
	    size_t **lens);
/*
 * The whole transaction as one EVAL of the deadline script, refused by
 * Redis after deadline_ms (Redis's clock, Unix milliseconds): returns
 * argc.  Each command must have at most 99 arguments.
 */
int	redis_txn_script_argv(struct redis_txn *, long long deadline_ms,
	    const char ***argv, size_t **lens);

/* 1 unless the command named name[0..len) only reads. */
int	redis_txn_is_write(const char *name, size_t len);

#endif
