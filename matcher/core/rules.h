/*
 * Normalisation rules: PCRE2 patterns, loaded from config/rules.conf, that
 * turn the free text of offers (title, description) into facts: driving
 * licences, CACES categories, habilitations, SST, OPPBTP, CQP names,
 * "débutant accepté", night or weekend work, contract and duration
 * wording, and a ROME code for titles that come without one.
 *
 * Text is normalised (lower case, French accents folded: é/É/e match)
 * before matching; patterns are compiled once at load, with UTF and UCP,
 * JIT when available, and match, depth and heap limits so that no pattern
 * and no input can run away.  Pure apart from reading the rules file.
 */
#ifndef MATCHER_RULES_H
#define MATCHER_RULES_H

#include <stddef.h>

#include "refdata.h"

enum rule_kind {
	RULE_LICENCE,		/* value: "B", "C", "CE", ... */
	RULE_SKILL,		/* value: a skill tag, "caces-r489-3" */
	RULE_ROME,		/* value: a ROME code, from the title */
	RULE_FLAG,		/* value: "debutant_accepte", "nuit", ... */
	RULE_CONTRACT,		/* value: a contract wire name, "cdd" */
	RULE_DURATION		/* value: months, "12" */
};

/*
 * One fact found in a text.  required comes from the wording of the
 * fact's sentence (config/rules.conf explains the rule; no wording:
 * wished); it only means something for licences and skills.  excerpt is
 * the matched words as they appear in the original text (accents and
 * case kept, blanks collapsed, whole UTF-8 characters).
 */
struct rule_fact {
	int	 kind;			/* enum rule_kind */
	char	 value[48];
	int	 required;		/* 1: required wording, 0: wished */
	char	 excerpt[64];		/* the matched words, for reasons */
};

#define RULES_MAX_FACTS 32

/*
 * Bounds on the work one text may cost (see config/rules.conf for why
 * these values).  Only the first RULES_MAX_INPUT bytes of a text are
 * examined.  Each match runs under a match limit (backtracking steps per
 * start position, JIT included), a depth limit (nested backtracking
 * points, interpreter only) and a heap limit in KiB (interpreter only;
 * JIT code uses its default 32 KiB machine stack).  A match that hits one
 * is abandoned: the rule simply does not match, and the hit is counted.
 * A rule is tried at most RULES_MAX_MATCHES times on one text.
 */
#define RULES_MAX_INPUT		65536
#define RULES_MATCH_LIMIT	100000
#define RULES_DEPTH_LIMIT	1000
#define RULES_HEAP_LIMIT_KIB	1024
#define RULES_MAX_MATCHES	16
/* Bounds on the rules file itself. */
#define RULES_MAX_RULES		4096
#define RULES_MAX_LINE		4096

/*
 * Flags a [flag] rule may set: X(wire name, French label).  A name not in
 * this list is a load error, so that a typo cannot make a rule whose facts
 * nobody reads.
 */
#define RULE_FLAG_LIST(X)						\
	X("debutant_accepte", "débutant accepté")			\
	X("nuit", "travail de nuit")					\
	X("week_end", "travail le week-end")				\
	X("horaires_decales", "horaires décalés")			\
	X("travail_poste", "travail posté")				\
	X("temps_partiel", "temps partiel")				\
	X("temps_plein", "temps plein")					\
	X("deplacements", "déplacements")

/* Counters of a loaded rule set; the texts and hits since the load. */
struct rules_stats {
	int		 rules;		/* rules loaded, [wording] included */
	int		 jit;		/* of which compiled by the JIT */
	int		 prefiltered;	/* of which have pre-filter literals */
	int		 by_kind[6];	/* rules per enum rule_kind */
	unsigned long	 texts;		/* texts examined */
	unsigned long	 truncated;	/* texts cut to RULES_MAX_INPUT */
	unsigned long	 limit_hits;	/* matches abandoned at a limit */
	unsigned long	 match_errors;	/* other pcre2_match() errors */
	unsigned long	 dropped;	/* distinct facts beyond max */
};

struct rules;

/*
 * Load and compile a rules file.  Returns NULL with every error, as
 * "file:line: message" lines, in err.
 *
 * ROME codes are checked against ref (required), and rules_rome_for_title()
 * returns ids of that refdata.  To reload, load the new file and, only if
 * it loaded, swap it in and free the old set once no caller uses it; a
 * loaded set is read-only and may be used by several threads at once.
 */
struct rules	*rules_load(const char *path, const struct refdata *ref,
		    char *err, size_t errlen);
void		 rules_free(struct rules *);

/*
 * Lower-case and fold French accents of UTF-8 text into out (NUL
 * terminated); returns the length written.  Invalid UTF-8 is replaced,
 * never copied.
 */
size_t		 rules_normalize(const char *in, size_t len, char *out,
		    size_t outlen);

/*
 * Facts found in text (normalised inside), at most max; returns how many.
 * A fact found twice is reported once, required winning over wished.
 * Facts come in rule order; [rome] rules are not used here (titles go
 * through rules_rome_for_title()).  Only the first RULES_MAX_INPUT bytes
 * of text are examined.
 */
int		 rules_extract(const struct rules *, const char *text,
		    size_t len, struct rule_fact *out, int max);

/*
 * The ROME code a title maps to (first matching [rome] rule, in file
 * order) into rome, and its refdata id; or -1 and rome "".
 */
int		 rules_rome_for_title(const struct rules *, const char *title,
		    size_t len, char rome[ROME_CODE_LEN + 1]);

/*
 * The pre-filter.  At load, each pattern is read for literals of which
 * every match contains one ("permis", "caces"...), and for those it
 * starts with; each text is scanned once for all of them, only the rules
 * with one of their literals in the text (and those without literals) are
 * run, and a rule with leading literals is tried only where they are.  A
 * text that is ASCII once normalised runs the patterns compiled without
 * UTF and UCP, which match the same there, faster.  The facts are those
 * of a plain search with every rule (see matcher/core/rules_prefilter.c
 * for the match limit): rules_set_prefilter(r, 0) turns all this off, for
 * tests and benchmarks that check it (call it before sharing the set).
 */
void		 rules_set_prefilter(struct rules *, int on);

/*
 * What the pre-filter reads in a pattern (written as in a rules file):
 * the literals one of which is in every match, sorted and joined with '|'
 * into buf, and the leading literals (every match starts with one) into
 * prefix ("" when there are none: the rule is searched for as written).
 * Returns how many literals there are (0: the pattern cannot match in a
 * search from offset 0), or -1 when there are none (the rule is always
 * run).  For tests.
 */
int		 rules_pattern_literals(const char *pattern, char *buf,
		    size_t len, char *prefix, size_t prefixlen);

/* Counters and sizes of a loaded set. */
void		 rules_stats(const struct rules *, struct rules_stats *out);

/* Section name of a kind: "licence", "skill", ... or "?". */
const char	*rules_kind_name(int kind);

/*
 * French reason for a fact, for the suggestion's reasons: "permis B exigé",
 * "caces-r489-3 souhaité", "travail de nuit", "contrat CDD", "durée 6
 * mois", "métier F1701"; followed by " (where)" when where is not NULL or
 * empty, as in "permis B exigé (description)".  Returns the length
 * snprintf would have written.
 */
int		 rules_fact_reason(const struct rule_fact *, const char *where,
		    char *buf, size_t len);

#endif
