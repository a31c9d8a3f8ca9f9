/*
 * matcherd: start-up, signals, shutdown (relayd main).
 *
 *   matcherd [-c FILE] [-n] [-d] [--listen HOST:PORT] [--redis HOST:PORT]
 *            [--http HOST:PORT] [--users FILE]
 */
#include <sys/resource.h>

#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clause.h"
#include "conf.h"
#include "conn.h"
#include "follows.h"
#include "notify.h"
#include "http.h"
#include "labelled.h"
#include "index.h"
#include "log.h"
#include "matcherd.h"
#include "offer_table.h"
#include "paths.h"
#include "rebuild.h"
#include "referral_sweep.h"
#include "retention.h"
#include "rgpd.h"
#include "referral.h"
#include "refdata.h"
#include "rules.h"
#include "sdnotify.h"
#include "server.h"
#include "store.h"
#include "tls.h"
#include "users.h"
#include "xmalloc.h"

/* How long start-up waits for Redis before giving up. */
#define REDIS_WAIT_S 30

struct overrides {
	const char	*listen;
	const char	*redis;
	const char	*http;
	const char	*users;
	int		 debug;
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: matcherd [-c FILE] [-n] [-d] "
	    "[--listen HOST:PORT] [--redis HOST:PORT] [--http HOST:PORT] "
	    "[--users FILE]\n");
	exit(64);
}

/*
 * Read the configuration into a fresh struct and apply the command-line
 * overrides.  Returns NULL after printing every error.  A missing default
 * file means built-in defaults; a missing named file is an error.
 */
