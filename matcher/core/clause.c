/*
 * Clause operations: records, the table of operations and hires, the
 * rules an offer and an update must obey, the status of an operation on a
 * day, and the report (docs/CLAUSE.md).  The field codecs are
 * candidate.c's, so every record obeys the same rules.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "candidate.h"
#include "decode.h"
#include "pack.h"
#include "clause.h"
#include "dates.h"
#include "domain.h"
#include "mpobj.h"
#include "offer_table.h"
#include "xmalloc.h"

/* Field order is the canonical order of clause_op_pack(). */
#define OP_FIELDS(X)							\
	X(ID, "id")							\
	X(NAME, "name")							\
	X(AUTHORITY, "authority")					\
	X(START, "start")						\
	X(END, "end")							\
	X(CRITERIA, "criteria")						\
	X(HOURS_TOTAL, "hours_total")					\
	X(HOURS_COMMITTED, "hours_committed")				\
	X(RATE, "rate")							\
	X(CONTRACTORS, "contractors")

#define CONTRACTOR_FIELDS(X)						\
	X(ID, "id")							\
	X(NAME, "name")							\
	X(HOURS_TOTAL, "hours_total")					\
	X(HOURS_COMMITTED, "hours_committed")				\
	X(RATE, "rate")

#define HIRE_FIELDS(X)							\
	X(OPERATION, "operation")					\
	X(CONTRACTOR, "contractor")					\
	X(OFFER, "offer")						\
	X(CANDIDATE, "candidate")					\
	X(HOURS, "hours")						\
	X(CRITERIA, "criteria")						\
	X(HIRED_AT, "hired_at")

#define X_ENUM(p, s, n) p##_##s,
#define X_OPF(s, n) X_ENUM(OPF, s, n)
#define X_CTF(s, n) X_ENUM(CTF, s, n)
#define X_HRF(s, n) X_ENUM(HRF, s, n)
#define X_NAME(s, n) n,
enum op_field { OP_FIELDS(X_OPF) OPF_COUNT };
enum contractor_field { CONTRACTOR_FIELDS(X_CTF) CTF_COUNT };
enum hire_field { HIRE_FIELDS(X_HRF) HRF_COUNT };
static const char *const op_fields[] = { OP_FIELDS(X_NAME) };
static const char *const contractor_fields[] = { CONTRACTOR_FIELDS(X_NAME) };
static const char *const hire_fields[] = { HIRE_FIELDS(X_NAME) };

#define OP_REQUIRED							\
	((1ull << OPF_ID) | (1ull << OPF_NAME) | (1ull << OPF_AUTHORITY) |	\
	(1ull << OPF_START) | (1ull << OPF_END))
#define CONTRACTOR_REQUIRED ((1ull << CTF_ID) | (1ull << CTF_NAME))
#define HIRE_REQUIRED							\
	((1ull << HRF_OPERATION) | (1ull << HRF_OFFER) |		\
	(1ull << HRF_CANDIDATE) | (1ull << HRF_HOURS) | (1ull << HRF_HIRED_AT))

/* hired_at: unix seconds up to the year 9999. */
#define HIRED_AT_MAX	INT64_C(253402300799)

static const char *const period_names[] = { "upcoming", "running", "over" };

/* "prefix.key", or "key" at the top level, into buf. */
static const char *
path_of(char *buf, size_t size, const char *prefix, const char *key)
{
	snprintf(buf, size, "%s%s%s", prefix, *prefix != '\0' ? "." : "",
	    key);
	return buf;
}

/* ceil(total * rate_centi / 10000): "at least 5 % of the hours". */
static int
committed_of_rate(int total, int rate_centi)
{
	return (int)(((int64_t)total * rate_centi + 9999) / 10000);
}

/* committed / total in hundredths of a percent, rounded. */
static int
rate_of_committed(int total, int committed)
{
	return (int)(((int64_t)committed * 10000 + total / 2) / total);
}

/*
 * hours_total, hours_committed and rate of an operation or contractor
 * (prefix: "" or "contractors[2]").  Committed or a rate is required; a
 * rate needs the total; given both, they must agree (the committed hours
 * rounded up from the rate, or the same rate to 0.01 %).
 */
static int
decode_hours(const msgpack_object *vt, const msgpack_object *vc,
    const msgpack_object *vr, const char *prefix, struct clause_hours *out,
    struct field_error *err)
{
	char ft[96], fc[96], fr[96];
	int rate_centi = -1;
	double rate;

