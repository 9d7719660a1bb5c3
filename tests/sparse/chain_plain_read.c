// SPDX-License-Identifier: GPL-2.0
// expect: incorrect type in assignment (different address spaces)
/*
 * Misuse: a walk along an index's bucket chain that reads the next
 * instance without rcu_dereference(): a lockless reader could see a
 * half-published instance.  struct klpsv_hdr.chain is __rcu.
 */
#include <linux/module.h>

#include <klpsv.h>

struct klpsv_hdr *next_in_chain(struct klpsv_hdr *hdr);

struct klpsv_hdr *next_in_chain(struct klpsv_hdr *hdr)
{
	struct klpsv_hdr *next;

	next = hdr->chain;
	return next;
}

MODULE_LICENSE("GPL");
