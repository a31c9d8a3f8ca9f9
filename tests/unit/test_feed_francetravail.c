/*
 * Tests for feed_francetravail*.c: each mapping rule (one test per field
 * family), the twelve offers of samples.json with their expected values,
 * records with every field missing or of every wrong JSON type (no crash,
 * a precise reason), batches with bad records in the middle, malformed
 * and oversized documents, and the free-text rules of a small rules file
 * written by the test.  Throughput is matcher-bench feed's (scripts/bench),
 * not a unit test's.
 *
 * The samples are tests/data/francetravail/samples.json, in the tree, and
 * the rules file is written from rules_text: a test that needs either
 * fails, naming the file, when it cannot be read or loaded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <msgpack.h>

#include "dates.h"
#include "domain.h"
#include "feed_francetravail.h"
#include "offer.h"
#include "refdata.h"
#include "rules.h"

#define SAMPLES_JSON	MATCHERD_SOURCE_DIR \
	"/tests/data/francetravail/samples.json"

struct fixture {
	struct refdata	*ref;
	struct rules	*rules;		/* the test's rules, or NULL */
	char		 rules_path[64];
	char		 rules_err[1024];	/* why rules is NULL */
};

/*
 * A small rules file in the format of config/rules.conf, enough to see
 * each kind of fact reach the offer.
 */
static const char rules_text[] =
    "[wording]\n"
    "required = indispensable|obligatoire|exige\n"
    "wished = apprecie|souhaite|un plus\n"
    "[licence]\n"
    "B = \\bpermis\\s+b\\b\n"
    "C = \\bpermis\\s+c\\b\n"
    "[skill]\n"
    "caces-r486 = \\bcaces\\s+(?:nacelle\\s+)?r\\s?486\\b\n"
    "sst = \\bsst\\b\n"
    "oppbtp = \\boppbtp\\b\n"
    "beton = \\bbeton\\b\n"
    "armature = \\barmatures?\\b\n"
    "[flag]\n"
    "travail_poste = \\b3\\s?x\\s?8\\b\n"
    "[duration]\n"
    "$1 = \\bmission\\s+de\\s+(\\d{1,2})\\s+mois\\b\n"
    "[rome]\n"
    "F1704 = \\bmanoeuvre\\b\n";

static int
group_setup(void **state)
{
	struct fixture *fx;
	char err[1024];
	FILE *f;
	int fd;

	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	fx->ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err));
	if (fx->ref == NULL) {
		fprintf(stderr, "refdata_load: %s\n", err);
		return -1;
	}
	snprintf(fx->rules_path, sizeof(fx->rules_path),
	    "/tmp/test_feed_ft.XXXXXX");
	if ((fd = mkstemp(fx->rules_path)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(rules_text, f);
	fclose(f);
	/* Tests that need them assert they loaded: see need_rules(). */
	fx->rules = rules_load(fx->rules_path, fx->ref, fx->rules_err,
	    sizeof(fx->rules_err));
	*state = fx;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;

	rules_free(fx->rules);
	refdata_free(fx->ref);
	unlink(fx->rules_path);
	free(fx);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* The smallest offer that maps; each case patches it. */
static const char base_json[] =
    "{\"id\": \"T1\", \"intitule\": \"Coffreur bancheur (H/F)\","
    " \"romeCode\": \"F1701\","
    " \"lieuTravail\": {\"libelle\": \"59 - DUNKERQUE\","
    " \"commune\": \"59183\"},"
    " \"typeContrat\": \"CDI\"}";

static json_t *
load(const char *text)
{
	json_error_t e;
	json_t *j;

	j = json_loads(text, JSON_DECODE_ANY, &e);
	if (j == NULL)
		fail_msg("bad test JSON at %d:%d: %s: %s", e.line, e.column,
		    e.text, text);
	return j;
}

/* The base offer with the top-level keys of patch replaced. */
static json_t *
patched(const char *patch)
{
	json_t *j = load(base_json), *p;

	if (patch != NULL) {
		p = load(patch);
		assert_int_equal(json_object_update(j, p), 0);
		json_decref(p);
	}
	return j;
}

static int
map_with(const struct fixture *fx, const struct rules *rules,
    const char *patch, struct ft_offer *fo, char *err, size_t errlen)
{
	json_t *j = patched(patch);
	int rc;

	rc = ft_map_offer(j, fx->ref, rules, fo, err, errlen);
	json_decref(j);
	return rc;
}

static void
expect_ok_rules(const struct fixture *fx, const struct rules *rules,
    const char *patch, struct ft_offer *fo)
{
	char err[FT_REASON_MAX];

	if (map_with(fx, rules, patch, fo, err, sizeof(err)) != 0)
		fail_msg("%s: rejected: %s", patch ? patch : "base", err);
}

static void
expect_ok(const struct fixture *fx, const char *patch, struct ft_offer *fo)
{
	expect_ok_rules(fx, NULL, patch, fo);
}

static void
expect_reject(const struct fixture *fx, const char *patch, const char *want)
{
	static struct ft_offer fo;
	char err[FT_REASON_MAX];

	if (map_with(fx, NULL, patch, &fo, err, sizeof(err)) != -1)
		fail_msg("%s: mapped, wanted \"%s\"", patch, want);
	if (strstr(err, want) == NULL)
		fail_msg("%s: reason \"%s\" does not hold \"%s\"", patch, err,
		    want);
}

static int
has_warning(const struct ft_offer *fo, const char *want)
{
	int i;

	for (i = 0; i < fo->nwarnings && i < FT_WARNINGS_MAX; i++)
		if (strstr(fo->warnings[i], want) != NULL)
			return 1;
	return 0;
}

#define assert_warning(fo, want) do {					\
	if (!has_warning((fo), (want)))					\
		fail_msg("no warning \"%s\" (%d warnings, first \"%s\")", \
		    (want), (fo)->nwarnings,				\
		    (fo)->nwarnings ? (fo)->warnings[0] : "");		\
} while (0)

static int
has_fact(const struct ft_offer *fo, int kind, const char *value,
    int required)
{
	int i;

	for (i = 0; i < fo->nfacts; i++)
		if (fo->facts[i].kind == kind &&
		    strcmp(fo->facts[i].value, value) == 0 &&
		    fo->facts[i].required == required)
			return 1;
	return 0;
}

static int
has_tag(char (*tags)[SKILL_MAX_LEN + 1], int n, const char *tag)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(tags[i], tag) == 0)
			return 1;
	return 0;
}

static uint32_t
lic(const char *name)
{
	int i = vocab_lookup(&vocab_licence, name, strlen(name));

	assert_true(i >= 0);
	return 1u << i;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The samples, which are in the tree: without them the test fails. */
static char *
read_samples(size_t *len)
{
	char *buf;

	if ((buf = read_file(SAMPLES_JSON, len)) == NULL)
		fail_msg("%s: %s", SAMPLES_JSON, strerror(errno));
	return buf;
}

/* The test's rules (rules_text): a test that needs them fails without. */
static const struct rules *
need_rules(const struct fixture *fx)
{
	if (fx->rules == NULL)
		fail_msg("%s, written from rules_text, did not load: %s",
		    fx->rules_path, fx->rules_err);
	return fx->rules;
}

/*
 * The core must take every mapped offer: pack it canonically and decode
 * it with offer_decode(), and get the same offer back.
 */
static void
assert_core_accepts(const struct fixture *fx, const struct offer *o)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	struct field_error fe;
	struct offer back;
	size_t off = 0;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	offer_pack(o, &pk);
	msgpack_unpacked_init(&up);
	assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, &off),
	    MSGPACK_UNPACK_SUCCESS);
	memset(&fe, 0, sizeof(fe));
	if (offer_decode(&up.data, fx->ref, &back, &fe) != 0)
		fail_msg("%s: offer_decode: %s: %s", o->id, fe.field,
		    fe.message);
	assert_string_equal(back.id, o->id);
	assert_string_equal(back.title, o->title);
	assert_string_equal(back.rome, o->rome);
	assert_int_equal(back.sector, o->sector);
	assert_string_equal(back.commune, o->commune);
	assert_true(back.lat == o->lat && back.lon == o->lon);
	assert_int_equal(back.contract, o->contract);
	assert_int_equal(back.duration_months, o->duration_months);
	assert_int_equal(back.working_time, o->working_time);
	assert_int_equal(back.positions, o->positions);
	assert_int_equal(back.level_min, o->level_min);
	assert_int_equal(back.experience_months, o->experience_months);
	assert_int_equal(back.licences_required, o->licences_required);
	assert_int_equal(back.nskills_required, o->nskills_required);
	assert_int_equal(back.nskills_wanted, o->nskills_wanted);
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
}

/* ------------------------------------------------------------------ */
/* The samples                                                         */
/* ------------------------------------------------------------------ */

struct expected {
	const char	*id;
	const char	*rome;
	const char	*commune;	/* "" for department-only */
	double		 lat, lon;	/* 0: the department's */
	int		 contract;
	int		 duration;
	int		 experience;
	int		 experience_wished;
	const char	*licences;	/* required, "" or "B" */
	const char	*wished;	/* wished licences */
	int		 level;
	int		 level_wished;
	int		 qualification;
	int		 working_time;
	int		 positions;
	int		 sector;
	int		 origin;
	int		 alternance;
};