	path_of(ft, sizeof(ft), prefix, "hours_total");
	path_of(fc, sizeof(fc), prefix, "hours_committed");
	path_of(fr, sizeof(fr), prefix, "rate");
	if (decode_int(vt, ft, 1, CLAUSE_HOURS_TOTAL_MAX, &out->total,
	    err) == -1 ||
	    decode_int(vc, fc, 0, CLAUSE_HOURS_TOTAL_MAX, &out->committed,
	    err) == -1)
		return -1;
	if (vr != NULL) {
		/* NaN fails both comparisons. */
		if (mp_get_double(vr, &rate) == -1 || !(rate >= 0) ||
		    !(rate <= 100))
			return field_error_set(err, fr,
			    "must be a percentage from 0 to 100");
		if (out->total == 0)
			return field_error_set(err, fr,
			    "needs hours_total, of which it is a percentage");
		rate_centi = (int)llround(rate * 100);
	}
	if (vc == NULL && vr == NULL)
		return field_error_set(err, fc,
		    "required (or rate, a percentage of hours_total)");
	if (vc != NULL && out->total > 0 && out->committed > out->total)
		return field_error_set(err, fc, "%d is above hours_total %d",
		    out->committed, out->total);
	if (vc == NULL)
		out->committed = committed_of_rate(out->total, rate_centi);
	if (out->total > 0)
		out->rate_centi = rate_of_committed(out->total, out->committed);
	if (vc != NULL && vr != NULL && rate_centi != out->rate_centi &&
	    out->committed != committed_of_rate(out->total, rate_centi))
		return field_error_set(err, fr, "%.2f %% does not match "
		    "hours_committed %d of hours_total %d (%.2f %%); give one "
		    "of the two", rate_centi / 100.0, out->committed,
		    out->total, out->rate_centi / 100.0);
	return 0;
}

static int
decode_contractors(const msgpack_object *o, struct clause_op *out,
    struct field_error *err)
{
	const msgpack_object *v[CTF_COUNT];
	struct clause_contractor *c;
	char path[32], field[64];
	uint32_t i, k;

	if (o == NULL)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return field_error_set(err, op_fields[OPF_CONTRACTORS],
		    "must be a list of {id, name, hours_total, "
		    "hours_committed or rate}");
	if (o->via.array.size > CLAUSE_MAX_CONTRACTORS)
		return field_error_set(err, op_fields[OPF_CONTRACTORS],
		    "at most %d contractors", CLAUSE_MAX_CONTRACTORS);
	for (i = 0; i < o->via.array.size; i++) {
		c = &out->contractors[i];
		snprintf(path, sizeof(path), "%s[%" PRIu32 "]",
		    op_fields[OPF_CONTRACTORS], i);
		if (decode_fields(&o->via.array.ptr[i], path, "contractor",
		    contractor_fields, CTF_COUNT, CONTRACTOR_REQUIRED, v,
		    err) == -1 ||
		    decode_record_id(v[CTF_ID], path_of(field, sizeof(field),
		    path, contractor_fields[CTF_ID]), c->id, err) == -1 ||
		    decode_text(v[CTF_NAME], path_of(field, sizeof(field), path,
		    contractor_fields[CTF_NAME]), 1,
		    CLAUSE_CONTRACTOR_NAME_MAX, c->name, err) == -1 ||
		    decode_hours(v[CTF_HOURS_TOTAL], v[CTF_HOURS_COMMITTED],
		    v[CTF_RATE], path, &c->hours, err) == -1)
			return -1;
		for (k = 0; k < i; k++)
			if (strcmp(out->contractors[k].id, c->id) == 0)
				return field_error_set(err, path_of(field,
				    sizeof(field), path,
				    contractor_fields[CTF_ID]),
				    "duplicate contractor %s", c->id);
	}
	out->ncontractors = (int)o->via.array.size;
	return 0;
}

int
clause_op_decode(const msgpack_object *map, struct clause_op *out,
    struct field_error *err)
{
	const msgpack_object *v[OPF_COUNT];
	char a[11], b[11];
	int k;

	memset(out, 0, sizeof(*out));
	if (decode_fields(map, "", "operation", op_fields, OPF_COUNT,
	    OP_REQUIRED, v, err) == -1 ||
	    decode_record_id(v[OPF_ID], op_fields[OPF_ID], out->id,
	    err) == -1 ||
	    decode_text(v[OPF_NAME], op_fields[OPF_NAME], 1, CLAUSE_NAME_MAX,
	    out->name, err) == -1 ||
	    decode_text(v[OPF_AUTHORITY], op_fields[OPF_AUTHORITY], 1,
	    CLAUSE_AUTHORITY_MAX, out->authority, err) == -1 ||
	    decode_date(v[OPF_START], op_fields[OPF_START], &out->start,
	    err) == -1 ||
	    decode_date(v[OPF_END], op_fields[OPF_END], &out->end, err) == -1 ||
	    decode_vocab_set(v[OPF_CRITERIA], op_fields[OPF_CRITERIA],
	    &vocab_criterion, 0, &out->criteria, err) == -1 ||
	    decode_contractors(v[OPF_CONTRACTORS], out, err) == -1)
		return -1;
	if (out->end < out->start) {
		date_format(out->end, a);
		date_format(out->start, b);
		return field_error_set(err, op_fields[OPF_END],
		    "%s is before start %s", a, b);
	}
	if (out->ncontractors == 0)
		return decode_hours(v[OPF_HOURS_TOTAL], v[OPF_HOURS_COMMITTED],
		    v[OPF_RATE], "", &out->hours, err);
	for (k = OPF_HOURS_TOTAL; k <= OPF_RATE; k++)
		if (v[k] != NULL)
			return field_error_set(err, op_fields[k],
			    "give each contractor's hours: the operation's "
			    "are their sum");
	return 0;
}

