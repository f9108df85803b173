/* sys_dmi.c — `sys -i`: the firmware's DMI identification strings the kernel kept, as crash shows
 * them: dmi_ident[] (char *dmi_ident[DMI_STRING_MAX], drivers/firmware/dmi_scan.c), each present
 * string under the name enum dmi_field gives its index in BTF (DMI_BIOS_VENDOR, DMI_SYS_VENDOR,
 * DMI_PRODUCT_NAME, …), so a kernel's new fields print by their own names. */
#include <errno.h>
#include <string.h>

#include "commands.h"

#define NAME_WIDTH 25         /* crash's column for the names */

int sys_dmi(struct session *s, struct kdk_err *err)
{
	uint32_t id;
	uint64_t table, ptr;
	int64_t count, i;
	unsigned shown = 0;
	int rc;

	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "sys -i: ");
	id = kdk_btf_find(&s->btf, KDK_BTF_ENUM, "dmi_field");
	if (!id || kdk_btf_enum_value(&s->btf, "DMI_STRING_MAX", &count) || count <= 0 || count > 1024)
		return kdk_err_set(err, ENOENT, "sys -i: BTF has no enum dmi_field with DMI_STRING_MAX");
	if ((rc = session_symbol(s, "dmi_ident", &table, err)))
		return kdk_err_prefix(err, "sys -i: no DMI table (CONFIG_DMI): ");
	for (i = 0; i < count; i++) {
		const char *name = kdk_btf_enum_name(&s->btf, id, i);
		char text[256];

		if ((rc = session_read_u64(s, table + 8 * (uint64_t)i, &ptr, err)))
			return kdk_err_prefix(err, "sys -i: dmi_ident[%lld]: ", (long long)i);
		if (!ptr)
			continue;
		session_read_string(s, ptr, text, sizeof(text));
		if (name)
			fprintf(s->out, "%*s: %s\n", NAME_WIDTH, name, text);
		else
			fprintf(s->out, "%*s%lld: %s\n", NAME_WIDTH - 4, "DMI field ", (long long)i, text);
		shown++;
	}
	if (!shown)
		fprintf(s->out, "(the kernel found no DMI strings: dmi_ident is empty)\n");
	return 0;
}
