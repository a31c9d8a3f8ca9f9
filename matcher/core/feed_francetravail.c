/*
 * France Travail "Offres d'emploi v2": an offer of the API mapped onto
 * matcherd's struct offer (feed_francetravail.h).
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
#include <stdarg.h>
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
#include "utf8.h"
#include "geo.h"
#include "offer.h"
#include "refdata.h"
#include "rules.h"
#include "xmalloc.h"

/* How much of client text goes into a message. */
#define QUOTE_MAX	40
/* Longest label that is folded for comparison. */
#define KEY_MAX		255
/* Communes of one postal code looked at (the most in 59/62 is 33). */
#define POSTCODE_COMMUNES	64

enum jstate { J_ABSENT, J_OK, J_BAD };

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
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static int	 fail(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 warn(struct ft_offer *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
warn(struct ft_offer *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nwarnings < FT_WARNINGS_MAX) {
		va_start(ap, fmt);
		(void)vsnprintf(o->warnings[o->nwarnings],
		    sizeof(o->warnings[0]), fmt, ap);
		va_end(ap);
	}
	o->nwarnings++;
}

/*
 * Client text for a message: at most QUOTE_MAX bytes cut on a character
 * boundary, control characters and invalid bytes as '?', "..." if cut.
 */
static const char *
quote(const char *s, size_t len, char buf[QUOTE_MAX + 4])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	uint32_t cp;

	while (i < len) {
		k = utf8_decode(p + i, len - i, &cp);
		if (o + (k ? k : 1) > QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			buf[o++] = '?';
			i++;
			continue;
		}
		memcpy(buf + o, p + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Copy UTF-8 text into dst (max bytes + NUL): control characters become
 * spaces, runs of spaces one space, both ends trimmed, and the text cut
 * at max bytes on a character boundary.  Returns the length, or -1 if the
 * text is not UTF-8 or holds a NUL.  *cut tells whether it was cut.
 */
static int
copy_text(char *dst, size_t max, const char *s, size_t len, int *cut)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	uint32_t cp;
	int space = 0;

	*cut = 0;
	while (i < len) {
		if (p[i] == '\0' || (k = utf8_decode(p + i, len - i, &cp)) == 0)
			return -1;
		if (k == 1 && (p[i] <= 0x20 || p[i] == 0x7f)) {
			space = o > 0;
			i++;
			continue;
		}
		if (o + space + k > max) {
			*cut = 1;
			/* The rest must still be valid UTF-8. */
			for (i += k; i < len; i += k)
				if (p[i] == '\0' ||
				    (k = utf8_decode(p + i, len - i, &cp)) == 0)
					return -1;
			break;
		}
		if (space)
			dst[o++] = ' ';
		space = 0;
		memcpy(dst + o, p + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
	return (int)o;
}

/* The string at key: J_OK with *s, *len; J_ABSENT for absent or null. */
static int
jstr(const json_t *obj, const char *key, const char **s, size_t *len)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (!json_is_string(v))
		return J_BAD;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return J_OK;
}

static int
jnum(const json_t *obj, const char *key, double *d)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (!json_is_number(v))
		return J_BAD;
	*d = json_number_value(v);
	return isfinite(*d) ? J_OK : J_BAD;
}

static int
jbool(const json_t *obj, const char *key, int *b)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (!json_is_boolean(v))
		return J_BAD;
	*b = json_is_true(v);
	return J_OK;
}

/* The value at key if it has the JSON type want; J_BAD if another. */
static int
jtyped(const json_t *obj, const char *key, json_type want,
    const json_t **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return J_ABSENT;
	if (json_typeof(v) != want)
		return J_BAD;
	*out = v;
	return J_OK;
}

static int
jobj(const json_t *obj, const char *key, const json_t **out)
{
	return jtyped(obj, key, JSON_OBJECT, out);
}

static int
jarr(const json_t *obj, const char *key, const json_t **out)
{
	return jtyped(obj, key, JSON_ARRAY, out);
}

/* Upper-case folded key of a label (refdata_name_key()). */
static size_t
fold(const char *s, size_t len, char key[KEY_MAX + 1])
{
	return refdata_name_key(s, len, key, KEY_MAX + 1);
}

/* 1 if the folded key holds the whole word w. */
static int
has_word(const char *key, const char *w)
{
	size_t wl = strlen(w);
	const char *p = key;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == key || p[-1] == ' ') &&
		    (p[wl] == '\0' || p[wl] == ' '))
			return 1;
		p += wl;
	}
	return 0;
}

static int
starts_word(const char *key, const char *w)
{
	size_t wl = strlen(w);

	return strncmp(key, w, wl) == 0 && (key[wl] == '\0' || key[wl] == ' ');
}

/*
 * A duration in text: a number ("12", "4,5") then a unit word (mois,
 * an/ans/an(s)/année(s), semaine(s), jour(s)), in months rounded up.
 * p points at the number.  Returns months (may be 0 for "0 Mois"), -1 if
 * the text is not of that form.
 */
static int
parse_duration(const char *p, const char *end)
{
	double v = 0, scale;
	char unit[8];
	size_t ul = 0;
	int nd = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (++nd > 6)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (nd == 0)
		return -1;
	if (p < end && (*p == ',' || *p == '.') && p + 1 < end &&
	    p[1] >= '0' && p[1] <= '9') {
		scale = 0.1;
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			v += (*p - '0') * scale;
			scale /= 10;
		}
	}
	while (p < end && *p == ' ')
		p++;
	/* The unit's first letters, ASCII lower case; "é" stops it. */
	while (p < end && ul < sizeof(unit) - 1 &&
	    ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		unit[ul++] = (char)(*p++ | 0x20);
	unit[ul] = '\0';
	if (ul >= 4 && strncmp(unit, "mois", 4) == 0)
		;
	else if (ul >= 2 && strncmp(unit, "an", 2) == 0)
		v *= 12;		/* an, ans, an(s), année(s) */
	else if (ul >= 3 && strncmp(unit, "sem", 3) == 0)
		v = v * 7 / 30;
	else if (ul >= 4 && strncmp(unit, "jour", 4) == 0)
		v /= 30;
	else
		return -1;
	/* Rounded up, minus float noise: 4.5 -> 5, 12 -> 12. */
	v = ceil(v - 1e-9);
	return v > 1e6 ? 1000000 : (int)v;
}

