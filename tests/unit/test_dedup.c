/*
 * Unit tests of matcher/core/dedup.c against docs/DEDUP.md: the normalised
 * titles and employers, true pairs (a France Travail offer and its partner
 * or prospection copy), false pairs, each uncertain rule with its
 * boundaries, the French explanations, the index (best match order,
 * replace, remove) and, on 2,000 random offers of the Dunkerque area,
 * that the index answers exactly what comparing with every offer answers.
 *
 * Offers are built as structs from the default offer of
 * tests/lib/core_fixture.h, with the real reference data; days are fixed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dedup.h"
#include "domain.h"
#include "offer.h"
#include "refdata.h"
#include "utf8.h"

#include "../lib/core_fixture.h"

#define GRAVELINES	"59273"
#define GRANDE_SYNTHE	"59271"
#define LOON_PLAGE	"59359"
#define COUDEKERQUE	"59155"
#define OYE_PLAGE	"62645"
#define BOULOGNE	"62160"
#define DAY0		date_from_ymd(2026, 11, 2)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* An offer of source src: title, ROME, employer, commune, contract. */
static void
mk(struct offer *o, const char *id, int src, const char *title,
    const char *code, const char *employer, const char *insee, int contract)
{
	default_offer(o, id);
	o->source = src;
	snprintf(o->title, sizeof(o->title), "%s", title);
	set_offer_rome(o, code);
	snprintf(o->employer, sizeof(o->employer), "%s", employer);
	place_offer(o, insee);
	o->contract = contract;
}

/* The signature of o created day, from a partner board if partner. */
static void
sig(struct dedup_sig *s, const struct offer *o, int32_t day, int partner)
{
	struct offer c = *o;

	snprintf(c.partner, sizeof(c.partner), "%s", partner ? "Indeed" : "");
	dedup_sig_make(s, &c, day);
}

/* The same, o known only by its department dept. */
static void
dept_sig(struct dedup_sig *s, const struct offer *o, int32_t day,
    int partner, const char *dept)
{
	struct offer c = *o;

	c.commune[0] = '\0';
	snprintf(c.department, sizeof(c.department), "%s", dept);
	sig(s, &c, day, partner);
}

/*
 * Compare a and b both ways: the verdict is v both ways, and the
 * explanation of (a, b) contains want (when not NULL).
 */
static void
expect(const struct dedup_sig *a, const struct dedup_sig *b,
    enum dedup_verdict v, const char *want)
{
	char why[DEDUP_WHY_MAX], why2[DEDUP_WHY_MAX];

