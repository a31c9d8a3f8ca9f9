/*
 * Tests for domain.c: the vocabulary tables agree with their enums, wire
 * names are looked up by exact match only, and the licence closure follows
 * the implications of the French permis.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain.h"

#define L(x) (1u << LICENCE_##x)

static const struct vocab *const all_vocabs[] = {
	&vocab_sector, &vocab_contract, &vocab_worktime, &vocab_status,
	&vocab_criterion, &vocab_barrier, &vocab_licence, &vocab_source,
};
#define NVOCABS (sizeof(all_vocabs) / sizeof(all_vocabs[0]))

static void
test_counts(void **state)
{
	(void)state;
	assert_int_equal(vocab_sector.count, SECTOR_COUNT);
	assert_int_equal(vocab_contract.count, CONTRACT_COUNT);
	assert_int_equal(vocab_worktime.count, WORKTIME_COUNT);
	assert_int_equal(vocab_status.count, STATUS_COUNT);
	assert_int_equal(vocab_criterion.count, CRITERION_COUNT);
	assert_int_equal(vocab_barrier.count, BARRIER_COUNT);
	assert_int_equal(vocab_licence.count, LICENCE_COUNT);
	assert_int_equal(vocab_source.count, SOURCE_COUNT);
	/* Sets are 32-bit masks. */
	assert_true(CRITERION_COUNT <= 32);
	assert_true(LICENCE_COUNT <= 16);
	assert_int_equal(SECTOR_COUNT, 4);
}

/* Every name finds its own index; names are unique and non-empty. */
static void
test_names_round_trip(void **state)
{
	const struct vocab *v;
	const char *name;
	size_t k;
	int i, j;

	(void)state;
	for (k = 0; k < NVOCABS; k++) {
		v = all_vocabs[k];
		assert_non_null(v->what);
		for (i = 0; i < v->count; i++) {
			name = vocab_name(v, i);
			assert_true(name[0] != '\0');
			assert_true(vocab_label(v, i)[0] != '\0');
			assert_int_equal(vocab_lookup(v, name, strlen(name)),
			    i);
			for (j = 0; j < i; j++)
				assert_string_not_equal(name,
				    vocab_name(v, j));
		}
	}
}

static void
test_lookup_exact(void **state)
{
	(void)state;
	assert_int_equal(vocab_lookup(&vocab_contract, "cdi", 3),
	    CONTRACT_CDI);
	assert_int_equal(vocab_lookup(&vocab_contract, "interim", 7),
	    CONTRACT_INTERIM);
	/* Case matters: wire names are lower case, labels are not names. */
	assert_int_equal(vocab_lookup(&vocab_contract, "CDI", 3), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, "Cdi", 3), -1);
	assert_int_equal(vocab_lookup(&vocab_sector, "Industrie", 9), -1);
	/* No prefixes, no extensions, no padding. */
	assert_int_equal(vocab_lookup(&vocab_contract, "cd", 2), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, "cdi", 2), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, "cdix", 4), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, "cdi ", 4), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, " cdi", 4), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, "", 0), -1);
	assert_int_equal(vocab_lookup(&vocab_contract, "cdi\0", 4), -1);
	/* The length bounds the name; no terminating NUL is needed. */
	assert_int_equal(vocab_lookup(&vocab_contract, "interimaire", 7),
	    CONTRACT_INTERIM);
	/* Licences that are prefixes of others. */
	assert_int_equal(vocab_lookup(&vocab_licence, "C", 1), LICENCE_C);
	assert_int_equal(vocab_lookup(&vocab_licence, "C1", 2), LICENCE_C1);
	assert_int_equal(vocab_lookup(&vocab_licence, "C1E", 3),
	    LICENCE_C1E);
	assert_int_equal(vocab_lookup(&vocab_licence, "CE", 2), LICENCE_CE);
	assert_int_equal(vocab_lookup(&vocab_licence, "ce", 2), -1);
	/* A name from another vocabulary. */
	assert_int_equal(vocab_lookup(&vocab_sector, "cdi", 3), -1);
	assert_int_equal(vocab_lookup(&vocab_criterion, "jeune_peu_qualifie",
	    18), CRITERION_JEUNE_PEU_QUALIFIE);
	assert_int_equal(vocab_lookup(&vocab_source, "pole_emploi", 11),
	    SOURCE_POLE_EMPLOI);
}

