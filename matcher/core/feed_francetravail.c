/*
 * France Travail "Offres d'emploi v2": an offer of the API mapped onto
 * matcherd's struct offer (feed_francetravail.h).  This file maps the
 * offer's own fields and holds the rules below; the rest is in files of
 * its own, named feed_francetravail_X.c, whose functions are ft_X_...
 * as this file's are ft_...:
 *   _place.c	lieuTravail;
 *   _items.c	permis[], competences[], formations[];
 *   _offer.c	what every field mapper adds to the offer (warnings,
 *		failures, skills, facts) and the last passes over it;
 *   _json.c	typed getters of JSON members;
 *   _text.c	client text: quoted, copied, folded; durations, dates;
 *   _doc.c	documents: parsing, paging, batch reports.
 *
 * Mapping rules.  "Reject" makes the record fail with "field: reason";
 * "warn" ignores the field (or repairs it), adds "field: what" to the
 * offer's warnings and goes on.  A field that is absent or JSON null is
 * absent; a field of the wrong JSON type is treated like a bad value of
 * the right type.  Unknown fields are ignored.  Rule of thumb: what makes
 * the offer what it is (id, title, job, place, contract) is rejected when
 * wrong; everything else only weakens the match and is warned about.
 *
 * field (API)                  offer field          rule
 * ---------------------------  -------------------  ------------------------
 * id                           id                   "ft-" + id; 1-61 chars
 *                                                   of [A-Za-z0-9_.:-]; else
 *                                                   reject
 * (all offers of the feed,     source               pole_emploi; origin kept
 *  partner-origin ones too)                         (origineOffre.origine 1/2)
 * intitule                     title                controls -> space, spaces
 *                                                   collapsed, trimmed, cut at
 *                                                   200 bytes on a UTF-8
 *                                                   boundary (warn); missing,
 *                                                   empty, not UTF-8: reject
 * romeCode, v3 code            rome, rome_id        as is
 * romeCode, ROME 4.0 code      rome = first v3 code of its 3-char domain,
 *   not in the v3 table        offer.rome_v4 = the code (fo->rome_v4 = 1);
 *                              domain not in v3: rome = rome_v4 = the
 *                              code, rome_id -1, matched on the exact
 *                              code only (nobody today; warn)
 * romeCode malformed           reject (not a letter and 4 digits)
 * romeCode absent/empty        rules_rome_for_title(intitule) when rules are
 *                              loaded (rome_from_title = 1), else reject
 * (from the code)              sector               refdata_rome_sector()
 * entreprise.nom               employer             as title, 128 bytes; "" if
 *                                                   absent (hidden employer)
 * entreprise.entrepriseAdaptee adapted_employer     bool
 * lieuTravail, first of:
 *   commune (INSEE)            commune, lat/lon     a reference commune (59,
 *                                                   62); lat/lon from the API
 *                                                   if valid (finer), else
 *                                                   the commune's centre
 *   latitude + longitude       lat/lon, commune ""  both valid WGS84, not 0,0
 *   codePostal                 commune              one commune: it; several:
 *                                                   the one named in libelle,
 *                                                   else their centroid
 *                                                   (commune "")
 *   libelle "59 - DUNKERQUE"   commune              refdata_commune_by_name()
 *                                                   in that department (case,
 *                                                   accents, hyphens, SAINT/ST
 *                                                   and ligne_5 localities)
 *   libelle "59 - Nord",       department_only = 1, offer.department "59",
 *                              commune "", lat/lon =
 *   "Nord", "Pas-de-Calais",   the department's reference point (centroid
 *   "59 - <unknown commune>"   of its reference communes); unknown commune
 *                              name: warn
 *   none of these              reject "lieuTravail: ..." (an INSEE code
 *                              outside 59/62 without coordinates, a region)
 *   department                 "59"/"62" from the commune, postal code or
 *                              libelle
 * typeContrat                  contract             CDI -> cdi; CDD -> cdd;
 *                                                   MIS -> interim; SAI ->
 *                                                   saisonnier; TTI (CTT
 *                                                   d'insertion), DDI (CDDI)
 *                                                   -> insertion; DIN (CDI
 *                                                   intérimaire) -> interim,
 *                                                   permanent; CCE, FRA, LIB,
 *                                                   REP (not salaried) and
 *                                                   unknown codes: reject
 * natureContrat (overrides)    contract             "Contrat apprentissage",
 *                                                   "Cont.
 *                                                   professionnalisation"
 *                                                   -> alternance; "CUI - CAE",
 *                                                   "CUI - CIE", "Emploi
 *                                                   d'avenir", PEC -> aide;
 *                                                   "Insertion par
 *                                                   l'activ.éco." ->
 *                                                   insertion;
 *                                                   others (Contrat travail,
 *                                                   Contrat d'usage) keep
 * alternance = true            contract             alternance (wins)
 * typeContratLibelle           duration_months      "... - 12 Mois" -> 12;
 *                                                   "- 15 Jour(s)" -> days/30
 *                                                   rounded up (1); "- 2 An(s)"
 *                                                   -> 24; "4,5 Mois" -> 5;
 *                                                   0 for CDI and DIN; none or
 *                                                   unreadable -> 0 (warn if
 *                                                   unreadable); > 120: warn, 0
 * experienceExige D            experience_months 0
 * experienceExige E            experience_months    from experienceLibelle
 *                                                   ("2 An(s)" 24, "5 ans" 60,
 *                                                   "6 Mois" 6); unreadable:
 *                                                   0, warn; > 600: warn, 0
 * experienceExige S            experience_wished_months (experience_months 0:
 *                              a wish is not a requirement)
 * permis[] {libelle, exigence} libelle's first word ("B - Véhicule léger",
 *                              "Permis C", old "EC" = CE) -> licence; E ->
 *                              licences_required; S (or no exigence) ->
 *                              licences_wished + a wished licence fact;
 *                              unknown licence: a fact, items_unmapped
 * competences[] {libelle, exigence}, formations[] {domaineLibelle,
 *   commentaire, exigence}     with rules: rules_extract() of the label; a
 *                              skill tag -> skills_required if E and the
 *                              label gave exactly one tag (certain), else
 *                              skills_wanted; a licence -> licences_wished;
 *                              nothing found (or no rules): items_unmapped;
 *                              all labels are first tried in one text, and
 *                              item by item only if that finds something
 * formations[].niveauLibelle   level_min (E) /      CAP, BEP 3; Bac 4; Bac+2
 *                              level_wished (S)     5; Bac+3, Bac+4 6; Bac+5 7;
 *                                                   Doctorat 8; school levels
 *                                                   0; lowest of the E items
 * qualificationCode 1-9        level_min when no    1 manoeuvre, 2 OS, 5 ENQ
 *                              formation E sets it  -> 0; 3, 4 OQ, 6 EQ -> 3;
 *                                                   7 technicien, 8 agent de
 *                                                   maîtrise -> 4; 9 cadre ->
 *                                                   5; other values warn
 * dureeTravailLibelleConverti  working_time         "Temps plein" full, "Temps
 *                                                   partiel" part, else any
 * nombrePostes                 positions            integer 1-1000; > 1000 ->
 *                                                   1000 (warn); < 1, not an
 *                                                   integer -> 1 (warn)
 * accessibleTH                 accessible_th        bool
 * dateCreation (ISO 8601)      created, created_at  bad -> DATE_NONE/0 (warn)
 * dateActualisation            updated_at
 * (none)                       start                DATE_NONE (as soon as
 *                                                   possible)
 * origineOffre                 origin, url,         origine "1"/"2" (string
 *                              partner,             or number); urlOrigine
 *                              partner_url          and partenaires[0] kept
 *                                                   when http(s) and short
 * intitule + ". " +            rules_extract() when rules are loaded (first
 *   description                FT_TEXT_MAX bytes): required licence/skill ->
 *                              licences_required/skills_required; wished ->
 *                              licences_wished/skills_wanted; duration ->
 *                              duration_months if none yet (not CDI, DIN);
 *                              every fact kept in facts
 *
 * Bounds: at most FT_ITEMS_MAX items of each list are read (warn beyond),
 * 16 skill tags per list (warn beyond), FT_FACTS_MAX facts.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "candidate.h"
#include "dates.h"
#include "domain.h"
#include "feed_francetravail.h"
#include "ft_items.h"
#include "ft_json.h"
#include "ft_offer.h"
#include "ft_place.h"
#include "ft_text.h"
#include "geo.h"
#include "offer.h"
#include "refdata.h"
#include "rules.h"
#include "xmalloc.h"

/* Contract codes of typeContrat. */
struct ft_contract {
	const char	*code;
	int		 contract;	/* enum contract; -1 refused */
	int		 permanent;	/* no duration */
	const char	*label;
};

