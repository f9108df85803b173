/* kfacts.c — the chain itself: sources asked in order, lazy ones loaded on first need, the
 * answering source remembered for messages; and the VMCOREINFO source. */
#include "kfacts/kfacts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void kdk_facts_init(struct kdk_facts *f)
{
	memset(f, 0, sizeof(*f));
	kdk_array_init(&f->sources, sizeof(struct kdk_facts_source));
}

void kdk_facts_free(struct kdk_facts *f)
{
	size_t i;

	for (i = 0; i < f->sources.len; i++) {
		struct kdk_facts_source *s = kdk_array_at(&f->sources, i);

		if (s->release)
			s->release(s->ctx);
	}
	kdk_array_free(&f->sources);
	f->answered_by = NULL;
}

int kdk_facts_add(struct kdk_facts *f, const struct kdk_facts_source *src, struct kdk_err *err)
{
	struct kdk_facts_source *s = kdk_array_push(&f->sources, err);

	if (!s) {
		if (src->release)
			src->release(src->ctx);
		return -err->code ? -err->code : -ENOMEM;
	}
	*s = *src;
	s->state = src->load ? 0 : 1;
	memset(&s->load_err, 0, sizeof(s->load_err));
	return 0;
}

static int ask(struct kdk_facts *f, bool load, enum kdk_layout_kind kind, const char *name,
	       uint64_t *value)
{
	size_t i;

	/* Index, not pointer: a source's lookup may ask the chain again (the arch source asks
	 * for the paging mode), and nothing is added meanwhile, but stay safe. */
	for (i = 0; i < f->sources.len; i++) {
		struct kdk_facts_source *s = kdk_array_at(&f->sources, i);

		if (s->state == 0) {
			if (!load)
				continue;
			s->state = 1;    /* a load that asks the chain does not recurse into itself */
			if (s->load(s->ctx, &s->load_err) < 0)
				s->state = -(s->load_err.code ? s->load_err.code : EIO);
		}
		if (s->state < 0)
			continue;
		if (s->lookup(s->ctx, kind, name, value) == 0) {
			f->answered_by = ((struct kdk_facts_source *)kdk_array_at(&f->sources, i))->name;
			return 0;
		}
	}
	return -ENOENT;
}

int kdk_facts_lookup(void *facts, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	return ask(facts, true, kind, name, value);
}

int kdk_facts_lookup_ready(void *facts, enum kdk_layout_kind kind, const char *name,
			   uint64_t *value)
{
	return ask(facts, false, kind, name, value);
}

const char *kdk_facts_source_of(struct kdk_facts *f, enum kdk_layout_kind kind, const char *name)
{
	uint64_t value;

	return ask(f, true, kind, name, &value) == 0 ? f->answered_by : NULL;
}

void kdk_facts_describe(const struct kdk_facts *f, char *buf, size_t size)
{
	size_t i, used = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < f->sources.len && used < size; i++) {
		const struct kdk_facts_source *s = kdk_array_at(&f->sources, i);
		int n;

		if (s->state < 0)
			n = snprintf(buf + used, size - used, "%s%s (unreadable: %s)", i ? ", " : "",
				     s->name, s->load_err.msg);
		else if (s->state == 0)
			n = snprintf(buf + used, size - used, "%s%s (not read)", i ? ", " : "", s->name);
		else
			n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", s->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int kdk_facts_fill(struct kdk_facts *f, const struct kdk_layout_key *keys, void *layout,
		   struct kdk_err *err)
{
	const struct kdk_layout_key *key;
	char asked[384], wanted[256];
	int rc = kdk_layout_fill(keys, layout, kdk_facts_lookup, f, err);

	if (rc != -ENOENT)
		return rc;
	for (key = keys; key->name; key++) {
		uint64_t value;

		/* A row may list a kernel's renamings ("new|old"): any of them answers. */
		if (key->present == KDK_LAYOUT_REQUIRED &&
		    kdk_layout_lookup_key(key, kdk_facts_lookup, f, &value, NULL, 0) < 0)
			break;
	}
	kdk_facts_describe(f, asked, sizeof(asked));
	if (!key->name)
		return rc;
	kdk_layout_key_describe(key->kind, key->name, wanted, sizeof(wanted));
	return kdk_err_set(err, ENOENT, "%s is in none of %s", wanted, asked);
}

/* VMCOREINFO: its own lookup, borrowed. */
int kdk_facts_add_vmcoreinfo(struct kdk_facts *f, const struct kdk_vmcoreinfo *vi,
			     struct kdk_err *err)
{
	struct kdk_facts_source src = {
		.name = "VMCOREINFO",
		.lookup = kdk_vmcoreinfo_layout_lookup,
		.ctx = (void *)vi,
	};

	return kdk_facts_add(f, &src, err);
}
