/*
 * matcherd configuration parser.  One table of keys drives everything: the
 * inih handler looks keys up in it, conf_defaults() feeds each default
 * string through the same setter a file value goes through (so a default
 * can never be a value the parser would reject), conf_dump() prints it
 * back in the format the parser reads, and the documentation test walks
 * it to check that config/matcherd.conf documents every key.
 *
 * inih does not pass line numbers to the handler (Debian builds it without
 * INI_HANDLER_LINENO), so lines reach inih through our own reader, which
 * counts them.  The reader also reports what inih would reject without
 * calling the handler (syntax errors, overlong lines) and unknown
 * sections, and strips leading whitespace so that inih's multi-line
 * continuation never applies: an indented line is an ordinary line rather
 * than a silent replacement of the previous key's value.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "domain.h"
#include "proto.h"
#include "utf8.h"

enum key_type {
	KT_INT,		/* int, range min..max */
	KT_SIZE,	/* size_t, bytes, range min..max, no suffixes */
	KT_BOOL,	/* int 0/1 */
	KT_STRING,	/* char[], any text shorter than the field */
	KT_NAME,	/* char[], [A-Za-z0-9_-], length min..max */
	KT_ADDR,	/* struct conf_addr */
	KT_LOGLEVEL,	/* int, enum conf_loglevel */
	KT_CRITERIA,	/* uint32_t, bitmask of enum criterion */
	KT_HOSTS	/* char[], host names and [v6] literals, blank-separated */
};

struct key {
	const char	*section;
	const char	*name;
	enum key_type	 type;
	size_t		 offset;	/* into struct conf */
	size_t		 size;		/* of the field: bounds strings */
	long long	 min;
	long long	 max;
	const char	*def;		/* default, as it would be written */
	const char	*help;		/* one line, printed by conf_dump */
};

#define F(field)	offsetof(struct conf, field),			\
			sizeof(((struct conf *)0)->field)
