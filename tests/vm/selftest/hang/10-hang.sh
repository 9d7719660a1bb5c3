#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: never finishes, so the guest times out.
while :; do sleep 1; done
