// SPDX-License-Identifier: GPL-2.0
/* Refused while p1 (stats v1) is live: v3 has a step from v2 only. */
#include "refuse.h"

KLPSV_FAMILY(stats, struct stats_v3, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(3), .layout = STATS_V3_LAYOUT,
	     KLPSV_STEPS({ .from = KLPSV_V(2), .layout = STATS_V2_LAYOUT,
			   .up = refuse_never }));

REFUSE_PATCH("no step from the live version", true, &stats_family);
