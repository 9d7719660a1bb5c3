// SPDX-License-Identifier: GPL-2.0
/* Negative: sizes that match the pointer they are assigned to. */
#include <linux/livepatch.h>

#define SV_SESSION 10
#define SV_COUNTER 2

struct session_v2 {
	unsigned long flags;
	unsigned long last_seen;
};

void livepatch_session_touch(void *sess, unsigned long now)
{
	struct session_v2 *sv = klp_shadow_get_or_alloc(sess, SV_SESSION,
							sizeof(*sv),
							GFP_ATOMIC, NULL, NULL);
	struct session_v2 *old;
	int *count;

	if (sv)
		sv->last_seen = now;
	old = klp_shadow_alloc(sess, SV_SESSION + 1, sizeof(struct session_v2),
			       GFP_ATOMIC, NULL, NULL);
	count = klp_shadow_get_or_alloc(sess, SV_COUNTER, sizeof(int),
					GFP_NOWAIT, NULL, NULL);
}
