#!/usr/bin/python3
"""The peers of scripts/bench: what a user would pick instead of matcherd.

    peers.py load-redisearch PORT CANDIDATES.jsonl
    peers.py load-pg HOST PORT CANDIDATES.jsonl
    peers.py measure MATCHERD_ADDR REDIS_PORT PG_HOST PG_PORT OFFERS.json \
        RUNS CANDIDATES.jsonl

Run by /usr/bin/python3 (Debian's python3-redis, python3-psycopg2 and
python3-msgpack), from scripts/bench only: the peers are no dependency of
matcherd.  The candidates are the JSON Lines of matcher-gen; communes are
placed at the centroids of matcher/data/communes_59_62.csv, as matcherd
places them.

measure times, from this one client over loopback, each of the three
systems on the same offers, interleaved (every run: each offer on matcherd,
then on RediSearch, then on PostgreSQL), after one untimed pass, and prints
p50/p99 and the ratio of each peer to matcherd, then each offer's eligible
count in the three systems.  MATCHCTL_TOKEN authenticates to matcherd.

What each peer's query expresses of matcherd's hard filters (SCORING.md):

  filter            RediSearch 1.2               PostgreSQL 15 + PostGIS 3
  status, sector    TAG                          column, array
  rome (domain)     TAG of the domains sought    B-tree on cand_job(dom, rome)
  contract          TAG                          array
  availability      NUMERIC day number           date
  age               NUMERIC birth day            date
  clause            union of TAG and NUMERIC     OR of array and dates
  licences          TAG of the closed set        array (closed set) @>
  skills (required) TAG (no demo offer has any)  array @>
  distance          GEO with ONE radius: the     ST_DWithin(geography, own
                    offer's max_km, else the     limit: least(radius_km,
                    largest radius_km (40); the  max_km)) on the sphere
                    candidate's own radius_km
                    cannot be expressed
  already_referred  none (no referrals in the bench: 0 in matcherd too)

Score: RediSearch cannot compute one per offer (no expressions on fields in
1.2): it sorts on a number stored with each record (the priority component,
then the level), the same for every offer.  PostgreSQL computes in SQL an
approximation of matcherd's soft score (job, experience, distance with the
no-vehicle weight, skills wanted, level, priority with the clause's
criteria, barriers; fairness 1 as nobody has a referral) and sorts on it,
ties by id as matcherd.
"""

import csv
import datetime
import io
import json
import os
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
COMMUNES = os.path.join(ROOT, "matcher", "data", "communes_59_62.csv")
CONTRACTS = ["cdi", "cdd", "interim", "alternance", "insertion", "aide",
             "saisonnier"]
PRIORITY = {"deld", "detld", "rsa", "qpv", "th"}
CLAUSE_CRITERIA = ["rsa", "ass", "aah", "deld", "detld", "th", "qpv"]
LICENCE_RULES = [("CE", ["C", "BE", "C1E"]), ("C", ["C1", "B"]),
                 ("C1E", ["C1", "BE"]), ("C1", ["B"]),
                 ("DE", ["D", "BE", "D1E"]), ("D", ["D1", "B"]),
                 ("D1E", ["D1", "BE"]), ("D1", ["B"]), ("BE", ["B"]),
                 ("A", ["A2"]), ("A2", ["A1"]), ("A1", ["AM"]),
                 ("B", ["AM"])]
EPOCH = datetime.date(1970, 1, 1)
MAX_RADIUS = 40     # the largest radius_km matcher-gen gives
START_SLACK = 14    # [matching] start_slack_days
YOUTH = (16, 25)    # youth_age_min, youth_age_max
YOUNG_MAX, LOW_LEVEL_MAX, SENIOR = 25, 3, 50


