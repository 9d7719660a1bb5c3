// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the kernel stand-ins: they must behave like the kernel where
 * library code can tell, and the test hooks must see what they claim to.
 */
#define pr_fmt(fmt) "shimtest: " fmt

#include <pthread.h>
#include <unistd.h>

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "test.h"

struct flex {
	int n;
	u64 items[];
};

/* Usable where the kernel uses it: in a constant expression. */
static char bbz_array[4 + BUILD_BUG_ON_ZERO(sizeof(u32) != 4)];
static_assert(sizeof(bbz_array) == 4);

TEST(shim_types_and_helpers)
{
	struct flex *f = NULL;
	size_t sz;
	u32 u = 7;

	BUILD_BUG_ON(sizeof(u8) != 1 || sizeof(u16) != 2);
	BUILD_BUG_ON(sizeof(u32) != 4 || sizeof(u64) != 8 || sizeof(s64) != 8);
	EXPECT_EQ(ARRAY_SIZE(bbz_array), 4);
	EXPECT_EQ(sizeof_field(struct flex, n), sizeof(int));
	EXPECT_EQ(offsetofend(struct flex, n), sizeof(int));
	EXPECT_EQ(struct_size(f, items, 3), sizeof(*f) + 3 * sizeof(u64));
	EXPECT_EQ(struct_size(f, items, SIZE_MAX / 2), SIZE_MAX);
	EXPECT_EQ(size_mul(SIZE_MAX / 2, 3), SIZE_MAX);
	EXPECT_EQ(size_add(SIZE_MAX, 1), SIZE_MAX);
	EXPECT(check_mul_overflow((u32)0x10000, (u32)0x10000, &u));
	EXPECT_FALSE(check_add_overflow((size_t)1, (size_t)2, &sz));
	EXPECT_EQ(sz, 3);
	EXPECT_EQ(min(3, 4), 3);
	EXPECT_EQ(max_t(long, -1, 2u), 2);
	EXPECT_EQ(clamp(10, 1, 5), 5);
	EXPECT_EQ(round_up(13, 8), 16);
	EXPECT_EQ(round_down(13, 8), 8);
	EXPECT_EQ(DIV_ROUND_UP(13, 8), 2);
	EXPECT_EQ(ALIGN(13, 8), 16);
	EXPECT(IS_ALIGNED(16, 8));
	EXPECT_EQ(BIT(3), 8);
	EXPECT_EQ(GENMASK(7, 4), 0xf0);
	EXPECT_EQ(GENMASK_ULL(63, 62), 0xc000000000000000ULL);
	EXPECT_EQ(ilog2(4096), 12);
	EXPECT(is_power_of_2(4096));
	EXPECT_EQ(roundup_pow_of_two(4097), 8192);
	EXPECT_EQ(upper_32_bits(0x1234567800000000ULL), 0x12345678);
	EXPECT_EQ(U32_MAX, 0xffffffffu);
	EXPECT_EQ(S64_MIN, LLONG_MIN);
	EXPECT_EQ(cpu_to_le32(0x01020304), 0x01020304);
	EXPECT_EQ(cpu_to_be32(0x01020304), 0x04030201);
	EXPECT_EQ(IS_ENABLED(CONFIG_LIVEPATCH), 1);
	EXPECT_EQ(IS_ENABLED(CONFIG_KLPSV_NO_SUCH_OPTION), 0);
	EXPECT_EQ(LINUX_VERSION_CODE, SHIM_LINUX_VERSION_CODE);
	EXPECT_GE(LINUX_VERSION_CODE, KERNEL_VERSION(6, 1, 0));
}

TEST(shim_err_ptr)
{
	void *p = ERR_PTR(-ENOMEM);

	EXPECT(IS_ERR(p));
	EXPECT_EQ(PTR_ERR(p), -ENOMEM);
	EXPECT(IS_ERR_OR_NULL(NULL));
	EXPECT_FALSE(IS_ERR(&p));
	EXPECT_EQ(PTR_ERR_OR_ZERO(&p), 0);
	EXPECT_EQ(PTR_ERR_OR_ZERO(ERR_PTR(-EEXIST)), -EEXIST);
	EXPECT(IS_ERR(ERR_PTR(-MAX_ERRNO)));
	EXPECT_FALSE(IS_ERR(ERR_PTR(-MAX_ERRNO - 1)));
}

TEST(shim_warn_counts_and_logs)
{
	EXPECT_EQ(WARN_ON(0), 0);
	EXPECT_WARNINGS(0);
	EXPECT_EQ(WARN_ON(2 > 1), 1);
	EXPECT_WARNINGS(1);
	EXPECT(WARN(1, "bad thing %d\n", 42));
	EXPECT_WARNINGS(1);
	EXPECT_LOG("bad thing 42");
	EXPECT_LOG("WARNING: at tests/unit/test_shim.c:");
	EXPECT_FALSE(WARN(0, "never"));
	EXPECT_NO_LOG("never");
	EXPECT_WARNINGS(0);
}

static void warn_once_site(void)
{
	WARN_ON_ONCE(1);
}

static void nested_warn_once(void)
{
	warn_once_site();
}

