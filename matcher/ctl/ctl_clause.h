/*
 * The clause commands (docs/CLAUSE.md): put, get, list and report.
 */
#ifndef MATCHER_CTL_CLAUSE_H
#define MATCHER_CTL_CLAUSE_H

struct ctl;
struct opts;

int	ctl_clause_put(struct ctl *, struct opts *);
int	ctl_clause_get(struct ctl *, struct opts *);
int	ctl_clause_list(struct ctl *, struct opts *);
int	ctl_clause_report(struct ctl *, struct opts *);

#endif
