/*
 * Allocators that abort on failure, for the daemon's own working set (the
 * index, connection tables).  Sizes that input controls are bounded by the
 * caller before they reach these (tmux xmalloc.h).
 */
#ifndef MATCHER_XMALLOC_H
#define MATCHER_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
