/*
 * Text of France Travail fields (feed_francetravail_text.h).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dates.h"
#include "ft_text.h"
#include "refdata.h"
#include "utf8.h"

/*
 * Client text for a message: at most FT_QUOTE_MAX bytes cut on a character
 * boundary, control characters and invalid bytes as '?', "..." if cut.
 */
const char *
ft_text_quote(const char *s, size_t len, char buf[FT_QUOTE_MAX + 4])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	uint32_t cp;

	while (i < len) {
		k = utf8_decode(p + i, len - i, &cp);
		if (o + (k ? k : 1) > FT_QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			buf[o++] = '?';
			i++;
			continue;
		}
		memcpy(buf + o, p + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Copy UTF-8 text into dst (max bytes + NUL): control characters become
 * spaces, runs of spaces one space, both ends trimmed, and the text cut
 * at max bytes on a character boundary.  Returns the length, or -1 if the
 * text is not UTF-8 or holds a NUL.  *cut tells whether it was cut.
 */
int
ft_text_copy(char *dst, size_t max, const char *s, size_t len, int *cut)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;
	uint32_t cp;
	int space = 0;

	*cut = 0;
	while (i < len) {
		if (p[i] == '\0' || (k = utf8_decode(p + i, len - i, &cp)) == 0)
			return -1;
		if (k == 1 && (p[i] <= 0x20 || p[i] == 0x7f)) {
			space = o > 0;
			i++;
			continue;
		}
		if (o + space + k > max) {
			*cut = 1;
			/* The rest must still be valid UTF-8. */
			for (i += k; i < len; i += k)
				if (p[i] == '\0' ||
				    (k = utf8_decode(p + i, len - i, &cp)) == 0)
					return -1;
			break;
		}
		if (space)
			dst[o++] = ' ';
		space = 0;
		memcpy(dst + o, p + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
	return (int)o;
}

/* 1 if s[0..len) is printable ASCII without spaces (ids, URLs). */
int
ft_text_visible(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Upper-case folded key of a label (refdata_name_key()). */
size_t
ft_text_fold(const char *s, size_t len, char key[FT_KEY_MAX + 1])
{
	return refdata_name_key(s, len, key, FT_KEY_MAX + 1);
}

/* 1 if the folded key holds the whole word w. */
int
ft_text_has_word(const char *key, const char *w)
{
	size_t wl = strlen(w);
	const char *p = key;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == key || p[-1] == ' ') &&
		    (p[wl] == '\0' || p[wl] == ' '))
			return 1;
		p += wl;
	}
	return 0;
}

int
ft_text_starts_word(const char *key, const char *w)
{
	size_t wl = strlen(w);

	return strncmp(key, w, wl) == 0 && (key[wl] == '\0' || key[wl] == ' ');
}

/*
 * A duration in text: a number ("12", "4,5") then a unit word (mois,
 * an/ans/an(s)/année(s), semaine(s), jour(s)), in months rounded up.
 * p points at the number.  Returns months (may be 0 for "0 Mois"), -1 if
 * the text is not of that form.
 */
int
ft_text_duration(const char *p, const char *end)
{
	double v = 0, scale;
	char unit[8];
	size_t ul = 0;
	int nd = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (++nd > 6)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (nd == 0)
		return -1;
	if (p < end && (*p == ',' || *p == '.') && p + 1 < end &&
	    p[1] >= '0' && p[1] <= '9') {
		scale = 0.1;
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			v += (*p - '0') * scale;
			scale /= 10;
		}
	}
	while (p < end && *p == ' ')
		p++;
	/* The unit's first letters, ASCII lower case; "é" stops it. */
	while (p < end && ul < sizeof(unit) - 1 &&
	    ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		unit[ul++] = (char)(*p++ | 0x20);
	unit[ul] = '\0';
	if (ul >= 4 && strncmp(unit, "mois", 4) == 0)
		;
	else if (ul >= 2 && strncmp(unit, "an", 2) == 0)
		v *= 12;		/* an, ans, an(s), année(s) */
	else if (ul >= 3 && strncmp(unit, "sem", 3) == 0)
		v = v * 7 / 30;
	else if (ul >= 4 && strncmp(unit, "jour", 4) == 0)
		v /= 30;
	else
		return -1;
	/* Rounded up, minus float noise: 4.5 -> 5, 12 -> 12. */
	v = ceil(v - 1e-9);
	return v > 1e6 ? 1000000 : (int)v;
}

/*
 * Parse an ISO 8601 timestamp of the API: "YYYY-MM-DD", optionally
 * followed by "THH:MM[:SS[.fff]]" and "Z" or "+HH:MM"/"-HH:MM".
 */
int
ft_text_iso8601(const char *s, size_t len, int32_t *day, int64_t *ts)
{
	int h = 0, mi = 0, sec = 0, sign, oh, om;
	size_t i;
	int64_t off = 0;

	if (len < 10 || date_parse(s, 10, day) == -1)
		return -1;
	i = 10;
	if (i < len && (s[i] == 'T' || s[i] == ' ')) {
#define D2(k) (s[k] >= '0' && s[k] <= '9' && s[k + 1] >= '0' && \
	    s[k + 1] <= '9')
		if (len < i + 6 || !D2(i + 1) || s[i + 3] != ':' ||
		    !D2(i + 4))
			return -1;
		h = (s[i + 1] - '0') * 10 + s[i + 2] - '0';
		mi = (s[i + 4] - '0') * 10 + s[i + 5] - '0';
		i += 6;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || !D2(i + 1))
				return -1;
			sec = (s[i + 1] - '0') * 10 + s[i + 2] - '0';
			i += 3;
			if (i < len && s[i] == '.') {
				for (i++; i < len && s[i] >= '0' &&
				    s[i] <= '9'; i++)
					;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < len && s[i] == 'Z')
			i++;
		else if (i < len && (s[i] == '+' || s[i] == '-')) {
			sign = s[i] == '-' ? -1 : 1;
			if (len < i + 6 || !D2(i + 1) || s[i + 3] != ':' ||
			    !D2(i + 4))
				return -1;
			oh = (s[i + 1] - '0') * 10 + s[i + 2] - '0';
			om = (s[i + 4] - '0') * 10 + s[i + 5] - '0';
			if (oh > 18 || om > 59)
				return -1;
			off = sign * (int64_t)(oh * 3600 + om * 60);
			i += 6;
		}
#undef D2
	}
	if (i != len)
		return -1;
	*ts = (int64_t)*day * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}
