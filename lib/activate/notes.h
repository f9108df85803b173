/* notes.h — an activation pass's notes: why an LV or an array was not activated, one string each
 * (the capture /init prints them when the target never appears). */
#ifndef KDK_ACTIVATE_NOTES_H
#define KDK_ACTIVATE_NOTES_H

#include "kdk_array.h"

/* A formatted note onto notes (a kdk_array of char *); out of memory loses the note, nothing else. */
void kdk_note_add(struct kdk_array *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Free every note and the array. */
void kdk_notes_free(struct kdk_array *notes);

#endif