static struct conf *
load_conf(const char *path, int explicit, const struct overrides *ov)
{
	struct conf_errors errs;
	struct conf *c;
	int i, nerr = 0;

	c = xcalloc(1, sizeof(*c));
	conf_defaults(c);
	if (explicit || access(path, F_OK) == 0)
		nerr = conf_load(c, path, &errs);
	if (nerr == 0 && ov->listen != NULL &&
	    conf_parse_addr(ov->listen, &c->listen) == -1) {
		fprintf(stderr, "--listen %s: expected HOST:PORT\n",
		    ov->listen);
		nerr = -1;
	}
	if (nerr == 0 && ov->redis != NULL &&
	    conf_parse_addr(ov->redis, &c->redis) == -1) {
		fprintf(stderr, "--redis %s: expected HOST:PORT\n", ov->redis);
		nerr = -1;
	}
	if (nerr == 0 && ov->http != NULL &&
	    conf_parse_addr(ov->http, &c->http.listen) == -1) {
		fprintf(stderr, "--http %s: expected HOST:PORT\n", ov->http);
		nerr = -1;
	}
	if (nerr == 0 && ov->users != NULL)
		snprintf(c->auth_users, sizeof(c->auth_users), "%s",
		    ov->users);
	if (nerr > 0) {
		/* Plain "file:line: message" lines, as editors expect. */
		for (i = 0; i < nerr && i < CONF_MAX_ERRORS; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		if (nerr > CONF_MAX_ERRORS)
			fprintf(stderr, "%s: %d more errors\n", path,
			    nerr - CONF_MAX_ERRORS);
	}
	if (nerr != 0) {
		free(c);
		return NULL;
	}
	if (ov->debug)
		c->log_level = CONF_LOG_DEBUG;
	return c;
}

/* NULL until main() sets the default: paths_conffile() (paths.c). */
static const char	*conf_path;
static int		 conf_explicit;
static struct overrides	 ov;
static struct http	*http;

static void
sig_stop(evutil_socket_t sig, short ev, void *arg)
{
	struct matcherd *env = arg;

	log_info("signal %d: shutting down", (int)sig);
	sdnotify_stopping();
	event_base_loopexit(env->base, NULL);
}

/*
 * Load the normalisation rules named by c (or the compiled-in file).
 * Returns NULL after printing every "file:line: message".
 */
static struct rules *
load_rules(const struct conf *c, const struct refdata *ref)
{
	const char *path = c->rulesfile[0] ? c->rulesfile : paths_rulesfile();
	struct rules *r;
	char err[4096];

	if ((r = rules_load(path, ref, err, sizeof(err))) == NULL)
		fprintf(stderr, "%s\n", err);
	return r;
}

/*
 * Load the users file named by c, if any.  Returns 0 (*out NULL when
 * none is named), or -1 after printing every "file:line: message" and
 * the rule that a required authentication needs the file.
 */
static int
load_users(const struct conf *c, struct users **out)
{
	char err[4096];

	*out = NULL;
	if (c->auth_users[0] == '\0') {
		if (!c->auth_required)
			return 0;
		fprintf(stderr, "%s: [auth] required = yes needs a users "
		    "file: set [auth] users (or --users FILE)\n", c->path[0] ?
		    c->path : "matcherd");
		return -1;
	}
	if ((*out = users_load(c->auth_users, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

/*
 * Descriptors the limits need: every client and HTTP connection, plus a
 * margin for the listeners, Redis, the log and files being read.  The
 * common default soft limit (1,024) would stall the daemon before
 * max_clients; the soft limit is raised as far as the hard one allows.
 */
#define FD_MARGIN	128

static void
raise_fd_limit(const struct conf *c)
{
	rlim_t want = (rlim_t)c->max_clients + (rlim_t)c->http.max_connections +
	    FD_MARGIN;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit(RLIMIT_NOFILE)");
		return;
	}
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit(RLIMIT_NOFILE, %llu)",
		    (unsigned long long)rl.rlim_cur);
	else
		log_info("file descriptors: limit raised to %llu",
		    (unsigned long long)rl.rlim_cur);
	if (rl.rlim_cur < want)
		log_warnx("file descriptors: the hard limit (%llu) is below "
		    "the %llu that max_clients and [http] max_connections "
		    "need; raise it (LimitNOFILE=, ulimit -Hn)",
		    (unsigned long long)rl.rlim_max, (unsigned long long)want);
}

static void
sig_reload(evutil_socket_t sig, short ev, void *arg)
{
	struct matcherd *env = arg;
	struct rules *rules;
	struct users *users;
	struct conf *c;
	char err[512];

	log_info("SIGHUP: reloading %s", conf_path);
	if ((c = load_conf(conf_path, conf_explicit, &ov)) == NULL) {
		log_warnx("reload failed: keeping the current configuration");
		return;
	}
	if ((rules = load_rules(c, env->ref)) == NULL) {
		log_warnx("reload failed: bad rules file, keeping the current "
		    "configuration and rules");
		free(c);
		return;
	}
	if (load_users(c, &users) == -1) {
		log_warnx("reload failed: bad users file, keeping the current "
		    "configuration, rules and users");
		rules_free(rules);
		free(c);
		return;
	}
	switch (tls_reload(c, err, sizeof(err))) {
	case -1:
		log_warnx("reload failed: TLS: %s; keeping the current "
		    "configuration, rules, users and certificate", err);
		users_free(users);
		rules_free(rules);
		free(c);
		return;
	case 1:
		log_warnx("reload: %s", err);
		break;
	default:
		if (c->tls.cert[0] != '\0')
			log_info("TLS certificate reloaded from %s", c->tls.cert);
	}
	rules_free(env->rules);
	env->rules = rules;
	users_free(env->users);
	env->users = users;
	log_info("users: %zu in %s", users != NULL ? users_count(users) : 0,
	    c->auth_users[0] ? c->auth_users : "(none)");
	if (strcmp(c->listen.host, env->conf->listen.host) != 0 ||
	    c->listen.port != env->conf->listen.port ||
	    strcmp(c->http.listen.host, env->conf->http.listen.host) != 0 ||
	    c->http.listen.port != env->conf->http.listen.port ||
	    strcmp(c->redis.host, env->conf->redis.host) != 0 ||
	    c->redis.port != env->conf->redis.port ||
	    strcmp(c->redis_prefix, env->conf->redis_prefix) != 0)
		log_warnx("reload: listen, redis address and prefix changes "
		    "take effect at the next start");
	free(env->conf);
	env->conf = c;
	log_setlevel(c->log_level);
	store_reconf(env->store, c);
	http_reconf(http);
	log_info("configuration reloaded");
}

/* systemd is told of a reload whether it succeeds or not. */
static void
sig_hup(evutil_socket_t sig, short ev, void *arg)
{
	sdnotify_reloading();
	sig_reload(sig, ev, arg);
	sdnotify_ready();
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "redis", required_argument, NULL, 'R' },
		{ "http", required_argument, NULL, 'H' },
		{ "users", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct event *ev_int, *ev_term, *ev_hup;
	struct rebuild_counts counts;
	struct matcherd env;
	struct timespec t0, t1;
	char err[512];
	const char *datadir;
	int ch, bad, check = 0;

	while ((ch = getopt_long(argc, argv, "c:dnh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			conf_explicit = 1;
			break;
		case 'd':
			ov.debug = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'L':
			ov.listen = optarg;
			break;
		case 'R':
			ov.redis = optarg;
			break;
		case 'H':
			ov.http = optarg;
			break;
		case 'U':
			ov.users = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (conf_path == NULL)
		conf_path = paths_conffile();

	log_init(CONF_LOG_INFO);
	memset(&env, 0, sizeof(env));
	if ((env.conf = load_conf(conf_path, conf_explicit, &ov)) == NULL)
		return 1;
	datadir = env.conf->datadir[0] ? env.conf->datadir : paths_datadir();
	if ((env.ref = refdata_load(datadir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		free(env.conf);
		return 1;
	}
	/* The rules name ROME codes: they are checked against the data. */
	if ((env.rules = load_rules(env.conf, env.ref)) == NULL) {
		/* Freed, so that a refused -n is no leak to the sanitizer. */
		refdata_free(env.ref);
		free(env.conf);
		return 1;
	}
	/* -n makes the same TLS checks as a start, files loaded. */
	if (load_users(env.conf, &env.users) == -1)
		bad = 1;
	else if (tls_init(env.conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", env.conf->path[0] ?
		    env.conf->path : "matcherd", err);
		bad = 1;
	} else
		bad = 0;
	if (check || bad) {
		/* Freed, so the leak checker judges -n runs too. */
		if (bad == 0) {
			printf("configuration OK\n");
			printf("retention: a candidate with no update, no "
			    "referral move and no open referral for %d days is "
			    "erased by the daily sweep\n",
			    env.conf->rgpd_retention_days);
		}
		tls_free();
		users_free(env.users);
		rules_free(env.rules);
		refdata_free(env.ref);
		free(env.conf);
		return bad;
	}
	log_init(env.conf->log_level);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(env.conf);
	/*
	 * Large client buffers from mmap, always: glibc would otherwise raise
	 * the threshold after the first large free and keep later ones on a
	 * heap it cannot give back (docs/DESIGN.md, "Memory").
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	env.started = time(NULL);

	log_info("reference data: %d ROME codes, %d communes from %s",
	    env.ref->rome_count, env.ref->commune_count, datadir);
	env.idx = index_new(env.ref);
	env.offers = offer_table_new();
	env.clauses = clause_table_new();
	env.follows = follows_new();
	if (referral_lua_script(env.referral_script,
	    sizeof(env.referral_script)) == 0)
		fatalx("referral script does not fit its buffer");
	if (rgpd_lua_script(env.erase_script, sizeof(env.erase_script)) == 0)
		fatalx("erasure script does not fit its buffer");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rebuild_from_redis(&env, REDIS_WAIT_S, &counts) == -1)
		fatalx("cannot load the candidathèques from redis");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("loaded %lu candidates, %lu offers, %lu referrals from redis "
	    "in %.2f s (%lu bad records skipped); index %zu bytes",
	    counts.candidates, counts.offers, counts.referrals,
	    (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    counts.skipped, index_memory(env.idx));

	if ((env.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	env.store = store_new(env.base, env.conf);
	if ((env.server = server_new(&env, env.conf->listen.host,
	    env.conf->listen.port)) == NULL)
		fatalx("cannot listen on %s:%d", env.conf->listen.host,
		    env.conf->listen.port);
	if ((http = http_new(&env)) == NULL)
		fatalx("cannot listen for HTTP on %s:%d",
		    env.conf->http.listen.host, env.conf->http.listen.port);
	ev_int = evsignal_new(env.base, SIGINT, sig_stop, &env);
	ev_term = evsignal_new(env.base, SIGTERM, sig_stop, &env);
	ev_hup = evsignal_new(env.base, SIGHUP, sig_hup, &env);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_hup, NULL);
	retention_start(&env);
	referral_sweep_start(&env);
	log_info("matcherd ready");
	sdnotify_ready();

	event_base_dispatch(env.base);

	/* Orderly teardown, so the leak checker stays quiet. */
	retention_stop();
	referral_sweep_stop();
	server_free(env.server);
	http_free(http);
	conn_free_all();
	notify_free();
	labelled_free();
	store_free(env.store);
	event_free(ev_int);
	event_free(ev_term);
	event_free(ev_hup);
	event_base_free(env.base);
	offer_table_free(env.offers);
	clause_table_free(env.clauses);
	follows_free(env.follows);
	index_free(env.idx);
	rules_free(env.rules);
	users_free(env.users);
	refdata_free(env.ref);
	tls_free();
	free(env.conf);
	log_info("stopped");
	return 0;
}
