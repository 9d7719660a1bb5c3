// SPDX-License-Identifier: GPL-2.0
/*
 * Composite module lp-sess (Kbuild: lp-sess-y := main.o reader.o): the
 * "sess" family is declared here, and used here under the session's
 * spinlock; reader.c uses it under an RCU read-side section only.  (The
 * klp_patch and module_init() of the module are left out.)
 */
#include <linux/spinlock.h>

#include <klpsv.h>

#include "sess.h"

KLPSV_FAMILY(sess, struct sess_v1,
	.name = "sess",
	.id = KLPSV_ID(4243, 1),
	.version = 1,
	.layout = SESS_V1_LAYOUT,
);

void sess_hit(struct session *s)
{
	struct sess_v1 *sv;

	spin_lock(&s->lock);
	sv = sess_get_or_alloc(s, GFP_ATOMIC, NULL);
	if (sv) {
		sv->hits++;
		sess_put(sv);
	}
	spin_unlock(&s->lock);
}
