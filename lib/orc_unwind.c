/* orc_unwind.c — ORC unwinding (arch/x86/kernel/unwind_orc.c describes the rules):
 *   orc_entry { s16 sp_offset; s16 bp_offset; u16 sp_reg:4, bp_reg:4, type:2|3, end:1|signal:1 }
 *   registers: 0 undefined, 1 prev_sp, 2 dx, 3 di, 4 bp, 5 sp, 6 r10, 7 r13, 8 bp_indirect,
 *              9 sp_indirect
 *   types (signal layout, 6.3+): 0 undefined, 1 end of stack, 2 call, 3 regs, 4 regs_partial;
 *   types (end layout, before):  0 call, 1 regs, 2 regs_partial; the end bit ends the stack.
 * The previous frame's SP (the CFA) is sp_reg + sp_offset; a CALL frame's return address is just
 * below it; a REGS frame has a struct pt_regs at the CFA (REGS_PARTIAL: its iret part, i.e. the
 * pt_regs starts offsetof(pt_regs, ip) below). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "orc_unwind.h"

enum { REG_UNDEFINED, REG_PREV_SP, REG_DX, REG_DI, REG_BP, REG_SP, REG_R10, REG_R13,
       REG_BP_INDIRECT, REG_SP_INDIRECT };
enum { TYPE_CALL, TYPE_REGS, TYPE_REGS_PARTIAL, TYPE_UNDEFINED, TYPE_END };

struct orc_entry {
	int16_t sp_offset, bp_offset;
	unsigned sp_reg, bp_reg, type;   /* type in TYPE_* terms, whatever the layout */
};

static const struct kdk_ksym *need(const struct kdk_symtab *syms, const char *name,
				   struct kdk_err *err)
{
	const struct kdk_ksym *sym = kdk_symtab_by_name(syms, name);

	if (!sym)
		kdk_err_set(err, ENOENT, "no symbol %s: the kernel has no ORC tables "
					 "(CONFIG_UNWINDER_ORC off)", name);
	return sym;
}

static int read_part(struct kdk_orc_part *part, uint64_t ips_addr, uint64_t entries_addr,
		     uint64_t count, kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err)
{
	int rc;

	if (!count || count > 50000000)
		return kdk_err_set(err, EINVAL, "ORC: %llu entries", (unsigned long long)count);
	part->count = count;
	part->ips_addr = ips_addr;
	part->ips = malloc(count * 4);
	part->entries = malloc(count * 6);
	if (!part->ips || !part->entries)
		return kdk_err_set(err, ENOMEM, "ORC tables");
	if ((rc = read_virt(read_ctx, ips_addr, part->ips, count * 4, err)) ||
	    (rc = read_virt(read_ctx, entries_addr, part->entries, count * 6, err)))
		return kdk_err_prefix(err, "ORC tables: ");
	return 0;
}

int kdk_orc_load(struct kdk_orc_table *orc, const struct kdk_symtab *syms, const struct kdk_btf *btf,
		 kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err)
{
	const struct kdk_ksym *ip_start, *ip_stop, *orc_start;
	uint64_t offset;
	int rc;

	memset(orc, 0, sizeof(*orc));
	if (!(ip_start = need(syms, "__start_orc_unwind_ip", err)) ||
	    !(ip_stop = need(syms, "__stop_orc_unwind_ip", err)) ||
	    !(orc_start = need(syms, "__start_orc_unwind", err)))
		return -ENOENT;
	if (!kdk_btf_member(btf, "orc_entry", "sp_offset", &offset, NULL, err) &&
	    kdk_btf_find(btf, KDK_BTF_STRUCT, "orc_entry")) {
		uint64_t ignored;
		struct kdk_err probe = { 0 };

		/* bitfields are refused by kdk_btf_member, but the name lookup tells which exists */
		orc->signal_layout = kdk_btf_member(btf, "orc_entry", "signal", &ignored, NULL, &probe) !=
				     -ENOENT;
	} else {
		return kdk_err_set(err, ENOENT, "BTF has no struct orc_entry");
	}
	rc = read_part(&orc->core, ip_start->addr, orc_start->addr, (ip_stop->addr - ip_start->addr) / 4,
		       read_virt, read_ctx, err);
	if (rc)
		kdk_orc_free(orc);
	return rc;
}

