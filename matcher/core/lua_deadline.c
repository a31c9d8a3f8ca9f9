/* The deadline check of the daemon's Redis scripts (lua_deadline.h). */
#include <stdio.h>

#include "lua_deadline.h"

size_t
lua_deadline_check(char *buf, size_t len, int argv)
{
	int n;

	n = snprintf(buf, len,
	    "if ARGV[%d] ~= '' then\n"
	    "  local t = redis.call('TIME')\n"
	    "  local late = tonumber(t[1]) * 1000 +\n"
	    "    math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[%d])\n"
	    "  if late > 0 then\n"
	    "    return redis.error_reply('TIMEOUT deadline passed ' ..\n"
	    "      late .. ' ms ago, nothing was written')\n"
	    "  end\n"
	    "end\n", argv, argv);
	if (n < 0 || (size_t)n >= len)
		return 0;
	return (size_t)n;
}
