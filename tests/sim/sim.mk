# The host power-cut test kit (include/pram/pram_sim.h): its own tests
# (tests/sim/test_sim.c, cmocka) and the update-flag example
# (examples/update_flag/), all built with the kit's configuration (SIM_DEFS,
# pram_sim_config.h: the store hook on) against a libpram_sim.a of the same
# flags, under gcc -O2, clang -O2 + UBSan and gcc ASan+UBSan.  Included by the top Makefile
# (uses CC, CSTD, LIB_WARN, TEST_WARN, SAN_FLAGS, INC, LIB_SRCS, HOST_SRCS,
# SIM_SRCS, SIM_DEFS, BUILD and `deps`).
#
#   make test-sim   per variant: test_sim; update_flag_test (correct commit
#                   order: no violation at any store); update_flag_test_wrong
#                   (-DUPDATE_FLAG_WRONG_ORDER: passes only if the kit finds
#                   the violation and replays it)

SIM_VARIANTS := gcc clang asan
SIM_CC_gcc := $(CC)
SIM_FLAGS_gcc := -O2 -g
SIM_CC_clang := $(CLANG)
SIM_FLAGS_clang := -O2 -g -fsanitize=undefined -fno-sanitize-recover=all
SIM_CC_asan := $(CC)
SIM_FLAGS_asan := -O1 -g $(SAN_FLAGS)

SIM_HEADERS := $(wildcard include/pram/*.h)
SIM_EXAMPLE := examples/update_flag
SIM_EXAMPLE_SRCS := $(SIM_EXAMPLE)/update_flag.c $(SIM_EXAMPLE)/update_flag_test.c

define SIM_VARIANT
$(BUILD)/sim/$(1)/obj/%.o: src/%.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(SIM_CC_$(1)) $(CSTD) $(LIB_WARN) $(SIM_FLAGS_$(1)) -D_DEFAULT_SOURCE $(SIM_DEFS) -MMD -MP $(INC) -c $$< -o $$@

$(BUILD)/sim/$(1)/libpram_sim.a: $(patsubst src/%.c,$(BUILD)/sim/$(1)/obj/%.o,$(LIB_SRCS) $(HOST_SRCS) $(SIM_SRCS))
	@rm -f $$@
	$$(call say,AR,$$@)
	$(Q)ar rcs $$@ $$^

$(BUILD)/sim/$(1)/test_sim: tests/sim/test_sim.c $(BUILD)/sim/$(1)/libpram_sim.a $(SIM_HEADERS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(SIM_CC_$(1)) $(CSTD) $(TEST_WARN) $(SIM_FLAGS_$(1)) -D_DEFAULT_SOURCE $(SIM_DEFS) $(INC) \
	  $$(filter %.c %.a,$$^) -lcmocka -o $$@

$(BUILD)/sim/$(1)/update_flag_test: $(SIM_EXAMPLE_SRCS) $(SIM_EXAMPLE)/update_flag.h $(BUILD)/sim/$(1)/libpram_sim.a $(SIM_HEADERS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(SIM_CC_$(1)) $(CSTD) $(TEST_WARN) $(SIM_FLAGS_$(1)) $(SIM_DEFS) $(INC) -I$(SIM_EXAMPLE) \
	  $$(filter %.c %.a,$$^) -o $$@

$(BUILD)/sim/$(1)/update_flag_test_wrong: $(SIM_EXAMPLE_SRCS) $(SIM_EXAMPLE)/update_flag.h $(BUILD)/sim/$(1)/libpram_sim.a $(SIM_HEADERS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(SIM_CC_$(1)) $(CSTD) $(TEST_WARN) $(SIM_FLAGS_$(1)) $(SIM_DEFS) -DUPDATE_FLAG_WRONG_ORDER $(INC) \
	  -I$(SIM_EXAMPLE) $$(filter %.c %.a,$$^) -o $$@
endef
$(foreach v,$(SIM_VARIANTS),$(eval $(call SIM_VARIANT,$(v))))

SIM_PROGRAMS := test_sim update_flag_test update_flag_test_wrong

.PHONY: test-sim
test-sim: deps $(foreach v,$(SIM_VARIANTS),$(addprefix $(BUILD)/sim/$(v)/,$(SIM_PROGRAMS)))
	@echo "== sim: the power-cut test kit, $(SIM_VARIANTS)"
	@set -e; for v in $(SIM_VARIANTS); do for t in $(SIM_PROGRAMS); do \
	  echo "-- sim/$$v/$$t"; $(BUILD)/sim/$$v/$$t; \
	done; done
