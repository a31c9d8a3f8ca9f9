/*
 * matcher-bench: the figures of docs/BENCHMARKS.md (run by scripts/bench).
 *
 *   matcher-bench score FILE.jsonl OFFERS.json [--runs N]
 *	Load candidates (JSON Lines, as matcher-gen writes them) through the
 *	real decoder into the index, then rank each offer N times with the
 *	index (the matcher) and with a plain scan of every record (the peer
 *	the issue names), reporting p50/p99 latencies and index memory;
 *	then the advisers' tools on the same pool (candidate.match, near
 *	misses, the diagnosis, the candidathèque search, the labels).
 *   matcher-bench feed SAMPLES.json RULES.conf [--offers N]
 *	Map France Travail offers (the samples' offers repeated N times, in
 *	pages of 150 as the API serves them) without and with the rules:
 *	offers per second, parsing and mapping, no scoring, on one core (by
 *	the clock and by the process's CPU time).  Then with the rules'
 *	pre-filter off, with long descriptions, and the mapping alone
 *	(ft_map_offer() on offers parsed beforehand, without and with the
 *	rules).
 *   matcher-bench ftdocs SAMPLES.json DIR [--offers N] [--per-doc P]
 *	    [--max-bytes B]
 *	Write N France Travail offers (the samples repeated, each a job of
 *	its own) as search responses DIR/ft-0001.json..., each of at most P
 *	offers (default and at most 5,000, feed.push's bound) and B bytes
 *	(default: what matchctl sends in one message), for "matchctl import
 *	offers --format francetravail".
 *   matcher-bench rpc HOST:PORT OFFERS.json [--runs N] [--window W]
 *	offer.put over loopback: sequential latency (p50/p99) and pipelined
 *	throughput with W requests in flight; authenticated with
 *	$MATCHCTL_TOKEN when it is set.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <msgpack.h>

#include "candidate.h"
#include "conf.h"
#include "dates.h"
#include "domain.h"
#include "feed_francetravail.h"
#include "frame.h"
#include "index.h"
#include "jsonmp.h"
#include "mpobj.h"
#include "offer.h"
#include "proto.h"
#include "rank.h"
#include "diagnose.h"
#include "labels.h"
#include "nearmiss.h"
#include "poolfilter.h"
#include "result.h"
#include "reverse.h"
#include "refdata.h"
#include "rpc.h"
#include "rules.h"
#include "score.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	size_t i;

	qsort(v, n, sizeof(double), cmp_double);
	i = (size_t)(p * (n - 1) + 0.5);
	return v[i];
}

static __attribute__((noreturn)) void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "matcher-bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

/* JSON value -> msgpack object in zone, via the client's converter. */
static int
json_to_object(const json_t *j, msgpack_sbuffer *sb, msgpack_zone *zone,
    msgpack_object *obj)
{
	msgpack_packer pk;
	char err[128];
	size_t off = 0;

	msgpack_sbuffer_clear(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	if (jsonmp_pack(&pk, j, err, sizeof(err)) == -1)
		return -1;
	return msgpack_unpack(sb->data, sb->size, &off, zone, obj) ==
	    MSGPACK_UNPACK_SUCCESS ? 0 : -1;
}

static struct offer *
load_offers(const char *path, const struct refdata *ref, size_t *n)
{
	struct field_error ferr;
	json_error_t jerr;
	msgpack_sbuffer sb;
	msgpack_zone zone;
	msgpack_object obj;
	struct offer *o;
	json_t *arr;
	size_t i;

	if ((arr = json_load_file(path, 0, &jerr)) == NULL ||
	    !json_is_array(arr))
		die("%s: not a JSON array of offers", path);
	o = calloc(json_array_size(arr), sizeof(*o));
	msgpack_sbuffer_init(&sb);
	msgpack_zone_init(&zone, 4096);
	for (i = 0, *n = 0; i < json_array_size(arr); i++) {
		if (json_to_object(json_array_get(arr, i), &sb, &zone,
		    &obj) == -1 ||
		    offer_decode(&obj, ref, &o[*n], &ferr) == -1) {
			fprintf(stderr, "offer %zu: %s: %s\n", i, ferr.field,
			    ferr.message);
			continue;
		}
		(*n)++;
		msgpack_zone_clear(&zone);
	}
	msgpack_zone_destroy(&zone);
	msgpack_sbuffer_destroy(&sb);
	json_decref(arr);
	return o;
}

/* The peer: score every record, no posting lists, same top-k rule. */
static uint32_t
plain_scan(const struct index *idx, const struct score_query *q)
{
	struct score_result r;
	uint32_t s, eligible = 0;

	for (s = 0; s < idx->nrecs; s++) {
		if (!(idx->recs[s].k.flags & CAND_F_LIVE))
			continue;
		if (score_candidate_full(q, idx, s, &r) < 0)
			eligible++;
	}
	return eligible;
}

/*
 * The reverse match (candidate.match): the demo offers repeated to
 * REVERSE_COPIES open offers, for the first REVERSE_PEOPLE candidates.
 */
#define REVERSE_COPIES	300
#define REVERSE_PEOPLE	200

static void
bench_reverse(const struct index *idx, const struct offer *offers,
    size_t noffers, const struct conf_matching *m, int32_t today)
{
	struct reverse_offer *ro;
	struct reverse_result *rr;
	size_t n = noffers * REVERSE_COPIES, i, k = 0;
	double *lat, t;
	uint32_t slot;

	ro = calloc(n, sizeof(*ro));
	rr = malloc(sizeof(*rr));
	lat = calloc(REVERSE_PEOPLE, sizeof(double));
	for (i = 0; i < n; i++)
		ro[i].offer = &offers[i % noffers];
	for (slot = 0; slot < idx->nrecs && k < REVERSE_PEOPLE; slot++) {
		if (idx->recs[slot].id == NULL)
			continue;
		t = now_us();
		reverse_match(idx, slot, ro, (uint32_t)n, m, today, 20, rr);
		lat[k++] = now_us() - t;
	}
	if (k > 0)
		printf("reverse match (candidate.match), %zu open offers, %zu "
		    "candidates: p50 %.0f us, p99 %.0f us\n", n, k,
		    pct(lat, k, 0.5), pct(lat, k, 0.99));
	free(lat);
	free(rr);
	free(ro);
}

/* p50 and p99 of n timings, on one line. */
static void
print_pcts(const char *what, double *lat, size_t n)
{
	if (n > 0)
		printf("%s: p50 %.0f us, p99 %.0f us\n", what,
		    pct(lat, n, 0.5), pct(lat, n, 0.99));
}

/*
 * The advisers' tools on the same pool: near misses and the diagnosis of
 * each offer, the candidathèque search of docs/DESIGN.md (bâtiment,
 * available now, permis B, within 15 km of Dunkerque, RSA: one page of
 * 50 and the total), and the labels of a 200-suggestion result.
 */
static void
bench_advisers(const struct index *idx, const struct refdata *ref,
    const struct offer *offers, size_t noffers,
    const struct conf_matching *m, int32_t today, int runs)
{
	struct nearmiss_params np;
	struct nearmiss_result *nr;
	struct diagnose_result *dr;
	struct match_result *mr;
	struct pool_filter f;
	struct score_query q;
	msgpack_sbuffer sb, lb;
	msgpack_packer pk;
	const struct commune *dk;
	uint32_t page[50], total = 0, before, next;
	size_t i, n = noffers * (size_t)runs, k;
	double *near, *diag, *pool, *lab, t;
	int r;

	near = calloc(n, sizeof(double));
	diag = calloc(n, sizeof(double));
	pool = calloc((size_t)runs, sizeof(double));
	lab = calloc(n, sizeof(double));
	nr = malloc(sizeof(*nr));
	dr = malloc(sizeof(*dr));
	mr = malloc(sizeof(*mr));
	nearmiss_params_default(&np);
	for (i = 0, k = 0; i < noffers; i++) {
		score_prepare(&q, &offers[i], idx, m, today, NULL, 0);
		rank_offer(idx, &q, 200, mr);
		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		result_pack(&pk, &offers[i], 0, 0, idx, &q, mr, NULL);
		for (r = 0; r < runs; r++, k++) {
			t = now_us();
			(void)nearmiss_offer(idx, &q, &np, nr);
			near[k] = now_us() - t;
			nearmiss_result_free(nr);
			t = now_us();
			diagnose_offer(idx, &q, dr);
			diag[k] = now_us() - t;
			msgpack_sbuffer_init(&lb);
			t = now_us();
			(void)labels_add(ref, sb.data, sb.size, &lb);
			lab[k] = now_us() - t;
			msgpack_sbuffer_destroy(&lb);
		}
		msgpack_sbuffer_destroy(&sb);
	}
	poolfilter_init(&f);
	f.sectors = 1u << SECTOR_BATIMENT;
	f.statuses = 1u << STATUS_AVAILABLE;
	f.licences = 1u << LICENCE_B;
	f.criteria = 1u << CRITERION_RSA;
	f.available_by = today;
	if ((dk = refdata_commune(ref, "59183", 5)) != NULL) {
		f.within_km = 15;
		f.lat = dk->lat;
		f.lon = dk->lon;
	}
	for (r = 0; r < runs; r++) {
		t = now_us();
		(void)poolfilter_page(idx, &f, today, 0, 0, 50, page, &total,
		    &before, &next);
		pool[r] = now_us() - t;
	}
	print_pcts("near misses (offer.near_miss), per offer", near, n);
	print_pcts("diagnosis (offer.diagnose), per offer", diag, n);
	printf("candidathèque search (candidate.list), %u match: ", total);
	print_pcts("one page of 50 and the total", pool, (size_t)runs);
	print_pcts("labels of a 200-suggestion result", lab, n);
	free(near);
	free(diag);
	free(pool);
	free(lab);
	free(nr);
	free(dr);
	free(mr);
}

static int
bench_score(int argc, char **argv)
{
	struct match_result *mr;
	struct score_query q;
	struct candidate *c;
	struct conf conf;
	struct refdata *ref;
	struct index *idx;
	struct offer *offers;
	struct field_error ferr;
	json_error_t jerr;
	msgpack_sbuffer sb;
	msgpack_zone zone;
	msgpack_object obj;
	FILE *fp;
	json_t *j;
	char err[256], *line = NULL;
	size_t cap = 0, noffers, i, bad = 0, k;
	double t0, *lat, *scan, load_s;
	int runs = 50, created, r, noscan = 0;
	int32_t today = date_of_time(time(NULL));

	if (argc >= 2 && strcmp(argv[argc - 1], "--no-scan") == 0) {
		noscan = 1;
		argc--;
	}
	if (argc >= 2 && strcmp(argv[argc - 2], "--runs") == 0) {
		runs = atoi(argv[argc - 1]);
		argc -= 2;
	}
	if (argc != 3)
		die("%s", "usage: matcher-bench score FILE.jsonl OFFERS.json "
		    "[--runs N] [--no-scan]");
	if ((ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err))) == NULL)
		die("%s", err);
	conf_defaults(&conf);
	offers = load_offers(argv[2], ref, &noffers);
	if (strcmp(argv[1], "-") == 0)
		fp = stdin;
	else if ((fp = fopen(argv[1], "r")) == NULL)
		die("%s: cannot open", argv[1]);

	c = malloc(sizeof(*c));
	msgpack_sbuffer_init(&sb);
	msgpack_zone_init(&zone, 4096);
	idx = index_new(ref);
	t0 = now_us();
	while (getline(&line, &cap, fp) > 0) {
		j = json_loads(line, 0, &jerr);
		if (j == NULL || json_to_object(j, &sb, &zone, &obj) == -1 ||
		    candidate_decode(&obj, ref, c, &ferr) == -1 ||
		    index_put(idx, c, &created) == INDEX_NONE)
			bad++;
		json_decref(j);
		msgpack_zone_clear(&zone);
	}
	load_s = (now_us() - t0) / 1e6;
	printf("candidates: %u indexed, %zu rejected, load+decode %.1f s "
	    "(JSON parsing included)\n", idx->live, bad, load_s);
	/* malloc_usable_size() of every block: mallinfo misses mmap'd ones. */
	printf("index memory: %zu bytes (%.0f bytes/candidate)\n",
	    index_memory(idx),
	    (double)index_memory(idx) / (idx->live ? idx->live : 1));

	mr = malloc(sizeof(*mr));
	lat = calloc(noffers * runs, sizeof(double));
	scan = calloc(noffers * runs, sizeof(double));
	printf("%-14s %-6s %8s %8s %9s %9s %9s\n", "offer", "rome",
	    "pool", "eligible", "index_us", "scan_us", "speedup");
	for (i = 0; i < noffers; i++) {
		double best_i = 1e18, best_s = 1e18, t;

		score_prepare(&q, &offers[i], idx, &conf.matching, today,
		    NULL, 0);
		for (r = 0; r < runs; r++) {
			t = now_us();
			rank_offer(idx, &q, 20, mr);
			t = now_us() - t;
			lat[i * runs + r] = t;
			if (t < best_i)
				best_i = t;
			if (noscan)
				continue;
			t = now_us();
			if (plain_scan(idx, &q) != mr->eligible)
				die("%s", "plain scan disagrees with the index");
			t = now_us() - t;
			scan[i * runs + r] = t;
			if (t < best_s)
				best_s = t;
		}
		printf("%-14.14s %-6s %8u %8u %9.0f %9.0f %8.1fx\n",
		    offers[i].id, offers[i].rome, mr->considered, mr->eligible,
		    best_i, noscan ? 0 : best_s, noscan ? 0 : best_s / best_i);
	}
	k = noffers * runs;
	printf("excluded by filter for the last offer:");
	for (r = 0; r < FILTER_COUNT; r++)
		printf(" %s %u", score_filter_name(r), mr->excluded[r]);
	printf("\n");
	printf("top-20 in-process, %zu offers x %d runs: index p50 %.0f us, "
	    "p99 %.0f us; plain scan p50 %.0f us, p99 %.0f us\n", noffers,
	    runs, pct(lat, k, 0.5), pct(lat, k, 0.99), pct(scan, k, 0.5),
	    pct(scan, k, 0.99));
	bench_reverse(idx, offers, noffers, &conf.matching, today);
	bench_advisers(idx, ref, offers, noffers, &conf.matching, today, runs);
	free(lat);
	free(scan);
	free(mr);
	free(c);
	free(line);
	free(offers);
	msgpack_zone_destroy(&zone);
	msgpack_sbuffer_destroy(&sb);
	index_free(idx);
	refdata_free(ref);
	if (fp != stdin)
		fclose(fp);
	return 0;
}

