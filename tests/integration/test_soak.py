#!/usr/bin/python3
"""A short run of the soak (soak.py; scripts/bench soak runs it for 30
minutes): every kind of call keeps working under the mixed load, the
slow subscriber is dropped without harm, and the daemon stops cleanly
(LeakSanitizer, in the sanitizer build, reports at that exit)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import soak  # noqa: E402

SECONDS = float(os.environ.get("MATCHERD_SOAK_SECONDS", "20"))


class SoakSmoke(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("server", "output_high_water", "65536"),)

    def test_mixed_load(self):
        s = soak.Soak(self.d, SECONDS).run(every=2.0)
        s.report(sys.stderr)
        self.assertEqual(s.failures, [])
        for method in ("candidate.put", "candidate.get", "offer.put",
                       "offer.match", "offer.get", "push"):
            self.assertGreater(s.counts.get(method, 0), 0, method)
        self.assertIs(self.c.call("ping")["pong"], True)
        stats = self.c.call("stats")
        self.assertEqual(stats["candidates"], 2000)


if __name__ == "__main__":
    harness.main()
