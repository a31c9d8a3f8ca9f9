/*
 * The pre-filter of the rules (rules_prefilter.c): its tables, built at
 * load from the literals of every rule, the scan of a text that tells
 * which rules may match it, and the places in the text where a rule with
 * leading literals is worth a try.
 */
#ifndef MATCHER_RULES_PREFILTER_H
#define MATCHER_RULES_PREFILTER_H

#include <stddef.h>

#include "rules_impl.h"
#include "rules_litset.h"

/*
 * Where one rule may match in a text: the places of its leading literals
 * ([1]), and when its matches have a longest length, maxlen bytes, the
 * places of its contained literals ([0]): a try at p is worth it only if
 * one of those is wholly inside [p, p + maxlen).
 */
struct cands {
	int		 search;	/* no leading literals: search */
	int		 window;	/* maxlen applies */
	long		 maxlen;
	/*
	 * The literals that are in the text, n[k] of them: each one's next
	 * place (pos), kept in occ[] (cur) or found with memchr() for the
	 * 1-byte ones (cur -1, byte), and its length (len: 0 for [1], where
	 * the place itself counts).  A literal whose places run out leaves.
	 */
	int		 n[2];
	size_t		 pos[2][LIT_SET_MAX];
	int		 cur[2][LIT_SET_MAX];
	unsigned char	 byte[2][LIT_SET_MAX];
	int		 len[2][LIT_SET_MAX];
};

/* Build r->pf from the literals of r's rules (rules_load()). */
void	rules_prefilter_build(struct rules *r);
void	rules_prefilter_free(struct prefilter *pf);
/*
 * The rules worth running on t: those without literals, and those with
 * one of their literals in the text; every rule when the pre-filter is
 * off or the text holds a Kelvin sign.  Sets t's active, places and
 * ascii.
 */
void	rules_prefilter_scan(const struct rules *r, struct text *t);
/* The places where rule idx (rules[], then wording[]) may match in t. */
void	rules_prefilter_cands_init(const struct rules *r,
	    const struct text *t, int idx, struct cands *c);
/*
 * The first place at or after from worth a try (see rules_prefilter.c),
 * or SIZE_MAX.
 */
size_t	rules_prefilter_cands_next(const struct text *t, struct cands *c,
	    size_t from);

#endif
