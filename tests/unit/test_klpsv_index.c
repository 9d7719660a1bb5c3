// SPDX-License-Identifier: GPL-2.0
/*
 * The family's own index (lib/table.c): it grows and shrinks with the
 * family, so chains stay short and memory follows; lookups racing with its growth never miss; walks
 * visit every instance once; the census finds the same data.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <pthread.h>
#include <stdio.h>

#include "test_klpsv.h"

#define IX_MANY		20000
#define IX_ID		KLPSV_ID(0x1d, 1)

struct ix1 {
	u32 v;
};
#define IX1_LAYOUT KLPSV_LAYOUT(struct ix1, KLPSV_FIELD(struct ix1, v))

static unsigned long dtor_calls;

static void ix_dtor(void *obj, void *data)
{
	__atomic_add_fetch(&dtor_calls, 1, __ATOMIC_RELAXED);
}

KLPSV_FAMILY(ix1, struct ix1, .name = "ix", .id = IX_ID, .version = 1,
	     .layout = IX1_LAYOUT, .dtor = ix_dtor);

static struct klpsv_family *fams[] = { &ix1_family, NULL };
static struct kmod m;
static int objs[IX_MANY];

/* The longest chain of the live table, and its number of buckets. */
static unsigned int longest_chain(struct klpsv_table *t, u32 *buckets)
{
	struct klpsv_buckets *b = rcu_dereference_raw(t->buckets);
	unsigned int max = 0, len;
	struct klpsv_hdr *hdr;
	u32 i;

	*buckets = 1U << b->shift;
	for (i = 0; i < *buckets; i++) {
		len = 0;
		for (hdr = rcu_dereference_raw(b->head[i]); hdr;
		     hdr = rcu_dereference_raw(hdr->chain))
			len++;
		if (len > max)
			max = len;
	}
	return max;
}

static void fill(unsigned int n, gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct ix1 *d = ix1_get_or_alloc(&objs[i], gfp, NULL);

		ASSERT_NOT_NULL(d);
		d->v = i;
		ix1_put(d);
	}
}

/* A resize under way finishes as instances come and go. */
/*
 * Resizes ride on inserts and removals, and a table's size is looked at
 * every KLPSV_TABLE_FIT_EVERY (32) instances: free and make objs[0] again
 * until the table has its size.  To shrink, the count must be one above a
 * multiple of 32, so that the removal is looked at.
 */
static bool wants_resize(struct klpsv_table *t)
{
	struct klpsv_buckets *b = rcu_access_pointer(t->buckets);

	return rcu_access_pointer(t->old) ||
	       (b->shift > KLPSV_TABLE_MIN_SHIFT && t->nr < (1ULL << b->shift) / 8);
}

static void finish_resize(struct klpsv_index *index, gfp_t gfp)
{
	while (wants_resize(&index->instances)) {
		ix1_free(&objs[0]);
		fill(1, gfp);
	}
}

static void check_all(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct ix1 *d = ix1_get(&objs[i]);

		ASSERT_NOT_NULL(d);
		EXPECT_EQ(d->v, i);
		/* the census holds the instance the index found */
		EXPECT(kt_hdr(&objs[i], IX_ID, 0) ==
		       (void *)((struct klpsv_hdr *)d - 1));
		ix1_put(d);
	}
}

static void grows_with(gfp_t gfp)
{
	struct klpsv_index *index;
	unsigned int longest;
	u32 buckets;

	kt_begin();
	dtor_calls = 0;
	kmod_load(&m, "kt_ix", fams);
	ASSERT_EQ(kmod_enable(&m), 0);
	fill(IX_MANY, gfp);
	index = kt_index(IX_ID);
	ASSERT_NOT_NULL(index);
	EXPECT_EQ(index->count, (u64)IX_MANY);
	finish_resize(index, gfp);
	longest = longest_chain(&index->instances, &buckets);
	EXPECT_GE(buckets, (u32)IX_MANY / 2);
	EXPECT_LE(longest, 12u);
	EXPECT_LE(klpsv_table_bytes(index, &index->instances),
		  (size_t)IX_MANY * 8 * 2);
	check_all(IX_MANY);
	EXPECT_EQ(klpm_disable(&m.patch), 0);
	kmod_exit(&m);
	/* the disable's walk visited each instance once */
	EXPECT_EQ(dtor_calls, (unsigned long)IX_MANY);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_index_grows_and_stays_flat)
{
	grows_with(GFP_KERNEL);
}