TEST(shim_warn_on_once_fires_once_per_test)
{
	struct test_result res;
	int i;

	for (i = 0; i < 3; i++)
		warn_once_site();
	EXPECT_WARNINGS(1);
	/* a new test: the same site fires again */
	test_run_nested(nested_warn_once, &res);
	EXPECT(res.failed);
	EXPECT_NOT_NULL(strstr(res.reasons, "1 unexpected WARNING"));
}

TEST(shim_printk_is_captured)
{
	static unsigned int once;
	int i;

	pr_info("hello %d\n", 1);
	EXPECT_EQ(shim_log_nr(), 1);
	EXPECT_STREQ(shim_log_line(0), "shimtest: hello 1");
	EXPECT_EQ(shim_log_level(0), LOGLEVEL_INFO);

	pr_err("partial ");
	pr_cont("and continued\n");
	EXPECT_STREQ(shim_log_line(1), "shimtest: partial and continued");
	EXPECT_EQ(shim_log_level(1), LOGLEVEL_ERR);

	printk("two\nlines\n");
	EXPECT_STREQ(shim_log_line(2), "two");
	EXPECT_STREQ(shim_log_line(3), "lines");
	EXPECT_EQ(shim_log_level(3), LOGLEVEL_WARNING);

	pr_debug("debug %s\n", "too");
	EXPECT_EQ(shim_log_level(4), LOGLEVEL_DEBUG);
	EXPECT_EQ(shim_log_count("shimtest:"), 3);
	EXPECT_STREQ(shim_log_find("debug"), "shimtest: debug too");
	EXPECT_NULL(shim_log_find("absent"));
	EXPECT_STREQ(shim_log_line(99), "");

	for (i = 0; i < 3; i++)
		pr_warn_once("once only\n");
	EXPECT_EQ(shim_log_count("once only"), 1);
	EXPECT(shim_once(&once));
	EXPECT_FALSE(shim_once(&once));

	shim_log_clear();
	EXPECT_EQ(shim_log_nr(), 0);
	/* the ring keeps the newest lines */
	for (i = 0; i < SHIM_LOG_LINES + 5; i++)
		pr_info("line %d\n", i);
	EXPECT_EQ(shim_log_nr(), SHIM_LOG_LINES);
	EXPECT_STREQ(shim_log_line(0), "shimtest: line 5");
}

