// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the old upstream shadow sample's shape: memory handed to the
 * constructor through ctor_data, and the klp_shadow_alloc() result never
 * looked at: on ENOMEM or a duplicate <obj, id> the memory leaks.
 */
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_LEAK_ID 0x7a31

struct dummy { unsigned long expire; };

static int leak_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	void **sv = shadow_data;

	*sv = ctor_data;
	return 0;
}

struct dummy *fix_dummy_alloc(void)
{
	struct dummy *d;
	void *leak;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	leak = kzalloc(sizeof(int), GFP_KERNEL);
	klp_shadow_alloc(d, SV_LEAK_ID, sizeof(leak), GFP_KERNEL,
			 leak_ctor, leak);
	return d;
}
