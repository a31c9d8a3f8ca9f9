/*
 * Normalisation rules: a file of PCRE2 patterns (config/rules.conf, whose
 * header documents the format) that turn the free text of offers into
 * facts, and map titles to ROME codes.
 *
 * Text is first normalised by rules_normalize(): lower case, French
 * accents folded to ASCII, typographic punctuation to ASCII, invalid UTF-8
 * replaced.  Patterns are compiled once at load with UTF, UCP and
 * CASELESS (JIT when the library has it) and run under one match context
 * that carries match, depth and heap limits; the input is cut to
 * RULES_MAX_INPUT bytes.  A limit hit abandons that match only, and is
 * counted.
 *
 * Whether a fact is required or wished comes from the [wording] rules
 * found in the same sentence: the nearest wording wins (see decide()).
 *
 * Most rules match few texts: a pre-filter (see "Pre-filter") scans each
 * text once for literals read from the patterns at load, and only the
 * rules that can match are run, where they can match; ASCII texts run
 * patterns compiled without UTF and UCP (see "ASCII texts").
 *
 * Not here: what the facts mean for scoring (offer.c, score.c), and
 * logging (callers report load errors).  No globals: a loaded set is
 * read-only apart from its atomic counters, and each call makes its own
 * match data, so sets may be shared between threads.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidate.h"
#include "domain.h"
#include "refdata.h"
#include "rules.h"
#include "utf8.h"
#include "xmalloc.h"

#define RULE_KINDS	6

/* [wording] rules: what a wording says about the facts near it. */
enum wording {
	WORDING_WISHED,		/* "souhaité", "apprécié" */
	WORDING_REQUIRED,	/* "exigé", "obligatoire" */
	WORDING_OPTIONAL	/* "non exigé": wished, and hides "exigé" */
};

/*
 * Wording found in one text.  Beyond this many, later wording is ignored:
 * a real description has a few dozen at most.
 */
#define RULES_MAX_WORDING_HITS	256
/*
 * A wording before the fact, with a comma between them, counts as this
 * many bytes further away: "Permis C exigé, FIMO souhaitée" gives the
 * FIMO to "souhaitée", not to "exigé" of the clause before.
 */
#define COMMA_PENALTY		32
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
	 * of ASCII only ([1], code NULL if none: see "ASCII texts").
	 */
	struct rule_code code[2];
	/*
	 * The pre-filter's literals (see "Pre-filter"), as NUL-terminated
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

/* How every pattern is compiled. */
#define RULES_PCRE2_OPTIONS \
	(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C)

/*
 * The pre-filter (see "Pre-filter" below): the distinct literals of every
 * rule, and the rules that have none.  Rules are numbered 0..nrules-1
 * for rules[] and nrules.. for wording[].
 */
struct lit {
	const char	*s;
	int		 len;
	uint32_t	 key;		/* first min(len, 3) bytes, and that */
	int		 first, count;	/* the rules it lets run, in ids[] */
	int		 places;	/* its places in texts are kept */
};

struct pf_slot {
	uint32_t	 key;		/* 0: empty */
	int		 first, count;	/* literals in lits[] */
};

struct prefilter {
	struct lit	*lits;		/* sorted by key */
	int		 nlits;
	int		*ids;		/* rules of each literal */
	/*
	 * Per rule, [0] its contained literals and [1] its leading ones:
	 * lits[] indexes in rlits[k][rfirst[k][rule]...], rcount[k][rule].
	 */
	int		*rfirst[2], *rcount[2], *rlits[2];
	uint64_t	*always;	/* rules without literals */
	int		 nwords;	/* uint64_t words of a rule set */
	struct pf_slot	*slots;		/* key -> literals, open addressing */
	uint32_t	 mask;		/* slots - 1 */
	int		 shift;		/* 32 - log2(slots) */
	/*
	 * 1-byte literals are not looked up by the scan (some are in most
	 * texts, "r" or "3"): memchr() finds them when needed.  ones[] are
	 * those that let rules run.
	 */
	int		*ones;
	int		 nones;
	uint64_t	 bits2[65536 / 64];	/* a 2-byte literal */
	uint64_t	 bits3[65536 / 64];	/* longer ones, hashed */
};

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

static const char *const kind_names[RULE_KINDS] = {
	"licence", "skill", "rome", "flag", "contract", "duration"
};

#define X_FLAG_NAME(n, l) n,
#define X_FLAG_LABEL(n, l) l,
static const char *const flag_names[] = { RULE_FLAG_LIST(X_FLAG_NAME) };
static const char *const flag_labels[] = { RULE_FLAG_LIST(X_FLAG_LABEL) };
#define NFLAGS	((int)(sizeof(flag_names) / sizeof(flag_names[0])))

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

/*
 * Folding of U+00C0..U+00FF: one ASCII letter, or '1' "ae", '3' "th",
 * '4' "ss", '.' kept as it is (÷).  × becomes 'x' ("3×8").
 */
static const char latin1_fold[] =
	"aaaaaa1ceeeeiiii"	/* C0 */
	"dnooooox" "ouuuuy34"	/* D0 */
	"aaaaaa1ceeeeiiii"	/* E0 */
	"dnooooo." "ouuuuy3y";	/* F0 */

/* Folding of U+0100..U+017F (Latin Extended-A): '1' "ij", '2' "oe". */
static const char latin_ext_a_fold[] =
	"aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh"
	"iiiiiiiiii" "11" "jj" "kkk" "llllllllll" "nnnnnnnnn" "oooooo" "22"
	"rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

_Static_assert(sizeof(latin1_fold) == 64 + 1, "latin1_fold covers C0-FF");
_Static_assert(sizeof(latin_ext_a_fold) == 128 + 1,
    "latin_ext_a_fold covers U+0100-U+017F");

static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

static int
fold_code(char code, char *rep)
{
	switch (code) {
	case '1':
		memcpy(rep, "ae", 2);
		return 2;
	case '3':
		memcpy(rep, "th", 2);
		return 2;
	case '4':
		memcpy(rep, "ss", 2);
		return 2;
	default:
		rep[0] = code;
		return 1;
	}
}

/*
 * What a non-ASCII code point becomes: its replacement in rep (at most 4
 * bytes, never more than the code point's own UTF-8 length) and the
 * replacement's length, or -1 to keep the code point as it is.
 */
static int
fold_cp(uint32_t cp, char *rep)
{
	if (cp >= 0xc0 && cp <= 0xff) {
		if (latin1_fold[cp - 0xc0] == '.')
			return -1;
		return fold_code(latin1_fold[cp - 0xc0], rep);
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		switch (latin_ext_a_fold[cp - 0x100]) {
		case '1':
			memcpy(rep, "ij", 2);
			return 2;
		case '2':
			memcpy(rep, "oe", 2);
			return 2;
		default:
			rep[0] = latin_ext_a_fold[cp - 0x100];
			return 1;
		}
	}
	/* Combining accents (decomposed text: e + U+0301). */
	if (cp >= 0x300 && cp <= 0x36f)
		return 0;
	/* Greek and Cyrillic capitals: the simple lower-case mappings. */
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return (int)utf8_encode(cp + 0x20, rep);
	if (cp >= 0x400 && cp <= 0x40f)
		return (int)utf8_encode(cp + 0x50, rep);
	switch (cp) {
	case 0x00a0:	/* no-break space */
	case 0x1680:
	case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004:
	case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009:
	case 0x200a:
	case 0x202f:	/* narrow no-break space, before : ; ! ? in French */
	case 0x205f:
	case 0x3000:
		rep[0] = ' ';
		return 1;
	case 0x00ad:	/* soft hyphen */
	case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
		return 0;
	case 0x00b4:
	case 0x02bc:
	case 0x2018: case 0x2019: case 0x201a: case 0x201b:
	case 0x2032:
		rep[0] = '\'';
		return 1;
	case 0x00ab: case 0x00bb:
	case 0x201c: case 0x201d: case 0x201e: case 0x201f:
	case 0x2039: case 0x203a:
		rep[0] = '"';
		return 1;
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2043: case 0x2212:
		rep[0] = '-';
		return 1;
	case 0x2026:
		memcpy(rep, "...", 3);
		return 3;
	/* List bullets start a new item: a new line for the sentences. */
	case 0x2022: case 0x2023: case 0x2219:
	case 0x25a0: case 0x25aa: case 0x25ab: case 0x25b6: case 0x25ba:
	case 0x25cf: case 0x25e6:
	case 0x2605: case 0x2713: case 0x2714: case 0x2794: case 0x27a2:
	case 0x27a4:
		rep[0] = '\n';
		return 1;
	case 0xfb00:
		memcpy(rep, "ff", 2);
		return 2;
	case 0xfb01:
		memcpy(rep, "fi", 2);
		return 2;
	case 0xfb02:
		memcpy(rep, "fl", 2);
		return 2;
	case 0xfb03:
		memcpy(rep, "ffi", 3);
		return 3;
	case 0xfb04:
		memcpy(rep, "ffl", 3);
		return 3;
	case 0xfb05: case 0xfb06:
		memcpy(rep, "st", 2);
		return 2;
	default:
		return -1;
	}
}

/*
 * The normaliser behind rules_normalize().  ascii: also fold ASCII (lower
 * case, control characters); patterns keep their ASCII as written, since
 * "\D" and "\d" differ.  map, when not NULL, gets for each output byte the
 * offset of the input character it came from (room for outlen entries).
 * *consumed gets how much of the input was used.  The output never splits
 * a replacement and is never longer than the input.
 */
static size_t
normalize(const char *in, size_t len, char *out, size_t outlen,
    uint32_t *map, int ascii, size_t *consumed)
{
	const unsigned char *s = (const unsigned char *)in;
	const char *src;
	char rep[8];
	size_t i = 0, o = 0, sl, rl, k, end;
	uint32_t cp;
	unsigned char c;
	int r;

	if (outlen == 0) {
		if (consumed != NULL)
			*consumed = 0;
		return 0;
	}
	while (i < len) {
		if (ascii && s[i] < 0x80) {
			/* The common case, a run of ASCII, as below. */
			end = len - i < outlen - 1 - o ? len :
			    i + (outlen - 1 - o);
			if (end == i)
				break;
			for (k = i; k < end && s[k] < 0x80; k++) {
				c = s[k];
				if (c >= 'A' && c <= 'Z')
					c += 'a' - 'A';
				else if (c < 0x20 || c == 0x7f)
					c = c == '\r' || c == '\n' ? '\n' : ' ';
				out[o + k - i] = (char)c;
			}
			if (map != NULL)
				for (sl = i; sl < k; sl++)
					map[o + sl - i] = (uint32_t)sl;
			o += k - i;
			i = k;
			continue;
		}
		src = rep;
		if (s[i] < 0x80) {
			sl = rl = 1;
			rep[0] = (char)s[i];
			if (ascii) {
				if (s[i] >= 'A' && s[i] <= 'Z')
					rep[0] = (char)(s[i] - 'A' + 'a');
				else if (s[i] == '\r')
					rep[0] = '\n';
				else if ((s[i] < 0x20 && s[i] != '\n') ||
				    s[i] == 0x7f)
					rep[0] = ' ';
			} else if (s[i] == '\0')
				rep[0] = ' ';
		} else if ((sl = utf8_decode(s + i, len - i, &cp)) == 0) {
			sl = rl = 1;
			rep[0] = ' ';
		} else if ((r = fold_cp(cp, rep)) < 0) {
			src = in + i;
			rl = sl;
		} else
			rl = (size_t)r;
		if (rl > outlen - 1 - o)
			break;
		memcpy(out + o, src, rl);
		if (map != NULL)
			for (k = 0; k < rl; k++)
				map[o + k] = (uint32_t)i;
		o += rl;
		i += sl;
	}
	out[o] = '\0';
	if (consumed != NULL)
		*consumed = i;
	return o;
}

