/*
 * Tests for refdata.c: the shipped reference files load with the expected
 * contents, lookups and ROME domains behave, the sector follows the code's
 * letter, and malformed files are refused with a "file:line:" message.
 * Malformed inputs are written to a private temporary directory.
 * Also the place lookups built from the communes file: postal codes,
 * names (with their folding) and departments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "refdata.h"

#define ROME_HDR	"code_rome;libelle\r\n"
#define COMMUNE_HDR	"code_insee;nom_commune;code_postal;" \
			"libelle_acheminement;ligne_5;latitude;longitude\r\n"
#define GOOD_ROME	ROME_HDR "F1701;Construction en b\xc3\xa9ton\r\n"
#define GOOD_COMMUNES	COMMUNE_HDR \
			"59183;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33\r\n"

/* A private directory for the hand-written files of one test. */
struct tmpdata {
	char	 dir[64];
	char	 rome[128];
	char	 communes[128];
	char	 err[512];
};

static int
group_setup(void **state)
{
	char err[512];
	struct refdata *ref;

	ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err));
	if (ref == NULL) {
		fprintf(stderr, "refdata_load: %s\n", err);
		return -1;
	}
	*state = ref;
	return 0;
}

static int
group_teardown(void **state)
{
	refdata_free(*state);
	return 0;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f;

	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
tmp_open(struct tmpdata *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_refdata.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->rome, sizeof(t->rome), "%s/rome_fiches.csv", t->dir);
	snprintf(t->communes, sizeof(t->communes), "%s/communes_59_62.csv",
	    t->dir);
	t->err[0] = '\0';
}

static void
tmp_close(struct tmpdata *t)
{
	unlink(t->rome);
	unlink(t->communes);
	assert_int_equal(rmdir(t->dir), 0);
}

/*
 * Load a data directory made of the two given texts (binary-safe lengths)
 * and return the result; the error is left in t->err.
 */
static struct refdata *
load_texts(struct tmpdata *t, const char *rome, size_t rlen,
    const char *communes, size_t clen)
{
	write_file(t->rome, rome, rlen);
	write_file(t->communes, communes, clen);
	return refdata_load(t->dir, t->err, sizeof(t->err));
}

/*
 * Expect that loading fails and that the message starts with the path of
 * the bad file (rome or communes), then ":line:".
 */
static void
expect_fail(const char *rome, size_t rlen, const char *communes, size_t clen,
    int bad_is_rome, int line)
{
	struct tmpdata t;
	char want[256];

	tmp_open(&t);
	assert_null(load_texts(&t, rome, rlen, communes, clen));
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: ",
		    bad_is_rome ? t.rome : t.communes, line);
	else
		snprintf(want, sizeof(want), "%s: ",
		    bad_is_rome ? t.rome : t.communes);
	if (strncmp(t.err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", t.err,
		    want);
	tmp_close(&t);
}

#define FAIL_ROME(text, line) \
	expect_fail(text, sizeof(text) - 1, GOOD_COMMUNES, \
	    sizeof(GOOD_COMMUNES) - 1, 1, line)
#define FAIL_COMMUNES(text, line) \
	expect_fail(GOOD_ROME, sizeof(GOOD_ROME) - 1, text, \
	    sizeof(text) - 1, 0, line)

static void
test_rome_table(void **state)
{
	const struct refdata *ref = *state;
	int i, id;

	assert_int_equal(ref->rome_count, 532);
	for (i = 1; i < ref->rome_count; i++)
		assert_true(strcmp(ref->rome[i - 1].code, ref->rome[i].code) <
		    0);
	for (i = 0; i < ref->rome_count; i++) {
		assert_int_equal(strlen(ref->rome[i].code), ROME_CODE_LEN);
		assert_non_null(ref->rome[i].label);
		assert_true(ref->rome[i].label[0] != '\0');
		assert_int_equal(ref->rome[i].sector,
		    refdata_rome_sector(ref->rome[i].code));
		assert_int_equal(refdata_rome_id(ref, ref->rome[i].code,
		    ROME_CODE_LEN), i);
	}

	id = refdata_rome_id(ref, "F1701", 5);
	assert_true(id >= 0);
	assert_string_equal(ref->rome[id].code, "F1701");
	assert_string_equal(ref->rome[id].label,
	    "Construction en b\xc3\xa9ton");
	assert_int_equal(ref->rome[id].sector, SECTOR_BATIMENT);

	/* First and last codes of the v3 list. */
	assert_int_equal(refdata_rome_id(ref, "A1101", 5), 0);
	assert_string_equal(ref->rome[ref->rome_count - 1].code, "N4403");
}

