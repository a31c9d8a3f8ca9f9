/*
 * matcher-gen: synthetic candidates for matcherd, as JSON Lines on stdout
 * (or CSV with --csv, for "matchctl import candidates": docs/CSV.md).
 *
 *   matcher-gen candidates N [--csv] [--seed S] [--today YYYY-MM-DD]
 *       [--data DIR]
 *
 * The pool imitates the PLIE and Mission Locale public of the Flandre-
 * Dunkerque employment area described in /work/shared/DOMAIN.md: 60 % live
 * in the communauté urbaine de Dunkerque, 40 % are under 26, 73 % are at
 * or below qualification level 3, 40 % hold a B licence and 30 % have a
 * vehicle, 32 % receive the RSA, 56 % are long-term unemployed, and so on.
 * Communes and ROME codes are checked against the reference data at
 * startup, so every record is one the daemon accepts.
 *
 * Output is deterministic for a seed and candidate i does not depend on N
 * (each candidate has its own generator stream), so "candidates 10" is the
 * prefix of "candidates 1000000".  Records are formatted by hand into one
 * buffer: a million take a few seconds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "domain.h"
#include "refdata.h"

#ifndef MATCHERD_DATADIR
#define MATCHERD_DATADIR "matcher/data"
#endif

#define DEFAULT_SEED 42

/* ---- random numbers: splitmix64, one stream per candidate ---- */

struct rng {
	uint64_t	s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [lo, hi]. */
static int
rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)(rng_unit(r) * (hi - lo + 1));
}

static int
chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* ---- weighted tables ---- */

struct weighted {
	const char	*code;
	int		 weight;
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static int
pick(struct rng *r, const struct weighted *w, size_t n)
{
	int total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i].weight;
	x = (int)(rng_unit(r) * total);
	for (i = 0; i + 1 < n; i++) {
		if ((x -= w[i].weight) < 0)
			break;
	}
	return (int)i;
}

/*
 * The 17 communes of the communauté urbaine de Dunkerque, weighted by
 * population (INSEE, rounded to hundreds).  Saint-Pol-sur-Mer and
 * Fort-Mardyck are part of Dunkerque (59183).
 */
static struct weighted cud[] = {
	{ "59183", 860 },	/* Dunkerque */
	{ "59271", 230 },	/* Grande-Synthe */
	{ "59155", 210 },	/* Coudekerque-Branche */
	{ "59273", 110 },	/* Gravelines */
	{ "59588", 80 },	/* Téteghem-Coudekerque-Village */
	{ "59131", 80 },	/* Cappelle-la-Grande */
	{ "59094", 70 },	/* Bourbourg */
	{ "59359", 60 },	/* Loon-Plage */
	{ "59272", 50 },	/* Grand-Fort-Philippe */
	{ "59107", 45 },	/* Bray-Dunes */
	{ "59340", 43 },	/* Leffrinckoucke */
	{ "59260", 42 },	/* Ghyvelde (with Les Moëres) */
	{ "59016", 26 },	/* Armbouts-Cappel */
	{ "59576", 18 },	/* Spycker */
	{ "59668", 16 },	/* Zuydcoote */
	{ "59159", 7 },	/* Craywick */
	{ "59532", 3 },	/* Saint-Georges-sur-l'Aa */
};

/* Rural Flanders covered by the Mission Locale. */
static struct weighted flandre[] = {
	{ "59663", 55 },	/* Wormhout */
	{ "59309", 40 },	/* Hondschoote */
	{ "59067", 36 },	/* Bergues */
	{ "59319", 32 },	/* Hoymille */
	{ "59647", 25 },	/* Watten */
	{ "59210", 21 },	/* Esquelbecq */
	{ "59499", 20 },	/* Rexpoede */
	{ "59641", 20 },	/* Warhem */
	{ "59082", 18 },	/* Bierne */
	{ "59305", 16 },	/* Herzeele */
	{ "59018", 15 },	/* Arnèke */
	{ "59666", 15 },	/* Zegerscappel */
	{ "59089", 14 },	/* Bollezeele */
	{ "59605", 14 },	/* Uxem */
	{ "59110", 12 },	/* Brouckerque */
	{ "59478", 11 },	/* Quaedypre */
	{ "59579", 11 },	/* Steene */
	{ "59463", 10 },	/* Pitgam */
	{ "59570", 10 },	/* Socx */
	{ "59326", 9 },	/* Killem */
	{ "59162", 6 },	/* Crochte */
	{ "59338", 6 },	/* Ledringhem */
	{ "59657", 6 },	/* West-Cappel */
	{ "59182", 2 },	/* Drincham */
};