#define WEIGHT(n, def)							\
	{ "weights", #n, KT_INT, F(matching.w.n), 0, 1000, def,		\
	    "weight of the " #n " component of the score" }

static const struct key keys[] = {
	{ "server", "listen", KT_ADDR, F(listen), 0, 0, "127.0.0.1:7420",
	    "address and port of the MessagePack-RPC listener" },
	{ "server", "max_clients", KT_INT, F(max_clients), 1, 100000, "1024",
	    "most clients connected at once" },
	{ "server", "max_message", KT_SIZE, F(max_message), 1024, 67108864,
	    "1048576", "largest request accepted, bytes" },
	{ "server", "output_high_water", KT_SIZE, F(output_high_water),
	    65536, 1073741824, "8388608",
	    "a client whose unsent output passes this many bytes is "
	    "disconnected" },
	{ "server", "input_budget_mb", KT_INT, F(input_budget_mb), 1, 65536,
	    "64", "most megabytes of unfinished requests held for all "
	    "clients together; past it the slowest sender is dropped" },
	{ "server", "output_budget_mb", KT_INT, F(output_budget_mb), 1, 65536,
	    "128", "most megabytes of unsent output held for all clients "
	    "together; past it the slowest reader is dropped" },
	{ "server", "requests_per_event", KT_INT, F(requests_per_event),
	    1, 10000, "64",
	    "requests served from one client before turning to the others" },
	{ "server", "max_clients_per_address", KT_INT,
	    F(max_clients_per_address), 0, 100000, "256",
	    "most clients from one IP address at once; 0: no bound" },
	{ "server", "idle_timeout", KT_INT, F(idle_timeout_s), 0, 86400, "300",
	    "seconds a client that sends nothing, waits for nothing and "
	    "subscribes to nothing stays connected; 0: forever" },
	{ "server", "message_timeout", KT_INT, F(message_timeout_s), 1, 3600,
	    "30", "seconds a client has to send the whole of a message once "
	    "it has started it" },

	{ "http", "listen", KT_ADDR, F(http.listen), 0, 0, "127.0.0.1:7421",
	    "address and port of the HTTP/JSON API" },
	{ "http", "max_body", KT_SIZE, F(http.max_body), 1024, 67108864,
	    "1048576", "largest request body accepted, bytes" },
	{ "http", "max_headers", KT_SIZE, F(http.max_headers), 1024, 1048576,
	    "16384", "largest request line and headers accepted, bytes" },
	{ "http", "max_connections", KT_INT, F(http.max_connections),
	    1, 10000, "256", "most HTTP connections open at once" },
	{ "http", "timeout_s", KT_INT, F(http.timeout_s), 1, 3600, "60",
	    "an HTTP connection idle this many seconds is closed" },
	{ "http", "max_connections_per_address", KT_INT,
	    F(http.max_connections_per_address), 0, 10000, "64",
	    "most HTTP connections from one IP address at once; 0: no "
	    "bound" },
	{ "http", "request_timeout_s", KT_INT, F(http.request_timeout_s), 1,
	    3600, "30", "seconds a client has to send a whole request once "
	    "it has started it (then 408)" },
	{ "http", "max_streams", KT_INT, F(http.max_streams), 0, 10000, "100",
	    "most Server-Sent Events streams open at once" },
	{ "http", "www_dir", KT_STRING, F(http.www_dir), 0, 0, "",
	    "directory of the advisers' page; empty: the compiled-in "
	    "default" },
	{ "http", "hosts", KT_HOSTS, F(http.hosts), 0, 0,
	    "localhost 127.0.0.1 [::1]",
	    "Host names (and [v6] literals) served, besides listen's host; "
	    "other Hosts get 421" },

	{ "redis", "address", KT_ADDR, F(redis), 0, 0, "127.0.0.1:6379",
	    "address and port of the Redis server" },
	{ "redis", "prefix", KT_NAME, F(redis_prefix), 1, 63, "matcherd",
	    "prefix of every Redis key: letters, digits, _ and -" },
	{ "redis", "db", KT_INT, F(redis_db), 0, 15, "0",
	    "Redis database number (SELECT)" },
	{ "redis", "password", KT_STRING, F(redis_password), 0, 0, "",
	    "password sent with AUTH; empty: no AUTH" },
	{ "redis", "timeout_ms", KT_INT, F(redis_timeout_ms), 10, 60000,
	    "2000", "connect and command timeout, milliseconds" },
	{ "redis", "max_pending", KT_INT, F(redis_max_pending), 16, 1000000,
	    "10000", "most commands waiting for Redis; past it, new "
	    "requests get unavailable at once" },
	{ "redis", "max_pending_mb", KT_INT, F(redis_max_pending_mb), 1, 4096,
	    "64", "most megabytes of commands waiting for Redis" },
	{ "redis", "reconnect_max_ms", KT_INT, F(redis_reconnect_max_ms),
	    100, 600000, "5000",
	    "longest wait between reconnection attempts, milliseconds" },

	{ "data", "dir", KT_STRING, F(datadir), 0, 0, "",
	    "reference data directory; empty: the compiled-in default" },
	{ "data", "rules", KT_STRING, F(rulesfile), 0, 0, "",
	    "normalisation rules file; empty: the compiled-in default" },

	{ "auth", "users", KT_STRING, F(auth_users), 0, 0, "",
	    "users file (NAME ROLE SECTORS SHA256 per line); reloaded on "
	    "SIGHUP" },
	{ "auth", "required", KT_BOOL, F(auth_required), 0, 0, "yes",
	    "every method but ping and auth needs an authenticated user" },

#define CONTACT(s, sector)						\
	{ "contacts", s, KT_STRING, F(contacts[SECTOR_##sector]), 0, 0, "",	\
	    "whom partners call about a referral of the " s " pool "	\
	    "(a team, a phone, an e-mail); empty: none" }
	CONTACT("industrie", INDUSTRIE),
	CONTACT("batiment", BATIMENT),
	CONTACT("tertiaire", TERTIAIRE),
	CONTACT("hotellerie", HOTELLERIE),
#undef CONTACT

	{ "tls", "cert", KT_STRING, F(tls.cert), 0, 0, "",
	    "certificate chain (PEM) of both listeners; empty: plain TCP" },
	{ "tls", "key", KT_STRING, F(tls.key), 0, 0, "",
	    "private key (PEM) of the certificate" },
	{ "tls", "allow_plaintext", KT_BOOL, F(tls.allow_plaintext), 0, 0,
	    "no", "yes: plain TCP may listen on a non-loopback address" },

	/* RGPD_RETENTION_DAYS_DEFAULT and _MAX of matcher/core/rgpd.h. */
	{ "rgpd", "retention_days", KT_INT, F(rgpd_retention_days), 1, 36500,
	    "730", "days without an update or an open referral after which "
	    "the daily sweep erases a candidate" },

	{ "referrals", "stale_days", KT_INT, F(referral_stale_days), 1, 3650,
	    "30", "days without a move after which a suggested, validated "
	    "or sent referral is flagged unanswered (sans reponse)" },
	{ "referrals", "expire_days", KT_INT, F(referral_expire_days), 1,
	    3650, "60", "days without a move after which the daily sweep "
	    "withdraws such a referral; more than stale_days" },

	{ "log", "level", KT_LOGLEVEL, F(log_level), 0, 0, "info",
	    "least severe message logged: error, warn, info or debug" },

	{ "matching", "rome_domain", KT_BOOL, F(matching.rome_domain), 0, 0,
	    "yes", "yes: a job of the offer's ROME domain (same first 3 "
	    "characters) matches too; no: only its exact code" },
	{ "matching", "start_slack_days", KT_INT,
	    F(matching.start_slack_days), 0, 365, "14",
	    "days after the offer's start a candidate may become available" },
	{ "matching", "default_limit", KT_INT, F(matching.default_limit),
	    1, PROTO_LIMIT_MAX, "20",
	    "suggestions returned when the request gives no limit" },
	{ "matching", "max_limit", KT_INT, F(matching.max_limit),
	    1, PROTO_LIMIT_MAX, "200",
	    "largest limit a request may ask for" },
	{ "matching", "youth_age_min", KT_INT, F(matching.youth_age_min),
	    14, 99, "16", "youngest age for plateforme_jeunes offers, years" },
	{ "matching", "youth_age_max", KT_INT, F(matching.youth_age_max),
	    14, 99, "25", "oldest age for plateforme_jeunes offers, years" },
	{ "matching", "young_age_max", KT_INT, F(matching.young_age_max),
	    14, 99, "25",
	    "jeune_peu_qualifie: age at most this, years" },
	{ "matching", "low_level_max", KT_INT, F(matching.low_level_max),
	    0, 8, "3", "jeune_peu_qualifie: education level at most this" },
	{ "matching", "senior_age", KT_INT, F(matching.senior_age), 14, 99,
	    "50", "senior: age at least this many years" },
	{ "matching", "clause_criteria", KT_CRITERIA,
	    F(matching.clause_criteria), 0, 0,
	    "rsa ass aah deld detld th qpv jeune_peu_qualifie senior",
	    "criteria that make a candidate eligible to a clause offer "
	    "that lists none" },
	{ "matching", "priority_criteria", KT_CRITERIA,
	    F(matching.priority_criteria), 0, 0, "deld detld rsa qpv th",
	    "criteria that raise the priority component" },
	{ "matching", "fairness_window_days", KT_INT,
	    F(matching.fairness_window_days), 0, 3650, "30",
	    "a referral this recent lowers the fairness component; "
	    "0: off" },
	{ "matching", "open_referrals_max", KT_INT,
	    F(matching.open_referrals_max), 1, 100, "3",
	    "open referrals at which the fairness component reaches 0" },
	{ "matching", "no_vehicle_distance_pct", KT_INT,
	    F(matching.no_vehicle_distance_pct), 100, 500, "150",
	    "distance weight for people with neither licence B nor "
	    "vehicle, percent" },

	WEIGHT(job, "25"),
	WEIGHT(experience, "15"),
	WEIGHT(distance, "20"),
	WEIGHT(skills, "10"),
	WEIGHT(level, "5"),
	WEIGHT(priority, "10"),
	WEIGHT(fairness, "10"),
	WEIGHT(barriers, "5"),
};

#undef WEIGHT
#undef F

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const char *const loglevels[] = { "error", "warn", "info", "debug" };

/* State of one parse, shared by the reader and the handler. */
struct parse {
	struct conf		*c;
	struct conf_errors	*errs;
	const char		*name;		/* file name in messages */
	int			 count;		/* errors */

	/* The lines come from a FILE or from a string. */
	FILE			*fp;
	char			*getbuf;
	size_t			 getcap;
	int			 read_errno;
	const char		*text;
	size_t			 textlen;
	size_t			 pos;

	int			 line;		/* last line given to inih */
	int			 in_unknown;	/* section already reported */
	int			 set_line[NKEYS];	/* 0: not in the file */
	unsigned char		 bad[NKEYS];	/* its last value failed */
};

static void	add_error(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Record one error as "file:line: message" (or "file: message" when it has
 * no line).  Every error is counted; only the first CONF_MAX_ERRORS are
 * kept, which is plenty for a person fixing a file.
 */
static void
add_error(struct parse *p, int line, const char *fmt, ...)
{
	char msg[256];
	char *dst;
	size_t sz;
	va_list ap;

	p->count++;
	if (p->errs == NULL)
		return;
	if (p->errs->count >= 0 && p->errs->count < CONF_MAX_ERRORS) {
		va_start(ap, fmt);
		(void)vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		dst = p->errs->msg[p->errs->count];
		sz = sizeof(p->errs->msg[0]);
		if (line > 0)
			(void)snprintf(dst, sz, "%s:%d: %s", p->name, line, msg);
		else
			(void)snprintf(dst, sz, "%s: %s", p->name, msg);
	}
	p->errs->count++;
}

static int
find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
known_section(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].section) == len &&
		    memcmp(keys[i].section, s, len) == 0)
			return 1;
	return 0;
}

/*
 * Parse a decimal integer that fills all of s.  Returns 0, -1 when s is
 * not a number, or 1 when it is one too large for long long (the caller
 * reports that as out of range, which is what it is).
 */
static int
parse_ll(const char *s, long long *out)
{
	const char *d = s;
	char *end;

	if (*d == '-' || *d == '+')
		d++;
	if (!isdigit((unsigned char)*d))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (*end != '\0')
		return -1;
	return errno == ERANGE ? 1 : 0;
}

static int
parse_ull(const char *s, unsigned long long *out)
{
	char *end;

	/* strtoull takes "-1" as a huge number; sizes are digits only. */
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (*end != '\0')
		return -1;
	return errno == ERANGE ? 1 : 0;
}

static int
is_name_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '-';
}

