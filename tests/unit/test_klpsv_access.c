// SPDX-License-Identifier: GPL-2.0
/*
 * The accessors patched code calls: get, get_or_alloc with a constructor
 * (once, outside every lock), put (the generation), free (the destructor
 * once), and what they do before the patch took its family over.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "test_klpsv.h"

struct acc {
	u32 value;
	u32 from_ctor;
	u64 pad;
};
#define ACC_LAYOUT KLPSV_LAYOUT(struct acc, KLPSV_FIELD(struct acc, value), \
				KLPSV_FIELD(struct acc, from_ctor),	 \
				KLPSV_FIELD(struct acc, pad))
#define ACC_ID KLPSV_ID(0xacc, 1)

static int objs[4];

/* What the constructor saw, each call. */
static struct {
	unsigned int calls;
	int preempt_count;
	bool irqs_disabled;
	bool rcu_reader;
	bool zeroed;
	void *obj;
	void *arg;
	int fail;			/* return this */
} ctor_seen;

static struct {
	unsigned int calls;
	int preempt_count;
	void *obj;
	u32 value;
} dtor_seen;

static int acc_ctor(void *obj, void *data, void *arg)
{
	static const struct acc zero;
	struct acc *a = data;

	ctor_seen.calls++;
	ctor_seen.preempt_count = shim_preempt_count();
	ctor_seen.irqs_disabled = shim_irqs_disabled();
	ctor_seen.rcu_reader = shim_rcu_read_lock_held();
	ctor_seen.zeroed = !memcmp(a, &zero, sizeof(zero));
	ctor_seen.obj = obj;
	ctor_seen.arg = arg;
	/* GFP_KERNEL callers' constructors may sleep */
	might_sleep();
	a->from_ctor = arg ? *(u32 *)arg : 0;
	return ctor_seen.fail;
}

static void acc_dtor(void *obj, void *data)
{
	dtor_seen.calls++;
	dtor_seen.preempt_count = shim_preempt_count();
	dtor_seen.obj = obj;
	dtor_seen.value = ((struct acc *)data)->value;
	might_sleep();
}

KLPSV_FAMILY(acc, struct acc, .name = "acc", .id = ACC_ID, .version = 1,
	     .layout = ACC_LAYOUT, .ctor = acc_ctor, .dtor = acc_dtor);

static struct klpsv_family *acc_fams[] = { &acc_family, NULL };
static struct kmod amod;

static void acc_begin(void)
{
	kt_begin();
	memset(&ctor_seen, 0, sizeof(ctor_seen));
	memset(&dtor_seen, 0, sizeof(dtor_seen));
	kmod_load(&amod, "kt_acc", acc_fams);
}

static void acc_enable(void)
{
	ASSERT_EQ(kmod_enable(&amod), 0);
	ASSERT_NOT_NULL(kt_index(ACC_ID));
}

static void acc_end(void)
{
	EXPECT_EQ(klpm_disable(&amod.patch), 0);
	kmod_exit(&amod);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_access_before_takeover_finds_nothing_allocates_nothing)
{
	unsigned long live;

	acc_begin();
	live = shim_alloc_live();
	EXPECT_NULL(acc_get(&objs[0]));
	EXPECT_NULL(acc_get_or_alloc(&objs[0], GFP_KERNEL, NULL));
	EXPECT_EQ(ctor_seen.calls, 0u);
	EXPECT_EQ(klpm_shadow_count_all(), 0ul);
	EXPECT_EQ(shim_alloc_live(), live);
	acc_free(&objs[0]);		/* nothing to free: no effect */
	EXPECT_EQ(dtor_seen.calls, 0u);
	kt_end();
}