static const struct expected samples[] = {
	{ "201KCBA", "F1701", "59359", 51.001214, 2.223048,
	  CONTRACT_ALTERNANCE, 12, 0, 0, "", "", 0, 0, 2, WORKTIME_FULL, 12,
	  SECTOR_BATIMENT, 1, 0 },
	{ "201KCBB", "F1704", "59359", 51.001214, 2.223048,
	  CONTRACT_AIDE, 6, 0, 0, "", "", 0, 0, 1, WORKTIME_FULL, 9,
	  SECTOR_BATIMENT, 1, 0 },
	{ "201KCBC", "F1705", "59463", 50.929908, 2.340101,
	  CONTRACT_INTERIM, 6, 0, 0, "B", "", 0, 0, 1, WORKTIME_FULL, 13,
	  SECTOR_BATIMENT, 1, 0 },
	{ "201KCBD", "H2903", "59359", 51.001214, 2.223048,
	  CONTRACT_ALTERNANCE, 6, 0, 0, "", "", 3, 4, 3, WORKTIME_FULL, 15,
	  SECTOR_INDUSTRIE, 1, 1 },
	{ "201KCBE", "D1408", "59183", 51.030723, 2.337524,
	  CONTRACT_CDI, 0, 0, 0, "", "", 3, 0, 6, WORKTIME_FULL, 20,
	  SECTOR_TERTIAIRE, 1, 0 },
	{ "201KCBF", "G1602", "62160", 50.727133, 1.607563,
	  CONTRACT_SAISONNIER, 4, 0, 0, "", "", 0, 0, 0, WORKTIME_FULL, 6,
	  SECTOR_HOTELLERIE, 1, 0 },
	{ "201KCBG", "F1502", "59271", 51.016787, 2.290711,
	  CONTRACT_ALTERNANCE, 3, 0, 0, "", "", 3, 0, 3, WORKTIME_FULL, 12,
	  SECTOR_BATIMENT, 1, 0 },
	{ "201KCBH", "F1705", "59155", 51.017954, 2.395808,
	  CONTRACT_ALTERNANCE, 12, 0, 0, "", "B", 0, 0, 0, WORKTIME_FULL, 1,
	  SECTOR_BATIMENT, 1, 1 },
	{ "201KCBJ", "B1803", "59273", 50.997563, 2.14413,
	  CONTRACT_CDI, 0, 12, 0, "", "", 0, 0, 0, WORKTIME_FULL, 4,
	  SECTOR_TERTIAIRE, 1, 0 },
	{ "201KCBK", "F1704", "59359", 51.001214, 2.223048,
	  CONTRACT_AIDE, 6, 0, 0, "", "", 0, 0, 0, WORKTIME_FULL, 6,
	  SECTOR_BATIMENT, 1, 0 },
	{ "201KCBL", "G1803", "", 0, 0,
	  CONTRACT_CDI, 0, 0, 6, "", "", 0, 0, 0, WORKTIME_PART, 1,
	  SECTOR_HOTELLERIE, 1, 0 },
	{ "201KCBM", "K2204", "59183", 51.030723, 2.337524,
	  CONTRACT_CDD, 8, 0, 0, "", "", 0, 0, 0, WORKTIME_PART, 1,
	  SECTOR_TERTIAIRE, 2, 0 },
};
#define NSAMPLES ((int)(sizeof(samples) / sizeof(samples[0])))

struct collect {
	const struct fixture *fx;
	struct ft_offer	 offers[16];
	int		 n;
	int		 refuse_every;	/* refuse every k-th, 0 never */
};

static int
collect_cb(const struct ft_offer *fo, void *arg)
{
	struct collect *c = arg;

	if (c->n < 16)
		c->offers[c->n] = *fo;
	c->n++;
	if (c->refuse_every > 0 && c->n % c->refuse_every == 0)
		return -1;
	return 0;
}

static void
check_sample(const struct fixture *fx, const struct ft_offer *fo,
    const struct expected *x)
{
	const struct offer *o = &fo->offer;
	char id[32];

	snprintf(id, sizeof(id), "ft-%s", x->id);
	assert_string_equal(o->id, id);
	assert_string_equal(fo->ft_id, x->id);
	assert_int_equal(o->source, SOURCE_POLE_EMPLOI);
	assert_string_equal(o->rome, x->rome);
	assert_string_equal(fo->rome_code, x->rome);
	assert_int_equal(o->rome_id, refdata_rome_id(fx->ref, x->rome, 5));
	assert_false(fo->rome_v4);
	assert_int_equal(o->sector, x->sector);
	assert_string_equal(o->commune, x->commune);
	if (x->lat != 0) {
		assert_true(fabs(o->lat - x->lat) < 1e-9);
		assert_true(fabs(o->lon - x->lon) < 1e-9);
		assert_int_equal(fo->place, FT_PLACE_COMMUNE);
		assert_false(fo->department_only);
	}
	assert_int_equal(o->contract, x->contract);
	assert_int_equal(o->duration_months, x->duration);
	assert_int_equal(o->experience_months, x->experience);
	assert_int_equal(fo->experience_wished_months, x->experience_wished);
	assert_int_equal(o->licences_required,
	    x->licences[0] ? lic(x->licences) : 0);
	assert_int_equal(fo->licences_wished,
	    x->wished[0] ? lic(x->wished) : 0);
	assert_int_equal(o->level_min, x->level);
	assert_int_equal(fo->level_wished, x->level_wished);
	assert_int_equal(fo->qualification, x->qualification);
	assert_int_equal(o->working_time, x->working_time);
	assert_int_equal(o->positions, x->positions);
	assert_int_equal(fo->origin, x->origin);
	assert_int_equal(fo->alternance, x->alternance);
	assert_int_equal(o->start, DATE_NONE);
	assert_int_equal(fo->created, date_from_ymd(2026, 11, 2));
	assert_int_equal(fo->created_at,
	    (int64_t)date_from_ymd(2026, 11, 2) * 86400 + 9 * 3600 + 14 * 60);
	assert_int_equal(fo->updated_at, fo->created_at);
	assert_int_equal(o->nskills_required, 0);
	assert_int_equal(o->nskills_wanted, 0);
	if (x->commune[0] != '\0') {
		assert_memory_equal(fo->department, x->commune, 2);
		assert_int_equal(fo->department[2], '\0');
	}
	else
		assert_string_equal(fo->department, "59");
}

/* Read in turns of 5, 3 or 1 offers, a document maps as in one go. */
static void
test_document_in_turns(void **state)
{
	const struct fixture *fx = *state;
	struct ft_batch_report *all, *turns;
	struct collect *c1, *c2;
	struct ft_doc *d;
	char *doc;
	size_t len, left, step;
	int i;

	doc = read_samples(&len);
	all = calloc(1, sizeof(*all));
	turns = calloc(1, sizeof(*turns));
	c1 = calloc(1, sizeof(*c1));
	c2 = calloc(1, sizeof(*c2));
	c1->fx = c2->fx = fx;
	assert_int_equal(ft_map_document(doc, len, fx->ref, NULL, collect_cb,
	    c1, all), 0);
	for (step = 1; step <= 5; step += 2) {
		memset(c2, 0, sizeof(*c2));
		c2->fx = fx;
		assert_non_null(d = ft_doc_open(doc, len, turns));
		for (i = 0; (left = ft_doc_map(d, fx->ref, NULL, collect_cb,
		    c2, step, turns)) > 0; i++)
			assert_true(left <= (size_t)all->offers);
		ft_doc_close(d);
		assert_int_equal(turns->mapped, all->mapped);
		assert_int_equal(turns->rejected, all->rejected);
		assert_int_equal(c2->n, c1->n);
		for (i = 0; i < c1->n; i++)
			assert_memory_equal(&c1->offers[i].offer,
			    &c2->offers[i].offer, sizeof(struct offer));
	}
	/* A document-level error, and an empty document. */
	assert_null(ft_doc_open("{\"resultats\": 3}", 16, turns));
	assert_string_equal(turns->error, "resultats: must be a list of offers");
	assert_non_null(d = ft_doc_open(" \n", 2, turns));
	assert_int_equal(ft_doc_map(d, fx->ref, NULL, collect_cb, c2, 10,
	    turns), 0);
	ft_doc_close(d);
	ft_doc_close(NULL);
	free(doc);
	free(all);
	free(turns);
	free(c1);
	free(c2);
}

static void
test_samples(void **state)
{
	const struct fixture *fx = *state;
	struct ft_batch_report *rep;
	struct collect *c;
	const struct refdata_department *d59;
	const struct ft_offer *fo;
	char *doc;
	size_t len;
	int i;

	doc = read_samples(&len);
	rep = calloc(1, sizeof(*rep));
	c = calloc(1, sizeof(*c));
	c->fx = fx;
	assert_int_equal(ft_map_document(doc, len, fx->ref, NULL, collect_cb,
	    c, rep), 0);
	assert_string_equal(rep->error, "");
	assert_int_equal(rep->offers, NSAMPLES);
	assert_int_equal(rep->mapped, NSAMPLES);
	assert_int_equal(rep->rejected, 0);
	assert_int_equal(rep->skipped, 0);
	assert_int_equal(rep->refused, 0);
	assert_int_equal(rep->utf8_repaired, 0);
	assert_int_equal(c->n, NSAMPLES);
	for (i = 0; i < NSAMPLES; i++) {
		fo = &c->offers[i];
		check_sample(fx, fo, &samples[i]);
		assert_core_accepts(fx, &fo->offer);
		/* The samples are clean: no warning at all. */
		if (fo->nwarnings != 0)
			fail_msg("%s: warning %s", fo->ft_id, fo->warnings[0]);
	}

	/* Titles and employers as sent. */
	assert_string_equal(c->offers[0].offer.title,
	    "Coffreur bancheur / Coffreuse bancheuse (H/F)");
	assert_string_equal(c->offers[0].offer.employer,
	    "BOUYGUES TRAVAUX PUBLICS");
	assert_string_equal(c->offers[0].url,
	    "https://candidat.francetravail.fr/offres/recherche/detail/"
	    "201KCBA");

	/* Without rules, competences and formations are not mapped. */
	assert_int_equal(c->offers[0].items_unmapped, 2);
	/* 201KCBD: its formation gives a (wished) level. */
	assert_int_equal(c->offers[3].items_unmapped, 0);
	assert_int_equal(c->offers[2].items_unmapped, 0);

	/* 201KCBH: B wished, and said so by a fact. */
	assert_true(has_fact(&c->offers[7], RULE_LICENCE, "B", 0));

	/* 201KCBL: department level, at Nord's reference point. */
	fo = &c->offers[10];
	assert_true(fo->department_only);
	assert_int_equal(fo->place, FT_PLACE_DEPARTMENT);
	assert_string_equal(fo->department, "59");
	d59 = refdata_department(fx->ref, "59", 2);
	assert_non_null(d59);
	assert_true(fo->offer.lat == d59->lat && fo->offer.lon == d59->lon);

	/* 201KCBM: a partner's offer, kept as pole_emploi with its origin. */
	fo = &c->offers[11];
	assert_int_equal(fo->origin, FT_ORIGIN_PARTNER);
	assert_string_equal(fo->partner, "DIRECTEMPLOI");
	assert_string_equal(fo->partner_url,
	    "https://example.invalid/offre/123");
	assert_int_equal(fo->offer.source, SOURCE_POLE_EMPLOI);

	free(c);
	free(rep);
	free(doc);
}

/* ------------------------------------------------------------------ */
/* One test per field family                                           */
/* ------------------------------------------------------------------ */

