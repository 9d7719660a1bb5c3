// SPDX-License-Identifier: GPL-2.0
/*
 * Driver of the userspace twin of the klpsv benchmark.  Run under
 *
 *	valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
 *		--toggle-collect='bench_measure_*' klpsv-bench-twin [--short]
 *
 * (tests/bench/run-unit.sh does), it dumps callgrind's instruction counts
 * after each measurement under a label ("get/1000/raw", ...) and prints
 * one "meta LABEL ops=N" line per label; run-unit.sh makes the table.
 * Without valgrind it runs the same steps, uncounted (a quick check).
 *
 * Same figures, tables and loops as the VM benchmark (guest.sh): lookups
 * in tables of s1, s2, s3 shadow variables, half raw (even objects), half
 * klpsv (odd objects); takeovers with each kind alone in the table.  But
 * one pass per measurement (instruction counts do not vary), and the
 * takeover at TWIN_TAKEOVER instances (default 100000: at a million,
 * callgrind needs tens of minutes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <klpsv_shim.h>

#include "twin.h"

struct bench_obj *twin_objs;

static unsigned long s1 = 1000, s2 = 100000, s3 = 1000000;
static unsigned long takeover_n = 100000;
static const unsigned long spare = 65536;

/* Every measurement starts with no RCU callback (kfree) pending. */
static void begin(void)
{
	rcu_barrier();
	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_ZERO_STATS;
}

static void end(const char *label, unsigned long ops)
{
	CALLGRIND_DUMP_STATS_AT(label);
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("meta %s ops=%lu\n", label, ops);
	fflush(stdout);
}

static u32 *make_seq(unsigned long from, unsigned long n, unsigned int iters,
		     u64 seed)
{
	u32 *seq = malloc(iters * sizeof(*seq));
	u64 s = BENCH_SEED ^ (seed * 0x100000001b3ULL);
	unsigned int i;

	if (!seq)
		abort();
	for (i = 0; i < iters; i++)
		seq[i] = from + bench_pick(&s, n);
	return seq;
}

static const char *const kinds[] = {
	[TWIN_RAW] = "raw", [TWIN_K] = "k", [TWIN_KG] = "kg",
	[TWIN_BASE] = "base",
};

/* Lookups in a mixed table of n: raw of even objects, klpsv of odd ones. */
static void lookups(unsigned long n, int kind, bool miss)
{
	unsigned int iters = miss ? 5000 : 10000, i;
	u64 kseed = 1000003ULL * kind;	/* each kind its own objects */
	u32 *seq = miss ? make_seq(s3, spare, iters, 7 + kseed) :
			  make_seq(0, n / 2, iters, n + kseed);
	char label[64];

	if (!miss)
		for (i = 0; i < iters; i++)
			seq[i] = seq[i] * 2 + (kind == TWIN_K || kind == TWIN_KG);
	snprintf(label, sizeof(label), "%s/%lu/%s", miss ? "miss" : "get", n,
		 kinds[kind]);
	begin();
	twin_v1.lookups(kind, seq, iters);
	end(label, iters);
	free(seq);
}

static void alloc_free(unsigned long n, int kind)
{
	unsigned int iters = n <= 1000 ? 2000 : 1000;
	u32 *seq = make_seq(s3, spare, iters, 11 + 1000003ULL * kind);
	char label[64];

	snprintf(label, sizeof(label), "af/%lu/%s", n, kinds[kind]);
	begin();
	if (twin_v1.alloc_free(kind, seq, iters)) {
		fprintf(stderr, "twin: %s: allocation failed\n", label);
		exit(1);
	}
	end(label, iters);
	free(seq);
}

static void fill(int kind, unsigned long from, unsigned long to)
{
	if (twin_v1.fill(kind, from, to) != to - from) {
		fprintf(stderr, "twin: fill %s to %lu failed\n", kinds[kind], to);
		exit(1);
	}
}

