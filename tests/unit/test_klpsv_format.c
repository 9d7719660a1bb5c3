// SPDX-License-Identifier: GPL-2.0
/*
 * klpsv's shared format v1 is an ABI (Documentation/format.rst): patches
 * built with different klpsv releases read each other's instances, family
 * indexes and registry.  Each structure's v1 image is written below by
 * hand, byte by byte, from the tables of format.rst (little-endian, x86_64
 * and the other 64-bit little-endian kernels livepatch supports); the
 * current structs must decode it field by field and encode to the same
 * bytes.  A change that moves, resizes or reinterprets a field fails here.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "test_klpsv.h"

/* ---------------------------------------------------------------------
 * Instance header, 24 bytes.
 */
static const u8 hdr_v1[24] = {
	/*  0 chain     */ 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	/*  8 obj       */ 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
	/* 16 version   */ 0x03, 0x80,	/* v3, bit 15: twin */
	/* 18 flags     */ 0x03, 0x00,	/* bit 0: pending, bit 1: linked */
	/* 20 gen       */ 0x78, 0x56, 0x34, 0x12,
};

TEST(klpsv_format_v1_constants)
{
	EXPECT_EQ(KLPSV_FORMAT, 2);
	EXPECT_EQ(KLPSV_REGISTRY_MAGIC, 0x4b4c5352);
	EXPECT_EQ(KLPSV_INDEX_MAGIC, 0x4b4c5349);
	EXPECT_EQ(KLPSV_REGISTRY_ID, 0x6b73760000000000UL);
	EXPECT_EQ(KLPSV_HDR_TWIN, 0x8000);
	EXPECT_EQ(KLPSV_HDR_PENDING, 0x0001);
	EXPECT_EQ(KLPSV_HDR_LINKED, 0x0002);
	EXPECT_EQ(KLPSV_HDR_CLAIMED, 0x0004);
	EXPECT_EQ(KLPSV_VERSION_MAX, 0x7fff);
	EXPECT_EQ(sizeof(struct klpsv_hdr), 24u);
	EXPECT_EQ(offsetof(struct klpsv_index, node), 352u);
	EXPECT_EQ(offsetof(struct klpsv_registry, families), 168u);
	/* the registry is found on an address of vmlinux, for every module */
	EXPECT(klpsv_compat_registry_key() == (void *)&klp_shadow_get);
}

TEST(klpsv_format_v1_instance_header_decodes)
{
	struct klpsv_hdr hdr;

	memcpy(&hdr, hdr_v1, sizeof(hdr_v1));
	EXPECT((void *)hdr.chain == (void *)0x0102030405060708UL);
	EXPECT(hdr.obj == (void *)0x0123456789abcdefUL);
	EXPECT_EQ(hdr.version, 0x8003);
	EXPECT_EQ(klpsv_hdr_version(&hdr), 3u);
	EXPECT_TRUE(klpsv_hdr_is_twin(&hdr));
	EXPECT_EQ(hdr.flags, KLPSV_HDR_PENDING | KLPSV_HDR_LINKED);
	EXPECT_EQ(hdr.gen, 0x12345678u);
	/* the data follows the header */
	EXPECT((void *)(&hdr + 1) == (void *)((u8 *)&hdr + 24));
	EXPECT(klpsv_hdr_of((u8 *)&hdr + 24) == &hdr);
}

TEST(klpsv_format_v1_instance_header_encodes)
{
	struct klpsv_hdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.chain = (struct klpsv_hdr __force __rcu *)0x0102030405060708UL;
	hdr.obj = (void *)0x0123456789abcdefUL;
	hdr.version = 3 | KLPSV_HDR_TWIN;
	hdr.flags = KLPSV_HDR_PENDING | KLPSV_HDR_LINKED;
	hdr.gen = 0x12345678;
	EXPECT_MEMEQ(&hdr, hdr_v1, sizeof(hdr_v1));
}

