#!/usr/bin/python3
"""Idle connections against one matcherd (docs/BENCHMARKS.md, "Idle
connections"): RPC_IDLE MessagePack-RPC and HTTP_IDLE HTTP connections
held open doing nothing, then the latency of pings from another client,
then clients past [server] max_clients and [http] max_connections: each
must get an error it can read, not a reset.  Run by scripts/bench soak.

    tests/integration/idle_conns.py [RPC_IDLE [HTTP_IDLE]]"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def refused_cleanly(sock):
    """True if the server sent something and closed, without a reset."""
    sock.settimeout(5)
    got = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        return False, got
    except socket.timeout:
        return False, got
    return bool(got), got


def main():
    rpc_idle = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    http_idle = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    settings = (("server", "max_clients", str(rpc_idle + 1)),
                ("server", "max_clients_per_address", "0"),
                ("http", "max_connections", str(http_idle)),
                ("http", "max_connections_per_address", "0"))
    held = []
    with harness.private_daemon("matcherd-idle-", settings) as (_, d):
        try:
            return measure(d, rpc_idle, http_idle, held)
        finally:
            for s in held:
                s.close()


def measure(d, rpc_idle, http_idle, held):
    """The figures, with held the sockets opened (closed by the caller)."""
    c = d.client()
    for _ in range(rpc_idle):
        held.append(socket.create_connection(("127.0.0.1", d.port)))
    for _ in range(http_idle):
        held.append(socket.create_connection(("127.0.0.1",
                                              d.http_port)))
    time.sleep(1)
    lat = []
    for _ in range(2000):
        t0 = time.perf_counter()
        c.call("ping")
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    print("%d idle RPC + %d idle HTTP connections, resident %d MB: "
          "ping p50 %.3f ms, p99 %.3f ms, max %.3f ms (2,000 pings)" % (
              rpc_idle, http_idle, d.rss_kb() // 1024,
              lat[len(lat) // 2], lat[int(len(lat) * 0.99)], lat[-1]))
    over = []
    for port, what in ((d.port, "RPC"), (d.http_port, "HTTP")):
        s = socket.create_connection(("127.0.0.1", port))
        held.append(s)
        if what == "HTTP":
            s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: localhost\r\n"
                      b"\r\n")
        ok, got = refused_cleanly(s)
        over.append("%s: %s (%d bytes: %r)" % (
            what, "error, then close" if ok else "RESET OR NOTHING",
            len(got), got[:60]))
    print("one client past the limit: " + "; ".join(over))
    c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
