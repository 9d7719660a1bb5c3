// SPDX-License-Identifier: GPL-2.0
/* Positive: sizeof of another variable, of another type. */
#include <linux/livepatch.h>

#define SV_QUOTA 11
#define SV_LIMIT 12

struct quota {
	u64 bytes;
	u64 files;
};

struct limit {
	u32 soft;
};

int livepatch_quota_attach(void *inode, struct quota *defaults)
{
	struct quota *q;
	struct limit *l;

	q = klp_shadow_alloc(inode, SV_QUOTA, sizeof(*l), GFP_ATOMIC,
			     NULL, NULL);
	if (!q)
		return -ENOMEM;
	l = (struct limit *)klp_shadow_alloc(inode, SV_LIMIT, sizeof(*defaults),
					     GFP_ATOMIC, NULL, NULL);
	if (!l)
		return -ENOMEM;
	return 0;
}
