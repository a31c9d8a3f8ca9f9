/*
 * What an offer lacks (docs/SCORING.md, "Near misses and diagnosis"):
 * offer.near_miss, the people one short step away, for the advisers who
 * plan a training operation; offer.diagnose, each requirement's cost in
 * candidates, for the prospection staff who talk to the employer.
 */
#ifndef MATCHER_METHOD_GAP_H
#define MATCHER_METHOD_GAP_H

#include <msgpack.h>

struct matcherd;
struct pending;

void	method_gap_near_miss(struct matcherd *, struct pending *,
	    const msgpack_object *params);
void	method_gap_diagnose(struct matcherd *, struct pending *,
	    const msgpack_object *params);

#endif
