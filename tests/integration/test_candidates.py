#!/usr/bin/python3
"""Candidates (proto/PROTOCOL.md, Records / Candidate; docs/REDIS.md):
put, get, delete, list, validation errors naming the field, and what is
left in Redis."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcError, candidate, cand_key  # noqa: E402

VALID_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Seventeen distinct ROME codes of the F16/F17 domains.
ROME_CODES = ["F16%02d" % i for i in range(1, 14)] + \
    ["F17%02d" % i for i in range(1, 5)]

CANDIDATE_FIELDS = (
    "id", "sectors", "jobs", "skills", "licences", "vehicle", "level",
    "commune", "lat", "lon", "radius_km", "available_from", "contracts",
    "working_time", "birth_date", "criteria", "barriers", "status",
    "adviser", "consent_partners")


class Candidates(harness.MatcherdTestCase):

    def assertNotStored(self, cid):
        with self.assertRaises(RpcError) as cm:
            self.c.call("candidate.get", {"id": cid})
        # An id of bad syntax may be refused as such by candidate.get.
        self.assertIn(cm.exception.code, ("not_found", "invalid_argument"))
        self.assertEqual(cm.exception.field, "id")
        if VALID_ID.match(cid):
            self.assertEqual(cm.exception.code, "not_found")
        self.assertFalse(self.redis.hexists(cand_key(cid), cid),
                         "%s is in Redis (%s)" % (cid, cand_key(cid)))

    def assertRefused(self, rec, field, cid=None):
        """candidate.put of rec fails with invalid_argument naming field,
        and nothing is stored."""
        err = self.assertRpcError("invalid_argument", field,
                                  "candidate.put", rec)
        self.assertTrue(err.message, "empty error message")
        cid = cid if cid is not None else rec.get("id")
        if cid:
            self.assertNotStored(cid)
        return err

    # ---- put / get / delete -----------------------------------------------

    def test_put_creates_then_replaces(self):
        r = self.c.call("candidate.put", candidate("c-1"))
        self.assertEqual(r, {"id": "c-1", "created": True})
        r = self.c.call("candidate.put", candidate("c-1", level=4))
        self.assertEqual(r, {"id": "c-1", "created": False})
        self.assertEqual(self.c.call("candidate.get", {"id": "c-1"})["level"],
                         4)

    def test_put_accepts_the_wrapped_form(self):
        r = self.c.call("candidate.put", {"candidate": candidate("c-w")})
        self.assertEqual(r, {"id": "c-w", "created": True})
        self.assertEqual(self.c.call("candidate.get", {"id": "c-w"})["id"],
                         "c-w")

    def test_get_returns_the_canonical_map_with_defaults(self):
        minimal = {"id": "c-min", "sectors": ["batiment"],
                   "jobs": [{"rome": "F1701", "months": 6}],
                   "commune": "59183"}
        self.c.call("candidate.put", minimal)
        got = harness.unlabelled(self.c.call("candidate.get",
                                             {"id": "c-min"}))
        for f in CANDIDATE_FIELDS:
            self.assertIn(f, got, "canonical map lacks %r" % f)
        self.assertEqual(got["id"], "c-min")
        self.assertEqual(got["sectors"], ["batiment"])
        self.assertEqual(got["jobs"], [{"rome": "F1701", "months": 6}])
        self.assertEqual(got["commune"], "59183")
        _, lat, lon = harness.COMMUNES["59183"]
        self.assertAlmostEqual(got["lat"], lat, places=3)
        self.assertAlmostEqual(got["lon"], lon, places=3)
        self.assertEqual(got["radius_km"], 15)
        self.assertEqual(got["status"], "available")
        self.assertEqual(got["working_time"], "any")
        self.assertEqual(got["level"], 0)
        self.assertIs(got["vehicle"], False)
        self.assertIs(got["consent_partners"], False)
        self.assertEqual(sorted(got["contracts"]), sorted(harness.CONTRACTS))
        for f in ("skills", "licences", "criteria", "barriers"):
            self.assertEqual(got[f], [], f)
        for f in ("available_from", "birth_date"):
            self.assertIn(got[f], (None, ""), f)
        self.assertEqual(got["open_referrals"], 0)

    def test_get_returns_what_was_put(self):
        rec = candidate("c-full", sectors=["batiment", "industrie"],
                        jobs=[{"rome": "F1701", "months": 30},
                              {"rome": "H2913", "months": 4}],
                        skills=["caces-r489-3", "sst"], licences=["B", "C"],
                        vehicle=True, level=4, commune="59271", radius_km=25,
                        available_from="2030-01-15", contracts=["cdi", "cdd"],
                        working_time="full", birth_date="1990-06-01",
                        criteria=["deld", "qpv"], barriers=["logement"],
                        status="training", adviser="Mme Durand",
                        consent_partners=True)
        self.c.call("candidate.put", rec)
        got = harness.unlabelled(self.c.call("candidate.get",
                                             {"id": "c-full"}))
        for k, v in rec.items():
            if k in ("sectors", "skills", "contracts", "criteria",
                     "barriers"):
                self.assertEqual(sorted(got[k]), sorted(v), k)
            elif k == "licences":
                # A licence implies others (C => B); those given are there.
                self.assertTrue(set(v) <= set(got[k]), (k, got[k]))
            else:
                self.assertEqual(got[k], v, k)
        _, lat, lon = harness.COMMUNES["59271"]
        self.assertAlmostEqual(got["lat"], lat, places=3)
        self.assertAlmostEqual(got["lon"], lon, places=3)

    def test_lat_lon_instead_of_a_commune(self):
        rec = candidate("c-geo", commune=None, lat=51.0, lon=2.3)
        self.c.call("candidate.put", rec)
        got = self.c.call("candidate.get", {"id": "c-geo"})
        self.assertAlmostEqual(got["lat"], 51.0, places=4)
        self.assertAlmostEqual(got["lon"], 2.3, places=4)

    def test_canonical_map_is_stored_in_its_redis_bucket(self):
        self.c.call("candidate.put", candidate("c-redis", level=5))
        stored = self.redis.hget_msgpack(cand_key("c-redis"), "c-redis")
        self.assertIsInstance(stored, dict)
        got = harness.unlabelled(self.c.call("candidate.get",
                                             {"id": "c-redis"}))
        got.pop("open_referrals", None)
        self.assertEqual(got.pop("followers"), [])
        self.assertEqual(stored, got)

    def test_delete_then_get_is_not_found(self):
        self.c.call("candidate.put", candidate("c-del"))
        self.assertTrue(self.redis.hexists(cand_key("c-del"), "c-del"))
        r = self.c.call("candidate.delete", {"id": "c-del"})
        self.assertEqual(r, {"id": "c-del", "deleted": True})
        self.assertNotStored("c-del")
        self.assertRpcError("not_found", "id", "candidate.delete",
                            {"id": "c-del"})
        # Put again after a delete: created anew.
        r = self.c.call("candidate.put", candidate("c-del"))
        self.assertEqual(r["created"], True)

    def test_get_unknown_is_not_found(self):
        self.assertRpcError("not_found", "id", "candidate.get",
                            {"id": "nobody"})

    def test_get_without_id_is_invalid(self):
        self.assertRpcError("invalid_argument", "id", "candidate.get", {})
        self.assertRpcError("invalid_argument", "id", "candidate.get", [])

    # ---- list -------------------------------------------------------------

    def list_all(self, count, sector=None):
        ids, cursor, pages = [], None, 0
        while True:
            params = {"count": count}
            if sector:
                params["sector"] = sector
            if cursor is not None:
                params["cursor"] = cursor
            r = self.c.call("candidate.list", params)
            pages += 1
            self.assertLessEqual(len(r["candidates"]), count)
            for cand in r["candidates"]:
                self.assertIsInstance(cand, dict)
                if sector:
                    self.assertIn(sector, cand["sectors"])
                ids.append(cand["id"])
            cursor = r["cursor"]
            if cursor is None:
                return ids, pages
            self.assertIsInstance(cursor, str)
            self.assertLess(pages, 1000, "cursor never ends")

    def test_list_pages_through_a_sector_without_duplicates(self):
        bat = ["b-%03d" % i for i in range(70)]
        ind = ["i-%03d" % i for i in range(45)]
        both = ["x-%03d" % i for i in range(10)]
        self.put_candidates(
            [candidate(i) for i in bat] +
            [candidate(i, sectors=["industrie"],
                       jobs=[{"rome": "H2913", "months": 12}]) for i in ind] +
            [candidate(i, sectors=["industrie", "batiment"]) for i in both])
        ids, pages = self.list_all(count=7, sector="batiment")
        self.assertEqual(len(ids), len(set(ids)), "duplicates in the listing")
        self.assertEqual(set(ids), set(bat + both))
        self.assertGreaterEqual(pages, 12)
        ids, _ = self.list_all(count=200, sector="industrie")
        self.assertEqual(sorted(ids), sorted(ind + both))
        ids, _ = self.list_all(count=13)
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), set(bat + ind + both))

    def test_list_default_count_is_50(self):
        self.put_candidates([candidate("d-%03d" % i) for i in range(60)])
        r = self.c.call("candidate.list", {})
        self.assertEqual(len(r["candidates"]), 50)
        self.assertIsNotNone(r["cursor"])

    def test_list_skips_deleted_candidates(self):
        self.put_candidates([candidate("l-%02d" % i) for i in range(20)])
        for i in range(0, 20, 2):
            self.c.call("candidate.delete", {"id": "l-%02d" % i})
        ids, _ = self.list_all(count=3)
        self.assertEqual(sorted(ids), ["l-%02d" % i for i in range(1, 20, 2)])

    def test_list_of_an_empty_pool_ends_at_once(self):
        r = self.c.call("candidate.list", {"sector": "tertiaire"})
        self.assertEqual(r["candidates"], [])
        self.assertIsNone(r["cursor"])

    def test_list_count_bounds_and_bad_sector(self):
        self.assertRpcError("invalid_argument", "count", "candidate.list",
                            {"count": 0})
        self.assertRpcError("invalid_argument", "count", "candidate.list",
                            {"count": 201})
        self.assertRpcError("invalid_argument", "sector", "candidate.list",
                            {"sector": "agriculture"})
        self.assertRpcError("invalid_argument", "cursor", "candidate.list",
                            {"cursor": "not-a-cursor"})

    def test_stats_count_candidates_by_sector_and_status(self):
        self.put_candidates(
            [candidate("s-b%d" % i) for i in range(5)] +
            [candidate("s-p%d" % i, status="placed") for i in range(2)] +
            [candidate("s-h%d" % i, sectors=["hotellerie", "batiment"],
                       status="training") for i in range(3)])
        self.c.call("candidate.delete", {"id": "s-b0"})
        stats = self.c.call("stats")
        self.assertEqual(stats["candidates"], 9)
        by_sector = {k: v for k, v in stats["candidates_by_sector"].items()
                     if v}
        self.assertEqual(by_sector, {"batiment": 9, "hotellerie": 3})
        by_status = {k: v for k, v in stats["candidates_by_status"].items()
                     if v}
        self.assertEqual(by_status, {"available": 4, "placed": 2,
                                     "training": 3})
        self.assertIs(stats["redis"]["connected"], True)
        self.assertIsInstance(stats["uptime_s"], int)
        self.assertGreaterEqual(stats["requests"], 3)

    # ---- validation -------------------------------------------------------

    def test_unknown_rome_code_names_the_job(self):
        self.assertRefused(candidate("v-rome", jobs=[
            {"rome": "Z9999", "months": 3}]), "jobs[0].rome")
        self.assertRefused(candidate("v-rome2", jobs=[
            {"rome": "F1701", "months": 3}, {"rome": "F17", "months": 3}]),
            "jobs[1].rome")

    def test_months_out_of_range(self):
        self.assertRefused(candidate("v-months", jobs=[
            {"rome": "F1701", "months": 601}]), "jobs[0].months")
        self.assertRefused(candidate("v-months2", jobs=[
            {"rome": "F1701", "months": -1}]), "jobs[0].months")

    def test_unknown_commune(self):
        self.assertRefused(candidate("v-commune", commune="75056"),
                           "commune")
        self.assertRefused(candidate("v-commune2", commune="99999"),
                           "commune")

    def test_no_place_at_all(self):
        self.assertRpcError("invalid_argument", ..., "candidate.put",
                            candidate("v-noplace", commune=None))
        self.assertNotStored("v-noplace")

    def test_lat_without_lon(self):
        err = self.assertRefused(candidate("v-lat", commune=None, lat=51.0),
                                 ...)
        self.assertIn(err.field, ("lat", "lon"))

    def test_bad_dates(self):
        self.assertRefused(candidate("v-date", birth_date="2001-02-30"),
                           "birth_date")
        self.assertRefused(candidate("v-date2", available_from="15/01/2030"),
                           "available_from")
        self.assertRefused(candidate("v-date3", birth_date=19900101),
                           "birth_date")

    def test_unknown_field_is_refused_by_name(self):
        self.assertRefused(candidate("v-typo", raduis_km=10), "raduis_km")

    def test_missing_id(self):
        self.assertRefused(candidate("x", id=None), "id", cid="")

    def test_id_syntax(self):
        self.assertRefused(candidate("has space"), "id")
        self.assertRefused(candidate("slash/id"), "id")
        self.assertRefused(candidate(""), "id", cid="")
        self.assertRefused(candidate("x" * 65), "id")
        # 64 characters of the allowed set are fine.
        ok = "A-z_0.9:" * 8
        self.assertEqual(self.c.call("candidate.put", candidate(ok))["id"],
                         ok)

    def test_seventeen_jobs_are_too_many(self):
        jobs = [{"rome": code, "months": 12} for code in ROME_CODES]
        self.assertRefused(candidate("v-jobs", jobs=jobs), "jobs")
        jobs = jobs[:16]
        self.assertEqual(self.c.call("candidate.put",
                                     candidate("v-jobs16", jobs=jobs))["id"],
                         "v-jobs16")

    def test_no_jobs(self):
        self.assertRefused(candidate("v-nojobs", jobs=[]), "jobs")
        self.assertRefused(candidate("v-nojobs2", jobs=None), "jobs")

    def test_sectors(self):
        self.assertRefused(candidate("v-sec", sectors=[]), "sectors")
        err = self.assertRefused(candidate("v-sec2",
                                           sectors=["agriculture"]), ...)
        self.assertTrue(err.field.startswith("sectors"), err.field)

    def test_vocabularies(self):
        cases = [("licences", ["B", "Z"]), ("contracts", ["cdi", "stage"]),
                 ("criteria", ["rsa", "riche"]), ("barriers", ["meteo"])]
        for field, value in cases:
            err = self.assertRefused(candidate("v-" + field,
                                               **{field: value}), ...)
            self.assertTrue(err.field.startswith(field), (field, err.field))
        self.assertRefused(candidate("v-status", status="retired"), "status")
        self.assertRefused(candidate("v-wt", working_time="night"),
                           "working_time")

    def test_numeric_bounds(self):
        self.assertRefused(candidate("v-level", level=9), "level")
        self.assertRefused(candidate("v-radius", radius_km=0), "radius_km")
        self.assertRefused(candidate("v-radius2", radius_km=301), "radius_km")
        self.assertRefused(candidate("v-vehicle", vehicle="yes"), "vehicle")

    def test_skill_tags(self):
        err = self.assertRefused(candidate("v-skill", skills=["CACES R489"]),
                                 ...)
        self.assertTrue(err.field.startswith("skills"), err.field)
        err = self.assertRefused(candidate("v-skills",
                                           skills=["s%d" % i
                                                   for i in range(33)]), ...)
        self.assertTrue(err.field.startswith("skills"), err.field)

    def test_adviser_too_long(self):
        self.assertRefused(candidate("v-adv", adviser="a" * 65), "adviser")

    def test_refused_update_keeps_the_stored_record(self):
        self.c.call("candidate.put", candidate("keep", level=2))
        before = self.c.call("candidate.get", {"id": "keep"})
        stored_before = self.redis.hget_msgpack(cand_key("keep"), "keep")
        self.assertRpcError("invalid_argument", "jobs[0].rome",
                            "candidate.put",
                            candidate("keep", level=5,
                                      jobs=[{"rome": "Q0000", "months": 1}]))
        self.assertEqual(self.c.call("candidate.get", {"id": "keep"}), before)
        self.assertEqual(self.redis.hget_msgpack(cand_key("keep"), "keep"),
                         stored_before)

    def test_params_not_a_map_of_a_candidate(self):
        self.assertRpcError("invalid_argument", ..., "candidate.put",
                            {"candidate": "c-1"})
        self.assertRpcError("invalid_argument", ..., "candidate.put", {})


if __name__ == "__main__":
    harness.main()
