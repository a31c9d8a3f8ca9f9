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

/* One fact found in a text. */
struct rule_fact {
	int	 kind;			/* enum rule_kind */
	char	 value[48];
	int	 required;		/* 1: required wording, 0: wished */
	char	 excerpt[64];		/* the matched words, for reasons */
};

#define RULES_MAX_FACTS 32

struct rules;

/*
 * Load and compile a rules file.  Returns NULL with every error, as
 * "file:line: message" lines, in err.
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
 */
int		 rules_extract(const struct rules *, const char *text,
		    size_t len, struct rule_fact *out, int max);

/* The ROME code a title maps to (first matching rule), or -1. */
int		 rules_rome_for_title(const struct rules *, const char *title,
		    size_t len, char rome[ROME_CODE_LEN + 1]);

#endif
