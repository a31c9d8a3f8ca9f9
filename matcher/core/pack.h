/*
 * The canonical encoders of every record (pack.c).
 */
#ifndef MATCHER_PACK_H
#define MATCHER_PACK_H

#include <stdint.h>

#include <msgpack.h>

#include "candidate.h"
#include "domain.h"

/* Key, then value, in the shapes decode.h reads. */
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
