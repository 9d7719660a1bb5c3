// SPDX-License-Identifier: GPL-2.0
/* Hard IRQ test patch 3: hirq v2 -> v3, a new layout (see hardirq.h). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "hardirq.h"

static int hirq_v2_to_v3(void *obj, const void *from, void *to)
{
	const struct hirq_v2 *old = from;
	struct hirq_v3 *d = to;

	d->touches = old->touches;
	return 0;
}

/* Written through to the v2 instance old code uses; saturating. */
static int hirq_v3_to_v2(void *obj, const void *from, void *to)
{
	const struct hirq_v3 *d = from;
	struct hirq_v2 *old = to;

	old->touches = min_t(u64, d->touches, U32_MAX);
	return 0;
}

KLPSV_FAMILY(hirq, struct hirq_v3,
	.name = "hirq",
	.id = HIRQ_ID,
	.version = KLPSV_V(3),
	.layout = HIRQ_V3_LAYOUT,
	.reserve = HIRQ_RESERVE,
	KLPSV_STEPS({ .from = KLPSV_V(2), .layout = HIRQ_V2_LAYOUT,
		      .up = hirq_v2_to_v3, .down = hirq_v3_to_v2 }),
);

#define HIRQ_TYPE	struct hirq_v3
#define HIRQ_DESC	"hirq v3"
#include "hardirq_patch.h"
