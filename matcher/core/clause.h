/*
 * Clause emploi (clause d'insertion): the operations of the contracting
 * authorities, the insertion hours their contractors commit to, and the
 * hires that realise them; the per-operation and per-contractor report,
 * and the "behind" status pushed with a clause offer's suggestions.
 * docs/CLAUSE.md has the rules.  Pure: no I/O, "today" is an argument;
 * allocation failures abort (xmalloc).
 */
#ifndef MATCHER_CLAUSE_H
#define MATCHER_CLAUSE_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "candidate.h"
#include "domain.h"
#include "mpobj.h"
#include "offer.h"

struct offer_table;

#define CLAUSE_NAME_MAX		200	/* operation name, bytes */
#define CLAUSE_AUTHORITY_MAX	128	/* contracting authority, bytes */
#define CLAUSE_CONTRACTOR_NAME_MAX 128
#define CLAUSE_MAX_CONTRACTORS	32	/* contractors of one operation */
#define CLAUSE_OPS_MAX		2000	/* operations the daemon keeps */
/* Hours of one contract (a market lot): the LNG terminal was ~4.3 M. */
#define CLAUSE_HOURS_TOTAL_MAX	100000000
#define CLAUSE_LIST_MAX		500	/* operations per list or report */
#define CLAUSE_LIST_DEFAULT	100
#define CLAUSE_REPORT_HIRES_MAX	500	/* hires listed for one operation */
/* The French text of a status: two names and a few numbers fit. */
#define CLAUSE_REASON_MAX	400
/* "offer\tcandidate": the field of a hire in its Redis hash. */
#define CLAUSE_HIRE_FIELD_MAX	(2 * RECORD_ID_MAX + 1)

/*
 * Hours of a contract and the insertion hours committed on it.  Given as
 * hours_committed, or as a rate (percent of hours_total); both are kept
 * resolved: committed = ceil(total * rate / 100), and the rate is always
 * committed / total, in hundredths of a percent.
 */
struct clause_hours {
	int		 total;		/* 0: not given */
	int		 committed;
	int		 rate_centi;	/* 0 when total is 0 */
};

struct clause_contractor {
	char		 id[RECORD_ID_MAX + 1];
	char		 name[CLAUSE_CONTRACTOR_NAME_MAX + 1];
	struct clause_hours hours;
};

struct clause_op {
	char		 id[RECORD_ID_MAX + 1];
	char		 name[CLAUSE_NAME_MAX + 1];
	char		 authority[CLAUSE_AUTHORITY_MAX + 1];
	int32_t		 start, end;	/* the period, both days included */
	uint32_t	 criteria;	/* eligibility; 0: the config's list */
	/* The operation's own hours: only when it lists no contractor. */
	struct clause_hours hours;
	struct clause_contractor contractors[CLAUSE_MAX_CONTRACTORS];
	int		 ncontractors;
};

/* A referral of a clause offer that reached "hired". */
struct clause_hire {
	char		 operation[RECORD_ID_MAX + 1];
	char		 contractor[RECORD_ID_MAX + 1];	/* "" if none */
	char		 offer[RECORD_ID_MAX + 1];
	char		 candidate[RECORD_ID_MAX + 1];
	int		 hours;		/* the offer's clause.hours */
	uint32_t	 criteria;	/* the person's, derived ones included */
	int64_t		 hired_at;	/* unix seconds */
};

/* The operations and the hires, rebuilt from Redis at start-up. */
struct clause_table {
	struct clause_op **ops;
	uint32_t	 nops, capops;
	struct clause_hire *hires;
	uint32_t	 nhires, caphires;
};

enum clause_period { CLAUSE_UPCOMING, CLAUSE_RUNNING, CLAUSE_OVER };

/*
 * Figures of an operation or a contractor.  Expected to date is the
 * committed hours times the elapsed fraction of the period; behind is
 * realised < expected while the period runs, realised < committed once
 * it is over, never before it starts.
 */
struct clause_figures {
	int64_t		 hours_total;	/* 0: not known */
	int64_t		 hours_committed;
	int64_t		 hours_realised;
	int64_t		 hours_expected;
	uint32_t	 contracts;	/* hires */
	uint32_t	 people;	/* distinct candidates */
	uint32_t	 criteria[CRITERION_COUNT];	/* people per criterion */
	int		 period;	/* enum clause_period */
	int		 behind;
};

/* What a clause offer's match result says about its operation. */
struct clause_status {
	char		 operation[RECORD_ID_MAX + 1];
	char		 contractor[RECORD_ID_MAX + 1];	/* "": operation's */
	int64_t		 hours_committed, hours_realised, hours_expected;
	int		 period;
	int		 behind;
	char		 reason[CLAUSE_REASON_MAX];	/* French; "" if not behind */
};

/* ---- records ---- */

/*
 * Validate an operation map (proto/PROTOCOL.md, "Clause operation").
 * Same error rules as candidate_decode(): the first bad field is named.
 */
int	clause_op_decode(const msgpack_object *map, struct clause_op *out,
	    struct field_error *err);
