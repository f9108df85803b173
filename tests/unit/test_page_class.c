/* test_page_class.c — page classification with the VMCOREINFO numbers of the two lab kernels:
 * 6.1 (page types as cleared bits, PG_slab flag) and 6.12 (page type in the top byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "page_class.h"

/* Common to both: SIZE(page)=64, flags@0, compound_head@8, mapping@24, private@40, _mapcount@48. */
static void base_layout(struct kdk_page_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->page_size = 64; l->have_page_size = true;
	l->off_flags = 0; l->have_flags = true;
	l->off_compound_head = 8; l->have_compound_head = true;
	l->off_mapping = 24; l->have_mapping = true;
	l->off_private = 40; l->have_private = true;
	l->off_mapcount = 48; l->have_mapcount = true;
	l->free_area_length = 11; l->have_free_area_length = true;
}

/* NUMBERs as Debian's 6.1.0-56 exports them. */
static void layout_61(struct kdk_page_layout *l)
{
	base_layout(l);
	l->off_compound_dtor = 16; l->have_compound_dtor = true;
	l->pg_lru = 4; l->have_pg_lru = true;
	l->pg_private = 13; l->have_pg_private = true;
	l->pg_swapcache = 10; l->have_pg_swapcache = true;
	l->pg_swapbacked = 19; l->have_pg_swapbacked = true;
	l->pg_slab = 9; l->have_pg_slab = true;
	l->pg_head_mask = 65536; l->have_pg_head_mask = true;
	l->buddy_type = (uint64_t)-129; l->have_buddy_type = true;
	l->offline_type = (uint64_t)-257; l->have_offline_type = true;
	l->hugetlb_dtor = 2; l->have_hugetlb_dtor = true;
}

/* NUMBERs as Debian's 6.12.117 exports them. */
static void layout_612(struct kdk_page_layout *l)
{
	base_layout(l);
	l->pg_lru = 5; l->have_pg_lru = true;
	l->pg_private = 14; l->have_pg_private = true;
	l->pg_swapcache = 10; l->have_pg_swapcache = true;
	l->pg_swapbacked = 17; l->have_pg_swapbacked = true;
	l->pg_head_mask = 64; l->have_pg_head_mask = true;
	l->pg_hwpoison = 20; l->have_pg_hwpoison = true;
	l->buddy_type = (uint64_t)-268435456; l->have_buddy_type = true;   /* 0xf0000000 */
	l->offline_type = (uint64_t)-251658240; l->have_offline_type = true; /* 0xf1000000 */
	l->slab_type = (uint64_t)-184549376; l->have_slab_type = true;     /* 0xf5000000 */
	l->hugetlb_type = (uint64_t)-201326592; l->have_hugetlb_type = true; /* 0xf4000000 */
}

struct fake_page {
	unsigned char bytes[64];
};

static void page_init(struct fake_page *p)
{
	uint32_t no_type = UINT32_MAX; /* _mapcount -1: no page type, not mapped */
	memset(p, 0, sizeof(*p));
	memcpy(p->bytes + 48, &no_type, 4);
}

static void set64(struct fake_page *p, size_t off, uint64_t v) { memcpy(p->bytes + off, &v, 8); }
static void set32(struct fake_page *p, size_t off, uint32_t v) { memcpy(p->bytes + off, &v, 4); }

static enum kdk_page_class classify(const struct kdk_page_layout *l, unsigned level,
				    const struct fake_page *p, struct kdk_page_info *info)
{
	kdk_page_classify(l, level, p->bytes, NULL, info);
	return info->page_class;
}

static void buddy_head_is_free_with_its_order_61(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_61(&l);
	page_init(&p);
	set32(&p, 48, 0xffffff7f); /* PG_buddy cleared */
	set64(&p, 40, 3);
	assert_int_equal(classify(&l, 31, &p, &info), KDK_PAGE_FREE);
	assert_int_equal(info.order, 3);
	assert_int_equal(classify(&l, 15, &p, &info), KDK_PAGE_KEEP); /* level without free */
	set64(&p, 40, 11); /* order past LENGTH(zone.free_area): not a free block */
	assert_int_equal(classify(&l, 31, &p, &info), KDK_PAGE_KEEP);
}

static void buddy_head_is_free_612_top_byte(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_612(&l);
	page_init(&p);
	set32(&p, 48, 0xf0000000);
	set64(&p, 40, 10);
	assert_int_equal(classify(&l, 16, &p, &info), KDK_PAGE_FREE);
	assert_int_equal(info.order, 10);
	/* the 6.1 encoding of buddy must not be read as buddy on 6.12 */
	set32(&p, 48, 0xffffff7f);
	assert_int_equal(classify(&l, 16, &p, &info), KDK_PAGE_KEEP);
}

static void slab_with_anon_looking_mapping_is_kept_612(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_612(&l);
	page_init(&p);
	set32(&p, 48, 0xf5000000);                 /* PAGE_SLAB_MAPCOUNT_VALUE */
	set64(&p, 24, 0xff11000012345601ULL);      /* bit 0 set, as the lab dump shows */
	assert_int_equal(classify(&l, 31, &p, &info), KDK_PAGE_KEEP);
}

static void slab_flag_blocks_buddy_and_user_61(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_61(&l);
	page_init(&p);
	set64(&p, 0, 1ULL << 9);                   /* PG_slab */
	set32(&p, 48, 0xffffff7f);
	set64(&p, 24, 0x1);
	assert_int_equal(classify(&l, 31, &p, &info), KDK_PAGE_KEEP);
}