/*
 * Parse "host:port" or "[v6 address]:port".  Returns NULL, or why s is
 * not an address.  out is only written on success.
 */
static const char *
parse_addr(const char *s, struct conf_addr *out)
{
	struct conf_addr a;
	struct in6_addr in6;
	const char *h, *colon, *d;
	size_t hlen, i;
	long port;

	memset(&a, 0, sizeof(a));
	if (s[0] == '[') {
		h = s + 1;
		colon = strchr(h, ']');
		if (colon == NULL)
			return "missing ']' after the IPv6 address";
		hlen = (size_t)(colon - h);
		colon++;
		if (*colon != ':')
			return "missing ':port' after ']'";
		if (hlen == 0)
			return "empty IPv6 address";
		if (hlen > CONF_HOST_MAX)
			return "host too long";
		memcpy(a.host, h, hlen);
		if (inet_pton(AF_INET6, a.host, &in6) != 1)
			return "not an IPv6 address between [ ]";
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return "missing ':port'";
		hlen = (size_t)(colon - s);
		if (hlen == 0)
			return "missing host before ':port'";
		if (memchr(s, ':', hlen) != NULL)
			return "an IPv6 address must be written in brackets, "
			    "as in [::1]:7420";
		if (hlen > CONF_HOST_MAX)
			return "host too long";
		for (i = 0; i < hlen; i++)
			if (!is_name_char((unsigned char)s[i]) && s[i] != '.')
				return "invalid character in host";
		memcpy(a.host, s, hlen);
	}
	d = colon + 1;
	if (*d == '\0')
		return "missing port after ':'";
	port = 0;
	for (; *d != '\0'; d++) {
		if (!isdigit((unsigned char)*d))
			return "port is not a number";
		port = port * 10 + (*d - '0');
		if (port > 65535)
			break;
	}
	if (port < 1 || port > 65535)
		return "port out of range 1..65535";
	a.port = (int)port;
	*out = a;
	return NULL;
}

