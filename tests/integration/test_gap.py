#!/usr/bin/python3
"""offer.near_miss and offer.diagnose (docs/SCORING.md, "Near misses and
diagnosis"), through the daemon: a planted pool where exactly 4 people
lack only CACES R489 cat. 3, 1 is available 20 days after the start (6
beyond the 14-day slack), and 2 lack the CACES and live too far; by RPC
and HTTP, for their roles."""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcClient, RpcError, candidate, offer, token_of  # noqa

START = harness.today() + datetime.timedelta(days=20)


class Gap(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        cands = [candidate("ok-%d" % i, skills=["caces-r489-3", "sst"])
                 for i in range(3)]
        cands += [candidate("miss-%d" % i) for i in range(4)]
        cands += [candidate("far-%d" % i, commune="59350", radius_km=5)
                  for i in range(2)]
        cands += [candidate("late", skills=["caces-r489-3"],
                            available_from=harness.iso(
                                START + datetime.timedelta(days=20)))]
        self.put_candidates(cands)
        self.put_offer(offer("o-caces", skills_required=["caces-r489-3"],
                             start=harness.iso(START)))

    def test_near_miss_groups_the_planted_people(self):
        r = self.c.call("offer.near_miss", {"id": "o-caces"})
        self.assertEqual(r["offer"], "o-caces")
        self.assertEqual(r["eligible"], 3)
        groups = {(g["gap"], g.get("skill")): g for g in r["groups"]}
        caces = groups[("skill", "caces-r489-3")]
        self.assertEqual(caces["count"], 4)
        self.assertEqual(caces["text"], "manque : CACES R489 cat. 3")
        self.assertEqual(sorted(p["candidate"] for p in caces["candidates"]),
                         ["miss-%d" % i for i in range(4)])
        late = groups[("availability", None)]
        self.assertEqual([p["candidate"] for p in late["candidates"]],
                         ["late"])
        for g in r["groups"]:
            scores = [p["score"] for p in g["candidates"]]
            self.assertEqual(scores, sorted(scores, reverse=True))
            for p in g["candidates"]:
                self.assertFalse(p["candidate"].startswith("far-"))
        # Without the availability slack, "late" is no near miss.
        r = self.c.call("offer.near_miss", {"id": "o-caces",
                                            "avail_days": 0, "limit": 2})
        groups = {(g["gap"], g.get("skill")): g for g in r["groups"]}
        self.assertNotIn(("availability", None), groups)
        self.assertEqual(groups[("skill", "caces-r489-3")]["count"], 4)
        self.assertEqual(len(groups[("skill", "caces-r489-3")]
                             ["candidates"]), 2)

    def test_diagnosis_counts_each_requirement_alone(self):
        r = self.c.call("offer.diagnose", {"id": "o-caces"})
        self.assertEqual(r["eligible"], 3)
        reqs = {(q["requirement"], q.get("skill")): q
                for q in r["requirements"]}
        caces = reqs[("skill", "caces-r489-3")]
        self.assertEqual(caces["alone"], 4)
        self.assertIn("+4 candidats", caces["text"])
        self.assertEqual(reqs[("availability", None)]["alone"], 1)
        total = r["eligible"] + r["other"] + sum(
            q["alone"] for q in r["requirements"])
        self.assertEqual(total, r["considered"])
        h = harness.http_request(self.d.http_addr, "GET",
                                 "/api/offers/o-caces/diagnosis",
                                 token=harness.ADMIN_TOKEN)
        self.assertEqual(h.status, 200, h)
        self.assertEqual(h.json["eligible"], 3)
        h = harness.http_request(self.d.http_addr, "GET",
                                 "/api/offers/o-caces/near-miss?limit=1",
                                 token=harness.ADMIN_TOKEN)
        self.assertEqual(h.status, 200, h)
        self.assertTrue(all(len(g["candidates"]) <= 1
                            for g in h.json["groups"]))

    def test_who_may_ask(self):
        pro = RpcClient(self.d.addr, token=token_of("prospect"))
        self.clients.append(pro)
        self.assertEqual(pro.call("offer.diagnose", {"id": "o-caces"})
                         ["eligible"], 3)
        with self.assertRaises(RpcError) as cm:
            pro.call("offer.near_miss", {"id": "o-caces"})
        self.assertEqual(cm.exception.code, "forbidden")
        with self.assertRaises(RpcError) as cm:
            self.c.call("offer.near_miss", {"id": "o-caces",
                                            "extra_km": 500})
        self.assertEqual(cm.exception.code, "invalid_argument")
        with self.assertRaises(RpcError) as cm:
            self.c.call("offer.diagnose", {"id": "nothing"})
        self.assertEqual(cm.exception.code, "not_found")


if __name__ == "__main__":
    harness.main()
