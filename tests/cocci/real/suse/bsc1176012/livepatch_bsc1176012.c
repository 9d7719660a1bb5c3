/*
 * PROVENANCE: SUSE kernel-livepatch (github.com/SUSE/kernel-livepatch),
 * bsc1176012/livepatch_bsc1176012.c, GPL-2.0-or-later.  Reduction: the
 * shared-state part of the file; the state's struct, its constructor,
 * this_patch and the get/put functions are verbatim; the ~80 KB of
 * klp-ccp-extracted futex code and the kallsyms relocations are left out,
 * and the init/cleanup functions are cut down to their shared-state calls
 * (marked [...]).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include "livepatch_bsc1176012.h"
#include "../kallsyms_relocs.h"
#include "../shadow.h"

#define KLP_BSC1176012_SHARED_STATE_ID KLP_SHADOW_ID(1176012, 0)

struct klp_bsc1176012_compatible_patch {
	struct list_head list;
	struct module *patch_mod;
};

struct klp_bsc1176012_shared_state {
	struct list_head compatible_patches;
	spinlock_t lock;
};

static struct klp_bsc1176012_shared_state *klp_bsc1176012_shared_state;

static int klp_bsc1176012_init_shared_state(void *obj,
					    void *shadow_data,
					    void *ctor_dat)
{
	struct klp_bsc1176012_shared_state *s = shadow_data;

	memset(s, 0, sizeof(*s));

	INIT_LIST_HEAD(&s->compatible_patches);
	spin_lock_init(&s->lock);

	return 0;
}

static struct klp_bsc1176012_compatible_patch klp_bsc1176012_this_patch = {
	.list = LIST_HEAD_INIT(klp_bsc1176012_this_patch.list),
	.patch_mod = THIS_MODULE,
};

/* Must be called with module_mutex held. */
static int __klp_bsc1176012_get_shared_state(void)
{
	klp_bsc1176012_shared_state =
		klp_shadow_get_or_alloc(NULL, KLP_BSC1176012_SHARED_STATE_ID,
					sizeof(*klp_bsc1176012_shared_state),
					GFP_KERNEL,
					klp_bsc1176012_init_shared_state, NULL);
	if (!klp_bsc1176012_shared_state)
		return -ENOMEM;

	spin_lock(&klp_bsc1176012_shared_state->lock);
	list_add(&klp_bsc1176012_this_patch.list,
		 &klp_bsc1176012_shared_state->compatible_patches);
	spin_unlock(&klp_bsc1176012_shared_state->lock);

	return 0;
}

/* Must be called with module_mutex held. */
static void __klp_bsc1176012_put_shared_state(void)
{
	spin_lock(&klp_bsc1176012_shared_state->lock);
	list_del(&klp_bsc1176012_this_patch.list);
	spin_unlock(&klp_bsc1176012_shared_state->lock);

	if (list_empty(&klp_bsc1176012_shared_state->compatible_patches)) {
		klp_shadow_free(NULL, KLP_BSC1176012_SHARED_STATE_ID, NULL);
	}

	klp_bsc1176012_shared_state = NULL;
}

int livepatch_bsc1176012_init(void)
{
	int r;

	r =  __klp_resolve_kallsyms_relocs(klp_funcs, ARRAY_SIZE(klp_funcs));
	if (r)
		return r;

	mutex_lock(&module_mutex);
	r = __klp_bsc1176012_get_shared_state();
	mutex_unlock(&module_mutex);
	/* [...] */
	return r;
}

void livepatch_bsc1176012_cleanup(void)
{
	mutex_lock(&module_mutex);
	__klp_bsc1176012_put_shared_state();
	mutex_unlock(&module_mutex);
}