/* hours_total (nil if 0), hours_committed, rate (nil without a total). */
static void
pack_hours(msgpack_packer *pk, const struct clause_hours *h, int present)
{
	if (!present || h->total == 0)
		mp_pack_kv_str(pk, "hours_total", NULL);
	else
		mp_pack_kv_int(pk, "hours_total", h->total);
	if (!present)
		mp_pack_kv_str(pk, "hours_committed", NULL);
	else
		mp_pack_kv_int(pk, "hours_committed", h->committed);
	if (!present || h->total == 0)
		mp_pack_kv_str(pk, "rate", NULL);
	else
		mp_pack_kv_double(pk, "rate", h->rate_centi / 100.0);
}

void
clause_op_pack(const struct clause_op *op, msgpack_packer *pk)
{
	clause_op_pack_open(op, pk, 0);
}

void
clause_op_pack_open(const struct clause_op *op, msgpack_packer *pk,
    int extra)
{
	const struct clause_contractor *c;
	int i;

	(void)msgpack_pack_map(pk, OPF_COUNT + extra);
	mp_pack_kv_str(pk, op_fields[OPF_ID], op->id);
	mp_pack_kv_str(pk, op_fields[OPF_NAME], op->name);
	mp_pack_kv_str(pk, op_fields[OPF_AUTHORITY], op->authority);
	pack_opt_date(pk, op_fields[OPF_START], op->start);
	pack_opt_date(pk, op_fields[OPF_END], op->end);
	pack_vocab_set(pk, op_fields[OPF_CRITERIA], &vocab_criterion,
	    op->criteria);
	pack_hours(pk, &op->hours, op->ncontractors == 0);
	mp_pack_str(pk, op_fields[OPF_CONTRACTORS]);
	(void)msgpack_pack_array(pk, op->ncontractors);
	for (i = 0; i < op->ncontractors; i++) {
		c = &op->contractors[i];
		(void)msgpack_pack_map(pk, CTF_COUNT);
		mp_pack_kv_str(pk, contractor_fields[CTF_ID], c->id);
		mp_pack_kv_str(pk, contractor_fields[CTF_NAME], c->name);
		pack_hours(pk, &c->hours, 1);
	}
}

const struct clause_contractor *
clause_op_contractor(const struct clause_op *op, const char *id)
{
	int i;

	for (i = 0; i < op->ncontractors; i++)
		if (strcmp(op->contractors[i].id, id) == 0)
			return &op->contractors[i];
	return NULL;
}

/*
 * The operation's own committed hours (or hours_total), or the sum of its
 * contractors'.  A contractor whose total is not known leaves the sum of
 * the totals unknown (0).
 */
static int64_t
op_sum(const struct clause_op *op, int totals)
{
	const struct clause_hours *h;
	int64_t sum = 0;
	int i;

	if (op->ncontractors == 0)
		return totals ? op->hours.total : op->hours.committed;
	for (i = 0; i < op->ncontractors; i++) {
		h = &op->contractors[i].hours;
		if (totals && h->total == 0)
			return 0;
		sum += totals ? h->total : h->committed;
	}
	return sum;
}

int64_t
clause_op_committed(const struct clause_op *op)
{
	return op_sum(op, 0);
}

int64_t
clause_op_total(const struct clause_op *op)
{
	return op_sum(op, 1);
}

/* ------------------------------------------------------------------ */
/* Hire records                                                       */

int
clause_hire_decode(const msgpack_object *map, struct clause_hire *out,
    struct field_error *err)
{
	const msgpack_object *v[HRF_COUNT];
	int64_t at;

	memset(out, 0, sizeof(*out));
	if (decode_fields(map, "", "hire", hire_fields, HRF_COUNT,
	    HIRE_REQUIRED, v, err) == -1 ||
	    decode_record_id(v[HRF_OPERATION], hire_fields[HRF_OPERATION],
	    out->operation, err) == -1 ||
	    decode_record_id(v[HRF_CONTRACTOR], hire_fields[HRF_CONTRACTOR],
	    out->contractor, err) == -1 ||
	    decode_record_id(v[HRF_OFFER], hire_fields[HRF_OFFER], out->offer,
	    err) == -1 ||
	    decode_record_id(v[HRF_CANDIDATE], hire_fields[HRF_CANDIDATE],
	    out->candidate, err) == -1 ||
	    decode_int(v[HRF_HOURS], hire_fields[HRF_HOURS], 0,
	    CLAUSE_HOURS_MAX, &out->hours, err) == -1 ||
	    decode_vocab_set(v[HRF_CRITERIA], hire_fields[HRF_CRITERIA],
	    &vocab_criterion, 0, &out->criteria, err) == -1)
		return -1;
	if (mp_get_int64(v[HRF_HIRED_AT], &at) == -1 || at < 0 ||
	    at > HIRED_AT_MAX)
		return field_error_set(err, hire_fields[HRF_HIRED_AT],
		    "must be unix seconds");
	out->hired_at = at;
	return 0;
}

void
clause_hire_pack(const struct clause_hire *h, msgpack_packer *pk)
{
	(void)msgpack_pack_map(pk, HRF_COUNT);
	mp_pack_kv_str(pk, hire_fields[HRF_OPERATION], h->operation);
	pack_opt_str(pk, hire_fields[HRF_CONTRACTOR], h->contractor);
	mp_pack_kv_str(pk, hire_fields[HRF_OFFER], h->offer);
	mp_pack_kv_str(pk, hire_fields[HRF_CANDIDATE], h->candidate);
	mp_pack_kv_int(pk, hire_fields[HRF_HOURS], h->hours);
	pack_vocab_set(pk, hire_fields[HRF_CRITERIA], &vocab_criterion,
	    h->criteria);
	mp_pack_kv_int(pk, hire_fields[HRF_HIRED_AT], h->hired_at);
}

