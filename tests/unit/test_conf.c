/*
 * Tests of the configuration parser (config/conf.c): the defaults, the
 * shipped config/matcherd.conf (it must parse cleanly, set exactly the
 * defaults and document every key), each value type, error reporting with
 * line numbers, the cross-field rules and the dump round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "domain.h"
#include "proto.h"

#define SHIPPED MATCHERD_SOURCE_DIR "/config/matcherd.conf"
#define CRIT(x) (1u << CRITERION_##x)

/* Parse text over the defaults; return the error count. */
static int
load(struct conf *c, struct conf_errors *e, const char *text)
{
	conf_defaults(c);
	return conf_load_string(c, "t.conf", text, e);
}

/* The single key line "[section]\nline\n" must be rejected, once. */
static void
expect_bad(const char *section, const char *line, const char *want)
{
	struct conf c;
	struct conf_errors e;
	char text[1024];
	int n;

	snprintf(text, sizeof(text), "[%s]\n%s\n", section, line);
	n = load(&c, &e, text);
	if (n != 1 || e.count != 1 || strstr(e.msg[0], want) == NULL)
		fail_msg("'%s': %d errors, first '%s', expected '%s'", line,
		    n, n > 0 ? e.msg[0] : "", want);
	if (strncmp(e.msg[0], "t.conf:2: ", 10) != 0)
		fail_msg("'%s': bad location in '%s'", line, e.msg[0]);
}

/* The key line must be accepted and leave c as parsed. */
static void
expect_good(struct conf *c, const char *section, const char *line)
{
	struct conf_errors e;
	char text[1024];
	int n;

	snprintf(text, sizeof(text), "[%s]\n%s\n", section, line);
	n = load(c, &e, text);
	if (n != 0)
		fail_msg("'%s': %d errors, first '%s'", line, n, e.msg[0]);
}

static char *
dump_string(const struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	conf_dump(c, fp);
	fclose(fp);
	return buf;
}

/* Every field but path, which says where a conf came from. */
static void
assert_conf_equal(const struct conf *a, const struct conf *b)
{
	const struct conf_matching *x = &a->matching, *y = &b->matching;
	char *da, *db;

	assert_string_equal(a->listen.host, b->listen.host);
	assert_int_equal(a->listen.port, b->listen.port);
	assert_int_equal(a->max_clients, b->max_clients);
	assert_int_equal(a->max_message, b->max_message);
	assert_int_equal(a->output_high_water, b->output_high_water);
	assert_int_equal(a->requests_per_event, b->requests_per_event);
	assert_string_equal(a->redis.host, b->redis.host);
	assert_int_equal(a->redis.port, b->redis.port);
	assert_string_equal(a->redis_prefix, b->redis_prefix);
	assert_int_equal(a->redis_db, b->redis_db);
	assert_string_equal(a->redis_password, b->redis_password);
	assert_int_equal(a->redis_timeout_ms, b->redis_timeout_ms);
	assert_int_equal(a->redis_reconnect_max_ms, b->redis_reconnect_max_ms);
	assert_string_equal(a->datadir, b->datadir);
	assert_int_equal(a->log_level, b->log_level);
	assert_int_equal(x->rome_domain, y->rome_domain);
	assert_int_equal(x->start_slack_days, y->start_slack_days);
	assert_int_equal(x->default_limit, y->default_limit);
	assert_int_equal(x->max_limit, y->max_limit);
	assert_int_equal(x->youth_age_min, y->youth_age_min);
	assert_int_equal(x->youth_age_max, y->youth_age_max);
	assert_int_equal(x->young_age_max, y->young_age_max);
	assert_int_equal(x->low_level_max, y->low_level_max);
	assert_int_equal(x->senior_age, y->senior_age);
	assert_int_equal(x->clause_criteria, y->clause_criteria);
	assert_int_equal(x->priority_criteria, y->priority_criteria);
	assert_int_equal(x->fairness_window_days, y->fairness_window_days);
	assert_int_equal(x->open_referrals_max, y->open_referrals_max);
	assert_int_equal(x->no_vehicle_distance_pct,
	    y->no_vehicle_distance_pct);
	assert_memory_equal(&x->w, &y->w, sizeof(x->w));
	/* The dump covers every key of the table, including future ones. */
	da = dump_string(a);
	db = dump_string(b);
	assert_string_equal(da, db);
	free(da);
	free(db);
}

