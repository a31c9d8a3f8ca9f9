/*
 * Tests for csvrec.c: header mapping (French and English names, accents,
 * unknown and repeated columns), value labels, lists, jobs, dates,
 * separators, BOM, CRLF, quotes, empty lines, wrong column counts, long
 * values and unclosed quotes, and an export/import round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvrec.h"

#define MAX_ITEMS 256

struct run {
	struct csvrec_item	 items[MAX_ITEMS];
	int			 n;
	int			 rc;		/* -1: header refused */
	char			 error[256];
};

/* Feed text line by line, as matchctl does, and collect the rows. */
static void
feed(enum csvrec_kind kind, const char *text, struct run *r)
{
	struct csvrec_in *in;
	const char *p = text, *nl;
	size_t len;

	memset(r, 0, sizeof(*r));
	assert_non_null(in = csvrec_in_new(kind));
	while (*p != '\0' && r->rc == 0) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p + 1) : strlen(p);
		r->rc = csvrec_in_line(in, p, len);
		p += len;
		while (r->n < MAX_ITEMS && csvrec_in_next(in, &r->items[r->n]))
			r->n++;
	}
	if (r->rc == 0)
		r->rc = csvrec_in_end(in);
	while (r->n < MAX_ITEMS && csvrec_in_next(in, &r->items[r->n]))
		r->n++;
	snprintf(r->error, sizeof(r->error), "%s", csvrec_in_error(in));
	csvrec_in_free(in);
}

static void
run_free(struct run *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		json_decref(r->items[i].rec);
}

