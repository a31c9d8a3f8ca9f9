#!/usr/bin/python3
"""CSV import and export of matchctl (docs/CSV.md) against a real matcherd:
good and bad lines in one file (counts, line numbers, reasons, stored
records), updates, a refused header, offers by CSV, and export round trips
of a sector's candidates and of an offer's suggestions."""

import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import MATCHCTL  # noqa: E402

CANDIDATES = (
    "\ufeffId;Secteurs;Métiers;Compétences;Permis;Véhicule;Niveau;Commune;"
    "Rayon (km);Disponible le;Contrats;Temps de travail;Statut;Conseillère\r\n"
    "csv-1;Bâtiment;F1701:24|F1704:6;SST|OPPBTP;B;oui;3;59183;25;01/03/2020;"
    "CDI|Intérim;Temps plein;Disponible;\"Lefèvre; équipe \"\"BTP\"\"\"\r\n"
    "\r\n"
    "csv-2;BTP;F1701:12;;;non;;59271;;;;;;\r\n"
    "csv-3;Batiment;F1701;;;;trois;59183;;;;;;\r\n"
    "csv-4;Batiment;F1701\r\n"
    "csv-5;Aviation;F1701;;;;;59183;;;;;;\r\n"
    "csv-6;Batiment;Z9999:3;;;;;59183;;;;;;\r\n"
    "csv-7;Batiment;F1701;;;;;59183;;31/13/2020;;;;\r\n"
    ";;;;;;;;;;;;;\r\n"
    "csv-8;Hôtellerie;G1602:36;;;;4;59183;;;Saisonnier;Temps partiel;;\r\n"
)


class Csv(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        if not os.access(MATCHCTL, os.X_OK):
            self.fail("%s is missing" % MATCHCTL)

    def ctl(self, *args, json_out=False):
        return harness.matchctl(self.d.addr, *args, json_out=json_out)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def get(self, cid):
        return harness.unlabelled(self.c.call("candidate.get", {"id": cid}))

    def test_import_candidates_good_and_bad_lines(self):
        path = self.write("cands.csv", CANDIDATES)
        r = self.ctl("import", "candidates", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("candidates: 3 created, 0 updated, 5 rejected",
                      r.stdout)
        err = r.stderr.splitlines()
        self.assertEqual(len(err), 5, r.stderr)
        self.assertIn("line 5 (id csv-3): level: \"trois\" is not a whole "
                      "number", err)
        self.assertIn("line 6 (id csv-4): 3 columns, the header has 14",
                      err)
        self.assertIn("line 7 (id csv-5): sectors: unknown value "
                      "\"Aviation\"", err)
        # Refused by the daemon: its field, on the right line.
        self.assertTrue(any(e.startswith("line 8 (id csv-6): jobs[0].rome")
                            for e in err), r.stderr)
        self.assertTrue(any(e.startswith("line 9 (id csv-7): "
                                         "available_from:")
                            for e in err), r.stderr)

        c1 = self.get("csv-1")
        self.assertEqual(c1["sectors"], ["batiment"])
        self.assertEqual(c1["jobs"], [{"rome": "F1701", "months": 24},
                                      {"rome": "F1704", "months": 6}])
        self.assertEqual(c1["skills"], ["sst", "oppbtp"])
        self.assertIs(c1["vehicle"], True)
        self.assertEqual(c1["radius_km"], 25)
        self.assertEqual(c1["available_from"], "2020-03-01")
        self.assertEqual(c1["contracts"], ["cdi", "interim"])
        self.assertEqual(c1["working_time"], "full")
        self.assertEqual(c1["adviser"], 'Lefèvre; équipe "BTP"')
        c8 = self.get("csv-8")
        self.assertEqual(c8["sectors"], ["hotellerie"])
        self.assertEqual(c8["working_time"], "part")
        self.assertEqual(c8["contracts"], ["saisonnier"])
        for cid in ("csv-3", "csv-4", "csv-5", "csv-6", "csv-7"):
            with self.assertRaises(harness.RpcError):
                self.get(cid)

        # The same file again: updates; --json counts for scripts.
        r = self.ctl("import", "candidates", path, json_out=True)
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]),
                         {"created": 0, "updated": 3, "rejected": 5})

    def test_bad_header_refuses_the_file(self):
        path = self.write("bad.csv", "id,secteurs,couleur\nx-1,BTP,bleu\n")
        r = self.ctl("import", "candidates", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown column \"couleur\"", r.stderr)
        with self.assertRaises(harness.RpcError):
            self.get("x-1")

    def test_import_offers_and_export_suggestions(self):
        self.ctl("import", "candidates", self.write("c.csv", CANDIDATES))
        path = self.write("offers.csv",
                          "id,source,intitulé,rome,employeur,commune,contrat,"
                          "postes\n"
                          "o-csv-1,France Travail,\"Coffreur, bancheur\","
                          "F1701,Bouygues TP,59183,CDI,2\n"
                          "o-csv-2,Nulle part,Maçon,F1703,X,59183,CDI,1\n"
                          "o-csv-3,Prospection,Coffreur bancheur (H/F),"
                          "F1701,BOUYGUES TP,59183,CDI,1\n")
        r = self.ctl("import", "offers", "--format", "csv", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("offers: 1 scored (created or updated), 1 merged into "
                      "the same job, 1 rejected", r.stdout)
        self.assertIn("offer o-csv-3: the same job as o-csv-1, merged",
                      r.stdout)
        self.assertIn("line 3 (id o-csv-2): source: unknown value", r.stderr)
        got = self.c.call("offer.get", {"id": "o-csv-1"})
        self.assertEqual(got["offer"]["title"], "Coffreur, bancheur")
        self.assertEqual(got["offer"]["positions"], 2)
        ids = self.suggested_ids(got["result"])
        self.assertIn("csv-1", ids)

        out = os.path.join(self.tmp, "sugg.csv")
        r = self.ctl("export", "suggestions", "o-csv-1", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
        self.assertEqual(rows[0], ["offre", "rang", "candidat", "score",
                                   "distance_km", "mise_en_relation",
                                   "raisons"])
        self.assertEqual([row[2] for row in rows[1:]], ids)
        self.assertEqual(rows[1][1], "1")
        self.assertEqual(rows[1][5], "suggested")

    def test_export_candidates_round_trip(self):
        self.ctl("import", "candidates", self.write("c.csv", CANDIDATES))
        before = {cid: self.get(cid) for cid in ("csv-1", "csv-2")}
        r = self.ctl("export", "candidates", "--sector", "batiment", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
        self.assertEqual(rows[0][:3], ["id", "secteurs", "metiers"])
        self.assertEqual(sorted(row[0] for row in rows[1:]),
                         ["csv-1", "csv-2"])
        # Delete, import the export back: the same records.
        for cid in before:
            self.c.call("candidate.delete", {"id": cid})
        path = self.write("export.csv", text)
        r = self.ctl("import", "candidates", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 created, 0 updated, 0 rejected", r.stdout)
        for cid, rec in before.items():
            self.assertEqual(self.get(cid), rec)


if __name__ == "__main__":
    harness.main()
