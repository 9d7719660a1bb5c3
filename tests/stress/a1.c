// SPDX-License-Identifier: GPL-2.0
/*
 * Stress patch a1: the first klpsv patch of the adoption test
 * (guest/33-adopt.sh).  It replaces p0.c, a hand-written patch that keeps
 * its data raw with klp_shadow_*(), and declares that data with
 * KLPSV_RAW(): the counter family starts at v2 (s2.c's layout, so that
 * s3.c's breaking change follows it unchanged), converted from the raw
 * struct stress_raw.  During the transition new code works on an instance
 * converted again from the raw variable at every access and written back
 * to it at klpsv_put(); after it the raw variables are imported and freed.
 * The instance owns a buffer of its own: up and down deep-copy the raw
 * data's buffer, never share it; the raw data's release frees its buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "schemas.h"

#define STRESS_N	5
#define STRESS_V	2
typedef struct counter_v2 counter_t;
#define counter_stamp(st)	((st)->stamp = (u32)jiffies)

static int counter_ctor(void *obj, void *data, void *arg);
static void counter_dtor(void *obj, void *data);

/*
 * Raw data into the instance: the first time into a zeroed instance (its
 * buffer allocated then), afterwards again into the same instance (its
 * own buffer refreshed).
 */
static int raw_up(void *obj, const void *from, void *to)
{
	const struct stress_raw *raw = from;
	struct counter_v2 *st = to;
	u32 count = min_t(u64, raw->hits, U32_MAX);

	if (stress_buf_copy(&st->buf, st, raw->buf, raw, raw->oid, count))
		return -ENOMEM;
	st->oid = raw->oid;
	st->count = count;
	return 0;
}

/*
 * New code's changes back into the raw variable, for old code; a raw
 * variable klpsv allocates for an object new code created is zeroed and
 * gets a buffer of its own here.
 */
static int raw_down(void *obj, const void *from, void *to)
{
	const struct counter_v2 *st = from;
	struct stress_raw *raw = to;

	if (stress_buf_copy(&raw->buf, raw, st->buf, st, st->oid, st->count))
		return -ENOMEM;
	raw->oid = st->oid;
	raw->hits = st->count;
	raw->flags |= 1;
	return 0;
}

/* A raw variable klpsv frees: under klp_shadow's lock, IRQs off. */
static void raw_release(void *obj, void *data)
{
	struct stress_raw *raw = data;

	stress_buf_release(&raw->buf, raw, stress_oid(obj));
}

KLPSV_FAMILY(counter, struct counter_v2,
	.name = "stress_counter",
	.id = COUNTER_ID,
	.version = KLPSV_V(2),
	.layout = COUNTER_V2_LAYOUT,
	.reserve = COUNTER_RESERVE,
	.ctor = counter_ctor,
	.dtor = counter_dtor,
	KLPSV_RAW({ .id = STRESS_RAW_ID, .size = sizeof(struct stress_raw),
		    .layout = STRESS_RAW_LAYOUT, .up = raw_up,
		    .down = raw_down, .release = raw_release }),
);

#include "patch.h"

MODULE_DESCRIPTION("klpsv stress test, patch a1: adopts p0's raw data as counter v2");
