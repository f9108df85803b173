/* kdk_clock.c — the monotonic clock as seconds (see kdk_clock.h). */
#include "kdk_clock.h"

#include <time.h>

double kdk_monotonic_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
