/*
 * CSV rows <-> candidate and offer records; see csvrec.h and docs/CSV.md.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "csvrec.h"

/* ---- vocabularies ---- */

/* A label (normalised, see norm()) and the value it stands for. */
struct alias {
	const char	*label;
	const char	*value;
};

/* Values of the protocol, and the other labels accepted for them. */
struct vocab {
	const char *const	*values;
	const struct alias	*aliases;
};

static const char *const sector_values[] = {
	"industrie", "batiment", "tertiaire", "hotellerie", NULL
};
static const struct alias sector_aliases[] = {
	{ "btp", "batiment" }, { "batiment_travaux_publics", "batiment" },
	{ "construction", "batiment" }, { "industry", "industrie" },
	{ "services", "tertiaire" }, { "tertiaire_services", "tertiaire" },
	{ "hotellerie_restauration", "hotellerie" },
	{ "hotellerie_restauration_transports", "hotellerie" },
	{ "restauration", "hotellerie" }, { "hcr", "hotellerie" },
	{ NULL, NULL }
};
static const struct vocab v_sector = { sector_values, sector_aliases };

static const char *const contract_values[] = {
	"cdi", "cdd", "interim", "alternance", "aide", "insertion",
	"saisonnier", NULL
};
static const struct alias contract_aliases[] = {
	{ "travail_temporaire", "interim" }, { "mission_interim", "interim" },
	{ "temporary", "interim" }, { "apprentissage", "alternance" },
	{ "contrat_d_apprentissage", "alternance" },
	{ "contrat_de_professionnalisation", "alternance" },
	{ "contrat_pro", "alternance" }, { "professionnalisation",
	"alternance" }, { "contrat_aide", "aide" }, { "cui", "aide" },
	{ "cui_cae", "aide" }, { "cui_cie", "aide" }, { "pec", "aide" },
	{ "cddi", "insertion" }, { "ctti", "insertion" },
	{ "contrat_d_insertion", "insertion" },
	{ "emploi_saisonnier", "saisonnier" }, { "seasonal", "saisonnier" },
	{ NULL, NULL }
};
static const struct vocab v_contract = { contract_values, contract_aliases };

static const char *const wt_values[] = { "full", "part", "any", NULL };
static const struct alias wt_aliases[] = {
	{ "temps_plein", "full" }, { "plein", "full" },
	{ "temps_complet", "full" }, { "temps_partiel", "part" },
	{ "partiel", "part" }, { "indifferent", "any" },
	{ "peu_importe", "any" }, { NULL, NULL }
};
static const struct vocab v_wt = { wt_values, wt_aliases };

static const char *const status_values[] = {
	"available", "placed", "training", "paused", NULL
};
static const struct alias status_aliases[] = {
	{ "disponible", "available" }, { "place", "placed" },
	{ "placee", "placed" }, { "en_emploi", "placed" },
	{ "en_formation", "training" }, { "formation", "training" },
	{ "en_pause", "paused" }, { "pause", "paused" },
	{ "suspendu", "paused" }, { NULL, NULL }
};
static const struct vocab v_status = { status_values, status_aliases };

static const char *const source_values[] = {
	"pole_emploi", "plateforme_jeunes", "clause", "prospection", NULL
};
static const struct alias source_aliases[] = {
	{ "france_travail", "pole_emploi" }, { "ft", "pole_emploi" },
	{ "pe", "pole_emploi" }, { "plateforme", "plateforme_jeunes" },
	{ "plateforme_territoriale", "plateforme_jeunes" },
	{ "clause_emploi", "clause" }, { "clause_d_insertion", "clause" },
	{ "clause_insertion", "clause" }, { "cre", "prospection" },
	{ NULL, NULL }
};
static const struct vocab v_source = { source_values, source_aliases };

static const char *const criteria_values[] = {
	"rsa", "ass", "aah", "deld", "detld", "th", "qpv", "ase", "refugie",
	"justice", "plie", "siae", "jeune_peu_qualifie", "senior", NULL
};
static const struct alias criteria_aliases[] = {
	{ "rqth", "th" }, { "zus", "qpv" }, { "refugiee", "refugie" },
	{ NULL, NULL }
};
static const struct vocab v_criteria = { criteria_values, criteria_aliases };

static const char *const barrier_values[] = {
	"mobilite", "garde_enfants", "logement", "sante", NULL
};
static const struct alias barrier_aliases[] = {
	{ "garde_d_enfants", "garde_enfants" }, { "garde", "garde_enfants" },
	{ NULL, NULL }
};
static const struct vocab v_barrier = { barrier_values, barrier_aliases };

