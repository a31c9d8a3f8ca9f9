#!/usr/bin/python3
"""Hostile clients against a running matcherd (docs/BENCHMARKS.md,
"Memory under hostile clients"): N connections each send the start of a
1 MB request and never finish it; prints the daemon's resident memory
before, with them, and after they closed.

    tests/tools/hostile.py PID PORT [N]
"""
import socket
import struct
import sys
import time


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return -1


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    print("resident before: %d MB" % rss_mb(pid))
    head = b"\x94\x00\x01\xa4ping\x91\xdb" + struct.pack(">I", 1048000)
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(head)
        socks.append(s)
    chunk = b"x" * 65536
    for _ in range(15):
        for s in socks:
            try:
                s.sendall(chunk)
            except OSError:
                pass
    time.sleep(1)
    print("resident with %d hostile connections: %d MB" % (n, rss_mb(pid)))
    for s in socks:
        s.close()
    time.sleep(2)
    print("resident after they closed: %d MB" % rss_mb(pid))


if __name__ == "__main__":
    main()
