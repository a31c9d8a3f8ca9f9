#!/usr/bin/python3
"""Redis is the source of truth (docs/REDIS.md): a matcherd stopped with
SIGTERM, or killed with SIGKILL, and started again on the same Redis gives
back every candidate, offer and referral."""

import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer, normalize_excluded  # noqa: E402

# stats keys that describe the data, not the process.
DATA_STATS = ("candidates", "candidates_by_sector", "candidates_by_status",
              "offers", "referrals")


class Restart(harness.MatcherdTestCase):

    def load(self):
        rnd = random.Random(7)
        cands = []
        for i in range(120):
            sector = rnd.choice(["batiment", "batiment", "industrie",
                                 "hotellerie"])
            rome = {"batiment": "F1701", "industrie": "H2913",
                    "hotellerie": "G1602"}[sector]
            cands.append(candidate(
                "r-%03d" % i, sectors=[sector],
                jobs=[{"rome": rome, "months": rnd.randrange(0, 60)}],
                level=rnd.randrange(0, 6),
                status=rnd.choice(["available"] * 5 + ["placed", "paused"]),
                commune=rnd.choice(["59183", "59271", "59155", "59273"]),
                criteria=rnd.sample(["deld", "rsa", "qpv"], rnd.randrange(2)),
                skills=rnd.sample(["sst", "oppbtp", "haccp"],
                                  rnd.randrange(3))))
        self.put_candidates(cands)
        self.c.call("candidate.delete", {"id": "r-000"})
        self.put_offer(offer("o-bat"))
        self.put_offer(offer("o-hot", rome="G1602", title="Commis de cuisine"))
        self.put_offer(offer("o-closed"))
        self.c.call("offer.close", {"id": "o-closed", "reason": "pourvue"})
        res = self.c.call("offer.get", {"id": "o-bat"})["result"]
        first, second = self.suggested_ids(res)[:2]
        self.c.call("referral.update", {"offer": "o-bat", "candidate": first,
                                        "status": "validated"})
        for st in ("validated", "sent", "interview"):
            self.c.call("referral.update", {"offer": "o-bat",
                                            "candidate": second,
                                            "status": st})
        self.referred = (first, second)
        return [c["id"] for c in cands[1:]]

    def snapshot(self, client, ids):
        snap = {"cands": {}, "offers": {}}
        for cid in ids:
            snap["cands"][cid] = client.call("candidate.get", {"id": cid})
        for oid in ("o-bat", "o-hot", "o-closed"):
            got = client.call("offer.get", {"id": oid})
            got["referrals"] = sorted(got["referrals"],
                                      key=lambda r: r["candidate"])
            snap["offers"][oid] = got
        stats = client.call("stats")
        snap["stats"] = {k: stats[k] for k in DATA_STATS}
        return snap

    def list_ids(self, client):
        ids, cursor = [], None
        while True:
            params = {"count": 37}
            if cursor is not None:
                params["cursor"] = cursor
            r = client.call("candidate.list", params)
            ids += [c["id"] for c in r["candidates"]]
            cursor = r["cursor"]
            if cursor is None:
                return sorted(ids)

    def restart_and_compare(self, sig):
        ids = self.load()
        before = self.snapshot(self.c, ids)
        listed = self.list_ids(self.c)
        self.assertEqual(listed, sorted(ids))
        t0 = time.monotonic()
        status = self.d.stop(sig, timeout=10)
        elapsed = time.monotonic() - t0
        if sig == signal.SIGTERM:
            self.assertEqual(status, 0, "matcherd did not exit 0 on SIGTERM")
            self.assertLess(elapsed, 5, "SIGTERM took %.1fs" % elapsed)
        d2 = self.start_matcherd()
        c2 = self.client(d2)
        after = self.snapshot(c2, ids)
        self.assertEqual(after["stats"], before["stats"])
        self.assertEqual(after["cands"], before["cands"])
        self.assertEqual(after["offers"], before["offers"])
        self.assertEqual(self.list_ids(c2), listed)
        self.assertRpcError("not_found", "id", "candidate.get",
                            {"id": "r-000"}, client=c2)
        # The rebuilt index knows the referrals: the referred candidates
        # are not suggested again, and their open referrals still count.
        again = c2.call("offer.match", {"id": "o-bat", "limit": 200})
        self.assertEqual(
            normalize_excluded(again["excluded"]).get("already_referred"), 2)
        for cid in self.referred:
            self.assertNotIn(cid, self.suggested_ids(again))
            self.assertEqual(c2.call("candidate.get",
                                     {"id": cid})["open_referrals"], 1)
        self.assertRpcError("invalid_argument", ..., "offer.match",
                            {"id": "o-closed"}, client=c2)
        # And the new daemon keeps working.
        c2.call("candidate.put", candidate("r-new"))
        self.assertEqual(c2.call("candidate.get", {"id": "r-new"})["id"],
                         "r-new")

    def test_sigterm_exits_cleanly_and_restart_loses_nothing(self):
        self.restart_and_compare(signal.SIGTERM)

    def test_sigkill_then_restart_loses_nothing(self):
        self.restart_and_compare(signal.SIGKILL)

    def test_sigterm_with_clients_connected(self):
        others = [self.client() for _ in range(3)]
        sub = self.client()
        sub.call("subscribe", {})
        for o in others:
            o.request("ping")
        status = self.d.stop(signal.SIGTERM, timeout=10)
        self.assertEqual(status, 0)
        for o in others + [sub]:
            self.assertTrue(o.closed_by_peer(timeout=5))

    def test_sigint_exits_cleanly(self):
        self.assertEqual(self.d.stop(signal.SIGINT, timeout=10), 0)


if __name__ == "__main__":
    harness.main()