TEST(klpsv_access_ctor_runs_once_outside_locks)
{
	struct acc *a, *again;
	struct klpsv_hdr *hdr;
	u32 arg = 0xc0ffee;

	acc_begin();
	acc_enable();
	a = acc_get_or_alloc(&objs[0], GFP_KERNEL, &arg);
	ASSERT_NOT_NULL(a);
	EXPECT_EQ(ctor_seen.calls, 1u);
	/* outside every lock: no spinlock, IRQs on, not an RCU reader */
	EXPECT_EQ(ctor_seen.preempt_count, 0);
	EXPECT_FALSE(ctor_seen.irqs_disabled);
	EXPECT_FALSE(ctor_seen.rcu_reader);
	EXPECT_TRUE(ctor_seen.zeroed);
	EXPECT(ctor_seen.obj == (void *)&objs[0]);
	EXPECT(ctor_seen.arg == (void *)&arg);
	EXPECT_EQ(a->from_ctor, 0xc0ffeeu);
	EXPECT_SLEEP_BUGS(0);

	/* the instance: header, object, version, linked in the index */
	hdr = kt_hdr(&objs[0], ACC_ID, 0);
	ASSERT_NOT_NULL(hdr);
	EXPECT((void *)(hdr + 1) == (void *)a);
	EXPECT(hdr->obj == (void *)&objs[0]);
	EXPECT_EQ(hdr->version, 1);
	EXPECT_EQ(hdr->flags, KLPSV_HDR_LINKED);
	EXPECT_TRUE(klpsv_hdr_is_linked(hdr));
	EXPECT_EQ(kt_index(ACC_ID)->count, 1ull);
	/* format 2: the allocator's size class, room for the RCU head */
	EXPECT_EQ(kt_index(ACC_ID)->bytes, (u64)kt_instance_bytes(16));
	a->value = 5;
	acc_put(a);

	/* found again: same data, no second constructor run */
	again = acc_get_or_alloc(&objs[0], GFP_KERNEL, &arg);
	EXPECT(again == a);
	EXPECT_EQ(ctor_seen.calls, 1u);
	EXPECT_EQ(again->value, 5u);
	acc_put(again);
	EXPECT(acc_get(&objs[0]) == a);
	acc_put(a);
	EXPECT_EQ(kt_index(ACC_ID)->count, 1ull);
	acc_end();
	EXPECT_EQ(dtor_seen.calls, 1u);
}

