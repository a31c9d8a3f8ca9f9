#!/usr/bin/python3
"""The HTTP/JSON API (docs/HTTP.md): every route, the error statuses,
Server-Sent Events, /metrics, the advisers' page and the limits.  The
client is the standard library's http.client, and raw sockets where a
test needs to hold a connection or read a stream."""

import json
import os
import re
import signal
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402

# The header of a raw request as the administrator.
AUTH = b"Authorization: Bearer %s\r\n" % harness.ADMIN_TOKEN.encode()

QUIET = 0.7  # seconds a stream that should get nothing is watched

METRIC_LINE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*"'
    r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*)?\})? (\S+)$')


def rounded(x):
    """x with its floats rounded: JSON carries 15 significant digits."""
    if isinstance(x, float):
        return float("%.12g" % x)
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [rounded(v) for v in x]
    return x


def without_time(result):
    return {k: v for k, v in result.items() if k != "scored_at"}


def parse_metrics(text):
    """{(name, labels): value}; fails on a line that is not a comment or
    'name{labels} value'."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = METRIC_LINE.match(line)
        if m is None:
            raise AssertionError("bad metrics line %r" % line)
        out[(m.group(1), m.group(3) or "")] = float(m.group(5))
    return out


class SseStream:
    """GET an event stream on a raw socket and read its events."""

    def __init__(self, addr, path, timeout=10, rcvbuf=None,
                 token=harness.ADMIN_TOKEN):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, int(port)))
        auth = "Authorization: Bearer %s\r\n" % token if token else ""
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\n%s"
                           "Accept: text/event-stream\r\n\r\n" % (
                               path, addr, auth)).encode())
        self.buf = b""
        self.text = ""
        self.headers = {}
        self.status = None
        if rcvbuf is None:
            self._read_head(time.monotonic() + timeout)

    def close(self):
        self.sock.close()

    def _recv(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("no event in time")
        self.sock.settimeout(remaining)
        data = self.sock.recv(65536)
        if not data:
            raise harness.ConnectionClosed("stream closed by the daemon")
        self.buf += data

    def _read_head(self, deadline):
        while b"\r\n\r\n" not in self.buf:
            self._recv(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            k, v = line.split(":", 1)
            self.headers[k.strip().lower()] = v.strip()

    def _dechunk(self):
        while True:
            if b"\r\n" not in self.buf:
                return
            size_line, rest = self.buf.split(b"\r\n", 1)
            size = int(size_line, 16)
            if len(rest) < size + 2:
                return
            self.text += rest[:size].decode()
            self.buf = rest[size + 2:]

    def next_event(self, timeout=10):
        """(event, data) of the next event; comments are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            self._dechunk()
            while "\n\n" in self.text:
                block, self.text = self.text.split("\n\n", 1)
                event, data = None, []
                for line in block.split("\n"):
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        data.append(line[6:])
                if event is not None:
                    return event, "\n".join(data)
            self._recv(deadline)

    def no_event(self, wait=QUIET):
        try:
            self.next_event(wait)
        except (socket.timeout, TimeoutError):
            return True
        return False


class HttpCase(harness.MatcherdTestCase):

    def assertStatus(self, resp, status):
        self.assertEqual(resp.status, status, resp)

    def assertHttpError(self, resp, status, code, field=...):
        self.assertStatus(resp, status)
        self.assertIsNotNone(resp.error, resp)
        self.assertEqual(resp.error["code"], code, resp)
        self.assertIsInstance(resp.error["message"], str)
        self.assertIn("field", resp.error)
        if field is not ...:
            self.assertEqual(resp.error["field"], field, resp)
        return resp.error

    def metrics(self):
        r = self.http("GET", "/metrics")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
        return parse_metrics(r.body.decode())

    def metric(self, name, labels=""):
        return self.metrics().get((name, labels))


