/*
 * Text normalisation for the rules (rules_normalise.h): what a text and a
 * pattern become before matching.  Latin-1 and Latin Extended-A letters
 * fold to ASCII, combining accents and invisible characters go, spaces,
 * quotes, dashes and list bullets become their ASCII counterparts, and
 * invalid UTF-8 becomes a space.  Pure.
 */
#include <stdint.h>
#include <string.h>

#include "rules_normalise.h"
#include "utf8.h"

/*
 * Folding of U+00C0..U+00FF: one ASCII letter, or '1' "ae", '3' "th",
 * '4' "ss", '.' kept as it is (÷).  × becomes 'x' ("3×8").
 */
static const char latin1_fold[] =
	"aaaaaa1ceeeeiiii"	/* C0 */
	"dnooooox" "ouuuuy34"	/* D0 */
	"aaaaaa1ceeeeiiii"	/* E0 */
	"dnooooo." "ouuuuy3y";	/* F0 */

/* Folding of U+0100..U+017F (Latin Extended-A): '1' "ij", '2' "oe". */
static const char latin_ext_a_fold[] =
	"aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh"
	"iiiiiiiiii" "11" "jj" "kkk" "llllllllll" "nnnnnnnnn" "oooooo" "22"
	"rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

_Static_assert(sizeof(latin1_fold) == 64 + 1, "latin1_fold covers C0-FF");
_Static_assert(sizeof(latin_ext_a_fold) == 128 + 1,
    "latin_ext_a_fold covers U+0100-U+017F");

static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

static int
fold_code(char code, char *rep)
{
	switch (code) {
	case '1':
		memcpy(rep, "ae", 2);
		return 2;
	case '3':
		memcpy(rep, "th", 2);
		return 2;
	case '4':
		memcpy(rep, "ss", 2);
		return 2;
	default:
		rep[0] = code;
		return 1;
	}
}

/*
 * What a non-ASCII code point becomes: its replacement in rep (at most 4
 * bytes, never more than the code point's own UTF-8 length) and the
 * replacement's length, or -1 to keep the code point as it is.
 */
static int
fold_cp(uint32_t cp, char *rep)
{
	if (cp >= 0xc0 && cp <= 0xff) {
		if (latin1_fold[cp - 0xc0] == '.')
			return -1;
		return fold_code(latin1_fold[cp - 0xc0], rep);
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		switch (latin_ext_a_fold[cp - 0x100]) {
		case '1':
			memcpy(rep, "ij", 2);
			return 2;
		case '2':
			memcpy(rep, "oe", 2);
			return 2;
		default:
			rep[0] = latin_ext_a_fold[cp - 0x100];
			return 1;
		}
	}
	/* Combining accents (decomposed text: e + U+0301). */
	if (cp >= 0x300 && cp <= 0x36f)
		return 0;
	/* Greek and Cyrillic capitals: the simple lower-case mappings. */
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return (int)utf8_encode(cp + 0x20, rep);
	if (cp >= 0x400 && cp <= 0x40f)
		return (int)utf8_encode(cp + 0x50, rep);
	switch (cp) {
	case 0x00a0:	/* no-break space */
	case 0x1680:
	case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004:
	case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009:
	case 0x200a:
	case 0x202f:	/* narrow no-break space, before : ; ! ? in French */
	case 0x205f:
	case 0x3000:
		rep[0] = ' ';
		return 1;
	case 0x00ad:	/* soft hyphen */
	case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
		return 0;
	case 0x00b4:
	case 0x02bc:
	case 0x2018: case 0x2019: case 0x201a: case 0x201b:
	case 0x2032:
		rep[0] = '\'';
		return 1;
	case 0x00ab: case 0x00bb:
	case 0x201c: case 0x201d: case 0x201e: case 0x201f:
	case 0x2039: case 0x203a:
		rep[0] = '"';
		return 1;
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2043: case 0x2212:
		rep[0] = '-';
		return 1;
	case 0x2026:
		memcpy(rep, "...", 3);
		return 3;
	/* List bullets start a new item: a new line for the sentences. */
	case 0x2022: case 0x2023: case 0x2219:
	case 0x25a0: case 0x25aa: case 0x25ab: case 0x25b6: case 0x25ba:
	case 0x25cf: case 0x25e6:
	case 0x2605: case 0x2713: case 0x2714: case 0x2794: case 0x27a2:
	case 0x27a4:
		rep[0] = '\n';
		return 1;
	case 0xfb00:
		memcpy(rep, "ff", 2);
		return 2;
	case 0xfb01:
		memcpy(rep, "fi", 2);
		return 2;
	case 0xfb02:
		memcpy(rep, "fl", 2);
		return 2;
	case 0xfb03:
		memcpy(rep, "ffi", 3);
		return 3;
	case 0xfb04:
		memcpy(rep, "ffl", 3);
		return 3;
	case 0xfb05: case 0xfb06:
		memcpy(rep, "st", 2);
		return 2;
	default:
		return -1;
	}
}

