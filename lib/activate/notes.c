/* notes.c — an activation pass's notes (lib/activate: LVM and md), kept as strings in an array. */
#include "activate/notes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void kdk_note_add(struct kdk_array *notes, const char *fmt, ...)
{
	char **slot;
	va_list ap;

	if (!(slot = kdk_array_push(notes, NULL)))
		return;
	va_start(ap, fmt);
	if (vasprintf(slot, fmt, ap) < 0) {
		*slot = NULL;
		notes->len--;
	}
	va_end(ap);
}

void kdk_notes_free(struct kdk_array *notes)
{
	size_t i;

	for (i = 0; i < notes->len; i++)
		free(*(char **)kdk_array_at(notes, i));
	kdk_array_free(notes);
}
