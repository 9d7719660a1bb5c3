// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: atomic allocations inside the constructor, sleeping
 * allocations done before klp_shadow_alloc() and handed over through
 * ctor_data, a spinlock in the destructor.
 */
#include <linux/livepatch.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define SV_LABEL 20

static DEFINE_SPINLOCK(label_lock);
static unsigned long labels_freed;

struct label {
	char *name;
	u32 *history;
};

static int label_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct label *l = shadow_data;

	l->name = ctor_data;
	l->history = kcalloc(16, sizeof(*l->history), GFP_ATOMIC | __GFP_ZERO);
	if (!l->history)
		return -ENOMEM;
	return 0;
}

static void label_dtor(void *obj, void *shadow_data)
{
	struct label *l = shadow_data;

	spin_lock(&label_lock);
	labels_freed++;
	spin_unlock(&label_lock);
	kfree(l->history);
	kfree(l->name);
}

int livepatch_label_set(void *obj, const char *name)
{
	char *copy = kstrdup(name, GFP_KERNEL);
	struct label *l;

	if (!copy)
		return -ENOMEM;
	l = klp_shadow_alloc(obj, SV_LABEL, sizeof(*l), GFP_KERNEL,
			     label_ctor, copy);
	if (!l) {
		kfree(copy);
		return -ENOMEM;
	}
	return 0;
}

void livepatch_label_clear(void *obj)
{
	klp_shadow_free(obj, SV_LABEL, label_dtor);
}
