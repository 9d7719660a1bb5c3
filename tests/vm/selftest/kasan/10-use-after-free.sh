#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: passes, but the module reads freed memory (KASAN).
. /tests/functions.sh
load_mod klpsv_detector_bug bug=uaf
