/*
 * Building one struct ft_offer (feed_francetravail_offer.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "candidate.h"
#include "ft_offer.h"
#include "ft_text.h"
#include "offer.h"
#include "rules.h"

int
ft_offer_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void
ft_offer_warn(struct ft_offer *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nwarnings < FT_WARNINGS_MAX) {
		va_start(ap, fmt);
		(void)vsnprintf(o->warnings[o->nwarnings],
		    sizeof(o->warnings[0]), fmt, ap);
		va_end(ap);
	}
	o->nwarnings++;
}

/*
 * 1 if tag is a skill tag: [a-z0-9][a-z0-9._-]*, 1..SKILL_MAX_LEN.  The
 * rules give only such tags; checked again here because a longer one
 * would overflow the offer's skills.
 */
static int
tag_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 1 || len > SKILL_MAX_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9'))
			continue;
		if (i > 0 && (s[i] == '.' || s[i] == '_' || s[i] == '-'))
			continue;
		return 0;
	}
	return 1;
}

static int
tag_index(char (*tags)[SKILL_MAX_LEN + 1], int n, const char *tag)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(tags[i], tag) == 0)
			return i;
	return -1;
}

/* Add a tag to skills_required (required) or skills_wanted. */
void
ft_offer_add_skill(struct ft_offer *fo, const char *tag, int required,
    const char *where)
{
	struct offer *o = &fo->offer;
	char (*tags)[SKILL_MAX_LEN + 1];
	int *n;

	if (!tag_valid(tag))
		return;
	tags = required ? o->skills_required : o->skills_wanted;
	n = required ? &o->nskills_required : &o->nskills_wanted;
	if (tag_index(tags, *n, tag) >= 0)
		return;
	if (*n == OFFER_MAX_SKILLS) {
		ft_offer_warn(fo, "%s: more than %d %s skills, %s dropped",
		    where, OFFER_MAX_SKILLS, required ? "required" : "wanted",
		    tag);
		return;
	}
	strcpy(tags[(*n)++], tag);
}

void
ft_offer_add_fact(struct ft_offer *fo, int kind, const char *value,
    int required, const char *excerpt, size_t exlen)
{
	struct rule_fact *f;
	int cut;

	if (fo->nfacts == FT_FACTS_MAX)
		return;
	f = &fo->facts[fo->nfacts++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	(void)snprintf(f->value, sizeof(f->value), "%s", value);
	f->required = required;
	if (ft_text_copy(f->excerpt, sizeof(f->excerpt) - 1, excerpt, exlen,
	    &cut) < 0)
		f->excerpt[0] = '\0';
}

/* Drop wanted skills that are also required, wished licences required. */
void
ft_offer_settle(struct ft_offer *fo)
{
	struct offer *o = &fo->offer;
	int i, k;

	for (i = 0, k = 0; i < o->nskills_wanted; i++) {
		if (tag_index(o->skills_required, o->nskills_required,
		    o->skills_wanted[i]) >= 0)
			continue;
		if (k != i)
			strcpy(o->skills_wanted[k], o->skills_wanted[i]);
		k++;
	}
	o->nskills_wanted = k;
	fo->licences_wished &= ~o->licences_required;
}

/*
 * The facts an adviser should see with each suggestion, as offer notes:
 * licences, skills and flags (contracts, durations and the job are in the
 * offer's own fields already).
 */
void
ft_offer_take_notes(struct ft_offer *fo)
{
	struct offer *o = &fo->offer;
	const struct rule_fact *f;
	int i;

	for (i = 0; i < fo->nfacts && o->nnotes < OFFER_MAX_NOTES; i++) {
		f = &fo->facts[i];
		if (f->kind != RULE_LICENCE && f->kind != RULE_SKILL &&
		    f->kind != RULE_FLAG)
			continue;
		if (rules_fact_reason(f, "France Travail",
		    o->notes[o->nnotes], sizeof(o->notes[0])) <= 0)
			continue;
		o->nnotes++;
	}
}