static void
test_rome_id_misses(void **state)
{
	const struct refdata *ref = *state;

	/* ROME 4.0 codes are not in the v3 table. */
	assert_int_equal(refdata_rome_id(ref, "M1854", 5), -1);
	assert_int_equal(refdata_rome_id(ref, "f1701", 5), -1);
	assert_int_equal(refdata_rome_id(ref, "F170", 4), -1);
	assert_int_equal(refdata_rome_id(ref, "", 0), -1);
	/* The length is what counts, not a terminating NUL. */
	assert_int_equal(refdata_rome_id(ref, "F17011", 6), -1);
	assert_int_equal(refdata_rome_id(ref, "F17019", 5),
	    refdata_rome_id(ref, "F1701", 5));
	assert_int_equal(refdata_rome_id(ref, "A0000", 5), -1);
	assert_int_equal(refdata_rome_id(ref, "Z9999", 5), -1);
}

static void
test_rome_domain(void **state)
{
	const struct refdata *ref = *state;
	const char *f17[] = { "F1701", "F1702", "F1703", "F1704", "F1705",
	    "F1706" };
	int first, last, id, i, f2, l2;

	id = refdata_rome_id(ref, "F1703", 5);
	refdata_rome_domain(ref, id, &first, &last);
	assert_int_equal(last - first + 1, 6);
	for (i = 0; i < 6; i++) {
		id = refdata_rome_id(ref, f17[i], 5);
		assert_true(id >= first && id <= last);
		/* Every member of the domain gives the same range. */
		refdata_rome_domain(ref, id, &f2, &l2);
		assert_int_equal(f2, first);
		assert_int_equal(l2, last);
	}
	for (i = first; i <= last; i++)
		assert_memory_equal(ref->rome[i].code, "F17", 3);
	assert_true(first > 0 && last < ref->rome_count - 1);
	assert_string_equal(ref->rome[first - 1].code, "F1613");
	assert_string_equal(ref->rome[last + 1].code, "G1101");

	/* Domains at both ends of the table. */
	refdata_rome_domain(ref, 0, &first, &last);
	assert_int_equal(first, 0);
	assert_string_equal(ref->rome[last].code, "A1101");
	refdata_rome_domain(ref, ref->rome_count - 1, &first, &last);
	assert_int_equal(last, ref->rome_count - 1);
	assert_memory_equal(ref->rome[first].code, "N44", 3);
	assert_memory_not_equal(ref->rome[first - 1].code, "N44", 3);

	/* An invalid id gives an empty range, so loops over it do nothing. */
	refdata_rome_domain(ref, -1, &first, &last);
	assert_true(last < first);
	refdata_rome_domain(ref, ref->rome_count, &first, &last);
	assert_true(last < first);
}

static void
test_same_domain(void **state)
{
	const struct refdata *ref = *state;
	int a, b, c;

	a = refdata_rome_id(ref, "F1701", 5);
	b = refdata_rome_id(ref, "F1705", 5);
	c = refdata_rome_id(ref, "F1613", 5);
	assert_true(refdata_same_domain(ref, a, b));
	assert_true(refdata_same_domain(ref, a, a));
	assert_false(refdata_same_domain(ref, a, c));
	assert_false(refdata_same_domain(ref, a, -1));
	assert_false(refdata_same_domain(ref, -1, -1));
	assert_false(refdata_same_domain(ref, ref->rome_count, a));
}

