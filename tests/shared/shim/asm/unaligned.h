/* SPDX-License-Identifier: GPL-2.0 */
/* Before 6.12 the header lived here. */
#include <linux/unaligned.h>
