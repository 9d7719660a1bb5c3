/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_SORT_H
#define _SHIM_LINUX_SORT_H

#include <linux/types.h>

typedef void (*swap_func_t)(void *a, void *b, int size);
typedef int (*cmp_func_t)(const void *a, const void *b);

/* Heapsort like the kernel's: in place, not stable, swap optional. */
void sort(void *base, size_t num, size_t size, cmp_func_t cmp_func,
	  swap_func_t swap_func);

#endif /* _SHIM_LINUX_SORT_H */
