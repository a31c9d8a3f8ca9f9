/*
 * Partner pseudonyms (pseudo.h), with OpenSSL's HMAC.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

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
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[32];
	int i;

	hmac(key, id, strlen(id), mac);
	ref[0] = 'p';
	ref[1] = '-';
	for (i = 0; i < 16; i++) {
		ref[2 + 2 * i] = hex[mac[i] >> 4];
		ref[3 + 2 * i] = hex[mac[i] & 15];
	}
	ref[PSEUDO_REF_LEN] = '\0';
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

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
pseudo_key_from_hex(const char *s, size_t len,
    unsigned char key[PSEUDO_KEY_LEN])
{
	int i, hi, lo;

	if (len != 2 * PSEUDO_KEY_LEN)
		return -1;
	for (i = 0; i < PSEUDO_KEY_LEN; i++) {
		if ((hi = hexval(s[2 * i])) < 0 ||
		    (lo = hexval(s[2 * i + 1])) < 0)
			return -1;
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}