/*
 * Parse an ISO 8601 timestamp of the API: "YYYY-MM-DD", optionally
 * followed by "THH:MM[:SS[.fff]]" and "Z" or "+HH:MM"/"-HH:MM".
 */
static int
parse_iso(const char *s, size_t len, int32_t *day, int64_t *ts)
{
	int h = 0, mi = 0, sec = 0, sign, oh, om;
	size_t i;
	int64_t off = 0;

	if (len < 10 || date_parse(s, 10, day) == -1)
		return -1;
	i = 10;
	if (i < len && (s[i] == 'T' || s[i] == ' ')) {
#define D2(k) (s[k] >= '0' && s[k] <= '9' && s[k + 1] >= '0' && \
	    s[k + 1] <= '9')
		if (len < i + 6 || !D2(i + 1) || s[i + 3] != ':' ||
		    !D2(i + 4))
			return -1;
		h = (s[i + 1] - '0') * 10 + s[i + 2] - '0';
		mi = (s[i + 4] - '0') * 10 + s[i + 5] - '0';
		i += 6;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || !D2(i + 1))
				return -1;
			sec = (s[i + 1] - '0') * 10 + s[i + 2] - '0';
			i += 3;
			if (i < len && s[i] == '.') {
				for (i++; i < len && s[i] >= '0' &&
				    s[i] <= '9'; i++)
					;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < len && s[i] == 'Z')
			i++;
		else if (i < len && (s[i] == '+' || s[i] == '-')) {
			sign = s[i] == '-' ? -1 : 1;
			if (len < i + 6 || !D2(i + 1) || s[i + 3] != ':' ||
			    !D2(i + 4))
				return -1;
			oh = (s[i + 1] - '0') * 10 + s[i + 2] - '0';
			om = (s[i + 4] - '0') * 10 + s[i + 5] - '0';
			if (oh > 18 || om > 59)
				return -1;
			off = sign * (int64_t)(oh * 3600 + om * 60);
			i += 6;
		}
#undef D2
	}
	if (i != len)
		return -1;
	*ts = (int64_t)*day * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

/* 1 if tag is a skill tag: [a-z0-9][a-z0-9._-]*, 1..SKILL_MAX_LEN. */
static int
tag_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 1 || len > SKILL_MAX_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9'))
			continue;
		if (i > 0 && (s[i] == '.' || s[i] == '_' || s[i] == '-'))
			continue;
		return 0;
	}
	return 1;
}

static int
tag_index(char (*tags)[SKILL_MAX_LEN + 1], int n, const char *tag)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(tags[i], tag) == 0)
			return i;
	return -1;
}

/* Add a tag to skills_required (required) or skills_wanted. */
static void
add_skill(struct ft_offer *fo, const char *tag, int required,
    const char *where)
{
	struct offer *o = &fo->offer;
	char (*tags)[SKILL_MAX_LEN + 1];
	int *n;

	if (!tag_valid(tag))
		return;
	tags = required ? o->skills_required : o->skills_wanted;
	n = required ? &o->nskills_required : &o->nskills_wanted;
	if (tag_index(tags, *n, tag) >= 0)
		return;
	if (*n == OFFER_MAX_SKILLS) {
		warn(fo, "%s: more than %d %s skills, %s dropped", where,
		    OFFER_MAX_SKILLS, required ? "required" : "wanted", tag);
		return;
	}
	strcpy(tags[(*n)++], tag);
}