/*
 * The normaliser behind rules_normalize().  ascii: also fold ASCII (lower
 * case, control characters); patterns keep their ASCII as written, since
 * "\D" and "\d" differ.  map, when not NULL, gets for each output byte the
 * offset of the input character it came from (room for outlen entries).
 * *consumed gets how much of the input was used.  The output never splits
 * a replacement and is never longer than the input.
 */
size_t
rules_normalise_text(const char *in, size_t len, char *out, size_t outlen,
    uint32_t *map, int ascii, size_t *consumed)
{
	const unsigned char *s = (const unsigned char *)in;
	const char *src;
	char rep[8];
	size_t i = 0, o = 0, sl, rl, k, end;
	uint32_t cp;
	unsigned char c;
	int r;

	if (outlen == 0) {
		if (consumed != NULL)
			*consumed = 0;
		return 0;
	}
	while (i < len) {
		if (ascii && s[i] < 0x80) {
			/* The common case, a run of ASCII, as below. */
			end = len - i < outlen - 1 - o ? len :
			    i + (outlen - 1 - o);
			if (end == i)
				break;
			for (k = i; k < end && s[k] < 0x80; k++) {
				c = s[k];
				if (c >= 'A' && c <= 'Z')
					c += 'a' - 'A';
				else if (c < 0x20 || c == 0x7f)
					c = c == '\r' || c == '\n' ? '\n' : ' ';
				out[o + k - i] = (char)c;
			}
			if (map != NULL)
				for (sl = i; sl < k; sl++)
					map[o + sl - i] = (uint32_t)sl;
			o += k - i;
			i = k;
			continue;
		}
		src = rep;
		if (s[i] < 0x80) {
			sl = rl = 1;
			rep[0] = (char)s[i];
			if (ascii) {
				if (s[i] >= 'A' && s[i] <= 'Z')
					rep[0] = (char)(s[i] - 'A' + 'a');
				else if (s[i] == '\r')
					rep[0] = '\n';
				else if ((s[i] < 0x20 && s[i] != '\n') ||
				    s[i] == 0x7f)
					rep[0] = ' ';
			} else if (s[i] == '\0')
				rep[0] = ' ';
		} else if ((sl = utf8_decode(s + i, len - i, &cp)) == 0) {
			sl = rl = 1;
			rep[0] = ' ';
		} else if ((r = fold_cp(cp, rep)) < 0) {
			src = in + i;
			rl = sl;
		} else
			rl = (size_t)r;
		if (rl > outlen - 1 - o)
			break;
		memcpy(out + o, src, rl);
		if (map != NULL)
			for (k = 0; k < rl; k++)
				map[o + k] = (uint32_t)i;
		o += rl;
		i += sl;
	}
	out[o] = '\0';
	if (consumed != NULL)
		*consumed = i;
	return o;
}
