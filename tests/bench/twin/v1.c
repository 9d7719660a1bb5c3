// SPDX-License-Identifier: GPL-2.0
/*
 * Twin of klpsv_bench_v1 (tests/bench/v1.c): family bench v1 and the
 * measured loops, raw klp_shadow_* and klpsv side by side in the same
 * loop code.  Linked with its own copy of lib/ (see the Makefile).
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "twin.h"

static inline void bench_resched(void)
{
	cond_resched();
}

KLPSV_FAMILY(bench, struct bench_v1,
	.name = "bench",
	.id = BENCH_ID,
	.version = KLPSV_V(1),
	.layout = BENCH_V1_LAYOUT,
);

static struct bench_v1 dummy;
static u64 sink;

/* The measured functions: callgrind counts only bench_measure_*. */
noinline void bench_measure_get_raw(const u32 *seq, unsigned int n);
noinline void bench_measure_get_raw(const u32 *seq, unsigned int n)
{
	u64 acc = 0;

	BENCH_LOOKUP_LOOP(seq, 0, n, twin_objs, acc,
			  klp_shadow_get(o, BENCH_RAW_V1), (void)0);
	WRITE_ONCE(sink, sink + acc);
}

noinline void bench_measure_get_k(const u32 *seq, unsigned int n);
noinline void bench_measure_get_k(const u32 *seq, unsigned int n)
{
	u64 acc = 0;

	BENCH_LOOKUP_LOOP(seq, 0, n, twin_objs, acc, bench_get(o),
			  bench_put(d));
	WRITE_ONCE(sink, sink + acc);
}

noinline void bench_measure_get_kg(const u32 *seq, unsigned int n);
noinline void bench_measure_get_kg(const u32 *seq, unsigned int n)
{
	u64 acc = 0;

	BENCH_LOOKUP_LOOP(seq, 0, n, twin_objs, acc, bench_get(o), (void)0);
	WRITE_ONCE(sink, sink + acc);
}

noinline void bench_measure_get_base(const u32 *seq, unsigned int n);
noinline void bench_measure_get_base(const u32 *seq, unsigned int n)
{
	u64 acc = 0;

	BENCH_LOOKUP_LOOP(seq, 0, n, twin_objs, acc,
			  ({ OPTIMIZER_HIDE_VAR(o); (void *)&dummy; }),
			  (void)0);
	WRITE_ONCE(sink, sink + acc);
}

noinline unsigned int bench_measure_af_raw(const u32 *seq, unsigned int n);
noinline unsigned int bench_measure_af_raw(const u32 *seq, unsigned int n)
{
	unsigned int i, failed = 0;

	for (i = 0; i < n; i++) {
		void *o = &twin_objs[seq[i]];
		struct bench_v1 *d;

		d = klp_shadow_get_or_alloc(o, BENCH_RAW_V1, sizeof(*d),
					    GFP_KERNEL, NULL, NULL);
		if (d) {
			bench_v1_init(d, seq[i]);
			klp_shadow_free(o, BENCH_RAW_V1, NULL);
		}
		failed += !d;
		if (!(i & 1023))
			bench_resched();
	}
	return failed;
}

noinline unsigned int bench_measure_af_k(const u32 *seq, unsigned int n);
noinline unsigned int bench_measure_af_k(const u32 *seq, unsigned int n)
{
	unsigned int i, failed = 0;

	for (i = 0; i < n; i++) {
		void *o = &twin_objs[seq[i]];
		struct bench_v1 *d;

		d = bench_get_or_alloc(o, GFP_KERNEL, NULL);
		if (d) {
			bench_v1_init(d, seq[i]);
			bench_put(d);
			bench_free(o);
		}
		failed += !d;
		if (!(i & 1023))
			bench_resched();
	}
	return failed;
}

/* v1 -> v2 by hand, newest first: get, alloc, convert, free. */
noinline unsigned long bench_measure_takeover_raw(unsigned long n);
noinline unsigned long bench_measure_takeover_raw(unsigned long n)
{
	unsigned long i, done = 0;

	for (i = n; i-- > 0; ) {
		void *o = &twin_objs[i];
		struct bench_v1 *old;
		struct bench_v2 *new;

		old = klp_shadow_get(o, BENCH_RAW_V1);
		if (!old)
			continue;
		new = klp_shadow_alloc(o, BENCH_RAW_V2, sizeof(*new),
				       GFP_KERNEL, NULL, NULL);
		if (!new)
			break;
		bench_v1_to_v2(old, new);
		klp_shadow_free(o, BENCH_RAW_V1, NULL);
		if (!(++done % 256))
			cond_resched();
	}
	return done;
}

static void lookups(int kind, const u32 *seq, unsigned int n)
{
	switch (kind) {
	case TWIN_RAW:
		bench_measure_get_raw(seq, n);
		break;
	case TWIN_K:
		bench_measure_get_k(seq, n);
		break;
	case TWIN_KG:
		bench_measure_get_kg(seq, n);
		break;
	default:
		bench_measure_get_base(seq, n);
		break;
	}
}

static unsigned int alloc_free(int kind, const u32 *seq, unsigned int n)
{
	return kind == TWIN_RAW ? bench_measure_af_raw(seq, n) :
				  bench_measure_af_k(seq, n);
}

/*
 * Shadow data on objects [from, to): of @kind, or for TWIN_BASE a mixed
 * table (even objects raw, odd ones klpsv, as the VM benchmark fills it).
 */
static unsigned long fill(int kind, unsigned long from, unsigned long to)
{
	unsigned long i;

	for (i = from; i < to; i++) {
		void *o = &twin_objs[i];
		struct bench_v1 *d;

		if (kind == TWIN_RAW || (kind == TWIN_BASE && !(i & 1))) {
			d = klp_shadow_get_or_alloc(o, BENCH_RAW_V1, sizeof(*d),
						    GFP_KERNEL, NULL, NULL);
			if (!d)
				break;
			bench_v1_init(d, i);
		} else {
			d = bench_get_or_alloc(o, GFP_KERNEL, NULL);
			if (!d)
				break;
			bench_v1_init(d, i);
			bench_put(d);
		}
	}
	return i - from;
}

/* Free what fill(@kind, 0, n) made: klpsv's instances newest first. */
static void clear(int kind, unsigned long n)
{
	while (n-- > 0)
		if (kind == TWIN_K || (kind == TWIN_BASE && (n & 1)))
			bench_free(&twin_objs[n]);
	klp_shadow_free_all(BENCH_RAW_V1, NULL);
	klp_shadow_free_all(BENCH_RAW_V2, NULL);
	rcu_barrier();
}

static struct module mod = { .name = "klpsv_bench_v1" };
static struct klp_func no_funcs[] = { { } };
static struct klp_object objs[] = {
	{ .funcs = no_funcs, .callbacks = KLPSV_CALLBACKS, },
	{ }
};
static struct klp_patch patch = {
	.mod = &mod,
	.objs = objs,
	.replace = true,
};
static struct klpsv_family *families[] = { &bench_family, NULL };
static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static int enable(void)
{
	return klpsv_enable_patch(&kpatch);
}

static void v1_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

const struct twin_v1_ops twin_v1 = {
	.enable = enable,
	.exit = v1_exit,
	.fill = fill,
	.clear = clear,
	.lookups = lookups,
	.alloc_free = alloc_free,
	.raw_takeover = bench_measure_takeover_raw,
};