static const struct ft_contract ft_contracts[] = {
	{ "CDI", CONTRACT_CDI, 1, "CDI" },
	{ "CDD", CONTRACT_CDD, 0, "CDD" },
	{ "MIS", CONTRACT_INTERIM, 0, "mission intérimaire" },
	{ "SAI", CONTRACT_SAISONNIER, 0, "saisonnier" },
	{ "TTI", CONTRACT_INSERTION, 0, "CTT d'insertion" },
	{ "DDI", CONTRACT_INSERTION, 0, "CDD d'insertion" },
	{ "DIN", CONTRACT_INTERIM, 1, "CDI intérimaire" },
	{ "CCE", -1, 0, "profession commerciale" },
	{ "FRA", -1, 0, "franchise" },
	{ "LIB", -1, 0, "profession libérale" },
	{ "REP", -1, 0, "reprise d'entreprise" },
};

/*
 * Level proxy of qualificationCode (a job grade, not a diploma): only as
 * high as the grade makes sure of.  Index 1-9.
 */
static const int qualification_level[10] = {
	0,
	0,	/* 1 manoeuvre */
	0,	/* 2 ouvrier spécialisé */
	3,	/* 3 ouvrier qualifié P1, P2 */
	3,	/* 4 ouvrier qualifié P3, P4, OHQ */
	0,	/* 5 employé non qualifié */
	3,	/* 6 employé qualifié */
	4,	/* 7 technicien */
	4,	/* 8 agent de maîtrise */
	5,	/* 9 cadre */
};

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

