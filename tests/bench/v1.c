// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv benchmark, patch 1: family "bench" at v1, and every timed loop
 * except klpsv's takeover (which v2's callbacks time).  Raw klp_shadow_*
 * and klpsv accessors run in the same loop code (BENCH_LOOKUP_LOOP).
 *
 * Driven through /sys/kernel/debug/klpsv_bench_v1/ctl: write a command,
 * read its result line back.  KINDS is a comma-separated list of "raw"
 * (klp_shadow_*, ids BENCH_RAW_*), "k" (klpsv get + put), "kg" (klpsv get
 * without put) and "base" (the loop alone: no lookup).
 *
 *	fill mixed|raw|k N		shadow data on objects [0, N): even
 *					ones raw, odd ones klpsv (mixed),
 *					or all of one kind
 *	clear				free it all, wait for RCU
 *	get N ITERS SEED PASSES KINDS	random lookups of objects with data
 *					(mixed tables of N)
 *	miss ITERS SEED PASSES KINDS	lookups of objects without data
 *	af ITERS SEED PASSES KINDS	get-or-alloc + free of such objects
 *					(raw and k)
 *	takeover raw			v1 -> v2 by hand: get, alloc,
 *					convert, free (raw tables)
 *	sizes				what a raw shadow variable of
 *					struct bench_v1 costs: "ok sizes
 *					raw_each=.. raw_table=.. struct=..
 *					shadow=.."
 *
 * The timed commands run the KINDS block by block, in turns (see
 * BENCH_BLOCKS), so they share whatever the host does meanwhile; each
 * kind looks up its own objects of the same table, in a fixed random
 * order.  A timed result line is "ok CMD n=.. ops=.. passes=..
 * KIND_ns=.. KIND_pass_ns=.. ...": KIND_ns adds up, block by block, the
 * fastest pass; KIND_pass_ns is the fastest whole pass.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kbench.h"

KLPSV_FAMILY(bench, struct bench_v1,
	.name = "bench",
	.id = BENCH_ID,
	.version = KLPSV_V(1),
	.layout = BENCH_V1_LAYOUT,
);

enum kind { K_RAW, K_KLPSV, K_KLPSV_GET, K_BASE, NR_KINDS };

static const char *const kind_names[] = {
	[K_RAW] = "raw", [K_KLPSV] = "k", [K_KLPSV_GET] = "kg",
	[K_BASE] = "base",
};

/* What the objects [0, filled) carry. */
enum table { T_NONE, T_MIXED, T_RAW, T_KLPSV };

static const char *const table_names[] = {
	[T_MIXED] = "mixed", [T_RAW] = "raw", [T_KLPSV] = "k",
};

static DEFINE_MUTEX(ctl_lock);
static char result[640];
static enum table table;
static unsigned long filled;
static bool raw_v2;			/* the raw takeover ran */
static struct bench_windows raw_win;
static struct bench_v1 dummy;		/* what the "base" loop reads */
static u64 sink;

/* Objects with klpsv data in a mixed table are odd, raw ones even. */
static bool is_klpsv_obj(unsigned long i)
{
	return table == T_KLPSV || (table == T_MIXED && (i & 1));
}

/*
 * ITERS object indices in a fixed random order: from + pick(n) * stride
 * + offset.
 */
static u32 *make_seq(unsigned long from, unsigned long n, unsigned int stride,
		     unsigned int offset, unsigned int iters, u64 seed)
{
	u32 *seq = vmalloc(array_size(iters, sizeof(*seq)));
	u64 s = BENCH_SEED ^ (seed * 0x100000001b3ULL);
	unsigned int i;

	if (!seq)
		return NULL;
	for (i = 0; i < iters; i++)
		seq[i] = from + (unsigned long)bench_pick(&s, n) * stride + offset;
	return seq;
}

/* One block of lookups. */
static noinline u64 time_lookups(int kind, const u32 *seq, unsigned int from,
				 unsigned int to)
{
	struct bench_obj *objs = klpsv_bench_objs;
	u64 t0, acc = 0;

	t0 = ktime_get_ns();
	switch (kind) {
	case K_RAW:
		BENCH_LOOKUP_LOOP(seq, from, to, objs, acc,
				  klp_shadow_get(o, BENCH_RAW_V1), (void)0);
		break;
	case K_KLPSV:
		BENCH_LOOKUP_LOOP(seq, from, to, objs, acc, bench_get(o),
				  bench_put(d));
		break;
	case K_KLPSV_GET:
		BENCH_LOOKUP_LOOP(seq, from, to, objs, acc, bench_get(o),
				  (void)0);
		break;
	case K_BASE:
		BENCH_LOOKUP_LOOP(seq, from, to, objs, acc,
				  ({ OPTIMIZER_HIDE_VAR(o); (void *)&dummy; }),
				  (void)0);
		break;
	}
	t0 = ktime_get_ns() - t0;
	WRITE_ONCE(sink, sink + acc);
	return t0;
}

