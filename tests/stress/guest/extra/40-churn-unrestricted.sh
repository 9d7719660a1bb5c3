# SPDX-License-Identifier: GPL-2.0
# Transition stress with unrestricted churn (opt-in: run.sh --extra): as
# 32-churn.sh, but during breaking transitions any code creates data for
# objects that have none, so new code creates objects that old code then
# uses.  klpsv documents that as unsupported (Documentation/design.rst,
# Limits: old code's klpsv_get_or_alloc() makes a second, independent
# instance, and one of the two is dropped when the transition completes
# or is reverted): this test shows what that costs, and passes once klpsv
# supports it.

start_test "stress with unrestricted churn: shadow data freed and created again during every transition"
churn_to_s2

hold $S3 200 3000 2
disable_lp $S3
[ "$(live)" = $S2 ] || die "$S2 is no longer the live patch"
release

unload_mod $S3
checkpoint "s3 reverted with churn"

hold $S3 300 4000 3
release
complete $S3

unload_mod $S2
ctl close 0
sleep 1

finish stress-churn-unrestricted " retired=$(stat_of retired)"
