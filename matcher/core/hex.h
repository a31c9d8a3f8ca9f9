/*
 * Lowercase hexadecimal, the one spelling of hashes, tokens, keys and
 * references (users.c, pseudo.c, the pseudonym secret in Redis).  Pure.
 */
#ifndef MATCHER_HEX_H
#define MATCHER_HEX_H

#include <stddef.h>

/* n bytes as 2n lowercase hex digits and a NUL in out[2n + 1]. */
void	hex_encode(const unsigned char *p, size_t n, char *out);
/* The value of a lowercase hex digit, or -1. */
int	hex_digit(char c);
/* Exactly 2n lowercase hex digits into n bytes: 0, or -1. */
int	hex_decode(const char *s, size_t len, unsigned char *out, size_t n);

#endif
