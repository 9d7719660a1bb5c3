// SPDX-License-Identifier: GPL-2.0
/*
 * Stress patch 3: the counter family at v3, a breaking change (the count
 * becomes 64-bit and moves): v3 instances are twins in a new epoch while
 * the transition runs, refreshed with up steps from what old code wrote,
 * and written through to the v2 instance with the down step.  Each twin
 * owns its own buffer: up and down deep-copy it into the target's (never
 * share the pointer), the v2 step's release frees the older instance's
 * once the twin took over, and the destructor frees a v3 instance's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "schemas.h"

#define STRESS_N	3
typedef struct counter_v3 counter_t;
#define counter_stamp(st)	((st)->stamp = (u32)jiffies)

static int counter_ctor(void *obj, void *data, void *arg);
static void counter_dtor(void *obj, void *data);

/* A v1 instance owns no buffer: the twin gets a new one. */
static int counter_v1_to_v3(void *obj, const void *from, void *to)
{
	const struct counter_v1 *old = from;
	struct counter_v3 *st = to;

	if (stress_buf_copy(&st->buf, st, NULL, NULL, old->oid, old->count))
		return -ENOMEM;
	st->oid = old->oid;
	st->count = old->count;
	return 0;
}

/*
 * A first conversion (@to zeroed) allocates the twin's buffer; a refresh
 * copies into the one it has.
 */
static int counter_v2_to_v3(void *obj, const void *from, void *to)
{
	const struct counter_v2 *old = from;
	struct counter_v3 *st = to;

	if (stress_buf_copy(&st->buf, st, old->buf, old, old->oid, old->count))
		return -ENOMEM;
	st->oid = old->oid;
	st->stamp = old->stamp;
	st->count = old->count;
	return 0;
}

/*
 * Back to v2, for write-through during the transition (into the older
 * instance's own buffer) and for a revert (into a zeroed shell, which
 * gets a buffer of its own).
 */
static int counter_v3_to_v2(void *obj, const void *from, void *to)
{
	const struct counter_v3 *st = from;
	struct counter_v2 *old = to;
	u32 count = min_t(u64, st->count, U32_MAX);

	if (stress_buf_copy(&old->buf, old, st->buf, st, st->oid, count))
		return -ENOMEM;
	old->oid = st->oid;
	old->stamp = st->stamp;
	old->count = count;
	return 0;
}

/* An older instance the twin took over from: free its buffer. */
static void counter_v2_release(void *obj, void *data)
{
	struct counter_v2 *old = data;

	stress_buf_release(&old->buf, old, stress_oid(obj));
}

KLPSV_FAMILY(counter, struct counter_v3,
	.name = "stress_counter",
	.id = COUNTER_ID,
	.version = KLPSV_V(3),
	.layout = COUNTER_V3_LAYOUT,
	.reserve = COUNTER_RESERVE,
	.ctor = counter_ctor,
	.dtor = counter_dtor,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = COUNTER_V1_LAYOUT,
		      .up = counter_v1_to_v3 },
		    { .from = KLPSV_V(2), .layout = COUNTER_V2_LAYOUT,
		      .up = counter_v2_to_v3, .down = counter_v3_to_v2,
		      .release = counter_v2_release }),
);

#include "patch.h"

MODULE_DESCRIPTION("klpsv stress test, patch 3: counter v3 (breaking)");
