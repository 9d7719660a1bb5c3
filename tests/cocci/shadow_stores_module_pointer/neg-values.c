// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the shadow data holds values (copies, a version number),
 * heap pointers and pointers to the object itself.
 */
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_LEAK 1
#define SV_POLICY 31

struct policy {
	unsigned int max_retries;
};

struct policy_shadow {
	struct policy policy;
	unsigned int version;
	void *owner_obj;
	char *label;
	struct list_head node;
};

static struct policy default_policy = {
	.max_retries = 3,
};

static int shadow_leak_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	int **shadow_leak = shadow_data;
	int **leak = ctor_data;

	if (!ctor_data)
		return -EINVAL;
	*shadow_leak = *leak;
	return 0;
}

static int policy_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct policy_shadow *ps = shadow_data;

	ps->policy = default_policy;
	ps->version = 2;
	ps->owner_obj = obj;
	ps->label = ctor_data;
	INIT_LIST_HEAD(&ps->node);
	return 0;
}

int livepatch_attach(void *obj)
{
	struct policy_shadow *ps;
	int *leak = kzalloc(sizeof(*leak), GFP_KERNEL);

	if (!leak)
		return -ENOMEM;
	if (!klp_shadow_alloc(obj, SV_LEAK, sizeof(leak), GFP_KERNEL,
			      shadow_leak_ctor, &leak))
		return -ENOMEM;
	ps = klp_shadow_get_or_alloc(obj, SV_POLICY, sizeof(*ps), GFP_KERNEL,
				     policy_ctor, kstrdup("x", GFP_KERNEL));
	if (!ps)
		return -ENOMEM;
	ps->policy.max_retries = default_policy.max_retries;
	ps->label = kstrdup(ps->label, GFP_KERNEL);
	return 0;
}
