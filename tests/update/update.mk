# make qemu-update: firmware updates across real QEMU runs, RAM kept
# (issue 13).  Included by the top Makefile after examples/examples.mk; uses
# its board objects (mps2-an385: runtime and core, as the examples get them),
# FW_CFLAGS, FW_LDFLAGS, FW_LD_mps2-an385, ARM_CC, ARM_AR, ARM_NM, QEMU_ARM,
# BUILD and `deps`.
#
# tests/update/update_fw.c, one firmware per layout (its top comment lists
# them).  V1 runs on fresh RAM, writes every container and leaves .noinit in
# $(BUILD)/update/run/v1.noinit.bin (semihosting SYS_OPEN/SYS_WRITE).  Each
# update then runs with that file loaded at __pram_noinit_start (0x20000000
# in every ELF, checked) before the CPU starts, migrates, checks every
# container and pram_migrate's result and report, and must print
# "update <name>: ok".  The file goes in through the RAM's mirror at
# 0x20400000 (QEMU 7.2 mps2-an385: `info mtree`, alias mps.ssram23_m): QEMU
# registers the ELF's .noinit segment (FileSiz 0, it writes nothing there)
# as a ROM region all the same, and refuses a -device loader file at
# 0x20000000 ("Some ROM regions are overlapping").  Also:
#   - downgrade: V1 flashed back over each update that passed, booted on the
#     .noinit it left (after-<name>.bin): pram_migrate moves the containers
#     back, each must read as V1 left it (but those the update did not have,
#     and the buffer it reformed);
#   - a control: the rename update without pram_migrate must fail its
#     checks (crash2 would read crash's value);
#   - update-cut: for UPD_CUTS, the update again with a real reset right
#     after each store of the migration, one QEMU run each (the firmware
#     restores the dump itself before each cut); every resumed migration
#     must leave what an uncut one does.
#
# Outputs under $(BUILD)/update: upd-<name>.elf, dg-<name>.elf (V1, flashed
# back), cut-<name>.elf, run/*.log and the .noinit files.

# Every firmware gives .noinit the same fixed size (__pram_noinit_size,
# ld/pram_noinit.ld), as docs/lifecycle.md tells migrating firmware to: an
# update that holds fewer bytes must not let .data/.bss take the old
# containers' place before pram_migrate() runs.
UPD_NOINIT_SIZE ?= 2048
UPD_DIR  := $(BUILD)/update
UPD_RUN  := $(UPD_DIR)/run
# name:LAYOUT ("same" is V1 itself, booted on its own dump)
UPD_LAYOUTS := same:1 add_start:2 add_middle:3 add_end:4 remove:5 reorder:6 grow:7 schema:8 \
               add_buf:9 rename:10 ring_grow:11
UPD_NAMES   := $(foreach l,$(UPD_LAYOUTS),$(firstword $(subst :, ,$(l))))
upd_layout   = $(word 2,$(subst :, ,$(filter $(1):%,$(UPD_LAYOUTS))))
# The updates swept with a reset after every store of their migration.
UPD_CUTS    := add_start remove rename grow
# Updates to leave out: make qemu-update UPD_SKIP="remove ..." (said so).
UPD_SKIP    ?=
UPD_RUN_NAMES := $(filter-out $(UPD_SKIP),$(UPD_NAMES))
UPD_RUN_CUTS  := $(filter-out $(UPD_SKIP),$(UPD_CUTS))
UPD_TIMEOUT := 10
UPD_CUT_TIMEOUT := 60

UPD_CPU    := $(ARM_FLAGS_cortex-m3)
UPD_CFLAGS := $(FW_CFLAGS) $(UPD_CPU) -Itests/update
UPD_LINK   := $(ARM_CC) $(ARM_COMMON) $(UPD_CPU) $(FW_LDFLAGS) $(FW_LD_mps2-an385) \
              -Wl,--defsym=__pram_noinit_size=$(UPD_NOINIT_SIZE)
UPD_DEPS   := $(FW_LDDEPS_mps2-an385) ld/pram_containers.ld tests/update/update.mk

# The core as a library, so that a firmware gets only what it calls (linked
# as objects, pram_reboot's record would be one more container in each).
$(UPD_DIR)/libpram.a: $(call fw_core_obj,mps2-an385)
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(ARM_AR) rcs $@ $^

# The cut firmware's runtime and core: the store hook forced in everywhere.
UPD_CUT_OBJ  := $(UPD_DIR)/obj-cut
UPD_CUT_FLAG := -include tests/update/update_cut.h
$(eval $(call FW_OBJ_RULES,mps2-an385,$(UPD_CUT_OBJ),$(UPD_CUT_FLAG)))
UPD_CUT_COMMON := $(patsubst examples/%.c,$(UPD_CUT_OBJ)/%.o,$(FW_COMMON_SRCS))
UPD_CUT_CORE   := $(patsubst src/%.c,$(UPD_CUT_OBJ)/core/%.o,$(LIB_SRCS))
$(UPD_CUT_COMMON) $(UPD_CUT_CORE): tests/update/update_cut.h
$(UPD_DIR)/libpram-cut.a: $(UPD_CUT_CORE)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(ARM_AR) rcs $@ $^

