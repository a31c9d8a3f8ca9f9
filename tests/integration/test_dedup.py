#!/usr/bin/python3
"""Duplicate offers (docs/DEDUP.md): the same job from France Travail and
from a partner board, or from France Travail and prospection, is merged
into one offer that keeps every source reference and is pushed once; an
uncertain pair is stored twice and reported; all of it survives a
restart."""

import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402

SAMPLES = os.path.join(harness.SOURCE_DIR, "tests", "data", "francetravail",
                       "samples.json")
QUIET = 0.5


def ft_sample(oid="201KCBA"):
    with open(SAMPLES, encoding="utf-8") as f:
        doc = json.load(f)
    return [o for o in doc["resultats"] if o["id"] == oid][0]


def partner_copy(o, new_id, partner="INDEED"):
    """The same job relayed by a partner board: another id, the title and
    the employer written differently, two days later."""
    c = copy.deepcopy(o)
    c["id"] = new_id
    c["intitule"] = "COFFREUR-BANCHEUR H/F"
    c["entreprise"] = {"nom": "Bouygues Travaux Publics SAS"}
    c["dateCreation"] = "2026-11-04T08:00:00.000Z"
    c["origineOffre"] = {"origine": "2",
                         "partenaires": [{"nom": partner}]}
    return c


