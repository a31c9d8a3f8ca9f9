/* Clause operation methods (docs/CLAUSE.md): put, get, list, report. */
#ifndef MATCHER_METHOD_CLAUSE_H
#define MATCHER_METHOD_CLAUSE_H

#include "methods.h"

method_fn	method_clause_put;
method_fn	method_clause_get;
method_fn	method_clause_list;
method_fn	method_clause_report;

#endif
