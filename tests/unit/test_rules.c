/*
 * Tests for rules*.c: the normaliser (accents, case, typographic
 * characters, invalid UTF-8, bounds), the shipped config/rules.conf (it
 * loads with no error, and every rule satisfies the "#>" examples written
 * above it), required versus wished wording, duplicates, titles to ROME
 * codes, the limits (a catastrophic pattern stops at the match limit, long
 * texts are cut, facts are bounded), "file:line:" load errors, and the
 * France Travail samples (certifications only in the free text).
 * Hand-written rules files go to a private temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8

#include <jansson.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "refdata.h"
#include "rules.h"

#define RULES_CONF	MATCHERD_SOURCE_DIR "/config/rules.conf"
#define SAMPLES_JSON	MATCHERD_SOURCE_DIR \
	"/tests/data/francetravail/samples.json"

struct fixture {
	struct refdata	*ref;
	struct rules	*rules;
	char		 dir[64];
};

static int
group_setup(void **state)
{
	struct fixture *fx;
	char err[4096];

	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	fx->ref = refdata_load(MATCHERD_DATADIR, err, sizeof(err));
	if (fx->ref == NULL) {
		fprintf(stderr, "refdata_load: %s\n", err);
		return -1;
	}
	fx->rules = rules_load(RULES_CONF, fx->ref, err, sizeof(err));
	if (fx->rules == NULL) {
		fprintf(stderr, "rules_load: %s\n", err);
		return -1;
	}
	(void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_rules.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	rules_free(fx->rules);
	refdata_free(fx->ref);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	(void)system(cmd);
	free(fx);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static int
extract(const struct rules *r, const char *text, struct rule_fact *f)
{
	return rules_extract(r, text, strlen(text), f, RULES_MAX_FACTS);
}

/* The fact (kind, value) among f[0..n), or NULL. */
static const struct rule_fact *
find(const struct rule_fact *f, int n, int kind, const char *value)
{
	int i;

	for (i = 0; i < n; i++)
		if (f[i].kind == kind && strcmp(f[i].value, value) == 0)
			return &f[i];
	return NULL;
}

/* The France Travail samples, which are in the tree: their absence fails. */
static json_t *
load_samples(void)
{
	json_error_t jerr;
	json_t *root;

	if ((root = json_load_file(SAMPLES_JSON, 0, &jerr)) == NULL)
		fail_msg("%s: %s", SAMPLES_JSON, jerr.text);
	return root;
}

static void
dump(const char *text, const struct rule_fact *f, int n)
{
	int i;

	fprintf(stderr, "facts of \"%s\":\n", text);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %s %s %s \"%s\"\n",
		    rules_kind_name(f[i].kind), f[i].value,
		    f[i].required ? "required" : "wished", f[i].excerpt);
}

/* Assert that text gives (kind, value) with that requirement (-1: any). */
static void
expect_fact(const struct rules *r, const char *text, int kind,
    const char *value, int required)
{
	struct rule_fact f[RULES_MAX_FACTS];
	const struct rule_fact *x;
	int n;

	n = extract(r, text, f);
	x = find(f, n, kind, value);
	if (x == NULL || (required >= 0 && x->required != required)) {
		fprintf(stderr, "expected %s %s %s\n", rules_kind_name(kind),
		    value, required < 0 ? "" : required ? "required" :
		    "wished");
		dump(text, f, n);
	}
	assert_non_null(x);
	if (required >= 0)
		assert_int_equal(x->required, required);
}

static void
expect_no_fact(const struct rules *r, const char *text, int kind,
    const char *value)
{
	struct rule_fact f[RULES_MAX_FACTS];
	int n;

	n = extract(r, text, f);
	if (find(f, n, kind, value) != NULL)
		dump(text, f, n);
	assert_null(find(f, n, kind, value));
}

static int
count_kind(const struct rule_fact *f, int n, int kind)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += f[i].kind == kind;
	return c;
}

static int
utf8_ok(const char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned char c;

	while (i < len) {
		c = (unsigned char)s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (n == 0 || c > 0xf4 || i + n > len)
			return 0;
		for (k = 1; k < n; k++)
			if (((unsigned char)s[i + k] & 0xc0) != 0x80)
				return 0;
		i += n;
	}
	return 1;
}

static void
write_rules(const struct fixture *fx, const char *name, const char *text,
    char *path, size_t pathlen)
{
	FILE *fp;

	(void)snprintf(path, pathlen, "%s/%s", fx->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Load text as a rules file; returns the set or NULL with err filled. */
static struct rules *
load_text(const struct fixture *fx, const char *text, char *err,
    size_t errlen)
{
	char path[256];

	write_rules(fx, "t.conf", text, path, sizeof(path));
	return rules_load(path, fx->ref, err, errlen);
}

static void
expect_load_error(const struct fixture *fx, const char *text,
    const char *want)
{
	char err[2048];
	struct rules *r;

	r = load_text(fx, text, err, sizeof(err));
	if (r != NULL || strstr(err, want) == NULL)
		fprintf(stderr, "want \"%s\", got \"%s\"\n", want,
		    r != NULL ? "(loaded)" : err);
	rules_free(r);
	assert_null(r);
	assert_non_null(strstr(err, want));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* Normalisation                                                       */
/* ------------------------------------------------------------------ */

static void
test_normalize_table(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;	/* 0: strlen */
		const char	*out;
	} t[] = {
		{ "\xc3\x89", 0, "e" },			/* É */
		{ "\xc3\xa9", 0, "e" },			/* é */
		{ "e", 0, "e" },
		{ "E", 0, "e" },
		{ "PERMIS B EXIG\xc3\x89", 0, "permis b exige" },
		{ "Permis B exig\xc3\xa9", 0, "permis b exige" },
		{ "\xc3\xa0\xc3\xa2\xc3\xa4\xc3\xa7\xc3\xa8\xc3\xaa\xc3\xab"
		  "\xc3\xae\xc3\xaf\xc3\xb4\xc3\xb6\xc3\xb9\xc3\xbb\xc3\xbc"
		  "\xc3\xbf", 0, "aaaceeeiioouuuy" },	/* àâäçèêëîïôöùûüÿ */
		{ "\xc3\x80\xc3\x82\xc3\x84\xc3\x87\xc3\x88\xc3\x8a\xc3\x8b"
		  "\xc3\x8e\xc3\x8f\xc3\x94\xc3\x96\xc3\x99\xc3\x9b\xc3\x9c"
		  "\xc5\xb8", 0, "aaaceeeiioouuuy" },	/* capitals, Ÿ */
		{ "man\xc5\x93uvre", 0, "manoeuvre" },	/* œ */
		{ "\xc5\x92UVRE", 0, "oeuvre" },	/* Œ */
		{ "\xc3\xa6\xc3\x86", 0, "aeae" },	/* æÆ */
		{ "\xc3\x9f", 0, "ss" },		/* ß */
		{ "3\xc3\x97" "8", 0, "3x8" },		/* 3×8 */
		{ "l\xe2\x80\x99" "entreprise", 0, "l'entreprise" },	/* ’ */
		{ "l\xe2\x80\x98x\xc2\xb4y", 0, "l'x'y" },	/* ‘ ´ */
		{ "permis\xc2\xa0" "B", 0, "permis b" },	/* NBSP */
		{ "B\xe2\x80\xaf:", 0, "b :" },		/* narrow NBSP */
		{ "\xc2\xab" "pack\xc2\xbb", 0, "\"pack\"" },	/* « » */
		{ "\xe2\x80\x9c" "x\xe2\x80\x9d", 0, "\"x\"" },	/* “ ” */
		{ "a\xe2\x80\x93" "b\xe2\x80\x94" "c", 0, "a-b-c" },	/* – — */
		{ "etc\xe2\x80\xa6", 0, "etc..." },	/* … */
		{ "\xef\xac\x81" "n", 0, "fin" },	/* ﬁ */
		{ "e\xcc\x81t\xc3\xa9", 0, "ete" },	/* decomposed é */
		{ "pr\xc3\xa9\xc2\xad" "paration", 0, "preparation" },	/* SHY */
		{ "a\xe2\x80\x8b" "b", 0, "ab" },	/* zero width space */
		{ "\xe2\x80\xa2 SST", 0, "\n sst" },	/* bullet */
		{ "a\r\nb\tc", 0, "a\n\nb c" },
		{ "a\x01" "b\x7f", 0, "a b " },
		{ "a\0b", 3, "a b" },			/* NUL inside */
		{ "\xce\x91\xce\xa9", 0, "\xce\xb1\xcf\x89" },	/* ΑΩ -> αω */
		{ "\xd0\x96", 0, "\xd0\xb6" },		/* Ж -> ж */
		{ "\xe4\xb8\xad\xe2\x82\xac", 0, "\xe4\xb8\xad\xe2\x82\xac" },
		{ "\xc5\x81\xc3\xb3" "d\xc5\xba", 0, "lodz" },	/* Łódź */
		{ "\xc4\xb2", 0, "ij" },		/* Ĳ */
		{ "\xc3\xb7", 0, "\xc3\xb7" },		/* ÷ kept */
		{ "\xff", 0, " " },			/* invalid byte */
		{ "a\xc3", 0, "a " },			/* cut sequence */
		{ "\xc0\xaf", 0, "  " },		/* overlong */
		{ "\xed\xa0\x80", 0, "   " },		/* surrogate */
		{ "\xf4\x90\x80\x80", 0, "    " },	/* above U+10FFFF */
		{ "\xe2\x82", 0, "  " },		/* cut 3-byte */
		{ "", 0, "" },
	};
	char out[128];
	size_t i, len, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = t[i].len != 0 ? t[i].len : strlen(t[i].in);
		n = rules_normalize(t[i].in, len, out, sizeof(out));
		if (strcmp(out, t[i].out) != 0)
			fprintf(stderr, "case %zu: got \"%s\"\n", i, out);
		assert_string_equal(out, t[i].out);
		assert_int_equal(n, strlen(t[i].out));
	}
}

static void
test_normalize_bounds(void **state)
{
	char out[8];
	size_t n;

	(void)state;
	/* Room for one byte and the NUL. */
	n = rules_normalize("\xc3\xa9\xc3\xa9", 4, out, 2);
	assert_int_equal(n, 1);
	assert_string_equal(out, "e");
	/* "oe" is never split: nothing fits in 2 bytes but the NUL. */
	memset(out, 'x', sizeof(out));
	n = rules_normalize("\xc5\x93", 2, out, 2);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	/* A multi-byte code point kept as it is is not split either. */
	n = rules_normalize("a\xe4\xb8\xad", 4, out, 3);
	assert_int_equal(n, 1);
	assert_string_equal(out, "a");
	n = rules_normalize("abc", 3, out, 1);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	/* outlen 0: nothing written at all. */
	out[0] = 'x';
	n = rules_normalize("abc", 3, out, 0);
	assert_int_equal(n, 0);
	assert_int_equal(out[0], 'x');
	n = rules_normalize(NULL, 5, out, sizeof(out));
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
}

/* Random bytes: output valid UTF-8, NUL terminated, no longer than input. */
static void
test_normalize_random(void **state)
{
	static const unsigned char pieces[][4] = {
		{ 0xc3, 0xa9 }, { 0xc5, 0x93 }, { 0xe2, 0x80, 0x99 },
		{ 0xc2, 0xa0 }, { 0xff }, { 0xc3 }, { 0x80 }, { 'A' },
		{ 0xf0, 0x9f, 0x98, 0x80 }, { 0xe4, 0xb8, 0xad }, { 0 },
		{ 0xef, 0xac, 0x83 }, { 0xe2, 0x80, 0xa6 },
	};
	unsigned char in[256];
	char out[300];
	size_t len, n, k, pl;
	unsigned seed = 12345;
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		len = 0;
		while (len < 200) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]) +
			    4);
			if (k >= sizeof(pieces) / sizeof(pieces[0])) {
				in[len++] = (unsigned char)(seed >> 8);
				continue;
			}
			pl = pieces[k][0] == 0 ? 1 : strnlen((const char *)
			    pieces[k], 4);
			memcpy(in + len, pieces[k], pl);
			len += pl;
		}
		n = rules_normalize((const char *)in, len, out, len + 1);
		assert_true(n <= len);
		assert_int_equal(out[n], '\0');
		assert_int_equal(strlen(out), n);
		assert_true(utf8_ok(out, n));
		/* A smaller buffer: a prefix, still valid. */
		n = rules_normalize((const char *)in, len, out, 17);
		assert_true(n <= 16);
		assert_true(utf8_ok(out, n));
	}
}

