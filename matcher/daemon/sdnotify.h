/*
 * Readiness notifications to systemd (Type=notify, sd_notify(3)).  Without
 * libsystemd at build time, or when not started by systemd, they do
 * nothing.
 */
#ifndef SDNOTIFY_H
#define SDNOTIFY_H

void	sdnotify_ready(void);
void	sdnotify_reloading(void);
void	sdnotify_stopping(void);

#endif
