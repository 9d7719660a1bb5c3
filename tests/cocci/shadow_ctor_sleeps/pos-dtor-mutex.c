// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: the destructor takes a mutex, and the constructor calls a
 * helper that sleeps.
 */
#include <linux/livepatch.h>
#include <linux/mutex.h>
#include <linux/delay.h>
#include <linux/vmalloc.h>

#define SV_STATS 21

static DEFINE_MUTEX(stats_lock);
static unsigned long stats_total;

struct stats {
	unsigned long count;
	void *table;
};

static void *stats_table_alloc(void)
{
	might_sleep();
	return vmalloc(4096);
}

static int stats_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct stats *s = shadow_data;

	s->count = 0;
	s->table = stats_table_alloc();
	return s->table ? 0 : -ENOMEM;
}

static void stats_dtor(void *obj, void *shadow_data)
{
	struct stats *s = shadow_data;

	mutex_lock(&stats_lock);
	stats_total += s->count;
	mutex_unlock(&stats_lock);
	msleep(1);
}

void livepatch_stats_attach(void *obj)
{
	klp_shadow_alloc(obj, SV_STATS, sizeof(struct stats), GFP_ATOMIC,
			 stats_ctor, NULL);
}

void livepatch_stats_detach(void *obj)
{
	klp_shadow_free(obj, SV_STATS, stats_dtor);
}

void livepatch_stats_drop_all(void)
{
	klp_shadow_free_all(SV_STATS, &stats_dtor);
}
