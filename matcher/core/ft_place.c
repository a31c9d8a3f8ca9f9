/*
 * Where a France Travail offer is (feed_francetravail_place.h): the first
 * of the commune's INSEE code, the coordinates, the postal code, the
 * commune named in the libelle, and the department alone.
 */
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "ft_json.h"
#include "ft_offer.h"
#include "ft_place.h"
#include "ft_text.h"
#include "geo.h"
#include "refdata.h"

/* Communes of one postal code looked at (the most in 59/62 is 33). */
#define POSTCODE_COMMUNES	64

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

int
ft_place_map(const json_t *j, const struct refdata *ref, struct ft_offer *fo,
    char *err, size_t errlen)
{
	struct offer *o = &fo->offer;
	const struct commune *c = NULL, *pcs[POSTCODE_COMMUNES];
	const struct refdata_department *dep;
	const json_t *lt;
	const char *insee = NULL, *cp = NULL, *lib = NULL, *name = "", *dn;
	char q[FT_QUOTE_MAX + 4], q2[FT_QUOTE_MAX + 4], key[FT_KEY_MAX + 1];
	char ldept[4];
	size_t ilen = 0, cplen = 0, liblen = 0, nlen = 0;
	double lat = 0, lon = 0;
	int st, slat, slon, coords = 0, npc = 0, i, n;

	st = ft_json_obj(j, "lieuTravail", &lt);
	if (st == J_ABSENT)
		return ft_offer_fail(err, errlen, "lieuTravail: missing");
	if (st == J_BAD)
		return ft_offer_fail(err, errlen, "lieuTravail: must be an "
		    "object");

	if ((st = ft_json_str(lt, "commune", &insee, &ilen)) == J_BAD)
		ft_offer_warn(fo, "lieuTravail.commune: not a string, ignored");
	if (st != J_OK)
		insee = NULL;
	slat = ft_json_num(lt, "latitude", &lat);
	slon = ft_json_num(lt, "longitude", &lon);
	if (slat == J_OK && slon == J_OK) {
		if (geo_valid(lat, lon) && !(lat == 0 && lon == 0))
			coords = 1;
		else
			ft_offer_warn(fo, "lieuTravail: coordinates %.6f, %.6f "
			    "out of range, ignored", lat, lon);
	} else if (slat != J_ABSENT || slon != J_ABSENT)
		ft_offer_warn(fo, "lieuTravail: latitude and longitude must be "
		    "two numbers, ignored");
	if ((st = ft_json_str(lt, "codePostal", &cp, &cplen)) == J_BAD)
		ft_offer_warn(fo, "lieuTravail.codePostal: not a string, "
		    "ignored");
	if (st != J_OK)
		cp = NULL;
	if ((st = ft_json_str(lt, "libelle", &lib, &liblen)) == J_BAD)
		ft_offer_warn(fo, "lieuTravail.libelle: not a string, ignored");
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
			ft_offer_warn(fo, "lieuTravail.codePostal: %.5s serves "
			    "%d communes, placed at their centre", cp, n);
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
		(void)ft_text_fold(name, nlen, key);
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
				ft_offer_warn(fo, "lieuTravail.libelle: "
				    "unknown commune \"%s\", placed at "
				    "department level",
				    ft_text_quote(name, nlen, q));
			return 0;
		}
	}
	if (insee != NULL)
		return ft_offer_fail(err, errlen, "lieuTravail: commune \"%s\" "
		    "is not in the reference data (59, 62) and there are no "
		    "coordinates", ft_text_quote(insee, ilen, q));
	if (lib != NULL)
		return ft_offer_fail(err, errlen, "lieuTravail: \"%s\" is no "
		    "known commune or department (59, 62)%s%s%s",
		    ft_text_quote(lib, liblen, q),
		    cp != NULL ? ", postal code \"" : "",
		    cp != NULL ? ft_text_quote(cp, cplen, q2) : "",
		    cp != NULL ? "\" unknown" : "");
	return ft_offer_fail(err, errlen, "lieuTravail: no commune, "
	    "coordinates, postal code or known place");
}