static int
map_id(const json_t *j, struct ft_offer *fo, char *err, size_t errlen)
{
	char q[FT_QUOTE_MAX + 4];
	const char *s;
	size_t len;

	switch (ft_json_str(j, "id", &s, &len)) {
	case J_ABSENT:
		return ft_offer_fail(err, errlen, "id: missing");
	case J_BAD:
		return ft_offer_fail(err, errlen, "id: must be a string");
	}
	if (len < 1 || len > FT_ID_MAX || !record_id_valid(s, len))
		return ft_offer_fail(err, errlen, "id: \"%s\" must be 1-%d "
		    "characters of A-Z a-z 0-9 _ . : -",
		    ft_text_quote(s, len, q), FT_ID_MAX);
	memcpy(fo->ft_id, s, len);
	fo->ft_id[len] = '\0';
	(void)snprintf(fo->offer.id, sizeof(fo->offer.id), "%s%s",
	    FT_ID_PREFIX, fo->ft_id);
	return 0;
}

static int
map_title(const json_t *j, struct ft_offer *fo, char *err, size_t errlen)
{
	const char *s;
	size_t len;
	int n, cut;

	switch (ft_json_str(j, "intitule", &s, &len)) {
	case J_ABSENT:
		return ft_offer_fail(err, errlen, "intitule: missing");
	case J_BAD:
		return ft_offer_fail(err, errlen, "intitule: must be a string");
	}
	n = ft_text_copy(fo->offer.title, OFFER_TITLE_MAX, s, len, &cut);
	if (n < 0)
		return ft_offer_fail(err, errlen, "intitule: invalid UTF-8 or "
		    "NUL");
	if (n == 0)
		return ft_offer_fail(err, errlen, "intitule: empty");
	if (cut)
		ft_offer_warn(fo, "intitule: cut to %d bytes", OFFER_TITLE_MAX);
	return 0;
}

