// SPDX-License-Identifier: GPL-2.0
/* Hard IRQ test patch 2: hirq v1 -> v2, in place (see hardirq.h). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "hardirq.h"

/* In place: only the new member is written. */
static int hirq_v1_to_v2(void *obj, const void *from, void *to)
{
	struct hirq_v2 *d = to;

	d->spare = 0;
	return 0;
}

KLPSV_FAMILY(hirq, struct hirq_v2,
	.name = "hirq",
	.id = HIRQ_ID,
	.version = KLPSV_V(2),
	.layout = HIRQ_V2_LAYOUT,
	.reserve = HIRQ_RESERVE,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = HIRQ_V1_LAYOUT,
		      .up = hirq_v1_to_v2 }),
);

#define HIRQ_TYPE	struct hirq_v2
#define HIRQ_DESC	"hirq v2"
#include "hardirq_patch.h"
