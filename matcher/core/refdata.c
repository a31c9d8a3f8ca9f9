/*
 * Loader and lookups for the reference data: the ROME v3 job codes and the
 * communes of Nord and Pas-de-Calais (matcher/data/, see PROVENANCE.md).
 *
 * Both files are ';'-separated text with a header line, LF or CRLF line
 * endings and no quoting (no field contains ';' or '"').  Every line is
 * checked and the first bad one makes the whole load fail with a
 * "file:line: message" error, because running the matcher on half a table
 * would silently drop candidates.  After loading, both tables are sorted
 * arrays searched by bisection; nothing is modified again until
 * refdata_free.  This module does no logging and keeps no global state.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "geo.h"
#include "refdata.h"
#include "utf8.h"
#include "xmalloc.h"

#define ROME_FILE	"rome_fiches.csv"
#define COMMUNE_FILE	"communes_59_62.csv"
#define ROME_HEADER	"code_rome;libelle"
#define COMMUNE_HEADER	"code_insee;nom_commune;code_postal;" \
			"libelle_acheminement;ligne_5;latitude;longitude"

/*
 * The longest line of the shipped files is under 120 bytes; the bound only
 * keeps a corrupt or wrong file (a binary, a file without newlines) from
 * making us buffer it whole.
 */
#define REFDATA_LINE_MAX 4096

/* Columns of communes_59_62.csv. */
enum {
	COL_INSEE,
	COL_NAME,
	COL_POSTCODE,
	COL_ACHEMINEMENT,
	COL_LIGNE5,
	COL_LAT,
	COL_LON,
	COMMUNE_NCOLS
};

/* One open input file and the line being read from it. */
struct reader {
	FILE		*f;
	const char	*path;
	int		 lineno;
	size_t		 len;
	char		 buf[REFDATA_LINE_MAX + 1];
};

/* Rows kept with their line number until duplicates have been checked. */
struct rome_row {
	struct rome_code code;
	int		 line;
};

struct commune_row {
	struct commune	 commune;
	int		 line;
	char		 postcode[6];
	char		*ligne5;	/* NULL if empty */
	char		*acheminement;	/* NULL if the commune's name */
};

/* Longest name key kept; names in the file are under 60 bytes. */
#define NAME_KEY_MAX	127

