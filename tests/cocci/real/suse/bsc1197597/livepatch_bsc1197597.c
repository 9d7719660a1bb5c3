/*
 * PROVENANCE: SUSE kernel-livepatch (github.com/SUSE/kernel-livepatch),
 * bsc1197597/ (the shared state and the per-runtime shadow flag of the
 * fix for bsc#1197597, CVE-2022-1048), GPL-2.0-or-later.  Reduction: the
 * shared-state functions and the two per-runtime accessors are verbatim;
 * the klp-ccp-extracted ALSA PCM code is left out, the end of
 * klpp_runtime_free_buffer_acessing() and the init/cleanup glue are
 * written after the file's pattern (marked [...]).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include "../shadow.h"

#define KLP_BSC1197597_SHARED_STATE_ID KLP_SHADOW_ID(1197597, 0)
#define KLP_BSC1197597_BUFFER_ACESSING_ID KLP_SHADOW_ID(1197597, 1)

#include "livepatch_bsc1197597.h"

struct klp_bsc1197597_shared_state *klp_bsc1197597_shared_state;

#include <linux/livepatch.h>

static int klp_bsc1197597_init_shared_state(void *obj,
					void *shadow_data,
					void *ctor_data)
{
	struct klp_bsc1197597_shared_state *s = shadow_data;

	memset(s, 0, sizeof(*s));
	mutex_init(&s->snd_pcm_runtime_buffer_mutex);
	spin_lock_init(&s->spin);

	return 0;
}

static void klp_bsc1197597_destroy_shared_state(void *obj,
					void *shadow_data)
{
	struct klp_bsc1197597_shared_state *s = shadow_data;

	mutex_destroy(&s->snd_pcm_runtime_buffer_mutex);
}

/* Must be called with module_mutex held. */
static int klp_bsc1197597_get_shared_state(void)
{
	klp_bsc1197597_shared_state =
		klp_shadow_get_or_alloc(NULL, KLP_BSC1197597_SHARED_STATE_ID,
				sizeof(*klp_bsc1197597_shared_state),
				GFP_KERNEL,
				klp_bsc1197597_init_shared_state, NULL);
	if (!klp_bsc1197597_shared_state)
		return -ENOMEM;

	++klp_bsc1197597_shared_state->refcount;

	return 0;
}

/* Must be called with module_mutex held. */
static void klp_bsc1197597_put_shared_state(void)
{
	--klp_bsc1197597_shared_state->refcount;
	if (!klp_bsc1197597_shared_state->refcount) {
		klp_shadow_free(NULL, KLP_BSC1197597_SHARED_STATE_ID,
				klp_bsc1197597_destroy_shared_state);
	}

	klp_bsc1197597_shared_state = NULL;
}

int *klpp_runtime_get_buffer_accessing(struct snd_pcm_runtime *runtime)
{
	return klp_shadow_get_or_alloc(runtime,
					KLP_BSC1197597_BUFFER_ACESSING_ID,
					sizeof(int), GFP_ATOMIC, NULL, NULL);
}

void klpp_runtime_free_buffer_acessing(struct snd_pcm_runtime *runtime)
{
	klp_shadow_free(runtime, KLP_BSC1197597_BUFFER_ACESSING_ID, NULL);
	/* [...] */
}

int livepatch_bsc1197597_init(void)
{
	int ret;

	mutex_lock(&module_mutex);
	ret = klp_bsc1197597_get_shared_state();
	mutex_unlock(&module_mutex);
	/* [...] */
	return ret;
}

void livepatch_bsc1197597_cleanup(void)
{
	mutex_lock(&module_mutex);
	klp_bsc1197597_put_shared_state();
	mutex_unlock(&module_mutex);
}
