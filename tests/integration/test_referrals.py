#!/usr/bin/python3
"""Referrals, mises en relation (proto/PROTOCOL.md, Referrals;
docs/REDIS.md, P:{S}:ref:ID and P:{S}:refhist:ID): the life of a referral,
illegal moves, persistence, already_referred and fairness."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (candidate, offer, normalize_excluded,  # noqa: E402
                     ref_key, refhist_key)


class Referrals(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-1"), candidate("c-2"),
                             candidate("c-3")])
        self.put_offer(offer("o-1"))

    def move(self, cand, status, offer_id="o-1", note=None, client=None):
        params = {"offer": offer_id, "candidate": cand, "status": status}
        if note is not None:
            params["note"] = note
        return (client or self.c).call("referral.update", params)

    def refs(self, offer_id="o-1"):
        got = self.c.call("offer.get", {"id": offer_id})
        return {r["candidate"]: r["status"] for r in got["referrals"]}

    def test_scoring_creates_suggested_referrals(self):
        self.assertEqual(self.refs(), {"c-1": "suggested", "c-2": "suggested",
                                       "c-3": "suggested"})
        value = self.redis.hget(ref_key("batiment", "o-1"), "c-1")
        self.assertIsNotNone(value)
        self.assertTrue(value.startswith("suggested:"), value)

    def test_life_from_suggested_to_hired(self):
        prev = "suggested"
        t0 = int(time.time())
        for status in ("validated", "sent", "interview", "hired"):
            r = self.move("c-1", status, note="étape %s" % status)
            self.assertEqual(r["offer"], "o-1")
            self.assertEqual(r["candidate"], "c-1")
            self.assertEqual(r["from"], prev)
            self.assertEqual(r["status"], status)
            self.assertIsInstance(r["updated_at"], int)
            self.assertLessEqual(abs(r["updated_at"] - t0), 5)
            self.assertEqual(self.refs()["c-1"], status)
            prev = status
        self.assertEqual(self.refs()["c-2"], "suggested")

    def test_not_retained_after_sent_or_interview(self):
        for status in ("validated", "sent", "not_retained"):
            self.move("c-1", status)
        for status in ("validated", "sent", "interview", "not_retained"):
            self.move("c-2", status)
        refs = self.refs()
        self.assertEqual(refs["c-1"], "not_retained")
        self.assertEqual(refs["c-2"], "not_retained")

    def test_withdrawn_from_any_state_before_the_end(self):
        self.move("c-1", "withdrawn")
        self.move("c-2", "validated")
        self.move("c-2", "withdrawn")
        for status in ("validated", "sent", "interview", "withdrawn"):
            self.move("c-3", status)
        self.assertEqual(self.refs(), {"c-1": "withdrawn",
                                       "c-2": "withdrawn",
                                       "c-3": "withdrawn"})

    def assertIllegal(self, cand, status, offer_id="o-1", code="conflict"):
        before = self.redis.hget(ref_key("batiment", offer_id), cand)
        hist = self.redis.cli_int("LLEN", refhist_key("batiment", offer_id))
        self.assertRpcError(code, "status", "referral.update",
                            {"offer": offer_id, "candidate": cand,
                             "status": status})
        self.assertEqual(self.redis.hget(ref_key("batiment", offer_id), cand),
                         before, "a refused move changed Redis")
        self.assertEqual(self.redis.cli_int(
            "LLEN", refhist_key("batiment", offer_id)), hist)

    def test_illegal_transitions_are_refused(self):
        self.assertIllegal("c-1", "hired")          # suggested -> hired
        self.assertIllegal("c-1", "sent")           # skips validated
        self.assertIllegal("c-1", "not_retained")   # not from suggested
        self.assertIllegal("c-1", "suggested")      # to the same state
        self.move("c-1", "validated")
        self.assertIllegal("c-1", "not_retained")   # not from validated
        self.assertIllegal("c-1", "suggested")      # no way back
        for status in ("sent", "interview", "hired"):
            self.move("c-1", status)
        self.assertIllegal("c-1", "sent")           # hired -> sent
        self.assertIllegal("c-1", "withdrawn")      # final state
        self.move("c-2", "withdrawn")
        self.assertIllegal("c-2", "validated")      # withdrawn is final
        self.assertEqual(self.refs()["c-1"], "hired")

    def test_unknown_status_is_refused(self):
        self.assertIllegal("c-1", "embauche", code="invalid_argument")
        self.assertIllegal("c-1", "", code="invalid_argument")
        self.assertRpcError("invalid_argument", "status", "referral.update",
                            {"offer": "o-1", "candidate": "c-1",
                             "status": 3})

    def test_not_found(self):
        self.put_candidates([candidate("c-never", sectors=["hotellerie"],
                                       jobs=[{"rome": "G1602",
                                              "months": 3}])])
        self.assertRpcError("not_found", "candidate", "referral.update",
                            {"offer": "o-1", "candidate": "c-never",
                             "status": "validated"})
        self.assertRpcError("not_found", "candidate", "referral.update",
                            {"offer": "o-1", "candidate": "c-nobody",
                             "status": "validated"})
        self.assertRpcError("not_found", "offer", "referral.update",
                            {"offer": "o-none", "candidate": "c-1",
                             "status": "validated"})

    def test_missing_parameters(self):
        for missing in ("offer", "candidate", "status"):
            params = {"offer": "o-1", "candidate": "c-1",
                      "status": "validated"}
            del params[missing]
            self.assertRpcError("invalid_argument", missing,
                                "referral.update", params)
        self.assertEqual(self.refs()["c-1"], "suggested")

    def test_status_and_history_are_persisted_in_redis(self):
        t0 = int(time.time())
        self.move("c-2", "validated", note="profil solide")
        self.move("c-2", "sent")
        value = self.redis.hget(ref_key("batiment", "o-1"), "c-2")
        status, _, ts = value.partition(":")
        self.assertEqual(status, "sent")
        self.assertLessEqual(abs(int(ts) - t0), 5)
        hist = self.redis.cli("LRANGE", refhist_key("batiment", "o-1"),
                              0, -1).split("\n")
        moves = [h.split("|") for h in hist if h]
        mine = [m for m in moves if m[1] == "c-2"]
        self.assertEqual(len(mine), 2, hist)
        by_to = {m[3]: m for m in mine}
        self.assertEqual(by_to["validated"][2], "suggested")
        # at|candidate|from|to|user|note: the move's user is kept.
        self.assertEqual(by_to["validated"][4:], ["admin", "profil solide"])
        self.assertEqual(by_to["sent"][2], "validated")
        for m in mine:
            self.assertLessEqual(abs(int(m[0]) - t0), 5)

    def test_validated_candidate_is_not_suggested_again(self):
        self.move("c-1", "validated")
        again = self.c.call("offer.match", {"id": "o-1"})
        self.assertNotIn("c-1", self.suggested_ids(again))
        self.assertEqual(normalize_excluded(again["excluded"]),
                         {"already_referred": 1})
        self.assertEqual(sorted(self.suggested_ids(again)), ["c-2", "c-3"])
        # Still referred (and not reset to suggested) after the new match.
        self.assertEqual(self.refs()["c-1"], "validated")

    def test_offer_put_again_keeps_referrals(self):
        self.move("c-1", "validated")
        self.move("c-1", "sent")
        res = self.put_offer(offer("o-1", title="Coffreur bancheur confirmé"))
        self.assertNotIn("c-1", self.suggested_ids(res))
        self.assertEqual(self.refs()["c-1"], "sent")

    def test_open_referrals_counted_on_the_candidate(self):
        self.put_offer(offer("o-2"))
        self.assertEqual(self.c.call("candidate.get",
                                     {"id": "c-1"})["open_referrals"], 0)
        self.move("c-1", "validated", "o-1")
        self.move("c-1", "validated", "o-2")
        self.assertEqual(self.c.call("candidate.get",
                                     {"id": "c-1"})["open_referrals"], 2)
        self.move("c-1", "withdrawn", "o-2")
        self.assertEqual(self.c.call("candidate.get",
                                     {"id": "c-1"})["open_referrals"], 1)

    def test_candidate_update_keeps_its_referrals(self):
        self.move("c-1", "validated")
        self.put_candidates([candidate("c-1", level=5)])
        self.assertEqual(self.c.call("candidate.get",
                                     {"id": "c-1"})["open_referrals"], 1)
        again = self.c.call("offer.match", {"id": "o-1"})
        self.assertNotIn("c-1", self.suggested_ids(again))
        self.assertEqual(self.refs()["c-1"], "validated")

    def test_candidate_with_open_referrals_ranks_below_an_identical_one(self):
        # f-a would win the tie on its id; its open referrals sink it.
        self.put_candidates([candidate("f-a", commune="59271"),
                             candidate("f-b", commune="59271")])
        for oid in ("o-f1", "o-f2"):
            self.put_offer(offer(oid, commune="59271"))
            self.move("f-a", "validated", oid)
        res = self.put_offer(offer("o-f3", commune="59271"), limit=200)
        ids = self.suggested_ids(res)
        self.assertLess(ids.index("f-b"), ids.index("f-a"), ids)
        sa = [s for s in res["suggestions"] if s["candidate"] == "f-a"][0]
        sb = [s for s in res["suggestions"] if s["candidate"] == "f-b"][0]
        self.assertLess(sa["score"], sb["score"])
        self.assertLess(sa["components"]["fairness"],
                        sb["components"]["fairness"])

    def test_stats_count_referrals_by_status(self):
        self.move("c-1", "validated")
        self.move("c-2", "withdrawn")
        stats = self.c.call("stats")
        refs = {k: v for k, v in stats["referrals"].items() if v}
        self.assertEqual(refs, {"suggested": 1, "validated": 1,
                                "withdrawn": 1})

    def test_concurrent_moves_only_one_wins(self):
        a, b = self.c, self.client()
        ia = a.request("referral.update", {"offer": "o-1", "candidate": "c-3",
                                           "status": "validated"})
        ib = b.request("referral.update", {"offer": "o-1", "candidate": "c-3",
                                           "status": "validated"})
        ra, rb = a.response(ia), b.response(ib)
        errors = [r[2] for r in (ra, rb) if r[2] is not None]
        oks = [r[3] for r in (ra, rb) if r[2] is None]
        self.assertEqual(len(oks), 1, (ra, rb))
        self.assertEqual(len(errors), 1, (ra, rb))
        self.assertEqual(errors[0]["code"], "conflict")
        self.assertEqual(errors[0]["field"], "status")
        self.assertEqual(self.refs()["c-3"], "validated")
        hist = [h for h in self.redis.cli(
            "LRANGE", refhist_key("batiment", "o-1"), 0, -1).split("\n")
            if "|c-3|" in h]
        self.assertEqual(len(hist), 1, hist)


if __name__ == "__main__":
    harness.main()
