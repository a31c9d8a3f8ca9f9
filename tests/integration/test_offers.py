#!/usr/bin/python3
"""Offers and matching (proto/PROTOCOL.md, Offer, Methods, Match result):
ranking, hard filters, limits, offer.get / offer.match / offer.close."""

import datetime
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (candidate, offer, normalize_excluded,  # noqa: E402
                     days_from_today, age_birth_date, years_before, today)

KM_REASON = re.compile(r"\b\d+,\d km\b")  # "à 4,2 km": French decimal comma


class OfferTestCase(harness.MatcherdTestCase):

    def assertWellFormedResult(self, result, offer_id=None, limit=20):
        """Everything PROTOCOL.md says about a match result."""
        for key in ("offer", "considered", "eligible", "excluded",
                    "suggestions"):
            self.assertIn(key, result)
        if offer_id is not None:
            self.assertEqual(result["offer"]["id"], offer_id)
        considered, eligible = result["considered"], result["eligible"]
        excluded = result["excluded"]
        self.assertIsInstance(excluded, dict)
        for k, v in excluded.items():
            self.assertIn(k, harness.FILTERS, "unknown filter %r" % k)
            self.assertIsInstance(v, int)
            self.assertGreaterEqual(v, 0)
        self.assertGreaterEqual(eligible, 0)
        self.assertEqual(considered - eligible, sum(excluded.values()),
                         "considered - eligible != sum(excluded): %r" % {
                             k: result[k] for k in ("considered", "eligible",
                                                    "excluded")})
        sugg = result["suggestions"]
        self.assertEqual(len(sugg), min(eligible, limit))
        self.assertEqual([s["rank"] for s in sugg],
                         list(range(1, len(sugg) + 1)))
        for s in sugg:
            self.assertIsInstance(s["candidate"], str)
            self.assertIsInstance(s["score"], (int, float))
            self.assertGreaterEqual(s["score"], 0)
            self.assertLessEqual(s["score"], 100)
            self.assertIsInstance(s["distance_km"], (int, float))
            self.assertGreaterEqual(s["distance_km"], 0)
            self.assertEqual(set(s["components"]), set(harness.COMPONENTS))
            for name, v in s["components"].items():
                self.assertGreaterEqual(v, 0, name)
                self.assertLessEqual(v, 1, name)
            reasons = s["reasons"]
            self.assertIsInstance(reasons, list)
            self.assertTrue(reasons, "no reasons for %s" % s["candidate"])
            for r in reasons:
                self.assertIsInstance(r, str)
                self.assertTrue(r.strip())
            self.assertTrue(any(KM_REASON.search(r) for r in reasons),
                            "no distance in French among %r" % reasons)
        ids = [s["candidate"] for s in sugg]
        self.assertEqual(len(ids), len(set(ids)), "a candidate twice")
        for a, b in zip(sugg, sugg[1:]):
            self.assertTrue(a["score"] > b["score"] or (
                a["score"] == b["score"] and a["candidate"] < b["candidate"]),
                "order broken between %s (%s) and %s (%s)" % (
                    a["candidate"], a["score"], b["candidate"], b["score"]))

    def suggestion(self, result, cid):
        for s in result["suggestions"]:
            if s["candidate"] == cid:
                return s
        self.fail("%s is not suggested: %r" % (cid, self.suggested_ids(result)))

    def filter_case(self, offer_rec, eligible, excluded, expected):
        """Put candidates and an offer: `eligible` ids are suggested, the
        others not, and the excluded counts are `expected`."""
        self.put_candidates(eligible + excluded)
        res = self.put_offer(offer_rec, limit=200)
        self.assertWellFormedResult(res, offer_rec["id"], limit=200)
        self.assertEqual(sorted(self.suggested_ids(res)),
                         sorted(c["id"] for c in eligible))
        self.assertEqual(normalize_excluded(res["excluded"]), expected)
        self.assertEqual(res["considered"], len(eligible) + len(excluded))
        self.assertEqual(res["eligible"], len(eligible))
        return res


