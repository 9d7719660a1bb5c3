/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every version of the stress test's shadow struct, as the patches of a
 * cumulative series keep them (see stress.h for the history).
 */
#ifndef _KLPSV_STRESS_SCHEMAS_H
#define _KLPSV_STRESS_SCHEMAS_H

#include <klpsv.h>

#include "stress.h"

#define COUNTER_ID	KLPSV_ID(STRESS_NS, STRESS_LOCAL)

/* Tail room so the counter can grow in place once (v1 -> v2). */
#define COUNTER_RESERVE	8

struct counter_v1 {
	u32 count;
	u32 oid;
};

#define COUNTER_V1_LAYOUT KLPSV_LAYOUT(struct counter_v1,		\
	KLPSV_FIELD(struct counter_v1, count),				\
	KLPSV_FIELD(struct counter_v1, oid))

/* v2: additive, a stamp of the last update. */
struct counter_v2 {
	u32 count;
	u32 oid;
	u32 stamp;
};

#define COUNTER_V2_LAYOUT KLPSV_LAYOUT(struct counter_v2,		\
	KLPSV_FIELD(struct counter_v2, count),				\
	KLPSV_FIELD(struct counter_v2, oid),				\
	KLPSV_FIELD(struct counter_v2, stamp))

/* v3: breaking, the count becomes 64-bit and moves to the end. */
struct counter_v3 {
	u32 oid;
	u32 stamp;
	u64 count;
};

#define COUNTER_V3_LAYOUT KLPSV_LAYOUT(struct counter_v3,		\
	KLPSV_FIELD(struct counter_v3, oid),				\
	KLPSV_FIELD(struct counter_v3, stamp),				\
	KLPSV_FIELD(struct counter_v3, count))

static inline u32 stress_oid(const void *obj)
{
	return ((const struct stress_obj *)obj)->id + 1;
}

#endif /* _KLPSV_STRESS_SCHEMAS_H */
