/*
 * The CSV exports: a sector's candidates, an offer's suggestions.
 */
#ifndef MATCHER_CTL_EXPORT_H
#define MATCHER_CTL_EXPORT_H

struct ctl;
struct opts;

int	ctl_export_candidates(struct ctl *, struct opts *);
int	ctl_export_suggestions(struct ctl *, struct opts *);

#endif
