/*
 * Unit tests of proto/rpc.c: requests, responses and notifications built
 * with the pack functions parse back; every malformed envelope is refused
 * with a message, and a malformed request reports whether its msgid could
 * be read (so the daemon can still answer it); error maps round-trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "frame.h"
#include "mpobj.h"
#include "proto.h"
#include "rpc.h"

/* A packed message and what decoding it needs; all on the test's stack. */
struct msg {
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	msgpack_zone	 zone;
	msgpack_object	 obj;
};

static void
msg_init(struct msg *m)
{
	msgpack_sbuffer_init(&m->sb);
	msgpack_packer_init(&m->pk, &m->sb, msgpack_sbuffer_write);
	msgpack_zone_init(&m->zone, 1024);
}

static void
msg_free(struct msg *m)
{
	msgpack_zone_destroy(&m->zone);
	msgpack_sbuffer_destroy(&m->sb);
}

/* Frame and unpack the packed bytes the way the daemon does. */
static const msgpack_object *
msg_decode(struct msg *m)
{
	size_t	 objlen;

	assert_int_equal(frame_scan(m->sb.data, m->sb.size,
	    PROTO_MAX_MESSAGE_DEFAULT, &objlen, NULL, 0), FRAME_OK);
	assert_int_equal(objlen, m->sb.size);
	assert_int_equal(frame_unpack(m->sb.data, objlen, &m->zone, &m->obj),
	    0);
	return &m->obj;
}

static void
msg_raw(struct msg *m, const char *b, size_t n)
{
	msgpack_sbuffer_clear(&m->sb);
	msgpack_sbuffer_write(&m->sb, b, n);
}

/* Decode m, which rpc_parse() must accept, into r. */
static void
parse_ok(struct msg *m, struct rpc_message *r, int *msgid_known)
{
	char	 err[128];

	if (rpc_parse(msg_decode(m), r, msgid_known, err, sizeof(err)) != 0)
		fail_msg("rpc_parse: %s", err);
}

static void
assert_str(const msgpack_object *o, const char *s)
{
	assert_non_null(o);
	assert_int_equal(o->type, MSGPACK_OBJECT_STR);
	assert_int_equal(o->via.str.size, strlen(s));
	assert_memory_equal(o->via.str.ptr, s, strlen(s));
}

static void
test_errcode_names(void **state)
{
	(void)state;
	assert_string_equal(rpc_errcode_name(RPC_ERR_INVALID_ARGUMENT),
	    "invalid_argument");
	assert_string_equal(rpc_errcode_name(RPC_ERR_NOT_FOUND), "not_found");
	assert_string_equal(rpc_errcode_name(RPC_ERR_UNKNOWN_METHOD),
	    "unknown_method");
	assert_string_equal(rpc_errcode_name(RPC_ERR_TOO_LARGE), "too_large");
	assert_string_equal(rpc_errcode_name(RPC_ERR_UNAVAILABLE),
	    "unavailable");
	assert_string_equal(rpc_errcode_name(RPC_ERR_INTERNAL), "internal");
	assert_string_equal(rpc_errcode_name(RPC_ERR_COUNT), "internal");
	assert_string_equal(rpc_errcode_name((enum rpc_errcode)-1),
	    "internal");
}

static void
test_request(void **state)
{
	struct msg		 m;
	struct rpc_message	 r;
	int			 known = -1;

	(void)state;
	msg_init(&m);
	rpc_pack_request_begin(&m.pk, 42, "candidate.get");
	msgpack_pack_array(&m.pk, 1);
	msgpack_pack_map(&m.pk, 1);
	mp_pack_kv_str(&m.pk, "id", "c1");
	parse_ok(&m, &r, &known);
	assert_int_equal(known, 1);
	assert_int_equal(r.type, RPC_REQUEST);
	assert_int_equal(r.msgid, 42);
	assert_int_equal(r.method_len, strlen("candidate.get"));
	assert_memory_equal(r.method, "candidate.get", r.method_len);
	assert_non_null(r.params);
	assert_int_equal(r.params->type, MSGPACK_OBJECT_MAP);
	assert_str(mp_map_get(r.params, "id"), "c1");
	assert_null(r.error);
	assert_null(r.result);
	assert_null(r.payload);
	msg_free(&m);

	/* the edges of msgid, an empty params map */
	msg_init(&m);
	rpc_pack_request_begin(&m.pk, UINT32_MAX, "ping");
	msgpack_pack_array(&m.pk, 1);
	msgpack_pack_map(&m.pk, 0);
	parse_ok(&m, &r, &known);
	assert_true(r.msgid == UINT32_MAX);
	assert_non_null(r.params);
	assert_int_equal(r.params->via.map.size, 0);
	msg_free(&m);

	/* params [] means no parameters: params is NULL */
	msg_init(&m);
	rpc_pack_request_begin(&m.pk, 0, "stats");
	msgpack_pack_array(&m.pk, 0);
	parse_ok(&m, &r, &known);
	assert_int_equal(known, 1);
	assert_int_equal(r.msgid, 0);
	assert_null(r.params);
	msg_free(&m);

	/* a method of exactly RPC_METHOD_MAX bytes */
	msg_init(&m);
	msgpack_pack_array(&m.pk, 4);
	msgpack_pack_int(&m.pk, 0);
	msgpack_pack_int(&m.pk, 3);
	msgpack_pack_str(&m.pk, RPC_METHOD_MAX);
	msgpack_pack_str_body(&m.pk,
	    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
	    RPC_METHOD_MAX);
	msgpack_pack_array(&m.pk, 0);
	parse_ok(&m, &r, &known);
	assert_int_equal(r.method_len, RPC_METHOD_MAX);
	msg_free(&m);

	/* msgid_known and err may be NULL */
	msg_init(&m);
	rpc_pack_request_begin(&m.pk, 1, "ping");
	msgpack_pack_array(&m.pk, 1);
	msgpack_pack_map(&m.pk, 0);
	assert_int_equal(rpc_parse(msg_decode(&m), &r, NULL, NULL, 0), 0);
	msg_free(&m);
}

