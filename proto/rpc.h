/*
 * MessagePack-RPC messages (the standard framing):
 *   request       [0, msgid, method, [params]]
 *   response      [1, msgid, error, result]
 *   notification  [2, method, [payload]]
 * matcherd passes one map as the only parameter (or none: an empty map).
 * Errors are maps {code, message, field}.  See proto/PROTOCOL.md.
 */
#ifndef PROTO_RPC_H
#define PROTO_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

enum rpc_type {
	RPC_REQUEST = 0,
	RPC_RESPONSE = 1,
	RPC_NOTIFICATION = 2
};

#define RPC_ERROR_LIST(X)						\
	X(INVALID_ARGUMENT, "invalid_argument")				\
	X(NOT_FOUND, "not_found")					\
	X(UNKNOWN_METHOD, "unknown_method")				\
	X(TOO_LARGE, "too_large")					\
	X(UNAVAILABLE, "unavailable")					\
	X(INTERNAL, "internal")						\
	X(CONFLICT, "conflict")						\
	X(UNAUTHENTICATED, "unauthenticated")			\
	X(FORBIDDEN, "forbidden")

#define X_RPC_ERR(s, w) RPC_ERR_##s,
enum rpc_errcode { RPC_ERROR_LIST(X_RPC_ERR) RPC_ERR_COUNT };
#undef X_RPC_ERR

const char	*rpc_errcode_name(enum rpc_errcode);

/* Longest method name accepted, in bytes; names are short ASCII. */
#define RPC_METHOD_MAX 64

/* A decoded message; pointers borrow from the msgpack object. */
struct rpc_message {
	enum rpc_type		 type;
	uint32_t		 msgid;		/* requests, responses */
	const char		*method;	/* requests, notifications */
	size_t			 method_len;
	/* Request: the params map, or NULL for "[]" (no parameters). */
	const msgpack_object	*params;
	/* Response: error (nil or map) and result. */
	const msgpack_object	*error;
	const msgpack_object	*result;
	/* Notification: the payload array. */
	const msgpack_object	*payload;
};

/*
 * Check the shape of a message.  Returns 0, or -1 with a message in err.
 * *msgid_known is set when the msgid of a malformed request could be read,
 * so the caller can still answer it.
 */
int	rpc_parse(const msgpack_object *o, struct rpc_message *out,
	    int *msgid_known, char *err, size_t errlen);

/*
 * Packing.  The *_begin functions write the envelope up to the place of
 * the one payload object, which the caller then packs itself.
 */
void	rpc_pack_request_begin(msgpack_packer *pk, uint32_t msgid,
	    const char *method);		/* then pack the params map */
void	rpc_pack_result_begin(msgpack_packer *pk, uint32_t msgid);
					/* then pack the result */
void	rpc_pack_notification_begin(msgpack_packer *pk, const char *method);
					/* then pack the payload */
/*
 * rpc_pack_request_begin() and rpc_pack_notification_begin() stop after
 * the method: the caller packs the params / payload array itself,
 * msgpack_pack_array(pk, 1) then the map (or an empty array for a request
 * without parameters).  rpc_pack_result_begin() writes the nil error; the
 * caller packs the result object.
 */
void	rpc_pack_error(msgpack_packer *pk, uint32_t msgid,
	    enum rpc_errcode code, const char *message, const char *field);
/* The error map alone: {code, message, field} (field nil when NULL). */
void	rpc_pack_error_map(msgpack_packer *pk, enum rpc_errcode code,
	    const char *message, const char *field);

#endif