static const char *const bool_values[] = { "true", "false", NULL };
static const struct alias bool_aliases[] = {
	{ "oui", "true" }, { "o", "true" }, { "yes", "true" },
	{ "y", "true" }, { "vrai", "true" }, { "1", "true" }, { "x", "true" },
	{ "non", "false" }, { "n", "false" }, { "no", "false" },
	{ "faux", "false" }, { "0", "false" }, { NULL, NULL }
};
static const struct vocab v_bool = { bool_values, bool_aliases };

/* ---- columns ---- */

enum ctype { CT_STR, CT_INT, CT_REAL, CT_BOOL, CT_DATE, CT_ENUM, CT_LIST,
	CT_JOBS };
enum tcase { TC_KEEP, TC_LOWER, TC_UPPER };

struct column {
	const char		*key;	/* record field; "a.b" nests */
	const char		*names;	/* normalised, '|'-separated */
	enum ctype		 type;
	const struct vocab	*vocab;	/* CT_ENUM, CT_LIST; NULL = free */
	enum tcase		 tcase;
	size_t			 max;	/* bytes; 0 = CSVREC_MAX_VALUE */
};

#define COL_ID	{ "id", "id|identifiant|reference", CT_STR, NULL, TC_KEEP, \
	64 }
#define COL_PLACE \
	{ "commune", "commune|code_insee|insee", CT_STR, NULL, TC_KEEP, 16 }, \
	{ "lat", "lat|latitude", CT_REAL, NULL, TC_KEEP, 0 }, \
	{ "lon", "lon|longitude", CT_REAL, NULL, TC_KEEP, 0 }
#define COL_WT	{ "working_time", "temps_travail|temps_de_travail|" \
	"working_time", CT_ENUM, &v_wt, TC_KEEP, 0 }

static const struct column cand_cols[] = {
	COL_ID,
	{ "sectors", "secteurs|sectors|secteur|sector", CT_LIST, &v_sector,
	    TC_KEEP, 0 },
	{ "jobs", "metiers|jobs|metier", CT_JOBS, NULL, TC_UPPER, 0 },
	{ "skills", "competences|skills", CT_LIST, NULL, TC_LOWER, 0 },
	{ "licences", "permis|licences", CT_LIST, NULL, TC_UPPER, 0 },
	{ "vehicle", "vehicule|vehicle", CT_BOOL, &v_bool, TC_KEEP, 0 },
	{ "level", "niveau|level", CT_INT, NULL, TC_KEEP, 0 },
	COL_PLACE,
	{ "radius_km", "rayon_km|rayon|radius_km", CT_INT, NULL, TC_KEEP, 0 },
	{ "available_from", "disponible_le|disponibilite|available_from",
	    CT_DATE, NULL, TC_KEEP, 0 },
	{ "contracts", "contrats|contracts", CT_LIST, &v_contract, TC_KEEP,
	    0 },
	COL_WT,
	{ "birth_date", "date_naissance|date_de_naissance|birth_date",
	    CT_DATE, NULL, TC_KEEP, 0 },
	{ "criteria", "criteres|criteria", CT_LIST, &v_criteria, TC_KEEP, 0 },
	{ "barriers", "freins|barriers", CT_LIST, &v_barrier, TC_KEEP, 0 },
	{ "status", "statut|status", CT_ENUM, &v_status, TC_KEEP, 0 },
	{ "adviser", "conseiller|conseillere|referent|adviser", CT_STR, NULL,
	    TC_KEEP, 64 },
	{ "consent_partners", "consentement|consentement_partenaires|"
	    "consent_partners", CT_BOOL, &v_bool, TC_KEEP, 0 },
	/* The identity (identity.h): last, as matchctl export writes it. */
	{ "first_name", "prenom|first_name", CT_STR, NULL, TC_KEEP, 64 },
	{ "last_name", "nom|last_name|nom_de_famille", CT_STR, NULL, TC_KEEP,
	    64 },
	{ "phone", "telephone|tel|phone", CT_STR, NULL, TC_KEEP, 20 },
	{ "email", "courriel|email|mail|e_mail", CT_STR, NULL, TC_KEEP, 254 },
};

