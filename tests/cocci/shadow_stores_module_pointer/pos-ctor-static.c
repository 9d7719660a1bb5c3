// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a constructor links the shadow data to a static default
 * object and a callback of this module.
 */
#include <linux/livepatch.h>

#define SV_POLICY 31

struct policy {
	unsigned int max_retries;
};

struct policy_shadow {
	const struct policy *policy;
	void (*notify)(void *obj);
};

static struct policy default_policy = {
	.max_retries = 3,
};

static void notify_v1(void *obj)
{
}

static int policy_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct policy_shadow *ps = shadow_data;

	ps->policy = &default_policy;
	ps->notify = &notify_v1;
	return 0;
}

static int counter_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	static unsigned long instances;

	*(unsigned long **)shadow_data = &instances;
	return 0;
}

void *livepatch_policy_get(void *obj)
{
	klp_shadow_get_or_alloc(obj, SV_POLICY + 1, sizeof(void *), GFP_ATOMIC,
				counter_ctor, NULL);
	return klp_shadow_get_or_alloc(obj, SV_POLICY,
				       sizeof(struct policy_shadow),
				       GFP_ATOMIC, policy_ctor, NULL);
}