int
clause_hire_field(const struct clause_hire *h,
    char buf[CLAUSE_HIRE_FIELD_MAX + 1])
{
	return snprintf(buf, CLAUSE_HIRE_FIELD_MAX + 1, "%s\t%s", h->offer,
	    h->candidate);
}

/* ------------------------------------------------------------------ */
/* The table                                                          */

struct clause_table *
clause_table_new(void)
{
	return xcalloc(1, sizeof(struct clause_table));
}

void
clause_table_free(struct clause_table *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nops; i++)
		free(t->ops[i]);
	free(t->ops);
	free(t->hires);
	free(t);
}

struct clause_op *
clause_op_find(const struct clause_table *t, const char *id)
{
	uint32_t i;

	for (i = 0; i < t->nops; i++)
		if (strcmp(t->ops[i]->id, id) == 0)
			return t->ops[i];
	return NULL;
}

int
clause_op_put(struct clause_table *t, const struct clause_op *op)
{
	struct clause_op *cur;

	if ((cur = clause_op_find(t, op->id)) != NULL) {
		*cur = *op;
		return 0;
	}
	if (t->nops == t->capops) {
		t->capops = t->capops ? t->capops * 2 : 16;
		t->ops = xreallocarray(t->ops, t->capops, sizeof(*t->ops));
	}
	cur = xmalloc(sizeof(*cur));
	*cur = *op;
	t->ops[t->nops++] = cur;
	return 1;
}

void
clause_hire_add(struct clause_table *t, const struct clause_hire *h)
{
	if (t->nhires == t->caphires) {
		t->caphires = t->caphires ? t->caphires * 2 : 64;
		t->hires = xreallocarray(t->hires, t->caphires,
		    sizeof(*t->hires));
	}
	t->hires[t->nhires++] = *h;
}

/* By (offer, candidate), then by position: the first of a run is kept. */
static int
cmp_hire_key(const void *a, const void *b)
{
	const struct clause_hire *x = *(const struct clause_hire *const *)a;
	const struct clause_hire *y = *(const struct clause_hire *const *)b;
	int c;

	if ((c = strcmp(x->offer, y->offer)) != 0 ||
	    (c = strcmp(x->candidate, y->candidate)) != 0)
		return c;
	return x < y ? -1 : x > y;
}

uint32_t
clause_hires_dedupe(struct clause_table *t)
{
	struct clause_hire **v;
	unsigned char *drop;
	uint32_t i, n = 0, dropped = 0;

	if (t->nhires < 2)
		return 0;
	v = xreallocarray(NULL, t->nhires, sizeof(*v));
	drop = xcalloc(t->nhires, 1);
	for (i = 0; i < t->nhires; i++)
		v[i] = &t->hires[i];
	qsort(v, t->nhires, sizeof(*v), cmp_hire_key);
	for (i = 1; i < t->nhires; i++)
		if (strcmp(v[i]->offer, v[i - 1]->offer) == 0 &&
		    strcmp(v[i]->candidate, v[i - 1]->candidate) == 0) {
			drop[v[i] - t->hires] = 1;
			dropped++;
		}
	for (i = 0; i < t->nhires; i++)
		if (!drop[i])
			t->hires[n++] = t->hires[i];
	t->nhires = n;
	free(drop);
	free(v);
	return dropped;
}

/* Newest start first, then by id. */
static int
cmp_op_newest(const void *a, const void *b)
{
	const struct clause_op *x = *(const struct clause_op *const *)a;
	const struct clause_op *y = *(const struct clause_op *const *)b;

	if (x->start != y->start)
		return x->start > y->start ? -1 : 1;
	return strcmp(x->id, y->id);
}

const struct clause_op **
clause_ops_sorted(const struct clause_table *t, uint32_t *n)
{
	const struct clause_op **v;
	uint32_t i;

	v = xreallocarray(NULL, t->nops ? t->nops : 1, sizeof(*v));
	for (i = 0; i < t->nops; i++)
		v[i] = t->ops[i];
	qsort(v, t->nops, sizeof(*v), cmp_op_newest);
	*n = t->nops;
	return v;
}

/* ------------------------------------------------------------------ */
/* Rules                                                              */

int
clause_check_offer(const struct clause_table *t, const struct offer *o,
    struct field_error *err)
{
	const struct clause_op *op;

	if (!o->has_clause)
		return 0;
	if ((op = clause_op_find(t, o->clause.operation)) == NULL)
		return field_error_set(err, "clause.operation",
		    "unknown operation %s (declare it with clause.put)",
		    o->clause.operation);
	if (o->clause.contractor[0] != '\0' &&
	    clause_op_contractor(op, o->clause.contractor) == NULL) {
		if (op->ncontractors == 0)
			return field_error_set(err, "clause.contractor",
			    "operation %s lists no contractors; add %s to it "
			    "with clause.put", op->id, o->clause.contractor);
		return field_error_set(err, "clause.contractor",
		    "%s is not a contractor of operation %s (add it with "
		    "clause.put)", o->clause.contractor, op->id);
	}
	if (o->clause.hours < 1)
		return field_error_set(err, "clause.hours",
		    "required: the hours of the work contract, counted "
		    "against operation %s when someone is hired", op->id);
	return 0;
}