static void
test_defaults(void **state)
{
	struct conf c;
	const struct conf_matching *m = &c.matching;

	memset(&c, 0x5a, sizeof(c));
	conf_defaults(&c);
	assert_string_equal(c.path, "");
	assert_string_equal(c.listen.host, "127.0.0.1");
	assert_int_equal(c.listen.port, PROTO_DEFAULT_PORT);
	assert_int_equal(c.max_clients, 1024);
	assert_int_equal(c.max_message, PROTO_MAX_MESSAGE_DEFAULT);
	assert_int_equal(c.output_high_water, 8388608);
	assert_int_equal(c.requests_per_event, 64);
	assert_string_equal(c.redis.host, "127.0.0.1");
	assert_int_equal(c.redis.port, 6379);
	assert_string_equal(c.redis_prefix, "matcherd");
	assert_int_equal(c.redis_db, 0);
	assert_string_equal(c.redis_password, "");
	assert_int_equal(c.redis_timeout_ms, 2000);
	assert_int_equal(c.redis_reconnect_max_ms, 5000);
	assert_string_equal(c.datadir, "");
	assert_int_equal(c.log_level, CONF_LOG_INFO);
	assert_int_equal(m->rome_domain, 1);
	assert_int_equal(m->start_slack_days, 14);
	assert_int_equal(m->default_limit, PROTO_LIMIT_DEFAULT);
	assert_int_equal(m->max_limit, PROTO_LIMIT_MAX);
	assert_int_equal(m->youth_age_min, 16);
	assert_int_equal(m->youth_age_max, 25);
	assert_int_equal(m->young_age_max, 25);
	assert_int_equal(m->low_level_max, 3);
	assert_int_equal(m->senior_age, 50);
	assert_int_equal(m->clause_criteria, CRIT(RSA) | CRIT(ASS) |
	    CRIT(AAH) | CRIT(DELD) | CRIT(DETLD) | CRIT(TH) | CRIT(QPV) |
	    CRIT(JEUNE_PEU_QUALIFIE) | CRIT(SENIOR));
	assert_int_equal(m->priority_criteria, CRIT(DELD) | CRIT(DETLD) |
	    CRIT(RSA) | CRIT(QPV) | CRIT(TH));
	assert_int_equal(m->fairness_window_days, 30);
	assert_int_equal(m->open_referrals_max, 3);
	assert_int_equal(m->no_vehicle_distance_pct, 150);
	assert_int_equal(m->w.job, 25);
	assert_int_equal(m->w.experience, 15);
	assert_int_equal(m->w.distance, 20);
	assert_int_equal(m->w.skills, 10);
	assert_int_equal(m->w.level, 5);
	assert_int_equal(m->w.priority, 10);
	assert_int_equal(m->w.fairness, 10);
	assert_int_equal(m->w.barriers, 5);
}

/* An empty file changes nothing and is not an error. */
static void
test_empty(void **state)
{
	struct conf c, d;
	struct conf_errors e;

	conf_defaults(&d);
	assert_int_equal(load(&c, &e, ""), 0);
	assert_int_equal(e.count, 0);
	assert_conf_equal(&c, &d);
	assert_int_equal(load(&c, &e, "# only a comment\n\n; another\n"), 0);
	assert_conf_equal(&c, &d);
}

static void
test_shipped_file_is_defaults(void **state)
{
	struct conf c, d;
	struct conf_errors e;
	int n;

	conf_defaults(&d);
	conf_defaults(&c);
	n = conf_load(&c, SHIPPED, &e);
	if (n != 0)
		fail_msg("%d errors, first: %s", n, e.msg[0]);
	assert_int_equal(e.count, 0);
	assert_string_equal(c.path, SHIPPED);
	assert_conf_equal(&c, &d);
}

/*
 * Every key of the table is set, exactly once, in its section of the
 * shipped file, right under a comment: the documentation cannot drift
 * from the code.
 */
