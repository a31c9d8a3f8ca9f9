/*
 * Default paths.  A matcherd run from the build directory it was built in
 * uses the source tree (config/, matcher/data, matcher/www), as it always
 * has, so that a build needs no install.  Any other matcherd is an
 * installed one: it finds its files relative to its own directory, by the
 * relative paths from the install's sbindir that CMake computed
 * (cmake/install.cmake), e.g. ../share/matcherd/data and
 * ../../etc/matcherd/matcherd.conf for the prefix /usr.  Relative rather
 * than absolute, so that a tree unpacked under any root (DESTDIR, dpkg-deb
 * -x, cmake --install --prefix) uses its own files.  The binary's
 * directory is read from /proc/self/exe; without it, the build tree's
 * paths are used.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

struct paths {
	char	conffile[PATH_MAX];
	char	datadir[PATH_MAX];
	char	rulesfile[PATH_MAX];
	char	wwwdir[PATH_MAX];
};

static struct paths	paths;
static int		paths_ready;

/* 1 if a binary in exedir is the one of builddir, 0 if it is installed. */
static int
paths_in_build_tree(const char *exedir, const char *builddir)
{
	char real[PATH_MAX];

	/* Compared resolved, so that a symlink in either is no difference. */
	if (realpath(builddir, real) == NULL)
		return 0;
	return strcmp(exedir, real) == 0;
}

/*
 * dir/rel into out, resolved when it exists (so that messages name
 * /usr/share/... rather than /usr/sbin/../share/...); the whole path or
 * an empty one.
 */
static void
paths_join(char *out, const char *dir, const char *rel)
{
	char joined[PATH_MAX];

	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", dir, rel) >=
	    sizeof(joined))
		out[0] = '\0';
	else if (realpath(joined, out) == NULL)
		memcpy(out, joined, sizeof(joined));
}

static void
paths_init(void)
{
	char exe[PATH_MAX], exedir[PATH_MAX], *slash;

	paths_ready = 1;
	if (realpath("/proc/self/exe", exe) != NULL &&
	    (slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		snprintf(exedir, sizeof(exedir), "%s", exe[0] ? exe : "/");
		if (!paths_in_build_tree(exedir, MATCHERD_BUILD_BINDIR)) {
			paths_join(paths.conffile, exedir, MATCHERD_REL_CONFFILE);
			paths_join(paths.datadir, exedir, MATCHERD_REL_DATADIR);
			paths_join(paths.rulesfile, exedir,
			    MATCHERD_REL_RULESFILE);
			paths_join(paths.wwwdir, exedir, MATCHERD_REL_WWWDIR);
			return;
		}
	}
	/* Relative to the working directory, as before: the source root. */
	snprintf(paths.conffile, PATH_MAX, "%s", "config/matcherd.conf");
	snprintf(paths.datadir, PATH_MAX, "%s", MATCHERD_DATADIR);
	snprintf(paths.rulesfile, PATH_MAX, "%s", MATCHERD_RULESFILE);
	snprintf(paths.wwwdir, PATH_MAX, "%s", MATCHERD_WWWDIR);
}

static const struct paths *
paths_get(void)
{
	if (!paths_ready)
		paths_init();
	return &paths;
}

const char *
paths_conffile(void)
{
	return paths_get()->conffile;
}

const char *
paths_datadir(void)
{
	return paths_get()->datadir;
}

const char *
paths_rulesfile(void)
{
	return paths_get()->rulesfile;
}

const char *
paths_wwwdir(void)
{
	return paths_get()->wwwdir;
}
