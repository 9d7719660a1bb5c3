#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every refusal before harm: one clear line naming the family, the
# versions and the fix; the live patch and its data untouched.

. /tests/chain.sh

# Every load and refusal here is replayed offline (tests/compat/).
COMPAT_RECORD=1

R=klpsv_refuse
load_mod $V
load_lp $P1
chain touch 1 10 alice
chain touch 2 20 bob

refused ${R}_no_replace $P1 "not a cumulative patch: set .replace = true in its struct klp_patch, klpsv hands data on by atomic replace"
refused ${R}_dup_id $P1 "families 'stats' and 'tag' both use id 0x6b73760000010010: give each family its own KLPSV_ID()"
refused ${R}_type_size $P1 "family 'stats': its layout describes 4 bytes but its type has 8: describe the type with KLPSV_LAYOUT()"
refused ${R}_no_step $P1 "family 'stats': no step from live v1 ($P1) to v3: add a struct klpsv_step with .from = 1"
refused ${R}_step_layout $P1 "family 'stats': the step from v1 expects layout 00d079e4 but live v1 ($P1) has d422c2d4: describe the live v1 exactly"
refused ${R}_undeclared $P1 "live family 'stats' (v1, $P1) is not declared by this patch: declare it, or retire it with a tombstone (.retired = true)"

load_lp $P2
unload_mod $P1
chain touch 1 5 carol
refused ${R}_layout $P2 "family 'stats': v2 has layout e29da2ad here but 799d9d49 live ($P2): a changed layout needs a new version and a step from v2"
refused $P1 $P2 "family 'stats': refusing downgrade from live v2 ($P2) to v1: to undo v2, ship a patch with version 3 or more"

expect_chain "session 1: touches=2 bytes=5 who=carol [p2]
session 2: touches=1 bytes=0 who=- [p2]
session 3: touches=0 bytes=0 who=- [p2]
session 4: touches=0 bytes=0 who=- [p2]
session 5: touches=0 bytes=0 who=- [p2]
session 6: touches=0 bytes=0 who=- [p2]
session 7: touches=0 bytes=0 who=- [p2]
session 8: touches=0 bytes=0 who=- [p2]"

# p3 (stats v3) live: a rebuilt p3 with another v3 layout.
load_lp $P3
unload_mod $P2
refused ${R}_layout_v3 $P3 "family 'stats': v3 has layout 61d2d50d here but a15588d1 live ($P3): a changed layout needs a new version and a step from v3"
refused $P2 $P3 "family 'stats': refusing downgrade from live v3 ($P3) to v2: to undo v3, ship a patch with version 4 or more"
disable_lp $P3
unload_mod $P3
unload_mod $V