TEST(shim_kmalloc_family)
{
	unsigned long live = shim_alloc_live();
	size_t bytes = shim_alloc_live_bytes();
	char *p, *q, *s;
	u32 *z;

	p = kmalloc(100, GFP_KERNEL);
	ASSERT_NOT_NULL(p);
	EXPECT_EQ(shim_alloc_live(), live + 1);
	EXPECT_EQ(shim_alloc_live_bytes(), bytes + 100);
	EXPECT_EQ(ksize(p), 100);
	memset(p, 'a', 100);
	q = krealloc(p, 200, GFP_KERNEL);
	ASSERT_NOT_NULL(q);
	EXPECT_EQ(q[99], 'a');
	EXPECT_EQ(shim_alloc_live(), live + 1);
	kfree(q);

	z = kcalloc(4, sizeof(*z), GFP_KERNEL);
	ASSERT_NOT_NULL(z);
	EXPECT_EQ(z[0] | z[1] | z[2] | z[3], 0);
	kfree(z);
	EXPECT_NULL(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	EXPECT_NULL(kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL));

	p = kmalloc(0, GFP_KERNEL);
	EXPECT(p == ZERO_SIZE_PTR);
	EXPECT(ZERO_OR_NULL_PTR(p));
	kfree(p);
	kfree(NULL);

	s = kstrdup("abc", GFP_KERNEL);
	EXPECT_STREQ(s, "abc");
	q = kstrndup("abcdef", 2, GFP_KERNEL);
	EXPECT_STREQ(q, "ab");
	p = kmemdup("xyz", 4, GFP_KERNEL);
	EXPECT_STREQ(p, "xyz");
	kfree(s);
	kfree(q);
	kfree(p);
	s = kasprintf(GFP_KERNEL, "%s-%d", "v", 3);
	EXPECT_STREQ(s, "v-3");
	kfree(s);

	p = kvzalloc(1 << 20, GFP_KERNEL);
	ASSERT_NOT_NULL(p);
	EXPECT_EQ(p[(1 << 20) - 1], 0);
	kvfree(p);
	p = vmalloc(64);
	vfree(p);

	/* over the kernel's limits: NULL and a warning, unless __GFP_NOWARN */
	EXPECT_NULL(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	EXPECT_WARNINGS(1);
	EXPECT_NULL(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	EXPECT_WARNINGS(0);

	EXPECT_EQ(shim_alloc_live(), live);
	EXPECT_EQ(shim_alloc_live_bytes(), bytes);
}

TEST(shim_kfree_of_kvmalloc_memory_warns)
{
	void *p = kvmalloc(16, GFP_KERNEL);

	kfree(p);
	EXPECT_WARNINGS(1);
	EXPECT_LOG("use kvfree()");
}

TEST(shim_kmem_cache)
{
	struct kmem_cache *c = kmem_cache_create("shimtest_cache", 48, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	void *a, *b;

	ASSERT_NOT_NULL(c);
	a = kmem_cache_zalloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	ASSERT(a && b);
	EXPECT(IS_ALIGNED((unsigned long)a, 64));
	EXPECT_EQ(c->live, 2);
	kmem_cache_free(c, a);
	/* destroying a cache with objects: refused, loudly */
	kmem_cache_destroy(c);
	EXPECT_WARNINGS(1);
	EXPECT_LOG("Slab cache still has objects");
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
}

TEST(shim_fault_injection_nth)
{
	void *a, *b, *c, *d;

	shim_fail_nth_alloc(2);
	a = kmalloc(8, GFP_KERNEL);
	b = kmalloc(8, GFP_KERNEL);
	c = kmalloc(8, GFP_KERNEL);
	EXPECT_NOT_NULL(a);
	EXPECT_NULL(b);
	EXPECT_NOT_NULL(c);
	EXPECT_EQ(shim_fail_count(), 1);
	EXPECT_EQ(shim_alloc_calls(), 3);
	kfree(a);
	kfree(c);

	/* __GFP_NOFAIL is never failed, as with failslab */
	shim_fail_nth_alloc(1);
	d = kmalloc(8, GFP_KERNEL | __GFP_NOFAIL);
	EXPECT_NOT_NULL(d);
	EXPECT_EQ(shim_fail_count(), 0);
	kfree(d);

	shim_fail_allocs_from(2);
	a = kzalloc(8, GFP_ATOMIC);
	b = kstrdup("x", GFP_KERNEL);
	c = kvmalloc(8, GFP_KERNEL);
	EXPECT_NOT_NULL(a);
	EXPECT_NULL(b);
	EXPECT_NULL(c);
	EXPECT_EQ(shim_fail_count(), 2);
	kfree(a);

	shim_fail_off();
	a = kmalloc(8, GFP_KERNEL);
	EXPECT_NOT_NULL(a);
	kfree(a);
}

/* What library tests do: an operation that must be all or nothing. */
struct three {
	void *a, *b, *c;
};

static int build_three(struct three *t)
{
	t->a = kmalloc(8, GFP_KERNEL);
	if (!t->a)
		return -ENOMEM;
	t->b = kmalloc(8, GFP_KERNEL);
	if (!t->b)
		goto free_a;
	t->c = kmalloc(8, GFP_KERNEL);
	if (!t->c)
		goto free_b;
	return 0;
free_b:
	kfree(t->b);
free_a:
	kfree(t->a);
	return -ENOMEM;
}

TEST(shim_fault_injection_every_allocation)
{
	unsigned long live = shim_alloc_live();
	struct three t = { NULL };
	unsigned long n;
	int ret;

	for (n = 1; ; n++) {
		shim_fail_nth_alloc(n);
		ret = build_three(&t);
		if (!shim_fail_count())
			break;
		EXPECT_EQ(ret, -ENOMEM);
		EXPECT_EQ(shim_alloc_live(), live);
	}
	shim_fail_off();
	EXPECT_EQ(n, 4);
	EXPECT_EQ(ret, 0);
	kfree(t.a);
	kfree(t.b);
	kfree(t.c);
}

TEST(shim_might_sleep_in_atomic_context)
{
	static DEFINE_SPINLOCK(lock);
	static DEFINE_MUTEX(mutex);
	unsigned long flags;
	void *p;

	might_sleep();
	p = kmalloc(8, GFP_KERNEL);
	kfree(p);
	EXPECT_SLEEP_BUGS(0);

	spin_lock(&lock);
	EXPECT(in_atomic());
	EXPECT_FALSE(irqs_disabled());
	p = kmalloc(8, GFP_ATOMIC);	/* fine */
	kfree(p);
	EXPECT_SLEEP_BUGS(0);
	p = kmalloc(8, GFP_KERNEL);	/* not fine */
	kfree(p);
	EXPECT_SLEEP_BUGS(1);
	cond_resched();
	EXPECT_SLEEP_BUGS(1);
	mutex_lock(&mutex);
	mutex_unlock(&mutex);
	EXPECT_SLEEP_BUGS(1);
	spin_unlock(&lock);
	EXPECT_FALSE(in_atomic());
	EXPECT_LOG("BUG: sleeping function called from invalid context at tests/unit/test_shim.c:");

	spin_lock_irqsave(&lock, flags);
	EXPECT(irqs_disabled());
	might_sleep();
	EXPECT_SLEEP_BUGS(1);
	spin_unlock_irqrestore(&lock, flags);
	EXPECT_FALSE(irqs_disabled());

	local_irq_save(flags);
	synchronize_rcu();	/* reported, and skipped rather than hung */
	EXPECT_SLEEP_BUGS(1);
	local_irq_restore(flags);

	rcu_read_lock();
	might_sleep();
	EXPECT_SLEEP_BUGS(1);
	rcu_read_unlock();

	preempt_disable();
	EXPECT(in_atomic());
	preempt_enable();
	EXPECT_FALSE(in_atomic());
	EXPECT_GE(shim_cond_resched_calls(), 1);
}

TEST(shim_lock_ownership_and_lockdep)
{
	static DEFINE_SPINLOCK(lock);
	static DEFINE_RAW_SPINLOCK(raw);
	static DEFINE_MUTEX(mutex);
	unsigned long f1, f2;

	lockdep_assert_held(&lock);
	EXPECT_WARNINGS(1);
	spin_lock(&lock);
	lockdep_assert_held(&lock);
	EXPECT(spin_is_locked(&lock));
	EXPECT_FALSE(spin_trylock(&lock));
	spin_unlock(&lock);
	EXPECT_FALSE(spin_is_locked(&lock));
	EXPECT(spin_trylock(&lock));
	spin_unlock(&lock);
	EXPECT_WARNINGS(0);

	/* nesting irqsave restores the outer state */
	spin_lock_irqsave(&lock, f1);
	raw_spin_lock_irqsave(&raw, f2);
	EXPECT_EQ(preempt_count(), 2);
	lockdep_assert_irqs_disabled();
	raw_spin_unlock_irqrestore(&raw, f2);
	EXPECT(irqs_disabled());
	spin_unlock_irqrestore(&lock, f1);
	EXPECT_FALSE(irqs_disabled());
	EXPECT_EQ(preempt_count(), 0);

	mutex_lock(&mutex);
	lockdep_assert_held(&mutex);
	EXPECT(mutex_is_locked(&mutex));
	EXPECT_FALSE(mutex_trylock(&mutex));
	mutex_unlock(&mutex);
	lockdep_assert_not_held(&mutex);
	mutex_unlock(&mutex);	/* not held: a warning, nothing else */
	EXPECT_WARNINGS(1);
	EXPECT_LOG("which this thread does not hold");
}

struct counter_arg {
	spinlock_t lock;
	struct mutex mutex;
	long value;
	long mvalue;
};

static void *count_up(void *p)
{
	struct counter_arg *c = p;
	int i;

	for (i = 0; i < 20000; i++) {
		spin_lock(&c->lock);
		c->value++;
		spin_unlock(&c->lock);
		if (i % 8 == 0) {
			mutex_lock(&c->mutex);
			c->mvalue++;
			mutex_unlock(&c->mutex);
		}
	}
	return NULL;
}

TEST(shim_locks_exclude_threads)
{
	struct counter_arg c = { .value = 0 };
	pthread_t t[4];
	int i;

	spin_lock_init(&c.lock);
	mutex_init(&c.mutex);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, count_up, &c), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(c.value, 4 * 20000);
	EXPECT_EQ(c.mvalue, 4 * 2500);
}

TEST(shim_atomics_and_refcount)
{
	atomic_t a = ATOMIC_INIT(1);
	atomic64_t b = ATOMIC64_INIT(1LL << 40);
	atomic_long_t l = ATOMIC_LONG_INIT(5);
	refcount_t r = REFCOUNT_INIT(1);
	unsigned long word = 1;
	int old = 2;

	EXPECT_EQ(atomic_inc_return(&a), 2);
	EXPECT_FALSE(atomic_dec_and_test(&a));
	EXPECT(atomic_dec_and_test(&a));
	EXPECT_FALSE(atomic_inc_not_zero(&a));
	EXPECT_EQ(atomic_cmpxchg(&a, 0, 7), 0);
	EXPECT_EQ(atomic_read(&a), 7);
	EXPECT_FALSE(atomic_try_cmpxchg(&a, &old, 9));
	EXPECT_EQ(old, 7);
	EXPECT(atomic_try_cmpxchg(&a, &old, 9));
	EXPECT_FALSE(atomic_add_unless(&a, 1, 9));
	EXPECT_EQ(atomic_xchg(&a, 3), 9);
	EXPECT_EQ(atomic_fetch_add(2, &a), 3);
	EXPECT_EQ(atomic_dec_if_positive(&a), 4);
	EXPECT_EQ(atomic64_add_return(1, &b), (1LL << 40) + 1);
	EXPECT_EQ(atomic_long_inc_return(&l), 6);
	EXPECT_EQ(atomic_long_read(&l), 6);
	EXPECT_EQ(cmpxchg(&word, 1UL, 2UL), 1);
	EXPECT_EQ(xchg(&word, 5UL), 2);
	EXPECT_EQ(word, 5);

	refcount_inc(&r);
	EXPECT_EQ(refcount_read(&r), 2);
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT(refcount_dec_and_test(&r));
	EXPECT_WARNINGS(0);
	EXPECT_FALSE(refcount_inc_not_zero(&r));
	refcount_inc(&r);	/* from 0: use-after-free */
	EXPECT_WARNINGS(1);
	EXPECT_LOG("refcount_t: addition on 0; use-after-free.");
}

TEST(shim_bitops)
{
	DECLARE_BITMAP(map, 100) = { 0 };

	set_bit(70, map);
	EXPECT(test_bit(70, map));
	EXPECT_EQ(map[1], 1UL << 6);
	EXPECT(test_and_set_bit(70, map));
	EXPECT(test_and_clear_bit(70, map));
	EXPECT_FALSE(test_bit(70, map));
	__set_bit(3, map);
	EXPECT_EQ(map[0], 8);
	EXPECT_EQ(fls(0x80), 8);
	EXPECT_EQ(ffs(0x80), 8);
	EXPECT_EQ(__ffs(0x80UL), 7);
	EXPECT_EQ(hweight32(0xf0f0), 8);
	EXPECT_EQ(rol32(0x80000001, 1), 3);
}

struct item {
	int v;
	struct list_head node;
	struct hlist_node hnode;
};

TEST(shim_lists)
{
	struct item it[5], *pos, *tmp;
	LIST_HEAD(head);
	LIST_HEAD(other);
	HLIST_HEAD(hhead);
	struct hlist_node *ht;
	int i, sum = 0;

	EXPECT(list_empty(&head));
	EXPECT_NULL(list_first_entry_or_null(&head, struct item, node));
	for (i = 0; i < 5; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, &head);
	}
	EXPECT_EQ(list_count_nodes(&head), 5);
	EXPECT_EQ(list_first_entry(&head, struct item, node)->v, 0);
	EXPECT_EQ(list_last_entry(&head, struct item, node)->v, 4);
	list_for_each_entry_safe(pos, tmp, &head, node) {
		sum += pos->v;
		if (pos->v % 2)
			list_move_tail(&pos->node, &other);
	}
	EXPECT_EQ(sum, 10);
	EXPECT_EQ(list_count_nodes(&head), 3);
	EXPECT_EQ(list_count_nodes(&other), 2);
	list_splice_tail_init(&other, &head);
	EXPECT(list_empty(&other));
	EXPECT_EQ(list_last_entry(&head, struct item, node)->v, 3);
	list_for_each_entry_safe(pos, tmp, &head, node)
		list_del(&pos->node);
	EXPECT(list_empty(&head));

	/* CONFIG_DEBUG_LIST-style checks: a double list_del() is caught */
	list_add(&it[0].node, &head);
	list_del(&it[0].node);
	list_del(&it[0].node);
	EXPECT_WARNINGS(1);
	EXPECT_LOG("list_del corruption");

	for (i = 0; i < 5; i++)
		hlist_add_head(&it[i].hnode, &hhead);
	EXPECT_EQ(hlist_count_nodes(&hhead), 5);
	EXPECT_EQ(hlist_entry(hhead.first, struct item, hnode)->v, 4);
	hlist_for_each_entry_safe(pos, ht, &hhead, hnode)
		hlist_del_init(&pos->hnode);
	EXPECT(hlist_empty(&hhead));
	EXPECT(hlist_unhashed(&it[2].hnode));
}

TEST(shim_hash_functions)
{
	DEFINE_HASHTABLE(table, 4);
	struct item it[40], *pos;
	unsigned int bkt, n = 0;

	EXPECT_EQ(hash_64(0, 12), 0);
	EXPECT_EQ(hash_64(1, 12), 0x61C);
	EXPECT_EQ(hash_32(1, 12), 0x61C);
	EXPECT_EQ(hash_long(1UL << 63, 1), 1);
	EXPECT_EQ(hash_ptr((void *)1, 12), hash_64(1, 12));

	/* lookup3 test vectors: jhash() is hashlittle() */
	EXPECT_EQ(jhash("", 0, 0), 0xdeadbeef);
	EXPECT_EQ(jhash("", 0, 0xdeadbeef), 0xbd5b7dde);
	EXPECT_EQ(jhash("Four score and seven years ago", 30, 0), 0x17770551);
	EXPECT_EQ(jhash("Four score and seven years ago", 30, 1), 0xcd628161);
	EXPECT_EQ(jhash_2words(1, 2, 3), jhash_2words(1, 2, 3));
	EXPECT_NE(jhash_1word(1, 0), jhash_1word(2, 0));

	hash_init(table);
	EXPECT(hash_empty(table));
	EXPECT_EQ(HASH_SIZE(table), 16);
	EXPECT_EQ(HASH_BITS(table), 4);
	for (bkt = 0; bkt < 40; bkt++) {
		it[bkt].v = bkt;
		hash_add(table, &it[bkt].hnode, bkt % 10);
	}
	hash_for_each_possible(table, pos, hnode, 3)
		if (pos->v % 10 == 3)
			n++;
	EXPECT_EQ(n, 4);
	n = 0;
	hash_for_each(table, bkt, pos, hnode)
		n++;
	EXPECT_EQ(n, 40);
	for (bkt = 0; bkt < 40; bkt++)
		hash_del(&it[bkt].hnode);
	EXPECT(hash_empty(table));
}

struct reader_arg {
	int ready;
	int done_reading;
};

static void *slow_reader(void *p)
{
	struct reader_arg *r = p;

	rcu_read_lock();
	__atomic_store_n(&r->ready, 1, __ATOMIC_SEQ_CST);
	usleep(50000);
	__atomic_store_n(&r->done_reading, 1, __ATOMIC_SEQ_CST);
	rcu_read_unlock();
	return NULL;
}

TEST(shim_synchronize_rcu_waits_for_readers)
{
	struct reader_arg r = { 0, 0 };
	pthread_t t;

	ASSERT_EQ(pthread_create(&t, NULL, slow_reader, &r), 0);
	while (!__atomic_load_n(&r.ready, __ATOMIC_SEQ_CST))
		usleep(100);
	synchronize_rcu();
	EXPECT_EQ(__atomic_load_n(&r.done_reading, __ATOMIC_SEQ_CST), 1);
	pthread_join(t, NULL);
}

struct rcu_obj {
	int v;
	struct list_head node;
	struct rcu_head rcu;
};

static int rcu_cb_ran;

static void rcu_cb(struct rcu_head *head)
{
	struct rcu_obj *o = container_of(head, struct rcu_obj, rcu);

	__atomic_add_fetch(&rcu_cb_ran, o->v, __ATOMIC_SEQ_CST);
	kfree(o);
}

TEST(shim_call_rcu_and_kfree_rcu)
{
	unsigned long live = shim_alloc_live();
	struct rcu_obj *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct rcu_obj *b = kzalloc(sizeof(*b), GFP_KERNEL);

	ASSERT(a && b);
	a->v = 5;
	rcu_cb_ran = 0;
	call_rcu(&a->rcu, rcu_cb);
	kfree_rcu(b, rcu);
	rcu_barrier();
	EXPECT_EQ(rcu_cb_ran, 5);
	EXPECT_EQ(shim_alloc_live(), live);
}

static int *gp;
static LIST_HEAD(rcu_list);
static DEFINE_SPINLOCK(rcu_list_lock);

TEST(shim_rcu_usage_is_checked)
{
	static struct rcu_obj o = { .v = 1 };
	struct rcu_obj *pos;
	int v = 3, *p;

	rcu_assign_pointer(gp, &v);
	p = rcu_dereference(gp);	/* outside a reader */
	EXPECT_EQ(*p, 3);
	EXPECT_WARNINGS(1);
	EXPECT_LOG("suspicious rcu_dereference_check() usage");

	rcu_read_lock();
	EXPECT(rcu_read_lock_held());
	EXPECT_EQ(*rcu_dereference(gp), 3);
	rcu_read_unlock();
	EXPECT_WARNINGS(0);

	p = rcu_dereference_protected(gp, lockdep_is_held(&rcu_list_lock));
	EXPECT_WARNINGS(1);
	spin_lock(&rcu_list_lock);
	p = rcu_dereference_protected(gp, lockdep_is_held(&rcu_list_lock));
	list_add_rcu(&o.node, &rcu_list);
	/* a spinlock holder is a reader, as in the kernel */
	list_for_each_entry_rcu(pos, &rcu_list, node)
		EXPECT_EQ(pos->v, 1);
	spin_unlock(&rcu_list_lock);
	EXPECT_WARNINGS(0);

	list_for_each_entry_rcu(pos, &rcu_list, node)
		EXPECT_EQ(pos->v, 1);
	EXPECT_WARNINGS(1);
	EXPECT_LOG("RCU-list traversed in non-reader section!!");
	list_for_each_entry_rcu(pos, &rcu_list, node, true)
		EXPECT_EQ(pos->v, 1);
	EXPECT_WARNINGS(0);

	spin_lock(&rcu_list_lock);
	list_del_rcu(&o.node);
	spin_unlock(&rcu_list_lock);
	RCU_INIT_POINTER(gp, NULL);
	EXPECT_NULL(rcu_access_pointer(gp));
	rcu_read_unlock();	/* unbalanced */
	EXPECT_WARNINGS(1);
}

static int show_lines(struct seq_file *m, void *v)
{
	int i, n = *(int *)m->private;

	for (i = 0; i < n; i++)
		seq_printf(m, "line %d\n", i);
	return 0;
}

static int show_lines_open(struct inode *inode, struct file *file)
{
	return single_open(file, show_lines, inode->i_private);
}

static const struct file_operations show_lines_fops = {
	.owner = THIS_MODULE,
	.open = show_lines_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int hello_show(struct seq_file *m, void *v)
{
	seq_puts(m, "hello ");
	seq_putc(m, 'w');
	seq_write(m, "orld\n", 5);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hello);

static LIST_HEAD(seq_items);

static void *items_start(struct seq_file *m, loff_t *pos)
{
	return seq_list_start(&seq_items, *pos);
}

static void *items_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &seq_items, pos);
}

