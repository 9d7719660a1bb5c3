// SPDX-License-Identifier: GPL-2.0
/* Positive: the constructor allocates with sleeping GFP flags. */
#include <linux/livepatch.h>
#include <linux/slab.h>
#include <linux/string.h>

#define SV_LABEL 20

struct label {
	char *name;
	u32 *history;
};

static int label_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct label *l = shadow_data;
	const char *name = ctor_data;

	l->name = kstrdup(name, GFP_KERNEL);
	if (!l->name)
		return -ENOMEM;
	l->history = kcalloc(16, sizeof(*l->history), GFP_KERNEL | __GFP_ZERO);
	if (!l->history) {
		kfree(l->name);
		return -ENOMEM;
	}
	return 0;
}

int livepatch_label_set(void *obj, const char *name)
{
	struct label *l = klp_shadow_get_or_alloc(obj, SV_LABEL, sizeof(*l),
						  GFP_KERNEL, label_ctor,
						  (void *)name);

	return l ? 0 : -ENOMEM;
}
