/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object-lifetime sample: per-task data freed when the task_struct is
 * freed.  A victim module reports on the reading task in /proc/klpsv_life;
 * its livepatches keep a per-task counter in shadow data on `current`,
 * and free it from the kernel's own task-free path by patching
 * release_user_cpus_ptr() (Documentation/lifetime.rst says why that one).
 */
#ifndef _KLPSV_LIFE_H
#define _KLPSV_LIFE_H

#include <linux/delay.h>
#include <linux/seq_file.h>

/*
 * One line of /proc/klpsv_life, about the reading task: the victim keeps
 * nothing per task (the bug the patches fix).
 */
void life_visit(struct seq_file *m);
/*
 * Sleep for @ms milliseconds ("echo park <ms> > /proc/klpsv_life").
 * Every patch replaces it with its own copy, so a task sleeping here
 * holds the next transition open.
 */
void life_park(unsigned int ms);

static inline void life_park_body(unsigned int ms)
{
	msleep_interruptible(ms);
	barrier();	/* no tail call: the caller stays on the stack */
}

/* Namespace of the lifetime sample's klpsv ids. */
#define LIFE_NS		3

#endif /* _KLPSV_LIFE_H */
