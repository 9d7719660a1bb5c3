// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the shadow struct grew in this patch (v2) but the size still
 * names the old struct.
 */
#include <linux/livepatch.h>

#define SV_SESSION 10

struct session_v1 {
	unsigned long flags;
};

struct session_v2 {
	unsigned long flags;
	unsigned long last_seen;
	u32 retries;
};

void livepatch_session_touch(void *sess, unsigned long now)
{
	struct session_v2 *sv = klp_shadow_get_or_alloc(sess, SV_SESSION,
							sizeof(struct session_v1),
							GFP_ATOMIC, NULL, NULL);

	if (sv)
		sv->last_seen = now;
}
