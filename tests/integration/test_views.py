#!/usr/bin/python3
"""What prospection staff and partners see of a match result
(proto/PROTOCOL.md, "Who may do what"): the job-fit reasons the result
keeps in "fit", "public prioritaire" for prospection only, the adviser for
prospection and the sector's contact ([contacts]) for partners; in the
bytes of answers and pushes, never a criterion, a barrier, a commune, a
birth date, a name or an exact distance."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (RpcClient, candidate, offer, offer_key,  # noqa: E402
                     token_of)

CONTACT = "Candidathèque bâtiment, 03 28 00 00 01, batiment@example.org"

# The labels and wire names of every criterion and barrier (domain.h);
# wire names of under four letters ("th", "rsa"...) are left to their
# labels, as they occur inside ordinary keys ("experience_months").
CRITERIA = ["RSA", "ASS", "AAH", "DELD", "DETLD", "travailleur handicap",
            "QPV", "ASE", "réfugié", "sous main de justice", "PLIE",
            "sortie de SIAE", "jeune peu qualifi", "senior", "deld", "detld",
            "refugie", "justice", "plie", "siae", "jeune_peu_qualifie"]
BARRIERS = ["mobilit", "garde d'enfants", "garde_enfants", "logement",
            "santé", "sante"]
PERSON = ["c-rich", "c-plain", "Zoé", "Quatremare", "Grande-Synthe",
          "59271", "1990", "Durand", "Lefebvre"]


class Views(harness.MatcherdTestCase):
    CONFIG_SETTINGS = [("contacts", "batiment", '"%s"' % CONTACT)]

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("c-rich", consent_partners=True, commune="59271",
                      criteria=["rsa", "th", "justice"],
                      barriers=["sante", "mobilite"],
                      birth_date="1990-04-12", adviser="Mme Durand",
                      first_name="Zoé", last_name="Quatremare",
                      jobs=[{"rome": harness.ROME_BETON, "months": 6}],
                      skills=["sst", "oppbtp"], level=2,
                      available_from=harness.days_from_today(3)),
            candidate("c-plain", adviser="M. Lefebvre", radius_km=50,
                      skills=["sst"]),
        ])
        self.offer = offer("o-v", experience_months=12, level_min=3,
                           skills_wanted=["oppbtp"])

    def as_user(self, name):
        c = RpcClient(self.d.addr, token=token_of(name))
        self.clients.append(c)
        return c

    def by_candidate(self, result):
        return {s["candidate"]: s for s in result["suggestions"]}

    def assertSaysNothingOfThePerson(self, raw, extra=()):
        for word in CRITERIA + BARRIERS + list(extra):
            self.assertNotIn(word.encode(), raw)
        for word in ("prioritaire :", "éligible clause", "frein",
                     "mise en relation", "components", "fit"):
            self.assertNotIn(word.encode(), raw)

    def test_the_stored_result_keeps_the_fit_reasons_apart(self):
        full = self.c.call("offer.put", self.offer)
        rich = self.by_candidate(full)["c-rich"]
        self.assertEqual(rich["fit"], [
            "même métier F1701, 6 mois d'expérience",
            "expérience : 6 mois pour 12 demandés",
            "compétences souhaitées : 1 sur 1 (oppbtp)",
            "niveau 2 pour 3 demandé",
            "disponible à partir du %s" % harness.days_from_today(3)])
        # The advisers' reasons are as they were, fit ones included.
        self.assertTrue(set(rich["fit"]) < set(rich["reasons"]))
        self.assertIn("public prioritaire : RSA, travailleur handicapé",
                      rich["reasons"])
        stored = self.redis.hget_msgpack(offer_key("batiment", "o-v"),
                                         "result")
        # Stored without the labels every answer gains.
        self.assertEqual(stored["suggestions"],
                         harness.unlabelled(full["suggestions"]))

    def test_prospection_sees_fit_reasons_and_the_adviser(self):
        full = self.by_candidate(self.c.call("offer.put", self.offer))
        c = self.as_user("prospect")
        c.call("subscribe", {})
        seen = [c.call("offer.match", {"id": "o-v"}),
                c.call("offer.get", {"id": "o-v"})["result"]]
        method, payload = c.next_notification()
        self.assertEqual(method, "suggestions")
        seen.append(payload[0])
        r = self.http_as("prospect", "GET", "/api/offers/o-v")
        self.assertEqual(r.status, 200)
        seen.append(r.json["result"])
        for res in seen:
            got = self.by_candidate(res)
            self.assertEqual(set(got), {"c-rich", "c-plain"})
            for cid, s in got.items():
                self.assertEqual(set(s), {"rank", "candidate", "score",
                                          "distance_km", "reasons",
                                          "adviser"})
            # Ranked partly for RSA and TH: says so, not which.
            self.assertEqual(got["c-rich"]["reasons"],
                             full["c-rich"]["fit"] + ["public prioritaire"])
            self.assertEqual(got["c-rich"]["adviser"], "Mme Durand")
            self.assertEqual(got["c-plain"]["reasons"],
                             full["c-plain"]["fit"])
            self.assertEqual(got["c-plain"]["adviser"], "M. Lefebvre")
            raw = harness.msgpack.packb(res)
            self.assertSaysNothingOfThePerson(
                raw, ["Zoé", "Quatremare", "Grande-Synthe", "59271",
                      "1990"])
        # An adviser who changes is the one named from then on.
        self.put_candidates([candidate("c-plain", radius_km=50,
                                       skills=["sst"])])
        got = self.by_candidate(c.call("offer.get", {"id": "o-v"})["result"])
        self.assertNotIn("adviser", got["c-plain"])

    def http_as(self, name, method, path):
        return harness.http_request(self.d.http_addr, method, path,
                                    token=token_of(name))

    def test_a_partner_sees_fit_reasons_and_the_sector_contact(self):
        full = self.by_candidate(self.c.call("offer.put", self.offer))
        p = self.as_user("partner")
        p.call("subscribe", {})
        self.c.call("offer.match", {"id": "o-v"})
        method, payload = p.next_notification()
        self.assertEqual(method, "suggestions")
        sugg = payload[0]["suggestions"]
        self.assertEqual(len(sugg), 1, sugg)     # c-rich consents
        self.assertEqual(set(sugg[0]), {"rank", "ref", "score", "distance",
                                        "reasons", "contact"})
        # No "public prioritaire", which a stable reference would keep.
        self.assertEqual(sugg[0]["reasons"], full["c-rich"]["fit"])
        self.assertEqual(sugg[0]["contact"], CONTACT)
        self.assertEqual(sugg[0]["distance"], "5-15 km"
                         if full["c-rich"]["distance_km"] >= 5 else "< 5 km")
        raw = harness.msgpack.packb(payload)
        self.assertSaysNothingOfThePerson(raw, PERSON + [
            "prioritaire", "distance_km", "adviser", "Mme ",
            "\u00e0 %s" % str(full["c-rich"]["distance_km"]).replace(
                ".", ",")])

    def test_a_sector_without_contact_gives_none(self):
        self.put_candidates([candidate(
            "c-ind", sectors=["industrie"], consent_partners=True,
            adviser="Mme Soudure",
            jobs=[{"rome": harness.ROME_SOUDAGE, "months": 12}])])
        p = self.as_user("partner")
        p.call("subscribe", {})
        self.c.call("offer.put", offer("o-ind", rome=harness.ROME_SOUDAGE,
                                       title="Soudeur"))
        _, payload = p.next_notification()
        s = payload[0]["suggestions"][0]
        self.assertEqual(set(s), {"rank", "ref", "score", "distance",
                                  "reasons"})
        self.assertEqual(s["reasons"],
                         ["même métier H2913, 12 mois d'expérience"])
        self.assertNotIn(b"Soudure", harness.msgpack.packb(payload))

    def test_a_result_stored_without_fit_shows_no_reason(self):
        self.c.call("offer.put", self.offer)
        key = offer_key("batiment", "o-v")
        old = self.redis.hget_msgpack(key, "result")
        for s in old["suggestions"]:
            del s["fit"]
        subprocess.run([harness.REDIS_CLI, "-h", "127.0.0.1", "-p",
                        str(self.redis.port), "-x", "HSET", key, "result"],
                       input=harness.msgpack.packb(old), check=True,
                       capture_output=True, timeout=10)
        res = self.as_user("prospect").call("offer.get", {"id": "o-v"})
        got = self.by_candidate(res["result"])
        self.assertEqual(got["c-rich"]["reasons"], ["public prioritaire"])
        self.assertEqual(got["c-plain"]["reasons"], [])
        self.assertSaysNothingOfThePerson(harness.msgpack.packb(res))


class ContactCheck(harness.MatcherdTestCase):
    START_MATCHERD = False

    def check(self, value):
        path = harness.write_config(os.path.join(self.tmp, "c.conf"),
                                    [("contacts", "industrie", value)])
        users = harness.write_users_file(os.path.join(self.tmp, "users"))
        return subprocess.run([harness.MATCHERD, "-n", "-c", path,
                               "--users", users],
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=30)

    def test_n_checks_the_contacts(self):
        r = self.check('"Candidathèque industrie, 03 28 00 00 00"')
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.check("industrie@example.org")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.check("Mme Durand")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"c\.conf:\d+: contacts industrie: give "
                         r"an e-mail address or a phone number")
        r = self.check("x" * 150 + "@example.org")
        self.assertEqual(r.returncode, 1)
        self.assertIn("too long", r.stderr)


if __name__ == "__main__":
    harness.main()