class Duplicates(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-%02d" % i) for i in range(5)])

    def push(self, offers, client=None):
        return (client or self.c).call("feed.push", {
            "format": "francetravail",
            "payload": json.dumps({"resultats": offers})})

    def test_a_partner_copy_in_the_same_document_is_merged(self):
        sub = self.client()
        sub.call("subscribe", {"sectors": ["batiment"]})
        ft = ft_sample()
        got = self.push([ft, partner_copy(ft, "201KCBZ")])
        self.assertEqual((got["accepted"], got["duplicates"]), (1, 1), got)
        self.assertEqual(got["merged"], [{
            "id": "ft-201KCBZ", "into": "ft-201KCBA",
            "why": got["merged"][0]["why"]}], got)
        self.assertIn("même employeur", got["merged"][0]["why"])
        # One offer, listing both references.
        stored = self.c.call("offer.get", {"id": "ft-201KCBA"})
        self.assertEqual([(m["id"], m["source"], m["partner"])
                          for m in stored["merged"]],
                         [("ft-201KCBZ", "pole_emploi", "INDEED")])
        listed = [o["id"] for o in self.c.call(
            "offer.list", {"status": "all"})["offers"]]
        self.assertEqual(listed, ["ft-201KCBA"])
        self.assertEqual(self.c.call("stats")["offers"],
                         {"open": 1, "closed": 0, "merged": 1})
        # The merged id names the offer it was merged into.
        alias = self.c.call("offer.get", {"id": "ft-201KCBZ"})
        self.assertEqual(alias["offer"]["id"], "ft-201KCBA")
        # Pushed once.
        method, payload = sub.next_notification(timeout=10)
        self.assertEqual(payload[0]["offer"]["id"], "ft-201KCBA")
        self.assertTrue(sub.no_notification(QUIET),
                        "the duplicate was pushed too")
        # Sent again: the copy is still the same job, never a new offer.
        again = self.push([partner_copy(ft, "201KCBZ")])
        self.assertEqual((again["accepted"], again["duplicates"]), (0, 1),
                         again)
        self.assertTrue(sub.no_notification(QUIET))

    def test_a_prospection_copy_is_merged_and_survives_a_restart(self):
        self.push([ft_sample()])
        rec = offer("pr-77", source="prospection",
                    title="Coffreur bancheur", rome="F1701",
                    employer="BOUYGUES TP", commune="59359",
                    contract="alternance", duration_months=12)
        # Only the employer's short name: not enough to merge.
        got = self.c.call("offer.put", rec)
        self.assertNotIn("merged_into", got)
        rec["employer"] = "Bouygues Travaux Publics"
        rec["id"] = "pr-78"
        got = self.c.call("offer.put", rec)
        self.assertEqual(got["merged_into"], "ft-201KCBA", got)
        self.assertEqual(got["id"], "pr-78")
        self.d.stop()
        c2 = self.client(self.start_matcherd())
        stored = c2.call("offer.get", {"id": "pr-78"})
        self.assertEqual(stored["offer"]["id"], "ft-201KCBA")
        self.assertEqual([m["id"] for m in stored["merged"]], ["pr-78"])
        self.assertEqual(c2.call("offer.put", rec)["merged_into"],
                         "ft-201KCBA")
        # Closing the merged id closes the job.
        c2.call("offer.close", {"id": "pr-78", "reason": "filled"})
        self.assertEqual(c2.call("offer.get", {"id": "ft-201KCBA"})
                         ["status"], "closed")

    def test_an_uncertain_pair_is_kept_twice_and_reported(self):
        sub = self.client()
        sub.call("subscribe", {"sectors": ["batiment"]})
        self.push([ft_sample()])
        sub.next_notification(timeout=10)
        # The same job without an employer: maybe the same, maybe not.
        rec = offer("pr-90", source="prospection",
                    title="Coffreur bancheur H/F", rome="F1701",
                    commune="59359", contract="alternance", duration_months=12,
                    employer=None)
        got = self.c.call("offer.put", rec)
        self.assertEqual(got["possible_duplicate_of"], "ft-201KCBA", got)
        method, payload = sub.next_notification(timeout=10)
        self.assertEqual(payload[0]["offer"]["id"], "pr-90")
        self.assertEqual(payload[0]["possible_duplicate_of"], "ft-201KCBA")
        pairs = self.c.call("offer.duplicates")["pairs"]
        self.assertEqual([(p["offer"], p["other"]) for p in pairs],
                         [("pr-90", "ft-201KCBA")], pairs)
        self.assertIn("employeur", pairs[0]["why"])
        self.assertEqual(pairs[0]["offer_status"], "open")
        # Reported after a restart too.
        self.d.stop()
        c2 = self.client(self.start_matcherd())
        self.assertEqual(len(c2.call("offer.duplicates")["pairs"]), 1)

    def uncertain_pair(self, oid):
        self.push([ft_sample()])
        rec = offer(oid, source="prospection", title="Coffreur bancheur",
                    rome="F1701", commune="59359", contract="alternance",
                    duration_months=12, employer=None)
        self.assertEqual(self.c.call("offer.put", rec)[
            "possible_duplicate_of"], "ft-201KCBA")

    def test_an_adviser_merges_an_uncertain_pair(self):
        self.uncertain_pair("pr-92")
        got = self.c.call("offer.resolve", {"offer": "pr-92",
                                            "other": "ft-201KCBA",
                                            "action": "merge"})
        self.assertEqual(got, {"offer": "pr-92", "other": "ft-201KCBA",
                               "action": "merge"})
        self.assertEqual(self.c.call("offer.duplicates")["pairs"], [])
        closed = self.c.call("offer.get", {"id": "pr-92"})
        self.assertEqual((closed["status"], closed["closed_reason"]),
                         ("closed", "doublon de ft-201KCBA"))
        into = self.c.call("offer.get", {"id": "ft-201KCBA"})
        self.assertEqual([(m["id"], m["source"], m["why"])
                          for m in into["merged"]],
                         [("pr-92", "prospection", "fusionnée par un "
                           "conseiller")])
        # Kept across a restart; and not twice.
        self.d.stop()
        c2 = self.client(self.start_matcherd())
        self.assertEqual([m["id"] for m in c2.call(
            "offer.get", {"id": "ft-201KCBA"})["merged"]], ["pr-92"])
        self.assertRpcError("invalid_argument", "offer", "offer.resolve",
                            {"offer": "pr-92", "other": "ft-201KCBA",
                             "action": "merge"}, client=c2)

    def test_an_adviser_dismisses_an_uncertain_pair(self):
        self.uncertain_pair("pr-93")
        r = harness.matchctl(self.d.addr, "duplicates", "dismiss", "pr-93",
                             "ft-201KCBA")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("two jobs", r.stdout)
        self.assertEqual(self.c.call("offer.duplicates")["pairs"], [])
        self.assertEqual(self.c.call("offer.get", {"id": "pr-93"})["status"],
                         "open")
        # Over HTTP too.
        self.uncertain_pair("pr-94")
        r = self.http("POST", "/api/offers/pr-94/duplicates/ft-201KCBA",
                      {"action": "merge"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.c.call("offer.get", {"id": "pr-94"})["status"],
                         "closed")
        r = self.http("POST", "/api/offers/pr-93/duplicates/ft-201KCBA",
                      {"action": "merge", "why": "x"})
        self.assertEqual(r.status, 400)
        # Bad words.
        self.assertRpcError("invalid_argument", "action", "offer.resolve",
                            {"offer": "pr-93", "other": "ft-201KCBA",
                             "action": "forget"})
        self.assertRpcError("invalid_argument", "other", "offer.resolve",
                            {"offer": "pr-93", "other": "pr-93",
                             "action": "merge"})
        self.assertRpcError("not_found", "other", "offer.resolve",
                            {"offer": "pr-93", "other": "nope",
                             "action": "merge"})
        r = harness.matchctl(self.d.addr, "duplicates", "fuse", "a", "b")
        self.assertEqual(r.returncode, 64)

    def test_a_refused_offer_is_never_merged_into(self):
        # Refused (its operation is not declared yet): it is no offer, and
        # the same job sent later is not merged into it.
        clause = {"operation": "op-late", "hours": 300}
        self.assertRpcError("invalid_argument", "clause.operation",
                            "offer.put", offer("cl-1", source="clause",
                                                clause=clause))
        self.c.call("clause.put", {
            "id": "op-late", "name": "Voiries", "authority": "CUD",
            "start": "2026-01-01", "end": "2027-12-31",
            "hours_total": 10000, "rate": 5})
        got = self.c.call("offer.put", offer("pr-cl-2", source="prospection",
                                             clause=clause))
        self.assertNotIn("merged_into", got)
        self.assertIsNone(got["possible_duplicate_of"])
        self.assertEqual(self.c.call("offer.get", {"id": "pr-cl-2"})
                         ["offer"]["id"], "pr-cl-2")
        self.assertRpcError("not_found", "id", "offer.get", {"id": "cl-1"})
        self.assertEqual(self.c.call("offer.duplicates")["pairs"], [])

    def test_different_jobs_of_one_employer_stay_apart(self):
        ft = ft_sample()
        other = copy.deepcopy(ft)
        other["id"] = "201KCBY"
        other["intitule"] = "Grutier (H/F)"
        other["romeCode"] = "N1104"
        got = self.push([ft, other])
        self.assertEqual((got["accepted"], got["duplicates"]), (2, 0), got)
        self.assertEqual(self.c.call("offer.duplicates")["pairs"], [])

    def test_over_http_a_partner_feed_posts_its_document(self):
        ft = ft_sample()
        doc = json.dumps({"resultats": [ft, partner_copy(ft, "201KCBZ")]})
        r = self.http("POST", "/api/feeds/francetravail", doc,
                      {"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r.body)
        got = r.json
        self.assertEqual((got["accepted"], got["duplicates"]), (1, 1), got)
        self.assertEqual(got["merged"][0]["into"], "ft-201KCBA")
        r = self.http("GET", "/api/offers/ft-201KCBZ")
        self.assertEqual(r.json["offer"]["id"], "ft-201KCBA")
        self.assertEqual(self.http("GET", "/api/offers/duplicates?count=5")
                         .json, {"pairs": []})
        # Errors: another format, no body, a body that is not JSON.
        r = self.http("POST", "/api/feeds/indeed", doc,
                      {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.error["field"], "format")
        r = self.http("POST", "/api/feeds/francetravail", "",
                      {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.http("POST", "/api/feeds/francetravail", "{not json",
                      {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertIn("payload", r.error["field"])
        r = self.http("POST", "/api/feeds/francetravail", doc,
                      {"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415)

    def test_the_cli_lists_uncertain_pairs(self):
        self.push([ft_sample()])
        rec = offer("pr-91", source="prospection",
                    title="Coffreur bancheur", rome="F1701",
                    commune="59359", contract="alternance", duration_months=12,
                    employer=None)
        self.c.call("offer.put", rec)
        r = harness.matchctl(self.d.addr, "duplicates")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        self.assertIn("pr-91", out)
        self.assertIn("ft-201KCBA", out)


if __name__ == "__main__":
    harness.main()