static int
map_rome(const json_t *j, const struct refdata *ref,
    const struct rules *rules, struct ft_offer *fo, char *err,
    size_t errlen)
{
	struct offer *o = &fo->offer;
	char q[FT_QUOTE_MAX + 4], code[ROME_CODE_LEN + 1];
	const char *s = NULL;
	size_t len = 0;
	int st, id;

	st = ft_json_str(j, "romeCode", &s, &len);
	if (st == J_BAD)
		return ft_offer_fail(err, errlen, "romeCode: must be a string");
	if (st == J_OK && len > 0) {
		if (!refdata_rome_well_formed(s, len))
			return ft_offer_fail(err, errlen, "romeCode: \"%s\" is "
			    "not a ROME code (a letter and 4 digits)",
			    ft_text_quote(s, len, q));
		memcpy(fo->rome_code, s, ROME_CODE_LEN);
		fo->rome_code[ROME_CODE_LEN] = '\0';
		if ((id = refdata_rome_id(ref, s, len)) < 0) {
			/* ROME 4.0: matched on its v3 domain. */
			fo->rome_v4 = 1;
			memcpy(o->rome_v4, fo->rome_code, ROME_CODE_LEN + 1);
			if ((id = refdata_rome_domain_first(ref, s)) < 0) {
				/* Kept, matched on the exact code only. */
				ft_offer_warn(fo, "romeCode: %s is not a ROME "
				    "v3 code and its domain %.3s has none: "
				    "kept, matched on the exact code only",
				    fo->rome_code, fo->rome_code);
				memcpy(o->rome, fo->rome_code,
				    ROME_CODE_LEN + 1);
				o->rome_id = -1;
				o->sector = refdata_rome_sector(fo->rome_code);
				return 0;
			}
		}
	} else {
		if (rules == NULL)
			return ft_offer_fail(err, errlen, "romeCode: missing "
			    "(and no rules to read the title)");
		if (rules_rome_for_title(rules, o->title, strlen(o->title),
		    code) < 0 || (id = refdata_rome_id(ref, code,
		    strlen(code))) < 0)
			return ft_offer_fail(err, errlen, "romeCode: missing, "
			    "and no rule maps the title to a ROME code");
		memcpy(fo->rome_code, code, ROME_CODE_LEN + 1);
		fo->rome_from_title = 1;
	}
	memcpy(o->rome, ref->rome[id].code, ROME_CODE_LEN + 1);
	o->rome_id = id;
	o->sector = refdata_rome_sector(fo->rome_code);
	return 0;
}

static void
map_employer(const json_t *j, struct ft_offer *fo)
{
	const json_t *e;
	const char *s;
	size_t len;
	int st, cut, b;

	st = ft_json_obj(j, "entreprise", &e);
	if (st == J_BAD) {
		ft_offer_warn(fo, "entreprise: not an object, ignored");
		return;
	}
	if (st == J_ABSENT)
		return;
	st = ft_json_str(e, "nom", &s, &len);
	if (st == J_BAD)
		ft_offer_warn(fo, "entreprise.nom: not a string, ignored");
	else if (st == J_OK) {
		if (ft_text_copy(fo->offer.employer, OFFER_EMPLOYER_MAX, s, len,
		    &cut) < 0) {
			fo->offer.employer[0] = '\0';
			ft_offer_warn(fo, "entreprise.nom: invalid UTF-8, "
			    "ignored");
		} else if (cut)
			ft_offer_warn(fo, "entreprise.nom: cut to %d bytes",
			    OFFER_EMPLOYER_MAX);
	}
	st = ft_json_bool(e, "entrepriseAdaptee", &b);
	if (st == J_OK)
		fo->adapted_employer = b;
	else if (st == J_BAD)
		ft_offer_warn(fo, "entreprise.entrepriseAdaptee: not a "
		    "boolean, ignored");
}

/* Months of "... - 12 Mois" after the last " - ", or -1, or -2 if bad. */
static int
contract_duration(const char *s, size_t len)
{
	const char *end = s + len, *p = NULL, *d;
	int m;

	for (d = s; d + 2 < end; d++)
		if (d[0] == ' ' && d[1] == '-' && d[2] == ' ')
			p = d + 3;
	if (p == NULL)
		return -1;
	while (p < end && *p == ' ')
		p++;
	if ((m = ft_text_duration(p, end)) < 0)
		return -2;
	return m;
}