int
conf_parse_addr(const char *s, struct conf_addr *out)
{
	return parse_addr(s, out) == NULL ? 0 : -1;
}

static int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Criteria wire names separated by commas and/or blanks; empty is none. */
static int
parse_criteria(const char *s, uint32_t *out, char *err, size_t errlen)
{
	uint32_t set = 0;
	size_t len;
	int i;

	for (;;) {
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		len = strcspn(s, ", \t\r\n\f\v");
		i = vocab_lookup(&vocab_criterion, s, len);
		if (i < 0) {
			(void)snprintf(err, errlen, "unknown criterion '%.*s'",
			    len > 64 ? 64 : (int)len, s);
			return -1;
		}
		set |= 1u << i;
		s += len;
	}
	*out = set;
	return 0;
}

/*
 * [http] hosts: host names and bracketed IPv6 literals separated by
 * blanks, each as a Host header names it without its port, so that the
 * daemon can compare them with Host as they are.
 */
static int
check_hosts(const char *s, char *err, size_t errlen)
{
	struct in6_addr in6;
	char v6[INET6_ADDRSTRLEN];
	size_t len, i;
	int show;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return 0;
		len = strcspn(s, " \t\r\n\f\v");
		show = len > 64 ? 64 : (int)len;
		if (*s == '[') {
			if (len < 3 || s[len - 1] != ']' || len - 2 >= sizeof(v6))
				goto bad_v6;
			memcpy(v6, s + 1, len - 2);
			v6[len - 2] = '\0';
			if (inet_pton(AF_INET6, v6, &in6) != 1)
				goto bad_v6;
		} else {
			if (len > CONF_HOST_MAX) {
				(void)snprintf(err, errlen, "host '%.*s...' too "
				    "long", show, s);
				return -1;
			}
			for (i = 0; i < len; i++) {
				if (s[i] == ':') {
					(void)snprintf(err, errlen, "'%.*s': a "
					    "host is written without its port, an "
					    "IPv6 address in brackets ([::1])",
					    show, s);
					return -1;
				}
				if (!is_name_char((unsigned char)s[i]) &&
				    s[i] != '.') {
					(void)snprintf(err, errlen, "invalid "
					    "character in host '%.*s'", show, s);
					return -1;
				}
			}
		}
		s += len;
	}