static void
test_base(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;

	expect_ok(fx, NULL, &fo);
	assert_string_equal(fo.offer.id, "ft-T1");
	assert_int_equal(fo.offer.source, SOURCE_POLE_EMPLOI);
	assert_int_equal(fo.offer.contract, CONTRACT_CDI);
	assert_int_equal(fo.offer.working_time, WORKTIME_ANY);
	assert_int_equal(fo.offer.positions, 1);
	assert_int_equal(fo.offer.start, DATE_NONE);
	assert_int_equal(fo.created, DATE_NONE);
	assert_int_equal(fo.created_at, 0);
	assert_int_equal(fo.origin, FT_ORIGIN_UNKNOWN);
	assert_int_equal(fo.nwarnings, 0);
	assert_int_equal(fo.nfacts, 0);
	assert_string_equal(fo.offer.employer, "");
	assert_core_accepts(fx, &fo.offer);

	/* Unknown fields are ignored. */
	expect_ok(fx, "{\"salaire\": {\"libelle\": \"x\"}, \"zzz\": [1, 2],"
	    " \"langues\": [{\"libelle\": \"Anglais\", \"exigence\": \"E\"}]}",
	    &fo);
	assert_int_equal(fo.nwarnings, 0);

	/* Not an object. */
	{
		char err[FT_REASON_MAX];
		json_t *j = load("[1]");

		assert_int_equal(ft_map_offer(j, fx->ref, NULL, &fo, err,
		    sizeof(err)), -1);
		assert_string_equal(err, "offer: must be an object");
		json_decref(j);
		/* A NULL or short error buffer is fine. */
		j = load("\"x\"");
		assert_int_equal(ft_map_offer(j, fx->ref, NULL, &fo, NULL, 0),
		    -1);
		assert_int_equal(ft_map_offer(j, fx->ref, NULL, &fo, err, 4),
		    -1);
		assert_int_equal(strlen(err), 3);
		json_decref(j);
		assert_int_equal(ft_map_offer(NULL, fx->ref, NULL, &fo, err,
		    sizeof(err)), -1);
	}
}

static void
test_id(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;
	char patch[200], id[70];

	expect_ok(fx, "{\"id\": \"201KCBA\"}", &fo);
	assert_string_equal(fo.offer.id, "ft-201KCBA");
	assert_string_equal(fo.ft_id, "201KCBA");

	/* 61 characters make a 64-character record id. */
	memset(id, 'A', 61);
	id[61] = '\0';
	snprintf(patch, sizeof(patch), "{\"id\": \"%s\"}", id);
	expect_ok(fx, patch, &fo);
	assert_int_equal(strlen(fo.offer.id), RECORD_ID_MAX);
	id[61] = 'A';
	id[62] = '\0';
	snprintf(patch, sizeof(patch), "{\"id\": \"%s\"}", id);
	expect_reject(fx, patch, "id: \"AAAA");

	expect_reject(fx, "{\"id\": null}", "id: missing");
	expect_reject(fx, "{\"id\": 201}", "id: must be a string");
	expect_reject(fx, "{\"id\": [\"201\"]}", "id: must be a string");
	expect_reject(fx, "{\"id\": \"\"}", "id: \"\" must be 1-61 characters");
	expect_reject(fx, "{\"id\": \"201 KCB\"}", "id: \"201 KCB\" must be");
	expect_reject(fx, "{\"id\": \"201/KCB\"}", "must be 1-61 characters");
	expect_reject(fx, "{\"id\": \"ab\\u00e9\"}", "must be 1-61");
	/* Control characters are not echoed as they are. */
	expect_reject(fx, "{\"id\": \"a\\nb\"}", "id: \"a?b\" must be");
}

static void
test_title(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;
	char patch[1200];
	int i, o;

	expect_ok(fx, "{\"intitule\": \"  Serveur /\\t Serveuse\\n(H/F) \"}",
	    &fo);
	assert_string_equal(fo.offer.title, "Serveur / Serveuse (H/F)");
	assert_int_equal(fo.nwarnings, 0);

	/* 300 bytes of "é": cut at 200 bytes, whole characters. */
	o = snprintf(patch, sizeof(patch), "{\"intitule\": \"");
	for (i = 0; i < 150; i++)
		o += snprintf(patch + o, sizeof(patch) - (size_t)o, "\xc3\xa9");
	snprintf(patch + o, sizeof(patch) - (size_t)o, "\"}");
	expect_ok(fx, patch, &fo);
	assert_int_equal(strlen(fo.offer.title), 200);
	assert_warning(&fo, "intitule: cut to 200 bytes");
	/* An odd limit falls between the two bytes of a character. */
	o = snprintf(patch, sizeof(patch), "{\"intitule\": \"x");
	for (i = 0; i < 150; i++)
		o += snprintf(patch + o, sizeof(patch) - (size_t)o, "\xc3\xa9");
	snprintf(patch + o, sizeof(patch) - (size_t)o, "\"}");
	expect_ok(fx, patch, &fo);
	assert_int_equal(strlen(fo.offer.title), 199);

	expect_reject(fx, "{\"intitule\": null}", "intitule: missing");
	expect_reject(fx, "{\"intitule\": 3}", "intitule: must be a string");
	expect_reject(fx, "{\"intitule\": {}}", "intitule: must be a string");
	expect_reject(fx, "{\"intitule\": \"\"}", "intitule: empty");
	expect_reject(fx, "{\"intitule\": \" \\t\\r\\n \"}", "intitule: empty");
}

static void
test_rome(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;
	int first, last;

	expect_ok(fx, "{\"romeCode\": \"H2903\"}", &fo);
	assert_string_equal(fo.offer.rome, "H2903");
	assert_int_equal(fo.offer.sector, SECTOR_INDUSTRIE);
	assert_false(fo.rome_v4);

	/* ROME 4.0, domain known: the domain's first v3 code, flagged. */
	expect_ok(fx, "{\"romeCode\": \"M1854\"}", &fo);
	assert_true(fo.rome_v4);
	assert_string_equal(fo.rome_code, "M1854");
	assert_string_equal(fo.offer.rome, "M1801");
	refdata_rome_domain(fx->ref, fo.offer.rome_id, &first, &last);
	assert_int_equal(fo.offer.rome_id, first);
	assert_memory_equal(fx->ref->rome[last].code, "M18", 3);
	assert_int_equal(fo.offer.sector, SECTOR_TERTIAIRE);
	assert_core_accepts(fx, &fo.offer);
	expect_ok(fx, "{\"romeCode\": \"F1799\"}", &fo);
	assert_string_equal(fo.offer.rome, "F1701");
	assert_int_equal(fo.offer.sector, SECTOR_BATIMENT);
	/* Also at the ends of the table. */
	expect_ok(fx, "{\"romeCode\": \"A1100\"}", &fo);
	assert_string_equal(fo.offer.rome, "A1101");
	expect_ok(fx, "{\"romeCode\": \"N4499\"}", &fo);
	assert_memory_equal(fo.offer.rome, "N44", 3);

	/* ROME 4.0, domain unknown: kept, matched on the exact code only. */
	expect_ok(fx, "{\"romeCode\": \"M1999\"}", &fo);
	assert_true(fo.rome_v4);
	assert_string_equal(fo.offer.rome, "M1999");
	assert_string_equal(fo.offer.rome_v4, "M1999");
	assert_int_equal(fo.offer.rome_id, -1);
	assert_int_equal(fo.offer.sector, SECTOR_TERTIAIRE);
	assert_warning(&fo, "romeCode: M1999 is not a ROME v3 code and its "
	    "domain M19 has none: kept, matched on the exact code only");
	assert_core_accepts(fx, &fo.offer);
	expect_ok(fx, "{\"romeCode\": \"Z1234\"}", &fo);
	assert_int_equal(fo.offer.rome_id, -1);

	/* Malformed. */
	expect_reject(fx, "{\"romeCode\": \"F170\"}",
	    "romeCode: \"F170\" is not a ROME code");
	expect_reject(fx, "{\"romeCode\": \"f1701\"}", "is not a ROME code");
	expect_reject(fx, "{\"romeCode\": \"F17011\"}", "is not a ROME code");
	expect_reject(fx, "{\"romeCode\": \"F17O1\"}", "is not a ROME code");
	expect_reject(fx, "{\"romeCode\": 1701}", "romeCode: must be a string");
	/* Absent, and no rules to read the title. */
	expect_reject(fx, "{\"romeCode\": null}", "romeCode: missing");
	expect_reject(fx, "{\"romeCode\": \"\"}", "romeCode: missing");
}

