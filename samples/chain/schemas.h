/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every version of the chain sample's shadow structs, as a vendor's
 * cumulative-patch tree keeps them: a newer patch needs the older layouts
 * to take their data over.
 *
 *   stats v1  p1  touches                      (fixes the accounting bug)
 *   stats v2  p2  touches, bytes               (additive: in place)
 *   stats v3  p3  bytes and touches as u64     (breaking: new layout)
 *   tag   v1  p2  who touched the session last
 *   tag   v2  p3  tombstone: the family is dropped
 */
#ifndef _KLPSV_CHAIN_SCHEMAS_H
#define _KLPSV_CHAIN_SCHEMAS_H

#include "../../include/klpsv.h"

#include "chain.h"

#define STATS_ID	KLPSV_ID(CHAIN_NS, 1)
#define TAG_ID		KLPSV_ID(CHAIN_NS, 2)

/* Tail room so stats can grow in place once (v1 -> v2). */
#define STATS_RESERVE	8

struct stats_v1 {
	u32 touches;
};

#define STATS_V1_LAYOUT KLPSV_LAYOUT(struct stats_v1,			\
	KLPSV_FIELD(struct stats_v1, touches))

struct stats_v2 {
	u32 touches;
	u32 bytes;
};

#define STATS_V2_LAYOUT KLPSV_LAYOUT(struct stats_v2,			\
	KLPSV_FIELD(struct stats_v2, touches),				\
	KLPSV_FIELD(struct stats_v2, bytes))

/* v3: 32-bit counters overflowed; both become 64-bit, bytes first. */
struct stats_v3 {
	u64 bytes;
	u64 touches;
};

#define STATS_V3_LAYOUT KLPSV_LAYOUT(struct stats_v3,			\
	KLPSV_FIELD(struct stats_v3, bytes),				\
	KLPSV_FIELD(struct stats_v3, touches))

struct tag_v1 {
	char who[16];
};

#define TAG_V1_LAYOUT KLPSV_LAYOUT(struct tag_v1,			\
	KLPSV_FIELD(struct tag_v1, who))

#endif /* _KLPSV_CHAIN_SCHEMAS_H */
