// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv's compatibility layer (lib/compat.h) must reach the
 * kernel interfaces, here the model, unchanged.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "compat.h"

#include "klp_model.h"
#include "test.h"

#define COMPAT_ID 0xc0ba7UL

static int compat_obj;

TEST(compat_shadow_wrappers_reach_the_model)
{
	u32 *data, *again;

	data = klpsv_compat_shadow_get_or_alloc(&compat_obj, COMPAT_ID, sizeof(u32),
						GFP_KERNEL, NULL, NULL);
	ASSERT_NOT_NULL(data);
	*data = 11;
	EXPECT_EQ(klpm_shadow_count(COMPAT_ID), 1);
	EXPECT(klp_shadow_get(&compat_obj, COMPAT_ID) == data);
	again = klpsv_compat_shadow_get(&compat_obj, COMPAT_ID);
	EXPECT(again == data);
	/* size-blind, like the kernel's */
	EXPECT(klpsv_compat_shadow_get_or_alloc(&compat_obj, COMPAT_ID, 64,
						GFP_KERNEL, NULL, NULL) == data);
	klpsv_compat_shadow_free(&compat_obj, COMPAT_ID);
	EXPECT_NULL(klp_shadow_get(&compat_obj, COMPAT_ID));
	EXPECT_EQ(klpm_shadow_count_all(), 0);
	/* one key for the whole system, the same for every caller */
	EXPECT_NOT_NULL(klpsv_compat_registry_key());
	EXPECT(klpsv_compat_registry_key() == klpsv_compat_registry_key());
}

static int compat_func(void)
{
	return 0;
}

static struct module compat_mod = { .name = "klpsv_compat_test" };
static struct klp_func compat_funcs[] = {
	{ .old_name = "compat_old", .new_func = compat_func }, { }
};
static struct klp_object compat_objs[] = { { .funcs = compat_funcs }, { } };
static struct klp_state compat_states[2];
static struct klp_patch compat_patch = {
	.mod = &compat_mod,
	.objs = compat_objs,
	.replace = true,
};

TEST(compat_patch_helpers_reach_the_model)
{
	klpsv_compat_set_state(&compat_states[0], COMPAT_ID, 3);
	klpsv_compat_set_states(&compat_patch, compat_states);
	EXPECT(klpsv_compat_is_replace(&compat_patch));
	EXPECT_STREQ(klpsv_compat_patch_name(&compat_patch), "klpsv_compat_test");

	ASSERT_EQ(klpsv_compat_enable_patch(&compat_patch), 0);
	EXPECT(klpm_patch_installed(&compat_patch));
	ASSERT_NOT_NULL(klp_get_state(&compat_patch, COMPAT_ID));
	EXPECT_EQ(klp_get_state(&compat_patch, COMPAT_ID)->version, 3);
	EXPECT_NULL(klp_get_state(&compat_patch, COMPAT_ID + 1));
	ASSERT_EQ(klpm_disable(&compat_patch), 0);
	EXPECT_EQ(module_refcount(&compat_mod), 0);
}
