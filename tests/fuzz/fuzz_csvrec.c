/*
 * libFuzzer target: the CSV reader (input: byte 0 picks candidates or
 * offers, the rest is the file, fed line by line as matchctl does).
 * Checked: every row is a record or a reason; a record (its empty lists
 * dropped, unless nothing is left) written back with
 * csvrec_write_record() imports again, and that import is a fixed point
 * (writing and reading it once more gives the same JSON).
 */
#include "fuzz_common.h"

#include <jansson.h>

#include "csvrec.h"

/* Feed text to a new reader; the first record (or NULL) and the count. */
static json_t *
fuzz_csv_read(enum csvrec_kind kind, const char *text, size_t len, int *rc,
    int *nrows)
{
	struct csvrec_in *in;
	struct csvrec_item it;
	json_t *first = NULL;
	const char *p = text, *end = text + len, *nl;

	FUZZ_CHECK((in = csvrec_in_new(kind)) != NULL);
	*rc = 0;
	*nrows = 0;
	while (p < end && *rc == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		*rc = csvrec_in_line(in, p, (size_t)(nl - p));
		p = nl;
	}
	if (*rc == 0)
		*rc = csvrec_in_end(in);
	if (*rc == -1)
		FUZZ_CHECK(csvrec_in_error(in)[0] != '\0');
	while (csvrec_in_next(in, &it) == 1) {
		FUZZ_CHECK(it.line >= 1);
		if (it.rec == NULL)
			FUZZ_CHECK(it.message[0] != '\0');
		else {
			FUZZ_CHECK(json_is_object(it.rec));
			if (first == NULL)
				first = json_incref(it.rec);
			json_decref(it.rec);
		}
		(*nrows)++;
	}
	csvrec_in_free(in);
	return first;
}

/* rec as a CSV file of one row, read back; the record, or NULL. */
static json_t *
fuzz_csv_again(enum csvrec_kind kind, const json_t *rec, char sep)
{
	json_t *back;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int rc, n;

	FUZZ_CHECK((m = open_memstream(&buf, &len)) != NULL);
	FUZZ_CHECK(csvrec_write_header(m, kind, sep) == 0);
	FUZZ_CHECK(csvrec_write_record(m, kind, rec, sep) == 0);
	FUZZ_CHECK(fclose(m) == 0);
	back = fuzz_csv_read(kind, buf, len, &rc, &n);
	if (back == NULL) {
		fprintf(stderr, "not read back: %.*s\n", (int)len, buf);
		abort();
	}
	FUZZ_CHECK(rc == 0 && n == 1);
	free(buf);
	return back;
}

/*
 * Drop the empty lists and objects of rec, which write back as empty
 * cells and come back absent (docs/CSV.md); the members left.
 */
static size_t
fuzz_csv_prune(json_t *rec)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(rec, tmp, k, v) {
		if (json_is_object(v))
			(void)fuzz_csv_prune(v);
		if ((json_is_array(v) && json_array_size(v) == 0) ||
		    (json_is_object(v) && json_object_size(v) == 0))
			json_object_del(rec, k);
	}
	return json_object_size(rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[] = { ';', ',', '\t' };
	enum csvrec_kind kind;
	json_t *rec, *rec2, *rec3;
	char sep;
	int rc, n;

	if (size < 1)
		return 0;
	kind = (data[0] & 1) ? CSVREC_OFFER : CSVREC_CANDIDATE;
	sep = seps[(data[0] >> 1) % 3];
	rec = fuzz_csv_read(kind, (const char *)data + 1, size - 1, &rc, &n);
	/*
	 * {} (a row of ignored columns only, or of empty lists) writes back
	 * as an empty row, which is skipped: the daemon refuses it, id
	 * missing.
	 */
	if (rec != NULL && fuzz_csv_prune(rec) == 0) {
		json_decref(rec);
		rec = NULL;
	}
	if (rec != NULL) {
		rec2 = fuzz_csv_again(kind, rec, sep);
		rec3 = fuzz_csv_again(kind, rec2, sep);
		if (!json_equal(rec2, rec3)) {
			char *a = json_dumps(rec2, JSON_SORT_KEYS);
			char *b = json_dumps(rec3, JSON_SORT_KEYS);

			fprintf(stderr, "export/import not stable:\n%s\n%s\n",
			    a, b);
			abort();
		}
		json_decref(rec3);
		json_decref(rec2);
		json_decref(rec);
	}
	return 0;
}
