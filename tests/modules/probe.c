// SPDX-License-Identifier: GPL-2.0
/*
 * Test probe: counts the shadow variables of the chain sample's families
 * on the victim's sessions, straight from the kernel's klp_shadow table,
 * in every epoch.  Compared with klpsv's own count, it catches an
 * instance that klpsv lost track of (a leak) or freed twice.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include "../../samples/chain/schemas.h"

static int __init probe_init(void)
{
	static const unsigned long ids[] = { STATS_ID, TAG_ID };
	unsigned int i, j, epoch, n = 0;

	for (i = 0; i < CHAIN_SESSIONS; i++)
		for (j = 0; j < ARRAY_SIZE(ids); j++)
			for (epoch = 0; epoch <= KLPSV_ID_EPOCH_MASK; epoch++)
				n += !!klp_shadow_get(&chain_sessions[i],
						      ids[j] | epoch);
	pr_info("klpsv_probe: %u shadow variables on chain sessions\n", n);
	return 0;
}

static void __exit probe_exit(void)
{
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: count the chain sample's shadow variables");
