// SPDX-License-Identifier: GPL-2.0
/* Refused: not a cumulative patch. */
#include "refuse.h"

KLPSV_FAMILY(stats, struct stats_v1, .name = "stats", .id = STATS_ID,
	     .version = KLPSV_V(1), .layout = STATS_V1_LAYOUT);

REFUSE_PATCH("no .replace", false, &stats_family);
