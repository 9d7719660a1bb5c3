/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Misconfigured test livepatches of the chain sample's victim, one
 * mistake each (tests/modules/misuse_*.c): the chain's v2 logic
 * (samples/chain/v2.h) wired to the victim's functions, and the pieces
 * each module then assembles its own, wrong or unusual, way.
 */
#ifndef _KLPSV_MISUSE_H
#define _KLPSV_MISUSE_H

#include <linux/livepatch.h>
#include <linux/module.h>

#include "../../samples/chain/v2.h"

static struct klp_func victim_funcs[] = {
	{ .old_name = "chain_touch", .new_func = v2_touch, },
	{ .old_name = "chain_report", .new_func = v2_report, },
	{ .old_name = "chain_close", .new_func = v2_close, },
	{ .old_name = "chain_park", .new_func = v2_park, },
	{ }
};

static struct klp_func no_funcs[] = { { } };

#endif /* _KLPSV_MISUSE_H */