	assert_int_equal(dedup_compare(a, b, why, sizeof(why)), v);
	assert_int_equal(dedup_compare(b, a, why2, sizeof(why2)), v);
	assert_true(utf8_valid(why, strlen(why)));
	assert_true(strlen(why) > 0);
	if (want != NULL && strstr(why, want) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", why, want);
}

/* The signature of an offer with this title and employer. */
static const struct dedup_sig *
norm(const char *title, const char *employer)
{
	static struct dedup_sig s;
	struct offer o;

	default_offer(&o, "o1");
	snprintf(o.title, sizeof(o.title), "%s", title);
	snprintf(o.employer, sizeof(o.employer), "%s", employer);
	dedup_sig_make(&s, &o, DAY0);
	return &s;
}

#define norm_title(t)		(norm((t), "")->title)
#define norm_employer(e)	(norm("", (e))->employer)

/*
 * The Bouygues TP coffreur bancheur offer of France Travail (a), and its
 * copy from a partner board two days later (b), which every pair test
 * then changes in one respect.
 */
static void
coffreurs(struct offer *a, struct offer *b)
{
	mk(a, "ft-201KCBA", SOURCE_POLE_EMPLOI, "Coffreur bancheur (H/F)",
	    "F1701", "Bouygues Travaux Publics", DUNKERQUE,
	    CONTRACT_ALTERNANCE);
	mk(b, "ft-201KQXZ", SOURCE_POLE_EMPLOI, "COFFREUR-BANCHEUR F/H",
	    "F1701", "BOUYGUES TRAVAUX PUBLICS S.A.S.", DUNKERQUE,
	    CONTRACT_ALTERNANCE);
}

/* The pair above as signatures: a on DAY0, b (partner) on DAY0 + days. */
static void
coffreur_sigs(const struct offer *a, const struct offer *b, int days,
    struct dedup_sig *sa, struct dedup_sig *sb)
{
	sig(sa, a, DAY0, 0);
	sig(sb, b, DAY0 + days, 1);
}

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

static void
test_title_normalised(void **state)
{
	(void)state;
	assert_string_equal(norm_title("Coffreur bancheur (H/F)"),
	    "BANCHEUR COFFREUR");
	assert_string_equal(norm_title("COFFREUR-BANCHEUR h/f"),
	    "BANCHEUR COFFREUR");
	assert_string_equal(norm_title("Bancheur / coffreur F/H"),
	    "BANCHEUR COFFREUR");
	assert_string_equal(norm_title("Serveur/Serveuse"), "SERVEUR");
	assert_string_equal(norm_title("Serveuse - Serveur (H/F)"),
	    "SERVEUR");
	assert_string_equal(norm_title("Serveur(se) en restauration"),
	    "RESTAURATION SERVEUR");
	assert_string_equal(norm_title("Cuisinier(ère)"), "CUISINIER");
	assert_string_equal(norm_title("Directeur / Directrice de magasin"),
	    "DIRECTEUR MAGASIN");
	assert_string_equal(norm_title(
	    "Employé(e) polyvalent(e) de restauration"),
	    "EMPLOYE POLYVALENT RESTAURATION");
	assert_string_equal(norm_title("Agent de production (H/F/X)"),
	    "AGENT PRODUCTION");
	assert_string_equal(norm_title("Téléconseiller / Téléconseillère"),
	    "TELECONSEILLER");
	assert_string_equal(norm_title("Commis de cuisine à la plonge"),
	    "COMMIS CUISINE PLONGE");
	/* Feminine endings become masculine, in the key only. */
	assert_string_equal(norm_title("Assistante administrative"),
	    "ADMINISTRATIF ASSISTANT");
	assert_string_equal(norm_title("Assistant(e) administratif(ve)"),
	    "ADMINISTRATIF ASSISTANT");
	assert_string_equal(norm_title("Chef(fe) de partie"), "CHEF PARTIE");
	assert_string_equal(norm_title("Cheffe de partie"), "CHEF PARTIE");
	assert_string_equal(norm_title("Aide-soignante"), "AIDE SOIGNANT");
	assert_string_equal(norm_title("Serveuse"), "SERVEUR");
	assert_string_equal(norm_title("Rondier (H/F) - Gaz Opale"),
	    "GAZ OPAL RONDIER");
	/* Digits stay; single letters go. */
	assert_string_equal(norm_title("Cariste CACES 3 H/F"),
	    "3 CACES CARISTE");
	assert_string_equal(norm_title("(H/F)"), "");
	assert_string_equal(norm_title(""), "");
}

static void
test_employer_normalised(void **state)
{
	(void)state;
	assert_string_equal(norm_employer("BOUYGUES TRAVAUX PUBLICS S.A.S."),
	    "BOUYGUES TRAVAUX PUBLICS");
	assert_string_equal(norm_employer("Bouygues Travaux Publics SAS"),
	    "BOUYGUES TRAVAUX PUBLICS");
	assert_string_equal(norm_employer("Ets Dupont et Fils, S.A.R.L."),
	    "DUPONT FILS");
	assert_string_equal(norm_employer("Groupe Capdune"), "CAPDUNE");
	assert_string_equal(norm_employer("L'Atelier du Goût"),
	    "ATELIER GOUT");
	assert_string_equal(norm_employer("Société Gaz-Opale"), "GAZ OPALE");
	assert_string_equal(norm_employer("EMCC sas"), "EMCC");
	assert_string_equal(norm_employer("Alpha Services 33"),
	    "ALPHA SERVICES 33");
	assert_string_equal(norm_employer("SARL"), "");
	assert_string_equal(norm_employer(""), "");
}

/* ------------------------------------------------------------------ */
/* Pairs: the coffreur offer and one change to its partner copy        */
/* ------------------------------------------------------------------ */

/*
 * One change to the partner copy b of coffreurs() (NULL or 0: as it is),
 * created DAY0 + days, and what comparing it with a (created DAY0, or on
 * an unknown day) must give: the verdict and the explanation, or a part
 * of it.
 */
struct variant {
	enum dedup_verdict v;
	const char	*why;
	int		 exact;		/* why is the whole explanation */
	int		 days;
	const char	*employer, *title, *rome, *commune, *a_commune;
	const char	*contract, *sector;	/* wire names */
	int		 own;		/* b is not a partner copy */
	int		 a_undated;
	const char	*a_clause, *clause;	/* operations */
};

static const struct variant variants[] = {
	/* True pairs: the copy has "(F/H)", other case and legal form. */
	{ DEDUP_SAME, "même employeur, même métier F1701, même commune, "
	    "même contrat (alternance), publiées à 2 jours d'écart", 1,
	    .days = 2 },
	{ DEDUP_SAME, "publiées à 14 jours d'écart", .days = 14 },
	{ DEDUP_SAME, "publiées le même jour", .days = 0 },

	/* False pairs. */
	{ DEDUP_DIFFERENT, "métiers différents (F1701, F1302)", .days = 2,
	    .title = "Conducteur d'engins (H/F)", .rome = "F1302" },
	{ DEDUP_DIFFERENT, "métiers différents (F1701, F1703)", .days = 2,
	    .title = "Maçon VRD", .rome = "F1703" },
	{ DEDUP_DIFFERENT, "employeurs différents", 1, .days = 2,
	    .employer = "Bessac-Razel" },
	{ DEDUP_DIFFERENT, "publiées à 60 jours d'écart", .days = 60 },
	{ DEDUP_DIFFERENT, "publiées à 46 jours d'écart", .days = 46 },
	{ DEDUP_DIFFERENT, "lieux éloignés (", .days = 2,
	    .commune = BOULOGNE },
	/* Two France Travail postings without employer: never merged. */
	{ DEDUP_DIFFERENT, "deux offres distinctes de la même source "
	    "(Pôle emploi / France Travail), employeur absent d'un côté", 1,
	    .days = 1, .employer = "", .own = 1 },
	{ DEDUP_DIFFERENT, "plusieurs écarts : contrats différents "
	    "(alternance, CDD), publiées à 20 jours d'écart", 1, .days = 20,
	    .contract = "cdd" },

	/* Uncertain pairs: one weak point each. */
	{ DEDUP_UNCERTAIN, "employeur absent d'un côté ; même métier F1701, "
	    "même commune, même contrat (alternance), publiées à 3 jours "
	    "d'écart", 1, .days = 3, .employer = "" },
	{ DEDUP_UNCERTAIN, "employeurs proches ; ", .days = 3,
	    .employer = "Bouygues" },
	{ DEDUP_UNCERTAIN, "lieux à 3,6 km ; même employeur", .days = 3,
	    .commune = GRANDE_SYNTHE },
	{ DEDUP_UNCERTAIN, "lieux à 8,7 km ; ", .days = 3,
	    .commune = LOON_PLAGE },
	/* Across the department border: Gravelines (59), Oye-Plage (62). */
	{ DEDUP_UNCERTAIN, "lieux à 7,6 km ; ", .days = 3,
	    .a_commune = GRAVELINES, .commune = OYE_PLAGE },
	{ DEDUP_UNCERTAIN, "contrats différents (alternance, CDD) ; même "
	    "employeur", .days = 3, .contract = "cdd" },
	{ DEDUP_UNCERTAIN, "publiées à 15 jours d'écart ; ", .days = 15 },
	{ DEDUP_UNCERTAIN, "publiées à 45 jours d'écart ; ", .days = -45 },
	{ DEDUP_UNCERTAIN, "date de publication inconnue ; ", .days = 3,
	    .a_undated = 1 },
	{ DEDUP_UNCERTAIN, "secteurs différents (Bâtiment, Industrie) ; ",
	    .days = 3, .sector = "industrie" },
	/* Titles that differ, one job: "même métier, intitulés ...". */
	{ DEDUP_UNCERTAIN, "même métier F1701, intitulés différents ; ",
	    .days = 3, .title = "Ouvrier gros oeuvre" },
	/* A clause offer is never merged with another. */
	{ DEDUP_UNCERTAIN, "clause d'insertion d'un seul côté (cud-2026) ; ",
	    .days = 3, .clause = "cud-2026" },
	{ DEDUP_UNCERTAIN, "opérations de clause différentes (cud-2026, "
	    "anru-7) ; ", .days = 3, .a_clause = "cud-2026",
	    .clause = "anru-7" },
	{ DEDUP_SAME, "même commune", .days = 3, .a_clause = "cud-2026",
	    .clause = "cud-2026" },
	{ DEDUP_DIFFERENT, "plusieurs écarts : ", .days = 20,
	    .clause = "cud-2026" },
	/* Reposted on France Travail: two postings, not a partner copy. */
	{ DEDUP_UNCERTAIN, "deux offres distinctes de la même source "
	    "(Pôle emploi / France Travail) ; même employeur", .days = 3,
	    .own = 1 },
};

/* o becomes a clause offer of operation op (NULL: left as it is). */
static void
clause_of(struct offer *o, const char *op)
{
	if (op == NULL)
		return;
	o->has_clause = 1;
	snprintf(o->clause.operation, sizeof(o->clause.operation), "%s", op);
}

static void
test_coffreur_pairs(void **state)
{
	const struct variant *t;
	struct offer a, b;
	struct dedup_sig sa, sb;
	char why[DEDUP_WHY_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		t = &variants[i];
		coffreurs(&a, &b);
		if (t->employer != NULL)
			snprintf(b.employer, sizeof(b.employer), "%s",
			    t->employer);
		if (t->title != NULL)
			snprintf(b.title, sizeof(b.title), "%s", t->title);
		if (t->rome != NULL)
			set_offer_rome(&b, t->rome);
		if (t->commune != NULL)
			place_offer(&b, t->commune);
		if (t->a_commune != NULL)
			place_offer(&a, t->a_commune);
		if (t->contract != NULL)
			b.contract = vocab_lookup(&vocab_contract, t->contract,
			    strlen(t->contract));
		if (t->sector != NULL)
			b.sector = vocab_lookup(&vocab_sector, t->sector,
			    strlen(t->sector));
		clause_of(&a, t->a_clause);
		clause_of(&b, t->clause);
		sig(&sa, &a, t->a_undated ? DATE_NONE : DAY0, 0);
		sig(&sb, &b, DAY0 + t->days, !t->own);
		expect(&sa, &sb, t->v, t->why);
		(void)dedup_compare(&sa, &sb, why, sizeof(why));
		if (t->exact && strcmp(why, t->why) != 0)
			fail_msg("variant %zu: \"%s\" != \"%s\"", i, why,
			    t->why);
	}
}

/* ------------------------------------------------------------------ */
/* Pairs of other offers                                               */
/* ------------------------------------------------------------------ */

/* An offer, as mk() takes it, and its signature's day and origin. */
struct spec {
	const char	*id;
	int		 source;
	const char	*title, *rome, *employer, *commune;
	int		 contract;
	int		 days;		/* created DAY0 + days */
	int		 partner;
};

#define FT_TELECONSEIL	{ "ft-203ABCD", SOURCE_POLE_EMPLOI,		\
	"Téléconseiller (H/F)", "D1408", "CAPDUNE", DUNKERQUE, CONTRACT_CDI, \
	0, 0 }
