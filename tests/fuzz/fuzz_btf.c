/* fuzz_btf.c — BTF parsing (lib/btf.c) and every query and printer over the parsed types
 * (lib/btf_format.c): the blob comes from the dump's memory or a vmlinux's .BTF section. */
#include "fuzz_common.h"
#include "btf.h"
#include "btf_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_btf btf;
	struct kdk_err err = { 0 };
	uint8_t *copy = malloc(size ? size : 1);
	static uint8_t value[4096];
	char decl[512];
	uint32_t id, elem, count, type;
	uint64_t off;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&btf, 0, sizeof(btf));
	if (kdk_btf_parse(&btf, copy, size, &err))
		return 0;
	for (id = 0; id < btf.nr_types && id < 64; id++) {
		unsigned i, vlen = kdk_btf_vlen(&btf, id);
		int64_t v;

		(void)kdk_btf_kind(&btf, id);
		(void)kdk_btf_name(&btf, id);
		(void)kdk_btf_resolve(&btf, id);
		(void)kdk_btf_ref(&btf, id);
		(void)kdk_btf_int_encoding(&btf, id);
		(void)kdk_btf_enum_name(&btf, id, 1);
		(void)kdk_btf_param(&btf, id, 0);
		(void)kdk_btf_array(&btf, id, &elem, &count);
		for (i = 0; i < vlen && i < 16; i++) {
			const char *name;
			uint64_t bit;
			uint32_t t;
			unsigned bits;

			(void)kdk_btf_member_at(&btf, id, i, &name, &t, &bit, &bits);
		}
		kdk_btf_declaration(&btf, id, "x", decl, sizeof(decl));
		kdk_btf_print_struct(&btf, id, true, fuzz_null());
		if (kdk_btf_size(&btf, id) <= sizeof(value))
			kdk_btf_print_value(&btf, id, value, 0xffff888000000000ULL, fuzz_null(), NULL, NULL);
		(void)kdk_btf_enum_value(&btf, "TASK_RUNNING", &v);
	}
	(void)kdk_btf_find(&btf, KDK_BTF_STRUCT, "task_struct");
	(void)kdk_btf_member(&btf, "task_struct", "se.on_rq", &off, &type, &err);
	kdk_btf_free(&btf);
	return 0;
}
