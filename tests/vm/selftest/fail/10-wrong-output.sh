#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: expects output the smoke victim never prints.
. /tests/functions.sh
load_mod klpsv_smoke_victim
expect_read /proc/klpsv_smoke "item 1: patched, read 1 times"
