#!/usr/bin/python3
"""The RGPD operations (docs/RGPD.md) against a real redis-server and the
daemon: candidate.erase (the record, the identity, the index and every
stored match result lose the person; referrals and clause hires stay as
anonymous traces, the statistics unchanged), across SIGTERM and SIGKILL;
candidate.export (everything held about one person); the retention sweep
(rgpd.sweep with a given "today"), its log line and /metrics; who may call
them."""

import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (RpcClient, candidate, offer, ref_key,  # noqa: E402
                     refhist_key, token_of)

IDENT = {"first_name": "Gwladys", "last_name": "Outrebon",
         "phone": "06 11 22 33 44", "email": "g.outrebon@example.org"}
HIRES_KEY = harness.PREFIX + ":{batiment}:clause:hires"


def operation():
    return {
        "id": "op-1", "name": "Voiries", "authority": "CUD",
        "start": harness.days_from_today(-10),
        "end": harness.days_from_today(300),
        "contractors": [{"id": "ramery", "name": "Ramery",
                         "hours_committed": 700}],
    }


class Erase(harness.MatcherdTestCase):
    REDIS_PERSIST = True

    def setUp(self):
        super().setUp()
        self.put_candidates([
            dict(candidate("c-gone", criteria=["rsa"], consent_partners=True),
                 **IDENT),
            candidate("c-stay-1"), candidate("c-stay-2"),
        ])
        self.c.call("clause.put", operation())
        self.put_offer(offer("o-1"))
        self.put_offer(offer("o-2", source="clause",
                             clause={"operation": "op-1",
                                     "contractor": "ramery", "hours": 150}))
        for st in ("validated", "sent", "interview", "hired"):
            self.c.call("referral.update", {
                "offer": "o-2", "candidate": "c-gone", "status": st,
                "note": "appelée Mme Outrebon"})
        self.c.call("referral.update", {"offer": "o-1",
                                        "candidate": "c-gone",
                                        "status": "validated"})

    def erase(self, cid="c-gone", reason="request", client=None):
        return (client or self.c).call("candidate.erase",
                                       {"id": cid, "reason": reason})

    def redis_dump(self):
        """Every key and value under the prefix, as bytes."""
        out = b""
        for key in self.redis.keys(harness.PREFIX + ":*"):
            if key.endswith(":audit"):
                continue
            out += key.encode() + b"\n"
            out += self.redis.cli_bytes("--no-raw", "DUMP", key)
        return out

    def assertGone(self, client, daemon):
        self.assertRpcError("not_found", "id", "candidate.get",
                            {"id": "c-gone"}, client=client)
        listed = client.call("candidate.list", {"count": 100})["candidates"]
        self.assertEqual(sorted(c["id"] for c in listed),
                         ["c-stay-1", "c-stay-2"])
        for oid in ("o-1", "o-2"):
            got = client.call("offer.get", {"id": oid})
            self.assertNotIn("c-gone", self.suggested_ids(got["result"]))
            self.assertEqual([s["rank"] for s in
                              got["result"]["suggestions"]],
                             list(range(1, len(got["result"]["suggestions"])
                                        + 1)))
            self.assertNotIn("c-gone", [r["candidate"]
                                        for r in got["referrals"]])
        # A new match does not find the person either.
        got = client.call("offer.match", {"id": "o-1"})
        self.assertNotIn("c-gone", self.suggested_ids(got))
        dump = self.redis_dump()
        for secret in (b"c-gone", b"Gwladys", b"Outrebon", b"33 44"):
            self.assertNotIn(secret, dump)
        self.assertNotIn("Outrebon", daemon.log())

    def test_erase_removes_the_person_and_keeps_the_statistics(self):
        before = self.c.call("stats")
        report = self.c.call("clause.report")
        r = self.erase()
        self.assertEqual(r["erased"], True)
        self.assertEqual(r["referrals"], 2)
        self.assertEqual(r["results"], 2)
        self.assertEqual(r["clause_hires"], 1)
        self.assertGone(self.c, self.d)
        after = self.c.call("stats")
        for key in ("referrals", "referrals_by_sector", "clause", "offers"):
            self.assertEqual(after[key], before[key], key)
        rep = self.c.call("clause.report")
        op_b, op_a = report["operations"][0], rep["operations"][0]
        for key in ("hours_realised", "people", "hired_criteria"):
            self.assertEqual(op_a[key], op_b[key], key)
        # The traces: a status and a date, no person, no note.
        refs = self.redis.cli("HGETALL", ref_key("batiment", "o-2")).split()
        anon = [f for f in refs if f.startswith("erased-")]
        self.assertEqual(len(anon), 1)
        self.assertTrue(self.redis.hget(ref_key("batiment", "o-2"),
                                        anon[0]).startswith("hired:"))
        hist = self.redis.cli("LRANGE", refhist_key("batiment", "o-2"),
                              "0", "-1")
        self.assertNotIn("Outrebon", hist)
        self.assertIn(anon[0], hist)
        # The same anonymous id on every trace of the erasure.
        refs1 = self.redis.cli("HGETALL", ref_key("batiment", "o-1")).split()
        self.assertIn(anon[0], refs1)
        self.assertIn("candidate c-gone erased (request", self.d.log())

    def test_erase_is_idempotent_and_admin_only(self):
        self.assertEqual(self.erase()["erased"], True)
        self.assertEqual(self.erase()["erased"], False)
        self.assertEqual(self.erase("c-never")["erased"], False)
        adviser = RpcClient(self.d.addr, token=token_of("adv-all"))
        self.clients.append(adviser)
        self.assertRpcError("forbidden", None, "candidate.erase",
                            {"id": "c-stay-1", "reason": "request"},
                            client=adviser)
        self.assertEqual(adviser.call("candidate.get",
                                      {"id": "c-stay-1"})["id"], "c-stay-1")
        self.assertRpcError("invalid_argument", "reason", "candidate.erase",
                            {"id": "c-stay-1"})
        self.assertRpcError("invalid_argument", "reason", "candidate.erase",
                            {"id": "c-stay-1", "reason": "whim"})
        self.assertRpcError("invalid_argument", "id", "candidate.put",
                            candidate("erased-0011223344556677"))

    def restart_after_erase(self, sig):
        self.erase()
        self.d.stop(sig, timeout=10)
        d2 = self.start_matcherd()
        c2 = self.client(d2)
        self.assertGone(c2, d2)
        self.assertEqual(self.erase(client=c2)["erased"], False)

    def test_erasure_survives_sigterm(self):
        self.restart_after_erase(signal.SIGTERM)

    def test_erasure_survives_sigkill(self):
        self.restart_after_erase(signal.SIGKILL)

    def test_erased_person_is_not_pushed_to_subscribers(self):
        sub = self.client()
        sub.call("subscribe", {})
        self.erase()
        self.put_offer(offer("o-3"))
        note = sub.next_notification(timeout=5)
        self.assertNotIn(b"c-gone", repr(note).encode())

    def test_csv_export_has_no_erased_person(self):
        self.erase()
        r = harness.matchctl(self.d.addr, "export", "candidates", "--sector", "batiment", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("c-gone", r.stdout)
        self.assertNotIn("Outrebon", r.stdout)
        r = harness.matchctl(self.d.addr, "export", "suggestions", "o-1", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("c-gone", r.stdout)


    def test_http_routes(self):
        admin = {"Authorization": "Bearer " + harness.ADMIN_TOKEN}
        adviser = {"Authorization": "Bearer " + token_of("adv-all")}
        r = self.http("GET", "/api/candidates/c-gone/export", headers=adviser)
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(b"Outrebon", r.body)
        r = self.http("POST", "/api/candidates/c-gone/erase",
                      {"reason": "request"}, headers=adviser)
        self.assertEqual(r.status, 403, r.body)
        r = self.http("POST", "/api/candidates/c-gone/erase",
                      {"reason": "whim"}, headers=admin)
        self.assertEqual(r.status, 400, r.body)
        r = self.http("POST", "/api/candidates/c-gone/erase",
                      {"reason": "request"}, headers=admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertIs(json.loads(r.body)["erased"], True)
        r = self.http("GET", "/api/candidates/c-gone/export", headers=admin)
        self.assertEqual(r.status, 404, r.body)


class Export(harness.MatcherdTestCase):

    def test_export_holds_everything_about_the_person(self):
        self.put_candidates([dict(candidate("c-x", criteria=["th"]), **IDENT),
                             candidate("c-y")])
        self.put_offer(offer("o-1"))
        self.c.call("referral.update", {"offer": "o-1", "candidate": "c-x",
                                        "status": "validated",
                                        "note": "à rappeler"})
        self.c.call("candidate.get", {"id": "c-x"})
        doc = self.c.call("candidate.export", {"id": "c-x"})
        self.assertEqual(doc["id"], "c-x")
        self.assertEqual(doc["candidate"]["last_name"], "Outrebon")
        self.assertEqual(doc["candidate"]["criteria"], ["th"])
        self.assertEqual(len(doc["referrals"]), 1)
        ref = doc["referrals"][0]
        self.assertEqual((ref["offer"], ref["status"]), ("o-1", "validated"))
        self.assertEqual([(h["from"], h["to"], h["note"])
                          for h in ref["history"]],
                         [("suggested", "validated", "à rappeler")])
        methods = [e["method"] for e in doc["audit"]]
        self.assertIn("candidate.get", methods)
        self.assertIn("candidate.put", methods)
        self.assertFalse(doc["audit_truncated"])
        # Only this person's entries.
        self.assertTrue(all(e["record"] in ("c-x", "o-1")
                            for e in doc["audit"]), doc["audit"])
        self.assertEqual(doc["clause_hires"], [])

    def test_a_list_is_in_the_trail_of_each_person_listed(self):
        self.put_candidates([candidate("c-a"), candidate("c-b")])
        adviser = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(adviser)
        adviser.call("candidate.list", {"count": 1})
        trail_a = self.c.call("audit.list", {"candidate": "c-a"})["entries"]
        trail_b = self.c.call("audit.list", {"candidate": "c-b"})["entries"]
        listed = [e for e in trail_a + trail_b
                  if e["method"] == "candidate.list"]
        self.assertEqual(len(listed), 1, (trail_a, trail_b))
        self.assertEqual((listed[0]["user"], listed[0]["role"]),
                         ("adv-batiment", "adviser"))

    def test_export_roles_and_errors(self):
        self.put_candidates([candidate("c-x")])
        other = RpcClient(self.d.addr, token=token_of("adv-industrie"))
        self.clients.append(other)
        self.assertRpcError("forbidden", "id", "candidate.export",
                            {"id": "c-x"}, client=other)
        mine = RpcClient(self.d.addr, token=token_of("adv-batiment"))
        self.clients.append(mine)
        self.assertEqual(mine.call("candidate.export",
                                   {"id": "c-x"})["id"], "c-x")
        for name in ("prospect", "partner"):
            c = RpcClient(self.d.addr, token=token_of(name))
            self.clients.append(c)
            self.assertRpcError("forbidden", None, "candidate.export",
                                {"id": "c-x"}, client=c)
        self.assertRpcError("not_found", "id", "candidate.export",
                            {"id": "c-none"})

    def test_matchctl_candidate_export(self):
        self.put_candidates([dict(candidate("c-x"), **IDENT)])
        r = harness.matchctl(self.d.addr, "candidate", "export", "c-x",
                             json_out=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Outrebon", r.stdout)
        self.assertIn('"audit"', r.stdout)


class Retention(harness.MatcherdTestCase):
    CONFIG_SETTINGS = [("rgpd", "retention_days", "30")]

    def test_sweep_erases_those_past_the_period(self):
        self.put_candidates([candidate("c-old"), candidate("c-open"),
                             candidate("c-moved")])
        self.put_offer(offer("o-1"))
        self.c.call("referral.update", {"offer": "o-1", "candidate": "c-open",
                                        "status": "validated"})
        later = harness.days_from_today(31)
        dry = self.c.call("rgpd.sweep", {"today": later, "dry_run": True})
        self.assertEqual(dry["retention_days"], 30)
        self.assertEqual(dry["checked"], 3)
        # c-moved: its suggested referral was written today, like the others;
        # only the open referral keeps c-open.
        self.assertEqual(sorted(dry["ids"]), ["c-moved", "c-old"])
        self.assertEqual(dry["erased"], 0)
        self.assertEqual(self.c.call("candidate.get", {"id": "c-old"})["id"],
                         "c-old")
        # Within the period nothing is due.
        soon = self.c.call("rgpd.sweep", {"today": harness.days_from_today(29),
                                          "dry_run": True})
        self.assertEqual(soon["due"], 0)
        done = self.c.call("rgpd.sweep", {"today": later})
        self.assertEqual((done["due"], done["erased"], done["failed"]),
                         (2, 2, 0))
        self.assertRpcError("not_found", "id", "candidate.get",
                            {"id": "c-old"})
        self.assertEqual(self.c.call("candidate.get",
                                     {"id": "c-open"})["id"], "c-open")
        self.assertIn("retention sweep: 3 candidates, 2 with no update nor "
                      "open referral for 30 days, 2 erased", self.d.log())
        metrics = self.http("GET", "/metrics",
                            headers={"Authorization": "Bearer " +
                                     harness.ADMIN_TOKEN}).body.decode()
        self.assertIn('matcherd_erasures_total{reason="retention"} 2',
                      metrics)
        self.assertIn("matcherd_retention_sweeps_total 1", metrics)
        trail = self.c.call("audit.list", {"candidate": "c-old"})["entries"]
        erased = [e for e in trail if e["method"] == "candidate.erase"]
        self.assertEqual(len(erased), 1, trail)
        self.assertEqual((erased[0]["user"], erased[0]["role"],
                          erased[0]["reason"]),
                         ("(retention)", "system", "retention"))

    def test_put_restarts_the_clock_and_bad_params(self):
        self.put_candidates([candidate("c-1")])
        got = self.c.call("candidate.get", {"id": "c-1"})
        self.assertEqual(got["updated_on"], harness.iso(harness.today()))
        self.assertRpcError("invalid_argument", "today", "rgpd.sweep",
                            {"today": "31/12/2030"})
        adviser = RpcClient(self.d.addr, token=token_of("adv-all"))
        self.clients.append(adviser)
        self.assertRpcError("forbidden", None, "rgpd.sweep", {},
                            client=adviser)

    def test_check_prints_the_rule(self):
        users = harness.write_users_file(os.path.join(self.tmp, "users"))
        r = subprocess.run([harness.MATCHERD, "-n", "-c", self.config,
                            "--users", users], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("open referral for 30 days is erased by the daily "
                      "sweep", r.stdout)

if __name__ == "__main__":
    harness.main()
