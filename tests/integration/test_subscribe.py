#!/usr/bin/python3
"""Pushed suggestions (proto/PROTOCOL.md, subscribe and Pushed
suggestions): sector and source filters, subscribers still make calls."""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402

QUIET = 0.5  # seconds a non-subscriber must stay silent


class Subscribe(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("bat-1"), candidate("bat-2"),
            candidate("hot-1", sectors=["hotellerie"],
                      jobs=[{"rome": "G1602", "months": 12}])])

    def subscriber(self, **params):
        c = self.client()
        r = c.call("subscribe", params)
        return c, r

    def assertPushed(self, client, offer_id, expected=None):
        method, payload = client.next_notification(timeout=10)
        self.assertEqual(method, "suggestions")
        self.assertIsInstance(payload, list)
        self.assertEqual(len(payload), 1)
        result = payload[0]
        self.assertEqual(result["offer"]["id"], offer_id)
        for k in ("considered", "eligible", "excluded", "suggestions"):
            self.assertIn(k, result)
        if expected is not None:
            self.assertEqual(result, expected)
        return result

    def test_subscribe_echoes_the_subscription(self):
        _, r = self.subscriber(sectors=["batiment"])
        self.assertEqual(r["sectors"], ["batiment"])
        self.assertEqual(sorted(r["sources"]),
                         sorted(["pole_emploi", "plateforme_jeunes", "clause",
                                 "prospection"]))
        _, r = self.subscriber()
        self.assertEqual(sorted(r["sectors"]), sorted(harness.SECTORS))

    def test_push_goes_to_the_subscribers_of_the_sector_only(self):
        bat, _ = self.subscriber(sectors=["batiment"])
        hot, _ = self.subscriber(sectors=["hotellerie"])
        put = self.put_offer(offer("o-bat"))
        self.assertPushed(bat, "o-bat", expected=put)
        self.assertTrue(hot.no_notification(QUIET),
                        "hotellerie subscriber got a batiment offer")
        put = self.put_offer(offer("o-hot", rome="G1602",
                                   title="Commis de cuisine"))
        pushed = self.assertPushed(hot, "o-hot", expected=put)
        self.assertEqual(self.suggested_ids(pushed), ["hot-1"])
        self.assertTrue(bat.no_notification(QUIET),
                        "batiment subscriber got a hotellerie offer")

    def test_unsubscribed_connection_gets_nothing(self):
        self.put_offer(offer("o-none"))
        self.assertTrue(self.c.no_notification(QUIET))

    def test_sources_filter(self):
        clause_only, _ = self.subscriber(sources=["clause"])
        self.put_offer(offer("o-pe"))
        self.assertTrue(clause_only.no_notification(QUIET))
        self.c.call("clause.put", {
            "id": "LNG-1", "name": "Terminal méthanier",
            "authority": "Dunkerque LNG", "start": "2011-06-01",
            "end": "2016-01-31", "hours_total": 4300000, "rate": 5})
        self.put_offer(offer("o-clause", source="clause", rome="F1704",
                             clause={"operation": "LNG-1", "criteria": [],
                                     "hours": 300}))
        self.assertPushed(clause_only, "o-clause")

    def test_sector_and_source_both_apply(self):
        sub, _ = self.subscriber(sectors=["hotellerie"],
                                 sources=["pole_emploi"])
        self.put_offer(offer("o-bat-pe"))
        # Another employer's job: not a duplicate of o-hot-pe.
        self.put_offer(offer("o-hot-pj", rome="G1602", employer="Club Med",
                             source="plateforme_jeunes"))
        self.put_offer(offer("o-hot-pe", rome="G1602"))
        self.assertPushed(sub, "o-hot-pe")
        self.assertTrue(sub.no_notification(QUIET))

    def test_offer_match_pushes_too(self):
        sub, _ = self.subscriber(sectors=["batiment"])
        self.put_offer(offer("o-m"))
        self.assertPushed(sub, "o-m")
        again = self.c.call("offer.match", {"id": "o-m", "limit": 1})
        pushed = self.assertPushed(sub, "o-m", expected=again)
        self.assertEqual(len(pushed["suggestions"]), 1)

    def test_subscriber_still_makes_calls(self):
        sub, _ = self.subscriber(sectors=["batiment"])
        self.assertIs(sub.call("ping")["pong"], True)
        # Its own offer.put: the response and the push both arrive.
        put = sub.call("offer.put", offer("o-own"))
        self.assertEqual(put["offer"]["id"], "o-own")
        self.assertPushed(sub, "o-own", expected=put)
        got = sub.call("candidate.get", {"id": "bat-1"})
        self.assertEqual(got["id"], "bat-1")
        # Pushes from other clients interleave with its own calls.
        self.put_offer(offer("o-other"))
        self.assertIs(sub.call("ping")["pong"], True)
        self.assertPushed(sub, "o-other")

    def test_several_subscribers_each_get_one_push(self):
        subs = [self.subscriber(sectors=["batiment"])[0] for _ in range(5)]
        self.put_offer(offer("o-many"))
        for s in subs:
            self.assertPushed(s, "o-many")
            self.assertTrue(s.no_notification(0.2))

    def test_resubscribe_replaces_the_subscription(self):
        sub, _ = self.subscriber(sectors=["batiment"])
        sub.call("subscribe", {"sectors": ["hotellerie"]})
        self.put_offer(offer("o-bat2"))
        self.assertTrue(sub.no_notification(QUIET))
        self.put_offer(offer("o-hot2", rome="G1602"))
        self.assertPushed(sub, "o-hot2")

    def test_bad_subscription_is_refused(self):
        err = self.assertRpcError("invalid_argument", ..., "subscribe",
                                  {"sectors": ["agriculture"]})
        self.assertTrue(err.field.startswith("sectors"), err.field)
        err = self.assertRpcError("invalid_argument", ..., "subscribe",
                                  {"sources": ["indeed"]})
        self.assertTrue(err.field.startswith("sources"), err.field)

    def test_stats_count_subscribers(self):
        self.subscriber(sectors=["batiment"])
        self.subscriber()
        stats = self.c.call("stats")
        self.assertEqual(stats["subscribers"], 2)
        self.assertGreaterEqual(stats["clients"], 3)