/* ------------------------------------------------------------------ */
/* The shipped file                                                    */
/* ------------------------------------------------------------------ */

static void
test_shipped_loads(void **state)
{
	struct fixture *fx = *state;
	struct rules_stats st;
	struct rules *r;
	char err[4096];
	uint32_t jit = 0;
	int i;

	err[0] = 'x';
	r = rules_load(RULES_CONF, fx->ref, err, sizeof(err));
	if (r == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(r);
	assert_string_equal(err, "");
	rules_stats(r, &st);
	assert_true(st.rules > 100);
	for (i = 0; i < 6; i++)
		assert_true(st.by_kind[i] > 0);
	assert_true(st.by_kind[RULE_ROME] >= 40);
	(void)pcre2_config(PCRE2_CONFIG_JIT, &jit);
	if (jit)
		assert_int_equal(st.jit, st.rules);
	assert_int_equal(st.limit_hits, 0);
	rules_free(r);
}

/*
 * Every rule of the shipped file satisfies the "#>" examples just above
 * it, and has at least one.
 */
static void
test_shipped_examples(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS];
	char line[8192], ex[32][512], value[64], want[256], rome[8];
	char *eq, *arrow, *tok, *save;
	const char *sec = "";
	static char section[32];
	int nex = 0, lineno = 0, i, k, n, kind, checked = 0, id, ls;
	FILE *fp;

	fp = fopen(RULES_CONF, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "#> ", 3) == 0) {
			assert_true(nex < 32);
			(void)snprintf(ex[nex++], sizeof(ex[0]), "%.500s",
			    line + 3);
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == '[') {
			(void)snprintf(section, sizeof(section), "%.*s",
			    (int)(strlen(line) - 2), line + 1);
			sec = section;
			continue;
		}
		eq = strchr(line, '=');
		assert_non_null(eq);
		(void)snprintf(value, sizeof(value), "%.*s",
		    (int)(eq - line), line);
		value[strcspn(value, " ")] = '\0';
		if (nex == 0)
			fprintf(stderr, "rules.conf:%d: no example\n", lineno);
		assert_true(nex > 0);
		kind = -1;
		for (k = 0; k < 6; k++)
			if (strcmp(sec, rules_kind_name(k)) == 0)
				kind = k;
		for (i = 0; i < nex; i++) {
			arrow = strstr(ex[i], " => ");
			if (arrow != NULL) {
				(void)snprintf(want, sizeof(want), "%s",
				    arrow + 4);
				*arrow = '\0';
			} else
				(void)snprintf(want, sizeof(want), "%s",
				    value);
			checked++;
			if (kind == RULE_ROME) {
				id = rules_rome_for_title(fx->rules, ex[i],
				    strlen(ex[i]), rome);
				if (strcmp(rome, value) != 0)
					fprintf(stderr, "rules.conf:%d: "
					    "\"%s\" -> \"%s\", want %s\n",
					    lineno, ex[i], rome, value);
				assert_string_equal(rome, value);
				assert_int_equal(id, refdata_rome_id(fx->ref,
				    value, strlen(value)));
				continue;
			}
			n = extract(fx->rules, ex[i], f);
			if (kind < 0) {
				/* [wording]: decides the licences, skills. */
				ls = 0;
				for (k = 0; k < n; k++) {
					if (f[k].kind != RULE_LICENCE &&
					    f[k].kind != RULE_SKILL)
						continue;
					ls++;
					if (f[k].required !=
					    (strcmp(value, "required") == 0)) {
						fprintf(stderr, "rules.conf:"
						    "%d:\n", lineno);
						dump(ex[i], f, n);
					}
					assert_int_equal(f[k].required,
					    strcmp(value, "required") == 0);
				}
				if (ls == 0) {
					fprintf(stderr, "rules.conf:%d: no "
					    "licence or skill\n", lineno);
					dump(ex[i], f, n);
				}
				assert_true(ls > 0);
				continue;
			}
			assert_null(strstr(want, "$1"));
			for (tok = strtok_r(want, " ", &save); tok != NULL;
			    tok = strtok_r(NULL, " ", &save)) {
				if (find(f, n, kind, tok) == NULL) {
					fprintf(stderr, "rules.conf:%d: want "
					    "%s\n", lineno, tok);
					dump(ex[i], f, n);
				}
				assert_non_null(find(f, n, kind, tok));
			}
		}
		nex = 0;
	}
	(void)fclose(fp);
	assert_true(checked > 250);
}

/* ------------------------------------------------------------------ */
/* Facts, required and wished                                          */
/* ------------------------------------------------------------------ */

