# Instructions per pram operation on Cortex-M3 under QEMU (figures, never a
# pass/fail on speed).  Included by the top Makefile (tests/*/*.mk), after
# examples/examples.mk, whose firmware flags it reuses: the core and the
# benchmark are compiled exactly like the example firmware (-Os, LIB_WARN as
# errors, pram_fw_config.h), plus PRAM_CRC_ALL_VARIANTS=1 so that every CRC-16
# variant can be measured.
#
#   make bench-cm   build $(BUILD)/bench_cm/bench_cm.elf, run it on
#                   qemu-system-arm -M mps2-an385 -icount shift=0, print the
#                   table and keep it in $(BUILD)/bench_cm/table.txt
#
# Fails only if the firmware does: calibration off (SysTick is not one tick
# per 40 instructions), a pram call failing, a hang (BCM_TIMEOUT).

QEMU_ARM ?= qemu-system-arm

BCM_DIR     := $(BUILD)/bench_cm
BCM_ELF     := $(BCM_DIR)/bench_cm.elf
BCM_CPU     := cortex-m3
BCM_MACHINE := mps2-an385
BCM_LD      := ld/mps2_an385.ld
BCM_LDDEPS  := ld/mps2_an385.ld ld/pram_noinit.ld ld/nonalloc.ld
BCM_TIMEOUT := 120

BCM_CFLAGS := $(FW_CFLAGS) $(ARM_FLAGS_$(BCM_CPU)) -DPRAM_CRC_ALL_VARIANTS=1 -Itests/bench_cm
# The floor's copy loop must stay a loop: no memcpy behind this firmware.
BCM_FLOOR_CFLAGS := -fno-tree-loop-distribute-patterns

BCM_SRCS   := tests/bench_cm/bench_cm_fw.c tests/bench_cm/bench_cm_floor.c
BCM_OBJS   := $(patsubst tests/bench_cm/%.c,$(BCM_DIR)/obj/%.o,$(BCM_SRCS)) \
              $(patsubst examples/common/%.c,$(BCM_DIR)/obj/common/%.o,$(FW_COMMON_SRCS)) \
              $(patsubst src/%.c,$(BCM_DIR)/obj/core/%.o,$(LIB_SRCS))

$(BCM_DIR)/obj/core/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(BCM_CFLAGS) -MMD -MP -c $< -o $@

$(BCM_DIR)/obj/common/%.o: examples/common/%.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(BCM_CFLAGS) -MMD -MP -c $< -o $@

$(BCM_DIR)/obj/bench_cm_floor.o: BCM_EXTRA := $(BCM_FLOOR_CFLAGS)
$(BCM_DIR)/obj/%.o: tests/bench_cm/%.c tests/bench_cm/bench_cm.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(BCM_CFLAGS) $(BCM_EXTRA) -MMD -MP -c $< -o $@

$(BCM_ELF): $(BCM_OBJS) $(BCM_LDDEPS) tests/bench_cm/bench_cm.mk
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_$(BCM_CPU)) $(FW_LDFLAGS) -T $(BCM_LD) \
	    -Wl,-Map=$@.map $(filter %.o,$^) -o $@

# Semihosting output arrives on QEMU's stderr: merged into the log.  stdin
# from /dev/null: a killed QEMU must not leave a terminal in raw mode.
.PHONY: bench-cm
bench-cm: deps $(BCM_ELF)
	@status=0; \
	timeout $(BCM_TIMEOUT) $(QEMU_ARM) -M $(BCM_MACHINE) -nographic -monitor none -serial none \
	    -semihosting-config enable=on,target=native -icount shift=0 -kernel $(BCM_ELF) \
	    </dev/null >$(BCM_DIR)/qemu.log 2>&1 || status=$$?; \
	tr -d '\r' <$(BCM_DIR)/qemu.log >$(BCM_DIR)/table.txt; \
	cat $(BCM_DIR)/table.txt; \
	if [ $$status -eq 124 ]; then \
	  echo "bench-cm: FAIL: still running after $(BCM_TIMEOUT)s"; exit 1; \
	elif [ $$status -ne 0 ]; then \
	  echo "bench-cm: FAIL: QEMU exit status $$status"; exit 1; \
	fi; \
	echo "bench-cm: table in $(BCM_DIR)/table.txt"
