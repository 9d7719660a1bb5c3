/* SPDX-License-Identifier: GPL-2.0 */
/* glibc's classification functions do what the kernel's macros do. */
#ifndef _SHIM_LINUX_CTYPE_H
#define _SHIM_LINUX_CTYPE_H

#include <ctype.h>

#define isodigit(c)	((c) >= '0' && (c) <= '7')

#endif /* _SHIM_LINUX_CTYPE_H */