bad_v6:
	(void)snprintf(err, errlen, "'%.*s' is not an IPv6 address between "
	    "[ ]", show, s);
	return -1;
}

/*
 * Set the field of key k in c from the text v.  Returns 0, or -1 with the
 * reason in err (without the key name, which the caller adds) and the
 * field unchanged.
 */
static int
set_value(const struct key *k, struct conf *c, const char *v, char *err,
    size_t errlen)
{
	char *field = (char *)c + k->offset;
	const char *why;
	unsigned long long u;
	long long n;
	size_t len, i;
	uint32_t set;
	int r, b;

	switch (k->type) {
	case KT_INT:
		r = parse_ll(v, &n);
		if (r == -1) {
			(void)snprintf(err, errlen, "'%s' is not an integer", v);
			return -1;
		}
		if (r == 1 || n < k->min || n > k->max) {
			(void)snprintf(err, errlen,
			    "%s is out of range %lld..%lld", v, k->min, k->max);
			return -1;
		}
		*(int *)(void *)field = (int)n;
		return 0;
	case KT_SIZE:
		r = parse_ull(v, &u);
		if (r == -1) {
			(void)snprintf(err, errlen, "'%s' is not a number of "
			    "bytes (digits only, no suffix)", v);
			return -1;
		}
		if (r == 1 || u < (unsigned long long)k->min ||
		    u > (unsigned long long)k->max) {
			(void)snprintf(err, errlen,
			    "%s is out of range %lld..%lld", v, k->min, k->max);
			return -1;
		}
		*(size_t *)(void *)field = (size_t)u;
		return 0;
	case KT_BOOL:
		if (parse_bool(v, &b) == -1) {
			(void)snprintf(err, errlen, "'%s' is not a boolean "
			    "(yes/no, true/false, on/off, 1/0)", v);
			return -1;
		}
		*(int *)(void *)field = b;
		return 0;
	case KT_NAME:
		len = strlen(v);
		if (len < (size_t)k->min || len > (size_t)k->max) {
			(void)snprintf(err, errlen, "'%s' has %zu characters, "
			    "not %lld..%lld", v, len, k->min, k->max);
			return -1;
		}
		for (i = 0; i < len; i++) {
			if (!is_name_char((unsigned char)v[i])) {
				(void)snprintf(err, errlen, "'%s' may only "
				    "contain letters, digits, '_' and '-'", v);
				return -1;
			}
		}
		/* FALLTHROUGH */
	case KT_HOSTS:
		if (k->type == KT_HOSTS && check_hosts(v, err, errlen) == -1)
			return -1;
		/* FALLTHROUGH */
	case KT_STRING:
		len = strlen(v);
		if (len >= k->size) {
			(void)snprintf(err, errlen, "value too long (%zu "
			    "characters, at most %zu)", len, k->size - 1);
			return -1;
		}
		/* Zero the tail so that equal settings compare equal. */
		memset(field, 0, k->size);
		memcpy(field, v, len);
		return 0;
	case KT_ADDR:
		why = parse_addr(v, (struct conf_addr *)(void *)field);
		if (why != NULL) {
			(void)snprintf(err, errlen, "'%s': %s", v, why);
			return -1;
		}
		return 0;
	case KT_LOGLEVEL:
		for (i = 0; i < sizeof(loglevels) / sizeof(loglevels[0]); i++) {
			if (strcmp(v, loglevels[i]) == 0) {
				*(int *)(void *)field = (int)i;
				return 0;
			}
		}
		(void)snprintf(err, errlen, "'%s' is not a log level "
		    "(error, warn, info or debug)", v);
		return -1;
	case KT_CRITERIA:
		if (parse_criteria(v, &set, err, errlen) == -1)
			return -1;
		*(uint32_t *)(void *)field = set;
		return 0;
	}
	(void)snprintf(err, errlen, "internal error: bad key type");
	return -1;
}