/* One block of get-or-alloc, fill in, free: a short-lived object. */
static noinline u64 time_alloc_free(int kind, const u32 *seq,
				    unsigned int from, unsigned int to,
				    unsigned int *failed)
{
	struct bench_obj *objs = klpsv_bench_objs;
	unsigned int i;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = from; i < to; i++) {
		void *o = &objs[seq[i]];
		struct bench_v1 *d;

		if (kind == K_RAW) {
			d = klp_shadow_get_or_alloc(o, BENCH_RAW_V1, sizeof(*d),
						    GFP_KERNEL, NULL, NULL);
			if (d) {
				bench_v1_init(d, seq[i]);
				klp_shadow_free(o, BENCH_RAW_V1, NULL);
			}
		} else {
			d = bench_get_or_alloc(o, GFP_KERNEL, NULL);
			if (d) {
				bench_v1_init(d, seq[i]);
				bench_put(d);
				bench_free(o);
			}
		}
		*failed += !d;
		if (!(i & 1023))
			bench_resched();
	}
	return ktime_get_ns() - t0;
}

static u64 block_min[NR_KINDS][BENCH_BLOCKS];

/*
 * @passes passes over the sequences, each cut into blocks, the kinds
 * taking turns block by block (starting with another kind each block).
 * For each kind, @blocks_ns gets the sum over blocks of the fastest time
 * of each, @pass_ns the fastest whole pass.
 */
static int time_passes(bool alloc, int nk, const int *kinds, u32 **seqs,
		       unsigned int iters, unsigned int passes,
		       u64 *blocks_ns, u64 *pass_ns)
{
	unsigned int bsize = DIV_ROUND_UP(iters, BENCH_BLOCKS);
	unsigned int p, b, i, failed = 0;
	u64 total[NR_KINDS];
	int j, k;

	for (k = 0; k < nk; k++) {
		pass_ns[k] = U64_MAX;
		blocks_ns[k] = 0;
		for (b = 0; b < BENCH_BLOCKS; b++)
			block_min[k][b] = U64_MAX;
	}
	for (p = 0; p < passes; p++) {
		memset(total, 0, sizeof(total));
		for (b = 0, i = 0; i < iters; b++, i += bsize) {
			unsigned int to = min(i + bsize, iters);

			for (j = 0; j < nk; j++) {
				u64 t;

				k = (j + b + p) % nk;
				if (alloc)
					t = time_alloc_free(kinds[k], seqs[k], i,
							    to, &failed);
				else
					t = time_lookups(kinds[k], seqs[k], i, to);
				total[k] += t;
				block_min[k][b] = min(block_min[k][b], t);
			}
		}
		for (k = 0; k < nk; k++)
			pass_ns[k] = min(pass_ns[k], total[k]);
		if (alloc)
			rcu_barrier();	/* freed memory back before the next pass */
	}
	for (k = 0; k < nk; k++)
		for (b = 0, i = 0; i < iters; b++, i += bsize)
			blocks_ns[k] += block_min[k][b];
	return failed ? -ENOMEM : 0;
}

static int fill(enum table t, unsigned long n)
{
	unsigned long i;
	u64 t0;

	if (n > klpsv_bench_nr_live || (table != T_NONE && table != t) ||
	    raw_v2)
		return -EINVAL;
	table = t;
	t0 = ktime_get_ns();
	for (i = filled; i < n; i++) {
		struct bench_obj *o = bench_obj(i);
		struct bench_v1 *d;

		if (is_klpsv_obj(i)) {
			d = bench_get_or_alloc(o, GFP_KERNEL, NULL);
			if (!d)
				break;
			bench_v1_init(d, i);
			bench_put(d);
		} else {
			d = klp_shadow_get_or_alloc(o, BENCH_RAW_V1, sizeof(*d),
						    GFP_KERNEL, NULL, NULL);
			if (!d)
				break;
			bench_v1_init(d, i);
		}
		if (!(i & 255))
			cond_resched();
	}
	t0 = ktime_get_ns() - t0;
	filled = max(filled, i);
	scnprintf(result, sizeof(result), "ok fill table=%s n=%lu ns=%llu",
		  table_names[t], filled, t0);
	return i < n ? -ENOMEM : 0;
}

