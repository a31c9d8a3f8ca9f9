#!/usr/bin/python3
"""Write the seed corpora of tests/fuzz/corpus/ (committed; run again only
to change them).  Seeds come from the repository's own test data: the
records of tests/unit/test_{candidate,offer,clause,csvrec}.c,
tests/data/francetravail/samples.json, config/matcherd.conf and
config/rules.conf.  Needs Debian's python3-msgpack (/usr/bin/python3)."""

import json
import os
import shutil
import sys

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus")


def mp(obj):
    return msgpack.packb(obj, use_bin_type=True)


CANDIDATE_MIN = {"id": "c-001", "sectors": ["batiment"],
                 "jobs": [{"rome": "F1701", "months": 24}],
                 "commune": "59183"}
CANDIDATE_FULL = {
    "id": "c-042", "sectors": ["batiment", "industrie"],
    "jobs": [{"rome": "F1701", "months": 24}, {"rome": "H2913"}],
    "skills": ["caces-r489-3", "sst", "oppbtp"], "licences": ["CE", "B"],
    "vehicle": True, "level": 3, "commune": "59183", "radius_km": 30,
    "available_from": "2025-03-01", "contracts": ["cdi", "interim"],
    "working_time": "full", "birth_date": "1990-06-15",
    "criteria": ["rsa", "qpv"], "barriers": ["logement"],
    "status": "training", "adviser": "Amélie Dupont",
    "consent_partners": True}
CANDIDATE_IDENT = dict(CANDIDATE_MIN, first_name="Léa", last_name="Martin",
                       phone="+33 6 12 34 56 78", email="lea@example.fr")
CANDIDATE_LATLON = {"id": "c-7", "sectors": ["tertiaire"],
                    "jobs": [{"rome": "G1803"}], "lat": 51.03, "lon": 2.33,
                    "radius_km": 10}

OFFER_MIN = {"id": "o-001", "source": "pole_emploi",
             "title": "Coffreur bancheur H/F", "rome": "F1701",
             "commune": "59183", "contract": "cdi"}
OFFER_FULL = {
    "id": "o-2025:42", "source": "clause", "title": "Coffreur bancheur H/F",
    "rome": "F1701", "sector": "industrie", "employer": "Bâtiments du Nord",
    "commune": "59183", "max_km": 40, "contract": "cdd",
    "duration_months": 6, "working_time": "full", "start": "2025-04-01",
    "positions": 3, "level_min": 3, "experience_months": 12,
    "licences_required": ["C", "B"], "skills_required": ["caces-r489-3"],
    "skills_wanted": ["sst", "oppbtp"], "age_min": 18, "age_max": 30,
    "clause": {"operation": "op-2025.01", "criteria": ["rsa", "qpv"],
               "hours": 420}}
OFFER_DEPT = {"id": "o-3", "source": "pole_emploi", "title": "Serveur",
              "rome": "G1803", "department": "59", "contract": "saisonnier",
              "notes": ["permis B exigé"]}

CLAUSE_MIN = {"id": "op-1", "name": "Voirie du Grand Large",
              "authority": "Communauté urbaine de Dunkerque",
              "start": "2026-01-01", "end": "2026-12-31",
              "hours_committed": 1000}
CLAUSE_FULL = {
    "id": "cud-2026.terminal", "name": "Terminal méthanier : voiries",
    "authority": "CUD", "start": "2026-09-01", "end": "2028-06-30",
    "criteria": ["rsa", "qpv"],
    "contractors": [
        {"id": "bouygues-tp", "name": "Bouygues TP", "hours_total": 144000,
         "rate": 5},
        {"id": "ramery", "name": "Ramery TP", "hours_total": 52000,
         "hours_committed": 3640},
        {"id": "sous-traitant", "name": "Sous-traitant",
         "hours_committed": 300}]}
CLAUSE_RATE = dict(CLAUSE_MIN, hours_committed=None, hours_total=8000,
                   rate=7.5)


def request(msgid, method, params):
    return [0, msgid, method, [] if params is None else [params]]


REQUESTS = [
    request(1, "ping", None),
    request(2, "candidate.put", {"candidate": CANDIDATE_IDENT}),
    request(3, "offer.put", {"offer": OFFER_FULL, "limit": 20}),
    request(4, "candidate.list", {"sectors": ["batiment"], "count": 50,
                                  "cursor": "c-1"}),
    request(5, "referral.update", {"offer": "o-1", "candidate": "c-1",
                                   "note": "rappeler lundi",
                                   "reason": "demande"}),
    request(6, "clause.report", {"operation": "op-1", "behind": True,
                                 "contractor": "ramery"}),
    request(7, "clause.put", {"operation": CLAUSE_FULL}),
    request(8, "candidate.erase", {"id": "c-1", "reason": "demande",
                                   "dry_run": True, "since": 0}),
    [1, 9, None, {"ok": True}],
    [2, "match", [{"offer": "o-1"}]],
]


