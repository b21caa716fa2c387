# make test-placement: the same containers get the same addresses whatever
# builds the firmware (issue 13).  Included by the top Makefile after
# examples/examples.mk; uses ARM_CC, CLANG, ARM_NM, ARM_OBJDUMP, ARM_READELF,
# QEMU_ARM, CSTD, LIB_WARN, INC, FW_DEFS, FW_LDFLAGS, BUILD and `deps`.
#
# tests/placement/place_a.c and place_b.c define eight containers (cells of
# 4, 12 and 40 bytes and one aligned to 8, single and A/B; a ring and a
# linear buffer), each file in an order that is not the names' order.  The
# firmware, core and runtime are built for Cortex-M3 with arm-none-eabi-gcc
# and with clang (--target=thumbv7m-none-eabi) at -O0, -Os and -O2, all
# linked by arm-none-eabi-gcc with ld/mps2_an385.ld (--gc-sections,
# --orphan-handling=error), plus the gcc -Os objects linked in reverse
# order.  tests/placement/placement.sh then requires every `<name>__storage`
# at the same offset from __pram_noinit_start in all seven ELFs, and each
# ELF's pram_containers table to list exactly those containers.  A control
# build (-DPLACEMENT_UNSORTED: the containers in plain .noinit) must be told
# apart.  Each ELF also passes the placement gate (check_elf.sh) and runs on
# QEMU mps2-an385 (pram_migrate: first boot, every container written).
#
# Outputs: $(BUILD)/placement/<build>.elf (+ .map), objects under <build>/.

PL_DIR    := $(BUILD)/placement
PL_APP    := tests/placement/place_a.c tests/placement/place_b.c
PL_COMMON := examples/common/startup.c examples/common/semihost.c examples/common/fmt.c
# The core this firmware calls (a library would give the same: --gc-sections
# drops the rest).
PL_CORE   := $(addprefix src/,pram_migrate.c pram_cell.c pram_cell_region.c pram_buf.c pram_mem.c \
                                pram_crc16.c pram_crc32.c)
PL_SRCS   := $(PL_APP) $(PL_COMMON) $(PL_CORE)

PL_CC_gcc   := $(ARM_CC) -mthumb -mcpu=cortex-m3 -mfloat-abi=soft
PL_CC_clang := $(CLANG) --target=thumbv7m-none-eabi -mcpu=cortex-m3 -mfloat-abi=soft
PL_CFLAGS   := $(CSTD) $(LIB_WARN) -ffreestanding -ffunction-sections -fdata-sections $(FW_DEFS) $(INC)
PL_LINK     := $(ARM_CC) -mthumb -mcpu=cortex-m3 -mfloat-abi=soft $(FW_LDFLAGS) -T ld/mps2_an385.ld
PL_LDDEPS   := ld/mps2_an385.ld ld/pram_noinit.ld ld/pram_containers.ld ld/nonalloc.ld

PL_OPTS   := -O0 -Os -O2
PL_BUILDS := $(foreach c,gcc clang,$(addprefix $(c),$(PL_OPTS)))
pl_objs = $(patsubst %.c,$(PL_DIR)/$(1)/%.o,$(2))
pl_reverse = $(if $(1),$(call pl_reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))

# $(1) build, $(2) gcc or clang, $(3) -O level
define PL_BUILD_RULES
$(PL_DIR)/$(1)/%.o: %.c tests/placement/place.h tests/placement/placement.mk | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(PL_CC_$(2)) $(PL_CFLAGS) $(3) -MMD -MP -c $$< -o $$@

$(PL_DIR)/$(1).elf: $(call pl_objs,$(1),$(PL_SRCS)) $(PL_LDDEPS)
	$$(call say,LD,$$@)
	$(Q)$(PL_LINK) -Wl,-Map=$$@.map $$(filter %.o,$$^) -o $$@
endef
$(foreach c,gcc clang,$(foreach o,$(PL_OPTS),$(eval $(call PL_BUILD_RULES,$(c)$(o),$(c),$(o)))))

# The gcc -Os objects, every one of them in the reverse order.
$(PL_DIR)/gcc-Os-rev.elf: $(call pl_objs,gcc-Os,$(PL_SRCS)) $(PL_LDDEPS)
	$(call say,LD,$@)
	$(Q)$(PL_LINK) -Wl,-Map=$@.map $(call pl_reverse,$(filter %.o,$^)) -o $@

# The control: the two container files rebuilt with the containers in plain
# .noinit, everything else from the gcc -Os build.
$(PL_DIR)/unsorted/%.o: %.c tests/placement/place.h tests/placement/placement.mk | deps
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(PL_CC_gcc) $(PL_CFLAGS) -Os -DPLACEMENT_UNSORTED -MMD -MP -c $< -o $@
$(PL_DIR)/unsorted.elf: $(call pl_objs,unsorted,$(PL_APP)) \
                        $(call pl_objs,gcc-Os,$(PL_COMMON) $(PL_CORE)) $(PL_LDDEPS)
	$(call say,LD,$@)
	$(Q)$(PL_LINK) -Wl,-Map=$@.map $(filter %.o,$^) -o $@

PL_ELFS := $(addprefix $(PL_DIR)/,$(addsuffix .elf,$(PL_BUILDS) gcc-Os-rev))

.PHONY: test-placement
test-placement: deps $(PL_ELFS) $(PL_DIR)/unsorted.elf
	@set -e; READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $(PL_ELFS) >$(PL_DIR)/check_elf.log || \
	  { cat $(PL_DIR)/check_elf.log; exit 1; }
	@set -e; for e in $(PL_ELFS); do \
	  out=$$(timeout 10 $(QEMU_ARM) -M mps2-an385 -nographic -semihosting-config enable=on,target=native \
	    -kernel $$e </dev/null 2>&1) || { echo "$$out"; echo "test-placement: $$e failed on QEMU"; exit 1; }; \
	  printf '%s\n' "$$out" | grep -qx 'placement: pram_migrate 8' || \
	    { echo "$$out"; echo "test-placement: $$e: pram_migrate did not report a first boot"; exit 1; }; \
	done
	@NM=$(ARM_NM) OBJDUMP=$(ARM_OBJDUMP) sh tests/placement/placement.sh -c $(PL_DIR)/unsorted.elf $(PL_ELFS)
	@echo "test-placement: ok: $(words $(PL_ELFS)) builds ($(PL_BUILDS) gcc-Os-rev) pass the ELF gate, run on QEMU and place every container alike"