/*
 * inih's scan for a character of chars or the start of an inline comment
 * (a ';' after whitespace), so that the reader classifies a line exactly
 * as inih will.
 */
static const char *
find_chars_or_comment(const char *s, const char *chars)
{
	int was_space = 0;

	while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL)) {
#if INI_ALLOW_INLINE_COMMENTS
		if (was_space && strchr(INI_INLINE_COMMENT_PREFIXES, *s) != NULL)
			break;
#endif
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/*
 * Report what inih rejects without calling the handler, and unknown
 * sections (whose keys the handler then skips, one error being enough).
 * s is a line without leading or trailing whitespace.
 */
static void
classify(struct parse *p, const char *s)
{
	const char *end, *rest;
	size_t len;

	if (*s == '\0' || strchr(INI_START_COMMENT_PREFIXES, *s) != NULL)
		return;
	if (*s == '[') {
		end = find_chars_or_comment(s + 1, "]");
		if (*end != ']') {
			add_error(p, p->line, "missing ']' in section header");
			return;
		}
		for (rest = end + 1; isspace((unsigned char)*rest); rest++)
			continue;
		if (*rest != '\0' &&
		    strchr(INI_START_COMMENT_PREFIXES, *rest) == NULL)
			add_error(p, p->line,
			    "unexpected text after section header");
		len = (size_t)(end - (s + 1));
		p->in_unknown = !known_section(s + 1, len);
		if (p->in_unknown)
			add_error(p, p->line, "unknown section [%.*s]",
			    len > 64 ? 64 : (int)len, s + 1);
		return;
	}
	end = find_chars_or_comment(s, "=:");
	if (*end != '=' && *end != ':')
		add_error(p, p->line, "syntax error: expected 'key = value', "
		    "'[section]' or a comment");
}

/* The next line of the source, without its newline; -1 at the end. */
static int
next_line(struct parse *p, const char **line, size_t *len)
{
	const char *s, *nl;
	ssize_t n;

	if (p->fp != NULL) {
		n = getline(&p->getbuf, &p->getcap, p->fp);
		if (n < 0) {
			if (ferror(p->fp))
				p->read_errno = errno != 0 ? errno : EIO;
			return -1;
		}
		*line = p->getbuf;
		*len = (size_t)n;
	} else {
		if (p->pos >= p->textlen)
			return -1;
		s = p->text + p->pos;
		nl = memchr(s, '\n', p->textlen - p->pos);
		*line = s;
		*len = nl != NULL ? (size_t)(nl - s) + 1 : p->textlen - p->pos;
		p->pos += *len;
	}
	if (*len > 0 && (*line)[*len - 1] == '\n')
		(*len)--;
	return 0;
}

/* fgets-like reader for ini_parse_stream: one physical line per call. */
static char *
reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *s;
	size_t len;

	if (num < 1 || next_line(p, &s, &len) == -1)
		return NULL;
	p->line++;
	if (p->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	/* A line inih cannot take whole is handed over empty. */
	str[0] = '\0';
	if (memchr(s, '\0', len) != NULL) {
		add_error(p, p->line, "line contains a NUL byte");
		return str;
	}
	if (len > (size_t)num - 1) {
		add_error(p, p->line, "line too long (%zu characters, at most "
		    "%d)", len, num - 1);
		return str;
	}
	memcpy(str, s, len);
	str[len] = '\0';
	classify(p, str);
	return str;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char v[CONF_PATH_MAX + 1], err[256];
	size_t len;
	int i;

	if (p->in_unknown)
		return 1;
	if (*section == '\0') {
		add_error(p, p->line, "key '%s' is outside any section", name);
		return 1;
	}
	if ((i = find_key(section, name)) == -1) {
		add_error(p, p->line, "unknown key '%s' in section [%s]", name,
		    section);
		return 1;
	}
	/* Double quotes around a value are dropped: "" is the empty value. */
	len = strlen(value);
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		value++;
		len -= 2;
	}
	if (len >= sizeof(v)) {
		add_error(p, p->line, "%s: value too long", name);
		p->bad[i] = 1;
	} else {
		memcpy(v, value, len);
		v[len] = '\0';
		p->bad[i] = set_value(&keys[i], p->c, v, err, sizeof(err)) != 0;
		if (p->bad[i])
			add_error(p, p->line, "%s: %s", name, err);
	}
	/* A duplicate key is not an error: the last one wins. */
	p->set_line[i] = p->line;
	return 1;
}