static void
test_rome_sector(void **state)
{
	(void)state;
	assert_int_equal(refdata_rome_sector("F1701"), SECTOR_BATIMENT);
	assert_int_equal(refdata_rome_sector("H2913"), SECTOR_INDUSTRIE);
	assert_int_equal(refdata_rome_sector("I1304"), SECTOR_INDUSTRIE);
	assert_int_equal(refdata_rome_sector("A1203"), SECTOR_INDUSTRIE);
	assert_int_equal(refdata_rome_sector("G1602"), SECTOR_HOTELLERIE);
	assert_int_equal(refdata_rome_sector("N4105"), SECTOR_HOTELLERIE);
	assert_int_equal(refdata_rome_sector("K2204"), SECTOR_TERTIAIRE);
	assert_int_equal(refdata_rome_sector("M1607"), SECTOR_TERTIAIRE);
	assert_int_equal(refdata_rome_sector("D1106"), SECTOR_TERTIAIRE);
	assert_int_equal(refdata_rome_sector("B1101"), SECTOR_TERTIAIRE);
	/* Well-formed codes outside the v3 table (ROME 4.0) still map. */
	assert_int_equal(refdata_rome_sector("M1854"), SECTOR_TERTIAIRE);
	assert_int_equal(refdata_rome_sector("F9999"), SECTOR_BATIMENT);
	assert_int_equal(refdata_rome_sector("Z0000"), SECTOR_TERTIAIRE);

	assert_int_equal(refdata_rome_sector(NULL), -1);
	assert_int_equal(refdata_rome_sector(""), -1);
	assert_int_equal(refdata_rome_sector("F170"), -1);
	assert_int_equal(refdata_rome_sector("F17011"), -1);
	assert_int_equal(refdata_rome_sector("f1701"), -1);
	assert_int_equal(refdata_rome_sector("1F701"), -1);
	assert_int_equal(refdata_rome_sector("F17O1"), -1);
	assert_int_equal(refdata_rome_sector("F 701"), -1);
	assert_int_equal(refdata_rome_sector("\xc3\x89" "1701"), -1);
}

static void
test_communes(void **state)
{
	const struct refdata *ref = *state;
	const struct commune *c;
	int i;

	/* 1 598 rows, 1 541 distinct INSEE codes. */
	assert_int_equal(ref->commune_count, 1541);
	for (i = 1; i < ref->commune_count; i++)
		assert_true(strcmp(ref->communes[i - 1].insee,
		    ref->communes[i].insee) < 0);

	c = refdata_commune(ref, "59183", 5);
	assert_non_null(c);
	assert_string_equal(c->insee, "59183");
	assert_string_equal(c->name, "DUNKERQUE");
	assert_true(fabs(c->lat - 51.0307229078) < 1e-9);
	assert_true(fabs(c->lon - 2.33752414095) < 1e-9);
	/* Five La Poste codes, in rows 59240 first: the lowest is shown. */
	assert_string_equal(c->postcode, "59140");
	assert_string_equal(refdata_commune(ref, "59350", 5)->postcode,
	    "59000");

	c = refdata_commune(ref, "59359", 5);
	assert_non_null(c);
	assert_string_equal(c->name, "LOON PLAGE");
	assert_true(fabs(c->lat - 51.00) < 0.01);
	assert_true(fabs(c->lon - 2.22) < 0.01);

	c = refdata_commune(ref, "62193", 5);
	assert_non_null(c);
	assert_string_equal(c->name, "CALAIS");

	/* First and last codes; the file itself is not in INSEE order. */
	assert_string_equal(ref->communes[0].insee, "59001");
	assert_string_equal(ref->communes[ref->commune_count - 1].insee,
	    "62909");
	assert_ptr_equal(refdata_commune(ref, "59001", 5), &ref->communes[0]);

	assert_null(refdata_commune(ref, "75056", 5));
	assert_null(refdata_commune(ref, "5918", 4));
	assert_null(refdata_commune(ref, "", 0));
	assert_null(refdata_commune(ref, "591830", 6));
	assert_non_null(refdata_commune(ref, "591830", 5));
	assert_null(refdata_commune(ref, "00000", 5));
	assert_null(refdata_commune(ref, "99999", 5));
}

