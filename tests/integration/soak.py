#!/usr/bin/python3
"""A mixed load against one matcherd for a given time (docs/BENCHMARKS.md,
"Soak"): candidate puts and reads, offer puts and re-matches, referral
moves, three subscribers that read and one that reads a push a second
from a tiny socket buffer (it is dropped for its backlog and comes back).
Resident memory is sampled every few seconds.

    tests/integration/soak.py SECONDS     (a private redis and matcherd of
                                           MATCHERD_BUILD_DIR, as the tests)

test_soak.py runs it briefly in the suite; scripts/bench soak runs it for
30 minutes and prints the memory samples."""

import os
import random
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcError, candidate, offer  # noqa: E402

ROMES = {"batiment": "F1701", "industrie": "H2913", "hotellerie": "G1602"}
COMMUNES = ["59183", "59271", "59155", "59273"]
MOVES = ["validated", "sent", "interview", "hired", "not_retained",
         "withdrawn"]


def soak_candidate(rnd, i):
    sector = rnd.choice(list(ROMES))
    return candidate("s-%04d" % i, sectors=[sector],
                     jobs=[{"rome": ROMES[sector],
                            "months": rnd.randrange(60)}],
                     level=rnd.randrange(6),
                     commune=rnd.choice(COMMUNES))


def soak_offer(rnd, i):
    sector = rnd.choice(list(ROMES))
    return offer("s-o%03d" % i, rome=ROMES[sector],
                 employer="Employeur %d" % i, commune=rnd.choice(COMMUNES))


