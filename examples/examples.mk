# Cortex-M example firmware: build, placement gate, runs on QEMU with real
# resets.  Included by the top Makefile (uses ARM_CC, ARM_COMMON,
# ARM_FLAGS_<cpu>, CSTD, LIB_WARN, INC, LIB_SRCS, BUILD and its `deps`).
#
#   make fw               firmware ELFs for every board below
#   make check-elf        readelf gate on every ELF (+ proof the gate bites)
#   make qemu-boot-count  boot counter across real resets: mps2-an385 (M3),
#                         mps2-an505 (M33), the INSERT variant, netduinoplus2
#
# Outputs: $(BUILD)/fw/<board>/<app>.elf (+ .map), objects under .../obj/.

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

# ---- Boards ---------------------------------------------------------------
# FW_CPU_<board>: a CPU of the top Makefile (ARM_FLAGS_<cpu>).
# FW_LD_<board>: linker-script options; FW_LDDEPS_<board>: the files.
# FW_QEMU_<board>: qemu-system-arm machine, empty if it only gets built.
# FW_APPS_<board>: examples built for it.
FW_BOARDS := mps2-an385 mps2-an505 mps2-an385-insert stm32f4

FW_CPU_mps2-an385    := cortex-m3
FW_LD_mps2-an385     := -T ld/mps2_an385.ld
FW_LDDEPS_mps2-an385 := ld/mps2_an385.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_mps2-an385   := mps2-an385
FW_APPS_mps2-an385   := boot_count

FW_CPU_mps2-an505    := cortex-m33
FW_LD_mps2-an505     := -T ld/mps2_an505.ld
FW_LDDEPS_mps2-an505 := ld/mps2_an505.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_mps2-an505   := mps2-an505
FW_APPS_mps2-an505   := boot_count

# The INSERT fragment on a script that knows nothing about pram (standing in
# for a vendor's), same machine: proves ld/pram_noinit_insert.ld end to end.
FW_CPU_mps2-an385-insert    := cortex-m3
FW_LD_mps2-an385-insert     := -T ld/pram_noinit_insert.ld -T examples/common/vendor_mps2_an385.ld
FW_LDDEPS_mps2-an385-insert := ld/pram_noinit_insert.ld examples/common/vendor_mps2_an385.ld ld/nonalloc.ld
FW_QEMU_mps2-an385-insert   := mps2-an385
FW_APPS_mps2-an385-insert   := boot_count

# STM32F405/407 (Cortex-M4F): QEMU's netduinoplus2 is an STM32F405, so the
# boot counter runs there too; the backup-SRAM example is built and gated only
# (QEMU maps an unimplemented stub at 0x40024000).
FW_CPU_stm32f4    := cortex-m4
FW_LD_stm32f4     := -T ld/stm32f4_bkpsram.ld
FW_LDDEPS_stm32f4 := ld/stm32f4_bkpsram.ld ld/pram_noinit.ld ld/nonalloc.ld
FW_QEMU_stm32f4   := netduinoplus2
FW_APPS_stm32f4   := boot_count bkpsram

# ---- Apps -----------------------------------------------------------------
# FW_SRCS_<app>: its sources besides examples/common and the core.
# FW_CHECK_<app>: check_elf.sh options (persistent sections besides .noinit).
FW_SRCS_boot_count := examples/boot_count/boot_count_fw.c
FW_SRCS_bkpsram    := examples/bkpsram/bkpsram_fw.c
FW_CHECK_bkpsram   := -s .bkpsram

fw_obj = $(patsubst examples/%.c,$(FW_DIR)/$(1)/obj/%.o,$(2))
fw_core_obj = $(patsubst src/%.c,$(FW_DIR)/$(1)/obj/core/%.o,$(FW_CORE_SRCS))

# $(1) board
define FW_BOARD_RULES
$(FW_DIR)/$(1)/obj/core/%.o: src/%.c | deps
	@mkdir -p $$(@D)
	$(ARM_CC) $(FW_CFLAGS) $(ARM_FLAGS_$(FW_CPU_$(1))) -MMD -MP -c $$< -o $$@

$(FW_DIR)/$(1)/obj/%.o: examples/%.c | deps
	@mkdir -p $$(@D)
	$(ARM_CC) $(FW_CFLAGS) $(ARM_FLAGS_$(FW_CPU_$(1))) -MMD -MP -c $$< -o $$@
endef

# $(1) board, $(2) app
define FW_APP_RULES
$(FW_DIR)/$(1)/$(2).elf: $(call fw_obj,$(1),$(FW_SRCS_$(2)) $(FW_COMMON_SRCS)) \
                         $(call fw_core_obj,$(1)) $(FW_LDDEPS_$(1)) examples/examples.mk
	$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_$(FW_CPU_$(1))) $(FW_LDFLAGS) $(FW_LD_$(1)) \
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
	$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_cortex-m3) $(FW_LDFLAGS) -T examples/tools/bad_layout.ld \
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
FW_BOOT_LINES := "boot 1" "boot 2" "boot 3" "boot 4" "boot 5" "boot_count: done, 5 boots across 4 resets"
FW_QEMU_BOARDS := $(foreach b,$(FW_BOARDS),$(if $(FW_QEMU_$(b)),$(if $(filter boot_count,$(FW_APPS_$(b))),$(b))))

.PHONY: qemu-boot-count
qemu-boot-count: deps $(foreach b,$(FW_QEMU_BOARDS),$(FW_DIR)/$(b)/boot_count.elf) $(FW_BAD_ELF)
	@set -e; \
	$(foreach b,$(FW_QEMU_BOARDS),\
	  QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 30 -x '^boot [0-9]+$$' \
	    -l $(FW_DIR)/$(b)/boot_count.qemu.log $(FW_QEMU_$(b)) $(FW_DIR)/$(b)/boot_count.elf \
	    "boot_count: no valid counter (PRAM_ERR_INVALID), starting from 0" $(FW_BOOT_LINES);) \
	echo "qemu-boot-count: control run, .noinit inside a loaded segment (must never count past 1):"; \
	QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 3 -s timeout -f '^boot ([02-9]|[1-9][0-9]+)$$' \
	  -l $(FW_DIR)/mps2-an385/boot_count_bad_layout.qemu.log mps2-an385 $(FW_BAD_ELF) "boot 1" "boot 1" "boot 1"; \
	echo "qemu-boot-count: ok: $(words $(FW_QEMU_BOARDS)) boards counted 1..5 across real resets"
