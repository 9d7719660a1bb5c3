// SPDX-License-Identifier: GPL-2.0
/*
 * Another module of the same Kbuild (lp-other), not part of lp-sess:
 * main.c's family is not its own, so its sess_get() is some other
 * function and is not reported.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "sess.h"

bool other_tracked(struct session *s)
{
	bool tracked;

	rcu_read_lock();
	tracked = sess_get(s) != NULL;
	rcu_read_unlock();
	return tracked;
}

static int __init other_init(void)
{
	return 0;
}

module_init(other_init);
MODULE_LICENSE("GPL");