#define FT_COMMIS	{ "ft-204", SOURCE_POLE_EMPLOI,			\
	"Commis de cuisine (H/F)", "G1602", "Club Med", GRAVELINES,	\
	CONTRACT_SAISONNIER, 0, 0 }
#define FT_PRODUCTION	{ "ft-301", SOURCE_POLE_EMPLOI,			\
	"Agent de production (H/F)", "H3302", "Tentes Cabanon", GRAVELINES, \
	CONTRACT_INTERIM, 0, 0 }

/* Pairs of other offers of the area: a real offer and another source's. */
static const struct {
	struct spec	 a, b;
	enum dedup_verdict v;
	const char	*why;
} others[] = {
	/* Prospection's copy of Capdune's France Travail offer. */
	{ FT_TELECONSEIL, { "p-2026-117", SOURCE_PROSPECTION,
	    "Téléconseiller / Téléconseillère", "D1408", "Capdune SARL",
	    DUNKERQUE, CONTRACT_CDI, -5, 0 },
	    DEDUP_SAME, "publiées à 5 jours d'écart" },
	/* The adviser chose another code of the domain: same title wins. */
	{ FT_TELECONSEIL, { "p-2026-117", SOURCE_PROSPECTION,
	    "Téléconseiller / Téléconseillère", "D1401", "Capdune SARL",
	    DUNKERQUE, CONTRACT_CDI, -5, 0 },
	    DEDUP_SAME, "même intitulé, métiers D1408 et D1401" },
	/* A partner board adds the city to the title... */
	{ FT_COMMIS, { "ft-205", SOURCE_POLE_EMPLOI,
	    "Commis de cuisine - Gravelines", "G1602", "CLUB MED", GRAVELINES,
	    CONTRACT_SAISONNIER, 0, 1 },
	    DEDUP_SAME, "même métier G1602, intitulés proches" },
	/* ... or writes it in the feminine. */
	{ FT_COMMIS, { "ft-205", SOURCE_POLE_EMPLOI, "Commise de cuisine",
	    "G1602", "CLUB MED", GRAVELINES, CONTRACT_SAISONNIER, 0, 1 },
	    DEDUP_SAME, "même métier G1602, même commune" },
	/* Titles that differ, one code: uncertain. */
	{ FT_PRODUCTION, { "p-301", SOURCE_PROSPECTION,
	    "Opérateur de conditionnement", "H3302", "TENTES CABANON",
	    GRAVELINES, CONTRACT_INTERIM, 4, 0 },
	    DEDUP_UNCERTAIN,
	    "même métier H3302, intitulés différents ; même employeur" },
	/* The same title in another domain of the same sector. */
	{ FT_PRODUCTION, { "p-301", SOURCE_PROSPECTION,
	    "Agent de production", "H2102", "TENTES CABANON", GRAVELINES,
	    CONTRACT_INTERIM, 4, 0 },
	    DEDUP_UNCERTAIN, "même intitulé, métiers H3302 et H2102 ; " },
	/* Close titles, another code of the domain. */
	{ FT_PRODUCTION, { "p-301", SOURCE_PROSPECTION,
	    "Agent de production polyvalent", "H3303", "TENTES CABANON",
	    GRAVELINES, CONTRACT_INTERIM, 4, 0 },
	    DEDUP_UNCERTAIN, "intitulés proches, métiers H3302 et H3303 ; " },
};

