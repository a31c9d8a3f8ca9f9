/*
 * The candidate commands, and the listing that export candidates shares.
 */
#ifndef MATCHER_CTL_CANDIDATE_H
#define MATCHER_CTL_CANDIDATE_H

#include <jansson.h>

struct ctl;
struct opts;

int	ctl_candidate_put(struct ctl *, struct opts *);
int	ctl_candidate_get(struct ctl *, struct opts *);
int	ctl_candidate_delete(struct ctl *, struct opts *);
int	ctl_candidate_erase(struct ctl *, struct opts *);
int	ctl_candidate_export(struct ctl *, struct opts *);
int	ctl_candidate_match(struct ctl *, struct opts *);
int	ctl_candidate_follow(struct ctl *, struct opts *);
int	ctl_candidate_unfollow(struct ctl *, struct opts *);
int	ctl_candidate_following(struct ctl *, struct opts *);
int	ctl_candidate_list(struct ctl *, struct opts *);
/* each() on the candidates of candidate.list; the number seen. */
unsigned long ctl_candidate_each(struct ctl *, const struct opts *, int all,
	    void (*each)(const struct ctl *, const json_t *, void *),
	    void *arg);

#endif