static int
dial(const char *hostport)
{
	struct addrinfo hints, *res;
	char host[256], *colon;
	int fd, one = 1;

	snprintf(host, sizeof(host), "%s", hostport);
	if ((colon = strrchr(host, ':')) == NULL)
		die("%s: expected HOST:PORT", hostport);
	*colon = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		die("%s: cannot resolve", hostport);
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd == -1 || connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		die("%s: cannot connect", hostport);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	freeaddrinfo(res);
	return fd;
}

/* Read responses until `want` have arrived; returns how many errored. */
static int
read_responses(int fd, msgpack_sbuffer *in, int want)
{
	msgpack_zone zone;
	msgpack_object obj;
	struct rpc_message msg;
	char buf[65536], err[128];
	size_t objlen;
	ssize_t n;
	int got = 0, errors = 0, known;

	msgpack_zone_init(&zone, 8192);
	while (got < want) {
		while (got < want && in->size > 0 && frame_scan(in->data,
		    in->size, 64 << 20, &objlen, err, sizeof(err)) == FRAME_OK) {
			if (frame_unpack(in->data, objlen, &zone, &obj) == -1 ||
			    rpc_parse(&obj, &msg, &known, err,
			    sizeof(err)) == -1)
				die("%s", "bad response");
			if (msg.error->type != MSGPACK_OBJECT_NIL)
				errors++;
			got++;
			memmove(in->data, in->data + objlen, in->size - objlen);
			in->size -= objlen;
			msgpack_zone_clear(&zone);
		}
		if (got >= want)
			break;
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			die("%s", "connection closed");
		msgpack_sbuffer_write(in, buf, n);
	}
	msgpack_zone_destroy(&zone);
	return errors;
}

