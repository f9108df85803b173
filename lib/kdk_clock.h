/* kdk_clock.h — the monotonic clock as seconds, for deadlines and for how long a step took. */
#ifndef KDK_CLOCK_H
#define KDK_CLOCK_H

/* CLOCK_MONOTONIC in seconds (only differences mean anything). */
double kdk_monotonic_seconds(void);

#endif