/* The record of item i, compared with the JSON text want. */
static void
assert_rec(const struct run *r, int i, const char *want)
{
	json_t *w;
	char *got;

	assert_true(i < r->n);
	if (r->items[i].rec == NULL)
		fail_msg("line %lu rejected: %s: %s", r->items[i].line,
		    r->items[i].field, r->items[i].message);
	assert_non_null(w = json_loads(want, 0, NULL));
	if (!json_equal(w, r->items[i].rec)) {
		got = json_dumps(r->items[i].rec, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("line %lu: got %s", r->items[i].line, got);
	}
	json_decref(w);
}

static void
assert_rejected(const struct run *r, int i, unsigned long line,
    const char *field, const char *msgpart)
{
	assert_true(i < r->n);
	assert_null(r->items[i].rec);
	assert_int_equal(r->items[i].line, line);
	assert_string_equal(r->items[i].field, field);
	if (strstr(r->items[i].message, msgpart) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", r->items[i].message,
		    msgpart);
}

static void
test_candidate_french(void **state)
{
	struct run r;

	(void)state;
	feed(CSVREC_CANDIDATE,
	    "\xef\xbb\xbfId;Secteurs;Métiers;Compétences;Permis;Véhicule;"
	    "Niveau;Commune;Rayon (km);Disponible le;Contrats;"
	    "Temps de travail;Date de naissance;Critères;Freins;Statut;"
	    "Conseillère;Consentement\r\n"
	    "c-1;Bâtiment|Industrie;f1701:24|F1704;SST, CACES-R489-3;b|c;"
	    "oui;3;59183;25;01/03/2025;CDI|Intérim|Contrat de "
	    "professionnalisation;Temps plein;5/9/1990;RSA|RQTH|Réfugié;"
	    "Garde d'enfants;Disponible;Mme Lefèvre;Non\r\n", &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.items[0].line, 2);
	assert_string_equal(r.items[0].id, "c-1");
	assert_rec(&r, 0, "{\"id\":\"c-1\",\"sectors\":[\"batiment\","
	    "\"industrie\"],\"jobs\":[{\"rome\":\"F1701\",\"months\":24},"
	    "{\"rome\":\"F1704\",\"months\":0}],\"skills\":[\"sst\","
	    "\"caces-r489-3\"],\"licences\":[\"B\",\"C\"],\"vehicle\":true,"
	    "\"level\":3,\"commune\":\"59183\",\"radius_km\":25,"
	    "\"available_from\":\"2025-03-01\",\"contracts\":[\"cdi\","
	    "\"interim\",\"alternance\"],\"working_time\":\"full\","
	    "\"birth_date\":\"1990-09-05\",\"criteria\":[\"rsa\",\"th\","
	    "\"refugie\"],\"barriers\":[\"garde_enfants\"],"
	    "\"status\":\"available\",\"adviser\":\"Mme Lefèvre\","
	    "\"consent_partners\":false}");
	run_free(&r);
}

static void
test_offer_english_comma(void **state)
{
	struct run r;

	(void)state;
	feed(CSVREC_OFFER,
	    "id,source,title,rome,employer,commune,contract,duration_months,"
	    "start,positions,clause_operation,clause_criteres,clause_heures\n"
	    "o-1,Clause emploi,\"Coffreur, bancheur (H/F)\",f1701,"
	    "\"Bouygues \"\"TP\"\"\",59183,CDD,6,2025-04-01,3,Terminal GNL,"
	    "DELD|QPV,350\n"
	    "o-2,France Travail,Serveur,G1803,,59183,Saisonnier,,,,,,\n",
	    &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 2);
	assert_rec(&r, 0, "{\"id\":\"o-1\",\"source\":\"clause\","
	    "\"title\":\"Coffreur, bancheur (H/F)\",\"rome\":\"F1701\","
	    "\"employer\":\"Bouygues \\\"TP\\\"\",\"commune\":\"59183\","
	    "\"contract\":\"cdd\",\"duration_months\":6,"
	    "\"start\":\"2025-04-01\",\"positions\":3,\"clause\":"
	    "{\"operation\":\"Terminal GNL\",\"criteria\":[\"deld\",\"qpv\"],"
	    "\"hours\":350}}");
	assert_rec(&r, 1, "{\"id\":\"o-2\",\"source\":\"pole_emploi\","
	    "\"title\":\"Serveur\",\"rome\":\"G1803\",\"commune\":\"59183\","
	    "\"contract\":\"saisonnier\"}");
	run_free(&r);
}

static void
test_bad_lines(void **state)
{
	struct run r;

	(void)state;
	feed(CSVREC_CANDIDATE,
	    "id;secteurs;metiers;niveau;disponible_le;vehicule;lat\n"
	    "\n"
	    "c-1;batiment;F1701:24;3;;;\n"
	    ";;;;;;\r\n"
	    "c-2;batiment;F1701:24;trois;;;\n"
	    "c-3;batiment;F1701\n"
	    "c-4;aviation;F1701;;;;\n"
	    "c-5;batiment;F1701;;31-02;;\n"
	    "c-6;batiment;F1701:beaucoup;;;;\n"
	    "c-7;batiment;F1701;;;peut-être;\n"
	    "c-8;batiment;F1701;;;;50,97\n"
	    "c-9;batiment;F1701;;;;nord\n"
	    "c-10;\"batiment\n"
	    "industrie\";F1701;;;;\n"
	    "c-11;batiment;F1701;;;;;\n", &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 11);
	assert_rec(&r, 0, "{\"id\":\"c-1\",\"sectors\":[\"batiment\"],"
	    "\"jobs\":[{\"rome\":\"F1701\",\"months\":24}],\"level\":3}");
	assert_int_equal(r.items[0].line, 3);
	assert_rejected(&r, 1, 5, "level", "not a whole number");
	assert_string_equal(r.items[1].id, "c-2");
	assert_rejected(&r, 2, 6, "", "3 columns, the header has 7");
	assert_string_equal(r.items[2].id, "c-3");
	assert_rejected(&r, 3, 7, "sectors", "unknown value \"aviation\"");
	assert_rejected(&r, 4, 8, "available_from", "not a date");
	assert_rejected(&r, 5, 9, "jobs", "not a whole number");
	assert_rejected(&r, 6, 10, "vehicle", "unknown value");
	assert_rec(&r, 7, "{\"id\":\"c-8\",\"sectors\":[\"batiment\"],"
	    "\"jobs\":[{\"rome\":\"F1701\",\"months\":0}],\"lat\":50.97}");
	assert_rejected(&r, 8, 12, "lat", "not a number");
	/* A quoted cell over two lines: the row starts on line 13. */
	assert_rec(&r, 9, "{\"id\":\"c-10\",\"sectors\":[\"batiment\","
	    "\"industrie\"],\"jobs\":[{\"rome\":\"F1701\",\"months\":0}]}");
	assert_int_equal(r.items[9].line, 13);
	assert_rejected(&r, 10, 15, "", "8 columns, the header has 7");
	run_free(&r);
}

static void
test_header_errors(void **state)
{
	struct run r;

	(void)state;
	feed(CSVREC_CANDIDATE, "\n\nid;secteurs;couleur\nc-1;batiment;bleu\n",
	    &r);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.n, 0);
	assert_non_null(strstr(r.error, "line 3"));
	assert_non_null(strstr(r.error, "unknown column \"couleur\""));

	feed(CSVREC_CANDIDATE, "id;secteurs;Secteur\n", &r);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.error, "given twice"));

	feed(CSVREC_OFFER, "titre;rome\n", &r);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.error, "no id column"));

	/* Notes and unnamed columns are ignored; no header, no rows. */
	feed(CSVREC_CANDIDATE, "id;# notes;\nc-1;à rappeler;\n", &r);
	assert_int_equal(r.rc, 0);
	assert_rec(&r, 0, "{\"id\":\"c-1\"}");
	run_free(&r);
	feed(CSVREC_CANDIDATE, "", &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 0);
}