/* Towns of the coast and inland within commuting reach. */
static struct weighted nearby[] = {
	{ "62193", 73 },	/* Calais */
	{ "62160", 40 },	/* Boulogne-sur-Mer (E2C site) */
	{ "59295", 21 },	/* Hazebrouck */
	{ "59043", 15 },	/* Bailleul */
	{ "62765", 14 },	/* Saint-Omer */
	{ "62548", 10 },	/* Marck */
	{ "62645", 6 },	/* Oye-Plage */
	{ "62057", 5 },	/* Audruicq */
	{ "59580", 4 },	/* Steenvoorde */
	{ "59135", 2 },	/* Cassel */
};

/* Common ROME codes of each candidathèque, weighted by how often. */
static struct weighted rome_industrie[] = {
	{ "H3302", 18 },	/* assemblage, tri, emballage */
	{ "H2913", 12 },	/* soudage manuel */
	{ "H2909", 12 },	/* montage-assemblage mécanique */
	{ "H3301", 10 },	/* conduite d'équipement de conditionnement */
	{ "I1604", 8 },	/* mécanique automobile */
	{ "H2102", 8 },	/* production alimentaire */
	{ "H2903", 6 },	/* usinage */
	{ "I1304", 6 },	/* maintenance industrielle */
	{ "H2701", 4 },	/* pilotage d'installation énergétique */
	{ "H2401", 3 },	/* couture industrielle (bâches, toiles) */
};
static struct weighted rome_batiment[] = {
	{ "F1704", 30 },	/* préparation du gros oeuvre (manœuvre) */
	{ "F1703", 20 },	/* maçonnerie */
	{ "F1701", 15 },	/* construction en béton (coffreur) */
	{ "F1702", 8 },	/* routes et voies */
	{ "F1602", 8 },	/* électricité bâtiment */
	{ "F1606", 8 },	/* peinture */
	{ "F1603", 7 },	/* plomberie, chauffage */
	{ "F1705", 4 },	/* pose de canalisations */
};
static struct weighted rome_tertiaire[] = {
	{ "K2204", 30 },	/* nettoyage de locaux */
	{ "D1507", 15 },	/* mise en rayon */
	{ "D1408", 12 },	/* téléconseil */
	{ "D1106", 12 },	/* vente en alimentation */
	{ "K1302", 12 },	/* assistance auprès d'adultes */
	{ "M1607", 10 },	/* secrétariat */
	{ "M1606", 5 },	/* saisie de données */
	{ "K2303", 4 },	/* nettoyage des espaces urbains */
};
static struct weighted rome_hotellerie[] = {
	{ "G1602", 18 },	/* cuisine */
	{ "G1803", 15 },	/* service en salle */
	{ "N1103", 15 },	/* magasinage, préparation de commandes */
	{ "G1603", 12 },	/* restauration polyvalente */
	{ "G1501", 10 },	/* personnel d'étage */
	{ "G1605", 8 },	/* plonge */
	{ "N4101", 8 },	/* poids lourd longue distance */
	{ "N1101", 8 },	/* conduite d'engins (chariots) */
	{ "N4105", 6 },	/* livraison en tournée */
};

