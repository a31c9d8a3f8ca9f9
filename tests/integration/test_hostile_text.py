#!/usr/bin/python3
"""Invalid UTF-8 from a client (issue 10, defect 5): a string that would be
stored (offer.close's reason, a referral's note) is refused with
invalid_argument naming the field, nothing is stored, and the offer reads
back as before; an error message that quotes the input (an unknown method
or field) never echoes invalid bytes: the client's strict decoder reads
every answer."""

import os
import sys

import msgpack

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import candidate, offer  # noqa: E402

BAD = b"pourvue \xff\xfe fin"


def raw_str(b):
    """A msgpack str holding bytes b as they are (valid UTF-8 or not)."""
    assert len(b) < 256
    return (bytes([0xa0 | len(b)]) if len(b) < 32
            else bytes([0xd9, len(b)])) + b


def raw_request(msgid, method, pairs):
    """[0, msgid, method, {key: value}] with raw bytes for every string."""
    out = bytes([0x94, 0x00, msgid]) + raw_str(method)
    out += bytes([0x91, 0x80 | len(pairs)])
    for k, v in pairs:
        out += raw_str(k) + (raw_str(v) if isinstance(v, bytes)
                             else msgpack.packb(v))
    return out


class HostileText(harness.MatcherdTestCase):

    def send(self, msgid, method, pairs):
        self.c.send_raw(raw_request(msgid, method, pairs))
        # The harness's decoder is strict (raw=False): an invalid byte in
        # the answer would raise here.
        return self.c.response(msgid)

    def assertRefused(self, resp, field):
        err = resp[2]
        self.assertIsNotNone(err, resp)
        self.assertEqual(err["code"], "invalid_argument", err)
        self.assertEqual(err.get("field"), field, err)

    def setUp(self):
        super().setUp()
        self.put_candidates([candidate("c-1")])
        self.put_offer(offer("o-1"))

    def test_close_reason_must_be_utf8(self):
        before = self.c.call("offer.get", {"id": "o-1"})
        resp = self.send(1, b"offer.close", [(b"id", b"o-1"),
                                              (b"reason", BAD)])
        self.assertRefused(resp, "reason")
        after = self.c.call("offer.get", {"id": "o-1"})
        self.assertEqual(after["status"], "open")
        self.assertEqual(after, before)
        r = self.http("GET", "/api/offers/o-1", headers={
            "Authorization": "Bearer " + harness.ADMIN_TOKEN})
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn(b"\xff", self.redis.cli_bytes(
            "HGETALL", harness.offer_key("batiment", "o-1")))

    def test_referral_note_must_be_utf8(self):
        resp = self.send(2, b"referral.update", [
            (b"offer", b"o-1"), (b"candidate", b"c-1"),
            (b"status", b"validated"), (b"note", BAD)])
        self.assertRefused(resp, "note")
        refs = self.c.call("offer.get", {"id": "o-1"})["referrals"]
        self.assertEqual([r["status"] for r in refs], ["suggested"])

    def test_errors_never_echo_invalid_bytes(self):
        resp = self.send(3, b"offer.\xff\xc3", [])
        self.assertEqual(resp[2]["code"], "unknown_method")
        self.assertIn("offer.", resp[2]["message"])
        # An unknown key of a record: named, scrubbed.
        resp = self.send(4, b"candidate.put", [
            (b"id", b"c-2"), (b"sectors", ["batiment"]),
            (b"jobs", [{"rome": harness.ROME_BETON, "months": 1}]),
            (b"commune", b"59183"), (b"x\xffy", 1)])
        self.assertRefused(resp, "x?y")
        self.assertRpcError("not_found", "id", "candidate.get", {"id": "c-2"})
        # The connection still works.
        self.assertIs(self.c.call("ping")["pong"], True)


if __name__ == "__main__":
    harness.main()
