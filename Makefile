# SPDX-License-Identifier: GPL-2.0
#
# klpsv developer entry points.  `make help` lists them.

CACHE ?= /var/cache/klpsv
-include $(CACHE)/kernels.mk

# The default kernel is Debian 12's 6.1, never the kernel the host runs.
KVER ?= $(KVER_61)
ALL_KVERS := $(KVER_61) $(KVER_612) $(KVER_612RT) $(KVER_DEBUG)
# Debian kernels build against their headers; the debug kernel, which
# setup builds, against its tree (KDIR_<kver> in kernels.mk).
KDIR = $(or $(KDIR_$(KVER)),/lib/modules/$(KVER)/build)
BUILD = build/$(KVER)

# Sources copied into build/<kver>/ so kernels never share object files.
KSRC := Kbuild klpsv.kbuild klpsv.c $(wildcard include/*.h lib/*.[ch]) \
	$(wildcard samples/*/*.[ch] tests/modules/*.[ch]) \
	$(wildcard tests/stress/*.[ch] tests/stress/Kbuild.inc) \
	$(wildcard tests/bench/*.[ch] tests/bench/Kbuild.inc) \
	tests/format1/Kbuild

# The last klpsv whose shared format is 1 (lib/format.h: KLPSV_FORMAT 1),
# when instances were klp_shadow variables.  Pinned: tests/format1/ builds
# the chain sample's patches from it, lib, include and sample sources alike,
# so that a format-2 patch is tested taking over from a real format-1 one
# (guest test 05-format1.sh), whatever lib/ and include/ become.  Vendored
# as tests/format1/klpsv-efa3031.tar.gz (git archive of KLPSV_F1_PATHS, so
# that a build needs no git history), extracted into
# build/<kver>/tests/format1/klpsv/; where the clone holds the commit,
# tests/format1/check.sh also checks the archive against it.  The full id:
# a short one may grow ambiguous as history grows.
KLPSV_F1_COMMIT := efa303167c991e18d0389fdf7512a1cd111a0790
KLPSV_F1_PATHS := lib include klpsv.kbuild samples/chain
KLPSV_F1_TAR := tests/format1/klpsv-efa3031.tar.gz
F1_DIR = $(BUILD)/tests/format1/klpsv

KCFLAGS_EXTRA := $(if $(filter 1,$(WERROR)),-Werror)
JOBS ?= $(shell nproc)

.PHONY: all modules all-kernels setup check unit vmtest vmtest-all \
	vmtest-selftest demo demo-test coccicheck cocci-test sparse kernel-doc stress \
	stress-all stress-unsync bench bench-unit fuzz tsan clean help need-kernels \
	vendor kbuild-test

all: modules

help:
	@echo "make setup           install packages and kernels (Debian 12, root)"
	@echo "make check           every test: unit, builds, VM tests on all kernels"
	@echo "make [KVER=<ver>]    build the modules for one kernel (default 6.1)"
	@echo "make all-kernels     build for $(ALL_KVERS)"
	@echo "make unit            userspace unit tests (sanitizers)"
	@echo "make vmtest [KVER=]  boot a kernel in qemu and run the guest tests"
	@echo "make vmtest-all      the same on every kernel"
	@echo "make vmtest-selftest show the VM harness fails when it should"
	@echo "make compat-test [KVER=] scripts/klpsv-compat agrees with the kernel (VM's verdicts)"
	@echo "make demo [KVER=]    boot a VM and tell the chain sample's story, step by step"
	@echo "make demo-test [KVER=] the same, quiet, failing when a step's output differs"
	@echo "make coccicheck [M=<dir>] [MODE=patch]  review checks (Coccinelle)"
	@echo "make cocci-test      the review checks against their fixtures"
	@echo "make sparse          build everything under sparse, on every kernel"
	@echo "make kernel-doc      every public symbol documented, kernel-doc clean"
	@echo "make stress [KVER=]  transitions under load in a VM; stress-all: every kernel"
	@echo "make stress-unsync   the stress test fails without klpsv_put()'s generation advance"
	@echo "make bench [KVER=]   klpsv against raw klp_shadow in a VM (BENCH=--short)"
	@echo "make bench-unit      the same in userspace, instruction counts (callgrind; BENCH=--short)"
	@echo "make fuzz            fuzz the library against a reference model (FUZZ_SECONDS)"
	@echo "make tsan [T=...]    threaded model check and fuzz corpus under ThreadSanitizer"
	@echo "make vendor DEST=<dir> copy what a livepatch module vendors of klpsv into <dir>"
	@echo "make kbuild-test     a vendored copy builds, follows its sources, is cleaned (6.1)"

setup:
	@bash scripts/setup.sh

need-kernels:
	@test -n "$(KVER_61)" || { echo "no kernels chosen yet: run 'make setup' first" >&2; exit 1; }
	@test -d $(KDIR) || { echo "no headers for kernel '$(KVER)' in $(KDIR): run 'make setup'" >&2; exit 1; }

modules: need-kernels
	@mkdir -p $(BUILD)
	@cd $(BUILD) && find . \( -path ./klpsv-objs -o -path ./tests/format1/klpsv \
		-o -path ./tests/format1/klpsv-objs -o -path ./tests/format1/origin \) -prune -o \
		\( -name '*.[ch]' -o -name Kbuild -o -name '*.kbuild' -o -name '*.inc' \) \
		! -name '*.mod.c' -printf '%P\n' | while read f; do \
		[ -e $(CURDIR)/$$f ] || rm -f $$f; done
	@for f in $(KSRC); do \
		mkdir -p $(BUILD)/$$(dirname $$f); \
		cmp -s $$f $(BUILD)/$$f || cp $$f $(BUILD)/$$f; \
	done
	@c=$(KLPSV_F1_COMMIT); \
	[ "$$(cat $(F1_DIR)/.commit 2>/dev/null)" = "$$c" ] || { \
		rm -rf $(F1_DIR) && mkdir -p $(F1_DIR) && \
		tar -xzf $(KLPSV_F1_TAR) -C $(F1_DIR) && \
		grep -Eq '^#define KLPSV_FORMAT[[:space:]]+1([[:space:]]|$$)' $(F1_DIR)/lib/format.h || { \
			echo "commit $(KLPSV_F1_COMMIT) is not klpsv format 1 (lib/format.h)" >&2; exit 1; } && \
		echo "$$c" >$(F1_DIR)/.commit; }
	$(MAKE) -j$(JOBS) -C $(KDIR) M=$(CURDIR)/$(BUILD) W=1 \
		KCFLAGS="$(KCFLAGS_EXTRA)" $(if $(SPARSE),C=2 CF=-Wsparse-error) modules
	@tests/format1/check.sh $(CURDIR) $(CURDIR)/$(BUILD) \
		$(KLPSV_F1_COMMIT) $(KLPSV_F1_TAR) $(KLPSV_F1_PATHS)

all-kernels: need-kernels
	@set -e; for k in $(ALL_KVERS); do $(MAKE) --no-print-directory modules KVER=$$k; done

unit:
	$(MAKE) --no-print-directory -C tests/unit check
	$(MAKE) --no-print-directory -C tests/unit check-format1

vmtest: modules
	tests/vm/run.sh $(KVER) $(CURDIR)/$(BUILD)

vmtest-all: need-kernels
	@set -e; for k in $(ALL_KVERS); do $(MAKE) --no-print-directory vmtest KVER=$$k; done

# The demo's own must-fail case runs where make check runs the demo.
vmtest-selftest: modules
	$(if $(filter $(KVER_61),$(KVER)),SELFTEST_DEMO=1) \
		tests/vm/selftest.sh $(KVER) $(CURDIR)/$(BUILD)

# scripts/klpsv-compat replays every load and refusal of the guest test
# 21-refusals.sh, from the last VM run (or a new one), and must give the
# kernel's verdict and line for each.
.PHONY: compat-test
compat-test: modules
	tests/compat/run.sh $(KVER) $(CURDIR)/$(BUILD)

demo: modules
	@tests/vm/run.sh --demo $(KVER) $(CURDIR)/$(BUILD)

demo-test: modules
	tests/vm/run.sh --demo-test $(KVER) $(CURDIR)/$(BUILD)

coccicheck:
	scripts/coccicheck $(if $(MODE),--mode $(MODE)) $(M)

cocci-test:
	tests/cocci/run.sh

sparse: need-kernels
	@set -e; for k in $(ALL_KVERS); do \
		$(MAKE) --no-print-directory modules KVER=$$k SPARSE=1 WERROR=1; done
	tests/sparse/run.sh $(KVER) $(CURDIR)/$(BUILD)

kernel-doc:
	scripts/check-kernel-doc

stress: modules
	tests/stress/run.sh $(KVER) $(CURDIR)/$(BUILD)

stress-unsync: need-kernels
	tests/stress/unsync.sh $(KVER)

stress-all: need-kernels
	@set -e; for k in $(ALL_KVERS); do $(MAKE) --no-print-directory stress KVER=$$k; done

bench: modules
	tests/bench/run.sh $(BENCH) $(KVER) $(CURDIR)/$(BUILD)

bench-unit:
	tests/bench/run-unit.sh $(BENCH)

FUZZ_SECONDS ?= 30
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

tsan:
	tests/unit/tsan.sh $(T)

vendor:
	@scripts/vendor.sh "$(DEST)"

kbuild-test: need-kernels
	tests/kbuild/run.sh $(KVER_61) $(or $(KDIR_$(KVER_61)),/lib/modules/$(KVER_61)/build)

check: need-kernels
	@test -n "$(KVER_DEBUG)" || { echo "no debug kernel in $(CACHE)/kernels.mk: run 'make setup'" >&2; exit 1; }
	$(MAKE) unit
	$(MAKE) cocci-test
	$(MAKE) coccicheck
	$(MAKE) kernel-doc
	$(MAKE) kbuild-test
	$(MAKE) all-kernels WERROR=1
	$(MAKE) sparse
	$(MAKE) fuzz
	$(MAKE) tsan
	tests/unit/tsan.sh --weaken
	$(MAKE) vmtest-selftest WERROR=1
	$(MAKE) vmtest-selftest KVER=$(KVER_DEBUG) WERROR=1
	$(MAKE) vmtest-all WERROR=1
	$(MAKE) compat-test WERROR=1
	$(MAKE) demo-test WERROR=1
	$(MAKE) stress-all WERROR=1
	$(MAKE) stress-unsync
	$(MAKE) bench BENCH=--short
	$(MAKE) bench-unit BENCH=--short

clean:
	rm -rf build tests/bench/build tests/fuzz/build
	$(MAKE) -C tests/unit clean