/*
 * Found by tests/fuzz/fuzz_csvrec (tests/fuzz/regressions/csvrec/): a
 * lone CR ends a row inside one line, so a row followed the refused
 * header in the same csv_parse() call and was read with no id column
 * (row[-1]).  The file is refused, and no row comes out.
 */
static void
test_header_refused_then_row(void **state)
{
	struct run r;

	(void)state;
	feed(CSVREC_CANDIDATE, "couleur;id\rc-1;bleu\n", &r);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.n, 0);
	assert_non_null(strstr(r.error, "unknown column \"couleur\""));
	feed(CSVREC_OFFER, "titre\ro-1\ro-2\n", &r);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.n, 0);
	assert_non_null(strstr(r.error, "no id column"));
}

static void
test_bounds(void **state)
{
	struct run r;
	char *text, *p;
	size_t i;

	(void)state;
	/* A cell over the bound, an id over 64 bytes, bad UTF-8. */
	text = malloc(3 * CSVREC_MAX_ROW);
	assert_non_null(text);
	p = text + sprintf(text, "id;conseiller\nc-1;");
	memset(p, 'x', CSVREC_MAX_VALUE + 1);
	p += CSVREC_MAX_VALUE + 1;
	p += sprintf(p, "\nc-2;\xe9quipe\n");
	for (i = 0; i < 70; i++)
		*p++ = 'a';
	p += sprintf(p, ";x\n");
	/* An unclosed quote swallows lines until the row bound. */
	p += sprintf(p, "c-3;\"open\n");
	for (i = 0; i < 100; i++) {
		p += sprintf(p, "m-%zu;", i);
		memset(p, 'y', 700);
		p += 700;
		*p++ = '\n';
	}
	/* And one at the end of the file. */
	p += sprintf(p, "c-5;\"\nc-4;Mme Dubois");
	*p = '\0';
	feed(CSVREC_CANDIDATE, text, &r);
	free(text);
	assert_int_equal(r.rc, 0);
	assert_rejected(&r, 0, 2, "adviser", "longer than 1024 bytes");
	assert_rejected(&r, 1, 3, "adviser", "not UTF-8");
	assert_rejected(&r, 2, 4, "id", "longer than 64 bytes");
	/* Line 5 only: the lines after it are read again. */
	assert_rejected(&r, 3, 5, "", "a quote is not closed");
	assert_int_equal(r.n, 4 + 100 + 2);
	assert_string_equal(r.items[4].id, "m-0");
	assert_int_equal(r.items[4].line, 6);
	assert_rejected(&r, 4, 6, "adviser", "longer than 64 bytes");
	assert_rejected(&r, r.n - 2, 106, "", "a quote is not closed");
	assert_int_equal(r.items[r.n - 1].line, 107);
	assert_rec(&r, r.n - 1, "{\"id\":\"c-4\",\"adviser\":\"Mme Dubois\"}");
	run_free(&r);
}

static void
test_round_trip(void **state)
{
	const char *const want = "{\"id\":\"c-9\",\"sectors\":[\"hotellerie\"],"
	    "\"jobs\":[{\"rome\":\"G1602\",\"months\":12}],\"skills\":[\"sst\"],"
	    "\"licences\":[\"B\"],\"vehicle\":false,\"level\":0,"
	    "\"commune\":\"59183\",\"radius_km\":15,\"contracts\":[\"cdi\","
	    "\"saisonnier\"],\"working_time\":\"any\",\"criteria\":[],"
	    "\"barriers\":[\"mobilite\"],\"status\":\"available\","
	    "\"adviser\":\"M. Dupont; équipe \\\"A\\\"\","
	    "\"consent_partners\":true}";
	json_t *rec, *full;
	struct run r;
	char *buf = NULL;
	size_t len;
	FILE *m;

	(void)state;
	assert_non_null(rec = json_loads(want, 0, NULL));
	/* What candidate.get returns also has lat/lon and nulls. */
	full = json_deep_copy(rec);
	json_object_set_new(full, "lat", json_real(51.03));
	json_object_set_new(full, "lon", json_real(2.33));
	json_object_set_new(full, "birth_date", json_null());
	json_object_set_new(full, "open_referrals", json_integer(0));
	assert_non_null(m = open_memstream(&buf, &len));
	assert_int_equal(csvrec_write_header(m, CSVREC_CANDIDATE, ';'), 0);
	assert_int_equal(csvrec_write_record(m, CSVREC_CANDIDATE, full, ';'),
	    0);
	fclose(m);
	feed(CSVREC_CANDIDATE, buf, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 1);
	/* Empty lists and cells come back absent. */
	json_object_del(rec, "criteria");
	json_object_set_new(rec, "criteria", json_array());
	json_object_del(rec, "criteria");
	if (!json_equal(rec, r.items[0].rec))
		fail_msg("round trip: %s", buf);
	run_free(&r);
	free(buf);
	json_decref(rec);
	json_decref(full);
}