static void
add_fact(struct ft_offer *fo, int kind, const char *value, int required,
    const char *excerpt, size_t exlen)
{
	struct rule_fact *f;
	int cut;

	if (fo->nfacts == FT_FACTS_MAX)
		return;
	f = &fo->facts[fo->nfacts++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	(void)snprintf(f->value, sizeof(f->value), "%s", value);
	f->required = required;
	if (copy_text(f->excerpt, sizeof(f->excerpt) - 1, excerpt, exlen,
	    &cut) < 0)
		f->excerpt[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

static int
map_id(const json_t *j, struct ft_offer *fo, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	const char *s;
	size_t len;

	switch (jstr(j, "id", &s, &len)) {
	case J_ABSENT:
		return fail(err, errlen, "id: missing");
	case J_BAD:
		return fail(err, errlen, "id: must be a string");
	}
	if (len < 1 || len > FT_ID_MAX || !record_id_valid(s, len))
		return fail(err, errlen, "id: \"%s\" must be 1-%d characters "
		    "of A-Z a-z 0-9 _ . : -", quote(s, len, q), FT_ID_MAX);
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

	switch (jstr(j, "intitule", &s, &len)) {
	case J_ABSENT:
		return fail(err, errlen, "intitule: missing");
	case J_BAD:
		return fail(err, errlen, "intitule: must be a string");
	}
	n = copy_text(fo->offer.title, OFFER_TITLE_MAX, s, len, &cut);
	if (n < 0)
		return fail(err, errlen, "intitule: invalid UTF-8 or NUL");
	if (n == 0)
		return fail(err, errlen, "intitule: empty");
	if (cut)
		warn(fo, "intitule: cut to %d bytes", OFFER_TITLE_MAX);
	return 0;
}

static int
map_rome(const json_t *j, const struct refdata *ref,
    const struct rules *rules, struct ft_offer *fo, char *err,
    size_t errlen)
{
	struct offer *o = &fo->offer;
	char q[QUOTE_MAX + 4], code[ROME_CODE_LEN + 1];
	const char *s = NULL;
	size_t len = 0;
	int st, id;

	st = jstr(j, "romeCode", &s, &len);
	if (st == J_BAD)
		return fail(err, errlen, "romeCode: must be a string");
	if (st == J_OK && len > 0) {
		if (!refdata_rome_well_formed(s, len))
			return fail(err, errlen, "romeCode: \"%s\" is not a "
			    "ROME code (a letter and 4 digits)",
			    quote(s, len, q));
		memcpy(fo->rome_code, s, ROME_CODE_LEN);
		fo->rome_code[ROME_CODE_LEN] = '\0';
		if ((id = refdata_rome_id(ref, s, len)) < 0) {
			/* ROME 4.0: matched on its v3 domain. */
			fo->rome_v4 = 1;
			memcpy(o->rome_v4, fo->rome_code, ROME_CODE_LEN + 1);
			if ((id = refdata_rome_domain_first(ref, s)) < 0) {
				/* Kept, matched on the exact code only. */
				warn(fo, "romeCode: %s is not a ROME v3 code "
				    "and its domain %.3s has none: kept, matched "
				    "on the exact code only", fo->rome_code,
				    fo->rome_code);
				memcpy(o->rome, fo->rome_code,
				    ROME_CODE_LEN + 1);
				o->rome_id = -1;
				o->sector = refdata_rome_sector(fo->rome_code);
				return 0;
			}
		}
	} else {
		if (rules == NULL)
			return fail(err, errlen, "romeCode: missing (and no "
			    "rules to read the title)");
		if (rules_rome_for_title(rules, o->title, strlen(o->title),
		    code) < 0 || (id = refdata_rome_id(ref, code,
		    strlen(code))) < 0)
			return fail(err, errlen, "romeCode: missing, and no "
			    "rule maps the title to a ROME code");
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

	st = jobj(j, "entreprise", &e);
	if (st == J_BAD) {
		warn(fo, "entreprise: not an object, ignored");
		return;
	}
	if (st == J_ABSENT)
		return;
	st = jstr(e, "nom", &s, &len);
	if (st == J_BAD)
		warn(fo, "entreprise.nom: not a string, ignored");
	else if (st == J_OK) {
		if (copy_text(fo->offer.employer, OFFER_EMPLOYER_MAX, s, len,
		    &cut) < 0) {
			fo->offer.employer[0] = '\0';
			warn(fo, "entreprise.nom: invalid UTF-8, ignored");
		} else if (cut)
			warn(fo, "entreprise.nom: cut to %d bytes",
			    OFFER_EMPLOYER_MAX);
	}
	st = jbool(e, "entrepriseAdaptee", &b);
	if (st == J_OK)
		fo->adapted_employer = b;
	else if (st == J_BAD)
		warn(fo, "entreprise.entrepriseAdaptee: not a boolean, "
		    "ignored");
}

/*
 * Split a libelle "59 - DUNKERQUE" into the department ("59") and the
 * name ("DUNKERQUE"); a libelle without the prefix is all name.  A
 * trailing "(...)" is dropped from the name.
 */
static void
split_libelle(const char *s, size_t len, char dept[4], const char **name,
    size_t *nlen)
{
	size_t i = 0, d;

	dept[0] = '\0';
	while (i < len && s[i] == ' ')
		i++;
	for (d = i; d < len && d - i < 3 && ((s[d] >= '0' && s[d] <= '9') ||
	    (d == i + 1 && (s[d] == 'A' || s[d] == 'B'))); d++)
		;
	if (d - i >= 2 && (d == len || s[d] == ' ' || s[d] == '-')) {
		memcpy(dept, s + i, d - i);
		dept[d - i] = '\0';
		i = d;
		while (i < len && (s[i] == ' ' || s[i] == '-'))
			i++;
	}
	*name = s + i;
	*nlen = len - i;
	while (*nlen > 0 && (*name)[*nlen - 1] == ' ')
		(*nlen)--;
	if (*nlen > 0 && (*name)[*nlen - 1] == ')') {
		for (d = *nlen; d > 0 && (*name)[d - 1] != '('; d--)
			;
		if (d > 0) {
			*nlen = d - 1;
			while (*nlen > 0 && (*name)[*nlen - 1] == ' ')
				(*nlen)--;
		}
	}
}

/* The department a bare name designates ("NORD" -> "59"), or NULL. */
static const char *
department_by_name(const char *key)
{
	if (strcmp(key, "NORD") == 0)
		return "59";
	if (strcmp(key, "PAS DE CALAIS") == 0)
		return "62";
	return NULL;
}

static void
set_commune(struct ft_offer *fo, const struct commune *c)
{
	memcpy(fo->offer.commune, c->insee, INSEE_CODE_LEN + 1);
	fo->offer.lat = c->lat;
	fo->offer.lon = c->lon;
}

/*
 * The department of an INSEE or postal code (5 bytes): "59", "2A", "971";
 * left unknown if the code does not start like one.
 */
static void
set_department_of(struct ft_offer *fo, const char *code)
{
	size_t dl = refdata_department_len(code), i;

	if (!(code[1] >= '0' && code[1] <= '9') &&
	    !(code[0] == '2' && (code[1] == 'A' || code[1] == 'B')))
		return;
	for (i = 0; i < dl; i++)
		if (i != 1 && (code[i] < '0' || code[i] > '9'))
			return;
	memcpy(fo->department, code, dl);
	fo->department[dl] = '\0';
}

static int
map_place(const json_t *j, const struct refdata *ref, struct ft_offer *fo,
    char *err, size_t errlen)
{
	struct offer *o = &fo->offer;
	const struct commune *c = NULL, *pcs[POSTCODE_COMMUNES];
	const struct refdata_department *dep;
	const json_t *lt;
	const char *insee = NULL, *cp = NULL, *lib = NULL, *name = "", *dn;
	char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4], key[KEY_MAX + 1];
	char ldept[4];
	size_t ilen = 0, cplen = 0, liblen = 0, nlen = 0;
	double lat = 0, lon = 0;
	int st, slat, slon, coords = 0, npc = 0, i, n;

	st = jobj(j, "lieuTravail", &lt);
	if (st == J_ABSENT)
		return fail(err, errlen, "lieuTravail: missing");
	if (st == J_BAD)
		return fail(err, errlen, "lieuTravail: must be an object");

	if ((st = jstr(lt, "commune", &insee, &ilen)) == J_BAD)
		warn(fo, "lieuTravail.commune: not a string, ignored");
	if (st != J_OK)
		insee = NULL;
	slat = jnum(lt, "latitude", &lat);
	slon = jnum(lt, "longitude", &lon);
	if (slat == J_OK && slon == J_OK) {
		if (geo_valid(lat, lon) && !(lat == 0 && lon == 0))
			coords = 1;
		else
			warn(fo, "lieuTravail: coordinates %.6f, %.6f out of "
			    "range, ignored", lat, lon);
	} else if (slat != J_ABSENT || slon != J_ABSENT)
		warn(fo, "lieuTravail: latitude and longitude must be two "
		    "numbers, ignored");
	if ((st = jstr(lt, "codePostal", &cp, &cplen)) == J_BAD)
		warn(fo, "lieuTravail.codePostal: not a string, ignored");
	if (st != J_OK)
		cp = NULL;
	if ((st = jstr(lt, "libelle", &lib, &liblen)) == J_BAD)
		warn(fo, "lieuTravail.libelle: not a string, ignored");
	if (st != J_OK) {
		lib = NULL;
		ldept[0] = '\0';
	} else
		split_libelle(lib, liblen, ldept, &name, &nlen);

	/* 1. The commune's INSEE code. */
	if (insee != NULL && (c = refdata_commune(ref, insee, ilen)) != NULL) {
		set_commune(fo, c);
		if (coords) {
			o->lat = lat;
			o->lon = lon;
		}
		fo->place = FT_PLACE_COMMUNE;
		set_department_of(fo, c->insee);
		return 0;
	}
	/* 2. Coordinates. */
	if (coords) {
		o->commune[0] = '\0';
		o->lat = lat;
		o->lon = lon;
		fo->place = FT_PLACE_COORDS;
		if (insee != NULL && ilen == INSEE_CODE_LEN)
			set_department_of(fo, insee);
		else if (cp != NULL && cplen == 5)
			set_department_of(fo, cp);
		else if (ldept[0] != '\0')
			memcpy(fo->department, ldept, sizeof(ldept));
		return 0;
	}
	/* 3. The postal code; several communes: the one named. */
	if (cp != NULL && (n = refdata_postcode_communes(ref, cp, cplen, pcs,
	    POSTCODE_COMMUNES)) > 0) {
		if (n == 1)
			c = pcs[0];
		else if (nlen > 0 && (c = refdata_commune_by_name(ref,
		    ldept[0] != '\0' ? ldept : NULL, name, nlen)) != NULL) {
			npc = n < POSTCODE_COMMUNES ? n : POSTCODE_COMMUNES;
			for (i = 0; i < npc && pcs[i] != c; i++)
				;
			if (i == npc)
				c = NULL;	/* named another commune */
		}
		if (c != NULL) {
			set_commune(fo, c);
			set_department_of(fo, c->insee);
		} else {
			o->commune[0] = '\0';
			o->lat = o->lon = 0;
			npc = n < POSTCODE_COMMUNES ? n : POSTCODE_COMMUNES;
			for (i = 0; i < npc; i++) {
				o->lat += pcs[i]->lat;
				o->lon += pcs[i]->lon;
			}
			o->lat /= npc;
			o->lon /= npc;
			set_department_of(fo, pcs[0]->insee);
			warn(fo, "lieuTravail.codePostal: %.5s serves %d "
			    "communes, placed at their centre", cp, n);
		}
		fo->place = FT_PLACE_POSTCODE;
		return 0;
	}
	/* 4. The commune named in the libelle. */
	if (nlen > 0 && (c = refdata_commune_by_name(ref,
	    ldept[0] != '\0' ? ldept : NULL, name, nlen)) != NULL) {
		set_commune(fo, c);
		set_department_of(fo, c->insee);
		fo->place = FT_PLACE_NAME;
		return 0;
	}
	/* 5. Only the department. */
	if (lib != NULL) {
		(void)fold(name, nlen, key);
		dn = ldept[0] != '\0' ? ldept : department_by_name(key);
		if (dn != NULL && (dep = refdata_department(ref, dn,
		    strlen(dn))) != NULL) {
			o->commune[0] = '\0';
			o->lat = dep->lat;
			o->lon = dep->lon;
			memcpy(fo->department, dep->code, sizeof(dep->code));
			memcpy(o->department, dep->code, sizeof(dep->code));
			o->department_no = (int)(dep - ref->departments) + 1;
			fo->department_only = 1;
			fo->place = FT_PLACE_DEPARTMENT;
			if (key[0] != '\0' && department_by_name(key) == NULL)
				warn(fo, "lieuTravail.libelle: unknown commune "
				    "\"%s\", placed at department level",
				    quote(name, nlen, q));
			return 0;
		}
	}
	if (insee != NULL)
		return fail(err, errlen, "lieuTravail: commune \"%s\" is not "
		    "in the reference data (59, 62) and there are no "
		    "coordinates", quote(insee, ilen, q));
	if (lib != NULL)
		return fail(err, errlen, "lieuTravail: \"%s\" is no known "
		    "commune or department (59, 62)%s%s%s",
		    quote(lib, liblen, q), cp != NULL ? ", postal code \"" : "",
		    cp != NULL ? quote(cp, cplen, q2) : "",
		    cp != NULL ? "\" unknown" : "");
	return fail(err, errlen, "lieuTravail: no commune, coordinates, "
	    "postal code or known place");
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
	if ((m = parse_duration(p, end)) < 0)
		return -2;
	return m;
}

static int
map_contract(const json_t *j, struct ft_offer *fo, int *permanent, char *err,
    size_t errlen)
{
	struct offer *o = &fo->offer;
	const struct ft_contract *fc = NULL;
	char q[QUOTE_MAX + 4], key[KEY_MAX + 1];
	const char *s;
	size_t len, i;
	int st, b, m;

	switch (jstr(j, "typeContrat", &s, &len)) {
	case J_ABSENT:
		return fail(err, errlen, "typeContrat: missing");
	case J_BAD:
		return fail(err, errlen, "typeContrat: must be a string");
	}
	for (i = 0; i < sizeof(ft_contracts) / sizeof(ft_contracts[0]); i++)
		if (len == 3 && memcmp(s, ft_contracts[i].code, 3) == 0) {
			fc = &ft_contracts[i];
			break;
		}
	if (fc == NULL)
		return fail(err, errlen, "typeContrat: unknown contract type "
		    "\"%s\"", quote(s, len, q));
	if (fc->contract < 0)
		return fail(err, errlen, "typeContrat: contract type %s (%s) "
		    "not handled: not salaried employment", fc->code,
		    fc->label);
	o->contract = fc->contract;
	*permanent = fc->permanent;

	/* natureContrat refines it. */
	st = jstr(j, "natureContrat", &s, &len);
	if (st == J_BAD)
		warn(fo, "natureContrat: not a string, ignored");
	else if (st == J_OK) {
		(void)fold(s, len, key);
		if (has_word(key, "APPRENTISSAGE") ||
		    has_word(key, "PROFESSIONNALISATION"))
			o->contract = CONTRACT_ALTERNANCE;
		else if (starts_word(key, "CUI") || starts_word(key, "PEC") ||
		    strncmp(key, "EMPLOI D AVENIR", 15) == 0 ||
		    strncmp(key, "PARCOURS EMPLOI", 15) == 0)
			o->contract = CONTRACT_AIDE;
		else if (starts_word(key, "INSERTION"))
			o->contract = CONTRACT_INSERTION;
	}
	st = jbool(j, "alternance", &b);
	if (st == J_BAD)
		warn(fo, "alternance: not a boolean, ignored");
	else if (st == J_OK) {
		fo->alternance = b;
		if (b)
			o->contract = CONTRACT_ALTERNANCE;
	}

	/* The duration, from the label. */
	st = jstr(j, "typeContratLibelle", &s, &len);
	if (st == J_BAD)
		warn(fo, "typeContratLibelle: not a string, ignored");
	else if (st == J_OK && !fc->permanent) {
		m = contract_duration(s, len);
		if (m == -2)
			warn(fo, "typeContratLibelle: no duration in \"%s\"",
			    quote(s, len, q));
		else if (m > OFFER_DURATION_MAX)
			warn(fo, "typeContratLibelle: duration of %d months "
			    "over %d, ignored", m, OFFER_DURATION_MAX);
		else if (m > 0)
			o->duration_months = m;
	}
	return 0;
}

static void
map_experience(const json_t *j, struct ft_offer *fo)
{
	char q[QUOTE_MAX + 4];
	const char *s, *lib = NULL, *p, *end;
	size_t len, liblen = 0;
	int st, m = -1;

	st = jstr(j, "experienceLibelle", &lib, &liblen);
	if (st == J_BAD)
		warn(fo, "experienceLibelle: not a string, ignored");
	if (st != J_OK)
		lib = NULL;
	st = jstr(j, "experienceExige", &s, &len);
	if (st == J_BAD) {
		warn(fo, "experienceExige: not a string, ignored");
		return;
	}
	if (st == J_ABSENT || (len == 1 && s[0] == 'D'))
		return;
	if (len != 1 || (s[0] != 'E' && s[0] != 'S')) {
		warn(fo, "experienceExige: \"%s\" is not D, S or E, ignored",
		    quote(s, len, q));
		return;
	}
	if (lib != NULL) {
		end = lib + liblen;
		for (p = lib; p < end && (*p < '0' || *p > '9'); p++)
			;
		m = parse_duration(p, end);
	}
	if (m < 0) {
		warn(fo, "experienceLibelle: no duration in \"%s\"",
		    lib != NULL ? quote(lib, liblen, q) : "");
		return;
	}
	if (m > MONTHS_MAX) {
		warn(fo, "experienceLibelle: %d months over %d, ignored", m,
		    MONTHS_MAX);
		return;
	}
	if (s[0] == 'E')
		fo->offer.experience_months = m;
	else
		fo->experience_wished_months = m;
}

/*
 * exigence of a list item: 1 for "E", 0 for "S" or none; other values
 * are wishes too, with a warning.
 */
static int
item_required(const json_t *it, struct ft_offer *fo, const char *list,
    size_t i)
{
	char q[QUOTE_MAX + 4];
	const char *s;
	size_t len;
	int st;

	st = jstr(it, "exigence", &s, &len);
	if (st == J_OK && len == 1 && s[0] == 'E')
		return 1;
	if (st == J_BAD || (st == J_OK && !(len == 1 && s[0] == 'S')))
		warn(fo, "%s[%zu].exigence: \"%s\" is not E or S, taken as S",
		    list, i, st == J_OK ? quote(s, len, q) : "?");
	return 0;
}

/* A licence code from the first word of a permis label. */
static int
licence_of(const char *key, char word[16])
{
	static const struct {
		const char *old, *now;
	} old_names[] = {
		{ "EB", "BE" }, { "EC", "CE" }, { "EC1", "C1E" },
		{ "ED", "DE" }, { "ED1", "D1E" },
	};
	const char *p = key;
	size_t wl, i;

	word[0] = '\0';
	if (starts_word(p, "PERMIS"))
		p += p[6] == ' ' ? 7 : 6;
	for (wl = 0; p[wl] != '\0' && p[wl] != ' '; wl++)
		;
	if (wl == 0 || wl >= 16)
		return -1;
	memcpy(word, p, wl);
	word[wl] = '\0';
	for (i = 0; i < sizeof(old_names) / sizeof(old_names[0]); i++)
		if (strcmp(word, old_names[i].old) == 0) {
			strcpy(word, old_names[i].now);
			break;
		}
	return vocab_lookup(&vocab_licence, word, strlen(word));
}

/*
 * The items of the list field of j that are read: at most FT_ITEMS_MAX
 * (the rest warned about); 0 when absent, or not a list (warned).
 */
static size_t
item_list(const json_t *j, const char *field, struct ft_offer *fo,
    const json_t **arr)
{
	size_t n;
	int st;

	st = jarr(j, field, arr);
	if (st == J_BAD)
		warn(fo, "%s: not a list, ignored", field);
	if (st != J_OK)
		return 0;
	n = json_array_size(*arr);
	if (n > FT_ITEMS_MAX) {
		warn(fo, "%s: %zu items, only the first %d read", field, n,
		    FT_ITEMS_MAX);
		n = FT_ITEMS_MAX;
	}
	return n;
}

static void
map_permis(const json_t *j, struct ft_offer *fo)
{
	const json_t *arr, *it;
	const char *s;
	char key[KEY_MAX + 1], word[16];
	size_t i, n, len;
	int lic, req;

	n = item_list(j, "permis", fo, &arr);
	for (i = 0; i < n; i++) {
		it = json_array_get(arr, i);
		if (!json_is_object(it) || jstr(it, "libelle", &s, &len) !=
		    J_OK) {
			warn(fo, "permis[%zu]: no libelle, ignored", i);
			continue;
		}
		req = item_required(it, fo, "permis", i);
		(void)fold(s, len, key);
		lic = licence_of(key, word);
		if (lic < 0) {
			fo->items_unmapped++;
			if (word[0] == '\0' || strlen(key) == 0)
				continue;
			add_fact(fo, RULE_LICENCE, word, req, s, len);
			continue;
		}
		if (req)
			fo->offer.licences_required |= 1u << lic;
		else {
			fo->licences_wished |= 1u << lic;
			add_fact(fo, RULE_LICENCE, vocab_name(&vocab_licence,
			    lic), 0, s, len);
		}
	}
}

/* Level (0-8) of a formation's niveauLibelle, 0 if none. */
static int
formation_level(const char *key)
{
	if (has_word(key, "CAP") || has_word(key, "BEP"))
		return 3;
	if (has_word(key, "DOCTORAT"))
		return 8;
	if (strstr(key, "BAC 5") != NULL || strstr(key, "BAC 6") != NULL ||
	    strstr(key, "BAC 8") != NULL)
		return 7;
	if (strstr(key, "BAC 3") != NULL || strstr(key, "BAC 4") != NULL)
		return 6;
	if (strstr(key, "BAC 2") != NULL)
		return 5;
	if (starts_word(key, "BAC") || starts_word(key, "NIVEAU BAC"))
		return 4;
	return 0;
}

/*
 * Skills of one list item's label through the rules: a skill is required
 * only if the item is (E) and its label gave exactly that one tag.
 * Returns how many tags or licences the label gave.
 */
static int
item_facts(const struct rules *rules, struct ft_offer *fo, const char *text,
    size_t len, int req, const char *where)
{
	struct rule_fact f[8];
	int n, i, nskill = 0, found = 0, lic;

	if (rules == NULL || len == 0)
		return 0;
	n = rules_extract(rules, text, len, f, 8);
	for (i = 0; i < n; i++)
		nskill += f[i].kind == RULE_SKILL && tag_valid(f[i].value);
	for (i = 0; i < n; i++) {
		if (f[i].kind == RULE_SKILL && tag_valid(f[i].value)) {
			add_skill(fo, f[i].value, req && nskill == 1, where);
			found++;
		} else if (f[i].kind == RULE_LICENCE && (lic = vocab_lookup(
		    &vocab_licence, f[i].value, strlen(f[i].value))) >= 0) {
			fo->licences_wished |= 1u << lic;
			add_fact(fo, RULE_LICENCE, f[i].value, 0, f[i].excerpt,
			    strlen(f[i].excerpt));
			found++;
		}
	}
	return found;
}

/* Append s (len bytes) and a line break to buf; 0, or -1 if full. */
static int
append_line(char *buf, size_t *o, size_t cap, const char *s, size_t len)
{
	if (*o + len + 1 > cap)
		return -1;
	memcpy(buf + *o, s, len);
	*o += len;
	buf[(*o)++] = '\n';
	return 0;
}

/*
 * 1 if the labels of competences[] and formations[] together give any
 * skill or licence: most labels of the France Travail referential match
 * no rule, and one pass over them all then replaces one per item.  A
 * label that matches alone also matches among the others, so a 0 here
 * means the items would give nothing one by one either.
 */
static int
items_have_facts(const json_t *j, const struct rules *rules)
{
	static const char *const keys[][2] = {
		{ "competences", "libelle" },
		{ "formations", "domaineLibelle" },
		{ "formations", "commentaire" },
	};
	struct rule_fact f[RULES_MAX_FACTS];
	const json_t *arr, *it;
	const char *s;
	char *buf;
	size_t k, i, n, len, o = 0;
	int nf, any = 0;

	if (rules == NULL)
		return 0;
	buf = xmalloc(FT_TEXT_MAX);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (jarr(j, keys[k][0], &arr) != J_OK)
			continue;
		n = json_array_size(arr);
		for (i = 0; i < n && i < FT_ITEMS_MAX; i++) {
			it = json_array_get(arr, i);
			if (jstr(it, keys[k][1], &s, &len) == J_OK &&
			    append_line(buf, &o, FT_TEXT_MAX, s, len) == -1) {
				free(buf);
				return 1;	/* too long: item by item */
			}
		}
	}
	if (o > 0) {
		nf = rules_extract(rules, buf, o, f, RULES_MAX_FACTS);
		for (i = 0; i < (size_t)nf && !any; i++)
			any = (f[i].kind == RULE_SKILL &&
			    tag_valid(f[i].value)) ||
			    (f[i].kind == RULE_LICENCE && vocab_lookup(
			    &vocab_licence, f[i].value,
			    strlen(f[i].value)) >= 0);
	}
	free(buf);
	return any;
}

static void
map_competences(const json_t *j, const struct rules *rules,
    struct ft_offer *fo)
{
	const json_t *arr, *it;
	const char *s;
	size_t i, n, len;
	int req;

	n = item_list(j, "competences", fo, &arr);
	for (i = 0; i < n; i++) {
		it = json_array_get(arr, i);
		if (!json_is_object(it) || jstr(it, "libelle", &s, &len) !=
		    J_OK) {
			warn(fo, "competences[%zu]: no libelle, ignored", i);
			continue;
		}
		req = item_required(it, fo, "competences", i);
		if (item_facts(rules, fo, s, len, req, "competences") == 0)
			fo->items_unmapped++;
	}
}

static void
map_formations(const json_t *j, const struct rules *rules,
    struct ft_offer *fo, int *level_e)
{
	const json_t *arr, *it;
	const char *s, *c;
	char key[KEY_MAX + 1], text[512];
	size_t i, n, len, clen;
	int req, lvl, found;

	n = item_list(j, "formations", fo, &arr);
	for (i = 0; i < n; i++) {
		it = json_array_get(arr, i);
		if (!json_is_object(it)) {
			warn(fo, "formations[%zu]: not an object, ignored", i);
			continue;
		}
		req = item_required(it, fo, "formations", i);
		found = 0;
		if (jstr(it, "niveauLibelle", &s, &len) == J_OK) {
			(void)fold(s, len, key);
			if ((lvl = formation_level(key)) > 0) {
				found = 1;
				if (req && (*level_e == 0 || lvl < *level_e))
					*level_e = lvl;
				else if (!req && (fo->level_wished == 0 ||
				    lvl < fo->level_wished))
					fo->level_wished = lvl;
			}
		}
		if (jstr(it, "domaineLibelle", &s, &len) != J_OK)
			len = 0;
		if (jstr(it, "commentaire", &c, &clen) != J_OK)
			clen = 0;
		if (len + clen > 0) {
			(void)snprintf(text, sizeof(text), "%.*s. %.*s",
			    (int)(len < 250 ? len : 250), len ? s : "",
			    (int)(clen < 250 ? clen : 250), clen ? c : "");
			found += item_facts(rules, fo, text, strlen(text), req,
			    "formations");
		}
		if (!found)
			fo->items_unmapped++;
	}
}

static void
map_level(const json_t *j, struct ft_offer *fo, int level_e)
{
	const json_t *v = json_object_get(j, "qualificationCode");
	char q[QUOTE_MAX + 4];
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
				warn(fo, "qualificationCode: \"%s\" is not "
				    "1-9, ignored", quote(s, len, q));
		} else if (json_is_number(v)) {
			d = json_number_value(v);
			if (d >= 1 && d <= 9 && d == floor(d))
				code = (int)d;
			else
				warn(fo, "qualificationCode: not 1-9, "
				    "ignored");
		} else
			warn(fo, "qualificationCode: not a string, ignored");
	}
	fo->qualification = code;
	fo->offer.level_min = level_e > 0 ? level_e :
	    qualification_level[code];
}

