/*
 * Text of France Travail fields (ft_text.c): client text
 * quoted for messages, copied into the offer or checked as an id or URL,
 * labels folded and looked at word by word, durations and ISO 8601 dates
 * read.
 */
#ifndef MATCHER_FT_TEXT_H
#define MATCHER_FT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* How much of client text goes into a message. */
#define FT_QUOTE_MAX	40
/* Longest label that is folded for comparison. */
#define FT_KEY_MAX	255

/*
 * Client text for a message: at most FT_QUOTE_MAX bytes cut on a
 * character boundary, control characters and invalid bytes as '?', "..."
 * if cut.  Returns buf.
 */
const char	*ft_text_quote(const char *s, size_t len,
		    char buf[FT_QUOTE_MAX + 4]);
/*
 * Copy UTF-8 text into dst (max bytes + NUL), blanks collapsed and
 * trimmed, cut on a character boundary (*cut).  Returns the length, or -1
 * if the text is not UTF-8 or holds a NUL.
 */
int		 ft_text_copy(char *dst, size_t max, const char *s, size_t len,
		    int *cut);
/* 1 if s[0..len) is printable ASCII without spaces (ids, URLs). */
int		 ft_text_visible(const char *s, size_t len);
/* Upper-case folded key of a label (refdata_name_key()). */
size_t		 ft_text_fold(const char *s, size_t len,
		    char key[FT_KEY_MAX + 1]);
/* 1 if the folded key holds the whole word w; starts with it. */
int		 ft_text_has_word(const char *key, const char *w);
int		 ft_text_starts_word(const char *key, const char *w);
/*
 * Months of a duration at p ("12 Mois", "4,5 mois", "2 An(s)"), rounded
 * up, or -1 if the text is not of that form.
 */
int		 ft_text_duration(const char *p, const char *end);
/* An ISO 8601 date of the API: 0 with *day and *ts (unix), or -1. */
int		 ft_text_iso8601(const char *s, size_t len, int32_t *day,
		    int64_t *ts);

#endif
