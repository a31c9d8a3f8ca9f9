/*
 * A one-entry cache of labels_add() (labelled.h).  The key is the whole
 * input: comparing it costs a memcmp, labelling an unpack and a repack.
 */
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "labelled.h"
#include "labels.h"
#include "xmalloc.h"

static char		*key;
static size_t		 keylen;
static msgpack_sbuffer	 copy;

void
labelled_get(const struct refdata *ref, const char *in, size_t len,
    const char **out, size_t *outlen)
{
	msgpack_sbuffer sb;

	if (key != NULL && keylen == len && memcmp(key, in, len) == 0) {
		*out = copy.data;
		*outlen = copy.size;
		return;
	}
	*out = in;
	*outlen = len;
	msgpack_sbuffer_init(&sb);
	if (labels_add(ref, in, len, &sb) <= 0) {
		msgpack_sbuffer_destroy(&sb);
		return;
	}
	labelled_free();
	key = xmalloc(len);
	memcpy(key, in, len);
	keylen = len;
	copy = sb;
	*out = copy.data;
	*outlen = copy.size;
}

void
labelled_free(void)
{
	if (key == NULL)
		return;
	free(key);
	key = NULL;
	keylen = 0;
	msgpack_sbuffer_destroy(&copy);
}