static int
bench_rpc(int argc, char **argv)
{
	json_error_t jerr;
	msgpack_sbuffer out, in;
	msgpack_packer pk;
	json_t *arr;
	char err[128];
	const char *tok;
	double *lat, t, t0;
	int runs = 200, window = 16, fd, i, k, n, errors = 0, sent, done;

	for (i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--window") == 0)
			window = atoi(argv[i + 1]);
	}
	if (argc < 3 || runs < 1 || window < 1)
		die("%s", "usage: matcher-bench rpc HOST:PORT OFFERS.json "
		    "[--runs N] [--window W]");
	if ((arr = json_load_file(argv[2], 0, &jerr)) == NULL ||
	    (n = (int)json_array_size(arr)) == 0)
		die("%s: not a JSON array of offers", argv[2]);
	fd = dial(argv[1]);
	msgpack_sbuffer_init(&out);
	msgpack_sbuffer_init(&in);
	msgpack_packer_init(&pk, &out, msgpack_sbuffer_write);
	lat = calloc(runs, sizeof(double));
	/* As matchctl: the token of $MATCHCTL_TOKEN, if any, first. */
	if ((tok = getenv("MATCHCTL_TOKEN")) != NULL && *tok != '\0') {
		rpc_pack_request_begin(&pk, 0, "auth");
		msgpack_pack_array(&pk, 1);
		msgpack_pack_map(&pk, 1);
		mp_pack_kv_str(&pk, "token", tok);
		if (write(fd, out.data, out.size) != (ssize_t)out.size ||
		    read_responses(fd, &in, 1) != 0)
			die("%s", "auth refused: check MATCHCTL_TOKEN");
	}

#define PUT(k) do {							\
	msgpack_sbuffer_clear(&out);					\
	rpc_pack_request_begin(&pk, (uint32_t)(k), "offer.put");	\
	msgpack_pack_array(&pk, 1);					\
	jsonmp_pack(&pk, json_array_get(arr, (k) % n), err, sizeof(err)); \
	if (write(fd, out.data, out.size) != (ssize_t)out.size)		\
		die("%s", "write failed");				\
} while (0)

	for (k = 0; k < runs; k++) {
		t = now_us();
		PUT(k);
		errors += read_responses(fd, &in, 1);
		lat[k] = now_us() - t;
	}
	printf("offer.put sequential over loopback, %d calls: p50 %.0f us, "
	    "p99 %.0f us, %d errors\n", runs, pct(lat, runs, 0.5),
	    pct(lat, runs, 0.99), errors);

	t0 = now_us();
	sent = done = 0;
	errors = 0;
	while (done < runs) {
		while (sent < runs && sent - done < window) {
			PUT(sent);
			sent++;
		}
		errors += read_responses(fd, &in, 1);
		done++;
	}
	t = (now_us() - t0) / 1e6;
	printf("offer.put pipelined (window %d), %d calls: %.0f offers/s, "
	    "%d errors\n", window, runs, runs / t, errors);
