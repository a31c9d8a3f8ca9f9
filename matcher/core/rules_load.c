/*
 * Loading a rules file (rules_load() of rules.h): each line parsed, each
 * value checked against its section, each pattern normalised and compiled
 * (for every text and for ASCII texts, and anchored for the pre-filter),
 * every error reported as "file:line: message"; then the pre-filter's
 * tables built.  The only I/O of the rules: reading that file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidate.h"
#include "domain.h"
#include "refdata.h"
#include "rules.h"
#include "rules_impl.h"
#include "rules_literals.h"
#include "rules_normalise.h"
#include "rules_prefilter.h"
#include "utf8.h"
#include "xmalloc.h"

/* How every pattern is compiled. */
#define RULES_PCRE2_OPTIONS \
	(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C)

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
		    rules_kind_name(ru->kind));
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
		if (rules_substitute(v, "x", 1, tmp, sizeof(tmp)) < 0 ||
		    !rules_tag_valid(tmp, strlen(tmp))) {
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
		if (rules_flag_index(v) < 0) {
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
			i = rules_parse_months(v, star != NULL ?
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
 * (?!) (see "\G" in rules_literals.c), into a new string of *olen bytes.
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

	(void)rules_literals_read(pat, len, lr);
	rules_literals_store(&lr->lits, &ru->nlits, &ru->lits);
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
			rules_literals_store(&lr->prefix, &ru->npre, &ru->pre);
		else {
			codes_free(ru->acode);
			codes_free(ru->gcode);
		}
	}
	free(lr);
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
	n = rules_normalise_text(pat, patlen, norm, patlen + 1, map, 0, NULL);
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
		if (strcmp(name, rules_kind_name(i)) == 0) {
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

void
rules_load_free_rules(struct rule *arr, int n)
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
	rules_prefilter_build(r);
	r->prefilter_on = 1;
	return r;
}