static void
test_shipped_file_documents_every_key(void **state)
{
	char section[64] = "", line[512], key[128], *s, *end;
	char seen[256][192];
	int nseen = 0, i, j, count, prev_comment = 0;
	const char *sec, *name;
	FILE *fp;

	fp = fopen(SHIPPED, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		for (s = line; *s == ' ' || *s == '\t'; s++)
			continue;
		s[strcspn(s, "\r\n")] = '\0';
		if (*s == '#' || *s == ';') {
			prev_comment = 1;
			continue;
		}
		if (*s == '\0') {
			prev_comment = 0;
			continue;
		}
		if (*s == '[') {
			end = strchr(s, ']');
			assert_non_null(end);
			snprintf(section, sizeof(section), "%.*s",
			    (int)(end - s - 1), s + 1);
			prev_comment = 0;
			continue;
		}
		end = strchr(s, '=');
		assert_non_null(end);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		snprintf(key, sizeof(key), "%.*s", (int)(end - s), s);
		/*
		 * The line above is a comment, or a key of the same group,
		 * which shares the comment above the group.
		 */
		if (!prev_comment)
			fail_msg("%s.%s has no comment above it", section, key);
		assert_true(nseen < 256);
		snprintf(seen[nseen++], sizeof(seen[0]), "%s.%s", section, key);
	}
	fclose(fp);

	assert_true(conf_key_count() > 0);
	for (i = 0; i < conf_key_count(); i++) {
		name = conf_key_name(i, &sec);
		assert_non_null(name);
		snprintf(key, sizeof(key), "%s.%s", sec, name);
		for (j = 0, count = 0; j < nseen; j++)
			if (strcmp(seen[j], key) == 0)
				count++;
		if (count != 1)
			fail_msg("%s appears %d times in %s", key, count,
			    SHIPPED);
	}
	assert_int_equal(nseen, conf_key_count());
}

static void
test_key_table(void **state)
{
	const char *sec, *sec2, *name, *name2;
	int i, j;

	assert_null(conf_key_name(-1, &sec));
	assert_null(conf_key_name(conf_key_count(), &sec));
	assert_string_equal(conf_key_name(0, NULL), "listen");
	for (i = 0; i < conf_key_count(); i++) {
		name = conf_key_name(i, &sec);
		for (j = i + 1; j < conf_key_count(); j++) {
			name2 = conf_key_name(j, &sec2);
			assert_false(strcmp(sec, sec2) == 0 &&
			    strcmp(name, name2) == 0);
		}
	}
}

static void
test_int(void **state)
{
	static const struct {
		const char	*line;
		int		 want;
	} good[] = {
		{ "max_clients = 1", 1 },
		{ "max_clients = 100000", 100000 },
		{ "max_clients=77", 77 },
		{ "max_clients = \"78\"", 78 },
		{ "max_clients : 79", 79 },
	};
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		expect_good(&c, "server", good[i].line);
		assert_int_equal(c.max_clients, good[i].want);
	}
	expect_good(&c, "redis", "db = 0");
	assert_int_equal(c.redis_db, 0);
	expect_good(&c, "weights", "job = 1000");
	assert_int_equal(c.matching.w.job, 1000);

	expect_bad("server", "max_clients = 0",
	    "max_clients: 0 is out of range 1..100000");
	expect_bad("server", "max_clients = 100001",
	    "max_clients: 100001 is out of range 1..100000");
	expect_bad("server", "max_clients = -5",
	    "max_clients: -5 is out of range 1..100000");
	expect_bad("server", "max_clients = 99999999999999999999999",
	    "max_clients: 99999999999999999999999 is out of range");
	expect_bad("server", "max_clients = abc",
	    "max_clients: 'abc' is not an integer");
	expect_bad("server", "max_clients = 12x", "'12x' is not an integer");
	expect_bad("server", "max_clients = 1.5", "'1.5' is not an integer");
	expect_bad("server", "max_clients =", "'' is not an integer");
	expect_bad("server", "max_clients = \" 5\"", "is not an integer");
	expect_bad("redis", "db = 16", "db: 16 is out of range 0..15");
	expect_bad("redis", "timeout_ms = 9", "out of range 10..60000");
	expect_bad("redis", "reconnect_max_ms = 600001",
	    "out of range 100..600000");
	expect_bad("matching", "max_limit = 201", "out of range 1..200");
	expect_bad("matching", "youth_age_min = 13", "out of range 14..99");
	expect_bad("matching", "low_level_max = 9", "out of range 0..8");
	expect_bad("matching", "no_vehicle_distance_pct = 99",
	    "out of range 100..500");
	expect_bad("weights", "barriers = 1001", "out of range 0..1000");
}