#undef PUT
	free(lat);
	close(fd);
	msgpack_sbuffer_destroy(&out);
	msgpack_sbuffer_destroy(&in);
	json_decref(arr);
	return 0;
}

/* Pages of this many offers, as the France Travail API serves them. */
#define FEED_PAGE 150

/*
 * A long description written the way real ones are (missions, profile,
 * conditions; 1.3 KB, a few facts), for the mapping with long texts.
 */
static const char typical_description[] =
	"Au sein d'une entreprise de gros \xc5\x93uvre reconnue sur le "
	"Dunkerquois, vous int\xc3\xa9grez une \xc3\xa9quipe de 8 "
	"compagnons sur un chantier de construction de 45 logements "
	"collectifs \xc3\xa0 Grande-Synthe.\n\nVos missions :\n"
	"\xe2\x80\xa2 Mise en place et r\xc3\xa9glage des banches et des "
	"coffrages (voiles, poteaux, poutres)\n"
	"\xe2\x80\xa2 Lecture de plans et tra\xc3\xa7" "age\n"
	"\xe2\x80\xa2 Pose des armatures et des r\xc3\xa9servations\n"
	"\xe2\x80\xa2 Coulage et vibrage du b\xc3\xa9ton, "
	"d\xc3\xa9" "coffrage et nettoyage du mat\xc3\xa9riel\n"
	"\xe2\x80\xa2 Respect des consignes de s\xc3\xa9" "curit\xc3\xa9 et "
	"port des EPI\n\nProfil recherch\xc3\xa9 :\nVous justifiez d'une "
	"premi\xc3\xa8re exp\xc3\xa9rience de 6 mois minimum sur un poste "
	"similaire, ou d'une formation en ma\xc3\xa7onnerie ou en coffrage. "
	"Le CACES R482 cat\xc3\xa9gorie A serait un plus. Permis B "
	"exig\xc3\xa9 : le chantier n'est pas desservi par les transports en "
	"commun. Rigueur, ponctualit\xc3\xa9 et go\xc3\xbbt du travail en "
	"\xc3\xa9quipe.\n\nConditions :\nContrat de chantier d'une "
	"dur\xc3\xa9" "e pr\xc3\xa9visionnelle de 12 mois, 35 heures "
	"hebdomadaires du lundi au vendredi (7h30 - 16h), heures "
	"suppl\xc3\xa9mentaires possibles. Salaire selon la grille de la "
	"convention collective et l'exp\xc3\xa9rience, paniers repas et "
	"indemnit\xc3\xa9s de trajet. Possibilit\xc3\xa9 d'\xc3\xa9volution "
	"vers un poste de chef d'\xc3\xa9quipe.";

