#!/usr/bin/python3
"""offer.list, candidate.referrals and the referral figures of stats
(proto/PROTOCOL.md): what the advisers' page reads."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402


class Lists(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-1"), candidate("c-2")])

    def test_offer_list_newest_first_by_sector_and_status(self):
        self.put_offer(offer("o-old"))
        self.put_offer(offer("o-hotel", rome="G1602",
                             title="Commis de cuisine (H/F)"))
        # created_at has a one-second resolution: make the order certain.
        self.redis.cli("HSET", "matcherd:{batiment}:offer:o-old",
                       "created_at", "1")
        self.d.stop()
        self.d = self.start_matcherd()
        self.c = self.client()
        self.put_offer(offer("o-new"))
        got = self.c.call("offer.list", {"sector": "batiment"})
        ids = [o["id"] for o in got["offers"]]
        self.assertEqual(ids, ["o-new", "o-old"])
        first = got["offers"][0]
        self.assertEqual(first["sector"], "batiment")
        self.assertEqual(first["status"], "open")
        self.assertEqual(first["referrals"]["suggested"], 2)
        self.c.call("offer.close", {"id": "o-old", "reason": "pourvue"})
        self.assertEqual(
            [o["id"] for o in self.c.call("offer.list",
                                          {"sector": "batiment"})["offers"]],
            ["o-new"])
        closed = self.c.call("offer.list", {"sector": "batiment",
                                            "status": "closed"})["offers"]
        self.assertEqual([o["id"] for o in closed], ["o-old"])
        every = self.c.call("offer.list", {"status": "all"})["offers"]
        self.assertEqual(sorted(o["id"] for o in every),
                         ["o-hotel", "o-new", "o-old"])
        self.assertEqual(len(self.c.call("offer.list", {"status": "all",
                                                         "count": 1})
                             ["offers"]), 1)

    def test_offer_list_rejects_bad_parameters(self):
        self.assertRpcError("invalid_argument", "sector", "offer.list",
                            {"sector": "agriculture"})
        self.assertRpcError("invalid_argument", "status", "offer.list",
                            {"status": "pending"})
        self.assertRpcError("invalid_argument", "count", "offer.list",
                            {"count": 501})

    def test_candidate_referrals_newest_first(self):
        self.put_offer(offer("o-1"))
        self.put_offer(offer("o-2"))
        self.c.call("referral.update", {"offer": "o-1", "candidate": "c-1",
                                        "status": "validated"})
        got = self.c.call("candidate.referrals", {"id": "c-1"})
        self.assertEqual(got["candidate"], "c-1")
        by_offer = {r["offer"]: r for r in got["referrals"]}
        self.assertEqual(set(by_offer), {"o-1", "o-2"})
        self.assertEqual(by_offer["o-1"]["status"], "validated")
        self.assertTrue(by_offer["o-1"]["open"])
        self.assertEqual(by_offer["o-2"]["status"], "suggested")
        self.assertFalse(by_offer["o-2"]["open"])
        self.assertEqual(by_offer["o-1"]["sector"], "batiment")
        self.assertEqual(by_offer["o-1"]["offer_status"], "open")
        self.assertRpcError("not_found", "id", "candidate.referrals",
                            {"id": "nobody"})

    def test_stats_referrals_by_sector_and_conversion(self):
        self.put_offer(offer("o-1"))
        for status in ("validated", "sent", "interview", "hired"):
            self.c.call("referral.update", {"offer": "o-1",
                                            "candidate": "c-1",
                                            "status": status})
        self.c.call("referral.update", {"offer": "o-1", "candidate": "c-2",
                                        "status": "validated"})
        st = self.c.call("stats")
        bat = st["referrals_by_sector"]["batiment"]
        self.assertEqual(bat["hired"], 1)
        self.assertEqual(bat["validated"], 1)
        self.assertEqual(st["referrals_by_sector"]["hotellerie"]["hired"], 0)
        self.assertAlmostEqual(st["conversion"], 0.5)


if __name__ == "__main__":
    harness.main()
