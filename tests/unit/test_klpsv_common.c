// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the klpsv core tests (see test_klpsv.h).  No test here.
 */
#include <pthread.h>
#include <stdlib.h>

#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "test_klpsv.h"

static void family_reset(struct klpsv_family *f)
{
	f->index = NULL;
	f->table = NULL;
	f->live_epoch = NULL;
	f->fingerprint = 0;
	f->epoch = 0;
	f->alloc_size = 0;
	f->mode = 0;
}

void kmod_load(struct kmod *m, const char *name,
	       struct klpsv_family **families)
{
	struct klp_state own[ARRAY_SIZE(m->own_states)];
	struct klpsv_family **f;

	/* a module cannot be loaded again while its patch is installed */
	ASSERT_FALSE(klpm_patch_installed(&m->patch));
	/* a patch may declare states of its own: keep them */
	memcpy(own, m->own_states, sizeof(own));
	memset(m, 0, sizeof(*m));
	memcpy(m->own_states, own, sizeof(own));
	strscpy(m->mod.name, name, sizeof(m->mod.name));
	m->objs[0].funcs = m->no_funcs;
	m->objs[0].callbacks = (struct klp_callbacks)KLPSV_CALLBACKS;
	m->patch.mod = &m->mod;
	m->patch.objs = m->objs;
	m->patch.replace = true;
	if (m->own_states[0].id)
		m->patch.states = m->own_states;
	m->kp.patch = &m->patch;
	m->kp.families = families;
	for (f = families; f && *f; f++) {
		family_reset(*f);
		kmod_declare(m, *f);
	}
}

void kmod_declare(struct kmod *m, struct klpsv_family *f)
{
	ASSERT(m->mod.num_kp < KMOD_FAMILIES);
	memcpy(&m->params[m->mod.num_kp++], &(struct kernel_param){
		.name = f->name, .mod = &m->mod,
		.ops = &klpsv_family_param_ops, .arg = f,
	}, sizeof(struct kernel_param));
	m->mod.kp = m->params;
}

int kmod_enable(struct kmod *m)
{
	return klpsv_enable_patch(&m->kp);
}

void kmod_detach(struct kmod *m)
{
	unsigned int n = 0;

	if (m->patch.states) {
		while (m->patch.states[n].id && n < ARRAY_SIZE(m->kept) - 1) {
			m->kept[n] = m->patch.states[n];
			n++;
		}
	}
	klpsv_patch_exit(&m->kp);
	/* the installed patch keeps its states: the kernel still sees them */
	m->patch.states = n ? m->kept : NULL;
}

void kmod_exit(struct kmod *m)
{
	klpsv_patch_exit(&m->kp);
}

void kt_begin(void)
{
	struct klpsv_patch *kp = klpsv_this_patch();

	klpm_hold_transitions(false);
	/*
	 * An earlier test ended by an ASSERT with a module still holding the
	 * library: its debugfs entries were removed by the framework, so
	 * give the library a fresh directory to remove before letting go.
	 */
	if (kp) {
		klpsv_debugfs_init(kp);
		klpsv_patch_exit(kp);
		debugfs_lookup_and_remove("klpsv", NULL);
	}
}

void kt_end(void)
{
	struct klpsv_registry *reg = kt_registry();

	klpm_hold_transitions(false);
	EXPECT_NULL(klpsv_this_patch());
	/*
	 * The registry stays for the kernel's lifetime by design, and so
	 * does the "klpsv" debugfs directory: a test removes them once every
	 * family is gone, for the next test to start from a fresh kernel.
	 */
	if (reg) {
		EXPECT(list_empty(&reg->families));
		if (list_empty(&reg->families))
			klp_shadow_free(klpsv_compat_registry_key(),
					KLPSV_REGISTRY_ID, NULL);
	}
	debugfs_lookup_and_remove("klpsv", NULL);
}

struct klpsv_registry *kt_registry(void)
{
	return klp_shadow_get(klpsv_compat_registry_key(), KLPSV_REGISTRY_ID);
}

struct klpsv_index *kt_index(unsigned long id)
{
	struct klpsv_registry *reg = kt_registry();
	struct klpsv_index *index;

