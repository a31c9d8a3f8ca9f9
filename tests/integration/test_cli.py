#!/usr/bin/python3
"""matchctl, the command-line client, against a real matcherd: ping,
candidate put from files and stdin, offer tables with French reasons,
--json output, watch, referral, call, and exit statuses."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import MATCHCTL, RpcError, candidate, offer  # noqa: E402


class Cli(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        if not os.access(MATCHCTL, os.X_OK):
            self.fail("%s is missing" % MATCHCTL)

    def ctl(self, *args, input=None, json_out=False, ok=True):
        r = harness.matchctl(self.d.addr, *args, input=input,
                             json_out=json_out)
        if ok:
            self.assertEqual(r.returncode, 0, "matchctl %s failed (%d):\n"
                             "%s\n%s" % (" ".join(map(str, args)),
                                         r.returncode, r.stdout, r.stderr))
        return r

    def write(self, name, data, lines=False):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            if lines:
                f.write("".join(json.dumps(d, ensure_ascii=False) + "\n"
                                for d in data))
            else:
                json.dump(data, f, ensure_ascii=False, indent=1)
        return path

    def get(self, cid):
        return self.c.call("candidate.get", {"id": cid})

    # ---- basics -----------------------------------------------------------

    def test_ping(self):
        r = self.ctl("ping")
        self.assertTrue(r.stdout.strip(), "ping printed nothing")
        j = json.loads(self.ctl("ping", json_out=True).stdout)
        self.assertIs(j["pong"], True)
        self.assertEqual(j["version"], 1)

    def test_unreachable_daemon_fails(self):
        r = harness.matchctl("127.0.0.1:%d" % harness.free_port(), "ping")
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip(), "no error message")

    def test_bad_usage_fails(self):
        r = self.ctl("no-such-command", ok=False)
        self.assertNotEqual(r.returncode, 0)
        r = self.ctl("candidate", "get", ok=False)
        self.assertNotEqual(r.returncode, 0)

    # ---- candidates -------------------------------------------------------

    def test_candidate_put_of_a_json_array_file(self):
        cands = [candidate("cli-%d" % i, adviser="Mme Lefèvre")
                 for i in range(5)]
        self.ctl("candidate", "put", self.write("cands.json", cands))
        for i in range(5):
            got = self.get("cli-%d" % i)
            self.assertEqual(got["adviser"], "Mme Lefèvre")

    def test_candidate_put_of_one_object(self):
        self.ctl("candidate", "put",
                 self.write("one.json", candidate("cli-one", level=4)))
        self.assertEqual(self.get("cli-one")["level"], 4)

    def test_candidate_put_of_json_lines_from_stdin(self):
        cands = [candidate("cli-l%03d" % i) for i in range(150)]
        text = "".join(json.dumps(c) + "\n" for c in cands)
        self.ctl("candidate", "put", "-", input=text)
        self.assertEqual(self.c.call("stats")["candidates"], 150)
        self.assertEqual(self.get("cli-l149")["id"], "cli-l149")

    def test_candidate_put_reports_a_bad_record(self):
        cands = [candidate("cli-good"),
                 candidate("cli-bad", jobs=[{"rome": "Z9999", "months": 1}])]
        r = self.ctl("candidate", "put", self.write("mixed.json", cands),
                     ok=False)
        self.assertNotEqual(r.returncode, 0)
        out = r.stdout + r.stderr
        self.assertIn("cli-bad", out)
        self.assertIn("jobs[0].rome", out)
        with self.assertRaises(RpcError):
            self.get("cli-bad")

    def test_candidate_get_list_delete(self):
        self.put_candidates([candidate("cli-g1"), candidate("cli-g2")])
        r = self.ctl("candidate", "get", "cli-g1")
        self.assertIn("cli-g1", r.stdout)
        j = json.loads(self.ctl("candidate", "get", "cli-g1",
                                json_out=True).stdout)
        self.assertEqual(j["id"], "cli-g1")
        self.assertEqual(j["commune"], "59183")
        r = self.ctl("candidate", "list")
        self.assertIn("cli-g1", r.stdout)
        self.assertIn("cli-g2", r.stdout)
        self.ctl("candidate", "delete", "cli-g1")
        with self.assertRaises(RpcError) as cm:
            self.get("cli-g1")
        self.assertEqual(cm.exception.code, "not_found")

    def test_candidate_get_unknown_fails_with_the_error(self):
        r = self.ctl("candidate", "get", "cli-nobody", ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not_found", r.stdout + r.stderr)

    # ---- offers -----------------------------------------------------------

    def put_pool(self):
        self.put_candidates([
            candidate("cli-top", jobs=[{"rome": "F1701", "months": 60}]),
            candidate("cli-mid", jobs=[{"rome": "F1701", "months": 12}],
                      commune="59271"),
            candidate("cli-low", jobs=[{"rome": "F1704", "months": 0}],
                      commune="59273")])

    def test_offer_put_prints_a_ranked_table_with_french_reasons(self):
        self.put_pool()
        path = self.write("offers.json", [offer("o-cli")])
        out = self.ctl("offer", "put", path).stdout
        self.assertIn("o-cli", out)
        for cid in ("cli-top", "cli-mid", "cli-low"):
            self.assertIn(cid, out)
        # Ranked: best first, rank numbers shown.
        self.assertLess(out.index("cli-top"), out.index("cli-mid"))
        self.assertLess(out.index("cli-mid"), out.index("cli-low"))
        top_line = [ln for ln in out.splitlines() if "cli-top" in ln][0]
        self.assertRegex(top_line, r"(^|\D)1(\D|$)")
        self.assertIn("même métier", out)
        self.assertRegex(out, r"\d+,\d km")

    def test_offer_put_limit(self):
        self.put_pool()
        path = self.write("offers.json", [offer("o-cli-lim")])
        out = self.ctl("offer", "put", path, "--limit", "1").stdout
        self.assertIn("cli-top", out)
        self.assertNotIn("cli-mid", out)
        self.assertNotIn("cli-low", out)

    def test_offer_put_json(self):
        self.put_pool()
        path = self.write("offers.json", [offer("o-cli-json")])
        j = json.loads(self.ctl("offer", "put", path, json_out=True).stdout)
        if isinstance(j, list):
            self.assertEqual(len(j), 1)
            j = j[0]
        self.assertEqual(j["offer"]["id"], "o-cli-json")
        self.assertEqual([s["candidate"] for s in j["suggestions"]],
                         ["cli-top", "cli-mid", "cli-low"])
        self.assertEqual(j["suggestions"][0]["rank"], 1)

    def test_demo_offers_file_posts_every_offer(self):
        demo = os.path.join(harness.SOURCE_DIR, "scripts", "demo",
                            "offers.json")
        if not os.path.exists(demo):
            self.fail("scripts/demo/offers.json is missing")
        with open(demo) as f:
            offers = json.load(f)
        self.put_pool()
        # The clause operations the demo offers name come first.
        ops = os.path.join(harness.SOURCE_DIR, "scripts", "demo",
                           "operations.json")
        out = self.ctl("clause", "put", ops).stdout
        self.assertIn("operations: 2 created, 0 updated, 0 rejected", out)
        self.ctl("offer", "put", demo)
        stats = self.c.call("stats")
        self.assertEqual(stats["offers"]["open"], len(offers))
        for o in offers:
            self.assertEqual(self.c.call("offer.get",
                                         {"id": o["id"]})["status"], "open")

    def test_offer_get_match_close(self):
        self.put_pool()
        self.put_offer(offer("o-cli-2"))
        self.assertIn("o-cli-2", self.ctl("offer", "get", "o-cli-2").stdout)
        out = self.ctl("offer", "match", "o-cli-2").stdout
        self.assertIn("cli-top", out)
        self.ctl("offer", "close", "o-cli-2")
        self.assertEqual(self.c.call("offer.get", {"id": "o-cli-2"})["status"],
                         "closed")

    def test_referral(self):
        self.put_pool()
        self.put_offer(offer("o-cli-ref"))
        self.ctl("referral", "o-cli-ref", "cli-top", "validated",
                 "--note", "appelé le 3")
        refs = {r["candidate"]: r["status"] for r in
                self.c.call("offer.get", {"id": "o-cli-ref"})["referrals"]}
        self.assertEqual(refs["cli-top"], "validated")
        hist = self.redis.cli("LRANGE", harness.refhist_key("batiment",
                                                            "o-cli-ref"),
                              0, -1)
        self.assertIn("appelé le 3", hist)
        r = self.ctl("referral", "o-cli-ref", "cli-mid", "hired", ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("conflict", r.stdout + r.stderr)

    def test_stats_and_call(self):
        self.put_pool()
        j = json.loads(self.ctl("stats", json_out=True).stdout)
        self.assertEqual(j["candidates"], 3)
        self.assertTrue(self.ctl("stats").stdout.strip())
        j = json.loads(self.ctl("call", "candidate.get",
                                '{"id": "cli-mid"}').stdout)
        self.assertEqual(j["id"], "cli-mid")
        self.assertEqual(j["commune"], "59271")
        j = json.loads(self.ctl("call", "ping").stdout)
        self.assertIs(j["pong"], True)

    # ---- clause operations ------------------------------------------------

    def operation(self, oid, **fields):
        rec = {"id": oid, "name": "Voirie du Grand Large",
               "authority": "Communauté urbaine de Dunkerque",
               "start": harness.days_from_today(-100),
               "end": harness.days_from_today(265),
               "contractors": [
                   {"id": "bouygues-tp", "name": "Bouygues TP",
                    "hours_total": 40000, "rate": 5},
                   {"id": "ramery", "name": "Ramery", "hours_committed": 700}]}
        rec.update(fields)
        return rec

    def test_clause_put_list_get_and_report(self):
        path = self.write("ops.json", [self.operation("op-cli"),
                                       self.operation("op-cli-2",
                                                      name="Piscine")],
                          lines=True)
        out = self.ctl("clause", "put", path).stdout
        self.assertIn("operations: 2 created, 0 updated, 0 rejected", out)
        out = self.ctl("clause", "put", path).stdout
        self.assertIn("operations: 0 created, 2 updated, 0 rejected", out)
        j = json.loads(self.ctl("clause", "put", path, json_out=True).stdout)
        self.assertEqual(j, {"created": 0, "updated": 2, "rejected": 0})
        out = self.ctl("clause", "list").stdout
        self.assertIn("op-cli-2", out)
        self.assertIn("bouygues-tp Bouygues TP: 2000 h committed of 40000 h"
                      " (5.00 %)", out)
        j = json.loads(self.ctl("clause", "get", "op-cli",
                                json_out=True).stdout)
        self.assertEqual(j["contractors"][0]["hours_committed"], 2000)

        # A hire for Bouygues TP, then the report.
        self.put_candidates([candidate("cli-rsa", criteria=["rsa"])])
        # Two positions: one hire leaves it open ("pourvue" closes it).
        self.put_offer(offer("o-cli-clause", source="clause", positions=2,
                             clause={"operation": "op-cli",
                                     "contractor": "bouygues-tp",
                                     "hours": 1200}))
        for st in ("validated", "sent", "interview", "hired"):
            self.ctl("referral", "o-cli-clause", "cli-rsa", st)
        out = self.ctl("clause", "report", "--operation", "op-cli").stdout
        self.assertIn("clause report on %s: 1 operations" %
                      harness.iso(harness.today()), out)
        self.assertIn("operation op-cli", out)
        rows = {line.split()[0]: line.split() for line in out.splitlines()
                if line.startswith("  ")}
        # id, name, committed, realised, expected, %, hired, behind,
        # criteria; 100 of the period's 366 days are over.
        self.assertEqual(rows["bouygues-tp"][3:10],
                         ["2000", "1200", "546", "60.0", "1", "-", "rsa"])
        self.assertEqual(rows["ramery"][2:8],
                         ["700", "0", "191", "0.0", "0", "BEHIND"])
        self.assertEqual(rows["(operation)"][1:7],
                         ["2700", "1200", "737", "44.4", "1", "-"])
        j = json.loads(self.ctl("clause", "report", "--contractor", "ramery",
                                "--behind", json_out=True).stdout)
        self.assertEqual(j["matched"], 2)
        self.assertEqual([len(op["contractors"]) for op in j["operations"]],
                         [1, 1])
        # The offer's table says where its operation stands.
        out = self.ctl("offer", "match", "o-cli-clause").stdout
        self.assertIn("clause op-cli / bouygues-tp: 1200 h realised of 2000 h"
                      " committed", out)

    def test_clause_put_reports_bad_records(self):
        bad = self.operation("op-bad", contractors=[
            {"id": "x", "name": "X", "hours_total": 100,
             "hours_committed": 200}])
        path = self.write("ops.json", [self.operation("op-ok"), bad])
        r = self.ctl("clause", "put", path, ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("record 2 (id op-bad): contractors[0].hours_committed:"
                      " 200 is above hours_total 100", r.stderr)
        self.assertIn("operations: 1 created, 0 updated, 1 rejected",
                      r.stdout)
        r = self.ctl("clause", "report", "--operation", "op-none", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not_found", r.stdout + r.stderr)
        r = self.ctl("clause", "report", "--bogus", ok=False)
        self.assertEqual(r.returncode, 64)

    # ---- watch ------------------------------------------------------------

    def test_watch_prints_pushed_suggestions(self):
        self.put_pool()
        with harness.Watch(self.d.addr, "--sector", "batiment") as w:
            harness.wait_until(
                lambda: self.c.call("stats")["subscribers"] == 1, 10,
                what="matchctl watch to subscribe")
            self.put_offer(offer("o-hot", rome="G1602"))    # other sector
            self.put_offer(offer("o-watched"))
            text = w.read_until(["cli-top"])
            self.assertIn("o-watched", text)
            self.assertIn("cli-top", text)
            self.assertNotIn("o-hot", text)
            self.assertIsNone(w.proc.poll(), "watch exited")


if __name__ == "__main__":
    harness.main()
