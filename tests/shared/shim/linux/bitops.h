/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_BITOPS_H
#define _SHIM_LINUX_BITOPS_H

#include <strings.h>	/* ffs(), as the kernel's */
#include <linux/bits.h>
#include <linux/math.h>
#include <linux/types.h>

#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_BYTE * sizeof(long))
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return 1UL & (__atomic_load_n(addr + BIT_WORD(nr), __ATOMIC_RELAXED) >>
		      (nr & (BITS_PER_LONG - 1)));
}

static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	return !!(__atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr),
				    __ATOMIC_SEQ_CST) & BIT_MASK(nr));
}

static inline bool test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	return !!(__atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr),
				     __ATOMIC_SEQ_CST) & BIT_MASK(nr));
}

static inline void __set_bit(long nr, volatile unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(long nr, volatile unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

static inline unsigned int hweight32(unsigned int w)
{
	return __builtin_popcount(w);
}

static inline unsigned long hweight64(u64 w)
{
	return __builtin_popcountll(w);
}

#define hweight_long(w) hweight64(w)

static inline u32 rol32(u32 word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> ((-shift) & 31));
}

static inline u32 ror32(u32 word, unsigned int shift)
{
	return (word >> (shift & 31)) | (word << ((-shift) & 31));
}

static inline u64 rol64(u64 word, unsigned int shift)
{
	return (word << (shift & 63)) | (word >> ((-shift) & 63));
}

#endif /* _SHIM_LINUX_BITOPS_H */