/* Indexed by enum sector. */
static const struct sector_jobs {
	struct weighted	*codes;
	size_t		 n;
	int		 weight;	/* share of the pool */
} sector_jobs[SECTOR_COUNT] = {
	[SECTOR_INDUSTRIE] = { rome_industrie, NITEMS(rome_industrie), 30 },
	[SECTOR_BATIMENT] = { rome_batiment, NITEMS(rome_batiment), 28 },
	[SECTOR_TERTIAIRE] = { rome_tertiaire, NITEMS(rome_tertiaire), 24 },
	[SECTOR_HOTELLERIE] = { rome_hotellerie, NITEMS(rome_hotellerie),
	    18 },
};

/*
 * Skill tags: the chance that a candidate of the sector holds one, and a
 * higher chance when the candidate worked in the given ROME code.
 */
struct skill {
	int		 sector;
	const char	*tag;
	double		 p;
	const char	*rome;		/* NULL: no job-specific chance */
	double		 p_rome;
};

static const struct skill skills[] = {
	{ SECTOR_BATIMENT, "oppbtp", 0.30, NULL, 0 },
	{ SECTOR_BATIMENT, "sst", 0.25, NULL, 0 },
	{ SECTOR_BATIMENT, "travail-en-hauteur", 0.18, NULL, 0 },
	{ SECTOR_BATIMENT, "caces-r482-a", 0.12, NULL, 0 },
	{ SECTOR_BATIMENT, "habilitation-b0", 0.12, "F1602", 0.70 },
	{ SECTOR_BATIMENT, "cqp-coffreur-bancheur", 0.03, "F1701", 0.30 },
	{ SECTOR_BATIMENT, "aipr", 0.04, "F1705", 0.50 },
	{ SECTOR_INDUSTRIE, "sst", 0.25, NULL, 0 },
	{ SECTOR_INDUSTRIE, "habilitation-b0", 0.18, "I1304", 0.60 },
	{ SECTOR_INDUSTRIE, "caces-r489-3", 0.18, NULL, 0 },
	{ SECTOR_INDUSTRIE, "pack-securite", 0.10, "H2701", 0.40 },
	{ SECTOR_INDUSTRIE, "caces-r489-5", 0.07, NULL, 0 },
	{ SECTOR_INDUSTRIE, "soudure-tig", 0.04, "H2913", 0.60 },
	{ SECTOR_INDUSTRIE, "piqure-industrielle", 0.02, "H2401", 0.60 },
	{ SECTOR_TERTIAIRE, "relation-client", 0.40, "D1408", 0.80 },
	{ SECTOR_TERTIAIRE, "bureautique", 0.35, "M1607", 0.90 },
	{ SECTOR_TERTIAIRE, "sst", 0.15, NULL, 0 },
	{ SECTOR_TERTIAIRE, "hygiene-proprete", 0.10, "K2204", 0.40 },
	{ SECTOR_HOTELLERIE, "haccp", 0.30, "G1602", 0.70 },
	{ SECTOR_HOTELLERIE, "service-en-salle", 0.10, "G1803", 0.60 },
	{ SECTOR_HOTELLERIE, "sst", 0.15, NULL, 0 },
	{ SECTOR_HOTELLERIE, "caces-r489-1", 0.03, "N1103", 0.40 },
	{ SECTOR_HOTELLERIE, "caces-r489-3", 0.02, "N1101", 0.50 },
	{ SECTOR_HOTELLERIE, "fimo", 0.02, "N4101", 0.70 },
};

/* Qualification levels 0-8, in percent; 73 % at or below 3 overall. */
static const int level_young[] = { 10, 8, 22, 35, 18, 5, 2, 0, 0 };
static const int level_adult[] = { 8, 10, 25, 30, 17, 6, 3, 1, 0 };

static int
pick_pct(struct rng *r, const int *pct, int n)
{
	int x = rng_range(r, 0, 99), i;

	for (i = 0; i < n - 1; i++) {
		if ((x -= pct[i]) < 0)
			break;
	}
	return i;
}

/* ---- output ---- */

/* One record is formatted here, then written with one fwrite. */
struct out {
	char	buf[4096];
	size_t	len;
};

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n < sizeof(o->buf)) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	}
}

