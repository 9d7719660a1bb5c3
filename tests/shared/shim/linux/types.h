/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel integer types on top of the uapi ones (glibc's own headers reach
 * this file through <linux/types.h>, hence #include_next).
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <linux/compiler_types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

typedef unsigned int __bitwise gfp_t;
typedef unsigned int __bitwise slab_flags_t;
typedef unsigned int __bitwise fmode_t;
typedef unsigned short umode_t;
typedef u64 phys_addr_t;
typedef unsigned long irq_hw_number_t;

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef atomic64_t atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

/*
 * Not the kernel's layout: the first two words are liburcu's own
 * struct rcu_head (the shim hands the head to liburcu as is), the last
 * one is the pointer kfree_rcu() frees.  Code must not look inside.
 */
struct callback_head {
	void *__urcu[2];
	void (*func)(struct callback_head *head);
	void *__kfree_ptr;
};
#define rcu_head callback_head

typedef void (*rcu_callback_t)(struct rcu_head *head);

#endif /* _SHIM_LINUX_TYPES_H */
