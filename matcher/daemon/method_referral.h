/* referral.update: move a referral along its life (PROTOCOL.md). */
#ifndef MATCHER_METHOD_REFERRAL_H
#define MATCHER_METHOD_REFERRAL_H

#include "methods.h"

method_fn	method_referral_update;

#endif
