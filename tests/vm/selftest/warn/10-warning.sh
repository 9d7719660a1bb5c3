#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: passes, but the kernel log shows a WARNING.
. /tests/functions.sh
load_mod klpsv_warn_on_load
