/* kfacts.h — one lookup chain for every kernel-structure fact (docs/formats/kfacts.md): sources
 * asked in order — VMCOREINFO, the dump's own BTF, a vmlinux's BTF or DWARF, the arch's own
 * definitions — each answering OFFSET/SIZE/LENGTH/NUMBER/SYMBOL or saying "unknown" (-ENOENT).
 * kdk_facts_lookup is a kdk_layout_lookup_fn, so layout tables fill through it unchanged. */
#ifndef KDK_KFACTS_H
#define KDK_KFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "kdk_array.h"
#include "kdk_err.h"
#include "kdk_kmem.h"
#include "kdk_layout.h"
#include "ksyms.h"
#include "vmcoreinfo.h"

/* One source of facts. A lazy source has load(): it runs on the first lookup that reaches the
 * source (a source that costs time or memory — the dump's kallsyms and BTF in the capture
 * kernel — is only paid for when the sources before it lack a fact). */
struct kdk_facts_source {
	const char *name;            /* for messages: "VMCOREINFO", "the dump's BTF", … */
	kdk_layout_lookup_fn lookup; /* 0, or -ENOENT when the source does not know */
	void *ctx;
	int (*load)(void *ctx, struct kdk_err *err);  /* NULL: ready at once */
	void (*release)(void *ctx);  /* frees ctx; NULL: the caller owns it */
	int state;                   /* 0 not loaded yet, 1 ready, -errno when load failed */
	struct kdk_err load_err;     /* why load failed */
};

struct kdk_facts {
	struct kdk_array sources;    /* struct kdk_facts_source, asked in order */
	const char *answered_by;     /* the source of the last lookup that succeeded */
};

void kdk_facts_init(struct kdk_facts *f);
void kdk_facts_free(struct kdk_facts *f);

/* Append a source (copied; its state starts at 0). On failure src->release is called. */
int kdk_facts_add(struct kdk_facts *f, const struct kdk_facts_source *src, struct kdk_err *err);

/* The standard sources. */
/* VMCOREINFO (borrowed: it must outlive f). */
int kdk_facts_add_vmcoreinfo(struct kdk_facts *f, const struct kdk_vmcoreinfo *vi,
			     struct kdk_err *err);
/* A BTF already read (borrowed), with an optional symbol table (borrowed) for SYMBOL(). */
int kdk_facts_add_btf(struct kdk_facts *f, const char *name, const struct kdk_btf *btf,
		      const struct kdk_symtab *syms, struct kdk_err *err);
/* The BTF inside the dump (between __start_BTF and __stop_BTF), read on first need. Its two
 * symbols come from syms when given (borrowed), else from the dump's own kallsyms, decoded
 * then (vi and read_virt/read_ctx borrowed). SYMBOL() is answered from the same table. */
int kdk_facts_add_dump_btf(struct kdk_facts *f, const struct kdk_vmcoreinfo *vi,
			   const struct kdk_symtab *syms, kdk_read_virt_fn read_virt,
			   void *read_ctx, struct kdk_err *err);
/* The vmlinux's .BTF section, read on first need. */
int kdk_facts_add_elf_btf(struct kdk_facts *f, const char *vmlinux, struct kdk_err *err);
/* The vmlinux's DWARF (lib/kfacts/dwarf_source.c, needs -ldw: kcrash only), indexed on first
 * need — for a vmlinux without .BTF. SYMBOL() is not answered (the symbol table is). */
int kdk_facts_add_dwarf(struct kdk_facts *f, const char *vmlinux, struct kdk_err *err);
/* x86_64's own definitions for what older VMCOREINFO lacks (NUMBER(SECTION_SIZE_BITS),
 * NUMBER(MAX_PHYSMEM_BITS)), chosen by the paging mode the dump states
 * (NUMBER(pgtable_l5_enabled), asked through f itself). Add it last. */
int kdk_facts_add_x86_64(struct kdk_facts *f, struct kdk_err *err);

/* kdk_layout_lookup_fn over a struct kdk_facts: every source in order, loading lazy ones. */
int kdk_facts_lookup(void *facts, enum kdk_layout_kind kind, const char *name, uint64_t *value);
/* The same without loading anything: only sources that are ready (or need no loading). */
int kdk_facts_lookup_ready(void *facts, enum kdk_layout_kind kind, const char *name,
			   uint64_t *value);

/* Which source answers kind(name) (loading lazy sources), or NULL when none does. */
const char *kdk_facts_source_of(struct kdk_facts *f, enum kdk_layout_kind kind, const char *name);

/* For messages: the sources asked and, for those that could not load, why —
 * "VMCOREINFO, the dump's BTF (not readable: …)". */
void kdk_facts_describe(const struct kdk_facts *f, char *buf, size_t size);

/* Fill a layout table (kdk_layout_fill) through f; a missing required key is named with every
 * source asked: "OFFSET(page.flags) is in none of VMCOREINFO, the dump's BTF". */
int kdk_facts_fill(struct kdk_facts *f, const struct kdk_layout_key *keys, void *layout,
		   struct kdk_err *err);

#endif
