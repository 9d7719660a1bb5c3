/* SPDX-License-Identifier: GPL-2.0 */
/* One address space: copies always succeed (0 bytes left uncopied). */
#ifndef _SHIM_LINUX_UACCESS_H
#define _SHIM_LINUX_UACCESS_H

#include <string.h>
#include <linux/kernel.h>

static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	might_sleep();
	memcpy(to, from, n);
	return 0;
}

static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	might_sleep();
	memcpy(to, from, n);
	return 0;
}

#endif /* _SHIM_LINUX_UACCESS_H */
