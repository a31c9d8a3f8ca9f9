/*
 * libFuzzer target: the rules file and the matching of offer text.
 * Input: byte 0 even, the rest is a rules file (loaded with rules_load()
 * through a memfd, as it takes a path) and, if it loads, the offer text
 * too; odd, the rest is offer text for the shipped config/rules.conf.
 * Checked: a refused file says why; the text gives the same facts with
 * the pre-filter on and off (rules_set_prefilter()), facts are in bounds.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_RULES_FACTS 64

/* The facts of text, with the pre-filter as told; how many. */
static int
fuzz_rules_facts(struct rules *r, int prefilter, const uint8_t *text,
    size_t len, struct rule_fact *out)
{
	int n;

	rules_set_prefilter(r, prefilter);
	n = rules_extract(r, (const char *)text, len, out, FUZZ_RULES_FACTS);
	FUZZ_CHECK(n >= 0 && n <= FUZZ_RULES_FACTS);
	return n;
}

/*
 * Both ways agree unless a match was abandoned at a limit (the limit is
 * counted per search, and the two ways search different spans).
 */
static void
fuzz_rules_compare(struct rules *r, const uint8_t *text, size_t len)
{
	static struct rule_fact a[FUZZ_RULES_FACTS], b[FUZZ_RULES_FACTS];
	struct rules_stats st0, st;
	char rome[ROME_CODE_LEN + 1];
	int na, nb, i;

	rules_stats(r, &st0);
	na = fuzz_rules_facts(r, 1, text, len, a);
	nb = fuzz_rules_facts(r, 0, text, len, b);
	rules_stats(r, &st);
	/* The set's counters run since its load: compare this text's. */
	if (st.limit_hits == st0.limit_hits &&
	    st.match_errors == st0.match_errors) {
		FUZZ_CHECK(na == nb);
		for (i = 0; i < na; i++)
			FUZZ_CHECK(a[i].kind == b[i].kind &&
			    strcmp(a[i].value, b[i].value) == 0 &&
			    a[i].required == b[i].required);
	}
	for (i = 0; i < na; i++)
		FUZZ_CHECK(memchr(a[i].value, '\0', sizeof(a[i].value)) != NULL);
	if (rules_rome_for_title(r, (const char *)text, len, rome) >= 0)
		FUZZ_CHECK(strlen(rome) == ROME_CODE_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules *r;
	char path[64], err[1024];
	int fd;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		r = fuzz_rules();
		fuzz_rules_compare(r, data + 1, size - 1);
		rules_set_prefilter(r, 1);
		return 0;
	}
	data++;
	size--;
	FUZZ_CHECK((fd = memfd_create("rules", 0)) != -1);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	r = rules_load(path, fuzz_refdata(), err, sizeof(err));
	close(fd);
	if (r == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	fuzz_rules_compare(r, data, size);
	rules_free(r);
	return 0;
}
