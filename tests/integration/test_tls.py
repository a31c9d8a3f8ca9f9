#!/usr/bin/python3
"""TLS on both listeners ([tls] cert and key): RPC, HTTP and matchctl
over TLS with a self-signed certificate made by `openssl`; a plaintext
client on the TLS port gets nothing; `-n` refuses plain TCP off loopback
and a certificate without its key."""

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import MATCHERD, MATCHCTL, SOURCE_DIR  # noqa: E402


def make_cert(tmp):
    """A self-signed certificate for 127.0.0.1 and localhost."""
    cert = os.path.join(tmp, "cert.pem")
    key = os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def read_all(s, timeout=5):
    """What the peer sends until it closes or is silent for timeout."""
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return data
            data += chunk
    except (socket.timeout, ConnectionResetError):
        return data


def run_check(path, extra=()):
    return subprocess.run([MATCHERD, "-n", "-c", path] + list(extra),
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=30)


class Tls(harness.MatcherdTestCase):
    START_MATCHERD = False

    def setUp(self):
        super().setUp()
        self.cert, self.key = make_cert(self.tmp)
        self.ctx = ssl.create_default_context(cafile=self.cert)
        conf = harness.write_config(
            os.path.join(self.tmp, "tls.conf"),
            [("tls", "cert", self.cert), ("tls", "key", self.key)])
        os.mkdir(os.path.join(self.tmp, "d"))
        self.d = harness.Matcherd(self.redis, config=conf,
                                  tmpdir=os.path.join(self.tmp, "d"),
                                  tls=self.ctx)
        self.daemons.append(self.d)
        self.d.start()

    def test_rpc_over_tls(self):
        c = self.d.client()
        self.clients.append(c)
        self.assertEqual(c.user["role"], "admin", c.user)
        self.assertIs(c.call("ping")["pong"], True)
        self.assertEqual(c.sock.version()[:4], "TLSv")

    def test_http_over_tls(self):
        host, port = self.d.http_addr.rsplit(":", 1)
        conn = http.client.HTTPSConnection(host, int(port), timeout=10,
                                           context=self.ctx)
        try:
            conn.request("GET", "/api/candidates/nobody", headers={
                "Authorization": "Bearer " + harness.ADMIN_TOKEN})
            r = conn.getresponse()
            body = r.read()
        finally:
            conn.close()
        # The JSON error of the route: the request went all the way.
        self.assertEqual(r.status, 404, body)
        self.assertIn("error", json.loads(body))

    def test_plaintext_client_gets_no_answer(self):
        with socket.create_connection(("127.0.0.1", self.d.port), 5) as s:
            # A ping as a plain MessagePack-RPC request.
            s.sendall(bytes([0x94, 0x00, 0x01, 0xa4]) + b"ping" +
                      bytes([0x90]))
            data = read_all(s)
        # At most a TLS alert (content type 21), never an RPC answer.
        self.assertTrue(data == b"" or data[0] == 0x15, data)
        self.assertNotIn(b"pong", data)
        harness.wait_until(lambda: "TLS handshake failed" in self.d.log(),
                           5, what="the failed handshake in the log")
        # The daemon still serves TLS clients.
        c = self.d.client()
        self.clients.append(c)
        self.assertIs(c.call("ping")["pong"], True)

    def test_plaintext_http_gets_no_answer(self):
        host, port = self.d.http_addr.rsplit(":", 1)
        with socket.create_connection((host, int(port)), 5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = read_all(s)
        self.assertNotIn(b"HTTP/1.", data)
        harness.wait_until(
            lambda: "HTTP 127.0.0.1: TLS handshake failed" in self.d.log(),
            5, what="the failed HTTP handshake in the log")
        # And HTTPS still works after it.
        conn = http.client.HTTPSConnection(host, int(port), timeout=10,
                                           context=self.ctx)
        try:
            conn.request("GET", "/")
            self.assertEqual(conn.getresponse().status, 200)
        finally:
            conn.close()

    def peer_cert(self, ctx):
        host, port = self.d.http_addr.rsplit(":", 1)
        with socket.create_connection((host, int(port)), 5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                return s.getpeercert(binary_form=True)

    def test_sighup_reloads_the_certificate(self):
        before = self.peer_cert(self.ctx)
        old = self.d.client()
        self.clients.append(old)
        # A renewed certificate in the same files.
        renewed = os.path.join(self.tmp, "renewed")
        os.mkdir(renewed)
        cert, key = make_cert(renewed)
        os.replace(cert, self.cert)
        os.replace(key, self.key)
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "TLS certificate reloaded" in
                           self.d.log(), 10, what="the reload")
        after = self.peer_cert(ssl.create_default_context(cafile=self.cert))
        self.assertNotEqual(before, after)
        # The connection opened before keeps working.
        self.assertIs(old.call("ping")["pong"], True)
        # A file that does not load keeps the certificate in use.
        with open(self.key, "w") as f:
            f.write("not a key\n")
        self.d.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "reload failed: TLS" in self.d.log(), 10,
                           what="the refused reload")
        self.assertEqual(self.peer_cert(
            ssl.create_default_context(cafile=self.cert)), after)

    def test_matchctl_tls(self):
        r = subprocess.run([MATCHCTL, "--tls", "--cacert", self.cert, "-s",
                            self.d.addr, "ping"], capture_output=True,
                           text=True, timeout=30, cwd=SOURCE_DIR)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # localhost is a name of the certificate too.
        r = subprocess.run([MATCHCTL, "--tls", "--cacert", self.cert, "-s",
                            "localhost:%d" % self.d.port, "ping"],
                           capture_output=True, text=True, timeout=30,
                           cwd=SOURCE_DIR)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_matchctl_refuses_an_unknown_certificate(self):
        # The system store does not know a self-signed certificate.
        r = subprocess.run([MATCHCTL, "--tls", "-s", self.d.addr, "ping"],
                           capture_output=True, text=True, timeout=30,
                           cwd=SOURCE_DIR)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("certificate", r.stderr)

    def test_stop_is_clean(self):
        # Failed handshakes on both listeners, a finished session on
        # each, then a client in the middle of its handshake at the stop:
        # under the sanitizers, nothing of them may leak.
        host, port = self.d.http_addr.rsplit(":", 1)
        for p in (self.d.port, int(port)):
            with socket.create_connection((host, p), 5) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                read_all(s)
        conn = http.client.HTTPSConnection(host, int(port), timeout=10,
                                           context=self.ctx)
        conn.request("GET", "/")
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        with self.d.client() as c:
            c.call("ping")
        s = socket.create_connection(("127.0.0.1", self.d.port), 5)
        try:
            self.assertEqual(self.d.stop(), 0, self.d.log())
        finally:
            s.close()
        self.assertIsNone(self.d.sanitizer_report())


