/*
 * What a match result shows to whom (proto/PROTOCOL.md, "Who may do
 * what").  Advisers and administrators see it whole.  Prospection staff
 * see each suggestion's reference, rank, score and distance, never the
 * components and reasons that tell of a person's criteria or barriers.
 * The result is stored and pushed whole; a view is made when it leaves.
 */
#ifndef MATCHER_VIEW_H
#define MATCHER_VIEW_H

#include <stddef.h>

#include <msgpack.h>

struct pending;

enum view {
	VIEW_ADVISER,
	VIEW_PROSPECTION,
};

/* The view of the request's user. */
enum view	 view_of(const struct pending *);
/* Pack the view v of a packed result (a msgpack map); nil if corrupt. */
void		 view_pack(msgpack_packer *, enum view v, const char *result,
		    size_t len);
/* Answer p with its user's view of a packed result. */
void		 view_answer(struct pending *, const char *result, size_t len);

#endif
