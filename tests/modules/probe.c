// SPDX-License-Identifier: GPL-2.0
/*
 * Test probe: counts the instances of the chain sample's families apart
 * from klpsv's indexes: the shadow variables on the victim's sessions,
 * straight from the kernel's klp_shadow table, in every epoch (indexes of
 * format 1), plus the census of klpsv-owned instances that test builds
 * keep where they allocate and free (format 2; the chain tests run one
 * sample at a time, so every owned instance is the chain's).  Compared
 * with klpsv's own count, it catches an instance that klpsv lost track of
 * (a leak) or freed twice.
 */
#include <linux/atomic.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "../../samples/chain/schemas.h"
#include "../../lib/format.h"

static int __init probe_init(void)
{
	static const unsigned long ids[] = { STATS_ID, TAG_ID };
	unsigned int i, j, epoch, n = 0;
	atomic_long_t *owned;

	for (i = 0; i < CHAIN_SESSIONS; i++)
		for (j = 0; j < ARRAY_SIZE(ids); j++)
			for (epoch = 0; epoch <= KLPSV_ID_EPOCH_MASK; epoch++)
				n += !!klp_shadow_get(&chain_sessions[i],
						      ids[j] | epoch);
	owned = klp_shadow_get(KLPSV_REGISTRY_OBJ, KLPSV_CENSUS_ID);
	pr_info("klpsv_probe: %lu instances on chain sessions (%u shadow variables, %ld owned)\n",
		n + (owned ? atomic_long_read(owned) : 0), n,
		owned ? atomic_long_read(owned) : 0);
	return 0;
}

static void __exit probe_exit(void)
{
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv test: count the chain sample's shadow variables");
