// SPDX-License-Identifier: GPL-2.0
/*
 * Stress patch 2: the counter family at v2, an additive change (in place).
 * The new members are a stamp and an owned buffer: up allocates the
 * buffer in place, and down, which klpsv runs in place on a reverted
 * transition, frees it again (old code keeps using the v1 members).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "schemas.h"

#define STRESS_N	2
typedef struct counter_v2 counter_t;
#define counter_stamp(st)	((st)->stamp = (u32)jiffies)

static int counter_ctor(void *obj, void *data, void *arg);
static void counter_dtor(void *obj, void *data);

/*
 * In place: only the new members are written.  The tail room they take
 * was zeroed (at allocation, or by the revert of an earlier transition):
 * a buffer already there would be one the revert did not free.
 */
static int counter_v1_to_v2(void *obj, const void *from, void *to)
{
	struct counter_v2 *st = to;
	struct stress_buf *b;

	if (st->buf)
		stress_buf_bad();
	b = stress_buf_new(st, st->oid, st->count);
	if (!b)
		return -ENOMEM;
	st->stamp = 0;
	st->buf = b;
	return 0;
}

/* A reverted transition, in place: release what up or the ctor put in. */
static int counter_v2_to_v1(void *obj, const void *from, void *to)
{
	struct counter_v2 *st = to;

	stress_buf_release(&st->buf, st, stress_oid(obj));
	return 0;
}

KLPSV_FAMILY(counter, struct counter_v2,
	.name = "stress_counter",
	.id = COUNTER_ID,
	.version = KLPSV_V(2),
	.layout = COUNTER_V2_LAYOUT,
	.reserve = COUNTER_RESERVE,
	.ctor = counter_ctor,
	.dtor = counter_dtor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = COUNTER_V1_LAYOUT,
		      .up = counter_v1_to_v2, .down = counter_v2_to_v1 }),
);

#include "patch.h"

MODULE_DESCRIPTION("klpsv stress test, patch 2: counter v2 (additive)");
