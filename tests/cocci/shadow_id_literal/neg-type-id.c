// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: Mladek's reworked API keys shadow variables by a
 * struct klp_shadow_type, not a number.
 */
#include <linux/livepatch.h>

static struct klp_shadow_type shadow_leak_type = { .id = 0x1c4e55 };

void *fix_get(void *d)
{
	return klp_shadow_get(d, &shadow_leak_type);
}
