/* text_columns.h — crash's column layout helpers, shared by the commands that print its tables. */
#ifndef KCRASH_TEXT_COLUMNS_H
#define KCRASH_TEXT_COLUMNS_H

#include <stdbool.h>
#include <stdio.h>

/* crash's mkstring(…, CENTER|LJUST or CENTER|RJUST, …): text centred in width, an odd space on
 * the right (odd_right) or on the left; text wider than width as it is. */
void text_centre(FILE *out, const char *text, int width, bool odd_right);

#endif
