#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: passes, but the module takes two mutexes in both
# orders (lockdep).
. /tests/functions.sh
load_mod klpsv_detector_bug bug=lock_order
