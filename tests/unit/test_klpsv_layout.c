// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv ids and layouts: the id's bit layout (Documentation/format.rst,
 * "Ids"), layout fingerprints that are the same in the kernel build and
 * here, and the additive/breaking decision (klpsv_layout_is_prefix()).
 */
#include <linux/kernel.h>
#include <linux/stddef.h>

#include "../../samples/chain/schemas.h"
#include "test_klpsv.h"

/* usable in static initializers, like any constant expression */
static const unsigned long static_ids[] = {
	KLPSV_ID(0, 0), KLPSV_ID(1, 1), KLPSV_ID(0xffffff, 0xfff),
	KLPSV_ID(0x123456, 0xabc),
};

TEST(klpsv_id_bit_layout)
{
	unsigned int i;

	/* "ksv" << 40 | ns << 16 | n << 4, epoch bits clear */
	EXPECT_EQ(KLPSV_ID(0, 0), 0x6b73760000000000UL);
	EXPECT_EQ(KLPSV_ID(1, 1), 0x6b73760000010010UL);
	EXPECT_EQ(KLPSV_ID(1, 2), 0x6b73760000010020UL);
	EXPECT_EQ(KLPSV_ID(2, 1), 0x6b73760000020010UL);
	EXPECT_EQ(KLPSV_ID(0xffffff, 0xfff), 0x6b7376fffffffff0UL);
	EXPECT_EQ(KLPSV_ID(0x123456, 0xabc), 0x6b7376123456abc0UL);
	EXPECT_EQ(KLPSV_ID_MAGIC, 0x6b7376UL);
	EXPECT_EQ(KLPSV_ID_EPOCH_MASK, 0xfUL);

	for (i = 0; i < ARRAY_SIZE(static_ids); i++) {
		unsigned long id = static_ids[i];

		EXPECT_EQ(id >> KLPSV_ID_MAGIC_SHIFT, KLPSV_ID_MAGIC);
		EXPECT_EQ(id & KLPSV_ID_EPOCH_MASK, 0UL);
	}
	EXPECT_EQ((static_ids[3] >> KLPSV_ID_NS_SHIFT) &
		  ((1UL << KLPSV_ID_NS_BITS) - 1), 0x123456UL);
	EXPECT_EQ((static_ids[3] >> KLPSV_ID_LOCAL_SHIFT) &
		  ((1UL << KLPSV_ID_LOCAL_BITS) - 1), 0xabcUL);
	/* the fields do not overlap: the largest ns and n leave the rest */
	EXPECT_EQ(KLPSV_ID(0xffffff, 0) & KLPSV_ID(0, 0xfff) &
		  ~KLPSV_ID(0, 0), 0UL);
	EXPECT_EQ(KLPSV_ID(0xffffff, 0) | KLPSV_ID(0, 0xfff),
		  KLPSV_ID(0xffffff, 0xfff));
	/* the chain sample's ids, as its debugfs shows them */
	EXPECT_EQ(STATS_ID, 0x6b73760000010010UL);
	EXPECT_EQ(TAG_ID, 0x6b73760000010020UL);
}

static const struct klpsv_layout stats_v1 = STATS_V1_LAYOUT;
static const struct klpsv_layout stats_v2 = STATS_V2_LAYOUT;
static const struct klpsv_layout stats_v3 = STATS_V3_LAYOUT;

TEST(klpsv_fingerprint_matches_the_kernel_build)
{
	/* computed by klpsv built into the chain sample's modules */
	EXPECT_EQ(klpsv_layout_fingerprint(&stats_v1), 0xd422c2d4u);
	EXPECT_EQ(klpsv_layout_fingerprint(&stats_v2), 0x799d9d49u);
	EXPECT_EQ(klpsv_layout_fingerprint(&stats_v3), 0xa15588d1u);
}