static void
test_place(void **state)
{
	const struct fixture *fx = *state;
	const struct commune *c, *g, *s;
	const struct refdata_department *d;
	struct ft_offer fo;

	/* INSEE and coordinates: the commune, at the API's coordinates. */
	expect_ok(fx, "{\"lieuTravail\": {\"commune\": \"59359\","
	    " \"latitude\": 51.0, \"longitude\": 2.2}}", &fo);
	assert_string_equal(fo.offer.commune, "59359");
	assert_true(fo.offer.lat == 51.0 && fo.offer.lon == 2.2);
	assert_int_equal(fo.place, FT_PLACE_COMMUNE);
	assert_string_equal(fo.department, "59");
	/* INSEE alone: the commune's centre. */
	expect_ok(fx, "{\"lieuTravail\": {\"commune\": \"62193\"}}", &fo);
	c = refdata_commune(fx->ref, "62193", 5);
	assert_string_equal(fo.offer.commune, "62193");
	assert_true(fo.offer.lat == c->lat && fo.offer.lon == c->lon);
	assert_string_equal(fo.department, "62");

	/* INSEE outside 59/62: the coordinates. */
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"75 - PARIS 01\","
	    " \"commune\": \"75101\", \"latitude\": 48.86,"
	    " \"longitude\": 2.34, \"codePostal\": \"75001\"}}", &fo);
	assert_string_equal(fo.offer.commune, "");
	assert_true(fo.offer.lat == 48.86 && fo.offer.lon == 2.34);
	assert_int_equal(fo.place, FT_PLACE_COORDS);
	assert_string_equal(fo.department, "75");
	assert_core_accepts(fx, &fo.offer);
	/* ... and without coordinates, nothing to place it by. */
	expect_reject(fx, "{\"lieuTravail\": {\"libelle\": \"75 - PARIS 01\","
	    " \"commune\": \"75101\", \"codePostal\": \"75001\"}}",
	    "lieuTravail: commune \"75101\" is not in the reference data "
	    "(59, 62) and there are no coordinates");
	expect_reject(fx, "{\"lieuTravail\": {\"libelle\": \"80 - AMIENS\"}}",
	    "lieuTravail: \"80 - AMIENS\" is no known commune or department");

	/* Coordinates alone; bad ones are ignored with a warning. */
	expect_ok(fx, "{\"lieuTravail\": {\"latitude\": 50.5,"
	    " \"longitude\": 3}}", &fo);
	assert_int_equal(fo.place, FT_PLACE_COORDS);
	assert_true(fo.offer.lat == 50.5 && fo.offer.lon == 3.0);
	expect_ok(fx, "{\"lieuTravail\": {\"latitude\": 91, \"longitude\": 3,"
	    " \"commune\": \"59183\"}}", &fo);
	assert_warning(&fo, "out of range");
	assert_string_equal(fo.offer.commune, "59183");
	c = refdata_commune(fx->ref, "59183", 5);
	assert_true(fo.offer.lat == c->lat);
	expect_ok(fx, "{\"lieuTravail\": {\"latitude\": 0, \"longitude\": 0,"
	    " \"commune\": \"59183\"}}", &fo);
	assert_true(fo.offer.lat == c->lat);
	expect_ok(fx, "{\"lieuTravail\": {\"latitude\": 51.0,"
	    " \"commune\": \"59183\"}}", &fo);
	assert_warning(&fo, "latitude and longitude must be two numbers");
	expect_ok(fx, "{\"lieuTravail\": {\"latitude\": \"51.0\","
	    " \"longitude\": \"2.3\", \"commune\": \"59183\"}}", &fo);
	assert_warning(&fo, "latitude and longitude");
	expect_reject(fx, "{\"lieuTravail\": {\"latitude\": 0,"
	    " \"longitude\": 0}}", "lieuTravail: no commune, coordinates");

	/* Postal code of one commune. */
	expect_ok(fx, "{\"lieuTravail\": {\"codePostal\": \"62100\"}}", &fo);
	assert_string_equal(fo.offer.commune, "62193");
	assert_int_equal(fo.place, FT_PLACE_POSTCODE);
	/* Of several: the one the libelle names... */
	expect_ok(fx, "{\"lieuTravail\": {\"codePostal\": \"59279\","
	    " \"libelle\": \"59 - Loon-Plage\"}}", &fo);
	assert_string_equal(fo.offer.commune, "59359");
	assert_int_equal(fo.place, FT_PLACE_POSTCODE);
	/* ... else the centre of them all, with a warning. */
	expect_ok(fx, "{\"lieuTravail\": {\"codePostal\": \"59820\"}}", &fo);
	g = refdata_commune(fx->ref, "59273", 5);
	s = refdata_commune(fx->ref, "59532", 5);
	assert_string_equal(fo.offer.commune, "");
	assert_true(fabs(fo.offer.lat - (g->lat + s->lat) / 2) < 1e-9);
	assert_true(fabs(fo.offer.lon - (g->lon + s->lon) / 2) < 1e-9);
	assert_string_equal(fo.department, "59");
	assert_warning(&fo, "59820 serves 2 communes");
	expect_ok(fx, "{\"lieuTravail\": {\"codePostal\": \"59820\","
	    " \"libelle\": \"59 - DUNKERQUE\"}}", &fo);
	assert_string_equal(fo.offer.commune, "");	/* not one of them */
	/* An unknown postal code falls through to the libelle. */
	expect_ok(fx, "{\"lieuTravail\": {\"codePostal\": \"99999\","
	    " \"libelle\": \"62 - CALAIS\"}}", &fo);
	assert_string_equal(fo.offer.commune, "62193");
	assert_int_equal(fo.place, FT_PLACE_NAME);

	/* Libelle: any case, accents, hyphens, SAINT, localities. */
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"59 - DUNKERQUE\"}}",
	    &fo);
	assert_string_equal(fo.offer.commune, "59183");
	assert_int_equal(fo.place, FT_PLACE_NAME);
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\":"
	    " \"62 - Boulogne-sur-Mer\"}}", &fo);
	assert_string_equal(fo.offer.commune, "62160");
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\":"
	    " \"59 - Saint-Pol-sur-Mer\"}}", &fo);
	assert_string_equal(fo.offer.commune, "59183");
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\":"
	    " \"59 - Villeneuve-d\\u2019Ascq\"}}", &fo);
	assert_string_equal(fo.offer.commune, "59009");
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"Gravelines\"}}",
	    &fo);
	assert_string_equal(fo.offer.commune, "59273");
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\":"
	    " \"59 - DUNKERQUE (59140)\"}}", &fo);
	assert_string_equal(fo.offer.commune, "59183");
	/* The same name in both departments: the libelle's department. */
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"62 - Saint-Aubin\"}}",
	    &fo);
	assert_string_equal(fo.offer.commune, "62742");

	/* Department only. */
	d = refdata_department(fx->ref, "62", 2);
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"62 - "
	    "Pas-de-Calais\"}}",
	    &fo);
	assert_true(fo.department_only);
	assert_int_equal(fo.place, FT_PLACE_DEPARTMENT);
	assert_string_equal(fo.department, "62");
	assert_string_equal(fo.offer.commune, "");
	assert_true(fo.offer.lat == d->lat && fo.offer.lon == d->lon);
	assert_int_equal(fo.nwarnings, 0);
	assert_core_accepts(fx, &fo.offer);
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"Nord\"}}", &fo);
	assert_true(fo.department_only);
	assert_string_equal(fo.department, "59");
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"PAS-DE-CALAIS\"}}",
	    &fo);
	assert_string_equal(fo.department, "62");
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"59\"}}", &fo);
	assert_true(fo.department_only);
	/* An unknown commune of 59: department level, with a warning. */
	expect_ok(fx, "{\"lieuTravail\": {\"libelle\": \"59 - Nulle-Part\"}}",
	    &fo);
	assert_true(fo.department_only);
	assert_warning(&fo, "unknown commune \"Nulle-Part\"");
	/* A region is not placed. */
	expect_reject(fx, "{\"lieuTravail\": {\"libelle\": "
	    "\"Hauts-de-France\"}}",
	    "lieuTravail: \"Hauts-de-France\" is no known commune");
	expect_reject(fx, "{\"lieuTravail\": {\"libelle\": \"Hauts-de-France\","
	    " \"codePostal\": \"80000\"}}", "postal code \"80000\" unknown");

	/* Missing, wrong types. */
	expect_reject(fx, "{\"lieuTravail\": null}", "lieuTravail: missing");
	expect_reject(fx, "{\"lieuTravail\": \"59 - DUNKERQUE\"}",
	    "lieuTravail: must be an object");
	expect_reject(fx, "{\"lieuTravail\": {}}",
	    "lieuTravail: no commune, coordinates, postal code or known place");
	expect_ok(fx, "{\"lieuTravail\": {\"commune\": 59183,"
	    " \"libelle\": \"59 - DUNKERQUE\"}}", &fo);
	assert_warning(&fo, "lieuTravail.commune: not a string");
	assert_string_equal(fo.offer.commune, "59183");
	expect_ok(fx, "{\"lieuTravail\": {\"codePostal\": 59140,"
	    " \"libelle\": [], \"commune\": \"59183\"}}", &fo);
	assert_warning(&fo, "lieuTravail.codePostal: not a string");
	assert_warning(&fo, "lieuTravail.libelle: not a string");
}

static void
test_contract(void **state)
{
	const struct fixture *fx = *state;
	static const struct {
		const char *type, *nature;
		int alternance, want;
	} cases[] = {
		{ "CDI", NULL, 0, CONTRACT_CDI },
		{ "CDD", NULL, 0, CONTRACT_CDD },
		{ "MIS", NULL, 0, CONTRACT_INTERIM },
		{ "SAI", NULL, 0, CONTRACT_SAISONNIER },
		{ "TTI", NULL, 0, CONTRACT_INSERTION },
		{ "DDI", NULL, 0, CONTRACT_INSERTION },
		{ "DIN", NULL, 0, CONTRACT_INTERIM },
		{ "CDD", "Contrat travail", 0, CONTRACT_CDD },
		{ "CDD", "Contrat d'usage", 0, CONTRACT_CDD },
		{ "CDD", "Contrat apprentissage", 0, CONTRACT_ALTERNANCE },
		{ "CDD", "Cont. professionnalisation", 0, CONTRACT_ALTERNANCE },
		{ "CDI", "Contrat professionnalisation", 0,
		  CONTRACT_ALTERNANCE },
		{ "CDD", "CUI - CAE", 0, CONTRACT_AIDE },
		{ "CDD", "CUI - CIE", 0, CONTRACT_AIDE },
		{ "CDD", "Emploi d'avenir", 0, CONTRACT_AIDE },
		{ "CDD", "Insertion par l'activ.\\u00e9co.", 0,
		  CONTRACT_INSERTION },
		{ "MIS", "Insertion par l'activ.\\u00e9co.", 0,
		  CONTRACT_INSERTION },
		{ "CDD", NULL, 1, CONTRACT_ALTERNANCE },
		{ "CDD", "CUI - CIE", 1, CONTRACT_ALTERNANCE },
		{ "CDI", "Contrat travail", 0, CONTRACT_CDI },
	};
	struct ft_offer fo;
	char patch[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(patch, sizeof(patch), "{\"typeContrat\": \"%s\","
		    " \"natureContrat\": %s%s%s, \"alternance\": %s}",
		    cases[i].type, cases[i].nature ? "\"" : "",
		    cases[i].nature ? cases[i].nature : "null",
		    cases[i].nature ? "\"" : "",
		    cases[i].alternance ? "true" : "false");
		expect_ok(fx, patch, &fo);
		if (fo.offer.contract != cases[i].want)
			fail_msg("%s: contract %s", patch, vocab_name(
			    &vocab_contract, fo.offer.contract));
		assert_int_equal(fo.alternance, cases[i].alternance);
		assert_int_equal(fo.nwarnings, 0);
	}

	expect_reject(fx, "{\"typeContrat\": \"LIB\"}", "typeContrat: "
	    "contract type LIB (profession lib\xc3\xa9rale) not handled");
	expect_reject(fx, "{\"typeContrat\": \"CCE\"}", "CCE");
	expect_reject(fx, "{\"typeContrat\": \"FRA\"}", "not handled");
	expect_reject(fx, "{\"typeContrat\": \"REP\"}", "not handled");
	expect_reject(fx, "{\"typeContrat\": \"XYZ\"}",
	    "typeContrat: unknown contract type \"XYZ\"");
	expect_reject(fx, "{\"typeContrat\": \"cdi\"}", "unknown contract");
	expect_reject(fx, "{\"typeContrat\": \"CDIX\"}", "unknown contract");
	expect_reject(fx, "{\"typeContrat\": null}", "typeContrat: missing");
	expect_reject(fx, "{\"typeContrat\": 1}", "typeContrat: must be a "
	    "string");

	expect_ok(fx, "{\"natureContrat\": 3, \"alternance\": \"oui\"}", &fo);
	assert_int_equal(fo.offer.contract, CONTRACT_CDI);
	assert_warning(&fo, "natureContrat: not a string");
	assert_warning(&fo, "alternance: not a boolean");
}

