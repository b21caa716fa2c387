# make test-cpp: pram from C++ (docs/cpp.md).  Included by the top Makefile
# (tests/*/*.mk); uses CC, CLANG, CSTD, LIB_WARN, TEST_WARN, INC, LIB_SRCS,
# HOST_SRCS, SAN_FLAGS, ARM_FLAGS_<cpu>, BUILD and its `deps`.
#
#   1. tests/cpp/test_cpp.cpp (cmocka; pram::Cell, Mutator, Buffer against C
#      cells compiled as C, and the C macros expanded in C++) under g++ -O2,
#      clang++ -O2 with UBSan, and g++ -O1 with ASan+UBSan, all with
#      -fno-exceptions -fno-rtti;
#   2. every public header alone, and tests/cpp/cpp_macros.cpp (every C
#      macro), as C++11, 14, 17 and 20 (pram.hpp: C++17 and 20) with g++ and
#      clang++, -Wall -Wextra -Wpedantic -Werror -Wzero-as-null-pointer-constant
#      -Wconversion -Wsign-conversion (not -Wold-style-cast: C casts);
#   3. tests/cpp/must_not_compile/*.cpp must fail, with the message on their
#      "// expect:" line (and the standard on "// std:", default c++17);
#   4. tests/cpp/cpp_fw.cpp cross-compiled (-fno-exceptions -fno-rtti) for
#      Cortex-M4F and M0+ at -Os and -O0, linked with the core library and
#      -nostdlib -nostartfiles: nothing undefined (no libc, libstdc++,
#      libgcc), no static constructor, the cells NOBITS;
#   5. the same uint32_t cell calls through the C macros and pram::Cell, at
#      -Os for Cortex-M4F: sizes printed, fails if the C++ program is larger.

CXX_GCC         ?= g++
CXX_CLANG       ?= clang++
ARM_CXX         ?= arm-none-eabi-g++
CPP_ARM_NM      ?= arm-none-eabi-nm
CPP_ARM_OBJDUMP ?= arm-none-eabi-objdump
CPP_ARM_SIZE    ?= arm-none-eabi-size
CPP_ARM_READELF ?= arm-none-eabi-readelf

CPP_DIR      := $(BUILD)/cpp
CPP_FLAGS    := -std=c++17 -fno-exceptions -fno-rtti
CPP_WARN     := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef
# What the headers are held to (cmocka's macros are not: NULL in them).
CPP_HDR_WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef -Wzero-as-null-pointer-constant \
                -Wconversion -Wsign-conversion -Wcast-qual