class Ranking(OfferTestCase):

    def test_mixed_pool_is_ranked_by_score_then_id(self):
        rnd = random.Random(42)
        communes = ["59183", "59271", "59155", "59131", "59067", "59359",
                    "59273", "59094"]
        cands = []
        for i in range(90):
            cands.append(candidate(
                "m-%03d" % rnd.randrange(1000) + "-%d" % i,
                jobs=[{"rome": rnd.choice(["F1701", "F1704", "F1703"]),
                       "months": rnd.choice([0, 3, 6, 12, 24, 60])}],
                skills=rnd.sample(["sst", "oppbtp", "caces-r482-a",
                                   "habilitation-b0"], rnd.randrange(3)),
                licences=rnd.choice([[], ["B"], ["B", "C"]]),
                vehicle=rnd.random() < 0.4,
                level=rnd.randrange(0, 6),
                commune=rnd.choice(communes),
                radius_km=rnd.choice([10, 20, 40]),
                criteria=rnd.sample(["deld", "rsa", "qpv", "th"],
                                    rnd.randrange(3)),
                barriers=rnd.sample(["mobilite", "garde_enfants",
                                     "logement", "sante"],
                                    rnd.randrange(2))))
        self.put_candidates(cands)
        by_id = {c["id"]: c for c in cands}
        o = offer("o-mixed", skills_wanted=["oppbtp", "caces-r482-a"],
                  level_min=3, experience_months=12)
        res = self.put_offer(o)
        self.assertWellFormedResult(res, "o-mixed", limit=20)
        self.assertEqual(len(res["suggestions"]), 20)
        self.assertEqual(res["considered"], 90)
        for s in res["suggestions"]:
            want = harness.commune_distance_km(by_id[s["candidate"]]["commune"],
                                               "59183")
            self.assertAlmostEqual(s["distance_km"], want, delta=0.5)
        # All eligible ones with limit 200: the first 20 are the same.
        full = self.c.call("offer.match", {"id": "o-mixed", "limit": 200})
        self.assertWellFormedResult(full, "o-mixed", limit=200)
        self.assertEqual(full["eligible"], res["eligible"])
        self.assertEqual(len(full["suggestions"]), full["eligible"])
        self.assertEqual([(s["candidate"], s["score"])
                          for s in full["suggestions"][:20]],
                         [(s["candidate"], s["score"])
                          for s in res["suggestions"]])

    def test_equal_scores_are_ordered_by_candidate_id(self):
        ids = ["t-07", "t-03", "t-11", "t-01", "t-05"]
        self.put_candidates([candidate(i) for i in ids])
        res = self.put_offer(offer("o-tie"))
        self.assertWellFormedResult(res, "o-tie")
        self.assertEqual(self.suggested_ids(res), sorted(ids))
        self.assertEqual(len({s["score"] for s in res["suggestions"]}), 1)

    def test_exact_code_outranks_same_domain(self):
        # The same-domain candidate would win the tie on its id.
        self.put_candidates([
            candidate("a-domain", jobs=[{"rome": "F1704", "months": 24}]),
            candidate("z-exact", jobs=[{"rome": "F1701", "months": 24}])])
        res = self.put_offer(offer("o-exact"))
        self.assertWellFormedResult(res, "o-exact")
        self.assertEqual(self.suggested_ids(res), ["z-exact", "a-domain"])
        exact, domain = res["suggestions"]
        self.assertGreater(exact["score"], domain["score"])
        self.assertGreater(exact["components"]["job"],
                           domain["components"]["job"])

    def test_closer_outranks_farther(self):
        self.put_candidates([
            candidate("a-far", commune="59273"),    # Gravelines, ~14 km
            candidate("z-near", commune="59271")])  # Grande-Synthe, ~3.6 km
        res = self.put_offer(offer("o-near"))
        self.assertWellFormedResult(res, "o-near")
        self.assertEqual(self.suggested_ids(res), ["z-near", "a-far"])
        near, far = res["suggestions"]
        self.assertAlmostEqual(near["distance_km"],
                               harness.commune_distance_km("59271", "59183"),
                               delta=0.3)
        self.assertAlmostEqual(far["distance_km"],
                               harness.commune_distance_km("59273", "59183"),
                               delta=0.3)
        self.assertGreater(near["score"], far["score"])

    def test_more_experience_outranks_less(self):
        self.put_candidates([
            candidate("a-novice", jobs=[{"rome": "F1701", "months": 0}]),
            candidate("z-expert", jobs=[{"rome": "F1701", "months": 48}])])
        res = self.put_offer(offer("o-exp", experience_months=24))
        self.assertEqual(self.suggested_ids(res), ["z-expert", "a-novice"])

    def test_reasons_are_in_french(self):
        self.put_candidates([candidate("fr-1", commune="59271")])
        res = self.put_offer(offer("o-fr"))
        reasons = " | ".join(self.suggestion(res, "fr-1")["reasons"])
        self.assertRegex(reasons, r"m[ée]tier")
        self.assertIn("3,6 km", reasons)
        self.assertNotRegex(reasons, r"\b(job|months|distance)\b")

    def test_other_sectors_are_not_considered(self):
        self.put_candidates(
            [candidate("bat-%d" % i) for i in range(4)] +
            [candidate("hot-%d" % i, sectors=["hotellerie"]) for i in range(3)])
        res = self.put_offer(offer("o-sector"))
        self.assertEqual(res["considered"], 4)
        self.assertEqual(sorted(self.suggested_ids(res)),
                         ["bat-%d" % i for i in range(4)])

    def test_sector_is_derived_from_the_rome_code(self):
        cases = {"F1701": "batiment", "G1602": "hotellerie",
                 "N4101": "hotellerie", "H2913": "industrie",
                 "D1408": "tertiaire"}
        for rome, sector in cases.items():
            oid = "o-derive-" + rome
            res = self.put_offer(offer(oid, rome=rome))
            self.assertEqual(res["offer"]["sector"], sector, rome)
            self.assertEqual(self.redis.hget(harness.PREFIX + ":offers", oid),
                             sector)
            self.assertEqual(self.redis.hget(
                harness.offer_key(sector, oid), "status"), "open")
            zscore = self.redis.cli("ZSCORE", "%s:{%s}:offers" % (
                harness.PREFIX, sector), oid)
            self.assertGreater(float(zscore), 0, "%s not in its zset" % oid)
        # An explicit sector wins.
        res = self.put_offer(offer("o-explicit", rome="F1701",
                                   sector="industrie"))
        self.assertEqual(res["offer"]["sector"], "industrie")

    def test_empty_pool(self):
        res = self.put_offer(offer("o-empty"))
        self.assertWellFormedResult(res, "o-empty")
        self.assertEqual(res["considered"], 0)
        self.assertEqual(res["eligible"], 0)
        self.assertEqual(res["suggestions"], [])


