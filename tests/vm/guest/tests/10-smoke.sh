#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke: a cumulative livepatch of a victim module applies, changes the
# behaviour, keeps per-object shadow data, disables and unloads cleanly.

. /tests/functions.sh

P=klpsv_smoke_patch
V=klpsv_smoke_victim

start_test "smoke: patch a victim, disable, unload"
load_mod $V
expect_read /proc/klpsv_smoke "item 1: unpatched"
load_lp $P
expect_read /proc/klpsv_smoke "item 1: patched, read 1 times"
expect_read /proc/klpsv_smoke "item 1: patched, read 2 times"
disable_lp $P
expect_read /proc/klpsv_smoke "item 1: unpatched"
unload_mod $P
unload_mod $V

check_result "% insmod $V.ko 
% insmod $P.ko 
livepatch: enabling patch '$P'
livepatch: '$P': initializing patching transition
livepatch: '$P': starting patching transition
livepatch: '$P': completing patching transition
livepatch: '$P': patching complete
% echo 0 > /sys/kernel/livepatch/$P/enabled
livepatch: '$P': initializing unpatching transition
livepatch: '$P': starting unpatching transition
livepatch: '$P': completing unpatching transition
livepatch: '$P': unpatching complete
% rmmod $P
% rmmod $V"
