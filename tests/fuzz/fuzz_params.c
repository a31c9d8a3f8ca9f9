/*
 * libFuzzer target: a MessagePack-RPC message as the daemon reads it
 * (input: one msgpack object): rpc_parse(), then, for a request, every
 * getter of matcher/daemon/params.c with the keys and bounds the methods
 * use, and the record decoders the put methods hand params_record() to.
 *
 * params.c is compiled in alone; pending_error() is stubbed here, so no
 * event loop or daemon state is needed.  Checked: a getter fails exactly
 * when it answered the request (once), and what it returns is in bounds.
 */
#include "fuzz_common.h"

#include <stdarg.h>

#include "candidate.h"
#include "clause.h"
#include "offer.h"
#include "params.h"
#include "pending.h"
#include "rgpd.h"
#include "rpc.h"

/* The stub request: it only counts its answers. */
struct pending {
	int		 errors;
	char		 field[128];
};

void
pending_error(struct pending *p, enum rpc_errcode code, const char *field,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	FUZZ_CHECK(code == RPC_ERR_INVALID_ARGUMENT && msg[0] != '\0');
	p->errors++;
	snprintf(p->field, sizeof(p->field), "%s", field ? field : "");
}

/* rc is a getter's result: -1 exactly when it answered, once. */
static void
fuzz_params_answered(struct pending *p, int rc)
{
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(p->errors == (rc == -1));
	p->errors = 0;
}

static void
fuzz_params_id(struct pending *p, const msgpack_object *params,
    const char *key, int optional)
{
	char id[RECORD_ID_MAX + 1];
	int rc;

	rc = optional ? params_opt_id(p, params, key, id) :
	    params_id(p, params, key, id);
	fuzz_params_answered(p, rc);
	if (rc == 0)
		FUZZ_CHECK(optional ? (id[0] == '\0' ||
		    record_id_valid(id, strlen(id))) :
		    record_id_valid(id, strlen(id)));
}

static void
fuzz_params_int(struct pending *p, const msgpack_object *params,
    const char *key, int min, int max, int def)
{
	int v, rc;

	rc = params_int(p, params, key, min, max, def, &v);
	fuzz_params_answered(p, rc);
	if (rc == 0)
		FUZZ_CHECK(v == def || (v >= min && v <= max));
}

static void
fuzz_params_text(struct pending *p, const msgpack_object *params,
    const char *key, size_t size)
{
	char buf[512];
	int rc;

	rc = params_text(p, params, key, buf, size);
	fuzz_params_answered(p, rc);
	if (rc == 0)
		FUZZ_CHECK(strlen(buf) < size);
}

static void
fuzz_params_vocab(struct pending *p, const msgpack_object *params,
    const char *key, const struct vocab *v)
{
	uint32_t set, one = 0;
	int rc;

	rc = params_set(p, params, key, v, &set);
	fuzz_params_answered(p, rc);
	if (rc == 0)
		FUZZ_CHECK((set & ~((1u << v->count) - 1)) == 0);
	rc = params_one(p, params, key, v, &one);
	fuzz_params_answered(p, rc);
	if (rc == 0)
		FUZZ_CHECK(one == 0 || (one & (one - 1)) == 0);
}

static void
fuzz_params_records(const msgpack_object *params)
{
	const msgpack_object *rec;
	struct candidate c;
	struct identity ident;
	struct offer o;
	struct clause_op op;
	struct field_error err;
	int wrapped;

	/* As the put methods: no params map, no record. */
	if (params == NULL)
		return;
	rec = params_record(params, "candidate", &wrapped);
	FUZZ_CHECK(rec != NULL && (wrapped == 0 || rec != params));
	(void)candidate_decode_with_identity(rec, fuzz_refdata(), &c, &ident,
	    &err);
	rec = params_record(params, "offer", &wrapped);
	(void)offer_decode(rec, fuzz_refdata(), &o, &err);
	rec = params_record(params, "operation", &wrapped);
	(void)clause_op_decode(rec, &op, &err);
}

static void
fuzz_params_all(const msgpack_object *params)
{
	static const char *const ids[] = { "id", "candidate", "offer",
	    "other" };
	static const char *const opt_ids[] = { "candidate", "contractor",
	    "operation" };
	static const char *const texts[] = { "cursor", "note", "partner",
	    "reason", "ref", "today", "user" };
	static const char *const bools[] = { "behind", "dry_run" };
	struct pending p;
	size_t i;
	int b;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		fuzz_params_id(&p, params, ids[i], 0);
	for (i = 0; i < sizeof(opt_ids) / sizeof(opt_ids[0]); i++)
		fuzz_params_id(&p, params, opt_ids[i], 1);
	fuzz_params_int(&p, params, "count", 1, CLAUSE_LIST_MAX, 100);
	fuzz_params_int(&p, params, "limit", 1, PROTO_LIMIT_MAX,
	    PROTO_LIMIT_DEFAULT);
	fuzz_params_int(&p, params, "since", 0, INT32_MAX, 0);
	/* Sizes as the methods' buffers: small, one byte, the largest. */
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		fuzz_params_text(&p, params, texts[i], 1);
		fuzz_params_text(&p, params, texts[i], 65);
		fuzz_params_text(&p, params, texts[i], 501);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		b = 0;
		fuzz_params_answered(&p, params_bool(&p, params, bools[i], &b));
	}
	fuzz_params_vocab(&p, params, "sectors", &vocab_sector);
	fuzz_params_vocab(&p, params, "sector", &vocab_sector);
	fuzz_params_vocab(&p, params, "sources", &vocab_source);
	fuzz_params_vocab(&p, params, "reason", &vocab_erase_reason);
	fuzz_params_records(params);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msgpack_zone zone;
	msgpack_object o;
	struct rpc_message m;
	char err[256];
	int known, rc;

	msgpack_zone_init(&zone, 2048);
	if (fuzz_unpack(data, size, &zone, &o) == 0) {
		known = 0;
		err[0] = '\0';
		rc = rpc_parse(&o, &m, &known, err, sizeof(err));
		FUZZ_CHECK(rc == 0 || rc == -1);
		if (rc == -1)
			FUZZ_CHECK(err[0] != '\0');
		else if (m.type == RPC_REQUEST) {
			FUZZ_CHECK(m.method != NULL &&
			    m.method_len <= RPC_METHOD_MAX);
			FUZZ_CHECK(m.params == NULL ||
			    m.params->type == MSGPACK_OBJECT_MAP);
			fuzz_params_all(m.params);
		}
	}
	msgpack_zone_destroy(&zone);
	return 0;
}