static const struct column offer_cols[] = {
	COL_ID,
	{ "source", "source", CT_ENUM, &v_source, TC_KEEP, 0 },
	{ "title", "intitule|titre|title", CT_STR, NULL, TC_KEEP, 200 },
	{ "rome", "rome|code_rome", CT_STR, NULL, TC_UPPER, 16 },
	{ "sector", "secteur|sector", CT_ENUM, &v_sector, TC_KEEP, 0 },
	{ "employer", "employeur|entreprise|employer", CT_STR, NULL, TC_KEEP,
	    128 },
	COL_PLACE,
	{ "max_km", "distance_max_km|max_km", CT_INT, NULL, TC_KEEP, 0 },
	{ "contract", "contrat|type_de_contrat|contract", CT_ENUM,
	    &v_contract, TC_KEEP, 0 },
	{ "duration_months", "duree_mois|duree|duration_months", CT_INT, NULL,
	    TC_KEEP, 0 },
	COL_WT,
	{ "start", "debut|date_debut|date_de_debut|start", CT_DATE, NULL,
	    TC_KEEP, 0 },
	{ "positions", "postes|nombre_de_postes|positions", CT_INT, NULL,
	    TC_KEEP, 0 },
	{ "level_min", "niveau_min|niveau_minimum|level_min", CT_INT, NULL,
	    TC_KEEP, 0 },
	{ "experience_months", "experience_mois|experience|experience_months",
	    CT_INT, NULL, TC_KEEP, 0 },
	{ "licences_required", "permis_requis|licences_required", CT_LIST,
	    NULL, TC_UPPER, 0 },
	{ "skills_required", "competences_requises|skills_required", CT_LIST,
	    NULL, TC_LOWER, 0 },
	{ "skills_wanted", "competences_souhaitees|skills_wanted", CT_LIST,
	    NULL, TC_LOWER, 0 },
	{ "age_min", "age_min", CT_INT, NULL, TC_KEEP, 0 },
	{ "age_max", "age_max", CT_INT, NULL, TC_KEEP, 0 },
	{ "clause.operation", "clause_operation|operation", CT_STR, NULL,
	    TC_KEEP, 200 },
	{ "clause.criteria", "clause_criteres|clause_criteria", CT_LIST,
	    &v_criteria, TC_KEEP, 0 },
	{ "clause.hours", "clause_heures|clause_hours", CT_INT, NULL, TC_KEEP,
	    0 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct column *
columns(enum csvrec_kind kind, size_t *n)
{
	if (kind == CSVREC_OFFER) {
		*n = NELEM(offer_cols);
		return offer_cols;
	}
	*n = NELEM(cand_cols);
	return cand_cols;
}

/* ---- text helpers ---- */

/*
 * Fold a label for comparison: ASCII lower case, Latin-1 accents dropped
 * ("Bâtiment" -> "batiment"), every run of other characters (spaces,
 * "-", "'", "/", "(") one "_", none at the ends.  Returns 0, or -1 when
 * the result does not fit in out.
 */
static int
norm(const char *s, size_t len, char *out, size_t outlen)
{
	/* Base letters of U+00E0..U+00FF (and, shifted, U+00C0..U+00DF). */
	static const char latin[] = "aaaaaaaceeeeiiiidnooooo_ouuuuyty";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n = 0;
	int c, sep = 0;

	while (p < end) {
		c = *p++;
		if (c == 0xc3 && p < end && *p >= 0x80 && *p <= 0xbf) {
			c = latin[(*p++ | 0x20) - 0xa0];
		} else if (c == 0xc5 && p < end && (*p == 0x92 || *p == 0x93)) {
			p++;		/* "œ" */
			if (n + 1 >= outlen)
				return -1;
			out[n++] = 'o';
			c = 'e';
		} else if (c >= 0x80) {
			while (p < end && (*p & 0xc0) == 0x80)
				p++;
			c = '_';
		}
		c = tolower(c);
		if (!isalnum(c)) {
			sep = n > 0;
			continue;
		}
		if (n + 1 + sep >= outlen)
			return -1;
		if (sep)
			out[n++] = '_';
		sep = 0;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* s[0, *len) without surrounding spaces and tabs. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

/* Does name appear in the '|'-separated list? */
static int
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if ((bar != NULL ? (size_t)(bar - p) : strlen(p)) == n &&
		    strncmp(p, name, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

static const char *
vocab_find(const struct vocab *v, const char *s, size_t len)
{
	char key[64];
	size_t i;

	if (norm(s, len, key, sizeof(key)) == -1)
		return NULL;
	for (i = 0; v->values[i] != NULL; i++)
		if (strcmp(v->values[i], key) == 0)
			return v->values[i];
	for (i = 0; v->aliases[i].label != NULL; i++)
		if (strcmp(v->aliases[i].label, key) == 0)
			return v->aliases[i].value;
	return NULL;
}

/* ---- values ---- */

struct verr {
	char	*msg;
	size_t	 len;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct verr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, e->len, fmt, ap);
	va_end(ap);
	return -1;
}

/* A string value, case folded as the column wants; NULL if not UTF-8. */
static json_t *
text_value(const char *s, size_t len, enum tcase tc, struct verr *e)
{
	char buf[CSVREC_MAX_VALUE];
	size_t i;
	json_t *j;

	if (memchr(s, '\0', len) != NULL) {
		fail(e, "contains a NUL byte");
		return NULL;
	}
	memcpy(buf, s, len);
	for (i = 0; i < len && tc != TC_KEEP; i++)
		buf[i] = tc == TC_LOWER ? tolower((unsigned char)buf[i]) :
		    toupper((unsigned char)buf[i]);
	if ((j = json_stringn(buf, len)) == NULL)
		fail(e, "not UTF-8 text (save the file as \"CSV UTF-8\")");
	return j;
}

static json_t *
int_value(const char *s, size_t len, struct verr *e)
{
	char buf[32], *end;
	long long v;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || *end != '\0' || errno != 0)
		goto bad;
	if (v < -1000000000LL || v > 1000000000LL) {
		fail(e, "\"%s\" is out of range", buf);
		return NULL;
	}
	return json_integer(v);
bad:
	fail(e, "\"%.*s\" is not a whole number", (int)(len > 40 ? 40 : len),
	    s);
	return NULL;
}

/* A decimal number, with a decimal point or a French comma. */
static json_t *
real_value(const char *s, size_t len, struct verr *e)
{
	char buf[40], *end, *comma;
	double x;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((comma = strchr(buf, ',')) != NULL)
		*comma = '.';
	x = strtod(buf, &end);
	if (end == buf || *end != '\0' || !isfinite(x))
		goto bad;
	return json_real(x);
bad:
	fail(e, "\"%.*s\" is not a number", (int)(len > 40 ? 40 : len), s);
	return NULL;
}

/* "JJ/MM/AAAA" (also with "." or "-") or "AAAA-MM-JJ" -> "AAAA-MM-JJ". */
static json_t *
date_value(const char *s, size_t len, struct verr *e)
{
	char buf[16], out[48];
	int y = 0, m = 0, d = 0, n = -1;

	if (len < sizeof(buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (len == 10 && sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d,
		    &n) == 3 && n == 10 && buf[4] == '-')
			;
		else if (sscanf(buf, "%2d%*[/.-]%2d%*[/.-]%4d%n", &d, &m, &y,
		    &n) != 3 || n != (int)len || len < 8 ||
		    !isdigit((unsigned char)buf[len - 4]))
			n = -1;
	}
	if (n == -1 || y < 1000 || m < 1 || m > 12 || d < 1 || d > 31 ||
	    strspn(buf, "0123456789/.-") != len) {
		fail(e, "\"%.*s\" is not a date (JJ/MM/AAAA or AAAA-MM-JJ)",
		    (int)(len > 40 ? 40 : len), s);
		return NULL;
	}
	snprintf(out, sizeof(out), "%04d-%02d-%02d", y, m, d);
	return json_string(out);
}

static json_t *
enum_value(const struct vocab *v, const char *s, size_t len,
    struct verr *e)
{
	const char *val;

	if ((val = vocab_find(v, s, len)) == NULL) {
		fail(e, "unknown value \"%.*s\"", (int)(len > 40 ? 40 : len),
		    s);
		return NULL;
	}
	if (v == &v_bool)
		return json_boolean(strcmp(val, "true") == 0);
	return json_string(val);
}

/* "F1701:24" -> {"rome": "F1701", "months": 24}; "F1701" has 0 months. */
static json_t *
job_value(const char *s, size_t len, struct verr *e)
{
	const char *colon, *r, *m;
	size_t rlen, mlen;
	json_t *rome, *months;

	colon = memchr(s, ':', len);
	rlen = colon != NULL ? (size_t)(colon - s) : len;
	r = trim(s, &rlen);
	if (rlen == 0 || rlen > 16) {
		fail(e, "\"%.*s\" is not ROME:months",
		    (int)(len > 40 ? 40 : len), s);
		return NULL;
	}
	if ((rome = text_value(r, rlen, TC_UPPER, e)) == NULL)
		return NULL;
	if (colon == NULL)
		months = json_integer(0);
	else {
		mlen = len - (colon + 1 - s);
		m = trim(colon + 1, &mlen);
		if ((months = int_value(m, mlen, e)) == NULL) {
			json_decref(rome);
			return NULL;
		}
	}
	return json_pack("{s:o, s:o}", "rome", rome, "months", months);
}

/* One item of a list cell, or a whole scalar cell. */
static json_t *
cell_value(const struct column *col, const char *s, size_t len,
    struct verr *e)
{
	switch (col->type) {
	case CT_INT:
		return int_value(s, len, e);
	case CT_REAL:
		return real_value(s, len, e);
	case CT_DATE:
		return date_value(s, len, e);
	case CT_JOBS:
		return job_value(s, len, e);
	case CT_BOOL:
	case CT_ENUM:
	case CT_LIST:
		if (col->vocab != NULL)
			return enum_value(col->vocab, s, len, e);
		/* FALLTHROUGH */
	case CT_STR:
		break;
	}
	return text_value(s, len, col->tcase, e);
}

/*
 * Items of a list cell: separated by "|", ",", ";" or ends of line (a
 * cell of several lines), empty ones skipped.
 */
static json_t *
list_value(const struct column *col, const char *s, size_t len,
    struct verr *e)
{
	json_t *arr = json_array(), *v;
	const char *end = s + len, *p;
	size_t n;

	while (s < end) {
		for (p = s; p < end && strchr("|,;\r\n", *p) == NULL; p++)
			;
		n = p - s;
		s = trim(s, &n);
		if (n > 0) {
			if (json_array_size(arr) == CSVREC_MAX_ITEMS) {
				fail(e, "more than %d items",
				    CSVREC_MAX_ITEMS);
				goto bad;
			}
			if ((v = cell_value(col, s, n, e)) == NULL)
				goto bad;
			json_array_append_new(arr, v);
		}
		s = p + 1;
	}
	return arr;
bad:
	json_decref(arr);
	return NULL;
}

/* Set key ("a" or "a.b") of rec to v, which it takes. */
static void
set_path(json_t *rec, const char *key, json_t *v)
{
	const char *dot = strchr(key, '.');
	char outer[32];
	json_t *sub;

	if (dot == NULL) {
		json_object_set_new(rec, key, v);
		return;
	}
	snprintf(outer, sizeof(outer), "%.*s", (int)(dot - key), key);
	if (!json_is_object(sub = json_object_get(rec, outer))) {
		sub = json_object();
		json_object_set_new(rec, outer, sub);
	}
	json_object_set_new(sub, dot + 1, v);
}

/* ---- reading ---- */

struct field {
	char	*s;
	size_t	 len;
};

struct csvrec_in {
	enum csvrec_kind	 kind;
	const struct column	*cols;
	size_t			 ncols;
	struct csv_parser	 parser;
	unsigned char		 sep;		/* 0 until the header line */
	int			 have_header;
	int			 map[CSVREC_MAX_COLUMNS]; /* -1: ignored */
	int			 nhead;
	int			 idcol;
	unsigned long		 lineno;
	unsigned long		 row_line;	/* 0: no row begun */
	size_t			 row_bytes;
	struct field		 row[CSVREC_MAX_COLUMNS];
	int			 nfields;	/* may exceed the array */
	int			 toolong;	/* index + 1 of a long cell */
	struct csvrec_item	*queue;
	size_t			 qhead, qlen, qcap;
	char			*pend;		/* the lines of the open row */
	size_t			 pendlen, pendcap;
	int			 last_nl;	/* the last line had its \n */
	char			*replay;	/* lines to read again */
	size_t			 replaylen, replaycap, replayoff;
	char			 error[256];
};

static void
row_clear(struct csvrec_in *in)
{
	int i;

	for (i = 0; i < in->nfields && i < CSVREC_MAX_COLUMNS; i++)
		free(in->row[i].s);
	in->nfields = 0;
	in->toolong = 0;
	in->row_line = 0;
	in->row_bytes = 0;
}

static struct csvrec_item *
queue_push(struct csvrec_in *in)
{
	struct csvrec_item *it, *nq;
	size_t ncap;

	if (in->qhead > 0 && in->qhead == in->qlen)
		in->qhead = in->qlen = 0;
	if (in->qlen == in->qcap) {
		ncap = in->qcap ? in->qcap * 2 : 16;
		if ((nq = realloc(in->queue, ncap * sizeof(*nq))) == NULL)
			abort();
		in->queue = nq;
		in->qcap = ncap;
	}
	it = &in->queue[in->qlen++];
	memset(it, 0, sizeof(*it));
	it->line = in->row_line ? in->row_line : in->lineno;
	snprintf(it->id, sizeof(it->id), "?");
	return it;
}

static void
cb_field(void *s, size_t len, void *arg)
{
	struct csvrec_in *in = arg;
	struct field *f;

	if (in->nfields >= CSVREC_MAX_COLUMNS) {
		in->nfields++;
		return;
	}
	f = &in->row[in->nfields++];
	if (len > CSVREC_MAX_VALUE) {
		if (in->toolong == 0)
			in->toolong = in->nfields;
		len = 0;
	}
	if ((f->s = malloc(len + 1)) == NULL)
		abort();
	if (len > 0)
		memcpy(f->s, s, len);
	f->s[len] = '\0';
	f->len = len;
}

/* The header's name of column i, for messages. */
static const char *
col_name(const struct csvrec_in *in, int i)
{
	if (i < 0 || in->map[i] < 0)
		return "";
	return in->cols[in->map[i]].key;
}

static void
header_row(struct csvrec_in *in)
{
	char name[64];
	const char *s;
	size_t len;
	int i, j, c;

	in->have_header = 1;
	in->idcol = -1;
	if (in->nfields > CSVREC_MAX_COLUMNS) {
		snprintf(in->error, sizeof(in->error), "line %lu: header: "
		    "more than %d columns", in->row_line, CSVREC_MAX_COLUMNS);
		return;
	}
	in->nhead = in->nfields;
	for (i = 0; i < in->nfields; i++) {
		len = in->row[i].len;
		s = trim(in->row[i].s, &len);
		in->map[i] = -1;
		if (len == 0 || *s == '#')
			continue;	/* no name, or a note: ignored */
		if (norm(s, len, name, sizeof(name)) == -1)
			name[0] = '\0';
		for (c = 0; c < (int)in->ncols; c++)
			if (in_list(in->cols[c].names, name))
				break;
		if (c == (int)in->ncols) {
			snprintf(in->error, sizeof(in->error), "line %lu: "
			    "header: unknown column \"%.*s\" (see docs/CSV.md)",
			    in->row_line, (int)(len > 64 ? 64 : len), s);
			return;
		}
		for (j = 0; j < i; j++)
			if (in->map[j] == c) {
				snprintf(in->error, sizeof(in->error),
				    "line %lu: header: column \"%.*s\" given "
				    "twice", in->row_line,
				    (int)(len > 64 ? 64 : len), s);
				return;
			}
		in->map[i] = c;
		if (c == 0)
			in->idcol = i;
	}
	if (in->idcol == -1)
		snprintf(in->error, sizeof(in->error), "line %lu: header: "
		    "no id column", in->row_line);
}

/* One data row to a record, or to the reason it is rejected. */
static void
data_row(struct csvrec_in *in)
{
	struct csvrec_item *it;
	const struct column *col;
	struct verr e;
	const char *s;
	size_t len;
	json_t *v;
	int i, empty = 1;

	for (i = 0; i < in->nfields && i < CSVREC_MAX_COLUMNS; i++) {
		len = in->row[i].len;
		trim(in->row[i].s, &len);
		if (len > 0)
			empty = 0;
	}
	if (empty && in->toolong == 0 && in->nfields <= CSVREC_MAX_COLUMNS)
		return;		/* ";;;" is an empty line too */
	it = queue_push(in);
	e.msg = it->message;
	e.len = sizeof(it->message);
	if (in->idcol < in->nfields && in->idcol < CSVREC_MAX_COLUMNS &&
	    in->row[in->idcol].len > 0) {
		len = in->row[in->idcol].len;
		s = trim(in->row[in->idcol].s, &len);
		snprintf(it->id, sizeof(it->id), "%.*s",
		    (int)(len > 64 ? 64 : len), s);
	}
	if (in->nfields != in->nhead) {
		fail(&e, "%d columns, the header has %d", in->nfields,
		    in->nhead);
		return;
	}
	if (in->toolong > 0) {
		snprintf(it->field, sizeof(it->field), "%s",
		    col_name(in, in->toolong - 1));
		fail(&e, "longer than %d bytes", CSVREC_MAX_VALUE);
		return;
	}
	it->rec = json_object();
	for (i = 0; i < in->nfields; i++) {
		if (in->map[i] < 0)
			continue;
		col = &in->cols[in->map[i]];
		len = in->row[i].len;
		s = trim(in->row[i].s, &len);
		if (len == 0)
			continue;	/* absent: the daemon's default */
		if (len > (col->max ? col->max : CSVREC_MAX_VALUE)) {
			fail(&e, "longer than %zu bytes", col->max);
			v = NULL;
		} else if (col->type == CT_LIST || col->type == CT_JOBS)
			v = list_value(col, s, len, &e);
		else
			v = cell_value(col, s, len, &e);
		if (v == NULL) {
			snprintf(it->field, sizeof(it->field), "%s",
			    col->key);
			json_decref(it->rec);
			it->rec = NULL;
			return;
		}
		set_path(it->rec, col->key, v);
	}
}

static void
cb_row(int c, void *arg)
{
	struct csvrec_in *in = arg;

	if (in->row_line == 0)
		in->row_line = in->lineno;
	/*
	 * Once the header is refused the file is: a row that follows on the
	 * same line (after a lone CR) has no columns to be read with.
	 */
	if (in->error[0] == '\0') {
		if (!in->have_header)
			header_row(in);
		else
			data_row(in);
	}
	row_clear(in);
}

struct csvrec_in *
csvrec_in_new(enum csvrec_kind kind)
{
	struct csvrec_in *in;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return NULL;
	in->kind = kind;
	in->cols = columns(kind, &in->ncols);
	if (csv_init(&in->parser, CSV_APPEND_NULL) != 0) {
		free(in);
		return NULL;
	}
	return in;
}

void
csvrec_in_free(struct csvrec_in *in)
{
	size_t i;

	if (in == NULL)
		return;
	row_clear(in);
	csv_free(&in->parser);
	for (i = in->qhead; i < in->qlen; i++)
		json_decref(in->queue[i].rec);
	free(in->queue);
	free(in->pend);
	free(in->replay);
	free(in);
}

/* The separator the header line uses most, outside quotes: ';' wins ties. */
static unsigned char
detect_sep(const char *s, size_t len)
{
	static const char seps[] = ";,\t";
	size_t count[3] = { 0, 0, 0 }, i, best = 0;
	const char *p;
	int quoted = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (p = strchr(seps, s[i])) != NULL &&
		    *p != '\0')
			count[p - seps]++;
	}
	for (i = 1; i < 3; i++)
		if (count[i] > count[best])
			best = i;
	return seps[best];
}

static int
blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", s[i]) == NULL)
			return 0;
	return 1;
}

/* Append n bytes to a growing buffer. */
static void
buf_add(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	char *nb;
	size_t ncap;

	if (*len + n > *cap) {
		ncap = *cap ? *cap : 4096;
		while (ncap < *len + n)
			ncap *= 2;
		if ((nb = realloc(*b, ncap)) == NULL)
			abort();
		*b = nb;
		*cap = ncap;
	}
	memcpy(*b + *len, s, n);
	*len += n;
}

static void
parser_reset(struct csvrec_in *in)
{
	csv_free(&in->parser);
	if (csv_init(&in->parser, CSV_APPEND_NULL) != 0)
		abort();
	csv_set_delim(&in->parser, in->sep);
}

/*
 * The row begun on line row_line still has a quote open: reject that line
 * and read the lines after it again, as a fresh start, so that one stray
 * quote costs one line rather than the rest of the file.
 */
static void
unclosed(struct csvrec_in *in)
{
	struct csvrec_item *it;
	size_t first;

	it = queue_push(in);
	snprintf(it->message, sizeof(it->message), "a quote is not closed");
	first = in->pendlen;
	if (memchr(in->pend, '\n', in->pendlen) != NULL)
		first = (char *)memchr(in->pend, '\n', in->pendlen) -
		    in->pend + 1;
	in->lineno = in->row_line;
	row_clear(in);
	parser_reset(in);
	/* The replay is in->pend past the first line; keep what is left. */
	in->replay = in->pend;
	in->replaylen = in->pendlen;
	in->replaycap = in->pendcap;
	in->replayoff = first;
	in->pend = NULL;
	in->pendlen = in->pendcap = 0;
}

/* One physical line into the parser. */
static int
feed(struct csvrec_in *in, const char *line, size_t len)
{
	in->lineno++;
	if (in->lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf",
	    3) == 0) {
		line += 3;
		len -= 3;
	}
	if (in->row_line == 0) {
		if (blank(line, len))
			return 0;
		in->row_line = in->lineno;
		in->pendlen = 0;
	}
	if (in->sep == 0) {
		in->sep = detect_sep(line, len);
		csv_set_delim(&in->parser, in->sep);
	}
	buf_add(&in->pend, &in->pendlen, &in->pendcap, line, len);
	in->last_nl = len > 0 && line[len - 1] == '\n';
	if (csv_parse(&in->parser, line, len, cb_field, cb_row, in) != len)
		abort();	/* not strict: only out of memory fails */
	if (in->error[0] != '\0')
		return -1;
	if (in->row_line != 0 && in->pendlen > CSVREC_MAX_ROW)
		unclosed(in);
	return 0;
}