class Routes(HttpCase):

    def test_candidate_put_get_delete(self):
        rec = candidate("c-1")
        del rec["id"]
        r = self.http("PUT", "/api/candidates/c-1", rec)
        self.assertStatus(r, 201)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "application/json"))
        self.assertEqual(r.json, {"id": "c-1", "created": True})
        r = self.http("PUT", "/api/candidates/c-1", candidate("c-1"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"id": "c-1", "created": False})
        got = self.http("GET", "/api/candidates/c-1")
        self.assertStatus(got, 200)
        self.assertEqual(rounded(got.json),
                         rounded(self.c.call("candidate.get", {"id": "c-1"})))
        r = self.http("DELETE", "/api/candidates/c-1")
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"id": "c-1", "deleted": True})
        self.assertHttpError(self.http("GET", "/api/candidates/c-1"), 404,
                             "not_found", "id")
        self.assertHttpError(self.http("DELETE", "/api/candidates/c-1"), 404,
                             "not_found", "id")

    def test_put_id_must_match_the_path(self):
        r = self.http("PUT", "/api/candidates/c-1", candidate("c-2"))
        self.assertHttpError(r, 400, "invalid_argument", "id")
        r = self.http("PUT", "/api/candidates/c-1", candidate(7))
        self.assertHttpError(r, 400, "invalid_argument", "id")
        self.assertRpcError("not_found", "id", "candidate.get", {"id": "c-1"})
        self.assertRpcError("not_found", "id", "candidate.get", {"id": "c-2"})

    def test_bad_record_field_is_named(self):
        rec = candidate("c-1", jobs=[{"rome": "Z9999", "months": 3}])
        r = self.http("PUT", "/api/candidates/c-1", rec)
        self.assertHttpError(r, 400, "invalid_argument", "jobs[0].rome")
        r = self.http("PUT", "/api/candidates/c-1", candidate("c-1", colour=1))
        self.assertHttpError(r, 400, "invalid_argument", "colour")

    def test_path_ids_are_checked(self):
        for path in ("/api/candidates/a%20b", "/api/candidates/%zz",
                     "/api/candidates/a%00b", "/api/candidates/" + "x" * 65):
            with self.subTest(path=path):
                self.assertHttpError(self.http("GET", path), 400,
                                     "invalid_argument", "id")
        # Escapes of legal characters are fine.
        self.put_candidates([candidate("c.1")])
        self.assertStatus(self.http("GET", "/api/candidates/c%2E1"), 200)

    def test_candidate_list_and_referrals(self):
        self.put_candidates([candidate("c-%02d" % i) for i in range(5)] +
                            [candidate("h-1", sectors=["hotellerie"],
                                       jobs=[{"rome": "G1602",
                                              "months": 3}])])
        r = self.http("GET", "/api/candidates?sector=batiment&count=3")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["candidates"]), 3)
        self.assertIsNotNone(r.json["cursor"])
        rest = self.http("GET", "/api/candidates?sector=batiment&count=3&"
                         "cursor=" + urllib.parse.quote(r.json["cursor"]))
        ids = [c["id"] for c in r.json["candidates"] + rest.json[
            "candidates"]]
        self.assertEqual(sorted(ids), ["c-%02d" % i for i in range(5)])
        self.assertIsNone(rest.json["cursor"])
        self.assertEqual(
            rounded(r.json),
            rounded(self.c.call("candidate.list", {"sector": "batiment",
                                                   "count": 3})))
        self.assertHttpError(self.http("GET", "/api/candidates?count=abc"),
                             400, "invalid_argument", "count")
        self.assertHttpError(self.http("GET", "/api/candidates?count=0"),
                             400, "invalid_argument", "count")
        self.assertHttpError(self.http("GET", "/api/candidates?colour=red"),
                             400, "invalid_argument", "colour")
        self.assertHttpError(self.http("GET", "/api/candidates/c-00?x=1"),
                             400, "invalid_argument", "x")
        self.put_offer(offer("o-1"))
        r = self.http("GET", "/api/candidates/c-00/referrals")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["candidate"], "c-00")
        self.assertEqual([x["offer"] for x in r.json["referrals"]], ["o-1"])
        self.assertHttpError(self.http("GET", "/api/candidates/zz/referrals"),
                             404, "not_found", "id")

    def test_offer_routes(self):
        self.put_candidates([candidate("c-%d" % i) for i in range(4)])
        r = self.http("POST", "/api/offers", offer("o-1"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["offer"]["id"], "o-1")
        self.assertEqual(len(r.json["suggestions"]), 4)
        r = self.http("POST", "/api/offers", {"offer": offer("o-2"),
                                              "limit": 2})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["suggestions"]), 2)
        got = self.http("GET", "/api/offers/o-1")
        self.assertStatus(got, 200)
        self.assertEqual(rounded(got.json),
                         rounded(self.c.call("offer.get", {"id": "o-1"})))
        self.assertHttpError(self.http("GET", "/api/offers/nope"), 404,
                             "not_found", "id")
        r = self.http("POST", "/api/offers/o-1/match", {"limit": 1})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["suggestions"]), 1)
        r = self.http("POST", "/api/offers/o-1/match")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["suggestions"]), 4)
        self.assertHttpError(self.http("POST", "/api/offers/o-1/match",
                                       {"limit": 1, "colour": 2}),
                             400, "invalid_argument", "colour")
        self.assertHttpError(self.http("POST", "/api/offers/o-1/match",
                                       {"limit": 999}),
                             400, "invalid_argument", "limit")
        r = self.http("GET", "/api/offers?status=open&sector=batiment")
        self.assertStatus(r, 200)
        self.assertEqual(sorted(o["id"] for o in r.json["offers"]),
                         ["o-1", "o-2"])
        r = self.http("POST", "/api/offers/o-2/close", {"reason": "pourvue"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"id": "o-2", "status": "closed",
                                  "reason": "pourvue"})
        r = self.http("GET", "/api/offers?status=closed&sectors=batiment,"
                      "industrie&count=10")
        self.assertEqual([o["id"] for o in r.json["offers"]], ["o-2"])
        self.assertHttpError(self.http("GET", "/api/offers?sectors=bati,"),
                             400, "invalid_argument", "sectors")
        self.assertHttpError(self.http("POST", "/api/offers", offer("o-2")),
                             400, "invalid_argument", "id")
        self.assertHttpError(self.http("POST", "/api/offers"), 400,
                             "invalid_argument")
        r = self.http("POST", "/api/offers/o-1/close")
        self.assertStatus(r, 200)

    def test_stats(self):
        r = self.http("GET", "/api/stats")
        self.assertStatus(r, 200)
        for k in ("candidates", "offers", "referrals", "requests", "errors",
                  "redis"):
            self.assertIn(k, r.json)
        self.assertIs(r.json["redis"]["connected"], True)

    def test_same_offer_put_through_rpc_and_http(self):
        self.put_candidates([candidate("c-%02d" % i, commune=commune,
                                       jobs=[{"rome": "F1701",
                                              "months": 6 * i}])
                             for i, commune in enumerate(
                                 ["59183", "59271", "59155", "59131",
                                  "59067", "59359", "59273"] * 2)])
        rec = offer("o-same", skills_wanted=["sst"], positions=2)
        via_rpc = self.put_offer(rec)
        via_http = self.http("POST", "/api/offers", rec)
        self.assertStatus(via_http, 200)
        self.assertEqual(rounded(without_time(via_http.json)),
                         rounded(without_time(via_rpc)))
        self.assertEqual([s["candidate"] for s in via_http.json[
            "suggestions"]], self.suggested_ids(via_rpc))
        # And the other way round: what HTTP stored, RPC reads.
        self.assertEqual(rounded(self.c.call("offer.get", {
            "id": "o-same"})["result"]["suggestions"]),
            rounded(via_http.json["suggestions"]))


