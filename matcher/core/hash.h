/*
 * FNV-1a, 32 bits: the hash of the index's id table and of the Redis
 * candidate buckets (docs/REDIS.md), so both must stay this function.
 */
#ifndef MATCHER_HASH_H
#define MATCHER_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t
hash_fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

#endif
