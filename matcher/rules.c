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

struct rule {
	int		 kind;		/* enum rule_kind, or -1 for wording */
	int		 wording;	/* enum wording */
	int		 line;
	char		 value[VALUE_MAX + 1];	/* as written: may hold $1 */
	int		 capture;	/* value uses capture group 1 */
	int		 months;	/* [duration]: N of "N", "N*$1"; 1 "$1" */
	int		 rome_id;	/* [rome]: refdata id */
	pcre2_code	*code;
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
	size_t i = 0, o = 0, sl, rl, k;
	uint32_t cp;
	int r;

	if (outlen == 0) {
		if (consumed != NULL)
			*consumed = 0;
		return 0;
	}
	while (i < len) {
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
	ru->code = pcre2_compile((PCRE2_SPTR)norm, n, PCRE2_UTF | PCRE2_UCP |
	    PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C, &errcode, &erroff,
	    ld->cctx);
	if (ru->code == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			(void)snprintf((char *)msg, sizeof(msg), "error %d",
			    errcode);
		off = erroff < n ? map[erroff] : patlen;
		load_error(ld, line, "%s at offset %zu", (char *)msg, off);
		free(norm);
		free(map);
		return -1;
	}
	free(norm);
	free(map);
	if (ru->capture) {
		if (pcre2_pattern_info(ru->code, PCRE2_INFO_CAPTURECOUNT,
		    &caps) != 0 || caps < 1) {
			load_error(ld, line, "'$1' needs a capturing group in "
			    "the pattern");
			return -1;
		}
	}
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

	for (i = 0; i < n; i++)
		pcre2_code_free(arr[i].code);
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
		pcre2_code_free(ru.code);
		return;
	}
	if (pcre2_jit_compile(ru.code, PCRE2_JIT_COMPLETE) == 0)
		r->jit++;	/* else the interpreter runs it: no error */
	if (pcre2_pattern_info(ru.code, PCRE2_INFO_CAPTURECOUNT, &pairs) == 0 &&
	    pairs + 1 > r->pairs)
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
	return r;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	free_rule_array(r->rules, r->nrules);
	free_rule_array(r->wording, r->nwording);
	pcre2_match_context_free(r->mctx);
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
};

struct hit {
	size_t		 start, end;
	int		 wording;	/* enum wording, -1: hidden */
};

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
}

static void
text_free(struct text *t)
{
	free(t->s);
	free(t->map);
}

/*
 * Run one rule from offset off.  Returns 1 with the ovector, 0 for no
 * match, -1 when the match was abandoned (limit or error, counted).
 */
static int
run(const struct rules *r, const struct rule *ru, const struct text *t,
    size_t off, pcre2_match_data *md, PCRE2_SIZE **ov)
{
	int rc;

	/* The text is valid UTF-8 by construction: skip the check. */
	rc = pcre2_match(ru->code, (PCRE2_SPTR)t->s, t->len, off,
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
	PCRE2_SIZE *ov;
	size_t off;
	int i, j, k, n = 0, tries;

	for (i = 0; i < r->nwording && n < RULES_MAX_WORDING_HITS; i++) {
		off = 0;
		for (tries = 0; tries < RULES_MAX_MATCHES * 4 &&
		    off <= t->len && n < RULES_MAX_WORDING_HITS; tries++) {
			if (run(r, &r->wording[i], t, off, md, &ov) <= 0)
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
	struct hit *hits;
	struct text t;
	struct rule_fact f;
	pcre2_match_data *md;
	const struct rule *ru;
	PCRE2_SIZE *ov;
	size_t off, chain;
	int i, n = 0, nhits, tries;

	if (r == NULL || out == NULL || max <= 0)
		return 0;
	md = pcre2_match_data_create(r->pairs, NULL);
	if (md == NULL) {
		atomic_fetch_add_explicit(&r->ctr->match_errors, 1,
		    memory_order_relaxed);
		return 0;
	}
	text_init(r, &t, text, len, 1);
	hits = xcalloc(RULES_MAX_WORDING_HITS, sizeof(*hits));
	nhits = find_wording(r, &t, md, hits);
	for (i = 0; i < r->nrules; i++) {
		ru = &r->rules[i];
		if (ru->kind == RULE_ROME)	/* titles only */
			continue;
		off = 0;
		chain = SIZE_MAX;
		for (tries = 0; tries < RULES_MAX_MATCHES && off <= t.len;
		    tries++) {
			if (run(r, ru, &t, off, md, &ov) <= 0)
				break;
			/*
			 * A match that starts where the previous one ended
			 * continues a list (\G): its excerpt starts with the
			 * list, "CACES R489 cat. 1, 3 et 5", when that fits.
			 */
			if (chain == SIZE_MAX || ov[0] != off)
				chain = ov[0];
			off = next_offset(&t, ov[0], ov[1]);
			if (ov[1] == ov[0])
				continue;
			memset(&f, 0, sizeof(f));
			f.kind = ru->kind;
			if (fact_value(ru, &t, ov, f.value,
			    sizeof(f.value)) < 0)
				continue;
			f.required = decide(&t, hits, nhits, ov[0], ov[1]);
			if (excerpt(&t, chain, ov[1], f.excerpt,
			    sizeof(f.excerpt)) < 0 && chain != ov[0])
				(void)excerpt(&t, ov[0], ov[1], f.excerpt,
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
		if (r->rules[i].kind != RULE_ROME)
			continue;
		/* A rule abandoned at a limit does not stop the others. */
		if (run(r, &r->rules[i], &t, 0, md, &ov) == 1) {
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