static void
test_sample_phrases(void **state)
{
	struct fixture *fx = *state;
	const struct rules *r = fx->rules;

	expect_fact(r, "Permis B EXIG\xc3\x89", RULE_LICENCE, "B", 1);
	expect_fact(r, "permis b exige", RULE_LICENCE, "B", 1);
	expect_fact(r, "PERMIS B EXIGE", RULE_LICENCE, "B", 1);
	expect_fact(r, "Permis\xc2\xa0" "B exig\xc3\xa9" "e", RULE_LICENCE,
	    "B", 1);
	expect_fact(r, "CACES R489 cat. 3 souhait\xc3\xa9", RULE_SKILL,
	    "caces-r489-3", 0);
	expect_fact(r, "caces r489 cat 3 SOUHAITE", RULE_SKILL,
	    "caces-r489-3", 0);
	expect_fact(r, "D\xc3\xa9" "butant accept\xc3\xa9", RULE_FLAG,
	    "debutant_accepte", -1);
	expect_fact(r, "DEBUTANT ACCEPTE", RULE_FLAG, "debutant_accepte", -1);
	expect_fact(r, "de\xcc\x81" "butant accepte\xcc\x81", RULE_FLAG,
	    "debutant_accepte", -1);
	expect_fact(r, "travail de nuit", RULE_FLAG, "nuit", -1);
	expect_fact(r, "Travail de NUIT et le week\xe2\x80\x91" "end",
	    RULE_FLAG, "week_end", -1);
	expect_fact(r, "Travail post\xc3\xa9 en 3\xc3\x97" "8", RULE_FLAG,
	    "travail_poste", -1);
	expect_fact(r, "Contrat \xc3\xa0 dur\xc3\xa9" "e d\xc3\xa9"
	    "termin\xc3\xa9" "e de 6 mois", RULE_DURATION, "6", -1);
	expect_fact(r, "CDD de 1 an", RULE_DURATION, "12", -1);
	expect_fact(r, "Int\xc3\xa9rim", RULE_CONTRACT, "interim", -1);
	expect_fact(r, "Contrat aid\xc3\xa9 (CUI-CIE)", RULE_CONTRACT, "aide",
	    -1);
	expect_fact(r, "Contrat de professionnalisation", RULE_CONTRACT,
	    "alternance", -1);
	expect_fact(r, "CDDI en SIAE", RULE_CONTRACT, "insertion", -1);
	expect_fact(r, "Habilitation \xc3\xa9lectrique B0 H0V exig\xc3\xa9" "e",
	    RULE_SKILL, "habilitation-b0", 1);
	expect_fact(r, "Formation pr\xc3\xa9" "alable \xc2\xab pack "
	    "s\xc3\xa9" "curit\xc3\xa9 \xc2\xbb", RULE_SKILL, "pack-securite",
	    0);
	expect_fact(r, "Permis super lourd", RULE_LICENCE, "CE", 0);
	expect_fact(r, "permis semi-remorque obligatoire", RULE_LICENCE, "CE",
	    1);
	expect_fact(r, "Permis poids lourd", RULE_LICENCE, "C", 0);
	expect_fact(r, "Permis transport en commun", RULE_LICENCE, "D", 0);

	/* What must not be read as a fact. */
	expect_no_fact(r, "Permis de travail", RULE_LICENCE, "DE");
	expect_no_fact(r, "Permis de travail", RULE_LICENCE, "D");
	expect_no_fact(r, "permis B et \xc3\xa0 jour", RULE_LICENCE, "A");
	expect_no_fact(r, "permis d'exploitation", RULE_LICENCE, "D");
	expect_no_fact(r, "permis B pour ce poste", RULE_LICENCE, "CE");
	expect_no_fact(r, "La SPL Euralille recrute", RULE_LICENCE, "CE");
	expect_no_fact(r, "Mensuel de 1450 Euros sur 12 mois", RULE_DURATION,
	    "12");
	expect_no_fact(r, "CDI pay\xc3\xa9 sur 13 mois", RULE_DURATION, "13");
	expect_no_fact(r, "Poste pour les moins de 26 ans", RULE_DURATION,
	    "312");
	expect_no_fact(r, "Poste avec 2 ans d'exp\xc3\xa9rience", RULE_DURATION,
	    "24");
	expect_no_fact(r, "CACES R489 3 ans d'exp\xc3\xa9rience", RULE_SKILL,
	    "caces-r489-3");
	expect_no_fact(r, "Dans le cadre de la clause d'insertion",
	    RULE_CONTRACT, "insertion");
	expect_no_fact(r, "CUI - CIE", RULE_CONTRACT, "insertion");
	expect_no_fact(r, "CDI int\xc3\xa9rimaire", RULE_CONTRACT, "cdi");
	expect_no_fact(r, "CDD d'insertion", RULE_CONTRACT, "cdd");
	expect_no_fact(r, "formation de 3 mois avant contrat", RULE_DURATION,
	    "3");
}

static void
test_required_wished(void **state)
{
	struct fixture *fx = *state;
	const struct rules *r = fx->rules;
	static const struct {
		const char	*text;
		int		 kind;
		const char	*value;
		int		 required;
	} t[] = {
		/* No wording in the sentence: wished. */
		{ "Permis B.", RULE_LICENCE, "B", 0 },
		{ "CACES R489 cat. 3", RULE_SKILL, "caces-r489-3", 0 },
		{ "Habilitation B0", RULE_SKILL, "habilitation-b0", 0 },
		/* Wording before or after the fact. */
		{ "Titulaire du permis B", RULE_LICENCE, "B", 1 },
		{ "Vous devez poss\xc3\xa9" "der le permis C", RULE_LICENCE,
		    "C", 1 },
		{ "Exig\xc3\xa9 : permis B", RULE_LICENCE, "B", 1 },
		{ "Id\xc3\xa9" "alement permis B", RULE_LICENCE, "B", 0 },
		{ "Id\xc3\xa9" "alement titulaire du permis B", RULE_LICENCE,
		    "B", 0 },
		{ "Le CACES 3 serait un plus", RULE_SKILL, "caces-r489-3", 0 },
		/* The nearest wording wins. */
		{ "Permis B exig\xc3\xa9, CACES R489 cat. 3 appr\xc3\xa9"
		  "ci\xc3\xa9.", RULE_LICENCE, "B", 1 },
		{ "Permis B exig\xc3\xa9, CACES R489 cat. 3 appr\xc3\xa9"
		  "ci\xc3\xa9.", RULE_SKILL, "caces-r489-3", 0 },
		{ "CACES appr\xc3\xa9" "ci\xc3\xa9, permis B exig\xc3\xa9",
		    RULE_LICENCE, "B", 1 },
		{ "Permis C exig\xc3\xa9, FIMO souhait\xc3\xa9" "e",
		    RULE_SKILL, "fimo", 0 },
		{ "Permis C exig\xc3\xa9, FIMO souhait\xc3\xa9" "e",
		    RULE_LICENCE, "C", 1 },
		{ "Permis B obligatoire mais CACES appr\xc3\xa9" "ci\xc3\xa9",
		    RULE_SKILL, "caces", 0 },
		/* Lists share the wording. */
		{ "Titulaire du permis B, C et CE", RULE_LICENCE, "C", 1 },
		{ "Titulaire du permis B, C et CE", RULE_LICENCE, "CE", 1 },
		{ "CACES 1, 3 et 5 exig\xc3\xa9s", RULE_SKILL, "caces-r489-1",
		    1 },
		/* Optional wording hides the required word inside it. */
		{ "Permis B non exig\xc3\xa9", RULE_LICENCE, "B", 0 },
		{ "Permis B pas obligatoire", RULE_LICENCE, "B", 0 },
		{ "Permis B : pas forc\xc3\xa9ment exig\xc3\xa9", RULE_LICENCE,
		    "B", 0 },
		/* Sentences end at . ; ! ? and new lines, not at "cat.". */
		{ "Permis B. Exp\xc3\xa9rience exig\xc3\xa9" "e.", RULE_LICENCE,
		    "B", 0 },
		{ "Permis B; CACES obligatoire", RULE_LICENCE, "B", 0 },
		{ "Permis B souhait\xc3\xa9\nCACES R489 cat. 3 obligatoire",
		    RULE_SKILL, "caces-r489-3", 1 },
		{ "Permis B souhait\xc3\xa9\nCACES R489 cat. 3 obligatoire",
		    RULE_LICENCE, "B", 0 },
		{ "\xe2\x80\xa2 Permis B \xe2\x80\xa2 SST exig\xc3\xa9",
		    RULE_LICENCE, "B", 0 },
		{ "CACES R489 cat. 3 exig\xc3\xa9", RULE_SKILL, "caces-r489-3",
		    1 },
		{ "Habilitation \xc3\xa9lectrique B0 (norme 3.5) "
		  "exig\xc3\xa9" "e", RULE_SKILL, "habilitation-b0", 1 },
		/* The fact's own words are not wording. */
		{ "Formation initiale minimale obligatoire", RULE_SKILL,
		    "fimo", 0 },
		{ "Formation initiale minimale obligatoire exig\xc3\xa9" "e",
		    RULE_SKILL, "fimo", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_fact(r, t[i].text, t[i].kind, t[i].value,
		    t[i].required);
}

static void
test_dedup(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS];
	const struct rule_fact *x;
	const char *text = "Permis B souhait\xc3\xa9. Le PERMIS B est "
	    "exig\xc3\xa9. permis b. Permis B, C et B.";
	int n;

	n = extract(fx->rules, text, f);
	assert_int_equal(count_kind(f, n, RULE_LICENCE), 2);	/* B, C */
	x = find(f, n, RULE_LICENCE, "B");
	assert_non_null(x);
	assert_int_equal(x->required, 1);
	/* The excerpt is the required occurrence, in the original text. */
	assert_string_equal(x->excerpt, "PERMIS B");

	/* Wished twice stays wished and reported once. */
	n = extract(fx->rules, "SST. SST souhait\xc3\xa9. sst", f);
	assert_int_equal(count_kind(f, n, RULE_SKILL), 1);
	assert_int_equal(f[0].required, 0);
}

static void
test_excerpt(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS];
	const struct rule_fact *x;
	char text[512];
	int n, i;

	n = extract(fx->rules, "Poste : D\xc3\xa9" "butant\xc2\xa0"
	    "accept\xc3\xa9 !", f);
	x = find(f, n, RULE_FLAG, "debutant_accepte");
	assert_non_null(x);
	assert_string_equal(x->excerpt, "D\xc3\xa9" "butant accept\xc3\xa9");
	n = extract(fx->rules, "D\xc3\xa9" "butant(e) accept\xc3\xa9(e).", f);
	x = find(f, n, RULE_FLAG, "debutant_accepte");
	assert_non_null(x);
	assert_string_equal(x->excerpt, "D\xc3\xa9" "butant(e) accept\xc3\xa9(e)");

	n = extract(fx->rules, "le PERMIS\xc2\xa0" "B", f);
	x = find(f, n, RULE_LICENCE, "B");
	assert_non_null(x);
	assert_string_equal(x->excerpt, "PERMIS B");

	/* List items (\G) quote the list up to themselves. */
	n = extract(fx->rules, "CACES R489 cat. 1, 3 et 5 exig\xc3\xa9s", f);
	x = find(f, n, RULE_SKILL, "caces-r489-1");
	assert_non_null(x);
	assert_string_equal(x->excerpt, "CACES R489 cat. 1");
	x = find(f, n, RULE_SKILL, "caces-r489-5");
	assert_non_null(x);
	assert_string_equal(x->excerpt, "CACES R489 cat. 1, 3 et 5");
	assert_int_equal(x->required, 1);
	/* When the list is too long, the item alone, without its comma. */
	n = extract(fx->rules, "Habilitation \xc3\xa9lectrique B0, H0, BS, "
	    "BR, BC, HC, B1V, B2V, H1V, H2V", f);
	x = find(f, n, RULE_SKILL, "habilitation-h2v");
	assert_non_null(x);
	assert_string_equal(x->excerpt, "H2V");

	/* A long match: cut on a character boundary, valid UTF-8. */
	(void)snprintf(text, sizeof(text), "CDD %s 6 mois", "\xc3\xa9t\xc3\xa9"
	    " \xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9 "
	    "\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9");
	n = extract(fx->rules, text, f);
	/* fail() returns as far as GCC knows: say it, for -Wstringop-overread. */
	if ((x = find(f, n, RULE_DURATION, "6")) == NULL) {
		fail();
		return;
	}
	assert_true(strlen(x->excerpt) < sizeof(x->excerpt));
	assert_true(utf8_ok(x->excerpt, strlen(x->excerpt)));
	for (i = 0; i < n; i++)
		assert_true(strlen(f[i].excerpt) > 0);
}

