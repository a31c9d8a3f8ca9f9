#!/usr/bin/python3
"""Clause emploi (docs/CLAUSE.md): operations declared with clause.put,
clause offers checked against them, hires written with the referral move,
clause.report per operation and contractor, the report unchanged after a
restart, the behind flag pushed to subscribers, field errors, and the HTTP
routes."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (candidate, offer, days_from_today,  # noqa: E402
                     age_birth_date)

HIRES_KEY = harness.PREFIX + ":{batiment}:clause:hires"
OPS_KEY = harness.PREFIX + ":clause:ops"
# 100 of the period's 366 days are over.
ELAPSED, DAYS = 100, 366


def operation(oid, **fields):
    """An operation of the CUD running for 100 of its 366 days, with two
    contractors: Bouygues TP (5 % of 40,000 h: 2,000 h) and Ramery
    (700 h)."""
    rec = {
        "id": oid,
        "name": "Terminal méthanier : voiries et réseaux",
        "authority": "Communauté urbaine de Dunkerque",
        "start": days_from_today(-ELAPSED),
        "end": days_from_today(DAYS - ELAPSED - 1),
        "contractors": [
            {"id": "bouygues-tp", "name": "Bouygues TP",
             "hours_total": 40000, "rate": 5},
            {"id": "ramery", "name": "Ramery", "hours_committed": 700},
        ],
    }
    rec.update(fields)
    return {k: v for k, v in rec.items() if v is not None}


def clause_offer(oid, op, contractor=None, hours=400, **fields):
    clause = {"operation": op, "hours": hours}
    if contractor is not None:
        clause["contractor"] = contractor
    fields.setdefault("title", "Coffreur bancheur (clause d'insertion)")
    # Room for every hire of a test: a filled offer closes ("pourvue").
    fields.setdefault("positions", 10)
    return offer(oid, source="clause", clause=clause, **fields)


def expected(committed, elapsed=ELAPSED, days=DAYS):
    return committed * elapsed // days


class ClauseTestCase(harness.MatcherdTestCase):

    def hire(self, oid, cid, client=None):
        c = client or self.c
        for st in ("validated", "sent", "interview", "hired"):
            c.call("referral.update", {"offer": oid, "candidate": cid,
                                       "status": st})

    def rows(self, op_report):
        return {r["id"]: r for r in op_report["contractors"]}


class Report(ClauseTestCase):

    def load(self):
        """Two contractors' offers and one without contractor; five hires
        of four people."""
        self.put_candidates([
            candidate("c-rsa", criteria=["rsa"]),
            candidate("c-young", birth_date=age_birth_date(22), level=3),
            candidate("c-deld", criteria=["deld"]),
            candidate("c-th", criteria=["th", "qpv"]),
        ])
        self.assertEqual(self.c.call("clause.put", operation("op-cud")),
                         {"id": "op-cud", "created": True})
        for rec in (clause_offer("o-b1", "op-cud", "bouygues-tp", 400),
                    clause_offer("o-b2", "op-cud", "bouygues-tp", 300),
                    clause_offer("o-ram", "op-cud", "ramery", 150),
                    clause_offer("o-none", "op-cud", None, 100)):
            self.put_offer(rec)
        self.hire("o-b1", "c-rsa")
        self.hire("o-b1", "c-young")
        self.hire("o-b2", "c-rsa")
        self.hire("o-ram", "c-deld")
        self.hire("o-none", "c-th")

    def check_report(self, client):
        rep = client.call("clause.report", {"operation": "op-cud"})
        self.assertEqual(rep["today"], harness.iso(harness.today()))
        self.assertEqual(rep["matched"], 1)
        self.assertEqual(rep["behind"], 1)    # Ramery is
        op = rep["operations"][0]
        self.assertEqual(op["id"], "op-cud")
        self.assertEqual(op["authority"], "Communauté urbaine de Dunkerque")
        self.assertEqual(op["period"], "running")
        self.assertEqual(
            {k: op[k] for k in ("hours_committed", "hours_realised",
                                "hours_expected", "percent", "contracts",
                                "people", "behind")},
            {"hours_committed": 2700, "hours_realised": 1350,
             "hours_expected": expected(2700), "percent": 50.0,
             "contracts": 5, "people": 4, "behind": False})
        self.assertIsNone(op["hours_total"])   # Ramery's is not known
        # c-young is jeune_peu_qualifie by age and level, on the day.
        self.assertEqual(op["hired_criteria"],
                         {"rsa": 1, "jeune_peu_qualifie": 1, "deld": 1,
                          "th": 1, "qpv": 1})
        rows = self.rows(op)
        self.assertEqual(list(rows), ["bouygues-tp", "ramery", None])
        b = rows["bouygues-tp"]
        self.assertEqual(
            {k: b[k] for k in ("name", "declared", "rate", "hours_total",
                               "hours_committed", "hours_realised",
                               "hours_expected", "percent", "contracts",
                               "people", "behind", "hired_criteria")},
            {"name": "Bouygues TP", "declared": True, "rate": 5.0,
             "hours_total": 40000, "hours_committed": 2000,
             "hours_realised": 1100, "hours_expected": expected(2000),
             "percent": 55.0, "contracts": 3, "people": 2, "behind": False,
             "hired_criteria": {"rsa": 1, "jeune_peu_qualifie": 1}})
        r = rows["ramery"]
        self.assertEqual((r["hours_committed"], r["hours_realised"],
                          r["hours_expected"], r["percent"], r["people"],
                          r["behind"]),
                         (700, 150, expected(700), 21.4, 1, True))
        self.assertIsNone(r["rate"])
        none = rows[None]
        self.assertEqual((none["declared"], none["name"],
                          none["hours_committed"], none["hours_realised"],
                          none["behind"], none["hired_criteria"]),
                         (False, None, 0, 100, False, {"th": 1, "qpv": 1}))
        # The hires, newest first.
        self.assertEqual(len(op["hires"]), 5)
        self.assertEqual(sorted((h["offer"], h["candidate"], h["hours"])
                                for h in op["hires"]),
                         [("o-b1", "c-rsa", 400), ("o-b1", "c-young", 400),
                          ("o-b2", "c-rsa", 300), ("o-none", "c-th", 100),
                          ("o-ram", "c-deld", 150)])
        times = [h["hired_at"] for h in op["hires"]]
        self.assertEqual(times, sorted(times, reverse=True))
        return rep

    def test_hours_of_hired_contracts_count_against_the_operation(self):
        self.load()
        self.check_report(self.c)
        # Written by the referral script, under the offers' sector.
        self.assertEqual(self.redis.cli_int("HLEN", HIRES_KEY), 5)
        h = self.redis.hget_msgpack(HIRES_KEY, "o-ram\tc-deld")
        self.assertEqual(h["operation"], "op-cud")
        self.assertEqual(h["contractor"], "ramery")
        self.assertEqual(h["hours"], 150)
        self.assertEqual(h["criteria"], ["deld"])
        got = self.c.call("clause.get", {"id": "op-cud"})
        self.assertEqual(sorted(o["id"] for o in got["offers"]),
                         ["o-b1", "o-b2", "o-none", "o-ram"])
        self.assertEqual(self.c.call("stats")["clause"],
                         {"operations": 1, "hires": 5,
                          "hours_realised": 1350})
        # Per contractor, across operations.
        rep = self.c.call("clause.report", {"contractor": "ramery"})
        self.assertEqual(rep["total"]["hours_realised"], 150)
        self.assertEqual(len(rep["operations"][0]["contractors"]), 1)
        self.assertNotIn("hires", rep["operations"][0])
        self.assertEqual(self.c.call("clause.report", {"behind": True})[
            "matched"], 1)

    def test_offer_status_names_the_contractor(self):
        self.load()
        res = self.c.call("offer.match", {"id": "o-ram"})
        self.assertEqual(res["clause"], {
            "operation": "op-cud", "contractor": "ramery",
            "hours_committed": 700, "hours_realised": 150,
            "hours_expected": expected(700), "percent": 21.4,
            "period": "running", "behind": True,
            "reason": "engagement de Ramery en retard : 150 h réalisées sur"
                      " %d h attendues à ce jour (700 h d'ici le %s)" % (
                          expected(700), "/".join(reversed(
                              days_from_today(DAYS - ELAPSED - 1).split(
                                  "-"))))})
        self.assertIsNone(res["possible_duplicate_of"])
        res = self.c.call("offer.match", {"id": "o-none"})
        self.assertEqual((res["clause"]["contractor"],
                          res["clause"]["hours_realised"],
                          res["clause"]["behind"]), (None, 1350, False))
        # An offer without clause has none.
        self.assertIsNone(self.put_offer(offer("o-plain"))["clause"])

    def restart_keeps_the_report(self, sig):
        self.load()
        before = self.check_report(self.c)
        lists = self.c.call("clause.list")
        get = self.c.call("clause.get", {"id": "op-cud"})
        full = self.c.call("clause.report")
        self.d.stop(sig, timeout=10)
        d2 = self.start_matcherd()
        c2 = self.client(d2)
        self.assertEqual(self.check_report(c2), before)
        self.assertEqual(c2.call("clause.list"), lists)
        self.assertEqual(c2.call("clause.get", {"id": "op-cud"}), get)
        self.assertEqual(c2.call("clause.report"), full)
        # And it goes on counting.
        c2.call("candidate.put", candidate("c-new", criteria=["rsa"]))
        c2.call("offer.match", {"id": "o-ram"})
        self.hire("o-ram", "c-new", client=c2)
        rep = c2.call("clause.report", {"operation": "op-cud"})
        self.assertEqual(self.rows(rep["operations"][0])["ramery"][
            "hours_realised"], 300)

    def test_sigterm_restart_keeps_the_report(self):
        self.restart_keeps_the_report(signal.SIGTERM)

    def test_sigkill_restart_keeps_the_report(self):
        self.restart_keeps_the_report(signal.SIGKILL)

    def test_offer_moved_to_another_sector_keeps_its_hires(self):
        self.load()
        before = self.c.call("clause.report")
        # G1602 is hotellerie: the offer moves, its hires stay counted.
        moved = clause_offer("o-b1", "op-cud", "bouygues-tp", 400,
                             rome="G1602", title="Commis (clause)")
        self.put_offer(moved)
        self.assertEqual(self.c.call("clause.report"), before)
        self.d.stop(signal.SIGKILL, timeout=10)
        c2 = self.client(self.start_matcherd())
        self.assertEqual(c2.call("clause.report"), before)

    def test_an_operation_update_keeps_hires(self):
        self.load()
        op = operation("op-cud", name="Terminal méthanier, lot 2",
                       contractors=operation("x")["contractors"] + [
                           {"id": "eiffage", "name": "Eiffage",
                            "hours_committed": 300}])
        self.assertEqual(self.c.call("clause.put", op),
                         {"id": "op-cud", "created": False})
        rep = self.c.call("clause.report", {"operation": "op-cud"})
        o = rep["operations"][0]
        self.assertEqual(o["name"], "Terminal méthanier, lot 2")
        self.assertEqual((o["hours_committed"], o["hours_realised"]),
                         (3000, 1350))
        self.assertEqual(self.rows(o)["eiffage"]["hours_realised"], 0)
        # A contractor with hires or offers cannot go.
        for keep, named in (("ramery", "bouygues-tp"),
                            ("bouygues-tp", "ramery")):
            rec = operation("op-cud", contractors=[
                c for c in operation("x")["contractors"] if c["id"] == keep])
            err = self.assertRpcError("invalid_argument", "contractors",
                                      "clause.put", rec)
            self.assertIn("contractor %s" % named, err.message)
        self.assertEqual(len(self.c.call("clause.get", {"id": "op-cud"})[
            "contractors"]), 3)

    def test_a_refused_move_writes_no_hire(self):
        self.load()
        self.put_candidates([candidate("c-other", criteria=["rsa"])])
        self.c.call("offer.match", {"id": "o-b2"})
        self.assertRpcError("conflict", "status", "referral.update",
                            {"offer": "o-b2", "candidate": "c-other",
                             "status": "hired"})
        self.assertEqual(self.redis.cli_int("HLEN", HIRES_KEY), 5)
        # Nor does a hire on an offer without clause.
        self.put_offer(offer("o-plain"))
        self.hire("o-plain", "c-other")
        self.assertEqual(self.redis.cli_int("HLEN", HIRES_KEY), 5)
        self.assertEqual(self.c.call("stats")["clause"]["hires"], 5)


class Behind(ClauseTestCase):

    def test_behind_is_pushed_with_the_offer(self):
        self.put_candidates([candidate("c-1", criteria=["rsa"]),
                             candidate("c-2", criteria=["deld"])])
        # 200 of 366 days over, nothing realised: behind.
        self.c.call("clause.put", {
            "id": "op-late", "name": "Piscine de Grande-Synthe",
            "authority": "Communauté urbaine de Dunkerque",
            "start": days_from_today(-200), "end": days_from_today(165),
            "hours_committed": 3650})
        sub = self.client()
        sub.call("subscribe", {"sources": ["clause"]})
        put = self.put_offer(clause_offer("o-late", "op-late", None, 2000))
        method, payload = sub.next_notification(timeout=10)
        self.assertEqual(method, "suggestions")
        pushed = payload[0]
        self.assertEqual(pushed, put)
        st = pushed["clause"]
        want = expected(3650, 200, 366)
        self.assertEqual((st["operation"], st["contractor"],
                          st["hours_committed"], st["hours_realised"],
                          st["hours_expected"], st["behind"]),
                         ("op-late", None, 3650, 0, want, True))
        self.assertTrue(st["reason"].startswith(
            "opération en retard : 0 h réalisées sur %d h attendues à ce"
            " jour" % want), st["reason"])
        # A hire of 2,000 h catches up: the next push says so.
        self.hire("o-late", "c-1")
        again = self.c.call("offer.match", {"id": "o-late"})
        # The hire's moves come first, as "referral" events.
        method = None
        while method != "suggestions":
            method, payload = sub.next_notification(timeout=10)
        self.assertEqual(payload[0], again)
        self.assertEqual((again["clause"]["hours_realised"],
                          again["clause"]["behind"],
                          again["clause"]["reason"]), (2000, False, None))

    def test_an_operation_not_started_is_never_behind(self):
        self.c.call("clause.put", {
            "id": "op-next", "name": "Écoles", "authority": "CUD",
            "start": days_from_today(30), "end": days_from_today(400),
            "hours_committed": 1000})
        res = self.put_offer(clause_offer("o-next", "op-next"))
        self.assertEqual((res["clause"]["period"], res["clause"]["behind"],
                          res["clause"]["hours_expected"]),
                         ("upcoming", False, 0))

    def test_an_operation_over_and_short_is_behind(self):
        self.c.call("clause.put", {
            "id": "op-done", "name": "Logements", "authority":
            "Partenord Habitat", "start": "2024-01-01",
            "end": "2024-12-31", "hours_total": 20000, "rate": 5})
        st = self.put_offer(clause_offer("o-done", "op-done"))["clause"]
        self.assertEqual((st["period"], st["hours_committed"],
                          st["hours_expected"], st["behind"]),
                         ("over", 1000, 1000, True))
        self.assertEqual(st["reason"], "opération terminée le 31/12/2024"
                         " sans atteindre son engagement : 0 h réalisées"
                         " sur 1000 h engagées")


class Validation(ClauseTestCase):

    def test_bad_operations_name_the_field(self):
        many = [{"id": "c-%d" % i, "name": "C", "hours_committed": 1}
                for i in range(33)]
        cases = [
            (operation("v-1", name=None), "name"),
            (operation("v-2", authority=""), "authority"),
            (operation("v-3", start="2026-02-30"), "start"),
            (operation("v-4", end="2000-01-01"), "end"),
            (operation("v-5", criteria=["rsa", "chomeur"]), "criteria[1]"),
            (operation("v-6", contractors=[
                {"id": "x", "name": "X", "hours_total": 100, "rate": 150}]),
             "contractors[0].rate"),
            (operation("v-7", contractors=[
                {"id": "x", "name": "X", "hours_committed": 1},
                {"id": "x", "name": "Y", "hours_committed": 1}]),
             "contractors[1].id"),
            (operation("v-8", contractors=many), "contractors"),
            (operation("v-9", hours_committed=10), "hours_committed"),
            (operation("v-10", contractors=[]), "hours_committed"),
            (operation("v-11", contractors=[
                {"id": "x", "name": "X", "hours_total": 100,
                 "hours_committed": 8, "rate": 5}]), "contractors[0].rate"),
            (operation("v-12", contractors=[
                {"id": "x", "name": "X"}]),
             "contractors[0].hours_committed"),
            (operation("v-13", siret="123"), "siret"),
            (operation("bad id"), "id"),
            (operation("v-14", name="x" * 201), "name"),
        ]
        for rec, field in cases:
            with self.subTest(field=field, id=rec["id"]):
                self.assertRpcError("invalid_argument", field, "clause.put",
                                    rec)
                self.assertFalse(self.redis.hexists(OPS_KEY, rec["id"]))
        self.assertRpcError("invalid_argument", None, "clause.put", [])
        self.assertEqual(self.c.call("clause.list"), {"operations": []})
        # Wrapped, like the other puts.
        self.assertEqual(self.c.call("clause.put",
                                     {"operation": operation("v-ok")}),
                         {"id": "v-ok", "created": True})

    def test_clause_offers_must_name_a_declared_operation(self):
        self.c.call("clause.put", operation("op-1"))
        self.c.call("clause.put", operation(
            "op-own", contractors=None, hours_committed=500))
        cases = [
            (clause_offer("o-1", "op-unknown"), "clause.operation",
             "unknown operation op-unknown (declare it with clause.put)"),
            (clause_offer("o-2", "op-1", "eiffage"), "clause.contractor",
             "eiffage is not a contractor of operation op-1"),
            (clause_offer("o-3", "op-own", "eiffage"), "clause.contractor",
             "lists no contractors"),
            (clause_offer("o-4", "op-1", "ramery", hours=0),
             "clause.hours", "hours of the work contract"),
        ]
        for rec, field, message in cases:
            with self.subTest(field=field, id=rec["id"]):
                err = self.assertRpcError("invalid_argument", field,
                                          "offer.put", rec)
                self.assertIn(message, err.message)
                self.assertRpcError("not_found", "id", "offer.get",
                                    {"id": rec["id"]})
        self.put_offer(clause_offer("o-ok", "op-1", "ramery"))
        self.put_offer(clause_offer("o-ok-2", "op-own"))

    def test_bad_report_params(self):
        cases = [({"operation": "bad id"}, "operation"),
                 ({"contractor": 12}, "contractor"),
                 ({"behind": "yes"}, "behind"),
                 ({"count": 0}, "count"),
                 ({"count": 501}, "count")]
        for params, field in cases:
            with self.subTest(params=params):
                self.assertRpcError("invalid_argument", field,
                                    "clause.report", params)
        self.assertRpcError("not_found", "operation", "clause.report",
                            {"operation": "op-none"})
        self.assertRpcError("not_found", "id", "clause.get", {"id": "x"})
        self.assertRpcError("invalid_argument", "id", "clause.get", {})
        self.assertRpcError("invalid_argument", "count", "clause.list",
                            {"count": 501})
        empty = self.c.call("clause.report")
        self.assertEqual((empty["matched"], empty["operations"],
                          empty["total"]["hours_committed"],
                          empty["total"]["percent"]), (0, [], 0, None))


class Http(ClauseTestCase):

    def test_routes(self):
        r = self.http("PUT", "/api/clause/operations/op-http",
                      operation("op-http"))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json, {"id": "op-http", "created": True})
        r = self.http("PUT", "/api/clause/operations/op-http",
                      operation("op-http", name="Autre"))
        self.assertEqual(r.status, 200, r)
        r = self.http("PUT", "/api/clause/operations/op-http",
                      operation("op-other"))
        self.assertEqual((r.status, r.error["field"]), (400, "id"))
        r = self.http("GET", "/api/clause/operations")
        self.assertEqual([o["name"] for o in r.json["operations"]],
                         ["Autre"])
        r = self.http("GET", "/api/clause/operations/op-http")
        self.assertEqual(r.json["contractors"][0]["hours_committed"], 2000)
        r = self.http("GET", "/api/clause/operations/op-none")
        self.assertEqual((r.status, r.error["code"]), (404, "not_found"))
        r = self.http("GET", "/api/clause/report?operation=op-http&behind=1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["matched"], 1)   # Ramery is behind
        r = self.http("GET", "/api/clause/report?behind=false&count=5")
        self.assertEqual(r.json["operations"][0]["id"], "op-http")
        r = self.http("GET", "/api/clause/report?behind=maybe")
        self.assertEqual((r.status, r.error["field"]), (400, "behind"))
        r = self.http("GET", "/api/clause/report?sector=batiment")
        self.assertEqual((r.status, r.error["field"]), (400, "sector"))
        r = self.http("PUT", "/api/clause/operations/op-bad",
                      operation("op-bad", end="2000-01-01"))
        self.assertEqual((r.status, r.error["field"]), (400, "end"))


if __name__ == "__main__":
    harness.main()