TEST(klpsv_index_grows_with_atomic_allocations)
{
	grows_with(GFP_ATOMIC);
}

TEST(klpsv_index_shrinks_when_instances_go)
{
	struct klpsv_index *index;
	unsigned int i, left = 97;
	u32 big, small;

	kt_begin();
	dtor_calls = 0;
	kmod_load(&m, "kt_ix", fams);
	ASSERT_EQ(kmod_enable(&m), 0);
	fill(IX_MANY, GFP_KERNEL);
	index = kt_index(IX_ID);
	ASSERT_NOT_NULL(index);
	longest_chain(&index->instances, &big);
	for (i = left; i < IX_MANY; i++)
		ix1_free(&objs[i]);
	EXPECT_EQ(dtor_calls, (unsigned long)(IX_MANY - left));
	finish_resize(index, GFP_KERNEL);
	longest_chain(&index->instances, &small);
	EXPECT_GE(big, 16u << KLPSV_TABLE_MIN_SHIFT);
	EXPECT_EQ(small, 1u << KLPSV_TABLE_MIN_SHIFT);
	check_all(left);
	EXPECT_EQ(klpm_disable(&m.patch), 0);
	kmod_exit(&m);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

/* Readers of objects that have data never miss while the table grows. */
static int ix_stop;
static unsigned int ix_ready;
static unsigned long ix_misses, ix_reads;

static void *reader_fn(void *arg)
{
	u64 rng = (uintptr_t)arg;
	unsigned long misses = 0, reads = 0;
	unsigned int n, i;

	while (!__atomic_load_n(&ix_stop, __ATOMIC_ACQUIRE)) {
		n = __atomic_load_n(&ix_ready, __ATOMIC_ACQUIRE);
		if (!n)
			continue;
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (rng >> 33) % n;
		/* objects below ix_ready are only read: no serialization */
		if (!ix1_get(&objs[i]))
			misses++;
		reads++;
	}
	__atomic_add_fetch(&ix_misses, misses, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ix_reads, reads, __ATOMIC_RELAXED);
	return NULL;
}

TEST(klpsv_index_lookups_never_miss_while_it_grows)
{
	pthread_t t[3];
	unsigned int i, k;

	kt_begin();
	kmod_load(&m, "kt_ix", fams);
	ASSERT_EQ(kmod_enable(&m), 0);
	ix_stop = 0;
	ix_ready = 0;
	ix_misses = ix_reads = 0;
	for (k = 0; k < ARRAY_SIZE(t); k++)
		ASSERT_EQ(pthread_create(&t[k], NULL, reader_fn,
					 (void *)(uintptr_t)(k + 1)), 0);
	for (i = 0; i < IX_MANY; i++) {
		struct ix1 *d = ix1_get_or_alloc(&objs[i], GFP_ATOMIC, NULL);

		ASSERT_NOT_NULL(d);
		ix1_put(d);
		__atomic_store_n(&ix_ready, i + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&ix_stop, 1, __ATOMIC_RELEASE);
	for (k = 0; k < ARRAY_SIZE(t); k++)
		pthread_join(t[k], NULL);
	printf("#   %lu lookups during growth to %u instances, %lu misses\n",
	       ix_reads, IX_MANY, ix_misses);
	EXPECT_GT(ix_reads, 0ul);
	EXPECT_EQ(ix_misses, 0ul);
	EXPECT_EQ(klpm_disable(&m.patch), 0);
	kmod_exit(&m);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}