static void
spec_sig(struct dedup_sig *s, struct offer *o, const struct spec *p)
{
	mk(o, p->id, p->source, p->title, p->rome, p->employer, p->commune,
	    p->contract);
	sig(s, o, DAY0 + p->days, p->partner);
}

static void
test_other_pairs(void **state)
{
	struct offer a, b;
	struct dedup_sig sa, sb;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		spec_sig(&sa, &a, &others[i].a);
		spec_sig(&sb, &b, &others[i].b);
		expect(&sa, &sb, others[i].v, others[i].why);
	}
}

static void
test_same_place_by_coordinates(void **state)
{
	struct offer a, b;
	struct dedup_sig sa, sb;

	(void)state;
	coffreurs(&a, &b);
	/* The partner gives coordinates 1 km north of the commune's. */
	b.commune[0] = '\0';
	b.lat += 1.0 / 111.2;
	coffreur_sigs(&a, &b, 1, &sa, &sb);
	expect(&sa, &sb, DEDUP_SAME, "lieux à 1,0 km");
	/* 2.5 km: a nearby place, only uncertain. */
	b.lat = a.lat + 2.5 / 111.2;
	coffreur_sigs(&a, &b, 1, &sa, &sb);
	expect(&sa, &sb, DEDUP_UNCERTAIN, "lieux à 2,5 km");
}