/* Feed the lines unclosed() set aside, and any it sets aside again. */
static int
replay(struct csvrec_in *in)
{
	char *b;
	size_t off, blen, n;
	const char *nl;

	while (in->replay != NULL) {
		b = in->replay;
		blen = in->replaylen;
		off = in->replayoff;
		in->replay = NULL;
		while (off < blen) {
			nl = memchr(b + off, '\n', blen - off);
			n = nl != NULL ? (size_t)(nl - (b + off) + 1) :
			    blen - off;
			if (feed(in, b + off, n) == -1) {
				free(b);
				return -1;
			}
			off += n;
			if (in->replay != NULL) {
				/* Again: what is left follows the new replay. */
				buf_add(&in->replay, &in->replaylen, &in->replaycap,
				    b + off, blen - off);
				break;
			}
		}
		free(b);
	}
	return 0;
}

int
csvrec_in_line(struct csvrec_in *in, const char *line, size_t len)
{
	if (in->error[0] != '\0')
		return -1;
	if (feed(in, line, len) == -1)
		return -1;
	return replay(in);
}

int
csvrec_in_end(struct csvrec_in *in)
{
	if (in->error[0] != '\0')
		return -1;
	while (in->row_line != 0) {
		if (!in->last_nl) {
			/* The last line had no end: give it one. */
			in->last_nl = 1;
			buf_add(&in->pend, &in->pendlen, &in->pendcap, "\n", 1);
			csv_parse(&in->parser, "\n", 1, cb_field, cb_row, in);
			if (in->error[0] != '\0')
				return -1;
			continue;
		}
		unclosed(in);
		if (replay(in) == -1)
			return -1;
	}
	csv_fini(&in->parser, cb_field, cb_row, in);
	return in->error[0] != '\0' ? -1 : 0;
}

