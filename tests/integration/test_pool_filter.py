#!/usr/bin/python3
"""candidate.list filters (proto/PROTOCOL.md; docs/HTTP.md): a planted
pool whose answer to every filter is known exactly, over RPC and HTTP;
paging by cursor and by offset across the whole filtered set (every
person once, the total the same on every page); the audit entries of the
returned page only; bad parameters naming their field."""

import datetime
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcClient, candidate, token_of  # noqa: E402
from test_http import HttpCase  # noqa: E402

N = 260
TOWNS = sorted(harness.COMMUNES)
ROMES = ["F1701", "F1702", "F1703", "H2909"]
STATUSES = ["available", "available", "available", "placed", "training"]


def planted(i):
    """Candidate i of the pool and what a filter reads of it."""
    today = harness.today()
    avail = {0: today + datetime.timedelta(days=30),
             1: today - datetime.timedelta(days=10)}.get(i % 4)
    rec = candidate(
        "pf-%03d" % i,
        sectors=["batiment", "industrie"] if i % 10 == 0 else
        ["industrie"] if i % 4 == 3 else ["batiment"],
        status=STATUSES[i % 5],
        jobs=[{"rome": ROMES[i % 4], "months": 12}],
        licences=[[], ["B"], ["C"]][i % 3],
        criteria=[["rsa"], ["rsa", "qpv"], ["qpv"], [], [], []][i % 6],
        skills=["sst", "oppbtp"] if i % 5 == 0 else ["sst"],
        commune=TOWNS[i % len(TOWNS)])
    if avail is not None:
        rec["available_from"] = harness.iso(avail)
    return rec


def held_licences(rec):
    # C implies B (licence closure, docs/SCORING.md); nothing else planted.
    return set(rec["licences"]) | ({"B"} if "C" in rec["licences"] else set())


def oracle(rec, f, sectors=None):
    """Whether rec passes the filter f (the RPC parameters)."""
    if sectors and not set(rec["sectors"]) & set(sectors):
        return False
    if "sector" in f and f["sector"] not in rec["sectors"]:
        return False
    if "status" in f and rec["status"] not in f["status"]:
        return False
    if "rome" in f and not any(j["rome"].startswith(f["rome"])
                               for j in rec["jobs"]):
        return False
    if "licence" in f and not set(f["licence"]) <= held_licences(rec):
        return False
    if "skill" in f and f["skill"] not in rec["skills"]:
        return False
    if "criteria" in f and not set(f["criteria"]) & set(rec["criteria"]):
        return False
    if "available_by" in f and "available_from" in rec:
        by = max(f["available_by"], harness.iso(harness.today()))
        if rec["available_from"] > by:
            return False
    if "commune" in f and harness.commune_distance_km(
            rec["commune"], f["commune"]) > f["within_km"]:
        return False
    if "q" in f and f["q"].lower() not in rec["id"].lower():
        return False
    return True


