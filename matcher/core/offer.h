/*
 * A job offer, as received and stored: decoding and validation from a
 * msgpack map, and the canonical encoding.  Pure: no I/O.
 */
#ifndef MATCHER_OFFER_H
#define MATCHER_OFFER_H

#include <stdint.h>

#include <msgpack.h>

#include "candidate.h"
#include "mpobj.h"
#include "refdata.h"

#define OFFER_TITLE_MAX 200
#define OFFER_EMPLOYER_MAX 128
#define OFFER_PARTNER_MAX 63
#define OFFER_MAX_SKILLS 16
#define OFFER_POSITIONS_MAX 1000
#define OFFER_DURATION_MAX 120	/* months */
#define CLAUSE_HOURS_MAX 1000000
/*
 * Notes: short French facts read in the offer's text by a feed ("permis B
 * exigé"), shown with every suggestion.  A few, short: they are repeated
 * in each suggestion's reasons.
 */
#define OFFER_MAX_NOTES 8
#define OFFER_NOTE_MAX 120
/* Bounds of age_min and age_max: the legal working ages, roughly. */
#define OFFER_AGE_MIN 14
#define OFFER_AGE_MAX 99

struct offer_clause {
	char		 operation[RECORD_ID_MAX + 1];
	/* The works contractor holding the hours; "" if not given. */
	char		 contractor[RECORD_ID_MAX + 1];
	uint32_t	 criteria;	/* 0: the config's default list */
	int		 hours;
};

struct offer {
	char		 id[RECORD_ID_MAX + 1];
	int		 source;	/* enum source */
	char		 title[OFFER_TITLE_MAX + 1];
	char		 rome[ROME_CODE_LEN + 1];
	int		 rome_id;	/* refdata id */
	/*
	 * A ROME 4.0 code missing from the v3 table, as sent ("" if none):
	 * rome is then the first v3 code of its domain, and the offer is
	 * matched on the whole domain, every candidate as "métier proche".
	 * A code of a domain without v3 codes is kept as rome too, with
	 * rome_id -1: it matches nobody until candidates can hold it.
	 */
	char		 rome_v4[ROME_CODE_LEN + 1];
	int		 sector;	/* enum sector; derived when absent */
	char		 employer[OFFER_EMPLOYER_MAX + 1];
	/*
	 * The partner job board an offer was relayed from (France Travail's
	 * origineOffre 2: "Indeed", or "partenaire" unnamed); "" for an
	 * offer of the source's own.  Duplicate detection reads it.
	 */
	char		 partner[OFFER_PARTNER_MAX + 1];
	char		 commune[INSEE_CODE_LEN + 1];	/* "" if lat/lon */
	double		 lat, lon;
	/*
	 * Only the department is known ("59"; "" otherwise): commune is
	 * "", lat/lon the department's reference point, and the offer is
	 * matched with the department-wide rule (docs/SCORING.md).
	 */
	char		 department[4];
	int		 department_no;	/* refdata_department_number() */
	int		 max_km;	/* 0: no limit of the offer's own */
	int		 contract;	/* enum contract */
	int		 duration_months;	/* 0: permanent or unknown */
	int		 working_time;	/* enum worktime; any if absent */
	int32_t		 start;		/* DATE_NONE: as soon as possible */
	int		 positions;	/* default 1 */
	int		 level_min;	/* 0: none */
	int		 experience_months;	/* 0: beginners accepted */
	uint32_t	 licences_required;
	char		 skills_required[OFFER_MAX_SKILLS][SKILL_MAX_LEN + 1];
	int		 nskills_required;
	char		 skills_wanted[OFFER_MAX_SKILLS][SKILL_MAX_LEN + 1];
	int		 nskills_wanted;
	int		 age_min, age_max;	/* 0: unset */
	char		 notes[OFFER_MAX_NOTES][OFFER_NOTE_MAX + 1];
	int		 nnotes;
	int		 has_clause;
	struct offer_clause clause;
};

/*
 * Validate an offer map.  Required: id, source, title, rome, commune or
 * lat/lon, contract.  A clause offer (source "clause") must carry a
 * clause map with an operation.  Same error rules as candidate_decode().
 */
int	offer_decode(const msgpack_object *map, const struct refdata *ref,
	    struct offer *out, struct field_error *err);
void	offer_pack(const struct offer *o, msgpack_packer *pk);
/*
 * Same, declaring `extra` more entries in the map, which the caller packs
 * right after (the match result adds the offer's "status").
 */
void	offer_pack_open(const struct offer *o, msgpack_packer *pk, int extra);

#endif
