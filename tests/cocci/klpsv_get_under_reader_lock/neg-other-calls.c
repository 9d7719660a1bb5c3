// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: calls under a read-side section that are not klpsv accessors:
 * upstream klp_shadow_get(), whose readers may share a lock, get/put
 * functions of the kernel, and a _get() of a prefix that no
 * KLPSV_FAMILY() of the file declares.
 */
#include <linux/kobject.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>

#include "schemas.h"

#define SV_COUNTER	0x4b4c0001

KLPSV_FAMILY(stats, struct stats_v1,
	.name = "stats",
	.id = STATS_ID,
	.version = 1,
	.layout = STATS_V1_LAYOUT,
);

static int counter_read(void *obj)
{
	int *counter;
	int n = 0;

	rcu_read_lock();
	counter = klp_shadow_get(obj, SV_COUNTER);
	if (counter)
		n = READ_ONCE(*counter);
	rcu_read_unlock();
	return n;
}

static struct kobject *session_kobj(struct chain_session *s)
{
	struct kobject *kobj;

	down_read(&s->table->sem);
	kobj = kobject_get(&s->kobj);
	kobject_put(&s->kobj);
	up_read(&s->table->sem);
	return kobj;
}

static u32 other_bytes(struct chain_session *s)
{
	struct other_v1 *o;
	u32 n = 0;

	rcu_read_lock();
	/* "other" is no family of this file; and stats_get only in a comment */
	o = other_get(s);
	if (o) {
		n = o->bytes;
		other_put(o);
	}
	rcu_read_unlock();
	return n;
}
