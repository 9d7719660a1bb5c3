// SPDX-License-Identifier: GPL-2.0
/*
 * Positive: allocation results used without a check, or checked only
 * after the first use.
 */
#include <linux/livepatch.h>
#include <linux/string.h>

#define SV_NAME 4
#define SV_HITS 5

struct dev {
	const char *name;
};

struct dev_shadow {
	char name[32];
	int hits;
};

int livepatch_dev_open(struct dev *d)
{
	struct dev_shadow *sh;

	sh = klp_shadow_alloc(d, SV_NAME, sizeof(*sh), GFP_ATOMIC, NULL, NULL);
	memset(sh, 0, sizeof(*sh));
	strscpy(sh->name, d->name, sizeof(sh->name));
	return 0;
}

void livepatch_dev_hit(struct dev *d)
{
	int *hits = klp_shadow_get_or_alloc(d, SV_HITS, sizeof(*hits),
					    GFP_NOWAIT, NULL, NULL);
	int old = *hits;

	if (!hits)
		return;
	*hits = old + 1;
}
