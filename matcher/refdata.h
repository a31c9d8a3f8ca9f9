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
	double		 lat, lon;
};

struct refdata {
	struct rome_code *rome;		/* sorted by code */
	int		 rome_count;
	struct commune	*communes;	/* sorted by insee, one row per code */
	int		 commune_count;
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

#endif
