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

#include "domain.h"
#include "mpobj.h"
#include "refdata.h"

/* Record ids: 1-64 chars of [A-Za-z0-9_.:-]; they appear in Redis keys. */
#define RECORD_ID_MAX 64
/* The one wording of the id rule, in every error that refuses an id. */
#define RECORD_ID_RULE "1-64 characters of A-Z a-z 0-9 _ . : -"
/* Bounds that keep one record a few KiB and the index entry small. */
#define CAND_MAX_JOBS 16
#define CAND_MAX_SKILLS 32
#define SKILL_MAX_LEN 40	/* "caces-r489-3", "habilitation-b0" */
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
};

/* 1 if s (len bytes) is a valid record id. */
int	record_id_valid(const char *s, size_t len);

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
 * Pack the canonical map: every field, defaults made explicit, the commune
 * kept and its coordinates added.  candidate_decode() of this encoding
 * gives back the same record.
 */
void	candidate_pack(const struct candidate *c, msgpack_packer *pk);

/*
 * Field codecs shared by the record decoders (candidate.c, offer.c).
 *
 * decode_fields() checks the shape of a record map once: a map whose keys
 * are all strings among names[0 .. count-1] (count <= 64), none twice,
 * and every bit of `required` (1 << index) present and not nil.  It fills
 * vals[i] with the value of names[i], NULL when absent or nil.  `path` is
 * the record's place in the message ("" at the top, "jobs[0]", "clause"),
 * `what` names it in messages ("candidate must be a map").
 *
 * The other decoders take such a value and the field path for errors.  A
 * NULL value means absent: the output keeps its default and 0 is returned.
 * All return 0, or -1 with err filled.
 */
int	decode_fields(const msgpack_object *map, const char *path,
	    const char *what, const char *const *names, int count,
	    uint64_t required, const msgpack_object **vals,
	    struct field_error *err);
/* A record id (record_id_valid()) into buf[RECORD_ID_MAX + 1]. */
int	decode_record_id(const msgpack_object *o, const char *field,
	    char *buf, struct field_error *err);
/* UTF-8 text of minlen..maxlen bytes, no NUL, into buf[maxlen + 1]. */
int	decode_text(const msgpack_object *o, const char *field, size_t minlen,
	    size_t maxlen, char *buf, struct field_error *err);
/* An integer in [min, max]. */
int	decode_int(const msgpack_object *o, const char *field, int min,
	    int max, int *out, struct field_error *err);
/* A "YYYY-MM-DD" date (date_parse()) as a day number. */
int	decode_date(const msgpack_object *o, const char *field, int32_t *out,
	    struct field_error *err);
/* One wire name of v, as its index. */
int	decode_vocab(const msgpack_object *o, const char *field,
	    const struct vocab *v, int *out, struct field_error *err);
/* A list of distinct wire names of v, as a bitmask; empty allowed or not. */
int	decode_vocab_set(const msgpack_object *o, const char *field,
	    const struct vocab *v, int nonempty, uint32_t *out,
	    struct field_error *err);
/* A list of at most max distinct skill tags ([a-z0-9][a-z0-9._-]*). */
int	decode_tag_list(const msgpack_object *o, const char *field, int max,
	    char (*tags)[SKILL_MAX_LEN + 1], int *n, struct field_error *err);
/* A ROME code known to ref: its code into code[] and its dense id. */
int	decode_rome(const msgpack_object *o, const char *field,
	    const struct refdata *ref, char code[ROME_CODE_LEN + 1], int *id,
	    struct field_error *err);
/*
 * The "commune", "lat" and "lon" fields of a record: a known commune or
 * both coordinates, one of the two required.  Given both, lat/lon win and
 * the commune must still be known.
 */
int	decode_location(const msgpack_object *commune,
	    const msgpack_object *lat, const msgpack_object *lon,
	    const struct refdata *ref,
	    char commune_out[INSEE_CODE_LEN + 1], double *lat_out,
	    double *lon_out, struct field_error *err);

/* Canonical encoders of the same shapes: key, then value. */
void	pack_vocab_set(msgpack_packer *pk, const char *key,
	    const struct vocab *v, uint32_t set);
void	pack_tag_list(msgpack_packer *pk, const char *key,
	    const char (*tags)[SKILL_MAX_LEN + 1], int n);
/* nil for "" and DATE_NONE, the absent values. */
void	pack_opt_str(msgpack_packer *pk, const char *key, const char *s);
void	pack_opt_date(msgpack_packer *pk, const char *key, int32_t day);
/* The three keys commune (nil if ""), lat, lon. */
void	pack_location(msgpack_packer *pk, const char *commune, double lat,
	    double lon);

#endif