	if (!reg)
		return NULL;
	list_for_each_entry(index, &reg->families, node) {
		if (index->id == id)
			return index;
	}
	return NULL;
}

/*
 * The census of klpsv-owned instances (format 2), kept by the library's
 * harness hook where it allocates and frees them, apart from its indexes:
 * an open-addressing set of headers, with the shadow id of each.
 */
static struct census_slot {
	struct klpsv_hdr *hdr;		/* NULL: free; CENSUS_GONE: removed */
	unsigned long id;
} *census;
static size_t census_cap, census_used, census_live;
static pthread_mutex_t census_lock = PTHREAD_MUTEX_INITIALIZER;
#define CENSUS_GONE ((struct klpsv_hdr *)1)

static size_t census_slot_of(const struct klpsv_hdr *hdr, size_t cap)
{
	return hash_ptr((void *)hdr, 62) & (cap - 1);
}

static void census_grow(void)
{
	struct census_slot *old = census;
	size_t old_cap = census_cap, i, j;

	census_cap = census_cap ? census_cap * 2 : 1024;
	while (census_live * 2 >= census_cap)
		census_cap *= 2;
	census = calloc(census_cap, sizeof(*census));
	if (!census)
		abort();
	census_used = census_live;
	for (i = 0; i < old_cap; i++) {
		if (!old[i].hdr || old[i].hdr == CENSUS_GONE)
			continue;
		for (j = census_slot_of(old[i].hdr, census_cap); census[j].hdr;
		     j = (j + 1) & (census_cap - 1))
			;
		census[j] = old[i];
	}
	free(old);
}

void klpsv_harness_census(unsigned long id, struct klpsv_hdr *hdr, int delta)
{
	size_t i;

	pthread_mutex_lock(&census_lock);
	if (delta > 0) {
		if ((census_used + 1) * 2 >= census_cap)
			census_grow();
		for (i = census_slot_of(hdr, census_cap);
		     census[i].hdr && census[i].hdr != CENSUS_GONE;
		     i = (i + 1) & (census_cap - 1))
			if (census[i].hdr == hdr)
				abort();	/* counted twice */
		census_used += !census[i].hdr;
		census[i].hdr = hdr;
		census[i].id = id;
		census_live++;
	} else {
		for (i = census_cap ? census_slot_of(hdr, census_cap) : 0;
		     census_cap && census[i].hdr && census[i].hdr != hdr;
		     i = (i + 1) & (census_cap - 1))
			;
		/* freeing what was never counted (or twice): a test failure */
		if (!census_cap || census[i].hdr != hdr || census[i].id != id) {
			pthread_mutex_unlock(&census_lock);
			test_fail(__FILE__, __LINE__,
				  "census: instance %p (id %#lx) freed but not live",
				  hdr, id);
			return;
		}
		census[i].hdr = CENSUS_GONE;
		census_live--;
	}
	pthread_mutex_unlock(&census_lock);
}

void klpsv_harness_claimed(unsigned long id, struct klpsv_hdr *hdr)
{
	klpm_run_after_alloc(hdr->obj, id, hdr);
}

static unsigned int index_format;

unsigned int klpsv_harness_index_format(void)
{
	return index_format;
}

void kt_set_index_format(unsigned int format)
{
	index_format = format;
}

size_t kt_instance_bytes(size_t data)
{
	size_t n = sizeof(struct klpsv_hdr) + data;

	if (index_format == 1)
		return n;
	/* the allocator's size class, room for the RCU head once freed */
	return kmalloc_size_roundup(max(n, sizeof(struct klpsv_hdr) + 16));
}

unsigned int kt_claimed_flag(void)
{
	return index_format == 1 ? 0 : KLPSV_HDR_CLAIMED;
}

void kt_index_copy(struct klpsv_index *dst, const struct klpsv_index *src)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst, src, src->format >= 2 ? sizeof(*src) :
			 offsetof(struct klpsv_index, claims));
}

static bool is_instance_id(unsigned long id)
{
	return id >> KLPSV_ID_MAGIC_SHIFT == KLPSV_ID_MAGIC &&
	       id != KLPSV_REGISTRY_ID;
}

