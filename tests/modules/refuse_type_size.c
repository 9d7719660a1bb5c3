// SPDX-License-Identifier: GPL-2.0
/* Refused: the layout does not describe the accessors' type. */
#include "refuse.h"

KLPSV_FAMILY(stats, struct stats_v2, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(1), .layout = STATS_V1_LAYOUT);

REFUSE_PATCH("layout of another type", true, &stats_family);
