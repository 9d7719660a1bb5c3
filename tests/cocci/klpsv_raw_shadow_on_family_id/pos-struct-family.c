// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: a family declared as a plain struct klpsv_family (a tombstone
 * for "tag"), whose leftovers the patch also frees by hand; a helper that
 * peeks at any family's data with its id; and an audit record kept under a
 * raw shadow id taken from klpsv's id space.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include <klpsv.h>

#include "schemas.h"

#define AUDIT_NS	4242
#define SV_AUDIT	KLPSV_ID(AUDIT_NS, 3)

struct audit_rec {
	u64 first_seen;
};

static struct klpsv_family tag_tombstone = {
	.name = "tag",
	.id = TAG_ID,
	.version = 2,
	.retired = true,
	KLPSV_STEPS({ .from = 1, .layout = TAG_V1_LAYOUT }),
};

static bool has_data(struct klpsv_family *family, void *obj)
{
	return klp_shadow_get(obj, family->id) != NULL;
}

static void p3_audit(struct chain_session *s)
{
	struct audit_rec *rec;

	rec = klp_shadow_get_or_alloc(s, SV_AUDIT, sizeof(*rec), GFP_KERNEL,
				      NULL, NULL);
	if (rec && !rec->first_seen)
		rec->first_seen = get_jiffies_64();
}

static void p3_close(struct chain_session *s)
{
	if (has_data(&tag_tombstone, s))
		klp_shadow_free(s, TAG_ID, NULL);
	klp_shadow_free(s, KLPSV_ID(AUDIT_NS, 3), NULL);
}