static void
test_reason(void **state)
{
	struct rule_fact f;
	char buf[128];

	(void)state;
	memset(&f, 0, sizeof(f));
	f.kind = RULE_LICENCE;
	strcpy(f.value, "B");
	f.required = 1;
	(void)rules_fact_reason(&f, "description", buf, sizeof(buf));
	assert_string_equal(buf, "permis B exig\xc3\xa9 (description)");
	f.required = 0;
	(void)rules_fact_reason(&f, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "permis B souhait\xc3\xa9");
	f.kind = RULE_SKILL;
	strcpy(f.value, "caces-r489-3");
	(void)rules_fact_reason(&f, "", buf, sizeof(buf));
	assert_string_equal(buf, "caces-r489-3 souhait\xc3\xa9");
	f.kind = RULE_FLAG;
	strcpy(f.value, "nuit");
	(void)rules_fact_reason(&f, "description", buf, sizeof(buf));
	assert_string_equal(buf, "travail de nuit (description)");
	f.kind = RULE_CONTRACT;
	strcpy(f.value, "cdd");
	(void)rules_fact_reason(&f, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "contrat CDD");
	strcpy(f.value, "insertion");
	(void)rules_fact_reason(&f, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "contrat d'insertion");
	strcpy(f.value, "aide");
	(void)rules_fact_reason(&f, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "contrat aid\xc3\xa9");
	f.kind = RULE_DURATION;
	strcpy(f.value, "6");
	(void)rules_fact_reason(&f, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "dur\xc3\xa9" "e 6 mois");
	/* Truncation is snprintf's. */
	assert_true(rules_fact_reason(&f, "x", buf, 4) > 3);
	assert_int_equal(strlen(buf), 3);
}

/* ------------------------------------------------------------------ */
/* Titles                                                              */
/* ------------------------------------------------------------------ */

static void
test_title_rome(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char	*title;
		const char	*rome;
	} t[] = {
		{ "Coffreur bancheur (H/F)", "F1701" },
		{ "COFFREUSE BANCHEUSE", "F1701" },
		{ "COMMIS DE CUISINE", "G1602" },
		{ "commis de cuisine", "G1602" },
		{ "T\xc3\xa9l\xc3\xa9" "conseiller", "D1408" },
		{ "TELECONSEILLERE", "D1408" },
		{ "T\xc3\x89L\xc3\x89" "CONSEILL\xc3\x88RE (H/F)", "D1408" },
		{ "Ma\xc3\xa7on", "F1703" },
		{ "MA\xc3\x87ON VRD", "F1703" },
		{ "Man\xc5\x93uvre", "F1704" },
		{ "Femme de chambre", "G1501" },
		{ "Valet de chambre", "G1501" },
		{ "\xc3\x89lectricien de maintenance", "I1309" },
		{ "\xc3\x89lectricien", "F1602" },
		{ "Conducteur poids lourd", "N4101" },
		{ "Chauffeur livreur", "N4105" },
		{ "Agent d'entretien des espaces verts", "A1203" },
	};
	char rome[ROME_CODE_LEN + 1];
	size_t i;
	int id;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		id = rules_rome_for_title(fx->rules, t[i].title,
		    strlen(t[i].title), rome);
		if (strcmp(rome, t[i].rome) != 0)
			fprintf(stderr, "\"%s\" -> \"%s\"\n", t[i].title,
			    rome);
		assert_string_equal(rome, t[i].rome);
		assert_int_equal(id, refdata_rome_id(fx->ref, t[i].rome, 5));
	}
	strcpy(rome, "XXXXX");
	id = rules_rome_for_title(fx->rules, "Astronaute", 10, rome);
	assert_int_equal(id, -1);
	assert_string_equal(rome, "");
	id = rules_rome_for_title(fx->rules, "", 0, rome);
	assert_int_equal(id, -1);
}

/* ------------------------------------------------------------------ */
/* Limits and bounds                                                   */
/* ------------------------------------------------------------------ */

static void
check_runaway(const struct fixture *fx, const char *conf)
{
	struct rule_fact f[RULES_MAX_FACTS];
	struct rules_stats st;
	struct rules *r;
	char err[1024], text[5100];
	double t0, t1;
	int n;

	r = load_text(fx, conf, err, sizeof(err));
	if (r == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(r);

	memset(text, 'a', 50);
	strcpy(text + 50, "b");
	t0 = now();
	n = rules_extract(r, text, strlen(text), f, RULES_MAX_FACTS);
	t1 = now();
	assert_int_equal(n, 0);
	rules_stats(r, &st);
	assert_int_equal(st.limit_hits, 1);
	/* 2^50 steps without the limit; well under a second with it. */
	assert_true(t1 - t0 < 2.0);

	/* A longer subject: still one abandoned match, still quick. */
	memset(text, 'a', 5000);
	strcpy(text + 5000, "b");
	t0 = now();
	n = rules_extract(r, text, strlen(text), f, RULES_MAX_FACTS);
	t1 = now();
	assert_int_equal(n, 0);
	assert_true(t1 - t0 < 2.0);
	rules_stats(r, &st);
	assert_int_equal(st.limit_hits, 2);

	/* Titles too. */
	assert_int_equal(rules_rome_for_title(r, text, strlen(text),
	    (char [ROME_CODE_LEN + 1]){ 0 }), -1);
	rules_stats(r, &st);
	assert_int_equal(st.limit_hits, 3);
	assert_int_equal(st.match_errors, 0);
	rules_free(r);
}

static void
test_match_limit(void **state)
{
	struct fixture *fx = *state;

	/* JIT (when available), then the interpreter. */
	check_runaway(fx, "[flag]\nnuit = (a+)+$\n[rome]\nF1701 = (a+)+$\n");
	check_runaway(fx, "[flag]\nnuit = (*NO_JIT)(a+)+$\n"
	    "[rome]\nF1701 = (*NO_JIT)(a+)+$\n");
}

static void
test_long_input(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS];
	struct rules_stats before, after;
	size_t len = 200 * 1024, i;
	char *text;
	int n;

	text = malloc(len + 1);
	assert_non_null(text);
	for (i = 0; i < len; i++)
		text[i] = "lorem ipsum dolor sit amet. "[i % 28];
	memcpy(text, "Permis B exig\xc3\xa9. ", 17);
	memcpy(text + len - 20, " SST obligatoire.   ", 20);
	text[len] = '\0';
	rules_stats(fx->rules, &before);
	n = rules_extract(fx->rules, text, len, f, RULES_MAX_FACTS);
	rules_stats(fx->rules, &after);
	assert_non_null(find(f, n, RULE_LICENCE, "B"));
	/* Beyond the first 64 KiB: not examined. */
	assert_null(find(f, n, RULE_SKILL, "sst"));
	assert_int_equal(after.truncated, before.truncated + 1);
	assert_int_equal(after.limit_hits, before.limit_hits);

	/* A cut in the middle of a character is a space, not an error. */
	memset(text, ' ', len);
	memcpy(text + RULES_MAX_INPUT - 1, "\xc3\xa9", 2);
	n = rules_extract(fx->rules, text, len, f, RULES_MAX_FACTS);
	assert_int_equal(n, 0);
	free(text);

	n = rules_extract(fx->rules, "", 0, f, RULES_MAX_FACTS);
	assert_int_equal(n, 0);
	n = rules_extract(fx->rules, NULL, 0, f, RULES_MAX_FACTS);
	assert_int_equal(n, 0);
	n = rules_extract(fx->rules, "Permis B", 8, f, 0);
	assert_int_equal(n, 0);
}

