// SPDX-License-Identifier: GPL-2.0
/* Negative: every result is tested before it is dereferenced. */
#include <linux/livepatch.h>

#define SV_COUNTER 2
#define SV_LEAK 1

struct dummy {
	unsigned long jiffies_expire;
};

bool livepatch_dummy_check(struct dummy *d, unsigned long jiffies)
{
	int *shadow_count;

	shadow_count = klp_shadow_get_or_alloc(d, SV_COUNTER,
					       sizeof(*shadow_count),
					       GFP_NOWAIT, NULL, NULL);
	if (shadow_count)
		*shadow_count += 1;

	return time_after(jiffies, d->jiffies_expire);
}

void livepatch_dummy_free(struct dummy *d)
{
	int **shadow_leak = klp_shadow_get(d, SV_LEAK);
	int *count;

	if (!shadow_leak) {
		pr_info("dummy @ %p leaked!\n", d);
		return;
	}
	kfree(*shadow_leak);

	count = klp_shadow_get(d, SV_COUNTER);
	if (count == NULL)
		return;
	pr_info("dummy @ %p, check counter = %d\n", d, *count);
}

int livepatch_dummy_count(struct dummy *d)
{
	int *count = klp_shadow_get(d, SV_COUNTER);

	return count && *count > 0 ? *count : 0;
}