/* France Travail documents made of the samples' offers, repeated. */
struct ft_docs {
	char	**doc;		/* {"resultats": [...]}, compact JSON */
	size_t	 *len;
	int	  n;
};

static void
ft_docs_add(struct ft_docs *d, json_t *offers)
{
	json_t *doc = json_pack("{s:o}", "resultats", offers);

	d->doc = realloc(d->doc, (d->n + 1) * sizeof(*d->doc));
	d->len = realloc(d->len, (d->n + 1) * sizeof(*d->len));
	if (doc == NULL || d->doc == NULL || d->len == NULL ||
	    (d->doc[d->n] = json_dumps(doc, JSON_COMPACT)) == NULL)
		die("%s", "out of memory");
	d->len[d->n] = strlen(d->doc[d->n]);
	d->n++;
	json_decref(doc);
}

/*
 * total offers, the samples of res in turn, in documents of at most
 * per_doc offers and max_bytes bytes (0: no bound).  unique: each offer
 * is a job of its own, with its own id ("201KCBA-42") and employer ("SMM
 * 42": copies with the same employer, place, contract and day are the
 * same job to the daemon's duplicate check); else the samples repeat.
 * desc: when not NULL, every offer's description.
 */
static void
ft_docs_make(struct ft_docs *d, const json_t *res, int total, int per_doc,
    size_t max_bytes, int unique, const char *desc)
{
	json_t *offers = json_array(), *o, *e;
	char id[64], name[160];
	size_t n = json_array_size(res), bytes = 0, len;
	int k, in_doc = 0;

	memset(d, 0, sizeof(*d));
	for (k = 0; k < total; k++) {
		o = json_deep_copy(json_array_get(res, k % n));
		if (unique) {
			snprintf(id, sizeof(id), "%s-%d", json_string_value(
			    json_object_get(o, "id")), k + 1);
			json_object_set_new(o, "id", json_string(id));
			e = json_object_get(o, "entreprise");
			if (json_is_string(json_object_get(e, "nom"))) {
				snprintf(name, sizeof(name), "%.120s %d",
				    json_string_value(json_object_get(e,
				    "nom")), k + 1);
				json_object_set_new(e, "nom",
				    json_string(name));
			}
		}
		if (desc != NULL)
			json_object_set_new(o, "description",
			    json_string(desc));
		len = max_bytes > 0 ? json_dumpb(o, NULL, 0, JSON_COMPACT) : 0;
		if (in_doc > 0 && (in_doc == per_doc || (max_bytes > 0 &&
		    bytes + len + 1 > max_bytes))) {
			ft_docs_add(d, offers);
			offers = json_array();
			in_doc = 0;
			bytes = 0;
		}
		json_array_append_new(offers, o);
		in_doc++;
		/* {"resultats":[ ... ]} and a comma per offer. */
		bytes += len + 1 + (in_doc == 1 ? 15 : 0);
	}
	if (in_doc > 0)
		ft_docs_add(d, offers);
	else
		json_decref(offers);
}

