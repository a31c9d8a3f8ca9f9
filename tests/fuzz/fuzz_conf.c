/*
 * libFuzzer target: the configuration parser, conf_load_string() (input:
 * an INI file).  Checked: the error count and the messages agree; an
 * accepted configuration dumps (conf_dump()) to a file that loads without
 * error and dumps to the same text.
 */
#include "fuzz_common.h"

#include "conf.h"

/* conf_dump() of c as a NUL-terminated string; the caller frees it. */
static char *
fuzz_conf_dump(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	FUZZ_CHECK((m = open_memstream(&buf, &len)) != NULL);
	conf_dump(c, m);
	FUZZ_CHECK(fclose(m) == 0);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c, c2;
	static struct conf_errors errs;
	char *text, *dump, *dump2;
	int n, i;

	FUZZ_CHECK((text = malloc(size + 1)) != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	conf_defaults(&c);
	n = conf_load_string(&c, "fuzz.conf", text, &errs);
	FUZZ_CHECK(n >= 0 && n == errs.count);
	for (i = 0; i < n && i < CONF_MAX_ERRORS; i++)
		FUZZ_CHECK(errs.msg[i][0] != '\0');
	if (n == 0) {
		dump = fuzz_conf_dump(&c);
		conf_defaults(&c2);
		if (conf_load_string(&c2, "dump.conf", dump, &errs) != 0) {
			fprintf(stderr, "dump refused: %s\n%s\n", errs.msg[0],
			    dump);
			abort();
		}
		dump2 = fuzz_conf_dump(&c2);
		FUZZ_CHECK(strcmp(dump, dump2) == 0);
		free(dump2);
		free(dump);
	}
	free(text);
	return 0;
}
