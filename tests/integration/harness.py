"""Shared fixture of the integration tests: real processes, a foreign client.

Each test gets a private redis-server on a free loopback port (in a
temporary directory) and a matcherd from the build directory pointed at it.
Both are always stopped: in tearDown, and by an atexit hook for anything a
crashed test left behind.  matcherd is stopped with SIGTERM first, and a
non-zero exit status or a sanitizer report in its log fails the test, so the
sanitizer build (scripts/test) checks every scenario for leaks and undefined
behaviour, not only for crashes.

The client is written here on Debian's python3-msgpack, not on the daemon's
own code, so that the tests check the wire protocol of proto/PROTOCOL.md.
Every matcherd also serves its HTTP/JSON API (docs/HTTP.md) on a free port
of its own: Matcherd.http() and MatcherdTestCase.http() call it with the
standard library's http.client.

Environment:
  MATCHERD_BUILD_DIR   where matcherd and matchctl are (default: build/)
  MATCHERD_SOURCE_DIR  the source tree (default: two levels above this file)
  MATCHERD_KEEP_TMP=1  keep the temporary directories (logs, Redis data)
"""

import atexit
import contextlib
import datetime
import hashlib
import http.client
import json
import math
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.environ.get("MATCHERD_SOURCE_DIR")
                             or os.path.join(HERE, "..", ".."))
BUILD_DIR = os.path.abspath(os.environ.get("MATCHERD_BUILD_DIR")
                            or os.path.join(SOURCE_DIR, "build"))
MATCHERD = os.path.join(BUILD_DIR, "matcherd")
MATCHCTL = os.path.join(BUILD_DIR, "matchctl")
CONFIG = os.path.join(SOURCE_DIR, "config", "matcherd.conf")
PREFIX = "matcherd"  # [redis] prefix of config/matcherd.conf

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"

# Generous: the sanitizer build is several times slower than the normal one.
START_TIMEOUT = 30.0
CALL_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0

ERROR_CODES = ("invalid_argument", "not_found", "unknown_method", "too_large",
               "unavailable", "internal")
SECTORS = ("industrie", "batiment", "tertiaire", "hotellerie")
CONTRACTS = ("cdi", "cdd", "interim", "alternance", "aide", "insertion",
             "saisonnier")
COMPONENTS = ("job", "experience", "distance", "skills", "level", "priority",
              "fairness", "barriers")
FILTERS = ("status", "rome", "already_referred", "contract", "availability",
           "age", "clause", "licences", "skills", "distance")

# Communes of the Dunkerque employment area (INSEE code: lat, lon), as in
# matcher/data/communes_59_62.csv.
COMMUNES = {
    "59183": ("Dunkerque", 51.0307229078, 2.33752414095),
    "59271": ("Grande-Synthe", 51.0167874642, 2.29071143357),
    "59155": ("Coudekerque-Branche", 51.0179541343, 2.39580832593),
    "59131": ("Cappelle-la-Grande", 50.9960740777, 2.37003367458),
    "59067": ("Bergues", 50.9691920635, 2.43268784817),
    "59359": ("Loon-Plage", 51.0012144614, 2.22304802432),
    "59273": ("Gravelines", 50.9975626638, 2.14413046485),
    "59094": ("Bourbourg", 50.9424001702, 2.20355448436),
    "59309": ("Hondschoote", 50.971669311, 2.58828514944),
    "59663": ("Wormhout", 50.8778557286, 2.47860517129),
    "62193": ("Calais", 50.9502072754, 1.87575566132),
    "62160": ("Boulogne-sur-Mer", 50.7271332663, 1.60756334802),
    "59350": ("Lille", 50.6317183168, 3.04783272312),
}

# ROME codes that exist in the v3 table: two of the F17 domain, others apart.
ROME_BETON = "F1701"        # Construction en béton (batiment)
ROME_GROS_OEUVRE = "F1704"  # Préparation du gros oeuvre et des TP (batiment)
ROME_CUISINE = "G1602"      # Personnel de cuisine (hotellerie)
ROME_TELECONSEIL = "D1408"  # Téléconseil et télévente (tertiaire)
ROME_SOUDAGE = "H2913"      # Soudage manuel (industrie)
ROME_ROUTIER = "N4101"      # Conduite de transport longue distance (hotellerie)


# --------------------------------------------------------------------------
# Small utilities
# --------------------------------------------------------------------------

