// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-build step 2 of the chain sample: the records create-diff-object
 * would write for it (sections .kpatch.funcs and .kpatch.callbacks.*
 * upstream, plain arrays here), then the generated init (patch_hook.c).
 */
#include <linux/module.h>

#include "../chain/chain.h"
#include "kpatch_macros.h"

KPATCH_DECLARE_CALLBACKS(vmlinux);

static const struct kpatch_patch_func kpatch_funcs[] = {
	{ chain_touch, "chain_touch", "klpsv_chain_victim", },
	{ chain_report, "chain_report", "klpsv_chain_victim", },
	{ chain_close, "chain_close", "klpsv_chain_victim", },
	{ chain_park, "chain_park", "klpsv_chain_victim", },
};

static struct kpatch_pre_patch_callback *const kpatch_pre_patch_cbs[] = {
	KPATCH_PRE_PATCH_REC(vmlinux),
};

static struct kpatch_post_patch_callback *const kpatch_post_patch_cbs[] = {
	KPATCH_POST_PATCH_REC(vmlinux),
};

static struct kpatch_post_unpatch_callback *const kpatch_post_unpatch_cbs[] = {
	KPATCH_POST_UNPATCH_REC(vmlinux),
};

#define KPATCH_NR_PRE_PATCH	ARRAY_SIZE(kpatch_pre_patch_cbs)
#define KPATCH_NR_POST_PATCH	ARRAY_SIZE(kpatch_post_patch_cbs)
#define KPATCH_NR_POST_UNPATCH	ARRAY_SIZE(kpatch_post_unpatch_cbs)
#define KPATCH_NR_CALLBACKS	(KPATCH_NR_PRE_PATCH + KPATCH_NR_POST_PATCH + \
				 KPATCH_NR_POST_UNPATCH)

#include "patch_hook.c"

MODULE_DESCRIPTION("klpsv kpatch sample: chain step 2 (stats v2, tag v1), generated init");