/* ---------------------------------------------------------------------
 * Family index, fixed prefix of 352 bytes.  Every multi-byte value has
 * distinct bytes, so a field read at the wrong width or place shows.
 */
static const u8 index_v1[352] = {
	[0] = 0x49, 0x53, 0x4c, 0x4b,		/* magic "KLSI" */
	[4] = 0x01, 0x00,			/* format 1 */
	[6] = 0x02, 0x00,			/* state 2: transition */
	[8] = 0x10, 0x00, 0x01, 0x00, 0x00, 0x76, 0x73, 0x6b, /* id */
	[16] = 's', 't', 'a', 't', 's',		/* name */
	[48] = 'k', 'l', 'p', 's', 'v', '_', 'c', 'h', 'a', 'i', 'n',
	       '_', 'p', '2',			/* owner */
	[104] = 0x02, 0x00, 0x00, 0x00,		/* version 2 */
	[108] = 0x49, 0x9d, 0x9d, 0x79,		/* layout 799d9d49 */
	[112] = 0x00, 0x00, 0x00, 0x00,		/* epoch 0 */
	[116] = 0x08, 0x00, 0x00, 0x00,		/* size 8 */
	[120] = 0x10, 0x00, 0x00, 0x00,		/* alloc_size 16 */
	[124] = 0x03, 0x00, 0x00, 0x00,		/* next_version 3 */
	[128] = 0xd1, 0x88, 0x55, 0xa1,		/* next_layout a15588d1 */
	[132] = 0x01, 0x00, 0x00, 0x00,		/* next_epoch 1 */
	[136] = 0x10, 0x00, 0x00, 0x00,		/* next_size 16 */
	[140] = 0x18, 0x00, 0x00, 0x00,		/* next_alloc_size 24 */
	[144] = 0x02, 0x00, 0x00, 0x00,		/* prev_version 2 */
	[148] = 0x04, 0x03, 0x02, 0x01,		/* gen_seed 0x01020304 */
	[152] = 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* count */
	[160] = 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* bytes */
	[168] = 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* next_count */
	[176] = 0x2a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* migrations */
	[184] = 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* lost */
	[192] = 'n', 'o', ' ', 's', 't', 'e', 'p',	/* refusal */
	[351] = 0x00,
};

#define IDX_COUNT	0x0000000100000005ULL
#define IDX_BYTES	0x0102030405060708ULL
#define IDX_NEXT_COUNT	0x0200000000000003ULL
#define IDX_MIGRATIONS	0x000000000000012aULL
#define IDX_LOST	0x8000000000000001ULL

/* static: struct klpsv_index holds a lock and lists after the prefix */
static struct klpsv_index fx_index;

TEST(klpsv_format_v1_index_decodes)
{
	struct klpsv_index *x = &fx_index;

	memset(x, 0, sizeof(*x));
	memcpy(x, index_v1, sizeof(index_v1));
	EXPECT_EQ(x->magic, KLPSV_INDEX_MAGIC);
	EXPECT_EQ(x->format, 1);
	EXPECT_EQ(x->state, KLPSV_INDEX_TRANSITION);
	EXPECT_EQ(x->id, KLPSV_ID(1, 1));
	EXPECT_STREQ(x->name, "stats");
	EXPECT_STREQ(x->owner, "klpsv_chain_p2");
	EXPECT_EQ(x->version, 2u);
	EXPECT_EQ(x->layout, 0x799d9d49u);
	EXPECT_EQ(x->epoch, 0u);
	EXPECT_EQ(x->size, 8u);
	EXPECT_EQ(x->alloc_size, 16u);
	EXPECT_EQ(x->next_version, 3u);
	EXPECT_EQ(x->next_layout, 0xa15588d1u);
	EXPECT_EQ(x->next_epoch, 1u);
	EXPECT_EQ(x->next_size, 16u);
	EXPECT_EQ(x->next_alloc_size, 24u);
	EXPECT_EQ(x->prev_version, 2u);
	EXPECT_EQ(x->gen_seed, 0x01020304u);
	EXPECT_EQ(x->count, IDX_COUNT);
	EXPECT_EQ(x->bytes, IDX_BYTES);
	EXPECT_EQ(x->next_count, IDX_NEXT_COUNT);
	EXPECT_EQ(x->migrations, IDX_MIGRATIONS);
	EXPECT_EQ(x->lost, IDX_LOST);
	EXPECT_STREQ(x->refusal, "no step");
	/* the kernel objects come after the prefix, untouched by it */
	EXPECT((u8 *)&x->node == (u8 *)x + 352);
	/* the state numbers are part of the format */
	EXPECT_EQ(KLPSV_INDEX_LIVE, 1);
	EXPECT_EQ(KLPSV_INDEX_TRANSITION, 2);
	EXPECT_EQ(KLPSV_INDEX_RETIRED, 3);
}

