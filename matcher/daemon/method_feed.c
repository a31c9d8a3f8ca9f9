/*
 * feed.push {format, payload}: a partner document as received (a France
 * Travail search response or offer), mapped, and each offer taken by the
 * pipeline as offer.put's are, FEED_CHUNK offers per turn of the event
 * loop.  A bad record is reported and never stops the batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "feed_francetravail.h"
#include "ingest.h"
#include "log.h"
#include "matcherd.h"
#include "method_feed.h"
#include "mpobj.h"
#include "params.h"
#include "pending.h"
#include "store.h"
#include "xmalloc.h"

/* Errors listed in a feed.push result; the rest are only counted. */
#define FEED_ERRORS_MAX 100

struct feed_error {
	char	 id[RECORD_ID_MAX + 1];
	char	 reason[FT_REASON_MAX];
};

/* A merged or uncertain duplicate of a feed.push, as its answer lists it. */
struct feed_dup {
	char	 id[RECORD_ID_MAX + 1];
	char	 other[RECORD_ID_MAX + 1];
	char	 why[OFFER_TABLE_WHY_MAX];
};

/* One feed.push: its offers go through the pipeline one by one. */
struct feed_op {
	struct matcherd		*env;
	struct pending		*p;
	int			 walking;	/* the document not all read */
	struct ft_doc		*doc;		/* being read */
	struct ft_batch_report	*rep;		/* of the reading */
	int			 outstanding;	/* offers waiting for Redis */
	int			 accepted, updated, rejected, duplicates;
	struct feed_error	 errors[FEED_ERRORS_MAX];
	int			 nerrors;
	/* The first ones; all are counted (duplicates, uncertain). */
	struct feed_dup		 merged[FEED_ERRORS_MAX];
	int			 nmerged;
	struct feed_dup		 maybe[FEED_ERRORS_MAX];
	int			 nmaybe, uncertain;
	char			(*ids)[RECORD_ID_MAX + 1];	/* seen */
	int			 nids;
};

static void
feed_dup_add(struct feed_dup *list, int *n, const char *id,
    const struct ingest_outcome *out)
{
	if (*n == FEED_ERRORS_MAX)
		return;
	snprintf(list[*n].id, sizeof(list[0].id), "%s", id);
	snprintf(list[*n].other, sizeof(list[0].other), "%s", out->other);
	snprintf(list[*n].why, sizeof(list[0].why), "%s", out->why);
	(*n)++;
}

static void
pack_feed_dups(msgpack_packer *pk, const char *key, const char *otherkey,
    const struct feed_dup *list, int n)
{
	int i;

	mp_pack_str(pk, key);
	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(pk, 3);
		mp_pack_kv_str(pk, "id", list[i].id);
		mp_pack_kv_str(pk, otherkey, list[i].other);
		mp_pack_kv_str(pk, "why", list[i].why);
	}
}

static void
feed_error(struct feed_op *op, const char *id, const char *reason)
{
	op->rejected++;
	if (op->nerrors == FEED_ERRORS_MAX)
		return;
	snprintf(op->errors[op->nerrors].id, sizeof(op->errors[0].id), "%s",
	    id);
	snprintf(op->errors[op->nerrors].reason,
	    sizeof(op->errors[0].reason), "%s", reason);
	op->nerrors++;
}

/* Answer once the document is walked and every offer is stored. */
static void
feed_maybe_finish(struct feed_op *op)
{
	struct pending_buf b;
	int i;

	if (op->walking || op->outstanding > 0)
		return;
	pending_buf_init(&b);
	msgpack_pack_map(&b.pk, 8);
	mp_pack_kv_int(&b.pk, "accepted", op->accepted);
	mp_pack_kv_int(&b.pk, "updated", op->updated);
	mp_pack_kv_int(&b.pk, "rejected", op->rejected);
	mp_pack_kv_int(&b.pk, "duplicates", op->duplicates);
	mp_pack_kv_int(&b.pk, "uncertain", op->uncertain);
	pack_feed_dups(&b.pk, "merged", "into", op->merged, op->nmerged);
	pack_feed_dups(&b.pk, "possible_duplicates", "other", op->maybe,
	    op->nmaybe);
	mp_pack_str(&b.pk, "errors");
	msgpack_pack_array(&b.pk, op->nerrors);
	for (i = 0; i < op->nerrors; i++) {
		msgpack_pack_map(&b.pk, 2);
		mp_pack_kv_str(&b.pk, "id", op->errors[i].id[0] ?
		    op->errors[i].id : NULL);
		mp_pack_kv_str(&b.pk, "reason", op->errors[i].reason);
	}
	pending_buf_answer(&b, op->p);
	pending_release(op->p);
	free(op->ids);
	free(op);
}

/* One offer of a feed.push in flight: the pipeline's argument. */
struct feed_item {
	struct feed_op	*op;
	char		 id[RECORD_ID_MAX + 1];
};

