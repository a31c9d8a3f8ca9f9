# shellcheck shell=bash
#
# Shared functions of scripts/run, scripts/test and scripts/redis-private.
# Source it from bash with `set -euo pipefail` already in force:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It sets ROOT (the repository root) and defines logging, package
# installation, the CMake builds, free-port lookup and pidfile handling.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Debian 12 packages the build, the daemon and the tests need
# (libsystemd-dev: sd_notify; man-db, mandoc, dpkg-dev: the manual pages'
# and the Debian package's tests, tests/integration/test_install.py).
MATCHERD_PACKAGES=(
	cmake gcc make pkg-config
	libevent-dev libhiredis-dev libmsgpack-dev libpcre2-dev
	libjansson-dev libinih-dev libcsv-dev libcmocka-dev libssl-dev
	redis-server redis-tools
	python3 python3-msgpack
	libsystemd-dev man-db mandoc dpkg-dev
)

# Debian 12 packages of the end-to-end tests (tests/e2e/) only: the
# browser they drive, and a font for readable screenshots.  Installed by
# scripts/test (ensure_e2e), not by scripts/run.
MATCHERD_E2E_PACKAGES=(chromium fonts-dejavu-core)

# The Python that has python3-msgpack (a pyenv or venv python3 first in
# PATH may not).
PYTHON3=/usr/bin/python3

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ncpu() { nproc 2>/dev/null || echo 2; }

# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------

# Print the packages of "$@" that are not installed.
missing_packages() {
	local p status
	for p in "$@"; do
		status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" ||
			status=""
		[[ "$status" == installed ]] || printf '%s\n' "$p"
	done
}