static void items_stop(struct seq_file *m, void *v)
{
}

static int items_show(struct seq_file *m, void *v)
{
	struct item *it = list_entry(v, struct item, node);

	if (it->v == 1)
		return SEQ_SKIP;
	seq_printf(m, "%s%d\n", (char *)m->private, it->v);
	return 0;
}

static const struct seq_operations items_sops = {
	.start = items_start,
	.next = items_next,
	.stop = items_stop,
	.show = items_show,
};
DEFINE_SEQ_ATTRIBUTE(items);

TEST(shim_debugfs_and_seq_file)
{
	static char buf[200000];
	struct item it[3] = { { .v = 0 }, { .v = 1 }, { .v = 2 } };
	struct dentry *dir, *d;
	bool flag = false;
	u32 val = 7;
	int lines = 3, i;
	ssize_t n;

	dir = debugfs_create_dir("shimtest", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(dir));
	debugfs_create_file("lines", 0444, dir, &lines, &show_lines_fops);
	debugfs_create_file("hello", 0444, dir, NULL, &hello_fops);
	debugfs_create_file("items", 0444, dir, "item ", &items_fops);
	debugfs_create_u32("val", 0644, dir, &val);
	debugfs_create_bool("flag", 0644, dir, &flag);
	EXPECT_EQ(shim_debugfs_entries(), 6);

	n = shim_debugfs_read("shimtest/lines", buf, sizeof(buf));
	EXPECT_EQ(n, 21);
	EXPECT_STREQ(buf, "line 0\nline 1\nline 2\n");
	shim_debugfs_read("shimtest/hello", buf, sizeof(buf));
	EXPECT_STREQ(buf, "hello world\n");
	for (i = 0; i < 3; i++)
		list_add_tail(&it[i].node, &seq_items);
	shim_debugfs_read("shimtest/items", buf, sizeof(buf));
	EXPECT_STREQ(buf, "item 0\nitem 2\n");

	/* far more than a page: the buffer grows, the reads continue */
	lines = 10000;
	n = shim_debugfs_read("shimtest/lines", buf, sizeof(buf));
	EXPECT_EQ(n, 10 * 7 + 90 * 8 + 900 * 9 + 9000 * 10);
	EXPECT_NOT_NULL(strstr(buf, "line 9999\n"));
	/* a short buffer gets a truncated, terminated copy */
	EXPECT_EQ(shim_debugfs_read("shimtest/lines", buf, 10), 9);
	EXPECT_STREQ(buf, "line 0\nli");

	shim_debugfs_read("shimtest/val", buf, sizeof(buf));
	EXPECT_STREQ(buf, "7\n");
	EXPECT_EQ(shim_debugfs_write("shimtest/val", "42\n", 3), 3);
	EXPECT_EQ(val, 42);
	EXPECT_EQ(shim_debugfs_write("shimtest/val", "x", 1), -EINVAL);
	EXPECT_EQ(shim_debugfs_write("shimtest/flag", "Y", 1), 1);
	EXPECT(flag);
	shim_debugfs_read("shimtest/flag", buf, sizeof(buf));
	EXPECT_STREQ(buf, "Y\n");

	EXPECT_EQ(shim_debugfs_read("shimtest/none", buf, sizeof(buf)), -ENOENT);
	EXPECT_EQ(shim_debugfs_read("shimtest", buf, sizeof(buf)), -EISDIR);
	EXPECT(debugfs_lookup("lines", dir) != NULL);

	/* 6.x: an existing name is -EEXIST, with a log line */
	d = debugfs_create_dir("shimtest", NULL);
	EXPECT_EQ(PTR_ERR(d), -EEXIST);
	EXPECT_LOG("debugfs: Directory 'shimtest' with parent '/' already present!");
	d = debugfs_create_file("lines", 0444, dir, NULL, &hello_fops);
	EXPECT_EQ(PTR_ERR(d), -EEXIST);
	EXPECT_LOG("debugfs: File 'lines' in directory 'shimtest' already present!");
	/* an error parent passes through */
	EXPECT_EQ(PTR_ERR(debugfs_create_file("x", 0444, ERR_PTR(-ENOMEM), NULL, NULL)),
		  -ENOMEM);

	debugfs_remove(dir);
	EXPECT_EQ(shim_debugfs_entries(), 0);
	EXPECT_FALSE(shim_debugfs_exists("shimtest/lines"));
	debugfs_remove(NULL);
	debugfs_remove(ERR_PTR(-ENOENT));
	for (i = 0; i < 3; i++)
		list_del(&it[i].node);
}