static void
test_response(void **state)
{
	struct msg		 m;
	struct rpc_message	 r;
	int			 known = -1;

	(void)state;
	msg_init(&m);
	rpc_pack_result_begin(&m.pk, 9);
	msgpack_pack_map(&m.pk, 2);
	mp_pack_kv_bool(&m.pk, "pong", 1);
	mp_pack_kv_int(&m.pk, "version", PROTO_VERSION);
	parse_ok(&m, &r, &known);
	assert_int_equal(known, 0);
	assert_int_equal(r.type, RPC_RESPONSE);
	assert_int_equal(r.msgid, 9);
	assert_non_null(r.error);
	assert_int_equal(r.error->type, MSGPACK_OBJECT_NIL);
	assert_non_null(r.result);
	assert_int_equal(r.result->type, MSGPACK_OBJECT_MAP);
	assert_non_null(mp_map_get(r.result, "pong"));
	assert_null(r.method);
	assert_null(r.params);
	msg_free(&m);

	/* a nil result is allowed */
	msg_init(&m);
	rpc_pack_result_begin(&m.pk, 10);
	msgpack_pack_nil(&m.pk);
	parse_ok(&m, &r, &known);
	assert_int_equal(r.result->type, MSGPACK_OBJECT_NIL);
	msg_free(&m);
}

static void
test_error_round_trip(void **state)
{
	struct msg		 m;
	struct rpc_message	 r;
	int			 known, c;
	const msgpack_object	*f;

	(void)state;
	for (c = 0; c < RPC_ERR_COUNT; c++) {
		msg_init(&m);
		rpc_pack_error(&m.pk, 77, (enum rpc_errcode)c,
		    "unknown ROME code", c % 2 ? "jobs[0].rome" : NULL);
		parse_ok(&m, &r, &known);
		assert_int_equal(r.type, RPC_RESPONSE);
		assert_int_equal(r.msgid, 77);
		assert_int_equal(r.error->type, MSGPACK_OBJECT_MAP);
		assert_int_equal(r.error->via.map.size, 3);
		assert_str(mp_map_get(r.error, "code"),
		    rpc_errcode_name((enum rpc_errcode)c));
		assert_str(mp_map_get(r.error, "message"),
		    "unknown ROME code");
		f = mp_map_get(r.error, "field");
		assert_non_null(f);
		if (c % 2)
			assert_str(f, "jobs[0].rome");
		else
			assert_int_equal(f->type, MSGPACK_OBJECT_NIL);
		assert_int_equal(r.result->type, MSGPACK_OBJECT_NIL);
		msg_free(&m);
	}

	/* the error map alone, as in the "error" notification */
	msg_init(&m);
	rpc_pack_notification_begin(&m.pk, "error");
	msgpack_pack_array(&m.pk, 1);
	rpc_pack_error_map(&m.pk, RPC_ERR_TOO_LARGE, "message over 1048576 "
	    "bytes", NULL);
	parse_ok(&m, &r, &known);
	assert_int_equal(r.type, RPC_NOTIFICATION);
	assert_int_equal(r.payload->via.array.size, 1);
	f = &r.payload->via.array.ptr[0];
	assert_int_equal(f->type, MSGPACK_OBJECT_MAP);
	assert_str(mp_map_get(f, "code"), "too_large");
	assert_str(mp_map_get(f, "message"), "message over 1048576 bytes");
	assert_int_equal(mp_map_get(f, "field")->type, MSGPACK_OBJECT_NIL);
	msg_free(&m);

	/* exact bytes of a small error response, for other languages */
	msg_init(&m);
	rpc_pack_error(&m.pk, 1, RPC_ERR_NOT_FOUND, "x", "id");
	assert_int_equal(m.sb.size, 4 + 5 + 10 + 8 + 2 + 6 + 3 + 1);
	assert_memory_equal(m.sb.data, "\x94\x01\x01\x83\xa4" "code\xa9"
	    "not_found\xa7" "message\xa1x\xa5" "field\xa2id\xc0", m.sb.size);
	msg_free(&m);
}

