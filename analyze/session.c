/* session.c — opening a dump for analysis. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_vars.h"
#include "kallsyms.h"
#include "ksyms_elf.h"
#include "modules.h"
#include "session.h"
#include "x86_64_vtop.h"

/* Link-time addresses of a vmlinux or System.map, moved by KASLR's KERNELOFFSET (hex in
 * VMCOREINFO); only kernel-image addresses move (per-CPU offsets and absolutes stay). */
static void relocate(struct kdk_symtab *tab, uint64_t offset)
{
	struct kdk_ksym *syms = tab->syms.items;
	size_t i;

	for (i = 0; i < tab->syms.len; i++)
		if (syms[i].addr >= KDK_X86_64_START_KERNEL_MAP)
			syms[i].addr += offset;
}

static void learn_direct_map(struct session *s);

static int load_symbols(struct session *s, struct kdk_err *err)
{
	const char *offset_text = kdk_vmcoreinfo_string(&s->vi, "KERNELOFFSET");
	const char *dump_id = kdk_vmcoreinfo_string(&s->vi, "BUILD-ID");
	uint64_t offset = offset_text ? strtoull(offset_text, NULL, 16) : 0;
	char build_id[128];
	FILE *probe;
	unsigned char magic[4] = { 0 };
	int rc;

	if (!s->symbols_path)
		return kdk_kallsyms_read(&s->vi, s->read_virt, s->read_ctx, &s->syms, err);
	probe = fopen(s->symbols_path, "re");
	if (!probe)
		return kdk_err_sys(err, errno, "%s", s->symbols_path);
	if (fread(magic, 1, 4, probe) != 4)
		magic[0] = 0;
	fclose(probe);
	if (!memcmp(magic, "\177ELF", 4)) {
		kdk_symtab_init(&s->syms, "vmlinux");
		if ((rc = kdk_symtab_load_elf(&s->syms, s->symbols_path, build_id, sizeof(build_id), err)))
			return rc;
		if (dump_id && build_id[0] && strncmp(dump_id, build_id, strlen(build_id)))
			return kdk_err_set(err, EINVAL, "%s is not the dump's kernel: its build ID is %s, "
							"the dump's (VMCOREINFO BUILD-ID) is %s",
					   s->symbols_path, build_id, dump_id);
	} else {
		kdk_symtab_init(&s->syms, "System.map");
		if ((rc = kdk_symtab_load_map(&s->syms, s->symbols_path, err)))
			return rc;
	}
	relocate(&s->syms, offset);
	return 0;
}

int session_open(struct session *s, const char *symbols, const char *dump, struct kdk_err *err)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->dump_path = dump;
	s->symbols_path = symbols;
	s->out = stdout;
	kdk_symtab_init(&s->syms, "none");
	kdk_facts_init(&s->facts);
	if ((rc = kdk_dump_open(dump, &s->dump, err)))
		return strstr(err->msg, dump) ? rc : kdk_err_prefix(err, "%s: ", dump);
	if (!s->dump->vmcoreinfo)
		return kdk_err_set(err, ENOENT, "%s: no VMCOREINFO note: kcrash needs it to find the "
						"kernel in the dump", dump);
	if ((rc = kdk_vmcoreinfo_parse(s->dump->vmcoreinfo, s->dump->vmcoreinfo_size, &s->vi, err)) ||
	    (rc = kdk_facts_add_vmcoreinfo(&s->facts, &s->vi, err)) ||
	    (rc = kdk_kmem_init(&s->kmem, s->dump, kdk_facts_lookup, &s->facts, err)))
		return kdk_err_prefix(err, "%s: ", dump);
	s->have_kmem = true;
	s->read_virt = kdk_kmem_read;
	s->read_ctx = &s->kmem;
	if ((rc = load_symbols(s, err)))
		return rc;
	learn_direct_map(s);
	return 0;
}

/* The direct map by arithmetic from here on (lib/kdk_kmem): a damaged page-table page then
 * hides nothing reached through the direct map (tasks, slabs, files). The page tables stay the
 * way when the base cannot be had; a page_offset_base that disagrees with them is said. */
static void learn_direct_map(struct session *s)
{
	const struct kdk_ksym *var = kdk_symtab_by_name(&s->syms, "page_offset_base");
	struct kdk_err err = { 0 };

	if (kdk_kmem_set_direct_map(&s->kmem, var ? var->addr : 0, &err) < 0 && var)
		fprintf(stderr, "kcrash: the direct map is read through the page tables: %s\n", err.msg);
}

int session_direct_map(struct session *s, uint64_t *base, struct kdk_err *err)
{
	uint64_t var;
	int rc;

	if (s->have_kmem && !kdk_kmem_direct_map(&s->kmem, base))
		return 0;
	if ((rc = session_symbol(s, "page_offset_base", &var, err)))
		return rc;
	return session_read(s, var, base, sizeof(*base), err);
}

