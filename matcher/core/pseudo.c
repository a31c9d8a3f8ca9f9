/*
 * Partner pseudonyms (pseudo.h), with OpenSSL's HMAC.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hex.h"
#include "pseudo.h"

static void
hmac(const unsigned char key[PSEUDO_KEY_LEN], const char *data, size_t len,
    unsigned char out[32])
{
	unsigned int n = 32;

	(void)HMAC(EVP_sha256(), key, PSEUDO_KEY_LEN,
	    (const unsigned char *)data, len, out, &n);
}

void
pseudo_partner_key(const unsigned char secret[PSEUDO_KEY_LEN],
    const char *partner, unsigned char key[PSEUDO_KEY_LEN])
{
	char buf[128];
	int n;

	n = snprintf(buf, sizeof(buf), "partner:%s", partner);
	hmac(secret, buf, n < 0 ? 0 : (size_t)n >= sizeof(buf) ?
	    sizeof(buf) - 1 : (size_t)n, key);
}

void
pseudo_ref(const unsigned char key[PSEUDO_KEY_LEN], const char *id,
    char ref[PSEUDO_REF_LEN + 1])
{
	unsigned char mac[32];

	hmac(key, id, strlen(id), mac);
	ref[0] = 'p';
	ref[1] = '-';
	hex_encode(mac, 16, ref + 2);
}

const char *
pseudo_distance_band(double km)
{
	if (km < 5)
		return "< 5 km";
	if (km < 15)
		return "5-15 km";
	if (km <= 30)
		return "15-30 km";
	return "> 30 km";
}

int
pseudo_key_from_hex(const char *s, size_t len,
    unsigned char key[PSEUDO_KEY_LEN])
{
	return hex_decode(s, len, key, PSEUDO_KEY_LEN);
}
