/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmalloc() and friends on malloc(), with what tests need: every live
 * allocation is tracked with its file:line (leak reports), allocations
 * can be made to fail (shim_fail_nth_alloc()), a blocking GFP in atomic
 * context is a sleep bug, kmalloc(0) returns ZERO_SIZE_PTR and kfree() of
 * an unknown pointer is a BUG report before the sanitizer's own.
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/types.h>
#include <klpsv_shim.h>

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define KMALLOC_MAX_SIZE	(1UL << 22)	/* the page allocator's limit */
#define ARCH_KMALLOC_MINALIGN	8

#define kmalloc(size, gfp) \
	shim_kmalloc((size), (gfp), SHIM_KMALLOC, NULL, __FILE__, __LINE__)
#define kzalloc(size, gfp)	kmalloc((size), (gfp) | __GFP_ZERO)
#define kmalloc_node(size, gfp, node)	kmalloc(size, gfp)
#define kzalloc_node(size, gfp, node)	kzalloc(size, gfp)
#define kmalloc_array(n, size, gfp) ({					\
	size_t __bytes;							\
	check_mul_overflow((size_t)(n), (size_t)(size), &__bytes) ?	\
		NULL : kmalloc(__bytes, gfp);				\
})
#define kcalloc(n, size, gfp)	kmalloc_array(n, size, (gfp) | __GFP_ZERO)
#define krealloc(p, size, gfp)	shim_krealloc((p), (size), (gfp), __FILE__, __LINE__)
#define krealloc_array(p, n, size, gfp) ({				\
	size_t __bytes;							\
	check_mul_overflow((size_t)(n), (size_t)(size), &__bytes) ?	\
		NULL : krealloc(p, __bytes, gfp);			\
})
#define kfree(p)		shim_kfree((p), SHIM_KMALLOC, NULL)
#define kfree_sensitive(p)	shim_kfree((p), SHIM_KMALLOC, NULL)
#define ksize(p)		shim_ksize(p)

/*
 * The kernel's kmalloc size classes (x86-64, SLUB): powers of two from 8
 * and 96, 192; past 8 KB the page allocator's orders, powers of two too.
 */
static inline size_t kmalloc_size_roundup(size_t size)
{
	size_t c = 8;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	while (c < size)
		c <<= 1;
	return c;
}

#define kvmalloc(size, gfp) \
	shim_kmalloc((size), (gfp), SHIM_VMALLOC, NULL, __FILE__, __LINE__)
#define kvzalloc(size, gfp)	kvmalloc((size), (gfp) | __GFP_ZERO)
#define kvmalloc_array(n, size, gfp) ({					\
	size_t __bytes;							\
	check_mul_overflow((size_t)(n), (size_t)(size), &__bytes) ?	\
		NULL : kvmalloc(__bytes, gfp);				\
})
#define kvcalloc(n, size, gfp)	kvmalloc_array(n, size, (gfp) | __GFP_ZERO)
#define kvfree(p)		shim_kfree((p), SHIM_VMALLOC, NULL)

/* Slab caches: objects are checked against their cache on free. */
#define SLAB_HWCACHE_ALIGN	((__force slab_flags_t)0x00002000U)
#define SLAB_PANIC		((__force slab_flags_t)0x00040000U)
#define SLAB_TYPESAFE_BY_RCU	((__force slab_flags_t)0x00080000U)
#define SLAB_ACCOUNT		((__force slab_flags_t)0x04000000U)

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	slab_flags_t flags;
	void (*ctor)(void *);
	long live;
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
#define KMEM_CACHE(__struct, __flags)					\
	kmem_cache_create(#__struct, sizeof(struct __struct),		\
			  __alignof__(struct __struct), (__flags), NULL)
#define kmem_cache_alloc(s, gfp) \
	shim_kmalloc((s)->size, (gfp), SHIM_KMEM_CACHE, (s), __FILE__, __LINE__)
#define kmem_cache_zalloc(s, gfp)	kmem_cache_alloc(s, (gfp) | __GFP_ZERO)
#define kmem_cache_free(s, p)		shim_kfree((p), SHIM_KMEM_CACHE, (s))

/* The kernel declares these in <linux/string.h>. */
void *shim_kmemdup(const void *src, size_t len, gfp_t gfp, const char *file, int line);
char *shim_kstrdup(const char *s, gfp_t gfp, const char *file, int line);
char *shim_kstrndup(const char *s, size_t max, gfp_t gfp, const char *file, int line);
#define kmemdup(src, len, gfp)	shim_kmemdup((src), (len), (gfp), __FILE__, __LINE__)
#define kstrdup(s, gfp)		shim_kstrdup((s), (gfp), __FILE__, __LINE__)
#define kstrndup(s, max, gfp)	shim_kstrndup((s), (max), (gfp), __FILE__, __LINE__)
#define kstrdup_const(s, gfp)	kstrdup(s, gfp)
#define kfree_const(p)		kfree(p)

#endif /* _SHIM_LINUX_SLAB_H */
