/*
 * The labelled copy (labels.h) of what leaves the daemon, through a
 * one-entry cache: an offer's match result is published, then answered
 * to the offer.put that made it, the same bytes twice; labelled once.
 */
#ifndef MATCHER_LABELLED_H
#define MATCHER_LABELLED_H

#include <stddef.h>

struct refdata;

/*
 * in with its labels, in *out (*outlen bytes): the cache's copy, valid
 * until the next call, or in itself when it has nothing to label.
 */
void	labelled_get(const struct refdata *, const char *in, size_t len,
	    const char **out, size_t *outlen);
/* Forget the cached copy (shutdown). */
void	labelled_free(void);

#endif