static int work_runs;

static void count_work(struct work_struct *work)
{
	work_runs++;
}

TEST(shim_workqueue_runs_on_demand)
{
	struct workqueue_struct *wq = alloc_workqueue("shimtest_%d", 0, 0, 1);
	struct delayed_work dw;
	struct work_struct w;

	ASSERT_NOT_NULL(wq);
	work_runs = 0;
	INIT_WORK(&w, count_work);
	INIT_DELAYED_WORK(&dw, count_work);
	EXPECT(schedule_work(&w));
	EXPECT_FALSE(schedule_work(&w));
	EXPECT(queue_delayed_work(wq, &dw, 100));
	EXPECT_EQ(shim_work_pending(), 2);
	EXPECT_EQ(work_runs, 0);
	EXPECT_EQ(shim_work_run(), 2);
	EXPECT_EQ(work_runs, 2);

	queue_work(wq, &w);
	EXPECT(cancel_work_sync(&w));
	EXPECT_FALSE(flush_work(&w));
	queue_work(wq, &w);
	EXPECT(flush_work(&w));
	EXPECT_EQ(work_runs, 3);
	schedule_delayed_work(&dw, 1);
	destroy_workqueue(wq);	/* drains */
	EXPECT_EQ(work_runs, 4);
}

TEST(shim_kstrtox)
{
	unsigned long ul;
	unsigned int ui;
	long long ll;
	bool b;
	int i;

	EXPECT_EQ(kstrtoul("42\n", 10, &ul), 0);
	EXPECT_EQ(ul, 42);
	EXPECT_EQ(kstrtoul("0x1f", 0, &ul), 0);
	EXPECT_EQ(ul, 31);
	EXPECT_EQ(kstrtoul("017", 0, &ul), 0);
	EXPECT_EQ(ul, 15);
	EXPECT_EQ(kstrtoul("42x", 10, &ul), -EINVAL);
	EXPECT_EQ(kstrtoul("", 10, &ul), -EINVAL);
	EXPECT_EQ(kstrtoul(" 1", 10, &ul), -EINVAL);
	EXPECT_EQ(kstrtoul("-1", 10, &ul), -EINVAL);
	EXPECT_EQ(kstrtoul("18446744073709551616", 10, &ul), -ERANGE);
	EXPECT_EQ(kstrtouint("4294967296", 10, &ui), -ERANGE);
	EXPECT_EQ(kstrtoint("-5", 10, &i), 0);
	EXPECT_EQ(i, -5);
	EXPECT_EQ(kstrtoll("-9223372036854775808", 10, &ll), 0);
	EXPECT_EQ(ll, LLONG_MIN);
	EXPECT_EQ(kstrtobool("on", &b), 0);
	EXPECT(b);
	EXPECT_EQ(kstrtobool("off", &b), 0);
	EXPECT_FALSE(b);
	EXPECT_EQ(kstrtobool("x", &b), -EINVAL);
}