/* A JSON string; our values are plain ASCII but escape anyway. */
static void
put_str(struct out *o, const char *s)
{
	char esc[8];

	put(o, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned char)*s);
			put(o, esc);
		} else if (o->len + 1 < sizeof(o->buf))
			o->buf[o->len++] = *s;
	}
	put(o, "\"");
}

static void
put_int(struct out *o, long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", v);
	put(o, num);
}

/* ,"key": */
static void
put_key(struct out *o, const char *key)
{
	put(o, ",");
	put_str(o, key);
	put(o, ":");
}

/* The names of the set bits of mask, sep between them; json: quoted. */
static void
put_names(struct out *o, uint32_t mask, const char *const *names, int count,
    const char *sep, int json)
{
	int i, first = 1;

	for (i = 0; i < count; i++) {
		if ((mask & (1u << i)) == 0)
			continue;
		if (!first)
			put(o, sep);
		if (json)
			put_str(o, names[i]);
		else
			put(o, names[i]);
		first = 0;
	}
}

/* ,"key":["a","b"] from the set bits of mask over names. */
static void
put_set(struct out *o, const char *key, uint32_t mask,
    const char *const *names, int count)
{
	if (mask == 0)
		return;
	put_key(o, key);
	put(o, "[");
	put_names(o, mask, names, count, ",", 1);
	put(o, "]");
}

static void
put_date(struct out *o, const char *key, int32_t day)
{
	char buf[16];

	date_format(day, buf);
	put_key(o, key);
	put_str(o, buf);
}

/* ---- one candidate ---- */

struct gen {
	const struct refdata *ref;
	int32_t		 today;
	uint64_t	 seed;
	int		 idwidth;
};

static const char *
pick_commune(const struct gen *g, struct rng *r)
{
	double u = rng_unit(r);

	if (u < 0.60)
		return cud[pick(r, cud, NITEMS(cud))].code;
	if (u < 0.75)
		return flandre[pick(r, flandre, NITEMS(flandre))].code;
	if (u < 0.80)
		return nearby[pick(r, nearby, NITEMS(nearby))].code;
	return g->ref->communes[rng_range(r, 0,
	    g->ref->commune_count - 1)].insee;
}

static int
pick_sector(struct rng *r)
{
	int total = 0, x, s;

	for (s = 0; s < SECTOR_COUNT; s++)
		total += sector_jobs[s].weight;
	x = rng_range(r, 0, total - 1);
	for (s = 0; s < SECTOR_COUNT - 1; s++) {
		if ((x -= sector_jobs[s].weight) < 0)
			break;
	}
	return s;
}

/*
 * Months of experience: 0-120, most people have little, and nobody more
 * than they can have worked since 16.
 */
static int
pick_months(struct rng *r, int age)
{
	double u;
	int m;

	if (chance(r, 0.12))
		return 0;
	u = rng_unit(r);
	m = 1 + (int)(119 * u * u * u);
	return m < (age - 16) * 12 ? m : (age - 16) * 12;
}

/* One candidate's values, drawn before they are written. */
struct cand {
	char		 id[32];
	int		 prim;		/* primary sector, listed first */
	uint32_t	 sectors;
	int		 njobs;
	const char	*jobs[3];
	int		 months[3];
	int		 nskills;
	const char	*skills[NITEMS(skills)];
	uint32_t	 lic, crit, barr, contracts;
	int		 vehicle, level, radius, status, consent;
	const char	*commune;
	int		 has_available;
	int32_t		 available_from;
	const char	*working_time;	/* NULL: absent */
	int32_t		 birth_date;
	char		 adviser[32];
};

/*
 * Draw candidate i.  The draws come in a fixed order (that of the JSON
 * fields for those drawn last), so a seed always gives the same pool.
 */
