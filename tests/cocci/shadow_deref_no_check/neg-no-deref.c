// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the result is only measured, passed on, compared or checked
 * with a helper before use.
 */
#include <linux/livepatch.h>

#define SV_CTX 6

struct ctx {
	int refs;
};

void *livepatch_ctx_lookup(void *obj)
{
	struct ctx *c = klp_shadow_get(obj, SV_CTX);

	pr_debug("shadow ctx %p, size %zu\n", c, sizeof(*c));
	return c;
}

int livepatch_ctx_get(void *obj)
{
	struct ctx *c = klp_shadow_get_or_alloc(obj, SV_CTX, sizeof(*c),
						GFP_ATOMIC, NULL, NULL);

	if (WARN_ON_ONCE(!c))
		return -ENOMEM;
	return ++c->refs;
}

int livepatch_ctx_put(void *obj)
{
	struct ctx *c;

	c = klp_shadow_get(obj, SV_CTX);
	if (IS_ERR_OR_NULL(c))
		return -ENOENT;
	return --c->refs;
}
