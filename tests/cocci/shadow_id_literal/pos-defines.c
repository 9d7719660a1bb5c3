// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: small ids behind a #define and an enum of the file (the
 * upstream samples' SV_LEAK is 1).
 */
#include <linux/livepatch.h>

#define SV_LEAK		1
#define SV_COUNTER	(2)

enum { SV_FLAGS = 5, SV_MORE };

void fix_dummy_free(void *d)
{
	if (klp_shadow_get(d, SV_LEAK))
		klp_shadow_free(d, SV_LEAK, NULL);
}

void fix_exit(void)
{
	klp_shadow_free_all(SV_COUNTER, NULL);
	klp_shadow_free_all(SV_MORE, NULL);
}
