/*
 * sd_notify(3) calls, kept here so that the rest of the daemon needs no
 * #ifdef.  sd_notify() does nothing when $NOTIFY_SOCKET is unset (not
 * started by systemd), and a failure to notify is no reason to stop
 * serving: its result is ignored.
 */
#include "sdnotify.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

void
sdnotify_ready(void)
{
	(void)sd_notify(0, "READY=1\nSTATUS=serving");
}

void
sdnotify_reloading(void)
{
	(void)sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
}

void
sdnotify_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}
#else
void
sdnotify_ready(void)
{
}

void
sdnotify_reloading(void)
{
}

void
sdnotify_stopping(void)
{
}
#endif