static void
candidate(const struct gen *g, unsigned long i, struct cand *c)
{
	int jobsector[3], njobs, k, n, prim, s, young, age, level, vehicle;
	int tries, has_b, transport = 0;
	uint32_t sectors = 0, crit = 0, barr = 0, lic = 0, contracts = 0;
	const char *code;
	size_t j;
	struct rng r;

	r.s = g->seed ^ (0xd1b54a32d192ed03ULL * (i + 1));
	memset(c, 0, sizeof(*c));

	/* Jobs: one to three, mostly in the primary sector. */
	prim = pick_sector(&r);
	njobs = chance(&r, 0.55) ? 1 : chance(&r, 0.73) ? 2 : 3;
	for (n = 0; n < njobs; n++) {
		s = n == 0 || chance(&r, 0.80) ? prim :
		    rng_range(&r, 0, SECTOR_COUNT - 1);
		for (tries = 0; tries < 8; tries++) {
			code = sector_jobs[s].codes[pick(&r,
			    sector_jobs[s].codes, sector_jobs[s].n)].code;
			for (k = 0; k < n && strcmp(c->jobs[k], code) != 0;
			    k++)
				;
			if (k == n)
				break;
		}
		if (tries == 8) {
			njobs = n;
			break;
		}
		c->jobs[n] = code;
		jobsector[n] = s;
		sectors |= 1u << s;
		if (strcmp(code, "N4101") == 0 || strcmp(code, "N4105") == 0)
			transport = 1;
	}

	young = chance(&r, 0.40);
	age = young ? rng_range(&r, 16, 25) : rng_range(&r, 26, 62);
	level = young ? pick_pct(&r, level_young, 9) :
	    pick_pct(&r, level_adult, 9);

	/* Licences: 40 % hold a B; drivers by trade hold C or CE too. */
	has_b = transport ? chance(&r, 0.95) :
	    chance(&r, young ? (age < 18 ? 0.0 : 0.30) : 0.46);
	if (has_b)
		lic |= 1u << LICENCE_B;
	if (transport && has_b && chance(&r, 0.60))
		lic |= 1u << (chance(&r, 0.35) ? LICENCE_CE : LICENCE_C);
	else if (has_b && chance(&r, 0.02))
		lic |= 1u << LICENCE_C;
	if (!has_b && young && chance(&r, 0.10))
		lic |= 1u << LICENCE_AM;
	vehicle = has_b ? chance(&r, 0.70) : chance(&r, 0.04);

	/* Eligibility criteria, by age: RSA is for 25 and over. */
	if (chance(&r, young ? 0.08 : 0.48))
		crit |= 1u << CRITERION_RSA;
	else if (!young && chance(&r, 0.06))
		crit |= 1u << CRITERION_ASS;
	if (chance(&r, young ? 0.40 : 0.67)) {
		crit |= 1u << CRITERION_DELD;
		if (chance(&r, young ? 0.10 : 0.45))
			crit |= 1u << CRITERION_DETLD;
	}
	if (chance(&r, young ? 0.015 : 0.05)) {
		crit |= 1u << CRITERION_TH;
		if (chance(&r, 0.40))
			crit |= 1u << CRITERION_AAH;
	}
	if (chance(&r, 0.25))
		crit |= 1u << CRITERION_QPV;
	if (!young && chance(&r, 0.50))
		crit |= 1u << CRITERION_PLIE;
	if (young && chance(&r, 0.03))
		crit |= 1u << CRITERION_ASE;
	if (chance(&r, 0.08))
		crit |= 1u << CRITERION_SIAE;
	if (chance(&r, 0.01))
		crit |= 1u << CRITERION_REFUGIE;
	if (chance(&r, 0.015))
		crit |= 1u << CRITERION_JUSTICE;

	/* Barriers: mobility mostly for those without licence or car. */
	if (chance(&r, !has_b && !vehicle ? 0.45 : 0.06))
		barr |= 1u << BARRIER_MOBILITE;
	if (chance(&r, 0.10))
		barr |= 1u << BARRIER_GARDE_ENFANTS;
	if (chance(&r, young ? 0.12 : 0.055))
		barr |= 1u << BARRIER_LOGEMENT;
	if (chance(&r, 0.05))
		barr |= 1u << BARRIER_SANTE;

	c->radius = vehicle ? rng_range(&r, 15, 40) :
	    has_b ? rng_range(&r, 8, 25) : rng_range(&r, 5, 15);

	/* Accepted contracts: a third accept everything (field absent). */
	if (!chance(&r, 0.35)) {
		static const double p[CONTRACT_COUNT] = {
			[CONTRACT_CDI] = 0.95, [CONTRACT_CDD] = 0.90,
			[CONTRACT_INTERIM] = 0.70, [CONTRACT_AIDE] = 0.50,
			[CONTRACT_INSERTION] = 0.60,
		};
		for (k = 0; k < CONTRACT_COUNT; k++) {
			double pk = p[k];

			if (k == CONTRACT_ALTERNANCE)
				pk = young ? 0.60 : 0.15;
			else if (k == CONTRACT_SAISONNIER)
				pk = prim == SECTOR_HOTELLERIE ? 0.60 : 0.25;
			if (chance(&r, pk))
				contracts |= 1u << k;
		}
		if (contracts == 0)
			contracts = 1u << CONTRACT_CDI;
	}

	k = rng_range(&r, 0, 99);
	c->status = k < 85 ? STATUS_AVAILABLE : k < 92 ? STATUS_TRAINING :
	    k < 97 ? STATUS_PLACED : STATUS_PAUSED;

	snprintf(c->id, sizeof(c->id), "c-%0*lu", g->idwidth, i + 1);
	c->prim = prim;
	c->sectors = sectors;
	c->njobs = njobs;
	for (n = 0; n < njobs; n++)
		c->months[n] = pick_months(&r, age);

	/* Skills of the sectors worked in; a tag may be listed twice. */
	for (j = 0; j < NITEMS(skills); j++) {
		double p = 0;

		for (n = 0; n < njobs; n++) {
			if (jobsector[n] != skills[j].sector)
				continue;
			if (skills[j].rome != NULL &&
			    strcmp(skills[j].rome, c->jobs[n]) == 0)
				p = skills[j].p_rome;
			else if (p < skills[j].p)
				p = skills[j].p;
		}
		for (n = 0; n < c->nskills &&
		    strcmp(c->skills[n], skills[j].tag) != 0; n++)
			;
		if (p == 0 || n < c->nskills || !chance(&r, p))
			continue;
		c->skills[c->nskills++] = skills[j].tag;
	}

	c->lic = lic;
	c->vehicle = vehicle;
	c->level = level;
	c->commune = pick_commune(g, &r);
	if (c->status != STATUS_PLACED && chance(&r, 0.20)) {
		c->has_available = 1;
		c->available_from = g->today + rng_range(&r, 1, 60);
	}
	c->contracts = contracts;
	k = rng_range(&r, 0, 99);
	if (k < 30 || (k < 40 && (barr & (1u << BARRIER_GARDE_ENFANTS)) == 0))
		c->working_time = "full";
	else if (k < 40 || (barr & (1u << BARRIER_GARDE_ENFANTS)) != 0)
		c->working_time = "part";
	c->birth_date = g->today - age * 365 - age / 4 -
	    rng_range(&r, 1, 364);
	c->crit = crit;
	c->barr = barr;
	/* One adviser team per candidathèque, eight advisers each. */
	snprintf(c->adviser, sizeof(c->adviser), "conseiller-%02d",
	    prim * 8 + rng_range(&r, 1, 8));
	c->consent = chance(&r, 0.90);
}

