/* text_columns.c — crash's column layout helpers. */
#include "text_columns.h"

#include <string.h>

void text_centre(FILE *out, const char *text, int width, bool odd_right)
{
	int len = (int)strlen(text), extra = width - len, left;

	if (extra <= 0) {
		fputs(text, out);
		return;
	}
	left = extra / 2 + (extra % 2 && !odd_right);
	fprintf(out, "%*s%s%*s", left, "", text, extra - left, "");
}