class HardFilters(OfferTestCase):

    def test_status_not_available(self):
        self.filter_case(offer("o-status"),
                         [candidate("ok")],
                         [candidate("placed", status="placed"),
                          candidate("training", status="training"),
                          candidate("paused", status="paused")],
                         {"status": 3})

    def test_other_rome_domain(self):
        self.filter_case(offer("o-rome"),
                         [candidate("ok"),
                          candidate("ok-second-job", jobs=[
                              {"rome": "G1602", "months": 50},
                              {"rome": "F1704", "months": 2}])],
                         [candidate("cook", jobs=[{"rome": "G1602",
                                                   "months": 50}]),
                          candidate("other-f", jobs=[{"rome": "F1101",
                                                      "months": 50}])],
                         {"rome": 2})

    def test_candidate_radius(self):
        # Gravelines is ~14 km from Dunkerque.
        self.filter_case(offer("o-radius"),
                         [candidate("ok", commune="59273", radius_km=20)],
                         [candidate("far", commune="59273", radius_km=10),
                          candidate("lille", commune="59350",
                                    radius_km=50)],
                         {"distance": 2})

    def test_offer_max_km(self):
        self.filter_case(offer("o-maxkm", max_km=10),
                         [candidate("ok", commune="59271", radius_km=30)],
                         [candidate("far", commune="59273", radius_km=30)],
                         {"distance": 1})

    def test_licence_required(self):
        self.filter_case(offer("o-lic", licences_required=["C"]),
                         [candidate("ok-c", licences=["C"]),
                          candidate("ok-ce", licences=["CE"])],
                         [candidate("b-only", licences=["B"]),
                          candidate("none", licences=[])],
                         {"licences": 2})

    def test_skills_required(self):
        self.filter_case(offer("o-skill", skills_required=["caces-r489-3",
                                                           "sst"]),
                         [candidate("ok", skills=["sst", "caces-r489-3"])],
                         [candidate("half", skills=["sst"]),
                          candidate("none", skills=[])],
                         {"skills": 2})

    def test_required_skill_nobody_has(self):
        self.filter_case(offer("o-skill-none", skills_required=["cordiste"]),
                         [],
                         [candidate("a"), candidate("b")],
                         {"skills": 2})

    def test_contract_not_accepted(self):
        self.filter_case(offer("o-contract", contract="interim"),
                         [candidate("ok"),
                          candidate("ok-interim", contracts=["interim"])],
                         [candidate("cdi-only", contracts=["cdi", "cdd"])],
                         {"contract": 1})

    def test_available_after_start_plus_slack(self):
        # start_slack_days = 14 in config/matcherd.conf.
        self.filter_case(offer("o-avail", start=days_from_today(10)),
                         [candidate("now"),
                          candidate("soon", available_from=days_from_today(20)),
                          candidate("past", available_from=days_from_today(-30))],
                         [candidate("late", available_from=days_from_today(60))],
                         {"availability": 1})

    def test_available_after_asap_start_plus_slack(self):
        self.filter_case(offer("o-asap"),
                         [candidate("soon", available_from=days_from_today(7))],
                         [candidate("late", available_from=days_from_today(40))],
                         {"availability": 1})

    def test_plateforme_jeunes_ages_16_to_25_at_start(self):
        start = today() + datetime.timedelta(days=30)
        self.filter_case(
            offer("o-jeunes", source="plateforme_jeunes",
                  start=start.isoformat()),
            [candidate("y20", birth_date=age_birth_date(20, start)),
             candidate("y25", birth_date=years_before(26, start, 1)),
             # 15 today, 16 by the start: eligible.
             candidate("y16-by-start", birth_date=years_before(16, start, -5))],
            [candidate("y26", birth_date=years_before(26, start)),
             # 25 today, 26 by the start: too old.
             candidate("y26-by-start", birth_date=years_before(26, start, -5)),
             candidate("y15", birth_date=age_birth_date(15, start)),
             candidate("y30", birth_date=age_birth_date(30, start)),
             candidate("unknown-age")],
            {"age": 5})

    def test_age_min_and_max_override_the_youth_default(self):
        self.filter_case(
            offer("o-jeunes2", source="plateforme_jeunes", age_min=18,
                  age_max=30),
            [candidate("a18", birth_date=years_before(18)),
             candidate("a28", birth_date=age_birth_date(28)),
             candidate("a30", birth_date=age_birth_date(30))],
            [candidate("a17", birth_date=age_birth_date(17)),
             candidate("a31", birth_date=years_before(31))],
            {"age": 2})

    def test_age_limits_apply_to_other_sources(self):
        self.filter_case(
            offer("o-age-pe", age_max=30),
            [candidate("a22", birth_date=age_birth_date(22))],
            [candidate("a40", birth_date=age_birth_date(40))],
            {"age": 1})

    def clause_offer(self, oid, criteria):
        # A clause offer names a declared operation (docs/CLAUSE.md).
        self.c.call("clause.put", {
            "id": "CUD-2025-017", "name": "Voirie du Grand Large",
            "authority": "Communauté urbaine de Dunkerque",
            "start": days_from_today(-30), "end": days_from_today(335),
            "hours_committed": 2100})
        return offer(oid, source="clause", rome="F1704",
                     title="Manoeuvre (clause d'insertion)",
                     clause={"operation": "CUD-2025-017", "criteria": criteria,
                             "hours": 420})

    def test_clause_without_criteria_takes_the_operation_criteria(self):
        self.c.call("clause.put", {
            "id": "CUD-2025-018", "name": "Piscine de Grande-Synthe",
            "authority": "Communauté urbaine de Dunkerque",
            "start": days_from_today(-30), "end": days_from_today(335),
            "criteria": ["rsa"], "hours_committed": 700})
        self.filter_case(
            offer("o-clause-op", source="clause", rome="F1704",
                  title="Manoeuvre (clause d'insertion)",
                  clause={"operation": "CUD-2025-018", "hours": 350}),
            [candidate("rsa", criteria=["rsa"])],
            [candidate("deld", criteria=["deld"]), candidate("none")],
            {"clause": 2})

    def test_clause_criteria(self):
        self.filter_case(
            self.clause_offer("o-clause", ["deld"]),
            [candidate("deld", criteria=["deld"]),
             candidate("deld-rsa", criteria=["rsa", "deld"])],
            [candidate("none"),
             candidate("rsa", criteria=["rsa"])],
            {"clause": 2})

    def test_clause_derived_jeune_peu_qualifie(self):
        self.filter_case(
            self.clause_offer("o-clause-jpq", ["jeune_peu_qualifie"]),
            [candidate("j22-l3", birth_date=age_birth_date(22), level=3),
             candidate("j25-l0", birth_date=age_birth_date(25), level=0),
             candidate("explicit", criteria=["jeune_peu_qualifie"], level=5)],
            [candidate("j22-l4", birth_date=age_birth_date(22), level=4),
             candidate("j26-l2", birth_date=years_before(26), level=2),
             candidate("no-birth", level=2)],
            {"clause": 3})

    def test_clause_derived_senior(self):
        self.filter_case(
            self.clause_offer("o-clause-senior", ["senior"]),
            [candidate("s50", birth_date=years_before(50)),
             candidate("s62", birth_date=age_birth_date(62))],
            [candidate("s49", birth_date=age_birth_date(49)),
             candidate("s49-tomorrow", birth_date=years_before(50, None, 1))],
            {"clause": 2})

    def test_clause_without_criteria_uses_the_configured_list(self):
        # config/matcherd.conf: clause_criteria = rsa ass aah deld detld th
        # qpv jeune_peu_qualifie senior
        self.filter_case(
            self.clause_offer("o-clause-default", []),
            [candidate("th", criteria=["th"]),
             candidate("qpv", criteria=["qpv"])],
            [candidate("plie", criteria=["plie"]),
             candidate("none")],
            {"clause": 2})

    def test_each_candidate_counted_under_its_first_failing_filter(self):
        self.put_candidates([
            candidate("f-status", status="placed", commune="59350",
                      licences=[]),
            candidate("f-contract", contracts=["cdd"], commune="59350",
                      licences=[]),
            candidate("f-licence", licences=[], commune="59350"),
            candidate("f-distance", commune="59350"),
            candidate("ok")])
        res = self.put_offer(offer("o-order", licences_required=["B"]))
        self.assertWellFormedResult(res, "o-order")
        self.assertEqual(normalize_excluded(res["excluded"]),
                         {"status": 1, "contract": 1, "licences": 1,
                          "distance": 1})
        self.assertEqual(self.suggested_ids(res), ["ok"])