static void
test_max_facts(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS + 1];
	struct rules_stats before, after;
	const char *text = "Permis B, C, CE, D, AM, C1, BE. FIMO, FCO, ADR. "
	    "CACES 1, 2, 3, 4, 5, 6, 7. SST, OPPBTP, AIPR, HACCP, ATEX, "
	    "Sensigaz, \xc3\xa9lingage, harnais. Habilitation B0 H0 BS BR "
	    "B1V B2V BC HC. CDI, CDD, int\xc3\xa9rim, alternance. Travail "
	    "de nuit, le week-end, en horaires d\xc3\xa9" "cal\xc3\xa9s.";
	int n;

	memset(f, 0, sizeof(f));
	f[RULES_MAX_FACTS].kind = 99;
	rules_stats(fx->rules, &before);
	n = rules_extract(fx->rules, text, strlen(text), f, RULES_MAX_FACTS);
	rules_stats(fx->rules, &after);
	assert_int_equal(n, RULES_MAX_FACTS);
	assert_int_equal(f[RULES_MAX_FACTS].kind, 99);	/* untouched */
	assert_true(after.dropped > before.dropped);

	n = rules_extract(fx->rules, text, strlen(text), f, 2);
	assert_int_equal(n, 2);
	assert_int_equal(f[0].kind, RULE_LICENCE);
}

/* ------------------------------------------------------------------ */
/* Load errors                                                         */
/* ------------------------------------------------------------------ */

static void
test_load_errors(void **state)
{
	struct fixture *fx = *state;
	char err[2048], path[256];
	struct rules *r;

	expect_load_error(fx, "[skill]\nsst = (abc\n",
	    "t.conf:2: missing closing parenthesis at offset 4");
	/* The offset is in the pattern as written, accents included. */
	expect_load_error(fx, "# x\n[skill]\nsst = \xc3\xa9t\xc3\xa9 (abc\n",
	    "t.conf:3: missing closing parenthesis at offset 10");
	expect_load_error(fx, "[skill]\nsst = a{2,1}\n",
	    "t.conf:2: numbers out of order in {} quantifier at offset 5");
	expect_load_error(fx, "[foo]\nx = y\n", "t.conf:1: unknown section "
	    "[foo]");
	expect_load_error(fx, "[licence]\nZ = permis z\n",
	    "t.conf:2: unknown licence 'Z'");
	expect_load_error(fx, "[licence]\nb = permis b\n",
	    "t.conf:2: unknown licence 'b'");
	expect_load_error(fx, "[rome]\nF9999 = foo\n",
	    "t.conf:2: unknown ROME code 'F9999'");
	expect_load_error(fx, "[rome]\nF17 = foo\n",
	    "t.conf:2: unknown ROME code 'F17'");
	expect_load_error(fx, "[skill]\nCaces = caces\n",
	    "t.conf:2: invalid skill tag 'Caces'");
	expect_load_error(fx, "[skill]\n-sst = sst\n",
	    "t.conf:2: invalid skill tag '-sst'");
	expect_load_error(fx, "[skill]\n"
	    "abcdefghij-abcdefghij-abcdefghij-abcdefghij = x\n",
	    "t.conf:2: invalid skill tag");
	expect_load_error(fx, "[skill]\ncaces-$1 = caces\n",
	    "t.conf:2: '$1' needs a capturing group in the pattern");
	expect_load_error(fx, "[flag]\nnight = nuit\n",
	    "t.conf:2: unknown flag 'night'");
	expect_load_error(fx, "[contract]\nCDI = cdi\n",
	    "t.conf:2: unknown contract 'CDI'");
	expect_load_error(fx, "[contract]\ncdi$1 = (cdi)\n",
	    "t.conf:2: '$1' is not allowed in [contract] values");
	expect_load_error(fx, "[duration]\n0 = x\n",
	    "t.conf:2: duration must be N, $1 or N*$1");
	expect_load_error(fx, "[duration]\n601 = x\n",
	    "t.conf:2: duration must be N, $1 or N*$1");
	expect_load_error(fx, "[duration]\n$1*12 = (\\d) ans\n",
	    "t.conf:2: duration must be N, $1 or N*$1");
	expect_load_error(fx, "[duration]\nsix = x\n",
	    "t.conf:2: duration must be N, $1 or N*$1");
	expect_load_error(fx, "[wording]\nmandatory = x\n",
	    "t.conf:2: unknown wording 'mandatory'");
	expect_load_error(fx, "sst = sst\n", "t.conf:1: rule outside a "
	    "section");
	expect_load_error(fx, "[skill]\nsst sst\n", "t.conf:2: missing '='");
	expect_load_error(fx, "[skill]\nsst =\n", "t.conf:2: missing pattern");
	expect_load_error(fx, "[skill]\n= sst\n", "t.conf:2: missing value");
	expect_load_error(fx, "[skill\n", "t.conf:1: missing ']'");
	expect_load_error(fx, "[skill]\nsst = s\xffst\n",
	    "t.conf:2: invalid UTF-8");

	/* Every error is reported, each with its line. */
	r = load_text(fx, "[skill]\nsst = (\nok = ok\n[licence]\nQ = q\n"
	    "[rome]\nZ9999 = z\n", err, sizeof(err));
	assert_null(r);
	assert_non_null(strstr(err, "t.conf:2: "));
	assert_non_null(strstr(err, "\n"));
	assert_non_null(strstr(err, "t.conf:5: unknown licence 'Q'"));
	assert_non_null(strstr(err, "t.conf:7: unknown ROME code 'Z9999'"));
	assert_null(strstr(err, "t.conf:3"));

	/* A small error buffer is filled with whole lines only. */
	r = load_text(fx, "[skill]\nsst = (\n", err, 10);
	assert_null(r);
	assert_true(strlen(err) < 10);
	r = load_text(fx, "[skill]\nsst = (\n", NULL, 0);
	assert_null(r);

	(void)snprintf(path, sizeof(path), "%s/missing.conf", fx->dir);
	r = rules_load(path, fx->ref, err, sizeof(err));
	assert_null(r);
	assert_non_null(strstr(err, "missing.conf: cannot open"));
	r = rules_load(RULES_CONF, NULL, err, sizeof(err));
	assert_null(r);
}

