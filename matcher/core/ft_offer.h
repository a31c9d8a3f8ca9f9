/*
 * One France Travail offer as mapped (struct ft_offer, the bounds of a
 * document), and building it (ft_offer.c): the two ways
 * a field ends in the mapping rules of feed_francetravail.c, rejecting
 * the record (ft_offer_fail()) or noting the field and going on
 * (ft_offer_warn()); skill tags and facts added without duplicates; and
 * the last passes over the offer once every field is mapped.
 */
#ifndef MATCHER_FT_OFFER_H
#define MATCHER_FT_OFFER_H

#include <stddef.h>
#include <stdint.h>

#include "candidate.h"
#include "offer.h"
#include "rules.h"

/* Record ids are "ft-" and the API's id. */
#define FT_ID_PREFIX		"ft-"
#define FT_ID_MAX		(RECORD_ID_MAX - 3)
/*
 * Bounds of one document: its size, and the offers mapped from it (the
 * API returns at most 150 per page; a saved export of the area's offers
 * of a day is a few thousand).  Offers past FT_BATCH_MAX are not looked
 * at and are counted in ft_batch_report.skipped.
 */
#define FT_DOC_MAX		(16u << 20)
#define FT_BATCH_MAX		5000
/*
 * Rejects whose id and reason a report keeps; all are counted.  The
 * first 100, as proto/PROTOCOL.md says of feed.push's errors.
 */
#define FT_REJECTS_MAX		100
#define FT_REASON_MAX		160
/* Warnings kept per offer (ignored or repaired fields); all are counted. */
#define FT_WARNINGS_MAX		8
/* Facts kept per offer: the feed's own and those of the free text. */
#define FT_FACTS_MAX		48
/* Items of permis[], competences[], formations[] looked at, each. */
#define FT_ITEMS_MAX		32
/* Bytes of "title. description" given to rules_extract(). */
#define FT_TEXT_MAX		16384
#define FT_URL_MAX		255
#define FT_PARTNER_MAX		OFFER_PARTNER_MAX

/* Where the offer's coordinates come from (first that works). */
enum ft_place {
	FT_PLACE_COMMUNE,	/* lieuTravail.commune, a known commune */
	FT_PLACE_COORDS,	/* lieuTravail.latitude/longitude */
	FT_PLACE_POSTCODE,	/* lieuTravail.codePostal */
	FT_PLACE_NAME,		/* the commune named in the libelle */
	FT_PLACE_DEPARTMENT	/* department only: its reference point */
};

/* origineOffre.origine */
enum ft_origin {
	FT_ORIGIN_UNKNOWN = 0,
	FT_ORIGIN_FRANCE_TRAVAIL = 1,	/* "1": France Travail's own */
	FT_ORIGIN_PARTNER = 2		/* "2": a partner site's offer */
};

struct ft_offer {
	/* What the core takes today; offer.source is always pole_emploi. */
	struct offer	 offer;

	char		 ft_id[FT_ID_MAX + 1];	/* "201KCBA" */
	int		 origin;		/* enum ft_origin */
	char		 url[FT_URL_MAX + 1];	/* urlOrigine */
	/* origineOffre.partenaires[0]: the partner site, "" if none */
	char		 partner[FT_PARTNER_MAX + 1];
	char		 partner_url[FT_URL_MAX + 1];

	/* Place. */
	int		 place;			/* enum ft_place */
	char		 department[4];	/* "59", "62"; "" unknown */
	/*
	 * 1: only the department is known; offer.lat/lon is the
	 * department's reference point (refdata_department()) and
	 * offer.commune is "".  The core should match it with the
	 * department-wide rule (see the report / docs), not by distance.
	 */
	int		 department_only;

	/* Job. */
	char		 rome_code[ROME_CODE_LEN + 1];	/* as sent */
	/*
	 * 1: romeCode is a ROME 4.0 code missing from the v3 table;
	 * offer.rome is the first v3 code of its 3-character domain and
	 * only a domain-wide match is meaningful.
	 */
	int		 rome_v4;
	int		 rome_from_title;	/* by the title rules */

	/* What the core cannot hold yet; "wished" is soft. */
	int		 experience_wished_months; /* experienceExige S */
	uint32_t	 licences_wished;	/* permis[] S, text */
	int		 level_wished;		/* formations[] S */
	int		 qualification;	/* qualificationCode 1-9, 0 */
	int		 alternance;		/* "alternance" */
	int		 accessible_th;		/* accessibleTH */
	int		 adapted_employer;	/* entrepriseAdaptee */
	/* Items of permis[], competences[], formations[] that gave none. */
	int		 items_unmapped;

	/* Dates (DATE_NONE / 0 when absent or bad). */
	int32_t		 created;		/* dateCreation, day */
	int64_t		 created_at;	/* dateCreation, unix time */
	int64_t		 updated_at;	/* dateActualisation */

	/* Facts: from permis[]/competences[] and from the free text. */
	struct rule_fact facts[FT_FACTS_MAX];
	int		 nfacts;

	/* Fields ignored or repaired, "field: what" (the first ones). */
	char		 warnings[FT_WARNINGS_MAX][FT_REASON_MAX];
	int		 nwarnings;		/* all, may exceed MAX */
};

/* The reason into err; returns -1, the record's failure. */
int	ft_offer_fail(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A warning of the offer (the first FT_WARNINGS_MAX kept, all counted). */
void	ft_offer_warn(struct ft_offer *fo, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Add a tag to skills_required (required) or skills_wanted; one that is
 * not a skill tag is ignored.
 */
void	ft_offer_add_skill(struct ft_offer *fo, const char *tag, int required,
	    const char *where);
/* Add a fact, its excerpt copied from excerpt[0..exlen). */
void	ft_offer_add_fact(struct ft_offer *fo, int kind, const char *value,
	    int required, const char *excerpt, size_t exlen);
/* Drop wanted skills that are also required, wished licences required. */
void	ft_offer_settle(struct ft_offer *fo);
/* The facts an adviser should see, as offer notes. */
void	ft_offer_take_notes(struct ft_offer *fo);

#endif
