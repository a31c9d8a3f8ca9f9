/*
 * Offers in France Travail's own format, sent whole to the daemon's
 * feed.push (docs/FEEDS.md).
 */
#ifndef MATCHER_CTL_FEED_H
#define MATCHER_CTL_FEED_H

struct ctl;

/* Sends the document at path ("-": stdin); returns the exit status. */
int	ctl_feed_push(struct ctl *, const char *path);

#endif