/* Free it all; klpsv's instances newest first, as a list would. */
static int clear(void)
{
	u64 t0 = ktime_get_ns();
	unsigned long i;

	for (i = filled; i-- > 0; ) {
		if (is_klpsv_obj(i))
			bench_free(bench_obj(i));
		if (!(i & 255))
			cond_resched();
	}
	klp_shadow_free_all(BENCH_RAW_V1, NULL);
	klp_shadow_free_all(BENCH_RAW_V2, NULL);
	table = T_NONE;
	filled = 0;
	raw_v2 = false;
	rcu_barrier();		/* the next measurement starts quiet */
	scnprintf(result, sizeof(result), "ok clear ns=%llu",
		  ktime_get_ns() - t0);
	return 0;
}

/*
 * The raw takeover: what a patch author does with klp_shadow_* alone
 * (given a list of the objects, which upstream cannot give): look the old
 * data up, allocate the new, convert, free the old.  Newest first, the
 * order of a list that adds at its head (as klpsv's index does today):
 * the order decides how deep into each hash chain the lookups go.
 */
static int raw_takeover(void)
{
	unsigned long i, n = 0;
	int err = 0;
	u64 t0;

	if (table != T_RAW || raw_v2)
		return -EINVAL;
	bench_win_start(&raw_win);
	t0 = ktime_get_ns();
	for (i = filled; i-- > 0; ) {
		struct bench_obj *o = bench_obj(i);
		struct bench_v1 *old;
		struct bench_v2 *new;

		old = klp_shadow_get(o, BENCH_RAW_V1);
		if (!old)
			continue;
		new = klp_shadow_alloc(o, BENCH_RAW_V2, sizeof(*new),
				       GFP_KERNEL, NULL, NULL);
		if (!new) {
			err = -ENOMEM;
			break;
		}
		bench_v1_to_v2(old, new);
		klp_shadow_free(o, BENCH_RAW_V1, NULL);
		bench_win_mark(&raw_win);
		if (!(++n % 256))
			cond_resched();
	}
	t0 = ktime_get_ns() - t0;
	raw_v2 = true;
	scnprintf(result, sizeof(result), "ok takeover kind=raw n=%lu ns=%llu ",
		  n, t0);
	bench_win_print(result + strlen(result), sizeof(result) - strlen(result),
			&raw_win);
	return err;
}

/*
 * A raw variable's bytes, rounded by this kernel's kmalloc size classes,
 * and its table's: for bytes_per_instance_raw (guest.sh adds the table's
 * share at its count).
 */
static int sizes(void)
{
	BUILD_BUG_ON(sizeof(struct rcu_head) !=
		     sizeof(((struct bench_klp_shadow *)NULL)->rcu_head));
	scnprintf(result, sizeof(result),
		  "ok sizes raw_each=%zu raw_table=%lu struct=%zu shadow=%zu",
		  BENCH_RAW_BYTES(sizeof(struct bench_v1)),
		  BENCH_RAW_TABLE_BYTES, sizeof(struct bench_v1),
		  sizeof(struct bench_klp_shadow));
	return 0;
}

/* "raw,k,kg" into kind numbers; the number of kinds or an error. */
static int parse_kinds(char *list, int *kinds)
{
	char *name;
	int n = 0, k;

	while ((name = strsep(&list, ",")) && *name) {
		for (k = 0; k < NR_KINDS; k++)
			if (!strcmp(name, kind_names[k]))
				break;
		if (k == NR_KINDS || n == NR_KINDS)
			return -EINVAL;
		kinds[n++] = k;
	}
	return n ? n : -EINVAL;
}

