#!/usr/bin/python3
"""Host and Origin on the HTTP side (docs/HTTP.md, "Host and Origin"): a
request for a Host outside [http] hosts (and the host of [http] listen)
gets 421 on every route, the page and /metrics, so that a page of
another name resolving to the daemon (DNS rebinding) reaches nothing;
a request other than GET and HEAD whose Origin is not one of those hosts
gets 403; neither writes anything."""

import os
import signal
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402


class HostCase(harness.MatcherdTestCase):

    def http(self, method, path, body=None, headers=None):
        return self.d.http(method, path, body, headers)

    @property
    def port(self):
        return self.d.http_port

    def raw(self, request, whole=True):
        """The status line and body of a raw request (bytes); only up to
        the end of the head unless whole (a stream would never end)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            s.sendall(request)
            data = b""
            while whole or b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return head.split(b"\r\n")[0], body

    def assertRefused(self, resp, status, message=None):
        self.assertEqual(resp.status, status, resp)
        self.assertIsNotNone(resp.error, resp)
        self.assertEqual(resp.error["code"], "forbidden", resp)
        self.assertIn("field", resp.error)
        if message is not None:
            self.assertEqual(resp.error["message"], message, resp)

    def assertServed(self, resp):
        self.assertIn(resp.status, (200, 201), resp)


class DefaultHosts(HostCase):
    """[http] hosts at its default: localhost 127.0.0.1 [::1]."""

    def test_an_unknown_host_is_misdirected(self):
        r = self.http("GET", "/api/stats", headers={"Host": "evil.example"})
        self.assertRefused(r, 421, "host evil.example is not served here")
        self.assertEqual(r.headers["Content-Type"],
                         "application/json; charset=utf-8")
        self.assertIn(b"421 Misdirected Request", self.raw(
            b"GET /api/stats HTTP/1.1\r\nHost: evil.example:%d\r\n"
            b"Connection: close\r\n\r\n" % self.port)[0])

    def test_every_route_the_page_and_metrics(self):
        for method, path in (("GET", "/api/stats"), ("GET", "/"),
                             ("HEAD", "/"), ("GET", "/metrics"),
                             ("GET", "/api/no-such-route"),
                             ("POST", "/api/session"),
                             ("OPTIONS", "/api/stats")):
            with self.subTest(method=method, path=path):
                r = self.http(method, path, headers={
                    "Host": "evil.example:%d" % self.port})
                self.assertEqual(r.status, 421, r)
                if method != "HEAD":
                    self.assertRefused(r, 421)
        # The event stream, read no further than its head.
        auth = b"Authorization: Bearer %s\r\n" % harness.ADMIN_TOKEN.encode()
        status, _ = self.raw(b"GET /api/events HTTP/1.1\r\nHost: evil\r\n" +
                             auth + b"\r\n", whole=False)
        self.assertIn(b" 421 ", status)
        status, _ = self.raw(b"GET /api/events HTTP/1.1\r\nHost: localhost"
                             b"\r\n" + auth + b"\r\n", whole=False)
        self.assertIn(b" 200 ", status)

    def test_a_refused_host_writes_nothing(self):
        before = sorted(self.redis.keys("*"))
        r = self.http("PUT", "/api/candidates/c-1", candidate("c-1"),
                      headers={"Host": "evil.example:%d" % self.port})
        self.assertRefused(r, 421)
        r = self.http("POST", "/api/offers", offer("o-1"),
                      headers={"Host": "evil.example"})
        self.assertRefused(r, 421)
        self.assertEqual(sorted(self.redis.keys("*")), before)
        self.assertFalse(self.redis.keys(harness.cand_key("c-1")))

    def test_the_hosts_served(self):
        for host in ("localhost:%d" % self.port, "localhost",
                     "LocalHost:%d" % self.port,
                     "127.0.0.1:%d" % self.port, "127.0.0.1",
                     "[::1]:%d" % self.port, "[::1]",
                     "[0:0::1]:%d" % self.port):
            with self.subTest(host=host):
                self.assertServed(self.http("GET", "/api/stats",
                                            headers={"Host": host}))
        # The default of http.client: 127.0.0.1:PORT.
        self.assertServed(self.http("GET", "/api/stats"))

    def test_malformed_hosts_are_misdirected(self):
        for host in ("localhost.", "localhost:x", "localhost:1:2",
                     "::1", "[::1", "[::1]x", "user@localhost",
                     "localhost/x", "127.0.0.2", "[::2]", "",
                     "evil.example\x7f", "localhost\xe9"):
            with self.subTest(host=host):
                r = self.http("GET", "/api/stats", headers={"Host": host})
                self.assertEqual(r.status, 421, r)

    def test_the_refused_host_is_shown_bounded_and_clean(self):
        status, body = self.raw(
            b"GET /api/stats HTTP/1.1\r\nHost: ev\x01il\x1b[31m\xff" +
            b"x" * 300 + b"\r\nConnection: close\r\n\r\n")
        self.assertIn(b" 421 ", status)
        r = harness.HttpResponse(421, {"Content-Type": "application/json"},
                                 body)
        msg = r.error["message"]
        self.assertTrue(msg.startswith("host ev?il?[31m?xxx"), msg)
        self.assertIn("...", msg)
        self.assertLess(len(msg), 120)
        self.assertTrue(all(0x20 <= ord(ch) < 0x7f for ch in msg), msg)

    def test_http11_needs_one_host(self):
        status, body = self.raw(b"GET /api/stats HTTP/1.1\r\n"
                                b"Connection: close\r\n\r\n")
        self.assertIn(b" 400 ", status)
        self.assertIn(b"needs a Host header", body)
        status, body = self.raw(b"GET /api/stats HTTP/1.1\r\n"
                                b"Host: localhost\r\nHost: localhost\r\n"
                                b"Connection: close\r\n\r\n")
        self.assertIn(b" 400 ", status)
        self.assertIn(b"more than one Host", body)
        # HTTP/1.0 had no Host: served without one, refused with a bad one.
        auth = b"Authorization: Bearer %s\r\n" % harness.ADMIN_TOKEN.encode()
        status, _ = self.raw(b"GET /api/stats HTTP/1.0\r\n" + auth + b"\r\n")
        self.assertIn(b" 200 ", status)
        status, _ = self.raw(b"GET /api/stats HTTP/1.0\r\nHost: evil\r\n" +
                             auth + b"\r\n")
        self.assertIn(b" 421 ", status)

    def test_an_absolute_target_names_the_host(self):
        auth = b"Authorization: Bearer %s\r\n" % harness.ADMIN_TOKEN.encode()
        status, body = self.raw(
            b"GET http://evil.example/api/stats HTTP/1.1\r\n"
            b"Host: localhost\r\n" + auth + b"Connection: close\r\n\r\n")
        self.assertIn(b" 421 ", status)
        self.assertIn(b"evil.example", body)
        status, _ = self.raw(
            b"GET http://localhost:%d/api/stats HTTP/1.1\r\n"
            b"Host: localhost\r\n" % self.port + auth +
            b"Connection: close\r\n\r\n")
        self.assertIn(b" 200 ", status)

    def origin_post(self, oid, origin):
        headers = {} if origin is None else {"Origin": origin}
        return self.http("POST", "/api/offers", offer(oid), headers=headers)

    def test_a_cross_origin_write_is_refused(self):
        before = sorted(self.redis.keys("*"))
        for origin in ("http://evil.example",
                       "http://evil.example:%d" % self.port,
                       "null", "", "ftp://127.0.0.1:%d" % self.port,
                       "http://127.0.0.1:%d/" % self.port,
                       "http://127.0.0.1.evil.example",
                       "http://user@127.0.0.1", "127.0.0.1"):
            with self.subTest(origin=origin):
                self.assertRefused(self.origin_post("o-x", origin), 403,
                                   "cross-origin request refused")
        r = self.http("PUT", "/api/candidates/c-1", candidate("c-1"),
                      headers={"Origin": "http://evil.example"})
        self.assertRefused(r, 403)
        r = self.http("DELETE", "/api/candidates/c-1",
                      headers={"Origin": "null"})
        self.assertRefused(r, 403)
        # A sign-in from another site (login CSRF) is refused too.
        r = self.http("POST", "/api/session",
                      {"token": harness.ADMIN_TOKEN},
                      headers={"Origin": "http://evil.example"})
        self.assertRefused(r, 403)
        self.assertNotIn("Set-Cookie", r.headers)
        self.assertEqual(sorted(self.redis.keys("*")), before)

    def test_writes_from_our_origins_and_from_non_browsers(self):
        for i, origin in enumerate(("http://127.0.0.1:%d" % self.port,
                                    "http://localhost:%d" % self.port,
                                    "https://localhost", "HTTP://[::1]",
                                    None)):
            with self.subTest(origin=origin):
                self.assertServed(self.origin_post("o-%d" % i, origin))
                self.assertEqual(self.http("GET", "/api/offers/o-%d" %
                                           i).status, 200)

    def test_two_origins_are_refused(self):
        status, _ = self.raw(
            b"DELETE /api/candidates/c-1 HTTP/1.1\r\nHost: localhost\r\n"
            b"Origin: http://localhost\r\nOrigin: http://evil.example\r\n"
            b"Connection: close\r\n\r\n")
        self.assertIn(b" 403 ", status)

    def test_reads_are_not_checked_for_origin(self):
        # The browser keeps a cross-origin read's answer from the page.
        self.assertServed(self.http("GET", "/api/stats", headers={
            "Origin": "http://evil.example"}))


class ConfiguredHosts(HostCase):
    CONFIG_SETTINGS = (("http", "hosts", "matcher.example [fe80::1]"),)

    def test_a_configured_host(self):
        for host in ("matcher.example", "matcher.example:%d" % self.port,
                     "MATCHER.example:8443", "[fe80::1]:%d" % self.port):
            with self.subTest(host=host):
                self.assertServed(self.http("GET", "/api/stats",
                                            headers={"Host": host}))
        self.assertServed(self.http(
            "POST", "/api/offers", offer("o-1"),
            headers={"Host": "matcher.example",
                     "Origin": "https://matcher.example"}))

    def test_the_listen_host_stays_served(self):
        self.assertServed(self.http("GET", "/api/stats"))
        self.assertServed(self.http("GET", "/api/stats", headers={
            "Host": "127.0.0.1:%d" % self.port}))
        # The defaults are replaced, not added to.
        for host in ("localhost", "[::1]:%d" % self.port):
            with self.subTest(host=host):
                self.assertRefused(self.http("GET", "/api/stats", headers={
                    "Host": host}), 421)

    def test_sighup_reloads_the_hosts(self):
        harness.write_config(self.config, [("http", "hosts", "other.example")])
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: self.http("GET", "/api/stats", headers={
            "Host": "other.example"}).status == 200, 10,
            what="[http] hosts = other.example to take effect")
        self.assertRefused(self.http("GET", "/api/stats", headers={
            "Host": "matcher.example"}), 421)


if __name__ == "__main__":
    unittest.main()
