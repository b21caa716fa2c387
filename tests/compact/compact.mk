# Compact cells (issue 15; include/pram/pram_compact.h, docs/compact.md).
# Included by the top Makefile after examples/examples.mk; uses its board
# objects (mps2-an385), FW_CFLAGS, FW_LDFLAGS, FW_LD_mps2-an385, ARM_CC,
# ARM_AR, QEMU_ARM, BUILD and `deps`.
#
#   make qemu-compact            an A/B uint32_t boot counter in four 32-bit
#                                registers (a width-4 region of 16 bytes)
#                                counting 1..5 across real resets
#                                (SYSRESETREQ) on QEMU mps2-an385
#   make check-compact-nostdlib  every compact call linked with the core
#                                with -nostdlib and no libgcc, Cortex-M0+ and
#                                M4F, every -O level (tests/size/nostdlib.sh)
# The host tests are tests/test_compact.c (make test-gcc/clang/asan).

CMP_DIR := $(BUILD)/compact
CMP_ELF := $(CMP_DIR)/compact_fw.elf

# The core as a library, so that the firmware gets only what it calls.
$(CMP_DIR)/libpram.a: $(call fw_core_obj,mps2-an385)
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(ARM_AR) rcs $@ $^

$(CMP_DIR)/obj/compact_fw.o: tests/compact/compact_fw.c tests/compact/compact.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(FW_BOARD_DEFS_mps2-an385) $(ARM_FLAGS_cortex-m3) -MMD -MP -c $< -o $@

$(CMP_ELF): $(CMP_DIR)/obj/compact_fw.o $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) $(CMP_DIR)/libpram.a \
            $(FW_LDDEPS_mps2-an385)
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_cortex-m3) $(FW_LDFLAGS) $(FW_LD_mps2-an385) \
	    -Wl,-Map=$@.map $(filter %.o %.a,$^) -o $@

# The control: the same firmware with its registers in .bss (zeroed by
# startup code at every boot) must never count past 1.
CMP_CTL_ELF := $(CMP_DIR)/compact_fw_bss.elf
$(CMP_DIR)/obj/compact_fw_bss.o: tests/compact/compact_fw.c tests/compact/compact.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(FW_BOARD_DEFS_mps2-an385) $(ARM_FLAGS_cortex-m3) -DCOMPACT_CONTROL_BSS \
	    -MMD -MP -c $< -o $@
$(CMP_CTL_ELF): $(CMP_DIR)/obj/compact_fw_bss.o $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) $(CMP_DIR)/libpram.a \
                $(FW_LDDEPS_mps2-an385)
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_cortex-m3) $(FW_LDFLAGS) $(FW_LD_mps2-an385) \
	    -Wl,-Map=$@.map $(filter %.o %.a,$^) -o $@

-include $(CMP_DIR)/obj/compact_fw.d $(CMP_DIR)/obj/compact_fw_bss.d

.PHONY: qemu-compact
qemu-compact: deps $(CMP_ELF) $(CMP_CTL_ELF)
	@READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $(CMP_ELF)
	@QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 30 -x '^boot [0-9]+$$' -f '^compact: FAIL' \
	  -l $(CMP_DIR)/compact.qemu.log mps2-an385 $(CMP_ELF) \
	  "compact: region bytes 16" "compact: cell bytes 16" \
	  "boot 1" "boot 2" "boot 3" "boot 4" "boot 5" \
	  "compact: done, 5 boots counted in 16 bytes (A/B uint32_t), guards intact"
	@echo "qemu-compact: control run, the registers in .bss (must never count past 1):"
	@QEMU=$(QEMU_ARM) sh examples/tools/run_qemu.sh -t 3 -s timeout -f '^boot ([02-9]|[1-9][0-9]+)$$' \
	  -l $(CMP_DIR)/compact_bss.qemu.log mps2-an385 $(CMP_CTL_ELF) "boot 1" "boot 1" "boot 1"
	@echo "qemu-compact: ok: an A/B uint32_t compact cell in a 16-byte width-4 region counted boots 1..5 across 4 real resets on QEMU mps2-an385; the guard words around it never changed"

# tests/size/nostdlib.sh builds its directory's nostdlib_fw.c: run a copy of
# it beside a copy of tests/compact/nostdlib_compact.c under that name.
CMP_NS_DIR := $(CMP_DIR)/nostdlib
.PHONY: check-compact-nostdlib
check-compact-nostdlib: deps
	@mkdir -p $(CMP_NS_DIR)/tool
	@cp tests/size/nostdlib.sh $(CMP_NS_DIR)/tool/nostdlib.sh
	@cp tests/compact/nostdlib_compact.c $(CMP_NS_DIR)/tool/nostdlib_fw.c
	@NOSTDLIB_TARGETS="$$(printf '%s\n' 'cortex-m0plus|$(ARM_CC) -mthumb $(ARM_FLAGS_cortex-m0plus)|$(ARM_SIZE)||' \
	   'cortex-m4|$(ARM_CC) -mthumb $(ARM_FLAGS_cortex-m4)|$(ARM_SIZE)||')" \
	 NOSTDLIB_CFLAGS="$(CSTD) $(LIB_WARN) -ffreestanding -ffunction-sections -fdata-sections $(INC) -Isrc" \
	 NOSTDLIB_SRCS="$(LIB_SRCS)" NOSTDLIB_OPTS="$(NOSTDLIB_OPTS)" NOSTDLIB_ALLOW_UNDEF= SIZE_JOBS="$(SIZE_JOBS)" \
	 sh $(CMP_NS_DIR)/tool/nostdlib.sh $(CMP_NS_DIR)/out >$(CMP_NS_DIR)/result.txt; st=$$?; \
	 sed 's/^check-nostdlib:/check-compact-nostdlib:/' $(CMP_NS_DIR)/result.txt; exit $$st