class Referrals(HttpCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-1"), candidate("c-2")])
        self.put_offer(offer("o-1"))

    def patch(self, cand, body):
        return self.http("PATCH", "/api/referrals/o-1/%s" % cand, body)

    def test_moves_and_statuses(self):
        r = self.patch("c-1", {"status": "validated", "note": "vu"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["from"], "suggested")
        self.assertEqual(r.json["status"], "validated")
        # An illegal move is a conflict; an unknown status a bad field.
        self.assertHttpError(self.patch("c-1", {"status": "hired"}), 409,
                             "conflict", "status")
        self.assertHttpError(self.patch("c-1", {"status": "banana"}), 400,
                             "invalid_argument", "status")
        self.assertHttpError(self.patch("c-1", {}), 400,
                             "invalid_argument", "status")
        self.assertHttpError(self.patch("zz", {"status": "validated"}), 404,
                             "not_found", "candidate")
        self.assertHttpError(self.http("PATCH", "/api/referrals/nope/c-1",
                                       {"status": "validated"}),
                             404, "not_found", "offer")
        self.assertHttpError(self.patch("c-2", {"status": "validated",
                                                "offer": "o-9"}),
                             400, "invalid_argument", "offer")
        refs = {x["candidate"]: x["status"] for x in self.c.call(
            "offer.get", {"id": "o-1"})["referrals"]}
        self.assertEqual(refs, {"c-1": "validated", "c-2": "suggested"})


class Errors(HttpCase):

    def test_bad_json_and_content_type(self):
        h = {"Content-Type": "application/json"}
        self.assertHttpError(self.http("POST", "/api/offers", "{bad",
                                       headers=h), 400, "invalid_argument")
        self.assertHttpError(self.http("POST", "/api/offers", "[1, 2]",
                                       headers=h), 400, "invalid_argument")
        self.assertHttpError(self.http("POST", "/api/offers",
                                       '{"id": "a", "id": "b"}', headers=h),
                             400, "invalid_argument")
        self.assertHttpError(self.http("POST", "/api/offers", b"\xff\xfe",
                                       headers=h), 400, "invalid_argument")
        deep = "[" * 40 + "]" * 40
        self.assertHttpError(self.http("POST", "/api/offers",
                                       '{"offer": %s}' % deep, headers=h),
                             400, "invalid_argument")
        r = self.http("POST", "/api/offers", json.dumps(offer("o-1")),
                      headers={"Content-Type": "text/plain"})
        self.assertHttpError(r, 415, "invalid_argument")
        r = self.http("POST", "/api/offers", json.dumps(offer("o-1")))
        self.assertHttpError(r, 415, "invalid_argument")
        r = self.http("POST", "/api/offers", offer("o-1"), headers={
            "Content-Type": "Application/JSON; charset=utf-8"})
        self.assertStatus(r, 200)

    def test_unknown_routes_and_methods(self):
        self.assertHttpError(self.http("GET", "/api/nothing"), 404,
                             "not_found", None)
        self.assertHttpError(self.http("GET", "/api/candidates/a/b/c"), 404,
                             "not_found")
        self.assertHttpError(self.http("GET", "/api/candidates/"), 404,
                             "not_found")
        r = self.http("PATCH", "/api/candidates/c-1", {})
        self.assertHttpError(r, 405, "unknown_method")
        self.assertEqual(r.headers["Allow"], "GET, PUT, DELETE")
        r = self.http("DELETE", "/api/offers")
        self.assertStatus(r, 405)
        self.assertEqual(r.headers["Allow"], "GET, POST")
        r = self.http("POST", "/api/stats")
        self.assertStatus(r, 405)
        self.assertEqual(r.headers["Allow"], "GET")
        self.assertStatus(self.http("OPTIONS", "/api/stats"), 405)

    def test_head_replies_have_no_body(self):
        r = self.http("HEAD", "/api/stats")
        self.assertStatus(r, 405)
        self.assertEqual(r.headers["Allow"], "GET")
        self.assertEqual(r.body, b"")
        self.assertStatus(self.http("HEAD", "/no-such-page.html"), 404)
        # The next request on the connection is read as a request.
        with socket.create_connection(("127.0.0.1",
                                       self.d.http_port)) as s:
            s.sendall(b"HEAD /api/stats HTTP/1.1\r\nHost: localhost\r\n" + AUTH +
                      b"\r\nGET /api/stats HTTP/1.1\r\nHost: localhost\r\n" + AUTH +
                      b"Connection: close\r\n\r\n")
            s.settimeout(10)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 405"), data[:80])
        self.assertEqual(data.count(b"HTTP/1.1 "), 2)
        second = data[data.index(b"HTTP/1.1 200"):]
        self.assertIn(b'"candidates":', second)

    def test_body_over_max_body(self):
        big = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
        r = self.http("POST", "/api/offers", big,
                      headers={"Content-Type": "application/json"})
        self.assertHttpError(r, 413, "too_large", None)
        # Far over the bound, the HTTP layer refuses it unread.
        r = self.http("POST", "/api/offers", b"x" * (3 * 1024 * 1024),
                      headers={"Content-Type": "application/json"})
        self.assertStatus(r, 413)
        self.assertIs(self.c.call("ping")["pong"], True)

    def test_headers_over_max_headers(self):
        r = self.http("GET", "/api/stats", headers={"X-Pad": "y" * 20000})
        self.assertHttpError(r, 431, "too_large", None)
        self.assertStatus(self.http("GET", "/api/stats"), 200)

    def test_errors_are_counted(self):
        before = self.c.call("stats")["errors"]
        self.http("GET", "/api/candidates/nobody")
        self.http("GET", "/api/nothing")
        after = self.c.call("stats")["errors"]
        self.assertEqual(after["not_found"], before["not_found"] + 2)


class RedisDown(HttpCase):
    CONFIG_SETTINGS = (("redis", "timeout_ms", "500"),
                       ("redis", "reconnect_max_ms", "500"))

    def test_writes_are_unavailable(self):
        self.put_candidates([candidate("c-1")])
        self.put_offer(offer("o-1"))
        self.redis.kill()
        t0 = time.monotonic()
        r = self.http("PUT", "/api/candidates/c-2", candidate("c-2"))
        self.assertHttpError(r, 503, "unavailable")
        self.assertLess(time.monotonic() - t0, 3)
        self.assertHttpError(self.http("POST", "/api/offers", offer("o-2")),
                             503, "unavailable")
        self.assertHttpError(self.http("GET", "/api/candidates/c-1"), 503,
                             "unavailable")
        # What the daemon keeps in memory still answers.
        self.assertStatus(self.http("GET", "/api/offers"), 200)
        self.assertEqual(self.metric("matcherd_redis_connected"), 0)

    def test_redis_too_slow_then_client_gone(self):
        self.redis.pause()
        try:
            r = self.http("PUT", "/api/candidates/c-1", candidate("c-1"))
            self.assertHttpError(r, 503, "unavailable")
            # A client that leaves before its answer.
            s = socket.create_connection(("127.0.0.1", self.d.http_port))
            body = json.dumps(candidate("c-2")).encode()
            s.sendall(b"PUT /api/candidates/c-2 HTTP/1.1\r\nHost: localhost\r\n" +
                      AUTH + b"Content-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            time.sleep(0.2)
            s.close()
            time.sleep(1.0)
        finally:
            self.redis.resume()
        self.assertIs(self.c.call("ping")["pong"], True)
        self.assertStatus(self.http("GET", "/api/stats"), 200)

    def test_stop_with_a_request_waiting_for_redis(self):
        self.redis.pause()
        try:
            s = socket.create_connection(("127.0.0.1", self.d.http_port))
            s.sendall(b"GET /api/candidates/c-1 HTTP/1.1\r\nHost: localhost\r\n" +
                      AUTH + b"\r\n")
            time.sleep(0.2)
            self.assertEqual(self.d.stop(), 0)
            s.close()
        finally:
            self.redis.resume()


class Events(HttpCase):
    CONFIG_SETTINGS = (("http", "max_streams", "3"),)

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("bat-1"), candidate("bat-2"),
                             candidate("hot-1", sectors=["hotellerie"],
                                       jobs=[{"rome": "G1602",
                                              "months": 12}])])
        self.streams = []

    def tearDown(self):
        for s in self.streams:
            s.close()
        super().tearDown()

    def stream(self, query=""):
        s = SseStream(self.d.http_addr, "/api/events" + query)
        self.streams.append(s)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith(
            "text/event-stream"))
        return s

    def test_events_for_the_sector_only(self):
        bat = self.stream("?sectors=batiment")
        hot = self.stream("?sectors=hotellerie&sources=pole_emploi")
        put = self.http("POST", "/api/offers", offer("o-bat")).json
        event, data = bat.next_event()
        self.assertEqual(event, "suggestions")
        self.assertNotIn("\n", data)
        self.assertEqual(rounded(json.loads(data)), rounded(put))
        self.assertTrue(hot.no_event(), "hotellerie stream got batiment")
        # From the other protocol too.
        rpc_put = self.put_offer(offer("o-hot", rome="G1602",
                                       title="Commis de cuisine"))
        event, data = hot.next_event()
        self.assertEqual(rounded(json.loads(data)), rounded(rpc_put))
        self.assertTrue(bat.no_event(), "batiment stream got hotellerie")

    def test_bad_filters(self):
        r = self.http("GET", "/api/events?sectors=batiment,nope")
        self.assertHttpError(r, 400, "invalid_argument", "sectors[1]")
        r = self.http("GET", "/api/events?sources=x")
        self.assertHttpError(r, 400, "invalid_argument", "sources[0]")
        r = self.http("GET", "/api/events?sector=batiment")
        self.assertHttpError(r, 400, "invalid_argument", "sector")

    def test_max_streams_and_close(self):
        base = self.metric("matcherd_subscribers")
        for _ in range(3):
            self.stream()
        self.assertHttpError(self.http("GET", "/api/events"), 503,
                             "unavailable")
        self.assertEqual(self.metric("matcherd_http_streams"), 3)
        self.assertEqual(self.metric("matcherd_subscribers"), base + 3)
        self.streams.pop().close()
        harness.wait_until(
            lambda: self.metric("matcherd_http_streams") == 2, 5,
            what="the closed stream to be forgotten")
        self.assertEqual(self.metric("matcherd_subscribers"), base + 2)
        self.stream()
        self.http("POST", "/api/offers", offer("o-1"))
        for s in self.streams:
            self.assertEqual(s.next_event()[0], "suggestions")


