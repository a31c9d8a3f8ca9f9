/*
 * Vocabulary of the matcher: sectors, contract types, statuses, eligibility
 * criteria, barriers, licences and offer sources.  Each is an enum generated
 * from an X-macro list, so that the enum, its wire name and its French label
 * cannot drift apart.  Sets of values are bitmasks (1u << value).
 *
 * Pure: no I/O, no allocation.
 */
#ifndef MATCHER_DOMAIN_H
#define MATCHER_DOMAIN_H

#include <stdint.h>

/* X(enum suffix, wire name, French label) */
#define SECTOR_LIST(X)							\
	X(INDUSTRIE, "industrie", "Industrie")				\
	X(BATIMENT, "batiment", "Bâtiment")				\
	X(TERTIAIRE, "tertiaire", "Tertiaire/Services")			\
	X(HOTELLERIE, "hotellerie", "Hôtellerie/restauration/transports")

#define CONTRACT_LIST(X)						\
	X(CDI, "cdi", "CDI")						\
	X(CDD, "cdd", "CDD")						\
	X(INTERIM, "interim", "intérim")				\
	X(ALTERNANCE, "alternance", "alternance")			\
	X(AIDE, "aide", "contrat aidé")					\
	X(INSERTION, "insertion", "contrat d'insertion")		\
	X(SAISONNIER, "saisonnier", "saisonnier")

#define WORKTIME_LIST(X)						\
	X(FULL, "full", "temps plein")					\
	X(PART, "part", "temps partiel")				\
	X(ANY, "any", "indifférent")

#define STATUS_LIST(X)							\
	X(AVAILABLE, "available", "disponible")				\
	X(PLACED, "placed", "en emploi")				\
	X(TRAINING, "training", "en formation")				\
	X(PAUSED, "paused", "en pause")

/*
 * Eligibility criteria established by the adviser.  The last two are
 * derived from the record (age, level) by the scorer; they may also be set
 * explicitly.
 */
#define CRITERION_LIST(X)						\
	X(RSA, "rsa", "RSA")						\
	X(ASS, "ass", "ASS")						\
	X(AAH, "aah", "AAH")						\
	X(DELD, "deld", "DELD")						\
	X(DETLD, "detld", "DETLD")					\
	X(TH, "th", "travailleur handicapé")				\
	X(QPV, "qpv", "QPV")						\
	X(ASE, "ase", "ASE")						\
	X(REFUGIE, "refugie", "réfugié")				\
	X(JUSTICE, "justice", "sous main de justice")			\
	X(PLIE, "plie", "PLIE")						\
	X(SIAE, "siae", "sortie de SIAE")				\
	X(JEUNE_PEU_QUALIFIE, "jeune_peu_qualifie", "jeune peu qualifié") \
	X(SENIOR, "senior", "senior")

#define BARRIER_LIST(X)							\
	X(MOBILITE, "mobilite", "mobilité")				\
	X(GARDE_ENFANTS, "garde_enfants", "garde d'enfants")		\
	X(LOGEMENT, "logement", "logement")				\
	X(SANTE, "sante", "santé")

/* Driving licence categories of the French permis. */
#define LICENCE_LIST(X)							\
	X(AM, "AM", "AM")						\
	X(A1, "A1", "A1")						\
	X(A2, "A2", "A2")						\
	X(A, "A", "A")							\
	X(B, "B", "B")							\
	X(BE, "BE", "BE")						\
	X(C1, "C1", "C1")						\
	X(C1E, "C1E", "C1E")						\
	X(C, "C", "C")							\
	X(CE, "CE", "CE")						\
	X(D1, "D1", "D1")						\
	X(D1E, "D1E", "D1E")						\
	X(D, "D", "D")							\
	X(DE, "DE", "DE")

#define SOURCE_LIST(X)							\
	X(POLE_EMPLOI, "pole_emploi", "Pôle emploi / France Travail")	\
	X(PLATEFORME_JEUNES, "plateforme_jeunes", "plateforme jeunes")	\
	X(CLAUSE, "clause", "clause emploi")				\
	X(PROSPECTION, "prospection", "prospection")

#define DOMAIN_ENUM(prefix, sym, wire, label) prefix##_##sym,
#define X_SECTOR(s, w, l) SECTOR_##s,
#define X_CONTRACT(s, w, l) CONTRACT_##s,
#define X_WORKTIME(s, w, l) WORKTIME_##s,
#define X_STATUS(s, w, l) STATUS_##s,
#define X_CRITERION(s, w, l) CRITERION_##s,
#define X_BARRIER(s, w, l) BARRIER_##s,
#define X_LICENCE(s, w, l) LICENCE_##s,
#define X_SOURCE(s, w, l) SOURCE_##s,

enum sector { SECTOR_LIST(X_SECTOR) SECTOR_COUNT };
enum contract { CONTRACT_LIST(X_CONTRACT) CONTRACT_COUNT };
enum worktime { WORKTIME_LIST(X_WORKTIME) WORKTIME_COUNT };
enum cand_status { STATUS_LIST(X_STATUS) STATUS_COUNT };
enum criterion { CRITERION_LIST(X_CRITERION) CRITERION_COUNT };
enum barrier { BARRIER_LIST(X_BARRIER) BARRIER_COUNT };
enum licence { LICENCE_LIST(X_LICENCE) LICENCE_COUNT };
enum source { SOURCE_LIST(X_SOURCE) SOURCE_COUNT };

/* One vocabulary: its wire names and labels, for generic lookups. */
struct vocab {
	const char	 *what;		/* "sector", for error messages */
	const char	*const *names;	/* wire names, indexed by enum */
	const char	*const *labels;	/* French labels */
	int		  count;
};

extern const struct vocab vocab_sector;
extern const struct vocab vocab_contract;
extern const struct vocab vocab_worktime;
extern const struct vocab vocab_status;
extern const struct vocab vocab_criterion;
extern const struct vocab vocab_barrier;
extern const struct vocab vocab_licence;
extern const struct vocab vocab_source;

/* Index of the wire name s (length len) in v, or -1. Exact match. */
int		 vocab_lookup(const struct vocab *v, const char *s, size_t len);
const char	*vocab_name(const struct vocab *v, int i);
const char	*vocab_label(const struct vocab *v, int i);

/*
 * Close a licence set under the implications of the French permis: a CE
 * holder also holds C, C1 and B, and so on.  Requirements are then checked
 * with a plain mask test.
 */
uint32_t	 licence_closure(uint32_t set);

#endif