# $(1) name, $(2) LAYOUT
define UPD_RULES
$(UPD_DIR)/obj/upd-$(1).o: tests/update/update_fw.c tests/update/update.mk | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(UPD_CFLAGS) -DLAYOUT=$(2) -MMD -MP -c $$< -o $$@
$(UPD_DIR)/upd-$(1).elf: $(UPD_DIR)/obj/upd-$(1).o $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) \
                         $(UPD_DIR)/libpram.a $(UPD_DEPS)
	$$(call say,LD,$$@)
	$(Q)$(UPD_LINK) -Wl,-Map=$$@.map $$(filter %.o %.a,$$^) -o $$@

$(UPD_DIR)/obj/dg-$(1).o: tests/update/update_fw.c tests/update/update.mk | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(UPD_CFLAGS) -DLAYOUT=1 -DDOWNGRADE_FROM=$(2) -MMD -MP -c $$< -o $$@
$(UPD_DIR)/dg-$(1).elf: $(UPD_DIR)/obj/dg-$(1).o $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) \
                        $(UPD_DIR)/libpram.a $(UPD_DEPS)
	$$(call say,LD,$$@)
	$(Q)$(UPD_LINK) -Wl,-Map=$$@.map $$(filter %.o %.a,$$^) -o $$@

$(UPD_DIR)/obj/cut-$(1).o: tests/update/update_fw.c tests/update/update_cut.h tests/update/update.mk | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(ARM_CC) $(UPD_CFLAGS) $(UPD_CUT_FLAG) -DUPDATE_CUT -DLAYOUT=$(2) -MMD -MP -c $$< -o $$@
$(UPD_DIR)/cut-$(1).elf: $(UPD_DIR)/obj/cut-$(1).o $(UPD_CUT_COMMON) $(UPD_DIR)/libpram-cut.a $(UPD_DEPS)
	$$(call say,LD,$$@)
	$(Q)$(UPD_LINK) -Wl,-Map=$$@.map $$(filter %.o %.a,$$^) -o $$@
endef
$(foreach l,$(UPD_LAYOUTS),$(eval $(call UPD_RULES,$(firstword $(subst :, ,$(l))),$(word 2,$(subst :, ,$(l))))))

# The control: rename, no pram_migrate.
$(UPD_DIR)/obj/control-rename.o: tests/update/update_fw.c tests/update/update.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(UPD_CFLAGS) -DUPDATE_CONTROL_NO_MIGRATE -DLAYOUT=$(call upd_layout,rename) -MMD -MP -c $< -o $@
$(UPD_DIR)/control-rename.elf: $(UPD_DIR)/obj/control-rename.o $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) \
                               $(UPD_DIR)/libpram.a $(UPD_DEPS)
	$(call say,LD,$@)
	$(Q)$(UPD_LINK) -Wl,-Map=$@.map $(filter %.o %.a,$^) -o $@

UPD_ELFS     := $(foreach n,$(UPD_NAMES),$(UPD_DIR)/upd-$(n).elf $(UPD_DIR)/dg-$(n).elf)
UPD_CUT_ELFS := $(foreach n,$(UPD_CUTS),$(UPD_DIR)/cut-$(n).elf)
UPD_ALL_ELFS := $(UPD_ELFS) $(UPD_CUT_ELFS) $(UPD_DIR)/control-rename.elf

# qemu-system-arm on mps2-an385 in $(UPD_RUN) (semihosting paths are QEMU's
# working directory's): ELF $(1) (a name in $(UPD_DIR)), more options $(2),
# output to $(3) (a name in $(UPD_RUN)), time limit $(4).
UPD_COMMA := ,
upd_qemu = (cd $(UPD_RUN) && timeout $(4) $(QEMU_ARM) -M mps2-an385 -nographic \
             -semihosting-config enable=on,target=native -kernel $(abspath $(UPD_DIR))/$(1) $(2) \
             </dev/null >$(3) 2>&1)
UPD_DUMP := $(UPD_RUN)/v1.noinit.bin

.PHONY: qemu-update update-fw
update-fw: deps $(UPD_ALL_ELFS)