TEST(klpsv_format_v1_index_encodes)
{
	struct klpsv_index *x = &fx_index;

	memset(x, 0, sizeof(*x));
	x->magic = KLPSV_INDEX_MAGIC;
	x->format = 1;
	x->state = KLPSV_INDEX_TRANSITION;
	x->id = KLPSV_ID(1, 1);
	strscpy(x->name, "stats", sizeof(x->name));
	strscpy(x->owner, "klpsv_chain_p2", sizeof(x->owner));
	x->version = 2;
	x->layout = 0x799d9d49;
	x->epoch = 0;
	x->size = 8;
	x->alloc_size = 16;
	x->next_version = 3;
	x->next_layout = 0xa15588d1;
	x->next_epoch = 1;
	x->next_size = 16;
	x->next_alloc_size = 24;
	x->prev_version = 2;
	x->gen_seed = 0x01020304;
	x->count = IDX_COUNT;
	x->bytes = IDX_BYTES;
	x->next_count = IDX_NEXT_COUNT;
	x->migrations = IDX_MIGRATIONS;
	x->lost = IDX_LOST;
	strscpy(x->refusal, "no step", sizeof(x->refusal));
	EXPECT_MEMEQ(x, index_v1, sizeof(index_v1));
	/* the character arrays have their documented sizes */
	EXPECT_EQ(sizeof(x->name), 32u);
	EXPECT_EQ(sizeof(x->owner), 56u);
	EXPECT_EQ(sizeof(x->refusal), 160u);
}

/* ---------------------------------------------------------------------
 * Registry, fixed prefix of 168 bytes.
 */
static const u8 registry_v1[168] = {
	[0] = 0x52, 0x53, 0x4c, 0x4b,		/* magic "KLSR" */
	[4] = 0x01, 0x00,			/* format 1 */
	[6] = 0x00, 0x00,			/* flags */
	[8] = 'p', '3', ':', ' ', 'n', 'o', ' ', 's', 't', 'e', 'p',
						/* refusal */
	[167] = 0x00,
};

static struct klpsv_registry fx_registry;

TEST(klpsv_format_v1_registry_decodes_and_encodes)
{
	struct klpsv_registry *r = &fx_registry;

	memset(r, 0, sizeof(*r));
	memcpy(r, registry_v1, sizeof(registry_v1));
	EXPECT_EQ(r->magic, KLPSV_REGISTRY_MAGIC);
	EXPECT_EQ(r->format, 1);
	EXPECT_EQ(r->flags, 0);
	EXPECT_STREQ(r->refusal, "p3: no step");
	EXPECT_EQ(sizeof(r->refusal), 160u);
	EXPECT((u8 *)&r->families == (u8 *)r + 168);

	memset(r, 0, sizeof(*r));
	r->magic = KLPSV_REGISTRY_MAGIC;
	r->format = 1;
	strscpy(r->refusal, "p3: no step", sizeof(r->refusal));
	EXPECT_MEMEQ(r, registry_v1, sizeof(registry_v1));
}

/* ---------------------------------------------------------------------
 * klpsv_format_check(): formats 1 .. KLPSV_FORMAT, nothing newer.
 */
