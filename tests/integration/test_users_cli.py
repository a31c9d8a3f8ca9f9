#!/usr/bin/python3
"""matchctl's side of access control: `user new` makes a token and the
users file line that carries its SHA-256, without a daemon; with a token
(--token or $MATCHCTL_TOKEN) every connection sends `auth` first, and a
refused auth stops matchctl before its command is sent.  The order of the
requests is checked against a stand-in server that records them; a real
matcherd must refuse a token it does not know before the command."""

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import msgpack  # noqa: E402

import harness  # noqa: E402
from harness import MATCHCTL, candidate  # noqa: E402

TOKEN = "s3cret-t0ken-for-the-tests"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def run(*args, env=None, input=None):
    """matchctl args..., without MATCHCTL_* from the caller's environment
    unless env sets them."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("MATCHCTL_")}
    e.update(env or {})
    return subprocess.run([MATCHCTL] + [str(a) for a in args], input=input,
                          capture_output=True, text=True, timeout=60,
                          env=e, cwd=harness.SOURCE_DIR)


class UserNew(unittest.TestCase):
    """matchctl user new NAME ROLE SECTORS."""

    def setUp(self):
        if not os.access(MATCHCTL, os.X_OK):
            self.fail("%s is missing" % MATCHCTL)
        # Nothing listens there: user new must not try to connect.
        self.nowhere = "127.0.0.1:%d" % harness.free_port()

    def new(self, *args, ok=True):
        r = run("-s", self.nowhere, "user", "new", *args)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def check(self, r, name, role, sectors):
        lines = r.stdout.split("\n")
        self.assertEqual(len(lines), 3, r.stdout)
        self.assertEqual(lines[2], "")
        self.assertTrue(lines[0].startswith("token: "), r.stdout)
        self.assertTrue(lines[1].startswith("line: "), r.stdout)
        token = lines[0][len("token: "):]
        fields = lines[1][len("line: "):].split(" ")
        self.assertRegex(token, HEX64)
        self.assertEqual(fields[:3], [name, role, sectors])
        self.assertEqual(len(fields), 4, lines[1])
        self.assertEqual(fields[3],
                         hashlib.sha256(token.encode()).hexdigest())
        # One line of reminder on stderr, and the token is not in it.
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertIn("once", r.stderr)
        self.assertNotIn(token, r.stderr)
        return token

    def test_prints_the_token_and_the_line(self):
        t1 = self.check(self.new("alice", "admin", "*"), "alice", "admin",
                        "*")
        t2 = self.check(self.new("alice", "admin", "*"), "alice", "admin",
                        "*")
        self.assertNotEqual(t1, t2)
        self.check(self.new("bob.d@site:2-x_y", "adviser", "batiment"),
                   "bob.d@site:2-x_y", "adviser", "batiment")
        self.check(self.new("p", "prospection", "industrie,hotellerie"),
                   "p", "prospection", "industrie,hotellerie")
        self.check(self.new("n" * 64, "partner", "tertiaire"),
                   "n" * 64, "partner", "tertiaire")

    def test_sectors_come_out_in_the_vocabulary_order(self):
        self.check(self.new("c", "adviser", "hotellerie,batiment,industrie"),
                   "c", "adviser", "industrie,batiment,hotellerie")

    def test_json(self):
        r = run("-s", self.nowhere, "--json", "user", "new", "d", "admin",
                "*")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertRegex(j["token"], HEX64)
        self.assertEqual(j["line"], "d admin * " +
                         hashlib.sha256(j["token"].encode()).hexdigest())

    def test_bad_arguments_print_the_usage_and_exit_64(self):
        for args, why in [
                (("alice", "root", "*"), "unknown role 'root'"),
                (("alice", "Admin", "*"), "unknown role 'Admin'"),
                (("alice", "admin", "btp"), "unknown sector 'btp'"),
                (("alice", "admin", "batiment,batiment"),
                 "sector 'batiment' listed twice"),
                (("alice", "admin", "batiment,"), "empty sector"),
                (("alice", "admin", "*,batiment"), "'*' stands alone"),
                (("alice", "admin", ""), "may not be empty"),
                (("a/b", "admin", "*"), "name has a character outside"),
                (("#a", "admin", "*"), "name has a character outside"),
                (("n" * 65, "admin", "*"), "name longer than 64"),
                (("a b", "admin", "*"), "blanks"),
                (("a\nb", "admin", "*"), "blanks"),
                (("a", "admin", "batiment tertiaire"), "blanks"),
                (("a", "admin", "x" * 2000), "too long"),
                (("alice", "admin"), None),
                (("alice", "admin", "*", "more"), None),
        ]:
            r = self.new(*args, ok=False)
            self.assertEqual(r.returncode, 64, (args, r.stderr))
            self.assertEqual(r.stdout, "", args)
            self.assertIn("usage: matchctl [options] user new NAME ROLE "
                          "SECTORS", r.stderr)
            if why is not None:
                self.assertIn(why, r.stderr, args)

    def test_usage_names_user_new_and_the_token(self):
        r = run()
        self.assertEqual(r.returncode, 64)
        self.assertIn("\n  user new NAME ROLE SECTORS\n", r.stderr)
        self.assertIn("--token TOKEN, else $MATCHCTL_TOKEN", r.stderr)


class FakeDaemon:
    """A stand-in for matcherd on one connection: records each request
    and answers it from answers (method: (error, result))."""

    def __init__(self, answers):
        self.answers = answers
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(30)
        self.addr = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        conn.settimeout(30)
        unpacker = msgpack.Unpacker(raw=False)
        try:
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    break
                unpacker.feed(data)
                for _, msgid, method, params in unpacker:
                    self.requests.append((method, params))
                    error, result = self.answers.get(method, (
                        {"code": "unknown_method",
                         "message": "unknown method " + method}, None))
                    conn.sendall(msgpack.packb([1, msgid, error, result],
                                               use_bin_type=True))
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()
        self.thread.join(30)

    def methods(self):
        return [m for m, _ in self.requests]


AUTH_OK = (None, {"user": "alice", "role": "admin", "sectors": ["*"]})
PING_OK = (None, {"pong": True, "version": 1, "time": 0})


class TokenOrder(unittest.TestCase):
    """What matchctl sends, and in which order, with and without a
    token."""

    def setUp(self):
        if not os.access(MATCHCTL, os.X_OK):
            self.fail("%s is missing" % MATCHCTL)

    def serve(self, answers, *args, env=None):
        fake = FakeDaemon(answers)
        try:
            r = run("-s", fake.addr, *args, env=env)
        finally:
            fake.close()
        self.assertNotIn(TOKEN, r.stdout)
        self.assertNotIn(TOKEN, r.stderr)
        return fake, r

    def test_auth_goes_first_with_the_token(self):
        fake, r = self.serve({"auth": AUTH_OK, "ping": PING_OK},
                             "--token", TOKEN, "ping")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(fake.requests,
                         [("auth", [{"token": TOKEN}]), ("ping", [])])

    def test_token_from_the_environment(self):
        fake, r = self.serve({"auth": AUTH_OK, "ping": PING_OK}, "ping",
                             env={"MATCHCTL_TOKEN": TOKEN})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(fake.requests,
                         [("auth", [{"token": TOKEN}]), ("ping", [])])
        # --token wins over the environment.
        fake, r = self.serve({"auth": AUTH_OK, "ping": PING_OK},
                             "--token", TOKEN, "ping",
                             env={"MATCHCTL_TOKEN": "other"})
        self.assertEqual(fake.requests[0], ("auth", [{"token": TOKEN}]))

    def test_no_token_no_auth(self):
        fake, r = self.serve({"ping": PING_OK}, "ping")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(fake.methods(), ["ping"])
        fake, r = self.serve({"ping": PING_OK}, "ping",
                             env={"MATCHCTL_TOKEN": ""})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(fake.methods(), ["ping"])

    def test_refused_auth_stops_before_the_command(self):
        refused = ({"code": "unauthenticated", "message": "unknown token"},
                   None)
        fake, r = self.serve({"auth": refused, "ping": PING_OK},
                             "--token", TOKEN, "ping")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(fake.methods(), ["auth"])
        self.assertIn("auth: unauthenticated: unknown token", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_pipelined_put_authenticates_first(self):
        tmp = harness.mkdtemp("matchctl-users-")
        path = os.path.join(tmp, "cands.json")
        with open(path, "w") as f:
            json.dump([candidate("c-1"), candidate("c-2")], f)
        fake, r = self.serve({"auth": AUTH_OK}, "--token", TOKEN,
                             "candidate", "put", path)
        self.assertEqual(fake.methods()[0], "auth")
        self.assertEqual(fake.methods()[1:], ["candidate.put"] * 2)

    def test_bad_tokens_are_usage_errors(self):
        r = run("--token", "", "ping")
        self.assertEqual(r.returncode, 64)
        r = run("ping", "--token", TOKEN)
        self.assertEqual(r.returncode, 64)


# A matcherd without auth answers unknown_method; one with it refuses a
# token that is in no users file.
REFUSED_AUTH = r"auth: (unknown_method|unauthenticated): "


class AgainstMatcherd(harness.MatcherdTestCase):
    """With a token the daemon does not know, matchctl stops at auth;
    without one, nothing changes for the public ping."""

    def test_token_makes_auth_fail_on_this_daemon(self):
        r = run("-s", self.d.addr, "--token", TOKEN, "ping")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, REFUSED_AUTH)
        self.assertEqual(r.stdout, "")
        self.assertNotIn(TOKEN, r.stderr)
        r = run("-s", self.d.addr, "ping", env={"MATCHCTL_TOKEN": TOKEN})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, REFUSED_AUTH)
        self.assertNotIn(TOKEN, r.stderr)

    def test_no_record_is_sent_after_a_refused_auth(self):
        path = os.path.join(self.tmp, "cand.json")
        with open(path, "w") as f:
            json.dump(candidate("c-auth"), f)
        r = run("-s", self.d.addr, "--token", TOKEN, "candidate", "put",
                path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, REFUSED_AUTH)
        self.assertRpcError("not_found", ..., "candidate.get",
                            {"id": "c-auth"})

    def test_without_a_token_nothing_changes(self):
        r = run("-s", self.d.addr, "ping", env={"MATCHCTL_TOKEN": ""})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("pong", r.stdout)


if __name__ == "__main__":
    harness.main()