int
clause_check_put(const struct clause_table *t, const struct offer_table *offers,
    const struct clause_op *op, struct field_error *err)
{
	const struct clause_op *old = clause_op_find(t, op->id);
	const struct offer_entry *e;
	const struct clause_hire *h;
	const char *id;
	uint32_t i, pos;
	int k;

	if (old == NULL) {
		if (t->nops >= CLAUSE_OPS_MAX)
			return field_error_set(err, op_fields[OPF_ID],
			    "at most %d operations are kept", CLAUSE_OPS_MAX);
		return 0;
	}
	for (k = 0; k < old->ncontractors; k++) {
		id = old->contractors[k].id;
		if (clause_op_contractor(op, id) != NULL)
			continue;
		for (i = 0; i < t->nhires; i++) {
			h = &t->hires[i];
			if (strcmp(h->operation, op->id) == 0 &&
			    strcmp(h->contractor, id) == 0)
				return field_error_set(err,
				    op_fields[OPF_CONTRACTORS], "contractor %s "
				    "has hires on operation %s: it cannot be "
				    "removed", id, op->id);
		}
		pos = 0;
		while ((e = offer_table_next(offers, &pos)) != NULL)
			if (e->offer.has_clause &&
			    strcmp(e->offer.clause.operation, op->id) == 0 &&
			    strcmp(e->offer.clause.contractor, id) == 0)
				return field_error_set(err,
				    op_fields[OPF_CONTRACTORS], "contractor %s "
				    "is named by offer %s: it cannot be removed",
				    id, e->offer.id);
	}
	return 0;
}

int
clause_period_of(int32_t start, int32_t end, int32_t today)
{
	if (today < start)
		return CLAUSE_UPCOMING;
	return today > end ? CLAUSE_OVER : CLAUSE_RUNNING;
}

/*
 * committed * elapsed / days, where elapsed counts the days of the period
 * before today: nothing is expected on the first day, everything the day
 * after the last.
 */
int64_t
clause_expected(int64_t committed, int32_t start, int32_t end, int32_t today)
{
	int64_t days = (int64_t)end - start + 1;
	int64_t elapsed = (int64_t)today - start;

	if (elapsed <= 0)
		return 0;
	if (elapsed >= days)
		return committed;
	return committed * elapsed / days;
}

/* Period, expected hours and the behind flag, from committed and realised. */
static void
figures_finish(struct clause_figures *f, const struct clause_op *op,
    int32_t today)
{
	f->period = clause_period_of(op->start, op->end, today);
	f->hours_expected = clause_expected(f->hours_committed, op->start,
	    op->end, today);
	f->behind = f->period != CLAUSE_UPCOMING &&
	    f->hours_realised < f->hours_expected;
}

/* "DD/MM/YYYY". */
#define FRENCH_DATE_SIZE 16
static void
french_date(int32_t day, char buf[FRENCH_DATE_SIZE])
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(buf, FRENCH_DATE_SIZE, "%02d/%02d/%04d", d, m, y);
}

static void
status_reason(struct clause_status *st, const struct clause_op *op,
    const struct clause_contractor *c)
{
	char end[FRENCH_DATE_SIZE];

	french_date(op->end, end);
	if (st->period == CLAUSE_RUNNING && c != NULL)
		snprintf(st->reason, sizeof(st->reason), "engagement de %s en "
		    "retard : %" PRId64 " h réalisées sur %" PRId64 " h "
		    "attendues à ce jour (%" PRId64 " h d'ici le %s)", c->name,
		    st->hours_realised, st->hours_expected, st->hours_committed,
		    end);
	else if (st->period == CLAUSE_RUNNING)
		snprintf(st->reason, sizeof(st->reason), "opération en retard : "
		    "%" PRId64 " h réalisées sur %" PRId64 " h attendues à ce "
		    "jour (%" PRId64 " h d'ici le %s)", st->hours_realised,
		    st->hours_expected, st->hours_committed, end);
	else if (c != NULL)
		snprintf(st->reason, sizeof(st->reason), "engagement de %s non "
		    "tenu, opération terminée le %s : %" PRId64 " h réalisées "
		    "sur %" PRId64 " h engagées", c->name, end,
		    st->hours_realised, st->hours_committed);
	else
		snprintf(st->reason, sizeof(st->reason), "opération terminée le "
		    "%s sans atteindre son engagement : %" PRId64 " h "
		    "réalisées sur %" PRId64 " h engagées", end,
		    st->hours_realised, st->hours_committed);
}

