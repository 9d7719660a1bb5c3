/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every version of the lifetime sample's per-task data:
 *
 *   life v1  p1  identity cookie, visits
 *   life v2  p2  + the patch that created the instance (additive: in place)
 *
 * The cookie (the task's pid and start time) tells a task's own data from
 * a dead task's data left on a recycled task_struct address: see
 * Documentation/lifetime.rst, "Recycled addresses".
 */
#ifndef _KLPSV_LIFE_SCHEMAS_H
#define _KLPSV_LIFE_SCHEMAS_H

#include <linux/sched.h>
#include <linux/slab.h>
#include <klpsv.h>

#include "life.h"

#define LIFE_ID		KLPSV_ID(LIFE_NS, 1)

/* Tail room so v1 can grow in place once (v1 -> v2). */
#define LIFE_RESERVE	8

struct life_v1 {
	u64 start;	/* the task's start_boottime */
	u32 pid;	/* and its pid: the identity cookie */
	u32 visits;
};

#define LIFE_V1_LAYOUT KLPSV_LAYOUT(struct life_v1,			\
	KLPSV_FIELD(struct life_v1, start),				\
	KLPSV_FIELD(struct life_v1, pid),				\
	KLPSV_FIELD(struct life_v1, visits))

struct life_v2 {
	u64 start;
	u32 pid;
	u32 visits;
	u32 born;	/* 1: created by p1, 2: by p2 */
};

#define LIFE_V2_LAYOUT KLPSV_LAYOUT(struct life_v2,			\
	KLPSV_FIELD(struct life_v2, start),				\
	KLPSV_FIELD(struct life_v2, pid),				\
	KLPSV_FIELD(struct life_v2, visits),				\
	KLPSV_FIELD(struct life_v2, born))

/**
 * life_cookie_matches() - whether per-task data belongs to this task
 * @t: the task the data is attached to
 * @start: the start_boottime stored in the data
 * @pid: the pid stored in the data
 *
 * A task_struct freed without the free hook (during the first patch's
 * transition, by a task still running unpatched code) leaves its data
 * behind; a new task allocated at the same address must not inherit it.
 * No two tasks alive one after the other at one address have the same
 * pid and start time.
 *
 * Return: true when the data was created for @t.
 */
static inline bool life_cookie_matches(const struct task_struct *t,
				       u64 start, u32 pid)
{
	return start == t->start_boottime && pid == (u32)t->pid;
}

/*
 * The body of release_user_cpus_ptr() (kernel/sched/core.c), the same in
 * 6.1 and 6.12: check it against the kernel a patch is built for.
 */
static inline void life_release_user_cpus_ptr_body(struct task_struct *p)
{
	struct cpumask *user_mask = NULL;

	swap(p->user_cpus_ptr, user_mask);
	kfree(user_mask);
}

#endif /* _KLPSV_LIFE_SCHEMAS_H */
