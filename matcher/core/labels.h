/*
 * Labels for people: a packed result (any msgpack object) copied with
 * the names that go with its codes.  Every map holding a "commune" key
 * whose value is a known INSEE code gains "commune_name" and "postcode"
 * right after it, and every map holding a "rome" key whose value is a
 * known ROME code gains "rome_label"; a key the map has already is not
 * added again, and anything else is copied as it is ("excluded": {"rome":
 * 3} counts, it names no code).
 *
 * Done where answers leave the daemon (pending.c, notify.c), never in
 * the canonical encodings: records are stored as their canonical maps and
 * decoded strictly, so a label stored with them would be refused on the
 * way back in.  Pure.
 */
#ifndef MATCHER_LABELS_H
#define MATCHER_LABELS_H

#include <stddef.h>

#include <msgpack.h>

#include "refdata.h"

/* Deeper than this is refused: results nest four or five levels. */
#define LABELS_DEPTH_MAX	32

/*
 * Append to out the copy of the one msgpack object in[0 .. len) with its
 * labels.  Returns how many labels were added; 0 when there is none to
 * add, and -1 when in is not exactly one object or nests deeper than
 * LABELS_DEPTH_MAX: out is then left as it was and the input itself is
 * the answer.  Any bytes are safe input.
 */
int	labels_add(const struct refdata *, const char *in, size_t len,
	    msgpack_sbuffer *out);

#endif