static void
test_department_only(void **state)
{
	struct offer a, b;
	struct dedup_sig sa, sb;

	(void)state;
	coffreurs(&a, &b);
	dept_sig(&sa, &a, DAY0, 0, "59");
	dept_sig(&sb, &b, DAY0 + 3, 1, "59");
	assert_string_equal(sa.commune, "");
	expect(&sa, &sb, DEDUP_SAME, "même département (59), lieu précis "
	    "inconnu");
	/* Close titles are not enough without a place. */
	snprintf(b.title, sizeof(b.title), "Coffreur bancheur confirmé");
	dept_sig(&sb, &b, DAY0 + 3, 1, "59");
	expect(&sa, &sb, DEDUP_UNCERTAIN, "même département (59)");
	/* Another department is another place. */
	dept_sig(&sb, &b, DAY0 + 3, 1, "62");
	expect(&sa, &sb, DEDUP_DIFFERENT, "départements différents (59, 62)");
	/* Only one side without its commune: uncertain. */
	coffreurs(&a, &b);
	sig(&sa, &a, DAY0, 0);
	dept_sig(&sb, &b, DAY0 + 3, 1, "59");
	expect(&sa, &sb, DEDUP_UNCERTAIN, "lieu précis inconnu d'un côté "
	    "(département 59) ; ");
}

/* ------------------------------------------------------------------ */
/* Bounds                                                              */
/* ------------------------------------------------------------------ */

static void
test_bounds(void **state)
{
	struct offer a, b;
	struct dedup_sig sa, sb;
	char why[DEDUP_WHY_MAX], small[8];
	size_t i;

	(void)state;
	/* Empty title and employer on both sides. */
	mk(&a, "a", SOURCE_PROSPECTION, "", "F1701", "", DUNKERQUE,
	    CONTRACT_CDI);
	mk(&b, "b", SOURCE_POLE_EMPLOI, "(H/F)", "F1701", "SAS", DUNKERQUE,
	    CONTRACT_CDI);
	sig(&sa, &a, DAY0, 0);
	sig(&sb, &b, DAY0, 0);
	assert_string_equal(sa.title, "");
	assert_int_equal(sa.title_hash, 0);
	expect(&sa, &sb, DEDUP_DIFFERENT, "plusieurs écarts : employeur "
	    "absent des deux côtés, même métier F1701, intitulés "
	    "différents");

	/* Longest titles and employers: 100 "à", words of one letter. */
	for (i = 0; i + 2 <= OFFER_TITLE_MAX; i += 2)
		memcpy(a.title + i, "\xc3\xa0", 2);
	a.title[OFFER_TITLE_MAX] = '\0';
	for (i = 0; i + 2 <= OFFER_TITLE_MAX; i += 2)
		memcpy(b.title + i, "x ", 2);
	b.title[OFFER_TITLE_MAX] = '\0';
	/* Words of 7 letters: a longer word would be cut by the folding. */
	for (i = 0; i < OFFER_EMPLOYER_MAX; i++)
		a.employer[i] = i % 8 == 7 && i + 1 < OFFER_EMPLOYER_MAX ?
		    '-' : 'Z';
	a.employer[OFFER_EMPLOYER_MAX] = '\0';
	for (i = 0; i + 2 <= OFFER_EMPLOYER_MAX; i += 2)
		memcpy(b.employer + i, "s.", 2);
	b.employer[OFFER_EMPLOYER_MAX] = '\0';
	memset(a.id, 'i', RECORD_ID_MAX);
	a.id[RECORD_ID_MAX] = '\0';
	sig(&sa, &a, INT32_MAX, 0);
	sig(&sb, &b, INT32_MIN + 1, 0);
	assert_int_equal(strlen(sa.title), 100);
	assert_string_equal(sb.title, "");
	assert_int_equal(strlen(sa.employer), OFFER_EMPLOYER_MAX);
	assert_int_equal(strlen(sb.employer), OFFER_EMPLOYER_MAX / 2);
	assert_int_equal(strlen(sa.id), RECORD_ID_MAX);
	expect(&sa, &sb, DEDUP_DIFFERENT, "employeurs différents");

	/* Explanations cut on a character boundary, or not at all. */
	coffreurs(&a, &b);
	coffreur_sigs(&a, &b, 2, &sa, &sb);
	for (i = 1; i <= sizeof(small); i++) {
		memset(small, 'X', sizeof(small));
		assert_int_equal(dedup_compare(&sa, &sb, small, i),
		    DEDUP_SAME);
		assert_true(strlen(small) < i);
		assert_true(utf8_valid(small, strlen(small)));
		/* "ê" is 2 bytes: 3 bytes hold "m" only. */
		if (i == 3)
			assert_string_equal(small, "m");
	}
	assert_string_equal(small, "même e");
	assert_int_equal(dedup_compare(&sa, &sb, NULL, 0), DEDUP_SAME);
	assert_int_equal(dedup_compare(&sa, &sb, why, 0), DEDUP_SAME);
	/* The same id is the same offer, whatever the rest says. */
	sig(&sb, &a, DAY0 + 60, 0);
	expect(&sa, &sb, DEDUP_SAME, "même offre");

	/* The longest explanations fit in DEDUP_WHY_MAX. */
	mk(&a, "a", SOURCE_CLAUSE, "Agent d'entretien", "K2204", "",
	    DUNKERQUE, CONTRACT_INSERTION);
	mk(&b, "b", SOURCE_CLAUSE, "Agent d'entretien", "K2204", "",
	    GRANDE_SYNTHE, CONTRACT_AIDE);
	b.sector = SECTOR_HOTELLERIE;
	sig(&sa, &a, DATE_NONE, 0);
	sig(&sb, &b, DAY0, 1);
	assert_int_equal(dedup_compare(&sa, &sb, why, sizeof(why)),
	    DEDUP_DIFFERENT);
	assert_true(strlen(why) < sizeof(why) - 1);
	assert_non_null(strstr(why, "Hôtellerie/restauration/transports)"));
}

