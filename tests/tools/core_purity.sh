#!/bin/sh
# Fails (and so fails the build) if a file of the pure core includes the
# event loop, Redis or the logger, or reads the clock: "today" and "now"
# are the callers' arguments (docs/DESIGN.md).
#
#   tests/tools/core_purity.sh DIR
dir=${1:?usage: core_purity.sh DIR}
status=0
for f in "$dir"/*.c "$dir"/*.h; do
	[ -e "$f" ] || continue
	# Comments are not code: strip /* ... */ (one line or several) first.
	hits=$(sed -e 's:/\*.*\*/::g' -e '/\/\*/,/\*\//s/.*//' "$f" | grep -nE \
	    '#[[:space:]]*include[[:space:]]*[<"](event2/|event\.h|hiredis|log\.h)|(^|[^A-Za-z0-9_.>])(time|clock_gettime|gettimeofday|localtime|gmtime|ftime)[[:space:]]*\(')
	if [ -n "$hits" ]; then
		echo "$f: the pure core must not include the event loop, Redis or" \
		    "the logger, nor read the clock:" >&2
		echo "$hits" | sed 's/^/    /' >&2
		status=1
	fi
done
exit $status