static void
test_names_labels(void **state)
{
	(void)state;
	assert_string_equal(vocab_name(&vocab_sector, SECTOR_BATIMENT),
	    "batiment");
	assert_string_equal(vocab_label(&vocab_sector, SECTOR_BATIMENT),
	    "B\xc3\xa2timent");
	assert_string_equal(vocab_label(&vocab_sector, SECTOR_HOTELLERIE),
	    "H\xc3\xb4tellerie/restauration/transports");
	assert_string_equal(vocab_name(&vocab_worktime, WORKTIME_ANY),
	    "any");
	assert_string_equal(vocab_name(&vocab_status, STATUS_PLACED),
	    "placed");
	assert_string_equal(vocab_label(&vocab_criterion, CRITERION_TH),
	    "travailleur handicap\xc3\xa9");
	assert_string_equal(vocab_name(&vocab_barrier, BARRIER_GARDE_ENFANTS),
	    "garde_enfants");
	assert_string_equal(vocab_name(&vocab_licence, LICENCE_D1E), "D1E");
	assert_string_equal(vocab_sector.what, "sector");

	/* Out of range gives a placeholder rather than a bad pointer. */
	assert_string_equal(vocab_name(&vocab_sector, -1), "?");
	assert_string_equal(vocab_name(&vocab_sector, SECTOR_COUNT), "?");
	assert_string_equal(vocab_label(&vocab_licence, LICENCE_COUNT), "?");
	assert_string_equal(vocab_label(&vocab_licence, -5), "?");
}

static void
test_licence_closure(void **state)
{
	uint32_t all = (1u << LICENCE_COUNT) - 1;

	(void)state;
	assert_int_equal(licence_closure(0), 0);
	/* B alone brings only AM. */
	assert_int_equal(licence_closure(L(B)), L(B) | L(AM));
	assert_int_equal(licence_closure(L(AM)), L(AM));
	assert_int_equal(licence_closure(L(BE)), L(BE) | L(B) | L(AM));
	/* CE: C, C1, B, BE and AM; nothing of the bus or motorbike lines. */
	assert_int_equal(licence_closure(L(CE)) &
	    (L(C) | L(C1) | L(B) | L(BE) | L(AM)),
	    L(C) | L(C1) | L(B) | L(BE) | L(AM));
	assert_int_equal(licence_closure(L(CE)) &
	    (L(D) | L(D1) | L(DE) | L(D1E) | L(A) | L(A1) | L(A2)), 0);
	assert_int_equal(licence_closure(L(C)),
	    L(C) | L(C1) | L(B) | L(AM));
	assert_int_equal(licence_closure(L(C1)), L(C1) | L(B) | L(AM));
	/* D: D1 and B (hence AM), but no trailer categories. */
	assert_int_equal(licence_closure(L(D)),
	    L(D) | L(D1) | L(B) | L(AM));
	assert_int_equal(licence_closure(L(DE)) &
	    (L(D) | L(D1) | L(B) | L(BE) | L(AM)),
	    L(D) | L(D1) | L(B) | L(BE) | L(AM));
	/* Motorbikes: A implies A2, A1 and AM, not a car. */
	assert_int_equal(licence_closure(L(A)),
	    L(A) | L(A2) | L(A1) | L(AM));
	assert_int_equal(licence_closure(L(A1)), L(A1) | L(AM));
	/* Unions close independently, and closing twice changes nothing. */
	assert_int_equal(licence_closure(L(CE) | L(A1)),
	    licence_closure(L(CE)) | licence_closure(L(A1)));
	assert_int_equal(licence_closure(licence_closure(L(DE) | L(CE))),
	    licence_closure(L(DE) | L(CE)));
	assert_int_equal(licence_closure(all), all);
	/* Nothing is added outside the known categories. */
	assert_int_equal(licence_closure(L(CE) | L(DE)) & ~all, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_lookup_exact),
		cmocka_unit_test(test_names_labels),
		cmocka_unit_test(test_licence_closure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
