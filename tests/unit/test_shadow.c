// SPDX-License-Identifier: GPL-2.0
/*
 * The model's shadow variables must behave as kernel/livepatch/shadow.c:
 * these tests pin down each property the library relies on or works
 * around (duplicate warning, size-blind get_or_alloc, ctor/dtor under a
 * spinlock with IRQs off, RCU-delayed free, one hash for everything).
 */
#include <pthread.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "klp_model.h"
#include "test.h"

#define ID_A	0x1001UL
#define ID_B	0x1002UL

static char objs[64];

TEST(shadow_alloc_get_free)
{
	u64 *data, *again;

	data = klp_shadow_alloc(&objs[0], ID_A, 2 * sizeof(u64), GFP_KERNEL,
				NULL, NULL);
	ASSERT_NOT_NULL(data);
	EXPECT_EQ(data[0] | data[1], 0);	/* zeroed without a ctor */
	data[1] = 42;
	again = klp_shadow_get(&objs[0], ID_A);
	EXPECT(again == data);
	EXPECT_NULL(klp_shadow_get(&objs[0], ID_B));
	EXPECT_NULL(klp_shadow_get(&objs[1], ID_A));
	EXPECT_EQ(klpm_shadow_count(ID_A), 1);
	EXPECT_EQ(((unsigned long)data) % sizeof(u64), 0);

	klp_shadow_free(&objs[0], ID_A, NULL);
	EXPECT_NULL(klp_shadow_get(&objs[0], ID_A));
	/* freeing what is not there is quietly nothing */
	klp_shadow_free(&objs[0], ID_A, NULL);
	EXPECT_EQ(klpm_shadow_count_all(), 0);
}

TEST(shadow_alloc_of_existing_warns_and_returns_null)
{
	int *first, *second;

	first = klp_shadow_alloc(&objs[0], ID_A, sizeof(int), GFP_KERNEL, NULL, NULL);
	ASSERT_NOT_NULL(first);
	*first = 7;
	second = klp_shadow_alloc(&objs[0], ID_A, sizeof(int), GFP_KERNEL, NULL, NULL);
	EXPECT_NULL(second);
	EXPECT_WARNINGS(1);
	EXPECT_LOG("Duplicate shadow variable <");
	EXPECT_LOG(", 1001>");
	EXPECT_EQ(*(int *)klp_shadow_get(&objs[0], ID_A), 7);
	EXPECT_EQ(klpm_shadow_count(ID_A), 1);
	klp_shadow_free_all(ID_A, NULL);
}

static int ctor_calls;

static int counting_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	ctor_calls++;
	return 0;
}

TEST(shadow_get_or_alloc_ignores_size)
{
	unsigned long bytes;
	void *small, *big;

	ctor_calls = 0;
	small = klp_shadow_get_or_alloc(&objs[0], ID_A, 8, GFP_KERNEL,
					counting_ctor, NULL);
	ASSERT_NOT_NULL(small);
	EXPECT_EQ(ctor_calls, 1);
	bytes = shim_alloc_live_bytes();
	/* a grown struct gets the old, smaller variable, no questions asked */
	big = klp_shadow_get_or_alloc(&objs[0], ID_A, 4096, GFP_KERNEL,
				      counting_ctor, NULL);
	EXPECT(big == small);
	EXPECT_EQ(ctor_calls, 1);
	EXPECT_EQ(shim_alloc_live_bytes(), bytes);
	EXPECT_WARNINGS(0);
	klp_shadow_free(&objs[0], ID_A, NULL);
}

struct ctor_seen {
	void *obj;
	void *data;
	bool atomic;
	bool irqs_off;
	u32 first_word;
};

static int recording_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct ctor_seen *seen = ctor_data;

	seen->obj = obj;
	seen->data = shadow_data;
	seen->atomic = in_atomic();
	seen->irqs_off = irqs_disabled();
	seen->first_word = *(u32 *)shadow_data;
	*(u32 *)shadow_data = 0xabcd;
	return 0;
}

