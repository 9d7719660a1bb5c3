/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between the smoke victim and its livepatch: the object the victim
 * reports on, and the function the livepatch replaces.
 */
#ifndef _KLPSV_SMOKE_H
#define _KLPSV_SMOKE_H

#include <linux/seq_file.h>

/**
 * struct smoke_item - an object the victim module reports on
 * @id: number printed in the report
 */
struct smoke_item {
	unsigned int id;
};

void klpsv_smoke_describe(struct seq_file *m, struct smoke_item *item);

#endif /* _KLPSV_SMOKE_H */
