/*
 * The RGPD rules of matcherd (docs/RGPD.md): what an erasure leaves
 * behind, and when the retention period erases a person.  Pure: the
 * daemon's erase.c and retention.c apply them to Redis and memory.
 *
 * An erased person's referrals stay, as anonymous traces, so that the
 * statistics and the clause hours do not change: their candidate field
 * becomes an anonymous id, drawn at random for each erasure (no key can
 * turn it back), the same for every trace of that erasure.
 */
#ifndef MATCHER_RGPD_H
#define MATCHER_RGPD_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "domain.h"

/* Why a person is erased: candidate.erase's reason. */
enum rgpd_reason {
	RGPD_REQUEST,		/* the person asked (article 17) */
	RGPD_OBJECTION,		/* the person objected (article 21) */
	RGPD_ERROR,		/* recorded by mistake */
	RGPD_RETENTION,		/* the retention period ran out */
	RGPD_REASON_COUNT
};
extern const struct vocab vocab_erase_reason;

/* "erased-" and 16 hex digits. */
#define RGPD_ANON_PREFIX	"erased-"
#define RGPD_ANON_LEN		23
#define RGPD_ANON_RANDOM	8	/* bytes */

/* The anonymous id of an erasure, from RGPD_ANON_RANDOM random bytes. */
void	rgpd_anon_id(const unsigned char rnd[RGPD_ANON_RANDOM],
	    char out[RGPD_ANON_LEN + 1]);
/* 1 if id is an anonymous trace's (no person may take it). */
int	rgpd_is_anon(const char *id);

/*
 * A stored match result (result_pack()) without candidate's suggestions,
 * the others' ranks renumbered, into out (initialised by the caller).
 * Returns how many suggestions were removed (0: out is left empty, the
 * result is kept as it is), or -1 when buf is not a result map.
 */
int	rgpd_result_without(const char *buf, size_t len, const char *candidate,
	    msgpack_sbuffer *out);

/*
 * The Lua script of an erasure on one offer (EVAL; keys: its referrals,
 * their history, its hash, then the clause hires of every sector;
 * docs/REDIS.md).  Its
 * length, or 0 if len is too small.
 */
size_t	rgpd_lua_script(char *buf, size_t len);

/*
 * Retention: 1 when the person has no open referral and neither their
 * record (updated_on) nor any referral of theirs (last_referral, the day
 * of the latest move; DATE_NONE: none) changed in the last days days.
 * Days are dates.h day numbers; an undated record is never due.
 */
#define RGPD_RETENTION_DAYS_DEFAULT	730
#define RGPD_RETENTION_DAYS_MAX		36500
int	rgpd_retention_due(int32_t updated_on, int32_t last_referral,
	    int open_referrals, int32_t today, int days);

#endif