static int
map_contract(const json_t *j, struct ft_offer *fo, int *permanent, char *err,
    size_t errlen)
{
	struct offer *o = &fo->offer;
	const struct ft_contract *fc = NULL;
	char q[FT_QUOTE_MAX + 4], key[FT_KEY_MAX + 1];
	const char *s;
	size_t len, i;
	int st, b, m;

	switch (ft_json_str(j, "typeContrat", &s, &len)) {
	case J_ABSENT:
		return ft_offer_fail(err, errlen, "typeContrat: missing");
	case J_BAD:
		return ft_offer_fail(err, errlen, "typeContrat: must be a "
		    "string");
	}
	for (i = 0; i < sizeof(ft_contracts) / sizeof(ft_contracts[0]); i++)
		if (len == 3 && memcmp(s, ft_contracts[i].code, 3) == 0) {
			fc = &ft_contracts[i];
			break;
		}
	if (fc == NULL)
		return ft_offer_fail(err, errlen, "typeContrat: unknown "
		    "contract type \"%s\"", ft_text_quote(s, len, q));
	if (fc->contract < 0)
		return ft_offer_fail(err, errlen, "typeContrat: contract type "
		    "%s (%s) not handled: not salaried employment", fc->code,
		    fc->label);
	o->contract = fc->contract;
	*permanent = fc->permanent;

	/* natureContrat refines it. */
	st = ft_json_str(j, "natureContrat", &s, &len);
	if (st == J_BAD)
		ft_offer_warn(fo, "natureContrat: not a string, ignored");
	else if (st == J_OK) {
		(void)ft_text_fold(s, len, key);
		if (ft_text_has_word(key, "APPRENTISSAGE") ||
		    ft_text_has_word(key, "PROFESSIONNALISATION"))
			o->contract = CONTRACT_ALTERNANCE;
		else if (ft_text_starts_word(key, "CUI") ||
		    ft_text_starts_word(key, "PEC") ||
		    strncmp(key, "EMPLOI D AVENIR", 15) == 0 ||
		    strncmp(key, "PARCOURS EMPLOI", 15) == 0)
			o->contract = CONTRACT_AIDE;
		else if (ft_text_starts_word(key, "INSERTION"))
			o->contract = CONTRACT_INSERTION;
	}
	st = ft_json_bool(j, "alternance", &b);
	if (st == J_BAD)
		ft_offer_warn(fo, "alternance: not a boolean, ignored");
	else if (st == J_OK) {
		fo->alternance = b;
		if (b)
			o->contract = CONTRACT_ALTERNANCE;
	}

	/* The duration, from the label. */
	st = ft_json_str(j, "typeContratLibelle", &s, &len);
	if (st == J_BAD)
		ft_offer_warn(fo, "typeContratLibelle: not a string, ignored");
	else if (st == J_OK && !fc->permanent) {
		m = contract_duration(s, len);
		if (m == -2)
			ft_offer_warn(fo, "typeContratLibelle: no duration in "
			    "\"%s\"", ft_text_quote(s, len, q));
		else if (m > OFFER_DURATION_MAX)
			ft_offer_warn(fo, "typeContratLibelle: duration of %d "
			    "months over %d, ignored", m, OFFER_DURATION_MAX);
		else if (m > 0)
			o->duration_months = m;
	}
	return 0;
}

