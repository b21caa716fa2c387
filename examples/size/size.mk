# make size: flash and RAM one cell adds over an empty baseline, per CPU, CRC
# variant and commit mode, plus RV32 (examples/size/size.sh does the work).
RV_CC       ?= riscv64-unknown-elf-gcc
SIZE_BUDGET ?= 300

define SIZE_TARGETS
$(foreach cpu,$(ARM_CPUS),$(cpu)|$(ARM_CC) -mthumb $(ARM_FLAGS_$(cpu))|arm-none-eabi-size
)rv32imac|$(RV_CC) -march=rv32imac -mabi=ilp32|riscv64-unknown-elf-size
endef
export SIZE_TARGETS

.PHONY: size
size: deps
	@echo "size: one cell (get, set, edit scope, invalidate) over an empty baseline, -Os"
	@TARGETS="$$SIZE_TARGETS" \
	 CFLAGS_COMMON="$(CSTD) $(LIB_WARN) -Os -ffunction-sections -fdata-sections -ffreestanding -DNDEBUG $(INC)" \
	 sh examples/size/size.sh $(BUILD)/size $(SIZE_BUDGET)
