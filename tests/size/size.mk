# make size: flash and RAM one cell adds over baselines built in the same run,
# per target (Cortex-M0+/M3/M4F/M33, RV32), configuration, CRC-16 variant and
# LTO (tests/size/size.sh does the work; table in $(BUILD)/size/table.txt).
# Budgets: Cortex-M4F, Pigweed-equivalent program, no LTO, over the plain-
# variable baseline; make size fails if one is exceeded.  The reboot record
# and crash capture rows (Cortex-M0+/M4F/M33) are informative: no budget.
RV_CC       ?= riscv64-unknown-elf-gcc
RV_SIZE     ?= riscv64-unknown-elf-size
RV_NM       ?= riscv64-unknown-elf-nm
ARM_SIZE    ?= arm-none-eabi-size
# Issue 9's budgets, without LTO and (the same figures) with it.
SIZE_BUDGET_LEAN_NIBBLE     ?= 300
SIZE_BUDGET_LEAN_BYTE       ?= 780
SIZE_BUDGET_DEFAULT_NIBBLE  ?= 900
SIZE_BUDGET_LTO_LEAN_NIBBLE ?= 300
SIZE_BUDGET_LTO_LEAN_BYTE   ?= 780
# What every pram program links (the cell core); the log programs also link
# the buffer code.
SIZE_CORE   ?= src/pram_cell.c src/pram_mem.c src/pram_crc16.c src/pram_error.c
SIZE_BUF    ?= src/pram_buf.c
# The reboot record (with the "none" reset-cause port) and the Cortex-M
# crash capture, measured on SIZE_REBOOT_TARGETS; one real port besides,
# on its own core.
SIZE_REBOOT ?= src/pram_reboot.c src/pram_reset_none.c
SIZE_FAULT  ?= src/pram_fault.c src/pram_fault_shim.c
SIZE_PORT   ?= src/pram_reset_stm32.c
SIZE_PORT_SYM ?= pram_reset_port_stm32f4
SIZE_REBOOT_TARGETS ?= cortex-m0plus cortex-m4 cortex-m33
SIZE_PORT_TARGETS   ?= cortex-m4
SIZE_JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

define SIZE_TARGETS
$(foreach cpu,$(ARM_CPUS),$(cpu)|$(ARM_CC) -mthumb $(ARM_FLAGS_$(cpu))|$(ARM_SIZE)|$(ARM_NM)
)rv32imac|$(RV_CC) -march=rv32imac -mabi=ilp32|$(RV_SIZE)|$(RV_NM)
endef
export SIZE_TARGETS

.PHONY: size
size: deps
	@SIZE_CFLAGS="$(CSTD) $(LIB_WARN) -Os -ffunction-sections -fdata-sections -ffreestanding -DNDEBUG $(INC) -Isrc" \
	 SIZE_CORE="$(SIZE_CORE)" SIZE_BUF="$(SIZE_BUF)" SIZE_JOBS="$(SIZE_JOBS)" \
	 SIZE_REBOOT="$(SIZE_REBOOT)" SIZE_FAULT="$(SIZE_FAULT)" SIZE_PORT="$(SIZE_PORT)" \
	 SIZE_PORT_SYM="$(SIZE_PORT_SYM)" SIZE_REBOOT_TARGETS="$(SIZE_REBOOT_TARGETS)" \
	 SIZE_PORT_TARGETS="$(SIZE_PORT_TARGETS)" \
	 SIZE_BUDGET_LEAN_NIBBLE="$(SIZE_BUDGET_LEAN_NIBBLE)" SIZE_BUDGET_LEAN_BYTE="$(SIZE_BUDGET_LEAN_BYTE)" \
	 SIZE_BUDGET_DEFAULT_NIBBLE="$(SIZE_BUDGET_DEFAULT_NIBBLE)" \
	 SIZE_BUDGET_LTO_LEAN_NIBBLE="$(SIZE_BUDGET_LTO_LEAN_NIBBLE)" SIZE_BUDGET_LTO_LEAN_BYTE="$(SIZE_BUDGET_LTO_LEAN_BYTE)" \
	 sh tests/size/size.sh $(BUILD)/size
	@$(MAKE) --no-print-directory size-compact

