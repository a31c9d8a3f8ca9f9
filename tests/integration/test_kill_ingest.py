#!/usr/bin/python3
"""SIGKILL of matcherd at three moments of a pipelined ingestion of offers
(docs/REDIS.md, Writes): after each restart every acknowledged offer is
there, none is stored twice, every stored record decodes, and sending the
unacknowledged ones again is safe (an offer put again is scored again).

MATCHERD_KILL_OFFERS sets the number of offers (default 6,000 here;
scripts/bench soak runs it with 20,000)."""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import RpcError, candidate, offer  # noqa: E402

N = int(os.environ.get("MATCHERD_KILL_OFFERS", "6000"))
WINDOW = 32


def offer_n(i):
    # Another employer each: no two are the same job (docs/DEDUP.md).
    return offer("k-%05d" % i, employer="Entreprise %05d" % i)


class KillDuringIngestion(harness.MatcherdTestCase):
    REDIS_PERSIST = True

    def stored_ids(self):
        prefix = "%s:{batiment}:offer:" % harness.PREFIX
        return {k[len(prefix):] for k in self.redis.keys(prefix + "*")}

    def ingest(self, client, todo, kill_after=None):
        """Put the offers of todo, WINDOW in flight; SIGKILL the daemon
        after kill_after acknowledgements.  Returns {id: match result}."""
        acked, inflight, pos = {}, {}, 0
        while pos < len(todo) or inflight:
            while pos < len(todo) and len(inflight) < WINDOW:
                oid = todo[pos]
                inflight[client.request("offer.put", offer_n(int(oid[2:])))] \
                    = oid
                pos += 1
            if kill_after is not None and len(acked) >= kill_after:
                self.d.kill()  # SIGKILL, with requests in flight
                return acked
            resp = client.next_response(timeout=60)
            oid = inflight.pop(resp[1])
            acked[oid] = client.result_of(resp)
        return acked

    def test_sigkill_at_three_moments_loses_no_acknowledged_offer(self):
        self.put_candidates([candidate("k-c%02d" % i) for i in range(30)])
        ids = ["k-%05d" % i for i in range(N)]
        acked_ever = set()
        for moment in (N // 4, N // 2, 3 * N // 4):
            todo = [i for i in ids if i not in acked_ever]
            acked = self.ingest(self.c, todo,
                                kill_after=moment - len(acked_ever))
            acked_ever |= set(acked)
            self.d.start()
            self.c = self.client()
            stored = self.stored_ids()
            lost = acked_ever - stored
            self.assertEqual(lost, set(), "%d acknowledged offers lost "
                             "after SIGKILL" % len(lost))
            self.assertLessEqual(stored, set(ids))
            # What Redis holds, the daemon holds after its rebuild.
            self.assertEqual(self.c.call("stats")["offers"]["open"],
                             len(stored))
            # Stored but not acknowledged: sent again, it is scored again,
            # not stored twice nor taken for a duplicate of itself.
            again = sorted(stored - acked_ever)[:50]
            for oid, result in self.ingest(self.c, again).items():
                self.assertNotIn("merged_into", result, oid)
            self.assertEqual(self.stored_ids(), stored)
            acked_ever |= set(again)
        rest = self.ingest(self.c, [i for i in ids if i not in acked_ever])
        acked_ever |= set(rest)
        self.assertEqual(acked_ever, set(ids))
        self.assertEqual(self.stored_ids(), set(ids))
        self.assertEqual(self.c.call("stats")["offers"]["open"], N)
        # Every record decodes: a sample through the daemon, and the last
        # rebuild skipped nothing.
        for oid in ids[::max(1, N // 200)]:
            self.assertEqual(self.c.call("offer.get", {"id": oid})
                             ["offer"]["id"], oid)
        last_run = self.d.log().split("==== run")[-1]
        self.assertIn("(0 bad records skipped)", last_run)
        self.assertNotIn(", skipped", last_run)
        with self.assertRaises(RpcError):
            self.c.call("offer.get", {"id": "k-%05d" % N})


if __name__ == "__main__":
    harness.main()
