/*
 * The France Travail "Offres d'emploi v2" feed: offers of the API (one
 * offer object, or a search response {"resultats": [...]}) mapped onto
 * matcherd's struct offer, with what the offer says that struct offer
 * cannot hold yet (department-level place, ROME 4.0 code, wished
 * experience and licences, origin) kept beside it.
 *
 * The mapping rules are listed at the top of feed_francetravail.c.  Pure:
 * no I/O, no clock, no globals; a struct refdata and a struct rules are
 * only read, so several threads may map at once.
 */
#ifndef MATCHER_FEED_FRANCETRAVAIL_H
#define MATCHER_FEED_FRANCETRAVAIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "candidate.h"
#include "offer.h"
#include "refdata.h"
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
/* Rejects whose id and reason a report keeps; all are counted. */
#define FT_REJECTS_MAX		64
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

/*
 * Map one offer object.  rules may be NULL: no free-text extraction, and
 * an offer without romeCode is then rejected.  Returns 0, or -1 with a
 * reason naming the field in err ("lieuTravail: no commune, coordinates,
 * postal code or known place"); *out is then unspecified.  Never fails on
 * a field that is only ancillary: that one is ignored and a warning added.
 */
int	ft_map_offer(const json_t *j, const struct refdata *ref,
	    const struct rules *rules, struct ft_offer *out, char *err,
	    size_t errlen);

struct ft_reject {
	int		 index;			/* in the document */
	char		 id[FT_ID_MAX + 1];	/* "" if the id is bad */
	char		 reason[FT_REASON_MAX];
};

struct ft_batch_report {
	int		 offers;	/* offers in the document */
	int		 mapped;	/* given to the callback */
	int		 refused;	/* of which the callback refused */
	int		 rejected;	/* could not be mapped */
	int		 skipped;	/* beyond FT_BATCH_MAX */
	unsigned long	 warnings;	/* over all mapped offers */
	unsigned long	 utf8_repaired;	/* bad UTF-8 bytes fixed */
	struct ft_reject rejects[FT_REJECTS_MAX];	/* the first ones */
	int		 nrejects;
	/* Document-level error ("line 3, column 7: ..."), "" if none. */
	char		 error[FT_REASON_MAX];
};

/*
 * Called once per mapped offer; the offer is only valid during the call.
 * Return 0 if taken, -1 if refused (counted in refused; the batch goes on).
 */
typedef int ft_offer_cb(const struct ft_offer *, void *arg);

/*
 * Map a document: one offer object, a search response {"resultats":
 * [...]}, or a bare array of offers.  An empty document (the API answers
 * 204 without a body when nothing matches) is an empty batch.  Invalid
 * UTF-8 bytes are replaced by U+FFFD before parsing, so that one bad byte
 * does not lose the page.  Bad records are rejected one by one and never
 * stop the batch.
 *
 * Returns 0 when the document was read (rep says what became of each
 * offer), -1 on a document-level error (rep->error): over FT_DOC_MAX
 * bytes, malformed JSON (with jansson's line and column), or a document
 * of another shape.  cb may be NULL (map and count only).
 */
int	ft_map_document(const char *json, size_t len,
	    const struct refdata *ref, const struct rules *rules,
	    ft_offer_cb *cb, void *arg, struct ft_batch_report *rep);

/*
 * The same, a few offers at a time, for a caller that must not hold its
 * thread for the whole document (the daemon's event loop).  ft_doc_open()
 * parses (NULL on a document-level error, in rep->error; an empty
 * document is a document of no offers); ft_doc_map() maps the next max
 * offers at most, adding to rep, and returns how many are left;
 * ft_doc_close() frees.  rules may differ from one call to the next.
 */
struct ft_doc;
struct ft_doc	*ft_doc_open(const char *json, size_t len,
		    struct ft_batch_report *rep);
size_t		 ft_doc_map(struct ft_doc *, const struct refdata *ref,
		    const struct rules *rules, ft_offer_cb *cb, void *arg,
		    size_t max, struct ft_batch_report *rep);
void		 ft_doc_close(struct ft_doc *);

#endif