/* A hand-written layout: 12 bytes, three u32 members. */
#define F(n, o, s) { n, o, s }
static const struct klpsv_field base_fields[] = {
	F("a", 0, 4), F("b", 4, 4), F("c", 8, 4),
};
static const struct klpsv_layout base = { 12, 3, base_fields };

TEST(klpsv_fingerprint_depends_on_content_only)
{
	/* other arrays and other name strings with the same content */
	char a[] = "a", b[] = "b", c[] = "c";
	struct klpsv_field copy[] = { F(a, 0, 4), F(b, 4, 4), F(c, 8, 4) };
	struct klpsv_layout same = { 12, 3, copy };
	u32 fp = klpsv_layout_fingerprint(&base);

	EXPECT_EQ(klpsv_layout_fingerprint(&same), fp);
	EXPECT_EQ(klpsv_layout_fingerprint(&base), fp);
	EXPECT_NE(fp, 0u);
}

TEST(klpsv_fingerprint_changes_with_any_member_change)
{
	static const struct klpsv_field renamed[] = {
		F("a", 0, 4), F("bb", 4, 4), F("c", 8, 4) };
	static const struct klpsv_field moved[] = {
		F("a", 0, 4), F("c", 4, 4), F("b", 8, 4) };
	static const struct klpsv_field resized[] = {
		F("a", 0, 4), F("b", 4, 2), F("c", 8, 4) };
	static const struct klpsv_field shifted[] = {
		F("a", 0, 4), F("b", 4, 4), F("c", 12, 4) };
	static const struct klpsv_field fewer[] = {
		F("a", 0, 4), F("b", 4, 4) };
	static const struct klpsv_field more[] = {
		F("a", 0, 4), F("b", 4, 4), F("c", 8, 4), F("d", 12, 4) };
	/* names are hashed with their NUL: "ab"+"c" is not "a"+"bc" */
	static const struct klpsv_field split1[] = { F("ab", 0, 4), F("c", 4, 4) };
	static const struct klpsv_field split2[] = { F("a", 0, 4), F("bc", 4, 4) };
	const struct klpsv_layout l_renamed = { 12, 3, renamed };
	const struct klpsv_layout l_moved = { 12, 3, moved };
	const struct klpsv_layout l_resized = { 12, 3, resized };
	const struct klpsv_layout l_shifted = { 16, 3, shifted };
	const struct klpsv_layout l_bigger = { 16, 3, base_fields };
	const struct klpsv_layout l_fewer = { 12, 2, fewer };
	const struct klpsv_layout l_more = { 16, 4, more };
	const struct klpsv_layout l_split1 = { 8, 2, split1 };
	const struct klpsv_layout l_split2 = { 8, 2, split2 };
	u32 fp = klpsv_layout_fingerprint(&base);

	EXPECT_NE(klpsv_layout_fingerprint(&l_renamed), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_moved), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_resized), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_shifted), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_bigger), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_fewer), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_more), fp);
	EXPECT_NE(klpsv_layout_fingerprint(&l_split1),
		  klpsv_layout_fingerprint(&l_split2));
	/* the chain's versions are all different */
	EXPECT_NE(klpsv_layout_fingerprint(&stats_v1),
		  klpsv_layout_fingerprint(&stats_v2));
	EXPECT_NE(klpsv_layout_fingerprint(&stats_v2),
		  klpsv_layout_fingerprint(&stats_v3));
}

TEST(klpsv_layout_is_prefix_additive_cases)
{
	static const struct klpsv_field more[] = {
		F("a", 0, 4), F("b", 4, 4), F("c", 8, 4), F("d", 12, 4) };
	/* the same members listed in another order: still in place */
	static const struct klpsv_field listed[] = {
		F("d", 12, 4), F("c", 8, 4), F("a", 0, 4), F("b", 4, 4) };
	const struct klpsv_layout l_more = { 16, 4, more };
	const struct klpsv_layout l_listed = { 16, 4, listed };
	const struct klpsv_layout l_bigger = { 24, 3, base_fields };

	EXPECT_TRUE(klpsv_layout_is_prefix(&base, &base));
	EXPECT_TRUE(klpsv_layout_is_prefix(&base, &l_more));
	EXPECT_TRUE(klpsv_layout_is_prefix(&base, &l_listed));
	EXPECT_TRUE(klpsv_layout_is_prefix(&base, &l_bigger));
	/* the chain: v1 -> v2 appends bytes after touches */
	EXPECT_TRUE(klpsv_layout_is_prefix(&stats_v1, &stats_v2));
}

