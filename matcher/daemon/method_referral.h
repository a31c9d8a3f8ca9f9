/*
 * referral.update: move a referral along its life; referral.history: its
 * moves; referral.sweep: the expiry sweep now (PROTOCOL.md).
 */
#ifndef MATCHER_METHOD_REFERRAL_H
#define MATCHER_METHOD_REFERRAL_H

#include "methods.h"

method_fn	method_referral_update;
method_fn	method_referral_history;
method_fn	method_referral_sweep;

/* Moves referral.history answers at most: the last ones. */
#define METHOD_REFERRAL_HISTORY_MAX	1000

#endif
