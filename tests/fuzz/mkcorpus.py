#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of fuzz_klpsv.c (tests/fuzz/corpus/) from
readable scenarios.  Each operation is three bytes: opcode, a, b (see
LLVMFuzzerTestOneInput() in fuzz_klpsv.c).

    tests/fuzz/mkcorpus.py            rewrite tests/fuzz/corpus/
    tests/fuzz/mkcorpus.py --print    show each seed's bytes
"""
import os
import sys

V = {"v1": 0, "v2": 1, "v2b": 2, "v3": 3, "v4": 4}


def new(o, d=1):
    return (0, o, d)


def old(o, d=1):
    return (1, o, d)


def new_get(o, d=1):
    return (2, o, d)


def old_get(o, d=1):
    return (3, o, d)


def new_free(o):
    return (4, o, 0)


def old_free(o):
    return (5, o, 0)


def new_big(o, low=7):
    return (6, o, low)


def old_read(o):
    return (7, o, 0)


def held(v):
    return (8, V[v], 0)


def enable(v):
    return (10, V[v], 0)


def finish():
    return (11, 0, 0)


def revert():
    return (12, 0, 0)


def force():
    return (13, 0, 0)


def disable():
    return (14, 0, 0)


def fail_alloc(n):
    return (15, 0, n - 1)


def fail_step(n):
    return (16, 0, n - 1)


def no_replace(v):
    return (17, V[v], 1)


def zombie(o):
    return (17, o, 0)


def fill(n=8, d=3):
    return [old(o, d) for o in range(n)]


SEEDS = {
    # v1 -> v2 (additive) -> v3 (breaking) -> v4 (additive), disable
    "chain": [enable("v1")] + fill() +
    [held("v2"), old(0), new(0), new(1), old(1), new(8 + 5), finish(),
     held("v3"), old(2), new(2), new(3, 2), old(3), new_big(4), old_read(4),
     new(4), finish(), enable("v4"), new(4), new(5), disable()],
    # breaking transition: objects created and freed on both sides
    "breaking_both_sides": [enable("v2")] + fill(5) +
    [held("v3"), new(6), new(6), old_get(6), old(7), new(7), old_free(0),
     new(0), old_get(0), new_free(1), old(1), new(1), old_read(2),
     new_big(3), old(3), new(3), finish(), new(7), disable()],
    # a reverted breaking transition, objects only new code had go back
    "breaking_revert": [enable("v2")] + fill(4) +
    [held("v3"), new(5), new(5), new_big(6), old(0), new(0), new(1),
     revert(), old(1), new(1), finish(), old(5), old(6), old(0), disable()],
    # reverted additive transition, a second attempt completes
    "additive_revert": [enable("v1")] + fill(4) +
    [held("v2"), new(6), old(6), new(0), revert(), old(0), finish(),
     old(6), held("v2"), new(6), finish(), new(6), disable()],
    # forced breaking transition: old code keeps running, then cut off
    "forced_breaking": [enable("v2")] + fill(6) +
    [held("v3"), new(0), old(1), new(7), force(), old(1), new(1), old(0),
     new(7), old_get(7), new_big(2), old_read(2), new(2), held("v3"),
     zombie(1), new(1), finish(), zombie(0), disable(), zombie(2)],
    # forced additive transition
    "forced_additive": [enable("v3")] + fill() +
    [held("v4"), old(0), new(0), force(), old(0), old(5), new(5),
     disable(), enable("v1"), old(1), disable()],
    # refusals: downgrade, other layout, no step, not replace, busy
    "refusals": [enable("v2")] + fill(3) +
    [enable("v1"), held("v2b"), enable("v4"), no_replace("v3"), held("v3"),
     enable("v4"), held("v2"), finish(), old(0), disable(), enable("v2b"),
     old(0), held("v3"), finish(), held("v2b"), enable("v3"), disable()],
    # all or nothing: failures injected into takeovers and accesses
    "failures": [enable("v1")] + fill() +
    [fail_step(3), held("v3"), fail_alloc(2), held("v3"), fail_alloc(1),
     held("v2"), held("v2b"), fail_alloc(1), new(0), fail_alloc(1),
     new(7), old(7), finish(), fail_step(1), enable("v3"), disable()],
    # a breaking transition with lazy twins failing to allocate
    "lazy_twin_failure": [enable("v2")] + fill(4) +
    [held("v3"), old(5), old(6), fail_alloc(1), new(5), new(5), old(5),
     fail_alloc(1), new_get(6), new(6), fail_alloc(1), new(2), new(2),
     old(2), new(2), finish(), disable()],
    # same version again, then a new family after a disable
    "same_and_new": [enable("v2"), new(0), new(1), held("v2"), old(0),
                     new(0), revert(), finish(), enable("v2"), new(1),
                     disable(), held("v3"), new(2), finish(), disable()],
    # a takeover after a force: what old code wrote since must stay
    "forced_takeover": [enable("v2")] + fill(4) +
    [held("v3"), new(0), new(1), force(), old(0), old(1, 2), old(6),
     held("v4"), new(0), new(1), new(6), finish(), new(0), new(6),
     disable()],
    # after a force, sixteen epochs later the cut-off code's epoch is live
    "epoch_wrap": [enable("v2")] + fill(2) +
    [held("v3"), new(0), force(), disable()] +
    [enable("v3"), disable()] * 15 +
    [enable("v3"), new(0), new(1), zombie(0), zombie(1), disable()],
    # the same, the family revived at the cut-off code's version number in
    # another epoch: the zombie's inlined lookup must not take its data
    "zombie_same_version": [enable("v2")] + fill(2) +
    [held("v3"), new(0), force(), disable()] +
    [enable("v3"), disable()] * 14 +
    [enable("v2"), new(0), new(1), zombie(0), zombie(1), disable()],
    # an allocation failure at the end of a breaking transition: the
    # instance old code made and new code never saw cannot be migrated; it
    # is freed and counted as lost (the model had no such case)
    "breaking_finish_lost": [enable("v1"), held("v3"), old(0),
                             fail_alloc(1), finish(), new(0), new(5),
                             disable()],
    # The raw era (no klpsv patch installed: old and new code are a
    # hand-written patch with a raw klp_shadow variable), then the first
    # klpsv patch adopts it: both sides see each other's writes, new code
    # creates an object (it gets a raw variable), frees one, old code frees
    # one; the import keeps every counter; a later patch ignores KLPSV_RAW
    "adopt_finish": fill(6) + [new(6, 2), new_free(5)] +
    [held("v3"), old(0), new(0), new(1, 2), old(1), new_big(2), old(2),
     new(2), new(7), old(7), old_get(7), new_free(3), old_free(4),
     new_get(4), old(1), finish(), new(0), new(1), new(2), new(7),
     old_get(0), held("v4"), new(0), new(6), finish(), disable()],
    # a reverted adoption: the raw variables stay as the model says (new
    # code's writes through down, an object it created), a second attempt
    # completes at once
    "adopt_revert": fill(5) +
    [held("v2"), new(0), old(0), new(5), old(5), new(1, 3), new_free(2),
     revert(), old(0), new(3), old(3), finish(), old(0), old(5), old(1),
     old_get(2), held("v2b"), new(4), revert(), revert(), old(4),
     finish(), new(4), new(5), disable(), old(0), new(1), enable("v1"),
     new(0), new(1), disable()],
    # adoption with objects new code creates: raw variables old code uses,
    # frees, and new code creates again; values beyond 32 bits saturate
    "adopt_new_objects": fill(2) +
    [held("v3"), new(3), new(4), old(3), new_get(4), old_free(3), new(3),
     new_big(5), old_read(5), old(5), new(5), new_free(4), old(4),
     new(4), finish(), new(3), new(4), new(5), old_get(3), disable()],
    # adoption with injected failures: an up step that fails (NULL), a
    # down that fails at a put (the write is lost), a down that fails for
    # a new object (new code's alone; old code finds nothing), a raw
    # variable that cannot be allocated, an import that fails (one object
    # lost, counted)
    "adopt_step_failure": fill(6) +
    [held("v4"), fail_step(1), new(0), fail_step(2), new(1), old(1),
     fail_step(1), new(7), old_get(7), old(7), new(7), fail_alloc(2),
     new(6), old_get(6), fail_alloc(1), new(2), fail_step(2), finish(),
     new(0), new(1), new(2), new(7), new(6), disable()] + fill(3) +
    [held("v1"), new(0), fail_alloc(1), finish(), new(1), disable()],
}


def encode(ops):
    return bytes(b for op in ops for b in op)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "corpus")
    os.makedirs(out, exist_ok=True)
    for name, ops in SEEDS.items():
        data = encode(ops)
        if "--print" in sys.argv:
            print(name, data.hex())
            continue
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
