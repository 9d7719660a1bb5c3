// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc() and friends.  Each live allocation is recorded with where it
 * was made and a sequence number, so a test can list what it leaked; the
 * memory itself is plain malloc() memory, so the sanitizers see overflows
 * and use-after-free exactly.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/slab.h>
#include <klpsv_shim.h>
#include "rt_internal.h"

struct alloc_rec {
	const void *p;
	size_t size;
	const char *file;
	int line;
	enum shim_alloc_kind kind;
	const struct kmem_cache *cache;
	unsigned long seq;
	struct alloc_rec *next;
};

#define REC_BUCKETS 65536

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static struct alloc_rec *recs[REC_BUCKETS];
static unsigned long next_seq = 1;
static unsigned long live_nr;
static size_t live_bytes;

/* Fault injection: the nth attempt after arming fails (or all from it). */
static unsigned long fail_at;
static bool fail_onward;
static unsigned long attempts;
static unsigned long failed;

static unsigned int rec_bucket(const void *p)
{
	return ((unsigned long)p >> 4) * 0x9E3779B97F4A7C15ull >> 48;
}

static void rec_add(const void *p, size_t size, enum shim_alloc_kind kind,
		    const struct kmem_cache *cache, const char *file, int line)
{
	struct alloc_rec *r = malloc(sizeof(*r));
	unsigned int b = rec_bucket(p);

	if (!r) {
		fprintf(stderr, "shim: out of memory for allocation records\n");
		abort();
	}
	r->p = p;
	r->size = size;
	r->kind = kind;
	r->cache = cache;
	r->file = file;
	r->line = line;
	pthread_mutex_lock(&rec_lock);
	r->seq = next_seq++;
	r->next = recs[b];
	recs[b] = r;
	live_nr++;
	live_bytes += size;
	pthread_mutex_unlock(&rec_lock);
}

/* Unlinks and returns the record of p, or NULL. */
static struct alloc_rec *rec_take(const void *p)
{
	struct alloc_rec **pp, *r;

	pthread_mutex_lock(&rec_lock);
	for (pp = &recs[rec_bucket(p)]; (r = *pp); pp = &r->next) {
		if (r->p == p) {
			*pp = r->next;
			live_nr--;
			live_bytes -= r->size;
			break;
		}
	}
	pthread_mutex_unlock(&rec_lock);
	return r;
}

static const struct alloc_rec *rec_find(const void *p)
{
	struct alloc_rec *r;

	pthread_mutex_lock(&rec_lock);
	for (r = recs[rec_bucket(p)]; r; r = r->next)
		if (r->p == p)
			break;
	pthread_mutex_unlock(&rec_lock);
	return r;
}

static bool inject_failure(gfp_t gfp)
{
	unsigned long n = __atomic_add_fetch(&attempts, 1, __ATOMIC_RELAXED);
	unsigned long at = __atomic_load_n(&fail_at, __ATOMIC_RELAXED);

	/* failslab never fails __GFP_NOFAIL */
	if (!at || (gfp & __GFP_NOFAIL))
		return false;
	if (n == at || (fail_onward && n > at)) {
		__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
		return true;
	}
	return false;
}

void *shim_kmalloc(size_t size, gfp_t gfp, enum shim_alloc_kind kind,
		   const void *cache, const char *file, int line)
{
	const struct kmem_cache *s = cache;
	size_t align = s && s->align > 16 ? s->align : 0;
	void *p;

	if (gfpflags_allow_blocking(gfp))
		shim_might_sleep(file, line);
	if (!size)
		return ZERO_SIZE_PTR;
	if (inject_failure(gfp))
		return NULL;
	if (kind == SHIM_KMALLOC && size > KMALLOC_MAX_SIZE) {
		if (!(gfp & __GFP_NOWARN))
			shim_warn(file, line, "kmalloc",
				  "kmalloc(%zu) is over KMALLOC_MAX_SIZE", size);
		return NULL;
	}
	if (kind == SHIM_VMALLOC && size > INT_MAX) {
		if (!(gfp & __GFP_NOWARN))
			shim_warn(file, line, "kvmalloc",
				  "kvmalloc(%zu) is over INT_MAX", size);
		return NULL;
	}
	p = align ? aligned_alloc(align, ALIGN(size, align)) : malloc(size);
	if (!p)
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, size);
	if (s && s->ctor)
		s->ctor(p);
	rec_add(p, size, kind, s, file, line);
	if (s)
		__atomic_add_fetch(&((struct kmem_cache *)s)->live, 1, __ATOMIC_RELAXED);
	return p;
}

