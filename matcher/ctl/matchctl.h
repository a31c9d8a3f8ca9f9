/*
 * What matchctl.c, which holds the command table, offers the commands.
 */
#ifndef MATCHER_MATCHCTL_H
#define MATCHER_MATCHCTL_H

/* The usage of the command being run on stderr; exit 64. */
void	matchctl_usage(void) __attribute__((noreturn));

#endif