/* One JSON line, in the order of the PROTOCOL.md table. */
static void
write_json(const struct cand *c, struct out *o)
{
	int n, s;

	o->len = 0;
	put(o, "{\"id\":");
	put_str(o, c->id);
	put_key(o, "sectors");
	put(o, "[");
	put_str(o, vocab_name(&vocab_sector, c->prim));
	for (s = 0; s < SECTOR_COUNT; s++) {
		if (s != c->prim && (c->sectors & (1u << s))) {
			put(o, ",");
			put_str(o, vocab_name(&vocab_sector, s));
		}
	}
	put(o, "]");
	put_key(o, "jobs");
	put(o, "[");
	for (n = 0; n < c->njobs; n++) {
		put(o, n > 0 ? ",{\"rome\":" : "{\"rome\":");
		put_str(o, c->jobs[n]);
		put(o, ",\"months\":");
		put_int(o, c->months[n]);
		put(o, "}");
	}
	put(o, "]");
	for (n = 0; n < c->nskills; n++) {
		put(o, n == 0 ? ",\"skills\":[" : ",");
		put_str(o, c->skills[n]);
	}
	if (c->nskills > 0)
		put(o, "]");
	put_set(o, "licences", c->lic, vocab_licence.names, LICENCE_COUNT);
	put_key(o, "vehicle");
	put(o, c->vehicle ? "true" : "false");
	put_key(o, "level");
	put_int(o, c->level);
	put_key(o, "commune");
	put_str(o, c->commune);
	put_key(o, "radius_km");
	put_int(o, c->radius);
	if (c->has_available)
		put_date(o, "available_from", c->available_from);
	put_set(o, "contracts", c->contracts, vocab_contract.names,
	    CONTRACT_COUNT);
	if (c->working_time != NULL) {
		put_key(o, "working_time");
		put_str(o, c->working_time);
	}
	put_date(o, "birth_date", c->birth_date);
	put_set(o, "criteria", c->crit, vocab_criterion.names,
	    CRITERION_COUNT);
	put_set(o, "barriers", c->barr, vocab_barrier.names, BARRIER_COUNT);
	put_key(o, "status");
	put_str(o, vocab_name(&vocab_status, c->status));
	put_key(o, "adviser");
	put_str(o, c->adviser);
	put_key(o, "consent_partners");
	put(o, c->consent ? "true" : "false");
	put(o, "}\n");
}

