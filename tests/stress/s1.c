// SPDX-License-Identifier: GPL-2.0
/* Stress patch 1: the counter family at v1. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "schemas.h"

#define STRESS_N	1
typedef struct counter_v1 counter_t;
#define counter_stamp(st)	do { } while (0)

static int counter_ctor(void *obj, void *data, void *arg);

KLPSV_FAMILY(counter, struct counter_v1,
	.name = "stress_counter",
	.id = COUNTER_ID,
	.version = KLPSV_V(1),
	.layout = COUNTER_V1_LAYOUT,
	.reserve = COUNTER_RESERVE,
	.ctor = counter_ctor,
);

#include "patch.h"

MODULE_DESCRIPTION("klpsv stress test, patch 1: counter v1");
