/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <linux/slab.h>

/* vmalloc() may always sleep. */
#define vmalloc(size)		kvmalloc((size), GFP_KERNEL)
#define vzalloc(size)		kvzalloc((size), GFP_KERNEL)
#define vmalloc_array(n, size)	kvmalloc_array((n), (size), GFP_KERNEL)
#define vcalloc(n, size)	kvcalloc((n), (size), GFP_KERNEL)
#define vfree(p)		kvfree(p)

#endif /* _SHIM_LINUX_VMALLOC_H */