CPP_HDRS     := $(wildcard include/pram/*.h)
CPP_C_STDS   := c++11 c++14 c++17 c++20
CPP_HPP_STDS := c++17 c++20
CPP_MNC      := $(wildcard tests/cpp/must_not_compile/*.cpp)
CPP_ARM_CPUS := cortex-m4 cortex-m0plus
CPP_ARM_OPTS := -Os -O0
CPP_ARM_LD   := -nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,main

# ---- 1. the host test: $(1) name, $(2) C compiler, $(3) C++ compiler, $(4) flags
define CPP_VARIANT
$(CPP_DIR)/$(1)/obj/%.o: src/%.c | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(2) $(CSTD) $(LIB_WARN) $(4) -D_DEFAULT_SOURCE -MMD -MP $(INC) -c $$< -o $$@

$(CPP_DIR)/$(1)/t/%.o: tests/cpp/%.c | deps
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(2) $(CSTD) $(TEST_WARN) $(4) -MMD -MP $(INC) -c $$< -o $$@

$(CPP_DIR)/$(1)/t/%.o: tests/cpp/%.cpp | deps
	@mkdir -p $$(@D)
	$$(call say,CXX,$$@)
	$(Q)$(3) $(CPP_FLAGS) $(CPP_WARN) $(4) -MMD -MP $(INC) -Itests/cpp -c $$< -o $$@

$(CPP_DIR)/$(1)/test_cpp: $(addprefix $(CPP_DIR)/$(1)/t/,test_cpp.o cpp_macros.o c_cells.o) \
                          $(patsubst src/%.c,$(CPP_DIR)/$(1)/obj/%.o,$(LIB_SRCS) $(HOST_SRCS))
	$$(call say,LD,$$@)
	$(Q)$(3) $(CPP_FLAGS) $(4) $$^ -lcmocka -o $$@
endef
$(eval $(call CPP_VARIANT,gxx,$(CC),$(CXX_GCC),-O2 -g))
$(eval $(call CPP_VARIANT,clangxx,$(CLANG),$(CXX_CLANG),-O2 -g -fsanitize=undefined -fno-sanitize-recover=all))
$(eval $(call CPP_VARIANT,asan,$(CC),$(CXX_GCC),-O1 -g $(SAN_FLAGS)))
CPP_VARIANTS := gxx clangxx asan

# ---- 2. headers and C macros from C++ (a stamp: redone when one changes)
$(CPP_DIR)/headers.ok: $(CPP_HDRS) include/pram/pram.hpp tests/cpp/cpp_macros.cpp | deps
	@mkdir -p $(@D)
	@set -e; n=0; for cxx in $(CXX_GCC) $(CXX_CLANG); do \
	  for std in $(CPP_C_STDS); do \
	    for h in $(CPP_HDRS); do \
	      extra=""; case $$h in *pram_sim.h) extra='-DPRAM_USER_CONFIG="pram/pram_sim_config.h"';; esac; \
	      echo "#include \"pram/$${h##*/}\"" | $$cxx -std=$$std $(CPP_HDR_WARN) $$extra $(INC) -x c++ -fsyntax-only - \
	        || { echo "test-cpp: $$h does not compile alone as $$std with $$cxx"; exit 1; }; n=$$((n + 1)); \
	    done; \
	    $$cxx -std=$$std $(CPP_HDR_WARN) $(INC) -fsyntax-only tests/cpp/cpp_macros.cpp \
	      || { echo "test-cpp: the C macros do not compile as $$std with $$cxx"; exit 1; }; \
	  done; \
	  for std in $(CPP_HPP_STDS); do \
	    echo '#include "pram/pram.hpp"' | $$cxx -std=$$std $(CPP_HDR_WARN) -fno-exceptions -fno-rtti $(INC) -x c++ -fsyntax-only - \
	      || { echo "test-cpp: pram.hpp does not compile alone as $$std with $$cxx"; exit 1; }; n=$$((n + 1)); \
	  done; \
	done; echo "test-cpp: every public header alone as C++ ($$n compiles: g++, clang++; $(CPP_C_STDS), pram.hpp $(CPP_HPP_STDS)) and the C macros, warning-free"
	@touch $@

# ---- 3. what must not compile, and why
$(CPP_DIR)/must_not_compile.ok: $(CPP_MNC) include/pram/pram.hpp $(CPP_HDRS) | deps
	@mkdir -p $(@D)
	@set -e; for f in $(CPP_MNC); do \
	  exp=$$(sed -n 's|^// expect: ||p' $$f); std=$$(sed -n 's|^// std: ||p' $$f); \
	  for cxx in $(CXX_GCC) $(CXX_CLANG); do \
	    if $$cxx -std=$${std:-c++17} $(INC) -fsyntax-only $$f >$(CPP_DIR)/mnc.log 2>&1; then \
	      echo "test-cpp: $$f compiles with $$cxx, and must not"; exit 1; fi; \
	    grep -qF "$$exp" $(CPP_DIR)/mnc.log || { echo "test-cpp: $$f fails with $$cxx, but not with \"$$exp\":"; \
	      head -n 8 $(CPP_DIR)/mnc.log; exit 1; }; \
	  done; \
	done; echo "test-cpp: $(words $(CPP_MNC)) programs refused with their own message (g++, clang++)"
	@touch $@

# ---- 4. the firmware link, per CPU and -O level
define CPP_ARM
$(CPP_DIR)/arm/$(1)$(2)/cpp_fw.elf: tests/cpp/cpp_fw.cpp $(BUILD)/arm/$(1)/libpram.a $(CPP_HDRS) include/pram/pram.hpp | deps
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(ARM_CXX) $(CPP_FLAGS) $(CPP_HDR_WARN) -mthumb $(ARM_FLAGS_$(1)) $(2) -ffunction-sections -fdata-sections \
	  $(INC) -c $$< -o $$(@D)/cpp_fw.o
	$(Q)$(ARM_CXX) -mthumb $(ARM_FLAGS_$(1)) $(2) $$(@D)/cpp_fw.o $(BUILD)/arm/$(1)/libpram.a $(CPP_ARM_LD) -o $$@
