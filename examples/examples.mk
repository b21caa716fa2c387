# Cortex-M example firmware: build, placement gate, runs on QEMU with real
# resets.  Included by the top Makefile (uses ARM_CC, ARM_COMMON,
# ARM_FLAGS_<cpu>, CSTD, LIB_WARN, INC, LIB_SRCS, BUILD and its `deps`).
#
#   make fw               firmware ELFs for every board below
#   make check-elf        readelf gate on every ELF (+ proof the gate bites)
#   make qemu-boot-count  boot counter across real resets, each boot's reboot
#                         reason checked (power-on, marked, unmarked, and a
#                         watchdog reset where QEMU emulates one):
#                         mps2-an385 (M3), mps2-an505 (M33), the INSERT
#                         variant, netduinoplus2 (M4), microbit (M0)
#   make qemu-crash-log   crash log across real faults and resets (pram_fault,
#                         pram_reboot), each report checked against the ELF:
#                         mps2-an385 (M3), mps2-an386 (M4F, FPU frames),
#                         mps2-an505 (M33), microbit (M0: HardFault only)
#   make qemu-test        both of the above
#   make demo-crash-log   the crash log on the host and on QEMU, for `make demo`
#   make fw-run BOARD=microbit APP=boot_count
#                         builds one app for one board, runs it on QEMU and
#                         shows its output (no checks)
#
# Outputs: $(BUILD)/fw/<board>/<app>.elf (+ .map), objects under .../obj/.
#
# Another app on a board (a test's own .mk, included after this file):
#   FW_SRCS_myapp := tests/x/myapp.c        (besides examples/common + core)
#   $(eval $(call FW_APP_RULES,microbit,myapp))
# gives $(FW_DIR)/microbit/myapp.elf; run it with
#   QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh [checks] microbit ELF LINES...
# or by hand: qemu-system-arm -M microbit -nographic
#   -semihosting-config enable=on,target=native -kernel ELF 2>&1
# (QEMU prints the firmware's semihosting output on its stderr).
# (sources under tests/ need an object rule of their own: FW_OBJ_RULES only
# compiles src/ and examples/).

ARM_READELF ?= arm-none-eabi-readelf
QEMU_ARM    ?= qemu-system-arm

FW_DIR := $(BUILD)/fw

# The core is compiled for each board with the firmware's pram options (a DSB
# as PRAM_BARRIER): core and examples must see the same configuration.
FW_DEFS    := -DPRAM_USER_CONFIG='"pram_fw_config.h"' -Iexamples/common
FW_CFLAGS  := $(CSTD) $(LIB_WARN) $(ARM_COMMON) -g $(FW_DEFS) $(INC)
# --orphan-handling=error: a section the script does not place (a misspelt
# .noinit name, a new compiler section) stops the link instead of landing
# wherever ld likes.  --fatal-warnings: e.g. an RWX segment.
FW_LDFLAGS := -nostartfiles -Wl,--gc-sections -Wl,--orphan-handling=error \
              -Wl,--fatal-warnings -Lld