TEST(klpsv_format_check_accepts_known_formats)
{
	unsigned int f;

	for (f = 1; f <= KLPSV_FORMAT; f++) {
		EXPECT_EQ(klpsv_format_check("p", KLPSV_INDEX_MAGIC,
					     KLPSV_INDEX_MAGIC, f, "stats"), 0);
		EXPECT_EQ(klpsv_format_check("p", KLPSV_REGISTRY_MAGIC,
					     KLPSV_REGISTRY_MAGIC, f,
					     "registry"), 0);
	}
	EXPECT_EQ(shim_log_nr(), 0u);
}

TEST(klpsv_format_check_refuses_unknown_formats)
{
	char want[256];

	EXPECT_EQ(klpsv_format_check("kt_p", KLPSV_INDEX_MAGIC,
				     KLPSV_INDEX_MAGIC, 0, "stats"), -EINVAL);
	snprintf(want, sizeof(want), "klpsv: kt_p: stats: live data uses klpsv format 0, this patch understands formats 1 to %u: rebuild it with a newer klpsv",
		 KLPSV_FORMAT);
	EXPECT_STREQ(shim_log_line(0), want);
	EXPECT_EQ(shim_log_level(0), 3);	/* pr_err */

	EXPECT_EQ(klpsv_format_check("kt_p", KLPSV_INDEX_MAGIC,
				     KLPSV_INDEX_MAGIC, KLPSV_FORMAT + 1,
				     "stats"), -EINVAL);
	snprintf(want, sizeof(want), "klpsv: kt_p: stats: live data uses klpsv format %u, this patch understands formats 1 to %u: rebuild it with a newer klpsv",
		 KLPSV_FORMAT + 1, KLPSV_FORMAT);
	EXPECT_STREQ(shim_log_line(1), want);

	EXPECT_EQ(klpsv_format_check("kt_p", 0x4b4c5348, KLPSV_REGISTRY_MAGIC,
				     1, "registry"), -EINVAL);
	EXPECT_STREQ(shim_log_line(2), "klpsv: kt_p: registry: shared klpsv data is corrupt (magic 0x4b4c5348, expected 0x4b4c5352); refusing to touch it");
	/* a wrong magic is refused whatever the format */
	EXPECT_EQ(klpsv_format_check("kt_p", KLPSV_INDEX_MAGIC,
				     KLPSV_REGISTRY_MAGIC, 1, "registry"),
		  -EINVAL);
	EXPECT_EQ(shim_log_nr(), 4u);
}

/* ---------------------------------------------------------------------
 * The same checks guard real takeovers: live data written by a newer
 * klpsv is refused, and left alone.
 */
struct fv1 {
	u32 a;
};
struct fv2 {
	u32 a;
	u32 b;
};
#define FV1_LAYOUT KLPSV_LAYOUT(struct fv1, KLPSV_FIELD(struct fv1, a))
#define FV2_LAYOUT KLPSV_LAYOUT(struct fv2, KLPSV_FIELD(struct fv2, a), \
				KLPSV_FIELD(struct fv2, b))
#define FMT_ID KLPSV_ID(0x77, 1)

static int fv_up(void *obj, const void *from, void *to)
{
	((struct fv2 *)to)->b = 2;
	return 0;
}

KLPSV_FAMILY(fa, struct fv1, .name = "fmt", .id = FMT_ID, .version = 1,
	     .layout = FV1_LAYOUT, .reserve = 4);
KLPSV_FAMILY(fb, struct fv2, .name = "fmt", .id = FMT_ID, .version = 2,
	     .layout = FV2_LAYOUT, .reserve = 4,
	     KLPSV_STEPS({ .from = 1, .layout = FV1_LAYOUT, .up = fv_up }));
KLPSV_FAMILY(fc, struct fv1, .name = "fmt", .id = FMT_ID, .version = 1,
	     .layout = FV1_LAYOUT, .reserve = 4);