class SlowSubscriber(harness.MatcherdTestCase):
    # The smallest output bound the config allows, so a few pushes fill it.
    CONFIG_SETTINGS = (("server", "output_high_water", "65536"),)

    def test_subscriber_that_does_not_read_is_closed(self):
        self.put_candidates([candidate("s-%03d" % i,
                                       adviser="conseillère %d" % i)
                             for i in range(200)])
        # A subscriber with a tiny receive window that never reads.
        host, port = self.d.addr.rsplit(":", 1)
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.addCleanup(raw.close)
        raw.connect((host, int(port)))
        raw.sendall(harness.msgpack.packb(
            [0, 0, "auth", [{"token": harness.ADMIN_TOKEN}]]) +
            harness.msgpack.packb([0, 1, "subscribe", [{}]]))
        harness.wait_until(lambda: self.c.call("stats")["subscribers"] == 1,
                           10, what="the subscription")
        # Each push carries 200 suggestions (tens of KiB): push far more
        # than the socket buffers and the 64 KiB bound can hold.
        for i in range(120):
            self.c.call("offer.put", {"offer": offer("o-flood-%d" % (i % 5)),
                                      "limit": 200})
            if self.c.call("stats")["subscribers"] == 0:
                break
        harness.wait_until(lambda: self.c.call("stats")["subscribers"] == 0,
                           10, what="the slow subscriber to be dropped")
        # Its connection is closed: reading drains what was sent, then EOF.
        raw.settimeout(10)
        total = 0
        while True:
            chunk = raw.recv(1 << 16)
            if not chunk:
                break
            total += len(chunk)
        raw.close()
        self.assertIs(self.c.call("ping")["pong"], True)
        other = self.client()
        other.call("subscribe", {})
        self.c.call("offer.put", offer("o-after"))
        method, _ = other.next_notification(timeout=10)
        self.assertEqual(method, "suggestions")


if __name__ == "__main__":
    harness.main()