/*
 * CSV, for "matchctl import candidates" (docs/CSV.md): French headers,
 * ';' between cells, '|' between the items of a list, empty cells for
 * absent fields.  No value holds ';', '|' or a quote.
 */
static const char csv_header[] = "id;secteurs;metiers;competences;permis;"
    "vehicule;niveau;commune;rayon_km;disponible_le;contrats;"
    "temps_travail;date_naissance;criteres;freins;statut;conseiller;"
    "consentement\n";

/* The set bits of mask over names, joined with '|', then ';'. */
static void
put_csv_set(struct out *o, uint32_t mask, const char *const *names,
    int count)
{
	put_names(o, mask, names, count, "|", 0);
	put(o, ";");
}

static void
write_csv(const struct cand *c, struct out *o)
{
	char buf[16];
	int n;

	o->len = 0;
	put(o, c->id);
	put(o, ";");
	put(o, vocab_name(&vocab_sector, c->prim));
	for (n = 0; n < SECTOR_COUNT; n++)
		if (n != c->prim && (c->sectors & (1u << n))) {
			put(o, "|");
			put(o, vocab_name(&vocab_sector, n));
		}
	put(o, ";");
	for (n = 0; n < c->njobs; n++) {
		if (n > 0)
			put(o, "|");
		put(o, c->jobs[n]);
		put(o, ":");
		put_int(o, c->months[n]);
	}
	put(o, ";");
	for (n = 0; n < c->nskills; n++) {
		if (n > 0)
			put(o, "|");
		put(o, c->skills[n]);
	}
	put(o, ";");
	put_csv_set(o, c->lic, vocab_licence.names, LICENCE_COUNT);
	put(o, c->vehicle ? "oui;" : "non;");
	put_int(o, c->level);
	put(o, ";");
	put(o, c->commune);
	put(o, ";");
	put_int(o, c->radius);
	put(o, ";");
	if (c->has_available) {
		date_format(c->available_from, buf);
		put(o, buf);
	}
	put(o, ";");
	put_csv_set(o, c->contracts, vocab_contract.names, CONTRACT_COUNT);
	if (c->working_time != NULL)
		put(o, c->working_time);
	put(o, ";");
	date_format(c->birth_date, buf);
	put(o, buf);
	put(o, ";");
	put_csv_set(o, c->crit, vocab_criterion.names, CRITERION_COUNT);
	put_csv_set(o, c->barr, vocab_barrier.names, BARRIER_COUNT);
	put(o, vocab_name(&vocab_status, c->status));
	put(o, ";");
	put(o, c->adviser);
	put(o, ";");
	put(o, c->consent ? "oui\n" : "non\n");
}

