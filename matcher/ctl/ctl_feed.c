/*
 * offer put --format francetravail (ctl_feed.h): the document goes to the
 * daemon as received (feed.push), which maps, reads, stores and scores
 * each offer.  A document over one message (a saved export of a day's
 * offers) is split into pages of whole offers, each sent as a search
 * response, and the reports are added up.  Files are bounded as
 * feed.push's documents are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "ctl_conn.h"
#include "ctl_feed.h"
#include "ctl_output.h"
#include "proto.h"

#define FT_FILE_MAX	(16u << 20)
#define FT_PAGE_BYTES	(PROTO_MAX_MESSAGE_DEFAULT - 8192)

/* Add feed.push's report res to total. */
static void
feed_total_add(json_t *total, const json_t *res)
{
	static const char *const counts[] = { "accepted", "updated",
	    "rejected", "duplicates", "uncertain", NULL };
	static const char *const lists[] = { "errors", "merged",
	    "possible_duplicates", NULL };
	json_t *l;
	int i;

	for (i = 0; counts[i] != NULL; i++)
		json_object_set_new(total, counts[i], json_integer(
		    jint(total, counts[i]) + jint(res, counts[i])));
	for (i = 0; lists[i] != NULL; i++) {
		if ((l = json_object_get(total, lists[i])) == NULL)
			json_object_set_new(total, lists[i], l = json_array());
		if (json_is_array(json_object_get(res, lists[i])))
			json_array_extend(l, json_object_get(res, lists[i]));
	}
}

static void
feed_send(struct ctl *ctl, const char *path, const char *doc, size_t n,
    json_t *total)
{
	json_t *params, *res;

	params = json_pack("{s:s, s:s%}", "format", "francetravail",
	    "payload", doc, n);
	if (params == NULL)
		ctl_die(EXIT_REFUSED, "%s: the document is not UTF-8 text",
		    path);
	res = ctl_conn_call(ctl, "feed.push", params);
	feed_total_add(total, res);
	json_decref(res);
}

/* Send page as a search response, and empty it. */
static void
feed_send_page(struct ctl *ctl, const char *path, json_t *page,
    json_t *total)
{
	json_t *doc = json_pack("{s:O}", "resultats", page);
	char *text = json_dumps(doc, JSON_COMPACT);

	if (text == NULL)
		ctl_die(EXIT_REFUSED, "%s: out of memory", path);
	feed_send(ctl, path, text, strlen(text), total);
	free(text);
	json_decref(doc);
	json_array_clear(page);
}

/* A document over one message: its offers, a page at a time. */
static void
feed_split(struct ctl *ctl, const char *path, const char *buf, size_t n,
    json_t *total)
{
	json_t *root, *list, *item, *page, *err;
	json_error_t jerr;
	size_t i, len, bytes = 0;
	char *one;

	if ((root = json_loadb(buf, n, 0, &jerr)) == NULL)
		ctl_die(EXIT_REFUSED, "%s: over %d bytes, and not JSON to "
		    "split (line %d: %s)", path, FT_PAGE_BYTES, jerr.line,
		    jerr.text);
	list = json_is_array(root) ? root : json_object_get(root, "resultats");
	if (!json_is_array(list))
		ctl_die(EXIT_REFUSED, "%s: over %d bytes, and not a list of "
		    "offers or a search response to split", path,
		    FT_PAGE_BYTES);
	page = json_array();
	json_array_foreach(list, i, item) {
		if ((one = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY)) ==
		    NULL)
			ctl_die(EXIT_REFUSED, "%s: out of memory", path);
		len = strlen(one);
		free(one);
		if (len + 64 > FT_PAGE_BYTES) {
			/* Alone over a message: reported, the rest goes on. */
			err = json_pack("{s:s?, s:s}", "id",
			    json_string_value(json_object_get(item, "id")),
			    "reason", "offer over the message bound");
			json_array_append_new(json_object_get(total, "errors"),
			    err);
			json_object_set_new(total, "rejected",
			    json_integer(jint(total, "rejected") + 1));
			continue;
		}
		if (bytes + len + 64 > FT_PAGE_BYTES) {
			feed_send_page(ctl, path, page, total);
			bytes = 0;
		}
		json_array_append(page, item);
		bytes += len + 1;
	}
	if (json_array_size(page) > 0)
		feed_send_page(ctl, path, page, total);
	json_decref(page);
	json_decref(root);
}

int
ctl_feed_push(struct ctl *ctl, const char *path)
{
	json_t *total, *e;
	char *buf;
	size_t n, i;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL)
		ctl_die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if ((buf = malloc(FT_FILE_MAX + 1)) == NULL)
		ctl_die(EXIT_REFUSED, "%s: out of memory", path);
	n = fread(buf, 1, FT_FILE_MAX + 1, fp);
	if (n > FT_FILE_MAX)
		ctl_die(EXIT_REFUSED, "%s: over %u bytes: split the document "
		    "(the API pages by 150 offers)", path, FT_FILE_MAX);
	if (ferror(fp))
		ctl_die(EXIT_REFUSED, "%s: %s", path, strerror(errno));
	if (fp != stdin)
		fclose(fp);
	total = json_pack("{s:i, s:i, s:i, s:i, s:i, s:[], s:[], s:[]}",
	    "accepted", 0, "updated", 0, "rejected", 0, "duplicates", 0,
	    "uncertain", 0, "errors", "merged", "possible_duplicates");
	if (n <= FT_PAGE_BYTES)
		feed_send(ctl, path, buf, n, total);
	else
		feed_split(ctl, path, buf, n, total);
	free(buf);
	json_array_foreach(json_object_get(total, "errors"), i, e)
		fprintf(stderr, "offer %s: %s\n", jtext(e, "id"),
		    jtext(e, "reason"));
	if (ctl->json)
		ctl_output_json(ctl, total);
	else {
		json_array_foreach(json_object_get(total, "merged"), i, e)
			printf("offer %s: the same job as %s, merged (%s)\n",
			    jtext(e, "id"), jtext(e, "into"), jtext(e, "why"));
		json_array_foreach(json_object_get(total,
		    "possible_duplicates"), i, e)
			printf("offer %s: maybe the same job as %s (%s)\n",
			    jtext(e, "id"), jtext(e, "other"), jtext(e, "why"));
		printf("offers: %lld accepted, %lld updated, %lld rejected, "
		    "%lld duplicates, %lld maybe duplicates\n",
		    jint(total, "accepted"), jint(total, "updated"),
		    jint(total, "rejected"), jint(total, "duplicates"),
		    jint(total, "uncertain"));
	}
	n = (size_t)jint(total, "rejected");
	json_decref(total);
	return n > 0 ? EXIT_REFUSED : 0;
}
