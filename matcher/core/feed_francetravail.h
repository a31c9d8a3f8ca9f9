/*
 * The France Travail "Offres d'emploi v2" feed: offers of the API (one
 * offer object, or a search response {"resultats": [...]}) mapped onto
 * matcherd's struct offer, with what the offer says that struct offer
 * cannot hold yet (department-level place, ROME 4.0 code, wished
 * experience and licences, origin) kept beside it.
 *
 * The mapping rules are listed at the top of feed_francetravail.c.  Pure:
 * no I/O, no clock, no globals; a struct refdata and a struct rules are
 * only read, so several threads may map at once.
 */
#ifndef MATCHER_FEED_FRANCETRAVAIL_H
#define MATCHER_FEED_FRANCETRAVAIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "candidate.h"
#include "offer.h"
#include "refdata.h"
#include "ft_offer.h"
#include "rules.h"

/*
 * Map one offer object.  rules may be NULL: no free-text extraction, and
 * an offer without romeCode is then rejected.  Returns 0, or -1 with a
 * reason naming the field in err ("lieuTravail: no commune, coordinates,
 * postal code or known place"); *out is then unspecified.  Never fails on
 * a field that is only ancillary: that one is ignored and a warning added.
 */
int	ft_map_offer(const json_t *j, const struct refdata *ref,
	    const struct rules *rules, struct ft_offer *out, char *err,
	    size_t errlen);

struct ft_reject {
	int		 index;			/* in the document */
	char		 id[FT_ID_MAX + 1];	/* "" if the id is bad */
	char		 reason[FT_REASON_MAX];
};

struct ft_batch_report {
	int		 offers;	/* offers in the document */
	int		 mapped;	/* given to the callback */
	int		 refused;	/* of which the callback refused */
	int		 rejected;	/* could not be mapped */
	int		 skipped;	/* beyond FT_BATCH_MAX */
	unsigned long	 warnings;	/* over all mapped offers */
	unsigned long	 utf8_repaired;	/* bad UTF-8 bytes fixed */
	struct ft_reject rejects[FT_REJECTS_MAX];	/* the first ones */
	int		 nrejects;
	/* Document-level error ("line 3, column 7: ..."), "" if none. */
	char		 error[FT_REASON_MAX];
};

/*
 * Called once per mapped offer; the offer is only valid during the call.
 * Return 0 if taken, -1 if refused (counted in refused; the batch goes on).
 */
typedef int ft_offer_cb(const struct ft_offer *, void *arg);

/*
 * Map a document: one offer object, a search response {"resultats":
 * [...]}, or a bare array of offers.  An empty document (the API answers
 * 204 without a body when nothing matches) is an empty batch.  Invalid
 * UTF-8 bytes are replaced by U+FFFD before parsing, so that one bad byte
 * does not lose the page.  Bad records are rejected one by one and never
 * stop the batch.
 *
 * Returns 0 when the document was read (rep says what became of each
 * offer), -1 on a document-level error (rep->error): over FT_DOC_MAX
 * bytes, malformed JSON (with jansson's line and column), or a document
 * of another shape.  cb may be NULL (map and count only).
 */
int	ft_map_document(const char *json, size_t len,
	    const struct refdata *ref, const struct rules *rules,
	    ft_offer_cb *cb, void *arg, struct ft_batch_report *rep);

/*
 * The same, a few offers at a time, for a caller that must not hold its
 * thread for the whole document (the daemon's event loop).  ft_doc_open()
 * parses (NULL on a document-level error, in rep->error; an empty
 * document is a document of no offers); ft_doc_map() maps the next max
 * offers at most, adding to rep, and returns how many are left;
 * ft_doc_close() frees.  rules may differ from one call to the next.
 */
struct ft_doc;
struct ft_doc	*ft_doc_open(const char *json, size_t len,
		    struct ft_batch_report *rep);
size_t		 ft_doc_map(struct ft_doc *, const struct refdata *ref,
		    const struct rules *rules, ft_offer_cb *cb, void *arg,
		    size_t max, struct ft_batch_report *rep);
void		 ft_doc_close(struct ft_doc *);

#endif
