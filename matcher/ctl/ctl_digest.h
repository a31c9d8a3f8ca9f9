/*
 * matchctl digest: the adviser's day, as text (or JSON with --json).
 */
#ifndef MATCHER_CTL_DIGEST_H
#define MATCHER_CTL_DIGEST_H

struct ctl;
struct opts;

int	ctl_digest(struct ctl *, struct opts *);

#endif
