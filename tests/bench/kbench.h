/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel side of the klpsv benchmarks: what v1.c and v2.c share beyond
 * bench.h.  Static inline helpers only: each module has its own copy.
 */
#ifndef _KLPSV_KBENCH_H
#define _KLPSV_KBENCH_H

#include <linux/interrupt.h>
#include <linux/kernel_stat.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/string.h>

#include <asm/hardirq.h>

#include "bench.h"

/* From klpsv_bench_objs: the objects, the same for every module. */
extern struct bench_obj *klpsv_bench_objs;
extern unsigned long klpsv_bench_nr_objs;
extern unsigned long klpsv_bench_nr_live;

/*
 * Objects [0, klpsv_bench_nr_live) may carry shadow data; the rest never
 * do, except for the instant an alloc/free pass holds it: lookups of
 * those are misses.
 */
static inline struct bench_obj *bench_obj(unsigned long i)
{
	return &klpsv_bench_objs[i];
}

static inline void bench_resched(void)
{
	cond_resched();
}

/*
 * Changes whenever this CPU takes an interrupt or a softirq, or the task
 * is switched out (then it may also run on another CPU).
 */
static inline unsigned long bench_irq_sig(void)
{
	unsigned long n = raw_cpu_read(kstat.irqs_sum);
	unsigned int i;

	for (i = 0; i < NR_SOFTIRQS; i++)
		n += raw_cpu_read(kstat.softirqs[i]);
#ifdef CONFIG_X86
	n += raw_cpu_read(irq_stat.apic_timer_irqs);
#ifdef CONFIG_SMP
	n += raw_cpu_read(irq_stat.irq_resched_count);
	n += raw_cpu_read(irq_stat.irq_call_count);
#endif
#endif
	return n + current->nvcsw + current->nivcsw;
}

static inline void bench_win_start(struct bench_windows *w)
{
	memset(w, 0, sizeof(*w));
	w->sig = bench_irq_sig();
	w->last = local_clock();
}

/* One instance is done: close its window, open the next one. */
static inline void bench_win_mark(struct bench_windows *w)
{
	u64 now = local_clock(), d = now - w->last;
	unsigned long sig = bench_irq_sig();

	w->n++;
	w->sum_all += d;
	if (d > w->max_all)
		w->max_all = d;
	if (sig != w->sig) {
		w->dirty++;
	} else {
		w->sum += d;
		if (d > w->max)
			w->max = d;
		w->hist[min_t(u64, div_u64(d, 1000), BENCH_HIST_US)]++;
	}
	w->sig = sig;
	w->last = now;
}

/* The clean window length (us) under which @permille of them fall. */
static inline u64 bench_win_pct_us(const struct bench_windows *w,
				   unsigned int permille)
{
	u64 clean = w->n - w->dirty, seen = 0;
	u64 want = div_u64(clean * permille + 999, 1000);
	unsigned int b;

	if (!clean)
		return 0;
	for (b = 0; b < BENCH_HIST_US; b++) {
		seen += w->hist[b];
		if (seen >= want)
			return b + 1;
	}
	return div_u64(w->max, 1000) + 1;
}

/*
 * "windows=.. sum_ns=.. dirty=.. dirty_ns=.. max_ns=.. max_all_ns=..
 * mean_ns=.. p50_us=.. p99_us=.. p999_us=..": sum_ns is the time all
 * windows took, dirty_ns the time the interrupted ones took, max_ns and
 * the percentiles are of the clean ones, mean_ns their mean.
 */
static inline int bench_win_print(char *buf, size_t len,
				  const struct bench_windows *w)
{
	u64 clean = w->n - w->dirty;

	return scnprintf(buf, len,
			 "windows=%llu sum_ns=%llu dirty=%llu dirty_ns=%llu max_ns=%llu max_all_ns=%llu mean_ns=%llu p50_us=%llu p99_us=%llu p999_us=%llu",
			 w->n, w->sum_all, w->dirty, w->sum_all - w->sum,
			 w->max, w->max_all, clean ? div64_u64(w->sum, clean) : 0,
			 bench_win_pct_us(w, 500), bench_win_pct_us(w, 990),
			 bench_win_pct_us(w, 999));
}

#endif /* _KLPSV_KBENCH_H */
