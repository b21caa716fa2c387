# Deterministic torn-write sweep on Cortex-M (issue 5, item 5).  Included by
# the top Makefile after examples/examples.mk, whose board rules build the
# objects (firmware and core, same flags: LIB_WARN, the firmware pram config).
#
#   make torn-sweep-fw     the sweep firmware for each board below, + ELF gate
#   make qemu-torn-sweep   run it under -icount: every cut point of every
#                          operation in one QEMU process per board; fails on
#                          any violation, or if the cuts miss an outcome.
#                          Operations: cell and buffer writes, and the reboot
#                          record's mark, boot commit and crash capture (a
#                          real BusFault through PRAM_FAULT_HANDLERS, with and
#                          without a log line)
#
# Outputs: $(FW_DIR)/<board>/torn_sweep.elf; .qemu.log (all QEMU printed) and
# .summary (the table) beside it.

TS_BOARDS  := mps2-an385 mps2-an505
TS_SRCS    := examples/torn_sweep/torn_sweep_fw.c
# -icount shift: 2^shift ns of virtual time per instruction, chosen a little
# longer than one SysTick tick so that consecutive reloads cut at the same or
# the next instruction and none is skipped (the firmware's NOP sled checks
# it).  AN385: 1 MHz reference clock, 1024 ns per instruction.  AN505 (no
# reference clock in QEMU: the 20 MHz CPU clock), 64 ns per instruction.
TS_SHIFT_mps2-an385 := 10
TS_SHIFT_mps2-an505 := 6
# Hang guard only: each board's sweep takes about 75 s (an385, 35,800
# boots) and 100 s (an505, 44,800 boots: 1.28 ticks per instruction) of CPU,
# 2 ms a boot, almost all of it QEMU's reset and retranslation (the guest's
# own work per boot does not show).  The four reboot record rows are two
# thirds of the boots (the capture with a log line over a quarter), the
# two ring rows an eighth.  Before the record rows: 36 s and 43 s.
TS_TIMEOUT := 600

TS_ELFS := $(foreach b,$(TS_BOARDS),$(FW_DIR)/$(b)/torn_sweep.elf)

# $(1) board
define TS_ELF_RULE
$(FW_DIR)/$(1)/torn_sweep.elf: $(call fw_obj,$(1),$(TS_SRCS) $(FW_COMMON_SRCS)) \
                               $(call fw_core_obj,$(1)) $(FW_LDDEPS_$(1)) \
                               examples/examples.mk examples/torn_sweep/torn_sweep.mk
	$$(call say,LD,$$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_$(FW_CPU_$(1))) $(FW_LDFLAGS) $(FW_LD_$(1)) \
	    -Wl,-Map=$$@.map $$(filter %.o,$$^) -o $$@
endef
$(foreach b,$(TS_BOARDS),$(eval $(call TS_ELF_RULE,$(b))))

.PHONY: torn-sweep-fw
torn-sweep-fw: deps $(TS_ELFS)
	@set -e; READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $(TS_ELFS)

# The boards run side by side (one CPU each); each run's output is printed
# once all have finished, in board order.
.PHONY: qemu-torn-sweep
qemu-torn-sweep: deps torn-sweep-fw
	@set -u; pids=""; \
	$(foreach b,$(TS_BOARDS),\
	  QEMU=$(QEMU_ARM) sh examples/torn_sweep/run_sweep.sh -t $(TS_TIMEOUT) $(b) $(TS_SHIFT_$(b)) \
	    $(FW_DIR)/$(b)/torn_sweep.elf $(FW_DIR)/$(b)/torn_sweep.qemu.log \
	    >$(FW_DIR)/$(b)/torn_sweep.summary 2>&1 & pids="$$pids $$!";) \
	fail=0; for p in $$pids; do wait $$p || fail=1; done; \
	for b in $(TS_BOARDS); do cat $(FW_DIR)/$$b/torn_sweep.summary; done; \
	if [ $$fail -ne 0 ]; then echo "qemu-torn-sweep: FAIL"; exit 1; fi; \
	echo "qemu-torn-sweep: ok: $(words $(TS_BOARDS)) boards, every instruction of every operation cut, 0 violations"
