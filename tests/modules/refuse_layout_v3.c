// SPDX-License-Identifier: GPL-2.0
/*
 * Refused while p3 (stats v3) is live: a rebuilt p3 whose counters are back
 * in v2's order, still called v3.  Taking the live v3 data as it is would
 * read bytes as touches.  Used by `make demo`.
 */
#include "refuse.h"

struct stats_v3_other {
	u64 touches;
	u64 bytes;
};

KLPSV_FAMILY(stats, struct stats_v3_other, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(3),
	     .layout = KLPSV_LAYOUT(struct stats_v3_other,
			KLPSV_FIELD(struct stats_v3_other, touches),
			KLPSV_FIELD(struct stats_v3_other, bytes)),
	     KLPSV_STEPS({ .from = KLPSV_V(2), .layout = STATS_V2_LAYOUT,
			   .up = refuse_never }));

/* As p3: the tag family stays retired. */
static struct klpsv_family tag_tombstone = {
	.name = "tag",
	.id = TAG_ID,
	.version = KLPSV_V(2),
	.retired = true,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = TAG_V1_LAYOUT }),
};

REFUSE_PATCH("same version as p3, other layout", true, &stats_family,
	     &tag_tombstone);