class Soak:
    """The load: worker threads over their own connections, each call's
    outcome counted by kind."""

    def __init__(self, d, seconds, seed=1):
        self.d = d
        self.deadline = time.monotonic() + seconds
        self.seed = seed
        self.lock = threading.Lock()
        self.counts = {}
        self.failures = []
        self.rss = []
        self.slow_drops = 0

    def count(self, what):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def running(self):
        return time.monotonic() < self.deadline and not self.failures

    def call(self, c, method, params, allowed=()):
        try:
            r = c.call(method, params, timeout=30)
            self.count(method)
            return r
        except RpcError as e:
            if e.code in allowed:
                self.count("%s:%s" % (method, e.code))
                return None
            self.failures.append("%s: %s %s" % (method, e.code, e.message))
            raise

    def writer(self, k):
        rnd = random.Random(self.seed * 100 + k)
        c = self.d.client()
        try:
            while self.running():
                roll = rnd.random()
                if roll < 0.45:
                    self.call(c, "candidate.put",
                              soak_candidate(rnd, rnd.randrange(2000)))
                elif roll < 0.60:
                    self.call(c, "candidate.get",
                              {"id": "s-%04d" % rnd.randrange(2000)},
                              allowed=("not_found",))
                elif roll < 0.80:
                    self.call(c, "offer.put", soak_offer(rnd,
                                                         rnd.randrange(300)))
                elif roll < 0.88:
                    self.call(c, "offer.match",
                              {"id": "s-o%03d" % rnd.randrange(300)},
                              allowed=("not_found",))
                else:
                    self.referral_move(c, rnd)
        except (RpcError, OSError, harness.ConnectionClosed) as e:
            if not self.failures:
                self.failures.append("writer %d: %r" % (k, e))
        finally:
            c.close()

    def referral_move(self, c, rnd):
        oid = "s-o%03d" % rnd.randrange(300)
        got = self.call(c, "offer.get", {"id": oid}, allowed=("not_found",))
        if not got or not got.get("referrals"):
            return
        ref = rnd.choice(got["referrals"])
        self.call(c, "referral.update",
                  {"offer": oid, "candidate": ref["candidate"],
                   "status": rnd.choice(MOVES)},
                  allowed=("conflict", "invalid_argument", "not_found"))

    def subscriber(self, k):
        c = self.d.client()
        try:
            c.call("subscribe", {})
            while self.running():
                try:
                    c.next_notification(timeout=1.0)
                    self.count("push")
                except (socket.timeout, TimeoutError, AssertionError):
                    pass
        except (OSError, harness.ConnectionClosed) as e:
            self.failures.append("subscriber %d: %r" % (k, e))
        finally:
            c.close()

    def slow_subscriber(self):
        """Reads a little, rarely: dropped at output_high_water, then it
        comes back; the daemon must not grow for it."""
        while self.running():
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            try:
                s.connect(("127.0.0.1", self.d.port))
                s.sendall(harness.msgpack.packb(
                    [0, 1, "auth", [{"token": harness.ADMIN_TOKEN}]]))
                s.sendall(harness.msgpack.packb([0, 2, "subscribe", [{}]]))
                s.settimeout(1.0)
                while self.running():
                    try:
                        if not s.recv(512):
                            break
                    except socket.timeout:
                        continue
                    time.sleep(1.0)
                self.slow_drops += 1
            except OSError:
                self.slow_drops += 1
            finally:
                s.close()

    def sampler(self, every):
        """Resident memory, with the referrals the daemon holds: the data
        grows while offers are scored again, and memory with it."""
        c = self.d.client()
        try:
            while self.running():
                refs = sum(c.call("stats")["referrals"].values())
                self.rss.append((time.monotonic(), self.d.rss_kb(), refs))
                time.sleep(every)
        finally:
            c.close()

    def run(self, writers=3, subscribers=3, every=5.0):
        boot = self.d.client()
        rnd = random.Random(self.seed)
        ids = [boot.request("candidate.put", soak_candidate(rnd, i))
               for i in range(2000)]
        for i in ids:
            boot.result_of(boot.response(i, timeout=60))
        boot.close()
        threads = [threading.Thread(target=self.writer, args=(k,))
                   for k in range(writers)]
        threads += [threading.Thread(target=self.subscriber, args=(k,))
                    for k in range(subscribers)]
        threads += [threading.Thread(target=self.slow_subscriber),
                    threading.Thread(target=self.sampler, args=(every,))]
        for t in threads:
            t.daemon = True
            t.start()
        for t in threads:
            t.join(max(1.0, self.deadline - time.monotonic() + 60))
        return self

    def report(self, out=sys.stdout):
        total = sum(self.counts.values())
        out.write("calls and pushes: %d\n" % total)
        for k in sorted(self.counts):
            out.write("  %-32s %d\n" % (k, self.counts[k]))
        out.write("slow subscriber dropped and back: %d times\n" %
                  self.slow_drops)
        if self.rss:
            t0 = self.rss[0][0]
            out.write("resident memory (s, MB, referrals held): %s\n" %
                      " ".join("%d:%.1f:%d" % (t - t0, kb / 1024, refs)
                               for t, kb, refs in self.rss))
            _, warm, warm_refs = self.rss[len(self.rss) // 5]
            _, last, last_refs = self.rss[-1]
            grown = max(0, last_refs - warm_refs)
            out.write("after warm-up %.1f MB with %d referrals; at the end "
                      "%.1f MB with %d (%+.1f%%; %s)\n" % (
                          warm / 1024, warm_refs, last / 1024, last_refs,
                          100.0 * (last - warm) / warm,
                          "%.0f bytes per referral added" % (
                              (last - warm) * 1024.0 / grown) if grown
                          else "no referral added"))
        for f in self.failures:
            out.write("FAILURE: %s\n" % f)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1800
    with harness.private_daemon("matcherd-soak-") as (_, d):
        soak = Soak(d, seconds).run()
        soak.report()
        status = d.stop()
        leaks = d.sanitizer_report()
        print("matcherd exit status on SIGTERM: %s; sanitizer report: %s" %
              (status, "yes" if leaks else "none"))
        return 1 if soak.failures or status != 0 or leaks else 0

if __name__ == "__main__":
    sys.exit(main())
