#!/usr/bin/python3
"""The person's identity (proto/PROTOCOL.md, "Records"; docs/REDIS.md):
first_name, last_name, phone and email put with a candidate, kept apart
from the record in P:ident:{cXX}, shown by candidate.get and candidate.list
to the advisers of the person's sectors, and never to anyone else: not in
a match result or a push of any view, not in the log, not in an error.
Also: what a put without them, or with nil, does; delete; a restart; bad
values; the CSV columns of matchctl import and export."""

import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import RpcClient, candidate, offer, token_of  # noqa: E402

IDENT = {
    "first_name": "Zéphirine",
    "last_name": "Quenouille-N'Gom",
    "phone": "+33 6 98 76 54 32",
    "email": "zephirine.quenouille@example.fr",
}
# Bytes that give the person away, as they would appear in msgpack or a
# log line: no reply outside the advisers', no log, no error may hold one.
VALUES = [b"Z\xc3\xa9phirine", b"phirine", b"Quenouille", b"98 76 54",
          b"zephirine", b"example.fr"]
# And the keys, which no match result, push or candidate record holds.
SECRETS = VALUES + [b"first_name", b"last_name", b"phone", b"email"]


def ident_key(cid, prefix=harness.PREFIX):
    """The identity's hash (docs/REDIS.md: P:ident:{cXX}, the tag of
    P:cand:{cXX})."""
    return "%s:ident:{c%02x}" % (prefix, harness.fnv1a32(cid) & 0xFF)


