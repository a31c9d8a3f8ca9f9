#!/usr/bin/python3
"""candidate.match, the reverse match (proto/PROTOCOL.md; docs/SCORING.md,
"Offers for one person"): the open offers one person fits, scored by the
same code as each offer's own match, with per-filter exclusion counts;
by RPC, HTTP and matchctl, for the advisers of the person's sectors."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcClient, RpcError, candidate, offer, token_of  # noqa


class ReverseMatch(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("c-1", commune="59183"),
            candidate("c-2", commune="59271"),
            candidate("c-far", commune="59350"),
        ])
        self.offers = {
            "o-near": offer("o-near", employer="A", commune="59183"),
            "o-mid": offer("o-mid", employer="B", commune="59271"),
            "o-other": offer("o-other", employer="C", rome="G1602",
                             title="Commis de cuisine"),
            "o-closed": offer("o-closed", employer="D"),
            "o-referred": offer("o-referred", employer="E"),
        }
        for rec in self.offers.values():
            self.put_offer(rec)
        self.c.call("offer.close", {"id": "o-closed", "reason": "pourvue"})
        self.c.call("referral.update", {"offer": "o-referred",
                                        "candidate": "c-1",
                                        "status": "validated"})

    def test_the_same_scores_as_each_offers_match(self):
        r = self.c.call("candidate.match", {"id": "c-1"})
        self.assertEqual(r["candidate"], "c-1")
        ids = [h["offer"]["id"] for h in r["offers"]]
        self.assertIn("o-near", ids)
        self.assertNotIn("o-closed", ids)
        self.assertNotIn("o-referred", ids)
        self.assertNotIn("o-other", ids)  # another sector: not considered
        self.assertEqual(r["excluded"]["already_referred"], 1)
        self.assertEqual(r["considered"],
                         r["eligible"] + sum(r["excluded"].values()))
        scores = [h["score"] for h in r["offers"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual([h["rank"] for h in r["offers"]],
                         list(range(1, len(ids) + 1)))
        for h in r["offers"]:
            m = self.c.call("offer.match", {"id": h["offer"]["id"]})
            mine = [s for s in m["suggestions"] if s["candidate"] == "c-1"]
            self.assertEqual(len(mine), 1, h["offer"]["id"])
            for key in ("score", "distance_km", "components", "reasons",
                        "fit"):
                self.assertEqual(h[key], mine[0][key],
                                 "%s of %s" % (key, h["offer"]["id"]))

    def test_limit_http_and_matchctl(self):
        r = self.c.call("candidate.match", {"id": "c-1", "limit": 1})
        self.assertEqual(len(r["offers"]), 1)
        h = harness.http_request(self.d.http_addr, "GET",
                                 "/api/candidates/c-1/offers?limit=2",
                                 token=harness.ADMIN_TOKEN)
        self.assertEqual(h.status, 200, h)
        self.assertEqual(len(h.json["offers"]), 2)
        self.assertEqual(h.json["offers"][0]["offer"]["id"],
                         r["offers"][0]["offer"]["id"])
        out = harness.matchctl(self.d.addr, "candidate", "match", "c-1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("offers for candidate c-1", out.stdout)
        self.assertIn("o-near", out.stdout)
        self.assertIn("already_referred 1", out.stdout)

    def test_who_may_ask(self):
        with self.assertRaises(RpcError) as cm:
            self.c.call("candidate.match", {"id": "nobody"})
        self.assertEqual(cm.exception.code, "not_found")
        other = RpcClient(self.d.addr, token=token_of("adv-industrie"))
        self.clients.append(other)
        with self.assertRaises(RpcError) as cm:
            other.call("candidate.match", {"id": "c-1"})
        self.assertEqual(cm.exception.code, "forbidden")
        adv = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(adv)
        self.assertEqual(adv.call("candidate.match", {"id": "c-1"})
                         ["candidate"], "c-1")
        with self.assertRaises(RpcError) as cm:
            self.c.call("candidate.match", {"id": "c-1", "limit": 0})
        self.assertEqual(cm.exception.code, "invalid_argument")


if __name__ == "__main__":
    harness.main()