class SlowStream(HttpCase):
    CONFIG_SETTINGS = (("server", "output_high_water", "65536"),)

    def test_client_that_does_not_read_is_dropped(self):
        self.put_candidates([candidate("c-%03d" % i) for i in range(200)])
        self.put_offer(offer("o-1"))
        slow = SseStream(self.d.http_addr, "/api/events", rcvbuf=4096)
        fast = SseStream(self.d.http_addr, "/api/events")
        harness.wait_until(lambda: self.metric("matcherd_http_streams") == 2,
                           5, what="both streams")
        try:
            dropped = False
            for i in range(400):
                self.c.call("offer.match", {"id": "o-1", "limit": 200})
                # The stream that reads keeps up.
                self.assertEqual(fast.next_event()[0], "suggestions")
                if i % 10 == 9 and self.metric(
                        "matcherd_http_streams") == 1:
                    dropped = True
                    break
            self.assertTrue(dropped, "the slow stream was not dropped")
            self.assertIn("event stream too slow", self.d.log())
        finally:
            slow.close()
            fast.close()


class Metrics(HttpCase):

    def test_metrics_parse_and_move(self):
        m = self.metrics()
        for name in ("matcherd_up", "matcherd_requests_total",
                     "matcherd_offers_scored_total",
                     "matcherd_suggestions_total", "matcherd_clients",
                     "matcherd_http_connections", "matcherd_subscribers",
                     "matcherd_redis_roundtrip_seconds_count",
                     "matcherd_scoring_duration_seconds_count",
                     "matcherd_offers_merged"):
            self.assertIn((name, ""), m, name)
        self.assertEqual(m[("matcherd_up", "")], 1)
        self.assertEqual(m[("matcherd_clients", "")], 1)
        self.assertGreaterEqual(m[("matcherd_http_connections", "")], 1)
        self.assertIn(("matcherd_errors_total", 'code="not_found"'), m)
        self.assertIn(("matcherd_referrals", 'status="validated"'), m)
        self.assertIn(("matcherd_candidates", 'sector="batiment"'), m)
        self.assertIn(("matcherd_scoring_duration_seconds_bucket",
                       'le="+Inf"'), m)

        self.put_candidates([candidate("c-1"), candidate("c-2")])
        self.http("POST", "/api/offers", offer("o-1"))
        self.http("PATCH", "/api/referrals/o-1/c-1", {"status": "validated"})
        self.http("GET", "/api/candidates/nobody")
        n = self.metrics()
        self.assertEqual(n[("matcherd_offers_scored_total", "")],
                         m[("matcherd_offers_scored_total", "")] + 1)
        self.assertEqual(n[("matcherd_suggestions_total", "")],
                         m[("matcherd_suggestions_total", "")] + 2)
        self.assertEqual(n[("matcherd_scoring_duration_seconds_count", "")],
                         m[("matcherd_scoring_duration_seconds_count", "")]
                         + 1)
        self.assertEqual(n[("matcherd_candidates", 'sector="batiment"')], 2)
        self.assertEqual(n[("matcherd_referrals", 'status="validated"')], 1)
        self.assertEqual(n[("matcherd_referrals", 'status="suggested"')], 1)
        self.assertGreater(n[("matcherd_requests_total", "")],
                           m[("matcherd_requests_total", "")] + 4)
        self.assertEqual(n[("matcherd_errors_total", 'code="not_found"')],
                         m[("matcherd_errors_total", 'code="not_found"')] + 1)
        self.assertGreater(n[("matcherd_redis_roundtrip_seconds_count", "")],
                           m[("matcherd_redis_roundtrip_seconds_count", "")])
        # Histogram buckets are cumulative and end with the count.
        buckets = sorted((float(k[1][4:-1]), v) for k, v in n.items()
                         if k[0] == "matcherd_scoring_duration_seconds_bucket"
                         and k[1] != 'le="+Inf"')
        counts = [v for _, v in buckets]
        self.assertEqual(counts, sorted(counts))
        self.assertEqual(
            n[("matcherd_scoring_duration_seconds_bucket", 'le="+Inf"')],
            n[("matcherd_scoring_duration_seconds_count", "")])