/* A hand-written directory in LF form, without a final newline. */
static void
test_minimal_files(void **state)
{
	static const char rome[] =
	    "code_rome;libelle\n"
	    "N1101;Conduite de chariots\n"
	    "A1101;Conduite d'engins \"agricoles\"\n"
	    "F1702;Routes\n"
	    "F1701;B\xc3\xa9ton";
	static const char communes[] =
	    "code_insee;nom_commune;code_postal;libelle_acheminement;"
	    "ligne_5;latitude;longitude\n"
	    "59183;DUNKERQUE;59240;DUNKERQUE;ROSENDAEL;51.03;2.33\n"
	    "2A004;AJACCIO;20000;AJACCIO;;41.92;8.73\n"
	    "59183;DUNKERQUE BIS;59140;DUNKERQUE;;1.5;-2\n"
	    "62193;CALAIS;62100;CALAIS;;-50;-1.875";
	struct tmpdata t;
	struct refdata *ref;
	const struct commune *c;
	int first, last;

	(void)state;
	tmp_open(&t);
	ref = load_texts(&t, rome, sizeof(rome) - 1, communes,
	    sizeof(communes) - 1);
	if (ref == NULL)
		fail_msg("%s", t.err);
	assert_int_equal(ref->rome_count, 4);
	assert_string_equal(ref->rome[0].code, "A1101");
	assert_string_equal(ref->rome[0].label,
	    "Conduite d'engins \"agricoles\"");
	assert_string_equal(ref->rome[1].code, "F1701");
	assert_string_equal(ref->rome[1].label, "B\xc3\xa9ton");
	assert_string_equal(ref->rome[3].code, "N1101");
	assert_int_equal(ref->rome[3].sector, SECTOR_HOTELLERIE);
	refdata_rome_domain(ref, 2, &first, &last);
	assert_int_equal(first, 1);
	assert_int_equal(last, 2);
	refdata_rome_domain(ref, 0, &first, &last);
	assert_int_equal(first, 0);
	assert_int_equal(last, 0);

	assert_int_equal(ref->commune_count, 3);
	/* The first row of a repeated INSEE code wins. */
	c = refdata_commune(ref, "59183", 5);
	assert_non_null(c);
	assert_string_equal(c->name, "DUNKERQUE");
	assert_true(c->lat == 51.03 && c->lon == 2.33);
	/* Its postcode to show: the lowest of its rows, not the first. */
	assert_string_equal(c->postcode, "59140");
	c = refdata_commune(ref, "2A004", 5);
	assert_non_null(c);
	assert_string_equal(c->name, "AJACCIO");
	assert_string_equal(c->postcode, "20000");
	c = refdata_commune(ref, "62193", 5);
	assert_non_null(c);
	assert_true(c->lat == -50.0 && c->lon == -1.875);
	assert_string_equal(c->postcode, "62100");
	refdata_free(ref);

	/* A NULL error buffer is allowed. */
	ref = refdata_load(t.dir, NULL, 0);
	assert_non_null(ref);
	refdata_free(ref);
	tmp_close(&t);
}

static void
test_missing_files(void **state)
{
	struct tmpdata t;
	char want[256];

	(void)state;
	tmp_open(&t);
	assert_null(refdata_load(t.dir, t.err, sizeof(t.err)));
	snprintf(want, sizeof(want), "%s: ", t.rome);
	assert_memory_equal(t.err, want, strlen(want));
	assert_null(refdata_load(t.dir, NULL, 0));

	/* The ROME file alone is not enough. */
	write_file(t.rome, GOOD_ROME, sizeof(GOOD_ROME) - 1);
	assert_null(refdata_load(t.dir, t.err, sizeof(t.err)));
	snprintf(want, sizeof(want), "%s: ", t.communes);
	assert_memory_equal(t.err, want, strlen(want));

	/* A tiny error buffer is truncated, not overrun. */
	assert_null(refdata_load(t.dir, t.err, 4));
	assert_int_equal(strlen(t.err), 3);
	tmp_close(&t);
}

static void
test_bad_rome(void **state)
{
	char *big;
	size_t n;

	(void)state;
	FAIL_ROME("", 0);
	FAIL_ROME("code_rome;label\r\nF1701;x\r\n", 1);
	FAIL_ROME("\xef\xbb\xbf" "code_rome;libelle\r\nF1701;x\r\n", 1);
	FAIL_ROME(ROME_HDR, 0);
	FAIL_ROME(ROME_HDR "F1701;ok\r\nF17X1;bad code\r\n", 3);
	FAIL_ROME(ROME_HDR "F1701;ok\r\nf1702;lower case\r\n", 3);
	FAIL_ROME(ROME_HDR "F170;short\r\n", 2);
	FAIL_ROME(ROME_HDR "F17011;long\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;a;b\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;ok\r\n\r\n", 3);
	FAIL_ROME(ROME_HDR "F1701;Latin-1 b\xe9ton\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;overlong \xc0\xaf\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;surrogate \xed\xa0\x80\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;cut \xc3\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;tab\there\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;stray\rcr\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;nul\0byte\r\n", 2);
	FAIL_ROME(ROME_HDR "F1701;one\r\nF1702;two\r\nF1701;again\r\n", 4);

	/* An overlong line is refused without being buffered. */
	n = strlen(ROME_HDR) + 5000;
	big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, ROME_HDR, strlen(ROME_HDR));
	memcpy(big + strlen(ROME_HDR), "F1701;", 6);
	memset(big + strlen(ROME_HDR) + 6, 'x', n - strlen(ROME_HDR) - 6);
	big[n] = '\0';
	expect_fail(big, n, GOOD_COMMUNES, sizeof(GOOD_COMMUNES) - 1, 1, 2);
	free(big);
}

