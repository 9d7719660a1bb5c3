/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test livepatches klpsv_hardirq_p1 .. p3: klpsv's accessors called from
 * hard IRQ context, in and outside a transition
 * (tests/vm/guest/tests/24-hardirq.sh).  One family, "hirq", on the chain
 * victim's sessions:
 *
 *   hirq v1  p1  touches
 *   hirq v2  p2  touches, spare             (additive: in place)
 *   hirq v3  p3  touches as u64             (breaking: new layout)
 *
 * Each patch declares its family with KLPSV_FAMILY(hirq, ...), defines
 * HIRQ_TYPE as its struct and HIRQ_DESC, then includes hardirq_patch.h,
 * the body they share.
 */
#ifndef _KLPSV_HARDIRQ_H
#define _KLPSV_HARDIRQ_H

#include <klpsv.h>

#include "../../samples/chain/chain.h"

/* Namespace of this test's klpsv ids ("IR"). */
#define HIRQ_NS		0x4952
#define HIRQ_ID		KLPSV_ID(HIRQ_NS, 1)

/* Tail room so hirq can grow in place once (v1 -> v2). */
#define HIRQ_RESERVE	8

struct hirq_v1 {
	u32 touches;
};

#define HIRQ_V1_LAYOUT KLPSV_LAYOUT(struct hirq_v1,			\
	KLPSV_FIELD(struct hirq_v1, touches))

/* @spare only makes v2 an additive change of v1: migrated in place. */
struct hirq_v2 {
	u32 touches;
	u32 spare;
};

#define HIRQ_V2_LAYOUT KLPSV_LAYOUT(struct hirq_v2,			\
	KLPSV_FIELD(struct hirq_v2, touches),				\
	KLPSV_FIELD(struct hirq_v2, spare))

/* v3: the counter becomes 64-bit, a breaking change (twins). */
struct hirq_v3 {
	u64 touches;
};

#define HIRQ_V3_LAYOUT KLPSV_LAYOUT(struct hirq_v3,			\
	KLPSV_FIELD(struct hirq_v3, touches))

#endif /* _KLPSV_HARDIRQ_H */