# ---------------------------------------------------------------------------
# make check-nostdlib: every src/*.c (not src/host/) for Cortex-M0+ and M4F at
# -O0 -Og -O1 -O2 -O3 -Os with LIB_WARN (warnings as errors), linked with a
# firmware calling every public function (tests/size/nostdlib_fw.c) using
# -nostdlib -nostartfiles --gc-sections and no libgcc: any undefined symbol
# (memset, memcpy, a libgcc helper) fails it.  NOSTDLIB_ALLOW_UNDEF names
# user hook symbols that may stay undefined (none by default).
# Also the critical-section hook's Cortex-M configurations (pram_config.h):
# PRAM_CRITICAL_PRIMASK on M0+, M3, M4F, M33 and PRAM_CRITICAL_BASEPRI
# (level 0x40) on M3, M4F, M33 (Armv6-M has no BASEPRI), at NOSTDLIB_CRIT_OPTS.
# ---------------------------------------------------------------------------
NOSTDLIB_CPUS         ?= cortex-m0plus cortex-m4
NOSTDLIB_OPTS         ?= -O0 -Og -O1 -O2 -O3 -Os
NOSTDLIB_ALLOW_UNDEF  ?=
NOSTDLIB_PRIMASK_CPUS ?= cortex-m0plus cortex-m3 cortex-m4 cortex-m33
NOSTDLIB_BASEPRI_CPUS ?= cortex-m3 cortex-m4 cortex-m33
NOSTDLIB_CRIT_OPTS    ?= -O0 -O2 -Os
NOSTDLIB_PRIMASK_DEFS := -DPRAM_CRITICAL=PRAM_CRITICAL_PRIMASK
NOSTDLIB_BASEPRI_DEFS := -DPRAM_CRITICAL=PRAM_CRITICAL_BASEPRI -DPRAM_CRITICAL_BASEPRI_LEVEL=0x40

# Lines of "label|compiler and flags|size tool|-O levels (empty: NOSTDLIB_OPTS)
# |an instruction the linked firmware must contain (empty: none)": the hook's
# own, so that a configuration silently falling back to none fails.
define NOSTDLIB_TARGETS
$(foreach cpu,$(NOSTDLIB_CPUS),$(cpu)|$(ARM_CC) -mthumb $(ARM_FLAGS_$(cpu))|$(ARM_SIZE)||
)$(foreach cpu,$(NOSTDLIB_PRIMASK_CPUS),$(cpu)+primask|$(ARM_CC) -mthumb $(ARM_FLAGS_$(cpu)) $(NOSTDLIB_PRIMASK_DEFS)|$(ARM_SIZE)|$(NOSTDLIB_CRIT_OPTS)|cpsid
)$(foreach cpu,$(NOSTDLIB_BASEPRI_CPUS),$(cpu)+basepri|$(ARM_CC) -mthumb $(ARM_FLAGS_$(cpu)) $(NOSTDLIB_BASEPRI_DEFS)|$(ARM_SIZE)|$(NOSTDLIB_CRIT_OPTS)|BASEPRI_MAX
)
endef
export NOSTDLIB_TARGETS

.PHONY: check-nostdlib
check-nostdlib: deps
	@NOSTDLIB_CFLAGS="$(CSTD) $(LIB_WARN) -ffreestanding -ffunction-sections -fdata-sections $(INC) -Isrc" \
	 NOSTDLIB_SRCS="$(LIB_SRCS)" NOSTDLIB_OPTS="$(NOSTDLIB_OPTS)" \
	 NOSTDLIB_ALLOW_UNDEF="$(NOSTDLIB_ALLOW_UNDEF)" SIZE_JOBS="$(SIZE_JOBS)" \
	 sh tests/size/nostdlib.sh $(BUILD)/nostdlib