size_t
rules_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	if (in == NULL)
		len = 0;
	return normalize(in, len, out, outlen, NULL, 1, NULL);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

struct load {
	const char		*path;
	const struct refdata	*ref;
	char			*err;
	size_t			 errlen;
	size_t			 errpos;
	int			 errors;
	pcre2_compile_context	*cctx;
};

static void	load_error(struct load *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Append "path:line: message" (or "path: message") to the error text,
 * one per line; errors that no longer fit are counted, not written.
 */
static void
load_error(struct load *ld, int line, const char *fmt, ...)
{
	char msg[384], full[512];
	va_list ap;
	int n;

	ld->errors++;
	if (ld->err == NULL || ld->errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		n = snprintf(full, sizeof(full), "%s%s:%d: %s",
		    ld->errpos > 0 ? "\n" : "", ld->path, line, msg);
	else
		n = snprintf(full, sizeof(full), "%s%s: %s",
		    ld->errpos > 0 ? "\n" : "", ld->path, msg);
	if (n < 0 || (size_t)n >= sizeof(full) ||
	    ld->errpos + (size_t)n >= ld->errlen)
		return;
	memcpy(ld->err + ld->errpos, full, (size_t)n + 1);
	ld->errpos += (size_t)n;
}

static int
is_tag_char(int c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '-');
}

/* 1 if s is a skill tag: [a-z0-9][a-z0-9._-]*, 1..SKILL_MAX_LEN. */
static int
tag_valid(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > SKILL_MAX_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_tag_char((unsigned char)s[i], i == 0))
			return 0;
	return 1;
}

/*
 * Replace "$1" in tmpl by the sub bytes into out (outlen bytes).
 * Returns the length, or -1 if it does not fit.
 */
static int
substitute(const char *tmpl, const char *sub, size_t sublen, char *out,
    size_t outlen)
{
	const char *d = strstr(tmpl, "$1");
	size_t pre, post;

	if (d == NULL) {
		if (strlen(tmpl) >= outlen)
			return -1;
		strcpy(out, tmpl);
		return (int)strlen(out);
	}
	pre = (size_t)(d - tmpl);
	post = strlen(d + 2);
	if (pre + sublen + post >= outlen)
		return -1;
	memcpy(out, tmpl, pre);
	memcpy(out + pre, sub, sublen);
	memcpy(out + pre + sublen, d + 2, post + 1);
	return (int)(pre + sublen + post);
}

static int
flag_index(const char *s)
{
	int i;

	for (i = 0; i < NFLAGS; i++)
		if (strcmp(flag_names[i], s) == 0)
			return i;
	return -1;
}

/* Parse a positive integer in 1..MONTHS_MAX filling s[0..len). */
static int
parse_months(const char *s, size_t len)
{
	size_t i;
	int v = 0;

	if (len < 1 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= MONTHS_MAX ? v : -1;
}

/*
 * Check a value against its section: fills the rule's capture, months,
 * rome_id and wording.  Returns 0, or -1 after reporting the error.
 */
static int
check_value(struct load *ld, int line, struct rule *ru)
{
	char tmp[VALUE_MAX + 8];
	const char *v = ru->value, *star;
	size_t len = strlen(v);
	int i;

	ru->capture = strstr(v, "$1") != NULL;
	if (ru->capture && strstr(strstr(v, "$1") + 2, "$1") != NULL) {
		load_error(ld, line, "'$1' may appear once in a value");
		return -1;
	}
	if (ru->kind == -1) {
		if (strcmp(v, "required") == 0)
			ru->wording = WORDING_REQUIRED;
		else if (strcmp(v, "wished") == 0)
			ru->wording = WORDING_WISHED;
		else if (strcmp(v, "optional") == 0)
			ru->wording = WORDING_OPTIONAL;
		else {
			load_error(ld, line, "unknown wording '%s' (required, "
			    "wished or optional)", v);
			return -1;
		}
		return 0;
	}
	if (ru->capture && ru->kind != RULE_LICENCE &&
	    ru->kind != RULE_SKILL && ru->kind != RULE_DURATION) {
		load_error(ld, line, "'$1' is not allowed in [%s] values",
		    kind_names[ru->kind]);
		return -1;
	}
	switch (ru->kind) {
	case RULE_LICENCE:
		if (ru->capture) {
			/* The licence comes from the text: checked then. */
			if (len > 8) {
				load_error(ld, line, "licence template '%s' "
				    "too long", v);
				return -1;
			}
			return 0;
		}
		if (vocab_lookup(&vocab_licence, v, len) < 0) {
			load_error(ld, line, "unknown licence '%s'", v);
			return -1;
		}
		return 0;
	case RULE_SKILL:
		if (substitute(v, "x", 1, tmp, sizeof(tmp)) < 0 ||
		    !tag_valid(tmp, strlen(tmp))) {
			load_error(ld, line, "invalid skill tag '%s' "
			    "([a-z0-9][a-z0-9._-]*, at most %d characters)",
			    v, SKILL_MAX_LEN);
			return -1;
		}
		return 0;
	case RULE_ROME:
		if (len != ROME_CODE_LEN ||
		    (ru->rome_id = refdata_rome_id(ld->ref, v, len)) < 0) {
			load_error(ld, line, "unknown ROME code '%s'", v);
			return -1;
		}
		return 0;
	case RULE_FLAG:
		if (flag_index(v) < 0) {
			load_error(ld, line, "unknown flag '%s'", v);
			return -1;
		}
		return 0;
	case RULE_CONTRACT:
		if (vocab_lookup(&vocab_contract, v, len) < 0) {
			load_error(ld, line, "unknown contract '%s'", v);
			return -1;
		}
		return 0;
	case RULE_DURATION:
		if (strcmp(v, "$1") == 0) {
			ru->months = 1;
			return 0;
		}
		star = strchr(v, '*');
		if (ru->capture ? (star == NULL || strcmp(star, "*$1") != 0) :
		    star != NULL)
			i = -1;
		else
			i = parse_months(v, star != NULL ?
			    (size_t)(star - v) : len);
		if (i < 0) {
			load_error(ld, line, "duration must be N, $1 or N*$1 "
			    "with N months in 1..%d: '%s'", MONTHS_MAX, v);
			return -1;
		}
		ru->months = i;
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Pre-filter: literals that every match contains                      */
/* ------------------------------------------------------------------ */

/*
 * Most rules match few texts, and running some 200 patterns over a text
 * costs far more than looking once for their words.  So at load each
 * pattern is read for two sets of literals:
 *   - literals of which every match contains one ("permis" for most
 *     [licence] rules, "caces" or "r489"...): a rule none of whose
 *     literals is in the text is not run, it could not match;
 *   - when there are such, literals of which every match starts with one
 *     (its leading words): a rule that has them is tried, anchored, only
 *     where one of them is in the text, in text order, instead of being
 *     searched for over the whole text.  No match can start anywhere
 *     else, so the first match found is the one the search would find.
 * Each text is scanned once for all the literals of the set (see
 * prefilter_scan()).
 *
 * The reading is conservative: whatever it does not understand (options,
 * verbs, backreferences, conditionals, unusual escapes) gives no literal,
 * and the rule is searched for as it is written.  It tracks, for each part
 * of the pattern, the exact strings it can match when they are few
 * ("exige(?:e|s)?": exige, exigee, exiges), the literals every match
 * contains and those every match starts with.  A sequence takes the best
 * literals of its parts (the longest shortest literal, then the fewest),
 * an alternation the union of its branches'.  Literals are lower-case
 * ASCII, as the text is after normalisation; letters match caselessly, and
 * the only non-ASCII character that matches an ASCII letter caselessly and
 * survives rules_normalize() is the Kelvin sign U+212A (k): a text that
 * holds one runs every rule the plain way.
 *
 * \G: the first search of a rule "(?:first|\G(?!^)next)" starts at offset
 * 0, where \G(?!^) fails, and later searches only follow a match; so for
 * the literals, \G(?!^) matches nothing.  An anchored try at offset p would
 * make \G true at p, so the pattern tried at the leading literals is
 * compiled with each \G(?!^) replaced by (?!), which fails everywhere as
 * \G(?!^) does in a search from offset 0; a search that follows a match
 * tries the pattern as written at its offset first, then the leading
 * literals after it.  A pattern with any other \G is searched for as
 * written.
 *
 * When a pattern's matches have a longest length (bounded repeats only;
 * a character of a class counts 4 bytes), a try at a leading literal is
 * made only if one of the contained literals lies wholly within that many
 * bytes from it: "contrat" far from any "mois" is not tried for "CDD de
 * 6 mois".
 *
 * The match limit applies to each try, per start position as rules.h
 * says; the JIT counts it over a whole search instead.  So only a text on
 * which a plain search would have been abandoned at the limit can give
 * another result (a fact where the search gave up).
 */
#define LIT_SET_MAX	64	/* strings in one set */
#define LIT_LEN_MAX	24	/* bytes of one string */
#define LIT_DEPTH_MAX	32	/* nested groups */
#define LIT_CLASS_MAX	16	/* characters of a class kept exactly */
#define LIT_GPOS_MAX	16	/* \G(?!^) in one pattern */

struct litset {
	int		 n;		/* -1: unknown (anything) */
	unsigned char	 len[LIT_SET_MAX];
	char		 s[LIT_SET_MAX][LIT_LEN_MAX];
};

/*
 * What is known of a part of a pattern: exact, the strings it matches
 * (n -1: too many to list); anchor, literals of which each of its matches
 * contains one (n -1: none known, n 0: it never matches); prefix, strings
 * each of its matches starts with (n -1: unknown; may hold ""); empty, 0
 * if it never matches the empty string; maxlen, the most bytes a match
 * takes in a normalised text (-1: no bound).
 */
struct litinfo {
	struct litset	 exact;
	struct litset	 anchor;
	struct litset	 prefix;
	int		 empty;
	long		 maxlen;
};

/* Bounds beyond this count as none. */
#define LIT_MAXLEN_MAX	RULES_MAX_INPUT

struct litp {
	const char	*start, *p, *end;
	int		 depth;
	int		 bare_g;		/* a \G not followed by (?!^) */
	int		 ngpos;			/* -1: too many */
	size_t		 gpos[LIT_GPOS_MAX];	/* offsets of \G(?!^) */
};

static void
set_empty_string(struct litset *s)
{
	s->n = 1;
	s->len[0] = 0;
}

/* Add a string; 0, or -1 if it does not fit. */
static int
set_add(struct litset *s, const char *str, size_t len)
{
	int i;

	if (s->n < 0)
		return 0;
	if (len > LIT_LEN_MAX)
		return -1;
	for (i = 0; i < s->n; i++)
		if (s->len[i] == len && memcmp(s->s[i], str, len) == 0)
			return 0;
	if (s->n == LIT_SET_MAX)
		return -1;
	memcpy(s->s[s->n], str, len);
	s->len[s->n++] = (unsigned char)len;
	return 0;
}

/* a into out; -1 if either is unknown or it does not fit. */
static int
set_union(struct litset *out, const struct litset *a)
{
	int i;

	if (out->n < 0 || a->n < 0)
		return -1;
	for (i = 0; i < a->n; i++)
		if (set_add(out, a->s[i], a->len[i]) < 0)
			return -1;
	return 0;
}

/* Every string of a followed by every string of b; -1 if too many. */
static int
set_product(const struct litset *a, const struct litset *b,
    struct litset *out)
{
	char tmp[2 * LIT_LEN_MAX];
	int i, j;

	if (a->n < 0 || b->n < 0)
		return -1;
	out->n = 0;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++) {
			memcpy(tmp, a->s[i], a->len[i]);
			memcpy(tmp + a->len[i], b->s[j], b->len[j]);
			if (set_add(out, tmp, (size_t)a->len[i] +
			    b->len[j]) < 0)
				return -1;
		}
	return 0;
}

/* a = a x b, or a unchanged and -1 if that does not fit. */
static int
set_extend(struct litset *a, const struct litset *b)
{
	struct litset *t = xmalloc(sizeof(*t));
	int r;

	if ((r = set_product(a, b, t)) == 0)
		*a = *t;
	free(t);
	return r;
}

/* 1 if n occurs in h (as a prefix only: at_start). */
static int
lit_in(const char *h, size_t hl, const char *n, size_t nl, int at_start)
{
	size_t i;

	for (i = 0; i + nl <= hl; i++) {
		if (memcmp(h + i, n, nl) == 0)
			return 1;
		if (at_start)
			break;
	}
	return 0;
}

/*
 * Drop the strings that contain another one (that start with another
 * one: prefixes): the shorter one suffices.
 */
static void
set_reduce(struct litset *s, int prefixes)
{
	int i, j, k = 0, drop;

	for (i = 0; i < s->n; i++) {
		drop = 0;
		for (j = 0; j < s->n && !drop; j++)
			drop = s->len[j] < s->len[i] && lit_in(s->s[i],
			    s->len[i], s->s[j], s->len[j], prefixes);
		if (drop)
			continue;
		if (k != i) {
			memcpy(s->s[k], s->s[i], s->len[i]);
			s->len[k] = s->len[i];
		}
		k++;
	}
	if (s->n > 0)
		s->n = k;
}

/* A set usable as literals: known, without the empty string. */
static int
set_usable(const struct litset *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->len[i] == 0)
			return 0;
	return s->n >= 0;
}

static int
set_minlen(const struct litset *s)
{
	int i, m = LIT_LEN_MAX;

	for (i = 0; i < s->n; i++)
		if (s->len[i] < m)
			m = s->len[i];
	return m;
}

/*
 * 1 if a is better literals than b: usable; never matching beats all;
 * then the longer shortest literal (counted up to 6 bytes: "proprete"
 * is not much rarer than "agent"), then fewer literals.
 */
static int
set_better(const struct litset *a, const struct litset *b)
{
	int ma, mb;

	if (!set_usable(a))
		return 0;
	if (!set_usable(b))
		return 1;
	if (a->n == 0 || b->n == 0)
		return a->n == 0 && b->n != 0;
	ma = set_minlen(a) < 6 ? set_minlen(a) : 6;
	mb = set_minlen(b) < 6 ? set_minlen(b) : 6;
	if (ma != mb)
		return ma > mb;
	return a->n < b->n;
}

/* Keep cand (reduced) in best if it is better. */
static void
set_consider(struct litset *best, const struct litset *cand)
{
	struct litset *c = xmalloc(sizeof(*c));

	*c = *cand;
	set_reduce(c, 0);
	if (set_better(c, best))
		*best = *c;
	free(c);
}

/* The best literals of a part: its anchor or its exact strings. */
static void
lit_best(const struct litinfo *in, struct litset *out)
{
	*out = in->anchor;
	if (in->exact.n >= 0)
		set_consider(out, &in->exact);
}

/*
 * Nothing known of a character (up to 4 bytes of UTF-8), or of more
 * (maxlen -1).
 */
static void
info_unknown(struct litinfo *out, long maxlen)
{
	out->exact.n = -1;
	out->anchor.n = -1;
	out->prefix.n = -1;
	out->empty = 0;
	out->maxlen = maxlen;
}

static void
info_zero_width(struct litinfo *out)
{
	set_empty_string(&out->exact);
	out->anchor.n = -1;
	set_empty_string(&out->prefix);
	out->empty = 1;
	out->maxlen = 0;
}

/* One character of the pattern, or a class of them (chars[0..n)). */
static void
info_chars(struct litinfo *out, const char *chars, int n)
{
	int i;

	out->exact.n = 0;
	out->anchor.n = -1;
	for (i = 0; i < n; i++) {
		/*
		 * Control characters other than a new line are never in a
		 * normalised text, nor NUL bytes in a literal: unknown.
		 */
		if ((chars[i] >= 0 && chars[i] < 0x20 && chars[i] != '\n') ||
		    chars[i] == 0x7f || (unsigned char)chars[i] >= 0x80) {
			info_unknown(out, 4);
			return;
		}
		(void)set_add(&out->exact, chars + i, 1);
	}
	out->prefix = out->exact;
	out->empty = 0;
	/*
	 * One byte: an ASCII letter matches another character caselessly
	 * only as the Kelvin sign, and then places are not used.
	 */
	out->maxlen = 1;
}

static void
info_char(struct litinfo *out, int c)
{
	char ch = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);

	info_chars(out, &ch, 1);
}