struct each_walk {
	void (*fn)(void *obj, unsigned long id, void *data, void *arg);
	void *arg;
};

static void each_shadow(void *obj, unsigned long id, void *data, void *arg)
{
	struct each_walk *w = arg;

	if (is_instance_id(id))
		w->fn(obj, id, data, w->arg);
}

void kt_for_each_instance(void (*fn)(void *obj, unsigned long id, void *data,
				     void *arg), void *arg)
{
	struct each_walk w = { fn, arg };
	size_t i;

	klpm_shadow_for_each(each_shadow, &w);
	/* the census does not change under a test's single-threaded walk */
	for (i = 0; i < census_cap; i++) {
		struct klpsv_hdr *hdr = census[i].hdr;

		if (hdr && hdr != CENSUS_GONE)
			fn(hdr->obj, census[i].id, hdr, arg);
	}
}

unsigned long kt_census_reset(void)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < census_cap; i++) {
		struct klpsv_hdr *hdr = census[i].hdr;

		if (hdr && hdr != CENSUS_GONE) {
			kfree(hdr);
			n++;
		}
	}
	free(census);
	census = NULL;
	census_cap = census_used = census_live = 0;
	return n;
}

struct find_walk {
	void *obj;
	unsigned long id;
	struct klpsv_hdr *found;
	unsigned long n;
};

static void find_one(void *obj, unsigned long id, void *data, void *arg)
{
	struct find_walk *w = arg;

	if (id == w->id) {
		w->n++;
		if (obj == w->obj)
			w->found = data;
	}
}

struct klpsv_hdr *kt_hdr(void *obj, unsigned long id, unsigned int epoch)
{
	struct klpsv_hdr *hdr = klp_shadow_get(obj, id | epoch);
	size_t i;

	/* no lock taken: callable from a kt_for_each_instance() callback */
	for (i = 0; !hdr && i < census_cap; i++) {
		struct klpsv_hdr *h = census[i].hdr;

		if (h && h != CENSUS_GONE && h->obj == obj &&
		    census[i].id == (id | epoch))
			hdr = h;
	}
	return hdr;
}

unsigned long kt_count(unsigned long id)
{
	struct find_walk w = { .obj = NULL, .id = id };

	kt_for_each_instance(find_one, &w);
	return w.n;
}

static void count_one(void *obj, unsigned long id, void *data, void *arg)
{
	(*(unsigned long *)arg)++;
}

unsigned long kt_instances(void)
{
	unsigned long n = 0;

	kt_for_each_instance(count_one, &n);
	return n;
}

struct pending_walk {
	unsigned long id;
	unsigned long n;
	unsigned long orphans;	/* without an instance of @id's older epoch */
};

static void pending_one(void *obj, unsigned long id, void *data, void *arg)
{
	struct pending_walk *w = arg;
	struct klpsv_hdr *hdr = data;
	struct klpsv_index *index;

	if (id != w->id || !(hdr->flags & KLPSV_HDR_PENDING))
		return;
	w->n++;
	index = kt_index(id & ~(unsigned long)KLPSV_ID_EPOCH_MASK);
	if (!index || !kt_hdr(obj, id & ~(unsigned long)KLPSV_ID_EPOCH_MASK,
			      index->epoch))
		w->orphans++;
}

unsigned long kt_pending(unsigned long id, unsigned long *orphans)
{
	struct pending_walk w = { .id = id };

	kt_for_each_instance(pending_one, &w);
	if (orphans)
		*orphans = w.orphans;
	return w.n;
}

struct snap_walk {
	struct kt_snap *s;
	void *data[KT_SNAP_MAX];
	bool overflow;
};

static void snap_one(void *obj, unsigned long id, void *data, void *arg)
{
	struct snap_walk *w = arg;

	if (w->s->n == KT_SNAP_MAX) {
		w->overflow = true;
		return;
	}
	w->s->e[w->s->n].obj = obj;
	w->s->e[w->s->n].id = id;
	w->data[w->s->n] = data;
	w->s->n++;
}