def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Poll predicate() until it returns a true value; return that value."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - retried until deadline
            last_exc = exc
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s%s" % (
                timeout, what, " (last error: %r)" % last_exc
                if last_exc else ""))
        time.sleep(interval)


def fnv1a32(data):
    h = 2166136261
    for b in data.encode() if isinstance(data, str) else data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def cand_key(cid, prefix=PREFIX):
    """Redis hash holding candidate cid (docs/REDIS.md: P:cand:{cXX})."""
    return "%s:cand:{c%02x}" % (prefix, fnv1a32(cid) & 0xFF)


def offer_key(sector, oid, prefix=PREFIX):
    return "%s:{%s}:offer:%s" % (prefix, sector, oid)


def ref_key(sector, oid, prefix=PREFIX):
    return "%s:{%s}:ref:%s" % (prefix, sector, oid)


def refhist_key(sector, oid, prefix=PREFIX):
    return "%s:{%s}:refhist:%s" % (prefix, sector, oid)


def haversine_km(lat1, lon1, lat2, lon2):
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * \
        math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def commune_distance_km(a, b):
    _, lat1, lon1 = COMMUNES[a]
    _, lat2, lon2 = COMMUNES[b]
    return haversine_km(lat1, lon1, lat2, lon2)


def today():
    """The daemon's "today" is UTC (matcher/core/dates.h)."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def unlabelled(obj):
    """obj without the labels every answer gains (proto/PROTOCOL.md,
    "Labels"): commune_name and postcode beside a commune, rome_label
    beside a rome; to compare an answer with a canonical record."""
    if isinstance(obj, list):
        return [unlabelled(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    drop = set()
    if "commune" in obj:
        drop |= {"commune_name", "postcode"}
    if "rome" in obj:
        drop.add("rome_label")
    return {k: unlabelled(v) for k, v in obj.items() if k not in drop}


def iso(d):
    return d.isoformat()


def days_from_today(n):
    return iso(today() + datetime.timedelta(days=n))


def years_before(years, on=None, plus_days=0):
    """The date `years` years before `on` (default today), plus plus_days.

    Someone born on years_before(26, d) is exactly 26 on day d (a birthday);
    born on years_before(26, d, plus_days=1), still 25 on day d.
    """
    on = on or today()
    try:
        born = on.replace(year=on.year - years)
    except ValueError:  # 29 February
        born = on.replace(year=on.year - years, day=28)
    return iso(born + datetime.timedelta(days=plus_days))


def age_birth_date(age, on=None):
    """A birth date giving `age` whole years on `on`, half a year from the
    next birthday (no boundary effect)."""
    return years_before(age, on, plus_days=-180)


def normalize_excluded(excluded):
    """The excluded map without zero entries."""
    return {k: v for k, v in (excluded or {}).items() if v}


# --------------------------------------------------------------------------
# Record builders with sensible defaults
# --------------------------------------------------------------------------

def candidate(cid, **fields):
    """A valid candidate of the batiment pool living in Dunkerque.

    Any field can be overridden; a value of None removes the field.
    """
    rec = {
        "id": cid,
        "sectors": ["batiment"],
        "jobs": [{"rome": ROME_BETON, "months": 24}],
        "skills": ["sst"],
        "licences": ["B"],
        "vehicle": True,
        "level": 3,
        "commune": "59183",
        "radius_km": 30,
    }
    for k, v in fields.items():
        if v is None:
            rec.pop(k, None)
        else:
            rec[k] = v
    return rec


def offer(oid, **fields):
    """A valid France Travail offer for a coffreur bancheur in Dunkerque."""
    rec = {
        "id": oid,
        "source": "pole_emploi",
        "title": "Coffreur bancheur (H/F)",
        "rome": ROME_BETON,
        "employer": "Bouygues TP",
        "commune": "59183",
        "contract": "cdi",
    }
    for k, v in fields.items():
        if v is None:
            rec.pop(k, None)
        else:
            rec[k] = v
    return rec


# --------------------------------------------------------------------------
# Process bookkeeping: whatever was started is killed at exit
# --------------------------------------------------------------------------

_LIVE = set()

try:
    import ctypes
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - not glibc
    _LIBC = None


def _die_with_parent():
    """preexec_fn: the child gets SIGKILL when this process dies, even by
    SIGKILL (as ctest does on a timeout), so no redis-server or matcherd
    outlives its test."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_TMPDIRS = set()