# ---------------------------------------------------------------------------
# Compact cells (issue 15): tests/size/size_compact.c, the pw-equiv program
# on a compact uint32_t cell and on today's cell, single-slot and A/B, over
# the plain-variable baseline; nibble CRC, -Os, no libc, with and without
# LTO, default configuration (A/B + regions: typed calls of cells in RAM
# link no region code, so the lean configurations give the same figures).
# Rows only, no budget.  make size prints them after size.sh's table.
# ---------------------------------------------------------------------------
SIZE_COMPACT_TARGETS ?= cortex-m0plus cortex-m4
SIZE_COMPACT_SRCS    ?= $(SIZE_CORE) src/pram_compact.c
SIZE_COMPACT_DIR     := $(BUILD)/size/compact

.PHONY: size-compact
size-compact: deps
	@set -e; out=$(SIZE_COMPACT_DIR); rm -rf $$out; mkdir -p $$out; \
	base="$(CSTD) $(LIB_WARN) -Os -ffunction-sections -fdata-sections -ffreestanding -DNDEBUG $(INC) -Isrc \
	      -DPRAM_CRC16_IMPL=PRAM_CRC_NIBBLE"; \
	ld="-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,size_start"; \
	printf '%-14s %-15s %-9s %-8s %-4s %6s %5s  %s\n' target program config crc lto flash ram over; \
	for t in $(SIZE_COMPACT_TARGETS); do \
	  case $$t in cortex-m0plus) arch="$(ARM_FLAGS_cortex-m0plus)";; cortex-m4) arch="$(ARM_FLAGS_cortex-m4)";; \
	    *) arch="-mcpu=$$t";; esac; \
	  cc="$(ARM_CC) -mthumb $$arch"; libgcc=$$($$cc -print-libgcc-file-name); \
	  for cfg in default; do \
	    cf=""; [ $$cfg = lean ] && cf="-DPRAM_ENABLE_REGIONS=0"; \
	    for lto in no yes; do \
	      lf=""; [ $$lto = yes ] && lf="-flto"; d=$$out/$$t-$$cfg-$$lto; mkdir -p $$d; \
	      fl="$$base $$cf $$lf"; \
	      $$cc $$fl -fno-lto -c tests/size/size_libc.c -o $$d/libc.o; \
	      core=""; for s in $(SIZE_COMPACT_SRCS); do o=$$d/$$(basename $$s .c).o; \
	        $$cc $$fl -c $$s -o $$o; core="$$core $$o"; done; \
	      $$cc $$fl -c tests/size/size_compact.c -o $$d/plain.o; \
	      $$cc $$fl $$d/plain.o $$d/libc.o $$ld $$libgcc -o $$d/plain.elf; \
	      set -- $$($(ARM_SIZE) $$d/plain.elf | awk 'NR == 2 { print $$1 + $$2, $$2 + $$3 }'); pf=$$1; pr=$$2; \
	      for m in SINGLE AB; do for p in COMPACT CELL; do \
	        n=$$(echo $$p-$$m | tr 'A-Z' 'a-z'); \
	        $$cc $$fl -DSIZE_$$p -DSIZE_MODE=PRAM_$$m -c tests/size/size_compact.c -o $$d/$$n.o; \
	        $$cc $$fl $$d/$$n.o $$core $$d/libc.o $$ld $$libgcc -o $$d/$$n.elf; \
	        if $(ARM_NM) $$d/$$n.elf | grep -qwE 'memset|memcpy|memmove|memcmp'; then \
	          echo "size-compact: $$t $$n calls a libc function"; exit 1; fi; \
	        set -- $$($(ARM_SIZE) $$d/$$n.elf | awk 'NR == 2 { print $$1 + $$2, $$2 + $$3 }'); \
	        printf '%-14s %-15s %-9s %-8s %-4s %6s %5s  %s\n' $$t $$n $$cfg nibble $$lto $$(($$1 - pf)) $$(($$2 - pr)) \
	          "plain volatile uint32_t"; \
	      done; done; \
	    done; \
	  done; \
	done; \
	echo "size-compact: pw-equiv program (tests/size/size_compact.c) on a compact cell vs today's cell; RAM over the baseline's 4 B variable: the storage (compact uint32_t 8 B single, 16 B A/B; cell 16 B / 32 B) + .noinit alignment"
