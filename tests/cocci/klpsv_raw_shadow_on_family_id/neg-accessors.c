// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: the "stats" family is only reached through its accessors; the
 * raw shadow variable kept from the pre-klpsv patch has a hand-written id
 * whose name merely starts like the family's, and the klp_state of the
 * family is looked up by its id (not a shadow call).
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "schemas.h"

#define STATS_ID_LEGACY	0x5354	/* raw, from the patch before klpsv */

KLPSV_FAMILY(stats, struct stats_v2,
	.name = "stats",
	.id = STATS_ID,
	.version = 2,
	.layout = STATS_V2_LAYOUT,
	.reserve = STATS_RESERVE,
);

static void p2_touch(struct chain_session *s, unsigned int bytes,
		     const char *who)
{
	struct stats_v2 *st = stats_get_or_alloc(s, GFP_KERNEL, NULL);
	unsigned int *legacy = klp_shadow_get(s, STATS_ID_LEGACY);

	if (legacy)
		(*legacy)++;
	if (!st)
		return;
	st->touches++;
	st->bytes += bytes;
	stats_put(st);
}

static void p2_close(struct chain_session *s)
{
	/* not klp_shadow_free(s, STATS_ID, NULL): stats_free() drops it */
	stats_free(s);
	klp_shadow_free(s, STATS_ID_LEGACY, NULL);
}

static void p2_post_patch(struct klp_object *obj)
{
	struct klp_state *state = klp_get_prev_state(STATS_ID);

	klpsv_post_patch(obj);
	if (state)
		pr_info("stats: took over v%u\n", state->version);
	klp_shadow_free_all(STATS_ID_LEGACY, NULL);
}
