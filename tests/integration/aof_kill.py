#!/usr/bin/python3
"""What each appendfsync policy loses when Redis is killed (docs/REDIS.md,
"Durability"): for always, everysec and no, offers are put pipelined,
Redis is SIGKILLed after ACKED acknowledgements, restarted on its AOF,
and the acknowledged offers missing after matcherd's reconnection are
counted.  Run by scripts/bench soak; prints one line per policy.

    tests/integration/aof_kill.py [ACKED]"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import offer  # noqa: E402

WINDOW = 32


def run(policy, acked_target):
    with harness.private_daemon("matcherd-aof-", persist=policy) as (redis,
                                                                     d):
        c = d.client()
        acked, inflight, i = set(), {}, 0
        t0 = time.monotonic()
        while len(acked) < acked_target:
            while len(inflight) < WINDOW:
                oid = "a-%06d" % i
                inflight[c.request("offer.put", offer(
                    oid, employer="Employeur %d" % i))] = oid
                i += 1
            resp = c.next_response(timeout=60)
            oid = inflight.pop(resp[1])
            if resp[2] is None:
                acked.add(oid)
        rate = len(acked) / (time.monotonic() - t0)
        redis.kill()  # SIGKILL, with writes in flight
        redis.start()
        prefix = "%s:{batiment}:offer:" % harness.PREFIX
        stored = {k[len(prefix):] for k in redis.keys(prefix + "*")}
        lost = len(acked - stored)
        print("appendfsync %-8s %6d acknowledged, %4d lost after SIGKILL of "
              "redis (%.0f offer.put/s)" % (policy, len(acked), lost, rate))
        c.close()
        return lost


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    for policy in ("always", "everysec", "no"):
        run(policy, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
