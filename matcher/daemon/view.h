/*
 * What a match result shows to whom (proto/PROTOCOL.md, "Who may do
 * what").  Advisers and administrators see it whole.  Prospection staff
 * see each suggestion's reference, rank, score, distance, job-fit reasons
 * (and "public prioritaire" when it counted) and adviser, never the
 * components and other reasons that tell of a person's criteria or
 * barriers.  A partner sees only the candidates who consent to partners,
 * ranked among themselves, each as a reference of that partner
 * (pseudo.h), a score, a distance band, the job-fit reasons and the
 * contact of the offer's sector ([contacts]).  The result is stored
 * whole; a view is made when it leaves the daemon.
 */
#ifndef MATCHER_VIEW_H
#define MATCHER_VIEW_H

#include <stddef.h>

#include <msgpack.h>

#include "pseudo.h"

struct conf;
struct index;
struct matcherd;
struct pending;
struct session;

enum view_kind {
	VIEW_ADVISER,
	VIEW_PROSPECTION,
	VIEW_PARTNER,
};

struct view {
	enum view_kind		 kind;
	const struct index	*idx;	/* consent, advisers */
	/* The daemon's current configuration ([contacts]): swapped on HUP. */
	struct conf *const	*conf;
	unsigned char		 key[PSEUDO_KEY_LEN];	/* partner's */
};

/* The view of a session's user. */
void		 view_of_session(const struct matcherd *,
		    const struct session *, struct view *);
void		 view_of(const struct matcherd *, const struct pending *,
		    struct view *);
/* Pack the view of a packed result (a msgpack map); nil if corrupt. */
void		 view_pack(msgpack_packer *, const struct view *,
		    const char *result, size_t len);
/* Answer p with its user's view of a packed result. */
void		 view_answer(const struct matcherd *, struct pending *,
		    const char *result, size_t len);

#endif
