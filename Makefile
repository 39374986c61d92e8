# SPDX-License-Identifier: GPL-2.0
# pinfork: `make` builds, `make check` tests the suite and runs it on this
# kernel, `make install INSTALL_PATH=DIR` lays it out as a kselftest collection.

CC       ?= gcc
BUILD    ?= build
CFLAGS   ?= -O2 -g
# lib/ is a folder per part of the model (backing, pin, event, oracle,
# kernel, scenario); headers are included by bare name from any of them.
LIB_DIRS := $(sort $(dir $(wildcard lib/*/*.c lib/*/*.h)))
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iharness \
	$(patsubst %/,-I%,$(LIB_DIRS))
override LDLIBS += -luring -lpthread
INSTALL_PATH ?= $(CURDIR)/install

# Optional libraries, probed as kselftest's check_config.sh does: a tiny
# program must compile against the header and link with the library.
# Without one, what needs it still builds and its cases SKIP with the
# reason; `make HAVE_IBVERBS=0 HAVE_NUMA=0` builds as if both were missing.
hash := \#
probe = $(shell printf '$(hash)include <%s>\nint main(void) { return !%s; }\n' '$(1)' '$(2)' | \
	$(CC) -x c -o /dev/null - $(3) >/dev/null 2>&1 && echo 1 || echo 0)
ifndef HAVE_IBVERBS
HAVE_IBVERBS := $(call probe,infiniband/verbs.h,ibv_get_device_list,-libverbs)
endif
ifndef HAVE_NUMA
HAVE_NUMA := $(call probe,numa.h,numa_available,-lnuma)
endif
override CFLAGS += -DHAVE_IBVERBS=$(HAVE_IBVERBS) -DHAVE_NUMA=$(HAVE_NUMA)

# `make V=1` shows the commands
V ?= 0
ifeq ($(V),0)
msg  = @printf '  %-7s %s\n' $(1) $(2);
endif

HELPER_SO := $(BUILD)/lib/libpinfork_helper.so
# pinfork-report (harness/report*.c) and its kernel matrix (--matrix,
# harness/matrix*.c): not in the library
REPORT_SRCS := $(wildcard harness/report*.c harness/matrix*.c)
LIB_SRCS  := $(filter-out harness/restore_main.c $(REPORT_SRCS),$(wildcard harness/*.c) $(filter-out lib/helper/%,$(wildcard lib/*/*.c)))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/*.c)
TESTS     := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
# fork_fault_shim.c is an LD_PRELOAD library, not a program
CHECK_SRCS := $(filter-out check/fork_fault_shim.c,$(wildcard check/*.c))
CHECKS    := $(CHECK_SRCS:check/%.c=$(BUILD)/check/%)

.PHONY: all check install clean tests kselftest-tar
.SECONDARY:

all: $(TESTS) $(CHECKS) $(BUILD)/pinfork-restore $(BUILD)/pinfork-report \
	$(BUILD)/check/fork_fault_shim.so

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Made afresh: a member of a source since moved or removed must not linger.
$(BUILD)/libpinfork.a: $(LIB_OBJS)
	$(call msg,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libpinfork.a $(HELPER_SO)
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/check/%: $(BUILD)/check/%.o $(BUILD)/libpinfork.a $(HELPER_SO)
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Every program links libpinfork_helper.so, a small library that forks
# inside (the hidden forks of lib/event/event_fork.c), found through $ORIGIN:
# build/lib from build/tests and build/check, next to the program once
# installed (harness/install.sh copies build/lib/*.so there).
$(BUILD)/tests/% $(BUILD)/check/%: override LDLIBS += -Wl,-rpath,'$$ORIGIN/../lib:$$ORIGIN'
# Every program links libibverbs when it is there: the pin table (lib/model
# hands it to every program) has RDMA rows (lib/pin/pin_rdma*.c).
ifeq ($(HAVE_IBVERBS),1)
$(BUILD)/tests/% $(BUILD)/check/%: override LDLIBS += -libverbs
endif
# pin_invariants alone links libnuma (the NUMA nodes of lib/kernel/numa_nodes.c).
ifeq ($(HAVE_NUMA),1)
$(BUILD)/tests/pin_invariants: override LDLIBS += -lnuma
endif
# Held I/O (lib/pin/held_*.c): the FUSE backend's server is libfuse3. Every
# program links it: the pin table's PF_PIN_HOLDS rows hold reads with it.
FUSE3_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null || echo -I/usr/include/fuse3)
$(BUILD)/lib/pin/held_fuse.o: override CFLAGS += $(FUSE3_CFLAGS)
$(BUILD)/tests/% $(BUILD)/check/%: override LDLIBS += -lfuse3

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
$(BUILD)/pinfork-report: $(REPORT_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/harness/fixes.o
	$(call msg,LD,$@)$(CC) $(CFLAGS) -o $@ $^
# report.html's page, embedded by .incbin
$(BUILD)/harness/matrix_html.o: harness/matrix_page.html

# Test programs, for run.sh and install.
tests: $(TESTS)
	@printf '%s\n' $(TESTS)

check: all
	./check/run-checks.sh

install: all
	./harness/install.sh "$(INSTALL_PATH)" "$(BUILD)"

# A standalone kselftest tarball (LKFT's kselftest.sh, tuxrun, KernelCI):
# our run_kselftest.sh at its top, the collection as `make install` lays it
# out (kselftest/mktar.sh). PINFORK_PROFILE chooses the settings timeout.
# KSELFTEST_BUNDLE_LIBS=0 leaves liburing, libibverbs, libfuse3 and libnuma
# to the target's system (pinfork/requirements names them).
KSELFTEST_TAR := $(BUILD)/pinfork-kselftest.tar.gz
KSELFTEST_BUNDLE_LIBS ?= 1
kselftest-tar: $(TESTS) $(BUILD)/pinfork-restore $(HELPER_SO)
	$(call msg,TAR,$(KSELFTEST_TAR))KSELFTEST_BUNDLE_LIBS=$(KSELFTEST_BUNDLE_LIBS) \
		./kselftest/mktar.sh "$(BUILD)" "$(KSELFTEST_TAR)"

clean:
	rm -rf build build-* install
