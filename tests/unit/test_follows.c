/*
 * Unit tests of the follows table (matcher/core/follows.c): pairs stay
 * sorted and unique through random adds and removes, checked against a
 * brute-force model; a candidate's followers are found; the bounds hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follows.h"

#define NCAND	40
#define NUSER	7

static void
test_add_remove(void **state)
{
	struct follows *f = follows_new();
	size_t first;

	(void)state;
	assert_int_equal(follows_add(f, "c-2", "alice", 10), 0);
	assert_int_equal(follows_add(f, "c-1", "bob", 11), 0);
	assert_int_equal(follows_add(f, "c-2", "bob", 12), 0);
	assert_int_equal(follows_add(f, "c-2", "alice", 13), 1);
	assert_int_equal(f->n, 3);
	assert_int_equal(follows_of(f, "c-2", &first), 2);
	assert_string_equal(f->v[first].user, "alice");
	assert_int_equal(f->v[first].since, 10);
	assert_string_equal(f->v[first + 1].user, "bob");
	assert_int_equal(follows_of(f, "c-3", &first), 0);
	assert_true(follows_has(f, "c-1", "bob"));
	assert_false(follows_has(f, "c-1", "alice"));
	assert_int_equal(follows_count_user(f, "bob"), 2);
	assert_int_equal(follows_remove(f, "c-1", "alice"), 0);
	assert_int_equal(follows_remove(f, "c-1", "bob"), 1);
	assert_int_equal(follows_remove_candidate(f, "c-2"), 2);
	assert_int_equal(f->n, 0);
	follows_free(f);
}

static void
test_bound_per_user(void **state)
{
	struct follows *f = follows_new();
	char id[32];
	int i;

	(void)state;
	for (i = 0; i < FOLLOWS_PER_USER_MAX; i++) {
		snprintf(id, sizeof(id), "c-%05d", i);
		assert_int_equal(follows_add(f, id, "alice", i), 0);
	}
	assert_int_equal(follows_add(f, "c-x", "alice", 0), -1);
	/* Another user is not held back by alice's bound. */
	assert_int_equal(follows_add(f, "c-x", "bob", 0), 0);
	/* Following again someone followed is no new pair. */
	assert_int_equal(follows_add(f, "c-00001", "alice", 0), 1);
	follows_free(f);
}

/* Random operations against a matrix of who follows whom. */
static void
test_random_against_model(void **state)
{
	static char model[NCAND][NUSER];
	struct follows *f = follows_new();
	char cand[16], user[16];
	size_t first, n, i, total;
	int op, c, u, k, got;

	(void)state;
	memset(model, 0, sizeof(model));
	srand(7);
	for (op = 0; op < 20000; op++) {
		c = rand() % NCAND;
		u = rand() % NUSER;
		snprintf(cand, sizeof(cand), "c-%d", c);
		snprintf(user, sizeof(user), "u%d", u);
		switch (rand() % 5) {
		case 0:
		case 1:
			got = follows_add(f, cand, user, op);
			assert_int_equal(got, model[c][u] ? 1 : 0);
			model[c][u] = 1;
			break;
		case 2:
			got = follows_remove(f, cand, user);
			assert_int_equal(got, model[c][u]);
			model[c][u] = 0;
			break;
		case 3:
			if (rand() % 20 != 0)
				break;
			for (k = 0, n = 0; k < NUSER; k++)
				n += model[c][k];
			assert_int_equal(follows_remove_candidate(f, cand), n);
			memset(model[c], 0, NUSER);
			break;
		default:
			n = follows_of(f, cand, &first);
			for (k = 0, i = 0; k < NUSER; k++) {
				if (!model[c][k])
					continue;
				snprintf(user, sizeof(user), "u%d", k);
				assert_true(i < n);
				assert_string_equal(f->v[first + i].candidate,
				    cand);
				assert_string_equal(f->v[first + i].user, user);
				i++;
			}
			assert_int_equal(i, n);
		}
	}
	for (c = 0, total = 0; c < NCAND; c++)
		for (u = 0; u < NUSER; u++)
			total += model[c][u];
	assert_int_equal(f->n, total);
	for (i = 1; i < f->n; i++) {
		k = strcmp(f->v[i - 1].candidate, f->v[i].candidate);
		assert_true(k < 0 || (k == 0 &&
		    strcmp(f->v[i - 1].user, f->v[i].user) < 0));
	}
	follows_free(f);
}

/* A load sorts once and drops repeats: as many adds would. */
static void
test_load(void **state)
{
	struct follows *f = follows_new(), *g = follows_new();
	struct follow *v;
	size_t i, n = 3000;

	(void)state;
	v = calloc(n, sizeof(*v));
	srand(11);
	for (i = 0; i < n; i++) {
		snprintf(v[i].candidate, sizeof(v[i].candidate), "c-%d",
		    rand() % 500);
		snprintf(v[i].user, sizeof(v[i].user), "u%d", rand() % 9);
		v[i].since = (int64_t)i;
		(void)follows_add(g, v[i].candidate, v[i].user, v[i].since);
	}
	assert_int_equal(follows_load(f, v, n), g->n);
	assert_int_equal(f->n, g->n);
	for (i = 0; i < f->n; i++) {
		assert_string_equal(f->v[i].candidate, g->v[i].candidate);
		assert_string_equal(f->v[i].user, g->v[i].user);
	}
	free(v);
	follows_free(f);
	follows_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_remove),
		cmocka_unit_test(test_bound_per_user),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