static void
test_duration(void **state)
{
	const struct fixture *fx = *state;
	static const struct {
		const char *type, *label;
		int want;
		const char *warning;
	} cases[] = {
		{ "CDD", "Contrat \\u00e0 dur\\u00e9e d\\u00e9termin\\u00e9e "
		  "- 12 Mois", 12, NULL },
		{ "MIS", "Mission int\\u00e9rimaire - 6 Mois", 6, NULL },
		{ "MIS", "Int\\u00e9rim - 2 Mois", 2, NULL },
		{ "SAI", "Contrat travail saisonnier - 4 Mois", 4, NULL },
		{ "CDD", "CDD - 15 Jour(s)", 1, NULL },
		{ "CDD", "CDD - 45 Jours", 2, NULL },
		{ "CDD", "CDD - 30 Jour(s)", 1, NULL },
		{ "CDD", "CDD - 3 Semaine(s)", 1, NULL },
		{ "CDD", "CDD - 2 An(s)", 24, NULL },
		{ "CDD", "CDD - 4,5 Mois", 5, NULL },
		{ "CDD", "CDD - 120 Mois", 120, NULL },
		{ "CDD", "CDD - 121 Mois", 0, "over 120" },
		{ "CDD", "CDD - 9999999 Mois", 0, "no duration" },
		{ "CDD", "Contrat \\u00e0 dur\\u00e9e d\\u00e9termin\\u00e9e",
		  0, NULL },
		{ "CDD", "CDD - longue dur\\u00e9e", 0, "no duration" },
		{ "CDD", "CDD - 6 lunes", 0, "no duration" },
		{ "CDD", "CDD - ", 0, "no duration" },
		{ "CDI", "Contrat \\u00e0 dur\\u00e9e ind\\u00e9termin\\u00e9e",
		  0, NULL },
		{ "CDI", "CDI - 6 Mois", 0, NULL },
		{ "DIN", "CDI int\\u00e9rimaire - 6 Mois", 0, NULL },
	};
	struct ft_offer fo;
	char patch[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(patch, sizeof(patch), "{\"typeContrat\": \"%s\","
		    " \"typeContratLibelle\": \"%s\"}", cases[i].type,
		    cases[i].label);
		expect_ok(fx, patch, &fo);
		if (fo.offer.duration_months != cases[i].want)
			fail_msg("%s: %d months", patch,
			    fo.offer.duration_months);
		if (cases[i].warning != NULL)
			assert_warning(&fo, cases[i].warning);
		else
			assert_int_equal(fo.nwarnings, 0);
	}
	expect_ok(fx, "{\"typeContrat\": \"CDD\", \"typeContratLibelle\": 12}",
	    &fo);
	assert_int_equal(fo.offer.duration_months, 0);
	assert_warning(&fo, "typeContratLibelle: not a string");
}

static void
test_experience(void **state)
{
	const struct fixture *fx = *state;
	static const struct {
		const char *patch;
		int months, wished;
		const char *warning;
	} cases[] = {
		{ "{\"experienceExige\": \"D\", \"experienceLibelle\":"
		  " \"D\\u00e9butant accept\\u00e9\"}", 0, 0, NULL },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"2 An(s)\"}", 24, 0, NULL },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"5 ans\"}", 60, 0, NULL },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"6 Mois\"}", 6, 0, NULL },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"Exp\\u00e9rience exig\\u00e9e de 3 An(s)\"}", 36, 0,
		  NULL },
		{ "{\"experienceExige\": \"S\", \"experienceLibelle\":"
		  " \"6 Mois\"}", 0, 6, NULL },
		{ "{\"experienceExige\": \"S\", \"experienceLibelle\":"
		  " \"1 An(s)\"}", 0, 12, NULL },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"D\\u00e9butant accept\\u00e9\"}", 0, 0, "no duration" },
		{ "{\"experienceExige\": \"E\"}", 0, 0, "no duration" },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"50 An(s)\"}", 600, 0, NULL },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\":"
		  " \"51 An(s)\"}", 0, 0, "over 600" },
		{ "{\"experienceExige\": \"X\", \"experienceLibelle\":"
		  " \"2 An(s)\"}", 0, 0, "experienceExige: \"X\" is not D, S "
		  "or E" },
		{ "{\"experienceExige\": \"EE\"}", 0, 0, "is not D, S or E" },
		{ "{\"experienceExige\": true}", 0, 0, "experienceExige: not a "
		  "string" },
		{ "{\"experienceExige\": \"E\", \"experienceLibelle\": 24}", 0,
		  0, "experienceLibelle: not a string" },
		{ "{\"experienceLibelle\": \"2 An(s)\"}", 0, 0, NULL },
	};
	struct ft_offer fo;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_ok(fx, cases[i].patch, &fo);
		if (fo.offer.experience_months != cases[i].months ||
		    fo.experience_wished_months != cases[i].wished)
			fail_msg("%s: %d months, %d wished", cases[i].patch,
			    fo.offer.experience_months,
			    fo.experience_wished_months);
		if (cases[i].warning != NULL)
			assert_warning(&fo, cases[i].warning);
		else
			assert_int_equal(fo.nwarnings, 0);
	}
}

static void
test_permis(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;
	char *patch;
	int i, o;

	expect_ok(fx, "{\"permis\": ["
	    "{\"libelle\": \"B - V\\u00e9hicule l\\u00e9ger\", \"exigence\": "
	    "\"E\"},"
	    "{\"libelle\": \"C - Poids lourd\", \"exigence\": \"S\"},"
	    "{\"libelle\": \"CE - Poids lourd + remorque\", \"exigence\": "
	    "\"E\"},"
	    "{\"libelle\": \"EB - V\\u00e9hicule l\\u00e9ger + remorque\","
	    " \"exigence\": \"S\"},"
	    "{\"libelle\": \"Permis D1\", \"exigence\": \"S\"},"
	    "{\"libelle\": \"(C1) camion\", \"exigence\": \"E\"}]}", &fo);
	assert_int_equal(fo.offer.licences_required,
	    lic("B") | lic("CE") | lic("C1"));
	assert_int_equal(fo.licences_wished, lic("C") | lic("BE") | lic("D1"));
	assert_true(has_fact(&fo, RULE_LICENCE, "C", 0));
	assert_true(has_fact(&fo, RULE_LICENCE, "BE", 0));
	assert_true(has_fact(&fo, RULE_LICENCE, "D1", 0));
	assert_false(has_fact(&fo, RULE_LICENCE, "B", 1));
	assert_int_equal(fo.items_unmapped, 0);
	assert_int_equal(fo.nwarnings, 0);
	assert_core_accepts(fx, &fo.offer);

	/* Wished and required: required. */
	expect_ok(fx, "{\"permis\": ["
	    "{\"libelle\": \"B - V\\u00e9hicule l\\u00e9ger\", \"exigence\": "
	    "\"S\"},"
	    "{\"libelle\": \"B - V\\u00e9hicule l\\u00e9ger\", \"exigence\": "
	    "\"E\"}"
	    "]}", &fo);
	assert_int_equal(fo.offer.licences_required, lic("B"));
	assert_int_equal(fo.licences_wished, 0);

	/* Unknown licence: a fact the adviser sees, counted. */
	expect_ok(fx, "{\"permis\": [{\"libelle\": \"B96 - remorque\","
	    " \"exigence\": \"E\"}]}", &fo);
	assert_int_equal(fo.offer.licences_required, 0);
	assert_int_equal(fo.items_unmapped, 1);
	assert_true(has_fact(&fo, RULE_LICENCE, "B96", 1));

	/* No or odd exigence: a wish. */
	expect_ok(fx, "{\"permis\": [{\"libelle\": \"B - V\\u00e9hicule "
	    "l\\u00e9ger\"},"
	    " {\"libelle\": \"C - Poids lourd\", \"exigence\": \"X\"},"
	    " {\"libelle\": \"D - Bus\", \"exigence\": 1}]}", &fo);
	assert_int_equal(fo.offer.licences_required, 0);
	assert_int_equal(fo.licences_wished, lic("B") | lic("C") | lic("D"));
	assert_warning(&fo, "permis[1].exigence: \"X\" is not E or S");
	assert_warning(&fo, "permis[2].exigence: \"?\" is not E or S");

	/* Bad shapes. */
	expect_ok(fx, "{\"permis\": {\"libelle\": \"B\"}}", &fo);
	assert_warning(&fo, "permis: not a list");
	expect_ok(fx, "{\"permis\": [\"B\", {}, {\"libelle\": 3}, null,"
	    " {\"libelle\": \"\", \"exigence\": \"E\"}]}", &fo);
	assert_warning(&fo, "permis[0]: no libelle");
	assert_warning(&fo, "permis[3]: no libelle");
	assert_int_equal(fo.offer.licences_required, 0);
	assert_int_equal(fo.nfacts, 0);

	/* A long list is read up to the bound. */
	patch = malloc(64 * 1024);
	assert_non_null(patch);
	o = snprintf(patch, 64 * 1024, "{\"permis\": [");
	for (i = 0; i < 100; i++)
		o += snprintf(patch + o, 64 * 1024 - (size_t)o,
		    "%s{\"libelle\": \"%s\", \"exigence\": \"E\"}",
		    i ? "," : "", i == 99 ? "CE" : "B");
	snprintf(patch + o, 64 * 1024 - (size_t)o, "]}");
	expect_ok(fx, patch, &fo);
	assert_int_equal(fo.offer.licences_required, lic("B"));
	assert_warning(&fo, "permis: 100 items, only the first 32 read");
	free(patch);
}

static void
test_level(void **state)
{
	const struct fixture *fx = *state;
	static const int want[10] = { 0, 0, 0, 3, 3, 0, 3, 4, 4, 5 };
	static const struct {
		const char *niveau;
		int level;
	} formations[] = {
		{ "Aucune formation scolaire", 0 },
		{ "Primaire \\u00e0 4\\u00e8me", 0 },
		{ "3\\u00e8me achev\\u00e9e ou Brevet", 0 },
		{ "CAP, BEP et \\u00e9quivalents", 3 },
		{ "Bac ou \\u00e9quivalent", 4 },
		{ "Niveau Bac", 4 },
		{ "Bac+2 ou \\u00e9quivalents", 5 },
		{ "Bac+3, Bac+4 ou \\u00e9quivalents", 6 },
		{ "Bac+5 et plus ou \\u00e9quivalents", 7 },
		{ "Doctorat", 8 },
	};
	struct ft_offer fo;
	char patch[256];
	int i;

	for (i = 1; i <= 9; i++) {
		snprintf(patch, sizeof(patch), "{\"qualificationCode\":"
		    " \"%d\"}", i);
		expect_ok(fx, patch, &fo);
		assert_int_equal(fo.qualification, i);
		assert_int_equal(fo.offer.level_min, want[i]);
		snprintf(patch, sizeof(patch), "{\"qualificationCode\": %d}",
		    i);
		expect_ok(fx, patch, &fo);
		assert_int_equal(fo.offer.level_min, want[i]);
	}
	expect_ok(fx, "{\"qualificationCode\": \"X\"}", &fo);
	assert_int_equal(fo.offer.level_min, 0);
	assert_warning(&fo, "qualificationCode: \"X\" is not 1-9");
	expect_ok(fx, "{\"qualificationCode\": \"10\"}", &fo);
	assert_warning(&fo, "is not 1-9");
	expect_ok(fx, "{\"qualificationCode\": 0}", &fo);
	assert_warning(&fo, "qualificationCode: not 1-9");
	expect_ok(fx, "{\"qualificationCode\": 2.5}", &fo);
	assert_warning(&fo, "qualificationCode: not 1-9");
	expect_ok(fx, "{\"qualificationCode\": [7]}", &fo);
	assert_warning(&fo, "qualificationCode: not a string");

	for (i = 0; i < (int)(sizeof(formations) / sizeof(formations[0]));
	    i++) {
		/* Required: level_min, over the grade's. */
		snprintf(patch, sizeof(patch), "{\"qualificationCode\": \"9\","
		    " \"formations\": [{\"niveauLibelle\": \"%s\","
		    " \"exigence\": \"E\"}]}", formations[i].niveau);
		expect_ok(fx, patch, &fo);
		assert_int_equal(fo.offer.level_min, formations[i].level ?
		    formations[i].level : 5);
		assert_int_equal(fo.items_unmapped,
		    formations[i].level ? 0 : 1);
		/* Wished: level_wished only. */
		snprintf(patch, sizeof(patch), "{\"formations\":"
		    " [{\"niveauLibelle\": \"%s\", \"exigence\": \"S\"}]}",
		    formations[i].niveau);
		expect_ok(fx, patch, &fo);
		assert_int_equal(fo.offer.level_min, 0);
		assert_int_equal(fo.level_wished, formations[i].level);
	}
	/* Several required formations: the lowest (alternatives). */
	expect_ok(fx, "{\"formations\": [{\"niveauLibelle\": \"Bac+2\","
	    " \"exigence\": \"E\"}, {\"niveauLibelle\": \"CAP\","
	    " \"exigence\": \"E\"}]}", &fo);
	assert_int_equal(fo.offer.level_min, 3);
	expect_ok(fx, "{\"formations\": 3}", &fo);
	assert_warning(&fo, "formations: not a list");
	expect_ok(fx, "{\"formations\": [3, {\"niveauLibelle\": 4}]}", &fo);
	assert_warning(&fo, "formations[0]: not an object");
	assert_int_equal(fo.items_unmapped, 1);
}