/*
 * Line of a rule involving keys a..b of the table: the last of them the
 * file set, since that is where the rule got broken.  -1 when one of them
 * has a bad value, whose error already says enough.
 */
static int
rule_line(const struct parse *p, const char *section, const char *first,
    const char *last)
{
	int a = find_key(section, first), b = find_key(section, last);
	int i, line = 0;

	if (a < 0 || b < 0)
		return -1;
	for (i = a; i <= b; i++) {
		if (p->bad[i])
			return -1;
		if (p->set_line[i] > line)
			line = p->set_line[i];
	}
	return line;
}

_Static_assert(CONF_SECTORS == SECTOR_COUNT, "one contact per sector");

/*
 * A contact goes on the wire to partners: valid UTF-8 without control
 * characters, and a way to reach someone (an e-mail address or a phone
 * number of at least 8 digits).
 */
static void
check_contacts(struct parse *p)
{
	const char *v, *q;
	int s, k, digits;

	for (s = 0; s < SECTOR_COUNT; s++) {
		v = p->c->contacts[s];
		k = find_key("contacts", vocab_name(&vocab_sector, s));
		if (k < 0 || p->bad[k] || p->set_line[k] == 0 || *v == '\0')
			continue;
		for (q = v, digits = 0; *q != '\0'; q++) {
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				break;
			digits += *q >= '0' && *q <= '9';
		}
		if (*q != '\0' || !utf8_valid(v, strlen(v)))
			add_error(p, p->set_line[k], "contacts %s: not UTF-8 "
			    "text without control characters", keys[k].name);
		else if (strchr(v, '@') == NULL && digits < 8)
			add_error(p, p->set_line[k], "contacts %s: give an "
			    "e-mail address or a phone number", keys[k].name);
	}
}

static void
check_rules(struct parse *p)
{
	const struct conf_matching *m = &p->c->matching;
	const struct conf_weights *w = &m->w;
	int line, i;

	check_contacts(p);
	if (m->default_limit > m->max_limit &&
	    (line = rule_line(p, "matching", "default_limit", "max_limit")) >= 0)
		add_error(p, line, "default_limit (%d) is greater than "
		    "max_limit (%d)", m->default_limit, m->max_limit);
	if (m->youth_age_min > m->youth_age_max &&
	    (line = rule_line(p, "matching", "youth_age_min",
	    "youth_age_max")) >= 0)
		add_error(p, line, "youth_age_min (%d) is greater than "
		    "youth_age_max (%d)", m->youth_age_min, m->youth_age_max);
	if (p->c->referral_expire_days <= p->c->referral_stale_days &&
	    (line = rule_line(p, "referrals", "stale_days",
	    "expire_days")) >= 0)
		add_error(p, line, "expire_days (%d) is not greater than "
		    "stale_days (%d)", p->c->referral_expire_days,
		    p->c->referral_stale_days);
	i = w->job | w->experience | w->distance | w->skills | w->level |
	    w->priority | w->fairness | w->barriers;
	if (i == 0 && (line = rule_line(p, "weights", "job", "barriers")) >= 0)
		add_error(p, line, "all weights are 0: no candidate could be "
		    "ranked; make at least one positive");
}

static int
parse_run(struct parse *p)
{
	int r;

	r = ini_parse_stream(reader, p, handler, p);
	if (r == -2)
		add_error(p, 0, "out of memory");
	if (p->read_errno != 0)
		add_error(p, p->line > 0 ? p->line + 1 : 0, "read error: %s",
		    strerror(p->read_errno));
	check_rules(p);
	free(p->getbuf);
	p->getbuf = NULL;
	return p->count;
}

static void
parse_init(struct parse *p, struct conf *c, const char *name,
    struct conf_errors *errs)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->errs = errs;
	p->name = name != NULL ? name : "<string>";
	if (errs != NULL)
		errs->count = 0;
}

