#!/usr/bin/python3
"""What `unavailable` promises (docs/REDIS.md, "What unavailable means"):
a write answered `unavailable` never lands, even when Redis only stalls
(SIGSTOP) and runs everything it was sent once it is back; retrying is
then legal; and commands waiting for Redis are bounded, so a flood against
a stalled Redis is refused at once instead of growing the daemon."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcError, candidate, offer  # noqa: E402

TIMEOUT_MS = 500
MAX_PENDING = 200


class UnavailableMeansNothingChanged(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("redis", "timeout_ms", str(TIMEOUT_MS)),
                       ("redis", "reconnect_max_ms", "1000"),
                       ("redis", "max_pending", str(MAX_PENDING)))

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("u-%d" % i) for i in range(5)])
        self.put_offer(offer("o-1"))

    def dump(self):
        """Every key of Redis with its whole value, as bytes."""
        out = {}
        for key in self.redis.keys("*"):
            kind = self.redis.cli("TYPE", key).strip()
            if kind == "hash":
                out[key] = self.redis.cli_bytes("HGETALL", key)
            elif kind == "list":
                out[key] = self.redis.cli_bytes("LRANGE", key, "0", "-1")
            elif kind == "stream":
                out[key] = self.redis.cli_bytes("XRANGE", key, "-", "+")
            else:
                out[key] = self.redis.cli_bytes("DUMP", key)
        return out

    def send_all(self, client, calls):
        return [client.request(m, p) for m, p in calls]

    def answers(self, client, ids, timeout):
        out = []
        for msgid in ids:
            resp = client.response(msgid, timeout=timeout)
            try:
                out.append(("ok", client.result_of(resp)))
            except RpcError as e:
                out.append((e.code, e.message))
        return out

    def wait_writable(self):
        def ok():
            try:
                self.c.call("ping")
                return self.c.call("stats")["redis"]["waiting"] == 0
            except RpcError:
                return False
        harness.wait_until(ok, 20, interval=0.1,
                           what="matcherd to drain its Redis commands")

    def test_writes_answered_unavailable_never_land(self):
        before = self.dump()
        calls = [("candidate.put", candidate("new-%d" % i))
                 for i in range(20)]
        calls += [("candidate.put", dict(candidate("u-1"),
                                         first_name="Changé"))]
        calls += [("offer.put", offer("o-%d" % i)) for i in range(2, 6)]
        calls += [("referral.update", {"offer": "o-1", "candidate": "u-0",
                                       "status": "validated"}),
                  ("offer.close", {"id": "o-1", "reason": "pourvue"})]
        self.redis.pause()
        try:
            t0 = time.monotonic()
            ids = self.send_all(self.c, calls)
            got = self.answers(self.c, ids, timeout=TIMEOUT_MS / 1000 + 10)
            elapsed = time.monotonic() - t0
            # Redis runs all of it once it is back, well past the deadline.
            time.sleep(max(0, 2.0 - elapsed))
        finally:
            self.redis.resume()
        for (method, _), (code, what) in zip(calls, got):
            self.assertEqual(code, "unavailable", "%s: %r" % (method, what))
        self.assertLess(elapsed, TIMEOUT_MS / 1000 + 3)
        self.wait_writable()
        after = self.dump()
        # The audit trail notes requests as they come, answered or not.
        audit = harness.PREFIX + ":audit"
        self.assertTrue(after.pop(audit, b"").startswith(
            before.pop(audit, b"")))
        self.assertEqual(after, before,
                         "a write answered unavailable landed in Redis")
        stats = self.c.call("stats")["redis"]
        self.assertEqual(stats["late_writes"], 0)
        self.assertGreaterEqual(stats["timed_out"], len(calls))
        # The daemon's memory agrees with Redis, and a retry is legal.
        with self.assertRaises(RpcError) as cm:
            self.c.call("candidate.get", {"id": "new-0"})
        self.assertEqual(cm.exception.code, "not_found")
        self.assertNotEqual(
            self.c.call("candidate.get", {"id": "u-1"}).get("first_name"),
            "Changé")
        self.c.call("referral.update", {"offer": "o-1", "candidate": "u-0",
                                        "status": "validated"})
        self.assertEqual(self.c.call("candidate.put",
                                     candidate("new-0"))["created"], True)
        self.assertEqual(
            self.c.call("offer.put", offer("o-2"))["offer"]["id"], "o-2")
        self.c.call("offer.close", {"id": "o-1", "reason": "pourvue"})

    def test_a_flood_against_a_stalled_redis_is_refused_at_once(self):
        n = 3000
        rss_before = self.d.rss_kb()
        self.redis.pause()
        try:
            t0 = time.monotonic()
            ids = self.send_all(self.c, [("candidate.put",
                                          candidate("f-%d" % i))
                                         for i in range(n)])
            got = self.answers(self.c, ids, timeout=TIMEOUT_MS / 1000 + 30)
            elapsed = time.monotonic() - t0
            rss_during = self.d.rss_kb()
            time.sleep(max(0, 1.5 - elapsed))
        finally:
            self.redis.resume()
        codes = [code for code, _ in got]
        self.assertEqual(codes.count("unavailable"), n, set(codes))
        refused = [what for code, what in got if "BACKLOG" in what]
        self.assertGreaterEqual(len(refused), n - MAX_PENDING,
                                "the backlog was not bounded")
        self.assertLess(rss_during - rss_before, 100 * 1024)
        self.wait_writable()
        stats = self.c.call("stats")["redis"]
        self.assertEqual(stats["late_writes"], 0)
        self.assertGreaterEqual(stats["refused"], n - MAX_PENDING)
        for i in (0, 1, MAX_PENDING - 1, n - 1):
            self.assertFalse(self.redis.hexists(harness.cand_key("f-%d" % i),
                                                "f-%d" % i))
        self.assertEqual(self.c.call("candidate.put",
                                     candidate("f-0"))["created"], True)


if __name__ == "__main__":
    harness.main()