TEST(shim_strings)
{
	char buf[4];

	EXPECT_EQ(strscpy(buf, "abc", sizeof(buf)), 3);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(strscpy(buf, "abcd", sizeof(buf)), -E2BIG);
	EXPECT_STREQ(buf, "abc");
	EXPECT_EQ(str_has_prefix("klpsv_x", "klpsv_"), 6);
	EXPECT(sysfs_streq("1\n", "1"));
	EXPECT_EQ(scnprintf(buf, sizeof(buf), "%d", 12345), 3);
	EXPECT_STREQ(buf, "123");
}

static DEFINE_PER_CPU(long, pcpu_counter);

TEST(shim_module_percpu_current)
{
	struct module m = { .name = "shimtest_mod" };
	long *pc;

	EXPECT_STREQ(THIS_MODULE->name, "klpsv_unit");
	EXPECT(try_module_get(&m));
	EXPECT_EQ(module_refcount(&m), 1);
	module_put(&m);
	EXPECT_EQ(module_refcount(&m), 0);
	module_put(&m);		/* underflow */
	EXPECT_WARNINGS(1);

	this_cpu_inc(pcpu_counter);
	this_cpu_add(pcpu_counter, 2);
	EXPECT_EQ(this_cpu_read(pcpu_counter), 3);
	pc = alloc_percpu(long);
	ASSERT_NOT_NULL(pc);
	*per_cpu_ptr(pc, 0) = 1;
	EXPECT_EQ(*this_cpu_ptr(pc), 1);
	free_percpu(pc);

	EXPECT_GT(current->pid, 0);
	EXPECT_NE(current->comm[0], '\0');
}