static void
test_size(void **state)
{
	struct conf c;

	expect_good(&c, "server", "max_message = 1024");
	assert_int_equal(c.max_message, 1024);
	expect_good(&c, "server", "max_message = 67108864");
	assert_int_equal(c.max_message, 67108864);
	expect_good(&c, "server", "output_high_water = 1073741824");
	assert_int_equal(c.output_high_water, 1073741824);

	expect_bad("server", "max_message = 1023",
	    "max_message: 1023 is out of range 1024..67108864");
	expect_bad("server", "max_message = 67108865", "out of range");
	expect_bad("server", "max_message = 1m",
	    "max_message: '1m' is not a number of bytes");
	expect_bad("server", "max_message = -1", "'-1' is not a number");
	expect_bad("server", "max_message = 99999999999999999999999",
	    "out of range");
	expect_bad("server", "output_high_water = 65535",
	    "output_high_water: 65535 is out of range 65536..1073741824");
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES",
	    "True" };
	static const char *const no[] = { "no", "false", "off", "0", "No",
	    "OFF" };
	struct conf c;
	char line[64];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(line, sizeof(line), "rome_domain = %s", no[i]);
		expect_good(&c, "matching", line);
		assert_int_equal(c.matching.rome_domain, 0);
		snprintf(line, sizeof(line), "rome_domain = %s", yes[i]);
		expect_good(&c, "matching", line);
		assert_int_equal(c.matching.rome_domain, 1);
	}
	expect_bad("matching", "rome_domain = maybe",
	    "rome_domain: 'maybe' is not a boolean");
	expect_bad("matching", "rome_domain = 2", "is not a boolean");
	expect_bad("matching", "rome_domain =", "is not a boolean");
}

static void
test_string(void **state)
{
	static const struct {
		const char	*line;
		const char	*want;
	} passwords[] = {
		{ "password = s3cret", "s3cret" },
		{ "password = \"two words\"", "two words" },
		{ "password = \" padded \"", " padded " },
		{ "password = \"\"", "" },
		{ "password =", "" },
		{ "password = a#b", "a#b" },
		{ "password = a;b", "a;b" },
		/* A ';' after a blank starts a comment. */
		{ "password = ab ; comment", "ab" },
	};
	struct conf c;
	char line[400];
	size_t i;

	for (i = 0; i < sizeof(passwords) / sizeof(passwords[0]); i++) {
		expect_good(&c, "redis", passwords[i].line);
		assert_string_equal(c.redis_password, passwords[i].want);
	}
	expect_good(&c, "data", "dir = /var/lib/matcherd");
	assert_string_equal(c.datadir, "/var/lib/matcherd");

	/* Longer than a line can hold: refused, never truncated. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "password = ", 11);
	line[300] = '\0';
	expect_bad("redis", line, "too long");

	expect_good(&c, "redis", "prefix = mat-cher_d2");
	assert_string_equal(c.redis_prefix, "mat-cher_d2");
	memset(line, 'p', sizeof(line));
	memcpy(line, "prefix = ", 9);
	line[9 + 63] = '\0';
	expect_good(&c, "redis", line);
	assert_int_equal(strlen(c.redis_prefix), 63);
	line[9 + 63] = 'p';
	line[9 + 64] = '\0';
	expect_bad("redis", line, "has 64 characters, not 1..63");
	expect_bad("redis", "prefix = \"\"",
	    "prefix: '' has 0 characters, not 1..63");
	expect_bad("redis", "prefix = a:b",
	    "prefix: 'a:b' may only contain letters, digits, '_' and '-'");
	expect_bad("redis", "prefix = \"a b\"", "may only contain");
}

/* [http] hosts: names and [v6] literals, each as Host has it portless. */
static void
test_hosts(void **state)
{
	struct conf c;
	char line[400];

	conf_defaults(&c);
	assert_string_equal(c.http.hosts, "localhost 127.0.0.1 [::1]");
	expect_good(&c, "http", "hosts = matcher.example  10.0.0.7\t[fe80::1]");
	assert_string_equal(c.http.hosts, "matcher.example  10.0.0.7\t[fe80::1]");
	expect_good(&c, "http", "hosts = \"\"");
	assert_string_equal(c.http.hosts, "");
	expect_bad("http", "hosts = localhost:7421",
	    "'localhost:7421': a host is written without its port");
	expect_bad("http", "hosts = ::1", "without its port");
	expect_bad("http", "hosts = [::1", "'[::1' is not an IPv6 address");
	expect_bad("http", "hosts = [127.0.0.1]", "is not an IPv6 address");
	expect_bad("http", "hosts = []", "is not an IPv6 address");
	expect_bad("http", "hosts = a b/c", "invalid character in host 'b/c'");
	expect_bad("http", "hosts = *", "invalid character");
	memset(line, 'h', sizeof(line));
	memcpy(line, "hosts = ", 8);
	line[8 + 256] = '\0';
	expect_bad("http", line, "too long");
}

static void
test_loglevel(void **state)
{
	static const struct {
		const char	*line;
		int		 want;
	} levels[] = {
		{ "level = error", CONF_LOG_ERROR },
		{ "level = warn", CONF_LOG_WARN },
		{ "level = info", CONF_LOG_INFO },
		{ "level = debug", CONF_LOG_DEBUG },
	};
	struct conf c;
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		expect_good(&c, "log", levels[i].line);
		assert_int_equal(c.log_level, levels[i].want);
	}
	expect_bad("log", "level = verbose",
	    "level: 'verbose' is not a log level");
	expect_bad("log", "level = 3", "is not a log level");
}

