// SPDX-License-Identifier: GPL-2.0
/* Part of lp-sess: reads the "sess" family of main.c under RCU only. */
#include <linux/rcupdate.h>

#include "sess.h"

u32 sess_hits(struct session *s)
{
	struct sess_v1 *sv;
	u32 hits = 0;

	rcu_read_lock();
	sv = sess_get(s);
	if (sv) {
		hits = sv->hits;
		sess_put(sv);
	}
	rcu_read_unlock();
	return hits;
}
