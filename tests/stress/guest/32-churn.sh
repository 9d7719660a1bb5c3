# SPDX-License-Identifier: GPL-2.0
# Transition stress with churn: 1 call in 200 frees the object's shadow
# data (stress_close()) instead of counting, and a later call creates it
# again, while every transition runs, reverted or not.  During breaking
# transitions only old code creates data for objects that have none (the
# documented limit, Documentation/design.rst); old and new code both free.
# What freed instances counted is retired into the victim's tally: the
# shadow counters plus what was retired must still add up to it.

start_test "stress with churn: shadow data freed and created again during every transition"
churn_to_s2

ctl old_creates 1
hold $S3 200 3000 2
disable_lp $S3
[ "$(live)" = $S2 ] || die "$S2 is no longer the live patch"
release
ctl old_creates 0
unload_mod $S3
checkpoint "s3 reverted with churn"

ctl old_creates 1
hold $S3 300 4000 3
release
complete $S3
ctl old_creates 0
unload_mod $S2
ctl close 0
sleep 1

finish stress-churn " retired=$(stat_of retired)"