/* ---- startup ---- */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: matcher-gen candidates N [--csv] [--seed S] "
	    "[--today YYYY-MM-DD] [--data DIR]\n");
	exit(64);
}

static void
check_communes(const struct refdata *ref, const struct weighted *w,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (refdata_commune(ref, w[i].code, INSEE_CODE_LEN) == NULL) {
			fprintf(stderr, "matcher-gen: commune %s is not in "
			    "the reference data\n", w[i].code);
			exit(1);
		}
	}
}

static void
check_rome(const struct refdata *ref)
{
	const struct weighted *w;
	size_t i;
	int s;

	for (s = 0; s < SECTOR_COUNT; s++) {
		for (i = 0; i < sector_jobs[s].n; i++) {
			w = &sector_jobs[s].codes[i];
			if (refdata_rome_id(ref, w->code, ROME_CODE_LEN) ==
			    -1 || refdata_rome_sector(w->code) != s) {
				fprintf(stderr, "matcher-gen: ROME %s is "
				    "unknown or not in sector %s\n", w->code,
				    vocab_name(&vocab_sector, s));
				exit(1);
			}
		}
	}
}

static unsigned long long
parse_ull(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || *s == '-') {
		fprintf(stderr, "matcher-gen: bad %s \"%s\"\n", what, s);
		exit(64);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	static char obuf[1 << 20];
	const char *datadir = MATCHERD_DATADIR;
	struct refdata *ref;
	unsigned long long count = 0, i, max;
	struct gen g;
	struct cand c;
	struct out o;
	char err[512];
	int k, have_count = 0, csv = 0;

	if (argc < 2 || strcmp(argv[1], "candidates") != 0)
		usage();
	memset(&g, 0, sizeof(g));
	g.seed = DEFAULT_SEED;
	g.today = date_of_time(time(NULL));
	for (k = 2; k < argc; k++) {
		if (strcmp(argv[k], "--seed") == 0 && k + 1 < argc)
			g.seed = parse_ull(argv[++k], "seed");
		else if (strcmp(argv[k], "--today") == 0 && k + 1 < argc) {
			k++;
			if (date_parse(argv[k], strlen(argv[k]),
			    &g.today) == -1) {
				fprintf(stderr,
				    "matcher-gen: bad date \"%s\"\n", argv[k]);
				exit(64);
			}
		} else if (strcmp(argv[k], "--data") == 0 && k + 1 < argc)
			datadir = argv[++k];
		else if (strcmp(argv[k], "--csv") == 0)
			csv = 1;
		else if (argv[k][0] != '-' && !have_count) {
			count = parse_ull(argv[k], "count");
			have_count = 1;
		} else
			usage();
	}
	if (!have_count)
		usage();

	if ((ref = refdata_load(datadir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "matcher-gen: %s\n", err);
		return 1;
	}
	check_communes(ref, cud, NITEMS(cud));
	check_communes(ref, flandre, NITEMS(flandre));
	check_communes(ref, nearby, NITEMS(nearby));
	check_rome(ref);

	g.ref = ref;
	g.idwidth = 7;
	for (max = 9999999; count > max && g.idwidth < 19; max = max * 10 + 9)
		g.idwidth++;
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (csv)
		fputs(csv_header, stdout);
	for (i = 0; i < count; i++) {
		candidate(&g, i, &c);
		if (csv)
			write_csv(&c, &o);
		else
			write_json(&c, &o);
		if (fwrite(o.buf, 1, o.len, stdout) != o.len)
			break;
	}
	refdata_free(ref);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "matcher-gen: stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
