// SPDX-License-Identifier: GPL-2.0
/* Refused while p2 (stats v2) is live: another v2 layout, same version. */
#include "refuse.h"

struct stats_v2_other {
	u32 bytes;
	u32 touches;
};

KLPSV_FAMILY(stats, struct stats_v2_other, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(2),
	     .layout = KLPSV_LAYOUT(struct stats_v2_other,
			KLPSV_FIELD(struct stats_v2_other, bytes),
			KLPSV_FIELD(struct stats_v2_other, touches)),
	     KLPSV_STEPS({ .from = KLPSV_V(1), .layout = STATS_V1_LAYOUT,
			   .up = refuse_never }));
KLPSV_FAMILY(tag, struct tag_v1, .name = "tag", .id = TAG_ID,
	     .version = KLPSV_V(1), .layout = TAG_V1_LAYOUT);

REFUSE_PATCH("same version, other layout", true, &stats_family, &tag_family);
