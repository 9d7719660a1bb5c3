/* SPDX-License-Identifier: GPL-2.0 */
/* The barriers live in the shim's linux/compiler.h. */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H
#include <linux/compiler.h>
#endif
