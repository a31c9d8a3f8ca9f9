#!/usr/bin/python3
"""The follow-up of referrals (proto/PROTOCOL.md, Referral follow-up): the
"sans réponse" flag after [referrals] stale_days, the daily expiry sweep
(referral.sweep: dry run, real run, counts, a second run, a move made
meanwhile winning), an offer closed "pourvue" by the hires that fill it
and the hired_elsewhere flag, referral.history over RPC and HTTP with the
user of each move, and the erasure of both shapes of history line.

Old dates are written straight into Redis (the referral's value
"status:unix-time"), then the daemon is restarted to load them."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (RpcClient, candidate, offer, ref_key,  # noqa: E402
                     refhist_key, token_of)

DAY = 86400
NOTE = "sans r\u00e9ponse apr\u00e8s 60 jours"


class Followup(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-%d" % i) for i in range(1, 6)])
        self.put_offer(offer("o-1"))

    def move(self, cand, *statuses, offer_id="o-1", note=None, client=None):
        r = None
        for st in statuses:
            params = {"offer": offer_id, "candidate": cand, "status": st}
            if note is not None:
                params["note"] = note
            r = (client or self.c).call("referral.update", params)
        return r

    def age(self, cand, status, days, offer_id="o-1"):
        """The referral as if its last move was days ago."""
        self.redis.command("HSET", ref_key("batiment", offer_id), cand,
                           "%s:%d" % (status, int(time.time()) - days * DAY))

    def restart(self):
        self.c.close()
        self.assertEqual(self.d.stop(), 0)
        self.d = self.start_matcherd()
        self.c = self.client()

    def entries(self, offer_id="o-1"):
        got = self.c.call("offer.get", {"id": offer_id})
        return {r["candidate"]: r for r in got["referrals"]}

    def history_lines(self, offer_id="o-1"):
        return [h.decode() for h in self.redis.command(
            "LRANGE", refhist_key("batiment", offer_id), 0, -1)]

    # ---- stale --------------------------------------------------------

    def test_stale_flags(self):
        self.move("c-2", "validated")
        self.move("c-3", "validated", "sent", "interview")
        self.age("c-1", "suggested", 31)
        self.age("c-2", "validated", 29)
        self.age("c-3", "interview", 90)   # waits for no answer
        self.age("c-4", "sent", 30)
        got = self.entries()
        self.assertEqual((got["c-1"]["stale"], got["c-1"]["days_without_move"]),
                         (True, 31))
        self.assertEqual((got["c-2"]["stale"], got["c-2"]["days_without_move"]),
                         (False, 29))
        self.assertEqual((got["c-3"]["stale"], got["c-3"]["days_without_move"]),
                         (False, 90))
        self.assertTrue(got["c-4"]["stale"])
        self.assertEqual(got["c-5"]["days_without_move"], 0)
        self.assertFalse(got["c-5"]["stale"])
        self.assertIsNone(got["c-1"]["hired_elsewhere"])
        # candidate.referrals reads the table: loaded again from Redis.
        self.restart()
        refs = self.c.call("candidate.referrals", {"id": "c-1"})["referrals"]
        self.assertEqual([(r["offer"], r["stale"], r["days_without_move"])
                          for r in refs], [("o-1", True, 31)])
        body = json.loads(self.http(
            "GET", "/api/candidates/c-2/referrals",
            headers={"Authorization": "Bearer " + harness.ADMIN_TOKEN}).body)
        self.assertEqual(body["referrals"][0]["stale"], False)

    # ---- the sweep ----------------------------------------------------

    def test_sweep(self):
        self.move("c-2", "validated")
        self.move("c-3", "validated", "sent")
        self.move("c-4", "validated", "sent", "interview")
        self.move("c-5", "validated", "sent")
        self.age("c-1", "suggested", 61)
        self.age("c-2", "validated", 60)
        self.age("c-3", "sent", 59)
        self.age("c-4", "interview", 100)
        self.age("c-5", "sent", 70)
        self.restart()
        dry = self.c.call("referral.sweep", {"dry_run": True})
        self.assertEqual(dry["today"], harness.iso(harness.today()))
        self.assertEqual((dry["expire_days"], dry["checked"], dry["due"],
                          dry["withdrawn"], dry["failed"], dry["dry_run"]),
                         (60, 5, 3, 0, 0, True))
        later = self.c.call("referral.sweep", {
            "dry_run": True, "today": harness.days_from_today(1)})
        self.assertEqual(later["due"], 4)
        self.assertEqual(self.entries()["c-1"]["status"], "suggested")
        # c-5 moves under the sweep's feet: the table still says sent.
        self.redis.command("HSET", ref_key("batiment", "o-1"), "c-5",
                           "interview:%d" % int(time.time()))
        done = self.c.call("referral.sweep", {})
        self.assertEqual((done["due"], done["withdrawn"], done["skipped"],
                          done["failed"], done["dry_run"]),
                         (3, 2, 1, 0, False))
        got = self.entries()
        self.assertEqual({c: r["status"] for c, r in got.items()},
                         {"c-1": "withdrawn", "c-2": "withdrawn",
                          "c-3": "sent", "c-4": "interview",
                          "c-5": "interview"})
        self.assertFalse(got["c-1"]["stale"])
        hist = self.c.call("referral.history",
                           {"offer": "o-1", "candidate": "c-2"})["moves"]
        self.assertEqual(hist[-1]["from"], "validated")
        self.assertEqual(hist[-1]["to"], "withdrawn")
        self.assertEqual(hist[-1]["user"], "matcherd")
        self.assertEqual(hist[-1]["note"], NOTE)
        self.assertFalse(any(h.split("|")[1] == "c-5" and "withdrawn" in h
                             for h in self.history_lines()))
        log = self.d.log()
        self.assertIn("referral sweep: offer o-1, candidate c-1: withdrawn "
                      "after 60 days without a move", log)
        self.assertIn("referral sweep: 5 referrals, 3 without a move for 60 "
                      "days, 2 withdrawn, 1 moved meanwhile, 0 failed", log)
        # A second run finds nothing more to withdraw.
        again = self.c.call("referral.sweep", {})
        self.assertEqual((again["withdrawn"], again["failed"]), (0, 0))
        stats = self.c.call("stats")["referral_sweep"]
        self.assertEqual((stats["sweeps"], stats["expired"]), (2, 2))
        metrics = self.http("GET", "/metrics", headers={
            "Authorization": "Bearer " + harness.ADMIN_TOKEN}).body.decode()
        self.assertIn("matcherd_referrals_expired_total 2", metrics)
        self.assertIn("matcherd_referral_sweeps_total 2", metrics)
        # The withdrawn referral is final now.
        self.assertRpcError("conflict", "status", "referral.update",
                            {"offer": "o-1", "candidate": "c-1",
                             "status": "validated"})

    def test_sweep_params_and_roles(self):
        self.assertRpcError("invalid_argument", "today", "referral.sweep",
                            {"today": "2030-02-30"})
        adviser = RpcClient(self.d.addr, token=token_of("adv-all"))
        self.clients.append(adviser)
        self.assertRpcError("forbidden", None, "referral.sweep", {},
                            client=adviser)

    # ---- pourvue ------------------------------------------------------

    def test_hires_filling_the_offer_close_it(self):
        self.put_offer(offer("o-2", positions=2))
        r = self.move("c-1", "validated", "sent", "interview", "hired",
                      offer_id="o-2")
        self.assertFalse(r["offer_closed"])
        got = self.c.call("offer.get", {"id": "o-2"})
        self.assertEqual(got["status"], "open")
        # c-1's referral on o-1 is flagged, not moved.
        one = self.entries("o-1")
        self.assertEqual(one["c-1"]["hired_elsewhere"], "o-2")
        self.assertEqual(one["c-1"]["status"], "suggested")
        self.assertIsNone(one["c-2"]["hired_elsewhere"])
        # Prospection staff see the offer's referrals, not where else.
        pro = harness.RpcClient(self.d.addr, token=harness.token_of(
            "prospect"))
        self.clients.append(pro)
        seen = {r["candidate"]: r for r in pro.call(
            "offer.get", {"id": "o-1"})["referrals"]}
        self.assertIsNone(seen["c-1"]["hired_elsewhere"])
        self.move("c-3", "validated", offer_id="o-2")
        r = self.move("c-2", "validated", "sent", "interview", "hired",
                      offer_id="o-2")
        self.assertTrue(r["offer_closed"])
        got = self.c.call("offer.get", {"id": "o-2"})
        self.assertEqual((got["status"], got["closed_reason"]),
                         ("closed", "pourvue"))
        two = {r["candidate"]: r for r in got["referrals"]}
        # The hires on o-2 itself flag nothing on o-2.
        self.assertIsNone(two["c-3"]["hired_elsewhere"])
        self.assertIsNone(two["c-1"]["hired_elsewhere"])
        refs = {r["offer"]: r for r in self.c.call(
            "candidate.referrals", {"id": "c-2"})["referrals"]}
        self.assertEqual(refs["o-1"]["hired_elsewhere"], "o-2")
        self.assertIsNone(refs["o-2"]["hired_elsewhere"])
        self.assertEqual(refs["o-2"]["offer_status"], "closed")
        self.assertIn("offer o-2: closed, pourvue", self.d.log())
        # Closed in Redis as offer.close would: it stays so after a restart.
        self.restart()
        self.assertEqual(self.c.call("offer.list", {"status": "closed"})
                         ["offers"][0]["id"], "o-2")
        self.assertEqual(self.entries("o-1")["c-2"]["hired_elsewhere"], "o-2")

    def test_one_position_is_filled_by_one_hire(self):
        r = self.move("c-1", "validated", "sent", "interview", "hired")
        self.assertTrue(r["offer_closed"])
        self.assertEqual(self.c.call("offer.get", {"id": "o-1"})
                         ["closed_reason"], "pourvue")

    # ---- history ------------------------------------------------------

    def test_history_with_its_users(self):
        adv = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(adv)
        self.move("c-1", "validated", note="appel fait", client=adv)
        self.move("c-1", "sent")
        # A line written before users were kept.
        self.redis.command("RPUSH", refhist_key("batiment", "o-1"),
                           "1700000000|c-2|suggested|validated|vieille note")
        got = self.c.call("referral.history",
                          {"offer": "o-1", "candidate": "c-1"})
        self.assertEqual((got["offer"], got["candidate"]), ("o-1", "c-1"))
        self.assertEqual([(m["from"], m["to"], m["user"], m["note"])
                          for m in got["moves"]],
                         [("suggested", "validated", "adv-batiment",
                           "appel fait"),
                          ("validated", "sent", "admin", None)])
        self.assertLessEqual(abs(got["moves"][0]["at"] - time.time()), 10)
        old = self.c.call("referral.history",
                          {"offer": "o-1", "candidate": "c-2"})["moves"]
        self.assertEqual(old, [{"at": 1700000000, "from": "suggested",
                                "to": "validated", "user": None,
                                "note": "vieille note"}])
        resp = self.http("GET", "/api/referrals/o-1/c-1/history", headers={
            "Authorization": "Bearer " + token_of("adv-batiment")})
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(json.loads(resp.body), got)
        # The export shows the users too.
        exp = self.c.call("candidate.export", {"id": "c-1"})
        users = [h["user"] for r in exp["referrals"] for h in r["history"]]
        self.assertEqual(users, ["adv-batiment", "admin"])

    def test_history_errors_and_roles(self):
        self.assertRpcError("not_found", "candidate", "referral.history",
                            {"offer": "o-1", "candidate": "c-nobody"})
        self.assertRpcError("not_found", "offer", "referral.history",
                            {"offer": "o-none", "candidate": "c-1"})
        self.assertRpcError("invalid_argument", "candidate",
                            "referral.history", {"offer": "o-1"})
        for who in ("adv-industrie", "prospect"):
            c = RpcClient(self.d.addr, token=token_of(who))
            self.clients.append(c)
            self.assertRpcError("forbidden", ..., "referral.history",
                                {"offer": "o-1", "candidate": "c-1"},
                                client=c)
        resp = self.http("GET", "/api/referrals/o-1/c-nobody/history",
                         headers={"Authorization": "Bearer " +
                                  harness.ADMIN_TOKEN})
        self.assertEqual(resp.status, 404, resp.body)

    # ---- erasure ------------------------------------------------------

    def test_erasure_rewrites_both_line_shapes(self):
        self.move("c-1", "validated", note="Mme Dupont rappelle")
        self.redis.command("RPUSH", refhist_key("batiment", "o-1"),
                           "1700000000|c-1|validated|sent|Dupont absente")
        self.move("c-2", "validated", note="autre personne")
        self.c.call("candidate.erase", {"id": "c-1", "reason": "request"})
        lines = self.history_lines()
        self.assertFalse([h for h in lines if "c-1" in h or "Dupont" in h],
                         lines)
        anon = [h.split("|") for h in lines if h.split("|")[1] != "c-2"]
        self.assertEqual([f[2:] for f in anon],
                         [["suggested", "validated", "admin", ""],
                          ["validated", "sent", ""]])
        self.assertEqual(anon[0][1], anon[1][1])
        # Another person's line keeps its note.
        self.assertIn("autre personne", [h.split("|")[-1] for h in lines])


if __name__ == "__main__":
    harness.main()