int
csvrec_in_next(struct csvrec_in *in, struct csvrec_item *it)
{
	if (in->qhead == in->qlen)
		return 0;
	*it = in->queue[in->qhead++];
	return 1;
}

const char *
csvrec_in_error(const struct csvrec_in *in)
{
	return in->error;
}

/* ---- writing ---- */

int
csvrec_write_row(FILE *fp, const char *const *cells, size_t n, char sep)
{
	const char *s, *p;
	size_t i, len;
	char special[] = { sep, '"', '\r', '\n', '\0' };

	for (i = 0; i < n; i++) {
		s = cells[i] != NULL ? cells[i] : "";
		len = strlen(s);
		if (i > 0)
			fputc(sep, fp);
		if (strpbrk(s, special) == NULL && (len == 0 ||
		    (s[0] != ' ' && s[len - 1] != ' '))) {
			fputs(s, fp);
			continue;
		}
		fputc('"', fp);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', fp);
			fputc(*p, fp);
		}
		fputc('"', fp);
	}
	fputs("\r\n", fp);
	return ferror(fp) ? -1 : 0;
}

int
csvrec_write_header(FILE *fp, enum csvrec_kind kind, char sep)
{
	const struct column *cols;
	const char *cells[CSVREC_MAX_COLUMNS];
	char names[CSVREC_MAX_COLUMNS][64];
	size_t n, i;

	cols = columns(kind, &n);
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%.*s",
		    (int)strcspn(cols[i].names, "|"), cols[i].names);
		cells[i] = names[i];
	}
	return csvrec_write_row(fp, cells, n, sep);
}

