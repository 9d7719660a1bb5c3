#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The chain sample, step by step: values carried across every upgrade,
# instance counts from debugfs, the refused downgrade, and nothing left
# after the final disable.

. /tests/chain.sh

start_test "chain: p1 -> p2 -> p3, downgrade refused, disable"

load_mod $V
load_lp $P1
chain touch 1 10 alice
chain touch 1 20 bob
chain touch 2 5 carol
expect_chain "session 1: touches=2 [p1]
session 2: touches=1 [p1]
session 3: touches=0 [p1]
session 4: touches=0 [p1]
session 5: touches=0 [p1]
session 6: touches=0 [p1]
session 7: touches=0 [p1]
session 8: touches=0 [p1]"
expect_field $P1 stats instances 2
expect_field $P1 stats version 1
expect_no_leak $P1

# p2: stats v1 -> v2 in place, new family tag.
load_lp $P2
unload_mod $P1
expect_field $P2 stats version 2
expect_field $P2 stats epoch 0
expect_field $P2 stats instances 2
expect_field $P2 tag instances 0
chain touch 1 30 dave
chain touch 3 7 erin
expect_chain "session 1: touches=3 bytes=30 who=dave [p2]
session 2: touches=1 bytes=0 who=- [p2]
session 3: touches=1 bytes=7 who=erin [p2]
session 4: touches=0 bytes=0 who=- [p2]
session 5: touches=0 bytes=0 who=- [p2]
session 6: touches=0 bytes=0 who=- [p2]
session 7: touches=0 bytes=0 who=- [p2]
session 8: touches=0 bytes=0 who=- [p2]"
expect_field $P2 stats instances 3
expect_field $P2 tag instances 2
expect_no_leak $P2

# p3: stats v2 -> v3 in a new layout (epoch 1), tag retired.
load_lp $P3
unload_mod $P2
expect_field $P3 stats version 3
expect_field $P3 stats epoch 1
expect_field $P3 stats instances 3
expect_field $P3 tag state retired
expect_field $P3 tag instances 0
expect_no_leak $P3
chain touch 1 1 frank
chain close 2
expect_chain "session 1: touches=4 bytes=31 [p3]
session 3: touches=1 bytes=7 [p3]
session 4: touches=0 bytes=0 [p3]
session 5: touches=0 bytes=0 [p3]
session 6: touches=0 bytes=0 [p3]
session 7: touches=0 bytes=0 [p3]
session 8: touches=0 bytes=0 [p3]"
expect_field $P3 stats instances 2

# Loading p1 again would lower stats from v3 to v1: refused, nothing moves.
before=$(data_checksum $P3)
load_failing_mod $P1
[ "$(data_checksum $P3)" = "$before" ] || die "a refused downgrade changed the live data"
[ "$(cat /sys/kernel/livepatch/$P3/enabled)" = 1 ] || die "$P3 is no longer enabled"
expect_field $P3 stats instances 2

disable_lp $P3
left=$(grep '^family=' $KLPSV_DEBUGFS/$P3/families)
[ -z "$left" ] || die "families left after the final disable: $left"
[ "$(counted_instances)" = 0 ] || die "$(counted_instances) shadow variables left after the final disable"
log "no family and no shadow variable left after the final disable"
unload_mod $P3
unload_mod $V

check_result "% insmod $V.ko 
% insmod $P1.ko 
livepatch: enabling patch '$P1'
livepatch: '$P1': initializing patching transition
livepatch: '$P1': starting patching transition
livepatch: '$P1': completing patching transition
klpsv: $P1: family 'stats' is at v1: 0 instances, 0 bytes
livepatch: '$P1': patching complete
% insmod $P2.ko 
livepatch: enabling patch '$P2'
livepatch: '$P2': initializing patching transition
klpsv: $P2: family 'stats': taking over 2 instances, v1 -> v2 (in place)
livepatch: '$P2': starting patching transition
livepatch: '$P2': completing patching transition
klpsv: $P2: family 'stats' is at v2: 2 instances, 128 bytes
klpsv: $P2: family 'tag' is at v1: 0 instances, 0 bytes
livepatch: '$P2': patching complete
% rmmod $P1
% insmod $P3.ko 
livepatch: enabling patch '$P3'
livepatch: '$P3': initializing patching transition
klpsv: $P3: family 'stats': taking over 3 instances, v2 -> v3 (new layout)
livepatch: '$P3': starting patching transition
livepatch: '$P3': completing patching transition
klpsv: $P3: family 'stats' is at v3: 3 instances, 192 bytes
$P3: session 3: tag released
$P3: session 1: tag released
klpsv: $P3: family 'tag' retired at v2
livepatch: '$P3': patching complete
% rmmod $P2
$P3: session 2: stats freed
% insmod $P1.ko 
klpsv: $P1: family 'stats': refusing downgrade from live v3 ($P3) to v1: to undo v3, ship a patch with version 4 or more
klpsv: $P1: family 'stats': refusing downgrade from live v3 ($P3) to v1: to undo v3, ship a patch with version 4 or more
insmod: ERROR: could not insert module $P1.ko
% echo 0 > /sys/kernel/livepatch/$P3/enabled
livepatch: '$P3': initializing unpatching transition
livepatch: '$P3': starting unpatching transition
livepatch: '$P3': completing unpatching transition
$P3: session 1: stats freed
$P3: session 3: stats freed
klpsv: $P3: family 'stats' released: 2 instances freed
livepatch: '$P3': unpatching complete
% rmmod $P3
% rmmod $V"
