/* Candidate methods: put, get, delete, list, referrals, resolve. */
#ifndef MATCHER_METHOD_CANDIDATE_H
#define MATCHER_METHOD_CANDIDATE_H

#include "methods.h"

method_fn	method_candidate_put;
method_fn	method_candidate_get;
method_fn	method_candidate_delete;
method_fn	method_candidate_list;
method_fn	method_candidate_referrals;
method_fn	method_candidate_resolve;

#endif