static u64 first_random;

static void nested_random(void)
{
	first_random = get_random_u64();
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int kref_released;

static void kref_release(struct kref *kref)
{
	kref_released++;
}

static void *completer(void *p)
{
	usleep(10000);
	complete(p);
	return NULL;
}

TEST(shim_time_random_sort_kref_completion)
{
	struct test_result res;
	DECLARE_COMPLETION(done);
	struct kref kref;
	unsigned long j0;
	ktime_t t0;
	pthread_t t;
	int v[64], i;
	u64 r;

	j0 = jiffies;
	t0 = ktime_get();
	usleep(20000);
	EXPECT(time_after(jiffies, j0));
	EXPECT_GE(ktime_us_delta(ktime_get(), t0), 20000);
	EXPECT_EQ(msecs_to_jiffies(1000), HZ);
	EXPECT_EQ(SZ_4K, 4096);
	EXPECT(isdigit('7'));

	/* the same sequence in every test */
	r = get_random_u64();
	test_run_nested(nested_random, &res);
	EXPECT_EQ(first_random, r);
	EXPECT_LT(get_random_u32_below(10), 10);

	for (i = 0; i < 64; i++)
		v[i] = get_random_u32_below(1000);
	sort(v, 64, sizeof(int), cmp_int, NULL);
	for (i = 1; i < 64; i++)
		EXPECT_LE(v[i - 1], v[i]);

	kref_init(&kref);
	kref_get(&kref);
	EXPECT_EQ(kref_put(&kref, kref_release), 0);
	EXPECT_EQ(kref_put(&kref, kref_release), 1);
	EXPECT_EQ(kref_released, 1);

	EXPECT_FALSE(try_wait_for_completion(&done));
	ASSERT_EQ(pthread_create(&t, NULL, completer, &done), 0);
	wait_for_completion(&done);
	EXPECT_FALSE(completion_done(&done));
	pthread_join(t, NULL);
}
