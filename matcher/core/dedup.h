/*
 * Duplicate offers: the same job received twice, from France Travail and a
 * partner job board (origineOffre.origine 2), from France Travail and
 * prospection, and so on.  Each offer is reduced once to a signature (its
 * employer and title normalised, its job, place, contract and creation
 * day); two signatures compare to SAME (merge them), UNCERTAIN (report the
 * pair to an adviser, do not merge) or DIFFERENT, with a short French
 * explanation.  An index of the open offers' signatures finds a new
 * offer's best match without comparing it with every open offer.
 *
 * The rules, their thresholds and why are in docs/DEDUP.md.  Pure: no I/O,
 * no clock, no globals; the index is not locked (one writer, or external
 * locking).
 */
#ifndef MATCHER_DEDUP_H
#define MATCHER_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "candidate.h"
#include "offer.h"
#include "refdata.h"

/* Creation days at most this far apart may be SAME (rule D). */
#define DEDUP_SAME_DAYS		14
/* Creation days further apart than this are DIFFERENT (rule D). */
#define DEDUP_MAX_DAYS		45
/* Places at most this far apart are the same place (rule P). */
#define DEDUP_SAME_KM		2.0
/* Places further apart than this are DIFFERENT (rule P). */
#define DEDUP_NEAR_KM		15.0
/* Employer words whose prefixes a signature lists (struct dedup_sig). */
#define DEDUP_EMP_WORDS		8
/* A why buffer of this size never truncates. */
#define DEDUP_WHY_MAX		512

/* Normalised forms are never longer than the offer's fields. */
#define DEDUP_TITLE_MAX		OFFER_TITLE_MAX
#define DEDUP_EMPLOYER_MAX	OFFER_EMPLOYER_MAX

enum dedup_verdict {
	DEDUP_DIFFERENT = 0,
	DEDUP_UNCERTAIN,	/* report the pair, do not merge */
	DEDUP_SAME		/* merge: keep every source reference */
};

/*
 * What is compared, computed once per offer by dedup_sig_make().  The
 * fields are public so that a caller may read them; change them only
 * through dedup_sig_make().
 */
struct dedup_sig {
	char		 id[RECORD_ID_MAX + 1];
	int		 source;	/* enum source */
	int		 partner;	/* 1: a partner board's copy */
	int		 sector;	/* enum sector */
	int		 contract;	/* enum contract */
	/*
	 * Employer: upper case, accents folded, punctuation a word break,
	 * runs of single letters joined ("S.A.S." -> "SAS"), legal forms
	 * and filler words removed ("Ets Dupont et Fils SARL" -> "DUPONT
	 * FILS"), words in their order.  "": unknown.
	 */
	char		 employer[DEDUP_EMPLOYER_MAX + 1];
	/*
	 * Title: the same folding, without single letters ("H/F", "(e)"),
	 * endings written apart ("(se)", "(ère)") and stop words, feminine
	 * endings made masculine ("Serveuse" -> "SERVEUR"), the remaining
	 * words sorted and unique ("Serveur/Serveuse (H/F)" -> "SERVEUR").
	 * A key, not French ("Vente" -> "VENT").  "": nothing left.
	 */
	char		 title[DEDUP_TITLE_MAX + 1];
	uint32_t	 title_hash;	/* FNV-1a of title; 0 if "" */
	char		 rome[ROME_CODE_LEN + 1];	/* "" if none */
	char		 commune[INSEE_CODE_LEN + 1];	/* "" if none */
	char		 department[4];	/* "" if unknown */
	int		 department_only;
	double		 lat, lon;
	int32_t		 created;	/* day number; DATE_NONE unknown */
	/* The clause operation of a clause offer, "" for others. */
	char		 clause[RECORD_ID_MAX + 1];
	/*
	 * For the index's quick rejections: the id's hash, and the hashes
	 * of the employer's first words, of its first two, ... (nemp of
	 * them, the whole name last; -1: too many words to list).
	 */
	uint32_t	 id_hash;
	uint32_t	 emp_prefix[DEDUP_EMP_WORDS];
	int		 nemp;
};

/*
 * The signature of offer o created on day created_day (DATE_NONE when
 * unknown: such an offer is never SAME; pass the day the offer was first
 * received when the source gives none).  A partner board's copy is one
 * with o->partner; an offer with o->department is known only by it.
 */
void	dedup_sig_make(struct dedup_sig *s, const struct offer *o,
	    int32_t created_day);

/*
 * Compare two signatures; symmetric.  The same id is SAME ("même
 * offre").  why (may be NULL) gets a short French explanation, cut on a
 * character boundary to whylen - 1 bytes: "même employeur, même métier
 * F1701, même commune, même contrat (CDI), publiées à 2 jours d'écart".
 * The rules are in docs/DEDUP.md.
 */
enum dedup_verdict dedup_compare(const struct dedup_sig *a,
	    const struct dedup_sig *b, char *why, size_t whylen);

/*
 * The open offers' signatures, by id.  Bucketed by ROME domain and by
 * normalised title, which every pair that is not DIFFERENT shares (one or
 * the other), so dedup_index_find() answers exactly what comparing with
 * every signature would.
 */
struct dedup_index;

struct dedup_index *dedup_index_new(void);
void	dedup_index_free(struct dedup_index *);
/* Add s, or replace the signature with the same id.  Aborts on OOM. */
void	dedup_index_put(struct dedup_index *, const struct dedup_sig *s);
/* Remove the signature of id; returns 1 if there was one, else 0. */
int	dedup_index_remove(struct dedup_index *, const char *id);
/* How many signatures the index holds. */
size_t	dedup_index_count(const struct dedup_index *);
/*
 * The best match of s among the indexed signatures whose id is not
 * s->id: SAME before UNCERTAIN, then the closest creation days (unknown
 * last), then the smallest id (strcmp).  Returns its verdict, with its id
 * in other_id (RECORD_ID_MAX + 1 bytes hold any id) and the explanation
 * in why, as dedup_compare(s, match) gives it; both may be NULL, and are
 * "" when the answer is DEDUP_DIFFERENT.
 */
enum dedup_verdict dedup_index_find(const struct dedup_index *,
	    const struct dedup_sig *s, char *other_id, size_t idlen,
	    char *why, size_t whylen);

#endif