void
csvrec_format_real(double x, char *buf, size_t len)
{
	char *dot;

	snprintf(buf, len, "%.6g", x);
	if ((dot = strchr(buf, '.')) != NULL)
		*dot = ',';
}

/* One value (or list item) as text into m. */
static void
format_value(FILE *m, const struct column *col, const json_t *v)
{
	char num[40];

	if (col->type == CT_JOBS)
		fprintf(m, "%s:%lld",
		    json_string_value(json_object_get(v, "rome")) ?
		    json_string_value(json_object_get(v, "rome")) : "",
		    (long long)json_integer_value(json_object_get(v,
		    "months")));
	else if (json_is_string(v))
		fputs(json_string_value(v), m);
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "oui" : "non", m);
	else if (json_is_integer(v))
		fprintf(m, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) {
		csvrec_format_real(json_real_value(v), num, sizeof(num));
		fputs(num, m);
	}
}

static const json_t *
get_path(const json_t *rec, const char *key)
{
	const char *dot = strchr(key, '.');
	char outer[32];

	if (dot == NULL)
		return json_object_get(rec, key);
	snprintf(outer, sizeof(outer), "%.*s", (int)(dot - key), key);
	return json_object_get(json_object_get(rec, outer), dot + 1);
}

int
csvrec_write_record(FILE *fp, enum csvrec_kind kind, const json_t *rec,
    char sep)
{
	const struct column *cols;
	const json_t *v, *item;
	char *cells[CSVREC_MAX_COLUMNS];
	size_t n, i, j, len;
	int rc, has_commune;
	FILE *m;

	cols = columns(kind, &n);
	has_commune = json_is_string(json_object_get(rec, "commune"));
	for (i = 0; i < n; i++) {
		cells[i] = NULL;
		v = get_path(rec, cols[i].key);
		/* The daemon fills lat/lon from the commune: not both. */
		if (has_commune && cols[i].type == CT_REAL)
			v = NULL;
		if ((m = open_memstream(&cells[i], &len)) == NULL)
			abort();
		if (json_is_array(v)) {
			json_array_foreach(v, j, item) {
				if (j > 0)
					fputc('|', m);
				format_value(m, &cols[i], item);
			}
		} else if (v != NULL)
			format_value(m, &cols[i], v);
		fclose(m);
	}
	rc = csvrec_write_row(fp, (const char *const *)cells, n, sep);
	for (i = 0; i < n; i++)
		free(cells[i]);
	return rc;
}
