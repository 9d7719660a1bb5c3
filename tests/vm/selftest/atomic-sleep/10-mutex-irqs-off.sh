#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: passes, but the module takes a mutex with interrupts
# disabled (DEBUG_ATOMIC_SLEEP).
. /tests/functions.sh
load_mod klpsv_detector_bug bug=sleep