/* Every lookup figure: mixed tables of s1, s2, s3 shadow variables. */
static void mixed_tables(void)
{
	static const int all[] = { TWIN_BASE, TWIN_RAW, TWIN_K, TWIN_KG };
	unsigned long n, done = 0;
	int i, k;

	for (i = 0; i < 3; i++) {
		n = i == 0 ? s1 : i == 1 ? s2 : s3;
		fill(TWIN_BASE, done, n);
		done = n;
		for (k = 0; k < 4; k++)
			lookups(n, all[k], false);
		if (i == 0 || i == 2) {
			alloc_free(n, TWIN_RAW);
			alloc_free(n, TWIN_K);
		}
		if (i == 2)
			for (k = 0; k < 4; k++)
				lookups(n, all[k], true);
	}
	twin_v1.clear(TWIN_BASE, s3);
}

static unsigned long field(const char *text, const char *name)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(text, key);
	return p ? strtoul(p + strlen(key), NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	char buf[4096], label[64];
	unsigned long done;
	const char *env;

	if (argc > 1 && !strcmp(argv[1], "--short")) {
		s1 = 1000, s2 = 5000, s3 = 10000;
		takeover_n = 10000;
	}
	env = getenv("TWIN_TAKEOVER");
	if (env)
		takeover_n = strtoul(env, NULL, 10);
	if (takeover_n > s3)
		takeover_n = s3;
	printf("meta sizes s1=%lu s2=%lu s3=%lu takeover=%lu\n", s1, s2, s3,
	       takeover_n);

	twin_objs = calloc(s3 + spare, sizeof(*twin_objs));
	if (!twin_objs)
		return 1;
	if (twin_v1.enable()) {
		shim_log_dump("twin: ");
		return 1;
	}

	mixed_tables();

	/* the takeovers: each kind alone in the table */
	fill(TWIN_RAW, 0, takeover_n);
	snprintf(label, sizeof(label), "takeover/%lu/raw", takeover_n);
	begin();
	done = twin_v1.raw_takeover(takeover_n);
	end(label, done);
	twin_v1.clear(TWIN_RAW, takeover_n);

	fill(TWIN_K, 0, takeover_n);
	if (shim_debugfs_read("klpsv/klpsv_bench_v1/families", buf,
			      sizeof(buf)) < 0) {
		fprintf(stderr, "twin: no debugfs families file\n");
		return 1;
	}
	/*
	 * bytes_per_instance: klpsv's from its debugfs, raw's from the
	 * kmalloc size classes (the shim's copy of the kernel's) and its
	 * table.
	 */
	printf("meta bytes instances=%lu bytes=%lu index_bytes=%lu raw_each=%zu raw_table=%lu struct=%zu shadow=%zu\n",
	       field(buf, "instances"), field(buf, "bytes"),
	       field(buf, "index_bytes"),
	       BENCH_RAW_BYTES(sizeof(struct bench_v1)), BENCH_RAW_TABLE_BYTES,
	       sizeof(struct bench_v1), sizeof(struct bench_klp_shadow));

	/* klpsv's takeover: v2 enabled, replacing v1 (callbacks counted) */
	snprintf(label, sizeof(label), "takeover/%lu/k", takeover_n);
	begin();
	if (twin_v2.enable()) {
		shim_log_dump("twin: ");
		return 1;
	}
	end(label, twin_v2.steps());
	if (twin_v2.steps() < takeover_n) {
		fprintf(stderr, "twin: %lu steps for %lu instances\n",
			twin_v2.steps(), takeover_n);
		shim_log_dump("twin: ");
		return 1;
	}
	twin_v1.exit();		/* the replaced module is unloaded */

	snprintf(label, sizeof(label), "release/%lu/k", takeover_n);
	begin();
	if (twin_v2.disable()) {
		shim_log_dump("twin: ");
		return 1;
	}
	end(label, takeover_n);
	/* every instance freed: the family is gone, no leak reported */
	if (shim_debugfs_read("klpsv/klpsv_bench_v2/families", buf,
			      sizeof(buf)) < 0 || strstr(buf, "family=bench ") ||
	    shim_log_find("leak")) {
		fprintf(stderr, "twin: family bench left after the disable\n");
		shim_log_dump("twin: ");
		return 1;
	}
	twin_v2.exit();
	rcu_barrier();
	printf("meta done warnings=%u\n", shim_warnings());
	return shim_warnings() ? 1 : 0;
}