def communes():
    out = {}
    with open(COMMUNES, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            out[row["code_insee"]] = (float(row["longitude"]),
                                      float(row["latitude"]))
    return out


def closure(lic):
    s = set(lic)
    while True:
        n = len(s)
        for a, implied in LICENCE_RULES:
            if a in s:
                s.update(implied)
        if len(s) == n:
            return sorted(s)


def day(iso):
    return (datetime.date.fromisoformat(iso) - EPOCH).days


def years_before(d, years):
    try:
        return d.replace(year=d.year - years)
    except ValueError:          # 29 February
        return d.replace(year=d.year - years, day=28)


def prio_n(c):
    return len(PRIORITY & set(c.get("criteria", [])))


def records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


# ---------------------------------------------------------------------------
# RediSearch
# ---------------------------------------------------------------------------

def load_redisearch(port, path):
    import redis
    r = redis.Redis(host="127.0.0.1", port=int(port))
    places = communes()
    r.execute_command(
        "FT.CREATE", "cands", "SCHEMA",
        "status", "TAG", "sectors", "TAG", "romedom", "TAG", "rome", "TAG",
        "contracts", "TAG", "licences", "TAG", "skills", "TAG",
        "criteria", "TAG", "loc", "GEO", "level", "NUMERIC",
        "avail", "NUMERIC", "birth", "NUMERIC", "prio", "NUMERIC",
        "SORTABLE", "radius", "NUMERIC")
    t0 = time.perf_counter()
    pipe = r.pipeline(transaction=False)
    n = 0
    for c in records(path):
        lon, lat = places[c["commune"]]
        codes = [j["rome"] for j in c["jobs"]]
        fields = [
            "status", c["status"], "sectors", ",".join(c["sectors"]),
            "romedom", ",".join(sorted({x[:3] for x in codes})),
            "rome", ",".join(codes),
            "contracts", ",".join(c.get("contracts", CONTRACTS)),
            "licences", ",".join(closure(c.get("licences", []))) or "none",
            "skills", ",".join(c.get("skills", [])) or "none",
            "criteria", ",".join(c.get("criteria", [])) or "none",
            "loc", "%.6f,%.6f" % (lon, lat), "level", c["level"],
            "avail", day(c["available_from"]) if "available_from" in c
            else 0,
            "birth", day(c["birth_date"]),
            # The offer-independent part of the score, to sort on.
            "prio", prio_n(c) * 10 + c["level"],
            "radius", c["radius_km"]]
        pipe.execute_command("FT.ADD", "cands", c["id"], "1.0", "FIELDS",
                             *fields)
        n += 1
        if n % 2000 == 0:
            pipe.execute()
    pipe.execute()
    print("RediSearch: %d candidates loaded (FT.ADD, pipelined) in %.1f s"
          % (n, time.perf_counter() - t0))


def offer_query(o, places):
    """The offer's parameters, as both peers use them."""
    today = datetime.date.today()
    start = max(today, datetime.date.fromisoformat(o["start"])
                if "start" in o else today)
    lon, lat = places[o["commune"]]
    q = {"code": o["rome"], "dom": o["rome"][:3],
         "sector": {"F": "batiment", "A": "industrie", "H": "industrie",
                    "I": "industrie", "G": "hotellerie",
                    "N": "hotellerie"}.get(o["rome"][0], "tertiaire"),
         "contract": o["contract"],
         "latest": start + datetime.timedelta(days=START_SLACK),
         "lon": lon, "lat": lat, "max_km": o.get("max_km"),
         "licences": sorted(o.get("licences_required", [])),
         "skills_req": sorted(o.get("skills_required", [])),
         "skills_wanted": sorted(o.get("skills_wanted", [])),
         "exp": o.get("experience_months", 0),
         "level_min": o.get("level_min"),
         "clause": o.get("source") == "clause" or "clause" in o,
         # jeune_peu_qualifie: at most 25 at the start; senior: 50 or more.
         "young_after": years_before(start, YOUNG_MAX + 1),
         "senior_by": years_before(start, SENIOR),
         "part": o.get("working_time") == "part",
         "born_min": None, "born_max": None}
    ages = None
    if "age_min" in o or "age_max" in o:
        ages = (o.get("age_min", 0), o.get("age_max", 200))
    elif o.get("source") == "plateforme_jeunes":
        ages = YOUTH
    if ages:
        # age at the start within [a, b]: born after start - (b+1) years,
        # at or before start - a years.
        q["born_min"] = years_before(start, ages[1] + 1) + \
            datetime.timedelta(days=1)
        q["born_max"] = years_before(start, ages[0])
    return q


def rs_tags(vals):
    return "|".join(vals)


def redisearch_args(q):
    parts = ["@status:{available}", "@sectors:{%s}" % q["sector"],
             "@romedom:{%s}" % q["dom"], "@contracts:{%s}" % q["contract"],
             "@avail:[-inf %d]" % (q["latest"] - EPOCH).days]
    if q["born_min"]:
        parts.append("@birth:[%d %d]" % ((q["born_min"] - EPOCH).days,
                                         (q["born_max"] - EPOCH).days))
    if q["clause"]:
        # RediSearch 1.2 parses a union only with every branch in
        # parentheses.
        parts.append("((@criteria:{%s}) | (@birth:[(%d +inf] @level:[-inf %d])"
                     " | (@birth:[-inf %d]))"
                     % (rs_tags(CLAUSE_CRITERIA),
                        (q["young_after"] - EPOCH).days, LOW_LEVEL_MAX,
                        (q["senior_by"] - EPOCH).days))
    for lic in q["licences"]:
        parts.append("@licences:{%s}" % lic)
    for s in q["skills_req"]:
        parts.append("@skills:{%s}" % s)
    parts.append("@loc:[%.6f %.6f %d km]" % (q["lon"], q["lat"],
                                            q["max_km"] or MAX_RADIUS))
    return ["FT.SEARCH", "cands", " ".join(parts), "SORTBY", "prio", "DESC",
            "LIMIT", "0", "20", "RETURN", "2", "level", "radius"]


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

PG_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS cand_job, cand;
CREATE TABLE cand (
    id text PRIMARY KEY, status text NOT NULL, sectors text[] NOT NULL,
    contracts text[], licences text[] NOT NULL, skills text[] NOT NULL,
    criteria text[] NOT NULL, barriers text[] NOT NULL,
    vehicle boolean NOT NULL, level int NOT NULL, radius_km int NOT NULL,
    available_from date, birth_date date, prio_n int NOT NULL,
    geog geography(Point, 4326) NOT NULL);
CREATE TABLE cand_job (
    cand_id text NOT NULL, rome text NOT NULL, dom text NOT NULL,
    months int NOT NULL);
"""

PG_INDEXES = """
CREATE INDEX cand_geog ON cand USING gist (geog);
CREATE INDEX cand_job_rome ON cand_job (dom, rome);
ANALYZE cand;
ANALYZE cand_job;
"""

# $1 code, $2 domain, $3 sector, $4 contract, $5 latest available date,
# $6 lon, $7 lat, $8 max_km (null: none), $9 licences required,
# $10 skills required, $11 skills wanted, $12 experience months asked,
# $13 level_min (null), $14 clause offer, $15 young: born after,
# $16 senior: born on or before, $17 part-time, $18/$19 born between
# (null: no age rule), $20 the bound of the GiST search, km.
PG_QUERY = """
PREPARE top20 (text, text, text, text, date, float8, float8, int, text[],
               text[], text[], int, int, boolean, date, date, boolean, date,
               date, int) AS
WITH j AS (
    SELECT DISTINCT ON (cand_id) cand_id, rome, months
    FROM cand_job WHERE dom = $2
    ORDER BY cand_id, rome <> $1, rome),
e AS (
    SELECT c.id, j.rome, j.months, c.level, c.prio_n, c.barriers,
           c.licences, c.skills, c.vehicle, c.criteria, c.birth_date,
           x.d, x.lim
    FROM j JOIN cand c ON c.id = j.cand_id
    CROSS JOIN LATERAL (SELECT
        ST_Distance(c.geog, ST_MakePoint($6, $7)::geography, false) / 1000
            AS d,
        least(c.radius_km, coalesce($8, c.radius_km)) AS lim) x
    WHERE c.status = 'available' AND $3 = ANY (c.sectors)
      AND (c.contracts IS NULL OR $4 = ANY (c.contracts))
      AND (c.available_from IS NULL OR c.available_from <= $5)
      AND ($18 IS NULL OR (c.birth_date >= $18 AND c.birth_date <= $19))
      AND (NOT $14 OR c.criteria && ARRAY['rsa','ass','aah','deld','detld',
                                          'th','qpv']
           OR (c.birth_date > $15 AND c.level <= 3)
           OR c.birth_date <= $16)
      AND c.licences @> $9 AND c.skills @> $10
      AND ST_DWithin(c.geog, ST_MakePoint($6, $7)::geography, $20 * 1000,
                     false)
      AND x.d <= x.lim),
s AS (
    SELECT id, round((100 * (
        25 * (CASE WHEN rome = $1 THEN 1 ELSE 0.6 END)
      + 15 * (CASE WHEN $12 > 0 THEN
                  CASE WHEN months >= $12 THEN 1
                       ELSE 0.2 + 0.8 * months / $12::float8 END
              ELSE 0.6 + 0.4 * least(1, months / 12.0) END)
      + w_d * (1 - d / lim)
      + 10 * (CASE WHEN cardinality($11) = 0 THEN 1 ELSE
                  (SELECT count(*) FROM unnest($11) k
                   WHERE k = ANY (skills))::float8 / cardinality($11) END)
      + 5 * (CASE WHEN $13 IS NULL OR level >= $13 THEN 1
                  WHEN level = $13 - 1 THEN 0.5 ELSE 0 END)
      + 10 * (CASE least(CASE WHEN $14 THEN
                  -- a clause offer: its criteria count too, derived ones
                  (SELECT count(*) FROM unnest(criteria) k
                   WHERE k = ANY (ARRAY['rsa','ass','aah','deld','detld',
                                        'th','qpv']))
                  + (birth_date > $15 AND level <= 3)::int
                  + (birth_date <= $16)::int
              ELSE prio_n END, 3)
              WHEN 0 THEN 0 WHEN 1 THEN 0.6 WHEN 2 THEN 0.85 ELSE 1 END)
      + 10
      + 5 * greatest(0, 1
            - (CASE WHEN 'mobilite' = ANY (barriers) AND d > 5
                    THEN 0.4 ELSE 0 END)
            - (CASE WHEN 'garde_enfants' = ANY (barriers)
                    THEN (CASE WHEN $17 THEN 0.1 ELSE 0.3 END) ELSE 0 END)
            - (CASE WHEN 'logement' = ANY (barriers) THEN 0.15 ELSE 0 END)
            - (CASE WHEN 'sante' = ANY (barriers) THEN 0.15 ELSE 0 END))
    ) / (80 + w_d))::numeric, 1) AS score,
    round(d::numeric, 1) AS distance_km
    FROM (SELECT e.*, CASE WHEN 'B' = ANY (licences) AND vehicle THEN 20
                           ELSE 30 END AS w_d
          FROM e) t)
SELECT id, score, distance_km, count(*) OVER () AS eligible
FROM s ORDER BY score DESC, id LIMIT 20;
"""


def pg_connect(host, port):
    import psycopg2
    conn = psycopg2.connect(host=host, port=int(port), dbname="postgres",
                            user="postgres")
    conn.autocommit = True
    return conn


def pg_array(vals):
    return "{" + ",".join(vals) + "}"


def load_pg(host, port, path):
    conn = pg_connect(host, port)
    cur = conn.cursor()
    cur.execute(PG_SCHEMA)
    places = communes()
    t0 = time.perf_counter()
    cands, jobs = io.StringIO(), io.StringIO()
    n = 0
    for c in records(path):
        lon, lat = places[c["commune"]]
        cands.write("\t".join([
            c["id"], c["status"], pg_array(c["sectors"]),
            pg_array(c["contracts"]) if "contracts" in c else "\\N",
            pg_array(closure(c.get("licences", []))),
            pg_array(c.get("skills", [])), pg_array(c.get("criteria", [])),
            pg_array(c.get("barriers", [])),
            "t" if c["vehicle"] else "f", str(c["level"]),
            str(c["radius_km"]), c.get("available_from", "\\N"),
            c.get("birth_date", "\\N"), str(prio_n(c)),
            "SRID=4326;POINT(%.9f %.9f)" % (lon, lat)]) + "\n")
        for j in c["jobs"]:
            jobs.write("%s\t%s\t%s\t%d\n" % (c["id"], j["rome"],
                                             j["rome"][:3], j["months"]))
        n += 1
    cands.seek(0)
    jobs.seek(0)
    cur.copy_expert("COPY cand FROM STDIN", cands)
    cur.copy_expert("COPY cand_job FROM STDIN", jobs)
    t1 = time.perf_counter()
    cur.execute(PG_INDEXES)
    print("PostgreSQL: %d candidates loaded (COPY) in %.1f s, indexes and "
          "ANALYZE %.1f s" % (n, t1 - t0, time.perf_counter() - t1))


def pg_params(q):
    return (q["code"], q["dom"], q["sector"], q["contract"], q["latest"],
            q["lon"], q["lat"], q["max_km"], q["licences"], q["skills_req"],
            q["skills_wanted"], q["exp"], q["level_min"], q["clause"],
            q["young_after"], q["senior_by"], q["part"], q["born_min"],
            q["born_max"], q["max_km"] or MAX_RADIUS)


# ---------------------------------------------------------------------------
# matcherd (MessagePack-RPC, as tests/integration/harness.py speaks it)
# ---------------------------------------------------------------------------

class Rpc:
    def __init__(self, addr):
        import msgpack
        self.msgpack = msgpack
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), 30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.msgid = 0
        tok = os.environ.get("MATCHCTL_TOKEN")
        if tok:
            self.call("auth", {"token": tok})

    def call(self, method, *params):
        self.msgid += 1
        self.sock.sendall(self.msgpack.packb(
            [0, self.msgid, method, list(params)], use_bin_type=True))
        while True:
            for msg in self.unpacker:
                if msg[0] == 1 and msg[1] == self.msgid:
                    if msg[2] is not None:
                        raise RuntimeError("%s: %r" % (method, msg[2]))
                    return msg[3]
            data = self.sock.recv(1 << 20)
            if not data:
                raise RuntimeError("matcherd closed the connection")
            self.unpacker.feed(data)


def haversine_km(lon1, lat1, lon2, lat2):
    import math
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2)
         * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def redisearch_expected(path, queries, places):
    """What the RediSearch query should count, computed here from the
    records (the same filters, one radius): a check of the module itself."""
    counts = [0] * len(queries)
    for c in records(path):
        if c["status"] != "available":
            continue
        lon, lat = places[c["commune"]]
        doms = {j["rome"][:3] for j in c["jobs"]}
        lic = set(closure(c.get("licences", [])))
        crit = set(c.get("criteria", []))
        birth = datetime.date.fromisoformat(c["birth_date"])
        avail = c.get("available_from")
        for i, q in enumerate(queries):
            if (q["sector"] not in c["sectors"] or q["dom"] not in doms
                    or q["contract"] not in c.get("contracts", CONTRACTS)
                    or (avail and datetime.date.fromisoformat(avail)
                        > q["latest"])
                    or not lic.issuperset(q["licences"])
                    or not set(c.get("skills", [])).issuperset(
                        q["skills_req"])):
                continue
            if q["born_min"] and not q["born_min"] <= birth <= q["born_max"]:
                continue
            if q["clause"] and not (
                    crit & set(CLAUSE_CRITERIA)
                    or (birth > q["young_after"]
                        and c["level"] <= LOW_LEVEL_MAX)
                    or birth <= q["senior_by"]):
                continue
            if haversine_km(lon, lat, q["lon"], q["lat"]) <= \
                    (q["max_km"] or MAX_RADIUS):
                counts[i] += 1
    return counts


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))] * 1e3


def measure(maddr, rport, pghost, pgport, offers_path, runs, cands_path):
    import redis
    offers = json.load(open(offers_path, encoding="utf-8"))
    places = communes()
    queries = [offer_query(o, places) for o in offers]
    rpc = Rpc(maddr)
    rs = redis.Redis(host="127.0.0.1", port=int(rport))
    conn = pg_connect(pghost, pgport)
    cur = conn.cursor()
    cur.execute(PG_QUERY)
    systems = ["matcherd", "RediSearch", "PostgreSQL"]
    lat = {s: [] for s in systems}
    elig = [{} for _ in offers]
    for r in range(runs + 1):           # run 0: untimed
        for i, (o, q) in enumerate(zip(offers, queries)):
            t = time.perf_counter()
            res = rpc.call("offer.put", o)
            t1 = time.perf_counter()
            ans = rs.execute_command(*redisearch_args(q))
            t2 = time.perf_counter()
            cur.execute("EXECUTE top20 (%s)" % ", ".join(["%s"] * 20),
                        pg_params(q))
            rows = cur.fetchall()
            t3 = time.perf_counter()
            if r == 0:
                top = {x["candidate"] for x in res["suggestions"]}
                rs_ids = {x.decode() for x in ans[1::2]}
                elig[i] = {"matcherd": res["eligible"],
                           "RediSearch": ans[0],
                           "PostgreSQL": rows[0][3] if rows else 0,
                           "rs_top": len(top & rs_ids),
                           "pg_top": len(top & {x[0] for x in rows})}
                continue
            lat["matcherd"].append(t1 - t)
            lat["RediSearch"].append(t2 - t1)
            lat["PostgreSQL"].append(t3 - t2)
    n = len(lat["matcherd"])
    m50, m99 = pct(lat["matcherd"], .5), pct(lat["matcherd"], .99)
    print("%d offers x %d runs = %d queries per system, interleaved, timed "
          "from one Python client over loopback" % (len(offers), runs, n))
    print("%-12s %10s %10s %12s %12s" % ("system", "p50 ms", "p99 ms",
                                          "ratio p50", "ratio p99"))
    for s in systems:
        p50, p99 = pct(lat[s], .5), pct(lat[s], .99)
        print("%-12s %10.2f %10.2f %11.2fx %11.2fx"
              % (s, p50, p99, p50 / m50, p99 / m99))
    print("(ratio: the system's time over matcherd's.  matcherd's offer.put "
          "keeps all its work: it stores the offer and its result in redis, "
          "writes the reasons and components of the top 20 and exact "
          "per-filter exclusion counts; RediSearch returns 20 ids sorted on "
          "a stored number and the match count; PostgreSQL 20 ids with an "
          "approximate score, distance and the exact count)")
    expected = redisearch_expected(cands_path, queries, places)
    print("eligible per offer (first pass); RS expected: what the RediSearch "
          "query should count, recounted here from the records; and how "
          "many of matcherd's top 20 each peer's top 20 holds:")
    print("%-26s %9s %10s %11s %10s %6s %6s"
          % ("offer", "matcherd", "RediSearch", "RS expected", "PostgreSQL",
             "RS top", "PG top"))
    for o, e, x in zip(offers, elig, expected):
        print("%-26s %9d %10d %11d %10d %6d %6d%s"
              % (o["id"], e["matcherd"], e["RediSearch"], x,
                 e["PostgreSQL"], e["rs_top"], e["pg_top"],
                 "  RediSearch WRONG" if abs(e["RediSearch"] - x) > x / 100
                 else ""))
    print("filters expressed: RediSearch: status, sector, ROME domain, "
          "contract, availability, age, clause, licences, skills; distance "
          "only as ONE radius (the offer's max_km, else 40 km, the largest "
          "radius_km), not each candidate's radius_km, so its count is a "
          "superset; no score (sorted on a stored, offer-independent "
          "number).  PostgreSQL: every hard filter (distance on the sphere "
          "by PostGIS, haversine in matcherd), the score approximated in "
          "SQL.  Neither: the referral history (none in the bench)")


def main(argv):
    if len(argv) == 3 and argv[0] == "load-redisearch":
        load_redisearch(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "load-pg":
        load_pg(argv[1], argv[2], argv[3])
    elif len(argv) == 8 and argv[0] == "measure":
        measure(argv[1], argv[2], argv[3], argv[4], argv[5], int(argv[6]),
                argv[7])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
