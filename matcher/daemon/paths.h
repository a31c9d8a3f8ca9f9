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

#endif