static void
test_worktime_positions(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;

	expect_ok(fx, "{\"dureeTravailLibelleConverti\": \"Temps plein\"}",
	    &fo);
	assert_int_equal(fo.offer.working_time, WORKTIME_FULL);
	expect_ok(fx, "{\"dureeTravailLibelleConverti\": \"Temps partiel\"}",
	    &fo);
	assert_int_equal(fo.offer.working_time, WORKTIME_PART);
	expect_ok(fx, "{\"dureeTravailLibelleConverti\": \"TEMPS PARTIEL\"}",
	    &fo);
	assert_int_equal(fo.offer.working_time, WORKTIME_PART);
	expect_ok(fx, "{\"dureeTravailLibelleConverti\": \"Mi-temps\"}", &fo);
	assert_int_equal(fo.offer.working_time, WORKTIME_ANY);
	assert_warning(&fo, "\"Mi-temps\" unknown");
	expect_ok(fx, "{\"dureeTravailLibelleConverti\": 35}", &fo);
	assert_int_equal(fo.offer.working_time, WORKTIME_ANY);
	assert_warning(&fo, "dureeTravailLibelleConverti: not a string");

	expect_ok(fx, "{\"nombrePostes\": 12}", &fo);
	assert_int_equal(fo.offer.positions, 12);
	expect_ok(fx, "{\"nombrePostes\": 1000}", &fo);
	assert_int_equal(fo.offer.positions, 1000);
	assert_int_equal(fo.nwarnings, 0);
	expect_ok(fx, "{\"nombrePostes\": 1500}", &fo);
	assert_int_equal(fo.offer.positions, 1000);
	assert_warning(&fo, "nombrePostes: 1500 over 1000");
	expect_ok(fx, "{\"nombrePostes\": 1e300}", &fo);
	assert_int_equal(fo.offer.positions, 1000);
	expect_ok(fx, "{\"nombrePostes\": -2147483648}", &fo);
	assert_int_equal(fo.offer.positions, 1);
	assert_warning(&fo, "nombrePostes: not a whole number of at least 1");
	expect_ok(fx, "{\"nombrePostes\": 0}", &fo);
	assert_int_equal(fo.offer.positions, 1);
	expect_ok(fx, "{\"nombrePostes\": 2.5}", &fo);
	assert_int_equal(fo.offer.positions, 1);
	expect_ok(fx, "{\"nombrePostes\": \"3\"}", &fo);
	assert_int_equal(fo.offer.positions, 1);
	assert_warning(&fo, "nombrePostes");
	assert_core_accepts(fx, &fo.offer);
}

static void
test_flags_dates(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;
	char name[201], patch[300];
	int32_t day = date_from_ymd(2026, 11, 2);

	expect_ok(fx, "{\"accessibleTH\": true, \"entreprise\":"
	    " {\"nom\": \" Gaz-Opale \", \"entrepriseAdaptee\": true},"
	    " \"dateCreation\": \"2026-11-02T09:14:00.000Z\","
	    " \"dateActualisation\": \"2026-11-03T10:00:00Z\"}", &fo);
	assert_true(fo.accessible_th);
	assert_true(fo.adapted_employer);
	assert_string_equal(fo.offer.employer, "Gaz-Opale");
	assert_int_equal(fo.created, day);
	assert_int_equal(fo.created_at, (int64_t)day * 86400 + 33240);
	assert_int_equal(fo.updated_at, (int64_t)(day + 1) * 86400 + 36000);
	assert_int_equal(fo.offer.start, DATE_NONE);

	/* Offsets, no seconds, a plain date. */
	expect_ok(fx, "{\"dateCreation\": \"2026-11-02T09:14+01:00\"}", &fo);
	assert_int_equal(fo.created_at, (int64_t)day * 86400 + 33240 - 3600);
	expect_ok(fx, "{\"dateCreation\": \"2026-11-02\"}", &fo);
	assert_int_equal(fo.created, day);
	assert_int_equal(fo.created_at, (int64_t)day * 86400);
	/* Bad ones are ignored. */
	expect_ok(fx, "{\"dateCreation\": \"2026-02-30T00:00:00Z\"}", &fo);
	assert_int_equal(fo.created, DATE_NONE);
	assert_int_equal(fo.created_at, 0);
	assert_warning(&fo, "dateCreation: \"2026-02-30T00:00:00Z\" is not");
	expect_ok(fx, "{\"dateCreation\": \"2026-11-02T25:00:00Z\"}", &fo);
	assert_int_equal(fo.created, DATE_NONE);
	expect_ok(fx, "{\"dateCreation\": \"2026-11-02T09:14:00Zjunk\"}", &fo);
	assert_int_equal(fo.created, DATE_NONE);
	expect_ok(fx, "{\"dateCreation\": \"2026-11-02T09\"}", &fo);
	assert_int_equal(fo.created, DATE_NONE);
	expect_ok(fx, "{\"dateCreation\": 1762074840}", &fo);
	assert_int_equal(fo.created, DATE_NONE);
	assert_warning(&fo, "dateCreation: \"?\" is not");
	expect_ok(fx, "{\"dateActualisation\": \"hier\"}", &fo);
	assert_warning(&fo, "dateActualisation: not an ISO 8601 date");

	expect_ok(fx, "{\"accessibleTH\": \"true\"}", &fo);
	assert_false(fo.accessible_th);
	assert_warning(&fo, "accessibleTH: not a boolean");

	/* Employer: optional, bounded, never rejects. */
	expect_ok(fx, "{\"entreprise\": \"SMM\"}", &fo);
	assert_warning(&fo, "entreprise: not an object");
	assert_string_equal(fo.offer.employer, "");
	expect_ok(fx, "{\"entreprise\": {\"nom\": 3, \"entrepriseAdaptee\": "
	    "1}}",
	    &fo);
	assert_warning(&fo, "entreprise.nom: not a string");
	assert_warning(&fo, "entreprise.entrepriseAdaptee: not a boolean");
	memset(name, 'A', 200);
	name[200] = '\0';
	snprintf(patch, sizeof(patch), "{\"entreprise\": {\"nom\": \"%s\"}}",
	    name);
	expect_ok(fx, patch, &fo);
	assert_int_equal(strlen(fo.offer.employer), OFFER_EMPLOYER_MAX);
	assert_warning(&fo, "entreprise.nom: cut to 128 bytes");
}

static void
test_origin(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;

	expect_ok(fx, "{\"origineOffre\": {\"origine\": \"1\","
	    " \"urlOrigine\": \"https://candidat.francetravail.fr/x\"}}", &fo);
	assert_int_equal(fo.origin, FT_ORIGIN_FRANCE_TRAVAIL);
	assert_string_equal(fo.url, "https://candidat.francetravail.fr/x");
	expect_ok(fx, "{\"origineOffre\": {\"origine\": 2, \"partenaires\":"
	    " [{\"nom\": \"INDEED\", \"url\": \"http://x.invalid/1\"},"
	    " {\"nom\": \"OTHER\"}]}}", &fo);
	assert_int_equal(fo.origin, FT_ORIGIN_PARTNER);
	assert_string_equal(fo.partner, "INDEED");
	assert_string_equal(fo.partner_url, "http://x.invalid/1");
	assert_int_equal(fo.offer.source, SOURCE_POLE_EMPLOI);
	/* The offer says it is a copy, for duplicate detection. */
	assert_string_equal(fo.offer.partner, "INDEED");
	assert_core_accepts(fx, &fo.offer);
	expect_ok(fx, "{\"origineOffre\": {\"origine\": \"2\"}}", &fo);
	assert_string_equal(fo.offer.partner, "partenaire");
	expect_ok(fx, "{\"origineOffre\": {\"origine\": \"1\", \"partenaires\":"
	    " [{\"nom\": \"INDEED\"}]}}", &fo);
	assert_string_equal(fo.offer.partner, "");

	expect_ok(fx, "{\"origineOffre\": {\"origine\": \"3\","
	    " \"urlOrigine\": \"javascript:alert(1)\", \"partenaires\":"
	    " [{\"url\": \"https://a b\"}]}}", &fo);
	assert_int_equal(fo.origin, FT_ORIGIN_UNKNOWN);
	assert_string_equal(fo.url, "");
	assert_string_equal(fo.partner_url, "");
	assert_warning(&fo, "origineOffre.origine: not 1 or 2");
	assert_warning(&fo, "origineOffre.urlOrigine: not an http(s) URL");
	assert_warning(&fo, "origineOffre.partenaires[0].url");
	expect_ok(fx, "{\"origineOffre\": [1]}", &fo);
	assert_warning(&fo, "origineOffre: not an object");
	expect_ok(fx, "{\"origineOffre\": {\"partenaires\": {\"nom\": \"X\"},"
	    " \"urlOrigine\": \"https://\"}}", &fo);
	assert_string_equal(fo.partner, "");
	assert_string_equal(fo.url, "");
}

/*
 * Every field of every sample, replaced by a value of every JSON type
 * (and removed): never a crash, and a rejection always has a reason that
 * names a field.
 */
static const char *const odd_values[] = {
	"null", "true", "false", "0", "-1", "1.5", "1e308", "\"\"",
	"\"x\"", "\"59 - \"", "[]", "[null]", "[[{}]]", "{}",
	"{\"libelle\": {}}", "\"\\u00e9\\u00e9\\u00e9\"",
};

static int mutations;

#define NODD ((int)(sizeof(odd_values) / sizeof(odd_values[0])))

