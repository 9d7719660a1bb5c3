// SPDX-License-Identifier: GPL-2.0
// expect: context imbalance in 'relink' - wrong count at exit
/*
 * Misuse: a helper documented as running under the index lock drops it.
 * lib/ marks such helpers __must_hold(&index->lock) on their definition.
 */
#include <linux/module.h>

#include "internal.h"

void relink(struct klpsv_index *index, struct klpsv_hdr *hdr,
	    unsigned long flags);

void relink(struct klpsv_index *index, struct klpsv_hdr *hdr,
	    unsigned long flags)
	__must_hold(&index->lock)
{
	__klpsv_unlink(index, hdr, index->epoch);
	spin_unlock_irqrestore(&index->lock, flags);
}

MODULE_LICENSE("GPL");
