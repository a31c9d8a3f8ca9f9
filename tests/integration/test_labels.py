#!/usr/bin/python3
"""Labels for people (proto/PROTOCOL.md, "Labels"): every answer, over
MessagePack-RPC and HTTP, and every pushed result names each commune and
postcode beside its INSEE code and each ROME label beside its code;
suggestions and near misses carry the person's commune, which the
prospection and partner views leave out; refdata.communes and
GET /api/communes give the map its coordinates."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcClient, candidate, offer, token_of  # noqa: E402
from test_http import SseStream  # noqa: E402

BETON = "Construction en béton"
DUNKERQUE = {"commune": "59183", "commune_name": "DUNKERQUE",
             "postcode": "59140"}
GRANDE_SYNTHE = {"commune": "59271", "commune_name": "GRANDE SYNTHE",
                 "postcode": "59760"}


class Labels(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("c-dk"),
            candidate("c-gs", commune="59271"),
            candidate("c-geo", commune=None, lat=51.02, lon=2.35),
            candidate("c-miss", skills=[]),
        ])

    def assertCommune(self, m, labels):
        for k, v in labels.items():
            self.assertEqual(m.get(k), v, (k, m))
        keys = list(m)
        # Right after the code, in that order.
        i = keys.index("commune")
        self.assertEqual(keys[i + 1:i + 3], ["commune_name", "postcode"])

    def assertRome(self, m, code, label):
        self.assertEqual(m["rome"], code)
        self.assertEqual(m["rome_label"], label)
        keys = list(m)
        self.assertEqual(keys[keys.index("rome") + 1], "rome_label")

    def assertLabelledResult(self, res):
        self.assertCommune(res["offer"], DUNKERQUE)
        self.assertRome(res["offer"], "F1701", BETON)
        # Counters named after filters are not codes.
        self.assertIsInstance(res["excluded"]["rome"], int)
        self.assertNotIn("rome_label", res["excluded"])
        by = {s["candidate"]: s for s in res["suggestions"]}
        self.assertCommune(by["c-dk"], DUNKERQUE)
        self.assertCommune(by["c-gs"], GRANDE_SYNTHE)
        # Given by coordinates: no commune to name.
        self.assertIsNone(by["c-geo"]["commune"])
        self.assertNotIn("commune_name", by["c-geo"])
        self.assertNotIn("postcode", by["c-geo"])

    def http_json(self, path, token=harness.ADMIN_TOKEN, method="GET",
                  body=None):
        r = harness.http_request(self.d.http_addr, method, path, body,
                                 token=token)
        return r

    def test_candidate_get(self):
        for got in (self.c.call("candidate.get", {"id": "c-gs"}),
                    self.http_json("/api/candidates/c-gs").json):
            self.assertCommune(got, GRANDE_SYNTHE)
            self.assertRome(got["jobs"][0], "F1701", BETON)
        # The canonical map itself is stored without them.
        stored = self.redis.hget_msgpack(harness.cand_key("c-gs"), "c-gs")
        self.assertNotIn("commune_name", stored)
        self.assertNotIn("rome_label", stored["jobs"][0])
        # Labels are no record fields: sent back, they are refused.
        back = self.c.call("candidate.get", {"id": "c-gs"})
        back.pop("open_referrals")
        back.pop("followers")
        self.assertRpcError("invalid_argument", "commune_name",
                            "candidate.put", back)
        self.assertEqual(self.c.call("candidate.put", harness.unlabelled(
            back))["created"], False)
        # A record known by its coordinates has no commune to label.
        got = self.c.call("candidate.get", {"id": "c-geo"})
        self.assertNotIn("commune_name", got)

    def test_offer_put_get_list_over_both_transports(self):
        sub = self.client()
        sub.call("subscribe", {})
        sse = SseStream(self.d.http_addr, "/api/events")
        self.addCleanup(sse.close)
        put = self.put_offer(offer("o-1"), limit=200)
        self.assertLabelledResult(put)
        # Pushed results: labelled once for every subscriber.
        method, payload = sub.next_notification(timeout=10)
        self.assertEqual(method, "suggestions")
        self.assertLabelledResult(payload[0])
        self.assertEqual(payload[0], put)
        event, data = sse.next_event()
        self.assertEqual(event, "suggestions")
        self.assertLabelledResult(json.loads(data))
        r = self.http_json("/api/offers", method="POST",
                           body={"offer": offer("o-2"), "limit": 5})
        self.assertEqual(r.status, 200, r)
        self.assertLabelledResult(r.json)
        for got in (self.c.call("offer.get", {"id": "o-1"}),
                    self.http_json("/api/offers/o-1").json):
            self.assertCommune(got["offer"], DUNKERQUE)
            self.assertLabelledResult(got["result"])
        for got in (self.c.call("offer.list", {}),
                    self.http_json("/api/offers").json):
            self.assertEqual(len(got["offers"]), 2)
            for o in got["offers"]:
                self.assertCommune(o, DUNKERQUE)
                self.assertRome(o, "F1701", BETON)
        # The stored result has the codes alone.
        stored = self.redis.hget_msgpack(
            harness.offer_key("batiment", "o-1"), "result")
        self.assertNotIn("commune_name", stored["offer"])
        self.assertEqual(stored["suggestions"],
                         harness.unlabelled(put["suggestions"]))
        self.assertIn("commune", stored["suggestions"][0])

    def test_candidate_match_names_the_offers(self):
        self.put_offer(offer("o-gs", commune="59271", title="Maçon",
                             employer="Eiffage"))
        for got in (self.c.call("candidate.match", {"id": "c-dk"}),
                    self.http_json("/api/candidates/c-dk/offers").json):
            o = got["offers"][0]["offer"]
            self.assertEqual((o["title"], o["employer"]),
                             ("Maçon", "Eiffage"))
            self.assertCommune(o, GRANDE_SYNTHE)
            self.assertRome(o, "F1701", BETON)

    def test_near_miss_people_carry_their_commune(self):
        self.put_offer(offer("o-sst", skills_required=["sst"]))
        for got in (self.c.call("offer.near_miss", {"id": "o-sst"}),
                    self.http_json("/api/offers/o-sst/near-miss").json):
            people = [p for g in got["groups"] for p in g["candidates"]]
            self.assertEqual([p["candidate"] for p in people], ["c-miss"])
            self.assertCommune(people[0], DUNKERQUE)

    def test_views_outside_advisers_leave_the_person_s_commune_out(self):
        self.put_offer(offer("o-1"))
        pro = RpcClient(self.d.addr, token=token_of("prospect"))
        self.clients.append(pro)
        for res in (pro.call("offer.match", {"id": "o-1"}),
                    harness.http_request(self.d.http_addr, "GET",
                                         "/api/offers/o-1",
                                         token=token_of("prospect"))
                    .json["result"]):
            # The offer's own commune is named, nobody's home.
            self.assertCommune(res["offer"], DUNKERQUE)
            for s in res["suggestions"]:
                for k in ("commune", "commune_name", "postcode"):
                    self.assertNotIn(k, s)
            self.assertNotIn(b"GRANDE SYNTHE", harness.msgpack.packb(res))
            self.assertNotIn(b"59271", harness.msgpack.packb(res))
        self.put_candidates([candidate("c-gs", commune="59271",
                                       consent_partners=True)])
        par = RpcClient(self.d.addr, token=token_of("partner"))
        self.clients.append(par)
        par.call("subscribe", {})
        self.c.call("offer.match", {"id": "o-1"})
        _, payload = par.next_notification(timeout=10)
        sugg = payload[0]["suggestions"]
        self.assertEqual(len(sugg), 1)
        self.assertEqual(set(sugg[0]), {"rank", "ref", "score", "distance",
                                        "reasons", "contact"} & set(sugg[0]))
        for k in ("commune", "commune_name", "postcode", "candidate"):
            self.assertNotIn(k, sugg[0])
        self.assertNotIn(b"59271", harness.msgpack.packb(payload))

    def test_refdata_communes(self):
        want = [{"insee": "59183", "name": "DUNKERQUE", "postcode": "59140"},
                {"insee": "59350", "name": "LILLE", "postcode": "59000"}]
        # Unknown codes are left out, a code asked twice answered once.
        got = self.c.call("refdata.communes",
                          {"insee": ["59183", "75056", "59350", "59183"]})
        r = self.http_json("/api/communes?insee=59183,75056,59350,59183")
        self.assertEqual(r.status, 200, r)
        for res in (got, r.json):
            self.assertEqual([{k: c[k] for k in ("insee", "name",
                                                 "postcode")}
                              for c in res["communes"]], want)
            _, lat, lon = harness.COMMUNES["59183"]
            self.assertAlmostEqual(res["communes"][0]["lat"], lat, places=6)
            self.assertAlmostEqual(res["communes"][0]["lon"], lon, places=6)
        self.assertEqual(self.c.call("refdata.communes", {"insee": []}),
                         {"communes": []})
        # 500 at most: 500 are fine, over HTTP too.
        codes = ["59183"] * 500
        self.assertEqual(len(self.c.call("refdata.communes",
                                         {"insee": codes})["communes"]), 1)
        r = self.http_json("/api/communes?insee=" + ",".join(codes))
        self.assertEqual(r.status, 200, r)
        self.assertRpcError("invalid_argument", "insee", "refdata.communes",
                            {"insee": codes + ["59183"]})
        r = self.http_json("/api/communes?insee=" + ",".join(codes +
                                                             ["59183"]))
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error["field"], "insee")
        # Malformed codes and parameters.
        for bad in (["5918"], ["59183", "5918x"], [59183], ["591830"]):
            self.assertRpcError("invalid_argument", ..., "refdata.communes",
                                {"insee": bad})
        self.assertRpcError("invalid_argument", "insee[1]",
                            "refdata.communes", {"insee": ["59183", "x"]})
        self.assertRpcError("invalid_argument", "insee", "refdata.communes",
                            {})
        self.assertRpcError("invalid_argument", "insee", "refdata.communes",
                            {"insee": "59183"})
        for q in ("insee=59183,,59350", "insee=5918", "insee=59183&x=1"):
            r = self.http_json("/api/communes?" + q)
            self.assertEqual(r.status, 400, (q, r))
            self.assertEqual(r.error["code"], "invalid_argument")
        # Any signed-in role but partners; nobody unauthenticated.
        for name in ("adv-batiment", "prospect"):
            r = self.http_json("/api/communes?insee=59183",
                               token=token_of(name))
            self.assertEqual(r.status, 200, (name, r))
        r = self.http_json("/api/communes?insee=59183",
                           token=token_of("partner"))
        self.assertEqual(r.status, 403, r)
        r = self.http_json("/api/communes?insee=59183", token=None)
        self.assertEqual(r.status, 401, r)
        anon = RpcClient(self.d.addr, token=None)
        self.clients.append(anon)
        self.assertRpcError("unauthenticated", None, "refdata.communes",
                            {"insee": ["59183"]}, client=anon)


if __name__ == "__main__":
    harness.main()
