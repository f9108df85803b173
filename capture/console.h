/* console.h — the capture /init's voice: every step on the console as "kdump: …", with the time
 * since boot, so a serial log shows what happened and how long each part took. */
#ifndef CAPTURE_CONSOLE_H
#define CAPTURE_CONSOLE_H

/* Point stdin/stdout/stderr at /dev/console (after devtmpfs is mounted). */
void console_attach(void);

/* "kdump: <message> (at 12.34 s)" */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Seconds since boot (CLOCK_BOOTTIME). */
double uptime_seconds(void);

#endif