static struct klpsv_family *fa_families[] = { &fa_family, NULL };
static struct klpsv_family *fb_families[] = { &fb_family, NULL };
static struct klpsv_family *fc_families[] = { &fc_family, NULL };
static struct kmod fmod_a, fmod_b, fmod_c;
static int fobjs[3];

/* A live with three instances; its klpsv copy steps aside for B. */
static void fmt_setup(void)
{
	unsigned int i;

	kt_begin();
	kmod_load(&fmod_a, "kt_fmt_a", fa_families);
	ASSERT_EQ(kmod_enable(&fmod_a), 0);
	for (i = 0; i < ARRAY_SIZE(fobjs); i++) {
		struct fv1 *d = fa_get_or_alloc(&fobjs[i], GFP_KERNEL, NULL);

		ASSERT_NOT_NULL(d);
		d->a = 10 + i;
		fa_put(d);
	}
	kmod_detach(&fmod_a);
}

/* C, the same version as A, takes over and is then disabled for real. */
static void fmt_finish(void)
{
	kmod_load(&fmod_c, "kt_fmt_c", fc_families);
	EXPECT_EQ(kmod_enable(&fmod_c), 0);
	EXPECT_EQ(klpm_disable(&fmod_c.patch), 0);
	kmod_exit(&fmod_c);
	EXPECT_EQ(kt_instances(), 0ul);
	kt_end();
}

TEST(klpsv_format_newer_index_is_refused_untouched)
{
	static struct kt_snap before, after;
	struct klpsv_index *index;
	unsigned int format;
	char want[256];

	fmt_setup();
	index = kt_index(FMT_ID);
	ASSERT_NOT_NULL(index);
	format = index->format;
	index->format = KLPSV_FORMAT + 1;	/* written by a newer klpsv */
	kt_snapshot(&before);
	shim_log_clear();

	kmod_load(&fmod_b, "kt_fmt_b", fb_families);
	EXPECT_EQ(kmod_enable(&fmod_b), -EINVAL);
	snprintf(want, sizeof(want), "klpsv: kt_fmt_b: fmt: live data uses klpsv format %u, this patch understands formats 1 to %u: rebuild it with a newer klpsv",
		 KLPSV_FORMAT + 1, KLPSV_FORMAT);
	EXPECT_STREQ(kt_log_line("live data uses"), want);
	EXPECT_FALSE(klpm_patch_installed(&fmod_b.patch));
	EXPECT_TRUE(klpm_patch_installed(&fmod_a.patch));
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);
	EXPECT_EQ(index->version, 1u);
	EXPECT_EQ(index->state, KLPSV_INDEX_LIVE);

	index->format = format;
	fmt_finish();
}

TEST(klpsv_format_corrupt_registry_is_refused_untouched)
{
	static struct kt_snap before, after;
	struct klpsv_registry *reg;

	fmt_setup();
	reg = kt_registry();
	ASSERT_NOT_NULL(reg);
	kt_snapshot(&before);
	reg->magic ^= 0xff;
	shim_log_clear();

	kmod_load(&fmod_b, "kt_fmt_b", fb_families);
	EXPECT_EQ(kmod_enable(&fmod_b), -EINVAL);
	EXPECT_STREQ(kt_log_line("corrupt"), "klpsv: kt_fmt_b: registry: shared klpsv data is corrupt (magic 0x4b4c53ad, expected 0x4b4c5352); refusing to touch it");
	EXPECT_FALSE(klpm_patch_installed(&fmod_b.patch));
	reg->magic ^= 0xff;
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);

	/* and a registry written by a newer klpsv */
	reg->format = KLPSV_FORMAT + 1;
	shim_log_clear();
	kmod_load(&fmod_b, "kt_fmt_b", fb_families);
	EXPECT_EQ(kmod_enable(&fmod_b), -EINVAL);
	EXPECT_LOG("kt_fmt_b: registry: live data uses klpsv format");
	reg->format = KLPSV_FORMAT;
	kt_snapshot(&after);
	EXPECT_SNAP_SAME(&before, &after);
	fmt_finish();
}
