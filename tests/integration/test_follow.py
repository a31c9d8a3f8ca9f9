#!/usr/bin/python3
"""Following a person (proto/PROTOCOL.md, "Following a person"):
candidate.follow / unfollow / following by RPC and HTTP, the followers in
candidate.get, the "followed" event that the follower alone receives when a
new offer suggests the person (RPC push and event stream), kept across a
restart, gone with an erasure or a deletion; referral moves as "referral"
events for the advisers of the offer's sector; and auth ending a
subscription."""

import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (RpcClient, RpcError, candidate, offer,  # noqa: E402
                     token_of, fnv1a32, PREFIX)
from test_http import SseStream  # noqa: E402

ADV_B = token_of("adv-batiment")
ADV_ALL = token_of("adv-all")


def follow_key(cid):
    return "%s:follow:{c%02x}" % (PREFIX, fnv1a32(cid.encode()) & 0xff)


class Follow(harness.MatcherdTestCase):

    def setUp(self):
        super().setUp()
        self.put_candidates([
            candidate("c-1"),
            candidate("c-2", commune="59271"),
            candidate("c-both", sectors=["batiment", "industrie"],
                      jobs=[{"rome": "F1701", "months": 24},
                            {"rome": "H2913", "months": 24}]),
        ])

    def adviser(self, token):
        c = RpcClient(self.d.addr, token=token)
        self.clients.append(c)
        return c

    def notifications_until_quiet(self, c, wait=0.5):
        got = []
        while True:
            try:
                got.append(c.next_notification(wait))
            except (socket.timeout, TimeoutError):
                return got

    def test_follow_unfollow_and_the_candidate_view(self):
        a = self.adviser(ADV_B)
        r = a.call("candidate.follow", {"id": "c-1"})
        self.assertEqual(r["candidate"], "c-1")
        self.assertEqual(r["user"], "adv-batiment")
        self.assertTrue(r["following"])
        self.assertTrue(r["changed"])
        since = r["since"]
        self.assertIsInstance(since, int)
        # Twice is once.
        r = a.call("candidate.follow", {"id": "c-1"})
        self.assertFalse(r["changed"])
        self.assertEqual(r["since"], since)
        self.adviser(ADV_ALL).call("candidate.follow", {"id": "c-1"})
        g = self.c.call("candidate.get", {"id": "c-1"})
        self.assertEqual([f["user"] for f in g["followers"]],
                         ["adv-all", "adv-batiment"])
        self.assertEqual(self.c.call("candidate.get", {"id": "c-2"})
                         ["followers"], [])
        self.assertEqual(a.call("candidate.following"),
                         {"user": "adv-batiment",
                          "candidates": [{"candidate": "c-1",
                                          "since": since,
                                          "visible": True}]})
        # In Redis: one field per pair, in the person's bucket.
        self.assertEqual(self.redis.hget(follow_key("c-1"),
                                         "c-1\tadv-batiment"), str(since))
        r = a.call("candidate.unfollow", {"id": "c-1"})
        self.assertFalse(r["following"])
        self.assertTrue(r["changed"])
        self.assertFalse(a.call("candidate.unfollow", {"id": "c-1"})
                         ["changed"])
        self.assertFalse(self.redis.hexists(follow_key("c-1"),
                                            "c-1\tadv-batiment"))
        self.assertEqual(a.call("candidate.following")["candidates"], [])

    def test_a_person_out_of_ones_sectors_can_still_be_unfollowed(self):
        a = self.adviser(ADV_B)
        a.call("candidate.follow", {"id": "c-1"})
        self.c.call("candidate.put", candidate(
            "c-1", sectors=["industrie"], jobs=[{"rome": "H2913",
                                                 "months": 12}]))
        with self.assertRaises(RpcError) as e:
            a.call("candidate.get", {"id": "c-1"})
        self.assertEqual(e.exception.code, "forbidden")
        self.assertEqual(a.call("candidate.following")["candidates"][0]
                         ["visible"], False)
        r = a.call("candidate.unfollow", {"id": "c-1"})
        self.assertTrue(r["changed"])
        self.assertEqual(a.call("candidate.following")["candidates"], [])
        # Following again is refused: the person is no longer theirs.
        with self.assertRaises(RpcError) as e:
            a.call("candidate.follow", {"id": "c-1"})
        self.assertEqual(e.exception.code, "forbidden")

    def test_follow_and_unfollow_in_flight_at_once(self):
        a = self.adviser(ADV_B)
        ids = [a.request("candidate.follow", {"id": "c-2"}),
               a.request("candidate.unfollow", {"id": "c-2"}),
               a.request("candidate.follow", {"id": "c-2"}),
               a.request("candidate.follow", {"id": "c-2"})]
        got = [a.result_of(a.response(i)) for i in ids]
        # As Redis ran them, in order.
        self.assertEqual([(g["following"], g["changed"]) for g in got],
                         [(True, True), (False, True), (True, True),
                          (True, False)])
        self.assertTrue(self.redis.hexists(follow_key("c-2"),
                                           "c-2\tadv-batiment"))
        self.assertEqual(len(self.c.call("candidate.get", {"id": "c-2"})
                             ["followers"]), 1)

    def test_matchctl(self):
        out = harness.matchctl(self.d.addr, "candidate", "follow", "c-1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, "admin follows candidate c-1\n")
        out = harness.matchctl(self.d.addr, "candidate", "follow", "c-1")
        self.assertEqual(out.stdout,
                         "admin follows candidate c-1 (unchanged)\n")
        out = harness.matchctl(self.d.addr, "candidate", "following")
        self.assertEqual(out.stdout, "c-1\n")
        out = harness.matchctl(self.d.addr, "candidate", "unfollow", "c-1")
        self.assertEqual(out.stdout, "admin does not follow candidate c-1\n")
        out = harness.matchctl(self.d.addr, "candidate", "follow", "c-none")
        self.assertEqual(out.returncode, 1)
        self.assertIn("not_found", out.stderr)

    def test_matchctl_watch_prints_the_events(self):
        self.c.call("candidate.follow", {"id": "c-1"})
        with harness.Watch(self.d.addr) as w:
            harness.wait_until(
                lambda: self.c.call("stats")["subscribers"] == 1, 10,
                what="matchctl watch to subscribe")
            res = self.put_offer(offer("o-w", employer="W"))
            rank = self.suggested_ids(res).index("c-1") + 1
            self.c.call("referral.update", {"offer": "o-w",
                                            "candidate": "c-1",
                                            "status": "validated"})
            want = ["followed: c-1 ranked %d by offer o-w (" % rank,
                    "referral: offer o-w, candidate c-1: suggested -> "
                    "validated by admin"]
            text = w.read_until(want)
            for line in want:
                self.assertIn(line, text)

    def test_who_may_follow(self):
        with self.assertRaises(RpcError) as e:
            self.adviser(token_of("adv-industrie")).call(
                "candidate.follow", {"id": "c-1"})
        self.assertEqual(e.exception.code, "forbidden")
        with self.assertRaises(RpcError) as e:
            self.adviser(token_of("prospect")).call(
                "candidate.follow", {"id": "c-1"})
        self.assertEqual(e.exception.code, "forbidden")
        with self.assertRaises(RpcError) as e:
            self.adviser(ADV_B).call("candidate.follow", {"id": "c-none"})
        self.assertEqual(e.exception.code, "not_found")
        with self.assertRaises(RpcError) as e:
            self.adviser(ADV_B).call("candidate.follow", {"id": "bad id!"})
        self.assertEqual((e.exception.code, e.exception.field),
                         ("invalid_argument", "id"))
        self.assertEqual(self.redis.keys("%s:follow:*" % PREFIX), [])

    def test_the_follower_alone_hears_of_a_new_offer(self):
        follower = self.adviser(ADV_B)
        other = self.adviser(ADV_ALL)
        follower.call("candidate.follow", {"id": "c-1"})
        follower.call("subscribe", {})
        other.call("subscribe", {})
        res = self.put_offer(offer("o-1", employer="A"))
        rank = self.suggested_ids(res).index("c-1") + 1
        got = self.notifications_until_quiet(follower)
        self.assertEqual([m for m, _ in got], ["suggestions", "followed"])
        ev = got[1][1][0]
        self.assertEqual(ev["candidate"], "c-1")
        self.assertEqual(ev["rank"], rank)
        self.assertEqual(ev["offer"]["id"], "o-1")
        self.assertEqual(ev["offer"]["sector"], "batiment")
        mine = res["suggestions"][rank - 1]
        self.assertEqual(ev["score"], mine["score"])
        self.assertEqual(ev["distance_km"], mine["distance_km"])
        self.assertEqual([m for m, _ in
                          self.notifications_until_quiet(other)],
                         ["suggestions"])
        # Scored again, the same person is no news.
        self.c.call("offer.match", {"id": "o-1"})
        self.assertEqual([m for m, _ in
                          self.notifications_until_quiet(follower)],
                         ["suggestions"])

    def test_an_offer_the_follower_may_not_see_is_not_told(self):
        b = self.adviser(ADV_B)
        a = self.adviser(ADV_ALL)
        for c in (a, b):
            c.call("candidate.follow", {"id": "c-both"})
            c.call("subscribe", {})
        res = self.put_offer(offer("o-ind", rome="H2913", title="Soudeur",
                                   employer="Forges"))
        self.assertIn("c-both", self.suggested_ids(res))
        self.assertEqual([m for m, _ in self.notifications_until_quiet(a)],
                         ["suggestions", "followed"])
        # An industrie offer: not one of adv-batiment's sectors.
        self.assertEqual(self.notifications_until_quiet(b), [])

    def test_the_event_stream_and_the_http_routes(self):
        h = harness.http_request(self.d.http_addr, "PUT",
                                 "/api/candidates/c-2/follow", token=ADV_ALL)
        self.assertEqual(h.status, 200, h)
        self.assertTrue(h.json["following"])
        h = harness.http_request(self.d.http_addr, "GET", "/api/following",
                                 token=ADV_ALL)
        self.assertEqual([c["candidate"] for c in h.json["candidates"]],
                         ["c-2"])
        s = SseStream(self.d.http_addr, "/api/events", token=ADV_ALL)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        self.put_offer(offer("o-2", employer="B", commune="59271"))
        seen = {}
        while len(seen) < 2:
            event, data = s.next_event()
            seen[event] = json.loads(data)
        self.assertEqual(seen["followed"]["candidate"], "c-2")
        self.assertEqual(seen["followed"]["offer"]["id"], "o-2")
        self.assertEqual(seen["suggestions"]["offer"]["id"], "o-2")
        h = harness.http_request(self.d.http_addr, "DELETE",
                                 "/api/candidates/c-2/follow", token=ADV_ALL)
        self.assertEqual(h.status, 200, h)
        self.assertFalse(h.json["following"])
        h = harness.http_request(self.d.http_addr, "PUT",
                                 "/api/candidates/c-1/follow",
                                 token=token_of("adv-industrie"))
        self.assertEqual(h.status, 403, h)

    def test_kept_across_a_restart_gone_with_erasure_and_delete(self):
        a = self.adviser(ADV_B)
        for cid in ("c-1", "c-2"):
            a.call("candidate.follow", {"id": cid})
        self.d.stop()
        self.d = self.start_matcherd()
        self.c = self.client()
        a = self.adviser(ADV_B)
        self.assertEqual(sorted(c["candidate"] for c in
                                a.call("candidate.following")["candidates"]),
                         ["c-1", "c-2"])
        exp = self.c.call("candidate.export", {"id": "c-1"})
        self.assertEqual([f["user"] for f in exp["followers"]],
                         ["adv-batiment"])
        self.c.call("candidate.erase", {"id": "c-1", "reason": "request"})
        self.c.call("candidate.delete", {"id": "c-2"})
        self.assertEqual(a.call("candidate.following")["candidates"], [])
        harness.wait_until(lambda: self.redis.keys("%s:follow:*" % PREFIX)
                           == [], 5, what="the follows deleted in Redis")

    def test_referral_moves_are_events_for_the_advisers(self):
        self.put_offer(offer("o-5", employer="E"))
        subs = {name: self.adviser(token_of(name)) for name in
                ("adv-batiment", "adv-industrie", "prospect", "partner")}
        for c in subs.values():
            c.call("subscribe", {})
        s = SseStream(self.d.http_addr, "/api/events", token=ADV_ALL)
        self.addCleanup(s.close)
        self.c.call("referral.update", {"offer": "o-5", "candidate": "c-1",
                                        "status": "validated",
                                        "note": "appelé le 3"})
        got = self.notifications_until_quiet(subs["adv-batiment"])
        self.assertEqual([m for m, _ in got], ["referral"])
        ev = got[0][1][0]
        self.assertEqual({k: ev[k] for k in ("offer", "candidate", "from",
                                             "status", "user", "sector")},
                         {"offer": "o-5", "candidate": "c-1",
                          "from": "suggested", "status": "validated",
                          "user": "admin", "sector": "batiment"})
        self.assertIsInstance(ev["at"], int)
        self.assertNotIn("note", ev)
        # Another sector's adviser, prospection and partners: nothing.
        for name in ("adv-industrie", "prospect", "partner"):
            self.assertEqual(self.notifications_until_quiet(subs[name],
                                                            0.2), [], name)
        event, data = s.next_event()
        self.assertEqual(event, "referral")
        self.assertEqual(json.loads(data)["status"], "validated")

    def test_auth_as_another_user_ends_the_subscription(self):
        c = self.adviser(ADV_B)
        c.call("candidate.follow", {"id": "c-1"})
        c.call("subscribe", {})
        c.call("auth", {"token": ADV_ALL})
        self.put_offer(offer("o-3", employer="C"))
        self.assertTrue(c.no_notification(0.5))
        c.call("subscribe", {})
        self.put_offer(offer("o-4", employer="D"))
        # adv-all follows nobody: the suggestions only.
        self.assertEqual([m for m, _ in self.notifications_until_quiet(c)],
                         ["suggestions"])


if __name__ == "__main__":
    harness.main()