static void
test_load_ok(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS];
	char err[1024], rome[ROME_CODE_LEN + 1];
	struct rules *r;
	int n;

	/*
	 * Accents in patterns are folded like the text; comments with # and
	 * ;, blank and indented lines; '=' inside a pattern; an empty file
	 * section.
	 */
	r = load_text(fx, "# rules\n; comment\n\n  [flag]  \n"
	    "  nuit =  \xc3\xa9quipe de nuit  \n"
	    "week_end = (?=samedi)samedi\n[wording]\n"
	    "required = exig\xc3\xa9\n[skill]\n"
	    "tag-$1 = \\btag\\s(\\w+)\n[duration]\n"
	    "$1 = (\\d+) mois\n12*$1 = (\\d+) ans?\n[rome]\n"
	    "G1602 = cuisin\n[contract]\n", err, sizeof(err));
	if (r == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(r);
	n = extract(r, "\xc3\x89QUIPE DE NUIT le samedi. 700 mois. 3 ans. "
	    "TAG Foo exig\xc3\xa9. tag \xc3\xa9t\xc3\xa9. tag a_b", f);
	assert_non_null(find(f, n, RULE_FLAG, "nuit"));
	assert_non_null(find(f, n, RULE_FLAG, "week_end"));
	assert_null(find(f, n, RULE_DURATION, "700"));	/* > 600 */
	assert_non_null(find(f, n, RULE_DURATION, "36"));
	assert_non_null(find(f, n, RULE_SKILL, "tag-foo"));
	assert_int_equal(find(f, n, RULE_SKILL, "tag-foo")->required, 1);
	assert_non_null(find(f, n, RULE_SKILL, "tag-ete"));
	assert_non_null(find(f, n, RULE_SKILL, "tag-a_b"));
	assert_int_equal(rules_rome_for_title(r, "CUISINIER", 9, rome),
	    refdata_rome_id(fx->ref, "G1602", 5));
	rules_free(r);

	/* A capture that is not a valid tag is skipped. */
	r = load_text(fx, "[skill]\ntag-$1 = tag (\\S+)\n", err,
	    sizeof(err));
	assert_non_null(r);
	n = extract(r, "tag \xe4\xb8\xad", f);
	assert_int_equal(n, 0);
	rules_free(r);

	/* An empty file loads: no rules, no facts. */
	r = load_text(fx, "", err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(extract(r, "permis B", f), 0);
	assert_int_equal(rules_rome_for_title(r, "x", 1, rome), -1);
	rules_free(r);
	rules_free(NULL);
}

/* ------------------------------------------------------------------ */
/* France Travail samples                                              */
/* ------------------------------------------------------------------ */

struct want {
	const char	*id;
	const char	*field;		/* which text */
	int		 kind;
	const char	*value;
	int		 required;	/* -1: either */
};

static const struct want sample_wants[] = {
	{ "201KCBA", "description", RULE_SKILL, "cqp-coffreur-bancheur", 0 },
	{ "201KCBA", "description", RULE_CONTRACT, "alternance", -1 },
	{ "201KCBA", "typeContratLibelle", RULE_CONTRACT, "cdd", -1 },
	{ "201KCBA", "typeContratLibelle", RULE_DURATION, "12", -1 },
	{ "201KCBA", "natureContrat", RULE_CONTRACT, "alternance", -1 },
	{ "201KCBA", "experienceLibelle", RULE_FLAG, "debutant_accepte", -1 },
	{ "201KCBB", "description", RULE_SKILL, "pack-securite", 0 },
	{ "201KCBB", "description", RULE_SKILL, "travail-hauteur", 0 },
	{ "201KCBB", "description", RULE_SKILL, "harnais", 0 },
	{ "201KCBB", "typeContratLibelle", RULE_DURATION, "6", -1 },
	{ "201KCBB", "natureContrat", RULE_CONTRACT, "aide", -1 },
	{ "201KCBC", "description", RULE_LICENCE, "B", 1 },
	{ "201KCBC", "description", RULE_SKILL, "oppbtp", 0 },
	{ "201KCBC", "description", RULE_SKILL, "sensigaz", 0 },
	{ "201KCBC", "typeContratLibelle", RULE_CONTRACT, "interim", -1 },
	{ "201KCBC", "typeContratLibelle", RULE_DURATION, "6", -1 },
	{ "201KCBD", "description", RULE_CONTRACT, "alternance", -1 },
	{ "201KCBD", "description", RULE_CONTRACT, "cdi", -1 },
	{ "201KCBD", "description", RULE_DURATION, "6", -1 },
	{ "201KCBD", "description", RULE_FLAG, "travail_poste", -1 },
	{ "201KCBD", "description", RULE_FLAG, "nuit", -1 },
	{ "201KCBD", "dureeTravailLibelle", RULE_FLAG, "travail_poste", -1 },
	{ "201KCBE", "description", RULE_FLAG, "week_end", -1 },
	{ "201KCBE", "typeContratLibelle", RULE_CONTRACT, "cdi", -1 },
	{ "201KCBF", "description", RULE_CONTRACT, "saisonnier", -1 },
	{ "201KCBF", "intitule", RULE_CONTRACT, "saisonnier", -1 },
	{ "201KCBF", "typeContratLibelle", RULE_CONTRACT, "saisonnier", -1 },
	{ "201KCBF", "typeContratLibelle", RULE_DURATION, "4", -1 },
	{ "201KCBG", "description", RULE_SKILL, "caces-r486", 0 },
	{ "201KCBG", "description", RULE_CONTRACT, "alternance", -1 },
	{ "201KCBG", "typeContratLibelle", RULE_DURATION, "3", -1 },
	{ "201KCBH", "description", RULE_CONTRACT, "alternance", -1 },
	{ "201KCBH", "typeContratLibelle", RULE_DURATION, "12", -1 },
	{ "201KCBK", "description", RULE_SKILL, "sst", 0 },
	{ "201KCBK", "description", RULE_SKILL, "harnais", 0 },
	{ "201KCBK", "description", RULE_SKILL, "elingage", 0 },
	{ "201KCBK", "natureContrat", RULE_CONTRACT, "aide", -1 },
	{ "201KCBL", "dureeTravailLibelleConverti", RULE_FLAG,
	    "temps_partiel", -1 },
	{ "201KCBM", "typeContratLibelle", RULE_DURATION, "8", -1 },
};

/* Facts that must not come out of a sample. */
static const struct want sample_unwanted[] = {
	/* "Aucun diplôme exigé": nothing required in that sentence. */
	{ "201KCBE", "description", RULE_LICENCE, "B", -1 },
	/* "formation de 3 mois avant contrat": a training, not the contract. */
	{ "201KCBG", "description", RULE_DURATION, "3", -1 },
	/* "sur 12 mois" is the salary. */
	{ "201KCBA", "salaire", RULE_DURATION, "12", -1 },
	/* The clause emploi is not an insertion contract. */
	{ "201KCBA", "description", RULE_CONTRACT, "insertion", -1 },
};

static const char *
sample_text(json_t *offer, const char *field)
{
	json_t *v = json_object_get(offer, field);

	if (strcmp(field, "salaire") == 0)
		v = json_object_get(v, "libelle");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *
sample_offer(json_t *list, const char *id)
{
	json_t *o;
	size_t i;

	json_array_foreach(list, i, o)
		if (strcmp(json_string_value(json_object_get(o, "id")), id) ==
		    0)
			return o;
	return NULL;
}

static void
test_samples(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS];
	const struct rule_fact *x;
	json_t *root, *list, *o;
	const char *text, *title, *code;
	char rome[ROME_CODE_LEN + 1];
	size_t i;
	int n, id, rid;

	root = load_samples();
	list = json_object_get(root, "resultats");
	assert_true(json_array_size(list) >= 12);

	for (i = 0; i < sizeof(sample_wants) / sizeof(sample_wants[0]); i++) {
		const struct want *w = &sample_wants[i];

		o = sample_offer(list, w->id);
		assert_non_null(o);
		text = sample_text(o, w->field);
		assert_non_null(text);
		n = extract(fx->rules, text, f);
		x = find(f, n, w->kind, w->value);
		if (x == NULL || (w->required >= 0 &&
		    x->required != w->required)) {
			fprintf(stderr, "%s %s: want %s %s\n", w->id,
			    w->field, rules_kind_name(w->kind), w->value);
			dump(text, f, n);
		}
		assert_non_null(x);
		if (w->required >= 0)
			assert_int_equal(x->required, w->required);
	}
	for (i = 0; i < sizeof(sample_unwanted) / sizeof(sample_unwanted[0]);
	    i++) {
		const struct want *w = &sample_unwanted[i];

		o = sample_offer(list, w->id);
		text = sample_text(o, w->field);
		assert_non_null(text);
		n = extract(fx->rules, text, f);
		if (find(f, n, w->kind, w->value) != NULL)
			dump(text, f, n);
		assert_null(find(f, n, w->kind, w->value));
	}
	/* "Aucun diplôme exigé" makes nothing required anywhere. */
	text = sample_text(sample_offer(list, "201KCBE"), "description");
	n = extract(fx->rules, text, f);
	for (id = 0; id < n; id++)
		assert_int_equal(f[id].required, 0);

	/*
	 * Every title maps to the offer's ROME code, except the rondier:
	 * the sample says H2903 with the label of H2301 ("Conduite
	 * d'équipement de production chimique ou pharmaceutique"), where a
	 * rondier in chemicals belongs; the rules follow the label.
	 */
	json_array_foreach(list, i, o) {
		title = sample_text(o, "intitule");
		code = sample_text(o, "romeCode");
		assert_non_null(title);
		assert_non_null(code);
		id = rules_rome_for_title(fx->rules, title, strlen(title),
		    rome);
		if (strcmp(code, "H2903") == 0) {
			assert_string_equal(rome, "H2301");
			rid = refdata_rome_id(fx->ref, "H2301", 5);
			assert_string_equal(fx->ref->rome[rid].label,
			    sample_text(o, "romeLibelle"));
			continue;
		}
		if (strcmp(rome, code) != 0)
			fprintf(stderr, "\"%s\" -> \"%s\", sample %s\n", title,
			    rome, code);
		assert_string_equal(rome, code);
		assert_int_equal(id, refdata_rome_id(fx->ref, code, 5));
	}
	json_decref(root);
}

/* ------------------------------------------------------------------ */
/* Pre-filter                                                          */
/* ------------------------------------------------------------------ */

static void
expect_literals(const char *pattern, int want_n, const char *want,
    const char *want_prefix)
{
	char buf[1024], prefix[1024];
	int n;

	n = rules_pattern_literals(pattern, buf, sizeof(buf), prefix,
	    sizeof(prefix));
	if (n != want_n || strcmp(buf, want) != 0 ||
	    strcmp(prefix, want_prefix) != 0)
		fprintf(stderr, "%s: %d \"%s\" \"%s\", want %d \"%s\" "
		    "\"%s\"\n", pattern, n, buf, prefix, want_n, want,
		    want_prefix);
	assert_int_equal(n, want_n);
	assert_string_equal(buf, want);
	assert_string_equal(prefix, want_prefix);
}

/*
 * What the pre-filter reads in patterns: the literals every match
 * contains, those it starts with, and nothing where it cannot tell.
 */
static void
test_prefilter_literals(void **state)
{
	(void)state;
	expect_literals("\\bpermis\\s(?:de\\sconduire\\s)?(?:vl|vehicules?"
	    "\\slegers?)\\b", 1, "permis", "permis");
	/* Exact strings, reduced to the shortest that suffice. */
	expect_literals("\\bexige(?:e|s|es)?\\b|\\bexigences?\\b", 1,
	    "exige", "exige");
	expect_literals("\\bsouhait(?:e|ee|es|ees|able|ables)\\b", 2,
	    "souhaitable|souhaite", "souhaitable|souhaite");
	/* The longest shortest literal of a sequence, then the fewest. */
	expect_literals("\\bde\\snuit\\b|\\b[35]\\s?x\\s?8\\b", 2, "nuit|x",
	    "3|5|de");
	expect_literals("ab\\scd", 1, "ab", "ab");
	expect_literals("[Ab]cd", 2, "acd|bcd", "acd|bcd");
	expect_literals("x{3}y", 1, "xxxy", "xxxy");
	expect_literals("\\x41\\x{42}c", 1, "abc", "abc");
	/* Lookarounds match nothing; accents fold as in texts. */
	expect_literals("(?=abc)de", 1, "de", "de");
	expect_literals("(?<!ab)c\\w+de", 1, "de", "c");
	expect_literals("\xc3\x89lingage", 1, "elingage", "elingage");
	/* Optional parts: prefixes of both ways. */
	expect_literals("\\b(?:tres\\s)?tot\\sle", 1, "tot", "tot|tres");
	/* \G(?!^) cannot match in a search from offset 0. */
	expect_literals("(?:\\bcaces\\W{0,3}|\\G(?!^),\\s?)([1-7])", 1,
	    "caces", "caces");
	expect_literals("\\G(?!^)abc", 0, "", "");
	/* Any other \G: literals, but searched for as written. */
	expect_literals("\\Gabc", 1, "abc", "");
	expect_literals("(*NO_JIT)(a+)+$", 1, "a", "a");
	/* Nothing known: the rule always runs. */
	expect_literals("a*", -1, "", "");
	expect_literals("abc|d*", -1, "", "");
	expect_literals("(?i)abc", -1, "", "");
	expect_literals("(a)bc\\1", -1, "", "");
	expect_literals("\\Qabc\\E", -1, "", "");
	expect_literals("\\w+", -1, "", "");
}

/* Texts for the comparisons below. */
struct corpus {
	char	**text;
	size_t	  n, cap;
};

static void
corpus_add(struct corpus *c, const char *s, size_t len)
{
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 256 : 2 * c->cap;
		c->text = realloc(c->text, c->cap * sizeof(*c->text));
		assert_non_null(c->text);
	}
	c->text[c->n] = malloc(len + 1);
	assert_non_null(c->text[c->n]);
	memcpy(c->text[c->n], s, len);
	c->text[c->n++][len] = '\0';
}

