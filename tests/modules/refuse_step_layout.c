// SPDX-License-Identifier: GPL-2.0
/* Refused while p1 (stats v1) is live: its step describes another v1. */
#include "refuse.h"

struct stats_v1_other {
	u64 touches;
};

KLPSV_FAMILY(stats, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(3), .layout = STATS_V3_LAYOUT,
	     KLPSV_STEPS({ .from = KLPSV_V(1),
			   .layout = KLPSV_LAYOUT(struct stats_v1_other,
				KLPSV_FIELD(struct stats_v1_other, touches)),
			   .up = refuse_never }));

REFUSE_PATCH("step written for another layout", true, &stats_family);