class PoolFilter(HttpCase):

    def setUp(self):
        super().setUp()
        self.pool = [planted(i) for i in range(N)]
        self.put_candidates(self.pool)

    def expected(self, f, sectors=None):
        return sorted(r["id"] for r in self.pool if oracle(r, f, sectors))

    def walk(self, f, count, client=None, by_offset=False):
        """Every page of f; the ids in order, checking the totals."""
        c = client or self.c
        ids, cursor, pages, total = [], None, 0, None
        while True:
            params = dict(f, count=count)
            if by_offset:
                params["offset"] = len(ids)
            elif cursor is not None:
                params["cursor"] = cursor
            r = c.call("candidate.list", params)
            pages += 1
            if total is None:
                total = r["total"]
            self.assertEqual(r["total"], total, "the total moved")
            self.assertEqual(r["offset"], len(ids))
            ids += [x["id"] for x in r["candidates"]]
            cursor = r["cursor"]
            if cursor is None:
                self.assertEqual(len(ids), total)
                return ids
            self.assertEqual(len(r["candidates"]), count)
            self.assertLess(pages, 1000, "the cursor never ends")

    def check(self, f, sectors=None, client=None):
        want = self.expected(f, sectors)
        for by_offset in (False, True):
            ids = self.walk(f, 7, client, by_offset)
            self.assertEqual(len(ids), len(set(ids)), "someone twice")
            self.assertEqual(sorted(ids), want, f)
        return want

    def test_each_filter_has_its_exact_total(self):
        near = {"commune": "59183", "within_km": 15}
        late = {"available_by": harness.days_from_today(40)}
        filters = [
            {}, {"status": ["available"]}, {"status": ["placed", "training"]},
            {"rome": "F1702"}, {"rome": "F17"}, {"rome": "H29"},
            {"licence": ["B"]}, {"licence": ["C"]}, {"skill": "oppbtp"},
            {"skill": "unheard-of"}, {"criteria": ["rsa"]},
            {"criteria": ["qpv", "rsa"]},
            {"available_by": harness.iso(harness.today())},
            {"available_by": "2000-01-01"},
            late, {"available_by": harness.days_from_today(29)},
            dict(near), {"commune": "62193", "within_km": 40},
            {"q": "pf-01"}, {"q": "PF-2"}, {"sector": "industrie"},
        ]
        for f in filters:
            want = self.check(f)
            # Each one selects: neither nobody nor everybody.
            self.assertTrue(0 < len(want) < N or f in ({}, {
                "skill": "unheard-of"}, late), (f, len(want)))
        # The brief's search: batiment, available now, B, 15 km, RSA.
        f = dict(near, sector="batiment", status=["available"],
                 available_by=harness.iso(harness.today()), licence=["B"],
                 criteria=["rsa"])
        self.assertGreater(len(self.check(f)), 3)
        self.assertEqual(self.c.call("candidate.list", {
            "updated_since": harness.iso(harness.today())})["total"], N)
        self.assertEqual(self.c.call("candidate.list", {
            "updated_since": harness.days_from_today(1)})[
                "total"], 0)

    def test_an_adviser_sees_the_totals_of_their_sectors(self):
        adv = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(adv)
        self.check({"licence": ["B"], "criteria": ["rsa"]},
                   sectors=["batiment"], client=adv)
        self.check({}, sectors=["batiment"], client=adv)
        self.assertRpcError("forbidden", "sector", "candidate.list",
                            {"sector": "industrie"}, client=adv)

    def test_only_the_returned_page_is_audited(self):
        adv = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(adv)
        r = adv.call("candidate.list", {"rome": "F17", "count": 5})
        self.assertGreater(r["total"], 5)
        entries = self.c.call("audit.list", {"user": "adv-batiment",
                                             "count": 500})["entries"]
        mine = [e for e in entries if e["method"] == "candidate.list"]
        # One entry for the call itself (methods.c), one per person shown.
        self.assertEqual(sum(e["candidate"] is None for e in mine), 1)
        got = sorted(e["candidate"] for e in mine if e["candidate"])
        self.assertEqual(got, sorted(x["id"] for x in r["candidates"]))

    def test_http_takes_the_same_filters(self):
        f = {"status": ["available", "training"], "licence": ["B"],
             "criteria": ["rsa", "qpv"], "rome": "F17",
             "commune": "59183", "within_km": 20}
        want = self.expected(f)
        query = {"status": "available,training", "licence": "B",
                 "criteria": "rsa,qpv", "rome": "F17", "commune": "59183",
                 "within_km": "20", "count": "9"}
        ids, cursor, total = [], None, None
        while True:
            q = dict(query, cursor=cursor) if cursor else query
            r = self.http("GET", "/api/candidates?" +
                          urllib.parse.urlencode(q))
            self.assertStatus(r, 200)
            total = r.json["total"] if total is None else total
            self.assertEqual(r.json["total"], total)
            ids += [x["id"] for x in r.json["candidates"]]
            cursor = r.json["cursor"]
            if cursor is None:
                break
        self.assertEqual(sorted(ids), want)
        self.assertEqual(total, len(want))
        r = self.http("GET", "/api/candidates?" + urllib.parse.urlencode(
            dict(query, offset="9")))
        self.assertEqual([x["id"] for x in r.json["candidates"]], ids[9:18])
        self.assertEqual(r.json["offset"], 9)
        for q, field in (("status=asleep", "status[0]"),
                         ("within_km=abc&commune=59183", "within_km"),
                         ("commune=59183", "within_km"),
                         ("available_by=31/12/2026", "available_by"),
                         ("rome=Z99", "rome"), ("offset=-1", "offset")):
            self.assertHttpError(self.http("GET", "/api/candidates?" + q),
                                 400, "invalid_argument", field)

    def test_bad_parameters_name_their_field(self):
        bad = [
            ({"status": "available"}, "status"),
            ({"status": ["asleep"]}, "status[0]"),
            ({"status": ["available"] * 33}, "status"),
            ({"licence": ["Z"]}, "licence[0]"),
            ({"criteria": ["rich"]}, "criteria[0]"),
            ({"rome": "F170"}, "rome"), ({"rome": "F1799"}, "rome"),
            ({"rome": 17}, "rome"), ({"skill": "Caces R489"}, "skill"),
            ({"skill": "x" * 41}, "skill"),
            ({"available_by": "2026-02-30"}, "available_by"),
            ({"updated_since": "yesterday"}, "updated_since"),
            ({"commune": "59183"}, "within_km"),
            ({"within_km": 10}, "commune"),
            ({"commune": "75056", "within_km": 10}, "commune"),
            ({"commune": "59183", "within_km": 301}, "within_km"),
            ({"commune": "59183", "within_km": 0}, "within_km"),
            ({"q": "a b"}, "q"), ({"q": "x" * 65}, "q"),
            ({"offset": -1}, "offset"), ({"offset": 1000001}, "offset"),
            ({"offset": 5, "cursor": "3"}, "offset"),
        ]
        for params, field in bad:
            self.assertRpcError("invalid_argument", field, "candidate.list",
                                params)

    def test_matchctl_candidate_list_filters(self):
        f = {"rome": "F17", "licence": ["B"], "criteria": ["rsa", "qpv"],
             "commune": "59183", "within_km": 12}
        want = self.expected(f)
        r = harness.matchctl(
            self.d.addr, "candidate", "list", "--filter", "rome=F17",
            "--filter", "licence=B", "--filter=criteria=rsa,qpv",
            "--filter", "commune=59183", "--filter", "within_km=12",
            "--count", "4", "--all")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(line.split()[0] for line in
                                r.stdout.splitlines()), want)
        self.assertIn("%d candidates match" % len(want), r.stderr)
        for bad in ("colour=red", "rome", "within_km=far"):
            r = harness.matchctl(self.d.addr, "candidate", "list",
                                 "--filter", bad)
            self.assertEqual(r.returncode, 64, (bad, r.stderr))
        r = harness.matchctl(self.d.addr, "candidate", "list",
                             "--filter", "rome=Z99")
        self.assertEqual(r.returncode, 1)
        self.assertIn("rome", r.stderr)


if __name__ == "__main__":
    harness.main()
