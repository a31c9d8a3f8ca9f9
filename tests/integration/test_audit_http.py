#!/usr/bin/python3
"""GET /api/audit (docs/HTTP.md): the audit trail of audit.list over HTTP,
with the roles of proto/PROTOCOL.md ("Who may do what") enforced by the
method dispatch, and the errors and statuses of the other routes."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import candidate, offer, token_of  # noqa: E402


class AuditHttp(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("c-bat"),
            candidate("c-ind", sectors=["industrie"],
                      jobs=[{"rome": harness.ROME_SOUDAGE, "months": 12}])])
        self.c.call("offer.put", offer("o-bat"))

    def get(self, user, path):
        """GET path as user (None: no token)."""
        return harness.http_request(self.d.http_addr, "GET", path,
                                    token=None if user is None else
                                    token_of(user))

    def entries(self, user, path):
        r = self.get(user, path)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "application/json"))
        self.assertEqual(list(r.json), ["entries"])
        return r.json["entries"]

    def assertRefused(self, r, status, code, field=...):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.error["code"], code, r)
        self.assertIsInstance(r.error["message"], str)
        if field is not ...:
            self.assertEqual(r.error["field"], field, r)

    def test_the_administrator_reads_the_whole_trail(self):
        self.get("adv-batiment", "/api/candidates/c-bat")
        self.get("adv-industrie", "/api/candidates/c-ind/referrals")
        entries = self.entries("admin", "/api/audit")
        for e in entries:
            self.assertEqual(set(e), {"at", "user", "role", "method",
                                      "record", "candidate", "reason"})
        got = [(e["user"], e["role"], e["method"], e["record"],
                e["candidate"]) for e in entries]
        self.assertEqual(got[:2], [
            ("adv-industrie", "adviser", "candidate.referrals", "c-ind",
             "c-ind"),
            ("adv-batiment", "adviser", "candidate.get", "c-bat", "c-bat")],
            "newest first")
        self.assertIn(("admin", "admin", "offer.put", "o-bat", None), got)
        now = int(time.time())
        self.assertTrue(all(now - 60 <= e["at"] <= now + 1 for e in entries))
        ats = [e["at"] for e in entries]
        self.assertEqual(ats, sorted(ats, reverse=True))
        # Reading the trail is not itself a read of a person's record.
        self.assertEqual(len(self.entries("admin", "/api/audit")),
                         len(entries))

        # The filters of audit.list, from the query string.
        mine = self.entries("admin", "/api/audit?user=adv-batiment")
        self.assertEqual([(e["method"], e["record"]) for e in mine],
                         [("candidate.get", "c-bat")])
        ind = self.entries("admin", "/api/audit?candidate=c-ind")
        self.assertEqual({e["candidate"] for e in ind}, {"c-ind"})
        self.assertEqual({e["method"] for e in ind},
                         {"candidate.put", "candidate.referrals"})
        self.assertEqual(len(self.entries("admin", "/api/audit?count=2")), 2)
        self.assertEqual(self.entries(
            "admin", "/api/audit?since=%d" % (now + 3600)), [])
        self.assertEqual(len(self.entries(
            "admin", "/api/audit?since=%d&user=&count=" % (now - 60))),
            len(entries), "an empty value is an absent parameter")

    def test_an_adviser_reads_the_trail_of_a_candidate_of_their_sectors(self):
        self.get("adv-industrie", "/api/candidates/c-ind")
        r = self.get("adv-batiment", "/api/candidates/c-bat")
        self.assertEqual(r.status, 200, r)
        entries = self.entries("adv-batiment", "/api/audit?candidate=c-bat")
        self.assertEqual({e["candidate"] for e in entries}, {"c-bat"})
        self.assertEqual((entries[0]["user"], entries[0]["method"]),
                         ("adv-batiment", "candidate.get"),
                         "the adviser's own look, newest")
        self.assertIn(("admin", "candidate.put"),
                      [(e["user"], e["method"]) for e in entries])
        # adv-all's sectors are every sector.
        self.assertEqual(self.entries("adv-all",
                                      "/api/audit?candidate=c-bat"), entries)

    def test_refusals(self):
        self.get("adv-batiment", "/api/candidates/c-bat")
        # Another sector's adviser: 403 naming the candidate, and no
        # entry of theirs read.
        r = self.get("adv-industrie", "/api/audit?candidate=c-bat")
        self.assertRefused(r, 403, "forbidden", "candidate")
        self.assertEqual(list(r.json), ["error"])
        # An unknown candidate is refused alike: the trail does not say
        # which ids exist.
        self.assertRefused(self.get("adv-industrie",
                                    "/api/audit?candidate=c-none"),
                           403, "forbidden", "candidate")
        # An adviser reads one candidate's trail, never the whole of it.
        self.assertRefused(self.get("adv-batiment", "/api/audit"),
                           403, "forbidden", "candidate")
        self.assertRefused(self.get("adv-batiment",
                                    "/api/audit?user=adv-batiment"),
                           403, "forbidden", "candidate")
        # Roles the method is not open to, whatever they ask for.
        for user in ("prospect", "prospect-batiment", "partner"):
            for q in ("", "?candidate=c-bat"):
                r = self.get(user, "/api/audit" + q)
                self.assertRefused(r, 403, "forbidden")
                self.assertIn("audit.list", r.error["message"])
        # No token, or one that names no one.
        for tok in (None, "0" * 64):
            r = harness.http_request(self.d.http_addr, "GET",
                                     "/api/audit?candidate=c-bat", token=tok)
            self.assertRefused(r, 401, "unauthenticated")
            self.assertIn("Bearer", r.headers["WWW-Authenticate"])

    def test_bad_requests(self):
        for q, field in (("count=abc", "count"), ("since=-", "since"),
                         ("count=0", "count"), ("count=501", "count"),
                         ("since=-5", "since"), ("candidate=a%20b",
                                                 "candidate"),
                         ("sector=batiment", "sector"),
                         ("count=2&count=3", "count")):
            self.assertRefused(self.get("admin", "/api/audit?" + q),
                               400, "invalid_argument", field)
        r = harness.http_request(self.d.http_addr, "POST", "/api/audit", {})
        self.assertRefused(r, 405, "unknown_method")
        self.assertIn("GET", r.headers["Allow"])


if __name__ == "__main__":
    harness.main()
