/*
 * Duplicate offers: signatures, the pair rules and the index.  The rules
 * are explained in docs/DEDUP.md; in short, each pair is judged on six
 * aspects (employer, job, place, contract, creation dates, sector), each
 * either strong, weak or a hard difference:
 *
 *	any hard difference		DIFFERENT
 *	two weak aspects or more	DIFFERENT
 *	one weak aspect			UNCERTAIN
 *	none				SAME, or UNCERTAIN for two distinct
 *					offers of one source ("family")
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dedup.h"
#include "domain.h"
#include "geo.h"
#include "hash.h"
#include "refdata.h"
#include "xmalloc.h"

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

/* A key of at most KEY_MAX bytes has at most WORDS_MAX words. */
#define KEY_MAX		(DEDUP_TITLE_MAX > DEDUP_EMPLOYER_MAX ? \
			    DEDUP_TITLE_MAX : DEDUP_EMPLOYER_MAX)
#define WORDS_MAX	(KEY_MAX / 2 + 1)

/* Words that carry nothing in a title or an employer's name. */
static const char *const stop_words[] = {
	"DE", "DU", "DES", "LA", "LE", "LES", "EN", "ET", "AU", "AUX", NULL
};

/* Endings written apart: "Serveur(se)", "Cuisinier (ère)", "H/F". */
static const char *const gender_words[] = {
	"HF", "FH", "HFX", "FHX", "SE", "EUSE", "USE", "RICE", "TRICE", "ERE",
	"IERE", "NE", "ENNE", "EE", "ES", "ESSE", "FE", "TE", "VE", NULL
};

/* Legal forms and the words around them: "Ets", "Groupe", "Sté". */
static const char *const legal_words[] = {
	"SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCOP", "SCIC", "SCI",
	"SCA", "GIE", "EI", "EIRL", "SELARL", "SELAS", "GROUPE", "GROUP",
	"ETS", "ETABLISSEMENT", "ETABLISSEMENTS", "STE", "SOCIETE", "CIE",
	"ENTREPRISE", NULL
};

/*
 * Feminine endings and the masculine ones they become, tried in this
 * order: "SERVEUSE" and "SERVEUR" have one key, as do "ASSISTANTE
 * ADMINISTRATIVE" and "ASSISTANT ADMINISTRATIF".  A key, not French:
 * "VENTE" becomes "VENT" on both sides too.
 */
static const struct {
	const char	*f, *m;
} gender_endings[] = {
	{ "TRICE", "TEUR" }, { "EUSE", "EUR" }, { "ERE", "ER" },
	{ "ENNE", "EN" }, { "ONNE", "ON" }, { "ELLE", "EL" }, { "FFE", "F" },
	{ "IVE", "IF" }, { "EE", "E" }, { "NTE", "NT" }, { "ALE", "AL" },
	{ "ISE", "IS" }
};

static int
in_list(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/* The first feminine ending of w, after 2 letters or more, made masculine. */
static void
masculine(char *w)
{
	size_t l = strlen(w), lf, i;

	for (i = 0; i < sizeof(gender_endings) / sizeof(gender_endings[0]);
	    i++) {
		lf = strlen(gender_endings[i].f);
		if (l >= lf + 2 && strcmp(w + l - lf, gender_endings[i].f) ==
		    0) {
			/* Never longer: in place. */
			strcpy(w + l - lf, gender_endings[i].m);
			return;
		}
	}
}

/*
 * The folded key of in (refdata_name_key(): upper case, accents folded,
 * punctuation a break, one space between words) split in place into
 * words; returns how many.
 */
static int
split_key(const char *in, char key[KEY_MAX + 1], char *w[WORDS_MAX])
{
	char *p;
	int n = 0;

	(void)refdata_name_key(in, strlen(in), key, KEY_MAX + 1);
	for (p = key; *p != '\0' && n < WORDS_MAX; ) {
		w[n++] = p;
		p += strcspn(p, " ");
		if (*p == ' ')
			*p++ = '\0';
	}
	return n;
}

/* The words joined by single spaces (never longer than their key). */
static void
join_words(char *const *w, int n, char *out, size_t outlen)
{
	size_t o = 0, l;
	int i;

	for (i = 0; i < n; i++) {
		l = strlen(w[i]);
		if (o + (o > 0) + l + 1 > outlen)
			break;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, w[i], l);
		o += l;
	}
	out[o] = '\0';
}

