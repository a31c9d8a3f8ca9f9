/*
 * The lists of a France Travail offer (feed_francetravail_items.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain.h"
#include "ft_items.h"
#include "ft_json.h"
#include "ft_offer.h"
#include "ft_text.h"
#include "rules.h"
#include "xmalloc.h"

/*
 * exigence of a list item: 1 for "E", 0 for "S" or none; other values
 * are wishes too, with a warning.
 */
static int
item_required(const json_t *it, struct ft_offer *fo, const char *list,
    size_t i)
{
	char q[FT_QUOTE_MAX + 4];
	const char *s;
	size_t len;
	int st;

	st = ft_json_str(it, "exigence", &s, &len);
	if (st == J_OK && len == 1 && s[0] == 'E')
		return 1;
	if (st == J_BAD || (st == J_OK && !(len == 1 && s[0] == 'S')))
		ft_offer_warn(fo, "%s[%zu].exigence: \"%s\" is not E or S, "
		    "taken as S", list, i,
		    st == J_OK ? ft_text_quote(s, len, q) : "?");
	return 0;
}

/* A licence code from the first word of a permis label. */
static int
licence_of(const char *key, char word[16])
{
	static const struct {
		const char *old, *now;
	} old_names[] = {
		{ "EB", "BE" }, { "EC", "CE" }, { "EC1", "C1E" },
		{ "ED", "DE" }, { "ED1", "D1E" },
	};
	const char *p = key;
	size_t wl, i;

	word[0] = '\0';
	if (ft_text_starts_word(p, "PERMIS"))
		p += p[6] == ' ' ? 7 : 6;
	for (wl = 0; p[wl] != '\0' && p[wl] != ' '; wl++)
		;
	if (wl == 0 || wl >= 16)
		return -1;
	memcpy(word, p, wl);
	word[wl] = '\0';
	for (i = 0; i < sizeof(old_names) / sizeof(old_names[0]); i++)
		if (strcmp(word, old_names[i].old) == 0) {
			strcpy(word, old_names[i].now);
			break;
		}
	return vocab_lookup(&vocab_licence, word, strlen(word));
}

/*
 * The items of the list field of j that are read: at most FT_ITEMS_MAX
 * (the rest warned about); 0 when absent, or not a list (warned).
 */
static size_t
item_list(const json_t *j, const char *field, struct ft_offer *fo,
    const json_t **arr)
{
	size_t n;
	int st;

	st = ft_json_arr(j, field, arr);
	if (st == J_BAD)
		ft_offer_warn(fo, "%s: not a list, ignored", field);
	if (st != J_OK)
		return 0;
	n = json_array_size(*arr);
	if (n > FT_ITEMS_MAX) {
		ft_offer_warn(fo, "%s: %zu items, only the first %d read",
		    field, n, FT_ITEMS_MAX);
		n = FT_ITEMS_MAX;
	}
	return n;
}

static void
map_permis(const json_t *j, struct ft_offer *fo)
{
	const json_t *arr, *it;
	const char *s;
	char key[FT_KEY_MAX + 1], word[16];
	size_t i, n, len;
	int lic, req;

	n = item_list(j, "permis", fo, &arr);
	for (i = 0; i < n; i++) {
		it = json_array_get(arr, i);
		if (!json_is_object(it) ||
		    ft_json_str(it, "libelle", &s, &len) != J_OK) {
			ft_offer_warn(fo, "permis[%zu]: no libelle, ignored",
			    i);
			continue;
		}
		req = item_required(it, fo, "permis", i);
		(void)ft_text_fold(s, len, key);
		lic = licence_of(key, word);
		if (lic < 0) {
			fo->items_unmapped++;
			if (word[0] == '\0' || strlen(key) == 0)
				continue;
			ft_offer_add_fact(fo, RULE_LICENCE, word, req, s, len);
			continue;
		}
		if (req)
			fo->offer.licences_required |= 1u << lic;
		else {
			fo->licences_wished |= 1u << lic;
			ft_offer_add_fact(fo, RULE_LICENCE,
			    vocab_name(&vocab_licence, lic), 0, s, len);
		}
	}
}

/* Level (0-8) of a formation's niveauLibelle, 0 if none. */
static int
formation_level(const char *key)
{
	if (ft_text_has_word(key, "CAP") || ft_text_has_word(key, "BEP"))
		return 3;
	if (ft_text_has_word(key, "DOCTORAT"))
		return 8;
	if (strstr(key, "BAC 5") != NULL || strstr(key, "BAC 6") != NULL ||
	    strstr(key, "BAC 8") != NULL)
		return 7;
	if (strstr(key, "BAC 3") != NULL || strstr(key, "BAC 4") != NULL)
		return 6;
	if (strstr(key, "BAC 2") != NULL)
		return 5;
	if (ft_text_starts_word(key, "BAC") ||
	    ft_text_starts_word(key, "NIVEAU BAC"))
		return 4;
	return 0;
}

/*
 * Skills of one list item's label through the rules: a skill is required
 * only if the item is (E) and its label gave exactly that one tag.
 * Returns how many tags or licences the label gave.
 */