static void
map_worktime(const json_t *j, struct ft_offer *fo)
{
	char q[QUOTE_MAX + 4], key[KEY_MAX + 1];
	const char *s;
	size_t len;
	int st;

	st = jstr(j, "dureeTravailLibelleConverti", &s, &len);
	if (st == J_BAD)
		warn(fo, "dureeTravailLibelleConverti: not a string, ignored");
	if (st != J_OK)
		return;
	(void)fold(s, len, key);
	if (strcmp(key, "TEMPS PLEIN") == 0)
		fo->offer.working_time = WORKTIME_FULL;
	else if (strcmp(key, "TEMPS PARTIEL") == 0)
		fo->offer.working_time = WORKTIME_PART;
	else if (key[0] != '\0')
		warn(fo, "dureeTravailLibelleConverti: \"%s\" unknown, any "
		    "working time", quote(s, len, q));
}

static void
map_positions(const json_t *j, struct ft_offer *fo)
{
	double d;
	int st;

	st = jnum(j, "nombrePostes", &d);
	if (st == J_ABSENT)
		return;
	if (st == J_BAD || d != floor(d) || d < 1) {
		warn(fo, "nombrePostes: not a whole number of at least 1, "
		    "1 taken");
		return;
	}
	if (d > OFFER_POSITIONS_MAX) {
		warn(fo, "nombrePostes: %.0f over %d, %d taken", d,
		    OFFER_POSITIONS_MAX, OFFER_POSITIONS_MAX);
		d = OFFER_POSITIONS_MAX;
	}
	fo->offer.positions = (int)d;
}