TEST(shadow_ctor_runs_under_the_lock_with_irqs_off)
{
	struct ctor_seen seen = { 0 };
	u32 *data;

	data = klp_shadow_alloc(&objs[2], ID_A, sizeof(u32), GFP_KERNEL,
				recording_ctor, &seen);
	ASSERT_NOT_NULL(data);
	EXPECT(seen.obj == &objs[2]);
	EXPECT(seen.data == data);
	EXPECT(seen.atomic);
	EXPECT(seen.irqs_off);
	EXPECT_EQ(seen.first_word, 0);	/* zeroed before the ctor */
	EXPECT_EQ(*data, 0xabcd);
	EXPECT_FALSE(in_atomic());
	klp_shadow_free(&objs[2], ID_A, NULL);
}

static int failing_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	ctor_calls++;
	return -ENOSPC;
}

TEST(shadow_ctor_failure_frees_and_returns_null)
{
	unsigned long live = shim_alloc_live();

	ctor_calls = 0;
	EXPECT_NULL(klp_shadow_alloc(&objs[3], ID_A, 16, GFP_KERNEL,
				     failing_ctor, NULL));
	EXPECT_EQ(ctor_calls, 1);
	EXPECT_NULL(klp_shadow_get(&objs[3], ID_A));
	EXPECT_EQ(shim_alloc_live(), live);
	EXPECT_LOG("Failed to construct shadow variable <");
	EXPECT_LOG(", 1001> (-28)");
	EXPECT_NULL(klp_shadow_get_or_alloc(&objs[3], ID_A, 16, GFP_KERNEL,
					    failing_ctor, NULL));
	EXPECT_EQ(ctor_calls, 2);
	EXPECT_WARNINGS(0);
}

TEST(shadow_allocation_failure_returns_null)
{
	ctor_calls = 0;
	shim_fail_nth_alloc(1);
	EXPECT_NULL(klp_shadow_alloc(&objs[4], ID_A, 16, GFP_KERNEL,
				     counting_ctor, NULL));
	EXPECT_EQ(shim_fail_count(), 1);
	EXPECT_EQ(ctor_calls, 0);
	EXPECT_NULL(klp_shadow_get(&objs[4], ID_A));
	shim_fail_off();
	EXPECT_NOT_NULL(klp_shadow_alloc(&objs[4], ID_A, 16, GFP_ATOMIC,
					 counting_ctor, NULL));
	klp_shadow_free(&objs[4], ID_A, NULL);
}

static int sleeping_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	void **slot = shadow_data;

	*slot = kmalloc(32, ctor_data ? GFP_ATOMIC : GFP_KERNEL);
	return *slot ? 0 : -ENOMEM;
}

static struct mutex dtor_mutex;

static void sleeping_dtor(void *obj, void *shadow_data)
{
	void **slot = shadow_data;

	mutex_lock(&dtor_mutex);
	kfree(*slot);
	mutex_unlock(&dtor_mutex);
}

static void atomic_dtor(void *obj, void *shadow_data)
{
	kfree(*(void **)shadow_data);
}

TEST(shadow_ctor_and_dtor_must_not_sleep)
{
	mutex_init(&dtor_mutex);

	/* GFP_KERNEL in a ctor: what the kernel reports */
	ASSERT_NOT_NULL(klp_shadow_alloc(&objs[5], ID_A, sizeof(void *), GFP_KERNEL,
					 sleeping_ctor, NULL));
	EXPECT_SLEEP_BUGS(1);
	EXPECT_LOG("BUG: sleeping function called from invalid context");
	klp_shadow_free(&objs[5], ID_A, atomic_dtor);
	EXPECT_SLEEP_BUGS(0);

	/* GFP_ATOMIC in the ctor is fine; a mutex in the dtor is not */
	ASSERT_NOT_NULL(klp_shadow_alloc(&objs[5], ID_A, sizeof(void *), GFP_KERNEL,
					 sleeping_ctor, (void *)1));
	EXPECT_SLEEP_BUGS(0);
	klp_shadow_free(&objs[5], ID_A, sleeping_dtor);
	EXPECT_SLEEP_BUGS(1);
}

