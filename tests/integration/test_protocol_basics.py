#!/usr/bin/python3
"""Wire protocol basics (proto/PROTOCOL.md, Framing, Limits, Errors):
ping, unknown methods, request shape errors, broken streams, hostile
length headers, the 1 MiB bound, pipelining."""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import msgpack  # noqa: E402

import harness  # noqa: E402
from harness import RpcError  # noqa: E402

MAX_MESSAGE = 1024 * 1024  # [server] max_message default


def pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


class ProtocolBasics(harness.MatcherdTestCase):

    # ---- helpers ----------------------------------------------------------

    def assertErrorNotificationThenClose(self, client, code=None):
        """The stream is broken: one [2, "error", [{code, message, field:
        nil}]] notification, then the daemon closes the connection."""
        method, payload = client.next_notification(timeout=10)
        self.assertEqual(method, "error")
        self.assertIsInstance(payload, list)
        self.assertEqual(len(payload), 1, payload)
        err = payload[0]
        self.assertIsInstance(err, dict)
        self.assertIn(err.get("code"), harness.ERROR_CODES, err)
        if code is not None:
            self.assertEqual(err["code"], code, err)
        self.assertIsInstance(err.get("message"), str)
        self.assertIn("field", err)
        self.assertIsNone(err["field"])
        self.assertTrue(client.closed_by_peer(timeout=10),
                        "the daemon kept the broken connection open")
        self.assertEqual(client.notifications, [],
                         "more than one message after a broken stream")
        return err

    def assertServing(self, client=None):
        c = client or self.client()
        self.assertIs(c.call("ping")["pong"], True)
        self.assertTrue(self.d.alive(), "matcherd died")

    # ---- ping and methods -------------------------------------------------

    def test_ping_returns_pong_version_and_time(self):
        before = time.time()
        r = self.c.call("ping")
        self.assertIs(r["pong"], True)
        self.assertEqual(r["version"], 1)
        self.assertIsInstance(r["time"], int)
        self.assertLessEqual(abs(r["time"] - before), 5)

    def test_ping_accepts_an_empty_map_as_params(self):
        self.assertIs(self.c.call("ping", [{}])["pong"], True)

    def test_unknown_method_is_refused_and_connection_stays_open(self):
        err = self.assertRpcError("unknown_method", ..., "no.such.method")
        self.assertIsInstance(err.message, str)
        self.assertRpcError("unknown_method", ..., "Ping")
        self.assertServing(self.c)

    def test_response_carries_the_request_msgid(self):
        for msgid in (0, 7, 2 ** 31, 2 ** 32 - 1):
            self.c.send([0, msgid, "ping", []])
            resp = self.c.next_response()
            self.assertEqual(resp[0], 1)
            self.assertEqual(resp[1], msgid)
            self.assertIsNone(resp[2])
            self.assertIs(resp[3]["pong"], True)

    # ---- request shape errors ---------------------------------------------

    def shape_error(self, msgid, raw):
        """Send a well-framed request with a bad shape: an invalid_argument
        error response with that msgid, and the connection stays usable."""
        self.c.send_raw(raw)
        resp = self.c.next_response(timeout=10)
        self.assertEqual(resp[0], 1)
        self.assertEqual(resp[1], msgid)
        self.assertIsNone(resp[3], "a result next to an error")
        self.assertIsInstance(resp[2], dict, resp)
        self.assertEqual(resp[2]["code"], "invalid_argument", resp)
        self.assertIsInstance(resp[2]["message"], str)
        self.assertServing(self.c)

    def test_params_as_a_map_instead_of_an_array(self):
        self.shape_error(11, pack([0, 11, "ping", {"a": 1}]))

    def test_params_array_holding_a_non_map(self):
        self.shape_error(12, pack([0, 12, "candidate.get", ["c1"]]))

    def test_params_array_holding_two_maps(self):
        self.shape_error(13, pack([0, 13, "candidate.get",
                                   [{"id": "a"}, {"id": "b"}]]))

    def test_params_nil(self):
        self.shape_error(14, pack([0, 14, "ping", None]))

    def test_method_not_a_string(self):
        self.shape_error(15, pack([0, 15, 42, []]))

    def test_shape_errors_do_not_disturb_the_requests_around_them(self):
        self.c.send_raw(pack([0, 1, "ping", []]) +
                        pack([0, 2, "ping", "x"]) +
                        pack([0, 3, "ping", []]))
        r1, r2, r3 = (self.c.next_response() for _ in range(3))
        self.assertEqual([r1[1], r2[1], r3[1]], [1, 2, 3])
        self.assertIsNone(r1[2])
        self.assertEqual(r2[2]["code"], "invalid_argument")
        self.assertIsNone(r3[2])

    # ---- broken streams ---------------------------------------------------

    def test_garbage_byte_gets_error_notification_and_close(self):
        other = self.client()
        self.assertServing(other)
        self.c.send_raw(b"\xc1")
        self.assertErrorNotificationThenClose(self.c)
        self.assertServing(other)
        self.assertServing()

    def test_garbage_after_a_good_request_answers_the_request_first(self):
        self.c.send_raw(pack([0, 5, "ping", []]) + b"\xc1")
        resp = self.c.next_response()
        self.assertEqual(resp[1], 5)
        self.assertIs(resp[3]["pong"], True)
        self.assertErrorNotificationThenClose(self.c)
        self.assertServing()

    def test_top_level_object_not_an_array_breaks_the_stream(self):
        self.c.send_raw(pack({"method": "ping"}))
        self.assertErrorNotificationThenClose(self.c)
        self.assertServing()

    def test_nesting_deeper_than_32_levels_is_refused(self):
        deep = "x"
        for _ in range(40):
            deep = [deep]
        self.c.send_raw(pack([0, 1, "candidate.put", [{"id": "d",
                                                       "jobs": deep}]]))
        self.assertErrorNotificationThenClose(self.c)
        self.assertServing()

    def test_nesting_of_real_records_is_accepted(self):
        # Three levels inside params (map, jobs list, job map): fine.
        r = self.c.call("candidate.put", harness.candidate("nest-ok"))
        self.assertEqual(r["id"], "nest-ok")

    # ---- hostile length headers -------------------------------------------

    def test_array32_of_four_billion_is_too_large_at_once(self):
        other = self.client()
        rss_before = self.d.rss_kb()
        self.c.send_raw(b"\xdd\xff\xff\xff\xff")
        self.assertErrorNotificationThenClose(self.c, "too_large")
        self.assertServing(other)
        rss_after = self.d.rss_kb()
        self.assertLess(rss_after - rss_before, 64 * 1024,
                        "RSS grew from %d kB to %d kB after five bytes" % (
                            rss_before, rss_after))

    def test_map32_of_four_billion_is_too_large(self):
        self.c.send_raw(b"\xdf\xff\xff\xff\xff")
        self.assertErrorNotificationThenClose(self.c, "too_large")
        self.assertServing()

    def test_str32_declaring_4gib_inside_a_request_is_too_large(self):
        rss_before = self.d.rss_kb()
        # [0, 1, "candidate.put", [{"id": <str32 of 2^32-1 bytes>...
        head = b"\x94\x00\x01" + pack("candidate.put") + b"\x91\x81" + \
            pack("id") + b"\xdb\xff\xff\xff\xff"
        self.c.send_raw(head + b"abc")
        self.assertErrorNotificationThenClose(self.c, "too_large")
        self.assertServing()
        self.assertLess(self.d.rss_kb() - rss_before, 64 * 1024)

    def test_bin32_and_ext32_declaring_4gib_are_too_large(self):
        for head in (b"\xc6\xff\xff\xff\xff", b"\xc9\xff\xff\xff\xff\x01"):
            c = self.client()
            c.send_raw(b"\x94\x00\x01" + pack("ping") + b"\x91" + head)
            self.assertErrorNotificationThenClose(c, "too_large")
        self.assertServing()

    # ---- the 1 MiB bound --------------------------------------------------

    @staticmethod
    def message_of_size(size, msgid=1):
        """A candidate.put request of exactly `size` bytes, valid but for
        its last element, a long `adviser` string."""
        def build(n):
            return pack([0, msgid, "candidate.put",
                         [harness.candidate("big", adviser="x" * n)]])
        overhead = len(build(70000)) - 70000  # str32 header from 65536 on
        data = build(size - overhead)
        assert len(data) == size, (len(data), size)
        return data

    def test_message_of_exactly_max_message_is_read_and_answered(self):
        data = self.message_of_size(MAX_MESSAGE)
        self.c.send_raw(data)
        resp = self.c.next_response(timeout=20)
        self.assertEqual(resp[1], 1)
        # Read in full and validated: the adviser is far over 64 chars.
        self.assertEqual(resp[2]["code"], "invalid_argument", resp[2])
        self.assertEqual(resp[2]["field"], "adviser")
        self.assertServing(self.c)

    def test_message_one_byte_over_max_message_is_too_large(self):
        data = self.message_of_size(MAX_MESSAGE + 1)
        # The declared string length already goes past the bound, so the
        # daemon must refuse as soon as the header arrives: send only that.
        header_end = data.index(b"\xdb") + 5
        self.c.send_raw(data[:header_end])
        self.assertErrorNotificationThenClose(self.c, "too_large")
        self.assertServing()
        with self.assertRaises(RpcError) as cm:
            self.client().call("candidate.get", {"id": "big"})
        self.assertEqual(cm.exception.code, "not_found")

    def test_many_small_elements_over_the_bound_are_too_large(self):
        # No single declared length is large; the running total is.
        c = self.client()
        elems = b"".join(pack("y" * 200) for _ in range(6000))  # ~1.2 MiB
        head = b"\x94\x00\x01" + pack("candidate.put") + b"\x91\x82" + \
            pack("id") + pack("many") + pack("skills") + \
            b"\xdd" + (6000).to_bytes(4, "big")
        # The daemon reads and drops the rest before it closes (a close
        # with unread input would reset the connection, and the reset
        # would discard the error): the whole send goes through.
        c.send_raw(head + elems)
        self.assertErrorNotificationThenClose(c, "too_large")
        self.assertServing()

    def test_large_messages_always_get_their_error(self):
        """4 MiB and 16 MiB sent in one go, five times each: the client's
        send completes and the too_large error arrives every time."""
        for size in (4 << 20, 16 << 20):
            data = self.message_of_size(size)
            for _ in range(5):
                c = self.client()
                c.send_raw(data)
                self.assertErrorNotificationThenClose(c, "too_large")
        self.assertServing()

    # ---- truncated messages and disconnects -------------------------------

    def test_truncated_message_then_client_close_leaves_daemon_fine(self):
        full = pack([0, 1, "candidate.put", [harness.candidate("trunc")]])
        for cut in (1, 3, len(full) // 2, len(full) - 1):
            c = harness.RpcClient(self.d.addr)
            c.send_raw(full[:cut])
            time.sleep(0.05)
            c.close()
        self.assertServing()
        with self.assertRaises(RpcError) as cm:
            self.c.call("candidate.get", {"id": "trunc"})
        self.assertEqual(cm.exception.code, "not_found")

    def test_message_split_byte_by_byte_is_assembled(self):
        data = pack([0, 77, "candidate.put", [harness.candidate("slow")]])
        for i in range(len(data)):
            self.c.send_raw(data[i:i + 1])
            if i % 16 == 0:
                time.sleep(0.001)
        resp = self.c.next_response()
        self.assertEqual(resp[1], 77)
        self.assertIsNone(resp[2])
        self.assertEqual(resp[3]["id"], "slow")

    def test_client_closing_with_requests_in_flight(self):
        # Writes in flight to Redis must not touch the freed connection.
        for round_ in range(5):
            c = harness.RpcClient(self.d.addr)
            c.send_raw(b"".join(
                pack([0, i, "candidate.put",
                      [harness.candidate("fly-%d-%d" % (round_, i))]])
                for i in range(50)))
            c.sock.shutdown(socket.SHUT_RDWR)
            c.close()
        self.assertServing()

    # ---- pipelining -------------------------------------------------------

    def test_pipelined_requests_are_answered_in_order(self):
        self.put_candidates([harness.candidate("pre-%d" % i)
                             for i in range(10)])
        n = 600
        reqs = []
        for i in range(n):
            kind = i % 4
            if kind == 0:
                reqs.append(pack([0, i, "ping", []]))
            elif kind == 1:
                reqs.append(pack([0, i, "candidate.put",
                                  [harness.candidate("pipe-%04d" % i)]]))
            elif kind == 2:
                reqs.append(pack([0, i, "candidate.get",
                                  [{"id": "pre-%d" % (i % 10)}]]))
            else:
                reqs.append(pack([0, i, "candidate.get",
                                  [{"id": "absent-%d" % i}]]))
        self.c.send_raw(b"".join(reqs))
        for i in range(n):
            resp = self.c.next_response(timeout=30)
            self.assertEqual(resp[0], 1)
            self.assertEqual(resp[1], i, "response out of order")
            kind = i % 4
            if kind == 3:
                self.assertEqual(resp[2]["code"], "not_found", resp)
                continue
            self.assertIsNone(resp[2], resp)
            if kind == 0:
                self.assertIs(resp[3]["pong"], True)
            elif kind == 1:
                self.assertEqual(resp[3], {"id": "pipe-%04d" % i,
                                           "created": True})
            else:
                self.assertEqual(resp[3]["id"], "pre-%d" % (i % 10))
        for i in range(1, n, 4):
            self.assertEqual(self.c.call("candidate.get",
                                         {"id": "pipe-%04d" % i})["id"],
                             "pipe-%04d" % i)

    def test_client_pipelining_without_reading_does_not_starve_others(self):
        flood = harness.RpcClient(self.d.addr)
        self.addCleanup(flood.close)
        batch = b"".join(pack([0, i, "candidate.get", [{"id": "f-%d" % i}]])
                         for i in range(20000))
        flood.sock.settimeout(30)
        flood.send_raw(batch)
        other = self.client()
        t0 = time.monotonic()
        self.assertIs(other.call("ping", timeout=10)["pong"], True)
        self.assertLess(time.monotonic() - t0, 5)
        # The flooding client gets all its answers, in order, once it reads.
        for i in range(20000):
            resp = flood.next_response(timeout=30)
            self.assertEqual(resp[1], i)
            self.assertEqual(resp[2]["code"], "not_found")

    def test_two_clients_interleaved(self):
        a, b = self.c, self.client()
        ia = [a.request("ping") for _ in range(20)]
        ib = [b.request("candidate.get", {"id": "nobody"}) for _ in range(20)]
        for msgid in ia:
            self.assertEqual(a.next_response()[1], msgid)
        for msgid in ib:
            resp = b.next_response()
            self.assertEqual(resp[1], msgid)
            self.assertEqual(resp[2]["code"], "not_found")

    def test_stats_count_requests_and_errors_by_code(self):
        before = self.c.call("stats")
        for _ in range(3):
            self.assertRpcError("unknown_method", ..., "no.such")
        self.assertRpcError("not_found", "id", "candidate.get", {"id": "x"})
        after = self.c.call("stats")
        self.assertEqual(after["errors"]["unknown_method"] -
                         before["errors"].get("unknown_method", 0), 3)
        self.assertEqual(after["errors"]["not_found"] -
                         before["errors"].get("not_found", 0), 1)
        self.assertGreaterEqual(after["requests"] - before["requests"], 5)


class MaxClients(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("server", "max_clients", "3"),)

    def test_clients_over_max_clients_are_not_served(self):
        # self.c is the first client.
        others = [self.client(), self.client()]
        for c in others:
            self.assertIs(c.call("ping")["pong"], True)
        extra = harness.RpcClient(self.d.addr, timeout=5, token=None)
        self.addCleanup(extra.close)
        # It is told why, then closed: not a bare reset.
        method, payload = extra.next_notification(timeout=5)
        self.assertEqual(method, "error")
        self.assertEqual(payload[0]["code"], "unavailable")
        self.assertIn("max_clients 3", payload[0]["message"])
        self.assertTrue(extra.closed_by_peer(timeout=5))
        self.assertIn("refused: too many clients", self.d.log())
        # Once a client leaves, a new one is served.
        others[0].close()
        self.clients.remove(others[0])

        def new_client_served():
            with harness.RpcClient(self.d.addr, timeout=2,
                                   token=None) as c:
                return c.call("ping")["pong"] is True
        harness.wait_until(new_client_served, 10,
                           what="a client to be served after one left")
        self.assertIs(self.c.call("ping")["pong"], True)



class PerAddress(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("server", "max_clients_per_address", "3"),)

    def test_one_address_cannot_take_every_slot(self):
        others = [self.client(), self.client()]
        extra = harness.RpcClient(self.d.addr, timeout=5, token=None)
        self.addCleanup(extra.close)
        method, payload = extra.next_notification(timeout=5)
        self.assertEqual(payload[0]["code"], "unavailable")
        self.assertIn("max_clients_per_address 3", payload[0]["message"])
        self.assertTrue(extra.closed_by_peer(timeout=5))
        for c in others:
            self.assertIs(c.call("ping")["pong"], True)


class Timeouts(harness.MatcherdTestCase):
    CONFIG_SETTINGS = (("server", "idle_timeout", "1"),
                       ("server", "message_timeout", "1"))

    def test_an_idle_client_is_closed_and_a_subscriber_is_not(self):
        sub = self.client()
        sub.call("subscribe", {})
        idle = self.client()
        self.assertTrue(idle.closed_by_peer(timeout=10),
                        "an idle client stayed connected")
        self.assertIn("idle for 1 s (idle_timeout)", self.d.log())
        time.sleep(1.5)
        self.assertIs(sub.call("ping")["pong"], True)
        # A push still reaches the subscriber after its idle time.
        writer = self.client()
        self.put_candidates([harness.candidate("t-1")], client=writer)
        self.put_offer(harness.offer("o-t"), client=writer)
        method, _ = sub.next_notification(timeout=5)
        self.assertEqual(method, "suggestions")

    def test_a_message_sent_a_byte_at_a_time_times_out(self):
        c = self.client()
        data = pack([0, 7, "ping", []])
        try:
            for b in data[:-1]:
                c.send_raw(bytes([b]))
                time.sleep(0.4)
        except (BrokenPipeError, ConnectionResetError):
            pass
        method, payload = c.next_notification(timeout=10)
        self.assertEqual(method, "error")
        self.assertIn("message_timeout", payload[0]["message"])
        self.assertTrue(c.closed_by_peer(timeout=5))

    def test_an_unfinished_message_then_silence_times_out(self):
        c = self.client()
        c.send_raw(pack([0, 7, "ping", []])[:3])
        method, payload = c.next_notification(timeout=10)
        self.assertIn("message_timeout", payload[0]["message"])
        self.assertTrue(c.closed_by_peer(timeout=5))


if __name__ == "__main__":
    harness.main()