const struct kstructs *session_kstructs(struct session *s, struct kdk_err *err)
{
	int rc;

	if (s->ks_state == 0) {
		bool elf = s->symbols_path && !strcmp(s->syms.source, "vmlinux");

		rc = elf ? kdk_btf_from_elf(&s->btf, s->symbols_path, &s->ks_err)
			 : kdk_btf_from_memory(&s->btf, &s->syms, s->read_virt, s->read_ctx, &s->ks_err);
		/* The chain: VMCOREINFO (added at open), this BTF (or the vmlinux's DWARF), x86_64's
		 * definitions. */
		if (!rc) {
			rc = kdk_facts_add_btf(&s->facts, elf ? "the vmlinux's BTF" : "the dump's BTF",
					       &s->btf, &s->syms, &s->ks_err);
		} else if (elf && rc == -ENOENT) {
			/* A vmlinux without .BTF: its DWARF, indexed on first need. */
			kdk_err_clear(&s->ks_err);
			rc = kdk_facts_add_dwarf(&s->facts, s->symbols_path, &s->ks_err);
		}
		if (!rc)
			rc = kdk_facts_add_x86_64(&s->facts, &s->ks_err);
		if (!rc)
			rc = kstructs_load(&s->ks, &s->facts, &s->ks_err);
		if (!rc && kdk_facts_lookup(&s->facts, KDK_KEY_SIZE, "task_struct", &s->task_size) < 0)
			rc = kdk_err_set(&s->ks_err, ENOENT, "no SIZE(task_struct)");
		/* Modules add symbols and unwind tables; a broken module list is reported but does
		 * not stop the rest. */
		if (!rc && modules_load(s, &s->ks_err)) {
			fprintf(stderr, "kcrash: modules left out: %s\n", s->ks_err.msg);
			kdk_err_clear(&s->ks_err);
		}
		s->ks_state = rc ? rc : 1;
	}
	if (s->ks_state < 0) {
		*err = s->ks_err;
		return NULL;
	}
	return &s->ks;
}

void session_close(struct session *s)
{
	dwarf_vars_free(s->dwarf_vars);
	kdk_facts_free(&s->facts);
	kdk_btf_free(&s->btf);
	kdk_array_free(&s->modules);
	kdk_array_free(&s->cpus);
	kdk_symtab_free(&s->syms);
	if (s->have_kmem)
		kdk_kmem_free(&s->kmem);
	kdk_vmcoreinfo_free(&s->vi);
	if (s->dump)
		kdk_dump_close(s->dump);
	memset(s, 0, sizeof(*s));
}

int session_read(struct session *s, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	return s->read_virt(s->read_ctx, vaddr, buf, len, err);
}

int session_read_u64(struct session *s, uint64_t vaddr, uint64_t *value, struct kdk_err *err)
{
	return session_read(s, vaddr, value, sizeof(*value), err);
}

int session_symbol(struct session *s, const char *name, uint64_t *addr, struct kdk_err *err)
{
	const struct kdk_ksym *sym = kdk_symtab_by_name(&s->syms, name);

	if (sym) {
		*addr = sym->addr;
		return 0;
	}
	if (!kdk_vmcoreinfo_symbol(&s->vi, name, addr))
		return 0;
	return kdk_err_set(err, ENOENT, "no symbol %s", name);
}

int session_read_uint(struct session *s, uint64_t addr, uint64_t size, uint64_t *v, struct kdk_err *err)
{
	*v = 0;
	if (!size || size > 8)
		return kdk_err_set(err, EINVAL, "a field of %" PRIu64 " bytes at %" PRIx64, size, addr);
	return session_read(s, addr, v, (size_t)size, err);
}

int session_read_bits(struct session *s, uint64_t addr, uint64_t bit_offset, uint64_t bit_size,
		      uint64_t *v, struct kdk_err *err)
{
	uint64_t first = bit_offset / 8, shift = bit_offset % 8, bytes = (shift + bit_size + 7) / 8;
	uint8_t raw[9] = { 0 };
	unsigned __int128 word = 0;
	int rc, i;

	*v = 0;
	if (!bit_size || bit_size > 64)
		return kdk_err_set(err, EINVAL, "a field of %" PRIu64 " bits at %" PRIx64, bit_size, addr);
	if ((rc = session_read(s, addr + first, raw, (size_t)bytes, err)))
		return rc;
	/* little-endian: the field's bits from its first byte's bit `shift` on */
	for (i = (int)bytes - 1; i >= 0; i--)
		word = word << 8 | raw[i];
	word >>= shift;
	*v = bit_size == 64 ? (uint64_t)word : (uint64_t)word & ((1ULL << bit_size) - 1);
	return 0;
}

void session_read_string(struct session *s, uint64_t ptr, char *buf, size_t size)
{
	struct kdk_err ignored = { 0 };
	size_t i;

	if (!size)
		return;
	memset(buf, 0, size);
	if (!ptr || !session_read(s, ptr, buf, size - 1, &ignored))
		return;
	/* the string may end just before memory the dump lacks: byte by byte up to it */
	memset(buf, 0, size);
	for (i = 0; i < size - 1 && !session_read(s, ptr + i, buf + i, 1, &ignored) && buf[i]; i++)
		;
	buf[i] = '\0';
}

bool session_symbol_text(const struct session *s, uint64_t addr, char *buf, size_t size)
{
	uint64_t offset;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &offset);

	buf[0] = '\0';
	if (!sym || !(sym->addr >> 63) || (sym->size ? offset >= sym->size : offset != 0))
		return false;
	if (offset)
		snprintf(buf, size, "%s+%" PRIu64, kdk_symtab_name(&s->syms, sym), offset);
	else
		snprintf(buf, size, "%s", kdk_symtab_name(&s->syms, sym));
	return true;
}

void session_format_addr(const struct session *s, uint64_t addr, char *buf, size_t size)
{
	uint64_t offset;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &offset);

	/* Only kernel addresses (the upper half) are named: per-CPU symbols are small offsets. */
	if (sym && addr >> 63 && (!sym->size || offset < sym->size))
		snprintf(buf, size, offset ? "%s+0x%" PRIx64 "%s%s%s" : "%s%.0" PRIx64 "%s%s%s",
			 kdk_symtab_name(&s->syms, sym), offset, sym->module ? " [" : "",
			 sym->module ? sym->module : "", sym->module ? "]" : "");
	else
		snprintf(buf, size, "0x%016" PRIx64, addr);
}