/* ------------------------------------------------------------------ */
/* The index                                                           */
/* ------------------------------------------------------------------ */

/* Put offer o, created day, as a partner copy or not. */
static void
put(struct dedup_index *x, const struct offer *o, int32_t day, int partner)
{
	struct dedup_sig s;

	sig(&s, o, day, partner);
	dedup_index_put(x, &s);
}

/* The verdict of q's best match, and its id in other. */
static enum dedup_verdict
find(const struct dedup_index *x, const struct dedup_sig *q,
    char other[RECORD_ID_MAX + 1])
{
	return dedup_index_find(x, q, other, RECORD_ID_MAX + 1, NULL, 0);
}

static void
test_index_best_match_order(void **state)
{
	struct dedup_index *x[2];
	struct offer a, b;
	struct dedup_sig q;
	char other[RECORD_ID_MAX + 1], why[DEDUP_WHY_MAX];
	int k;

	(void)state;
	coffreurs(&a, &b);
	for (k = 0; k < 2; k++) {
		x[k] = dedup_index_new();
		/* An uncertain match the same day. */
		snprintf(b.id, sizeof(b.id), "u-0");
		b.contract = CONTRACT_CDD;
		put(x[k], &b, DAY0, 1);
		b.contract = a.contract;
		/* Two SAME matches 1 day away, in both orders, one 3 away. */
		snprintf(b.id, sizeof(b.id), k == 0 ? "s-b" : "s-a");
		put(x[k], &b, DAY0 - 1, 1);
		snprintf(b.id, sizeof(b.id), k == 0 ? "s-a" : "s-b");
		put(x[k], &b, DAY0 + 1, 1);
		snprintf(b.id, sizeof(b.id), "s-0");
		put(x[k], &b, DAY0 + 3, 1);
		/* The query itself is never its own match. */
		put(x[k], &a, DAY0, 0);
		assert_int_equal(dedup_index_count(x[k]), 5);
	}
	sig(&q, &a, DAY0, 0);
	for (k = 0; k < 2; k++) {
		assert_int_equal(dedup_index_find(x[k], &q, other,
		    sizeof(other), why, sizeof(why)), DEDUP_SAME);
		assert_string_equal(other, "s-a");
		assert_string_equal(why, "même employeur, même métier "
		    "F1701, même commune, même contrat (alternance), "
		    "publiées à 1 jour d'écart");
	}
	/* Without the SAME ones, the uncertain one. */
	for (k = 0; k < 2; k++) {
		assert_true(dedup_index_remove(x[k], "s-a"));
		assert_true(dedup_index_remove(x[k], "s-b"));
		assert_true(dedup_index_remove(x[k], "s-0"));
		assert_int_equal(dedup_index_find(x[k], &q, other,
		    sizeof(other), why, sizeof(why)), DEDUP_UNCERTAIN);
		assert_string_equal(other, "u-0");
		assert_non_null(strstr(why, "contrats différents"));
		/* NULL outputs are allowed. */
		assert_int_equal(dedup_index_find(x[k], &q, NULL, 0, NULL, 0),
		    DEDUP_UNCERTAIN);
		dedup_index_free(x[k]);
	}
}

