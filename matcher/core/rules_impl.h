/*
 * Private to the rules files, and why it exists: a loaded set is built by
 * rules_load.c, indexed by rules_prefilter.c and matched by rules.c, so
 * the three share its layout (struct rules, struct rule); the text being
 * matched (struct text) is made by rules.c and scanned by
 * rules_prefilter.c.  Nothing outside matcher/core/rules*.c includes it:
 * callers use rules.h.
 */
#ifndef MATCHER_RULES_IMPL_H
#define MATCHER_RULES_IMPL_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif

#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define RULE_KINDS	6

/* [wording] rules: what a wording says about the facts near it. */
enum wording {
	WORDING_WISHED,		/* "souhaité", "apprécié" */
	WORDING_REQUIRED,	/* "exigé", "obligatoire" */
	WORDING_OPTIONAL	/* "non exigé": wished, and hides "exigé" */
};

/* Longest value written in the file ("caces-r489-$1", "F1701"). */
#define VALUE_MAX		47

/* A compiled pattern, and whether it has JIT code (pcre2_jit_match()). */
struct rule_code {
	pcre2_code	*code;
	int		 jit;
};

struct rule {
	int		 kind;		/* enum rule_kind, or -1 for wording */
	int		 wording;	/* enum wording */
	int		 line;
	char		 value[VALUE_MAX + 1];	/* as written: may hold $1 */
	int		 capture;	/* value uses capture group 1 */
	int		 months;	/* [duration]: N of "N", "N*$1"; 1 "$1" */
	int		 rome_id;	/* [rome]: refdata id */
	/*
	 * The pattern, as compiled for every text ([0]) and for texts
	 * of ASCII only ([1], code NULL if none: see "ASCII texts" in
	 * rules_load.c).
	 */
	struct rule_code code[2];
	/*
	 * The pre-filter's literals (rules_literals.c), as NUL-terminated
	 * strings one after the other.  lits: one of them is in every
	 * match; nlits -1 when the pattern gives none (the rule is always
	 * run), 0 when it cannot match in a search from offset 0 (never
	 * run).  pre: every match starts with one of them, npre -1 if the
	 * rule has none; then acode is the pattern tried, anchored, where
	 * they are in the text, and gcode, for a pattern with \G(?!^), the
	 * pattern as written, anchored.
	 */
	int		 nlits;
	char		*lits;
	int		 npre;
	char		*pre;
	struct rule_code acode[2];
	struct rule_code gcode[2];
	long		 maxlen;	/* longest match in bytes, -1: none */
};

/* The pre-filter's tables (rules_prefilter.c). */
struct prefilter;

/* Written by const calls: kept out of struct rules, and atomic. */
struct rules_counters {
	atomic_ulong	 texts;
	atomic_ulong	 truncated;
	atomic_ulong	 limit_hits;
	atomic_ulong	 match_errors;
	atomic_ulong	 dropped;
};

struct rules {
	struct rule		*rules;		/* facts and ROME, file order */
	int			 nrules;
	struct rule		*wording;
	int			 nwording;
	pcre2_match_context	*mctx;
	uint32_t		 pairs;		/* ovector pairs any rule needs */
	int			 jit;
	int			 by_kind[RULE_KINDS];
	int			 prefiltered;	/* rules with literals */
	int			 prefilter_on;
	struct prefilter	*pf;
	struct rules_counters	*ctr;
};

/* One normalised text and its way back to the original. */
struct text {
	const char	*orig;
	size_t		 origlen;	/* bytes used of orig */
	char		*s;		/* normalised, NUL terminated */
	size_t		 len;
	uint32_t	*map;		/* s byte -> orig offset */
	/* Rules worth running on it (rules[], then wording[]). */
	uint64_t	 active[RULES_MAX_RULES / 64];
	/*
	 * Where the literals are (places 1; those of struct lit places),
	 * kept per literal as lists in text order: ohead, otail index occ[].
	 */
	int		 places;
	int		 ascii;		/* s is ASCII only (rules_load.c) */
	int		*ohead, *otail;
	struct occ	*occ;
	int		 nocc, occcap;
};

/* A place of a literal in the text. */
struct occ {
	uint32_t	 pos;
	int		 next;		/* the literal's next place, or -1 */
};

/* A set of rules, one bit each (struct text's active). */
#define BIT_SET(a, i)	((a)[(i) >> 6] |= (uint64_t)1 << ((i) & 63))
#define BIT_ISSET(a, i)	(((a)[(i) >> 6] >> ((i) & 63)) & 1)

/*
 * Values of rules (rules.c), as checked at load (rules_load.c) and as
 * made from a match: "$1" in tmpl replaced by sub (the length, or -1 if
 * it does not fit in out); 1 if s is a skill tag; a flag's index in
 * RULE_FLAG_LIST or -1; months 1..MONTHS_MAX of s, or -1.
 */
int	rules_substitute(const char *tmpl, const char *sub, size_t sublen,
	    char *out, size_t outlen);
int	rules_tag_valid(const char *s, size_t len);
int	rules_flag_index(const char *s);
int	rules_parse_months(const char *s, size_t len);

/* Free the rules rules_load() made (rules_load.c), for rules_free(). */
void	rules_load_free_rules(struct rule *arr, int n);

#endif