class Limits(OfferTestCase):

    def test_default_limit_and_explicit_limit(self):
        self.put_candidates([candidate("l-%02d" % i,
                                       jobs=[{"rome": "F1701", "months": i}])
                             for i in range(25)])
        res = self.put_offer(offer("o-lim"))
        self.assertWellFormedResult(res, "o-lim", limit=20)
        self.assertEqual(len(res["suggestions"]), 20)
        self.assertEqual(res["eligible"], 25)
        five = self.put_offer(offer("o-lim"), limit=5)
        self.assertWellFormedResult(five, "o-lim", limit=5)
        self.assertEqual(len(five["suggestions"]), 5)
        self.assertEqual(self.suggested_ids(five),
                         self.suggested_ids(res)[:5])
        one = self.c.call("offer.match", {"id": "o-lim", "limit": 1})
        self.assertEqual(self.suggested_ids(one), self.suggested_ids(res)[:1])

    def test_limit_bounds(self):
        self.put_candidates([candidate("b-1")])
        for bad in (0, 201, -1, 100000):
            self.assertRpcError("invalid_argument", "limit", "offer.put",
                                {"offer": offer("o-bad-limit"),
                                 "limit": bad})
            self.assertRpcError("not_found", "id", "offer.get",
                                {"id": "o-bad-limit"})
        self.put_offer(offer("o-ok"))
        self.assertRpcError("invalid_argument", "limit", "offer.match",
                            {"id": "o-ok", "limit": 201})
        self.assertRpcError("invalid_argument", "limit", "offer.put",
                            {"offer": offer("o-bad-limit"), "limit": "5"})

    def test_limit_200_returns_200(self):
        self.put_candidates([candidate("many-%03d" % i) for i in range(210)])
        res = self.put_offer(offer("o-200"), limit=200)
        self.assertWellFormedResult(res, "o-200", limit=200)
        self.assertEqual(res["eligible"], 210)
        self.assertEqual(len(res["suggestions"]), 200)
        self.assertEqual(self.suggested_ids(res),
                         ["many-%03d" % i for i in range(200)])