static void
feed_item_done(void *arg, const struct ingest_outcome *out)
{
	struct feed_item *it = arg;
	struct feed_op *op = it->op;
	char reason[FT_REASON_MAX];

	if (out->code < 0 && out->verdict == DEDUP_SAME) {
		op->duplicates++;
		feed_dup_add(op->merged, &op->nmerged, it->id, out);
	} else if (out->code < 0) {
		if (out->created)
			op->accepted++;
		else
			op->updated++;
		if (out->verdict == DEDUP_UNCERTAIN) {
			op->uncertain++;
			feed_dup_add(op->maybe, &op->nmaybe, it->id, out);
		}
	} else {
		snprintf(reason, sizeof(reason), "%s%s%s: %s",
		    rpc_errcode_name(out->code), out->field ? " " : "",
		    out->field ? out->field : "", out->message);
		feed_error(op, it->id, reason);
	}
	free(it);
	op->outstanding--;
	feed_maybe_finish(op);
}

/* ft_map_document() callback: one mapped offer, into the pipeline. */
static int
feed_take_offer(const struct ft_offer *fo, void *arg)
{
	struct feed_op *op = arg;
	const struct offer *o = &fo->offer;
	struct feed_item *it;
	int i;

	/* The same job twice in one document: keep the first. */
	for (i = 0; i < op->nids; i++)
		if (strcmp(op->ids[i], o->id) == 0) {
			op->duplicates++;
			return -1;
		}
	op->ids = xreallocarray(op->ids, op->nids + 1, sizeof(*op->ids));
	snprintf(op->ids[op->nids++], sizeof(op->ids[0]), "%s", o->id);
	/* A partner posts offers of its own sectors only. */
	if (!(methods_sectors(op->env, op->p) & (1u << o->sector))) {
		feed_error(op, o->id, "forbidden: the offer's sector is not "
		    "open to this partner");
		return -1;
	}
	it = xcalloc(1, sizeof(*it));
	it->op = op;
	snprintf(it->id, sizeof(it->id), "%s", o->id);
	op->outstanding++;
	/* The outcome may come at once and free it: not read after this. */
	ingest_offer(op->env, o, op->env->conf->matching.default_limit,
	    pending_now(op->p), store_deadline_us(op->env->store),
	    feed_item_done, it);
	return 0;
}

/*
 * Offers of a feed.push mapped and scored per turn of the event loop: a
 * document of 5,000 offers against a large pool is seconds of scoring,
 * and the other clients must not wait for all of it.
 */
#define FEED_CHUNK	32

static void
feed_walk(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval now = { 0, 0 };
	struct feed_op *op = arg;
	struct matcherd *env = op->env;
	struct ft_batch_report *rep = op->rep;
	int i;

	(void)fd;
	(void)what;
	if (ft_doc_map(op->doc, env->ref, env->rules, feed_take_offer, op,
	    FEED_CHUNK, rep) > 0) {
		if (event_base_once(env->base, -1, EV_TIMEOUT, feed_walk, op,
		    &now) == 0)
			return;
		log_warnx("feed.push: cannot schedule the rest of the "
		    "document; mapping it at once");
		(void)ft_doc_map(op->doc, env->ref, env->rules,
		    feed_take_offer, op, FT_BATCH_MAX, rep);
	}
	op->walking = 0;
	ft_doc_close(op->doc);
	op->doc = NULL;
	/* Errors name offers by their matcherd id, as stored ones are. */
	for (i = 0; i < rep->nrejects; i++) {
		char id[RECORD_ID_MAX + 1] = "";

		if (rep->rejects[i].id[0])
			snprintf(id, sizeof(id), "%s%s", FT_ID_PREFIX,
			    rep->rejects[i].id);
		feed_error(op, id, rep->rejects[i].reason);
	}
	/* Rejects past those the mapper listed, and offers past its bound. */
	op->rejected += rep->rejected - rep->nrejects + rep->skipped;
	free(rep);
	op->rep = NULL;
	feed_maybe_finish(op);
}

void
method_feed_push(struct matcherd *env, struct pending *p,
    const msgpack_object *params)
{
	struct ft_batch_report *rep;
	const msgpack_object *o;
	struct feed_op *op;
	struct ft_doc *d;
	const char *doc;
	size_t len;

	if ((o = params_get(params, "format")) == NULL ||
	    !mp_str_eq(o, "francetravail")) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "format",
		    "format must be \"francetravail\"");
		return;
	}
	if ((o = params_get(params, "payload")) == NULL ||
	    mp_get_str(o, &doc, &len) == -1) {
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "payload",
		    "payload must be the document as a string");
		return;
	}
	rep = xmalloc(sizeof(*rep));
	if ((d = ft_doc_open(doc, len, rep)) == NULL) {
		/* A document-level error comes before any offer is taken. */
		pending_error(p, RPC_ERR_INVALID_ARGUMENT, "payload", "%s",
		    rep->error);
		free(rep);
		return;
	}
	op = xcalloc(1, sizeof(*op));
	op->env = env;
	op->p = p;
	op->walking = 1;
	op->doc = d;
	op->rep = rep;
	/* Each offer's writes carry their own deadline: not the whole. */
	pending_hold_unbounded(p);
	feed_walk(-1, 0, op);
}
