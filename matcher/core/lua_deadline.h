/*
 * The Lua lines that make a Redis script refuse to run past a deadline
 * read on Redis's own clock (docs/REDIS.md, "What unavailable means"):
 * a script that has not written yet may call TIME and still write.  The
 * refusal is the error "TIMEOUT ...", which the daemon reads as
 * "unavailable, nothing was written".
 */
#ifndef MATCHER_LUA_DEADLINE_H
#define MATCHER_LUA_DEADLINE_H

#include <stddef.h>

/*
 * Write into buf the check of ARGV[argv] (Unix milliseconds; an empty
 * string: no deadline).  Returns its length, or 0 if len is too small.
 */
size_t	lua_deadline_check(char *buf, size_t len, int argv);

#endif
