#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the guest dies of an "Oops: int3" every time.
. /tests/functions.sh
load_mod klpsv_int3_on_load
