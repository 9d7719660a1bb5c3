// SPDX-License-Identifier: GPL-2.0
/*
 * Per-object shadow data, freed wholesale from the cleanup that
 * livepatch_main.c's module_exit() calls: shadow_free_in_exit across
 * files.
 */
#include <linux/livepatch.h>

#define KLP_SHADOW_ID(bsc, id) (((unsigned long)(bsc) << 6) | (id))
#define KLP_BSC1_FLAG_ID KLP_SHADOW_ID(1111111, 1)

struct sock;

int klpp_sock_mark(struct sock *sk)
{
	bool *flag;

	flag = klp_shadow_get_or_alloc(sk, KLP_BSC1_FLAG_ID, sizeof(*flag),
				       GFP_ATOMIC, NULL, NULL);
	if (!flag)
		return -ENOMEM;
	*flag = true;
	return 0;
}

int livepatch_bsc1_init(void)
{
	return 0;
}

void livepatch_bsc1_cleanup(void)
{
	klp_shadow_free_all(KLP_BSC1_FLAG_ID, NULL);
}
