/*
 * The literal extractor of the pre-filter (rules_literals.h): a pattern
 * of the rules file read for two sets of literals, those of which every
 * match contains one and those every match starts with (see
 * rules_prefilter.c for what they are used for).
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
 */
#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"
#include "rules_literals.h"
#include "xmalloc.h"

#define LIT_DEPTH_MAX	32	/* nested groups */
#define LIT_CLASS_MAX	16	/* characters of a class kept exactly */

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

/* The best literals of a part: its anchor or its exact strings. */
static void
lit_best(const struct litinfo *in, struct litset *out)
{
	*out = in->anchor;
	if (in->exact.n >= 0)
		rules_litset_consider(out, &in->exact);
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
	rules_litset_empty_string(&out->exact);
	out->anchor.n = -1;
	rules_litset_empty_string(&out->prefix);
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
		(void)rules_litset_add(&out->exact, chars + i, 1);
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
		    rules_litset_add(&x->exact, "", 0) == 0)
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
			if (rules_litset_extend(e, &x->exact) < 0)
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

	rules_litset_empty_string(&w->cur);
	rules_litset_empty_string(&w->open);
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
			if (rules_litset_extend(&w->open,
			    &w->item.exact) < 0) {
				if (rules_litset_union(&w->closed,
				    &w->open) < 0)
					w->closed.n = -1;
				w->open.n = 0;
			}
		} else if (w->open.n > 0) {
			if (rules_litset_product(&w->open, &w->item.prefix,
			    &w->tmp) < 0)
				w->tmp = w->open;
			if (rules_litset_union(&w->closed, &w->tmp) < 0)
				w->closed.n = -1;
			if (!w->item.empty)
				w->open.n = 0;
		}
		/* Exact strings, and the best literals of the parts. */
		if (w->item.exact.n >= 0) {
			if (rules_litset_product(&w->cur, &w->item.exact,
			    &w->tmp) == 0)
				w->cur = w->tmp;
			else {
				rules_litset_consider(&w->best, &w->cur);
				w->cur = w->item.exact;
				exact = 0;
			}
			continue;
		}
		rules_litset_consider(&w->best, &w->cur);
		lit_best(&w->item, &w->tmp);
		rules_litset_consider(&w->best, &w->tmp);
		rules_litset_empty_string(&w->cur);
		exact = 0;
	}
	if (r == 0) {
		rules_litset_consider(&w->best, &w->cur);
		out->exact = w->cur;
		if (!exact)
			out->exact.n = -1;
		out->anchor = w->best;
		out->prefix = w->closed;
		if (rules_litset_union(&out->prefix, &w->open) < 0)
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
			if (rules_litset_union(&out->exact, &w->br.exact) < 0)
				out->exact.n = -1;
			if (rules_litset_union(&out->prefix, &w->br.prefix) < 0)
				out->prefix.n = -1;
			out->empty = out->empty || w->br.empty;
			if (out->maxlen >= 0 && (w->br.maxlen < 0 ||
			    w->br.maxlen > out->maxlen))
				out->maxlen = w->br.maxlen;
			lit_best(&w->br, &w->lits);
			if (!rules_litset_usable(&w->lits) ||
			    rules_litset_union(&out->anchor, &w->lits) < 0)
				out->anchor.n = -1;
		}
		rules_litset_reduce(&out->anchor, 0);
	}
	free(w);
	return r;
}

/*
 * The literals of a pattern (as compiled: normalised) into out; -1 when
 * there are none to use (lits.n is then -1, and so is prefix.n), or 0.
 * prefix.n is -1 when the rule cannot be tried at its leading literals.
 */
int
rules_literals_read(const char *pat, size_t len, struct litresult *out)
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
		rules_litset_consider(&out->lits, &root->prefix);
		out->prefix = root->prefix;
		rules_litset_reduce(&out->prefix, 1);
		if (!rules_litset_usable(&out->prefix) || lp.bare_g ||
		    lp.ngpos < 0 || !rules_litset_usable(&out->lits))
			out->prefix.n = -1;
		out->ngpos = lp.ngpos < 0 ? 0 : lp.ngpos;
		out->maxlen = root->maxlen;
		memcpy(out->gpos, lp.gpos, sizeof(out->gpos));
		r = rules_litset_usable(&out->lits) ? 0 : -1;
		if (r < 0)
			out->lits.n = -1;
	} else
		r = -1;
	free(root);
	return r;
}

/* A set as NUL-terminated strings one after the other; *n -1 if none. */
void
rules_literals_store(const struct litset *s, int *n, char **out)
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

/* A literal of a set, for sorting. */
struct lit_ref {
	const char	*s;
	size_t		 len;
};

static int
cmp_lit_ref(const void *a, const void *b)
{
	const struct lit_ref *x = a, *y = b;
	int c;

	if ((c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The strings of s, sorted and joined with '|', into buf ("" if none). */
void
rules_literals_join(const struct litset *s, char *buf, size_t buflen)
{
	struct lit_ref v[LIT_SET_MAX];
	size_t o = 0;
	int i, n = s->n;

	if (buflen > 0)
		buf[0] = '\0';
	for (i = 0; i < n; i++) {
		v[i].s = s->s[i];
		v[i].len = s->len[i];
	}
	if (n > 0)
		qsort(v, (size_t)n, sizeof(v[0]), cmp_lit_ref);
	for (i = 0; i < n; i++) {
		if (o + v[i].len + 2 > buflen)
			break;
		if (i > 0)
			buf[o++] = '|';
		memcpy(buf + o, v[i].s, v[i].len);
		o += v[i].len;
		buf[o] = '\0';
	}
}