endef
$(foreach cpu,$(CPP_ARM_CPUS),$(foreach o,$(CPP_ARM_OPTS),$(eval $(call CPP_ARM,$(cpu),$(o)))))
CPP_ARM_ELFS := $(foreach cpu,$(CPP_ARM_CPUS),$(foreach o,$(CPP_ARM_OPTS),$(CPP_DIR)/arm/$(cpu)$(o)/cpp_fw.elf))

# ---- 5. C and C++ code size (Cortex-M4F, -Os)
CPP_SZ_FLAGS := -mthumb $(ARM_FLAGS_cortex-m4) -Os -ffunction-sections -fdata-sections $(INC)
$(CPP_DIR)/size/%_c.o: tests/cpp/%_c.c | deps
	@mkdir -p $(@D)
	$(Q)$(ARM_CC) $(CSTD) $(LIB_WARN) -ffreestanding $(CPP_SZ_FLAGS) -MMD -MP -c $< -o $@
$(CPP_DIR)/size/size_main.o: tests/cpp/size_main.c | deps
	@mkdir -p $(@D)
	$(Q)$(ARM_CC) $(CSTD) $(LIB_WARN) -ffreestanding $(CPP_SZ_FLAGS) -MMD -MP -c $< -o $@
$(CPP_DIR)/size/%_cpp.o: tests/cpp/%_cpp.cpp | deps
	@mkdir -p $(@D)
	$(Q)$(ARM_CXX) $(CPP_FLAGS) $(CPP_WARN) $(CPP_SZ_FLAGS) -MMD -MP -c $< -o $@
$(CPP_DIR)/size/%.elf: $(CPP_DIR)/size/%.o $(CPP_DIR)/size/size_main.o $(BUILD)/arm/cortex-m4/libpram.a
	$(Q)$(ARM_CXX) -mthumb $(ARM_FLAGS_cortex-m4) $^ $(CPP_ARM_LD) -o $@

.PHONY: test-cpp
test-cpp: deps $(foreach v,$(CPP_VARIANTS),$(CPP_DIR)/$(v)/test_cpp) $(CPP_DIR)/headers.ok \
          $(CPP_DIR)/must_not_compile.ok $(CPP_ARM_ELFS) \
          $(addprefix $(CPP_DIR)/size/,size_c.o size_cpp.o size_c.elf size_cpp.elf)
	@set -e; for v in $(CPP_VARIANTS); do \
	  echo "-- test-cpp: $$v"; $(CPP_DIR)/$$v/test_cpp; done
	@set -e; for elf in $(CPP_ARM_ELFS); do \
	  what="test-cpp: $$(echo $$elf | sed 's|$(CPP_DIR)/arm/||; s|/cpp_fw.elf||')"; \
	  if $(CPP_ARM_READELF) -SW $$elf | grep -Eq '\.(init_array|ctors|preinit_array)'; then \
	    echo "$$what: the firmware has a static constructor"; exit 1; fi; \
	  $(CPP_ARM_READELF) -SW $$elf | grep -Eq '\.noinit +NOBITS' || { echo "$$what: .noinit is not NOBITS"; exit 1; }; \
	  echo "$$what: pram.hpp firmware linked with -nostdlib, nothing undefined, no constructor, .noinit NOBITS (text $$($(CPP_ARM_SIZE) $$elf | awk 'NR == 2 { print $$1 }') B)"; \
	done
	@NM=$(CPP_ARM_NM) OBJDUMP=$(CPP_ARM_OBJDUMP) SIZE=$(CPP_ARM_SIZE) sh tests/cpp/size_compare.sh \
	  $(addprefix $(CPP_DIR)/size/,size_c.o size_cpp.o size_c.elf size_cpp.elf)
	@echo "test-cpp: passed"