static void
test_criteria(void **state)
{
	struct conf c;

	expect_good(&c, "matching", "clause_criteria = rsa");
	assert_int_equal(c.matching.clause_criteria, CRIT(RSA));
	expect_good(&c, "matching", "clause_criteria = rsa,ass");
	assert_int_equal(c.matching.clause_criteria, CRIT(RSA) | CRIT(ASS));
	expect_good(&c, "matching",
	    "clause_criteria = \"senior , th,,  plie\tsiae\"");
	assert_int_equal(c.matching.clause_criteria, CRIT(SENIOR) |
	    CRIT(TH) | CRIT(PLIE) | CRIT(SIAE));
	expect_good(&c, "matching", "priority_criteria = rsa rsa");
	assert_int_equal(c.matching.priority_criteria, CRIT(RSA));
	expect_good(&c, "matching", "priority_criteria = \"\"");
	assert_int_equal(c.matching.priority_criteria, 0);
	expect_good(&c, "matching", "priority_criteria =");
	assert_int_equal(c.matching.priority_criteria, 0);

	expect_bad("matching", "clause_criteria = rsa chomeur th",
	    "clause_criteria: unknown criterion 'chomeur'");
	expect_bad("matching", "priority_criteria = RSA",
	    "unknown criterion 'RSA'");
	expect_bad("matching", "priority_criteria = rsa;ass",
	    "unknown criterion 'rsa;ass'");
}

static void
test_addr(void **state)
{
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1:99999999999", "127.0.0.1:-1", "127.0.0.1:+1",
		"127.0.0.1:http", "127.0.0.1:74 20", ":7420", "::1:7420",
		"[::1]7420", "[::1]", "[::1:7420", "[]:7420", "[zz]:7420",
		"[127.0.0.1]:7420", "bad host:7420", "a/b:1", "",
	};
	struct conf_addr a, keep;
	struct conf c;
	char host[300];
	size_t i;

	assert_int_equal(conf_parse_addr("127.0.0.1:7420", &a), 0);
	assert_string_equal(a.host, "127.0.0.1");
	assert_int_equal(a.port, 7420);
	assert_int_equal(conf_parse_addr("localhost:6379", &a), 0);
	assert_string_equal(a.host, "localhost");
	assert_int_equal(a.port, 6379);
	assert_int_equal(conf_parse_addr("[::1]:7420", &a), 0);
	assert_string_equal(a.host, "::1");
	assert_int_equal(a.port, 7420);
	assert_int_equal(conf_parse_addr("[2001:db8::42]:1", &a), 0);
	assert_string_equal(a.host, "2001:db8::42");
	assert_int_equal(a.port, 1);
	assert_int_equal(conf_parse_addr("[::]:65535", &a), 0);
	assert_int_equal(a.port, 65535);
	assert_int_equal(conf_parse_addr("redis-1.example_net:1", &a), 0);

	memset(host, 'h', sizeof(host));
	snprintf(host + CONF_HOST_MAX, sizeof(host) - CONF_HOST_MAX, ":1");
	assert_int_equal(conf_parse_addr(host, &a), 0);
	assert_int_equal(strlen(a.host), CONF_HOST_MAX);
	memset(host, 'h', sizeof(host));
	snprintf(host + CONF_HOST_MAX + 1, sizeof(host) - CONF_HOST_MAX - 1,
	    ":1");
	assert_int_equal(conf_parse_addr(host, &a), -1);

	/* A failed parse leaves the destination alone. */
	assert_int_equal(conf_parse_addr("10.0.0.1:5", &keep), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = keep;
		if (conf_parse_addr(bad[i], &a) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_memory_equal(&a, &keep, sizeof(a));
	}

	expect_good(&c, "server", "listen = [::1]:7421");
	assert_string_equal(c.listen.host, "::1");
	assert_int_equal(c.listen.port, 7421);
	expect_good(&c, "redis", "address = redis.local:6380");
	assert_string_equal(c.redis.host, "redis.local");
	assert_int_equal(c.redis.port, 6380);
	expect_bad("server", "listen = 127.0.0.1:0",
	    "listen: '127.0.0.1:0': port out of range 1..65535");
	expect_bad("server", "listen = ::1:7420", "in brackets");
	expect_bad("redis", "address = localhost", "address: 'localhost': "
	    "missing ':port'");
}