static void
test_bad_communes(void **state)
{
	(void)state;
	FAIL_COMMUNES("", 0);
	FAIL_COMMUNES("code_insee;nom_commune\r\n", 1);
	FAIL_COMMUNES(COMMUNE_HDR, 0);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33\r\n"
	    "5918;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33\r\n", 3);
	FAIL_COMMUNES(COMMUNE_HDR
	    "5918A;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "2C004;AJACCIO;20000;AJACCIO;;41.92;8.73\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "591830;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;;59140;DUNKERQUE;;51.03;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;5914;DUNKERQUE;;51.03;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51.03\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33;x\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;91.0;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51.03;-180.5\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;nan;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;inf;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;5.1e1;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;; 51.03;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51,03;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51.;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;.5;2.33\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;;\r\n", 2);
	FAIL_COMMUNES(COMMUNE_HDR
	    "59183;DUNKERQUE;59140;DUNKERQUE;;51.03;2.33\r\n"
	    "59359;LOON PLAGE;59279;LOON PLAGE;;51.00;2.22\r\n"
	    "59273;GRAVELINES;59820;GRAVELINES;;50.99;\r\n", 4);
}

/* Postal codes: one commune, several, none, malformed. */
static void
test_postcodes(void **state)
{
	const struct refdata *ref = *state;
	const struct commune *c, *out[8];
	int i, n;

	c = refdata_commune_by_postcode(ref, "59140", 5);
	assert_non_null(c);
	assert_string_equal(c->insee, "59183");
	c = refdata_commune_by_postcode(ref, "62100", 5);
	assert_non_null(c);
	assert_string_equal(c->name, "CALAIS");
	/* The length is what counts. */
	assert_non_null(refdata_commune_by_postcode(ref, "591401", 5));

	/* Three communes, in INSEE order; the lookup of one refuses. */
	n = refdata_postcode_communes(ref, "59279", 5, out, 8);
	assert_int_equal(n, 3);
	assert_string_equal(out[0]->name, "CRAYWICK");
	assert_string_equal(out[1]->name, "DUNKERQUE");
	assert_string_equal(out[2]->name, "LOON PLAGE");
	assert_null(refdata_commune_by_postcode(ref, "59279", 5));
	/* Fewer slots than communes: the count is still the total. */
	assert_int_equal(refdata_postcode_communes(ref, "59279", 5, out, 1),
	    3);
	assert_string_equal(out[0]->name, "CRAYWICK");
	assert_int_equal(refdata_postcode_communes(ref, "62130", 5, NULL, 0),
	    33);
	assert_int_equal(refdata_postcode_communes(ref, "59820", 5, out, 8),
	    2);

	/* A commune with several codes answers to each. */
	assert_string_equal(refdata_commune_by_postcode(ref, "59000", 5)->insee,
	    "59350");
	assert_string_equal(refdata_commune_by_postcode(ref, "59800", 5)->insee,
	    "59350");

	assert_int_equal(refdata_postcode_communes(ref, "75001", 5, out, 8),
	    0);
	assert_int_equal(refdata_postcode_communes(ref, "00000", 5, out, 8),
	    0);
	assert_int_equal(refdata_postcode_communes(ref, "99999", 5, out, 8),
	    0);
	assert_int_equal(refdata_postcode_communes(ref, "5914", 4, out, 8), 0);
	assert_int_equal(refdata_postcode_communes(ref, "5914A", 5, out, 8),
	    0);
	assert_int_equal(refdata_postcode_communes(ref, "", 0, out, 8), 0);
	assert_int_equal(refdata_postcode_communes(ref, NULL, 5, out, 8), 0);
	assert_null(refdata_commune_by_postcode(ref, "75001", 5));

	/* Distinct sorted pairs; every commune has a code. */
	assert_int_equal(ref->postcode_count, 1554);
	for (i = 1; i < ref->postcode_count; i++) {
		n = strcmp(ref->postcodes[i - 1].code, ref->postcodes[i].code);
		assert_true(n < 0 || (n == 0 && ref->postcodes[i - 1].commune <
		    ref->postcodes[i].commune));
	}
	{
		char *seen = calloc((size_t)ref->commune_count, 1);

		assert_non_null(seen);
		for (i = 0; i < ref->postcode_count; i++)
			seen[ref->postcodes[i].commune] = 1;
		for (i = 0; i < ref->commune_count; i++)
			assert_true(seen[i]);
		free(seen);
	}
}