class Page(HttpCase):

    def setUp(self):
        self.www_root = harness.mkdtemp("matcherd-www-")
        self.www = os.path.join(self.www_root, "www")
        os.mkdir(self.www)
        with open(os.path.join(self.www, "index.html"), "w") as f:
            f.write("<!doctype html><title>page</title>\n")
        with open(os.path.join(self.www, "app.js"), "w") as f:
            f.write("console.log(1);\n")
        with open(os.path.join(self.www, "notes.xyz"), "w") as f:
            f.write("unknown type\n")
        with open(os.path.join(self.www, ".hidden.html"), "w") as f:
            f.write("hidden\n")
        with open(os.path.join(self.www_root, "secret.html"), "w") as f:
            f.write("secret\n")
        os.symlink(os.path.join(self.www_root, "secret.html"),
                   os.path.join(self.www, "link.html"))
        self.CONFIG_SETTINGS = (("http", "www_dir", self.www),)
        super().setUp()

    def test_files_are_served(self):
        r = self.http("GET", "/")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        self.assertIn(b"<title>page</title>", r.body)
        self.assertEqual(self.http("GET", "/index.html").body, r.body)
        r = self.http("GET", "/app.js?v=2")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "text/javascript"))
        r = self.http("HEAD", "/app.js")
        self.assertStatus(r, 200)
        self.assertEqual(r.headers["Content-Length"], "16")
        self.assertEqual(r.body, b"")
        r = self.http("POST", "/index.html", b"")
        self.assertStatus(r, 405)
        self.assertEqual(r.headers["Allow"], "GET, HEAD")

    def test_nothing_outside_is_served(self):
        for path in ("/../secret.html", "/%2e%2e/secret.html",
                     "/x/../index.html", "/.hidden.html", "/link.html",
                     "/notes.xyz", "/missing.html", "/index.html%00.js",
                     "//etc/passwd", "/%2Fetc%2Fpasswd", "/www/index.html",
                     "/bad%zzescape"):
            with self.subTest(path=path):
                r = self.http("GET", path)
                self.assertEqual(r.status, 404, path)
                self.assertNotIn(b"secret", r.body)


