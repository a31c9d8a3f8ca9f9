#!/usr/bin/python3
"""Who may see whom (proto/PROTOCOL.md, "Who may do what"): authentication,
every method for every role (allowed, or forbidden with nothing written),
sectors, the prospection view of match results, HTTP bearer tokens, the
session cookie of the event stream, and a reloaded users file."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (RpcClient, RpcError, candidate, offer,  # noqa: E402
                     token_of)

ROLES = {name: role for name, role, _ in harness.TEST_USERS}

# Each method with parameters that reach its handler, and the roles it is
# open to.  Ids that do not exist keep the allowed calls from writing.
ADM = {"admin"}
ADV = ADM | {"adviser"}
PRO = ADV | {"prospection"}
PAR = ADM | {"partner"}
CALLS = [
    ("audit.list", {"candidate": "c-bat"}, ADV),
    ("candidate.delete", {"id": "c-none"}, ADV),
    ("candidate.erase", {"id": "c-none", "reason": "error"}, ADM),
    ("candidate.export", {"id": "c-bat"}, ADV),
    ("candidate.get", {"id": "c-bat"}, ADV),
    ("candidate.match", {"id": "c-bat"}, ADV),
    ("candidate.list", {}, ADV),
    ("candidate.put", candidate("c-new"), ADV),
    ("candidate.referrals", {"id": "c-bat"}, ADV),
    ("candidate.resolve", {"partner": "partner", "ref": "p-" + "0" * 32},
     ADV),
    ("clause.get", {"id": "op-none"}, ADV),
    ("clause.list", {}, ADV),
    ("clause.put", {}, ADM),
    ("clause.report", {}, ADV),
    ("feed.push", {"format": "francetravail", "payload": "{}"}, PAR),
    ("offer.close", {"id": "o-none"}, PRO),
    ("offer.diagnose", {"id": "o-bat"}, PRO),
    ("offer.duplicates", {}, ADV),
    ("offer.get", {"id": "o-bat"}, PRO),
    ("offer.list", {}, PRO),
    ("offer.match", {"id": "o-bat"}, PRO),
    ("offer.near_miss", {"id": "o-bat"}, ADV),
    ("offer.put", offer("o-new"), PRO),
    ("offer.resolve", {"offer": "o-bat", "other": "o-none",
                       "action": "dismiss"}, ADV),
    ("referral.update", {"offer": "o-bat", "candidate": "c-none",
                         "status": "validated"}, ADV),
    ("rgpd.sweep", {"dry_run": True}, ADM),
    ("stats", {}, PRO),
    ("subscribe", {}, PRO | PAR),
]


class Access(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("c-bat", criteria=["rsa"], barriers=["mobilite"]),
            candidate("c-ind", sectors=["industrie"],
                      jobs=[{"rome": harness.ROME_SOUDAGE, "months": 12}])])
        self.c.call("offer.put", offer("o-bat"))
        self.c.call("offer.put", offer("o-ind", rome=harness.ROME_SOUDAGE,
                                       title="Soudeur"))

    def as_user(self, name):
        c = RpcClient(self.d.addr, token=token_of(name))
        self.clients.append(c)
        return c

    def snapshot(self):
        """Every key and its content: what a refused call must not change."""
        return self.redis.snapshot()

    def test_unauthenticated_client_may_only_ping_and_auth(self):
        c = RpcClient(self.d.addr, token=None)
        self.clients.append(c)
        self.assertIs(c.call("ping")["pong"], True)
        for method, params, _ in CALLS:
            self.assertRpcError("unauthenticated", None, method, params,
                                client=c)
        self.assertRpcError("unauthenticated", "token", "auth",
                            {"token": "0" * 64}, client=c)
        self.assertRpcError("invalid_argument", "token", "auth", {},
                            client=c)
        me = c.call("auth", {"token": token_of("adv-batiment")})
        self.assertEqual(me, {"user": "adv-batiment", "role": "adviser",
                              "sectors": ["batiment"]})
        self.assertEqual(c.call("candidate.get", {"id": "c-bat"})["id"],
                         "c-bat")
        # A wrong token ends the session the connection had.
        self.assertRpcError("unauthenticated", "token", "auth",
                            {"token": "x"}, client=c)
        self.assertRpcError("unauthenticated", None, "candidate.get",
                            {"id": "c-bat"}, client=c)

    def test_every_method_for_every_role(self):
        for name, role in sorted(ROLES.items()):
            if name.endswith("batiment") or name.endswith("industrie"):
                continue        # sectors: the next tests
            c = self.as_user(name)
            for method, params, allowed in CALLS:
                before = self.snapshot()
                try:
                    c.call(method, params)
                    err = None
                except RpcError as e:
                    err = e
                if role in allowed:
                    self.assertTrue(err is None or err.code not in (
                        "forbidden", "unauthenticated"),
                        "%s (%s) refused %s: %s" % (name, role, method, err))
                else:
                    self.assertIsNotNone(err, "%s (%s) may %s" % (
                        name, role, method))
                    self.assertEqual(err.code, "forbidden", str(err))
                    self.assertIn(method, err.message)
                    self.assertIn(role, err.message)
                    self.assertEqual(self.snapshot(), before,
                                     "%s refused to %s wrote to Redis" % (
                                         method, name))

    def test_an_adviser_sees_the_candidates_and_offers_of_their_sectors(self):
        c = self.as_user("adv-batiment")
        self.assertEqual(c.call("candidate.get", {"id": "c-bat"})["id"],
                         "c-bat")
        before = self.snapshot()
        self.assertRpcError("forbidden", "id", "candidate.get",
                            {"id": "c-ind"}, client=c)
        self.assertRpcError("forbidden", "id", "candidate.delete",
                            {"id": "c-ind"}, client=c)
        self.assertRpcError("forbidden", "sectors", "candidate.put",
                            candidate("c-x", sectors=["batiment",
                                                      "industrie"]),
                            client=c)
        self.assertRpcError("forbidden", "id", "candidate.put",
                            candidate("c-ind"), client=c)
        self.assertRpcError("forbidden", "sector", "candidate.list",
                            {"sector": "industrie"}, client=c)
        self.assertRpcError("forbidden", "id", "offer.get", {"id": "o-ind"},
                            client=c)
        self.assertRpcError("forbidden", "sector", "offer.put",
                            offer("o-x", rome=harness.ROME_SOUDAGE),
                            client=c)
        self.assertRpcError("forbidden", "offer", "referral.update",
                            {"offer": "o-ind", "candidate": "c-ind",
                             "status": "validated"}, client=c)
        self.assertRpcError("forbidden", "sectors", "subscribe",
                            {"sectors": ["industrie"]}, client=c)
        self.assertEqual(self.snapshot(), before)
        listed = c.call("candidate.list", {})["candidates"]
        self.assertEqual([x["id"] for x in listed], ["c-bat"])
        offers = c.call("offer.list", {})["offers"]
        self.assertEqual([o["id"] for o in offers], ["o-bat"])
        self.assertEqual(c.call("subscribe", {})["sectors"], ["batiment"])

    def test_prospection_sees_only_fit_reasons_and_no_components(self):
        full = self.c.call("offer.match", {"id": "o-bat"})
        self.assertIn("reasons", full["suggestions"][0])
        c = self.as_user("prospect")
        for res in (c.call("offer.match", {"id": "o-bat"}),
                    c.call("offer.put", offer("o-bat")),
                    c.call("offer.get", {"id": "o-bat"})["result"]):
            self.assertEqual(res["suggestions"][0]["candidate"], "c-bat")
            for s in res["suggestions"]:
                self.assertEqual(set(s), {"rank", "candidate", "score",
                                          "distance_km", "reasons"})
            # test_views.py: which reasons, the adviser.
            self.assertEqual(res["suggestions"][0]["reasons"], [
                "même métier F1701, 24 mois d'expérience",
                "public prioritaire"])
            self.assertNotIn(b"RSA", harness.msgpack.packb(res))
            self.assertNotIn(b"rsa", harness.msgpack.packb(res))
            self.assertNotIn(b"mobilit", harness.msgpack.packb(res))
        self.assertRpcError("forbidden", None, "candidate.get",
                            {"id": "c-bat"}, client=c)
        pb = self.as_user("prospect-batiment")
        self.assertRpcError("forbidden", "id", "offer.close",
                            {"id": "o-ind"}, client=pb)

    def test_a_partner_pushes_documents_of_its_sectors(self):
        c = self.as_user("partner")
        self.assertRpcError("forbidden", None, "offer.list", {}, client=c)
        r = c.call("feed.push", {"format": "francetravail",
                                 "payload": '{"resultats": []}'})
        self.assertEqual(r["accepted"], 0)

    def partner_push(self, name):
        """Subscribe as partner name, put the offer o-pj, and return the
        pushed result and its bytes."""
        c = self.as_user(name)
        c.call("subscribe", {})
        self.c.call("offer.put", offer("o-pj"))
        method, payload = c.next_notification()
        self.assertEqual(method, "suggestions")
        return payload[0], harness.msgpack.packb(payload)

    def test_a_partner_receives_pseudonymised_consenting_candidates(self):
        self.put_candidates([
            candidate("c-yes", consent_partners=True, commune="59271",
                      criteria=["rsa", "th"], barriers=["sante"],
                      birth_date="1990-04-12", adviser="Mme Conseillère"),
            candidate("c-no", commune="59271", criteria=["justice"])])
        res, raw = self.partner_push("partner")
        sugg = res["suggestions"]
        self.assertEqual(len(sugg), 1, sugg)
        self.assertEqual(set(sugg[0]), {"rank", "ref", "score", "distance",
                                        "reasons"})
        self.assertEqual(sugg[0]["reasons"],
                         ["même métier F1701, 24 mois d'expérience"])
        self.assertEqual(sugg[0]["rank"], 1)
        self.assertRegex(sugg[0]["ref"], r"^p-[0-9a-f]{32}$")
        self.assertEqual(sugg[0]["distance"], "< 5 km")
        for secret in (b"c-yes", b"c-no", b"c-bat", b"59271", b"rsa",
                       b"justice", b"sante", b"1990", b"Conseill",
                       b"Grande-Synthe", b"prioritaire", b"components"):
            self.assertNotIn(secret, raw)
        ref = sugg[0]["ref"]
        # Another partner, another reference for the same person.
        other, _ = self.partner_push("partner-b")
        self.assertNotEqual(other["suggestions"][0]["ref"], ref)
        # An adviser turns the reference back; the partner cannot.
        adv = self.as_user("adv-all")
        self.assertEqual(adv.call("candidate.resolve", {
            "partner": "partner", "ref": ref}), {"id": "c-yes"})
        self.assertRpcError("not_found", "ref", "candidate.resolve",
                            {"partner": "partner-b", "ref": ref}, client=adv)
        self.assertRpcError("forbidden", None, "candidate.resolve",
                            {"partner": "partner", "ref": ref},
                            client=self.as_user("partner"))
        self.assertRpcError("not_found", "ref", "candidate.resolve",
                            {"partner": "partner", "ref": ref},
                            client=self.as_user("adv-industrie"))
        # The same reference after a restart (the secret is in Redis).
        self.assertEqual(self.d.stop(), 0)
        self.d.start()
        self.c = self.client()
        again, _ = self.partner_push("partner")
        self.assertEqual(again["suggestions"][0]["ref"], ref)

    def test_http_bearer_tokens(self):
        r = self.http_as(None, "GET", "/api/candidates/c-bat")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.error["code"], "unauthenticated")
        self.assertIn("Bearer", r.headers["WWW-Authenticate"])
        r = self.http_as("0" * 64, "GET", "/api/candidates/c-bat")
        self.assertEqual(r.status, 401)
        r = self.http_as(token_of("adv-batiment"), "GET",
                         "/api/candidates/c-bat")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["id"], "c-bat")
        r = self.http_as(token_of("adv-batiment"), "GET",
                         "/api/candidates/c-ind")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.error["code"], "forbidden")
        r = self.http_as(token_of("prospect"), "PUT",
                         "/api/candidates/c-bat", {"candidate":
                                                   candidate("c-bat")})
        self.assertEqual(r.status, 403)
        # /metrics: administrators only.
        self.assertEqual(self.http_as(None, "GET", "/metrics").status, 401)
        self.assertEqual(self.http_as(token_of("adv-all"), "GET",
                                      "/metrics").status, 403)
        self.assertEqual(self.http_as(harness.ADMIN_TOKEN, "GET",
                                      "/metrics").status, 200)
        # The page itself is open: it holds the sign-in form.
        self.assertEqual(self.http_as(None, "GET", "/").status, 200)

    def http_as(self, token, method, path, body=None, headers=None):
        return harness.http_request(self.d.http_addr, method, path, body,
                                    headers, token=token)

    def test_the_event_stream_and_its_cookie(self):
        # An unauthenticated stream is refused before it opens, and so is
        # one of a sector that is not the adviser's.
        r = self.http_as(None, "GET", "/api/events")
        self.assertEqual(r.status, 401)
        r = self.http_as(token_of("adv-batiment"), "GET",
                         "/api/events?sectors=industrie")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.error["field"], "sectors")
        r = self.http_as(None, "POST", "/api/session", {"token": "nope"})
        self.assertEqual(r.status, 401)
        self.assertNotIn("Set-Cookie", r.headers)
        tok = token_of("adv-all")
        r = self.http_as(None, "POST", "/api/session", {"token": tok})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"user": "adv-all", "role": "adviser"})
        cookie = r.headers["Set-Cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        self.assertIn("Path=/api", cookie)
        value = cookie.split(";")[0]
        # The cookie opens the stream, and nothing else.
        import socket
        host, port = self.d.http_addr.rsplit(":", 1)
        with socket.create_connection((host, int(port)), 10) as s:
            s.sendall(("GET /api/events HTTP/1.1\r\nHost: localhost\r\nCookie: %s"
                       "\r\nAccept: text/event-stream\r\n\r\n" %
                       value).encode())
            head = s.recv(4096)
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head[:100])
        r = self.http_as(None, "GET", "/api/candidates/c-bat",
                         headers={"Cookie": value})
        self.assertEqual(r.status, 401)
        r = self.http_as(None, "DELETE", "/api/session")
        self.assertEqual(r.status, 200)
        self.assertIn("Max-Age=0", r.headers["Set-Cookie"])

    def test_a_reloaded_users_file(self):
        c = self.as_user("adv-all")
        users = self.d.users_file
        kept = [u for u in harness.TEST_USERS if u[0] != "adv-all"]
        harness.write_users_file(users, kept)
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "users: %d in" % len(kept) in self.d.log(),
                           10, what="the users file to be reloaded")
        # A session already open goes on; a new one is refused.
        self.assertEqual(c.call("candidate.get", {"id": "c-bat"})["id"],
                         "c-bat")
        with self.assertRaises(RpcError) as cm:
            RpcClient(self.d.addr, token=token_of("adv-all"))
        self.assertEqual(cm.exception.code, "unauthenticated")
        # A bad file keeps the users there were.
        with open(users, "a") as f:
            f.write("mallory root * zz\n")
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "bad users file" in self.d.log(), 10,
                           what="the bad users file to be refused")
        self.assertIn(":%d:" % (len(kept) + 2), self.d.log())
        self.as_user("admin").call("ping")

    def test_the_audit_trail(self):
        adv = self.as_user("adv-all")
        adv.call("candidate.get", {"id": "c-bat"})
        adv.call("referral.update", {"offer": "o-bat", "candidate": "c-bat",
                                     "status": "validated"})
        self.as_user("prospect").call("offer.get", {"id": "o-bat"})
        entries = self.c.call("audit.list", {"candidate": "c-bat"})["entries"]
        got = [(e["user"], e["method"], e["record"]) for e in entries]
        self.assertIn(("adv-all", "candidate.get", "c-bat"), got)
        self.assertIn(("adv-all", "referral.update", "o-bat"), got)
        self.assertEqual(got[0], ("adv-all", "referral.update", "o-bat"),
                         "newest first")
        self.assertTrue(all(e["role"] for e in entries))
        mine = self.c.call("audit.list", {"user": "prospect"})["entries"]
        self.assertEqual([(e["method"], e["record"]) for e in mine],
                         [("offer.get", "o-bat")])
        # The setUp's own puts, by the administrator, are there too.
        puts = [e for e in self.c.call("audit.list", {"user": "admin",
                                                      "count": 500})[
            "entries"] if e["method"] == "candidate.put"]
        self.assertEqual({e["record"] for e in puts}, {"c-bat", "c-ind"})
        # An adviser reads the trail of one candidate of their sectors.
        self.assertEqual(len(adv.call("audit.list",
                                      {"candidate": "c-bat"})["entries"]),
                         len(entries))
        self.assertRpcError("forbidden", "candidate", "audit.list", {},
                            client=adv)
        self.assertRpcError("forbidden", "candidate", "audit.list",
                            {"candidate": "c-bat"},
                            client=self.as_user("adv-industrie"))
        # No token in the trail.
        raw = self.redis.cli_bytes("XRANGE", "matcherd:audit", "-", "+")
        for name, _, _ in harness.TEST_USERS:
            self.assertNotIn(token_of(name).encode(), raw)

    def test_tokens_are_never_logged(self):
        RpcClient(self.d.addr, token=token_of("adv-all")).close()
        with self.assertRaises(RpcError):
            RpcClient(self.d.addr, token="secret-" + "9" * 40)
        self.http_as(token_of("prospect"), "GET", "/api/stats")
        self.http_as(None, "POST", "/api/session",
                     {"token": token_of("partner")})
        log = self.d.log()
        for name, _, _ in harness.TEST_USERS:
            self.assertNotIn(token_of(name), log)
        self.assertNotIn("secret-", log)


if __name__ == "__main__":
    harness.main()
