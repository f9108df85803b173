/* unwind/orc.c — ORC unwinding (arch/x86/kernel/unwind_orc.c describes the rules):
 *   orc_entry { s16 sp_offset; s16 bp_offset; sp_reg:4, bp_reg:4, then the type and flag bits }
 * The field positions come from BTF (kdk_orc_layout_from_btf), the ORC_REG_* numbers from a
 * table of numberings (kdk_orc_numberings), the type values from which flag exists:
 *   with end:1 (≤6.3):    type 0 call, 1 regs, 2 regs_partial; the end bit ends the stack
 *   with signal:1 only:   type 0 undefined, 1 end of stack, 2 call, 3 regs, 4 regs_partial
 * The previous frame's SP (the CFA) is sp_reg + sp_offset; a CALL frame's return address is just
 * below it; a REGS frame has a struct pt_regs at the CFA (REGS_PARTIAL: its iret part, i.e. the
 * pt_regs starts offsetof(pt_regs, ip) below). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "unwind/orc.h"
#include "x86_64_vtop.h"

#define U KDK_ORC_REG_UNKNOWN
/* ORC_REG_* per series. Before 7.x (arch/x86/include/asm/orc_types.h, v4.14 – v6.x): 0
 * undefined, 1 prev_sp, 2 dx, 3 di, 4 bp, 5 sp, 6 r10, 7 r13, 8 bp_indirect, 9 sp_indirect.
 * 7.2 (Debian 7.2.13): read from its compiled unwind_next_frame (unwind_orc.c:530, the switch
 * on sp_reg): 1 reads regs->ax, 2 regs->dx, 3 state->sp, 4 state->bp, 5 regs->di, 6 regs->r10,
 * 7 regs->r13, 9 *state->sp, 10 *(state->bp + offset); its bp_reg switch takes 8 as prev_sp
 * (the CFA). */
const struct kdk_orc_numbering kdk_orc_numberings[] = {
	{ "ORC_REG_* of 4.14 – 6.x (sp 5, bp 4, prev_sp 1)",
	  { KDK_ORC_REG_UNDEFINED, KDK_ORC_REG_PREV_SP, KDK_ORC_REG_DX, KDK_ORC_REG_DI,
	    KDK_ORC_REG_BP, KDK_ORC_REG_SP, KDK_ORC_REG_R10, KDK_ORC_REG_R13,
	    KDK_ORC_REG_BP_INDIRECT, KDK_ORC_REG_SP_INDIRECT, U, U, U, U, U, U } },
	{ "ORC_REG_* of 7.x (sp 3, bp 4, prev_sp 8)",
	  { KDK_ORC_REG_UNDEFINED, KDK_ORC_REG_AX, KDK_ORC_REG_DX, KDK_ORC_REG_SP,
	    KDK_ORC_REG_BP, KDK_ORC_REG_DI, KDK_ORC_REG_R10, KDK_ORC_REG_R13,
	    KDK_ORC_REG_PREV_SP, KDK_ORC_REG_SP_INDIRECT, KDK_ORC_REG_BP_INDIRECT, U, U, U, U, U } },
};
const size_t kdk_orc_nr_numberings = sizeof(kdk_orc_numberings) / sizeof(kdk_orc_numberings[0]);
#undef U

/* .orc_header hashes (scripts/orc_hash.sh: sha1 of orc_types.h) seen on the lab kernels. */
static const struct {
	uint8_t hash[20];
	size_t numbering;
} known_headers[] = {
	/* 6.12.117+deb12 */
	{ { 0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9, 0xa5, 0xc6, 0x5b, 0xa5,
	    0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24 }, 0 },
	/* 7.2.13+deb14 */
	{ { 0x13, 0x7c, 0x36, 0xad, 0x76, 0x27, 0xc4, 0xdd, 0x55, 0x93, 0x21, 0x76, 0xbb, 0x0e,
	    0xcd, 0xbd, 0x50, 0x41, 0xfc, 0x82 }, 1 },
};

static uint64_t field(const uint8_t raw[6], const struct kdk_orc_field *f)
{
	uint64_t bits = 0;

	memcpy(&bits, raw, 6);
	return (bits >> f->bit) & ((1ULL << f->width) - 1);
}

void kdk_orc_decode(const struct kdk_orc_layout *layout, const struct kdk_orc_numbering *numbering,
		    const uint8_t raw[6], struct kdk_orc_entry *out)
{
	unsigned type = (unsigned)field(raw, &layout->type);

	out->sp_offset = (int16_t)field(raw, &layout->sp_offset);
	out->bp_offset = (int16_t)field(raw, &layout->bp_offset);
	out->sp_reg = numbering->to_reg[field(raw, &layout->sp_reg) & 15];
	out->bp_reg = numbering->to_reg[field(raw, &layout->bp_reg) & 15];
	out->signal = layout->signal.present && field(raw, &layout->signal);
	if (layout->end.present) {
		/* Before ORC_KDK_ORC_UNDEFINED existed an unknown spot was sp_reg undefined. */
		out->type = field(raw, &layout->end) ? KDK_ORC_END :
			    type == 0 ? KDK_ORC_CALL : type == 1 ? KDK_ORC_REGS :
			    type == 2 ? KDK_ORC_REGS_PARTIAL : KDK_ORC_UNDEFINED;
		if (out->sp_reg == KDK_ORC_REG_UNDEFINED && out->type == KDK_ORC_CALL)
			out->type = KDK_ORC_UNDEFINED;
	} else {
		out->type = type == 1 ? KDK_ORC_END : type == 2 ? KDK_ORC_CALL : type == 3 ? KDK_ORC_REGS :
			    type == 4 ? KDK_ORC_REGS_PARTIAL : KDK_ORC_UNDEFINED;
	}
}

