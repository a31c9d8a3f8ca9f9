/*
 * matcherd configuration: one table of keys (config/conf.c) walked by the
 * INI parser, the defaults, the dump and the documentation test.  Parsing
 * fills a fresh struct conf; the caller swaps it in only on success, which
 * is how SIGHUP keeps the old configuration when the new file is bad.
 */
#ifndef CONFIG_CONF_H
#define CONFIG_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_PATH_MAX 1024
#define CONF_HOST_MAX 255
#define CONF_HOSTS_MAX 512
#define CONF_MAX_ERRORS 32

struct conf_addr {
	char		 host[CONF_HOST_MAX + 1];
	int		 port;
};

/* Weights of the soft score components; they need not add up to 100. */
struct conf_weights {
	int		 job;
	int		 experience;
	int		 distance;
	int		 skills;
	int		 level;
	int		 priority;
	int		 fairness;
	int		 barriers;
};

struct conf_matching {
	int		 rome_domain;		/* bool: same 3-char domain ok */
	int		 start_slack_days;
	int		 default_limit;
	int		 max_limit;
	int		 youth_age_min;		/* plateforme_jeunes */
	int		 youth_age_max;
	int		 young_age_max;		/* jeune_peu_qualifie: under */
	int		 low_level_max;		/* jeune_peu_qualifie: level <= */
	int		 senior_age;
	uint32_t	 clause_criteria;	/* default clause eligibility */
	uint32_t	 priority_criteria;	/* raise the priority component */
	int		 fairness_window_days;
	int		 open_referrals_max;
	int		 no_vehicle_distance_pct;	/* distance weight, % */
	struct conf_weights w;
};

enum conf_loglevel { CONF_LOG_ERROR, CONF_LOG_WARN, CONF_LOG_INFO,
	CONF_LOG_DEBUG };

/* The HTTP/JSON API (docs/HTTP.md). */
struct conf_http {
	struct conf_addr listen;
	size_t		 max_body;		/* bytes */
	size_t		 max_headers;		/* bytes */
	int		 max_connections;
	int		 max_connections_per_address;	/* 0: no bound */
	int		 timeout_s;
	int		 request_timeout_s;
	int		 max_streams;		/* Server-Sent Events */
	char		 www_dir[CONF_PATH_MAX];	/* "": compiled-in */
	/* Host names and [v6] literals served, blank-separated. */
	char		 hosts[CONF_HOSTS_MAX];
};

/*
 * [contacts]: per sector (enum sector), whom a partner calls about a
 * referral (proto/PROTOCOL.md, "Who may do what"); "": no contact shown.
 */
#define CONF_SECTORS 4
#define CONF_CONTACT_MAX 160

/* TLS on both listeners (docs/HTTP.md, TLS). */
struct conf_tls {
	char		 cert[CONF_PATH_MAX];	/* PEM chain; "": no TLS */
	char		 key[CONF_PATH_MAX];	/* PEM private key */
	int		 allow_plaintext;	/* plain TCP off loopback */
};

struct conf {
	char		 path[CONF_PATH_MAX];	/* file it was read from */
	struct conf_addr listen;
	int		 max_clients;
	size_t		 max_message;
	size_t		 output_high_water;
	int		 input_budget_mb;	/* over all clients */
	int		 output_budget_mb;
	int		 requests_per_event;
	int		 max_clients_per_address;	/* 0: no bound */
	int		 idle_timeout_s;		/* 0: none */
	int		 message_timeout_s;
	struct conf_http http;
	struct conf_addr redis;
	char		 redis_prefix[64];
	int		 redis_db;
	char		 redis_password[256];
	int		 redis_timeout_ms;
	int		 redis_reconnect_max_ms;
	int		 redis_max_pending;
	int		 redis_max_pending_mb;
	char		 datadir[CONF_PATH_MAX];
	char		 rulesfile[CONF_PATH_MAX];
	char		 auth_users[CONF_PATH_MAX];	/* the users file */
	int		 auth_required;
	char		 contacts[CONF_SECTORS][CONF_CONTACT_MAX + 1];
	struct conf_tls	 tls;
	int		 rgpd_retention_days;
	int		 referral_stale_days;	/* [referrals] */
	int		 referral_expire_days;
	int		 log_level;		/* enum conf_loglevel */
	struct conf_matching matching;
};

/* Every error found in one parse, each as "file:line: message". */
struct conf_errors {
	int		 count;		/* may exceed CONF_MAX_ERRORS */
	char		 msg[CONF_MAX_ERRORS][320];
};

/* Fill c with the built-in defaults (those documented in matcherd.conf). */
void	conf_defaults(struct conf *c);

/*
 * Parse an INI file into c, which should hold the defaults first.  Returns
 * 0, or the number of errors (all collected in errs).  A missing file is
 * one error.  Unknown sections and keys are errors.
 */
int	conf_load(struct conf *c, const char *path, struct conf_errors *errs);
/* Same, from a string; name is used in messages. */
int	conf_load_string(struct conf *c, const char *name, const char *text,
	    struct conf_errors *errs);

/* Parse "host:port" (or "[v6]:port"); 0 or -1. */
int	conf_parse_addr(const char *s, struct conf_addr *out);

/* Print the configuration as an INI file with every key. */
void	conf_dump(const struct conf *c, FILE *fp);

/* Each key of the table as "section.name", for the documentation test. */
int	conf_key_count(void);
const char *conf_key_name(int i, const char **section);

#endif
