/* feed.push: a partner's document as received, through the pipeline. */
#ifndef MATCHER_METHOD_FEED_H
#define MATCHER_METHOD_FEED_H

#include "methods.h"

method_fn	method_feed_push;

#endif
