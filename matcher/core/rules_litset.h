/*
 * Small sets of literal strings, for the pre-filter's reading of patterns
 * (rules_literals.c): the strings a part of a pattern matches, those every
 * match contains or starts with, and how the parts combine (union for an
 * alternation, product for a sequence).  A set of n -1 is unknown: it
 * stands for any string.
 */
#ifndef MATCHER_RULES_LITSET_H
#define MATCHER_RULES_LITSET_H

#include <stddef.h>

#define LIT_SET_MAX	64	/* strings in one set */
#define LIT_LEN_MAX	24	/* bytes of one string */

struct litset {
	int		 n;		/* -1: unknown (anything) */
	unsigned char	 len[LIT_SET_MAX];
	char		 s[LIT_SET_MAX][LIT_LEN_MAX];
};

/* The set of one string, "". */
void	rules_litset_empty_string(struct litset *s);
/* Add a string; 0, or -1 if it does not fit. */
int	rules_litset_add(struct litset *s, const char *str, size_t len);
/* a into out; -1 if either is unknown or it does not fit. */
int	rules_litset_union(struct litset *out, const struct litset *a);
/* Every string of a followed by every string of b; -1 if too many. */
int	rules_litset_product(const struct litset *a, const struct litset *b,
	    struct litset *out);
/* a = a x b, or a unchanged and -1 if that does not fit. */
int	rules_litset_extend(struct litset *a, const struct litset *b);
/*
 * Drop the strings that contain another one (that start with another
 * one: prefixes): the shorter one suffices.
 */
void	rules_litset_reduce(struct litset *s, int prefixes);
/* A set usable as literals: known, without the empty string. */
int	rules_litset_usable(const struct litset *s);
/* Keep cand (reduced) in best if it is better literals. */
void	rules_litset_consider(struct litset *best, const struct litset *cand);

#endif