qemu-update: deps $(UPD_ALL_ELFS)
	@set -e; rm -rf $(UPD_RUN); mkdir -p $(UPD_RUN); \
	for e in $(UPD_ALL_ELFS); do \
	  s=$$($(ARM_NM) $$e | awk '$$3 == "__pram_noinit_start" { print $$1 }'); \
	  [ "$$s" = 20000000 ] || { echo "qemu-update: FAIL $$e: __pram_noinit_start is 0x$$s, not 0x20000000"; exit 1; }; \
	done; \
	v1=$(UPD_DIR)/upd-same.elf; \
	size=$$($(ARM_NM) $$v1 | awk '$$3 == "__pram_noinit_start" { s = $$1 } $$3 == "__pram_noinit_end" { e = $$1 } \
	  END { print e, s }' | { read e s; echo $$((0x$$e - 0x$$s)); }); \
	$(call upd_qemu,upd-same.elf,,v1.log,$(UPD_TIMEOUT)) || { cat $(UPD_RUN)/v1.log; echo "qemu-update: FAIL V1"; exit 1; }; \
	grep -qx "update v1: containers written, .noinit dumped to v1.noinit.bin, bytes $$size" $(UPD_RUN)/v1.log && \
	  [ "$$(wc -c <$(UPD_DUMP))" -eq "$$size" ] || \
	  { cat $(UPD_RUN)/v1.log; echo "qemu-update: FAIL V1 did not leave its $$size bytes of .noinit"; exit 1; }; \
	echo "qemu-update: V1 (boot A/B 8 B, crash 32 B, log ring 256 B, metrics A/B 16 B) wrote every container, $$size bytes of .noinit kept"; \
	pids=""; \
	for n in $(UPD_RUN_CUTS); do \
	  $(call upd_qemu,cut-$$n.elf,-device loader$(UPD_COMMA)file=v1.noinit.bin$(UPD_COMMA)addr=0x21000000 \
	    -device loader$(UPD_COMMA)addr=0x210FFFF0$(UPD_COMMA)data=$$size$(UPD_COMMA)data-len=4,cut-$$n.log,$(UPD_CUT_TIMEOUT)) & \
	  pids="$$pids $$!"; \
	done; \
	fail=0; \
	for n in $(UPD_RUN_NAMES); do \
	  $(call upd_qemu,upd-$$n.elf,-device loader$(UPD_COMMA)file=v1.noinit.bin$(UPD_COMMA)addr=0x20400000,$$n.log,$(UPD_TIMEOUT)) || true; \
	  if grep -qx "update $$n: ok" $(UPD_RUN)/$$n.log; then \
	    sed -n -e "s/^update $$n: pram_migrate /    $$n: /p" -e "s/^update $$n: note /    $$n: note: /p" $(UPD_RUN)/$$n.log; \
	    $(call upd_qemu,dg-$$n.elf,-device loader$(UPD_COMMA)file=after-$$n.bin$(UPD_COMMA)addr=0x20400000,dg-$$n.log,$(UPD_TIMEOUT)) || true; \
	    if grep -qx "downgrade $$n: ok" $(UPD_RUN)/dg-$$n.log; then \
	      sed -n "s/^downgrade $$n: pram_migrate /      and V1 again: /p" $(UPD_RUN)/dg-$$n.log; \
	    else echo "qemu-update: FAIL V1 flashed back over $$n:"; sed 's/^/    /' $(UPD_RUN)/dg-$$n.log; fail=1; fi; \
	  else \
	    echo "qemu-update: FAIL $$n (so V1 is not flashed back over it):"; sed 's/^/    /' $(UPD_RUN)/$$n.log; fail=1; fi; \
	done; \
	$(call upd_qemu,control-rename.elf,-device loader$(UPD_COMMA)file=v1.noinit.bin$(UPD_COMMA)addr=0x20400000,control-rename.log,$(UPD_TIMEOUT)) || true; \
	if grep -qx "update-control rename: failed, as it must without pram_migrate" $(UPD_RUN)/control-rename.log && \
	   grep -q "FAIL crash2 should be empty (PRAM_OK)" $(UPD_RUN)/control-rename.log; then \
	  echo "qemu-update: control: without pram_migrate, rename's crash2 starts with crash's value (the check bites)"; \
	else echo "qemu-update: FAIL the control:"; sed 's/^/    /' $(UPD_RUN)/control-rename.log; fail=1; fi; \
	for p in $$pids; do wait $$p || true; done; \
	for n in $(UPD_RUN_CUTS); do \
	  log=$(UPD_RUN)/cut-$$n.log; \
	  if grep -qx "update-cut $$n: ok" $$log; then \
	    stores=$$(sed -n "s/^update-cut $$n: stores in the migration //p" $$log); \
	    res=$$(sed -n "s/^update-cut $$n: resumed //p" $$log); \
	    echo "    cut $$n: a reset after each of its $$stores stores, each resumed and checked: $$res"; \
	  else \
	    echo "qemu-update: FAIL cut $$n ($$(grep -c 'FAIL after' $$log) failed cuts; the first, and the summary; all in $$log):"; \
	    { sed -n '1,/FAIL after/p' $$log | head -n 12; grep "^update-cut $$n: [^F]" $$log; grep -x "update-cut $$n: FAIL" $$log; } | \
	      sed 's/^/    /'; fail=1; fi; \
	done; \
	$(if $(strip $(UPD_SKIP)),echo "qemu-update: SKIPPED (UPD_SKIP): $(strip $(UPD_SKIP))";) \
	[ $$fail -eq 0 ] || { echo "qemu-update: FAIL"; exit 1; }; \
	echo "qemu-update: ok: $(words $(UPD_RUN_NAMES)) updates from V1 on QEMU mps2-an385, RAM kept across runs, every container as its layout says, and V1 flashed back over each; $(words $(UPD_RUN_CUTS)) ($(UPD_RUN_CUTS)) with a real reset after every store of the migration; .noinit fixed at $(UPD_NOINIT_SIZE) bytes"