static int
cmp_word(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
norm_title(const char *in, char out[DEDUP_TITLE_MAX + 1])
{
	char key[KEY_MAX + 1], *w[WORDS_MAX], *kept[WORDS_MAX];
	int n, k = 0, u = 0, i;

	n = split_key(in, key, w);
	for (i = 0; i < n; i++) {
		if ((w[i][1] == '\0' && w[i][0] >= 'A' && w[i][0] <= 'Z') ||
		    in_list(w[i], stop_words) || in_list(w[i], gender_words))
			continue;
		masculine(w[i]);
		kept[k++] = w[i];
	}
	qsort(kept, (size_t)k, sizeof(kept[0]), cmp_word);
	for (i = 0; i < k; i++)
		if (u == 0 || strcmp(kept[u - 1], kept[i]) != 0)
			kept[u++] = kept[i];
	join_words(kept, u, out, DEDUP_TITLE_MAX + 1);
}

static void
norm_employer(const char *in, char out[DEDUP_EMPLOYER_MAX + 1])
{
	char key[KEY_MAX + 1], *w[WORDS_MAX], *kept[WORDS_MAX], *p;
	int n, k = 0, i, j;

	n = split_key(in, key, w);
	for (i = 0; i < n; i = j) {
		/*
		 * "S.A.S." -> "SAS": a run of single letters, each a byte
		 * and a NUL in key, is rewritten in place as one word.  A
		 * lone letter is an elision ("L'", "D'") and goes.
		 */
		for (j = i, p = w[i]; j < n && w[j][1] == '\0' &&
		    w[j][0] >= 'A' && w[j][0] <= 'Z'; j++)
			*p++ = w[j][0];
		if (j == i)
			j = i + 1;
		else if (j == i + 1)
			continue;
		else
			*p = '\0';
		if (in_list(w[i], stop_words) || in_list(w[i], legal_words))
			continue;
		kept[k++] = w[i];
	}
	join_words(kept, k, out, DEDUP_EMPLOYER_MAX + 1);
}

/* s->emp_prefix: the employer up to each space, then whole. */
static void
emp_prefixes(struct dedup_sig *s)
{
	const char *e = s->employer;
	size_t i;

	s->nemp = 0;
	if (e[0] == '\0')
		return;
	for (i = 0; ; i++) {
		if (e[i] != ' ' && e[i] != '\0')
			continue;
		if (s->nemp == DEDUP_EMP_WORDS) {
			s->nemp = -1;
			return;
		}
		s->emp_prefix[s->nemp++] = hash_fnv1a(e, i);
		if (e[i] == '\0')
			return;
	}
}

void
dedup_sig_make(struct dedup_sig *s, const struct offer *o,
    int32_t created_day)
{
	size_t dl;

	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", o->id);
	s->source = o->source;
	s->sector = o->sector;
	s->contract = o->contract;
	norm_employer(o->employer, s->employer);
	norm_title(o->title, s->title);
	s->title_hash = s->title[0] != '\0' ?
	    hash_fnv1a(s->title, strlen(s->title)) : 0;
	if (strnlen(o->rome, sizeof(o->rome)) == ROME_CODE_LEN)
		memcpy(s->rome, o->rome, sizeof(s->rome));
	if (strnlen(o->commune, sizeof(o->commune)) == INSEE_CODE_LEN)
		memcpy(s->commune, o->commune, sizeof(s->commune));
	s->lat = o->lat;
	s->lon = o->lon;
	if (o->has_clause)
		snprintf(s->clause, sizeof(s->clause), "%s",
		    o->clause.operation);
	s->id_hash = hash_fnv1a(s->id, strlen(s->id));
	emp_prefixes(s);
	s->created = created_day;
	s->partner = o->partner[0] != '\0';
	if (o->department[0] != '\0') {
		s->department_only = 1;
		snprintf(s->department, sizeof(s->department), "%s",
		    o->department);
	} else if (s->commune[0] != '\0') {
		dl = refdata_department_len(s->commune);
		memcpy(s->department, s->commune, dl);
		s->department[dl] = '\0';
	}
	if (s->department_only)
		s->commune[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* The pair rules                                                      */
/* ------------------------------------------------------------------ */

/* The aspects of a pair, in the order of the explanation. */
enum aspect {
	A_FAMILY, A_EMPLOYER, A_JOB, A_PLACE, A_CONTRACT, A_DATES, A_SECTOR,
	A_CLAUSE, A_COUNT
};

enum { EMP_SAME, EMP_CLOSE, EMP_MISSING, EMP_DIFF };
enum { TIT_EQUAL, TIT_CLOSE, TIT_OTHER };
enum { JOB_SAME, JOB_LIKELY, JOB_DIFF };
enum { PL_SAME, PL_NEAR, PL_DEPT, PL_FAR };
enum { HOW_COMMUNE, HOW_KM, HOW_DEPT, HOW_UNKNOWN };

struct pair {
	const struct dedup_sig *a, *b;
	int		 emp, tit, job, place, how;
	int		 same_rome;
	double		 km;
	long		 gap;		/* days; -1 unknown */
	unsigned	 weak, hard;	/* 1u << enum aspect */
};

/* Word (len bytes) order: strcmp order of the NUL-terminated words. */
static int
word_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	return c != 0 ? c : (la > lb) - (la < lb);
}

/* 1 if the sorted words of a are all in the sorted words of b. */
static int
words_subset(const char *a, const char *b)
{
	size_t la, lb;
	int c;

	while (*a != '\0') {
		la = strcspn(a, " ");
		for (;;) {
			if (*b == '\0')
				return 0;
			lb = strcspn(b, " ");
			c = word_cmp(a, la, b, lb);
			b += lb + (b[lb] == ' ');
			if (c == 0)
				break;
			if (c < 0)
				return 0;
		}
		a += la + (a[la] == ' ');
	}
	return 1;
}

/* 1 if a is a whole-word beginning of the longer b. */
static int
word_prefix(const char *a, const char *b)
{
	size_t la = strlen(a);

	return strncmp(a, b, la) == 0 && b[la] == ' ';
}

/*
 * 1 when the two employers are surely EMP_DIFF, from the hashes alone:
 * both named, and neither the other's name nor a word-prefix of it (as
 * employer_rel() says).  0 when only employer_rel() can tell.
 */
static int
emp_surely_differ(const struct dedup_sig *a, const struct dedup_sig *b)
{
	int i;

	if (a->nemp == 0 || b->nemp == 0 || a->nemp < 0 || b->nemp < 0)
		return 0;
	for (i = 0; i < b->nemp; i++)
		if (b->emp_prefix[i] == a->emp_prefix[a->nemp - 1])
			return 0;
	for (i = 0; i < a->nemp; i++)
		if (a->emp_prefix[i] == b->emp_prefix[b->nemp - 1])
			return 0;
	return 1;
}

static int
employer_rel(const char *a, const char *b)
{
	if (a[0] == '\0' || b[0] == '\0')
		return EMP_MISSING;
	if (strcmp(a, b) == 0)
		return EMP_SAME;
	if (word_prefix(a, b) || word_prefix(b, a))
		return EMP_CLOSE;
	return EMP_DIFF;
}

static int
title_rel(const char *a, const char *b)
{
	if (a[0] == '\0' || b[0] == '\0')
		return TIT_OTHER;
	if (strcmp(a, b) == 0)
		return TIT_EQUAL;
	if (words_subset(a, b) || words_subset(b, a))
		return TIT_CLOSE;
	return TIT_OTHER;
}

static void
place_rel(struct pair *p)
{
	const struct dedup_sig *a = p->a, *b = p->b;
	int same_dept = a->department[0] != '\0' &&
	    strcmp(a->department, b->department) == 0;

	p->km = 0;
	if (a->department_only || b->department_only) {
		p->how = HOW_DEPT;
		p->place = !same_dept ? PL_FAR :
		    a->department_only && b->department_only ? PL_DEPT :
		    PL_NEAR;
		return;
	}
	if (a->commune[0] != '\0' && strcmp(a->commune, b->commune) == 0) {
		p->how = HOW_COMMUNE;
		p->place = PL_SAME;
		return;
	}
	if (!geo_valid(a->lat, a->lon) || !geo_valid(b->lat, b->lon)) {
		p->how = HOW_UNKNOWN;
		p->place = PL_FAR;
		return;
	}
	p->how = HOW_KM;
	p->km = geo_distance_km(a->lat, a->lon, b->lat, b->lon);
	p->place = p->km <= DEDUP_SAME_KM ? PL_SAME :
	    p->km <= DEDUP_NEAR_KM ? PL_NEAR : PL_FAR;
}

#define BIT(x)	(1u << (x))

static int
family(const struct dedup_sig *a, const struct dedup_sig *b)
{
	return a->source == b->source && !a->partner && !b->partner;
}

/* Fill p for a, b and return the verdict. */
static enum dedup_verdict
judge(struct pair *p, const struct dedup_sig *a, const struct dedup_sig *b)
{
	int same_dom, n;
	int64_t d;
	unsigned w;

	memset(p, 0, sizeof(*p));
	p->a = a;
	p->b = b;
	p->emp = employer_rel(a->employer, b->employer);
	if (p->emp == EMP_DIFF)
		p->hard |= BIT(A_EMPLOYER);
	else if (p->emp != EMP_SAME)
		p->weak |= BIT(A_EMPLOYER);

	p->tit = title_rel(a->title, b->title);
	p->same_rome = a->rome[0] != '\0' && strcmp(a->rome, b->rome) == 0;
	same_dom = a->rome[0] != '\0' && b->rome[0] != '\0' &&
	    memcmp(a->rome, b->rome, 3) == 0;
	if ((p->same_rome && p->tit != TIT_OTHER) ||
	    (same_dom && p->tit == TIT_EQUAL))
		p->job = JOB_SAME;
	else if (p->same_rome || p->tit == TIT_EQUAL ||
	    (same_dom && p->tit == TIT_CLOSE))
		p->job = JOB_LIKELY;
	else
		p->job = JOB_DIFF;
	if (p->job == JOB_DIFF)
		p->hard |= BIT(A_JOB);
	else if (p->job == JOB_LIKELY)
		p->weak |= BIT(A_JOB);

	place_rel(p);
	if (p->place == PL_FAR)
		p->hard |= BIT(A_PLACE);
	else if (p->place == PL_NEAR ||
	    (p->place == PL_DEPT && p->tit != TIT_EQUAL))
		p->weak |= BIT(A_PLACE);

	if (a->contract != b->contract)
		p->weak |= BIT(A_CONTRACT);

	if (a->created == DATE_NONE || b->created == DATE_NONE)
		p->gap = -1;
	else {
		d = (int64_t)a->created - b->created;
		d = d < 0 ? -d : d;
		p->gap = d > INT_MAX ? INT_MAX : (long)d;
	}
	if (p->gap > DEDUP_MAX_DAYS)
		p->hard |= BIT(A_DATES);
	else if (p->gap < 0 || p->gap > DEDUP_SAME_DAYS)
		p->weak |= BIT(A_DATES);

	if (a->sector != b->sector)
		p->weak |= BIT(A_SECTOR);
	/*
	 * A clause offer carries its operation's hours and eligibility:
	 * merged with another, they would be lost; an adviser decides.
	 */
	if (strcmp(a->clause, b->clause) != 0)
		p->weak |= BIT(A_CLAUSE);

	/* Two postings of one source: only the same named employer. */
	if (family(a, b) && p->emp != EMP_SAME)
		p->hard |= BIT(A_FAMILY);

	if (p->hard != 0)
		return DEDUP_DIFFERENT;
	for (n = 0, w = p->weak; w != 0; w &= w - 1)
		n++;
	if (n >= 2)
		return DEDUP_DIFFERENT;
	return n == 1 || family(a, b) ? DEDUP_UNCERTAIN : DEDUP_SAME;
}

/* ------------------------------------------------------------------ */
/* The explanation                                                     */
/* ------------------------------------------------------------------ */

static const char *
rome_or(const char *rome)
{
	return rome[0] != '\0' ? rome : "non précisé";
}

static void
phrase_job(const struct pair *p, char *buf, size_t len)
{
	static const char *const tit[] = { "même intitulé",
	    "intitulés proches", "intitulés différents" };
	const char *ra = rome_or(p->a->rome), *rb = rome_or(p->b->rome);

	if (p->job == JOB_DIFF)
		snprintf(buf, len, "métiers différents (%s, %s)", ra, rb);
	else if (p->same_rome && p->tit == TIT_EQUAL)
		snprintf(buf, len, "même métier %s", ra);
	else if (p->same_rome)
		snprintf(buf, len, "même métier %s, %s", ra, tit[p->tit]);
	else
		snprintf(buf, len, "%s, métiers %s et %s", tit[p->tit], ra,
		    rb);
}

static void
phrase_place(const struct pair *p, char *buf, size_t len)
{
	const char *da = p->a->department, *db = p->b->department;
	long tenths = lround(p->km * 10);	/* km < 20,016 */
	char km[32];

	/* "4,2": French decimal comma. */
	snprintf(km, sizeof(km), "%ld,%ld", tenths / 10, tenths % 10);
	switch (p->place * 4 + p->how) {
	case PL_SAME * 4 + HOW_COMMUNE:
		snprintf(buf, len, "même commune");
		break;
	case PL_SAME * 4 + HOW_KM:
	case PL_NEAR * 4 + HOW_KM:
		snprintf(buf, len, "lieux à %s km", km);
		break;
	case PL_NEAR * 4 + HOW_DEPT:
		snprintf(buf, len, "lieu précis inconnu d'un côté "
		    "(département %s)", da);
		break;
	case PL_DEPT * 4 + HOW_DEPT:
		snprintf(buf, len, "même département (%s), lieu précis "
		    "inconnu", da);
		break;
	case PL_FAR * 4 + HOW_KM:
		snprintf(buf, len, "lieux éloignés (%s km)", km);
		break;
	case PL_FAR * 4 + HOW_DEPT:
		snprintf(buf, len, "départements différents (%s, %s)",
		    da[0] != '\0' ? da : "inconnu",
		    db[0] != '\0' ? db : "inconnu");
		break;
	default:
		snprintf(buf, len, "lieu inconnu");
		break;
	}
}

/* The phrase of one aspect into buf ("" when there is nothing to say). */
static void
phrase(const struct pair *p, int aspect, char *buf, size_t len)
{
	static const char *const emp[] = { "même employeur",
	    "employeurs proches", "employeur absent",
	    "employeurs différents" };
	const struct dedup_sig *a = p->a, *b = p->b;

	buf[0] = '\0';
	switch (aspect) {
	case A_FAMILY:
		if (family(a, b))
			snprintf(buf, len, "deux offres distinctes de la même "
			    "source (%s)", vocab_label(&vocab_source,
			    a->source));
		break;
	case A_EMPLOYER:
		snprintf(buf, len, "%s%s", emp[p->emp], p->emp != EMP_MISSING ?
		    "" : a->employer[0] == '\0' && b->employer[0] == '\0' ?
		    " des deux côtés" : " d'un côté");
		break;
	case A_JOB:
		phrase_job(p, buf, len);
		break;
	case A_PLACE:
		phrase_place(p, buf, len);
		break;
	case A_CONTRACT:
		if (a->contract == b->contract)
			snprintf(buf, len, "même contrat (%s)",
			    vocab_label(&vocab_contract, a->contract));
		else
			snprintf(buf, len, "contrats différents (%s, %s)",
			    vocab_label(&vocab_contract, a->contract),
			    vocab_label(&vocab_contract, b->contract));
		break;
	case A_DATES:
		if (p->gap < 0)
			snprintf(buf, len, "date de publication inconnue");
		else if (p->gap == 0)
			snprintf(buf, len, "publiées le même jour");
		else
			snprintf(buf, len, "publiées à %ld jour%s d'écart",
			    p->gap, p->gap > 1 ? "s" : "");
		break;
	case A_CLAUSE:
		if (strcmp(a->clause, b->clause) == 0)
			break;
		if (a->clause[0] == '\0' || b->clause[0] == '\0')
			snprintf(buf, len, "clause d'insertion d'un seul côté "
			    "(%s)", a->clause[0] ? a->clause : b->clause);
		else
			snprintf(buf, len, "opérations de clause différentes "
			    "(%s, %s)", a->clause, b->clause);
		break;
	case A_SECTOR:
		if (a->sector != b->sector)
			snprintf(buf, len, "secteurs différents (%s, %s)",
			    vocab_label(&vocab_sector, a->sector),
			    vocab_label(&vocab_sector, b->sector));
		break;
	}
}

/* Append the phrases of the aspects in set, comma-separated. */
static size_t
phrases(const struct pair *p, unsigned set, char *buf, size_t off,
    size_t len)
{
	char one[256];
	int i, n;

	for (i = 0; i < A_COUNT; i++) {
		if (!(set & BIT(i)))
			continue;
		phrase(p, i, one, sizeof(one));
		if (one[0] == '\0')
			continue;
		n = snprintf(buf + off, len - off, "%s%s",
		    off > 0 && buf[off - 1] != ' ' ? ", " : "", one);
		if (n < 0 || (size_t)n >= len - off)
			return len - 1;
		off += (size_t)n;
	}
	return off;
}

/* Copy src into dst cut to dstlen - 1 bytes on a character boundary. */
static void
copy_cut(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (dst == NULL || dstlen == 0)
		return;
	if (n >= dstlen) {
		n = dstlen - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
explain(const struct pair *p, enum dedup_verdict v, char *why,
    size_t whylen)
{
	char buf[DEDUP_WHY_MAX];
	unsigned all = BIT(A_COUNT) - 1, first;
	size_t off = 0;

	buf[0] = '\0';
	if (v == DEDUP_SAME)
		first = 0;
	else if (v == DEDUP_UNCERTAIN)
		first = p->weak | BIT(A_FAMILY);
	else if (p->hard != 0)
		first = p->hard & BIT(A_FAMILY) ? p->hard | BIT(A_EMPLOYER) :
		    p->hard;
	else {
		off = (size_t)snprintf(buf, sizeof(buf),
		    "plusieurs écarts : ");
		first = p->weak;
	}
	off = phrases(p, first, buf, off, sizeof(buf));
	if (v != DEDUP_DIFFERENT) {
		if (off > 0 && off + 3 < sizeof(buf)) {
			memcpy(buf + off, " ; ", 4);
			off += 3;
		}
		(void)phrases(p, all & ~first, buf, off, sizeof(buf));
	}
	copy_cut(why, whylen, buf);
}

enum dedup_verdict
dedup_compare(const struct dedup_sig *a, const struct dedup_sig *b,
    char *why, size_t whylen)
{
	struct pair p;
	enum dedup_verdict v;

	if (strcmp(a->id, b->id) == 0) {
		copy_cut(why, whylen, "même offre");
		return DEDUP_SAME;
	}
	v = judge(&p, a, b);
	if (why != NULL && whylen > 0)
		explain(&p, v, why, whylen);
	return v;
}

/* ------------------------------------------------------------------ */
/* The index                                                           */
/* ------------------------------------------------------------------ */

/* A list of slots of the index. */
struct slots {
	uint32_t	*v;
	uint32_t	 n, cap;
};

/* uint32 key -> slots, linear probing, deleted by backward shift. */
struct bmap {
	uint32_t	*keys;
	struct slots	*vals;
	unsigned char	*used;
	uint32_t	 cap, count;	/* cap: 0 or a power of two */
};

struct dedup_index {
	struct dedup_sig *sigs;
	uint32_t	 cap, top;	/* slots allocated, used so far */
	struct slots	 free;		/* dead slots below top */
	size_t		 count;
	struct bmap	 by_id, by_domain, by_title;
};

static void
slots_add(struct slots *s, uint32_t slot)
{
	if (s->n == s->cap) {
		s->cap = s->cap != 0 ? s->cap * 2 : 4;
		s->v = xreallocarray(s->v, s->cap, sizeof(s->v[0]));
	}
	s->v[s->n++] = slot;
}

static void
slots_del(struct slots *s, uint32_t slot)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == slot) {
			s->v[i] = s->v[--s->n];
			return;
		}
}

static uint32_t
bmap_home(const struct bmap *m, uint32_t key)
{
	return (key * 2654435761u) & (m->cap - 1);
}

/* The position of key, or of the free place where it would go. */
static uint32_t
bmap_pos(const struct bmap *m, uint32_t key)
{
	uint32_t i = bmap_home(m, key);

	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static struct slots *
bmap_get(const struct bmap *m, uint32_t key)
{
	uint32_t i;

	if (m->cap == 0)
		return NULL;
	i = bmap_pos(m, key);
	return m->used[i] ? &m->vals[i] : NULL;
}

static void
bmap_grow(struct bmap *m)
{
	struct bmap old = *m;
	uint32_t i, j;

	m->cap = old.cap != 0 ? old.cap * 2 : 16;
	m->keys = xcalloc(m->cap, sizeof(m->keys[0]));
	m->vals = xcalloc(m->cap, sizeof(m->vals[0]));
	m->used = xcalloc(m->cap, 1);
	for (i = 0; i < old.cap; i++) {
		if (!old.used[i])
			continue;
		j = bmap_pos(m, old.keys[i]);
		m->used[j] = 1;
		m->keys[j] = old.keys[i];
		m->vals[j] = old.vals[i];
	}
	free(old.keys);
	free(old.vals);
	free(old.used);
}

static void
bmap_add(struct bmap *m, uint32_t key, uint32_t slot)
{
	uint32_t i;

	if ((m->count + 1) * 2 > m->cap)
		bmap_grow(m);
	i = bmap_pos(m, key);
	if (!m->used[i]) {
		m->used[i] = 1;
		m->keys[i] = key;
		m->count++;
	}
	slots_add(&m->vals[i], slot);
}

/* Remove slot from key's list, and the key once its list is empty. */
static void
bmap_del(struct bmap *m, uint32_t key, uint32_t slot)
{
	uint32_t i, j, h, mask = m->cap - 1;

	if (m->cap == 0 || !m->used[i = bmap_pos(m, key)])
		return;
	slots_del(&m->vals[i], slot);
	if (m->vals[i].n > 0)
		return;
	free(m->vals[i].v);
	m->count--;
	/* Backward shift: no tombstones, probes stay short. */
	for (j = i;;) {
		j = (j + 1) & mask;
		if (!m->used[j])
			break;
		h = bmap_home(m, m->keys[j]);
		if (((j - h) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->used[i] = 0;
	memset(&m->vals[i], 0, sizeof(m->vals[i]));
}

static void
bmap_free(struct bmap *m)
{
	uint32_t i;

	for (i = 0; i < m->cap; i++)
		if (m->used[i])
			free(m->vals[i].v);
	free(m->keys);
	free(m->vals);
	free(m->used);
}

static uint32_t
id_key(const char *id)
{
	return hash_fnv1a(id, strlen(id));
}

/* The ROME domain as a key: its 3 characters, 0 when there is no code. */
static uint32_t
domain_key(const struct dedup_sig *s)
{
	const unsigned char *r = (const unsigned char *)s->rome;

	return r[0] == '\0' ? 0 :
	    (uint32_t)r[0] << 16 | (uint32_t)r[1] << 8 | r[2];
}

static int
find_slot(const struct dedup_index *x, const char *id, uint32_t *slot)
{
	const struct slots *s = bmap_get(&x->by_id, id_key(id));
	uint32_t i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (strcmp(x->sigs[s->v[i]].id, id) == 0) {
			*slot = s->v[i];
			return 1;
		}
	return 0;
}

struct dedup_index *
dedup_index_new(void)
{
	return xcalloc(1, sizeof(struct dedup_index));
}

void
dedup_index_free(struct dedup_index *x)
{
	if (x == NULL)
		return;
	bmap_free(&x->by_id);
	bmap_free(&x->by_domain);
	bmap_free(&x->by_title);
	free(x->free.v);
	free(x->sigs);
	free(x);
}

size_t
dedup_index_count(const struct dedup_index *x)
{
	return x->count;
}

int
dedup_index_remove(struct dedup_index *x, const char *id)
{
	const struct dedup_sig *s;
	uint32_t slot;

	if (!find_slot(x, id, &slot))
		return 0;
	s = &x->sigs[slot];
	bmap_del(&x->by_id, id_key(s->id), slot);
	if (domain_key(s) != 0)
		bmap_del(&x->by_domain, domain_key(s), slot);
	if (s->title[0] != '\0')
		bmap_del(&x->by_title, s->title_hash, slot);
	slots_add(&x->free, slot);
	x->count--;
	return 1;
}

void
dedup_index_put(struct dedup_index *x, const struct dedup_sig *s)
{
	uint32_t slot;

	(void)dedup_index_remove(x, s->id);
	if (x->free.n > 0)
		slot = x->free.v[--x->free.n];
	else {
		if (x->top == x->cap) {
			x->cap = x->cap != 0 ? x->cap * 2 : 64;
			x->sigs = xreallocarray(x->sigs, x->cap,
			    sizeof(x->sigs[0]));
		}
		slot = x->top++;
	}
	x->sigs[slot] = *s;
	x->count++;
	bmap_add(&x->by_id, id_key(s->id), slot);
	if (domain_key(s) != 0)
		bmap_add(&x->by_domain, domain_key(s), slot);
	if (s->title[0] != '\0')
		bmap_add(&x->by_title, s->title_hash, slot);
}

struct best {
	enum dedup_verdict v;
	long		 gap;		/* LONG_MAX: unknown */
	const struct dedup_sig *sig;
};

/* Compare q with the signatures of list; keep the best in b. */
static void
consider(const struct dedup_index *x, const struct slots *list,
    const struct dedup_sig *q, uint32_t skip_domain, struct best *b)
{
	const struct dedup_sig *s;
	struct pair p;
	enum dedup_verdict v;
	uint32_t i;
	long gap;

	for (i = 0; list != NULL && i < list->n; i++) {
		s = &x->sigs[list->v[i]];
		if ((skip_domain != 0 && domain_key(s) == skip_domain) ||
		    (s->id_hash == q->id_hash && strcmp(s->id, q->id) == 0))
			continue;
		/* What judge() would call a hard difference, cheaply. */
		if ((s->created != DATE_NONE && q->created != DATE_NONE &&
		    (s->created - (int64_t)q->created > DEDUP_MAX_DAYS ||
		    q->created - (int64_t)s->created > DEDUP_MAX_DAYS)) ||
		    emp_surely_differ(q, s))
			continue;
		if ((v = judge(&p, q, s)) == DEDUP_DIFFERENT)
			continue;
		gap = p.gap < 0 ? LONG_MAX : p.gap;
		if (v > b->v || (v == b->v && (gap < b->gap ||
		    (gap == b->gap && strcmp(s->id, b->sig->id) < 0)))) {
			b->v = v;
			b->gap = gap;
			b->sig = s;
		}
	}
}

enum dedup_verdict
dedup_index_find(const struct dedup_index *x, const struct dedup_sig *q,
    char *other_id, size_t idlen, char *why, size_t whylen)
{
	struct best b = { DEDUP_DIFFERENT, LONG_MAX, NULL };
	uint32_t dk = domain_key(q);

	if (dk != 0)
		consider(x, bmap_get(&x->by_domain, dk), q, 0, &b);
	/* Same title, other domain (or none): the domain list had the rest. */
	if (q->title[0] != '\0')
		consider(x, bmap_get(&x->by_title, q->title_hash), q, dk, &b);
	if (b.sig == NULL) {
		copy_cut(other_id, idlen, "");
		copy_cut(why, whylen, "");
		return DEDUP_DIFFERENT;
	}
	copy_cut(other_id, idlen, b.sig->id);
	return dedup_compare(q, b.sig, why, whylen);
}
