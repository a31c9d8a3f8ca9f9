#!/usr/bin/python3
"""Configuration (config/matcherd.conf): `matcherd -n` checks a file,
errors are reported as file:line: message, SIGHUP reloads only a good
file."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer, MATCHERD, CONFIG  # noqa: E402

BAD_CONFIG = """\
# two errors, on lines 3 and 6
[server]
no_such_key = 1
max_clients = 10
[matching]
default_limit = banana
"""


def run_check(path, timeout=30, extra=()):
    return subprocess.run([MATCHERD, "-n", "-c", path] + list(extra),
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


class ConfigCheck(harness.MatcherdTestCase):
    START_MATCHERD = False

    def test_shipped_config_is_ok(self):
        users = harness.write_users_file(os.path.join(self.tmp, "users"))
        r = run_check(CONFIG, extra=["--users", users])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("configuration OK", r.stdout + r.stderr)

    def test_required_authentication_needs_a_users_file(self):
        r = run_check(CONFIG)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[auth] required = yes needs a users file", r.stderr)

    def test_bad_users_file_is_named_with_its_line(self):
        users = os.path.join(self.tmp, "users")
        with open(users, "w") as f:
            f.write(harness.users_file_text() + "eve boss * " + "0" * 64 +
                    "\n")
        os.chmod(users, 0o600)
        r = run_check(CONFIG, extra=["--users", users])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        line = len(harness.TEST_USERS) + 2
        self.assertIn("%s:%d:" % (users, line), r.stderr)
        self.assertNotIn("0" * 64, r.stderr)

    def test_bad_config_reports_every_error_with_file_and_line(self):
        path = os.path.join(self.tmp, "bad.conf")
        with open(path, "w") as f:
            f.write(BAD_CONFIG)
        r = run_check(path)
        out = r.stdout + r.stderr
        self.assertNotEqual(r.returncode, 0, out)
        self.assertNotIn("configuration OK", out)
        self.assertIn("%s:3: " % path, out)
        self.assertIn("%s:6: " % path, out)
        self.assertIn("no_such_key", out)
        self.assertIn("banana", out)

    def test_missing_file_is_an_error(self):
        r = run_check(os.path.join(self.tmp, "nope.conf"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("nope.conf", r.stdout + r.stderr)

    def test_daemon_refuses_to_start_with_a_bad_config(self):
        path = os.path.join(self.tmp, "bad.conf")
        with open(path, "w") as f:
            f.write(BAD_CONFIG)
        r = subprocess.run([MATCHERD, "-c", path, "--listen",
                            "127.0.0.1:%d" % harness.free_port(),
                            "--redis", self.redis.addr],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("%s:3: " % path, r.stdout + r.stderr)

    def test_values_out_of_range_are_errors(self):
        for section, key, value in [("matching", "default_limit", "0"),
                                    ("matching", "max_limit", "201"),
                                    ("server", "max_message", "12"),
                                    ("redis", "timeout_ms", "-5"),
                                    ("matching", "rome_domain", "maybe")]:
            with self.subTest(key=key, value=value):
                path = harness.write_config(
                    os.path.join(self.tmp, "range.conf"),
                    [(section, key, value)])
                r = run_check(path)
                self.assertNotEqual(r.returncode, 0, "%s = %s accepted" % (
                    key, value))
                self.assertIn("%s:" % path, r.stdout + r.stderr)


class Reload(harness.MatcherdTestCase):
    # Run on a private copy of the config (self.config), which the tests
    # rewrite before sending SIGHUP.
    CONFIG_SETTINGS = (("matching", "default_limit", "20"),)

    def start_with_copy(self):
        self.assertNotEqual(self.config, CONFIG)
        self.conf_path = self.config

    def offer_size(self):
        res = self.c.call("offer.put", offer("o-reload"))
        return len(res["suggestions"])

    def test_sighup_with_a_bad_config_keeps_serving(self):
        self.start_with_copy()
        self.put_candidates([candidate("h-%02d" % i) for i in range(25)])
        with open(self.conf_path, "w") as f:
            f.write(BAD_CONFIG)
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "%s:6:" % self.conf_path in self.d.log(),
                           10, what="the reload errors in the log")
        log = self.d.log()
        self.assertIn("%s:3:" % self.conf_path, log)
        self.assertTrue(self.d.alive())
        self.assertIs(self.c.call("ping")["pong"], True)
        self.assertIs(self.client().call("ping")["pong"], True)
        # The old configuration is still in force.
        self.assertEqual(self.offer_size(), 20)

    def test_sighup_with_a_good_config_takes_effect(self):
        self.start_with_copy()
        self.put_candidates([candidate("h-%02d" % i) for i in range(25)])
        self.assertEqual(self.offer_size(), 20)
        harness.write_config(self.conf_path,
                             [("matching", "default_limit", "7")])
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: self.offer_size() == 7, 10,
                           what="default_limit = 7 to take effect")
        # Explicit limits still work up to max_limit.
        res = self.c.call("offer.put", {"offer": offer("o-reload"),
                                        "limit": 12})
        self.assertEqual(len(res["suggestions"]), 12)
        self.assertTrue(self.d.alive())

    def test_sighup_twice_and_connections_survive(self):
        self.start_with_copy()
        c = self.client()
        sub = self.client()
        sub.call("subscribe", {"sectors": ["batiment"]})
        for _ in range(2):
            self.d.send_signal(signal.SIGHUP)
            time.sleep(0.3)
        self.assertIs(c.call("ping")["pong"], True)
        self.put_candidates([candidate("h-1")])
        self.c.call("offer.put", offer("o-after-hup"))
        method, payload = sub.next_notification(timeout=10)
        self.assertEqual(method, "suggestions")
        self.assertEqual(payload[0]["offer"]["id"], "o-after-hup")


if __name__ == "__main__":
    harness.main()