static int
item_facts(const struct rules *rules, struct ft_offer *fo, const char *text,
    size_t len, int req, const char *where)
{
	struct rule_fact f[8];
	int n, i, nskill = 0, found = 0, lic;

	if (rules == NULL || len == 0)
		return 0;
	/* A skill fact holds a valid tag: rules.c's fact_value() checks. */
	n = rules_extract(rules, text, len, f, 8);
	for (i = 0; i < n; i++)
		nskill += f[i].kind == RULE_SKILL;
	for (i = 0; i < n; i++) {
		if (f[i].kind == RULE_SKILL) {
			ft_offer_add_skill(fo, f[i].value, req && nskill == 1,
			    where);
			found++;
		} else if (f[i].kind == RULE_LICENCE && (lic = vocab_lookup(
		    &vocab_licence, f[i].value, strlen(f[i].value))) >= 0) {
			fo->licences_wished |= 1u << lic;
			ft_offer_add_fact(fo, RULE_LICENCE, f[i].value, 0,
			    f[i].excerpt, strlen(f[i].excerpt));
			found++;
		}
	}
	return found;
}

/* Append s (len bytes) and a line break to buf; 0, or -1 if full. */
static int
append_line(char *buf, size_t *o, size_t cap, const char *s, size_t len)
{
	if (*o + len + 1 > cap)
		return -1;
	memcpy(buf + *o, s, len);
	*o += len;
	buf[(*o)++] = '\n';
	return 0;
}

/*
 * 1 if the labels of competences[] and formations[] together give any
 * skill or licence: most labels of the France Travail referential match
 * no rule, and one pass over them all then replaces one per item.  A
 * label that matches alone also matches among the others, so a 0 here
 * means the items would give nothing one by one either.
 */
static int
items_have_facts(const json_t *j, const struct rules *rules)
{
	static const char *const keys[][2] = {
		{ "competences", "libelle" },
		{ "formations", "domaineLibelle" },
		{ "formations", "commentaire" },
	};
	struct rule_fact f[RULES_MAX_FACTS];
	const json_t *arr, *it;
	const char *s;
	char *buf;
	size_t k, i, n, len, o = 0;
	int nf, any = 0;

	if (rules == NULL)
		return 0;
	buf = xmalloc(FT_TEXT_MAX);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (ft_json_arr(j, keys[k][0], &arr) != J_OK)
			continue;
		n = json_array_size(arr);
		for (i = 0; i < n && i < FT_ITEMS_MAX; i++) {
			it = json_array_get(arr, i);
			if (ft_json_str(it, keys[k][1], &s, &len) == J_OK &&
			    append_line(buf, &o, FT_TEXT_MAX, s, len) == -1) {
				free(buf);
				return 1;	/* too long: item by item */
			}
		}
	}
	if (o > 0) {
		nf = rules_extract(rules, buf, o, f, RULES_MAX_FACTS);
		for (i = 0; i < (size_t)nf && !any; i++)
			any = f[i].kind == RULE_SKILL ||
			    (f[i].kind == RULE_LICENCE && vocab_lookup(
			    &vocab_licence, f[i].value,
			    strlen(f[i].value)) >= 0);
	}
	free(buf);
	return any;
}

static void
map_competences(const json_t *j, const struct rules *rules,
    struct ft_offer *fo)
{
	const json_t *arr, *it;
	const char *s;
	size_t i, n, len;
	int req;

	n = item_list(j, "competences", fo, &arr);
	for (i = 0; i < n; i++) {
		it = json_array_get(arr, i);
		if (!json_is_object(it) ||
		    ft_json_str(it, "libelle", &s, &len) != J_OK) {
			ft_offer_warn(fo, "competences[%zu]: no libelle, "
			    "ignored", i);
			continue;
		}
		req = item_required(it, fo, "competences", i);
		if (item_facts(rules, fo, s, len, req, "competences") == 0)
			fo->items_unmapped++;
	}
}

static void
map_formations(const json_t *j, const struct rules *rules,
    struct ft_offer *fo, int *level_e)
{
	const json_t *arr, *it;
	const char *s, *c;
	char key[FT_KEY_MAX + 1], text[512];
	size_t i, n, len, clen;
	int req, lvl, found;

	n = item_list(j, "formations", fo, &arr);
	for (i = 0; i < n; i++) {
		it = json_array_get(arr, i);
		if (!json_is_object(it)) {
			ft_offer_warn(fo, "formations[%zu]: not an object, "
			    "ignored", i);
			continue;
		}
		req = item_required(it, fo, "formations", i);
		found = 0;
		if (ft_json_str(it, "niveauLibelle", &s, &len) == J_OK) {
			(void)ft_text_fold(s, len, key);
			if ((lvl = formation_level(key)) > 0) {
				found = 1;
				if (req && (*level_e == 0 || lvl < *level_e))
					*level_e = lvl;
				else if (!req && (fo->level_wished == 0 ||
				    lvl < fo->level_wished))
					fo->level_wished = lvl;
			}
		}
		if (ft_json_str(it, "domaineLibelle", &s, &len) != J_OK)
			len = 0;
		if (ft_json_str(it, "commentaire", &c, &clen) != J_OK)
			clen = 0;
		if (len + clen > 0) {
			(void)snprintf(text, sizeof(text), "%.*s. %.*s",
			    (int)(len < 250 ? len : 250), len ? s : "",
			    (int)(clen < 250 ? clen : 250), clen ? c : "");
			found += item_facts(rules, fo, text, strlen(text), req,
			    "formations");
		}
		if (!found)
			fo->items_unmapped++;
	}
}

void
ft_items_map(const json_t *j, const struct rules *rules,
    struct ft_offer *fo, int *level_e)
{
	const struct rules *item_rules;

	map_permis(j, fo);
	item_rules = items_have_facts(j, rules) ? rules : NULL;
	map_competences(j, item_rules, fo);
	map_formations(j, item_rules, fo, level_e);
}