static void
map_flags(const json_t *j, struct ft_offer *fo)
{
	char q[QUOTE_MAX + 4];
	const char *s;
	size_t len;
	int32_t day;
	int64_t ts;
	int st, b;

	st = jbool(j, "accessibleTH", &b);
	if (st == J_OK)
		fo->accessible_th = b;
	else if (st == J_BAD)
		warn(fo, "accessibleTH: not a boolean, ignored");

	st = jstr(j, "dateCreation", &s, &len);
	if (st == J_OK && parse_iso(s, len, &day, &ts) == 0) {
		fo->created = day;
		fo->created_at = ts;
	} else if (st != J_ABSENT)
		warn(fo, "dateCreation: \"%s\" is not an ISO 8601 date, "
		    "ignored", st == J_OK ? quote(s, len, q) : "?");
	st = jstr(j, "dateActualisation", &s, &len);
	if (st == J_OK && parse_iso(s, len, &day, &ts) == 0)
		fo->updated_at = ts;
	else if (st != J_ABSENT)
		warn(fo, "dateActualisation: not an ISO 8601 date, ignored");
}

/* An http(s) URL of at most FT_URL_MAX printable bytes into buf. */
static int
copy_url(char *buf, const char *s, size_t len)
{
	size_t i;

	if (len > FT_URL_MAX)
		return -1;
	if (!(len > 8 && memcmp(s, "https://", 8) == 0) &&
	    !(len > 7 && memcmp(s, "http://", 7) == 0))
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
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

	st = jobj(j, "origineOffre", &oo);
	if (st == J_BAD)
		warn(fo, "origineOffre: not an object, ignored");
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
		warn(fo, "origineOffre.origine: not 1 or 2, ignored");
	if (jstr(oo, "urlOrigine", &s, &len) == J_OK &&
	    copy_url(fo->url, s, len) == -1)
		warn(fo, "origineOffre.urlOrigine: not an http(s) URL of at "
		    "most %d bytes, ignored", FT_URL_MAX);
	if (jarr(oo, "partenaires", &parts) == J_OK &&
	    json_array_size(parts) > 0 &&
	    json_is_object(p0 = json_array_get(parts, 0))) {
		if (jstr(p0, "nom", &s, &len) == J_OK &&
		    copy_text(fo->partner, FT_PARTNER_MAX, s, len, &cut) < 0)
			fo->partner[0] = '\0';
		if (jstr(p0, "url", &s, &len) == J_OK &&
		    copy_url(fo->partner_url, s, len) == -1)
			warn(fo, "origineOffre.partenaires[0].url: not an "
			    "http(s) URL, ignored");
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

	st = jstr(j, "description", &s, &len);
	if (st == J_BAD)
		warn(fo, "description: not a string, ignored");
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
			add_skill(fo, f[i].value, f[i].required,
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

/* Drop wanted skills that are also required, wished licences required. */
static void
settle(struct ft_offer *fo)
{
	struct offer *o = &fo->offer;
	int i, k;

	for (i = 0, k = 0; i < o->nskills_wanted; i++) {
		if (tag_index(o->skills_required, o->nskills_required,
		    o->skills_wanted[i]) >= 0)
			continue;
		if (k != i)
			strcpy(o->skills_wanted[k], o->skills_wanted[i]);
		k++;
	}
	o->nskills_wanted = k;
	fo->licences_wished &= ~o->licences_required;
}

/*
 * The facts an adviser should see with each suggestion, as offer notes:
 * licences, skills and flags (contracts, durations and the job are in the
 * offer's own fields already).
 */
static void
take_notes(struct ft_offer *fo)
{
	struct offer *o = &fo->offer;
	const struct rule_fact *f;
	int i;

	for (i = 0; i < fo->nfacts && o->nnotes < OFFER_MAX_NOTES; i++) {
		f = &fo->facts[i];
		if (f->kind != RULE_LICENCE && f->kind != RULE_SKILL &&
		    f->kind != RULE_FLAG)
			continue;
		if (rules_fact_reason(f, "France Travail",
		    o->notes[o->nnotes], sizeof(o->notes[0])) <= 0)
			continue;
		o->nnotes++;
	}
}

int
ft_map_offer(const json_t *j, const struct refdata *ref,
    const struct rules *rules, struct ft_offer *out, char *err,
    size_t errlen)
{
	struct offer *o = &out->offer;
	const struct rules *item_rules;
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
		return fail(err, errlen, "offer: must be an object");
	if (map_id(j, out, err, errlen) == -1 ||
	    map_title(j, out, err, errlen) == -1 ||
	    map_rome(j, ref, rules, out, err, errlen) == -1 ||
	    map_place(j, ref, out, err, errlen) == -1 ||
	    map_contract(j, out, &permanent, err, errlen) == -1)
		return -1;
	map_employer(j, out);
	map_experience(j, out);
	map_permis(j, out);
	item_rules = items_have_facts(j, rules) ? rules : NULL;
	map_competences(j, item_rules, out);
	map_formations(j, item_rules, out, &level_e);
	map_level(j, out, level_e);
	map_worktime(j, out);
	map_positions(j, out);
	map_flags(j, out);
	map_origin(j, out);
	map_text(j, rules, out, permanent);
	settle(out);
	take_notes(out);

	/* What offer_decode() insists on; cannot fail after the above. */
	if (!geo_valid(o->lat, o->lon) ||
	    (o->rome_id < 0 && o->rome_v4[0] == '\0') ||
	    o->contract < 0 || o->contract >= CONTRACT_COUNT)
		return fail(err, errlen, "offer: internal mapping error");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

/*
 * Count the invalid UTF-8 bytes of s; if there are any, return a copy
 * with each replaced by U+FFFD (EF BF BD) in *fixed, its length in *flen.
 */
static size_t
utf8_repair(const char *s, size_t len, char **fixed, size_t *flen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, bad = 0, o;
	uint32_t cp;
	char *b;

	*fixed = NULL;
	for (i = 0; i < len; i += k) {
		if (p[i] < 0x80) {
			k = 1;
			continue;
		}
		if ((k = utf8_decode(p + i, len - i, &cp)) == 0) {
			bad++;
			k = 1;
		}
	}
	if (bad == 0)
		return 0;
	b = xmalloc(len + 2 * bad);
	for (i = 0, o = 0; i < len; i += k) {
		k = p[i] < 0x80 ? 1 : utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			memcpy(b + o, "\xef\xbf\xbd", 3);
			o += 3;
			k = 1;
			continue;
		}
		memcpy(b + o, p + i, k);
		o += k;
	}
	*fixed = b;
	*flen = o;
	return bad;
}

static void
record_reject(struct ft_batch_report *rep, int index, const json_t *item,
    const char *reason)
{
	struct ft_reject *r;
	const char *s;
	size_t len, i;

	rep->rejected++;
	if (rep->nrejects == FT_REJECTS_MAX)
		return;
	r = &rep->rejects[rep->nrejects++];
	r->index = index;
	r->id[0] = '\0';
	/* The id as sent, if it is printable ASCII and short enough. */
	if (json_is_object(item) && jstr(item, "id", &s, &len) == J_OK &&
	    len > 0 && len <= FT_ID_MAX) {
		for (i = 0; i < len; i++)
			if ((unsigned char)s[i] <= 0x20 ||
			    (unsigned char)s[i] >= 0x7f)
				break;
		if (i == len) {
			memcpy(r->id, s, len);
			r->id[len] = '\0';
		}
	}
	(void)snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

struct ft_doc {
	json_t		*root;
	const json_t	*list;		/* the offers, or the one offer */
	int		 single;
	size_t		 next, n;	/* n: at most FT_BATCH_MAX */
	struct ft_offer	 fo;		/* the one being mapped */
};

struct ft_doc *
ft_doc_open(const char *json, size_t len, struct ft_batch_report *rep)
{
	struct ft_doc *d;
	json_error_t jerr;
	const json_t *list = NULL;
	json_t *root = NULL;
	char *fixed = NULL;
	size_t i, n = 0, flen = 0;
	int single = 0;

	memset(rep, 0, sizeof(*rep));
	if (len > FT_DOC_MAX) {
		(void)snprintf(rep->error, sizeof(rep->error), "document: %zu "
		    "bytes, over the bound of %u", len, FT_DOC_MAX);
		return NULL;
	}
	for (i = 0; i < len && (json[i] == ' ' || json[i] == '\t' ||
	    json[i] == '\n' || json[i] == '\r'); i++)
		;
	if (i == len)
		goto empty;	/* 204 No Content: nothing found */
	rep->utf8_repaired = utf8_repair(json, len, &fixed, &flen);
	root = json_loadb(fixed != NULL ? fixed : json,
	    fixed != NULL ? flen : len, JSON_DECODE_INT_AS_REAL |
	    JSON_DECODE_ANY, &jerr);
	free(fixed);
	if (root == NULL) {
		(void)snprintf(rep->error, sizeof(rep->error), "line %d, "
		    "column %d: %.100s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (json_is_array(root))
		list = root;
	else if (json_is_object(root) &&
	    (list = json_object_get(root, "resultats")) != NULL) {
		if (json_is_null(list))
			goto empty;
		if (!json_is_array(list)) {
			(void)snprintf(rep->error, sizeof(rep->error),
			    "resultats: must be a list of offers");
			json_decref(root);
			return NULL;
		}
	} else if (json_is_object(root)) {
		list = root;
		single = 1;
	} else {
		(void)snprintf(rep->error, sizeof(rep->error), "document: "
		    "must be an offer, {\"resultats\": [...]} or a list of "
		    "offers");
		json_decref(root);
		return NULL;
	}
	n = single ? 1 : json_array_size(list);
	rep->offers = (int)n;
	if (n > FT_BATCH_MAX) {
		rep->skipped = (int)(n - FT_BATCH_MAX);
		n = FT_BATCH_MAX;
	}
empty:
	d = xcalloc(1, sizeof(*d));
	d->root = root;
	d->list = list;
	d->single = single;
	d->n = list != NULL ? n : 0;
	return d;
}

size_t
ft_doc_map(struct ft_doc *d, const struct refdata *ref,
    const struct rules *rules, ft_offer_cb *cb, void *arg, size_t max,
    struct ft_batch_report *rep)
{
	const json_t *item;
	char reason[FT_REASON_MAX];
	size_t i;

	for (; max > 0 && d->next < d->n; max--) {
		i = d->next++;
		item = d->single ? d->list : json_array_get(d->list, i);
		if (ft_map_offer(item, ref, rules, &d->fo, reason,
		    sizeof(reason)) == -1) {
			record_reject(rep, (int)i, item, reason);
			continue;
		}
		rep->mapped++;
		rep->warnings += (unsigned long)d->fo.nwarnings;
		if (cb != NULL && cb(&d->fo, arg) != 0)
			rep->refused++;
	}
	return d->n - d->next;
}

void
ft_doc_close(struct ft_doc *d)
{
	if (d == NULL)
		return;
	json_decref(d->root);
	free(d);
}

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