int kdk_orc_layout_from_btf(const struct kdk_btf *btf, struct kdk_orc_layout *layout,
			    struct kdk_err *err)
{
	uint32_t id = kdk_btf_find(btf, KDK_BTF_STRUCT, "orc_entry");
	const char *name;
	uint32_t type;
	uint64_t bit;
	unsigned width, i;

	memset(layout, 0, sizeof(*layout));
	if (!id)
		return kdk_err_set(err, ENOENT, "BTF has no struct orc_entry");
	for (i = 0; !kdk_btf_member_at(btf, id, i, &name, &type, &bit, &width); i++) {
		struct kdk_orc_field *f = !strcmp(name, "sp_offset") ? &layout->sp_offset :
					  !strcmp(name, "bp_offset") ? &layout->bp_offset :
					  !strcmp(name, "sp_reg") ? &layout->sp_reg :
					  !strcmp(name, "bp_reg") ? &layout->bp_reg :
					  !strcmp(name, "type") ? &layout->type :
					  !strcmp(name, "end") ? &layout->end :
					  !strcmp(name, "signal") ? &layout->signal : NULL;

		if (!f)
			continue;
		f->bit = (unsigned)bit;
		f->width = width ? width : 16;     /* the s16 offsets are whole members */
		f->present = bit + f->width <= 48;
	}
	if (!layout->sp_offset.present || !layout->sp_reg.present || !layout->bp_reg.present ||
	    !layout->type.present)
		return kdk_err_set(err, EINVAL, "BTF's struct orc_entry lacks sp_offset, sp_reg, bp_reg "
						"or type within its 6 bytes: an ORC layout kcrash does not know");
	if (!layout->bp_offset.present)
		layout->bp_offset = (struct kdk_orc_field){ 16, 16, true };
	return 0;
}