FW_COMMON_SRCS := $(wildcard examples/common/*.c)
FW_CORE_SRCS   := $(LIB_SRCS)

# The micro:bit's Cortex-M0 (Armv6-M), which the top Makefile's CPU list
# (M0+ there) does not name.
ARM_FLAGS_cortex-m0 ?= -mcpu=cortex-m0 -mfloat-abi=soft

# ---- Boards ---------------------------------------------------------------
# FW_CPU_<board>: a CPU of the top Makefile (ARM_FLAGS_<cpu>).
# FW_LD_<board>: linker-script options; FW_LDDEPS_<board>: the files.
# FW_QEMU_<board>: qemu-system-arm machine, empty if it only gets built.
# FW_APPS_<board>: examples built for it.
# FW_WDOG_<board>: address of a CMSDK APB watchdog QEMU emulates there with
# its interrupt on NMI (examples/common/wdog.c), empty if none.
# FW_BOARD_DEFS_<board>: compiler options for everything built for it.
FW_BOARDS := mps2-an385 mps2-an386 mps2-an505 mps2-an385-insert stm32f4 microbit

FW_CPU_mps2-an385    := cortex-m3
FW_LD_mps2-an385     := -T ld/mps2_an385.ld
FW_LDDEPS_mps2-an385 := ld/mps2_an385.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_mps2-an385   := mps2-an385
FW_APPS_mps2-an385   := boot_count crash_log
FW_WDOG_mps2-an385   := 0x40008000

# The AN385 map with a Cortex-M4F: the crash log built hard-float, so that a
# fault with the FPU in use stacks the extended frame.
FW_CPU_mps2-an386    := cortex-m4
FW_LD_mps2-an386     := $(FW_LD_mps2-an385)
FW_LDDEPS_mps2-an386 := $(FW_LDDEPS_mps2-an385)
FW_QEMU_mps2-an386   := mps2-an386
FW_APPS_mps2-an386   := crash_log

FW_CPU_mps2-an505    := cortex-m33
FW_LD_mps2-an505     := -T ld/mps2_an505.ld
FW_LDDEPS_mps2-an505 := ld/mps2_an505.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_mps2-an505   := mps2-an505
FW_APPS_mps2-an505   := boot_count crash_log
# The Secure watchdog: the Non-secure one (0x40081000) interrupts on IRQ 1,
# not NMI, and resets all the same.
FW_WDOG_mps2-an505   := 0x50081000

# The INSERT fragment on a script that knows nothing about pram (standing in
# for a vendor's), same machine: proves ld/pram_noinit_insert.ld end to end.
FW_CPU_mps2-an385-insert    := cortex-m3
FW_LD_mps2-an385-insert     := -T ld/pram_noinit_insert.ld -T examples/common/vendor_mps2_an385.ld
FW_LDDEPS_mps2-an385-insert := ld/pram_noinit_insert.ld examples/common/vendor_mps2_an385.ld ld/nonalloc.ld
FW_QEMU_mps2-an385-insert   := mps2-an385
FW_APPS_mps2-an385-insert   := boot_count
FW_WDOG_mps2-an385-insert   := 0x40008000

# STM32F405/407 (Cortex-M4F): QEMU's netduinoplus2 is an STM32F405, so the
# boot counter runs there too; the backup-SRAM example is built and gated only
# (QEMU maps an unimplemented stub at 0x40024000).
FW_CPU_stm32f4    := cortex-m4
FW_LD_stm32f4     := -T ld/stm32f4_bkpsram.ld
FW_LDDEPS_stm32f4 := ld/stm32f4_bkpsram.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_stm32f4   := netduinoplus2
FW_APPS_stm32f4   := boot_count bkpsram

# BBC micro:bit v1: nRF51822, Cortex-M0 (Armv6-M), 256 KiB flash at 0,
# 16 KiB RAM at 0x20000000 (examples/common/microbit.ld).  Measured on
# QEMU 7.2: semihosting (bkpt 0xab) works on this M0; SYSRESETREQ resets the
# machine, re-runs the image and keeps .noinit; no watchdog (the nRF51 WDT
# at 0x40010000 is an unimplemented region) and no usable reset cause (the
# POWER/CLOCK block is a stub reading 1 everywhere: RESETREAS always says
# RESETPIN and does not clear, so pram_reset_port_nrf52 must not be used
# here); a lockup (a fault QEMU cannot escalate, e.g. in HardFault) aborts
# QEMU ("qemu: fatal: Lockup: can't escalate 3 to HardFault", exit status
# 134) instead of resetting.
FW_CPU_microbit    := cortex-m0
FW_LD_microbit     := -T examples/common/microbit.ld
FW_LDDEPS_microbit := examples/common/microbit.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_microbit   := microbit
FW_APPS_microbit   := boot_count crash_log

$(foreach b,$(FW_BOARDS),$(eval FW_BOARD_DEFS_$(b) += $(if $(FW_WDOG_$(b)),-DFW_WDOG_BASE=$(FW_WDOG_$(b))u)))

# ---- Apps -----------------------------------------------------------------
# FW_SRCS_<app>: its sources besides examples/common and the core.
# FW_CHECK_<app>: check_elf.sh options (persistent sections besides .noinit).
FW_SRCS_boot_count := examples/boot_count/boot_count_fw.c
FW_SRCS_bkpsram    := examples/bkpsram/bkpsram_fw.c
FW_SRCS_crash_log  := examples/crash_log/crash_log_fw.c
FW_CHECK_bkpsram   := -s .bkpsram
# FW_DEFS_<app>: pram options for that app only.  The core and the app must
# see the same configuration, so such an app gets its own objects, core
# included, under obj-<app>/ instead of the board's shared obj/.
# crash_log: pram calls mask interrupts (PRIMASK), as a log that ISRs also
# write wants.
FW_DEFS_crash_log  := -DPRAM_CRITICAL=PRAM_CRITICAL_PRIMASK
# FW_LDFLAGS_<app>: link options for that app only.  crash_log: the RAM
# pram_fault's handler may read stacks from, as the linker symbols it looks
# for (a script of one's own would say pram_fault_ram_start = ORIGIN(RAM);
# and so on): everything from .noinit, first in RAM, to the top of the stack.
FW_LDFLAGS_crash_log := -Wl,--defsym=pram_fault_ram_start=__pram_noinit_start \
                        -Wl,--defsym=pram_fault_ram_end=__stack_top

# Sources may be C or assembly (.S, preprocessed): both give obj/<path>.o.
# $(1) board, $(2) sources, $(3) app (optional: its objects if it has
# FW_DEFS_<app>, else the board's shared ones).
fw_objdir = $(FW_DIR)/$(1)/obj$(if $(FW_DEFS_$(2)),-$(2))
fw_obj = $(patsubst examples/%.S,$(call fw_objdir,$(1),$(3))/%.o,$(patsubst examples/%.c,$(call fw_objdir,$(1),$(3))/%.o,$(2)))
# $(1) board, $(2) app (optional, as above)
fw_core_obj = $(patsubst src/%.c,$(call fw_objdir,$(1),$(2))/core/%.o,$(FW_CORE_SRCS))

# $(1) board, $(2) object directory, $(3) extra pram options (objects built
# with some, or with FW_BOARD_DEFS_<board>, also depend on this file, where
# the options are set)
define FW_OBJ_RULES
$(2)/core/%.o: src/%.c $(if $(3)$(FW_BOARD_DEFS_$(1)),examples/examples.mk) | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(3) $(FW_BOARD_DEFS_$(1)) $(ARM_FLAGS_$(FW_CPU_$(1))) -MMD -MP -c $$< -o $$@

$(2)/%.o: examples/%.c $(if $(3)$(FW_BOARD_DEFS_$(1)),examples/examples.mk) | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(3) $(FW_BOARD_DEFS_$(1)) $(ARM_FLAGS_$(FW_CPU_$(1))) -MMD -MP -c $$< -o $$@

$(2)/%.o: examples/%.S $(if $(3)$(FW_BOARD_DEFS_$(1)),examples/examples.mk) | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(3) $(FW_BOARD_DEFS_$(1)) $(ARM_FLAGS_$(FW_CPU_$(1))) -MMD -MP -c $$< -o $$@
endef

# $(1) board: the shared objects, and those of its apps with FW_DEFS_<app>.
define FW_BOARD_RULES
$(call FW_OBJ_RULES,$(1),$(FW_DIR)/$(1)/obj,)
$(foreach a,$(FW_APPS_$(1)),$(if $(FW_DEFS_$(a)),$(call FW_OBJ_RULES,$(1),$(call fw_objdir,$(1),$(a)),$(FW_DEFS_$(a)))))
endef

# $(1) board, $(2) app
define FW_APP_RULES
$(FW_DIR)/$(1)/$(2).elf: $(call fw_obj,$(1),$(FW_SRCS_$(2)) $(FW_COMMON_SRCS),$(2)) \
                         $(call fw_core_obj,$(1),$(2)) $(FW_LDDEPS_$(1)) examples/examples.mk
	$$(call say,LD,$$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_$(FW_CPU_$(1))) $(FW_LDFLAGS) $(FW_LDFLAGS_$(2)) $(FW_LD_$(1)) \
	    -Wl,-Map=$$@.map $$(filter %.o,$$^) -o $$@
FW_ELFS += $(FW_DIR)/$(1)/$(2).elf
FW_CHECKS += "$(FW_CHECK_$(2))|$(FW_DIR)/$(1)/$(2).elf"
endef

FW_ELFS :=
FW_CHECKS :=
$(foreach b,$(FW_BOARDS),$(eval $(call FW_BOARD_RULES,$(b))))
$(foreach b,$(FW_BOARDS),$(foreach a,$(FW_APPS_$(b)),$(eval $(call FW_APP_RULES,$(b),$(a)))))

.PHONY: fw
fw: $(FW_ELFS)

# ---- Placement gate -------------------------------------------------------
# The gate must also be seen to fail: boot_count linked with the classic
# mistake (.noinit after .bss in the .data segment, see bad_layout.ld).
FW_BAD_ELF := $(FW_DIR)/mps2-an385/boot_count_bad_layout.elf
$(FW_BAD_ELF): $(call fw_obj,mps2-an385,$(FW_SRCS_boot_count) $(FW_COMMON_SRCS)) \
               $(call fw_core_obj,mps2-an385) examples/tools/bad_layout.ld ld/nonalloc.ld
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_cortex-m3) $(FW_LDFLAGS) -T examples/tools/bad_layout.ld \
	    -Wl,-Map=$@.map $(filter %.o,$^) -o $@

# The watchdog check must be seen to fail too: boot_count with an NMI handler
# that marks nothing, whose watchdog reset must then read "unknown".
FW_NOMARK_ELF := $(FW_DIR)/mps2-an385/boot_count_nmi_unmarked.elf
$(FW_DIR)/mps2-an385/obj-nmi-unmarked/boot_count_fw.o: examples/boot_count/boot_count_fw.c examples/examples.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(FW_BOARD_DEFS_mps2-an385) $(ARM_FLAGS_cortex-m3) -DBOOT_COUNT_NMI_MARKS=0 \
	    -MMD -MP -c $< -o $@
$(FW_NOMARK_ELF): $(FW_DIR)/mps2-an385/obj-nmi-unmarked/boot_count_fw.o \
                  $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) $(call fw_core_obj,mps2-an385) \
                  $(FW_LDDEPS_mps2-an385)
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_cortex-m3) $(FW_LDFLAGS) $(FW_LD_mps2-an385) \
	    -Wl,-Map=$@.map $(filter %.o,$^) -o $@

.PHONY: check-elf
check-elf: $(FW_ELFS) $(FW_BAD_ELF)
	@set -e; for c in $(FW_CHECKS); do \
	  READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $${c%%|*} $${c#*|}; \
	done
	@if READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $(FW_BAD_ELF) >$(FW_BAD_ELF).check; then \
	  cat $(FW_BAD_ELF).check; echo "check-elf: the gate accepted $(FW_BAD_ELF)"; exit 1; fi
	@echo "check-elf: ok, and the gate rejects a bad layout ($(FW_BAD_ELF)):"
	@sed 's/^/    /' $(FW_BAD_ELF).check
	@echo "check-elf: $(words $(FW_ELFS)) firmware ELFs pass"

# ---- QEMU -----------------------------------------------------------------
# The boot counter (examples/boot_count/boot_count_fw.c) reports each boot's
# reboot reason through pram_reboot; every line is checked, in order, and the
# "boot N:" lines exactly (no boot more or fewer).  Boards with a watchdog
# (FW_WDOG_<board>) get one more reset, through it: its NMI marks the reason.
# The reset-cause port is "none" on all of them (QEMU models no reset-cause
# register on these boards: mps2-an505's RESET_SYNDROME reads 1, power-on,
# after every reset), so the unmarked SYSRESETREQ reads "unknown".
FW_BOOT_LINES_wdog := \
    "boot 1: power-on (cold); unexpected reboots 0 -> reset marked user 1" \
    "boot 2: software (mark user 1); unexpected reboots 0 -> reset unmarked" \
    "boot 3: unknown; unexpected reboots 1 -> watchdog, not fed" \
    "boot 4: watchdog (mark watchdog); unexpected reboots 2 -> reset marked update 2" \
    "boot 5: software (mark update 2); unexpected reboots 2" \
    "boot_count: done, 5 boots across 4 resets, 2 unexpected"
FW_BOOT_LINES_nowdog := \
    "boot 1: power-on (cold); unexpected reboots 0 -> reset marked user 1" \
    "boot 2: software (mark user 1); unexpected reboots 0 -> reset unmarked" \
    "boot 3: unknown; unexpected reboots 1 -> reset marked update 2" \
    "boot 4: software (mark update 2); unexpected reboots 1" \
    "boot_count: done, 4 boots across 3 resets, 1 unexpected"
fw_boot_lines = $(if $(FW_WDOG_$(1)),$(FW_BOOT_LINES_wdog),$(FW_BOOT_LINES_nowdog))
FW_QEMU_BOARDS := $(foreach b,$(FW_BOARDS),$(if $(FW_QEMU_$(b)),$(if $(filter boot_count,$(FW_APPS_$(b))),$(b))))
FW_WDOG_BOARDS := $(foreach b,$(FW_QEMU_BOARDS),$(if $(FW_WDOG_$(b)),$(b)))

.PHONY: qemu-boot-count
qemu-boot-count: deps $(foreach b,$(FW_QEMU_BOARDS),$(FW_DIR)/$(b)/boot_count.elf) $(FW_BAD_ELF) $(FW_NOMARK_ELF)
	@set -e; \
	$(foreach b,$(FW_QEMU_BOARDS),\
	  QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 30 -x '^boot [0-9]+:' \
	    -l $(FW_DIR)/$(b)/boot_count.qemu.log $(FW_QEMU_$(b)) $(FW_DIR)/$(b)/boot_count.elf \
	    $(call fw_boot_lines,$(b));) \
	echo "qemu-boot-count: control run, .noinit inside a loaded segment (must never count past 1):"; \
	QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 3 -s timeout -f '^boot ([02-9]|[1-9][0-9]+):' \
	  -l $(FW_DIR)/mps2-an385/boot_count_bad_layout.qemu.log mps2-an385 $(FW_BAD_ELF) \
	  "boot 1: power-on (cold); unexpected reboots 0 -> reset marked user 1" \
	  "boot 1: power-on (cold); unexpected reboots 0 -> reset marked user 1" \
	  "boot 1: power-on (cold); unexpected reboots 0 -> reset marked user 1"; \
	echo "qemu-boot-count: control run, the watchdog's NMI marks nothing (its reset must read unknown):"; \
	QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 30 -x '^boot [0-9]+:' \
	  -l $(FW_DIR)/mps2-an385/boot_count_nmi_unmarked.qemu.log mps2-an385 $(FW_NOMARK_ELF) \
	  "boot 1: power-on (cold); unexpected reboots 0 -> reset marked user 1" \
	  "boot 2: software (mark user 1); unexpected reboots 0 -> reset unmarked" \
	  "boot 3: unknown; unexpected reboots 1 -> watchdog, not fed" \
	  "boot 4: unknown; unexpected reboots 2" \
	  "boot_count: done, 4 boots across 3 resets, 2 unexpected"; \
	echo "qemu-boot-count: ok: $(words $(FW_QEMU_BOARDS)) boards reported power-on, a marked reset (software), an unmarked one (unknown) and the counts across real resets; $(words $(FW_WDOG_BOARDS)) ($(strip $(FW_WDOG_BOARDS))) also a watchdog reset, which only its NMI's mark makes watchdog"

# One app on one board, on QEMU, output shown and not checked:
#   make fw-run BOARD=microbit APP=boot_count
.PHONY: fw-run
# (APP: any app with an ELF rule for BOARD, FW_APPS_<board> or a .mk's own.)
fw-run: deps $(if $(filter $(BOARD),$(FW_BOARDS)),$(if $(APP),$(FW_DIR)/$(BOARD)/$(APP).elf))
	@[ -n "$(filter $(BOARD),$(FW_BOARDS))" ] && [ -n "$(FW_QEMU_$(BOARD))" ] || \
	  { echo "fw-run: BOARD=<one of: $(foreach b,$(FW_BOARDS),$(if $(FW_QEMU_$(b)),$(b)))>"; exit 2; }
	@[ -n "$(APP)" ] || { echo "fw-run: APP=<e.g. one of: $(FW_APPS_$(BOARD))>"; exit 2; }
	timeout 30 $(QEMU_ARM) -M $(FW_QEMU_$(BOARD)) -nographic -semihosting-config enable=on,target=native \
	    -kernel $(FW_DIR)/$(BOARD)/$(APP).elf </dev/null

# ---- Crash log ----------------------------------------------------------------
# Real faults on QEMU (examples/crash_log/crash_log_fw.c, a thin user of
# pram_fault and pram_reboot): ten boots, six faults (two of them a crash
# loop that never acks), an assertion, a marked and an unmarked reset.
# run_qemu.sh checks every "boot N:" line (reason and counts) exactly, then
# examples/tools/check_crash_log.sh checks each report against the ELF: pc
# at the crash_site_* label of the faulting instruction, lr the return
# address of its call, sp the site's own, CFSR/HFSR/BFAR (SFSR) bits exact,
# EXC_RETURN and frame type, the assertion's pc and line, the handler's log
# lines.  FW_CRASH_ARCH_<board> says what to expect.  And the checker must
# be seen to fail: the same log with one pc moved is rejected.
ARM_OBJDUMP   ?= arm-none-eabi-objdump
ARM_ADDR2LINE ?= arm-none-eabi-addr2line
FW_CRASH_ARCH_mps2-an385 := v7m
FW_CRASH_ARCH_mps2-an386 := v7m-fp
FW_CRASH_ARCH_mps2-an505 := v8m
FW_CRASH_ARCH_microbit   := v6m
FW_CRASH_BOARDS := $(foreach b,$(FW_BOARDS),$(if $(FW_QEMU_$(b)),$(if $(filter crash_log,$(FW_APPS_$(b))),$(b))))
FW_CRASH_LINES  := "boot 1: power-on (cold); crashes 0, unexpected 0" \
                   "boot 2: fault; crashes 1, unexpected 1" \
                   "boot 3: fault; crashes 2, unexpected 2" \
                   "boot 4: fault; crashes 3, unexpected 3" \
                   "boot 5: fault; crashes 4, unexpected 4" \
                   "boot 6: fault; crashes 5, unexpected 5" \
                   "boot 7: fault; crashes 6, unexpected 6" \
                   "crash_log: crash loop: boot 4's crash kept, the 2 after it counted" \
                   "boot 8: assert; crashes 7, unexpected 7" \
                   "boot 9: software (mark user 8); crashes 7, unexpected 7" \
                   "boot 10: unknown; crashes 7, unexpected 8" \
                   "crash_log: done, 10 boots: 6 faults, 1 assert, a marked and an unmarked reset"
# $(1) board, $(2) log: the QEMU run and the check against the ELF.
fw_crash_run = QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 30 -x '^boot [0-9]+:' -f '^crash_log: FAIL' \
                 -l $(2) $(FW_QEMU_$(1)) $(FW_DIR)/$(1)/crash_log.elf $(FW_CRASH_LINES)
fw_crash_check = NM=$(ARM_NM) OBJDUMP=$(ARM_OBJDUMP) ADDR2LINE=$(ARM_ADDR2LINE) \
                 sh examples/tools/check_crash_log.sh $(FW_CRASH_ARCH_$(1)) $(FW_DIR)/$(1)/crash_log.elf $(2)

# The control: the first board's log with one pc moved must be rejected.
FW_CRASH_CONTROL := $(firstword $(FW_CRASH_BOARDS))

.PHONY: qemu-crash-log
qemu-crash-log: deps $(foreach b,$(FW_CRASH_BOARDS),$(FW_DIR)/$(b)/crash_log.elf)
	@set -e; \
	$(foreach b,$(FW_CRASH_BOARDS),\
	  $(call fw_crash_run,$(b),$(FW_DIR)/$(b)/crash_log.qemu.log); \
	  $(call fw_crash_check,$(b),$(FW_DIR)/$(b)/crash_log.qemu.log);) \
	b=$(FW_CRASH_CONTROL); d=$(FW_DIR)/$(FW_CRASH_CONTROL)/crash_log.doctored; \
	awk '!d && /^crash: pc=/ { sub(/ pc=0x[0-9a-f]+/, " pc=0x00000000"); d = 1 } { print }' \
	  $(FW_DIR)/$$b/crash_log.qemu.log >$$d.log; \
	st=0; $(call fw_crash_check,$(FW_CRASH_CONTROL),$$d.log) >$$d.check 2>&1 || st=$$?; \
	if [ $$st -ne 1 ] || ! grep -q 'FAIL.*: pc 0x00000000 is not crash_site_' $$d.check; then \
	  cat $$d.check; echo "qemu-crash-log: the checker did not reject a log with a wrong pc (status $$st)"; exit 1; fi; \
	echo "qemu-crash-log: ok: $(words $(FW_CRASH_BOARDS)) boards ($(strip $(FW_CRASH_BOARDS))), 7 crashes each reported at the faulting instruction or assertion, a crash loop keeping its first crash; the checker rejects a wrong pc:"; \
	grep FAIL $$d.check | head -n 1 | sed 's/^/    /'

# Everything that runs on QEMU.
.PHONY: qemu-test
qemu-test: qemu-boot-count qemu-crash-log
	@echo "qemu-test: ok (boot counter on $(words $(FW_QEMU_BOARDS)) boards, crash log on $(words $(FW_CRASH_BOARDS)))"

# The crash log for `make demo`: five runs on the host, then the firmware on
# QEMU mps2-an386 (Cortex-M4F, FPU frames), printing what each boot saw.
CRASH_DEMO_DIR := $(BUILD)/demo
CRASH_DEMO_BOARD := mps2-an386

.PHONY: demo-crash-log
demo-crash-log: deps $(BUILD)/host/examples/crash_log/crash_log_host $(FW_DIR)/$(CRASH_DEMO_BOARD)/crash_log.elf
	@mkdir -p $(CRASH_DEMO_DIR)
	@echo "== crash log on the host: each run is a boot, RAM is $(CRASH_DEMO_DIR)/crash_log.ram;"
	@echo "   a signal handler commits the crash with pram_fault_commit, the next run's pram_reboot_boot reports it"
	@sh examples/tools/demo_crash_log_host.sh $(BUILD)/host/examples/crash_log/crash_log_host \
	    $(CRASH_DEMO_DIR)/crash_log.ram
	@$(call fw_crash_run,$(CRASH_DEMO_BOARD),$(CRASH_DEMO_DIR)/crash_log.qemu.log) >$(CRASH_DEMO_DIR)/crash_log.qemu.out 2>&1 \
	  || { cat $(CRASH_DEMO_DIR)/crash_log.qemu.out; exit 1; }
	@echo "== crash log on QEMU $(CRASH_DEMO_BOARD) (Cortex-M4F, FPU in use): real faults, pram_fault's handlers record"
	@echo "   them and reset, the next boot's pram_reboot_boot reports.  The log is a 512 B ring the firmware"
	@echo "   also writes to; from boot 2 on the fault comes in the middle of a line (\"abandoned=1\")."
	@echo "   (Its \"ring:\" summaries left out here: all of it is in $(CRASH_DEMO_DIR)/crash_log.qemu.log)"
	@grep -v '^ring:' $(CRASH_DEMO_DIR)/crash_log.qemu.log | sed 's/^/   /'
	@$(call fw_crash_check,$(CRASH_DEMO_BOARD),$(CRASH_DEMO_DIR)/crash_log.qemu.log) | sed 's/^/   /'