static void
ft_docs_free(struct ft_docs *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		free(d->doc[i]);
	free(d->doc);
	free(d->len);
}

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The clock and the process's CPU time when a pass started. */
struct pass_clock {
	double	 t0, c0;
};

static void
pass_start(struct pass_clock *pc)
{
	pc->c0 = cpu_s();
	pc->t0 = now_us();
}

/*
 * The pass's line: offers mapped per second of the clock and per second
 * of CPU time (per core, as the mapping is single-threaded; the clock
 * also counts other processes of a shared machine).
 */
static void
pass_line(const struct pass_clock *pc, const char *what, int mapped)
{
	double secs = (now_us() - pc->t0) / 1e6;

	printf("  %s: %.0f offers/s, %.0f per CPU-second (%d mapped)\n",
	    what, mapped / secs, mapped / (cpu_s() - pc->c0), mapped);
}

/* One pass over the documents: parsed and mapped. */
static void
feed_line(const char *what, const struct refdata *ref,
    const struct rules *rules, const struct ft_docs *d)
{
	struct ft_batch_report *rep;
	struct pass_clock pc;
	int i, mapped = 0;

	if ((rep = malloc(sizeof(*rep))) == NULL)
		die("%s", "out of memory");
	pass_start(&pc);
	for (i = 0; i < d->n; i++) {
		if (ft_map_document(d->doc[i], d->len[i], ref, rules, NULL,
		    NULL, rep) == -1)
			die("%s", rep->error);
		mapped += rep->mapped;
	}
	pass_line(&pc, what, mapped);
	free(rep);
}

