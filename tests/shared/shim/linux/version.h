/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel version the shim pretends to be; the Makefile sets
 * SHIM_LINUX_VERSION_CODE from SHIM_KVER (default 6.1).
 */
#ifndef _SHIM_LINUX_VERSION_H
#define _SHIM_LINUX_VERSION_H

#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

#ifndef SHIM_LINUX_VERSION_CODE
#define SHIM_LINUX_VERSION_CODE KERNEL_VERSION(6, 1, 0)
#endif

#define LINUX_VERSION_CODE	SHIM_LINUX_VERSION_CODE
#define LINUX_VERSION_MAJOR	(LINUX_VERSION_CODE >> 16)
#define LINUX_VERSION_PATCHLEVEL ((LINUX_VERSION_CODE >> 8) & 0xff)
#define LINUX_VERSION_SUBLEVEL	(LINUX_VERSION_CODE & 0xff)

#endif /* _SHIM_LINUX_VERSION_H */
