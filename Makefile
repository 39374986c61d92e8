# SPDX-License-Identifier: GPL-2.0
# pinfork: `make` builds, `make check` tests the suite and runs it on this
# kernel, `make install INSTALL_PATH=DIR` lays it out as a kselftest collection.

CC       ?= gcc
BUILD    ?= build
CFLAGS   ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iharness -Ilib -Ilib/pin
override LDLIBS += -luring -lpthread
INSTALL_PATH ?= $(CURDIR)/install

# `make V=1` shows the commands
V ?= 0
ifeq ($(V),0)
msg  = @printf '  %-7s %s\n' $(1) $(2);
endif

HELPER_SO := $(BUILD)/lib/libpinfork_helper.so
LIB_SRCS  := $(filter-out harness/restore_main.c harness/report.c,$(wildcard harness/*.c) $(wildcard lib/*.c) $(wildcard lib/pin/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/*.c)
TESTS     := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
# fork_fault_shim.c is an LD_PRELOAD library, not a program
CHECK_SRCS := $(filter-out check/fork_fault_shim.c,$(wildcard check/*.c))
CHECKS    := $(CHECK_SRCS:check/%.c=$(BUILD)/check/%)

.PHONY: all check install clean tests
.SECONDARY:

all: $(TESTS) $(CHECKS) $(BUILD)/pinfork-restore $(BUILD)/pinfork-report \
	$(BUILD)/check/fork_fault_shim.so

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

$(BUILD)/libpinfork.a: $(LIB_OBJS)
	$(call msg,AR,$@)$(AR) rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libpinfork.a $(HELPER_SO)
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/check/%: $(BUILD)/check/%.o $(BUILD)/libpinfork.a $(HELPER_SO)
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Every program links libpinfork_helper.so, a small library that forks
# inside (the hidden forks of lib/event_fork.c), found through $ORIGIN:
# build/lib from build/tests and build/check, next to the program once
# installed (harness/install.sh copies build/lib/*.so there).
$(BUILD)/tests/% $(BUILD)/check/%: override LDLIBS += -Wl,-rpath,'$$ORIGIN/../lib:$$ORIGIN'
# RDMA programs alone link libibverbs.
$(BUILD)/tests/rdma_%: override LDLIBS += -libverbs
$(BUILD)/check/selftest_rdma: override LDLIBS += -libverbs
$(BUILD)/check/selftest_rdma_%: override LDLIBS += -libverbs
# So do the programs of the pin table (lib/pin/pin_rdma*.c).
$(BUILD)/tests/pin_fork $(BUILD)/check/selftest_pins: override LDLIBS += -libverbs
# pin_invariants alone links libnuma (move_pages, mbind).
$(BUILD)/tests/pin_invariants: override LDLIBS += -lnuma
# Held I/O (lib/held_*.c): the FUSE backend's server is libfuse3.
FUSE3_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null || echo -I/usr/include/fuse3)
$(BUILD)/lib/held_fuse.o: override CFLAGS += $(FUSE3_CFLAGS)
$(BUILD)/tests/odirect_held $(BUILD)/check/selftest_held $(BUILD)/check/selftest_held_%: override LDLIBS += -lfuse3

$(HELPER_SO): lib/helper/pinfork_helper.c lib/helper/pinfork_helper.h
	@mkdir -p $(dir $@)
	$(call msg,LD,$@)$(CC) $(CFLAGS) -fPIC -shared -Wl,-soname,libpinfork_helper.so -o $@ $<

# make check's fork fault injector (LD_PRELOAD): see check/sections/25-events.sh
$(BUILD)/check/fork_fault_shim.so: check/fork_fault_shim.c
	@mkdir -p $(dir $@)
	$(call msg,LD,$@)$(CC) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

$(BUILD)/pinfork-restore: $(BUILD)/harness/restore_main.o $(BUILD)/libpinfork.a
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Results writer for run.sh: no test library needed.
$(BUILD)/pinfork-report: $(BUILD)/harness/report.o
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^

# Test programs, for run.sh and install.
tests: $(TESTS)
	@printf '%s\n' $(TESTS)

check: all
	./check/run-checks.sh

install: all
	./harness/install.sh "$(INSTALL_PATH)" "$(BUILD)"

clean:
	rm -rf build build-* install