/*
 * The *_begin functions stop where the caller's object goes: pin their
 * bytes, since the daemon, matchctl and the tools pack the rest.
 */
static void
test_envelope_bytes(void **state)
{
	struct msg	 m;

	(void)state;
	msg_init(&m);
	rpc_pack_request_begin(&m.pk, 300, "ping");
	assert_int_equal(m.sb.size, 10);
	assert_memory_equal(m.sb.data, "\x94\x00\xcd\x01\x2c\xa4ping", 10);
	msgpack_sbuffer_clear(&m.sb);
	rpc_pack_result_begin(&m.pk, 7);
	assert_int_equal(m.sb.size, 4);
	assert_memory_equal(m.sb.data, "\x94\x01\x07\xc0", 4);
	msgpack_sbuffer_clear(&m.sb);
	rpc_pack_notification_begin(&m.pk, "error");
	assert_int_equal(m.sb.size, 8);
	assert_memory_equal(m.sb.data, "\x93\x02\xa5" "error", 8);
	msg_free(&m);
}

static void
test_notification(void **state)
{
	struct msg		 m;
	struct rpc_message	 r;
	int			 known = -1;

	(void)state;
	msg_init(&m);
	rpc_pack_notification_begin(&m.pk, "suggestions");
	msgpack_pack_array(&m.pk, 1);
	msgpack_pack_map(&m.pk, 1);
	mp_pack_kv_int(&m.pk, "considered", 12);
	parse_ok(&m, &r, &known);
	assert_int_equal(known, 0);
	assert_int_equal(r.type, RPC_NOTIFICATION);
	assert_int_equal(r.method_len, strlen("suggestions"));
	assert_memory_equal(r.method, "suggestions", r.method_len);
	assert_non_null(r.payload);
	assert_int_equal(r.payload->type, MSGPACK_OBJECT_ARRAY);
	assert_int_equal(r.payload->via.array.size, 1);
	assert_non_null(mp_map_get(&r.payload->via.array.ptr[0],
	    "considered"));
	msg_free(&m);
}

struct bad_case {
	const char	*b;
	size_t		 n;
	int		 known;		/* expected *msgid_known */
	uint32_t	 msgid;		/* when known */
	const char	*why;		/* substring of the message */
};
#define BAD(lit, k, id, why)	{ lit, sizeof(lit) - 1, k, id, why }