static void
corpus_free(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->text[i]);
	free(c->text);
}

/* Every string of a JSON value, and the concatenation of them all. */
static void
corpus_json(struct corpus *c, json_t *j, char *all, size_t *alllen,
    size_t allcap)
{
	const char *k;
	json_t *v;
	size_t i, len;

	if (json_is_string(j)) {
		len = json_string_length(j);
		corpus_add(c, json_string_value(j), len);
		if (*alllen + len + 1 < allcap) {
			memcpy(all + *alllen, json_string_value(j), len);
			*alllen += len;
			all[(*alllen)++] = '\n';
		}
	} else if (json_is_array(j))
		json_array_foreach(j, i, v)
			corpus_json(c, v, all, alllen, allcap);
	else if (json_is_object(j))
		json_object_foreach(j, k, v)
			corpus_json(c, v, all, alllen, allcap);
}

/*
 * The "#>" examples of the shipped rules and the strings of the France
 * Travail samples, as they are, in upper case, inside other words, two
 * by two, all together; and random sequences of their words.
 */
static void
corpus_build(struct corpus *c)
{
	static const char *const seps[] = {
		" ", ", ", ". ", "\n", " et ", " ou ", "/", "-", "; ", "",
		" : ", " (", ") ", "  ", " 3 ", " 12 mois ", "\xe2\x80\xa2 ",
		/* Left as they are by the normaliser: not ASCII texts. */
		" 11,65 \xe2\x82\xac ", " n\xc2\xb0 ", " \xce\xb1 ",
	};
	char line[4096], buf[8192], *all, *w, *save;
	char **words = NULL;
	size_t base, i, k, len, n, nw = 0, cw = 0, alllen = 0;
	uint64_t x = 42;
	json_t *root;
	FILE *fp;

	fp = fopen(RULES_CONF, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "#> ", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if ((w = strstr(line, " => ")) != NULL)
			*w = '\0';
		corpus_add(c, line + 3, strlen(line + 3));
	}
	(void)fclose(fp);
	all = malloc(1 << 20);
	assert_non_null(all);
	root = load_samples();
	corpus_json(c, root, all, &alllen, 1 << 20);
	json_decref(root);
	corpus_add(c, all, alllen);
	free(all);

	base = c->n;
	for (i = 0; i < base; i++) {
		len = strlen(c->text[i]);
		if (len + 64 > sizeof(buf))
			continue;
		for (k = 0; k <= len; k++)
			buf[k] = (char)(c->text[i][k] >= 'a' &&
			    c->text[i][k] <= 'z' ? c->text[i][k] - 32 :
			    c->text[i][k]);
		corpus_add(c, buf, len);
		n = (size_t)snprintf(buf, sizeof(buf), "Xx%syy zz%s.",
		    c->text[i], c->text[(i + 1) % base]);
		corpus_add(c, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
		n = (size_t)snprintf(buf, sizeof(buf), "%s%s%s",
		    c->text[i], seps[i % (sizeof(seps) / sizeof(seps[0]))],
		    c->text[(i * 7 + 3) % base]);
		corpus_add(c, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
		/* Its words, for the random texts. */
		snprintf(buf, sizeof(buf), "%s", c->text[i]);
		for (w = strtok_r(buf, " ,.;:()/\n", &save); w != NULL;
		    w = strtok_r(NULL, " ,.;:()/\n", &save)) {
			if (nw == cw) {
				cw = cw == 0 ? 1024 : 2 * cw;
				words = realloc(words, cw * sizeof(*words));
				assert_non_null(words);
			}
			words[nw++] = strdup(w);
		}
	}
	assert_true(nw > 100);
	for (i = 0; i < 3000; i++) {
		len = 0;
		for (k = 0; k < 2 + i % 24; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			w = words[(x >> 33) % nw];
			n = (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s%s", w, seps[(x >> 20) % (sizeof(seps) /
			    sizeof(seps[0]))]);
			if (n >= sizeof(buf) - len)
				break;
			len += n;
		}
		corpus_add(c, buf, len);
	}
	for (i = 0; i < nw; i++)
		free(words[i]);
	free(words);
}

static int
same_facts(const struct rule_fact *a, int na, const struct rule_fact *b,
    int nb)
{
	int i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].kind != b[i].kind || a[i].required != b[i].required ||
		    strcmp(a[i].value, b[i].value) != 0 ||
		    strcmp(a[i].excerpt, b[i].excerpt) != 0)
			return 0;
	return 1;
}

/*
 * The pre-filter never changes a result: every text of the corpus gives
 * the same facts (values, requirement, excerpts, order) and the same
 * title ROME code with it as with every rule searched for over the whole
 * text; and it does skip most rules.
 */
static void
test_prefilter_same_facts(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact on[RULES_MAX_FACTS], off[RULES_MAX_FACTS];
	struct rules_stats st;
	struct rules *plain;
	struct corpus c = { NULL, 0, 0 };
	char err[4096], rome_on[ROME_CODE_LEN + 1], rome_off[ROME_CODE_LEN + 1];
	size_t i, len, facts = 0, romes = 0;
	int non, noff, id_on, id_off;

	plain = rules_load(RULES_CONF, fx->ref, err, sizeof(err));
	assert_non_null(plain);
	rules_set_prefilter(plain, 0);
	rules_stats(fx->rules, &st);
	/* Nearly every shipped rule has literals. */
	assert_true(st.prefiltered * 10 >= st.rules * 9);

	corpus_build(&c);
	assert_true(c.n > 3500);
	for (i = 0; i < c.n; i++) {
		len = strlen(c.text[i]);
		non = rules_extract(fx->rules, c.text[i], len, on,
		    RULES_MAX_FACTS);
		noff = rules_extract(plain, c.text[i], len, off,
		    RULES_MAX_FACTS);
		if (!same_facts(on, non, off, noff)) {
			fprintf(stderr, "pre-filter on:\n");
			dump(c.text[i], on, non);
			fprintf(stderr, "off:\n");
			dump(c.text[i], off, noff);
		}
		assert_true(same_facts(on, non, off, noff));
		facts += (size_t)non;
		id_on = rules_rome_for_title(fx->rules, c.text[i], len,
		    rome_on);
		id_off = rules_rome_for_title(plain, c.text[i], len,
		    rome_off);
		if (id_on != id_off)
			fprintf(stderr, "\"%s\": %s with the pre-filter, %s "
			    "without\n", c.text[i], rome_on, rome_off);
		assert_int_equal(id_on, id_off);
		assert_string_equal(rome_on, rome_off);
		romes += id_on >= 0;
	}
	/* The corpus does exercise the rules (5,564 texts: 3,463, 2,594). */
	assert_true(facts > c.n / 2);
	assert_true(romes > c.n / 3);
	rules_stats(plain, &st);
	assert_int_equal(st.limit_hits, 0);
	rules_stats(fx->rules, &st);
	assert_int_equal(st.limit_hits, 0);
	corpus_free(&c);
	rules_free(plain);
}