static void cache_private_and_anon_follow_the_level(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_61(&l);
	page_init(&p);
	set64(&p, 0, 1ULL << 4);                   /* PG_lru */
	set64(&p, 24, 0xff11000000001000ULL);      /* a file mapping */
	assert_int_equal(classify(&l, 2, &p, &info), KDK_PAGE_CACHE);
	assert_int_equal(classify(&l, 4, &p, &info), KDK_PAGE_CACHE);
	assert_int_equal(classify(&l, 8, &p, &info), KDK_PAGE_KEEP);
	set64(&p, 0, (1ULL << 4) | (1ULL << 13));  /* + PG_private */
	assert_int_equal(classify(&l, 2, &p, &info), KDK_PAGE_KEEP);
	assert_int_equal(classify(&l, 6, &p, &info), KDK_PAGE_CACHE_PRIVATE);
	set64(&p, 24, 0xff11000000002001ULL);      /* anon_vma: user data even on the LRU */
	assert_int_equal(classify(&l, 6, &p, &info), KDK_PAGE_KEEP);
	assert_int_equal(classify(&l, 8, &p, &info), KDK_PAGE_USER);
}

static void swapcache_counts_only_when_swapbacked(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_612(&l);
	page_init(&p);
	set64(&p, 0, 1ULL << 10);                  /* PG_swapcache alias alone: PG_owner_priv_1 */
	assert_int_equal(classify(&l, 2, &p, &info), KDK_PAGE_KEEP);
	set64(&p, 0, (1ULL << 10) | (1ULL << 17));
	assert_int_equal(classify(&l, 2, &p, &info), KDK_PAGE_CACHE);
}

static void tail_pages_point_to_their_head(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_612(&l);
	page_init(&p);
	set64(&p, 8, 0xffea000000001000ULL | 1);
	assert_int_equal(classify(&l, 31, &p, &info), KDK_PAGE_TAIL);
	assert_int_equal(info.head_vaddr, 0xffea000000001000ULL);
}

static void hugetlb_is_user_data_both_encodings(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page head, next;
	(void)state;
	layout_61(&l);
	page_init(&head);
	page_init(&next);
	set64(&head, 0, 65536);                    /* PG_head */
	next.bytes[16] = 2;                        /* compound_dtor = HUGETLB_PAGE_DTOR */
	kdk_page_classify(&l, 8, head.bytes, next.bytes, &info);
	assert_int_equal(info.page_class, KDK_PAGE_USER);
	kdk_page_classify(&l, 8, head.bytes, NULL, &info);
	assert_int_equal(info.page_class, KDK_PAGE_KEEP);

	layout_612(&l);
	page_init(&head);
	set32(&head, 48, 0xf4000000);
	assert_int_equal(classify(&l, 8, &head, &info), KDK_PAGE_USER);
	assert_int_equal(classify(&l, 7, &head, &info), KDK_PAGE_KEEP);
}

static void hwpoison_and_offline_are_always_excluded(void **state)
{
	struct kdk_page_layout l;
	struct kdk_page_info info;
	struct fake_page p;
	(void)state;
	layout_612(&l);
	page_init(&p);
	set64(&p, 0, 1ULL << 20);
	assert_int_equal(classify(&l, 0, &p, &info), KDK_PAGE_HWPOISON);
	page_init(&p);
	set32(&p, 48, 0xf1000000);
	assert_int_equal(classify(&l, 0, &p, &info), KDK_PAGE_OFFLINE);
	assert_true(kdk_page_layout_walk_needed(&l, 0));
	layout_61(&l);
	assert_false(kdk_page_layout_walk_needed(&l, 1)); /* no PG_hwpoison exported on 6.1 */
	assert_true(kdk_page_layout_walk_needed(&l, 16));
}

static void missing_keys_are_named_per_level(void **state)
{
	struct kdk_page_layout l;
	struct kdk_err err = { 0 };
	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(kdk_page_layout_check(&l, 0, &err), 0);
	assert_int_equal(kdk_page_layout_check(&l, 1, &err), 0);
	assert_true(kdk_page_layout_check(&l, 31, &err) < 0);
	assert_non_null(strstr(err.msg, "SIZE(page)"));
	layout_61(&l);
	l.have_buddy_type = false;
	assert_int_equal(kdk_page_layout_check(&l, 15, &err), 0);
	assert_true(kdk_page_layout_check(&l, 16, &err) < 0);
	assert_non_null(strstr(err.msg, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"));
	assert_true(kdk_page_layout_check(&l, 32, &err) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buddy_head_is_free_with_its_order_61),
		cmocka_unit_test(buddy_head_is_free_612_top_byte),
		cmocka_unit_test(slab_with_anon_looking_mapping_is_kept_612),
		cmocka_unit_test(slab_flag_blocks_buddy_and_user_61),
		cmocka_unit_test(cache_private_and_anon_follow_the_level),
		cmocka_unit_test(swapcache_counts_only_when_swapbacked),
		cmocka_unit_test(tail_pages_point_to_their_head),
		cmocka_unit_test(hugetlb_is_user_data_both_encodings),
		cmocka_unit_test(hwpoison_and_offline_are_always_excluded),
		cmocka_unit_test(missing_keys_are_named_per_level),
	};
	return cmocka_run_group_tests_name("page_class", tests, NULL, NULL);
}
