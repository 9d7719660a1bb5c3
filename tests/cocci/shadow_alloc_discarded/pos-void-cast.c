// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a "pre-allocation" through get_or_alloc(), cast to void.
 */
#include <linux/livepatch.h>

#define SV_STATS 0x7a32

struct sock_stats { unsigned long drops; };

void fix_sock_init(void *sk)
{
	(void)klp_shadow_get_or_alloc(sk, SV_STATS, sizeof(struct sock_stats),
				      GFP_ATOMIC, NULL, NULL);
}

void fix_sock_init2(void *sk)
{
	if (sk)
		klp_shadow_get_or_alloc(sk, SV_STATS, sizeof(struct sock_stats),
					GFP_ATOMIC, NULL, NULL);
}