static unsigned int dtor_calls;
static void *dtor_last_obj;

static void counting_dtor(void *obj, void *shadow_data)
{
	EXPECT(in_atomic());
	EXPECT_EQ(*(int *)shadow_data, (int)((char *)obj - objs));
	dtor_last_obj = obj;
	dtor_calls++;
}

TEST(shadow_free_runs_dtor_once)
{
	int *data = klp_shadow_alloc(&objs[6], ID_A, sizeof(int), GFP_KERNEL,
				     NULL, NULL);

	ASSERT_NOT_NULL(data);
	*data = 6;
	dtor_calls = 0;
	klp_shadow_free(&objs[6], ID_A, counting_dtor);
	EXPECT_EQ(dtor_calls, 1);
	EXPECT(dtor_last_obj == &objs[6]);
	klp_shadow_free(&objs[6], ID_A, counting_dtor);
	EXPECT_EQ(dtor_calls, 1);
}

TEST(shadow_free_all_takes_one_id)
{
	int i, *d;

	for (i = 0; i < 64; i++) {
		d = klp_shadow_alloc(&objs[i], ID_A, sizeof(int), GFP_KERNEL, NULL, NULL);
		ASSERT_NOT_NULL(d);
		*d = i;
		d = klp_shadow_alloc(&objs[i], ID_B, sizeof(int), GFP_KERNEL, NULL, NULL);
		ASSERT_NOT_NULL(d);
		*d = i;
	}
	EXPECT_EQ(klpm_shadow_count(ID_A), 64);
	dtor_calls = 0;
	klp_shadow_free_all(ID_A, counting_dtor);
	EXPECT_EQ(dtor_calls, 64);
	EXPECT_EQ(klpm_shadow_count(ID_A), 0);
	EXPECT_EQ(klpm_shadow_count(ID_B), 64);
	for (i = 0; i < 64; i++)
		EXPECT_EQ(*(int *)klp_shadow_get(&objs[i], ID_B), i);
	klp_shadow_free_all(ID_B, NULL);
	EXPECT_EQ(klpm_shadow_count_all(), 0);
}

TEST(shadow_bucket_collisions)
{
	enum { WANT = 40 };
	static char arena[4096 * 64 * 8];
	char *same[WANT];
	unsigned int bucket, i, n = 0;
	size_t off;

	/* objects that all land in one of the 4096 buckets */
	bucket = klpm_shadow_bucket(&arena[0]);
	for (off = 0; off < sizeof(arena) && n < WANT; off += 8)
		if (klpm_shadow_bucket(&arena[off]) == bucket)
			same[n++] = &arena[off];
	ASSERT_EQ(n, WANT);

	for (i = 0; i < WANT; i++) {
		unsigned long *d = klp_shadow_alloc(same[i], ID_A + (i & 1),
						    sizeof(*d), GFP_KERNEL, NULL, NULL);

		ASSERT_NOT_NULL(d);
		*d = i;
	}
	for (i = 0; i < WANT; i++) {
		unsigned long *d = klp_shadow_get(same[i], ID_A + (i & 1));

		ASSERT_NOT_NULL(d);
		EXPECT_EQ(*d, i);
		EXPECT_NULL(klp_shadow_get(same[i], ID_A + !(i & 1)));
	}
	/* free from the middle of the chain; the rest stays reachable */
	for (i = 10; i < 20; i++)
		klp_shadow_free(same[i], ID_A + (i & 1), NULL);
	for (i = 0; i < WANT; i++) {
		unsigned long *d = klp_shadow_get(same[i], ID_A + (i & 1));

		if (i >= 10 && i < 20)
			EXPECT_NULL(d);
		else if (d)
			EXPECT_EQ(*d, i);
		else
			EXPECT_NOT_NULL(d);
	}
	klp_shadow_free_all(ID_A, NULL);
	klp_shadow_free_all(ID_A + 1, NULL);
	EXPECT_EQ(klpm_shadow_count_all(), 0);
}