static void
map_experience(const json_t *j, struct ft_offer *fo)
{
	char q[FT_QUOTE_MAX + 4];
	const char *s, *lib = NULL, *p, *end;
	size_t len, liblen = 0;
	int st, m = -1;

	st = ft_json_str(j, "experienceLibelle", &lib, &liblen);
	if (st == J_BAD)
		ft_offer_warn(fo, "experienceLibelle: not a string, ignored");
	if (st != J_OK)
		lib = NULL;
	st = ft_json_str(j, "experienceExige", &s, &len);
	if (st == J_BAD) {
		ft_offer_warn(fo, "experienceExige: not a string, ignored");
		return;
	}
	if (st == J_ABSENT || (len == 1 && s[0] == 'D'))
		return;
	if (len != 1 || (s[0] != 'E' && s[0] != 'S')) {
		ft_offer_warn(fo, "experienceExige: \"%s\" is not D, S or E, "
		    "ignored", ft_text_quote(s, len, q));
		return;
	}
	if (lib != NULL) {
		end = lib + liblen;
		for (p = lib; p < end && (*p < '0' || *p > '9'); p++)
			;
		m = ft_text_duration(p, end);
	}
	if (m < 0) {
		ft_offer_warn(fo, "experienceLibelle: no duration in \"%s\"",
		    lib != NULL ? ft_text_quote(lib, liblen, q) : "");
		return;
	}
	if (m > MONTHS_MAX) {
		ft_offer_warn(fo, "experienceLibelle: %d months over %d, "
		    "ignored", m, MONTHS_MAX);
		return;
	}
	if (s[0] == 'E')
		fo->offer.experience_months = m;
	else
		fo->experience_wished_months = m;
}

static void
map_level(const json_t *j, struct ft_offer *fo, int level_e)
{
	const json_t *v = json_object_get(j, "qualificationCode");
	char q[FT_QUOTE_MAX + 4];
	const char *s;
	size_t len;
	double d;
	int code = 0;

	if (v != NULL && !json_is_null(v)) {
		if (json_is_string(v)) {
			s = json_string_value(v);
			len = json_string_length(v);
			if (len == 1 && s[0] >= '1' && s[0] <= '9')
				code = s[0] - '0';
			else
				ft_offer_warn(fo, "qualificationCode: \"%s\" "
				    "is not 1-9, ignored",
				    ft_text_quote(s, len, q));
		} else if (json_is_number(v)) {
			d = json_number_value(v);
			if (d >= 1 && d <= 9 && d == floor(d))
				code = (int)d;
			else
				ft_offer_warn(fo, "qualificationCode: not 1-9, "
				    "ignored");
		} else
			ft_offer_warn(fo, "qualificationCode: not a string, "
			    "ignored");
	}
	fo->qualification = code;
	fo->offer.level_min = level_e > 0 ? level_e :
	    qualification_level[code];
}

static void
map_worktime(const json_t *j, struct ft_offer *fo)
{
	char q[FT_QUOTE_MAX + 4], key[FT_KEY_MAX + 1];
	const char *s;
	size_t len;
	int st;

	st = ft_json_str(j, "dureeTravailLibelleConverti", &s, &len);
	if (st == J_BAD)
		ft_offer_warn(fo, "dureeTravailLibelleConverti: not a string, "
		    "ignored");
	if (st != J_OK)
		return;
	(void)ft_text_fold(s, len, key);
	if (strcmp(key, "TEMPS PLEIN") == 0)
		fo->offer.working_time = WORKTIME_FULL;
	else if (strcmp(key, "TEMPS PARTIEL") == 0)
		fo->offer.working_time = WORKTIME_PART;
	else if (key[0] != '\0')
		ft_offer_warn(fo, "dureeTravailLibelleConverti: \"%s\" "
		    "unknown, any working time", ft_text_quote(s, len, q));
}

static void
map_positions(const json_t *j, struct ft_offer *fo)
{
	double d;
	int st;

	st = ft_json_num(j, "nombrePostes", &d);
	if (st == J_ABSENT)
		return;
	if (st == J_BAD || d != floor(d) || d < 1) {
		ft_offer_warn(fo, "nombrePostes: not a whole number of at "
		    "least 1, 1 taken");
		return;
	}
	if (d > OFFER_POSITIONS_MAX) {
		ft_offer_warn(fo, "nombrePostes: %.0f over %d, %d taken", d,
		    OFFER_POSITIONS_MAX, OFFER_POSITIONS_MAX);
		d = OFFER_POSITIONS_MAX;
	}
	fo->offer.positions = (int)d;
}

