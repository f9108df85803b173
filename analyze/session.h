/* session.h — one kcrash session: the dump, its VMCOREINFO, kernel memory, and the symbols
 * (a vmlinux, a System.map, or the dump's own kallsyms). Commands read everything through it. */
#ifndef KCRASH_SESSION_H
#define KCRASH_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "btf.h"
#include "kdk_dump.h"
#include "kfacts/kfacts.h"
#include "kstructs.h"
#include "kdk_err.h"
#include "kdk_kmem.h"
#include "ksyms.h"
#include "mem_map.h"
#include "vmcoreinfo.h"

struct dwarf_vars;

struct session {
	const char *dump_path;
	const char *symbols_path;      /* NULL: the dump's own kallsyms */
	struct kdk_dump *dump;
	struct kdk_vmcoreinfo vi;
	struct kdk_kmem kmem;
	/* Kernel memory as every command reads it: the dump's through its page tables (kmem, set
	 * by session_open), or what a test gives (a fuzz harness's synthetic memory). */
	kdk_read_virt_fn read_virt;
	void *read_ctx;
	struct kdk_symtab syms;
	bool have_kmem;
	struct kdk_btf btf;            /* loaded on first use */
	struct kdk_facts facts;        /* every kernel fact: VMCOREINFO, then that BTF, then x86_64's */
	struct kstructs ks;
	int ks_state;                  /* 0 not loaded yet, 1 loaded, -errno failed */
	struct kdk_err ks_err;         /* why, when it failed */
	uint64_t task_size;            /* sizeof(struct task_struct) */
	uint64_t thread_size;          /* THREAD_SIZE (machine_thread_size), 0 until first asked */
	struct kdk_array modules;      /* struct kmodule (modules.h), loaded with the offsets */
	struct kdk_array cpus;         /* struct cpu_info (cpus.h), loaded on first use */
	FILE *out;
	bool json;                     /* --json: sys, ps and bt as JSON */
	unsigned value_count;          /* p's "$N" */
	uint64_t context_task;         /* set/task's current task; 0: the panic task */
	struct dwarf_vars *dwarf_vars; /* globals' types from the vmlinux's DWARF (dwarf_vars.h) */
	struct kdk_mem_map mem_map;    /* pfn → struct page, set up on first use (kmem_page_of) */
	int mem_map_state;             /* 0 not yet, 1 ready */
};

/* Open DUMP with optional SYMBOLS (vmlinux or System.map). A vmlinux whose build ID differs
 * from the dump's is refused, naming both. */
int session_open(struct session *s, const char *symbols, const char *dump, struct kdk_err *err);
void session_close(struct session *s);

int session_read(struct session *s, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err);
/* One 64-bit value (a pointer, an unsigned long) at vaddr. */
int session_read_u64(struct session *s, uint64_t vaddr, uint64_t *value, struct kdk_err *err);
/* A symbol's address: the symbol table, else VMCOREINFO's SYMBOL(name). */
int session_symbol(struct session *s, const char *name, uint64_t *addr, struct kdk_err *err);
/* The direct map's base (page_offset_base): the one kmem translates by, else the variable read. */
int session_direct_map(struct session *s, uint64_t *base, struct kdk_err *err);
/* The structure offsets (BTF from the vmlinux given, else from the dump), or NULL with err. */
const struct kstructs *session_kstructs(struct session *s, struct kdk_err *err);

/* An unsigned field of size bytes (1 to 8, as the fact chain's SIZE gives it) into *v. */
int session_read_uint(struct session *s, uint64_t addr, uint64_t size, uint64_t *v, struct kdk_err *err);
/* An unsigned field of bit_size bits (1 to 64) bit_offset bits past addr — a bitfield, or any
 * field as the fact chain's BIT_OFFSET/BIT_SIZE place it — into *v. */
int session_read_bits(struct session *s, uint64_t addr, uint64_t bit_offset, uint64_t bit_size,
		      uint64_t *v, struct kdk_err *err);
/* A kernel string at ptr into buf (size bytes, always terminated): what is readable of it, "" when
 * ptr is 0. */
void session_read_string(struct session *s, uint64_t ptr, char *buf, size_t size);
/* "name" or "name+offset" (decimal, as crash's rd -s, timer and dev write it) for a kernel-half
 * address inside a symbol (the last one, of no size, only at its start); false and buf "" else. */
bool session_symbol_text(const struct session *s, uint64_t addr, char *buf, size_t size);
/* "name+0xoff" for an address (or the hex address alone). */
void session_format_addr(const struct session *s, uint64_t addr, char *buf, size_t size);

#endif