/* The canonical map; clause_op_decode() of it gives the same record. */
void	clause_op_pack(const struct clause_op *op, msgpack_packer *pk);
/* The same, declaring `extra` more entries that the caller packs after. */
void	clause_op_pack_open(const struct clause_op *op, msgpack_packer *pk,
	    int extra);
/* A declared contractor of op, or NULL. */
const struct clause_contractor *clause_op_contractor(
	    const struct clause_op *op, const char *id);
/* Hours committed (and of the contracts) of op: its own or the sum. */
int64_t	clause_op_committed(const struct clause_op *op);
int64_t	clause_op_total(const struct clause_op *op);

/* A hire record as stored in Redis (P:{sector}:clause:hires). */
int	clause_hire_decode(const msgpack_object *map, struct clause_hire *out,
	    struct field_error *err);
void	clause_hire_pack(const struct clause_hire *h, msgpack_packer *pk);
/* Its field in the hash: "offer\tcandidate"; returns the length. */
int	clause_hire_field(const struct clause_hire *h,
	    char buf[CLAUSE_HIRE_FIELD_MAX + 1]);

/* ---- the table ---- */

struct clause_table *clause_table_new(void);
void	clause_table_free(struct clause_table *);
struct clause_op *clause_op_find(const struct clause_table *, const char *id);
/*
 * Insert or replace op (hires are kept: they name the operation by id).
 * Returns 1 if it is new, 0 if replaced.  The bound (CLAUSE_OPS_MAX) is
 * clause_check_put()'s: what Redis holds is always loaded.
 */
int	clause_op_put(struct clause_table *, const struct clause_op *op);
/* Record a hire; the caller makes sure (offer, candidate) is new. */
void	clause_hire_add(struct clause_table *, const struct clause_hire *h);
/* Drop repeated (offer, candidate) hires, keeping the first; returns how many. */
uint32_t clause_hires_dedupe(struct clause_table *);
/* Operations in report order: newest start first, then by id. */
const struct clause_op **clause_ops_sorted(const struct clause_table *,
	    uint32_t *n);

/* ---- rules ---- */

/*
 * The clause of an offer against the declared operations: the operation
 * must be declared, a contractor it names must be one of the
 * operation's, and hours (of the contract) at least 1.  0, or -1 with err
 * naming clause.operation, clause.contractor or clause.hours.
 */
int	clause_check_offer(const struct clause_table *, const struct offer *o,
	    struct field_error *err);
/*
 * Whether op may be stored: a new operation needs room, and an update may
 * not drop a contractor that hires or offers (open or closed) name.
 */
int	clause_check_put(const struct clause_table *, const struct offer_table *,
	    const struct clause_op *op, struct field_error *err);

/* Expected hours on day `today` and the period's state. */
int64_t	clause_expected(int64_t committed, int32_t start, int32_t end,
	    int32_t today);
int	clause_period_of(int32_t start, int32_t end, int32_t today);

/*
 * The status of the operation (or of its contractor, when the offer names
 * one) of a clause offer, on day today.  Returns 0, or -1 when o has no
 * clause or its operation is not declared.
 */
int	clause_status_of(const struct clause_table *, const struct offer *o,
	    int32_t today, struct clause_status *out);
/* The status map of a match result (proto/PROTOCOL.md). */
void	clause_status_pack(const struct clause_status *st,
	    msgpack_packer *pk);

/* ---- the report ---- */

struct clause_filter {
	const char	*operation;	/* NULL: every operation */
	const char	*contractor;	/* NULL: every contractor */
	int		 behind_only;
	int		 count;		/* operations listed, 1..LIST_MAX */
};

struct clause_row {
	const char	*contractor;	/* "" for hires without contractor */
	const struct clause_contractor *declared;	/* NULL if not */
	struct clause_figures f;
};

struct clause_op_report {
	const struct clause_op *op;
	struct clause_figures f;
	struct clause_row *rows;
	int		 nrows;
	/* The operation's hires, by contractor then candidate. */
	const struct clause_hire **hires;
	uint32_t	 nhires;
	/* With details: the newest CLAUSE_REPORT_HIRES_MAX (owned). */
	const struct clause_hire **recent;
	uint32_t	 nrecent;
};

struct clause_report {
	int32_t		 today;
	int		 details;	/* one operation asked: list its hires */
	struct clause_op_report *ops;	/* the first `count` that match */
	uint32_t	 nops;
	uint32_t	 matched;	/* operations that match the filter */
	uint32_t	 behind;	/* of those, behind */
	struct clause_figures total;	/* over every matching one */
	const struct clause_hire **sorted;	/* owned */
};

/*
 * The report on day today.  Per operation: its figures and one row per
 * declared contractor (plus one per contractor that hires name but the
 * operation does not declare, such as "" for offers without one).  With
 * a contractor filter, only that contractor's row, and the totals are
 * that contractor's.  The report points into the table: use it before
 * the table changes.  Free with clause_report_free().
 */
struct clause_report *clause_report_new(const struct clause_table *,
	    const struct clause_filter *, int32_t today);
void	clause_report_free(struct clause_report *);
/* The clause.report result map (proto/PROTOCOL.md). */
void	clause_report_pack(const struct clause_report *, msgpack_packer *pk);

#endif