static int timed(const char *op, char *args)
{
	unsigned int iters, passes, iters_seen = 0;
	unsigned long long seed;
	u64 blocks_ns[NR_KINDS], pass_ns[NR_KINDS];
	u32 *seqs[NR_KINDS] = { };
	int kinds[NR_KINDS], nk, k, err = -EINVAL;
	unsigned long n = 0;
	char list[32];
	size_t len;
	bool get = !strcmp(op, "get"), alloc = !strcmp(op, "af");

	if (get) {
		if (sscanf(args, "%lu %u %llu %u %31s", &n, &iters, &seed,
			   &passes, list) != 5)
			return -EINVAL;
		if (table != T_MIXED || n < 2 || n > filled)
			return -EINVAL;
	} else if (alloc || !strcmp(op, "miss")) {
		if (sscanf(args, "%u %llu %u %31s", &iters, &seed, &passes,
			   list) != 4)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	nk = parse_kinds(list, kinds);
	if (nk < 0 || !iters || !passes)
		return -EINVAL;
	for (k = 0; k < nk; k++) {
		/*
		 * Each kind its own objects (its own seed): two kinds walking
		 * the same hash chains in turns would find them in the cache.
		 */
		u64 kseed = seed + 1000003ULL * kinds[k];

		if (alloc && kinds[k] != K_RAW && kinds[k] != K_KLPSV)
			goto out;
		if (get)	/* raw (and base) even objects, klpsv odd ones */
			seqs[k] = make_seq(0, n / 2, 2,
					   kinds[k] == K_KLPSV ||
					   kinds[k] == K_KLPSV_GET, iters, kseed);
		else
			seqs[k] = make_seq(klpsv_bench_nr_live,
					   klpsv_bench_nr_objs - klpsv_bench_nr_live,
					   1, 0, iters, kseed);
		err = -ENOMEM;
		if (!seqs[k])
			goto out;
	}
	err = time_passes(alloc, nk, kinds, seqs, iters, passes, blocks_ns,
			  pass_ns);
	iters_seen = iters;
	len = scnprintf(result, sizeof(result), "ok %s n=%lu ops=%u passes=%u",
			op, n, iters_seen, passes);
	for (k = 0; k < nk; k++)
		len += scnprintf(result + len, sizeof(result) - len,
				 " %s_ns=%llu %s_pass_ns=%llu",
				 kind_names[kinds[k]], blocks_ns[k],
				 kind_names[kinds[k]], pass_ns[k]);
out:
	for (k = 0; k < nk; k++)
		vfree(seqs[k]);
	return err;
}

static int run(char *cmd)
{
	char op[16], arg[16];
	unsigned long n;
	int i, skip = 0;

	if (sscanf(cmd, "%15s %n", op, &skip) < 1)
		return -EINVAL;
	if (!strcmp(op, "fill")) {
		if (sscanf(cmd + skip, "%15s %lu", arg, &n) != 2)
			return -EINVAL;
		for (i = T_MIXED; i <= T_KLPSV; i++)
			if (!strcmp(arg, table_names[i]))
				return fill(i, n);
		return -EINVAL;
	}
	if (!strcmp(op, "clear"))
		return clear();
	if (!strcmp(op, "takeover"))
		return raw_takeover();
	if (!strcmp(op, "sizes"))
		return sizes();
	return timed(op, cmd + skip);
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char cmd[96];
	int err;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&ctl_lock);
	scnprintf(result, sizeof(result), "error %s", strim(cmd));
	err = run(cmd);
	if (err)
		scnprintf(result + strlen(result), sizeof(result) - strlen(result),
			  " (%d)", err);
	mutex_unlock(&ctl_lock);
	return err ? err : len;
}

static ssize_t ctl_read(struct file *file, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	char line[sizeof(result) + 1];
	size_t n;

	mutex_lock(&ctl_lock);
	n = scnprintf(line, sizeof(line), "%s\n", result);
	mutex_unlock(&ctl_lock);
	return simple_read_from_buffer(ubuf, len, ppos, line, n);
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.write = ctl_write,
	.read = ctl_read,
	.llseek = default_llseek,
};

static struct klp_func no_funcs[] = { { } };

static struct klp_object objs[] = {
	{
		.funcs = no_funcs,
		.callbacks = KLPSV_CALLBACKS,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static struct klpsv_family *families[] = { &bench_family, NULL };

static struct klpsv_patch kpatch = {
	.patch = &patch,
	.families = families,
};

static struct dentry *dir;

static int __init bench_p1_init(void)
{
	int err = klpsv_enable_patch(&kpatch);

	if (err)
		return err;
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, dir, NULL, &ctl_fops);
	return 0;
}

static void __exit bench_p1_exit(void)
{
	debugfs_remove(dir);
	klpsv_patch_exit(&kpatch);
}

module_init(bench_p1_init);
module_exit(bench_p1_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpsv benchmark, patch 1: family bench v1, lookup loops");
MODULE_INFO(livepatch, "Y");