# ensure_packages [PKG...]: install what is missing of the packages given
# (default: MATCHERD_PACKAGES) with apt-get, without questions.  apt-get
# update/install run only when something is missing.
ensure_packages() {
	local missing sudo=() wanted=("$@")
	((${#wanted[@]})) || wanted=("${MATCHERD_PACKAGES[@]}")
	command -v dpkg-query >/dev/null 2>&1 ||
		die "dpkg-query not found: this script expects Debian 12"
	mapfile -t missing < <(missing_packages "${wanted[@]}")
	if ((${#missing[@]} == 0)); then
		log "packages: all present"
		return 0
	fi
	if ((EUID != 0)); then
		command -v sudo >/dev/null 2>&1 ||
			die "missing packages (${missing[*]}) and not root; install them as root"
		sudo=(sudo)
	fi
	log "installing: ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "${missing[@]}"
	# The Debian package starts a system redis-server on 6379; we never use
	# it (every redis here is private), so it is left alone.
}

# What the end-to-end tests need: Debian's chromium (MATCHERD_E2E_PACKAGES)
# and the npm packages pinned by tests/e2e/package-lock.json
# (playwright-core, which drives that chromium and downloads no browser).
# `npm ci` runs only when tests/e2e/node_modules is missing or was
# installed from another package.json/package-lock.json: a stamp in
# node_modules records the checksum of the two files it was installed
# from.  Without node and npm (the machine's Node.js 20) the e2e tests
# are left out: tests/CMakeLists.txt registers them only when
# node_modules is there.
ensure_e2e() {
	local dir="$ROOT/tests/e2e" stamp want
	ensure_packages "${MATCHERD_E2E_PACKAGES[@]}"
	if ! command -v node >/dev/null 2>&1 ||
		! command -v npm >/dev/null 2>&1; then
		warn "node or npm not found: the e2e tests will not run"
		return 0
	fi
	stamp="$dir/node_modules/.matcherd-installed"
	want="$(cat "$dir/package.json" "$dir/package-lock.json" |
		sha256sum | cut -d' ' -f1)"
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		log "e2e npm packages: up to date"
		return 0
	fi
	log "installing the e2e npm packages (npm ci --prefix tests/e2e)"
	npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error </dev/null ||
		die "npm ci --prefix tests/e2e failed"
	printf '%s\n' "$want" >"$stamp"
}

# ---------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------

# configure_tree DIR [cmake -D options...]
configure_tree() {
	local dir="$1"
	shift
	cmake -S "$ROOT" -B "$ROOT/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
}

# build_tree DIR [cmake -D options...]: configure and build all of DIR.
build_tree() {
	local dir="$1"
	shift
	log "building $dir/"
	configure_tree "$dir" "$@"
	cmake --build "$ROOT/$dir" -j "$(ncpu)"
}

# The normal build, programs only: build/matcherd, build/matchctl,
# build/matcher-gen (the tests are built and run from build-san/).
build_normal() {
	log "building build/"
	configure_tree build
	cmake --build "$ROOT/build" -j "$(ncpu)" --target matcherd matchctl matcher-gen
	local b
	for b in matcherd matchctl matcher-gen; do
		[[ -x "$ROOT/build/$b" ]] || die "build/$b was not built"
	done
}

# ---------------------------------------------------------------------------
# Ports and processes
# ---------------------------------------------------------------------------

# port_free PORT: true if nothing can be listening on 127.0.0.1:PORT (we can
# bind it ourselves).
port_free() {
	"$PYTHON3" - "$1" <<-'EOF'
	import socket, sys
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	try:
	    s.bind(("127.0.0.1", int(sys.argv[1])))
	except OSError:
	    sys.exit(1)
	EOF
}

# free_port: print a loopback TCP port that is free right now.
free_port() {
	"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_tcp HOST PORT SECONDS: wait until something accepts on HOST:PORT.
wait_tcp() {
	local host="$1" port="$2" secs="$3" i
	for ((i = 0; i < secs * 10; i++)); do
		if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# pidfile_pid FILE [COMM]: print the pid in FILE if that process is alive
# (and, when COMM is given, its command name is COMM); fail otherwise.  The
# name check keeps a stale pidfile from pointing us at a recycled pid.
pidfile_pid() {
	local file="$1" comm="${2:-}" pid
	[[ -r "$file" ]] || return 1
	pid="$(tr -dc '0-9' <"$file")"
	[[ -n "$pid" ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	if [[ -n "$comm" && -r "/proc/$pid/comm" ]]; then
		[[ "$(cat "/proc/$pid/comm")" == "$comm"* ]] || return 1
	fi
	printf '%s\n' "$pid"
}

# stop_pid PID NAME [SECONDS]: SIGTERM, wait, then SIGKILL.
stop_pid() {
	local pid="$1" name="$2" secs="${3:-15}" i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || {
			log "$name (pid $pid) stopped"
			return 0
		}
		sleep 0.1
	done
	warn "$name (pid $pid) did not stop in ${secs}s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------------------
# Users and tokens ([auth] users; proto/PROTOCOL.md, "Who may do what")
# ---------------------------------------------------------------------------

# ensure_users DIR: DIR/users, a users file with an administrator "admin"
# and an adviser of every sector "conseillere", and their tokens in
# DIR/tokens (NAME=TOKEN lines), both mode 600.  Kept across runs, so that
# a token once given stays good.
ensure_users() {
	local dir="$1" spec name role tok hash
	[[ -s "$dir/users" && -s "$dir/tokens" ]] && return 0
	mkdir -p "$dir"
	(
		umask 077
		: >"$dir/users.new"
		: >"$dir/tokens.new"
		for spec in "admin admin" "conseillere adviser"; do
			name="${spec% *}"
			role="${spec#* }"
			# 32 bytes of the kernel's random source, in hex.
			tok="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
			hash="$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)"
			printf '%s %s * %s\n' "$name" "$role" "$hash" >>"$dir/users.new"
			printf '%s=%s\n' "$name" "$tok" >>"$dir/tokens.new"
		done
		mv "$dir/users.new" "$dir/users"
		mv "$dir/tokens.new" "$dir/tokens"
	)
}

# token_of DIR NAME: the token of user NAME of ensure_users DIR.
token_of() {
	sed -n "s/^$2=//p" "$1/tokens"
}