static void
test_index_replace_and_remove(void **state)
{
	struct dedup_index *x = dedup_index_new();
	struct offer a, b;
	struct dedup_sig q;
	char other[RECORD_ID_MAX + 1], why[DEDUP_WHY_MAX];
	int i;

	(void)state;
	coffreurs(&a, &b);
	sig(&q, &a, DAY0, 0);
	assert_int_equal(dedup_index_find(x, &q, other, sizeof(other), why,
	    sizeof(why)), DEDUP_DIFFERENT);
	assert_string_equal(other, "");
	assert_string_equal(why, "");
	assert_int_equal(dedup_index_remove(x, "nobody"), 0);

	put(x, &b, DAY0, 1);
	assert_int_equal(find(x, &q, other), DEDUP_SAME);
	assert_string_equal(other, b.id);
	/* Replaced by another job: found no more, still one offer. */
	snprintf(b.title, sizeof(b.title), "Serveur (H/F)");
	set_offer_rome(&b, "G1803");
	put(x, &b, DAY0, 1);
	assert_int_equal(dedup_index_count(x), 1);
	assert_int_equal(find(x, &q, other), DEDUP_DIFFERENT);
	/* And back: the old buckets were left, the new ones are used. */
	snprintf(b.title, sizeof(b.title), "Coffreur bancheur");
	set_offer_rome(&b, "F1701");
	put(x, &b, DAY0, 1);
	assert_int_equal(find(x, &q, other), DEDUP_SAME);
	assert_int_equal(dedup_index_remove(x, b.id), 1);
	assert_int_equal(dedup_index_remove(x, b.id), 0);
	assert_int_equal(dedup_index_count(x), 0);
	assert_int_equal(find(x, &q, other), DEDUP_DIFFERENT);

	/* Many puts and removes reuse slots and keep the buckets right. */
	for (i = 0; i < 500; i++) {
		snprintf(b.id, sizeof(b.id), "p-%d", i);
		put(x, &b, DAY0 + i % 3, 1);
		if (i % 2 == 1) {
			snprintf(b.id, sizeof(b.id), "p-%d", i - 1);
			assert_int_equal(dedup_index_remove(x, b.id), 1);
		}
	}
	assert_int_equal(dedup_index_count(x), 250);
	assert_int_equal(find(x, &q, other), DEDUP_SAME);
	/* Created the same day (i % 3 == 0), smallest id by strcmp. */
	assert_string_equal(other, "p-105");
	dedup_index_free(x);
	dedup_index_free(NULL);
}

/* ------------------------------------------------------------------ */
/* The index against comparing with every offer                        */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32) % n;
}

#define PICK(arr)	(arr[rnd(sizeof(arr) / sizeof(arr[0]))])

/* A random offer of the area, from few enough values to collide. */
static void
random_offer(struct offer *o, int32_t *day, int i)
{
	static const char *const jobs[][2] = {
		{ "F1701", "Coffreur bancheur (H/F)" },
		{ "F1701", "COFFREUR-BANCHEUR" },
		{ "F1701", "Coffreur bancheur - Dunkerque" },
		{ "F1703", "Coffreur bancheur" },
		{ "F1703", "Maçon (H/F)" },
		{ "G1602", "Commis de cuisine" },
		{ "G1602", "Commis de cuisine H/F" },
		{ "G1603", "Commis de cuisine" },
		{ "G1803", "Serveur/Serveuse" },
		{ "D1408", "Téléconseiller (H/F)" },
		{ "D1408", "Conseiller clientèle à distance" },
		{ "H3302", "Agent de production (H/F)" },
		{ "H2102", "Agent de production" },
		{ "N1103", "Agent de production" },
		{ "K2204", "Agent d'entretien" },
	};
	static const char *const employers[] = { "Bouygues Travaux Publics",
	    "BOUYGUES TRAVAUX PUBLICS SAS", "Bouygues", "Capdune", "CAPDUNE",
	    "Club Med", "Tentes Cabanon", "Gaz-Opale", "", "" };
	static const char *const communes[] = { DUNKERQUE, DUNKERQUE,
	    GRAVELINES, GRANDE_SYNTHE, LOON_PLAGE, COUDEKERQUE, OYE_PLAGE,
	    BOULOGNE };
	static const int sources[] = { SOURCE_POLE_EMPLOI,
	    SOURCE_POLE_EMPLOI, SOURCE_PROSPECTION, SOURCE_PLATEFORME_JEUNES,
	    SOURCE_CLAUSE };
	char id[32];
	const char *employer, *commune;
	int j, source, contract;
	uint32_t r;

	/* One draw a statement: the order of the draws is fixed. */
	j = (int)rnd(sizeof(jobs) / sizeof(jobs[0]));
	source = PICK(sources);
	employer = PICK(employers);
	commune = PICK(communes);
	contract = rnd(4) == 0 ? CONTRACT_CDD : CONTRACT_CDI;
	snprintf(id, sizeof(id), "o-%05d", i);
	mk(o, id, source, jobs[j][1], jobs[j][0], employer, commune, contract);
	if (o->source == SOURCE_POLE_EMPLOI && rnd(2) == 0)
		snprintf(o->partner, sizeof(o->partner), "Indeed");
	r = rnd(20);
	if (r == 0) {
		/* Coordinates only, near the commune. */
		o->commune[0] = '\0';
		o->lat += (double)rnd(30) / 1000.0;
	} else if (r == 1) {
		snprintf(o->department, sizeof(o->department), "%s",
		    rnd(4) == 0 ? "62" : "59");
		o->commune[0] = '\0';
	}
	if (rnd(30) == 0)
		o->sector = SECTOR_TERTIAIRE;
	*day = rnd(40) == 0 ? DATE_NONE : DAY0 + (int32_t)rnd(70);
}