class TlsCheck(harness.MatcherdTestCase):
    START_MATCHERD = False

    def conf(self, settings):
        return harness.write_config(os.path.join(self.tmp, "c.conf"),
                                    [("auth", "required", "no")] + settings)

    def test_plain_tcp_off_loopback_is_refused(self):
        r = run_check(self.conf([("server", "listen", "0.0.0.0:7420")]))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[server] listen 0.0.0.0:7420: plain TCP on a "
                      "non-loopback address; set [tls] cert and key, or "
                      "[tls] allow_plaintext = yes", r.stderr)

    def test_allow_plaintext(self):
        r = run_check(self.conf([("server", "listen", "0.0.0.0:7420"),
                                 ("http", "listen", "[::]:7421"),
                                 ("tls", "allow_plaintext", "yes")]))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_loopback_is_plain_tcp_ok(self):
        r = run_check(self.conf([("server", "listen", "localhost:7420"),
                                 ("http", "listen", "[::1]:7421")]))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_cert_without_key(self):
        cert, _ = make_cert(self.tmp)
        r = run_check(self.conf([("tls", "cert", cert)]))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[tls] cert and key go together", r.stderr)

    def test_tls_off_loopback_ok(self):
        cert, key = make_cert(self.tmp)
        r = run_check(self.conf([("server", "listen", "0.0.0.0:7420"),
                                 ("tls", "cert", cert), ("tls", "key", key)]))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_bad_files_are_named(self):
        cert, key = make_cert(self.tmp)
        missing = os.path.join(self.tmp, "nope.pem")
        r = run_check(self.conf([("tls", "cert", missing),
                                 ("tls", "key", key)]))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[tls] cert %s: No such file" % missing, r.stderr)
        # A key that is not PEM: OpenSSL's reason follows the file.
        junk = os.path.join(self.tmp, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a key\n")
        r = run_check(self.conf([("tls", "cert", cert),
                                 ("tls", "key", junk)]))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[tls] key %s: error:" % junk, r.stderr)
        # A key that is not the certificate's.
        _, other = make_cert(os.path.join(self.tmp, "redis"))
        r = run_check(self.conf([("tls", "cert", cert),
                                 ("tls", "key", other)]))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("[tls] key %s" % other, r.stderr)
        self.assertIn("mismatch", r.stderr)


if __name__ == "__main__":
    harness.main()