TEST(shadow_many_objects)
{
	enum { N = 20000 };
	u32 *mem = kcalloc(N, sizeof(u32), GFP_KERNEL);
	int i;

	ASSERT_NOT_NULL(mem);
	for (i = 0; i < N; i++) {
		u32 *d = klp_shadow_alloc(&mem[i], ID_A, sizeof(u32), GFP_KERNEL,
					  NULL, NULL);

		ASSERT_NOT_NULL(d);
		*d = i;
	}
	EXPECT_EQ(klpm_shadow_count(ID_A), N);
	for (i = 0; i < N; i += 97)
		EXPECT_EQ(*(u32 *)klp_shadow_get(&mem[i], ID_A), (u32)i);
	dtor_calls = 0;
	klp_shadow_free_all(ID_A, NULL);
	EXPECT_EQ(klpm_shadow_count_all(), 0);
	kfree(mem);
}

struct race {
	void *obj;
	int stop;
};

/* Reads while the writer frees: RCU must keep freed entries valid. */
static void *shadow_reader(void *p)
{
	struct race *r = p;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		u64 *d;

		/* klp_shadow_get()'s own reader ends before it returns */
		rcu_read_lock();
		d = klp_shadow_get(r->obj, ID_A);
		/* the ctor ran before the variable was published */
		if (d)
			EXPECT_EQ(READ_ONCE(*d) >> 32, 0x5eed);
		rcu_read_unlock();
	}
	return NULL;
}

static int value_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(u64 *)shadow_data = *(u64 *)ctor_data;
	return 0;
}

TEST(shadow_readers_survive_concurrent_free)
{
	struct race r = { .obj = &objs[7] };
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, shadow_reader, &r), 0);
	for (i = 0; i < 3000; i++) {
		u64 v = 0x5eedULL << 32 | i;
		u64 *d = klp_shadow_alloc(r.obj, ID_A, sizeof(*d), GFP_KERNEL,
					  value_ctor, &v);

		ASSERT_NOT_NULL(d);
		klp_shadow_free(r.obj, ID_A, NULL);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(klpm_shadow_count_all(), 0);
}

static int racing_ctor_calls;

static int racing_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	__atomic_add_fetch(&racing_ctor_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

struct goa_arg {
	int start;
	void *got[32];
};

static void *get_or_alloc_many(void *p)
{
	struct goa_arg *a = p;
	int i;

	while (!__atomic_load_n(&a->start, __ATOMIC_ACQUIRE))
		;
	for (i = 0; i < 32; i++)
		a->got[i] = klp_shadow_get_or_alloc(&objs[i], ID_B, 16, GFP_KERNEL,
						    racing_ctor, NULL);
	return NULL;
}

TEST(shadow_get_or_alloc_makes_exactly_one)
{
	struct goa_arg args[4];
	pthread_t t[4];
	int i, j;

	racing_ctor_calls = 0;
	memset(args, 0, sizeof(args));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, get_or_alloc_many, &args[i]), 0);
	for (i = 0; i < 4; i++)
		__atomic_store_n(&args[i].start, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(racing_ctor_calls, 32);
	for (j = 0; j < 32; j++)
		for (i = 1; i < 4; i++)
			EXPECT(args[i].got[j] == args[0].got[j]);
	EXPECT_EQ(klpm_shadow_count(ID_B), 32);
	klp_shadow_free_all(ID_B, NULL);
}

TEST(shadow_freed_memory_waits_for_a_grace_period)
{
	unsigned long live = shim_alloc_live();

	ASSERT_NOT_NULL(klp_shadow_alloc(&objs[8], ID_A, 64, GFP_KERNEL, NULL, NULL));
	EXPECT_EQ(shim_alloc_live(), live + 1);
	rcu_read_lock();
	klp_shadow_free(&objs[8], ID_A, NULL);
	/* a reader still running: the entry cannot be gone yet */
	EXPECT_EQ(shim_alloc_live(), live + 1);
	rcu_read_unlock();
	rcu_barrier();
	EXPECT_EQ(shim_alloc_live(), live);
}