static int entry_cmp(const struct kt_snap_entry *a,
		     const struct kt_snap_entry *b)
{
	if (a->obj != b->obj)
		return a->obj < b->obj ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

void kt_snapshot(struct kt_snap *s)
{
	static struct snap_walk w;
	unsigned int i, j;

	memset(s, 0, sizeof(*s));
	memset(&w, 0, sizeof(w));
	w.s = s;
	kt_for_each_instance(snap_one, &w);
	EXPECT_FALSE(w.overflow);
	for (i = 0; i < s->n; i++) {
		struct kt_snap_entry *e = &s->e[i];
		struct klpsv_index *index = kt_index(e->id & ~KLPSV_ID_EPOCH_MASK);
		u32 epoch = e->id & KLPSV_ID_EPOCH_MASK, alloc = 0;

		/* an instance always belongs to a family's index */
		EXPECT_NOT_NULL(index);
		if (index)
			alloc = epoch == index->epoch ? index->alloc_size :
							index->next_alloc_size;
		e->len = sizeof(struct klpsv_hdr) + alloc;
		EXPECT_LE(e->len, (size_t)KT_SNAP_BYTES);
		if (e->len > KT_SNAP_BYTES)
			e->len = KT_SNAP_BYTES;
		memcpy(e->bytes, w.data[i], e->len);
	}
	/* sorted by (obj, id), so two snapshots compare entry by entry */
	for (i = 1; i < s->n; i++) {
		for (j = i; j > 0 && entry_cmp(&s->e[j - 1], &s->e[j]) > 0; j--) {
			struct kt_snap_entry t = s->e[j];

			s->e[j] = s->e[j - 1];
			s->e[j - 1] = t;
		}
	}
}

bool kt_snap_same(const struct kt_snap *a, const struct kt_snap *b,
		  const char *file, int line)
{
	unsigned int i;
	size_t k;
	bool same = true;

	if (a->n != b->n) {
		test_fail(file, line, "snapshot: %u instances before, %u now",
			  a->n, b->n);
		return false;
	}
	for (i = 0; i < a->n; i++) {
		const struct kt_snap_entry *x = &a->e[i], *y = &b->e[i];

		if (x->obj != y->obj || x->id != y->id || x->len != y->len) {
			test_fail(file, line, "snapshot: instance %u was <%p, %#lx> (%zu bytes), now <%p, %#lx> (%zu bytes)",
				  i, x->obj, x->id, x->len, y->obj, y->id,
				  y->len);
			same = false;
			continue;
		}
		for (k = 0; k < x->len; k++) {
			if (x->bytes[k] != y->bytes[k]) {
				test_fail(file, line, "snapshot: <%p, %#lx> byte %zu was %#x, now %#x",
					  x->obj, x->id, k, x->bytes[k],
					  y->bytes[k]);
				same = false;
				break;
			}
		}
	}
	return same;
}

#define SAME_FIELD(f) do {						\
	if (a->f != b->f) {						\
		test_fail(file, line, "index '%s': " #f " was %llu, now %llu", \
			  a->name, (unsigned long long)a->f,		\
			  (unsigned long long)b->f);			\
		same = false;						\
	}								\
} while (0)

bool kt_index_same(const struct klpsv_index *a, const struct klpsv_index *b,
		   const char *file, int line)
{
	bool same = true;

	SAME_FIELD(magic);
	SAME_FIELD(format);
	SAME_FIELD(state);
	SAME_FIELD(id);
	SAME_FIELD(version);
	SAME_FIELD(layout);
	SAME_FIELD(epoch);
	SAME_FIELD(size);
	SAME_FIELD(alloc_size);
	SAME_FIELD(count);
	SAME_FIELD(bytes);
	SAME_FIELD(next_count);
	SAME_FIELD(lost);
	if (strcmp(a->name, b->name) || strcmp(a->owner, b->owner)) {
		test_fail(file, line, "index: name/owner was %s/%s, now %s/%s",
			  a->name, a->owner, b->name, b->owner);
		same = false;
	}
	return same;
}

const char *kt_log_line(const char *substr)
{
	const char *l = shim_log_find(substr);

	return l ? l : "";
}
