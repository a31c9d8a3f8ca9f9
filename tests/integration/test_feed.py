#!/usr/bin/python3
"""feed.push (proto/PROTOCOL.md): France Travail documents as received,
mapped, stored and scored like offer.put; bad records are reported and
never stop the batch."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate  # noqa: E402

SAMPLES = os.path.join(harness.SOURCE_DIR, "tests", "data", "francetravail",
                       "samples.json")


def samples():
    with open(SAMPLES, encoding="utf-8") as f:
        return json.load(f)


class FeedPush(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-%02d" % i) for i in range(10)])

    def push(self, doc):
        payload = doc if isinstance(doc, str) else json.dumps(doc)
        return self.c.call("feed.push", {"format": "francetravail",
                                         "payload": payload})

    def test_search_response_is_mapped_stored_and_scored(self):
        doc = samples()
        n = len(doc["resultats"])
        got = self.push(doc)
        self.assertEqual(got["accepted"] + got["rejected"] +
                         got["duplicates"], n, got)
        self.assertGreater(got["accepted"], n // 2, got)
        self.assertEqual(got["updated"], 0)
        first = doc["resultats"][0]
        stored = self.c.call("offer.get", {"id": "ft-" + first["id"]})
        self.assertEqual(stored["offer"]["source"], "pole_emploi")
        self.assertEqual(stored["offer"]["rome"], first["romeCode"])
        self.assertEqual(stored["offer"]["title"], first["intitule"])
        self.assertIsNotNone(stored["result"])
        self.assertIn("ft-" + first["id"],
                      [o["id"] for o in self.c.call(
                          "offer.list", {"status": "all"})["offers"]])
        # The same document again updates instead of creating.
        again = self.push(doc)
        self.assertEqual(again["updated"], got["accepted"], again)
        self.assertEqual(again["accepted"], 0, again)

    def test_facts_read_in_the_text_are_shown_with_each_suggestion(self):
        doc = samples()
        one = [o for o in doc["resultats"] if o["id"] == "201KCBC"][0]
        self.push(one)
        got = self.c.call("offer.get", {"id": "ft-201KCBC"})
        self.assertIn("permis B exigé (France Travail)",
                      got["offer"]["notes"])
        suggestions = got["result"]["suggestions"]
        self.assertTrue(suggestions)
        for s in suggestions:
            self.assertIn("permis B exigé (France Travail)", s["reasons"])

    def test_an_offer_known_by_its_department_takes_its_people(self):
        # 201KCBL: "59 - Nord", a waiter (G1803).
        one = [o for o in samples()["resultats"] if o["id"] == "201KCBL"][0]
        self.put_candidates([
            candidate("w-dk", sectors=["hotellerie"], radius_km=1,
                      jobs=[{"rome": "G1803", "months": 12}]),
            candidate("w-calais", sectors=["hotellerie"], radius_km=100,
                      commune="62193",
                      jobs=[{"rome": "G1803", "months": 12}])])
        self.assertEqual(self.push(one)["accepted"], 1)
        got = self.c.call("offer.get", {"id": "ft-201KCBL"})
        self.assertEqual(got["offer"]["department"], "59")
        self.assertIsNone(got["offer"]["commune"])
        ids = [s["candidate"] for s in got["result"]["suggestions"]]
        # Dunkerque is in 59, a kilometre of radius notwithstanding;
        # Calais is in 62, however far its people go.
        self.assertEqual(ids, ["w-dk"], got["result"])
        self.assertIn("lieu précis inconnu (département 59), "
                      "permis B et véhicule",
                      got["result"]["suggestions"][0]["reasons"])
        self.assertEqual(got["result"]["excluded"]["distance"], 1)

    def test_a_rome_4_code_is_matched_on_its_domain(self):
        one = dict(samples()["resultats"][0], romeCode="F1799")
        self.put_candidates([candidate("b-1702", jobs=[
            {"rome": "F1702", "months": 24}])])
        self.assertEqual(self.push(one)["accepted"], 1)
        got = self.c.call("offer.get", {"id": "ft-" + one["id"]})
        self.assertEqual(got["offer"]["rome_v4"], "F1799")
        self.assertEqual(got["offer"]["rome"][:3], "F17")
        by_id = {s["candidate"]: s for s in got["result"]["suggestions"]}
        self.assertIn("b-1702", by_id)
        self.assertTrue(any("du code ROME 4.0 F1799" in r
                            for r in by_id["b-1702"]["reasons"]))
        # Restart: the stored offer keeps both codes.
        self.d.stop()
        c2 = self.client(self.start_matcherd())
        again = c2.call("offer.get", {"id": "ft-" + one["id"]})
        self.assertEqual(again["offer"]["rome_v4"], "F1799")

    def test_a_bad_record_is_reported_and_the_batch_goes_on(self):
        doc = samples()
        good = doc["resultats"][0]
        bad = dict(good, id="BAD1", typeContrat="LIB")
        nowhere = dict(good, id="BAD2")
        nowhere.pop("lieuTravail")
        got = self.push({"resultats": [bad, good, nowhere]})
        self.assertEqual(got["accepted"], 1, got)
        self.assertEqual(got["rejected"], 2, got)
        ids = sorted(e["id"] for e in got["errors"])
        self.assertEqual(ids, ["ft-BAD1", "ft-BAD2"])
        for e in got["errors"]:
            self.assertTrue(e["reason"], e)
        self.assertRpcError("not_found", "id", "offer.get", {"id": "ft-BAD1"})

    def test_errors_list_the_first_100_and_count_all(self):
        good = samples()["resultats"][0]
        bad = [dict(good, id="BAD%03d" % i, typeContrat="LIB")
               for i in range(150)]
        got = self.push({"resultats": bad + [good]})
        self.assertEqual((got["accepted"], got["rejected"]), (1, 150), got)
        self.assertEqual(len(got["errors"]), 100)
        self.assertEqual(got["errors"][0]["id"], "ft-BAD000")
        self.assertEqual(got["errors"][-1]["id"], "ft-BAD099")

    def test_a_long_document_is_read_in_turns_and_counted_whole(self):
        # 300 offers of 300 employers (not duplicates of one another),
        # a bad record every 50, the same id again at the end: read over
        # several turns of the event loop, reported as one batch, while
        # another client is answered.
        good = samples()["resultats"][0]
        offers = []
        for i in range(300):
            o = dict(good, id="L%04d" % i,
                     entreprise={"nom": "Employeur %d" % i})
            if i % 50 == 7:
                o["typeContrat"] = "LIB"
            offers.append(o)
        offers.append(dict(offers[0]))
        other = self.client()
        msgid = self.c.request("feed.push", {
            "format": "francetravail",
            "payload": json.dumps({"resultats": offers})})
        self.assertEqual(other.call("ping")["pong"], True)
        got = self.c.result_of(self.c.response(msgid, timeout=60))
        self.assertEqual((got["accepted"], got["rejected"],
                          got["duplicates"]), (294, 6, 1), got)
        self.assertEqual(sorted(e["id"] for e in got["errors"]),
                         ["ft-L%04d" % i for i in range(7, 300, 50)])
        listed = self.c.call("offer.list", {"count": 500})["offers"]
        self.assertEqual(len(listed), 294)

    def test_the_same_job_twice_in_one_document_is_taken_once(self):
        one = samples()["resultats"][0]
        got = self.push({"resultats": [one, one]})
        self.assertEqual((got["accepted"], got["duplicates"]), (1, 1), got)

    def test_subscribers_get_each_offer(self):
        sub = self.client()
        sub.call("subscribe", {"sources": ["pole_emploi"]})
        one = samples()["resultats"][0]
        self.push(one)
        method, payload = sub.next_notification(timeout=10)
        self.assertEqual(method, "suggestions")
        self.assertEqual(payload[0]["offer"]["id"], "ft-" + one["id"])

    def test_bad_documents_and_parameters(self):
        self.assertRpcError("invalid_argument", "payload", "feed.push",
                            {"format": "francetravail",
                             "payload": "{\"resultats\": ["})
        self.assertRpcError("invalid_argument", "format", "feed.push",
                            {"format": "csv", "payload": "{}"})
        self.assertRpcError("invalid_argument", "payload", "feed.push",
                            {"format": "francetravail", "payload": 12})
        self.assertIs(self.c.call("ping")["pong"], True)


class FeedImportCli(harness.MatcherdTestCase):
    """matchctl import offers --format francetravail FILE: the client
    sends the document as it is (feed.push)."""

    def test_import_reports_counts_and_rejects(self):
        import subprocess
        doc = samples()
        bad = dict(doc["resultats"][0], id="BADCLI", typeContrat="LIB")
        path = os.path.join(self.tmp, "page.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"resultats": doc["resultats"][:3] + [bad]}, f)
        ctl = os.path.join(harness.BUILD_DIR, "matchctl")
        run = subprocess.run([ctl, "-s", self.d.addr, "import", "offers",
                              "--format", "francetravail", path],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("3 accepted", run.stdout)
        self.assertIn("1 rejected", run.stdout)
        self.assertIn("offer ft-BADCLI:", run.stderr)
        self.c.call("offer.get", {"id": "ft-" + doc["resultats"][0]["id"]})

    def test_a_document_over_one_message_is_sent_in_pages(self):
        # A day's export of 800 offers, 1.4 MB: more than one message.
        good = samples()["resultats"][0]
        offers = [dict(good, id="D%04d" % i,
                       entreprise={"nom": "Employeur %d" % i})
                  for i in range(800)]
        offers[500]["typeContrat"] = "LIB"
        path = os.path.join(self.tmp, "day.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"resultats": offers}, f)
        self.assertGreater(os.path.getsize(path), 1 << 20)
        r = harness.matchctl(self.d.addr, "import", "offers", "--format",
                             "francetravail", path, json_out=True,
                             timeout=120)
        self.assertEqual(r.returncode, 1, r.stderr)
        got = json.loads(r.stdout)
        self.assertEqual((got["accepted"], got["rejected"]), (799, 1), got)
        self.assertEqual([e["id"] for e in got["errors"]], ["ft-D0500"])
        self.assertIn("offer ft-D0500:", r.stderr)
        self.assertEqual(len(self.c.call("offer.list", {"count": 500})[
            "offers"]), 500)


if __name__ == "__main__":
    harness.main()