static void
map_flags(const json_t *j, struct ft_offer *fo)
{
	char q[FT_QUOTE_MAX + 4];
	const char *s;
	size_t len;
	int32_t day;
	int64_t ts;
	int st, b;

	st = ft_json_bool(j, "accessibleTH", &b);
	if (st == J_OK)
		fo->accessible_th = b;
	else if (st == J_BAD)
		ft_offer_warn(fo, "accessibleTH: not a boolean, ignored");

	st = ft_json_str(j, "dateCreation", &s, &len);
	if (st == J_OK && ft_text_iso8601(s, len, &day, &ts) == 0) {
		fo->created = day;
		fo->created_at = ts;
	} else if (st != J_ABSENT)
		ft_offer_warn(fo, "dateCreation: \"%s\" is not an ISO 8601 "
		    "date, ignored",
		    st == J_OK ? ft_text_quote(s, len, q) : "?");
	st = ft_json_str(j, "dateActualisation", &s, &len);
	if (st == J_OK && ft_text_iso8601(s, len, &day, &ts) == 0)
		fo->updated_at = ts;
	else if (st != J_ABSENT)
		ft_offer_warn(fo, "dateActualisation: not an ISO 8601 date, "
		    "ignored");
}

/* An http(s) URL of at most FT_URL_MAX printable bytes into buf. */
static int
copy_url(char *buf, const char *s, size_t len)
{
	if (len > FT_URL_MAX)
		return -1;
	if (!(len > 8 && memcmp(s, "https://", 8) == 0) &&
	    !(len > 7 && memcmp(s, "http://", 7) == 0))
		return -1;
	if (!ft_text_visible(s, len))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

static void
map_origin(const json_t *j, struct ft_offer *fo)
{
	const json_t *oo, *v, *parts, *p0;
	const char *s;
	size_t len;
	int st, cut;

	st = ft_json_obj(j, "origineOffre", &oo);
	if (st == J_BAD)
		ft_offer_warn(fo, "origineOffre: not an object, ignored");
	if (st != J_OK)
		return;
	v = json_object_get(oo, "origine");
	if (json_is_string(v) && json_string_length(v) == 1 &&
	    (json_string_value(v)[0] == '1' || json_string_value(v)[0] == '2'))
		fo->origin = json_string_value(v)[0] - '0';
	else if (json_is_number(v) && (json_number_value(v) == 1 ||
	    json_number_value(v) == 2))
		fo->origin = (int)json_number_value(v);
	else if (v != NULL && !json_is_null(v))
		ft_offer_warn(fo, "origineOffre.origine: not 1 or 2, ignored");
	if (ft_json_str(oo, "urlOrigine", &s, &len) == J_OK &&
	    copy_url(fo->url, s, len) == -1)
		ft_offer_warn(fo, "origineOffre.urlOrigine: not an http(s) URL "
		    "of at most %d bytes, ignored", FT_URL_MAX);
	if (ft_json_arr(oo, "partenaires", &parts) == J_OK &&
	    json_array_size(parts) > 0 &&
	    json_is_object(p0 = json_array_get(parts, 0))) {
		if (ft_json_str(p0, "nom", &s, &len) == J_OK &&
		    ft_text_copy(fo->partner, FT_PARTNER_MAX, s, len, &cut) < 0)
			fo->partner[0] = '\0';
		if (ft_json_str(p0, "url", &s, &len) == J_OK &&
		    copy_url(fo->partner_url, s, len) == -1)
			ft_offer_warn(fo, "origineOffre.partenaires[0].url: "
			    "not an http(s) URL, ignored");
	}
	if (fo->origin == FT_ORIGIN_PARTNER)
		snprintf(fo->offer.partner, sizeof(fo->offer.partner), "%s",
		    fo->partner[0] != '\0' ? fo->partner : "partenaire");
}

/* Facts of "title. description" through the rules. */
static void
map_text(const json_t *j, const struct rules *rules, struct ft_offer *fo,
    int permanent)
{
	struct offer *o = &fo->offer;
	struct rule_fact f[RULES_MAX_FACTS];
	const char *s = NULL;
	char *text;
	size_t len = 0, tl, dl;
	int st, n, i, lic, m;

	st = ft_json_str(j, "description", &s, &len);
	if (st == J_BAD)
		ft_offer_warn(fo, "description: not a string, ignored");
	if (rules == NULL)
		return;
	if (st != J_OK)
		len = 0;
	tl = strlen(o->title);
	text = xmalloc(FT_TEXT_MAX);
	memcpy(text, o->title, tl);
	dl = len;
	if (tl + 2 + dl > FT_TEXT_MAX) {
		dl = FT_TEXT_MAX - tl - 2;
		/* Cut on a character boundary. */
		while (dl > 0 && ((unsigned char)s[dl] & 0xc0) == 0x80)
			dl--;
	}
	memcpy(text + tl, ". ", 2);
	if (dl > 0)
		memcpy(text + tl + 2, s, dl);
	n = rules_extract(rules, text, tl + 2 + dl, f, RULES_MAX_FACTS);
	free(text);
	for (i = 0; i < n; i++) {
		switch (f[i].kind) {
		case RULE_LICENCE:
			lic = vocab_lookup(&vocab_licence, f[i].value,
			    strlen(f[i].value));
			if (lic >= 0 && f[i].required)
				o->licences_required |= 1u << lic;
			else if (lic >= 0)
				fo->licences_wished |= 1u << lic;
			break;
		case RULE_SKILL:
			ft_offer_add_skill(fo, f[i].value, f[i].required,
			    "description");
			break;
		case RULE_DURATION:
			m = atoi(f[i].value);
			if (!permanent && o->duration_months == 0 && m > 0 &&
			    m <= OFFER_DURATION_MAX)
				o->duration_months = m;
			break;
		default:
			break;
		}
		if (fo->nfacts < FT_FACTS_MAX)
			fo->facts[fo->nfacts++] = f[i];
	}
}

int
ft_map_offer(const json_t *j, const struct refdata *ref,
    const struct rules *rules, struct ft_offer *out, char *err,
    size_t errlen)
{
	struct offer *o = &out->offer;
	int level_e = 0, permanent = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(out, 0, offsetof(struct ft_offer, facts));
	out->nfacts = 0;
	out->nwarnings = 0;
	o->source = SOURCE_POLE_EMPLOI;
	o->working_time = WORKTIME_ANY;
	o->start = DATE_NONE;
	o->positions = 1;
	out->created = DATE_NONE;

	if (!json_is_object(j))
		return ft_offer_fail(err, errlen, "offer: must be an object");
	if (map_id(j, out, err, errlen) == -1 ||
	    map_title(j, out, err, errlen) == -1 ||
	    map_rome(j, ref, rules, out, err, errlen) == -1 ||
	    ft_place_map(j, ref, out, err, errlen) == -1 ||
	    map_contract(j, out, &permanent, err, errlen) == -1)
		return -1;
	map_employer(j, out);
	map_experience(j, out);
	ft_items_map(j, rules, out, &level_e);
	map_level(j, out, level_e);
	map_worktime(j, out);
	map_positions(j, out);
	map_flags(j, out);
	map_origin(j, out);
	map_text(j, rules, out, permanent);
	ft_offer_settle(out);
	ft_offer_take_notes(out);

	/* What offer_decode() insists on; cannot fail after the above. */
	if (!geo_valid(o->lat, o->lon) ||
	    (o->rome_id < 0 && o->rome_v4[0] == '\0') ||
	    o->contract < 0 || o->contract >= CONTRACT_COUNT)
		return ft_offer_fail(err, errlen, "offer: internal mapping "
		    "error");
	return 0;
}

/* A whole document at once, through ft_doc.c's pager. */
int
ft_map_document(const char *json, size_t len, const struct refdata *ref,
    const struct rules *rules, ft_offer_cb *cb, void *arg,
    struct ft_batch_report *rep)
{
	struct ft_doc *d;

	if ((d = ft_doc_open(json, len, rep)) == NULL)
		return -1;
	(void)ft_doc_map(d, ref, rules, cb, arg, FT_BATCH_MAX, rep);
	ft_doc_close(d);
	return 0;
}
