/*
 * A candidate of a candidathèque, as received and stored: decoding and
 * validation from a msgpack map, and the canonical encoding stored in Redis
 * and returned by candidate.get.  Pure: no I/O.
 *
 * Field names are part of the protocol (proto/PROTOCOL.md).
 */
#ifndef MATCHER_CANDIDATE_H
#define MATCHER_CANDIDATE_H

#include <stdint.h>

#include <msgpack.h>

#include "decode.h"
#include "domain.h"
#include "identity.h"
#include "mpobj.h"
#include "refdata.h"

/* Bounds that keep one record a few KiB and the index entry small. */
#define CAND_MAX_JOBS 16
#define CAND_MAX_SKILLS 32
#define ADVISER_MAX 64
/* No commute in the area is longer; also keeps the bounding box sane. */
#define RADIUS_MAX_KM 300
#define CAND_DEFAULT_RADIUS_KM 15
#define MONTHS_MAX 600		/* fifty years of experience */
#define LEVEL_MAX 8		/* qualification levels: 3 CAP/BEP, 4 bac */

struct cand_job {
	char		 rome[ROME_CODE_LEN + 1];
	int		 rome_id;	/* refdata id */
	int		 months;
};

struct candidate {
	char		 id[RECORD_ID_MAX + 1];
	uint32_t	 sectors;	/* 1u << enum sector */
	struct cand_job	 jobs[CAND_MAX_JOBS];
	int		 njobs;
	char		 skills[CAND_MAX_SKILLS][SKILL_MAX_LEN + 1];
	int		 nskills;
	uint32_t	 licences;	/* 1u << enum licence, as given */
	int		 vehicle;
	int		 level;		/* 0-8 */
	char		 commune[INSEE_CODE_LEN + 1];	/* "" if lat/lon given */
	double		 lat, lon;	/* always set after decoding */
	int		 radius_km;
	int32_t		 available_from;	/* DATE_NONE: now */
	uint32_t	 contracts;	/* 1u << enum contract */
	int		 working_time;	/* enum worktime */
	int32_t		 birth_date;	/* DATE_NONE if unknown */
	uint32_t	 criteria;	/* 1u << enum criterion */
	uint32_t	 barriers;	/* 1u << enum barrier */
	int		 status;	/* enum cand_status */
	char		 adviser[ADVISER_MAX + 1];
	int		 consent_partners;
	/*
	 * Day of the last candidate.put, set by matcherd (a value a client
	 * sends is replaced); DATE_NONE in records older than retention.
	 */
	int32_t		 updated_on;
};


/*
 * Validate a candidate map into *out.  Required: id, sectors, jobs, and
 * commune or lat/lon.  Defaults: radius_km 15, status available, every
 * contract, working_time any, level 0, no licence.  Unknown keys are
 * errors (a typo must not silently drop data).  On error returns -1 and
 * names the first bad field in err; *out is then unspecified.
 */
int	candidate_decode(const msgpack_object *map, const struct refdata *ref,
	    struct candidate *out, struct field_error *err);

/*
 * candidate_decode() of the map of candidate.put, which may also hold the
 * person's identity (identity.h): its keys go to *ident, never to *out.
 * Returns 1 when the map names an identity field (nil included), 0 when
 * it names none, -1 on error (the record's or the identity's field).
 * candidate_decode() refuses those keys: a stored record never has them.
 */
int	candidate_decode_with_identity(const msgpack_object *map,
	    const struct refdata *ref, struct candidate *out,
	    struct identity *ident, struct field_error *err);

/*
 * Pack the canonical map: every field, defaults made explicit, the commune
 * kept and its coordinates added; never the identity.  candidate_decode() of this encoding
 * gives back the same record.
 */
void	candidate_pack(const struct candidate *c, msgpack_packer *pk);


#endif
