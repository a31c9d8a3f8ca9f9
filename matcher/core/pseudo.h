/*
 * Partner pseudonyms (proto/PROTOCOL.md, "Who may do what"): a partner
 * sees a person as a reference stable for that partner and that person,
 * which it cannot turn back into an id, and which differs between two
 * partners.  Each partner's key is derived from the daemon's secret, so
 * that no table of keys is kept: HMAC-SHA-256(secret, "partner:" NAME);
 * the reference is "p-" and the first 16 bytes of HMAC-SHA-256(partner
 * key, candidate id), in hex.  Pure.
 */
#ifndef MATCHER_PSEUDO_H
#define MATCHER_PSEUDO_H

#include <stddef.h>

#define PSEUDO_KEY_LEN	32
#define PSEUDO_REF_LEN	34	/* "p-" and 32 hex digits */

void		 pseudo_partner_key(const unsigned char secret[PSEUDO_KEY_LEN],
		    const char *partner, unsigned char key[PSEUDO_KEY_LEN]);
void		 pseudo_ref(const unsigned char key[PSEUDO_KEY_LEN],
		    const char *id, char ref[PSEUDO_REF_LEN + 1]);
/* What a partner sees of a distance: "< 5 km", "5-15 km", ... */
const char	*pseudo_distance_band(double km);
/* 64 hex digits into a key: 0, or -1 if s is not that. */
int		 pseudo_key_from_hex(const char *s, size_t len,
		    unsigned char key[PSEUDO_KEY_LEN]);

#endif
