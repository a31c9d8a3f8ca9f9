/*
 * The literal extractor of the pre-filter: what a pattern of the rules
 * file says about the text it matches, read from the pattern itself (see
 * rules_literals.c for how, and for what it does not understand).
 */
#ifndef MATCHER_RULES_LITERALS_H
#define MATCHER_RULES_LITERALS_H

#include <stddef.h>

#include "rules_litset.h"

#define LIT_GPOS_MAX	16	/* \G(?!^) in one pattern */

/* What the pre-filter knows of a pattern. */
struct litresult {
	struct litset	 lits;		/* every match contains one */
	struct litset	 prefix;	/* every match starts with one */
	long		 maxlen;	/* longest match in bytes, or -1 */
	int		 ngpos;
	size_t		 gpos[LIT_GPOS_MAX];	/* offsets of \G(?!^) */
};

/*
 * The literals of a pattern (as compiled: normalised) into out; -1 when
 * there are none to use (lits.n is then -1, and so is prefix.n), or 0.
 * prefix.n is -1 when the rule cannot be tried at its leading literals.
 */
int	rules_literals_read(const char *pat, size_t len,
	    struct litresult *out);
/* A set as NUL-terminated strings one after the other; *n -1 if none. */
void	rules_literals_store(const struct litset *s, int *n, char **out);
/* The strings of s, sorted and joined with '|', into buf ("" if none). */
void	rules_literals_join(const struct litset *s, char *buf,
	    size_t buflen);

#endif
