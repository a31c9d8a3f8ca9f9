/*
 * The RGPD methods (docs/RGPD.md): candidate.erase (right to erasure),
 * candidate.export (right of access) and rgpd.sweep (the retention
 * sweep, run now).
 */
#ifndef MATCHER_METHOD_RGPD_H
#define MATCHER_METHOD_RGPD_H

#include "methods.h"

method_fn	method_rgpd_erase;
method_fn	method_rgpd_export;
method_fn	method_rgpd_sweep;

#endif