TEST(klpsv_layout_is_prefix_breaking_cases)
{
	static const struct klpsv_field renamed[] = {
		F("a", 0, 4), F("bb", 4, 4), F("c", 8, 4) };
	static const struct klpsv_field moved[] = {
		F("a", 0, 4), F("c", 4, 4), F("b", 8, 4) };
	static const struct klpsv_field resized[] = {
		F("a", 0, 4), F("b", 4, 8), F("c", 12, 4) };
	static const struct klpsv_field dropped[] = {
		F("a", 0, 4), F("c", 8, 4), F("d", 12, 4) };
	const struct klpsv_layout l_renamed = { 12, 3, renamed };
	const struct klpsv_layout l_moved = { 12, 3, moved };
	const struct klpsv_layout l_resized = { 16, 3, resized };
	const struct klpsv_layout l_dropped = { 16, 3, dropped };
	const struct klpsv_layout l_smaller = { 8, 2, base_fields };
	const struct klpsv_layout l_padded = { 16, 3, base_fields };

	EXPECT_FALSE(klpsv_layout_is_prefix(&base, &l_renamed));
	EXPECT_FALSE(klpsv_layout_is_prefix(&base, &l_moved));
	EXPECT_FALSE(klpsv_layout_is_prefix(&base, &l_resized));
	EXPECT_FALSE(klpsv_layout_is_prefix(&base, &l_dropped));
	/* smaller than the old struct, even with the same first members */
	EXPECT_FALSE(klpsv_layout_is_prefix(&base, &l_smaller));
	/* every member in place, but the struct is smaller (its padding) */
	EXPECT_FALSE(klpsv_layout_is_prefix(&l_padded, &base));
	EXPECT_TRUE(klpsv_layout_is_prefix(&base, &l_padded));
	/* the chain: v2 -> v3 widens and reorders; back is never additive */
	EXPECT_FALSE(klpsv_layout_is_prefix(&stats_v2, &stats_v3));
}

/*
 * Transition model point 6: a new member in a padding hole of the old
 * struct is not additive.  Old code's whole-struct stores (*p = v) write
 * the hole, and a revert or a failed step, which restore only what lies
 * beyond the old struct, would leave the new member's bytes behind.
 */
TEST(klpsv_layout_is_prefix_refuses_a_member_in_old_padding)
{
	/* struct { u8 a; u32 b; }: bytes 1..3 are padding */
	static const struct klpsv_field holed[] = { F("a", 0, 1), F("b", 4, 4) };
	static const struct klpsv_field filled[] = {
		F("a", 0, 1), F("c", 1, 1), F("b", 4, 4) };
	static const struct klpsv_field appended[] = {
		F("a", 0, 1), F("b", 4, 4), F("c", 8, 1) };
	const struct klpsv_layout l_holed = { 8, 2, holed };
	const struct klpsv_layout l_filled = { 8, 3, filled };
	const struct klpsv_layout l_appended = { 12, 3, appended };

	EXPECT_FALSE(klpsv_layout_is_prefix(&l_holed, &l_filled));
	EXPECT_TRUE(klpsv_layout_is_prefix(&l_holed, &l_appended));
	EXPECT_FALSE(klpsv_layout_is_prefix(&stats_v1, &stats_v3));
	EXPECT_FALSE(klpsv_layout_is_prefix(&stats_v2, &stats_v1));
}
