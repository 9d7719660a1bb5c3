// SPDX-License-Identifier: GPL-2.0
/* Refused: two families share one id. */
#include "refuse.h"

KLPSV_FAMILY(stats, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(1), .layout = STATS_V1_LAYOUT);
KLPSV_FAMILY(tag, struct tag_v1, .name = "tag", .id = STATS_ID,
	     .version = KLPSV_V(1), .layout = TAG_V1_LAYOUT);

REFUSE_PATCH("duplicate family ids", true, &stats_family, &tag_family);
