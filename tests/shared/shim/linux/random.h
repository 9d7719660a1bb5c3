/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic "random" numbers: the sequence restarts with every test
 * (shim_reset()), so a failure reproduces.
 */
#ifndef _SHIM_LINUX_RANDOM_H
#define _SHIM_LINUX_RANDOM_H

#include <linux/types.h>

u64 shim_random_u64(void);
void get_random_bytes(void *buf, size_t len);

static inline u32 get_random_u32(void)
{
	return (u32)shim_random_u64();
}

static inline u64 get_random_u64(void)
{
	return shim_random_u64();
}

static inline unsigned long get_random_long(void)
{
	return shim_random_u64();
}

static inline u32 get_random_u32_below(u32 ceil)
{
	return ceil ? (u32)(((u64)get_random_u32() * ceil) >> 32) : 0;
}

#define prandom_u32_max(ceil)	get_random_u32_below(ceil)

#endif /* _SHIM_LINUX_RANDOM_H */