/*
 * The same with hand-written rules that use what the shipped file does
 * not: upper case, Unicode properties, POSIX classes, a look-behind
 * first, a bare \G, no literal at all; on texts where UTF and UCP matter
 * (letters that are not ASCII next to words).
 */
static void
test_prefilter_hand_rules(void **state)
{
	static const char conf[] =
	    "[skill]\n"
	    "upper = \\bPERMIS\\s(?:DE\\sCONDUIRE\\s)?VL\\b\n"
	    "word = \\bnuit\\b\n"
	    "prop = \\bcaces\\W{0,3}\\p{L}{2}\\d\n"
	    "posix = \\btitre[[:space:]]pro\\b\n"
	    "behind = (?<!non\\s)\\bexige\\b\n"
	    "list-$1 = (?:\\bcat\\s|\\G(?!^)(?:,\\s?|\\set\\s))([a-g])"
	    "\\b\n"
	    "opt = \\b(?:tres\\s)?tot\\sle\\smatin\\b\n"
	    "ment = \\w+ment\\b\n"
	    "start = \\Gabc\n"
	    "any = (?i)zz\\d\n"
	    "r486 = r\\s?[34]86\n"
	    "[wording]\n"
	    "required = \\bEXIGEE?\\b\n"
	    "[rome]\n"
	    "F1701 = \\bcoffreu(?:r|se)s?\\b\n";
	static const char *const texts[] = {
		"Permis VL exig\xc3\xa9", "PERMIS DE CONDUIRE VL",
		"permis de conduire vl, non exig\xc3\xa9",
		"travail de nuit", "\xce\xb1nuit", "nuit\xce\xb1",
		"\xce\xb1 nuit \xe2\x82\xac", "CACES ab3",
		"caces \xce\xb1\xce\xb2" "3", "caces: \xc3\xa9\xc3\xa9" "5",
		"Titre pro", "titre\tpro", "titre\xc2\xa0pro", "exige",
		"non exige", "non exig\xc3\xa9" "e",
		"Cat A, B et C", "cat a,b et g, h", "cat \xce\xb1, b",
		"Tr\xc3\xa8s t\xc3\xb4t le matin", "tot le matin",
		"rapidement", "\xce\xb1ment", "abc", "x abc", "abcabc",
		"ZZ9", "zz9 \xe2\x82\xac", "Coffreuse", "\xce\xb1" "coffreur",
		"coffreurs\xce\xb1", "rr 486", "rrr386", "r r 486",
	};
	struct rule_fact on[RULES_MAX_FACTS], off[RULES_MAX_FACTS];
	struct fixture *fx = *state;
	struct rules *r, *plain;
	char err[2048], buf[512], rome[ROME_CODE_LEN + 1];
	size_t n = sizeof(texts) / sizeof(texts[0]), i, j;
	int non, noff, facts = 0;

	r = load_text(fx, conf, err, sizeof(err));
	if (r == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(r);
	plain = load_text(fx, conf, err, sizeof(err));
	assert_non_null(plain);
	rules_set_prefilter(plain, 0);
	for (i = 0; i < n * n; i++) {
		/* Each text alone, then each pair. */
		if (i < n)
			snprintf(buf, sizeof(buf), "%s", texts[i]);
		else
			snprintf(buf, sizeof(buf), "%s. %s", texts[i / n],
			    texts[i % n]);
		non = rules_extract(r, buf, strlen(buf), on, RULES_MAX_FACTS);
		noff = rules_extract(plain, buf, strlen(buf), off,
		    RULES_MAX_FACTS);
		if (!same_facts(on, non, off, noff)) {
			dump(buf, on, non);
			dump(buf, off, noff);
		}
		assert_true(same_facts(on, non, off, noff));
		facts += non;
		j = (size_t)rules_rome_for_title(r, buf, strlen(buf), rome);
		assert_int_equal(j, (size_t)rules_rome_for_title(plain, buf,
		    strlen(buf), rome));
	}
	assert_true(facts > (int)n);
	/* And what they give is what PCRE2 says, UTF and UCP included. */
	expect_no_fact(r, "\xce\xb1nuit", RULE_SKILL, "word");
	expect_fact(r, "\xce\xb1 nuit", RULE_SKILL, "word", -1);
	expect_fact(r, "caces \xce\xb1\xce\xb2" "3", RULE_SKILL, "prop", -1);
	expect_fact(r, "Cat A, B et C", RULE_SKILL, "list-c", -1);
	expect_fact(r, "abc", RULE_SKILL, "start", -1);
	expect_no_fact(r, "x abc", RULE_SKILL, "start");
	expect_no_fact(r, "non exige", RULE_SKILL, "behind");
	expect_fact(r, "PERMIS VL exig\xc3\xa9" "e", RULE_SKILL, "upper", 1);
	expect_fact(r, "rr 486", RULE_SKILL, "r486", -1);
	rules_free(r);
	rules_free(plain);
}

/* The UTF-8 of cp (0x80 or more) into s; its length. */
static size_t
put_utf8(unsigned char *s, uint32_t cp)
{
	if (cp < 0x800) {
		s[0] = (unsigned char)(0xc0 | cp >> 6);
		s[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		s[0] = (unsigned char)(0xe0 | cp >> 12);
		s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		s[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	s[0] = (unsigned char)(0xf0 | cp >> 18);
	s[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	s[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	s[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Literals are lower-case ASCII: the only non-ASCII character left by
 * rules_normalize() that matches an ASCII letter caselessly (UTF, UCP) is
 * the Kelvin sign, and a text with one runs every rule.
 */
static void
test_prefilter_kelvin(void **state)
{
	struct fixture *fx = *state;
	struct rule_fact f[RULES_MAX_FACTS], g[RULES_MAX_FACTS];
	struct rules *plain;
	pcre2_code *re;
	pcre2_match_data *md;
	PCRE2_SIZE erroff, *ov, off = 0;
	unsigned char *in, *out;
	size_t o = 0, len;
	uint32_t cp;
	char err[4096], rome[ROME_CODE_LEN + 1];
	int errcode, found = 0, n, m;

	/* Every code point, each followed by a space, normalised. */
	in = malloc(0x110000 * 5);
	out = malloc(0x110000 * 5);
	assert_non_null(in);
	assert_non_null(out);
	for (cp = 0x80; cp < 0x110000; cp++) {
		if (cp >= 0xd800 && cp < 0xe000)
			continue;
		o += put_utf8(in + o, cp);
		in[o++] = ' ';
	}
	len = rules_normalize((const char *)in, o, (char *)out, 0x110000 * 5);
	/* (A caseless [\x00-\x7f] holds the Kelvin sign: (?-i).) */
	re = pcre2_compile((PCRE2_SPTR)"(?=(?-i:[^\\x00-\\x7f]))[a-z]",
	    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS,
	    &errcode, &erroff, NULL);
	assert_non_null(re);
	md = pcre2_match_data_create(1, NULL);
	while (pcre2_match(re, out, len, off, 0, md, NULL) >= 0) {
		ov = pcre2_get_ovector_pointer(md);
		assert_int_equal(ov[1] - ov[0], 3);
		assert_memory_equal(out + ov[0], "\xe2\x84\xaa", 3);
		found++;
		off = ov[1];
	}
	assert_int_equal(found, 1);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	free(in);
	free(out);

	/* "Doc<Kelvin>er": PCRE2 matches \bdockers?\b; so must the rules. */
	plain = rules_load(RULES_CONF, fx->ref, err, sizeof(err));
	assert_non_null(plain);
	rules_set_prefilter(plain, 0);
	assert_int_equal(rules_rome_for_title(plain, "Doc\xe2\x84\xaa" "er",
	    8, rome), refdata_rome_id(fx->ref, "N3203", 5));
	assert_int_equal(rules_rome_for_title(fx->rules, "Doc\xe2\x84\xaa"
	    "er", 8, rome), refdata_rome_id(fx->ref, "N3203", 5));
	assert_string_equal(rome, "N3203");
	n = extract(fx->rules, "Formation pac\xe2\x84\xaa s\xc3\xa9" "curit"
	    "\xc3\xa9 exig\xc3\xa9" "e", f);
	m = extract(plain, "Formation pac\xe2\x84\xaa s\xc3\xa9" "curit"
	    "\xc3\xa9 exig\xc3\xa9" "e", g);
	assert_true(same_facts(f, n, g, m));
	assert_non_null(find(f, n, RULE_SKILL, "pack-securite"));
	rules_free(plain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_table),
		cmocka_unit_test(test_normalize_bounds),
		cmocka_unit_test(test_normalize_random),
		cmocka_unit_test(test_shipped_loads),
		cmocka_unit_test(test_shipped_examples),
		cmocka_unit_test(test_sample_phrases),
		cmocka_unit_test(test_required_wished),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_excerpt),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_title_rome),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_max_facts),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_ok),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_prefilter_literals),
		cmocka_unit_test(test_prefilter_same_facts),
		cmocka_unit_test(test_prefilter_kelvin),
		cmocka_unit_test(test_prefilter_hand_rules),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
