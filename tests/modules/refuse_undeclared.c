// SPDX-License-Identifier: GPL-2.0
/* Refused while p1 is live: the live family "stats" is not carried on. */
#include "refuse.h"

KLPSV_FAMILY(tag, struct tag_v1, .name = "tag", .id = TAG_ID,
	     .version = KLPSV_V(1), .layout = TAG_V1_LAYOUT);

REFUSE_PATCH("a live family not declared", true, &tag_family);
