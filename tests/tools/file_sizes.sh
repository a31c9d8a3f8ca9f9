#!/bin/sh
# Fails when a source file of the product grows past the size at which it
# holds more than one concern (docs/DESIGN.md, "Where to change what").
# Data tables are exempt: list them in EXEMPT with the reason.
#
#   tests/tools/file_sizes.sh ROOT
root=${1:?usage: file_sizes.sh ROOT}
max=1200
EXEMPT=""	# none today
status=0
for f in "$root"/matcher/*/*.c "$root"/proto/*.c "$root"/config/*.c; do
	[ -e "$f" ] || continue
	case " $EXEMPT " in *" ${f#"$root"/} "*) continue ;; esac
	n=$(wc -l <"$f")
	if [ "$n" -gt "$max" ]; then
		echo "${f#"$root"/}: $n lines (over $max): split it by concern" >&2
		status=1
	fi
done
exit $status
