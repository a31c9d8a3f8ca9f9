/*
 * Sending the records of a file (ctl_bulk.h) with up to CTL_WINDOW
 * requests in flight, and a progress bar on stderr when it is a tty.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <msgpack.h>

#include "ctl.h"
#include "ctl_bulk.h"
#include "ctl_conn.h"
#include "ctl_input.h"

/* Requests in flight during a bulk put, and bytes packed per write. */
#define CTL_WINDOW		256
#define CTL_BATCH_BYTES		(256 * 1024)

/* A request in flight, and where its record was, to report a reject. */
struct slot {
	int		 used;
	uint32_t	 msgid;
	unsigned long	 recno;
	const char	*unit;
	char		 id[72];
};

/* The id of a record, plain or wrapped ({"offer": {...}}), for messages. */
static const char *
record_id(const json_t *rec, const char *wrap_key)
{
	const char *id;

	if ((id = jstr(rec, "id")) == NULL)
		id = jstr(json_object_get(rec, wrap_key), "id");
	return id != NULL ? id : "?";
}

/* A progress bar is on the last line of stderr. */
static int progress_shown;

static void
progress_clear(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

static long
ms_since(const struct timespec *t0, const struct timespec *t1)
{
	return (t1->tv_sec - t0->tv_sec) * 1000 +
	    (t1->tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * "[#######.......]  45%  12345 lines" on stderr, a tty, once the input
 * has taken more than half a second, redrawn ten times a second.
 */
static void
progress_draw(struct reader *rd)
{
	struct timespec now;
	char bar[31];
	int pct, k;

	if (!rd->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ms_since(&rd->start, &now) < 500 ||
	    (progress_shown && ms_since(&rd->drawn, &now) < 100))
		return;
	rd->drawn = now;
	pct = (int)(rd->bytes * 100 / rd->size);
	pct = pct > 100 ? 100 : pct;
	k = pct * 30 / 100;
	memset(bar, '#', k);
	memset(bar + k, '.', 30 - k);
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %lu lines", bar, pct, rd->lineno);
	progress_shown = 1;
}

static void
report_reject(const char *unit, unsigned long recno, const char *id,
    const char *what, const char *message)
{
	fflush(stdout);
	progress_clear();
	fprintf(stderr, "%s %lu (id %s): %s%s%s\n", unit, recno, id,
	    what ? what : "", what ? ": " : "", message);
}

/* The params of one record: itself, or wrapped to carry the limit. */
static json_t *
put_params(const struct putter *p, json_t *rec)
{
	json_t *inner;

	if (p->limit < 0)
		return rec;
	if (json_is_object(inner = json_object_get(rec, p->wrap_key))) {
		json_object_set_new(rec, "limit", json_integer(p->limit));
		return rec;
	}
	return json_pack("{s:o, s:I}", p->wrap_key, rec, "limit",
	    (json_int_t)p->limit);
}

static void
put_reply(struct ctl *ctl, struct putter *p, struct slot *slots,
    const struct reply *r)
{
	struct slot *sl = &slots[r->msgid % CTL_WINDOW];
	const char *code;

	if (!sl->used || sl->msgid != r->msgid)
		ctl_die(EXIT_CONN, "%s: reply to unknown request %u",
		    ctl->server, (unsigned)r->msgid);
	sl->used = 0;
	if (r->error == NULL) {
		p->on_result(ctl, p, r->result);
		return;
	}
	/*
	 * A bad record is the record's problem; anything else (Redis down,
	 * a bug, an oversized message that closes the connection) stops.
	 */
	code = jstr(r->error, "code");
	if (code == NULL || (strcmp(code, "invalid_argument") != 0 &&
	    strcmp(code, "not_found") != 0))
		ctl_die_server(p->method, r->error);
	p->rejected++;
	report_reject(sl->unit, sl->recno, sl->id, jstr_or(r->error, "field",
	    code), jstr_or(r->error, "message", ""));
}

/*
 * Send every record of path with up to CTL_WINDOW requests in flight.
 * Requests are packed in batches and the window refilled when half of it
 * has been answered, so writes stay large and the daemon stays busy.
 * Replies are matched by msgid: a request takes the slot msgid % window
 * and waits while an older request still holds it.
 */
void
ctl_bulk_put(struct ctl *ctl, struct putter *p, const char *path)
{
	struct slot slots[CTL_WINDOW];
	struct reader rd;
	struct reply r;
	struct conn *c;
	msgpack_sbuffer sb;
	json_t *rec, *params;
	struct slot *sl;
	unsigned inflight = 0;
	char err[320];
	int rc, eof = 0;

	ctl_input_open(&rd, path, p->csv, p->kind);
	c = ctl_conn_get(ctl);
	memset(slots, 0, sizeof(slots));
	memset(&r, 0, sizeof(r));
	msgpack_sbuffer_init(&sb);
	for (;;) {
		while (!eof && inflight < CTL_WINDOW &&
		    sb.size < CTL_BATCH_BYTES) {
			sl = &slots[c->next_msgid % CTL_WINDOW];
			if (sl->used)
				break;
			if ((rc = ctl_input_next(&rd, &rec, err,
			    sizeof(err))) == 0) {
				eof = 1;
				break;
			}
			if (rc == -1) {
				p->rejected++;
				report_reject(rd.unit, rd.recno, rd.errid, NULL,
				    err);
				continue;
			}
			snprintf(sl->id, sizeof(sl->id), "%s",
			    record_id(rec, p->wrap_key));
			params = put_params(p, rec);
			rc = ctl_conn_pack(&sb, c->next_msgid, p->method,
			    params, err, sizeof(err));
			json_decref(params);
			if (rc == -1) {
				p->rejected++;
				report_reject(rd.unit, rd.recno, sl->id, NULL,
				    err);
				continue;
			}
			sl->used = 1;
			sl->msgid = c->next_msgid++;
			sl->recno = rd.recno;
			sl->unit = rd.unit;
			inflight++;
		}
		if (sb.size > 0) {
			ctl_conn_write(c, sb.data, sb.size);
			msgpack_sbuffer_clear(&sb);
		}
		progress_draw(&rd);
		if (eof && inflight == 0)
			break;
		/* At least one reply, so that a busy slot frees up. */
		do {
			if (ctl_conn_recv(c, &r) == 0)
				ctl_die(EXIT_CONN, "%s: connection closed with "
				    "%u requests unanswered", c->server,
				    inflight);
			ctl_conn_check_notification(&r);
			if (r.type != RPC_RESPONSE)
				continue;
			put_reply(ctl, p, slots, &r);
			inflight--;
		} while (inflight > (eof ? 0 : CTL_WINDOW / 2));
	}
	progress_clear();
	ctl_conn_reply_clear(&r);
	msgpack_sbuffer_destroy(&sb);
	ctl_input_close(&rd);
}

/* A put answered {id, created}: candidates, clause operations. */
void
ctl_bulk_created(struct ctl *ctl, struct putter *p, const json_t *result)
{
	if (json_is_true(json_object_get(result, "created")))
		p->created++;
	else
		p->updated++;
}

/* "what: 3 created, 1 updated, 0 rejected"; exit status 1 on a reject. */
int
ctl_bulk_summary(const struct ctl *ctl, const struct putter *p,
    const char *what)
{
	if (ctl->json)
		printf("{\"created\":%lu,\"updated\":%lu,\"rejected\":%lu}\n",
		    p->created, p->updated, p->rejected);
	else
		printf("%s: %lu created, %lu updated, %lu rejected\n", what,
		    p->created, p->updated, p->rejected);
	return p->rejected > 0 ? EXIT_REFUSED : 0;
}