static const struct bad_case bad_cases[] = {
	/* not an array */
	BAD("\xc0", 0, 0, "must be an array"),
	BAD("\x80", 0, 0, "must be an array"),
	BAD("\xa4ping", 0, 0, "must be an array"),
	BAD("\x01", 0, 0, "must be an array"),
	BAD("\x90", 0, 0, "empty"),
	/* bad type */
	BAD("\x94\x03\x01\xa4ping\x90", 0, 0, "type"),
	BAD("\x94\xff\x01\xa4ping\x90", 0, 0, "type"),
	BAD("\x94\xa1" "0\x01\xa4ping\x90", 0, 0, "type"),
	BAD("\x94\xc0\x01\xa4ping\x90", 0, 0, "type"),
	BAD("\x94\xcb\x00\x00\x00\x00\x00\x00\x00\x00\x01\xa4ping\x90", 0, 0,
	    "type"),
	/* requests of the wrong size: answerable once msgid is readable */
	BAD("\x91\x00", 0, 0, "request"),
	BAD("\x92\x00\x07", 1, 7, "4 elements"),
	BAD("\x93\x00\x07\xa4ping", 1, 7, "4 elements"),
	BAD("\x95\x00\x07\xa4ping\x90\xc0", 1, 7, "4 elements"),
	BAD("\x93\x00\xff\xa4ping", 0, 0, "msgid"),
	/* bad msgid */
	BAD("\x94\x00\xff\xa4ping\x90", 0, 0, "msgid"),
	BAD("\x94\x00\xd3\x80\x00\x00\x00\x00\x00\x00\x00\xa4ping\x90", 0, 0,
	    "msgid"),
	BAD("\x94\x00\xcf\x00\x00\x00\x01\x00\x00\x00\x00\xa4ping\x90", 0, 0,
	    "msgid"),
	BAD("\x94\x00\xa1" "1\xa4ping\x90", 0, 0, "msgid"),
	BAD("\x94\x00\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00\xa4ping\x90", 0, 0,
	    "msgid"),
	BAD("\x94\x00\xc0\xa4ping\x90", 0, 0, "msgid"),
	BAD("\x94\x00\xc3\xa4ping\x90", 0, 0, "msgid"),
	/* bad method, msgid known */
	BAD("\x94\x00\x07\x05\x90", 1, 7, "method must be a string"),
	BAD("\x94\x00\x07\xc0\x90", 1, 7, "method must be a string"),
	BAD("\x94\x00\x07\xc4\x04ping\x90", 1, 7, "method must be a string"),
	BAD("\x94\x00\x07\x91\xa4ping\x90", 1, 7, "method must be a string"),
	BAD("\x94\x00\x07\xa0\x90", 1, 7, "1 to 64 bytes"),
	BAD("\x94\x00\x07\xd9\x41"
	    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
	    "\x90", 1, 7, "1 to 64 bytes"),
	BAD("\x94\x00\x07\xa3p\x00g\x90", 1, 7, "NUL"),
	/* bad params, msgid known */
	BAD("\x94\x00\x07\xa4ping\x80", 1, 7, "params must be [] or [map]"),
	BAD("\x94\x00\x07\xa4ping\xc0", 1, 7, "params must be [] or [map]"),
	BAD("\x94\x00\x07\xa4ping\x01", 1, 7, "params must be [] or [map]"),
	BAD("\x94\x00\x07\xa4ping\x91\x01", 1, 7, "params must be [] or [map]"),
	BAD("\x94\x00\x07\xa4ping\x91\xc0", 1, 7, "params must be [] or [map]"),
	BAD("\x94\x00\x07\xa4ping\x91\x90", 1, 7, "params must be [] or [map]"),
	BAD("\x94\x00\x07\xa4ping\x92\x80\x80", 1, 7,
	    "params must be [] or [map]"),
	BAD("\x94\x00\xce\xff\xff\xff\xff\xa4ping\x92\x80\x80", 1, UINT32_MAX,
	    "params must be [] or [map]"),
	/* bad responses: never "known", nothing answers a response */
	BAD("\x93\x01\x07\xc0", 0, 0, "4 elements"),
	BAD("\x95\x01\x07\xc0\xc0\xc0", 0, 0, "4 elements"),
	BAD("\x94\x01\xff\xc0\xc0", 0, 0, "msgid"),
	BAD("\x94\x01\xa1" "1\xc0\xc0", 0, 0, "msgid"),
	BAD("\x94\x01\x07\xa1x\xc0", 0, 0, "nil or a map"),
	BAD("\x94\x01\x07\x90\xc0", 0, 0, "nil or a map"),
	BAD("\x94\x01\x07\x80\x01", 0, 0, "nil result"),
	/* bad notifications */
	BAD("\x92\x02\xa5" "error", 0, 0, "3 elements"),
	BAD("\x94\x02\xa5" "error\x90\xc0", 0, 0, "3 elements"),
	BAD("\x93\x02\x05\x90", 0, 0, "method must be a string"),
	BAD("\x93\x02\xa0\x90", 0, 0, "1 to 64 bytes"),
	BAD("\x93\x02\xa5" "error\x80", 0, 0, "payload must be an array"),
	BAD("\x93\x02\xa5" "error\xc0", 0, 0, "payload must be an array"),
};

static void
test_malformed(void **state)
{
	struct msg		 m;
	struct rpc_message	 r;
	char			 err[128];
	size_t			 i;
	int			 known;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		msg_init(&m);
		msg_raw(&m, bad_cases[i].b, bad_cases[i].n);
		known = -1;
		err[0] = '\0';
		if (rpc_parse(msg_decode(&m), &r, &known, err,
		    sizeof(err)) != -1)
			fail_msg("case %zu accepted", i);
		if (known != bad_cases[i].known)
			fail_msg("case %zu: msgid_known %d, want %d (%s)", i,
			    known, bad_cases[i].known, err);
		if (known)
			assert_int_equal(r.msgid, bad_cases[i].msgid);
		if (strstr(err, bad_cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
			    bad_cases[i].why);
		/* and without err or msgid_known */
		assert_int_equal(rpc_parse(&m.obj, &r, NULL, NULL, 0), -1);
		assert_int_equal(rpc_parse(&m.obj, &r, &known, err, 1), -1);
		assert_string_equal(err, "");
		msg_free(&m);
	}
	assert_int_equal(rpc_parse(NULL, &r, &known, err, sizeof(err)), -1);
	assert_int_equal(known, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errcode_names),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_error_round_trip),
		cmocka_unit_test(test_envelope_bytes),
		cmocka_unit_test(test_notification),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
