// SPDX-License-Identifier: GPL-2.0
/*
 * Negative: a typedef of the same struct, raw byte buffers, pointer-sized
 * slots (the upstream sample's int ** with sizeof(leak)), and kernel
 * integer aliases.
 */
#include <linux/livepatch.h>
#include <linux/slab.h>

#define SV_LEAK 1
#define SV_BUF 13
#define SV_STAMP 14

struct stamp {
	u64 ns;
};
typedef struct stamp stamp_t;

void *livepatch_dummy_alloc(void *d)
{
	int *leak;
	int **shadow_leak;
	stamp_t *st;
	void *raw;
	u8 *buf;
	uint32_t *gen;

	leak = kzalloc(sizeof(*leak), GFP_KERNEL);
	shadow_leak = klp_shadow_alloc(d, SV_LEAK, sizeof(leak), GFP_KERNEL,
				       NULL, &leak);
	st = klp_shadow_alloc(d, SV_STAMP, sizeof(struct stamp), GFP_KERNEL,
			      NULL, NULL);
	raw = klp_shadow_alloc(d, SV_BUF, sizeof(struct stamp), GFP_KERNEL,
			       NULL, NULL);
	buf = klp_shadow_alloc(d, SV_BUF + 1, sizeof(struct stamp), GFP_KERNEL,
			       NULL, NULL);
	gen = klp_shadow_get_or_alloc(d, SV_BUF + 2, sizeof(u32), GFP_KERNEL,
				      NULL, NULL);
	return shadow_leak;
}
