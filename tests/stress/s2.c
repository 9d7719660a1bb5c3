// SPDX-License-Identifier: GPL-2.0
/* Stress patch 2: the counter family at v2, an additive change (in place). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "schemas.h"

#define STRESS_N	2
typedef struct counter_v2 counter_t;
#define counter_stamp(st)	((st)->stamp = (u32)jiffies)

static int counter_ctor(void *obj, void *data, void *arg);

/* In place: only the new member is written. */
static int counter_v1_to_v2(void *obj, const void *from, void *to)
{
	struct counter_v2 *st = to;

	st->stamp = 0;
	return 0;
}

KLPSV_FAMILY(counter, struct counter_v2,
	.name = "stress_counter",
	.id = COUNTER_ID,
	.version = KLPSV_V(2),
	.layout = COUNTER_V2_LAYOUT,
	.reserve = COUNTER_RESERVE,
	.ctor = counter_ctor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = COUNTER_V1_LAYOUT,
		      .up = counter_v1_to_v2 }),
);

#include "patch.h"

MODULE_DESCRIPTION("klpsv stress test, patch 2: counter v2 (additive)");
