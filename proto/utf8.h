/*
 * Strict UTF-8, shared by every module that checks or walks text from
 * outside (records, feeds, rules, reference data, JSON output): no
 * overlong forms, no surrogates, nothing past U+10FFFF.  Pure.
 */
#ifndef PROTO_UTF8_H
#define PROTO_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the sequence at s (n > 0 bytes left): its length (1-4) and code
 * point in *cp, or 0 when s does not start a valid sequence.
 */
size_t	utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 if s[0..len) is valid UTF-8 and holds no NUL byte. */
int	utf8_valid(const char *s, size_t len);
/*
 * s (a C string) made valid UTF-8 in place: each byte that does not start
 * a valid sequence becomes '?'.  For text that echoes input back, as an
 * error message naming an unknown key does.
 */
void	utf8_scrub(char *s);

#endif
