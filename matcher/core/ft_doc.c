/*
 * France Travail documents (ft_doc_open(), ft_doc_map(), ft_doc_close()
 * of feed_francetravail.h): a page of the API, or an export, parsed once
 * (invalid UTF-8 repaired first), then its offers mapped a few at a time
 * with a report of what became of each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed_francetravail.h"
#include "ft_json.h"
#include "ft_text.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * Count the invalid UTF-8 bytes of s; if there are any, return a copy
 * with each replaced by U+FFFD (EF BF BD) in *fixed, its length in *flen.
 */
static size_t
utf8_repair(const char *s, size_t len, char **fixed, size_t *flen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, bad = 0, o;
	uint32_t cp;
	char *b;

	*fixed = NULL;
	for (i = 0; i < len; i += k) {
		if (p[i] < 0x80) {
			k = 1;
			continue;
		}
		if ((k = utf8_decode(p + i, len - i, &cp)) == 0) {
			bad++;
			k = 1;
		}
	}
	if (bad == 0)
		return 0;
	b = xmalloc(len + 2 * bad);
	for (i = 0, o = 0; i < len; i += k) {
		k = p[i] < 0x80 ? 1 : utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			memcpy(b + o, "\xef\xbf\xbd", 3);
			o += 3;
			k = 1;
			continue;
		}
		memcpy(b + o, p + i, k);
		o += k;
	}
	*fixed = b;
	*flen = o;
	return bad;
}

static void
record_reject(struct ft_batch_report *rep, int index, const json_t *item,
    const char *reason)
{
	struct ft_reject *r;
	const char *s;
	size_t len;

	rep->rejected++;
	if (rep->nrejects == FT_REJECTS_MAX)
		return;
	r = &rep->rejects[rep->nrejects++];
	r->index = index;
	r->id[0] = '\0';
	/* The id as sent, if it is printable ASCII and short enough. */
	if (json_is_object(item) && ft_json_str(item, "id", &s, &len) == J_OK &&
	    len > 0 && len <= FT_ID_MAX && ft_text_visible(s, len)) {
		memcpy(r->id, s, len);
		r->id[len] = '\0';
	}
	(void)snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

struct ft_doc {
	json_t		*root;
	const json_t	*list;		/* the offers, or the one offer */
	int		 single;
	size_t		 next, n;	/* n: at most FT_BATCH_MAX */
	struct ft_offer	 fo;		/* the one being mapped */
};

struct ft_doc *
ft_doc_open(const char *json, size_t len, struct ft_batch_report *rep)
{
	struct ft_doc *d;
	json_error_t jerr;
	const json_t *list = NULL;
	json_t *root = NULL;
	char *fixed = NULL;
	size_t i, n = 0, flen = 0;
	int single = 0;

	memset(rep, 0, sizeof(*rep));
	if (len > FT_DOC_MAX) {
		(void)snprintf(rep->error, sizeof(rep->error), "document: %zu "
		    "bytes, over the bound of %u", len, FT_DOC_MAX);
		return NULL;
	}
	for (i = 0; i < len && (json[i] == ' ' || json[i] == '\t' ||
	    json[i] == '\n' || json[i] == '\r'); i++)
		;
	if (i == len)
		goto empty;	/* 204 No Content: nothing found */
	rep->utf8_repaired = utf8_repair(json, len, &fixed, &flen);
	root = json_loadb(fixed != NULL ? fixed : json,
	    fixed != NULL ? flen : len, JSON_DECODE_INT_AS_REAL |
	    JSON_DECODE_ANY, &jerr);
	free(fixed);
	if (root == NULL) {
		(void)snprintf(rep->error, sizeof(rep->error), "line %d, "
		    "column %d: %.100s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (json_is_array(root))
		list = root;
	else if (json_is_object(root) &&
	    (list = json_object_get(root, "resultats")) != NULL) {
		if (json_is_null(list))
			goto empty;
		if (!json_is_array(list)) {
			(void)snprintf(rep->error, sizeof(rep->error),
			    "resultats: must be a list of offers");
			json_decref(root);
			return NULL;
		}
	} else if (json_is_object(root)) {
		list = root;
		single = 1;
	} else {
		(void)snprintf(rep->error, sizeof(rep->error), "document: "
		    "must be an offer, {\"resultats\": [...]} or a list of "
		    "offers");
		json_decref(root);
		return NULL;
	}
	n = single ? 1 : json_array_size(list);
	rep->offers = (int)n;
	if (n > FT_BATCH_MAX) {
		rep->skipped = (int)(n - FT_BATCH_MAX);
		n = FT_BATCH_MAX;
	}
empty:
	d = xcalloc(1, sizeof(*d));
	d->root = root;
	d->list = list;
	d->single = single;
	d->n = list != NULL ? n : 0;
	return d;
}

size_t
ft_doc_map(struct ft_doc *d, const struct refdata *ref,
    const struct rules *rules, ft_offer_cb *cb, void *arg, size_t max,
    struct ft_batch_report *rep)
{
	const json_t *item;
	char reason[FT_REASON_MAX];
	size_t i;

	for (; max > 0 && d->next < d->n; max--) {
		i = d->next++;
		item = d->single ? d->list : json_array_get(d->list, i);
		if (ft_map_offer(item, ref, rules, &d->fo, reason,
		    sizeof(reason)) == -1) {
			record_reject(rep, (int)i, item, reason);
			continue;
		}
		rep->mapped++;
		rep->warnings += (unsigned long)d->fo.nwarnings;
		if (cb != NULL && cb(&d->fo, arg) != 0)
			rep->refused++;
	}
	return d->n - d->next;
}

void
ft_doc_close(struct ft_doc *d)
{
	if (d == NULL)
		return;
	json_decref(d->root);
	free(d);
}
