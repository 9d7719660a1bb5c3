// SPDX-License-Identifier: GPL-2.0
/* Hard IRQ test patch 1: hirq at v1 (see hardirq.h). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "hardirq.h"

KLPSV_FAMILY(hirq, struct hirq_v1,
	.name = "hirq",
	.id = HIRQ_ID,
	.version = KLPSV_V(1),
	.layout = HIRQ_V1_LAYOUT,
	.reserve = HIRQ_RESERVE,
);

#define HIRQ_TYPE	struct hirq_v1
#define HIRQ_DESC	"hirq v1"
#include "hardirq_patch.h"