/*
 * The identity columns (docs/CSV.md): French, English and other names,
 * values kept as typed, bounds that name the column without quoting it,
 * and the export's header and round trip.
 */
static void
test_candidate_identity(void **state)
{
	const char *const want = "{\"id\":\"c-7\",\"first_name\":"
	    "\"Jean-Aimé\",\"last_name\":\"N'Diaye; Lefèvre\","
	    "\"phone\":\"+33 6 12 34 56 78\","
	    "\"email\":\"jean.ndiaye@example.fr\"}";
	json_t *rec;
	struct run r;
	char *buf = NULL, *line;
	size_t len;
	FILE *m;

	(void)state;
	feed(CSVREC_CANDIDATE, "Id;Prénom;Nom;Téléphone;Courriel\r\n"
	    "c-1;Amélie ;Dupont;06 12 34 56 78;amelie.dupont@example.fr\r\n"
	    "c-2;;\"N'Diaye\";;\r\n", &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 2);
	/* Cells are trimmed as every cell is; nothing else is changed. */
	assert_rec(&r, 0, "{\"id\":\"c-1\",\"first_name\":\"Amélie\","
	    "\"last_name\":\"Dupont\",\"phone\":\"06 12 34 56 78\","
	    "\"email\":\"amelie.dupont@example.fr\"}");
	assert_rec(&r, 1, "{\"id\":\"c-2\",\"last_name\":\"N'Diaye\"}");
	run_free(&r);

	feed(CSVREC_CANDIDATE, "id,first_name,last_name,phone,email\n"
	    "c-3,Zoé,Martin,0612345678,zoe@example.fr\n", &r);
	assert_rec(&r, 0, "{\"id\":\"c-3\",\"first_name\":\"Zoé\","
	    "\"last_name\":\"Martin\",\"phone\":\"0612345678\","
	    "\"email\":\"zoe@example.fr\"}");
	run_free(&r);
	feed(CSVREC_CANDIDATE, "id;PRENOM;Nom de famille;Tél;E-mail\n"
	    "c-4;Léa;Petit;03 28 00 00 00;lea@example.fr\n"
	    "c-5;;;+33 6 12 34 56 78 90 12;\n", &r);
	assert_rec(&r, 0, "{\"id\":\"c-4\",\"first_name\":\"Léa\","
	    "\"last_name\":\"Petit\",\"phone\":\"03 28 00 00 00\","
	    "\"email\":\"lea@example.fr\"}");
	assert_rejected(&r, 1, 3, "phone", "longer than 20 bytes");
	assert_null(strstr(r.items[1].message, "+33"));
	run_free(&r);
	feed(CSVREC_CANDIDATE, "id;mail\nc-6;paul@example.fr\n", &r);
	assert_rec(&r, 0, "{\"id\":\"c-6\",\"email\":\"paul@example.fr\"}");
	run_free(&r);
	feed(CSVREC_CANDIDATE, "id;nom;last_name\n", &r);
	assert_int_equal(r.rc, -1);
	run_free(&r);

	/* The export: the French names last, and the values back. */
	assert_non_null(rec = json_loads(want, 0, NULL));
	assert_non_null(m = open_memstream(&buf, &len));
	assert_int_equal(csvrec_write_header(m, CSVREC_CANDIDATE, ';'), 0);
	assert_int_equal(csvrec_write_record(m, CSVREC_CANDIDATE, rec, ';'),
	    0);
	fclose(m);
	line = strstr(buf, "\r\n");
	assert_non_null(line);
	assert_true(line - buf > 30);
	assert_memory_equal(line - 30, ";prenom;nom;telephone;courriel", 30);
	feed(CSVREC_CANDIDATE, buf, &r);
	assert_int_equal(r.n, 1);
	assert_rec(&r, 0, want);
	run_free(&r);
	free(buf);
	json_decref(rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidate_french),
		cmocka_unit_test(test_offer_english_comma),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_header_refused_then_row),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_candidate_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
