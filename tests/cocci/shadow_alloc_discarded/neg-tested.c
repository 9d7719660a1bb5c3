// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: results kept and tested, returned, or tested in the call's
 * own condition.
 */
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_LEAK_ID 0x7a31

struct dummy { unsigned long expire; };

struct dummy *fix_dummy_alloc(void)
{
	struct dummy *d;
	int **sv;
	int *leak;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	leak = kzalloc(sizeof(*leak), GFP_KERNEL);
	sv = klp_shadow_alloc(d, SV_LEAK_ID, sizeof(leak), GFP_KERNEL, NULL, NULL);
	if (!sv) {
		kfree(leak);
		kfree(d);
		return NULL;
	}
	*sv = leak;
	return d;
}

void *fix_get_counter(void *obj)
{
	return klp_shadow_get_or_alloc(obj, SV_LEAK_ID + 1, sizeof(int),
				       GFP_NOWAIT, NULL, NULL);
}

int fix_mark(void *obj)
{
	if (!klp_shadow_get_or_alloc(obj, SV_LEAK_ID + 2, sizeof(int),
				     GFP_NOWAIT, NULL, NULL))
		return -ENOMEM;
	return 0;
}
