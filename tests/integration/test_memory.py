#!/usr/bin/python3
"""Memory summed over clients (docs/DESIGN.md, "Memory"): many clients
each holding an unfinished message, or many subscribers that do not read,
cannot exhaust the daemon's memory; the slowest are dropped with a logged
reason, and the memory goes back once they are gone.

Resident-memory figures are checked only outside the sanitizer build
(AddressSanitizer keeps freed memory in quarantine); the budgets are
checked in both, through /metrics."""

import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402

SANITIZED = "ASAN_OPTIONS" in os.environ
MB = 1024 * 1024


def metric(d, name):
    r = d.http("GET", "/metrics")
    for line in r.body.decode().splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    raise AssertionError("no %s in /metrics" % name)


class InputBudget(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("server", "input_budget_mb", "16"),
                       ("server", "max_clients_per_address", "0"),
                       ("server", "max_message", str(MB)))

    def test_unfinished_messages_are_bounded_in_sum(self):
        n = 200
        rss0 = self.d.rss_kb()
        socks = []
        # A request whose params are a 1,000,000-byte string, of which
        # 700 KB are sent: each would hold about 1 MiB of buffer.
        head = b"\x94\x00\x01\xa4ping\x91\xdb" + struct.pack(">I", 1000000)
        try:
            for _ in range(n):
                s = socket.create_connection(("127.0.0.1", self.d.port))
                s.sendall(head)
                socks.append(s)
            chunk = b"x" * (100 * 1024)
            for _ in range(7):
                for s in socks:
                    try:
                        s.sendall(chunk)
                    except OSError:
                        pass
            time.sleep(2.0 if SANITIZED else 1.0)
            held = metric(self.d, "matcherd_rpc_input_bytes")
            self.assertLessEqual(held, 16 * MB)
            rss_peak = self.d.rss_kb()
            # The others were dropped, told why.
            dropped = 0
            for s in socks:
                s.settimeout(0.2)
                try:
                    data = s.recv(4096)
                except socket.timeout:
                    continue
                except OSError:
                    dropped += 1
                    continue
                if not data or b"input budget" in data:
                    dropped += 1
            # At most 16 MiB of 1 MiB buffers held: the rest dropped (a few
            # may still be on their way when this looks).
            self.assertGreaterEqual(dropped, n - 16 - 40)
            self.assertIn("input budget", self.d.log())
            self.assertIs(self.c.call("ping")["pong"], True)
        finally:
            for s in socks:
                s.close()
        harness.wait_until(
            lambda: metric(self.d, "matcherd_rpc_input_bytes") < 2 * MB,
            10, what="the input buffers to be freed")
        if not SANITIZED:
            self.assertLess(rss_peak - rss0, 60 * 1024,
                            "resident memory grew by %d KiB" %
                            (rss_peak - rss0))
            harness.wait_until(lambda: self.d.rss_kb() - rss0 < 20 * 1024,
                               10, what="the memory to be given back")


class OutputBudget(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("server", "output_budget_mb", "2"),
                       ("server", "output_high_water", str(8 * MB)),
                       ("server", "max_clients_per_address", "0"))

    def test_subscribers_that_do_not_read_are_bounded_in_sum(self):
        self.put_candidates([candidate("m-%03d" % i) for i in range(200)])
        subs = []
        try:
            for _ in range(4):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", self.d.port))
                s.sendall(harness.msgpack.packb(
                    [0, 1, "auth", [{"token": harness.ADMIN_TOKEN}]]))
                s.sendall(harness.msgpack.packb([0, 2, "subscribe", [{}]]))
                subs.append(s)
            time.sleep(0.3)
            for i in range(400):
                self.put_offer(offer("m-o%03d" % i,
                                     employer="Employeur %d" % i), limit=200)
                if "output budget" in self.d.log():
                    break
            self.assertIn("output budget", self.d.log())
            self.assertLessEqual(metric(self.d, "matcherd_rpc_output_bytes"),
                                 2 * MB + 256 * 1024)
            self.assertIs(self.c.call("ping")["pong"], True)
        finally:
            for s in subs:
                s.close()


if __name__ == "__main__":
    harness.main()
