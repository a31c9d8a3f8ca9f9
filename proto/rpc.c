/*
 * MessagePack-RPC envelopes: check the shape of a decoded message
 * (request, response, notification) and pack the envelopes matcherd and
 * its clients send.  The checks follow proto/PROTOCOL.md; each refusal
 * says what is wrong so a client author can fix the request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "mpobj.h"
#include "rpc.h"

#define X_RPC_NAME(s, w) w,
static const char *const errcode_names[] = { RPC_ERROR_LIST(X_RPC_NAME) };
#undef X_RPC_NAME

const char *
rpc_errcode_name(enum rpc_errcode code)
{
	/* An out-of-range code is our bug: report it as one. */
	if ((int)code < 0 || code >= RPC_ERR_COUNT)
		return errcode_names[RPC_ERR_INTERNAL];
	return errcode_names[code];
}

static int
bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A method name: a str of 1 to RPC_METHOD_MAX bytes without NUL. */
static int
get_method(const msgpack_object *o, struct rpc_message *out, char *err,
    size_t errlen)
{
	const char	*s;
	size_t		 n;

	if (mp_get_str(o, &s, &n) == -1)
		return bad(err, errlen, "method must be a string");
	if (n == 0 || n > RPC_METHOD_MAX)
		return bad(err, errlen, "method must be 1 to %d bytes",
		    RPC_METHOD_MAX);
	/* Handlers print and compare it as a C string prefix. */
	if (memchr(s, '\0', n) != NULL)
		return bad(err, errlen, "method must not contain NUL bytes");
	out->method = s;
	out->method_len = n;
	return 0;
}

static int
get_msgid(const msgpack_object *o, struct rpc_message *out, char *err,
    size_t errlen)
{
	if (mp_get_uint32(o, &out->msgid) == -1)
		return bad(err, errlen,
		    "msgid must be an unsigned 32-bit integer");
	return 0;
}

static int
parse_request(const msgpack_object_array *a, struct rpc_message *out,
    int *msgid_known, char *err, size_t errlen)
{
	const msgpack_object	*params;

	/*
	 * Read the msgid before the element count, so even a request of
	 * the wrong size can be answered instead of left hanging.
	 */
	if (a->size < 2)
		return bad(err, errlen,
		    "request must be [0, msgid, method, params]");
	if (get_msgid(&a->ptr[1], out, err, errlen) == -1)
		return -1;
	*msgid_known = 1;
	if (a->size != 4)
		return bad(err, errlen, "request must have 4 elements, not %u",
		    (unsigned int)a->size);
	if (get_method(&a->ptr[2], out, err, errlen) == -1)
		return -1;
	params = &a->ptr[3];
	if (params->type != MSGPACK_OBJECT_ARRAY || params->via.array.size > 1)
		return bad(err, errlen, "params must be [] or [map]");
	if (params->via.array.size == 0) {
		out->params = NULL;
		return 0;
	}
	if (params->via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
		return bad(err, errlen, "params must be [] or [map]");
	out->params = &params->via.array.ptr[0];
	return 0;
}

static int
parse_response(const msgpack_object_array *a, struct rpc_message *out,
    char *err, size_t errlen)
{
	if (a->size != 4)
		return bad(err, errlen, "response must have 4 elements, not %u",
		    (unsigned int)a->size);
	if (get_msgid(&a->ptr[1], out, err, errlen) == -1)
		return -1;
	out->error = &a->ptr[2];
	out->result = &a->ptr[3];
	if (out->error->type != MSGPACK_OBJECT_NIL &&
	    out->error->type != MSGPACK_OBJECT_MAP)
		return bad(err, errlen, "response error must be nil or a map");
	/* A result may legitimately be nil; an error excludes a result. */
	if (out->error->type == MSGPACK_OBJECT_MAP &&
	    out->result->type != MSGPACK_OBJECT_NIL)
		return bad(err, errlen,
		    "response with an error must have a nil result");
	return 0;
}

static int
parse_notification(const msgpack_object_array *a, struct rpc_message *out,
    char *err, size_t errlen)
{
	if (a->size != 3)
		return bad(err, errlen,
		    "notification must have 3 elements, not %u",
		    (unsigned int)a->size);
	if (get_method(&a->ptr[1], out, err, errlen) == -1)
		return -1;
	out->payload = &a->ptr[2];
	if (out->payload->type != MSGPACK_OBJECT_ARRAY)
		return bad(err, errlen, "notification payload must be an array");
	return 0;
}

int
rpc_parse(const msgpack_object *o, struct rpc_message *out, int *msgid_known,
    char *err, size_t errlen)
{
	const msgpack_object_array	*a;
	int				 known_dummy;

	if (msgid_known == NULL)
		msgid_known = &known_dummy;
	*msgid_known = 0;
	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	if (o == NULL || o->type != MSGPACK_OBJECT_ARRAY)
		return bad(err, errlen, "message must be an array");
	a = &o->via.array;
	if (a->size == 0)
		return bad(err, errlen, "message must not be empty");
	if (a->ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[0].via.u64 > RPC_NOTIFICATION)
		return bad(err, errlen, "message type must be 0, 1 or 2");
	out->type = (enum rpc_type)a->ptr[0].via.u64;
	switch (out->type) {
	case RPC_REQUEST:
		return parse_request(a, out, msgid_known, err, errlen);
	case RPC_RESPONSE:
		return parse_response(a, out, err, errlen);
	case RPC_NOTIFICATION:
		return parse_notification(a, out, err, errlen);
	}
	return bad(err, errlen, "message type must be 0, 1 or 2");
}

void
rpc_pack_request_begin(msgpack_packer *pk, uint32_t msgid, const char *method)
{
	(void)msgpack_pack_array(pk, 4);
	(void)msgpack_pack_uint8(pk, RPC_REQUEST);
	(void)msgpack_pack_uint32(pk, msgid);
	mp_pack_str(pk, method);
	/* the caller packs params next: [] or [map] */
}

void
rpc_pack_result_begin(msgpack_packer *pk, uint32_t msgid)
{
	(void)msgpack_pack_array(pk, 4);
	(void)msgpack_pack_uint8(pk, RPC_RESPONSE);
	(void)msgpack_pack_uint32(pk, msgid);
	(void)msgpack_pack_nil(pk);
	/* the caller packs the result next */
}

void
rpc_pack_notification_begin(msgpack_packer *pk, const char *method)
{
	(void)msgpack_pack_array(pk, 3);
	(void)msgpack_pack_uint8(pk, RPC_NOTIFICATION);
	mp_pack_str(pk, method);
	/* the caller packs the payload array next: [map] */
}

void
rpc_pack_error_map(msgpack_packer *pk, enum rpc_errcode code,
    const char *message, const char *field)
{
	(void)msgpack_pack_map(pk, 3);
	mp_pack_kv_str(pk, "code", rpc_errcode_name(code));
	mp_pack_kv_str(pk, "message", message != NULL ? message : "");
	mp_pack_str(pk, "field");
	if (field != NULL)
		mp_pack_str(pk, field);
	else
		(void)msgpack_pack_nil(pk);
}

void
rpc_pack_error(msgpack_packer *pk, uint32_t msgid, enum rpc_errcode code,
    const char *message, const char *field)
{
	(void)msgpack_pack_array(pk, 4);
	(void)msgpack_pack_uint8(pk, RPC_RESPONSE);
	(void)msgpack_pack_uint32(pk, msgid);
	rpc_pack_error_map(pk, code, message, field);
	(void)msgpack_pack_nil(pk);
}
