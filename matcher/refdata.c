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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "geo.h"
#include "refdata.h"
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
};

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
		rows[n].commune.lat = lat;
		rows[n].commune.lon = lon;
		rows[n].line = r->lineno;
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
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && strcmp(rows[i].commune.insee,
		    ref->communes[k - 1].insee) == 0)
			continue;
		ref->communes[k++] = rows[i].commune;
		rows[i].commune.name = NULL;
	}
	ref->communes = xreallocarray(ref->communes, k,
	    sizeof(*ref->communes));
	ref->commune_count = (int)k;
	ret = 0;
done:
	for (i = 0; i < n; i++)
		free(rows[i].commune.name);
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