static void
test_unknown_key_and_section(void **state)
{
	struct conf c;
	struct conf_errors e;

	assert_int_equal(load(&c, &e, "[server]\nlisen = 1.2.3.4:5\n"), 1);
	assert_string_equal(e.msg[0],
	    "t.conf:2: unknown key 'lisen' in section [server]");

	/* A key of another section is unknown here. */
	assert_int_equal(load(&c, &e, "[redis]\nmax_clients = 5\n"), 1);
	assert_string_equal(e.msg[0],
	    "t.conf:2: unknown key 'max_clients' in section [redis]");

	/* One error for an unknown section, not one per key in it. */
	assert_int_equal(load(&c, &e,
	    "# x\n[sever]\nlisten = 1.2.3.4:5\nmax_clients = 5\n"
	    "[server]\nmax_clients = 6\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:2: unknown section [sever]");
	assert_int_equal(c.max_clients, 6);
	assert_string_equal(c.listen.host, "127.0.0.1");

	/* Section names are case-sensitive. */
	assert_int_equal(load(&c, &e, "[Server]\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:1: unknown section [Server]");

	assert_int_equal(load(&c, &e, "max_clients = 5\n"), 1);
	assert_string_equal(e.msg[0],
	    "t.conf:1: key 'max_clients' is outside any section");
}

static void
test_syntax(void **state)
{
	struct conf c;
	struct conf_errors e;

	assert_int_equal(load(&c, &e, "[server\n"), 1);
	assert_string_equal(e.msg[0],
	    "t.conf:1: missing ']' in section header");
	assert_int_equal(load(&c, &e, "[server] junk\n"), 1);
	assert_string_equal(e.msg[0],
	    "t.conf:1: unexpected text after section header");
	assert_int_equal(load(&c, &e, "[server] ; comment\n"), 0);
	assert_int_equal(load(&c, &e, "[server]\nmax_clients 5\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:2: syntax error: expected "
	    "'key = value', '[section]' or a comment");

	/* An indented line is an ordinary line, never a continuation. */
	assert_int_equal(load(&c, &e,
	    "[server]\nmax_clients = 5\n   max_clients = 7\n"), 0);
	assert_int_equal(c.max_clients, 7);
	assert_int_equal(load(&c, &e,
	    "[matching]\nclause_criteria = rsa\n    ass\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:3: syntax error: expected "
	    "'key = value', '[section]' or a comment");
	assert_int_equal(c.matching.clause_criteria, CRIT(RSA));

	/* CRLF line ends, a UTF-8 byte order mark, tabs. */
	assert_int_equal(load(&c, &e, "\xEF\xBB\xBF[server]\r\n"
	    "\tmax_clients\t=\t9\r\n"), 0);
	assert_int_equal(c.max_clients, 9);
	/* No newline at the end of the last line. */
	assert_int_equal(load(&c, &e, "[server]\nmax_clients = 10"), 0);
	assert_int_equal(c.max_clients, 10);
}

static void
test_duplicate_last_wins(void **state)
{
	struct conf c;
	struct conf_errors e;

	assert_int_equal(load(&c, &e, "[server]\nmax_clients = 5\n"
	    "[redis]\ndb = 3\n[server]\nmax_clients = 6\n"), 0);
	assert_int_equal(c.max_clients, 6);
	assert_int_equal(c.redis_db, 3);
}

static void
test_errors_with_lines(void **state)
{
	struct conf c;
	struct conf_errors e;
	const char *text =
	    "# line 1\n"
	    "[server]\n"
	    "lisen = 127.0.0.1:7420\n"			/* 3 */
	    "max_clients = 0\n"				/* 4 */
	    "max_message = 2048\n"
	    "\n"
	    "[redis]\n"
	    "db = sixteen\n"				/* 8 */
	    "address = localhost:99999\n"		/* 9 */
	    "[nope]\n"					/* 10 */
	    "anything = at all\n"
	    "[matching]\n"
	    "clause_criteria = rsa, foo\n"		/* 13 */
	    "no equals sign here\n"			/* 14 */
	    "rome_domain = yes\n";

	assert_int_equal(load(&c, &e, text), 7);
	assert_int_equal(e.count, 7);
	assert_string_equal(e.msg[0],
	    "t.conf:3: unknown key 'lisen' in section [server]");
	assert_string_equal(e.msg[1],
	    "t.conf:4: max_clients: 0 is out of range 1..100000");
	assert_string_equal(e.msg[2],
	    "t.conf:8: db: 'sixteen' is not an integer");
	assert_string_equal(e.msg[3], "t.conf:9: address: "
	    "'localhost:99999': port out of range 1..65535");
	assert_string_equal(e.msg[4], "t.conf:10: unknown section [nope]");
	assert_string_equal(e.msg[5],
	    "t.conf:13: clause_criteria: unknown criterion 'foo'");
	assert_string_equal(e.msg[6], "t.conf:14: syntax error: expected "
	    "'key = value', '[section]' or a comment");
	/* The good values around the errors were still read. */
	assert_int_equal(c.max_message, 2048);
	assert_int_equal(c.max_clients, 1024);
}

/* Every error is counted; only the first CONF_MAX_ERRORS are kept. */
static void
test_many_errors(void **state)
{
	struct conf c;
	struct conf_errors e;
	char text[8192], *p = text;
	int i, n = CONF_MAX_ERRORS + 10;

	p += sprintf(p, "[server]\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "max_clients = %d\n", -i);
	assert_int_equal(load(&c, &e, text), n);
	assert_int_equal(e.count, n);
	assert_string_equal(e.msg[0],
	    "t.conf:2: max_clients: 0 is out of range 1..100000");
	assert_string_equal(e.msg[CONF_MAX_ERRORS - 1], "t.conf:33: "
	    "max_clients: -31 is out of range 1..100000");

	/* A NULL error list still gets the count. */
	conf_defaults(&c);
	assert_int_equal(conf_load_string(&c, NULL, text, NULL), n);
}

static void
test_cross_field(void **state)
{
	struct conf c;
	struct conf_errors e;

	assert_int_equal(load(&c, &e,
	    "[matching]\ndefault_limit = 150\nmax_limit = 100\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:3: default_limit (150) is "
	    "greater than max_limit (100)");
	assert_int_equal(load(&c, &e, "[matching]\ndefault_limit = 200\n"), 0);
	assert_int_equal(load(&c, &e, "[matching]\n\ndefault_limit = 201\n"
	    "max_limit = 100\n"), 1);	/* range error only */
	assert_int_equal(load(&c, &e, "[matching]\nmax_limit = 10\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:2: default_limit (20) is "
	    "greater than max_limit (10)");

	assert_int_equal(load(&c, &e, "[matching]\nyouth_age_max = 20\n"
	    "\nyouth_age_min = 21\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:4: youth_age_min (21) is "
	    "greater than youth_age_max (20)");
	assert_int_equal(load(&c, &e, "[matching]\nyouth_age_max = 16\n"), 0);

	/* A referral expires after it goes stale, not before. */
	assert_int_equal(load(&c, &e, "[referrals]\nstale_days = 60\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:2: expire_days (60) is not "
	    "greater than stale_days (60)");
	assert_int_equal(load(&c, &e, "[referrals]\nexpire_days = 20\n"
	    "stale_days = 10\n"), 0);
	assert_int_equal(c.referral_expire_days, 20);
	assert_int_equal(c.referral_stale_days, 10);
	assert_int_equal(load(&c, &e, "[referrals]\nexpire_days = 3651\n"), 1);
	assert_int_equal(load(&c, &e, "[referrals]\nstale_days = 0\n"), 1);

	assert_int_equal(load(&c, &e, "[weights]\njob = 0\nexperience = 0\n"
	    "distance = 0\nskills = 0\nlevel = 0\npriority = 0\n"
	    "fairness = 0\nbarriers = 0\n"), 1);
	assert_string_equal(e.msg[0], "t.conf:9: all weights are 0: no "
	    "candidate could be ranked; make at least one positive");
	assert_int_equal(load(&c, &e, "[weights]\njob = 0\nexperience = 0\n"
	    "distance = 0\nskills = 0\nlevel = 0\npriority = 0\n"
	    "fairness = 1\nbarriers = 0\n"), 0);
}

static void
test_missing_file(void **state)
{
	struct conf c;
	struct conf_errors e;

	conf_defaults(&c);
	assert_int_equal(conf_load(&c, "/nonexistent/matcherd.conf", &e), 1);
	assert_int_equal(e.count, 1);
	assert_string_equal(e.msg[0], "/nonexistent/matcherd.conf: cannot "
	    "open: No such file or directory");
	assert_string_equal(c.path, "/nonexistent/matcherd.conf");
}

static void
test_dump_round_trip(void **state)
{
	struct conf a, b;
	struct conf_errors e;
	char *text;
	int n;

	/* The defaults. */
	conf_defaults(&a);
	text = dump_string(&a);
	conf_defaults(&b);
	b.max_clients = 1;	/* the dump must set it back */
	n = conf_load_string(&b, "dump", text, &e);
	if (n != 0)
		fail_msg("%d errors, first %s", n, e.msg[0]);
	assert_conf_equal(&a, &b);
	free(text);

	/* Something other than the defaults for every type. */
	n = load(&a, &e,
	    "[server]\nlisten = [::1]:9000\nmax_clients = 7\n"
	    "max_message = 4096\noutput_high_water = 65536\n"
	    "requests_per_event = 1\n"
	    "[redis]\naddress = redis.example.org:6380\nprefix = m-2\n"
	    "db = 15\npassword = \" with blanks \"\ntimeout_ms = 10\n"
	    "reconnect_max_ms = 600000\n"
	    "[data]\ndir = \"/srv/matcher data\"\n"
	    "[log]\nlevel = debug\n"
	    "[matching]\nrome_domain = off\nstart_slack_days = 0\n"
	    "default_limit = 1\nmax_limit = 1\nyouth_age_min = 14\n"
	    "youth_age_max = 14\nyoung_age_max = 99\nlow_level_max = 0\n"
	    "senior_age = 99\nclause_criteria = \"\"\n"
	    "priority_criteria = senior,rsa\nfairness_window_days = 3650\n"
	    "open_referrals_max = 100\nno_vehicle_distance_pct = 500\n"
	    "[weights]\njob = 0\nexperience = 1\ndistance = 2\nskills = 3\n"
	    "level = 4\npriority = 5\nfairness = 6\nbarriers = 1000\n");
	if (n != 0)
		fail_msg("%d errors, first %s", n, e.msg[0]);
	assert_string_equal(a.redis_password, " with blanks ");
	text = dump_string(&a);
	assert_non_null(strstr(text, "\nlisten = [::1]:9000\n"));
	assert_non_null(strstr(text, "\npassword = \" with blanks \"\n"));
	assert_non_null(strstr(text, "\nclause_criteria = \"\"\n"));
	assert_non_null(strstr(text, "\npriority_criteria = rsa senior\n"));
	assert_non_null(strstr(text, "\nrome_domain = no\n"));
	conf_defaults(&b);
	n = conf_load_string(&b, "dump", text, &e);
	if (n != 0)
		fail_msg("%d errors, first %s", n, e.msg[0]);
	assert_conf_equal(&a, &b);
	free(text);

	/* Strings that need quotes to read back as themselves. */
	n = load(&a, &e, "[redis]\npassword = \"\"quoted\"\"\n"
	    "[data]\ndir = \";x\"\n");
	assert_int_equal(n, 0);
	assert_string_equal(a.redis_password, "\"quoted\"");
	assert_string_equal(a.datadir, ";x");
	text = dump_string(&a);
	conf_defaults(&b);
	assert_int_equal(conf_load_string(&b, "dump", text, &e), 0);
	assert_conf_equal(&a, &b);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_shipped_file_is_defaults),
		cmocka_unit_test(test_shipped_file_documents_every_key),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_loglevel),
		cmocka_unit_test(test_criteria),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_unknown_key_and_section),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_duplicate_last_wins),
		cmocka_unit_test(test_errors_with_lines),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_cross_field),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_dump_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