static void
check_mutation(const struct fixture *fx, json_t *root, struct ft_offer *fo,
    const char *key, int k)
{
	char err[FT_REASON_MAX];
	int rc;

	err[0] = '\0';
	rc = ft_map_offer(root, fx->ref, fx->rules, fo, err, sizeof(err));
	mutations++;
	if (rc == 0)
		assert_core_accepts(fx, &fo->offer);
	else if (rc != -1 || strchr(err, ':') == NULL)
		fail_msg("%s -> %s: rc %d, \"%s\"", key,
		    k < NODD ? odd_values[k] : "(removed)", rc, err);
}

static void
mutate(const struct fixture *fx, json_t *root, json_t *node,
    struct ft_offer *fo)
{
	const char *key;
	char **keys;
	json_t *v, *saved;
	size_t i, n;
	int k;

	if (json_is_object(node)) {
		/* A snapshot: removing and putting back reorders the keys. */
		n = json_object_size(node);
		keys = calloc(n + 1, sizeof(*keys));
		i = 0;
		json_object_foreach(node, key, v)
			keys[i++] = strdup(key);
		for (i = 0; i < n; i++) {
			saved = json_incref(json_object_get(node, keys[i]));
			for (k = 0; k <= NODD; k++) {
				if (k == NODD)
					json_object_del(node, keys[i]);
				else
					json_object_set_new(node, keys[i],
					    load(odd_values[k]));
				check_mutation(fx, root, fo, keys[i], k);
			}
			json_object_set(node, keys[i], saved);
			mutate(fx, root, saved, fo);
			json_decref(saved);
			free(keys[i]);
		}
		free(keys);
	} else if (json_is_array(node)) {
		for (i = 0; i < json_array_size(node); i++) {
			saved = json_incref(json_array_get(node, i));
			for (k = 0; k < NODD; k++) {
				json_array_set_new(node, i,
				    load(odd_values[k]));
				check_mutation(fx, root, fo, "[i]", k);
			}
			json_array_set(node, i, saved);
			mutate(fx, root, saved, fo);
			json_decref(saved);
		}
	}
}

static void
test_every_field_every_type(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer *fo;
	json_t *root, *list;
	json_error_t e;
	char *doc;
	size_t len, i;

	doc = read_samples(&len);
	root = json_loadb(doc, len, 0, &e);
	assert_non_null(root);
	list = json_object_get(root, "resultats");
	fo = malloc(sizeof(*fo));
	mutations = 0;
	for (i = 0; i < json_array_size(list); i++)
		mutate(fx, json_array_get(list, i), json_array_get(list, i),
		    fo);
	fprintf(stderr, "%d mutated records mapped without a crash\n",
	    mutations);
	assert_true(mutations > 1000);
	free(fo);
	json_decref(root);
	free(doc);
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

static void
test_batch_bad_in_middle(void **state)
{
	const struct fixture *fx = *state;
	static const char doc[] =
	    "{\"resultats\": [\n"
	    " {\"id\": \"G1\", \"intitule\": \"Serveur\", \"romeCode\": "
	    "\"G1803\","
	    "  \"lieuTravail\": {\"commune\": \"59183\"}, \"typeContrat\": "
	    "\"CDI\"},\n"
	    " {\"intitule\": \"Sans id\", \"romeCode\": \"G1803\","
	    "  \"lieuTravail\": {\"commune\": \"59183\"}, \"typeContrat\": "
	    "\"CDI\"},\n"
	    " {\"id\": \"G3\", \"intitule\": \"Cuisinier\", \"romeCode\": "
	    "\"G1602\","
	    "  \"lieuTravail\": {\"commune\": \"62160\"}, \"typeContrat\": "
	    "\"SAI\"},\n"
	    " {\"id\": \"B4\", \"intitule\": \"Coach\", \"romeCode\": "
	    "\"G1803\","
	    "  \"lieuTravail\": {\"commune\": \"59183\"}, \"typeContrat\": "
	    "\"LIB\"},\n"
	    " 42,\n"
	    " {\"id\": \"bad id with spaces\", \"intitule\": \"x\"},\n"
	    " {\"id\": \"G7\", \"intitule\": \"Plongeur\", \"romeCode\": "
	    "\"G1501\","
	    "  \"lieuTravail\": {\"libelle\": \"59 - Nord\"}, "
	    "\"typeContrat\": \"CDD\","
	    "  \"nombrePostes\": \"deux\"}\n"
	    "]}";
	struct ft_batch_report *rep;
	struct collect *c;

	rep = calloc(1, sizeof(*rep));
	c = calloc(1, sizeof(*c));
	assert_int_equal(ft_map_document(doc, sizeof(doc) - 1, fx->ref, NULL,
	    collect_cb, c, rep), 0);
	assert_int_equal(rep->offers, 7);
	assert_int_equal(rep->mapped, 3);
	assert_int_equal(rep->rejected, 4);
	assert_int_equal(rep->nrejects, 4);
	assert_int_equal(rep->warnings, 1);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->offers[0].offer.id, "ft-G1");
	assert_string_equal(c->offers[1].offer.id, "ft-G3");
	assert_string_equal(c->offers[2].offer.id, "ft-G7");
	assert_true(c->offers[2].department_only);

	assert_int_equal(rep->rejects[0].index, 1);
	assert_string_equal(rep->rejects[0].id, "");
	assert_string_equal(rep->rejects[0].reason, "id: missing");
	assert_int_equal(rep->rejects[1].index, 3);
	assert_string_equal(rep->rejects[1].id, "B4");
	assert_non_null(strstr(rep->rejects[1].reason, "typeContrat: "
	    "contract type LIB"));
	assert_int_equal(rep->rejects[2].index, 4);
	assert_string_equal(rep->rejects[2].reason, "offer: must be an object");
	assert_int_equal(rep->rejects[3].index, 5);
	assert_string_equal(rep->rejects[3].id, "");	/* not printable */
	assert_non_null(strstr(rep->rejects[3].reason,
	    "id: \"bad id with spaces\""));

	/* The consumer refusing one does not stop the rest either. */
	memset(c, 0, sizeof(*c));
	c->refuse_every = 2;
	assert_int_equal(ft_map_document(doc, sizeof(doc) - 1, fx->ref, NULL,
	    collect_cb, c, rep), 0);
	assert_int_equal(rep->mapped, 3);
	assert_int_equal(rep->refused, 1);
	assert_int_equal(c->n, 3);
	/* No callback: map and count. */
	assert_int_equal(ft_map_document(doc, sizeof(doc) - 1, fx->ref, NULL,
	    NULL, NULL, rep), 0);
	assert_int_equal(rep->mapped, 3);
	free(c);
	free(rep);
}

static void
test_document_shapes(void **state)
{
	const struct fixture *fx = *state;
	struct ft_batch_report *rep;
	char doc[1024];

	rep = calloc(1, sizeof(*rep));
	/* One offer alone, and a bare list. */
	snprintf(doc, sizeof(doc), "%s", base_json);
	assert_int_equal(ft_map_document(doc, strlen(doc), fx->ref, NULL,
	    NULL, NULL, rep), 0);
	assert_int_equal(rep->offers, 1);
	assert_int_equal(rep->mapped, 1);
	snprintf(doc, sizeof(doc), "[%s, %s]", base_json, base_json);
	assert_int_equal(ft_map_document(doc, strlen(doc), fx->ref, NULL,
	    NULL, NULL, rep), 0);
	assert_int_equal(rep->mapped, 2);
	/* One offer that does not map. */
	assert_int_equal(ft_map_document("{\"id\": \"X\"}", 11, fx->ref, NULL,
	    NULL, NULL, rep), 0);
	assert_int_equal(rep->rejected, 1);
	assert_string_equal(rep->rejects[0].id, "X");
	assert_string_equal(rep->rejects[0].reason, "intitule: missing");

	/* Empty: 204 No Content, no results, null results. */
	assert_int_equal(ft_map_document("", 0, fx->ref, NULL, NULL, NULL,
	    rep), 0);
	assert_int_equal(rep->offers, 0);
	assert_int_equal(ft_map_document(" \r\n\t", 4, fx->ref, NULL, NULL,
	    NULL, rep), 0);
	assert_int_equal(rep->offers, 0);
	snprintf(doc, sizeof(doc), "{\"resultats\": [], \"filtresPossibles\":"
	    " []}");
	assert_int_equal(ft_map_document(doc, strlen(doc), fx->ref, NULL,
	    NULL, NULL, rep), 0);
	assert_int_equal(rep->offers, 0);
	assert_string_equal(rep->error, "");
	snprintf(doc, sizeof(doc), "{\"resultats\": null}");
	assert_int_equal(ft_map_document(doc, strlen(doc), fx->ref, NULL,
	    NULL, NULL, rep), 0);
	assert_int_equal(rep->offers, 0);

	/* Malformed JSON: one error, with line and column. */
	snprintf(doc, sizeof(doc), "{\"resultats\": [\n  %s,\n  {\"id\": ]}",
	    base_json);
	assert_int_equal(ft_map_document(doc, strlen(doc), fx->ref, NULL,
	    NULL, NULL, rep), -1);
	assert_int_equal(rep->mapped, 0);
	if (strncmp(rep->error, "line 3, column ", 15) != 0)
		fail_msg("error \"%s\"", rep->error);
	assert_int_equal(ft_map_document("{\"resultats\": [", 15, fx->ref,
	    NULL, NULL, NULL, rep), -1);
	assert_non_null(strstr(rep->error, "line 1"));
	/* Bytes after the document. */
	assert_int_equal(ft_map_document("{} {}", 5, fx->ref, NULL, NULL, NULL,
	    rep), -1);
	/* A NUL inside. */
	assert_int_equal(ft_map_document("{\"id\": \"a\0\"}", 12, fx->ref,
	    NULL, NULL, NULL, rep), -1);
	/* Other shapes. */
	assert_int_equal(ft_map_document("42", 2, fx->ref, NULL, NULL, NULL,
	    rep), -1);
	assert_string_equal(rep->error, "document: must be an offer, "
	    "{\"resultats\": [...]} or a list of offers");
	assert_int_equal(ft_map_document("\"x\"", 3, fx->ref, NULL, NULL, NULL,
	    rep), -1);
	assert_int_equal(ft_map_document("{\"resultats\": {}}", 17, fx->ref,
	    NULL, NULL, NULL, rep), -1);
	assert_string_equal(rep->error, "resultats: must be a list of offers");
	/* Deep nesting is refused by the parser, not by the stack. */
	{
		size_t n = 100000, i;
		char *deep = malloc(2 * n);

		assert_non_null(deep);
		for (i = 0; i < n; i++) {
			deep[i] = '[';
			deep[2 * n - 1 - i] = ']';
		}
		assert_int_equal(ft_map_document(deep, 2 * n, fx->ref, NULL,
		    NULL, NULL, rep), -1);
		free(deep);
	}
	free(rep);
}