class Connections(HttpCase):
    CONFIG_SETTINGS = (("http", "max_connections", "3"),
                       ("http", "max_connections_per_address", "0"))

    def test_max_connections(self):
        idle = []
        try:
            for _ in range(3):
                idle.append(socket.create_connection(
                    ("127.0.0.1", self.d.http_port)))
            time.sleep(0.3)
            # One more is told so at once, and closed: not left waiting.
            extra = socket.create_connection(
                ("127.0.0.1", self.d.http_port))
            idle.append(extra)
            extra.settimeout(5)
            data = b""
            while True:
                chunk = extra.recv(4096)
                if not chunk:
                    break
                data += chunk
            self.assertTrue(data.startswith(b"HTTP/1.1 503 "), data[:80])
            self.assertIn(b"Connection: close", data)
            err = json.loads(data.split(b"\r\n\r\n", 1)[1])["error"]
            self.assertEqual(err["code"], "unavailable")
            # One closes: a new client is served.
            idle.pop(0).close()
            harness.wait_until(
                lambda: self.http("GET", "/api/stats").status == 200, 10,
                what="the server to serve again")
        finally:
            for s in idle:
                s.close()


class Timeout(HttpCase):
    CONFIG_SETTINGS = (("http", "timeout_s", "1"),)

    def test_idle_connection_is_closed(self):
        s = socket.create_connection(("127.0.0.1", self.d.http_port))
        try:
            s.settimeout(10)
            t0 = time.monotonic()
            self.assertEqual(s.recv(100), b"")
            self.assertLess(time.monotonic() - t0, 5)
        finally:
            s.close()

    def test_event_stream_survives_the_idle_timeout(self):
        s = SseStream(self.d.http_addr, "/api/events")
        try:
            time.sleep(2.5)
            self.put_candidates([candidate("c-1")])
            self.put_offer(offer("o-1"))
            self.assertEqual(s.next_event()[0], "suggestions")
        finally:
            s.close()


class Reload(HttpCase):
    CONFIG_SETTINGS = (("http", "max_streams", "1"),)

    def test_sighup_applies_http_limits(self):
        s = SseStream(self.d.http_addr, "/api/events")
        try:
            self.assertStatus(self.http("GET", "/api/events"), 503)
            harness.write_config(self.config, [("http", "max_streams", "2")])
            self.d.send_signal(signal.SIGHUP)
            harness.wait_until(lambda: "configuration reloaded" in
                               self.d.log(), 10, what="the reload")
            t = SseStream(self.d.http_addr, "/api/events")
            self.assertEqual(t.status, 200)
            t.close()
        finally:
            s.close()


if __name__ == "__main__":
    harness.main()