void kdk_orc_free(struct kdk_orc_table *orc)
{
	size_t i;

	free(orc->core.ips);
	free(orc->core.entries);
	for (i = 0; i < orc->nr_modules; i++) {
		free(orc->modules[i].ips);
		free(orc->modules[i].entries);
	}
	free(orc->modules);
	memset(orc, 0, sizeof(*orc));
}

int kdk_orc_add_module(struct kdk_orc_table *orc, uint64_t text_start, uint64_t text_end,
		       uint64_t ips_addr, uint64_t entries_addr, uint64_t count,
		       kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err)
{
	struct kdk_orc_part *grown = realloc(orc->modules, (orc->nr_modules + 1) * sizeof(*grown));
	int rc;

	if (!grown)
		return kdk_err_set(err, ENOMEM, "module ORC tables");
	orc->modules = grown;
	memset(&grown[orc->nr_modules], 0, sizeof(*grown));
	if ((rc = read_part(&grown[orc->nr_modules], ips_addr, entries_addr, count, read_virt, read_ctx,
			    err))) {
		free(grown[orc->nr_modules].ips);
		free(grown[orc->nr_modules].entries);
		return rc;
	}
	grown[orc->nr_modules].text_start = text_start;
	grown[orc->nr_modules].text_end = text_end;
	orc->nr_modules++;
	return 0;
}

static uint64_t entry_ip(const struct kdk_orc_part *part, uint64_t i)
{
	return part->ips_addr + i * 4 + (int64_t)part->ips[i];
}

/* The entry covering ip: in the module whose text holds it, else in vmlinux's table; there the
 * last whose start is at or below ip. */
