/*
 * Reference data: the ROME job codes (v3 fiches) and the communes of Nord
 * and Pas-de-Calais with their coordinates.  Loaded once from the files in
 * matcher/data/ (see matcher/data/PROVENANCE.md) and read-only afterwards.
 *
 * ROME codes are identified by a dense index (0 .. rome_count-1) in sorted
 * code order, so the codes of one domain ("F17") form a contiguous range;
 * the index uses that to look up a whole domain at once.
 */
#ifndef MATCHER_REFDATA_H
#define MATCHER_REFDATA_H

#include <stddef.h>
#include <stdint.h>

#define ROME_CODE_LEN 5		/* "F1701" */
#define INSEE_CODE_LEN 5	/* "59183", "2A004" does not occur in 59/62 */

struct rome_code {
	char		 code[ROME_CODE_LEN + 1];
	char		*label;
	int		 sector;	/* enum sector derived from the code */
};

struct commune {
	char		 insee[INSEE_CODE_LEN + 1];
	char		*name;		/* "DUNKERQUE" */
	char		 postcode[6];	/* its lowest La Poste code, to show */
	double		 lat, lon;
};

/* One (postal code, commune) pair of the La Poste file. */
struct refdata_postcode {
	char		 code[6];	/* "59140" */
	int		 commune;	/* index in refdata.communes */
};

/*
 * One name a commune is known by, as a refdata_name_key(): its own name
 * (alias 0), or a ligne_5 locality or delivery label of its rows (alias 1:
 * "ST POL SUR MER" and "MALO LES BAINS" are places of DUNKERQUE).
 */
struct refdata_name {
	char		*key;
	int		 commune;	/* index in refdata.communes */
	int		 alias;
};

/* A department of the reference communes and the centroid of them. */
struct refdata_department {
	char		 code[4];	/* "59"; "2A"; "971" */
	int		 communes;	/* how many reference communes */
	double		 lat, lon;	/* mean of their coordinates */
};

struct refdata {
	struct rome_code *rome;		/* sorted by code */
	int		 rome_count;
	struct commune	*communes;	/* sorted by insee, one row per code */
	int		 commune_count;
	/* Built from the same file; see the lookups below. */
	struct refdata_postcode *postcodes;	/* by code, then commune */
	int		 postcode_count;
	struct refdata_name *names;	/* by key, then alias, then commune */
	int		 name_count;
	struct refdata_department *departments;	/* by code */
	int		 department_count;
};

/*
 * Load rome_fiches.csv and communes_59_62.csv from dir.  Returns NULL and
 * a message in err ("file:line: ...") on any malformed line.
 */
struct refdata	*refdata_load(const char *dir, char *err, size_t errlen);
void		 refdata_free(struct refdata *);

/* Dense id of an exact ROME code (5 chars), or -1. */
int		 refdata_rome_id(const struct refdata *, const char *code,
		    size_t len);
/* 1 if s (len bytes) is a well-formed ROME code: a letter, 4 digits. */
int		 refdata_rome_well_formed(const char *s, size_t len);
/*
 * Id of the first v3 code of the 3-character domain of code (a ROME 4.0
 * code missing from the table: "F1799" -> the id of F1701), or -1.
 */
int		 refdata_rome_domain_first(const struct refdata *,
		    const char *code);
/* The id range [*first, *last] of the codes sharing code's 3-char domain. */
void		 refdata_rome_domain(const struct refdata *, int id,
		    int *first, int *last);
/* 1 if two ROME ids share their 3-character domain. */
int		 refdata_same_domain(const struct refdata *, int a, int b);
/*
 * Sector of a ROME code by its domain: F -> batiment; H, I, A -> industrie;
 * G, N -> hotellerie; everything else -> tertiaire.  Works for codes that
 * are not in the table too (ROME 4.0), as long as the code is well formed.
 */
int		 refdata_rome_sector(const char *code);
/* Commune by INSEE code (5 chars), or NULL. */
const struct commune *refdata_commune(const struct refdata *,
		    const char *insee, size_t len);

/*
 * Postal codes.  A code may serve several communes (59279: CRAYWICK,
 * DUNKERQUE, LOON PLAGE) and a commune may have several codes (DUNKERQUE:
 * 59140, 59240, 59279, 59430, 59640).
 *
 * refdata_postcode_communes() stores up to max communes of the code cp
 * (len bytes) into out, in INSEE order, and returns how many the code
 * has (0 if none, or if cp is not 5 digits); out may be NULL if max is 0.
 * refdata_commune_by_postcode() returns the commune when the code has
 * exactly one, else NULL.
 */
int		 refdata_postcode_communes(const struct refdata *,
		    const char *cp, size_t len, const struct commune **out,
		    int max);
const struct commune *refdata_commune_by_postcode(const struct refdata *,
		    const char *cp, size_t len);

/*
 * The key names are compared by: UTF-8 text upper-cased with French
 * accents folded (É -> E, Œ -> OE), every other character (hyphen,
 * apostrophe, dot, ...) a word break, words separated by one space, and
 * SAINT/SAINTE written ST/STE as La Poste does: "Saint-Pol-sur-Mer" and
 * "ST POL SUR MER" give the same key.  Invalid UTF-8 is a word break.
 * Writes at most outlen - 1 bytes and a NUL; returns the length written.
 */
size_t		 refdata_name_key(const char *in, size_t len, char *out,
		    size_t outlen);
/*
 * Commune by name (any case, accents, hyphens), in department dept
 * ("59", "62"; NULL or "" for any).  Own names win over ligne_5 and
 * delivery aliases.  NULL if no commune or several communes answer to the
 * name (the same name in both departments, with dept NULL).
 */
const struct commune *refdata_commune_by_name(const struct refdata *,
		    const char *dept, const char *name, size_t len);

/* Department of an INSEE code: its first 2 characters, 3 for 97x. */
size_t		 refdata_department_len(const char *insee);
/*
 * The reference point of a department (dept, len bytes): the mean of the
 * coordinates of its reference communes.  NULL if no reference commune is
 * in that department.
 */
const struct refdata_department *refdata_department(const struct refdata *,
		    const char *dept, size_t len);
/*
 * Dense department number of a place, 1..department_count (0: unknown),
 * for the department-wide rule of offers known only by their department.
 * The commune's department when insee is a reference commune, else that
 * of the nearest reference commune within REFDATA_NEAR_KM of lat/lon
 * (a linear scan: only for records given by coordinates alone).
 */
#define REFDATA_NEAR_KM	10.0
int		 refdata_department_number(const struct refdata *,
		    const char *insee, double lat, double lon);

#endif
