// SPDX-License-Identifier: GPL-2.0
/*
 * Twin of klpsv_bench_v2 (tests/bench/v2.c): family bench v2, a breaking
 * change from v1, and callbacks that wrap klpsv's, so callgrind counts
 * exactly the takeover (pre_patch + post_patch) and the release.
 * Linked with its own copy of lib/ (see the Makefile).
 */
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klp_model.h"
#include "twin.h"

static unsigned long steps;

static int bench_up(void *obj, const void *from, void *to)
{
	bench_v1_to_v2(from, to);
	steps++;
	return 0;
}

static void bench_release(void *obj, void *data)
{
}

KLPSV_FAMILY(bench, struct bench_v2,
	.name = "bench",
	.id = BENCH_ID,
	.version = KLPSV_V(2),
	.layout = BENCH_V2_LAYOUT,
	KLPSV_STEPS({ .from = KLPSV_V(1), .layout = BENCH_V1_LAYOUT,
		      .up = bench_up, .release = bench_release }),
);

/* The measured functions: callgrind counts only bench_measure_*. */
noinline int bench_measure_pre_patch(struct klp_object *obj);
noinline int bench_measure_pre_patch(struct klp_object *obj)
{
	return klpsv_pre_patch(obj);
}

noinline void bench_measure_post_patch(struct klp_object *obj);
noinline void bench_measure_post_patch(struct klp_object *obj)
{
	klpsv_post_patch(obj);
}

noinline void bench_measure_post_unpatch(struct klp_object *obj);
noinline void bench_measure_post_unpatch(struct klp_object *obj)
{
	klpsv_post_unpatch(obj);
}

static struct module mod = { .name = "klpsv_bench_v2" };
static struct klp_func no_funcs[] = { { } };
static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = {
			.pre_patch = bench_measure_pre_patch,
			.post_patch = bench_measure_post_patch,
			.post_unpatch = bench_measure_post_unpatch,
		},
	}, { }
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

static int disable(void)
{
	return klpm_disable(&patch);
}

static void v2_exit(void)
{
	klpsv_patch_exit(&kpatch);
}

static unsigned long get_steps(void)
{
	return steps;
}

const struct twin_v2_ops twin_v2 = {
	.enable = enable,
	.disable = disable,
	.exit = v2_exit,
	.steps = get_steps,
};