TEST(klpsv_access_ctor_failure_leaves_nothing)
{
	struct klpsv_index *index;
	unsigned long live;
	struct acc *a;

	acc_begin();
	acc_enable();
	index = kt_index(ACC_ID);
	live = shim_alloc_live();
	ctor_seen.fail = -ENOSPC;
	EXPECT_NULL(acc_get_or_alloc(&objs[1], GFP_KERNEL, NULL));
	EXPECT_EQ(ctor_seen.calls, 1u);
	EXPECT_NULL(kt_hdr(&objs[1], ACC_ID, 0));
	EXPECT_EQ(kt_instances(), 0ul);
	EXPECT_EQ(index->count, 0ull);
	EXPECT_EQ(index->bytes, 0ull);
	EXPECT_NULL(acc_get(&objs[1]));
	EXPECT_EQ(dtor_seen.calls, 0u);	/* never constructed: no dtor */
	shim_rcu_barrier();
	EXPECT_EQ(shim_alloc_live(), live);

	/* and the next attempt works */
	ctor_seen.fail = 0;
	a = acc_get_or_alloc(&objs[1], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(a);
	acc_put(a);
	EXPECT_EQ(index->count, 1ull);
	acc_end();
}

TEST(klpsv_access_alloc_failure_returns_null_leaves_nothing)
{
	struct klpsv_index *index;

	acc_begin();
	acc_enable();
	index = kt_index(ACC_ID);
	shim_fail_nth_alloc(1);
	EXPECT_NULL(acc_get_or_alloc(&objs[1], GFP_ATOMIC, NULL));
	EXPECT_EQ(shim_fail_count(), 1ul);
	shim_fail_off();
	EXPECT_EQ(ctor_seen.calls, 0u);
	EXPECT_EQ(kt_instances(), 0ul);
	EXPECT_EQ(index->count, 0ull);
	acc_end();
}

TEST(klpsv_access_dtor_runs_once_on_free)
{
	struct klpsv_index *index;
	struct acc *a;

	acc_begin();
	acc_enable();
	index = kt_index(ACC_ID);
	a = acc_get_or_alloc(&objs[2], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(a);
	a->value = 77;
	acc_put(a);
	shim_log_clear();
	acc_free(&objs[2]);
	EXPECT_EQ(dtor_seen.calls, 1u);
	EXPECT(dtor_seen.obj == (void *)&objs[2]);
	EXPECT_EQ(dtor_seen.value, 77u);
	EXPECT_EQ(dtor_seen.preempt_count, 0);	/* outside every lock */
	EXPECT_NULL(acc_get(&objs[2]));
	EXPECT_NULL(kt_hdr(&objs[2], ACC_ID, 0));
	EXPECT_EQ(index->count, 0ull);
	EXPECT_EQ(index->bytes, 0ull);

	/* freeing again, or an object that never had data: nothing */
	acc_free(&objs[2]);
	acc_free(&objs[3]);
	EXPECT_EQ(dtor_seen.calls, 1u);
	EXPECT_EQ(index->count, 0ull);
	EXPECT_EQ(shim_log_count("klpsv"), 0u);

	/* the real disable does not run it again */
	acc_end();
	EXPECT_EQ(dtor_seen.calls, 1u);
}

/* Another context frees the object's data and a grace period ends. */
static void free_and_wait_grace(void *obj)
{
	acc_free(obj);
	rcu_barrier();
}

/*
 * RCU hygiene: a hit decides on the instance's version inside the read-side
 * critical section.  Here the instance is freed, and its memory returned,
 * the moment the reader leaves: a read of the header after
 * rcu_read_unlock() is a use after free AddressSanitizer reports.
 */
TEST(klpsv_access_get_reads_nothing_after_leaving_rcu)
{
	struct acc *a;

	acc_begin();
	acc_enable();
	a = acc_get_or_alloc(&objs[1], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(a);
	shim_rcu_after_next_unlock(free_and_wait_grace, &objs[1]);
	/* the hit was found while the instance lived; not dereferenced */
	EXPECT(acc_get(&objs[1]) == a);
	EXPECT_EQ(dtor_seen.calls, 1u);
	EXPECT_NULL(acc_get(&objs[1]));
	acc_end();
}

TEST(klpsv_access_free_of_object_without_instance_is_a_noop)
{
	struct klpsv_index *index;
	struct acc *a;

	acc_begin();
	acc_enable();
	index = kt_index(ACC_ID);
	a = acc_get_or_alloc(&objs[0], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(a);
	acc_put(a);
	acc_free(&objs[1]);
	EXPECT_EQ(dtor_seen.calls, 0u);
	EXPECT_EQ(index->count, 1ull);
	EXPECT(acc_get(&objs[0]) == a);
	acc_put(a);
	acc_end();
	EXPECT_EQ(dtor_seen.calls, 1u);
	EXPECT(dtor_seen.obj == (void *)&objs[0]);
}

TEST(klpsv_access_put_advances_generation)
{
	struct klpsv_hdr *h0, *h1;
	struct acc *a, *b;
	u32 gen;

	acc_begin();
	acc_enable();
	a = acc_get_or_alloc(&objs[0], GFP_KERNEL, NULL);
	b = acc_get_or_alloc(&objs[1], GFP_KERNEL, NULL);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	h0 = klpsv_hdr_of(a);
	h1 = klpsv_hdr_of(b);
	/* each new instance starts at a generation of its own */
	EXPECT_NE(h0->gen, h1->gen);
	gen = h0->gen;
	acc_put(a);
	EXPECT_EQ(h0->gen, gen + 1);
	a = acc_get(&objs[0]);
	EXPECT_EQ(h0->gen, gen + 1);	/* a get alone does not */
	acc_put(a);
	EXPECT_EQ(h0->gen, gen + 2);
	acc_put(b);
	acc_end();
	EXPECT_EQ(dtor_seen.calls, 2u);
}

/* The real disable frees everything, each destructor once. */
TEST(klpsv_access_disable_frees_all_once)
{
	unsigned int i;

	acc_begin();
	acc_enable();
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		struct acc *a = acc_get_or_alloc(&objs[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(a);
		acc_put(a);
	}
	EXPECT_EQ(kt_instances(), (unsigned long)ARRAY_SIZE(objs));
	EXPECT_EQ(klpm_disable(&amod.patch), 0);
	EXPECT_EQ(dtor_seen.calls, (unsigned int)ARRAY_SIZE(objs));
	EXPECT_EQ(dtor_seen.preempt_count, 0);
	EXPECT_EQ(kt_instances(), 0ul);
	EXPECT_NULL(kt_index(ACC_ID));
	EXPECT_LOG("klpsv: kt_acc: family 'acc' released: 4 instances freed");
	EXPECT_NO_LOG("leaked");
	kmod_exit(&amod);
	kt_end();
}