/* The best match of q over all of sigs, the documented way. */
static enum dedup_verdict
brute_find(const struct dedup_sig *sigs, const unsigned char *live, int n,
    const struct dedup_sig *q, int *best)
{
	enum dedup_verdict v, bv = DEDUP_DIFFERENT;
	long gap, bgap = LONG_MAX;
	int i;

	*best = -1;
	for (i = 0; i < n; i++) {
		if (!live[i] || strcmp(sigs[i].id, q->id) == 0)
			continue;
		v = dedup_compare(q, &sigs[i], NULL, 0);
		if (v == DEDUP_DIFFERENT)
			continue;
		gap = q->created == DATE_NONE || sigs[i].created == DATE_NONE ?
		    LONG_MAX : labs((long)q->created - sigs[i].created);
		if (v > bv || (v == bv && (gap < bgap || (gap == bgap &&
		    strcmp(sigs[i].id, sigs[*best].id) < 0)))) {
			bv = v;
			bgap = gap;
			*best = i;
		}
	}
	return bv;
}

/* Every live offer's match through the index and by brute force. */
static void
check_all(const struct dedup_index *x, const struct dedup_sig *sigs,
    const unsigned char *live, int n, int counts[3])
{
	char other[RECORD_ID_MAX + 1], why[DEDUP_WHY_MAX];
	char bwhy[DEDUP_WHY_MAX];
	enum dedup_verdict v, bv;
	int i, best;

	for (i = 0; i < n; i++) {
		if (!live[i])
			continue;
		v = dedup_index_find(x, &sigs[i], other, sizeof(other), why,
		    sizeof(why));
		bv = brute_find(sigs, live, n, &sigs[i], &best);
		if (v != bv)
			fail_msg("%s: index %d, brute force %d (%s)",
			    sigs[i].id, v, bv, best >= 0 ? sigs[best].id : "");
		counts[v]++;
		if (bv == DEDUP_DIFFERENT) {
			assert_string_equal(other, "");
			continue;
		}
		assert_string_equal(other, sigs[best].id);
		(void)dedup_compare(&sigs[i], &sigs[best], bwhy, sizeof(bwhy));
		assert_string_equal(why, bwhy);
	}
}

static void
test_index_matches_brute_force(void **state)
{
	enum { N = 2000 };
	struct dedup_sig *sigs = calloc(N, sizeof(*sigs));
	unsigned char live[N];
	struct dedup_index *x = dedup_index_new();
	struct offer o;
	int32_t day;
	int i, counts[3] = { 0, 0, 0 };

	(void)state;
	assert_non_null(sigs);
	rng_state = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < N; i++) {
		random_offer(&o, &day, i);
		dedup_sig_make(&sigs[i], &o, day);
		dedup_index_put(x, &sigs[i]);
		live[i] = 1;
	}
	assert_int_equal(dedup_index_count(x), N);
	check_all(x, sigs, live, N, counts);
	/* Every verdict occurs, so the comparison means something. */
	assert_true(counts[DEDUP_SAME] > 50);
	assert_true(counts[DEDUP_UNCERTAIN] > 50);
	assert_true(counts[DEDUP_DIFFERENT] > 50);

	/* Remove a third and replace a third with other offers. */
	for (i = 0; i < N; i++) {
		if (i % 3 == 0) {
			assert_int_equal(dedup_index_remove(x, sigs[i].id), 1);
			live[i] = 0;
		} else if (i % 3 == 1) {
			random_offer(&o, &day, i);
			dedup_sig_make(&sigs[i], &o, day);
			dedup_index_put(x, &sigs[i]);
		}
	}
	assert_int_equal(dedup_index_count(x), N - (N + 2) / 3);
	check_all(x, sigs, live, N, counts);
	dedup_index_free(x);
	free(sigs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_normalised),
		cmocka_unit_test(test_employer_normalised),
		cmocka_unit_test(test_coffreur_pairs),
		cmocka_unit_test(test_other_pairs),
		cmocka_unit_test(test_same_place_by_coordinates),
		cmocka_unit_test(test_department_only),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_index_best_match_order),
		cmocka_unit_test(test_index_replace_and_remove),
		cmocka_unit_test(test_index_matches_brute_force),
	};

	return cmocka_run_group_tests(tests, fixture_setup_refdata,
	    fixture_teardown);
}
