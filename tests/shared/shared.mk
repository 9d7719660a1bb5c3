# SPDX-License-Identifier: GPL-2.0
#
# What the userspace builds of klpsv share, as tools/testing/shared/shared.mk
# does for the kernel's own userspace harnesses: every lib/*.c compiled
# against the kernel stand-ins of shim/ and linked with the livepatch core
# model (klp_model.c).  Included by tests/unit/Makefile (the unit tests
# and the ThreadSanitizer build), tests/fuzz/Makefile (the libFuzzer target
# and its corpus replay) and tests/bench/Makefile (the benchmark twin).
#
# The including Makefile sets, before including this file:
#
#	BUILD		the directory of the objects
#	VARIANT		asan (default): AddressSanitizer and UBSan;
#			valgrind, bench: no sanitizer;
#			tsan: ThreadSanitizer (clang, -DSHIM_TSAN, C11 RCU)
#
# and may set, before or after:
#
#	CC		the compiler (default gcc; clang, or $(CLANG), for tsan)
#	OPT		optimization (default -O1)
#	WARN_EXTRA	warnings on top of SHARED_WARN (its -Wno-* win)
#	LIB_CFLAGS	more flags for lib/*.c only (the fuzzer's coverage, the
#			TSan must-fail switch)
#	MODEL_CFLAGS	more flags for klp_model.c only
#	SHIM_RCU	the shim's RCU (shim/rt_rcu.c): urcu (liburcu, default),
#			single (one thread: callbacks run at grace periods the
#			thread asks for), c11 (grace periods on C11 atomics, which
#			ThreadSanitizer understands; the tsan default)
#
# It gives:
#
#	LIB_OBJS, SHIM_OBJS, MODEL_OBJ	the objects of lib/*.c, shim/*.c and
#					klp_model.c, with their rules
#	CFLAGS_BASE, KERNEL_CFLAGS	every object's flags; those of code
#					built as kernel code
#	SHIM_LDLIBS			what the shim links with
#	$(call shared_cc,FLAGS)		a recipe: the object $@ from $<
#	$(BUILD)/objs.list		a prerequisite of a link: changes when
#					the list of objects $(OBJS) does, so a
#					source that comes or goes relinks
#
# SHIM_KVER=6.12 makes the shim pretend to be that kernel version
# (LINUX_VERSION_CODE, 6.19's <linux/livepatch_external.h>, ...).
# V=1 shows the commands; EXTRA_CFLAGS is added to every object.

SHARED := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
SHARED_MK := $(SHARED)/shared.mk
TOP := $(abspath $(SHARED)/../..)

MAKEFLAGS += --no-print-directory
# The including Makefile's "all", not the first rule below.
.DEFAULT_GOAL := all

VARIANT ?= asan
SHIM_KVER ?= 6.1
SHIM_KVER_CODE := $(shell echo $(SHIM_KVER) | awk -F. \
	'{ printf "%d", $$1 * 65536 + $$2 * 256 + ($$3 > 255 ? 255 : $$3) }')

# ThreadSanitizer wants clang: gcc 12's ignores atomic_thread_fence().
CLANG ?= clang
ifeq ($(origin CC),default)
CC := $(if $(filter tsan,$(VARIANT)),$(CLANG),gcc)
endif
OPT ?= -O1

SAN_asan := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SAN_valgrind := -fno-omit-frame-pointer
SAN_bench := -fno-omit-frame-pointer
SAN_tsan := -fsanitize=thread -fno-omit-frame-pointer -DSHIM_TSAN
SAN := $(SAN_$(VARIANT))

SHIM_RCU ?= $(if $(filter tsan,$(VARIANT)),c11,urcu)

# -Wall minus what the kernel's W=1 build turns off again; clang knows a
# few more.
SHARED_WARN := -Wall -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wno-sign-compare -Wno-type-limits
ifneq ($(findstring clang,$(notdir $(CC))),)
SHARED_WARN += -Wno-gnu-variable-sized-type-not-at-end \
	-Wno-unknown-warning-option -Wno-unneeded-internal-declaration
endif

CFLAGS_BASE = -std=gnu11 -g $(OPT) $(WARN_EXTRA) $(SHARED_WARN) $(SAN) \
	-pthread -fmacro-prefix-map=$(TOP)/= -fno-strict-aliasing -MMD -MP \
	-DSHIM_LINUX_VERSION_CODE=$(SHIM_KVER_CODE) $(EXTRA_CFLAGS)
# Like kbuild: kconfig.h and compiler_types.h come first in every object.
KERNEL_CFLAGS = -I$(SHARED)/shim -I$(TOP)/include -I$(TOP)/lib -I$(SHARED) \
	-include linux/kconfig.h -include linux/compiler_types.h

ifeq ($(SHIM_RCU),urcu)
URCU_CFLAGS := $(shell pkg-config --cflags liburcu-memb 2>/dev/null)
SHIM_LDLIBS := $(shell pkg-config --libs liburcu-memb 2>/dev/null || \
	echo -lurcu-memb -lurcu-common) -pthread
else
SHIM_LDLIBS := -pthread
endif
RCU_CFLAGS := -DSHIM_RCU_$(shell echo $(SHIM_RCU) | tr a-z A-Z) $(URCU_CFLAGS)

LIB_SRCS := $(sort $(wildcard $(TOP)/lib/*.c))
SHIM_SRCS := $(sort $(wildcard $(SHARED)/shim/*.c))
LIB_OBJS := $(patsubst $(TOP)/lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRCS))
SHIM_OBJS := $(patsubst $(SHARED)/shim/%.c,$(BUILD)/shim/%.o,$(SHIM_SRCS))
MODEL_OBJ := $(BUILD)/shared/klp_model.o

ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-7s %s\n'
endif

# $(call shared_cc,FLAGS): compile $< into $@ with the build's flags.
define shared_cc
	@mkdir -p $(@D)
	$(say) CC $(<:$(TOP)/%=%)
	$(Q)$(CC) $(CFLAGS_BASE) $(1) -c -o $@ $<
endef

.PHONY: FORCE

# Relink when a source file comes or goes, not only when one changes.
$(BUILD)/objs.list: FORCE
	@mkdir -p $(@D)
	@echo '$(OBJS)' | cmp -s - $@ || echo '$(OBJS)' > $@

# The library as a livepatch module would build it.
$(BUILD)/lib/%.o: $(TOP)/lib/%.c
	$(call shared_cc,$(LIB_CFLAGS) $(KERNEL_CFLAGS) -DMODULE \
		-DKBUILD_MODNAME='"klpsv"')

# liburcu's struct rcu_head must not meet the shim's: no kernel headers.
$(BUILD)/shim/rt_rcu.o: $(SHARED)/shim/rt_rcu.c
	$(call shared_cc,$(RCU_CFLAGS))

$(BUILD)/shim/%.o: $(SHARED)/shim/%.c
	$(call shared_cc,$(KERNEL_CFLAGS) -DKBUILD_MODNAME='"shim"')

$(MODEL_OBJ): $(SHARED)/klp_model.c
	$(call shared_cc,$(MODEL_CFLAGS) $(KERNEL_CFLAGS) \
		-DKBUILD_MODNAME='"livepatch"')
