// SPDX-License-Identifier: GPL-2.0
/*
 * klp-build step 2 of the chain sample: the records "objtool klp diff"
 * would write for it (sections __klp_objects and __klp_funcs upstream,
 * plain arrays here), then the generated init (init.c).
 */
#include <linux/module.h>

#include "../chain/chain.h"
#include "klp_helpers.h"

KLP_DECLARE_CALLBACKS(vmlinux);

static const struct klp_func_ext victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = chain_touch, },
	{ .old_name = "chain_report", .new_func = chain_report, },
	{ .old_name = "chain_close", .new_func = chain_close, },
	{ .old_name = "chain_park", .new_func = chain_park, },
};

static const struct klp_object_ext klp_objects[] = {
	{
		.name = NULL,	/* vmlinux: callbacks only */
		.callbacks = KLP_CALLBACKS_EXT(vmlinux),
	}, {
		.name = "klpsv_chain_victim",
		.funcs = victim_funcs,
		.nr_funcs = ARRAY_SIZE(victim_funcs),
	},
};

static const unsigned int klp_nr_objects = ARRAY_SIZE(klp_objects);

#include "init.c"

MODULE_DESCRIPTION("klpsv klp-build sample: chain step 2 (stats v2, tag v1), generated init");
