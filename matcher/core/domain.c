/*
 * Name tables for the vocabularies of domain.h, and the licence closure.
 */
#include <stddef.h>
#include <string.h>

#include "domain.h"

#define X_NAME(s, w, l) w,
#define X_LABEL(s, w, l) l,

#define VOCAB(var, what_, LIST)						\
	static const char *const var##_names[] = { LIST(X_NAME) };	\
	static const char *const var##_labels[] = { LIST(X_LABEL) };	\
	const struct vocab var = { what_, var##_names, var##_labels,	\
	    (int)(sizeof(var##_names) / sizeof(var##_names[0])) };

VOCAB(vocab_sector, "sector", SECTOR_LIST)
VOCAB(vocab_contract, "contract", CONTRACT_LIST)
VOCAB(vocab_worktime, "working_time", WORKTIME_LIST)
VOCAB(vocab_status, "status", STATUS_LIST)
VOCAB(vocab_criterion, "criterion", CRITERION_LIST)
VOCAB(vocab_barrier, "barrier", BARRIER_LIST)
VOCAB(vocab_licence, "licence", LICENCE_LIST)
VOCAB(vocab_source, "source", SOURCE_LIST)

int
vocab_lookup(const struct vocab *v, const char *s, size_t len)
{
	int i;

	for (i = 0; i < v->count; i++)
		if (strlen(v->names[i]) == len &&
		    memcmp(v->names[i], s, len) == 0)
			return i;
	return -1;
}

const char *
vocab_name(const struct vocab *v, int i)
{
	return (i >= 0 && i < v->count) ? v->names[i] : "?";
}

const char *
vocab_label(const struct vocab *v, int i)
{
	return (i >= 0 && i < v->count) ? v->labels[i] : "?";
}

#define L(x) (1u << LICENCE_##x)

uint32_t
licence_closure(uint32_t set)
{
	/* Each row: holding "from" implies holding "implied". */
	static const struct { uint32_t from, implied; } rules[] = {
		{ L(CE), L(C) | L(BE) | L(C1E) },
		{ L(C), L(C1) | L(B) },
		{ L(C1E), L(C1) | L(BE) },
		{ L(C1), L(B) },
		{ L(DE), L(D) | L(BE) | L(D1E) },
		{ L(D), L(D1) | L(B) },
		{ L(D1E), L(D1) | L(BE) },
		{ L(D1), L(B) },
		{ L(BE), L(B) },
		{ L(A), L(A2) },
		{ L(A2), L(A1) },
		{ L(A1), L(AM) },
		{ L(B), L(AM) },
	};
	uint32_t prev;
	size_t i;

	do {
		prev = set;
		for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			if (set & rules[i].from)
				set |= rules[i].implied;
	} while (set != prev);
	return set;
}
