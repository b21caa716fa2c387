# pramdump (src/host/pramdump, docs/pramdump.md) and make test-pramdump.
# Included by the top Makefile (tests/*/*.mk); uses CC, CSTD, LIB_WARN,
# TEST_WARN, INC, LIB_SRCS, SAN_FLAGS, BUILD, `deps`, and examples.mk's
# FW_CFLAGS, FW_LDFLAGS, FW_LD_mps2-an385, ARM_CC, fw_obj, fw_core_obj.
#
#   make pramdump        $(BUILD)/host/pramdump
#   make test-pramdump   tests/pramdump/run.py: pramdump on RAM images
#                        QEMU left (update firmware V1 and its updates, a
#                        firmware that crashed), damaged images against the
#                        firmware's own verdict, an ELF64 host program,
#                        garbage and truncated inputs under ASan+UBSan,
#                        --json through python3's parser, the manifest gate
#
# pramdump links the core (src/*.c, not src/host/) compiled for this host
# with the default configuration, except PRAM_CELL_MAX_SIZE at the format's
# limit (8187), so that a cell of any size a firmware may have is checked.

PD_SRCS    := $(wildcard src/host/pramdump/*.c)
PD_DEFS    := -DPRAM_CELL_MAX_SIZE=8187u
PD_CFLAGS  := $(CSTD) $(LIB_WARN) $(PD_DEFS) -D_DEFAULT_SOURCE $(INC) -Isrc -Isrc/host/pramdump
PD_DIR     := $(BUILD)/pramdump
PD_BIN     := $(BUILD)/host/pramdump
PD_ASAN    := $(PD_DIR)/pramdump-asan

# $(1) object directory, $(2) flags
define PD_OBJS
$(1)/core/%.o: src/%.c | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(CC) $(PD_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(1)/pd/%.o: src/host/pramdump/%.c | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(CC) $(PD_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
endef
$(eval $(call PD_OBJS,$(PD_DIR)/obj,-O2 -g))
$(eval $(call PD_OBJS,$(PD_DIR)/obj-asan,-O1 -g $(SAN_FLAGS)))
pd_objs = $(patsubst src/host/pramdump/%.c,$(1)/pd/%.o,$(PD_SRCS)) $(patsubst src/%.c,$(1)/core/%.o,$(LIB_SRCS))

$(PD_BIN): $(call pd_objs,$(PD_DIR)/obj)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $^ -o $@
$(PD_ASAN): $(call pd_objs,$(PD_DIR)/obj-asan)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(SAN_FLAGS) $^ -o $@

.PHONY: pramdump
pramdump: $(PD_BIN)

# ---- Test firmware and programs ---------------------------------------------------
# A firmware that crashes once and dumps .noinit on the next boot
# (tests/pramdump/pd_crash_fw.c), on the mps2-an385 board's runtime and core.
PD_CRASH_ELF := $(PD_DIR)/pd_crash.elf
$(PD_DIR)/fw/pd_crash_fw.o: tests/pramdump/pd_crash_fw.c tests/pramdump/pramdump.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(ARM_CC) $(FW_CFLAGS) $(ARM_FLAGS_cortex-m3) -MMD -MP -c $< -o $@
$(PD_CRASH_ELF): $(PD_DIR)/fw/pd_crash_fw.o $(call fw_obj,mps2-an385,$(FW_COMMON_SRCS)) \
                 $(call fw_core_obj,mps2-an385) $(FW_LDDEPS_mps2-an385)
	$(call say,LD,$@)
	$(Q)$(ARM_CC) $(ARM_COMMON) $(ARM_FLAGS_cortex-m3) $(FW_LDFLAGS) $(FW_LD_mps2-an385) \
	    -Wl,--defsym=pram_fault_ram_start=__pram_noinit_start -Wl,--defsym=pram_fault_ram_end=__stack_top \
	    -Wl,-Map=$@.map $(filter %.o,$^) -o $@

# An ELF64 program (this host) that defines containers, writes them and
# dumps their bytes (tests/pramdump/pd_host_fw.c); not PIE, so that the
# manifest's addresses are the ones it runs at.
PD_HOST_ELF := $(PD_DIR)/pd_host_fw
$(PD_DIR)/pd_host_fw.o: tests/pramdump/pd_host_fw.c tests/pramdump/pramdump.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) $(PD_DEFS) -O1 -g -fno-pie -D_DEFAULT_SOURCE $(INC) -MMD -MP -c $< -o $@
$(PD_HOST_ELF): $(PD_DIR)/pd_host_fw.o $(patsubst src/%.c,$(PD_DIR)/obj/core/%.o,$(LIB_SRCS))
	$(call say,LD,$@)
	$(Q)$(CC) -no-pie $^ -o $@

# The update firmware (tests/update/update.mk) whose RAM images the test
# makes and reads.
PD_UPD := same add_buf grow schema remove ring_grow
PD_UPD_ELFS := $(foreach n,$(PD_UPD),$(BUILD)/update/upd-$(n).elf)

.PHONY: test-pramdump
test-pramdump: deps $(PD_BIN) $(PD_ASAN) $(PD_CRASH_ELF) $(PD_HOST_ELF) $(PD_UPD_ELFS)
	@PRAMDUMP=$(PD_BIN) PRAMDUMP_ASAN=$(PD_ASAN) QEMU=$(QEMU_ARM) READELF=$(ARM_READELF) \
	 OBJCOPY=$(ARM_OBJCOPY) UPD_DIR=$(BUILD)/update UPD_NAMES="$(PD_UPD)" CRASH_ELF=$(PD_CRASH_ELF) \
	 HOST_ELF=$(PD_HOST_ELF) \
	 python3 tests/pramdump/run.py $(PD_DIR)/run
ARM_OBJCOPY ?= arm-none-eabi-objcopy