static void
expect_key(const char *in, const char *want)
{
	char out[128];
	size_t n;

	n = refdata_name_key(in, strlen(in), out, sizeof(out));
	if (strcmp(out, want) != 0)
		fail_msg("key of \"%s\" is \"%s\", want \"%s\"", in, out, want);
	assert_int_equal(n, strlen(want));
}

static void
test_name_key(void **state)
{
	char out[8];

	(void)state;
	expect_key("DUNKERQUE", "DUNKERQUE");
	expect_key("dunkerque", "DUNKERQUE");
	expect_key("Saint-Pol-sur-Mer", "ST POL SUR MER");
	expect_key("ST POL SUR MER", "ST POL SUR MER");
	expect_key("  Boulogne-sur-Mer ", "BOULOGNE SUR MER");
	expect_key("Villeneuve-d'Ascq", "VILLENEUVE D ASCQ");
	expect_key("Villeneuve-d\xe2\x80\x99" "Ascq", "VILLENEUVE D ASCQ");
	expect_key("Sainte-Catherine", "STE CATHERINE");
	expect_key("SAINT", "ST");
	expect_key("Saintes", "SAINTES");
	expect_key("Touquet-Paris-Plage (Le)", "TOUQUET PARIS PLAGE LE");
	expect_key("\xc3\x89" "coust-Saint-Mein", "ECOUST ST MEIN");
	expect_key("\xc5\x92uf-en-Ternois", "OEUF EN TERNOIS");
	expect_key("\xc5\x93uf", "OEUF");
	expect_key("\xc3\x86" "sop \xc3\x9f \xc3\xbe \xc3\xbf \xc5\xb8",
	    "AESOP SS TH Y Y");
	expect_key("\xc3\xa0\xc3\xa2\xc3\xa4\xc3\xa7\xc3\xa8\xc3\xa9\xc3\xaa"
	    "\xc3\xab\xc3\xae\xc3\xaf\xc3\xb4\xc3\xb6\xc3\xb9\xc3\xbb\xc3\xbc",
	    "AAACEEEEIIOOUUU");
	expect_key("a\xc3\x97" "b\xc3\xb7" "c", "A B C");	/* × ÷ */
	expect_key("59 - Loon-Plage", "59 LOON PLAGE");
	/* Invalid UTF-8 and other scripts are word breaks. */
	expect_key("Gra\xe9velines", "GRA VELINES");
	expect_key("a\xc3", "A");
	expect_key("\xed\xa0\x80x", "X");
	expect_key("\xe2\x82\xac" "5", "5");
	expect_key("", "");
	expect_key(" - ' . ", "");
	/* Bounded output, always terminated. */
	assert_int_equal(refdata_name_key("Dunkerque", 9, out, sizeof(out)),
	    7);
	assert_string_equal(out, "DUNKERQ");
	assert_int_equal(refdata_name_key("Loon Plage", 10, out, sizeof(out)),
	    7);
	assert_string_equal(out, "LOON PL");
	assert_int_equal(refdata_name_key("Dunkerque", 9, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(refdata_name_key("Dunkerque", 9, out, 0), 0);
	/* The length given is what counts. */
	assert_int_equal(refdata_name_key("Loon-Plage", 4, out, sizeof(out)),
	    4);
	assert_string_equal(out, "LOON");
}

static void
test_commune_by_name(void **state)
{
	const struct refdata *ref = *state;
	const struct commune *c;

#define BY_NAME(dept, name) refdata_commune_by_name(ref, dept, name, \
	    strlen(name))
	c = BY_NAME(NULL, "Dunkerque");
	assert_non_null(c);
	assert_string_equal(c->insee, "59183");
	assert_ptr_equal(BY_NAME("59", "DUNKERQUE"), c);
	assert_ptr_equal(BY_NAME("", "dunkerque"), c);
	assert_null(BY_NAME("62", "Dunkerque"));
	assert_string_equal(BY_NAME("59", "Loon-Plage")->insee, "59359");
	assert_string_equal(BY_NAME(NULL, "Boulogne-sur-Mer")->insee, "62160");
	assert_string_equal(BY_NAME(NULL, "Villeneuve d'Ascq")->insee, "59009");
	/* Localities of a commune (ligne_5) and delivery labels. */
	assert_ptr_equal(BY_NAME("59", "Saint-Pol-sur-Mer"), c);
	assert_ptr_equal(BY_NAME(NULL, "Malo-les-Bains"), c);
	assert_ptr_equal(BY_NAME(NULL, "Rosendael"), c);
	assert_ptr_equal(BY_NAME(NULL, "Fort-Mardyck"), c);
	assert_string_equal(BY_NAME(NULL, "Lomme")->insee, "59350");
	assert_string_equal(BY_NAME(NULL, "Pont-de-Briques-Saint-Etienne")
	    ->insee, "62746");
	/* One name, two departments. */
	assert_null(BY_NAME(NULL, "Saint-Aubin"));
	assert_string_equal(BY_NAME("59", "Saint-Aubin")->insee, "59529");
	assert_string_equal(BY_NAME("62", "ST AUBIN")->insee, "62742");
	/* Not found. */
	assert_null(BY_NAME(NULL, "Paris"));
	assert_null(BY_NAME(NULL, "Nord"));
	assert_null(BY_NAME(NULL, "Dunker"));
	assert_null(BY_NAME(NULL, "Dunkerques"));
	assert_null(BY_NAME(NULL, ""));
	assert_null(BY_NAME(NULL, " - "));
	assert_null(BY_NAME("5", "Dunkerque"));
	assert_null(refdata_commune_by_name(ref, NULL, NULL, 3));
#undef BY_NAME
	/* Sorted by key, alias, commune; one entry per (key, commune). */
	{
		int i, k;

		for (i = 1; i < ref->name_count; i++) {
			k = strcmp(ref->names[i - 1].key, ref->names[i].key);
			assert_true(k < 0 || (k == 0 &&
			    (ref->names[i - 1].alias < ref->names[i].alias ||
			    (ref->names[i - 1].alias == ref->names[i].alias &&
			    ref->names[i - 1].commune <
			    ref->names[i].commune))));
		}
		for (i = 0; i < ref->commune_count; i++)
			assert_ptr_equal(refdata_commune_by_name(ref,
			    ref->communes[i].insee[1] == '9' ? "59" : "62",
			    ref->communes[i].name,
			    strlen(ref->communes[i].name)),
			    &ref->communes[i]);
	}
}

static void
test_departments(void **state)
{
	const struct refdata *ref = *state;
	const struct refdata_department *d59, *d62;
	double lat = 0, lon = 0;
	int i, n = 0;

	assert_int_equal(ref->department_count, 2);
	d59 = refdata_department(ref, "59", 2);
	d62 = refdata_department(ref, "62", 2);
	assert_non_null(d59);
	assert_non_null(d62);
	assert_string_equal(d59->code, "59");
	assert_int_equal(d59->communes + d62->communes, ref->commune_count);
	assert_int_equal(d59->communes, 648);
	assert_int_equal(d62->communes, 893);
	/* The mean of the communes' coordinates. */
	for (i = 0; i < ref->commune_count; i++)
		if (memcmp(ref->communes[i].insee, "59", 2) == 0) {
			lat += ref->communes[i].lat;
			lon += ref->communes[i].lon;
			n++;
		}
	assert_true(fabs(d59->lat - lat / n) < 1e-9);
	assert_true(fabs(d59->lon - lon / n) < 1e-9);
	assert_true(fabs(d59->lat - 50.4172) < 1e-3);
	assert_true(fabs(d59->lon - 3.2600) < 1e-3);
	assert_true(fabs(d62->lat - 50.4592) < 1e-3);
	assert_true(fabs(d62->lon - 2.3366) < 1e-3);
	/* The length counts. */
	assert_ptr_equal(refdata_department(ref, "59183", 2), d59);
	assert_null(refdata_department(ref, "75", 2));
	assert_null(refdata_department(ref, "5", 1));
	assert_null(refdata_department(ref, "590", 3));
	assert_null(refdata_department(ref, NULL, 2));

	assert_int_equal(refdata_department_len("59183"), 2);
	assert_int_equal(refdata_department_len("2A004"), 2);
	assert_int_equal(refdata_department_len("97101"), 3);
}

/*
 * Hand-written files: own names win over aliases, aliases of the same
 * commune count once, departments of Corsica and overseas, an empty
 * ligne_5 is no alias.
 */
static void
test_places_minimal(void **state)
{
	static const char communes[] =
	    "code_insee;nom_commune;code_postal;libelle_acheminement;"
	    "ligne_5;latitude;longitude\n"
	    "59001;PLAGEVILLE;59100;PLAGEVILLE;BEACH;50.0;3.0\n"
	    "59001;PLAGEVILLE;59101;PLAGEVILLE;BEACH;50.0;3.0\n"
	    "59002;BEACH;59100;BEACH;;51.0;2.0\n"
	    "62001;HAVRE;62100;PORT HAVRE;;50.0;1.0\n"
	    "62002;HAVRE NORD;62100;PORT HAVRE;;50.2;1.2\n"
	    "2A004;AJACCIO;20000;AJACCIO;;41.92;8.73\n"
	    "97101;ABYMES;97139;LES ABYMES;;16.27;-61.50\n";
	struct tmpdata t;
	struct refdata *ref;
	const struct commune *out[4];
	const struct refdata_department *d;

	(void)state;
	tmp_open(&t);
	ref = load_texts(&t, GOOD_ROME, sizeof(GOOD_ROME) - 1, communes,
	    sizeof(communes) - 1);
	if (ref == NULL)
		fail_msg("%s", t.err);
	assert_int_equal(ref->commune_count, 6);
	/* "BEACH" is a commune and a locality of PLAGEVILLE: the commune. */
	assert_string_equal(refdata_commune_by_name(ref, NULL, "Beach", 5)
	    ->insee, "59002");
	/* A delivery label shared by two communes names neither. */
	assert_null(refdata_commune_by_name(ref, NULL, "Port-Havre", 10));
	assert_string_equal(refdata_commune_by_name(ref, NULL, "Havre", 5)
	    ->insee, "62001");
	assert_string_equal(refdata_commune_by_name(ref, "2A", "Ajaccio", 7)
	    ->insee, "2A004");
	assert_string_equal(refdata_commune_by_name(ref, "971", "Abymes", 6)
	    ->insee, "97101");
	assert_string_equal(refdata_commune_by_name(ref, NULL, "Les Abymes",
	    10)->insee, "97101");
	assert_int_equal(refdata_postcode_communes(ref, "59100", 5, out, 4),
	    2);
	assert_int_equal(refdata_postcode_communes(ref, "59101", 5, out, 4),
	    1);
	assert_int_equal(refdata_postcode_communes(ref, "62100", 5, out, 4),
	    2);
	assert_int_equal(ref->department_count, 4);
	d = refdata_department(ref, "59", 2);
	assert_int_equal(d->communes, 2);
	assert_true(d->lat == 50.5 && d->lon == 2.5);
	assert_non_null(refdata_department(ref, "2A", 2));
	d = refdata_department(ref, "971", 3);
	assert_non_null(d);
	assert_true(d->lat == 16.27);
	assert_null(refdata_department(ref, "97", 2));
	refdata_free(ref);
	tmp_close(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rome_table),
		cmocka_unit_test(test_rome_id_misses),
		cmocka_unit_test(test_rome_domain),
		cmocka_unit_test(test_same_domain),
		cmocka_unit_test(test_rome_sector),
		cmocka_unit_test(test_communes),
		cmocka_unit_test(test_minimal_files),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_bad_rome),
		cmocka_unit_test(test_bad_communes),
		cmocka_unit_test(test_postcodes),
		cmocka_unit_test(test_name_key),
		cmocka_unit_test(test_commune_by_name),
		cmocka_unit_test(test_departments),
		cmocka_unit_test(test_places_minimal),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
