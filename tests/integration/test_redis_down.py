#!/usr/bin/python3
"""Redis going away under a running matcherd (proto/PROTOCOL.md, Errors:
unavailable): writes fail fast with `unavailable` instead of hanging,
nothing is changed, the daemon keeps running and reconnects by itself."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcError, candidate, offer  # noqa: E402

TIMEOUT_MS = 1000
RECONNECT_MAX_MS = 1000
MARGIN_S = 2.5  # scheduling, sanitizer build, a busy CI machine


class RedisDown(harness.MatcherdTestCase):
    REDIS_PERSIST = True  # redis comes back with its data
    CONFIG_SETTINGS = (("redis", "timeout_ms", str(TIMEOUT_MS)),
                       ("redis", "reconnect_max_ms", str(RECONNECT_MAX_MS)))

    def timed_call(self, method, params):
        t0 = time.monotonic()
        try:
            result = self.c.call(method, params,
                                 timeout=TIMEOUT_MS / 1000 + 30)
            err = None
        except RpcError as e:
            result, err = None, e
        return result, err, time.monotonic() - t0

    def assertUnavailableInTime(self, method, params):
        result, err, elapsed = self.timed_call(method, params)
        self.assertIsNotNone(err, "%s succeeded with Redis down: %r" % (
            method, result))
        self.assertEqual(err.code, "unavailable", str(err))
        self.assertLess(elapsed, TIMEOUT_MS / 1000 + MARGIN_S,
                        "%s took %.1fs to fail" % (method, elapsed))
        return err

    def wait_for_writes(self, what):
        def put_ok():
            try:
                self.c.call("candidate.put", candidate("probe"))
                return True
            except RpcError as e:
                if e.code != "unavailable":
                    raise
                return False
        harness.wait_until(put_ok, RECONNECT_MAX_MS / 1000 + 15,
                           interval=0.2, what=what)

    def test_redis_out_of_memory_is_unavailable_and_writes_nothing(self):
        """maxmemory with noeviction: Redis refuses writes with OOM (and a
        transaction with EXECABORT); each is `unavailable`, not
        `internal`, and nothing was written."""
        self.put_candidates([candidate("m-1")])
        self.put_offer(offer("o-1"))
        keys_before = sorted(self.redis.keys("*"))
        self.redis.cli("CONFIG", "SET", "maxmemory-policy", "noeviction")
        self.redis.cli("CONFIG", "SET", "maxmemory", "100000")
        try:
            for method, params in (
                    ("candidate.put", candidate("m-2")),
                    ("candidate.put", dict(candidate("m-3"),
                                           first_name="Aline")),
                    ("offer.put", offer("o-2")),
                    ("referral.update", {"offer": "o-1", "candidate": "m-1",
                                         "status": "validated"})):
                err = self.assertUnavailableInTime(method, params)
                self.assertIn("nothing was written", err.message)
            self.assertEqual(sorted(self.redis.keys("*")), keys_before)
            self.assertFalse(self.redis.hexists(harness.cand_key("m-2"),
                                                "m-2"))
        finally:
            self.redis.cli("CONFIG", "SET", "maxmemory", "0")
        # Then it all works again, and the move that was refused is legal.
        self.c.call("referral.update", {"offer": "o-1", "candidate": "m-1",
                                        "status": "validated"})
        self.assertEqual(self.c.call("candidate.put",
                                     candidate("m-2"))["created"], True)

    def test_redis_killed_then_restarted(self):
        self.put_candidates([candidate("d-1"), candidate("d-2")])
        self.put_offer(offer("o-1"))
        self.redis.kill()
        self.assertUnavailableInTime("candidate.put", candidate("d-new"))
        self.assertUnavailableInTime("offer.put", offer("o-new"))
        self.assertUnavailableInTime("referral.update",
                                     {"offer": "o-1", "candidate": "d-1",
                                      "status": "validated"})
        self.assertTrue(self.d.alive(), "matcherd died with Redis")
        self.assertIs(self.c.call("ping")["pong"], True)
        stats = self.c.call("stats")
        self.assertIs(stats["redis"]["connected"], False)
        self.assertGreaterEqual(stats["errors"].get("unavailable", 0), 3)
        # Redis back on the same port, with its data.
        self.redis.start()
        self.wait_for_writes("matcherd to reconnect to Redis")
        self.assertIs(self.c.call("stats")["redis"]["connected"], True)
        r = self.c.call("candidate.put", candidate("d-new"))
        self.assertEqual(r, {"id": "d-new", "created": True},
                         "the refused put had changed something")
        self.assertTrue(self.redis.hexists(harness.cand_key("d-new"), "d-new"))
        # The refused referral move did not happen.
        refs = {r["candidate"]: r["status"] for r in
                self.c.call("offer.get", {"id": "o-1"})["referrals"]}
        self.assertEqual(refs["d-1"], "suggested")
        self.c.call("referral.update", {"offer": "o-1", "candidate": "d-1",
                                        "status": "validated"})
        res = self.c.call("offer.match", {"id": "o-1"})
        self.assertEqual(sorted(self.suggested_ids(res)),
                         ["d-2", "d-new", "probe"])

    def test_redis_not_answering_hits_the_deadline(self):
        self.put_candidates([candidate("s-1")])
        self.redis.pause()  # SIGSTOP: the socket stays open, no replies
        try:
            self.assertUnavailableInTime("candidate.put", candidate("s-2"))
            self.assertTrue(self.d.alive())
            self.assertIs(self.c.call("ping")["pong"], True)
        finally:
            self.redis.resume()
        self.wait_for_writes("writes to work again after SIGCONT")
        self.assertEqual(self.c.call("candidate.get", {"id": "s-1"})["id"],
                         "s-1")

    def test_sigterm_while_redis_is_down(self):
        self.redis.kill()
        self.assertUnavailableInTime("candidate.put", candidate("t-1"))
        self.assertEqual(self.d.stop(signal.SIGTERM, timeout=10), 0)


if __name__ == "__main__":
    harness.main()
