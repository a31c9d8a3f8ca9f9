#!/usr/bin/python3
"""digest (proto/PROTOCOL.md): an adviser's day in their sectors, the new
offers, the referrals waiting for the employer's answer (oldest first,
with their days), the hires, and the clause operations behind their
commitment; by RPC and HTTP, cut down to the user's sectors."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (RpcClient, RpcError, candidate, offer,  # noqa: E402
                     token_of, ref_key)

DAY = 86400


class Digest(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-%d" % i) for i in range(1, 6)] + [
            candidate("c-cook", sectors=["hotellerie"],
                      jobs=[{"rome": "G1602", "months": 12}]),
        ])
        self.put_offer(offer("o-old", employer="A"))
        self.put_offer(offer("o-new", employer="B", positions=3))
        self.put_offer(offer("o-cook", employer="C", rome="G1602",
                             title="Commis de cuisine"))
        self.move("o-new", "c-1", "validated", "sent")
        self.move("o-new", "c-2", "validated", "sent", "interview")
        self.move("o-new", "c-3", "validated", "sent", "interview", "hired")
        self.move("o-old", "c-4", "validated", "sent")
        self.move("o-cook", "c-cook", "validated", "sent")

    def move(self, offer_id, cid, *statuses):
        for st in statuses:
            self.c.call("referral.update", {"offer": offer_id,
                                            "candidate": cid, "status": st})

    def age(self, sector, offer_id, cid, status, days):
        """Date a referral's last move (and the offer) days back, as the
        daemon will read it at its next start."""
        t = int(time.time()) - days * DAY
        self.redis.command("HSET", ref_key(sector, offer_id), cid,
                           "%s:%d" % (status, t))
        self.redis.command("ZADD", "%s:{%s}:offers" % (harness.PREFIX,
                                                       sector),
                           str(t), offer_id)
        self.redis.command("HSET", harness.offer_key(sector, offer_id),
                           "created_at", str(t))

    def test_lists_and_totals(self):
        self.age("batiment", "o-old", "c-4", "sent", 20)
        self.d.stop()
        self.d = self.start_matcherd()
        self.c = self.client()
        a = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(a)
        r = a.call("digest")
        self.assertEqual(r["sectors"], ["batiment"])
        self.assertEqual(r["at"] - r["since"], DAY)
        self.assertEqual(r["new_offers"]["total"], 1)
        self.assertEqual([o["id"] for o in r["new_offers"]["offers"]],
                         ["o-new"])
        self.assertEqual(r["new_offers"]["offers"][0]["suggested"], 2)
        waiting = r["waiting"]["referrals"]
        self.assertEqual(r["waiting"]["total"], 3)
        self.assertEqual([(w["offer"], w["candidate"], w["status"])
                          for w in waiting],
                         [("o-old", "c-4", "sent"),
                          ("o-new", "c-1", "sent"),
                          ("o-new", "c-2", "interview")])
        self.assertEqual(waiting[0]["sector"], "batiment")
        self.assertEqual(waiting[0]["days"], 20)
        self.assertFalse(waiting[0]["stale"])
        self.assertEqual(waiting[1]["days"], 0)
        self.assertEqual(r["hires"]["total"], 1)
        self.assertEqual(r["hires"]["referrals"][0]["candidate"], "c-3")
        self.assertEqual(r["clause_behind"], {"total": 0, "operations": []})
        # A longer look back finds the older offer too; count cuts lists.
        r = a.call("digest", {"hours": 24 * 30, "count": 1})
        self.assertEqual(r["new_offers"]["total"], 2)
        self.assertEqual(len(r["new_offers"]["offers"]), 1)
        self.assertEqual(r["waiting"]["total"], 3)
        self.assertEqual(len(r["waiting"]["referrals"]), 1)

    def test_stale_after_stale_days(self):
        self.age("batiment", "o-old", "c-4", "sent", 31)
        self.d.stop()
        self.d = self.start_matcherd()
        self.c = self.client()
        w = self.c.call("digest", {"sectors": ["batiment"]})["waiting"]
        self.assertEqual([(r["candidate"], r["days"], r["stale"])
                          for r in w["referrals"]],
                         [("c-4", 31, True), ("c-1", 0, False),
                          ("c-2", 0, False)])

    def test_sectors_http_and_errors(self):
        r = self.c.call("digest", {"sectors": ["hotellerie"]})
        self.assertEqual([w["candidate"] for w in r["waiting"]["referrals"]],
                         ["c-cook"])
        h = harness.http_request(self.d.http_addr, "GET",
                                 "/api/digest?sectors=batiment&hours=48",
                                 token=token_of("adv-batiment"))
        self.assertEqual(h.status, 200, h)
        self.assertEqual(h.json["hires"]["total"], 1)
        h = harness.http_request(self.d.http_addr, "GET",
                                 "/api/digest?sectors=hotellerie",
                                 token=token_of("adv-batiment"))
        self.assertEqual(h.status, 403, h)
        for bad in ({"hours": 0}, {"hours": 745}, {"count": 0},
                    {"sectors": ["nowhere"]}):
            with self.assertRaises(RpcError) as e:
                self.c.call("digest", bad)
            self.assertEqual(e.exception.code, "invalid_argument", bad)
        out = harness.matchctl(self.d.addr, "digest", "--sector",
                               "batiment", "--count", "1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("new offers: 2 (first 1)", out.stdout)
        self.assertIn("waiting for an answer: 3 (first 1)", out.stdout)
        self.assertIn("hires: 1\n  c-3 on o-new", out.stdout)
        with self.assertRaises(RpcError) as e:
            RpcClient(self.d.addr, token=token_of("partner")).call("digest")
        self.assertEqual(e.exception.code, "forbidden")


if __name__ == "__main__":
    harness.main()