def write(name, seeds):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(data)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    cands = [CANDIDATE_MIN, CANDIDATE_FULL, CANDIDATE_IDENT, CANDIDATE_LATLON]
    offers = [OFFER_MIN, OFFER_FULL, OFFER_DEPT]
    clauses = [CLAUSE_MIN, CLAUSE_FULL, CLAUSE_RATE]
    write("candidate", [mp(c) for c in cands])
    write("offer", [mp(o) for o in offers])
    write("clause", [mp(c) for c in clauses])
    write("params", [mp(r) for r in REQUESTS])
    # frame: byte 0 picks the bound and the chunk size (fuzz_frame.c).
    write("frame", [bytes([5 + 8 * i]) + mp(r) for i, r in
                    enumerate(REQUESTS[:6])] + [b"\x04\xdd\xff\xff\xff\xff"])

    samples = json.loads(read("tests/data/francetravail/samples.json"))
    offers_ft = samples["resultats"]
    ft = [read("tests/data/francetravail/samples.json"), b"",
          json.dumps({"resultats": offers_ft[:2]}, ensure_ascii=False)
          .encode()]
    ft += [json.dumps(o, ensure_ascii=False).encode() for o in offers_ft[2:8]]
    write("francetravail", ft)

    csv_cand = ("\ufeffId;Secteurs;Métiers;Compétences;Permis;Véhicule;"
                "Niveau;Commune;Rayon (km);Disponible le;Contrats;"
                "Temps de travail;Date de naissance;Critères;Freins;Statut;"
                "Conseillère;Consentement\r\n"
                "c-1;Bâtiment|Industrie;f1701:24|F1704;SST, CACES-R489-3;b|c;"
                "oui;3;59183;25;01/03/2025;CDI|Intérim|Contrat de "
                "professionnalisation;Temps plein;5/9/1990;RSA|RQTH|Réfugié;"
                "Garde d'enfants;Disponible;Mme Lefèvre;Non\r\n")
    csv_offer = ("id,source,title,rome,employer,commune,contract,"
                 "duration_months,start,positions,clause_operation,"
                 "clause_criteres,clause_heures\n"
                 "o-1,Clause emploi,\"Coffreur, bancheur (H/F)\",f1701,"
                 "\"Bouygues \"\"TP\"\"\",59183,CDD,6,2025-04-01,3,"
                 "Terminal GNL,DELD|QPV,350\n"
                 "o-2,France Travail,Serveur,G1803,,59183,Saisonnier,,,,,,\n")
    csv_ident = ("id;PRENOM;Nom de famille;Tél;E-mail;lat;lon\n"
                 "c-5;Léa;Martin;06 12 34 56 78;lea@example.fr;50,97;2,33\n"
                 "c-6;\"multi\nligne\";x;;;;\n")
    write("csvrec", [b"\x00" + csv_cand.encode(), b"\x01" + csv_offer.encode(),
                     b"\x02" + csv_ident.encode(),
                     b"\x04" + csv_cand.replace(";", "\t").encode()])

    conf = read("config/matcherd.conf")
    write("conf", [conf, b"[server]\nlisten = 127.0.0.1:7420\n"
                   b"[matching]\nweight_job = 30\n", b"[redis]\nprefix=\n"])

    h = "ab" * 32
    write("users", [("# NAME ROLE SECTORS SHA256\nalice admin * %s\n"
                     "bob\tadviser\tbatiment,tertiaire\t%s\n"
                     "carol partner industrie %s\n" % (h, h, h)).encode(),
                    ("dave prospection * %s" % h).encode()])

    rules = read("config/rules.conf")
    texts = [(o.get("intitule", "") + ". " + o.get("description", ""))
             .encode() for o in offers_ft[:6]]
    small = (b"[licence]\nB = \\bpermis\\s+b\\b\n[flag]\n"
             b"nuit = \\btravail de nuit\\b\n[skill]\n"
             b"caces-r489-3 = \\bcaces\\s*(r\\s*489\\s*)?3\\b\n"
             b"\nPermis B exig\xc3\xa9, travail de nuit, CACES 3.\n")
    write("rules", [b"\x00" + rules, b"\x00" + small] +
          [b"\x01" + t for t in texts])

    write("jsonmp", [b"\x00" + json.dumps(r, ensure_ascii=False).encode()
                     for r in [CANDIDATE_FULL, OFFER_FULL, CLAUSE_FULL,
                               [1, -2, 3.25, None, True, "é", {}, []]]] +
          [b"\x01" + mp(r) for r in REQUESTS[:4]] +
          [b"\x01" + mp({1: b"\x00\xff", "f": 1.5})])
    return 0


if __name__ == "__main__":
    sys.exit(main())