void
conf_defaults(struct conf *c)
{
	char err[256];
	size_t i;

	memset(c, 0, sizeof(*c));
	/* Each default is valid: the test suite parses them back. */
	for (i = 0; i < NKEYS; i++)
		(void)set_value(&keys[i], c, keys[i].def, err, sizeof(err));
}

int
conf_load(struct conf *c, const char *path, struct conf_errors *errs)
{
	struct parse p;
	size_t len;
	int r;

	parse_init(&p, c, path, errs);
	len = strlen(path);
	if (len >= sizeof(c->path)) {
		add_error(&p, 0, "path too long");
		return p.count;
	}
	memcpy(c->path, path, len + 1);
	if ((p.fp = fopen(path, "r")) == NULL) {
		add_error(&p, 0, "cannot open: %s", strerror(errno));
		return p.count;
	}
	r = parse_run(&p);
	fclose(p.fp);
	return r;
}

/* Leaves c->path alone: a string was not read from a file. */
int
conf_load_string(struct conf *c, const char *name, const char *text,
    struct conf_errors *errs)
{
	struct parse p;

	parse_init(&p, c, name, errs);
	p.text = text;
	p.textlen = strlen(text);
	return parse_run(&p);
}

/*
 * Quote a string that would not read back as itself bare: empty, with
 * blanks at either end (inih strips them), starting with ';' (an inline
 * comment after "= ") or in quotes already.
 */
static int
needs_quotes(const char *s)
{
	size_t len = strlen(s);

	return len == 0 || isspace((unsigned char)s[0]) || s[0] == ';' ||
	    isspace((unsigned char)s[len - 1]) || s[0] == '"' ||
	    s[len - 1] == '"';
}

static void
dump_value(const struct key *k, const struct conf *c, FILE *fp)
{
	const char *field = (const char *)c + k->offset;
	const struct conf_addr *a;
	uint32_t set;
	int i, n, lvl;

	switch (k->type) {
	case KT_INT:
		fprintf(fp, "%d", *(const int *)(const void *)field);
		break;
	case KT_SIZE:
		fprintf(fp, "%zu", *(const size_t *)(const void *)field);
		break;
	case KT_BOOL:
		fputs(*(const int *)(const void *)field ? "yes" : "no", fp);
		break;
	case KT_STRING:
	case KT_NAME:
	case KT_HOSTS:
		fprintf(fp, needs_quotes(field) ? "\"%.*s\"" : "%.*s",
		    (int)k->size, field);
		break;
	case KT_ADDR:
		a = (const struct conf_addr *)(const void *)field;
		fprintf(fp, strchr(a->host, ':') != NULL ? "[%s]:%d" : "%s:%d",
		    a->host, a->port);
		break;
	case KT_LOGLEVEL:
		lvl = *(const int *)(const void *)field;
		fputs(lvl >= 0 && lvl < (int)(sizeof(loglevels) /
		    sizeof(loglevels[0])) ? loglevels[lvl] : "info", fp);
		break;
	case KT_CRITERIA:
		set = *(const uint32_t *)(const void *)field;
		if (set == 0)
			fputs("\"\"", fp);
		for (i = 0, n = 0; i < vocab_criterion.count; i++)
			if (set & (1u << i))
				fprintf(fp, "%s%s", n++ ? " " : "",
				    vocab_name(&vocab_criterion, i));
		break;
	}
}

void
conf_dump(const struct conf *c, FILE *fp)
{
	const char *section = NULL;
	size_t i;

	fputs("# matcherd configuration: every key with its value\n", fp);
	for (i = 0; i < NKEYS; i++) {
		if (section == NULL || strcmp(section, keys[i].section) != 0) {
			section = keys[i].section;
			fprintf(fp, "\n[%s]\n", section);
		}
		fprintf(fp, "# %s", keys[i].help);
		if (keys[i].type == KT_INT || keys[i].type == KT_SIZE)
			fprintf(fp, " (%lld..%lld)", keys[i].min, keys[i].max);
		else if (keys[i].type == KT_NAME)
			fprintf(fp, " (%lld..%lld characters)", keys[i].min,
			    keys[i].max);
		fprintf(fp, "\n%s = ", keys[i].name);
		dump_value(&keys[i], c, fp);
		fputc('\n', fp);
	}
}

int
conf_key_count(void)
{
	return (int)NKEYS;
}

const char *
conf_key_name(int i, const char **section)
{
	if (i < 0 || i >= (int)NKEYS)
		return NULL;
	if (section != NULL)
		*section = keys[i].section;
	return keys[i].name;
}