static int find_entry(const struct kdk_orc_table *orc, uint64_t ip, struct orc_entry *out)
{
	const struct kdk_orc_part *part = &orc->core;
	uint64_t lo = 0, hi;
	const uint8_t *e;
	uint16_t bits;
	unsigned raw_type;
	size_t m;

	for (m = 0; m < orc->nr_modules; m++)
		if (ip >= orc->modules[m].text_start && ip < orc->modules[m].text_end)
			part = &orc->modules[m];
	/* Module space (MODULES_VADDR, 0xffffffffc0000000 up) outside every module: nothing. */
	if (part == &orc->core && ip >= 0xffffffffc0000000ULL)
		return -ENOENT;
	hi = part->count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (entry_ip(part, mid) <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	e = part->entries + (lo - 1) * 6;
	memcpy(&out->sp_offset, e, 2);
	memcpy(&out->bp_offset, e + 2, 2);
	memcpy(&bits, e + 4, 2);
	out->sp_reg = bits & 0xf;
	out->bp_reg = (bits >> 4) & 0xf;
	if (orc->signal_layout) {
		raw_type = (bits >> 8) & 0x7;
		out->type = raw_type == 0 ? TYPE_UNDEFINED : raw_type == 1 ? TYPE_END :
			    raw_type == 2 ? TYPE_CALL : raw_type == 3 ? TYPE_REGS :
			    raw_type == 4 ? TYPE_REGS_PARTIAL : TYPE_UNDEFINED;
	} else {
		raw_type = (bits >> 8) & 0x3;
		out->type = (bits >> 10) & 1 ? TYPE_END : raw_type == 0 ? TYPE_CALL :
			    raw_type == 1 ? TYPE_REGS : raw_type == 2 ? TYPE_REGS_PARTIAL : TYPE_UNDEFINED;
		if (out->sp_reg == REG_UNDEFINED && out->type == TYPE_CALL)
			out->type = TYPE_UNDEFINED;
	}
	return 0;
}

static int read_u64(kdk_read_virt_fn read_virt, void *ctx, uint64_t addr, uint64_t *value,
		    struct kdk_err *err)
{
	return read_virt(ctx, addr, value, 8, err);
}

int kdk_orc_step(const struct kdk_orc_table *orc, struct kdk_unwind_state *state,
		 kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err)
{
	struct orc_entry e;
	uint64_t cfa, lookup = state->first ? state->ip : state->ip - 1;
	int rc;

	if (find_entry(orc, lookup, &e))
		return kdk_err_set(err, ENOENT, "no ORC entry for 0x%llx", (unsigned long long)state->ip);
	if (e.type == TYPE_END)
		return KDK_FRAME_END;
	if (e.type == TYPE_UNDEFINED)
		return kdk_err_set(err, EINVAL, "ORC has no unwind data at 0x%llx",
				   (unsigned long long)state->ip);
	switch (e.sp_reg) {
	case REG_SP: cfa = state->sp + e.sp_offset; break;
	case REG_BP: cfa = state->bp + e.sp_offset; break;
	case REG_SP_INDIRECT:
		if ((rc = read_u64(read_virt, read_ctx, state->sp, &cfa, err)))
			return rc;
		cfa += e.sp_offset;
		break;
	case REG_BP_INDIRECT:
		if ((rc = read_u64(read_virt, read_ctx, state->bp + e.sp_offset, &cfa, err)))
			return rc;
		break;
	case REG_DI: cfa = state->regs.di + e.sp_offset; break;
	case REG_DX: cfa = state->regs.dx + e.sp_offset; break;
	case REG_R10: cfa = state->regs.r10 + e.sp_offset; break;
	case REG_R13: cfa = state->regs.r13 + e.sp_offset; break;
	default:
		return kdk_err_set(err, EINVAL, "ORC: unknown sp_reg %u at 0x%llx", e.sp_reg,
				   (unsigned long long)state->ip);
	}
	if (e.type == TYPE_CALL) {
		uint64_t ret, bp = state->bp;

		if ((rc = read_u64(read_virt, read_ctx, cfa - 8, &ret, err)))
			return rc;
		if (e.bp_reg == REG_PREV_SP && (rc = read_u64(read_virt, read_ctx, cfa + e.bp_offset, &bp, err)))
			return rc;
		if (e.bp_reg == REG_BP && (rc = read_u64(read_virt, read_ctx, state->bp + e.bp_offset, &bp, err)))
			return rc;
		if (cfa <= state->sp && !state->first)
			return kdk_err_set(err, ELOOP, "ORC: the stack does not grow at 0x%llx",
					   (unsigned long long)state->ip);
		state->ip = ret;
		state->sp = cfa;
		state->bp = bp;
		state->first = false;
		return KDK_FRAME_CALL;
	}
	/* A pt_regs frame: whole (REGS) or from its ip field on (REGS_PARTIAL). */
	state->regs_addr = e.type == TYPE_REGS ? cfa : cfa - offsetof(struct kdk_pt_regs, ip);
	memset(&state->regs, 0, sizeof(state->regs));
	if (e.type == TYPE_REGS)
		rc = read_virt(read_ctx, state->regs_addr, &state->regs, sizeof(state->regs), err);
	else
		rc = read_virt(read_ctx, cfa, &state->regs.ip,
			       sizeof(state->regs) - offsetof(struct kdk_pt_regs, ip), err);
	if (rc)
		return rc;
	state->ip = state->regs.ip;
	state->sp = state->regs.sp;
	state->bp = e.type == TYPE_REGS ? state->regs.bp : state->bp;
	state->first = true;       /* the interrupted ip is where execution was, not a return */
	return KDK_FRAME_REGS;
}

int kdk_orc_scan_caller(struct kdk_unwind_state *state, uint64_t func_start, uint64_t *found_at,
			kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err)
{
	enum { SCAN_WORDS = 512 };
	uint64_t words[SCAN_WORDS];
	struct kdk_err ignored = { 0 };
	unsigned i, count = 0;

	/* Up to 4 KiB of stack, but never past the end of the page the stack ends on. */
	while (count < SCAN_WORDS &&
	       !read_virt(read_ctx, state->sp + 8ULL * count, &words[count], 8, &ignored))
		count++;
	for (i = 0; i < count; i++) {
		uint8_t call[5];
		int32_t rel;

		if (words[i] < 0xffffffff80000000ULL ||
		    read_virt(read_ctx, words[i] - 5, call, sizeof(call), &ignored))
			continue;
		memcpy(&rel, call + 1, 4);
		if (call[0] != 0xe8 || words[i] + (int64_t)rel != func_start)
			continue;
		*found_at = state->sp + 8ULL * i;
		state->ip = words[i];
		state->sp = *found_at + 8;
		state->first = false;
		return 0;
	}
	if (!count)
		return kdk_err_set(err, EFAULT, "stack at 0x%llx unreadable", (unsigned long long)state->sp);
	return kdk_err_set(err, ENOENT, "no return address into the caller of 0x%llx on the stack",
			   (unsigned long long)func_start);
}