static void	 set_err(char *, size_t, const char *, int, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
static char	*join_path(const char *, const char *);
static int	 reader_open(struct reader *, const char *, char *, size_t);
static int	 reader_next(struct reader *, char *, size_t);
static int	 reader_header(struct reader *, const char *, char *, size_t);
static int	 split(char *, char **, int);
static int	 valid_text(const char *, int);
static int	 valid_rome(const char *);
static int	 valid_insee(const char *);
static int	 valid_digits(const char *, size_t);
static int	 parse_coord(const char *, double *);
static int	 rome_row_cmp(const void *, const void *);
static int	 commune_row_cmp(const void *, const void *);
static int	 load_rome(struct refdata *, const char *, char *, size_t);
static int	 load_communes(struct refdata *, const char *, char *, size_t);
static void	 build_places(struct refdata *, struct commune_row *, size_t,
		    const int *);
static int	 postcode_cmp(const void *, const void *);
static int	 name_cmp(const void *, const void *);

/*
 * Format "path:line: message" (or "path: message" when line is 0) into err,
 * which may be NULL when the caller does not want the text.
 */
static void
set_err(char *err, size_t errlen, const char *path, int line,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", path, line, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

static char *
join_path(const char *dir, const char *name)
{
	size_t dlen, nlen;
	char *p;

	dlen = strlen(dir);
	nlen = strlen(name);
	p = xmalloc(dlen + 1 + nlen + 1);
	memcpy(p, dir, dlen);
	p[dlen] = '/';
	memcpy(p + dlen + 1, name, nlen + 1);
	return p;
}

static int
reader_open(struct reader *r, const char *path, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	if ((r->f = fopen(path, "r")) == NULL) {
		set_err(err, errlen, path, 0, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read the next line into r->buf without its terminator (LF or CRLF).
 * Returns 1 for a line, 0 at end of file, -1 on a read error, an overlong
 * line or a NUL byte (which would silently cut a field short).  A last
 * line without a newline is accepted.
 */
static int
reader_next(struct reader *r, char *err, size_t errlen)
{
	size_t n = 0;
	int c;

	r->lineno++;
	while ((c = getc(r->f)) != EOF && c != '\n') {
		if (c == '\0') {
			set_err(err, errlen, r->path, r->lineno, "NUL byte");
			return -1;
		}
		if (n == REFDATA_LINE_MAX) {
			set_err(err, errlen, r->path, r->lineno,
			    "line longer than %d bytes", REFDATA_LINE_MAX);
			return -1;
		}
		r->buf[n++] = (char)c;
	}
	if (c == EOF) {
		if (ferror(r->f)) {
			set_err(err, errlen, r->path, r->lineno,
			    "read error: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			r->lineno--;
			return 0;
		}
	}
	if (n > 0 && r->buf[n - 1] == '\r')
		n--;
	r->buf[n] = '\0';
	r->len = n;
	return 1;
}

/*
 * Check the header line.  Requiring the exact column list catches a file
 * given in place of another, or a future version with moved columns,
 * before its rows are misread.
 */
static int
reader_header(struct reader *r, const char *header, char *err, size_t errlen)
{
	int rv;

	if ((rv = reader_next(r, err, errlen)) == -1)
		return -1;
	if (rv == 0) {
		set_err(err, errlen, r->path, 0, "empty file");
		return -1;
	}
	if (strcmp(r->buf, header) != 0) {
		set_err(err, errlen, r->path, r->lineno,
		    "unexpected header, want \"%s\"", header);
		return -1;
	}
	return 0;
}

/*
 * Split line in place at each ';' into at most max fields.  Returns the
 * number of fields found, max + 1 if there are more than max.
 */
static int
split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		if (n == max)
			return max + 1;
		fields[n++] = p;
		if ((p = strchr(p, ';')) == NULL)
			return n;
		*p++ = '\0';
	}
}

/*
 * 1 if s is well-formed UTF-8 without control characters (and non-empty
 * unless empty_ok).  Labels end up in msgpack str objects, which clients
 * decode as UTF-8, so a Latin-1 file must be refused here rather than
 * break clients later.
 */
static int
valid_text(const char *s, int empty_ok)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int cp, min;
	int n, i;

	if (*p == '\0')
		return empty_ok;
	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
			min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
			min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* Overlong forms, UTF-16 surrogates, beyond Unicode. */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff)
			return 0;
		p += n + 1;
	}
	return 1;
}

static int
valid_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 1 if s is exactly one upper-case letter and four digits. */
static int
valid_rome(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && valid_digits(s + 1, 4) &&
	    s[5] == '\0';
}

/*
 * 1 if s is a commune code: five digits, or Corsica's "2A"/"2B" followed
 * by three digits.  Only 59 and 62 occur in the shipped file, but nothing
 * here depends on that.
 */
static int
valid_insee(const char *s)
{
	if (strlen(s) != INSEE_CODE_LEN)
		return 0;
	if (s[0] == '2' && (s[1] == 'A' || s[1] == 'B'))
		return valid_digits(s + 2, 3);
	return valid_digits(s, 5);
}

/*
 * Parse a plain decimal ("-12.345"): no exponent, no "nan" or "inf", no
 * spaces, all of which strtod alone would accept.
 */
static int
parse_coord(const char *s, double *out)
{
	const char *p = s;
	char *end;
	int ndig = 0;

	if (*p == '-')
		p++;
	while (*p >= '0' && *p <= '9') {
		p++;
		ndig++;
	}
	if (ndig == 0)
		return -1;
	if (*p == '.') {
		p++;
		ndig = 0;
		while (*p >= '0' && *p <= '9') {
			p++;
			ndig++;
		}
		if (ndig == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	/* A locale with a decimal comma would stop strtod at the dot. */
	if (*end != '\0' || errno != 0)
		return -1;
	return 0;
}

/* Order by code, then by line so that the first occurrence comes first. */
static int
rome_row_cmp(const void *a, const void *b)
{
	const struct rome_row *x = a, *y = b;
	int c;

	if ((c = strcmp(x->code.code, y->code.code)) != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static int
commune_row_cmp(const void *a, const void *b)
{
	const struct commune_row *x = a, *y = b;
	int c;

	if ((c = strcmp(x->commune.insee, y->commune.insee)) != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static int
load_rome(struct refdata *ref, const char *path, char *err, size_t errlen)
{
	struct reader *r;
	struct rome_row *rows = NULL;
	char *f[2];
	size_t n = 0, cap = 0, i;
	int rv, ret = -1;

	r = xmalloc(sizeof(*r));
	if (reader_open(r, path, err, errlen) == -1) {
		free(r);
		return -1;
	}
	if (reader_header(r, ROME_HEADER, err, errlen) == -1)
		goto done;
	while ((rv = reader_next(r, err, errlen)) == 1) {
		if (split(r->buf, f, 2) != 2) {
			set_err(err, errlen, path, r->lineno,
			    "expected 2 fields separated by ';'");
			goto done;
		}
		if (!valid_rome(f[0])) {
			set_err(err, errlen, path, r->lineno,
			    "bad ROME code \"%.16s\"", f[0]);
			goto done;
		}
		if (!valid_text(f[1], 0)) {
			set_err(err, errlen, path, r->lineno,
			    "empty label, control character or invalid UTF-8");
			goto done;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xreallocarray(rows, cap, sizeof(*rows));
		}
		memcpy(rows[n].code.code, f[0], ROME_CODE_LEN + 1);
		rows[n].code.label = xstrdup(f[1]);
		rows[n].code.sector = refdata_rome_sector(f[0]);
		rows[n].line = r->lineno;
		n++;
	}
	if (rv == -1)
		goto done;
	if (n == 0) {
		set_err(err, errlen, path, 0, "no ROME codes");
		goto done;
	}
	qsort(rows, n, sizeof(*rows), rome_row_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(rows[i].code.code, rows[i - 1].code.code) == 0) {
			set_err(err, errlen, path, rows[i].line,
			    "duplicate ROME code %s (first on line %d)",
			    rows[i].code.code, rows[i - 1].line);
			goto done;
		}
	}
	ref->rome = xreallocarray(NULL, n, sizeof(*ref->rome));
	for (i = 0; i < n; i++) {
		ref->rome[i] = rows[i].code;
		rows[i].code.label = NULL;
	}
	ref->rome_count = (int)n;
	ret = 0;
done:
	for (i = 0; i < n; i++)
		free(rows[i].code.label);
	free(rows);
	fclose(r->f);
	free(r);
	return ret;
}

static int
load_communes(struct refdata *ref, const char *path, char *err,
    size_t errlen)
{
	struct reader *r;
	struct commune_row *rows = NULL;
	char *f[COMMUNE_NCOLS];
	int *row_commune = NULL;
	size_t n = 0, cap = 0, i, k;
	double lat, lon;
	int rv, ret = -1;

	r = xmalloc(sizeof(*r));
	if (reader_open(r, path, err, errlen) == -1) {
		free(r);
		return -1;
	}
	if (reader_header(r, COMMUNE_HEADER, err, errlen) == -1)
		goto done;
	while ((rv = reader_next(r, err, errlen)) == 1) {
		if (split(r->buf, f, COMMUNE_NCOLS) != COMMUNE_NCOLS) {
			set_err(err, errlen, path, r->lineno,
			    "expected %d fields separated by ';'",
			    COMMUNE_NCOLS);
			goto done;
		}
		if (!valid_insee(f[COL_INSEE])) {
			set_err(err, errlen, path, r->lineno,
			    "bad INSEE code \"%.16s\"", f[COL_INSEE]);
			goto done;
		}
		if (!valid_text(f[COL_NAME], 0) ||
		    !valid_text(f[COL_ACHEMINEMENT], 1) ||
		    !valid_text(f[COL_LIGNE5], 1)) {
			set_err(err, errlen, path, r->lineno,
			    "empty name, control character or invalid UTF-8");
			goto done;
		}
		if (strlen(f[COL_POSTCODE]) != 5 ||
		    !valid_digits(f[COL_POSTCODE], 5)) {
			set_err(err, errlen, path, r->lineno,
			    "bad postal code \"%.16s\"", f[COL_POSTCODE]);
			goto done;
		}
		if (parse_coord(f[COL_LAT], &lat) == -1 ||
		    parse_coord(f[COL_LON], &lon) == -1 ||
		    !geo_valid(lat, lon)) {
			set_err(err, errlen, path, r->lineno,
			    "bad coordinates \"%.32s\", \"%.32s\"",
			    f[COL_LAT], f[COL_LON]);
			goto done;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			rows = xreallocarray(rows, cap, sizeof(*rows));
		}
		memcpy(rows[n].commune.insee, f[COL_INSEE],
		    INSEE_CODE_LEN + 1);
		rows[n].commune.name = xstrdup(f[COL_NAME]);
		rows[n].commune.postcode[0] = '\0';	/* build_places() */
		rows[n].commune.lat = lat;
		rows[n].commune.lon = lon;
		rows[n].line = r->lineno;
		memcpy(rows[n].postcode, f[COL_POSTCODE], 6);
		rows[n].ligne5 = f[COL_LIGNE5][0] != '\0' ?
		    xstrdup(f[COL_LIGNE5]) : NULL;
		rows[n].acheminement = f[COL_ACHEMINEMENT][0] != '\0' &&
		    strcmp(f[COL_ACHEMINEMENT], f[COL_NAME]) != 0 ?
		    xstrdup(f[COL_ACHEMINEMENT]) : NULL;
		n++;
	}
	if (rv == -1)
		goto done;
	if (n == 0) {
		set_err(err, errlen, path, 0, "no communes");
		goto done;
	}

	/*
	 * A commune has one row per postal code and ligne_5, all with the
	 * same name and coordinates in the La Poste file; keep the first.
	 */
	qsort(rows, n, sizeof(*rows), commune_row_cmp);
	ref->communes = xreallocarray(NULL, n, sizeof(*ref->communes));
	row_commune = xreallocarray(NULL, n, sizeof(*row_commune));
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && strcmp(rows[i].commune.insee,
		    ref->communes[k - 1].insee) == 0) {
			row_commune[i] = (int)k - 1;
			continue;
		}
		row_commune[i] = (int)k;
		ref->communes[k++] = rows[i].commune;
		rows[i].commune.name = NULL;
	}
	ref->communes = xreallocarray(ref->communes, k,
	    sizeof(*ref->communes));
	ref->commune_count = (int)k;
	build_places(ref, rows, n, row_commune);
	ret = 0;
done:
	for (i = 0; i < n; i++) {
		free(rows[i].commune.name);
		free(rows[i].ligne5);
		free(rows[i].acheminement);
	}
	free(row_commune);
	free(rows);
	fclose(r->f);
	free(r);
	return ret;
}

struct refdata *
refdata_load(const char *dir, char *err, size_t errlen)
{
	struct refdata *ref;
	char *path;
	int rv;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	ref = xcalloc(1, sizeof(*ref));
	path = join_path(dir, ROME_FILE);
	rv = load_rome(ref, path, err, errlen);
	free(path);
	if (rv == -1)
		goto fail;
	path = join_path(dir, COMMUNE_FILE);
	rv = load_communes(ref, path, err, errlen);
	free(path);
	if (rv == -1)
		goto fail;
	return ref;
fail:
	refdata_free(ref);
	return NULL;
}

void
refdata_free(struct refdata *ref)
{
	int i;

	if (ref == NULL)
		return;
	for (i = 0; i < ref->rome_count; i++)
		free(ref->rome[i].label);
	free(ref->rome);
	for (i = 0; i < ref->commune_count; i++)
		free(ref->communes[i].name);
	free(ref->communes);
	free(ref->postcodes);
	for (i = 0; i < ref->name_count; i++)
		free(ref->names[i].key);
	free(ref->names);
	free(ref->departments);
	free(ref);
}

int
refdata_rome_id(const struct refdata *ref, const char *code, size_t len)
{
	int lo, hi, mid, c;

	if (len != ROME_CODE_LEN)
		return -1;
	lo = 0;
	hi = ref->rome_count - 1;
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(ref->rome[mid].code, code, ROME_CODE_LEN);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Codes are sorted, so a domain is a run of neighbours; runs are at most
 * a few dozen codes long, so walking them beats keeping a second table.
 * An invalid id gives the empty range [0, -1], so that a caller looping
 * from *first to *last touches nothing.
 */
void
refdata_rome_domain(const struct refdata *ref, int id, int *first,
    int *last)
{
	int a, b;

	if (id < 0 || id >= ref->rome_count) {
		*first = 0;
		*last = -1;
		return;
	}
	for (a = id; a > 0 && memcmp(ref->rome[a - 1].code,
	    ref->rome[id].code, 3) == 0; a--)
		;
	for (b = id; b < ref->rome_count - 1 && memcmp(ref->rome[b + 1].code,
	    ref->rome[id].code, 3) == 0; b++)
		;
	*first = a;
	*last = b;
}

int
refdata_same_domain(const struct refdata *ref, int a, int b)
{
	if (a < 0 || a >= ref->rome_count || b < 0 || b >= ref->rome_count)
		return 0;
	return memcmp(ref->rome[a].code, ref->rome[b].code, 3) == 0;
}

int
refdata_rome_well_formed(const char *s, size_t len)
{
	size_t i;

	if (len != ROME_CODE_LEN || s[0] < 'A' || s[0] > 'Z')
		return 0;
	for (i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
refdata_rome_domain_first(const struct refdata *ref, const char *code)
{
	int lo = 0, hi = ref->rome_count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(ref->rome[mid].code, code, 3) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ref->rome_count && memcmp(ref->rome[lo].code, code, 3) == 0)
		return lo;
	return -1;
}

int
refdata_rome_sector(const char *code)
{
	if (code == NULL || !valid_rome(code))
		return -1;
	switch (code[0]) {
	case 'F':
		return SECTOR_BATIMENT;
	case 'A':
	case 'H':
	case 'I':
		return SECTOR_INDUSTRIE;
	case 'G':
	case 'N':
		return SECTOR_HOTELLERIE;
	default:
		return SECTOR_TERTIAIRE;
	}
}

const struct commune *
refdata_commune(const struct refdata *ref, const char *insee, size_t len)
{
	int lo, hi, mid, c;

	if (len != INSEE_CODE_LEN)
		return NULL;
	lo = 0;
	hi = ref->commune_count - 1;
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(ref->communes[mid].insee, insee, INSEE_CODE_LEN);
		if (c == 0)
			return &ref->communes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/*
 * Places: postal codes, names and departments.
 *
 * These tables are built once, at load, from every row of the communes
 * file (a commune has one row per postal code and ligne_5), and searched
 * by bisection like the others.
 */

static int
postcode_cmp(const void *a, const void *b)
{
	const struct refdata_postcode *x = a, *y = b;
	int c;

	if ((c = strcmp(x->code, y->code)) != 0)
		return c;
	return (x->commune > y->commune) - (x->commune < y->commune);
}

static int
name_cmp(const void *a, const void *b)
{
	const struct refdata_name *x = a, *y = b;
	int c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	if (x->alias != y->alias)
		return x->alias - y->alias;
	return (x->commune > y->commune) - (x->commune < y->commune);
}

static void
add_name(struct refdata_name *names, int *n, const char *text, int commune,
    int alias)
{
	char key[NAME_KEY_MAX + 1];
	size_t len;

	len = refdata_name_key(text, strlen(text), key, sizeof(key));
	if (len == 0)
		return;
	names[*n].key = xstrdup(key);
	names[*n].commune = commune;
	names[*n].alias = alias;
	(*n)++;
}

/*
 * rows[0 .. n-1] are the file's rows in INSEE order and row_commune[i]
 * the index in ref->communes of row i.
 */
static void
build_places(struct refdata *ref, struct commune_row *rows, size_t n,
    const int *row_commune)
{
	struct refdata_department *d;
	const struct commune *c;
	size_t i, k, dlen;
	int nn = 0, j, m;
	char *cp;

	/* Postal codes: distinct (code, commune) pairs. */
	ref->postcodes = xreallocarray(NULL, n, sizeof(*ref->postcodes));
	for (i = 0; i < n; i++) {
		memcpy(ref->postcodes[i].code, rows[i].postcode, 6);
		ref->postcodes[i].commune = row_commune[i];
	}
	qsort(ref->postcodes, n, sizeof(*ref->postcodes), postcode_cmp);
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && postcode_cmp(&ref->postcodes[i],
		    &ref->postcodes[k - 1]) == 0)
			continue;
		ref->postcodes[k++] = ref->postcodes[i];
		/* Sorted by code: a commune's first code is its lowest. */
		cp = ref->communes[ref->postcodes[i].commune].postcode;
		if (cp[0] == '\0')
			memcpy(cp, ref->postcodes[i].code, 6);
	}
	ref->postcode_count = (int)k;

	/* Names: own names, then the aliases of every row. */
	ref->names = xreallocarray(NULL, 3 * n, sizeof(*ref->names));
	for (j = 0; j < ref->commune_count; j++)
		add_name(ref->names, &nn, ref->communes[j].name, j, 0);
	for (i = 0; i < n; i++) {
		if (rows[i].ligne5 != NULL)
			add_name(ref->names, &nn, rows[i].ligne5,
			    row_commune[i], 1);
		if (rows[i].acheminement != NULL)
			add_name(ref->names, &nn, rows[i].acheminement,
			    row_commune[i], 1);
	}
	qsort(ref->names, (size_t)nn, sizeof(*ref->names), name_cmp);
	/* One entry per (key, commune), its lowest alias kept. */
	for (j = 0, m = 0; j < nn; j++) {
		for (k = (size_t)m; k > 0; k--) {
			if (strcmp(ref->names[k - 1].key,
			    ref->names[j].key) != 0)
				break;
			if (ref->names[k - 1].commune ==
			    ref->names[j].commune)
				break;
		}
		if (k > 0 && strcmp(ref->names[k - 1].key,
		    ref->names[j].key) == 0 &&
		    ref->names[k - 1].commune == ref->names[j].commune) {
			free(ref->names[j].key);
			continue;
		}
		ref->names[m++] = ref->names[j];
	}
	ref->name_count = m;

	/*
	 * Departments: communes are in INSEE order, so a department's
	 * communes are neighbours.
	 */
	ref->departments = NULL;
	ref->department_count = 0;
	for (j = 0; j < ref->commune_count; j++) {
		c = &ref->communes[j];
		dlen = refdata_department_len(c->insee);
		d = ref->department_count > 0 ?
		    &ref->departments[ref->department_count - 1] : NULL;
		if (d == NULL || strlen(d->code) != dlen ||
		    memcmp(d->code, c->insee, dlen) != 0) {
			ref->departments = xreallocarray(ref->departments,
			    (size_t)ref->department_count + 1,
			    sizeof(*ref->departments));
			d = &ref->departments[ref->department_count++];
			memset(d, 0, sizeof(*d));
			memcpy(d->code, c->insee, dlen);
		}
		d->communes++;
		d->lat += c->lat;
		d->lon += c->lon;
	}
	for (j = 0; j < ref->department_count; j++) {
		ref->departments[j].lat /= ref->departments[j].communes;
		ref->departments[j].lon /= ref->departments[j].communes;
	}
}

static int
valid_postcode(const char *s, size_t len)
{
	return len == 5 && valid_digits(s, 5);
}

/* Index of the first postal code entry >= cp, bisecting. */
static int
postcode_lower(const struct refdata *ref, const char *cp)
{
	int lo = 0, hi = ref->postcode_count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(ref->postcodes[mid].code, cp, 5) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
refdata_postcode_communes(const struct refdata *ref, const char *cp,
    size_t len, const struct commune **out, int max)
{
	int i, n = 0;

	if (cp == NULL || !valid_postcode(cp, len))
		return 0;
	for (i = postcode_lower(ref, cp); i < ref->postcode_count &&
	    memcmp(ref->postcodes[i].code, cp, 5) == 0; i++) {
		if (n < max)
			out[n] = &ref->communes[ref->postcodes[i].commune];
		n++;
	}
	return n;
}

const struct commune *
refdata_commune_by_postcode(const struct refdata *ref, const char *cp,
    size_t len)
{
	const struct commune *c;

	if (refdata_postcode_communes(ref, cp, len, &c, 1) != 1)
		return NULL;
	return c;
}

/*
 * Fold one code point of U+00C0..U+017F to upper-case ASCII (one or two
 * letters into rep), or return 0 for a word break.
 */
static size_t
fold_latin(unsigned int cp, char rep[2])
{
	/* U+00C0..U+00FF; '1' AE, '2' TH, '3' SS, ' ' a break. */
	static const char latin1[] =
	    "AAAAAA1CEEEEIIII" "DNOOOOO OUUUUY23"
	    "AAAAAA1CEEEEIIII" "DNOOOOO OUUUUY2Y";
	char c;

	if (cp >= 0xc0 && cp <= 0xff)
		c = latin1[cp - 0xc0];
	else if (cp == 0x152 || cp == 0x153)
		c = '4';
	else if (cp == 0x178)
		c = 'Y';
	else
		return 0;
	switch (c) {
	case ' ':
		return 0;
	case '1':
		rep[0] = 'A';
		rep[1] = 'E';
		return 2;
	case '2':
		rep[0] = 'T';
		rep[1] = 'H';
		return 2;
	case '3':
		rep[0] = 'S';
		rep[1] = 'S';
		return 2;
	case '4':
		rep[0] = 'O';
		rep[1] = 'E';
		return 2;
	default:
		rep[0] = c;
		return 1;
	}
}

/* Append the word w (wlen bytes) to out, abbreviating SAINT(E). */
static size_t
key_word(char *out, size_t o, size_t outlen, const char *w, size_t wlen)
{
	if (wlen == 5 && memcmp(w, "SAINT", 5) == 0) {
		w = "ST";
		wlen = 2;
	} else if (wlen == 6 && memcmp(w, "SAINTE", 6) == 0) {
		w = "STE";
		wlen = 3;
	}
	if (o > 0 && o + 1 < outlen)
		out[o++] = ' ';
	if (o + wlen >= outlen)
		wlen = outlen - 1 - o;
	memmove(out + o, w, wlen);
	return o + wlen;
}

size_t
refdata_name_key(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	char word[NAME_KEY_MAX + 1], rep[2];
	size_t i = 0, o = 0, wl = 0, k, r;
	uint32_t cp;

	if (outlen == 0)
		return 0;
	while (i <= len) {
		r = 0;
		if (i < len) {
			/* An invalid byte stands for itself, as U+FFFD. */
			if ((k = utf8_decode(s + i, len - i, &cp)) == 0) {
				cp = 0xfffd;
				k = 1;
			}
			i += k;
			if (cp >= 'a' && cp <= 'z') {
				rep[0] = (char)(cp - 'a' + 'A');
				r = 1;
			} else if ((cp >= 'A' && cp <= 'Z') ||
			    (cp >= '0' && cp <= '9')) {
				rep[0] = (char)cp;
				r = 1;
			} else
				r = fold_latin(cp, rep);
			if (r > 0) {
				if (wl + r <= NAME_KEY_MAX) {
					memcpy(word + wl, rep, r);
					wl += r;
				}
				continue;
			}
		} else
			i++;		/* the end is a break too */
		if (wl > 0 && o + 1 < outlen)
			o = key_word(out, o, outlen, word, wl);
		wl = 0;
	}
	out[o] = '\0';
	return o;
}

const struct commune *
refdata_commune_by_name(const struct refdata *ref, const char *dept,
    const char *name, size_t len)
{
	char key[NAME_KEY_MAX + 1];
	const struct commune *found;
	size_t dlen = dept != NULL ? strlen(dept) : 0;
	int lo, hi, mid, first, i, alias, n;

	if (name == NULL || refdata_name_key(name, len, key, sizeof(key)) == 0)
		return NULL;
	lo = 0;
	hi = ref->name_count;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ref->names[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	/* Entries of a key are ordered by alias: own names first. */
	for (alias = 0; alias <= 1; alias++) {
		found = NULL;
		n = 0;
		for (i = first; i < ref->name_count &&
		    strcmp(ref->names[i].key, key) == 0; i++) {
			if (ref->names[i].alias != alias)
				continue;
			if (dlen > 0 && (refdata_department_len(
			    ref->communes[ref->names[i].commune].insee) !=
			    dlen || memcmp(ref->communes[ref->names[i].commune]
			    .insee, dept, dlen) != 0))
				continue;
			found = &ref->communes[ref->names[i].commune];
			n++;
		}
		if (n == 1)
			return found;
		if (n > 1)
			return NULL;	/* ambiguous */
	}
	return NULL;
}

size_t
refdata_department_len(const char *insee)
{
	return insee[0] == '9' && insee[1] == '7' ? 3 : 2;
}

int
refdata_department_number(const struct refdata *ref, const char *insee,
    double lat, double lon)
{
	const struct commune *c = NULL;
	const struct refdata_department *d;
	double best = REFDATA_NEAR_KM, km;
	int i;

	if (insee != NULL && insee[0] != '\0')
		c = refdata_commune(ref, insee, strlen(insee));
	if (c == NULL)
		for (i = 0; i < ref->commune_count; i++) {
			/* A degree of latitude is 111 km: most skip here. */
			if (fabs(ref->communes[i].lat - lat) * 111.0 > best)
				continue;
			km = geo_distance_km(lat, lon, ref->communes[i].lat,
			    ref->communes[i].lon);
			if (km < best) {
				best = km;
				c = &ref->communes[i];
			}
		}
	if (c == NULL)
		return 0;
	d = refdata_department(ref, c->insee, refdata_department_len(c->insee));
	return d == NULL ? 0 : (int)(d - ref->departments) + 1;
}

const struct refdata_department *
refdata_department(const struct refdata *ref, const char *dept, size_t len)
{
	int i;

	if (dept == NULL || len < 2 || len > 3)
		return NULL;
	for (i = 0; i < ref->department_count; i++)
		if (strlen(ref->departments[i].code) == len &&
		    memcmp(ref->departments[i].code, dept, len) == 0)
			return &ref->departments[i];
	return NULL;
}