/*
 * total offers, the parsed samples res in turn, mapped by ft_map_offer()
 * alone: the mapping without the JSON parsing that feed_line() counts.
 */
static void
map_line(const char *what, const struct refdata *ref,
    const struct rules *rules, const json_t *res, int total)
{
	struct ft_offer *fo;
	struct pass_clock pc;
	char err[FT_REASON_MAX];
	size_t n = json_array_size(res);
	int i, mapped = 0;

	if ((fo = malloc(sizeof(*fo))) == NULL)
		die("%s", "out of memory");
	pass_start(&pc);
	for (i = 0; i < total; i++)
		mapped += ft_map_offer(json_array_get(res, (size_t)i % n), ref,
		    rules, fo, err, sizeof(err)) == 0;
	pass_line(&pc, what, mapped);
	free(fo);
}

/* A France Travail search response's offers, or die. */
static json_t *
load_ft_samples(const char *path)
{
	json_error_t jerr;
	json_t *doc, *res;

	if ((doc = json_load_file(path, 0, &jerr)) == NULL ||
	    (res = json_object_get(doc, "resultats")) == NULL ||
	    json_array_size(res) == 0)
		die("%s: not a France Travail search response", path);
	json_incref(res);
	json_decref(doc);
	return res;
}

static int
bench_feed(int argc, char **argv)
{
	struct refdata *ref;
	struct rules *rules;
	struct ft_docs d, dl;
	json_t *res, *s;
	char err[4096], what[512], *desc;
	size_t n, i, dlen = 0;
	int total = 100000;

	if (argc >= 2 && strcmp(argv[argc - 2], "--offers") == 0) {
		total = atoi(argv[argc - 1]);
		argc -= 2;
	}
	if (argc != 3 || total < 1)
		die("%s", "usage: matcher-bench feed SAMPLES.json RULES.conf "
		    "[--offers N]");
	if ((ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err))) == NULL)
		die("%s", err);
	if ((rules = rules_load(argv[2], ref, err, sizeof(err))) == NULL)
		die("%s", err);
	res = load_ft_samples(argv[1]);
	n = json_array_size(res);
	ft_docs_make(&d, res, total, FEED_PAGE, 0, 0, NULL);
	printf("France Travail pages of %d, %d offers (the %zu samples "
	    "repeated), parsed and mapped on one core:\n", FEED_PAGE, total,
	    n);
	feed_line("without the rules", ref, NULL, &d);
	snprintf(what, sizeof(what), "with %s", argv[2]);
	feed_line(what, ref, rules, &d);

	/* Every rule searched for over the whole text: the plain way. */
	rules_set_prefilter(rules, 0);
	snprintf(what, sizeof(what), "with %s, pre-filter off", argv[2]);
	feed_line(what, ref, rules, &d);
	rules_set_prefilter(rules, 1);

	/* Long descriptions: a typical one, then the samples' joined. */
	ft_docs_make(&dl, res, total, FEED_PAGE, 0, 0, typical_description);
	snprintf(what, sizeof(what), "without the rules, every description "
	    "a typical one of %zu bytes", sizeof(typical_description) - 1);
	feed_line(what, ref, NULL, &dl);
	snprintf(what, sizeof(what), "with %s, the same", argv[2]);
	feed_line(what, ref, rules, &dl);
	ft_docs_free(&dl);
	desc = calloc(1, 1);
	for (i = 0; i < n; i++) {
		s = json_object_get(json_array_get(res, i), "description");
		if (!json_is_string(s))
			continue;
		desc = realloc(desc, dlen + json_string_length(s) + 2);
		memcpy(desc + dlen, json_string_value(s),
		    json_string_length(s));
		dlen += json_string_length(s);
		memcpy(desc + dlen, "\n", 2);
		dlen++;
	}
	ft_docs_make(&dl, res, total, FEED_PAGE, 0, 0, desc);
	snprintf(what, sizeof(what), "without the rules, every description "
	    "the %zu samples' joined (%zu bytes)", n, dlen);
	feed_line(what, ref, NULL, &dl);
	snprintf(what, sizeof(what), "with %s, the same", argv[2]);
	feed_line(what, ref, rules, &dl);
	free(desc);
	ft_docs_free(&dl);

	/* The mapping alone: offers parsed once, mapped total times. */
	printf("The same %d offers mapped alone (ft_map_offer() on the "
	    "parsed samples, no parsing), on one core:\n", total);
	map_line("without the rules", ref, NULL, res, total);
	snprintf(what, sizeof(what), "with %s", argv[2]);
	map_line(what, ref, rules, res, total);
	ft_docs_free(&d);
	json_decref(res);
	rules_free(rules);
	refdata_free(ref);
	return 0;
}

