/*
 * The default paths of matcherd: its configuration file, reference data,
 * rules file and advisers' page, used when the command line and the
 * configuration name none.
 */
#ifndef PATHS_H
#define PATHS_H

const char	*paths_conffile(void);
const char	*paths_datadir(void);
const char	*paths_rulesfile(void);
const char	*paths_wwwdir(void);

/*
 * Exposed for the tests: 1 if a binary in exedir is the build tree's
 * (builddir), 0 if it is an installed one.
 */
int		 paths_in_build_tree(const char *exedir, const char *builddir);

#endif