static int	lit_alt(struct litp *, struct litinfo *);

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/*
 * The escape at lp->p (the backslash) that stands for one character:
 * returns the character (ASCII), 256 for a class of characters (\d, \s,
 * \p{..}, a non-ASCII \x{..}), 257 for \R and \X (more than one
 * character), or -1 for anything else.
 */
static int
lit_escape_char(struct litp *lp)
{
	const char *p = lp->p + 1;
	int c, v = 0, d, n = 0;

	if (p >= lp->end)
		return -1;
	c = (unsigned char)*p++;
	lp->p = p;
	if (c == 'R' || c == 'X')
		return 257;
	if (c != '\0' && strchr("dDwWsShHvV", c) != NULL)
		return 256;
	switch (c) {
	case 'n':
		return '\n';
	case 'p':
	case 'P':
		if (p < lp->end && *p == '{') {
			while (p < lp->end && *p != '}')
				p++;
			if (p == lp->end)
				return -1;
			p++;
		} else if (p < lp->end)
			p++;
		lp->p = p;
		return 256;
	case 'x':
		if (p < lp->end && *p == '{') {
			for (p++; p < lp->end && (d = hexval(*p)) >= 0 &&
			    n < 8; p++, n++)
				v = v * 16 + d;
			if (p == lp->end || *p != '}' || n == 0)
				return -1;
			p++;
		} else
			for (; p < lp->end && n < 2 &&
			    (d = hexval(*p)) >= 0; p++, n++)
				v = v * 16 + d;
		lp->p = p;
		return v > 0 && v < 0x80 ? v : 256;
	}
	if (c < 0x80 && !(c >= '0' && c <= '9') && !((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z'))
		return c;
	return -1;
}

/* Skip one UTF-8 character at lp->p. */
static void
lit_skip_char(struct litp *lp)
{
	lp->p++;
	while (lp->p < lp->end && ((unsigned char)*lp->p & 0xc0) == 0x80)
		lp->p++;
}

/* One member of a class: a character, 256 for several, -1 error. */
static int
lit_class_member(struct litp *lp)
{
	const char *q;
	int c = (unsigned char)*lp->p;

	if (c == '\\')
		return (c = lit_escape_char(lp)) == 257 ? -1 : c;
	if (c == '[' && lp->p + 1 < lp->end && lp->p[1] == ':') {
		q = strstr(lp->p + 2, ":]");
		if (q == NULL || q + 2 > lp->end)
			return -1;
		lp->p = q + 2;
		return 256;
	}
	if (c >= 0x80) {
		lit_skip_char(lp);
		return 256;
	}
	lp->p++;
	return c;
}

/* A character class, lp->p after its '['. */
static int
lit_class(struct litp *lp, struct litinfo *out)
{
	unsigned char in[128];
	char chars[LIT_CLASS_MAX];
	int neg = 0, any = 0, first = 1, lo, hi, c, n = 0;

	memset(in, 0, sizeof(in));
	if (lp->p < lp->end && *lp->p == '^') {
		neg = 1;
		lp->p++;
	}
	for (;;) {
		if (lp->p >= lp->end)
			return -1;
		if (*lp->p == ']' && !first) {
			lp->p++;
			break;
		}
		first = 0;
		if ((lo = lit_class_member(lp)) < 0)
			return -1;
		hi = lo;
		if (lp->p + 1 < lp->end && *lp->p == '-' && lp->p[1] != ']') {
			lp->p++;
			if ((hi = lit_class_member(lp)) < 0 || lo == 256)
				return -1;
		}
		if (lo == 256 || hi == 256) {
			any = 1;
			continue;
		}
		for (c = lo; c <= hi; c++)
			in[c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c] = 1;
	}
	for (c = 0; c < 128 && !neg && !any; c++)
		if (in[c] && (any = n == LIT_CLASS_MAX) == 0)
			chars[n++] = (char)c;
	if (neg || any)
		info_unknown(out, 4);
	else
		info_chars(out, chars, n);
	return 0;
}

/* A group, lp->p after its '('. */
static int
lit_group(struct litp *lp, struct litinfo *out)
{
	const char *p = lp->p;
	int look = 0, r;

	if (p < lp->end && *p == '?') {
		if (p + 1 >= lp->end)
			return -1;
		if (p[1] == ':' || p[1] == '|' || p[1] == '>')
			p += 2;
		else if (p[1] == '=' || p[1] == '!') {
			look = 1;
			p += 2;
		} else if (p[1] == '<' && p + 2 < lp->end &&
		    (p[2] == '=' || p[2] == '!')) {
			look = 1;
			p += 3;
		} else if (p[1] == '<' || p[1] == '\'' || (p[1] == 'P' &&
		    p + 2 < lp->end && p[2] == '<')) {
			/* A named group: (?<name>, (?'name', (?P<name>. */
			p += p[1] == 'P' ? 3 : 2;
			while (p < lp->end && *p != '>' && *p != '\'')
				p++;
			if (p == lp->end)
				return -1;
			p++;
		} else
			return -1;	/* options, conditions, recursion */
	} else if (p < lp->end && *p == '*')
		return -1;		/* verbs */
	lp->p = p;
	if (++lp->depth > LIT_DEPTH_MAX)
		return -1;
	r = lit_alt(lp, out);
	lp->depth--;
	if (r < 0 || lp->p >= lp->end || *lp->p != ')')
		return -1;
	lp->p++;
	if (look)
		info_zero_width(out);
	return 0;
}

/* A quantifier at lp->p, if any: 1 with min and max (-1: no limit). */
static int
lit_quantifier(struct litp *lp, int *min, int *max)
{
	const char *p = lp->p;

	if (p >= lp->end)
		return 0;
	switch (*p) {
	case '?':
		*min = 0;
		*max = 1;
		break;
	case '*':
		*min = 0;
		*max = -1;
		break;
	case '+':
		*min = 1;
		*max = -1;
		break;
	case '{':
		for (p++, *min = 0; p < lp->end && *p >= '0' && *p <= '9' &&
		    *min < 100000; p++)
			*min = *min * 10 + (*p - '0');
		if (p == lp->p + 1)
			return -1;	/* "{,n}" or a literal '{' */
		*max = *min;
		if (p < lp->end && *p == ',') {
			p++;
			*max = -1;
			if (p < lp->end && *p >= '0' && *p <= '9')
				for (*max = 0; p < lp->end && *p >= '0' &&
				    *p <= '9' && *max < 100000; p++)
					*max = *max * 10 + (*p - '0');
		}
		if (p >= lp->end || *p != '}')
			return -1;
		lp->p = p;
		break;
	default:
		return 0;
	}
	lp->p++;
	if (lp->p < lp->end && (*lp->p == '?' || *lp->p == '+'))
		lp->p++;		/* lazy, possessive */
	return 1;
}

/* x repeated {min, max} times. */
static void
lit_repeat(struct litinfo *x, int min, int max)
{
	struct litset *e;
	int i;

	if (min == 1 && max == 1)
		return;
	if (x->maxlen >= 0 && max >= 0 && x->maxlen * max <= LIT_MAXLEN_MAX)
		x->maxlen *= max;
	else
		x->maxlen = -1;
	if (min == 0) {
		x->empty = 1;
		x->anchor.n = -1;
		if (max == 0)
			info_zero_width(x);
		else if (max == 1 && x->exact.n >= 0 &&
		    set_add(&x->exact, "", 0) == 0)
			x->prefix = x->exact;
		else
			x->exact.n = -1;	/* prefix: x's, or empty */
		return;
	}
	e = xmalloc(sizeof(*e));
	lit_best(x, e);
	x->anchor = *e;
	if (min == max && x->exact.n >= 0) {
		*e = x->exact;
		for (i = 1; i < min && e->n >= 0; i++)
			if (set_extend(e, &x->exact) < 0)
				e->n = -1;
		x->exact = *e;
		if (e->n >= 0)
			x->prefix = *e;
	} else
		x->exact.n = -1;
	free(e);
}

/* \b, \B, \A, \z, \Z, \G at lp->p: zero width, and \G(?!^) noted. */
static void
lit_assertion(struct litp *lp, struct litinfo *out)
{
	int g = lp->p[1] == 'G';

	lp->p += 2;
	info_zero_width(out);
	if (!g)
		return;
	if (lp->end - lp->p < 5 || memcmp(lp->p, "(?!^)", 5) != 0) {
		lp->bare_g = 1;
		return;
	}
	/* Never true in a search from offset 0: matches nothing. */
	if (lp->ngpos >= 0 && lp->ngpos < LIT_GPOS_MAX)
		lp->gpos[lp->ngpos++] = (size_t)(lp->p - 2 - lp->start);
	else
		lp->ngpos = -1;
	lp->p += 5;
	out->exact.n = 0;
	out->anchor.n = 0;
	out->prefix.n = 0;
	out->empty = 0;
	out->maxlen = 0;
}

/* One atom and its quantifiers. */
static int
lit_atom(struct litp *lp, struct litinfo *out)
{
	int c = (unsigned char)*lp->p, min, max, q;

	switch (c) {
	case '(':
		lp->p++;
		if (lit_group(lp, out) < 0)
			return -1;
		break;
	case '[':
		lp->p++;
		if (lit_class(lp, out) < 0)
			return -1;
		break;
	case '\\':
		if (lp->p + 1 < lp->end && lp->p[1] != '\0' &&
		    strchr("bBAzZG", lp->p[1]) != NULL) {
			lit_assertion(lp, out);
			break;
		}
		if ((c = lit_escape_char(lp)) < 0)
			return -1;
		if (c >= 256)
			info_unknown(out, c == 256 ? 4 : -1);
		else
			info_char(out, c);
		break;
	case '.':
		lp->p++;
		info_unknown(out, 4);
		break;
	case '^':
	case '$':
		lp->p++;
		info_zero_width(out);
		break;
	case '*':
	case '+':
	case '?':
	case '{':
	case ')':
	case '|':
		return -1;
	default:
		if (c >= 0x80) {
			lit_skip_char(lp);
			info_unknown(out, 4);
		} else {
			lp->p++;
			info_char(out, c);
		}
		break;
	}
	while ((q = lit_quantifier(lp, &min, &max)) == 1)
		lit_repeat(out, min, max);
	return q;
}

/* A sequence of atoms, up to '|', ')' or the end. */
static int
lit_seq(struct litp *lp, struct litinfo *out)
{
	struct {
		struct litinfo	 item;
		struct litset	 cur, tmp, best, open, closed;
	} *w = xmalloc(sizeof(*w));
	int exact = 1, empty = 1, r = 0;
	long maxlen = 0;

	set_empty_string(&w->cur);
	set_empty_string(&w->open);
	w->closed.n = 0;
	w->best.n = -1;
	while (lp->p < lp->end && *lp->p != '|' && *lp->p != ')') {
		if ((r = lit_atom(lp, &w->item)) < 0)
			break;
		empty = empty && w->item.empty;
		if (maxlen >= 0 && w->item.maxlen >= 0 &&
		    maxlen + w->item.maxlen <= LIT_MAXLEN_MAX)
			maxlen += w->item.maxlen;
		else
			maxlen = -1;
		/*
		 * Prefixes: open, what the parts so far match exactly (each
		 * string extended by the next part), and closed, prefixes
		 * that cannot be extended: an open string followed by the
		 * prefix of a part that is not exact (or alone, when that
		 * part's prefix is unknown).  A part that may be empty
		 * leaves the open strings open as well.
		 */
		if (w->open.n > 0 && w->item.exact.n >= 0) {
			if (set_extend(&w->open, &w->item.exact) < 0) {
				if (set_union(&w->closed, &w->open) < 0)
					w->closed.n = -1;
				w->open.n = 0;
			}
		} else if (w->open.n > 0) {
			if (set_product(&w->open, &w->item.prefix,
			    &w->tmp) < 0)
				w->tmp = w->open;
			if (set_union(&w->closed, &w->tmp) < 0)
				w->closed.n = -1;
			if (!w->item.empty)
				w->open.n = 0;
		}
		/* Exact strings, and the best literals of the parts. */
		if (w->item.exact.n >= 0) {
			if (set_product(&w->cur, &w->item.exact, &w->tmp) == 0)
				w->cur = w->tmp;
			else {
				set_consider(&w->best, &w->cur);
				w->cur = w->item.exact;
				exact = 0;
			}
			continue;
		}
		set_consider(&w->best, &w->cur);
		lit_best(&w->item, &w->tmp);
		set_consider(&w->best, &w->tmp);
		set_empty_string(&w->cur);
		exact = 0;
	}
	if (r == 0) {
		set_consider(&w->best, &w->cur);
		out->exact = w->cur;
		if (!exact)
			out->exact.n = -1;
		out->anchor = w->best;
		out->prefix = w->closed;
		if (set_union(&out->prefix, &w->open) < 0)
			out->prefix.n = -1;
		out->empty = empty;
		out->maxlen = maxlen;
	}
	free(w);
	return r;
}

/* Alternatives, up to ')' or the end. */
static int
lit_alt(struct litp *lp, struct litinfo *out)
{
	struct {
		struct litinfo	 br;
		struct litset	 lits;
	} *w = xmalloc(sizeof(*w));
	int r;

	if ((r = lit_seq(lp, out)) == 0) {
		lit_best(out, &out->anchor);
		while (lp->p < lp->end && *lp->p == '|') {
			lp->p++;
			if ((r = lit_seq(lp, &w->br)) < 0)
				break;
			if (set_union(&out->exact, &w->br.exact) < 0)
				out->exact.n = -1;
			if (set_union(&out->prefix, &w->br.prefix) < 0)
				out->prefix.n = -1;
			out->empty = out->empty || w->br.empty;
			if (out->maxlen >= 0 && (w->br.maxlen < 0 ||
			    w->br.maxlen > out->maxlen))
				out->maxlen = w->br.maxlen;
			lit_best(&w->br, &w->lits);
			if (!set_usable(&w->lits) ||
			    set_union(&out->anchor, &w->lits) < 0)
				out->anchor.n = -1;
		}
		set_reduce(&out->anchor, 0);
	}
	free(w);
	return r;
}

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
static int
pattern_literals(const char *pat, size_t len, struct litresult *out)
{
	struct litp lp;
	struct litinfo *root;
	const char *q;
	int r;

	memset(&lp, 0, sizeof(lp));
	lp.start = lp.p = pat;
	lp.end = pat + len;
	out->lits.n = out->prefix.n = -1;
	out->maxlen = -1;
	out->ngpos = 0;
	/* Start-of-pattern options: (*NO_JIT), (*LIMIT_MATCH=n), ... */
	while (lp.end - lp.p > 3 && lp.p[0] == '(' && lp.p[1] == '*' &&
	    lp.p[2] >= 'A' && lp.p[2] <= 'Z') {
		for (q = lp.p + 2; q < lp.end && ((*q >= 'A' && *q <= 'Z') ||
		    *q == '_' || *q == '=' || (*q >= '0' && *q <= '9')); q++)
			;
		if (q == lp.end || *q != ')')
			return -1;
		lp.p = q + 1;
	}
	root = xmalloc(sizeof(*root));
	r = lit_alt(&lp, root);
	if (r == 0 && lp.p == lp.end) {
		lit_best(root, &out->lits);
		/* Leading literals are contained literals too. */
		set_consider(&out->lits, &root->prefix);
		out->prefix = root->prefix;
		set_reduce(&out->prefix, 1);
		if (!set_usable(&out->prefix) || lp.bare_g || lp.ngpos < 0 ||
		    !set_usable(&out->lits))
			out->prefix.n = -1;
		out->ngpos = lp.ngpos < 0 ? 0 : lp.ngpos;
		out->maxlen = root->maxlen;
		memcpy(out->gpos, lp.gpos, sizeof(out->gpos));
		r = set_usable(&out->lits) ? 0 : -1;
		if (r < 0)
			out->lits.n = -1;
	} else
		r = -1;
	free(root);
	return r;
}

/* A set as NUL-terminated strings one after the other; *n -1 if none. */
static void
lits_store(const struct litset *s, int *n, char **out)
{
	size_t total = 1, o = 0;
	int i;

	*n = s->n;
	*out = NULL;
	if (s->n < 0)
		return;
	for (i = 0; i < s->n; i++)
		total += s->len[i] + 1u;
	*out = xmalloc(total);
	for (i = 0; i < s->n; i++) {
		memcpy(*out + o, s->s[i], s->len[i]);
		o += s->len[i];
		(*out)[o++] = '\0';
	}
	(*out)[o] = '\0';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* n strings of lits, sorted and joined with '|', into buf. */
static void
lits_join(const char *lits, int n, char *buf, size_t buflen)
{
	const char *l, *v[LIT_SET_MAX];
	size_t o = 0, k;
	int i;

	if (buflen > 0)
		buf[0] = '\0';
	for (i = 0, l = lits; i < n && i < LIT_SET_MAX; i++, l += strlen(l) + 1)
		v[i] = l;
	if (n > 0)
		qsort(v, (size_t)i, sizeof(v[0]), cmp_str);
	for (n = i, i = 0; i < n; i++) {
		k = strlen(v[i]);
		if (o + k + 2 > buflen)
			break;
		if (i > 0)
			buf[o++] = '|';
		memcpy(buf + o, v[i], k + 1);
		o += k;
	}
}

int
rules_pattern_literals(const char *pattern, char *buf, size_t buflen,
    char *prefix, size_t prefixlen)
{
	struct litresult *lr = xmalloc(sizeof(*lr));
	char *norm, *lits, *pre;
	size_t len = strlen(pattern);
	int n, np;

	norm = xmalloc(len + 1);
	len = normalize(pattern, len, norm, len + 1, NULL, 0, NULL);
	(void)pattern_literals(norm, len, lr);
	free(norm);
	lits_store(&lr->lits, &n, &lits);
	lits_store(&lr->prefix, &np, &pre);
	lits_join(lits, n, buf, buflen);
	if (prefix != NULL)
		lits_join(pre, np, prefix, prefixlen);
	free(lits);
	free(pre);
	free(lr);
	return n;
}

/*
 * 1 if code has JIT code, for pcre2_jit_match() ((*NO_JIT) compiles
 * "successfully" to none).
 */
static int
has_jit(const pcre2_code *code)
{
	size_t size = 0;

	return code != NULL && pcre2_pattern_info(code, PCRE2_INFO_JITSIZE,
	    &size) == 0 && size > 0;
}

/*
 * ASCII texts.  Most normalised texts are ASCII only (accents are
 * folded), and on such a text a pattern that is ASCII too matches the
 * same without UTF and UCP: \w, \d, \s, \b and the POSIX classes agree
 * on ASCII characters, caseless ASCII letters only match other ASCII
 * letters there (the Kelvin sign and the long s are not ASCII), and a
 * pattern that names a character beyond 0xff with ASCII escapes does not
 * compile without UTF.  That code runs several times faster: UTF look-
 * behinds step back character by character, and UCP classes look up
 * properties.  So each pattern is also compiled that way, into c[1],
 * when it can be; c[0] is the code for every text.  JIT-compiled.
 * Returns 0, or -1 with the error of the code for every text.
 */
static int
codes_compile(struct rule_code *c, const char *pat, size_t len,
    uint32_t extra, pcre2_compile_context *cctx, int *errcode,
    PCRE2_SIZE *erroff)
{
	PCRE2_SIZE off;
	size_t i;
	int code, k;

	c[0].code = pcre2_compile((PCRE2_SPTR)pat, len, RULES_PCRE2_OPTIONS |
	    extra, errcode, erroff, cctx);
	c[1].code = NULL;
	if (c[0].code == NULL)
		return -1;
	for (i = 0; i < len && (unsigned char)pat[i] < 0x80; i++)
		;
	if (i == len)
		c[1].code = pcre2_compile((PCRE2_SPTR)pat, len,
		    PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C | extra, &code,
		    &off, cctx);
	for (k = 0; k < 2; k++) {
		if (c[k].code != NULL)
			(void)pcre2_jit_compile(c[k].code,
			    PCRE2_JIT_COMPLETE);
		c[k].jit = has_jit(c[k].code);
	}
	return 0;
}

static void
codes_free(struct rule_code *c)
{
	pcre2_code_free(c[0].code);
	pcre2_code_free(c[1].code);
	c[0].code = c[1].code = NULL;
}

/*
 * The pattern as tried at its leading literals: each \G(?!^) replaced by
 * (?!) (see above), into a new string of *olen bytes.
 */
static char *
anchored_variant(const char *pat, size_t len, const struct litresult *lr,
    size_t *olen)
{
	char *v = xmalloc(len + 1);
	size_t i = 0, o = 0;
	int k;

	for (k = 0; k < lr->ngpos; k++) {
		memcpy(v + o, pat + i, lr->gpos[k] - i);
		o += lr->gpos[k] - i;
		memcpy(v + o, "(?!)", 4);
		o += 4;
		i = lr->gpos[k] + 7;		/* \G(?!^) */
	}
	memcpy(v + o, pat + i, len - i);
	*olen = o + len - i;
	return v;
}

/*
 * The pre-filter's view of a compiled rule: its literals, and when it has
 * leading literals, the anchored code tried at them (and for \G(?!^), the
 * pattern as written, anchored, for the offset a later search starts at).
 */
static void
rule_literals(struct rule *ru, const char *pat, size_t len,
    pcre2_compile_context *cctx)
{
	struct litresult *lr = xmalloc(sizeof(*lr));
	size_t vlen;
	PCRE2_SIZE erroff;
	int errcode;
	char *v;

	(void)pattern_literals(pat, len, lr);
	lits_store(&lr->lits, &ru->nlits, &ru->lits);
	ru->maxlen = lr->lits.n >= 0 ? lr->maxlen : -1;
	ru->npre = -1;
	ru->pre = NULL;
	if (lr->prefix.n > 0) {
		v = anchored_variant(pat, len, lr, &vlen);
		(void)codes_compile(ru->acode, v, vlen, PCRE2_ANCHORED, cctx,
		    &errcode, &erroff);
		free(v);
		if (lr->ngpos > 0)
			(void)codes_compile(ru->gcode, pat, len,
			    PCRE2_ANCHORED, cctx, &errcode, &erroff);
		if (ru->acode[0].code != NULL && (lr->ngpos == 0 ||
		    ru->gcode[0].code != NULL))
			lits_store(&lr->prefix, &ru->npre, &ru->pre);
		else {
			codes_free(ru->acode);
			codes_free(ru->gcode);
		}
	}
	free(lr);
}

/* The key of a literal or of text at a position: up to 3 bytes, and n. */
static uint32_t
lit_key(const unsigned char *s, int n)
{
	uint32_t k = (uint32_t)n << 24 | (uint32_t)s[0] << 16;

	if (n > 1)
		k |= (uint32_t)s[1] << 8;
	if (n > 2)
		k |= s[2];
	return k;
}

static uint32_t
hash3(uint32_t k)
{
	return ((k & 0xffffff) * 2654435761u) >> 16;
}

static uint32_t
slot_hash(const struct prefilter *pf, uint32_t k)
{
	return (k * 2654435761u) >> pf->shift;
}

/* One literal of one rule, while building the tables. */
struct lit_entry {
	const char	*s;
	int		 len;
	uint32_t	 key;
	int		 rule;
	int		 lead;		/* a leading literal, else contained */
	int		 lit;		/* its index in pf->lits */
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct lit_entry *x = a, *y = b;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if ((c = memcmp(x->s, y->s, (size_t)(x->len < y->len ? x->len :
	    y->len))) != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->lead != y->lead)
		return x->lead - y->lead;
	return x->rule - y->rule;
}

#define BIT_SET(a, i)	((a)[(i) >> 6] |= (uint64_t)1 << ((i) & 63))
#define BIT_ISSET(a, i)	(((a)[(i) >> 6] >> ((i) & 63)) & 1)

static const struct rule *
rule_at(const struct rules *r, int i)
{
	return i < r->nrules ? &r->rules[i] : &r->wording[i - r->nrules];
}

/* Entries for the literals of every rule into e (NULL: count them). */
static size_t
lit_entries(const struct rules *r, struct lit_entry *e)
{
	const struct rule *ru;
	const char *l;
	size_t k = 0;
	int i, j, lead, n;

	for (i = 0; i < r->nrules + r->nwording; i++) {
		ru = rule_at(r, i);
		for (lead = 0; lead < 2; lead++) {
			n = lead ? ru->npre : ru->nlits;
			l = lead ? ru->pre : ru->lits;
			for (j = 0; j < n; j++, l += strlen(l) + 1, k++) {
				if (e == NULL)
					continue;
				e[k].s = l;
				e[k].len = (int)strlen(l);
				e[k].key = lit_key((const unsigned char *)l,
				    e[k].len < 3 ? e[k].len : 3);
				e[k].rule = i;
				e[k].lead = lead;
			}
		}
	}
	return k;
}

/*
 * The tables of the pre-filter: every (literal, rule) pair sorted by
 * literal, merged into distinct literals with the rules they let run, and
 * for each rule the indexes of its contained and of its leading literals;
 * the literals of 2 bytes or more found by their first bytes through a
 * hash table, with a bitmap in front of it for 2 bytes and one for 3 or
 * more; the 1-byte ones listed.
 */
static void
prefilter_build(struct rules *r)
{
	struct prefilter *pf = xcalloc(1, sizeof(*pf));
	struct lit_entry *e;
	const struct rule *ru;
	struct lit *l;
	size_t ne, k;
	uint32_t h, size = 16;
	int i, j, m, n = r->nrules + r->nwording, nkeys = 0;

	r->pf = pf;
	pf->nwords = (n + 63) / 64;
	pf->always = xcalloc((size_t)pf->nwords + 1, sizeof(uint64_t));
	for (i = 0; i < n; i++)
		if (rule_at(r, i)->nlits < 0)
			BIT_SET(pf->always, i);
	ne = lit_entries(r, NULL);
	e = xcalloc(ne + 1, sizeof(*e));
	(void)lit_entries(r, e);
	qsort(e, ne, sizeof(*e), cmp_entry);
	pf->lits = xcalloc(ne + 1, sizeof(*pf->lits));
	pf->ids = xcalloc(ne + 1, sizeof(*pf->ids));
	for (i = 0; i < 2; i++) {
		pf->rfirst[i] = xcalloc((size_t)n + 1, sizeof(int));
		pf->rcount[i] = xcalloc((size_t)n + 1, sizeof(int));
		pf->rlits[i] = xcalloc(ne + 1, sizeof(int));
	}
	for (k = 0, m = 0; k < ne; k++) {
		if (k == 0 || e[k].len != e[k - 1].len ||
		    memcmp(e[k].s, e[k - 1].s, (size_t)e[k].len) != 0) {
			l = &pf->lits[pf->nlits++];
			l->s = e[k].s;
			l->len = e[k].len;
			l->key = e[k].key;
			l->first = m;
			if (pf->nlits == 1 || l[-1].key != l->key)
				nkeys++;
		}
		e[k].lit = pf->nlits - 1;
		if (!e[k].lead) {
			pf->ids[m++] = e[k].rule;
			pf->lits[e[k].lit].count++;
		}
		/*
		 * Places are kept for leading literals, and for the
		 * contained literals of a rule tried at leading literals
		 * that has a longest match: see search().
		 */
		ru = rule_at(r, e[k].rule);
		if ((e[k].lead || (ru->npre >= 0 && ru->maxlen >= 0)) &&
		    e[k].len > 1)
			pf->lits[e[k].lit].places = 1;
	}
	/* Each rule's literals of both kinds, rule by rule. */
	for (k = 0; k < ne; k++)
		pf->rcount[e[k].lead][e[k].rule]++;
	for (j = 0; j < 2; j++)
		for (i = 0, m = 0; i < n; i++) {
			pf->rfirst[j][i] = m;
			m += pf->rcount[j][i];
			pf->rcount[j][i] = 0;
		}
	for (k = 0; k < ne; k++) {
		j = e[k].lead;
		pf->rlits[j][pf->rfirst[j][e[k].rule] +
		    pf->rcount[j][e[k].rule]++] = e[k].lit;
	}
	free(e);
	for (pf->shift = 28; size < 2u * (uint32_t)nkeys; pf->shift--)
		size *= 2;
	pf->slots = xcalloc(size, sizeof(*pf->slots));
	pf->ones = xcalloc((size_t)pf->nlits + 1, sizeof(int));
	pf->mask = size - 1;
	for (i = 0; i < pf->nlits; i = m) {
		for (m = i + 1; m < pf->nlits && pf->lits[m].key ==
		    pf->lits[i].key; m++)
			;
		h = slot_hash(pf, pf->lits[i].key);
		while (pf->slots[h].key != 0)
			h = (h + 1) & pf->mask;
		pf->slots[h].key = pf->lits[i].key;
		pf->slots[h].first = i;
		pf->slots[h].count = m - i;
		switch (pf->lits[i].len < 3 ? pf->lits[i].len : 3) {
		case 1:
			if (pf->lits[i].count > 0)
				pf->ones[pf->nones++] = i;
			break;
		case 2:
			BIT_SET(pf->bits2, (pf->lits[i].key >> 8) & 0xffff);
			break;
		default:
			BIT_SET(pf->bits3, hash3(pf->lits[i].key));
			break;
		}
	}
}

static void
prefilter_free(struct prefilter *pf)
{
	int i;

	if (pf == NULL)
		return;
	free(pf->lits);
	free(pf->ids);
	free(pf->always);
	for (i = 0; i < 2; i++) {
		free(pf->rfirst[i]);
		free(pf->rcount[i]);
		free(pf->rlits[i]);
	}
	free(pf->slots);
	free(pf->ones);
	free(pf);
}

/*
 * Compile the pattern of one rule.  Accents in the pattern are folded as
 * the text's are (ASCII is left alone).  Errors give the byte offset in
 * the pattern as written.
 */
static int
compile_rule(struct load *ld, int line, struct rule *ru, const char *pat,
    size_t patlen)
{
	char *norm;
	uint32_t *map, caps;
	unsigned char msg[256];
	PCRE2_SIZE erroff;
	size_t n, off;
	int errcode;

	norm = xmalloc(patlen + 1);
	map = xmalloc((patlen + 1) * sizeof(*map));
	n = normalize(pat, patlen, norm, patlen + 1, map, 0, NULL);
	if (codes_compile(ru->code, norm, n, 0, ld->cctx, &errcode,
	    &erroff) < 0) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			(void)snprintf((char *)msg, sizeof(msg), "error %d",
			    errcode);
		off = erroff < n ? map[erroff] : patlen;
		load_error(ld, line, "%s at offset %zu", (char *)msg, off);
		free(norm);
		free(map);
		return -1;
	}
	free(map);
	if (ru->capture) {
		if (pcre2_pattern_info(ru->code[0].code,
		    PCRE2_INFO_CAPTURECOUNT, &caps) != 0 || caps < 1) {
			load_error(ld, line, "'$1' needs a capturing group in "
			    "the pattern");
			free(norm);
			return -1;
		}
	}
	rule_literals(ru, norm, n, ld->cctx);
	free(norm);
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

static int
section_kind(const char *name, int *kind)
{
	int i;

	if (strcmp(name, "wording") == 0) {
		*kind = -1;
		return 0;
	}
	for (i = 0; i < RULE_KINDS; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = i;
			return 0;
		}
	return -1;
}

static void
push_rule(struct rule **arr, int *n, int *cap, const struct rule *ru)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*arr = xreallocarray(*arr, (size_t)*cap, sizeof(**arr));
	}
	(*arr)[(*n)++] = *ru;
}

static void
free_rule_array(struct rule *arr, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		codes_free(arr[i].code);
		codes_free(arr[i].acode);
		codes_free(arr[i].gcode);
		free(arr[i].lits);
		free(arr[i].pre);
	}
	free(arr);
}

/* Parse one line (already trimmed, not blank nor a comment). */
static void
load_line(struct load *ld, struct rules *r, int line, char *s,
    int *kind, int *in_section, int *caps, int *wcaps)
{
	struct rule ru;
	char *eq, *value, *pat;
	size_t len = strlen(s);
	uint32_t pairs;

	if (s[0] == '[') {
		if (s[len - 1] != ']') {
			load_error(ld, line, "missing ']' after section name");
			*in_section = -1;
			return;
		}
		s[len - 1] = '\0';
		value = trim(s + 1);
		if (section_kind(value, kind) < 0) {
			load_error(ld, line, "unknown section [%s]", value);
			*in_section = -1;	/* its rules are not checked */
			return;
		}
		*in_section = 1;
		return;
	}
	if (*in_section == -1)
		return;
	if (*in_section == 0) {
		load_error(ld, line, "rule outside a section");
		return;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		load_error(ld, line, "missing '=' between value and pattern");
		return;
	}
	*eq = '\0';
	value = trim(s);
	pat = trim(eq + 1);
	if (*value == '\0') {
		load_error(ld, line, "missing value before '='");
		return;
	}
	if (*pat == '\0') {
		load_error(ld, line, "missing pattern after '='");
		return;
	}
	if (strlen(value) > VALUE_MAX) {
		load_error(ld, line, "value too long (at most %d bytes)",
		    VALUE_MAX);
		return;
	}
	if (r->nrules + r->nwording >= RULES_MAX_RULES) {
		load_error(ld, line, "too many rules (at most %d)",
		    RULES_MAX_RULES);
		return;
	}
	memset(&ru, 0, sizeof(ru));
	ru.kind = *kind;
	ru.line = line;
	ru.rome_id = -1;
	strcpy(ru.value, value);
	if (check_value(ld, line, &ru) < 0)
		return;
	if (compile_rule(ld, line, &ru, pat, strlen(pat)) < 0) {
		codes_free(ru.code);
		return;
	}
	/* Already JIT-compiled: 0 again if it was (or is (*NO_JIT)). */
	if (pcre2_jit_compile(ru.code[0].code, PCRE2_JIT_COMPLETE) == 0)
		r->jit++;	/* else the interpreter runs it: no error */
	if (ru.nlits >= 0)
		r->prefiltered++;
	if (pcre2_pattern_info(ru.code[0].code, PCRE2_INFO_CAPTURECOUNT,
	    &pairs) == 0 && pairs + 1 > r->pairs)
		r->pairs = pairs + 1;
	if (ru.kind == -1)
		push_rule(&r->wording, &r->nwording, wcaps, &ru);
	else {
		r->by_kind[ru.kind]++;
		push_rule(&r->rules, &r->nrules, caps, &ru);
	}
}

struct rules *
rules_load(const char *path, const struct refdata *ref, char *err,
    size_t errlen)
{
	struct load ld;
	struct rules *r;
	FILE *fp;
	char *buf = NULL, *s;
	size_t cap = 0;
	ssize_t got;
	int line = 0, kind = 0, in_section = 0, caps = 0, wcaps = 0;

	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	ld.ref = ref;
	ld.err = err;
	ld.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (ref == NULL) {
		load_error(&ld, 0, "no reference data to check ROME codes");
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		load_error(&ld, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->pairs = 1;
	ld.cctx = pcre2_compile_context_create(NULL);
	while ((got = getline(&buf, &cap, fp)) != -1) {
		line++;
		if ((size_t)got > RULES_MAX_LINE) {
			load_error(&ld, line, "line too long (at most %d "
			    "bytes)", RULES_MAX_LINE);
			continue;
		}
		if (!utf8_valid(buf, (size_t)got)) {
			load_error(&ld, line, "invalid UTF-8 or NUL byte");
			continue;
		}
		s = trim(buf);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		load_line(&ld, r, line, s, &kind, &in_section, &caps, &wcaps);
	}
	if (ferror(fp))
		load_error(&ld, 0, "read error: %s", strerror(errno));
	free(buf);
	(void)fclose(fp);
	pcre2_compile_context_free(ld.cctx);

	/*
	 * One match context for every match: the limits are read-only
	 * during matching, so sharing it between threads is safe.
	 */
	r->mctx = pcre2_match_context_create(NULL);
	if (r->mctx == NULL)
		load_error(&ld, 0, "out of memory creating the match context");
	else {
		(void)pcre2_set_match_limit(r->mctx, RULES_MATCH_LIMIT);
		(void)pcre2_set_depth_limit(r->mctx, RULES_DEPTH_LIMIT);
		(void)pcre2_set_heap_limit(r->mctx, RULES_HEAP_LIMIT_KIB);
	}
	if (ld.errors > 0) {
		if (ld.err != NULL && ld.errpos == 0 && ld.errlen > 0)
			(void)snprintf(ld.err, ld.errlen, "%s: %d errors",
			    path, ld.errors);
		rules_free(r);
		return NULL;
	}
	r->ctr = xcalloc(1, sizeof(*r->ctr));
	prefilter_build(r);
	r->prefilter_on = 1;
	return r;
}

void
rules_set_prefilter(struct rules *r, int on)
{
	if (r != NULL)
		r->prefilter_on = on != 0;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	free_rule_array(r->rules, r->nrules);
	free_rule_array(r->wording, r->nwording);
	pcre2_match_context_free(r->mctx);
	prefilter_free(r->pf);
	free(r->ctr);
	free(r);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

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
	int		 ascii;		/* s is ASCII only: see "ASCII texts" */
	int		*ohead, *otail;
	struct occ	*occ;
	int		 nocc, occcap;
};

/* A place of a literal in the text. */
struct occ {
	uint32_t	 pos;
	int		 next;		/* the literal's next place, or -1 */
};

struct hit {
	size_t		 start, end;
	int		 wording;	/* enum wording, -1: hidden */
};

/* Literal lit is at s[i] of t: add the place to its list. */
static void
place_add(const struct prefilter *pf, struct text *t, int lit, size_t i)
{
	if (t->ohead == NULL) {
		t->ohead = xmalloc(2 * (size_t)pf->nlits * sizeof(int));
		t->otail = t->ohead + pf->nlits;
		memset(t->ohead, 0xff, (size_t)pf->nlits * sizeof(int));
	}
	if (t->nocc == t->occcap) {
		/* A place every 8 bytes is more than texts have. */
		t->occcap = t->occcap == 0 ? (int)(t->len / 8) + 64 :
		    2 * t->occcap;
		t->occ = xreallocarray(t->occ, (size_t)t->occcap,
		    sizeof(*t->occ));
	}
	t->occ[t->nocc].pos = (uint32_t)i;
	t->occ[t->nocc].next = -1;
	if (t->ohead[lit] < 0)
		t->ohead[lit] = t->nocc;
	else
		t->occ[t->otail[lit]].next = t->nocc;
	t->otail[lit] = t->nocc++;
}

/* Mark the rules of the literals whose key is at s[i] of t. */
static void
prefilter_key(const struct prefilter *pf, struct text *t, size_t i,
    uint32_t key)
{
	const struct pf_slot *sl;
	const struct lit *l, *e;
	uint32_t h = slot_hash(pf, key);
	int k;

	while ((sl = &pf->slots[h])->key != key) {
		if (sl->key == 0)
			return;		/* a bitmap collision */
		h = (h + 1) & pf->mask;
	}
	/* The key holds the first min(len, 3) bytes: compare the rest. */
	for (l = &pf->lits[sl->first], e = l + sl->count; l < e; l++) {
		if ((size_t)l->len > t->len - i)
			continue;
		for (k = 3; k < l->len && t->s[i + k] == l->s[k]; k++)
			;
		if (k < l->len)
			continue;
		for (k = l->first; k < l->first + l->count; k++)
			BIT_SET(t->active, pf->ids[k]);
		if (l->places)
			place_add(pf, t, (int)(l - pf->lits), i);
	}
}

/*
 * The rules worth running on t: those without literals, and those with
 * one of their literals in the text; every rule when the pre-filter is
 * off or the text holds a Kelvin sign (see "Pre-filter").
 */
static void
prefilter_scan(const struct rules *r, struct text *t)
{
	const struct prefilter *pf = r->pf;
	const unsigned char *s = (const unsigned char *)t->s;
	const struct lit *l;
	size_t i, n = t->len;
	uint32_t k2, c, high;
	int k;

	t->places = 0;
	t->ascii = 0;
	t->ohead = t->otail = NULL;
	t->occ = NULL;
	t->nocc = t->occcap = 0;
	if (!r->prefilter_on) {
		memset(t->active, 0xff, (size_t)pf->nwords * sizeof(uint64_t));
		return;
	}
	memcpy(t->active, pf->always, (size_t)pf->nwords * sizeof(uint64_t));
	for (i = 0, high = 0; i < n; i++) {
		c = s[i];
		high |= c;
		k2 = c << 8 | s[i + 1];		/* s[n] is the NUL */
		if (c == 0xe2 && k2 == 0xe284 && s[i + 2] == 0xaa) {
			memset(t->active, 0xff,
			    (size_t)pf->nwords * sizeof(uint64_t));
			return;		/* places stays 0 */
		}
		if (BIT_ISSET(pf->bits2, k2))
			prefilter_key(pf, t, i, 2u << 24 | k2 << 8);
		if (i + 2 < n && BIT_ISSET(pf->bits3,
		    hash3(k2 << 8 | s[i + 2])))
			prefilter_key(pf, t, i, 3u << 24 | k2 << 8 | s[i + 2]);
	}
	for (i = 0; i < (size_t)pf->nones; i++) {
		l = &pf->lits[pf->ones[i]];
		if (memchr(s, l->s[0], n) != NULL)
			for (k = l->first; k < l->first + l->count; k++)
				BIT_SET(t->active, pf->ids[k]);
	}
	t->places = 1;
	t->ascii = high < 0x80;
}

static void
text_init(const struct rules *r, struct text *t, const char *in, size_t len,
    int want_map)
{
	atomic_fetch_add_explicit(&r->ctr->texts, 1, memory_order_relaxed);
	if (in == NULL)
		len = 0;
	if (len > RULES_MAX_INPUT) {
		len = RULES_MAX_INPUT;	/* a cut sequence becomes a space */
		atomic_fetch_add_explicit(&r->ctr->truncated, 1,
		    memory_order_relaxed);
	}
	t->orig = in;
	t->s = xmalloc(len + 1);
	t->map = want_map ? xmalloc((len + 1) * sizeof(*t->map)) : NULL;
	t->len = normalize(in, len, t->s, len + 1, t->map, 1, &t->origlen);
	if (t->map != NULL)
		t->map[t->len] = (uint32_t)t->origlen;
	prefilter_scan(r, t);
}

static void
text_free(struct text *t)
{
	free(t->s);
	free(t->map);
	free(t->ohead);
	free(t->occ);
}

/*
 * Match one of the codes c (the one for t, see "ASCII texts") from offset
 * off.  Returns 1 with the ovector, 0 for no match, -1 when the match was
 * abandoned (limit or error, counted).
 */
static int
run(const struct rules *r, const struct rule_code *c,
    const struct text *t, size_t off, pcre2_match_data *md, PCRE2_SIZE **ov)
{
	const struct rule_code *code = &c[t->ascii && c[1].code != NULL];
	int rc;

	/* The text is valid UTF-8 by construction: skip the check. */
	if (code->jit)
		rc = pcre2_jit_match(code->code, (PCRE2_SPTR)t->s, t->len, off,
		    0, md, r->mctx);
	else
		rc = pcre2_match(code->code, (PCRE2_SPTR)t->s, t->len, off,
		    PCRE2_NO_UTF_CHECK, md, r->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		if (rc == PCRE2_ERROR_MATCHLIMIT ||
		    rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT ||
		    rc == PCRE2_ERROR_JIT_STACKLIMIT ||
		    rc == PCRE2_ERROR_NOMEMORY)
			atomic_fetch_add_explicit(&r->ctr->limit_hits, 1,
			    memory_order_relaxed);
		else
			atomic_fetch_add_explicit(&r->ctr->match_errors, 1,
			    memory_order_relaxed);
		return -1;
	}
	*ov = pcre2_get_ovector_pointer(md);
	if ((*ov)[1] < (*ov)[0])	/* \K games: ignore */
		return 0;
	return 1;
}

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

static void
cands_init(const struct rules *r, const struct text *t, int idx,
    struct cands *c)
{
	const struct prefilter *pf = r->pf;
	const struct rule *ru = rule_at(r, idx);
	const struct lit *l;
	const char *q;
	const int *lits;
	int j, k, h, m;

	c->search = !t->places || ru->npre < 0;
	if (c->search)
		return;
	c->window = ru->maxlen >= 0;
	c->maxlen = ru->maxlen;
	for (k = 0; k < 2; k++) {
		c->n[k] = 0;
		if (k == 0 && !c->window)
			continue;
		lits = pf->rlits[k] + pf->rfirst[k][idx];
		for (j = 0; j < pf->rcount[k][idx]; j++) {
			l = &pf->lits[lits[j]];
			m = c->n[k];
			if (l->len == 1) {
				if ((q = memchr(t->s, l->s[0], t->len)) == NULL)
					continue;
				c->pos[k][m] = (size_t)(q - t->s);
				c->cur[k][m] = -1;
				c->byte[k][m] = (unsigned char)l->s[0];
			} else {
				if (t->ohead == NULL ||
				    (h = t->ohead[lits[j]]) < 0)
					continue;
				c->pos[k][m] = t->occ[h].pos;
				c->cur[k][m] = h;
			}
			c->len[k][m] = k == 0 ? l->len : 0;
			c->n[k]++;
		}
	}
}

/* Literal j of [k] to its first place at or after from; -1 if none. */
static int
cands_advance(const struct text *t, struct cands *c, int k, int j,
    size_t from)
{
	const char *q;
	int h = c->cur[k][j];

	if (h < 0) {
		q = from < t->len ? memchr(t->s + from, c->byte[k][j],
		    t->len - from) : NULL;
		if (q == NULL)
			return -1;
		c->pos[k][j] = (size_t)(q - t->s);
		return 0;
	}
	while (h >= 0 && t->occ[h].pos < from)
		h = t->occ[h].next;
	if (h < 0)
		return -1;
	c->cur[k][j] = h;
	c->pos[k][j] = t->occ[h].pos;
	return 0;
}

/*
 * The first place at or after from of the literals [k] (k 0: where the
 * literal there ends), or SIZE_MAX.
 */
static size_t
cands_first(const struct text *t, struct cands *c, int k, size_t from)
{
	size_t best = SIZE_MAX, at;
	int j, m;

	for (j = 0; j < c->n[k]; j++) {
		if (c->pos[k][j] < from && cands_advance(t, c, k, j,
		    from) < 0) {
			/* Gone: the last one takes its slot. */
			m = --c->n[k];
			c->pos[k][j] = c->pos[k][m];
			c->cur[k][j] = c->cur[k][m];
			c->byte[k][j] = c->byte[k][m];
			c->len[k][j] = c->len[k][m];
			j--;
			continue;
		}
		at = c->pos[k][j] + (size_t)c->len[k][j];
		if (at < best)
			best = at;
	}
	return best;
}

/*
 * The first place at or after from worth a try: a leading literal's with
 * a contained literal within maxlen bytes.  A leading literal's place p
 * whose nearest contained literal after it ends at e > p + maxlen lets
 * every place before e - maxlen go as well.  SIZE_MAX if none.
 */
static size_t
cands_next(const struct text *t, struct cands *c, size_t from)
{
	size_t p, e;

	for (;;) {
		if ((p = cands_first(t, c, 1, from)) == SIZE_MAX ||
		    !c->window)
			return p;
		if ((e = cands_first(t, c, 0, p)) == SIZE_MAX)
			return SIZE_MAX;
		if (e <= p + (size_t)c->maxlen)
			return p;
		from = e - (size_t)c->maxlen;
	}
}

/*
 * The first match of rule ru in t from offset off, the one a search of
 * its pattern from off finds: tried at the places of its leading literals
 * when it has them (c, see "Pre-filter"), else that search.  Returns as
 * run() does.
 */
static int
search(const struct rules *r, const struct rule *ru, struct cands *c,
    const struct text *t, size_t off, pcre2_match_data *md, PCRE2_SIZE **ov)
{
	size_t p = off;
	int rc;

	if (c->search)
		return run(r, ru->code, t, off, md, ov);
	if (off > 0 && ru->gcode[0].code != NULL) {
		/* \G is true at off: the pattern as written, there. */
		if ((rc = run(r, ru->gcode, t, off, md, ov)) != 0)
			return rc;
		p = off + 1;
	}
	while ((p = cands_next(t, c, p)) != SIZE_MAX) {
		if ((rc = run(r, ru->acode, t, p, md, ov)) != 0)
			return rc;
		p++;
	}
	return 0;
}

/* The offset to search from after a match [s, e): past an empty match. */
static size_t
next_offset(const struct text *t, size_t s, size_t e)
{
	if (e > s)
		return e;
	e++;
	while (e < t->len && ((unsigned char)t->s[e] & 0xc0) == 0x80)
		e++;
	return e;
}

static int
is_sentence_end(const struct text *t, size_t i)
{
	char c = t->s[i];

	if (c == '\n' || c == ';' || c == '!' || c == '?')
		return 1;
	/* "cat. 3", "3.5", "r.489" do not end a sentence. */
	return c == '.' && (i + 1 == t->len || t->s[i + 1] == ' ' ||
	    t->s[i + 1] == '\n');
}

/*
 * Required or wished, for a fact matched at [s, e).  Its sentence runs
 * from the last sentence end before s to the first at or after e (a match
 * is never split).  Of the wording wholly inside that sentence and
 * outside the match ("formation initiale minimale obligatoire" is the
 * FIMO, not a requirement), the nearest to the fact decides: required wording makes it required,
 * wished or optional wording wished.  Distance is the gap in bytes; a
 * wording before the fact with a comma in the gap counts COMMA_PENALTY
 * further; on a tie the later wording wins (French puts "exigé" after the
 * noun).  No wording in the sentence: wished.
 */
static int
decide(const struct text *t, const struct hit *hits, int nhits, size_t s,
    size_t e)
{
	size_t ss = s, se = e, d, best = SIZE_MAX, k;
	int i, req = 0;

	while (ss > 0 && !is_sentence_end(t, ss - 1))
		ss--;
	while (se < t->len && !is_sentence_end(t, se))
		se++;
	for (i = 0; i < nhits; i++) {
		if (hits[i].wording < 0 || hits[i].start < ss ||
		    hits[i].end > se)
			continue;
		if (hits[i].end <= s) {
			d = s - hits[i].end;
			for (k = hits[i].end; k < s; k++)
				if (t->s[k] == ',') {
					d += COMMA_PENALTY;
					break;
				}
		} else if (hits[i].start >= e)
			d = hits[i].start - e;
		else
			continue;	/* part of the fact's own words */
		if (d <= best) {
			best = d;
			req = hits[i].wording == WORDING_REQUIRED;
		}
	}
	return req;
}

/*
 * Wording of the text, in text order per rule; required wording that
 * overlaps optional wording ("non exigé") is hidden.
 */
static int
find_wording(const struct rules *r, const struct text *t,
    pcre2_match_data *md, struct hit *hits)
{
	struct cands c;
	PCRE2_SIZE *ov;
	size_t off;
	int i, j, k, n = 0, tries;

	for (i = 0; i < r->nwording && n < RULES_MAX_WORDING_HITS; i++) {
		if (!BIT_ISSET(t->active, r->nrules + i))
			continue;	/* none of its literals in the text */
		cands_init(r, t, r->nrules + i, &c);
		off = 0;
		for (tries = 0; tries < RULES_MAX_MATCHES * 4 &&
		    off <= t->len && n < RULES_MAX_WORDING_HITS; tries++) {
			if (search(r, &r->wording[i], &c, t, off, md,
			    &ov) <= 0)
				break;
			if (ov[1] > ov[0]) {
				hits[n].start = ov[0];
				hits[n].end = ov[1];
				hits[n].wording = r->wording[i].wording;
				n++;
			}
			off = next_offset(t, ov[0], ov[1]);
		}
	}
	/* Hits are sorted by position so that ties go to the later one. */
	for (i = 1; i < n; i++) {
		struct hit h = hits[i];

		for (j = i; j > 0 && hits[j - 1].start > h.start; j--)
			hits[j] = hits[j - 1];
		hits[j] = h;
	}
	for (i = 0; i < n; i++) {
		if (hits[i].wording != WORDING_OPTIONAL)
			continue;
		for (k = 0; k < n; k++)
			if (hits[k].wording == WORDING_REQUIRED &&
			    hits[k].start < hits[i].end &&
			    hits[i].start < hits[k].end)
				hits[k].wording = -1;
	}
	return n;
}

/*
 * The original text of the match [s, e) into buf (NUL terminated, at
 * most buflen - 1 bytes, whole characters): spaces and control
 * characters collapse to one space, invalid bytes are dropped, and so is
 * leading punctuation (", 3" of a list).  Returns 0, or -1 if it was cut.
 */
static int
excerpt(const struct text *t, size_t s, size_t e, char *buf, size_t buflen)
{
	const unsigned char *o = (const unsigned char *)t->orig;
	size_t os, oe, j, i, n = 0, sl;
	uint32_t cp;
	int space = 0;

	buf[0] = '\0';
	if (t->map == NULL || e <= s || t->orig == NULL)
		return 0;
	os = t->map[s];
	j = e;
	while (j < t->len && t->map[j] == t->map[e - 1])
		j++;
	oe = t->map[j];
	for (i = os; i < oe; i += sl) {
		sl = utf8_decode(o + i, oe - i, &cp);
		if (sl == 0) {
			sl = 1;
			continue;
		}
		if (cp <= 0x20 || cp == 0x7f || cp == 0xa0) {
			space = n > 0;
			continue;
		}
		if (n == 0 && cp < 0x80 && !(cp >= '0' && cp <= '9') &&
		    !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'))
			continue;
		if (n + (space ? 1 : 0) + sl > buflen - 1) {
			buf[n] = '\0';
			return -1;
		}
		if (space)
			buf[n++] = ' ';
		space = 0;
		memcpy(buf + n, o + i, sl);
		n += sl;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * The value of a fact from rule ru and its match: the template with $1
 * replaced, checked for its kind.  Returns 0, or -1 to skip the match.
 */
static int
fact_value(const struct rule *ru, const struct text *t, const PCRE2_SIZE *ov,
    char *out, size_t outlen)
{
	const char *cap = NULL;
	size_t caplen = 0, i;
	int months, v;

	if (ru->capture) {
		if (ov[2] == PCRE2_UNSET || ov[3] <= ov[2])
			return -1;
		cap = t->s + ov[2];
		caplen = ov[3] - ov[2];
	}
	switch (ru->kind) {
	case RULE_LICENCE:
		if (substitute(ru->value, cap, caplen, out, outlen) < 0)
			return -1;
		for (i = 0; out[i] != '\0'; i++)
			if (out[i] >= 'a' && out[i] <= 'z')
				out[i] = (char)(out[i] - 'a' + 'A');
		v = vocab_lookup(&vocab_licence, out, strlen(out));
		if (v < 0)
			return -1;
		(void)snprintf(out, outlen, "%s", vocab_name(&vocab_licence,
		    v));
		return 0;
	case RULE_SKILL:
		if (substitute(ru->value, cap, caplen, out, outlen) < 0 ||
		    !tag_valid(out, strlen(out)))
			return -1;
		return 0;
	case RULE_DURATION:
		months = ru->months;
		if (ru->capture) {
			if ((v = parse_months(cap, caplen)) < 0)
				return -1;
			months *= v;
		}
		if (months < 1 || months > MONTHS_MAX)
			return -1;
		(void)snprintf(out, outlen, "%d", months);
		return 0;
	default:
		(void)snprintf(out, outlen, "%s", ru->value);
		return 0;
	}
}

/* Add or merge one fact; returns the new count. */
static int
add_fact(const struct rules *r, struct rule_fact *out, int n, int max,
    const struct rule_fact *f)
{
	int i;

	for (i = 0; i < n; i++) {
		if (out[i].kind != f->kind || strcmp(out[i].value, f->value))
			continue;
		if (f->required && !out[i].required) {
			out[i].required = 1;
			memcpy(out[i].excerpt, f->excerpt,
			    sizeof(out[i].excerpt));
		}
		return n;
	}
	if (n >= max) {
		atomic_fetch_add_explicit(&r->ctr->dropped, 1,
		    memory_order_relaxed);
		return n;
	}
	out[n] = *f;
	return n + 1;
}

int
rules_extract(const struct rules *r, const char *text, size_t len,
    struct rule_fact *out, int max)
{
	struct hit *hits = NULL;
	struct text t;
	struct cands c;
	struct rule_fact f;
	pcre2_match_data *md;
	const struct rule *ru;
	PCRE2_SIZE *ov;
	size_t off, chain, ms, me;
	int i, n = 0, nhits = 0, tries;

	if (r == NULL || out == NULL || max <= 0)
		return 0;
	md = pcre2_match_data_create(r->pairs, NULL);
	if (md == NULL) {
		atomic_fetch_add_explicit(&r->ctr->match_errors, 1,
		    memory_order_relaxed);
		return 0;
	}
	text_init(r, &t, text, len, 1);
	for (i = 0; i < r->nrules; i++) {
		ru = &r->rules[i];
		if (ru->kind == RULE_ROME)	/* titles only */
			continue;
		if (!BIT_ISSET(t.active, i))
			continue;	/* none of its literals in the text */
		cands_init(r, &t, i, &c);
		off = 0;
		chain = SIZE_MAX;
		for (tries = 0; tries < RULES_MAX_MATCHES && off <= t.len;
		    tries++) {
			if (search(r, ru, &c, &t, off, md, &ov) <= 0)
				break;
			/*
			 * A match that starts where the previous one ended
			 * continues a list (\G): its excerpt starts with the
			 * list, "CACES R489 cat. 1, 3 et 5", when that fits.
			 */
			ms = ov[0];
			me = ov[1];
			if (chain == SIZE_MAX || ms != off)
				chain = ms;
			off = next_offset(&t, ms, me);
			if (me == ms)
				continue;
			memset(&f, 0, sizeof(f));
			f.kind = ru->kind;
			if (fact_value(ru, &t, ov, f.value,
			    sizeof(f.value)) < 0)
				continue;
			/*
			 * The wording, once the text has a fact to decide
			 * (it reuses md: ov is stale from here).
			 */
			if (hits == NULL) {
				hits = xmalloc(RULES_MAX_WORDING_HITS *
				    sizeof(*hits));
				nhits = find_wording(r, &t, md, hits);
			}
			f.required = decide(&t, hits, nhits, ms, me);
			if (excerpt(&t, chain, me, f.excerpt,
			    sizeof(f.excerpt)) < 0 && chain != ms)
				(void)excerpt(&t, ms, me, f.excerpt,
				    sizeof(f.excerpt));
			n = add_fact(r, out, n, max, &f);
		}
	}
	free(hits);
	text_free(&t);
	pcre2_match_data_free(md);
	return n;
}

int
rules_rome_for_title(const struct rules *r, const char *title, size_t len,
    char rome[ROME_CODE_LEN + 1])
{
	struct text t;
	struct cands c;
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	int i, id = -1;

	rome[0] = '\0';
	if (r == NULL)
		return -1;
	if ((md = pcre2_match_data_create(r->pairs, NULL)) == NULL) {
		atomic_fetch_add_explicit(&r->ctr->match_errors, 1,
		    memory_order_relaxed);
		return -1;
	}
	text_init(r, &t, title, len, 0);
	for (i = 0; i < r->nrules; i++) {
		if (r->rules[i].kind != RULE_ROME || !BIT_ISSET(t.active, i))
			continue;
		/* A rule abandoned at a limit does not stop the others. */
		cands_init(r, &t, i, &c);
		if (search(r, &r->rules[i], &c, &t, 0, md, &ov) == 1) {
			memcpy(rome, r->rules[i].value, ROME_CODE_LEN + 1);
			id = r->rules[i].rome_id;
			break;
		}
	}
	text_free(&t);
	pcre2_match_data_free(md);
	return id;
}

void
rules_stats(const struct rules *r, struct rules_stats *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return;
	out->rules = r->nrules + r->nwording;
	out->jit = r->jit;
	out->prefiltered = r->prefiltered;
	for (i = 0; i < RULE_KINDS; i++)
		out->by_kind[i] = r->by_kind[i];
	out->texts = atomic_load_explicit(&r->ctr->texts,
	    memory_order_relaxed);
	out->truncated = atomic_load_explicit(&r->ctr->truncated,
	    memory_order_relaxed);
	out->limit_hits = atomic_load_explicit(&r->ctr->limit_hits,
	    memory_order_relaxed);
	out->match_errors = atomic_load_explicit(&r->ctr->match_errors,
	    memory_order_relaxed);
	out->dropped = atomic_load_explicit(&r->ctr->dropped,
	    memory_order_relaxed);
}

const char *
rules_kind_name(int kind)
{
	return kind >= 0 && kind < RULE_KINDS ? kind_names[kind] : "?";
}

int
rules_fact_reason(const struct rule_fact *f, const char *where, char *buf,
    size_t len)
{
	char what[128];
	const char *need = f->required ? "exigé" : "souhaité", *label;
	int i;

	switch (f->kind) {
	case RULE_LICENCE:
		(void)snprintf(what, sizeof(what), "permis %s %s", f->value,
		    need);
		break;
	case RULE_SKILL:
		(void)snprintf(what, sizeof(what), "%s %s", f->value, need);
		break;
	case RULE_FLAG:
		i = flag_index(f->value);
		(void)snprintf(what, sizeof(what), "%s",
		    i >= 0 ? flag_labels[i] : f->value);
		break;
	case RULE_CONTRACT:
		i = vocab_lookup(&vocab_contract, f->value, strlen(f->value));
		label = i >= 0 ? vocab_label(&vocab_contract, i) : f->value;
		(void)snprintf(what, sizeof(what), "%s%s",
		    strncmp(label, "contrat", 7) == 0 ? "" : "contrat ", label);
		break;
	case RULE_DURATION:
		(void)snprintf(what, sizeof(what), "durée %s mois", f->value);
		break;
	case RULE_ROME:
		(void)snprintf(what, sizeof(what), "métier %s", f->value);
		break;
	default:
		(void)snprintf(what, sizeof(what), "%s", f->value);
		break;
	}
	if (where != NULL && where[0] != '\0')
		return snprintf(buf, len, "%s (%s)", what, where);
	return snprintf(buf, len, "%s", what);
}