static int
bench_ftdocs(int argc, char **argv)
{
	struct ft_docs d;
	json_t *res;
	char path[4096];
	size_t max_bytes = PROTO_MAX_MESSAGE_DEFAULT - 8192;
	int total = 100000, per_doc = FT_BATCH_MAX, i;
	FILE *fp;

	for (i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--offers") == 0)
			total = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--per-doc") == 0)
			per_doc = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--max-bytes") == 0)
			max_bytes = strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (argc < 3 || i != argc || total < 1 || per_doc < 1 ||
	    per_doc > FT_BATCH_MAX || max_bytes < 4096)
		die("%s", "usage: matcher-bench ftdocs SAMPLES.json DIR "
		    "[--offers N] [--per-doc P] [--max-bytes B]");
	res = load_ft_samples(argv[1]);
	ft_docs_make(&d, res, total, per_doc, max_bytes, 1, NULL);
	for (i = 0; i < d.n; i++) {
		snprintf(path, sizeof(path), "%s/ft-%04d.json", argv[2], i + 1);
		if ((fp = fopen(path, "w")) == NULL ||
		    fwrite(d.doc[i], 1, d.len[i], fp) != d.len[i] ||
		    fclose(fp) != 0)
			die("%s: cannot write", path);
	}
	printf("%d offers in %d documents of at most %d offers and %zu "
	    "bytes\n", total, d.n, per_doc, max_bytes);
	ft_docs_free(&d);
	json_decref(res);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "score") == 0)
		return bench_score(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "rpc") == 0)
		return bench_rpc(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "feed") == 0)
		return bench_feed(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ftdocs") == 0)
		return bench_ftdocs(argc - 1, argv + 1);
	fprintf(stderr, "usage: matcher-bench score|rpc|feed|ftdocs ...\n");
	return 64;
}
