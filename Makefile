# pram — persistent RAM containers.  `make demo`, `make test`; see README.md.
.DEFAULT_GOAL := all

# ---------------------------------------------------------------------------
# Debian packages this project needs.  Missing ones are installed (announced)
# with apt-get, as root or through sudo, so the README commands work on a fresh
# machine.  Set PRAM_NO_APT=1 to forbid it.
# ---------------------------------------------------------------------------
DEB_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi libcmocka-dev zlib1g-dev qemu-system-arm \
                clang libclang-rt-dev cmake pkg-config g++ libstdc++-arm-none-eabi-newlib \
                gdb-multiarch python3

.PHONY: deps
deps:
	@missing=""; \
	if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "pram: not a Debian system; assuming $(DEB_PACKAGES) are provided"; exit 0; fi; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ -n "$(PRAM_NO_APT)" ]; then echo "pram: missing Debian packages:$$missing (PRAM_NO_APT set)"; exit 1; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "pram: missing Debian packages:$$missing — run as root or install sudo"; exit 1; fi; \
	echo "pram: installing missing Debian packages:$$missing (apt-get, --no-install-recommends)"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null && \
	echo "pram: installed:$$missing"

# ---------------------------------------------------------------------------
# Toolchains and flags
# ---------------------------------------------------------------------------
CC       ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
CLANG    ?= clang
ARM_CC   ?= arm-none-eabi-gcc
ARM_AR   ?= arm-none-eabi-ar
ARM_NM   ?= arm-none-eabi-nm
BUILD    ?= build

# Quiet by default; V=1 shows every command.
V ?= 0
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

CSTD     := -std=c99
# The library: everything we can turn on, all as errors.
LIB_WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef -Wcast-qual \
            -Wstrict-prototypes -Wmissing-prototypes -Wconversion -Wsign-conversion \
            -Wformat=2 -Wvla -Wdouble-promotion -Wredundant-decls
# Tests and examples: the same minus conversion noise from cmocka's macros.
TEST_WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef -Wstrict-prototypes -Wvla
INC      := -Iinclude