class OfferLifecycle(OfferTestCase):

    def test_offer_get_returns_offer_status_result_and_referrals(self):
        self.put_candidates([candidate("g-%d" % i) for i in range(3)])
        t0 = int(time.time())
        put = self.put_offer(offer("o-get", title="Coffreur bancheur",
                                   positions=3, duration_months=6,
                                   contract="cdd"))
        got = self.c.call("offer.get", {"id": "o-get"})
        for key in ("offer", "status", "created_at", "closed_reason",
                    "result", "referrals"):
            self.assertIn(key, got)
        o = got["offer"]
        self.assertEqual(o["id"], "o-get")
        self.assertEqual(o["title"], "Coffreur bancheur")
        self.assertEqual(o["rome"], "F1701")
        self.assertEqual(o["contract"], "cdd")
        self.assertEqual(o["positions"], 3)
        self.assertEqual(o["duration_months"], 6)
        self.assertEqual(o["sector"], "batiment")
        self.assertEqual(o["commune"], "59183")
        self.assertAlmostEqual(o["lat"], harness.COMMUNES["59183"][1],
                               places=3)
        self.assertEqual(got["status"], "open")
        self.assertIsInstance(got["created_at"], int)
        self.assertLessEqual(abs(got["created_at"] - t0), 5)
        self.assertIn(got["closed_reason"], (None, ""))
        self.assertEqual(got["result"]["suggestions"], put["suggestions"])
        for k in ("considered", "eligible", "excluded"):
            self.assertEqual(got["result"][k], put[k])
        refs = {r["candidate"]: r for r in got["referrals"]}
        self.assertEqual(set(refs), {"g-0", "g-1", "g-2"})
        for r in refs.values():
            self.assertEqual(r["status"], "suggested")
            self.assertIsInstance(r["updated_at"], int)
            self.assertLessEqual(abs(r["updated_at"] - t0), 5)

    def test_offer_defaults_in_the_canonical_offer(self):
        put = self.put_offer(offer("o-def"))
        o = put["offer"]
        self.assertEqual(o["positions"], 1)
        self.assertEqual(o["working_time"], "any")
        self.assertEqual(o["sector"], "batiment")
        self.assertEqual(o["duration_months"], 0)

    def test_result_offer_carries_its_status(self):
        # PROTOCOL.md: "offer": {canonical offer map, with "status"}.
        put = self.put_offer(offer("o-st"))
        self.assertEqual(put["offer"].get("status"), "open")
        again = self.c.call("offer.match", {"id": "o-st"})
        self.assertEqual(again["offer"].get("status"), "open")
        got = self.c.call("offer.get", {"id": "o-st"})
        self.assertEqual(got["result"]["offer"].get("status"), "open")

    def test_offer_match_rescores_against_todays_pool(self):
        self.put_candidates([candidate("r-b"), candidate("r-c")])
        first = self.put_offer(offer("o-rematch"))
        self.assertEqual(self.suggested_ids(first), ["r-b", "r-c"])
        self.put_candidates([candidate("r-a")])
        again = self.c.call("offer.match", {"id": "o-rematch"})
        self.assertWellFormedResult(again, "o-rematch")
        self.assertEqual(self.suggested_ids(again), ["r-a", "r-b", "r-c"])
        got = self.c.call("offer.get", {"id": "o-rematch"})
        self.assertEqual(got["result"]["suggestions"], again["suggestions"])
        self.assertIn("r-a", {r["candidate"] for r in got["referrals"]})

    def test_deleted_candidate_disappears_from_the_next_match(self):
        self.put_candidates([candidate("d-a"), candidate("d-b")])
        self.put_offer(offer("o-del"))
        self.c.call("candidate.delete", {"id": "d-a"})
        again = self.c.call("offer.match", {"id": "o-del"})
        self.assertEqual(self.suggested_ids(again), ["d-b"])
        self.assertEqual(again["considered"], 1)

    def test_updated_candidate_is_rescored(self):
        self.put_candidates([candidate("u-a"), candidate("u-b")])
        self.put_offer(offer("o-upd"))
        self.put_candidates([candidate("u-a", status="placed")])
        again = self.c.call("offer.match", {"id": "o-upd"})
        self.assertEqual(self.suggested_ids(again), ["u-b"])
        self.assertEqual(normalize_excluded(again["excluded"]), {"status": 1})

    def test_offer_put_again_replaces_the_offer(self):
        self.put_candidates([candidate("p-a", contracts=["cdi"])])
        first = self.put_offer(offer("o-replace", contract="cdi"))
        self.assertEqual(self.suggested_ids(first), ["p-a"])
        second = self.put_offer(offer("o-replace", contract="interim",
                                      title="Coffreur (intérim)"))
        self.assertEqual(second["suggestions"], [])
        self.assertEqual(normalize_excluded(second["excluded"]),
                         {"contract": 1})
        got = self.c.call("offer.get", {"id": "o-replace"})
        self.assertEqual(got["offer"]["title"], "Coffreur (intérim)")
        self.assertEqual(got["offer"]["contract"], "interim")

    def test_offer_put_again_in_another_sector_moves_it(self):
        self.put_candidates([candidate("mv-bat"),
                             candidate("mv-hot", sectors=["hotellerie"],
                                       jobs=[{"rome": "G1602", "months": 6}])])
        first = self.put_offer(offer("o-move"))
        self.assertEqual(self.suggested_ids(first), ["mv-bat"])
        second = self.put_offer(offer("o-move", rome="G1602",
                                      title="Commis de cuisine"))
        self.assertEqual(second["offer"]["sector"], "hotellerie")
        self.assertEqual(self.suggested_ids(second), ["mv-hot"])
        got = self.c.call("offer.get", {"id": "o-move"})
        self.assertEqual(got["offer"]["sector"], "hotellerie")
        self.assertEqual(got["status"], "open")
        self.assertEqual(self.c.call("stats")["offers"],
                         {"open": 1, "closed": 0, "merged": 0})
        self.assertEqual(self.redis.hget(harness.PREFIX + ":offers",
                                         "o-move"), "hotellerie")
        self.assertIsNone(self.redis.cli("ZSCORE", "%s:{batiment}:offers" % (
            harness.PREFIX), "o-move") or None)
        again = self.c.call("offer.match", {"id": "o-move"})
        self.assertEqual(self.suggested_ids(again), ["mv-hot"])

    def test_offer_with_coordinates_instead_of_a_commune(self):
        self.put_candidates([candidate("xy-1", commune="59271")])
        _, lat, lon = harness.COMMUNES["59183"]
        res = self.put_offer(offer("o-xy", commune=None, lat=lat, lon=lon))
        self.assertAlmostEqual(res["offer"]["lat"], lat, places=4)
        s = self.suggestion(res, "xy-1")
        self.assertAlmostEqual(s["distance_km"],
                               harness.commune_distance_km("59271", "59183"),
                               delta=0.3)
        self.assertRpcError("invalid_argument", ..., "offer.put",
                            offer("o-noplace", commune=None))

    def test_close_then_match_is_refused(self):
        self.put_candidates([candidate("k-a")])
        self.put_offer(offer("o-close"))
        r = self.c.call("offer.close", {"id": "o-close", "reason": "pourvue"})
        self.assertEqual(r, {"id": "o-close", "status": "closed",
                             "reason": "pourvue"})
        got = self.c.call("offer.get", {"id": "o-close"})
        self.assertEqual(got["status"], "closed")
        self.assertEqual(got["closed_reason"], "pourvue")
        self.assertEqual(self.redis.hget(harness.offer_key("batiment",
                                                           "o-close"),
                                         "status"), "closed")
        self.assertRpcError("invalid_argument", ..., "offer.match",
                            {"id": "o-close"})
        stats = self.c.call("stats")
        self.assertEqual(stats["offers"], {"open": 0, "closed": 1,
                                           "merged": 0})

    def test_unknown_offer_is_not_found(self):
        for method in ("offer.get", "offer.match", "offer.close"):
            self.assertRpcError("not_found", "id", method, {"id": "o-none"})

    def test_offer_validation_names_the_field(self):
        cases = [
            (offer("v-1", source=None), "source"),
            (offer("v-2", source="leboncoin"), "source"),
            (offer("v-3", title=None), "title"),
            (offer("v-4", title="x" * 201), "title"),
            (offer("v-5", rome="Z9999"), "rome"),
            (offer("v-6", contract=None), "contract"),
            (offer("v-7", contract="stage"), "contract"),
            (offer("v-8", commune="75056"), "commune"),
            (offer("v-9", start="2025-13-01"), "start"),
            (offer("v-10", max_km=0), "max_km"),
            (offer("v-11", positions=0), "positions"),
            (offer("v-12", source="clause"), "clause"),
            (offer("v-12b", source="clause",
                   clause={"operation": "op-undeclared", "hours": 10}),
             "clause.operation"),
            (offer("v-13", unknown_key=1), "unknown_key"),
            (offer("v-14", age_min=10), "age_min"),
            (offer("v-15", skills_required=["s%d" % i for i in range(17)]),
             "skills_required"),
            (offer("bad id"), "id"),
        ]
        for rec, field in cases:
            with self.subTest(field=field, id=rec["id"]):
                err = self.assertRpcError("invalid_argument", ...,
                                          "offer.put", rec)
                self.assertIsNotNone(err.field, rec)
                self.assertTrue(err.field.startswith(field),
                                "%r: field %r, want %r" % (rec, err.field,
                                                           field))
                if " " not in rec["id"]:
                    self.assertRpcError("not_found", "id", "offer.get",
                                        {"id": rec["id"]})
                    self.assertFalse(self.redis.hexists(
                        harness.PREFIX + ":offers", rec["id"]))


if __name__ == "__main__":
    harness.main()
