#!/usr/bin/python3
"""The HTTP guard (docs/HTTP.md, "Limits"): a body declared too large is
refused before it is read, a request that trickles in is cut off, one
address cannot take every connection, and every refusal is a JSON error
the client can read (not a reset)."""

import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

AUTH = b"Authorization: Bearer %s\r\n" % harness.ADMIN_TOKEN.encode()


def read_reply(sock, timeout=10):
    """Everything the server sends until it closes: (status, error)."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            raise AssertionError("reset after %r" % data[:120])
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else None
    error = json.loads(body)["error"] if body else None
    return status, error, head


def read_one(sock, timeout=5):
    """One response of a keep-alive connection: its status line."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        body += sock.recv(4096)
    return head.split(b"\r\n", 1)[0]


class HttpLimits(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("http", "request_timeout_s", "1"),
                       ("http", "max_connections_per_address", "4"))

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.d.http_port))

    def api_ok(self):
        r = harness.http_request(self.d.http_addr, "GET", "/api/stats",
                                 token=harness.ADMIN_TOKEN)
        return r.status == 200

    def test_a_huge_declared_body_is_refused_unread(self):
        s = self.connect()
        try:
            s.sendall(b"POST /api/offers HTTP/1.1\r\nHost: localhost\r\n" +
                      AUTH + b"Content-Type: application/json\r\n"
                      b"Content-Length: 10000000000\r\n\r\n")
            sent = 0
            t0 = time.monotonic()

            def push():
                nonlocal sent
                try:
                    while sent < 300 * 1024 * 1024:
                        s.sendall(b"x" * 65536)
                        sent += 65536
                except OSError:
                    pass
            t = threading.Thread(target=push, daemon=True)
            t.start()
            status, err, head = read_reply(s)
            self.assertEqual(status, 413)
            self.assertEqual(err["code"], "too_large")
            self.assertIn(b"Connection: close", head)
            self.assertLess(time.monotonic() - t0, 5)
            t.join(10)
            # At most the drain's bound was read of it.
            self.assertLess(sent, 100 * 1024 * 1024)
        finally:
            s.close()
        self.assertTrue(self.api_ok())

    def test_a_chunked_body_needs_a_length(self):
        s = self.connect()
        try:
            s.sendall(b"POST /api/offers HTTP/1.1\r\nHost: localhost\r\n" +
                      AUTH + b"Transfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nhello\r\n0\r\n\r\n")
            status, err, _ = read_reply(s)
            self.assertEqual(status, 411)
            self.assertEqual(err["code"], "invalid_argument")
        finally:
            s.close()

    def test_a_trickling_request_is_cut_off(self):
        """Slowloris: one byte every 0.2 s.  The request must arrive whole
        within request_timeout_s (1 s here): 408, and the API stays up."""
        s = self.connect()
        try:
            t0 = time.monotonic()
            closed = False
            for b in b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\n":
                try:
                    s.sendall(bytes([b]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.2)
                if time.monotonic() - t0 > 3:
                    break
            status, err, _ = read_reply(s)
            self.assertEqual(status, 408, (closed, err))
            self.assertLess(time.monotonic() - t0, 5)
        finally:
            s.close()
        self.assertTrue(self.api_ok())

    def test_a_whole_slow_request_is_served(self):
        """A request sent in pieces, but whole within the bound, is
        served; and so is a keep-alive connection's next request."""
        s = self.connect()
        try:
            req = (b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\n" + AUTH +
                   b"\r\n")
            for i in range(0, len(req), 20):
                s.sendall(req[i:i + 20])
                time.sleep(0.02)
            self.assertTrue(read_one(s).startswith(b"HTTP/1.1 200"))
            time.sleep(1.5)  # idle between requests is not a slow request
            s.sendall(req)
            self.assertTrue(read_one(s).startswith(b"HTTP/1.1 200"))
        finally:
            s.close()

    def test_bare_lf_heads_and_bodyless_methods(self):
        """evhttp ends a head at an empty line of CRLF or bare LF, and
        reads no body after HEAD or TRACE: the guard reads them alike, so
        a body it would skip cannot hide a request from it."""
        s = self.connect()
        try:
            s.sendall(b"GET /api/stats HTTP/1.1\nHost: localhost\n" +
                      AUTH.replace(b"\r\n", b"\n") + b"\n")
            self.assertTrue(read_one(s).startswith(b"HTTP/1.1 200"))
            time.sleep(1.5)  # past request_timeout_s: no 408 for it
            s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\n" +
                      AUTH + b"\r\n")
            self.assertTrue(read_one(s).startswith(b"HTTP/1.1 200"))
        finally:
            s.close()
        s = self.connect()
        try:
            s.sendall(b"HEAD /api/stats HTTP/1.1\r\nHost: localhost\r\n" +
                      AUTH + b"Content-Length: 60\r\n\r\n" +
                      b"POST /api/offers HTTP/1.1\r\nContent-Length: 9\r\n\r\n")
            status, err, _ = read_reply(s)
            self.assertEqual(status, 400)
            self.assertEqual(err["code"], "invalid_argument")
        finally:
            s.close()

    def test_one_address_cannot_take_every_connection(self):
        held = [self.connect() for _ in range(4)]
        try:
            time.sleep(0.3)
            extra = self.connect()
            held.append(extra)
            status, err, _ = read_reply(extra)
            self.assertEqual(status, 503)
            self.assertEqual(err["code"], "unavailable")
            self.assertIn("your address", err["message"])
        finally:
            for s in held:
                s.close()
        harness.wait_until(self.api_ok, 10, what="the API to serve again")

    def test_many_slow_clients_do_not_lock_the_api_out(self):
        """The report's attack: many connections sending a header byte now
        and then.  Each is cut off after request_timeout_s, and past the
        per-address bound they are refused at once."""
        slow = []
        try:
            for _ in range(20):
                try:
                    s = self.connect()
                    s.sendall(b"G")
                    slow.append(s)
                except OSError:
                    pass
            harness.wait_until(self.api_ok, 4,
                               what="the API to answer under attack")
        finally:
            for s in slow:
                s.close()


if __name__ == "__main__":
    harness.main()