class Identity(harness.MatcherdTestCase):

    def as_user(self, name):
        c = RpcClient(self.d.addr, token=token_of(name))
        self.clients.append(c)
        return c

    def put(self, cid, client=None, **fields):
        return (client or self.c).call("candidate.put",
                                        candidate(cid, **fields))

    def assertNoSecret(self, raw, what, secrets=SECRETS):
        for s in secrets:
            self.assertNotIn(s, raw, "%s holds %r" % (what, s))

    def assertNoValue(self, raw, what):
        """Errors name the field, never its value."""
        self.assertNoSecret(raw, what, VALUES)

    def assertLogClean(self):
        self.assertNoValue(self.d.log().encode(), "the log")

    def stored_ident(self, cid):
        return self.redis.hget_msgpack(ident_key(cid), cid)

    # ---- put, get, the keys --------------------------------------------

    def test_put_and_get_and_what_redis_holds(self):
        self.assertEqual(self.put("c-id", **IDENT), {"id": "c-id",
                                                     "created": True})
        got = self.c.call("candidate.get", {"id": "c-id"})
        for k, v in IDENT.items():
            self.assertEqual(got[k], v)
        self.assertEqual(got["id"], "c-id")
        self.assertEqual(got["open_referrals"], 0)
        # An adviser of the person's sector sees them; by HTTP too.
        adv = self.as_user("adv-batiment")
        self.assertEqual(adv.call("candidate.get", {"id": "c-id"})["last_name"],
                         IDENT["last_name"])
        r = harness.http_request(self.d.http_addr, "GET",
                                 "/api/candidates/c-id",
                                 token=token_of("adv-batiment"))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["first_name"], IDENT["first_name"])
        self.assertEqual(r.json["email"], IDENT["email"])
        # An adviser of another sector is refused, with no name said.
        err = self.assertRpcError("forbidden", "id", "candidate.get",
                                  {"id": "c-id"},
                                  client=self.as_user("adv-industrie"))
        self.assertNoSecret(err.message.encode(), "the refusal")

        # The record's hash holds none of it; the identity's, all of it.
        raw = self.redis.cli_bytes("HGET", harness.cand_key("c-id"), "c-id")
        self.assertIn(b"c-id", raw)
        self.assertNoSecret(raw, "P:cand")
        self.assertEqual(self.stored_ident("c-id"), IDENT)
        raw = self.redis.cli_bytes("HGET", ident_key("c-id"), "c-id")[:-1]
        self.assertIn(IDENT["last_name"].encode(), raw)
        self.assertIn(IDENT["first_name"].encode(), raw)
        self.assertEqual(raw[0], 0x84, "a map of four fields")
        self.assertEqual(ident_key("c-id").split(":")[-1],
                         harness.cand_key("c-id").split(":")[-1],
                         "one hash tag, one slot")
        # Only the two keys: the identity is nowhere else.
        for k in self.redis.keys("*"):
            if k in (ident_key("c-id"),):
                continue
            kind = self.redis.cli("TYPE", k).strip()
            dump = self.redis.cli_bytes("HGETALL", k) if kind == "hash" \
                else self.redis.cli_bytes("XRANGE", k, "-", "+") \
                if kind == "stream" else b""
            self.assertNoSecret(dump, k)
        self.assertLogClean()

    def test_a_put_without_identity_keeps_it_and_nil_removes(self):
        self.put("c-keep", **IDENT)
        # Named nowhere: the stored identity is left as it is.
        self.assertEqual(self.put("c-keep", level=4)["created"], False)
        got = self.c.call("candidate.get", {"id": "c-keep"})
        self.assertEqual(got["level"], 4)
        self.assertEqual(got["phone"], IDENT["phone"])
        # Named: the put's fields replace it; nil removes a field.
        self.put("c-keep", **dict(IDENT, first_name=None))
        self.assertEqual(self.stored_ident("c-keep"),
                         {k: v for k, v in IDENT.items()
                          if k != "first_name"})
        got = self.c.call("candidate.get", {"id": "c-keep"})
        self.assertNotIn("first_name", got)
        self.assertEqual(got["last_name"], IDENT["last_name"])
        self.put("c-keep", email="z@example.org")
        self.assertEqual(self.stored_ident("c-keep"),
                         {"email": "z@example.org"})
        # Every field nil (or ""): no identity left, the field is gone.
        self.put("c-keep", first_name=None, last_name="", phone=None,
                 email=None)
        self.assertFalse(self.redis.hexists(ident_key("c-keep"), "c-keep"))
        got = self.c.call("candidate.get", {"id": "c-keep"})
        for k in IDENT:
            self.assertNotIn(k, got)
        # A put through HTTP names them the same way.
        r = harness.http_request(self.d.http_addr, "PUT",
                                 "/api/candidates/c-keep",
                                 dict(candidate("c-keep"), **IDENT),
                                 token=token_of("adv-all"))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.stored_ident("c-keep"), IDENT)

    def test_the_list_names_the_people(self):
        self.put("c-l1", **IDENT)
        self.put("c-l2")
        self.put("c-l3", sectors=["industrie"],
                 jobs=[{"rome": harness.ROME_SOUDAGE, "months": 3}],
                 last_name="Soudure")
        adv = self.as_user("adv-batiment")
        listed = {x["id"]: x for x in
                  adv.call("candidate.list", {})["candidates"]}
        self.assertEqual(sorted(listed), ["c-l1", "c-l2"])
        self.assertEqual(listed["c-l1"]["first_name"], IDENT["first_name"])
        self.assertEqual(listed["c-l1"]["phone"], IDENT["phone"])
        for k in IDENT:
            self.assertNotIn(k, listed["c-l2"])
        every = {x["id"]: x for x in
                 self.c.call("candidate.list", {"count": 1})["candidates"]}
        self.assertEqual(len(every), 1)
        page = self.c.call("candidate.list", {})["candidates"]
        self.assertEqual({x["id"]: x.get("last_name") for x in page},
                         {"c-l1": IDENT["last_name"], "c-l2": None,
                          "c-l3": "Soudure"})

    # ---- who never sees them --------------------------------------------

    def test_prospection_and_partners_never_receive_a_name(self):
        self.put("c-named", consent_partners=True, commune="59271",
                 **IDENT)
        subs = {}
        for name in ("prospect", "prospect-batiment", "partner",
                     "adv-all"):
            subs[name] = self.as_user(name)
            subs[name].call("subscribe", {})
        res = self.c.call("offer.put", offer("o-named"))
        self.assertEqual(self.suggested_ids(res), ["c-named"])
        self.assertNoSecret(harness.msgpack.packb(res),
                            "the administrator's result")
        for name, c in subs.items():
            method, payload = c.next_notification()
            self.assertEqual(method, "suggestions")
            self.assertEqual(len(payload[0]["suggestions"]), 1, name)
            self.assertNoSecret(harness.msgpack.packb(payload),
                                "the push to " + name)
        pro = subs["prospect"]
        for r in (pro.call("offer.match", {"id": "o-named"}),
                  pro.call("offer.get", {"id": "o-named"}),
                  pro.call("offer.list", {}),
                  pro.call("offer.put", offer("o-named", positions=2))):
            self.assertNoSecret(harness.msgpack.packb(r),
                                "a prospection reply")
        # The adviser's own copy is the next push: results carry ids only.
        for c in subs.values():
            _, payload = c.next_notification()
            self.assertNoSecret(harness.msgpack.packb(payload), "a push")
        for name in ("prospect", "partner"):
            err = self.assertRpcError("forbidden", None, "candidate.get",
                                      {"id": "c-named"}, client=subs[name])
            self.assertNoSecret(err.message.encode(), "the refusal")
            self.assertRpcError("forbidden", None, "candidate.list", {},
                                client=subs[name])
        r = harness.http_request(self.d.http_addr, "GET",
                                 "/api/candidates/c-named",
                                 token=token_of("prospect"))
        self.assertEqual(r.status, 403)
        self.assertNoSecret(r.body, "the HTTP refusal")
        self.assertLogClean()

    # ---- delete, restart --------------------------------------------------

    def test_delete_removes_both(self):
        self.put("c-del", **IDENT)
        self.put("c-other", last_name="Autre")
        self.assertEqual(self.c.call("candidate.delete", {"id": "c-del"}),
                         {"id": "c-del", "deleted": True})
        self.assertFalse(self.redis.hexists(harness.cand_key("c-del"),
                                            "c-del"))
        self.assertFalse(self.redis.hexists(ident_key("c-del"), "c-del"))
        self.assertEqual(self.stored_ident("c-other"), {"last_name": "Autre"})
        self.assertRpcError("not_found", "id", "candidate.get",
                            {"id": "c-del"})
        self.assertRpcError("not_found", "id", "candidate.delete",
                            {"id": "c-del"})
        # Put again without one: no identity comes back from before.
        self.put("c-del")
        got = self.c.call("candidate.get", {"id": "c-del"})
        for k in IDENT:
            self.assertNotIn(k, got)

    def test_a_restart_keeps_the_identity(self):
        self.put("c-rs", **IDENT)
        self.assertEqual(self.d.stop(), 0)
        self.d.start()
        self.c = self.client()
        got = self.c.call("candidate.get", {"id": "c-rs"})
        for k, v in IDENT.items():
            self.assertEqual(got[k], v)
        # The rebuild read the record, not the identity: it still matches.
        res = self.c.call("offer.put", offer("o-rs"))
        self.assertEqual(self.suggested_ids(res), ["c-rs"])
        self.assertLogClean()

    # ---- bad values -------------------------------------------------------

    def test_bad_values_are_refused_by_field_and_never_echoed(self):
        bad = [
            ("first_name", "Zéphirine\nQuenouille"),
            ("first_name", "Zéphirine" * 8),
            ("last_name", "Quenouille\x07"),
            ("last_name", "   "),
            ("last_name", 42),
            ("phone", "06 98 76 54 3x"),
            ("phone", "98765"),
            ("phone", "+33 6 98 76 54 32 10 99"),
            ("email", "zephirine.quenouille"),
            ("email", "zephirine quenouille@example.fr"),
            ("email", "zephirine@quenouille@example.fr"),
            ("email", "zephirine@example"),
            ("email", "z" * 250 + "@example.fr"),
        ]
        for field, value in bad:
            err = self.assertRpcError("invalid_argument", field,
                                      "candidate.put",
                                      candidate("c-bad", **{field: value}))
            if isinstance(value, str):
                self.assertNotIn(value, err.message)
            self.assertNoValue(err.message.encode(), "the error")
            r = harness.http_request(self.d.http_addr, "PUT",
                                     "/api/candidates/c-bad",
                                     candidate("c-bad", **{field: value}))
            self.assertEqual(r.status, 400)
            self.assertEqual(r.error["field"], field)
            self.assertNoValue(r.body, "the HTTP error")
        # Nothing was written, nothing logged.
        self.assertFalse(self.redis.hexists(harness.cand_key("c-bad"),
                                            "c-bad"))
        self.assertFalse(self.redis.hexists(ident_key("c-bad"), "c-bad"))
        self.assertLogClean()

    # ---- CSV --------------------------------------------------------------

    def ctl(self, *args):
        return harness.matchctl(self.d.addr, *args)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def test_csv_import_with_the_french_columns_and_export(self):
        text = ("\ufeffId;Secteurs;Métiers;Commune;Prénom;Nom;Téléphone;"
                "Courriel\r\n"
                "csv-z;Bâtiment;F1701:24;59183;Zéphirine;"
                "\"Quenouille-N'Gom\";+33 6 98 76 54 32;"
                "zephirine.quenouille@example.fr\r\n"
                "csv-n;Bâtiment;F1701;59183;;;;\r\n"
                "csv-bad;Bâtiment;F1701;59183;Zoé;;;zoe.quenouille@nowhere\r\n")
        r = self.ctl("import", "candidates", self.write("c.csv", text))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("2 created, 0 updated, 1 rejected", r.stdout)
        self.assertIn("email", r.stderr)
        self.assertNotIn("zoe.quenouille", r.stderr)
        got = self.c.call("candidate.get", {"id": "csv-z"})
        for k, v in IDENT.items():
            self.assertEqual(got[k], v)
        self.assertIsNone(self.stored_ident("csv-n"))

        r = self.ctl("export", "candidates", "--sector", "batiment", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.reader(io.StringIO(r.stdout[1:]), delimiter=";"))
        head = rows[0]
        self.assertEqual(head[-4:], ["prenom", "nom", "telephone",
                                     "courriel"])
        by_id = {row[0]: dict(zip(head, row)) for row in rows[1:]}
        self.assertEqual(sorted(by_id), ["csv-n", "csv-z"])
        self.assertEqual(by_id["csv-z"]["prenom"], IDENT["first_name"])
        self.assertEqual(by_id["csv-z"]["nom"], IDENT["last_name"])
        self.assertEqual(by_id["csv-z"]["telephone"], IDENT["phone"])
        self.assertEqual(by_id["csv-z"]["courriel"], IDENT["email"])
        self.assertEqual(by_id["csv-n"]["nom"], "")
        # The export imports back: the same people.
        for cid in by_id:
            self.c.call("candidate.delete", {"id": cid})
        r = self.ctl("import", "candidates",
                     self.write("export.csv", r.stdout))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.stored_ident("csv-z"), IDENT)
        self.assertIsNone(self.stored_ident("csv-n"))
        # matchctl candidate get and list show the name.
        r = self.ctl("candidate", "get", "csv-z")
        self.assertIn(IDENT["last_name"], r.stdout)
        r = self.ctl("candidate", "list")
        line = [x for x in r.stdout.splitlines() if "csv-z" in x][0]
        self.assertIn("Zéphirine Quenouille", line)
        self.assertLogClean()


if __name__ == "__main__":
    harness.main()