int
clause_status_of(const struct clause_table *t, const struct offer *o,
    int32_t today, struct clause_status *out)
{
	const struct clause_contractor *c = NULL;
	const struct clause_op *op;
	const struct clause_hire *h;
	struct clause_figures f;
	uint32_t i;

	if (!o->has_clause ||
	    (op = clause_op_find(t, o->clause.operation)) == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	snprintf(out->operation, sizeof(out->operation), "%s", op->id);
	if (o->clause.contractor[0] != '\0')
		c = clause_op_contractor(op, o->clause.contractor);
	if (c != NULL) {
		snprintf(out->contractor, sizeof(out->contractor), "%s", c->id);
		f.hours_committed = c->hours.committed;
	} else
		f.hours_committed = clause_op_committed(op);
	for (i = 0; i < t->nhires; i++) {
		h = &t->hires[i];
		if (strcmp(h->operation, op->id) == 0 &&
		    (c == NULL || strcmp(h->contractor, c->id) == 0))
			f.hours_realised += h->hours;
	}
	figures_finish(&f, op, today);
	out->hours_committed = f.hours_committed;
	out->hours_realised = f.hours_realised;
	out->hours_expected = f.hours_expected;
	out->period = f.period;
	out->behind = f.behind;
	if (out->behind)
		status_reason(out, op, c);
	return 0;
}

/* realised / committed in percent, to 0.1; nil when nothing is committed. */
static void
pack_percent(msgpack_packer *pk, int64_t realised, int64_t committed)
{
	if (committed <= 0)
		mp_pack_kv_str(pk, "percent", NULL);
	else
		mp_pack_kv_double(pk, "percent",
		    round((double)realised * 1000 / committed) / 10);
}

void
clause_status_pack(const struct clause_status *st, msgpack_packer *pk)
{
	(void)msgpack_pack_map(pk, 9);
	mp_pack_kv_str(pk, "operation", st->operation);
	pack_opt_str(pk, "contractor", st->contractor);
	mp_pack_kv_int(pk, "hours_committed", st->hours_committed);
	mp_pack_kv_int(pk, "hours_realised", st->hours_realised);
	mp_pack_kv_int(pk, "hours_expected", st->hours_expected);
	pack_percent(pk, st->hours_realised, st->hours_committed);
	mp_pack_kv_str(pk, "period", period_names[st->period]);
	mp_pack_kv_bool(pk, "behind", st->behind);
	pack_opt_str(pk, "reason", st->reason);
}

/* ------------------------------------------------------------------ */
/* The report                                                         */

/* By operation, contractor, candidate, then hiring time. */
static int
cmp_hire_group(const void *a, const void *b)
{
	const struct clause_hire *x = *(const struct clause_hire *const *)a;
	const struct clause_hire *y = *(const struct clause_hire *const *)b;
	int c;

	if ((c = strcmp(x->operation, y->operation)) != 0 ||
	    (c = strcmp(x->contractor, y->contractor)) != 0 ||
	    (c = strcmp(x->candidate, y->candidate)) != 0)
		return c;
	return (x->hired_at > y->hired_at) - (x->hired_at < y->hired_at);
}

static int
cmp_hire_candidate(const void *a, const void *b)
{
	const struct clause_hire *x = *(const struct clause_hire *const *)a;
	const struct clause_hire *y = *(const struct clause_hire *const *)b;

	return strcmp(x->candidate, y->candidate);
}

static int
cmp_hire_newest(const void *a, const void *b)
{
	const struct clause_hire *x = *(const struct clause_hire *const *)a;
	const struct clause_hire *y = *(const struct clause_hire *const *)b;
	int c;

	if (x->hired_at != y->hired_at)
		return x->hired_at > y->hired_at ? -1 : 1;
	if ((c = strcmp(x->offer, y->offer)) != 0)
		return c;
	return strcmp(x->candidate, y->candidate);
}

/*
 * Add hires v[0..n) (sorted by candidate) to f: hours, contracts, and
 * each distinct person once, with the criteria of any of their hires.
 */
static void
count_hires(const struct clause_hire *const *v, uint32_t n,
    struct clause_figures *f)
{
	uint32_t i, crit = 0;
	int k;

	for (i = 0; i < n; i++) {
		f->hours_realised += v[i]->hours;
		f->contracts++;
		crit |= v[i]->criteria;
		if (i + 1 < n && strcmp(v[i]->candidate, v[i + 1]->candidate) == 0)
			continue;
		f->people++;
		for (k = 0; k < CRITERION_COUNT; k++)
			if (crit & (1u << k))
				f->criteria[k]++;
		crit = 0;
	}
}

/* count_hires() of v[0..n) in any order. */
static void
count_hires_unsorted(const struct clause_hire **v, uint32_t n,
    struct clause_figures *f)
{
	const struct clause_hire **tmp;

	tmp = xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	memcpy(tmp, v, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_hire_candidate);
	count_hires(tmp, n, f);
	free(tmp);
}

/* [*lo, *hi): the hires of operation id in v, sorted by cmp_hire_group. */
static void
hire_range(const struct clause_hire *const *v, uint32_t n, const char *id,
    uint32_t *lo, uint32_t *hi)
{
	uint32_t a = 0, b = n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (strcmp(v[m]->operation, id) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = n;
	while (a < b) {
		m = a + (b - a) / 2;
		if (strcmp(v[m]->operation, id) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

static void
op_report_free(struct clause_op_report *o)
{
	free(o->rows);
	free(o->recent);
}

/*
 * One operation: its figures, then a row per declared contractor and
 * per contractor its hires name that it does not declare (never "" for
 * an operation without contractors: those hires are the operation's).
 */
static void
op_report(const struct clause_op *op, const struct clause_hire **v,
    uint32_t n, int32_t today, struct clause_op_report *out)
{
	const struct clause_contractor *c;
	struct clause_row *row;
	uint32_t lo, hi, i, j;
	int k, cap;

	memset(out, 0, sizeof(*out));
	out->op = op;
	hire_range(v, n, op->id, &lo, &hi);
	out->hires = v + lo;
	out->nhires = hi - lo;
	count_hires_unsorted(out->hires, out->nhires, &out->f);
	out->f.hours_committed = clause_op_committed(op);
	out->f.hours_total = clause_op_total(op);
	figures_finish(&out->f, op, today);

	cap = op->ncontractors + CLAUSE_MAX_CONTRACTORS;
	out->rows = xcalloc((size_t)cap, sizeof(*out->rows));
	for (k = 0; k < op->ncontractors; k++) {
		c = &op->contractors[k];
		out->rows[k].contractor = c->id;
		out->rows[k].declared = c;
		out->rows[k].f.hours_committed = c->hours.committed;
		out->rows[k].f.hours_total = c->hours.total;
	}
	out->nrows = op->ncontractors;
	for (i = lo; i < hi; i = j) {
		for (j = i + 1; j < hi && strcmp(v[j]->contractor,
		    v[i]->contractor) == 0; j++)
			;
		row = NULL;
		for (k = 0; k < out->nrows; k++)
			if (strcmp(out->rows[k].contractor,
			    v[i]->contractor) == 0)
				row = &out->rows[k];
		if (row == NULL) {
			/* Counted in the operation's figures all the same. */
			if ((op->ncontractors == 0 &&
			    v[i]->contractor[0] == '\0') || out->nrows == cap)
				continue;
			row = &out->rows[out->nrows++];
			row->contractor = v[i]->contractor;
		}
		/* A contractor's hires are sorted by candidate. */
		count_hires(v + i, j - i, &row->f);
	}
	for (k = 0; k < out->nrows; k++)
		figures_finish(&out->rows[k].f, op, today);
}

/* Keep only the row of contractor id; 0 if there is none. */
static int
keep_row(struct clause_op_report *o, const char *id)
{
	int k;

	for (k = 0; k < o->nrows; k++)
		if (strcmp(o->rows[k].contractor, id) == 0) {
			o->rows[0] = o->rows[k];
			o->nrows = 1;
			return 1;
		}
	o->nrows = 0;
	return 0;
}

struct clause_report *
clause_report_new(const struct clause_table *t,
    const struct clause_filter *flt, int32_t today)
{
	const struct clause_hire **unit = NULL;
	const struct clause_op **ops;
	const struct clause_figures *f;
	struct clause_op_report cur;
	struct clause_report *r;
	uint32_t i, j, nops, nunit = 0;
	int count, behind, k, unknown_total = 0;

	count = flt->count < 1 ? CLAUSE_LIST_DEFAULT :
	    flt->count > CLAUSE_LIST_MAX ? CLAUSE_LIST_MAX : flt->count;
	r = xcalloc(1, sizeof(*r));
	r->today = today;
	r->details = flt->operation != NULL;
	r->sorted = xreallocarray(NULL, t->nhires ? t->nhires : 1,
	    sizeof(*r->sorted));
	for (i = 0; i < t->nhires; i++)
		r->sorted[i] = &t->hires[i];
	qsort(r->sorted, t->nhires, sizeof(*r->sorted), cmp_hire_group);
	unit = xreallocarray(NULL, t->nhires ? t->nhires : 1, sizeof(*unit));
	ops = clause_ops_sorted(t, &nops);
	r->ops = xcalloc(nops < (uint32_t)count ? (nops ? nops : 1) :
	    (uint32_t)count, sizeof(*r->ops));
	for (i = 0; i < nops; i++) {
		if (flt->operation != NULL &&
		    strcmp(ops[i]->id, flt->operation) != 0)
			continue;
		op_report(ops[i], r->sorted, t->nhires, today, &cur);
		if (flt->contractor != NULL &&
		    !keep_row(&cur, flt->contractor)) {
			op_report_free(&cur);
			continue;
		}
		f = flt->contractor != NULL ? &cur.rows[0].f : &cur.f;
		behind = f->behind;
		for (k = 0; flt->contractor == NULL && k < cur.nrows; k++)
			behind |= cur.rows[k].f.behind;
		if (flt->behind_only && !behind) {
			op_report_free(&cur);
			continue;
		}
		r->matched++;
		r->behind += behind;
		r->total.hours_total += f->hours_total;
		unknown_total |= f->hours_total == 0;
		r->total.hours_committed += f->hours_committed;
		r->total.hours_expected += f->hours_expected;
		for (j = 0; j < cur.nhires; j++)
			if (flt->contractor == NULL || strcmp(
			    cur.hires[j]->contractor, flt->contractor) == 0)
				unit[nunit++] = cur.hires[j];
		if (r->nops == (uint32_t)count) {
			op_report_free(&cur);
			continue;
		}
		if (r->details && cur.nhires > 0) {
			cur.recent = xreallocarray(NULL, cur.nhires,
			    sizeof(*cur.recent));
			memcpy(cur.recent, cur.hires,
			    cur.nhires * sizeof(*cur.recent));
			qsort(cur.recent, cur.nhires, sizeof(*cur.recent),
			    cmp_hire_newest);
			cur.nrecent = cur.nhires > CLAUSE_REPORT_HIRES_MAX ?
			    CLAUSE_REPORT_HIRES_MAX : cur.nhires;
		}
		r->ops[r->nops++] = cur;
	}
	count_hires_unsorted(unit, nunit, &r->total);
	/* One total not known leaves the sum unknown. */
	if (unknown_total)
		r->total.hours_total = 0;
	free(unit);
	free((void *)ops);
	return r;
}

void
clause_report_free(struct clause_report *r)
{
	uint32_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nops; i++)
		op_report_free(&r->ops[i]);
	free(r->ops);
	free((void *)r->sorted);
	free(r);
}

/* hired_criteria: {criterion: people}, the criteria someone had. */
static void
pack_hired_criteria(msgpack_packer *pk, const struct clause_figures *f)
{
	int k, n = 0;

	for (k = 0; k < CRITERION_COUNT; k++)
		n += f->criteria[k] > 0;
	mp_pack_str(pk, "hired_criteria");
	(void)msgpack_pack_map(pk, n);
	for (k = 0; k < CRITERION_COUNT; k++)
		if (f->criteria[k] > 0)
			mp_pack_kv_int(pk, vocab_name(&vocab_criterion, k),
			    f->criteria[k]);
}

/* The FIGURES_KEYS entries every level of the report has. */
#define FIGURES_KEYS 8
static void
pack_figures(msgpack_packer *pk, const struct clause_figures *f)
{
	if (f->hours_total > 0)
		mp_pack_kv_int(pk, "hours_total", f->hours_total);
	else
		mp_pack_kv_str(pk, "hours_total", NULL);
	mp_pack_kv_int(pk, "hours_committed", f->hours_committed);
	mp_pack_kv_int(pk, "hours_realised", f->hours_realised);
	mp_pack_kv_int(pk, "hours_expected", f->hours_expected);
	pack_percent(pk, f->hours_realised, f->hours_committed);
	mp_pack_kv_int(pk, "contracts", f->contracts);
	mp_pack_kv_int(pk, "people", f->people);
	pack_hired_criteria(pk, f);
}

static void
pack_row(msgpack_packer *pk, const struct clause_row *row)
{
	const struct clause_contractor *c = row->declared;

	(void)msgpack_pack_map(pk, 4 + FIGURES_KEYS + 1);
	pack_opt_str(pk, "id", row->contractor);
	mp_pack_kv_str(pk, "name", c != NULL ? c->name : NULL);
	mp_pack_kv_bool(pk, "declared", c != NULL);
	if (c != NULL && c->hours.total > 0)
		mp_pack_kv_double(pk, "rate", c->hours.rate_centi / 100.0);
	else
		mp_pack_kv_str(pk, "rate", NULL);
	pack_figures(pk, &row->f);
	mp_pack_kv_bool(pk, "behind", row->f.behind);
}

static void
pack_recent(msgpack_packer *pk, const struct clause_op_report *o)
{
	const struct clause_hire *h;
	uint32_t i;

	mp_pack_str(pk, "hires");
	(void)msgpack_pack_array(pk, o->nrecent);
	for (i = 0; i < o->nrecent; i++) {
		h = o->recent[i];
		(void)msgpack_pack_map(pk, 6);
		mp_pack_kv_str(pk, "offer", h->offer);
		mp_pack_kv_str(pk, "candidate", h->candidate);
		pack_opt_str(pk, "contractor", h->contractor);
		mp_pack_kv_int(pk, "hours", h->hours);
		mp_pack_kv_int(pk, "hired_at", h->hired_at);
		pack_vocab_set(pk, "criteria", &vocab_criterion, h->criteria);
	}
}

static void
pack_op_report(msgpack_packer *pk, const struct clause_op_report *o,
    int details)
{
	const struct clause_op *op = o->op;
	int k;

	(void)msgpack_pack_map(pk, 7 + FIGURES_KEYS + 2 + (details ? 1 : 0));
	mp_pack_kv_str(pk, "id", op->id);
	mp_pack_kv_str(pk, "name", op->name);
	mp_pack_kv_str(pk, "authority", op->authority);
	pack_opt_date(pk, "start", op->start);
	pack_opt_date(pk, "end", op->end);
	mp_pack_kv_str(pk, "period", period_names[o->f.period]);
	pack_vocab_set(pk, "criteria", &vocab_criterion, op->criteria);
	pack_figures(pk, &o->f);
	mp_pack_kv_bool(pk, "behind", o->f.behind);
	mp_pack_str(pk, "contractors");
	(void)msgpack_pack_array(pk, o->nrows);
	for (k = 0; k < o->nrows; k++)
		pack_row(pk, &o->rows[k]);
	if (details)
		pack_recent(pk, o);
}

void
clause_report_pack(const struct clause_report *r, msgpack_packer *pk)
{
	char today[11];
	uint32_t i;

	date_format(r->today, today);
	(void)msgpack_pack_map(pk, 5);
	mp_pack_kv_str(pk, "today", today);
	mp_pack_kv_int(pk, "matched", r->matched);
	mp_pack_kv_int(pk, "behind", r->behind);
	mp_pack_str(pk, "total");
	(void)msgpack_pack_map(pk, FIGURES_KEYS);
	pack_figures(pk, &r->total);
	mp_pack_str(pk, "operations");
	(void)msgpack_pack_array(pk, r->nops);
	for (i = 0; i < r->nops; i++)
		pack_op_report(pk, &r->ops[i], r->details);
}
