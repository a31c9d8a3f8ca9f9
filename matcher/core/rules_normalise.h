/*
 * Text normalisation for the rules: lower case, French accents folded to
 * ASCII, typographic punctuation to ASCII, invalid UTF-8 replaced.  Texts
 * and patterns go through the same folding, so that "é" in a pattern
 * matches "É" and "e" in a text.  rules_normalize() (rules.h) is the
 * public form of it.
 */
#ifndef MATCHER_RULES_NORMALISE_H
#define MATCHER_RULES_NORMALISE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Normalise in[0..len) into out (outlen bytes, NUL terminated); returns
 * the length written.  ascii: also fold ASCII (lower case, control
 * characters); patterns keep their ASCII as written, since "\D" and "\d"
 * differ.  map, when not NULL, gets for each output byte the offset of the
 * input character it came from (room for outlen entries).  *consumed, when
 * not NULL, gets how much of the input was used.  The output never splits
 * a replacement and is never longer than the input.
 */
size_t	rules_normalise_text(const char *in, size_t len, char *out,
	    size_t outlen, uint32_t *map, int ascii, size_t *consumed);

#endif
