/*
 * Normalisation rules: a file of PCRE2 patterns (config/rules.conf, whose
 * header documents the format) that turn the free text of offers into
 * facts, and map titles to ROME codes.  This file is the public interface
 * (rules.h) and the matching; the other concerns have files of their own:
 *   rules_normalise.c	text normalisation, rules_normalize()'s work;
 *   rules_load.c	reading the file and compiling its patterns;
 *   rules_literals.c	the pre-filter's reading of patterns for literals
 *			(rules_litset.c: the sets of literals it combines);
 *   rules_prefilter.c	the pre-filter's tables, scan and places;
 *   rules_impl.h	the layout of a loaded set, which they share.
 *
 * Text is first normalised: lower case, French accents folded to ASCII,
 * typographic punctuation to ASCII, invalid UTF-8 replaced.  Patterns are
 * compiled once at load with UTF, UCP and CASELESS (JIT when the library
 * has it) and run under one match context that carries match, depth and
 * heap limits; the input is cut to RULES_MAX_INPUT bytes.  A limit hit
 * abandons that match only, and is counted.
 *
 * Whether a fact is required or wished comes from the [wording] rules
 * found in the same sentence: the nearest wording wins (see decide()).
 *
 * Most rules match few texts: a pre-filter (rules_prefilter.c) scans each
 * text once for literals read from the patterns at load, and only the
 * rules that can match are run, where they can match; ASCII texts run
 * patterns compiled without UTF and UCP (see "ASCII texts" in
 * rules_load.c).
 *
 * Not here: what the facts mean for scoring (offer.c, score.c), and
 * logging (callers report load errors).  No globals: a loaded set is
 * read-only apart from its atomic counters, and each call makes its own
 * match data, so sets may be shared between threads.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidate.h"
#include "domain.h"
#include "rules.h"
#include "rules_impl.h"
#include "rules_literals.h"
#include "rules_normalise.h"
#include "rules_prefilter.h"
#include "utf8.h"
#include "xmalloc.h"

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

static const char *const kind_names[RULE_KINDS] = {
	"licence", "skill", "rome", "flag", "contract", "duration"
};

#define X_FLAG_NAME(n, l) n,
#define X_FLAG_LABEL(n, l) l,
static const char *const flag_names[] = { RULE_FLAG_LIST(X_FLAG_NAME) };
static const char *const flag_labels[] = { RULE_FLAG_LIST(X_FLAG_LABEL) };
#define NFLAGS	((int)(sizeof(flag_names) / sizeof(flag_names[0])))

/* ------------------------------------------------------------------ */
/* Values, as written in the file and as found in a text               */
/* ------------------------------------------------------------------ */

static int
is_tag_char(int c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '-');
}

/* 1 if s is a skill tag: [a-z0-9][a-z0-9._-]*, 1..SKILL_MAX_LEN. */
int
rules_tag_valid(const char *s, size_t len)
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
int
rules_substitute(const char *tmpl, const char *sub, size_t sublen, char *out,
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

int
rules_flag_index(const char *s)
{
	int i;

	for (i = 0; i < NFLAGS; i++)
		if (strcmp(flag_names[i], s) == 0)
			return i;
	return -1;
}

/* Parse a positive integer in 1..MONTHS_MAX filling s[0..len). */
int
rules_parse_months(const char *s, size_t len)
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

/* ------------------------------------------------------------------ */
/* What the other rules files do, for callers                          */
/* ------------------------------------------------------------------ */

/* Texts are normalised so (rules_normalise.c), ASCII folded too. */
size_t
rules_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	if (in == NULL)
		len = 0;
	return rules_normalise_text(in, len, out, outlen, NULL, 1, NULL);
}

/* The pre-filter's reading (rules_literals.c) of a pattern as written. */
int
rules_pattern_literals(const char *pattern, char *buf, size_t buflen,
    char *prefix, size_t prefixlen)
{
	struct litresult *lr = xmalloc(sizeof(*lr));
	char *norm;
	size_t len = strlen(pattern);
	int n;

	norm = xmalloc(len + 1);
	len = rules_normalise_text(pattern, len, norm, len + 1, NULL, 0, NULL);
	(void)rules_literals_read(norm, len, lr);
	free(norm);
	rules_literals_join(&lr->lits, buf, buflen);
	if (prefix != NULL)
		rules_literals_join(&lr->prefix, prefix, prefixlen);
	n = lr->lits.n;
	free(lr);
	return n;
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
	rules_load_free_rules(r->rules, r->nrules);
	rules_load_free_rules(r->wording, r->nwording);
	pcre2_match_context_free(r->mctx);
	rules_prefilter_free(r->pf);
	free(r->ctr);
	free(r);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

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
	t->len = rules_normalise_text(in, len, t->s, len + 1, t->map, 1,
	    &t->origlen);
	if (t->map != NULL)
		t->map[t->len] = (uint32_t)t->origlen;
	rules_prefilter_scan(r, t);
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
 * Match one of the codes c (the one for t, see "ASCII texts" in
 * rules_load.c) from offset off.  Returns 1 with the ovector, 0 for no
 * match, -1 when the match was abandoned (limit or error, counted).
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
 * The first match of rule ru in t from offset off, the one a search of
 * its pattern from off finds: tried at the places of its leading literals
 * when it has them (c, see rules_prefilter.c), else that search.  Returns
 * as run() does.
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
	while ((p = rules_prefilter_cands_next(t, c, p)) != SIZE_MAX) {
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
 * FIMO, not a requirement), the nearest to the fact decides: required
 * wording makes it required, wished or optional wording wished.
 * Distance is the gap in bytes; a wording before the fact with a comma
 * in the gap counts COMMA_PENALTY further; on a tie the later wording
 * wins (French puts "exigé" after the noun).  No wording in the
 * sentence: wished.
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
		rules_prefilter_cands_init(r, t, r->nrules + i, &c);
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
		if (rules_substitute(ru->value, cap, caplen, out, outlen) < 0)
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
		if (rules_substitute(ru->value, cap, caplen, out, outlen) < 0 ||
		    !rules_tag_valid(out, strlen(out)))
			return -1;
		return 0;
	case RULE_DURATION:
		months = ru->months;
		if (ru->capture) {
			if ((v = rules_parse_months(cap, caplen)) < 0)
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
		rules_prefilter_cands_init(r, &t, i, &c);
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
		rules_prefilter_cands_init(r, &t, i, &c);
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
		i = rules_flag_index(f->value);
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