void shim_kfree(const void *p, enum shim_alloc_kind kind, const void *cache)
{
	struct alloc_rec *r;

	if (ZERO_OR_NULL_PTR(p))
		return;
	r = rec_take(p);
	if (!r) {
		shim_count_warning();
		shim_report(LOGLEVEL_ERR,
			    "BUG: free of %p, which is not a live allocation (double free?)",
			    p);
		/* let the sanitizer say more, if there is one */
		free((void *)p);
		return;
	}
	if (kind == SHIM_KMALLOC && r->kind == SHIM_VMALLOC) {
		shim_count_warning();
		shim_report(LOGLEVEL_WARNING,
			    "WARNING: kfree() of kvmalloc()ed memory %p from %s:%d (use kvfree())",
			    p, r->file, r->line);
	}
	if (kind == SHIM_KMEM_CACHE && r->cache != cache) {
		shim_count_warning();
		shim_report(LOGLEVEL_WARNING,
			    "WARNING: kmem_cache_free(%s) of an object from %s (%s:%d)",
			    cache ? ((const struct kmem_cache *)cache)->name : "?",
			    r->cache ? r->cache->name : "kmalloc", r->file, r->line);
	}
	if (r->cache)
		__atomic_sub_fetch(&((struct kmem_cache *)r->cache)->live, 1,
				   __ATOMIC_RELAXED);
	free(r);
	free((void *)p);
}

size_t shim_ksize(const void *p)
{
	const struct alloc_rec *r;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	r = rec_find(p);
	return r ? r->size : 0;
}

void *shim_krealloc(const void *p, size_t size, gfp_t gfp,
		    const char *file, int line)
{
	size_t old;
	void *n;

	if (!size) {
		shim_kfree(p, SHIM_KMALLOC, NULL);
		return ZERO_SIZE_PTR;
	}
	old = shim_ksize(p);
	n = shim_kmalloc(size, gfp & ~__GFP_ZERO, SHIM_KMALLOC, NULL, file, line);
	if (!n || n == ZERO_SIZE_PTR)
		return n;
	if (old)
		memcpy(n, p, old < size ? old : size);
	if ((gfp & __GFP_ZERO) && size > old)
		memset((char *)n + old, 0, size - old);
	shim_kfree(p, SHIM_KMALLOC, NULL);
	return n;
}

void *shim_kmemdup(const void *src, size_t len, gfp_t gfp, const char *file, int line)
{
	void *p = shim_kmalloc(len, gfp, SHIM_KMALLOC, NULL, file, line);

	if (p && p != ZERO_SIZE_PTR)
		memcpy(p, src, len);
	return p;
}

char *shim_kstrndup(const char *s, size_t max, gfp_t gfp, const char *file, int line)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	p = shim_kmalloc(len + 1, gfp, SHIM_KMALLOC, NULL, file, line);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *shim_kstrdup(const char *s, gfp_t gfp, const char *file, int line)
{
	return s ? shim_kstrndup(s, strlen(s), gfp, file, line) : NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s) {
		if (flags & SLAB_PANIC)
			BUG();
		return NULL;
	}
	s->name = name;
	s->size = size;
	s->align = flags & SLAB_HWCACHE_ALIGN && align < 64 ? 64 : align;
	s->flags = flags;
	s->ctor = ctor;
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	might_sleep();
	if (s->live) {
		pr_err("kmem_cache_destroy %s: Slab cache still has objects\n", s->name);
		WARN(1, "kmem_cache_destroy(%s) with %ld live objects", s->name, s->live);
		return;
	}
	kfree(s);
}

void shim_fail_nth_alloc(unsigned long nth)
{
	__atomic_store_n(&fail_at, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&attempts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&failed, 0, __ATOMIC_RELAXED);
	fail_onward = false;
	__atomic_store_n(&fail_at, nth, __ATOMIC_RELAXED);
}

void shim_fail_allocs_from(unsigned long nth)
{
	shim_fail_nth_alloc(0);
	fail_onward = true;
	__atomic_store_n(&fail_at, nth, __ATOMIC_RELAXED);
}

void shim_fail_off(void)
{
	shim_fail_nth_alloc(0);
}

unsigned long shim_fail_count(void)
{
	return __atomic_load_n(&failed, __ATOMIC_RELAXED);
}

unsigned long shim_alloc_calls(void)
{
	return __atomic_load_n(&attempts, __ATOMIC_RELAXED);
}

unsigned long shim_alloc_live(void)
{
	return __atomic_load_n(&live_nr, __ATOMIC_RELAXED);
}

size_t shim_alloc_live_bytes(void)
{
	return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

unsigned long shim_alloc_mark(void)
{
	unsigned long mark;

	pthread_mutex_lock(&rec_lock);
	mark = next_seq;
	pthread_mutex_unlock(&rec_lock);
	return mark;
}

unsigned long shim_alloc_leaks(unsigned long mark, bool report)
{
	unsigned long n = 0;
	struct alloc_rec *r;
	unsigned int b;

	pthread_mutex_lock(&rec_lock);
	for (b = 0; b < REC_BUCKETS; b++) {
		for (r = recs[b]; r; r = r->next) {
			if (r->seq < mark)
				continue;
			if (report && n < 20)
				fprintf(stderr, "#   leaked %zu bytes at %p, allocated at %s:%d%s%s\n",
					r->size, r->p, r->file, r->line,
					r->cache ? " from cache " : "",
					r->cache ? r->cache->name : "");
			n++;
		}
	}
	pthread_mutex_unlock(&rec_lock);
	if (report && n > 20)
		fprintf(stderr, "#   ... and %lu more\n", n - 20);
	return n;
}

void shim_alloc_new_test(void)
{
	shim_fail_off();
}
