/*
 * PROVENANCE: SUSE kernel-livepatch (github.com/SUSE/kernel-livepatch),
 * bsc1191813/livepatch_bsc1191813.c, GPL-2.0-or-later.  Reduction: the
 * shared-state functions are verbatim; the klp-ccp-extracted route code
 * and relocations are left out, and the init/cleanup glue is cut down to
 * the shared-state calls (marked [...]).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/vmalloc.h>
#include "livepatch_bsc1191813.h"
#include "../kallsyms_relocs.h"
#include "../shadow.h"

struct klp_bsc1191813_shared_state {
	unsigned long refcount;
	struct klp_bsc1191813_eviction_history *eviction_history;
};

static struct klp_bsc1191813_shared_state *klp_bsc1191813_shared_state;

#define KLP_BSC1191813_SHARED_STATE_ID KLP_SHADOW_ID(1191813, 0)

static int klp_bsc1191813_init_shared_state(void *obj,
					    void *shadow_data,
					    void *ctor_dat)
{
	struct klp_bsc1191813_shared_state *s = shadow_data;

	memset(s, 0, sizeof(*s));

	return 0;
}

static void __klp_bsc1191813_put_shared_state(void);

/* Must be called with module_mutex held. */
static int __klp_bsc1191813_get_shared_state(void)
{
	klp_bsc1191813_shared_state =
		klp_shadow_get_or_alloc(NULL, KLP_BSC1191813_SHARED_STATE_ID,
					sizeof(*klp_bsc1191813_shared_state),
					GFP_KERNEL,
					klp_bsc1191813_init_shared_state, NULL);
	if (!klp_bsc1191813_shared_state)
		return -ENOMEM;

	++klp_bsc1191813_shared_state->refcount;

	if (!klp_bsc1191813_shared_state->eviction_history) {
		struct klp_bsc1191813_shared_state *s;

		s = klp_bsc1191813_shared_state;
		s->eviction_history = vzalloc(sizeof(*s->eviction_history));
		if (!s->eviction_history) {
			__klp_bsc1191813_put_shared_state();
			return -ENOMEM;
		}
	}

	return 0;
}

/* Must be called with module_mutex held. */
static void __klp_bsc1191813_put_shared_state(void)
{
	--klp_bsc1191813_shared_state->refcount;

	if (!klp_bsc1191813_shared_state->refcount) {
		vfree(klp_bsc1191813_shared_state->eviction_history);
		klp_shadow_free(NULL, KLP_BSC1191813_SHARED_STATE_ID, NULL);
	}

	klp_bsc1191813_shared_state = NULL;
}

int livepatch_bsc1191813_init(void)
{
	int ret;

	mutex_lock(&module_mutex);
	ret = __klp_bsc1191813_get_shared_state();
	mutex_unlock(&module_mutex);
	/* [...] */
	return ret;
}

void livepatch_bsc1191813_cleanup(void)
{
	mutex_lock(&module_mutex);
	__klp_bsc1191813_put_shared_state();
	mutex_unlock(&module_mutex);
}