LIB_SRCS     := $(wildcard src/*.c)
HOST_SRCS    := $(wildcard src/host/*.c)
TEST_SRCS    := $(sort $(wildcard tests/test_*.c))
SUPPORT_SRCS := $(wildcard tests/support/*.c)
TEST_NAMES   := $(patsubst tests/%.c,%,$(TEST_SRCS))

# Test builds compile every CRC variant and the test hooks into the library.
TEST_DEFS := -DPRAM_USER_CONFIG='"pram_test_config.h"' -Itests/support -DPRAM_CRC_ALL_VARIANTS=1 \
             -D_DEFAULT_SOURCE
TEST_LIBS := -lcmocka -lz

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# ---------------------------------------------------------------------------
# Host library (make all)
# ---------------------------------------------------------------------------
.PHONY: all
all: $(BUILD)/host/libpram.a $(BUILD)/host/libpram_sim.a

$(BUILD)/host/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CSTD) $(LIB_WARN) -O2 -g -D_DEFAULT_SOURCE -MMD -MP $(INC) -c $< -o $@

$(BUILD)/host/libpram.a: $(patsubst src/%.c,$(BUILD)/host/obj/%.o,$(LIB_SRCS) $(HOST_SRCS))
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

# The power-cut test kit (pram_sim.h): core + host backend + src/host/sim/,
# all with the store hook on (pram_sim_config.h).  Host only; a user's test
# links it instead of libpram.a and compiles with the same SIM_DEFS.
SIM_SRCS := $(wildcard src/host/sim/*.c)
SIM_DEFS := -DPRAM_USER_CONFIG='"pram/pram_sim_config.h"'

$(BUILD)/host/sim/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CSTD) $(LIB_WARN) -O2 -g -D_DEFAULT_SOURCE $(SIM_DEFS) -MMD -MP $(INC) -c $< -o $@

$(BUILD)/host/libpram_sim.a: $(patsubst src/%.c,$(BUILD)/host/sim/obj/%.o,$(LIB_SRCS) $(HOST_SRCS) $(SIM_SRCS))
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

# ---------------------------------------------------------------------------
# Test variants: $(1) name, $(2) compiler, $(3) extra flags, $(4) the test
# programs make test-$(1) runs
# ---------------------------------------------------------------------------
define TEST_VARIANT
$(BUILD)/$(1)/obj/%.o: src/%.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(2) $(CSTD) $(LIB_WARN) $(3) $(TEST_DEFS) -MMD -MP $(INC) -c $$< -o $$@

$(BUILD)/$(1)/obj/tests/%.o: tests/%.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(2) $(CSTD) $(TEST_WARN) $(3) $(TEST_DEFS) -MMD -MP $(INC) -Isrc -c $$< -o $$@

$(BUILD)/$(1)/libpram_test.a: $(patsubst src/%.c,$(BUILD)/$(1)/obj/%.o,$(LIB_SRCS) $(HOST_SRCS))
	@rm -f $$@
	$$(call say,AR,$$@)
	$(Q)ar rcs $$@ $$^

$(BUILD)/$(1)/tests/%: $(BUILD)/$(1)/obj/tests/%.o $(patsubst tests/%.c,$(BUILD)/$(1)/obj/tests/%.o,$(SUPPORT_SRCS)) $(BUILD)/$(1)/libpram_test.a
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(2) $(3) $$^ $(TEST_LIBS) -o $$@

.PHONY: test-$(1)
test-$(1): deps $(addprefix $(BUILD)/$(1)/tests/,$(4))
	@echo "== $(1): $(words $(4)) test programs"
	@set -e; for t in $(4); do \
	  echo "-- $(1)/$$$$t"; \
	  PRAM_TEST_VARIANT=$(1) $(BUILD)/$(1)/tests/$$$$t; \
	done
endef

$(eval $(call TEST_VARIANT,gcc,$(CC),-O2 -g,$(TEST_NAMES)))
# clang's UBSan catches what gcc folds away (e.g. negating INT_MIN).
$(eval $(call TEST_VARIANT,clang,$(CLANG),-O2 -g -fsanitize=undefined -fno-sanitize-recover=all,$(TEST_NAMES)))
$(eval $(call TEST_VARIANT,asan,$(CC),-O1 -g $(SAN_FLAGS),$(TEST_NAMES)))
# The configuration make size measures (A/B and regions compiled out): only
# tests/test_lean.c is written for it; under ASan+UBSan.
LEAN_DEFS := -DPRAM_ENABLE_AB=0 -DPRAM_ENABLE_REGIONS=0
$(eval $(call TEST_VARIANT,lean,$(CC),-O1 -g $(SAN_FLAGS) $(LEAN_DEFS),test_lean))
.PHONY: test-lean-config
test-lean-config: test-lean

# Keep test objects: make would otherwise delete them as intermediates.
.SECONDARY:

# ---------------------------------------------------------------------------
# Cortex-M builds: the core, cross-compiled freestanding, warnings as errors
# ---------------------------------------------------------------------------
ARM_CPUS := cortex-m0plus cortex-m3 cortex-m4 cortex-m33
ARM_FLAGS_cortex-m0plus := -mcpu=cortex-m0plus -mfloat-abi=soft
ARM_FLAGS_cortex-m3     := -mcpu=cortex-m3 -mfloat-abi=soft
ARM_FLAGS_cortex-m4     := -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
ARM_FLAGS_cortex-m33    := -mcpu=cortex-m33 -mfloat-abi=soft
ARM_COMMON := -mthumb -Os -ffreestanding -ffunction-sections -fdata-sections

define ARM_VARIANT
$(BUILD)/arm/$(1)/obj/%.o: src/%.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(CSTD) $(LIB_WARN) $(ARM_COMMON) $(ARM_FLAGS_$(1)) -MMD -MP $(INC) -c $$< -o $$@

$(BUILD)/arm/$(1)/libpram.a: $(patsubst src/%.c,$(BUILD)/arm/$(1)/obj/%.o,$(LIB_SRCS))
	@rm -f $$@
	$$(call say,AR,$$@)
	$(Q)$(ARM_AR) rcs $$@ $$^
endef
$(foreach cpu,$(ARM_CPUS),$(eval $(call ARM_VARIANT,$(cpu))))

# Clang for Cortex-M too: its warnings differ, and it emits .noinit as
# PROGBITS (which the (NOLOAD) output section in ld/ is there for).
ARM_CLANG_FLAGS := --target=thumbv7em-none-eabi -mcpu=cortex-m4 -mfloat-abi=soft -Os -ffreestanding
$(BUILD)/arm/clang-m4/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CLANG) $(CSTD) $(LIB_WARN) $(ARM_CLANG_FLAGS) -MMD -MP $(INC) -c $< -o $@

# The core must need nothing from libc: the only undefined symbols allowed in
# the cross-built library are its own (and weak references to what the
# linker defines: __pram_noinit_end, __start/__stop_pram_containers).
.PHONY: arm
arm: deps $(foreach cpu,$(ARM_CPUS),$(BUILD)/arm/$(cpu)/libpram.a) \
     $(patsubst src/%.c,$(BUILD)/arm/clang-m4/obj/%.o,$(LIB_SRCS))
	@for cpu in $(ARM_CPUS); do \
	  ext=$$($(ARM_NM) -u $(BUILD)/arm/$$cpu/libpram.a | awk 'NF==2 && $$1 != "w" && $$2 !~ /^pram_/ {print $$2}' | sort -u); \
	  if [ -n "$$ext" ]; then echo "arm: $$cpu core needs symbols from outside: $$ext"; exit 1; fi; \
	  echo "arm: $$cpu ok ($$($(ARM_NM) --defined-only $(BUILD)/arm/$$cpu/libpram.a | grep -c ' T pram_') functions, no libc)"; \
	done
	@echo "arm: clang --target=thumbv7em (Cortex-M4) ok, warning-free"

# The library on the host at every -O level a user may pick, with gcc and
# clang, default and lean configurations: warnings are errors everywhere
# (make check-nostdlib does the same for Cortex-M0+ and M4F).
OPT_LEVELS := -O0 -Og -O1 -O2 -O3 -Os
.PHONY: check-opt-levels
check-opt-levels: deps
	@mkdir -p $(BUILD)/opt
	@set -e; for cc in $(CC) $(CLANG); do for o in $(OPT_LEVELS); do \
	  for cfg in "" "$(LEAN_DEFS)"; do \
	    for f in $(LIB_SRCS) $(HOST_SRCS); do \
	      $$cc $(CSTD) $(LIB_WARN) $$o $$cfg -D_DEFAULT_SOURCE $(INC) -c $$f -o $(BUILD)/opt/x.o; \
	    done; \
	  done; \
	  for f in $(SIM_SRCS); do \
	    $$cc $(CSTD) $(LIB_WARN) $$o $(SIM_DEFS) $(INC) -c $$f -o $(BUILD)/opt/x.o; \
	  done; done; echo "check-opt-levels: $$cc ok at $(OPT_LEVELS), default and lean (and the test kit), warning-free"; done

# ---------------------------------------------------------------------------
# The README commands
# ---------------------------------------------------------------------------
.PHONY: test
test: deps arm check-nostdlib check-opt-levels test-gcc test-clang test-asan test-lean-config check-elf qemu-test qemu-torn-sweep size test-ld test-integration test-cpp test-placement qemu-update test-sim test-pramdump qemu-compact check-compact-nostdlib test-fuzz fuzz-repro
	@echo "make test: all suites passed (gcc, clang+UBSan, gcc ASan+UBSan, lean configuration, Cortex-M builds with no libc and host builds warning-free at every -O level, ELF gate, QEMU examples and torn-write sweep, size budgets, linker skeleton, CMake/pkg-config/Makefile consumers, C++ API, container placement, firmware updates on QEMU, the power-cut test kit, pramdump, compact cells on QEMU and without libc, fuzz harnesses over their corpus and the fuzzer's reproducers)"

DEMO_DIR := $(BUILD)/demo
$(BUILD)/host/examples/%: examples/%.c $(BUILD)/host/libpram.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) -O2 -g -D_DEFAULT_SOURCE $(INC) $< $(BUILD)/host/libpram.a -o $@

.PHONY: demo
demo: deps $(BUILD)/host/examples/boot_count/boot_count_host
	@mkdir -p $(DEMO_DIR) && rm -f $(DEMO_DIR)/boot_count.ram
	@echo "== boot counter on the host: each run is a boot, RAM is $(DEMO_DIR)/boot_count.ram"
	@for i in 1 2 3 4; do $(BUILD)/host/examples/boot_count/boot_count_host $(DEMO_DIR)/boot_count.ram || exit 1; done
	@$(MAKE) --no-print-directory qemu-boot-count >$(DEMO_DIR)/qemu.out 2>&1 || { cat $(DEMO_DIR)/qemu.out; exit 1; }
	@echo "== boot counter on QEMU mps2-an385 (Cortex-M3): real guest resets (SYSRESETREQ and the watchdog), each boot's reason from pram_reboot"
	@sed 's/^/   /' $(BUILD)/fw/mps2-an385/boot_count.qemu.log
	@echo "== boot counter on QEMU mps2-an505 (Cortex-M33)"
	@sed 's/^/   /' $(BUILD)/fw/mps2-an505/boot_count.qemu.log
	@$(MAKE) --no-print-directory demo-crash-log
	@$(MAKE) --no-print-directory demo-sim

# Power-loss, kill and corruption campaigns with their figures (issue 3).
# make test runs the same programs at their default sizes; powerloss-long
# runs >= 10^8 garbage trials and the long sweep (minutes, not for CI).
POWERLOSS_TESTS := test_powerloss test_kill test_corrupt
.PHONY: powerloss powerloss-long
powerloss: deps $(addprefix $(BUILD)/gcc/tests/,$(POWERLOSS_TESTS))
	@set -e; for t in $(POWERLOSS_TESTS); do $(BUILD)/gcc/tests/$$t; done
powerloss-long: deps $(addprefix $(BUILD)/gcc/tests/,$(POWERLOSS_TESTS) test_compact)
	@set -e; export PRAM_POWERLOSS_LONG=1 PRAM_GARBAGE_TRIALS=34000000 PRAM_KILL_COUNT=10000; \
	for t in $(POWERLOSS_TESTS); do $(BUILD)/gcc/tests/$$t; done; \
	PRAM_COMPACT_TRIALS=100000000 $(BUILD)/gcc/tests/test_compact

# CRC throughput of every variant against bitwise and zlib, measured in the
# same run (figures, never a pass/fail on speed).
.PHONY: bench
bench: deps $(BUILD)/bench/bench_crc bench-cm
	@$(BUILD)/bench/bench_crc

$(BUILD)/bench/bench_crc: tests/bench_crc.c src/pram_crc16.c src/pram_crc32.c
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) -O2 -D_DEFAULT_SOURCE -DPRAM_CRC_ALL_VARIANTS=1 $(INC) $^ -lz -o $@

# ---------------------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=...]: the headers, the host library
# (core + host backend, as make all builds it) as $(PREFIX)/lib/libpram.a, the
# power-cut test kit as $(PREFIX)/lib/libpram_sim.a (pram_sim.h; compile your
# tests with -DPRAM_USER_CONFIG='"pram/pram_sim_config.h"', docs/testing.md), the
# core for each Cortex-M CPU as $(PREFIX)/lib/pram/arm/<cpu>/libpram.a (built
# with ARM_COMMON and ARM_FLAGS_<cpu>: link it with the same -mcpu and float
# ABI), the linker fragments in $(PREFIX)/share/pram/ld, and pram.pc:
#   pkg-config --cflags --libs pram                 host
#   pkg-config --variable=armlibdir pram            + /<cpu>, for -L
#   pkg-config --variable=ldscriptdir pram          for -L (INCLUDE pram_noinit.ld)
# INSTALL_ARM_CPUS= (empty) installs no Cortex-M libraries.  make uninstall
# removes what make install put there.
# ---------------------------------------------------------------------------
PREFIX           ?= /usr/local
DESTDIR          ?=
INSTALL_ARM_CPUS ?= $(ARM_CPUS)
PRAM_VERSION := $(shell sed -n 's/^\#define PRAM_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' \
                  include/pram/pram.h | paste -sd.)
INSTALL_HEADERS := $(notdir $(wildcard include/pram/*.h include/pram/*.hpp))
INSTALL_LD      := $(notdir $(wildcard ld/*.ld)) README.md
inst_root := $(DESTDIR)$(PREFIX)

.PHONY: install uninstall
install: deps $(BUILD)/host/libpram.a $(BUILD)/host/libpram_sim.a $(foreach cpu,$(INSTALL_ARM_CPUS),$(BUILD)/arm/$(cpu)/libpram.a)
	@set -e; \
	install -d "$(inst_root)/include/pram" "$(inst_root)/lib/pkgconfig" "$(inst_root)/share/pram/ld"; \
	for h in $(INSTALL_HEADERS); do install -m 644 include/pram/$$h "$(inst_root)/include/pram/$$h"; done; \
	install -m 644 $(BUILD)/host/libpram.a "$(inst_root)/lib/libpram.a"; \
	install -m 644 $(BUILD)/host/libpram_sim.a "$(inst_root)/lib/libpram_sim.a"; \
	for cpu in $(INSTALL_ARM_CPUS); do \
	  install -d "$(inst_root)/lib/pram/arm/$$cpu"; \
	  install -m 644 $(BUILD)/arm/$$cpu/libpram.a "$(inst_root)/lib/pram/arm/$$cpu/libpram.a"; \
	done; \
	for f in $(INSTALL_LD); do install -m 644 ld/$$f "$(inst_root)/share/pram/ld/$$f"; done; \
	sed -e 's|@PRAM_PC_PREFIX@|$(PREFIX)|' \
	    -e 's|@PRAM_PC_INCLUDEDIR@|$${prefix}/include|' \
	    -e 's|@PRAM_PC_LIBDIR@|$${prefix}/lib|' \
	    -e 's|@PRAM_PC_LDSCRIPTDIR@|$${prefix}/share/pram/ld|' \
	    -e 's|@PRAM_PC_EXTRA_VARS@|armlibdir=$${libdir}/pram/arm|' \
	    -e 's|@PRAM_PC_VERSION@|$(PRAM_VERSION)|' \
	    -e 's|@PRAM_PC_CFLAGS@||' \
	    -e 's|@PRAM_PC_LIBS@| -lpram|' \
	    cmake/pram.pc.in >"$(inst_root)/lib/pkgconfig/pram.pc"; \
	chmod 644 "$(inst_root)/lib/pkgconfig/pram.pc"; \
	echo "install: pram $(PRAM_VERSION) in $(inst_root) (host libpram.a, libpram_sim.a; Cortex-M:$(if $(INSTALL_ARM_CPUS), $(INSTALL_ARM_CPUS), none); pram.pc)"

uninstall:
	rm -f $(addprefix "$(inst_root)/include/pram/,$(addsuffix ",$(INSTALL_HEADERS))) \
	      $(addprefix "$(inst_root)/share/pram/ld/,$(addsuffix ",$(INSTALL_LD))) \
	      "$(inst_root)/lib/libpram.a" "$(inst_root)/lib/libpram_sim.a" "$(inst_root)/lib/pkgconfig/pram.pc" \
	      $(foreach cpu,$(ARM_CPUS),"$(inst_root)/lib/pram/arm/$(cpu)/libpram.a")
	-rmdir "$(inst_root)/include/pram" "$(inst_root)/share/pram/ld" "$(inst_root)/share/pram" \
	       $(foreach cpu,$(ARM_CPUS),"$(inst_root)/lib/pram/arm/$(cpu)") \
	       "$(inst_root)/lib/pram/arm" "$(inst_root)/lib/pram" 2>/dev/null

# Cortex-M firmware, QEMU runs and linker checks live beside the examples.
-include examples/examples.mk
# Each further example may bring its own rules (they can use examples.mk's).
-include $(wildcard examples/*/*.mk)
# Test firmware, size reports and benchmarks bring theirs from tests/.
-include $(wildcard tests/*/*.mk)

.PHONY: clean
clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
