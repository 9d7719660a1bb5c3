/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace twin of the klpsv benchmark: the library's sources
 * compiled against the unit tests' kernel stand-ins (tests/shared/shim) and
 * livepatch model (tests/shared/klp_model.c), counted in instructions by
 * callgrind.
 *
 * Like the VM benchmark, two "livepatch modules" (v1.c, v2.c), each linked
 * with its own private copy of the library (the Makefile localizes every
 * symbol but the module's entry point), and a driver (main.c).  Only the
 * functions named bench_measure_* are counted (callgrind
 * --toggle-collect); the driver dumps the counts after each measurement
 * under a label, and run-unit.sh turns the dumps into the table.
 */
#ifndef _KLPSV_TWIN_H
#define _KLPSV_TWIN_H

#include <linux/types.h>

#include "../bench.h"

enum twin_kind { TWIN_RAW, TWIN_K, TWIN_KG, TWIN_BASE };

/* Module v1: family bench v1, the measured loops, the raw takeover. */
struct twin_v1_ops {
	int (*enable)(void);
	void (*exit)(void);
	/*
	 * Shadow data on objects [from, to), of one kind, or with TWIN_BASE
	 * a mixed table (even objects raw, odd ones klpsv); returns how
	 * many objects got some.
	 */
	unsigned long (*fill)(int kind, unsigned long from, unsigned long to);
	/* free what fill(kind, 0, n) made */
	void (*clear)(int kind, unsigned long n);
	void (*lookups)(int kind, const u32 *seq, unsigned int n);
	unsigned int (*alloc_free)(int kind, const u32 *seq, unsigned int n);
	unsigned long (*raw_takeover)(unsigned long n);
};

/* Module v2: family bench v2, a breaking change taking v1 over. */
struct twin_v2_ops {
	int (*enable)(void);
	int (*disable)(void);
	void (*exit)(void);
	unsigned long (*steps)(void);
};

extern const struct twin_v1_ops twin_v1;
extern const struct twin_v2_ops twin_v2;

/* The driver's objects. */
extern struct bench_obj *twin_objs;

#endif /* _KLPSV_TWIN_H */