static void
test_utf8_repair(void **state)
{
	const struct fixture *fx = *state;
	struct ft_batch_report *rep;
	struct collect *c;
	static const char doc[] =
	    "{\"id\": \"U1\", \"intitule\": \"Ma\xe7on \xc3\xa9quipe\","
	    " \"description\": \"b\xe9ton \xc0\xaf \xed\xa0\x80 \xc3\","
	    " \"romeCode\": \"F1703\", \"lieuTravail\": {\"commune\": "
	    "\"59183\"},"
	    " \"typeContrat\": \"CDI\"}";

	rep = calloc(1, sizeof(*rep));
	c = calloc(1, sizeof(*c));
	assert_int_equal(ft_map_document(doc, sizeof(doc) - 1, fx->ref, NULL,
	    collect_cb, c, rep), 0);
	assert_int_equal(rep->mapped, 1);
	/* \xe7, \xe9, \xc0, \xaf, 3 bytes of the surrogate, the cut \xc3 */
	assert_int_equal(rep->utf8_repaired, 8);
	assert_string_equal(c->offers[0].offer.title,
	    "Ma\xef\xbf\xbd" "on \xc3\xa9quipe");
	assert_core_accepts(fx, &c->offers[0].offer);
	free(c);
	free(rep);
}

static void
test_bounds(void **state)
{
	const struct fixture *fx = *state;
	struct ft_batch_report *rep;
	const size_t cap = 2u << 20;
	char *doc;
	size_t o, i;

	rep = calloc(1, sizeof(*rep));
	/* Over the size bound: refused before parsing. */
	doc = malloc(FT_DOC_MAX + 1);
	assert_non_null(doc);
	memset(doc, ' ', FT_DOC_MAX + 1);
	assert_int_equal(ft_map_document(doc, FT_DOC_MAX + 1, fx->ref, NULL,
	    NULL, NULL, rep), -1);
	assert_non_null(strstr(rep->error, "over the bound"));
	free(doc);

	/* More offers than FT_BATCH_MAX: the first ones, the rest counted. */
	doc = malloc(cap);
	assert_non_null(doc);
	o = (size_t)snprintf(doc, cap, "{\"resultats\": [");
	for (i = 0; i < FT_BATCH_MAX + 3; i++)
		o += (size_t)snprintf(doc + o, cap - o, "%s{\"id\": \"N%zu\","
		    " \"intitule\": \"x\", \"romeCode\": \"K2204\","
		    " \"lieuTravail\": {\"commune\": \"59183\"},"
		    " \"typeContrat\": \"CDD\"}", i ? "," : "", i);
	o += (size_t)snprintf(doc + o, cap - o, "]}");
	assert_true(o < cap - 1);
	assert_int_equal(ft_map_document(doc, o, fx->ref, NULL, NULL, NULL,
	    rep), 0);
	assert_int_equal(rep->offers, FT_BATCH_MAX + 3);
	assert_int_equal(rep->mapped, FT_BATCH_MAX);
	assert_int_equal(rep->skipped, 3);

	/* Many rejects: all counted, the first FT_REJECTS_MAX kept. */
	o = (size_t)snprintf(doc, cap, "{\"resultats\": [");
	for (i = 0; i < 1000; i++)
		o += (size_t)snprintf(doc + o, cap - o, "%s{\"id\": \"R%zu\"}",
		    i ? "," : "", i);
	o += (size_t)snprintf(doc + o, cap - o, "]}");
	assert_int_equal(ft_map_document(doc, o, fx->ref, NULL, NULL, NULL,
	    rep), 0);
	assert_int_equal(rep->rejected, 1000);
	assert_int_equal(rep->nrejects, FT_REJECTS_MAX);
	assert_string_equal(rep->rejects[FT_REJECTS_MAX - 1].id, "R99");
	free(doc);
	free(rep);
}

/* ------------------------------------------------------------------ */
/* Free text, through the rules                                        */
/* ------------------------------------------------------------------ */

static void
test_rules(void **state)
{
	const struct fixture *fx = *state;
	struct ft_offer fo;

	(void)need_rules(fx);

	/* Description: required and wished facts. */
	expect_ok_rules(fx, fx->rules, "{\"description\": \"Pose de pipeline."
	    " Permis B indispensable. SST souhait\\u00e9. Travail en 3x8.\"}",
	    &fo);
	assert_int_equal(fo.offer.licences_required, lic("B"));
	assert_true(has_tag(fo.offer.skills_wanted, fo.offer.nskills_wanted,
	    "sst"));
	assert_int_equal(fo.offer.nskills_required, 0);
	assert_true(has_fact(&fo, RULE_LICENCE, "B", 1));
	assert_true(has_fact(&fo, RULE_FLAG, "travail_poste", 0) ||
	    has_fact(&fo, RULE_FLAG, "travail_poste", 1));
	assert_core_accepts(fx, &fo.offer);
	/* Without rules: none of it. */
	expect_ok(fx, "{\"description\": \"Permis B indispensable.\"}", &fo);
	assert_int_equal(fo.offer.licences_required, 0);
	assert_int_equal(fo.nfacts, 0);

	/* A wished licence in the text, required by permis[]: required. */
	expect_ok_rules(fx, fx->rules, "{\"description\": \"Permis C"
	    " appr\\u00e9ci\\u00e9.\", \"permis\": [{\"libelle\":"
	    " \"C - Poids lourd\", \"exigence\": \"E\"}]}", &fo);
	assert_int_equal(fo.offer.licences_required, lic("C"));
	assert_int_equal(fo.licences_wished, 0);

	/* Duration from the text when the label has none; not for CDI. */
	expect_ok_rules(fx, fx->rules, "{\"typeContrat\": \"MIS\","
	    " \"typeContratLibelle\": \"Mission int\\u00e9rimaire\","
	    " \"description\": \"Une mission de 3 mois.\"}", &fo);
	assert_int_equal(fo.offer.duration_months, 3);
	expect_ok_rules(fx, fx->rules, "{\"typeContrat\": \"MIS\","
	    " \"typeContratLibelle\": \"Mission int\\u00e9rimaire - 6 Mois\","
	    " \"description\": \"Une mission de 3 mois.\"}", &fo);
	assert_int_equal(fo.offer.duration_months, 6);
	expect_ok_rules(fx, fx->rules, "{\"description\": \"Une mission de 3"
	    " mois.\"}", &fo);
	assert_int_equal(fo.offer.duration_months, 0);

	/* competences[]: one certain tag of an E item is required. */
	expect_ok_rules(fx, fx->rules, "{\"competences\": ["
	    "{\"libelle\": \"Couler du b\\u00e9ton\", \"exigence\": \"E\"},"
	    "{\"libelle\": \"Assembler les armatures et couler le "
	    "b\\u00e9ton\","
	    " \"exigence\": \"E\"},"
	    "{\"libelle\": \"Conduire une nacelle, CACES R486\","
	    " \"exigence\": \"S\"},"
	    "{\"libelle\": \"Accueillir une client\\u00e8le\", \"exigence\": "
	    "\"E\"}"
	    "]}", &fo);
	assert_true(has_tag(fo.offer.skills_required,
	    fo.offer.nskills_required, "beton"));
	assert_int_equal(fo.offer.nskills_required, 1);
	/* Two tags from one label: not certain, wanted. */
	assert_true(has_tag(fo.offer.skills_wanted, fo.offer.nskills_wanted,
	    "armature"));
	assert_true(has_tag(fo.offer.skills_wanted, fo.offer.nskills_wanted,
	    "caces-r486"));
	assert_false(has_tag(fo.offer.skills_wanted, fo.offer.nskills_wanted,
	    "beton"));	/* required already */
	assert_int_equal(fo.items_unmapped, 1);
	assert_core_accepts(fx, &fo.offer);

	/* formations[]: the domain label goes through the rules too. */
	expect_ok_rules(fx, fx->rules, "{\"formations\": [{\"domaineLibelle\":"
	    " \"Secourisme SST\", \"niveauLibelle\": \"CAP\","
	    " \"exigence\": \"E\"}]}", &fo);
	assert_true(has_tag(fo.offer.skills_required,
	    fo.offer.nskills_required, "sst"));
	assert_int_equal(fo.offer.level_min, 3);

	/* No romeCode: the title rules. */
	expect_ok_rules(fx, fx->rules, "{\"romeCode\": null, \"intitule\":"
	    " \"Man\\u0153uvre HSE (H/F)\"}", &fo);
	assert_true(fo.rome_from_title);
	assert_string_equal(fo.offer.rome, "F1704");
	assert_string_equal(fo.rome_code, "F1704");
	{
		static struct ft_offer tmp;
		char err[FT_REASON_MAX];

		assert_int_equal(map_with(fx, fx->rules, "{\"romeCode\": null,"
		    " \"intitule\": \"Astronaute\"}", &tmp, err, sizeof(err)),
		    -1);
		assert_string_equal(err, "romeCode: missing, and no rule maps "
		    "the title to a ROME code");
	}
}

static void
test_rules_on_samples(void **state)
{
	const struct fixture *fx = *state;
	struct ft_batch_report *rep;
	struct collect *c;
	char *doc;
	size_t len;

	(void)need_rules(fx);
	doc = read_samples(&len);
	rep = calloc(1, sizeof(*rep));
	c = calloc(1, sizeof(*c));
	assert_int_equal(ft_map_document(doc, len, fx->ref, fx->rules,
	    collect_cb, c, rep), 0);
	assert_int_equal(rep->mapped, NSAMPLES);
	/* 201KCBC: "Permis B indispensable", and OPPBTP. */
	assert_int_equal(c->offers[2].offer.licences_required, lic("B"));
	assert_true(has_tag(c->offers[2].offer.skills_wanted,
	    c->offers[2].offer.nskills_wanted, "oppbtp"));
	/* 201KCBG: "CACES nacelle R486 apprécié". */
	assert_true(has_tag(c->offers[6].offer.skills_wanted,
	    c->offers[6].offer.nskills_wanted, "caces-r486"));
	/* 201KCBK: SST in the text. */
	assert_true(has_tag(c->offers[9].offer.skills_wanted,
	    c->offers[9].offer.nskills_wanted, "sst") ||
	    has_tag(c->offers[9].offer.skills_required,
	    c->offers[9].offer.nskills_required, "sst"));
	/* 201KCBA: competences through the rules. */
	assert_true(has_tag(c->offers[0].offer.skills_wanted,
	    c->offers[0].offer.nskills_wanted, "beton"));
	free(c);
	free(rep);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_document_in_turns),
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_rome),
		cmocka_unit_test(test_place),
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_experience),
		cmocka_unit_test(test_permis),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_worktime_positions),
		cmocka_unit_test(test_flags_dates),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_every_field_every_type),
		cmocka_unit_test(test_batch_bad_in_middle),
		cmocka_unit_test(test_document_shapes),
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_rules_on_samples),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