def _kill_leftovers():
    for proc in list(_LIVE):
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(5)
            except Exception:  # noqa: BLE001 - best effort at exit
                pass
    _LIVE.clear()
    if not os.environ.get("MATCHERD_KEEP_TMP"):
        for d in list(_TMPDIRS):
            shutil.rmtree(d, ignore_errors=True)
    _TMPDIRS.clear()


def mkdtemp(prefix):
    """A temporary directory removed at exit, whatever happens."""
    d = tempfile.mkdtemp(prefix=prefix)
    _TMPDIRS.add(d)
    return d


atexit.register(_kill_leftovers)


def _term_handler(signum, frame):
    # ctest or timeout(1) stops the test: its children go too, at once
    # (SystemExit would be caught by unittest and the next test would run).
    _kill_leftovers()
    sys.stderr.write("terminated by signal %d\n" % signum)
    sys.stderr.flush()
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, _term_handler)
signal.signal(signal.SIGHUP, _term_handler)


# --------------------------------------------------------------------------
# redis-server
# --------------------------------------------------------------------------

class RedisServer:
    """A private redis-server on 127.0.0.1:port with its data in a temp dir.

    persist=True turns on the append-only file (fsync always), so that data
    survives a SIGKILL of redis and a restart on the same port.
    """

    def __init__(self, persist=False, port=None, tmpdir=None):
        self.persist = persist
        self.port = port
        self.tmpdir = tmpdir or mkdtemp("matcherd-redis-")
        self._own_tmpdir = tmpdir is None
        self.proc = None
        self.logfile = os.path.join(self.tmpdir, "redis.log")

    def start(self, timeout=START_TIMEOUT):
        tries = 0
        while True:
            tries += 1
            port = self.port or free_port()
            args = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                    "--dir", self.tmpdir, "--logfile", self.logfile,
                    "--daemonize", "no", "--save", ""]
            if self.persist:
                # persist may name the appendfsync policy (aof_kill.py).
                args += ["--appendonly", "yes", "--appendfsync",
                         self.persist if isinstance(self.persist, str)
                         else "always"]
            else:
                args += ["--appendonly", "no"]
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)
            _LIVE.add(self.proc)
            try:
                wait_until(lambda: self._ping(port), timeout,
                           what="redis-server to answer PING")
                self.port = port
                return self
            except AssertionError:
                self.kill()
                # A free port can be taken between the check and the bind.
                if self.port is None and tries < 3:
                    continue
                raise AssertionError("redis-server did not start:\n" +
                                     self.log())

    def _ping(self, port):
        if self.proc.poll() is not None:
            raise AssertionError("redis-server exited with %s" %
                                 self.proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        """Stop redis at once (the daemon sees its connection drop)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _LIVE.discard(self.proc)

    def stop(self):
        self.kill(signal.SIGTERM)

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def cleanup(self, keep=False):
        self.kill()
        if self._own_tmpdir and not keep:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # ---- redis-cli helpers ------------------------------------------------

    def cli_bytes(self, *args):
        """Run one command with redis-cli --raw; its stdout as bytes."""
        out = subprocess.run([REDIS_CLI, "-h", "127.0.0.1", "-p",
                              str(self.port), "--raw"] + [str(a) for a in args],
                             stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=CALL_TIMEOUT, check=True)
        return out.stdout

    def cli(self, *args):
        """One command; its output as a str without the final newline."""
        out = self.cli_bytes(*args).decode("utf-8", "replace")
        return out[:-1] if out.endswith("\n") else out

    def cli_int(self, *args):
        return int(self.cli(*args))

    def hexists(self, key, field):
        return self.cli_int("HEXISTS", key, field) == 1

    def hget(self, key, field):
        """str value of a hash field, or None when absent."""
        if not self.hexists(key, field):
            return None
        return self.cli("HGET", key, field)

    def hget_msgpack(self, key, field):
        """A hash field holding msgpack, decoded; None when absent."""
        if not self.hexists(key, field):
            return None
        raw = self.cli_bytes("HGET", key, field)
        return msgpack.unpackb(raw[:-1], raw=False, strict_map_key=False)

    def keys(self, pattern="*"):
        out = self.cli("KEYS", pattern)
        return [k for k in out.split("\n") if k]

    # ---- one connection, RESP by hand: for whole-database snapshots ------

    def command(self, *args):
        """One command over a fresh connection; the reply, decoded (bulk
        strings as bytes, errors raised)."""
        with socket.create_connection(("127.0.0.1", self.port),
                                      CALL_TIMEOUT) as s:
            out = b"*%d\r\n" % len(args)
            for a in args:
                a = a if isinstance(a, bytes) else str(a).encode()
                out += b"$%d\r\n%s\r\n" % (len(a), a)
            s.sendall(out)
            return _resp_read(s.makefile("rb"))

    _DUMP = ("local out = {} "
             "for _, k in ipairs(redis.call('KEYS', '*')) do "
             "local t = redis.call('TYPE', k).ok local v = {} "
             "if t == 'hash' then v = redis.call('HGETALL', k) "
             "elseif t == 'zset' then v = redis.call('ZRANGE', k, 0, -1) "
             "elseif t == 'list' then v = redis.call('LRANGE', k, 0, -1) "
             "elseif t == 'string' then v = {redis.call('GET', k)} end "
             "out[#out + 1] = k out[#out + 1] = t out[#out + 1] = v end "
             "return out")

    def snapshot(self):
        """Every key and its content in one call: {key: (type, content)},
        hash fields sorted; streams by type only."""
        flat = self.command("EVAL", self._DUMP, "0")
        out = {}
        for i in range(0, len(flat), 3):
            key, kind, value = flat[i].decode(), flat[i + 1].decode(), \
                flat[i + 2]
            if kind == "hash":
                value = sorted(zip(value[::2], value[1::2]))
            out[key] = (kind, value)
        return out


def _resp_read(f):
    line = f.readline()
    if not line:
        raise ConnectionClosed("redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest
    if kind == b"-":
        raise AssertionError("redis error: %s" % rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_resp_read(f) for _ in range(n)]
    raise AssertionError("bad RESP line %r" % line)


# --------------------------------------------------------------------------
# MessagePack-RPC client
# --------------------------------------------------------------------------

class RpcError(Exception):
    def __init__(self, code, message, field):
        super().__init__("%s: %s (field %r)" % (code, message, field))
        self.code = code
        self.message = message
        self.field = field


class ConnectionClosed(Exception):
    pass


# --------------------------------------------------------------------------
# Users and tokens ([auth] users): every daemon of the tests reads this
# file, and every client authenticates as the administrator unless a test
# says otherwise (token=None: no auth; token=token_of(NAME): that user).
# --------------------------------------------------------------------------

TEST_USERS = [  # name, role, sectors
    ("admin", "admin", "*"),
    ("adv-all", "adviser", "*"),
    ("adv-batiment", "adviser", "batiment"),
    ("adv-industrie", "adviser", "industrie"),
    ("prospect", "prospection", "*"),
    ("prospect-batiment", "prospection", "batiment"),
    ("partner", "partner", "*"),
    ("partner-b", "partner", "*"),
]


def token_of(name):
    """The test token of a user of TEST_USERS (64 hex digits, like the
    tokens of `matchctl user new`)."""
    return hashlib.sha256(("matcherd test token " + name).encode()).hexdigest()


ADMIN_TOKEN = token_of("admin")


def users_file_text(users=TEST_USERS):
    lines = ["# NAME ROLE SECTORS SHA256 (written by tests/integration/"
             "harness.py)"]
    for name, role, sectors in users:
        lines.append("%s %s %s %s" % (name, role, sectors, hashlib.sha256(
            token_of(name).encode()).hexdigest()))
    return "\n".join(lines) + "\n"


def write_users_file(path, users=TEST_USERS):
    with open(path, "w") as f:
        f.write(users_file_text(users))
    os.chmod(path, 0o600)
    return path


# matchctl run by the tests authenticates as the administrator.
os.environ.setdefault("MATCHCTL_TOKEN", ADMIN_TOKEN)


class RpcClient:
    """A minimal MessagePack-RPC client over one TCP connection.

    Responses and notifications share the stream; notifications met while
    waiting for a response are queued for next_notification().
    """

    def __init__(self, addr, timeout=CALL_TIMEOUT, token=ADMIN_TOKEN,
                 tls=None):
        # tls: an ssl.SSLContext to speak TLS with; None, plain TCP.
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname=host)
        self.timeout = timeout
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.msgid = 0
        self.notifications = []
        self.pending = {}  # responses that arrived out of turn, by msgid
        self.eof = False
        self.user = None
        if token is not None:
            self.user = self.call("auth", {"token": token})

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- raw stream -------------------------------------------------------

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, obj):
        self.send_raw(msgpack.packb(obj, use_bin_type=True))

    def _fill(self, deadline):
        """Read more bytes into the unpacker; raise on EOF or timeout."""
        if self.eof:
            raise ConnectionClosed("connection closed by the daemon")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("no message from the daemon in time")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(1 << 16)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            raise ConnectionClosed("connection closed by the daemon")
        self.unpacker.feed(data)

    def recv(self, timeout=None):
        """The next message of the stream, whatever it is."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            try:
                return next(self.unpacker)
            except StopIteration:
                self._fill(deadline)

    def closed_by_peer(self, timeout=5.0):
        """True if the daemon closes the connection within timeout (after
        any messages, which are kept as notifications)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                msg = self.recv(max(0.0, deadline - time.monotonic()))
                self._stash(msg)
        except ConnectionClosed:
            return True
        except (socket.timeout, TimeoutError):
            return False

    def _stash(self, msg):
        if isinstance(msg, list) and len(msg) == 3 and msg[0] == 2:
            self.notifications.append((msg[1], msg[2]))
        elif isinstance(msg, list) and len(msg) == 4 and msg[0] == 1:
            self.pending[msg[1]] = msg
        else:
            raise AssertionError("unexpected message %r" % (msg,))

    # ---- requests ---------------------------------------------------------

    @staticmethod
    def params_of(params):
        if params is None:
            return []
        if isinstance(params, dict):
            return [params]
        return params

    def next_msgid(self):
        self.msgid = (self.msgid + 1) & 0xFFFFFFFF
        return self.msgid

    def request(self, method, params=None):
        """Send one request; return its msgid (read it with response())."""
        msgid = self.next_msgid()
        self.send([0, msgid, method, self.params_of(params)])
        return msgid

    def response(self, msgid, timeout=None):
        """The raw response [1, msgid, error, result] to msgid."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while msgid not in self.pending:
            msg = self.recv(max(0.0, deadline - time.monotonic()))
            self._stash(msg)
        return self.pending.pop(msgid)

    def next_response(self, timeout=None):
        """The next response of the stream, in arrival order."""
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            msg = self.recv(max(0.0, deadline - time.monotonic()))
            if isinstance(msg, list) and len(msg) == 4 and msg[0] == 1:
                return msg
            self._stash(msg)

    @staticmethod
    def result_of(resp):
        _, _, error, result = resp
        if error is not None:
            if not isinstance(error, dict):
                raise AssertionError("error is not a map: %r" % (error,))
            raise RpcError(error.get("code"), error.get("message"),
                           error.get("field"))
        return result

    def call(self, method, params=None, timeout=None):
        """Call a method: its result, or RpcError(code, message, field)."""
        return self.result_of(self.response(self.request(method, params),
                                            timeout))

    def next_notification(self, timeout=5.0):
        """(method, payload) of the next notification; socket.timeout if
        none arrives in time."""
        deadline = time.monotonic() + timeout
        while not self.notifications:
            msg = self.recv(max(0.0, deadline - time.monotonic()))
            self._stash(msg)
        return self.notifications.pop(0)

    def no_notification(self, wait=0.5):
        """True if no notification arrives within `wait` seconds."""
        if self.notifications:
            return False
        try:
            self.next_notification(wait)
        except (socket.timeout, TimeoutError):
            return True
        return False


# --------------------------------------------------------------------------
# HTTP/JSON client
# --------------------------------------------------------------------------

class HttpResponse:
    """status, headers (an http.client.HTTPMessage), the raw body, and the
    body decoded as JSON when it is JSON (else None)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.json = None
        if (headers.get("Content-Type") or "").startswith(
                "application/json") and body:
            self.json = json.loads(body.decode("utf-8"))

    @property
    def error(self):
        """The {code, message, field} of an error reply."""
        return (self.json or {}).get("error")

    def __repr__(self):
        return "<HTTP %d %r>" % (self.status, self.body[:200])


def http_request(addr, method, path, body=None, headers=None,
                 timeout=CALL_TIMEOUT, token=ADMIN_TOKEN):
    """One request on a fresh connection.  body: a dict or list is sent as
    JSON (Content-Type application/json unless headers say otherwise),
    bytes or str as they are.  token: the bearer token (None: none)."""
    host, port = addr.rsplit(":", 1)
    hdrs = dict(headers or {})
    if token is not None:
        hdrs.setdefault("Authorization", "Bearer " + token)
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return HttpResponse(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


# --------------------------------------------------------------------------
# matcherd
# --------------------------------------------------------------------------

SANITIZER_PATTERNS = re.compile(
    r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"WARNING: ThreadSanitizer|SUMMARY: (Address|Undefined|Leak)Sanitizer")


class Matcherd:
    """matcherd from the build directory, logging to a file."""

    def __init__(self, redis, config=CONFIG, tmpdir=None, extra_args=(),
                 port=None, users=True, tls=None):
        self.redis = redis
        # tls: the ssl.SSLContext of its clients (readiness ping too).
        self.tls = tls
        self.config = config
        self.tmpdir = tmpdir or mkdtemp("matcherd-")
        # users: True, the test users; a path; or None, no --users.
        self.users_file = users
        if users is True:
            self.users_file = write_users_file(
                os.path.join(self.tmpdir, "users"))
        self._own_tmpdir = tmpdir is None
        self.extra_args = list(extra_args)
        self.port = port
        self.http_port = None
        self.proc = None
        self.logfile = os.path.join(self.tmpdir, "matcherd.log")
        self.runs = 0
        self.exit_codes = []

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    @property
    def http_addr(self):
        return "127.0.0.1:%d" % self.http_port

    @property
    def pid(self):
        return self.proc.pid

    def args(self):
        users = ["--users", self.users_file] if self.users_file else []
        return [MATCHERD, "-c", self.config, "--listen", self.addr,
                "--redis", self.redis.addr, "--http",
                self.http_addr] + users + self.extra_args

    def start(self, timeout=START_TIMEOUT):
        if not os.access(MATCHERD, os.X_OK):
            raise AssertionError("%s is missing: build it first "
                                 "(MATCHERD_BUILD_DIR=%s)" % (MATCHERD,
                                                              BUILD_DIR))
        tries = 0
        while True:
            tries += 1
            fixed = self.port is not None
            if not fixed:
                self.port = free_port()
                self.http_port = free_port()
            elif self.http_port is None:
                self.http_port = free_port()
            self.runs += 1
            log = open(self.logfile, "ab")
            log.write(("==== run %d: %s\n" % (
                self.runs, " ".join(self.args()))).encode())
            log.flush()
            self.proc = subprocess.Popen(self.args(), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log,
                                         cwd=SOURCE_DIR,
                                         preexec_fn=_die_with_parent)
            log.close()
            _LIVE.add(self.proc)
            try:
                wait_until(self._ready, timeout,
                           what="matcherd to answer ping on %s" % self.addr)
                return self
            except AssertionError as exc:
                died = self.proc.poll() is not None
                self.kill()
                if died and not fixed and tries < 3 and \
                        "ddress already in use" in self.log():
                    self.port = None
                    continue
                raise AssertionError("%s\n--- matcherd log ---\n%s" % (
                    exc, self.log()))

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError("matcherd exited with status %s" %
                                 self.proc.returncode)
        # Our own daemon said so: a free port may have been taken by
        # another test's daemon, which would answer the ping instead.
        if "matcherd ready" not in self.log().split("==== run ")[-1]:
            return False
        try:
            with RpcClient(self.addr, timeout=2.0, token=None,
                           tls=self.tls) as c:
                return c.call("ping").get("pong") is True
        except (OSError, ConnectionClosed, socket.timeout):
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Signal matcherd and wait; return its exit status (negative for a
        signal), killing it if it does not exit within timeout (then the
        status is None)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                _LIVE.discard(self.proc)
                self.exit_codes.append(None)
                return None
        _LIVE.discard(self.proc)
        self.exit_codes.append(self.proc.returncode)
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            _LIVE.discard(self.proc)

    def rss_kb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS for pid %d" % self.pid)

    def log(self):
        try:
            with open(self.logfile, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def sanitizer_report(self):
        log = self.log()
        m = SANITIZER_PATTERNS.search(log)
        return log if m else None

    def client(self, timeout=CALL_TIMEOUT):
        return RpcClient(self.addr, timeout, tls=self.tls)

    def http(self, method, path, body=None, headers=None,
             timeout=CALL_TIMEOUT):
        """An HttpResponse from the daemon's HTTP/JSON API."""
        return http_request(self.http_addr, method, path, body, headers,
                            timeout)

    def cleanup(self, keep=False):
        self.kill()
        if self._own_tmpdir and not keep:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def matchctl(addr, *args, input=None, timeout=60, json_out=False):
    """Run build/matchctl -s addr [--json] args...; CompletedProcess."""
    cmd = [MATCHCTL, "-s", addr] + (["--json"] if json_out else []) + \
        [str(a) for a in args]
    return subprocess.run(cmd, input=input, capture_output=True,
                          timeout=timeout, cwd=SOURCE_DIR,
                          text=True)


class Watch:
    """`matchctl -s addr watch ARGS...` running; read_until() its output.
    Use as a context manager: the process is stopped at the end."""

    def __init__(self, addr, *args):
        self.proc = subprocess.Popen([MATCHCTL, "-s", addr, "watch"] +
                                     [str(a) for a in args],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        _LIVE.add(self.proc)
        self.out = b""

    def read_until(self, wants, timeout=10):
        """What watch printed, once every text of wants is in it (or the
        timeout passed, or watch exited)."""
        deadline = time.monotonic() + timeout
        while (not all(w.encode() in self.out for w in wants) and
               time.monotonic() < deadline):
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                self.out += chunk
        return self.out.decode("utf-8", "replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        _LIVE.discard(self.proc)
        self.proc.stdout.close()
        self.proc.stderr.close()


# --------------------------------------------------------------------------
# Configuration files
# --------------------------------------------------------------------------

def read_config():
    with open(CONFIG) as f:
        return f.read()


def config_set(text, section, key, value):
    """Set `key = value` in [section] of an INI text.

    Replaces an active line for the key in that section, or else a
    commented-out one ("# key = ..."), or else adds the line right after the
    section header (adding the section at the end when it is missing).
    """
    lines = text.split("\n")
    cur = None
    active = commented = header = None
    key_re = re.compile(r"^\s*%s\s*=" % re.escape(key))
    comment_re = re.compile(r"^\s*[#;]\s*%s\s*=" % re.escape(key))
    for i, line in enumerate(lines):
        m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if m:
            cur = m.group(1).strip()
            if cur == section and header is None:
                header = i
            continue
        if cur != section:
            continue
        if active is None and key_re.match(line):
            active = i
        elif commented is None and comment_re.match(line):
            commented = i
    new = "%s = %s" % (key, value)
    if active is not None:
        lines[active] = new
    elif commented is not None:
        lines[commented] = new
    elif header is not None:
        lines.insert(header + 1, new)
    else:
        lines += ["", "[%s]" % section, new]
    return "\n".join(lines)


def write_config(path, settings=(), text=None):
    """Write config/matcherd.conf to path with settings applied:
    settings = [(section, key, value), ...]."""
    text = read_config() if text is None else text
    for section, key, value in settings:
        text = config_set(text, section, key, value)
    with open(path, "w") as f:
        f.write(text)
    return path


@contextlib.contextmanager
def private_daemon(prefix, settings=(), persist=False):
    """A private redis-server and matcherd, started, for the bench scripts
    (soak.py, aof_kill.py, idle_conns.py): yields (redis, daemon), then
    kills both and removes their files.  settings as for write_config()."""
    tmp = mkdtemp(prefix)
    redis = RedisServer(persist=persist, tmpdir=os.path.join(tmp, "redis"))
    os.mkdir(redis.tmpdir)
    os.mkdir(os.path.join(tmp, "matcherd"))
    config = write_config(os.path.join(tmp, "matcherd.conf"), settings) \
        if settings else CONFIG
    d = Matcherd(redis, config=config, tmpdir=os.path.join(tmp, "matcherd"))
    try:
        redis.start()
        d.start()
        yield redis, d
    finally:
        d.kill()
        redis.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------
# The test case base class
# --------------------------------------------------------------------------

class MatcherdTestCase(unittest.TestCase):
    """Fresh redis-server and matcherd for every test.

    Subclasses may set REDIS_PERSIST, CONFIG_SETTINGS ([(section, key,
    value)]) or START_MATCHERD = False.  self.d is the daemon, self.redis the
    redis-server, self.c a connected client.
    """

    REDIS_PERSIST = False
    CONFIG_SETTINGS = ()
    START_MATCHERD = True

    def setUp(self):
        self.tmp = mkdtemp("matcherd-test-")
        self.clients = []
        self.daemons = []
        self.redis = RedisServer(persist=self.REDIS_PERSIST,
                                 tmpdir=os.path.join(self.tmp, "redis"))
        # Runs even when setUp fails half-way (then tearDown does not).
        self.addCleanup(self._kill_all)
        os.mkdir(self.redis.tmpdir)
        self.redis.start()
        self.config = CONFIG
        if self.CONFIG_SETTINGS:
            self.config = write_config(os.path.join(self.tmp, "matcherd.conf"),
                                       self.CONFIG_SETTINGS)
        self.d = None
        self.c = None
        if self.START_MATCHERD:
            self.d = self.start_matcherd()
            self.c = self.client()

    def start_matcherd(self, config=None, port=None, extra_args=()):
        n = len(self.daemons)
        tmpdir = os.path.join(self.tmp, "matcherd-%d" % n)
        os.mkdir(tmpdir)
        d = Matcherd(self.redis, config=config or self.config, tmpdir=tmpdir,
                     port=port, extra_args=extra_args)
        self.daemons.append(d)
        d.start()
        return d

    def client(self, daemon=None):
        c = (daemon or self.d).client()
        self.clients.append(c)
        return c

    def _kill_all(self):
        for c in self.clients:
            c.close()
        for d in self.daemons:
            d.kill()
        self.redis.kill()
        if not os.environ.get("MATCHERD_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _failed(self):
        """True if this test has already failed (called from tearDown)."""
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        if result is None:
            return True
        for test, _ in list(result.errors) + list(result.failures):
            if test is self or getattr(test, "test_case", None) is self:
                return True
        return False

    def tearDown(self):
        for c in self.clients:
            c.close()
        problems = []
        for d in self.daemons:
            if d.alive():
                status = d.stop()
                if status != 0:
                    problems.append("matcherd (port %d) exited with status "
                                    "%r on SIGTERM" % (d.port, status))
            if d.sanitizer_report():
                problems.append("sanitizer report in the matcherd log")
        failed = self._failed() or problems
        if failed:
            for d in self.daemons:
                sys.stderr.write("\n--- matcherd log (%s) ---\n%s\n" % (
                    d.logfile, d.log()))
        keep = bool(failed) and os.environ.get("MATCHERD_KEEP_TMP") == "1"
        for d in self.daemons:
            d.cleanup(keep=keep)
        self.redis.cleanup(keep=keep)
        if keep:
            sys.stderr.write("kept %s\n" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if problems:
            self.fail("; ".join(problems))

    # ---- shortcuts --------------------------------------------------------

    def assertRpcError(self, code, field, method, params=None, client=None,
                       field_prefix=False):
        """Call method and check it fails with code (and field, unless
        field is ...)."""
        c = client or self.c
        with self.assertRaises(RpcError, msg="%s %r should fail with %s" % (
                method, params, code)) as cm:
            c.call(method, params)
        err = cm.exception
        self.assertEqual(err.code, code, "wrong error code: %s" % err)
        self.assertIsInstance(err.message, str)
        if field is not ...:
            if field_prefix and field is not None:
                self.assertIsNotNone(err.field, str(err))
                self.assertTrue(err.field.startswith(field),
                                "field %r does not start with %r" % (
                                    err.field, field))
            else:
                self.assertEqual(err.field, field, "wrong field: %s" % err)
        return err

    def put_candidates(self, cands, client=None):
        """candidate.put each record, pipelined; returns the results."""
        c = client or self.c
        ids = [c.request("candidate.put", rec) for rec in cands]
        return [c.result_of(c.response(i)) for i in ids]

    def http(self, method, path, body=None, headers=None, daemon=None):
        return (daemon or self.d).http(method, path, body, headers)

    def put_offer(self, rec, limit=None, client=None):
        params = rec if limit is None else {"offer": rec, "limit": limit}
        return (client or self.c).call("offer.put", params)

    def suggested_ids(self, result):
        return [s["candidate"] for s in result["suggestions"]]


def main():
    unittest.main(verbosity=2)
