/* backtrace.h — a task's kernel stack as data: frames, exception frames and the user registers,
 * unwound once and then printed as crash's text (bt, foreach bt) or JSON, or read by triage. */
#ifndef KCRASH_BACKTRACE_H
#define KCRASH_BACKTRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdk_array.h"
#include "session.h"
#include "tasks.h"
#include "unwind/orc.h"
#include "unwind/stacks.h"

enum bt_entry_kind {
	BT_FRAME,                  /* a return address (or where the CPU stopped) */
	BT_EXCEPTION,              /* a pt_regs frame in kernel mode: "[exception RIP: …]" */
	BT_USER_REGS,              /* the user-mode registers at the stack's base */
	BT_NOTE,                   /* why the unwinding stopped early */
};

struct bt_entry {
	enum bt_entry_kind kind;
	uint64_t sp;               /* BT_FRAME: the frame's stack address */
	uint64_t ip;               /* BT_FRAME: the address; BT_EXCEPTION: regs.ip */
	bool return_address;       /* named by the call before ip, as the kernel's %pB does */
	struct kdk_pt_regs regs;   /* BT_EXCEPTION, BT_USER_REGS */
	uint64_t words_from, words_to;  /* the frame's stack words (bt -f), [from, to): as crash
					 * shows them, past the frame's own slot up to and with
					 * the next frame's return address */
	char note[KDK_ERR_MSG_MAX + 64];  /* BT_NOTE */
};

/* What unwinding needs once per command: the ORC tables (or frame pointers) and the stacks. */
struct bt_unwinder {
	struct session *s;
	struct kdk_orc_table orc;
	bool frame_pointers;       /* no ORC tables: follow the rbp chain */
	struct kdk_stacks stacks;  /* every CPU's stacks, then the task's own (last) */
	size_t cpu_stacks;         /* how many of them are per-CPU */
};

/* Load the tables; a kernel without ORC is said on stderr and unwound with frame pointers. */
int bt_unwinder_open(struct bt_unwinder *u, struct session *s, struct kdk_err *err);
void bt_unwinder_close(struct bt_unwinder *u);

/* Unwind task t into entries (struct bt_entry; emptied first). Active tasks start from their
 * CPU's saved registers, sleeping ones from __switch_to_asm's frame. An error means no starting
 * point (no registers for the CPU); trouble later is a BT_NOTE entry. */
int bt_unwind(struct bt_unwinder *u, const struct task_info *t, struct kdk_array *entries,
	      struct kdk_err *err);

/* The name of ip: "func", "func+0xoff/0xsize" (offsets), with the module in *module (or inline
 * " [mod]" when module is NULL); the hex address when no kernel symbol covers it. */
void bt_name(const struct session *s, uint64_t ip, bool offsets, bool return_address, char *buf,
	     size_t size, const char **module);

/* The task that panicked: the current task of panic_cpu. */
int bt_panic_task(struct session *s, uint64_t *task, struct kdk_err *err);

struct source_lines;

/* How a trace is printed. */
struct bt_print_options {
	bool offsets;              /* -s */
	bool frame_contents;       /* -f, -F, -FF */
	unsigned symbolic;         /* -F 1: stack words as symbols and [slab cache]s, -FF 2: [value:cache] */
	struct source_lines *lines;  /* -l: a source line under each frame (NULL: none) */
	struct kdk_array *caches;    /* -F: the slab caches (bt_print_caches_open), NULL: none */
};

/* One of bt's display option letters: s, f, F (twice: FF) or l (which sets *with_lines); false
 * when c is none of them. */
bool bt_print_letter(char c, struct bt_print_options *o, bool *with_lines);
/* A word of them ("-s", "-sf", "-FF"); false when arg is not one (nothing is changed then). */
bool bt_print_option(const char *arg, struct bt_print_options *o, bool *with_lines);
/* -F: the slab caches into caches (an empty kdk_array of struct slub_cache) and o->caches;
 * without them the words are still shown as symbols and stderr says why, once. */
void bt_print_caches_open(struct session *s, struct bt_print_options *o, struct kdk_array *caches,
			  const char *what);
/* -l: the vmlinux's source lines into o->lines; without a DWARF vmlinux the trace goes on without
 * them and stderr says why, once. what names the command in that message. */
void bt_print_lines_open(struct session *s, struct bt_print_options *o, struct source_lines *lines,
			 const char *what);

/* A pt_regs as crash prints one: RIP RSP RFLAGS, then the registers three to a line. */
void bt_print_regs(FILE *out, const struct kdk_pt_regs *r);
/* crash's shape: the "PID: …" header, then the entries. */
void bt_print_header(FILE *out, const struct task_info *t);
void bt_print_text(struct session *s, const struct kdk_array *entries, const struct bt_print_options *o);
/* One JSON object: {"pid", "task", "cpu", "command", "state", "frames": [{"index", "sp",
 * "function", "offset", "size", "address", "module"?, "source"?} | {"exception", "registers"}],
 * "user_registers"?, "error"?}; error is the message when the unwinding could not start. */
void bt_print_json(struct session *s, const struct task_info *t, const struct kdk_array *entries,
		   const char *error, const struct bt_print_options *o, FILE *out);

#endif
