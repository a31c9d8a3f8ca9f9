/*
 * matchctl ping, stats and call, and the get commands' common form.
 */
#ifndef MATCHER_CTL_SERVER_H
#define MATCHER_CTL_SERVER_H

struct ctl;
struct opts;

int	ctl_server_ping(struct ctl *, struct opts *);
int	ctl_server_stats(struct ctl *, struct opts *);
int	ctl_server_call(struct ctl *, struct opts *);
/* method {id}, the record it answers printed as JSON. */
int	ctl_server_get(struct ctl *, const char *method, const char *id);

#endif