const struct kdk_orc_numbering *kdk_orc_pick_numbering(const struct kdk_orc_layout *layout,
							const uint8_t *hash, const uint8_t *entries,
							uint64_t count, const char **by)
{
	size_t i, best = 0;
	uint64_t best_votes = 0;

	for (i = 0; hash && i < sizeof(known_headers) / sizeof(known_headers[0]); i++)
		if (!memcmp(hash, known_headers[i].hash, 20)) {
			*by = "the kernel's .orc_header hash";
			return &kdk_orc_numberings[known_headers[i].numbering];
		}
	for (i = 0; i < kdk_orc_nr_numberings; i++) {
		uint64_t e, votes = 0;

		for (e = 0; e < count; e++) {
			struct kdk_orc_entry entry;

			kdk_orc_decode(layout, &kdk_orc_numberings[i], entries + 6 * e, &entry);
			votes += entry.type == KDK_ORC_CALL && entry.sp_reg == KDK_ORC_REG_SP;
		}
		if (votes > best_votes) {
			best_votes = votes;
			best = i;
		}
	}
	*by = hash ? "the tables (unknown .orc_header hash: most CALL entries are SP-based)"
		   : "the tables (no .orc_header: most CALL entries are SP-based)";
	return &kdk_orc_numberings[best];
}

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
	const struct kdk_ksym *ip_start, *ip_stop, *orc_start, *header;
	uint8_t hash[20];
	bool have_hash = false;
	int rc;

	memset(orc, 0, sizeof(*orc));
	if (!(ip_start = need(syms, "__start_orc_unwind_ip", err)) ||
	    !(ip_stop = need(syms, "__stop_orc_unwind_ip", err)) ||
	    !(orc_start = need(syms, "__start_orc_unwind", err)))
		return -ENOENT;
	if ((rc = kdk_orc_layout_from_btf(btf, &orc->layout, err)))
		return rc;
	/* The .orc_header section (6.12 and 7.2 have it, 6.1 not): a hash of orc_types.h. */
	if ((header = kdk_symtab_by_name(syms, "_end")))
		orc->core_text_end = header->addr;
	header = kdk_symtab_by_name(syms, "__start_orc_header");
	if (header) {
		struct kdk_err ignored = { 0 };

		have_hash = !read_virt(read_ctx, header->addr, hash, sizeof(hash), &ignored);
	}
	rc = read_part(&orc->core, ip_start->addr, orc_start->addr, (ip_stop->addr - ip_start->addr) / 4,
		       read_virt, read_ctx, err);
	if (rc) {
		kdk_orc_free(orc);
		return rc;
	}
	orc->numbering = kdk_orc_pick_numbering(&orc->layout, have_hash ? hash : NULL, orc->core.entries,
						orc->core.count, &orc->numbering_by);
	return 0;
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
static int find_entry(const struct kdk_orc_table *orc, uint64_t ip, struct kdk_orc_entry *out)
{
	const struct kdk_orc_part *part = &orc->core;
	uint64_t lo = 0, hi;
	size_t m;

	for (m = 0; m < orc->nr_modules; m++)
		if (ip >= orc->modules[m].text_start && ip < orc->modules[m].text_end)
			part = &orc->modules[m];
	/* Past the end of vmlinux's covered text (module space, outside every module): nothing. */
	if (part == &orc->core && orc->core_text_end && ip >= orc->core_text_end)
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
	kdk_orc_decode(&orc->layout, orc->numbering, part->entries + (lo - 1) * 6, out);
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
	struct kdk_orc_entry e;
	uint64_t cfa, lookup = state->first ? state->ip : state->ip - 1;
	int rc;

	if (find_entry(orc, lookup, &e))
		return kdk_err_set(err, ENOENT, "no ORC entry for 0x%llx", (unsigned long long)state->ip);
	if (e.type == KDK_ORC_END)
		return KDK_FRAME_END;
	if (e.type == KDK_ORC_UNDEFINED)
		return kdk_err_set(err, EINVAL, "ORC has no unwind data at 0x%llx",
				   (unsigned long long)state->ip);
	switch (e.sp_reg) {
	case KDK_ORC_REG_SP: cfa = state->sp + e.sp_offset; break;
	case KDK_ORC_REG_BP: cfa = state->bp + e.sp_offset; break;
	case KDK_ORC_REG_SP_INDIRECT:
		if ((rc = read_u64(read_virt, read_ctx, state->sp, &cfa, err)))
			return rc;
		cfa += e.sp_offset;
		break;
	case KDK_ORC_REG_BP_INDIRECT:
		if ((rc = read_u64(read_virt, read_ctx, state->bp + e.sp_offset, &cfa, err)))
			return rc;
		break;
	case KDK_ORC_REG_AX: cfa = state->regs.ax + e.sp_offset; break;
	case KDK_ORC_REG_DI: cfa = state->regs.di + e.sp_offset; break;
	case KDK_ORC_REG_DX: cfa = state->regs.dx + e.sp_offset; break;
	case KDK_ORC_REG_R10: cfa = state->regs.r10 + e.sp_offset; break;
	case KDK_ORC_REG_R13: cfa = state->regs.r13 + e.sp_offset; break;
	default:
		return kdk_err_set(err, EINVAL, "ORC: unknown sp_reg %u at 0x%llx", e.sp_reg,
				   (unsigned long long)state->ip);
	}
	if (e.type == KDK_ORC_CALL) {
		uint64_t ret, bp = state->bp;

		if ((rc = read_u64(read_virt, read_ctx, cfa - 8, &ret, err)))
			return rc;
		if (e.bp_reg == KDK_ORC_REG_PREV_SP && (rc = read_u64(read_virt, read_ctx, cfa + e.bp_offset, &bp, err)))
			return rc;
		if (e.bp_reg == KDK_ORC_REG_BP && (rc = read_u64(read_virt, read_ctx, state->bp + e.bp_offset, &bp, err)))
			return rc;
		/* Up within one stack; a switch (SP_INDIRECT through the pointer the kernel left
		 * at the top of an IRQ stack, or a frame on another stack) to a stack not left
		 * before. */
		if (state->walk) {
			if ((rc = kdk_stack_walk_check(state->walk, state->sp, cfa, state->ip, state->first,
						       err)))
				return rc;
		} else if (cfa <= state->sp && !state->first) {
			return kdk_err_set(err, ELOOP, "ORC: the stack does not grow at 0x%llx",
					   (unsigned long long)state->ip);
		}
		state->ip = ret;
		state->sp = cfa;
		state->bp = bp;
		state->first = false;
		return KDK_FRAME_CALL;
	}
	/* A pt_regs frame: whole (REGS) or from its ip field on (REGS_PARTIAL). */
	state->regs_addr = e.type == KDK_ORC_REGS ? cfa : cfa - offsetof(struct kdk_pt_regs, ip);
	memset(&state->regs, 0, sizeof(state->regs));
	if (e.type == KDK_ORC_REGS)
		rc = read_virt(read_ctx, state->regs_addr, &state->regs, sizeof(state->regs), err);
	else
		rc = read_virt(read_ctx, cfa, &state->regs.ip,
			       sizeof(state->regs) - offsetof(struct kdk_pt_regs, ip), err);
	if (rc)
		return rc;
	state->ip = state->regs.ip;
	state->sp = state->regs.sp;
	state->bp = e.type == KDK_ORC_REGS ? state->regs.bp : state->bp;
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

		if (words[i] < KDK_X86_64_START_KERNEL_MAP ||
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
