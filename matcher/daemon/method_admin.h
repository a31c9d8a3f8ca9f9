/*
 * Administration methods: auth, ping, stats, subscribe, audit.list
 * (PROTOCOL.md).
 */
#ifndef MATCHER_METHOD_ADMIN_H
#define MATCHER_METHOD_ADMIN_H

#include "methods.h"

method_fn	method_admin_audit_list;
method_fn	method_admin_auth;
method_fn	method_admin_ping;
method_fn	method_admin_stats;
method_fn	method_admin_subscribe;

#endif
